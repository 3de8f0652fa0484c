/* json.c - the JSON form of every analysis (hfviz analyze --json; the
 * server's /api/analyze/... will send the same documents). */
#include <stdio.h>

#include "science/diff.h"
#include "science/docdrift.h"
#include "science/drift.h"
#include "science/families.h"
#include "science/license.h"

static void key_rel(hv_jw *w, unsigned mask) {
    char buf[96];
    sci_relations_name(mask, buf, sizeof buf);
    jw_key(w, "relations");
    jw_cstr(w, buf);
}

static void key_uint(hv_jw *w, const char *k, uint64_t v) {
    jw_key(w, k);
    jw_uint(w, v);
}

static void key_num(hv_jw *w, const char *k, double v) {
    jw_key(w, k);
    jw_num17(w, v);
}

static void key_sv(hv_jw *w, const char *k, hv_sv s) {
    jw_key(w, k);
    jw_str(w, s);
}

static double ratio(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : 0.0; }

static void months_json(hv_jw *w, const sci_month *ms, size_t n) {
    jw_arr(w);
    for (size_t i = 0; i < n; i++) {
        char t[24];
        sci_month_text(ms[i].month, t);
        jw_obj(w);
        jw_key(w, "month");
        jw_cstr(w, t);
        key_uint(w, "added", ms[i].added);
        key_uint(w, "cumulative", ms[i].cumulative);
        jw_obj_end(w);
    }
    jw_arr_end(w);
}

void sci_families_json(const hv_sci_view *v, const sci_families *f, hv_jw *w) {
    jw_obj(w);
    jw_key(w, "analysis");
    jw_cstr(w, "families");
    key_rel(w, f->opts.mask);
    key_uint(w, "models", f->n);
    key_uint(w, "edges", f->edges);
    key_uint(w, "models_with_parent", f->with_parent);
    key_uint(w, "roots", f->roots);
    key_uint(w, "families", f->families);
    key_uint(w, "models_in_families", f->in_families);
    key_uint(w, "in_cycles", f->in_cycles);
    key_uint(w, "max_depth", f->max_depth);
    jw_key(w, "family_size");
    jw_obj(w);
    key_num(w, "mean", f->mean_size);
    key_uint(w, "median", f->median_size);
    key_uint(w, "max", f->largest_size);
    jw_key(w, "histogram");
    jw_arr(w);
    for (size_t b = 0; b < SCI_SIZE_BUCKETS; b++) {
        if (!f->size_hist[b]) continue;
        jw_obj(w);
        key_uint(w, "min", b == 0 ? 2 : ((uint64_t)1 << b) + 1);
        key_uint(w, "max", (uint64_t)2 << b);
        key_uint(w, "families", f->size_hist[b]);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
    jw_key(w, "models_at_depth");
    jw_arr(w);
    for (uint32_t d = 0; d <= f->max_depth; d++) jw_uint(w, f->models_at_depth[d]);
    jw_arr_end(w);
    jw_key(w, "families_by_max_depth");
    jw_arr(w);
    for (uint32_t d = 0; d <= f->max_depth; d++) jw_uint(w, f->families_by_depth[d]);
    jw_arr_end(w);
    jw_key(w, "largest");
    jw_arr(w);
    for (size_t i = 0; i < f->nlargest; i++) {
        const sci_family_entry *x = &f->largest[i];
        jw_obj(w);
        key_sv(w, "root", sci_id(v, x->root));
        key_uint(w, "size", x->size);
        key_uint(w, "max_depth", x->max_depth);
        key_uint(w, "roots", x->roots);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_key(w, "fertility");
    jw_obj(w);
    for (int r = 0; r < HV_REL_COUNT; r++) {
        jw_key(w, sci_relation_label(r));
        jw_obj(w);
        key_uint(w, "edges", f->fert_edges[r]);
        key_uint(w, "fertile", f->fert_fertile[r]);
        key_num(w, "rate", ratio(f->fert_fertile[r], f->fert_edges[r]));
        jw_obj_end(w);
    }
    jw_obj_end(w);
    jw_key(w, "growth");
    jw_obj(w);
    key_uint(w, "undated", f->undated);
    jw_key(w, "all");
    months_json(w, f->all_months, f->nall_months);
    jw_key(w, "families");
    jw_arr(w);
    for (size_t i = 0; i < f->nlargest; i++) {
        jw_obj(w);
        key_sv(w, "root", sci_id(v, f->growth[i].root));
        key_uint(w, "undated", f->growth[i].undated);
        jw_key(w, "months");
        months_json(w, f->growth[i].months, f->growth[i].nmonths);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
    jw_key(w, "bursts");
    jw_obj(w);
    key_uint(w, "min", f->opts.burst_min);
    key_num(w, "factor", f->opts.burst_factor);
    key_uint(w, "window_months", f->opts.burst_window);
    key_uint(w, "total", f->bursts_total);
    jw_key(w, "top");
    jw_arr(w);
    for (size_t i = 0; i < f->nbursts; i++) {
        const sci_burst *b = &f->bursts[i];
        char t[24];
        sci_month_text(b->month, t);
        jw_obj(w);
        key_sv(w, "root", sci_id(v, b->root));
        jw_key(w, "month");
        jw_cstr(w, t);
        key_uint(w, "added", b->added);
        key_uint(w, "before", b->before);
        key_num(w, "baseline", b->baseline);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
    jw_obj_end(w);
}

static void ordering_json(hv_jw *w, const hv_sci_view *v, const sci_drift *d, const sci_ordering *o) {
    jw_obj(w);
    jw_key(w, "order");
    jw_arr(w);
    for (uint32_t k = 0; k < d->ntop; k++) jw_str(w, sci_str(v, d->top[o->order[k]]));
    jw_arr_end(w);
    jw_key(w, "objective");
    jw_int(w, o->objective);
    key_uint(w, "compatible_edges", o->compat_num);
    key_uint(w, "oriented_edges", o->compat_den);
    key_num(w, "oriented_compatibility", ratio(o->compat_num, o->compat_den));
    key_uint(w, "accounted_weight", o->accounted_num);
    key_uint(w, "total_weight", o->accounted_den);
    key_num(w, "mutations_accounted", ratio(o->accounted_num, o->accounted_den));
    jw_obj_end(w);
}

void sci_drift_json(const hv_sci_view *v, const sci_drift *d, hv_jw *w) {
    jw_obj(w);
    jw_key(w, "analysis");
    jw_cstr(w, "drift");
    jw_key(w, "trait");
    jw_cstr(w, sci_trait_name(d->opts.trait));
    key_rel(w, d->opts.mask);
    key_uint(w, "edges", d->edges);
    key_uint(w, "traffic", d->traffic);
    key_uint(w, "mutated_edges", d->mutated);
    key_num(w, "mutation_sum", d->mutation_sum);
    key_num(w, "mutation_rate", d->mutation_rate);
    key_uint(w, "models_with_trait", d->models_with_trait);
    key_uint(w, "distinct_values", d->nvalues);
    jw_key(w, "graph");
    jw_obj(w);
    key_uint(w, "edges", d->ntransitions);
    key_uint(w, "weight", d->raw_total);
    key_uint(w, "oriented_edges", d->oriented_edges);
    key_uint(w, "oriented_traffic", d->oriented_traffic);
    key_uint(w, "oriented_total_n", d->oriented_total_n);
    jw_obj_end(w);
    jw_key(w, "top_transitions");
    jw_arr(w);
    for (size_t i = 0; i < d->ntransitions && i < d->opts.top; i++) {
        const sci_transition *t = &d->transitions[i];
        jw_obj(w);
        key_sv(w, "from", sci_str(v, t->from));
        key_sv(w, "to", sci_str(v, t->to));
        key_uint(w, "weight", t->w);
        key_uint(w, "reverse", t->w_back);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_key(w, "top");
    jw_obj(w);
    key_uint(w, "n", d->ntop);
    jw_key(w, "values");
    jw_arr(w);
    for (uint32_t i = 0; i < d->ntop; i++) {
        uint64_t models = 0;
        for (size_t k = 0; k < d->nvalues; k++)
            if (d->values[k].sid == d->top[i]) { models = d->values[k].models; break; }
        jw_obj(w);
        key_sv(w, "value", sci_str(v, d->top[i]));
        key_uint(w, "models", models);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    key_uint(w, "oriented_edges", d->top_oriented_edges);
    key_uint(w, "traffic", d->top_traffic);
    key_uint(w, "total_n", d->top_total_n);
    jw_key(w, "edges");
    jw_arr(w);
    for (uint32_t i = 0; i < d->ntop; i++)
        for (uint32_t j = 0; j < d->ntop; j++) {
            if (i == j || (!d->W[i][j])) continue;
            jw_obj(w);
            key_sv(w, "from", sci_str(v, d->top[i]));
            key_sv(w, "to", sci_str(v, d->top[j]));
            key_uint(w, "weight", d->W[i][j]);
            key_uint(w, "reverse", d->W[j][i]);
            jw_key(w, "net");
            jw_int(w, (int64_t)d->W[i][j] - (int64_t)d->W[j][i]);
            jw_obj_end(w);
        }
    jw_arr_end(w);
    jw_key(w, "weighted");
    ordering_json(w, v, d, &d->weighted);
    jw_key(w, "unweighted");
    ordering_json(w, v, d, &d->unweighted);
    jw_obj_end(w);
    jw_obj_end(w);
}

void sci_license_json(const hv_sci_view *v, const sci_license_audit *a, hv_jw *w) {
    jw_obj(w);
    jw_key(w, "analysis");
    jw_cstr(w, "license");
    key_rel(w, a->opts.mask);
    key_uint(w, "edges", a->edges);
    key_uint(w, "restrictive_parent", a->restrictive_parent);
    key_uint(w, "child_without_license", a->child_none);
    key_uint(w, "child_unclassified", a->child_unclassified);
    key_uint(w, "judged", a->judged);
    key_uint(w, "flagged", a->flagged);
    key_num(w, "rate", ratio(a->flagged, a->judged));
    jw_key(w, "by_parent_class");
    jw_obj(w);
    for (int c = SCI_LIC_COMMERCIAL; c < SCI_LIC_NCLASSES; c++) {
        jw_key(w, sci_license_class_name(c));
        jw_obj(w);
        key_uint(w, "judged", a->judged_by_class[c]);
        key_uint(w, "flagged", a->flagged_by_class[c]);
        key_num(w, "rate", ratio(a->flagged_by_class[c], a->judged_by_class[c]));
        jw_obj_end(w);
    }
    jw_obj_end(w);
    jw_key(w, "by_relation");
    jw_obj(w);
    for (int r = 0; r < HV_REL_COUNT; r++) {
        if (!((a->opts.mask >> r) & 1u)) continue;
        jw_key(w, sci_relation_label(r));
        jw_obj(w);
        key_uint(w, "judged", a->judged_by_rel[r]);
        key_uint(w, "flagged", a->flagged_by_rel[r]);
        key_num(w, "rate", ratio(a->flagged_by_rel[r], a->judged_by_rel[r]));
        jw_obj_end(w);
    }
    jw_obj_end(w);
    jw_key(w, "flows");
    jw_arr(w);
    for (size_t i = 0; i < a->nflows; i++) {
        jw_obj(w);
        key_sv(w, "from", sci_str(v, a->flows[i].from));
        key_sv(w, "to", sci_str(v, a->flows[i].to));
        key_uint(w, "count", a->flows[i].count);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    key_uint(w, "families_judged", a->nfamilies_judged);
    key_uint(w, "families_flagged", a->nfamilies_flagged);
    jw_key(w, "families");
    jw_arr(w);
    for (size_t i = 0; i < a->nfamilies; i++) {
        const sci_license_family *f = &a->families[i];
        jw_obj(w);
        key_sv(w, "root", sci_id(v, f->root));
        key_uint(w, "size", f->size);
        key_uint(w, "judged", f->judged);
        key_uint(w, "flagged", f->flagged);
        key_num(w, "rate", ratio(f->flagged, f->judged));
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_key(w, "pairs");
    jw_arr(w);
    for (size_t i = 0; i < a->npairs; i++) {
        const hv_edge *ed = &v->edges[a->pairs[i]];
        int pc, cc;
        uint32_t pl = sci_license_decide(v, ed->parent, &pc), cl = sci_license_decide(v, ed->child, &cc);
        jw_obj(w);
        key_sv(w, "parent", sci_id(v, ed->parent));
        key_sv(w, "child", sci_id(v, ed->child));
        jw_key(w, "relation");
        jw_cstr(w, sci_relation_label(ed->type));
        key_sv(w, "parent_license", sci_str(v, pl));
        key_sv(w, "child_license", sci_str(v, cl));
        jw_key(w, "parent_class");
        jw_cstr(w, sci_license_class_name(pc));
        jw_key(w, "child_class");
        jw_cstr(w, sci_license_class_name(cc));
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

static void means_json(hv_jw *w, const char *k, const sci_means *m) {
    jw_key(w, k);
    jw_obj(w);
    key_uint(w, "n", m->n);
    key_num(w, "parent", sci_mean_parent(m));
    key_num(w, "child", sci_mean_child(m));
    key_num(w, "change", sci_mean_child(m) - sci_mean_parent(m));
    jw_obj_end(w);
}

static void group_json(hv_jw *w, const sci_docgroup *g) {
    jw_obj(w);
    key_uint(w, "edges", g->edges);
    means_json(w, "card_chars", &g->card_chars);
    jw_key(w, "card_chars_mean_relative_change");
    if (g->rel_change_n) jw_num17(w, g->rel_change_sum / (double)g->rel_change_n);
    else jw_null(w);
    means_json(w, "auto_generated", &g->autogen);
    means_json(w, "has_card", &g->has_card);
    means_json(w, "languages_both", &g->langs_both);
    means_json(w, "languages_all", &g->langs_all);
    jw_obj_end(w);
}

void sci_docdrift_json(const hv_sci_view *v, const sci_docdrift *d, hv_jw *w) {
    jw_obj(w);
    jw_key(w, "analysis");
    jw_cstr(w, "docs");
    key_rel(w, d->opts.mask);
    jw_key(w, "overall");
    group_json(w, &d->overall);
    jw_key(w, "by_relation");
    jw_obj(w);
    for (int r = 0; r < HV_REL_COUNT; r++) {
        if (!((d->opts.mask >> r) & 1u)) continue;
        jw_key(w, sci_relation_label(r));
        group_json(w, &d->by_rel[r]);
    }
    jw_obj_end(w);
    jw_key(w, "by_generation");
    jw_arr(w);
    for (uint32_t gen = 0; gen <= d->max_gen; gen++) {
        if (!d->by_gen[gen].edges) continue;
        jw_obj(w);
        key_uint(w, "generation", gen);
        jw_key(w, "or_deeper");
        jw_bool(w, gen == SCI_GEN_MAX);
        jw_key(w, "stats");
        group_json(w, &d->by_gen[gen]);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    if (d->opts.family && d->profile) {
        jw_key(w, "family");
        jw_obj(w);
        key_sv(w, "id", sci_id(v, d->opts.family_row));
        key_sv(w, "root", sci_id(v, d->family_root));
        key_uint(w, "models", d->family_size);
        key_uint(w, "max_depth", d->family_depth);
        key_uint(w, "in_cycles", d->family_in_cycles);
        jw_key(w, "profile");
        jw_arr(w);
        for (uint32_t k = 0; k <= d->family_depth; k++) {
            const sci_genprofile *p = &d->profile[k];
            jw_obj(w);
            key_uint(w, "depth", k);
            key_uint(w, "models", p->models);
            jw_key(w, "incoming");
            jw_obj(w);
            for (int r = 0; r < HV_REL_COUNT; r++) {
                if (!((d->opts.mask >> r) & 1u)) continue;
                key_num(w, sci_relation_label(r), ratio(p->incoming[r], p->models));
            }
            jw_obj_end(w);
            key_num(w, "english_only", ratio(p->english_only, p->models));
            key_num(w, "has_card", ratio(p->with_card, p->models));
            key_uint(w, "with_card", p->with_card);
            jw_key(w, "auto_generated");
            if (p->with_card) jw_num17(w, ratio(p->auto_generated, p->with_card));
            else jw_null(w);
            jw_key(w, "card_chars_mean");
            if (p->with_card) jw_num17(w, p->card_chars_sum / (double)p->with_card);
            else jw_null(w);
            jw_obj_end(w);
        }
        jw_arr_end(w);
        jw_obj_end(w);
    }
    jw_obj_end(w);
}

void sci_drift_pairs_json(const hv_sci_view *v, sci_trait t, unsigned mask, hv_sv from, hv_sv to, const uint64_t *idx,
                          size_t n, uint64_t total, hv_jw *w) {
    char rel[96];
    sci_relations_name(mask, rel, sizeof rel);
    jw_obj(w);
    jw_key(w, "analysis"); jw_cstr(w, "drift-pairs");
    jw_key(w, "trait"); jw_cstr(w, sci_trait_name(t));
    jw_key(w, "relations"); jw_cstr(w, rel);
    jw_key(w, "from"); jw_str(w, from);
    jw_key(w, "to"); jw_str(w, to);
    jw_key(w, "total"); jw_uint(w, total);
    jw_key(w, "pairs");
    jw_arr(w);
    for (size_t i = 0; i < n; i++) {
        const hv_edge *ed = &v->edges[idx[i]];
        jw_obj(w);
        jw_key(w, "parent"); jw_str(w, sci_id(v, ed->parent));
        jw_key(w, "child"); jw_str(w, sci_id(v, ed->child));
        jw_key(w, "relation"); jw_cstr(w, sci_relation_label(ed->type));
        for (int side = 0; side < 2; side++) {
            uint32_t tmp[1], k;
            const uint32_t *it = sci_trait_items(v, t, side ? ed->child : ed->parent, tmp, &k);
            jw_key(w, side ? "child_values" : "parent_values");
            jw_arr(w);
            for (uint32_t j = 0; j < k; j++) jw_str(w, sci_str(v, it[j]));
            jw_arr_end(w);
        }
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

void sci_diff_json(const sci_diff *d, const char *artifact, hv_sv id_a, hv_sv id_b, hv_sv a, hv_sv b, bool truncated,
                   hv_jw *w) {
    size_t longest = d->a_chars > d->b_chars ? d->a_chars : d->b_chars;
    double sim = longest ? 1.0 - (double)d->distance / (double)longest : 1.0;
    jw_obj(w);
    jw_key(w, "analysis"); jw_cstr(w, "diff");
    jw_key(w, "artifact"); jw_cstr(w, artifact);
    jw_key(w, "a"); jw_str(w, id_a);
    jw_key(w, "b"); jw_str(w, id_b);
    jw_key(w, "a_chars"); jw_uint(w, d->a_chars);
    jw_key(w, "b_chars"); jw_uint(w, d->b_chars);
    jw_key(w, "truncated"); jw_bool(w, truncated);
    jw_key(w, "distance"); jw_uint(w, d->distance);
    jw_key(w, "similarity"); jw_num17(w, sim);
    jw_key(w, "segments");
    jw_arr(w);
    for (size_t i = 0; i < d->nsegs; i++) {
        const sci_diff_seg *g = &d->segs[i];
        jw_obj(w);
        jw_key(w, "op"); jw_cstr(w, sci_seg_name(g->op));
        jw_key(w, "a"); jw_str(w, hv_sv_make(a.p + g->a_off, g->a_len));
        jw_key(w, "b"); jw_str(w, hv_sv_make(b.p + g->b_off, g->b_len));
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}
