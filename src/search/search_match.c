/* search_match.c - what a match is: folding, grams, the per-id tests and the
 * bounded edit distance.  The index and the scan both judge ids here, so
 * they cannot disagree about a match. */
#include <ctype.h>
#include <math.h>

#include "search/search_int.h"

size_t sx_grams(const uint8_t *f, size_t len, size_t name_at, uint32_t *out) {
    size_t k = 0;
    if (len == 0) return 0;
    /* every position starts a trigram; the end is padded with NULs so the
     * trigrams starting with a byte (pair) cover every occurrence of it */
    for (size_t i = 0; i < len; i++)
        out[k++] = sx_key(f[i], i + 1 < len ? f[i + 1] : 0, i + 2 < len ? f[i + 2] : 0);
    out[k++] = sx_key(SX_M_ID, SX_M_ID, f[0]);
    out[k++] = sx_key(SX_M_ID, f[0], len > 1 ? f[1] : 0);
    const uint8_t *nm = f + name_at;
    size_t nn = len - name_at;
    out[k++] = sx_key(SX_M_NAME, SX_M_NAME, nn ? nm[0] : 0);
    out[k++] = sx_key(SX_M_NAME, nn ? nm[0] : 0, nn > 1 ? nm[1] : 0);
    return k;
}

bool sx_equal(const uint8_t *q, size_t m, hv_sv s) {
    if (s.n != m) return false;
    for (size_t i = 0; i < m; i++)
        if (sx_fold((uint8_t)s.p[i]) != q[i]) return false;
    return true;
}

bool sx_starts(const uint8_t *q, size_t m, hv_sv s) {
    if (s.n < m) return false;
    for (size_t i = 0; i < m; i++)
        if (sx_fold((uint8_t)s.p[i]) != q[i]) return false;
    return true;
}

bool sx_contains(const uint8_t *q, size_t m, hv_sv s) {
    if (s.n < m) return false;
    const uint8_t *p = (const uint8_t *)s.p;
    uint8_t q0 = q[0];
    for (size_t i = 0; i + m <= s.n; i++) {
        if (sx_fold(p[i]) != q0) continue;
        size_t j = 1;
        while (j < m && sx_fold(p[i + j]) == q[j]) j++;
        if (j == m) return true;
    }
    return false;
}

/* Rows i over s (its first i bytes), columns j over q, kept to the band
 * |i - j| <= maxd; the answer is the smallest D[i][m].  `folded` says s is
 * folded already (the index's copy), which saves folding every byte. */
static inline int prefix_dist(const uint8_t *q, size_t m, hv_sv s, int maxd, bool folded) {
    enum { INF = 250 };
    uint8_t rows[3][HV_SEARCH_MAX_QUERY + 2];
    uint8_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
    size_t d = (size_t)maxd;
    if (m > HV_SEARCH_MAX_QUERY) return maxd + 1;
    for (size_t j = 0; j <= m; j++) prev[j] = j <= d ? (uint8_t)j : INF;
    prev[m + 1] = INF;
    int best = m <= d ? (int)m : INF;
    size_t top = s.n < m + d ? s.n : m + d;
    const uint8_t *t = (const uint8_t *)s.p;
    bool prev_over = false;
    uint8_t tp = 0; /* the previous byte of s */
    for (size_t i = 1; i <= top; i++) {
        uint8_t ti = folded ? t[i - 1] : sx_fold(t[i - 1]);
        size_t jlo = i > d ? i - d : 0, jhi = i + d < m ? i + d : m;
        int rowmin = INF;
        size_t j = jlo;
        if (j == 0) {
            cur[0] = (uint8_t)i;
            rowmin = (int)i;
            j = 1;
        } else {
            cur[j - 1] = INF;
        }
        for (; j <= jhi; j++) {
            int v = prev[j - 1] + (ti != q[j - 1]);
            int del = prev[j] + 1; /* a byte of s not in q */
            int ins = cur[j - 1] + 1; /* a byte of q not in s */
            if (del < v) v = del;
            if (ins < v) v = ins;
            if (j > 1 && i > 1 && ti == q[j - 2] && tp == q[j - 1] && pp[j - 2] + 1 < v) v = pp[j - 2] + 1;
            if (v > INF) v = INF;
            cur[j] = (uint8_t)v;
            if (v < rowmin) rowmin = v;
        }
        cur[jhi + 1] = INF;
        if (jhi == m && cur[m] < best) best = cur[m];
        /* a row whose cells all exceed maxd, after another, ends the search:
         * a cell is at least a neighbour in the last two rows */
        bool over = rowmin > maxd;
        if (over && prev_over) break;
        prev_over = over;
        tp = ti;
        uint8_t *tmp = pp;
        pp = prev;
        prev = cur;
        cur = tmp;
    }
    return best <= maxd ? best : maxd + 1;
}

int sx_prefix_dist(const uint8_t *q, size_t m, hv_sv s, int maxd) { return prefix_dist(q, m, s, maxd, false); }
int sx_prefix_dist_folded(const uint8_t *q, size_t m, hv_sv s, int maxd) { return prefix_dist(q, m, s, maxd, true); }

int sx_classify(const uint8_t *q, size_t m, bool q_has_slash, hv_sv id, uint8_t *on_name, uint8_t *dist) {
    hv_sv name = sx_name(id);
    *on_name = 0;
    *dist = 0;
    if (sx_contains(q, m, id)) {
        if (sx_equal(q, m, id)) return 0;
        if (!q_has_slash && sx_equal(q, m, name)) return *on_name = 1, 1;
        if (sx_starts(q, m, id)) return 2;
        if (!q_has_slash && sx_starts(q, m, name)) return *on_name = 1, 3;
        return 4;
    }
    int maxd = sx_max_edits(m);
    if (maxd == 0) return -1;
    int did = sx_prefix_dist(q, m, id, maxd);
    int dn = name.n == id.n ? did : sx_prefix_dist(q, m, name, maxd);
    int d = did < dn ? did : dn;
    if (d > maxd || d == 0) return -1; /* 0 cannot happen: that is a prefix */
    *on_name = dn < did;
    *dist = (uint8_t)d;
    return 4 + d;
}

int sx_prepare(const char *query, size_t query_len, const hv_search_opts *opts, uint8_t *q, size_t *m, hv_err *e) {
    *m = 0;
    if (!opts || opts->limit < 1 || opts->limit > HV_SEARCH_MAX_LIMIT)
        return hv_errf(e, HV_EINPUT, "search: limit must be 1..%u, got %u", HV_SEARCH_MAX_LIMIT, opts ? opts->limit : 0);
    if (query_len && !query) return hv_errf(e, HV_EINPUT, "search: no query text");
    size_t a = 0, b = query_len;
    while (a < b && isspace((unsigned char)query[a])) a++;
    while (b > a && isspace((unsigned char)query[b - 1])) b--;
    if (b - a > HV_SEARCH_MAX_QUERY)
        return hv_errf(e, HV_EINPUT, "search: query is %zu bytes, at most %u are allowed", b - a, HV_SEARCH_MAX_QUERY);
    for (size_t i = a; i < b; i++) q[i - a] = sx_fold((uint8_t)query[i]);
    *m = b - a;
    return HV_OK;
}

double sx_score(int tier, int64_t downloads) {
    double l = downloads > 0 ? log10(1.0 + (double)downloads) : 0.0;
    if (l > 19.99) l = 19.99;
    return (double)(6 - tier) + l / 20.0;
}

hv_search_kind sx_tier_kind(int tier) {
    return tier <= 1 ? HV_SEARCH_EXACT : tier <= 3 ? HV_SEARCH_PREFIX : tier == 4 ? HV_SEARCH_SUBSTRING : HV_SEARCH_FUZZY;
}

const char *search_kind_name(hv_search_kind k) {
    switch (k) {
    case HV_SEARCH_EXACT: return "exact";
    case HV_SEARCH_PREFIX: return "prefix";
    case HV_SEARCH_SUBSTRING: return "substring";
    case HV_SEARCH_FUZZY: return "fuzzy";
    }
    return "?";
}

hv_sv search_src_id_cb(const void *src, uint32_t row) { return search_src_id(src, row); }

hv_search_src search_src_map(const hv_map *m) {
    hv_search_src s = {m->n, m->ids_off, m->ids_bytes, m->row_id, m->downloads};
    return s;
}
