/* test_core.c - interning, time parsing, UTF-8, buffers. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/cardstore.h"
#include "catalog/languages.h"
#include "core/buf.h"
#include "core/strpool.h"
#include "core/timeparse.h"
#include "core/utf8.h"

Test(strpool, interned_strings_get_stable_dense_ids) {
    hv_strpool *sp = strpool_new();
    uint32_t a, b, a2, none;
    cr_assert_eq(strpool_intern(sp, hv_sv_cstr("apache-2.0"), &a), 0);
    cr_assert_eq(strpool_intern(sp, hv_sv_cstr("mit"), &b), 0);
    cr_assert_eq(strpool_intern(sp, hv_sv_cstr("apache-2.0"), &a2), 0);
    cr_assert_eq(a, a2);
    cr_assert_neq(a, b);
    cr_assert_eq(strpool_find(sp, hv_sv_cstr(""), &none), 1);
    cr_assert_eq(none, 0, "id 0 is the empty string");
    hv_sv first = strpool_get(sp, a);
    for (int i = 0; i < 100000; i++) {
        char s[32];
        int n = snprintf(s, sizeof s, "tag-%d", i);
        uint32_t id;
        cr_assert_eq(strpool_intern(sp, hv_sv_make(s, (size_t)n), &id), 0);
    }
    cr_assert_eq(strpool_count(sp), 100003);
    cr_assert(hv_sv_eq_cstr(first, "apache-2.0"), "views survive growth");
    uint32_t id;
    cr_assert_eq(strpool_find(sp, hv_sv_cstr("tag-99999"), &id), 1);
    cr_assert(hv_sv_eq_cstr(strpool_get(sp, id), "tag-99999"));
    strpool_free(sp);
}

Test(timeparse, dataset_spellings) {
    int64_t t;
    cr_assert_eq(hv_parse_time(hv_sv_cstr("2025-01-29T08:29:22.000Z"), &t), 0);
    cr_assert_eq(t, 1738139362);
    cr_assert_eq(hv_parse_time(hv_sv_cstr("2025-01-29 08:29:22+00:00"), &t), 0);
    cr_assert_eq(t, 1738139362);
    cr_assert_eq(hv_parse_time(hv_sv_cstr("2025-01-29T10:29:22+02:00"), &t), 0);
    cr_assert_eq(t, 1738139362);
    cr_assert_eq(hv_parse_time(hv_sv_cstr("2022-03-02"), &t), 0);
    cr_assert_eq(t, 1646179200);
    cr_assert_eq(hv_parse_time(hv_sv_cstr("1738139362"), &t), 0);
    cr_assert_eq(t, 1738139362);
    cr_assert_neq(hv_parse_time(hv_sv_cstr("2025-13-01"), &t), 0);
    cr_assert_neq(hv_parse_time(hv_sv_cstr("2025-01-29T08:29:22Q"), &t), 0);
    cr_assert_neq(hv_parse_time(hv_sv_cstr("not a date"), &t), 0);
    char out[32];
    hv_format_time(1738139362, out);
    cr_assert_str_eq(out, "2025-01-29T08:29:22Z");
}

Test(utf8, rejects_overlongs_surrogates_and_truncation) {
    size_t at;
    cr_assert(hv_utf8_valid("caf\xc3\xa9 \xf0\x9f\x98\x80", 10, &at));
    cr_assert_not(hv_utf8_valid("a\xc0\xaf", 3, &at));
    cr_assert_eq(at, 1);
    cr_assert_not(hv_utf8_valid("\xed\xa0\x80", 3, &at));
    cr_assert_not(hv_utf8_valid("ab\xe2\x82", 4, &at));
    cr_assert_eq(at, 2);
}

Test(languages, iso_639_1_names_as_pycountry_spells_them) {
    cr_assert_eq(language_count(), 184);
    cr_assert_str_eq(language_name(hv_sv_cstr("en")), "English");
    cr_assert_str_eq(language_name(hv_sv_cstr("el")), "Modern Greek (1453-)");
    cr_assert_null(language_name(hv_sv_cstr("t5")));
    cr_assert_null(language_name(hv_sv_cstr("eng")), "3-letter codes never match (len == 2 test)");
}

Test(cardstore, round_trip_and_no_partial_file_on_abort) {
    char path[] = "/tmp/hv_cards_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    hv_err e;
    hv_cardstore_writer *w = cardstore_create(path, &e);
    cr_assert_not_null(w, "%s", e.msg);
    char big[5000];
    memset(big, 'x', sizeof big);
    uint32_t ids[200];
    for (int i = 0; i < 200; i++) {
        char card[64];
        int n = snprintf(card, sizeof card, "card number %d", i);
        hv_sv s = i % 7 == 0 ? hv_sv_make(big, sizeof big - (size_t)i) : hv_sv_make(card, (size_t)n);
        cr_assert_eq(cardstore_put(w, s, &ids[i], &e), HV_OK);
        cr_assert_eq(ids[i], (uint32_t)i);
    }
    cr_assert_eq(cardstore_close(w, &e), HV_OK, "%s", e.msg);
    hv_cardstore *s = cardstore_open(path, &e);
    cr_assert_not_null(s, "%s", e.msg);
    cr_assert_eq(cardstore_count(s), 200);
    hv_buf out = {0};
    cr_assert_eq(cardstore_get(s, 13, &out, &e), HV_OK);
    cr_assert_str_eq(out.p, "card number 13");
    cr_assert_eq(cardstore_get(s, 14, &out, &e), HV_OK);
    cr_assert_eq(out.n, sizeof big - 14);
    cr_assert_eq(cardstore_get(s, 200, &out, &e), HV_EINPUT);
    hv_buf_free(&out);
    cardstore_close_reader(s);

    /* a corrupt store is refused, not read */
    FILE *f = fopen(path, "r+b");
    fseek(f, -3, SEEK_END);
    fputc('Z', f);
    fclose(f);
    cr_assert_null(cardstore_open(path, &e));
    cr_assert_eq(e.code, HV_EINPUT);

    w = cardstore_create("/tmp/hv_cards_abort", &e);
    cardstore_put(w, hv_sv_cstr("x"), &ids[0], &e);
    cardstore_abort(w);
    cr_assert_eq(access("/tmp/hv_cards_abort.tmp", F_OK), -1);
    cr_assert_eq(access("/tmp/hv_cards_abort", F_OK), -1);
    remove(path);
}
