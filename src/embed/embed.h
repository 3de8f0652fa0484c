/* embed.h - embedders: model texts in, L2-normalised float vectors out.
 *
 * The default embedder needs no weights: TF-IDF over hashed word unigrams
 * and bigrams (sublinear tf, smoothed idf, L2) reduced by randomized
 * truncated SVD (Halko, Martinsson, Tropp 2011) to `dims` dimensions, then
 * L2-normalised.  Deterministic for a seed.  Other embedders (a transformer
 * encoder, step 7) plug in behind the same struct.
 *
 * An embedder may also hand out a query model (embed/embed_model.h): what
 * it takes to embed a new text, such as a search query, into the same
 * space later, without the training texts. */
#ifndef HV_EMBED_H
#define HV_EMBED_H

#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/progress.h"

/* Texts come from a callback so they need not all be in memory at once; it
 * may be called more than once per row (the TF-IDF reads the texts twice)
 * and from one thread at a time. */
typedef int (*hv_text_fn)(void *ud, uint32_t row, hv_buf *out, hv_err *e);

typedef struct hv_embed_opts {
    uint32_t dims;        /* output dimensions (default 96) */
    uint32_t n_features;  /* hashing space of the TF-IDF (default 1 << 18) */
    uint32_t min_df;      /* drop features in fewer documents (default 2) */
    uint32_t oversample;  /* randomized SVD oversampling (default 16) */
    uint32_t power_iters; /* randomized SVD power iterations (default 3) */
    uint64_t seed;
    int threads;          /* 0 = all cores */
    const char *model_dir;/* the "bert" embedder's model folder (embed/bert/bert.h) */
} hv_embed_opts;

void embed_opts_default(hv_embed_opts *o);

/* Bounds on options: far above useful values, low enough that a typo cannot
 * ask for terabytes. */
#define EMBED_MAX_DIMS 4096u
#define EMBED_MAX_OVERSAMPLE 4096u
#define EMBED_MAX_POWER_ITERS 50u

struct hv_embed_model;

typedef struct hv_embedder {
    const char *name; /* "tfidf-svd" */
    int (*embed)(const struct hv_embedder *self, uint32_t n, hv_text_fn text, void *ud, const hv_embed_opts *o,
                 float *out /* n * o->dims */, hv_progress *p, hv_err *e);
    /* The same vectors, and the query model into *model (the caller frees
     * it with embed_model_free).  NULL for an embedder without one. */
    int (*embed_with_model)(const struct hv_embedder *self, uint32_t n, hv_text_fn text, void *ud,
                            const hv_embed_opts *o, float *out, struct hv_embed_model *model, hv_progress *p,
                            hv_err *e);
} hv_embedder;

/* The embedder called name, or NULL ("tfidf-svd" is the default; "bert"
 * runs a sentence-transformer from o->model_dir, its dims fixed by the model:
 * embedder_dims tells them). */
const hv_embedder *embedder_find(const char *name);
/* Scale each row of v (n x d) to unit length, for cosine comparisons; zero
 * rows and rows already of unit length (within 1e-6) are left as they are. */
void embed_unit_rows(float *v, size_t n, uint32_t d);

/* The dimensions em will give with o: o->dims, or the model's for "bert". */
int embedder_dims(const hv_embedder *em, const hv_embed_opts *o, uint32_t *dims, hv_err *e);

/* Write vectors as a NumPy .npy file (float32, shape (n, d), C order),
 * atomically (temp file + rename). */
int npy_write_f32(const char *path, const float *x, uint32_t n, uint32_t d, hv_err *e);
/* Read a float32 (n, d) .npy file; *x is malloc'd. */
int npy_read_f32(const char *path, float **x, uint32_t *n, uint32_t *d, hv_err *e);

#endif
