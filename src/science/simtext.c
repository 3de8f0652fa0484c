/* simtext.c - metadata and card texts, tokenizing, the vocabulary, and the
 * three similarity measures. */
#include "science/simtext.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"
#include "ingest/frontmatter.h"

/* ---- texts --------------------------------------------------------------- */

#define LIT(b, s) hv_buf_append((b), (s), sizeof(s) - 1)

static int put_quoted(hv_buf *b, hv_sv s) {
    return hv_buf_putc(b, '\'') || hv_buf_append(b, s.p, s.n) || hv_buf_putc(b, '\'');
}

int sci_meta_text(const hv_sci_view *v, uint32_t row, bool strip, hv_buf *b) {
    hv_buf_clear(b);
    hv_sv id = strip ? hv_sv_make("", 0) : sci_id(v, row);
    int bad = LIT(b, "{'id': ") || put_quoted(b, id);
    bad = bad || hv_buf_printf(b, ", 'likes': %" PRId64, v->likes[row]);
    double t = v->trending[row];
    if (t == floor(t) && fabs(t) < 1e15) bad = bad || hv_buf_printf(b, ", 'trendingScore': %" PRId64, (int64_t)t);
    else bad = bad || hv_buf_printf(b, ", 'trendingScore': %.17g", t);
    bad = bad || hv_buf_printf(b, ", 'private': %s", v->is_private[row] ? "True" : "False");
    bad = bad || hv_buf_printf(b, ", 'downloads': %" PRId64 ", 'tags': [", v->downloads[row]);
    bool first = true;
    for (uint64_t i = v->tags.off[row]; i < v->tags.off[row + 1]; i++) {
        hv_sv tag = sci_str(v, v->tags.val[i]);
        if (strip && hv_sv_starts(tag, "base_model:")) continue;
        if (!first) bad = bad || hv_buf_append(b, ", ", 2);
        bad = bad || put_quoted(b, tag);
        first = false;
    }
    bad = bad || hv_buf_putc(b, ']');
    if (v->pipeline[row]) bad = bad || LIT(b, ", 'pipeline_tag': ") || put_quoted(b, sci_str(v, v->pipeline[row]));
    if (v->library[row]) bad = bad || LIT(b, ", 'library_name': ") || put_quoted(b, sci_str(v, v->library[row]));
    if (v->has[row] & HV_HAS_CREATED) {
        char ts[48];
        hv_format_time(v->created_at[row], ts);
        /* the Hub writes milliseconds: 2024-03-02T00:00:00.000Z */
        size_t tl = strlen(ts);
        if (tl && ts[tl - 1] == 'Z' && !strchr(ts, '.') && tl + 4 < sizeof ts) memcpy(ts + tl - 1, ".000Z", 6);
        bad = bad || LIT(b, ", 'createdAt': ") || put_quoted(b, hv_sv_cstr(ts));
    }
    bad = bad || LIT(b, ", 'modelId': ") || put_quoted(b, id) || hv_buf_putc(b, '}');
    return bad ? -1 : 0;
}

/* The card body after a leading YAML block ("---" line ... "---" line). */
/* The card without its YAML front matter, located exactly as ingest
 * locates it (leading blank lines allowed: 121 of the 1,818 real cards start
 * with "\n---"). */
static hv_sv drop_front_matter(hv_sv s) { return frontmatter_body(s); }

/* Byte length of the first k code points of s (or all of s), and how many
 * code points that is. */
static size_t prefix_chars(hv_sv s, size_t k, size_t *nchars) {
    size_t i = 0, c = 0;
    while (i < s.n && c < k) {
        unsigned char ch = (unsigned char)s.p[i++];
        if (ch >= 0xC0)
            while (i < s.n && ((unsigned char)s.p[i] & 0xC0) == 0x80) i++;
        c++;
    }
    *nchars = c;
    return i;
}

int sci_card_text(hv_cardstore *cards, const hv_sci_view *v, uint32_t row, bool drop_fm, hv_buf *tmp, hv_buf *out,
                  bool *valid, hv_err *e) {
    *valid = false;
    hv_buf_clear(out);
    if (!cards || !v->has_card[row] || v->card_autogen[row] || v->card_ref[row] == HV_NO_ROW ||
        v->card_ref[row] >= cardstore_count(cards))
        return HV_OK;
    if (!drop_fm && v->card_chars[row] < SCI_CARD_CHARS) return HV_OK;
    int rc = cardstore_get(cards, v->card_ref[row], tmp, e);
    if (rc) return rc;
    hv_sv s = hv_sv_make(tmp->p, tmp->n);
    if (drop_fm) s = drop_front_matter(s);
    size_t nchars, nbytes = prefix_chars(s, SCI_CARD_CHARS, &nchars);
    if (nchars < SCI_CARD_CHARS) return HV_OK;
    if (hv_buf_append(out, s.p, nbytes)) return hv_errf(e, HV_ENOMEM, "out of memory");
    *valid = true;
    return HV_OK;
}

int sci_card_full(hv_cardstore *cards, const hv_sci_view *v, uint32_t row, bool drop_fm, hv_buf *out, bool *has,
                  hv_err *e) {
    *has = false;
    hv_buf_clear(out);
    if (!cards || v->card_ref[row] == HV_NO_ROW || v->card_ref[row] >= cardstore_count(cards)) return HV_OK;
    int rc = cardstore_get(cards, v->card_ref[row], out, e);
    if (rc) return rc;
    if (drop_fm) {
        hv_sv body = drop_front_matter(hv_sv_make(out->p, out->n));
        memmove(out->p, body.p, body.n);
        out->n = body.n;
    }
    *has = true;
    return HV_OK;
}

/* ---- Levenshtein ----------------------------------------------------------- */

static size_t decode(hv_sv s, uint32_t *out) {
    size_t n = 0;
    for (size_t i = 0; i < s.n;) {
        unsigned char c = (unsigned char)s.p[i];
        uint32_t cp = c;
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (len > 1 && i + len <= s.n) {
            cp = c & (0xFFu >> (len + 1));
            for (size_t k = 1; k < len; k++) {
                unsigned char d = (unsigned char)s.p[i + k];
                if ((d & 0xC0) != 0x80) { len = 1; cp = c | 0x80000000u; break; }
                cp = cp << 6 | (d & 0x3F);
            }
        } else if (len > 1) {
            len = 1;
            cp = c | 0x80000000u; /* a stray byte: its own symbol */
        }
        out[n++] = cp;
        i += len;
    }
    return n;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Myers' bit-vector algorithm in Hyyro's block form: the pattern (a) down
 * the columns in blocks of 64 rows, the text (b) one symbol at a time. */
static uint64_t myers(const uint32_t *a, size_t m, const uint32_t *b, size_t n) {
    if (!m) return n;
    if (!n) return m;
    size_t nb = (m + 63) / 64;
    uint32_t *sym = malloc(m * sizeof *sym);
    if (!sym) return UINT64_MAX;
    memcpy(sym, a, m * sizeof *sym);
    qsort(sym, m, sizeof *sym, cmp_u32);
    size_t ns = 0;
    for (size_t i = 0; i < m; i++)
        if (!ns || sym[ns - 1] != sym[i]) sym[ns++] = sym[i];
    uint64_t *peq = calloc(ns * nb, sizeof *peq), *pv = malloc(nb * sizeof *pv), *mv = calloc(nb, sizeof *mv);
    if (!peq || !pv || !mv) {
        free(sym); free(peq); free(pv); free(mv);
        return UINT64_MAX;
    }
    for (size_t i = 0; i < m; i++) {
        uint32_t *f = bsearch(&a[i], sym, ns, sizeof *sym, cmp_u32);
        peq[(size_t)(f - sym) * nb + i / 64] |= 1ull << (i % 64);
    }
    for (size_t k = 0; k < nb; k++) pv[k] = ~0ull;
    uint64_t last = 1ull << ((m - 1) % 64);
    uint64_t score = m;
    for (size_t j = 0; j < n; j++) {
        uint32_t *f = bsearch(&b[j], sym, ns, sizeof *sym, cmp_u32);
        const uint64_t *eqs = f ? peq + (size_t)(f - sym) * nb : NULL;
        int hin = 1; /* D[0][j] = j: the top row rises by one per text symbol */
        for (size_t k = 0; k < nb; k++) {
            uint64_t eq = eqs ? eqs[k] : 0, P = pv[k], M = mv[k];
            uint64_t xv = eq | M;
            if (hin < 0) eq |= 1;
            uint64_t xh = (((eq & P) + P) ^ P) | eq;
            uint64_t ph = M | ~(xh | P), mh = P & xh;
            uint64_t hb = k + 1 == nb ? last : 1ull << 63;
            int hout = (ph & hb) ? 1 : (mh & hb) ? -1 : 0;
            ph <<= 1;
            mh <<= 1;
            if (hin < 0) mh |= 1;
            else if (hin > 0) ph |= 1;
            pv[k] = mh | ~(xv | ph);
            mv[k] = ph & xv;
            hin = hout;
        }
        score += (uint64_t)(int64_t)hin;
    }
    free(sym); free(peq); free(pv); free(mv);
    return score;
}

uint64_t sci_levenshtein(hv_sv a, hv_sv b) {
    uint32_t *x = malloc((a.n ? a.n : 1) * sizeof *x), *y = malloc((b.n ? b.n : 1) * sizeof *y);
    if (!x || !y) { free(x); free(y); return UINT64_MAX; }
    size_t m = decode(a, x), n = decode(b, y);
    uint64_t d = m <= n ? myers(x, m, y, n) : myers(y, n, x, m);
    free(x);
    free(y);
    return d;
}

double sci_lev_similarity(hv_sv a, hv_sv b) {
    uint32_t *x = malloc((a.n ? a.n : 1) * sizeof *x), *y = malloc((b.n ? b.n : 1) * sizeof *y);
    if (!x || !y) { free(x); free(y); return NAN; }
    size_t m = decode(a, x), n = decode(b, y);
    double s = 1.0;
    if (m || n) {
        uint64_t d = m <= n ? myers(x, m, y, n) : myers(y, n, x, m);
        s = d == UINT64_MAX ? NAN : 1.0 - (double)d / (double)(m > n ? m : n);
    }
    free(x);
    free(y);
    return s;
}

/* ---- tokens, vocabulary, vectors ----------------------------------------- */

/* sklearn's token_pattern \b\w\w+\b on lower-cased text: runs of word
 * characters (ASCII letters, digits, '_', and every non-ASCII byte, which
 * stands in for Unicode letters) of at least 2 characters. */
static bool wordc(unsigned char c) { return c >= 0x80 || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

typedef int (*term_fn)(void *ud, hv_sv term);

/* Calls fn for every unigram, then every bigram ("a b"), lower-cased. */
static int each_term(hv_sv text, hv_buf *scratch, term_fn fn, void *ud) {
    hv_buf_clear(scratch);
    /* lower-cased tokens, NUL-separated, into scratch */
    size_t ntok = 0;
    for (size_t i = 0; i < text.n;) {
        if (!wordc((unsigned char)text.p[i])) { i++; continue; }
        size_t j = i, chars = 0;
        while (j < text.n && wordc((unsigned char)text.p[j])) {
            if (((unsigned char)text.p[j] & 0xC0) != 0x80) chars++;
            j++;
        }
        if (chars >= 2) {
            for (size_t k = i; k < j; k++) {
                char c = text.p[k];
                if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
                if (hv_buf_putc(scratch, c)) return -1;
            }
            if (hv_buf_putc(scratch, '\0')) return -1;
            ntok++;
        }
        i = j;
    }
    const char *prev = NULL;
    char pair[1024];
    for (size_t off = 0; off < scratch->n;) {
        const char *tok = scratch->p + off;
        size_t len = strlen(tok);
        if (fn(ud, hv_sv_make(tok, len))) return -1;
        if (prev) {
            size_t pl = strlen(prev);
            if (pl + 1 + len < sizeof pair) {
                memcpy(pair, prev, pl);
                pair[pl] = ' ';
                memcpy(pair + pl + 1, tok, len);
                if (fn(ud, hv_sv_make(pair, pl + 1 + len))) return -1;
            }
        }
        prev = tok;
        off += len + 1;
    }
    return 0;
}

int sci_vocab_init(sci_vocab *v) {
    memset(v, 0, sizeof *v);
    v->terms = strpool_new();
    return v->terms ? 0 : -1;
}

void sci_vocab_free(sci_vocab *v) {
    strpool_free(v->terms);
    free(v->count);
    free(v->df);
    free(v->last_doc);
    free(v->feat_of_term);
    hv_buf_free(&v->scratch);
    memset(v, 0, sizeof *v);
}

static int count_term(void *ud, hv_sv term) {
    sci_vocab *v = ud;
    uint32_t id;
    if (strpool_intern(v->terms, term, &id)) return -1;
    if (id >= v->cap) {
        uint32_t nc = v->cap ? v->cap * 2 : 4096;
        while (nc <= id) nc *= 2;
        uint64_t *c = realloc(v->count, nc * sizeof *c);
        if (c) v->count = c;
        uint64_t *d = realloc(v->df, nc * sizeof *d);
        if (d) v->df = d;
        uint32_t *l = realloc(v->last_doc, nc * sizeof *l);
        if (l) v->last_doc = l;
        if (!c || !d || !l) return -1;
        memset(v->count + v->cap, 0, (nc - v->cap) * sizeof *c);
        memset(v->df + v->cap, 0, (nc - v->cap) * sizeof *d);
        memset(v->last_doc + v->cap, 0xFF, (nc - v->cap) * sizeof *l);
        v->cap = nc;
    }
    v->count[id]++;
    if (v->last_doc[id] != (uint32_t)v->ndocs) {
        v->last_doc[id] = (uint32_t)v->ndocs;
        v->df[id]++;
    }
    return 0;
}

int sci_vocab_add(sci_vocab *v, hv_sv text) {
    if (each_term(text, &v->scratch, count_term, v)) return -1;
    v->ndocs++;
    return 0;
}

static int cmp_term(const void *a, const void *b, void *ctx) {
    const sci_vocab *sort_vocab = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (sort_vocab->count[x] != sort_vocab->count[y]) return sort_vocab->count[x] > sort_vocab->count[y] ? -1 : 1;
    hv_sv s = strpool_get(sort_vocab->terms, x), t = strpool_get(sort_vocab->terms, y);
    size_t n = s.n < t.n ? s.n : t.n;
    int c = memcmp(s.p, t.p, n);
    return c ? c : (s.n < t.n ? -1 : s.n > t.n);
}

int sci_vocab_finish(sci_vocab *v) {
    uint32_t nterms = strpool_count(v->terms);
    uint32_t *ids = malloc((nterms ? nterms : 1) * sizeof *ids);
    v->feat_of_term = malloc((nterms ? nterms : 1) * sizeof *v->feat_of_term);
    if (!ids || !v->feat_of_term) { free(ids); return -1; }
    uint32_t k = 0;
    for (uint32_t t = 1; t < nterms; t++)
        if (t < v->cap && v->count[t]) ids[k++] = t;
    /* top SCI_VOCAB by corpus frequency, ties by term (sklearn's tie order
     * is its argsort's; ours is stable and documented) */
    qsort_r(ids, k, sizeof *ids, cmp_term, v);
    memset(v->feat_of_term, 0xFF, (nterms ? nterms : 1) * sizeof *v->feat_of_term);
    v->nfeat = k < SCI_VOCAB ? k : SCI_VOCAB;
    for (uint32_t f = 0; f < v->nfeat; f++) {
        v->feat_term[f] = ids[f];
        v->feat_of_term[ids[f]] = f;
        v->idf[f] = log((1.0 + (double)v->ndocs) / (1.0 + (double)v->df[ids[f]])) + 1.0;
    }
    free(ids);
    return 0;
}

typedef struct vec_ctx {
    sci_vocab *v;
    uint32_t *dense;
} vec_ctx;

static int vec_term(void *ud, hv_sv term) {
    vec_ctx *c = ud;
    uint32_t id;
    if (!strpool_find(c->v->terms, term, &id)) return 0;
    uint32_t f = c->v->feat_of_term[id];
    if (f != UINT32_MAX) c->dense[f]++;
    return 0;
}

int sci_vectorize(sci_vocab *v, hv_sv text, sci_vec *out) {
    uint32_t dense[SCI_VOCAB] = {0};
    vec_ctx c = {v, dense};
    if (each_term(text, &v->scratch, vec_term, &c)) return -1;
    out->n = 0;
    for (uint32_t f = 0; f < v->nfeat; f++)
        if (dense[f]) {
            out->feat[out->n] = (uint16_t)f;
            out->cnt[out->n++] = dense[f];
        }
    return 0;
}

static double cosine(const sci_vec *a, const sci_vec *b, const double *w) {
    double dot = 0, na = 0, nb = 0;
    for (uint32_t i = 0; i < a->n; i++) {
        double x = a->cnt[i] * (w ? w[a->feat[i]] : 1.0);
        na += x * x;
    }
    for (uint32_t i = 0; i < b->n; i++) {
        double x = b->cnt[i] * (w ? w[b->feat[i]] : 1.0);
        nb += x * x;
    }
    for (uint32_t i = 0, j = 0; i < a->n && j < b->n;) {
        if (a->feat[i] < b->feat[j]) i++;
        else if (a->feat[i] > b->feat[j]) j++;
        else {
            double wf = w ? w[a->feat[i]] : 1.0;
            dot += (double)a->cnt[i] * wf * (double)b->cnt[j] * wf;
            i++;
            j++;
        }
    }
    return na > 0 && nb > 0 ? dot / (sqrt(na) * sqrt(nb)) : 0.0;
}

double sci_cos_bow(const sci_vec *a, const sci_vec *b) { return cosine(a, b, NULL); }
double sci_cos_tfidf(const sci_vocab *v, const sci_vec *a, const sci_vec *b) { return cosine(a, b, v->idf); }
