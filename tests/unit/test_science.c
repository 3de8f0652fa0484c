/* test_science.c - the analyses of src/science/ on a tiny hand-built
 * catalog whose every number was computed by hand (see the comments), and
 * the same analyses on the map written from it.
 *
 *   o/A  llama2        English,French          text-generation      transformers  card 1000        2024-01-15
 *   o/B  apache-2.0    English                 text-classification  transformers  card 400 (auto)  2024-03-02  finetune of A
 *   o/C  llama2        English,French,German   text-generation      peft          card 200         2024-03-20  finetune of A
 *   o/D  mit           -                       text-classification  peft          -                2024-03-25  adapter of B
 *   o/E  llama2        German                  text-generation      transformers  card 100 (auto)  2024-04-01  quantized of C
 *   x/F  cc-by-nc-4.0  English                 text-to-image        diffusers     card 50          2023-12-01
 *   x/G  mit           English                 text-to-image        diffusers     card 10          2024-01-10  finetune of F
 *   x/H  other         -                       text-generation      -             -                -           merge of F and C
 *   s/S  apache-2.0    -                       -                    -             -                -
 * Edges (7): A->B ft, A->C ft, B->D ad, C->E qu, F->G ft, F->H merge, C->H merge. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "lineage/lineage.h"
#include "mapfile/map.h"
#include "science/docdrift.h"
#include "science/drift.h"
#include "science/families.h"
#include "science/license.h"

static hv_record rec;
static hv_catalog *cat;

static int64_t day(int y, int m, int d) {
    /* days from civil (Hinnant), for the test's own dates */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400;
}

static void add(const char *id, const char *tags, const char *pipeline, const char *library, int64_t card,
                bool autogen, int64_t created) {
    record_reset(&rec);
    rec.model_id = hv_sv_cstr(id);
    /* tags: space separated */
    static char buf[512];
    snprintf(buf, sizeof buf, "%s", tags);
    for (char *t = strtok(buf, " "); t; t = strtok(NULL, " ")) hv_svlist_push(&rec.tags, hv_sv_cstr(t));
    if (pipeline) rec.pipeline = hv_sv_cstr(pipeline);
    if (library) rec.library = hv_sv_cstr(library);
    if (card >= 0) {
        rec.has |= HV_HAS_CARD_FACTS;
        rec.card_chars = card;
        rec.card_words = card / 5;
        rec.card_autogen = autogen;
    }
    if (created) {
        rec.has |= HV_HAS_CREATED;
        rec.created_at = created;
    }
    hv_err e;
    cr_assert_eq(catalog_add(cat, &rec, &e), HV_OK, "%s", e.msg);
}

static void setup(void) {
    cat = catalog_new();
    add("o/A", "license:llama2 en fr", "text-generation", "transformers", 1000, false, day(2024, 1, 15));
    add("o/B", "license:apache-2.0 en base_model:finetune:o/A", "text-classification", "transformers", 400, true,
        day(2024, 3, 2));
    add("o/C", "license:llama2 en fr de base_model:finetune:o/A", "text-generation", "peft", 200, false,
        day(2024, 3, 20));
    add("o/D", "license:mit base_model:adapter:o/B", "text-classification", "peft", -1, false, day(2024, 3, 25));
    add("o/E", "license:llama2 de base_model:quantized:o/C", "text-generation", "transformers", 100, true,
        day(2024, 4, 1));
    add("x/F", "license:cc-by-nc-4.0 en", "text-to-image", "diffusers", 50, false, day(2023, 12, 1));
    add("x/G", "license:mit en base_model:finetune:x/F", "text-to-image", "diffusers", 10, false, day(2024, 1, 10));
    add("x/H", "license:other base_model:merge:x/F base_model:merge:o/C", "text-generation", NULL, -1, false, 0);
    add("s/S", "license:apache-2.0", NULL, NULL, -1, false, 0);
    hv_err e;
    cr_assert_eq(catalog_finish(cat, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(cat->nedges, 7);
}

static void teardown(void) {
    catalog_free(cat);
    record_free(&rec);
}

TestSuite(science, .init = setup, .fini = teardown);

static uint32_t row(const char *id) { return catalog_find(cat, hv_sv_cstr(id)); }
static uint32_t sid(const char *s) {
    uint32_t id = 0;
    cr_assert(strpool_find(cat->strs, hv_sv_cstr(s), &id), "string %s", s);
    return id;
}
#define NEAR(a, b) cr_assert(fabs((double)(a) - (double)(b)) < 1e-9, "%s = %.12g, want %.12g", #a, (double)(a), (double)(b))

static void check_families(const hv_sci_view *v) {
    sci_families_opts o;
    sci_families_defaults(&o);
    o.burst_min = 3;
    o.burst_factor = 2;
    o.burst_window = 2;
    sci_families f;
    hv_err e;
    cr_assert_eq(sci_families_run(v, &o, &f, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(f.edges, 5, "no-merge: the two merge edges are out");
    cr_assert_eq(f.with_parent, 5);
    cr_assert_eq(f.roots, 2);
    cr_assert_eq(f.families, 2);
    cr_assert_eq(f.in_families, 7);
    cr_assert_eq(f.max_depth, 2);
    NEAR(f.mean_size, 3.5);
    cr_assert_eq(f.median_size, 5);
    cr_assert_eq(f.largest_size, 5);
    cr_assert_eq(f.size_hist[0], 1);
    cr_assert_eq(f.size_hist[2], 1);
    cr_assert_eq(f.models_at_depth[0], 2);
    cr_assert_eq(f.models_at_depth[1], 3);
    cr_assert_eq(f.models_at_depth[2], 2);
    cr_assert_eq(f.families_by_depth[0], 0);
    cr_assert_eq(f.families_by_depth[1], 1);
    cr_assert_eq(f.families_by_depth[2], 1);
    cr_assert_eq(f.nlargest, 2);
    cr_assert(hv_sv_eq_cstr(sci_id(v, f.largest[0].root), "o/A"));
    cr_assert_eq(f.largest[0].size, 5);
    cr_assert_eq(f.largest[0].max_depth, 2);
    cr_assert(hv_sv_eq_cstr(sci_id(v, f.largest[1].root), "x/F"));
    cr_assert_eq(f.fert_edges[HV_REL_FINETUNE], 3);
    cr_assert_eq(f.fert_fertile[HV_REL_FINETUNE], 2, "A->B (B has D) and A->C (C has E)");
    cr_assert_eq(f.fert_edges[HV_REL_ADAPTER], 1);
    cr_assert_eq(f.fert_fertile[HV_REL_ADAPTER], 0);
    cr_assert_eq(f.fert_edges[HV_REL_MERGE], 2);
    cr_assert_eq(f.fert_fertile[HV_REL_MERGE], 0);
    /* growth: family A: 2024-01 +1, 2024-03 +3, 2024-04 +1 */
    cr_assert_eq(f.undated, 2);
    const sci_growth *g = &f.growth[0];
    cr_assert_eq(g->nmonths, 3);
    cr_assert_eq(g->months[0].month, 2024 * 12 + 0);
    cr_assert_eq(g->months[1].month, 2024 * 12 + 2);
    cr_assert_eq(g->months[1].added, 3);
    cr_assert_eq(g->months[1].cumulative, 4);
    cr_assert_eq(g->months[2].cumulative, 5);
    cr_assert_eq(f.nall_months, 4);
    cr_assert_eq(f.all_months[0].month, 2023 * 12 + 11);
    cr_assert_eq(f.all_months[1].added, 2);
    cr_assert_eq(f.all_months[3].cumulative, 7);
    /* one burst: A in 2024-03, 3 >= 3 and >= 2 x max(1, (1 + 0) / 2) */
    cr_assert_eq(f.bursts_total, 1);
    cr_assert_eq(f.bursts[0].month, 2024 * 12 + 2);
    cr_assert_eq(f.bursts[0].added, 3);
    cr_assert_eq(f.bursts[0].before, 1);
    NEAR(f.bursts[0].baseline, 0.5);
    sci_families_free(&f);

    o.mask = SCI_REL_ALL;
    cr_assert_eq(sci_families_run(v, &o, &f, &e), HV_OK);
    cr_assert_eq(f.families, 1, "the merge joins both trees");
    cr_assert_eq(f.largest[0].size, 8);
    cr_assert_eq(f.largest[0].roots, 2);
    sci_families_free(&f);
}

static void run_drift(const hv_sci_view *v, sci_trait t, sci_drift *d) {
    sci_drift_opts o;
    sci_drift_defaults(&o);
    o.trait = t;
    hv_err e;
    cr_assert_eq(sci_drift_run(v, &o, d, &e), HV_OK, "%s", e.msg);
}

static uint64_t transition(const sci_drift *d, uint32_t from, uint32_t to) {
    for (size_t i = 0; i < d->ntransitions; i++)
        if (d->transitions[i].from == from && d->transitions[i].to == to) return d->transitions[i].w;
    return 0;
}

static void check_drift(const hv_sci_view *v) {
    sci_drift d;
    /* license: 7 edges with both; changed A->B, B->D, F->G, F->H, C->H */
    run_drift(v, SCI_TRAIT_LICENSE, &d);
    cr_assert_eq(d.edges, 7);
    cr_assert_eq(d.traffic, 7);
    cr_assert_eq(d.mutated, 5);
    NEAR(d.mutation_rate, 5.0 / 7.0);
    cr_assert_eq(d.ntransitions, 5);
    cr_assert_eq(transition(&d, sid("llama2"), sid("apache-2.0")), 2, "one edge, counted twice");
    cr_assert_eq(transition(&d, sid("cc-by-nc-4.0"), sid("other")), 2);
    cr_assert_eq(d.raw_total, 10);
    cr_assert_eq(d.oriented_edges, 5);
    cr_assert_eq(d.oriented_traffic, 10);
    /* counts: llama2 3, apache-2.0 2, mit 2, cc-by-nc-4.0 1, other 1 (dropped) */
    cr_assert_eq(d.nvalues, 5);
    cr_assert_eq(d.values[0].sid, sid("llama2"));
    cr_assert_eq(d.values[0].models, 3);
    cr_assert_eq(d.ntop, 4);
    cr_assert_eq(d.top[1], sid("apache-2.0"));
    cr_assert_eq(d.top[3], sid("cc-by-nc-4.0"));
    cr_assert_eq(d.weighted.objective, 6);
    cr_assert_eq(d.weighted.compat_num, 3);
    cr_assert_eq(d.weighted.compat_den, 3);
    cr_assert_eq(d.weighted.accounted_num, 6);
    cr_assert_eq(d.weighted.accounted_den, 6);
    sci_drift_free(&d);

    /* language: A->B 1/2, A->C 1/3, C->E 2/3, F->G 0 over 4 edges */
    run_drift(v, SCI_TRAIT_LANGUAGE, &d);
    cr_assert_eq(d.traffic, 4);
    cr_assert_eq(d.mutated, 3);
    NEAR(d.mutation_sum, 1.5);
    NEAR(d.mutation_rate, 0.375);
    cr_assert_eq(transition(&d, sid("French"), sid("English")), 1, "A->B: French removed, -> each child value");
    cr_assert_eq(transition(&d, sid("English"), sid("German")), 2, "A->C adds German; C->E removes English");
    cr_assert_eq(transition(&d, sid("French"), sid("German")), 2);
    cr_assert_eq(d.raw_total, 5);
    sci_drift_free(&d);

    /* task: A->B and F->H change, each counted twice */
    run_drift(v, SCI_TRAIT_TASK, &d);
    cr_assert_eq(d.traffic, 7);
    cr_assert_eq(d.mutated, 2);
    NEAR(d.mutation_rate, 2.0 / 7.0);
    cr_assert_eq(transition(&d, sid("text-generation"), sid("text-classification")), 2);
    cr_assert_eq(transition(&d, sid("text-to-image"), sid("text-generation")), 2);
    cr_assert_eq(d.raw_total, 4);
    uint64_t idx[4];
    size_t n;
    uint64_t total;
    hv_err e;
    cr_assert_eq(sci_drift_pairs(v, SCI_TRAIT_TASK, SCI_REL_ALL, sid("text-generation"), sid("text-classification"), idx,
                                 4, &n, &total, &e),
                 HV_OK);
    cr_assert_eq(total, 1);
    cr_assert_eq(v->edges[idx[0]].parent, row("o/A"));
    cr_assert_eq(v->edges[idx[0]].child, row("o/B"));
    sci_drift_free(&d);

    /* library: tf->peft on A->C and B->D (4), peft->tf on C->E (2) */
    run_drift(v, SCI_TRAIT_LIBRARY, &d);
    cr_assert_eq(d.traffic, 5);
    cr_assert_eq(d.mutated, 3);
    NEAR(d.mutation_rate, 0.6);
    cr_assert_eq(d.oriented_edges, 1);
    cr_assert_eq(d.oriented_traffic, 2);
    cr_assert_eq(d.oriented_total_n, 6);
    cr_assert_eq(d.ntop, 3);
    cr_assert_eq(d.top[0], sid("transformers"));
    cr_assert_eq(d.top[1], sid("diffusers"), "ties by name");
    cr_assert_eq(d.weighted.objective, 2);
    uint32_t pos_tf = 9, pos_peft = 9;
    for (uint32_t k = 0; k < 3; k++) {
        if (d.top[d.weighted.order[k]] == sid("transformers")) pos_tf = k;
        if (d.top[d.weighted.order[k]] == sid("peft")) pos_peft = k;
    }
    cr_assert_lt(pos_tf, pos_peft);
    cr_assert_eq(d.weighted.compat_num, 1);
    cr_assert_eq(d.weighted.compat_den, 1);
    cr_assert_eq(d.weighted.accounted_num, 4);
    cr_assert_eq(d.weighted.accounted_den, 6);
    cr_assert_eq(sci_drift_pairs(v, SCI_TRAIT_LIBRARY, SCI_REL_ALL, sid("transformers"), sid("peft"), idx, 1, &n, &total,
                                 &e),
                 HV_OK);
    cr_assert_eq(total, 2);
    cr_assert_eq(n, 1, "the limit holds");
    cr_assert_eq(sci_trait_find(v, SCI_TRAIT_LIBRARY, hv_sv_cstr("peft")), sid("peft"));
    cr_assert_eq(sci_trait_find(v, SCI_TRAIT_LIBRARY, hv_sv_cstr("nope")), 0);
    sci_drift_free(&d);

    /* fine-tune only: license changes on A->B and F->G */
    sci_drift_opts o;
    sci_drift_defaults(&o);
    o.mask = SCI_REL_FINETUNE;
    cr_assert_eq(sci_drift_run(v, &o, &d, &e), HV_OK);
    cr_assert_eq(d.traffic, 3);
    NEAR(d.mutation_rate, 2.0 / 3.0);
    sci_drift_free(&d);
}

static void check_license(const hv_sci_view *v) {
    sci_license_opts o;
    sci_license_defaults(&o);
    sci_license_audit a;
    hv_err e;
    cr_assert_eq(sci_license_run(v, &o, &a, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(a.edges, 7);
    cr_assert_eq(a.restrictive_parent, 6, "every edge but B->D");
    cr_assert_eq(a.child_unclassified, 2, "F->H and C->H: 'other'");
    cr_assert_eq(a.child_none, 0);
    cr_assert_eq(a.judged, 4);
    cr_assert_eq(a.flagged, 2);
    cr_assert_eq(a.judged_by_class[SCI_LIC_COMMERCIAL], 3);
    cr_assert_eq(a.flagged_by_class[SCI_LIC_COMMERCIAL], 1);
    cr_assert_eq(a.judged_by_class[SCI_LIC_NONCOMMERCIAL], 1);
    cr_assert_eq(a.flagged_by_class[SCI_LIC_NONCOMMERCIAL], 1);
    cr_assert_eq(a.judged_by_rel[HV_REL_FINETUNE], 3);
    cr_assert_eq(a.flagged_by_rel[HV_REL_FINETUNE], 2);
    cr_assert_eq(a.judged_by_rel[HV_REL_QUANTIZED], 1);
    cr_assert_eq(a.flagged_by_rel[HV_REL_QUANTIZED], 0);
    cr_assert_eq(a.nflows, 2);
    cr_assert_eq(a.npairs, 2);
    cr_assert_eq(v->edges[a.pairs[0]].child, row("o/B"));
    cr_assert_eq(v->edges[a.pairs[1]].child, row("x/G"));
    cr_assert_eq(a.nfamilies_judged, 2);
    cr_assert_eq(a.nfamilies_flagged, 2);
    cr_assert(hv_sv_eq_cstr(sci_id(v, a.families[0].root), "o/A"));
    cr_assert_eq(a.families[0].judged, 3);
    cr_assert_eq(a.families[0].flagged, 1);
    cr_assert_eq(a.families[1].judged, 1);
    sci_license_free(&a);
    o.limit = 1;
    cr_assert_eq(sci_license_run(v, &o, &a, &e), HV_OK);
    cr_assert_eq(a.npairs, 1);
    cr_assert_eq(a.flagged, 2);
    sci_license_free(&a);
}

static void check_docs(const hv_sci_view *v) {
    sci_docdrift_opts o = {SCI_REL_ALL, false, 0};
    sci_docdrift d;
    hv_err e;
    cr_assert_eq(sci_docdrift_run(v, &o, &d, &e), HV_OK);
    const sci_docgroup *g = &d.overall;
    cr_assert_eq(g->edges, 7);
    cr_assert_eq(g->card_chars.n, 4);
    NEAR(sci_mean_parent(&g->card_chars), 562.5);
    NEAR(sci_mean_child(&g->card_chars), 177.5);
    NEAR(g->rel_change_sum / (double)g->rel_change_n, -0.675);
    NEAR(sci_mean_parent(&g->autogen), 0.0);
    NEAR(sci_mean_child(&g->autogen), 0.5);
    cr_assert_eq(g->has_card.n, 7);
    NEAR(sci_mean_parent(&g->has_card), 1.0);
    NEAR(sci_mean_child(&g->has_card), 4.0 / 7.0);
    cr_assert_eq(g->langs_both.n, 4);
    NEAR(sci_mean_parent(&g->langs_both), 2.0);
    NEAR(sci_mean_child(&g->langs_both), 1.5);
    NEAR(sci_mean_parent(&g->langs_all), 13.0 / 7.0);
    NEAR(sci_mean_child(&g->langs_all), 6.0 / 7.0);
    const sci_docgroup *ft = &d.by_rel[HV_REL_FINETUNE];
    cr_assert_eq(ft->edges, 3);
    NEAR(sci_mean_parent(&ft->card_chars), 2050.0 / 3.0);
    NEAR(sci_mean_child(&ft->card_chars), 610.0 / 3.0);
    cr_assert_eq(d.by_rel[HV_REL_MERGE].edges, 2);
    /* generations over all relations: B, C, G at 1; D, E, H at 2 */
    cr_assert_eq(d.max_gen, 2);
    cr_assert_eq(d.by_gen[1].edges, 3);
    cr_assert_eq(d.by_gen[2].edges, 4);
    cr_assert_eq(d.by_gen[2].card_chars.n, 1);
    NEAR(sci_mean_parent(&d.by_gen[2].card_chars), 200.0);
    NEAR(sci_mean_child(&d.by_gen[2].card_chars), 100.0);
}

/* The generation profile of a family, computed by hand:
 * over all relations everything but s/S is one family of 8, rooted at o/A
 * (two children, as x/F; the lower row wins).  Depth 0: A, F; 1: B, C, G;
 * 2: D (adapter), E (quantized), H (merge from F and C). */
static void check_docs_family(const hv_sci_view *v) {
    sci_docdrift_opts o = {SCI_REL_ALL, true, sci_find(v, hv_sv_cstr("o/B"))};
    sci_docdrift d;
    hv_err e;
    cr_assert_eq(sci_docdrift_run(v, &o, &d, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(d.overall.edges, 7);
    cr_assert(hv_sv_eq_cstr(sci_id(v, d.family_root), "o/A"));
    cr_assert_eq(d.family_size, 8);
    cr_assert_eq(d.family_depth, 2);
    cr_assert_eq(d.family_in_cycles, 0);
    const sci_genprofile *p = d.profile;
    /* depth 0: A (en fr, 1000 chars), F (en, 50 chars) */
    cr_assert_eq(p[0].models, 2);
    for (int r = 0; r < HV_REL_COUNT; r++) cr_assert_eq(p[0].incoming[r], 0);
    cr_assert_eq(p[0].english_only, 1);
    cr_assert_eq(p[0].with_card, 2);
    cr_assert_eq(p[0].auto_generated, 0);
    NEAR(p[0].card_chars_sum / (double)p[0].with_card, 525.0);
    /* depth 1: B (en, 400, auto), C (en fr de, 200), G (en, 10): all fine-tunes */
    cr_assert_eq(p[1].models, 3);
    cr_assert_eq(p[1].incoming[HV_REL_FINETUNE], 3);
    cr_assert_eq(p[1].incoming[HV_REL_ADAPTER] + p[1].incoming[HV_REL_QUANTIZED] + p[1].incoming[HV_REL_MERGE], 0);
    cr_assert_eq(p[1].english_only, 2);
    cr_assert_eq(p[1].with_card, 3);
    cr_assert_eq(p[1].auto_generated, 1);
    NEAR(p[1].card_chars_sum / (double)p[1].with_card, 610.0 / 3.0);
    /* depth 2: D (adapter, no card), E (quantized, de, 100, auto), H (merge, no card) */
    cr_assert_eq(p[2].models, 3);
    cr_assert_eq(p[2].incoming[HV_REL_ADAPTER], 1);
    cr_assert_eq(p[2].incoming[HV_REL_QUANTIZED], 1);
    cr_assert_eq(p[2].incoming[HV_REL_MERGE], 1);
    cr_assert_eq(p[2].incoming[HV_REL_FINETUNE], 0);
    cr_assert_eq(p[2].english_only, 0);
    cr_assert_eq(p[2].with_card, 1);
    cr_assert_eq(p[2].auto_generated, 1);
    NEAR(p[2].card_chars_sum, 100.0);
    sci_docdrift_free(&d);

    /* without merges the family of x/G is F -> G only */
    o.mask = SCI_REL_NOMERGE;
    o.family_row = sci_find(v, hv_sv_cstr("x/G"));
    cr_assert_eq(sci_docdrift_run(v, &o, &d, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(d.overall.edges, 1);
    cr_assert(hv_sv_eq_cstr(sci_id(v, d.family_root), "x/F"));
    cr_assert_eq(d.family_size, 2);
    cr_assert_eq(d.family_depth, 1);
    cr_assert_eq(d.profile[0].models, 1);
    cr_assert_eq(d.profile[1].models, 1);
    cr_assert_eq(d.profile[1].incoming[HV_REL_FINETUNE], 1);
    cr_assert_eq(d.profile[1].english_only, 1);
    NEAR(d.profile[1].card_chars_sum, 10.0);
    sci_docdrift_free(&d);

    /* a model without relatives: a family of one at depth 0, no edges */
    o.family_row = sci_find(v, hv_sv_cstr("s/S"));
    cr_assert_eq(sci_docdrift_run(v, &o, &d, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(d.overall.edges, 0);
    cr_assert_eq(d.family_size, 1);
    cr_assert_eq(d.family_depth, 0);
    cr_assert_eq(d.profile[0].models, 1);
    cr_assert_eq(d.profile[0].with_card, 0);
    sci_docdrift_free(&d);
}

Test(science, on_the_catalog) {
    hv_sci_view v;
    sci_view_from_catalog(cat, &v);
    check_families(&v);
    check_drift(&v);
    check_license(&v);
    check_docs(&v);
    check_docs_family(&v);
}

Test(science, on_the_map_written_from_it) {
    hv_err e;
    hv_lineage l;
    cr_assert_eq(lineage_build(cat, HV_LINEAGE_DEFAULT_MASK, &l, &e), HV_OK);
    char path[64];
    snprintf(path, sizeof path, "/tmp/hv_sci_test_%d.map", (int)getpid());
    hv_map_parts parts = {.catalog = cat, .depth = l.depth, .root = l.root, .family = l.family,
                          .nfamilies = l.nfamilies, .family_size = l.family_size, .family_root = l.family_root,
                          .lineage_mask = l.mask};
    cr_assert_eq(map_write(path, &parts, &e), HV_OK, "%s", e.msg);
    lineage_free(&l);
    hv_map m;
    cr_assert_eq(map_open(path, true, &m, &e), HV_OK, "%s", e.msg);
    unlink(path);
    hv_sci_view v;
    sci_view_from_map(&m, &v);
    /* string ids of the map are the catalog's, so sid() still applies */
    check_families(&v);
    check_drift(&v);
    check_license(&v);
    check_docs(&v);
    check_docs_family(&v);
    map_close(&m);
}

Test(science, relations_months_and_classes) {
    unsigned mask;
    hv_err e;
    cr_assert_eq(sci_relations_parse("finetune,untyped", &mask, &e), HV_OK);
    cr_assert_eq(mask, (1u << HV_REL_FINETUNE) | (1u << HV_REL_BASE));
    cr_assert_eq(sci_relations_parse("nomerge", &mask, &e), HV_OK);
    cr_assert_eq(mask, SCI_REL_NOMERGE);
    cr_assert_eq(sci_relations_parse("finetune,bogus", &mask, &e), HV_EUSAGE);
    cr_assert(strstr(e.msg, "bogus"));
    char name[96];
    sci_relations_name(SCI_REL_NOMERGE, name, sizeof name);
    cr_assert_str_eq(name, "finetune+adapter+quantized+untyped");
    cr_assert_eq(sci_month_of(0), 1970 * 12);
    cr_assert_eq(sci_month_of(day(2024, 2, 29) + 86399), 2024 * 12 + 1);
    cr_assert_eq(sci_month_of(day(2024, 3, 1)), 2024 * 12 + 2);
    cr_assert_eq(sci_month_of(-1), 1969 * 12 + 11);
    char t[24];
    sci_month_text(2025 * 12 + 6, t);
    cr_assert_str_eq(t, "2025-07");
    cr_assert_eq(sci_license_class(hv_sv_cstr("cc-by-nc-sa-4.0")), SCI_LIC_NONCOMMERCIAL);
    cr_assert_eq(sci_license_class(hv_sv_cstr("llama3.1")), SCI_LIC_COMMERCIAL);
    cr_assert_eq(sci_license_class(hv_sv_cstr("Apache-2.0")), SCI_LIC_PERMISSIVE);
    cr_assert_eq(sci_license_class(hv_sv_cstr("cc-by-sa-4.0")), SCI_LIC_COPYLEFT);
    cr_assert_eq(sci_license_class(hv_sv_cstr("cc-by-4.0")), SCI_LIC_PERMISSIVE);
    cr_assert_eq(sci_license_class(hv_sv_cstr("creativeml-openrail-m")), SCI_LIC_USE_RESTRICTED);
    cr_assert_eq(sci_license_class(hv_sv_cstr("other")), SCI_LIC_UNCLASSIFIED);
    cr_assert_eq(sci_trait_parse("pipeline_tag"), SCI_TRAIT_TASK);
    cr_assert_eq(sci_trait_parse("nope"), SCI_TRAIT_COUNT);
}

/* ---- similarity ---------------------------------------------------------- */
#include "science/similarity.h"
#include "science/simtext.h"

static uint64_t lev_naive(const uint32_t *a, size_t m, const uint32_t *b, size_t n) {
    uint64_t *prev = malloc((n + 1) * sizeof *prev), *cur = malloc((n + 1) * sizeof *cur);
    for (size_t j = 0; j <= n; j++) prev[j] = j;
    for (size_t i = 1; i <= m; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= n; j++) {
            uint64_t d = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < d) d = prev[j] + 1;
            if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
            cur[j] = d;
        }
        uint64_t *t = prev; prev = cur; cur = t;
    }
    uint64_t r = prev[n];
    free(prev);
    free(cur);
    return r;
}

Test(science, levenshtein_matches_the_textbook_dp) {
    static const char *const ALPHA[] = {"a", "b", "c", "\xC3\xA9", "\xE2\x82\xAC", "{", "'"}; /* é, € */
    uint64_t s = 12345;
    for (int trial = 0; trial < 400; trial++) {
        char a[1200], b[1200];
        uint32_t ca[300], cb[300];
        size_t na = 0, nb = 0, la = 0, lb = 0;
        size_t m = (size_t)(trial % 7 == 0 ? 0 : (trial * 37) % 230), n = (size_t)((trial * 53) % 210);
        for (size_t i = 0; i < m; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            const char *c = ALPHA[(s >> 33) % (trial % 2 ? 3 : 7)];
            size_t len = strlen(c);
            memcpy(a + la, c, len);
            la += len;
            ca[na++] = (uint32_t)(c - ALPHA[0]) + (uint32_t)(unsigned char)c[0] * 1000u + (uint32_t)len;
        }
        for (size_t i = 0; i < n; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            const char *c = ALPHA[(s >> 33) % (trial % 2 ? 3 : 7)];
            size_t len = strlen(c);
            memcpy(b + lb, c, len);
            lb += len;
            cb[nb++] = (uint32_t)(c - ALPHA[0]) + (uint32_t)(unsigned char)c[0] * 1000u + (uint32_t)len;
        }
        uint64_t want = lev_naive(ca, na, cb, nb);
        cr_assert_eq(sci_levenshtein(hv_sv_make(a, la), hv_sv_make(b, lb)), want, "trial %d (m=%zu n=%zu)", trial, m, n);
    }
    cr_assert_eq(sci_levenshtein(hv_sv_cstr("kitten"), hv_sv_cstr("sitting")), 3);
    NEAR(sci_lev_similarity(hv_sv_cstr("kitten"), hv_sv_cstr("sitting")), 1.0 - 3.0 / 7.0);
    NEAR(sci_lev_similarity(hv_sv_cstr(""), hv_sv_cstr("")), 1.0);
    NEAR(sci_lev_similarity(hv_sv_cstr(""), hv_sv_cstr("ab")), 0.0);
    NEAR(sci_lev_similarity(hv_sv_cstr("\xC3\xA9t\xC3\xA9"), hv_sv_cstr("ete")), 1.0 - 2.0 / 3.0);
}

Test(science, vocabulary_and_cosines) {
    sci_vocab v;
    cr_assert_eq(sci_vocab_init(&v), 0);
    cr_assert_eq(sci_vocab_add(&v, hv_sv_cstr("Hello, world! a")), 0);
    cr_assert_eq(sci_vocab_add(&v, hv_sv_cstr("hello HELLO there")), 0);
    cr_assert_eq(sci_vocab_finish(&v), 0);
    /* hello 3; then count 1 by name: "hello hello", "hello there", "hello world", there, world */
    cr_assert_eq(v.nfeat, 6, "single-character tokens are not tokens");
    cr_assert(hv_sv_eq_cstr(strpool_get(v.terms, v.feat_term[0]), "hello"));
    cr_assert(hv_sv_eq_cstr(strpool_get(v.terms, v.feat_term[1]), "hello hello"));
    cr_assert(hv_sv_eq_cstr(strpool_get(v.terms, v.feat_term[5]), "world"));
    NEAR(v.idf[0], 1.0);
    double L = 1.0 + log(1.5);
    NEAR(v.idf[5], L);
    sci_vec a, b;
    cr_assert_eq(sci_vectorize(&v, hv_sv_cstr("Hello world"), &a), 0);
    cr_assert_eq(sci_vectorize(&v, hv_sv_cstr("hello hello there"), &b), 0);
    cr_assert_eq(a.n, 3);
    cr_assert_eq(b.n, 4);
    NEAR(sci_cos_bow(&a, &b), 2.0 / sqrt(21.0));
    NEAR(sci_cos_tfidf(&v, &a, &b), 2.0 / sqrt((1 + 2 * L * L) * (4 + 3 * L * L)));
    sci_vec z;
    cr_assert_eq(sci_vectorize(&v, hv_sv_cstr("nothing known"), &z), 0);
    NEAR(sci_cos_bow(&a, &z), 0.0);
    sci_vocab_free(&v);
    double lo, hi, x[5] = {0.5, 0.5, 0.5, 0.5, 0.5};
    sci_bootstrap_ci(x, 5, 100, 1, &lo, &hi);
    NEAR(lo, 0.5);
    NEAR(hi, 0.5);
    double y[2] = {0.0, 1.0};
    sci_bootstrap_ci(y, 2, 4000, 7, &lo, &hi);
    NEAR(lo, 0.0);
    NEAR(hi, 1.0);
}

Test(science, metadata_text) {
    hv_sci_view v;
    sci_view_from_catalog(cat, &v);
    hv_buf b = {0};
    cr_assert_eq(sci_meta_text(&v, row("o/B"), false, &b), 0);
    cr_assert_eq(hv_buf_putc(&b, '\0'), 0);
    cr_assert_str_eq(b.p,
                     "{'id': 'o/B', 'likes': 0, 'trendingScore': 0, 'private': False, 'downloads': 0, 'tags': "
                     "['license:apache-2.0', 'en', 'base_model:finetune:o/A'], 'pipeline_tag': 'text-classification', "
                     "'library_name': 'transformers', 'createdAt': '2024-03-02T00:00:00.000Z', 'modelId': 'o/B'}");
    cr_assert_eq(sci_meta_text(&v, row("o/B"), true, &b), 0);
    cr_assert_eq(hv_buf_putc(&b, '\0'), 0);
    cr_assert_str_eq(b.p,
                     "{'id': '', 'likes': 0, 'trendingScore': 0, 'private': False, 'downloads': 0, 'tags': "
                     "['license:apache-2.0', 'en'], 'pipeline_tag': 'text-classification', "
                     "'library_name': 'transformers', 'createdAt': '2024-03-02T00:00:00.000Z', 'modelId': ''}");
    hv_buf_free(&b);
}

static double lev_rows(const hv_sci_view *v, const char *x, const char *y) {
    hv_buf a = {0}, b = {0};
    sci_meta_text(v, row(x), false, &a);
    sci_meta_text(v, row(y), false, &b);
    double s = sci_lev_similarity(hv_sv_make(a.p, a.n), hv_sv_make(b.p, b.n));
    hv_buf_free(&a);
    hv_buf_free(&b);
    return s;
}

Test(science, samplers_multiplicities_and_uniformity) {
    hv_sci_view v;
    sci_view_from_catalog(cat, &v);
    sci_similarity_opts o;
    sci_similarity_defaults(&o);
    o.mask = SCI_REL_ALL;
    o.samples = 20000;
    o.bootstrap = 200;
    sci_similarity *s = malloc(sizeof *s);
    hv_err e;
    cr_assert_eq(sci_similarity_run(&v, &o, s, &e), HV_OK, "%s", e.msg);
    /* all 7 edges: outdeg A 2, B 1, C 2 (E, H), F 2 (G, H) */
    cr_assert_eq(s->instances[0], 36, "C(9,2)");
    cr_assert_eq(s->instances[1], 7);
    cr_assert_eq(s->instances[2], 3, "A, C, F: C(2,2) each");
    cr_assert_eq(s->instances[3], 3, "A->B (B has D) 1 + A->C (C has E, H) 2");
    cr_assert_eq(s->instances[4], 0);
    cr_assert_eq(s->instances[5], 1, "A->C, C(2,2)");
    cr_assert_eq(s->instances[6], 3, "A->B: 1 x 1, A->C: 2 x 1");
    cr_assert_eq(s->instances[7], 0, "no chain of three edges");
    cr_assert_eq(s->drawn[7], 0);
    cr_assert_eq(s->pairs[8], 0);
    cr_assert_eq(s->stat[8][0].n, 0);
    cr_assert_eq(s->pairs[1], 20000);
    /* duo: uniform over the 7 edges */
    double duo = (lev_rows(&v, "o/A", "o/B") + lev_rows(&v, "o/A", "o/C") + lev_rows(&v, "o/B", "o/D") +
                  lev_rows(&v, "o/C", "o/E") + lev_rows(&v, "x/F", "x/G") + lev_rows(&v, "x/F", "x/H") +
                  lev_rows(&v, "o/C", "x/H")) / 7.0;
    cr_assert(fabs(s->stat[1][0].mean - duo) < 0.01, "duo mean %f, edges %f", s->stat[1][0].mean, duo);
    cr_assert(s->stat[1][0].lo <= s->stat[1][0].mean && s->stat[1][0].mean <= s->stat[1][0].hi);
    /* quad_2 config 2 (uncle-nephew): (D, C), (E, B), (H, B), each instance equally likely */
    double un = (lev_rows(&v, "o/D", "o/C") + lev_rows(&v, "o/E", "o/B") + lev_rows(&v, "x/H", "o/B")) / 3.0;
    cr_assert(fabs(s->stat[14][0].mean - un) < 0.01, "uncle-nephew %f, want %f", s->stat[14][0].mean, un);
    /* trio_1 config 2 (siblings): {B,C}, {E,H}, {G,H} */
    double sib = (lev_rows(&v, "o/B", "o/C") + lev_rows(&v, "o/E", "x/H") + lev_rows(&v, "x/G", "x/H")) / 3.0;
    cr_assert(fabs(s->stat[3][0].mean - sib) < 0.01, "siblings %f, want %f", s->stat[3][0].mean, sib);
    /* the same seed gives the same numbers */
    sci_similarity *t = malloc(sizeof *t);
    cr_assert_eq(sci_similarity_run(&v, &o, t, &e), HV_OK);
    cr_assert_eq(memcmp(s->stat, t->stat, sizeof s->stat), 0);
    /* the card artifact without card text is a usage error */
    o.artifact = SCI_ART_CARD;
    cr_assert_eq(sci_similarity_run(&v, &o, t, &e), HV_EUSAGE);
    free(s);
    free(t);
}

/* ---- diff -------------------------------------------------------------------- */
#include "science/diff.h"

static void check_diff(const char *x, const char *y) {
    hv_sv a = hv_sv_cstr(x), b = hv_sv_cstr(y);
    sci_diff d;
    hv_err e;
    cr_assert_eq(sci_diff_run(a, b, &d, &e), HV_OK);
    cr_assert_eq(d.distance, sci_levenshtein(a, b), "%s / %s", x, y);
    char ra[512] = "", rb[512] = "";
    uint64_t cost = 0;
    for (size_t i = 0; i < d.nsegs; i++) {
        const sci_diff_seg *s = &d.segs[i];
        if (i) cr_assert_neq(s->op, d.segs[i - 1].op, "segments are merged");
        strncat(ra, a.p + s->a_off, s->a_len);
        strncat(rb, b.p + s->b_off, s->b_len);
        size_t ca = 0, cb = 0;
        for (size_t k = 0; k < s->a_len; k++) ca += ((unsigned char)a.p[s->a_off + k] & 0xC0) != 0x80;
        for (size_t k = 0; k < s->b_len; k++) cb += ((unsigned char)b.p[s->b_off + k] & 0xC0) != 0x80;
        if (s->op == SCI_SEG_EQUAL) cr_assert(s->a_len == s->b_len && !memcmp(a.p + s->a_off, b.p + s->b_off, s->a_len));
        if (s->op == SCI_SEG_REPLACE) cr_assert_eq(ca, cb);
        if (s->op == SCI_SEG_DELETE) cr_assert_eq(cb, 0);
        if (s->op == SCI_SEG_INSERT) cr_assert_eq(ca, 0);
        cost += s->op == SCI_SEG_EQUAL ? 0 : s->op == SCI_SEG_INSERT ? cb : ca;
    }
    cr_assert_str_eq(ra, x, "the a parts rebuild a");
    cr_assert_str_eq(rb, y, "the b parts rebuild b");
    cr_assert_eq(cost, d.distance, "the segments cost the distance");
    sci_diff_free(&d);
}

Test(science, diff_segments) {
    check_diff("kitten", "sitting");
    check_diff("", "abc");
    check_diff("abc", "");
    check_diff("", "");
    check_diff("{'id': 'Qwen/Qwen1.5-72B'}", "{'id': 'abideen/MegaQwen-120B'}");
    check_diff("caf\xC3\xA9 cr\xC3\xA8me", "cafe creme br\xC3\xBBl\xC3\xA9" "e");
    sci_diff d;
    hv_err e;
    cr_assert_eq(sci_diff_run(hv_sv_cstr("kitten"), hv_sv_cstr("sitting"), &d, &e), HV_OK);
    /* k~s itt e~i n +g */
    cr_assert_eq(d.nsegs, 5);
    cr_assert_eq(d.segs[0].op, SCI_SEG_REPLACE);
    cr_assert_eq(d.segs[1].op, SCI_SEG_EQUAL);
    cr_assert_eq(d.segs[1].a_len, 3);
    cr_assert_eq(d.segs[2].op, SCI_SEG_REPLACE);
    cr_assert_eq(d.segs[3].op, SCI_SEG_EQUAL);
    cr_assert_eq(d.segs[4].op, SCI_SEG_INSERT);
    sci_diff_free(&d);
    char *big = malloc(SCI_DIFF_MAX + 2);
    memset(big, 'x', SCI_DIFF_MAX + 1);
    big[SCI_DIFF_MAX + 1] = '\0';
    cr_assert_eq(sci_diff_run(hv_sv_cstr(big), hv_sv_cstr("x"), &d, &e), HV_EUSAGE);
    free(big);
    cr_assert_eq(sci_prefix_bytes(hv_sv_cstr("\xC3\xA9t\xC3\xA9"), 2), 3);
}
