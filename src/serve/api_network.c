/* api_network.c - parent -> child graphs for graph tools: one model's whole
 * family, or the edges among the models a filter selects; as JSON or as
 * GraphML (what Gephi, Cytoscape, networkx and igraph read).
 *
 * Every edge carries what the paper compares along an edge: the change in
 * likes and downloads from parent to child and the days between their
 * creation.  A change is null when either side's value is unknown (a row
 * the input gave only an id), never a made-up 0 and never a NaN. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"
#include "lineage/lineage.h"
#include "serve/serve_int.h"

#define NET_FAMILY_MAX_NODES 20000
#define NET_MAX_EDGES 50000

static const char *const NET_FORMATS[] = {"json", "graphml", NULL};

typedef struct net {
    uint32_t *nodes; /* rows, in output order */
    uint32_t nnodes;
    uint64_t *edges; /* edge indices */
    uint32_t nedges;
} net;

/* ---- edge attributes ---- */

typedef struct edge_delta {
    bool has_likes, has_downloads, has_days;
    int64_t likes, downloads;
    double days;
} edge_delta;

static edge_delta delta_of(const hv_map *m, const hv_edge *ed) {
    edge_delta d;
    memset(&d, 0, sizeof d);
    uint32_t p = ed->parent, c = ed->child;
    d.has_likes = (m->has[p] & HV_HAS_LIKES) && (m->has[c] & HV_HAS_LIKES);
    d.has_downloads = (m->has[p] & HV_HAS_DOWNLOADS) && (m->has[c] & HV_HAS_DOWNLOADS);
    d.has_days = m->created_at[p] != 0 && m->created_at[c] != 0;
    if (d.has_likes) d.likes = m->likes[c] - m->likes[p];
    if (d.has_downloads) d.downloads = m->downloads[c] - m->downloads[p];
    if (d.has_days) d.days = (double)(m->created_at[c] - m->created_at[p]) / 86400.0;
    return d;
}

/* ---- JSON ---- */

static void jw_net(hv_jw *w, const hv_map *m, const net *g) {
    jw_key(w, "nodes");
    jw_arr(w);
    for (uint32_t i = 0; i < g->nnodes; i++) jw_model_brief(w, m, g->nodes[i]);
    jw_arr_end(w);
    jw_key(w, "edges");
    jw_arr(w);
    for (uint32_t i = 0; i < g->nedges; i++) {
        const hv_edge *ed = &m->edges[g->edges[i]];
        edge_delta d = delta_of(m, ed);
        jw_obj(w);
        jw_key(w, "source");
        jw_str(w, map_id(m, ed->parent));
        jw_key(w, "target");
        jw_str(w, map_id(m, ed->child));
        jw_key(w, "type");
        jw_cstr(w, hv_relation_name((hv_relation)ed->type));
        jw_key(w, "declared_as"); /* every parent list that names this pair */
        jw_relations(w, ed->relmask);
        jw_key(w, "delta_likes");
        if (d.has_likes) jw_int(w, d.likes);
        else jw_null(w);
        jw_key(w, "delta_downloads");
        if (d.has_downloads) jw_int(w, d.downloads);
        else jw_null(w);
        jw_key(w, "delta_days");
        if (d.has_days) jw_num(w, d.days);
        else jw_null(w);
        jw_obj_end(w);
    }
    jw_arr_end(w);
}

/* ---- GraphML ---- */

/* Text as XML character data or attribute value: markup characters as
 * entities; characters XML 1.0 cannot carry (controls) and bytes that are
 * not UTF-8 as U+FFFD, so the document always parses. */
static int xml_text(hv_buf *b, hv_sv s) {
    static const char repl[] = "\xEF\xBF\xBD";
    int rc = 0;
    for (size_t i = 0; i < s.n && !rc;) {
        unsigned char c = (unsigned char)s.p[i];
        switch (c) {
        case '&': rc = hv_buf_append(b, "&amp;", 5); i++; continue;
        case '<': rc = hv_buf_append(b, "&lt;", 4); i++; continue;
        case '>': rc = hv_buf_append(b, "&gt;", 4); i++; continue;
        case '"': rc = hv_buf_append(b, "&quot;", 6); i++; continue;
        case '\'': rc = hv_buf_append(b, "&apos;", 6); i++; continue;
        default: break;
        }
        if (c < 0x80) {
            rc = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ? hv_buf_append(b, repl, 3) : hv_buf_putc(b, (char)c);
            i++;
            continue;
        }
        /* a whole, shortest-form UTF-8 sequence, or one replacement byte */
        size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
        uint32_t cp = len == 4 ? c & 0x07u : len == 3 ? c & 0x0Fu : c & 0x1Fu;
        bool ok = len && i + len <= s.n;
        for (size_t k = 1; ok && k < len; k++) {
            unsigned char cc = (unsigned char)s.p[i + k];
            ok = (cc & 0xC0) == 0x80;
            cp = cp << 6 | (cc & 0x3Fu);
        }
        ok = ok && !(len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) || cp >= 0xFFFE)) &&
             !(len == 4 && (cp < 0x10000 || cp > 0x10FFFF));
        if (ok) {
            rc = hv_buf_append(b, s.p + i, len);
            i += len;
        } else {
            rc = hv_buf_append(b, repl, 3);
            i++;
        }
    }
    return rc;
}

static int gml_data_str(hv_buf *b, const char *key, hv_sv v) {
    return hv_buf_printf(b, "<data key=\"%s\">", key) || xml_text(b, v) || hv_buf_append(b, "</data>", 7);
}

static int gml_data_strs(hv_buf *b, const hv_map *m, const char *key, uint32_t sid) {
    return sid ? gml_data_str(b, key, map_str(m, sid)) : 0;
}

static const char GML_HEAD[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
    "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
    "<key id=\"author\" for=\"node\" attr.name=\"author\" attr.type=\"string\"/>\n"
    "<key id=\"library\" for=\"node\" attr.name=\"library\" attr.type=\"string\"/>\n"
    "<key id=\"pipeline\" for=\"node\" attr.name=\"pipeline\" attr.type=\"string\"/>\n"
    "<key id=\"downloads\" for=\"node\" attr.name=\"downloads\" attr.type=\"long\"/>\n"
    "<key id=\"likes\" for=\"node\" attr.name=\"likes\" attr.type=\"long\"/>\n"
    "<key id=\"created_at\" for=\"node\" attr.name=\"created_at\" attr.type=\"string\"/>\n"
    "<key id=\"depth\" for=\"node\" attr.name=\"depth\" attr.type=\"int\"/>\n"
    "<key id=\"cluster\" for=\"node\" attr.name=\"cluster\" attr.type=\"int\"/>\n"
    "<key id=\"family_root\" for=\"node\" attr.name=\"family_root\" attr.type=\"string\"/>\n"
    "<key id=\"type\" for=\"edge\" attr.name=\"type\" attr.type=\"string\"/>\n"
    "<key id=\"delta_likes\" for=\"edge\" attr.name=\"delta_likes\" attr.type=\"long\"/>\n"
    "<key id=\"delta_downloads\" for=\"edge\" attr.name=\"delta_downloads\" attr.type=\"long\"/>\n"
    "<key id=\"delta_days\" for=\"edge\" attr.name=\"delta_days\" attr.type=\"double\"/>\n"
    "<graph id=\"G\" edgedefault=\"directed\">\n";

/* Unknown values are left out (GraphML's "no data"), not written as 0. */
static int gml_node(hv_buf *b, const hv_map *m, uint32_t r) {
    int rc = hv_buf_append(b, "<node id=\"", 10) || xml_text(b, map_id(m, r)) || hv_buf_append(b, "\">", 2) ||
             gml_data_strs(b, m, "author", m->author[r]) || gml_data_strs(b, m, "library", m->library[r]) ||
             gml_data_strs(b, m, "pipeline", m->pipeline[r]);
    if (!rc && (m->has[r] & HV_HAS_DOWNLOADS))
        rc = hv_buf_printf(b, "<data key=\"downloads\">%lld</data>", (long long)m->downloads[r]);
    if (!rc && (m->has[r] & HV_HAS_LIKES)) rc = hv_buf_printf(b, "<data key=\"likes\">%lld</data>", (long long)m->likes[r]);
    if (!rc && m->created_at[r]) {
        char t[40];
        hv_format_time(m->created_at[r], t);
        rc = gml_data_str(b, "created_at", hv_sv_cstr(t));
    }
    if (!rc && m->depth) rc = hv_buf_printf(b, "<data key=\"depth\">%u</data>", m->depth[r]);
    if (!rc && m->cluster) rc = hv_buf_printf(b, "<data key=\"cluster\">%u</data>", m->cluster[r]);
    if (!rc && m->family) rc = gml_data_str(b, "family_root", map_id(m, m->family_root[m->family[r]]));
    return rc || hv_buf_append(b, "</node>\n", 8);
}

static int gml_edge(hv_buf *b, const hv_map *m, uint32_t i, const hv_edge *ed) {
    edge_delta d = delta_of(m, ed);
    int rc = hv_buf_printf(b, "<edge id=\"e%u\" source=\"", i) || xml_text(b, map_id(m, ed->parent)) ||
             hv_buf_append(b, "\" target=\"", 10) || xml_text(b, map_id(m, ed->child)) ||
             hv_buf_printf(b, "\"><data key=\"type\">%s</data>", hv_relation_name((hv_relation)ed->type));
    if (!rc && d.has_likes) rc = hv_buf_printf(b, "<data key=\"delta_likes\">%lld</data>", (long long)d.likes);
    if (!rc && d.has_downloads)
        rc = hv_buf_printf(b, "<data key=\"delta_downloads\">%lld</data>", (long long)d.downloads);
    if (!rc && d.has_days) rc = hv_buf_printf(b, "<data key=\"delta_days\">%.6g</data>", d.days);
    return rc || hv_buf_append(b, "</edge>\n", 8);
}

static void send_graphml(hv_resp *rs, const hv_map *m, const net *g, const char *filename) {
    hv_buf *b = &rs->body;
    hv_buf_clear(b);
    int rc = hv_buf_append(b, GML_HEAD, sizeof GML_HEAD - 1);
    for (uint32_t i = 0; i < g->nnodes && !rc; i++) rc = gml_node(b, m, g->nodes[i]);
    for (uint32_t i = 0; i < g->nedges && !rc; i++) rc = gml_edge(b, m, i, &m->edges[g->edges[i]]);
    if (!rc) rc = hv_buf_append(b, "</graph>\n</graphml>\n", 20);
    if (rc) {
        resp_error(rs, 500, "response too large", "narrow the request (max_nodes, max_edges, filters)");
        return;
    }
    rs->status = 200;
    rs->type = "application/graphml+xml; charset=utf-8";
    snprintf(rs->disposition, sizeof rs->disposition, "attachment; filename=\"%s\"", filename);
}

/* ---- /api/network/family/{id} ---- */

void api_network_family(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row) {
    if (!need_lineage(s, rs)) return;
    const hv_map *m = &s->map;
    unsigned lineage_mask = map_lineage_mask(m), mask;
    uint32_t max_nodes;
    int fmt;
    if (arg_enum(rq, rs, "format", NET_FORMATS, 0, &fmt) ||
        arg_u32(rq, rs, "max_nodes", 5000, 1, NET_FAMILY_MAX_NODES, &max_nodes) ||
        arg_relations(rq, rs, "relations", lineage_mask, &mask))
        return;
    uint32_t fsize = m->family_size[m->family[row]];
    uint32_t cap = max_nodes;
    hv_rowmap seen;
    net g = {malloc((size_t)cap * sizeof *g.nodes), 0, NULL, 0};
    if (!g.nodes || rowmap_init(&seen, fsize < cap ? fsize : cap)) {
        free(g.nodes);
        resp_error(rs, 500, "out of memory", "family network");
        return;
    }
    /* the models joined to this one by edges of the chosen types, nearest
     * first: with the default types exactly the stored family */
    hv_walk wk = {row, HV_NO_ROW, mask, WALK_BOTH, +1, UINT32_MAX, max_nodes};
    unsigned cut = 0;
    int rc = walk_bfs(m, &wk, &seen, g.nodes, &g.nnodes, &cut);
    uint64_t nedge_cap = 0;
    for (uint32_t i = 0; !rc && i < g.nnodes; i++) nedge_cap += m->edge_off[g.nodes[i] + 1] - m->edge_off[g.nodes[i]];
    if (!rc && !(g.edges = malloc((size_t)(nedge_cap ? nedge_cap : 1) * sizeof *g.edges))) rc = -1;
    for (uint32_t i = 0; !rc && i < g.nnodes; i++) {
        uint32_t c = g.nodes[i];
        for (uint64_t k = m->edge_off[c]; k < m->edge_off[c + 1]; k++)
            if ((mask >> m->edges[k].type & 1u) && rowmap_get(&seen, m->edges[k].parent)) g.edges[g.nedges++] = k;
    }
    rowmap_free(&seen);
    if (rc) {
        free(g.nodes);
        free(g.edges);
        resp_error(rs, 500, "out of memory", "family network");
        return;
    }
    hv_sv id = map_id(m, row);
    if (fmt == 1) {
        char name[160];
        safe_filename(name, sizeof name, "family-", id, ".graphml");
        send_graphml(rs, m, &g, name);
    } else {
        hv_jw w;
        resp_json(rs, &w);
        jw_obj(&w);
        jw_key(&w, "id");
        jw_str(&w, id);
        jw_key(&w, "family_root");
        jw_str(&w, map_id(m, m->family_root[m->family[row]]));
        jw_key(&w, "family_size");
        jw_uint(&w, fsize);
        jw_key(&w, "relations");
        jw_relations(&w, mask);
        jw_key(&w, "max_nodes");
        jw_uint(&w, max_nodes);
        jw_key(&w, "truncated");
        jw_bool(&w, cut != 0);
        jw_net(&w, m, &g);
        jw_obj_end(&w);
        resp_json_done(rs, &w);
    }
    free(g.nodes);
    free(g.edges);
}

/* ---- /api/network/derivatives ---- */

void api_network_derivatives(hv_server *s, const hv_req *rq, hv_resp *rs) {
    const hv_map *m = &s->map;
    hv_filter f;
    unsigned mask;
    uint32_t max_edges;
    int fmt;
    if (filter_parse(s, rq, rs, &f) || arg_enum(rq, rs, "format", NET_FORMATS, 0, &fmt) ||
        arg_u32(rq, rs, "max_edges", 10000, 1, NET_MAX_EDGES, &max_edges) ||
        arg_relations(rq, rs, "relations", HV_LINEAGE_ALL_MASK, &mask))
        return;
    net g = {NULL, 0, malloc((size_t)max_edges * sizeof *g.edges), 0};
    hv_rowmap seen;
    if (!g.edges || rowmap_init(&seen, 1024)) {
        free(g.edges);
        resp_error(rs, 500, "out of memory", "derivative network");
        return;
    }
    /* children in order of downloads, so a truncated answer keeps the edges
     * into the most used models; the count goes on to the end */
    uint64_t total = 0;
    const uint32_t *rank = server_ranking(s, RANK_DOWNLOADS);
    if (!rank) {
        free(g.edges);
        rowmap_free(&seen);
        resp_error(rs, 500, "out of memory", "derivative network");
        return;
    }
    for (uint32_t i = 0; i < m->n; i++) {
        uint32_t c = rank[i];
        if (m->edge_off[c] == m->edge_off[c + 1] || !filter_match(s, &f, c)) continue;
        for (uint64_t k = m->edge_off[c]; k < m->edge_off[c + 1]; k++) {
            if (!(mask >> m->edges[k].type & 1u) || !filter_match(s, &f, m->edges[k].parent)) continue;
            total++;
            if (g.nedges < max_edges) g.edges[g.nedges++] = k;
        }
    }
    int rc = (g.nodes = malloc(((size_t)g.nedges * 2 + 1) * sizeof *g.nodes)) ? 0 : -1;
    for (uint32_t i = 0; !rc && i < g.nedges; i++) {
        const hv_edge *ed = &m->edges[g.edges[i]];
        uint32_t ends[2] = {ed->parent, ed->child};
        for (int j = 0; j < 2 && !rc; j++) {
            int put = rowmap_put(&seen, ends[j], 0);
            if (put < 0) rc = -1;
            else if (put == 1) g.nodes[g.nnodes++] = ends[j];
        }
    }
    rowmap_free(&seen);
    if (rc) {
        free(g.nodes);
        free(g.edges);
        resp_error(rs, 500, "out of memory", "derivative network");
        return;
    }
    if (fmt == 1) {
        send_graphml(rs, m, &g, "derivatives.graphml");
    } else {
        hv_jw w;
        resp_json(rs, &w);
        jw_obj(&w);
        jw_key(&w, "filtered");
        jw_bool(&w, f.any);
        jw_key(&w, "relations");
        jw_relations(&w, mask);
        jw_key(&w, "max_edges");
        jw_uint(&w, max_edges);
        jw_key(&w, "edges_total"); /* edges whose both ends pass the filter */
        jw_uint(&w, total);
        jw_key(&w, "truncated");
        jw_bool(&w, total > g.nedges);
        jw_net(&w, m, &g);
        jw_obj_end(&w);
        resp_json_done(rs, &w);
    }
    free(g.nodes);
    free(g.edges);
}
