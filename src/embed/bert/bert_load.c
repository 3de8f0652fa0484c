/* bert_load.c - a Hugging Face model folder into an hv_bert.
 *
 *   modules.json              sentence-transformers' modules: where the
 *                             Transformer lives, the Pooling folder, Normalize
 *   config.json               BERT's shape (model_type "bert")
 *   model.safetensors         the weights (F32, F16 or BF16; "bert." prefix allowed)
 *   vocab.txt, tokenizer_config.json, special_tokens_map.json   the tokenizer
 *   sentence_bert_config.json max_seq_length
 *   1_Pooling/config.json     mean, CLS or max pooling
 *
 * Without modules.json the folder is a plain BertModel: mean pooling, no
 * normalisation (what sentence-transformers does with such a folder). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "embed/bert/bert_int.h"
#include "embed/bert/safetensors.h"

#define MAX_JSON ((size_t)16 << 20)

static int join(char *out, size_t cap, const char *a, const char *b, hv_err *e) {
    if ((size_t)snprintf(out, cap, "%s/%s", a, b) >= cap) return hv_errf(e, HV_EINPUT, "%s/%s: path too long", a, b);
    return 0;
}

/* Read a JSON file; *j = NULL (and 0) when it does not exist and !required. */
static int read_json(const char *path, bool required, cJSON **j, hv_err *e) {
    *j = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT && !required) return 0;
        return hv_errf(e, HV_EINPUT, "%s: %s", path, strerror(errno));
    }
    char *buf = malloc(MAX_JSON + 1);
    size_t n = buf ? fread(buf, 1, MAX_JSON + 1, f) : 0;
    fclose(f);
    if (!buf) return hv_errf(e, HV_ENOMEM, "out of memory");
    if (n > MAX_JSON) {
        free(buf);
        return hv_errf(e, HV_EINPUT, "%s: over %zu MiB", path, MAX_JSON >> 20);
    }
    buf[n] = 0;
    const char *end = NULL;
    *j = cJSON_ParseWithOpts(buf, &end, true);
    size_t at = end ? (size_t)(end - buf) : 0;
    free(buf);
    if (!*j) return hv_errf(e, HV_EINPUT, "%s: not valid JSON (byte %zu)", path, at);
    return 0;
}

static bool get_u32(const cJSON *o, const char *k, uint32_t lo, uint32_t hi, uint32_t *out) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi || v->valuedouble != (double)(uint32_t)v->valuedouble)
        return false;
    *out = (uint32_t)v->valuedouble;
    return true;
}

static const char *get_str(const cJSON *o, const char *k) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (cJSON_IsString(v)) return v->valuestring;
    if (cJSON_IsObject(v)) { /* {"content": "[CLS]", ...} in newer tokenizer files */
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "content");
        if (cJSON_IsString(c)) return c->valuestring;
    }
    return NULL;
}

static int get_bool(const cJSON *o, const char *k, int def) { /* -1: null / absent -> def */
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (cJSON_IsBool(v)) return cJSON_IsTrue(v);
    return def;
}

static int read_config(const char *path, hv_bert_info *in, hv_err *e) {
    cJSON *c;
    int rc = read_json(path, true, &c, e);
    if (rc) return rc;
    const char *type = get_str(c, "model_type");
    bool bert = type && strcmp(type, "bert") == 0;
    if (!type) { /* old configs: the architectures list */
        const cJSON *a, *arch = cJSON_GetObjectItemCaseSensitive(c, "architectures");
        cJSON_ArrayForEach(a, arch) if (cJSON_IsString(a) && strncmp(a->valuestring, "Bert", 4) == 0) bert = true;
    }
    if (!bert) {
        rc = hv_errf(e, HV_EINPUT, "%s: model_type '%s' is not a BERT model; hfviz's encoder reads BERT-family "
                                   "folders (all-MiniLM-L6-v2, bge-small, e5-small, gte-small)",
                     path, type ? type : "(none)");
        goto done;
    }
    struct {
        const char *k;
        uint32_t lo, hi, *out;
    } req[] = {
        {"vocab_size", 8, 1u << 22, &in->vocab},
        {"hidden_size", 8, 8192, &in->hidden},
        {"num_hidden_layers", 1, 128, &in->layers},
        {"num_attention_heads", 1, 256, &in->heads},
        {"intermediate_size", 8, 65536, &in->intermediate},
        {"max_position_embeddings", 2, 65536, &in->max_position},
    };
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++)
        if (!get_u32(c, req[i].k, req[i].lo, req[i].hi, req[i].out)) {
            rc = hv_errf(e, HV_EINPUT, "%s: %s missing or not an integer in %u..%u", path, req[i].k, req[i].lo,
                         req[i].hi);
            goto done;
        }
    if (in->hidden % in->heads) {
        rc = hv_errf(e, HV_EINPUT, "%s: hidden_size %u is not a multiple of num_attention_heads %u", path,
                     in->hidden, in->heads);
        goto done;
    }
    uint32_t types = 2;
    if (cJSON_GetObjectItemCaseSensitive(c, "type_vocab_size") && !get_u32(c, "type_vocab_size", 1, 1024, &types)) {
        rc = hv_errf(e, HV_EINPUT, "%s: type_vocab_size is not an integer in 1..1024", path);
        goto done;
    }
    const cJSON *eps = cJSON_GetObjectItemCaseSensitive(c, "layer_norm_eps");
    in->layer_norm_eps = 1e-12f;
    if (eps) {
        if (!cJSON_IsNumber(eps) || !(eps->valuedouble > 0 && eps->valuedouble < 1)) {
            rc = hv_errf(e, HV_EINPUT, "%s: layer_norm_eps must be a number in (0, 1)", path);
            goto done;
        }
        in->layer_norm_eps = (float)eps->valuedouble;
    }
    const char *act = get_str(c, "hidden_act");
    if (!act || strcmp(act, "gelu") == 0)
        in->activation = BERT_ACT_GELU;
    else if (strcmp(act, "gelu_new") == 0 || strcmp(act, "gelu_pytorch_tanh") == 0 || strcmp(act, "gelu_fast") == 0)
        in->activation = BERT_ACT_GELU_TANH;
    else if (strcmp(act, "relu") == 0)
        in->activation = BERT_ACT_RELU;
    else {
        rc = hv_errf(e, HV_EINPUT, "%s: hidden_act '%s' is not supported (gelu, gelu_new, relu)", path, act);
        goto done;
    }
    const char *pet = get_str(c, "position_embedding_type");
    if (pet && strcmp(pet, "absolute") != 0) {
        rc = hv_errf(e, HV_EINPUT, "%s: position_embedding_type '%s' is not supported (absolute)", path, pet);
        goto done;
    }
done:
    cJSON_Delete(c);
    return rc;
}

/* modules.json: the Transformer's folder, the pooling folder, Normalize. */
static int read_modules(const char *dir, char *tdir, size_t tcap, char *pdir, size_t pcap, bool *normalize,
                       hv_err *e) {
    char path[4096];
    cJSON *m;
    int rc = join(path, sizeof path, dir, "modules.json", e);
    if (rc || (rc = read_json(path, false, &m, e))) return rc;
    snprintf(tdir, tcap, "%s", dir);
    pdir[0] = 0;
    *normalize = false;
    if (!m) return 0;
    if (!cJSON_IsArray(m)) {
        cJSON_Delete(m);
        return hv_errf(e, HV_EINPUT, "%s: not a JSON array of modules", path);
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, m) {
        const char *type = get_str(it, "type"), *sub = get_str(it, "path");
        if (!type) continue;
        const char *dot = strrchr(type, '.');
        const char *cls = dot ? dot + 1 : type;
        char *dst = NULL;
        size_t cap = 0;
        if (strcmp(cls, "Transformer") == 0) dst = tdir, cap = tcap;
        else if (strcmp(cls, "Pooling") == 0) dst = pdir, cap = pcap;
        else if (strcmp(cls, "Normalize") == 0) *normalize = true;
        else {
            rc = hv_errf(e, HV_EINPUT, "%s: module %s is not supported (Transformer, Pooling, Normalize)", path, type);
            break;
        }
        if (dst && ((sub && strstr(sub, "..")) ||
                    (size_t)snprintf(dst, cap, "%s%s%s", dir, sub && *sub ? "/" : "", sub ? sub : "") >= cap)) {
            rc = hv_errf(e, HV_EINPUT, "%s: bad module path '%s'", path, sub);
            break;
        }
    }
    cJSON_Delete(m);
    return rc;
}

static int read_pooling(const char *pdir, hv_bert_info *in, hv_err *e) {
    in->pooling = BERT_POOL_MEAN;
    if (!pdir[0]) return 0;
    char path[4096];
    cJSON *c;
    int rc = join(path, sizeof path, pdir, "config.json", e);
    if (rc || (rc = read_json(path, true, &c, e))) return rc;
    int cls = get_bool(c, "pooling_mode_cls_token", 0), mean = get_bool(c, "pooling_mode_mean_tokens", 0),
        mx = get_bool(c, "pooling_mode_max_tokens", 0), sq = get_bool(c, "pooling_mode_mean_sqrt_len_tokens", 0);
    const char *mode = get_str(c, "pooling_mode"); /* newer files name it */
    if (mode) {
        cls = strcmp(mode, "cls") == 0;
        mean = strcmp(mode, "mean") == 0;
        mx = strcmp(mode, "max") == 0;
        sq = !cls && !mean && !mx;
    }
    if (cls + mean + mx != 1 || sq)
        rc = hv_errf(e, HV_EINPUT, "%s: one pooling mode of cls, mean, max must be on (others are not supported)",
                     path);
    else
        in->pooling = cls ? BERT_POOL_CLS : mx ? BERT_POOL_MAX : BERT_POOL_MEAN;
    cJSON_Delete(c);
    return rc;
}

/* ---- weights ---- */

typedef struct loader {
    const hv_safetensors *st;
    const char *path;
    hv_err *e;
    int rc;
} loader;

/* Copy tensor name (or "bert." name) of the given shape into dst as f32. */
static void take(loader *l, const char *name, uint32_t d0, uint32_t d1, float *dst) {
    if (l->rc) return;
    const hv_st_tensor *t = st_find(l->st, name);
    char alt[256];
    if (!t) {
        snprintf(alt, sizeof alt, "bert.%s", name);
        t = st_find(l->st, alt);
    }
    if (!t) {
        l->rc = hv_errf(l->e, HV_EINPUT, "%s: no tensor '%s'", l->path, name);
        return;
    }
    uint32_t nd = d1 ? 2 : 1;
    if (t->ndim != nd || t->shape[0] != d0 || (d1 && t->shape[1] != d1)) {
        char got[96] = "";
        for (uint32_t i = 0; i < t->ndim && i < 4; i++)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%llu", i ? ", " : "",
                     (unsigned long long)t->shape[i]);
        if (d1)
            l->rc = hv_errf(l->e, HV_EINPUT, "%s: tensor '%s' has shape [%s], config.json asks for [%u, %u]", l->path,
                            name, got, d0, d1);
        else
            l->rc = hv_errf(l->e, HV_EINPUT, "%s: tensor '%s' has shape [%s], config.json asks for [%u]", l->path,
                            name, got, d0);
        return;
    }
    l->rc = st_to_f32(t, dst, (size_t)d0 * (d1 ? d1 : 1), l->e);
}

static int load_weights(hv_bert *b, const char *tdir, hv_err *e) {
    const hv_bert_info *in = &b->info;
    size_t H = in->hidden, I = in->intermediate;
    size_t per_layer = 3 * H * H + 3 * H + H * H + H + 2 * H + I * H + I + H * I + H + 2 * H;
    size_t total = (size_t)in->vocab * H + (size_t)in->max_position * H + 3 * H + in->layers * per_layer;
    b->arena = malloc(total * sizeof(float));
    b->layer = calloc(in->layers, sizeof *b->layer);
    if (!b->arena || !b->layer) return hv_errf(e, HV_ENOMEM, "out of memory for %zu weights", total);
    float *p = b->arena;
#define CARVE(ptr, n) (ptr = p, p += (n))
    CARVE(b->word, (size_t)in->vocab * H);
    CARVE(b->pos, (size_t)in->max_position * H);
    CARVE(b->type0, H);
    CARVE(b->emb_ln_g, H);
    CARVE(b->emb_ln_b, H);
    for (uint32_t l = 0; l < in->layers; l++) {
        bert_layer *L = &b->layer[l];
        CARVE(L->w_qkv, 3 * H * H);
        CARVE(L->b_qkv, 3 * H);
        CARVE(L->w_o, H * H);
        CARVE(L->b_o, H);
        CARVE(L->ln1_g, H);
        CARVE(L->ln1_b, H);
        CARVE(L->w_1, I * H);
        CARVE(L->b_1, I);
        CARVE(L->w_2, H * I);
        CARVE(L->b_2, H);
        CARVE(L->ln2_g, H);
        CARVE(L->ln2_b, H);
    }
#undef CARVE
    char path[4096];
    int rc = join(path, sizeof path, tdir, "model.safetensors", e);
    if (rc) return rc;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        char bin[4096];
        join(bin, sizeof bin, tdir, "pytorch_model.bin", e);
        if (stat(bin, &sb) == 0)
            return hv_errf(e, HV_EINPUT, "%s: missing; the folder has only pytorch_model.bin (pickle), which hfviz does "
                                         "not read: convert it to safetensors",
                           path);
        return hv_errf(e, HV_EINPUT, "%s: %s", path, strerror(errno));
    }
    hv_safetensors *st;
    if ((rc = st_open(path, &st, e))) return rc;
    loader l = {st, path, e, 0};
    /* token type 0's row only (we never pass other types) */
    const hv_st_tensor *tt = st_find(st, "embeddings.token_type_embeddings.weight");
    if (!tt) tt = st_find(st, "bert.embeddings.token_type_embeddings.weight");
    if (!tt || tt->ndim != 2 || tt->shape[1] != H || tt->shape[0] < 1) {
        l.rc = tt ? hv_errf(e, HV_EINPUT, "%s: tensor 'embeddings.token_type_embeddings.weight' has the wrong shape "
                                          "(config.json asks for [types, %zu])", path, H)
                  : hv_errf(e, HV_EINPUT, "%s: no tensor 'embeddings.token_type_embeddings.weight'", path);
    } else {
        float *row = malloc((size_t)tt->shape[0] * H * sizeof *row);
        if (!row) l.rc = hv_errf(e, HV_ENOMEM, "out of memory");
        else if (!(l.rc = st_to_f32(tt, row, (size_t)tt->shape[0] * H, e))) memcpy(b->type0, row, H * sizeof *row);
        free(row);
    }
    take(&l, "embeddings.word_embeddings.weight", in->vocab, (uint32_t)H, b->word);
    take(&l, "embeddings.position_embeddings.weight", in->max_position, (uint32_t)H, b->pos);
    take(&l, "embeddings.LayerNorm.weight", (uint32_t)H, 0, b->emb_ln_g);
    take(&l, "embeddings.LayerNorm.bias", (uint32_t)H, 0, b->emb_ln_b);
    char n[160];
    for (uint32_t i = 0; i < in->layers && !l.rc; i++) {
        bert_layer *L = &b->layer[i];
        static const char *const qkv[3] = {"query", "key", "value"};
        for (int k = 0; k < 3; k++) {
            snprintf(n, sizeof n, "encoder.layer.%u.attention.self.%s.weight", i, qkv[k]);
            take(&l, n, (uint32_t)H, (uint32_t)H, L->w_qkv + k * H * H);
            snprintf(n, sizeof n, "encoder.layer.%u.attention.self.%s.bias", i, qkv[k]);
            take(&l, n, (uint32_t)H, 0, L->b_qkv + k * H);
        }
#define T2(suffix, d0, d1, dst)                                                                                        \
    snprintf(n, sizeof n, "encoder.layer.%u.%s", i, suffix);                                                          \
    take(&l, n, (uint32_t)(d0), (uint32_t)(d1), dst)
        T2("attention.output.dense.weight", H, H, L->w_o);
        T2("attention.output.dense.bias", H, 0, L->b_o);
        T2("attention.output.LayerNorm.weight", H, 0, L->ln1_g);
        T2("attention.output.LayerNorm.bias", H, 0, L->ln1_b);
        T2("intermediate.dense.weight", I, H, L->w_1);
        T2("intermediate.dense.bias", I, 0, L->b_1);
        T2("output.dense.weight", H, I, L->w_2);
        T2("output.dense.bias", H, 0, L->b_2);
        T2("output.LayerNorm.weight", H, 0, L->ln2_g);
        T2("output.LayerNorm.bias", H, 0, L->ln2_b);
#undef T2
    }
    st_close(st);
    return l.rc;
}

/* ---- the tokenizer and the sequence length ---- */

static int load_tokenizer(hv_bert *b, const char *dir, const char *tdir, hv_err *e) {
    char path[4096];
    cJSON *tc = NULL, *sm = NULL, *sb = NULL;
    int rc = join(path, sizeof path, tdir, "tokenizer_config.json", e);
    if (!rc) rc = read_json(path, false, &tc, e);
    if (!rc) rc = join(path, sizeof path, tdir, "special_tokens_map.json", e);
    if (!rc) rc = read_json(path, false, &sm, e);
    if (!rc) rc = join(path, sizeof path, dir, "sentence_bert_config.json", e);
    if (!rc) rc = read_json(path, false, &sb, e);
    if (rc) goto done;
    hv_wp_opts wo;
    wp_opts_default(&wo);
    if (tc) {
        wo.do_lower_case = get_bool(tc, "do_lower_case", 1);
        wo.strip_accents = get_bool(tc, "strip_accents", -1);
        wo.tokenize_chinese_chars = get_bool(tc, "tokenize_chinese_chars", 1);
        if (get_bool(sb, "do_lower_case", 0) == 1) wo.do_lower_case = true; /* sentence-transformers lower-cases first */
    }
    static const char *const keys[] = {"unk_token", "sep_token", "pad_token", "cls_token", "mask_token"};
    const char *tok[5] = {"[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"};
    for (int i = 0; i < 5; i++) {
        const char *v = sm ? get_str(sm, keys[i]) : NULL;
        if (!v && tc) v = get_str(tc, keys[i]);
        if (v) tok[i] = v;
    }
    wo.never_split = tok;
    wo.n_never_split = 5;
    wo.unk_token = tok[0];
    wo.sep_token = tok[1];
    wo.cls_token = tok[3];
    if ((rc = join(path, sizeof path, tdir, "vocab.txt", e)) || (rc = wp_load(path, &wo, &b->wp, e))) goto done;
    if (wp_vocab_size(b->wp) > b->info.vocab) {
        rc = hv_errf(e, HV_EINPUT, "%s: %u tokens, more than config.json's vocab_size %u", path,
                     wp_vocab_size(b->wp), b->info.vocab);
        goto done;
    }
    /* max length: sentence-transformers' max_seq_length, else the tokenizer's, capped by the positions */
    uint32_t ml = b->info.max_position, v;
    if (sb && get_u32(sb, "max_seq_length", 2, 1u << 20, &v)) ml = v;
    else if (tc && get_u32(tc, "model_max_length", 2, 1u << 20, &v)) ml = v;
    if (ml > b->info.max_position) ml = b->info.max_position;
    b->info.max_len = ml;
done:
    cJSON_Delete(tc);
    cJSON_Delete(sm);
    cJSON_Delete(sb);
    return rc;
}

static int check_dir(const char *dir, hv_err *e) {
    struct stat sb;
    if (stat(dir, &sb) != 0) return hv_errf(e, HV_EINPUT, "%s: not a model folder: %s", dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode)) return hv_errf(e, HV_EINPUT, "%s: not a model folder (a file)", dir);
    return 0;
}

int bert_load(const char *dir, hv_bert **out, hv_err *e) {
    *out = NULL;
    if (check_dir(dir, e)) return e->code;
    hv_bert *b = calloc(1, sizeof *b);
    if (!b) return hv_errf(e, HV_ENOMEM, "out of memory");
    char tdir[4096], pdir[4096], path[4096];
    int rc = read_modules(dir, tdir, sizeof tdir, pdir, sizeof pdir, &b->info.normalize, e);
    if (!rc) rc = join(path, sizeof path, tdir, "config.json", e);
    if (!rc) rc = read_config(path, &b->info, e);
    if (!rc) rc = read_pooling(pdir, &b->info, e);
    if (!rc) rc = load_tokenizer(b, dir, tdir, e);
    if (!rc) rc = load_weights(b, tdir, e);
    if (rc) {
        bert_free(b);
        return rc;
    }
    *out = b;
    return 0;
}

int bert_probe_dims(const char *dir, uint32_t *dims, hv_err *e) {
    hv_bert_info in;
    memset(&in, 0, sizeof in);
    char tdir[4096], pdir[4096], path[4096];
    bool normalize;
    if (check_dir(dir, e)) return e->code;
    int rc = read_modules(dir, tdir, sizeof tdir, pdir, sizeof pdir, &normalize, e);
    if (!rc) rc = join(path, sizeof path, tdir, "config.json", e);
    if (!rc) rc = read_config(path, &in, e);
    *dims = rc ? 0 : in.hidden;
    return rc;
}

void bert_free(hv_bert *b) {
    if (!b) return;
    wp_free(b->wp);
    free(b->arena);
    free(b->layer);
    free(b);
}
