/* serve_int.h - what the files of src/serve/ share among themselves. */
#ifndef HV_SERVE_INT_H
#define HV_SERVE_INT_H

#include "serve/serve.h"

/* ---- lifetimes of the lazily built parts ---- */
int points_init(hv_server *s, hv_err *e);
/* Build the default 2D and 3D points bodies now (the warm-up thread). */
void points_warm(hv_server *s);
void points_free(hv_server *s);
int search_init(hv_server *s, hv_err *e);
/* Find the cluster medoids semantic search enters the kNN graph at (warm-up). */
void search_warm(hv_server *s);
void search_free(hv_server *s);
int overview_init(hv_server *s, hv_err *e);
void overview_free(hv_server *s);
int analyze_init(hv_server *s, hv_err *e);
void analyze_free(hv_server *s);
/* api_count.c: open the model-count database (--db); stop a running poll. */
int modelcount_init(hv_server *s, hv_err *e);
void modelcount_free(hv_server *s);

/* ---- the model filter (filter.c) ----
 * Query parameters (all optional; lists are comma-separated, any-of):
 *   min_downloads max_downloads min_likes max_likes
 *   library pipeline license language   (names as in /api/facets)
 *   base_only=true   max_depth=N   created_from created_to (YYYY-MM[-DD])
 *   cluster=N   family=<model id: its family>   q=<substring of the id> */
#define FILTER_MAX_VALUES 32
#define FILTER_MAX_Q 200

enum { FACET_LIBRARY, FACET_PIPELINE, FACET_LICENSE, FACET_LANGUAGE, FACET_COUNT };

typedef struct hv_filter {
    int64_t min_downloads, max_downloads, min_likes, max_likes;
    int64_t created_from, created_to;
    uint32_t nvals[FACET_COUNT];
    uint32_t vals[FACET_COUNT][FILTER_MAX_VALUES]; /* strs ids (0 = "none") */
    bool facet_on[FACET_COUNT];
    bool base_only;
    uint32_t max_depth; /* UINT32_MAX: any */
    uint32_t cluster;   /* UINT32_MAX: any */
    uint32_t family;    /* UINT32_MAX: any */
    char q[FILTER_MAX_Q + 1]; /* lower-cased; "" = none */
    size_t qn;
    bool any; /* some clause is set */
} hv_filter;

extern const char *const facet_names[FACET_COUNT + 1];

/* Parse the filter parameters; on a bad one answer 400 and return -1. */
int filter_parse(hv_server *s, const hv_req *rq, hv_resp *rs, hv_filter *f);
/* Whether row passes every clause. */
bool filter_match(const hv_server *s, const hv_filter *f, uint32_t row);
/* Bit f set for each facet clause the row fails (bit FACET_COUNT for any
 * other clause): 0 means the row passes. */
unsigned filter_fails(const hv_server *s, const hv_filter *f, uint32_t row);
/* The strs id of a facet value name, 0 when unknown. */
uint32_t strs_find(const hv_server *s, hv_sv name);
/* Build the lookup strs_find uses (server start); -1 when out of memory. */
int filter_init(hv_server *s);
/* Whether a model declares no parent of any relation. */
bool row_is_base(const hv_map *m, uint32_t row);

/* ---- handlers ---- */
void api_index(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_openapi(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_stats(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_points(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_models(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_rows(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_models_count(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_facets(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_histogram(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_search(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_distance(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_clusters(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_families_top(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_families_stats(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_network_derivatives(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_export(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_static(hv_server *s, const hv_req *rq, hv_resp *rs);
/* api_analyze.c: the analyses of src/science/ (docs/science.md) */
void api_analyze_families(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_analyze_drift(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_analyze_drift_pairs(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_analyze_license(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_analyze_docs(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_analyze_similarity(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_analyze_diff(hv_server *s, const hv_req *rq, hv_resp *rs);
/* api_count.c: the model-count database (docs/tracking.md) */
void api_count_status(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_count_latest(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_count_history(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_count_growth(hv_server *s, const hv_req *rq, hv_resp *rs);
void api_count_record(hv_server *s, const hv_req *rq, hv_resp *rs);

/* Per-model routes: row is a valid row. */
typedef void (*hv_model_handler)(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row);
void api_model(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row);
void api_model_card(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row);
void api_model_family(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row);
void api_model_path(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row);
void api_model_similar(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row);
void api_network_family(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row);

/* ---- lineage walks (graph.c) ---- */
/* The edge types (1 << hv_relation) the map's families and depths count:
 * stored by the build, HV_LINEAGE_DEFAULT_MASK (no merges) for older maps. */
unsigned map_lineage_mask(const hv_map *m);
/* A comma list of relation names (base, finetune, adapter, quantized,
 * merge; "all") as such a mask; absent -> def.  400 on an unknown name. */
int arg_relations(const hv_req *rq, hv_resp *rs, const char *name, unsigned def, unsigned *out);
/* The names of a mask's relations as a JSON array. */
void jw_relations(hv_jw *w, unsigned mask);
/* Whether the map has lineage; else answers 409. */
bool need_lineage(const hv_server *s, hv_resp *rs);
/* "prefix" + the id with every byte outside [A-Za-z0-9._-] as '_' + "ext"
 * (a Content-Disposition file name that needs no quoting). */
void safe_filename(char *out, size_t cap, const char *prefix, hv_sv id, const char *ext);

/* Rows -> int32, for walks bounded by what they visit (not by the map). */
typedef struct hv_rowmap {
    uint32_t *key; /* HV_NO_ROW = empty */
    int32_t *val;
    uint32_t cap, n;
} hv_rowmap;
int rowmap_init(hv_rowmap *h, uint32_t expect); /* -1 when out of memory */
void rowmap_free(hv_rowmap *h);
int32_t *rowmap_get(const hv_rowmap *h, uint32_t row); /* NULL when absent */
/* 1 when added, 0 when present (value kept), -1 when out of memory. */
int rowmap_put(hv_rowmap *h, uint32_t row, int32_t val);

/* A breadth-first walk from start over the edges whose type is in mask:
 * to parents (WALK_UP), children (WALK_DOWN) or both (the undirected family
 * graph).  Each row reached for the first time goes into seen with
 * sign * hops and is appended to order (capacity max_nodes); the walk ends
 * when a row would not fit in max_nodes rows in seen (WALK_CUT_NODES in
 * *cut; rows come in breadth-first order, nearest first), does not go
 * beyond max_hops (WALK_CUT_HOPS when something was left there), and stops
 * as soon as it reaches stop_at (HV_NO_ROW: never).  Rows already in seen are
 * not revisited, so a second walk (down after up) shares the budget.
 * -1 when out of memory. */
enum { WALK_UP = 1, WALK_DOWN = 2, WALK_BOTH = 3 };
enum { WALK_CUT_NODES = 1, WALK_CUT_HOPS = 2 };
typedef struct hv_walk {
    uint32_t start, stop_at;
    unsigned mask;
    int dirs;
    int sign;
    uint32_t max_hops, max_nodes;
} hv_walk;
int walk_bfs(const hv_map *m, const hv_walk *wk, hv_rowmap *seen, uint32_t *order, uint32_t *norder, unsigned *cut);

#endif
