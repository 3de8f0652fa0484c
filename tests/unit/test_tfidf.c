/* test_tfidf.c - the tokenizer and the TF-IDF values against a hand
 * computation (sublinear tf, smoothed idf, L2, min_df) on tiny documents. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "text/tfidf.h"
#include "text/tokenize.h"

typedef struct docs {
    const char **text;
    uint32_t n;
} docs;

static int doc_text(void *ud, uint32_t row, hv_buf *out, hv_err *e) {
    docs *d = ud;
    if (row >= d->n) return hv_errf(e, HV_EINTERNAL, "row %u", row);
    hv_buf_clear(out);
    return hv_buf_append(out, d->text[row], strlen(d->text[row])) ? hv_errf(e, HV_ENOMEM, "oom") : HV_OK;
}

typedef struct toks {
    char s[512];
} toks;

static void collect(void *ud, const char *t, size_t n) {
    toks *k = ud;
    size_t at = strlen(k->s);
    snprintf(k->s + at, sizeof k->s - at, "%s%.*s", at ? "|" : "", (int)n, t);
}

Test(tokenize, words_lowercase_min_two_utf8_kept) {
    toks k = {""};
    const char *t = "Hello, WORLD! x ab-cd 日本語 naïve\xE2\x80\x94" "dash 7b a1";
    token_each(t, strlen(t), collect, &k);
    cr_assert_str_eq(k.s, "hello|world|ab|cd|日本語|naïve|dash|7b|a1");
}

Test(tokenize, unigrams_and_bigrams_hashed) {
    const uint32_t F = 1u << 20;
    hv_featvec fv = {0};
    const char *t = "Deep learning, deep";
    cr_assert_eq(token_features(t, strlen(t), F, &fv), 0);
    uint64_t hd = token_hash("deep", 4), hl = token_hash("learning", 8);
    uint32_t want[] = {token_bucket(hd, F), token_bucket(hl, F), token_bucket(token_bigram_hash(hd, hl), F),
                       token_bucket(hd, F), token_bucket(token_bigram_hash(hl, hd), F)};
    cr_assert_eq(fv.n, 5);
    for (int i = 0; i < 5; i++) cr_assert_eq(fv.v[i], want[i], "feature %d", i);
    /* the bigram is ordered */
    cr_assert_neq(token_bigram_hash(hd, hl), token_bigram_hash(hl, hd));
    featvec_free(&fv);
}

Test(tokenize, radix_sort) {
    uint32_t v[300], tmp[300];
    uint64_t x = 7;
    for (int i = 0; i < 300; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        v[i] = (uint32_t)(x >> 33);
    }
    token_sort_u32(v, tmp, 300);
    for (int i = 1; i < 300; i++) cr_assert_leq(v[i - 1], v[i]);
}

/* The value stored for bucket f in row r, or -1 when absent. */
static float at(const hv_spmat *m, uint32_t r, uint32_t f) {
    for (uint64_t i = m->off[r]; i < m->off[r + 1]; i++)
        if (m->col[i] == f) return m->val[i];
    return -1;
}

Test(tfidf, hand_computed_values) {
    const char *t[] = {"apple banana", "apple cherry cherry", "banana"};
    docs d = {t, 3};
    const uint32_t F = 1u << 20;
    hv_tfidf tf;
    hv_err e = {0, ""};
    hv_tfidf_opts o = {F, 1, 1};
    cr_assert_eq(tfidf_build(3, doc_text, &d, &o, &tf, NULL, &e), HV_OK, "%s", e.msg);
    uint64_t ha = token_hash("apple", 5), hb = token_hash("banana", 6), hc = token_hash("cherry", 6);
    uint32_t a = token_bucket(ha, F), b = token_bucket(hb, F), c = token_bucket(hc, F);
    uint32_t ab = token_bucket(token_bigram_hash(ha, hb), F), ac = token_bucket(token_bigram_hash(ha, hc), F);
    uint32_t cc = token_bucket(token_bigram_hash(hc, hc), F);
    /* no collisions among the six, or the hand computation would not hold */
    uint32_t all[] = {a, b, c, ab, ac, cc};
    for (int i = 0; i < 6; i++)
        for (int j = i + 1; j < 6; j++) cr_assert_neq(all[i], all[j]);
    cr_assert_eq(tf.m.nnz, 3 + 4 + 1);
    cr_assert_eq(tf.df[a], 2);
    cr_assert_eq(tf.df[c], 1);
    double idf2 = log(4.0 / 3.0) + 1, idf1 = log(4.0 / 2.0) + 1;
    /* doc 0: apple, banana (df 2), apple_banana (df 1), tf 1 each */
    double n0 = sqrt(2 * idf2 * idf2 + idf1 * idf1);
    cr_assert_float_eq(at(&tf.m, 0, a), idf2 / n0, 1e-6);
    cr_assert_float_eq(at(&tf.m, 0, b), idf2 / n0, 1e-6);
    cr_assert_float_eq(at(&tf.m, 0, ab), idf1 / n0, 1e-6);
    /* doc 1: apple 1, cherry 2 (sublinear: 1 + ln 2), apple_cherry, cherry_cherry */
    double wc = (1 + log(2.0)) * idf1;
    double n1 = sqrt(idf2 * idf2 + wc * wc + 2 * idf1 * idf1);
    cr_assert_float_eq(at(&tf.m, 1, a), idf2 / n1, 1e-6);
    cr_assert_float_eq(at(&tf.m, 1, c), wc / n1, 1e-6);
    cr_assert_float_eq(at(&tf.m, 1, ac), idf1 / n1, 1e-6);
    cr_assert_float_eq(at(&tf.m, 1, cc), idf1 / n1, 1e-6);
    /* doc 2: banana alone */
    cr_assert_float_eq(at(&tf.m, 2, b), 1.0, 1e-6);
    /* columns ascend within rows */
    for (uint32_t r = 0; r < 3; r++)
        for (uint64_t i = tf.m.off[r] + 1; i < tf.m.off[r + 1]; i++) cr_assert_lt(tf.m.col[i - 1], tf.m.col[i]);
    tfidf_free(&tf);
}

Test(tfidf, min_df_drops_and_compacts) {
    const char *t[] = {"apple banana", "apple cherry cherry", "banana", "x y z"};
    docs d = {t, 4};
    const uint32_t F = 1u << 20;
    hv_tfidf tf;
    hv_err e = {0, ""};
    hv_tfidf_opts o = {F, 2, 2};
    cr_assert_eq(tfidf_build(4, doc_text, &d, &o, &tf, NULL, &e), HV_OK, "%s", e.msg);
    uint32_t a = token_bucket(token_hash("apple", 5), F), b = token_bucket(token_hash("banana", 6), F);
    cr_assert_eq(tf.kept_features, 2);
    cr_assert_eq(tf.m.nnz, 4);
    cr_assert_eq(tf.empty_rows, 1);
    cr_assert_float_eq(at(&tf.m, 0, a), 1 / sqrt(2.0), 1e-6);
    cr_assert_float_eq(at(&tf.m, 0, b), 1 / sqrt(2.0), 1e-6);
    cr_assert_float_eq(at(&tf.m, 1, a), 1.0, 1e-6);
    cr_assert_float_eq(at(&tf.m, 2, b), 1.0, 1e-6);
    cr_assert_eq(tf.m.off[3], tf.m.off[4]);
    tfidf_free(&tf);
}

/* Many generated documents: the matrix does not depend on the thread count
 * (blocks span several fetches). */
static int gen_text(void *ud, uint32_t row, hv_buf *out, hv_err *e) {
    (void)ud;
    (void)e;
    static const char *w[] = {"llama", "bert", "vision", "audio", "gguf", "lora", "text", "image", "chat", "base"};
    hv_buf_clear(out);
    uint64_t x = row * 0x9E3779B97F4A7C15ULL + 1;
    for (int i = 0; i < 12; i++) {
        x ^= x >> 29;
        x *= 0xBF58476D1CE4E5B9ULL;
        if (hv_buf_printf(out, "%s%u ", w[(x >> 40) % 10], (unsigned)((x >> 20) % 7))) return HV_ENOMEM;
    }
    return HV_OK;
}

Test(tfidf, same_result_for_any_thread_count) {
    hv_tfidf t1, t2;
    hv_err e = {0, ""};
    hv_tfidf_opts o1 = {4096, 2, 1}, o2 = {4096, 2, 2};
    cr_assert_eq(tfidf_build(20000, gen_text, NULL, &o1, &t1, NULL, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(tfidf_build(20000, gen_text, NULL, &o2, &t2, NULL, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(t1.m.nnz, t2.m.nnz);
    cr_assert_eq(memcmp(t1.m.off, t2.m.off, 20001 * sizeof *t1.m.off), 0);
    cr_assert_eq(memcmp(t1.m.col, t2.m.col, t1.m.nnz * sizeof *t1.m.col), 0);
    cr_assert_eq(memcmp(t1.m.val, t2.m.val, t1.m.nnz * sizeof *t1.m.val), 0);
    for (uint32_t r = 0; r < 20000; r += 997) {
        double ss = 0;
        for (uint64_t i = t1.m.off[r]; i < t1.m.off[r + 1]; i++) ss += (double)t1.m.val[i] * t1.m.val[i];
        cr_assert_float_eq(ss, 1.0, 1e-5);
    }
    tfidf_free(&t1);
    tfidf_free(&t2);
}

static int failing_text(void *ud, uint32_t row, hv_buf *out, hv_err *e) {
    (void)ud;
    (void)out;
    return row == 5 ? hv_errf(e, HV_EIO, "card store broke") : (hv_buf_clear(out), HV_OK);
}

Test(tfidf, callback_error_carried_up) {
    hv_tfidf tf;
    hv_err e = {0, ""};
    hv_tfidf_opts o = {1024, 1, 1};
    cr_assert_eq(tfidf_build(10, failing_text, NULL, &o, &tf, NULL, &e), HV_EIO);
    cr_assert(strstr(e.msg, "row 5") && strstr(e.msg, "card store broke"), "%s", e.msg);
    cr_assert_null(tf.m.off);
}
