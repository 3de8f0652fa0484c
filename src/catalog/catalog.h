/* catalog.h - the columnar in-memory table of models (struct of arrays).
 *
 * One row per model.  Strings are interned: model ids (and parent ids that
 * are not rows) in `ids`, everything else (authors, tags, licenses, ...) in
 * `strs`; id 0 of either pool is the empty string and means "none".
 *
 * Life cycle: catalog_new -> catalog_add per record (any number of files) ->
 * catalog_finish (drops rows superseded by a later duplicate, resolves
 * parents to rows, builds the children index and the edge list) -> read the
 * columns -> catalog_free.  Reading before finish is not allowed. */
#ifndef HV_CATALOG_H
#define HV_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strpool.h"
#include "ingest/record.h"

#define HV_NO_ROW UINT32_MAX

/* A list per row in compressed-sparse-row form: the items of row r are
 * val[off[r] .. off[r+1]). */
typedef struct hv_csr {
    uint64_t *off; /* n + 1 entries */
    uint32_t *val;
    uint64_t nval, capval;
} hv_csr;

static inline uint64_t csr_len(const hv_csr *l, uint32_t r) { return l->off[r + 1] - l->off[r]; }

/* One parent -> child edge of the unified graph (the paper's: the union of
 * all five parent lists, one edge per distinct pair, typed by the last match
 * in the order finetune, quantized, adapter, merge; HV_REL_BASE when only
 * the untyped base_model:X tag names the parent). */
typedef struct hv_edge {
    uint32_t parent, child;
    uint8_t type;      /* hv_relation */
    uint8_t relmask;   /* every relation list that names this pair (1 << rel) */
} hv_edge;

typedef struct hv_cardstore_writer hv_cardstore_writer;

typedef struct hv_catalog {
    uint32_t n; /* rows */
    hv_strpool *ids;  /* model ids, also of parents that are not rows */
    hv_strpool *strs; /* every other string */
    uint32_t *row_of_id; /* ids pool id -> row, HV_NO_ROW if not a row */
    uint32_t row_of_id_cap;

    /* per-row columns */
    uint32_t *model_id; /* ids pool */
    uint32_t *author;   /* strs pool */
    uint8_t *has;       /* HV_HAS_* bits */
    int64_t *likes, *downloads, *created_at;
    double *trending;
    uint8_t *is_private;
    uint32_t *pipeline, *library; /* strs ids: the dictionary codes; 0 = none */
    hv_csr tags, licenses, languages, datasets, arxiv, regions; /* strs ids */
    hv_csr parents[HV_REL_COUNT]; /* ids pool ids, as declared */

    /* model-card facts */
    uint8_t *has_card, *card_autogen, *card_frontmatter;
    uint32_t *card_chars, *card_words;
    uint32_t *card_ref; /* entry in the card store, HV_NO_ROW if none */

    /* built by catalog_finish */
    hv_csr parent_rows[HV_REL_COUNT];   /* resolved parents that are rows */
    hv_csr children[HV_REL_COUNT];      /* inverse of parent_rows */
    uint64_t external_parents[HV_REL_COUNT]; /* declared parents not in the data */
    uint64_t self_parents;              /* models naming themselves (dropped) */
    hv_edge *edges;                     /* unified graph, sorted by child */
    uint64_t nedges;
    uint64_t *edge_off;                 /* n + 1: edges of child r */
    hv_csr edge_children;               /* parent row -> edge indices */

    /* build bookkeeping */
    uint32_t cap;
    uint8_t *superseded; /* row replaced by a later duplicate */
    uint64_t rows_added, duplicates;
    uint64_t cards_bad_frontmatter;
    bool finished;
    hv_cardstore_writer *cards; /* optional: where card text goes */
    void *scratch; /* private per-build state */
} hv_catalog;

hv_catalog *catalog_new(void);
void catalog_free(hv_catalog *c); /* accepts NULL */

/* Send card text to a card store as rows arrive (else it is dropped after
 * its facts are computed).  The catalog does not own w. */
void catalog_set_cardstore(hv_catalog *c, hv_cardstore_writer *w);

/* Validate and append one record; a later record with the same model_id
 * replaces an earlier one (counted in duplicates).  HV_EINPUT with a reason
 * for a bad record (missing id, invalid UTF-8, absurd value). */
int catalog_add(hv_catalog *c, const hv_record *r, hv_err *e);

/* Attach a model card to the row with this id (card files); creates a row
 * holding only the card's facts when the id is not yet a row. */
int catalog_add_card(hv_catalog *c, hv_sv model_id, hv_sv card, hv_err *e);

int catalog_finish(hv_catalog *c, hv_err *e);

/* Row of a model id, or HV_NO_ROW. */
uint32_t catalog_find(const hv_catalog *c, hv_sv model_id);
static inline hv_sv catalog_id(const hv_catalog *c, uint32_t row) { return strpool_get(c->ids, c->model_id[row]); }
static inline hv_sv catalog_str(const hv_catalog *c, uint32_t sid) { return strpool_get(c->strs, sid); }

/* Heap bytes held by the catalog (for benchmarks). */
size_t catalog_bytes(const hv_catalog *c);

#endif
