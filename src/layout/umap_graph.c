/* umap_graph.c - the fuzzy simplicial set of the kNN graph.
 *
 * Follows umap-learn 0.5 (umap_.py: smooth_knn_dist,
 * compute_membership_strengths, fuzzy_simplicial_set).  One difference in
 * convention: umap-learn's kNN rows start with the point itself at distance
 * 0 and its sums skip that column; our rows hold k other points, so every
 * column counts and the target stays log2(k). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout/umap_int.h"

#define SMOOTH_K_TOLERANCE 1e-5
#define MIN_K_DIST_SCALE 1e-3
#define SMOOTH_ITERS 64

void umap_smooth_row(const float *dist, uint32_t m, float local_connectivity, double target, double mean_all,
                     float *rho_out, float *sigma_out) {
    /* rho: distance to the local_connectivity-th nearest non-zero neighbour,
     * interpolated for fractional values (umap-learn's local connectivity) */
    double rho = 0, row_sum = 0;
    uint32_t n_nonzero = 0, n_finite = 0, first_nz = m;
    for (uint32_t j = 0; j < m; j++) {
        if (!isfinite(dist[j])) continue;
        n_finite++;
        row_sum += dist[j];
        if (dist[j] > 0) {
            if (first_nz == m) first_nz = j;
            n_nonzero++;
        }
    }
    /* rows are ascending, so the non-zero finite ones are contiguous from first_nz */
    if (n_nonzero >= local_connectivity && n_nonzero > 0) {
        uint32_t index = (uint32_t)floor(local_connectivity);
        double interp = local_connectivity - index;
        if (index > 0) {
            rho = dist[first_nz + index - 1];
            if (interp > SMOOTH_K_TOLERANCE && index < n_nonzero)
                rho += interp * (dist[first_nz + index] - dist[first_nz + index - 1]);
        } else {
            rho = interp * dist[first_nz];
        }
    } else if (n_nonzero > 0) {
        rho = dist[first_nz + n_nonzero - 1];
    }

    /* sigma by bisection so that sum exp(-(d - rho) / sigma) = log2(k) */
    double lo = 0, hi = INFINITY, mid = 1;
    for (int it = 0; it < SMOOTH_ITERS; it++) {
        double psum = 0;
        for (uint32_t j = 0; j < m; j++) {
            if (!isfinite(dist[j])) continue;
            double dd = dist[j] - rho;
            psum += dd > 0 ? exp(-dd / mid) : 1.0;
        }
        if (fabs(psum - target) < SMOOTH_K_TOLERANCE) break;
        if (psum > target) {
            hi = mid;
            mid = (lo + hi) / 2;
        } else {
            lo = mid;
            mid = isinf(hi) ? mid * 2 : (lo + hi) / 2;
        }
    }
    /* the floor keeps sigma from collapsing on rows of near-duplicates,
     * where every weight would otherwise be 0 or 1 */
    if (rho > 0) {
        double mean_row = n_finite ? row_sum / n_finite : 0;
        if (mid < MIN_K_DIST_SCALE * mean_row) mid = MIN_K_DIST_SCALE * mean_row;
    } else if (mid < MIN_K_DIST_SCALE * mean_all) {
        mid = MIN_K_DIST_SCALE * mean_all;
    }
    *rho_out = (float)rho;
    *sigma_out = (float)mid;
}

void umap_graph_free(hv_umap_graph *gr) {
    if (!gr) return;
    free(gr->rowptr);
    free(gr->col);
    free(gr->w);
    memset(gr, 0, sizeof *gr);
}

/* Insertion sort of a short row by column; k is ~30. */
static void sort_row(uint32_t *c, float *v, uint32_t m) {
    for (uint32_t i = 1; i < m; i++) {
        uint32_t cc = c[i];
        float vv = v[i];
        uint32_t j = i;
        while (j > 0 && c[j - 1] > cc) {
            c[j] = c[j - 1];
            v[j] = v[j - 1];
            j--;
        }
        c[j] = cc;
        v[j] = vv;
    }
}

/* Merge row i's out-edges (oc/ov, sorted, m of them) with its in-edges
 * (ic/iv, sorted by source) into the fuzzy union.  With dst NULL it only
 * counts the kept edges (w >= thr) and tracks the largest weight. */
static size_t merge_row(const uint32_t *oc, const float *ov, uint32_t m, const uint32_t *ic, const float *iv,
                        size_t mi, float thr, uint32_t *dc, float *dw, float *maxw) {
    size_t a = 0, b = 0, kept = 0;
    float mx = *maxw;
    while (a < m || b < mi) {
        uint32_t c;
        double x = 0, y = 0;
        if (b >= mi || (a < m && oc[a] < ic[b])) {
            c = oc[a], x = ov[a++];
        } else if (a >= m || ic[b] < oc[a]) {
            c = ic[b], y = iv[b++];
        } else {
            c = oc[a], x = ov[a++], y = iv[b++];
        }
        float w = (float)(x + y - x * y);
        if (w > mx) mx = w;
        if (w > 0 && w >= thr) {
            if (dc) dc[kept] = c, dw[kept] = w;
            kept++;
        }
    }
    *maxw = mx;
    return kept;
}

int umap_fuzzy_graph(const hv_knn *g, float local_connectivity, uint32_t n_epochs, int threads,
                     hv_umap_graph *out, hv_err *e) {
    memset(out, 0, sizeof *out);
    uint32_t n = g->n, k = g->k;
    size_t nk = (size_t)n * k;
    out->n = n;
    out->rowptr = calloc((size_t)n + 1, sizeof *out->rowptr);
    uint32_t *oc = malloc((nk ? nk : 1) * sizeof *oc);   /* out-edges, then sorted by column */
    float *ov = malloc((nk ? nk : 1) * sizeof *ov);
    size_t *tptr = calloc((size_t)n + 2, sizeof *tptr); /* transpose (in-edges) */
    uint32_t *tc = malloc((nk ? nk : 1) * sizeof *tc);
    float *tv = malloc((nk ? nk : 1) * sizeof *tv);
    if (!out->rowptr || !oc || !ov || !tptr || !tc || !tv) {
        free(oc), free(ov), free(tptr), free(tc), free(tv);
        umap_graph_free(out);
        return hv_errf(e, HV_ENOMEM, "umap: out of memory for the fuzzy graph (%u points, k = %u)", n, k);
    }

    double sum = 0;
    size_t cnt = 0;
#pragma omp parallel for num_threads(threads) reduction(+ : sum, cnt) schedule(static)
    for (size_t t = 0; t < nk; t++)
        if (g->idx[t] != HV_KNN_NONE && isfinite(g->dist[t])) sum += g->dist[t] > 0 ? g->dist[t] : 0, cnt++;
    double mean_all = cnt ? sum / cnt : 0;
    double target = log2(k > 1 ? (double)k : 2.0);

    /* membership strengths, one row at a time */
#pragma omp parallel for num_threads(threads) schedule(dynamic, 256)
    for (uint32_t i = 0; i < n; i++) {
        const uint32_t *idx = g->idx + (size_t)i * k;
        float dist[k ? k : 1];
        for (uint32_t j = 0; j < k; j++) {
            float dd = g->dist[(size_t)i * k + j];
            /* cosine distance can come out a hair below 0 from rounding */
            dist[j] = idx[j] == HV_KNN_NONE ? INFINITY : (dd > 0 ? dd : 0);
        }
        float rho, sigma;
        umap_smooth_row(dist, k, local_connectivity, target, mean_all, &rho, &sigma);
        uint32_t m = 0;
        uint32_t *c = oc + (size_t)i * k;
        float *v = ov + (size_t)i * k;
        for (uint32_t j = 0; j < k; j++) {
            if (idx[j] == HV_KNN_NONE || idx[j] == i || !isfinite(dist[j])) continue;
            double dd = dist[j] - rho;
            c[m] = idx[j];
            v[m] = (dd <= 0 || sigma == 0) ? 1.0f : (float)exp(-dd / sigma);
            m++;
        }
        sort_row(c, v, m);
        /* duplicate neighbours (a bad graph) keep the strongest edge */
        uint32_t u = 0;
        for (uint32_t j = 0; j < m; j++) {
            if (u > 0 && c[u - 1] == c[j]) {
                if (v[j] > v[u - 1]) v[u - 1] = v[j];
            } else {
                c[u] = c[j], v[u] = v[j], u++;
            }
        }
        for (uint32_t j = u; j < k; j++) c[j] = HV_KNN_NONE;
    }
    /* row lengths are the count of valid entries before the first NONE */
    uint32_t *olen = malloc(((size_t)n + 1) * sizeof *olen);
    if (!olen) {
        free(oc), free(ov), free(tptr), free(tc), free(tv);
        umap_graph_free(out);
        return hv_errf(e, HV_ENOMEM, "umap: out of memory for the fuzzy graph");
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t m = 0;
        while (m < k && oc[(size_t)i * k + m] != HV_KNN_NONE) m++;
        olen[i] = m;
        for (uint32_t j = 0; j < m; j++) tptr[oc[(size_t)i * k + j] + 2]++;
    }
    /* transpose by counting sort; filling sources in increasing i leaves
     * every in-list sorted, so the merge below needs no sort */
    for (uint32_t i = 0; i < n; i++) tptr[i + 2] += tptr[i + 1];
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < olen[i]; j++) {
            size_t s = (size_t)i * k + j;
            size_t at = tptr[oc[s] + 1]++;
            tc[at] = i;
            tv[at] = ov[s];
        }
    /* now tptr[j] .. tptr[j+1] is j's in-list */

    float maxw = 0;
#pragma omp parallel for num_threads(threads) reduction(max : maxw) schedule(dynamic, 1024)
    for (uint32_t i = 0; i < n; i++) {
        float mx = 0;
        merge_row(oc + (size_t)i * k, ov + (size_t)i * k, olen[i], tc + tptr[i], tv + tptr[i],
                  tptr[i + 1] - tptr[i], 0, NULL, NULL, &mx);
        if (mx > maxw) maxw = mx;
    }
    float thr = n_epochs ? maxw / (float)n_epochs : 0;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1024)
    for (uint32_t i = 0; i < n; i++) {
        float mx = 0;
        out->rowptr[i + 1] = merge_row(oc + (size_t)i * k, ov + (size_t)i * k, olen[i], tc + tptr[i],
                                       tv + tptr[i], tptr[i + 1] - tptr[i], thr, NULL, NULL, &mx);
    }
    for (uint32_t i = 0; i < n; i++) out->rowptr[i + 1] += out->rowptr[i];
    out->nnz = out->rowptr[n];
    out->col = malloc((out->nnz ? out->nnz : 1) * sizeof *out->col);
    out->w = malloc((out->nnz ? out->nnz : 1) * sizeof *out->w);
    if (!out->col || !out->w) {
        free(oc), free(ov), free(tptr), free(tc), free(tv), free(olen);
        umap_graph_free(out);
        return hv_errf(e, HV_ENOMEM, "umap: out of memory for the fuzzy graph");
    }
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1024)
    for (uint32_t i = 0; i < n; i++) {
        float mx = 0;
        merge_row(oc + (size_t)i * k, ov + (size_t)i * k, olen[i], tc + tptr[i], tv + tptr[i],
                  tptr[i + 1] - tptr[i], thr, out->col + out->rowptr[i], out->w + out->rowptr[i], &mx);
    }
    free(oc), free(ov), free(tptr), free(tc), free(tv), free(olen);
    return 0;
}
