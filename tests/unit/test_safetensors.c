/* test_safetensors.c - the safetensors reader on files written by hand:
 * F32/F16/BF16 values (F16 subnormals, infinities, NaNs; every F16 bit
 * pattern against the compiler's own conversion), lookup and metadata,
 * dtypes it cannot convert, and each malformed case with its message. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embed/bert/safetensors.h"

static char tmpdir[64];
static char file[128];

static void mk(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hv-st-XXXXXX");
    cr_assert(mkdtemp(tmpdir));
    snprintf(file, sizeof file, "%s/model.safetensors", tmpdir);
}
static void rm(void) {
    unlink(file);
    rmdir(tmpdir);
}

TestSuite(safetensors, .init = mk, .fini = rm);

/* Write file: the 8-byte length hlen (the header's own length when
 * UINT64_MAX), the header, the data. */
static void write_raw(const void *bytes, size_t n) {
    FILE *f = fopen(file, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(bytes, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
}
static void write_st_len(uint64_t hlen, const char *header, const void *data, size_t ndata) {
    size_t h = strlen(header);
    uint8_t *b = malloc(8 + h + ndata + 1);
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(hlen >> (8 * i));
    memcpy(b + 8, header, h);
    if (ndata) memcpy(b + 8 + h, data, ndata);
    write_raw(b, 8 + h + ndata);
    free(b);
}
static void write_st(const char *header, const void *data, size_t ndata) {
    write_st_len(strlen(header), header, data, ndata);
}

/* Open must fail with HV_EINPUT and a message naming the file and holding want. */
static void open_fails(const char *want) {
    hv_safetensors *st = (hv_safetensors *)1;
    hv_err e = {0};
    int rc = st_open(file, &st, &e);
    cr_assert_eq(rc, HV_EINPUT, "rc %d (%s), wanted a failure mentioning '%s'", rc, e.msg, want);
    cr_assert_null(st);
    cr_assert(strstr(e.msg, file), "message does not name the file: %s", e.msg);
    cr_assert(strstr(e.msg, want), "message lacks '%s': %s", want, e.msg);
}

static hv_safetensors *open_ok(void) {
    hv_safetensors *st;
    hv_err e = {0};
    cr_assert_eq(st_open(file, &st, &e), HV_OK, "%s", e.msg);
    return st;
}

static uint32_t bits_of(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

Test(safetensors, f32_f16_bf16_round_values) {
    const float f32[4] = {1.0f, -2.5f, 0.0f, 65504.0f};
    const uint16_t f16[4] = {0x3C00, 0xC100, 0x3800, 0x7BFF};  /* 1, -2.5, 0.5, 65504 */
    const uint16_t bf16[4] = {0x3F80, 0xC020, 0x4049, 0x0000}; /* 1, -2.5, 3.140625, 0 */
    uint8_t data[16 + 8 + 8];
    memcpy(data, f32, 16);
    memcpy(data + 16, f16, 8); /* the host is little-endian, as the format */
    memcpy(data + 24, bf16, 8);
    write_st("{\"__metadata__\":{\"format\":\"pt\"},"
             "\"b\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[16,24]},"
             "\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
             "\"c\":{\"dtype\":\"BF16\",\"shape\":[1,4],\"data_offsets\":[24,32]}}",
             data, sizeof data);
    hv_safetensors *st = open_ok();
    cr_assert_eq(st_count(st), 3);
    cr_assert_str_eq(st_tensor(st, 0)->name, "a", "sorted by name");
    cr_assert_str_eq(st_tensor(st, 2)->name, "c");
    cr_assert_null(st_tensor(st, 3));
    cr_assert_str_eq(st_metadata(st, "format"), "pt");
    cr_assert_null(st_metadata(st, "nope"));
    cr_assert_null(st_find(st, "d"));
    cr_assert_null(st_find(st, "__metadata__"));

    const hv_st_tensor *a = st_find(st, "a"), *b = st_find(st, "b"), *c = st_find(st, "c");
    cr_assert(a && b && c);
    cr_assert_eq(a->dtype, HV_ST_F32);
    cr_assert_eq(a->ndim, 1);
    cr_assert_eq(a->shape[0], 4);
    cr_assert_eq(a->nbytes, 16);
    cr_assert_eq(b->ndim, 2);
    cr_assert_eq(b->numel, 4);
    cr_assert_str_eq(b->dtype_name, "F16");
    cr_assert_eq(c->dtype, HV_ST_BF16);
    float out[4];
    hv_err e;
    cr_assert_eq(st_to_f32(a, out, 4, &e), HV_OK);
    for (int i = 0; i < 4; i++) cr_assert_eq(out[i], f32[i]);
    cr_assert_eq(st_to_f32(b, out, 4, &e), HV_OK);
    cr_assert_eq(out[0], 1.0f);
    cr_assert_eq(out[1], -2.5f);
    cr_assert_eq(out[2], 0.5f);
    cr_assert_eq(out[3], 65504.0f);
    cr_assert_eq(st_to_f32(c, out, 4, &e), HV_OK);
    cr_assert_eq(out[0], 1.0f);
    cr_assert_eq(out[1], -2.5f);
    cr_assert_eq(out[2], 3.140625f);
    cr_assert_eq(out[3], 0.0f);
    /* a count that is not the tensor's: an error naming both */
    cr_assert_eq(st_to_f32(b, out, 3, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "'b'") && strstr(e.msg, file), "%s", e.msg);
    st_close(st);
}

Test(safetensors, f16_special_values) {
    cr_assert_eq(st_f16_to_f32(0x0001), 0x1p-24f, "smallest subnormal");
    cr_assert_eq(st_f16_to_f32(0x03FF), 1023 * 0x1p-24f, "largest subnormal");
    cr_assert_eq(st_f16_to_f32(0x0200), 0x1p-15f);
    cr_assert_eq(st_f16_to_f32(0x8001), -0x1p-24f);
    cr_assert_eq(st_f16_to_f32(0x0400), 0x1p-14f, "smallest normal");
    cr_assert_eq(bits_of(st_f16_to_f32(0x8000)), 0x80000000u, "-0 keeps its sign");
    cr_assert_eq(st_f16_to_f32(0x7C00), INFINITY);
    cr_assert_eq(st_f16_to_f32(0xFC00), -INFINITY);
    cr_assert(isnan(st_f16_to_f32(0x7E00)));
    cr_assert(isnan(st_f16_to_f32(0xFC01)));
    cr_assert_eq(bits_of(st_f16_to_f32(0x7C01)), 0x7F802000u, "a signalling NaN's payload is kept");
    cr_assert_eq(st_bf16_to_f32(0x7F80), INFINITY);
    cr_assert(isnan(st_bf16_to_f32(0x7FC0)));
    cr_assert_eq(bits_of(st_bf16_to_f32(0x0001)), 0x00010000u, "a BF16 subnormal");
    cr_assert_eq(bits_of(st_bf16_to_f32(0x8000)), 0x80000000u);
}

#ifdef __FLT16_MAX__
Test(safetensors, every_f16_bit_pattern_matches_the_compiler) {
    for (uint32_t h = 0; h < 65536; h++) {
        _Float16 x;
        uint16_t b = (uint16_t)h;
        memcpy(&x, &b, sizeof b);
        float want = (float)x, got = st_f16_to_f32(b);
        if (isnan(want)) cr_assert(isnan(got), "0x%04x", h);
        else cr_assert_eq(bits_of(got), bits_of(want), "0x%04x: %a, expected %a", h, got, want);
    }
}
#endif

Test(safetensors, f16_subnormal_inf_nan_from_a_file) {
    const uint16_t v[6] = {0x0001, 0x83FF, 0x7C00, 0xFC00, 0x7E00, 0x8000};
    write_st("{\"h\":{\"dtype\":\"F16\",\"shape\":[6],\"data_offsets\":[0,12]}}", v, sizeof v);
    hv_safetensors *st = open_ok();
    float out[6];
    cr_assert_eq(st_to_f32(st_find(st, "h"), out, 6, NULL), HV_OK);
    cr_assert_eq(out[0], 0x1p-24f);
    cr_assert_eq(out[1], -1023 * 0x1p-24f);
    cr_assert_eq(out[2], INFINITY);
    cr_assert_eq(out[3], -INFINITY);
    cr_assert(isnan(out[4]));
    cr_assert_eq(bits_of(out[5]), 0x80000000u);
    st_close(st);
}

Test(safetensors, unaligned_data_scalar_empty_and_overlapping_tensors) {
    /* header of odd length: the data start at an odd file offset */
    const char *h = "{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                    "\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                    "\"z\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]}} ";
    char hdr[512];
    snprintf(hdr, sizeof hdr, "%s%s", h, strlen(h) % 2 ? "" : " ");
    const float v = 42.5f;
    write_st(hdr, &v, sizeof v);
    hv_safetensors *st = open_ok();
    const hv_st_tensor *s = st_find(st, "s"), *t = st_find(st, "t"), *z = st_find(st, "z");
    cr_assert(s && t && z);
    cr_assert_eq(s->ndim, 0);
    cr_assert_eq(s->numel, 1, "a scalar has one element");
    cr_assert_eq(z->numel, 0);
    cr_assert_eq(z->nbytes, 0);
    cr_assert_eq(s->data, t->data, "overlapping tensors are allowed");
    float out[1] = {0};
    cr_assert_eq(st_to_f32(s, out, 1, NULL), HV_OK);
    cr_assert_eq(out[0], 42.5f);
    cr_assert_eq(st_to_f32(z, out, 0, NULL), HV_OK);
    st_close(st);
}

Test(safetensors, other_dtypes_open_and_are_refused_only_on_conversion) {
    uint8_t data[16 + 2] = {0};
    write_st("{\"pos\":{\"dtype\":\"I64\",\"shape\":[1,2],\"data_offsets\":[0,16]},"
             "\"q\":{\"dtype\":\"Q7_FANCY\",\"shape\":[5],\"data_offsets\":[16,18]},"
             "\"b\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[16,18]}}",
             data, sizeof data);
    hv_safetensors *st = open_ok();
    const hv_st_tensor *pos = st_find(st, "pos"), *q = st_find(st, "q");
    cr_assert_eq(pos->dtype, HV_ST_I64);
    cr_assert_eq(q->dtype, HV_ST_UNKNOWN, "an unknown dtype is kept, its size unchecked");
    cr_assert_str_eq(q->dtype_name, "Q7_FANCY");
    cr_assert_str_eq(st_dtype_name(HV_ST_BF16), "BF16");
    float out[5];
    hv_err e;
    cr_assert_eq(st_to_f32(pos, out, 2, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "'pos'") && strstr(e.msg, "I64") && strstr(e.msg, file), "%s", e.msg);
    cr_assert_eq(st_to_f32(q, out, 5, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "Q7_FANCY"), "%s", e.msg);
    st_close(st);
}

Test(safetensors, empty_header_object_and_trailing_spaces) {
    write_st("{}   ", NULL, 0);
    hv_safetensors *st = open_ok();
    cr_assert_eq(st_count(st), 0);
    cr_assert_null(st_find(st, "x"));
    st_close(st);
}

Test(safetensors, missing_file_and_directory) {
    hv_safetensors *st;
    hv_err e;
    cr_assert_eq(st_open("/nonexistent/model.safetensors", &st, &e), HV_EIO);
    cr_assert_null(st);
    cr_assert_eq(st_open(tmpdir, &st, &e), HV_EINPUT);
}

Test(safetensors, shorter_than_8_bytes) {
    write_raw("", 0);
    open_fails("shorter than");
    write_raw("\x02\0\0\0\0", 5);
    open_fails("shorter than");
}

Test(safetensors, header_length_beyond_the_file) {
    write_st_len(1000, "{}", NULL, 0);
    open_fails("past the end of the file");
}

Test(safetensors, absurd_header_length) {
    write_st_len(200000000, "{}", NULL, 0);
    open_fails("absurd");
    write_st_len(UINT64_MAX, "{}", NULL, 0);
    open_fails("absurd");
}

Test(safetensors, header_not_json) {
    write_st("{\"a\": {\"dtype\": ", NULL, 0);
    open_fails("not valid JSON");
    write_st("PK\x03\x04garbage", NULL, 0);
    open_fails("not valid JSON");
}

Test(safetensors, header_not_an_object) {
    write_st("[1, 2, 3]", NULL, 0);
    open_fails("not a JSON object");
    write_st("\"text\"", NULL, 0);
    open_fails("not a JSON object");
}

Test(safetensors, text_after_the_header_json) {
    write_st("{} {}", NULL, 0);
    open_fails("text after");
}

Test(safetensors, header_not_utf8) {
    write_st("{\"a\xff\":{}}", NULL, 0);
    open_fails("UTF-8");
}

Test(safetensors, size_mismatch_names_the_tensor) {
    uint8_t data[12] = {0};
    write_st("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", data, sizeof data);
    open_fails("'w'");
    open_fails("4 elements of F32");
    write_st("{\"w\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,8]}}", data, sizeof data);
    open_fails("'w'");
    /* element count overflowing 64 bits */
    write_st("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,16],\"data_offsets\":[0,12]}}", data,
             sizeof data);
    open_fails("overflows");
}

Test(safetensors, offsets_out_of_the_data_area_or_truncated) {
    uint8_t data[8] = {0};
    write_st("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", data, sizeof data);
    open_fails("truncated");
    open_fails("'w'");
    write_st("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", data, sizeof data);
    open_fails("past the data area");
    write_st("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", data, sizeof data);
    open_fails("end before they begin");
}

Test(safetensors, malformed_entries) {
    uint8_t data[8] = {0};
    static const struct {
        const char *header, *want;
    } cases[] = {
        {"{\"w\":[1,2]}", "not an object"},
        {"{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "dtype"},
        {"{\"w\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", "dtype"},
        {"{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "shape"},
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":{},\"data_offsets\":[0,4]}}", "shape"},
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "shape[0]"},
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", "shape[0]"},
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", "shape[0]"},
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", "9 dimensions"},
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", "data_offsets"},
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "data_offsets"},
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", "data_offsets"},
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", "data_offsets"},
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":\"0,4\"}}", "data_offsets"},
        {"{\"__metadata__\":[\"pt\"]}", "__metadata__"},
        {"{\"__metadata__\":{\"format\":1}}", "'format' is not a string"},
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
         "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
         "described twice"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        write_st(cases[i].header, data, sizeof data);
        open_fails(cases[i].want);
    }
}
