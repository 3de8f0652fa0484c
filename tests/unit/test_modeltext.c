/* test_modeltext.c - the model text recipe on a hand-built catalog: id
 * splitting, base_model tags skipped, front matter dropped, the card cut to
 * MODELTEXT_CARD_CHARS characters. */
#include <criterion/criterion.h>
#include <string.h>

#include "catalog/catalog.h"
#include "text/modeltext.h"

static hv_record rec;
static hv_catalog *cat;
static hv_buf out;

static void setup(void) { cat = catalog_new(); }
static void teardown(void) {
    record_free(&rec);
    catalog_free(cat);
    hv_buf_free(&out);
}
TestSuite(modeltext, .init = setup, .fini = teardown);

static void add_model(const char *id, const char **tags, size_t ntags, const char *pipeline, const char *library) {
    record_reset(&rec);
    rec.model_id = hv_sv_cstr(id);
    for (size_t i = 0; i < ntags; i++) cr_assert_eq(hv_svlist_push(&rec.tags, hv_sv_cstr(tags[i])), 0);
    if (pipeline) rec.pipeline = hv_sv_cstr(pipeline);
    if (library) rec.library = hv_sv_cstr(library);
    hv_err e = {0, ""};
    cr_assert_eq(catalog_add(cat, &rec, &e), HV_OK, "%s", e.msg);
}

static void finish(void) {
    hv_err e = {0, ""};
    cr_assert_eq(catalog_finish(cat, &e), HV_OK, "%s", e.msg);
}

static const char *text_of(const char *id, const char *card) {
    uint32_t row = catalog_find(cat, hv_sv_cstr(id));
    cr_assert_neq(row, HV_NO_ROW);
    hv_err e = {0, ""};
    cr_assert_eq(modeltext_row(cat, row, card ? hv_sv_cstr(card) : hv_sv_make(NULL, 0), &out, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(hv_buf_putc(&out, 0), 0);
    out.n--;
    return out.p;
}

Test(modeltext, id_split_into_words) {
    add_model("TheBloke/Llama-2-7B-Chat-GGUF", NULL, 0, NULL, NULL);
    add_model("gpt2", NULL, 0, NULL, NULL);
    add_model("EleutherAI/GPTNeo_small.v2", NULL, 0, NULL, NULL);
    finish();
    cr_assert_str_eq(text_of("TheBloke/Llama-2-7B-Chat-GGUF", NULL),
                     "thebloke the bloke llama27bchatgguf llama 2 7b 7 b chat gguf");
    cr_assert_str_eq(text_of("gpt2", NULL), "gpt2 gpt 2");
    cr_assert_str_eq(text_of("EleutherAI/GPTNeo_small.v2", NULL),
                     "eleutherai eleuther ai gptneosmallv2 gptneo gpt neo small v2 v 2");
}

Test(modeltext, tags_fields_and_no_base_model) {
    const char *tags[] = {"GGUF", "base_model:meta-llama/Llama-2-7b-chat-hf",
                          "base_model:quantized:meta-llama/Llama-2-7b-chat-hf", "license:llama2", "en"};
    add_model("org/m", tags, 5, "text-generation", "transformers");
    finish();
    const char *t = text_of("org/m", NULL);
    cr_assert(strstr(t, "gguf"), "%s", t);
    cr_assert(strstr(t, "text-generation"), "%s", t);
    cr_assert(strstr(t, "transformers"), "%s", t);
    cr_assert(strstr(t, "license:llama2"), "%s", t);
    cr_assert_null(strstr(t, "base_model"), "%s", t);
    cr_assert_null(strstr(t, "meta-llama"), "%s", t);
    /* lower-cased, single spaces, no trailing space */
    for (const char *p = t; *p; p++) {
        cr_assert(!(*p >= 'A' && *p <= 'Z'), "%s", t);
        cr_assert(!(p[0] == ' ' && p[1] == ' '), "%s", t);
    }
    cr_assert_neq(t[strlen(t) - 1], ' ');
}

Test(modeltext, front_matter_dropped_whitespace_folded) {
    add_model("a/b", NULL, 0, NULL, NULL);
    finish();
    const char *t = text_of("a/b", "---\nlicense: mit\ntags:\n- secret-yaml-tag\n---\n\n# Hello   World\n\n\tBody TEXT\n");
    cr_assert_str_eq(t, "a b # hello world body text");
    /* no front matter: the whole card */
    t = text_of("a/b", "  Just a card");
    cr_assert_str_eq(t, "a b just a card");
}

Test(modeltext, card_capped_in_characters) {
    add_model("x/y", NULL, 0, NULL, NULL);
    finish();
    /* 600 two-byte characters: 512 of them (1024 bytes) are kept, none cut */
    char card[1300];
    size_t n = 0;
    for (int i = 0; i < 600; i++) {
        card[n++] = (char)0xC3;
        card[n++] = (char)0xA9; /* é */
    }
    card[n] = 0;
    const char *t = text_of("x/y", card);
    const char *body = t + strlen("x y ");
    cr_assert_eq(strlen(body), 2 * MODELTEXT_CARD_CHARS);
    cr_assert_eq((unsigned char)body[strlen(body) - 1], 0xA9);
    /* ASCII: exactly 512 characters */
    char ascii[700];
    memset(ascii, 'q', 699);
    ascii[699] = 0;
    t = text_of("x/y", ascii);
    cr_assert_eq(strlen(t + 4), MODELTEXT_CARD_CHARS);
}

Test(modeltext, row_out_of_range) {
    add_model("x/y", NULL, 0, NULL, NULL);
    finish();
    hv_err e = {0, ""};
    cr_assert_eq(modeltext_row(cat, 5, hv_sv_make(NULL, 0), &out, &e), HV_EINPUT);
}
