/* bert.c - the BERT encoder's forward pass over a packed batch.
 *
 *   x = LayerNorm(word[id] + position[p] + token_type[0])
 *   per layer:  qkv = x W_qkv^T + b            (one GEMM over all tokens)
 *               ctx = softmax(q k^T / sqrt(d)) v  per sequence and head
 *               x = LayerNorm(x + ctx W_o^T + b_o)
 *               x = LayerNorm(x + act(x W_1^T + b_1) W_2^T + b_2)
 *   pool (mean over the sequence's tokens, its [CLS] token, or max), then
 *   L2-normalise when the folder lists a Normalize module.
 *
 * Matches Hugging Face's BertModel in float32 (erf GELU, LayerNorm with the
 * config's epsilon, the attention mask's effect by not packing padding). */
#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "embed/bert/bert_int.h"

const hv_bert_info *bert_info(const hv_bert *b) { return &b->info; }

int bert_tokenize(const hv_bert *b, const char *text, size_t len, uint32_t *ids, uint32_t *n, hv_err *e) {
    return wp_encode(b->wp, text, len, b->info.max_len, ids, n, e);
}

static void layer_norm(float *x, size_t rows, uint32_t h, const float *g, const float *bias, float eps) {
#pragma omp parallel for schedule(static)
    for (size_t r = 0; r < rows; r++) {
        float *v = x + r * h;
        double mean = 0, var = 0;
        for (uint32_t i = 0; i < h; i++) mean += v[i];
        mean /= h;
        for (uint32_t i = 0; i < h; i++) {
            double d = v[i] - mean;
            var += d * d;
        }
        var /= h;
        float inv = (float)(1.0 / sqrt(var + eps)), m = (float)mean;
        for (uint32_t i = 0; i < h; i++) v[i] = (v[i] - m) * inv * g[i] + bias[i];
    }
}

/* y[rows][out] = x[rows][in] W[out][in]^T + b.  The rows are split over
 * the OpenMP threads, each running a single-threaded GEMM on its block:
 * one thread pool, not OpenMP's and OpenBLAS's taking turns (see
 * bert_threads_begin). */
static void linear(const float *x, size_t rows, uint32_t in, const float *w, const float *bias, uint32_t out,
                   float *y) {
#pragma omp parallel
    {
        int nt = omp_get_num_threads(), t = omp_get_thread_num();
        size_t per = (rows + (size_t)nt - 1) / (size_t)nt, r0 = per * (size_t)t;
        size_t r1 = r0 + per < rows ? r0 + per : rows;
        if (r0 < r1) {
            for (size_t r = r0; r < r1; r++) memcpy(y + r * out, bias, out * sizeof *y);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (blasint)(r1 - r0), (blasint)out, (blasint)in, 1.0f,
                        x + r0 * in, (blasint)in, w, (blasint)in, 1.0f, y + r0 * out, (blasint)out);
        }
    }
}

/* erf as a rational function of x (the float approximation Eigen and XLA
 * use): max abs error 4e-7 against erf over the reals (tested), and unlike
 * libm's erff it vectorises. */
static inline float erf_fast(float x) {
    x = x < 4.0f ? x : 4.0f; /* clamp without control flow: the loop stays vectorisable */
    x = x > -4.0f ? x : -4.0f;
    float x2 = x * x;
    float p = -2.72614225801306e-10f;
    p = p * x2 + 2.77068142495902e-08f;
    p = p * x2 + -2.10102402082508e-06f;
    p = p * x2 + -5.69250639462346e-05f;
    p = p * x2 + -7.34990630326855e-04f;
    p = p * x2 + -2.95459980854025e-03f;
    p = p * x2 + -1.60960333262415e-02f;
    float q = -1.45660718464996e-05f;
    q = q * x2 + -2.13374055278905e-04f;
    q = q * x2 + -1.68282697438203e-03f;
    q = q * x2 + -7.37332916720468e-03f;
    q = q * x2 + -1.42647390514189e-02f;
    return x * p / q;
}

static void activate(float *x, size_t n, int act) {
    if (act == BERT_ACT_RELU) {
#pragma omp parallel for simd schedule(static)
        for (size_t i = 0; i < n; i++) x[i] = x[i] > 0 ? x[i] : 0;
    } else if (act == BERT_ACT_GELU_TANH) {
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < n; i++) {
            float v = x[i];
            x[i] = 0.5f * v * (1.0f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
        }
    } else {
#pragma omp parallel for simd schedule(static)
        for (size_t i = 0; i < n; i++) x[i] = 0.5f * x[i] * (1.0f + erf_fast(x[i] * 0.70710678118654752f));
    }
}

/* ctx[T][H] from qkv[T][3H]: each sequence's tokens attend to that sequence
 * only.  Per (sequence, head): scores = q k^T / sqrt(d) and ctx = softmax(scores) v
 * as two small single-threaded GEMMs over the strided head columns. */
static void attention(const float *qkv, float *ctx, const size_t *off, const uint32_t *lens, size_t nseq, uint32_t h,
                      uint32_t heads, uint32_t maxlen) {
    uint32_t d = h / heads;
    float scale = 1.0f / sqrtf((float)d);
    size_t work = nseq * heads;
    blasint ld = (blasint)(3 * h);
#pragma omp parallel
    {
        float *sc = malloc((size_t)maxlen * maxlen * sizeof *sc);
#pragma omp for schedule(dynamic, 1)
        for (size_t wk = 0; wk < work; wk++) {
            if (!sc) continue;
            size_t s = wk / heads, hd = wk % heads;
            uint32_t L = lens[s];
            const float *q = qkv + off[s] * 3 * h + hd * d, *k = q + h, *v = q + 2 * h;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (blasint)L, (blasint)L, (blasint)d, scale, q, ld, k,
                        ld, 0.0f, sc, (blasint)L);
            for (uint32_t i = 0; i < L; i++) {
                float *p = sc + (size_t)i * L;
                float mx = p[0];
                for (uint32_t j = 1; j < L; j++) mx = p[j] > mx ? p[j] : mx;
                float sum = 0;
                for (uint32_t j = 0; j < L; j++) sum += p[j] = expf(p[j] - mx);
                float inv = 1.0f / sum;
#pragma omp simd
                for (uint32_t j = 0; j < L; j++) p[j] *= inv;
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)L, (blasint)d, (blasint)L, 1.0f, sc,
                        (blasint)L, v, ld, 0.0f, ctx + off[s] * h + hd * d, (blasint)h);
        }
        free(sc);
    }
}

int bert_embed_ids(const hv_bert *b, const uint32_t *const *seqs, const uint32_t *lens, size_t nseq, float *out,
                   hv_err *e) {
    const hv_bert_info *in = &b->info;
    uint32_t h = in->hidden, inter = in->intermediate;
    size_t T = 0;
    uint32_t maxlen = 0;
    for (size_t s = 0; s < nseq; s++) {
        if (lens[s] == 0 || lens[s] > in->max_position)
            return hv_errf(e, HV_EINPUT, "sequence %zu has %u tokens; the model takes 1..%u", s, lens[s],
                           in->max_position);
        for (uint32_t i = 0; i < lens[s]; i++)
            if (seqs[s][i] >= in->vocab)
                return hv_errf(e, HV_EINPUT, "token id %u outside the vocabulary (%u)", seqs[s][i], in->vocab);
        T += lens[s];
        if (lens[s] > maxlen) maxlen = lens[s];
    }
    if (nseq == 0) return 0;
    size_t *off = malloc((nseq + 1) * sizeof *off);
    float *x = malloc(T * h * sizeof *x);
    float *big = malloc(T * (size_t)(3 * h > inter ? 3 * h : inter) * sizeof *big); /* qkv, then the intermediate */
    float *tmp = malloc(T * h * sizeof *tmp);
    int rc = 0;
    if (!off || !x || !big || !tmp) {
        rc = hv_errf(e, HV_ENOMEM, "out of memory for a batch of %zu tokens", T);
        goto done;
    }
    off[0] = 0;
    for (size_t s = 0; s < nseq; s++) off[s + 1] = off[s] + lens[s];
    int blas_threads = openblas_get_num_threads();
    openblas_set_num_threads(1); /* linear() splits the rows over OpenMP's threads itself */
    /* embeddings */
#pragma omp parallel for schedule(static)
    for (size_t s = 0; s < nseq; s++)
        for (uint32_t i = 0; i < lens[s]; i++) {
            float *v = x + (off[s] + i) * h;
            const float *w = b->word + (size_t)seqs[s][i] * h, *p = b->pos + (size_t)i * h;
            for (uint32_t c = 0; c < h; c++) v[c] = w[c] + p[c] + b->type0[c];
        }
    layer_norm(x, T, h, b->emb_ln_g, b->emb_ln_b, in->layer_norm_eps);
    for (uint32_t l = 0; l < in->layers; l++) {
        const bert_layer *L = &b->layer[l];
        linear(x, T, h, L->w_qkv, L->b_qkv, 3 * h, big);
        attention(big, tmp, off, lens, nseq, h, in->heads, maxlen);
        linear(tmp, T, h, L->w_o, L->b_o, h, big); /* big[T][H] now: attention output */
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < T * h; i++) x[i] += big[i];
        layer_norm(x, T, h, L->ln1_g, L->ln1_b, in->layer_norm_eps);
        linear(x, T, h, L->w_1, L->b_1, inter, big);
        activate(big, T * inter, in->activation);
        linear(big, T, inter, L->w_2, L->b_2, h, tmp);
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < T * h; i++) x[i] += tmp[i];
        layer_norm(x, T, h, L->ln2_g, L->ln2_b, in->layer_norm_eps);
    }
    /* pooling */
#pragma omp parallel for schedule(static)
    for (size_t s = 0; s < nseq; s++) {
        float *o = out + s * h;
        const float *v = x + off[s] * h;
        if (in->pooling == BERT_POOL_CLS) {
            memcpy(o, v, h * sizeof *o);
        } else if (in->pooling == BERT_POOL_MAX) {
            memcpy(o, v, h * sizeof *o);
            for (uint32_t i = 1; i < lens[s]; i++)
                for (uint32_t c = 0; c < h; c++)
                    if (v[(size_t)i * h + c] > o[c]) o[c] = v[(size_t)i * h + c];
        } else {
            for (uint32_t c = 0; c < h; c++) {
                double acc = 0;
                for (uint32_t i = 0; i < lens[s]; i++) acc += v[(size_t)i * h + c];
                o[c] = (float)(acc / lens[s]);
            }
        }
        if (in->normalize) {
            double ss = 0;
            for (uint32_t c = 0; c < h; c++) ss += (double)o[c] * o[c];
            double nrm = sqrt(ss);
            float inv = (float)(1.0 / (nrm > 1e-12 ? nrm : 1e-12));
            for (uint32_t c = 0; c < h; c++) o[c] *= inv;
        }
    }
    openblas_set_num_threads(blas_threads);
done:
    free(off);
    free(x);
    free(big);
    free(tmp);
    return rc;
}

/* ---- texts: tokenize, sort by length, batch ---- */

typedef struct lenidx {
    uint32_t len;
    uint32_t idx;
} lenidx;

static int cmp_len(const void *a, const void *b) {
    const lenidx *x = a, *y = b;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

#define CHUNK 32768u /* texts tokenized, sorted and embedded together */

int bert_embed_rows(const hv_bert *b, uint32_t n, hv_text_fn text, void *ud, float *out, hv_progress *p, hv_err *e) {
    const hv_bert_info *in = &b->info;
    uint32_t ml = in->max_len, chunk = n < CHUNK ? (n ? n : 1) : CHUNK;
    uint32_t *ids = malloc((size_t)chunk * ml * sizeof *ids);
    lenidx *order = malloc(chunk * sizeof *order);
    const uint32_t **seqs = malloc(chunk * sizeof *seqs);
    uint32_t *lens = malloc(chunk * sizeof *lens);
    float *vec = malloc((size_t)in->hidden * sizeof *vec * (BERT_BATCH_TOKENS / 2 + 1));
    size_t *toff = malloc(((size_t)chunk + 1) * sizeof *toff);
    hv_buf all = {0}, one = {0};
    int rc = 0;
    if (!ids || !order || !seqs || !lens || !vec || !toff) {
        rc = hv_errf(e, HV_ENOMEM, "out of memory for the encoder's buffers");
        goto done;
    }
    for (uint32_t c0 = 0; c0 < n; c0 += chunk) {
        uint32_t cn = n - c0 < chunk ? n - c0 : chunk;
        /* the texts, one call at a time (the callback is not thread-safe) */
        hv_buf_clear(&all);
        for (uint32_t i = 0; i < cn; i++) {
            hv_buf_clear(&one);
            if ((rc = text(ud, c0 + i, &one, e))) goto done;
            toff[i] = all.n;
            if (hv_buf_append(&all, one.p, one.n)) {
                rc = hv_errf(e, HV_ENOMEM, "out of memory for the texts");
                goto done;
            }
        }
        toff[cn] = all.n;
        int bad = 0;
        hv_err te = {0, ""};
#pragma omp parallel for schedule(dynamic, 64)
        for (uint32_t i = 0; i < cn; i++) {
            uint32_t k = 0;
            hv_err le = {0, ""};
            if (wp_encode(b->wp, (const char *)all.p + toff[i], toff[i + 1] - toff[i], ml, ids + (size_t)i * ml, &k,
                          &le)) {
#pragma omp critical
                if (!bad) {
                    bad = 1;
                    te = le;
                }
            }
            order[i] = (lenidx){k, i};
        }
        if (bad) {
            rc = hv_errf(e, te.code ? te.code : HV_EINPUT, "row %u: %s", c0, te.msg);
            goto done;
        }
        qsort(order, cn, sizeof *order, cmp_len);
        for (uint32_t i = 0; i < cn;) {
            uint32_t j = i;
            size_t tokens = 0;
            while (j < cn && (j == i || tokens + order[j].len <= BERT_BATCH_TOKENS)) {
                tokens += order[j].len;
                seqs[j - i] = ids + (size_t)order[j].idx * ml;
                lens[j - i] = order[j].len;
                j++;
            }
            if ((rc = bert_embed_ids(b, seqs, lens, j - i, vec, e))) goto done;
            for (uint32_t k = i; k < j; k++)
                memcpy(out + ((size_t)c0 + order[k].idx) * in->hidden, vec + (size_t)(k - i) * in->hidden,
                       in->hidden * sizeof *out);
            if (p) progress_update(p, (uint64_t)c0 + j, n);
            i = j;
        }
    }
done:
    hv_buf_free(&all);
    hv_buf_free(&one);
    free(ids);
    free(order);
    free(seqs);
    free(lens);
    free(vec);
    free(toff);
    return rc;
}
