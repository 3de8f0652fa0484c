/* embed.c - the embedder registry, the default tfidf-svd embedder, and the
 * .npy reader/writer the vectors travel in.
 *
 * tfidf-svd: TF-IDF (text/tfidf.h) -> randomized SVD to dims components
 * (embed/svd.h), each row U_k S_k scaled to unit length.  Rows are scaled
 * after the SVD, so a row's direction, not its TF-IDF mass, is what the
 * kNN sees.  A document without any kept feature (no token of two or more
 * characters) gets the zero vector.  Asked for a query model, it keeps the
 * idf of the kept features and the SVD's projection V_k
 * (embed/embed_model.h), so a new text can be embedded later. */
#include "embed/embed.h"

#include "core/atomicfile.h"
#include "core/clock.h"
#include "embed/bert/bert.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embed/embed_model.h"
#include "embed/svd.h"
#include "mapfile/map.h"
#include "text/tfidf.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the .npy code writes the host's floats as '<f4'");

void embed_opts_default(hv_embed_opts *o) {
    memset(o, 0, sizeof *o);
    o->dims = 96;
    o->n_features = (uint32_t)1 << 18;
    o->min_df = 2;
    o->oversample = 16;
    o->power_iters = 3;
    o->seed = 42;
    o->threads = 0;
}

/* The query model from the TF-IDF's document frequencies and the SVD's
 * projection (rows for the active columns, which are exactly the features
 * with df >= min_df: a kept feature occurs in some row, a dropped one in
 * none). */
static int make_model(const hv_tfidf *tf, uint32_t min_df, uint32_t d, const float *proj, hv_embed_model *model,
                      hv_err *e) {
    uint32_t *feat;
    float *idf;
    uint16_t *ph;
    const uint32_t n = tf->m.n_rows, F = tf->m.n_cols, nk = tf->kept_features;
    int rc = embed_model_alloc(model, d, F, min_df, n, nk, &feat, &idf, &ph, e);
    if (rc) return rc;
    uint32_t at = 0;
    for (uint32_t j = 0; j < F; j++)
        if (tf->df[j] >= min_df && at < nk) {
            feat[at] = j;
            /* as tfidf_build computes it, rounded once to float */
            idf[at] = (float)(log((1.0 + n) / (1.0 + tf->df[j])) + 1.0);
            at++;
        }
    if (at != nk) {
        embed_model_free(model);
        return hv_errf(e, HV_EINTERNAL, "embed: %u kept features listed, %u counted", at, nk);
    }
    for (size_t i = 0; i < (size_t)nk * d; i++) ph[i] = hv_f32_to_f16(proj[i]);
    return HV_OK;
}

static int tfidf_svd_embed_with_model(const hv_embedder *self, uint32_t n, hv_text_fn text, void *ud,
                                      const hv_embed_opts *o, float *out, hv_embed_model *model, hv_progress *p,
                                      hv_err *e) {
    (void)self;
    if (model) memset(model, 0, sizeof *model);
    if (o->dims == 0 || o->dims > EMBED_MAX_DIMS)
        return hv_errf(e, HV_EUSAGE, "embed: dims must be 1..%u, got %u", EMBED_MAX_DIMS, o->dims);
    if (o->oversample > EMBED_MAX_OVERSAMPLE || o->power_iters > EMBED_MAX_POWER_ITERS)
        return hv_errf(e, HV_EUSAGE, "embed: oversample at most %u, power iterations at most %u", EMBED_MAX_OVERSAMPLE,
                       EMBED_MAX_POWER_ITERS);
    if (o->n_features == 0 || o->n_features > TFIDF_MAX_FEATURES)
        return hv_errf(e, HV_EUSAGE, "embed: features must be 1..%u, got %u", TFIDF_MAX_FEATURES, o->n_features);
    int T = o->threads > 0 ? o->threads : omp_get_max_threads();

    hv_tfidf tf;
    hv_tfidf_opts to = {o->n_features, o->min_df, T};
    progress_stage(p, "tf-idf");
    int rc = tfidf_build(n, text, ud, &to, &tf, p, e);
    if (rc) return rc;
    char detail[160];
    snprintf(detail, sizeof detail, "%u docs, %" PRIu64 " entries (%.1f per doc), %u of %u features kept, %u empty", n,
             tf.m.nnz, n ? (double)tf.m.nnz / n : 0.0, tf.kept_features, tf.m.n_cols, tf.empty_rows);
    progress_done(p, detail);

    progress_stage(p, "svd");
    const uint32_t d = o->dims;
    hv_svd_opts so = {o->dims, o->oversample, o->power_iters, o->seed, T};
    float *proj = NULL;
    if (model) {
        uint32_t active = svd_active_cols(&tf.m), kept = tf.kept_features;
        if (active != kept) {
            tfidf_free(&tf);
            return active == UINT32_MAX
                       ? hv_errf(e, HV_ENOMEM, "embed: out of memory")
                       : hv_errf(e, HV_EINTERNAL, "embed: %u active columns but %u kept features", active, kept);
        }
        if (!(proj = malloc((size_t)(active ? active : 1) * d * sizeof *proj))) {
            tfidf_free(&tf);
            return hv_errf(e, HV_ENOMEM, "embed: out of memory for the %u x %u projection", active, d);
        }
    }
    rc = svd_randomized(&tf.m, &so, out, NULL, proj, p, e);
    if (rc == HV_OK && model) rc = make_model(&tf, o->min_df ? o->min_df : 1, d, proj, model, e);
    free(proj);
    tfidf_free(&tf);
    if (rc) return rc;
#pragma omp parallel for num_threads(T) schedule(static)
    for (uint32_t r = 0; r < n; r++) {
        float *x = out + (size_t)r * d;
        double ss = 0;
        for (uint32_t c = 0; c < d; c++) ss += (double)x[c] * x[c];
        if (ss > 0) {
            float inv = (float)(1.0 / sqrt(ss));
            for (uint32_t c = 0; c < d; c++) x[c] *= inv;
        }
    }
    snprintf(detail, sizeof detail, "%u x %u, %u power iterations, oversample %u", n, d, o->power_iters, o->oversample);
    progress_done(p, detail);
    return HV_OK;
}

static int tfidf_svd_embed(const hv_embedder *self, uint32_t n, hv_text_fn text, void *ud, const hv_embed_opts *o,
                           float *out, hv_progress *p, hv_err *e) {
    return tfidf_svd_embed_with_model(self, n, text, ud, o, out, NULL, p, e);
}

/* The sentence-transformer (embed/bert/): load the folder, embed, free. */
static int bert_embed(const hv_embedder *self, uint32_t n, hv_text_fn text, void *ud, const hv_embed_opts *o,
                      float *out, hv_progress *p, hv_err *e) {
    if (!o->model_dir) return hv_errf(e, HV_EUSAGE, "the bert embedder needs a model folder (--model-dir DIR)");
    double t0 = hv_now();
    progress_stage(p, "load model");
    hv_bert *b;
    int rc = bert_load(o->model_dir, &b, e);
    if (rc) return rc;
    const hv_bert_info *in = bert_info(b);
    char detail[160];
    snprintf(detail, sizeof detail, "%u layers, %u hidden, %u heads, max %u tokens", in->layers, in->hidden,
             in->heads, in->max_len);
    progress_done(p, detail);
    if (o->dims != in->hidden) {
        bert_free(b);
        return hv_errf(e, HV_EUSAGE, "%s gives %u dimensions, not %u", o->model_dir, in->hidden, o->dims);
    }
    t0 = hv_now();
    progress_stage(p, "encode");
    rc = bert_embed_rows(b, n, text, ud, out, p, e);
    if (!rc) {
        snprintf(detail, sizeof detail, "%u texts, %.1f texts/s", n, n / (hv_now() - t0 + 1e-9));
        progress_done(p, detail);
    }
    bert_free(b);
    return rc;
}

static const hv_embedder EMBEDDERS[] = {
    {"tfidf-svd", tfidf_svd_embed, tfidf_svd_embed_with_model},
    {"bert", bert_embed, NULL},
};

void embed_unit_rows(float *v, size_t n, uint32_t d) {
#pragma omp parallel for schedule(static) if (n > 4096)
    for (size_t i = 0; i < n; i++) {
        float *r = v + i * d;
        double ss = 0;
        for (uint32_t c = 0; c < d; c++) ss += (double)r[c] * r[c];
        if (ss > 0 && fabs(ss - 1) > 1e-6) {
            float inv = (float)(1 / sqrt(ss));
            for (uint32_t c = 0; c < d; c++) r[c] *= inv;
        }
    }
}

int embedder_dims(const hv_embedder *em, const hv_embed_opts *o, uint32_t *dims, hv_err *e) {
    if (strcmp(em->name, "bert") == 0) {
        if (!o->model_dir) return hv_errf(e, HV_EUSAGE, "the bert embedder needs a model folder (--model-dir DIR)");
        return bert_probe_dims(o->model_dir, dims, e);
    }
    *dims = o->dims;
    return 0;
}

const hv_embedder *embedder_find(const char *name) {
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof EMBEDDERS / sizeof EMBEDDERS[0]; i++)
        if (strcmp(EMBEDDERS[i].name, name) == 0) return &EMBEDDERS[i];
    return NULL;
}

/* ---- .npy ---------------------------------------------------------------
 * Version 1.0: "\x93NUMPY", 1, 0, u16 header length, an ASCII Python dict
 * padded with spaces and a '\n' so the data starts on a 64-byte boundary.
 * The reader also takes versions 2.0/3.0 (u32 header length), which numpy
 * writes only for huge headers. */

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAX_HEADER 65535u

int npy_write_f32(const char *path, const float *x, uint32_t n, uint32_t d, hv_err *e) {
    char dict[160];
    int dl = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (%u, %u), }", n, d);
    size_t total = 10 + (size_t)dl + 1;
    size_t pad = (64 - total % 64) % 64;
    size_t hlen = (size_t)dl + pad + 1;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hlen & 0xFF),
                             (unsigned char)(hlen >> 8)};
    hv_atomic a;
    int rc = atomic_open(&a, path, "wb", e);
    if (rc) return rc;
    FILE *f = a.f;
    int ok = fwrite(pre, 1, 10, f) == 10 && fwrite(dict, 1, (size_t)dl, f) == (size_t)dl;
    for (size_t i = 0; ok && i < pad; i++) ok = fputc(' ', f) != EOF;
    ok = ok && fputc('\n', f) != EOF;
    size_t cnt = (size_t)n * d;
    if (ok && cnt) ok = fwrite(x, sizeof *x, cnt, f) == cnt;
    return atomic_commit(&a, ok, e);
}

/* Value of 'key' in the header dict: the text after "'key':" up to the
 * next ',' at depth 0 or the closing '}'. */
static int dict_value(const char *h, const char *key, char *out, size_t cap) {
    char pat[32];
    snprintf(pat, sizeof pat, "'%s'", key);
    const char *k = strstr(h, pat);
    if (!k) return -1;
    k += strlen(pat);
    while (*k == ' ') k++;
    if (*k++ != ':') return -1;
    while (*k == ' ') k++;
    size_t i = 0;
    int depth = 0;
    for (; *k && (depth > 0 || (*k != ',' && *k != '}')); k++) {
        if (*k == '(') depth++;
        if (*k == ')') depth--;
        if (i + 1 >= cap) return -1;
        out[i++] = *k;
    }
    while (i > 0 && out[i - 1] == ' ') i--;
    out[i] = 0;
    return 0;
}

/* "(n, d)" into two uint32. */
static int parse_shape(const char *s, uint32_t *n, uint32_t *d) {
    unsigned long long a, b;
    char c1, c2;
    int used = 0;
    if (sscanf(s, " ( %llu %c %llu %c%n", &a, &c1, &b, &c2, &used) != 4 || c1 != ',' || c2 != ')' || s[used] != 0)
        return -1;
    if (a > UINT32_MAX || b > UINT32_MAX) return -1;
    *n = (uint32_t)a;
    *d = (uint32_t)b;
    return 0;
}

int npy_read_f32(const char *path, float **x, uint32_t *n, uint32_t *d, hv_err *e) {
    *x = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return hv_errf(e, HV_EIO, "%s: cannot open: %s", path, strerror(errno));
    int rc = HV_EINPUT;
    char *hdr = NULL;
    float *data = NULL;
    unsigned char pre[12];
    if (fread(pre, 1, 8, f) != 8 || memcmp(pre, NPY_MAGIC, 6) != 0) {
        hv_errf(e, HV_EINPUT, "%s: not a .npy file (bad magic)", path);
        goto out;
    }
    size_t hlen, pre_len;
    if (pre[6] == 1 && pre[7] == 0) {
        if (fread(pre + 8, 1, 2, f) != 2) goto truncated;
        hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
        pre_len = 10;
    } else if ((pre[6] == 2 || pre[6] == 3) && pre[7] == 0) {
        if (fread(pre + 8, 1, 4, f) != 4) goto truncated;
        hlen = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
        pre_len = 12;
    } else {
        hv_errf(e, HV_EINPUT, "%s: unsupported .npy version %u.%u", path, pre[6], pre[7]);
        goto out;
    }
    if (hlen == 0 || hlen > NPY_MAX_HEADER) {
        hv_errf(e, HV_EINPUT, "%s: .npy header length %zu out of range", path, hlen);
        goto out;
    }
    if (!(hdr = malloc(hlen + 1))) {
        rc = hv_errf(e, HV_ENOMEM, "out of memory");
        goto out;
    }
    if (fread(hdr, 1, hlen, f) != hlen) goto truncated;
    hdr[hlen] = 0;
    if (strlen(hdr) != hlen || hdr[0] != '{' || !strchr(hdr, '}')) {
        hv_errf(e, HV_EINPUT, "%s: malformed .npy header", path);
        goto out;
    }
    char v[96];
    if (dict_value(hdr, "descr", v, sizeof v) || strcmp(v, "'<f4'") != 0) {
        hv_errf(e, HV_EINPUT, "%s: .npy dtype must be '<f4' (float32, little-endian)", path);
        goto out;
    }
    if (dict_value(hdr, "fortran_order", v, sizeof v) || strcmp(v, "False") != 0) {
        hv_errf(e, HV_EINPUT, "%s: .npy array must be in C order (fortran_order False)", path);
        goto out;
    }
    if (dict_value(hdr, "shape", v, sizeof v) || parse_shape(v, n, d)) {
        hv_errf(e, HV_EINPUT, "%s: .npy shape must be two dimensions (n, d)", path);
        goto out;
    }
    uint64_t cnt = (uint64_t)*n * *d;
    if (cnt > SIZE_MAX / sizeof(float)) {
        hv_errf(e, HV_EINPUT, "%s: .npy shape (%u, %u) too large", path, *n, *d);
        goto out;
    }
    /* the size must match exactly: a short or padded file is corrupt */
    uint64_t want = pre_len + hlen + cnt * sizeof(float);
    if (fseeko(f, 0, SEEK_END) != 0) goto truncated;
    off_t have = ftello(f);
    if (have < 0 || (uint64_t)have != want) {
        hv_errf(e, HV_EINPUT, "%s: .npy file is %lld bytes, shape (%u, %u) needs %" PRIu64, path, (long long)have, *n,
                *d, want);
        goto out;
    }
    if (fseeko(f, (off_t)(pre_len + hlen), SEEK_SET) != 0) goto truncated;
    if (!(data = malloc(cnt ? (size_t)cnt * sizeof *data : 1))) {
        rc = hv_errf(e, HV_ENOMEM, "%s: out of memory for (%u, %u)", path, *n, *d);
        goto out;
    }
    if (cnt && fread(data, sizeof *data, (size_t)cnt, f) != cnt) goto truncated;
    *x = data;
    data = NULL;
    rc = HV_OK;
    goto out;
truncated:
    hv_errf(e, HV_EINPUT, "%s: truncated .npy file", path);
out:
    if (rc != HV_OK) *n = *d = 0;
    free(hdr);
    free(data);
    fclose(f);
    return rc;
}
