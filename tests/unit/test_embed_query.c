/* test_embed_query.c - the query model: the SVD's projection reproduces
 * U S, a training document's own text lands on its stored vector, a query
 * lands among the documents that share its words, unknown words give the
 * zero vector, and the model survives the map and the build's cache file
 * bit for bit while damaged copies are refused with a reason. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embed/embed.h"
#include "embed/embed_model.h"
#include "embed/svd.h"
#include "mapfile/map.h"
#include "mapfile/mapfile.h"

static double dot(const float *a, const float *b, uint32_t d) {
    double s = 0;
    for (uint32_t i = 0; i < d; i++) s += (double)a[i] * b[i];
    return s;
}

/* ---- the projection ---- */

static uint64_t rng = 777;
static double unif(void) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}

/* A sparse n x f CSR with ~30% entries, columns in `empty` left empty. */
static hv_spmat random_csr(uint32_t n, uint32_t f, const uint8_t *empty) {
    hv_spmat m = {n, f, 0, calloc(n + 1, sizeof(uint64_t)), malloc((size_t)n * f * sizeof(uint32_t)),
                  malloc((size_t)n * f * sizeof(float))};
    for (uint32_t r = 0; r < n; r++) {
        for (uint32_t c = 0; c < f; c++)
            if ((!empty || !empty[c]) && unif() < 0.3) {
                m.col[m.nnz] = c;
                m.val[m.nnz++] = (float)(unif() * 2 - 0.5);
            }
        m.off[r + 1] = m.nnz;
    }
    return m;
}
static void free_csr(hv_spmat *m) {
    free(m->off);
    free(m->col);
    free(m->val);
}

/* a · proj for every row, proj rows indexed by the compact active column. */
static void apply_proj(const hv_spmat *a, const float *proj, uint32_t k, float *out) {
    uint32_t *cmap = malloc(a->n_cols * sizeof *cmap);
    uint8_t *seen = calloc(a->n_cols, 1);
    for (uint64_t i = 0; i < a->nnz; i++) seen[a->col[i]] = 1;
    uint32_t na = 0;
    for (uint32_t j = 0; j < a->n_cols; j++) cmap[j] = seen[j] ? na++ : UINT32_MAX;
    for (uint32_t r = 0; r < a->n_rows; r++) {
        double acc[64] = {0};
        for (uint64_t i = a->off[r]; i < a->off[r + 1]; i++)
            for (uint32_t c = 0; c < k; c++) acc[c] += (double)a->val[i] * proj[(size_t)cmap[a->col[i]] * k + c];
        for (uint32_t c = 0; c < k; c++) out[(size_t)r * k + c] = (float)acc[c];
    }
    free(cmap);
    free(seen);
}

Test(embed_query, proj_reproduces_u_s_when_the_sketch_holds_the_rank) {
    /* 20 columns, 3 of them empty: rank <= 17 < l = 8 + 16, so Q spans the
     * whole column space and A V_k = U_k S_k up to float rounding */
    const uint32_t n = 300, f = 20, k = 8;
    uint8_t empty[20] = {0};
    empty[3] = empty[11] = empty[19] = 1;
    hv_spmat a = random_csr(n, f, empty);
    uint32_t na = svd_active_cols(&a);
    cr_assert_eq(na, 17);
    float *us = malloc((size_t)n * k * sizeof *us), *proj = malloc((size_t)na * k * sizeof *proj);
    float *ap = malloc((size_t)n * k * sizeof *ap), sigma[8];
    hv_err e = {0, ""};
    hv_svd_opts o = {k, 16, 3, 7, 1};
    cr_assert_eq(svd_randomized(&a, &o, us, sigma, proj, NULL, &e), HV_OK, "%s", e.msg);
    apply_proj(&a, proj, k, ap);
    double worst = 0;
    for (size_t i = 0; i < (size_t)n * k; i++) worst = fmax(worst, fabs((double)ap[i] - us[i]));
    cr_assert_lt(worst, 1e-5 * sigma[0], "max |A proj - U S| = %g (sigma_1 %g)", worst, sigma[0]);
    /* V_k has orthonormal columns */
    for (uint32_t c = 0; c < k; c++)
        for (uint32_t c2 = c; c2 < k; c2++) {
            double s = 0;
            for (uint32_t j = 0; j < na; j++) s += (double)proj[j * k + c] * proj[j * k + c2];
            cr_assert_float_eq(s, c == c2 ? 1.0 : 0.0, 1e-4, "V^T V [%u][%u] = %g", c, c2, s);
        }
    free(us);
    free(proj);
    free(ap);
    free_csr(&a);
}

/* A flat spectrum (uniform random entries, rank 60 > l = 24) is the worst
 * case for what the sketch misses; a V_k still points where U_k S_k does. */
Test(embed_query, proj_is_close_when_the_rank_exceeds_the_sketch) {
    const uint32_t n = 400, f = 60, k = 8;
    hv_spmat a = random_csr(n, f, NULL);
    uint32_t na = svd_active_cols(&a);
    float *us = malloc((size_t)n * k * sizeof *us), *proj = malloc((size_t)na * k * sizeof *proj);
    float *ap = malloc((size_t)n * k * sizeof *ap);
    hv_err e = {0, ""};
    hv_svd_opts o = {k, 16, 3, 7, 2};
    cr_assert_eq(svd_randomized(&a, &o, us, NULL, proj, NULL, &e), HV_OK, "%s", e.msg);
    apply_proj(&a, proj, k, ap);
    double worst = 1;
    for (uint32_t r = 0; r < n; r++) {
        const float *x = ap + (size_t)r * k, *y = us + (size_t)r * k;
        worst = fmin(worst, dot(x, y, k) / sqrt(dot(x, x, k) * dot(y, y, k)));
    }
    cr_assert_gt(worst, 0.97, "worst cosine of a row's a V_k with its U_k S_k: %g", worst);
    free(us);
    free(proj);
    free(ap);
    free_csr(&a);
}

Test(embed_query, zero_sigma_gives_a_zero_column) {
    /* rank 2, five components asked: columns 2.. of V are zero */
    hv_spmat a = {3, 4, 5, NULL, NULL, NULL};
    uint64_t off[4] = {0, 2, 4, 6};
    uint32_t col[6] = {0, 2, 0, 2, 1, 3};
    float val[6] = {1, 2, 1, 2, 3, 1};
    a.nnz = 6;
    a.off = off;
    a.col = col;
    a.val = val;
    float us[3 * 5], sigma[5], proj[4 * 5];
    hv_err e = {0, ""};
    hv_svd_opts o = {5, 4, 2, 1, 1};
    cr_assert_eq(svd_randomized(&a, &o, us, sigma, proj, NULL, &e), HV_OK, "%s", e.msg);
    for (int j = 0; j < 4; j++)
        for (int c = 2; c < 5; c++) cr_assert_eq(proj[j * 5 + c], 0, "proj[%d][%d] = %g", j, c, proj[j * 5 + c]);
    float ap[3 * 5];
    apply_proj(&a, proj, 5, ap);
    for (int i = 0; i < 15; i++) cr_assert_float_eq(ap[i], us[i], 1e-3, "entry %d: %g vs %g", i, ap[i], us[i]);
}

/* ---- a corpus of model-like texts ---- */

/* Four families of model texts in the shape modeltext.c makes (id pieces,
 * tags, pipeline, library, license, a bit of card), with shared words. */
static const char *ORG[] = {"thebloke", "mradermacher", "openai", "stabilityai", "google", "facebook", "bartowski"};
static const char *FAM[4][8] = {
    {"llama", "chat", "instruct", "gguf", "text-generation", "quantized", "mistral", "conversational"},
    {"whisper", "speech", "audio", "asr", "automatic-speech-recognition", "transcription", "wav2vec2", "hubert"},
    {"diffusion", "image", "lora", "sdxl", "text-to-image", "diffusers", "flux", "stable"},
    {"bert", "classification", "sentiment", "token", "text-classification", "roberta", "ner", "distilbert"},
};
static const char *COMMON[] = {"model", "transformers", "apache-2.0", "en", "license", "pytorch", "safetensors",
                               "endpoints_compatible", "fine", "tuned", "base", "v1"};

static void doc_text(uint32_t row, hv_buf *out) {
    hv_buf_clear(out);
    uint64_t x = (row + 1) * 0x9E3779B97F4A7C15ULL;
    const char *fam[8];
    memcpy(fam, FAM[row % 4], sizeof fam);
    cr_assert_eq(hv_buf_printf(out, "%s/%s-%u ", ORG[(row / 4) % 7], fam[row % 3], row), 0);
    for (int i = 0; i < 16; i++) {
        x ^= x >> 31;
        x *= 0xBF58476D1CE4E5B9ULL;
        const char *w = (x >> 61) < 3 ? COMMON[(x >> 20) % 12] : fam[(x >> 20) % 8];
        cr_assert_eq(hv_buf_printf(out, "%s ", w), 0);
    }
}

static int corpus_text(void *ud, uint32_t row, hv_buf *out, hv_err *e) {
    (void)ud;
    (void)e;
    doc_text(row, out);
    return HV_OK;
}

#define N_DOCS 600
#define DIMS 32

static float *train(hv_embed_model *m) {
    const hv_embedder *em = embedder_find("tfidf-svd");
    cr_assert_not_null(em);
    cr_assert_not_null(em->embed_with_model);
    hv_embed_opts o;
    embed_opts_default(&o);
    o.dims = DIMS;
    o.n_features = 1 << 14;
    o.threads = 1;
    float *x = malloc((size_t)N_DOCS * DIMS * sizeof *x);
    hv_err e = {0, ""};
    cr_assert_eq(em->embed_with_model(em, N_DOCS, corpus_text, NULL, &o, x, m, NULL, &e), HV_OK, "%s", e.msg);
    cr_assert_str_eq(m->embedder, "tfidf-svd");
    cr_assert_eq(m->dims, DIMS);
    cr_assert_eq(m->n_features, 1u << 14);
    cr_assert_eq(m->min_df, 2);
    cr_assert_eq(m->n_docs, N_DOCS);
    cr_assert_gt(m->n_kept, 20);
    return x;
}

static int query(const hv_embed_model *m, const char *s, float *out) { return embed_query(m, s, strlen(s), out); }

Test(embed_query, same_vectors_as_the_plain_embed) {
    hv_embed_model m;
    float *x = train(&m);
    const hv_embedder *em = embedder_find("tfidf-svd");
    hv_embed_opts o;
    embed_opts_default(&o);
    o.dims = DIMS;
    o.n_features = 1 << 14;
    o.threads = 1;
    float *y = malloc((size_t)N_DOCS * DIMS * sizeof *y);
    hv_err e = {0, ""};
    cr_assert_eq(em->embed(em, N_DOCS, corpus_text, NULL, &o, y, NULL, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(memcmp(x, y, (size_t)N_DOCS * DIMS * sizeof *x), 0, "asking for the model changes no vector");
    free(x);
    free(y);
    embed_model_free(&m);
}

Test(embed_query, a_training_text_lands_on_its_own_vector) {
    hv_embed_model m;
    float *x = train(&m);
    hv_buf b = {0};
    float q[DIMS];
    double worst = 1, mean = 0;
    for (uint32_t r = 0; r < N_DOCS; r++) {
        doc_text(r, &b);
        int known = embed_query(&m, b.p, b.n, q);
        cr_assert_gt(known, 0, "row %u", r);
        cr_assert_float_eq(dot(q, q, DIMS), 1.0, 1e-5);
        double c = dot(q, x + (size_t)r * DIMS, DIMS);
        worst = fmin(worst, c);
        mean += c;
    }
    mean /= N_DOCS;
    cr_assert_gt(worst, 0.99, "worst cosine %.4f (mean %.4f)", worst, mean);
    hv_buf_free(&b);
    free(x);
    embed_model_free(&m);
}

Test(embed_query, a_query_lands_among_the_documents_that_share_its_words) {
    hv_embed_model m;
    float *x = train(&m);
    static const char *Q[4] = {"llama chat gguf", "whisper speech transcription", "sdxl lora text-to-image",
                               "bert sentiment classification"};
    float q[DIMS];
    for (int t = 0; t < 4; t++) {
        cr_assert_gt(query(&m, Q[t], q), 0);
        /* the 10 nearest rows all belong to family t */
        double best[10];
        uint32_t at[10];
        for (int i = 0; i < 10; i++) best[i] = -2, at[i] = 0;
        double mean[4] = {0};
        for (uint32_t r = 0; r < N_DOCS; r++) {
            double c = dot(q, x + (size_t)r * DIMS, DIMS);
            mean[r % 4] += c / (N_DOCS / 4);
            int i = 9;
            if (c <= best[9]) continue;
            while (i > 0 && best[i - 1] < c) {
                best[i] = best[i - 1];
                at[i] = at[i - 1];
                i--;
            }
            best[i] = c;
            at[i] = r;
        }
        for (int i = 0; i < 10; i++)
            cr_assert_eq(at[i] % 4, (uint32_t)t, "query '%s': hit %d is row %u", Q[t], i, at[i]);
        for (int u = 0; u < 4; u++)
            if (u != t)
                cr_assert_gt(mean[t], mean[u] + 0.3, "query '%s': family %d %.3f vs %d %.3f", Q[t], t, mean[t], u,
                             mean[u]);
    }
    free(x);
    embed_model_free(&m);
}

Test(embed_query, unknown_words_give_the_zero_vector) {
    hv_embed_model m;
    float *x = train(&m);
    float q[DIMS], q2[DIMS];
    static const char *NONE[] = {"", "zzyzx qwertyuiop", "a b c ! ? -", "日本語のモデル"};
    for (size_t i = 0; i < sizeof NONE / sizeof NONE[0]; i++) {
        for (int c = 0; c < DIMS; c++) q[c] = 7;
        cr_assert_eq(query(&m, NONE[i], q), 0, "'%s'", NONE[i]);
        for (int c = 0; c < DIMS; c++) cr_assert_eq(q[c], 0);
    }
    cr_assert_eq(embed_query(&m, NULL, 0, q), 0);
    /* known words among unknown ones count; case does not matter */
    /* (words picked so that no unigram or bigram of them shares a bucket
     * with a kept feature: the hashing trick makes some pairs collide) */
    cr_assert_eq(query(&m, "plughzorb WHISPER qwertyuiop", q), 1);
    cr_assert_eq(query(&m, "whisper", q2), 1);
    cr_assert_eq(memcmp(q, q2, sizeof q), 0);
    free(x);
    embed_model_free(&m);
}

Test(embed_query, long_input_is_cut_and_threads_agree) {
    hv_embed_model m;
    float *x = train(&m);
    /* a text longer than the cap: only its first EMBED_QUERY_MAX_BYTES count */
    size_t len = EMBED_QUERY_MAX_BYTES + 4096;
    char *big = malloc(len);
    memset(big, ' ', len);
    memcpy(big, "stable diffusion", 16);
    memcpy(big + EMBED_QUERY_MAX_BYTES + 10, "whisper", 7);
    float q[DIMS], q2[DIMS];
    cr_assert_eq(embed_query(&m, big, len, q), 3, "stable, diffusion, and their bigram");
    cr_assert_eq(query(&m, "stable diffusion", q2), 3);
    cr_assert_eq(memcmp(q, q2, sizeof q), 0);
    free(big);
    /* many threads over one model: the same bits as one thread */
    float *par = malloc((size_t)N_DOCS * DIMS * sizeof *par), *ser = malloc((size_t)N_DOCS * DIMS * sizeof *ser);
    hv_buf b = {0};
    for (uint32_t r = 0; r < N_DOCS; r++) {
        doc_text(r, &b);
        embed_query(&m, b.p, b.n, ser + (size_t)r * DIMS);
    }
    hv_buf_free(&b);
#pragma omp parallel num_threads(4)
    {
        hv_buf tb = {0};
#pragma omp for schedule(dynamic, 7)
        for (uint32_t r = 0; r < N_DOCS; r++) {
            doc_text(r, &tb);
            embed_query(&m, tb.p, tb.n, par + (size_t)r * DIMS);
        }
        hv_buf_free(&tb);
    }
    cr_assert_eq(memcmp(par, ser, (size_t)N_DOCS * DIMS * sizeof *par), 0);
    free(par);
    free(ser);
    free(x);
    embed_model_free(&m);
}

/* ---- the map and the cache file ---- */

static char path[64];
static void files_setup(void) {
    snprintf(path, sizeof path, "/tmp/hv_embq_test_%d", (int)getpid());
    unlink(path);
}
static void files_teardown(void) { unlink(path); }

static void write_map(const hv_embed_model *m) {
    hv_err e = {0, ""};
    hv_mapwriter *w = mapwriter_create(path, &e);
    cr_assert_not_null(w, "%s", e.msg);
    uint32_t one = 1;
    cr_assert_eq(mapwriter_add(w, "n", &one, 4, 1, &e), HV_OK);
    if (m) cr_assert_eq(embed_model_write(m, w, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(mapwriter_close(w, &e), HV_OK, "%s", e.msg);
}

Test(embed_query, map_round_trip_gives_the_same_query_vector, .init = files_setup, .fini = files_teardown) {
    hv_embed_model m;
    float *x = train(&m);
    write_map(&m);
    hv_mapfile f;
    hv_err e = {0, ""};
    cr_assert_eq(mapfile_open(path, true, &f, &e), HV_OK, "%s", e.msg);
    hv_embed_model r;
    bool present = false;
    cr_assert_eq(embed_model_open(&f, &r, &present, &e), HV_OK, "%s", e.msg);
    cr_assert(present);
    cr_assert_null(r.owned, "zero-copy: points into the map");
    cr_assert_str_eq(r.embedder, "tfidf-svd");
    cr_assert_eq(r.version, m.version);
    cr_assert_eq(r.dims, m.dims);
    cr_assert_eq(r.n_kept, m.n_kept);
    cr_assert_eq(r.n_docs, m.n_docs);
    static const char *Q[] = {"llama chat gguf", "whisper", "thebloke/llama-7 instruct", "diffusers flux lora"};
    for (size_t i = 0; i < sizeof Q / sizeof Q[0]; i++) {
        float a[DIMS], b[DIMS];
        int ka = query(&m, Q[i], a), kb = query(&r, Q[i], b);
        cr_assert_eq(ka, kb);
        cr_assert_gt(ka, 0);
        cr_assert_eq(memcmp(a, b, sizeof a), 0, "'%s'", Q[i]);
    }
    embed_model_free(&r); /* harmless on a borrowed model */
    mapfile_close(&f);
    /* a map without the sections: absent, not an error */
    write_map(NULL);
    cr_assert_eq(mapfile_open(path, true, &f, &e), HV_OK, "%s", e.msg);
    present = true;
    cr_assert_eq(embed_model_open(&f, &r, &present, &e), HV_OK);
    cr_assert(!present);
    mapfile_close(&f);
    free(x);
    embed_model_free(&m);
}

/* A small valid model to damage. */
static void tiny_model(hv_embed_model *m, uint32_t **feat, float **idf, uint16_t **proj) {
    hv_err e = {0, ""};
    cr_assert_eq(embed_model_alloc(m, 4, 1024, 2, 10, 3, feat, idf, proj, &e), HV_OK, "%s", e.msg);
    for (uint32_t i = 0; i < 3; i++) {
        (*feat)[i] = 5 + 100 * i;
        (*idf)[i] = 1.5f;
        for (int c = 0; c < 4; c++) (*proj)[i * 4 + c] = hv_f32_to_f16(0.25f * (float)c - 0.3f);
    }
}

/* The embed.info record as docs/map-format.md describes it. */
static void info_of(const hv_embed_model *m, uint8_t *b) {
    memset(b, 0, 64);
    memcpy(b, m->embedder, strlen(m->embedder));
    uint32_t v[6] = {m->version, m->dims, m->n_features, m->min_df, m->n_docs, m->n_kept};
    memcpy(b + 32, v, sizeof v);
}

/* Write the sections of m with counts nf, ni, np (UINT64_MAX: leave the
 * section out), then expect embed_model_open to refuse them with a message
 * containing want. */
static void expect_refused(const hv_embed_model *m, bool info, uint64_t nf, uint64_t ni, uint64_t np,
                           const char *want) {
    hv_err e = {0, ""};
    hv_mapwriter *w = mapwriter_create(path, &e);
    cr_assert_not_null(w, "%s", e.msg);
    uint8_t rec[64];
    info_of(m, rec);
    if (info) cr_assert_eq(mapwriter_add(w, "embed.info", rec, 64, 1, &e), HV_OK);
    if (nf != UINT64_MAX) cr_assert_eq(mapwriter_add(w, "embed.feat", m->feat, 4, nf, &e), HV_OK);
    if (ni != UINT64_MAX) cr_assert_eq(mapwriter_add(w, "embed.idf", m->idf, 4, ni, &e), HV_OK);
    if (np != UINT64_MAX) cr_assert_eq(mapwriter_add(w, "embed.proj.f16", m->proj, 2, np, &e), HV_OK);
    cr_assert_eq(mapwriter_close(w, &e), HV_OK, "%s", e.msg);
    hv_mapfile f;
    cr_assert_eq(mapfile_open(path, true, &f, &e), HV_OK, "%s", e.msg);
    hv_embed_model r;
    bool present = true;
    e.msg[0] = 0;
    cr_assert_eq(embed_model_open(&f, &r, &present, &e), HV_EINPUT, "want a refusal with '%s'", want);
    cr_assert(!present);
    cr_assert_null(r.feat);
    cr_assert_not_null(strstr(e.msg, want), "message '%s' lacks '%s'", e.msg, want);
    mapfile_close(&f);
}

Test(embed_query, damaged_sections_are_refused, .init = files_setup, .fini = files_teardown) {
    hv_embed_model m;
    uint32_t *feat;
    float *idf;
    uint16_t *proj;
    tiny_model(&m, &feat, &idf, &proj);
    /* the undamaged one opens, whether written by hand or by the writer */
    write_map(&m);
    hv_mapfile f;
    hv_err e = {0, ""};
    cr_assert_eq(mapfile_open(path, true, &f, &e), HV_OK);
    hv_embed_model r;
    bool present;
    cr_assert_eq(embed_model_open(&f, &r, &present, &e), HV_OK, "%s", e.msg);
    cr_assert(present);
    cr_assert_eq(memcmp(r.feat, feat, 12), 0);
    mapfile_close(&f);

    /* missing sections */
    expect_refused(&m, true, 3, UINT64_MAX, 12, "no section 'embed.idf'");
    expect_refused(&m, false, 3, 3, 12, "no section 'embed.info'");
    expect_refused(&m, true, UINT64_MAX, UINT64_MAX, UINT64_MAX, "no section 'embed.feat'");
    /* counts that disagree with the header */
    expect_refused(&m, true, 2, 3, 12, "'embed.feat' has 2 elements, expected 3");
    expect_refused(&m, true, 3, 2, 12, "'embed.idf' has 2 elements, expected 3");
    expect_refused(&m, true, 3, 3, 11, "'embed.proj.f16' has 11 elements, expected 12");
    /* bad contents */
    feat[1] = 5;
    expect_refused(&m, true, 3, 3, 12, "embed.feat: not strictly ascending at entry 1");
    feat[1] = 2000;
    expect_refused(&m, true, 3, 3, 12, "embed.feat: feature 2000 of entry 1 is out of range");
    feat[1] = 105;
    idf[2] = NAN;
    expect_refused(&m, true, 3, 3, 12, "embed.idf: entry 2");
    idf[2] = -1;
    expect_refused(&m, true, 3, 3, 12, "embed.idf: entry 2");
    idf[2] = 1.5f;
    proj[7] = 0x7C00; /* +inf */
    expect_refused(&m, true, 3, 3, 12, "embed.proj.f16: entry 7 is infinite or NaN");
    proj[7] = 0;
    /* header fields this hfviz cannot use */
    m.version = 2;
    expect_refused(&m, true, 3, 3, 12, "version 2, this hfviz reads version 1");
    m.version = EMBED_TFIDF_SVD_VERSION;
    snprintf(m.embedder, sizeof m.embedder, "bert-base");
    expect_refused(&m, true, 3, 3, 12, "embedder 'bert-base' has no query model");
    snprintf(m.embedder, sizeof m.embedder, "tfidf-svd");
    m.n_features = 100;
    expect_refused(&m, true, 3, 3, 12, "embed.feat: feature 105");
    m.n_features = 2;
    expect_refused(&m, true, 3, 3, 12, "3 kept features of only 2");
    m.n_features = 1024;
    m.dims = 0;
    expect_refused(&m, true, 3, 3, 0, "0 dimensions");
    m.dims = 4;
    embed_model_free(&m);
}

Test(embed_query, cache_file_round_trip_and_damage, .init = files_setup, .fini = files_teardown) {
    hv_embed_model m, r;
    uint32_t *feat;
    float *idf;
    uint16_t *proj;
    tiny_model(&m, &feat, &idf, &proj);
    hv_err e = {0, ""};
    cr_assert_eq(embed_model_load(path, &r, &e), HV_EIO, "absent");
    cr_assert_eq(embed_model_save(path, &m, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(embed_model_load(path, &r, &e), HV_OK, "%s", e.msg);
    cr_assert_not_null(r.owned);
    cr_assert_eq(r.n_kept, 3);
    cr_assert_eq(memcmp(r.feat, m.feat, 3 * 4), 0);
    cr_assert_eq(memcmp(r.idf, m.idf, 3 * 4), 0);
    cr_assert_eq(memcmp(r.proj, m.proj, 12 * 2), 0);
    embed_model_free(&r);
    /* every single flipped byte is caught (magic, header, CRC or payload) */
    FILE *fp = fopen(path, "rb");
    uint8_t buf[256];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    cr_assert_eq(n, 16 + 64 + 3 * 8 + 12 * 2);
    for (size_t i = 0; i < n; i++) {
        buf[i] ^= 0x40;
        fp = fopen(path, "wb");
        fwrite(buf, 1, n, fp);
        fclose(fp);
        cr_assert_eq(embed_model_load(path, &r, &e), HV_EINPUT, "byte %zu flipped", i);
        cr_assert_null(r.owned);
        buf[i] ^= 0x40;
    }
    /* truncated and extended */
    for (size_t len = 0; len <= n + 1; len += (len + 1 == n ? 2 : 1)) {
        fp = fopen(path, "wb");
        fwrite(buf, 1, len < n ? len : n, fp);
        if (len > n) fputc(0, fp);
        fclose(fp);
        cr_assert_eq(embed_model_load(path, &r, &e), HV_EINPUT, "length %zu of %zu", len, n);
    }
    embed_model_free(&m);
}
