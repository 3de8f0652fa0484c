/* test_bert.c - the BERT encoder against the reference embeddings of
 * tests/fixtures/bert/ (scripts/make-bert-fixture.py): for each fixture
 * model the token ids must be equal and every embedding within 1e-4 (max
 * abs) of the reference.  The all-MiniLM-L6-v2-shaped model's weights are
 * not stored: this file writes its model.safetensors from the same formula
 * the script uses.  Also: the bad folders bert_load must refuse. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embed/bert/bert.h"
#include "embed/embed.h"

#define FIX HV_SOURCE_DIR "/tests/fixtures/bert"

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)sz + 1);
    cr_assert(fread(b, 1, (size_t)sz, f) == (size_t)sz);
    fclose(f);
    b[sz] = 0;
    if (n) *n = (size_t)sz;
    return b;
}

/* dir/name parsed as JSON */
static cJSON *read_json(const char *dir, const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *txt = slurp(path, NULL);
    cJSON *j = cJSON_Parse(txt);
    free(txt);
    cr_assert(j, "%s is not JSON", path);
    return j;
}

static void copy_file(const char *from, const char *to) {
    size_t n;
    char *b = slurp(from, &n);
    FILE *f = fopen(to, "wb");
    cr_assert(f);
    cr_assert(fwrite(b, 1, n, f) == n);
    fclose(f);
    free(b);
}

/* ---- the generated weights (make-bert-fixture.py: formula_weights) ---- */

static float unit(uint64_t seed, uint64_t i) {
    uint64_t z = (seed << 32) + i + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (float)((double)(z >> 40) / (double)(1 << 24) * 2.0 - 1.0);
}

typedef struct tname {
    char name[128];
    uint64_t d0, d1; /* d1 = 0: a vector */
} tname;

static size_t tensor_names(const cJSON *cfg, tname *out) {
    uint64_t H = (uint64_t)cJSON_GetObjectItem(cfg, "hidden_size")->valuedouble;
    uint64_t I = (uint64_t)cJSON_GetObjectItem(cfg, "intermediate_size")->valuedouble;
    uint64_t V = (uint64_t)cJSON_GetObjectItem(cfg, "vocab_size")->valuedouble;
    uint64_t P = (uint64_t)cJSON_GetObjectItem(cfg, "max_position_embeddings")->valuedouble;
    uint64_t T = (uint64_t)cJSON_GetObjectItem(cfg, "type_vocab_size")->valuedouble;
    int L = (int)cJSON_GetObjectItem(cfg, "num_hidden_layers")->valuedouble;
    size_t n = 0;
#define ADD(nm, a, b) (snprintf(out[n].name, sizeof out[n].name, "%s", nm), out[n].d0 = (a), out[n].d1 = (b), n++)
    ADD("embeddings.word_embeddings.weight", V, H);
    ADD("embeddings.position_embeddings.weight", P, H);
    ADD("embeddings.token_type_embeddings.weight", T, H);
    ADD("embeddings.LayerNorm.weight", H, 0);
    ADD("embeddings.LayerNorm.bias", H, 0);
    char b[128];
    for (int l = 0; l < L; l++) {
        static const char *const m[3] = {"query", "key", "value"};
        for (int k = 0; k < 3; k++) {
            snprintf(b, sizeof b, "encoder.layer.%d.attention.self.%s.weight", l, m[k]);
            ADD(b, H, H);
            snprintf(b, sizeof b, "encoder.layer.%d.attention.self.%s.bias", l, m[k]);
            ADD(b, H, 0);
        }
        static const char *const rest[] = {"attention.output.dense.weight", "attention.output.dense.bias",
                                           "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
                                           "intermediate.dense.weight", "intermediate.dense.bias",
                                           "output.dense.weight", "output.dense.bias", "output.LayerNorm.weight",
                                           "output.LayerNorm.bias"};
        const uint64_t d0[] = {H, H, H, H, I, I, H, H, H, H}, d1[] = {H, 0, 0, 0, H, 0, I, 0, 0, 0};
        for (int k = 0; k < 10; k++) {
            snprintf(b, sizeof b, "encoder.layer.%d.%s", l, rest[k]);
            ADD(b, d0[k], d1[k]);
        }
    }
    ADD("pooler.dense.weight", H, H);
    ADD("pooler.dense.bias", H, 0);
#undef ADD
    return n;
}

static bool ends(const char *s, const char *suf) {
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Write dir/model.safetensors (F32) from the formula. */
static void write_generated(const char *dir) {
    cJSON *cfg = read_json(dir, "config.json");
    tname *t = calloc(4096, sizeof *t);
    size_t n = tensor_names(cfg, t);
    cJSON *hdr = cJSON_CreateObject();
    uint64_t off = 0;
    for (size_t k = 0; k < n; k++) {
        cJSON *o = cJSON_AddObjectToObject(hdr, t[k].name);
        cJSON_AddStringToObject(o, "dtype", "F32");
        cJSON *sh = cJSON_AddArrayToObject(o, "shape");
        cJSON_AddItemToArray(sh, cJSON_CreateNumber((double)t[k].d0));
        if (t[k].d1) cJSON_AddItemToArray(sh, cJSON_CreateNumber((double)t[k].d1));
        uint64_t bytes = t[k].d0 * (t[k].d1 ? t[k].d1 : 1) * 4;
        cJSON *offs = cJSON_AddArrayToObject(o, "data_offsets");
        cJSON_AddItemToArray(offs, cJSON_CreateNumber((double)off));
        cJSON_AddItemToArray(offs, cJSON_CreateNumber((double)(off + bytes)));
        off += bytes;
    }
    char *h = cJSON_PrintUnformatted(hdr);
    char path[512];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    uint64_t hl = strlen(h);
    cr_assert(fwrite(&hl, 8, 1, f) == 1 && fwrite(h, 1, hl, f) == hl);
    for (size_t k = 0; k < n; k++) {
        uint64_t cnt = t[k].d0 * (t[k].d1 ? t[k].d1 : 1);
        float *v = malloc(cnt * sizeof *v);
        for (uint64_t i = 0; i < cnt; i++) {
            double u = unit(k + 1, i), x;
            if (ends(t[k].name, "LayerNorm.weight")) x = 1.0 + 0.1 * u;
            else if (ends(t[k].name, "bias")) x = 0.05 * u;
            else if (strstr(t[k].name, "embeddings")) x = 0.5 * u;
            else x = u * sqrt(3.0 / (double)t[k].d1);
            v[i] = (float)x;
        }
        cr_assert(fwrite(v, sizeof *v, cnt, f) == cnt);
        free(v);
    }
    fclose(f);
    free(h);
    free(t);
    cJSON_Delete(hdr);
    cJSON_Delete(cfg);
}

/* ---- comparing against expected.json ---- */

typedef struct texts_ud {
    const cJSON *texts;
} texts_ud;

static int text_at(void *ud, uint32_t row, hv_buf *out, hv_err *e) {
    (void)e;
    const cJSON *t = cJSON_GetArrayItem(((texts_ud *)ud)->texts, (int)row);
    return hv_buf_append(out, t->valuestring, strlen(t->valuestring)) ? HV_ENOMEM : 0;
}

static void check_model(const char *dir) {
    cJSON *exp = read_json(dir, "expected.json");
    hv_bert *b;
    hv_err e = {0, ""};
    cr_assert(bert_load(dir, &b, &e) == 0, "%s", e.msg);
    const hv_bert_info *in = bert_info(b);
    const cJSON *texts = cJSON_GetObjectItem(exp, "texts"), *ids = cJSON_GetObjectItem(exp, "ids"),
                *embs = cJSON_GetObjectItem(exp, "embeddings");
    int n = cJSON_GetArraySize(texts);
    cr_assert_eq((int)cJSON_GetObjectItem(exp, "max_seq_length")->valuedouble, (int)in->max_len);
    uint32_t *tok = malloc(in->max_len * sizeof *tok);
    for (int i = 0; i < n; i++) {
        const char *t = cJSON_GetArrayItem(texts, i)->valuestring;
        uint32_t k;
        cr_assert(bert_tokenize(b, t, strlen(t), tok, &k, &e) == 0, "%s", e.msg);
        const cJSON *want = cJSON_GetArrayItem(ids, i);
        cr_expect_eq((int)k, cJSON_GetArraySize(want), "%s text %d: %u tokens, want %d", dir, i, k,
                     cJSON_GetArraySize(want));
        for (uint32_t j = 0; j < k && (int)j < cJSON_GetArraySize(want); j++)
            cr_expect_eq(tok[j], (uint32_t)cJSON_GetArrayItem(want, (int)j)->valuedouble, "%s text %d token %u", dir,
                         i, j);
    }
    float *out = malloc((size_t)n * in->hidden * sizeof *out);
    texts_ud ud = {texts};
    cr_assert(bert_embed_rows(b, (uint32_t)n, text_at, &ud, out, NULL, &e) == 0, "%s", e.msg);
    double worst = 0;
    for (int i = 0; i < n; i++) {
        const cJSON *row = cJSON_GetArrayItem(embs, i);
        cr_assert_eq(cJSON_GetArraySize(row), (int)in->hidden);
        for (uint32_t c = 0; c < in->hidden; c++) {
            double d = fabs(out[(size_t)i * in->hidden + c] - cJSON_GetArrayItem(row, (int)c)->valuedouble);
            if (d > worst) worst = d;
        }
    }
    for (int i = 0; i < n; i++) {
        double w = 0;
        const cJSON *row = cJSON_GetArrayItem(embs, i);
        for (uint32_t c = 0; c < in->hidden; c++) {
            double d = fabs(out[(size_t)i * in->hidden + c] - cJSON_GetArrayItem(row, (int)c)->valuedouble);
            if (d > w) w = d;
        }
        cr_expect(w <= 1e-4, "%s: text %d: max abs diff %.3g > 1e-4", dir, i, w);
    }
    printf("%s: %d texts, max abs diff %.3g\n", dir, n, worst);
    /* the same one at a time (a batch of one): packing must not change a vector */
    for (int i = 0; i < n; i++) {
        float one[1024];
        const char *t = cJSON_GetArrayItem(texts, i)->valuestring;
        uint32_t k;
        cr_assert(bert_tokenize(b, t, strlen(t), tok, &k, &e) == 0);
        const uint32_t *seq = tok;
        cr_assert(bert_embed_ids(b, &seq, &k, 1, one, &e) == 0, "%s", e.msg);
        for (uint32_t c = 0; c < in->hidden; c++)
            cr_expect(fabs(one[c] - out[(size_t)i * in->hidden + c]) < 1e-5, "text %d dim %u: alone %g, packed %g",
                      i, c, one[c], out[(size_t)i * in->hidden + c]);
    }
    free(out);
    free(tok);
    bert_free(b);
    cJSON_Delete(exp);
}

Test(bert, tiny_mean_normalized_f32) { check_model(FIX "/tiny-mean"); }

Test(bert, tiny_cls_cased_f16_bf16) { check_model(FIX "/tiny-cls-f16"); }

/* all-MiniLM-L6-v2's shape: 6 layers, 384 hidden, 12 heads, vocab 30522 */
Test(bert, minilm_l6_shape) {
    char dir[] = "/tmp/hv-bert-XXXXXX";
    cr_assert(mkdtemp(dir));
    static const char *const files[] = {"config.json", "vocab.txt", "tokenizer_config.json",
                                        "special_tokens_map.json", "modules.json", "sentence_bert_config.json",
                                        "expected.json"};
    char a[512], b[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(a, sizeof a, FIX "/minilm-l6-shape/%s", files[i]);
        snprintf(b, sizeof b, "%s/%s", dir, files[i]);
        copy_file(a, b);
    }
    snprintf(b, sizeof b, "%s/1_Pooling", dir);
    mkdir(b, 0755);
    snprintf(b, sizeof b, "%s/1_Pooling/config.json", dir);
    copy_file(FIX "/minilm-l6-shape/1_Pooling/config.json", b);
    write_generated(dir);
    check_model(dir);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert(system(cmd) == 0);
}

/* ---- folders that must be refused with a clear message ---- */

static char tmp[64];
static void mk(void) {
    snprintf(tmp, sizeof tmp, "/tmp/hv-bertbad-XXXXXX");
    cr_assert(mkdtemp(tmp));
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cp -r " FIX "/tiny-mean/. %s/", tmp);
    cr_assert(system(cmd) == 0);
}
static void rm(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    cr_assert(system(cmd) == 0);
}

static void put(const char *name, const char *text) {
    char p[256];
    snprintf(p, sizeof p, "%s/%s", tmp, name);
    FILE *f = fopen(p, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
}

static void refused(const char *why, const char *needle) {
    hv_bert *b = NULL;
    hv_err e = {0, ""};
    int rc = bert_load(tmp, &b, &e);
    cr_expect(rc == HV_EINPUT || rc == HV_EIO, "%s: rc %d (%s)", why, rc, e.msg);
    cr_expect_eq(hv_exit_status(rc), 2, "%s: exit status %d", why, hv_exit_status(rc));
    cr_expect(strstr(e.msg, needle) != NULL, "%s: message '%s' lacks '%s'", why, e.msg, needle);
    cr_expect_null(b);
}

Test(bert_bad, missing_folder) {
    hv_bert *b;
    hv_err e = {0, ""};
    cr_expect_eq(bert_load("/nonexistent/model", &b, &e), HV_EINPUT);
    cr_expect(strstr(e.msg, "/nonexistent/model"));
}

Test(bert_bad, unknown_architecture, .init = mk, .fini = rm) {
    put("config.json", "{\"model_type\": \"roberta\", \"hidden_size\": 32}");
    refused("roberta", "roberta");
}

Test(bert_bad, malformed_config, .init = mk, .fini = rm) {
    put("config.json", "{\"model_type\": \"bert\", \"hidden_size\": ");
    refused("truncated JSON", "not valid JSON");
    put("config.json", "{\"model_type\": \"bert\", \"hidden_size\": 30, \"num_attention_heads\": 4, \"vocab_size\": 300,"
                       "\"num_hidden_layers\": 2, \"intermediate_size\": 64, \"max_position_embeddings\": 64}");
    refused("heads do not divide hidden", "multiple");
}

Test(bert_bad, shape_mismatch, .init = mk, .fini = rm) {
    /* the config says 48 hidden; the weights are 32 wide */
    char p[256];
    snprintf(p, sizeof p, "%s/config.json", tmp);
    char *c = slurp(p, NULL);
    char *at = strstr(c, "\"hidden_size\": 32");
    cr_assert(at);
    memcpy(at, "\"hidden_size\": 48", 17);
    put("config.json", c);
    free(c);
    refused("hidden 48", "shape");
}

Test(bert_bad, truncated_weights, .init = mk, .fini = rm) {
    char p[256];
    snprintf(p, sizeof p, "%s/model.safetensors", tmp);
    struct stat sb;
    cr_assert(stat(p, &sb) == 0);
    cr_assert(truncate(p, sb.st_size / 2) == 0);
    refused("half a file", "model.safetensors");
}

Test(bert_bad, missing_files, .init = mk, .fini = rm) {
    char p[256];
    snprintf(p, sizeof p, "%s/vocab.txt", tmp);
    unlink(p);
    refused("no vocab", "vocab.txt");
    copy_file(FIX "/tiny-mean/vocab.txt", p);
    snprintf(p, sizeof p, "%s/model.safetensors", tmp);
    unlink(p);
    refused("no weights", "model.safetensors");
    put("pytorch_model.bin", "pickle");
    refused("pickle only", "pytorch_model.bin");
}

Test(bert_bad, pooling_not_supported, .init = mk, .fini = rm) {
    put("1_Pooling/config.json", "{\"pooling_mode_mean_sqrt_len_tokens\": true}");
    refused("sqrt-len pooling", "pooling");
    put("modules.json", "[{\"type\": \"sentence_transformers.models.Dense\", \"path\": \"2_Dense\"}]");
    refused("Dense module", "Dense");
}
