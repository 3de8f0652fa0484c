/* tokenize.h - words of a model text, hashed into TF-IDF feature buckets.
 *
 * A token is a run of ASCII letters/digits and UTF-8 multibyte characters
 * (so "модель" or "日本語" stay whole words), lower-cased (ASCII only), at
 * least TOKEN_MIN_CHARS characters long; everything else separates tokens.
 * A few multibyte punctuation ranges (U+00A0..U+00BF, U+2000..U+206F,
 * U+3000..U+303F, fullwidth ASCII punctuation, emoji) separate too, since
 * they are never part of a word.
 *
 * Features are the unigrams and the bigrams of adjacent tokens, hashed
 * (64-bit) into n_features buckets (the hashing trick: no vocabulary to
 * build or store).  No alternate sign (sklearn's alternate_sign): the
 * TF-IDF needs non-negative counts for its log tf and its document
 * frequencies, and at 2^18 buckets the collision bias is small next to what
 * the SVD throws away. */
#ifndef HV_TOKENIZE_H
#define HV_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#define TOKEN_MIN_CHARS 2

/* Hash of one token's (already lower-cased) bytes. */
uint64_t token_hash(const char *p, size_t n);
/* Hash of the bigram "a b" from the hashes of its two tokens. */
uint64_t token_bigram_hash(uint64_t a, uint64_t b);
/* Bucket of a hash in [0, n_features). */
static inline uint32_t token_bucket(uint64_t h, uint32_t n_features) {
    return (uint32_t)(((h >> 32) * (uint64_t)n_features) >> 32);
}

/* A growable list of feature ids. */
typedef struct hv_featvec {
    uint32_t *v;
    size_t n, cap;
} hv_featvec;

/* Clear out, then append the bucket of every unigram and bigram of text, in
 * text order (repeats kept: they are the term counts).  Returns 0, or -1
 * when out of memory. */
int token_features(const char *text, size_t n, uint32_t n_features, hv_featvec *out);

/* Call fn on every token (lower-cased copy in a scratch buffer of at most
 * 256 bytes; longer tokens are hashed whole but reported cut): for tests
 * and debugging. */
void token_each(const char *text, size_t n, void (*fn)(void *ud, const char *tok, size_t len), void *ud);

/* Sort v[0..n) ascending (LSD radix; tmp has room for n). */
void token_sort_u32(uint32_t *v, uint32_t *tmp, size_t n);

void featvec_free(hv_featvec *f);

#endif
