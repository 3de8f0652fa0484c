/* search_query.c - answer a query from the index, tier by tier.
 *
 * Each tier yields its matches most downloaded first and stops once the
 * hits still wanted are found; a tier starts only when the better ones are
 * exhausted, which makes the answer exactly the best `limit` hits (unless
 * the work budget runs out first: then `truncated`).
 *
 *   exact      the sorted arrays: the entries equal to q open its range
 *   prefix     the sorted arrays: the smallest ranks of the range, read
 *              from the runs with the smallest stored minima
 *   substring  1-2 bytes: the union of the trigram lists starting with them
 *              (a key range); 3 bytes: that trigram's list; longer: the
 *              intersection of the rarest lists, each id checked
 *   fuzzy      the T-occurrence problem: an id within d edits of the query
 *              shares at least |grams| - 4d of its grams (an edit breaks at
 *              most 3, a transposition 4), counted window by window of
 *              ranks over the rarest lists, then checked with the banded
 *              edit distance; only when nothing matched exactly. */
#include <limits.h>
#include <stdlib.h>

#include "search/search_int.h"

#define FOUND_SLOTS 512 /* > 4 x HV_SEARCH_MAX_LIMIT */
#define MAX_GRAMS (HV_SEARCH_MAX_QUERY + 4)

typedef struct qctx {
    const hv_searchindex *ix;
    const hv_search_src *src;
    const uint8_t *q;
    size_t m;
    bool slash;
    uint32_t limit, nhits;
    hv_search_hit *hits;
    uint64_t work, budget;
    bool stop, truncated;
    uint32_t found[FOUND_SLOTS]; /* rank + 1 of every hit so far, 0 = empty */
} qctx;

static bool over_budget(qctx *c) {
    if (c->work > c->budget) c->stop = c->truncated = true;
    return c->stop;
}

static bool is_found(const qctx *c, uint32_t rank) {
    uint32_t h = (rank * 0x9E3779B1u) >> 23;
    while (c->found[h]) {
        if (c->found[h] == rank + 1) return true;
        h = (h + 1) & (FOUND_SLOTS - 1);
    }
    return false;
}

static void add_hit(qctx *c, uint32_t rank, int tier, uint8_t on_name, uint8_t dist) {
    uint32_t h = (rank * 0x9E3779B1u) >> 23;
    while (c->found[h]) h = (h + 1) & (FOUND_SLOTS - 1);
    c->found[h] = rank + 1;
    uint32_t row = c->ix->rank_row[rank];
    hv_search_hit *o = &c->hits[c->nhits++];
    o->row = row;
    o->tier = (uint8_t)tier;
    o->kind = (uint8_t)sx_tier_kind(tier);
    o->on_name = on_name;
    o->distance = dist;
    o->score = sx_score(tier, search_src_downloads(c->src, row));
    if (c->nhits == c->limit) c->stop = true;
}

/* The folded id of a rank, from the index's own copy. */
static hv_sv id_of(qctx *c, uint32_t rank) {
    c->work += SX_VERIFY_COST;
    const uint32_t *off = c->ix->text_off;
    return hv_sv_make((const char *)c->ix->text + off[rank], off[rank + 1] - off[rank]);
}

/* Does the id at rank contain q?  The text is folded already. */
static bool judge(qctx *c, uint32_t rank) {
    hv_sv id = id_of(c, rank);
    return id.n >= c->m && memmem(id.p, id.n, c->q, c->m) != NULL;
}

/* ---- exact and prefix: the sorted arrays ---- */

typedef struct sorted {
    const uint32_t *arr, *mins;
    bool name;
    uint32_t lo, hi; /* entries equal to or starting with q */
} sorted;

static hv_sv sorted_text(qctx *c, const sorted *s, uint32_t i) {
    const uint32_t *off = c->ix->text_off;
    uint32_t r = s->arr[i];
    hv_sv t = hv_sv_make((const char *)c->ix->text + off[r], off[r + 1] - off[r]);
    c->work += SX_PROBE_COST;
    return s->name ? sx_name(t) : t;
}

/* <0, 0 (t starts with q) or >0 */
static int cmp_prefix(hv_sv t, const uint8_t *q, size_t m) {
    size_t k = t.n < m ? t.n : m;
    int r = k ? memcmp(t.p, q, k) : 0;
    return r ? r : t.n < m ? -1 : 0;
}

static void sorted_range(qctx *c, sorted *s) {
    uint32_t lo = 0, hi = c->ix->n;
    while (lo < hi) { /* first entry >= q */
        uint32_t mid = lo + (hi - lo) / 2;
        if (cmp_prefix(sorted_text(c, s, mid), c->q, c->m) < 0) lo = mid + 1;
        else hi = mid;
    }
    s->lo = lo;
    /* first entry past the ones starting with q: gallop from lo, as the
     * range is often a handful of entries */
    uint64_t step = 1;
    hi = lo;
    while (hi < c->ix->n && cmp_prefix(sorted_text(c, s, hi), c->q, c->m) <= 0) {
        lo = hi + 1;
        hi = c->ix->n - hi > step ? hi + (uint32_t)step : c->ix->n;
        step *= 2;
    }
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cmp_prefix(sorted_text(c, s, mid), c->q, c->m) <= 0) lo = mid + 1;
        else hi = mid;
    }
    s->hi = lo;
}

/* Tier 0 or 1: equal texts sort first in the range, by rank. */
static void tier_exact(qctx *c, const sorted *s, int tier) {
    for (uint32_t i = s->lo; i < s->hi && !c->stop; i++) {
        if (sorted_text(c, s, i).n != c->m) break;
        if (!is_found(c, s->arr[i])) add_hit(c, s->arr[i], tier, tier == 1, 0);
    }
}

/* Keep the k smallest values seen, ascending, in top[0..*n). */
static void top_insert(uint32_t *top, uint32_t *n, uint32_t k, uint32_t v) {
    if (*n == k && v >= top[k - 1]) return;
    uint32_t i = *n == k ? k - 1 : (*n)++;
    while (i > 0 && top[i - 1] > v) {
        top[i] = top[i - 1];
        i--;
    }
    top[i] = v;
}

/* Tier 2 or 3: the most downloaded entries of the range.  The k smallest
 * ranks lie in the runs with the k smallest minima (ranks are distinct), so
 * only those runs and the partial ones at the ends are read. */
static void tier_prefix(qctx *c, const sorted *s, int tier) {
    uint32_t k = c->limit, top[HV_SEARCH_MAX_LIMIT], ntop = 0;
    uint32_t lo = s->lo, hi = s->hi;
    uint32_t r0 = (lo + SX_RUN - 1) / SX_RUN, r1 = hi / SX_RUN; /* whole runs [r0, r1) */
    if (r0 >= r1) {
        for (uint32_t i = lo; i < hi; i++) top_insert(top, &ntop, k, s->arr[i]);
        c->work += hi - lo;
    } else {
        for (uint32_t i = lo; i < r0 * SX_RUN; i++) top_insert(top, &ntop, k, s->arr[i]);
        for (uint32_t i = r1 * SX_RUN; i < hi; i++) top_insert(top, &ntop, k, s->arr[i]);
        uint32_t runs[HV_SEARCH_MAX_LIMIT], nruns = 0; /* by minimum: a minimum names its run */
        uint32_t run_of[HV_SEARCH_MAX_LIMIT];
        for (uint32_t r = r0; r < r1; r++) {
            uint32_t v = s->mins[r];
            if ((ntop == k && v >= top[k - 1]) || (nruns == k && v >= runs[k - 1])) continue;
            uint32_t i = nruns == k ? k - 1 : nruns++;
            while (i > 0 && runs[i - 1] > v) {
                runs[i] = runs[i - 1];
                run_of[i] = run_of[i - 1];
                i--;
            }
            runs[i] = v;
            run_of[i] = r;
        }
        for (uint32_t j = 0; j < nruns; j++) {
            if (ntop == k && runs[j] >= top[k - 1]) break;
            const uint32_t *a = s->arr + (size_t)run_of[j] * SX_RUN;
            for (uint32_t i = 0; i < SX_RUN; i++) top_insert(top, &ntop, k, a[i]);
        }
        c->work += (r0 * SX_RUN - lo) + (hi - r1 * SX_RUN) + (r1 - r0) + nruns * SX_RUN;
    }
    for (uint32_t i = 0; i < ntop && !c->stop; i++)
        if (!is_found(c, top[i])) add_hit(c, top[i], tier, tier == 3, 0);
}

/* ---- substring: intersections ---- */

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Sort and drop repeats; returns the new count. */
static size_t unique_keys(uint32_t *k, size_t n) {
    qsort(k, n, sizeof *k, cmp_u32);
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (o == 0 || k[i] != k[o - 1]) k[o++] = k[i];
    return o;
}

/* Order grams by list length, shortest first (a few hundred at most). */
static void sort_by_count(const hv_searchindex *ix, uint32_t *gram, size_t ng) {
    for (size_t i = 1; i < ng; i++)
        for (size_t j = i; j > 0 && ix->gram_count[gram[j]] < ix->gram_count[gram[j - 1]]; j--) {
            uint32_t t = gram[j];
            gram[j] = gram[j - 1];
            gram[j - 1] = t;
        }
}

/* Ids holding every trigram of q (the rarest SX_INTERSECT_MAX lists), each
 * checked for q itself unless q is one trigram. */
static void tier_intersect(qctx *c) {
    uint32_t keys[MAX_GRAMS], gram[MAX_GRAMS];
    size_t nkeys = 0, ng = 0;
    for (size_t i = 0; i + 3 <= c->m; i++) keys[nkeys++] = sx_key(c->q[i], c->q[i + 1], c->q[i + 2]);
    nkeys = unique_keys(keys, nkeys);
    for (size_t i = 0; i < nkeys; i++) {
        int64_t g = sx_gram_find(c->ix, keys[i]);
        if (g < 0) return; /* a trigram no id has: no match */
        gram[ng++] = (uint32_t)g;
    }
    sort_by_count(c->ix, gram, ng);
    if (ng > SX_INTERSECT_MAX) ng = SX_INTERSECT_MAX;
    bool verify = c->m > 3;
    sx_cursor cur[SX_INTERSECT_MAX];
    for (size_t i = 0; i < ng; i++) sx_cursor_init(&cur[i], c->ix, gram[i], &c->work);
    uint32_t x = cur[0].value;
    while (x != SX_END && !c->stop && !over_budget(c)) {
        size_t i = 1;
        for (; i < ng; i++) {
            sx_cursor_seek(&cur[i], x);
            if (cur[i].value != x) break;
        }
        if (i < ng) { /* a later list skipped past x: catch the driver up */
            x = cur[i].value;
            if (x == SX_END) break;
            sx_cursor_seek(&cur[0], x);
            x = cur[0].value;
            continue;
        }
        if (!is_found(c, x) && (!verify || judge(c, x))) add_hit(c, x, 4, 0, 0);
        sx_cursor_next(&cur[0]);
        x = cur[0].value;
    }
}

/* ---- substring of 1 or 2 bytes: a range of trigram lists ---- */

/* The smallest ranks over many lists, without repeats or earlier hits. */
static void tier_range(qctx *c) {
    uint32_t want = c->limit - c->nhits, top[HV_SEARCH_MAX_LIMIT], ntop = 0;
    uint32_t klo = c->m == 1 ? sx_key(c->q[0], 0, 0) : sx_key(c->q[0], c->q[1], 0);
    uint32_t khi = klo + (c->m == 1 ? 1u << 16 : 1u << 8);
    uint32_t g1 = sx_gram_lower(c->ix, khi);
    for (uint32_t g = sx_gram_lower(c->ix, klo); g < g1 && !over_budget(c); g++) {
        sx_cursor cur;
        sx_cursor_init(&cur, c->ix, g, &c->work);
        for (; cur.value != SX_END; sx_cursor_next(&cur)) {
            uint32_t v = cur.value;
            if (ntop == want && v >= top[ntop - 1]) break;
            if (is_found(c, v)) continue;
            uint32_t lo = 0, hi = ntop;
            while (lo < hi) {
                uint32_t mid = (lo + hi) / 2;
                if (top[mid] < v) lo = mid + 1;
                else hi = mid;
            }
            if (lo < ntop && top[lo] == v) continue;
            if (ntop == want) ntop--;
            memmove(top + lo + 1, top + lo, (ntop - lo) * sizeof *top);
            top[lo] = v;
            ntop++;
        }
    }
    for (uint32_t i = 0; i < ntop; i++) add_hit(c, top[i], 4, 0, 0);
}

static void tier_substring(qctx *c) {
    if (c->m <= 2) tier_range(c);
    else tier_intersect(c);
}

/* ---- fuzzy ---- */

typedef struct fz_hit {
    uint32_t rank;
    uint8_t dist, on_name;
} fz_hit;

typedef struct fuzzy {
    qctx *c;
    int maxd;
    uint32_t want, nbest;
    fz_hit best[HV_SEARCH_MAX_LIMIT]; /* by distance, then rank */
    bool done;
} fuzzy;

static void fz_offer(fuzzy *f, uint32_t rank) {
    qctx *c = f->c;
    if (is_found(c, rank)) return;
    hv_sv id = id_of(c, rank), name = sx_name(id);
    int did = sx_prefix_dist_folded(c->q, c->m, id, f->maxd);
    /* the name matters only if strictly closer (0 edits would be a prefix) */
    int dn = name.n == id.n || did <= 1 ? did : sx_prefix_dist_folded(c->q, c->m, name, did - 1);
    int d = did < dn ? did : dn;
    if (d > f->maxd || d == 0) return;
    /* ranks arrive in increasing order: a new hit goes after every hit of
     * its distance */
    uint32_t pos = f->nbest;
    while (pos > 0 && f->best[pos - 1].dist > d) pos--;
    if (pos == f->want) return;
    if (f->nbest == f->want) f->nbest--;
    memmove(f->best + pos + 1, f->best + pos, (f->nbest - pos) * sizeof *f->best);
    f->best[pos] = (fz_hit){rank, (uint8_t)d, (uint8_t)(dn < did)};
    f->nbest++;
    /* full of 1-edit hits: nothing later can enter */
    if (f->nbest == f->want && f->best[f->want - 1].dist == 1) f->done = true;
}

/* A fuzzy gram: a list and which target it speaks for. */
enum { FOR_BOTH = 0, FOR_ID = 1, FOR_NAME = 2 };

/* ScanCount over windows of ranks: count in how many of the lists each
 * rank of the window is, separately for the id target (inner trigrams and
 * the id's start pair) and the name target (inner and the name's start
 * pair), and offer the ranks reaching a threshold for either, in rank
 * order.  Cheaper per posting than a heap merge; the windows keep the rank
 * order, so the early stop and the budget still cut from the least
 * downloaded end.  Work is proportional to the postings read: only touched
 * counters are reset. */
static void scan_count(fuzzy *f, const uint32_t *gram, const uint8_t *role, size_t ng, int thr_id, int thr_name) {
    enum { W = 4096 };
    qctx *c = f->c;
    sx_cursor cur[MAX_GRAMS];
    uint8_t cnt[2][W];
    uint16_t touched[W];
    uint64_t cand[W / 64]; /* offsets reaching a threshold: a bitmap keeps them in order */
    memset(cnt, 0, sizeof cnt);
    for (size_t i = 0; i < ng; i++) sx_cursor_init(&cur[i], c->ix, gram[i], &c->work);
    for (;;) {
        uint32_t lo = SX_END;
        for (size_t i = 0; i < ng; i++)
            if (cur[i].value < lo) lo = cur[i].value;
        if (lo == SX_END || f->done || over_budget(c)) return;
        lo -= lo % W;
        uint32_t hi = lo + W, nt = 0;
        memset(cand, 0, sizeof cand);
        for (size_t i = 0; i < ng; i++) {
            sx_cursor *cu = &cur[i];
            uint8_t to_id = role[i] != FOR_NAME, to_name = role[i] != FOR_ID;
            while (cu->value < hi) {
                uint32_t o = cu->value - lo;
                if (cnt[0][o] == 0 && cnt[1][o] == 0) touched[nt++] = (uint16_t)o;
                cnt[0][o] += to_id;
                cnt[1][o] += to_name;
                if (cnt[0][o] >= thr_id || cnt[1][o] >= thr_name) cand[o >> 6] |= 1ull << (o & 63);
                sx_cursor_next(cu);
            }
        }
        for (uint32_t i = 0; i < nt; i++) cnt[0][touched[i]] = cnt[1][touched[i]] = 0;
        c->work += nt / 4 + 1;
        for (uint32_t w = 0; w < W / 64 && !f->done && !over_budget(c); w++)
            for (uint64_t bits = cand[w]; bits && !f->done && !over_budget(c); bits &= bits - 1)
                fz_offer(f, lo + w * 64 + (uint32_t)__builtin_ctzll(bits));
    }
}

/* The typo tier.  A prefix of the id within d edits of q keeps at least
 * t = |D| - 4d of q's grams D (its inner trigrams and the id's start pair;
 * an edit breaks at most 3, a transposition 4); the same for the name with
 * the name's start pair.  Counting over only some of the lists, a match is
 * still in t minus (the lists of its target left out) of them.  The rarest
 * s lists are used, s chosen to minimise the postings read plus the ids
 * checked, the latter bounded by postings / threshold (each candidate
 * accounts for that many postings).  When no count can be required (t <=
 * 0: 4-byte queries) the ranks are walked in order. */
static void tier_fuzzy(qctx *c) {
    fuzzy f;
    f.c = c;
    f.maxd = sx_max_edits(c->m);
    f.want = c->limit - c->nhits;
    f.nbest = 0;
    f.done = false;
    if (f.maxd == 0) return;
    const uint8_t *q = c->q;
    uint32_t keys[MAX_GRAMS], gram[MAX_GRAMS];
    uint8_t role[MAX_GRAMS];
    size_t n = 0;
    for (size_t i = 0; i + 3 <= c->m; i++) keys[n++] = sx_key(q[i], q[i + 1], q[i + 2]);
    n = unique_keys(keys, n);
    int t = (int)n + 2 - 4 * f.maxd; /* |D| = inner + 2 for either target */
    size_t k = 0;
    for (size_t i = 0; i < n + 4; i++) {
        uint32_t key = i < n ? keys[i]
                       : i == n ? sx_key(SX_M_ID, SX_M_ID, q[0])
                       : i == n + 1 ? sx_key(SX_M_ID, q[0], q[1])
                       : i == n + 2 ? sx_key(SX_M_NAME, SX_M_NAME, q[0])
                                    : sx_key(SX_M_NAME, q[0], q[1]);
        int64_t g = sx_gram_find(c->ix, key); /* an absent gram: a list no id is in */
        if (g < 0) continue;
        gram[k] = (uint32_t)g;
        role[k++] = i < n ? FOR_BOTH : i < n + 2 ? FOR_ID : FOR_NAME;
    }
    if (t <= 0) {
        for (uint32_t r = 0; r < c->ix->n && !f.done && !over_budget(c); r++) fz_offer(&f, r);
    } else {
        /* rarest first, roles alongside */
        for (size_t i = 1; i < k; i++)
            for (size_t j = i; j > 0 && c->ix->gram_count[gram[j]] < c->ix->gram_count[gram[j - 1]]; j--) {
                uint32_t tg = gram[j];
                gram[j] = gram[j - 1];
                gram[j - 1] = tg;
                uint8_t tr = role[j];
                role[j] = role[j - 1];
                role[j - 1] = tr;
            }
        int out_id = 0, out_name = 0; /* present lists of each target not used */
        for (size_t i = 0; i < k; i++) {
            out_id += role[i] != FOR_NAME;
            out_name += role[i] != FOR_ID;
        }
        /* a target with fewer than t present grams cannot match at all,
         * whichever lists are read */
        bool id_ok = out_id >= t, name_ok = out_name >= t;
        double best = 0, postings = 0;
        size_t s_best = 0;
        for (size_t s = 1; s <= k && (id_ok || name_ok); s++) {
            postings += c->ix->gram_count[gram[s - 1]];
            out_id -= role[s - 1] != FOR_NAME;
            out_name -= role[s - 1] != FOR_ID;
            int thr_id = id_ok ? t - out_id : INT_MAX, thr_name = name_ok ? t - out_name : INT_MAX;
            if (thr_id < 1 || thr_name < 1) continue;
            int keep = thr_id < thr_name ? thr_id : thr_name;
            double cost = postings * (1.0 + (double)SX_VERIFY_COST / keep);
            if (s_best == 0 || cost < best) best = cost, s_best = s;
        }
        if (s_best) { /* s = k qualifies whenever a target can match */
            int thr_id = t, thr_name = t;
            for (size_t i = s_best; i < k; i++) {
                thr_id -= role[i] != FOR_NAME;
                thr_name -= role[i] != FOR_ID;
            }
            scan_count(&f, gram, role, s_best, id_ok ? thr_id : 255, name_ok ? thr_name : 255);
        }
    }
    for (uint32_t i = 0; i < f.nbest; i++) add_hit(c, f.best[i].rank, 4 + f.best[i].dist, f.best[i].on_name, f.best[i].dist);
}

/* ---- the query ---- */

static void search_index(const hv_searchindex *ix, const hv_search_src *src, const uint8_t *q, size_t m,
                         const hv_search_opts *opts, hv_search_hit *hits, hv_search_result *res) {
    qctx ctx; /* all scratch is on the stack (about 40 KB at most, in scan_count) */
    qctx *c = &ctx;
    memset(c, 0, sizeof *c);
    c->ix = ix;
    c->src = src;
    c->q = q;
    c->m = m;
    c->slash = memchr(q, '/', m) != NULL;
    c->limit = opts->limit;
    c->hits = hits;
    c->budget = opts->budget ? opts->budget : HV_SEARCH_WORK_DEFAULT;
    sorted by_id = {ix->by_id, ix->by_id_min, false, 0, 0}, by_name = {ix->by_name, ix->by_name_min, true, 0, 0};
    sorted_range(c, &by_id);
    if (!c->slash) sorted_range(c, &by_name); /* names hold no '/' */
    tier_exact(c, &by_id, 0);
    if (!c->stop) tier_exact(c, &by_name, 1);
    if (!c->stop) tier_prefix(c, &by_id, 2);
    if (!c->stop) tier_prefix(c, &by_name, 3);
    if (!c->stop) tier_substring(c);
    /* typos are looked for only when nothing matched exactly: an exact id
     * or name is what was meant */
    bool exact = false;
    for (uint32_t i = 0; i < c->nhits; i++) exact |= c->hits[i].tier <= 1;
    if (!c->stop && !exact) tier_fuzzy(c);
    res->n = c->nhits;
    res->truncated = c->truncated;
    res->work = c->work;
}

int search_ids(const hv_searchindex *ix, const hv_search_src *src, const char *query, size_t query_len,
               const hv_search_opts *opts, hv_search_hit *hits, hv_search_result *res, hv_err *e) {
    memset(res, 0, sizeof *res);
    if (!ix || !ix->present) return search_scan(src, query, query_len, opts, hits, res, e);
    if (ix->n != src->n)
        return hv_errf(e, HV_EINTERNAL, "search: the index covers %u models, the source %u", ix->n, src->n);
    uint8_t q[HV_SEARCH_MAX_QUERY];
    size_t m;
    int rc = sx_prepare(query, query_len, opts, q, &m, e);
    if (rc || m == 0) return rc;
    search_index(ix, src, q, m, opts, hits, res);
    return HV_OK;
}
