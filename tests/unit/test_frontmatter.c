/* test_frontmatter.c - the YAML subset of model-card front matter. */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "ingest/frontmatter.h"

static hv_arena mem;
static hv_frontmatter fm;
static hv_err err;

static void setup(void) {
    memset(&mem, 0, sizeof mem);
    memset(&fm, 0, sizeof fm);
    memset(&err, 0, sizeof err);
}
static void teardown(void) {
    frontmatter_free(&fm);
    arena_free(&mem);
}

TestSuite(frontmatter, .init = setup, .fini = teardown);

static int parse(const char *card) { return frontmatter_parse(hv_sv_cstr(card), &fm, &mem, &err); }

static void expect_list(const hv_svlist *l, const char *const *want, size_t n) {
    cr_assert_eq(l->n, n, "got %zu items, want %zu", l->n, n);
    for (size_t i = 0; i < n; i++)
        cr_assert(hv_sv_eq_cstr(l->v[i], want[i]), "item %zu is '%.*s', want '%s'", i, (int)l->v[i].n, l->v[i].p,
                  want[i]);
}
#define EXPECT_LIST(l, ...)                                  \
    do {                                                     \
        const char *const want_[] = {__VA_ARGS__};           \
        expect_list(l, want_, sizeof want_ / sizeof *want_); \
    } while (0)
#define EXPECT_STR(sv, s) cr_assert(hv_sv_eq_cstr(sv, s), "got '%.*s', want '%s'", (int)(sv).n, (sv).p, s)

Test(frontmatter, card_without_block_has_whole_text_as_body) {
    cr_assert_eq(parse("# Model\nText\n"), HV_OK);
    cr_assert(!fm.present);
    EXPECT_STR(fm.body, "# Model\nText\n");
}

Test(frontmatter, scalars_and_body) {
    cr_assert_eq(parse("---\nlicense: mit\nlibrary_name: transformers\npipeline_tag: text-generation\n"
                       "base_model: meta-llama/Llama-2-7b\nbase_model_relation: finetune\n---\n# Body\n"),
                 HV_OK, "%s", err.msg);
    cr_assert(fm.present);
    EXPECT_LIST(&fm.license, "mit");
    EXPECT_LIST(&fm.base_model, "meta-llama/Llama-2-7b");
    EXPECT_STR(fm.library_name, "transformers");
    EXPECT_STR(fm.pipeline_tag, "text-generation");
    EXPECT_STR(fm.base_model_relation, "finetune");
    EXPECT_STR(fm.body, "# Body\n");
}

Test(frontmatter, block_after_bom_and_leading_whitespace) {
    cr_assert_eq(parse("\xEF\xBB\xBF\n  \n---\nlicense: mit\n---\nbody"), HV_OK, "%s", err.msg);
    cr_assert(fm.present);
    EXPECT_LIST(&fm.license, "mit");
    EXPECT_STR(fm.body, "body");
}

Test(frontmatter, block_sequence_indented_or_not) {
    cr_assert_eq(parse("---\ntags:\n- a\n- b\ndatasets:\n  - d1\n  - 'd2'\nlicense: x\n---\n"), HV_OK, "%s",
                 err.msg);
    EXPECT_LIST(&fm.tags, "a", "b");
    EXPECT_LIST(&fm.datasets, "d1", "d2");
    EXPECT_LIST(&fm.license, "x");
}

Test(frontmatter, flow_sequence_over_lines) {
    cr_assert_eq(parse("---\nlanguage: [en, 'fr', \"de\",\n  zh]\ntags: []\n---\n"), HV_OK, "%s", err.msg);
    EXPECT_LIST(&fm.language, "en", "fr", "de", "zh");
    cr_assert_eq(fm.tags.n, 0);
}

Test(frontmatter, quoted_scalars_with_escapes) {
    cr_assert_eq(parse("---\nlicense: 'it''s'\nbase_model: \"a\\tb\\u00e9\\x41\"\n---\n"), HV_OK, "%s", err.msg);
    EXPECT_LIST(&fm.license, "it's");
    EXPECT_LIST(&fm.base_model, "a\tb\xC3\xA9" "A");
}

Test(frontmatter, multi_line_double_quoted_scalar_folds) {
    cr_assert_eq(parse("---\nlicense: \"a\n  b\"\n---\n"), HV_OK, "%s", err.msg);
    EXPECT_LIST(&fm.license, "a b");
}

Test(frontmatter, comments_are_ignored) {
    cr_assert_eq(parse("---\n# top comment\nlicense: mit # the license\ntags:\n# between\n- a # first\n"
                       "- b#not-a-comment\n---\n"),
                 HV_OK, "%s", err.msg);
    EXPECT_LIST(&fm.license, "mit");
    EXPECT_LIST(&fm.tags, "a", "b#not-a-comment");
}

Test(frontmatter, nested_mappings_are_skipped) {
    cr_assert_eq(parse("---\nmodel-index:\n- name: x\n  results:\n  - task:\n      type: t\n    license: no\n"
                       "widget:\n  - text: \"Hi: there\"\n    tags: [q]\nlicense: apache-2.0\n---\n"),
                 HV_OK, "%s", err.msg);
    EXPECT_LIST(&fm.license, "apache-2.0");
    cr_assert_eq(fm.tags.n, 0);
}

Test(frontmatter, mapping_items_inside_a_wanted_list_are_skipped) {
    cr_assert_eq(parse("---\nbase_model:\n- a/b\n- name: c\n  x: y\n- d/e\n---\n"), HV_OK, "%s", err.msg);
    EXPECT_LIST(&fm.base_model, "a/b", "d/e");
}

Test(frontmatter, block_scalars_read_or_skipped) {
    cr_assert_eq(parse("---\nextra_gated_prompt: |\n  Line one: with colon\n\n  - not an item\nlicense: >-\n"
                       "  other\n  license\n---\n"),
                 HV_OK, "%s", err.msg);
    EXPECT_LIST(&fm.license, "other license");
}

Test(frontmatter, literal_block_scalar_keeps_lines) {
    cr_assert_eq(parse("---\npipeline_tag: |\n  a\n  b\n---\n"), HV_OK, "%s", err.msg);
    EXPECT_STR(fm.pipeline_tag, "a\nb\n");
}

Test(frontmatter, null_values_are_absent) {
    cr_assert_eq(parse("---\nbase_model:\nlicense: ~\ntags:\n- null\n- a\n---\n"), HV_OK, "%s", err.msg);
    cr_assert_eq(fm.base_model.n, 0);
    cr_assert_eq(fm.license.n, 0);
    EXPECT_LIST(&fm.tags, "a");
}

Test(frontmatter, last_duplicate_key_wins) {
    cr_assert_eq(parse("---\nlicense: a\nlicense: b\n---\n"), HV_OK, "%s", err.msg);
    EXPECT_LIST(&fm.license, "b");
}

Test(frontmatter, crlf_line_ends) {
    cr_assert_eq(parse("---\r\nlicense: mit\r\ntags:\r\n- a\r\n---\r\nbody"), HV_OK, "%s", err.msg);
    EXPECT_LIST(&fm.license, "mit");
    EXPECT_LIST(&fm.tags, "a");
    EXPECT_STR(fm.body, "body");
}

Test(frontmatter, unclosed_block_is_no_front_matter) {
    cr_assert_eq(parse("---\nlicense: mit\n"), HV_OK);
    cr_assert(!fm.present);
    cr_assert_eq(fm.license.n, 0);
}

Test(frontmatter, lists_are_cleared_between_cards) {
    cr_assert_eq(parse("---\ntags: [a]\n---\n"), HV_OK);
    cr_assert_eq(parse("---\nlicense: x\n---\n"), HV_OK);
    cr_assert_eq(fm.tags.n, 0);
}

Test(frontmatter, line_without_colon_is_an_error_with_line_number) {
    cr_assert_eq(parse("\n---\nlicense: mit\njust words\n---\nbody"), HV_EINPUT);
    cr_assert(strstr(err.msg, "line 4"), "%s", err.msg);
    cr_assert(!fm.present);
    cr_assert_eq(fm.license.n, 0);
}

Test(frontmatter, unterminated_quote_is_an_error) {
    cr_assert_eq(parse("---\nlicense: \"mit\n---\n"), HV_EINPUT);
    cr_assert(strstr(err.msg, "unterminated"), "%s", err.msg);
}

Test(frontmatter, unterminated_flow_sequence_is_an_error) {
    cr_assert_eq(parse("---\ntags: [a, b\n---\n"), HV_EINPUT);
}

Test(frontmatter, text_after_quoted_value_is_an_error) {
    cr_assert_eq(parse("---\nlicense: 'a' b\n---\n"), HV_EINPUT);
}

/* ---- every real card, checked against PyYAML's reading of it ---- */

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)len + 1);
    if (p && fread(p, 1, (size_t)len, f) != (size_t)len) { free(p); p = NULL; }
    if (p) p[len] = 0;
    fclose(f);
    *n = (size_t)len;
    return p;
}

static void compare_key(const char *file, const char *key, cJSON *want, const hv_svlist *got) {
    size_t nwant = want ? (size_t)cJSON_GetArraySize(want) : 0;
    cr_expect_eq(got->n, nwant, "%s: %s has %zu values, PyYAML %zu", file, key, got->n, nwant);
    if (got->n != nwant) return;
    for (size_t i = 0; i < nwant; i++) {
        cJSON *w = cJSON_GetArrayItem(want, (int)i);
        if (!cJSON_IsString(w)) continue; /* PyYAML typed it (int, bool, date) */
        cr_expect(hv_sv_eq_cstr(got->v[i], w->valuestring), "%s: %s[%zu] '%.*s' vs PyYAML '%s'", file, key, i,
                  (int)got->v[i].n, got->v[i].p, w->valuestring);
    }
}

static void compare_scalar(const char *file, const char *key, cJSON *want, hv_sv got) {
    hv_svlist l = {0};
    if (got.n) hv_svlist_push(&l, got);
    compare_key(file, key, want, &l);
    hv_svlist_free(&l);
}

Test(frontmatter, every_real_card_parses_like_pyyaml) {
    const char *dir = HV_SOURCE_DIR "/../shared/data/real/model_cards/from_model_trees";
    DIR *d = opendir(dir);
    if (!d) cr_skip_test("%s is absent: the real cards are not available here", dir);
    size_t n;
    char *json = slurp(HV_SOURCE_DIR "/tests/fixtures/cards/real_frontmatter_expected.json", &n);
    cr_assert(json, "expected values missing (scripts/fixtures/frontmatter_expected.py makes them)");
    cJSON *exp = cJSON_Parse(json);
    free(json);
    cr_assert(exp);
    cJSON *values = cJSON_GetObjectItem(exp, "values");
    size_t cards = 0, with_fm = 0, bm_count = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 4 || strcmp(de->d_name + len - 3, ".md")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        char *text = slurp(path, &n);
        cr_assert(text, "cannot read %s", path);
        cards++;
        hv_err e = {0};
        int rc = frontmatter_parse(hv_sv_make(text, n), &fm, &mem, &e);
        cr_expect_eq(rc, HV_OK, "%s: %s", de->d_name, e.msg);
        cJSON *want = cJSON_GetObjectItem(values, de->d_name);
        cr_expect_eq(fm.present, want != NULL, "%s: front matter found %d, PyYAML %d", de->d_name, fm.present,
                     want != NULL);
        if (fm.present) with_fm++;
        if (fm.base_model.n) bm_count++;
        if (want) {
            compare_key(de->d_name, "base_model", cJSON_GetObjectItem(want, "base_model"), &fm.base_model);
            compare_key(de->d_name, "license", cJSON_GetObjectItem(want, "license"), &fm.license);
            compare_key(de->d_name, "language", cJSON_GetObjectItem(want, "language"), &fm.language);
            compare_key(de->d_name, "tags", cJSON_GetObjectItem(want, "tags"), &fm.tags);
            compare_key(de->d_name, "datasets", cJSON_GetObjectItem(want, "datasets"), &fm.datasets);
            compare_scalar(de->d_name, "base_model_relation", cJSON_GetObjectItem(want, "base_model_relation"),
                           fm.base_model_relation);
            compare_scalar(de->d_name, "library_name", cJSON_GetObjectItem(want, "library_name"), fm.library_name);
            compare_scalar(de->d_name, "pipeline_tag", cJSON_GetObjectItem(want, "pipeline_tag"), fm.pipeline_tag);
        }
        arena_reset(&mem);
        free(text);
    }
    closedir(d);
    cr_expect_eq(cards, (size_t)cJSON_GetObjectItem(exp, "cards")->valueint);
    cr_expect_eq(with_fm, (size_t)cJSON_GetObjectItem(exp, "with_frontmatter")->valueint);
    /* SOURCES.md: 1,583 cards on disk of the 1,899 counted there */
    cr_expect_eq(cards, 1583);
    cr_expect_gt(bm_count, 1400);
    cJSON_Delete(exp);
}

/* frontmatter_body finds the block as frontmatter_parse does: after a BOM
 * and blank lines, closed by --- or ...; an unclosed block is no block. */
Test(frontmatter, body_skips_the_block_like_the_parser) {
    struct {
        const char *card, *body;
    } cases[] = {
        {"---\nlicense: mit\n---\n# Title\n", "# Title\n"},
        {"\n---\nlicense: mit\n---\nBody", "Body"},
        {"\xEF\xBB\xBF  \n\n---\na: 1\n...\nrest", "rest"},
        {"---\nnever closed\n", "---\nnever closed\n"},
        {"# no front matter\n---\nx\n---\n", "# no front matter\n---\nx\n---\n"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hv_sv got = frontmatter_body(hv_sv_cstr(cases[i].card));
        cr_expect(hv_sv_eq_cstr(got, cases[i].body), "case %zu: got '%.*s'", i, (int)got.n, got.p);
        /* and it agrees with the parser's body where there is a block */
        cr_assert_eq(frontmatter_parse(hv_sv_cstr(cases[i].card), &fm, &mem, &err), 0);
        if (fm.present) cr_expect(hv_sv_eq(fm.body, got), "case %zu: parser body differs", i);
        frontmatter_free(&fm);
        memset(&fm, 0, sizeof fm);
    }
}
