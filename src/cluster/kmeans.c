/* kmeans.c - k-means on the embedding vectors.
 *
 * Stages:
 *  1. Seeding: greedy k-means++ (Arthur & Vassilvitskii 2007, with the
 *     "several local trials per centre" refinement scikit-learn uses) on a
 *     uniform sample of at most SEED_SAMPLE rows.  D^2 sampling over all
 *     1.86M rows would cost k full passes; over a 50k sample the centres are
 *     just as good for the k <= 256 we use, since every cluster worth having
 *     holds hundreds of sampled rows.
 *  2. Updates: Lloyd iterations over all rows when n <= minibatch_above,
 *     else mini-batch k-means (Sculley 2010): each batch moves a centre to
 *     the running mean of every row ever assigned to it, i.e. a per-centre
 *     learning rate of 1 / (rows seen so far).
 *  3. A final full assignment pass, so every row carries its nearest centre
 *     and the inertia matches the returned centroids.
 *
 * Distances are ||x||^2 - 2 x.c + ||c||^2 with the x.c part done by one
 * sgemm per block of rows.  A block holds at most BLOCK_FLOATS distances,
 * so memory stays bounded whatever n and k are (never n x k at once).
 *
 * Threads: OpenMP splits the row blocks; each thread calls a single-threaded
 * sgemm (OpenBLAS' own threads are switched to 1 for the duration and then
 * restored, so the two pools never oversubscribe the cores).  All random
 * draws happen in sequential code from one stream, and every reduction is
 * summed in a fixed order, so a seed gives the same result at threads = 1
 * (and in practice at any fixed thread count). */
#include "cluster/kmeans.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* Rows seeded on; see stage 1 above. */
#define SEED_SAMPLE 50000u
/* Distances held per thread per block: 256 Ki floats = 1 MiB, which keeps a
 * block of the distance matrix in L2 while the argmin reads it back. */
#define BLOCK_FLOATS (1u << 18)
#define BLOCK_MAX_ROWS 1024u
#define BLOCK_MIN_ROWS 16u
/* scikit-learn's defaults: tolerance relative to the mean per-dimension
 * variance, and mini-batch early stop after 10 batches without a better
 * smoothed batch inertia. */
#define REL_TOL 1e-4
#define MB_NO_IMPROVEMENT 10

void kmeans_opts_default(hv_kmeans_opts *o) {
    memset(o, 0, sizeof *o);
    o->seed = 42;
}

/* sqrt(n / 2) is the old rule of thumb (Mardia et al., Multivariate
 * Analysis, 1979) for a k that neither lumps distinct groups nor splits
 * them into noise.  The floor of 2 keeps a split meaningful; the cap of 256
 * keeps the map legible (each cluster gets a label and a colour, and people
 * cannot tell apart more than a few hundred) and bounds the O(n k d) cost:
 * the full catalog (1.86M rows) would ask for 964. */
uint32_t kmeans_auto_k(uint32_t n) {
    double k = floor(sqrt((double)n / 2.0) + 0.5);
    if (k < 2) k = 2;
    if (k > 256) k = 256;
    return (uint32_t)k;
}

/* ---- random numbers: splitmix64, one stream per run ---- */

typedef struct km_rng {
    uint64_t s;
} km_rng;

static uint64_t rng_next(km_rng *r) {
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rng_unit(km_rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

static uint64_t rng_below(km_rng *r, uint64_t n) {
    return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/* ---- blocked assignment ---- */

typedef struct km_ctx {
    uint32_t d, k;
    int nt;          /* OpenMP threads */
    uint32_t brows;  /* rows per block */
    float *C, *cn;   /* k x d centroids and their squared norms */
    float *scratch;  /* nt x brows x k */
    double *tsum;    /* nt x k x d, per-thread centroid sums (Lloyd) */
    uint64_t *tcnt;  /* nt x k */
    double *binert;  /* per-block inertia, summed in block order */
    uint32_t nblk_max;
} km_ctx;

static void centre_norms(km_ctx *cx) {
    for (uint32_t j = 0; j < cx->k; j++) {
        const float *c = cx->C + (size_t)j * cx->d;
        double s = 0;
        for (uint32_t t = 0; t < cx->d; t++) s += (double)c[t] * c[t];
        cx->cn[j] = (float)s;
    }
}

/* Assign rows [r0, r1) of x (row norms xn) to their nearest centre. */
static double assign_block(const km_ctx *cx, const float *x, const float *xn, uint32_t r0, uint32_t r1, float *G,
                           uint32_t *label, float *mind, uint64_t *changed) {
    uint32_t rows = r1 - r0, k = cx->k, d = cx->d;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)k, (int)d, 1.0f, x + (size_t)r0 * d, (int)d,
                cx->C, (int)d, 0.0f, G, (int)k);
    double inert = 0;
    uint64_t ch = 0;
    for (uint32_t i = 0; i < rows; i++) {
        const float *g = G + (size_t)i * k;
        uint32_t best = 0;
        float bv = cx->cn[0] - 2.0f * g[0];
        for (uint32_t j = 1; j < k; j++) {
            float v = cx->cn[j] - 2.0f * g[j];
            if (v < bv) bv = v, best = j;
        }
        float dist = xn[r0 + i] + bv;
        if (dist < 0) dist = 0; /* rounding when x sits on a centre */
        if (label[r0 + i] != best) ch++;
        label[r0 + i] = best;
        if (mind) mind[r0 + i] = dist;
        inert += dist;
    }
    *changed += ch;
    return inert;
}

/* One pass over n rows: labels, distances, inertia; with sums = 1 also the
 * per-thread centroid sums and counts for a Lloyd update.  Returns the
 * number of rows whose label changed. */
static uint64_t assign_all(km_ctx *cx, const float *x, const float *xn, uint32_t n, uint32_t *label, float *mind,
                           int sums, double *inertia) {
    uint32_t nblk = (n + cx->brows - 1) / cx->brows;
    uint64_t changed = 0;
    size_t kd = (size_t)cx->k * cx->d;
    if (sums) {
        memset(cx->tsum, 0, (size_t)cx->nt * kd * sizeof *cx->tsum);
        memset(cx->tcnt, 0, (size_t)cx->nt * cx->k * sizeof *cx->tcnt);
    }
#pragma omp parallel num_threads(cx->nt) reduction(+ : changed)
    {
        int t = omp_get_thread_num();
        float *G = cx->scratch + (size_t)t * cx->brows * cx->k;
        double *S = sums ? cx->tsum + (size_t)t * kd : NULL;
        uint64_t *cnt = sums ? cx->tcnt + (size_t)t * cx->k : NULL;
#pragma omp for schedule(static)
        for (uint32_t b = 0; b < nblk; b++) {
            uint32_t r0 = b * cx->brows, r1 = r0 + cx->brows < n ? r0 + cx->brows : n;
            cx->binert[b] = assign_block(cx, x, xn, r0, r1, G, label, mind, &changed);
            if (!S) continue;
            for (uint32_t i = r0; i < r1; i++) {
                uint32_t j = label[i];
                double *s = S + (size_t)j * cx->d;
                const float *xi = x + (size_t)i * cx->d;
                for (uint32_t q = 0; q < cx->d; q++) s[q] += xi[q];
                cnt[j]++;
            }
        }
    }
    double in = 0;
    for (uint32_t b = 0; b < nblk; b++) in += cx->binert[b];
    *inertia = in;
    return changed;
}

/* Give every empty cluster the farthest row still in a cluster of two or
 * more (so no other cluster empties), moving that row's weight with it.
 * sum/cnt are the merged Lloyd accumulators, or NULL when the centroid is
 * simply set to the row (final pass).  Returns how many were re-seeded. */
static uint32_t reseed_empty(km_ctx *cx, const float *x, uint32_t n, uint32_t *label, float *mind, double *sum,
                             uint64_t *cnt) {
    uint32_t moved = 0, d = cx->d;
    for (uint32_t j = 0; j < cx->k; j++) {
        if (cnt[j]) continue;
        uint32_t far = UINT32_MAX;
        float fd = -1;
        for (uint32_t i = 0; i < n; i++)
            if (mind[i] > fd && cnt[label[i]] > 1) fd = mind[i], far = i;
        if (far == UINT32_MAX) break; /* every cluster is a singleton: n distinct rows < k */
        const float *xr = x + (size_t)far * d;
        uint32_t old = label[far];
        cnt[old]--;
        cnt[j] = 1;
        if (sum) {
            for (uint32_t q = 0; q < d; q++) {
                sum[(size_t)old * d + q] -= xr[q];
                sum[(size_t)j * d + q] = xr[q];
            }
        } else {
            memcpy(cx->C + (size_t)j * d, xr, d * sizeof *xr);
        }
        label[far] = j;
        mind[far] = 0;
        moved++;
    }
    return moved;
}

/* ---- seeding ---- */

/* Greedy k-means++ over the m sample rows xs; writes k centres into cx->C. */
static int seed_plusplus(km_ctx *cx, const float *xs, const float *xns, uint32_t m, km_rng *rng, hv_progress *p,
                         uint64_t ptotal, hv_err *e) {
    uint32_t k = cx->k, d = cx->d;
    uint32_t trials = 2 + (uint32_t)log((double)k);
    const uint32_t B = 1024;
    uint32_t nblk = (m + B - 1) / B;
    float *closest = malloc((size_t)m * sizeof *closest);
    float *D = malloc((size_t)m * trials * sizeof *D);
    double *cum = malloc((size_t)m * sizeof *cum);
    double *bpot = malloc((size_t)nblk * trials * sizeof *bpot);
    float *cand = malloc((size_t)trials * d * sizeof *cand);
    float *ccn = malloc((size_t)trials * sizeof *ccn);
    float *G = malloc((size_t)cx->nt * B * trials * sizeof *G);
    uint32_t *ci = malloc((size_t)trials * sizeof *ci);
    int rc = HV_OK;
    if (!closest || !D || !cum || !bpot || !cand || !ccn || !G || !ci) {
        rc = hv_errf(e, HV_ENOMEM, "kmeans: out of memory seeding %u centres", k);
        goto out;
    }

    /* closest[i] starts as the distance to a first centre drawn uniformly;
     * the loop then treats every later centre the same way. */
    uint32_t first = (uint32_t)rng_below(rng, m);
    for (uint32_t i = 0; i < m; i++) closest[i] = INFINITY;
    for (uint32_t c = 0; c < k; c++) {
        uint32_t nc;
        if (c == 0) {
            nc = 1;
            ci[0] = first;
        } else {
            double tot = 0;
            for (uint32_t i = 0; i < m; i++) cum[i] = (tot += closest[i]);
            nc = trials;
            for (uint32_t t = 0; t < nc; t++) {
                if (!(tot > 0)) { /* every sample row sits on a centre: duplicates */
                    ci[t] = (uint32_t)rng_below(rng, m);
                    continue;
                }
                double r = rng_unit(rng) * tot;
                uint32_t lo = 0, hi = m - 1;
                while (lo < hi) { /* first i with cum[i] > r */
                    uint32_t mid = lo + (hi - lo) / 2;
                    if (cum[mid] > r) hi = mid;
                    else lo = mid + 1;
                }
                while (lo > 0 && closest[lo] == 0) lo--; /* r rounded onto the end */
                ci[t] = lo;
            }
        }
        for (uint32_t t = 0; t < nc; t++) {
            memcpy(cand + (size_t)t * d, xs + (size_t)ci[t] * d, d * sizeof *cand);
            ccn[t] = xns[ci[t]];
        }
#pragma omp parallel num_threads(cx->nt)
        {
            float *g = G + (size_t)omp_get_thread_num() * B * trials;
#pragma omp for schedule(static)
            for (uint32_t b = 0; b < nblk; b++) {
                uint32_t r0 = b * B, rows = r0 + B < m ? B : m - r0;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)nc, (int)d, 1.0f,
                            xs + (size_t)r0 * d, (int)d, cand, (int)d, 0.0f, g, (int)nc);
                for (uint32_t t = 0; t < nc; t++) bpot[(size_t)b * trials + t] = 0;
                for (uint32_t i = 0; i < rows; i++)
                    for (uint32_t t = 0; t < nc; t++) {
                        float v = xns[r0 + i] + ccn[t] - 2.0f * g[(size_t)i * nc + t];
                        if (v < 0) v = 0;
                        D[(size_t)(r0 + i) * trials + t] = v;
                        bpot[(size_t)b * trials + t] += v < closest[r0 + i] ? v : closest[r0 + i];
                    }
            }
        }
        uint32_t best = 0;
        double bestpot = INFINITY;
        for (uint32_t t = 0; t < nc; t++) {
            double pot = 0;
            for (uint32_t b = 0; b < nblk; b++) pot += bpot[(size_t)b * trials + t];
            if (pot < bestpot) bestpot = pot, best = t;
        }
        memcpy(cx->C + (size_t)c * d, cand + (size_t)best * d, d * sizeof *cand);
        for (uint32_t i = 0; i < m; i++) {
            float v = D[(size_t)i * trials + best];
            if (v < closest[i]) closest[i] = v;
        }
        if ((c & 15) == 15) progress_update(p, c + 1, ptotal);
    }
out:
    free(closest);
    free(D);
    free(cum);
    free(bpot);
    free(cand);
    free(ccn);
    free(G);
    free(ci);
    return rc;
}

/* ---- the driver ---- */

static int check_input(const float *x, uint32_t n, uint32_t d, int nt, float *xn, hv_err *e) {
    uint32_t bad = UINT32_MAX;
#pragma omp parallel for num_threads(nt) schedule(static) reduction(min : bad)
    for (uint32_t i = 0; i < n; i++) {
        const float *r = x + (size_t)i * d;
        double s = 0;
        for (uint32_t t = 0; t < d; t++) s += (double)r[t] * r[t];
        if (!isfinite(s)) bad = i < bad ? i : bad; /* a NaN or inf anywhere makes s non-finite */
        xn[i] = (float)s;
    }
    if (bad != UINT32_MAX) return hv_errf(e, HV_EINPUT, "kmeans: row %u has a non-finite value (NaN or inf)", bad);
    return HV_OK;
}

void kmeans_free(hv_kmeans *km) {
    if (!km) return;
    free(km->centroids);
    free(km->assign);
    free(km->size);
    memset(km, 0, sizeof *km);
}

typedef struct km_work {
    float *xn, *mind, *xs, *xns, *xb, *xnb, *mdb;
    uint32_t *sample, *lb, *bidx;
    double *sum;
    uint64_t *cnt;
} km_work;

static void work_free(km_work *w, km_ctx *cx) {
    free(w->xn), free(w->mind), free(w->xs), free(w->xns), free(w->xb), free(w->xnb), free(w->mdb);
    free(w->sample), free(w->lb), free(w->bidx), free(w->sum), free(w->cnt);
    free(cx->cn), free(cx->scratch), free(cx->tsum), free(cx->tcnt), free(cx->binert);
}

/* Merge per-thread sums (thread order: fixed), then move each centre to its
 * mean.  Returns the total squared centre shift. */
static double lloyd_update(km_ctx *cx, km_work *w, const float *x, uint32_t n, uint32_t *label) {
    size_t kd = (size_t)cx->k * cx->d;
    memcpy(w->sum, cx->tsum, kd * sizeof *w->sum);
    memcpy(w->cnt, cx->tcnt, cx->k * sizeof *w->cnt);
    for (int t = 1; t < cx->nt; t++) {
        for (size_t q = 0; q < kd; q++) w->sum[q] += cx->tsum[(size_t)t * kd + q];
        for (uint32_t j = 0; j < cx->k; j++) w->cnt[j] += cx->tcnt[(size_t)t * cx->k + j];
    }
    reseed_empty(cx, x, n, label, w->mind, w->sum, w->cnt);
    double shift = 0;
    for (uint32_t j = 0; j < cx->k; j++) {
        if (!w->cnt[j]) continue; /* only when n distinct rows < k */
        float *c = cx->C + (size_t)j * cx->d;
        for (uint32_t q = 0; q < cx->d; q++) {
            float v = (float)(w->sum[(size_t)j * cx->d + q] / (double)w->cnt[j]);
            shift += ((double)v - c[q]) * ((double)v - c[q]);
            c[q] = v;
        }
    }
    centre_norms(cx);
    return shift;
}

/* One mini-batch step: batch rows drawn with replacement, assigned, then
 * each touched centre moved to the running mean of all rows it has seen
 * (Sculley's per-centre rate 1/v).  Returns the squared centre shift and
 * the batch inertia per row in *binert. */
static double minibatch_step(km_ctx *cx, km_work *w, const float *x, uint32_t n, uint32_t b, km_rng *rng,
                             uint64_t *seen, double *binert) {
    uint32_t d = cx->d;
    for (uint32_t i = 0; i < b; i++) w->bidx[i] = (uint32_t)rng_below(rng, n);
#pragma omp parallel for num_threads(cx->nt) schedule(static)
    for (uint32_t i = 0; i < b; i++) {
        memcpy(w->xb + (size_t)i * d, x + (size_t)w->bidx[i] * d, d * sizeof *w->xb);
        w->xnb[i] = w->xn[w->bidx[i]];
    }
    double in;
    assign_all(cx, w->xb, w->xnb, b, w->lb, w->mdb, 0, &in);
    *binert = in / b;
    memset(w->sum, 0, (size_t)cx->k * d * sizeof *w->sum);
    memset(w->cnt, 0, cx->k * sizeof *w->cnt);
    for (uint32_t i = 0; i < b; i++) {
        uint32_t j = w->lb[i];
        const float *xi = w->xb + (size_t)i * d;
        double *s = w->sum + (size_t)j * d;
        for (uint32_t q = 0; q < d; q++) s[q] += xi[q];
        w->cnt[j]++;
    }
    double shift = 0;
    for (uint32_t j = 0; j < cx->k; j++) {
        if (!w->cnt[j]) continue;
        uint64_t v = seen[j] + w->cnt[j];
        float *c = cx->C + (size_t)j * d;
        for (uint32_t q = 0; q < d; q++) {
            float nv = (float)(((double)c[q] * (double)seen[j] + w->sum[(size_t)j * d + q]) / (double)v);
            shift += ((double)nv - c[q]) * ((double)nv - c[q]);
            c[q] = nv;
        }
        seen[j] = v;
    }
    centre_norms(cx);
    return shift;
}

int kmeans_run(const float *x, uint32_t n, uint32_t d, const hv_kmeans_opts *o, hv_kmeans *out, hv_progress *p,
               hv_err *e) {
    if (!out) return hv_errf(e, HV_EINTERNAL, "kmeans: no output");
    memset(out, 0, sizeof *out);
    hv_kmeans_opts def;
    if (!o) {
        kmeans_opts_default(&def);
        o = &def;
    }
    if (!x || n == 0) return hv_errf(e, HV_EINPUT, "kmeans: no rows");
    if (d == 0) return hv_errf(e, HV_EINPUT, "kmeans: vectors of dimension 0");
    if (o->threads < 0) return hv_errf(e, HV_EUSAGE, "kmeans: threads = %d", o->threads);

    uint32_t k = o->k ? o->k : kmeans_auto_k(n);
    if (k > n) k = n; /* more centres than rows: every row its own cluster */
    int minibatch = n > (o->minibatch_above ? o->minibatch_above : 200000u);
    uint32_t max_iter = o->max_iter ? o->max_iter : (minibatch ? 200u : 50u);
    uint32_t batch = o->batch;
    if (!batch) { /* ~32 rows per centre per batch, so each centre moves on a real average */
        uint64_t b = (uint64_t)k * 32;
        batch = (uint32_t)(b < 1024 ? 1024 : b > 16384 ? 16384 : b);
    }
    if (batch > n) batch = n;

    km_ctx cx = {.d = d, .k = k};
    cx.nt = o->threads ? o->threads : omp_get_max_threads();
    uint32_t br = BLOCK_FLOATS / k;
    cx.brows = br > BLOCK_MAX_ROWS ? BLOCK_MAX_ROWS : br < BLOCK_MIN_ROWS ? BLOCK_MIN_ROWS : br;
    cx.nblk_max = (n + cx.brows - 1) / cx.brows;
    size_t kd = (size_t)k * d;
    km_work w = {0};

    uint32_t m = n;
    uint32_t cap = SEED_SAMPLE > 8 * k ? SEED_SAMPLE : 8 * k;
    if (n > cap) m = cap;

    out->k = k;
    out->d = d;
    out->centroids = cx.C = malloc(kd * sizeof *cx.C);
    out->assign = malloc((size_t)n * sizeof *out->assign);
    out->size = calloc(k, sizeof *out->size);
    cx.cn = malloc(k * sizeof *cx.cn);
    cx.scratch = malloc((size_t)cx.nt * cx.brows * k * sizeof *cx.scratch);
    cx.tsum = malloc((size_t)cx.nt * kd * sizeof *cx.tsum);
    cx.tcnt = malloc((size_t)cx.nt * k * sizeof *cx.tcnt);
    cx.binert = malloc((size_t)cx.nblk_max * sizeof *cx.binert);
    w.xn = malloc((size_t)n * sizeof *w.xn);
    w.mind = malloc((size_t)n * sizeof *w.mind);
    w.sum = malloc(kd * sizeof *w.sum);
    w.cnt = malloc(k * sizeof *w.cnt);
    if (m < n) {
        w.sample = malloc((size_t)m * sizeof *w.sample);
        w.xs = malloc((size_t)m * d * sizeof *w.xs);
        w.xns = malloc((size_t)m * sizeof *w.xns);
    }
    if (minibatch) {
        w.xb = malloc((size_t)batch * d * sizeof *w.xb);
        w.xnb = malloc((size_t)batch * sizeof *w.xnb);
        w.mdb = malloc((size_t)batch * sizeof *w.mdb);
        w.lb = calloc(batch, sizeof *w.lb);
        w.bidx = malloc((size_t)batch * sizeof *w.bidx);
    }
    int rc = HV_OK, blas_threads = openblas_get_num_threads();
    if (!cx.C || !out->assign || !out->size || !cx.cn || !cx.scratch || !cx.tsum || !cx.tcnt || !cx.binert || !w.xn ||
        !w.mind || !w.sum || !w.cnt || (m < n && (!w.sample || !w.xs || !w.xns)) ||
        (minibatch && (!w.xb || !w.xnb || !w.mdb || !w.lb || !w.bidx))) {
        rc = hv_errf(e, HV_ENOMEM, "kmeans: out of memory (n = %u, d = %u, k = %u)", n, d, k);
        goto fail;
    }

    /* OpenBLAS' pthread pool would stack its threads on top of ours. */
    openblas_set_num_threads(1);

    if ((rc = check_input(x, n, d, cx.nt, w.xn, e))) goto fail_blas;
    for (uint32_t i = 0; i < n; i++) out->assign[i] = UINT32_MAX;

    km_rng rng = {o->seed ^ 0x6B6D65616E73ull}; /* "kmeans" */
    const float *xs = x, *xns = w.xn;
    if (m < n) { /* Knuth's selection sampling: m sorted distinct rows in one pass */
        uint32_t got = 0;
        for (uint32_t i = 0; i < n && got < m; i++)
            if (rng_below(&rng, n - i) < m - got) w.sample[got++] = i;
#pragma omp parallel for num_threads(cx.nt) schedule(static)
        for (uint32_t s = 0; s < m; s++) {
            memcpy(w.xs + (size_t)s * d, x + (size_t)w.sample[s] * d, d * sizeof *w.xs);
            w.xns[s] = w.xn[w.sample[s]];
        }
        xs = w.xs, xns = w.xns;
    }

    /* Tolerance as scikit-learn scales it: relative to the data's spread. */
    double var = 0;
    for (uint32_t q = 0; q < d; q++) {
        double s = 0, s2 = 0;
        for (uint32_t i = 0; i < m; i++) {
            double v = xs[(size_t)i * d + q];
            s += v, s2 += v * v;
        }
        double mean = s / m;
        var += s2 / m - mean * mean;
    }
    double tol = REL_TOL * var / d;

    uint64_t ptotal = (uint64_t)k + max_iter + 1;
    if ((rc = seed_plusplus(&cx, xs, xns, m, &rng, p, ptotal, e))) goto fail_blas;
    centre_norms(&cx);
    progress_update(p, k, ptotal);

    double inertia;
    if (!minibatch) {
        for (uint32_t it = 0; it < max_iter; it++) {
            uint64_t changed = assign_all(&cx, x, w.xn, n, out->assign, w.mind, 1, &inertia);
            if (changed == 0) break; /* the centres already are the means of these sets */
            double shift = lloyd_update(&cx, &w, x, n, out->assign);
            progress_update(p, (uint64_t)k + it + 1, ptotal);
            if (shift <= tol) break;
        }
    } else {
        uint64_t *seen = calloc(k, sizeof *seen);
        if (!seen) {
            rc = hv_errf(e, HV_ENOMEM, "kmeans: out of memory");
            goto fail_blas;
        }
        double ewa = 0, best = INFINITY;
        double alpha = 2.0 * batch / ((double)n + 1);
        if (alpha > 1) alpha = 1;
        uint32_t stale = 0;
        for (uint32_t it = 0; it < max_iter; it++) {
            double bi, shift = minibatch_step(&cx, &w, x, n, batch, &rng, seen, &bi);
            progress_update(p, (uint64_t)k + it + 1, ptotal);
            if (it == 0) ewa = bi;
            else ewa = ewa * (1 - alpha) + bi * alpha;
            /* Skip the first batch's shift: it moves each seed to a batch mean. */
            if (it > 0 && shift <= tol) break;
            if (ewa < best) best = ewa, stale = 0;
            else if (++stale >= MB_NO_IMPROVEMENT) break;
        }
        free(seen);
    }

    /* Final pass; an empty cluster gets the farthest row as its centre, and
     * then one more pass lets its neighbours join it. */
    for (int pass = 0; pass < 2; pass++) {
        assign_all(&cx, x, w.xn, n, out->assign, w.mind, 0, &inertia);
        memset(w.cnt, 0, k * sizeof *w.cnt);
        for (uint32_t i = 0; i < n; i++) w.cnt[out->assign[i]]++;
        if (pass == 1 || !reseed_empty(&cx, x, n, out->assign, w.mind, NULL, w.cnt)) break;
        centre_norms(&cx);
    }
    double in = 0;
    for (uint32_t i = 0; i < n; i++) in += w.mind[i]; /* reflects rows a re-seed moved */
    inertia = in;
    memset(out->size, 0, k * sizeof *out->size);
    for (uint32_t i = 0; i < n; i++) out->size[out->assign[i]]++;
    out->inertia = inertia;
    progress_update(p, ptotal, ptotal);

    openblas_set_num_threads(blas_threads);
    out->centroids = cx.C;
    cx.C = NULL;
    work_free(&w, &cx);
    return HV_OK;

fail_blas:
    openblas_set_num_threads(blas_threads);
fail:
    work_free(&w, &cx);
    kmeans_free(out);
    return rc;
}
