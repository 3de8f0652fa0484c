/* test_umap.c - UMAP layout: the a/b fit against umap-learn, the fuzzy graph,
 * the spectral init, and properties of the final layout (clusters stay
 * apart, trustworthiness, determinism, finite output, edge cases). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout/umap.h"
#include "layout/umap_int.h"

/* --- helpers --------------------------------------------------------------- */

static uint64_t rs = 1;
static double urand(void) {
    rs = rs * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rs >> 11) * 0x1.0p-53;
}
static double nrand(void) {
    double u = urand(), v = urand();
    if (u < 1e-300) u = 1e-300;
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* n points in nb Gaussian blobs in d dims, L2-normalised; labels[i] = blob */
static float *blobs(uint32_t n, uint32_t d, uint32_t nb, double spread, uint32_t *labels, uint64_t seed) {
    rs = seed;
    float *c = malloc((size_t)nb * d * sizeof *c), *x = malloc((size_t)n * d * sizeof *x);
    for (size_t t = 0; t < (size_t)nb * d; t++) c[t] = (float)nrand();
    for (uint32_t i = 0; i < n; i++) {
        uint32_t l = i % nb;
        labels[i] = l;
        double nn = 0;
        for (uint32_t j = 0; j < d; j++) {
            float v = c[l * d + j] + (float)(spread * (1 + l % 3) * nrand());
            x[(size_t)i * d + j] = v;
            nn += (double)v * v;
        }
        for (uint32_t j = 0; j < d; j++) x[(size_t)i * d + j] /= (float)sqrt(nn);
    }
    free(c);
    return x;
}

static float cosdist(const float *x, uint32_t d, uint32_t i, uint32_t j) {
    double s = 0;
    for (uint32_t t = 0; t < d; t++) s += (double)x[(size_t)i * d + t] * x[(size_t)j * d + t];
    return (float)(1 - s);
}

/* brute-force exact cosine kNN, so the tests do not depend on src/knn */
static hv_knn brute_knn(const float *x, uint32_t n, uint32_t d, uint32_t k) {
    hv_knn g = {n, k, malloc((size_t)n * k * sizeof(uint32_t) + 1), malloc((size_t)n * k * sizeof(float) + 1)};
    for (uint32_t i = 0; i < n; i++) {
        uint32_t *id = g.idx + (size_t)i * k;
        float *ds = g.dist + (size_t)i * k;
        for (uint32_t t = 0; t < k; t++) id[t] = HV_KNN_NONE, ds[t] = INFINITY;
        for (uint32_t j = 0; j < n; j++) {
            if (j == i) continue;
            float dd = cosdist(x, d, i, j);
            if (dd >= ds[k - 1]) continue;
            uint32_t p = k - 1;
            while (p > 0 && ds[p - 1] > dd) ds[p] = ds[p - 1], id[p] = id[p - 1], p--;
            ds[p] = dd, id[p] = j;
        }
    }
    return g;
}

static void free_knn(hv_knn *g) { free(g->idx), free(g->dist); }


static void assert_finite(const float *y, size_t m) {
    for (size_t t = 0; t < m; t++) cr_assert(isfinite(y[t]), "coordinate %zu is %f", t, y[t]);
}

static double sqd(const float *y, uint32_t dims, uint32_t i, uint32_t j) {
    double s = 0;
    for (uint32_t t = 0; t < dims; t++) {
        double df = (double)y[(size_t)i * dims + t] - y[(size_t)j * dims + t];
        s += df * df;
    }
    return s;
}

/* leave-one-out 1-NN accuracy of the labels in the layout */
static double one_nn_accuracy(const float *y, uint32_t n, uint32_t dims, const uint32_t *lab) {
    uint32_t ok = 0;
    for (uint32_t i = 0; i < n; i++) {
        double best = INFINITY;
        uint32_t bj = i;
        for (uint32_t j = 0; j < n; j++)
            if (j != i && sqd(y, dims, i, j) < best) best = sqd(y, dims, i, j), bj = j;
        ok += lab[bj] == lab[i];
    }
    return (double)ok / n;
}

/* mean distance between cluster centroids / mean distance of points to
 * their own centroid */
static double separation(const float *y, uint32_t n, uint32_t dims, const uint32_t *lab, uint32_t nb) {
    double *c = calloc((size_t)nb * dims, sizeof *c), *cnt = calloc(nb, sizeof *cnt);
    for (uint32_t i = 0; i < n; i++) {
        cnt[lab[i]]++;
        for (uint32_t t = 0; t < dims; t++) c[lab[i] * dims + t] += y[(size_t)i * dims + t];
    }
    for (uint32_t l = 0; l < nb; l++)
        for (uint32_t t = 0; t < dims; t++) c[l * dims + t] /= cnt[l];
    double intra = 0, inter = 0;
    for (uint32_t i = 0; i < n; i++) {
        double s = 0;
        for (uint32_t t = 0; t < dims; t++) s += pow(y[(size_t)i * dims + t] - c[lab[i] * dims + t], 2);
        intra += sqrt(s);
    }
    intra /= n;
    uint32_t pairs = 0;
    for (uint32_t a = 0; a < nb; a++)
        for (uint32_t b = a + 1; b < nb; b++, pairs++) {
            double s = 0;
            for (uint32_t t = 0; t < dims; t++) s += pow(c[a * dims + t] - c[b * dims + t], 2);
            inter += sqrt(s);
        }
    free(c), free(cnt);
    return inter / pairs / intra;
}

/* Trustworthiness (Venna & Kaski), as sklearn.manifold.trustworthiness:
 * penalises points that are k-neighbours in the layout but far in input. */
static double trustworthiness(const float *x, uint32_t d, const float *y, uint32_t dims, uint32_t n, uint32_t k) {
    uint32_t *rank = malloc((size_t)n * sizeof *rank), *order = malloc((size_t)n * sizeof *order);
    float *dd = malloc((size_t)n * sizeof *dd);
    double *yd = malloc((size_t)n * sizeof *yd);
    double t = 0;
    for (uint32_t i = 0; i < n; i++) {
        /* input-space rank of every j (1 = nearest), by insertion into order */
        for (uint32_t j = 0; j < n; j++) dd[j] = j == i ? -1 : cosdist(x, d, i, j);
        for (uint32_t j = 0; j < n; j++) order[j] = j;
        for (uint32_t a = 1; a < n; a++) {
            uint32_t v = order[a], p = a;
            while (p > 0 && dd[order[p - 1]] > dd[v]) order[p] = order[p - 1], p--;
            order[p] = v;
        }
        for (uint32_t r = 0; r < n; r++) rank[order[r]] = r; /* self has rank 0 */
        for (uint32_t j = 0; j < n; j++) yd[j] = j == i ? -1 : sqd(y, dims, i, j);
        /* the k nearest in the layout */
        for (uint32_t q = 0; q < k; q++) {
            uint32_t bj = i;
            double best = INFINITY;
            for (uint32_t j = 0; j < n; j++)
                if (yd[j] >= 0 && yd[j] < best) best = yd[j], bj = j;
            yd[bj] = -1;
            if (rank[bj] > k) t += rank[bj] - k;
        }
    }
    free(rank), free(order), free(dd), free(yd);
    return 1 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1)) * t;
}

static hv_umap_opts test_opts(uint32_t dims) {
    hv_umap_opts o;
    umap_opts_default(&o);
    o.dims = dims;
    o.threads = 1;
    o.n_epochs = 200;
    o.seed = 7;
    return o;
}

/* --- a, b ------------------------------------------------------------------ */

Test(umap_ab, matches_umap_learn_find_ab_params) {
    /* /usr/bin/python3 -c 'from umap.umap_ import find_ab_params; print(find_ab_params(S, M))'
     * with umap-learn 0.5.3 / scipy curve_fit */
    static const struct {
        float spread, min_dist;
        double a, b;
    } ref[] = {
        {1.5f, 0.3f, 0.5595493472471997, 1.0030053863528146},
        {1.0f, 0.1f, 1.5769434601962196, 0.8950608779914887},
        {1.0f, 0.5f, 0.583030020479462, 1.3341669929263487},
    };
    for (size_t t = 0; t < sizeof ref / sizeof ref[0]; t++) {
        float a, b;
        umap_find_ab(ref[t].spread, ref[t].min_dist, &a, &b);
        cr_assert(fabs(a - ref[t].a) < 1e-3 && fabs(b - ref[t].b) < 1e-3, "spread %g min_dist %g: a %f b %f", ref[t].spread,
                  ref[t].min_dist, a, b);
    }
}

/* --- graph stages ---------------------------------------------------------- */

Test(umap_graph, smooth_row_hits_log2k_and_rho_is_nearest) {
    float dist[10];
    for (int j = 0; j < 10; j++) dist[j] = 0.1f + 0.05f * j;
    float rho, sigma;
    umap_smooth_row(dist, 10, 1.0f, log2(10.0), 0.3, &rho, &sigma);
    cr_assert_float_eq(rho, 0.1f, 1e-7);
    double psum = 0;
    for (int j = 0; j < 10; j++) psum += exp(-fmax(0, dist[j] - rho) / sigma);
    cr_assert(fabs(psum - log2(10.0)) < 1e-3, "psum %f", psum);
}

Test(umap_graph, fuzzy_union_is_symmetric_and_in_unit_interval) {
    uint32_t lab[300];
    float *x = blobs(300, 12, 4, 0.2, lab, 3);
    hv_knn g = brute_knn(x, 300, 12, 10);
    hv_umap_graph gr;
    hv_err e = {0};
    cr_assert_eq(umap_fuzzy_graph(&g, 1.0f, 0, 1, &gr, &e), 0, "%s", e.msg);
    cr_assert_geq(gr.nnz, (size_t)300 * 10);
    for (uint32_t i = 0; i < gr.n; i++)
        for (size_t t = gr.rowptr[i]; t < gr.rowptr[i + 1]; t++) {
            uint32_t j = gr.col[t];
            cr_assert(gr.w[t] > 0 && gr.w[t] <= 1);
            cr_assert_neq(j, i);
            if (t > gr.rowptr[i]) cr_assert_gt(j, gr.col[t - 1], "columns ascend");
            /* find the reverse edge */
            int found = 0;
            for (size_t u = gr.rowptr[j]; u < gr.rowptr[j + 1]; u++)
                if (gr.col[u] == i) {
                    found = 1;
                    cr_assert_eq(gr.w[u], gr.w[t]);
                }
            cr_assert(found, "edge %u-%u has no reverse", i, j);
        }
    umap_graph_free(&gr);
    free_knn(&g), free(x);
}

/* Two far-apart blobs give a disconnected graph: the first non-trivial
 * eigenvector is the component indicator, for the dense and iterative solvers. */
static void spectral_splits(uint32_t n) {
    uint32_t *lab = malloc(n * sizeof *lab);
    float *x = blobs(n, 16, 2, 0.05, lab, 11);
    hv_knn g = brute_knn(x, n, 16, 10);
    hv_umap_graph gr;
    cr_assert_eq(umap_fuzzy_graph(&g, 1.0f, 200, 2, &gr, NULL), 0);
    float *y = malloc((size_t)n * 2 * sizeof *y);
    cr_assert_eq(umap_spectral(&gr, 2, 5, NULL, 0, 2, UMAP_SPECTRAL_DENSE_MAX, UMAP_SPECTRAL_ITERS, y), 0);
    assert_finite(y, (size_t)n * 2);
    /* a threshold on axis 0 splits the labels (whichever side is which) */
    double m0 = 0, m1 = 0;
    for (uint32_t i = 0; i < n; i++) *(lab[i] ? &m1 : &m0) += y[2 * i];
    m0 /= n / 2, m1 /= n / 2;
    uint32_t ok = 0;
    for (uint32_t i = 0; i < n; i++) ok += (fabs(y[2 * i] - m0) < fabs(y[2 * i] - m1)) == (lab[i] == 0);
    cr_assert_geq(ok, n * 99 / 100, "n %u: %u of %u on the right side", n, ok, n);
    umap_graph_free(&gr);
    free_knn(&g), free(x), free(y), free(lab);
}

Test(umap_init, spectral_dense_separates_components) { spectral_splits(400); }
Test(umap_init, spectral_iterative_separates_components) { spectral_splits(1600); }

/* A symmetric CSR graph from an undirected edge list (weight 1). */
static hv_umap_graph edge_graph(uint32_t n, const uint32_t (*ed)[2], size_t m) {
    hv_umap_graph gr = {n, 2 * m, calloc(n + 1, sizeof(size_t)), malloc(2 * m * sizeof(uint32_t) + 1),
                        malloc(2 * m * sizeof(float) + 1)};
    for (size_t t = 0; t < m; t++) gr.rowptr[ed[t][0] + 1]++, gr.rowptr[ed[t][1] + 1]++;
    for (uint32_t i = 0; i < n; i++) gr.rowptr[i + 1] += gr.rowptr[i];
    size_t *fill = malloc((n + 1) * sizeof *fill);
    memcpy(fill, gr.rowptr, (n + 1) * sizeof *fill);
    for (size_t t = 0; t < m; t++) {
        gr.col[fill[ed[t][0]]] = ed[t][1], gr.w[fill[ed[t][0]]++] = 1;
        gr.col[fill[ed[t][1]]] = ed[t][0], gr.w[fill[ed[t][1]]++] = 1;
    }
    free(fill);
    return gr;
}

Test(umap_init, components_numbered_by_first_point) {
    static const uint32_t ed[][2] = {{0, 3}, {3, 6}, {1, 2}, {5, 7}};
    hv_umap_graph gr = edge_graph(8, ed, 4);
    uint32_t lab[8];
    cr_assert_eq(umap_components(&gr, lab), 4); /* {0,3,6} {1,2} {4} {5,7} */
    static const uint32_t want[8] = {0, 1, 1, 0, 2, 3, 0, 3};
    for (int i = 0; i < 8; i++) cr_assert_eq(lab[i], want[i], "point %d: piece %u, want %u", i, lab[i], want[i]);
    umap_graph_free(&gr);
}

/* Six pairs of blobs: the blobs of a pair close in the input, the pairs far
 * apart; every blob its own piece of the kNN graph.  The start puts each
 * piece apart from the others and a blob's partner nearest to it, as
 * umap-learn's multi-component start does; the whole-graph spectral start
 * cannot (eigenvalue 1 twelve times over: any mix of the pieces). */
Test(umap_init, pieces_start_apart_and_placed_by_their_centroids) {
    enum { NB = 12, PER = 60, N = NB * PER, D = 16 };
    rs = 21;
    float c[NB / 2][D], *x = malloc((size_t)N * D * sizeof *x);
    uint32_t lab[N];
    for (int p = 0; p < NB / 2; p++)
        for (int j = 0; j < D; j++) c[p][j] = (float)nrand();
    for (uint32_t i = 0; i < N; i++) {
        uint32_t b = i / PER;
        lab[i] = b;
        double nn = 0;
        for (int j = 0; j < D; j++) {
            /* the pair's second blob sits 0.25 away along its own axis */
            float v = c[b / 2][j] + (b % 2 && j == (int)(b / 2) ? 0.25f * 4 : 0) + (float)(0.02 * nrand());
            x[(size_t)i * D + j] = v;
            nn += (double)v * v;
        }
        for (int j = 0; j < D; j++) x[(size_t)i * D + j] /= (float)sqrt(nn);
    }
    hv_knn g = brute_knn(x, N, D, 10);
    hv_umap_graph gr;
    cr_assert_eq(umap_fuzzy_graph(&g, 1.0f, 200, 1, &gr, NULL), 0);
    float *y = malloc((size_t)N * 2 * sizeof *y);
    uint32_t pieces = 0;
    cr_assert_eq(umap_components_init(&gr, x, D, 2, 3, 1, true, y, &pieces), 0);
    cr_assert_eq(pieces, NB);
    assert_finite(y, (size_t)N * 2);
    cr_assert_geq(one_nn_accuracy(y, N, 2, lab), 0.999);
    cr_assert_gt(separation(y, N, 2, lab, NB), 2.0);
    double mean[NB][2] = {{0}};
    for (uint32_t i = 0; i < N; i++) mean[lab[i]][0] += y[2 * i] / PER, mean[lab[i]][1] += y[2 * i + 1] / PER;
    int partner_nearest = 0;
    for (int b = 0; b < NB; b++) {
        int best = -1;
        double bd = INFINITY;
        for (int q = 0; q < NB; q++) {
            double dx = mean[b][0] - mean[q][0], dy = mean[b][1] - mean[q][1];
            if (q != b && dx * dx + dy * dy < bd) bd = dx * dx + dy * dy, best = q;
        }
        partner_nearest += best == (b ^ 1);
    }
    cr_assert_geq(partner_nearest, 10, "%d of %d blobs start nearest to their partner", partner_nearest, NB);
    umap_graph_free(&gr);
    free_knn(&g), free(x), free(y);
}

/* Pieces of three points each: more than the dense placement handles (by
 * the centroids' principal components then), and past UMAP_COMPONENTS_MAX
 * the start is left to the whole-graph methods. */
static void many_pieces(uint32_t pieces, int want) {
    uint32_t n = 3 * pieces, d = 4;
    uint32_t(*ed)[2] = malloc((size_t)pieces * 2 * sizeof *ed);
    float *x = malloc((size_t)n * d * sizeof *x), *y = malloc((size_t)n * 2 * sizeof *y);
    rs = pieces;
    for (uint32_t p = 0; p < pieces; p++) {
        ed[2 * p][0] = 3 * p, ed[2 * p][1] = 3 * p + 1, ed[2 * p + 1][0] = 3 * p + 1, ed[2 * p + 1][1] = 3 * p + 2;
        float cen[4] = {(float)nrand(), (float)nrand(), (float)nrand(), (float)nrand()};
        for (uint32_t r = 0; r < 3; r++)
            for (uint32_t j = 0; j < d; j++) x[(size_t)(3 * p + r) * d + j] = cen[j] + (float)(0.01 * nrand());
    }
    hv_umap_graph gr = edge_graph(n, (const uint32_t(*)[2])ed, 2 * (size_t)pieces);
    uint32_t got = 0;
    cr_assert_eq(umap_components_init(&gr, x, d, 2, 1, 2, true, y, &got), want, "%u pieces", pieces);
    cr_assert_eq(got, pieces);
    if (want == 0) {
        assert_finite(y, (size_t)n * 2);
        /* a piece's points start nearer each other than any other piece's
         * (a random start: about 3 / n of them) */
        uint32_t *lab = malloc((size_t)n * sizeof *lab);
        for (uint32_t i = 0; i < n; i++) lab[i] = i / 3;
        double acc = one_nn_accuracy(y, n, 2, lab);
        cr_assert_geq(acc, 0.8, "1-NN accuracy of the pieces %f", acc);
        free(lab);
    }
    umap_graph_free(&gr);
    free(ed), free(x), free(y);
}

Test(umap_init, many_pieces_placed_by_centroid_pca) { many_pieces(2100, 0); }
Test(umap_init, too_many_pieces_left_to_whole_graph_start) { many_pieces(UMAP_COMPONENTS_MAX + 1, 1); }

/* --- layouts --------------------------------------------------------------- */

static void layout_blobs(uint32_t N, uint32_t dims, int threads, hv_umap_init init) {
    enum { D = 24, NB = 6 };
    uint32_t *lab = malloc(N * sizeof *lab);
    float *x = blobs(N, D, NB, 0.15, lab, 5);
    hv_knn g = brute_knn(x, N, D, 15);
    hv_umap_opts o = test_opts(dims);
    o.threads = threads;
    o.init = init;
    float *y = malloc((size_t)N * dims * sizeof *y);
    hv_err e = {0};
    cr_assert_eq(umap_layout(&g, x, D, &o, y, NULL, &e), 0, "%s", e.msg);
    assert_finite(y, (size_t)N * dims);
    double acc = one_nn_accuracy(y, N, dims, lab), sep = separation(y, N, dims, lab, NB);
    cr_assert_geq(acc, 0.99, "dims %u init %d: 1-NN accuracy %f", dims, init, acc);
    cr_assert_gt(sep, 4.0, "dims %u init %d: inter/intra %f", dims, init, sep);
    free_knn(&g), free(x), free(y), free(lab);
}

Test(umap_layout, blobs_stay_separated_2d) { layout_blobs(600, 2, 1, HV_UMAP_INIT_SPECTRAL); }
Test(umap_layout, blobs_stay_separated_3d) { layout_blobs(600, 3, 1, HV_UMAP_INIT_SPECTRAL); }
/* big enough for the parallel paths (UMAP_PARALLEL_MIN_EDGES) and the
 * iterative spectral solver */
Test(umap_layout, blobs_stay_separated_parallel) { layout_blobs(2000, 2, 2, HV_UMAP_INIT_SPECTRAL); }
Test(umap_layout, blobs_stay_separated_pca_init) { layout_blobs(600, 2, 1, HV_UMAP_INIT_PCA); }
Test(umap_layout, blobs_stay_separated_random_init) { layout_blobs(600, 2, 1, HV_UMAP_INIT_RANDOM); }

Test(umap_layout, trustworthiness_above_0_9) {
    enum { N = 500, D = 16 };
    uint32_t lab[N];
    /* overlapping blobs of varied spread: local structure inside clusters matters */
    float *x = blobs(N, D, 8, 0.35, lab, 9);
    hv_knn g = brute_knn(x, N, D, 15);
    hv_umap_opts o = test_opts(2);
    float *y = malloc((size_t)N * 2 * sizeof *y);
    cr_assert_eq(umap_layout(&g, x, D, &o, y, NULL, NULL), 0);
    assert_finite(y, (size_t)N * 2);
    double tw = trustworthiness(x, D, y, 2, N, 10);
    cr_assert_gt(tw, 0.9, "trustworthiness %f", tw);
    free_knn(&g), free(x), free(y);
}

/* The 3D layout the build makes: lifted from the finished 2D one, half the
 * epochs; as trustworthy as a 3D layout from scratch, blobs separated. */
Test(umap_layout, lifted_3d_matches_from_scratch) {
    enum { N = 500, D = 16 };
    uint32_t lab[N];
    float *x = blobs(N, D, 8, 0.35, lab, 9);
    hv_knn g = brute_knn(x, N, D, 15);
    hv_umap_opts o2 = test_opts(2), o3 = test_opts(3);
    float *y2 = malloc((size_t)N * 2 * sizeof *y2), *y3 = malloc((size_t)N * 3 * sizeof *y3),
          *z3 = malloc((size_t)N * 3 * sizeof *z3);
    hv_err e = {0};
    cr_assert_eq(umap_layout(&g, x, D, &o2, y2, NULL, &e), 0, "%s", e.msg);
    cr_assert_eq(umap_lift(y2, N, x, D, 1, y3, &e), 0, "%s", e.msg);
    for (uint32_t i = 0; i < N; i++) /* x and y are the 2D layout's */
        cr_assert(y3[3 * i] == y2[2 * i] && y3[3 * i + 1] == y2[2 * i + 1]);
    o3.init = HV_UMAP_INIT_GIVEN;
    o3.n_epochs = (o3.n_epochs ? o3.n_epochs : 500) / 2;
    cr_assert_eq(umap_layout(&g, x, D, &o3, y3, NULL, &e), 0, "%s", e.msg);
    assert_finite(y3, (size_t)N * 3);
    hv_umap_opts o3s = test_opts(3);
    cr_assert_eq(umap_layout(&g, x, D, &o3s, z3, NULL, &e), 0, "%s", e.msg);
    double lifted = trustworthiness(x, D, y3, 3, N, 10), scratch = trustworthiness(x, D, z3, 3, N, 10);
    cr_assert_gt(lifted, scratch - 0.01, "lifted 3D %f vs from scratch %f", lifted, scratch);
    cr_assert_gt(lifted, 0.9);
    free_knn(&g), free(x), free(y2), free(y3), free(z3);
}

/* The SGD has a 4-lane (SSE2) and an 8-lane (AVX2) kernel picked by CPU;
 * the fallback must lay out as well as the one this machine picks. */
Test(umap_layout, sse2_kernel_trustworthiness) {
    enum { N = 500, D = 16 };
    uint32_t lab[N];
    float *x = blobs(N, D, 8, 0.35, lab, 9);
    hv_knn g = brute_knn(x, N, D, 15);
    hv_umap_opts o = test_opts(3);
    float *y = malloc((size_t)N * 3 * sizeof *y), *y2 = malloc((size_t)N * 3 * sizeof *y2);
    cr_assert_eq(setenv("HV_UMAP_NO_AVX2", "1", 1), 0);
    int rc = umap_layout(&g, x, D, &o, y, NULL, NULL);
    int rc2 = umap_layout(&g, x, D, &o, y2, NULL, NULL);
    unsetenv("HV_UMAP_NO_AVX2");
    cr_assert_eq(rc, 0);
    cr_assert_eq(rc2, 0);
    cr_assert_eq(memcmp(y, y2, (size_t)N * 3 * sizeof *y), 0);
    assert_finite(y, (size_t)N * 3);
    double tw = trustworthiness(x, D, y, 3, N, 10);
    cr_assert_gt(tw, 0.9, "trustworthiness %f", tw);
    free_knn(&g), free(x), free(y), free(y2);
}

Test(umap_layout, one_thread_is_bit_identical) {
    enum { N = 1200, D = 16 };
    uint32_t lab[N];
    float *x = blobs(N, D, 5, 0.3, lab, 13);
    hv_knn g = brute_knn(x, N, D, 10);
    hv_umap_opts o = test_opts(2);
    o.n_epochs = 60;
    float *y1 = malloc((size_t)N * 2 * sizeof *y1), *y2 = malloc((size_t)N * 2 * sizeof *y2);
    cr_assert_eq(umap_layout(&g, x, D, &o, y1, NULL, NULL), 0);
    cr_assert_eq(umap_layout(&g, x, D, &o, y2, NULL, NULL), 0);
    cr_assert_eq(memcmp(y1, y2, (size_t)N * 2 * sizeof *y1), 0);
    o.seed++;
    cr_assert_eq(umap_layout(&g, x, D, &o, y2, NULL, NULL), 0);
    cr_assert_neq(memcmp(y1, y2, (size_t)N * 2 * sizeof *y1), 0, "another seed gives another layout");
    free_knn(&g), free(x), free(y1), free(y2);
}

/* Above REORDER_MIN_N points the SGD runs on points renumbered by where they
 * start: the layout still comes back in the caller's order (blobs apart,
 * each point's nearest neighbour in its own blob), and one thread stays
 * bit-identical run to run.  kNN within each blob only, so brute force
 * stays cheap at this size. */
Test(umap_layout, renumbered_run_returns_the_callers_order) {
    enum { NB = 80, PER = 256, N = NB * PER, D = 8, K = 10 };
    uint32_t *lab = malloc(N * sizeof *lab);
    float *x = blobs(N, D, NB, 0.05, lab, 17);
    hv_knn g = {N, K, malloc((size_t)N * K * sizeof(uint32_t)), malloc((size_t)N * K * sizeof(float))};
    for (uint32_t i = 0; i < N; i++) {
        uint32_t *id = g.idx + (size_t)i * K;
        float *ds = g.dist + (size_t)i * K;
        for (uint32_t t = 0; t < K; t++) id[t] = HV_KNN_NONE, ds[t] = INFINITY;
        for (uint32_t j = i % NB; j < N; j += NB) { /* blob l holds the points i % NB == l */
            if (j == i) continue;
            float dd = cosdist(x, D, i, j);
            if (dd >= ds[K - 1]) continue;
            uint32_t t = K - 1;
            while (t > 0 && ds[t - 1] > dd) ds[t] = ds[t - 1], id[t] = id[t - 1], t--;
            ds[t] = dd, id[t] = j;
        }
    }
    hv_umap_opts o = test_opts(2);
    o.n_epochs = 30;
    float *y1 = malloc((size_t)N * 2 * sizeof *y1), *y2 = malloc((size_t)N * 2 * sizeof *y2);
    cr_assert_eq(umap_layout(&g, x, D, &o, y1, NULL, NULL), 0);
    assert_finite(y1, (size_t)N * 2);
    double acc = one_nn_accuracy(y1, N, 2, lab);
    cr_assert_geq(acc, 0.99, "1-NN accuracy %f", acc);
    cr_assert_eq(umap_layout(&g, x, D, &o, y2, NULL, NULL), 0);
    cr_assert_eq(memcmp(y1, y2, (size_t)N * 2 * sizeof *y1), 0);
    free_knn(&g), free(x), free(y1), free(y2), free(lab);
}

/* --- edge cases ------------------------------------------------------------ */

Test(umap_edge, tiny_inputs) {
    for (uint32_t n = 0; n <= 6; n++) {
        uint32_t lab[6];
        float *x = blobs(n ? n : 1, 8, 2, 0.1, lab, 17);
        hv_knn g = brute_knn(x, n, 8, 4); /* k > n - 1 for small n: padded rows */
        for (uint32_t dims = 1; dims <= 3; dims++) {
            hv_umap_opts o = test_opts(dims);
            o.n_epochs = 50;
            float y[18];
            hv_err e = {0};
            cr_assert_eq(umap_layout(&g, x, 8, &o, y, NULL, &e), 0, "n %u dims %u: %s", n, dims, e.msg);
            assert_finite(y, (size_t)n * dims);
        }
        free_knn(&g), free(x);
    }
}

Test(umap_edge, isolated_points_stay_finite) {
    enum { N = 200, D = 8, K = 8 };
    uint32_t lab[N];
    float *x = blobs(N, D, 2, 0.1, lab, 19);
    hv_knn g = brute_knn(x, N, D, K);
    /* every 10th point has no neighbours at all (and nobody points to it) */
    for (uint32_t i = 0; i < N; i++)
        for (uint32_t t = 0; t < K; t++) {
            size_t s = (size_t)i * K + t;
            if (i % 10 == 0 || (g.idx[s] != HV_KNN_NONE && g.idx[s] % 10 == 0)) g.idx[s] = HV_KNN_NONE, g.dist[s] = INFINITY;
        }
    /* keep rows ascending: move padding to the end */
    for (uint32_t i = 0; i < N; i++) {
        uint32_t m = 0;
        for (uint32_t t = 0; t < K; t++)
            if (g.idx[(size_t)i * K + t] != HV_KNN_NONE)
                g.idx[(size_t)i * K + m] = g.idx[(size_t)i * K + t], g.dist[(size_t)i * K + m] = g.dist[(size_t)i * K + t], m++;
        for (; m < K; m++) g.idx[(size_t)i * K + m] = HV_KNN_NONE, g.dist[(size_t)i * K + m] = INFINITY;
    }
    for (int init = 0; init < 3; init++)
        for (int threads = 1; threads <= 2; threads++) {
            hv_umap_opts o = test_opts(2);
            o.init = (hv_umap_init)init;
            o.threads = threads;
            float y[N * 2];
            hv_err e = {0};
            cr_assert_eq(umap_layout(&g, x, D, &o, y, NULL, &e), 0, "%s", e.msg);
            assert_finite(y, N * 2);
        }
    free_knn(&g), free(x);
}

Test(umap_edge, all_isolated_and_bad_graphs) {
    enum { N = 50, K = 5 };
    hv_knn g = {N, K, malloc(N * K * sizeof(uint32_t)), malloc(N * K * sizeof(float))};
    for (size_t s = 0; s < N * K; s++) g.idx[s] = HV_KNN_NONE, g.dist[s] = INFINITY;
    hv_umap_opts o = test_opts(2);
    float y[N * 2];
    cr_assert_eq(umap_layout(&g, NULL, 0, &o, y, NULL, NULL), 0, "no edges: random layout");
    assert_finite(y, N * 2);
    /* PCA init without vectors is a usage error */
    o.init = HV_UMAP_INIT_PCA;
    hv_err e = {0};
    cr_assert_eq(umap_layout(&g, NULL, 0, &o, y, NULL, &e), HV_EINPUT);
    o.init = HV_UMAP_INIT_SPECTRAL;
    g.idx[3] = N + 5, g.dist[3] = 0.5f;
    cr_assert_eq(umap_layout(&g, NULL, 0, &o, y, NULL, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "out of range"), "%s", e.msg);
    g.idx[3] = 1, g.dist[3] = NAN;
    cr_assert_eq(umap_layout(&g, NULL, 0, &o, y, NULL, &e), HV_EINPUT);
    o.dims = 0;
    cr_assert_eq(umap_layout(&g, NULL, 0, &o, y, NULL, &e), HV_EINPUT);
    free_knn(&g);
}
