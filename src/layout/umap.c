/* umap.c - options, the a/b curve fit, and the staged umap_layout driver. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/umap_int.h"

void umap_opts_default(hv_umap_opts *o) {
    memset(o, 0, sizeof *o);
    o->dims = 2;
    o->min_dist = 0.3f;
    o->spread = 1.5f;
    o->n_epochs = 0;
    o->learning_rate = 1.0f;
    o->negative_sample_rate = 5;
    o->repulsion_strength = 1.0f;
    o->local_connectivity = 1.0f;
    o->init = HV_UMAP_INIT_SPECTRAL;
    o->seed = 42;
    o->threads = 0;
}

int umap_threads(int requested) {
    if (requested > 0) return requested;
    int t = omp_get_max_threads();
    return t > 0 ? t : 1;
}

/* --- find_ab: least squares fit of 1 / (1 + a x^(2b)) ------------------
 *
 * umap-learn's find_ab_params samples 300 points on [0, 3 * spread], sets
 * the target to 1 below min_dist and exp(-(x - min_dist) / spread) above,
 * and calls scipy's curve_fit (MINPACK Levenberg-Marquardt from a = b = 1).
 * The problem is smooth with a single basin near the answer, so a plain LM
 * with analytic derivatives lands on the same minimum. */

#define AB_SAMPLES 300

static double ab_residuals(const double *xs, const double *ys, double a, double b, double *jac) {
    double ss = 0;
    for (int i = 0; i < AB_SAMPLES; i++) {
        double x = xs[i], p = x > 0 ? pow(x, 2 * b) : 0;
        double den = 1 + a * p, f = 1 / den, r = f - ys[i];
        ss += r * r;
        if (jac) {
            jac[3 * i] = r;
            jac[3 * i + 1] = -p / (den * den);
            /* d/db x^(2b) = 2 ln(x) x^(2b); the limit at x = 0 is 0 */
            jac[3 * i + 2] = x > 0 ? -a * 2 * log(x) * p / (den * den) : 0;
        }
    }
    return ss;
}

void umap_find_ab(float spread, float min_dist, float *a_out, float *b_out) {
    double xs[AB_SAMPLES], ys[AB_SAMPLES], jac[3 * AB_SAMPLES];
    double sp = spread > 0 ? spread : 1.0, md = min_dist >= 0 ? min_dist : 0.0;
    for (int i = 0; i < AB_SAMPLES; i++) {
        xs[i] = 3 * sp * i / (AB_SAMPLES - 1); /* np.linspace(0, 3 * spread, 300) */
        ys[i] = xs[i] < md ? 1.0 : exp(-(xs[i] - md) / sp);
    }
    double a = 1, b = 1, lambda = 1e-3;
    double ss = ab_residuals(xs, ys, a, b, jac);
    for (int it = 0; it < 500; it++) {
        double jtj00 = 0, jtj01 = 0, jtj11 = 0, g0 = 0, g1 = 0;
        for (int i = 0; i < AB_SAMPLES; i++) {
            double r = jac[3 * i], ja = jac[3 * i + 1], jb = jac[3 * i + 2];
            jtj00 += ja * ja, jtj01 += ja * jb, jtj11 += jb * jb;
            g0 += ja * r, g1 += jb * r;
        }
        int improved = 0;
        while (lambda < 1e12) {
            /* Marquardt's scaling: damp each parameter by its own curvature */
            double m00 = jtj00 * (1 + lambda), m11 = jtj11 * (1 + lambda), det = m00 * m11 - jtj01 * jtj01;
            if (det != 0 && isfinite(det)) {
                double da = -(m11 * g0 - jtj01 * g1) / det, db = -(m00 * g1 - jtj01 * g0) / det;
                double na = a + da, nb = b + db;
                if (na > 0 && nb > 0) {
                    double nss = ab_residuals(xs, ys, na, nb, NULL);
                    if (nss < ss) {
                        double rel = fabs(da) / a + fabs(db) / b;
                        a = na, b = nb;
                        ss = ab_residuals(xs, ys, a, b, jac);
                        lambda = lambda > 1e-12 ? lambda / 10 : lambda;
                        improved = 1;
                        if (rel < 1e-12) it = 500;
                        break;
                    }
                }
            }
            lambda *= 10;
        }
        if (!improved) break;
    }
    *a_out = (float)a;
    *b_out = (float)b;
}

/* --- the driver ---------------------------------------------------------- */

static int check_graph(const hv_knn *g, hv_err *e) {
    if (g->n > 0 && g->k > 0 && (!g->idx || !g->dist)) return hv_errf(e, HV_EINPUT, "umap: kNN graph has no arrays");
    size_t nk = (size_t)g->n * g->k;
    for (size_t t = 0; t < nk; t++) {
        uint32_t j = g->idx[t];
        float dd = g->dist[t];
        if (j == HV_KNN_NONE) continue;
        if (j >= g->n)
            return hv_errf(e, HV_EINPUT, "umap: row %zu has neighbour %u out of range (n = %u)", t / g->k, j,
                           g->n);
        if (isnan(dd)) return hv_errf(e, HV_EINPUT, "umap: row %zu has a NaN distance", t / g->k);
    }
    return 0;
}

int umap_layout(const hv_knn *g, const float *x, uint32_t d, const hv_umap_opts *o_in, float *out, hv_progress *p,
                hv_err *e) {
    hv_umap_opts o;
    if (o_in)
        o = *o_in;
    else
        umap_opts_default(&o);
    if (!g || !out) return hv_errf(e, HV_EINPUT, "umap: no graph or no output");
    if (o.dims == 0) return hv_errf(e, HV_EINPUT, "umap: dims must be at least 1");
    if (!(o.spread > 0) || !(o.min_dist >= 0) || !(o.learning_rate > 0) || !(o.local_connectivity >= 0) ||
        !(o.repulsion_strength >= 0))
        return hv_errf(e, HV_EINPUT, "umap: spread, learning rate must be > 0; min_dist, local_connectivity, "
                                     "repulsion must be >= 0");
    uint32_t n = g->n;
    if (n == 0) return 0;
    int rc = check_graph(g, e);
    if (rc) return rc;
    int threads = umap_threads(o.threads);
    uint32_t n_epochs = o.n_epochs ? o.n_epochs : (n <= 10000 ? 500 : 200);
    float a, b;
    umap_find_ab(o.spread, o.min_dist, &a, &b);

    hv_umap_graph gr;
    double t0 = omp_get_wtime();
    rc = umap_fuzzy_graph(g, o.local_connectivity, n_epochs, threads, &gr, e);
    if (rc) return rc;
    if (gr.nnz < UMAP_PARALLEL_MIN_EDGES) threads = 1;
    hv_umap_init used;
    uint32_t pieces = 1;
    double t1 = omp_get_wtime();
    rc = umap_init_layout(&gr, x, d, &o, threads, out, &used, &pieces, e);
    double t2 = omp_get_wtime();
    if (!rc) rc = umap_optimize(&gr, &o, n_epochs, a, b, threads, out, p, e);
    if (!rc && p) { /* where the layout's time went, beside the stage's own line */
        static const char *const init_name[] = {"spectral", "pca", "random", "given"};
        char detail[160], pc[48] = "";
        if (pieces > 1) snprintf(pc, sizeof pc, " (%u connected pieces)", pieces);
        snprintf(detail, sizeof detail, "%zu edges; init %s%s %.2f s, sgd %.2f s", (size_t)gr.nnz, init_name[used], pc,
                 t2 - t1, omp_get_wtime() - t2);
        progress_note(p, "umap graph", t1 - t0, detail);
    }
    umap_graph_free(&gr);
    return rc;
}
