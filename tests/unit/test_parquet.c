/* test_parquet.c - the Parquet reader against fixtures written by DuckDB and
 * by scripts/fixtures/make-parquet-fixtures.mjs (see
 * tests/fixtures/parquet/README.md), and against damaged input.
 *
 * Good fixtures come with NAME.expected.jsonl: DuckDB's reading of the same
 * file in a canonical form.  dump_rows() renders our reading the same way,
 * so a test is a line-by-line comparison. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "core/buf.h"
#include "ingest/ingest.h"
#include "ingest/parquet/encoding.h"
#include "ingest/parquet/parquet.h"

#define FIX HV_SOURCE_DIR "/tests/fixtures/parquet/"

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)len + 1);
    cr_assert(p);
    cr_assert_eq(fread(p, 1, (size_t)len, f), (size_t)len);
    p[len] = 0;
    fclose(f);
    *n = (size_t)len;
    return p;
}

/* JSON string as JavaScript's JSON.stringify writes it. */
static void put_json_str(hv_buf *b, hv_sv s) {
    hv_buf_putc(b, '"');
    for (size_t i = 0; i < s.n; i++) {
        unsigned char ch = (unsigned char)s.p[i];
        switch (ch) {
        case '"': hv_buf_append(b, "\\\"", 2); break;
        case '\\': hv_buf_append(b, "\\\\", 2); break;
        case '\n': hv_buf_append(b, "\\n", 2); break;
        case '\r': hv_buf_append(b, "\\r", 2); break;
        case '\t': hv_buf_append(b, "\\t", 2); break;
        case '\b': hv_buf_append(b, "\\b", 2); break;
        case '\f': hv_buf_append(b, "\\f", 2); break;
        default:
            if (ch < 0x20) hv_buf_printf(b, "\\u%04x", ch);
            else hv_buf_putc(b, (char)ch);
        }
    }
    hv_buf_putc(b, '"');
}

static void put_value(hv_buf *b, const pq_column *c, pq_value v) {
    switch (c->kind) {
    case PQ_K_STRING: put_json_str(b, v.s); break;
    case PQ_K_BOOL: hv_buf_printf(b, "\"%s\"", v.i ? "true" : "false"); break;
    case PQ_K_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &v.d, 8);
        hv_buf_printf(b, "\"0x%016" PRIx64 "\"", bits);
        break;
    }
    default:
        if (c->is_unsigned) hv_buf_printf(b, "\"%" PRIu64 "\"", (uint64_t)v.i);
        else hv_buf_printf(b, "\"%" PRId64 "\"", v.i);
    }
}

/* Every row of every column as canonical JSON lines.  Returns the reader's
 * status; the text read so far is in out. */
static int dump_rows(pq_file *f, hv_buf *out, hv_err *e) {
    uint32_t nc = pq_num_columns(f);
    pq_cursor **cur = calloc(nc, sizeof *cur);
    int rc = HV_OK;
    for (uint32_t i = 0; i < nc; i++) cur[i] = pq_cursor_new(f, i);
    for (uint32_t rg = 0; rg < pq_num_row_groups(f) && !rc; rg++) {
        for (uint32_t i = 0; i < nc && !rc; i++) rc = pq_cursor_start(cur[i], rg, e);
        for (int64_t r = 0; r < pq_row_group_rows(f, rg) && !rc; r++) {
            hv_buf_putc(out, '[');
            for (uint32_t i = 0; i < nc && !rc; i++) {
                pq_cell cell;
                rc = pq_cursor_next(cur[i], &cell, e);
                if (rc) break;
                if (i) hv_buf_putc(out, ',');
                const pq_column *c = pq_column_at(f, i);
                if (cell.null) {
                    hv_buf_append(out, "null", 4);
                } else if (c->max_rep == 0) {
                    put_value(out, c, cell.v);
                } else {
                    hv_buf_putc(out, '[');
                    for (uint32_t k = 0; k < cell.n; k++) {
                        if (k) hv_buf_putc(out, ',');
                        put_value(out, c, cell.items[k]);
                    }
                    hv_buf_putc(out, ']');
                }
            }
            hv_buf_append(out, "]\n", 2);
        }
    }
    for (uint32_t i = 0; i < nc; i++) pq_cursor_free(cur[i]);
    free(cur);
    return rc;
}

static void assert_matches_duckdb(const char *name) {
    char path[512], exp_path[512];
    snprintf(path, sizeof path, FIX "%s.parquet", name);
    snprintf(exp_path, sizeof exp_path, FIX "%s.expected.jsonl", name);
    pq_file *f;
    hv_err e = {0};
    cr_assert_eq(pq_open_path(path, &f, &e), HV_OK, "%s", e.msg);
    hv_buf got = {0};
    int rc = dump_rows(f, &got, &e);
    cr_assert_eq(rc, HV_OK, "%s", e.msg);
    hv_buf_putc(&got, 0);
    size_t n;
    char *want = slurp(exp_path, &n);
    /* compare line by line for a readable failure */
    const char *g = got.p, *w = want;
    for (int line = 1; *w || *g; line++) {
        const char *ge = strchr(g, '\n'), *we = strchr(w, '\n');
        cr_assert(ge && we, "%s: line %d: row count differs", name, line);
        cr_assert(ge - g == we - w && memcmp(g, w, (size_t)(ge - g)) == 0, "%s: line %d:\n got  %.*s\n want %.*s", name,
                  line, (int)(ge - g), g, (int)(we - w), w);
        g = ge + 1;
        w = we + 1;
    }
    free(want);
    hv_buf_free(&got);
    pq_close(f);
}

/* ---------------------------------------------------------------- decoding */

Test(parquet, hub_export_with_python_list_strings_matches_duckdb) { assert_matches_duckdb("hub_pylist_snappy"); }
Test(parquet, native_lists_in_data_page_v2_with_delta_encodings_match_duckdb) {
    assert_matches_duckdb("native_lists_v2_zstd");
}
Test(parquet, codec_uncompressed) { assert_matches_duckdb("codec_uncompressed"); }
Test(parquet, codec_snappy) { assert_matches_duckdb("codec_snappy"); }
Test(parquet, codec_gzip) { assert_matches_duckdb("codec_gzip"); }
Test(parquet, codec_zstd) { assert_matches_duckdb("codec_zstd"); }
Test(parquet, codec_lz4_raw) { assert_matches_duckdb("codec_lz4_raw"); }
Test(parquet, codec_brotli) { assert_matches_duckdb("codec_brotli"); }
Test(parquet, plain_strings_without_dictionary) { assert_matches_duckdb("plain_strings_v1"); }
Test(parquet, logical_types_convert_in_v1_pages) { assert_matches_duckdb("types_v1"); }
Test(parquet, logical_types_convert_in_v2_pages) { assert_matches_duckdb("types_v2"); }
Test(parquet, dictionary_falls_back_to_plain_midway_and_int96_becomes_epoch_seconds) {
    assert_matches_duckdb("dict_fallback_int96");
}
Test(parquet, list_rows_spanning_pages_and_legacy_two_level_lists) { assert_matches_duckdb("lists_span_pages"); }
Test(parquet, delta_byte_array_delta_binary_packed_and_rle_booleans) { assert_matches_duckdb("v2_delta_rle"); }

Test(parquet, many_pages_and_row_groups_keep_rows_in_step) {
    pq_file *f;
    hv_err e = {0};
    cr_assert_eq(pq_open_path(FIX "many_pages_v1.parquet", &f, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(pq_num_rows(f), 6000);
    cr_assert_gt(pq_num_row_groups(f), 1);
    pq_cursor *cur[4];
    for (uint32_t i = 0; i < 4; i++) cur[i] = pq_cursor_new(f, i);
    int64_t row = 0;
    char want[300];
    for (uint32_t rg = 0; rg < pq_num_row_groups(f); rg++) {
        for (int i = 0; i < 4; i++) cr_assert_eq(pq_cursor_start(cur[i], rg, &e), HV_OK, "%s", e.msg);
        for (int64_t r = 0; r < pq_row_group_rows(f, rg); r++, row++) {
            pq_cell c[4];
            for (int i = 0; i < 4; i++) cr_assert_eq(pq_cursor_next(cur[i], &c[i], &e), HV_OK, "%s", e.msg);
            int n = snprintf(want, sizeof want, "org/m%" PRId64, row);
            cr_assert(hv_sv_eq(c[0].v.s, hv_sv_make(want, (size_t)n)));
            size_t len = 200 + (size_t)(row % 50);
            n = snprintf(want, sizeof want, "%" PRId64, row);
            cr_assert_eq(c[1].v.s.n, len + (size_t)n);
            cr_assert_eq(c[1].v.s.p[0], 'A' + row % 26);
            cr_assert_eq(c[1].v.s.p[len - 1], 'A' + row % 26);
            cr_assert(memcmp(c[1].v.s.p + len, want, (size_t)n) == 0);
            cr_assert_eq(c[2].n, 2);
            n = snprintf(want, sizeof want, "t%" PRId64, row % 13);
            cr_assert(hv_sv_eq(c[2].items[1].s, hv_sv_make(want, (size_t)n)));
            cr_assert_eq(c[3].v.i, row);
        }
    }
    cr_assert_eq(row, 6000);
    /* 6000 cards of ~225 bytes cannot fit in one page per row group */
    cr_assert_gt(pq_cursor_bytes(cur[1]), 6000 * 200);
    for (int i = 0; i < 4; i++) pq_cursor_free(cur[i]);
    pq_close(f);
}

Test(parquet, opens_from_a_memory_buffer) {
    size_t n;
    char *data = slurp(FIX "codec_zstd.parquet", &n);
    pq_file *f;
    hv_err e = {0};
    cr_assert_eq(pq_open_memory(data, n, "mem.parquet", &f, &e), HV_OK, "%s", e.msg);
    cr_assert_str_eq(pq_name(f), "mem.parquet");
    cr_assert_eq(pq_num_rows(f), 300);
    cr_assert_eq(pq_num_fields(f), 6);
    hv_buf got = {0};
    cr_assert_eq(dump_rows(f, &got, &e), HV_OK, "%s", e.msg);
    pq_close(f);
    hv_buf_free(&got);
    free(data);
}

Test(parquet, schema_exposes_fields_levels_and_kinds) {
    pq_file *f;
    hv_err e = {0};
    cr_assert_eq(pq_open_path(FIX "native_lists_v2_zstd.parquet", &f, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(pq_num_fields(f), 22);
    const pq_field *tags = pq_field_at(f, 5);
    cr_assert(hv_sv_eq_cstr(tags->name, "tags"));
    cr_assert_eq(tags->nleaves, 1);
    const pq_column *c = pq_column_at(f, tags->first_leaf);
    cr_assert_eq(c->max_rep, 1);
    cr_assert_eq(c->max_def, 3);
    cr_assert_eq(c->kind, PQ_K_STRING);
    cr_assert_eq(pq_column_at(f, 8)->kind, PQ_K_TIME);
    cr_assert_eq(pq_column_at(f, 1)->kind, PQ_K_DOUBLE);
    pq_close(f);
}

/* The examples of the Parquet encodings spec: 0..7 at bit width 3. */
Test(parquet, rle_hybrid_decodes_the_spec_example) {
    const uint8_t bp[] = {0x03, 0x88, 0xc6, 0xfa};
    uint32_t out[8];
    const char *why = NULL;
    cr_assert_eq(pq_decode_rle(bp, sizeof bp, 3, out, 8, NULL, &why), 0);
    for (uint32_t i = 0; i < 8; i++) cr_assert_eq(out[i], i);
    const uint8_t run[] = {0x0a, 0x05}; /* five 5s */
    cr_assert_eq(pq_decode_rle(run, sizeof run, 3, out, 5, NULL, &why), 0);
    for (int i = 0; i < 5; i++) cr_assert_eq(out[i], 5);
    cr_assert_eq(pq_decode_rle(run, sizeof run, 3, out, 6, NULL, &why), -1, "ran past its data");
}

Test(parquet, deprecated_bit_packed_levels_decode_msb_first) {
    const uint8_t bp[] = {0x05, 0x39, 0x77};
    uint32_t out[8];
    const char *why = NULL;
    cr_assert_eq(pq_decode_bitpacked_msb(bp, sizeof bp, 3, out, 8, &why), 0);
    for (uint32_t i = 0; i < 8; i++) cr_assert_eq(out[i], i);
    cr_assert_eq(pq_decode_bitpacked_msb(bp, sizeof bp, 3, out, 9, &why), -1);
}

/* --------------------------------------------------------------- bad input */

static void assert_open_fails(const void *data, size_t n, const char *reason) {
    pq_file *f = NULL;
    hv_err e = {0};
    int rc = pq_open_memory(data, n, "bad.parquet", &f, &e);
    cr_assert_eq(rc, HV_EINPUT, "rc %d: %s", rc, e.msg);
    cr_assert_null(f);
    cr_assert(strstr(e.msg, "bad.parquet: byte offset "), "%s", e.msg);
    cr_assert(strstr(e.msg, reason), "want \"%s\" in: %s", reason, e.msg);
}

Test(parquet, bad_magic_is_rejected) {
    size_t n;
    char *d = slurp(FIX "codec_snappy.parquet", &n);
    d[0] = 'X';
    assert_open_fails(d, n, "no PAR1 magic");
    free(d);
}

Test(parquet, truncated_file_without_end_magic_is_rejected) {
    size_t n;
    char *d = slurp(FIX "codec_snappy.parquet", &n);
    assert_open_fails(d, n - 1, "no PAR1 magic at the end");
    free(d);
}

Test(parquet, footer_length_past_the_file_is_rejected) {
    size_t n;
    char *d = slurp(FIX "codec_snappy.parquet", &n);
    uint32_t big = (uint32_t)n;
    memcpy(d + n - 8, &big, 4);
    assert_open_fails(d, n, "footer length");
    free(d);
}

Test(parquet, footer_that_overruns_its_length_is_rejected) {
    size_t n;
    char *d = slurp(FIX "codec_snappy.parquet", &n);
    uint32_t len;
    memcpy(&len, d + n - 8, 4);
    /* claim a shorter footer: its structs now run past the end */
    uint32_t shorter = len / 2;
    memcpy(d + n - 8, &shorter, 4);
    assert_open_fails(d, n, "footer: ");
    free(d);
}

Test(parquet, every_truncation_fails_cleanly) {
    size_t n;
    char *d = slurp(FIX "lists_span_pages.parquet", &n);
    for (size_t cut = 0; cut < n; cut++) {
        char *copy = malloc(cut ? cut : 1);
        memcpy(copy, d, cut);
        pq_file *f = NULL;
        hv_err e = {0};
        cr_assert_eq(pq_open_memory(copy, cut, "cut.parquet", &f, &e), HV_EINPUT, "cut at %zu", cut);
        free(copy);
    }
    free(d);
}

/* Flip bytes everywhere: whatever happens must be a clean status. */
Test(parquet, corrupted_bytes_never_crash) {
    size_t n;
    char *d = slurp(FIX "hub_pylist_snappy.parquet", &n);
    char *copy = malloc(n);
    uint32_t seed = 12345;
    for (int round = 0; round < 1500; round++) {
        memcpy(copy, d, n);
        for (int k = 0; k < 4; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % n;
            seed = seed * 1103515245u + 12345u;
            copy[at] = (char)(seed >> 16);
        }
        pq_file *f = NULL;
        hv_err e = {0};
        int rc = pq_open_memory(copy, n, "flip.parquet", &f, &e);
        if (rc == HV_OK) {
            hv_buf out = {0};
            rc = dump_rows(f, &out, &e);
            hv_buf_free(&out);
            pq_close(f);
        }
        cr_assert(rc == HV_OK || rc == HV_EINPUT, "round %d: rc %d: %s", round, rc, e.msg);
    }
    free(copy);
    free(d);
}

Test(parquet, absurd_row_count_is_rejected) {
    size_t n;
    char *d = slurp(FIX "bad_row_count.parquet", &n);
    assert_open_fails(d, n, "bad row count 1073741824");
    free(d);
}

/* A file that opens but fails while reading pages, with the reason. */
static void assert_read_fails(const char *name, const char *reason) {
    char path[512];
    snprintf(path, sizeof path, FIX "%s", name);
    pq_file *f;
    hv_err e = {0};
    cr_assert_eq(pq_open_path(path, &f, &e), HV_OK, "%s", e.msg);
    hv_buf out = {0};
    int rc = dump_rows(f, &out, &e);
    cr_assert_eq(rc, HV_EINPUT, "%s: rc %d: %s", name, rc, e.msg);
    cr_assert(strstr(e.msg, name), "file not named: %s", e.msg);
    cr_assert(strstr(e.msg, "row group 0, column 0 (model_id)"), "place not named: %s", e.msg);
    cr_assert(strstr(e.msg, "byte offset"), "offset not named: %s", e.msg);
    cr_assert(strstr(e.msg, reason), "want \"%s\" in: %s", reason, e.msg);
    hv_buf_free(&out);
    pq_close(f);
}

Test(parquet, page_overrunning_its_column_chunk_is_rejected) {
    assert_read_fails("bad_page_overrun.parquet", "overruns the column chunk");
}
Test(parquet, unknown_codec_is_rejected) { assert_read_fails("bad_codec.parquet", "unsupported codec 42"); }
Test(parquet, unknown_encoding_is_rejected) { assert_read_fails("bad_encoding.parquet", "unsupported encoding 77"); }
Test(parquet, dictionary_index_out_of_range_is_rejected) {
    assert_read_fails("bad_dict_index.parquet", "dictionary index 5 out of range");
}
Test(parquet, bit_width_out_of_range_is_rejected) {
    assert_read_fails("bad_bit_width.parquet", "bit width 40 out of range");
}
Test(parquet, level_above_its_maximum_is_rejected) { assert_read_fails("bad_level.parquet", "wider than its bit width"); }
Test(parquet, absurd_decompressed_page_size_is_rejected) {
    assert_read_fails("bad_absurd_size.parquet", "page claims 1500000000 bytes");
}
Test(parquet, absurd_value_count_is_rejected) { assert_read_fails("bad_num_values.parquet", "page with 1073741824 values"); }

/* ------------------------------------------------------------------ ingest */

static hv_catalog *ingest(const char *name, bool skip, hv_ingest_report *rep, int *rc, hv_err *e) {
    char path[512];
    snprintf(path, sizeof path, FIX "%s", name);
    hv_catalog *c = catalog_new();
    cr_assert(c);
    hv_ingest_opts o = {.skip_bad_rows = skip, .format = HV_FMT_PARQUET};
    ingest_report_init(rep, path, HV_FMT_PARQUET);
    *rc = ingest_parquet(c, path, &o, rep, e);
    return c;
}

static bool has_str(const hv_catalog *c, const hv_csr *l, uint32_t row, const char *s) {
    for (uint64_t k = l->off[row]; k < l->off[row + 1]; k++)
        if (hv_sv_eq_cstr(catalog_str(c, l->val[k]), s)) return true;
    return false;
}

Test(parquet, ingest_hub_export_fills_the_catalog) {
    hv_ingest_report rep;
    hv_err e = {0};
    int rc;
    hv_catalog *c = ingest("hub_pylist_snappy.parquet", false, &rep, &rc, &e);
    cr_assert_eq(rc, HV_OK, "%s", e.msg);
    cr_assert_eq(rep.rows, 40);
    cr_assert_eq(rep.rows_added, 40);
    cr_assert_gt(rep.bytes, 1000);
    cr_assert_eq(catalog_finish(c, &e), HV_OK, "%s", e.msg);
    uint32_t r = catalog_find(c, hv_sv_cstr("org1/model-1"));
    cr_assert_neq(r, HV_NO_ROW);
    cr_assert_eq(c->likes[r], 37);
    cr_assert(has_str(c, &c->tags, r, "tag1"));
    cr_assert(has_str(c, &c->licenses, r, "mit"));
    cr_assert(hv_sv_eq_cstr(catalog_str(c, c->pipeline[r]), "fill-mask"));
    cr_assert_eq(c->created_at[r], 1646350157);
    uint32_t r6 = catalog_find(c, hv_sv_cstr("org1/model-6"));
    cr_assert_neq(r6, HV_NO_ROW);
    cr_assert_eq(csr_len(&c->parents[HV_REL_FINETUNE], r6), 1);
    cr_assert_neq(catalog_find(c, hv_sv_cstr("org2/model-é-7")), HV_NO_ROW);
    catalog_free(c);
    ingest_report_free(&rep);
}

Test(parquet, ingest_native_lists_equal_the_python_list_export) {
    hv_ingest_report ra, rb;
    hv_err e = {0};
    int rc;
    hv_catalog *a = ingest("hub_pylist_snappy.parquet", false, &ra, &rc, &e);
    cr_assert_eq(rc, HV_OK, "%s", e.msg);
    hv_catalog *b = ingest("native_lists_v2_zstd.parquet", false, &rb, &rc, &e);
    cr_assert_eq(rc, HV_OK, "%s", e.msg);
    cr_assert_eq(catalog_finish(a, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(catalog_finish(b, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(a->n, b->n);
    for (uint32_t r = 0; r < a->n; r++) {
        uint32_t s = catalog_find(b, catalog_id(a, r));
        cr_assert_neq(s, HV_NO_ROW);
        cr_assert_eq(a->likes[r], b->likes[s]);
        cr_assert_eq(a->downloads[r], b->downloads[s]);
        cr_assert_eq(a->created_at[r], b->created_at[s]);
        cr_assert_eq(a->has[r], b->has[s], "row %u", r);
        cr_assert_eq(csr_len(&a->tags, r), csr_len(&b->tags, s));
        cr_assert_eq(csr_len(&a->licenses, r), csr_len(&b->licenses, s));
        cr_assert_eq(csr_len(&a->languages, r), csr_len(&b->languages, s));
        cr_assert_eq(csr_len(&a->parents[HV_REL_FINETUNE], r), csr_len(&b->parents[HV_REL_FINETUNE], s));
    }
    catalog_free(a);
    catalog_free(b);
    ingest_report_free(&ra);
    ingest_report_free(&rb);
}

Test(parquet, ingest_without_model_id_column_names_the_columns_looked_for) {
    hv_ingest_report rep;
    hv_err e = {0};
    int rc;
    hv_catalog *c = ingest("no_model_id.parquet", false, &rep, &rc, &e);
    cr_assert_eq(rc, HV_EINPUT);
    cr_assert(strstr(e.msg, "no_model_id.parquet: no model_id column (looked for model_id, modelId, id)"), "%s", e.msg);
    catalog_free(c);
    ingest_report_free(&rep);
}

Test(parquet, ingest_invalid_utf8_is_a_bad_row) {
    hv_ingest_report rep;
    hv_err e = {0};
    int rc;
    hv_catalog *c = ingest("bad_utf8.parquet", false, &rep, &rc, &e);
    cr_assert_eq(rc, HV_EINPUT);
    cr_assert(strstr(e.msg, "bad_utf8.parquet: row 2: "), "%s", e.msg);
    catalog_free(c);
    ingest_report_free(&rep);

    c = ingest("bad_utf8.parquet", true, &rep, &rc, &e);
    cr_assert_eq(rc, HV_OK, "%s", e.msg);
    cr_assert_eq(rep.rows, 4);
    cr_assert_eq(rep.rows_added, 3);
    cr_assert_eq(rep.rows_skipped, 1);
    catalog_free(c);
    ingest_report_free(&rep);
}

Test(parquet, ingest_corrupt_page_fails_with_its_place) {
    hv_ingest_report rep;
    hv_err e = {0};
    int rc;
    hv_catalog *c = ingest("bad_dict_index.parquet", true, &rep, &rc, &e);
    cr_assert_eq(rc, HV_EINPUT, "skip_bad_rows must not hide a corrupt file");
    cr_assert(strstr(e.msg, "row group 0, column 0 (model_id), page 2"), "%s", e.msg);
    catalog_free(c);
    ingest_report_free(&rep);
}

Test(parquet, ingest_reports_unknown_columns) {
    hv_ingest_report rep;
    hv_err e = {0};
    int rc;
    hv_catalog *c = ingest("types_v1.parquet", false, &rep, &rc, &e);
    cr_assert_eq(rc, HV_OK, "%s", e.msg);
    cr_assert_eq(rep.rows_added, 24);
    bool seen = false;
    for (size_t i = 0; i < rep.n_unknown_columns; i++) seen |= strcmp(rep.unknown_columns[i], "ts_ms") == 0;
    cr_assert(seen);
    catalog_free(c);
    ingest_report_free(&rep);
}
