/* encoding.h - Parquet value and level encodings, decoded from one page's
 * bytes into caller-owned arrays.
 *
 * Every decoder is told how many values to produce and how many bytes it
 * may read; it never reads past them and reports truncation or garbage as
 * -1 with a static reason in *why.  Values come out as pq_value: integers
 * (and booleans) in .i, FLOAT/DOUBLE in .d, BYTE_ARRAY/FIXED_LEN_BYTE_ARRAY
 * and INT96 as views in .s that point into the page bytes (or into `bytes`
 * for DELTA_BYTE_ARRAY, whose values must be rebuilt). */
#ifndef HV_PQ_ENCODING_H
#define HV_PQ_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "ingest/parquet/parquet.h"

/* RLE/bit-packed hybrid (levels, dictionary indices, v2 booleans), without
 * a length prefix: exactly count values of bit width bw (0..32) into out.
 * *used (if not NULL) gets the bytes consumed. */
int pq_decode_rle(const uint8_t *p, size_t n, int bw, uint32_t *out, size_t count, size_t *used,
                  const char **why);
/* The deprecated BIT_PACKED level encoding (most significant bit first). */
int pq_decode_bitpacked_msb(const uint8_t *p, size_t n, int bw, uint32_t *out, size_t count,
                            const char **why);

/* PLAIN for every physical type.  type_len is the FIXED_LEN_BYTE_ARRAY width. */
int pq_decode_plain(int type, int type_len, const uint8_t *p, size_t n, pq_value *out, size_t count,
                    const char **why);
/* DELTA_BINARY_PACKED into out[].i (INT32 values wrap at 32 bits). */
int pq_decode_delta_binary(int type, const uint8_t *p, size_t n, pq_value *out, size_t count,
                           size_t *used, const char **why);
/* DELTA_LENGTH_BYTE_ARRAY into out[].s. */
int pq_decode_delta_length(const uint8_t *p, size_t n, pq_value *out, size_t count, const char **why);
/* DELTA_BYTE_ARRAY (prefix/suffix) into out[].s; rebuilt bytes go to
 * `bytes`, which is capped (its max) so a hostile page cannot make values
 * grow quadratically. */
int pq_decode_delta_bytes(const uint8_t *p, size_t n, pq_value *out, size_t count, hv_buf *bytes,
                          const char **why);
/* BYTE_STREAM_SPLIT for FLOAT, DOUBLE, INT32, INT64 and FIXED_LEN_BYTE_ARRAY
 * (the latter rebuilt into `bytes`). */
int pq_decode_byte_stream_split(int type, int type_len, const uint8_t *p, size_t n, pq_value *out,
                                size_t count, hv_buf *bytes, const char **why);

#endif
