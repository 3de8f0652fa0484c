/* internal.h - what parquet.c (file, schema) shares with column.c (pages,
 * rows).  Not for use outside src/ingest/parquet/. */
#ifndef HV_PQ_INTERNAL_H
#define HV_PQ_INTERNAL_H

#include "core/arena.h"
#include "ingest/parquet/meta.h"
#include "ingest/parquet/parquet.h"

/* How a leaf's raw physical values become its pq_kind. */
enum pq_conv {
    PQ_CONV_NONE = 0,
    PQ_CONV_U32,    /* INT32 holding an unsigned value: zero-extend */
    PQ_CONV_DATE,   /* days -> seconds */
    PQ_CONV_MILLIS, /* timestamp units -> seconds (floor) */
    PQ_CONV_MICROS,
    PQ_CONV_NANOS,
    PQ_CONV_INT96,  /* Impala/Spark nanoseconds + Julian day -> seconds */
    PQ_CONV_DECIMAL, /* unscaled INT32/INT64 -> double */
    PQ_CONV_DECIMAL_BYTES /* big-endian two's complement bytes -> double */
};

struct pq_file {
    char *name;
    const uint8_t *data;
    size_t size;
    void *map;   /* mmap'ed region, or NULL */
    void *owned; /* malloc'ed copy when the file could not be mapped */
    hv_arena mem; /* footer arrays, columns, fields */
    pq_file_meta meta;
    pq_column *cols;
    uint32_t ncols;
    pq_field *fields;
    uint32_t nfields;
    int64_t num_rows;
    size_t footer_start; /* column chunks must end before this offset */
};

#endif
