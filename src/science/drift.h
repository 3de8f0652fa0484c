/* drift.h - trait drift from parent to child (paper-analyses.md §2.2-2.3).
 *
 * Traits: license and language (lists), task (pipeline_tag) and library
 * (single values, seen as lists of 0 or 1 item).  Over the edges of the
 * chosen relations where parent P and child C both carry the trait:
 *  - mutation of an edge = Jaccard distance |P xor C| / |P u C| (sets);
 *    rate = sum of mutations / traffic (the number of such edges);
 *  - the trait transition graph exactly as the paper's get_trait_graph
 *    counts it: for each a in C\P and each p in P, +1 on p->a; for each r in
 *    P\C and each c in C, +1 on r->c.  A single-valued change X -> Y is so
 *    counted twice on X->Y (once as "Y added", once as "X removed");
 *  - the oriented graph: per unordered pair {i,j}, net = w(i->j) - w(j->i);
 *    when net != 0 one edge in the dominant direction, traffic |net|,
 *    total_n = w(i->j) + w(j->i);
 *  - the top n traits: the n + 5 values carried by most models (ties by
 *    name), minus "other", "unknown", "None" and "", cut to n;
 *  - optimal orderings of the top n (exact, lop.h): "weighted" maximises the
 *    net traffic that points down the order, "unweighted" the number of
 *    oriented edges that do; for each, oriented compatibility (oriented
 *    top-n edges pointing down / all oriented top-n edges) and mutations
 *    accounted for (raw weight i->j with i before j / all raw weight among
 *    the top n). */
#ifndef HV_SCI_DRIFT_H
#define HV_SCI_DRIFT_H

#include <stdint.h>

#include "core/jsonw.h"
#include "science/lop.h"
#include "science/view.h"

typedef enum sci_trait {
    SCI_TRAIT_LICENSE = 0,
    SCI_TRAIT_LANGUAGE,
    SCI_TRAIT_TASK,
    SCI_TRAIT_LIBRARY,
    SCI_TRAIT_COUNT
} sci_trait;

const char *sci_trait_name(sci_trait t); /* "license", "language", "task", "library" */
sci_trait sci_trait_parse(const char *s);  /* SCI_TRAIT_COUNT when unknown */

/* The trait's values of a row (string ids, as stored; 0 or 1 for the
 * single-valued traits).  *n gets the count; the pointer may be into tmp. */
const uint32_t *sci_trait_items(const hv_sci_view *v, sci_trait t, uint32_t row, uint32_t *tmp, uint32_t *n);

typedef struct sci_drift_opts {
    unsigned mask;  /* default SCI_REL_ALL (the paper's published run) */
    sci_trait trait;
    uint32_t top_n; /* 2..SCI_LOP_MAX, default 20 */
    uint32_t top;   /* transitions listed in reports, 1..SCI_TOP_MAX */
} sci_drift_opts;

void sci_drift_defaults(sci_drift_opts *o);

typedef struct sci_trait_count {
    uint32_t sid;
    uint64_t models;
} sci_trait_count;

typedef struct sci_transition {
    uint32_t from, to; /* string ids */
    uint64_t w, w_back;
} sci_transition;

typedef struct sci_ordering {
    uint8_t order[SCI_LOP_MAX];  /* indices into top[] */
    int64_t objective;
    uint32_t compat_num, compat_den;
    uint64_t accounted_num, accounted_den;
} sci_ordering;

typedef struct sci_drift {
    sci_drift_opts opts;
    uint64_t edges;      /* edges of the chosen relations */
    uint64_t traffic;    /* ... where both ends carry the trait */
    uint64_t mutated;    /* ... with a non-zero mutation */
    double mutation_sum, mutation_rate;
    uint64_t models_with_trait;
    sci_trait_count *values; /* every value, by models (desc), then name */
    size_t nvalues;
    sci_transition *transitions; /* every raw edge w(from->to) > 0, by w desc */
    size_t ntransitions;
    uint64_t raw_total;
    uint64_t oriented_edges, oriented_traffic, oriented_total_n;
    uint32_t top[SCI_LOP_MAX];
    uint32_t ntop;
    uint64_t W[SCI_LOP_MAX][SCI_LOP_MAX]; /* raw weights among the top n */
    uint64_t top_oriented_edges, top_traffic, top_total_n;
    sci_ordering weighted, unweighted;
} sci_drift;

int sci_drift_run(const hv_sci_view *v, const sci_drift_opts *o, sci_drift *out, hv_err *e);
void sci_drift_free(sci_drift *d);
void sci_drift_json(const hv_sci_view *v, const sci_drift *d, hv_jw *w);

/* The string id of a trait value by name (exact), or 0 when no model carries
 * it.  A scan of the rows, for command-line and API lookups. */
uint32_t sci_trait_find(const hv_sci_view *v, sci_trait t, hv_sv name);

/* The parent -> child edges behind the transition from -> to (the edges
 * whose counting added to w(from->to), see above), in edge order: up to
 * limit edge indices into idx, *total gets all of them. */
int sci_drift_pairs(const hv_sci_view *v, sci_trait t, unsigned mask, uint32_t from, uint32_t to, uint64_t *idx,
                    size_t limit, size_t *nidx, uint64_t *total, hv_err *e);
/* The JSON of those pairs (what `hfviz analyze drift --pairs --json` and
 * /api/analyze/drift/pairs send): from/to as the caller named them. */
void sci_drift_pairs_json(const hv_sci_view *v, sci_trait t, unsigned mask, hv_sv from, hv_sv to, const uint64_t *idx,
                          size_t n, uint64_t total, hv_jw *w);

#endif
