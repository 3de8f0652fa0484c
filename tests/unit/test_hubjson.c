/* test_hubjson.c - Hub API arrays and the tree crawler's files. */
#include <dirent.h>

#define READER_FN ingest_hubjson
#define READER_FMT HV_FMT_HUBJSON
#include "ingest_test_util.h"

TestSuite(hubjson, .init = reader_setup, .fini = reader_teardown);

static bool unknown_has(const char *name) {
    for (size_t i = 0; i < rep.n_unknown_columns; i++)
        if (!strcmp(rep.unknown_columns[i], name)) return true;
    return false;
}

Test(hubjson, api_array_of_model_info) {
    cr_assert_eq(load(FIXTURE("hubjson/models_full.json")), HV_OK, "%s", err.msg);
    cr_assert_eq(rep.rows, 3);
    cr_assert_eq(rep.rows_added, 3);
    cr_assert(unknown_has("futureField"), "a field we do not know is reported");
    cr_assert(!unknown_has("siblings"), "a known Hub field we do not model is ignored quietly");
    cr_assert(!unknown_has("_id"), "_id is deliberately ignored");
    finish();
    uint32_t base = row_of(cat, "meta-llama/Llama-2-7b");
    cr_assert_eq(cat->likes[base], 100);
    cr_assert(cat->has[base] & HV_HAS_TRENDING);
    cr_assert(str_is(cat, cat->library[base], "transformers"));
    uint32_t ft = row_of(cat, "alice/llama-ft");
    cr_assert(parent_is(cat, ft, HV_REL_FINETUNE, "meta-llama/Llama-2-7b"));
    cr_assert(!parent_is(cat, ft, HV_REL_BASE, "nobody"));
}

Test(hubjson, card_data_fills_parents_of_a_silent_model) {
    cr_assert_eq(load(FIXTURE("hubjson/models_full.json")), HV_OK, "%s", err.msg);
    finish();
    uint32_t r = row_of(cat, "bob/from-carddata");
    cr_assert(parent_is(cat, r, HV_REL_QUANTIZED, "alice/llama-ft"));
}

Test(hubjson, tree_file_with_metadata_strings_and_cards) {
    cr_assert_eq(load(FIXTURE("hubjson/tree_v2.json")), HV_OK, "%s", err.msg);
    cr_assert_eq(rep.rows, 3);
    cr_assert_eq(rep.rows_added, 3);
    finish();
    uint32_t k = row_of(cat, "hexgrad/Kokoro-82M");
    cr_assert(parent_is(cat, k, HV_REL_FINETUNE, "yl4579/StyleTTS2-LJSpeech"));
    cr_assert(cat->has_card[k]);
    cr_assert(cat->has[k] & HV_HAS_CREATED);
    uint32_t na = row_of(cat, "someone/kokoro-ft"); /* URL id, no metadata, card "N/A" */
    cr_assert(!cat->has_card[na]);
    uint32_t co = row_of(cat, "other/cardonly");
    cr_assert(cat->has_card[co]);
    cr_assert(cat->card_frontmatter[co]);
    cr_assert(parent_is(cat, co, HV_REL_BASE, "hexgrad/Kokoro-82M"), "base_model from the card's front matter");
}

Test(hubjson, bad_elements_fail_with_their_index) {
    cr_assert_eq(load(FIXTURE("hubjson/bad_elements.json")), HV_EINPUT);
    cr_assert(strstr(err.msg, "bad_elements.json: row 2: likes: an object"), "%s", err.msg);
}

Test(hubjson, skip_bad_rows_skips_bad_elements) {
    opts.skip_bad_rows = true;
    cr_assert_eq(load(FIXTURE("hubjson/bad_elements.json")), HV_OK, "%s", err.msg);
    cr_assert_eq(rep.rows, 4);
    cr_assert_eq(rep.rows_added, 2);
    cr_assert_eq(rep.rows_skipped, 2);
    cr_assert(strstr(rep.skip_reasons[1], "row 3: expected a JSON object"), "%s", rep.skip_reasons[1]);
}

Test(hubjson, broken_document_names_line_and_offset) {
    cr_assert_eq(load(FIXTURE("hubjson/broken.json")), HV_EINPUT);
    cr_assert(strstr(err.msg, "broken.json: invalid JSON at line 3"), "%s", err.msg);
    cr_assert(strstr(err.msg, "byte offset"), "%s", err.msg);
}

Test(hubjson, object_without_models_is_an_error) {
    const char *text = "{\"items\": []}";
    const char *path = temp_file(text, strlen(text), ".json");
    int rc = load(path);
    unlink(path);
    cr_assert_eq(rc, HV_EINPUT);
    cr_assert(strstr(err.msg, "\"models\""), "%s", err.msg);
}

Test(hubjson, every_real_tree_file_loads) {
    const char *dir = HV_SOURCE_DIR "/../shared/data/real/hf_model_trees/raw";
    DIR *d = opendir(dir);
    if (!d) cr_skip_test("%s is absent", dir);
    struct dirent *de;
    uint64_t rows = 0, files = 0;
    while ((de = readdir(d))) {
        if (!strstr(de->d_name, ".json")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        cr_assert_eq(load(path), HV_OK, "%s", err.msg);
        cr_assert_eq(rep.rows, rep.rows_added);
        rows += rep.rows;
        files++;
    }
    closedir(d);
    cr_assert_eq(files, 25);
    cr_assert_eq(rows, 2058, "SOURCES.md: the 25 files list 2,058 entries");
    finish();
    /* duplicates across files collapse to the 2,053 models of nodes.jsonl */
    cr_assert_eq(cat->n, 2053, "rows %u", cat->n);
    cr_assert_neq(catalog_find(cat, hv_sv_cstr("hexgrad/Kokoro-82M")), HV_NO_ROW);
}
