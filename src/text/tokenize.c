/* tokenize.c - the scanner and the feature hashing of tokenize.h.
 *
 * One pass over the bytes, no allocation per token: each token's hash is
 * built while it is scanned (FNV-1a over the lower-cased bytes, then a
 * murmur3 finalizer so the high bits that pick the bucket are well mixed). */
#include "text/tokenize.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static inline uint64_t fmix64(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static inline uint64_t hash_finish(uint64_t h, size_t n) { return fmix64(h ^ ((uint64_t)n * 0x9E3779B97F4A7C15ULL)); }

uint64_t token_hash(const char *p, size_t n) {
    uint64_t h = FNV_OFFSET;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * FNV_PRIME;
    return hash_finish(h, n);
}

uint64_t token_bigram_hash(uint64_t a, uint64_t b) {
    /* Asymmetric in a and b ("deep learning" is not "learning deep"), and
     * never equal to a unigram hash of the same tokens by construction of
     * the extra constant. */
    return fmix64(a * 0x9E3779B97F4A7C15ULL + (b ^ 0x5851F42D4C957F2DULL));
}

static inline unsigned char lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c; }
static inline bool ascii_alnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Multibyte code points that are punctuation or symbols, never letters. */
static bool cp_is_separator(uint32_t cp) {
    return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x206F) ||
           (cp >= 0x2190 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
           (cp >= 0xFF5B && cp <= 0xFF65) || (cp >= 0x1F000 && cp <= 0x1FAFF);
}

/* Length of the UTF-8 sequence at s (left > 0 bytes remain) and whether it
 * is part of a word.  A malformed byte counts as a one-byte word character:
 * the catalog validated the text, so this only keeps the scanner total. */
static size_t mb_char(const unsigned char *s, size_t left, bool *word) {
    unsigned char c = s[0];
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (len > left || len == 1) {
        *word = true;
        return 1;
    }
    uint32_t cp = len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *word = true;
            return 1;
        }
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    *word = !cp_is_separator(cp);
    return len;
}

typedef void (*tok_fn)(void *ud, const unsigned char *start, size_t len, uint64_t hash);

/* Scan text and report every token of at least TOKEN_MIN_CHARS characters
 * with its hash. */
static void scan(const char *text, size_t n, tok_fn fn, void *ud) {
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < n) {
        /* skip separators */
        size_t start = i, chars = 0;
        uint64_t h = FNV_OFFSET;
        while (i < n) {
            unsigned char c = s[i];
            if (c < 0x80) {
                if (!ascii_alnum(c)) break;
                h = (h ^ lower(c)) * FNV_PRIME;
                i++;
            } else {
                bool word;
                size_t len = mb_char(s + i, n - i, &word);
                if (!word) break;
                for (size_t k = 0; k < len; k++) h = (h ^ s[i + k]) * FNV_PRIME;
                i += len;
            }
            chars++;
        }
        if (chars >= TOKEN_MIN_CHARS) fn(ud, s + start, i - start, hash_finish(h, i - start));
        /* step over one separator (ASCII or multibyte) */
        if (i < n) {
            if (s[i] < 0x80) i++;
            else {
                bool word;
                i += mb_char(s + i, n - i, &word);
            }
        }
    }
}

typedef struct feat_state {
    hv_featvec *out;
    uint32_t n_features;
    uint64_t prev;
    bool have_prev, oom;
} feat_state;

static int push(hv_featvec *f, uint32_t v) {
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 256;
        uint32_t *nv = realloc(f->v, cap * sizeof *nv);
        if (!nv) return -1;
        f->v = nv;
        f->cap = cap;
    }
    f->v[f->n++] = v;
    return 0;
}

static void on_feature_token(void *ud, const unsigned char *start, size_t len, uint64_t h) {
    (void)start;
    (void)len;
    feat_state *st = ud;
    if (st->oom) return;
    if (push(st->out, token_bucket(h, st->n_features))) st->oom = true;
    if (st->have_prev && !st->oom && push(st->out, token_bucket(token_bigram_hash(st->prev, h), st->n_features)))
        st->oom = true;
    st->prev = h;
    st->have_prev = true;
}

int token_features(const char *text, size_t n, uint32_t n_features, hv_featvec *out) {
    out->n = 0;
    feat_state st = {out, n_features ? n_features : 1, 0, false, false};
    scan(text, n, on_feature_token, &st);
    return st.oom ? -1 : 0;
}

typedef struct each_state {
    void (*fn)(void *ud, const char *tok, size_t len);
    void *ud;
} each_state;

static void on_each_token(void *ud, const unsigned char *start, size_t len, uint64_t h) {
    (void)h;
    each_state *st = ud;
    char buf[256];
    size_t m = len < sizeof buf ? len : sizeof buf;
    for (size_t i = 0; i < m; i++) buf[i] = (char)lower(start[i]);
    st->fn(st->ud, buf, m);
}

void token_each(const char *text, size_t n, void (*fn)(void *ud, const char *tok, size_t len), void *ud) {
    each_state st = {fn, ud};
    scan(text, n, on_each_token, &st);
}

void token_sort_u32(uint32_t *v, uint32_t *tmp, size_t n) {
    if (n < 2) return;
    if (n <= 16) { /* insertion sort beats four counting passes here */
        for (size_t i = 1; i < n; i++) {
            uint32_t x = v[i];
            size_t j = i;
            while (j > 0 && v[j - 1] > x) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
        return;
    }
    uint32_t maxv = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > maxv) maxv = v[i];
    uint32_t *src = v, *dst = tmp;
    for (unsigned shift = 0; shift < 32 && (maxv >> shift) != 0; shift += 8) {
        size_t cnt[256] = {0};
        for (size_t i = 0; i < n; i++) cnt[(src[i] >> shift) & 0xFF]++;
        size_t sum = 0;
        for (int b = 0; b < 256; b++) {
            size_t c = cnt[b];
            cnt[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) dst[cnt[(src[i] >> shift) & 0xFF]++] = src[i];
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != v) memcpy(v, src, n * sizeof *v);
}

void featvec_free(hv_featvec *f) {
    free(f->v);
    f->v = NULL;
    f->n = f->cap = 0;
}
