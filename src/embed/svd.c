/* svd.c - randomized truncated SVD (see svd.h).
 *
 * The sparse products are hand-written (OpenBLAS has no sparse kernels):
 * A X runs row-parallel; A^T Y gives each thread a contiguous range of
 * output rows (features, balanced by their entry counts) and lets it scan
 * every row of A for its range, so no thread needs a private n_cols x l
 * accumulator and no CSC copy of A (as large as A itself) is built.  The
 * dense work (orthonormalisation, the small eigenproblem, the final GEMM)
 * goes to OpenBLAS/LAPACKE, never from inside an OpenMP region.
 *
 * Orthonormalisation is Cholesky-QR applied twice (CholeskyQR2: two SYRKs
 * and two TRSMs, all BLAS-3, several times faster than Householder on an
 * n x 112 matrix); when the Gram matrix is not positive definite (a sketch
 * of lower rank than l, as in tiny inputs) Householder QR takes over. */
#include "embed/svd.h"

#include <cblas.h>
#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* The kernels are written once (always_inline bodies) and compiled twice:
 * for the x86-64 baseline (SSE2) and for AVX2+FMA, picked at run time.
 * The inner loop is a length-l axpy per stored entry; with AVX2 it is about
 * twice as fast, and the SVD spends most of its time here.  cmap (may be
 * NULL) maps a column to its row of the compact dense operand. */
static inline __attribute__((always_inline)) void ax_rows_body(const hv_spmat *a, const uint32_t *cmap, uint32_t r0,
                                                               uint32_t r1, const float *restrict x, uint32_t l,
                                                               float *restrict y) {
    for (uint32_t r = r0; r < r1; r++) {
        float *restrict yr = y + (size_t)r * l;
        memset(yr, 0, l * sizeof *yr);
        for (uint64_t i = a->off[r]; i < a->off[r + 1]; i++) {
            const float v = a->val[i];
            const uint32_t c = cmap ? cmap[a->col[i]] : a->col[i];
            const float *restrict xr = x + (size_t)c * l;
#pragma omp simd
            for (uint32_t k = 0; k < l; k++) yr[k] += v * xr[k];
        }
    }
}

/* z rows of the original columns [c0, c1) += A[:, c]^T y, scanning every
 * row of A (columns ascend within a row, so a binary search finds the
 * range's start). */
static inline __attribute__((always_inline)) void aty_range_body(const hv_spmat *a, const uint32_t *cmap, uint32_t c0,
                                                                 uint32_t c1, const float *restrict y, uint32_t l,
                                                                 float *restrict z) {
    for (uint32_t r = 0; r < a->n_rows; r++) {
        uint64_t lo = a->off[r], hi = a->off[r + 1];
        if (c0 > 0)
            while (lo < hi) {
                uint64_t mid = lo + (hi - lo) / 2;
                if (a->col[mid] < c0) lo = mid + 1;
                else hi = mid;
            }
        const float *restrict yr = y + (size_t)r * l;
        for (uint64_t i = lo; i < a->off[r + 1] && a->col[i] < c1; i++) {
            const float v = a->val[i];
            const uint32_t c = cmap ? cmap[a->col[i]] : a->col[i];
            float *restrict zr = z + (size_t)c * l;
#pragma omp simd
            for (uint32_t k = 0; k < l; k++) zr[k] += v * yr[k];
        }
    }
}

__attribute__((target("avx2,fma"))) static void ax_rows_avx2(const hv_spmat *a, const uint32_t *cmap, uint32_t r0,
                                                             uint32_t r1, const float *x, uint32_t l, float *y) {
    ax_rows_body(a, cmap, r0, r1, x, l, y);
}
static void ax_rows_base(const hv_spmat *a, const uint32_t *cmap, uint32_t r0, uint32_t r1, const float *x, uint32_t l,
                         float *y) {
    ax_rows_body(a, cmap, r0, r1, x, l, y);
}
__attribute__((target("avx2,fma"))) static void aty_range_avx2(const hv_spmat *a, const uint32_t *cmap, uint32_t c0,
                                                               uint32_t c1, const float *y, uint32_t l, float *z) {
    aty_range_body(a, cmap, c0, c1, y, l, z);
}
static void aty_range_base(const hv_spmat *a, const uint32_t *cmap, uint32_t c0, uint32_t c1, const float *y,
                           uint32_t l, float *z) {
    aty_range_body(a, cmap, c0, c1, y, l, z);
}

static bool have_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

static int nthreads(int t) {
    if (t > 0) return t;
    int m = omp_get_max_threads();
    return m > 0 ? m : 1;
}

#define AX_CHUNK 1024

static void ax_mapped(const hv_spmat *a, const uint32_t *cmap, const float *x, uint32_t l, float *y, int T) {
    const bool v = have_avx2();
    const uint32_t n = a->n_rows;
#pragma omp parallel for num_threads(T) schedule(dynamic, 1)
    for (uint32_t r0 = 0; r0 < n; r0 += AX_CHUNK) {
        uint32_t r1 = n - r0 < AX_CHUNK ? n : r0 + AX_CHUNK;
        if (v) ax_rows_avx2(a, cmap, r0, r1, x, l, y);
        else ax_rows_base(a, cmap, r0, r1, x, l, y);
    }
}

void spmm_ax(const hv_spmat *a, const float *x, uint32_t l, float *y, int threads) {
    ax_mapped(a, NULL, x, l, y, nthreads(threads));
}

/* Split [0, n_cols) into T ranges of about equal entry counts. */
static void split_cols(const hv_spmat *a, int T, const uint64_t *colcount, uint32_t *bound) {
    uint64_t total = a->nnz, acc = 0;
    int t = 1;
    bound[0] = 0;
    for (uint32_t j = 0; j < a->n_cols && t < T; j++) {
        acc += colcount[j];
        while (t < T && acc * (uint64_t)T >= total * (uint64_t)t) bound[t++] = j + 1;
    }
    while (t < T) bound[t++] = a->n_cols;
    bound[T] = a->n_cols;
}

/* z = A^T y; thread t owns original columns [bound[t], bound[t+1]).  z has
 * a row per column (cmap NULL) or per active column (cmap). */
static void aty_split(const hv_spmat *a, const uint32_t *cmap, const float *y, uint32_t l, float *z, int T,
                      const uint32_t *bound) {
    const bool v = have_avx2();
#pragma omp parallel num_threads(T)
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        /* if the runtime gave fewer threads, the last one takes the rest */
        uint32_t c0 = bound[t], c1 = t == nt - 1 ? bound[T] : bound[t + 1];
        if (c0 < c1) {
            /* zero this range's rows of z: with cmap, the active columns
             * in [c0, c1) are a contiguous run of compact rows */
            uint32_t z0 = c0, z1 = c1;
            if (cmap) {
                uint32_t j = c0;
                while (j < c1 && cmap[j] == UINT32_MAX) j++;
                z0 = z1 = j < c1 ? cmap[j] : 0;
                for (uint32_t q = c1; q > j; q--)
                    if (cmap[q - 1] != UINT32_MAX) {
                        z1 = cmap[q - 1] + 1;
                        break;
                    }
            }
            if (z1 > z0) memset(z + (size_t)z0 * l, 0, (size_t)(z1 - z0) * l * sizeof *z);
            if (v) aty_range_avx2(a, cmap, c0, c1, y, l, z);
            else aty_range_base(a, cmap, c0, c1, y, l, z);
        }
    }
}

static int col_counts(const hv_spmat *a, uint64_t **out) {
    uint64_t *cc = calloc(a->n_cols ? a->n_cols : 1, sizeof *cc);
    if (!cc) return -1;
    for (uint64_t i = 0; i < a->nnz; i++) cc[a->col[i]]++;
    *out = cc;
    return 0;
}

void spmm_aty(const hv_spmat *a, const float *y, uint32_t l, float *z, int threads) {
    int T = nthreads(threads);
    uint64_t *cc = NULL;
    uint32_t *bound = malloc(((size_t)T + 1) * sizeof *bound);
    if (!bound || col_counts(a, &cc)) {
        /* no memory for the balance: one thread over every column */
        free(bound);
        free(cc);
        uint32_t b1[2] = {0, a->n_cols};
        aty_split(a, NULL, y, l, z, 1, b1);
        return;
    }
    split_cols(a, T, cc, bound);
    aty_split(a, NULL, y, l, z, T, bound);
    free(cc);
    free(bound);
}

/* The dense operands are read and written at random rows (one per stored
 * entry); on 4 KiB pages nearly every such access misses the TLB.  Huge
 * pages (where the kernel grants them on request) remove most of that. */
static void *big_alloc(size_t bytes) {
    const size_t HUGE = (size_t)2 << 20;
    void *p = NULL;
    if (bytes < HUGE) return malloc(bytes ? bytes : 1);
    if (posix_memalign(&p, HUGE, bytes) != 0) return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, bytes, MADV_HUGEPAGE); /* advice only: failure is harmless */
#endif
    return p;
}

/* Two standard normals for (seed, feature j, column pair c/2) of Omega:
 * splitmix64 of a counter, then Box-Muller (cos and sin halves).
 * Independent of l, of which columns are active, and of the thread count. */
static void gauss_pair(uint64_t seed, uint64_t j, uint64_t pair, float *g0, float *g1) {
    uint64_t x = seed ^ (j * 0x9E3779B97F4A7C15ULL) ^ (pair * 0xD1B54A32D192ED03ULL);
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    x ^= x >> 31;
    double u1 = ((double)(x >> 40) + 0.5) / (double)(1ULL << 24); /* (0, 1) */
    double u2 = (double)(x & 0xFFFFFF) / (double)(1ULL << 24);
    double rad = sqrt(-2.0 * log(u1)), th = 6.283185307179586 * u2;
    *g0 = (float)(rad * cos(th));
    *g1 = (float)(rad * sin(th));
}

/* Householder QR of the row-major m x l matrix y, in place (Q replaces
 * it).  Row-major m x l is column-major l x m, i.e. y^T, so this is an LQ
 * factorisation of y^T: y^T = L Q' gives y = Q'^T L^T, and no transposed
 * copy of a large matrix is made. */
static int householder_qr(float *y, size_t m, uint32_t l) {
    if (m > INT_MAX || m < l) return -1;
    float *tau = malloc(l * sizeof *tau), wq = 0;
    if (!tau) return -1;
    int rc = -1;
    float *work = NULL;
    if (LAPACKE_sgelqf_work(LAPACK_COL_MAJOR, (lapack_int)l, (lapack_int)m, y, (lapack_int)l, tau, &wq, -1)) goto out;
    float wq2 = 0;
    if (LAPACKE_sorglq_work(LAPACK_COL_MAJOR, (lapack_int)l, (lapack_int)m, (lapack_int)l, y, (lapack_int)l, tau, &wq2,
                            -1))
        goto out;
    lapack_int lw = (lapack_int)(wq > wq2 ? wq : wq2);
    if (lw < 1) lw = 1;
    if (!(work = malloc((size_t)lw * sizeof *work))) goto out;
    if (LAPACKE_sgelqf_work(LAPACK_COL_MAJOR, (lapack_int)l, (lapack_int)m, y, (lapack_int)l, tau, work, lw)) goto out;
    if (LAPACKE_sorglq_work(LAPACK_COL_MAJOR, (lapack_int)l, (lapack_int)m, (lapack_int)l, y, (lapack_int)l, tau, work,
                            lw))
        goto out;
    rc = 0;
out:
    free(work);
    free(tau);
    return rc;
}

/* One Cholesky-QR step: G = Y^T Y = R^T R, Y <- Y R^-1.  -1 when G is not
 * (numerically) positive definite.  R^-1 is formed explicitly and applied
 * by blocks with SGEMM: OpenBLAS's TRSM runs at a fraction of GEMM speed,
 * and with the conditioning checked below the explicit inverse loses
 * nothing that matters. */
#define QR_BLOCK 16384
static int chol_qr_step(float *y, size_t m, uint32_t l, float *g, float *tmp) {
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (blasint)l, (blasint)m, 1.0f, y, (blasint)l, 0.0f, g,
                (blasint)l);
    if (LAPACKE_spotrf(LAPACK_ROW_MAJOR, 'U', (lapack_int)l, g, (lapack_int)l) != 0) return -1;
    /* a tiny pivot means the factor is garbage even though it "succeeded" */
    float dmax = 0, dmin = INFINITY;
    for (uint32_t i = 0; i < l; i++) {
        float d = fabsf(g[(size_t)i * l + i]);
        if (d > dmax) dmax = d;
        if (d < dmin) dmin = d;
    }
    if (!(dmin > dmax * 1e-3f)) return -1;
    if (LAPACKE_strtri(LAPACK_ROW_MAJOR, 'U', 'N', (lapack_int)l, g, (lapack_int)l) != 0) return -1;
    for (uint32_t i = 1; i < l; i++) memset(g + (size_t)i * l, 0, i * sizeof *g); /* SYRK left junk below */
    for (size_t r0 = 0; r0 < m; r0 += QR_BLOCK) {
        size_t nr = m - r0 < QR_BLOCK ? m - r0 : QR_BLOCK;
        memcpy(tmp, y + r0 * l, nr * l * sizeof *tmp);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)nr, (blasint)l, (blasint)l, 1.0f, tmp,
                    (blasint)l, g, (blasint)l, 0.0f, y + r0 * l, (blasint)l);
    }
    return 0;
}

/* Make the columns of y (m x l) an orthonormal basis of their span, in
 * place.  passes 1 is enough between power iterations (only the span
 * matters there; the step is like sklearn's LU normaliser); the final basis
 * gets 2 (CholeskyQR2), which restores orthogonality to float precision. */
static int orthonormalise(float *y, size_t m, uint32_t l, int passes, float *g, float *tmp) {
    if (m > INT_MAX) return -1;
    int ok = 1;
    for (int i = 0; i < passes && ok; i++) ok = chol_qr_step(y, m, l, g, tmp) == 0;
    if (ok) return 0;
    return householder_qr(y, m, l);
}

/* G = Z^T Z in double, Z: m x l row-major float, by blocks of rows (so the
 * double copy stays small). */
static int gram_double(const float *z, size_t m, uint32_t l, double *g) {
    const size_t BR = 4096;
    double *blk = malloc(BR * l * sizeof *blk);
    if (!blk) return -1;
    memset(g, 0, (size_t)l * l * sizeof *g);
    for (size_t r0 = 0; r0 < m; r0 += BR) {
        size_t nr = m - r0 < BR ? m - r0 : BR;
        for (size_t i = 0; i < nr * l; i++) blk[i] = z[r0 * l + i];
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (blasint)l, (blasint)nr, 1.0, blk, (blasint)l, 1.0, g,
                    (blasint)l);
    }
    free(blk);
    return 0;
}

uint32_t svd_active_cols(const hv_spmat *a) {
    uint8_t *seen = calloc(a->n_cols ? a->n_cols : 1, 1);
    if (!seen) return UINT32_MAX;
    uint32_t nact = 0;
    for (uint64_t i = 0; i < a->nnz; i++)
        if (!seen[a->col[i]]) {
            seen[a->col[i]] = 1;
            nact++;
        }
    free(seen);
    return nact;
}

int svd_randomized(const hv_spmat *a, const hv_svd_opts *o, float *us, float *sigma, float *proj, hv_progress *p,
                   hv_err *e) {
    const uint32_t n = a->n_rows, F = a->n_cols, k = o->k;
    if (k == 0) return hv_errf(e, HV_EUSAGE, "svd: 0 components");
    memset(us, 0, (size_t)n * k * sizeof *us);
    if (sigma) memset(sigma, 0, k * sizeof *sigma);
    if (a->nnz == 0) return HV_OK; /* nothing to decompose: all zero (and no active column for proj) */
    const int T = nthreads(o->threads);
    int rc = HV_OK;
    float *q = NULL, *z = NULL, *g = NULL, *mk = NULL, *mi = NULL, *tmp = NULL;
    double *gd = NULL, *w = NULL;
    uint32_t *bound = NULL, *cmap = NULL, *act = NULL;
    uint64_t *cc = NULL;
    if (col_counts(a, &cc) || !(cmap = malloc((size_t)F * sizeof *cmap)) ||
        !(bound = malloc(((size_t)T + 1) * sizeof *bound))) {
        rc = hv_errf(e, HV_ENOMEM, "svd: out of memory");
        goto done;
    }
    /* Only columns with entries take part: the dense n_cols x l operands
     * shrink to the active columns (most hash buckets of a small input are
     * empty). */
    uint32_t Fa = 0;
    for (uint32_t j = 0; j < F; j++) cmap[j] = cc[j] ? Fa++ : UINT32_MAX;
    uint64_t l64 = (uint64_t)k + o->oversample;
    if (l64 > n) l64 = n;
    if (l64 > Fa) l64 = Fa;
    const uint32_t l = (uint32_t)l64, keff = k < l ? k : l;
    openblas_set_num_threads(T);
    q = big_alloc((size_t)n * l * sizeof *q);
    z = big_alloc((size_t)Fa * l * sizeof *z);
    g = malloc((size_t)l * l * sizeof *g);
    gd = malloc((size_t)l * l * sizeof *gd);
    w = malloc(l * sizeof *w);
    mk = malloc((size_t)l * keff * sizeof *mk);
    mi = proj ? malloc((size_t)l * keff * sizeof *mi) : NULL;
    tmp = malloc((size_t)QR_BLOCK * l * sizeof *tmp);
    act = malloc((size_t)Fa * sizeof *act);
    if (!q || !z || !g || !gd || !w || !mk || (proj && !mi) || !tmp || !act) {
        rc = hv_errf(e, HV_ENOMEM, "svd: out of memory (%u x %u sketch)", n, l);
        goto done;
    }
    for (uint32_t j = 0; j < F; j++)
        if (cmap[j] != UINT32_MAX) act[cmap[j]] = j;
    split_cols(a, T, cc, bound);
    const uint64_t steps = 2 + 2 * (uint64_t)o->power_iters;
    uint64_t step = 0;

#pragma omp parallel for num_threads(T) schedule(static)
    for (uint32_t j = 0; j < Fa; j++)
        for (uint32_t c = 0; c < l; c += 2) {
            float g0, g1;
            gauss_pair(o->seed, act[j], c / 2, &g0, &g1);
            z[(size_t)j * l + c] = g0;
            if (c + 1 < l) z[(size_t)j * l + c + 1] = g1;
        }
    ax_mapped(a, cmap, z, l, q, T);
    progress_update(p, ++step, steps);
    if (orthonormalise(q, n, l, o->power_iters ? 1 : 2, g, tmp)) goto qr_fail;
    for (uint32_t it = 0; it < o->power_iters; it++) {
        aty_split(a, cmap, q, l, z, T, bound);
        progress_update(p, ++step, steps);
        if (orthonormalise(z, Fa, l, 1, g, tmp)) goto qr_fail;
        ax_mapped(a, cmap, z, l, q, T);
        progress_update(p, ++step, steps);
        if (orthonormalise(q, n, l, it + 1 == o->power_iters ? 2 : 1, g, tmp)) goto qr_fail;
    }
    aty_split(a, cmap, q, l, z, T, bound); /* z = B^T */
    progress_update(p, ++step, steps);
    if (gram_double(z, Fa, l, gd) ||
        LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)l, gd, (lapack_int)l, w) != 0) {
        rc = hv_errf(e, HV_EINTERNAL, "svd: eigen-decomposition of the %u x %u sketch failed", l, l);
        goto done;
    }
    /* eigenvalues ascend: component c is eigenpair l-1-c; M = W_k S_k, and
     * for the projection W_k S_k^-1 */
    const double s1 = w[l - 1] > 0 ? sqrt(w[l - 1]) : 0;
    for (uint32_t c = 0; c < keff; c++) {
        double lam = w[l - 1 - c];
        double s = lam > 0 ? sqrt(lam) : 0;
        if (sigma) sigma[c] = (float)s;
        double inv = s > 0 && s > s1 * SVD_SIGMA_FLOOR ? 1.0 / s : 0;
        for (uint32_t i = 0; i < l; i++) {
            mk[(size_t)i * keff + c] = (float)(gd[(size_t)i * l + (l - 1 - c)] * s);
            if (mi) mi[(size_t)i * keff + c] = (float)(gd[(size_t)i * l + (l - 1 - c)] * inv);
        }
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)n, (blasint)keff, (blasint)l, 1.0f, q, (blasint)l,
                mk, (blasint)keff, 0.0f, us, (blasint)k);
    if (proj) {
        /* V_k = Z W_k S_k^-1; z holds the active columns in ascending order */
        if (keff < k) memset(proj, 0, (size_t)Fa * k * sizeof *proj);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)Fa, (blasint)keff, (blasint)l, 1.0f, z,
                    (blasint)l, mi, (blasint)keff, 0.0f, proj, (blasint)k);
    }
    /* fix each component's sign: its largest-magnitude entry positive (one
     * pass over the rows: a pass per column would stream us k times) */
    {
        float *best = g; /* l x l >= keff floats, free now */
        uint32_t *at = malloc(keff * sizeof *at);
        if (!at) {
            rc = hv_errf(e, HV_ENOMEM, "svd: out of memory");
            goto done;
        }
        for (uint32_t c = 0; c < keff; c++) {
            best[c] = 0;
            at[c] = 0;
        }
        for (uint32_t r = 0; r < n; r++) {
            const float *row = us + (size_t)r * k;
            for (uint32_t c = 0; c < keff; c++)
                if (fabsf(row[c]) > best[c]) {
                    best[c] = fabsf(row[c]);
                    at[c] = r;
                }
        }
        for (uint32_t c = 0; c < keff; c++) best[c] = us[(size_t)at[c] * k + c] < 0 ? -1.0f : 1.0f;
        free(at);
#pragma omp parallel for num_threads(T) schedule(static)
        for (uint32_t r = 0; r < n; r++)
            for (uint32_t c = 0; c < keff; c++) us[(size_t)r * k + c] *= best[c];
        if (proj) {
#pragma omp parallel for num_threads(T) schedule(static)
            for (uint32_t j = 0; j < Fa; j++)
                for (uint32_t c = 0; c < keff; c++) proj[(size_t)j * k + c] *= best[c];
        }
    }
    goto done;
qr_fail:
    rc = hv_errf(e, HV_EINTERNAL, "svd: QR of the %u x %u sketch failed", n, l);
done:
    free(tmp);
    free(cmap);
    free(act);
    free(q);
    free(z);
    free(g);
    free(gd);
    free(w);
    free(mk);
    free(mi);
    free(bound);
    free(cc);
    return rc;
}
