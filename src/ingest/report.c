/* report.c - what one input contributed, bad-row policy, format sniffing and
 * the dispatch to the readers.
 *
 * Every reader funnels a bad row through ingest_bad_row(), so the message
 * shape ("PATH: row N: reason") and the --skip-bad-rows policy live in one
 * place. */
#include "ingest/ingest.h"
#include "core/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

/* Sniffing reads at most this much to see a whole first JSON line; a JSONL
 * line with a multi-MB card is longer than any sane header, so past this we
 * decide on the first byte alone. */
#define SNIFF_MAX_LINE ((size_t)16 << 20)
/* Names in the report are for people; a 10 KB "column name" is cut. */
#define REPORT_MAX_NAME 200

static const char *const FORMAT_NAMES[HV_FMT_COUNT] = {
    [HV_FMT_AUTO] = "auto", [HV_FMT_PARQUET] = "parquet", [HV_FMT_CSV] = "csv",
    [HV_FMT_JSONL] = "jsonl", [HV_FMT_HUBJSON] = "hubjson", [HV_FMT_CARD] = "card",
};

const char *ingest_format_name(hv_format f) { return f < HV_FMT_COUNT ? FORMAT_NAMES[f] : "?"; }

hv_format ingest_format_parse(const char *name) {
    if (!name) return HV_FMT_COUNT;
    hv_sv s = hv_sv_cstr(name);
    for (int f = 0; f < HV_FMT_COUNT; f++)
        if (hv_sv_ieq(s, FORMAT_NAMES[f])) return (hv_format)f;
    if (hv_sv_ieq(s, "json") || hv_sv_ieq(s, "hub")) return HV_FMT_HUBJSON;
    if (hv_sv_ieq(s, "ndjson")) return HV_FMT_JSONL;
    if (hv_sv_ieq(s, "cards") || hv_sv_ieq(s, "md") || hv_sv_ieq(s, "markdown")) return HV_FMT_CARD;
    return HV_FMT_COUNT;
}

void ingest_report_init(hv_ingest_report *rep, const char *path, hv_format f) {
    memset(rep, 0, sizeof *rep);
    rep->path = path ? strdup(path) : NULL;
    rep->format = f;
}

void ingest_report_free(hv_ingest_report *rep) {
    if (!rep) return;
    free(rep->path);
    for (size_t i = 0; i < rep->n_skip_reasons; i++) free(rep->skip_reasons[i]);
    for (size_t i = 0; i < rep->n_unknown_columns; i++) free(rep->unknown_columns[i]);
    memset(rep, 0, sizeof *rep);
}

void ingest_report_unknown(hv_ingest_report *rep, hv_sv name) {
    if (name.n > REPORT_MAX_NAME) name.n = REPORT_MAX_NAME;
    for (size_t i = 0; i < rep->n_unknown_columns; i++)
        if (hv_sv_eq_cstr(name, rep->unknown_columns[i])) return;
    if (rep->n_unknown_columns >= HV_REPORT_MAX_UNKNOWN) return;
    char *s = strndup(name.p ? name.p : "", name.n);
    if (s) rep->unknown_columns[rep->n_unknown_columns++] = s; /* a report line lost to OOM is harmless */
}

void ingest_report_skip(hv_ingest_report *rep, const char *reason) {
    rep->rows_skipped++;
    if (rep->n_skip_reasons >= HV_REPORT_MAX_REASONS) return;
    char *s = strdup(reason ? reason : "");
    if (s) rep->skip_reasons[rep->n_skip_reasons++] = s;
}

int ingest_bad_row(const hv_ingest_opts *o, hv_ingest_report *rep, uint64_t row, hv_err *e) {
    /* out of memory is never a property of the row: always fatal */
    bool skippable = !e || e->code == HV_EINPUT || e->code == HV_OK;
    if (o && o->skip_bad_rows && skippable) {
        char reason[HV_ERR_LEN + 32];
        snprintf(reason, sizeof reason, "row %llu: %s", (unsigned long long)row, e ? e->msg : "bad row");
        ingest_report_skip(rep, reason);
        return HV_OK;
    }
    if (!e) return HV_EINPUT;
    if (e->code == HV_OK) e->code = HV_EINPUT;
    hv_err_prefix(e, "%s: row %llu: ", rep && rep->path ? rep->path : "(input)", (unsigned long long)row);
    return e->code;
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Is the first line of buf[0..n) one whole JSON object, and does a second
 * line begin with '{'?  *has_models: the object has a "models" array. */
static void sniff_json_lines(const char *buf, size_t n, bool *one_object, bool *second_object, bool *has_models) {
    *one_object = *second_object = *has_models = false;
    const char *nl = memchr(buf, '\n', n);
    size_t len = nl ? (size_t)(nl - buf) : n;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (j) {
        const char *t = end;
        while (t < buf + len && (*t == ' ' || *t == '\t' || *t == '\r')) t++;
        *one_object = cJSON_IsObject(j) && t == buf + len;
        *has_models = cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "models"));
        cJSON_Delete(j);
    }
    if (!nl) return;
    const char *p = nl + 1;
    while (p < buf + n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
    *second_object = p < buf + n && *p == '{';
}

hv_format ingest_sniff(const char *path, hv_err *e) {
    struct stat st;
    if (stat(path, &st) != 0) {
        hv_errf(e, HV_EIO, "%s: %s", path, strerror(errno));
        return HV_FMT_COUNT;
    }
    if (S_ISDIR(st.st_mode) || ends_with(path, ".md") || ends_with(path, ".markdown")) return HV_FMT_CARD;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        hv_errf(e, HV_EIO, "%s: %s", path, strerror(errno));
        return HV_FMT_COUNT;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    hv_format f = HV_FMT_COUNT;
    if (!buf) {
        hv_errf(e, HV_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    /* read until a second line starts, the limit, or EOF */
    for (;;) {
        if (n == cap) {
            if (cap >= SNIFF_MAX_LINE) break;
            char *nb = realloc(buf, cap * 2);
            if (!nb) { hv_errf(e, HV_ENOMEM, "%s: out of memory", path); goto done; }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR) continue;
            hv_errf(e, HV_EIO, "%s: %s", path, strerror(errno));
            goto done;
        }
        if (r == 0) break;
        const char *nl = memchr(buf + n, '\n', (size_t)r);
        n += (size_t)r;
        if (nl && (size_t)(nl - buf) + 64 < n) break; /* some of the second line is in */
    }
    if (n >= 4 && memcmp(buf, "PAR1", 4) == 0) { f = HV_FMT_PARQUET; goto done; }
    size_t i = 0;
    if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n')) i++;
    if (i < n && buf[i] == '[') { f = HV_FMT_HUBJSON; goto done; }
    if (i < n && buf[i] == '{') {
        bool one, second, models;
        sniff_json_lines(buf + i, n - i, &one, &second, &models);
        if (one && second) f = HV_FMT_JSONL;
        else if (models) f = HV_FMT_HUBJSON;
        else if (one || ends_with(path, ".jsonl") || ends_with(path, ".ndjson")) f = HV_FMT_JSONL;
        else f = HV_FMT_HUBJSON; /* a pretty-printed object: the hubjson reader says what is wrong */
        goto done;
    }
    if (ends_with(path, ".parquet")) f = HV_FMT_PARQUET;
    else if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson")) f = HV_FMT_JSONL;
    else if (ends_with(path, ".json")) f = HV_FMT_HUBJSON;
    else f = HV_FMT_CSV;
done:
    free(buf);
    close(fd);
    return f;
}

int ingest_file(hv_catalog *c, const char *path, const hv_ingest_opts *o, hv_ingest_report *rep, hv_err *e) {
    hv_ingest_opts def = {0};
    if (!o) o = &def;
    hv_format f = o->format;
    if (f == HV_FMT_AUTO) {
        f = ingest_sniff(path, e);
        if (f == HV_FMT_COUNT) {
            ingest_report_init(rep, path, HV_FMT_AUTO);
            return e ? e->code : HV_EIO;
        }
    }
    ingest_report_init(rep, path, f);
    if (!rep->path) return hv_errf(e, HV_ENOMEM, "out of memory");
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) rep->bytes = (uint64_t)st.st_size;
    double t0 = hv_now();
    int rc;
    switch (f) {
    case HV_FMT_PARQUET: rc = ingest_parquet(c, path, o, rep, e); break;
    case HV_FMT_CSV: rc = ingest_csv(c, path, o, rep, e); break;
    case HV_FMT_JSONL: rc = ingest_jsonl(c, path, o, rep, e); break;
    case HV_FMT_HUBJSON: rc = ingest_hubjson(c, path, o, rep, e); break;
    case HV_FMT_CARD: rc = ingest_cards(c, path, o, rep, e); break;
    default: rc = hv_errf(e, HV_EUSAGE, "%s: unknown input format %d", path, (int)f); break;
    }
    rep->seconds = hv_now() - t0;
    return rc;
}
