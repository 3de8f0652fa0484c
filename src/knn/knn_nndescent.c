/* knn_nndescent.c - approximate all-kNN graph: random-projection forest,
 * then NN-descent (Dong, Charikar, Li 2011) in the style of pynndescent.
 *
 * 1. Forest.  Each tree splits the rows recursively on the hyperplane
 *    between two random rows (normal = a/|a| - b/|b|, through the origin,
 *    which is right for cosine); a leaf holds at most leaf_size rows, and
 *    every pair inside a leaf is offered to both rows' heaps.  Near points
 *    share leaves often, so a few trees give a graph that is already good.
 * 2. Descent.  "A neighbour of my neighbour is likely my neighbour": each
 *    iteration samples, per row, up to max_candidates neighbours that are
 *    new since the last iteration and as many old ones, in both directions
 *    (reverse neighbours matter: they reach hubs' fans), then computes all
 *    new-new and new-old pairs among them (the local join) and offers each
 *    pair to both rows' heaps.  Old-old pairs were joined before and are
 *    skipped; that is what makes later iterations cheap.  It stops when an
 *    iteration changes fewer than delta*n*k heap slots.
 *
 * Threads.  Heaps are written under a per-row spin lock (a byte per row;
 * with millions of rows two threads rarely meet), and the pre-check against
 * a row's current worst distance reads an atomic copy of it, so there are
 * no data races.  Candidate lists are built owner-partitioned: each thread
 * scans the whole graph in row order and fills only the lists of its own
 * rows, so sampling does not depend on the thread count.  Random numbers
 * are counter-based (seed, purpose, row, position).  With threads=1 the
 * whole run is deterministic; with more, the order in which pushes land can
 * differ and so can ties among equal distances. */
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "knn/knn_int.h"

enum { SALT_TREE = 1, SALT_FILL = 2, SALT_SAMPLE = 3 };

typedef struct nnd {
    const float *x;
    size_t d;
    uint32_t n, k, cmax;
    int nt;
    uint64_t seed;
    uint32_t *idx; /* heaps: the output arrays */
    float *dist;
    uint8_t *flag;   /* n*k: 1 = new since it was last sampled */
    float *worst;    /* n: atomic copy of dist[i*k], the heap root */
    uint8_t *lock;   /* n: spin locks */
    uint32_t *cnew, *cold; /* n*cmax sampled candidates */
    uint32_t *nnew, *nold; /* n: candidates seen (reservoir counters) */
} nnd;

static void row_lock(uint8_t *l) {
    while (__atomic_test_and_set(l, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(l, __ATOMIC_RELAXED)) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
        }
}

static void row_unlock(uint8_t *l) { __atomic_clear(l, __ATOMIC_RELEASE); }

/* Offer q at distance dq to row p.  Returns 1 when p's heap changed. */
static inline __attribute__((always_inline)) int offer(nnd *s, uint32_t p, uint32_t q, float dq) {
    float w;
    __atomic_load(&s->worst[p], &w, __ATOMIC_RELAXED);
    if (!(dq < w)) return 0;
    size_t o = (size_t)p * s->k;
    /* a locked instruction costs ~20 cycles: skip it when nobody else runs */
    if (s->nt > 1) row_lock(&s->lock[p]);
    int changed = knn_heap_push_unique(s->idx + o, s->dist + o, s->flag + o, s->k, q, dq, 1);
    if (changed) __atomic_store(&s->worst[p], &s->dist[o], __ATOMIC_RELAXED);
    if (s->nt > 1) row_unlock(&s->lock[p]);
    return changed;
}

/* ---- 1. random-projection forest ---------------------------------------- */

typedef struct tree_scratch {
    uint32_t *perm;
    uint8_t *side;
    float *margin, *normal, *dots;
} tree_scratch;

/* Split perm[lo, hi) by the hyperplane between two random rows; returns the
 * split point, or lo/hi when every row fell on one side. */
static uint32_t split(nnd *s, tree_scratch *t, uint32_t lo, uint32_t hi, uint64_t *rs, uint64_t tree) {
    uint32_t m = hi - lo;
    uint32_t a = knn_below(knn_hash3(s->seed + SALT_TREE, tree, (*rs)++), m);
    uint32_t b = knn_below(knn_hash3(s->seed + SALT_TREE, tree, (*rs)++), m - 1);
    if (b >= a) b++;
    const float *xa = s->x + t->perm[lo + a] * s->d, *xb = s->x + t->perm[lo + b] * s->d;
    double na = 0, nb = 0;
    for (size_t c = 0; c < s->d; c++) {
        na += (double)xa[c] * xa[c];
        nb += (double)xb[c] * xb[c];
    }
    /* rows are meant to be unit vectors; zero rows simply contribute nothing */
    float ia = na > 0 ? (float)(1.0 / sqrt(na)) : 0.0f, ib = nb > 0 ? (float)(1.0 / sqrt(nb)) : 0.0f;
    for (size_t c = 0; c < s->d; c++) t->normal[c] = xa[c] * ia - xb[c] * ib;
    knn_dots_rows_stream(t->normal, s->x, s->d, t->perm + lo, m, t->margin + lo);
    /* points on the plane (duplicates of a and b, zero rows) go either way */
    uint64_t coin = 0;
    for (uint32_t i = lo; i < hi; i++) {
        float g = t->margin[i];
        if (g > 1e-8f) t->side[i] = 1;
        else if (g < -1e-8f) t->side[i] = 0;
        else {
            if ((i - lo) % 64 == 0) coin = knn_hash3(s->seed + SALT_TREE, tree, (*rs)++);
            t->side[i] = (coin >> ((i - lo) % 64)) & 1;
        }
    }
    uint32_t i = lo, j = hi;
    while (i < j) {
        if (t->side[i] == 0) {
            i++;
        } else {
            j--;
            uint32_t tp = t->perm[i];
            t->perm[i] = t->perm[j];
            t->perm[j] = tp;
            uint8_t ts = t->side[i];
            t->side[i] = t->side[j];
            t->side[j] = ts;
        }
    }
    return i;
}

static void join_leaf(nnd *s, tree_scratch *t, const uint32_t *rows, uint32_t m) {
    for (uint32_t a = 0; a + 1 < m; a++) {
        uint32_t p = rows[a];
        knn_dots_rows(s->x + p * s->d, s->x, s->d, rows + a + 1, m - a - 1, t->dots);
        for (uint32_t b = a + 1; b < m; b++) {
            float dq = knn_dist_of_dot(t->dots[b - a - 1]);
            offer(s, p, rows[b], dq);
            offer(s, rows[b], p, dq);
        }
    }
}

/* join: offer the leaf pairs; without it the tree only orders t->perm so
 * that rows of a leaf are adjacent. */
static void build_tree(nnd *s, tree_scratch *t, uint32_t tree, uint32_t leaf_size, int join) {
    uint64_t rs = 0;
    for (uint32_t i = 0; i < s->n; i++) t->perm[i] = i;
    /* explicit stack; the smaller half is done first, so the stack never
     * holds more than log2(n) ranges */
    struct range {
        uint32_t lo, hi;
    } stack[80];
    int top = 0;
    stack[top++] = (struct range){0, s->n};
    while (top > 0) {
        struct range r = stack[--top];
        if (r.hi - r.lo <= leaf_size) {
            if (join) join_leaf(s, t, t->perm + r.lo, r.hi - r.lo);
            continue;
        }
        uint32_t mid = split(s, t, r.lo, r.hi, &rs, tree);
        /* all on one side (many duplicates): split the range in half; the
         * order inside it is already arbitrary */
        if (mid == r.lo || mid == r.hi) mid = r.lo + (r.hi - r.lo) / 2;
        struct range left = {r.lo, mid}, right = {mid, r.hi};
        int left_small = mid - r.lo <= r.hi - mid;
        stack[top++] = left_small ? right : left;
        stack[top++] = left_small ? left : right;
    }
}

static void scratch_free(tree_scratch *t) {
    free(t->perm);
    free(t->side);
    free(t->margin);
    free(t->normal);
    free(t->dots);
    memset(t, 0, sizeof *t);
}

static int scratch_alloc(tree_scratch *t, const nnd *s, uint32_t leaf_size) {
    t->perm = malloc((size_t)s->n * sizeof *t->perm);
    t->side = malloc(s->n);
    t->margin = malloc((size_t)s->n * sizeof *t->margin);
    t->normal = malloc(s->d * sizeof *t->normal);
    t->dots = malloc((size_t)leaf_size * sizeof *t->dots);
    if (t->perm && t->side && t->margin && t->normal && t->dots) return 0;
    scratch_free(t);
    return -1;
}

static int build_forest(nnd *s, uint32_t n_trees, uint32_t leaf_size, hv_progress *p, uint32_t total_steps) {
    int failed = 0;
    uint32_t done = 0;
    int nt = s->nt < (int)n_trees ? s->nt : (int)n_trees;
#pragma omp parallel num_threads(nt)
    {
        tree_scratch t;
        int ok = scratch_alloc(&t, s, leaf_size) == 0;
        if (!ok) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (uint32_t tree = 0; tree < n_trees; tree++) {
            if (!ok) continue;
            build_tree(s, &t, tree, leaf_size, 1);
            uint32_t now;
#pragma omp atomic capture
            now = ++done;
            progress_update(p, now, total_steps);
        }
        if (ok) scratch_free(&t);
    }
    return failed ? -1 : 0;
}

/* The order of one extra tree's leaves: rows that are close in space get
 * close indices.  NN-descent touches the vectors, heaps and candidate lists
 * of a row's neighbours' neighbours; in input order those are random
 * addresses (a cache miss each once the data outgrows the cache), in this
 * order mostly nearby ones.  Costs one copy of the vectors. */
static uint32_t *locality_order(nnd *s, uint32_t leaf_size) {
    tree_scratch t;
    if (scratch_alloc(&t, s, leaf_size) != 0) return NULL;
    build_tree(s, &t, UINT32_MAX, leaf_size, 0);
    uint32_t *order = t.perm;
    t.perm = NULL;
    scratch_free(&t);
    return order;
}

/* Leaves smaller than k+1 leave some heaps short; top them up with random
 * rows so every row starts the descent with k neighbours.  Each row writes
 * only its own heap here, so no locks. */
static void fill_random(nnd *s) {
    uint32_t k = s->k;
#pragma omp parallel for num_threads(s->nt) schedule(dynamic, 1024)
    for (uint32_t i = 0; i < s->n; i++) {
        size_t o = (size_t)i * k;
        for (uint32_t tries = 0; s->dist[o] == INFINITY && tries < 8 * k; tries++) {
            uint32_t j = knn_below(knn_hash3(s->seed + SALT_FILL, i, tries), s->n);
            if (j == i) continue;
            float dot;
            knn_dots_rows(s->x + (size_t)i * s->d, s->x, s->d, &j, 1, &dot);
            knn_heap_push_unique(s->idx + o, s->dist + o, s->flag + o, k, j, knn_dist_of_dot(dot), 1);
        }
        s->worst[i] = s->dist[o];
    }
}

/* ---- 2. NN-descent -------------------------------------------------------- */

/* Reservoir sampling: after all offers, list r holds a uniform sample of
 * at most cmax of the distinct items offered to it. */
static inline __attribute__((always_inline)) void sample(uint32_t *cand, uint32_t *seen, uint32_t cmax, uint32_t r,
                                                         uint32_t v, uint64_t salt) {
    uint32_t *c = cand + (size_t)r * cmax;
    uint32_t m = seen[r], have = m < cmax ? m : cmax;
    int dup = 0;
#pragma omp simd reduction(| : dup)
    for (uint32_t t = 0; t < have; t++) dup |= c[t] == v;
    if (dup) return;
    if (m < cmax) {
        c[m] = v;
    } else {
        uint32_t slot = knn_below(knn_hash3(salt, r, m), m + 1);
        if (slot < cmax) c[slot] = v;
    }
    seen[r] = m + 1;
}

/* One sampling pass over the graph, owner-partitioned: every thread scans
 * all rows in order (so each list sees its offers in the same order for any
 * thread count) and fills only the lists of its own block of rows, both the
 * forward (i lists j) and the reverse (j lists i) direction.  want_new picks
 * the entries flagged new or the old ones.  Old lists are only needed for
 * rows that have new candidates: old-old pairs are never joined. */
static void sample_pass(nnd *s, int want_new, uint32_t *cand, uint32_t *seen, uint64_t salt) {
    uint32_t n = s->n, k = s->k;
    const uint32_t *gate = want_new ? NULL : s->nnew;
#pragma omp parallel num_threads(s->nt)
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        uint32_t lo = (uint32_t)((uint64_t)n * t / nt), hi = (uint32_t)((uint64_t)n * (t + 1) / nt);
        for (uint32_t i = 0; i < n; i++) {
            int own = i >= lo && i < hi && (!gate || gate[i]);
            const uint32_t *row = s->idx + (size_t)i * k;
            const uint8_t *fl = s->flag + (size_t)i * k;
            for (uint32_t a = 0; a < k; a++) {
                uint32_t j = row[a];
                if (j == HV_KNN_NONE || fl[a] != want_new) continue;
                if (own) sample(cand, seen, s->cmax, i, j, salt);
                if (j >= lo && j < hi && (!gate || gate[j])) sample(cand, seen, s->cmax, j, i, salt ^ 1);
            }
        }
    }
}

static void build_candidates(nnd *s, uint32_t iter) {
    uint32_t n = s->n, k = s->k;
    memset(s->nnew, 0, (size_t)n * sizeof *s->nnew);
    memset(s->nold, 0, (size_t)n * sizeof *s->nold);
    sample_pass(s, 1, s->cnew, s->nnew, knn_hash3(s->seed + SALT_SAMPLE, iter, 0));
    sample_pass(s, 0, s->cold, s->nold, knn_hash3(s->seed + SALT_SAMPLE, iter, 2));
    /* a new neighbour that made it into this round's sample is old from now
     * on; one that did not stays new and gets another chance next round */
#pragma omp parallel for num_threads(s->nt) schedule(static)
    for (uint32_t i = 0; i < n; i++) {
        const uint32_t *c = s->cnew + (size_t)i * s->cmax;
        uint32_t have = s->nnew[i] < s->cmax ? s->nnew[i] : s->cmax;
        if (have == 0) continue;
        uint32_t *row = s->idx + (size_t)i * k;
        uint8_t *fl = s->flag + (size_t)i * k;
        for (uint32_t a = 0; a < k; a++) {
            if (!fl[a]) continue;
            int hit = 0;
#pragma omp simd reduction(| : hit)
            for (uint32_t t = 0; t < have; t++) hit |= c[t] == row[a];
            if (hit) fl[a] = 0;
        }
    }
}

/* Start loading row i's candidate vectors and their heap roots while row
 * i-1 is joined: a row's join takes microseconds, enough to hide DRAM. */
static void prefetch_candidates(const nnd *s, uint32_t i) {
    uint32_t a = s->nnew[i] < s->cmax ? s->nnew[i] : s->cmax;
    if (a == 0) return;
    uint32_t b = s->nold[i] < s->cmax ? s->nold[i] : s->cmax;
    const uint32_t *cn = s->cnew + (size_t)i * s->cmax, *co = s->cold + (size_t)i * s->cmax;
    for (uint32_t u = 0; u < a + b; u++) {
        uint32_t c = u < a ? cn[u] : co[u - a];
        knn_prefetch_row(s->x + c * s->d, s->d);
        __builtin_prefetch(&s->worst[c]);
    }
}

static uint64_t local_join(nnd *s, int *failed) {
    uint64_t updates = 0;
    uint32_t cmax = s->cmax;
#pragma omp parallel num_threads(s->nt) reduction(+ : updates)
    {
        uint32_t *all = malloc(2 * (size_t)cmax * sizeof *all);
        float *dots = malloc(2 * (size_t)cmax * sizeof *dots);
        if (!all || !dots) {
#pragma omp atomic write
            *failed = 1;
        }
#pragma omp for schedule(dynamic, 512)
        for (uint32_t i = 0; i < s->n; i++) {
            if (!all || !dots) continue;
            if (i + 1 < s->n) prefetch_candidates(s, i + 1);
            uint32_t a = s->nnew[i] < cmax ? s->nnew[i] : cmax;
            if (a == 0) continue;
            uint32_t b = s->nold[i] < cmax ? s->nold[i] : cmax;
            memcpy(all, s->cnew + (size_t)i * cmax, a * sizeof *all);
            memcpy(all + a, s->cold + (size_t)i * cmax, b * sizeof *all);
            for (uint32_t u = 0; u < a; u++) {
                uint32_t p = all[u], m = a + b - u - 1;
                const uint32_t *rest = all + u + 1;
                knn_dots_rows(s->x + p * s->d, s->x, s->d, rest, m, dots);
                for (uint32_t v = 0; v < m; v++) {
                    uint32_t q = rest[v];
                    if (q == p) continue; /* new via one direction, old via the other */
                    float dq = knn_dist_of_dot(dots[v]);
                    updates += (uint64_t)offer(s, p, q, dq);
                    updates += (uint64_t)offer(s, q, p, dq);
                }
            }
        }
        free(all);
        free(dots);
    }
    return updates;
}

/* Back from locality order to input order: row order[i] of the result is
 * row i of the graph, and every index is mapped through order too. */
static int unpermute(hv_knn *g, const uint32_t *order, int nt) {
    size_t nk = (size_t)g->n * g->k;
    uint32_t *idx = malloc(nk * sizeof *idx);
    float *dist = malloc(nk * sizeof *dist);
    if (!idx || !dist) {
        free(idx);
        free(dist);
        return -1;
    }
    uint32_t k = g->k;
#pragma omp parallel for num_threads(nt) schedule(static)
    for (uint32_t i = 0; i < g->n; i++) {
        const uint32_t *src = g->idx + (size_t)i * k;
        size_t o = (size_t)order[i] * k;
        for (uint32_t a = 0; a < k; a++) idx[o + a] = src[a] == HV_KNN_NONE ? HV_KNN_NONE : order[src[a]];
        memcpy(dist + o, g->dist + (size_t)i * k, k * sizeof *dist);
    }
    free(g->idx);
    free(g->dist);
    g->idx = idx;
    g->dist = dist;
    return 0;
}

static void nnd_free(nnd *s) {
    free(s->flag);
    free(s->worst);
    free(s->lock);
    free(s->cnew);
    free(s->cold);
    free(s->nnew);
    free(s->nold);
    s->flag = s->lock = NULL;
    s->worst = NULL;
    s->cnew = s->cold = s->nnew = s->nold = NULL;
}

int knn_nndescent(const float *x, uint32_t n, uint32_t d, const hv_knn_opts *o, hv_knn *out, hv_progress *p,
                  hv_err *e) {
    if (!o) return hv_errf(e, HV_EINTERNAL, "knn: no options");
    uint32_t k = o->k;
    uint32_t leaf_size = o->leaf_size ? o->leaf_size : (k + 1 > 30 ? k + 1 : 30);
    if (leaf_size < 2) leaf_size = 2;
    if (leaf_size > 4096) leaf_size = 4096;
    /* below a few leaves' worth, the exact search is both cheaper and exact */
    if ((uint64_t)n <= 4 * ((uint64_t)k + 1) || n <= 2 * leaf_size) return knn_exact(x, n, d, o, out, p, e);

    int rc = knn_alloc_checked(x, n, d, o, out, e);
    if (rc != HV_OK) return rc;
    uint32_t n_trees = o->n_trees;
    if (n_trees == 0) {
        /* pynndescent uses 5 + n^0.25 trees (up to 32); here the descent
         * is cheap enough that 8 trees reach the same recall in less time
         * (a tree's leaf joins cost about as much as a descent iteration) */
        n_trees = 4 + (uint32_t)lround(pow((double)n, 0.25) / 4.0);
        if (n_trees > 8) n_trees = 8;
    }
    if (n_trees > 256) n_trees = 256;
    uint32_t max_iters = o->max_iters;
    if (max_iters == 0) {
        max_iters = (uint32_t)lround(log2((double)n));
        if (max_iters < 5) max_iters = 5;
    }
    if (max_iters > 1000) max_iters = 1000;
    float delta = o->delta > 0 ? o->delta : 0.001f;
    uint32_t cmax = o->max_candidates ? o->max_candidates : (k < 60 ? k : 60);
    if (cmax > KNN_MAX_K) cmax = KNN_MAX_K;

    uint32_t *order = NULL;
    float *xp = NULL;
    nnd s = {.x = x, .d = d, .n = n, .k = k, .cmax = cmax, .nt = knn_threads(o), .seed = o->seed,
             .idx = out->idx, .dist = out->dist};
    size_t nk = (size_t)n * k, nc = (size_t)n * cmax;
    s.flag = calloc(nk, 1);
    s.worst = malloc((size_t)n * sizeof *s.worst);
    s.lock = calloc(n, 1);
    s.cnew = malloc(nc * sizeof *s.cnew);
    s.cold = malloc(nc * sizeof *s.cold);
    s.nnew = malloc((size_t)n * sizeof *s.nnew);
    s.nold = malloc((size_t)n * sizeof *s.nold);
    if (!s.flag || !s.worst || !s.lock || !s.cnew || !s.cold || !s.nnew || !s.nold) goto nomem;
    for (uint32_t i = 0; i < n; i++) s.worst[i] = INFINITY;

    uint32_t total_steps = n_trees + max_iters;
    order = locality_order(&s, leaf_size);
    xp = malloc((size_t)n * d * sizeof *xp);
    if (!order || !xp) goto nomem;
#pragma omp parallel for num_threads(s.nt) schedule(static)
    for (uint32_t i = 0; i < n; i++) memcpy(xp + (size_t)i * d, x + (size_t)order[i] * d, d * sizeof *xp);
    s.x = xp;
    if (build_forest(&s, n_trees, leaf_size, p, total_steps) != 0) goto nomem;
    fill_random(&s);

    double stop_below = (double)delta * n * k;
    for (uint32_t it = 0; it < max_iters; it++) {
        build_candidates(&s, it);
        int failed = 0;
        uint64_t updates = local_join(&s, &failed);
        if (failed) goto nomem;
        progress_update(p, n_trees + it + 1, total_steps);
        if ((double)updates < stop_below) break;
    }
    progress_update(p, total_steps, total_steps);
    nnd_free(&s);
    free(xp);
    xp = NULL;
    if (unpermute(out, order, s.nt) != 0) goto nomem;
    free(order);
    knn_sort_rows(out, knn_threads(o));
    return HV_OK;

nomem:
    nnd_free(&s);
    free(xp);
    free(order);
    knn_free(out);
    return hv_errf(e, HV_ENOMEM, "knn: out of memory for NN-descent on %u rows", n);
}
