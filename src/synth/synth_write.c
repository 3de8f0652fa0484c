/* synth_write.c - stream generated rows into a CSV or Parquet file. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "synth/parquet_writer.h"
#include "synth/synth.h"

#define CSV_FLUSH (4u << 20)

static int csv_flush(hv_buf *b, FILE *f, uint64_t *bytes, hv_err *e) {
    if (b->n && fwrite(b->p, 1, b->n, f) != b->n) return hv_errf(e, HV_EIO, "write failed: %s", strerror(errno));
    *bytes += b->n;
    hv_buf_clear(b);
    return HV_OK;
}

/* RFC 4180: quote a field holding a comma, quote or line break, doubling
 * the quotes inside. */
static int csv_string(hv_buf *b, hv_sv s) {
    bool quote = false;
    for (size_t i = 0; i < s.n && !quote; i++) {
        char c = s.p[i];
        quote = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    if (!quote) return hv_buf_append(b, s.p, s.n);
    if (hv_buf_reserve(b, s.n + 2) || hv_buf_putc(b, '"')) return -1;
    const char *p = s.p, *end = s.p + s.n;
    while (p < end) {
        const char *q = memchr(p, '"', (size_t)(end - p));
        if (!q) return hv_buf_append(b, p, (size_t)(end - p)) || hv_buf_putc(b, '"');
        if (hv_buf_append(b, p, (size_t)(q - p + 1)) || hv_buf_putc(b, '"')) return -1;
        p = q + 1;
    }
    return hv_buf_putc(b, '"');
}

/* Floats as pandas writes them: 3.0, 0.25. */
static int csv_double(hv_buf *b, double d) {
    if (d == floor(d) && fabs(d) < 1e15) return hv_buf_printf(b, "%.1f", d);
    return hv_buf_printf(b, "%.17g", d);
}

static int csv_row(hv_buf *b, const hv_synth_row *row) {
    for (int c = 0; c < HV_SYNTH_NCOLS; c++) {
        if (c && hv_buf_putc(b, ',')) return -1;
        const hv_synth_cell *x = &row->cell[c];
        if (x->null) continue;
        int rc = 0;
        switch (hv_synth_columns[c].type) {
        case HV_ST_STRING: rc = csv_string(b, x->s); break;
        case HV_ST_INT64: rc = hv_buf_printf(b, "%lld", (long long)x->i); break;
        case HV_ST_DOUBLE: rc = csv_double(b, x->d); break;
        case HV_ST_BOOL: rc = hv_buf_append(b, x->b ? "True" : "False", x->b ? 4 : 5); break;
        }
        if (rc) return -1;
    }
    return hv_buf_append(b, "\r\n", 2);
}

static int pq_row(hv_pq_writer *w, const hv_synth_row *row, hv_err *e) {
    for (int c = 0; c < HV_SYNTH_NCOLS; c++) {
        const hv_synth_cell *x = &row->cell[c];
        if (x->null) continue;
        int rc = HV_OK;
        switch (hv_synth_columns[c].type) {
        case HV_ST_STRING: rc = hv_pq_set_bytes(w, (size_t)c, x->s.p, x->s.n, e); break;
        case HV_ST_INT64: rc = hv_pq_set_int64(w, (size_t)c, x->i, e); break;
        case HV_ST_DOUBLE: rc = hv_pq_set_double(w, (size_t)c, x->d, e); break;
        case HV_ST_BOOL: rc = hv_pq_set_bool(w, (size_t)c, x->b, e); break;
        }
        if (rc) return rc;
    }
    return hv_pq_end_row(w, e);
}

static void count(hv_synth_stats *st, const hv_synth_row *row) {
    st->rows++;
    if (!row->cell[HV_SC_CARD].null) {
        st->cards++;
        st->autogen_cards += row->facts.card_autogen;
    }
    if (row->facts.relation >= 0) st->edges[row->facts.relation] += row->facts.n_parents_in_file;
    st->external_parents += row->facts.n_parents - row->facts.n_parents_in_file;
}

int synth_write_file(const hv_synth_write_opts *o, const char *path, hv_synth_stats *st, hv_err *e) {
    hv_synth_stats local;
    if (!st) st = &local;
    memset(st, 0, sizeof *st);
    hv_synth_gen *g = synth_gen_new(&o->gen, e);
    if (!g) return e ? e->code : HV_ENOMEM;
    FILE *f = fopen(path, "wb");
    if (!f) {
        synth_gen_free(g);
        return hv_errf(e, HV_EIO, "%s: cannot create: %s", path, strerror(errno));
    }
    int rc = HV_OK;
    hv_synth_row row;
    bool more = true;
    if (o->format == HV_SYNTH_CSV) {
        hv_buf b = {0};
        for (int c = 0; c < HV_SYNTH_NCOLS && !rc; c++)
            if (hv_buf_printf(&b, "%s%s", c ? "," : "", hv_synth_columns[c].name))
                rc = hv_errf(e, HV_ENOMEM, "out of memory");
        if (!rc && hv_buf_append(&b, "\r\n", 2)) rc = hv_errf(e, HV_ENOMEM, "out of memory");
        while (!rc) {
            if ((rc = synth_gen_next(g, &row, &more, e)) || !more) break;
            count(st, &row);
            if (csv_row(&b, &row)) rc = hv_errf(e, HV_ENOMEM, "out of memory");
            else if (b.n >= CSV_FLUSH) rc = csv_flush(&b, f, &st->bytes, e);
        }
        if (!rc) rc = csv_flush(&b, f, &st->bytes, e);
        hv_buf_free(&b);
    } else {
        hv_pq_column cols[HV_SYNTH_NCOLS];
        static const hv_pq_type map[] = {[HV_ST_STRING] = HV_PQ_BYTE_ARRAY, [HV_ST_INT64] = HV_PQ_INT64,
                                         [HV_ST_DOUBLE] = HV_PQ_DOUBLE, [HV_ST_BOOL] = HV_PQ_BOOLEAN};
        for (int c = 0; c < HV_SYNTH_NCOLS; c++) {
            cols[c].name = hv_synth_columns[c].name;
            cols[c].type = map[hv_synth_columns[c].type];
            cols[c].optional = true; /* as pandas/pyarrow export every column */
        }
        hv_pq_writer *w = hv_pq_open(f, cols, HV_SYNTH_NCOLS, (hv_pq_codec)o->codec, o->row_group_rows, e);
        if (!w) rc = e ? e->code : HV_EINTERNAL;
        while (!rc) {
            if ((rc = synth_gen_next(g, &row, &more, e)) || !more) break;
            count(st, &row);
            rc = pq_row(w, &row, e);
        }
        if (w) {
            if (!rc) rc = hv_pq_close(w, &st->bytes, e);
            else hv_pq_abort(w);
        }
    }
    if (fclose(f) != 0 && !rc) rc = hv_errf(e, HV_EIO, "%s: write failed", path);
    synth_gen_free(g);
    if (rc) hv_err_prefix(e, "%s: ", path);
    return rc;
}
