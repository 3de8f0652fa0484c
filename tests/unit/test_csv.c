/* test_csv.c - the CSV reader on the modelbiome layout and on bad input. */
#include <unistd.h>

#define READER_FN ingest_csv
#define READER_FMT HV_FMT_CSV
#include "ingest_test_util.h"

TestSuite(csv, .init = reader_setup, .fini = reader_teardown);

Test(csv, modelbiome_layout_fills_every_column) {
    cr_assert_eq(load(FIXTURE("csv/modelbiome_small.csv")), HV_OK, "%s", err.msg);
    cr_assert_eq(rep.rows, 4);
    cr_assert_eq(rep.rows_added, 4);
    cr_assert_eq(rep.n_unknown_columns, 0, "unknown: %s", rep.n_unknown_columns ? rep.unknown_columns[0] : "");
    finish();
    cr_assert_eq(cat->n, 4);
    uint32_t base = row_of(cat, "meta-llama/Llama-2-7b");
    cr_assert_eq(cat->likes[base], 100);
    cr_assert_eq(cat->downloads[base], 1000);
    cr_assert(str_is(cat, cat->pipeline[base], "text-generation"));
    cr_assert(str_is(cat, cat->library[base], "transformers"));
    cr_assert(cat->has_card[base]);
    uint32_t ft = row_of(cat, "alice/llama-ft");
    cr_assert(parent_is(cat, ft, HV_REL_FINETUNE, "meta-llama/Llama-2-7b"));
    cr_assert(list_has(cat, &cat->datasets, ft, "tatsu-lab/alpaca"));
    uint32_t q = row_of(cat, "bob/llama-gguf");
    cr_assert(parent_is(cat, q, HV_REL_QUANTIZED, "alice/llama-ft"));
    cr_assert(!cat->has_card[q], "an empty unquoted card cell is a missing card");
}

Test(csv, multi_line_quoted_card_keeps_its_text) {
    cr_assert_eq(load(FIXTURE("csv/modelbiome_small.csv")), HV_OK, "%s", err.msg);
    finish();
    uint32_t ft = row_of(cat, "alice/llama-ft");
    cr_assert(cat->has_card[ft]);
    cr_assert(cat->card_frontmatter[ft]);
    /* the card of the fixture: 121 characters, CRLF inside included */
    cr_assert_eq(cat->card_chars[ft], 121, "card_chars %u", cat->card_chars[ft]);
}

Test(csv, python_list_escapes_in_cells) {
    cr_assert_eq(load(FIXTURE("csv/modelbiome_small.csv")), HV_OK, "%s", err.msg);
    finish();
    uint32_t r = row_of(cat, "carol/café-模型");
    cr_assert(list_has(cat, &cat->tags, r, "it's"));
    cr_assert(list_has(cat, &cat->tags, r, "b'c"));
    cr_assert(list_has(cat, &cat->tags, r, "d\\e"));
    cr_assert(cat->is_private[r]);
}

Test(csv, bom_and_crlf_give_the_same_rows) {
    cr_assert_eq(load(FIXTURE("csv/bom_crlf.csv")), HV_OK, "%s", err.msg);
    cr_assert_eq(rep.rows_added, 4);
    cr_assert_eq(rep.n_unknown_columns, 0, "BOM leaked into the first column name");
    finish();
    uint32_t ft = row_of(cat, "alice/llama-ft");
    cr_assert_eq(cat->card_chars[ft], 121, "card_chars %u", cat->card_chars[ft]);
    cr_assert(str_is(cat, cat->library[row_of(cat, "meta-llama/Llama-2-7b")], "transformers"),
              "the row end must not leak a \\r into the last column");
}

Test(csv, card_info_columns_are_read) {
    cr_assert_eq(load(FIXTURE("csv/withcardinfo.csv")), HV_OK, "%s", err.msg);
    cr_assert_eq(rep.rows_added, 2);
    cr_assert_eq(rep.n_unknown_columns, 0);
}

Test(csv, wrong_field_count_fails_with_row_and_line) {
    cr_assert_eq(load(FIXTURE("csv/bad_rows.csv")), HV_EINPUT);
    cr_assert(strstr(err.msg, "bad_rows.csv: row 2: expected 22 fields, found 21"), "%s", err.msg);
    cr_assert(strstr(err.msg, "(line 4)"), "%s", err.msg);
}

Test(csv, skip_bad_rows_counts_and_keeps_reasons) {
    opts.skip_bad_rows = true;
    cr_assert_eq(load(FIXTURE("csv/bad_rows.csv")), HV_OK, "%s", err.msg);
    cr_assert_eq(rep.rows, 4);
    cr_assert_eq(rep.rows_added, 2);
    cr_assert_eq(rep.rows_skipped, 2);
    cr_assert_eq(rep.n_skip_reasons, 2);
    cr_assert(strstr(rep.skip_reasons[0], "row 2: expected 22 fields"), "%s", rep.skip_reasons[0]);
    /* row 4 starts on line 14: row 2's card spans lines 4-12 */
    cr_assert(strstr(rep.skip_reasons[1], "row 4:"), "%s", rep.skip_reasons[1]);
    cr_assert(strstr(rep.skip_reasons[1], "line 14"), "%s", rep.skip_reasons[1]);
}

Test(csv, invalid_utf8_is_rejected_naming_file_and_row) {
    /* bad_rows.csv: row 4 has the byte 0xFF in pipeline_tag */
    const char *text = "model_id,pipeline_tag\nok/a,x\nbad/b,text\xffgen\n";
    const char *path = temp_file(text, strlen(text), ".csv");
    int rc = load(path);
    unlink(path);
    cr_assert_eq(rc, HV_EINPUT);
    cr_assert(strstr(err.msg, path), "%s", err.msg);
    cr_assert(strstr(err.msg, ": row 2:"), "%s", err.msg);
    cr_assert(strstr(err.msg, "UTF-8"), "%s", err.msg);
    cr_assert(strstr(err.msg, "(line 3)"), "%s", err.msg);
}

Test(csv, unterminated_quote_at_eof_is_a_bad_last_row) {
    cr_assert_eq(load(FIXTURE("csv/unterminated_quote.csv")), HV_EINPUT);
    cr_assert(strstr(err.msg, "unterminated_quote.csv: row 2: unterminated quoted field"), "%s", err.msg);
    cr_assert(strstr(err.msg, "line 4"), "%s", err.msg);
    cr_assert_eq(rep.rows_added, 1);
}

Test(csv, unterminated_quote_skipped_with_skip_bad_rows) {
    opts.skip_bad_rows = true;
    cr_assert_eq(load(FIXTURE("csv/unterminated_quote.csv")), HV_OK, "%s", err.msg);
    cr_assert_eq(rep.rows_skipped, 1);
    cr_assert_eq(rep.rows_added, 1);
}

Test(csv, malformed_quoting_mid_file_is_fatal_with_line_and_offset) {
    opts.skip_bad_rows = true; /* libcsv cannot resynchronise, so even this fails */
    cr_assert_eq(load(FIXTURE("csv/bad_quoting.csv")), HV_EINPUT);
    cr_assert(strstr(err.msg, "line 3"), "%s", err.msg);
    cr_assert(strstr(err.msg, "byte offset"), "%s", err.msg);
    cr_assert(strstr(err.msg, "row 2"), "%s", err.msg);
}

Test(csv, missing_model_id_column_is_an_error) {
    cr_assert_eq(load(FIXTURE("csv/no_model_id.csv")), HV_EINPUT);
    cr_assert(strstr(err.msg, "no model_id column"), "%s", err.msg);
    cr_assert(strstr(err.msg, "name, likes"), "%s", err.msg);
}

Test(csv, absurd_values_are_bad_rows) {
    opts.skip_bad_rows = true;
    cr_assert_eq(load(FIXTURE("csv/absurd_values.csv")), HV_OK, "%s", err.msg);
    cr_assert_eq(rep.rows, 5);
    cr_assert_eq(rep.rows_added, 2);
    cr_assert_eq(rep.rows_skipped, 3);
    cr_assert(strstr(rep.skip_reasons[0], "row 2:") && strstr(rep.skip_reasons[0], "likes"), "%s",
              rep.skip_reasons[0]);
    cr_assert(strstr(rep.skip_reasons[1], "row 3:") && strstr(rep.skip_reasons[1], "createdAt"), "%s",
              rep.skip_reasons[1]);
    cr_assert(strstr(rep.skip_reasons[2], "row 4:") && strstr(rep.skip_reasons[2], "line 5"), "%s",
              rep.skip_reasons[2]);
}

Test(csv, unknown_columns_are_reported) {
    cr_assert_eq(load(FIXTURE("csv/unknown_columns.csv")), HV_OK, "%s", err.msg);
    cr_assert_eq(rep.n_unknown_columns, 2);
    cr_assert_str_eq(rep.unknown_columns[0], "colour");
    cr_assert_str_eq(rep.unknown_columns[1], "weight");
}

Test(csv, empty_file_is_an_error) {
    cr_assert_eq(load(FIXTURE("csv/empty.csv")), HV_EINPUT);
    cr_assert(strstr(err.msg, "no header"), "%s", err.msg);
}

Test(csv, missing_file_is_an_io_error) {
    cr_assert_eq(load(FIXTURE("csv/does-not-exist.csv")), HV_EIO);
}

Test(csv, many_skipped_rows_keep_only_the_first_reasons) {
    char text[64 * 40] = "model_id,likes\n";
    size_t n = strlen(text);
    for (int i = 0; i < 40; i++) n += (size_t)snprintf(text + n, sizeof text - n, "m/%d,-1\n", i);
    const char *path = temp_file(text, n, ".csv");
    opts.skip_bad_rows = true;
    cr_assert_eq(load(path), HV_OK, "%s", err.msg);
    unlink(path);
    cr_assert_eq(rep.rows_skipped, 40);
    cr_assert_eq(rep.n_skip_reasons, HV_REPORT_MAX_REASONS);
}

Test(csv, block_boundaries_do_not_change_rows) {
    /* rows that straddle the 4 MB read blocks, with cards of 100 KB */
    size_t rows = 90, card = 100000, cap = rows * (card + 64) + 64;
    char *text = malloc(cap);
    size_t n = (size_t)snprintf(text, cap, "model_id,modelCard\n");
    for (size_t i = 0; i < rows; i++) {
        n += (size_t)snprintf(text + n, cap - n, "m/%zu,\"", i);
        for (size_t k = 0; k < card; k++) text[n++] = (k % 80 == 79) ? '\n' : (k % 7 == 0 ? ' ' : 'a');
        n += (size_t)snprintf(text + n, cap - n, "\"\n");
    }
    const char *path = temp_file(text, n, ".csv");
    free(text);
    cr_assert_eq(load(path), HV_OK, "%s", err.msg);
    unlink(path);
    cr_assert_eq(rep.rows_added, rows);
    finish();
    cr_assert_eq(cat->card_chars[row_of(cat, "m/89")], card);
}
