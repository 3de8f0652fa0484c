/* catalog_finish.c - from appended rows to the final table: drop rows that a
 * later duplicate superseded, resolve parent ids to rows, build the
 * children index per relation and the unified, typed edge list. */
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/catalog_int.h"

#define OOM() hv_errf(e, HV_ENOMEM, "out of memory")

/* Keep the rows with keep[r] != 0, in order; rewrites a CSR in place. */
static void compact_csr(hv_csr *l, const uint8_t *superseded, uint32_t n) {
    uint64_t w = 0;
    uint32_t out = 0;
    for (uint32_t r = 0; r < n; r++) {
        uint64_t a = l->off[r], b = l->off[r + 1];
        if (superseded[r]) continue;
        if (b > a && w != a) memmove(l->val + w, l->val + a, (b - a) * sizeof *l->val);
        l->off[out] = w;
        w += b - a;
        out++;
    }
    l->off[out] = w;
    l->nval = w;
}

#define COMPACT(col) do { for (uint32_t r = 0, o = 0; r < c->n; r++) if (!c->superseded[r]) c->col[o++] = c->col[r]; } while (0)

static void compact(hv_catalog *c) {
    if (c->duplicates == 0 && c->rows_added == c->n) {
        bool any = false;
        for (uint32_t r = 0; r < c->n && !any; r++) any = c->superseded[r];
        if (!any) return;
    }
    hv_csr *lists[] = {&c->tags, &c->licenses, &c->languages, &c->datasets, &c->arxiv, &c->regions,
                       &c->parents[0], &c->parents[1], &c->parents[2], &c->parents[3], &c->parents[4]};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) compact_csr(lists[i], c->superseded, c->n);
    COMPACT(model_id); COMPACT(author); COMPACT(has); COMPACT(likes); COMPACT(downloads);
    COMPACT(created_at); COMPACT(trending); COMPACT(is_private); COMPACT(pipeline); COMPACT(library);
    COMPACT(has_card); COMPACT(card_autogen); COMPACT(card_frontmatter); COMPACT(card_chars);
    COMPACT(card_words); COMPACT(card_ref);
    uint32_t out = 0;
    for (uint32_t r = 0; r < c->n; r++)
        if (!c->superseded[r]) out++;
    c->n = out;
    memset(c->superseded, 0, c->n);
    for (uint32_t i = 0; i < c->row_of_id_cap; i++) c->row_of_id[i] = HV_NO_ROW;
    for (uint32_t r = 0; r < c->n; r++) c->row_of_id[c->model_id[r]] = r;
}

static int alloc_csr(hv_csr *l, uint32_t n, uint64_t nval) {
    l->off = calloc((size_t)n + 1, sizeof *l->off);
    l->val = malloc((nval ? nval : 1) * sizeof *l->val);
    l->capval = nval;
    l->nval = nval;
    return l->off && l->val ? 0 : -1;
}

/* children = transpose of parent_rows, by counting sort (rows stay sorted) */
static int transpose(const hv_csr *in, hv_csr *out, uint32_t n) {
    if (alloc_csr(out, n, in->nval)) return -1;
    for (uint64_t i = 0; i < in->nval; i++) out->off[in->val[i] + 1]++;
    for (uint32_t r = 0; r < n; r++) out->off[r + 1] += out->off[r];
    uint64_t *fill = malloc(((size_t)n + 1) * sizeof *fill);
    if (!fill) return -1;
    memcpy(fill, out->off, ((size_t)n + 1) * sizeof *fill);
    for (uint32_t child = 0; child < n; child++)
        for (uint64_t i = in->off[child]; i < in->off[child + 1]; i++) out->val[fill[in->val[i]]++] = child;
    free(fill);
    return 0;
}

static int resolve(hv_catalog *c, hv_err *e) {
    for (int rel = 0; rel < HV_REL_COUNT; rel++) {
        const hv_csr *decl = &c->parents[rel];
        hv_csr *res = &c->parent_rows[rel];
        if (alloc_csr(res, c->n, decl->nval)) return OOM();
        uint64_t w = 0;
        for (uint32_t r = 0; r < c->n; r++) {
            res->off[r] = w;
            for (uint64_t i = decl->off[r]; i < decl->off[r + 1]; i++) {
                uint32_t pid = decl->val[i];
                uint32_t prow = pid < c->row_of_id_cap ? c->row_of_id[pid] : HV_NO_ROW;
                if (prow == HV_NO_ROW) c->external_parents[rel]++;
                else if (prow == r) c->self_parents++;
                else res->val[w++] = prow; /* ids are deduplicated per row at add */
            }
        }
        res->off[c->n] = w;
        res->nval = w;
        if (transpose(res, &c->children[rel], c->n)) return OOM();
    }
    return HV_OK;
}

/* The paper's edge type: the last match in the order finetune, quantized,
 * adapter, merge; untyped (HV_REL_BASE) when no typed list names the pair. */
static uint8_t edge_type(uint8_t mask) {
    if (mask & (1u << HV_REL_MERGE)) return HV_REL_MERGE;
    if (mask & (1u << HV_REL_ADAPTER)) return HV_REL_ADAPTER;
    if (mask & (1u << HV_REL_QUANTIZED)) return HV_REL_QUANTIZED;
    if (mask & (1u << HV_REL_FINETUNE)) return HV_REL_FINETUNE;
    return HV_REL_BASE;
}

static int build_edges(hv_catalog *c, hv_err *e) {
    uint64_t total = 0;
    for (int rel = 0; rel < HV_REL_COUNT; rel++) total += c->parent_rows[rel].nval;
    c->edges = malloc((total ? total : 1) * sizeof *c->edges);
    c->edge_off = malloc(((size_t)c->n + 1) * sizeof *c->edge_off);
    if (!c->edges || !c->edge_off) return OOM();
    uint64_t w = 0;
    for (uint32_t r = 0; r < c->n; r++) {
        c->edge_off[r] = w;
        for (int rel = 0; rel < HV_REL_COUNT; rel++) {
            const hv_csr *pr = &c->parent_rows[rel];
            for (uint64_t i = pr->off[r]; i < pr->off[r + 1]; i++) {
                uint32_t p = pr->val[i];
                uint64_t k = c->edge_off[r];
                while (k < w && c->edges[k].parent != p) k++;
                if (k == w) c->edges[w++] = (hv_edge){p, r, 0, 0};
                c->edges[k].relmask |= (uint8_t)(1u << rel);
            }
        }
        for (uint64_t k = c->edge_off[r]; k < w; k++) c->edges[k].type = edge_type(c->edges[k].relmask);
    }
    c->edge_off[c->n] = w;
    c->nedges = w;
    /* parent -> indices of its edges */
    hv_csr *ec = &c->edge_children;
    if (alloc_csr(ec, c->n, w)) return OOM();
    for (uint64_t k = 0; k < w; k++) ec->off[c->edges[k].parent + 1]++;
    for (uint32_t r = 0; r < c->n; r++) ec->off[r + 1] += ec->off[r];
    uint64_t *fill = malloc(((size_t)c->n + 1) * sizeof *fill);
    if (!fill) return OOM();
    memcpy(fill, ec->off, ((size_t)c->n + 1) * sizeof *fill);
    for (uint64_t k = 0; k < w; k++) ec->val[fill[c->edges[k].parent]++] = (uint32_t)k;
    free(fill);
    return HV_OK;
}

int catalog_finish(hv_catalog *c, hv_err *e) {
    if (c->finished) return HV_OK;
    if (catalog_ensure_rows(c, c->n + 1)) return OOM();
    compact(c);
    int rc = resolve(c, e);
    if (rc == HV_OK) rc = build_edges(c, e);
    if (rc == HV_OK) c->finished = true;
    return rc;
}
