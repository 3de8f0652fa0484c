/* map.c - the map's sections: written from the build's structs, read back
 * as typed, bounds-checked pointers into the mmap'ed file. */
#include "mapfile/map.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strpool.h"

#define TRY(x) do { int rc_ = (x); if (rc_) return rc_; } while (0)

static const char *const LISTS[] = {"tags", "licenses", "languages", "datasets", "arxiv", "regions"};

static const hv_csr *catalog_list(const hv_catalog *c, int i) {
    const hv_csr *l[] = {&c->tags, &c->licenses, &c->languages, &c->datasets, &c->arxiv, &c->regions};
    return l[i];
}

static int write_pool(hv_mapwriter *w, const char *name, const hv_strpool *sp, hv_err *e) {
    uint32_t n = strpool_count(sp);
    char key[40];
    snprintf(key, sizeof key, "%s.off", name);
    TRY(mapwriter_begin(w, key, 8, e));
    uint64_t off = 0;
    for (uint32_t i = 0; i < n; i++) {
        TRY(mapwriter_write(w, &off, 8, e));
        off += strpool_get(sp, i).n;
    }
    TRY(mapwriter_write(w, &off, 8, e));
    TRY(mapwriter_end(w, e));
    snprintf(key, sizeof key, "%s.bytes", name);
    TRY(mapwriter_begin(w, key, 1, e));
    for (uint32_t i = 0; i < n; i++) {
        hv_sv s = strpool_get(sp, i);
        TRY(mapwriter_write(w, s.p, s.n, e));
    }
    return mapwriter_end(w, e);
}

static int write_csr(hv_mapwriter *w, const char *name, const hv_csr *l, uint32_t n, hv_err *e) {
    char key[40];
    snprintf(key, sizeof key, "%s.off", name);
    TRY(mapwriter_add(w, key, l->off, 8, (uint64_t)n + 1, e));
    snprintf(key, sizeof key, "%s.val", name);
    return mapwriter_add(w, key, l->val, 4, l->off[n], e);
}

/* id pool id -> row, and a hash table over the id pool for lookups */
static int write_id_index(hv_mapwriter *w, const hv_catalog *c, hv_err *e) {
    uint32_t nids = strpool_count(c->ids);
    TRY(mapwriter_add(w, "ids.row", c->row_of_id, 4, nids, e));
    uint64_t size = 16;
    while (size < (uint64_t)nids * 2) size *= 2;
    uint32_t *table = malloc(size * sizeof *table);
    if (!table) return hv_errf(e, HV_ENOMEM, "out of memory");
    for (uint64_t i = 0; i < size; i++) table[i] = UINT32_MAX;
    for (uint32_t id = 0; id < nids; id++) {
        hv_sv s = strpool_get(c->ids, id);
        uint64_t h = hv_hash_bytes(s.p, s.n) & (size - 1);
        while (table[h] != UINT32_MAX) h = (h + 1) & (size - 1);
        table[h] = id;
    }
    int rc = mapwriter_add(w, "ids.hash", table, 4, size, e);
    free(table);
    return rc;
}

static int write_f16(hv_mapwriter *w, const char *name, const float *x, uint64_t count, hv_err *e) {
    TRY(mapwriter_begin(w, name, 2, e));
    uint16_t buf[4096];
    for (uint64_t i = 0; i < count;) {
        size_t m = 0;
        while (m < 4096 && i < count) buf[m++] = hv_f32_to_f16(x[i++]);
        TRY(mapwriter_write(w, buf, m * 2, e));
    }
    return mapwriter_end(w, e);
}

static int write_file(hv_mapwriter *w, const char *name, const char *path, hv_err *e) {
    FILE *f = fopen(path, "rb");
    if (!f) return hv_errf(e, HV_EIO, "%s: cannot open: %s", path, strerror(errno));
    int rc = mapwriter_begin(w, name, 1, e);
    char *buf = malloc(1 << 20);
    if (!buf && rc == HV_OK) rc = hv_errf(e, HV_ENOMEM, "out of memory");
    size_t got;
    while (rc == HV_OK && (got = fread(buf, 1, 1 << 20, f)) > 0) rc = mapwriter_write(w, buf, got, e);
    if (rc == HV_OK && ferror(f)) rc = hv_errf(e, HV_EIO, "%s: read failed", path);
    if (rc == HV_OK) rc = mapwriter_end(w, e);
    free(buf);
    fclose(f);
    return rc;
}

static int write_parts(hv_mapwriter *w, const hv_map_parts *p, hv_err *e) {
    const hv_catalog *c = p->catalog;
    uint32_t n = c->n;
    TRY(mapwriter_add(w, "meta", p->meta_json ? p->meta_json : "{}", 1, strlen(p->meta_json ? p->meta_json : "{}"), e));
    TRY(mapwriter_add(w, "n", &n, 4, 1, e));
    TRY(write_pool(w, "ids", c->ids, e));
    TRY(write_pool(w, "strs", c->strs, e));
    TRY(mapwriter_add(w, "row.id", c->model_id, 4, n, e));
    TRY(write_id_index(w, c, e));
    TRY(mapwriter_add(w, "author", c->author, 4, n, e));
    TRY(mapwriter_add(w, "pipeline", c->pipeline, 4, n, e));
    TRY(mapwriter_add(w, "library", c->library, 4, n, e));
    TRY(mapwriter_add(w, "likes", c->likes, 8, n, e));
    TRY(mapwriter_add(w, "downloads", c->downloads, 8, n, e));
    TRY(mapwriter_add(w, "created_at", c->created_at, 8, n, e));
    TRY(mapwriter_add(w, "trending", c->trending, 8, n, e));
    TRY(mapwriter_add(w, "has", c->has, 1, n, e));
    TRY(mapwriter_add(w, "private", c->is_private, 1, n, e));
    TRY(mapwriter_add(w, "card.has", c->has_card, 1, n, e));
    TRY(mapwriter_add(w, "card.autogen", c->card_autogen, 1, n, e));
    TRY(mapwriter_add(w, "card.frontmatter", c->card_frontmatter, 1, n, e));
    TRY(mapwriter_add(w, "card.chars", c->card_chars, 4, n, e));
    TRY(mapwriter_add(w, "card.words", c->card_words, 4, n, e));
    TRY(mapwriter_add(w, "card.ref", c->card_ref, 4, n, e));
    for (int i = 0; i < 6; i++) TRY(write_csr(w, LISTS[i], catalog_list(c, i), n, e));
    for (int r = 0; r < HV_REL_COUNT; r++) {
        char key[40];
        snprintf(key, sizeof key, "parents.%s", hv_relation_name((hv_relation)r));
        TRY(write_csr(w, key, &c->parents[r], n, e));
    }
    TRY(mapwriter_add(w, "edges", c->edges, sizeof(hv_edge), c->nedges, e));
    TRY(mapwriter_add(w, "edges.off", c->edge_off, 8, (uint64_t)n + 1, e));
    TRY(write_csr(w, "edges.children", &c->edge_children, n, e));
    if (p->depth) {
        TRY(mapwriter_add(w, "lineage.mask", &p->lineage_mask, 4, 1, e));
        TRY(mapwriter_add(w, "lineage.depth", p->depth, 4, n, e));
        TRY(mapwriter_add(w, "lineage.root", p->root, 4, n, e));
        TRY(mapwriter_add(w, "lineage.family", p->family, 4, n, e));
        TRY(mapwriter_add(w, "family.size", p->family_size, 4, p->nfamilies, e));
        TRY(mapwriter_add(w, "family.root", p->family_root, 4, p->nfamilies, e));
    }
    if (p->coords2d) TRY(mapwriter_add(w, "coords.2d", p->coords2d, 4, (uint64_t)n * 2, e));
    if (p->coords3d) TRY(mapwriter_add(w, "coords.3d", p->coords3d, 4, (uint64_t)n * 3, e));
    if (p->cluster) {
        TRY(mapwriter_add(w, "cluster", p->cluster, 4, n, e));
        TRY(mapwriter_begin(w, "cluster.labels.off", 8, e));
        uint64_t off = 0;
        for (uint32_t k = 0; k < p->nclusters; k++) {
            TRY(mapwriter_write(w, &off, 8, e));
            off += p->cluster_labels ? strlen(p->cluster_labels[k]) : 0;
        }
        TRY(mapwriter_write(w, &off, 8, e));
        TRY(mapwriter_end(w, e));
        TRY(mapwriter_begin(w, "cluster.labels.bytes", 1, e));
        for (uint32_t k = 0; p->cluster_labels && k < p->nclusters; k++)
            TRY(mapwriter_write(w, p->cluster_labels[k], strlen(p->cluster_labels[k]), e));
        TRY(mapwriter_end(w, e));
        if (p->centroids && p->dim)
            TRY(mapwriter_add(w, "cluster.centroids", p->centroids, 4, (uint64_t)p->nclusters * p->dim, e));
    }
    if (p->knn_idx) {
        TRY(mapwriter_add(w, "knn.k", &p->k, 4, 1, e));
        TRY(mapwriter_add(w, "knn.idx", p->knn_idx, 4, (uint64_t)n * p->k, e));
        TRY(mapwriter_add(w, "knn.dist", p->knn_dist, 4, (uint64_t)n * p->k, e));
    }
    if (p->vectors && p->dim) {
        TRY(mapwriter_add(w, "vectors.dim", &p->dim, 4, 1, e));
        TRY(write_f16(w, "vectors.f16", p->vectors, (uint64_t)n * p->dim, e));
    }
    if (p->cardstore_path) TRY(write_file(w, "cards", p->cardstore_path, e));
    if (p->extra) TRY(p->extra(p->extra_ud, w, e));
    return HV_OK;
}

int map_write(const char *path, const hv_map_parts *p, hv_err *e) {
    if (!p->catalog || !p->catalog->finished) return hv_errf(e, HV_EINTERNAL, "map_write needs a finished catalog");
    hv_mapwriter *w = mapwriter_create(path, e);
    if (!w) return e ? e->code : HV_EIO;
    int rc = write_parts(w, p, e);
    if (rc) {
        mapwriter_abort(w);
        return rc;
    }
    return mapwriter_close(w, e);
}

/* ---- reading ---- */

#define GET(name, size, count, ptr) \
    do { const void *v_; int rc_ = mapfile_get(&m->file, name, size, count, &v_, NULL, e); if (rc_) goto fail; ptr = v_; } while (0)
#define OPT(name) (mapfile_find(&m->file, name) != NULL)

static int get_list(hv_map *m, const char *name, hv_map_list *l, hv_err *e) {
    char key[40];
    const void *v;
    uint64_t nval;
    snprintf(key, sizeof key, "%s.off", name);
    TRY(mapfile_get(&m->file, key, 8, (uint64_t)m->n + 1, &v, NULL, e));
    l->off = v;
    snprintf(key, sizeof key, "%s.val", name);
    TRY(mapfile_get(&m->file, key, 4, UINT64_MAX, &v, &nval, e));
    l->val = v;
    /* offsets must be monotone and end at the value count */
    if (l->off[0] != 0 || l->off[m->n] != nval)
        return hv_errf(e, HV_EINPUT, "%s: section '%s' offsets do not match its values", m->file.path, name);
    for (uint32_t r = 0; r < m->n; r++)
        if (l->off[r] > l->off[r + 1])
            return hv_errf(e, HV_EINPUT, "%s: section '%s' offsets decrease at row %u", m->file.path, name, r);
    return HV_OK;
}

static int check_ids(const hv_map *m, const char *what, const uint32_t *v, uint64_t count, uint32_t limit, bool none_ok,
                     hv_err *e) {
    for (uint64_t i = 0; i < count; i++)
        if (v[i] >= limit && !(none_ok && v[i] == UINT32_MAX))
            return hv_errf(e, HV_EINPUT, "%s: section '%s' holds %u at %llu, out of range (< %u)", m->file.path, what,
                           v[i], (unsigned long long)i, limit);
    return HV_OK;
}

static int get_pool(hv_map *m, const char *name, const uint64_t **off, const char **bytes, uint32_t *count, hv_err *e) {
    char key[40];
    const void *v;
    uint64_t n, nbytes;
    snprintf(key, sizeof key, "%s.off", name);
    TRY(mapfile_get(&m->file, key, 8, UINT64_MAX, &v, &n, e));
    *off = v;
    snprintf(key, sizeof key, "%s.bytes", name);
    TRY(mapfile_get(&m->file, key, 1, UINT64_MAX, &v, &nbytes, e));
    *bytes = v;
    if (n == 0 || n - 1 > UINT32_MAX || (*off)[0] != 0 || (*off)[n - 1] != nbytes)
        return hv_errf(e, HV_EINPUT, "%s: string table '%s' is corrupt", m->file.path, name);
    for (uint64_t i = 0; i + 1 < n; i++)
        if ((*off)[i] > (*off)[i + 1]) return hv_errf(e, HV_EINPUT, "%s: string table '%s' is corrupt", m->file.path, name);
    *count = (uint32_t)(n - 1);
    return HV_OK;
}

int map_open(const char *path, bool verify, hv_map *m, hv_err *e) {
    memset(m, 0, sizeof *m);
    TRY(mapfile_open(path, verify, &m->file, e));
    const uint32_t *np;
    const void *v;
    int rc;
    uint64_t cnt;
    if ((rc = mapfile_get(&m->file, "n", 4, 1, &v, NULL, e))) goto fail;
    np = v;
    m->n = *np;
    uint32_t n = m->n;
    if ((rc = mapfile_get(&m->file, "meta", 1, UINT64_MAX, &v, &cnt, e))) goto fail;
    m->meta_json = hv_sv_make(v, cnt);
    if ((rc = get_pool(m, "ids", &m->ids_off, &m->ids_bytes, &m->nids, e))) goto fail;
    if ((rc = get_pool(m, "strs", &m->strs_off, &m->strs_bytes, &m->nstrs, e))) goto fail;
    GET("row.id", 4, n, m->row_id);
    GET("ids.row", 4, m->nids, m->id_row);
    if ((rc = mapfile_get(&m->file, "ids.hash", 4, UINT64_MAX, &v, &m->id_hash_size, e))) goto fail;
    m->id_hash = v;
    if (m->id_hash_size < 2 || (m->id_hash_size & (m->id_hash_size - 1)) || m->id_hash_size < m->nids) {
        rc = hv_errf(e, HV_EINPUT, "%s: id hash table is corrupt", path);
        goto fail;
    }
    if ((rc = check_ids(m, "row.id", m->row_id, n, m->nids, false, e)) ||
        (rc = check_ids(m, "ids.row", m->id_row, m->nids, n, true, e)) ||
        (rc = check_ids(m, "ids.hash", m->id_hash, m->id_hash_size, m->nids, true, e)))
        goto fail;
    GET("author", 4, n, m->author);
    GET("pipeline", 4, n, m->pipeline);
    GET("library", 4, n, m->library);
    if ((rc = check_ids(m, "author", m->author, n, m->nstrs, false, e)) ||
        (rc = check_ids(m, "pipeline", m->pipeline, n, m->nstrs, false, e)) ||
        (rc = check_ids(m, "library", m->library, n, m->nstrs, false, e)))
        goto fail;
    GET("likes", 8, n, m->likes);
    GET("downloads", 8, n, m->downloads);
    GET("created_at", 8, n, m->created_at);
    GET("trending", 8, n, m->trending);
    GET("has", 1, n, m->has);
    GET("private", 1, n, m->is_private);
    GET("card.has", 1, n, m->has_card);
    GET("card.autogen", 1, n, m->card_autogen);
    GET("card.frontmatter", 1, n, m->card_frontmatter);
    GET("card.chars", 4, n, m->card_chars);
    GET("card.words", 4, n, m->card_words);
    GET("card.ref", 4, n, m->card_ref);
    hv_map_list *lists[] = {&m->tags, &m->licenses, &m->languages, &m->datasets, &m->arxiv, &m->regions};
    for (int i = 0; i < 6; i++) {
        if ((rc = get_list(m, LISTS[i], lists[i], e))) goto fail;
        if ((rc = check_ids(m, LISTS[i], lists[i]->val, lists[i]->off[n], m->nstrs, false, e))) goto fail;
    }
    for (int r = 0; r < HV_REL_COUNT; r++) {
        char key[40];
        snprintf(key, sizeof key, "parents.%s", hv_relation_name((hv_relation)r));
        if ((rc = get_list(m, key, &m->parents[r], e))) goto fail;
        if ((rc = check_ids(m, key, m->parents[r].val, m->parents[r].off[n], m->nids, false, e))) goto fail;
    }
    if ((rc = mapfile_get(&m->file, "edges", sizeof(hv_edge), UINT64_MAX, &v, &m->nedges, e))) goto fail;
    m->edges = v;
    for (uint64_t k = 0; k < m->nedges; k++)
        if (m->edges[k].parent >= n || m->edges[k].child >= n || m->edges[k].type >= HV_REL_COUNT) {
            rc = hv_errf(e, HV_EINPUT, "%s: edge %llu is out of range", path, (unsigned long long)k);
            goto fail;
        }
    GET("edges.off", 8, (uint64_t)n + 1, m->edge_off);
    if (m->edge_off[0] != 0 || m->edge_off[n] != m->nedges) {
        rc = hv_errf(e, HV_EINPUT, "%s: edge offsets do not match the edges", path);
        goto fail;
    }
    for (uint32_t r = 0; r < n; r++)
        if (m->edge_off[r] > m->edge_off[r + 1]) {
            rc = hv_errf(e, HV_EINPUT, "%s: edge offsets decrease at row %u", path, r);
            goto fail;
        }
    if ((rc = get_list(m, "edges.children", &m->edge_children, e))) goto fail;
    if ((rc = check_ids(m, "edges.children", m->edge_children.val, m->edge_children.off[n], (uint32_t)m->nedges, false, e)))
        goto fail;
    if (OPT("lineage.depth")) {
        GET("lineage.depth", 4, n, m->depth);
        GET("lineage.root", 4, n, m->root);
        GET("lineage.family", 4, n, m->family);
        if ((rc = mapfile_get(&m->file, "family.size", 4, UINT64_MAX, &v, &cnt, e))) goto fail;
        m->family_size = v;
        m->nfamilies = (uint32_t)cnt;
        GET("family.root", 4, m->nfamilies, m->family_root);
        if ((rc = check_ids(m, "lineage.root", m->root, n, n, false, e)) ||
            (rc = check_ids(m, "lineage.family", m->family, n, m->nfamilies, false, e)) ||
            (rc = check_ids(m, "family.root", m->family_root, m->nfamilies, n, false, e)))
            goto fail;
    }
    if (OPT("coords.2d")) GET("coords.2d", 4, (uint64_t)n * 2, m->coords2d);
    if (OPT("coords.3d")) GET("coords.3d", 4, (uint64_t)n * 3, m->coords3d);
    if (OPT("cluster")) {
        GET("cluster", 4, n, m->cluster);
        if ((rc = mapfile_get(&m->file, "cluster.labels.off", 8, UINT64_MAX, &v, &cnt, e))) goto fail;
        m->cluster_label_off = v;
        m->nclusters = cnt ? (uint32_t)(cnt - 1) : 0;
        uint64_t nbytes;
        if ((rc = mapfile_get(&m->file, "cluster.labels.bytes", 1, UINT64_MAX, &v, &nbytes, e))) goto fail;
        m->cluster_label_bytes = v;
        if (!cnt || m->cluster_label_off[m->nclusters] != nbytes) {
            rc = hv_errf(e, HV_EINPUT, "%s: cluster labels are corrupt", path);
            goto fail;
        }
        for (uint32_t k = 0; k < m->nclusters; k++)
            if (m->cluster_label_off[k] > m->cluster_label_off[k + 1]) {
                rc = hv_errf(e, HV_EINPUT, "%s: cluster labels are corrupt", path);
                goto fail;
            }
        if ((rc = check_ids(m, "cluster", m->cluster, n, m->nclusters, false, e))) goto fail;
    }
    if (OPT("knn.k")) {
        const uint32_t *kp;
        GET("knn.k", 4, 1, kp);
        m->k = *kp;
        GET("knn.idx", 4, (uint64_t)n * m->k, m->knn_idx);
        GET("knn.dist", 4, (uint64_t)n * m->k, m->knn_dist);
        if ((rc = check_ids(m, "knn.idx", m->knn_idx, (uint64_t)n * m->k, n, true, e))) goto fail;
    }
    if (OPT("vectors.dim")) {
        const uint32_t *dp;
        GET("vectors.dim", 4, 1, dp);
        m->dim = *dp;
        GET("vectors.f16", 2, (uint64_t)n * m->dim, m->vectors_f16);
        if (OPT("cluster.centroids")) GET("cluster.centroids", 4, (uint64_t)m->nclusters * m->dim, m->centroids);
    }
    const hv_section *cards = mapfile_find(&m->file, "cards");
    if (cards) {
        m->cards_offset = cards->offset;
        m->cards_size = cards->size;
    }
    return HV_OK;
fail:
    mapfile_close(&m->file);
    memset(m, 0, sizeof *m);
    return rc ? rc : HV_EINPUT;
}

void map_close(hv_map *m) {
    if (!m) return;
    mapfile_close(&m->file);
    memset(m, 0, sizeof *m);
}

hv_sv map_idpool(const hv_map *m, uint32_t id) {
    if (id >= m->nids) return hv_sv_make("", 0);
    return hv_sv_make(m->ids_bytes + m->ids_off[id], m->ids_off[id + 1] - m->ids_off[id]);
}

hv_sv map_id(const hv_map *m, uint32_t row) { return row < m->n ? map_idpool(m, m->row_id[row]) : hv_sv_make("", 0); }

hv_sv map_str(const hv_map *m, uint32_t sid) {
    if (sid >= m->nstrs) return hv_sv_make("", 0);
    return hv_sv_make(m->strs_bytes + m->strs_off[sid], m->strs_off[sid + 1] - m->strs_off[sid]);
}

hv_sv map_cluster_label(const hv_map *m, uint32_t c) {
    if (c >= m->nclusters) return hv_sv_make("", 0);
    return hv_sv_make(m->cluster_label_bytes + m->cluster_label_off[c], m->cluster_label_off[c + 1] - m->cluster_label_off[c]);
}

uint32_t map_find(const hv_map *m, hv_sv id) {
    if (!m->id_hash_size) return HV_NO_ROW;
    uint64_t mask = m->id_hash_size - 1, h = hv_hash_bytes(id.p, id.n) & mask;
    for (uint64_t probes = 0; probes < m->id_hash_size; probes++) {
        uint32_t slot = m->id_hash[h];
        if (slot == UINT32_MAX) return HV_NO_ROW;
        if (hv_sv_eq(map_idpool(m, slot), id)) return m->id_row[slot];
        h = (h + 1) & mask;
    }
    return HV_NO_ROW;
}

void map_vector(const hv_map *m, uint32_t row, float *out) {
    for (uint32_t j = 0; j < m->dim; j++) out[j] = hv_f16_to_f32(m->vectors_f16[(uint64_t)row * m->dim + j]);
}

/* IEEE 754 half precision, round to nearest even (embeddings in [-1, 1]
 * keep ~3 significant digits, plenty for cosine neighbours). */
uint16_t hv_f32_to_f16(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000u;
    int32_t exp = (int32_t)((x >> 23) & 0xFF) - 127 + 15;
    uint32_t mant = x & 0x7FFFFFu;
    if (((x >> 23) & 0xFF) == 0xFF) return (uint16_t)(sign | 0x7C00u | (mant ? 0x200u : 0)); /* inf / nan */
    if (exp >= 31) return (uint16_t)(sign | 0x7C00u);
    if (exp <= 0) {
        if (exp < -10) return (uint16_t)sign;
        mant |= 0x800000u;
        uint32_t shift = (uint32_t)(14 - exp);
        uint32_t half = mant >> shift;
        uint32_t rem = mant & ((1u << shift) - 1), mid = 1u << (shift - 1);
        if (rem > mid || (rem == mid && (half & 1u))) half++;
        return (uint16_t)(sign | half);
    }
    uint32_t half = sign | ((uint32_t)exp << 10) | (mant >> 13);
    uint32_t rem = mant & 0x1FFFu;
    if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) half++;
    return (uint16_t)half;
}

float hv_f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1Fu, mant = h & 0x3FFu;
    uint32_t x;
    if (exp == 0) {
        if (mant == 0) {
            x = sign;
        } else {
            float f = ldexpf((float)mant, -24);
            memcpy(&x, &f, 4);
            x |= sign;
        }
    } else if (exp == 31) {
        x = sign | 0x7F800000u | (mant << 13);
    } else {
        x = sign | ((exp + 112) << 23) | (mant << 13);
    }
    float f;
    memcpy(&f, &x, 4);
    return f;
}
