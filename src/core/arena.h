/* arena.h - a bump allocator for short-lived data (one row, one request).
 *
 * arena_reset keeps the first block so a per-row arena settles at the size
 * of the largest row and stops calling malloc. */
#ifndef HV_ARENA_H
#define HV_ARENA_H

#include <stddef.h>

typedef struct hv_arena_block hv_arena_block;

typedef struct hv_arena {
    hv_arena_block *head;
    size_t total; /* bytes in all blocks */
} hv_arena;

/* NULL when out of memory.  Memory is 8-byte aligned. */
void *arena_alloc(hv_arena *a, size_t n);
/* Copy n bytes and a NUL; NULL when out of memory. */
char *arena_strndup(hv_arena *a, const char *p, size_t n);
void arena_reset(hv_arena *a);
void arena_free(hv_arena *a);

#endif
