/* safetensors.c - mmap reader of the safetensors format (see safetensors.h).
 *
 * The parsed header (cJSON) lives as long as the file: tensor names, dtype
 * names and metadata values point into it, which saves copying them. */
#include "embed/bert/safetensors.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/le.h"
#include "core/utf8.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors.c copies F32 data as is: it assumes a little-endian host"
#endif

struct hv_safetensors {
    char *path;
    const uint8_t *base; /* the mapping */
    size_t size;
    cJSON *header;
    const cJSON *metadata; /* NULL when the header has none */
    hv_st_tensor *t;       /* sorted by name */
    size_t n;
};

static const struct {
    const char *name;
    hv_st_dtype d;
    uint32_t bits;
} DTYPES[] = {
    {"BOOL", HV_ST_BOOL, 8},       {"U8", HV_ST_U8, 8},           {"I8", HV_ST_I8, 8},
    {"F8_E4M3", HV_ST_F8_E4M3, 8}, {"F8_E5M2", HV_ST_F8_E5M2, 8}, {"F8_E8M0", HV_ST_F8_E8M0, 8},
    {"F4", HV_ST_F4, 4},           {"F6_E2M3", HV_ST_F6_E2M3, 6}, {"F6_E3M2", HV_ST_F6_E3M2, 6},
    {"I16", HV_ST_I16, 16},        {"U16", HV_ST_U16, 16},        {"F16", HV_ST_F16, 16},
    {"BF16", HV_ST_BF16, 16},      {"I32", HV_ST_I32, 32},        {"U32", HV_ST_U32, 32},
    {"F32", HV_ST_F32, 32},        {"I64", HV_ST_I64, 64},        {"U64", HV_ST_U64, 64},
    {"F64", HV_ST_F64, 64},
};
#define N_DTYPES (sizeof DTYPES / sizeof DTYPES[0])

const char *st_dtype_name(hv_st_dtype d) {
    for (size_t i = 0; i < N_DTYPES; i++)
        if (DTYPES[i].d == d) return DTYPES[i].name;
    return "?";
}

/* Bits per element, 0 for HV_ST_UNKNOWN. */
static uint32_t dtype_bits(hv_st_dtype d) {
    for (size_t i = 0; i < N_DTYPES; i++)
        if (DTYPES[i].d == d) return DTYPES[i].bits;
    return 0;
}

static hv_st_dtype dtype_of(const char *name) {
    for (size_t i = 0; i < N_DTYPES; i++)
        if (!strcmp(DTYPES[i].name, name)) return DTYPES[i].d;
    return HV_ST_UNKNOWN;
}

void st_close(hv_safetensors *st) {
    if (!st) return;
    if (st->base) munmap((void *)st->base, st->size);
    cJSON_Delete(st->header);
    free(st->t);
    free(st->path);
    free(st);
}

/* A JSON number that is a non-negative integer a double holds exactly. */
static bool json_u64(const cJSON *j, uint64_t *v) {
    if (!cJSON_IsNumber(j)) return false;
    double d = j->valuedouble;
    if (!(d >= 0 && d <= 9007199254740992.0) || d != floor(d)) return false;
    *v = (uint64_t)d;
    return true;
}

static bool json_blank(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') return false;
    return true;
}

/* Fill t from its header entry j; data_size is the byte count after the header. */
static int parse_tensor(const hv_safetensors *st, const cJSON *j, uint64_t data_size, hv_st_tensor *t, hv_err *e) {
    const char *path = st->path, *name = j->string;
    t->name = name;
    t->file = st->path;
    if (!cJSON_IsObject(j)) return hv_errf(e, HV_EINPUT, "%s: tensor '%s': header entry is not an object", path, name);
    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(j, "dtype");
    const cJSON *shape = cJSON_GetObjectItemCaseSensitive(j, "shape");
    const cJSON *off = cJSON_GetObjectItemCaseSensitive(j, "data_offsets");
    if (!cJSON_IsString(dt)) return hv_errf(e, HV_EINPUT, "%s: tensor '%s': no \"dtype\" string", path, name);
    t->dtype_name = dt->valuestring;
    t->dtype = dtype_of(dt->valuestring);
    if (!cJSON_IsArray(shape)) return hv_errf(e, HV_EINPUT, "%s: tensor '%s': no \"shape\" array", path, name);
    int nd = cJSON_GetArraySize(shape);
    if (nd > HV_ST_MAX_DIMS)
        return hv_errf(e, HV_EINPUT, "%s: tensor '%s': %d dimensions, at most %d are supported", path, name, nd,
                       HV_ST_MAX_DIMS);
    t->ndim = (uint32_t)nd;
    t->numel = 1;
    bool overflow = false;
    const cJSON *d;
    uint32_t k = 0;
    cJSON_ArrayForEach(d, shape) {
        if (!json_u64(d, &t->shape[k]))
            return hv_errf(e, HV_EINPUT, "%s: tensor '%s': shape[%u] is not a non-negative integer", path, name, k);
        overflow |= __builtin_mul_overflow(t->numel, t->shape[k], &t->numel);
        k++;
    }
    if (overflow) return hv_errf(e, HV_EINPUT, "%s: tensor '%s': the shape's element count overflows", path, name);
    uint64_t begin, end;
    if (!cJSON_IsArray(off) || cJSON_GetArraySize(off) != 2 || !json_u64(cJSON_GetArrayItem(off, 0), &begin) ||
        !json_u64(cJSON_GetArrayItem(off, 1), &end))
        return hv_errf(e, HV_EINPUT, "%s: tensor '%s': \"data_offsets\" is not a pair of non-negative integers", path,
                       name);
    if (begin > end)
        return hv_errf(e, HV_EINPUT, "%s: tensor '%s': data_offsets [%llu, %llu] end before they begin", path, name,
                       (unsigned long long)begin, (unsigned long long)end);
    if (end > data_size)
        return hv_errf(e, HV_EINPUT,
                       "%s: tensor '%s': data_offsets [%llu, %llu] reach past the data area (%llu bytes): truncated "
                       "file?",
                       path, name, (unsigned long long)begin, (unsigned long long)end, (unsigned long long)data_size);
    t->nbytes = end - begin;
    uint32_t bits = dtype_bits(t->dtype);
    if (bits) {
        uint64_t nbits;
        if (__builtin_mul_overflow(t->numel, (uint64_t)bits, &nbits) || nbits % 8 || nbits / 8 != t->nbytes)
            return hv_errf(e, HV_EINPUT,
                           "%s: tensor '%s': %llu elements of %s need %llu bits, data_offsets [%llu, %llu] hold %llu "
                           "bytes",
                           path, name, (unsigned long long)t->numel, t->dtype_name,
                           (unsigned long long)t->numel * bits, (unsigned long long)begin, (unsigned long long)end,
                           (unsigned long long)t->nbytes);
    }
    t->data = st->base + (st->size - data_size) + begin;
    return HV_OK;
}

static int by_name(const void *a, const void *b) {
    return strcmp(((const hv_st_tensor *)a)->name, ((const hv_st_tensor *)b)->name);
}

static int parse_header(hv_safetensors *st, uint64_t hlen, hv_err *e) {
    const char *path = st->path, *h = (const char *)st->base + 8;
    size_t bad;
    if (!hv_utf8_valid(h, hlen, &bad))
        return hv_errf(e, HV_EINPUT, "%s: header is not valid UTF-8 (byte %llu)", path,
                       (unsigned long long)bad + 8);
    const char *end = NULL;
    st->header = cJSON_ParseWithLengthOpts(h, hlen, &end, 0);
    if (!st->header) {
        size_t at = end && end >= h && end <= h + hlen ? (size_t)(end - h) : 0;
        return hv_errf(e, HV_EINPUT, "%s: header is not valid JSON (byte %llu)", path, (unsigned long long)at + 8);
    }
    if (!json_blank(end, hlen - (size_t)(end - h)))
        return hv_errf(e, HV_EINPUT, "%s: text after the header's JSON (byte %llu)", path,
                       (unsigned long long)(end - h) + 8);
    if (!cJSON_IsObject(st->header)) return hv_errf(e, HV_EINPUT, "%s: header is not a JSON object", path);
    size_t n = 0;
    const cJSON *j;
    cJSON_ArrayForEach(j, st->header) {
        if (strcmp(j->string, "__metadata__")) {
            n++;
            continue;
        }
        if (!cJSON_IsObject(j)) return hv_errf(e, HV_EINPUT, "%s: \"__metadata__\" is not an object", path);
        const cJSON *m;
        cJSON_ArrayForEach(m, j) {
            if (!cJSON_IsString(m))
                return hv_errf(e, HV_EINPUT, "%s: \"__metadata__\" value '%s' is not a string", path, m->string);
        }
        st->metadata = j;
    }
    st->t = calloc(n ? n : 1, sizeof *st->t);
    if (!st->t) return hv_errf(e, HV_ENOMEM, "out of memory");
    uint64_t data_size = st->size - 8 - hlen;
    cJSON_ArrayForEach(j, st->header) {
        if (!strcmp(j->string, "__metadata__")) continue;
        int rc = parse_tensor(st, j, data_size, &st->t[st->n], e);
        if (rc) return rc;
        st->n++;
    }
    qsort(st->t, st->n, sizeof *st->t, by_name);
    for (size_t i = 1; i < st->n; i++)
        if (!strcmp(st->t[i - 1].name, st->t[i].name))
            return hv_errf(e, HV_EINPUT, "%s: tensor '%s' is described twice in the header", path, st->t[i].name);
    return HV_OK;
}

int st_open(const char *path, hv_safetensors **out, hv_err *e) {
    *out = NULL;
    hv_safetensors *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path))) {
        free(st);
        return hv_errf(e, HV_ENOMEM, "out of memory");
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int rc = hv_errf(e, HV_EIO, "%s: cannot open: %s", path, strerror(errno));
        st_close(st);
        return rc;
    }
    struct stat sb;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
        close(fd);
        st_close(st);
        return hv_errf(e, HV_EINPUT, "%s: not a regular file", path);
    }
    if (sb.st_size < 8) {
        close(fd);
        st_close(st);
        return hv_errf(e, HV_EINPUT, "%s: not a safetensors file (%lld bytes, shorter than the 8-byte header length)",
                       path, (long long)sb.st_size);
    }
    void *base = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (base == MAP_FAILED) {
        int rc = hv_errf(e, HV_EIO, "%s: cannot map: %s", path, strerror(errno));
        st_close(st);
        return rc;
    }
    st->base = base;
    st->size = (size_t)sb.st_size;
    uint64_t hlen = hv_le_get64(st->base);
    int rc;
    if (hlen > HV_ST_MAX_HEADER)
        rc = hv_errf(e, HV_EINPUT, "%s: header length %llu bytes is absurd (the limit is %llu): not a safetensors file",
                     path, (unsigned long long)hlen, (unsigned long long)HV_ST_MAX_HEADER);
    else if (hlen > st->size - 8)
        rc = hv_errf(e, HV_EINPUT, "%s: header length %llu bytes reaches past the end of the file (%llu bytes)", path,
                     (unsigned long long)hlen, (unsigned long long)st->size);
    else
        rc = parse_header(st, hlen, e);
    if (rc) {
        st_close(st);
        return rc;
    }
    *out = st;
    return HV_OK;
}

const hv_st_tensor *st_find(const hv_safetensors *st, const char *name) {
    hv_st_tensor key = {.name = name};
    return bsearch(&key, st->t, st->n, sizeof *st->t, by_name);
}

size_t st_count(const hv_safetensors *st) { return st->n; }
const hv_st_tensor *st_tensor(const hv_safetensors *st, size_t i) { return i < st->n ? &st->t[i] : NULL; }

const char *st_metadata(const hv_safetensors *st, const char *key) {
    const cJSON *v = st->metadata ? cJSON_GetObjectItemCaseSensitive(st->metadata, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static float from_bits(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

float st_f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1F, man = h & 0x3FF;
    if (exp == 0x1F) return from_bits(sign | 0x7F800000u | man << 13); /* inf, NaN (payload kept) */
    if (exp) return from_bits(sign | (exp + 112) << 23 | man << 13);
    if (!man) return from_bits(sign);
    /* subnormal: man x 2^-24; shift the leading 1 up to the implicit bit */
    int shift = __builtin_clz(man) - 21; /* man < 2^10: clz >= 22 */
    return from_bits(sign | (uint32_t)(113 - shift) << 23 | ((man << shift) & 0x3FF) << 13);
}

float st_bf16_to_f32(uint16_t b) { return from_bits((uint32_t)b << 16); }

int st_to_f32(const hv_st_tensor *t, float *dst, size_t n, hv_err *e) {
    if (n != t->numel)
        return hv_errf(e, HV_EINPUT, "%s: tensor '%s' has %llu elements, expected %zu", t->file, t->name,
                       (unsigned long long)t->numel, n);
    const uint8_t *p = t->data;
    switch (t->dtype) {
    case HV_ST_F32:
        memcpy(dst, p, n * sizeof *dst);
        return HV_OK;
    case HV_ST_F16:
        for (size_t i = 0; i < n; i++) dst[i] = st_f16_to_f32((uint16_t)(p[2 * i] | p[2 * i + 1] << 8));
        return HV_OK;
    case HV_ST_BF16:
        for (size_t i = 0; i < n; i++) dst[i] = st_bf16_to_f32((uint16_t)(p[2 * i] | p[2 * i + 1] << 8));
        return HV_OK;
    default:
        return hv_errf(e, HV_EINPUT, "%s: tensor '%s' has dtype %s; only F32, F16 and BF16 convert to floats", t->file,
                       t->name, t->dtype_name);
    }
}
