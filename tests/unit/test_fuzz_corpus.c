/* test_fuzz_corpus.c - replay every committed fuzz corpus file through the
 * fuzz targets' entry points, so a crash once found stays fixed: in the
 * sanitizer build of `make test` a regression shows up as an ASan report. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "embed/bert/safetensors.h"
#include "embed/bert/wordpiece.h"
#include "ingest/frontmatter.h"
#include "ingest/ingest.h"
#include "ingest/pylist.h"
#include "mapfile/map.h"
#include "../fuzz/mapfix.h"

#define CORPUS HV_SOURCE_DIR "/tests/fuzz/corpus/"

typedef void (*replay_fn)(const char *name, const char *data, size_t n);

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)len + 1);
    if (p && fread(p, 1, (size_t)len, f) != (size_t)len) { free(p); p = NULL; }
    fclose(f);
    *n = (size_t)len;
    return p;
}

/* Each file of corpus/<dir>; returns how many were replayed. */
static size_t each_file(const char *dir, replay_fn fn) {
    char path[4096];
    snprintf(path, sizeof path, "%s%s", CORPUS, dir);
    DIR *d = opendir(path);
    if (!d) return 0;
    size_t count = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s%s/%s", CORPUS, dir, de->d_name);
        size_t n;
        char *data = slurp(path, &n);
        if (!data) continue;
        fn(de->d_name, data, n);
        free(data);
        count++;
    }
    closedir(d);
    return count;
}

static void replay_pylist(const char *name, const char *data, size_t n) {
    hv_arena mem = {0};
    hv_svlist out = {0};
    hv_err e = {0};
    int rc = pylist_parse(hv_sv_make(data, n), &out, &mem, &e);
    cr_expect(rc == HV_OK || rc == HV_EINPUT, "pylist %s: rc %d", name, rc);
    hv_svlist_free(&out);
    arena_free(&mem);
}

static void replay_frontmatter(const char *name, const char *data, size_t n) {
    hv_arena mem = {0};
    hv_frontmatter fm = {0};
    hv_err e = {0};
    int rc = frontmatter_parse(hv_sv_make(data, n), &fm, &mem, &e);
    cr_expect(rc == HV_OK || rc == HV_EINPUT, "frontmatter %s: rc %d", name, rc);
    frontmatter_free(&fm);
    arena_free(&mem);
}

typedef int (*reader_fn)(hv_catalog *, const char *, const hv_ingest_opts *, hv_ingest_report *, hv_err *);

/* As in tests/fuzz/fuzz_input.h: byte 0 picks skip_bad_rows, the rest is the file. */
static void replay_reader(reader_fn fn, const char *what, const char *name, const char *data, size_t n) {
    if (n < 1) return;
    hv_ingest_opts o = {.skip_bad_rows = data[0] & 1};
    int fd = memfd_create("replay", 0);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, data + 1, n - 1), (ssize_t)(n - 1));
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    hv_catalog *c = catalog_new();
    hv_ingest_report rep;
    ingest_report_init(&rep, path, HV_FMT_AUTO);
    hv_err e = {0};
    int rc = fn(c, path, &o, &rep, &e);
    cr_expect(rc == HV_OK || rc == HV_EINPUT, "%s %s: rc %d: %s", what, name, rc, e.msg);
    if (rc == HV_OK) catalog_finish(c, &e);
    ingest_report_free(&rep);
    catalog_free(c);
    close(fd);
}

static void replay_csv(const char *name, const char *data, size_t n) { replay_reader(ingest_csv, "csv", name, data, n); }
static void replay_jsonl(const char *name, const char *data, size_t n) { replay_reader(ingest_jsonl, "jsonl", name, data, n); }

/* Parquet files in the corpus are whole files (no option byte). */
static void replay_parquet(const char *name, const char *data, size_t n) {
    int fd = memfd_create("replay", 0);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, data, n), (ssize_t)n);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    hv_catalog *c = catalog_new();
    hv_ingest_report rep;
    hv_ingest_opts o = {.skip_bad_rows = true, .format = HV_FMT_PARQUET};
    hv_err e = {0};
    int rc = ingest_file(c, path, &o, &rep, &e);
    cr_expect(rc == HV_OK || rc == HV_EINPUT, "parquet %s: rc %d: %s", name, rc, e.msg);
    if (rc == HV_OK) catalog_finish(c, &e);
    ingest_report_free(&rep);
    catalog_free(c);
    close(fd);
}

/* as tests/fuzz/fuzz_safetensors.c: the bytes as a file */
static void replay_safetensors(const char *name, const char *data, size_t n) {
    char path[64];
    snprintf(path, sizeof path, "/tmp/hv-corpus-st-%d", (int)getpid());
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    fwrite(data, 1, n, f);
    fclose(f);
    hv_safetensors *st;
    hv_err e = {0};
    if (st_open(path, &st, &e) == HV_OK) {
        for (size_t i = 0; i < st_count(st); i++) {
            const hv_st_tensor *t = st_tensor(st, i);
            if ((t->dtype == HV_ST_F32 || t->dtype == HV_ST_F16 || t->dtype == HV_ST_BF16) && t->numel < (1u << 20)) {
                float *v = malloc((t->numel ? t->numel : 1) * sizeof *v);
                cr_expect_eq(st_to_f32(t, v, t->numel, &e), HV_OK, "%s: %s", name, e.msg);
                free(v);
            }
        }
        st_close(st);
    } else {
        cr_expect(e.code == HV_EINPUT || e.code == HV_EIO, "%s: code %d", name, e.code);
    }
    unlink(path);
}

/* as tests/fuzz/fuzz_wordpiece.c: the first byte picks the options */
static void replay_wordpiece(const char *name, const char *data, size_t n) {
    static const char vocab[] = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\nmodel\n##s\n##ing\nun\n##aff\n##able\n"
                                "a\nb\nc\n##a\n##b\n##c\n.\n,\n!\n我\n爱\ne\n##e\n";
    if (n < 1) return;
    hv_wp_opts o;
    wp_opts_default(&o);
    o.do_lower_case = data[0] & 1;
    o.strip_accents = ((unsigned char)data[0] >> 1) % 3 - 1;
    o.tokenize_chinese_chars = ((unsigned char)data[0] >> 3) & 1;
    uint32_t max_len = 2 + ((unsigned char)data[0] >> 4) * 8, ids[2 + 15 * 8], k = 0;
    hv_wordpiece *wp;
    hv_err e = {0};
    cr_assert_eq(wp_load_mem(vocab, sizeof vocab - 1, "vocab", &o, &wp, &e), HV_OK, "%s", e.msg);
    cr_expect_eq(wp_encode(wp, data + 1, n - 1, max_len, ids, &k, &e), HV_OK, "%s: %s", name, e.msg);
    cr_expect(k >= 2 && k <= max_len && ids[0] == wp_cls_id(wp) && ids[k - 1] == wp_sep_id(wp), "%s", name);
    wp_free(wp);
}

Test(fuzz_corpus, safetensors_corpus_replays) { cr_expect_gt(each_file("safetensors", replay_safetensors), 0); }
Test(fuzz_corpus, wordpiece_corpus_replays) { cr_expect_gt(each_file("wordpiece", replay_wordpiece), 0); }

Test(fuzz_corpus, pylist_corpus_replays) { cr_expect_gt(each_file("pylist", replay_pylist), 0); }
Test(fuzz_corpus, frontmatter_corpus_replays) { cr_expect_gt(each_file("frontmatter", replay_frontmatter), 0); }
Test(fuzz_corpus, csv_corpus_replays) { cr_expect_gt(each_file("csv", replay_csv), 0); }
Test(fuzz_corpus, jsonl_corpus_replays) { cr_expect_gt(each_file("jsonl", replay_jsonl), 0); }
Test(fuzz_corpus, parquet_corpus_replays) {
    if (access(CORPUS "parquet", R_OK) != 0) cr_skip_test("no parquet corpus");
    each_file("parquet", replay_parquet);
}

/* The map corpus as files on disk, opened like any map; a damaged one must
 * be refused (the fuzz target also fixes up checksums: see fuzz_mapfile.c). */
static void replay_mapfile(const char *name, const char *data, size_t n) {
    char path[128];
    snprintf(path, sizeof path, "/tmp/hv_corpus_map_%d", (int)getpid());
    uint8_t *d = malloc(n ? n : 1);
    cr_assert_not_null(d);
    memcpy(d, data, n);
    fix_checksums(d, n);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    if (n) cr_assert_eq(fwrite(d, 1, n, f), n);
    fclose(f);
    free(d);
    hv_map m;
    hv_err e;
    int rc = map_open(path, true, &m, &e);
    cr_expect(rc == HV_OK || rc == HV_EINPUT, "%s: map_open returned %d", name, rc);
    if (rc == HV_OK) {
        for (uint32_t r = 0; r < m.n; r++) cr_expect_eq(map_find(&m, map_id(&m, r)), r, "%s", name);
        map_close(&m);
    }
    unlink(path);
}

Test(fuzz_corpus, mapfile_corpus_replays) { cr_expect_gt(each_file("mapfile", replay_mapfile), 0); }
