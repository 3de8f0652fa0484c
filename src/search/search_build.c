/* search_build.c - build the search index and write it into the map.
 *
 * 1. ranks: rows sorted by downloads (descending), id bytes, row;
 * 2. the folded ids in rank order (kept in the index: queries check
 *    candidates there), and the ranks sorted by folded id and by folded
 *    name, with the smallest rank of every run of 64;
 * 3. count the grams of every id (a 2^24 table: gram keys are 24 bits);
 * 4. in chunks of grams holding at most SX_CHUNK postings, walk the ids in
 *    rank order again and drop each rank into its gram's list, which is
 *    therefore sorted; then delta-code the lists in blocks of 128, each
 *    block bit-packed at the width of its largest gap.
 * The chunks bound memory whatever the model count; a pass over the ids
 * costs a fraction of a second at 1.86M. */
#include <stdlib.h>

#include "catalog/catalog.h"
#include "search/search_int.h"

#define SX_CHUNK (1u << 25) /* postings held at once: 128 MiB */
#define TRY(x) do { int rc_ = (x); if (rc_) return rc_; } while (0)

/* ---- rank order ---- */

typedef struct rank_key {
    int64_t downloads;
    uint64_t head; /* the id's first 8 bytes, big-endian: most ties end here */
    uint32_t row;
} rank_key;

static int cmp_rank(const void *a, const void *b, void *ud) {
    const rank_key *x = a, *y = b;
    if (x->downloads != y->downloads) return x->downloads > y->downloads ? -1 : 1;
    if (x->head != y->head) return x->head < y->head ? -1 : 1;
    const hv_search_input *in = ud;
    hv_sv s = in->id(in->ud, x->row), t = in->id(in->ud, y->row);
    size_t k = s.n < t.n ? s.n : t.n;
    int c = k ? memcmp(s.p, t.p, k) : 0;
    if (c) return c;
    if (s.n != t.n) return s.n < t.n ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static int rank_rows(const hv_search_input *in, uint32_t *rank_row, hv_err *e) {
    rank_key *k = malloc((size_t)in->n * sizeof *k + 1);
    if (!k) return hv_errf(e, HV_ENOMEM, "out of memory ranking %u ids", in->n);
    for (uint32_t r = 0; r < in->n; r++) {
        hv_sv s = in->id(in->ud, r);
        uint64_t h = 0;
        for (size_t i = 0; i < 8; i++) h = h << 8 | (i < s.n ? (uint8_t)s.p[i] : 0);
        k[r].downloads = in->downloads ? in->downloads[r] : 0;
        k[r].head = h;
        k[r].row = r;
    }
    qsort_r(k, in->n, sizeof *k, cmp_rank, (void *)in);
    for (uint32_t r = 0; r < in->n; r++) rank_row[r] = k[r].row;
    free(k);
    return HV_OK;
}

/* ---- the distinct grams of one id ---- */

typedef struct gramgen {
    uint32_t *keys, *slot_key, *slot_stamp;
    size_t cap, slots, nkeys;
    uint32_t stamp;
} gramgen;

static void gramgen_free(gramgen *g) {
    free(g->keys);
    free(g->slot_key);
    free(g->slot_stamp);
}

static int gramgen_reserve(gramgen *g, size_t len, hv_err *e) {
    if (len + 4 <= g->cap) return HV_OK;
    size_t cap = 64, slots;
    while (cap < len + 4) cap *= 2;
    slots = cap * 2;
    gramgen_free(g);
    g->keys = malloc(cap * sizeof *g->keys);
    g->slot_key = malloc(slots * sizeof *g->slot_key);
    g->slot_stamp = calloc(slots, sizeof *g->slot_stamp);
    g->cap = g->keys && g->slot_key && g->slot_stamp ? cap : 0;
    g->slots = slots;
    g->stamp = 0;
    return g->cap ? HV_OK : hv_errf(e, HV_ENOMEM, "out of memory for a %zu-byte id", len);
}

/* Fills g->keys[0..g->nkeys) with the distinct grams of a folded id. */
static int gramgen_run(gramgen *g, const uint8_t *f, size_t len, hv_err *e) {
    TRY(gramgen_reserve(g, len, e));
    const uint8_t *slash = len ? memrchr(f, '/', len) : NULL;
    size_t k = sx_grams(f, len, slash ? (size_t)(slash + 1 - f) : 0, g->keys);
    if (++g->stamp == 0) { /* wrapped: forget every stamp */
        memset(g->slot_stamp, 0, g->slots * sizeof *g->slot_stamp);
        g->stamp = 1;
    }
    size_t mask = g->slots - 1, out = 0;
    for (size_t i = 0; i < k; i++) {
        uint32_t key = g->keys[i];
        uint32_t hk = key * 0x9E3779B1u;
        size_t h = (size_t)(hk ^ hk >> 15) & mask;
        while (g->slot_stamp[h] == g->stamp && g->slot_key[h] != key) h = (h + 1) & mask;
        if (g->slot_stamp[h] == g->stamp) continue;
        g->slot_stamp[h] = g->stamp;
        g->slot_key[h] = key;
        g->keys[out++] = key;
    }
    g->nkeys = out;
    return HV_OK;
}

/* ---- packing ---- */

typedef struct packer {
    uint64_t *words;
    uint64_t nbits, cap; /* cap in words */
} packer;

static int pack_bits(packer *p, uint32_t v, uint32_t w, hv_err *e) {
    if (w == 0) return HV_OK;
    uint64_t need = (p->nbits + w) / 64 + 2;
    if (need > p->cap) {
        uint64_t cap = p->cap ? p->cap * 2 : 1 << 16;
        while (cap < need) cap *= 2;
        uint64_t *nw = realloc(p->words, cap * 8);
        if (!nw) return hv_errf(e, HV_ENOMEM, "out of memory packing the search postings");
        memset(nw + p->cap, 0, (cap - p->cap) * 8);
        p->words = nw;
        p->cap = cap;
    }
    uint64_t i = p->nbits >> 6, s = p->nbits & 63;
    p->words[i] |= (uint64_t)v << s;
    if (s + w > 64) p->words[i + 1] |= (uint64_t)v >> (64 - s);
    p->nbits += w;
    return HV_OK;
}

static uint32_t bit_width(uint32_t v) { return v ? 32u - (uint32_t)__builtin_clz(v) : 0; }

/* One sorted list into blocks. */
static int pack_list(const uint32_t *v, uint32_t cnt, packer *p, uint32_t *first, uint64_t *bits, uint64_t *nb,
                     hv_err *e) {
    for (uint32_t s = 0; s < cnt; s += SX_BLOCK) {
        uint32_t end = s + SX_BLOCK < cnt ? s + SX_BLOCK : cnt, w = 0;
        for (uint32_t i = s + 1; i < end; i++) {
            uint32_t bw = bit_width(v[i] - v[i - 1] - 1);
            if (bw > w) w = bw;
        }
        first[*nb] = v[s];
        bits[*nb] = p->nbits << 6 | w;
        (*nb)++;
        for (uint32_t i = s + 1; i < end; i++) TRY(pack_bits(p, v[i] - v[i - 1] - 1, w, e));
    }
    return HV_OK;
}

/* ---- the whole index ---- */

typedef struct builder {
    const hv_search_input *in;
    uint32_t n;
    uint32_t *rank_row;
    uint8_t *text;             /* folded ids in rank order */
    uint32_t *text_off;        /* n + 1 */
    uint32_t *by_id, *by_name, *by_id_min, *by_name_min;
    uint32_t *counts;          /* 2^24: per key, then chunk fill positions */
    uint32_t *gram_key, *gram_count, *gram_block;
    uint32_t ngrams;
    uint32_t *block_first;
    uint64_t *block_bits, nblocks;
    uint32_t *chunk;
    packer pk;
    gramgen gg;
} builder;

static void builder_free(builder *b) {
    free(b->rank_row);
    free(b->text);
    free(b->text_off);
    free(b->by_id);
    free(b->by_name);
    free(b->by_id_min);
    free(b->by_name_min);
    free(b->counts);
    free(b->gram_key);
    free(b->gram_count);
    free(b->gram_block);
    free(b->block_first);
    free(b->block_bits);
    free(b->chunk);
    free(b->pk.words);
    gramgen_free(&b->gg);
}

static inline hv_sv text_of(const builder *b, uint32_t r) {
    return hv_sv_make((const char *)b->text + b->text_off[r], b->text_off[r + 1] - b->text_off[r]);
}

static int fold_text(builder *b, hv_err *e) {
    const hv_search_input *in = b->in;
    uint64_t total = 0;
    b->text_off = malloc(((size_t)b->n + 1) * sizeof *b->text_off);
    if (!b->text_off) return hv_errf(e, HV_ENOMEM, "out of memory for the search text");
    for (uint32_t r = 0; r < b->n; r++) {
        b->text_off[r] = (uint32_t)total;
        total += in->id(in->ud, b->rank_row[r]).n;
        if (total > UINT32_MAX) return hv_errf(e, HV_ENOMEM, "search index: the ids exceed 4 GiB");
    }
    b->text_off[b->n] = (uint32_t)total;
    b->text = malloc(total + 1);
    if (!b->text) return hv_errf(e, HV_ENOMEM, "out of memory for %llu bytes of ids", (unsigned long long)total);
    for (uint32_t r = 0; r < b->n; r++) {
        hv_sv id = in->id(in->ud, b->rank_row[r]);
        uint8_t *o = b->text + b->text_off[r];
        for (size_t i = 0; i < id.n; i++) o[i] = sx_fold((uint8_t)id.p[i]);
    }
    return HV_OK;
}

/* ---- sorted arrays ---- */

typedef struct sort_key {
    uint64_t head; /* first 8 bytes, big-endian, zero-padded */
    uint32_t rank;
    uint32_t name; /* 1: sort by the name part */
} sort_key;

static hv_sv key_text(const builder *b, const sort_key *k) {
    hv_sv t = text_of(b, k->rank);
    return k->name ? sx_name(t) : t;
}

static int cmp_text(const void *x, const void *y, void *ud) {
    const sort_key *a = x, *c = y;
    if (a->head != c->head) return a->head < c->head ? -1 : 1;
    hv_sv s = key_text(ud, a), t = key_text(ud, c);
    size_t k = s.n < t.n ? s.n : t.n;
    int r = k ? memcmp(s.p, t.p, k) : 0;
    if (r) return r;
    if (s.n != t.n) return s.n < t.n ? -1 : 1;
    return a->rank < c->rank ? -1 : a->rank > c->rank;
}

static int sort_ranks(builder *b, bool name, uint32_t **out, uint32_t **mins, hv_err *e) {
    sort_key *k = malloc((size_t)b->n * sizeof *k + 1);
    *out = malloc((size_t)b->n * 4 + 4);
    *mins = malloc(((size_t)b->n / SX_RUN + 1) * 4);
    if (!k || !*out || !*mins) {
        free(k);
        return hv_errf(e, HV_ENOMEM, "out of memory sorting %u ids", b->n);
    }
    for (uint32_t r = 0; r < b->n; r++) {
        k[r].rank = r;
        k[r].name = name;
        hv_sv t = key_text(b, &k[r]);
        uint64_t h = 0;
        for (size_t i = 0; i < 8; i++) h = h << 8 | (i < t.n ? (uint8_t)t.p[i] : 0);
        k[r].head = h;
    }
    qsort_r(k, b->n, sizeof *k, cmp_text, b);
    for (uint32_t i = 0; i < b->n; i++) {
        (*out)[i] = k[i].rank;
        if (i % SX_RUN == 0 || k[i].rank < (*mins)[i / SX_RUN]) (*mins)[i / SX_RUN] = k[i].rank;
    }
    free(k);
    return HV_OK;
}

/* ---- grams ---- */

static int count_grams(builder *b, hv_err *e) {
    for (uint32_t r = 0; r < b->n; r++) {
        hv_sv t = text_of(b, r);
        TRY(gramgen_run(&b->gg, (const uint8_t *)t.p, t.n, e));
        for (size_t i = 0; i < b->gg.nkeys; i++) b->counts[b->gg.keys[i]]++;
    }
    uint64_t ng = 0, nblocks = 0;
    for (uint32_t k = 0; k < 1u << 24; k++)
        if (b->counts[k]) {
            ng++;
            nblocks += (b->counts[k] + SX_BLOCK - 1) / SX_BLOCK;
        }
    b->ngrams = (uint32_t)ng;
    b->gram_key = malloc(ng * 4 + 4);
    b->gram_count = malloc(ng * 4 + 4);
    b->gram_block = malloc(ng * 4 + 4);
    b->block_first = malloc(nblocks * 4 + 4);
    b->block_bits = malloc(nblocks * 8 + 8);
    if (!b->gram_key || !b->gram_count || !b->gram_block || !b->block_first || !b->block_bits)
        return hv_errf(e, HV_ENOMEM, "out of memory for %llu search grams", (unsigned long long)ng);
    if (nblocks > UINT32_MAX) return hv_errf(e, HV_ENOMEM, "search index: too many postings");
    uint32_t g = 0;
    for (uint32_t k = 0; k < 1u << 24; k++)
        if (b->counts[k]) {
            b->gram_key[g] = k;
            b->gram_count[g] = b->counts[k];
            g++;
        }
    return HV_OK;
}

/* Grams [g0, g1): gather their lists in one more pass and pack them. */
static int fill_chunk(builder *b, uint32_t g0, uint32_t g1, hv_err *e) {
    uint32_t klo = b->gram_key[g0], khi = b->gram_key[g1 - 1];
    uint32_t pos = 0;
    for (uint32_t g = g0; g < g1; g++) {
        b->counts[b->gram_key[g]] = pos;
        pos += b->gram_count[g];
    }
    for (uint32_t r = 0; r < b->n; r++) {
        hv_sv t = text_of(b, r);
        TRY(gramgen_run(&b->gg, (const uint8_t *)t.p, t.n, e));
        for (size_t i = 0; i < b->gg.nkeys; i++) {
            uint32_t k = b->gg.keys[i];
            if (k >= klo && k <= khi) b->chunk[b->counts[k]++] = r;
        }
    }
    pos = 0;
    for (uint32_t g = g0; g < g1; g++) {
        b->gram_block[g] = (uint32_t)b->nblocks;
        TRY(pack_list(b->chunk + pos, b->gram_count[g], &b->pk, b->block_first, b->block_bits, &b->nblocks, e));
        pos += b->gram_count[g];
    }
    return HV_OK;
}

static int build_lists(builder *b, hv_err *e) {
    b->counts = calloc(1u << 24, 4);
    if (!b->counts) return hv_errf(e, HV_ENOMEM, "out of memory for the search gram counts");
    TRY(count_grams(b, e));
    uint64_t cap = SX_CHUNK > b->n ? SX_CHUNK : b->n; /* one list always fits */
    uint64_t total = 0;
    for (uint32_t g = 0; g < b->ngrams; g++) total += b->gram_count[g];
    if (total < cap) cap = total;
    b->chunk = malloc(cap * 4 + 4);
    if (!b->chunk) return hv_errf(e, HV_ENOMEM, "out of memory for %llu search postings", (unsigned long long)cap);
    uint32_t g0 = 0;
    while (g0 < b->ngrams) {
        uint32_t g1 = g0;
        uint64_t sum = 0;
        while (g1 < b->ngrams && sum + b->gram_count[g1] <= cap) sum += b->gram_count[g1++];
        TRY(fill_chunk(b, g0, g1, e));
        g0 = g1;
    }
    b->gram_block[b->ngrams] = (uint32_t)b->nblocks;
    free(b->counts);
    free(b->chunk);
    b->counts = b->chunk = NULL;
    /* the spare word lets a reader load 8 bytes at any bit of the last one */
    TRY(pack_bits(&b->pk, 0, 1, e));
    b->pk.nbits += 64;
    return HV_OK;
}

static int build(builder *b, hv_err *e) {
    b->rank_row = malloc((size_t)b->n * 4 + 4);
    if (!b->rank_row) return hv_errf(e, HV_ENOMEM, "out of memory for the search index");
    TRY(rank_rows(b->in, b->rank_row, e));
    TRY(fold_text(b, e));
    TRY(sort_ranks(b, false, &b->by_id, &b->by_id_min, e));
    TRY(sort_ranks(b, true, &b->by_name, &b->by_name_min, e));
    return build_lists(b, e);
}

static int write_sections(hv_mapwriter *w, builder *b, hv_err *e) {
    uint32_t meta[4] = {SX_VERSION, b->n, SX_BLOCK, SX_RUN};
    uint64_t nwords = (b->pk.nbits + 63) / 64, nruns = (b->n + SX_RUN - 1) / SX_RUN;
    TRY(mapwriter_add(w, "search.meta", meta, 4, 4, e));
    TRY(mapwriter_add(w, "search.rank", b->rank_row, 4, b->n, e));
    TRY(mapwriter_add(w, "search.text.off", b->text_off, 4, (uint64_t)b->n + 1, e));
    TRY(mapwriter_add(w, "search.text", b->text, 1, b->text_off[b->n], e));
    TRY(mapwriter_add(w, "search.by_id", b->by_id, 4, b->n, e));
    TRY(mapwriter_add(w, "search.by_id.min", b->by_id_min, 4, nruns, e));
    TRY(mapwriter_add(w, "search.by_name", b->by_name, 4, b->n, e));
    TRY(mapwriter_add(w, "search.by_name.min", b->by_name_min, 4, nruns, e));
    TRY(mapwriter_add(w, "search.gram.key", b->gram_key, 4, b->ngrams, e));
    TRY(mapwriter_add(w, "search.gram.block", b->gram_block, 4, (uint64_t)b->ngrams + 1, e));
    TRY(mapwriter_add(w, "search.gram.count", b->gram_count, 4, b->ngrams, e));
    TRY(mapwriter_add(w, "search.block.first", b->block_first, 4, b->nblocks, e));
    TRY(mapwriter_add(w, "search.block.bits", b->block_bits, 8, b->nblocks, e));
    return mapwriter_add(w, "search.post", b->pk.words, 8, nwords, e);
}

int searchindex_write(hv_mapwriter *w, const hv_search_input *in, hv_err *e) {
    builder b;
    memset(&b, 0, sizeof b);
    b.in = in;
    b.n = in->n;
    int rc = build(&b, e);
    if (rc == HV_OK) rc = write_sections(w, &b, e);
    builder_free(&b);
    return rc;
}

static hv_sv catalog_id_cb(const void *c, uint32_t row) { return catalog_id(c, row); }

int searchindex_map_extra(void *catalog, hv_mapwriter *w, hv_err *e) {
    const hv_catalog *c = catalog;
    hv_search_input in = {c->n, catalog_id_cb, c, c->downloads};
    return searchindex_write(w, &in, e);
}
