/* test_cards.c - model cards read from files. */
#define READER_FN ingest_cards
#define READER_FMT HV_FMT_CARD
#include "ingest_test_util.h"

TestSuite(cards, .init = reader_setup, .fini = reader_teardown);

Test(cards, folder_of_owner_name_files) {
    cr_assert_eq(load(FIXTURE("cards/good")), HV_OK, "%s", err.msg);
    cr_assert_eq(rep.rows, 3, "alice__llama-ft.md, gpt2.md, bob__tts-ft/README.md; not README.md or notes.txt");
    cr_assert_eq(rep.rows_added, 3);
    cr_assert_gt(rep.bytes, 0);
    finish();
    uint32_t a = row_of(cat, "alice/llama-ft");
    cr_assert(cat->has_card[a]);
    cr_assert(cat->card_frontmatter[a]);
    cr_assert(cat->card_autogen[a]);
    cr_assert(parent_is(cat, a, HV_REL_BASE, "meta-llama/Llama-2-7b"));
    row_of(cat, "gpt2");
    uint32_t b = row_of(cat, "bob/tts-ft");
    cr_assert(list_has(cat, &cat->licenses, b, "mit"));
}

Test(cards, card_merges_into_an_existing_row) {
    hv_record r = {0};
    r.model_id = hv_sv_cstr("alice/llama-ft");
    r.likes = 7;
    r.has = HV_HAS_LIKES;
    cr_assert_eq(catalog_add(cat, &r, &err), HV_OK, "%s", err.msg);
    record_free(&r);
    cr_assert_eq(load(FIXTURE("cards/good/alice__llama-ft.md")), HV_OK, "%s", err.msg);
    finish();
    uint32_t a = row_of(cat, "alice/llama-ft");
    cr_assert_eq(cat->likes[a], 7);
    cr_assert(cat->has_card[a]);
}

Test(cards, single_readme_takes_the_id_from_its_folder) {
    cr_assert_eq(load(FIXTURE("cards/good/bob__tts-ft/README.md")), HV_OK, "%s", err.msg);
    finish();
    row_of(cat, "bob/tts-ft");
}

Test(cards, readme_without_an_id_fails_clearly) {
    cr_assert_eq(load(FIXTURE("cards/bad/noowner/README.md")), HV_EINPUT);
    cr_assert(strstr(err.msg, "cannot tell which model"), "%s", err.msg);
    cr_assert(strstr(err.msg, "<owner>__<name>"), "%s", err.msg);
}

Test(cards, invalid_utf8_card_names_the_file) {
    cr_assert_eq(load(FIXTURE("cards/bad")), HV_EINPUT);
    cr_assert(strstr(err.msg, "row 1:"), "%s", err.msg);
    cr_assert(strstr(err.msg, "bad__utf8.md"), "%s", err.msg);
    cr_assert(strstr(err.msg, "UTF-8"), "%s", err.msg);
}

Test(cards, skip_bad_rows_keeps_the_good_cards) {
    opts.skip_bad_rows = true;
    cr_assert_eq(load(FIXTURE("cards/bad")), HV_OK, "%s", err.msg);
    cr_assert_eq(rep.rows_skipped, 1);
    cr_assert_eq(rep.rows, 2, "noowner/ is not named <owner>__<name>, so it is not a card folder");
    cr_assert_eq(rep.rows_added, 1);
    finish();
    row_of(cat, "good/one");
}

Test(cards, every_real_card_loads) {
    const char *dir = HV_SOURCE_DIR "/../shared/data/real/model_cards/from_model_trees";
    if (access(dir, R_OK) != 0) cr_skip_test("%s is absent", dir);
    cr_assert_eq(load(dir), HV_OK, "%s", err.msg);
    cr_assert_eq(rep.rows_added, 1583);
    finish();
    cr_assert_eq(cat->cards_bad_frontmatter, 0);
    uint64_t fm = 0;
    for (uint32_t i = 0; i < cat->n; i++) fm += cat->card_frontmatter[i];
    cr_assert_eq(fm, 1515, "front matter in %llu cards", (unsigned long long)fm);
}
