/* dot.c - the dot-product kernels behind every kNN distance.
 *
 * Four dot products at a time: each gets its own vector accumulator, so the
 * FMA latency chain of one long reduction does not bound the throughput.
 * `omp simd reduction` lets the compiler reassociate the sums (no
 * -ffast-math needed).  target_clones builds an x86-64-v3 (AVX2+FMA) copy
 * next to the baseline one and picks at load time, so the project keeps its
 * portable -O2 flags while NN-descent runs at AVX2 speed where it can. */
#include "knn/knn_int.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define KNN_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define KNN_CLONES
#endif

static inline void dot4(const float *a, const float *b0, const float *b1, const float *b2, const float *b3,
                        size_t d, float *out) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#pragma omp simd reduction(+ : s0, s1, s2, s3)
    for (size_t t = 0; t < d; t++) {
        s0 += a[t] * b0[t];
        s1 += a[t] * b1[t];
        s2 += a[t] * b2[t];
        s3 += a[t] * b3[t];
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
}

static inline float dot1(const float *a, const float *b, size_t d) {
    float s = 0;
#pragma omp simd reduction(+ : s)
    for (size_t t = 0; t < d; t++) s += a[t] * b[t];
    return s;
}

KNN_CLONES
void knn_dots_rows(const float *a, const float *x, size_t d, const uint32_t *rows, uint32_t m, float *out) {
    uint32_t t = 0;
    for (; t + 4 <= m; t += 4)
        dot4(a, x + rows[t] * d, x + rows[t + 1] * d, x + rows[t + 2] * d, x + rows[t + 3] * d, d, out + t);
    for (; t < m; t++) out[t] = dot1(a, x + rows[t] * d, d);
}

KNN_CLONES
void knn_dots_block(const float *a, const float *b, size_t d, uint32_t m, float *out) {
    uint32_t t = 0;
    for (; t + 4 <= m; t += 4) dot4(a, b + t * d, b + (t + 1) * d, b + (t + 2) * d, b + (t + 3) * d, d, out + t);
    for (; t < m; t++) out[t] = dot1(a, b + t * d, d);
}

/* The same with software prefetch a few rows ahead, for one pass over rows
 * scattered through memory (RP-tree splits): there each row is a cache miss
 * and the hardware prefetcher cannot guess the next address. */
KNN_CLONES
void knn_dots_rows_stream(const float *a, const float *x, size_t d, const uint32_t *rows, uint32_t m, float *out) {
    enum { AHEAD = 8 };
    uint32_t t = 0;
    for (; t + 4 <= m; t += 4) {
        for (uint32_t u = t + AHEAD; u < t + AHEAD + 4 && u < m; u++) knn_prefetch_row(x + rows[u] * d, d);
        dot4(a, x + rows[t] * d, x + rows[t + 1] * d, x + rows[t + 2] * d, x + rows[t + 3] * d, d, out + t);
    }
    for (; t < m; t++) out[t] = dot1(a, x + rows[t] * d, d);
}
