/* test_synth.c - hfviz synth: determinism, shape, and calibration.
 *
 * The calibration checks use 50k rows and tolerances wide enough for that
 * sample (a few points); at 1.86M rows the shares land much closer (see
 * bench/README.md for the measured numbers). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/strpool.h"
#include "ingest/record.h"
#include "synth/parquet_writer.h"
#include "synth/synth.h"
#include "synth/tables.h"

#define ROWS 50000

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)len + 1);
    cr_assert_not_null(p);
    cr_assert_eq(fread(p, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    p[len] = 0;
    *n = (size_t)len;
    return p;
}

static void write_file(const char *path, hv_synth_format fmt, uint64_t rows, uint64_t seed, bool cards, int codec) {
    hv_synth_write_opts o = {.gen = {.rows = rows, .seed = seed, .cards = cards}, .format = fmt, .codec = codec,
                             .row_group_rows = 1000};
    hv_err e = {0};
    hv_synth_stats st;
    int rc = synth_write_file(&o, path, &st, &e);
    cr_assert_eq(rc, HV_OK, "synth_write_file: %s", e.msg);
    cr_assert_eq(st.rows, rows);
}

static bool same_file(const char *a, const char *b) {
    size_t na, nb;
    char *pa = slurp(a, &na), *pb = slurp(b, &nb);
    bool same = na == nb && memcmp(pa, pb, na) == 0;
    free(pa);
    free(pb);
    return same;
}

Test(synth, deterministic_csv_and_parquet) {
    char a[64], b[64], c[64];
    snprintf(a, sizeof a, "/tmp/hv_synth_%d_a.csv", (int)getpid());
    snprintf(b, sizeof b, "/tmp/hv_synth_%d_b.csv", (int)getpid());
    snprintf(c, sizeof c, "/tmp/hv_synth_%d_c.csv", (int)getpid());
    write_file(a, HV_SYNTH_CSV, 3000, 42, true, 0);
    write_file(b, HV_SYNTH_CSV, 3000, 42, true, 0);
    write_file(c, HV_SYNTH_CSV, 3000, 43, true, 0);
    cr_assert(same_file(a, b), "same seed, different bytes");
    cr_assert(!same_file(a, c), "different seeds, same bytes");
    for (int codec = 0; codec < 3; codec++) {
        int cd = codec == 0 ? HV_PQ_NONE : codec == 1 ? HV_PQ_SNAPPY : HV_PQ_ZSTD;
        write_file(a, HV_SYNTH_PARQUET, 3000, 42, true, cd);
        write_file(b, HV_SYNTH_PARQUET, 3000, 42, true, cd);
        cr_assert(same_file(a, b), "parquet codec %d: same seed, different bytes", cd);
        size_t n;
        char *p = slurp(a, &n);
        cr_assert(n > 12 && !memcmp(p, "PAR1", 4) && !memcmp(p + n - 4, "PAR1", 4));
        free(p);
    }
    unlink(a);
    unlink(b);
    unlink(c);
}

/* Count CSV records the RFC 4180 way: line ends outside quotes. */
Test(synth, csv_row_count_and_header) {
    char a[64];
    snprintf(a, sizeof a, "/tmp/hv_synth_%d_rows.csv", (int)getpid());
    write_file(a, HV_SYNTH_CSV, 2345, 5, true, 0);
    size_t n;
    char *p = slurp(a, &n);
    cr_assert(!strncmp(p, "model_id,likes,trendingScore,private,downloads,tags,", 52));
    size_t records = 0;
    bool inq = false;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"') inq = !inq;
        else if (!inq && p[i] == '\n') {
            cr_assert(i > 0 && p[i - 1] == '\r', "record not ended by CRLF at %zu", i);
            records++;
        }
    }
    cr_assert(!inq, "unbalanced quotes");
    cr_assert_eq(records, 2346, "header + 2345 rows, got %zu records", records);
    free(p);
    unlink(a);
}

/* A Python list repr: [] or ['a', "b'c", ...] with backslash escapes. */
static bool valid_pylist(hv_sv s) {
    size_t i = 0;
    if (s.n < 2 || s.p[0] != '[' || s.p[s.n - 1] != ']') return false;
    i = 1;
    if (s.n == 2) return true;
    for (;;) {
        if (i >= s.n - 1) return false;
        char q = s.p[i];
        if (q != '\'' && q != '"') return false;
        i++;
        while (i < s.n - 1 && s.p[i] != q) {
            if (s.p[i] == '\\') i++;
            i++;
        }
        if (i >= s.n - 1) return false;
        i++; /* closing quote */
        if (i == s.n - 1) return true;
        if (i + 2 > s.n - 1 || s.p[i] != ',' || s.p[i + 1] != ' ') return false;
        i += 2;
    }
}

static bool tags_have(hv_sv tags, const char *prefix, hv_sv v) {
    char want[600];
    int n = snprintf(want, sizeof want, "'%s%.*s'", prefix, (int)v.n, v.p);
    return n > 0 && (size_t)n < sizeof want && memmem(tags.p, tags.n, want, (size_t)n) != NULL;
}

typedef struct tally {
    uint64_t rows, cards, autogen, langs, english, licensed, piped, libbed;
    uint64_t edges[HV_REL_COUNT];
    uint64_t lic[128], pipe[128];
    uint32_t *family; /* rows per family root */
} tally;

static void run(tally *t, uint64_t rows, uint64_t seed) {
    memset(t, 0, sizeof *t);
    t->family = calloc(rows, sizeof *t->family);
    hv_synth_opts o = {.rows = rows, .seed = seed, .cards = true};
    hv_err e = {0};
    hv_synth_gen *g = synth_gen_new(&o, &e);
    cr_assert_not_null(g, "%s", e.msg);
    hv_strpool *ids = strpool_new();
    hv_synth_row row;
    bool more;
    for (;;) {
        cr_assert_eq(synth_gen_next(g, &row, &more, &e), HV_OK, "%s", e.msg);
        if (!more) break;
        const hv_synth_cell *c = row.cell;
        t->rows++;
        /* every list column is a Python list repr */
        static const int lists[] = {HV_SC_TAGS, HV_SC_REGIONS, HV_SC_LICENSES, HV_SC_ARXIV, HV_SC_DATASETS,
                                    HV_SC_PARENT, HV_SC_FINETUNE, HV_SC_QUANTIZED, HV_SC_ADAPTER,
                                    HV_SC_MERGE, HV_SC_LANGUAGES};
        for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++)
            cr_assert(valid_pylist(c[lists[k]].s), "row %llu col %s: %.*s", (unsigned long long)row.index,
                      hv_synth_columns[lists[k]].name, (int)c[lists[k]].s.n, c[lists[k]].s.p);
        /* ids are unique; in-file parents are earlier rows */
        uint32_t before = strpool_count(ids), id;
        cr_assert_eq(strpool_intern(ids, c[HV_SC_MODEL_ID].s, &id), 0);
        cr_assert_eq(strpool_count(ids), before + 1, "duplicate id %.*s", (int)c[HV_SC_MODEL_ID].s.n,
                     c[HV_SC_MODEL_ID].s.p);
        cr_assert(tags_have(c[HV_SC_TAGS].s, "", hv_sv_cstr("region:us")));
        /* parents: plain and typed tags, and the in-file ones are known ids */
        hv_sv pm = c[HV_SC_PARENT].s;
        uint32_t found = 0;
        for (size_t i = 1; i + 1 < pm.n;) {
            size_t j = i + 1;
            while (pm.p[j] != '\'') j++;
            hv_sv pid = hv_sv_make(pm.p + i + 1, j - i - 1);
            uint32_t x;
            found += strpool_find(ids, pid, &x) && x != id;
            cr_assert(tags_have(c[HV_SC_TAGS].s, "base_model:", pid));
            if (row.facts.relation > 0) {
                char pre[40];
                snprintf(pre, sizeof pre, "base_model:%s:", hv_relation_name((hv_relation)row.facts.relation));
                cr_assert(tags_have(c[HV_SC_TAGS].s, pre, pid));
            }
            i = j + 3;
        }
        cr_assert_eq(found, row.facts.n_parents_in_file, "row %llu: in-file parents", (unsigned long long)row.index);
        cr_assert(row.facts.family_root <= row.index);
        t->family[row.facts.family_root]++;
        if (row.facts.relation >= 0) t->edges[row.facts.relation] += row.facts.n_parents_in_file;
        if (!c[HV_SC_CARD].null) {
            t->cards++;
            bool ag = memmem(c[HV_SC_CARD].s.p, c[HV_SC_CARD].s.n, "automatically generated", 23) ||
                      memmem(c[HV_SC_CARD].s.p, c[HV_SC_CARD].s.n, "generated automatically", 23);
            cr_assert_eq(ag, row.facts.card_autogen);
            t->autogen += ag;
        }
        if (c[HV_SC_LANGUAGES].s.n > 2) {
            t->langs++;
            t->english += memmem(c[HV_SC_LANGUAGES].s.p, c[HV_SC_LANGUAGES].s.n, "'English'", 9) != NULL;
        }
        if (c[HV_SC_LICENSES].s.n > 2) {
            t->licensed++;
            hv_sv l = hv_sv_make(c[HV_SC_LICENSES].s.p + 2, c[HV_SC_LICENSES].s.n - 4);
            cr_assert(tags_have(c[HV_SC_TAGS].s, "license:", l));
            for (size_t k = 0; k < hv_synth_licenses_n && k < 128; k++)
                if (hv_sv_eq_cstr(l, hv_synth_licenses[k].name)) t->lic[k]++;
        }
        if (!c[HV_SC_PIPELINE].null) {
            t->piped++;
            for (size_t k = 0; k < hv_synth_pipelines_n && k < 128; k++)
                if (hv_sv_eq_cstr(c[HV_SC_PIPELINE].s, hv_synth_pipelines[k].name)) t->pipe[k]++;
        }
        t->libbed += !c[HV_SC_LIBRARY].null;
    }
    strpool_free(ids);
    synth_gen_free(g);
}

static tally T;
static void setup_tally(void) { run(&T, ROWS, 1); }
static void free_tally(void) { free(T.family); }

TestSuite(synth_calibration, .init = setup_tally, .fini = free_tally);

static double share_of_table(const hv_synth_weighted *w, size_t n, size_t k) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += w[i].weight;
    return w[k].weight / s;
}

Test(synth_calibration, license_shares) {
    /* licensed rows: 35% in the real data (671,895 tags over 1.86M rows) */
    double lic = (double)T.licensed / (double)T.rows;
    cr_assert(lic > 0.30 && lic < 0.40, "licensed share %.3f", lic);
    for (size_t k = 0; k < 6; k++) {
        double got = (double)T.lic[k] / (double)T.licensed;
        double want = share_of_table(hv_synth_licenses, hv_synth_licenses_n, k);
        cr_assert(got > want - 0.04 && got < want + 0.04, "%s: %.3f vs %.3f", hv_synth_licenses[k].name, got, want);
    }
}

Test(synth_calibration, pipeline_and_library_presence) {
    for (size_t k = 0; k < 6; k++) {
        double got = (double)T.pipe[k] / (double)T.piped;
        double want = share_of_table(hv_synth_pipelines, hv_synth_pipelines_n, k);
        cr_assert(got > want - 0.03 && got < want + 0.03, "%s: %.3f vs %.3f", hv_synth_pipelines[k].name, got, want);
    }
    double p = (double)T.piped / (double)T.rows, l = (double)T.libbed / (double)T.rows;
    cr_assert(p > 0.38 && p < 0.52, "pipeline share %.3f", p);
    cr_assert(l > 0.40 && l < 0.54, "library share %.3f", l);
}

Test(synth_calibration, languages) {
    /* 258,938 of 1,860,411 rows list a language; English is 85.6% of those */
    double share = (double)T.langs / (double)T.rows, en = (double)T.english / (double)T.langs;
    cr_assert(share > 0.11 && share < 0.17, "language rows %.3f", share);
    cr_assert(en > 0.80 && en < 0.91, "English share %.3f", en);
}

Test(synth_calibration, edge_type_mix) {
    /* the paper's edges per row: finetune .1018, adapter .1298, quantized
     * .0548, merge .0217 */
    static const double want[HV_REL_COUNT] = {0.0003, 0.1018, 0.1298, 0.0548, 0.0217};
    for (int k = 1; k < HV_REL_COUNT; k++) {
        double got = (double)T.edges[k] / (double)T.rows;
        cr_assert(got > want[k] * 0.85 && got < want[k] * 1.15, "%s edges per row %.4f vs %.4f",
                  hv_relation_name((hv_relation)k), got, want[k]);
    }
}

Test(synth_calibration, cards) {
    double has = (double)T.cards / (double)T.rows, ag = (double)T.autogen / (double)T.cards;
    cr_assert(has > 0.65 && has < 0.69, "card share %.4f (paper 0.6704)", has);
    cr_assert(ag > 0.2 && ag < 0.45, "auto-generated share of cards %.3f", ag);
}

Test(synth_calibration, family_sizes_heavy_tailed) {
    uint32_t biggest = 0;
    uint64_t families = 0, singles = 0, over100 = 0;
    for (uint64_t i = 0; i < T.rows; i++) {
        if (!T.family[i]) continue;
        families++;
        singles += T.family[i] == 1;
        over100 += T.family[i] >= 100;
        if (T.family[i] > biggest) biggest = T.family[i];
    }
    /* the largest family is FLUX.1-dev: 33,194 of 1,860,411 rows (1.78%) */
    double top = (double)biggest / (double)T.rows;
    cr_assert(top > 0.013 && top < 0.024, "largest family share %.4f", top);
    cr_assert(singles > families / 2, "most families are single models (%llu of %llu)",
              (unsigned long long)singles, (unsigned long long)families);
    cr_assert(over100 >= 10, "only %llu families of 100+", (unsigned long long)over100);
}

Test(synth, pyrepr_quotes_like_python) {
    hv_buf b = {0};
    cr_assert_eq(synth_pyrepr_str(&b, hv_sv_cstr("apache-2.0")), 0);
    cr_assert_str_eq(b.p, "'apache-2.0'");
    hv_buf_clear(&b);
    synth_pyrepr_str(&b, hv_sv_cstr("it's"));
    cr_assert_str_eq(b.p, "\"it's\"");
    hv_buf_clear(&b);
    synth_pyrepr_str(&b, hv_sv_cstr("a'b\"c\\\n"));
    cr_assert_str_eq(b.p, "'a\\'b\"c\\\\\\n'");
    hv_buf_free(&b);
}

Test(synth, rejects_zero_rows) {
    hv_synth_opts o = {.rows = 0, .seed = 1};
    hv_err e = {0};
    cr_assert_null(synth_gen_new(&o, &e));
    cr_assert_eq(e.code, HV_EUSAGE);
}
