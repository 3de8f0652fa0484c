/* tfidf.h - the sparse TF-IDF matrix of n documents over hashed features.
 *
 * Row r is document r; columns are the buckets of text/tokenize.h.  Values:
 * sublinear tf (1 + ln count) times smoothed idf (ln((1+n)/(1+df)) + 1, as
 * sklearn's TfidfTransformer(smooth_idf=True, sublinear_tf=True)), features
 * in fewer than min_df documents dropped, then each row L2-normalised (a
 * document without any kept feature stays an empty row).
 *
 * Built in one pass over the texts: a block of texts is fetched serially
 * from the callback, then tokenized, hashed, sorted and counted in parallel;
 * raw counts go straight into the CSR arrays, and the idf, min_df and
 * normalisation are applied in place at the end.  Memory: 8 bytes per
 * stored entry (uint32 column + float value) and 8 per row. */
#ifndef HV_TFIDF_H
#define HV_TFIDF_H

#include <stdint.h>

#include "core/err.h"
#include "core/progress.h"
#include "embed/embed.h"

/* Bytes of one document that are tokenized; the rest is ignored.  Model
 * texts are a few hundred bytes (the card is capped at 512 characters); the
 * cap bounds what a hostile callback can make one row cost. */
#define TFIDF_MAX_DOC_BYTES ((size_t)1 << 20)
/* Largest hashing space accepted (64 Mi buckets, 256 MiB of df counts). */
#define TFIDF_MAX_FEATURES ((uint32_t)1 << 26)

typedef struct hv_tfidf_opts {
    uint32_t n_features; /* hashing space (0 = 1 << 18) */
    uint32_t min_df;     /* 0 or 1 keeps every feature */
    int threads;         /* 0 = all cores */
} hv_tfidf_opts;

/* A float CSR matrix; columns ascending within each row. */
typedef struct hv_spmat {
    uint32_t n_rows, n_cols;
    uint64_t nnz;
    uint64_t *off; /* n_rows + 1 */
    uint32_t *col;
    float *val;
} hv_spmat;

typedef struct hv_tfidf {
    hv_spmat m;
    uint32_t *df;          /* n_cols document frequencies (before min_df) */
    uint32_t kept_features; /* features with df >= min_df */
    uint32_t empty_rows;    /* documents with no kept feature */
} hv_tfidf;

int tfidf_build(uint32_t n, hv_text_fn text, void *ud, const hv_tfidf_opts *o, hv_tfidf *out, hv_progress *p,
                hv_err *e);
void tfidf_free(hv_tfidf *t); /* accepts a zeroed struct */

#endif
