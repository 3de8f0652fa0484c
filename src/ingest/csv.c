/* csv.c - the modelbiome CSV export (RFC 4180, pandas' to_csv) with libcsv.
 *
 * Rows hold multi-KB model cards with embedded newlines, so the file is fed
 * to libcsv in large blocks and every cell of a row is copied into one
 * reused row buffer; at the end of the row the cells become views into that
 * buffer and go through fields_set_text().  Nothing is allocated per cell.
 *
 * libcsv reports no positions, so line numbers are counted from what it
 * hands back: newlines inside cells plus the row terminators, which
 * CSV_REPALL_NL reports one by one (a CRLF ends a row at '\r' and then
 * reports its '\n' as an empty record).
 *
 * An empty unquoted cell is a null (pandas writes NaN that way) and is not
 * passed on; a quoted "" is an empty string. */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/fields.h"
#include "ingest/ingest.h"

#define CSV_BLOCK ((size_t)4 << 20)
/* A single cell (a card) is at most a few MB in the dataset.  libcsv buffers
 * a field until it ends, so an unterminated quote would otherwise pull the
 * rest of a multi-GB file into memory; refusing to grow past this bounds it. */
#define CSV_MAX_FIELD ((size_t)256 << 20)
/* All cells of one row together. */
#define CSV_MAX_ROW ((size_t)512 << 20)
/* The export has 22 or 25 columns; thousands means this is not our CSV. */
#define CSV_MAX_FIELDS 4096

typedef struct csv_cell {
    size_t off, len;
    bool null;
} csv_cell;

typedef struct csv_state {
    hv_catalog *c;
    const hv_ingest_opts *o;
    hv_ingest_report *rep;
    const char *path;
    hv_err *e;
    int rc;                /* first fatal error; callbacks do nothing after it */

    char *buf;             /* the cells of the current row, back to back */
    size_t n, cap;
    csv_cell *cells;
    size_t ncells;         /* cells seen in this row (may exceed what is stored) */
    bool row_too_big;

    bool have_header;
    hv_column *cols;
    size_t ncols;

    uint64_t line;         /* current line, 1-based */
    uint64_t row_line;     /* line where the current row began */
    bool in_row;
    hv_record rec;
} csv_state;

static void *capped_realloc(void *p, size_t n) { return n > CSV_MAX_FIELD ? NULL : realloc(p, n); }
/* Cells keep their blanks: a card's leading spaces are part of it. */
static int no_space(unsigned char c) { return 0; }

static uint64_t count_newlines(const char *p, size_t n) {
    uint64_t k = 0;
    const char *end = p + n;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) { k++; p++; }
    return k;
}

static void on_cell(void *s, size_t len, void *data) {
    csv_state *st = data;
    if (st->rc) return;
    if (!st->in_row) {
        st->in_row = true;
        st->row_line = st->line;
    }
    size_t i = st->ncells++;
    if (s) st->line += count_newlines(s, len);
    if (i >= CSV_MAX_FIELDS || st->row_too_big) return;
    if (st->n + len > CSV_MAX_ROW) {
        st->row_too_big = true;
        return;
    }
    if (st->n + len > st->cap) {
        size_t cap = st->cap ? st->cap : 1 << 16;
        while (cap < st->n + len) cap *= 2;
        char *nb = realloc(st->buf, cap);
        if (!nb) {
            st->rc = hv_errf(st->e, HV_ENOMEM, "%s: out of memory", st->path);
            return;
        }
        st->buf = nb;
        st->cap = cap;
    }
    if (len) memcpy(st->buf + st->n, s, len);
    st->cells[i] = (csv_cell){st->n, len, s == NULL};
    st->n += len;
}

static void append_line(hv_err *e, uint64_t line) {
    char tail[48];
    int k = snprintf(tail, sizeof tail, " (line %llu)", (unsigned long long)line);
    size_t l = strlen(e->msg);
    if (k > 0 && l + (size_t)k < sizeof e->msg) memcpy(e->msg + l, tail, (size_t)k + 1);
}

/* A row of empty cells never allocates the buffer: no offset on NULL. */
static const char *cell_ptr(const csv_state *st, size_t i) { return st->buf ? st->buf + st->cells[i].off : ""; }

static int header_row(csv_state *st) {
    size_t n = st->ncells;
    if (n > CSV_MAX_FIELDS)
        return hv_errf(st->e, HV_EINPUT, "%s: header has %zu columns (limit %d)", st->path, n, CSV_MAX_FIELDS);
    if (st->row_too_big)
        return hv_errf(st->e, HV_EINPUT, "%s: header longer than %zu bytes", st->path, CSV_MAX_ROW);
    st->cols = calloc(n ? n : 1, sizeof *st->cols);
    if (!st->cols) return hv_errf(st->e, HV_ENOMEM, "%s: out of memory", st->path);
    st->ncols = n;
    bool have_id = false;
    for (size_t i = 0; i < n; i++) {
        hv_sv name = hv_sv_make(cell_ptr(st, i), st->cells[i].len);
        st->cols[i] = fields_column(name);
        if (st->cols[i] == HV_COL_UNKNOWN) ingest_report_unknown(st->rep, name);
        have_id |= st->cols[i] == HV_COL_MODEL_ID;
    }
    if (!have_id) {
        char names[256] = "";
        size_t w = 0;
        for (size_t i = 0; i < n && w + 4 < sizeof names; i++) {
            int k = snprintf(names + w, sizeof names - w, "%s%.*s", i ? ", " : "", (int)st->cells[i].len,
                             cell_ptr(st, i));
            if (k < 0) break;
            w += (size_t)k;
        }
        if (w >= sizeof names) w = sizeof names - 1;
        return hv_errf(st->e, HV_EINPUT, "%s: line %llu: the header has no model_id column (found: %s)", st->path,
                       (unsigned long long)st->row_line, names);
    }
    st->have_header = true;
    return HV_OK;
}

static int data_row(csv_state *st) {
    hv_err *e = st->e;
    uint64_t row = ++st->rep->rows;
    int rc;
    if (st->ncells != st->ncols) {
        rc = hv_errf(e, HV_EINPUT, "expected %zu fields, found %zu", st->ncols, st->ncells);
    } else if (st->row_too_big) {
        rc = hv_errf(e, HV_EINPUT, "row longer than %zu bytes", CSV_MAX_ROW);
    } else {
        record_reset(&st->rec);
        rc = HV_OK;
        for (size_t i = 0; i < st->ncols && rc == HV_OK; i++) {
            hv_column col = st->cols[i];
            if (col == HV_COL_UNKNOWN || col == HV_COL_IGNORED || st->cells[i].null) continue;
            rc = fields_set_text(&st->rec, col, hv_sv_make(cell_ptr(st, i), st->cells[i].len), e);
        }
        if (rc == HV_OK) rc = catalog_add(st->c, &st->rec, e);
        if (rc == HV_OK) {
            st->rep->rows_added++;
            return HV_OK;
        }
    }
    if (rc == HV_EINPUT) append_line(e, st->row_line);
    return ingest_bad_row(st->o, st->rep, row, e);
}

static void on_row_end(int term, void *data) {
    csv_state *st = data;
    if (st->rc) return;
    if (st->in_row) {
        int rc = st->have_header ? data_row(st) : header_row(st);
        if (rc) st->rc = rc;
    }
    st->in_row = false;
    st->ncells = 0;
    st->n = 0;
    st->row_too_big = false;
    if (term == '\n') st->line++;
}

int ingest_csv(hv_catalog *c, const char *path, const hv_ingest_opts *o, hv_ingest_report *rep, hv_err *e) {
    hv_ingest_opts def = {0};
    if (!o) o = &def;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return hv_errf(e, HV_EIO, "%s: %s", path, strerror(errno));
    csv_state st = {.c = c, .o = o, .rep = rep, .path = path, .e = e, .line = 1};
    struct csv_parser p;
    char *block = malloc(CSV_BLOCK);
    st.cells = malloc(CSV_MAX_FIELDS * sizeof *st.cells);
    if (!block || !st.cells || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL | CSV_EMPTY_IS_NULL) != 0) {
        free(block);
        free(st.cells);
        close(fd);
        return hv_errf(e, HV_ENOMEM, "out of memory");
    }
    csv_set_space_func(&p, no_space);
    csv_set_realloc_func(&p, capped_realloc);
    csv_set_blk_size(&p, 1 << 16);
    uint64_t offset = 0, file_line = 1; /* line at the start of the block */
    bool first = true;
    int rc = HV_OK;
    for (;;) {
        ssize_t r = read(fd, block, CSV_BLOCK);
        if (r < 0) {
            if (errno == EINTR) continue;
            rc = hv_errf(e, HV_EIO, "%s: %s", path, strerror(errno));
            break;
        }
        if (r == 0) break;
        const char *b = block;
        size_t len = (size_t)r;
        if (first && len >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0) { b += 3; len -= 3; }
        first = false;
        size_t done = csv_parse(&p, b, len, on_cell, on_row_end, &st);
        if (st.rc) { rc = st.rc; break; }
        if (done < len) {
            /* libcsv cannot resynchronise after bad quoting, so this is fatal */
            int err = csv_error(&p);
            uint64_t at = offset + (uint64_t)(b - block) + done;
            uint64_t line = file_line + count_newlines(b, done);
            if (err == CSV_EPARSE)
                rc = hv_errf(e, HV_EINPUT, "%s: line %llu (byte offset %llu): malformed quoting in row %llu", path,
                             (unsigned long long)line, (unsigned long long)at,
                             (unsigned long long)rep->rows + 1);
            else
                rc = hv_errf(e, HV_EINPUT,
                             "%s: line %llu (byte offset %llu): a field longer than %zu bytes in row %llu "
                             "(an unterminated quote?)",
                             path, (unsigned long long)line, (unsigned long long)at, CSV_MAX_FIELD,
                             (unsigned long long)rep->rows + 1);
            break;
        }
        offset += (uint64_t)r;
        file_line += count_newlines(b, len);
    }
    if (rc == HV_OK) {
        if (csv_fini(&p, on_cell, on_row_end, &st) != 0) {
            /* only an unterminated quote at the end: the last row is bad */
            uint64_t row = ++rep->rows;
            hv_errf(e, HV_EINPUT, "unterminated quoted field at end of file (line %llu)",
                    (unsigned long long)(st.in_row ? st.row_line : st.line));
            rc = ingest_bad_row(o, rep, row, e);
        } else {
            rc = st.rc;
        }
    }
    if (rc == HV_OK && !st.have_header) rc = hv_errf(e, HV_EINPUT, "%s: empty file: no header row", path);
    csv_free(&p);
    free(block);
    free(st.buf);
    free(st.cells);
    free(st.cols);
    record_free(&st.rec);
    close(fd);
    return rc;
}
