/* ingest_test_util.h - shared helpers of the reader tests (header only). */
#ifndef HV_INGEST_TEST_UTIL_H
#define HV_INGEST_TEST_UTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "ingest/ingest.h"

#define FIXTURE(rel) HV_SOURCE_DIR "/tests/fixtures/" rel

/* The row of id, failing the test when it is absent. */
static inline uint32_t row_of(const hv_catalog *c, const char *id) {
    uint32_t r = catalog_find(c, hv_sv_cstr(id));
    cr_assert_neq(r, HV_NO_ROW, "model %s is not in the catalog", id);
    return r;
}

static inline bool str_is(const hv_catalog *c, uint32_t sid, const char *want) {
    return hv_sv_eq_cstr(catalog_str(c, sid), want);
}

/* Does row r's list l hold the string want (strs pool)? */
static inline bool list_has(const hv_catalog *c, const hv_csr *l, uint32_t r, const char *want) {
    for (uint64_t i = l->off[r]; i < l->off[r + 1]; i++)
        if (str_is(c, l->val[i], want)) return true;
    return false;
}

/* Does row r declare parent (ids pool) in relation rel? */
static inline bool parent_is(const hv_catalog *c, uint32_t r, hv_relation rel, const char *parent) {
    const hv_csr *l = &c->parents[rel];
    for (uint64_t i = l->off[r]; i < l->off[r + 1]; i++)
        if (hv_sv_eq_cstr(strpool_get(c->ids, l->val[i]), parent)) return true;
    return false;
}

/* Write text to a temporary file; returns its path (static buffer). */
static inline const char *temp_file(const char *text, size_t n, const char *suffix) {
    static char path[256];
    snprintf(path, sizeof path, "/tmp/hv_ingest_test_%d_XXXXXX%s", (int)getpid(), suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

/* The reader-under-test fixture: a file that defines READER_FN (e.g.
 * ingest_csv) and READER_FMT before including this header gets a fresh
 * catalog and report per test (TestSuite(x, .init = reader_setup,
 * .fini = reader_teardown)), load(path) and finish(). */
#ifdef READER_FN
static hv_catalog *cat;
static hv_ingest_report rep;
static hv_err err;
static hv_ingest_opts opts;

static void reader_setup(void) {
    cat = catalog_new();
    cr_assert(cat);
    memset(&err, 0, sizeof err);
    memset(&opts, 0, sizeof opts);
    ingest_report_init(&rep, "x", READER_FMT);
}

static void reader_teardown(void) {
    catalog_free(cat);
    ingest_report_free(&rep);
}

static __attribute__((unused)) int load(const char *path) {
    ingest_report_free(&rep);
    ingest_report_init(&rep, path, READER_FMT);
    return READER_FN(cat, path, &opts, &rep, &err);
}

static __attribute__((unused)) void finish(void) { cr_assert_eq(catalog_finish(cat, &err), HV_OK, "%s", err.msg); }
#endif

#endif
