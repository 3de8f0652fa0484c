/* strpool.c - open-addressing hash table over strings kept in stable chunks.
 *
 * Chunks are never moved, so a view handed out stays valid; the table stores
 * (hash, id) pairs and is rebuilt at 50% load to keep probes short. */
#include "core/strpool.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE ((size_t)1 << 20)

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk;

typedef struct slot {
    uint64_t hash;
    uint32_t id; /* UINT32_MAX marks an empty slot */
} slot;

struct hv_strpool {
    chunk *chunks;
    hv_sv *strs; /* id -> bytes */
    uint32_t n, cap;
    slot *table;
    size_t mask; /* table size - 1 (power of two) */
    size_t bytes;
};

uint64_t hv_hash_bytes(const void *p, size_t n) {
    /* FNV-1a folded 8 bytes at a time, then a murmur finalizer: cheap and
     * good enough for ids and tags (not exposed to hash-flooding input in a
     * way that matters: the build is offline). */
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0x100000001b3ULL;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    while (n--) h = (h ^ *s++) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static char *store_bytes(hv_strpool *sp, const char *p, size_t n) {
    chunk *c = sp->chunks;
    if (!c || c->cap - c->used < n + 1) {
        size_t cap = n + 1 > CHUNK_SIZE ? n + 1 : CHUNK_SIZE;
        c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->cap = cap;
        c->used = 0;
        c->next = sp->chunks;
        sp->chunks = c;
        sp->bytes += cap;
    }
    char *dst = c->data + c->used;
    if (n) memcpy(dst, p, n);
    dst[n] = 0;
    c->used += n + 1;
    return dst;
}

static int grow_table(hv_strpool *sp) {
    size_t size = sp->table ? (sp->mask + 1) * 2 : 1024;
    slot *t = malloc(size * sizeof *t);
    if (!t) return -1;
    for (size_t i = 0; i < size; i++) t[i].id = UINT32_MAX;
    for (uint32_t id = 0; id < sp->n; id++) {
        uint64_t h = hv_hash_bytes(sp->strs[id].p, sp->strs[id].n);
        size_t i = h & (size - 1);
        while (t[i].id != UINT32_MAX) i = (i + 1) & (size - 1);
        t[i].hash = h;
        t[i].id = id;
    }
    if (sp->table) sp->bytes -= (sp->mask + 1) * sizeof(slot);
    free(sp->table);
    sp->table = t;
    sp->mask = size - 1;
    sp->bytes += size * sizeof *t;
    return 0;
}

hv_strpool *strpool_new(void) {
    hv_strpool *sp = calloc(1, sizeof *sp);
    if (!sp) return NULL;
    uint32_t id;
    if (grow_table(sp) || strpool_intern(sp, hv_sv_make("", 0), &id)) {
        strpool_free(sp);
        return NULL;
    }
    return sp;
}

void strpool_free(hv_strpool *sp) {
    if (!sp) return;
    for (chunk *c = sp->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(sp->strs);
    free(sp->table);
    free(sp);
}

static size_t probe(const hv_strpool *sp, hv_sv s, uint64_t h) {
    size_t i = h & sp->mask;
    for (;;) {
        const slot *sl = &sp->table[i];
        if (sl->id == UINT32_MAX) return i;
        if (sl->hash == h && hv_sv_eq(sp->strs[sl->id], s)) return i;
        i = (i + 1) & sp->mask;
    }
}

int strpool_find(const hv_strpool *sp, hv_sv s, uint32_t *id) {
    size_t i = probe(sp, s, hv_hash_bytes(s.p, s.n));
    if (sp->table[i].id == UINT32_MAX) return 0;
    *id = sp->table[i].id;
    return 1;
}

int strpool_intern(hv_strpool *sp, hv_sv s, uint32_t *id) {
    uint64_t h = hv_hash_bytes(s.p, s.n);
    size_t i = probe(sp, s, h);
    if (sp->table[i].id != UINT32_MAX) {
        *id = sp->table[i].id;
        return 0;
    }
    if (sp->n == UINT32_MAX - 1) return -1;
    if (sp->n == sp->cap) {
        uint32_t cap = sp->cap ? sp->cap * 2 : 1024;
        hv_sv *v = realloc(sp->strs, (size_t)cap * sizeof *v);
        if (!v) return -1;
        sp->bytes += (size_t)(cap - sp->cap) * sizeof *v;
        sp->strs = v;
        sp->cap = cap;
    }
    char *bytes = store_bytes(sp, s.p, s.n);
    if (!bytes) return -1;
    uint32_t nid = sp->n++;
    sp->strs[nid] = hv_sv_make(bytes, s.n);
    sp->table[i].hash = h;
    sp->table[i].id = nid;
    *id = nid;
    if ((size_t)sp->n * 2 > sp->mask + 1 && grow_table(sp)) return -1;
    return 0;
}

hv_sv strpool_get(const hv_strpool *sp, uint32_t id) {
    if (id >= sp->n) return hv_sv_make("", 0);
    return sp->strs[id];
}

uint32_t strpool_count(const hv_strpool *sp) { return sp->n; }
size_t strpool_bytes(const hv_strpool *sp) { return sp->bytes; }
