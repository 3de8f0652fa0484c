/* arena.c - bump allocator in a chain of blocks. */
#include "core/arena.h"

#include <stdlib.h>
#include <string.h>

struct hv_arena_block {
    hv_arena_block *next;
    size_t used, cap;
    _Alignas(8) char data[];
};

#define ARENA_BLOCK ((size_t)64 << 10)

void *arena_alloc(hv_arena *a, size_t n) {
    n = (n + 7) & ~(size_t)7;
    hv_arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        if (b && b->cap * 2 > cap && b->cap * 2 >= n) cap = b->cap * 2;
        b = malloc(sizeof *b + cap);
        if (!b) return NULL;
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
        a->total += cap;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

char *arena_strndup(hv_arena *a, const char *p, size_t n) {
    char *d = arena_alloc(a, n + 1);
    if (!d) return NULL;
    if (n) memcpy(d, p, n);
    d[n] = 0;
    return d;
}

void arena_reset(hv_arena *a) {
    /* keep the newest (largest) block, free the rest */
    hv_arena_block *b = a->head;
    if (!b) return;
    hv_arena_block *rest = b->next;
    while (rest) {
        hv_arena_block *next = rest->next;
        a->total -= rest->cap;
        free(rest);
        rest = next;
    }
    b->next = NULL;
    b->used = 0;
}

void arena_free(hv_arena *a) {
    hv_arena_block *b = a->head;
    while (b) {
        hv_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}
