/* api_model.c - one model: its details, its card, its nearest neighbours,
 * and how alike and how related two models are.
 *
 * Everything here is a lookup: the row's columns, its slice of the edge
 * lists, its k neighbours, one block of the card store.  Nothing scans the
 * map; the relation between two models walks their ancestors (bounded) and
 * their family graph (bounded by a node budget). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_int.h"

/* How far /api/distance looks for a common ancestor and a path. */
#define DIST_MAX_GENERATIONS 64
#define DIST_MAX_ANCESTORS 20000
#define DIST_MAX_VISITS 250000

static void jw_strs_list(hv_jw *w, const hv_map *m, const hv_map_list *l, uint32_t row) {
    jw_arr(w);
    for (uint64_t i = l->off[row]; i < l->off[row + 1]; i++) jw_str(w, map_str(m, l->val[i]));
    jw_arr_end(w);
}

/* A count the input may not have given: null when unknown, not 0. */
static void jw_known_int(hv_jw *w, const hv_map *m, uint32_t row, unsigned bit, int64_t v) {
    if (m->has[row] & bit) jw_int(w, v);
    else jw_null(w);
}

static void jw_coords(hv_jw *w, const float *c, int dims) {
    if (!c) {
        jw_null(w);
        return;
    }
    jw_arr(w);
    for (int i = 0; i < dims; i++) jw_num(w, c[i]);
    jw_arr_end(w);
}

static void jw_parents(hv_jw *w, const hv_map *m, uint32_t row) {
    jw_obj(w);
    for (int rel = 0; rel < HV_REL_COUNT; rel++) {
        const hv_map_list *l = &m->parents[rel];
        jw_key(w, hv_relation_name((hv_relation)rel));
        jw_arr(w);
        for (uint64_t i = l->off[row]; i < l->off[row + 1]; i++) {
            jw_obj(w);
            jw_key(w, "id");
            jw_str(w, map_idpool(m, l->val[i]));
            jw_key(w, "in_map"); /* parents outside the dataset are declared but have no row */
            jw_bool(w, m->id_row[l->val[i]] != HV_NO_ROW);
            jw_obj_end(w);
        }
        jw_arr_end(w);
    }
    jw_obj_end(w);
}

/* Children counted by the type of their edge (the unified graph's type). */
static void jw_children(hv_jw *w, const hv_map *m, uint32_t row) {
    uint64_t by[HV_REL_COUNT] = {0}, total = 0;
    for (uint64_t i = m->edge_children.off[row]; i < m->edge_children.off[row + 1]; i++) {
        by[m->edges[m->edge_children.val[i]].type]++;
        total++;
    }
    jw_obj(w);
    for (int rel = 0; rel < HV_REL_COUNT; rel++) {
        jw_key(w, hv_relation_name((hv_relation)rel));
        jw_uint(w, by[rel]);
    }
    jw_key(w, "total");
    jw_uint(w, total);
    jw_obj_end(w);
}

static void jw_card_facts(hv_server *s, hv_jw *w, uint32_t row) {
    const hv_map *m = &s->map;
    bool has = m->has_card[row];
    jw_obj(w);
    jw_key(w, "has_card");
    jw_bool(w, has);
    jw_key(w, "chars");
    if (has) jw_uint(w, m->card_chars[row]);
    else jw_null(w);
    jw_key(w, "words");
    if (has) jw_uint(w, m->card_words[row]);
    else jw_null(w);
    jw_key(w, "auto_generated");
    jw_bool(w, m->card_autogen[row]);
    jw_key(w, "front_matter");
    jw_bool(w, m->card_frontmatter[row]);
    jw_key(w, "text_available"); /* GET /api/model/{id}/card answers */
    jw_bool(w, s->cards && m->card_ref[row] != HV_NO_ROW && m->card_ref[row] < cardstore_count(s->cards));
    jw_obj_end(w);
}

/* What the catalog says of the model: ids, counts, dates, list columns. */
static void jw_model_catalog(hv_jw *w, const hv_map *m, uint32_t row) {
    hv_sv id = map_id(m, row);
    jw_key(w, "id");
    jw_str(w, id);
    jw_key(w, "row");
    jw_uint(w, row);
    char url[600]; /* ids are at most 512 bytes */
    int k = snprintf(url, sizeof url, "https://huggingface.co/%.*s", (int)(id.n > 540 ? 540 : id.n), id.p);
    jw_key(w, "hub_url");
    jw_str(w, hv_sv_make(url, k > 0 && (size_t)k < sizeof url ? (size_t)k : 0));
    jw_key(w, "author");
    jw_strs(w, m, m->author[row]);
    jw_key(w, "library");
    jw_strs(w, m, m->library[row]);
    jw_key(w, "pipeline");
    jw_strs(w, m, m->pipeline[row]);
    jw_key(w, "downloads");
    jw_known_int(w, m, row, HV_HAS_DOWNLOADS, m->downloads[row]);
    jw_key(w, "likes");
    jw_known_int(w, m, row, HV_HAS_LIKES, m->likes[row]);
    jw_key(w, "trending");
    if (m->has[row] & HV_HAS_TRENDING) jw_num(w, m->trending[row]);
    else jw_null(w);
    jw_key(w, "created_at");
    jw_time(w, m->created_at[row]);
    jw_key(w, "private");
    if (m->has[row] & HV_HAS_PRIVATE) jw_bool(w, m->is_private[row]);
    else jw_null(w);
    static const char *const lists[] = {"tags", "licenses", "languages", "datasets"};
    const hv_map_list *lv[] = {&m->tags, &m->licenses, &m->languages, &m->datasets};
    for (int i = 0; i < 4; i++) {
        jw_key(w, lists[i]);
        jw_strs_list(w, m, lv[i], row);
    }
    jw_key(w, "arxiv");
    jw_arr(w);
    for (uint64_t i = m->arxiv.off[row]; i < m->arxiv.off[row + 1]; i++) {
        hv_sv a = map_str(m, m->arxiv.val[i]);
        char link[160];
        int n = snprintf(link, sizeof link, "https://arxiv.org/abs/%.*s", (int)(a.n > 120 ? 120 : a.n), a.p);
        jw_obj(w);
        jw_key(w, "id");
        jw_str(w, a);
        jw_key(w, "url");
        jw_str(w, hv_sv_make(link, n > 0 && (size_t)n < sizeof link ? (size_t)n : 0));
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_key(w, "regions");
    jw_strs_list(w, m, &m->regions, row);
}

/* Where the model sits in the family graph. */
static void jw_model_lineage(hv_jw *w, const hv_map *m, uint32_t row) {
    jw_key(w, "parents");
    jw_parents(w, m, row);
    jw_key(w, "children");
    jw_children(w, m, row);
    jw_key(w, "depth");
    if (m->depth) jw_uint(w, m->depth[row]);
    else jw_null(w);
    jw_key(w, "root");
    if (m->root) jw_str(w, map_id(m, m->root[row]));
    else jw_null(w);
    jw_key(w, "family");
    if (!m->family) {
        jw_null(w);
        return;
    }
    uint32_t f = m->family[row];
    jw_obj(w);
    jw_key(w, "id");
    jw_uint(w, f);
    jw_key(w, "root");
    jw_str(w, map_id(m, m->family_root[f]));
    jw_key(w, "size");
    jw_uint(w, m->family_size[f]);
    jw_key(w, "relations");
    jw_relations(w, map_lineage_mask(m));
    jw_obj_end(w);
}

/* Where the model sits on the map. */
static void jw_model_layout(hv_jw *w, const hv_map *m, uint32_t row) {
    jw_key(w, "cluster");
    if (m->cluster) {
        jw_obj(w);
        jw_key(w, "id");
        jw_uint(w, m->cluster[row]);
        jw_key(w, "label");
        jw_str(w, map_cluster_label(m, m->cluster[row]));
        jw_obj_end(w);
    } else {
        jw_null(w);
    }
    jw_key(w, "coords2d");
    jw_coords(w, m->coords2d ? m->coords2d + (uint64_t)row * 2 : NULL, 2);
    jw_key(w, "coords3d");
    jw_coords(w, m->coords3d ? m->coords3d + (uint64_t)row * 3 : NULL, 3);
}

void api_model(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row) {
    (void)rq;
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_model_catalog(&w, &s->map, row);
    jw_key(&w, "card");
    jw_card_facts(s, &w, row);
    jw_model_lineage(&w, &s->map, row);
    jw_model_layout(&w, &s->map, row);
    jw_obj_end(&w);
    resp_json_done(rs, &w);
}

/* ---- the card text ---- */

static const char *const CARD_FORMATS[] = {"json", "raw", NULL};

void api_model_card(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row) {
    int fmt;
    if (arg_enum(rq, rs, "format", CARD_FORMATS, 0, &fmt)) return;
    const hv_map *m = &s->map;
    hv_sv id = map_id(m, row);
    int idn = (int)(id.n > 200 ? 200 : id.n);
    if (!s->cards) {
        resp_error(rs, 404, "no card text", "this map holds no model-card text (built without card files); %s%.*s",
                   m->has_card[row] ? "its card facts are in /api/model/" : "", m->has_card[row] ? idn : 0, id.p);
        return;
    }
    uint32_t entry = m->card_ref[row];
    if (entry == HV_NO_ROW || entry >= cardstore_count(s->cards)) {
        resp_error(rs, 404, "no card text", "model %.*s has no card text in this map", idn, id.p);
        return;
    }
    hv_buf text = {0};
    text.max = SERVE_MAX_RESPONSE / 2; /* JSON escaping can double it */
    hv_err e = {0, ""};
    pthread_mutex_lock(&s->cards_lock); /* one decompressor, one reader */
    int rc = cardstore_get(s->cards, entry, &text, &e);
    pthread_mutex_unlock(&s->cards_lock);
    if (rc) { /* the reason names files: for the operator's log, not the client */
        fprintf(stderr, "hfviz serve: card of %.*s: %s\n", idn, id.p, e.msg);
        hv_buf_free(&text);
        resp_error(rs, 500, "card store error", "the card of %.*s could not be read", idn, id.p);
        return;
    }
    if (fmt == 1) {
        hv_buf_free(&rs->body);
        rs->body = text; /* the response owns it now */
        rs->body.max = SERVE_MAX_RESPONSE;
        rs->type = "text/markdown; charset=utf-8";
        rs->status = 200;
        return;
    }
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "id");
    jw_str(&w, id);
    jw_key(&w, "chars");
    jw_uint(&w, m->card_chars[row]);
    jw_key(&w, "bytes");
    jw_uint(&w, text.n);
    jw_key(&w, "text");
    jw_str(&w, hv_sv_make(text.p, text.n));
    jw_obj_end(&w);
    hv_buf_free(&text);
    resp_json_done(rs, &w);
}

/* ---- nearest neighbours from the kNN graph ---- */

typedef struct neighbour {
    uint32_t row;
    float dist;
} neighbour;

static int cmp_neighbour(const void *a, const void *b) {
    const neighbour *x = a, *y = b;
    if (x->dist != y->dist) return x->dist < y->dist ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

void api_model_similar(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row) {
    const hv_map *m = &s->map;
    if (m->k == 0 || !m->knn_idx) {
        resp_error(rs, 409, "not available", "this map was built without a kNN graph");
        return;
    }
    uint32_t k;
    if (arg_u32(rq, rs, "k", m->k < 10 ? m->k : 10, 1, m->k, &k)) return;
    neighbour *nb = malloc((size_t)m->k * sizeof *nb);
    if (!nb) {
        resp_error(rs, 500, "out of memory", "neighbours");
        return;
    }
    uint32_t got = 0;
    for (uint32_t j = 0; j < m->k; j++) {
        uint64_t at = (uint64_t)row * m->k + j;
        uint32_t other = m->knn_idx[at];
        if (other == HV_NO_ROW || other == row || !isfinite(m->knn_dist[at])) continue; /* padding */
        nb[got].row = other;
        nb[got++].dist = m->knn_dist[at];
    }
    qsort(nb, got, sizeof *nb, cmp_neighbour);
    if (got > k) got = k;
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "id");
    jw_str(&w, map_id(m, row));
    jw_key(&w, "k");
    jw_uint(&w, k);
    jw_key(&w, "graph_k");
    jw_uint(&w, m->k);
    jw_key(&w, "neighbors");
    jw_arr(&w);
    for (uint32_t i = 0; i < got; i++) {
        jw_obj(&w);
        jw_model_brief_fields(&w, m, nb[i].row);
        jw_key(&w, "similarity"); /* cosine: the graph stores 1 - dot of unit vectors */
        jw_num(&w, 1.0 - (double)nb[i].dist);
        jw_key(&w, "distance");
        jw_num(&w, nb[i].dist);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    free(nb);
    resp_json_done(rs, &w);
}

/* ---- /api/distance ---- */

static double cosine(const hv_map *m, uint32_t a, uint32_t b) {
    const uint16_t *va = m->vectors_f16 + (uint64_t)a * m->dim, *vb = m->vectors_f16 + (uint64_t)b * m->dim;
    double dot = 0, na = 0, nb = 0;
    for (uint32_t j = 0; j < m->dim; j++) {
        double x = hv_f16_to_f32(va[j]), y = hv_f16_to_f32(vb[j]);
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    /* the vectors are stored unit-length but rounded to f16: renormalise */
    if (na == 0 || nb == 0) return NAN;
    double c = dot / sqrt(na * nb);
    return c > 1 ? 1 : c < -1 ? -1 : c;
}

static double euclid(const float *c, uint32_t a, uint32_t b, int dims) {
    double d = 0;
    for (int i = 0; i < dims; i++) {
        double x = (double)c[(uint64_t)a * dims + i] - c[(uint64_t)b * dims + i];
        d += x * x;
    }
    return sqrt(d);
}

/* How b is related to a, from their ancestor sets (hops up from each). */
typedef struct kinship {
    const char *name;
    int32_t up_a, up_b;   /* generations from a and from b to the common ancestor */
    uint32_t common;      /* the nearest common ancestor, HV_NO_ROW when none */
} kinship;

static int ancestors_of(const hv_map *m, uint32_t row, unsigned mask, hv_rowmap *anc, uint32_t **order, uint32_t *n,
                        unsigned *cut) {
    *order = malloc((size_t)DIST_MAX_ANCESTORS * sizeof **order);
    if (!*order || rowmap_init(anc, 64)) return -1;
    hv_walk wk = {row, HV_NO_ROW, mask, WALK_UP, +1, DIST_MAX_GENERATIONS, DIST_MAX_ANCESTORS};
    return walk_bfs(m, &wk, anc, *order, n, cut);
}

static int kinship_of(const hv_map *m, uint32_t a, uint32_t b, unsigned mask, kinship *kin, unsigned *cut) {
    memset(kin, 0, sizeof *kin);
    kin->common = HV_NO_ROW;
    if (a == b) {
        kin->name = "self";
        kin->common = a;
        return 0;
    }
    hv_rowmap anc_a = {0}, anc_b = {0};
    uint32_t *ord_a = NULL, *ord_b = NULL, na = 0, nb = 0;
    int rc = -1;
    if (ancestors_of(m, a, mask, &anc_a, &ord_a, &na, cut) || ancestors_of(m, b, mask, &anc_b, &ord_b, &nb, cut))
        goto done;
    rc = 0;
    const int32_t *up;
    if ((up = rowmap_get(&anc_a, b))) {
        kin->name = *up == 1 ? "parent" : "ancestor";
        kin->up_a = *up;
        kin->common = b;
        goto done;
    }
    if ((up = rowmap_get(&anc_b, a))) {
        kin->name = *up == 1 ? "child" : "descendant";
        kin->up_b = *up;
        kin->common = a;
        goto done;
    }
    /* nearest common ancestor: fewest generations in all, then the most
     * balanced; a's ancestors in breadth-first order break ties */
    int32_t best_sum = INT32_MAX, best_min = 0;
    for (uint32_t i = 0; i < na; i++) {
        const int32_t *ub = rowmap_get(&anc_b, ord_a[i]);
        if (!ub) continue;
        int32_t ua = *rowmap_get(&anc_a, ord_a[i]), sum = ua + *ub, mn = ua < *ub ? ua : *ub;
        if (sum < best_sum || (sum == best_sum && mn > best_min)) {
            best_sum = sum, best_min = mn;
            kin->common = ord_a[i];
            kin->up_a = ua, kin->up_b = *ub;
        }
    }
    if (kin->common == HV_NO_ROW) kin->name = m->family[a] == m->family[b] ? "related" : "unrelated";
    else if (kin->up_a == 1 && kin->up_b == 1) kin->name = "sibling";
    else if (kin->up_b == 1) kin->name = "aunt_or_uncle"; /* b is a child of a's grandparent (or higher) */
    else if (kin->up_a == 1) kin->name = "niece_or_nephew";
    else kin->name = "cousin";
done:
    rowmap_free(&anc_a);
    rowmap_free(&anc_b);
    free(ord_a);
    free(ord_b);
    return rc;
}

/* Fewest edges between a and b in the undirected family graph; -1 when the
 * walk's budget ran out first, -2 when out of memory. */
static int64_t family_hops(const hv_map *m, uint32_t a, uint32_t b, unsigned mask) {
    if (a == b) return 0;
    uint32_t budget = m->family_size[m->family[a]];
    if (budget > DIST_MAX_VISITS) budget = DIST_MAX_VISITS;
    hv_rowmap seen;
    uint32_t *order = malloc((size_t)budget * sizeof *order), n = 0;
    if (!order || rowmap_init(&seen, budget < 1024 ? budget : 1024)) {
        free(order);
        return -2;
    }
    hv_walk wk = {a, b, mask, WALK_BOTH, +1, UINT32_MAX, budget};
    unsigned cut = 0;
    int64_t hops = -1;
    if (walk_bfs(m, &wk, &seen, order, &n, &cut)) hops = -2;
    else {
        const int32_t *h = rowmap_get(&seen, b);
        if (h) hops = *h;
    }
    rowmap_free(&seen);
    free(order);
    return hops;
}

void api_distance(hv_server *s, const hv_req *rq, hv_resp *rs) {
    uint32_t a = arg_model(s, rq, rs, "a");
    if (a == HV_NO_ROW) return;
    uint32_t b = arg_model(s, rq, rs, "b");
    if (b == HV_NO_ROW) return;
    const hv_map *m = &s->map;
    unsigned mask = map_lineage_mask(m);
    kinship kin = {"unknown", 0, 0, HV_NO_ROW};
    unsigned cut = 0;
    int64_t hops = -1;
    bool lineage = m->family && m->depth;
    if (lineage) {
        bool same = m->family[a] == m->family[b];
        if (kinship_of(m, a, b, mask, &kin, &cut) || (same && (hops = family_hops(m, a, b, mask)) == -2)) {
            resp_error(rs, 500, "out of memory", "relating two models");
            return;
        }
    }
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "a");
    jw_model_brief(&w, m, a);
    jw_key(&w, "b");
    jw_model_brief(&w, m, b);
    jw_key(&w, "cosine_similarity");
    if (m->dim) jw_num(&w, cosine(m, a, b));
    else jw_null(&w);
    jw_key(&w, "map_distance_2d");
    if (m->coords2d) jw_num(&w, euclid(m->coords2d, a, b, 2));
    else jw_null(&w);
    jw_key(&w, "map_distance_3d");
    if (m->coords3d) jw_num(&w, euclid(m->coords3d, a, b, 3));
    else jw_null(&w);
    jw_key(&w, "same_family");
    if (lineage) jw_bool(&w, m->family[a] == m->family[b]);
    else jw_null(&w);
    jw_key(&w, "same_cluster");
    if (m->cluster) jw_bool(&w, m->cluster[a] == m->cluster[b]);
    else jw_null(&w);
    jw_key(&w, "relation"); /* what b is to a */
    jw_cstr(&w, kin.name);
    jw_key(&w, "common_ancestor");
    if (kin.common != HV_NO_ROW) jw_str(&w, map_id(m, kin.common));
    else jw_null(&w);
    jw_key(&w, "generations_up_from_a");
    if (kin.common != HV_NO_ROW) jw_int(&w, kin.up_a);
    else jw_null(&w);
    jw_key(&w, "generations_up_from_b");
    if (kin.common != HV_NO_ROW) jw_int(&w, kin.up_b);
    else jw_null(&w);
    jw_key(&w, "hops"); /* fewest edges between them, either direction */
    if (hops >= 0) jw_int(&w, hops);
    else jw_null(&w);
    jw_key(&w, "search_limited"); /* a bound cut the ancestor or path search short */
    jw_bool(&w, cut != 0 || (lineage && m->family[a] == m->family[b] && hops < 0));
    jw_key(&w, "relations");
    jw_relations(&w, mask);
    jw_obj_end(&w);
    resp_json_done(rs, &w);
}
