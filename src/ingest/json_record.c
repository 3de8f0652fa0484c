/* json_record.c - one JSON object into a record.
 *
 * Key names are mapped by fields_column(), so the modelbiome names, the Hub's
 * camelCase and huggingface_hub's snake_case all land in the same field.
 * Values may be native JSON (numbers, booleans, arrays) or text that
 * fields_set_text() parses (a Python-list string, a date string).
 *
 * cardData is the card's YAML as the Hub parsed it (an object from the API,
 * YAML text in huggingface_hub's dumps).  It fills only what the record
 * leaves silent: the tags and parent columns are the Hub's own reading and
 * win where both speak. */
#include "ingest/json_record.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* cardData given as YAML text is wrapped in --- lines for the front-matter
 * parser; a larger blob is not card metadata. */
#define CARD_DATA_MAX ((size_t)4 << 20)

void json_record_free(hv_json_record *jr) { frontmatter_free(&jr->card_data); }

static const char *type_name(const cJSON *v) {
    if (cJSON_IsObject(v)) return "an object";
    if (cJSON_IsArray(v)) return "an array";
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsBool(v)) return "a boolean";
    return "null";
}

/* A number as list-item text ("[1, 2]" in a tags array is odd but real). */
static int number_text(hv_record *r, double d, hv_sv *out, hv_err *e) {
    char tmp[40];
    int n = (d == floor(d) && fabs(d) < 9.0e15) ? snprintf(tmp, sizeof tmp, "%.0f", d)
                                                 : snprintf(tmp, sizeof tmp, "%.17g", d);
    char *p = arena_strndup(&r->mem, tmp, (size_t)n);
    if (!p) return hv_errf(e, HV_ENOMEM, "out of memory");
    *out = hv_sv_make(p, (size_t)n);
    return HV_OK;
}

int json_record_set(hv_record *r, hv_column col, const char *key, const cJSON *v, hv_err *e) {
    if (col == HV_COL_UNKNOWN || col == HV_COL_IGNORED || cJSON_IsNull(v)) return HV_OK;
    if (cJSON_IsString(v)) {
        return fields_set_text(r, col, hv_sv_cstr(v->valuestring), e);
    }
    if (cJSON_IsBool(v)) return fields_set_bool(r, col, cJSON_IsTrue(v), e);
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (fields_is_list(col)) {
            hv_sv s;
            int rc = number_text(r, d, &s, e);
            return rc ? rc : fields_push_item(r, col, s, e);
        }
        /* integral values within int64 keep their exact integer path */
        if (isfinite(d) && d == floor(d) && fabs(d) < 9.2e18) return fields_set_int(r, col, (int64_t)d, e);
        return fields_set_double(r, col, d, e);
    }
    if (cJSON_IsArray(v)) {
        const cJSON *it;
        cJSON_ArrayForEach(it, v) {
            int rc = HV_OK;
            if (cJSON_IsString(it)) {
                rc = fields_push_item(r, col, hv_sv_cstr(it->valuestring), e);
            } else if (cJSON_IsNumber(it) && fields_is_list(col)) {
                hv_sv s;
                rc = number_text(r, it->valuedouble, &s, e);
                if (!rc) rc = fields_push_item(r, col, s, e);
            } else if (!cJSON_IsNull(it)) {
                rc = hv_errf(e, HV_EINPUT, "%s: list item is %s, expected a string", key, type_name(it));
            }
            if (rc) return rc;
        }
        return HV_OK;
    }
    return hv_errf(e, HV_EINPUT, "%s: %s where a value was expected", key, type_name(v));
}

static bool any_tag(const hv_record *r, const char *prefix) {
    for (size_t i = 0; i < r->tags.n; i++)
        if (hv_sv_starts(r->tags.v[i], prefix)) return true;
    return false;
}

/* Language codes hide among the tags as bare two-letter tags ("en"). */
static bool any_language_tag(const hv_record *r) {
    for (size_t i = 0; i < r->tags.n; i++) {
        hv_sv t = r->tags.v[i];
        if (t.n == 2 && t.p[0] >= 'a' && t.p[0] <= 'z' && t.p[1] >= 'a' && t.p[1] <= 'z') return true;
    }
    return false;
}

static int push_all(hv_record *r, hv_column col, const hv_svlist *l, hv_err *e) {
    for (size_t i = 0; i < l->n; i++) {
        int rc = fields_push_item(r, col, l->v[i], e);
        if (rc) return rc;
    }
    return HV_OK;
}

/* What the record says nothing about, the card data may fill. */
static int merge_card_data(hv_record *r, const hv_frontmatter *fm, hv_err *e) {
    int rc = HV_OK;
    if (!r->licenses.n && !any_tag(r, "license:")) rc = push_all(r, HV_COL_LICENSES, &fm->license, e);
    if (!rc && !r->languages.n && !any_language_tag(r)) rc = push_all(r, HV_COL_LANGUAGES, &fm->language, e);
    if (!rc && !r->datasets.n && !any_tag(r, "dataset:")) rc = push_all(r, HV_COL_DATASETS, &fm->datasets, e);
    if (!rc && !r->tags.n) rc = push_all(r, HV_COL_TAGS, &fm->tags, e);
    if (!rc && !r->pipeline.n && fm->pipeline_tag.n) rc = fields_set_text(r, HV_COL_PIPELINE, fm->pipeline_tag, e);
    if (!rc && !r->library.n && fm->library_name.n) rc = fields_set_text(r, HV_COL_LIBRARY, fm->library_name, e);
    size_t nparents = 0;
    for (int k = 0; k < HV_REL_COUNT; k++) nparents += r->parents[k].n;
    if (!rc && !nparents && !any_tag(r, "base_model:") && fm->base_model.n) {
        hv_column col = HV_COL_PARENT_BASE;
        switch (hv_relation_parse(hv_sv_trim(fm->base_model_relation))) {
        case HV_REL_FINETUNE: col = HV_COL_PARENT_FINETUNE; break;
        case HV_REL_ADAPTER: col = HV_COL_PARENT_ADAPTER; break;
        case HV_REL_QUANTIZED: col = HV_COL_PARENT_QUANTIZED; break;
        case HV_REL_MERGE: col = HV_COL_PARENT_MERGE; break;
        default: break;
        }
        rc = push_all(r, col, &fm->base_model, e);
    }
    return rc;
}

/* cardData as a JSON object: the same keys as front matter. */
static int card_data_object(hv_json_record *jr, hv_record *r, const cJSON *cd, hv_err *e) {
    hv_frontmatter *fm = &jr->card_data;
    hv_svlist *lists[] = {&fm->base_model, &fm->license, &fm->language, &fm->tags, &fm->datasets};
    const char *list_keys[] = {"base_model", "license", "language", "tags", "datasets"};
    for (size_t i = 0; i < 5; i++) {
        hv_svlist_clear(lists[i]);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(cd, list_keys[i]);
        if (cJSON_IsString(v)) {
            if (hv_svlist_push(lists[i], hv_sv_cstr(v->valuestring))) return hv_errf(e, HV_ENOMEM, "out of memory");
        } else if (cJSON_IsArray(v)) {
            const cJSON *it;
            cJSON_ArrayForEach(it, v) {
                /* non-string items (a nested mapping) are not values, as in front matter */
                if (cJSON_IsString(it) && hv_svlist_push(lists[i], hv_sv_cstr(it->valuestring)))
                    return hv_errf(e, HV_ENOMEM, "out of memory");
            }
        }
    }
    hv_sv *scalars[] = {&fm->base_model_relation, &fm->library_name, &fm->pipeline_tag};
    const char *scalar_keys[] = {"base_model_relation", "library_name", "pipeline_tag"};
    for (size_t i = 0; i < 3; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(cd, scalar_keys[i]);
        *scalars[i] = cJSON_IsString(v) ? hv_sv_cstr(v->valuestring) : hv_sv_make("", 0);
    }
    return merge_card_data(r, fm, e);
}

/* cardData as YAML text (huggingface_hub's ModelInfo dumped with str()). */
static int card_data_text(hv_json_record *jr, hv_record *r, hv_sv yaml, hv_err *e) {
    if (yaml.n == 0 || hv_sv_eq_cstr(yaml, "N/A") || hv_sv_eq_cstr(yaml, "None")) return HV_OK;
    if (yaml.n > CARD_DATA_MAX) return hv_errf(e, HV_EINPUT, "cardData: %zu bytes of YAML (limit %zu)", yaml.n, CARD_DATA_MAX);
    char *w = arena_alloc(&r->mem, yaml.n + 10);
    if (!w) return hv_errf(e, HV_ENOMEM, "out of memory");
    memcpy(w, "---\n", 4);
    memcpy(w + 4, yaml.p, yaml.n);
    memcpy(w + 4 + yaml.n, "\n---\n", 5);
    hv_err fe = {0};
    if (frontmatter_parse(hv_sv_make(w, yaml.n + 9), &jr->card_data, &r->mem, &fe) != HV_OK) {
        /* the card's own YAML being odd is no reason to lose the model */
        return HV_OK;
    }
    return merge_card_data(r, &jr->card_data, e);
}

int json_record_fill(hv_json_record *jr, hv_record *r, const cJSON *obj, hv_ingest_report *rep, hv_err *e) {
    if (!cJSON_IsObject(obj)) return hv_errf(e, HV_EINPUT, "expected a JSON object, found %s", type_name(obj));
    const cJSON *card_data = NULL;
    const cJSON *v;
    cJSON_ArrayForEach(v, obj) {
        const char *key = v->string ? v->string : "";
        if (!strcmp(key, "cardData") || !strcmp(key, "card_data")) {
            if (!card_data || cJSON_IsObject(v)) card_data = v; /* prefer the parsed form */
            continue;
        }
        hv_column col = fields_column(hv_sv_cstr(key));
        if (col == HV_COL_UNKNOWN) {
            ingest_report_unknown(rep, hv_sv_cstr(key));
            continue;
        }
        int rc = json_record_set(r, col, key, v, e);
        if (rc) return rc;
    }
    if (card_data && cJSON_IsObject(card_data)) return card_data_object(jr, r, card_data, e);
    if (card_data && cJSON_IsString(card_data)) return card_data_text(jr, r, hv_sv_cstr(card_data->valuestring), e);
    return HV_OK;
}
