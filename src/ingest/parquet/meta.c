/* meta.c - FileMetaData and PageHeader from Thrift (see meta.h).
 *
 * Each decoder walks the struct's fields, keeps the ones it knows and skips
 * the rest with tc_skip, so unknown (newer) fields cost nothing.  Errors stay
 * in the tc_reader; validation of values against the file (offsets inside
 * the file, counts that add up) happens in parquet.c where the file size is
 * known. */
#include "ingest/parquet/meta.h"

#include <string.h>

/* Allocate n zeroed elements; a failure is reported like bad input so the
 * caller has one check.  n is bounded by tc_list, hence by the input size. */
static void *alloc_array(tc_reader *t, hv_arena *mem, uint32_t n, size_t elem) {
    if (n == 0) return NULL;
    void *p = arena_alloc(mem, (size_t)n * elem);
    if (!p) {
        tc_fail(t, "out of memory reading the footer");
        return NULL;
    }
    memset(p, 0, (size_t)n * elem);
    return p;
}

static int32_t read_time_unit(tc_reader *t) {
    int16_t last, id;
    uint8_t ft;
    int32_t unit = PQ_UNIT_NONE;
    tc_struct_enter(t, &last);
    while (tc_next_field(t, &last, &id, &ft)) {
        if (id == 1) unit = PQ_UNIT_MILLIS;
        else if (id == 2) unit = PQ_UNIT_MICROS;
        else if (id == 3) unit = PQ_UNIT_NANOS;
        tc_skip(t, ft); /* the unit structs are empty */
    }
    tc_struct_leave(t);
    return unit;
}

/* LogicalType is a union: the id of its one field says the kind. */
static void read_logical(tc_reader *t, pq_schema_elem *s) {
    int16_t last, id;
    uint8_t ft;
    tc_struct_enter(t, &last);
    while (tc_next_field(t, &last, &id, &ft)) {
        if (ft != TC_STRUCT) {
            tc_skip(t, ft);
            continue;
        }
        int16_t l2, id2;
        uint8_t t2;
        switch (id) {
        case 1: s->logical = PQ_LT_STRING; tc_skip(t, ft); break;
        case 3: s->logical = PQ_LT_LIST; tc_skip(t, ft); break;
        case 5: /* DecimalType { 1: scale, 2: precision } */
            s->logical = PQ_LT_DECIMAL;
            tc_struct_enter(t, &l2);
            while (tc_next_field(t, &l2, &id2, &t2)) {
                if (id2 == 1) s->scale = tc_i32(t, t2);
                else tc_skip(t, t2);
            }
            tc_struct_leave(t);
            break;
        case 6: s->logical = PQ_LT_DATE; tc_skip(t, ft); break;
        case 8: /* TimestampType { 1: isAdjustedToUTC, 2: unit } */
            s->logical = PQ_LT_TIMESTAMP;
            tc_struct_enter(t, &l2);
            while (tc_next_field(t, &l2, &id2, &t2)) {
                if (id2 == 2 && t2 == TC_STRUCT) s->time_unit = read_time_unit(t);
                else tc_skip(t, t2);
            }
            tc_struct_leave(t);
            break;
        case 10: /* IntType { 1: bitWidth (i8), 2: isSigned } */
            s->logical = PQ_LT_INTEGER;
            tc_struct_enter(t, &l2);
            while (tc_next_field(t, &l2, &id2, &t2)) {
                if (id2 == 1) s->int_bits = (int32_t)tc_int(t, t2);
                else if (id2 == 2) s->int_signed = tc_bool(t, t2);
                else tc_skip(t, t2);
            }
            tc_struct_leave(t);
            break;
        default: s->logical = PQ_LT_OTHER; tc_skip(t, ft); break;
        }
    }
    tc_struct_leave(t);
}

static void read_schema_elem(tc_reader *t, pq_schema_elem *s) {
    int16_t last, id;
    uint8_t ft;
    s->type = -1;
    s->repetition = -1;
    s->converted = -1;
    s->int_signed = true;
    tc_struct_enter(t, &last);
    while (tc_next_field(t, &last, &id, &ft)) {
        switch (id) {
        case 1: s->type = tc_i32(t, ft); break;
        case 2: s->type_length = tc_i32(t, ft); break;
        case 3: s->repetition = tc_i32(t, ft); break;
        case 4: s->name = tc_binary(t, ft); break;
        case 5: s->num_children = tc_i32(t, ft); break;
        case 6: s->converted = tc_i32(t, ft); break;
        case 7: s->scale = tc_i32(t, ft); break;
        case 10:
            if (ft == TC_STRUCT) read_logical(t, s);
            else tc_skip(t, ft);
            break;
        default: tc_skip(t, ft); break;
        }
    }
    tc_struct_leave(t);
}

static void read_column_meta(tc_reader *t, pq_chunk_meta *c) {
    int16_t last, id;
    uint8_t ft;
    tc_struct_enter(t, &last);
    while (tc_next_field(t, &last, &id, &ft)) {
        switch (id) {
        case 1: c->type = tc_i32(t, ft); break;
        case 4: c->codec = tc_i32(t, ft); break;
        case 5: c->num_values = tc_int(t, ft); break;
        case 7: c->total_compressed_size = tc_int(t, ft); break;
        case 9: c->data_page_offset = tc_int(t, ft); break;
        case 11: c->dictionary_page_offset = tc_int(t, ft); break;
        default: tc_skip(t, ft); break; /* encodings, path, statistics, ... */
        }
    }
    tc_struct_leave(t);
}

static void read_column_chunk(tc_reader *t, pq_chunk_meta *c) {
    int16_t last, id;
    uint8_t ft;
    c->dictionary_page_offset = -1;
    tc_struct_enter(t, &last);
    while (tc_next_field(t, &last, &id, &ft)) {
        if (id == 1 && ft == TC_BINARY) {
            c->external = tc_binary(t, ft).n > 0;
        } else if (id == 3 && ft == TC_STRUCT) {
            c->has_meta = true;
            read_column_meta(t, c);
        } else {
            tc_skip(t, ft);
        }
    }
    tc_struct_leave(t);
}

static void read_row_group(tc_reader *t, hv_arena *mem, pq_row_group_meta *rg) {
    int16_t last, id;
    uint8_t ft, et;
    tc_struct_enter(t, &last);
    while (tc_next_field(t, &last, &id, &ft)) {
        if (id == 1 && ft == TC_LIST) {
            uint32_t n = tc_list(t, ft, &et);
            if (n && et != TC_STRUCT) {
                tc_fail(t, "RowGroup.columns is not a list of structs");
                break;
            }
            rg->cols = alloc_array(t, mem, n, sizeof *rg->cols);
            for (uint32_t i = 0; i < n && !t->err; i++) read_column_chunk(t, &rg->cols[i]);
            rg->ncols = t->err ? 0 : n;
        } else if (id == 3) {
            rg->num_rows = tc_int(t, ft);
        } else {
            tc_skip(t, ft);
        }
    }
    tc_struct_leave(t);
}

void pq_read_file_meta(tc_reader *t, hv_arena *mem, pq_file_meta *m) {
    int16_t last, id;
    uint8_t ft, et;
    memset(m, 0, sizeof *m);
    tc_struct_enter(t, &last);
    while (tc_next_field(t, &last, &id, &ft)) {
        if (id == 2 && ft == TC_LIST) {
            uint32_t n = tc_list(t, ft, &et);
            if (n && et != TC_STRUCT) {
                tc_fail(t, "FileMetaData.schema is not a list of structs");
                break;
            }
            m->schema = alloc_array(t, mem, n, sizeof *m->schema);
            for (uint32_t i = 0; i < n && !t->err; i++) read_schema_elem(t, &m->schema[i]);
            m->nschema = t->err ? 0 : n;
        } else if (id == 3) {
            m->num_rows = tc_int(t, ft);
        } else if (id == 4 && ft == TC_LIST) {
            uint32_t n = tc_list(t, ft, &et);
            if (n && et != TC_STRUCT) {
                tc_fail(t, "FileMetaData.row_groups is not a list of structs");
                break;
            }
            m->rgs = alloc_array(t, mem, n, sizeof *m->rgs);
            for (uint32_t i = 0; i < n && !t->err; i++) read_row_group(t, mem, &m->rgs[i]);
            m->nrgs = t->err ? 0 : n;
        } else if (id == 8) {
            m->encrypted = true; /* encryption_algorithm: we cannot read these */
            tc_skip(t, ft);
        } else {
            tc_skip(t, ft);
        }
    }
    tc_struct_leave(t);
}

static void read_data_page_header(tc_reader *t, pq_page_header *h, bool v2) {
    int16_t last, id;
    uint8_t ft;
    tc_struct_enter(t, &last);
    while (tc_next_field(t, &last, &id, &ft)) {
        if (!v2) {
            switch (id) {
            case 1: h->num_values = tc_i32(t, ft); break;
            case 2: h->encoding = tc_i32(t, ft); break;
            case 3: h->def_encoding = tc_i32(t, ft); break;
            case 4: h->rep_encoding = tc_i32(t, ft); break;
            default: tc_skip(t, ft); break;
            }
        } else {
            switch (id) {
            case 1: h->num_values = tc_i32(t, ft); break;
            case 2: h->num_nulls = tc_i32(t, ft); break;
            case 3: h->num_rows = tc_i32(t, ft); break;
            case 4: h->encoding = tc_i32(t, ft); break;
            case 5: h->def_len = tc_i32(t, ft); break;
            case 6: h->rep_len = tc_i32(t, ft); break;
            case 7: h->is_compressed = tc_bool(t, ft); break;
            default: tc_skip(t, ft); break;
            }
        }
    }
    tc_struct_leave(t);
}

static void read_dict_page_header(tc_reader *t, pq_page_header *h) {
    int16_t last, id;
    uint8_t ft;
    tc_struct_enter(t, &last);
    while (tc_next_field(t, &last, &id, &ft)) {
        if (id == 1) h->num_values = tc_i32(t, ft);
        else if (id == 2) h->encoding = tc_i32(t, ft);
        else tc_skip(t, ft);
    }
    tc_struct_leave(t);
}

void pq_read_page_header(tc_reader *t, pq_page_header *h) {
    int16_t last, id;
    uint8_t ft;
    memset(h, 0, sizeof *h);
    h->type = -1;
    h->is_compressed = true; /* the v2 default */
    tc_struct_enter(t, &last);
    while (tc_next_field(t, &last, &id, &ft)) {
        switch (id) {
        case 1: h->type = tc_i32(t, ft); break;
        case 2: h->uncompressed_size = tc_i32(t, ft); break;
        case 3: h->compressed_size = tc_i32(t, ft); break;
        case 5:
        case 7:
        case 8:
            if (ft != TC_STRUCT) {
                tc_skip(t, ft);
                break;
            }
            /* Which sub-headers were present is checked against the page
             * type by the caller: the type field need not come first. */
            if (id == 7) read_dict_page_header(t, h);
            else read_data_page_header(t, h, id == 8);
            h->subs |= id == 5 ? PQ_SUB_DATA : id == 7 ? PQ_SUB_DICT : PQ_SUB_V2;
            break;
        default: tc_skip(t, ft); break;
        }
    }
    tc_struct_leave(t);
}
