/* test_track.c - the model-count store and its statistics, called directly:
 * the t quantile against published values, the value -> count table, the
 * database's refusals (not SQLite, someone else's tables, a newer schema),
 * and growth / forecast numbers recomputed here from hand-chosen snapshots. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "track/track.h"

static char tmpdir[64];

static void mk(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hv-track-XXXXXX");
    cr_assert(mkdtemp(tmpdir));
}
static void rm(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    cr_assert(system(cmd) == 0);
}

static const char *path(const char *name) {
    static char p[128];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    return p;
}

Test(track, t_quantile_matches_tables) {
    /* t(0.975, df) as statistical tables give them */
    const double df[] = {1, 2, 3, 4, 5, 10, 30, 120};
    const double want[] = {12.7062047, 4.30265273, 3.18244631, 2.77644511, 2.57058184, 2.22813885, 2.04227246, 1.97993041};
    for (size_t i = 0; i < sizeof df / sizeof df[0]; i++)
        cr_expect(fabs(track_t975(df[i]) - want[i]) < 1e-6, "df %g: %.9f, want %.9f", df[i], track_t975(df[i]), want[i]);
    cr_expect(fabs(track_t975(1e6) - 1.959966) < 1e-5);
}

Test(track, counts_table_grows_and_finds) {
    hv_counts c = {0};
    char v[32];
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 5000; i++) {
            int n = snprintf(v, sizeof v, "lib-%d", i);
            cr_assert(counts_add(&c, v, (size_t)n, i) == 0);
        }
    cr_assert_eq(c.n, 5000);
    cr_expect_eq(counts_get(&c, "lib-4999"), 3 * 4999);
    cr_expect_eq(counts_get(&c, "lib-0"), 0);
    cr_expect_eq(counts_get(&c, "absent"), 0);
    cr_expect_eq(counts_set(&c, "lib-7", 5), 1);
    cr_expect_eq(counts_set(&c, "new", 9), 0);
    cr_expect_eq(counts_get(&c, "lib-7"), 5);
    cr_expect_eq(counts_get(&c, "new"), 9);
    hv_snapshot s;
    snapshot_init(&s);
    s.by[0] = c;
    snapshot_free(&s);
}

Test(track, refuses_files_that_are_not_its_database, .init = mk, .fini = rm) {
    /* not SQLite: refused, and the file is left as it was */
    FILE *f = fopen(path("notes.db"), "w");
    cr_assert(f);
    fputs("these are my notes, not a database\n", f);
    fclose(f);
    hv_tdb *db;
    hv_err e = {0, ""};
    cr_expect_eq(tdb_open(path("notes.db"), &db, &e), HV_EINPUT);
    cr_expect(strstr(e.msg, "not a SQLite database"), "%s", e.msg);
    f = fopen(path("notes.db"), "r");
    char buf[64] = "";
    cr_assert(fgets(buf, sizeof buf, f));
    fclose(f);
    cr_expect_str_eq(buf, "these are my notes, not a database\n");
    cr_expect(access(path("notes.db-wal"), F_OK) != 0);

    /* someone else's SQLite database */
    sqlite3 *h;
    cr_assert(sqlite3_open(path("other.db"), &h) == SQLITE_OK);
    cr_assert(sqlite3_exec(h, "CREATE TABLE invoices (n INTEGER)", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(h);
    cr_expect_eq(tdb_open(path("other.db"), &db, &e), HV_EINPUT);
    cr_expect(strstr(e.msg, "invoices"), "%s", e.msg);

    /* a newer schema */
    cr_assert(tdb_open(path("counts.db"), &db, &e) == 0, "%s", e.msg);
    tdb_close(db);
    cr_assert(sqlite3_open(path("counts.db"), &h) == SQLITE_OK);
    cr_assert(sqlite3_exec(h, "PRAGMA user_version = 7", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(h);
    cr_expect_eq(tdb_open(path("counts.db"), &db, &e), HV_EINPUT);
    cr_expect(strstr(e.msg, "newer"), "%s", e.msg);

    /* a folder */
    cr_expect_eq(tdb_open(tmpdir, &db, &e), HV_EINPUT);
}

static void add(hv_tdb *db, int64_t t, int64_t total, int64_t transformers, int64_t gguf) {
    hv_snapshot s;
    snapshot_init(&s);
    s.taken_at = t;
    s.source = TRACK_SOURCE_HUB;
    snprintf(s.origin, sizeof s.origin, "http://hub.test");
    s.total = total;
    cr_assert(counts_set(&s.by[TRACK_FACET_LIBRARY], "transformers", transformers) >= 0);
    if (gguf) cr_assert(counts_set(&s.by[TRACK_FACET_LIBRARY], "gguf", gguf) >= 0);
    cr_assert(counts_set(&s.by[TRACK_FACET_PIPELINE], "text-generation", total / 2) >= 0);
    int64_t id;
    hv_err e = {0, ""};
    cr_assert(tdb_insert(db, &s, &id, &e) == 0, "%s", e.msg);
    snapshot_free(&s);
}

static cJSON *growth(hv_tdb *db, uint32_t days, uint32_t fdays, bool expo, int *rc) {
    hv_buf b = {0};
    hv_jw w;
    jw_init(&w, &b);
    hv_growth_opts o = {-1, days, 10, fdays, expo};
    hv_err e = {0, ""};
    *rc = track_growth_json(db, &o, &w, &e);
    cJSON *j = NULL;
    if (*rc == 0) {
        hv_buf_putc(&b, 0);
        j = cJSON_Parse((const char *)b.p);
        cr_assert(j, "not JSON: %s", (const char *)b.p);
    }
    hv_buf_free(&b);
    return j;
}

static double num(const cJSON *j, const char *k) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
    cr_assert(cJSON_IsNumber(v), "no number %s", k);
    return v->valuedouble;
}

Test(track, growth_uses_the_elapsed_time_and_forecasts, .init = mk, .fini = rm) {
    hv_tdb *db;
    hv_err e = {0, ""};
    cr_assert(tdb_open(path("g.db"), &db, &e) == 0, "%s", e.msg);
    int rc;
    cr_expect_null(growth(db, 30, 30, false, &rc));
    cr_expect_eq(rc, TRACK_NO_DATA);
    const int64_t T = 1767225600; /* 2026-01-01 */
    add(db, T, 1000, 600, 0);
    cr_expect_null(growth(db, 30, 30, false, &rc));
    cr_expect_eq(rc, TRACK_NO_DATA);
    /* four snapshots over 10.5 days (not the 30 asked for) */
    add(db, T + 3 * 86400, 1030, 610, 5);
    add(db, T + 7 * 86400, 1075, 630, 12);
    add(db, T + 21 * 43200, 1100, 640, 20);
    cJSON *j = growth(db, 30, 30, false, &rc);
    cr_assert_eq(rc, 0);
    cr_expect(!cJSON_IsTrue(cJSON_GetObjectItem(j, "window_covered")));
    double days = 10.5;
    cr_expect(fabs(num(j, "elapsed_days") - days) < 1e-9);
    cr_expect_eq(num(j, "total_growth"), 100);
    cr_expect(fabs(num(j, "daily_growth_avg") - 100 / days) < 1e-6);
    cr_expect(fabs(num(j, "growth_rate_percent") - 10.0) < 1e-6);
    cr_expect(fabs(num(j, "daily_growth_rate_percent") - 100 * (pow(1.1, 1 / days) - 1)) < 1e-6);
    /* by library: gguf starts at 0 (absent from the first snapshot), rate null */
    const cJSON *lib = cJSON_GetObjectItem(j, "by_library");
    cr_assert_eq(cJSON_GetArraySize(lib), 2);
    const cJSON *first = cJSON_GetArrayItem(lib, 0), *second = cJSON_GetArrayItem(lib, 1);
    cr_expect_str_eq(cJSON_GetObjectItem(first, "value")->valuestring, "transformers");
    cr_expect_eq(num(first, "growth"), 40);
    cr_expect_str_eq(cJSON_GetObjectItem(second, "value")->valuestring, "gguf");
    cr_expect_eq(num(second, "start"), 0);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(second, "growth_rate_percent")));
    /* the linear forecast, recomputed: x in days from the last snapshot */
    double x[4] = {-10.5, -7.5, -3.5, 0}, y[4] = {1000, 1030, 1075, 1100};
    double xb = 0, yb = 0, sxx = 0, sxy = 0, sse = 0;
    for (int i = 0; i < 4; i++) xb += x[i] / 4, yb += y[i] / 4;
    for (int i = 0; i < 4; i++) sxx += (x[i] - xb) * (x[i] - xb), sxy += (x[i] - xb) * (y[i] - yb);
    double b = sxy / sxx, a = yb - b * xb;
    for (int i = 0; i < 4; i++) sse += pow(y[i] - a - b * x[i], 2);
    double yhat = a + b * 30, half = 4.30265273 * sqrt(sse / 2) * sqrt(1 + 0.25 + (30 - xb) * (30 - xb) / sxx);
    const cJSON *f = cJSON_GetObjectItem(j, "forecast");
    cr_assert(cJSON_IsObject(f));
    cr_expect(fabs(num(f, "total") - yhat) < 1e-4, "%f vs %f", num(f, "total"), yhat);
    cr_expect(fabs(num(f, "lower") - (yhat - half)) < 1e-3);
    cr_expect(fabs(num(f, "upper") - (yhat + half)) < 1e-3);
    cr_expect(fabs(num(f, "slope_per_day") - b) < 1e-6);
    cJSON_Delete(j);

    /* a window of 5 days: starts at the newest snapshot at or before end - 5 d */
    j = growth(db, 5, 30, true, &rc);
    cr_assert_eq(rc, 0);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(j, "window_covered")));
    cr_expect(fabs(num(j, "elapsed_days") - 7.5) < 1e-9);
    cr_expect_eq(num(j, "total_growth"), 70);
    /* three points: the exponential model fits ln(total) */
    f = cJSON_GetObjectItem(j, "forecast");
    cr_assert(cJSON_IsObject(f));
    cr_expect_eq(num(f, "points"), 3);
    cJSON_Delete(j);
    j = growth(db, 1, 30, false, &rc); /* two snapshots only: no forecast, a note */
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(j, "forecast")));
    cr_expect(cJSON_IsString(cJSON_GetObjectItem(j, "forecast_note")));
    cJSON_Delete(j);
    tdb_close(db);
}
