/* test_embed.c - the tfidf-svd embedder (determinism, unit rows, similar
 * texts closer than unrelated ones) and the .npy reader/writer (round trip,
 * the header numpy expects, corrupt files). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embed/embed.h"

/* Four topics with their own words plus words every document shares. */
static const char *TOPIC[4][6] = {
    {"llama", "chat", "instruct", "gguf", "quantized", "mistral"},
    {"whisper", "speech", "audio", "asr", "transcription", "wav2vec"},
    {"diffusion", "image", "lora", "sdxl", "flux", "stable"},
    {"bert", "classification", "sentiment", "token", "ner", "roberta"},
};
static const char *COMMON[] = {"model", "trained", "dataset", "license", "apache", "english", "fine", "tuned"};

static int topic_text(void *ud, uint32_t row, hv_buf *out, hv_err *e) {
    (void)ud;
    (void)e;
    hv_buf_clear(out);
    uint64_t x = (row + 1) * 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 14; i++) {
        x ^= x >> 31;
        x *= 0xBF58476D1CE4E5B9ULL;
        const char *w = (x >> 60) < 6 ? COMMON[(x >> 20) % 8] : TOPIC[row % 4][(x >> 20) % 6];
        if (hv_buf_printf(out, "%s ", w)) return HV_ENOMEM;
    }
    return HV_OK;
}

static const hv_embedder *tfidf_svd(void) {
    const hv_embedder *em = embedder_find("tfidf-svd");
    cr_assert_not_null(em);
    return em;
}

Test(embed, registry_and_defaults) {
    hv_embed_opts o;
    embed_opts_default(&o);
    cr_assert_eq(o.dims, 96);
    cr_assert_eq(o.n_features, 1u << 18);
    cr_assert_eq(o.min_df, 2);
    cr_assert_eq(o.oversample, 16);
    cr_assert_eq(o.power_iters, 3);
    cr_assert_str_eq(tfidf_svd()->name, "tfidf-svd");
    cr_assert_null(embedder_find("nope"));
    cr_assert_null(embedder_find(NULL));
}

static double dot(const float *a, const float *b, uint32_t d) {
    double s = 0;
    for (uint32_t i = 0; i < d; i++) s += (double)a[i] * b[i];
    return s;
}

Test(embed, deterministic_unit_rows_topics_cluster) {
    const uint32_t n = 800, d = 16;
    hv_embed_opts o;
    embed_opts_default(&o);
    o.dims = d;
    o.n_features = 1 << 12;
    o.threads = 1;
    o.seed = 5;
    float *x1 = malloc((size_t)n * d * sizeof *x1), *x2 = malloc((size_t)n * d * sizeof *x2);
    float *x3 = malloc((size_t)n * d * sizeof *x3);
    hv_err e = {0, ""};
    cr_assert_eq(tfidf_svd()->embed(tfidf_svd(), n, topic_text, NULL, &o, x1, NULL, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(tfidf_svd()->embed(tfidf_svd(), n, topic_text, NULL, &o, x2, NULL, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(memcmp(x1, x2, (size_t)n * d * sizeof *x1), 0, "same seed: same bytes");
    o.threads = 2;
    cr_assert_eq(tfidf_svd()->embed(tfidf_svd(), n, topic_text, NULL, &o, x3, NULL, &e), HV_OK, "%s", e.msg);
    double within = 0, across = 0;
    uint64_t nw = 0, na = 0;
    for (uint32_t r = 0; r < n; r++) {
        cr_assert_float_eq(dot(x1 + (size_t)r * d, x1 + (size_t)r * d, d), 1.0, 1e-5, "row %u", r);
        cr_assert_gt(dot(x1 + (size_t)r * d, x3 + (size_t)r * d, d), 0.999, "row %u differs across threads", r);
        for (uint32_t s = r + 1; s < n; s += 7) {
            double c = dot(x1 + (size_t)r * d, x1 + (size_t)s * d, d);
            if (r % 4 == s % 4) within += c, nw++;
            else across += c, na++;
        }
    }
    within /= (double)nw;
    across /= (double)na;
    cr_assert_gt(within, across + 0.3, "same-topic cosine %.3f vs other-topic %.3f", within, across);
    /* a different seed gives (slightly) different vectors */
    o.threads = 1;
    o.seed = 6;
    cr_assert_eq(tfidf_svd()->embed(tfidf_svd(), n, topic_text, NULL, &o, x2, NULL, &e), HV_OK);
    cr_assert_neq(memcmp(x1, x2, (size_t)n * d * sizeof *x1), 0);
    free(x1);
    free(x2);
    free(x3);
}

static int tiny_text(void *ud, uint32_t row, hv_buf *out, hv_err *e) {
    (void)ud;
    (void)e;
    static const char *t[] = {"stable diffusion xl", "stable diffusion lora", "whisper speech"};
    hv_buf_clear(out);
    return hv_buf_append(out, t[row], strlen(t[row])) ? HV_ENOMEM : HV_OK;
}

Test(embed, tiny_input_more_dims_than_documents) {
    hv_embed_opts o;
    embed_opts_default(&o);
    o.min_df = 1;
    float x[3 * 96];
    hv_err e = {0, ""};
    cr_assert_eq(tfidf_svd()->embed(tfidf_svd(), 3, tiny_text, NULL, &o, x, NULL, &e), HV_OK, "%s", e.msg);
    for (int r = 0; r < 3; r++) cr_assert_float_eq(dot(x + r * 96, x + r * 96, 96), 1.0, 1e-5);
    cr_assert_gt(dot(x, x + 96, 96), dot(x, x + 192, 96));
}

Test(embed, bad_options) {
    hv_embed_opts o;
    embed_opts_default(&o);
    o.dims = 0;
    float x[3];
    hv_err e = {0, ""};
    cr_assert_eq(tfidf_svd()->embed(tfidf_svd(), 1, tiny_text, NULL, &o, x, NULL, &e), HV_EUSAGE);
}

/* ---- .npy ---- */

static char path[256];
static void npy_setup(void) { snprintf(path, sizeof path, "/tmp/hv-test-embed-%ld.npy", (long)getpid()); }
static void npy_teardown(void) { remove(path); }

static void write_bytes(const void *p, size_t n) {
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(p, 1, n, f), n);
    fclose(f);
}

static size_t read_all(unsigned char *buf, size_t cap) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

Test(npy, round_trip_and_header, .init = npy_setup, .fini = npy_teardown) {
    float x[5 * 3];
    for (int i = 0; i < 15; i++) x[i] = (float)i * 0.25f - 1;
    hv_err e = {0, ""};
    cr_assert_eq(npy_write_f32(path, x, 5, 3, &e), HV_OK, "%s", e.msg);
    unsigned char buf[512];
    size_t n = read_all(buf, sizeof buf);
    cr_assert_eq(n, 128 + 60, "header padded to a multiple of 64 bytes");
    cr_assert_eq(memcmp(buf, "\x93NUMPY\x01\x00", 8), 0);
    cr_assert_eq(buf[8] | buf[9] << 8, 118);
    cr_assert_eq(buf[127], '\n');
    cr_assert_eq(buf[126], ' ');
    const char *want = "{'descr': '<f4', 'fortran_order': False, 'shape': (5, 3), }";
    cr_assert_eq(memcmp(buf + 10, want, strlen(want)), 0);
    float *y;
    uint32_t rn, rd;
    cr_assert_eq(npy_read_f32(path, &y, &rn, &rd, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(rn, 5);
    cr_assert_eq(rd, 3);
    cr_assert_eq(memcmp(x, y, sizeof x), 0);
    free(y);
    /* empty array */
    cr_assert_eq(npy_write_f32(path, x, 0, 96, &e), HV_OK);
    cr_assert_eq(npy_read_f32(path, &y, &rn, &rd, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(rn, 0);
    cr_assert_eq(rd, 96);
    free(y);
}

static void expect_corrupt(const char *what) {
    float *y = (float *)1;
    uint32_t n = 9, d = 9;
    hv_err e = {0, ""};
    cr_assert_eq(npy_read_f32(path, &y, &n, &d, &e), HV_EINPUT, "%s: accepted", what);
    cr_assert_null(y);
    cr_assert(strstr(e.msg, path), "%s: message without the path: %s", what, e.msg);
}

static void with_header(const char *dict, size_t data_bytes) {
    unsigned char buf[256] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    size_t dl = strlen(dict), total = 10 + dl + 1, pad = (64 - total % 64) % 64, hl = dl + pad + 1;
    buf[8] = (unsigned char)hl;
    buf[9] = 0;
    memcpy(buf + 10, dict, dl);
    memset(buf + 10 + dl, ' ', pad);
    buf[10 + hl - 1] = '\n';
    memset(buf + 10 + hl, 0, data_bytes);
    write_bytes(buf, 10 + hl + data_bytes);
}

Test(npy, corrupt_files_rejected, .init = npy_setup, .fini = npy_teardown) {
    write_bytes("hello", 5);
    expect_corrupt("bad magic");
    write_bytes("\x93NUMPY\x01\x00\x10", 9);
    expect_corrupt("truncated header length");
    with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 20);
    expect_corrupt("short data");
    with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 28);
    expect_corrupt("trailing bytes");
    with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 48);
    expect_corrupt("float64");
    with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24);
    expect_corrupt("fortran order");
    with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", 24);
    expect_corrupt("one dimension");
    with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 3), }", 24);
    expect_corrupt("absurd shape");
    unsigned char v9[16] = {0x93, 'N', 'U', 'M', 'P', 'Y', 9, 0, 4, 0, '{', '}', ' ', '\n'};
    write_bytes(v9, 14);
    expect_corrupt("unknown version");
    /* a good one still reads (the helper writes valid files) */
    with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 24);
    float *y;
    uint32_t n, d;
    hv_err e = {0, ""};
    cr_assert_eq(npy_read_f32(path, &y, &n, &d, &e), HV_OK, "%s", e.msg);
    free(y);
    cr_assert_eq(npy_read_f32("/nonexistent/x.npy", &y, &n, &d, &e), HV_EIO);
}
