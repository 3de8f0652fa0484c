/* kmeans.h - k-means on the embedding vectors, and cluster labels.
 *
 * k-means++ seeding, Lloyd iterations with the distance work done as one
 * sgemm per block (||x||^2 - 2 x.c + ||c||^2), mini-batch updates when n
 * is large.  Deterministic for a seed at threads = 1. */
#ifndef HV_KMEANS_H
#define HV_KMEANS_H

#include <stdint.h>

#include "catalog/catalog.h"
#include "core/err.h"
#include "core/progress.h"

typedef struct hv_kmeans_opts {
    uint32_t k;          /* 0 = automatic (see kmeans_auto_k) */
    uint32_t max_iter;   /* 0 = 50 (Lloyd) / 200 batches (mini-batch) */
    uint32_t batch;      /* mini-batch size; 0 = auto; used when n > minibatch_above */
    uint32_t minibatch_above; /* 0 = 200000 */
    uint64_t seed;
    int threads;         /* 0 = all cores */
} hv_kmeans_opts;

void kmeans_opts_default(hv_kmeans_opts *o);
/* The default k for n points: about sqrt(n / 2), clamped to [2, 256]. */
uint32_t kmeans_auto_k(uint32_t n);

typedef struct hv_kmeans {
    uint32_t k, d;
    float *centroids;  /* k * d */
    uint32_t *assign;  /* n: cluster of each row */
    uint32_t *size;    /* k */
    double inertia;    /* sum of squared distances to the assigned centroid */
} hv_kmeans;

int kmeans_run(const float *x, uint32_t n, uint32_t d, const hv_kmeans_opts *o, hv_kmeans *out, hv_progress *p,
               hv_err *e);
void kmeans_free(hv_kmeans *km);

/* A human-readable label per cluster from its most distinctive tags,
 * pipelines and libraries (c-TF-IDF: term frequency in the cluster times
 * log(1 + mean terms per cluster / term frequency over all clusters)).
 * labels[c] is a malloc'd string like "text-generation · peft · llama"
 * (at most nterms terms); free with cluster_labels_free. */
int cluster_labels(const hv_catalog *c, const uint32_t *assign, uint32_t k, uint32_t nterms, char ***labels,
                   hv_err *e);
void cluster_labels_free(char **labels, uint32_t k);

#endif
