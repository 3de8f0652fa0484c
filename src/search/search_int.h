/* search_int.h - what the search builder, reader, query and scan share:
 * folding, the gram keys, the match tests and the posting-list cursor. */
#ifndef HV_SEARCH_INT_H
#define HV_SEARCH_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "search/search.h"

#define SX_VERSION 1u
#define SX_BLOCK 128u          /* postings per block */
#define SX_END UINT32_MAX      /* a cursor past its list */
#define SX_VERIFY_COST 24u     /* work units for checking one id (vs 1 per posting read) */
#define SX_INTERSECT_MAX 6     /* lists intersected for a substring: the rarest; ids are checked anyway */
#define SX_PROBE_COST 4u       /* work units for one id read by a binary search */
#define SX_RUN 64u             /* entries of a sorted array per stored minimum rank */

/* Gram keys are 24 bits: three bytes b0 b1 b2 as b0 << 16 | b1 << 8 | b2.
 * Folded text never holds bytes below 0x20, so a first byte below 0x20 marks
 * a gram that is not text. */
enum {
    SX_M_ID = 1,        /* (1,1,c0) and (1,c0,c1): the id starts with c0 c1 */
    SX_M_NAME = 2,      /* (2,2,c0) and (2,c0,c1): the name starts with c0 c1 */
};

static inline uint32_t sx_key(uint32_t a, uint32_t b, uint32_t c) { return a << 16 | b << 8 | c; }

/* ASCII lower case; control bytes become a space (they cannot be in ids,
 * and this keeps them apart from the marker bytes). */
static inline uint8_t sx_fold(uint8_t c) {
    return c < 0x20 ? 0x20 : (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* The name part: after the last '/' (the whole id when it has none). */
static inline hv_sv sx_name(hv_sv id) {
    const char *s = id.n ? memrchr(id.p, '/', id.n) : NULL;
    return s ? hv_sv_make(s + 1, id.n - (size_t)(s + 1 - id.p)) : id;
}

/* Grams of one folded id (len bytes, name starting at name_at), with
 * repeats; out needs room for len + 4.  Returns the count. */
size_t sx_grams(const uint8_t *f, size_t len, size_t name_at, uint32_t *out);

/* Match tests of a folded query q (m bytes, m >= 1) against raw text. */
bool sx_equal(const uint8_t *q, size_t m, hv_sv s);
bool sx_starts(const uint8_t *q, size_t m, hv_sv s);
bool sx_contains(const uint8_t *q, size_t m, hv_sv s);
/* Smallest OSA (Damerau-Levenshtein without repeated edits of a substring)
 * distance between q and any prefix of s, or maxd + 1 when above maxd. */
int sx_prefix_dist(const uint8_t *q, size_t m, hv_sv s, int maxd);
int sx_prefix_dist_folded(const uint8_t *q, size_t m, hv_sv s, int maxd); /* s folded already */
static inline int sx_max_edits(size_t m) { return m < HV_SEARCH_FUZZY_MIN ? 0 : m < HV_SEARCH_FUZZY2_MIN ? 1 : 2; }

/* The best tier of an id for q (0..6, see search.h), or -1 when it does not
 * match; on_name and dist as in hv_search_hit. */
int sx_classify(const uint8_t *q, size_t m, bool q_has_slash, hv_sv id, uint8_t *on_name, uint8_t *dist);

/* Trim, check and fold a query into q[HV_SEARCH_MAX_QUERY]; *m = 0 for an
 * empty one. */
int sx_prepare(const char *query, size_t query_len, const hv_search_opts *opts, uint8_t *q, size_t *m, hv_err *e);

double sx_score(int tier, int64_t downloads);
hv_search_kind sx_tier_kind(int tier);

/* ---- reading a posting list ---- */

typedef struct sx_cursor {
    const hv_searchindex *ix;
    uint64_t blk, blk_end;  /* current block, one past the list's last */
    uint64_t bitpos;        /* next delta to read */
    uint32_t left;          /* deltas left in this block */
    uint32_t width;         /* bits per delta in this block */
    uint32_t value;         /* current rank, SX_END when done */
    uint32_t count;         /* postings in the list */
    uint32_t last_cnt;      /* postings in the list's last block */
    uint64_t *work;         /* work counter to charge */
} sx_cursor;

/* Index of gram key in ix->gram_key, or -1. */
int64_t sx_gram_find(const hv_searchindex *ix, uint32_t key);
/* First gram index with key >= key. */
uint32_t sx_gram_lower(const hv_searchindex *ix, uint32_t key);

void sx_cursor_init(sx_cursor *c, const hv_searchindex *ix, uint32_t gram, uint64_t *work);
void sx_cursor_next(sx_cursor *c);
/* Move to the first posting >= x. */
void sx_cursor_seek(sx_cursor *c, uint32_t x);

#endif
