/* test_serve_params.c - the JSON writer and the server's parameter checks,
 * called directly (no socket): escaping, invalid UTF-8, nesting, bounds. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "serve/serve.h"

static char *text(hv_buf *b) {
    char *s = malloc(b->n + 1);
    memcpy(s, b->p, b->n);
    s[b->n] = 0;
    return s;
}

Test(jsonw, commas_colons_and_nesting) {
    hv_buf b = {0};
    hv_jw w;
    jw_init(&w, &b);
    jw_obj(&w);
    jw_key(&w, "a");
    jw_int(&w, -3);
    jw_key(&w, "b");
    jw_arr(&w);
    jw_uint(&w, 1);
    jw_bool(&w, true);
    jw_null(&w);
    jw_obj(&w);
    jw_obj_end(&w);
    jw_arr_end(&w);
    jw_key(&w, "c");
    jw_num(&w, 0.5);
    jw_key(&w, "d");
    jw_num(&w, 1.0 / 0.0); /* not finite -> null */
    jw_key(&w, "e");
    jw_raw(&w, hv_sv_cstr("{\"x\":1}"));
    jw_key(&w, "f");
    jw_arr(&w);
    jw_int(&w, INT64_MIN);
    jw_int(&w, INT64_MAX);
    jw_uint(&w, UINT64_MAX);
    jw_int(&w, 0);
    jw_arr_end(&w);
    jw_obj_end(&w);
    cr_assert(!w.failed);
    char *s = text(&b);
    cr_assert_str_eq(s, "{\"a\":-3,\"b\":[1,true,null,{}],\"c\":0.5,\"d\":null,\"e\":{\"x\":1},"
                        "\"f\":[-9223372036854775808,9223372036854775807,18446744073709551615,0]}");
    free(s);
    hv_buf_free(&b);
}

Test(jsonw, strings_are_escaped_and_always_valid_utf8) {
    hv_buf b = {0};
    hv_jw w;
    jw_init(&w, &b);
    jw_arr(&w);
    jw_str(&w, hv_sv_make("q\"b\\n\n\t\x01", 8));
    jw_str(&w, hv_sv_cstr("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80")); /* valid: kept */
    jw_str(&w, hv_sv_make("a\xff" "b\xc3", 4));                       /* invalid bytes -> U+FFFD */
    jw_str(&w, hv_sv_cstr("\xed\xa0\x80"));                            /* a surrogate -> U+FFFD x3 */
    jw_cstr(&w, NULL);
    jw_arr_end(&w);
    char *s = text(&b);
    cr_assert_str_eq(s, "[\"q\\\"b\\\\n\\n\\t\\u0001\",\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\","
                        "\"a\xef\xbf\xbd" "b\xef\xbf\xbd\",\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\",null]");
    free(s);
    hv_buf_free(&b);
}

/* jw_num prints what %.9g prints (as a number) over the ranges it handles
 * itself and falls back to printf elsewhere. */
Test(jsonw, numbers_match_printf) {
    double vals[] = {0.5, -0.25, 1.0 / 3, 2.0 / 3, 123456.789, 0.000123456789, 0.0001, 0.966218054, 999999999.7,
                     0.09999999999, 1e-5, 3e12, -7.0, 42.0, 1e9, 0.1, 12.5, 0.0337819457, -0.999999999};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        hv_buf b = {0};
        hv_jw w;
        jw_init(&w, &b);
        jw_num(&w, vals[i]);
        char *s = text(&b), want[64];
        snprintf(want, sizeof want, "%.9g", vals[i]);
        cr_assert_float_eq(strtod(s, NULL), strtod(want, NULL), fabs(vals[i]) * 1e-9 + 1e-15, "%s vs %s", s, want);
        cr_assert(strlen(s) <= 16, "%s", s);
        free(s);
        hv_buf_free(&b);
    }
}

Test(jsonw, a_full_buffer_or_bad_nesting_is_reported) {
    hv_buf b = {0};
    b.max = 16;
    hv_jw w;
    jw_init(&w, &b);
    jw_arr(&w);
    for (int i = 0; i < 100; i++) jw_int(&w, i);
    jw_arr_end(&w);
    cr_assert(w.failed);
    hv_buf_free(&b);
    hv_buf c = {0};
    jw_init(&w, &c);
    jw_arr_end(&w); /* closing what was never opened */
    cr_assert(w.failed);
    hv_buf_free(&c);
}

static hv_req req1(const char *k, const char *v) {
    hv_req rq;
    memset(&rq, 0, sizeof rq);
    rq.method = "GET";
    rq.path = "/api/x";
    rq.args[0].k = k;
    rq.args[0].v = v;
    rq.nargs = 1;
    return rq;
}

Test(params, integers_are_bounded_and_errors_name_the_parameter) {
    hv_resp rs;
    uint32_t u;
    int64_t i;
    hv_req rq = req1("limit", "50");
    resp_init(&rs);
    cr_assert_eq(arg_u32(&rq, &rs, "limit", 10, 1, 1000, &u), 0);
    cr_assert_eq(u, 50);
    cr_assert_eq(arg_u32(&rq, &rs, "absent", 10, 1, 1000, &u), 0);
    cr_assert_eq(u, 10);
    const char *bad[] = {"0", "1001", "-1", "abc", "", "12x", "99999999999999999999", "1e3", " 5"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        rq = req1("limit", bad[k]);
        resp_free(&rs);
        resp_init(&rs);
        cr_assert_eq(arg_u32(&rq, &rs, "limit", 10, 1, 1000, &u), -1, "%s accepted", bad[k]);
        cr_assert_eq(rs.status, 400);
        cr_assert(memmem(rs.body.p, rs.body.n, "limit", 5), "error does not name the parameter");
    }
    rq = req1("n", "-9223372036854775807");
    cr_assert_eq(arg_i64(&rq, &rs, "n", 0, INT64_MIN, INT64_MAX, &i), 0);
    cr_assert_eq(i, -INT64_MAX);
    resp_free(&rs);
}

Test(params, numbers_booleans_enums_strings) {
    hv_resp rs;
    resp_init(&rs);
    double d;
    bool b;
    int e;
    const char *s;
    hv_req rq = req1("x", "0.25");
    cr_assert_eq(arg_f64(&rq, &rs, "x", 0, 0, 1, &d), 0);
    cr_assert_float_eq(d, 0.25, 1e-12);
    rq = req1("x", "nan");
    cr_assert_eq(arg_f64(&rq, &rs, "x", 0, 0, 1, &d), -1);
    rq = req1("x", "inf");
    cr_assert_eq(arg_f64(&rq, &rs, "x", 0, -1e300, 1e300, &d), -1);
    rq = req1("b", "false");
    cr_assert_eq(arg_bool(&rq, &rs, "b", true, &b), 0);
    cr_assert(!b);
    rq = req1("b", "maybe");
    cr_assert_eq(arg_bool(&rq, &rs, "b", true, &b), -1);
    static const char *const names[] = {"asc", "desc", NULL};
    rq = req1("order", "desc");
    cr_assert_eq(arg_enum(&rq, &rs, "order", names, 0, &e), 0);
    cr_assert_eq(e, 1);
    rq = req1("order", "up");
    cr_assert_eq(arg_enum(&rq, &rs, "order", names, 0, &e), -1);
    rq = req1("q", "abcdef");
    cr_assert_eq(arg_str(&rq, &rs, "q", 6, &s), 0);
    cr_assert_eq(arg_str(&rq, &rs, "q", 5, &s), -1);
    resp_free(&rs);
}

Test(params, dates_take_months_days_and_timestamps) {
    hv_resp rs;
    resp_init(&rs);
    int64_t t;
    hv_req rq = req1("d", "2024-02");
    cr_assert_eq(arg_date(&rq, &rs, "d", 0, false, &t), 0);
    cr_assert_eq(t, 1706745600); /* 2024-02-01T00:00:00Z */
    cr_assert_eq(arg_date(&rq, &rs, "d", 0, true, &t), 0);
    cr_assert_eq(t, 1709251199); /* 2024-02-29T23:59:59Z: the whole month */
    rq = req1("d", "2024-12");
    cr_assert_eq(arg_date(&rq, &rs, "d", 0, true, &t), 0);
    cr_assert_eq(t, 1735689599); /* 2024-12-31T23:59:59Z */
    rq = req1("d", "2024-02-03");
    cr_assert_eq(arg_date(&rq, &rs, "d", 0, true, &t), 0);
    cr_assert_eq(t, 1706918400 + 86399);
    const char *bad[] = {"2024-13", "2024", "yesterday", "2024-02-30x", ""};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        rq = req1("d", bad[k]);
        cr_assert_eq(arg_date(&rq, &rs, "d", 0, false, &t), -1, "%s accepted", bad[k]);
    }
    resp_free(&rs);
}
