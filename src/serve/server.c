/* server.c - the state every request shares, built once at start.
 *
 * Start-up must stay under a second at 1.86M models, so nothing here sorts
 * strings or reads the whole file: the map is mmap'ed without a checksum
 * pass (`hfviz info MAP` verifies) and the family grouping is one counting
 * sort.  The four rankings (LSD radix sorts of the numeric columns, stable
 * so ties keep row order) are built on first use, and a warm-up thread
 * builds the common ones (and the default points) as soon as the server
 * listens, so the first requests rarely wait for them. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "serve/serve.h"
#include "serve/serve_int.h"

/* Rows in descending order of key (stable). */
static uint32_t *radix_desc(const uint64_t *key, uint32_t n) {
    uint32_t *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
    if (!a || !b) {
        free(a), free(b);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) a[i] = i;
    for (int shift = 0; shift < 64; shift += 8) {
        uint32_t cnt[257] = {0};
        for (uint32_t i = 0; i < n; i++) cnt[(~key[a[i]] >> shift & 0xFF) + 1]++;
        if (n && cnt[(~key[a[0]] >> shift & 0xFF) + 1] == n) continue; /* one digit value: no-op pass */
        for (int d = 0; d < 256; d++) cnt[d + 1] += cnt[d];
        for (uint32_t i = 0; i < n; i++) b[cnt[~key[a[i]] >> shift & 0xFF]++] = a[i];
        uint32_t *t = a;
        a = b;
        b = t;
    }
    free(b);
    return a;
}

static uint64_t key_i64(int64_t v) { return (uint64_t)v ^ (UINT64_C(1) << 63); }
static uint64_t key_f64(double v) {
    if (isnan(v)) v = -INFINITY;
    uint64_t u;
    memcpy(&u, &v, 8);
    return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
}

static uint32_t *build_ranking(const hv_map *m, int which) {
    uint32_t n = m->n;
    uint64_t *key = malloc((size_t)(n ? n : 1) * sizeof *key);
    if (!key) return NULL;
    for (uint32_t r = 0; r < n; r++) {
        switch (which) {
        case RANK_DOWNLOADS: key[r] = key_i64(m->downloads[r]); break;
        case RANK_LIKES: key[r] = key_i64(m->likes[r]); break;
        case RANK_TRENDING: key[r] = key_f64(m->trending[r]); break;
        default: key[r] = key_i64(m->created_at[r]); break;
        }
    }
    uint32_t *order = radix_desc(key, n);
    free(key);
    return order;
}

const uint32_t *server_ranking(hv_server *s, int which) {
    uint32_t *r = __atomic_load_n(&s->ranking[which], __ATOMIC_ACQUIRE);
    if (r) return r;
    pthread_mutex_lock(&s->ranking_lock);
    r = s->ranking[which];
    if (!r) {
        r = build_ranking(&s->map, which);
        __atomic_store_n(&s->ranking[which], r, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&s->ranking_lock);
    return r;
}

void server_warm(hv_server *s) {
    server_ranking(s, RANK_DOWNLOADS);
    points_warm(s);
    search_warm(s);
    server_ranking(s, RANK_CREATED);
}

static int build_families(hv_server *s, hv_err *e) {
    const hv_map *m = &s->map;
    if (!m->family || !m->nfamilies) return HV_OK;
    s->family_off = calloc((size_t)m->nfamilies + 1, sizeof *s->family_off);
    s->family_rows = malloc((size_t)(m->n ? m->n : 1) * sizeof *s->family_rows);
    if (!s->family_off || !s->family_rows) return hv_errf(e, HV_ENOMEM, "out of memory for the families");
    for (uint32_t r = 0; r < m->n; r++) s->family_off[m->family[r] + 1]++;
    for (uint32_t f = 0; f < m->nfamilies; f++) s->family_off[f + 1] += s->family_off[f];
    uint64_t *pos = malloc((size_t)m->nfamilies * sizeof *pos);
    if (!pos) return hv_errf(e, HV_ENOMEM, "out of memory for the families");
    memcpy(pos, s->family_off, (size_t)m->nfamilies * sizeof *pos);
    for (uint32_t r = 0; r < m->n; r++) s->family_rows[pos[m->family[r]]++] = r;
    free(pos);
    return HV_OK;
}

int server_open(hv_server *s, const hv_serve_opts *o, hv_err *e) {
    memset(s, 0, sizeof *s);
    s->opts = *o;
    s->started_at = hv_now();
    pthread_mutex_init(&s->cards_lock, NULL);
    pthread_mutex_init(&s->stats_lock, NULL);
    pthread_mutex_init(&s->ranking_lock, NULL);
    int rc = map_open(o->map_path, false, &s->map, e);
    if (rc) return rc;
    const hv_map *m = &s->map;
    /* The ETag of everything derived from this map: its size and the CRC of
     * its section table (which covers every section's CRC). */
    uint32_t tcrc = 0;
    for (uint32_t i = 0; i < m->file.nsections; i++) tcrc = tcrc * 31u + m->file.sections[i].crc;
    snprintf(s->etag_base, sizeof s->etag_base, "%08x%08llx", tcrc, (unsigned long long)m->file.size);
    if (o->web_dir) {
        if (!realpath(o->web_dir, s->web_root))
            return hv_errf(e, HV_EUSAGE, "--web %s: no such folder", o->web_dir);
    }
    if (m->cards_size) {
        s->cards = cardstore_open_at(o->map_path, m->cards_offset, m->cards_size, e);
        if (!s->cards) return hv_err_prefix(e, "%s: embedded card store", o->map_path);
    }
    double t[6];
    t[0] = t[1] = hv_now();
    if ((rc = build_families(s, e))) return rc;
    t[2] = hv_now();
    if (filter_init(s)) return hv_errf(e, HV_ENOMEM, "out of memory for the facet names");
    t[3] = hv_now();
    if ((rc = points_init(s, e))) return rc;
    t[4] = hv_now();
    if ((rc = search_init(s, e)) || (rc = overview_init(s, e)) || (rc = analyze_init(s, e)) ||
        (rc = modelcount_init(s, e)))
        return rc;
    t[5] = hv_now();
    fprintf(stderr, "hfviz serve: start-up: open %.0f ms, families %.0f, names %.0f, points %.0f, search %.0f\n",
            (t[0] - s->started_at) * 1e3, (t[2] - t[1]) * 1e3, (t[3] - t[2]) * 1e3, (t[4] - t[3]) * 1e3,
            (t[5] - t[4]) * 1e3);
    return HV_OK;
}

void server_close(hv_server *s) {
    modelcount_free(s);
    analyze_free(s);
    overview_free(s);
    search_free(s);
    points_free(s);
    for (int i = 0; i < RANK_COUNT; i++) free(s->ranking[i]);
    pthread_mutex_destroy(&s->ranking_lock);
    free(s->family_off);
    free(s->family_rows);
    free(s->strs_hash);
    cardstore_close_reader(s->cards);
    pthread_mutex_destroy(&s->cards_lock);
    pthread_mutex_destroy(&s->stats_lock);
    hv_buf_free(&s->stats_body);
    map_close(&s->map);
    memset(s, 0, sizeof *s);
}
