/* parquet.c - opening a Parquet file: magic, footer, schema flattening.
 *
 * Layout: "PAR1" <column chunks> <FileMetaData> <u32 footer length> "PAR1".
 * The footer is decoded once into arrays in the file's arena; the schema
 * tree (pre-order with child counts) becomes a flat array of leaf columns
 * with their maximum definition and repetition levels, which is all the
 * page decoder needs to rebuild rows. */
#include "ingest/parquet/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a leaf's annotations make of it. */
static void classify(pq_column *c, const pq_schema_elem *s) {
    c->kind = PQ_K_STRING;
    c->conv = PQ_CONV_NONE;
    switch (s->type) {
    case PQ_BOOLEAN: c->kind = PQ_K_BOOL; return;
    case PQ_FLOAT:
    case PQ_DOUBLE: c->kind = PQ_K_DOUBLE; return;
    case PQ_INT96: c->kind = PQ_K_TIME; c->conv = PQ_CONV_INT96; return;
    case PQ_BYTE_ARRAY:
    case PQ_FIXED_LEN_BYTE_ARRAY:
        /* DuckDB writes wide DECIMALs as fixed-length bytes */
        if (s->logical == PQ_LT_DECIMAL || s->converted == PQ_CT_DECIMAL) {
            c->kind = PQ_K_DOUBLE;
            c->conv = PQ_CONV_DECIMAL_BYTES;
        }
        return;
    case PQ_INT32:
    case PQ_INT64: break;
    default: return;
    }
    c->kind = PQ_K_INT;
    /* LogicalType, when present, is the newer and more precise annotation. */
    if (s->logical == PQ_LT_TIMESTAMP) {
        c->kind = PQ_K_TIME;
        c->conv = s->time_unit == PQ_UNIT_MILLIS ? PQ_CONV_MILLIS
                  : s->time_unit == PQ_UNIT_NANOS ? PQ_CONV_NANOS
                                                  : PQ_CONV_MICROS;
        return;
    }
    if (s->logical == PQ_LT_DATE || s->converted == PQ_CT_DATE) {
        c->kind = PQ_K_TIME;
        c->conv = PQ_CONV_DATE;
        return;
    }
    if (s->logical == PQ_LT_DECIMAL || s->converted == PQ_CT_DECIMAL) {
        c->kind = PQ_K_DOUBLE;
        c->conv = PQ_CONV_DECIMAL;
        return;
    }
    if (s->converted == PQ_CT_TIMESTAMP_MILLIS || s->converted == PQ_CT_TIMESTAMP_MICROS) {
        c->kind = PQ_K_TIME;
        c->conv = s->converted == PQ_CT_TIMESTAMP_MILLIS ? PQ_CONV_MILLIS : PQ_CONV_MICROS;
        return;
    }
    bool is_unsigned = (s->logical == PQ_LT_INTEGER && !s->int_signed) ||
                       (s->converted >= PQ_CT_UINT_8 && s->converted <= PQ_CT_UINT_64);
    if (is_unsigned && s->type == PQ_INT32) c->conv = PQ_CONV_U32;
    if (is_unsigned && s->type == PQ_INT64) c->is_unsigned = true;
}

typedef struct walk_state {
    pq_file *f;
    uint32_t idx; /* next schema element */
    const char *err;
} walk_state;

/* Visit the element at w->idx and its subtree. */
static void walk(walk_state *w, int depth, unsigned def, unsigned rep, uint32_t field) {
    pq_file *f = w->f;
    if (w->err) return;
    if (depth > PQ_MAX_SCHEMA_DEPTH) {
        w->err = "schema nested too deep";
        return;
    }
    if (w->idx >= f->meta.nschema) {
        w->err = "schema ends inside a group";
        return;
    }
    const pq_schema_elem *s = &f->meta.schema[w->idx++];
    if (s->repetition == PQ_OPTIONAL) def++;
    else if (s->repetition == PQ_REPEATED) def++, rep++;
    else if (s->repetition != PQ_REQUIRED) {
        w->err = "schema element without a valid repetition type";
        return;
    }
    if (s->num_children < 0 || (uint32_t)s->num_children > f->meta.nschema) {
        w->err = "schema element with a bad child count";
        return;
    }
    if (s->num_children > 0) {
        for (int32_t i = 0; i < s->num_children && !w->err; i++) walk(w, depth + 1, def, rep, field);
        return;
    }
    if (s->type < PQ_BOOLEAN || s->type > PQ_FIXED_LEN_BYTE_ARRAY) {
        w->err = "leaf column without a valid physical type";
        return;
    }
    if (s->type == PQ_FIXED_LEN_BYTE_ARRAY && s->type_length <= 0) {
        w->err = "FIXED_LEN_BYTE_ARRAY column without a width";
        return;
    }
    pq_column *c = &f->cols[f->ncols++];
    memset(c, 0, sizeof *c);
    c->name = f->fields[field].name;
    c->leaf_name = s->name;
    c->field = field;
    c->physical = s->type;
    c->type_length = s->type_length;
    c->max_def = (uint8_t)def;
    c->max_rep = (uint8_t)rep;
    c->scale = s->scale;
    classify(c, s);
    if ((c->conv == PQ_CONV_DECIMAL || c->conv == PQ_CONV_DECIMAL_BYTES) && (c->scale < 0 || c->scale > 38)) w->err = "DECIMAL scale out of range";
}

static int flatten_schema(pq_file *f, hv_err *e) {
    const pq_file_meta *m = &f->meta;
    if (m->nschema == 0 || m->schema[0].num_children < 0 ||
        (uint32_t)m->schema[0].num_children >= m->nschema + 1u)
        return hv_errf(e, HV_EINPUT, "%s: byte offset %zu: footer: bad schema root", f->name, f->footer_start);
    uint32_t nf = (uint32_t)m->schema[0].num_children;
    /* Leaves and fields are at most as many as schema elements. */
    f->cols = arena_alloc(&f->mem, (size_t)m->nschema * sizeof *f->cols);
    f->fields = arena_alloc(&f->mem, (size_t)(nf ? nf : 1) * sizeof *f->fields);
    if (!f->cols || !f->fields) return hv_errf(e, HV_ENOMEM, "%s: out of memory reading the schema", f->name);
    walk_state w = {f, 1, NULL};
    for (uint32_t i = 0; i < nf && !w.err; i++) {
        if (w.idx >= m->nschema) {
            w.err = "schema has fewer elements than the root's children";
            break;
        }
        pq_field *fd = &f->fields[f->nfields++];
        fd->name = m->schema[w.idx].name;
        fd->first_leaf = f->ncols;
        walk(&w, 1, 0, 0, i);
        fd->nleaves = f->ncols - fd->first_leaf;
    }
    if (!w.err && w.idx != m->nschema) w.err = "schema has elements outside the root";
    if (w.err) return hv_errf(e, HV_EINPUT, "%s: byte offset %zu: footer: %s", f->name, f->footer_start, w.err);
    return HV_OK;
}

static int check_row_groups(pq_file *f, hv_err *e) {
    const pq_file_meta *m = &f->meta;
    f->num_rows = 0;
    for (uint32_t r = 0; r < m->nrgs; r++) {
        const pq_row_group_meta *rg = &m->rgs[r];
        if (rg->ncols != f->ncols)
            return hv_errf(e, HV_EINPUT, "%s: byte offset %zu: footer: row group %u has %u columns, the schema %u",
                           f->name, f->footer_start, r, rg->ncols, f->ncols);
        /* Run-length encoding lets a row cost less than a bit, but no real
         * file stores 64 rows per byte; the bound keeps a forged count from
         * making us loop over billions of empty rows. */
        if (rg->num_rows < 0 || (uint64_t)rg->num_rows > (uint64_t)f->size * 64 + 1024 ||
            f->num_rows > INT64_MAX - rg->num_rows)
            return hv_errf(e, HV_EINPUT, "%s: byte offset %zu: footer: row group %u has a bad row count %lld",
                           f->name, f->footer_start, r, (long long)rg->num_rows);
        f->num_rows += rg->num_rows;
        for (uint32_t c = 0; c < rg->ncols; c++) {
            const pq_chunk_meta *ch = &rg->cols[c];
            if (!ch->has_meta || ch->external)
                return hv_errf(e, HV_EINPUT, "%s: byte offset %zu: footer: row group %u column %u: %s", f->name,
                               f->footer_start, r, c,
                               ch->external ? "column data in another file is not supported" : "no column metadata");
            if (ch->type != f->cols[c].physical)
                return hv_errf(e, HV_EINPUT, "%s: byte offset %zu: footer: row group %u column %u: type %d differs from the schema's %d",
                               f->name, f->footer_start, r, c, ch->type, f->cols[c].physical);
        }
    }
    return HV_OK;
}

static int open_common(pq_file *f, hv_err *e) {
    static const char magic[4] = {'P', 'A', 'R', '1'};
    if (f->size < 12 || memcmp(f->data, magic, 4) != 0)
        return hv_errf(e, HV_EINPUT, "%s: byte offset 0: not a Parquet file (no PAR1 magic)", f->name);
    if (memcmp(f->data + f->size - 4, "PARE", 4) == 0)
        return hv_errf(e, HV_EINPUT, "%s: byte offset %zu: encrypted Parquet footers are not supported", f->name,
                       f->size - 4);
    if (memcmp(f->data + f->size - 4, magic, 4) != 0)
        return hv_errf(e, HV_EINPUT, "%s: byte offset %zu: no PAR1 magic at the end (truncated file?)", f->name,
                       f->size - 4);
    const uint8_t *lp = f->data + f->size - 8;
    uint32_t len = (uint32_t)lp[0] | (uint32_t)lp[1] << 8 | (uint32_t)lp[2] << 16 | (uint32_t)lp[3] << 24;
    if (len == 0 || len > f->size - 12)
        return hv_errf(e, HV_EINPUT, "%s: byte offset %zu: footer length %u does not fit in a file of %zu bytes",
                       f->name, f->size - 8, len, f->size);
    f->footer_start = f->size - 8 - len;
    tc_reader t;
    tc_init(&t, f->data + f->footer_start, len);
    pq_read_file_meta(&t, &f->mem, &f->meta);
    if (t.err)
        return hv_errf(e, HV_EINPUT, "%s: byte offset %zu: footer: %s", f->name, f->footer_start + t.err_at, t.err);
    if (f->meta.encrypted)
        return hv_errf(e, HV_EINPUT, "%s: byte offset %zu: encrypted Parquet files are not supported", f->name,
                       f->footer_start);
    int rc = flatten_schema(f, e);
    if (rc) return rc;
    return check_row_groups(f, e);
}

static pq_file *file_new(const char *name) {
    pq_file *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->name = strdup(name ? name : "<memory>");
    if (!f->name) {
        free(f);
        return NULL;
    }
    return f;
}

int pq_open_memory(const void *data, size_t n, const char *name, pq_file **out, hv_err *e) {
    *out = NULL;
    pq_file *f = file_new(name);
    if (!f) return hv_errf(e, HV_ENOMEM, "out of memory opening %s", name ? name : "<memory>");
    f->data = data;
    f->size = n;
    int rc = open_common(f, e);
    if (rc) {
        pq_close(f);
        return rc;
    }
    *out = f;
    return HV_OK;
}

int pq_open_path(const char *path, pq_file **out, hv_err *e) {
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return hv_errf(e, HV_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return hv_errf(e, HV_EIO, "%s: not a regular file", path);
    }
    pq_file *f = file_new(path);
    if (!f) {
        close(fd);
        return hv_errf(e, HV_ENOMEM, "out of memory opening %s", path);
    }
    f->size = (size_t)st.st_size;
    if (f->size > 0) {
        void *m = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            f->map = m;
            f->data = m;
        } else {
            /* Some filesystems cannot map; reading costs memory, not
             * correctness. */
            f->owned = malloc(f->size);
            size_t got = 0;
            while (f->owned && got < f->size) {
                ssize_t r = pread(fd, (char *)f->owned + got, f->size - got, (off_t)got);
                if (r <= 0) break;
                got += (size_t)r;
            }
            if (!f->owned || got != f->size) {
                close(fd);
                int code = f->owned ? HV_EIO : HV_ENOMEM;
                pq_close(f);
                return hv_errf(e, code, "%s: cannot read the file", path);
            }
            f->data = f->owned;
        }
    }
    close(fd);
    int rc = open_common(f, e);
    if (rc) {
        pq_close(f);
        return rc;
    }
    *out = f;
    return HV_OK;
}

void pq_close(pq_file *f) {
    if (!f) return;
    if (f->map) munmap(f->map, f->size);
    free(f->owned);
    arena_free(&f->mem);
    free(f->name);
    free(f);
}

const char *pq_name(const pq_file *f) { return f->name; }
size_t pq_size(const pq_file *f) { return f->size; }
int64_t pq_num_rows(const pq_file *f) { return f->num_rows; }
uint32_t pq_num_row_groups(const pq_file *f) { return f->meta.nrgs; }
int64_t pq_row_group_rows(const pq_file *f, uint32_t rg) { return rg < f->meta.nrgs ? f->meta.rgs[rg].num_rows : 0; }
uint32_t pq_num_columns(const pq_file *f) { return f->ncols; }
const pq_column *pq_column_at(const pq_file *f, uint32_t col) { return col < f->ncols ? &f->cols[col] : NULL; }
uint32_t pq_num_fields(const pq_file *f) { return f->nfields; }
const pq_field *pq_field_at(const pq_file *f, uint32_t field) { return field < f->nfields ? &f->fields[field] : NULL; }
