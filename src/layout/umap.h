/* umap.h - UMAP (McInnes, Healy, Melville 2018) in C, staged like umappp:
 * kNN graph -> fuzzy simplicial set -> initial layout -> SGD epochs.
 *
 * Defaults are the ones the original hf-viz used: n_neighbors = 30
 * (the graph's k), min_dist = 0.3, spread = 1.5, cosine distances;
 * n_epochs = 500 for n <= 10000, else 200 (as umap-learn).  a and b are
 * fitted from min_dist and spread as umap-learn's find_ab_params does.
 * threads = 1 with a fixed seed is deterministic; more threads run the SGD
 * Hogwild-style (lock-free, results vary run to run, as umap-learn's
 * parallel mode). */
#ifndef HV_UMAP_H
#define HV_UMAP_H

#include <stdint.h>

#include "core/err.h"
#include "core/progress.h"
#include "knn/knn.h"

typedef enum hv_umap_init {
    HV_UMAP_INIT_SPECTRAL = 0, /* eigenvectors of the graph Laplacian (falls back to PCA if it fails;
                                  above 250k points PCA when the vectors are given: see umap_init.c) */
    HV_UMAP_INIT_PCA,          /* top principal components of the input vectors, scaled */
    HV_UMAP_INIT_RANDOM,
    HV_UMAP_INIT_GIVEN         /* out already holds a start layout (umap_lift: a 2D layout made 3D) */
} hv_umap_init;

typedef struct hv_umap_opts {
    uint32_t dims;        /* 2 or 3 (any >= 1 works) */
    float min_dist;       /* 0.3 */
    float spread;         /* 1.5 */
    uint32_t n_epochs;    /* 0 = auto */
    float learning_rate;  /* 1.0 */
    uint32_t negative_sample_rate; /* 5 */
    float repulsion_strength;      /* 1.0 */
    float local_connectivity;      /* 1.0 */
    hv_umap_init init;
    uint64_t seed;
    int threads;          /* 0 = all cores; 1 = deterministic */
} hv_umap_opts;

void umap_opts_default(hv_umap_opts *o);

/* Lay out the graph's n points.  x (n x d, may be NULL unless init is PCA or
 * spectral falls back to it) are the vectors the graph was built from.
 * out: n * dims floats, row-major. */
int umap_layout(const hv_knn *g, const float *x, uint32_t d, const hv_umap_opts *o, float *out, hv_progress *p,
                hv_err *e);

/* A start for a 3D layout from a finished 2D one (n x 2): x and y as they
 * are, z the input vectors' third principal component (the first two are
 * what the 2D layout already spreads out), each axis then scaled as any
 * start is.  With it, the 3D layout needs fewer epochs than from scratch
 * (UMAP_LIFT_EPOCHS; bench/umap/README.md measures the trade).  x may be NULL
 * (z is then small noise). */
int umap_lift(const float *xy, uint32_t n, const float *x, uint32_t d, int threads, float *out3, hv_err *e);
#define UMAP_LIFT_EPOCHS 100

/* The a, b of the output curve 1 / (1 + a d^(2b)) for min_dist and spread. */
void umap_find_ab(float spread, float min_dist, float *a, float *b);

#endif
