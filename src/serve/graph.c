/* graph.c - what the lineage, family and network endpoints share: the
 * edge types of the map's families, a relations parameter, and a small hash
 * map of rows for walks that must not touch memory in proportion to the
 * whole map (a walk visits a family, not 1.86M rows). */
#include <stdlib.h>
#include <string.h>

#include "lineage/lineage.h"
#include "serve/serve_int.h"

unsigned map_lineage_mask(const hv_map *m) {
    const void *v;
    /* Maps written before the mask was stored were built with the default. */
    if (mapfile_find(&m->file, "lineage.mask") && mapfile_get(&m->file, "lineage.mask", 4, 1, &v, NULL, NULL) == 0) {
        uint32_t mask;
        memcpy(&mask, v, 4);
        return mask & HV_LINEAGE_ALL_MASK;
    }
    return HV_LINEAGE_DEFAULT_MASK;
}

int arg_relations(const hv_req *rq, hv_resp *rs, const char *name, unsigned def, unsigned *out) {
    const char *v;
    if (arg_str(rq, rs, name, 200, &v)) return -1;
    *out = def;
    if (!v) return 0;
    if (strcmp(v, "all") == 0) {
        *out = HV_LINEAGE_ALL_MASK;
        return 0;
    }
    unsigned mask = 0;
    for (const char *p = v;;) {
        const char *c = strchr(p, ',');
        hv_sv one = hv_sv_trim(hv_sv_make(p, c ? (size_t)(c - p) : strlen(p)));
        hv_relation r = hv_relation_parse(one);
        if (r == HV_REL_COUNT) {
            resp_error(rs, 400, "bad parameter",
                       "%s is a comma list of base, finetune, adapter, quantized, merge (or all); got '%.*s'", name,
                       (int)(one.n > 40 ? 40 : one.n), one.p);
            return -1;
        }
        mask |= 1u << r;
        if (!c) break;
        p = c + 1;
    }
    *out = mask;
    return 0;
}

void jw_relations(hv_jw *w, unsigned mask) {
    jw_arr(w);
    for (int r = 0; r < HV_REL_COUNT; r++)
        if (mask >> r & 1u) jw_cstr(w, hv_relation_name((hv_relation)r));
    jw_arr_end(w);
}

bool need_lineage(const hv_server *s, hv_resp *rs) {
    if (s->map.depth && s->map.family) return true;
    resp_error(rs, 409, "not available", "this map was built without lineage (families, depth)");
    return false;
}

/* ---- hv_rowmap: open addressing, linear probing, doubling at half full ---- */

/* murmur3's finaliser: rows that share their low bits (strided rows) still
 * spread over the table, which a bare multiply-and-mask would not do */
static uint32_t rowmap_slot(uint32_t row, uint32_t mask) {
    row ^= row >> 16;
    row *= 0x85ebca6bu;
    row ^= row >> 13;
    row *= 0xc2b2ae35u;
    row ^= row >> 16;
    return row & mask;
}

int rowmap_init(hv_rowmap *h, uint32_t expect) {
    uint32_t cap = 16;
    while (cap < expect * 2 && cap < (1u << 31)) cap <<= 1;
    h->key = malloc((size_t)cap * sizeof *h->key);
    h->val = malloc((size_t)cap * sizeof *h->val);
    h->cap = cap;
    h->n = 0;
    if (!h->key || !h->val) {
        rowmap_free(h);
        return -1;
    }
    memset(h->key, 0xFF, (size_t)cap * sizeof *h->key);
    return 0;
}

void rowmap_free(hv_rowmap *h) {
    free(h->key);
    free(h->val);
    memset(h, 0, sizeof *h);
}

int32_t *rowmap_get(const hv_rowmap *h, uint32_t row) {
    uint32_t mask = h->cap - 1;
    for (uint32_t i = rowmap_slot(row, mask);; i = (i + 1) & mask) {
        if (h->key[i] == row) return &h->val[i];
        if (h->key[i] == HV_NO_ROW) return NULL;
    }
}

static int rowmap_grow(hv_rowmap *h) {
    hv_rowmap t;
    if (h->cap >= (1u << 31) || rowmap_init(&t, h->cap)) return -1;
    for (uint32_t i = 0; i < h->cap; i++)
        if (h->key[i] != HV_NO_ROW) rowmap_put(&t, h->key[i], h->val[i]);
    rowmap_free(h);
    *h = t;
    return 0;
}

int rowmap_put(hv_rowmap *h, uint32_t row, int32_t val) {
    if ((h->n + 1) * 2 > h->cap && rowmap_grow(h)) return -1;
    uint32_t mask = h->cap - 1;
    for (uint32_t i = rowmap_slot(row, mask);; i = (i + 1) & mask) {
        if (h->key[i] == row) return 0;
        if (h->key[i] == HV_NO_ROW) {
            h->key[i] = row;
            h->val[i] = val;
            h->n++;
            return 1;
        }
    }
}

/* ---- file names ---- */

void safe_filename(char *out, size_t cap, const char *prefix, hv_sv id, const char *ext) {
    size_t k = 0;
    for (const char *p = prefix; *p && k + 1 < cap; p++) out[k++] = *p;
    for (size_t i = 0; i < id.n && i < 100 && k + 1 < cap; i++) {
        char c = id.p[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '-' || c == '_';
        out[k++] = ok ? c : '_';
    }
    for (const char *p = ext; *p && k + 1 < cap; p++) out[k++] = *p;
    out[k] = 0;
}

/* ---- breadth-first walks over typed edges ---- */

int walk_bfs(const hv_map *m, const hv_walk *wk, hv_rowmap *seen, uint32_t *order, uint32_t *norder, unsigned *cut) {
    uint32_t *queue = malloc(((size_t)wk->max_nodes + 1) * sizeof *queue);
    if (!queue) return -1;
    uint32_t head = 0, tail = 0;
    int rc = rowmap_put(seen, wk->start, 0);
    if (rc < 0) goto oom;
    if (rc == 1) order[(*norder)++] = wk->start;
    queue[tail++] = wk->start;
    while (head < tail) {
        uint32_t r = queue[head++];
        const int32_t *hp = rowmap_get(seen, r);
        uint32_t hops = (uint32_t)(*hp < 0 ? -*hp : *hp);
        if (r == wk->stop_at) break; /* the start itself */
        /* up: the edges of child r are edges[edge_off[r] .. edge_off[r+1]);
         * down: edge_children lists the edges whose parent is r */
        uint64_t nup = wk->dirs & WALK_UP ? m->edge_off[r + 1] - m->edge_off[r] : 0;
        uint64_t ndown = wk->dirs & WALK_DOWN ? m->edge_children.off[r + 1] - m->edge_children.off[r] : 0;
        for (uint64_t i = 0; i < nup + ndown; i++) {
            const hv_edge *ed = i < nup ? &m->edges[m->edge_off[r] + i]
                                        : &m->edges[m->edge_children.val[m->edge_children.off[r] + (i - nup)]];
            if (!(wk->mask >> ed->type & 1u)) continue;
            uint32_t next = i < nup ? ed->parent : ed->child;
            if (rowmap_get(seen, next)) continue;
            if (hops >= wk->max_hops) { /* one unseen neighbour is enough to know */
                *cut |= WALK_CUT_HOPS;
                break;
            }
            if (seen->n >= wk->max_nodes) { /* full: the rest of a hub's children need not be looked at */
                *cut |= WALK_CUT_NODES;
                goto done;
            }
            if (rowmap_put(seen, next, wk->sign * (int32_t)(hops + 1)) < 0) goto oom;
            order[(*norder)++] = next;
            queue[tail++] = next;
            if (next == wk->stop_at) goto done; /* its hop count is final: breadth first */
        }
    }
done:
    free(queue);
    return 0;
oom:
    free(queue);
    return -1;
}
