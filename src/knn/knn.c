/* knn.c - options, argument checks, the dispatch between exact and
 * NN-descent, the final row sort, and recall. */
#include "knn/knn.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "knn/knn_int.h"

void knn_opts_default(hv_knn_opts *o) {
    memset(o, 0, sizeof *o);
    o->k = 30;
    o->seed = 42;
    o->threads = 0;
    o->exact_max_n = 20000;
    o->delta = 0.001f;
}

int knn_threads(const hv_knn_opts *o) {
    int t = o->threads > 0 ? o->threads : omp_get_max_threads();
    if (t < 1) t = 1;
    if (t > 1024) t = 1024;
    return t;
}

int knn_alloc_checked(const float *x, uint32_t n, uint32_t d, const hv_knn_opts *o, hv_knn *out, hv_err *e) {
    if (!out) return hv_errf(e, HV_EINTERNAL, "knn: no output graph");
    memset(out, 0, sizeof *out);
    if (!o) return hv_errf(e, HV_EINTERNAL, "knn: no options");
    if (o->k == 0 || o->k > KNN_MAX_K) return hv_errf(e, HV_EINPUT, "knn: k=%u out of range 1..%u", o->k, KNN_MAX_K);
    if (n == HV_KNN_NONE) return hv_errf(e, HV_EINPUT, "knn: too many rows (%u)", n);
    if (n > 0 && (d == 0 || d > KNN_MAX_D))
        return hv_errf(e, HV_EINPUT, "knn: dimension %u out of range 1..%u", d, KNN_MAX_D);
    if (n > 0 && !x) return hv_errf(e, HV_EINTERNAL, "knn: no vectors");
    /* A NaN would make every comparison false and leave heaps in an
     * arbitrary state; reject it here rather than return a silent mess. */
    size_t nd = (size_t)n * d;
    int bad = 0;
#pragma omp parallel for reduction(| : bad) num_threads(knn_threads(o)) schedule(static)
    for (size_t i = 0; i < nd; i++) bad |= !isfinite(x[i]);
    if (bad) return hv_errf(e, HV_EINPUT, "knn: vectors contain NaN or infinity");
    out->n = n;
    out->k = o->k;
    if (n == 0) return HV_OK;
    size_t nk = (size_t)n * o->k;
    out->idx = malloc(nk * sizeof *out->idx);
    out->dist = malloc(nk * sizeof *out->dist);
    if (!out->idx || !out->dist) {
        knn_free(out);
        return hv_errf(e, HV_ENOMEM, "knn: out of memory for %u x %u neighbours", n, o->k);
    }
    for (size_t i = 0; i < nk; i++) {
        out->idx[i] = HV_KNN_NONE;
        out->dist[i] = INFINITY;
    }
    return HV_OK;
}

void knn_free(hv_knn *g) {
    if (!g) return;
    free(g->idx);
    free(g->dist);
    memset(g, 0, sizeof *g);
}

static int before(float da, uint32_t ia, float db, uint32_t ib) { return da < db || (da == db && ia < ib); }

/* Insertion sort: rows are short (k ~ 30) and the heap is half-sorted. */
static void sort_row(uint32_t *idx, float *dist, uint32_t k) {
    for (uint32_t a = 1; a < k; a++) {
        uint32_t i = idx[a];
        float v = dist[a];
        uint32_t b = a;
        while (b > 0 && before(v, i, dist[b - 1], idx[b - 1])) {
            idx[b] = idx[b - 1];
            dist[b] = dist[b - 1];
            b--;
        }
        idx[b] = i;
        dist[b] = v;
    }
}

void knn_sort_rows(hv_knn *g, int threads) {
    uint32_t k = g->k;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (uint32_t i = 0; i < g->n; i++) sort_row(g->idx + (size_t)i * k, g->dist + (size_t)i * k, k);
}

int knn_build(const float *x, uint32_t n, uint32_t d, const hv_knn_opts *o, hv_knn *out, hv_progress *p, hv_err *e) {
    if (o && n <= o->exact_max_n) return knn_exact(x, n, d, o, out, p, e);
    return knn_nndescent(x, n, d, o, out, p, e);
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

double knn_recall(const hv_knn *approx, const hv_knn *truth) {
    if (!approx || !truth || approx->n != truth->n) return -1.0;
    uint32_t n = truth->n, ka = approx->k, kt = truth->k;
    double sum = 0;
    uint64_t rows = 0;
    uint32_t *tmp = malloc((ka ? ka : 1) * sizeof *tmp);
    if (!tmp) return -1.0;
    for (uint32_t i = 0; i < n; i++) {
        const uint32_t *t = truth->idx + (size_t)i * kt;
        uint32_t want = 0;
        for (uint32_t a = 0; a < kt; a++) want += t[a] != HV_KNN_NONE;
        if (want == 0) continue;
        memcpy(tmp, approx->idx + (size_t)i * ka, ka * sizeof *tmp);
        qsort(tmp, ka, sizeof *tmp, cmp_u32);
        uint32_t hit = 0;
        for (uint32_t a = 0; a < kt; a++)
            if (t[a] != HV_KNN_NONE && bsearch(&t[a], tmp, ka, sizeof *tmp, cmp_u32)) hit++;
        sum += (double)hit / want;
        rows++;
    }
    free(tmp);
    return rows ? sum / (double)rows : 1.0;
}
