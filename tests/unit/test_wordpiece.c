/* test_wordpiece.c - BertTokenizer's basic + WordPiece tokenization on a
 * tiny vocabulary, each expectation worked out by hand from transformers'
 * algorithm (clean text, CJK spacing, NFC, lower case, accent stripping,
 * punctuation split, greedy longest match, truncation), plus the
 * vocabulary loader. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embed/bert/wordpiece.h"

/* Line i is id i. */
static const char *const VOCAB[] = {
    "[PAD]", "[UNK]", "[CLS]", "[SEP]",   "[MASK]", "hello", "world", ",",     "!",     ".",
    "un",    "##aff", "##able", "the",    "héllo",  "wörld", "我",    "爱",    "北",    "京",
    "a",     "don",   "'",     "t",       "Hello",  "(",     ")",     "x",     "##x",   "i",
    "##\xCC\x87", /* "##" U+0307 COMBINING DOT ABOVE */
    "Héllo", "οδοσ",  "가",    "$",       "[",      "]",     "hel",   "##lo",
};
enum {
    PAD, UNK, CLS, SEP, MASK, HELLO, WORLD, COMMA, BANG, DOT,
    UN, AFF, ABLE, THE, HELLO_ACC, WORLD_ACC, WO, AI, BEI, JING,
    A, DON, APOS, T, HELLO_CAP, LPAR, RPAR, X, XX, I,
    DOT_ABOVE, HELLO_CAP_ACC, ODOS, GA, DOLLAR, LBR, RBR, HEL, LO,
};
#define NV (sizeof VOCAB / sizeof *VOCAB)

static hv_wordpiece *load(int lower, int strip, int cjk) {
    char buf[1024];
    size_t n = 0;
    for (size_t i = 0; i < NV; i++) n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\n", VOCAB[i]);
    hv_wp_opts o;
    wp_opts_default(&o);
    o.do_lower_case = lower;
    o.strip_accents = strip;
    o.tokenize_chinese_chars = cjk;
    hv_wordpiece *wp;
    hv_err e = {0};
    cr_assert_eq(wp_load_mem(buf, n, "vocab.txt", &o, &wp, &e), HV_OK, "%s", e.msg);
    return wp;
}

static void check(const hv_wordpiece *wp, const char *text, size_t len, uint32_t max_len, const uint32_t *want,
                  size_t nwant) {
    uint32_t ids[256], n = 0;
    hv_err e = {0};
    cr_assert_eq(wp_encode(wp, text, len, max_len, ids, &n, &e), HV_OK, "%s", e.msg);
    char got[1024] = "", exp[1024] = "";
    for (uint32_t i = 0; i < n; i++) snprintf(got + strlen(got), sizeof got - strlen(got), " %u", ids[i]);
    for (size_t i = 0; i < nwant; i++) snprintf(exp + strlen(exp), sizeof exp - strlen(exp), " %u", want[i]);
    cr_assert_str_eq(got, exp, "text \"%s\": got [%s ], expected [%s ]", text, got, exp);
}

#define IDS(...) (const uint32_t[]){__VA_ARGS__}, sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t)
/* text (a string literal: embedded NULs count), then the expected ids */
#define EXPECT(wp, text, ...) check(wp, text, sizeof(text) - 1, 128, IDS(CLS, __VA_ARGS__, SEP))
#define EXPECT_EMPTY(wp, text) check(wp, text, sizeof(text) - 1, 128, IDS(CLS, SEP))

Test(wordpiece, plain_english_and_lower_case) {
    hv_wordpiece *wp = load(1, -1, 1);
    EXPECT(wp, "hello world", HELLO, WORLD);
    EXPECT(wp, "Hello WORLD", HELLO, WORLD);
    EXPECT(wp, "  hello   world  ", HELLO, WORLD);
    EXPECT(wp, "the a", THE, A);
    wp_free(wp);
    /* cased: "Hello" is its own token, "WORLD" is unknown */
    wp = load(0, -1, 1);
    EXPECT(wp, "Hello WORLD hello", HELLO_CAP, UNK, HELLO);
    wp_free(wp);
}

Test(wordpiece, punctuation) {
    hv_wordpiece *wp = load(1, -1, 1);
    EXPECT(wp, "hello, world!", HELLO, COMMA, WORLD, BANG);
    EXPECT(wp, "don't", DON, APOS, T);
    EXPECT(wp, "(hello).", LPAR, HELLO, RPAR, DOT);
    EXPECT(wp, "$hello", DOLLAR, HELLO); /* '$' is Sc, punctuation by the ASCII rule */
    EXPECT(wp, "...", DOT, DOT, DOT);
    /* U+2014 EM DASH (Pd) splits, and is not in the vocabulary */
    EXPECT(wp, "hello\xE2\x80\x94world", HELLO, UNK, WORLD);
    /* U+00BF INVERTED QUESTION MARK (Po) too */
    EXPECT(wp, "\xC2\xBFhello", UNK, HELLO);
    wp_free(wp);
}

Test(wordpiece, accents_with_and_without_stripping) {
    /* lower case, accents follow (stripped) */
    hv_wordpiece *wp = load(1, -1, 1);
    EXPECT(wp, "Héllo wörld", HELLO, WORLD);
    wp_free(wp);
    /* lower case, strip_accents=False */
    wp = load(1, 0, 1);
    EXPECT(wp, "Héllo wörld", HELLO_ACC, WORLD_ACC);
    /* decomposed input (e + U+0301) is composed by NFC first */
    EXPECT(wp, "He\xCC\x81llo", HELLO_ACC);
    wp_free(wp);
    /* cased, accents follow (kept) */
    wp = load(0, -1, 1);
    EXPECT(wp, "Héllo wörld", HELLO_CAP_ACC, WORLD_ACC);
    wp_free(wp);
    /* cased, strip_accents=True */
    wp = load(0, 1, 1);
    EXPECT(wp, "Héllo wörld", HELLO_CAP, WORLD);
    wp_free(wp);
}

Test(wordpiece, lower_case_special_mappings) {
    /* str.lower() maps U+0130 to "i" + U+0307; stripping drops the mark */
    hv_wordpiece *wp = load(1, 0, 1);
    EXPECT(wp, "\xC4\xB0", I, DOT_ABOVE);
    wp_free(wp);
    wp = load(1, -1, 1);
    EXPECT(wp, "\xC4\xB0", I);
    /* transformers lower-cases one code point at a time: a final capital
     * sigma becomes σ, not ς */
    EXPECT(wp, "ΟΔΟΣ", ODOS);
    wp_free(wp);
}

Test(wordpiece, nfc_composes_hangul_jamo) {
    hv_wordpiece *wp = load(0, -1, 1);
    EXPECT(wp, "\xE1\x84\x80\xE1\x85\xA1", GA); /* U+1100 U+1161 -> U+AC00 */
    wp_free(wp);
}

Test(wordpiece, cjk_characters) {
    hv_wordpiece *wp = load(1, -1, 1);
    EXPECT(wp, "我爱北京", WO, AI, BEI, JING);
    EXPECT(wp, "a我a", A, WO, A);
    EXPECT(wp, "我爱北京天", WO, AI, BEI, JING, UNK);
    wp_free(wp);
    /* without CJK spacing the run is one word: "我" matches, "##爱..." does not */
    wp = load(1, -1, 0);
    EXPECT(wp, "我爱北京", UNK);
    wp_free(wp);
}

Test(wordpiece, emoji_is_unknown) {
    hv_wordpiece *wp = load(1, -1, 1);
    EXPECT(wp, "hello \xF0\x9F\xA4\x97", HELLO, UNK);
    EXPECT(wp, "hello\xF0\x9F\xA4\x97", UNK); /* no split (So is not punctuation): one word, no "##" match */
    wp_free(wp);
}

Test(wordpiece, greedy_longest_match_first) {
    hv_wordpiece *wp = load(1, -1, 1);
    EXPECT(wp, "unaffable", UN, AFF, ABLE);
    EXPECT(wp, "UnAffable", UN, AFF, ABLE);
    /* "hello" wins over "hel" + "##lo" */
    EXPECT(wp, "hello", HELLO);
    /* a piece with no match anywhere: the whole word is one [UNK] */
    EXPECT(wp, "unaffabley", UNK);
    EXPECT(wp, "xxx", X, XX, XX);
    wp_free(wp);
}

Test(wordpiece, word_over_100_characters) {
    hv_wordpiece *wp = load(1, -1, 1);
    char w[200];
    memset(w, 'x', 150);
    check(wp, w, 150, 128, IDS(CLS, UNK, SEP));
    check(wp, w, 101, 128, IDS(CLS, UNK, SEP));
    uint32_t want[102];
    want[0] = CLS;
    want[1] = X;
    for (int i = 2; i <= 100; i++) want[i] = XX;
    want[101] = SEP;
    check(wp, w, 100, 128, want, 102);
    /* counted after accent stripping, in code points: 60 x "x" U+0301 is
     * 180 bytes and 120 code points of input, a word of 60 */
    for (int i = 0; i < 60; i++) memcpy(w + 3 * i, "x\xCC\x81", 3);
    uint32_t ids[128], n;
    cr_assert_eq(wp_encode(wp, w, 180, 128, ids, &n, NULL), HV_OK);
    cr_assert_eq(n, 62);
    cr_assert_eq(ids[1], X);
    cr_assert_eq(ids[60], XX);
    wp_free(wp);
}

Test(wordpiece, control_and_whitespace_characters) {
    hv_wordpiece *wp = load(1, -1, 1);
    /* NUL, U+0001, DEL, U+200B (Cf), U+0085 (Cc): dropped, joining what is around them */
    EXPECT(wp, "hel\0lo wor\x01ld\x7F", HELLO, WORLD);
    EXPECT(wp, "hel\xE2\x80\x8Blo", HELLO);
    EXPECT(wp, "hel\xC2\x85lo", HELLO);
    /* U+FFFD is dropped; U+E000 (Co) and U+0378 (unassigned) are C* too */
    EXPECT(wp, "hel\xEF\xBF\xBDlo", HELLO);
    EXPECT(wp, "hel\xEE\x80\x80lo\xCD\xB8", HELLO);
    /* \t \n \r, NBSP, U+3000 (Zs) and U+2028 separate words */
    EXPECT(wp, "hello\tworld\r\nhello\rworld", HELLO, WORLD, HELLO, WORLD);
    EXPECT(wp, "hello\xC2\xA0world\xE3\x80\x80hello\xE2\x80\xA8world", HELLO, WORLD, HELLO, WORLD);
    EXPECT_EMPTY(wp, " \t\n\r\x01\x02 ");
    wp_free(wp);
}

Test(wordpiece, invalid_utf8_is_dropped) {
    hv_wordpiece *wp = load(1, -1, 1);
    EXPECT(wp, "hel\xFFlo wo\xC3rld", HELLO, WORLD);
    EXPECT(wp, "hello\xE4\xBD", HELLO);              /* truncated sequence at the end */
    EXPECT(wp, "hel\xED\xA0\x80lo", HELLO);          /* an encoded surrogate */
    EXPECT(wp, "hel\xC0\xAFlo", HELLO);            /* an overlong '/' is no slash */
    EXPECT(wp, "\xF4\x90\x80\x80hello\x80\xBF", HELLO); /* past U+10FFFF, stray continuations */
    /* a bad lead byte does not swallow the valid character after it */
    EXPECT(wp, "\xE4(hello", LPAR, HELLO);
    wp_free(wp);
}

Test(wordpiece, special_tokens) {
    hv_wordpiece *wp = load(1, -1, 1);
    /* found in the raw text, kept whole and never lower-cased */
    EXPECT(wp, "hello [SEP] world", HELLO, SEP, WORLD);
    EXPECT(wp, "hello[MASK]world", HELLO, MASK, WORLD);
    EXPECT(wp, "[MASK][MASK]", MASK, MASK);
    /* lower-case spelling is not the token: "[", "mask" (unknown), "]" */
    EXPECT(wp, "[mask]", LBR, UNK, RBR);
    /* with lower-casing, one made by cleaning is lower-cased like text */
    EXPECT(wp, "[MA\0SK]", LBR, UNK, RBR);
    wp_free(wp);
    /* cased: the cleaned word "[MASK]" is in never_split and stays whole */
    wp = load(0, -1, 1);
    EXPECT(wp, "[MA\0SK]", MASK);
    EXPECT(wp, "[Mask]", LBR, UNK, RBR);
    wp_free(wp);
}

Test(wordpiece, custom_special_tokens) {
    const char *v = "[PAD]\n<unk>\n<s>\n</s>\nhello\n<\n>\n";
    const char *specials[] = {"<unk>", "<s>", "</s>"};
    hv_wp_opts o;
    wp_opts_default(&o);
    o.never_split = specials;
    o.n_never_split = 3;
    o.unk_token = "<unk>";
    o.cls_token = "<s>";
    o.sep_token = "</s>";
    hv_wordpiece *wp;
    hv_err e;
    cr_assert_eq(wp_load_mem(v, strlen(v), "v", &o, &wp, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(wp_cls_id(wp), 2);
    cr_assert_eq(wp_sep_id(wp), 3);
    cr_assert_eq(wp_unk_id(wp), 1);
    uint32_t ids[16], n;
    const char *t = "hello</s>[SEP] <x>";
    cr_assert_eq(wp_encode(wp, t, strlen(t), 16, ids, &n, &e), HV_OK);
    /* hello </s> [ sep ] < x > : "[" "sep" "]" "x" are unknown */
    uint32_t want[] = {2, 4, 3, 1, 1, 1, 5, 1, 6, 3};
    cr_assert_eq(n, sizeof want / sizeof *want);
    cr_assert_arr_eq(ids, want, sizeof want);
    wp_free(wp);
}

Test(wordpiece, truncation) {
    hv_wordpiece *wp = load(1, -1, 1);
    const char *t = "hello world hello world hello world hello world";
    check(wp, t, strlen(t), 8, IDS(CLS, HELLO, WORLD, HELLO, WORLD, HELLO, WORLD, SEP));
    /* pieces of one word are cut too */
    check(wp, "unaffable unaffable", 19, 4, IDS(CLS, UN, AFF, SEP));
    check(wp, "unaffable", 9, 5, IDS(CLS, UN, AFF, ABLE, SEP));
    check(wp, "hello", 5, 2, IDS(CLS, SEP));
    check(wp, "hello [SEP] world", 17, 4, IDS(CLS, HELLO, SEP, SEP));
    uint32_t ids[4], n = 99;
    hv_err e;
    cr_assert_eq(wp_encode(wp, "hello", 5, 1, ids, &n, &e), HV_EUSAGE);
    cr_assert_eq(n, 0);
    wp_free(wp);
}

Test(wordpiece, empty_text) {
    hv_wordpiece *wp = load(1, -1, 1);
    EXPECT_EMPTY(wp, "");
    check(wp, NULL, 0, 128, IDS(CLS, SEP));
    wp_free(wp);
}

Test(wordpiece, long_text_stops_at_max_len) {
    hv_wordpiece *wp = load(1, -1, 1);
    size_t len = 1 << 22;
    char *t = malloc(len);
    for (size_t i = 0; i < len; i++) t[i] = "hello "[i % 6];
    uint32_t ids[256], n;
    cr_assert_eq(wp_encode(wp, t, len, 256, ids, &n, NULL), HV_OK);
    cr_assert_eq(n, 256);
    cr_assert_eq(ids[0], CLS);
    cr_assert_eq(ids[254], HELLO);
    cr_assert_eq(ids[255], SEP);
    /* one word longer than the word buffer's stack space (heap growth) */
    memset(t, 'a', 10000);
    memcpy(t + 10000, "\xCC\x81 hello", 8);
    cr_assert_eq(wp_encode(wp, t, 10008, 256, ids, &n, NULL), HV_OK);
    cr_assert_eq(n, 4);
    cr_assert_eq(ids[1], UNK);
    cr_assert_eq(ids[2], HELLO);
    free(t);
    wp_free(wp);
}

Test(wordpiece, vocabulary_lookup_and_size) {
    hv_wordpiece *wp = load(1, -1, 1);
    cr_assert_eq(wp_vocab_size(wp), NV);
    cr_assert_eq(wp_token_id(wp, "[CLS]"), CLS);
    cr_assert_eq(wp_token_id(wp, "##aff"), AFF);
    cr_assert_eq(wp_token_id(wp, "aff"), HV_WP_NO_ID);
    cr_assert_eq(wp_token_id(wp, "我"), WO);
    cr_assert_eq(wp_token_id(wp, ""), HV_WP_NO_ID);
    cr_assert_eq(wp_cls_id(wp), CLS);
    cr_assert_eq(wp_sep_id(wp), SEP);
    cr_assert_eq(wp_unk_id(wp), UNK);
    wp_free(wp);
}

Test(wordpiece, vocabulary_lines_and_duplicates) {
    /* \r\n and a lone \r end lines (universal newlines); an empty line is
     * token ""; a repeated token keeps its last id; no final newline */
    const char v[] = "[UNK]\r\n[CLS]\r[SEP]\n\nhello\nhello\n##lo\nlast";
    hv_wordpiece *wp;
    hv_err e;
    cr_assert_eq(wp_load_mem(v, sizeof v - 1, "v", NULL, &wp, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(wp_vocab_size(wp), 8);
    cr_assert_eq(wp_token_id(wp, "[CLS]"), 1);
    cr_assert_eq(wp_token_id(wp, "[SEP]"), 2);
    cr_assert_eq(wp_token_id(wp, ""), 3);
    cr_assert_eq(wp_token_id(wp, "hello"), 5);
    cr_assert_eq(wp_token_id(wp, "##lo"), 6);
    cr_assert_eq(wp_token_id(wp, "last"), 7);
    uint32_t ids[8], n;
    cr_assert_eq(wp_encode(wp, "Hello", 5, 8, ids, &n, &e), HV_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(ids[1], 5);
    wp_free(wp);
}

Test(wordpiece, vocabulary_from_a_file) {
    char path[] = "/tmp/hv_vocab_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char v[] = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n";
    cr_assert_eq(write(fd, v, sizeof v - 1), (ssize_t)(sizeof v - 1));
    close(fd);
    hv_wordpiece *wp;
    hv_err e;
    cr_assert_eq(wp_load(path, NULL, &wp, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(wp_vocab_size(wp), 5);
    cr_assert_eq(wp_token_id(wp, "hello"), 4);
    wp_free(wp);
    unlink(path);
    cr_assert_eq(wp_load(path, NULL, &wp, &e), HV_EIO);
    cr_assert_null(wp);
}

Test(wordpiece, bad_vocabularies) {
    hv_wordpiece *wp;
    hv_err e;
    const char nounk[] = "[CLS]\n[SEP]\nhello\n";
    cr_assert_eq(wp_load_mem(nounk, sizeof nounk - 1, "v.txt", NULL, &wp, &e), HV_EINPUT);
    cr_assert_null(wp);
    cr_assert(strstr(e.msg, "v.txt") && strstr(e.msg, "[UNK]"), "%s", e.msg);
    const char nocls[] = "[UNK]\n[SEP]\n";
    cr_assert_eq(wp_load_mem(nocls, sizeof nocls - 1, "v.txt", NULL, &wp, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "[CLS]"), "%s", e.msg);
    const char bad[] = "[UNK]\n[CLS]\n[SEP]\nab\xFF\n";
    cr_assert_eq(wp_load_mem(bad, sizeof bad - 1, "v.txt", NULL, &wp, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "byte 20") && strstr(e.msg, "line 4"), "%s", e.msg);
    cr_assert_eq(wp_load_mem("", 0, "v.txt", NULL, &wp, &e), HV_EINPUT);
}
