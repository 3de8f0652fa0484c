/* test_pylist.c - list cells in their three spellings. */
#include <criterion/criterion.h>

#include "ingest/pylist.h"

static hv_arena mem;
static hv_svlist out;
static hv_err err;

static void setup(void) {
    memset(&mem, 0, sizeof mem);
    memset(&out, 0, sizeof out);
    memset(&err, 0, sizeof err);
}
static void teardown(void) {
    arena_free(&mem);
    hv_svlist_free(&out);
}

TestSuite(pylist, .init = setup, .fini = teardown);

static int parse(const char *cell) { return pylist_parse(hv_sv_cstr(cell), &out, &mem, &err); }
static int parse_n(const char *cell, size_t n) { return pylist_parse(hv_sv_make(cell, n), &out, &mem, &err); }

static void expect_items(const char *const *want, size_t n) {
    cr_assert_eq(out.n, n, "got %zu items, want %zu", out.n, n);
    for (size_t i = 0; i < n; i++)
        cr_assert(hv_sv_eq_cstr(out.v[i], want[i]), "item %zu is '%.*s', want '%s'", i, (int)out.v[i].n,
                  out.v[i].p, want[i]);
}
#define EXPECT(...)                                                       \
    do {                                                                  \
        const char *const want_[] = {__VA_ARGS__};                        \
        expect_items(want_, sizeof want_ / sizeof want_[0]);              \
    } while (0)

Test(pylist, python_repr_with_single_quotes) {
    cr_assert_eq(parse("['apache-2.0', 'mit']"), HV_OK);
    EXPECT("apache-2.0", "mit");
}

Test(pylist, empty_list_and_null_spellings_give_no_items) {
    const char *cells[] = {"[]", "[ ]", "", "   ", "nan", "NaN", "None", "null", " [] "};
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
        cr_assert_eq(parse(cells[i]), HV_OK, "cell '%s': %s", cells[i], err.msg);
        cr_assert_eq(out.n, 0, "cell '%s' gave items", cells[i]);
    }
}

Test(pylist, double_quoted_item_with_apostrophe) {
    cr_assert_eq(parse("[\"it's\", 'b']"), HV_OK);
    EXPECT("it's", "b");
}

Test(pylist, python_escapes) {
    cr_assert_eq(parse("['a\\'b', 'c\\\\d', 'e\\\"f', 'g\\nh\\ti\\rj']"), HV_OK, "%s", err.msg);
    EXPECT("a'b", "c\\d", "e\"f", "g\nh\ti\rj");
}

Test(pylist, hex_and_unicode_escapes_are_code_points) {
    /* Python's \xe9 is U+00E9, not the byte 0xE9 */
    cr_assert_eq(parse("['caf\\xe9', '\\u4e2d\\u6587', '\\U0001F600']"), HV_OK, "%s", err.msg);
    EXPECT("caf\xC3\xA9", "\xE4\xB8\xAD\xE6\x96\x87", "\xF0\x9F\x98\x80");
}

Test(pylist, octal_escape) {
    cr_assert_eq(parse("['a\\101b', '\\7']"), HV_OK, "%s", err.msg);
    EXPECT("aAb", "\a");
}

Test(pylist, unicode_passes_through) {
    cr_assert_eq(parse("['日本語', 'français']"), HV_OK);
    EXPECT("日本語", "français");
}

Test(pylist, json_array_with_surrogate_pair) {
    cr_assert_eq(parse("[\"a\\/b\", \"\\ud83d\\ude00\", \"x\"]"), HV_OK, "%s", err.msg);
    EXPECT("a/b", "\xF0\x9F\x98\x80", "x");
}

Test(pylist, lone_surrogate_is_an_error) {
    cr_assert_eq(parse("[\"\\ud83d\"]"), HV_EINPUT);
    cr_assert(strstr(err.msg, "surrogate"), "%s", err.msg);
    cr_assert_eq(parse("[\"\\ude00x\"]"), HV_EINPUT);
}

Test(pylist, none_and_nan_items_are_skipped) {
    cr_assert_eq(parse("['a', None, nan, 'b', null]"), HV_OK, "%s", err.msg);
    EXPECT("a", "b");
}

Test(pylist, numbers_and_booleans_keep_their_text) {
    cr_assert_eq(parse("[1, 2.5, True]"), HV_OK, "%s", err.msg);
    EXPECT("1", "2.5", "True");
}

Test(pylist, trailing_comma_and_whitespace) {
    cr_assert_eq(parse("  [ 'a' ,\n 'b', ]  "), HV_OK, "%s", err.msg);
    EXPECT("a", "b");
}

Test(pylist, bare_value_is_one_item) {
    cr_assert_eq(parse(" apache-2.0 "), HV_OK);
    EXPECT("apache-2.0");
}

Test(pylist, items_are_appended_to_the_list) {
    cr_assert_eq(parse("['a']"), HV_OK);
    cr_assert_eq(parse("['b']"), HV_OK);
    EXPECT("a", "b");
}

Test(pylist, items_do_not_point_into_the_cell) {
    char cell[] = "['abc']";
    cr_assert_eq(parse(cell), HV_OK);
    memset(cell, 'x', sizeof cell - 1);
    EXPECT("abc");
}

Test(pylist, nul_byte_inside_item_is_kept) {
    cr_assert_eq(parse_n("['a\0b']", 7), HV_OK);
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.v[0].n, 3);
}

Test(pylist, nested_list_is_rejected_with_offset) {
    cr_assert_eq(parse("['a', ['b']]"), HV_EINPUT);
    cr_assert(strstr(err.msg, "nested"), "%s", err.msg);
    cr_assert(strstr(err.msg, "byte 6"), "%s", err.msg);
}

Test(pylist, dict_is_rejected) {
    cr_assert_eq(parse("[{'a': 1}]"), HV_EINPUT);
}

Test(pylist, unterminated_string_is_an_error_with_offset) {
    cr_assert_eq(parse("['abc', 'de"), HV_EINPUT);
    cr_assert(strstr(err.msg, "unterminated"), "%s", err.msg);
    cr_assert(strstr(err.msg, "byte 8"), "%s", err.msg);
}

Test(pylist, missing_closing_bracket) {
    cr_assert_eq(parse("['a', 'b'"), HV_EINPUT);
    cr_assert(strstr(err.msg, "']'"), "%s", err.msg);
}

Test(pylist, text_after_the_list_is_an_error) {
    cr_assert_eq(parse("['a'] junk"), HV_EINPUT);
}

Test(pylist, missing_comma_is_an_error) {
    cr_assert_eq(parse("['a' 'b']"), HV_EINPUT);
}

Test(pylist, unquoted_word_is_an_error) {
    cr_assert_eq(parse("[apache]"), HV_EINPUT);
}

Test(pylist, bad_escapes_are_errors) {
    cr_assert_eq(parse("['\\xZZ']"), HV_EINPUT);
    cr_assert_eq(parse("['\\u12']"), HV_EINPUT);
    cr_assert_eq(parse("['\\UFFFFFFFF']"), HV_EINPUT);
    cr_assert_eq(parse("['abc\\"), HV_EINPUT);
}

Test(pylist, unknown_escape_keeps_the_backslash) {
    cr_assert_eq(parse("['a\\qb']"), HV_OK);
    EXPECT("a\\qb");
}
