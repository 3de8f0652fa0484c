/* api_export.c - POST /api/export (and GET): chosen columns of chosen
 * models as CSV (RFC 4180) or JSON, as a download.
 *
 * Which models: a list of ids (POST {"ids": [...]}, or a bare JSON array),
 * row numbers as /api/points orders them (POST {"rows": [...]}: a lasso),
 * or the model filter (GET query parameters, or POST {"filter": {...}} whose
 * members are the same parameters; filter.c parses both, so the two can
 * never disagree).  Ids that are not in the map are reported (JSON:
 * "missing"), not an error.  Filtered rows come in order of downloads; a
 * filter matching more than `limit` models is refused unless the request
 * names a limit, so an export is never cut short silently (CSV has no
 * place to say so). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"
#include "serve/serve_int.h"

#define EXPORT_MAX_IDS 100000
#define EXPORT_MAX_ROWS 200000
#define EXPORT_MAX_FIELDS 64

/* ---- the columns ---- */

typedef enum { V_NULL, V_INT, V_NUM, V_BOOL, V_STR, V_TIME, V_LIST, V_IDLIST, V_URL } vkind;

typedef struct val {
    vkind k;
    int64_t i;
    double d;
    hv_sv s;
    const hv_map_list *l; /* V_LIST: strs ids; V_IDLIST: id pool ids */
} val;

typedef val (*field_fn)(const hv_map *m, uint32_t r);

static val v_null(void) { return (val){V_NULL, 0, 0, {NULL, 0}, NULL}; }
static val v_int(int64_t i) { return (val){V_INT, i, 0, {NULL, 0}, NULL}; }
static val v_num(double d) { return (val){isfinite(d) ? V_NUM : V_NULL, 0, d, {NULL, 0}, NULL}; }
static val v_bool(bool b) { return (val){V_BOOL, b, 0, {NULL, 0}, NULL}; }
static val v_str(hv_sv s) { return (val){V_STR, 0, 0, s, NULL}; }
static val v_strs(const hv_map *m, uint32_t sid) { return sid ? v_str(map_str(m, sid)) : v_null(); }
static val v_known(const hv_map *m, uint32_t r, unsigned bit, int64_t i) { return m->has[r] & bit ? v_int(i) : v_null(); }
static val v_list(const hv_map_list *l) { return (val){V_LIST, 0, 0, {NULL, 0}, l}; }

static val f_id(const hv_map *m, uint32_t r) { return v_str(map_id(m, r)); }
static val f_hub_url(const hv_map *m, uint32_t r) { return (val){V_URL, 0, 0, map_id(m, r), NULL}; }
static val f_author(const hv_map *m, uint32_t r) { return v_strs(m, m->author[r]); }
static val f_library(const hv_map *m, uint32_t r) { return v_strs(m, m->library[r]); }
static val f_pipeline(const hv_map *m, uint32_t r) { return v_strs(m, m->pipeline[r]); }
static val f_downloads(const hv_map *m, uint32_t r) { return v_known(m, r, HV_HAS_DOWNLOADS, m->downloads[r]); }
static val f_likes(const hv_map *m, uint32_t r) { return v_known(m, r, HV_HAS_LIKES, m->likes[r]); }
static val f_trending(const hv_map *m, uint32_t r) {
    return m->has[r] & HV_HAS_TRENDING ? v_num(m->trending[r]) : v_null();
}
static val f_created(const hv_map *m, uint32_t r) {
    return m->created_at[r] ? (val){V_TIME, m->created_at[r], 0, {NULL, 0}, NULL} : v_null();
}
static val f_private(const hv_map *m, uint32_t r) {
    return m->has[r] & HV_HAS_PRIVATE ? v_bool(m->is_private[r]) : v_null();
}
static val f_tags(const hv_map *m, uint32_t r) { (void)r; return v_list(&m->tags); }
static val f_licenses(const hv_map *m, uint32_t r) { (void)r; return v_list(&m->licenses); }
static val f_languages(const hv_map *m, uint32_t r) { (void)r; return v_list(&m->languages); }
static val f_datasets(const hv_map *m, uint32_t r) { (void)r; return v_list(&m->datasets); }
static val f_arxiv(const hv_map *m, uint32_t r) { (void)r; return v_list(&m->arxiv); }
static val f_regions(const hv_map *m, uint32_t r) { (void)r; return v_list(&m->regions); }
#define PARENTS_FN(rel, name) \
    static val name(const hv_map *m, uint32_t r) { (void)r; return (val){V_IDLIST, 0, 0, {NULL, 0}, &m->parents[rel]}; }
PARENTS_FN(HV_REL_BASE, f_base_parents)
PARENTS_FN(HV_REL_FINETUNE, f_finetune_parents)
PARENTS_FN(HV_REL_ADAPTER, f_adapter_parents)
PARENTS_FN(HV_REL_QUANTIZED, f_quantized_parents)
PARENTS_FN(HV_REL_MERGE, f_merge_parents)
static val f_children(const hv_map *m, uint32_t r) {
    return v_int((int64_t)(m->edge_children.off[r + 1] - m->edge_children.off[r]));
}
static val f_depth(const hv_map *m, uint32_t r) { return m->depth ? v_int(m->depth[r]) : v_null(); }
static val f_root(const hv_map *m, uint32_t r) { return m->root ? v_str(map_id(m, m->root[r])) : v_null(); }
static val f_family_root(const hv_map *m, uint32_t r) {
    return m->family ? v_str(map_id(m, m->family_root[m->family[r]])) : v_null();
}
static val f_family_size(const hv_map *m, uint32_t r) { return m->family ? v_int(m->family_size[m->family[r]]) : v_null(); }
static val f_cluster(const hv_map *m, uint32_t r) { return m->cluster ? v_int(m->cluster[r]) : v_null(); }
static val f_cluster_label(const hv_map *m, uint32_t r) {
    return m->cluster ? v_str(map_cluster_label(m, m->cluster[r])) : v_null();
}
#define COORD_FN(name, arr, dims, i) \
    static val name(const hv_map *m, uint32_t r) { return m->arr ? v_num(m->arr[(uint64_t)r * dims + i]) : v_null(); }
COORD_FN(f_x, coords2d, 2, 0)
COORD_FN(f_y, coords2d, 2, 1)
COORD_FN(f_x3, coords3d, 3, 0)
COORD_FN(f_y3, coords3d, 3, 1)
COORD_FN(f_z3, coords3d, 3, 2)
static val f_has_card(const hv_map *m, uint32_t r) { return v_bool(m->has_card[r]); }
static val f_card_chars(const hv_map *m, uint32_t r) { return m->has_card[r] ? v_int(m->card_chars[r]) : v_null(); }
static val f_card_words(const hv_map *m, uint32_t r) { return m->has_card[r] ? v_int(m->card_words[r]) : v_null(); }
static val f_card_auto(const hv_map *m, uint32_t r) { return v_bool(m->card_autogen[r]); }

typedef struct field {
    const char *name;
    field_fn fn;
} field;

static const field FIELDS[] = {
    {"id", f_id}, {"author", f_author}, {"library", f_library}, {"pipeline", f_pipeline},
    {"downloads", f_downloads}, {"likes", f_likes}, {"trending", f_trending}, {"created_at", f_created},
    {"private", f_private}, {"tags", f_tags}, {"licenses", f_licenses}, {"languages", f_languages},
    {"datasets", f_datasets}, {"arxiv", f_arxiv}, {"regions", f_regions}, {"base_parents", f_base_parents},
    {"finetune_parents", f_finetune_parents}, {"adapter_parents", f_adapter_parents},
    {"quantized_parents", f_quantized_parents}, {"merge_parents", f_merge_parents}, {"children", f_children},
    {"depth", f_depth}, {"root", f_root}, {"family_root", f_family_root}, {"family_size", f_family_size},
    {"cluster", f_cluster}, {"cluster_label", f_cluster_label}, {"x", f_x}, {"y", f_y}, {"x3", f_x3},
    {"y3", f_y3}, {"z3", f_z3}, {"has_card", f_has_card}, {"card_chars", f_card_chars},
    {"card_words", f_card_words}, {"card_auto_generated", f_card_auto}, {"hub_url", f_hub_url},
};
#define NFIELDS (sizeof FIELDS / sizeof FIELDS[0])

static const char *const DEFAULT_FIELDS[] = {"id", "author", "library", "pipeline", "downloads", "likes",
                                             "trending", "created_at", "licenses", "tags", "depth",
                                             "family_root", "cluster"};

/* ---- what was asked ---- */

typedef struct export_req {
    int format; /* 0 csv, 1 json */
    bool format_given;
    const field *fields[EXPORT_MAX_FIELDS];
    int nfields;
    uint32_t limit;
    bool limit_given;
    /* ids, or a filter */
    bool by_ids;
    uint32_t *rows; /* found ids, in request order, each once */
    uint32_t nrows;
    cJSON *missing; /* array of the ids not in the map (borrowed strings) */
    uint32_t nmissing, duplicates;
    hv_filter filter;
} export_req;

static const char *const FORMATS[] = {"csv", "json", NULL};

static int add_field(hv_resp *rs, export_req *x, hv_sv name) {
    name = hv_sv_trim(name);
    for (size_t i = 0; i < NFIELDS; i++) {
        if (!hv_sv_eq_cstr(name, FIELDS[i].name)) continue;
        if (x->nfields == EXPORT_MAX_FIELDS) {
            resp_error(rs, 400, "bad parameter", "fields: at most %d", EXPORT_MAX_FIELDS);
            return -1;
        }
        x->fields[x->nfields++] = &FIELDS[i];
        return 0;
    }
    char list[400];
    size_t used = 0;
    for (size_t i = 0; i < NFIELDS; i++) {
        int k = snprintf(list + used, sizeof list - used, "%s%s", i ? "," : "", FIELDS[i].name);
        if (k > 0 && used + (size_t)k < sizeof list) used += (size_t)k;
    }
    resp_error(rs, 400, "bad parameter", "fields: unknown field '%.*s'; known: %s", (int)(name.n > 40 ? 40 : name.n),
               name.p, list);
    return -1;
}

static int fields_from_list(hv_resp *rs, export_req *x, const char *v) {
    for (const char *p = v;;) {
        const char *c = strchr(p, ',');
        if (add_field(rs, x, hv_sv_make(p, c ? (size_t)(c - p) : strlen(p)))) return -1;
        if (!c) return 0;
        p = c + 1;
    }
}

static void default_fields(export_req *x) {
    for (size_t i = 0; i < sizeof DEFAULT_FIELDS / sizeof DEFAULT_FIELDS[0]; i++)
        for (size_t j = 0; j < NFIELDS; j++)
            if (strcmp(DEFAULT_FIELDS[i], FIELDS[j].name) == 0) x->fields[x->nfields++] = &FIELDS[j];
}

/* format, fields and limit from the query string (GET, or POST without them in the body) */
static int query_options(const hv_req *rq, hv_resp *rs, export_req *x) {
    const char *fl;
    if ((!x->format_given && arg_enum(rq, rs, "format", FORMATS, 0, &x->format)) || arg_str(rq, rs, "fields", 2000, &fl))
        return -1;
    if (fl && !x->nfields && fields_from_list(rs, x, fl)) return -1;
    if (req_arg(rq, "limit") && !x->limit_given) {
        if (arg_u32(rq, rs, "limit", EXPORT_MAX_ROWS, 1, EXPORT_MAX_ROWS, &x->limit)) return -1;
        x->limit_given = true;
    }
    return 0;
}

/* ---- the POST body ---- */

/* The filter parameters filter.c reads; a body naming anything else is a
 * mistake worth a 400 rather than an export of everything. */
static const char *const FILTER_KEYS[] = {"min_downloads", "max_downloads", "min_likes", "max_likes", "library",
                                          "pipeline", "license", "language", "base_only", "max_depth",
                                          "created_from", "created_to", "cluster", "family", "q", NULL};

/* One filter value as query text: strings as they are, numbers, booleans,
 * and arrays of those joined by commas (any-of lists). */
static int filter_value_text(const cJSON *v, hv_buf *out) {
    if (cJSON_IsString(v)) return hv_buf_append(out, v->valuestring, strlen(v->valuestring));
    if (cJSON_IsBool(v)) return hv_buf_printf(out, "%s", cJSON_IsTrue(v) ? "true" : "false");
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 9e15) return hv_buf_printf(out, "%.0f", d);
        return hv_buf_printf(out, "%.17g", d);
    }
    if (cJSON_IsArray(v)) {
        int i = 0;
        for (const cJSON *it = v->child; it; it = it->next, i++) {
            if (cJSON_IsArray(it) || cJSON_IsObject(it) || cJSON_IsNull(it)) return -2;
            if ((i && hv_buf_putc(out, ',')) || filter_value_text(it, out)) return -1;
        }
        return 0;
    }
    return -2;
}

/* Turn {"library": ["a","b"], "min_likes": 10} into the query arguments
 * filter_parse reads.  texts holds the values (one NUL-separated buffer). */
static int filter_from_json(hv_server *s, hv_resp *rs, const cJSON *obj, export_req *x) {
    if (!cJSON_IsObject(obj)) {
        resp_error(rs, 400, "bad body", "\"filter\" must be an object of filter parameters");
        return -1;
    }
    hv_req frq;
    memset(&frq, 0, sizeof frq);
    frq.method = "GET";
    frq.path = "/api/export";
    size_t pos[SERVE_MAX_ARGS];
    hv_buf texts = {0};
    texts.max = SERVE_MAX_BODY * 2;
    int rc = 0;
    for (const cJSON *it = obj->child; it && !rc; it = it->next) {
        int k = 0;
        while (FILTER_KEYS[k] && strcmp(FILTER_KEYS[k], it->string) != 0) k++;
        if (!FILTER_KEYS[k]) {
            resp_error(rs, 400, "bad body", "filter: unknown parameter '%.60s' (see GET /api/models)", it->string);
            rc = -1;
        } else if (cJSON_IsNull(it)) {
            continue;
        } else if (frq.nargs == SERVE_MAX_ARGS) {
            resp_error(rs, 400, "bad body", "filter: at most %d parameters", SERVE_MAX_ARGS);
            rc = -1;
        } else {
            pos[frq.nargs] = texts.n;
            frq.args[frq.nargs++].k = FILTER_KEYS[k];
            int t = filter_value_text(it, &texts);
            if (t == -2)
                resp_error(rs, 400, "bad body", "filter.%s must be a string, number, boolean or an array of them",
                           FILTER_KEYS[k]);
            else if (t || hv_buf_putc(&texts, 0))
                resp_error(rs, 500, "out of memory", "export filter");
            else
                continue;
            rc = -1;
        }
    }
    /* the buffer may have moved while growing: point the values now */
    for (int i = 0; !rc && i < frq.nargs; i++) frq.args[i].v = texts.p + pos[i];
    if (!rc) rc = filter_parse(s, &frq, rs, &x->filter);
    hv_buf_free(&texts);
    return rc;
}

/* The models of a JSON list, in request order, each once: ids
 * ({"ids": [...]} or a bare array; ids not in the map are reported as
 * missing, not an error) or row numbers as /api/points orders them
 * ({"rows": [...]}: a lasso selection; out of range is a 400). */
static int list_from_json(hv_server *s, hv_resp *rs, const cJSON *arr, export_req *x, bool rows) {
    const char *what = rows ? "rows" : "ids";
    int n = cJSON_GetArraySize(arr);
    if (n > EXPORT_MAX_IDS) {
        resp_error(rs, 400, rows ? "too many rows" : "too many ids", "at most %d %s per export, got %d",
                   EXPORT_MAX_IDS, what, n);
        return -1;
    }
    x->by_ids = true;
    x->rows = malloc((size_t)(n ? n : 1) * sizeof *x->rows);
    x->missing = cJSON_CreateArray();
    hv_rowmap seen;
    if (!x->rows || !x->missing || rowmap_init(&seen, (uint32_t)(n < 1024 ? n : 1024))) {
        resp_error(rs, 500, "out of memory", "export %s", what);
        return -1;
    }
    int i = 0, rc = 0;
    for (const cJSON *it = arr->child; it && !rc; it = it->next, i++) {
        uint32_t row;
        if (rows) {
            double d = cJSON_IsNumber(it) ? it->valuedouble : -1;
            if (d != floor(d) || d < 0 || d >= s->map.n) {
                resp_error(rs, 400, "bad body", "rows[%d] is not a row number in 0..%u", i, s->map.n - 1);
                rc = -1;
                break;
            }
            row = (uint32_t)d;
        } else {
            if (!cJSON_IsString(it)) {
                resp_error(rs, 400, "bad body", "ids[%d] is not a string", i);
                rc = -1;
                break;
            }
            row = map_find(&s->map, hv_sv_cstr(it->valuestring));
            if (row == HV_NO_ROW) {
                /* a reference, not a copy: the ids live as long as the body's tree */
                if (!cJSON_AddItemToArray(x->missing, cJSON_CreateStringReference(it->valuestring))) rc = -1;
                x->nmissing++;
                continue;
            }
        }
        int put = rowmap_put(&seen, row, 0);
        if (put < 0) rc = -1;
        else if (put == 0) x->duplicates++;
        else x->rows[x->nrows++] = row;
    }
    if (rc && !rs->status) resp_error(rs, 500, "out of memory", "export %s", what);
    rowmap_free(&seen);
    return rc;
}

static int parse_body(hv_server *s, const hv_req *rq, hv_resp *rs, export_req *x, cJSON **tree) {
    if (!rq->body || rq->body_len == 0) {
        resp_error(rs, 400, "bad body", "POST a JSON body: {\"ids\": [...]} or {\"filter\": {...}}, with optional "
                                        "\"format\" (csv|json) and \"fields\"");
        return -1;
    }
    /* (cJSON also records a failure in a global it never reads back for
     * us; the position comes from end, which is per call) */
    const char *end = NULL;
    cJSON *root = *tree = cJSON_ParseWithLengthOpts(rq->body, rq->body_len, &end, 0);
    size_t at = end && end >= rq->body && end <= rq->body + rq->body_len ? (size_t)(end - rq->body) : 0;
    if (!root) {
        resp_error(rs, 400, "invalid JSON", "the body does not parse as JSON (at byte %zu)", at);
        return -1;
    }
    while (at < rq->body_len && rq->body[at] && strchr(" \t\r\n", rq->body[at])) at++;
    if (at < rq->body_len) {
        resp_error(rs, 400, "invalid JSON", "unexpected text after the JSON value (at byte %zu)", at);
        return -1;
    }
    if (cJSON_IsArray(root)) return list_from_json(s, rs, root, x, false); /* a bare list of ids */
    if (!cJSON_IsObject(root)) {
        resp_error(rs, 400, "bad body", "the body must be a JSON object or an array of ids");
        return -1;
    }
    const cJSON *ids = NULL, *filter = NULL, *rows = NULL;
    for (const cJSON *it = root->child; it; it = it->next) {
        if (strcmp(it->string, "ids") == 0) ids = it;
        else if (strcmp(it->string, "rows") == 0) rows = it;
        else if (strcmp(it->string, "filter") == 0) filter = it;
        else if (strcmp(it->string, "format") == 0) {
            int f = 0;
            while (FORMATS[f] && !(cJSON_IsString(it) && strcmp(FORMATS[f], it->valuestring) == 0)) f++;
            if (!FORMATS[f]) {
                resp_error(rs, 400, "bad body", "format must be \"csv\" or \"json\"");
                return -1;
            }
            x->format = f;
            x->format_given = true;
        } else if (strcmp(it->string, "fields") == 0) {
            if (cJSON_IsString(it)) {
                if (fields_from_list(rs, x, it->valuestring)) return -1;
            } else if (cJSON_IsArray(it)) {
                for (const cJSON *f = it->child; f; f = f->next) {
                    if (!cJSON_IsString(f)) {
                        resp_error(rs, 400, "bad body", "fields must be an array of field names");
                        return -1;
                    }
                    if (add_field(rs, x, hv_sv_cstr(f->valuestring))) return -1;
                }
            } else {
                resp_error(rs, 400, "bad body", "fields must be an array of field names");
                return -1;
            }
        } else if (strcmp(it->string, "limit") == 0) {
            double d = cJSON_IsNumber(it) ? it->valuedouble : -1;
            if (d != floor(d) || d < 1 || d > EXPORT_MAX_ROWS) {
                resp_error(rs, 400, "bad body", "limit must be an integer in 1..%d", EXPORT_MAX_ROWS);
                return -1;
            }
            x->limit = (uint32_t)d;
            x->limit_given = true;
        } else {
            resp_error(rs, 400, "bad body",
                       "unknown member '%.60s'; the body takes ids, rows or filter, format, fields, limit",
                       it->string);
            return -1;
        }
    }
    if ((ids != NULL) + (filter != NULL) + (rows != NULL) > 1) {
        resp_error(rs, 400, "bad body", "give one of ids, rows or filter");
        return -1;
    }
    if (rows) {
        if (!cJSON_IsArray(rows)) {
            resp_error(rs, 400, "bad body", "rows must be an array of row numbers");
            return -1;
        }
        return list_from_json(s, rs, rows, x, true);
    }
    if (ids) {
        if (!cJSON_IsArray(ids)) {
            resp_error(rs, 400, "bad body", "ids must be an array of model ids");
            return -1;
        }
        return list_from_json(s, rs, ids, x, false);
    }
    if (filter) return filter_from_json(s, rs, filter, x);
    resp_error(rs, 400, "bad body", "the body needs \"ids\" (a list of model ids) or \"filter\" (an object)");
    return -1;
}

/* ---- the rows of a filter ---- */

static int filtered_rows(hv_server *s, hv_resp *rs, export_req *x, uint32_t *total) {
    const uint32_t *rank = server_ranking(s, RANK_DOWNLOADS);
    if (!rank) {
        resp_error(rs, 500, "out of memory", "export rows");
        return -1;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->map.n; i++) n += filter_match(s, &x->filter, rank[i]);
    *total = n;
    if (n > x->limit && !x->limit_given) {
        resp_error(rs, 400, "too many rows",
                   "the filter matches %u models, more than %u: narrow it, or pass limit=N (at most %d) for the N "
                   "most downloaded",
                   n, x->limit, EXPORT_MAX_ROWS);
        return -1;
    }
    uint32_t want = n < x->limit ? n : x->limit;
    x->rows = malloc((size_t)(want ? want : 1) * sizeof *x->rows);
    if (!x->rows) {
        resp_error(rs, 500, "out of memory", "export rows");
        return -1;
    }
    for (uint32_t i = 0; i < s->map.n && x->nrows < want; i++)
        if (filter_match(s, &x->filter, rank[i])) x->rows[x->nrows++] = rank[i];
    return 0;
}

/* ---- writing ---- */

/* RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled. */
static int csv_field(hv_buf *b, hv_sv s) {
    bool quote = false;
    for (size_t i = 0; i < s.n && !quote; i++) quote = s.p[i] == ',' || s.p[i] == '"' || s.p[i] == '\r' || s.p[i] == '\n';
    if (!quote) return hv_buf_append(b, s.p, s.n);
    int rc = hv_buf_putc(b, '"');
    for (size_t i = 0; i < s.n && !rc; i++) rc = s.p[i] == '"' ? hv_buf_append(b, "\"\"", 2) : hv_buf_putc(b, s.p[i]);
    return rc || hv_buf_putc(b, '"');
}

static hv_sv list_item(const hv_map *m, const val *v, uint64_t i) {
    return v->k == V_LIST ? map_str(m, v->l->val[i]) : map_idpool(m, v->l->val[i]);
}

/* One value as CSV text into tmp (lists joined by ';'), then quoted into b. */
static int csv_value(hv_buf *b, hv_buf *tmp, const hv_map *m, uint32_t r, const val *v) {
    hv_buf_clear(tmp);
    int rc = 0;
    switch (v->k) {
    case V_NULL: return 0;
    case V_INT: return hv_buf_printf(b, "%lld", (long long)v->i);
    case V_NUM: return hv_buf_printf(b, "%.9g", v->d);
    case V_BOOL: return hv_buf_append(b, v->i ? "true" : "false", v->i ? 4 : 5);
    case V_STR: return csv_field(b, v->s);
    case V_URL: rc = hv_buf_append(tmp, "https://huggingface.co/", 23) || hv_buf_append(tmp, v->s.p, v->s.n); break;
    case V_TIME: {
        char t[40];
        hv_format_time(v->i, t);
        return hv_buf_append(b, t, strlen(t));
    }
    case V_LIST:
    case V_IDLIST:
        for (uint64_t i = v->l->off[r]; i < v->l->off[r + 1] && !rc; i++) {
            hv_sv item = list_item(m, v, i);
            rc = (i > v->l->off[r] && hv_buf_putc(tmp, ';')) || hv_buf_append(tmp, item.p, item.n);
        }
        break;
    }
    return rc || csv_field(b, hv_sv_make(tmp->p, tmp->n));
}

static void jw_value(hv_jw *w, const hv_map *m, uint32_t r, const val *v) {
    switch (v->k) {
    case V_NULL: jw_null(w); break;
    case V_INT: jw_int(w, v->i); break;
    case V_NUM: jw_num(w, v->d); break;
    case V_BOOL: jw_bool(w, v->i != 0); break;
    case V_STR: jw_str(w, v->s); break;
    case V_TIME: jw_time(w, v->i); break;
    case V_URL: {
        char url[600];
        int k = snprintf(url, sizeof url, "https://huggingface.co/%.*s", (int)(v->s.n > 550 ? 550 : v->s.n), v->s.p);
        jw_str(w, hv_sv_make(url, k > 0 ? (size_t)k : 0));
        break;
    }
    case V_LIST:
    case V_IDLIST:
        jw_arr(w);
        for (uint64_t i = v->l->off[r]; i < v->l->off[r + 1]; i++) jw_str(w, list_item(m, v, i));
        jw_arr_end(w);
        break;
    }
}

static void write_csv(hv_server *s, hv_resp *rs, const export_req *x) {
    const hv_map *m = &s->map;
    hv_buf *b = &rs->body, tmp = {0};
    hv_buf_clear(b);
    int rc = 0;
    for (int f = 0; f < x->nfields && !rc; f++)
        rc = (f && hv_buf_putc(b, ',')) || hv_buf_append(b, x->fields[f]->name, strlen(x->fields[f]->name));
    if (!rc) rc = hv_buf_append(b, "\r\n", 2);
    for (uint32_t i = 0; i < x->nrows && !rc; i++) {
        for (int f = 0; f < x->nfields && !rc; f++) {
            val v = x->fields[f]->fn(m, x->rows[i]);
            rc = (f && hv_buf_putc(b, ',')) || csv_value(b, &tmp, m, x->rows[i], &v);
        }
        if (!rc) rc = hv_buf_append(b, "\r\n", 2);
    }
    hv_buf_free(&tmp);
    if (rc) {
        resp_error(rs, 500, "response too large", "export fewer rows or fields");
        return;
    }
    rs->status = 200;
    rs->type = "text/csv; charset=utf-8; header=present";
    snprintf(rs->disposition, sizeof rs->disposition, "attachment; filename=\"hfviz-export.csv\"");
}

static void write_json(hv_server *s, hv_resp *rs, const export_req *x, uint32_t total) {
    const hv_map *m = &s->map;
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "count");
    jw_uint(&w, x->nrows);
    if (x->by_ids) {
        jw_key(&w, "missing"); /* requested ids that are not models of this map */
        jw_arr(&w);
        for (const cJSON *it = x->missing ? x->missing->child : NULL; it; it = it->next) jw_cstr(&w, it->valuestring);
        jw_arr_end(&w);
        jw_key(&w, "duplicates");
        jw_uint(&w, x->duplicates);
    } else {
        jw_key(&w, "total"); /* models the filter matches */
        jw_uint(&w, total);
        jw_key(&w, "truncated");
        jw_bool(&w, total > x->nrows);
    }
    jw_key(&w, "fields");
    jw_arr(&w);
    for (int f = 0; f < x->nfields; f++) jw_cstr(&w, x->fields[f]->name);
    jw_arr_end(&w);
    jw_key(&w, "models");
    jw_arr(&w);
    for (uint32_t i = 0; i < x->nrows; i++) {
        jw_obj(&w);
        for (int f = 0; f < x->nfields; f++) {
            val v = x->fields[f]->fn(m, x->rows[i]);
            jw_key(&w, x->fields[f]->name);
            jw_value(&w, m, x->rows[i], &v);
        }
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    resp_json_done(rs, &w);
    if (rs->status == 200)
        snprintf(rs->disposition, sizeof rs->disposition, "attachment; filename=\"hfviz-export.json\"");
}

void api_export(hv_server *s, const hv_req *rq, hv_resp *rs) {
    export_req x;
    memset(&x, 0, sizeof x);
    x.limit = EXPORT_MAX_ROWS;
    cJSON *tree = NULL;
    uint32_t total = 0;
    bool post = strcmp(rq->method, "POST") == 0;
    if (post ? parse_body(s, rq, rs, &x, &tree) : filter_parse(s, rq, rs, &x.filter)) goto done;
    if (query_options(rq, rs, &x)) goto done;
    if (!x.nfields) default_fields(&x);
    if (!x.by_ids && filtered_rows(s, rs, &x, &total)) goto done;
    if (x.format == 0) write_csv(s, rs, &x);
    else write_json(s, rs, &x, total);
done:
    free(x.rows);
    cJSON_Delete(x.missing);
    cJSON_Delete(tree);
}
