/* api_models.c - the filtered model list, its count, the facet counts and
 * the histograms: each one scan of the columns under the filter
 * (filter.c).  Sorted lists walk the rankings built at start, so a page of
 * the most downloaded models stops as soon as it is full (the total still
 * needs the whole scan, which is a few milliseconds per million rows). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_int.h"

#define MODELS_MAX_LIMIT 1000
#define FACETS_MAX_TOP 500
#define HIST_MAX_BINS 200

static const char *const SORTS[] = {"downloads", "likes", "trending", "created", NULL};
static const char *const ORDERS[] = {"desc", "asc", NULL};

static uint32_t count_matches(const hv_server *s, const hv_filter *f) {
    if (!f->any) return s->map.n;
    uint32_t total = 0;
    for (uint32_t r = 0; r < s->map.n; r++) total += filter_match(s, f, r);
    return total;
}

void api_models(hv_server *s, const hv_req *rq, hv_resp *rs) {
    hv_filter f;
    uint32_t limit, offset;
    int sort, order;
    if (filter_parse(s, rq, rs, &f) || arg_u32(rq, rs, "limit", 50, 1, MODELS_MAX_LIMIT, &limit) ||
        arg_u32(rq, rs, "offset", 0, 0, s->map.n, &offset) || arg_enum(rq, rs, "sort", SORTS, 0, &sort) ||
        arg_enum(rq, rs, "order", ORDERS, 0, &order))
        return;
    const uint32_t *rank = server_ranking(s, sort); /* SORTS[] is in RANK_* order */
    uint32_t n = s->map.n, total = 0;
    uint32_t *page = malloc((size_t)limit * sizeof *page);
    if (!page || !rank) {
        free(page);
        resp_error(rs, 500, "out of memory", "try a smaller limit");
        return;
    }
    uint32_t got = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = rank[order == 0 ? i : n - 1 - i];
        if (!filter_match(s, &f, r)) continue;
        if (total >= offset && got < limit) page[got++] = r;
        total++;
        if (!f.any && got == limit) { /* no filter: the total is known */
            total = n;
            break;
        }
    }
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "total");
    jw_uint(&w, total);
    jw_key(&w, "offset");
    jw_uint(&w, offset);
    jw_key(&w, "limit");
    jw_uint(&w, limit);
    jw_key(&w, "sort");
    jw_cstr(&w, SORTS[sort]);
    jw_key(&w, "order");
    jw_cstr(&w, ORDERS[order]);
    jw_key(&w, "models");
    jw_arr(&w);
    for (uint32_t i = 0; i < got; i++) jw_model_brief(&w, &s->map, page[i]);
    jw_arr_end(&w);
    jw_obj_end(&w);
    free(page);
    resp_json_done(rs, &w);
}

/* GET /api/rows?i=3,17,42: brief fields of models by point index, for
 * tooltips and selections made on the map. */
#define ROWS_MAX 1000
void api_rows(hv_server *s, const hv_req *rq, hv_resp *rs) {
    const char *v;
    if (arg_str(rq, rs, "i", ROWS_MAX * 11, &v)) return;
    if (!v || !*v) {
        resp_error(rs, 400, "missing parameter", "i: a comma-separated list of row indices (at most %d)", ROWS_MAX);
        return;
    }
    uint32_t rows[ROWS_MAX], k = 0;
    for (const char *p = v; *p;) {
        char *end;
        unsigned long long x = strtoull(p, &end, 10);
        if (end == p || (*end && *end != ',') || x >= s->map.n || *p == '-' || *p == '+') {
            resp_error(rs, 400, "bad parameter", "i must list row indices in 0..%u, comma-separated", s->map.n - 1);
            return;
        }
        if (k == ROWS_MAX) {
            resp_error(rs, 400, "bad parameter", "i takes at most %d indices", ROWS_MAX);
            return;
        }
        rows[k++] = (uint32_t)x;
        p = *end ? end + 1 : end;
    }
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "models");
    jw_arr(&w);
    for (uint32_t i = 0; i < k; i++) jw_model_brief(&w, &s->map, rows[i]);
    jw_arr_end(&w);
    jw_obj_end(&w);
    resp_json_done(rs, &w);
}

void api_models_count(hv_server *s, const hv_req *rq, hv_resp *rs) {
    hv_filter f;
    if (filter_parse(s, rq, rs, &f)) return;
    uint32_t total = count_matches(s, &f);
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "count");
    jw_uint(&w, total);
    jw_key(&w, "of");
    jw_uint(&w, s->map.n);
    jw_obj_end(&w);
    resp_json_done(rs, &w);
}

/* ---- facet counts: one small open-addressing table per facet ---- */
typedef struct counter {
    uint32_t *key; /* strs id + 1; 0 = empty slot */
    uint32_t *cnt;
    uint32_t size, used;
} counter;

static int counter_add(counter *c, uint32_t key) {
    if ((c->used + 1) * 2 > c->size) {
        uint32_t ns = c->size ? c->size * 2 : 256;
        counter t = {calloc(ns, 4), calloc(ns, 4), ns, 0};
        if (!t.key || !t.cnt) {
            free(t.key), free(t.cnt);
            return -1;
        }
        for (uint32_t i = 0; i < c->size; i++) {
            if (!c->key[i]) continue;
            uint32_t h = (c->key[i] * 2654435761u) & (ns - 1);
            while (t.key[h]) h = (h + 1) & (ns - 1);
            t.key[h] = c->key[i];
            t.cnt[h] = c->cnt[i];
            t.used++;
        }
        free(c->key), free(c->cnt);
        *c = t;
    }
    uint32_t k = key + 1, h = (k * 2654435761u) & (c->size - 1);
    while (c->key[h] && c->key[h] != k) h = (h + 1) & (c->size - 1);
    if (!c->key[h]) c->key[h] = k, c->used++;
    c->cnt[h]++;
    return 0;
}

typedef struct kc {
    uint32_t key, cnt;
} kc;

static int cmp_kc(const void *a, const void *b) {
    const kc *x = a, *y = b;
    if (x->cnt != y->cnt) return x->cnt > y->cnt ? -1 : 1;
    return x->key < y->key ? -1 : x->key > y->key;
}

void api_facets(hv_server *s, const hv_req *rq, hv_resp *rs) {
    hv_filter f;
    uint32_t top;
    const char *which;
    if (filter_parse(s, rq, rs, &f) || arg_u32(rq, rs, "top", 50, 1, FACETS_MAX_TOP, &top) ||
        arg_str(rq, rs, "facets", 200, &which))
        return;
    bool want[FACET_COUNT];
    for (int k = 0; k < FACET_COUNT; k++) want[k] = which == NULL;
    for (const char *p = which; p && *p;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        int k = 0;
        while (k < FACET_COUNT && !(strlen(facet_names[k]) == n && memcmp(facet_names[k], p, n) == 0)) k++;
        if (k == FACET_COUNT) {
            resp_error(rs, 400, "bad parameter", "facets takes library, pipeline, license, language; got '%.*s'",
                       (int)(n > 40 ? 40 : n), p);
            return;
        }
        want[k] = true;
        p = c ? c + 1 : p + n;
    }
    const hv_map *m = &s->map;
    counter cnt[FACET_COUNT];
    memset(cnt, 0, sizeof cnt);
    uint32_t matched = 0;
    int oom = 0;
    for (uint32_t r = 0; r < m->n && !oom; r++) {
        unsigned fails = filter_fails(s, &f, r);
        if (fails >> FACET_COUNT) continue;
        matched += fails == 0;
        for (int k = 0; k < FACET_COUNT; k++) {
            if (!want[k] || (fails & ~(1u << k))) continue; /* counted under every clause but its own */
            if (k == FACET_LIBRARY) oom |= counter_add(&cnt[k], m->library[r]);
            else if (k == FACET_PIPELINE) oom |= counter_add(&cnt[k], m->pipeline[r]);
            else {
                const hv_map_list *l = k == FACET_LICENSE ? &m->licenses : &m->languages;
                if (l->off[r] == l->off[r + 1]) oom |= counter_add(&cnt[k], 0);
                for (uint64_t i = l->off[r]; i < l->off[r + 1]; i++) oom |= counter_add(&cnt[k], l->val[i]);
            }
        }
    }
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "count");
    jw_uint(&w, matched);
    jw_key(&w, "facets");
    jw_obj(&w);
    for (int k = 0; k < FACET_COUNT && !oom; k++) {
        if (!want[k]) continue;
        kc *v = malloc(((size_t)cnt[k].used + 1) * sizeof *v);
        if (!v) {
            oom = 1;
            break;
        }
        uint32_t nv = 0;
        for (uint32_t i = 0; i < cnt[k].size; i++)
            if (cnt[k].key[i]) v[nv].key = cnt[k].key[i] - 1, v[nv++].cnt = cnt[k].cnt[i];
        qsort(v, nv, sizeof *v, cmp_kc);
        jw_key(&w, facet_names[k]);
        jw_obj(&w);
        jw_key(&w, "distinct");
        jw_uint(&w, nv);
        jw_key(&w, "values");
        jw_arr(&w);
        for (uint32_t i = 0; i < nv && i < top; i++) {
            jw_obj(&w);
            jw_key(&w, "value");
            if (v[i].key == 0) jw_cstr(&w, "none");
            else jw_str(&w, map_str(m, v[i].key));
            jw_key(&w, "count");
            jw_uint(&w, v[i].cnt);
            jw_obj_end(&w);
        }
        jw_arr_end(&w);
        jw_obj_end(&w);
        free(v);
    }
    jw_obj_end(&w);
    jw_obj_end(&w);
    for (int k = 0; k < FACET_COUNT; k++) free(cnt[k].key), free(cnt[k].cnt);
    if (oom) {
        resp_error(rs, 500, "out of memory", "counting facets");
        return;
    }
    resp_json_done(rs, &w);
}

/* ---- histograms ---- */
static const char *const HIST_FIELDS[] = {"downloads", "likes", "trending", "created", "depth",
                                          "card_chars", "card_words", NULL};

static bool hist_value(const hv_map *m, int field, uint32_t r, double *v) {
    switch (field) {
    case 0: *v = (double)m->downloads[r]; return true;
    case 1: *v = (double)m->likes[r]; return true;
    case 2: *v = m->trending[r]; return true;
    case 3: *v = (double)m->created_at[r]; return m->created_at[r] != 0;
    case 4: *v = m->depth ? m->depth[r] : 0; return m->depth != NULL;
    case 5: *v = m->card_chars[r]; return m->has_card[r];
    default: *v = m->card_words[r]; return m->has_card[r];
    }
}

void api_histogram(hv_server *s, const hv_req *rq, hv_resp *rs) {
    hv_filter f;
    int field;
    uint32_t bins;
    bool lg;
    if (filter_parse(s, rq, rs, &f) || arg_enum(rq, rs, "field", HIST_FIELDS, 0, &field) ||
        arg_u32(rq, rs, "bins", 50, 1, HIST_MAX_BINS, &bins) || arg_bool(rq, rs, "log", field <= 1, &lg))
        return;
    const hv_map *m = &s->map;
    /* log bins are over log10(1 + v); negative values (none in practice) clamp to 0 */
    double lo = INFINITY, hi = -INFINITY;
    uint64_t count = 0, missing = 0;
    double sum = 0;
    for (uint32_t r = 0; r < m->n; r++) {
        if (!filter_match(s, &f, r)) continue;
        double v;
        if (!hist_value(m, field, r, &v)) {
            missing++;
            continue;
        }
        sum += v;
        if (lg) v = log10(1 + (v > 0 ? v : 0));
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        count++;
    }
    uint64_t *h = calloc(bins, sizeof *h);
    if (!h) {
        resp_error(rs, 500, "out of memory", "histogram");
        return;
    }
    double width = count && hi > lo ? (hi - lo) / bins : 1;
    if (field == 4 && !lg && count) { /* depth: one bin per integer when they fit */
        double span = hi - lo + 1;
        if (span <= HIST_MAX_BINS) bins = (uint32_t)span, width = 1;
    }
    for (uint32_t r = 0; count && r < m->n; r++) {
        double v;
        if (!filter_match(s, &f, r) || !hist_value(m, field, r, &v)) continue;
        if (lg) v = log10(1 + (v > 0 ? v : 0));
        uint64_t b = (uint64_t)((v - lo) / width);
        if (b >= bins) b = bins - 1;
        h[b]++;
    }
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "field");
    jw_cstr(&w, HIST_FIELDS[field]);
    jw_key(&w, "log");
    jw_bool(&w, lg);
    jw_key(&w, "count");
    jw_uint(&w, count);
    jw_key(&w, "missing");
    jw_uint(&w, missing);
    jw_key(&w, "mean");
    if (count) jw_num(&w, sum / (double)count);
    else jw_null(&w);
    jw_key(&w, "bins");
    jw_arr(&w);
    for (uint32_t b = 0; count && b < bins; b++) {
        double a = lo + b * width, z = b + 1 == bins && field != 4 ? hi : lo + (b + 1) * width;
        jw_obj(&w);
        jw_key(&w, "lo");
        jw_num17(&w, lg ? pow(10, a) - 1 : a);
        jw_key(&w, "hi");
        jw_num17(&w, lg ? pow(10, z) - 1 : z);
        jw_key(&w, "count");
        jw_uint(&w, h[b]);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    free(h);
    resp_json_done(rs, &w);
}
