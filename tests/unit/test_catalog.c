/* test_catalog.c - the catalog: derived columns, duplicates, parents,
 * typed edges, card facts and front matter, validation. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/facets.h"
#include "ingest/fields.h"

static hv_record rec;

static void fresh(const char *id) {
    record_reset(&rec);
    rec.model_id = hv_sv_cstr(id);
}

static void tag(const char *t) { cr_assert_eq(hv_svlist_push(&rec.tags, hv_sv_cstr(t)), 0); }

static void add(hv_catalog *c) {
    hv_err e = {0, ""};
    int rc = catalog_add(c, &rec, &e);
    cr_assert_eq(rc, HV_OK, "catalog_add: %s", e.msg);
}

static bool has_str(const hv_catalog *c, const hv_csr *l, uint32_t row, const char *s) {
    for (uint64_t i = l->off[row]; i < l->off[row + 1]; i++)
        if (hv_sv_eq_cstr(catalog_str(c, l->val[i]), s)) return true;
    return false;
}

static void teardown(void) { record_free(&rec); }

TestSuite(catalog, .fini = teardown);

Test(catalog, tags_split_into_derived_columns) {
    hv_catalog *c = catalog_new();
    fresh("org/model");
    tag("license:apache-2.0");
    tag("en");
    tag("fr");
    tag("t5"); /* not an ISO 639-1 code */
    tag("dataset:squad");
    tag("arxiv:1910.09700");
    tag("region:us");
    tag("base_model:meta/base");
    tag("base_model:finetune:meta/base");
    add(c);
    hv_err e;
    cr_assert_eq(catalog_finish(c, &e), HV_OK);
    cr_assert_eq(c->n, 1);
    cr_assert(has_str(c, &c->licenses, 0, "apache-2.0"));
    cr_assert(has_str(c, &c->languages, 0, "English"));
    cr_assert(has_str(c, &c->languages, 0, "French"));
    cr_assert_eq(csr_len(&c->languages, 0), 2);
    cr_assert(has_str(c, &c->datasets, 0, "squad"));
    cr_assert(has_str(c, &c->arxiv, 0, "1910.09700"));
    cr_assert(has_str(c, &c->regions, 0, "us"));
    cr_assert_eq(csr_len(&c->parents[HV_REL_BASE], 0), 1);
    cr_assert_eq(csr_len(&c->parents[HV_REL_FINETUNE], 0), 1);
    cr_assert_eq(c->external_parents[HV_REL_FINETUNE], 1, "the parent is not a row: external");
    cr_assert_eq(c->nedges, 0);
    cr_assert(hv_sv_eq_cstr(catalog_str(c, c->author[0]), "org"), "author comes from the id");
    catalog_free(c);
}

Test(catalog, last_duplicate_wins_and_is_counted) {
    hv_catalog *c = catalog_new();
    fresh("a/x");
    rec.downloads = 1;
    rec.has |= HV_HAS_DOWNLOADS;
    add(c);
    fresh("b/y");
    add(c);
    fresh("a/x");
    rec.downloads = 7;
    rec.has |= HV_HAS_DOWNLOADS;
    tag("license:mit");
    add(c);
    hv_err e;
    cr_assert_eq(catalog_finish(c, &e), HV_OK);
    cr_assert_eq(c->n, 2);
    cr_assert_eq(c->duplicates, 1);
    uint32_t r = catalog_find(c, hv_sv_cstr("a/x"));
    cr_assert_neq(r, HV_NO_ROW);
    cr_assert_eq(c->downloads[r], 7);
    cr_assert(has_str(c, &c->licenses, r, "mit"));
    cr_assert_eq(catalog_find(c, hv_sv_cstr("b/y")), 0, "row order follows first arrival of survivors");
    catalog_free(c);
}

Test(catalog, edges_typed_by_last_match_and_children_indexed) {
    hv_catalog *c = catalog_new();
    fresh("base/m");
    add(c);
    fresh("other/m");
    add(c);
    fresh("kid/ft");
    tag("base_model:base/m");
    tag("base_model:finetune:base/m");
    add(c);
    fresh("kid/merge");
    tag("base_model:finetune:base/m");
    tag("base_model:merge:base/m");
    tag("base_model:merge:other/m");
    tag("base_model:merge:gone/deleted");
    add(c);
    fresh("kid/untyped");
    tag("base_model:kid/ft");
    add(c);
    fresh("self/loop");
    tag("base_model:adapter:self/loop");
    add(c);
    hv_err e;
    cr_assert_eq(catalog_finish(c, &e), HV_OK);
    cr_assert_eq(c->nedges, 4);
    uint32_t ft = catalog_find(c, hv_sv_cstr("kid/ft")), mg = catalog_find(c, hv_sv_cstr("kid/merge"));
    uint32_t un = catalog_find(c, hv_sv_cstr("kid/untyped")), base = catalog_find(c, hv_sv_cstr("base/m"));
    cr_assert_eq(c->edge_off[ft + 1] - c->edge_off[ft], 1);
    cr_assert_eq(c->edges[c->edge_off[ft]].type, HV_REL_FINETUNE);
    cr_assert_eq(c->edge_off[mg + 1] - c->edge_off[mg], 2);
    for (uint64_t k = c->edge_off[mg]; k < c->edge_off[mg + 1]; k++)
        cr_assert_eq(c->edges[k].type, HV_REL_MERGE, "finetune+merge on one pair is a merge edge");
    cr_assert_eq(c->edges[c->edge_off[un]].type, HV_REL_BASE);
    cr_assert_eq(c->external_parents[HV_REL_MERGE], 1);
    cr_assert_eq(c->self_parents, 1);
    cr_assert_eq(csr_len(&c->children[HV_REL_FINETUNE], base), 2);
    cr_assert_eq(csr_len(&c->children[HV_REL_MERGE], base), 1);
    cr_assert_eq(csr_len(&c->edge_children, base), 2);
    catalog_free(c);
}

Test(catalog, explicit_columns_merge_with_tags) {
    hv_catalog *c = catalog_new();
    fresh("p/base");
    add(c);
    fresh("c/child");
    tag("license:mit");
    hv_err e;
    cr_assert_eq(fields_set_text(&rec, HV_COL_LICENSES, hv_sv_cstr("['mit', 'license:cc-by-4.0']"), &e), HV_OK);
    cr_assert_eq(fields_set_text(&rec, HV_COL_LANGUAGES, hv_sv_cstr("['English', 'de']"), &e), HV_OK);
    cr_assert_eq(fields_set_text(&rec, HV_COL_PARENT_QUANTIZED, hv_sv_cstr("['p/base']"), &e), HV_OK);
    add(c);
    cr_assert_eq(catalog_finish(c, &e), HV_OK);
    uint32_t r = catalog_find(c, hv_sv_cstr("c/child"));
    cr_assert_eq(csr_len(&c->licenses, r), 2);
    cr_assert(has_str(c, &c->licenses, r, "cc-by-4.0"));
    cr_assert(has_str(c, &c->languages, r, "German"));
    cr_assert(has_str(c, &c->languages, r, "English"));
    cr_assert_eq(c->nedges, 1);
    cr_assert_eq(c->edges[0].type, HV_REL_QUANTIZED);
    catalog_free(c);
}

Test(catalog, card_facts_and_front_matter_fill_silent_fields) {
    hv_catalog *c = catalog_new();
    fresh("p/base");
    add(c);
    fresh("c/child");
    tag("license:apache-2.0");
    const char *card = "\n---\nlicense: mit\nbase_model: p/base\nbase_model_relation: adapter\n"
                       "language:\n- ja\nlibrary_name: peft\npipeline_tag: text-generation\n---\n"
                       "# Model\nThis model card has been Automatically Generated.  Caf\xc3\xa9 ok\n";
    rec.card = hv_sv_cstr(card);
    rec.has |= HV_HAS_CARD;
    add(c);
    hv_err e;
    cr_assert_eq(catalog_finish(c, &e), HV_OK);
    uint32_t r = catalog_find(c, hv_sv_cstr("c/child"));
    cr_assert(c->has_card[r]);
    cr_assert(c->card_autogen[r]);
    cr_assert(c->card_frontmatter[r]);
    /* Python: len(card) counts code points; é is 2 bytes, 1 character */
    cr_assert_eq(c->card_chars[r], strlen(card) - 1);
    cr_assert_eq(csr_len(&c->licenses, r), 1, "the tags are not silent on the license");
    cr_assert(has_str(c, &c->licenses, r, "apache-2.0"));
    cr_assert(has_str(c, &c->languages, r, "Japanese"));
    cr_assert(hv_sv_eq_cstr(catalog_str(c, c->library[r]), "peft"));
    cr_assert(hv_sv_eq_cstr(catalog_str(c, c->pipeline[r]), "text-generation"));
    cr_assert_eq(c->nedges, 1);
    cr_assert_eq(c->edges[0].type, HV_REL_ADAPTER);
    catalog_free(c);
}

Test(catalog, card_words_follow_python_split) {
    hv_catalog *c = catalog_new();
    fresh("w/w");
    rec.card = hv_sv_cstr("  one\ttwo\n\nthree\xc2\xa0" "four  ");
    rec.has |= HV_HAS_CARD;
    add(c);
    hv_err e;
    cr_assert_eq(catalog_finish(c, &e), HV_OK);
    cr_assert_eq(c->card_words[0], 4, "NBSP is whitespace to str.split()");
    cr_assert_not(c->card_autogen[0]);
    catalog_free(c);
}

Test(catalog, card_file_merges_into_existing_row) {
    hv_catalog *c = catalog_new();
    fresh("o/m");
    tag("license:mit");
    rec.likes = 5;
    rec.has |= HV_HAS_LIKES;
    add(c);
    hv_err e;
    cr_assert_eq(catalog_add_card(c, hv_sv_cstr("o/m"), hv_sv_cstr("---\nlicense: gpl-3.0\n---\nhello world"), &e), HV_OK);
    cr_assert_eq(catalog_add_card(c, hv_sv_cstr("new/m"), hv_sv_cstr("just text"), &e), HV_OK);
    cr_assert_eq(catalog_finish(c, &e), HV_OK);
    cr_assert_eq(c->n, 2);
    cr_assert_eq(c->duplicates, 0, "a card merge is not a duplicate");
    uint32_t r = catalog_find(c, hv_sv_cstr("o/m"));
    cr_assert_eq(c->likes[r], 5);
    cr_assert(has_str(c, &c->licenses, r, "mit"));
    cr_assert_eq(csr_len(&c->licenses, r), 1);
    cr_assert_eq(c->card_words[r], 6);
    catalog_free(c);
}

Test(catalog, bad_records_are_rejected_with_a_reason) {
    hv_catalog *c = catalog_new();
    hv_err e = {0, ""};
    fresh("");
    cr_assert_eq(catalog_add(c, &rec, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "model_id"), "%s", e.msg);
    fresh("bad/\xff\xfe");
    cr_assert_eq(catalog_add(c, &rec, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "UTF-8"), "%s", e.msg);
    fresh("ok/id");
    tag("license:\xc3");
    cr_assert_eq(catalog_add(c, &rec, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "tags"), "%s", e.msg);
    fresh("ok/id");
    cr_assert_eq(fields_set_text(&rec, HV_COL_DOWNLOADS, hv_sv_cstr("-5"), &e), HV_EINPUT);
    cr_assert_eq(fields_set_text(&rec, HV_COL_CREATED_AT, hv_sv_cstr("yesterday"), &e), HV_EINPUT);
    cr_assert_eq(fields_set_text(&rec, HV_COL_CREATED_AT, hv_sv_cstr("2999-01-01T00:00:00Z"), &e), HV_EINPUT);
    cr_assert_eq(catalog_finish(c, &e), HV_OK);
    cr_assert_eq(c->n, 0, "nothing half-added");
    catalog_free(c);
}

Test(catalog, facets_count_models_once_per_value) {
    hv_catalog *c = catalog_new();
    const char *libs[] = {"transformers", "peft", "transformers", NULL};
    for (int i = 0; i < 4; i++) {
        char id[16];
        snprintf(id, sizeof id, "m/%d", i);
        fresh(id);
        if (libs[i]) rec.library = hv_sv_cstr(libs[i]);
        tag("license:mit");
        tag("license:mit");
        add(c);
    }
    hv_err e;
    cr_assert_eq(catalog_finish(c, &e), HV_OK);
    hv_facet f;
    cr_assert_eq(facet_scalar(c, c->library, 10, &f), 0);
    cr_assert_eq(f.distinct, 2);
    cr_assert_eq(f.models, 3);
    cr_assert(hv_sv_eq_cstr(catalog_str(c, f.top[0].sid), "transformers"));
    cr_assert_eq(f.top[0].count, 2);
    facet_free(&f);
    cr_assert_eq(facet_list(c, &c->licenses, 10, &f), 0);
    cr_assert_eq(f.top[0].count, 4);
    facet_free(&f);
    catalog_free(c);
}
