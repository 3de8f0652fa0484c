/* api_overview.c - GET /api/clusters: every cluster with its label, size,
 * where it sits on the map (for drawing labels) and what it is made of
 * (its most common tags, libraries and pipelines).
 *
 * The answer depends only on the map, and at 1.86M models it takes a pass
 * over ~20M tag entries, so it is built once and served as cached bytes
 * with an ETag: when the server set up s->overview (overview_init at
 * start) the first request builds it under the cache's lock and every
 * later one sends the same buffer; without it each request builds its own
 * (same bytes, just slower).  A client that already holds the ETag gets a
 * 304 without any building. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_int.h"

#define CLUSTER_TOP 10

struct hv_overview_cache {
    pthread_mutex_t lock;
    bool built; /* false after a failure too: the next request tries again */
    hv_buf body;
};

int overview_init(hv_server *s, hv_err *e) {
    s->overview = calloc(1, sizeof *s->overview);
    if (!s->overview) return hv_errf(e, HV_ENOMEM, "out of memory for the cluster overview");
    pthread_mutex_init(&s->overview->lock, NULL);
    return HV_OK;
}

void overview_free(hv_server *s) {
    if (!s->overview) return;
    pthread_mutex_destroy(&s->overview->lock);
    hv_buf_free(&s->overview->body);
    free(s->overview);
    s->overview = NULL;
}

/* ---- top values per cluster ---- */

typedef struct top_list {
    uint32_t sid[CLUSTER_TOP], cnt[CLUSTER_TOP];
    int n;
} top_list;

/* Dense counts over string ids, reset through the list of ids touched, so
 * each cluster costs its own entries, not the size of the string pool. */
typedef struct counts {
    uint32_t *cnt;     /* nstrs */
    uint32_t *touched; /* ids with cnt > 0 */
    uint64_t ntouched;
} counts;

static void count_add(counts *c, uint32_t sid) {
    if (c->cnt[sid]++ == 0) c->touched[c->ntouched++] = sid;
}

/* more first, then by name, so ties read the same in every build */
static bool ranks_before(const hv_map *m, uint32_t cnt_a, uint32_t sid_a, uint32_t cnt_b, uint32_t sid_b) {
    if (cnt_a != cnt_b) return cnt_a > cnt_b;
    hv_sv a = map_str(m, sid_a), b = map_str(m, sid_b);
    int c = memcmp(a.p, b.p, a.n < b.n ? a.n : b.n);
    return c ? c < 0 : a.n < b.n;
}

static void count_take_top(const hv_map *m, counts *c, top_list *t) {
    t->n = 0;
    for (uint64_t i = 0; i < c->ntouched; i++) {
        uint32_t sid = c->touched[i], n = c->cnt[sid];
        c->cnt[sid] = 0;
        if (t->n == CLUSTER_TOP && !ranks_before(m, n, sid, t->cnt[t->n - 1], t->sid[t->n - 1])) continue;
        int at = t->n < CLUSTER_TOP ? t->n++ : CLUSTER_TOP - 1;
        while (at > 0 && ranks_before(m, n, sid, t->cnt[at - 1], t->sid[at - 1])) {
            t->sid[at] = t->sid[at - 1];
            t->cnt[at] = t->cnt[at - 1];
            at--;
        }
        t->sid[at] = sid;
        t->cnt[at] = n;
    }
    c->ntouched = 0;
}

static void jw_top(hv_jw *w, const hv_map *m, const top_list *t) {
    jw_arr(w);
    for (int i = 0; i < t->n; i++) {
        jw_obj(w);
        jw_key(w, "value");
        jw_str(w, map_str(m, t->sid[i]));
        jw_key(w, "count");
        jw_uint(w, t->cnt[i]);
        jw_obj_end(w);
    }
    jw_arr_end(w);
}

/* Tags that say nothing about what a cluster is: parents' ids, the Hub's
 * region and the fields reported elsewhere (licenses, datasets, papers). */
static bool tag_skipped(hv_sv t) {
    static const char *const prefixes[] = {"base_model:", "region:", "license:", "dataset:", "arxiv:", "doi:"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (hv_sv_starts(t, prefixes[i])) return true;
    return false;
}

/* k-th smallest of v[0..n) (Hoare's selection; partially reorders v). */
static float select_kth(float *v, int64_t n, int64_t k) {
    int64_t lo = 0, hi = n - 1;
    while (lo < hi) {
        float pivot = v[lo + (hi - lo) / 2];
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                float t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else break; /* between the parts: equal to the pivot */
    }
    return v[k];
}

/* Mean and coordinate-wise median of a cluster's points: the mean can fall
 * between two islands of one cluster, the median stays nearer its bulk. */
static void jw_center(hv_jw *w, const char *mean_key, const char *median_key, const float *coords, int dims,
                      const uint32_t *rows, uint64_t n, float *scratch) {
    jw_key(w, mean_key);
    if (!coords || !n) jw_null(w);
    else {
        jw_arr(w);
        for (int d = 0; d < dims; d++) {
            double sum = 0;
            for (uint64_t i = 0; i < n; i++) sum += coords[(uint64_t)rows[i] * dims + d];
            jw_num(w, sum / (double)n);
        }
        jw_arr_end(w);
    }
    if (!median_key) return;
    jw_key(w, median_key);
    if (!coords || !n) jw_null(w);
    else {
        jw_arr(w);
        for (int d = 0; d < dims; d++) {
            for (uint64_t i = 0; i < n; i++) scratch[i] = coords[(uint64_t)rows[i] * dims + d];
            jw_num(w, select_kth(scratch, (int64_t)n, (int64_t)n / 2));
        }
        jw_arr_end(w);
    }
}

static int build_clusters(const hv_server *s, hv_buf *out) {
    const hv_map *m = &s->map;
    uint32_t K = m->cluster ? m->nclusters : 0;
    uint64_t *off = calloc((size_t)K + 2, sizeof *off);
    uint32_t *rows = malloc((size_t)(m->n ? m->n : 1) * sizeof *rows);
    float *scratch = malloc((size_t)(m->n ? m->n : 1) * sizeof *scratch);
    uint8_t *skip = calloc(m->nstrs ? m->nstrs : 1, 1);
    counts c = {calloc(m->nstrs ? m->nstrs : 1, sizeof(uint32_t)), malloc((size_t)(m->nstrs ? m->nstrs : 1) * 4), 0};
    int rc = -1;
    if (!off || !rows || !scratch || !skip || !c.cnt || !c.touched) goto done;
    /* rows grouped by cluster (counting sort) */
    for (uint32_t r = 0; K && r < m->n; r++) off[m->cluster[r] + 1]++;
    for (uint32_t k = 0; k < K; k++) off[k + 1] += off[k];
    for (uint32_t r = 0; K && r < m->n; r++) rows[off[m->cluster[r]]++] = r;
    for (uint32_t k = K; k > 0; k--) off[k] = off[k - 1];
    off[0] = 0;
    for (uint32_t sid = 1; sid < m->nstrs; sid++) skip[sid] = tag_skipped(map_str(m, sid));

    hv_jw w;
    jw_init(&w, out);
    jw_obj(&w);
    jw_key(&w, "n");
    jw_uint(&w, m->n);
    jw_key(&w, "nclusters");
    jw_uint(&w, K);
    jw_key(&w, "clusters");
    jw_arr(&w);
    for (uint32_t k = 0; k < K && !w.failed; k++) {
        const uint32_t *cr = rows + off[k];
        uint64_t n = off[k + 1] - off[k];
        top_list tags, libs, pipes;
        for (uint64_t i = 0; i < n; i++) {
            uint32_t r = cr[i];
            /* a tag that repeats the row's library or pipeline adds nothing */
            for (uint64_t j = m->tags.off[r]; j < m->tags.off[r + 1]; j++) {
                uint32_t t = m->tags.val[j];
                if (t && !skip[t] && t != m->library[r] && t != m->pipeline[r]) count_add(&c, t);
            }
        }
        count_take_top(m, &c, &tags);
        for (uint64_t i = 0; i < n; i++)
            if (m->library[cr[i]]) count_add(&c, m->library[cr[i]]);
        count_take_top(m, &c, &libs);
        for (uint64_t i = 0; i < n; i++)
            if (m->pipeline[cr[i]]) count_add(&c, m->pipeline[cr[i]]);
        count_take_top(m, &c, &pipes);
        jw_obj(&w);
        jw_key(&w, "id");
        jw_uint(&w, k);
        jw_key(&w, "label");
        jw_str(&w, map_cluster_label(m, k));
        jw_key(&w, "size");
        jw_uint(&w, n);
        jw_center(&w, "centroid2d", "median2d", m->coords2d, 2, cr, n, scratch);
        jw_center(&w, "centroid3d", NULL, m->coords3d, 3, cr, n, scratch);
        jw_key(&w, "top");
        jw_obj(&w);
        jw_key(&w, "tags");
        jw_top(&w, m, &tags);
        jw_key(&w, "libraries");
        jw_top(&w, m, &libs);
        jw_key(&w, "pipelines");
        jw_top(&w, m, &pipes);
        jw_obj_end(&w);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    rc = w.failed ? -1 : 0;
done:
    free(off);
    free(rows);
    free(scratch);
    free(skip);
    free(c.cnt);
    free(c.touched);
    return rc;
}

/* If-None-Match holds etag (as http.c decides whether to send a 304). */
static bool etag_listed(const char *inm, const char *etag) {
    if (!inm) return false;
    if (strcmp(inm, "*") == 0) return true;
    size_t n = strlen(etag);
    for (const char *p = inm; (p = strstr(p, etag)) != NULL; p += n)
        if (p[n] == 0 || p[n] == ',' || p[n] == ' ') return true;
    return false;
}

void api_clusters(hv_server *s, const hv_req *rq, hv_resp *rs) {
    char etag[48];
    snprintf(etag, sizeof etag, "\"%s-clusters\"", s->etag_base);
    /* the client has this map's answer: http.c turns this into a 304 */
    if (etag_listed(rq->if_none_match, etag)) {
        rs->status = 200;
        rs->type = "application/json";
        memcpy(rs->etag, etag, strlen(etag) + 1);
        rs->cache = "public, no-cache";
        return;
    }
    hv_overview_cache *oc = s->overview;
    if (oc) {
        pthread_mutex_lock(&oc->lock);
        if (!oc->built) {
            hv_buf_clear(&oc->body);
            oc->body.max = SERVE_MAX_RESPONSE;
            oc->built = build_clusters(s, &oc->body) == 0;
        }
        pthread_mutex_unlock(&oc->lock);
        /* once built the body never changes, so it is read without the lock */
        if (!oc->built) {
            resp_error(rs, 500, "out of memory", "building the cluster overview");
            return;
        }
        rs->ext = oc->body.p;
        rs->ext_len = oc->body.n;
    } else {
        hv_buf_clear(&rs->body);
        if (build_clusters(s, &rs->body)) {
            resp_error(rs, 500, "out of memory", "building the cluster overview");
            return;
        }
    }
    rs->status = 200;
    rs->type = "application/json";
    memcpy(rs->etag, etag, strlen(etag) + 1);
    rs->cache = "public, no-cache"; /* keep it, but ask: the map may change under the same URL */
}
