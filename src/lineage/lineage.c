/* lineage.c - families by union-find, depth and roots by Kahn's
 * topological order (parents before children), cycle-safe: a model whose
 * declared ancestry loops back on itself is counted, not followed forever. */
#include "lineage/lineage.h"

#include <stdlib.h>
#include <string.h>

static uint32_t find(uint32_t *parent, uint32_t x) {
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

void lineage_free(hv_lineage *l) {
    if (!l) return;
    free(l->indeg);
    free(l->outdeg);
    free(l->depth);
    free(l->root);
    free(l->family);
    free(l->family_size);
    free(l->family_root);
    memset(l, 0, sizeof *l);
}

static bool in_mask(const hv_lineage *l, const hv_edge *ed) { return (l->mask >> ed->type) & 1u; }

int lineage_build(const hv_catalog *c, unsigned mask, hv_lineage *l, hv_err *e) {
    memset(l, 0, sizeof *l);
    uint32_t n = c->n;
    l->n = n;
    l->mask = mask;
    size_t sz = (size_t)(n ? n : 1) * sizeof(uint32_t);
    l->indeg = calloc(1, sz);
    l->outdeg = calloc(1, sz);
    l->depth = calloc(1, sz);
    l->root = malloc(sz);
    l->family = malloc(sz);
    uint32_t *uf = malloc(sz), *queue = malloc(sz), *pending = malloc(sz);
    if (!l->indeg || !l->outdeg || !l->depth || !l->root || !l->family || !uf || !queue || !pending) {
        free(uf); free(queue); free(pending);
        lineage_free(l);
        return hv_errf(e, HV_ENOMEM, "out of memory");
    }
    for (uint32_t r = 0; r < n; r++) uf[r] = r;
    for (uint64_t k = 0; k < c->nedges; k++) {
        const hv_edge *ed = &c->edges[k];
        if (!in_mask(l, ed)) continue;
        l->nedges++;
        l->indeg[ed->child]++;
        l->outdeg[ed->parent]++;
        uint32_t a = find(uf, ed->parent), b = find(uf, ed->child);
        if (a != b) uf[a < b ? b : a] = a < b ? a : b;
    }

    /* Kahn: process a child once all its in-mask parents are done */
    uint32_t head = 0, tail = 0;
    for (uint32_t r = 0; r < n; r++) {
        pending[r] = l->indeg[r];
        l->root[r] = r;
        if (pending[r] == 0) queue[tail++] = r;
    }
    while (head < tail) {
        uint32_t p = queue[head++];
        const hv_csr *ec = &c->edge_children;
        for (uint64_t i = ec->off[p]; i < ec->off[p + 1]; i++) {
            const hv_edge *ed = &c->edges[ec->val[i]];
            if (!in_mask(l, ed)) continue;
            uint32_t ch = ed->child;
            if (l->depth[p] + 1 > l->depth[ch]) l->depth[ch] = l->depth[p] + 1;
            if (--pending[ch] == 0) queue[tail++] = ch;
        }
    }
    l->in_cycles = n - tail;
    /* roots along first parents, in topological order so parents are final */
    for (uint32_t i = 0; i < tail; i++) {
        uint32_t r = queue[i];
        for (uint64_t k = c->edge_off[r]; k < c->edge_off[r + 1]; k++)
            if (in_mask(l, &c->edges[k])) {
                l->root[r] = l->root[c->edges[k].parent];
                break;
            }
        if (l->depth[r] > l->max_depth) l->max_depth = l->depth[r];
    }
    for (uint32_t r = 0; r < n; r++)
        if (pending[r] != 0) l->depth[r] = 0;

    /* dense family ids in order of first row */
    for (uint32_t r = 0; r < n; r++) pending[r] = UINT32_MAX;
    for (uint32_t r = 0; r < n; r++) {
        uint32_t rep = find(uf, r);
        if (pending[rep] == UINT32_MAX) pending[rep] = l->nfamilies++;
        l->family[r] = pending[rep];
    }
    l->family_size = calloc(l->nfamilies ? l->nfamilies : 1, sizeof(uint32_t));
    l->family_root = malloc((l->nfamilies ? l->nfamilies : 1) * sizeof(uint32_t));
    free(uf);
    free(queue);
    free(pending);
    if (!l->family_size || !l->family_root) {
        lineage_free(l);
        return hv_errf(e, HV_ENOMEM, "out of memory");
    }
    for (uint32_t f = 0; f < l->nfamilies; f++) l->family_root[f] = UINT32_MAX;
    for (uint32_t r = 0; r < n; r++) {
        uint32_t f = l->family[r];
        l->family_size[f]++;
        if (l->indeg[r] != 0) continue;
        uint32_t best = l->family_root[f];
        if (best == UINT32_MAX || l->outdeg[r] > l->outdeg[best]) l->family_root[f] = r;
    }
    /* a family that is one big cycle has no in-degree-0 member */
    for (uint32_t r = 0; r < n; r++)
        if (l->family_root[l->family[r]] == UINT32_MAX) l->family_root[l->family[r]] = r;
    return HV_OK;
}
