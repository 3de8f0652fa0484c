/* parquet.h - a Parquet reader for the columns hfviz ingests.
 *
 * Debian packages no Parquet library for C, so this is our own: the Thrift
 * compact footer, data pages v1 and v2, PLAIN / dictionary / RLE / DELTA_*
 * / BYTE_STREAM_SPLIT encodings, the UNCOMPRESSED, SNAPPY, GZIP, ZSTD,
 * LZ4_RAW, LZ4 (Hadoop framing) and BROTLI codecs, optional columns and
 * repeated columns (LIST<...> in the 3-level and legacy 2-level forms).
 *
 * Use:
 *   pq_open_path / pq_open_memory -> pq_file (the footer is parsed and the
 *   schema flattened into leaf columns)
 *   for each row group: for each wanted column a pq_cursor (pq_cursor_new
 *   once, pq_cursor_start per row group), then pq_cursor_next once per row
 *   for every cursor in step.
 *
 * Memory stays bounded by one page per open cursor plus its dictionary:
 * pages are decompressed into buffers the cursor reuses, so a file with
 * millions of multi-KB model cards never sits decompressed in memory.
 *
 * Every failure is HV_EINPUT (or HV_EIO / HV_ENOMEM) with a message that
 * names the file and where: "byte offset N" for the footer, "row group R,
 * column C (name), page P at byte offset N" for pages. */
#ifndef HV_PARQUET_H
#define HV_PARQUET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/sv.h"

/* Limits on what a file may ask of us.  They sit far above what real
 * writers produce (pyarrow and DuckDB pages are ~1 MB and at most ~1M
 * values) yet keep a corrupt or hostile header from allocating gigabytes. */
#define PQ_MAX_PAGE_BYTES ((size_t)1 << 30)     /* one decompressed page */
#define PQ_MAX_COMPRESSION_RATIO 1024           /* uncompressed / compressed page */
#define PQ_MAX_PAGE_VALUES ((uint32_t)1 << 24)  /* level entries in one page */
#define PQ_MAX_ROW_ITEMS ((uint32_t)1 << 22)    /* list items in one row */
#define PQ_MAX_SCHEMA_DEPTH 32                  /* nesting of groups */

/* What a value means after logical-type conversion. */
typedef enum pq_kind {
    PQ_K_BOOL = 0, /* .i is 0 or 1 */
    PQ_K_INT,      /* .i; for unsigned 64-bit columns read it as uint64_t */
    PQ_K_DOUBLE,   /* .d (FLOAT, DOUBLE, DECIMAL stored as INT32/INT64) */
    PQ_K_STRING,   /* .s: BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY (bytes, not checked as UTF-8) */
    PQ_K_TIME      /* .i: epoch seconds (TIMESTAMP in any unit, INT96, DATE) */
} pq_kind;

typedef union pq_value {
    int64_t i;
    double d;
    hv_sv s;
} pq_value;

/* One leaf column of the flattened schema. */
typedef struct pq_column {
    hv_sv name;      /* the top-level field it belongs to ("tags") */
    hv_sv leaf_name; /* its own name ("element", "item", "tags") */
    uint32_t field;  /* index of the top-level field */
    int physical;    /* pq_type of meta.h */
    int type_length; /* FIXED_LEN_BYTE_ARRAY width */
    pq_kind kind;
    bool is_unsigned; /* UINT_64 / INTEGER(64, unsigned) */
    uint8_t max_def, max_rep;
    int conv; /* private: how raw values become `kind` */
    int scale;
} pq_column;

/* A top-level field: a plain column, a list, or a group of several leaves. */
typedef struct pq_field {
    hv_sv name;
    uint32_t first_leaf, nleaves;
} pq_field;

typedef struct pq_file pq_file;

/* Open and map a file (falls back to reading it when it cannot be mapped). */
int pq_open_path(const char *path, pq_file **out, hv_err *e);
/* Read from memory the caller keeps alive until pq_close; name is used in
 * messages. */
int pq_open_memory(const void *data, size_t n, const char *name, pq_file **out, hv_err *e);
void pq_close(pq_file *f); /* accepts NULL */

const char *pq_name(const pq_file *f);
size_t pq_size(const pq_file *f);
int64_t pq_num_rows(const pq_file *f); /* sum over row groups */
uint32_t pq_num_row_groups(const pq_file *f);
int64_t pq_row_group_rows(const pq_file *f, uint32_t rg);
uint32_t pq_num_columns(const pq_file *f);
const pq_column *pq_column_at(const pq_file *f, uint32_t col);
uint32_t pq_num_fields(const pq_file *f);
const pq_field *pq_field_at(const pq_file *f, uint32_t field);

/* One row of one column.  A scalar column gives v (unless null); a repeated
 * column gives its non-null items (n of them) and null when the row has no
 * items at all.  Views are valid until the next pq_cursor_next or
 * pq_cursor_start on the same cursor. */
typedef struct pq_cell {
    bool null;
    pq_value v;
    uint32_t n;
    const pq_value *items;
} pq_cell;

typedef struct pq_cursor pq_cursor;

/* NULL when out of memory. */
pq_cursor *pq_cursor_new(pq_file *f, uint32_t col);
/* Position at the start of row group rg (validates the chunk's byte range
 * and codec; nothing is decompressed yet). */
int pq_cursor_start(pq_cursor *c, uint32_t rg, hv_err *e);
/* The next row's cell. */
int pq_cursor_next(pq_cursor *c, pq_cell *cell, hv_err *e);
void pq_cursor_free(pq_cursor *c); /* accepts NULL */

/* Bytes of page data decompressed so far by this cursor (for benchmarks). */
uint64_t pq_cursor_bytes(const pq_cursor *c);

#endif
