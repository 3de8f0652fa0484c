/* test_kmeans.c - k-means (Lloyd and mini-batch) on planted blobs, its
 * invariants and input checks, and c-TF-IDF cluster labels. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/kmeans.h"

/* ---- planted blobs ---- */

static uint64_t sm_state;
static uint64_t sm_next(void) {
    uint64_t z = (sm_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double sm_unit(void) { return ((double)(sm_next() >> 11) + 0.5) * 0x1.0p-53; }
static double sm_gauss(void) { return sqrt(-2 * log(sm_unit())) * cos(6.283185307179586 * sm_unit()); }

/* nb blobs of n/nb rows around random unit centres, noise sd per dimension,
 * rows L2-normalised as the embeddings are.  truth[i] = blob of row i. */
static float *blobs(uint32_t n, uint32_t d, uint32_t nb, double sd, uint32_t *truth, uint64_t seed) {
    sm_state = seed;
    float *cen = malloc((size_t)nb * d * sizeof *cen);
    float *x = malloc((size_t)n * d * sizeof *x);
    cr_assert(cen && x);
    for (uint32_t b = 0; b < nb; b++) {
        double s = 0;
        for (uint32_t q = 0; q < d; q++) s += pow(cen[b * d + q] = (float)sm_gauss(), 2);
        for (uint32_t q = 0; q < d; q++) cen[b * d + q] /= (float)sqrt(s);
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t b = (uint32_t)(sm_next() % nb);
        truth[i] = b;
        double s = 0;
        for (uint32_t q = 0; q < d; q++) s += pow(x[(size_t)i * d + q] = cen[b * d + q] + (float)(sd * sm_gauss()), 2);
        for (uint32_t q = 0; q < d; q++) x[(size_t)i * d + q] /= (float)sqrt(s);
    }
    free(cen);
    return x;
}

/* Every blob maps to a distinct cluster holding >= 99% of it, and the
 * clusters are >= 99% pure. */
static void check_recovery(const hv_kmeans *km, const uint32_t *truth, uint32_t n, uint32_t nb) {
    uint32_t *tab = calloc((size_t)nb * km->k, sizeof *tab);
    for (uint32_t i = 0; i < n; i++) tab[truth[i] * km->k + km->assign[i]]++;
    uint32_t *owner = malloc(km->k * sizeof *owner);
    for (uint32_t j = 0; j < km->k; j++) owner[j] = UINT32_MAX;
    uint64_t agree = 0;
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t best = 0, tot = 0;
        for (uint32_t j = 0; j < km->k; j++) {
            tot += tab[b * km->k + j];
            if (tab[b * km->k + j] > tab[b * km->k + best]) best = j;
        }
        cr_assert_eq(owner[best], UINT32_MAX, "blobs %u and %u share cluster %u", owner[best], b, best);
        owner[best] = b;
        cr_assert_geq(tab[b * km->k + best], 0.99 * tot, "blob %u split: %u of %u", b, tab[b * km->k + best], tot);
        agree += tab[b * km->k + best];
    }
    cr_assert_geq((double)agree / n, 0.99, "purity %.4f", (double)agree / n);
    uint64_t sizes = 0;
    for (uint32_t j = 0; j < km->k; j++) sizes += km->size[j];
    cr_assert_eq(sizes, n);
    free(tab);
    free(owner);
}

Test(kmeans, lloyd_recovers_planted_blobs) {
    uint32_t n = 6000, d = 32, nb = 12;
    uint32_t *truth = malloc(n * sizeof *truth);
    float *x = blobs(n, d, nb, 0.05, truth, 1);
    hv_kmeans_opts o;
    kmeans_opts_default(&o);
    o.k = nb;
    o.threads = 2;
    hv_kmeans km;
    hv_err e;
    cr_assert_eq(kmeans_run(x, n, d, &o, &km, NULL, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(km.k, nb);
    cr_assert_eq(km.d, d);
    check_recovery(&km, truth, n, nb);
    cr_assert(km.inertia > 0 && isfinite(km.inertia));
    kmeans_free(&km);
    free(x);
    free(truth);
}

Test(kmeans, minibatch_recovers_planted_blobs) {
    uint32_t n = 20000, d = 24, nb = 16;
    uint32_t *truth = malloc(n * sizeof *truth);
    float *x = blobs(n, d, nb, 0.05, truth, 2);
    hv_kmeans_opts o;
    kmeans_opts_default(&o);
    o.k = nb;
    o.minibatch_above = 1000; /* force mini-batch */
    o.threads = 2;
    hv_kmeans km;
    hv_err e;
    cr_assert_eq(kmeans_run(x, n, d, &o, &km, NULL, &e), HV_OK, "%s", e.msg);
    check_recovery(&km, truth, n, nb);
    /* The final pass leaves every row at its nearest centre. */
    for (uint32_t i = 0; i < n; i += 97) {
        double best = INFINITY;
        uint32_t bj = 0;
        for (uint32_t j = 0; j < km.k; j++) {
            double s = 0;
            for (uint32_t q = 0; q < d; q++) s += pow(x[(size_t)i * d + q] - km.centroids[j * d + q], 2);
            if (s < best) best = s, bj = j;
        }
        cr_assert_eq(km.assign[i], bj, "row %u", i);
    }
    kmeans_free(&km);
    free(x);
    free(truth);
}

Test(kmeans, seeding_on_a_sample_when_n_is_large) {
    /* n above the 50k seeding sample, mini-batch with a batch smaller than n */
    uint32_t n = 60000, d = 8, nb = 6;
    uint32_t *truth = malloc(n * sizeof *truth);
    float *x = blobs(n, d, nb, 0.03, truth, 3);
    hv_kmeans_opts o;
    kmeans_opts_default(&o);
    o.k = nb;
    o.minibatch_above = 10000;
    o.threads = 2;
    hv_kmeans km;
    hv_err e;
    cr_assert_eq(kmeans_run(x, n, d, &o, &km, NULL, &e), HV_OK, "%s", e.msg);
    check_recovery(&km, truth, n, nb);
    kmeans_free(&km);
    free(x);
    free(truth);
}

Test(kmeans, inertia_does_not_increase_with_iterations) {
    /* Overlapping blobs and too many centres, so Lloyd has work to do. */
    uint32_t n = 3000, d = 16;
    uint32_t *truth = malloc(n * sizeof *truth);
    float *x = blobs(n, d, 5, 0.4, truth, 4);
    double prev = INFINITY;
    uint32_t iters[] = {1, 2, 3, 5, 10, 30};
    for (size_t t = 0; t < sizeof iters / sizeof *iters; t++) {
        hv_kmeans_opts o;
        kmeans_opts_default(&o);
        o.k = 20;
        o.max_iter = iters[t];
        o.threads = 1;
        hv_kmeans km;
        hv_err e;
        cr_assert_eq(kmeans_run(x, n, d, &o, &km, NULL, &e), HV_OK, "%s", e.msg);
        cr_assert_leq(km.inertia, prev * (1 + 1e-9), "max_iter %u: %g > %g", iters[t], km.inertia, prev);
        prev = km.inertia;
        kmeans_free(&km);
    }
    free(x);
    free(truth);
}

static void run_twice_same(uint32_t minibatch_above) {
    uint32_t n = 4000, d = 16;
    uint32_t *truth = malloc(n * sizeof *truth);
    float *x = blobs(n, d, 7, 0.3, truth, 5);
    hv_kmeans a, b;
    hv_kmeans_opts o;
    kmeans_opts_default(&o);
    o.threads = 1;
    o.seed = 99;
    o.minibatch_above = minibatch_above;
    hv_err e;
    cr_assert_eq(kmeans_run(x, n, d, &o, &a, NULL, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(kmeans_run(x, n, d, &o, &b, NULL, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(a.k, kmeans_auto_k(n));
    cr_assert_eq(a.k, b.k);
    cr_assert_eq(memcmp(a.assign, b.assign, n * sizeof *a.assign), 0);
    cr_assert_eq(memcmp(a.centroids, b.centroids, (size_t)a.k * d * sizeof *a.centroids), 0);
    cr_assert_eq(a.inertia, b.inertia);
    kmeans_free(&b);
    o.seed = 100; /* another seed may differ, but must still be valid */
    cr_assert_eq(kmeans_run(x, n, d, &o, &b, NULL, &e), HV_OK, "%s", e.msg);
    kmeans_free(&a);
    kmeans_free(&b);
    free(x);
    free(truth);
}

Test(kmeans, deterministic_at_one_thread_lloyd) { run_twice_same(0); }
Test(kmeans, deterministic_at_one_thread_minibatch) { run_twice_same(500); }

Test(kmeans, fewer_rows_than_k) {
    float x[5 * 3] = {0, 0, 1, 0, 1, 0, 1, 0, 0, 0.6f, 0.8f, 0, 0, 0.6f, 0.8f};
    hv_kmeans_opts o;
    kmeans_opts_default(&o);
    o.k = 10;
    hv_kmeans km;
    hv_err e;
    cr_assert_eq(kmeans_run(x, 5, 3, &o, &km, NULL, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(km.k, 5);
    for (uint32_t j = 0; j < 5; j++) cr_assert_eq(km.size[j], 1, "cluster %u", j);
    cr_assert_float_eq(km.inertia, 0, 1e-9);
    kmeans_free(&km);
    /* a single row */
    cr_assert_eq(kmeans_run(x, 1, 3, NULL, &km, NULL, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(km.k, 1);
    cr_assert_eq(km.assign[0], 0);
    kmeans_free(&km);
}

Test(kmeans, duplicate_rows_do_not_break_it) {
    float x[40 * 2];
    for (int i = 0; i < 40; i++) x[2 * i] = (float)(i % 2), x[2 * i + 1] = 1; /* two distinct points */
    hv_kmeans_opts o;
    kmeans_opts_default(&o);
    o.k = 4;
    hv_kmeans km;
    hv_err e;
    cr_assert_eq(kmeans_run(x, 40, 2, &o, &km, NULL, &e), HV_OK, "%s", e.msg);
    uint32_t total = 0;
    for (uint32_t j = 0; j < km.k; j++) total += km.size[j];
    cr_assert_eq(total, 40);
    cr_assert_float_eq(km.inertia, 0, 1e-9);
    kmeans_free(&km);
}

Test(kmeans, invalid_inputs) {
    float x[4 * 2] = {0, 1, 1, 0, 0.5f, 0.5f, 1, 1};
    hv_kmeans km;
    hv_err e;
    cr_assert_eq(kmeans_run(x, 4, 0, NULL, &km, NULL, &e), HV_EINPUT);
    cr_assert_eq(kmeans_run(x, 0, 2, NULL, &km, NULL, &e), HV_EINPUT);
    cr_assert_eq(kmeans_run(NULL, 4, 2, NULL, &km, NULL, &e), HV_EINPUT);
    x[5] = NAN;
    cr_assert_eq(kmeans_run(x, 4, 2, NULL, &km, NULL, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "row 2"), "%s", e.msg);
    cr_assert_null(km.assign, "nothing left allocated on failure");
    x[5] = INFINITY;
    cr_assert_eq(kmeans_run(x, 4, 2, NULL, &km, NULL, &e), HV_EINPUT);
    kmeans_free(&km); /* harmless on a zeroed result */
}

Test(kmeans, auto_k) {
    cr_assert_eq(kmeans_auto_k(0), 2);
    cr_assert_eq(kmeans_auto_k(1), 2);
    cr_assert_eq(kmeans_auto_k(8), 2);
    cr_assert_eq(kmeans_auto_k(200), 10);
    cr_assert_eq(kmeans_auto_k(20000), 100);
    cr_assert_eq(kmeans_auto_k(131072), 256);
    cr_assert_eq(kmeans_auto_k(1860411), 256);
    cr_assert_eq(kmeans_auto_k(UINT32_MAX), 256);
}

/* ---- labels ---- */

static hv_record rec;

static void add_model(hv_catalog *c, const char *id, const char *pipeline, const char *const *tags) {
    record_reset(&rec);
    rec.model_id = hv_sv_cstr(id);
    if (pipeline) rec.pipeline = hv_sv_cstr(pipeline);
    for (; tags && *tags; tags++) cr_assert_eq(hv_svlist_push(&rec.tags, hv_sv_cstr(*tags)), 0);
    hv_err e = {0, ""};
    cr_assert_eq(catalog_add(c, &rec, &e), HV_OK, "%s", e.msg);
}

static void teardown(void) { record_free(&rec); }

Test(kmeans, labels_prefer_distinctive_terms, .fini = teardown) {
    /* Three clusters of 10 models.  "common" is in 4 models of every
     * cluster (40% of all: below the generic cut), each cluster's own tag
     * is in 3 of its models: c-TF-IDF must rank the own tag first.
     * "everywhere" is on every model, "en", "license:mit", "base_model:..."
     * are never terms; cluster 3 is empty. */
    hv_catalog *c = catalog_new();
    const char *own[3] = {"llama", "bert", "whisper"};
    uint32_t assign[30];
    char id[32];
    for (uint32_t j = 0; j < 3; j++)
        for (uint32_t i = 0; i < 10; i++) {
            const char *tags[8] = {"everywhere", "en", "license:mit", "base_model:org/root"};
            int nt = 4;
            if (i < 4) tags[nt++] = "common";
            if (i >= 7) tags[nt++] = own[j];
            if (j == 2 && i == 0) tags[nt++] = "zz-rare";
            snprintf(id, sizeof id, "org/m%u-%u", j, i);
            add_model(c, id, j == 1 && i < 2 ? "fill-mask" : NULL, tags);
            assign[j * 10 + i] = j;
        }
    hv_err e;
    cr_assert_eq(catalog_finish(c, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(c->n, 30);
    /* rows keep insertion order here; check rather than assume */
    for (uint32_t r = 0; r < 30; r++) {
        hv_sv s = catalog_id(c, r);
        assign[r] = (uint32_t)(s.p[5] - '0');
    }
    char **lab;
    cr_assert_eq(cluster_labels(c, assign, 4, 1, &lab, &e), HV_OK, "%s", e.msg);
    cr_assert_str_eq(lab[0], "llama");
    cr_assert_str_eq(lab[1], "bert");
    cr_assert_str_eq(lab[2], "whisper");
    cr_assert_str_eq(lab[3], "cluster 3");
    cluster_labels_free(lab, 4);

    cr_assert_eq(cluster_labels(c, assign, 4, 3, &lab, &e), HV_OK, "%s", e.msg);
    /* llama 3*log(1+A/3) > common 4*log(1+A/12); then nothing else is left */
    cr_assert_str_eq(lab[0], "llama \xc2\xb7 common");
    /* fill-mask (2 models, only here) between bert and common */
    cr_assert_str_eq(lab[1], "bert \xc2\xb7 fill-mask \xc2\xb7 common");
    /* one model, but only here: 1*log(1+A) beats common's 4*log(1+A/12) */
    cr_assert_str_eq(lab[2], "whisper \xc2\xb7 zz-rare \xc2\xb7 common");
    cluster_labels_free(lab, 4);

    assign[7] = 9;
    cr_assert_eq(cluster_labels(c, assign, 4, 3, &lab, &e), HV_EINPUT);
    cr_assert_null(lab);
    catalog_free(c);
}

Test(kmeans, labels_tie_break_by_string, .fini = teardown) {
    hv_catalog *c = catalog_new();
    const char *t1[] = {"zeta", "alpha", "mid", NULL};
    add_model(c, "a/1", NULL, t1);
    add_model(c, "a/2", NULL, NULL);
    add_model(c, "a/3", NULL, NULL);
    hv_err e;
    cr_assert_eq(catalog_finish(c, &e), HV_OK, "%s", e.msg);
    uint32_t assign[3] = {0, 1, 1};
    char **lab;
    cr_assert_eq(cluster_labels(c, assign, 2, 2, &lab, &e), HV_OK, "%s", e.msg);
    cr_assert_str_eq(lab[0], "alpha \xc2\xb7 mid");
    cr_assert_str_eq(lab[1], "by a", "no terms: named by its authors");
    cluster_labels_free(lab, 2);
    catalog_free(c);
}

Test(kmeans, labels_fall_back_to_cluster_number, .fini = teardown) {
    hv_catalog *c = catalog_new();
    const char *t1[] = {"alpha", NULL};
    add_model(c, "a/1", NULL, t1);
    add_model(c, "legacy-id-without-author", NULL, NULL);
    hv_err e;
    cr_assert_eq(catalog_finish(c, &e), HV_OK, "%s", e.msg);
    uint32_t assign[2] = {0, 1};
    char **lab;
    cr_assert_eq(cluster_labels(c, assign, 2, 2, &lab, &e), HV_OK, "%s", e.msg);
    cr_assert_str_eq(lab[1], "cluster 1", "no terms and no author");
    cluster_labels_free(lab, 2);
    catalog_free(c);
}
