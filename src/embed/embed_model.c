/* embed_model.c - the query model of embed_model.h: its one-block memory,
 * the query path, its map sections and its cache file.
 *
 * One validator (check_model) guards both ways in, the map and the cache
 * file, so every model embed_query sees has sorted, in-range features,
 * finite weights and sizes that agree. */
#include "embed/embed_model.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/atomicfile.h"
#include "core/le.h"
#include "embed/embed.h"
#include "mapfile/map.h"
#include "text/tokenize.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the arrays are stored in host order as little-endian");

#define INFO_SIZE 64 /* the embed.info record */
#define CACHE_MAGIC "HFVEMBM1"
#define CACHE_HEAD 16 /* magic, CRC-32, reserved */

static size_t block_bytes(uint32_t n_kept, uint32_t dims) {
    return (size_t)n_kept * (sizeof(uint32_t) + sizeof(float)) + (size_t)n_kept * dims * sizeof(uint16_t);
}

int embed_model_alloc(hv_embed_model *m, uint32_t dims, uint32_t n_features, uint32_t min_df, uint32_t n_docs,
                      uint32_t n_kept, uint32_t **feat, float **idf, uint16_t **proj, hv_err *e) {
    memset(m, 0, sizeof *m);
    if (dims == 0 || dims > EMBED_MAX_DIMS || n_kept > n_features || n_features > TFIDF_MAX_FEATURES)
        return hv_errf(e, HV_EINTERNAL, "embed model: bad shape (%u kept of %u features, %u dims)", n_kept, n_features,
                       dims);
    size_t bytes = block_bytes(n_kept, dims);
    uint8_t *b = calloc(bytes ? bytes : 1, 1);
    if (!b) return hv_errf(e, HV_ENOMEM, "embed model: out of memory (%u x %u)", n_kept, dims);
    snprintf(m->embedder, sizeof m->embedder, "%s", "tfidf-svd");
    m->version = EMBED_TFIDF_SVD_VERSION;
    m->dims = dims;
    m->n_features = n_features;
    m->min_df = min_df;
    m->n_docs = n_docs;
    m->n_kept = n_kept;
    m->owned = b;
    *feat = (uint32_t *)b;
    *idf = (float *)(b + (size_t)n_kept * sizeof(uint32_t));
    *proj = (uint16_t *)(b + (size_t)n_kept * (sizeof(uint32_t) + sizeof(float)));
    m->feat = *feat;
    m->idf = *idf;
    m->proj = *proj;
    return HV_OK;
}

void embed_model_free(hv_embed_model *m) {
    if (!m) return;
    free(m->owned);
    memset(m, 0, sizeof *m);
}

/* ---- the query path ---- */

/* Index of feature f among the kept ones, or -1. */
static int64_t kept_index(const hv_embed_model *m, uint32_t f) {
    size_t lo = 0, hi = m->n_kept;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->feat[mid] < f) lo = mid + 1;
        else hi = mid;
    }
    return lo < m->n_kept && m->feat[lo] == f ? (int64_t)lo : -1;
}

int embed_query(const hv_embed_model *m, const char *text, size_t len, float *out) {
    memset(out, 0, (size_t)m->dims * sizeof *out);
    if (!text || m->n_kept == 0) return 0;
    if (len > EMBED_QUERY_MAX_BYTES) len = EMBED_QUERY_MAX_BYTES;
    hv_featvec fv = {0};
    uint32_t *tmp = NULL;
    int known = 0;
    if (token_features(text, len, m->n_features, &fv)) goto oom;
    if (fv.n == 0) goto done;
    if (!(tmp = malloc(fv.n * sizeof *tmp))) goto oom;
    token_sort_u32(fv.v, tmp, fv.n);
    /* The build L2-normalises the TF-IDF row before the projection; the
     * result is normalised again below, so that scale is left out. */
    const uint32_t d = m->dims;
    for (size_t i = 0; i < fv.n;) {
        size_t j = i + 1;
        while (j < fv.n && fv.v[j] == fv.v[i]) j++;
        int64_t at = kept_index(m, fv.v[i]);
        if (at >= 0) {
            /* the build weighs in double and stores float: the same here */
            float wt = (float)((1.0 + log((double)(j - i))) * (double)m->idf[at]);
            const uint16_t *row = m->proj + (size_t)at * d;
            for (uint32_t c = 0; c < d; c++) out[c] += wt * hv_f16_to_f32(row[c]);
            known++;
        }
        i = j;
    }
    double ss = 0;
    for (uint32_t c = 0; c < d; c++) ss += (double)out[c] * out[c];
    if (ss > 0) {
        float inv = (float)(1.0 / sqrt(ss));
        for (uint32_t c = 0; c < d; c++) out[c] *= inv;
    }
done:
    free(tmp);
    featvec_free(&fv);
    return known;
oom:
    free(tmp);
    featvec_free(&fv);
    memset(out, 0, (size_t)m->dims * sizeof *out);
    return -HV_ENOMEM;
}

/* ---- checks shared by the map and the cache file ---- */

static void info_encode(const hv_embed_model *m, uint8_t *b) {
    memset(b, 0, INFO_SIZE);
    memcpy(b, m->embedder, strnlen(m->embedder, HV_EMBEDDER_NAME_LEN - 1));
    hv_le_put32(b + 32, m->version);
    hv_le_put32(b + 36, m->dims);
    hv_le_put32(b + 40, m->n_features);
    hv_le_put32(b + 44, m->min_df);
    hv_le_put32(b + 48, m->n_docs);
    hv_le_put32(b + 52, m->n_kept);
    /* 56..63 reserved, zero */
}

/* The record's header fields into m; HV_EINPUT when they cannot describe a
 * model this hfviz can use. */
static int info_decode(const uint8_t *b, hv_embed_model *m, const char *where, hv_err *e) {
    memset(m, 0, sizeof *m);
    if (memchr(b, 0, HV_EMBEDDER_NAME_LEN) == NULL)
        return hv_errf(e, HV_EINPUT, "%s: embed.info: embedder name not terminated", where);
    memcpy(m->embedder, b, HV_EMBEDDER_NAME_LEN);
    m->version = hv_le_get32(b + 32);
    m->dims = hv_le_get32(b + 36);
    m->n_features = hv_le_get32(b + 40);
    m->min_df = hv_le_get32(b + 44);
    m->n_docs = hv_le_get32(b + 48);
    m->n_kept = hv_le_get32(b + 52);
    if (strcmp(m->embedder, "tfidf-svd") != 0)
        return hv_errf(e, HV_EINPUT, "%s: embed.info: embedder '%s' has no query model in this hfviz", where,
                       m->embedder);
    if (m->version != EMBED_TFIDF_SVD_VERSION)
        return hv_errf(e, HV_EINPUT, "%s: embed.info: tfidf-svd query model version %u, this hfviz reads version %u",
                       where, m->version, EMBED_TFIDF_SVD_VERSION);
    if (m->dims == 0 || m->dims > EMBED_MAX_DIMS)
        return hv_errf(e, HV_EINPUT, "%s: embed.info: %u dimensions, expected 1..%u", where, m->dims, EMBED_MAX_DIMS);
    if (m->n_features == 0 || m->n_features > TFIDF_MAX_FEATURES)
        return hv_errf(e, HV_EINPUT, "%s: embed.info: %u features, expected 1..%u", where, m->n_features,
                       TFIDF_MAX_FEATURES);
    if (m->n_kept > m->n_features)
        return hv_errf(e, HV_EINPUT, "%s: embed.info: %u kept features of only %u", where, m->n_kept, m->n_features);
    return HV_OK;
}

/* The arrays m points at: features strictly ascending and in range,
 * weights finite and positive, projection without inf or NaN. */
static int check_arrays(const hv_embed_model *m, const char *where, hv_err *e) {
    for (uint32_t i = 0; i < m->n_kept; i++) {
        if (m->feat[i] >= m->n_features)
            return hv_errf(e, HV_EINPUT, "%s: embed.feat: feature %u of entry %u is out of range (%u features)", where,
                           m->feat[i], i, m->n_features);
        if (i > 0 && m->feat[i] <= m->feat[i - 1])
            return hv_errf(e, HV_EINPUT, "%s: embed.feat: not strictly ascending at entry %u", where, i);
        if (!(isfinite(m->idf[i]) && m->idf[i] > 0))
            return hv_errf(e, HV_EINPUT, "%s: embed.idf: entry %u is not a positive number", where, i);
    }
    const uint64_t np = (uint64_t)m->n_kept * m->dims;
    for (uint64_t i = 0; i < np; i++)
        if ((m->proj[i] & 0x7C00u) == 0x7C00u)
            return hv_errf(e, HV_EINPUT, "%s: embed.proj.f16: entry %llu is infinite or NaN", where,
                           (unsigned long long)i);
    return HV_OK;
}

/* ---- map sections ---- */

int embed_model_write(const hv_embed_model *m, hv_mapwriter *w, hv_err *e) {
    uint8_t info[INFO_SIZE];
    info_encode(m, info);
    int rc = mapwriter_add(w, "embed.info", info, INFO_SIZE, 1, e);
    if (!rc) rc = mapwriter_add(w, "embed.feat", m->feat, sizeof *m->feat, m->n_kept, e);
    if (!rc) rc = mapwriter_add(w, "embed.idf", m->idf, sizeof *m->idf, m->n_kept, e);
    if (!rc) rc = mapwriter_add(w, "embed.proj.f16", m->proj, sizeof *m->proj, (uint64_t)m->n_kept * m->dims, e);
    return rc;
}

static const char *const SECTIONS[] = {"embed.info", "embed.feat", "embed.idf", "embed.proj.f16"};

int embed_model_open(const hv_mapfile *f, hv_embed_model *m, bool *present, hv_err *e) {
    memset(m, 0, sizeof *m);
    *present = false;
    int have = 0;
    const char *missing = NULL;
    for (size_t i = 0; i < sizeof SECTIONS / sizeof SECTIONS[0]; i++) {
        if (mapfile_find(f, SECTIONS[i])) have++;
        else if (!missing) missing = SECTIONS[i];
    }
    if (have == 0) return HV_OK; /* no query model: a map from before them, or built without vectors */
    if (missing)
        return hv_errf(e, HV_EINPUT, "%s: the query model is incomplete: no section '%s'", f->path, missing);
    const void *p;
    int rc = mapfile_get(f, "embed.info", INFO_SIZE, 1, &p, NULL, e);
    if (rc) return rc;
    hv_embed_model t;
    if ((rc = info_decode(p, &t, f->path, e))) return rc;
    if ((rc = mapfile_get(f, "embed.feat", sizeof(uint32_t), t.n_kept, &p, NULL, e))) return rc;
    t.feat = p;
    if ((rc = mapfile_get(f, "embed.idf", sizeof(float), t.n_kept, &p, NULL, e))) return rc;
    t.idf = p;
    if ((rc = mapfile_get(f, "embed.proj.f16", sizeof(uint16_t), (uint64_t)t.n_kept * t.dims, &p, NULL, e)))
        return rc;
    t.proj = p;
    if ((rc = check_arrays(&t, f->path, e))) return rc;
    *m = t;
    *present = true;
    return HV_OK;
}

/* ---- cache file ---- */

int embed_model_save(const char *path, const hv_embed_model *m, hv_err *e) {
    uint8_t head[CACHE_HEAD + INFO_SIZE];
    memset(head, 0, sizeof head);
    memcpy(head, CACHE_MAGIC, 8);
    info_encode(m, head + CACHE_HEAD);
    const size_t nf = m->n_kept, np = (size_t)m->n_kept * m->dims;
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32_z(crc, head + CACHE_HEAD, INFO_SIZE);
    crc = crc32_z(crc, (const Bytef *)m->feat, nf * sizeof *m->feat);
    crc = crc32_z(crc, (const Bytef *)m->idf, nf * sizeof *m->idf);
    crc = crc32_z(crc, (const Bytef *)m->proj, np * sizeof *m->proj);
    hv_le_put32(head + 8, (uint32_t)crc);
    hv_atomic a;
    int rc = atomic_open(&a, path, "wb", e);
    if (rc) return rc;
    bool ok = fwrite(head, 1, sizeof head, a.f) == sizeof head;
    ok = ok && (nf == 0 || fwrite(m->feat, sizeof *m->feat, nf, a.f) == nf);
    ok = ok && (nf == 0 || fwrite(m->idf, sizeof *m->idf, nf, a.f) == nf);
    ok = ok && (np == 0 || fwrite(m->proj, sizeof *m->proj, np, a.f) == np);
    return atomic_commit(&a, ok, e);
}

int embed_model_load(const char *path, hv_embed_model *m, hv_err *e) {
    memset(m, 0, sizeof *m);
    FILE *f = fopen(path, "rb");
    if (!f) return hv_errf(e, HV_EIO, "%s: cannot open: %s", path, strerror(errno));
    uint8_t head[CACHE_HEAD + INFO_SIZE];
    hv_embed_model t;
    int rc;
    if (fread(head, 1, sizeof head, f) != sizeof head || memcmp(head, CACHE_MAGIC, 8) != 0 ||
        hv_le_get32(head + 12) != 0) {
        rc = hv_errf(e, HV_EINPUT, "%s: not an embedding query model (bad magic or header)", path);
        goto out;
    }
    if ((rc = info_decode(head + CACHE_HEAD, &t, path, e))) goto out;
    uint32_t *feat;
    float *idf;
    uint16_t *proj;
    if ((rc = embed_model_alloc(m, t.dims, t.n_features, t.min_df, t.n_docs, t.n_kept, &feat, &idf, &proj, e)))
        goto out;
    /* the size must match exactly: one byte more or less is damage */
    size_t bytes = block_bytes(t.n_kept, t.dims);
    if ((bytes && fread(m->owned, 1, bytes, f) != bytes) || fgetc(f) != EOF) {
        rc = hv_errf(e, HV_EINPUT, "%s: query model size does not match its header (%u x %u)", path, t.n_kept, t.dims);
        goto out;
    }
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32_z(crc, head + CACHE_HEAD, INFO_SIZE);
    crc = crc32_z(crc, m->owned, bytes);
    if ((uint32_t)crc != hv_le_get32(head + 8)) {
        rc = hv_errf(e, HV_EINPUT, "%s: query model checksum mismatch", path);
        goto out;
    }
    rc = check_arrays(m, path, e);
out:
    fclose(f);
    if (rc) embed_model_free(m);
    return rc;
}
