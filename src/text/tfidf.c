/* tfidf.c - one pass over the texts into a CSR of raw counts, then idf,
 * min_df and L2 applied in place (see tfidf.h).
 *
 * Parallel shape: the callback may only be called from one thread, so texts
 * are fetched serially a block at a time into one buffer; the block is then
 * split into one contiguous run of documents per thread, each thread
 * tokenizes its run into a private buffer, and after a barrier the private
 * buffers are copied to their final place in the CSR.  The result does not
 * depend on the thread count. */
#include "text/tfidf.h"

#include <math.h>
#include <omp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "text/tokenize.h"

/* A block: enough documents to keep both cores busy between serial
 * fetches, few enough that the block's texts stay in cache-sized memory. */
#define BLOCK_DOCS 8192
#define BLOCK_BYTES ((size_t)32 << 20)
/* Per-thread document-frequency arrays cost threads x n_features x 4 bytes;
 * beyond this the caller must lower one of them. */
#define MAX_DF_BYTES ((size_t)1 << 30)

typedef struct thread_state {
    hv_featvec fv;
    uint32_t *tmp;
    size_t tmpcap;
    uint32_t *col; /* this block's entries of this thread's documents */
    float *cnt;
    size_t n, cap;
    uint32_t *df; /* document frequencies of the documents it saw */
    uint32_t first, count; /* its run of the block */
    bool oom;
} thread_state;

static int grow_local(thread_state *ts, size_t need) {
    if (ts->n + need <= ts->cap) return 0;
    size_t cap = ts->cap ? ts->cap : 4096;
    while (cap < ts->n + need) cap *= 2;
    uint32_t *c = realloc(ts->col, cap * sizeof *c);
    if (!c) return -1;
    ts->col = c;
    float *v = realloc(ts->cnt, cap * sizeof *v);
    if (!v) return -1;
    ts->cnt = v;
    ts->cap = cap;
    return 0;
}

/* Tokenize one document and append its distinct features with their counts
 * (ascending) to ts; *nnz gets how many. */
static int count_doc(thread_state *ts, const char *text, size_t len, uint32_t n_features, uint32_t *nnz) {
    *nnz = 0;
    if (token_features(text, len, n_features, &ts->fv)) return -1;
    size_t m = ts->fv.n;
    if (m == 0) return 0;
    if (m > ts->tmpcap) {
        uint32_t *t = realloc(ts->tmp, m * sizeof *t);
        if (!t) return -1;
        ts->tmp = t;
        ts->tmpcap = m;
    }
    token_sort_u32(ts->fv.v, ts->tmp, m);
    if (grow_local(ts, m)) return -1;
    const uint32_t *f = ts->fv.v;
    uint32_t k = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i + 1;
        while (j < m && f[j] == f[i]) j++;
        ts->col[ts->n + k] = f[i];
        ts->cnt[ts->n + k] = (float)(j - i);
        ts->df[f[i]]++;
        k++;
        i = j;
    }
    ts->n += k;
    *nnz = k;
    return 0;
}

static int grow_matrix(hv_spmat *m, uint64_t *cap, uint64_t need) {
    if (need <= *cap) return 0;
    /* 1.5x: large reallocs are mremap'd by glibc, so growth costs no copy
     * and the untouched tail no memory */
    uint64_t c = *cap ? *cap : 1 << 16;
    while (c < need) c += c / 2;
    if (c > SIZE_MAX / sizeof(float)) return -1;
    uint32_t *col = realloc(m->col, (size_t)c * sizeof *col);
    if (!col) return -1;
    m->col = col;
    float *val = realloc(m->val, (size_t)c * sizeof *val);
    if (!val) return -1;
    m->val = val;
    *cap = c;
    return 0;
}

void tfidf_free(hv_tfidf *t) {
    if (!t) return;
    free(t->m.off);
    free(t->m.col);
    free(t->m.val);
    free(t->df);
    memset(t, 0, sizeof *t);
}

static void free_threads(thread_state *ts, int nt) {
    if (!ts) return;
    for (int t = 0; t < nt; t++) {
        featvec_free(&ts[t].fv);
        free(ts[t].tmp);
        free(ts[t].col);
        free(ts[t].cnt);
        free(ts[t].df);
    }
    free(ts);
}

/* Pass over the texts: raw counts into out->m, document frequencies. */
static int count_pass(uint32_t n, hv_text_fn text, void *ud, uint32_t F, int T, hv_tfidf *out, hv_progress *p,
                      hv_err *e) {
    hv_spmat *m = &out->m;
    int rc = HV_OK;
    uint64_t cap = 0;
    hv_buf texts = {0}, one = {0};
    size_t *toff = malloc((BLOCK_DOCS + 1) * sizeof *toff);
    uint32_t *bnnz = malloc(BLOCK_DOCS * sizeof *bnnz);
    thread_state *ts = calloc((size_t)T, sizeof *ts);
    if (!toff || !bnnz || !ts) {
        rc = hv_errf(e, HV_ENOMEM, "tf-idf: out of memory");
        goto done;
    }
    for (int t = 0; t < T; t++)
        if (!(ts[t].df = calloc(F, sizeof *ts[t].df))) {
            rc = hv_errf(e, HV_ENOMEM, "tf-idf: out of memory");
            goto done;
        }
    texts.max = BLOCK_BYTES + TFIDF_MAX_DOC_BYTES + 1;
    m->off[0] = 0;
    for (uint32_t r0 = 0; r0 < n;) {
        /* fetch a block serially */
        hv_buf_clear(&texts);
        toff[0] = 0;
        uint32_t nb = 0;
        while (r0 + nb < n && nb < BLOCK_DOCS && texts.n < BLOCK_BYTES) {
            if ((rc = text(ud, r0 + nb, &one, e))) {
                hv_err_prefix(e, "text of row %u: ", r0 + nb);
                goto done;
            }
            size_t len = one.n < TFIDF_MAX_DOC_BYTES ? one.n : TFIDF_MAX_DOC_BYTES;
            if (hv_buf_append(&texts, one.p, len)) {
                rc = hv_errf(e, HV_ENOMEM, "tf-idf: out of memory");
                goto done;
            }
            toff[++nb] = texts.n;
        }
        bool oom = false;
#pragma omp parallel num_threads(T)
        {
            int t = omp_get_thread_num(), nt = omp_get_num_threads();
            thread_state *me = &ts[t];
            me->first = (uint32_t)((uint64_t)nb * (uint64_t)t / (uint64_t)nt);
            me->count = (uint32_t)((uint64_t)nb * (uint64_t)(t + 1) / (uint64_t)nt) - me->first;
            me->n = 0;
            me->oom = false;
            for (uint32_t i = me->first; i < me->first + me->count; i++)
                if (!me->oom && count_doc(me, texts.p + toff[i], toff[i + 1] - toff[i], F, &bnnz[i])) me->oom = true;
#pragma omp barrier
#pragma omp single
            {
                for (int k = 0; k < nt; k++) oom |= ts[k].oom;
                if (!oom) {
                    for (uint32_t i = 0; i < nb; i++) m->off[r0 + i + 1] = m->off[r0 + i] + bnnz[i];
                    if (grow_matrix(m, &cap, m->off[r0 + nb])) oom = true;
                }
            } /* implicit barrier */
            if (!oom && me->count) {
                uint64_t at = m->off[r0 + me->first];
                memcpy(m->col + at, me->col, me->n * sizeof *me->col);
                memcpy(m->val + at, me->cnt, me->n * sizeof *me->cnt);
            }
        }
        if (oom) {
            rc = hv_errf(e, HV_ENOMEM, "tf-idf: out of memory at row %u", r0);
            goto done;
        }
        r0 += nb;
        progress_update(p, r0, n);
    }
    m->nnz = m->off[n];
    /* sum the per-thread document frequencies (column-parallel) */
#pragma omp parallel for num_threads(T) schedule(static)
    for (uint32_t j = 0; j < F; j++) {
        uint32_t s = 0;
        for (int t = 0; t < T; t++) s += ts[t].df[j];
        out->df[j] = s;
    }
done:
    free_threads(ts, T);
    free(toff);
    free(bnnz);
    hv_buf_free(&texts);
    hv_buf_free(&one);
    return rc;
}

/* idf, min_df, sublinear tf and L2, in place. */
static int weigh(uint32_t n, uint32_t min_df, int T, hv_tfidf *out, const double *idf) {
    hv_spmat *m = &out->m;
    uint32_t empty = 0;
    bool dropped = false;
    for (uint32_t j = 0; j < m->n_cols; j++)
        if (out->df[j] && out->df[j] < min_df) dropped = true;
    /* each row is first compacted to the front of its own old range (no
     * other row is touched, so rows run in parallel)... */
    uint32_t *len = NULL;
    if (dropped && !(len = malloc(((size_t)n ? n : 1) * sizeof *len))) return -1;
#pragma omp parallel for num_threads(T) schedule(dynamic, 4096) reduction(+ : empty)
    for (uint32_t r = 0; r < n; r++) {
        uint64_t a = m->off[r], b = m->off[r + 1], w = a;
        double ss = 0;
        for (uint64_t i = a; i < b; i++) {
            uint32_t c = m->col[i];
            if (idf[c] <= 0) continue; /* dropped by min_df */
            float v = (float)((1.0 + log((double)m->val[i])) * idf[c]);
            m->col[w] = c;
            m->val[w] = v;
            ss += (double)v * v;
            w++;
        }
        if (w == a) empty++;
        else {
            float inv = (float)(1.0 / sqrt(ss));
            for (uint64_t i = a; i < w; i++) m->val[i] *= inv;
        }
        if (len) len[r] = (uint32_t)(w - a);
    }
    out->empty_rows = empty;
    if (!dropped) return 0;
    /* ...then the rows slide down to close the gaps, in order. */
    uint64_t w = 0;
    for (uint32_t r = 0; r < n; r++) {
        uint64_t a = m->off[r];
        uint32_t l = len[r];
        if (w != a && l) {
            memmove(m->col + w, m->col + a, l * sizeof *m->col);
            memmove(m->val + w, m->val + a, l * sizeof *m->val);
        }
        m->off[r] = w;
        w += l;
    }
    m->off[n] = w;
    m->nnz = w;
    free(len);
    return 0;
}

int tfidf_build(uint32_t n, hv_text_fn text, void *ud, const hv_tfidf_opts *o, hv_tfidf *out, hv_progress *p,
                hv_err *e) {
    memset(out, 0, sizeof *out);
    uint32_t F = o->n_features ? o->n_features : (uint32_t)1 << 18;
    if (F > TFIDF_MAX_FEATURES) return hv_errf(e, HV_EUSAGE, "tf-idf: %u features, at most %u", F, TFIDF_MAX_FEATURES);
    int T = o->threads > 0 ? o->threads : omp_get_max_threads();
    if (T < 1) T = 1;
    if ((size_t)T * F * sizeof(uint32_t) > MAX_DF_BYTES)
        return hv_errf(e, HV_EUSAGE, "tf-idf: %d threads x %u features need too much memory for the counts", T, F);
    hv_spmat *m = &out->m;
    m->n_rows = n;
    m->n_cols = F;
    m->off = malloc(((size_t)n + 1) * sizeof *m->off);
    out->df = calloc(F, sizeof *out->df);
    double *idf = malloc(F * sizeof *idf);
    int rc = HV_OK;
    if (!m->off || !out->df || !idf) {
        rc = hv_errf(e, HV_ENOMEM, "tf-idf: out of memory");
        goto fail;
    }
    if ((rc = count_pass(n, text, ud, F, T, out, p, e))) goto fail;
    uint32_t min_df = o->min_df ? o->min_df : 1;
    out->kept_features = 0;
    for (uint32_t j = 0; j < F; j++) {
        if (out->df[j] >= min_df) {
            idf[j] = log((1.0 + n) / (1.0 + out->df[j])) + 1.0;
            out->kept_features++;
        } else idf[j] = 0;
    }
    if (weigh(n, min_df, T, out, idf)) {
        rc = hv_errf(e, HV_ENOMEM, "tf-idf: out of memory");
        goto fail;
    }
    free(idf);
    /* give back the growth slack (mremap: no copy) */
    if (m->nnz) {
        uint32_t *col = realloc(m->col, m->nnz * sizeof *col);
        if (col) m->col = col;
        float *val = realloc(m->val, m->nnz * sizeof *val);
        if (val) m->val = val;
    }
    return HV_OK;
fail:
    free(idf);
    tfidf_free(out);
    return rc;
}
