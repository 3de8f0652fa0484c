/* umap_init.c - the initial layout: spectral, PCA or random.
 *
 * Spectral, as umap-learn: the eigenvectors of the normalised Laplacian
 * L = I - D^-1/2 W D^-1/2 with the smallest non-trivial eigenvalues, which
 * are those of M = D^-1/2 W D^-1/2 with the largest.  umap-learn runs
 * ARPACK to convergence; on graphs of hundreds of tight clusters the top of
 * M's spectrum is a near-degenerate bundle of eigenvalues close to 1 and no
 * solver converges to individual vectors cheaply.  Any orthonormal basis of
 * that bundle is an equally good start (smooth over the graph, clusters
 * apart), so large graphs get a fixed number of block subspace iterations
 * on (M + I) / 2 (the shift keeps the spectrum in [0, 1], so nothing at the
 * bottom is amplified), with the trivial vector D^1/2 1 projected out and a
 * Rayleigh-Ritz step at the end.  Small graphs (n <= UMAP_SPECTRAL_DENSE_MAX)
 * get an exact dense eigen-decomposition.
 *
 * A graph in several pieces is started as umap-learn starts it: each piece
 * laid out on its own around a point that places the pieces relative to each
 * other (umap_components.c). */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout/umap_int.h"

#define SPECTRAL_OVERSAMPLE 4
#define PCA_MAX_ROWS 65536


/* Degree-normalisation: dinv = D^-1/2 (0 for isolated points) and the unit
 * trivial eigenvector u0 = D^1/2 1 / |D^1/2 1|. */
static int degrees(const hv_umap_graph *gr, double *dinv, double *u0) {
    uint32_t n = gr->n;
    double tot = 0;
    uint32_t connected = 0;
    for (uint32_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t t = gr->rowptr[i]; t < gr->rowptr[i + 1]; t++) s += gr->w[t];
        dinv[i] = s > 0 ? 1 / sqrt(s) : 0;
        u0[i] = sqrt(s);
        tot += s;
        connected += s > 0;
    }
    if (!(tot > 0)) return -1;
    double norm = sqrt(tot);
    for (uint32_t i = 0; i < n; i++) u0[i] /= norm;
    return (int)connected;
}

static int spectral_dense(const hv_umap_graph *gr, uint32_t dims, const double *dinv, const double *u0, float *out) {
    uint32_t n = gr->n;
    double *m = calloc((size_t)n * n, sizeof *m), *ev = malloc((size_t)n * sizeof *ev),
           *z = malloc((size_t)n * dims * sizeof *z);
    lapack_int *isuppz = malloc(2 * (size_t)n * sizeof *isuppz);
    int rc = -1;
    if (!m || !ev || !z || !isuppz) goto done;
    for (uint32_t i = 0; i < n; i++)
        for (size_t t = gr->rowptr[i]; t < gr->rowptr[i + 1]; t++)
            m[(size_t)i * n + gr->col[t]] = dinv[i] * gr->w[t] * dinv[gr->col[t]];
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++) m[(size_t)i * n + j] -= u0[i] * u0[j];
    lapack_int found = 0;
    lapack_int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'I', 'U', (lapack_int)n, m, (lapack_int)n, 0, 0,
                                     (lapack_int)(n - dims + 1), (lapack_int)n, 0, &found, ev, z,
                                     (lapack_int)dims, isuppz);
    if (info != 0 || found != (lapack_int)dims) goto done;
    /* eigenvalues come ascending: the largest (first non-trivial) goes first */
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t c = 0; c < dims; c++) out[(size_t)i * dims + c] = (float)z[(size_t)i * dims + (dims - 1 - c)];
    rc = 0;
done:
    free(m), free(ev), free(z), free(isuppz);
    return rc;
}

/* y <- (M + I) / 2 * y, then the trivial direction projected out. */
static void apply_op(const hv_umap_graph *gr, const double *dinv, const double *u0, uint32_t m, const float *y,
                     float *dst, int threads) {
    uint32_t n = gr->n;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 2048)
    for (uint32_t i = 0; i < n; i++) {
        float acc[m];
        for (uint32_t c = 0; c < m; c++) acc[c] = 0;
        for (size_t t = gr->rowptr[i]; t < gr->rowptr[i + 1]; t++) {
            uint32_t j = gr->col[t];
            float s = gr->w[t] * (float)dinv[j];
            const float *yj = y + (size_t)j * m;
            for (uint32_t c = 0; c < m; c++) acc[c] += s * yj[c];
        }
        float di = (float)dinv[i];
        for (uint32_t c = 0; c < m; c++) dst[(size_t)i * m + c] = di > 0 ? 0.5f * (y[(size_t)i * m + c] + di * acc[c]) : 0;
    }
    double proj[m];
    for (uint32_t c = 0; c < m; c++) proj[c] = 0;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t c = 0; c < m; c++) proj[c] += u0[i] * dst[(size_t)i * m + c];
#pragma omp parallel for num_threads(threads) schedule(static)
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t c = 0; c < m; c++) dst[(size_t)i * m + c] -= (float)(u0[i] * proj[c]);
}

/* Cholesky QR: y <- y R^-1 with y^T y = R^T R.  -1 when y is rank deficient. */
static int orthonormalize(float *y, uint32_t n, uint32_t m, int threads) {
    double g[m * m];
    memset(g, 0, sizeof g);
#pragma omp parallel num_threads(threads)
    {
        double lg[m * m];
        memset(lg, 0, sizeof lg);
#pragma omp for schedule(static)
        for (uint32_t i = 0; i < n; i++) {
            const float *r = y + (size_t)i * m;
            for (uint32_t a = 0; a < m; a++)
                for (uint32_t b = a; b < m; b++) lg[a * m + b] += (double)r[a] * r[b];
        }
#pragma omp critical
        for (uint32_t t = 0; t < m * m; t++) g[t] += lg[t];
    }
    double tr = 0;
    for (uint32_t a = 0; a < m; a++) tr += g[a * m + a];
    if (!(tr > 0) || !isfinite(tr)) return -1;
    if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'U', (lapack_int)m, g, (lapack_int)m) != 0) return -1;
    for (uint32_t a = 0; a < m; a++)
        if (!(g[a * m + a] > 1e-10 * sqrt(tr))) return -1;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (uint32_t i = 0; i < n; i++) {
        float *r = y + (size_t)i * m;
        double x[m];
        for (uint32_t b = 0; b < m; b++) {
            double s = r[b];
            for (uint32_t a = 0; a < b; a++) s -= x[a] * g[a * m + b];
            x[b] = s / g[b * m + b];
        }
        for (uint32_t b = 0; b < m; b++) r[b] = (float)x[b];
    }
    return 0;
}

/* out <- y V[:, top dims] where V are the eigenvectors of y^T (S y). */
static int rayleigh_ritz(const float *y, const float *z, uint32_t n, uint32_t m, uint32_t dims, int threads,
                         float *out) {
    double b[m * m], ev[m];
    memset(b, 0, sizeof b);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t p = 0; p < m; p++)
            for (uint32_t q = 0; q < m; q++) b[p * m + q] += (double)y[(size_t)i * m + p] * z[(size_t)i * m + q];
    for (uint32_t p = 0; p < m; p++)
        for (uint32_t q = 0; q < p; q++) b[p * m + q] = b[q * m + p] = 0.5 * (b[p * m + q] + b[q * m + p]);
    if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)m, b, (lapack_int)m, ev) != 0) return -1;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t c = 0; c < dims; c++) {
            double s = 0;
            for (uint32_t p = 0; p < m; p++) s += (double)y[(size_t)i * m + p] * b[p * m + (m - 1 - c)];
            out[(size_t)i * dims + c] = (float)s;
        }
    return 0;
}

static int spectral_iterative(const hv_umap_graph *gr, uint32_t dims, uint64_t seed, const float *x, uint32_t d,
                              const double *dinv, const double *u0, int threads, uint32_t iters, float *out) {
    uint32_t n = gr->n, m = dims + SPECTRAL_OVERSAMPLE;
    if (m > n - 1) m = n - 1;
    float *y = malloc((size_t)n * m * sizeof *y), *z = malloc((size_t)n * m * sizeof *z);
    int rc = -1;
    if (!y || !z) goto done;
    /* Started from the input's principal components when the vectors are
     * at hand: the iteration then only has to smooth them over the graph,
     * and the few steps we can afford keep PCA's global arrangement of the
     * clusters instead of a random one. */
    if (x && d >= m && umap_pca(x, n, d, m, threads, y) == 0) {
        for (uint32_t i = 0; i < n; i++)
            if (!(dinv[i] > 0)) memset(y + (size_t)i * m, 0, m * sizeof *y);
    } else
#pragma omp parallel for num_threads(threads) schedule(static)
    for (uint32_t i = 0; i < n; i++) {
        uint64_t s = umap_stream(seed, i, 0x5bec);
        for (uint32_t c = 0; c < m; c++) {
            double u = umap_unit(&s), v = umap_unit(&s);
            if (u < 1e-300) u = 1e-300;
            y[(size_t)i * m + c] = dinv[i] > 0 ? (float)(sqrt(-2 * log(u)) * cos(6.283185307179586 * v)) : 0;
        }
    }
    for (uint32_t it = 0; it < iters; it++) {
        apply_op(gr, dinv, u0, m, y, z, threads);
        float *t = y;
        y = z, z = t;
        if (orthonormalize(y, n, m, threads)) goto done;
    }
    /* Rayleigh-Ritz: the best dims-dimensional approximation inside span(y) */
    apply_op(gr, dinv, u0, m, y, z, threads);
    if (rayleigh_ritz(y, z, n, m, dims, threads, out)) goto done;
    rc = 0;
done:
    free(y), free(z);
    return rc;
}

int umap_spectral(const hv_umap_graph *gr, uint32_t dims, uint64_t seed, const float *x, uint32_t d, int threads,
                  uint32_t dense_max, uint32_t iters, float *out) {
    uint32_t n = gr->n;
    if (n < dims + 2) return -1; /* not enough points for dims non-trivial vectors */
    if (gr->nnz < UMAP_PARALLEL_MIN_EDGES) threads = 1;
    double *dinv = malloc((size_t)n * sizeof *dinv), *u0 = malloc((size_t)n * sizeof *u0);
    int rc = -1;
    if (!dinv || !u0) goto done;
    int connected = degrees(gr, dinv, u0);
    if (connected < (int)dims + 2) goto done;
    if (n <= dense_max)
        rc = spectral_dense(gr, dims, dinv, u0, out);
    else
        rc = spectral_iterative(gr, dims, seed, x, d, dinv, u0, threads, iters, out);
    if (rc == 0) {
        double mx = 0;
        for (size_t t = 0; t < (size_t)n * dims; t++) {
            if (!isfinite(out[t])) {
                rc = -1;
                break;
            }
            if (fabs(out[t]) > mx) mx = fabs(out[t]);
        }
        if (!(mx > 0)) rc = -1;
    }
done:
    free(dinv), free(u0);
    return rc;
}

/* PCA on a strided sample of rows (enough for a d x d covariance), all rows
 * projected.  -1 when it cannot run. */
int umap_pca(const float *x, uint32_t n, uint32_t d, uint32_t dims, int threads, float *out) {
    if (!x || d == 0 || n < 2) return -1;
    uint32_t stride = n > PCA_MAX_ROWS ? (n + PCA_MAX_ROWS - 1) / PCA_MAX_ROWS : 1;
    double *mu = calloc(d, sizeof *mu), *cov = calloc((size_t)d * d, sizeof *cov), *ev = malloc(d * sizeof *ev);
    int rc = -1;
    if (!mu || !cov || !ev) goto done;
    size_t cnt = 0;
    for (uint32_t i = 0; i < n; i += stride, cnt++)
        for (uint32_t c = 0; c < d; c++) mu[c] += x[(size_t)i * d + c];
    for (uint32_t c = 0; c < d; c++) mu[c] /= (double)cnt;
#pragma omp parallel num_threads(threads)
    {
        double *lc = calloc((size_t)d * d, sizeof *lc), *r = malloc(d * sizeof *r);
        if (lc && r) {
#pragma omp for schedule(static)
            for (uint32_t i = 0; i < n; i += stride) {
                for (uint32_t c = 0; c < d; c++) r[c] = x[(size_t)i * d + c] - mu[c];
                for (uint32_t a = 0; a < d; a++)
                    for (uint32_t b = a; b < d; b++) lc[(size_t)a * d + b] += r[a] * r[b];
            }
#pragma omp critical
            for (size_t t = 0; t < (size_t)d * d; t++) cov[t] += lc[t];
        }
        free(lc), free(r);
    }
    for (uint32_t c = 0; c < d; c++)
        if (!isfinite(cov[(size_t)c * d + c])) goto done;
    if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)d, cov, (lapack_int)d, ev) != 0) goto done;
    uint32_t take = dims < d ? dims : d;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t c = 0; c < dims; c++) {
            double s = 0;
            if (c < take)
                for (uint32_t a = 0; a < d; a++) s += (x[(size_t)i * d + a] - mu[a]) * cov[(size_t)a * d + (d - 1 - c)];
            out[(size_t)i * dims + c] = (float)s;
        }
    double mx = 0;
    for (size_t t = 0; t < (size_t)n * dims; t++) mx = fabs(out[t]) > mx ? fabs(out[t]) : mx;
    rc = isfinite(mx) && mx > 0 ? 0 : -1;
done:
    free(mu), free(cov), free(ev);
    return rc;
}

int umap_lift(const float *xy, uint32_t n, const float *x, uint32_t d, int threads, float *out3, hv_err *e) {
    float *pc = x ? malloc((size_t)n * 3 * sizeof *pc) : NULL;
    if (x && !pc) return hv_errf(e, HV_ENOMEM, "umap: out of memory lifting the layout to 3D");
    bool have = pc && umap_pca(x, n, d, 3, threads > 0 ? threads : 1, pc) == 0;
    /* z spans about what x and y span, so no axis starts squashed */
    float lo = INFINITY, hi = -INFINITY, zlo = INFINITY, zhi = -INFINITY;
    for (uint32_t i = 0; i < n; i++) {
        lo = xy[2 * (size_t)i] < lo ? xy[2 * (size_t)i] : lo;
        hi = xy[2 * (size_t)i] > hi ? xy[2 * (size_t)i] : hi;
        if (have) {
            float z = pc[3 * (size_t)i + 2];
            zlo = z < zlo ? z : zlo;
            zhi = z > zhi ? z : zhi;
        }
    }
    float span = hi > lo ? hi - lo : 1, zspan = have && zhi > zlo ? zhi - zlo : 0;
    for (uint32_t i = 0; i < n; i++) {
        out3[3 * (size_t)i] = xy[2 * (size_t)i];
        out3[3 * (size_t)i + 1] = xy[2 * (size_t)i + 1];
        uint64_t s = umap_stream(0x6c696674, i, 3);
        out3[3 * (size_t)i + 2] = zspan > 0 ? (pc[3 * (size_t)i + 2] - zlo) / zspan * span + lo
                                            : (float)(umap_unit(&s) - 0.5) * span * 0.01f;
    }
    free(pc);
    return 0;
}

int umap_init_layout(const hv_umap_graph *gr, const float *x, uint32_t d, const hv_umap_opts *o, int threads,
                     float *out, hv_umap_init *used, uint32_t *components, hv_err *e) {
    uint32_t n = gr->n, dims = o->dims;
    size_t nd = (size_t)n * dims;
    hv_umap_init how = o->init;
    int ok = -1;
    if (how == HV_UMAP_INIT_GIVEN) ok = 0; /* out holds it: only the scaling below */
    /* The spectral solver's passes over the graph read neighbours in random
     * order; past a few hundred thousand points they take minutes (41
     * passes over ~80M edges at 1.86M points), while PCA of the vectors the
     * graph came from takes seconds and lays out as well here (50k:
     * trustworthiness 0.9465 from PCA vs 0.9457 spectral).  So large inputs
     * start from PCA when the vectors are at hand. */
    bool pieces = false; /* laid out piece by piece: isolated points have their place */
    uint32_t nc = 1;
    if (how == HV_UMAP_INIT_SPECTRAL) {
        ok = umap_components_init(gr, x, d, dims, o->seed, threads, n <= UMAP_SPECTRAL_MAX_N, out, &nc);
        pieces = ok == 0;
    }
    if (ok && how == HV_UMAP_INIT_SPECTRAL && x && n > UMAP_SPECTRAL_MAX_N) how = HV_UMAP_INIT_PCA;
    if (ok && how == HV_UMAP_INIT_SPECTRAL) {
        ok = umap_spectral(gr, dims, o->seed, x, d, threads, UMAP_SPECTRAL_DENSE_MAX, UMAP_SPECTRAL_ITERS, out);
        if (ok) how = HV_UMAP_INIT_PCA;
    }
    if (ok && how == HV_UMAP_INIT_PCA) {
        if (o->init == HV_UMAP_INIT_PCA && !x) return hv_errf(e, HV_EINPUT, "umap: PCA init needs the vectors");
        ok = umap_pca(x, n, d, dims, threads, out);
        if (ok) how = HV_UMAP_INIT_RANDOM;
    }
    if (ok) {
        how = HV_UMAP_INIT_RANDOM;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t s = umap_stream(o->seed, i, 0x4a4d);
            for (uint32_t c = 0; c < dims; c++) out[(size_t)i * dims + c] = (float)(umap_unit(&s) * 20 - 10);
        }
    } else if (how != HV_UMAP_INIT_GIVEN) {
        /* umap-learn: scale so the largest |coordinate| is 10, add a little
         * noise so coincident points can separate */
        double mx = 0;
        for (size_t t = 0; t < nd; t++) mx = fabs(out[t]) > mx ? fabs(out[t]) : mx;
        double expansion = 10 / mx;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t s = umap_stream(o->seed, i, 0x0153);
            for (uint32_t c = 0; c < dims; c++) {
                double u = umap_unit(&s), v = umap_unit(&s);
                if (u < 1e-300) u = 1e-300;
                double noise = 1e-4 * sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
                out[(size_t)i * dims + c] = (float)(out[(size_t)i * dims + c] * expansion + noise);
            }
        }
    }
    /* every axis to [0, 10], as umap-learn does before the SGD */
    for (uint32_t c = 0; c < dims; c++) {
        float lo = INFINITY, hi = -INFINITY;
        for (uint32_t i = 0; i < n; i++) {
            float v = out[(size_t)i * dims + c];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        float span = hi - lo;
        for (uint32_t i = 0; i < n; i++) {
            float *v = &out[(size_t)i * dims + c];
            *v = span > 0 ? 10 * (*v - lo) / span : 5;
        }
    }
    /* spectral coordinates of isolated points are meaningless (all 0):
     * scatter them over the box instead of stacking them on one spot */
    if (how == HV_UMAP_INIT_SPECTRAL && !pieces)
        for (uint32_t i = 0; i < n; i++) {
            if (gr->rowptr[i + 1] > gr->rowptr[i]) continue;
            uint64_t s = umap_stream(o->seed, i, 0x150);
            for (uint32_t c = 0; c < dims; c++) out[(size_t)i * dims + c] = (float)(umap_unit(&s) * 10);
        }
    if (used) *used = how;
    if (components) *components = nc;
    return 0;
}
