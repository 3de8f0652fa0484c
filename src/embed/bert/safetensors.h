/* safetensors.h - read-only access to a .safetensors file (the weights of a
 * Hugging Face model folder).
 *
 * The format: an 8-byte little-endian header length N, N bytes of JSON
 *   {"__metadata__": {"k": "v", ...},
 *    "name": {"dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end]}, ...}
 * and then the data; offsets count from the first byte after the header.
 * The file is mapped (never copied); tensors point into the mapping.
 *
 * st_open validates what can be validated without converting anything: the
 * header length against the file and a 100 MB cap, the JSON, every tensor's
 * shape and offsets (inside the data area, and end - begin = elements x
 * element size).  Tensors may overlap (the format allows it; we do not
 * check).  A dtype this reader does not know is kept (its size unchecked)
 * and refused only when the tensor is converted, so a file with, say, an
 * I64 position_ids buffer or a newer dtype beside the float weights opens. */
#ifndef HV_SAFETENSORS_H
#define HV_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define HV_ST_MAX_DIMS 8
/* The cap the reference implementation uses: a header beyond it is garbage. */
#define HV_ST_MAX_HEADER ((uint64_t)100 * 1000 * 1000)

typedef enum hv_st_dtype {
    HV_ST_UNKNOWN = 0, /* a dtype name this reader does not know */
    HV_ST_BOOL,
    HV_ST_U8,
    HV_ST_I8,
    HV_ST_F8_E4M3,
    HV_ST_F8_E5M2,
    HV_ST_F8_E8M0,
    HV_ST_F4,
    HV_ST_F6_E2M3,
    HV_ST_F6_E3M2,
    HV_ST_I16,
    HV_ST_U16,
    HV_ST_F16,
    HV_ST_BF16,
    HV_ST_I32,
    HV_ST_U32,
    HV_ST_F32,
    HV_ST_I64,
    HV_ST_U64,
    HV_ST_F64,
} hv_st_dtype;

typedef struct hv_st_tensor {
    const char *name;       /* owned by the file */
    const char *dtype_name; /* as the header spells it ("F32", "I64", ...) */
    hv_st_dtype dtype;
    uint32_t ndim;          /* 0 for a scalar */
    uint64_t shape[HV_ST_MAX_DIMS];
    uint64_t numel;         /* product of shape (1 for a scalar) */
    const void *data;       /* into the mapping: read-only and possibly unaligned */
    uint64_t nbytes;        /* end - begin */
    const char *file;       /* the path, for messages */
} hv_st_tensor;

typedef struct hv_safetensors hv_safetensors;

/* Map and validate path.  *out is NULL on failure.  HV_EIO when the file
 * cannot be opened or mapped, HV_EINPUT (naming the file and, where one is
 * at fault, the tensor) when it is not a valid safetensors file. */
int st_open(const char *path, hv_safetensors **out, hv_err *e);
void st_close(hv_safetensors *st);

/* The tensor called name, or NULL. */
const hv_st_tensor *st_find(const hv_safetensors *st, const char *name);
/* All tensors, sorted by name: i in [0, st_count). */
size_t st_count(const hv_safetensors *st);
const hv_st_tensor *st_tensor(const hv_safetensors *st, size_t i);
/* A value of the header's "__metadata__" object, or NULL. */
const char *st_metadata(const hv_safetensors *st, const char *key);

/* "F32" for HV_ST_F32, ...; "?" for HV_ST_UNKNOWN. */
const char *st_dtype_name(hv_st_dtype d);

/* Convert t (F32, F16 or BF16) to n floats, n == t->numel.  Exact: F16
 * subnormals, infinities and NaNs (payload kept) all map to the float of
 * the same value; BF16 is the upper half of an F32.  HV_EINPUT for another
 * dtype or a count other than t->numel. */
int st_to_f32(const hv_st_tensor *t, float *dst, size_t n, hv_err *e);

/* One F16 / BF16 value (bits as stored) as a float: exposed for tests. */
float st_f16_to_f32(uint16_t h);
float st_bf16_to_f32(uint16_t b);

#endif
