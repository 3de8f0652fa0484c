/* fields.c - column names as real files spell them, and text cells parsed
 * into record fields.  One place decides what "nan" or "[]" means, so every
 * reader agrees. */
#include "ingest/fields.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/timeparse.h"
#include "ingest/pylist.h"

typedef struct alias {
    const char *name;
    hv_column col;
} alias;

/* Exact spellings seen in the modelbiome export, the Hub API (camelCase and
 * huggingface_hub's snake_case), and the real tree files. */
static const alias ALIASES[] = {
    {"model_id", HV_COL_MODEL_ID}, {"modelId", HV_COL_MODEL_ID}, {"id", HV_COL_MODEL_ID},
    {"author", HV_COL_AUTHOR},
    {"likes", HV_COL_LIKES},
    {"downloads", HV_COL_DOWNLOADS},
    {"trendingScore", HV_COL_TRENDING}, {"trending_score", HV_COL_TRENDING},
    {"private", HV_COL_PRIVATE},
    {"createdAt", HV_COL_CREATED_AT}, {"created_at", HV_COL_CREATED_AT}, {"creation_time", HV_COL_CREATED_AT},
    {"pipeline_tag", HV_COL_PIPELINE}, {"task", HV_COL_PIPELINE}, {"pipeline", HV_COL_PIPELINE},
    {"library_name", HV_COL_LIBRARY}, {"library", HV_COL_LIBRARY},
    {"tags", HV_COL_TAGS},
    {"licenses", HV_COL_LICENSES}, {"license", HV_COL_LICENSES},
    {"languages", HV_COL_LANGUAGES}, {"language", HV_COL_LANGUAGES},
    {"datasets", HV_COL_DATASETS},
    {"arxiv_papers", HV_COL_ARXIV}, {"arxiv", HV_COL_ARXIV},
    {"regions", HV_COL_REGIONS},
    {"parent_model", HV_COL_PARENT_BASE}, {"base_model", HV_COL_PARENT_BASE},
    {"base_model_declared", HV_COL_PARENT_BASE},
    {"finetune_parent", HV_COL_PARENT_FINETUNE},
    {"adapter_parent", HV_COL_PARENT_ADAPTER},
    {"quantized_parent", HV_COL_PARENT_QUANTIZED},
    {"merge_parent", HV_COL_PARENT_MERGE},
    {"modelCard", HV_COL_CARD}, {"model_card", HV_COL_CARD}, {"card", HV_COL_CARD},
    {"model_card_length_characters", HV_COL_CARD_CHARS},
    {"model_card_length_words", HV_COL_CARD_WORDS},
    {"model_card_automatically_generated", HV_COL_CARD_AUTOGEN},
    /* known, not used: bookkeeping of the crawl and fields we do not model */
    {"_id", HV_COL_IGNORED}, {"ratelimit_retries", HV_COL_IGNORED}, {"exception_raised", HV_COL_IGNORED},
    {"last_modified", HV_COL_IGNORED}, {"lastModified", HV_COL_IGNORED},
    {"tree_root", HV_COL_IGNORED}, {"tree_depth", HV_COL_IGNORED}, {"has_card", HV_COL_IGNORED},
    {"card_chars", HV_COL_CARD_CHARS}, {"source_file", HV_COL_IGNORED},
    {"Unnamed: 0", HV_COL_IGNORED}, {"", HV_COL_IGNORED},
    /* Hub ModelInfo fields (camelCase and huggingface_hub's snake_case) that
     * the catalog does not model: known, so not reported as unknown */
    {"sha", HV_COL_IGNORED}, {"gated", HV_COL_IGNORED}, {"disabled", HV_COL_IGNORED},
    {"downloads_all_time", HV_COL_IGNORED}, {"downloadsAllTime", HV_COL_IGNORED}, {"gguf", HV_COL_IGNORED},
    {"inference", HV_COL_IGNORED}, {"inference_provider_mapping", HV_COL_IGNORED},
    {"inferenceProviderMapping", HV_COL_IGNORED}, {"mask_token", HV_COL_IGNORED}, {"widget_data", HV_COL_IGNORED},
    {"widgetData", HV_COL_IGNORED}, {"model_index", HV_COL_IGNORED}, {"model-index", HV_COL_IGNORED},
    {"config", HV_COL_IGNORED}, {"transformers_info", HV_COL_IGNORED}, {"transformersInfo", HV_COL_IGNORED},
    {"siblings", HV_COL_IGNORED}, {"spaces", HV_COL_IGNORED}, {"safetensors", HV_COL_IGNORED},
    {"security_repo_status", HV_COL_IGNORED}, {"securityRepoStatus", HV_COL_IGNORED},
    {"xet_enabled", HV_COL_IGNORED}, {"xetEnabled", HV_COL_IGNORED}, {"usedStorage", HV_COL_IGNORED},
    {"used_storage", HV_COL_IGNORED}, {"library_version", HV_COL_IGNORED},
};

static const char *const CANONICAL[HV_COL_COUNT] = {
    [HV_COL_UNKNOWN] = "?", [HV_COL_IGNORED] = "(ignored)",
    [HV_COL_MODEL_ID] = "model_id", [HV_COL_AUTHOR] = "author", [HV_COL_LIKES] = "likes",
    [HV_COL_DOWNLOADS] = "downloads", [HV_COL_TRENDING] = "trendingScore", [HV_COL_PRIVATE] = "private",
    [HV_COL_CREATED_AT] = "createdAt", [HV_COL_PIPELINE] = "pipeline_tag", [HV_COL_LIBRARY] = "library_name",
    [HV_COL_TAGS] = "tags", [HV_COL_LICENSES] = "licenses", [HV_COL_LANGUAGES] = "languages",
    [HV_COL_DATASETS] = "datasets", [HV_COL_ARXIV] = "arxiv_papers", [HV_COL_REGIONS] = "regions",
    [HV_COL_PARENT_BASE] = "parent_model", [HV_COL_PARENT_FINETUNE] = "finetune_parent",
    [HV_COL_PARENT_ADAPTER] = "adapter_parent", [HV_COL_PARENT_QUANTIZED] = "quantized_parent",
    [HV_COL_PARENT_MERGE] = "merge_parent", [HV_COL_CARD] = "modelCard",
    [HV_COL_CARD_CHARS] = "model_card_length_characters", [HV_COL_CARD_WORDS] = "model_card_length_words",
    [HV_COL_CARD_AUTOGEN] = "model_card_automatically_generated",
};

hv_column fields_column(hv_sv name) {
    name = hv_sv_trim(name);
    for (size_t i = 0; i < sizeof ALIASES / sizeof ALIASES[0]; i++)
        if (hv_sv_eq_cstr(name, ALIASES[i].name)) return ALIASES[i].col;
    return HV_COL_UNKNOWN;
}

const char *fields_column_name(hv_column c) { return c < HV_COL_COUNT ? CANONICAL[c] : "?"; }

bool fields_is_list(hv_column c) {
    return c == HV_COL_TAGS || c == HV_COL_LICENSES || c == HV_COL_LANGUAGES || c == HV_COL_DATASETS ||
           c == HV_COL_ARXIV || c == HV_COL_REGIONS || (c >= HV_COL_PARENT_BASE && c <= HV_COL_PARENT_MERGE);
}

static hv_svlist *list_of(hv_record *r, hv_column c) {
    switch (c) {
    case HV_COL_TAGS: return &r->tags;
    case HV_COL_LICENSES: return &r->licenses;
    case HV_COL_LANGUAGES: return &r->languages;
    case HV_COL_DATASETS: return &r->datasets;
    case HV_COL_ARXIV: return &r->arxiv;
    case HV_COL_REGIONS: return &r->regions;
    case HV_COL_PARENT_BASE: return &r->parents[HV_REL_BASE];
    case HV_COL_PARENT_FINETUNE: return &r->parents[HV_REL_FINETUNE];
    case HV_COL_PARENT_ADAPTER: return &r->parents[HV_REL_ADAPTER];
    case HV_COL_PARENT_QUANTIZED: return &r->parents[HV_REL_QUANTIZED];
    case HV_COL_PARENT_MERGE: return &r->parents[HV_REL_MERGE];
    default: return NULL;
    }
}

static bool is_null_text(hv_sv s) {
    return s.n == 0 || hv_sv_eq_cstr(s, "nan") || hv_sv_eq_cstr(s, "NaN") || hv_sv_eq_cstr(s, "None") ||
           hv_sv_eq_cstr(s, "null") || hv_sv_eq_cstr(s, "NULL");
}

/* The largest plausible count: more downloads than people on earth ten
 * thousand times over is corrupt data, not a popular model. */
#define HV_MAX_COUNT ((int64_t)1 << 46)

static int parse_number(hv_sv s, double *out, bool *integral, int64_t *iout, hv_err *e) {
    char tmp[64];
    if (s.n >= sizeof tmp) return hv_errf(e, HV_EINPUT, "number too long (%zu bytes)", s.n);
    memcpy(tmp, s.p, s.n);
    tmp[s.n] = 0;
    char *end;
    errno = 0;
    long long ll = strtoll(tmp, &end, 10);
    if (*end == 0 && errno == 0) {
        *integral = true;
        *iout = ll;
        *out = (double)ll;
        return HV_OK;
    }
    errno = 0;
    double d = strtod(tmp, &end);
    if (*end != 0 || errno == ERANGE || !isfinite(d))
        return hv_errf(e, HV_EINPUT, "not a number: \"%.40s\"", tmp);
    *integral = false;
    *out = d;
    /* the cast is undefined outside int64's range; callers range-check d */
    *iout = fabs(d) < 9.2e18 ? (int64_t)d : 0;
    return HV_OK;
}

int fields_set_int(hv_record *r, hv_column c, int64_t v, hv_err *e) {
    switch (c) {
    case HV_COL_LIKES:
    case HV_COL_DOWNLOADS:
        if (v < 0 || v > HV_MAX_COUNT)
            return hv_errf(e, HV_EINPUT, "%s out of range: %lld", fields_column_name(c), (long long)v);
        if (c == HV_COL_LIKES) { r->likes = v; r->has |= HV_HAS_LIKES; }
        else { r->downloads = v; r->has |= HV_HAS_DOWNLOADS; }
        return HV_OK;
    case HV_COL_TRENDING: return fields_set_double(r, c, (double)v, e);
    case HV_COL_PRIVATE: return fields_set_bool(r, c, v != 0, e);
    case HV_COL_CREATED_AT: return fields_set_time(r, c, v, e);
    case HV_COL_CARD_CHARS:
    case HV_COL_CARD_WORDS:
        if (v < 0 || v > ((int64_t)1 << 40))
            return hv_errf(e, HV_EINPUT, "%s out of range: %lld", fields_column_name(c), (long long)v);
        if (c == HV_COL_CARD_CHARS) r->card_chars = v; else r->card_words = v;
        r->has |= HV_HAS_CARD_FACTS;
        return HV_OK;
    case HV_COL_CARD_AUTOGEN: return fields_set_bool(r, c, v != 0, e);
    default: {
        char tmp[32];
        int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
        char *p = arena_strndup(&r->mem, tmp, (size_t)n);
        if (!p) return hv_errf(e, HV_ENOMEM, "out of memory");
        return fields_set_text(r, c, hv_sv_make(p, (size_t)n), e);
    }
    }
}

int fields_set_double(hv_record *r, hv_column c, double v, hv_err *e) {
    if (!isfinite(v)) {
        if (isnan(v)) return HV_OK; /* pandas writes missing numbers as NaN */
        return hv_errf(e, HV_EINPUT, "%s is infinite", fields_column_name(c));
    }
    if (c == HV_COL_TRENDING) {
        if (fabs(v) > 1e12) return hv_errf(e, HV_EINPUT, "trendingScore out of range: %g", v);
        r->trending = v;
        r->has |= HV_HAS_TRENDING;
        return HV_OK;
    }
    if (c == HV_COL_LIKES || c == HV_COL_DOWNLOADS || c == HV_COL_CARD_CHARS || c == HV_COL_CARD_WORDS ||
        c == HV_COL_PRIVATE || c == HV_COL_CARD_AUTOGEN || c == HV_COL_CREATED_AT) {
        if (v != floor(v) || fabs(v) > 9e15)
            return hv_errf(e, HV_EINPUT, "%s is not a whole number: %g", fields_column_name(c), v);
        return fields_set_int(r, c, (int64_t)v, e);
    }
    char tmp[40];
    int n = snprintf(tmp, sizeof tmp, "%.17g", v);
    char *p = arena_strndup(&r->mem, tmp, (size_t)n);
    if (!p) return hv_errf(e, HV_ENOMEM, "out of memory");
    return fields_set_text(r, c, hv_sv_make(p, (size_t)n), e);
}

int fields_set_bool(hv_record *r, hv_column c, bool v, hv_err *e) {
    if (c == HV_COL_PRIVATE) { r->is_private = v; r->has |= HV_HAS_PRIVATE; return HV_OK; }
    if (c == HV_COL_CARD_AUTOGEN) { r->card_autogen = v; r->has |= HV_HAS_CARD_FACTS; return HV_OK; }
    return fields_set_text(r, c, hv_sv_cstr(v ? "true" : "false"), e);
}

/* 1990-01-01 .. 2100-01-01: the Hub was founded in 2016 and back-dates old
 * models to 2022-03; anything outside this window is a unit mix-up. */
#define HV_TIME_MIN ((int64_t)631152000)
#define HV_TIME_MAX ((int64_t)4102444800)

int fields_set_time(hv_record *r, hv_column c, int64_t t, hv_err *e) {
    if (c != HV_COL_CREATED_AT) {
        char tmp[32];
        hv_format_time(t, tmp);
        char *p = arena_strndup(&r->mem, tmp, strlen(tmp));
        if (!p) return hv_errf(e, HV_ENOMEM, "out of memory");
        return fields_set_text(r, c, hv_sv_cstr(p), e);
    }
    if (t < HV_TIME_MIN || t > HV_TIME_MAX)
        return hv_errf(e, HV_EINPUT, "createdAt out of range: %lld seconds since 1970", (long long)t);
    r->created_at = t;
    r->has |= HV_HAS_CREATED;
    return HV_OK;
}

static int parse_bool_text(hv_sv s, bool *out) {
    if (hv_sv_ieq(s, "true") || hv_sv_eq_cstr(s, "1") || hv_sv_ieq(s, "yes")) { *out = true; return 0; }
    if (hv_sv_ieq(s, "false") || hv_sv_eq_cstr(s, "0") || hv_sv_ieq(s, "no")) { *out = false; return 0; }
    return -1;
}

int fields_push_item(hv_record *r, hv_column c, hv_sv item, hv_err *e) {
    hv_svlist *l = list_of(r, c);
    if (!l) {
        /* a scalar column given as a one-item list (e.g. license: [mit]) */
        if (c == HV_COL_PIPELINE || c == HV_COL_LIBRARY || c == HV_COL_AUTHOR)
            return fields_set_text(r, c, item, e);
        return HV_OK;
    }
    item = hv_sv_trim(item);
    if (is_null_text(item)) return HV_OK;
    if (hv_svlist_push(l, item)) return hv_errf(e, HV_ENOMEM, "out of memory");
    return HV_OK;
}

int fields_set_text(hv_record *r, hv_column c, hv_sv text, hv_err *e) {
    if (fields_is_list(c)) {
        hv_svlist *l = list_of(r, c);
        size_t before = l->n;
        int rc = pylist_parse(text, l, &r->mem, e);
        if (rc) return hv_err_prefix(e, "%s: ", fields_column_name(c));
        /* drop null-ish items and trim, in place */
        size_t w = before;
        for (size_t i = before; i < l->n; i++) {
            hv_sv it = hv_sv_trim(l->v[i]);
            if (!is_null_text(it)) l->v[w++] = it;
        }
        l->n = w;
        return HV_OK;
    }
    hv_sv t = hv_sv_trim(text);
    switch (c) {
    case HV_COL_UNKNOWN:
    case HV_COL_IGNORED:
    case HV_COL_COUNT:
        return HV_OK;
    case HV_COL_MODEL_ID: r->model_id = t; return HV_OK;
    case HV_COL_AUTHOR: if (!is_null_text(t)) r->author = t; return HV_OK;
    case HV_COL_PIPELINE: if (!is_null_text(t)) r->pipeline = t; return HV_OK;
    case HV_COL_LIBRARY: if (!is_null_text(t)) r->library = t; return HV_OK;
    case HV_COL_CARD:
        /* the card keeps its exact text; "nan" is pandas' missing card */
        if (hv_sv_eq_cstr(text, "nan") || hv_sv_eq_cstr(text, "None")) return HV_OK;
        r->card = text;
        r->has |= HV_HAS_CARD;
        return HV_OK;
    case HV_COL_PRIVATE:
    case HV_COL_CARD_AUTOGEN: {
        if (is_null_text(t)) return HV_OK;
        bool b;
        if (parse_bool_text(t, &b))
            return hv_errf(e, HV_EINPUT, "%s: not a boolean: \"%.*s\"", fields_column_name(c), (int)(t.n > 40 ? 40 : t.n), t.p);
        return fields_set_bool(r, c, b, e);
    }
    case HV_COL_CREATED_AT: {
        if (is_null_text(t)) return HV_OK;
        int64_t when;
        if (hv_parse_time(t, &when))
            return hv_errf(e, HV_EINPUT, "createdAt: not a timestamp: \"%.*s\"", (int)(t.n > 40 ? 40 : t.n), t.p);
        return fields_set_time(r, c, when, e);
    }
    case HV_COL_LIKES:
    case HV_COL_DOWNLOADS:
    case HV_COL_TRENDING:
    case HV_COL_CARD_CHARS:
    case HV_COL_CARD_WORDS: {
        if (is_null_text(t)) return HV_OK;
        double d = 0;
        int64_t i = 0;
        bool integral = false;
        if (parse_number(t, &d, &integral, &i, e)) return hv_err_prefix(e, "%s: ", fields_column_name(c));
        if (integral) return fields_set_int(r, c, i, e);
        return fields_set_double(r, c, d, e);
    }
    default:
        return HV_OK;
    }
}
