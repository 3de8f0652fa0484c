/* codec.h - page decompression for the Parquet codecs we support. */
#ifndef HV_PQ_CODEC_H
#define HV_PQ_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True for the codecs pq_decompress handles. */
bool pq_codec_supported(int codec);
const char *pq_codec_name(int codec);

/* Decompress src[0..n) into exactly dst_n bytes at dst.  Output of any other
 * length is corruption.  Returns 0, or -1 with a static reason in *why. */
int pq_decompress(int codec, const uint8_t *src, size_t n, uint8_t *dst, size_t dst_n, const char **why);

#endif
