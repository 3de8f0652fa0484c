/* pairmap.h - an open-addressing counter keyed by a non-zero 64-bit key
 * (here a pair of string ids, from << 32 | to). */
#ifndef HV_SCI_PAIRMAP_H
#define HV_SCI_PAIRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct sci_pairmap {
    uint64_t *k, *w; /* key 0 = empty slot */
    size_t cap, n;
} sci_pairmap;

static inline uint64_t sci_pair(uint32_t from, uint32_t to) { return (uint64_t)from << 32 | to; }
/* Returns 0, or -1 when out of memory. */
int sci_pm_add(sci_pairmap *m, uint64_t key, uint64_t inc);
uint64_t sci_pm_get(const sci_pairmap *m, uint64_t key);
void sci_pm_free(sci_pairmap *m);

#endif
