/* test_svd.c - the randomized SVD against LAPACKE's exact SVD of the same
 * matrix made dense: singular values, the subspace, the sign convention,
 * the sparse products, small and rank-deficient inputs. */
#include <criterion/criterion.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "embed/svd.h"

static uint64_t rng = 12345;
static double unif(void) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}
static double normal(void) { return sqrt(-2 * log(unif())) * cos(6.283185307179586 * unif()); }

/* CSR of a dense row-major matrix, dropping exact zeros. */
static hv_spmat to_csr(const double *d, uint32_t n, uint32_t f) {
    hv_spmat m = {n, f, 0, calloc(n + 1, sizeof(uint64_t)), malloc((size_t)n * f * sizeof(uint32_t)),
                  malloc((size_t)n * f * sizeof(float))};
    for (uint32_t r = 0; r < n; r++) {
        for (uint32_t c = 0; c < f; c++)
            if (d[(size_t)r * f + c] != 0) {
                m.col[m.nnz] = c;
                m.val[m.nnz++] = (float)d[(size_t)r * f + c];
            }
        m.off[r + 1] = m.nnz;
    }
    return m;
}
static void free_csr(hv_spmat *m) {
    free(m->off);
    free(m->col);
    free(m->val);
}

/* A = U diag(s) V^T with s_i = 0.75^i and then ~15% of entries zeroed (a
 * sparse matrix whose spectrum still decays). Returns the float-rounded
 * dense copy in d. */
static void make_matrix(double *d, uint32_t n, uint32_t f) {
    uint32_t r = f;
    double *u = malloc((size_t)n * r * sizeof *u), *v = malloc((size_t)f * r * sizeof *v);
    for (size_t i = 0; i < (size_t)n * r; i++) u[i] = normal() / sqrt(n);
    for (size_t i = 0; i < (size_t)f * r; i++) v[i] = normal() / sqrt(f);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < f; j++) {
            double s = 0, sv = 10;
            for (uint32_t k = 0; k < r; k++, sv *= 0.75) s += u[(size_t)i * r + k] * sv * v[(size_t)j * r + k];
            d[(size_t)i * f + j] = unif() < 0.15 ? 0 : (double)(float)s;
        }
    free(u);
    free(v);
}

Test(svd, matches_exact_svd) {
    const uint32_t n = 300, f = 60, k = 8;
    double *d = malloc((size_t)n * f * sizeof *d);
    make_matrix(d, n, f);
    hv_spmat a = to_csr(d, n, f);
    /* exact: dgesdd on the dense copy (destroyed) */
    double *dc = malloc((size_t)n * f * sizeof *dc), *s = malloc(f * sizeof *s);
    double *u = malloc((size_t)n * f * sizeof *u), *vt = malloc((size_t)f * f * sizeof *vt);
    memcpy(dc, d, (size_t)n * f * sizeof *dc);
    cr_assert_eq(LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', (lapack_int)n, (lapack_int)f, dc, f, s, u, f, vt, f), 0);

    float *us = malloc((size_t)n * k * sizeof *us), sigma[8];
    hv_err e = {0, ""};
    hv_svd_opts o = {k, 16, 3, 7, 1}; /* the embedder's oversampling and iterations */
    cr_assert_eq(svd_randomized(&a, &o, us, sigma, NULL, NULL, &e), HV_OK, "%s", e.msg);
    for (uint32_t c = 0; c < k; c++) {
        cr_assert_float_eq(sigma[c], s[c], 1e-3 * s[c], "sigma %u: %g vs %g", c, sigma[c], s[c]);
        /* column c of us / sigma is u_c up to sign, and the sign rule holds */
        double dot = 0, nrm = 0, big = 0;
        for (uint32_t r = 0; r < n; r++) {
            double x = us[(size_t)r * k + c] / sigma[c];
            dot += x * u[(size_t)r * f + c];
            nrm += x * x;
            if (fabs(x) > fabs(big)) big = x;
        }
        cr_assert_float_eq(nrm, 1.0, 1e-3);
        cr_assert_gt(fabs(dot), 0.999, "component %u: |u.u'| = %g", c, fabs(dot));
        cr_assert_gt(big, 0);
    }
    free(d);
    free(dc);
    free(s);
    free(u);
    free(vt);
    free(us);
    free_csr(&a);
}

Test(svd, deterministic_and_thread_count_stable) {
    const uint32_t n = 2000, f = 50, k = 10;
    double *d = malloc((size_t)n * f * sizeof *d);
    make_matrix(d, n, f);
    hv_spmat a = to_csr(d, n, f);
    float *x1 = malloc((size_t)n * k * sizeof *x1), *x2 = malloc((size_t)n * k * sizeof *x2);
    float *x3 = malloc((size_t)n * k * sizeof *x3);
    hv_err e = {0, ""};
    hv_svd_opts o1 = {k, 16, 3, 99, 1}, o2 = {k, 16, 3, 99, 2};
    cr_assert_eq(svd_randomized(&a, &o1, x1, NULL, NULL, NULL, &e), HV_OK);
    cr_assert_eq(svd_randomized(&a, &o1, x2, NULL, NULL, NULL, &e), HV_OK);
    cr_assert_eq(memcmp(x1, x2, (size_t)n * k * sizeof *x1), 0, "same seed, same threads: same bytes");
    cr_assert_eq(svd_randomized(&a, &o2, x3, NULL, NULL, NULL, &e), HV_OK);
    for (size_t i = 0; i < (size_t)n * k; i++) cr_assert_float_eq(x1[i], x3[i], 1e-3, "entry %zu", i);
    free(x1);
    free(x2);
    free(x3);
    free(d);
    free_csr(&a);
}

Test(svd, products_match_dense) {
    const uint32_t n = 40, f = 30, l = 7;
    double *d = malloc((size_t)n * f * sizeof *d);
    make_matrix(d, n, f);
    hv_spmat a = to_csr(d, n, f);
    float x[30 * 7], y[40 * 7], z1[30 * 7], z2[30 * 7];
    for (int i = 0; i < 30 * 7; i++) x[i] = (float)normal();
    spmm_ax(&a, x, l, y, 2);
    for (uint32_t r = 0; r < n; r++)
        for (uint32_t c = 0; c < l; c++) {
            double s = 0;
            for (uint32_t j = 0; j < f; j++) s += (double)(float)d[r * f + j] * x[j * l + c];
            cr_assert_float_eq(y[r * l + c], s, 1e-4);
        }
    spmm_aty(&a, y, l, z1, 1);
    spmm_aty(&a, y, l, z2, 3);
    cr_assert_eq(memcmp(z1, z2, sizeof z1), 0);
    for (uint32_t j = 0; j < f; j++)
        for (uint32_t c = 0; c < l; c++) {
            double s = 0;
            for (uint32_t r = 0; r < n; r++) s += (double)(float)d[r * f + j] * y[r * l + c];
            cr_assert_float_eq(z1[j * l + c], s, 1e-3);
        }
    free(d);
    free_csr(&a);
}

Test(svd, more_components_than_rank) {
    /* 3 rows, 2 of them equal: rank 2; ask for 5 components */
    double d[3 * 4] = {1, 0, 2, 0, 1, 0, 2, 0, 0, 3, 0, 1};
    hv_spmat a = to_csr(d, 3, 4);
    float us[3 * 5], sigma[5];
    hv_err e = {0, ""};
    hv_svd_opts o = {5, 4, 2, 1, 1};
    cr_assert_eq(svd_randomized(&a, &o, us, sigma, NULL, NULL, &e), HV_OK, "%s", e.msg);
    cr_assert_float_eq(sigma[0], sqrt(10.0), 1e-4);
    cr_assert_float_eq(sigma[1], sqrt(10.0), 1e-4);
    cr_assert_float_eq(sigma[2], 0, 1e-3);
    cr_assert_eq(sigma[3], 0);
    cr_assert_eq(sigma[4], 0);
    for (int r = 0; r < 3; r++) cr_assert_eq(us[r * 5 + 4], 0);
    free_csr(&a);
}

Test(svd, empty_matrix_gives_zeros) {
    hv_spmat a = {2, 8, 0, calloc(3, sizeof(uint64_t)), NULL, NULL};
    float us[2 * 3] = {1, 1, 1, 1, 1, 1};
    hv_err e = {0, ""};
    hv_svd_opts o = {3, 2, 1, 1, 1};
    cr_assert_eq(svd_randomized(&a, &o, us, NULL, NULL, NULL, &e), HV_OK);
    for (int i = 0; i < 6; i++) cr_assert_eq(us[i], 0);
    free(a.off);
}
