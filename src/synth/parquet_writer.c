/* parquet_writer.c - a minimal Parquet writer (see parquet_writer.h).
 *
 * File layout: "PAR1", then per row group each column chunk as a run of
 * data pages (PageHeader + body), then the FileMetaData footer, its length
 * (4 bytes LE) and "PAR1".  Headers and footer are Thrift compact protocol,
 * written by the small encoder below. */
#include "synth/parquet_writer.h"

#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "core/buf.h"

#define PAGE_BYTES (1u << 20)

/* ---- Thrift compact protocol ------------------------------------------ */

enum { T_I32 = 5, T_I64 = 6, T_BINARY = 8, T_LIST = 9, T_STRUCT = 12 };

typedef struct tw {
    hv_buf *b;
    int16_t last[16];
    int depth;
    int err;
} tw;

static void tw_byte(tw *t, uint8_t c) { t->err |= hv_buf_putc(t->b, (char)c); }

static void tw_varint(tw *t, uint64_t v) {
    char s[10];
    size_t n = 0;
    do {
        uint8_t c = v & 0x7f;
        v >>= 7;
        s[n++] = (char)(v ? c | 0x80 : c);
    } while (v);
    t->err |= hv_buf_append(t->b, s, n);
}

static uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }

static void tw_field(tw *t, int16_t id, uint8_t type) {
    int16_t delta = (int16_t)(id - t->last[t->depth]);
    if (delta > 0 && delta <= 15) {
        tw_byte(t, (uint8_t)(delta << 4 | type));
    } else {
        tw_byte(t, type);
        tw_varint(t, zigzag(id));
    }
    t->last[t->depth] = id;
}

static void tw_i32(tw *t, int16_t id, int32_t v) { tw_field(t, id, T_I32); tw_varint(t, zigzag(v)); }
static void tw_i64(tw *t, int16_t id, int64_t v) { tw_field(t, id, T_I64); tw_varint(t, zigzag(v)); }
static void tw_bin(tw *t, int16_t id, const char *s) {
    size_t n = strlen(s);
    tw_field(t, id, T_BINARY);
    tw_varint(t, n);
    t->err |= hv_buf_append(t->b, s, n);
}
static void tw_push(tw *t) {
    if (t->depth + 1 >= 16) { t->err = 1; return; }
    t->last[++t->depth] = 0;
}
static void tw_struct(tw *t, int16_t id) { tw_field(t, id, T_STRUCT); tw_push(t); }
static void tw_end(tw *t) { tw_byte(t, 0); if (t->depth > 0) t->depth--; }
static void tw_list(tw *t, int16_t id, uint8_t elem, size_t n) {
    tw_field(t, id, T_LIST);
    if (n < 15) {
        tw_byte(t, (uint8_t)(n << 4 | elem));
    } else {
        tw_byte(t, (uint8_t)(0xf0 | elem));
        tw_varint(t, n);
    }
}

/* ---- writer state ------------------------------------------------------ */

typedef struct chunk_meta {
    uint64_t offset, compressed, uncompressed, values;
} chunk_meta;

typedef struct pq_col {
    hv_pq_column def;
    hv_buf values;   /* PLAIN values of the open page; booleans one per byte */
    hv_buf levels;   /* definition levels of the open page, one per byte */
    uint32_t page_rows;
    bool set;        /* the current row has a value */
    hv_buf chunk;    /* closed pages of the current row group */
    uint64_t chunk_uncompressed, chunk_values;
} pq_col;

struct hv_pq_writer {
    FILE *f;
    uint64_t pos;
    hv_pq_codec codec;
    uint32_t rg_rows, rows_in_group;
    uint64_t total_rows;
    size_t ncols;
    pq_col *cols;
    hv_buf page, packed, header;
    ZSTD_CCtx *zc;
    chunk_meta *meta; /* ncols per row group */
    uint64_t *rg_nrows;
    size_t nrg, meta_cap;
};

static int put_bytes(hv_pq_writer *w, const void *p, size_t n, hv_err *e) {
    if (n && fwrite(p, 1, n, w->f) != n) return hv_errf(e, HV_EIO, "parquet: write failed");
    w->pos += n;
    return HV_OK;
}

hv_pq_writer *hv_pq_open(FILE *f, const hv_pq_column *cols, size_t ncols, hv_pq_codec codec,
                         uint32_t row_group_rows, hv_err *e) {
    if (codec != HV_PQ_NONE && codec != HV_PQ_SNAPPY && codec != HV_PQ_ZSTD) {
        hv_errf(e, HV_EUSAGE, "parquet: unsupported codec %d", (int)codec);
        return NULL;
    }
    hv_pq_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->cols = calloc(ncols ? ncols : 1, sizeof *w->cols))) {
        free(w);
        hv_errf(e, HV_ENOMEM, "parquet: out of memory");
        return NULL;
    }
    w->f = f;
    w->codec = codec;
    w->rg_rows = row_group_rows ? row_group_rows : 65536;
    w->ncols = ncols;
    for (size_t i = 0; i < ncols; i++) w->cols[i].def = cols[i];
    if (codec == HV_PQ_ZSTD && !(w->zc = ZSTD_createCCtx())) {
        hv_pq_abort(w);
        hv_errf(e, HV_ENOMEM, "parquet: out of memory (zstd)");
        return NULL;
    }
    if (put_bytes(w, "PAR1", 4, e)) {
        hv_pq_abort(w);
        return NULL;
    }
    return w;
}

static int col_ready(hv_pq_writer *w, size_t col, hv_pq_type type, hv_err *e) {
    if (col >= w->ncols) return hv_errf(e, HV_EINTERNAL, "parquet: no column %zu", col);
    if (w->cols[col].def.type != type)
        return hv_errf(e, HV_EINTERNAL, "parquet: column %s: wrong value type", w->cols[col].def.name);
    if (w->cols[col].set)
        return hv_errf(e, HV_EINTERNAL, "parquet: column %s set twice in a row", w->cols[col].def.name);
    w->cols[col].set = true;
    return HV_OK;
}

static int oom(hv_err *e) { return hv_errf(e, HV_ENOMEM, "parquet: out of memory"); }

int hv_pq_set_bytes(hv_pq_writer *w, size_t col, const void *p, size_t n, hv_err *e) {
    if (col_ready(w, col, HV_PQ_BYTE_ARRAY, e)) return e ? e->code : HV_EINTERNAL;
    if (n > UINT32_MAX) return hv_errf(e, HV_EINPUT, "parquet: value over 4 GiB");
    uint32_t len = (uint32_t)n;
    unsigned char le[4] = {(unsigned char)len, (unsigned char)(len >> 8), (unsigned char)(len >> 16),
                           (unsigned char)(len >> 24)};
    hv_buf *v = &w->cols[col].values;
    if (hv_buf_append(v, le, 4) || hv_buf_append(v, p, n)) return oom(e);
    return HV_OK;
}

static int put_le64(hv_buf *v, uint64_t x) {
    unsigned char b[8];
    for (int k = 0; k < 8; k++) b[k] = (unsigned char)(x >> (8 * k));
    return hv_buf_append(v, b, 8);
}

int hv_pq_set_int64(hv_pq_writer *w, size_t col, int64_t v, hv_err *e) {
    if (col_ready(w, col, HV_PQ_INT64, e)) return e ? e->code : HV_EINTERNAL;
    return put_le64(&w->cols[col].values, (uint64_t)v) ? oom(e) : HV_OK;
}

int hv_pq_set_double(hv_pq_writer *w, size_t col, double v, hv_err *e) {
    if (col_ready(w, col, HV_PQ_DOUBLE, e)) return e ? e->code : HV_EINTERNAL;
    uint64_t x;
    memcpy(&x, &v, 8);
    return put_le64(&w->cols[col].values, x) ? oom(e) : HV_OK;
}

int hv_pq_set_bool(hv_pq_writer *w, size_t col, bool v, hv_err *e) {
    if (col_ready(w, col, HV_PQ_BOOLEAN, e)) return e ? e->code : HV_EINTERNAL;
    return hv_buf_putc(&w->cols[col].values, v ? 1 : 0) ? oom(e) : HV_OK;
}

/* Definition levels (bit width 1) in the RLE/bit-packed hybrid: one RLE run
 * when all rows agree (the usual case), else one bit-packed run. */
static int encode_levels(hv_buf *out, const hv_buf *lv) {
    size_t n = lv->n;
    bool same = true;
    for (size_t i = 1; i < n && same; i++) same = lv->p[i] == lv->p[0];
    hv_buf tmp = {0};
    tw t = {.b = &tmp};
    if (same) {
        tw_varint(&t, (uint64_t)n << 1);
        tw_byte(&t, n ? (uint8_t)lv->p[0] : 0);
    } else {
        size_t groups = (n + 7) / 8;
        tw_varint(&t, (uint64_t)groups << 1 | 1);
        if (!t.err && hv_buf_reserve(&tmp, groups) == 0) {
            unsigned char *d = (unsigned char *)tmp.p + tmp.n;
            memset(d, 0, groups);
            for (size_t i = 0; i < n; i++)
                if (lv->p[i]) d[i / 8] |= (unsigned char)(1u << (i % 8));
            tmp.n += groups;
        } else {
            t.err = 1;
        }
    }
    uint32_t len = (uint32_t)tmp.n;
    unsigned char le[4] = {(unsigned char)len, (unsigned char)(len >> 8), (unsigned char)(len >> 16),
                           (unsigned char)(len >> 24)};
    int rc = t.err || hv_buf_append(out, le, 4) || hv_buf_append(out, tmp.p, tmp.n);
    hv_buf_free(&tmp);
    return rc ? -1 : 0;
}

static int compress_into(hv_pq_writer *w, const hv_buf *in, hv_buf *out, hv_err *e) {
    hv_buf_clear(out);
    if (w->codec == HV_PQ_NONE) return hv_buf_append(out, in->p, in->n) ? oom(e) : HV_OK;
    if (w->codec == HV_PQ_SNAPPY) {
        size_t cap = snappy_max_compressed_length(in->n);
        if (hv_buf_reserve(out, cap)) return oom(e);
        size_t n = cap;
        if (snappy_compress(in->p, in->n, out->p, &n) != SNAPPY_OK)
            return hv_errf(e, HV_EINTERNAL, "parquet: snappy failed");
        out->n = n;
        return HV_OK;
    }
    size_t cap = ZSTD_compressBound(in->n);
    if (hv_buf_reserve(out, cap)) return oom(e);
    size_t n = ZSTD_compressCCtx(w->zc, out->p, cap, in->p, in->n, 3);
    if (ZSTD_isError(n)) return hv_errf(e, HV_EINTERNAL, "parquet: zstd: %s", ZSTD_getErrorName(n));
    out->n = n;
    return HV_OK;
}

/* Close the open page of column c into its chunk buffer. */
static int flush_page(hv_pq_writer *w, pq_col *c, hv_err *e) {
    if (!c->page_rows) return HV_OK;
    hv_buf_clear(&w->page);
    if (c->def.optional && encode_levels(&w->page, &c->levels)) return oom(e);
    if (c->def.type == HV_PQ_BOOLEAN) { /* PLAIN booleans are bit-packed */
        size_t k = c->values.n, nb = (k + 7) / 8;
        if (hv_buf_reserve(&w->page, nb)) return oom(e);
        unsigned char *d = (unsigned char *)w->page.p + w->page.n;
        memset(d, 0, nb);
        for (size_t i = 0; i < k; i++)
            if (c->values.p[i]) d[i / 8] |= (unsigned char)(1u << (i % 8));
        w->page.n += nb;
    } else if (hv_buf_append(&w->page, c->values.p, c->values.n)) {
        return oom(e);
    }
    if (w->page.n > INT32_MAX) return hv_errf(e, HV_EINPUT, "parquet: page over 2 GiB");
    int rc = compress_into(w, &w->page, &w->packed, e);
    if (rc) return rc;
    hv_buf_clear(&w->header);
    tw t = {.b = &w->header};
    tw_i32(&t, 1, 0); /* DATA_PAGE */
    tw_i32(&t, 2, (int32_t)w->page.n);
    tw_i32(&t, 3, (int32_t)w->packed.n);
    tw_struct(&t, 5); /* DataPageHeader */
    tw_i32(&t, 1, (int32_t)c->page_rows);
    tw_i32(&t, 2, 0); /* PLAIN */
    tw_i32(&t, 3, 3); /* RLE definition levels */
    tw_i32(&t, 4, 3); /* RLE repetition levels (none present) */
    tw_end(&t);
    tw_end(&t);
    if (t.err || hv_buf_append(&c->chunk, w->header.p, w->header.n) ||
        hv_buf_append(&c->chunk, w->packed.p, w->packed.n))
        return oom(e);
    c->chunk_uncompressed += w->header.n + w->page.n;
    c->chunk_values += c->page_rows;
    c->page_rows = 0;
    hv_buf_clear(&c->values);
    hv_buf_clear(&c->levels);
    return HV_OK;
}

static int flush_row_group(hv_pq_writer *w, hv_err *e) {
    if (!w->rows_in_group) return HV_OK;
    if ((w->nrg + 1) * w->ncols > w->meta_cap) {
        size_t cap = w->meta_cap ? w->meta_cap * 2 : 64 * w->ncols;
        chunk_meta *m = realloc(w->meta, cap * sizeof *m);
        uint64_t *r = realloc(w->rg_nrows, (cap / w->ncols + 1) * sizeof *r);
        if (m) w->meta = m;
        if (r) w->rg_nrows = r;
        if (!m || !r) return oom(e);
        w->meta_cap = cap;
    }
    for (size_t i = 0; i < w->ncols; i++) {
        pq_col *c = &w->cols[i];
        int rc = flush_page(w, c, e);
        if (rc) return rc;
        chunk_meta *m = &w->meta[w->nrg * w->ncols + i];
        m->offset = w->pos;
        m->compressed = c->chunk.n;
        m->uncompressed = c->chunk_uncompressed;
        m->values = c->chunk_values;
        if ((rc = put_bytes(w, c->chunk.p, c->chunk.n, e))) return rc;
        hv_buf_clear(&c->chunk);
        c->chunk_uncompressed = c->chunk_values = 0;
    }
    w->rg_nrows[w->nrg++] = w->rows_in_group;
    w->rows_in_group = 0;
    return HV_OK;
}

int hv_pq_end_row(hv_pq_writer *w, hv_err *e) {
    for (size_t i = 0; i < w->ncols; i++) {
        pq_col *c = &w->cols[i];
        if (!c->set && !c->def.optional)
            return hv_errf(e, HV_EINPUT, "parquet: required column %s is null", c->def.name);
        if (c->def.optional && hv_buf_putc(&c->levels, c->set ? 1 : 0)) return oom(e);
        c->set = false;
        c->page_rows++;
        if (c->values.n >= PAGE_BYTES) {
            int rc = flush_page(w, c, e);
            if (rc) return rc;
        }
    }
    w->total_rows++;
    if (++w->rows_in_group >= w->rg_rows) return flush_row_group(w, e);
    return HV_OK;
}

static int write_footer(hv_pq_writer *w, hv_err *e) {
    hv_buf meta = {0};
    tw t = {.b = &meta};
    tw_i32(&t, 1, 1); /* version */
    tw_list(&t, 2, T_STRUCT, w->ncols + 1);
    tw_push(&t); /* root SchemaElement */
    tw_bin(&t, 4, "schema");
    tw_i32(&t, 5, (int32_t)w->ncols);
    tw_end(&t);
    for (size_t i = 0; i < w->ncols; i++) {
        const hv_pq_column *d = &w->cols[i].def;
        tw_push(&t);
        tw_i32(&t, 1, (int32_t)d->type);
        tw_i32(&t, 3, d->optional ? 1 : 0);
        tw_bin(&t, 4, d->name);
        if (d->type == HV_PQ_BYTE_ARRAY) {
            tw_i32(&t, 6, 0);   /* ConvertedType UTF8 */
            tw_struct(&t, 10);  /* LogicalType */
            tw_struct(&t, 1);   /* STRING */
            tw_end(&t);
            tw_end(&t);
        }
        tw_end(&t);
    }
    tw_i64(&t, 3, (int64_t)w->total_rows);
    tw_list(&t, 4, T_STRUCT, w->nrg);
    for (size_t g = 0; g < w->nrg; g++) {
        tw_push(&t); /* RowGroup */
        tw_list(&t, 1, T_STRUCT, w->ncols);
        uint64_t total_unc = 0, total_comp = 0;
        for (size_t i = 0; i < w->ncols; i++) {
            const chunk_meta *m = &w->meta[g * w->ncols + i];
            const hv_pq_column *d = &w->cols[i].def;
            total_unc += m->uncompressed;
            total_comp += m->compressed;
            tw_push(&t); /* ColumnChunk */
            tw_i64(&t, 2, (int64_t)m->offset);
            tw_struct(&t, 3); /* ColumnMetaData */
            tw_i32(&t, 1, (int32_t)d->type);
            tw_list(&t, 2, T_I32, d->optional ? 2 : 1);
            tw_varint(&t, zigzag(0)); /* PLAIN */
            if (d->optional) tw_varint(&t, zigzag(3)); /* RLE */
            tw_list(&t, 3, T_BINARY, 1);
            tw_varint(&t, strlen(d->name));
            t.err |= hv_buf_append(&meta, d->name, strlen(d->name));
            tw_i32(&t, 4, (int32_t)w->codec);
            tw_i64(&t, 5, (int64_t)m->values);
            tw_i64(&t, 6, (int64_t)m->uncompressed);
            tw_i64(&t, 7, (int64_t)m->compressed);
            tw_i64(&t, 9, (int64_t)m->offset);
            tw_end(&t);
            tw_end(&t);
        }
        tw_i64(&t, 2, (int64_t)total_unc);
        tw_i64(&t, 3, (int64_t)w->rg_nrows[g]);
        tw_i64(&t, 5, (int64_t)w->meta[g * w->ncols].offset);
        tw_i64(&t, 6, (int64_t)total_comp);
        tw_field(&t, 7, 4); /* ordinal, i16 */
        tw_varint(&t, zigzag((int64_t)g));
        tw_end(&t);
    }
    tw_bin(&t, 6, "hfviz synth");
    tw_byte(&t, 0);
    int rc = t.err ? oom(e) : HV_OK;
    if (!rc && meta.n > UINT32_MAX) rc = hv_errf(e, HV_EINPUT, "parquet: footer too large");
    if (!rc) rc = put_bytes(w, meta.p, meta.n, e);
    if (!rc) {
        uint32_t n = (uint32_t)meta.n;
        unsigned char tail[8] = {(unsigned char)n, (unsigned char)(n >> 8), (unsigned char)(n >> 16),
                                 (unsigned char)(n >> 24), 'P', 'A', 'R', '1'};
        rc = put_bytes(w, tail, 8, e);
    }
    hv_buf_free(&meta);
    return rc;
}

int hv_pq_close(hv_pq_writer *w, uint64_t *bytes, hv_err *e) {
    int rc = flush_row_group(w, e);
    if (!rc) rc = write_footer(w, e);
    if (!rc && bytes) *bytes = w->pos;
    hv_pq_abort(w);
    return rc;
}

void hv_pq_abort(hv_pq_writer *w) {
    if (!w) return;
    for (size_t i = 0; i < w->ncols; i++) {
        hv_buf_free(&w->cols[i].values);
        hv_buf_free(&w->cols[i].levels);
        hv_buf_free(&w->cols[i].chunk);
    }
    free(w->cols);
    hv_buf_free(&w->page);
    hv_buf_free(&w->packed);
    hv_buf_free(&w->header);
    ZSTD_freeCCtx(w->zc);
    free(w->meta);
    free(w->rg_nrows);
    free(w);
}
