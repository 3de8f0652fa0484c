/* test_jsonl.c - the JSON-lines reader. */
#define READER_FN ingest_jsonl
#define READER_FMT HV_FMT_JSONL
#include "ingest_test_util.h"

TestSuite(jsonl, .init = reader_setup, .fini = reader_teardown);

Test(jsonl, native_values_and_python_list_strings) {
    cr_assert_eq(load(FIXTURE("jsonl/models.jsonl")), HV_OK, "%s", err.msg);
    cr_assert_eq(rep.rows, 4, "blank lines are not rows");
    cr_assert_eq(rep.rows_added, 4);
    finish();
    uint32_t base = row_of(cat, "meta-llama/Llama-2-7b");
    cr_assert_eq(cat->likes[base], 100);
    cr_assert_eq(cat->downloads[base], 1000);
    cr_assert(str_is(cat, cat->pipeline[base], "text-generation"));
    cr_assert(list_has(cat, &cat->tags, base, "region:us"));
    cr_assert(cat->has[base] & HV_HAS_CREATED);
    uint32_t ft = row_of(cat, "alice/llama-ft"); /* "id" key, Python-list tags, created_at */
    cr_assert(parent_is(cat, ft, HV_REL_FINETUNE, "meta-llama/Llama-2-7b"));
    cr_assert(cat->has[ft] & HV_HAS_CREATED);
    cr_assert(cat->has_card[ft]);
}

Test(jsonl, card_data_object_fills_a_silent_record) {
    cr_assert_eq(load(FIXTURE("jsonl/models.jsonl")), HV_OK, "%s", err.msg);
    finish();
    uint32_t r = row_of(cat, "bob/silent"); /* modelId key */
    cr_assert(parent_is(cat, r, HV_REL_ADAPTER, "alice/llama-ft"), "base_model_relation: adapter");
    cr_assert(list_has(cat, &cat->licenses, r, "mit"));
    cr_assert(list_has(cat, &cat->datasets, r, "squad"));
    cr_assert(list_has(cat, &cat->tags, r, "lora"));
    cr_assert(str_is(cat, cat->pipeline[r], "text-classification"));
    cr_assert(str_is(cat, cat->library[r], "peft"));
    cr_assert_gt(csr_len(&cat->languages, r), 0);
}

Test(jsonl, card_data_yaml_text_does_not_override_tags) {
    cr_assert_eq(load(FIXTURE("jsonl/models.jsonl")), HV_OK, "%s", err.msg);
    finish();
    uint32_t r = row_of(cat, "dave/yaml-carddata");
    cr_assert(list_has(cat, &cat->licenses, r, "mit"), "the license: tag wins");
    cr_assert(!list_has(cat, &cat->licenses, r, "apache-2.0"));
    cr_assert(parent_is(cat, r, HV_REL_BASE, "alice/llama-ft"), "base_model from the YAML card data");
    cr_assert(str_is(cat, cat->library[r], "peft"));
}

Test(jsonl, broken_line_fails_with_row_and_line) {
    cr_assert_eq(load(FIXTURE("jsonl/broken_line.jsonl")), HV_EINPUT);
    cr_assert(strstr(err.msg, "broken_line.jsonl: row 2: invalid JSON"), "%s", err.msg);
    cr_assert(strstr(err.msg, "line 2"), "%s", err.msg);
    cr_assert_eq(rep.rows_added, 1);
}

Test(jsonl, skip_bad_rows_goes_on_after_each_bad_line) {
    opts.skip_bad_rows = true;
    cr_assert_eq(load(FIXTURE("jsonl/broken_line.jsonl")), HV_OK, "%s", err.msg);
    cr_assert_eq(rep.rows, 7);
    cr_assert_eq(rep.rows_added, 3, "lines 1, 3 and the last line without a newline");
    cr_assert_eq(rep.rows_skipped, 4);
    cr_assert(strstr(rep.skip_reasons[0], "row 2: invalid JSON"), "%s", rep.skip_reasons[0]);
    cr_assert(strstr(rep.skip_reasons[1], "row 4: expected a JSON object"), "%s", rep.skip_reasons[1]);
    cr_assert(strstr(rep.skip_reasons[2], "row 5: text after the JSON object"), "%s", rep.skip_reasons[2]);
    cr_assert(strstr(rep.skip_reasons[3], "row 6:") && strstr(rep.skip_reasons[3], "likes"), "%s",
              rep.skip_reasons[3]);
    cr_assert(strstr(rep.skip_reasons[3], "line 6"), "%s", rep.skip_reasons[3]);
    finish();
    row_of(cat, "ok/last");
}

Test(jsonl, invalid_utf8_is_rejected_naming_file_and_row) {
    cr_assert_eq(load(FIXTURE("jsonl/invalid_utf8.jsonl")), HV_EINPUT);
    cr_assert(strstr(err.msg, "invalid_utf8.jsonl: row 2:"), "%s", err.msg);
    cr_assert(strstr(err.msg, "UTF-8"), "%s", err.msg);
}

Test(jsonl, line_numbers_count_blank_lines) {
    const char *text = "{\"model_id\":\"a/b\"}\n\n\r\n{\"model_id\":\"c/d\",\"likes\":\"many\"}\n";
    const char *path = temp_file(text, strlen(text), ".jsonl");
    int rc = load(path);
    unlink(path);
    cr_assert_eq(rc, HV_EINPUT);
    cr_assert(strstr(err.msg, "row 2:"), "%s", err.msg);
    cr_assert(strstr(err.msg, "(line 4)"), "%s", err.msg);
}

Test(jsonl, object_of_wrong_type_is_a_bad_row) {
    const char *text = "{\"model_id\":\"a/b\",\"likes\":{\"n\":1}}\n";
    const char *path = temp_file(text, strlen(text), ".jsonl");
    int rc = load(path);
    unlink(path);
    cr_assert_eq(rc, HV_EINPUT);
    cr_assert(strstr(err.msg, "likes: an object"), "%s", err.msg);
}

Test(jsonl, missing_model_id_is_a_bad_row) {
    const char *text = "{\"likes\":1}\n";
    const char *path = temp_file(text, strlen(text), ".jsonl");
    int rc = load(path);
    unlink(path);
    cr_assert_eq(rc, HV_EINPUT);
    cr_assert(strstr(err.msg, "row 1:"), "%s", err.msg);
}

Test(jsonl, long_lines_across_read_blocks) {
    size_t rows = 60, card = 150000, cap = rows * (card + 64) + 64;
    char *text = malloc(cap);
    size_t n = 0;
    for (size_t i = 0; i < rows; i++) {
        n += (size_t)snprintf(text + n, cap - n, "{\"model_id\":\"m/%zu\",\"card\":\"", i);
        for (size_t k = 0; k < card; k++) text[n++] = k % 50 == 49 ? ' ' : 'x';
        n += (size_t)snprintf(text + n, cap - n, "\"}\n");
    }
    const char *path = temp_file(text, n, ".jsonl");
    free(text);
    cr_assert_eq(load(path), HV_OK, "%s", err.msg);
    unlink(path);
    cr_assert_eq(rep.rows_added, rows);
    finish();
    cr_assert_eq(cat->card_chars[row_of(cat, "m/59")], card);
}

Test(jsonl, real_tree_nodes_load_without_error) {
    const char *path = HV_SOURCE_DIR "/../shared/data/real/hf_model_trees/nodes.jsonl";
    if (access(path, R_OK) != 0) cr_skip_test("%s is absent", path);
    cr_assert_eq(load(path), HV_OK, "%s", err.msg);
    /* SOURCES.md: 2,053 unique models */
    cr_assert_eq(rep.rows, 2053);
    cr_assert_eq(rep.rows_added, 2053);
    cr_assert_eq(rep.n_unknown_columns, 0, "unknown: %s", rep.n_unknown_columns ? rep.unknown_columns[0] : "");
    finish();
    cr_assert_eq(cat->n, 2053);
    uint32_t r = row_of(cat, "0x6e676e/generate-context");
    cr_assert(parent_is(cat, r, HV_REL_FINETUNE, "deepseek-ai/DeepSeek-R1"));
    uint64_t with_created = 0;
    for (uint32_t i = 0; i < cat->n; i++) with_created += (cat->has[i] & HV_HAS_CREATED) != 0;
    cr_assert_eq(with_created, 1970, "SOURCES.md: 1,970 have created_at");
}
