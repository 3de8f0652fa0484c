/* api_family.c - family trees: one model's ancestors and descendants, its
 * path to its root, the largest families, and how families are spread.
 *
 * A family is a weakly connected component of the map's lineage graph
 * (fine-tune, adapter, quantized and untyped edges unless the map was
 * built with --merges: map_lineage_mask).  Per-model answers walk edges
 * from the model (bounded by generations and nodes); global ones read the
 * rows grouped by family (s->family_off / family_rows), one pass. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"
#include "serve/serve_int.h"

#define FAMILY_MAX_DEPTH 50
#define FAMILY_MAX_LIMIT 5000
#define FAMILIES_MAX_LIMIT 1000
#define GROWTH_MAX_MONTHS 1200 /* a century of months; createdAt spans a decade */

/* ---- /api/model/{id}/family ---- */

typedef struct gen_row {
    uint32_t row;
    int32_t gen;
    uint32_t seq; /* breadth-first order, kept within a generation */
} gen_row;

static int cmp_gen(const void *a, const void *b) {
    const gen_row *x = a, *y = b;
    if (x->gen != y->gen) return x->gen < y->gen ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *const DIRECTIONS[] = {"both", "up", "down", NULL};

void api_model_family(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row) {
    const hv_map *m = &s->map;
    unsigned lineage_mask = map_lineage_mask(m), mask;
    uint32_t max_depth, limit;
    int dir;
    if (arg_u32(rq, rs, "max_depth", FAMILY_MAX_DEPTH, 1, FAMILY_MAX_DEPTH, &max_depth) ||
        arg_u32(rq, rs, "limit", 1000, 1, FAMILY_MAX_LIMIT, &limit) ||
        arg_relations(rq, rs, "relations", lineage_mask, &mask) ||
        arg_enum(rq, rs, "direction", DIRECTIONS, 0, &dir))
        return;
    hv_rowmap seen;
    uint32_t *order = malloc((size_t)limit * sizeof *order), n = 0;
    gen_row *nodes = NULL;
    if (!order || rowmap_init(&seen, limit < 256 ? limit : 256)) {
        free(order);
        resp_error(rs, 500, "out of memory", "family walk");
        return;
    }
    unsigned cut = 0;
    /* ancestors first (they are few), then descendants with what is left */
    hv_walk up = {row, HV_NO_ROW, mask, WALK_UP, -1, max_depth, limit};
    hv_walk down = {row, HV_NO_ROW, mask, WALK_DOWN, +1, max_depth, limit};
    if ((dir != 2 && walk_bfs(m, &up, &seen, order, &n, &cut)) ||
        (dir != 1 && walk_bfs(m, &down, &seen, order, &n, &cut)) || !(nodes = malloc((size_t)n * sizeof *nodes))) {
        rowmap_free(&seen);
        free(order);
        resp_error(rs, 500, "out of memory", "family walk");
        return;
    }
    uint32_t nanc = 0, ndesc = 0;
    for (uint32_t i = 0; i < n; i++) {
        nodes[i] = (gen_row){order[i], *rowmap_get(&seen, order[i]), i};
        nanc += nodes[i].gen < 0;
        ndesc += nodes[i].gen > 0;
    }
    qsort(nodes, n, sizeof *nodes, cmp_gen);
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "id");
    jw_str(&w, map_id(m, row));
    jw_key(&w, "max_depth");
    jw_uint(&w, max_depth);
    jw_key(&w, "limit");
    jw_uint(&w, limit);
    jw_key(&w, "direction");
    jw_cstr(&w, DIRECTIONS[dir]);
    jw_key(&w, "relations");
    jw_relations(&w, mask);
    jw_key(&w, "truncated"); /* some ancestor or descendant was left out */
    jw_bool(&w, cut != 0);
    jw_key(&w, "truncated_by");
    jw_arr(&w);
    if (cut & WALK_CUT_NODES) jw_cstr(&w, "limit");
    if (cut & WALK_CUT_HOPS) jw_cstr(&w, "max_depth");
    jw_arr_end(&w);
    jw_key(&w, "ancestors");
    jw_uint(&w, nanc);
    jw_key(&w, "descendants");
    jw_uint(&w, ndesc);
    jw_key(&w, "nodes");
    jw_arr(&w);
    for (uint32_t i = 0; i < n; i++) {
        jw_obj(&w);
        jw_model_brief_fields(&w, m, nodes[i].row);
        jw_key(&w, "generation");
        jw_int(&w, nodes[i].gen);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    /* every edge of the chosen types between two listed models, found once
     * as a parent edge of its child */
    jw_key(&w, "edges");
    jw_arr(&w);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t c = nodes[i].row;
        for (uint64_t k = m->edge_off[c]; k < m->edge_off[c + 1]; k++) {
            const hv_edge *ed = &m->edges[k];
            if (!(mask >> ed->type & 1u) || !rowmap_get(&seen, ed->parent)) continue;
            jw_obj(&w);
            jw_key(&w, "parent");
            jw_str(&w, map_id(m, ed->parent));
            jw_key(&w, "child");
            jw_str(&w, map_id(m, c));
            jw_key(&w, "type");
            jw_cstr(&w, hv_relation_name((hv_relation)ed->type));
            jw_obj_end(&w);
        }
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    rowmap_free(&seen);
    free(order);
    free(nodes);
    resp_json_done(rs, &w);
}

/* ---- /api/model/{id}/path ---- */

/* The parent that continues the longest chain: depth is the longest path
 * from a root, so some in-mask parent has depth - 1.  Among those, one with
 * the model's stored root (roots follow first parents), else the first. */
static uint32_t path_parent(const hv_map *m, uint32_t r, uint32_t want_root, unsigned mask, uint8_t *type) {
    uint32_t best = HV_NO_ROW;
    for (uint64_t k = m->edge_off[r]; k < m->edge_off[r + 1]; k++) {
        const hv_edge *ed = &m->edges[k];
        if (!(mask >> ed->type & 1u) || m->depth[ed->parent] + 1 != m->depth[r]) continue;
        if (best == HV_NO_ROW || (m->root[ed->parent] == want_root && m->root[best] != want_root)) {
            best = ed->parent;
            *type = ed->type;
        }
    }
    return best;
}

void api_model_path(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row) {
    (void)rq;
    if (!need_lineage(s, rs)) return;
    const hv_map *m = &s->map;
    unsigned mask = map_lineage_mask(m);
    uint32_t want_root = m->root[row];
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "id");
    jw_str(&w, map_id(m, row));
    jw_key(&w, "depth");
    jw_uint(&w, m->depth[row]);
    jw_key(&w, "root");
    jw_str(&w, map_id(m, want_root));
    jw_key(&w, "relations");
    jw_relations(&w, mask);
    jw_key(&w, "path");
    jw_arr(&w);
    uint32_t cur = row, hops = 0;
    uint8_t via = 0;
    /* each step lowers the depth by one, so the loop ends after depth steps */
    for (;;) {
        jw_obj(&w);
        jw_model_brief_fields(&w, m, cur);
        jw_key(&w, "generation");
        jw_int(&w, -(int64_t)hops);
        jw_key(&w, "via"); /* the edge type from this model down to the previous one */
        if (hops) jw_cstr(&w, hv_relation_name((hv_relation)via));
        else jw_null(&w);
        jw_obj_end(&w);
        if (m->depth[cur] == 0) break;
        uint32_t next = path_parent(m, cur, want_root, mask, &via);
        if (next == HV_NO_ROW) break; /* cannot happen for a consistent map */
        cur = next;
        hops++;
    }
    jw_arr_end(&w);
    jw_key(&w, "hops");
    jw_uint(&w, hops);
    jw_key(&w, "ends_at_root"); /* whether the longest chain ends at the stored root */
    jw_bool(&w, cur == want_root);
    jw_obj_end(&w);
    resp_json_done(rs, &w);
}

/* ---- per-family aggregates (top and stats share them) ---- */

typedef struct fam_agg {
    uint32_t family, size, max_depth;
    uint64_t downloads, likes;
    uint32_t edges[HV_REL_COUNT];
} fam_agg;

/* One family's sums over its rows; edges counted once, at their child,
 * when both ends are in the family (merges can join two families). */
static void family_aggregate(const hv_server *s, uint32_t f, fam_agg *a) {
    const hv_map *m = &s->map;
    memset(a, 0, sizeof *a);
    a->family = f;
    a->size = m->family_size[f];
    for (uint64_t i = s->family_off[f]; i < s->family_off[f + 1]; i++) {
        uint32_t r = s->family_rows[i];
        if (m->depth[r] > a->max_depth) a->max_depth = m->depth[r];
        a->downloads += m->downloads[r] > 0 ? (uint64_t)m->downloads[r] : 0;
        a->likes += m->likes[r] > 0 ? (uint64_t)m->likes[r] : 0;
        for (uint64_t k = m->edge_off[r]; k < m->edge_off[r + 1]; k++)
            if (m->family[m->edges[k].parent] == f) a->edges[m->edges[k].type]++;
    }
}

static void jw_fam_edges(hv_jw *w, const fam_agg *a) {
    uint64_t total = 0;
    jw_obj(w);
    for (int rel = 0; rel < HV_REL_COUNT; rel++) {
        jw_key(w, hv_relation_name((hv_relation)rel));
        jw_uint(w, a->edges[rel]);
        total += a->edges[rel];
    }
    jw_key(w, "total");
    jw_uint(w, total);
    jw_obj_end(w);
}

static bool need_families(const hv_server *s, hv_resp *rs) {
    if (!need_lineage(s, rs)) return false;
    if (s->family_off || s->map.nfamilies == 0) return true; /* an empty map has nothing to group */
    resp_error(rs, 500, "families not indexed", "the server holds no family grouping");
    return false;
}

/* ---- /api/families/top ---- */

static const char *const FAMILY_ORDERS[] = {"size", "downloads", "depth", NULL};
typedef struct fam_key {
    uint64_t key, size;
    uint32_t family, root_row;
} fam_key;

/* larger key first, then larger size, then the root's row (deterministic) */
static int cmp_fam_key(const void *a, const void *b) {
    const fam_key *x = a, *y = b;
    if (x->key != y->key) return x->key > y->key ? -1 : 1;
    if (x->size != y->size) return x->size > y->size ? -1 : 1;
    return x->root_row < y->root_row ? -1 : x->root_row > y->root_row;
}

/* Sift down from i in a heap ordered so that the worst key is on top. */
static void heap_down(fam_key *h, uint32_t n, uint32_t i) {
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, worst = i;
        if (l < n && cmp_fam_key(&h[l], &h[worst]) > 0) worst = l;
        if (r < n && cmp_fam_key(&h[r], &h[worst]) > 0) worst = r;
        if (worst == i) return;
        fam_key t = h[i];
        h[i] = h[worst];
        h[worst] = t;
        i = worst;
    }
}

/* Keep c if it is among the best cap seen so far. */
static void heap_offer(fam_key *h, uint32_t *n, uint32_t cap, const fam_key *c) {
    if (*n < cap) {
        uint32_t i = (*n)++;
        h[i] = *c;
        while (i > 0 && cmp_fam_key(&h[i], &h[(i - 1) / 2]) > 0) { /* sift up */
            fam_key t = h[i];
            h[i] = h[(i - 1) / 2];
            h[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
    } else if (cmp_fam_key(c, &h[0]) < 0) {
        h[0] = *c;
        heap_down(h, *n, 0);
    }
}

void api_families_top(hv_server *s, const hv_req *rq, hv_resp *rs) {
    uint32_t limit, min_size;
    int by;
    if (!need_families(s, rs) || arg_u32(rq, rs, "limit", 50, 1, FAMILIES_MAX_LIMIT, &limit) ||
        arg_u32(rq, rs, "min_size", 2, 1, UINT32_MAX - 1, &min_size) ||
        arg_enum(rq, rs, "by", FAMILY_ORDERS, 0, &by))
        return;
    const hv_map *m = &s->map;
    /* the best `limit` families in a heap whose top is the worst kept, so
     * ranking 1.3M families costs no more memory than the answer */
    fam_key *heap = malloc((size_t)limit * sizeof *heap);
    if (!heap) {
        resp_error(rs, 500, "out of memory", "ranking families");
        return;
    }
    uint32_t nheap = 0, nfam = 0;
    uint64_t models = 0;
    for (uint32_t f = 0; f < m->nfamilies; f++) {
        if (m->family_size[f] < min_size) continue;
        fam_key c = {0, m->family_size[f], f, m->family_root[f]};
        nfam++;
        models += c.size;
        if (by == 0) {
            c.key = c.size;
        } else {
            /* downloads or depth need the family's rows: a pass over them */
            uint64_t sum = 0, deepest = 0;
            for (uint64_t i = s->family_off[f]; i < s->family_off[f + 1]; i++) {
                uint32_t r = s->family_rows[i];
                sum += m->downloads[r] > 0 ? (uint64_t)m->downloads[r] : 0;
                if (m->depth[r] > deepest) deepest = m->depth[r];
            }
            c.key = by == 1 ? sum : deepest;
        }
        heap_offer(heap, &nheap, limit, &c);
    }
    uint32_t nc = nheap;
    fam_key *cand = heap;
    qsort(cand, nc, sizeof *cand, cmp_fam_key);
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "by");
    jw_cstr(&w, FAMILY_ORDERS[by]);
    jw_key(&w, "limit");
    jw_uint(&w, limit);
    jw_key(&w, "min_size");
    jw_uint(&w, min_size);
    jw_key(&w, "relations");
    jw_relations(&w, map_lineage_mask(m));
    jw_key(&w, "families_total"); /* families of at least min_size models */
    jw_uint(&w, nfam);
    jw_key(&w, "models_total");
    jw_uint(&w, models);
    jw_key(&w, "families");
    jw_arr(&w);
    for (uint32_t i = 0; i < nc && i < limit; i++) {
        fam_agg a;
        family_aggregate(s, cand[i].family, &a);
        jw_obj(&w);
        jw_key(&w, "root");
        jw_str(&w, map_id(m, cand[i].root_row));
        jw_key(&w, "family");
        jw_uint(&w, a.family);
        jw_key(&w, "size");
        jw_uint(&w, a.size);
        jw_key(&w, "max_depth");
        jw_uint(&w, a.max_depth);
        jw_key(&w, "downloads");
        jw_uint(&w, a.downloads);
        jw_key(&w, "likes");
        jw_uint(&w, a.likes);
        jw_key(&w, "edges");
        jw_fam_edges(&w, &a);
        jw_key(&w, "root_model");
        jw_model_brief(&w, m, cand[i].root_row);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    free(cand);
    resp_json_done(rs, &w);
}

/* ---- /api/families/stats ---- */


static void one_family_stats(hv_server *s, hv_resp *rs, uint32_t model) {
    const hv_map *m = &s->map;
    uint32_t f = m->family[model];
    fam_agg a;
    family_aggregate(s, f, &a);
    uint64_t *by_depth = calloc((size_t)a.max_depth + 1, sizeof *by_depth);
    int64_t first = INT64_MAX, last = INT64_MIN;
    uint64_t unknown = 0;
    for (uint64_t i = s->family_off[f]; i < s->family_off[f + 1]; i++) {
        uint32_t r = s->family_rows[i];
        if (by_depth) by_depth[m->depth[r]]++;
        int64_t mi = m->created_at[r] ? hv_month_index(m->created_at[r]) : -1;
        if (mi < 0) {
            unknown++;
            continue;
        }
        if (mi < first) first = mi;
        if (mi > last) last = mi;
    }
    /* months from the first to the last, gaps included, so a chart of the
     * cumulative count has every month; a span beyond GROWTH_MAX_MONTHS
     * (bad dates) keeps its last months */
    if (first != INT64_MAX && last - first >= GROWTH_MAX_MONTHS) first = last - GROWTH_MAX_MONTHS + 1;
    uint64_t nmonths = first == INT64_MAX ? 0 : (uint64_t)(last - first + 1);
    uint64_t *per_month = calloc(nmonths ? nmonths : 1, sizeof *per_month);
    if (!by_depth || !per_month) {
        free(by_depth);
        free(per_month);
        resp_error(rs, 500, "out of memory", "family statistics");
        return;
    }
    uint64_t before = 0; /* created before the window (only with absurd spans) */
    for (uint64_t i = s->family_off[f]; i < s->family_off[f + 1]; i++) {
        uint32_t r = s->family_rows[i];
        int64_t mi = m->created_at[r] ? hv_month_index(m->created_at[r]) : -1;
        if (mi < 0) continue;
        if (mi < first) before++;
        else per_month[mi - first]++;
    }
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "family");
    jw_obj(&w);
    jw_key(&w, "id");
    jw_uint(&w, f);
    jw_key(&w, "root");
    jw_str(&w, map_id(m, m->family_root[f]));
    jw_key(&w, "size");
    jw_uint(&w, a.size);
    jw_key(&w, "max_depth");
    jw_uint(&w, a.max_depth);
    jw_key(&w, "downloads");
    jw_uint(&w, a.downloads);
    jw_key(&w, "likes");
    jw_uint(&w, a.likes);
    jw_key(&w, "edges");
    jw_fam_edges(&w, &a);
    jw_obj_end(&w);
    jw_key(&w, "model");
    jw_str(&w, map_id(m, model));
    jw_key(&w, "relations");
    jw_relations(&w, map_lineage_mask(m));
    jw_key(&w, "depth_distribution");
    jw_arr(&w);
    for (uint32_t d = 0; d <= a.max_depth; d++) {
        jw_obj(&w);
        jw_key(&w, "depth");
        jw_uint(&w, d);
        jw_key(&w, "models");
        jw_uint(&w, by_depth[d]);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_key(&w, "created_unknown");
    jw_uint(&w, unknown);
    jw_key(&w, "growth");
    jw_arr(&w);
    uint64_t cum = before;
    for (uint64_t i = 0; i < nmonths; i++) {
        int64_t mi = first + (int64_t)i;
        char month[16];
        snprintf(month, sizeof month, "%04d-%02d", (int)(1970 + mi / 12), (int)(mi % 12) + 1);
        cum += per_month[i];
        jw_obj(&w);
        jw_key(&w, "month");
        jw_cstr(&w, month);
        jw_key(&w, "new");
        jw_uint(&w, per_month[i]);
        jw_key(&w, "cumulative");
        jw_uint(&w, cum);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    free(by_depth);
    free(per_month);
    resp_json_done(rs, &w);
}

/* Size bins 1, 2-3, 4-7, ... (powers of two): family sizes span six orders
 * of magnitude, most families being one model. */
#define SIZE_BINS 33

static void all_families_stats(hv_server *s, hv_resp *rs) {
    const hv_map *m = &s->map;
    uint32_t *deepest = calloc((size_t)(m->nfamilies ? m->nfamilies : 1), sizeof *deepest);
    if (!deepest) {
        resp_error(rs, 500, "out of memory", "family statistics");
        return;
    }
    uint32_t max_depth = 0;
    for (uint32_t r = 0; r < m->n; r++) {
        uint32_t f = m->family[r];
        if (m->depth[r] > deepest[f]) deepest[f] = m->depth[r];
        if (m->depth[r] > max_depth) max_depth = m->depth[r];
    }
    uint64_t *depth_fams = calloc((size_t)max_depth + 1, sizeof *depth_fams);
    if (!depth_fams) {
        free(deepest);
        resp_error(rs, 500, "out of memory", "family statistics");
        return;
    }
    uint64_t bins[SIZE_BINS] = {0}, bin_models[SIZE_BINS] = {0}, multi = 0, multi_models = 0;
    uint32_t largest = 0, largest_f = 0;
    for (uint32_t f = 0; f < m->nfamilies; f++) {
        uint32_t size = m->family_size[f];
        int b = 0;
        while (b + 1 < SIZE_BINS && (1ull << (b + 1)) <= size) b++;
        bins[b]++;
        bin_models[b] += size;
        if (size >= 2) {
            multi++;
            multi_models += size;
            depth_fams[deepest[f]]++;
        }
        if (size > largest) largest = size, largest_f = f;
    }
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "models");
    jw_uint(&w, m->n);
    jw_key(&w, "families"); /* every model is in one; most are alone */
    jw_uint(&w, m->nfamilies);
    jw_key(&w, "families_with_edges"); /* two models or more */
    jw_uint(&w, multi);
    jw_key(&w, "models_in_families_with_edges");
    jw_uint(&w, multi_models);
    jw_key(&w, "mean_size_with_edges");
    if (multi) jw_num(&w, (double)multi_models / (double)multi);
    else jw_null(&w);
    jw_key(&w, "largest");
    if (m->nfamilies) {
        jw_obj(&w);
        jw_key(&w, "root");
        jw_str(&w, map_id(m, m->family_root[largest_f]));
        jw_key(&w, "size");
        jw_uint(&w, largest);
        jw_obj_end(&w);
    } else {
        jw_null(&w);
    }
    jw_key(&w, "max_depth");
    jw_uint(&w, max_depth);
    jw_key(&w, "relations");
    jw_relations(&w, map_lineage_mask(m));
    jw_key(&w, "size_distribution");
    jw_arr(&w);
    for (int b = 0; b < SIZE_BINS; b++) {
        if (!bins[b]) continue;
        jw_obj(&w);
        jw_key(&w, "min");
        jw_uint(&w, 1ull << b);
        jw_key(&w, "max");
        jw_uint(&w, (1ull << (b + 1)) - 1);
        jw_key(&w, "families");
        jw_uint(&w, bins[b]);
        jw_key(&w, "models");
        jw_uint(&w, bin_models[b]);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_key(&w, "depth_distribution"); /* families (2+ models) by their deepest member */
    jw_arr(&w);
    for (uint32_t d = 0; d <= max_depth; d++) {
        jw_obj(&w);
        jw_key(&w, "depth");
        jw_uint(&w, d);
        jw_key(&w, "families");
        jw_uint(&w, depth_fams[d]);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    free(deepest);
    free(depth_fams);
    resp_json_done(rs, &w);
}

void api_families_stats(hv_server *s, const hv_req *rq, hv_resp *rs) {
    if (!need_families(s, rs)) return;
    if (req_arg(rq, "family")) {
        uint32_t row = arg_model(s, rq, rs, "family");
        if (row != HV_NO_ROW) one_family_stats(s, rs, row);
        return;
    }
    all_families_stats(s, rs);
}
