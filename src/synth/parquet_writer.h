/* parquet_writer.h - a minimal Parquet writer: flat schema, PLAIN values.
 *
 * Enough of the format for hfviz synth to write files DuckDB, pyarrow and
 * our own reader accept: required or optional columns of BYTE_ARRAY (UTF8
 * strings), INT64, DOUBLE and BOOLEAN; data page v1; definition levels in
 * the RLE/bit-packed hybrid; uncompressed, snappy or zstd pages; row groups
 * of a fixed number of rows.  No dictionary, statistics or nesting.
 *
 * Memory: one row group's compressed pages plus one open page per column.
 * Pages close at about 1 MiB, so a row group of long model cards costs its
 * compressed size, not its raw size. */
#ifndef HV_PARQUET_WRITER_H
#define HV_PARQUET_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"

typedef enum hv_pq_type {
    HV_PQ_BOOLEAN = 0,
    HV_PQ_INT64 = 2,
    HV_PQ_DOUBLE = 5,
    HV_PQ_BYTE_ARRAY = 6 /* written with the UTF8 / STRING annotation */
} hv_pq_type;

/* Values are the format's CompressionCodec numbers. */
typedef enum hv_pq_codec { HV_PQ_NONE = 0, HV_PQ_SNAPPY = 1, HV_PQ_ZSTD = 6 } hv_pq_codec;

typedef struct hv_pq_column {
    const char *name;
    hv_pq_type type;
    bool optional;
} hv_pq_column;

typedef struct hv_pq_writer hv_pq_writer;

/* f stays the caller's (not closed by the writer).  row_group_rows 0 means
 * 65536. */
hv_pq_writer *hv_pq_open(FILE *f, const hv_pq_column *cols, size_t ncols, hv_pq_codec codec,
                         uint32_t row_group_rows, hv_err *e);

/* Values of the current row, one call per column, in any order.  A column
 * not set before hv_pq_end_row is null (an error for a required column). */
int hv_pq_set_bytes(hv_pq_writer *w, size_t col, const void *p, size_t n, hv_err *e);
int hv_pq_set_int64(hv_pq_writer *w, size_t col, int64_t v, hv_err *e);
int hv_pq_set_double(hv_pq_writer *w, size_t col, double v, hv_err *e);
int hv_pq_set_bool(hv_pq_writer *w, size_t col, bool v, hv_err *e);
int hv_pq_end_row(hv_pq_writer *w, hv_err *e);

/* Flush the last row group and write the footer; frees w either way.
 * *bytes (if not NULL) gets the file size. */
int hv_pq_close(hv_pq_writer *w, uint64_t *bytes, hv_err *e);
/* Free without finishing the file (after an error). */
void hv_pq_abort(hv_pq_writer *w);

#endif
