/* graph.c - union-find families and Kahn depth over a relation mask.  A
 * model whose ancestry loops is counted in in_cycles, never followed. */
#include "science/graph.h"

#include <stdlib.h>
#include <string.h>

static uint32_t uf_find(uint32_t *p, uint32_t x) {
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

void sci_graph_free(sci_graph *g) {
    if (!g) return;
    free(g->indeg);
    free(g->outdeg);
    free(g->depth);
    free(g->family);
    free(g->family_size);
    free(g->family_root);
    memset(g, 0, sizeof *g);
}

int sci_graph_build(const hv_sci_view *v, unsigned mask, sci_graph *g, hv_err *e) {
    memset(g, 0, sizeof *g);
    uint32_t n = v->n;
    g->n = n;
    g->mask = mask;
    size_t sz = (size_t)(n ? n : 1) * sizeof(uint32_t);
    g->indeg = calloc(1, sz);
    g->outdeg = calloc(1, sz);
    g->depth = calloc(1, sz);
    g->family = malloc(sz);
    uint32_t *uf = malloc(sz), *queue = malloc(sz), *pending = malloc(sz);
    if (!g->indeg || !g->outdeg || !g->depth || !g->family || !uf || !queue || !pending) goto oom;
    for (uint32_t r = 0; r < n; r++) uf[r] = r;
    for (uint64_t k = 0; k < v->nedges; k++) {
        const hv_edge *ed = &v->edges[k];
        if (!sci_edge_in(mask, ed)) continue;
        g->nedges++;
        g->indeg[ed->child]++;
        g->outdeg[ed->parent]++;
        uint32_t a = uf_find(uf, ed->parent), b = uf_find(uf, ed->child);
        if (a != b) uf[a < b ? b : a] = a < b ? a : b;
    }
    uint32_t head = 0, tail = 0;
    for (uint32_t r = 0; r < n; r++) {
        pending[r] = g->indeg[r];
        if (!pending[r]) queue[tail++] = r;
    }
    while (head < tail) {
        uint32_t p = queue[head++];
        for (uint64_t i = v->edge_children.off[p]; i < v->edge_children.off[p + 1]; i++) {
            const hv_edge *ed = &v->edges[v->edge_children.val[i]];
            if (!sci_edge_in(mask, ed)) continue;
            uint32_t ch = ed->child;
            if (g->depth[p] + 1 > g->depth[ch]) g->depth[ch] = g->depth[p] + 1;
            if (--pending[ch] == 0) queue[tail++] = ch;
        }
    }
    g->in_cycles = n - tail;
    for (uint32_t r = 0; r < n; r++) {
        if (pending[r]) g->depth[r] = 0;
        if (g->depth[r] > g->max_depth) g->max_depth = g->depth[r];
    }
    for (uint32_t r = 0; r < n; r++) pending[r] = UINT32_MAX;
    for (uint32_t r = 0; r < n; r++) {
        uint32_t rep = uf_find(uf, r);
        if (pending[rep] == UINT32_MAX) pending[rep] = g->nfamilies++;
        g->family[r] = pending[rep];
    }
    free(uf);
    free(queue);
    free(pending);
    uf = queue = pending = NULL;
    g->family_size = calloc(g->nfamilies ? g->nfamilies : 1, sizeof(uint32_t));
    g->family_root = malloc((g->nfamilies ? g->nfamilies : 1) * sizeof(uint32_t));
    if (!g->family_size || !g->family_root) goto oom;
    for (uint32_t f = 0; f < g->nfamilies; f++) g->family_root[f] = UINT32_MAX;
    for (uint32_t r = 0; r < n; r++) {
        uint32_t f = g->family[r];
        g->family_size[f]++;
        if (g->indeg[r]) continue;
        uint32_t best = g->family_root[f];
        if (best == UINT32_MAX || g->outdeg[r] > g->outdeg[best]) g->family_root[f] = r;
    }
    for (uint32_t r = 0; r < n; r++)
        if (g->family_root[g->family[r]] == UINT32_MAX) g->family_root[g->family[r]] = r;
    return HV_OK;
oom:
    free(uf);
    free(queue);
    free(pending);
    sci_graph_free(g);
    return hv_errf(e, HV_ENOMEM, "out of memory");
}
