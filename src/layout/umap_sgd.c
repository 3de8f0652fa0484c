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
 * only the interleaving of updates differs between runs.
 *
 * Layout of this file: the block kernel (the #else part at the end) is
 * included into this file twice, once per vector width (SGD_W 4: SSE2 /
 * NEON; SGD_W 8: AVX2 + FMA, chosen at run time by CPU feature), so both
 * share one source.  The AVX2 kernel fuses multiply-adds, so its layouts
 * differ in the last bits from the SSE2 one's; each is deterministic at one
 * thread.  HV_UMAP_NO_AVX2=1 in the environment forces the SSE2 kernel. */
#ifndef SGD_KERNEL_BODY
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout/umap_int.h"

#define SGD_BLOCK_ROWS 512u
#define GRAD_CLIP 4.0f

/* A summed group of pulls or pushes moves the point at most as far as one
 * of umap-learn's clipped steps can.  Without this bound a point started
 * inside a dense piece (every negative sample close, each push clipped to
 * 4) got ~65 full pushes in one step and was thrown hundreds of units out:
 * umap-learn pushes one sample at a time, so after the first push the
 * others are far and weak. */
static inline float clamp_sum(float v, float lim) {
    v = v > lim ? lim : v;
    v = v < -lim ? -lim : v;
    return v;
}

/* The per-edge sampling state the epochs read together, one cache line
 * per four edges: precomputed once so the per-sample path divides only in
 * the gradient itself (umap-learn divides maxw / w and by eps_neg every
 * sampling; the reciprocal product can round an n_neg the other way when
 * (epoch - next_neg) / eps_neg lands within an ulp of an integer, which
 * only shifts one negative sample by one epoch). */
typedef struct sgd_edge {
    uint32_t col;
    float next_neg;
    float eps;      /* maxw / w: epochs between samplings */
    float ieps_neg; /* nsr / eps: negative samples per epoch */
} sgd_edge;

typedef struct sgd_ctx {
    uint32_t n;
    const size_t *rowptr; /* the (renumbered) graph's rows; columns live in edge[].col */
    float *emb;
    float *next;    /* separate from sgd_edge: the due-scan reads every edge every epoch */
    sgd_edge *edge;
    float a, b, bm1, gamma, nsr;
    uint64_t seed;
} sgd_ctx;

/* Random negative samples are drawn RING ahead and prefetched when drawn:
 * at 1.86M points the layout is far bigger than L2, and a draw-to-use
 * distance of a few edges hides the memory latency.  Each 64-bit draw gives
 * two indices (32 random bits each suffice for n < 2^32). */
#define RING 16u

typedef struct neg_ring {
    uint64_t rng, spare;
    int have_spare;
    uint32_t pos;
    uint32_t k[RING];
} neg_ring;

static inline uint32_t ring_draw(neg_ring *r, uint32_t n) {
    uint32_t bits;
    if (r->have_spare) {
        bits = (uint32_t)r->spare;
        r->have_spare = 0;
    } else {
        r->spare = umap_next(&r->rng);
        bits = (uint32_t)(r->spare >> 32);
        r->have_spare = 1;
    }
    return (uint32_t)(((uint64_t)bits * n) >> 32);
}

/* SGD_W lanes of negative samples per vector: the kernel below is compiled
 * twice, with SSE2 (4 lanes, baseline x86-64; NEON on arm64) and, on x86-64,
 * with AVX2 + FMA (8 lanes) picked at run time.  With the default
 * negative_sample_rate 5, one 8-lane pass covers a sampling's negatives where
 * the 4-lane one needs two passes, the second three-quarters empty. */
#define SGD_KERNEL_BODY
#define SGD_W 4
#define SGD_SUF(x) x##_w4
#include "layout/umap_sgd.c"
#undef SGD_W
#undef SGD_SUF
#if defined(__x86_64__) && defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define SGD_W 8
#define SGD_SUF(x) x##_w8
#include "layout/umap_sgd.c"
#undef SGD_W
#undef SGD_SUF
#pragma GCC pop_options
#define SGD_HAVE_W8 1
#endif
#undef SGD_KERNEL_BODY

typedef void (*sgd_block_fn)(const sgd_ctx *, uint32_t, uint32_t, uint32_t, float, uint32_t);

static sgd_block_fn pick_kernel(void) {
#ifdef SGD_HAVE_W8
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && !getenv("HV_UMAP_NO_AVX2"))
        return sgd_block_any_w8;
#endif
    return sgd_block_any_w4;
}

/* Z-order (Morton) key of up to three coordinates, 21 bits each */
static uint64_t spread3(uint64_t v) {
    v &= 0x1fffff;
    v = (v | v << 32) & 0x1f00000000ffffull;
    v = (v | v << 16) & 0x1f0000ff0000ffull;
    v = (v | v << 8) & 0x100f00f00f00f00full;
    v = (v | v << 4) & 0x10c30c30c30c30c3ull;
    v = (v | v << 2) & 0x1249249249249249ull;
    return v;
}

typedef struct {
    uint64_t key;
    uint32_t i;
} zkey;

static int zkey_cmp(const void *a, const void *b) {
    const zkey *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* The points in the Z order of their start positions: neighbours in the
 * graph start near each other (and a graph's pieces start apart), so in this
 * order a row's neighbours mostly sit in nearby memory, and two threads
 * working on different row blocks mostly write different cache lines
 * (200k points, two threads: the SGD ~20 % faster; one thread ~3 %).
 * NULL when out of memory (the caller keeps the given order). */
static uint32_t *locality_order(const float *emb, uint32_t n, uint32_t dims) {
    zkey *k = malloc((size_t)n * sizeof *k);
    uint32_t *perm = malloc((size_t)n * sizeof *perm);
    if (!k || !perm) {
        free(k), free(perm);
        return NULL;
    }
    uint32_t nd = dims < 3 ? dims : 3;
    float lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t t = 0; t < nd; t++) {
            float v = emb[(size_t)i * dims + t];
            lo[t] = v < lo[t] ? v : lo[t];
            hi[t] = v > hi[t] ? v : hi[t];
        }
    for (uint32_t i = 0; i < n; i++) {
        uint64_t key = 0;
        for (uint32_t t = 0; t < nd; t++) {
            float span = hi[t] - lo[t], v = emb[(size_t)i * dims + t];
            uint64_t q = span > 0 && isfinite(v) ? (uint64_t)((v - lo[t]) / span * 2097151.0f) : 0;
            key |= spread3(q) << t;
        }
        k[i] = (zkey){key, i};
    }
    qsort(k, n, sizeof *k, zkey_cmp);
    for (uint32_t r = 0; r < n; r++) perm[r] = k[r].i;
    free(k);
    return perm;
}

/* Below this many points the layout sits in L2 whatever the order */
#define REORDER_MIN_N 16384u

int umap_optimize(const hv_umap_graph *gr, const hv_umap_opts *o, uint32_t n_epochs, float a, float b,
                  int threads, float *emb, hv_progress *p, hv_err *e) {
    size_t nnz = gr->nnz;
    uint32_t n = gr->n, dims = o->dims;
    float maxw = 0;
    for (size_t t = 0; t < nnz; t++) maxw = gr->w[t] > maxw ? gr->w[t] : maxw;
    if (nnz == 0 || !(maxw > 0)) {
        progress_update(p, n_epochs, n_epochs);
        return 0;
    }
    sgd_ctx c = {.n = n, .rowptr = gr->rowptr, .emb = emb, .a = a, .b = b, .bm1 = b - 1,
                 .gamma = o->repulsion_strength, .seed = o->seed};
    c.nsr = (float)o->negative_sample_rate; /* 0: no negative samples at all */
    c.next = malloc(nnz * sizeof *c.next);
    c.edge = malloc(nnz * sizeof *c.edge);
    if (!c.next || !c.edge) {
        free(c.next), free(c.edge);
        return hv_errf(e, HV_ENOMEM, "umap: out of memory for %zu edges' sampling state", nnz);
    }
    /* renumbered: point r of the run is point perm[r] of the caller */
    uint32_t *perm = n >= REORDER_MIN_N ? locality_order(emb, n, dims) : NULL, *inv = NULL;
    size_t *rowptr = NULL;
    float *pemb = NULL;
    if (perm) {
        inv = malloc((size_t)n * sizeof *inv);
        rowptr = malloc(((size_t)n + 1) * sizeof *rowptr);
        pemb = malloc((size_t)n * dims * sizeof *pemb);
        if (!inv || !rowptr || !pemb) {
            free(perm), free(inv), free(rowptr), free(pemb);
            perm = inv = NULL, rowptr = NULL, pemb = NULL;
        }
    }
    if (perm) {
        for (uint32_t r = 0; r < n; r++) inv[perm[r]] = r;
        rowptr[0] = 0;
        for (uint32_t r = 0; r < n; r++) {
            uint32_t i = perm[r];
            rowptr[r + 1] = rowptr[r] + (gr->rowptr[i + 1] - gr->rowptr[i]);
            memcpy(pemb + (size_t)r * dims, emb + (size_t)i * dims, dims * sizeof *pemb);
        }
        c.rowptr = rowptr, c.emb = pemb;
    }
    for (uint32_t r = 0; r < n; r++) {
        uint32_t i = perm ? perm[r] : r;
        size_t t2 = c.rowptr[r];
        for (size_t t = gr->rowptr[i]; t < gr->rowptr[i + 1]; t++, t2++) {
            float eps = maxw / gr->w[t];
            c.next[t2] = eps;
            c.edge[t2].col = perm ? inv[gr->col[t]] : gr->col[t];
            c.edge[t2].eps = eps;
            c.edge[t2].next_neg = c.nsr > 0 ? eps / c.nsr : 0;
            c.edge[t2].ieps_neg = c.nsr / eps;
        }
    }
    sgd_block_fn block = pick_kernel();
    uint32_t nblocks = (n + SGD_BLOCK_ROWS - 1) / SGD_BLOCK_ROWS;
    for (uint32_t ep = 0; ep < n_epochs; ep++) {
        float alpha = o->learning_rate * (1.0f - (float)ep / (float)n_epochs);
        if (threads <= 1) {
            for (uint32_t bl = 0; bl < nblocks; bl++) {
                uint32_t r0 = bl * SGD_BLOCK_ROWS, r1 = r0 + SGD_BLOCK_ROWS < n ? r0 + SGD_BLOCK_ROWS : n;
                block(&c, r0, r1, ep, alpha, dims);
            }
        } else {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 4)
            for (uint32_t bl = 0; bl < nblocks; bl++) {
                uint32_t r0 = bl * SGD_BLOCK_ROWS, r1 = r0 + SGD_BLOCK_ROWS < n ? r0 + SGD_BLOCK_ROWS : n;
                block(&c, r0, r1, ep, alpha, dims);
            }
        }
        progress_update(p, ep + 1, n_epochs);
    }
    if (perm)
        for (uint32_t r = 0; r < n; r++) memcpy(emb + (size_t)perm[r] * dims, pemb + (size_t)r * dims, dims * sizeof *emb);
    free(c.next), free(c.edge), free(perm), free(inv), free(rowptr), free(pemb);
    return 0;
}

#else /* SGD_KERNEL_BODY: the block kernel for SGD_W lanes, included twice above */

typedef float SGD_SUF(vf) __attribute__((vector_size(4 * SGD_W)));
typedef int32_t SGD_SUF(vi) __attribute__((vector_size(4 * SGD_W)));
typedef uint32_t SGD_SUF(vu) __attribute__((vector_size(4 * SGD_W)));
#define VF SGD_SUF(vf)
#define VI SGD_SUF(vi)
#define VU SGD_SUF(vu)

static inline VF SGD_SUF(v_sel)(VI m, VF a, VF b) { return (VF)(((VI)a & m) | ((VI)b & ~m)); }
static inline VF SGD_SUF(v_splat)(float x) { return (VF){0} + x; }

/* x^y for x > 0, lane-wise (x is a squared distance: denormals are lifted
 * to the smallest normal, where the gradient has long been clipped anyway).
 * log2 x: the exponent bits plus a degree-5 least-squares polynomial of
 * log2 on the mantissa in [1, 2) (max error 3e-5); 2^z: the integer part
 * into the exponent bits, a degree-5 fit of 2^f for the fraction f in
 * [-0.5, 0.5] (error 2.3e-7 relative).  y is b - 1, so the error of
 * d^(2(b-1)) stays below 1e-5 relative for b in UMAP's usual range. */
static inline VF SGD_SUF(v_pow)(VF x, float y) {
    x = SGD_SUF(v_sel)(x < SGD_SUF(v_splat)(1.17549435e-38f), SGD_SUF(v_splat)(1.17549435e-38f), x);
    VU u = (VU)x;
    VF ex = __builtin_convertvector((VI)((u >> 23) & 255u) - 127, VF);
    VF t = (VF)((u & 0x7fffffu) | 0x3f800000u) - 1.5f;
    VF l2 = ex + (0.58495428f +
                  t * (0.96181478f + t * (-0.31991936f + t * (0.14184874f + t * (-0.07915037f + t * 0.04342891f)))));
    VF z = l2 * y;
    z = SGD_SUF(v_sel)(z < SGD_SUF(v_splat)(-126.0f), SGD_SUF(v_splat)(-126.0f), z);
    z = SGD_SUF(v_sel)(z > SGD_SUF(v_splat)(126.0f), SGD_SUF(v_splat)(126.0f), z);
    VI ri = __builtin_convertvector(z + 128.5f, VI) - 128;
    VF f = z - __builtin_convertvector(ri, VF);
    VF p = 1.0000001f +
           f * (0.69314720f + f * (0.24022212f + f * (0.05550341f + f * (0.00967077f + f * 0.00133953f))));
    return p * (VF)((ri + 127) << 23);
}

/* x^y for |y| < NEAR1_MAX (b - 1 = 0.003 at min_dist 0.3, spread 1.5):
 * then y log2 x is small, so a cubic log2 of the mantissa (error 1.3e-3)
 * and a degree-4 Taylor series of 2^z are enough (relative error < 2e-5
 * for x in [1e-12, 2^11]; below 1e-12 x is lifted to it, where a pull or a
 * push is long negligible or clipped), at about half of v_pow's work. */
#define NEAR1_MAX 0.01f
static inline VF SGD_SUF(v_pow_near1)(VF x, float y) {
    x = SGD_SUF(v_sel)(x < SGD_SUF(v_splat)(1e-12f), SGD_SUF(v_splat)(1e-12f), x);
    VU u = (VU)x;
    VF ex = __builtin_convertvector((VI)(u >> 23) - 127, VF); /* x > 0: no sign bit */
    VF t = (VF)((u & 0x7fffffu) | 0x3f800000u) - 1.0f;
    VF z = (ex + t * (1.4234932f + t * (-0.58776529f + t * 0.16558643f))) * (y * 0.69314718f);
    return 1.0f + z * (1.0f + z * (0.5f + z * (1.0f / 6 + z * (1.0f / 24))));
}

static inline VF SGD_SUF(v_clip)(VF v) {
    v = SGD_SUF(v_sel)(v > SGD_SUF(v_splat)(GRAD_CLIP), SGD_SUF(v_splat)(GRAD_CLIP), v);
    return SGD_SUF(v_sel)(v < SGD_SUF(v_splat)(-GRAD_CLIP), SGD_SUF(v_splat)(-GRAD_CLIP), v);
}

/* df[t] = cur[t] minus coordinate t of the SGD_W points ks[]; returns their
 * squared distances.  The lanes are gathered by one vector initialiser, not
 * lane stores: those go through the stack and stall on store forwarding. */
static inline __attribute__((always_inline)) VF SGD_SUF(v_diff)(const float *emb, const uint32_t *ks,
                                                                const float *cur, const uint32_t dims, VF *df) {
    VF d2 = SGD_SUF(v_splat)(0);
#pragma GCC unroll 4
    for (uint32_t t = 0; t < dims; t++) {
#define G(l) emb[(size_t)ks[l] * dims + t]
#if SGD_W == 8
        VF o = {G(0), G(1), G(2), G(3), G(4), G(5), G(6), G(7)};
#else
        VF o = {G(0), G(1), G(2), G(3)};
#endif
#undef G
        df[t] = cur[t] - o;
        d2 += df[t] * df[t];
    }
    return d2;
}

/* Due edges per chunk of a row, compacted without branches: with most
 * edges due only every few epochs, a branch per edge mispredicts often. */
#define DUE_CHUNK 64u

/* One block of rows for one epoch.  Inlined per dims so the inner loops over
 * coordinates unroll for 2 and 3. */
static inline __attribute__((always_inline)) void SGD_SUF(sgd_block)(const sgd_ctx *c, uint32_t r0, uint32_t r1,
                                                                    uint32_t epoch, float alpha,
                                                                    const uint32_t dims) {
    const uint32_t n = c->n;
    const float a = c->a, bm1 = c->bm1, fe = (float)epoch;
    const int near1 = bm1 > -NEAR1_MAX && bm1 < NEAR1_MAX;
    const float gpos = -2 * a * c->b, gneg = 2 * c->gamma * c->b, inv_nsr = c->nsr > 0 ? 1 / c->nsr : 0;
    float *emb = c->emb, *next = c->next;
    sgd_edge *edge = c->edge;
    neg_ring ring = {.rng = umap_stream(c->seed, epoch, r0 / SGD_BLOCK_ROWS)};
    if (c->nsr > 0)
        for (uint32_t q = 0; q < RING; q++) {
            ring.k[q] = ring_draw(&ring, n);
            __builtin_prefetch(emb + (size_t)ring.k[q] * dims);
        }
    uint32_t due[DUE_CHUNK];
    for (uint32_t i = r0; i < r1; i++) {
        float *cur = emb + (size_t)i * dims;
        const size_t row_end = c->rowptr[i + 1];
        int row_neg = 0; /* negative samples due for row i this epoch */
        for (size_t e0 = c->rowptr[i]; e0 < row_end; e0 += DUE_CHUNK) {
            uint32_t m = 0, cnt = row_end - e0 < DUE_CHUNK ? (uint32_t)(row_end - e0) : DUE_CHUNK;
            for (uint32_t q = 0; q < cnt; q++) {
                due[m] = q;
                m += next[e0 + q] <= fe;
            }
            /* The due attractions SGD_W at a time: every lane sees cur as it
             * was before the group and the group's pulls on cur are summed
             * before it moves (umap-learn moves cur after each edge; the
             * difference is second order in alpha); each lane still moves
             * its other end and is clipped on its own. */
            for (uint32_t s0 = 0; s0 < m; s0 += SGD_W) {
                uint32_t ks[SGD_W], nl = m - s0 < SGD_W ? m - s0 : SGD_W;
                VI valid = {0};
#pragma GCC unroll 8
                for (uint32_t l = 0; l < SGD_W; l++) {
                    ks[l] = i; /* an idle lane reads cur itself: d2 = 0, masked off */
                    if (l >= nl) continue;
                    ks[l] = edge[e0 + due[s0 + l]].col;
                    valid[l] = -1;
                }
                if (s0 + SGD_W < m)
                    for (uint32_t l = s0 + SGD_W; l < m && l < s0 + 2 * SGD_W; l++)
                        __builtin_prefetch(emb + (size_t)edge[e0 + due[l]].col * dims);
                VF df[dims], d2 = SGD_SUF(v_diff)(emb, ks, cur, dims, df);
                VI pos = (d2 > SGD_SUF(v_splat)(0)) & valid;
                /* d^(2(b-1)); d^2b = d2 * pw */
                VF pw = near1 ? SGD_SUF(v_pow_near1)(d2, bm1) : SGD_SUF(v_pow)(d2, bm1);
                VF gc = gpos * pw / (a * d2 * pw + 1);
                VF g[dims];
#pragma GCC unroll 4
                for (uint32_t t = 0; t < dims; t++)
                    g[t] = SGD_SUF(v_sel)(pos, SGD_SUF(v_clip)(gc * df[t]) * alpha, SGD_SUF(v_splat)(0));
                for (uint32_t l = 0; l < nl; l++) {
                    float *oth = emb + (size_t)ks[l] * dims;
                    for (uint32_t t = 0; t < dims; t++) oth[t] -= g[t][l];
                }
#pragma GCC unroll 4
                for (uint32_t t = 0; t < dims; t++) {
                    float sum = 0;
#pragma GCC unroll 8
                    for (int l = 0; l < SGD_W; l++) sum += g[t][l];
                    cur[t] += clamp_sum(sum, GRAD_CLIP * alpha);
                }
                for (uint32_t l = 0; l < nl; l++) {
                    size_t e = e0 + due[s0 + l];
                    sgd_edge *ed = &edge[e];
                    next[e] += ed->eps;
                    if (c->nsr <= 0) continue;
                    int n_neg = (int)((fe - ed->next_neg) * ed->ieps_neg);
                    if (n_neg <= 0) continue;
                    row_neg += n_neg;
                    ed->next_neg += (float)n_neg * ed->eps * inv_nsr;
                }
            }
        }
        if (row_neg == 0) continue;
        /* The row's repulsions, after its attractions, in full vectors: every
         * negative sample of every edge of row i pushes the same point, so
         * they fill the SGD_W lanes together (one sampling's 5 left 3 of 8
         * idle), all seeing cur as it is after the row's attractions and
         * summed before it moves; each is still clipped on its own
         * (umap-learn moves cur after each one; the difference is second
         * order in alpha). */
        float acc[dims];
        for (uint32_t t = 0; t < dims; t++) acc[t] = 0;
        for (int q0 = 0; q0 < row_neg; q0 += SGD_W) {
            uint32_t ks[SGD_W];
            VI valid = {0}, self = {0};
#pragma GCC unroll 8
            for (int l = 0; l < SGD_W; l++) {
                ks[l] = i;
                if (q0 + l >= row_neg) continue;
                ks[l] = ring.k[ring.pos];
                ring.k[ring.pos] = ring_draw(&ring, n);
                __builtin_prefetch(emb + (size_t)ring.k[ring.pos] * dims);
                ring.pos = (ring.pos + 1) & (RING - 1);
                valid[l] = -1;
                self[l] = ks[l] == i ? -1 : 0;
            }
            VF df[dims], nd2 = SGD_SUF(v_diff)(emb, ks, cur, dims, df);
            VF pw = near1 ? SGD_SUF(v_pow_near1)(nd2, bm1) : SGD_SUF(v_pow)(nd2, bm1);
            VF gc = gneg / ((0.001f + nd2) * (a * nd2 * pw + 1));
            VI pos = nd2 > SGD_SUF(v_splat)(0);
            /* coincident points: umap-learn pushes by the clip value
             * (unless the sample is the point itself) */
            VI push = ~pos & ~self & valid;
            pos &= valid;
#pragma GCC unroll 4
            for (uint32_t t = 0; t < dims; t++) {
                VF g = SGD_SUF(v_sel)(pos, SGD_SUF(v_clip)(gc * df[t]),
                                      SGD_SUF(v_sel)(push, SGD_SUF(v_splat)(GRAD_CLIP), SGD_SUF(v_splat)(0)));
                float sum = 0;
#pragma GCC unroll 8
                for (int l = 0; l < SGD_W; l++) sum += g[l];
                acc[t] += sum;
            }
        }
        for (uint32_t t = 0; t < dims; t++) cur[t] += clamp_sum(acc[t], GRAD_CLIP) * alpha;
    }
}

static void SGD_SUF(sgd_block_any)(const sgd_ctx *c, uint32_t r0, uint32_t r1, uint32_t epoch, float alpha,
                                   uint32_t dims) {
    switch (dims) {
    case 2: SGD_SUF(sgd_block)(c, r0, r1, epoch, alpha, 2); break;
    case 3: SGD_SUF(sgd_block)(c, r0, r1, epoch, alpha, 3); break;
    default: SGD_SUF(sgd_block)(c, r0, r1, epoch, alpha, dims); break;
    }
}

#undef VF
#undef VI
#undef VU
#endif /* SGD_KERNEL_BODY */
