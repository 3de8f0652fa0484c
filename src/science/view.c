/* view.c - the science view over a catalog or a map, and relation sets. */
#include "science/view.h"

#include <stdio.h>
#include <string.h>

#include "mapfile/map.h"

static hv_sv cat_id(const void *src, uint32_t row) { return catalog_id(src, row); }
static hv_sv cat_str(const void *src, uint32_t sid) { return catalog_str(src, sid); }
static hv_sv map_id_cb(const void *src, uint32_t row) { return map_id(src, row); }
static hv_sv map_str_cb(const void *src, uint32_t sid) { return map_str(src, sid); }

void sci_view_from_catalog(const hv_catalog *c, hv_sci_view *v) {
    memset(v, 0, sizeof *v);
    v->n = c->n;
    v->nstrs = strpool_count(c->strs);
    v->edges = c->edges;
    v->nedges = c->nedges;
    v->edge_off = c->edge_off;
    v->edge_children = (hv_sci_list){c->edge_children.off, c->edge_children.val};
    v->pipeline = c->pipeline;
    v->library = c->library;
    v->licenses = (hv_sci_list){c->licenses.off, c->licenses.val};
    v->languages = (hv_sci_list){c->languages.off, c->languages.val};
    v->has = c->has;
    v->created_at = c->created_at;
    v->has_card = c->has_card;
    v->card_autogen = c->card_autogen;
    v->card_chars = c->card_chars;
    v->card_ref = c->card_ref;
    v->tags = (hv_sci_list){c->tags.off, c->tags.val};
    v->likes = c->likes;
    v->downloads = c->downloads;
    v->trending = c->trending;
    v->is_private = c->is_private;
    v->model_id = cat_id;
    v->str = cat_str;
    v->src = c;
}

void sci_view_from_map(const hv_map *m, hv_sci_view *v) {
    memset(v, 0, sizeof *v);
    v->n = m->n;
    v->nstrs = m->nstrs;
    v->edges = m->edges;
    v->nedges = m->nedges;
    v->edge_off = m->edge_off;
    v->edge_children = (hv_sci_list){m->edge_children.off, m->edge_children.val};
    v->pipeline = m->pipeline;
    v->library = m->library;
    v->licenses = (hv_sci_list){m->licenses.off, m->licenses.val};
    v->languages = (hv_sci_list){m->languages.off, m->languages.val};
    v->has = m->has;
    v->created_at = m->created_at;
    v->has_card = m->has_card;
    v->card_autogen = m->card_autogen;
    v->card_chars = m->card_chars;
    v->card_ref = m->card_ref;
    v->tags = (hv_sci_list){m->tags.off, m->tags.val};
    v->likes = m->likes;
    v->downloads = m->downloads;
    v->trending = m->trending;
    v->is_private = m->is_private;
    v->model_id = map_id_cb;
    v->str = map_str_cb;
    v->src = m;
}

uint32_t sci_find(const hv_sci_view *v, hv_sv id) {
    for (uint32_t r = 0; r < v->n; r++)
        if (hv_sv_eq(sci_id(v, r), id)) return r;
    return HV_NO_ROW;
}

const char *sci_relation_label(int rel) {
    return rel == HV_REL_BASE ? "untyped" : hv_relation_name((hv_relation)rel);
}

int sci_relations_parse(const char *s, unsigned *mask, hv_err *e) {
    if (!strcmp(s, "all")) { *mask = SCI_REL_ALL; return HV_OK; }
    if (!strcmp(s, "nomerge") || !strcmp(s, "no-merge")) { *mask = SCI_REL_NOMERGE; return HV_OK; }
    unsigned m = 0;
    const char *p = s;
    for (;;) {
        const char *q = strchr(p, ',');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        hv_relation r = hv_relation_parse(hv_sv_make(p, len));
        if (r == HV_REL_COUNT)
            return hv_errf(e, HV_EUSAGE,
                           "--relations: unknown relation '%.*s' (finetune, adapter, quantized, merge, untyped, "
                           "or all / nomerge)",
                           (int)(len > 40 ? 40 : len), p);
        m |= 1u << r;
        if (!q) break;
        p = q + 1;
    }
    *mask = m;
    return HV_OK;
}

void sci_relations_name(unsigned mask, char *out, size_t cap) {
    static const int ORDER[] = {HV_REL_FINETUNE, HV_REL_ADAPTER, HV_REL_QUANTIZED, HV_REL_MERGE, HV_REL_BASE};
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof ORDER / sizeof ORDER[0]; i++) {
        if (!((mask >> ORDER[i]) & 1u)) continue;
        int w = snprintf(out + n, cap - n, "%s%s", n ? "+" : "", sci_relation_label(ORDER[i]));
        if (w < 0 || (size_t)w >= cap - n) break;
        n += (size_t)w;
    }
}
