/* wordpiece.c - BERT's basic + WordPiece tokenizer (see wordpiece.h).
 *
 * One pass over the text: each code point is lower-cased and classified on
 * the fly, and a word (the run between whitespace, CJK ideographs and
 * special tokens) is finished as soon as it ends: normalized, split on
 * punctuation and looked up.  So the work stops where max_len is reached,
 * and the only allocations are the word buffers growing past their stack
 * space (a word of more than a few hundred code points).
 *
 * Where this differs in form from transformers, the result is the same:
 *  - transformers lower-cases the text (outside special tokens) one code
 *    point at a time before BasicTokenizer, then again per word after NFC;
 *    the second pass changes nothing: no precomposed character with a
 *    lowercase-stable decomposition has a lowercase mapping of its own
 *    (checked over all of Unicode), so NFC of lowered text is lowered.
 *  - NFC is skipped for words below U+0300 (all NFC-stable), NFD for words
 *    below U+00C0 (no decompositions, no Mn there).
 *  - NFC runs per word, not on the whole text: no whitespace character
 *    composes with its neighbours, and the ones with a canonical
 *    decomposition (U+2000, U+2001) have become spaces by then. */
#include "embed/bert/wordpiece.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/buf.h"
#include "core/utf8.h"

/* Open-addressing table of token -> id; keys point into the pool. */
typedef struct slot {
    uint32_t off, len, id, tag;
} slot;

typedef struct table {
    slot *s;
    uint32_t mask;
    uint32_t max_len; /* longest key, in bytes: longer candidates are not looked up */
} table;

typedef struct special {
    char *s;
    size_t n;
    uint32_t id;
} special;

struct hv_wordpiece {
    char *pool;       /* the vocabulary file's bytes */
    table head, cont; /* tokens; continuations ("##x", keyed without the "##") */
    uint32_t size;    /* lines read = one past the largest id */
    uint32_t unk, cls, sep;
    bool lower, strip, cjk;
    special *sp;      /* never_split, longest first */
    size_t nsp;
    uint8_t sp_first[256]; /* a special token starts with this byte */
};

static const char *const DEFAULT_SPECIALS[] = {"[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"};

void wp_opts_default(hv_wp_opts *o) {
    memset(o, 0, sizeof *o);
    o->do_lower_case = true;
    o->strip_accents = -1;
    o->tokenize_chinese_chars = true;
}

/* ---- the vocabulary table ---- */

static uint64_t hash_bytes(const uint8_t *p, size_t n) {
    uint64_t h = 1469598103934665603ULL; /* FNV-1a: keys are short */
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h ^ (h >> 29);
}

static uint32_t table_get(const table *t, const char *pool, const char *key, size_t n) {
    if (n > t->max_len || !t->s) return HV_WP_NO_ID;
    uint64_t h = hash_bytes((const uint8_t *)key, n);
    uint32_t tag = (uint32_t)(h >> 32);
    for (uint32_t i = (uint32_t)h & t->mask;; i = (i + 1) & t->mask) {
        const slot *s = &t->s[i];
        if (s->id == HV_WP_NO_ID) return HV_WP_NO_ID;
        if (s->tag == tag && s->len == n && memcmp(pool + s->off, key, n) == 0) return s->id;
    }
}

/* Insert or overwrite: a repeated token keeps its last id, like a Python dict. */
static void table_put(table *t, const char *pool, uint32_t off, uint32_t n, uint32_t id) {
    uint64_t h = hash_bytes((const uint8_t *)pool + off, n);
    uint32_t tag = (uint32_t)(h >> 32);
    for (uint32_t i = (uint32_t)h & t->mask;; i = (i + 1) & t->mask) {
        slot *s = &t->s[i];
        if (s->id == HV_WP_NO_ID) {
            *s = (slot){off, n, id, tag};
            if (n > t->max_len) t->max_len = n;
            return;
        }
        if (s->tag == tag && s->len == n && memcmp(pool + s->off, pool + off, n) == 0) {
            s->id = id;
            return;
        }
    }
}

static int table_init(table *t, uint32_t count) {
    if (count > (1u << 30)) return -1;
    uint32_t cap = 16;
    while (cap < 2 * (uint64_t)count) cap *= 2;
    t->s = malloc((size_t)cap * sizeof *t->s);
    if (!t->s) return -1;
    for (uint32_t i = 0; i < cap; i++) t->s[i].id = HV_WP_NO_ID;
    t->mask = cap - 1;
    t->max_len = 0;
    return 0;
}

static bool is_cont(const char *p, size_t n) { return n >= 2 && p[0] == '#' && p[1] == '#'; }

static uint32_t lookup(const hv_wordpiece *wp, const char *tok, size_t n) {
    return is_cont(tok, n) ? table_get(&wp->cont, wp->pool, tok + 2, n - 2) : table_get(&wp->head, wp->pool, tok, n);
}

uint32_t wp_token_id(const hv_wordpiece *wp, const char *token) { return lookup(wp, token, strlen(token)); }
uint32_t wp_vocab_size(const hv_wordpiece *wp) { return wp->size; }
uint32_t wp_unk_id(const hv_wordpiece *wp) { return wp->unk; }
uint32_t wp_cls_id(const hv_wordpiece *wp) { return wp->cls; }
uint32_t wp_sep_id(const hv_wordpiece *wp) { return wp->sep; }

void wp_free(hv_wordpiece *wp) {
    if (!wp) return;
    for (size_t i = 0; i < wp->nsp; i++) free(wp->sp[i].s);
    free(wp->sp);
    free(wp->head.s);
    free(wp->cont.s);
    free(wp->pool);
    free(wp);
}

/* Python's universal newlines: a line ends at \n, \r\n or \r.  Calls f for
 * each line (without its end) and returns the count. */
static uint64_t each_line(const char *p, size_t n, void (*f)(hv_wordpiece *, size_t, size_t, uint32_t),
                          hv_wordpiece *wp) {
    uint64_t line = 0;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] != '\n' && p[j] != '\r') j++;
        f(wp, i, j - i, (uint32_t)line);
        line++;
        if (j < n && p[j] == '\r' && j + 1 < n && p[j + 1] == '\n') j++;
        i = j + 1;
    }
    return line;
}

/* The 1-based line of byte off. */
static uint64_t line_of(const char *p, size_t n, size_t off) {
    uint64_t line = 1;
    for (size_t i = 0; i < off; i++)
        if (p[i] == '\n' || (p[i] == '\r' && !(i + 1 < n && p[i + 1] == '\n'))) line++;
    return line;
}

static void count_line(hv_wordpiece *wp, size_t off, size_t n, uint32_t id) {
    (void)id;
    if (is_cont(wp->pool + off, n)) wp->cont.max_len++; /* a count, until table_init */
    else wp->head.max_len++;
}

static void put_line(hv_wordpiece *wp, size_t off, size_t n, uint32_t id) {
    if (is_cont(wp->pool + off, n)) table_put(&wp->cont, wp->pool, (uint32_t)off + 2, (uint32_t)n - 2, id);
    else table_put(&wp->head, wp->pool, (uint32_t)off, (uint32_t)n, id);
}

static int by_length_desc(const void *a, const void *b) {
    size_t x = ((const special *)a)->n, y = ((const special *)b)->n;
    return x < y ? 1 : x > y ? -1 : 0;
}

static int set_specials(hv_wordpiece *wp, const hv_wp_opts *o, hv_err *e) {
    const char *const *list = o->never_split ? o->never_split : DEFAULT_SPECIALS;
    size_t n = o->never_split ? o->n_never_split : sizeof DEFAULT_SPECIALS / sizeof *DEFAULT_SPECIALS;
    wp->sp = calloc(n ? n : 1, sizeof *wp->sp);
    if (!wp->sp) return hv_errf(e, HV_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(list[i]);
        if (!len || !hv_utf8_valid(list[i], len, NULL)) continue; /* an empty token never matches */
        special *s = &wp->sp[wp->nsp];
        if (!(s->s = strdup(list[i]))) return hv_errf(e, HV_ENOMEM, "out of memory");
        s->n = len;
        /* transformers looks an added token up in the vocabulary; one that
         * is not there gets an id past it, which a model without it cannot
         * embed: [UNK] stands in */
        s->id = lookup(wp, s->s, len);
        if (s->id == HV_WP_NO_ID) s->id = wp->unk;
        wp->sp_first[(uint8_t)s->s[0]] = 1;
        wp->nsp++;
    }
    qsort(wp->sp, wp->nsp, sizeof *wp->sp, by_length_desc);
    return HV_OK;
}

static int required(const hv_wordpiece *wp, const char *tok, const char *def, const char *name, uint32_t *id,
                    hv_err *e) {
    if (!tok) tok = def;
    *id = lookup(wp, tok, strlen(tok));
    if (*id == HV_WP_NO_ID) return hv_errf(e, HV_EINPUT, "%s: the vocabulary has no %s token", name, tok);
    return HV_OK;
}

int wp_load_mem(const char *data, size_t n, const char *name, const hv_wp_opts *o, hv_wordpiece **out, hv_err *e) {
    *out = NULL;
    hv_wp_opts def;
    if (!o) {
        wp_opts_default(&def);
        o = &def;
    }
    size_t bad;
    if (!hv_utf8_valid(data, n, &bad))
        return hv_errf(e, HV_EINPUT, "%s: invalid UTF-8 at byte %zu (line %llu)", name, bad,
                       (unsigned long long)line_of(data, n, bad));
    if (n >= UINT32_MAX) return hv_errf(e, HV_EINPUT, "%s: vocabulary file of %zu bytes is absurd", name, n);
    hv_wordpiece *wp = calloc(1, sizeof *wp);
    if (!wp || !(wp->pool = malloc(n ? n : 1))) {
        free(wp);
        return hv_errf(e, HV_ENOMEM, "out of memory");
    }
    memcpy(wp->pool, data, n);
    uint64_t lines = each_line(wp->pool, n, count_line, wp);
    if (lines >= HV_WP_NO_ID) {
        wp_free(wp);
        return hv_errf(e, HV_EINPUT, "%s: %llu lines, too many for 32-bit ids", name, (unsigned long long)lines);
    }
    wp->size = (uint32_t)lines;
    if (table_init(&wp->head, wp->head.max_len) || table_init(&wp->cont, wp->cont.max_len)) {
        wp_free(wp);
        return hv_errf(e, HV_ENOMEM, "out of memory");
    }
    each_line(wp->pool, n, put_line, wp);
    wp->lower = o->do_lower_case;
    wp->strip = o->strip_accents > 0 || (o->strip_accents < 0 && o->do_lower_case);
    wp->cjk = o->tokenize_chinese_chars;
    int rc = required(wp, o->unk_token, "[UNK]", name, &wp->unk, e);
    if (!rc) rc = required(wp, o->cls_token, "[CLS]", name, &wp->cls, e);
    if (!rc) rc = required(wp, o->sep_token, "[SEP]", name, &wp->sep, e);
    if (!rc) rc = set_specials(wp, o, e);
    if (rc) {
        wp_free(wp);
        return rc;
    }
    *out = wp;
    return HV_OK;
}

int wp_load(const char *vocab_path, const hv_wp_opts *o, hv_wordpiece **out, hv_err *e) {
    *out = NULL;
    FILE *f = fopen(vocab_path, "rb");
    if (!f) return hv_errf(e, HV_EIO, "%s: cannot open: %s", vocab_path, strerror(errno));
    hv_buf b = {.max = (size_t)UINT32_MAX - 1};
    char chunk[65536];
    size_t got;
    int rc = HV_OK;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (hv_buf_append(&b, chunk, got)) {
            rc = hv_errf(e, HV_ENOMEM, "%s: out of memory (or over 4 GB)", vocab_path);
            break;
        }
    if (!rc && ferror(f)) rc = hv_errf(e, HV_EIO, "%s: read failed", vocab_path);
    fclose(f);
    if (!rc) rc = wp_load_mem(b.p ? b.p : "", b.n, vocab_path, o, out, e);
    hv_buf_free(&b);
    return rc;
}

/* ---- character classes (transformers' _is_whitespace & co.) ---- */

static bool is_cjk(uint32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
           (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

static bool is_punct(uint32_t c) {
    if (c < 0x80) return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
    utf8proc_category_t k = utf8proc_category((utf8proc_int32_t)c);
    return k >= UTF8PROC_CATEGORY_PC && k <= UTF8PROC_CATEGORY_PO;
}

enum { CH_KEEP, CH_DROP, CH_SPACE };

/* What clean_text + str.split make of a non-ASCII code point. */
static int classify(uint32_t c) {
    if (c == 0xFFFD) return CH_DROP;
    switch (utf8proc_category((utf8proc_int32_t)c)) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CN: return CH_DROP;
    case UTF8PROC_CATEGORY_ZS: return CH_SPACE;
    default: return c == 0x2028 || c == 0x2029 ? CH_SPACE : CH_KEEP; /* Zl, Zp: not cleaned, but str.split splits */
    }
}

/* Strict UTF-8 (the table of core/utf8.c); a bad byte reads as U+FFFD. */
static uint32_t decode(const uint8_t *s, size_t n, size_t *i) {
    size_t k = *i;
    unsigned c = s[k];
    uint32_t cp;
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else goto bad;
    if (n - k < len || s[k + 1] < lo || s[k + 1] > hi) goto bad;
    for (size_t j = 1; j < len; j++) {
        if (j > 1 && (s[k + j] < 0x80 || s[k + j] > 0xBF)) goto bad;
        cp = cp << 6 | (s[k + j] & 0x3F);
    }
    *i = k + len;
    return cp;
bad:
    *i = k + 1;
    return 0xFFFD;
}

static size_t encode(uint32_t c, char *o) {
    if (c < 0x80) { o[0] = (char)c; return 1; }
    if (c < 0x800) { o[0] = (char)(0xC0 | c >> 6); o[1] = (char)(0x80 | (c & 0x3F)); return 2; }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | c >> 12);
        o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | c >> 18);
    o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    o[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* ---- encoding one text ---- */

/* A growable array that starts in the encoder's stack space. */
typedef struct vec {
    void *p;
    size_t cap; /* in elements */
    void *stack;
} vec;

#define WORD_STACK 512

typedef struct enc {
    const hv_wordpiece *wp;
    uint32_t *body; /* ids after [CLS] */
    uint32_t n, cap;
    bool full;      /* cap reached (or out of memory): read no further */
    int err;
    uint32_t *w;    /* the current word's code points */
    size_t wn;
    uint32_t wmax;  /* its largest code point */
    vec wv, nv, uv; /* word (uint32), utf8proc output (int32), UTF-8 (char) */
    uint32_t wstack[WORD_STACK];
    int32_t nstack[WORD_STACK];
    char ustack[4 * WORD_STACK];
} enc;

static bool vec_reserve(enc *x, vec *v, size_t need, size_t elem) {
    if (need <= v->cap) return true;
    size_t cap = v->cap * 2 > need ? v->cap * 2 : need;
    void *p = v->p == v->stack ? malloc(cap * elem) : realloc(v->p, cap * elem);
    if (!p) {
        x->err = HV_ENOMEM;
        x->full = true;
        return false;
    }
    if (v->p == v->stack) memcpy(p, v->stack, v->cap * elem);
    v->p = p;
    v->cap = cap;
    return true;
}

static void vec_free(vec *v) {
    if (v->p != v->stack) free(v->p);
}

static void emit(enc *x, uint32_t id) {
    if (x->n < x->cap) x->body[x->n++] = id;
    if (x->n >= x->cap) x->full = true;
}

static void push(enc *x, uint32_t c) {
    if (x->wn == x->wv.cap) {
        if (!vec_reserve(x, &x->wv, x->wn + 1, sizeof(uint32_t))) return;
        x->w = x->wv.p;
    }
    x->w[x->wn++] = c;
    if (c > x->wmax) x->wmax = c;
}

/* w[a..b) as UTF-8 into the scratch; offsets of each code point in off
 * (b - a + 1 entries) when off is not NULL.  NULL when out of memory. */
static char *to_utf8(enc *x, size_t a, size_t b, uint32_t *off, size_t *len) {
    if (!vec_reserve(x, &x->uv, 4 * (b - a) + 1, 1)) return NULL;
    char *u = x->uv.p;
    size_t m = 0;
    for (size_t i = a; i < b; i++) {
        if (off) off[i - a] = (uint32_t)m;
        m += encode(x->w[i], u + m);
    }
    if (off) off[b - a] = (uint32_t)m;
    *len = m;
    return u;
}

/* Replace the word by its NFC (compose) or NFD, dropping Mn when asked. */
static void normalize(enc *x, bool compose, bool drop_mn) {
    size_t len;
    const char *u = to_utf8(x, 0, x->wn, NULL, &len);
    if (!u) return;
    utf8proc_option_t opt = UTF8PROC_STABLE | (compose ? UTF8PROC_COMPOSE : UTF8PROC_DECOMPOSE);
    utf8proc_ssize_t r;
    for (;;) {
        r = utf8proc_decompose((const utf8proc_uint8_t *)u, (utf8proc_ssize_t)len, x->nv.p,
                               (utf8proc_ssize_t)x->nv.cap, opt);
        if (r < 0) return; /* cannot happen: the input is well-formed */
        if ((size_t)r <= x->nv.cap) break;
        if (!vec_reserve(x, &x->nv, (size_t)r, sizeof(int32_t))) return;
    }
    int32_t *nb = x->nv.p;
    if (compose) r = utf8proc_normalize_utf32(nb, r, opt);
    if (r < 0) return;
    x->wn = 0;
    x->wmax = 0;
    for (utf8proc_ssize_t i = 0; i < r; i++)
        if (!drop_mn || utf8proc_category(nb[i]) != UTF8PROC_CATEGORY_MN) push(x, (uint32_t)nb[i]);
}

/* WordPiece of w[a..b): greedy longest match first. */
static void wordpiece(enc *x, size_t a, size_t b) {
    const hv_wordpiece *wp = x->wp;
    size_t m = b - a;
    if (m > HV_WP_MAX_WORD_CHARS) {
        emit(x, wp->unk);
        return;
    }
    uint32_t off[HV_WP_MAX_WORD_CHARS + 1], sub[HV_WP_MAX_WORD_CHARS];
    size_t len, nsub = 0;
    const char *u = to_utf8(x, a, b, off, &len);
    if (!u) return;
    for (size_t start = 0; start < m;) {
        const table *t = start ? &wp->cont : &wp->head;
        uint32_t id = HV_WP_NO_ID;
        size_t end = m;
        while (end > start && off[end] - off[start] > t->max_len) end--;
        for (; end > start; end--)
            if ((id = table_get(t, wp->pool, u + off[start], off[end] - off[start])) != HV_WP_NO_ID) break;
        if (id == HV_WP_NO_ID) {
            emit(x, wp->unk); /* the whole word, whatever matched before */
            return;
        }
        sub[nsub++] = id;
        start = end;
    }
    for (size_t i = 0; i < nsub && !x->full; i++) emit(x, sub[i]);
}

/* Is the word one of the special tokens (after cleaning)? */
static bool word_is_special(enc *x) {
    const hv_wordpiece *wp = x->wp;
    char first[4];
    encode(x->w[0], first);
    if (!wp->sp_first[(uint8_t)first[0]]) return false;
    size_t len;
    const char *u = to_utf8(x, 0, x->wn, NULL, &len);
    if (!u) return false;
    for (size_t i = 0; i < wp->nsp; i++)
        if (wp->sp[i].n == len && memcmp(wp->sp[i].s, u, len) == 0) return true;
    return false;
}

/* The end of a word: BasicTokenizer's per-token steps, then WordPiece. */
static void finish_word(enc *x) {
    if (!x->wn || x->full) {
        x->wn = 0;
        x->wmax = 0;
        return;
    }
    if (x->wmax >= 0x300) normalize(x, true, false);
    if (x->wn && word_is_special(x)) {
        wordpiece(x, 0, x->wn);
    } else {
        if (x->wp->strip && x->wmax >= 0xC0) normalize(x, false, true);
        size_t start = 0;
        for (size_t i = 0; i < x->wn && !x->full; i++)
            if (is_punct(x->w[i])) {
                if (i > start) wordpiece(x, start, i);
                if (!x->full) wordpiece(x, i, i + 1);
                start = i + 1;
            }
        if (start < x->wn && !x->full) wordpiece(x, start, x->wn);
    }
    x->wn = 0;
    x->wmax = 0;
}

/* The special token starting at text[i], longest first, or -1. */
static long special_at(const hv_wordpiece *wp, const char *text, size_t len, size_t i) {
    for (size_t k = 0; k < wp->nsp; k++)
        if (wp->sp[k].n <= len - i && memcmp(text + i, wp->sp[k].s, wp->sp[k].n) == 0) return (long)k;
    return -1;
}

int wp_encode(const hv_wordpiece *wp, const char *text, size_t len, uint32_t max_len, uint32_t *ids, uint32_t *n,
              hv_err *e) {
    *n = 0;
    if (max_len < 2) return hv_errf(e, HV_EUSAGE, "max_len %u leaves no room for [CLS] and [SEP]", max_len);
    enc x = {.wp = wp, .body = ids + 1, .cap = max_len - 2};
    x.wv = (vec){x.wstack, WORD_STACK, x.wstack};
    x.nv = (vec){x.nstack, WORD_STACK, x.nstack};
    x.uv = (vec){x.ustack, sizeof x.ustack, x.ustack};
    x.w = x.wstack;
    x.full = x.cap == 0;
    const uint8_t *s = (const uint8_t *)text;
    size_t i = 0;
    while (i < len && !x.full) {
        uint8_t b = s[i];
        if (wp->sp_first[b]) {
            long k = special_at(wp, text, len, i);
            if (k >= 0) {
                finish_word(&x);
                if (!x.full) emit(&x, wp->sp[k].id);
                i += wp->sp[k].n;
                continue;
            }
        }
        if (b < 0x80) {
            i++;
            if (b == ' ' || b == '\t' || b == '\n' || b == '\r') finish_word(&x);
            else if (b >= 0x20 && b != 0x7F) push(&x, wp->lower && b >= 'A' && b <= 'Z' ? b + 32u : b);
            continue; /* other ASCII controls (and NUL) are dropped */
        }
        uint32_t c = decode(s, len, &i);
        if (wp->lower) {
            if (c == 0x130) { /* str.lower(): "i" + COMBINING DOT ABOVE */
                push(&x, 'i');
                push(&x, 0x307);
                continue;
            }
            c = (uint32_t)utf8proc_tolower((utf8proc_int32_t)c);
        }
        int k = classify(c);
        if (k == CH_SPACE) finish_word(&x);
        else if (k == CH_KEEP && wp->cjk && is_cjk(c)) {
            finish_word(&x);
            push(&x, c);
            finish_word(&x);
        } else if (k == CH_KEEP) push(&x, c);
    }
    finish_word(&x);
    vec_free(&x.wv);
    vec_free(&x.nv);
    vec_free(&x.uv);
    if (x.err) return hv_errf(e, x.err, "out of memory");
    ids[0] = wp->cls;
    ids[x.n + 1] = wp->sep;
    *n = x.n + 2;
    return HV_OK;
}
