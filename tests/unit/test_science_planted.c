/* test_science_planted.c - the analyses recover effects planted in
 * synthetic data (hfviz synth --plant-*, docs/science.md "Planted effects").
 *
 * Each test writes a CSV with one plant, reads it back through the normal
 * ingest (load_inputs, as `hfviz analyze` does), runs the analysis and
 * compares what it measures with what was planted:
 *   - license mutation P over >= 5,000 non-merge edges: the mutation rate
 *     is P +- 0.03 (binomial sd <= 0.007 there, so > 4 sd);
 *   - drift A -> B with probability P: of the non-merge edges from an A
 *     parent, the share behind the transition A -> B is P +- 0.05 (~1,400
 *     edges: sd ~0.013); A -> B is the heaviest transition, at least ten
 *     times its reverse, and the optimal ordering puts A before B;
 *   - card gap G: on the cards with the front matter dropped, the mean
 *     Levenshtein similarity of every sibling configuration minus that of
 *     every parent-child configuration is k/512 (k = round(512 G)) +- 0.01,
 *     random and parent-child pairs sit at 64/512 +- 0.01, and the bag of
 *     words and TF-IDF measures put siblings above parent and child.
 * Seeds are fixed, so the numbers are the same on every run; the
 * tolerances say what any seed would pass. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/cardstore.h"
#include "ingest/load.h"
#include "science/drift.h"
#include "science/similarity.h"
#include "synth/synth.h"

static char csv_path[96], cards_path[96];
static hv_load ld;
static hv_sci_view view;
static hv_cardstore *cards;

static void generate(uint64_t rows, uint64_t seed, bool with_cards, const hv_synth_plant *plant) {
    snprintf(csv_path, sizeof csv_path, "/tmp/hv_planted_%d.csv", (int)getpid());
    snprintf(cards_path, sizeof cards_path, "/tmp/hv_planted_%d.cards", (int)getpid());
    hv_synth_write_opts o = {.gen = {.rows = rows, .seed = seed, .cards = with_cards, .plant = *plant},
                             .format = HV_SYNTH_CSV};
    hv_err e = {0, ""};
    hv_synth_stats st;
    cr_assert_eq(synth_write_file(&o, csv_path, &st, &e), HV_OK, "synth: %s", e.msg);
    char *paths[1] = {csv_path};
    hv_ingest_opts io = {0};
    cr_assert_eq(load_inputs(paths, 1, &io, with_cards ? cards_path : NULL, &ld, &e), HV_OK, "load: %s", e.msg);
    sci_view_from_catalog(ld.catalog, &view);
    cards = NULL;
    if (with_cards) {
        cards = cardstore_open(cards_path, &e);
        cr_assert_not_null(cards, "cards: %s", e.msg);
    }
}

static void release(void) {
    cardstore_close_reader(cards);
    cards = NULL;
    load_free(&ld);
    unlink(csv_path);
    unlink(cards_path);
}

/* ---- license mutation ------------------------------------------------------ */

static void mutation_case(double p, uint64_t seed) {
    hv_synth_plant plant = {.license_mutation = true, .mutation_p = p};
    generate(30000, seed, false, &plant);
    sci_drift_opts o;
    sci_drift_defaults(&o);
    o.trait = SCI_TRAIT_LICENSE;
    o.mask = SCI_REL_NOMERGE;
    sci_drift d;
    hv_err e = {0, ""};
    cr_assert_eq(sci_drift_run(&view, &o, &d, &e), HV_OK, "%s", e.msg);
    printf("planted license mutation %.2f: measured %.4f over %llu edges\n", p, d.mutation_rate,
           (unsigned long long)d.traffic);
    cr_assert_geq(d.traffic, 5000, "only %llu edges carry a license at both ends", (unsigned long long)d.traffic);
    cr_assert(fabs(d.mutation_rate - p) <= 0.03, "planted mutation rate %.3f, measured %.4f over %llu edges", p,
              d.mutation_rate, (unsigned long long)d.traffic);
    sci_drift_free(&d);
    release();
}

Test(planted, license_mutation_rate) {
    mutation_case(0.30, 5);
    mutation_case(0.10, 6);
    mutation_case(0.60, 7);
}

/* ---- drift direction --------------------------------------------------------- */

static bool has_value(const hv_sci_view *v, uint32_t row, uint32_t sid) {
    uint32_t tmp[1], n;
    const uint32_t *it = sci_trait_items(v, SCI_TRAIT_LICENSE, row, tmp, &n);
    for (uint32_t i = 0; i < n; i++)
        if (it[i] == sid) return true;
    return false;
}

Test(planted, drift_direction) {
    const double P = 0.4;
    hv_synth_plant plant = {.drift = true, .drift_from = "apache-2.0", .drift_to = "cc-by-nc-4.0", .drift_p = P};
    generate(30000, 8, false, &plant);
    uint32_t A = sci_trait_find(&view, SCI_TRAIT_LICENSE, hv_sv_cstr("apache-2.0"));
    uint32_t B = sci_trait_find(&view, SCI_TRAIT_LICENSE, hv_sv_cstr("cc-by-nc-4.0"));
    cr_assert(A && B);
    /* edges of an A parent whose child states a license */
    uint64_t from_a = 0;
    for (uint64_t k = 0; k < view.nedges; k++) {
        const hv_edge *ed = &view.edges[k];
        if (!((SCI_REL_NOMERGE >> ed->type) & 1u) || !has_value(&view, ed->parent, A)) continue;
        uint32_t tmp[1], n;
        sci_trait_items(&view, SCI_TRAIT_LICENSE, ed->child, tmp, &n);
        from_a += n > 0;
    }
    uint64_t idx[1];
    size_t nidx;
    uint64_t to_b;
    hv_err e = {0, ""};
    cr_assert_eq(sci_drift_pairs(&view, SCI_TRAIT_LICENSE, SCI_REL_NOMERGE, A, B, idx, 1, &nidx, &to_b, &e), HV_OK);
    double share = (double)to_b / (double)from_a;
    printf("planted drift apache-2.0 -> cc-by-nc-4.0 at %.2f: measured %.4f (%llu of %llu edges)\n", P, share,
           (unsigned long long)to_b, (unsigned long long)from_a);
    cr_assert_geq(from_a, 1000);
    cr_assert(fabs(share - P) <= 0.05, "planted %.2f, measured %.4f", P, share);

    sci_drift_opts o;
    sci_drift_defaults(&o);
    o.trait = SCI_TRAIT_LICENSE;
    o.mask = SCI_REL_NOMERGE;
    sci_drift d;
    cr_assert_eq(sci_drift_run(&view, &o, &d, &e), HV_OK, "%s", e.msg);
    cr_assert(d.ntransitions > 0);
    const sci_transition *top = &d.transitions[0];
    cr_assert(top->from == A && top->to == B, "the heaviest transition is not apache-2.0 -> cc-by-nc-4.0");
    cr_assert_geq(top->w, 10 * top->w_back, "A -> B %llu, B -> A %llu", (unsigned long long)top->w,
                  (unsigned long long)top->w_back);
    cr_assert_eq(top->w, 2 * to_b, "a single-valued change counts twice (docs/science.md)");
    int pa = -1, pb = -1;
    for (uint32_t k = 0; k < d.ntop; k++) {
        if (d.top[d.weighted.order[k]] == A) pa = (int)k;
        if (d.top[d.weighted.order[k]] == B) pb = (int)k;
    }
    cr_assert(pa >= 0 && pb >= 0 && pa < pb, "weighted ordering: apache-2.0 at %d, cc-by-nc-4.0 at %d", pa, pb);
    sci_drift_free(&d);
    release();
}

/* ---- sibling / parent-child card gap ------------------------------------------ */

static void gap_case(double G, uint64_t seed) {
    hv_synth_plant plant = {.card_gap = true, .gap = G};
    generate(4000, seed, true, &plant);
    sci_similarity_opts o;
    sci_similarity_defaults(&o);
    o.artifact = SCI_ART_CARD;
    o.drop_frontmatter = true;
    o.samples = 400;
    o.bootstrap = 100;
    o.cards = cards;
    sci_similarity *s = malloc(sizeof *s);
    cr_assert_not_null(s);
    hv_err e = {0, ""};
    cr_assert_eq(sci_similarity_run(&view, &o, s, &e), HV_OK, "%s", e.msg);
    double sum[2][SCI_SIM_MEASURES] = {{0}};
    int cnt[2] = {0};
    for (int c = 0; c < SCI_SIM_CONFIGS; c++) {
        const char *rel = SCI_SIM_TABLE[c].relation;
        int k = !strcmp(rel, "siblings") ? 0 : !strcmp(rel, "parent-child") ? 1 : -1;
        if (!strcmp(rel, "random pair") || !strcmp(rel, "parent-child"))
            cr_assert(fabs(s->stat[c][0].mean - 64.0 / 512) <= 0.01, "%s #%d: Levenshtein %.4f, want 0.125",
                      SCI_SIM_TABLE[c].pattern, SCI_SIM_TABLE[c].config, s->stat[c][0].mean);
        if (k < 0) continue;
        cr_assert_geq(s->pairs[c], 100, "%s #%d: %llu pairs", SCI_SIM_TABLE[c].pattern, SCI_SIM_TABLE[c].config,
                      (unsigned long long)s->pairs[c]);
        for (int m = 0; m < SCI_SIM_MEASURES; m++) sum[k][m] += s->stat[c][m].mean;
        cnt[k]++;
    }
    cr_assert(cnt[0] == 4 && cnt[1] == 12);
    double want = round(G * 512) / 512, gap[SCI_SIM_MEASURES];
    for (int m = 0; m < SCI_SIM_MEASURES; m++) gap[m] = sum[0][m] / cnt[0] - sum[1][m] / cnt[1];
    printf("planted card gap %.3f (k/512 = %.4f): Levenshtein %.4f, bag of words %.3f, tf-idf %.3f\n", G, want,
           gap[0], gap[1], gap[2]);
    cr_assert(fabs(gap[0] - want) <= 0.01, "planted gap %.4f, measured %.4f", want, gap[0]);
    cr_assert(fabs(gap[0] - G) <= 0.011);
    if (G > 0) cr_assert(gap[1] > 0 && gap[2] > 0, "bag of words %.3f, tf-idf %.3f", gap[1], gap[2]);
    free(s);
    release();
}

Test(planted, sibling_card_gap, .timeout = 300) {
    gap_case(0.30, 9);
    gap_case(0.10, 10);
    gap_case(0.0, 11);
}

/* ---- a plant changes only what it plants --------------------------------------- */

Test(planted, plants_leave_the_rest) {
    hv_synth_opts a = {.rows = 4000, .seed = 12, .cards = false};
    hv_synth_opts b = a;
    b.plant.license_mutation = true;
    b.plant.mutation_p = 0.5;
    hv_err e = {0, ""};
    hv_synth_gen *ga = synth_gen_new(&a, &e), *gb = synth_gen_new(&b, &e);
    cr_assert(ga && gb);
    hv_synth_row ra, rb;
    bool ma, mb;
    uint64_t changed = 0;
    for (;;) {
        cr_assert_eq(synth_gen_next(ga, &ra, &ma, &e), HV_OK);
        cr_assert_eq(synth_gen_next(gb, &rb, &mb, &e), HV_OK);
        cr_assert_eq(ma, mb);
        if (!ma) break;
        for (int c = 0; c < HV_SYNTH_NCOLS; c++) {
            if (c == HV_SC_LICENSES || c == HV_SC_TAGS) continue; /* tags carry license:X */
            cr_assert_eq(ra.cell[c].null, rb.cell[c].null);
            cr_assert(ra.cell[c].i == rb.cell[c].i && ra.cell[c].d == rb.cell[c].d && ra.cell[c].b == rb.cell[c].b,
                      "row %llu column %s differs", (unsigned long long)ra.index, hv_synth_columns[c].name);
            cr_assert(hv_sv_eq(ra.cell[c].s, rb.cell[c].s), "row %llu column %s differs",
                      (unsigned long long)ra.index, hv_synth_columns[c].name);
        }
        changed += !hv_sv_eq(ra.cell[HV_SC_LICENSES].s, rb.cell[HV_SC_LICENSES].s);
        if (!hv_sv_eq(ra.cell[HV_SC_LICENSES].s, rb.cell[HV_SC_LICENSES].s))
            cr_assert_geq(ra.facts.n_parents_in_file, 1, "a row without an in-file parent changed its license");
    }
    cr_assert_gt(changed, 100);
    synth_gen_free(ga);
    synth_gen_free(gb);
    /* bad plants are usage errors */
    hv_synth_opts c = a;
    c.plant.drift = true;
    c.plant.drift_from = "apache-2.0";
    c.plant.drift_to = "no-such-license";
    c.plant.drift_p = 0.5;
    cr_assert_null(synth_gen_new(&c, &e));
    cr_assert_eq(e.code, HV_EUSAGE);
    c = a;
    c.plant.card_gap = true;
    c.plant.gap = 0.3; /* without cards */
    cr_assert_null(synth_gen_new(&c, &e));
    c.cards = true;
    c.plant.gap = 0.9;
    cr_assert_null(synth_gen_new(&c, &e));
}
