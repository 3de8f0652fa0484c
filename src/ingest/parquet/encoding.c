/* encoding.c - Parquet encodings (see encoding.h).
 *
 * The hot paths are PLAIN byte arrays (model cards, ids) and RLE dictionary
 * indices; both run straight over the page bytes without per-value
 * allocation.  The rarer DELTA_* encodings favour clarity. */
#include "ingest/parquet/encoding.h"

#include <string.h>

#include "ingest/parquet/meta.h"

#define FAIL(msg)          \
    do {                   \
        *why = (msg);      \
        return -1;         \
    } while (0)

static inline uint32_t load_le32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v; /* the build targets little-endian machines only (x86-64, arm64) */
}

static inline uint64_t load_le64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* ULEB128 as Parquet's hybrid and delta encodings use it; -1 on truncation
 * or more than 64 bits. */
static int read_uleb(const uint8_t **pp, const uint8_t *end, uint64_t *out) {
    const uint8_t *p = *pp;
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (p >= end) return -1;
        uint8_t b = *p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *pp = p;
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* bw bits (<= 64) at bit offset `bit` of p[0..n), least significant first.
 * The caller guarantees the bits lie inside the buffer. */
static inline uint64_t get_bits(const uint8_t *p, size_t n, uint64_t bit, int bw) {
    size_t byte = (size_t)(bit >> 3);
    unsigned shift = (unsigned)(bit & 7);
    if (bw == 0) return 0;
    if (bw <= 56 && byte + 8 <= n) {
        uint64_t w = load_le64(p + byte) >> shift;
        return bw == 64 ? w : w & ((UINT64_C(1) << bw) - 1);
    }
    /* slow path near the end of the buffer, or for wide values */
    uint64_t v = 0;
    int got = 0;
    while (got < bw) {
        uint64_t b = byte < n ? p[byte] : 0;
        b >>= shift;
        v |= b << got;
        got += 8 - (int)shift;
        shift = 0;
        byte++;
    }
    return bw == 64 ? v : v & ((UINT64_C(1) << bw) - 1);
}

int pq_decode_rle(const uint8_t *p, size_t n, int bw, uint32_t *out, size_t count, size_t *used,
                  const char **why) {
    if (bw < 0 || bw > 32) FAIL("RLE bit width out of range");
    const uint8_t *q = p, *end = p + n;
    size_t bytes_per_value = (size_t)(bw + 7) / 8;
    size_t i = 0;
    while (i < count) {
        uint64_t h;
        if (read_uleb(&q, end, &h) < 0) FAIL("RLE/bit-packed data truncated");
        if (h & 1) {
            /* bit-packed: groups of 8 values */
            uint64_t groups = h >> 1;
            if (groups > (uint64_t)(end - q) + 1) FAIL("RLE bit-packed run overruns the page");
            size_t nbytes = (size_t)groups * (size_t)bw;
            if (nbytes > (size_t)(end - q)) FAIL("RLE bit-packed run overruns the page");
            size_t nvals = (size_t)groups * 8;
            size_t take = nvals < count - i ? nvals : count - i;
            if (bw == 0) {
                memset(out + i, 0, take * sizeof *out);
            } else {
                for (size_t k = 0; k < take; k++)
                    out[i + k] = (uint32_t)get_bits(q, nbytes, (uint64_t)k * (unsigned)bw, bw);
            }
            i += take;
            q += nbytes;
        } else {
            uint64_t run = h >> 1;
            if (bytes_per_value > (size_t)(end - q)) FAIL("RLE run value truncated");
            uint32_t v = 0;
            for (size_t k = 0; k < bytes_per_value; k++) v |= (uint32_t)q[k] << (8 * k);
            q += bytes_per_value;
            if (bw < 32 && (v >> bw)) FAIL("RLE run value wider than its bit width");
            size_t take = run < count - i ? (size_t)run : count - i;
            for (size_t k = 0; k < take; k++) out[i + k] = v;
            i += take;
        }
    }
    if (used) *used = (size_t)(q - p);
    return 0;
}

int pq_decode_bitpacked_msb(const uint8_t *p, size_t n, int bw, uint32_t *out, size_t count,
                            const char **why) {
    if (bw < 0 || bw > 32) FAIL("BIT_PACKED bit width out of range");
    if ((uint64_t)count * (unsigned)bw > (uint64_t)n * 8) FAIL("BIT_PACKED levels overrun the page");
    uint64_t bit = 0;
    for (size_t i = 0; i < count; i++) {
        uint32_t v = 0;
        for (int k = 0; k < bw; k++, bit++) v = (v << 1) | ((p[bit >> 3] >> (7 - (bit & 7))) & 1);
        out[i] = v;
    }
    return 0;
}

int pq_decode_plain(int type, int type_len, const uint8_t *p, size_t n, pq_value *out, size_t count,
                    const char **why) {
    switch (type) {
    case PQ_BOOLEAN:
        if ((count + 7) / 8 > n) FAIL("PLAIN booleans overrun the page");
        for (size_t i = 0; i < count; i++) out[i].i = (p[i >> 3] >> (i & 7)) & 1;
        return 0;
    case PQ_INT32:
        if (count > n / 4) FAIL("PLAIN INT32 values overrun the page");
        for (size_t i = 0; i < count; i++) out[i].i = (int32_t)load_le32(p + 4 * i);
        return 0;
    case PQ_INT64:
        if (count > n / 8) FAIL("PLAIN INT64 values overrun the page");
        for (size_t i = 0; i < count; i++) out[i].i = (int64_t)load_le64(p + 8 * i);
        return 0;
    case PQ_FLOAT:
        if (count > n / 4) FAIL("PLAIN FLOAT values overrun the page");
        for (size_t i = 0; i < count; i++) {
            float f;
            memcpy(&f, p + 4 * i, 4);
            out[i].d = f;
        }
        return 0;
    case PQ_DOUBLE:
        if (count > n / 8) FAIL("PLAIN DOUBLE values overrun the page");
        for (size_t i = 0; i < count; i++) memcpy(&out[i].d, p + 8 * i, 8);
        return 0;
    case PQ_INT96:
        type_len = 12; /* fixed-width bytes, converted to seconds later */
        __attribute__((fallthrough));
    case PQ_FIXED_LEN_BYTE_ARRAY:
        if (type_len < 0) FAIL("negative FIXED_LEN_BYTE_ARRAY width");
        if (type_len > 0 && count > n / (size_t)type_len) FAIL("PLAIN fixed-width values overrun the page");
        for (size_t i = 0; i < count; i++) {
            out[i].s.p = (const char *)p + (size_t)type_len * i;
            out[i].s.n = (size_t)type_len;
        }
        return 0;
    case PQ_BYTE_ARRAY: {
        const uint8_t *q = p, *end = p + n;
        for (size_t i = 0; i < count; i++) {
            if (end - q < 4) FAIL("PLAIN byte array length overruns the page");
            uint32_t len = load_le32(q);
            q += 4;
            if (len > (size_t)(end - q)) FAIL("PLAIN byte array overruns the page");
            out[i].s.p = (const char *)q;
            out[i].s.n = len;
            q += len;
        }
        return 0;
    }
    default: FAIL("unknown physical type");
    }
}

int pq_decode_delta_binary(int type, const uint8_t *p, size_t n, pq_value *out, size_t count,
                           size_t *used, const char **why) {
    const uint8_t *q = p, *end = p + n;
    uint64_t block, nmini, total, first;
    if (read_uleb(&q, end, &block) < 0 || read_uleb(&q, end, &nmini) < 0 || read_uleb(&q, end, &total) < 0 ||
        read_uleb(&q, end, &first) < 0)
        FAIL("DELTA_BINARY_PACKED header truncated");
    /* The spec fixes these shapes; checking them also bounds the loops. */
    if (block == 0 || block % 128 || block > (1u << 20) || nmini == 0 || block % nmini ||
        (block / nmini) % 32)
        FAIL("DELTA_BINARY_PACKED block shape invalid");
    if (total < count) FAIL("DELTA_BINARY_PACKED has fewer values than the page needs");
    uint64_t per_mini = block / nmini;
    uint64_t v = (first >> 1) ^ -(first & 1); /* zigzag, wrapping arithmetic */
    size_t i = 0;
    if (count > 0) out[i++].i = type == PQ_INT32 ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v;
    /* Values beyond the first come in blocks; the last needed miniblock is
     * padded to full size, later ones are absent. */
    uint64_t remaining = total > 0 ? total - 1 : 0;
    while (remaining > 0) {
        uint64_t md;
        if (read_uleb(&q, end, &md) < 0) FAIL("DELTA_BINARY_PACKED block header truncated");
        uint64_t min_delta = (md >> 1) ^ -(md & 1);
        if (nmini > (uint64_t)(end - q)) FAIL("DELTA_BINARY_PACKED bit widths truncated");
        const uint8_t *widths = q;
        q += nmini;
        for (uint64_t m = 0; m < nmini && remaining > 0; m++) {
            int bw = widths[m];
            if (bw > 64) FAIL("DELTA_BINARY_PACKED bit width out of range");
            uint64_t nbytes = per_mini * (unsigned)bw / 8;
            if (nbytes > (uint64_t)(end - q)) FAIL("DELTA_BINARY_PACKED miniblock overruns the page");
            uint64_t take = per_mini < remaining ? per_mini : remaining;
            /* Values past `count` are only walked over (for *used), so a
             * header claiming billions of zero-width values costs nothing. */
            for (uint64_t k = 0; k < take && i < count; k++) {
                uint64_t d = get_bits(q, (size_t)nbytes, k * (unsigned)bw, bw);
                v += min_delta + d;
                out[i++].i = type == PQ_INT32 ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v;
            }
            remaining -= take;
            q += nbytes;
        }
    }
    if (used) *used = (size_t)(q - p);
    return 0;
}

int pq_decode_delta_length(const uint8_t *p, size_t n, pq_value *out, size_t count, const char **why) {
    size_t used;
    if (pq_decode_delta_binary(PQ_INT64, p, n, out, count, &used, why) < 0) return -1;
    const uint8_t *q = p + used, *end = p + n;
    for (size_t i = 0; i < count; i++) {
        int64_t len = out[i].i;
        if (len < 0 || (uint64_t)len > (uint64_t)(end - q)) FAIL("DELTA_LENGTH_BYTE_ARRAY value overruns the page");
        out[i].s.p = (const char *)q;
        out[i].s.n = (size_t)len;
        q += len;
    }
    return 0;
}

int pq_decode_delta_bytes(const uint8_t *p, size_t n, pq_value *out, size_t count, hv_buf *bytes,
                          const char **why) {
    /* Prefix lengths (kept in out[].i), then the suffixes as a
     * DELTA_LENGTH_BYTE_ARRAY. */
    size_t used;
    if (pq_decode_delta_binary(PQ_INT64, p, n, out, count, &used, why) < 0) return -1;
    const uint8_t *q = p + used, *end = p + n;
    hv_buf_clear(bytes);
    size_t sused;
    /* The suffix lengths need an array of their own while out[] holds the
     * prefixes. */
    hv_buf lens = {0};
    lens.max = bytes->max;
    if (count && hv_buf_reserve(&lens, count * sizeof(pq_value)) < 0) FAIL("out of memory decoding DELTA_BYTE_ARRAY");
    pq_value *sl = (pq_value *)lens.p;
    if (pq_decode_delta_binary(PQ_INT64, q, (size_t)(end - q), sl, count, &sused, why) < 0) {
        hv_buf_free(&lens);
        return -1;
    }
    q += sused;
    /* Offsets first: bytes->p may move while growing. */
    size_t prev_off = 0, prev_len = 0;
    for (size_t i = 0; i < count; i++) {
        int64_t pre = out[i].i, suf = sl[i].i;
        if (pre < 0 || (uint64_t)pre > prev_len || suf < 0 || (uint64_t)suf > (uint64_t)(end - q)) {
            hv_buf_free(&lens);
            FAIL("DELTA_BYTE_ARRAY prefix or suffix out of range");
        }
        size_t off = bytes->n;
        if (hv_buf_reserve(bytes, (size_t)pre + (size_t)suf) < 0) {
            hv_buf_free(&lens);
            FAIL("DELTA_BYTE_ARRAY values exceed the page size limit");
        }
        memcpy(bytes->p + off, bytes->p + prev_off, (size_t)pre);
        memcpy(bytes->p + off + pre, q, (size_t)suf);
        bytes->n += (size_t)pre + (size_t)suf;
        q += suf;
        prev_off = off;
        prev_len = (size_t)pre + (size_t)suf;
        out[i].s.p = (const char *)(uintptr_t)off; /* offset for now */
        out[i].s.n = prev_len;
    }
    for (size_t i = 0; i < count; i++) out[i].s.p = bytes->p + (uintptr_t)out[i].s.p;
    hv_buf_free(&lens);
    return 0;
}

int pq_decode_byte_stream_split(int type, int type_len, const uint8_t *p, size_t n, pq_value *out,
                                size_t count, hv_buf *bytes, const char **why) {
    size_t w;
    switch (type) {
    case PQ_FLOAT:
    case PQ_INT32: w = 4; break;
    case PQ_DOUBLE:
    case PQ_INT64: w = 8; break;
    case PQ_FIXED_LEN_BYTE_ARRAY:
        if (type_len <= 0) FAIL("bad FIXED_LEN_BYTE_ARRAY width");
        w = (size_t)type_len;
        break;
    default: FAIL("BYTE_STREAM_SPLIT on an unsupported type");
    }
    if (count > n / w) FAIL("BYTE_STREAM_SPLIT values overrun the page");
    /* The stream count is the page's value count, which for a page with
     * nulls is the non-null count: both writers we know size it that way. */
    size_t streams = n / w;
    if (type == PQ_FIXED_LEN_BYTE_ARRAY) {
        hv_buf_clear(bytes);
        if (hv_buf_reserve(bytes, count * w) < 0) FAIL("out of memory decoding BYTE_STREAM_SPLIT");
        for (size_t i = 0; i < count; i++) {
            for (size_t k = 0; k < w; k++) bytes->p[i * w + k] = (char)p[k * streams + i];
            out[i].s.p = bytes->p + i * w;
            out[i].s.n = w;
        }
        bytes->n = count * w;
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        uint8_t tmp[8];
        for (size_t k = 0; k < w; k++) tmp[k] = p[k * streams + i];
        if (type == PQ_FLOAT) {
            float f;
            memcpy(&f, tmp, 4);
            out[i].d = f;
        } else if (type == PQ_DOUBLE) {
            memcpy(&out[i].d, tmp, 8);
        } else if (type == PQ_INT32) {
            out[i].i = (int32_t)load_le32(tmp);
        } else {
            out[i].i = (int64_t)load_le64(tmp);
        }
    }
    return 0;
}
