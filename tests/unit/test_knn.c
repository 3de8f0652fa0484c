/* test_knn.c - exact kNN against a double-precision brute force, NN-descent
 * recall against exact, determinism, and the edge cases (n <= k,
 * duplicates, zero rows, bad input). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "knn/knn.h"

static uint64_t rng_state;

static double unit(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static double gauss(void) {
    double u = unit(), v = unit();
    if (u < 1e-300) u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static void normalise(float *x, uint32_t n, uint32_t d) {
    for (uint32_t i = 0; i < n; i++) {
        double s = 0;
        for (uint32_t c = 0; c < d; c++) s += (double)x[i * d + c] * x[i * d + c];
        if (s == 0) continue;
        for (uint32_t c = 0; c < d; c++) x[i * d + c] = (float)(x[i * d + c] / sqrt(s));
    }
}

/* Gaussian blobs of varied spread around random centres, unit rows. */
static float *clustered(uint32_t n, uint32_t d, uint32_t blobs, uint64_t seed) {
    rng_state = seed;
    float *c = malloc(sizeof(float) * blobs * d), *x = malloc(sizeof(float) * n * d);
    cr_assert(c && x);
    for (uint32_t b = 0; b < blobs * d; b++) c[b] = (float)gauss();
    for (uint32_t i = 0; i < n; i++) {
        uint32_t b = (uint32_t)(unit() * blobs);
        double spread = 0.2 + 0.6 * unit();
        for (uint32_t t = 0; t < d; t++) x[i * d + t] = (float)(c[b * d + t] + spread * gauss());
    }
    free(c);
    normalise(x, n, d);
    return x;
}

static hv_knn_opts opts(uint32_t k, int threads) {
    hv_knn_opts o;
    knn_opts_default(&o);
    o.k = k;
    o.threads = threads;
    o.seed = 7;
    return o;
}

/* every row: ascending distances, no self, no repeats, padding only at the end */
static void check_shape(const hv_knn *g) {
    for (uint32_t i = 0; i < g->n; i++) {
        const uint32_t *idx = g->idx + (size_t)i * g->k;
        const float *dist = g->dist + (size_t)i * g->k;
        for (uint32_t a = 0; a < g->k; a++) {
            cr_assert_neq(idx[a], i, "row %u lists itself", i);
            if (idx[a] == HV_KNN_NONE) {
                cr_assert(isinf(dist[a]));
                if (a + 1 < g->k) cr_assert_eq(idx[a + 1], HV_KNN_NONE);
                continue;
            }
            cr_assert_lt(idx[a], g->n);
            cr_assert(dist[a] >= 0.0f && dist[a] <= 2.0f + 1e-5f);
            if (a > 0) cr_assert_leq(dist[a - 1], dist[a], "row %u not sorted", i);
            for (uint32_t b = 0; b < a; b++) cr_assert_neq(idx[a], idx[b], "row %u repeats %u", i, idx[a]);
        }
    }
}

typedef struct {
    double d;
    uint32_t j;
} pair;

static int by_dist(const void *a, const void *b) {
    const pair *x = a, *y = b;
    return x->d < y->d ? -1 : x->d > y->d ? 1 : (x->j > y->j) - (x->j < y->j);
}

Test(knn, exact_matches_double_brute_force) {
    uint32_t n = 700, d = 24, k = 10;
    float *x = clustered(n, d, 12, 1);
    hv_knn_opts o = opts(k, 2);
    hv_knn g;
    hv_err e;
    cr_assert_eq(knn_exact(x, n, d, &o, &g, NULL, &e), HV_OK);
    cr_assert_eq(g.n, n);
    cr_assert_eq(g.k, k);
    check_shape(&g);
    pair *all = malloc(sizeof(pair) * n);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t m = 0;
        for (uint32_t j = 0; j < n; j++) {
            if (j == i) continue;
            double dot = 0;
            for (uint32_t c = 0; c < d; c++) dot += (double)x[i * d + c] * x[j * d + c];
            all[m++] = (pair){1.0 - dot, j};
        }
        qsort(all, m, sizeof *all, by_dist);
        double kth = all[k - 1].d;
        for (uint32_t a = 0; a < k; a++) {
            uint32_t j = g.idx[i * k + a];
            cr_assert_float_eq(g.dist[i * k + a], all[a].d, 1e-5, "row %u slot %u", i, a);
            if (j == all[a].j) continue;
            /* a different row is fine only if it ties with the k-th within float rounding */
            double dj = 0;
            for (uint32_t c = 0; c < d; c++) dj += (double)x[i * d + c] * x[j * d + c];
            cr_assert(fabs((1.0 - dj) - kth) < 1e-5 || fabs((1.0 - dj) - all[a].d) < 1e-5, "row %u: %u vs %u", i,
                      j, all[a].j);
        }
    }
    free(all);
    knn_free(&g);
    free(x);
}

Test(knn, nndescent_recall_on_clustered_data) {
    uint32_t n = 4000, d = 32, k = 15;
    float *x = clustered(n, d, 40, 2);
    hv_knn_opts o = opts(k, 2);
    hv_knn exact, approx;
    hv_err e;
    cr_assert_eq(knn_exact(x, n, d, &o, &exact, NULL, &e), HV_OK);
    cr_assert_eq(knn_nndescent(x, n, d, &o, &approx, NULL, &e), HV_OK);
    check_shape(&approx);
    double r = knn_recall(&approx, &exact);
    cr_assert_geq(r, 0.95, "recall %.4f", r);
    cr_assert_float_eq(knn_recall(&exact, &exact), 1.0, 1e-12);
    knn_free(&exact);
    knn_free(&approx);
    free(x);
}

Test(knn, nndescent_deterministic_single_thread) {
    uint32_t n = 2000, d = 16, k = 10;
    float *x = clustered(n, d, 20, 3);
    hv_knn_opts o = opts(k, 1);
    hv_knn a, b;
    hv_err e;
    cr_assert_eq(knn_nndescent(x, n, d, &o, &a, NULL, &e), HV_OK);
    cr_assert_eq(knn_nndescent(x, n, d, &o, &b, NULL, &e), HV_OK);
    cr_assert_eq(memcmp(a.idx, b.idx, sizeof(uint32_t) * n * k), 0);
    cr_assert_eq(memcmp(a.dist, b.dist, sizeof(float) * n * k), 0);
    knn_free(&b);
    o.seed = 8; /* another seed still gives a good graph */
    cr_assert_eq(knn_nndescent(x, n, d, &o, &b, NULL, &e), HV_OK);
    check_shape(&b);
    cr_assert_geq(knn_recall(&b, &a), 0.9);
    knn_free(&a);
    knn_free(&b);
    free(x);
}

Test(knn, fewer_rows_than_k_pad) {
    uint32_t n = 5, d = 4, k = 8;
    float *x = clustered(n, d, 2, 4);
    hv_knn_opts o = opts(k, 2);
    hv_knn g;
    hv_err e;
    cr_assert_eq(knn_nndescent(x, n, d, &o, &g, NULL, &e), HV_OK);
    check_shape(&g);
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t a = 0; a < n - 1; a++) cr_assert_neq(g.idx[i * k + a], HV_KNN_NONE);
        for (uint32_t a = n - 1; a < k; a++) cr_assert_eq(g.idx[i * k + a], HV_KNN_NONE);
    }
    knn_free(&g);
    free(x);
}

Test(knn, zero_and_one_row) {
    hv_knn_opts o = opts(30, 2);
    hv_knn g;
    hv_err e;
    cr_assert_eq(knn_build(NULL, 0, 8, &o, &g, NULL, &e), HV_OK);
    cr_assert_eq(g.n, 0);
    knn_free(&g);
    float one[3] = {1, 0, 0};
    cr_assert_eq(knn_nndescent(one, 1, 3, &o, &g, NULL, &e), HV_OK);
    cr_assert_eq(g.n, 1);
    for (uint32_t a = 0; a < 30; a++) cr_assert_eq(g.idx[a], HV_KNN_NONE);
    knn_free(&g);
    cr_assert_eq(knn_recall(&g, &g), 1.0); /* nothing to find */
}

/* Many exact copies and zero rows: the RP trees cannot split copies by a
 * hyperplane, and zero rows sit at distance 1 from everything. */
Test(knn, duplicates_and_zero_rows) {
    uint32_t n = 3000, d = 8, k = 10;
    float *x = clustered(n, d, 5, 5);
    for (uint32_t i = 0; i < 600; i++) memcpy(x + (size_t)(i + 1) * d, x, d * sizeof *x); /* 601 copies */
    for (uint32_t i = 1000; i < 1050; i++) memset(x + (size_t)i * d, 0, d * sizeof *x);
    hv_knn_opts o = opts(k, 2);
    hv_knn exact, approx;
    hv_err e;
    cr_assert_eq(knn_exact(x, n, d, &o, &exact, NULL, &e), HV_OK);
    cr_assert_eq(knn_nndescent(x, n, d, &o, &approx, NULL, &e), HV_OK);
    check_shape(&exact);
    check_shape(&approx);
    /* a copy's neighbours are other copies at distance 0 */
    for (uint32_t i = 0; i <= 600; i++)
        for (uint32_t a = 0; a < k; a++) {
            cr_assert_leq(approx.idx[i * k + a], 600);
            cr_assert_eq(approx.dist[i * k + a], 0.0f);
        }
    for (uint32_t a = 0; a < k; a++) cr_assert_float_eq(exact.dist[1000 * k + a], 1.0f, 1e-6);
    knn_free(&exact);
    knn_free(&approx);
    free(x);
}

Test(knn, build_picks_exact_for_small_n) {
    uint32_t n = 500, d = 8, k = 5;
    float *x = clustered(n, d, 5, 6);
    hv_knn_opts o = opts(k, 1);
    hv_knn a, b;
    hv_err e;
    cr_assert_eq(knn_build(x, n, d, &o, &a, NULL, &e), HV_OK);
    cr_assert_eq(knn_exact(x, n, d, &o, &b, NULL, &e), HV_OK);
    cr_assert_eq(memcmp(a.idx, b.idx, sizeof(uint32_t) * n * k), 0);
    knn_free(&a);
    knn_free(&b);
    free(x);
}

Test(knn, rejects_bad_input) {
    float x[8] = {1, 0, 0, 1, NAN, 0, 1, 0};
    hv_knn_opts o = opts(2, 1);
    hv_knn g;
    hv_err e;
    cr_assert_eq(knn_exact(x, 4, 2, &o, &g, NULL, &e), HV_EINPUT);
    cr_assert_null(g.idx);
    knn_free(&g);
    x[4] = 0;
    o.k = 0;
    cr_assert_eq(knn_nndescent(x, 4, 2, &o, &g, NULL, &e), HV_EINPUT);
    o.k = 2;
    cr_assert_eq(knn_exact(x, 4, 0, &o, &g, NULL, &e), HV_EINPUT);
    cr_assert_eq(knn_exact(x, 4, 2, &o, &g, NULL, &e), HV_OK);
    knn_free(&g);
}
