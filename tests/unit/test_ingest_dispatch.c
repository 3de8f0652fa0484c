/* test_ingest_dispatch.c - format sniffing, names, reports, ingest_file. */
#include "ingest_test_util.h"

Test(dispatch, format_names_round_trip) {
    for (int f = 0; f < HV_FMT_COUNT; f++)
        cr_assert_eq(ingest_format_parse(ingest_format_name((hv_format)f)), (hv_format)f);
    cr_assert_eq(ingest_format_parse("JSON"), HV_FMT_HUBJSON);
    cr_assert_eq(ingest_format_parse("ndjson"), HV_FMT_JSONL);
    cr_assert_eq(ingest_format_parse("cards"), HV_FMT_CARD);
    cr_assert_eq(ingest_format_parse("xml"), HV_FMT_COUNT);
    cr_assert_eq(ingest_format_parse(NULL), HV_FMT_COUNT);
}

static hv_format sniff_text(const char *text, const char *suffix) {
    const char *path = temp_file(text, strlen(text), suffix);
    hv_err e = {0};
    hv_format f = ingest_sniff(path, &e);
    unlink(path);
    return f;
}

Test(dispatch, sniff_parquet_magic) { cr_assert_eq(sniff_text("PAR1\x15\x04", ".bin"), HV_FMT_PARQUET); }
Test(dispatch, sniff_json_array_is_hubjson) { cr_assert_eq(sniff_text("  \n[{\"id\":\"a/b\"}]", ""), HV_FMT_HUBJSON); }
Test(dispatch, sniff_object_lines_are_jsonl) {
    cr_assert_eq(sniff_text("{\"model_id\":\"a\"}\n{\"model_id\":\"b\"}\n", ".txt"), HV_FMT_JSONL);
}
Test(dispatch, sniff_single_line_object_is_jsonl) { cr_assert_eq(sniff_text("{\"model_id\":\"a\"}\n", ""), HV_FMT_JSONL); }
Test(dispatch, sniff_models_object_is_hubjson) {
    cr_assert_eq(sniff_text("{\"models\": [\n {\"model_id\": \"a\"}\n]}\n", ""), HV_FMT_HUBJSON);
    cr_assert_eq(sniff_text("{\"models\": []}\n", ""), HV_FMT_HUBJSON);
}
Test(dispatch, sniff_bom_then_object_lines) {
    cr_assert_eq(sniff_text("\xEF\xBB\xBF{\"a\":1}\n{\"a\":2}\n", ""), HV_FMT_JSONL);
}
Test(dispatch, sniff_csv_by_default) { cr_assert_eq(sniff_text("model_id,likes\na,1\n", ".csv"), HV_FMT_CSV); }
Test(dispatch, sniff_markdown_and_folders_are_cards) {
    hv_err e = {0};
    cr_assert_eq(ingest_sniff(FIXTURE("cards/good/gpt2.md"), &e), HV_FMT_CARD);
    cr_assert_eq(ingest_sniff(FIXTURE("cards/good"), &e), HV_FMT_CARD);
}
Test(dispatch, sniff_fixtures) {
    hv_err e = {0};
    cr_assert_eq(ingest_sniff(FIXTURE("csv/modelbiome_small.csv"), &e), HV_FMT_CSV);
    cr_assert_eq(ingest_sniff(FIXTURE("jsonl/models.jsonl"), &e), HV_FMT_JSONL);
    cr_assert_eq(ingest_sniff(FIXTURE("hubjson/models_full.json"), &e), HV_FMT_HUBJSON);
    cr_assert_eq(ingest_sniff(FIXTURE("hubjson/tree_v2.json"), &e), HV_FMT_HUBJSON);
}
Test(dispatch, sniff_missing_file_is_an_io_error) {
    hv_err e = {0};
    cr_assert_eq(ingest_sniff(FIXTURE("nope.csv"), &e), HV_FMT_COUNT);
    cr_assert_eq(e.code, HV_EIO);
    cr_assert(strstr(e.msg, "nope.csv"), "%s", e.msg);
}

Test(dispatch, ingest_file_fills_the_report) {
    hv_catalog *c = catalog_new();
    hv_ingest_report rep;
    hv_err e = {0};
    hv_ingest_opts o = {0};
    cr_assert_eq(ingest_file(c, FIXTURE("jsonl/models.jsonl"), &o, &rep, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(rep.format, HV_FMT_JSONL);
    cr_assert_gt(rep.bytes, 0);
    cr_assert_eq(rep.rows_added, 4);
    cr_assert_geq(rep.seconds, 0.0);
    cr_assert(strstr(rep.path, "models.jsonl"));
    ingest_report_free(&rep);
    o.format = HV_FMT_CSV;
    cr_assert_eq(ingest_file(c, FIXTURE("csv/modelbiome_small.csv"), &o, &rep, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(rep.format, HV_FMT_CSV);
    ingest_report_free(&rep);
    catalog_free(c);
}

Test(dispatch, bad_row_message_and_skip_policy) {
    hv_ingest_report rep;
    ingest_report_init(&rep, "f.csv", HV_FMT_CSV);
    hv_ingest_opts o = {0};
    hv_err e;
    hv_errf(&e, HV_EINPUT, "bad value");
    cr_assert_eq(ingest_bad_row(&o, &rep, 12, &e), HV_EINPUT);
    cr_assert_str_eq(e.msg, "f.csv: row 12: bad value");
    o.skip_bad_rows = true;
    hv_errf(&e, HV_EINPUT, "bad value");
    cr_assert_eq(ingest_bad_row(&o, &rep, 13, &e), HV_OK);
    cr_assert_eq(rep.rows_skipped, 1);
    cr_assert_str_eq(rep.skip_reasons[0], "row 13: bad value");
    hv_errf(&e, HV_ENOMEM, "out of memory");
    cr_assert_eq(ingest_bad_row(&o, &rep, 14, &e), HV_ENOMEM, "out of memory is never skipped");
    ingest_report_free(&rep);
}

Test(dispatch, unknown_columns_are_deduplicated_and_capped) {
    hv_ingest_report rep;
    ingest_report_init(&rep, "f", HV_FMT_CSV);
    ingest_report_unknown(&rep, hv_sv_cstr("a"));
    ingest_report_unknown(&rep, hv_sv_cstr("a"));
    cr_assert_eq(rep.n_unknown_columns, 1);
    char name[16];
    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof name, "c%d", i);
        ingest_report_unknown(&rep, hv_sv_cstr(name));
    }
    cr_assert_eq(rep.n_unknown_columns, HV_REPORT_MAX_UNKNOWN);
    ingest_report_free(&rep);
}
