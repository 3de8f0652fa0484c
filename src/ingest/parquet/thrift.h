/* thrift.h - a reader of the Thrift compact protocol, as Parquet uses it for
 * its footer (FileMetaData) and page headers.
 *
 * Errors are sticky: the first problem (truncation, bad type, nesting too
 * deep) sets t->err and its offset, every later read returns zero, and the
 * caller checks once at the end.  That keeps the struct decoders in meta.c
 * free of per-field error plumbing while still never reading past t->end. */
#ifndef HV_PQ_THRIFT_H
#define HV_PQ_THRIFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sv.h"

/* Compact protocol type codes (field headers and list element types). */
enum {
    TC_STOP = 0,
    TC_TRUE = 1,
    TC_FALSE = 2,
    TC_BYTE = 3,
    TC_I16 = 4,
    TC_I32 = 5,
    TC_I64 = 6,
    TC_DOUBLE = 7,
    TC_BINARY = 8,
    TC_LIST = 9,
    TC_SET = 10,
    TC_MAP = 11,
    TC_STRUCT = 12
};

/* parquet.thrift nests a few levels deep (FileMetaData > RowGroup >
 * ColumnChunk > ColumnMetaData > Statistics); 32 leaves room for unknown
 * extensions but stops a hostile footer from recursing without end. */
#define TC_MAX_DEPTH 32

typedef struct tc_reader {
    const uint8_t *base; /* start of the buffer, for error offsets */
    const uint8_t *p, *end;
    int depth;
    const char *err; /* NULL while all is well */
    size_t err_at;   /* offset from base of the failing read */
} tc_reader;

void tc_init(tc_reader *t, const uint8_t *p, size_t n);
/* Record an error (keeps the first). */
void tc_fail(tc_reader *t, const char *why);

/* Struct traversal: call tc_struct_enter, then tc_next_field until it
 * returns false (stop byte or error), then tc_struct_leave. */
void tc_struct_enter(tc_reader *t, int16_t *last_id);
bool tc_next_field(tc_reader *t, int16_t *last_id, int16_t *id, uint8_t *type);
void tc_struct_leave(tc_reader *t);

/* Field values; `type` is the field's type from tc_next_field and is checked
 * (a mismatch is an error, not a silent reinterpretation). */
int64_t tc_int(tc_reader *t, uint8_t type);  /* byte, i16, i32, i64 */
int32_t tc_i32(tc_reader *t, uint8_t type);  /* as tc_int, error if outside int32 */
bool tc_bool(tc_reader *t, uint8_t type);
hv_sv tc_binary(tc_reader *t, uint8_t type); /* view into the buffer */
/* List header: element type and count.  The count is bounded by the bytes
 * left (every element takes at least one byte), so callers may allocate
 * count elements without trusting the input further. */
uint32_t tc_list(tc_reader *t, uint8_t type, uint8_t *elem_type);
/* Skip a value of any type (nested values included). */
void tc_skip(tc_reader *t, uint8_t type);

#endif
