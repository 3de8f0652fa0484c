/* api_points.c - GET /api/points: every model's coordinates and compact
 * attributes in one binary answer, decoded in the browser as typed arrays
 * over the response (no per-point JSON).
 *
 * Body: "HVPT" | u32 version (1) | u32 header bytes H | H bytes of JSON |
 *       zero padding to a multiple of 8 | the buffers, each 8-aligned.
 * The JSON header gives n, dims, the coordinate bounds, each buffer's name,
 * type, byte offset (from the start of the body) and length, how to decode
 * it, and the dictionaries of the coded fields (docs/api.md).
 *
 * Fields (default: library, pipeline, license, cluster, depth, downloads,
 * likes, flags -> 8 bytes + 4 per coordinate = 16 bytes a point in 2D):
 *   library, pipeline, license, language  u8 codes: 0 none, 1..254 the most
 *       frequent values (dictionary), 255 any other
 *   cluster   u8 (u16 when a map has more than 256 clusters)
 *   family    u32 family number (the header names the largest families)
 *   depth     u8, capped at 255
 *   downloads, likes, trending  u8: round(log10(1 + v) * 25.5), capped 255
 *   created   u16 months since 1970-01 (0 unknown)
 *   flags     u8: bit 0 base model (no declared parent), bit 1 has a card
 * The two default bodies (2D, 3D) are built once and kept, with their gzip
 * twins made on first demand; other field sets are assembled per request
 * from per-field buffers built once, and sent uncompressed. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#include "core/timeparse.h"
#include "serve/serve_int.h"

enum {
    PF_LIBRARY, PF_PIPELINE, PF_LICENSE, PF_LANGUAGE, PF_CLUSTER, PF_FAMILY, PF_DEPTH,
    PF_DOWNLOADS, PF_LIKES, PF_TRENDING, PF_CREATED, PF_FLAGS, PF_COUNT
};
static const char *const FIELD_NAMES[PF_COUNT] = {"library", "pipeline", "license", "language", "cluster",
                                                  "family", "depth", "downloads", "likes", "trending",
                                                  "created", "flags"};
#define DEFAULT_FIELDS                                                                                            \
    (1u << PF_LIBRARY | 1u << PF_PIPELINE | 1u << PF_LICENSE | 1u << PF_CLUSTER | 1u << PF_DEPTH |                \
     1u << PF_DOWNLOADS | 1u << PF_LIKES | 1u << PF_FLAGS)
#define DICT_CODES 254 /* codes 1..254 name values; 255 = other */
#define LOG_SCALE 25.5
#define TOP_FAMILIES 64

typedef struct cached {
    pthread_mutex_t lock;
    bool built, gz_built;
    hv_buf raw;
    char *gz;
    size_t gz_len;
} cached;

struct hv_points_cache {
    /* per coded facet: strs id -> code, kept as a sorted list of (strs id, code) */
    uint32_t ndict[4];
    uint32_t *dict_sid[4]; /* code - 1 -> strs id */
    uint32_t *hkey[4];     /* strs id -> code: open addressing, 512 slots */
    uint8_t *hcode[4];
    cached def[2];         /* default fields, 2D and 3D */
    /* each field's buffer, built on first use and kept (n bytes, or 2n/4n):
     * any field set is then a copy of cached pieces, not a pass per field */
    pthread_mutex_t field_lock;
    void *field[PF_COUNT];
};

/* ---- dictionaries: the 254 most frequent values of each coded facet ---- */
typedef struct sc {
    uint32_t sid, cnt;
} sc;

static int cmp_sc(const void *a, const void *b) {
    const sc *x = a, *y = b;
    if (x->cnt != y->cnt) return x->cnt > y->cnt ? -1 : 1;
    return x->sid < y->sid ? -1 : x->sid > y->sid;
}

/* Value of a facet for a row: the scalar, or the first item of the list. */
static uint32_t facet_value(const hv_map *m, int which, uint32_t r) {
    const hv_map_list *l;
    switch (which) {
    case 0: return m->library[r];
    case 1: return m->pipeline[r];
    case 2: l = &m->licenses; break;
    default: l = &m->languages; break;
    }
    return l->off[r] == l->off[r + 1] ? 0 : l->val[l->off[r]];
}

static int build_dict(hv_points_cache *pc, const hv_map *m, int which) {
    /* count by strs id with a sparse table: ids of one facet are few */
    uint32_t size = 1024, used = 0;
    sc *t = calloc(size, sizeof *t);
    if (!t) return -1;
    for (uint32_t r = 0; r < m->n; r++) {
        uint32_t v = facet_value(m, which, r);
        if (!v) continue;
        if ((used + 1) * 2 > size) {
            sc *nt = calloc(size * 2, sizeof *nt);
            if (!nt) {
                free(t);
                return -1;
            }
            for (uint32_t i = 0; i < size; i++) {
                if (!t[i].cnt) continue;
                uint32_t h = (t[i].sid * 2654435761u) & (size * 2 - 1);
                while (nt[h].cnt) h = (h + 1) & (size * 2 - 1);
                nt[h] = t[i];
            }
            free(t);
            t = nt;
            size *= 2;
        }
        uint32_t h = (v * 2654435761u) & (size - 1);
        while (t[h].cnt && t[h].sid != v) h = (h + 1) & (size - 1);
        if (!t[h].cnt) t[h].sid = v, used++;
        t[h].cnt++;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < size; i++)
        if (t[i].cnt) t[k++] = t[i];
    qsort(t, k, sizeof *t, cmp_sc);
    uint32_t nd = k < DICT_CODES ? k : DICT_CODES;
    pc->dict_sid[which] = malloc((nd ? nd : 1) * sizeof(uint32_t));
    if (!pc->dict_sid[which]) {
        free(t);
        return -1;
    }
    for (uint32_t i = 0; i < nd; i++) pc->dict_sid[which][i] = t[i].sid;
    pc->ndict[which] = nd;
    free(t);
    return 0;
}

#define CODE_SLOTS 512 /* > 2 x DICT_CODES */

static uint8_t code_of(const hv_points_cache *pc, int which, uint32_t sid) {
    if (!sid) return 0;
    const uint32_t *k = pc->hkey[which];
    for (uint32_t h = (sid * 2654435761u) & (CODE_SLOTS - 1);; h = (h + 1) & (CODE_SLOTS - 1)) {
        if (k[h] == sid) return pc->hcode[which][h];
        if (k[h] == 0) return 255; /* not among the named values */
    }
}

static int build_codes(hv_points_cache *pc, int which) {
    pc->hkey[which] = calloc(CODE_SLOTS, sizeof(uint32_t));
    pc->hcode[which] = calloc(CODE_SLOTS, 1);
    if (!pc->hkey[which] || !pc->hcode[which]) return -1;
    for (uint32_t i = 0; i < pc->ndict[which]; i++) {
        uint32_t sid = pc->dict_sid[which][i];
        uint32_t h = (sid * 2654435761u) & (CODE_SLOTS - 1);
        while (pc->hkey[which][h]) h = (h + 1) & (CODE_SLOTS - 1);
        pc->hkey[which][h] = sid;
        pc->hcode[which][h] = (uint8_t)(i + 1);
    }
    return 0;
}

int points_init(hv_server *s, hv_err *e) {
    hv_points_cache *pc = calloc(1, sizeof *pc);
    if (!pc) return hv_errf(e, HV_ENOMEM, "out of memory");
    s->points = pc;
    for (int i = 0; i < 2; i++) pthread_mutex_init(&pc->def[i].lock, NULL);
    pthread_mutex_init(&pc->field_lock, NULL);
    for (int w = 0; w < 4; w++)
        if (build_dict(pc, &s->map, w) || build_codes(pc, w))
            return hv_errf(e, HV_ENOMEM, "out of memory for the points dictionaries");
    return HV_OK;
}

void points_free(hv_server *s) {
    hv_points_cache *pc = s->points;
    if (!pc) return;
    for (int w = 0; w < 4; w++) free(pc->dict_sid[w]), free(pc->hkey[w]), free(pc->hcode[w]);
    for (int f = 0; f < PF_COUNT; f++) free(pc->field[f]);
    pthread_mutex_destroy(&pc->field_lock);
    for (int i = 0; i < 2; i++) {
        hv_buf_free(&pc->def[i].raw);
        free(pc->def[i].gz);
        pthread_mutex_destroy(&pc->def[i].lock);
    }
    free(pc);
    s->points = NULL;
}

/* ---- the body ---- */
static uint8_t log_code(double v) {
    double q = round(log10(1 + (v > 0 ? v : 0)) * LOG_SCALE);
    return q > 255 ? 255 : (uint8_t)q;
}

static size_t field_width(const hv_map *m, int f) {
    if (f == PF_FAMILY) return 4;
    if (f == PF_CREATED) return 2;
    if (f == PF_CLUSTER) return m->nclusters > 256 ? 2 : 1;
    return 1;
}

static const char *field_type(size_t w) { return w == 4 ? "u32" : w == 2 ? "u16" : "u8"; }

static void fill_field(const hv_server *s, int f, void *dst) {
    const hv_map *m = &s->map;
    const hv_points_cache *pc = s->points;
    uint8_t *u8 = dst;
    uint16_t *u16 = dst;
    uint32_t *u32 = dst;
    uint32_t n = m->n;
    for (uint32_t r = 0; r < n; r++) {
        switch (f) {
        case PF_LIBRARY: case PF_PIPELINE: case PF_LICENSE: case PF_LANGUAGE:
            u8[r] = code_of(pc, f, facet_value(m, f, r));
            break;
        case PF_CLUSTER: {
            uint32_t c = m->cluster ? m->cluster[r] : 0;
            if (m->nclusters > 256) u16[r] = (uint16_t)c;
            else u8[r] = (uint8_t)c;
            break;
        }
        case PF_FAMILY: u32[r] = m->family ? m->family[r] : r; break;
        case PF_DEPTH: u8[r] = (uint8_t)(!m->depth ? 0 : m->depth[r] > 255 ? 255 : m->depth[r]); break;
        case PF_DOWNLOADS: u8[r] = log_code((double)m->downloads[r]); break;
        case PF_LIKES: u8[r] = log_code((double)m->likes[r]); break;
        case PF_TRENDING: u8[r] = log_code(m->trending[r]); break;
        case PF_CREATED: {
            int64_t t = m->created_at[r];
            if (t <= 0) {
                u16[r] = 0;
                break;
            }
            int64_t months = hv_month_index(t) + 1; /* 1 = 1970-01 */
            u16[r] = (uint16_t)(months < 1 ? 0 : months > 65535 ? 65535 : months);
            break;
        }
        default: u8[r] = (uint8_t)(row_is_base(m, r) | (m->has_card[r] ? 2 : 0)); break;
        }
    }
}

/* A field's buffer for every row, built once (NULL when out of memory). */
static const void *field_buffer(const hv_server *s, int f) {
    hv_points_cache *pc = s->points;
    pthread_mutex_lock(&pc->field_lock);
    if (!pc->field[f]) {
        void *b = malloc((size_t)(s->map.n ? s->map.n : 1) * field_width(&s->map, f));
        if (b) fill_field(s, f, b);
        pc->field[f] = b;
    }
    const void *b = pc->field[f];
    pthread_mutex_unlock(&pc->field_lock);
    return b;
}

static void dict_json(hv_jw *w, const hv_server *s, int which) {
    const hv_points_cache *pc = s->points;
    jw_arr(w);
    jw_cstr(w, "none");
    for (uint32_t i = 0; i < pc->ndict[which]; i++) jw_str(w, map_str(&s->map, pc->dict_sid[which][i]));
    jw_arr_end(w);
}

typedef struct fam_size {
    uint32_t f, size;
} fam_size;

static int cmp_fam(const void *a, const void *b) {
    const fam_size *x = a, *y = b;
    if (x->size != y->size) return x->size > y->size ? -1 : 1;
    return x->f < y->f ? -1 : x->f > y->f;
}

/* The JSON header, with buffer offsets counted from the body's start when
 * the first buffer begins at data0; off[f] gets each field's offset and
 * *total the body's size. */
static int write_header(const hv_server *s, int dims, unsigned fields, const float *lo, const float *hi,
                        size_t data0, hv_buf *hj, size_t *off, size_t *total) {
    const hv_map *m = &s->map;
    uint32_t n = m->n;
    size_t coords_len = (size_t)n * (size_t)dims * 4, pos = data0;
    hv_jw w;
    hv_buf_clear(hj);
    jw_init(&w, hj);
    jw_obj(&w);
    jw_key(&w, "version");
    jw_int(&w, 1);
    jw_key(&w, "n");
    jw_uint(&w, n);
    jw_key(&w, "dims");
    jw_int(&w, dims);
    jw_key(&w, "bounds");
    jw_obj(&w);
    jw_key(&w, "min");
    jw_arr(&w);
    for (int d = 0; d < dims; d++) jw_num(&w, n ? lo[d] : 0);
    jw_arr_end(&w);
    jw_key(&w, "max");
    jw_arr(&w);
    for (int d = 0; d < dims; d++) jw_num(&w, n ? hi[d] : 0);
    jw_arr_end(&w);
    jw_obj_end(&w);
    jw_key(&w, "buffers");
    jw_arr(&w);
    jw_obj(&w);
    jw_key(&w, "name");
    jw_cstr(&w, "coords");
    jw_key(&w, "type");
    jw_cstr(&w, "f32");
    jw_key(&w, "components");
    jw_int(&w, dims);
    jw_key(&w, "offset");
    jw_uint(&w, pos);
    jw_key(&w, "length");
    jw_uint(&w, coords_len);
    jw_obj_end(&w);
    pos = (pos + coords_len + 7) & ~(size_t)7;
    for (int f = 0; f < PF_COUNT; f++) {
        if (!(fields >> f & 1)) continue;
        size_t len = (size_t)n * field_width(m, f);
        off[f] = pos;
        jw_obj(&w);
        jw_key(&w, "name");
        jw_cstr(&w, FIELD_NAMES[f]);
        jw_key(&w, "type");
        jw_cstr(&w, field_type(field_width(m, f)));
        jw_key(&w, "offset");
        jw_uint(&w, pos);
        jw_key(&w, "length");
        jw_uint(&w, len);
        const char *decode = NULL;
        if (f == PF_DOWNLOADS || f == PF_LIKES || f == PF_TRENDING) decode = "log10(1 + value) = code / 25.5";
        else if (f == PF_CREATED) decode = "months since 1970-01: 1 = 1970-01, 0 = unknown";
        else if (f == PF_FLAGS) decode = "bit 0: base model (no declared parent), bit 1: has a model card";
        else if (f <= PF_LANGUAGE) decode = "index into dictionaries[name]; 0 = none, 255 = any other value";
        else if (f == PF_CLUSTER) decode = "index into dictionaries.cluster (labels)";
        else if (f == PF_DEPTH) decode = "generations below the root, capped at 255";
        else if (f == PF_FAMILY) decode = "family number; dictionaries.family names the largest";
        jw_key(&w, "decode");
        jw_cstr(&w, decode);
        jw_obj_end(&w);
        pos = (pos + len + 7) & ~(size_t)7;
    }
    *total = pos;
    jw_arr_end(&w);
    jw_key(&w, "dictionaries");
    jw_obj(&w);
    for (int f = PF_LIBRARY; f <= PF_LANGUAGE; f++) {
        if (!(fields >> f & 1)) continue;
        jw_key(&w, FIELD_NAMES[f]);
        dict_json(&w, s, f);
    }
    if (fields >> PF_CLUSTER & 1) {
        jw_key(&w, "cluster");
        jw_arr(&w);
        for (uint32_t c = 0; c < m->nclusters; c++) jw_str(&w, map_cluster_label(m, c));
        jw_arr_end(&w);
    }
    if ((fields >> PF_FAMILY & 1) && m->family) {
        fam_size *fs = malloc(((size_t)m->nfamilies + 1) * sizeof *fs);
        if (!fs) return -1;
        for (uint32_t f = 0; f < m->nfamilies; f++) fs[f].f = f, fs[f].size = m->family_size[f];
        qsort(fs, m->nfamilies, sizeof *fs, cmp_fam);
        jw_key(&w, "family");
        jw_arr(&w);
        for (uint32_t i = 0; i < m->nfamilies && i < TOP_FAMILIES && fs[i].size > 1; i++) {
            jw_obj(&w);
            jw_key(&w, "family");
            jw_uint(&w, fs[i].f);
            jw_key(&w, "root");
            jw_str(&w, map_id(m, m->family_root[fs[i].f]));
            jw_key(&w, "size");
            jw_uint(&w, fs[i].size);
            jw_obj_end(&w);
        }
        jw_arr_end(&w);
        free(fs);
    }
    jw_obj_end(&w);
    jw_obj_end(&w);
    return w.failed ? -1 : 0;
}

/* Build the body for dims and a field mask into out. */
static int build_body(const hv_server *s, int dims, unsigned fields, hv_buf *out) {
    const hv_map *m = &s->map;
    const float *xy = dims == 2 ? m->coords2d : m->coords3d;
    uint32_t n = m->n;
    float lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (uint32_t r = 0; r < n; r++)
        for (int d = 0; d < dims; d++) {
            float v = xy[(size_t)r * dims + d];
            if (v < lo[d]) lo[d] = v;
            if (v > hi[d]) hi[d] = v;
        }
    /* The offsets are written into the header, whose length moves the
     * first buffer: grow data0 until the header fits in front of it (two
     * rounds in practice), then pad the header with spaces. */
    hv_buf hj = {0};
    hj.max = (size_t)1 << 22;
    size_t off[PF_COUNT], total = 0, data0 = 16;
    for (;;) {
        if (write_header(s, dims, fields, lo, hi, data0, &hj, off, &total)) {
            hv_buf_free(&hj);
            return -1;
        }
        size_t need = (12 + hj.n + 7) & ~(size_t)7;
        if (need <= data0) break;
        data0 = need;
    }
    hv_buf_clear(out);
    if (hv_buf_reserve(out, total)) {
        hv_buf_free(&hj);
        return -1;
    }
    memset(out->p, 0, total);
    memcpy(out->p, "HVPT", 4);
    uint32_t ver = 1, hl = (uint32_t)(data0 - 12);
    memcpy(out->p + 4, &ver, 4);
    memcpy(out->p + 8, &hl, 4);
    memcpy(out->p + 12, hj.p, hj.n);
    memset(out->p + 12 + hj.n, ' ', data0 - 12 - hj.n); /* JSON allows trailing spaces */
    hv_buf_free(&hj);
    if (n) memcpy(out->p + data0, xy, (size_t)n * (size_t)dims * 4);
    for (int f = 0; f < PF_COUNT; f++)
        if (fields >> f & 1) {
            const void *src = field_buffer(s, f);
            if (!src) return -1;
            memcpy(out->p + off[f], src, (size_t)n * field_width(m, f));
        }
    out->n = total;
    return 0;
}

static unsigned parse_fields(const char *v, hv_resp *rs, bool *ok) {
    *ok = true;
    if (!v) return DEFAULT_FIELDS;
    unsigned mask = 0;
    for (const char *p = v; *p;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        int f = 0;
        if (n == 7 && memcmp(p, "default", 7) == 0) mask |= DEFAULT_FIELDS, f = -1;
        else if (n == 3 && memcmp(p, "all", 3) == 0) mask |= (1u << PF_COUNT) - 1, f = -1;
        else
            while (f < PF_COUNT && !(strlen(FIELD_NAMES[f]) == n && memcmp(FIELD_NAMES[f], p, n) == 0)) f++;
        if (f == PF_COUNT) {
            resp_error(rs, 400, "bad parameter",
                       "fields takes a comma list of library, pipeline, license, language, cluster, family, depth, "
                       "downloads, likes, trending, created, flags (or default, all); got '%.*s'",
                       (int)(n > 40 ? 40 : n), p);
            *ok = false;
            return 0;
        }
        if (f >= 0) mask |= 1u << f;
        p = c ? c + 1 : p + n;
    }
    return mask;
}

/* The cached default body for dims (2 or 3), built on first use; NULL when
 * it cannot be built. */
static cached *default_body(hv_server *s, int dims) {
    cached *c = &s->points->def[dims - 2];
    pthread_mutex_lock(&c->lock);
    if (!c->built) {
        c->raw.max = SERVE_MAX_RESPONSE;
        c->built = build_body(s, dims, DEFAULT_FIELDS, &c->raw) == 0;
    }
    pthread_mutex_unlock(&c->lock);
    return c->built ? c : NULL;
}

void points_warm(hv_server *s) {
    if (s->map.coords2d) default_body(s, 2);
    if (s->map.coords3d) default_body(s, 3);
}

void api_points(hv_server *s, const hv_req *rq, hv_resp *rs) {
    uint32_t dims;
    const char *fv;
    if (arg_u32(rq, rs, "dims", 2, 2, 3, &dims) || arg_str(rq, rs, "fields", 300, &fv)) return;
    bool ok;
    unsigned fields = parse_fields(fv, rs, &ok);
    if (!ok) return;
    const hv_map *m = &s->map;
    if ((dims == 2 && !m->coords2d) || (dims == 3 && !m->coords3d)) {
        resp_error(rs, 404, "no layout", "this map has no %uD layout (build it with --dims %u)", dims, dims);
        return;
    }
    rs->type = "application/octet-stream";
    rs->cache = "no-cache";
    snprintf(rs->etag, sizeof rs->etag, "\"%s-p%u-%x\"", s->etag_base, dims, fields);
    if (rq->if_none_match && strstr(rq->if_none_match, rs->etag)) { /* 304 without building anything */
        rs->status = 200;
        rs->ext = "";
        rs->ext_len = 0;
        return;
    }
    if (fields != DEFAULT_FIELDS) {
        /* copied from the cached field buffers (tens of ms at 1.86M); not
         * compressed: gzip of tens of MB would cost most of a second, more
         * than sending it raw over a local link */
        if (build_body(s, (int)dims, fields, &rs->body)) {
            resp_error(rs, 500, "out of memory", "building the points");
            return;
        }
        rs->status = 200;
        rs->no_gzip = true;
        return;
    }
    cached *c = default_body(s, (int)dims);
    int fail = c == NULL;
    if (c) pthread_mutex_lock(&c->lock);
    if (!fail && rq->accept_gzip && !c->gz_built) {
        struct libdeflate_compressor *z = libdeflate_alloc_compressor(6);
        size_t cap = z ? libdeflate_gzip_compress_bound(z, c->raw.n) : 0;
        c->gz = z ? malloc(cap) : NULL;
        c->gz_len = c->gz ? libdeflate_gzip_compress(z, c->raw.p, c->raw.n, c->gz, cap) : 0;
        if (z) libdeflate_free_compressor(z);
        c->gz_built = c->gz_len > 0;
    }
    if (c) pthread_mutex_unlock(&c->lock);
    if (fail) {
        resp_error(rs, 500, "out of memory", "building the points");
        return;
    }
    rs->status = 200;
    if (rq->accept_gzip && c->gz_built) {
        rs->ext = c->gz;
        rs->ext_len = c->gz_len;
        rs->gzipped = true;
    } else {
        rs->ext = c->raw.p;
        rs->ext_len = c->raw.n;
        rs->no_gzip = true;
    }
}
