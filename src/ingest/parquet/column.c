/* column.c - reading one column chunk page by page, one row at a time.
 *
 * A cursor holds one decoded page: its definition and repetition levels and
 * its non-null values (already converted to the column's pq_kind).  Rows are
 * cut from the levels: a scalar row is one level entry, a repeated row runs
 * from an entry with repetition level 0 to the next one, and its items are
 * the entries whose definition level is the maximum (null items and empty
 * lists have lower levels).  That one rule reads the 3-level LIST form that
 * pyarrow and DuckDB write as well as the legacy 2-level form.
 *
 * Buffers (decompressed page, levels, values, dictionary) belong to the
 * cursor and are reused, so steady-state decoding does not allocate. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "ingest/parquet/codec.h"
#include "ingest/parquet/encoding.h"
#include "ingest/parquet/internal.h"

struct pq_cursor {
    pq_file *f;
    uint32_t col;
    const pq_column *c;
    uint32_t rg;
    int codec;
    bool started;
    const uint8_t *pos, *end; /* the rest of the column chunk */
    int64_t values_left;      /* level entries the chunk still promises */
    int64_t rows_left;
    uint32_t page_no;       /* pages read in this chunk (for messages) */
    size_t page_off;        /* file offset of the current page's header */
    uint64_t bytes_out;

    /* dictionary */
    hv_buf dict_page;
    pq_value *dict;
    size_t dict_cap;
    uint32_t ndict;
    bool has_dict;

    /* current data page */
    hv_buf page;  /* decompressed page bytes */
    hv_buf bytes; /* values rebuilt by DELTA_BYTE_ARRAY / BYTE_STREAM_SPLIT */
    uint8_t *def, *rep;
    uint32_t *u32;
    size_t def_cap, rep_cap, u32_cap;
    pq_value *vals;
    size_t vals_cap;
    size_t nvals, ival;
    uint32_t nent, ient;
    bool has_def, has_rep; /* levels present in this page */

    /* the current row of a repeated column */
    pq_value *items;
    size_t items_cap;
    hv_arena spill; /* string items copied out of a page the row outlived */
    bool spilled;
};

__attribute__((format(printf, 3, 4))) static int cur_fail(pq_cursor *c, hv_err *e, const char *fmt, ...) {
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return hv_errf(e, HV_EINPUT, "%s: row group %u, column %u (%.*s), page %u at byte offset %zu: %s", c->f->name,
                   c->rg, c->col, (int)c->c->name.n, c->c->name.p, c->page_no, c->page_off, why);
}

/* Grow an array to hold n elements; -1 when out of memory. */
static int grow(void **p, size_t *cap, size_t n, size_t elem) {
    if (n <= *cap) return 0;
    size_t nc = *cap ? *cap : 256;
    while (nc < n) nc *= 2;
    void *q = realloc(*p, nc * elem);
    if (!q) return -1;
    *p = q;
    *cap = nc;
    return 0;
}

pq_cursor *pq_cursor_new(pq_file *f, uint32_t col) {
    if (col >= f->ncols) return NULL;
    pq_cursor *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->f = f;
    c->col = col;
    c->c = &f->cols[col];
    c->page.max = PQ_MAX_PAGE_BYTES + 64;
    c->dict_page.max = PQ_MAX_PAGE_BYTES + 64;
    c->bytes.max = PQ_MAX_PAGE_BYTES;
    return c;
}

void pq_cursor_free(pq_cursor *c) {
    if (!c) return;
    hv_buf_free(&c->dict_page);
    hv_buf_free(&c->page);
    hv_buf_free(&c->bytes);
    free(c->dict);
    free(c->def);
    free(c->rep);
    free(c->u32);
    free(c->vals);
    free(c->items);
    arena_free(&c->spill);
    free(c);
}

uint64_t pq_cursor_bytes(const pq_cursor *c) { return c->bytes_out; }

int pq_cursor_start(pq_cursor *c, uint32_t rg, hv_err *e) {
    pq_file *f = c->f;
    c->rg = rg;
    c->page_no = 0;
    c->started = false;
    c->has_dict = false;
    c->ndict = 0;
    c->nent = c->ient = 0;
    c->nvals = c->ival = 0;
    if (rg >= f->meta.nrgs) return hv_errf(e, HV_EINTERNAL, "%s: no row group %u", f->name, rg);
    const pq_chunk_meta *m = &f->meta.rgs[rg].cols[c->col];
    int64_t start = m->data_page_offset;
    /* Writers put the dictionary page first and point at it; some old ones
     * wrote 0 for "none", which can never be a page (the magic is there). */
    if (m->dictionary_page_offset >= 4 && m->dictionary_page_offset < start) start = m->dictionary_page_offset;
    c->page_off = start >= 0 ? (size_t)start : 0;
    if (start < 4 || m->total_compressed_size <= 0 || (uint64_t)start > f->footer_start ||
        (uint64_t)m->total_compressed_size > f->footer_start - (uint64_t)start)
        return cur_fail(c, e, "column chunk (offset %lld, %lld bytes) lies outside the data of a %zu-byte file",
                        (long long)start, (long long)m->total_compressed_size, f->size);
    if (!pq_codec_supported(m->codec)) return cur_fail(c, e, "unsupported codec %d (%s)", m->codec, pq_codec_name(m->codec));
    if (m->num_values < 0) return cur_fail(c, e, "negative value count %lld", (long long)m->num_values);
    c->codec = m->codec;
    c->pos = f->data + start;
    c->end = c->pos + m->total_compressed_size;
    c->values_left = m->num_values;
    c->rows_left = f->meta.rgs[rg].num_rows;
    c->started = true;
    return HV_OK;
}

/* Decompressed bytes of a page (or of the values part of a v2 page).  For
 * uncompressed data the view points into the file itself. */
static int page_bytes(pq_cursor *c, hv_buf *dst, bool compressed, const uint8_t *src, size_t n, size_t raw_n,
                      const uint8_t **out, hv_err *e) {
    if (!compressed || c->codec == PQ_CODEC_UNCOMPRESSED) {
        if (n != raw_n) return cur_fail(c, e, "uncompressed page with sizes %zu and %zu", n, raw_n);
        *out = src;
        c->bytes_out += n;
        return HV_OK;
    }
    /* A named bound on the expansion keeps a forged size from allocating
     * far more than the file could hold. */
    if (raw_n > PQ_MAX_PAGE_BYTES || (raw_n > ((size_t)16 << 20) && raw_n / PQ_MAX_COMPRESSION_RATIO > n))
        return cur_fail(c, e, "page claims %zu bytes decompressed from %zu", raw_n, n);
    hv_buf_clear(dst);
    /* 8 spare bytes let decoders load whole words near the end */
    if (hv_buf_reserve(dst, raw_n + 8) < 0) return hv_errf(e, HV_ENOMEM, "%s: out of memory for a page", c->f->name);
    const char *why = NULL;
    if (pq_decompress(c->codec, src, n, (uint8_t *)dst->p, raw_n, &why) < 0) return cur_fail(c, e, "%s", why);
    dst->n = raw_n;
    *out = (const uint8_t *)dst->p;
    c->bytes_out += raw_n;
    return HV_OK;
}

static void convert(const pq_column *col, pq_value *v, size_t n) {
    static const int64_t pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};
    switch (col->conv) {
    case PQ_CONV_U32:
        for (size_t i = 0; i < n; i++) v[i].i = (uint32_t)v[i].i;
        break;
    case PQ_CONV_DATE:
        /* DATE is INT32 by the spec, but a corrupt file may annotate an INT64
         * column: saturate instead of overflowing (the catalog then rejects
         * the absurd date with a message) */
        for (size_t i = 0; i < n; i++) {
            if (v[i].i > INT64_MAX / 86400) v[i].i = INT64_MAX;
            else if (v[i].i < INT64_MIN / 86400) v[i].i = INT64_MIN;
            else v[i].i *= 86400;
        }
        break;
    case PQ_CONV_MILLIS:
    case PQ_CONV_MICROS:
    case PQ_CONV_NANOS: {
        int64_t d = pow10[col->conv == PQ_CONV_MILLIS ? 3 : col->conv == PQ_CONV_MICROS ? 6 : 9];
        for (size_t i = 0; i < n; i++) {
            int64_t q = v[i].i / d;
            if (v[i].i % d < 0) q--; /* floor: 1969 stays 1969 */
            v[i].i = q;
        }
        break;
    }
    case PQ_CONV_INT96:
        /* 8 bytes of nanoseconds in the day, then the Julian day number. */
        for (size_t i = 0; i < n; i++) {
            int64_t nanos;
            int32_t jd;
            memcpy(&nanos, v[i].s.p, 8);
            memcpy(&jd, v[i].s.p + 8, 4);
            int64_t s = nanos / 1000000000;
            if (nanos % 1000000000 < 0) s--;
            v[i].i = ((int64_t)jd - 2440588) * 86400 + s;
        }
        break;
    case PQ_CONV_DECIMAL: {
        double scale = 1;
        for (int k = 0; k < col->scale; k++) scale *= 10;
        for (size_t i = 0; i < n; i++) v[i].d = (double)v[i].i / scale;
        break;
    }
    case PQ_CONV_DECIMAL_BYTES: {
        double scale = 1;
        for (int k = 0; k < col->scale; k++) scale *= 10;
        for (size_t i = 0; i < n; i++) {
            const uint8_t *b = (const uint8_t *)v[i].s.p;
            size_t len = v[i].s.n;
            double x = 0;
            for (size_t k = 0; k < len; k++) x = x * 256 + b[k];
            /* two's complement: subtract 2^(8*len) when the sign bit is set */
            if (len && (b[0] & 0x80)) {
                double m = 1;
                for (size_t k = 0; k < len; k++) m *= 256;
                x -= m;
            }
            v[i].d = x / scale;
        }
        break;
    }
    default: break;
    }
}

static int load_dictionary(pq_cursor *c, const pq_page_header *h, const uint8_t *body, hv_err *e) {
    if (!(h->subs & PQ_SUB_DICT)) return cur_fail(c, e, "dictionary page without its header");
    if (h->encoding != PQ_ENC_PLAIN && h->encoding != PQ_ENC_PLAIN_DICTIONARY)
        return cur_fail(c, e, "dictionary page with unsupported encoding %d", h->encoding);
    if (h->uncompressed_size < 0) return cur_fail(c, e, "negative page size");
    const uint8_t *data;
    int rc = page_bytes(c, &c->dict_page, true, body, (size_t)h->compressed_size, (size_t)h->uncompressed_size, &data, e);
    if (rc) return rc;
    size_t n = (size_t)h->uncompressed_size;
    /* Every dictionary entry takes at least one byte (booleans are never
     * dictionary-encoded), which bounds the array by the page. */
    if (h->num_values < 0 || (size_t)h->num_values > n || (uint32_t)h->num_values > PQ_MAX_PAGE_VALUES)
        return cur_fail(c, e, "dictionary of %d entries in a %zu-byte page", h->num_values, n);
    if (grow((void **)&c->dict, &c->dict_cap, (size_t)h->num_values, sizeof *c->dict) < 0)
        return hv_errf(e, HV_ENOMEM, "%s: out of memory for a dictionary", c->f->name);
    const char *why = NULL;
    if (pq_decode_plain(c->c->physical, c->c->type_length, data, n, c->dict, (size_t)h->num_values, &why) < 0)
        return cur_fail(c, e, "dictionary page: %s", why);
    convert(c->c, c->dict, (size_t)h->num_values);
    c->ndict = (uint32_t)h->num_values;
    c->has_dict = true;
    return HV_OK;
}

static int bit_width(unsigned max) {
    int w = 0;
    while (max >> w) w++;
    return w;
}

/* Levels of one kind into dst (nent entries), checked against max. */
static int decode_levels(pq_cursor *c, int encoding, bool prefixed, const uint8_t *p, size_t n, unsigned max,
                         uint8_t *dst, size_t *used, hv_err *e) {
    int bw = bit_width(max);
    const char *why = NULL;
    size_t len = n, off = 0;
    if (encoding == PQ_ENC_RLE) {
        if (prefixed) {
            if (n < 4) return cur_fail(c, e, "level length truncated");
            uint32_t l = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
            if (l > n - 4) return cur_fail(c, e, "levels of %u bytes overrun the page", l);
            off = 4;
            len = l;
        }
        if (pq_decode_rle(p + off, len, bw, c->u32, c->nent, NULL, &why) < 0) return cur_fail(c, e, "levels: %s", why);
        *used = off + len;
    } else if (encoding == PQ_ENC_BIT_PACKED && prefixed) {
        size_t nbytes = ((size_t)c->nent * (size_t)bw + 7) / 8;
        if (pq_decode_bitpacked_msb(p, n, bw, c->u32, c->nent, &why) < 0) return cur_fail(c, e, "levels: %s", why);
        *used = nbytes;
    } else {
        return cur_fail(c, e, "unsupported level encoding %d", encoding);
    }
    for (uint32_t i = 0; i < c->nent; i++) {
        if (c->u32[i] > max) return cur_fail(c, e, "level %u above the maximum %u", c->u32[i], max);
        dst[i] = (uint8_t)c->u32[i];
    }
    return HV_OK;
}

static int decode_values(pq_cursor *c, int encoding, const uint8_t *p, size_t n, hv_err *e) {
    const pq_column *col = c->c;
    size_t cnt = c->nvals;
    const char *why = NULL;
    int rc = 0;
    if (grow((void **)&c->vals, &c->vals_cap, cnt ? cnt : 1, sizeof *c->vals) < 0)
        return hv_errf(e, HV_ENOMEM, "%s: out of memory for page values", c->f->name);
    switch (encoding) {
    case PQ_ENC_PLAIN: rc = pq_decode_plain(col->physical, col->type_length, p, n, c->vals, cnt, &why); break;
    case PQ_ENC_PLAIN_DICTIONARY:
    case PQ_ENC_RLE_DICTIONARY: {
        if (!c->has_dict) return cur_fail(c, e, "dictionary-encoded page without a dictionary page");
        if (cnt == 0) break;
        if (n < 1) return cur_fail(c, e, "dictionary indices truncated");
        if (p[0] > 32) return cur_fail(c, e, "dictionary index bit width %u out of range", p[0]);
        if (pq_decode_rle(p + 1, n - 1, p[0], c->u32, cnt, NULL, &why) < 0) return cur_fail(c, e, "dictionary indices: %s", why);
        /* Values were converted once, when the dictionary was read. */
        const pq_value *d = c->dict;
        uint32_t nd = c->ndict;
        for (size_t i = 0; i < cnt; i++) {
            uint32_t k = c->u32[i];
            if (k >= nd) return cur_fail(c, e, "dictionary index %u out of range (dictionary has %u entries)", k, nd);
            c->vals[i] = d[k];
        }
        c->ival = 0;
        return HV_OK;
    }
    case PQ_ENC_RLE:
        if (col->physical != PQ_BOOLEAN) return cur_fail(c, e, "RLE encoding on a non-boolean column");
        if (cnt == 0) break;
        if (n < 4) return cur_fail(c, e, "RLE booleans truncated");
        {
            uint32_t l = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
            if (l > n - 4) return cur_fail(c, e, "RLE booleans overrun the page");
            rc = pq_decode_rle(p + 4, l, 1, c->u32, cnt, NULL, &why);
            if (rc == 0)
                for (size_t i = 0; i < cnt; i++) c->vals[i].i = c->u32[i];
        }
        break;
    case PQ_ENC_DELTA_BINARY_PACKED:
        if (col->physical != PQ_INT32 && col->physical != PQ_INT64)
            return cur_fail(c, e, "DELTA_BINARY_PACKED on a non-integer column");
        rc = pq_decode_delta_binary(col->physical, p, n, c->vals, cnt, NULL, &why);
        break;
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
        if (col->physical != PQ_BYTE_ARRAY) return cur_fail(c, e, "DELTA_LENGTH_BYTE_ARRAY on a non-byte-array column");
        rc = pq_decode_delta_length(p, n, c->vals, cnt, &why);
        break;
    case PQ_ENC_DELTA_BYTE_ARRAY:
        if (col->physical != PQ_BYTE_ARRAY && col->physical != PQ_FIXED_LEN_BYTE_ARRAY)
            return cur_fail(c, e, "DELTA_BYTE_ARRAY on a non-byte-array column");
        rc = pq_decode_delta_bytes(p, n, c->vals, cnt, &c->bytes, &why);
        break;
    case PQ_ENC_BYTE_STREAM_SPLIT:
        rc = pq_decode_byte_stream_split(col->physical, col->type_length, p, n, c->vals, cnt, &c->bytes, &why);
        break;
    default: return cur_fail(c, e, "unsupported encoding %d", encoding);
    }
    if (rc < 0) return cur_fail(c, e, "%s", why);
    convert(col, c->vals, cnt);
    c->ival = 0;
    return HV_OK;
}

/* Sizes shared by both data page versions; fills c->nent and buffers. */
static int begin_data_page(pq_cursor *c, const pq_page_header *h, hv_err *e) {
    if (h->num_values < 0 || (uint32_t)h->num_values > PQ_MAX_PAGE_VALUES)
        return cur_fail(c, e, "page with %d values", h->num_values);
    if (h->num_values > c->values_left)
        return cur_fail(c, e, "page has %d values, the column chunk only %lld more", h->num_values,
                        (long long)c->values_left);
    /* Without repetition every entry is a row, so the row group bounds
     * the page (and what it may make us allocate). */
    if (c->c->max_rep == 0 && h->num_values > c->rows_left)
        return cur_fail(c, e, "page has %d values for %lld remaining rows", h->num_values, (long long)c->rows_left);
    c->values_left -= h->num_values;
    c->nent = (uint32_t)h->num_values;
    c->ient = 0;
    size_t n = c->nent ? c->nent : 1;
    if (grow((void **)&c->u32, &c->u32_cap, n, sizeof *c->u32) < 0)
        return hv_errf(e, HV_ENOMEM, "%s: out of memory for levels", c->f->name);
    c->has_def = c->c->max_def > 0;
    c->has_rep = c->c->max_rep > 0;
    if (c->has_def || c->has_rep) {
        if (grow((void **)&c->def, &c->def_cap, n, 1) < 0 || grow((void **)&c->rep, &c->rep_cap, n, 1) < 0)
            return hv_errf(e, HV_ENOMEM, "%s: out of memory for levels", c->f->name);
    }
    return HV_OK;
}

static size_t count_present(const pq_cursor *c) {
    if (!c->has_def) return c->nent;
    size_t k = 0;
    uint8_t max = c->c->max_def;
    for (uint32_t i = 0; i < c->nent; i++) k += c->def[i] == max;
    return k;
}

static int load_data_page_v1(pq_cursor *c, const pq_page_header *h, const uint8_t *body, hv_err *e) {
    if (!(h->subs & PQ_SUB_DATA)) return cur_fail(c, e, "data page without its header");
    int rc = begin_data_page(c, h, e);
    if (rc) return rc;
    if (h->uncompressed_size < 0) return cur_fail(c, e, "negative page size");
    const uint8_t *data;
    rc = page_bytes(c, &c->page, true, body, (size_t)h->compressed_size, (size_t)h->uncompressed_size, &data, e);
    if (rc) return rc;
    size_t n = (size_t)h->uncompressed_size, off = 0, used = 0;
    if (c->has_rep) {
        rc = decode_levels(c, h->rep_encoding, true, data, n, c->c->max_rep, c->rep, &used, e);
        if (rc) return rc;
        off += used;
    }
    if (c->has_def) {
        rc = decode_levels(c, h->def_encoding, true, data + off, n - off, c->c->max_def, c->def, &used, e);
        if (rc) return rc;
        off += used;
    }
    c->nvals = count_present(c);
    return decode_values(c, h->encoding, data + off, n - off, e);
}

static int load_data_page_v2(pq_cursor *c, const pq_page_header *h, const uint8_t *body, hv_err *e) {
    if (!(h->subs & PQ_SUB_V2)) return cur_fail(c, e, "data page v2 without its header");
    int rc = begin_data_page(c, h, e);
    if (rc) return rc;
    if (h->rep_len < 0 || h->def_len < 0 || h->uncompressed_size < 0 ||
        (int64_t)h->rep_len + h->def_len > h->compressed_size || (int64_t)h->rep_len + h->def_len > h->uncompressed_size)
        return cur_fail(c, e, "level lengths %d + %d do not fit the page", h->rep_len, h->def_len);
    /* v2 keeps the levels uncompressed in front of the (maybe compressed)
     * values, so a reader can cut rows without decompressing. */
    size_t used = 0;
    if (c->has_rep) {
        rc = decode_levels(c, PQ_ENC_RLE, false, body, (size_t)h->rep_len, c->c->max_rep, c->rep, &used, e);
        if (rc) return rc;
    } else if (h->rep_len) {
        return cur_fail(c, e, "repetition levels in a non-repeated column");
    }
    if (c->has_def) {
        rc = decode_levels(c, PQ_ENC_RLE, false, body + h->rep_len, (size_t)h->def_len, c->c->max_def, c->def, &used, e);
        if (rc) return rc;
    } else if (h->def_len) {
        return cur_fail(c, e, "definition levels in a required column");
    }
    size_t lv = (size_t)h->rep_len + (size_t)h->def_len;
    const uint8_t *data;
    rc = page_bytes(c, &c->page, h->is_compressed, body + lv, (size_t)h->compressed_size - lv,
                    (size_t)h->uncompressed_size - lv, &data, e);
    if (rc) return rc;
    c->nvals = count_present(c);
    return decode_values(c, h->encoding, data, (size_t)h->uncompressed_size - lv, e);
}

/* Read pages up to and including the next data page.  1 at the end of the
 * chunk, HV_OK with a page loaded, or an error. */
static int next_page(pq_cursor *c, hv_err *e) {
    for (;;) {
        if (c->values_left <= 0 || c->pos >= c->end) return 1;
        c->page_off = (size_t)(c->pos - c->f->data);
        c->page_no++;
        tc_reader t;
        tc_init(&t, c->pos, (size_t)(c->end - c->pos));
        pq_page_header h;
        pq_read_page_header(&t, &h);
        if (t.err) {
            c->page_off += t.err_at;
            return cur_fail(c, e, "page header: %s", t.err);
        }
        const uint8_t *body = t.p;
        if (h.compressed_size < 0 || (size_t)h.compressed_size > (size_t)(c->end - body))
            return cur_fail(c, e, "page of %d bytes overruns the column chunk (%zu bytes left)", h.compressed_size,
                            (size_t)(c->end - body));
        c->pos = body + h.compressed_size;
        int rc;
        switch (h.type) {
        case PQ_PAGE_DICTIONARY:
            rc = load_dictionary(c, &h, body, e);
            if (rc) return rc;
            continue;
        case PQ_PAGE_DATA: rc = load_data_page_v1(c, &h, body, e); break;
        case PQ_PAGE_DATA_V2: rc = load_data_page_v2(c, &h, body, e); break;
        default: continue; /* index pages and future page types carry no rows */
        }
        if (rc) return rc;
        if (c->nent > 0) return HV_OK;
    }
}

static int ensure_entry(pq_cursor *c, hv_err *e) {
    if (c->ient < c->nent) return HV_OK;
    int rc = next_page(c, e);
    if (rc == 1)
        return cur_fail(c, e, "column ends %lld rows before the row group does", (long long)c->rows_left);
    return rc;
}

/* Copy the string items of the row being built out of the page about to
 * be replaced. */
static int spill_items(pq_cursor *c, uint32_t n, hv_err *e) {
    if (c->c->kind != PQ_K_STRING) return HV_OK;
    for (uint32_t i = 0; i < n; i++) {
        hv_sv *s = &c->items[i].s;
        char *p = arena_alloc(&c->spill, s->n ? s->n : 1);
        if (!p) return hv_errf(e, HV_ENOMEM, "%s: out of memory", c->f->name);
        if (s->n) memcpy(p, s->p, s->n);
        s->p = p;
    }
    c->spilled = true;
    return HV_OK;
}

int pq_cursor_next(pq_cursor *c, pq_cell *cell, hv_err *e) {
    if (!c->started || c->rows_left <= 0)
        return hv_errf(e, HV_EINTERNAL, "%s: read past the end of row group %u", c->f->name, c->rg);
    int rc = ensure_entry(c, e);
    if (rc) return rc;
    uint8_t max = c->c->max_def;
    cell->n = 0;
    cell->items = NULL;
    if (!c->has_rep) {
        uint8_t d = c->has_def ? c->def[c->ient] : max;
        c->ient++;
        cell->null = d != max;
        if (!cell->null) cell->v = c->vals[c->ival++];
        c->rows_left--;
        return HV_OK;
    }
    if (c->spilled) {
        arena_reset(&c->spill);
        c->spilled = false;
    }
    if (c->rep[c->ient] != 0) return cur_fail(c, e, "a row starts with repetition level %u", c->rep[c->ient]);
    uint32_t n = 0;
    for (;;) {
        uint8_t d = c->def[c->ient++];
        if (d == max) {
            if (n >= PQ_MAX_ROW_ITEMS) return cur_fail(c, e, "a row with more than %u list items", PQ_MAX_ROW_ITEMS);
            if (n >= c->items_cap && grow((void **)&c->items, &c->items_cap, (size_t)n + 1, sizeof *c->items) < 0)
                return hv_errf(e, HV_ENOMEM, "%s: out of memory", c->f->name);
            c->items[n++] = c->vals[c->ival++];
        }
        if (c->ient < c->nent) {
            if (c->rep[c->ient] == 0) break;
            continue;
        }
        /* The page ended: the row may go on in the next one (v1 pages need
         * not end at a row boundary). */
        rc = spill_items(c, n, e);
        if (rc) return rc;
        rc = next_page(c, e);
        if (rc == 1) break; /* end of the chunk ends the row */
        if (rc) return rc;
        if (c->rep[c->ient] == 0) break;
    }
    cell->n = n;
    cell->items = c->items;
    cell->null = n == 0;
    c->rows_left--;
    return HV_OK;
}
