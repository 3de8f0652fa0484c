/* codec.c - Parquet page codecs on top of the Debian libraries.
 *
 * The page header tells the decompressed size, so every codec decodes into a
 * buffer of exactly that size and anything shorter or longer is an error:
 * the libraries' own bounds keep a corrupt stream from writing past it. */
#include "ingest/parquet/codec.h"

#include <brotli/decode.h>
#include <limits.h>
#include <lz4.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "ingest/parquet/meta.h"

bool pq_codec_supported(int codec) {
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
    case PQ_CODEC_SNAPPY:
    case PQ_CODEC_GZIP:
    case PQ_CODEC_BROTLI:
    case PQ_CODEC_LZ4:
    case PQ_CODEC_ZSTD:
    case PQ_CODEC_LZ4_RAW: return true;
    default: return false; /* LZO: no maintained library, no writer uses it */
    }
}

const char *pq_codec_name(int codec) {
    static const char *names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
    return codec >= 0 && codec < (int)(sizeof names / sizeof *names) ? names[codec] : "unknown";
}

static int gunzip(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_n, const char **why) {
    if (n > UINT_MAX || dst_n > UINT_MAX) {
        *why = "GZIP page too large";
        return -1;
    }
    z_stream z = {0};
    /* 15 + 32: accept a gzip or zlib header; writers use gzip. */
    if (inflateInit2(&z, 15 + 32) != Z_OK) {
        *why = "zlib init failed";
        return -1;
    }
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)n;
    z.next_out = dst;
    z.avail_out = (uInt)dst_n;
    int rc;
    for (;;) {
        rc = inflate(&z, Z_FINISH);
        /* Some writers concatenate gzip members; carry on into the next. */
        if (rc == Z_STREAM_END && z.avail_in > 0 && z.avail_out > 0) {
            if (inflateReset(&z) != Z_OK) break;
            continue;
        }
        break;
    }
    size_t got = dst_n - z.avail_out;
    inflateEnd(&z);
    if (rc != Z_STREAM_END || got != dst_n) {
        *why = "GZIP data corrupt or of the wrong size";
        return -1;
    }
    return 0;
}

/* Hadoop's LZ4 framing (codec LZ4, deprecated): blocks of a 4-byte
 * big-endian decompressed size, a 4-byte compressed size and raw LZ4.  Old
 * parquet-cpp wrote plain LZ4 blocks under the same codec id, so that is
 * tried when the framing does not fit. */
static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static int lz4_hadoop(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_n) {
    size_t in = 0, out = 0;
    while (in < n) {
        if (n - in < 8) return -1;
        uint32_t raw = be32(src + in), comp = be32(src + in + 4);
        in += 8;
        if (comp > n - in || raw > dst_n - out || comp > INT_MAX || raw > INT_MAX) return -1;
        int got = LZ4_decompress_safe((const char *)src + in, (char *)dst + out, (int)comp, (int)raw);
        if (got < 0 || (uint32_t)got != raw) return -1;
        in += comp;
        out += raw;
    }
    return out == dst_n ? 0 : -1;
}

int pq_decompress(int codec, const uint8_t *src, size_t n, uint8_t *dst, size_t dst_n, const char **why) {
    switch (codec) {
    case PQ_CODEC_SNAPPY: {
        size_t len;
        if (snappy_uncompressed_length((const char *)src, n, &len) != SNAPPY_OK || len != dst_n) {
            *why = "SNAPPY header corrupt or of the wrong size";
            return -1;
        }
        if (snappy_uncompress((const char *)src, n, (char *)dst, &len) != SNAPPY_OK || len != dst_n) {
            *why = "SNAPPY data corrupt";
            return -1;
        }
        return 0;
    }
    case PQ_CODEC_GZIP: return gunzip(src, n, dst, dst_n, why);
    case PQ_CODEC_ZSTD: {
        size_t got = ZSTD_decompress(dst, dst_n, src, n);
        if (ZSTD_isError(got) || got != dst_n) {
            *why = "ZSTD data corrupt or of the wrong size";
            return -1;
        }
        return 0;
    }
    case PQ_CODEC_LZ4_RAW:
    case PQ_CODEC_LZ4: {
        if (n > INT_MAX || dst_n > INT_MAX) {
            *why = "LZ4 page too large";
            return -1;
        }
        if (codec == PQ_CODEC_LZ4 && lz4_hadoop(src, n, dst, dst_n) == 0) return 0;
        int got = LZ4_decompress_safe((const char *)src, (char *)dst, (int)n, (int)dst_n);
        if (got < 0 || (size_t)got != dst_n) {
            *why = "LZ4 data corrupt or of the wrong size";
            return -1;
        }
        return 0;
    }
    case PQ_CODEC_BROTLI: {
        size_t len = dst_n;
        if (BrotliDecoderDecompress(n, src, &len, dst) != BROTLI_DECODER_RESULT_SUCCESS || len != dst_n) {
            *why = "BROTLI data corrupt or of the wrong size";
            return -1;
        }
        return 0;
    }
    default: *why = "unsupported compression codec"; return -1;
    }
}
