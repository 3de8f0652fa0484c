/* hubjson.c - Hub API dumps: a JSON array of ModelInfo objects (what
 * GET /api/models?full=true returns), or the model-tree crawler's
 * {"models": [{"model_id", "metadata": "<ModelInfo as a JSON string>",
 * "card": "<README.md>", "children": [...]}, ...]}.
 *
 * The whole document is parsed at once (cJSON has no streaming mode), so the
 * file size is capped; each model is detached from the tree and freed as
 * soon as it is in the catalog, which keeps the peak near one copy. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/json_record.h"

/* cJSON's tree costs several times the text; past 2 GiB use JSON lines. */
#define HUBJSON_MAX_FILE ((size_t)2 << 30)

typedef struct hj_state {
    hv_catalog *c;
    const hv_ingest_opts *o;
    hv_ingest_report *rep;
    hv_record rec;
    hv_json_record jr;
} hj_state;

static char *read_all(const char *path, size_t *n, hv_err *e) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { hv_errf(e, HV_EIO, "%s: %s", path, strerror(errno)); return NULL; }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        hv_errf(e, HV_EIO, "%s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if ((uint64_t)st.st_size > HUBJSON_MAX_FILE) {
        hv_errf(e, HV_EINPUT, "%s: %lld bytes is more than a JSON document may hold here (%zu); use JSON lines",
                path, (long long)st.st_size, HUBJSON_MAX_FILE);
        close(fd);
        return NULL;
    }
    size_t len = (size_t)st.st_size, got = 0;
    char *buf = malloc(len + 1);
    if (!buf) { hv_errf(e, HV_ENOMEM, "%s: out of memory", path); close(fd); return NULL; }
    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            if (r < 0) hv_errf(e, HV_EIO, "%s: %s", path, strerror(errno));
            else hv_errf(e, HV_EIO, "%s: file shrank while reading", path);
            free(buf);
            close(fd);
            return NULL;
        }
        got += (size_t)r;
    }
    close(fd);
    buf[len] = 0;
    *n = len;
    return buf;
}

static int add_row(hj_state *st, hv_err *e) {
    int rc = catalog_add(st->c, &st->rec, e);
    if (rc == HV_OK) st->rep->rows_added++;
    return rc;
}

/* One ModelInfo object. */
static int do_model(hj_state *st, const cJSON *m, hv_err *e) {
    record_reset(&st->rec);
    int rc = json_record_fill(&st->jr, &st->rec, m, st->rep, e);
    return rc ? rc : add_row(st, e);
}

/* Keys of a tree entry that are the crawl's own bookkeeping. */
static bool tree_key(const char *k) {
    static const char *const keys[] = {"depth", "children", "children_count", "adapters", "adapters_count",
                                       "quantized", "quantized_count", "merges", "merges_count", "spaces",
                                       "spaces_count"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!strcmp(k, keys[i])) return true;
    return false;
}

/* One entry of the tree crawler's "models" array. */
static int do_tree_entry(hj_state *st, const cJSON *m, hv_err *e) {
    if (!cJSON_IsObject(m)) return hv_errf(e, HV_EINPUT, "expected a JSON object in \"models\"");
    record_reset(&st->rec);
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(m, "metadata");
    cJSON *parsed = NULL;
    int rc = HV_OK;
    if (cJSON_IsString(meta) && strcmp(meta->valuestring, "N/A") != 0 && meta->valuestring[0]) {
        /* metadata is a JSON document inside a string */
        const char *end = NULL;
        parsed = cJSON_ParseWithOpts(meta->valuestring, &end, 0);
        if (!parsed) {
            size_t at = end ? (size_t)(end - meta->valuestring) : 0;
            return hv_errf(e, HV_EINPUT, "metadata: invalid JSON at byte %zu", at);
        }
        rc = json_record_fill(&st->jr, &st->rec, parsed, st->rep, e);
    } else if (cJSON_IsObject(meta)) {
        rc = json_record_fill(&st->jr, &st->rec, meta, st->rep, e);
    }
    const cJSON *v;
    cJSON_ArrayForEach(v, m) {
        if (rc) break;
        const char *k = v->string ? v->string : "";
        if (!strcmp(k, "metadata") || tree_key(k)) continue;
        if (!strcmp(k, "model_id") || !strcmp(k, "id")) {
            /* the metadata's own id wins; the entry's is often a URL */
            if (!st->rec.model_id.n && cJSON_IsString(v))
                rc = fields_set_text(&st->rec, HV_COL_MODEL_ID, hv_sv_cstr(v->valuestring), e);
            continue;
        }
        if (!strcmp(k, "card")) {
            /* "N/A" is the crawler's word for a card it could not fetch */
            if (cJSON_IsString(v) && strcmp(v->valuestring, "N/A") != 0)
                rc = fields_set_text(&st->rec, HV_COL_CARD, hv_sv_cstr(v->valuestring), e);
            continue;
        }
        hv_column col = fields_column(hv_sv_cstr(k));
        if (col == HV_COL_UNKNOWN) ingest_report_unknown(st->rep, hv_sv_cstr(k));
        else rc = json_record_set(&st->rec, col, k, v, e);
    }
    if (rc == HV_OK) rc = add_row(st, e);
    cJSON_Delete(parsed);
    return rc;
}

static size_t line_of(const char *buf, size_t off) {
    size_t line = 1;
    for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + off - p))) != NULL; p++) line++;
    return line;
}

int ingest_hubjson(hv_catalog *c, const char *path, const hv_ingest_opts *o, hv_ingest_report *rep, hv_err *e) {
    hv_ingest_opts def = {0};
    if (!o) o = &def;
    size_t n = 0;
    char *buf = read_all(path, &n, e);
    if (!buf) return e ? e->code : HV_EIO;
    const char *text = buf;
    if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, n - (size_t)(text - buf), &end, 0);
    if (!root) {
        size_t off = end ? (size_t)(end - buf) : 0;
        int rc = hv_errf(e, HV_EINPUT, "%s: invalid JSON at line %zu (byte offset %zu)", path, line_of(buf, off), off);
        free(buf);
        return rc;
    }
    for (const char *t = end; t < buf + n; t++)
        if (*t != ' ' && *t != '\t' && *t != '\r' && *t != '\n') {
            size_t off = (size_t)(t - buf);
            int rc = hv_errf(e, HV_EINPUT, "%s: text after the JSON document at line %zu (byte offset %zu)", path,
                             line_of(buf, off), off);
            cJSON_Delete(root);
            free(buf);
            return rc;
        }
    free(buf); /* the tree holds copies of every string */

    hj_state st = {.c = c, .o = o, .rep = rep};
    cJSON *list = root;
    bool tree = false;
    int rc = HV_OK;
    if (cJSON_IsObject(root)) {
        list = cJSON_GetObjectItemCaseSensitive(root, "models");
        tree = true;
        if (!cJSON_IsArray(list))
            rc = hv_errf(e, HV_EINPUT, "%s: expected a JSON array of models or an object with a \"models\" array", path);
    } else if (!cJSON_IsArray(root)) {
        rc = hv_errf(e, HV_EINPUT, "%s: expected a JSON array of models, found a scalar", path);
    }
    while (rc == HV_OK) {
        cJSON *m = list->child;
        if (!m) break;
        cJSON_DetachItemViaPointer(list, m);
        rep->rows++;
        rc = tree ? do_tree_entry(&st, m, e) : do_model(&st, m, e);
        cJSON_Delete(m);
        if (rc) rc = ingest_bad_row(o, rep, rep->rows, e);
    }
    cJSON_Delete(root);
    record_free(&st.rec);
    json_record_free(&st.jr);
    return rc;
}
