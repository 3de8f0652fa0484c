/* facets.c - counting with a dense array indexed by string id. */
#include "catalog/facets.h"

#include <stdlib.h>
#include <string.h>

typedef struct sort_ctx_entry {
    hv_facet_entry e;
    hv_sv name;
} sort_entry;

static int cmp_entry(const void *a, const void *b) {
    const sort_entry *x = a, *y = b;
    if (x->e.count != y->e.count) return x->e.count > y->e.count ? -1 : 1;
    size_t n = x->name.n < y->name.n ? x->name.n : y->name.n;
    int c = memcmp(x->name.p, y->name.p, n);
    if (c) return c;
    return x->name.n < y->name.n ? -1 : x->name.n > y->name.n;
}

static int finish(const hv_catalog *c, uint64_t *counts, size_t top, hv_facet *out) {
    uint32_t nstr = strpool_count(c->strs);
    size_t distinct = 0;
    for (uint32_t s = 1; s < nstr; s++)
        if (counts[s]) distinct++;
    out->distinct = distinct;
    sort_entry *all = malloc((distinct ? distinct : 1) * sizeof *all);
    if (!all) return -1;
    size_t k = 0;
    for (uint32_t s = 1; s < nstr; s++)
        if (counts[s]) all[k++] = (sort_entry){{s, counts[s]}, strpool_get(c->strs, s)};
    qsort(all, distinct, sizeof *all, cmp_entry);
    out->ntop = top < distinct ? top : distinct;
    out->top = malloc((out->ntop ? out->ntop : 1) * sizeof *out->top);
    if (!out->top) { free(all); return -1; }
    for (size_t i = 0; i < out->ntop; i++) out->top[i] = all[i].e;
    free(all);
    return 0;
}

int facet_list(const hv_catalog *c, const hv_csr *col, size_t top, hv_facet *out) {
    memset(out, 0, sizeof *out);
    uint64_t *counts = calloc(strpool_count(c->strs) + 1, sizeof *counts);
    if (!counts) return -1;
    for (uint32_t r = 0; r < c->n; r++) {
        uint64_t a = col->off[r], b = col->off[r + 1];
        if (b > a) out->models++;
        out->total += b - a;
        for (uint64_t i = a; i < b; i++) counts[col->val[i]]++;
    }
    int rc = finish(c, counts, top, out);
    free(counts);
    return rc;
}

int facet_scalar(const hv_catalog *c, const uint32_t *col, size_t top, hv_facet *out) {
    memset(out, 0, sizeof *out);
    uint64_t *counts = calloc(strpool_count(c->strs) + 1, sizeof *counts);
    if (!counts) return -1;
    for (uint32_t r = 0; r < c->n; r++)
        if (col[r]) { counts[col[r]]++; out->models++; out->total++; }
    int rc = finish(c, counts, top, out);
    free(counts);
    return rc;
}

void facet_free(hv_facet *f) {
    free(f->top);
    memset(f, 0, sizeof *f);
}
