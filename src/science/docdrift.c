/* docdrift.c - parent vs child card and language facts per edge group. */
#include "science/docdrift.h"

#include <string.h>

#include "science/graph.h"

static void add(sci_means *m, double p, double c) {
    m->n++;
    m->parent_sum += p;
    m->child_sum += c;
}

static void add_edge(sci_docgroup *g, const hv_sci_view *v, uint32_t p, uint32_t c) {
    g->edges++;
    add(&g->has_card, v->has_card[p] ? 1 : 0, v->has_card[c] ? 1 : 0);
    if (v->has_card[p] && v->has_card[c]) {
        double pl = v->card_chars[p], cl = v->card_chars[c];
        add(&g->card_chars, pl, cl);
        add(&g->autogen, v->card_autogen[p] ? 1 : 0, v->card_autogen[c] ? 1 : 0);
        if (pl > 0) {
            g->rel_change_sum += (cl - pl) / pl;
            g->rel_change_n++;
        }
    }
    double lp = (double)(v->languages.off[p + 1] - v->languages.off[p]);
    double lc = (double)(v->languages.off[c + 1] - v->languages.off[c]);
    add(&g->langs_all, lp, lc);
    if (lp > 0 && lc > 0) add(&g->langs_both, lp, lc);
}

int sci_docdrift_run(const hv_sci_view *v, const sci_docdrift_opts *o, sci_docdrift *d, hv_err *e) {
    memset(d, 0, sizeof *d);
    d->opts = *o;
    sci_graph g;
    int rc = sci_graph_build(v, o->mask, &g, e);
    if (rc) return rc;
    for (uint64_t k = 0; k < v->nedges; k++) {
        const hv_edge *ed = &v->edges[k];
        if (!((o->mask >> ed->type) & 1u)) continue;
        uint32_t gen = g.depth[ed->child] < SCI_GEN_MAX ? g.depth[ed->child] : SCI_GEN_MAX;
        if (gen > d->max_gen) d->max_gen = gen;
        add_edge(&d->overall, v, ed->parent, ed->child);
        add_edge(&d->by_rel[ed->type], v, ed->parent, ed->child);
        add_edge(&d->by_gen[gen], v, ed->parent, ed->child);
    }
    sci_graph_free(&g);
    return HV_OK;
}
