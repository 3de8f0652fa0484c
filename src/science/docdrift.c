/* docdrift.c - parent vs child card and language facts per edge group. */
#include "science/docdrift.h"

#include <stdlib.h>
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

static bool english_only(const hv_sci_view *v, uint32_t r) {
    if (v->languages.off[r + 1] - v->languages.off[r] != 1) return false;
    return hv_sv_eq_cstr(sci_str(v, v->languages.val[v->languages.off[r]]), "English");
}

/* The generation profile of the family of o->family_row (g built). */
static int profile_run(const hv_sci_view *v, const sci_graph *g, sci_docdrift *d, hv_err *e) {
    uint32_t fam = g->family[d->opts.family_row];
    d->family_root = g->family_root[fam];
    d->family_size = g->family_size[fam];
    uint32_t deepest = 0;
    for (uint32_t r = 0; r < v->n; r++)
        if (g->family[r] == fam && g->depth[r] > deepest) deepest = g->depth[r];
    d->family_depth = deepest;
    d->profile = calloc((size_t)deepest + 1, sizeof *d->profile);
    if (!d->profile) return hv_errf(e, HV_ENOMEM, "out of memory for the generation profile");
    for (uint32_t r = 0; r < v->n; r++) {
        if (g->family[r] != fam) continue;
        sci_genprofile *p = &d->profile[g->depth[r]];
        p->models++;
        if (g->depth[r] == 0 && g->indeg[r] > 0) d->family_in_cycles++;
        unsigned seen = 0;
        for (uint64_t k = v->edge_off[r]; k < v->edge_off[r + 1]; k++) {
            const hv_edge *ed = &v->edges[k];
            if (sci_edge_in(d->opts.mask, ed)) seen |= 1u << ed->type;
        }
        for (int t = 0; t < HV_REL_COUNT; t++)
            if ((seen >> t) & 1u) p->incoming[t]++;
        if (english_only(v, r)) p->english_only++;
        if (v->has_card[r]) {
            p->with_card++;
            if (v->card_autogen[r]) p->auto_generated++;
            p->card_chars_sum += v->card_chars[r];
        }
    }
    return HV_OK;
}

int sci_docdrift_run(const hv_sci_view *v, const sci_docdrift_opts *o, sci_docdrift *d, hv_err *e) {
    memset(d, 0, sizeof *d);
    d->opts = *o;
    if (o->family && o->family_row >= v->n) return hv_errf(e, HV_EUSAGE, "docs: family row out of range");
    sci_graph g;
    int rc = sci_graph_build(v, o->mask, &g, e);
    if (rc) return rc;
    uint32_t fam = o->family ? g.family[o->family_row] : 0;
    for (uint64_t k = 0; k < v->nedges; k++) {
        const hv_edge *ed = &v->edges[k];
        if (!((o->mask >> ed->type) & 1u)) continue;
        if (o->family && g.family[ed->child] != fam) continue;
        uint32_t gen = g.depth[ed->child] < SCI_GEN_MAX ? g.depth[ed->child] : SCI_GEN_MAX;
        if (gen > d->max_gen) d->max_gen = gen;
        add_edge(&d->overall, v, ed->parent, ed->child);
        add_edge(&d->by_rel[ed->type], v, ed->parent, ed->child);
        add_edge(&d->by_gen[gen], v, ed->parent, ed->child);
    }
    if (o->family) rc = profile_run(v, &g, d, e);
    sci_graph_free(&g);
    return rc;
}

void sci_docdrift_free(sci_docdrift *d) {
    free(d->profile);
    d->profile = NULL;
}
