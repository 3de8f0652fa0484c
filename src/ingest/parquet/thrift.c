/* thrift.c - Thrift compact protocol decoding (see thrift.h). */
#include "ingest/parquet/thrift.h"

void tc_init(tc_reader *t, const uint8_t *p, size_t n) {
    t->base = p;
    t->p = p;
    t->end = p + n;
    t->depth = 0;
    t->err = NULL;
    t->err_at = 0;
}

void tc_fail(tc_reader *t, const char *why) {
    if (t->err) return;
    t->err = why;
    t->err_at = (size_t)(t->p - t->base);
    /* Park the cursor at the end so every later read fails fast. */
    t->p = t->end;
}

static uint8_t rd_byte(tc_reader *t) {
    if (t->err) return 0;
    if (t->p >= t->end) {
        tc_fail(t, "truncated thrift data");
        return 0;
    }
    return *t->p++;
}

static uint64_t rd_varint(tc_reader *t) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        uint8_t b = rd_byte(t);
        if (t->err) return 0;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
    }
    tc_fail(t, "thrift varint longer than 10 bytes");
    return 0;
}

static int64_t unzigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

void tc_struct_enter(tc_reader *t, int16_t *last_id) {
    *last_id = 0;
    if (++t->depth > TC_MAX_DEPTH) tc_fail(t, "thrift structs nested too deep");
}

void tc_struct_leave(tc_reader *t) { t->depth--; }

bool tc_next_field(tc_reader *t, int16_t *last_id, int16_t *id, uint8_t *type) {
    uint8_t b = rd_byte(t);
    if (t->err || b == TC_STOP) return false;
    uint8_t delta = b >> 4;
    *type = b & 0x0f;
    if (delta) {
        *id = (int16_t)(*last_id + delta);
    } else {
        int64_t v = unzigzag(rd_varint(t));
        if (v < INT16_MIN || v > INT16_MAX) tc_fail(t, "thrift field id out of range");
        *id = (int16_t)v;
    }
    if (*type == TC_STOP || *type > TC_STRUCT) tc_fail(t, "bad thrift field type");
    *last_id = *id;
    return !t->err;
}

int64_t tc_int(tc_reader *t, uint8_t type) {
    switch (type) {
    case TC_BYTE: return (int8_t)rd_byte(t);
    case TC_I16:
    case TC_I32:
    case TC_I64: return unzigzag(rd_varint(t));
    default: tc_fail(t, "thrift field is not an integer"); return 0;
    }
}

int32_t tc_i32(tc_reader *t, uint8_t type) {
    int64_t v = tc_int(t, type);
    if (v < INT32_MIN || v > INT32_MAX) {
        tc_fail(t, "thrift i32 out of range");
        return 0;
    }
    return (int32_t)v;
}

bool tc_bool(tc_reader *t, uint8_t type) {
    if (type == TC_TRUE) return true;
    if (type == TC_FALSE) return false;
    tc_fail(t, "thrift field is not a bool");
    return false;
}

hv_sv tc_binary(tc_reader *t, uint8_t type) {
    hv_sv s = {NULL, 0};
    if (type != TC_BINARY) {
        tc_fail(t, "thrift field is not binary");
        return s;
    }
    uint64_t n = rd_varint(t);
    if (t->err) return s;
    if (n > (uint64_t)(t->end - t->p)) {
        tc_fail(t, "thrift binary overruns its buffer");
        return s;
    }
    s.p = (const char *)t->p;
    s.n = (size_t)n;
    t->p += n;
    return s;
}

uint32_t tc_list(tc_reader *t, uint8_t type, uint8_t *elem_type) {
    *elem_type = 0;
    if (type != TC_LIST && type != TC_SET) {
        tc_fail(t, "thrift field is not a list");
        return 0;
    }
    uint8_t b = rd_byte(t);
    uint64_t n = b >> 4;
    *elem_type = b & 0x0f;
    if (n == 15) n = rd_varint(t);
    if (t->err) return 0;
    /* Each element needs at least one byte, which bounds n by the input. */
    if (n > (uint64_t)(t->end - t->p)) {
        tc_fail(t, "thrift list longer than its buffer");
        return 0;
    }
    return (uint32_t)n;
}

void tc_skip(tc_reader *t, uint8_t type) {
    if (t->err) return;
    switch (type) {
    case TC_TRUE:
    case TC_FALSE: return; /* a field's bool lives in its header */
    case TC_BYTE: rd_byte(t); return;
    case TC_I16:
    case TC_I32:
    case TC_I64: rd_varint(t); return;
    case TC_DOUBLE:
        if (t->end - t->p < 8) tc_fail(t, "truncated thrift double");
        else t->p += 8;
        return;
    case TC_BINARY: tc_binary(t, type); return;
    case TC_LIST:
    case TC_SET: {
        uint8_t et;
        uint32_t n = tc_list(t, type, &et);
        if (++t->depth > TC_MAX_DEPTH) tc_fail(t, "thrift values nested too deep");
        for (uint32_t i = 0; i < n && !t->err; i++) {
            /* Inside containers a bool takes one byte of its own. */
            if (et == TC_TRUE || et == TC_FALSE) rd_byte(t);
            else tc_skip(t, et);
        }
        t->depth--;
        return;
    }
    case TC_MAP: {
        uint64_t n = rd_varint(t);
        if (n == 0 || t->err) return;
        uint8_t kv = rd_byte(t);
        if (n > (uint64_t)(t->end - t->p)) {
            tc_fail(t, "thrift map longer than its buffer");
            return;
        }
        uint8_t kt = kv >> 4, vt = kv & 0x0f;
        if (++t->depth > TC_MAX_DEPTH) tc_fail(t, "thrift values nested too deep");
        for (uint64_t i = 0; i < n && !t->err; i++) {
            if (kt == TC_TRUE || kt == TC_FALSE) rd_byte(t);
            else tc_skip(t, kt);
            if (vt == TC_TRUE || vt == TC_FALSE) rd_byte(t);
            else tc_skip(t, vt);
        }
        t->depth--;
        return;
    }
    case TC_STRUCT: {
        int16_t last, id;
        uint8_t ft;
        tc_struct_enter(t, &last);
        while (tc_next_field(t, &last, &id, &ft)) tc_skip(t, ft);
        tc_struct_leave(t);
        return;
    }
    default: tc_fail(t, "bad thrift type"); return;
    }
}
