/* snapshot.c - a snapshot in memory: the total and value -> count tables.
 * The list method bumps a count per model of a page (millions of calls a
 * poll on the real Hub), hence the hash table. */
#include <stdlib.h>
#include <string.h>

#include "track/track.h"

const char *const track_source_names[TRACK_SOURCE_COUNT + 1] = {"hub", "dataset", NULL};
const char *const track_facet_names[TRACK_FACET_COUNT + 1] = {"library", "pipeline", NULL};

void snapshot_init(hv_snapshot *s) {
    memset(s, 0, sizeof *s);
    s->method = "counts";
}

void counts_free(hv_counts *c) {
    for (uint32_t i = 0; i < c->n; i++) free(c->items[i].value);
    free(c->items);
    free(c->slot);
    memset(c, 0, sizeof *c);
}

void snapshot_free(hv_snapshot *s) {
    for (int f = 0; f < TRACK_FACET_COUNT; f++) counts_free(&s->by[f]);
}

static uint32_t hash_bytes(const char *p, size_t n) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 16777619u;
    return h;
}

static int grow(hv_counts *c) {
    uint32_t nslot = c->nslot ? c->nslot * 2 : 64;
    uint32_t *slot = calloc(nslot, sizeof *slot);
    if (!slot) return -1;
    for (uint32_t i = 0; i < c->n; i++) {
        uint32_t h = hash_bytes(c->items[i].value, strlen(c->items[i].value)) & (nslot - 1);
        while (slot[h]) h = (h + 1) & (nslot - 1);
        slot[h] = i + 1;
    }
    free(c->slot);
    c->slot = slot;
    c->nslot = nslot;
    return 0;
}

/* The item of value, or (create) a new one at 0; NULL when absent / OOM. */
static hv_count *find(hv_counts *c, const char *value, size_t len, bool create) {
    if (c->nslot) {
        uint32_t h = hash_bytes(value, len) & (c->nslot - 1);
        for (; c->slot[h]; h = (h + 1) & (c->nslot - 1)) {
            hv_count *it = &c->items[c->slot[h] - 1];
            if (strncmp(it->value, value, len) == 0 && it->value[len] == 0) return it;
        }
    }
    if (!create) return NULL;
    if ((c->n + 1) * 2 > c->nslot && grow(c)) return NULL;
    if (c->n == c->cap) {
        uint32_t cap = c->cap ? c->cap * 2 : 32;
        hv_count *items = realloc(c->items, cap * sizeof *items);
        if (!items) return NULL;
        c->items = items;
        c->cap = cap;
    }
    char *v = malloc(len + 1);
    if (!v) return NULL;
    memcpy(v, value, len);
    v[len] = 0;
    uint32_t h = hash_bytes(value, len) & (c->nslot - 1);
    while (c->slot[h]) h = (h + 1) & (c->nslot - 1);
    c->slot[h] = c->n + 1;
    c->items[c->n] = (hv_count){v, 0};
    return &c->items[c->n++];
}

int counts_add(hv_counts *c, const char *value, size_t len, int64_t delta) {
    hv_count *it = find(c, value, len, true);
    if (!it) return -1;
    it->count += delta;
    return 0;
}

int counts_set(hv_counts *c, const char *value, int64_t count) {
    size_t len = strlen(value);
    bool had = find(c, value, len, false) != NULL;
    hv_count *it = find(c, value, len, true);
    if (!it) return -1;
    it->count = count;
    return had ? 1 : 0;
}

int64_t counts_get(const hv_counts *c, const char *value) {
    hv_count *it = find((hv_counts *)c, value, strlen(value), false);
    return it ? it->count : 0;
}
