/* search_scan.c - the same answer as the index, by judging every row: the
 * fallback for maps built before the index existed (about 0.1-0.3 s per
 * query at 1.86M models) and the oracle the tests hold the index to. */
#include <stdlib.h>

#include "search/search_int.h"

typedef struct scan_hit {
    uint32_t row;
    int tier;
    int64_t downloads;
    uint8_t on_name, dist;
} scan_hit;

/* The rank order: tier, downloads (descending), id bytes, row. */
static int cmp_hit(const hv_search_src *src, const scan_hit *a, const scan_hit *b) {
    if (a->tier != b->tier) return a->tier < b->tier ? -1 : 1;
    if (a->downloads != b->downloads) return a->downloads > b->downloads ? -1 : 1;
    hv_sv s = search_src_id(src, a->row), t = search_src_id(src, b->row);
    size_t k = s.n < t.n ? s.n : t.n;
    int c = k ? memcmp(s.p, t.p, k) : 0;
    if (c) return c;
    if (s.n != t.n) return s.n < t.n ? -1 : 1;
    return a->row < b->row ? -1 : a->row > b->row;
}

int search_scan(const hv_search_src *src, const char *query, size_t query_len, const hv_search_opts *opts,
                hv_search_hit *hits, hv_search_result *res, hv_err *e) {
    memset(res, 0, sizeof *res);
    uint8_t q[HV_SEARCH_MAX_QUERY];
    size_t m;
    int rc = sx_prepare(query, query_len, opts, q, &m, e);
    if (rc || m == 0) return rc;
    bool slash = memchr(q, '/', m) != NULL;
    scan_hit top[HV_SEARCH_MAX_LIMIT];
    uint32_t ntop = 0, want = opts->limit;
    for (uint32_t row = 0; row < src->n; row++) {
        scan_hit h = {row, 0, search_src_downloads(src, row), 0, 0};
        h.tier = sx_classify(q, m, slash, search_src_id(src, row), &h.on_name, &h.dist);
        if (h.tier < 0) continue;
        if (ntop == want && cmp_hit(src, &h, &top[ntop - 1]) >= 0) continue;
        uint32_t pos = ntop == want ? ntop - 1 : ntop;
        while (pos > 0 && cmp_hit(src, &h, &top[pos - 1]) < 0) {
            top[pos] = top[pos - 1];
            pos--;
        }
        top[pos] = h;
        if (ntop < want) ntop++;
    }
    /* typo matches only for queries that matched no id or name exactly */
    if (ntop && top[0].tier <= 1)
        while (ntop && top[ntop - 1].tier >= 5) ntop--;
    for (uint32_t i = 0; i < ntop; i++) {
        hits[i].row = top[i].row;
        hits[i].tier = (uint8_t)top[i].tier;
        hits[i].kind = (uint8_t)sx_tier_kind(top[i].tier);
        hits[i].on_name = top[i].on_name;
        hits[i].distance = top[i].dist;
        hits[i].score = sx_score(top[i].tier, top[i].downloads);
    }
    res->n = ntop;
    res->work = src->n;
    return HV_OK;
}
