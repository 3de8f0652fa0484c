/* meta.h - the Parquet structs we read from Thrift: FileMetaData (schema,
 * row groups, column chunks) and page headers.
 *
 * Only the fields the reader uses are kept; unknown fields are skipped, so
 * files from newer writers still open.  Enum values are the ones of
 * parquet.thrift. */
#ifndef HV_PQ_META_H
#define HV_PQ_META_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/sv.h"
#include "ingest/parquet/thrift.h"

enum pq_type {
    PQ_BOOLEAN = 0,
    PQ_INT32 = 1,
    PQ_INT64 = 2,
    PQ_INT96 = 3,
    PQ_FLOAT = 4,
    PQ_DOUBLE = 5,
    PQ_BYTE_ARRAY = 6,
    PQ_FIXED_LEN_BYTE_ARRAY = 7
};

enum pq_repetition { PQ_REQUIRED = 0, PQ_OPTIONAL = 1, PQ_REPEATED = 2 };

enum pq_converted {
    PQ_CT_UTF8 = 0,
    PQ_CT_LIST = 3,
    PQ_CT_DECIMAL = 5,
    PQ_CT_DATE = 6,
    PQ_CT_TIMESTAMP_MILLIS = 9,
    PQ_CT_TIMESTAMP_MICROS = 10,
    PQ_CT_UINT_8 = 11,
    PQ_CT_UINT_16 = 12,
    PQ_CT_UINT_32 = 13,
    PQ_CT_UINT_64 = 14
};

/* The subset of LogicalType the reader acts on. */
enum pq_logical {
    PQ_LT_NONE = 0,
    PQ_LT_STRING,
    PQ_LT_LIST,
    PQ_LT_DECIMAL,
    PQ_LT_DATE,
    PQ_LT_TIMESTAMP,
    PQ_LT_INTEGER,
    PQ_LT_OTHER
};

enum pq_time_unit { PQ_UNIT_NONE = 0, PQ_UNIT_MILLIS, PQ_UNIT_MICROS, PQ_UNIT_NANOS };

enum pq_codec {
    PQ_CODEC_UNCOMPRESSED = 0,
    PQ_CODEC_SNAPPY = 1,
    PQ_CODEC_GZIP = 2,
    PQ_CODEC_LZO = 3,
    PQ_CODEC_BROTLI = 4,
    PQ_CODEC_LZ4 = 5,
    PQ_CODEC_ZSTD = 6,
    PQ_CODEC_LZ4_RAW = 7
};

enum pq_encoding {
    PQ_ENC_PLAIN = 0,
    PQ_ENC_PLAIN_DICTIONARY = 2,
    PQ_ENC_RLE = 3,
    PQ_ENC_BIT_PACKED = 4,
    PQ_ENC_DELTA_BINARY_PACKED = 5,
    PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
    PQ_ENC_DELTA_BYTE_ARRAY = 7,
    PQ_ENC_RLE_DICTIONARY = 8,
    PQ_ENC_BYTE_STREAM_SPLIT = 9
};

enum pq_page_type { PQ_PAGE_DATA = 0, PQ_PAGE_INDEX = 1, PQ_PAGE_DICTIONARY = 2, PQ_PAGE_DATA_V2 = 3 };

typedef struct pq_schema_elem {
    hv_sv name;
    int32_t type; /* -1 for groups */
    int32_t type_length;
    int32_t repetition; /* -1 when absent (the root) */
    int32_t num_children;
    int32_t converted; /* -1 when absent */
    int32_t scale;
    int32_t logical;   /* pq_logical */
    int32_t time_unit; /* pq_time_unit, for PQ_LT_TIMESTAMP */
    int32_t int_bits;  /* PQ_LT_INTEGER */
    bool int_signed;
} pq_schema_elem;

typedef struct pq_chunk_meta {
    int32_t type;
    int32_t codec;
    int64_t num_values;
    int64_t total_compressed_size;
    int64_t data_page_offset;
    int64_t dictionary_page_offset; /* -1 when absent */
    bool has_meta;                  /* ColumnChunk.meta_data was present */
    bool external;                  /* file_path set: data lives in another file */
} pq_chunk_meta;

typedef struct pq_row_group_meta {
    pq_chunk_meta *cols;
    uint32_t ncols;
    int64_t num_rows;
} pq_row_group_meta;

typedef struct pq_file_meta {
    pq_schema_elem *schema;
    uint32_t nschema;
    int64_t num_rows;
    pq_row_group_meta *rgs;
    uint32_t nrgs;
    bool encrypted;
} pq_file_meta;

enum { PQ_SUB_DATA = 1, PQ_SUB_DICT = 2, PQ_SUB_V2 = 4 };

typedef struct pq_page_header {
    int32_t type;
    int32_t uncompressed_size;
    int32_t compressed_size;
    /* data page (v1 and v2), dictionary page */
    int32_t num_values;
    int32_t encoding;
    int32_t def_encoding, rep_encoding; /* v1 */
    int32_t num_nulls, num_rows;        /* v2 */
    int32_t def_len, rep_len;           /* v2: level bytes, never compressed */
    bool is_compressed;                 /* v2 */
    uint8_t subs;                       /* PQ_SUB_* seen */
} pq_page_header;

/* Decode FileMetaData from t; arrays live in mem.  Errors are left in t. */
void pq_read_file_meta(tc_reader *t, hv_arena *mem, pq_file_meta *m);
/* Decode one PageHeader from t.  Errors are left in t. */
void pq_read_page_header(tc_reader *t, pq_page_header *h);

#endif
