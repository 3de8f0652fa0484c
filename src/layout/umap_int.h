/* umap_int.h - the stages of umap_layout, exposed for unit tests.
 *
 * Not part of the public API.  The stages follow umap-learn 0.5 (and
 * umappp): smooth kNN distances -> membership strengths -> fuzzy union ->
 * initial layout -> SGD epochs.  Each stage has its own file. */
#ifndef HV_UMAP_INT_H
#define HV_UMAP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout/umap.h"

/* Above this many points the default spectral init gives way to PCA of the
 * input vectors (see umap_init_layout). */
#define UMAP_SPECTRAL_MAX_N 250000u

/* Graphs (or pieces of one) up to this many points get an exact dense
 * eigen-decomposition in the spectral init, larger ones block iterations. */
#define UMAP_SPECTRAL_DENSE_MAX 1000u

/* Block iterations of the iterative spectral solver for a whole graph (a
 * piece of one, started from its principal components, needs fewer) */
#define UMAP_SPECTRAL_ITERS 40u

/* The symmetric fuzzy graph in CSR form, rows in point order, columns
 * ascending within a row.  Both directions of every undirected edge are
 * stored, as umap-learn's COO graph holds them: the SGD visits each
 * direction once per sampling. */
typedef struct hv_umap_graph {
    uint32_t n;
    size_t nnz;
    size_t *rowptr; /* n + 1 */
    uint32_t *col;  /* nnz */
    float *w;       /* nnz, in (0, 1] */
} hv_umap_graph;

/* umap-learn's smooth_knn_dist for one row of m ascending distances (INFINITY
 * entries are ignored).  target is log2(k); mean_all the mean of all finite
 * distances in the graph, for the MIN_K_DIST_SCALE floor. */
void umap_smooth_row(const float *dist, uint32_t m, float local_connectivity, double target, double mean_all,
                     float *rho, float *sigma);

/* Membership strengths and fuzzy union (w = a + b - ab) of the kNN graph.
 * Edges below max_w / n_epochs are dropped as umap-learn does before both
 * the initialisation and the SGD; n_epochs = 0 keeps every edge. */
int umap_fuzzy_graph(const hv_knn *g, float local_connectivity, uint32_t n_epochs, int threads,
                     hv_umap_graph *out, hv_err *e);
void umap_graph_free(hv_umap_graph *gr);

/* Initial layout into out (n * dims), already rescaled to [0, 10] per axis
 * as umap-learn does before the SGD.  *used gets the method that ran (the
 * spectral init falls back to PCA when x is given, else to random);
 * *components (may be NULL) the number of connected pieces of the graph
 * when the spectral init looked at them, else 1. */
int umap_init_layout(const hv_umap_graph *gr, const float *x, uint32_t d, const hv_umap_opts *o, int threads,
                     float *out, hv_umap_init *used, uint32_t *components, hv_err *e);

/* The spectral part alone: n * dims eigenvector coordinates (unscaled).
 * x (may be NULL) seeds the iterative solver with principal components;
 * graphs of at most dense_max points are solved exactly, larger ones with
 * iters block iterations.  Returns 0, or -1 when the eigen-solve did not
 * give usable vectors. */
int umap_spectral(const hv_umap_graph *gr, uint32_t dims, uint64_t seed, const float *x, uint32_t d, int threads,
                  uint32_t dense_max, uint32_t iters, float *out);

/* Principal-component coordinates (unscaled, n * dims) of the rows of x;
 * -1 when they cannot be computed. */
int umap_pca(const float *x, uint32_t n, uint32_t d, uint32_t dims, int threads, float *out);

/* Connected pieces of the graph: label[i] in [0, count), numbered in the
 * order of their first point.  Returns the count. */
uint32_t umap_components(const hv_umap_graph *gr, uint32_t *label);

/* The start of a graph in several pieces, as umap-learn's
 * multi_component_layout: unscaled n * dims coordinates into out.  *count
 * gets the number of pieces.  Returns 0 when it laid them out; 1 when it
 * does not apply (one piece, more than UMAP_COMPONENTS_MAX pieces, or no
 * vectors to place them by) or could not run: the caller then starts the
 * graph as a whole. */
#define UMAP_COMPONENTS_MAX 16384u
int umap_components_init(const hv_umap_graph *gr, const float *x, uint32_t d, uint32_t dims, uint64_t seed,
                         int threads, bool spectral_within, float *out, uint32_t *count);

/* SGD epochs over gr (weights are read, not changed). */
int umap_optimize(const hv_umap_graph *gr, const hv_umap_opts *o, uint32_t n_epochs, float a, float b,
                  int threads, float *emb, hv_progress *p, hv_err *e);

/* Random numbers for the layout: splitmix64 streams. */
static inline uint64_t umap_mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline uint64_t umap_stream(uint64_t seed, uint64_t a, uint64_t b) {
    return umap_mix64(seed * 0x9E3779B97F4A7C15ull ^ umap_mix64(a + 0x632BE59BD9B4E019ull) ^
                      umap_mix64(b * 0xD1B54A32D192ED03ull + 1));
}

static inline uint64_t umap_next(uint64_t *s) {
    *s += 0x9E3779B97F4A7C15ull;
    return umap_mix64(*s);
}

/* [0, 1) with 53 random bits. */
static inline double umap_unit(uint64_t *s) { return (double)(umap_next(s) >> 11) * 0x1.0p-53; }

int umap_threads(int requested);

/* Below this many graph edges a parallel epoch costs more in OpenMP
 * barriers (200-500 of them, on shared cores) than it saves: run on one
 * thread. */
#define UMAP_PARALLEL_MIN_EDGES 32768

#endif
