/* umap_sgd.c - the SGD epochs (umap-learn's optimize_layout_euclidean).
 *
 * Each directed edge e = (i, j) of weight w is sampled every max_w / w
 * epochs: it pulls i and j together along the curve 1 / (1 + a d^2b) and
 * then pushes i away from negative_sample_rate random points per sampling.
 * Gradients are clipped to [-4, 4] and the learning rate decays linearly.
 *
 * Parallelism: rows are cut into fixed blocks; each (epoch, block) pair has
 * its own random stream, so the random numbers do not depend on the thread
 * count.  One thread is therefore fully deterministic; several threads run
 * Hogwild (unsynchronised writes, as umap-learn's parallel mode), where
 * only the interleaving of updates differs between runs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout/umap_int.h"

#define SGD_BLOCK_ROWS 512u
#define GRAD_CLIP 4.0f

typedef union {
    float f;
    uint32_t u;
} fbits;

/* log2 of a positive normal float: the exponent bits plus a degree-5
 * least-squares polynomial of log2 on the mantissa in [1, 2) (max error
 * 3e-5).  The result is only ever multiplied by b - 1 (small: 0.003 for
 * min_dist 0.3, spread 1.5), so the error of d^(2(b-1)) stays below 1e-5
 * relative. */
static inline float fast_log2(float x) {
    fbits v = {.f = x};
    float ex = (float)((int)((v.u >> 23) & 255) - 127);
    v.u = (v.u & 0x7fffffu) | 0x3f800000u;
    float t = v.f - 1.5f;
    float p = 0.58495428f +
              t * (0.96181478f + t * (-0.31991936f + t * (0.14184874f + t * (-0.07915037f + t * 0.04342891f))));
    return ex + p;
}

/* 2^y: integer part into the exponent bits, a degree-5 fit of 2^f for the
 * fraction f in [-0.5, 0.5] (error 2.3e-7 relative). */
static inline float fast_exp2(float y) {
    y = y < -126.0f ? -126.0f : y;
    y = y > 126.0f ? 126.0f : y;
    /* y + 128.5 > 0, so truncation is floor: no libm call on baseline x86-64 */
    int ri = (int)(y + 128.5f) - 128;
    float f = y - (float)ri;
    float p = 1.0000001f +
              f * (0.69314720f + f * (0.24022212f + f * (0.05550341f + f * (0.00967077f + f * 0.00133953f))));
    fbits v = {.u = (uint32_t)(ri + 127) << 23};
    return p * v.f;
}

/* x^y for x > 0 (x is a squared distance: denormals are lifted to the
 * smallest normal, where the gradient has long been clipped anyway) */
static inline float fast_pow(float x, float y) {
    x = x < 1.17549435e-38f ? 1.17549435e-38f : x;
    return fast_exp2(y * fast_log2(x));
}

/* two separate selects so the compiler emits minss/maxss, not branches */
static inline float clip(float v) {
    v = v > GRAD_CLIP ? GRAD_CLIP : v;
    v = v < -GRAD_CLIP ? -GRAD_CLIP : v;
    return v;
}

/* Four lanes of the same maths for the negative samples (GCC vector
 * extensions: SSE2 on baseline x86-64, NEON on arm64). */
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));
typedef uint32_t v4u __attribute__((vector_size(16)));

static inline v4f v_sel(v4i m, v4f a, v4f b) { return (v4f)(((v4i)a & m) | ((v4i)b & ~m)); }
static inline v4f v_splat(float x) { return (v4f){x, x, x, x}; }

static inline v4f v_pow(v4f x, float y) {
    x = v_sel(x < v_splat(1.17549435e-38f), v_splat(1.17549435e-38f), x);
    v4u u = (v4u)x;
    v4f ex = __builtin_convertvector((v4i)((u >> 23) & 255u) - 127, v4f);
    v4f t = (v4f)((u & 0x7fffffu) | 0x3f800000u) - 1.5f;
    v4f l2 = ex + (0.58495428f +
                   t * (0.96181478f + t * (-0.31991936f + t * (0.14184874f + t * (-0.07915037f + t * 0.04342891f)))));
    v4f z = l2 * y;
    z = v_sel(z < v_splat(-126.0f), v_splat(-126.0f), z);
    z = v_sel(z > v_splat(126.0f), v_splat(126.0f), z);
    v4i ri = __builtin_convertvector(z + 128.5f, v4i) - 128;
    v4f f = z - __builtin_convertvector(ri, v4f);
    v4f p = 1.0000001f +
            f * (0.69314720f + f * (0.24022212f + f * (0.05550341f + f * (0.00967077f + f * 0.00133953f))));
    return p * (v4f)((ri + 127) << 23);
}

static inline v4f v_clip(v4f v) {
    v = v_sel(v > v_splat(GRAD_CLIP), v_splat(GRAD_CLIP), v);
    return v_sel(v < v_splat(-GRAD_CLIP), v_splat(-GRAD_CLIP), v);
}

typedef struct sgd_ctx {
    const hv_umap_graph *gr;
    float *emb;
    float *next, *next_neg;
    float a, b, bm1, gamma, maxw, nsr;
    uint64_t seed;
} sgd_ctx;

/* One block of rows for one epoch.  Inlined per dims so the inner loops over
 * coordinates unroll for 2 and 3. */
static inline __attribute__((always_inline)) void sgd_block(const sgd_ctx *c, uint32_t r0, uint32_t r1,
                                                           uint32_t epoch, float alpha, const uint32_t dims) {
    const hv_umap_graph *gr = c->gr;
    const uint32_t n = gr->n;
    const float a = c->a, b = c->b, bm1 = c->bm1, fe = (float)epoch;
    uint64_t rng = umap_stream(c->seed, epoch, r0 / SGD_BLOCK_ROWS);
    float *emb = c->emb;
    /* negative samples are drawn one ahead so the random row is already on
     * its way from memory when it is needed (at 1.86M points the layout is
     * far bigger than L2) */
    uint32_t pend = (uint32_t)(((umap_next(&rng) >> 32) * (uint64_t)n) >> 32);
    for (uint32_t i = r0; i < r1; i++) {
        float *cur = emb + (size_t)i * dims;
        for (size_t e = gr->rowptr[i]; e < gr->rowptr[i + 1]; e++) {
            if (c->next[e] > fe) continue;
            uint32_t j = gr->col[e];
            if (e + 4 < gr->rowptr[i + 1]) __builtin_prefetch(emb + (size_t)gr->col[e + 4] * dims);
            float *oth = emb + (size_t)j * dims;
            float d2 = 0;
            for (uint32_t t = 0; t < dims; t++) {
                float df = cur[t] - oth[t];
                d2 += df * df;
            }
            if (d2 > 0) {
                float pw = fast_pow(d2, bm1); /* d^(2(b-1)); d^2b = d2 * pw */
                float gc = -2 * a * b * pw / (a * d2 * pw + 1);
                for (uint32_t t = 0; t < dims; t++) {
                    float g = clip(gc * (cur[t] - oth[t])) * alpha;
                    cur[t] += g;
                    oth[t] -= g;
                }
            }
            float eps = c->maxw / gr->w[e];
            c->next[e] += eps;
            if (c->nsr <= 0) continue;
            float eps_neg = eps / c->nsr;
            int n_neg = (int)((fe - c->next_neg[e]) / eps_neg);
            /* The repulsions of one sampling all see cur as it is after the
             * attraction and are summed before cur moves: each is still
             * clipped on its own, but the evaluations no longer wait on
             * each other, which lets the CPU overlap them (umap-learn moves
             * cur after each one; the difference is second order in alpha). */
            float acc[dims];
            for (uint32_t t = 0; t < dims; t++) acc[t] = 0;
            for (int q0 = 0; q0 < n_neg; q0 += 4) {
                uint32_t ks[4];
                v4i valid = {0, 0, 0, 0}, self = {0, 0, 0, 0};
                for (int l = 0; l < 4; l++) {
                    ks[l] = i;
                    if (q0 + l >= n_neg) continue;
                    ks[l] = pend;
                    pend = (uint32_t)(((umap_next(&rng) >> 32) * (uint64_t)n) >> 32);
                    __builtin_prefetch(emb + (size_t)pend * dims);
                    valid[l] = -1;
                    self[l] = ks[l] == i ? -1 : 0;
                }
                v4f df[dims], nd2 = v_splat(0);
                for (uint32_t t = 0; t < dims; t++) {
                    v4f nt = {emb[(size_t)ks[0] * dims + t], emb[(size_t)ks[1] * dims + t],
                              emb[(size_t)ks[2] * dims + t], emb[(size_t)ks[3] * dims + t]};
                    df[t] = cur[t] - nt;
                    nd2 += df[t] * df[t];
                }
                v4f pw = v_pow(nd2, bm1);
                v4f gc = (2 * c->gamma * b) / ((0.001f + nd2) * (a * nd2 * pw + 1));
                v4i pos = nd2 > v_splat(0);
                /* coincident points: umap-learn pushes by the clip value
                 * (unless the sample is the point itself) */
                v4i push = ~pos & ~self & valid;
                pos &= valid;
                for (uint32_t t = 0; t < dims; t++) {
                    v4f g = v_sel(pos, v_clip(gc * df[t]), v_sel(push, v_splat(GRAD_CLIP), v_splat(0)));
                    acc[t] += (g[0] + g[1]) + (g[2] + g[3]);
                }
            }
            for (uint32_t t = 0; t < dims; t++) cur[t] += acc[t] * alpha;
            if (n_neg > 0) c->next_neg[e] += (float)n_neg * eps_neg;
        }
    }
}

static void sgd_block_any(const sgd_ctx *c, uint32_t r0, uint32_t r1, uint32_t epoch, float alpha, uint32_t dims) {
    switch (dims) {
    case 2: sgd_block(c, r0, r1, epoch, alpha, 2); break;
    case 3: sgd_block(c, r0, r1, epoch, alpha, 3); break;
    default: sgd_block(c, r0, r1, epoch, alpha, dims); break;
    }
}

int umap_optimize(const hv_umap_graph *gr, const hv_umap_opts *o, uint32_t n_epochs, float a, float b,
                  int threads, float *emb, hv_progress *p, hv_err *e) {
    size_t nnz = gr->nnz;
    float maxw = 0;
    for (size_t t = 0; t < nnz; t++) maxw = gr->w[t] > maxw ? gr->w[t] : maxw;
    if (nnz == 0 || !(maxw > 0)) {
        progress_update(p, n_epochs, n_epochs);
        return 0;
    }
    sgd_ctx c = {.gr = gr, .emb = emb, .a = a, .b = b, .bm1 = b - 1, .gamma = o->repulsion_strength,
                 .maxw = maxw, .seed = o->seed};
    c.nsr = (float)o->negative_sample_rate; /* 0: no negative samples at all */
    c.next = malloc(nnz * sizeof *c.next);
    c.next_neg = malloc(nnz * sizeof *c.next_neg);
    if (!c.next || !c.next_neg) {
        free(c.next), free(c.next_neg);
        return hv_errf(e, HV_ENOMEM, "umap: out of memory for %zu edges' sampling state", nnz);
    }
    for (size_t t = 0; t < nnz; t++) {
        float eps = maxw / gr->w[t];
        c.next[t] = eps;
        c.next_neg[t] = c.nsr > 0 ? eps / c.nsr : 0;
    }
    uint32_t n = gr->n, dims = o->dims;
    uint32_t nblocks = (n + SGD_BLOCK_ROWS - 1) / SGD_BLOCK_ROWS;
    for (uint32_t ep = 0; ep < n_epochs; ep++) {
        float alpha = o->learning_rate * (1.0f - (float)ep / (float)n_epochs);
        if (threads <= 1) {
            for (uint32_t bl = 0; bl < nblocks; bl++) {
                uint32_t r0 = bl * SGD_BLOCK_ROWS, r1 = r0 + SGD_BLOCK_ROWS < n ? r0 + SGD_BLOCK_ROWS : n;
                sgd_block_any(&c, r0, r1, ep, alpha, dims);
            }
        } else {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 4)
            for (uint32_t bl = 0; bl < nblocks; bl++) {
                uint32_t r0 = bl * SGD_BLOCK_ROWS, r1 = r0 + SGD_BLOCK_ROWS < n ? r0 + SGD_BLOCK_ROWS : n;
                sgd_block_any(&c, r0, r1, ep, alpha, dims);
            }
        }
        progress_update(p, ep + 1, n_epochs);
    }
    free(c.next), free(c.next_neg);
    return 0;
}
