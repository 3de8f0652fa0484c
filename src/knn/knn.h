/* knn.h - the k-nearest-neighbour graph of the embedding vectors.
 *
 * Vectors are L2-normalised rows of a row-major n x d float matrix; the
 * distance is cosine distance, 1 - dot(a, b).  The graph holds, for every
 * row, its k nearest other rows sorted by increasing distance (a row is
 * never its own neighbour).  Rows with fewer than k reachable neighbours
 * pad with idx = HV_KNN_NONE and dist = INFINITY.
 *
 * knn_exact: blocked GEMM (OpenBLAS sgemm) over all pairs: O(n^2 d), used
 * for small n and as ground truth in tests and benchmarks.
 * knn_nndescent: approximate all-neighbours NN-descent (Dong et al. 2011)
 * started from random-projection-tree leaves, OpenMP-parallel.
 * knn_build: exact when n <= opts->exact_max_n, else NN-descent.
 *
 * Notes added with the implementation (src/knn/):
 * - Non-finite input values are rejected with HV_EINPUT; k must be 1..4096,
 *   d 1..65536.  On error *out is zeroed (knn_free on it is harmless).
 * - knn_nndescent hands small inputs (n <= 4(k+1) or n <= 2*leaf_size) to
 *   knn_exact.  Defaults: leaf_size max(30, k+1), n_trees 4 + n^0.25/4
 *   capped at 8, max_iters max(5, log2 n), max_candidates min(k, 60).
 * - NN-descent works on a copy of the vectors in RP-tree order (for cache
 *   locality), so it needs about n*(4d + 8k + 8*max_candidates + k + 20)
 *   bytes besides the input: ~1.6 GiB for 1.86M x 96, k=30.
 * - threads=1 with a fixed seed gives a bit-identical graph on a given
 *   machine (the distance kernel picks AVX2+FMA or SSE2 at load time). */
#ifndef HV_KNN_H
#define HV_KNN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/progress.h"

#define HV_KNN_NONE UINT32_MAX

typedef struct hv_knn {
    uint32_t n, k;
    uint32_t *idx; /* n * k */
    float *dist;   /* n * k, ascending per row */
} hv_knn;

typedef struct hv_knn_opts {
    uint32_t k;           /* neighbours per row (default 30) */
    uint64_t seed;        /* same seed + threads=1 -> same graph */
    int threads;          /* 0 = all cores */
    uint32_t exact_max_n; /* knn_build uses exact search up to this n (default 20000) */
    uint32_t n_trees;     /* RP trees for the initial graph (0 = auto) */
    uint32_t leaf_size;   /* RP-tree leaf size (0 = auto) */
    uint32_t max_iters;   /* NN-descent iterations (0 = auto) */
    float delta;          /* stop when fewer than delta*n*k updates happen (0 = 0.001) */
    /* Added by the knn module: NN-descent samples at most this many new and
     * this many old candidates per row and iteration (0 = auto); the local
     * join costs O(max_candidates^2) per row, so this is the speed knob. */
    uint32_t max_candidates;
} hv_knn_opts;

void knn_opts_default(hv_knn_opts *o);

int knn_exact(const float *x, uint32_t n, uint32_t d, const hv_knn_opts *o, hv_knn *out, hv_progress *p, hv_err *e);
int knn_nndescent(const float *x, uint32_t n, uint32_t d, const hv_knn_opts *o, hv_knn *out, hv_progress *p,
                  hv_err *e);
int knn_build(const float *x, uint32_t n, uint32_t d, const hv_knn_opts *o, hv_knn *out, hv_progress *p, hv_err *e);
void knn_free(hv_knn *g);

/* Mean fraction of the true k neighbours found (recall@k), over rows.
 * Rows of truth without any neighbour are skipped; -1 when the two graphs
 * differ in n. */
double knn_recall(const hv_knn *approx, const hv_knn *truth);

#endif
