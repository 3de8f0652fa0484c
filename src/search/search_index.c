/* search_index.c - the search sections of a map, checked once at open and
 * then read in place: gram lookup and the posting-list cursor. */
#include <stdlib.h>

#include "search/search_int.h"

/* ---- open ---- */

static const char *const SECTIONS[] = {
    "search.meta", "search.rank", "search.gram.key", "search.gram.block",
    "search.gram.count", "search.block.first", "search.block.bits", "search.post",
    "search.text.off", "search.text", "search.by_id", "search.by_id.min", "search.by_name", "search.by_name.min",
};

static int bad(const hv_mapfile *f, const char *section, const char *why, hv_err *e) {
    return hv_errf(e, HV_EINPUT, "%s: search index section '%s' is damaged: %s", f->path ? f->path : "map", section, why);
}

static int check_ranks(const hv_mapfile *f, const char *name, const uint32_t *v, uint64_t count, uint32_t n,
                       hv_err *e) {
    for (uint64_t i = 0; i < count; i++)
        if (v[i] >= n) return bad(f, name, "rank out of range", e);
    return HV_OK;
}

static int get(const hv_mapfile *f, const char *name, size_t elem, uint64_t count, const void **p, uint64_t *got,
               hv_err *e) {
    int rc = mapfile_get(f, name, elem, count, p, got, e);
    if (rc) hv_err_prefix(e, "search index: ");
    return rc;
}

/* Every block of every list: count, first rank, width and bit extent. */
static int check_lists(const hv_mapfile *f, const hv_searchindex *ix, hv_err *e) {
    uint64_t post_bits = (ix->nwords - 1) * 64; /* the last word is the spare one */
    for (uint32_t g = 0; g < ix->ngrams; g++) {
        if (g && ix->gram_key[g] <= ix->gram_key[g - 1]) return bad(f, "search.gram.key", "keys not increasing", e);
        if (ix->gram_key[g] >= 1u << 24) return bad(f, "search.gram.key", "key above 24 bits", e);
        uint64_t b0 = ix->gram_block[g], b1 = ix->gram_block[g + 1];
        uint32_t cnt = ix->gram_count[g];
        if (b1 < b0 || b1 > ix->nblocks) return bad(f, "search.gram.block", "block range out of bounds", e);
        if (cnt == 0 || cnt > ix->n || b1 - b0 != (cnt + SX_BLOCK - 1) / SX_BLOCK)
            return bad(f, "search.gram.count", "count does not match the blocks", e);
        for (uint64_t b = b0; b < b1; b++) {
            uint32_t bc = b + 1 < b1 ? SX_BLOCK : cnt - (uint32_t)(b - b0) * SX_BLOCK;
            uint64_t bits = ix->block_bits[b], off = bits >> 6, w = bits & 63;
            if (ix->block_first[b] >= ix->n) return bad(f, "search.block.first", "rank out of range", e);
            if (b > b0 && ix->block_first[b] <= ix->block_first[b - 1])
                return bad(f, "search.block.first", "ranks not increasing", e);
            if (w > 32 || off > post_bits || w * (bc - 1) > post_bits - off)
                return bad(f, "search.block.bits", "block outside the packed postings", e);
        }
    }
    if (ix->gram_block[0] != 0 || ix->gram_block[ix->ngrams] != ix->nblocks)
        return bad(f, "search.gram.block", "blocks do not cover the block table", e);
    return HV_OK;
}

int searchindex_open(const hv_mapfile *f, uint32_t n, hv_searchindex *ix, hv_err *e) {
    memset(ix, 0, sizeof *ix);
    size_t present = 0;
    for (size_t i = 0; i < sizeof SECTIONS / sizeof SECTIONS[0]; i++) present += mapfile_find(f, SECTIONS[i]) != NULL;
    if (present == 0) return HV_OK;
    const void *p;
    uint64_t cnt;
    int rc;
    if ((rc = get(f, "search.meta", 4, 4, &p, NULL, e))) return rc;
    const uint32_t *meta = p;
    if (meta[0] != SX_VERSION)
        return hv_errf(e, HV_EINPUT, "%s: search index version %u, this hfviz reads version %u", f->path, meta[0],
                       SX_VERSION);
    if (meta[1] != n) return bad(f, "search.meta", "model count differs from the map's", e);
    if (meta[2] != SX_BLOCK || meta[3] != SX_RUN) return bad(f, "search.meta", "unexpected block or run size", e);
    ix->n = n;
    if ((rc = get(f, "search.rank", 4, n, &p, NULL, e))) return rc;
    ix->rank_row = p;
    if ((rc = get(f, "search.gram.key", 4, UINT64_MAX, &p, &cnt, e))) return rc;
    if (cnt >= 1u << 24) return bad(f, "search.gram.key", "too many grams", e);
    ix->gram_key = p;
    ix->ngrams = (uint32_t)cnt;
    if ((rc = get(f, "search.gram.block", 4, cnt + 1, &p, NULL, e))) return rc;
    ix->gram_block = p;
    if ((rc = get(f, "search.gram.count", 4, cnt, &p, NULL, e))) return rc;
    ix->gram_count = p;
    if ((rc = get(f, "search.block.first", 4, UINT64_MAX, &p, &ix->nblocks, e))) return rc;
    ix->block_first = p;
    if ((rc = get(f, "search.block.bits", 8, ix->nblocks, &p, NULL, e))) return rc;
    ix->block_bits = p;
    if ((rc = get(f, "search.post", 8, UINT64_MAX, &p, &ix->nwords, e))) return rc;
    ix->post = p;
    if (ix->nwords == 0) return bad(f, "search.post", "no spare word", e);
    if ((rc = check_lists(f, ix, e))) return rc;
    if ((rc = get(f, "search.text.off", 4, (uint64_t)n + 1, &p, NULL, e))) return rc;
    ix->text_off = p;
    if ((rc = get(f, "search.text", 1, UINT64_MAX, &p, &cnt, e))) return rc;
    ix->text = p;
    if (ix->text_off[0] != 0 || ix->text_off[n] != cnt) return bad(f, "search.text.off", "offsets do not cover the text", e);
    for (uint32_t r = 0; r < n; r++)
        if (ix->text_off[r] > ix->text_off[r + 1]) return bad(f, "search.text.off", "offsets decrease", e);
    uint64_t nruns = ((uint64_t)n + SX_RUN - 1) / SX_RUN;
    if ((rc = get(f, "search.by_id", 4, n, &p, NULL, e))) return rc;
    ix->by_id = p;
    if ((rc = get(f, "search.by_id.min", 4, nruns, &p, NULL, e))) return rc;
    ix->by_id_min = p;
    if ((rc = get(f, "search.by_name", 4, n, &p, NULL, e))) return rc;
    ix->by_name = p;
    if ((rc = get(f, "search.by_name.min", 4, nruns, &p, NULL, e))) return rc;
    ix->by_name_min = p;
    if ((rc = check_ranks(f, "search.by_id", ix->by_id, n, n, e)) ||
        (rc = check_ranks(f, "search.by_id.min", ix->by_id_min, nruns, n, e)) ||
        (rc = check_ranks(f, "search.by_name", ix->by_name, n, n, e)) ||
        (rc = check_ranks(f, "search.by_name.min", ix->by_name_min, nruns, n, e)))
        return rc;
    /* rank -> row must be a permutation: hits are reported once */
    uint64_t *seen = calloc((size_t)n / 64 + 1, 8);
    if (!seen) return hv_errf(e, HV_ENOMEM, "out of memory checking the search index");
    for (uint32_t r = 0; r < n && rc == HV_OK; r++) {
        uint32_t row = ix->rank_row[r];
        if (row >= n || (seen[row >> 6] >> (row & 63) & 1)) rc = bad(f, "search.rank", "not a permutation of the rows", e);
        else seen[row >> 6] |= 1ull << (row & 63);
    }
    free(seen);
    if (rc) return rc;
    ix->present = true;
    return HV_OK;
}

/* ---- grams ---- */

uint32_t sx_gram_lower(const hv_searchindex *ix, uint32_t key) {
    uint32_t lo = 0, hi = ix->ngrams;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ix->gram_key[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int64_t sx_gram_find(const hv_searchindex *ix, uint32_t key) {
    uint32_t g = sx_gram_lower(ix, key);
    return g < ix->ngrams && ix->gram_key[g] == key ? (int64_t)g : -1;
}

/* ---- cursor ---- */

static inline uint32_t read_bits(const uint64_t *post, uint64_t bitpos, uint32_t w) {
    uint64_t word;
    memcpy(&word, (const uint8_t *)post + (bitpos >> 3), 8);
    return (uint32_t)((word >> (bitpos & 7)) & ((1ull << w) - 1));
}

static void load_block(sx_cursor *c, uint64_t b) {
    c->blk = b;
    if (b >= c->blk_end) {
        c->value = SX_END;
        return;
    }
    uint64_t bits = c->ix->block_bits[b];
    c->bitpos = bits >> 6;
    c->width = (uint32_t)(bits & 63);
    c->left = (b + 1 < c->blk_end ? SX_BLOCK : c->last_cnt) - 1;
    c->value = c->ix->block_first[b];
    *c->work += 1;
}

void sx_cursor_init(sx_cursor *c, const hv_searchindex *ix, uint32_t gram, uint64_t *work) {
    c->ix = ix;
    c->work = work;
    c->count = ix->gram_count[gram];
    c->blk_end = ix->gram_block[gram + 1];
    c->last_cnt = c->count - (uint32_t)(c->blk_end - 1 - ix->gram_block[gram]) * SX_BLOCK;
    load_block(c, ix->gram_block[gram]);
}

void sx_cursor_next(sx_cursor *c) {
    if (c->value == SX_END) return;
    if (c->left == 0) {
        load_block(c, c->blk + 1);
        return;
    }
    uint64_t v = (uint64_t)c->value + read_bits(c->ix->post, c->bitpos, c->width) + 1;
    c->bitpos += c->width;
    c->left--;
    *c->work += 1;
    /* a damaged block ends its list rather than name a rank out of range */
    c->value = v < c->ix->n ? (uint32_t)v : SX_END;
    if (c->value == SX_END) c->blk = c->blk_end;
}

void sx_cursor_seek(sx_cursor *c, uint32_t x) {
    if (c->value >= x) return;
    const uint32_t *first = c->ix->block_first;
    if (c->blk + 1 < c->blk_end && first[c->blk + 1] <= x) {
        /* gallop over the skip table to the last block starting <= x */
        uint64_t lo = c->blk + 1, step = 1, hi;
        while (lo + step < c->blk_end && first[lo + step] <= x) {
            lo += step;
            step *= 2;
        }
        hi = lo + step < c->blk_end ? lo + step : c->blk_end; /* first[hi] > x or hi = end */
        while (hi - lo > 1) {
            uint64_t mid = lo + (hi - lo) / 2;
            if (first[mid] <= x) lo = mid;
            else hi = mid;
        }
        *c->work += 2;
        load_block(c, lo);
    }
    while (c->value < x) sx_cursor_next(c);
}
