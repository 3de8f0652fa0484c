/* cardstore.c - zstd-block store of card text (layout in cardstore.h). */
#include "catalog/cardstore.h"

#include "core/le.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define MAGIC "HVCARDS1"
#define BLOCK_RAW ((size_t)256 << 10)
/* zstd level 1: cards compress ~4x even so, and ingest is the bottleneck */
#define ZSTD_LEVEL 1
/* A single card larger than this is corrupt input, not a README. */
#define MAX_CARD ((size_t)64 << 20)

typedef struct blockinfo {
    uint64_t off;
    uint32_t csize, rawsize;
} blockinfo;

typedef struct entryinfo {
    uint32_t block, offset, len;
} entryinfo;

struct hv_cardstore_writer {
    FILE *f;
    char *path, *tmp;
    hv_buf raw;
    void *cbuf;
    size_t cbuf_cap;
    uint64_t pos;
    blockinfo *blocks;
    size_t nblocks, capblocks;
    entryinfo *entries;
    size_t nentries, capentries;
    ZSTD_CCtx *cctx;
};

static int put_u32(FILE *f, uint32_t v) {
    uint8_t b[4];
    hv_le_put32(b, v);
    return fwrite(b, 1, 4, f) == 4 ? 0 : -1;
}
static int put_u64(FILE *f, uint64_t v) {
    uint8_t b[8];
    hv_le_put64(b, v);
    return fwrite(b, 1, 8, f) == 8 ? 0 : -1;
}

void cardstore_abort(hv_cardstore_writer *w) {
    if (!w) return;
    if (w->f) fclose(w->f);
    if (w->tmp) remove(w->tmp);
    free(w->path);
    free(w->tmp);
    hv_buf_free(&w->raw);
    free(w->cbuf);
    free(w->blocks);
    free(w->entries);
    ZSTD_freeCCtx(w->cctx);
    free(w);
}

hv_cardstore_writer *cardstore_create(const char *path, hv_err *e) {
    hv_cardstore_writer *w = calloc(1, sizeof *w);
    if (!w) { hv_errf(e, HV_ENOMEM, "out of memory"); return NULL; }
    size_t n = strlen(path);
    w->path = strdup(path);
    w->tmp = malloc(n + 5);
    w->cctx = ZSTD_createCCtx();
    if (!w->path || !w->tmp || !w->cctx) { cardstore_abort(w); hv_errf(e, HV_ENOMEM, "out of memory"); return NULL; }
    snprintf(w->tmp, n + 5, "%s.tmp", path);
    w->f = fopen(w->tmp, "wb");
    if (!w->f) {
        hv_errf(e, HV_EIO, "%s: cannot create: %s", w->tmp, strerror(errno));
        cardstore_abort(w);
        return NULL;
    }
    if (fwrite(MAGIC, 1, 8, w->f) != 8) {
        hv_errf(e, HV_EIO, "%s: write failed", w->tmp);
        cardstore_abort(w);
        return NULL;
    }
    w->pos = 8;
    return w;
}

static int flush_block(hv_cardstore_writer *w, hv_err *e) {
    if (w->raw.n == 0) return HV_OK;
    size_t bound = ZSTD_compressBound(w->raw.n);
    if (bound > w->cbuf_cap) {
        void *p = realloc(w->cbuf, bound);
        if (!p) return hv_errf(e, HV_ENOMEM, "out of memory");
        w->cbuf = p;
        w->cbuf_cap = bound;
    }
    size_t cs = ZSTD_compressCCtx(w->cctx, w->cbuf, bound, w->raw.p, w->raw.n, ZSTD_LEVEL);
    if (ZSTD_isError(cs)) return hv_errf(e, HV_EINTERNAL, "zstd: %s", ZSTD_getErrorName(cs));
    if (fwrite(w->cbuf, 1, cs, w->f) != cs) return hv_errf(e, HV_EIO, "%s: write failed: %s", w->tmp, strerror(errno));
    if (w->nblocks == w->capblocks) {
        size_t cap = w->capblocks ? w->capblocks * 2 : 256;
        blockinfo *b = realloc(w->blocks, cap * sizeof *b);
        if (!b) return hv_errf(e, HV_ENOMEM, "out of memory");
        w->blocks = b;
        w->capblocks = cap;
    }
    w->blocks[w->nblocks++] = (blockinfo){w->pos, (uint32_t)cs, (uint32_t)w->raw.n};
    w->pos += cs;
    hv_buf_clear(&w->raw);
    return HV_OK;
}

int cardstore_put(hv_cardstore_writer *w, hv_sv card, uint32_t *entry, hv_err *e) {
    if (card.n > MAX_CARD) return hv_errf(e, HV_EINPUT, "model card too large (%zu bytes, limit %zu)", card.n, MAX_CARD);
    if (w->nentries >= UINT32_MAX - 1) return hv_errf(e, HV_ENOMEM, "card store full");
    if (w->raw.n && w->raw.n + card.n > BLOCK_RAW) {
        int rc = flush_block(w, e);
        if (rc) return rc;
    }
    if (w->nentries == w->capentries) {
        size_t cap = w->capentries ? w->capentries * 2 : 1024;
        entryinfo *p = realloc(w->entries, cap * sizeof *p);
        if (!p) return hv_errf(e, HV_ENOMEM, "out of memory");
        w->entries = p;
        w->capentries = cap;
    }
    w->entries[w->nentries] = (entryinfo){(uint32_t)w->nblocks, (uint32_t)w->raw.n, (uint32_t)card.n};
    if (hv_buf_append(&w->raw, card.p, card.n)) return hv_errf(e, HV_ENOMEM, "out of memory");
    *entry = (uint32_t)w->nentries++;
    return HV_OK;
}

int cardstore_close(hv_cardstore_writer *w, hv_err *e) {
    int rc = flush_block(w, e);
    if (rc) { cardstore_abort(w); return rc; }
    uint64_t blocks_off = w->pos;
    int bad = 0;
    for (size_t i = 0; i < w->nblocks; i++)
        bad |= put_u64(w->f, w->blocks[i].off) | put_u32(w->f, w->blocks[i].csize) | put_u32(w->f, w->blocks[i].rawsize);
    uint64_t index_off = blocks_off + 16 * (uint64_t)w->nblocks;
    for (size_t i = 0; i < w->nentries; i++)
        bad |= put_u32(w->f, w->entries[i].block) | put_u32(w->f, w->entries[i].offset) | put_u32(w->f, w->entries[i].len);
    bad |= put_u64(w->f, blocks_off) | put_u64(w->f, w->nblocks) | put_u64(w->f, index_off) | put_u64(w->f, w->nentries);
    bad |= fwrite(MAGIC, 1, 8, w->f) != 8;
    bad |= fflush(w->f) != 0;
    bad |= fclose(w->f) != 0;
    w->f = NULL;
    if (bad) {
        rc = hv_errf(e, HV_EIO, "%s: write failed: %s", w->tmp, strerror(errno));
        cardstore_abort(w);
        return rc;
    }
    if (rename(w->tmp, w->path)) {
        rc = hv_errf(e, HV_EIO, "%s: cannot rename to %s: %s", w->tmp, w->path, strerror(errno));
        cardstore_abort(w);
        return rc;
    }
    free(w->tmp);
    w->tmp = NULL;
    cardstore_abort(w); /* frees the rest; the temp file is gone already */
    return HV_OK;
}

struct hv_cardstore {
    FILE *f;
    char *path;
    uint64_t base; /* where the store starts in the file (a map embeds it) */
    blockinfo *blocks;
    uint64_t nblocks;
    entryinfo *entries;
    uint64_t nentries;
    uint64_t file_size;
    /* the last block read, kept decompressed: neighbours are read together */
    uint32_t cached_block;
    hv_buf raw;
    hv_buf cbuf;
};

void cardstore_close_reader(hv_cardstore *s) {
    if (!s) return;
    if (s->f) fclose(s->f);
    free(s->path);
    free(s->blocks);
    free(s->entries);
    hv_buf_free(&s->raw);
    hv_buf_free(&s->cbuf);
    free(s);
}

hv_cardstore *cardstore_open(const char *path, hv_err *e) { return cardstore_open_at(path, 0, UINT64_MAX, e); }

hv_cardstore *cardstore_open_at(const char *path, uint64_t base, uint64_t size, hv_err *e) {
    hv_cardstore *s = calloc(1, sizeof *s);
    if (!s) { hv_errf(e, HV_ENOMEM, "out of memory"); return NULL; }
    s->cached_block = UINT32_MAX;
    s->path = strdup(path);
    s->base = base;
    s->f = fopen(path, "rb");
    if (!s->f) { hv_errf(e, HV_EIO, "%s: cannot open: %s", path, strerror(errno)); goto fail; }
    unsigned char foot[40];
    uint64_t end = 0;
    if (fseeko(s->f, 0, SEEK_END) == 0) end = (uint64_t)ftello(s->f);
    if (size == UINT64_MAX) size = end > base ? end - base : 0;
    if (base > end || size > end - base) {
        hv_errf(e, HV_EINPUT, "%s: card store out of the file's bounds", path);
        goto fail;
    }
    s->file_size = size;
    if (size < 48 || fseeko(s->f, (off_t)(base + size - 40), SEEK_SET) || fread(foot, 1, 40, s->f) != 40 ||
        memcmp(foot + 32, MAGIC, 8)) {
        hv_errf(e, HV_EINPUT, "%s: not a card store (bad footer)", path);
        goto fail;
    }
    uint64_t blocks_off = hv_le_get64(foot), index_off = hv_le_get64(foot + 16);
    s->nblocks = hv_le_get64(foot + 8);
    s->nentries = hv_le_get64(foot + 24);
    uint64_t body = s->file_size - 40;
    if (blocks_off > body || s->nblocks > body / 16 || index_off != blocks_off + 16 * s->nblocks ||
        s->nentries > body / 12 || index_off + 12 * s->nentries != body) {
        hv_errf(e, HV_EINPUT, "%s: corrupt card store footer", path);
        goto fail;
    }
    s->blocks = calloc(s->nblocks ? s->nblocks : 1, sizeof *s->blocks);
    s->entries = calloc(s->nentries ? s->nentries : 1, sizeof *s->entries);
    unsigned char *tab = malloc(body - blocks_off + 1);
    if (!s->blocks || !s->entries || !tab) { free(tab); hv_errf(e, HV_ENOMEM, "out of memory"); goto fail; }
    if (fseeko(s->f, (off_t)(base + blocks_off), SEEK_SET) || fread(tab, 1, body - blocks_off, s->f) != body - blocks_off) {
        free(tab);
        hv_errf(e, HV_EIO, "%s: read failed", path);
        goto fail;
    }
    for (uint64_t i = 0; i < s->nblocks; i++) {
        const unsigned char *b = tab + 16 * i;
        s->blocks[i] = (blockinfo){hv_le_get64(b), hv_le_get32(b + 8), hv_le_get32(b + 12)};
        if (s->blocks[i].off + s->blocks[i].csize > blocks_off || s->blocks[i].rawsize > MAX_CARD + BLOCK_RAW) {
            free(tab);
            hv_errf(e, HV_EINPUT, "%s: block %llu out of bounds", path, (unsigned long long)i);
            goto fail;
        }
    }
    for (uint64_t i = 0; i < s->nentries; i++) {
        const unsigned char *b = tab + 16 * s->nblocks + 12 * i;
        s->entries[i] = (entryinfo){hv_le_get32(b), hv_le_get32(b + 4), hv_le_get32(b + 8)};
        const entryinfo *en = &s->entries[i];
        if (en->block >= s->nblocks || (uint64_t)en->offset + en->len > s->blocks[en->block].rawsize) {
            free(tab);
            hv_errf(e, HV_EINPUT, "%s: entry %llu out of bounds", path, (unsigned long long)i);
            goto fail;
        }
    }
    free(tab);
    return s;
fail:
    cardstore_close_reader(s);
    return NULL;
}

uint32_t cardstore_count(const hv_cardstore *s) { return (uint32_t)s->nentries; }

int cardstore_get(hv_cardstore *s, uint32_t entry, hv_buf *out, hv_err *e) {
    hv_buf_clear(out);
    if (entry >= s->nentries) return hv_errf(e, HV_EINPUT, "card %u not in store (%llu cards)", entry, (unsigned long long)s->nentries);
    const entryinfo *en = &s->entries[entry];
    if (en->block != s->cached_block) {
        const blockinfo *b = &s->blocks[en->block];
        hv_buf_clear(&s->cbuf);
        hv_buf_clear(&s->raw);
        if (hv_buf_reserve(&s->cbuf, b->csize) || hv_buf_reserve(&s->raw, b->rawsize))
            return hv_errf(e, HV_ENOMEM, "out of memory");
        if (fseeko(s->f, (off_t)(s->base + b->off), SEEK_SET) || fread(s->cbuf.p, 1, b->csize, s->f) != b->csize)
            return hv_errf(e, HV_EIO, "%s: read failed", s->path);
        size_t got = ZSTD_decompress(s->raw.p, b->rawsize, s->cbuf.p, b->csize);
        if (ZSTD_isError(got) || got != b->rawsize) {
            s->cached_block = UINT32_MAX;
            return hv_errf(e, HV_EINPUT, "%s: block %u is corrupt", s->path, en->block);
        }
        s->raw.n = got;
        s->cached_block = en->block;
    }
    if (hv_buf_append(out, s->raw.p + en->offset, en->len)) return hv_errf(e, HV_ENOMEM, "out of memory");
    return HV_OK;
}
