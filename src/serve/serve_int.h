/* serve_int.h - what the files of src/serve/ share among themselves. */
#ifndef HV_SERVE_INT_H
#define HV_SERVE_INT_H

#include "serve/serve.h"

/* ---- lifetimes of the lazily built parts ---- */
int points_init(hv_server *s, hv_err *e);
void points_free(hv_server *s);
int search_init(hv_server *s, hv_err *e);
void search_free(hv_server *s);

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

/* Per-model routes: row is a valid row. */
typedef void (*hv_model_handler)(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row);
void api_model(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row);
void api_model_card(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row);
void api_model_family(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row);
void api_model_path(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row);
void api_model_similar(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row);
void api_network_family(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row);

#endif
