/* embed_model.h - the query model: what it takes to put a new text (a
 * search query) into the space of a map's stored vectors.
 *
 * Each embedder has its own query path; the model says which embedder made
 * it (`embedder`, with a `version` of its tokenizing and weighting) and the
 * rest is that embedder's.  Today only "tfidf-svd" has one:
 *
 *   features: the TF-IDF's hashed unigrams and bigrams (text/tokenize.h),
 *             the first TFIDF_MAX_DOC_BYTES of the text, like the build;
 *   weight:   (1 + ln count) x idf, for the n_kept features the build kept
 *             (df >= min_df); every other feature is unknown and ignored;
 *   vector:   the weights times the SVD projection V_k (embed/svd.h), then
 *             L2-normalised, as the stored rows U_k S_k are.
 * feat, idf and proj hold rows for the kept features only (a sorted list
 * and a binary search), so a map of a small catalog stays small.  A future
 * transformer embedder would store its own sections under its own name and
 * fill its own part of this struct.
 *
 * In the map (docs/map-format.md): `embed.info` (one 64-byte record),
 * `embed.feat` (u32), `embed.idf` (f32), `embed.proj.f16` (IEEE half,
 * n_kept x dims).  The model is held with proj as half floats in memory
 * too, so a model read back from a map embeds a query to the same bits as
 * the one the build made. */
#ifndef HV_EMBED_MODEL_H
#define HV_EMBED_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "mapfile/mapfile.h"
#include "text/tfidf.h"

#define HV_EMBEDDER_NAME_LEN 32
/* Bumped whenever tokenizing, hashing or weighting changes, so a map made
 * by another version refuses queries instead of answering nonsense. */
#define EMBED_TFIDF_SVD_VERSION 1u

typedef struct hv_embed_model {
    char embedder[HV_EMBEDDER_NAME_LEN]; /* "tfidf-svd", NUL-terminated */
    uint32_t version;                    /* EMBED_TFIDF_SVD_VERSION */
    uint32_t dims;                       /* output dimensions, as the map's vectors */
    /* tfidf-svd */
    uint32_t n_features; /* hashing space */
    uint32_t min_df;     /* features in fewer training documents were dropped */
    uint32_t n_docs;     /* training documents (the idf's n) */
    uint32_t n_kept;     /* features kept: the rows below */
    const uint32_t *feat;  /* n_kept feature ids, strictly ascending, < n_features */
    const float *idf;      /* n_kept, > 0 */
    const uint16_t *proj;  /* n_kept x dims, IEEE half, row-major */
    void *owned; /* the block feat/idf/proj live in; NULL when they point into a map */
} hv_embed_model;

/* A tfidf-svd model with room for n_kept rows (one allocation, zeroed);
 * the builder fills the arrays through the writable pointers. */
int embed_model_alloc(hv_embed_model *m, uint32_t dims, uint32_t n_features, uint32_t min_df, uint32_t n_docs,
                      uint32_t n_kept, uint32_t **feat, float **idf, uint16_t **proj, hv_err *e);
void embed_model_free(hv_embed_model *m); /* accepts a zeroed struct */

/* Longest text embedded: the build's cap, so a training document's own
 * text reproduces its row; longer texts are cut there. */
#define EMBED_QUERY_MAX_BYTES TFIDF_MAX_DOC_BYTES

/* Embed text into out[m->dims] (unit length, or all zero).  Returns the
 * number of distinct known features the text has (0: no known word, out is
 * zero; the caller answers "no known words"), or -HV_ENOMEM when its small
 * scratch (a few bytes per input byte) could not be allocated.  Reads m
 * only: safe from many threads at once on one model. */
int embed_query(const hv_embed_model *m, const char *text, size_t len, float *out);

/* ---- in the map ---- */

/* Append the model's sections (for hv_map_parts.extra, through the
 * build's hook). */
int embed_model_write(const hv_embed_model *m, hv_mapwriter *w, hv_err *e);
/* Point m into an open map (no copy; valid while f is open).  HV_OK with
 * *present false when the map has no embed.* section (a map written before
 * query models, or with --no-vectors); HV_EINPUT naming the section when
 * they are incomplete or inconsistent (sizes, counts, unsorted or
 * out-of-range features, non-finite weights, an unknown embedder or
 * version).  The caller checks m->dims against the map's vectors.dim. */
int embed_model_open(const hv_mapfile *f, hv_embed_model *m, bool *present, hv_err *e);

/* ---- the build's cache file ----
 * "HFVEMBM1", u32 CRC-32 of the rest, u32 0, the 64-byte embed.info record,
 * then feat, idf, proj: written atomically; read back whole and checked
 * like a map's sections.  Load: HV_EIO when the file cannot be opened,
 * HV_EINPUT when it is damaged. */
int embed_model_save(const char *path, const hv_embed_model *m, hv_err *e);
int embed_model_load(const char *path, hv_embed_model *m, hv_err *e);

#endif
