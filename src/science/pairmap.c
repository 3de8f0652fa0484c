/* pairmap.c - linear probing, load at most 1/2, Fibonacci hashing. */
#include "science/pairmap.h"

#include <stdlib.h>

static size_t slot_of(const sci_pairmap *m, uint64_t key) {
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (m->cap - 1);
    while (m->k[i] && m->k[i] != key) i = (i + 1) & (m->cap - 1);
    return i;
}

static int grow(sci_pairmap *m) {
    size_t nc = m->cap ? m->cap * 2 : 1024;
    sci_pairmap g = {calloc(nc, sizeof(uint64_t)), calloc(nc, sizeof(uint64_t)), nc, m->n};
    if (!g.k || !g.w) {
        free(g.k);
        free(g.w);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->k[i]) {
            size_t s = slot_of(&g, m->k[i]);
            g.k[s] = m->k[i];
            g.w[s] = m->w[i];
        }
    free(m->k);
    free(m->w);
    *m = g;
    return 0;
}

int sci_pm_add(sci_pairmap *m, uint64_t key, uint64_t inc) {
    if (2 * (m->n + 1) > m->cap && grow(m)) return -1;
    size_t s = slot_of(m, key);
    if (!m->k[s]) {
        m->k[s] = key;
        m->n++;
    }
    m->w[s] += inc;
    return 0;
}

uint64_t sci_pm_get(const sci_pairmap *m, uint64_t key) {
    if (!m->cap) return 0;
    size_t s = slot_of(m, key);
    return m->k[s] ? m->w[s] : 0;
}

void sci_pm_free(sci_pairmap *m) {
    free(m->k);
    free(m->w);
    m->k = m->w = NULL;
    m->cap = m->n = 0;
}
