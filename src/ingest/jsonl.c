/* jsonl.c - JSON lines: one model object per line.
 *
 * The file is read in large blocks; a line that lies wholly inside a block
 * is parsed in place, and only a line that straddles two blocks is copied
 * into a carry buffer.  Line numbers are exact because lines are found by
 * '\n' before any JSON is parsed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "ingest/json_record.h"

#define JSONL_BLOCK ((size_t)4 << 20)
/* A line holds one model with its card; the longest real card is a few MB.
 * A longer line is garbage (or not JSONL) and fails before eating memory. */
#define JSONL_MAX_LINE ((size_t)256 << 20)

typedef struct jl_state {
    hv_catalog *c;
    const hv_ingest_opts *o;
    hv_ingest_report *rep;
    hv_record rec;
    hv_json_record jr;
    uint64_t line;
} jl_state;

static bool blank(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') return false;
    return true;
}

/* One line: parse, fill, add.  A row-level failure goes to ingest_bad_row. */
static int do_line(jl_state *st, const char *p, size_t n, hv_err *e) {
    st->line++;
    if (st->line == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) { p += 3; n -= 3; }
    if (blank(p, n)) return HV_OK;
    st->rep->rows++;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(p, n, &end, 0);
    int rc;
    if (!j) {
        size_t at = end && end >= p && end <= p + n ? (size_t)(end - p) : 0;
        rc = hv_errf(e, HV_EINPUT, "invalid JSON at column %zu (line %llu)", at + 1, (unsigned long long)st->line);
    } else if (!blank(end, (size_t)(p + n - end))) {
        rc = hv_errf(e, HV_EINPUT, "text after the JSON object at column %zu (line %llu)", (size_t)(end - p) + 1,
                     (unsigned long long)st->line);
    } else {
        record_reset(&st->rec);
        rc = json_record_fill(&st->jr, &st->rec, j, st->rep, e);
        if (rc == HV_OK) rc = catalog_add(st->c, &st->rec, e);
        if (rc == HV_OK) st->rep->rows_added++;
        else if (rc == HV_EINPUT) {
            char tail[40];
            snprintf(tail, sizeof tail, " (line %llu)", (unsigned long long)st->line);
            size_t l = strlen(e->msg);
            if (l + strlen(tail) < sizeof e->msg) memcpy(e->msg + l, tail, strlen(tail) + 1);
        }
    }
    cJSON_Delete(j);
    if (rc == HV_OK) return HV_OK;
    return ingest_bad_row(st->o, st->rep, st->rep->rows, e);
}

int ingest_jsonl(hv_catalog *c, const char *path, const hv_ingest_opts *o, hv_ingest_report *rep, hv_err *e) {
    hv_ingest_opts def = {0};
    if (!o) o = &def;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return hv_errf(e, HV_EIO, "%s: %s", path, strerror(errno));
    jl_state st = {.c = c, .o = o, .rep = rep};
    hv_buf carry = {.max = JSONL_MAX_LINE};
    char *block = malloc(JSONL_BLOCK);
    int rc = block ? HV_OK : hv_errf(e, HV_ENOMEM, "out of memory");
    while (rc == HV_OK) {
        ssize_t r = read(fd, block, JSONL_BLOCK);
        if (r < 0) {
            if (errno == EINTR) continue;
            rc = hv_errf(e, HV_EIO, "%s: %s", path, strerror(errno));
            break;
        }
        if (r == 0) break;
        const char *p = block, *end = block + r;
        while (rc == HV_OK && p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl) {
                if (hv_buf_append(&carry, p, (size_t)(end - p)))
                    rc = hv_errf(e, HV_EINPUT, "%s: line %llu is longer than %zu bytes", path,
                                 (unsigned long long)st.line + 1, JSONL_MAX_LINE);
                break;
            }
            if (carry.n) {
                if (hv_buf_append(&carry, p, (size_t)(nl - p)))
                    rc = hv_errf(e, HV_EINPUT, "%s: line %llu is longer than %zu bytes", path,
                                 (unsigned long long)st.line + 1, JSONL_MAX_LINE);
                else rc = do_line(&st, carry.p, carry.n, e);
                hv_buf_clear(&carry);
            } else {
                rc = do_line(&st, p, (size_t)(nl - p), e);
            }
            p = nl + 1;
        }
    }
    if (rc == HV_OK && carry.n) rc = do_line(&st, carry.p, carry.n, e); /* last line without '\n' */
    free(block);
    hv_buf_free(&carry);
    record_free(&st.rec);
    json_record_free(&st.jr);
    close(fd);
    return rc;
}
