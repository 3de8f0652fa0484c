/* knn_int.h - what the kNN files share: bounded per-row max-heaps in flat
 * arrays, the dot-product kernel, a counter-based random stream, argument
 * checks and the final per-row sort.
 *
 * A row's heap is k (idx, dist) slots of the output arrays themselves, with
 * the largest distance at slot 0, so the graph under construction costs no
 * memory beyond the result.  Empty slots hold HV_KNN_NONE / INFINITY and so
 * sit at the top of the heap until real neighbours push them out. */
#ifndef HV_KNN_INT_H
#define HV_KNN_INT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "knn/knn.h"

/* Limits on arguments: far above any use (k=30, d<=1024 for embeddings) yet
 * small enough that n*k and n*d cannot overflow size_t arithmetic. */
#define KNN_MAX_K 4096u
#define KNN_MAX_D 65536u

/* Cosine distance from a dot product of unit vectors.  Rounding can make
 * 1 - dot slightly negative for duplicates; clamping keeps distances valid. */
static inline float knn_dist_of_dot(float dot) {
    float dist = 1.0f - dot;
    return dist > 0.0f ? dist : 0.0f;
}

/* splitmix64 finaliser: counter-based randomness, so a value depends on
 * (seed, purpose, position) and never on which thread drew it first. */
static inline uint64_t knn_mix(uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline uint64_t knn_hash3(uint64_t a, uint64_t b, uint64_t c) {
    return knn_mix(a ^ knn_mix(b ^ knn_mix(c)));
}

/* [0, m) for m > 0 from 64 random bits (multiply-shift). */
static inline uint32_t knn_below(uint64_t r, uint32_t m) {
    return (uint32_t)(((unsigned __int128)r * m) >> 64);
}

/* Replace the root of a full max-heap of k slots by (j, dist) and restore
 * the heap order.  The caller has checked dist < dist[0]. */
static inline void knn_heap_replace_root(uint32_t *idx, float *dist, uint8_t *flag, uint32_t k, uint32_t j,
                                         float dj, uint8_t fj) {
    uint32_t pos = 0;
    for (;;) {
        uint32_t c = 2 * pos + 1;
        if (c >= k) break;
        if (c + 1 < k && dist[c + 1] > dist[c]) c++;
        if (dist[c] <= dj) break;
        idx[pos] = idx[c];
        dist[pos] = dist[c];
        if (flag) flag[pos] = flag[c];
        pos = c;
    }
    idx[pos] = j;
    dist[pos] = dj;
    if (flag) flag[pos] = fj;
}

/* Push (j, dj) into a row heap unless it is no better than the worst slot
 * or already present.  Returns 1 when the heap changed. */
static inline int knn_heap_push_unique(uint32_t *idx, float *dist, uint8_t *flag, uint32_t k, uint32_t j,
                                       float dj, uint8_t fj) {
    if (!(dj < dist[0])) return 0;
    /* no early exit: a branch-free scan vectorises, and most offers that
     * get this far are of rows already present (neighbours of neighbours
     * are often neighbours already), so the scan usually runs anyway */
    int seen = 0;
#pragma omp simd reduction(| : seen)
    for (uint32_t t = 0; t < k; t++) seen |= idx[t] == j;
    if (seen) return 0;
    knn_heap_replace_root(idx, dist, flag, k, j, dj, fj);
    return 1;
}

/* Ask for a row's cache lines before they are needed: NN-descent reads
 * rows in an order no hardware prefetcher can predict, and with millions of
 * rows each one is otherwise a trip to DRAM. */
static inline void knn_prefetch_row(const float *r, size_t d) {
    for (size_t c = 0; c < d; c += 16) __builtin_prefetch(r + c);
}

/* out[t] = dot(a, x + rows[t]*d) for t < m.  Built in an AVX2+FMA and a
 * baseline clone, picked at load time: the default -O2 build targets plain
 * x86-64, and these dot products are most of NN-descent's arithmetic. */
void knn_dots_rows(const float *a, const float *x, size_t d, const uint32_t *rows, uint32_t m, float *out);
/* knn_dots_rows with software prefetch ahead: for a single pass over rows
 * scattered through memory. */
void knn_dots_rows_stream(const float *a, const float *x, size_t d, const uint32_t *rows, uint32_t m, float *out);
/* out[t] = dot(a, b + t*d) for t < m (contiguous rows). */
void knn_dots_block(const float *a, const float *b, size_t d, uint32_t m, float *out);

/* Check arguments and allocate out (every slot empty).  Returns HV_OK or an
 * error with e filled; out is zeroed on error so knn_free is safe. */
int knn_alloc_checked(const float *x, uint32_t n, uint32_t d, const hv_knn_opts *o, hv_knn *out, hv_err *e);
/* Sort every row by (dist, idx) ascending; empty slots go last. */
void knn_sort_rows(hv_knn *g, int threads);
/* Threads to use: o->threads, or every core when 0. */
int knn_threads(const hv_knn_opts *o);

#endif
