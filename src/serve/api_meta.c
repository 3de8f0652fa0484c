/* api_meta.c - what the server and its map are: GET /api (the endpoint
 * list), /api/stats (the map's overview, built once and cached) and
 * /api/openapi.json (the OpenAPI document, compiled in from
 * src/serve/openapi.json). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "serve/serve_int.h"

extern const unsigned char hv_openapi_json[];
extern const size_t hv_openapi_json_len;

static const char *const ENDPOINTS[][2] = {
    {"GET /api/stats", "overview of the map"},
    {"GET /api/points?dims=2|3&fields=", "binary coordinates and attributes of every model"},
    {"GET /api/models?<filters>&sort=&order=&limit=&offset=", "filtered, sorted, paged models"},
    {"GET /api/models/count?<filters>", "how many models pass the filters"},
    {"GET /api/rows?i=", "models by their index in /api/points (tooltips, selections)"},
    {"GET /api/facets?<filters>&facets=&top=", "value counts per facet under the filters"},
    {"GET /api/histogram?field=&bins=&log=&<filters>", "histogram of a numeric field"},
    {"GET /api/search?q=&limit=&mode=", "model ids (exact, prefix, substring, fuzzy) and semantic search"},
    {"GET /api/model/{id}", "every field of one model"},
    {"GET /api/model/{id}/card", "its model card"},
    {"GET /api/model/{id}/family?max_depth=&relations=", "ancestors and descendants"},
    {"GET /api/model/{id}/path", "lineage to the root"},
    {"GET /api/model/{id}/similar?k=", "nearest models in the embedding"},
    {"GET /api/distance?a=&b=", "how alike two models are"},
    {"GET /api/clusters", "clusters: label, size, centroid, top tags"},
    {"GET /api/families/top", "largest families"},
    {"GET /api/families/stats?family=", "family size/depth distributions, growth"},
    {"GET /api/network/family/{id}?format=json|graphml", "a family as a network"},
    {"GET /api/network/derivatives?<filters>", "edges among filtered models"},
    {"POST /api/export", "ids or a filter -> CSV or JSON"},
    {"GET /api/analyze/families?relations=&top=", "families: roots, sizes, depths, fertility, growth, bursts"},
    {"GET /api/analyze/drift?trait=&top_n=&top=&relations=", "trait drift: mutation rate, transitions, orderings"},
    {"GET /api/analyze/drift/pairs?trait=&from=&to=&limit=&relations=", "the parent->child pairs behind a transition"},
    {"GET /api/analyze/license?relations=&limit=&top=", "license audit: children less restrictive than the parent"},
    {"GET /api/analyze/docs?relations=", "documentation drift, parent vs child"},
    {"GET /api/analyze/similarity?artifact=&samples=&bootstrap=&seed=&strip_ids=&no_frontmatter=",
     "similarity of related models by pattern, with bootstrap CIs"},
    {"GET /api/analyze/diff?a=&b=&artifact=&max_chars=", "character-level diff of two models' metadata or cards"},
    {"GET /api/model-count/status", "the model-count database (--db): snapshots, the last poll"},
    {"GET /api/model-count/latest?source=", "the newest model-count snapshot, by library and pipeline"},
    {"GET /api/model-count/history?from=&to=&source=&facet=&values=&top=&limit=", "model counts over time"},
    {"GET /api/model-count/growth?days=&source=&top=&forecast_days=&model=", "growth, rates and a forecast"},
    {"POST /api/model-count/record", "poll the Hub now (only with --allow-record)"},
    {"GET /api/openapi.json", "the OpenAPI 3 document"},
};

void api_index(hv_server *s, const hv_req *rq, hv_resp *rs) {
    (void)rq;
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "name");
    jw_cstr(&w, "hfviz");
    jw_key(&w, "models");
    jw_uint(&w, s->map.n);
    jw_key(&w, "docs");
    jw_cstr(&w, "/api/openapi.json");
    jw_key(&w, "endpoints");
    jw_arr(&w);
    for (size_t i = 0; i < sizeof ENDPOINTS / sizeof ENDPOINTS[0]; i++) {
        jw_obj(&w);
        jw_key(&w, "endpoint");
        jw_cstr(&w, ENDPOINTS[i][0]);
        jw_key(&w, "what");
        jw_cstr(&w, ENDPOINTS[i][1]);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    resp_json_done(rs, &w);
}

void api_openapi(hv_server *s, const hv_req *rq, hv_resp *rs) {
    (void)s, (void)rq;
    rs->status = 200;
    rs->type = "application/json";
    rs->ext = hv_openapi_json;
    rs->ext_len = hv_openapi_json_len;
    rs->cache = "no-cache";
    snprintf(rs->etag, sizeof rs->etag, "\"openapi-%zx\"", hv_openapi_json_len);
}

/* ---- /api/stats, built on first use ---- */
typedef struct top_item {
    uint32_t sid, cnt;
} top_item;

static int cmp_top(const void *a, const void *b) {
    const top_item *x = a, *y = b;
    if (x->cnt != y->cnt) return x->cnt > y->cnt ? -1 : 1;
    return x->sid < y->sid ? -1 : x->sid > y->sid;
}

/* Top values of a scalar column or a list column (counts over rows). */
static void top_values(hv_jw *w, const hv_map *m, const uint32_t *col, const hv_map_list *list, uint32_t top) {
    /* count into a dense array over the string pool: a few MB at most, once */
    uint32_t *cnt = calloc(m->nstrs ? m->nstrs : 1, sizeof *cnt);
    if (!cnt) {
        w->failed = true;
        return;
    }
    for (uint32_t r = 0; r < m->n; r++) {
        if (col) cnt[col[r] < m->nstrs ? col[r] : 0]++;
        else
            for (uint64_t i = list->off[r]; i < list->off[r + 1]; i++)
                if (list->val[i] < m->nstrs) cnt[list->val[i]]++;
    }
    uint32_t k = 0;
    for (uint32_t i = 1; i < m->nstrs; i++) k += cnt[i] > 0;
    top_item *t = malloc(((size_t)k + 1) * sizeof *t);
    if (!t) {
        free(cnt);
        w->failed = true;
        return;
    }
    k = 0;
    for (uint32_t i = 1; i < m->nstrs; i++)
        if (cnt[i]) t[k].sid = i, t[k++].cnt = cnt[i];
    qsort(t, k, sizeof *t, cmp_top);
    jw_obj(w);
    jw_key(w, "distinct");
    jw_uint(w, k);
    jw_key(w, "none");
    jw_uint(w, col ? cnt[0] : 0);
    jw_key(w, "top");
    jw_arr(w);
    for (uint32_t i = 0; i < k && i < top; i++) {
        jw_obj(w);
        jw_key(w, "value");
        jw_str(w, map_str(m, t[i].sid));
        jw_key(w, "count");
        jw_uint(w, t[i].cnt);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
    free(t);
    free(cnt);
}

static int build_stats(hv_server *s, hv_buf *out) {
    const hv_map *m = &s->map;
    hv_jw w;
    jw_init(&w, out);
    uint64_t by_type[HV_REL_COUNT] = {0};
    for (uint64_t k = 0; k < m->nedges; k++) by_type[m->edges[k].type]++;
    uint32_t families = 0, largest = 0, max_depth = 0, bases = 0, cards = 0;
    for (uint32_t f = 0; f < m->nfamilies; f++) {
        families += m->family_size[f] >= 2;
        if (m->family_size[f] > largest) largest = m->family_size[f];
    }
    int64_t first = 0, last = 0;
    uint64_t downloads = 0, likes = 0;
    for (uint32_t r = 0; r < m->n; r++) {
        if (m->depth && m->depth[r] > max_depth) max_depth = m->depth[r];
        bases += row_is_base(m, r);
        cards += m->has_card[r] != 0;
        downloads += (uint64_t)(m->downloads[r] > 0 ? m->downloads[r] : 0);
        likes += (uint64_t)(m->likes[r] > 0 ? m->likes[r] : 0);
        int64_t t = m->created_at[r];
        if (t) {
            if (!first || t < first) first = t;
            if (t > last) last = t;
        }
    }
    jw_obj(&w);
    jw_key(&w, "models");
    jw_uint(&w, m->n);
    jw_key(&w, "edges");
    jw_uint(&w, m->nedges);
    jw_key(&w, "edges_by_type");
    jw_obj(&w);
    for (int t = 0; t < HV_REL_COUNT; t++) {
        jw_key(&w, hv_relation_name((hv_relation)t));
        jw_uint(&w, by_type[t]);
    }
    jw_obj_end(&w);
    jw_key(&w, "base_models");
    jw_uint(&w, bases);
    jw_key(&w, "families");
    jw_uint(&w, families);
    jw_key(&w, "largest_family");
    jw_uint(&w, largest);
    jw_key(&w, "max_depth");
    jw_uint(&w, max_depth);
    jw_key(&w, "with_card");
    jw_uint(&w, cards);
    jw_key(&w, "downloads_total");
    jw_uint(&w, downloads);
    jw_key(&w, "likes_total");
    jw_uint(&w, likes);
    jw_key(&w, "created_first");
    jw_time(&w, first);
    jw_key(&w, "created_last");
    jw_time(&w, last);
    jw_key(&w, "clusters");
    jw_uint(&w, m->nclusters);
    jw_key(&w, "layouts");
    jw_arr(&w);
    if (m->coords2d) jw_int(&w, 2);
    if (m->coords3d) jw_int(&w, 3);
    jw_arr_end(&w);
    jw_key(&w, "knn_k");
    jw_uint(&w, m->k);
    jw_key(&w, "vector_dims");
    jw_uint(&w, m->dim);
    jw_key(&w, "has_cards");
    jw_bool(&w, m->cards_size > 0);
    jw_key(&w, "map_bytes");
    jw_uint(&w, m->file.size);
    jw_key(&w, "libraries");
    top_values(&w, m, m->library, NULL, 30);
    jw_key(&w, "pipelines");
    top_values(&w, m, m->pipeline, NULL, 30);
    jw_key(&w, "licenses");
    top_values(&w, m, NULL, &m->licenses, 30);
    jw_key(&w, "languages");
    top_values(&w, m, NULL, &m->languages, 30);
    jw_key(&w, "build");
    if (m->meta_json.n) jw_raw(&w, m->meta_json);
    else jw_null(&w);
    jw_obj_end(&w);
    return w.failed ? -1 : 0;
}

void api_stats(hv_server *s, const hv_req *rq, hv_resp *rs) {
    (void)rq;
    pthread_mutex_lock(&s->stats_lock);
    int fail = 0;
    if (!s->stats_built) {
        hv_buf_clear(&s->stats_body);
        fail = build_stats(s, &s->stats_body);
        s->stats_built = !fail;
    }
    pthread_mutex_unlock(&s->stats_lock);
    if (fail) {
        resp_error(rs, 500, "out of memory", "building the statistics");
        return;
    }
    rs->status = 200;
    rs->type = "application/json";
    rs->ext = s->stats_body.p;
    rs->ext_len = s->stats_body.n;
    rs->cache = "no-cache";
    snprintf(rs->etag, sizeof rs->etag, "\"%s-stats\"", s->etag_base);
}
