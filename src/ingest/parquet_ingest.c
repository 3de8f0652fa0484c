/* parquet_ingest.c - a Parquet file of models into the catalog.
 *
 * Columns map to fields by name (fields_column); only mapped columns get a
 * cursor, so an unused column is never decompressed.  Rows are produced row
 * group by row group with all cursors stepping together, which keeps memory
 * at one page per mapped column however large the file: the real dataset has
 * 1.86M rows with multi-KB model cards.
 *
 * Both shapes of the dataset arrive here: list columns as strings holding a
 * Python-list repr (the Hub export; fields_set_text parses them) and native
 * LIST<STRING> columns (each item goes to fields_push_item). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sv.h"
#include "core/timeparse.h"
#include "ingest/fields.h"
#include "ingest/ingest.h"
#include "ingest/parquet/parquet.h"
#include "ingest/record.h"

typedef struct mapped {
    hv_column field;
    uint32_t col; /* leaf column */
    pq_cursor *cur;
} mapped;

/* Decide which leaf feeds which field.  The first column naming a field
 * wins (a Hub export may carry both "id" and "modelId"). */
static int map_columns(pq_file *f, hv_ingest_report *rep, mapped *out, size_t *nout, hv_err *e) {
    bool taken[HV_COL_COUNT] = {0};
    size_t n = 0;
    for (uint32_t i = 0; i < pq_num_fields(f); i++) {
        const pq_field *fd = pq_field_at(f, i);
        hv_column col = fields_column(fd->name);
        if (col == HV_COL_UNKNOWN) {
            ingest_report_unknown(rep, fd->name);
            continue;
        }
        if (col == HV_COL_IGNORED || taken[col]) continue;
        /* A struct or map has several leaves: none of our fields is one. */
        if (fd->nleaves != 1) {
            ingest_report_unknown(rep, fd->name);
            continue;
        }
        taken[col] = true;
        out[n].field = col;
        out[n].col = fd->first_leaf;
        out[n].cur = pq_cursor_new(f, fd->first_leaf);
        if (!out[n].cur) {
            *nout = n;
            return hv_errf(e, HV_ENOMEM, "%s: out of memory", pq_name(f));
        }
        n++;
    }
    *nout = n;
    if (!taken[HV_COL_MODEL_ID])
        return hv_errf(e, HV_EINPUT, "%s: no model_id column (looked for model_id, modelId, id)", pq_name(f));
    return HV_OK;
}

/* A non-string list item as text (numbers in a list column are rare but
 * legal); the bytes live in the record's arena. */
static int push_value(hv_record *r, hv_column col, pq_kind kind, bool is_unsigned, pq_value v, hv_err *e) {
    char tmp[40];
    int len;
    switch (kind) {
    case PQ_K_STRING: return fields_push_item(r, col, v.s, e);
    case PQ_K_DOUBLE: len = snprintf(tmp, sizeof tmp, "%.17g", v.d); break;
    case PQ_K_BOOL: len = snprintf(tmp, sizeof tmp, "%s", v.i ? "true" : "false"); break;
    case PQ_K_TIME: hv_format_time(v.i, tmp); len = (int)strlen(tmp); break;
    default:
        len = is_unsigned ? snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v.i)
                          : snprintf(tmp, sizeof tmp, "%lld", (long long)v.i);
        break;
    }
    char *p = arena_strndup(&r->mem, tmp, (size_t)len);
    if (!p) return hv_errf(e, HV_ENOMEM, "out of memory");
    return fields_push_item(r, col, hv_sv_make(p, (size_t)len), e);
}

static int set_value(hv_record *r, hv_column col, pq_kind kind, bool is_unsigned, pq_value v, hv_err *e) {
    switch (kind) {
    case PQ_K_STRING: return fields_set_text(r, col, v.s, e);
    case PQ_K_DOUBLE: return fields_set_double(r, col, v.d, e);
    case PQ_K_BOOL: return fields_set_bool(r, col, v.i != 0, e);
    case PQ_K_TIME: return fields_set_time(r, col, v.i, e);
    default:
        if (is_unsigned && v.i < 0) return fields_set_double(r, col, (double)(uint64_t)v.i, e);
        return fields_set_int(r, col, v.i, e);
    }
}

/* One cell into the record.  HV_EINPUT here is a bad row, not a bad file. */
static int apply_cell(hv_record *r, const mapped *m, const pq_column *pc, const pq_cell *cell, hv_err *e) {
    if (cell->null) return HV_OK;
    if (pc->max_rep == 0) return set_value(r, m->field, pc->kind, pc->is_unsigned, cell->v, e);
    if (!fields_is_list(m->field)) /* a one-item list feeding a scalar field */
        return set_value(r, m->field, pc->kind, pc->is_unsigned, cell->items[0], e);
    for (uint32_t i = 0; i < cell->n; i++) {
        int rc = push_value(r, m->field, pc->kind, pc->is_unsigned, cell->items[i], e);
        if (rc) return rc;
    }
    return HV_OK;
}

int ingest_parquet(hv_catalog *c, const char *path, const hv_ingest_opts *o, hv_ingest_report *rep, hv_err *e) {
    pq_file *f = NULL;
    int rc = pq_open_path(path, &f, e);
    if (rc) return rc;
    rep->bytes = pq_size(f);

    mapped *maps = calloc(pq_num_fields(f) + 1, sizeof *maps);
    size_t nmaps = 0;
    hv_record rec = {0};
    if (!maps) {
        rc = hv_errf(e, HV_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    rc = map_columns(f, rep, maps, &nmaps, e);
    if (rc) goto done;

    uint64_t row = 0;
    for (uint32_t rg = 0; rg < pq_num_row_groups(f) && !rc; rg++) {
        for (size_t k = 0; k < nmaps && !rc; k++) rc = pq_cursor_start(maps[k].cur, rg, e);
        int64_t nrows = pq_row_group_rows(f, rg);
        for (int64_t i = 0; i < nrows && !rc; i++) {
            row++;
            rep->rows++;
            record_reset(&rec);
            hv_err row_err = {0};
            int row_rc = HV_OK;
            for (size_t k = 0; k < nmaps; k++) {
                pq_cell cell;
                /* A decoding error is the file's fault, not the row's:
                 * the pages after it cannot be trusted either. */
                rc = pq_cursor_next(maps[k].cur, &cell, e);
                if (rc) break;
                if (row_rc == HV_OK)
                    row_rc = apply_cell(&rec, &maps[k], pq_column_at(f, maps[k].col), &cell, &row_err);
            }
            if (rc) break;
            if (row_rc == HV_OK) {
                row_rc = catalog_add(c, &rec, &row_err);
                if (row_rc == HV_OK) {
                    rep->rows_added++;
                    continue;
                }
            }
            if (row_rc != HV_EINPUT) {
                *e = row_err;
                rc = row_rc;
                break;
            }
            rc = ingest_bad_row(o, rep, row, &row_err);
            if (rc) *e = row_err;
        }
    }

done:
    for (size_t k = 0; k < nmaps; k++) pq_cursor_free(maps[k].cur);
    free(maps);
    record_free(&rec);
    pq_close(f);
    return rc;
}
