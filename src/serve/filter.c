/* filter.c - the model filter of /api/models, /count, /facets, /histogram
 * and /export: parsed once per request, then tested per row.
 *
 * Facet clauses (library, pipeline, license, language) take several values
 * (any-of).  filter_fails reports which clauses a row fails, so /api/facets
 * counts each facet under every clause but its own in one pass: the usual
 * multi-select faceting, where picking "transformers" still shows how many
 * "diffusers" models the other filters leave. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_int.h"

const char *const facet_names[FACET_COUNT + 1] = {"library", "pipeline", "license", "language", NULL};

static int strs_index(hv_server *s) {
    const hv_map *m = &s->map;
    uint64_t size = 16;
    while (size < (uint64_t)m->nstrs * 2) size <<= 1;
    s->strs_hash = malloc(size * sizeof *s->strs_hash);
    if (!s->strs_hash) return -1;
    memset(s->strs_hash, 0xFF, size * sizeof *s->strs_hash);
    s->strs_hash_size = size;
    for (uint32_t i = 1; i < m->nstrs; i++) {
        hv_sv v = map_str(m, i);
        uint64_t h = hv_hash_bytes(v.p, v.n) & (size - 1);
        while (s->strs_hash[h] != UINT32_MAX) h = (h + 1) & (size - 1);
        s->strs_hash[h] = i;
    }
    return 0;
}

uint32_t strs_find(const hv_server *s, hv_sv name) {
    if (!s->strs_hash_size) return 0;
    uint64_t mask = s->strs_hash_size - 1, h = hv_hash_bytes(name.p, name.n) & mask;
    for (uint32_t id; (id = s->strs_hash[h]) != UINT32_MAX; h = (h + 1) & mask)
        if (hv_sv_eq(map_str(&s->map, id), name)) return id;
    return 0;
}

bool row_is_base(const hv_map *m, uint32_t row) {
    for (int rel = 0; rel < HV_REL_COUNT; rel++)
        if (m->parents[rel].off && m->parents[rel].off[row + 1] != m->parents[rel].off[row]) return false;
    return true;
}

/* Comma-separated facet values into strs ids.  An unknown name matches no
 * model (the answer is an empty set, not an error: a value can be absent
 * from one map and present in another). "none" selects models without. */
static int parse_values(hv_server *s, const hv_req *rq, hv_resp *rs, int facet, hv_filter *f) {
    const char *v = req_arg(rq, facet_names[facet]);
    if (!v || !*v) return 0;
    f->facet_on[facet] = true;
    f->any = true;
    for (const char *p = v;;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (f->nvals[facet] == FILTER_MAX_VALUES) {
            resp_error(rs, 400, "bad parameter", "%s takes at most %d values", facet_names[facet], FILTER_MAX_VALUES);
            return -1;
        }
        hv_sv name = hv_sv_make(p, n);
        uint32_t id = hv_sv_eq_cstr(name, "none") ? 0 : strs_find(s, name);
        if (id == 0 && !hv_sv_eq_cstr(name, "none")) id = UINT32_MAX; /* matches nothing */
        f->vals[facet][f->nvals[facet]++] = id;
        if (!c) break;
        p = c + 1;
    }
    return 0;
}

int filter_parse(hv_server *s, const hv_req *rq, hv_resp *rs, hv_filter *f) {
    memset(f, 0, sizeof *f);
    const int64_t BIG = INT64_MAX / 2;
    if (arg_i64(rq, rs, "min_downloads", INT64_MIN, 0, BIG, &f->min_downloads) ||
        arg_i64(rq, rs, "max_downloads", INT64_MAX, 0, BIG, &f->max_downloads) ||
        arg_i64(rq, rs, "min_likes", INT64_MIN, 0, BIG, &f->min_likes) ||
        arg_i64(rq, rs, "max_likes", INT64_MAX, 0, BIG, &f->max_likes) ||
        arg_date(rq, rs, "created_from", INT64_MIN, false, &f->created_from) ||
        arg_date(rq, rs, "created_to", INT64_MAX, true, &f->created_to) ||
        arg_bool(rq, rs, "base_only", false, &f->base_only))
        return -1;
    f->max_depth = f->cluster = f->family = UINT32_MAX;
    uint32_t v;
    if (req_arg(rq, "max_depth")) {
        if (arg_u32(rq, rs, "max_depth", 0, 0, 1000000, &v)) return -1;
        f->max_depth = v;
    }
    if (req_arg(rq, "cluster")) {
        if (s->map.nclusters == 0) {
            resp_error(rs, 400, "bad parameter", "this map has no clusters");
            return -1;
        }
        if (arg_u32(rq, rs, "cluster", 0, 0, s->map.nclusters - 1, &v)) return -1;
        f->cluster = v;
    }
    const char *fam;
    if (arg_str(rq, rs, "family", 512, &fam)) return -1;
    if (fam && *fam) {
        uint32_t row = map_find(&s->map, hv_sv_cstr(fam));
        if (row == HV_NO_ROW || !s->map.family) {
            resp_error(rs, 404, "unknown model", "family=%.200s: no such model in this map", fam);
            return -1;
        }
        f->family = s->map.family[row];
    }
    const char *q;
    if (arg_str(rq, rs, "q", FILTER_MAX_Q, &q)) return -1;
    if (q) {
        hv_sv t = hv_sv_trim(hv_sv_cstr(q));
        for (size_t i = 0; i < t.n; i++) f->q[i] = (char)tolower((unsigned char)t.p[i]);
        f->qn = t.n;
        f->q[t.n] = 0;
    }
    for (int k = 0; k < FACET_COUNT; k++)
        if (parse_values(s, rq, rs, k, f)) return -1;
    f->any = f->any || f->min_downloads != INT64_MIN || f->max_downloads != INT64_MAX ||
             f->min_likes != INT64_MIN || f->max_likes != INT64_MAX || f->created_from != INT64_MIN ||
             f->created_to != INT64_MAX || f->base_only || f->max_depth != UINT32_MAX ||
             f->cluster != UINT32_MAX || f->family != UINT32_MAX || f->qn;
    return 0;
}

static bool scalar_in(const hv_filter *f, int facet, uint32_t v) {
    for (uint32_t i = 0; i < f->nvals[facet]; i++)
        if (f->vals[facet][i] == v) return true;
    return false;
}

static bool list_in(const hv_filter *f, int facet, const hv_map_list *l, uint32_t row) {
    uint64_t a = l->off[row], b = l->off[row + 1];
    if (a == b) return scalar_in(f, facet, 0);
    for (uint64_t i = a; i < b; i++)
        if (scalar_in(f, facet, l->val[i])) return true;
    return false;
}

/* Case-insensitive substring test of the (already lower-case) needle. */
static bool id_contains(hv_sv hay, const char *needle, size_t n) {
    if (n > hay.n) return false;
    char first = needle[0];
    for (size_t i = 0; i + n <= hay.n; i++) {
        if ((char)tolower((unsigned char)hay.p[i]) != first) continue;
        size_t k = 1;
        while (k < n && (char)tolower((unsigned char)hay.p[i + k]) == needle[k]) k++;
        if (k == n) return true;
    }
    return false;
}

unsigned filter_fails(const hv_server *s, const hv_filter *f, uint32_t row) {
    if (!f->any) return 0;
    const hv_map *m = &s->map;
    unsigned fails = 0;
    const unsigned other = 1u << FACET_COUNT;
    if (m->downloads[row] < f->min_downloads || m->downloads[row] > f->max_downloads ||
        m->likes[row] < f->min_likes || m->likes[row] > f->max_likes)
        return other;
    if ((f->created_from != INT64_MIN || f->created_to != INT64_MAX) &&
        (m->created_at[row] == 0 || m->created_at[row] < f->created_from || m->created_at[row] > f->created_to))
        return other;
    if (f->max_depth != UINT32_MAX && m->depth && m->depth[row] > f->max_depth) return other;
    if (f->cluster != UINT32_MAX && (!m->cluster || m->cluster[row] != f->cluster)) return other;
    if (f->family != UINT32_MAX && m->family[row] != f->family) return other;
    if (f->base_only && !row_is_base(m, row)) return other;
    if (f->qn && !id_contains(map_id(m, row), f->q, f->qn)) return other;
    if (f->facet_on[FACET_LIBRARY] && !scalar_in(f, FACET_LIBRARY, m->library[row])) fails |= 1u << FACET_LIBRARY;
    if (f->facet_on[FACET_PIPELINE] && !scalar_in(f, FACET_PIPELINE, m->pipeline[row])) fails |= 1u << FACET_PIPELINE;
    if (f->facet_on[FACET_LICENSE] && !list_in(f, FACET_LICENSE, &m->licenses, row)) fails |= 1u << FACET_LICENSE;
    if (f->facet_on[FACET_LANGUAGE] && !list_in(f, FACET_LANGUAGE, &m->languages, row))
        fails |= 1u << FACET_LANGUAGE;
    return fails;
}

bool filter_match(const hv_server *s, const hv_filter *f, uint32_t row) { return filter_fails(s, f, row) == 0; }

int filter_init(hv_server *s) { return strs_index(s); }
