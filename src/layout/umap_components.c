/* umap_components.c - the start layout of a graph in several pieces.
 *
 * A kNN graph of clustered data falls apart into pieces (300 blobs at 200k
 * points: 271 pieces).  The spectrum of such a graph has eigenvalue 1 once
 * per piece, so its leading eigenvectors are an arbitrary mix of the pieces'
 * indicator vectors and place the pieces arbitrarily; the SGD then never
 * repairs where the clusters sit relative to each other.  umap-learn
 * (spectral.py, multi_component_layout) therefore starts such a graph piece
 * by piece, and so do we:
 *
 *  1. Where the pieces go ("meta layout"): more than 2 * dims pieces are
 *     placed by a spectral embedding of their centroids in the input space
 *     (affinity exp(-d^2) with d the cosine distance, as umap-learn and
 *     sklearn's SpectralEmbedding: the random-walk eigenvectors, signs fixed
 *     so each vector's largest entry is positive, scaled so the largest
 *     coordinate is 1), beyond META_SPECTRAL_MAX pieces by the centroids'
 *     principal components; 2 * dims or fewer are put at +-e_1, +-e_2, ...
 *  2. Each piece inside: its own spectral layout (the subgraph's leading
 *     non-trivial eigenvectors: exact up to COMPONENT_DENSE_MAX points, block
 *     iterations above), or, for inputs above UMAP_SPECTRAL_MAX_N points,
 *     its rows of the principal-component layout; pieces too small for
 *     either get uniform random points.  Scaled to half the distance from
 *     its place to the nearest other place, so pieces start apart.
 *
 * On the 200k benchmark input (bench/umap) this start gives the SGD
 * trustworthiness 0.951 (umap-learn's own: 0.951) where a start from the
 * principal components of all points gave 0.941-0.946. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout/umap_int.h"

/* Pieces up to this size get the exact dense eigen-solve; the block
 * iterations above.  Smaller than the whole-graph bound because a graph can
 * hold hundreds of pieces: the dense solve costs size^3. */
#define COMPONENT_DENSE_MAX 160u

/* Block iterations for a larger piece: started from its own principal
 * components, half of a whole graph's are enough (200k benchmark: the same
 * trustworthiness, 0.6 s less) */
#define COMPONENT_ITERS 20u

/* Up to this many pieces their places come from the spectral embedding of
 * their centroids (a dense eigen-solve: 0.5 s at 2048, 6.5 s at 4096 on one
 * core); above, from the centroids' principal components (on the 200k
 * benchmark: trustworthiness 0.947 instead of 0.951, still above the 0.941
 * of a start from all points' components). */
#define META_SPECTRAL_MAX 2048u

/* A piece with at least this many edges (or an eighth of the graph's) is
 * solved with all threads, after the others. */
#define BIG_PIECE_EDGES (1u << 20)

uint32_t umap_components(const hv_umap_graph *gr, uint32_t *label) {
    uint32_t n = gr->n, count = 0;
    for (uint32_t i = 0; i < n; i++) label[i] = UINT32_MAX;
    /* breadth-first over the symmetric graph; label doubles as the
     * visited mark and the queue lives in a separate array */
    uint32_t *queue = malloc((n ? n : 1) * sizeof *queue);
    if (!queue) return 0;
    for (uint32_t s = 0; s < n; s++) {
        if (label[s] != UINT32_MAX) continue;
        uint32_t head = 0, tail = 0;
        queue[tail++] = s;
        label[s] = count;
        while (head < tail) {
            uint32_t i = queue[head++];
            for (size_t t = gr->rowptr[i]; t < gr->rowptr[i + 1]; t++) {
                uint32_t j = gr->col[t];
                if (label[j] == UINT32_MAX) label[j] = count, queue[tail++] = j;
            }
        }
        count++;
    }
    free(queue);
    return count;
}

/* Step 1 for more than META_SPECTRAL_MAX pieces: the principal components
 * of the unit-length centroids, scaled so the largest |coordinate| is 1. */
static int meta_pca(const uint32_t *label, uint32_t n, uint32_t nc, const float *x, uint32_t d, uint32_t dims,
                    double *meta) {
    double *cen = calloc((size_t)nc * d, sizeof *cen);
    float *cf = malloc((size_t)nc * d * sizeof *cf), *pc = malloc((size_t)nc * dims * sizeof *pc);
    int rc = -1;
    if (!cen || !cf || !pc) goto done;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t a = 0; a < d; a++) cen[(size_t)label[i] * d + a] += x[(size_t)i * d + a];
    for (uint32_t c = 0; c < nc; c++) {
        double s = 0;
        for (uint32_t a = 0; a < d; a++) s += cen[(size_t)c * d + a] * cen[(size_t)c * d + a];
        s = s > 0 ? 1 / sqrt(s) : 0;
        for (uint32_t a = 0; a < d; a++) cf[(size_t)c * d + a] = (float)(cen[(size_t)c * d + a] * s);
    }
    if (umap_pca(cf, nc, d, dims, 1, pc)) goto done;
    double mx = 0;
    for (size_t t = 0; t < (size_t)nc * dims; t++) mx = fabs(pc[t]) > mx ? fabs(pc[t]) : mx;
    for (size_t t = 0; t < (size_t)nc * dims; t++) meta[t] = pc[t] / mx; /* umap_pca succeeded: mx > 0 */
    rc = 0;
done:
    free(cen), free(cf), free(pc);
    return rc;
}

/* Step 1: meta[c * dims ..] for the nc pieces.  -1 when it cannot run. */
static int meta_layout(const uint32_t *label, uint32_t n, uint32_t nc, const float *x, uint32_t d, uint32_t dims,
                       double *meta) {
    memset(meta, 0, (size_t)nc * dims * sizeof *meta);
    if (nc <= 2 * dims) {
        uint32_t k = (nc + 1) / 2;
        for (uint32_t c = 0; c < nc; c++) meta[(size_t)c * dims + (c < k ? c : c - k)] = c < k ? 1 : -1;
        return 0;
    }
    if (!x || d == 0) return -1;
    if (nc > META_SPECTRAL_MAX) return meta_pca(label, n, nc, x, d, dims, meta);
    double *cen = calloc((size_t)nc * d, sizeof *cen), *aff = malloc((size_t)nc * nc * sizeof *aff),
           *nrm = malloc((size_t)nc * sizeof *nrm), *deg = malloc((size_t)nc * sizeof *deg),
           *ev = malloc((dims + 1) * sizeof *ev),
           *z = malloc((size_t)nc * (dims + 1) * sizeof *z);
    lapack_int *isuppz = malloc(2 * (size_t)nc * sizeof *isuppz);
    int rc = -1;
    if (!cen || !aff || !nrm || !deg || !ev || !z || !isuppz) goto done;
    /* centroids (sums: the cosine distance does not see their scale) */
    for (uint32_t i = 0; i < n; i++) {
        double *cr = cen + (size_t)label[i] * d;
        const float *xr = x + (size_t)i * d;
        for (uint32_t a = 0; a < d; a++) cr[a] += xr[a];
    }
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)nc, (int)d, 1.0, cen, (int)d, 0.0, aff, (int)nc);
    for (uint32_t c = 0; c < nc; c++) nrm[c] = sqrt(aff[(size_t)c * nc + c]);
    for (uint32_t c = 0; c < nc; c++)
        for (uint32_t q = c; q < nc; q++) {
            double nn = nrm[c] * nrm[q];
            /* a zero centroid is at cosine distance 1 from everything, as in sklearn */
            double cosd = nn > 0 ? 1 - aff[(size_t)c * nc + q] / nn : 1;
            cosd = cosd < 0 ? 0 : cosd;
            double a = c == q ? 0 : exp(-cosd * cosd);
            aff[(size_t)c * nc + q] = aff[(size_t)q * nc + c] = a;
        }
    for (uint32_t c = 0; c < nc; c++) {
        double s = 0;
        for (uint32_t q = 0; q < nc; q++) s += aff[(size_t)c * nc + q];
        if (!(s > 0)) goto done;
        deg[c] = 1 / sqrt(s);
    }
    for (uint32_t c = 0; c < nc; c++)
        for (uint32_t q = 0; q < nc; q++) aff[(size_t)c * nc + q] *= deg[c] * deg[q];
    lapack_int found = 0;
    lapack_int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'I', 'U', (lapack_int)nc, aff, (lapack_int)nc, 0, 0,
                                     (lapack_int)(nc - dims), (lapack_int)nc, 0, &found, ev, z,
                                     (lapack_int)(dims + 1), isuppz);
    if (info != 0 || found != (lapack_int)(dims + 1)) goto done;
    /* ascending: column dims is the trivial vector, dims - 1 the next */
    double mx = 0;
    for (uint32_t k = 0; k < dims; k++) {
        uint32_t col = dims - 1 - k;
        double big = 0;
        for (uint32_t c = 0; c < nc; c++) {
            double v = z[(size_t)c * (dims + 1) + col] * deg[c]; /* D^-1/2 v: random-walk eigenvector */
            meta[(size_t)c * dims + k] = v;
            if (fabs(v) > fabs(big)) big = v;
        }
        if (big < 0)
            for (uint32_t c = 0; c < nc; c++) meta[(size_t)c * dims + k] = -meta[(size_t)c * dims + k];
        mx = fabs(big) > mx ? fabs(big) : mx;
    }
    if (!(mx > 0) || !isfinite(mx)) goto done;
    for (size_t t = 0; t < (size_t)nc * dims; t++) meta[t] /= mx;
    rc = 0;
done:
    free(cen), free(aff), free(nrm), free(deg), free(ev), free(z), free(isuppz);
    return rc;
}

/* The subgraph of the m points rows[] (a whole piece: no edge leaves it),
 * renumbered 0..m-1 through local[] (global -> local). */
static int subgraph(const hv_umap_graph *gr, const uint32_t *rows, uint32_t m, const uint32_t *local,
                    hv_umap_graph *sub) {
    size_t nnz = 0;
    for (uint32_t r = 0; r < m; r++) nnz += gr->rowptr[rows[r] + 1] - gr->rowptr[rows[r]];
    sub->n = m, sub->nnz = nnz;
    sub->rowptr = malloc(((size_t)m + 1) * sizeof *sub->rowptr);
    sub->col = malloc((nnz ? nnz : 1) * sizeof *sub->col);
    sub->w = malloc((nnz ? nnz : 1) * sizeof *sub->w);
    if (!sub->rowptr || !sub->col || !sub->w) return -1;
    size_t t = 0;
    for (uint32_t r = 0; r < m; r++) {
        sub->rowptr[r] = t;
        for (size_t e = gr->rowptr[rows[r]]; e < gr->rowptr[rows[r] + 1]; e++, t++) {
            sub->col[t] = local[gr->col[e]];
            sub->w[t] = gr->w[e];
        }
    }
    sub->rowptr[m] = t;
    return 0;
}

/* Step 2 for one piece: unscaled coordinates of its m points into tmp.
 * -1 when the piece gets random points instead. */
static int piece_layout(const hv_umap_graph *gr, const uint32_t *rows, uint32_t m, const uint32_t *local,
                        const float *x, uint32_t d, uint32_t dims, uint64_t seed, int threads, const float *pca,
                        float *xs, float *tmp) {
    if (m < 2 * dims || m <= dims + 1) return -1;
    if (pca) {
        for (uint32_t r = 0; r < m; r++) memcpy(tmp + (size_t)r * dims, pca + (size_t)rows[r] * dims, dims * sizeof *tmp);
        return 0;
    }
    hv_umap_graph sub = {0};
    int rc = subgraph(gr, rows, m, local, &sub);
    if (rc == 0 && x)
        for (uint32_t r = 0; r < m; r++) memcpy(xs + (size_t)r * d, x + (size_t)rows[r] * d, d * sizeof *xs);
    if (rc == 0)
        rc = umap_spectral(&sub, dims, seed, x ? xs : NULL, d, sub.nnz < UMAP_PARALLEL_MIN_EDGES ? 1 : threads,
                           COMPONENT_DENSE_MAX, COMPONENT_ITERS, tmp);
    umap_graph_free(&sub);
    return rc;
}

/* Lays out piece c around its place; its scratch rows in xs and tmp are its
 * own (start[c] onwards), so pieces can run in parallel. */
static void place_piece(const hv_umap_graph *gr, const uint32_t *rows, const uint32_t *start, uint32_t c,
                        const uint32_t *local, const float *x, uint32_t d, uint32_t dims, uint64_t seed, int threads,
                        const float *pca, float *xs, float *tmp, const double *meta, const double *range,
                        float *out) {
    uint32_t m = start[c + 1] - start[c];
    const uint32_t *pr = rows + start[c];
    float *pt = tmp + (size_t)start[c] * dims;
    int ok = piece_layout(gr, pr, m, local, x, d, dims, seed, threads, pca, xs ? xs + (size_t)start[c] * d : NULL,
                          pt);
    double mx = 0, mu[dims];
    for (uint32_t k = 0; k < dims; k++) mu[k] = 0;
    if (ok == 0) {
        /* PCA rows are centred on the whole input: centre them on the piece */
        if (pca)
            for (uint32_t r = 0; r < m; r++)
                for (uint32_t k = 0; k < dims; k++) mu[k] += pt[(size_t)r * dims + k] / m;
        for (size_t t = 0; t < (size_t)m * dims; t++) {
            double v = pt[t] - mu[t % dims];
            mx = fabs(v) > mx ? fabs(v) : mx;
        }
        if (!(mx > 0) || !isfinite(mx)) ok = -1;
    }
    for (uint32_t r = 0; r < m; r++) {
        uint64_t s = umap_stream(seed, pr[r], 0x636f6d70);
        for (uint32_t k = 0; k < dims; k++) {
            double v = ok == 0 ? (pt[(size_t)r * dims + k] - mu[k]) / mx : umap_unit(&s) * 2 - 1;
            out[(size_t)pr[r] * dims + k] = (float)(meta[(size_t)c * dims + k] + v * range[c]);
        }
    }
}

int umap_components_init(const hv_umap_graph *gr, const float *x, uint32_t d, uint32_t dims, uint64_t seed,
                         int threads, bool spectral_within, float *out, uint32_t *count) {
    uint32_t n = gr->n;
    *count = 1;
    if (n < 2 || dims == 0) return 1;
    uint32_t *label = malloc((size_t)n * sizeof *label);
    if (!label) return 1;
    uint32_t nc = umap_components(gr, label);
    *count = nc;
    if (nc < 2 || nc > UMAP_COMPONENTS_MAX) {
        free(label);
        return 1;
    }
    double *meta = malloc((size_t)nc * dims * sizeof *meta), *range = malloc((size_t)nc * sizeof *range);
    uint32_t *start = calloc((size_t)nc + 1, sizeof *start), *rows = malloc((size_t)n * sizeof *rows),
             *local = malloc((size_t)n * sizeof *local);
    size_t *edges = calloc(nc, sizeof *edges); /* per piece */
    float *pca = NULL, *xs = NULL, *tmp = malloc((size_t)n * dims * sizeof *tmp);
    int rc = 1;
    if (!meta || !range || !start || !rows || !local || !edges || !tmp) goto done;
    if (meta_layout(label, n, nc, x, d, dims, meta)) goto done;
    /* half the distance to the nearest other place (umap-learn's data_range) */
    for (uint32_t c = 0; c < nc; c++) {
        double best = INFINITY;
        for (uint32_t q = 0; q < nc; q++) {
            double s = 0;
            for (uint32_t k = 0; k < dims; k++) {
                double df = meta[(size_t)c * dims + k] - meta[(size_t)q * dims + k];
                s += df * df;
            }
            if (s > 0 && s < best) best = s;
        }
        range[c] = isfinite(best) ? sqrt(best) / 2 : 1;
    }
    if (!spectral_within) {
        if (!x || !(pca = malloc((size_t)n * dims * sizeof *pca)) || umap_pca(x, n, d, dims, threads, pca)) goto done;
    } else if (x && !(xs = malloc((size_t)n * d * sizeof *xs))) {
        goto done;
    }
    /* rows grouped by piece, in point order within each */
    for (uint32_t i = 0; i < n; i++) {
        start[label[i] + 1]++;
        edges[label[i]] += gr->rowptr[i + 1] - gr->rowptr[i];
    }
    for (uint32_t c = 0; c < nc; c++) start[c + 1] += start[c];
    for (uint32_t i = 0; i < n; i++) rows[start[label[i]]++] = i; /* start[c] ends at start[c + 1] ... */
    for (uint32_t c = nc; c > 0; c--) start[c] = start[c - 1];       /* ... so shift it back */
    start[0] = 0;
    for (uint32_t r = 0; r < n; r++) local[rows[r]] = r - start[label[rows[r]]];
    /* Pieces run side by side, one thread each: most are small, and a
     * threaded solve of a small piece is mostly OpenMP barriers (21 passes
     * a piece, hundreds of pieces).  The few big ones come after, with all threads. */
    size_t big_edges = gr->nnz / 8 > BIG_PIECE_EDGES ? gr->nnz / 8 : BIG_PIECE_EDGES;
    /* the LAPACK calls inside are small: OpenBLAS threads of their own
     * would only contend with these */
    int blas_threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (uint32_t c = 0; c < nc; c++)
        if (edges[c] < big_edges)
            place_piece(gr, rows, start, c, local, x, d, dims, seed, 1, pca, xs, tmp, meta, range, out);
    for (uint32_t c = 0; c < nc; c++)
        if (edges[c] >= big_edges)
            place_piece(gr, rows, start, c, local, x, d, dims, seed, threads, pca, xs, tmp, meta, range, out);
    openblas_set_num_threads(blas_threads);
    rc = 0;
done:
    free(label), free(meta), free(range), free(start), free(rows), free(local), free(edges), free(pca), free(xs),
        free(tmp);
    return rc;
}
