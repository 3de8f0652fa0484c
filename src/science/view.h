/* view.h - the small read-only view of a model table that every analysis of
 * src/science/ runs on.
 *
 * Both sources of data provide it without copying: an hv_catalog (inputs
 * read by src/ingest/) and an hv_map (a map file, mmap'ed).  The view holds
 * the columns the paper's analyses need (typed edges, traits, card facts,
 * creation time) and two callbacks for strings, so an analysis never knows
 * where the data came from.  The server will build one view per open map
 * and call the same functions as `hfviz analyze`. */
#ifndef HV_SCI_VIEW_H
#define HV_SCI_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "core/err.h"
#include "core/sv.h"

typedef struct hv_map hv_map;

/* A list per row (CSR): items of row r are val[off[r] .. off[r+1]). */
typedef struct hv_sci_list {
    const uint64_t *off;
    const uint32_t *val;
} hv_sci_list;

typedef struct hv_sci_view {
    uint32_t n;                 /* rows */
    uint32_t nstrs;             /* size of the string pool the trait ids index */
    const hv_edge *edges;       /* the unified typed graph, sorted by child */
    uint64_t nedges;
    const uint64_t *edge_off;   /* n + 1: edges of child r */
    hv_sci_list edge_children;  /* parent row -> edge indices */
    const uint32_t *pipeline, *library; /* string ids, 0 = none */
    hv_sci_list licenses, languages;    /* string ids */
    const uint8_t *has;         /* HV_HAS_* bits (HV_HAS_CREATED) */
    const int64_t *created_at;  /* epoch seconds */
    const uint8_t *has_card, *card_autogen;
    const uint32_t *card_chars;
    const uint32_t *card_ref;   /* entry in the card store, HV_NO_ROW if none */
    /* for the metadata text of the similarity analysis */
    hv_sci_list tags;
    const int64_t *likes, *downloads;
    const double *trending;
    const uint8_t *is_private;
    /* strings */
    hv_sv (*model_id)(const void *src, uint32_t row);
    hv_sv (*str)(const void *src, uint32_t sid);
    const void *src;
} hv_sci_view;

void sci_view_from_catalog(const hv_catalog *c, hv_sci_view *v);
void sci_view_from_map(const hv_map *m, hv_sci_view *v);

static inline hv_sv sci_id(const hv_sci_view *v, uint32_t row) { return v->model_id(v->src, row); }
static inline hv_sv sci_str(const hv_sci_view *v, uint32_t sid) { return v->str(v->src, sid); }
/* Row of a model id, or HV_NO_ROW (a linear scan: for command-line lookups). */
uint32_t sci_find(const hv_sci_view *v, hv_sv id);

/* Relation sets are masks of (1 << hv_relation). */
#define SCI_REL_ALL ((1u << HV_REL_COUNT) - 1u)
#define SCI_REL_NOMERGE (SCI_REL_ALL & ~(1u << HV_REL_MERGE))
#define SCI_REL_FINETUNE (1u << HV_REL_FINETUNE)
/* "all", "nomerge", or a comma list of finetune, adapter, quantized, merge,
 * untyped (base).  HV_EUSAGE naming the bad word otherwise. */
int sci_relations_parse(const char *s, unsigned *mask, hv_err *e);
/* "finetune+adapter+quantized+untyped" into out (at least 64 bytes). */
void sci_relations_name(unsigned mask, char *out, size_t cap);
/* The name a relation has in reports: "untyped" for HV_REL_BASE. */
const char *sci_relation_label(int rel);

#endif
