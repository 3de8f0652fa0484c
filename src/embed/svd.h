/* svd.h - randomized truncated SVD of a sparse matrix (Halko, Martinsson,
 * Tropp 2011, algorithms 4.4 + 5.1).
 *
 * With l = k + oversample (capped by the matrix size):
 *   Y = A Omega            Omega: n_cols x l Gaussian, from the seed
 *   Q = qr(Y)
 *   repeat power_iters:    Z = qr(A^T Q), Q = qr(A Z)
 *   Z = A^T Q              (B^T, n_cols x l)
 *   B B^T = Z^T Z = W S^2 W^T   (l x l, eigen-decomposition in double)
 *   U_k S_k = Q W_k S_k
 *   V_k = Z W_k S_k^-1    (the projection: a row a of A maps to a V_k)
 * Omega is generated per (seed, feature, column) from a counter-based RNG,
 * and every product sums in an order that does not depend on the thread
 * count (A X row-parallel; A^T Y with each thread owning a range of output
 * rows), so only OpenBLAS's QR/GEMM can differ across thread counts.
 * Signs: each column of U is flipped so that its largest-magnitude entry
 * (the first such, by row) is positive. */
#ifndef HV_SVD_H
#define HV_SVD_H

#include <stdint.h>

#include "core/err.h"
#include "core/progress.h"
#include "text/tfidf.h"

typedef struct hv_svd_opts {
    uint32_t k;           /* components wanted */
    uint32_t oversample;  /* extra columns of the sketch */
    uint32_t power_iters; /* subspace iterations */
    uint64_t seed;
    int threads;          /* 0 = all cores */
} hv_svd_opts;

/* us: n_rows x k, row-major: U_k S_k (the rows' coordinates, like sklearn's
 * TruncatedSVD.fit_transform).  sigma: k singular values, descending (may
 * be NULL).  Components beyond the rank the sketch can hold
 * (min(l, n_rows, n_cols)) are zero.  p gets one update per product.
 *
 * proj (may be NULL): V_k = Z W_k S_k^-1, with the same signs as us, so
 * that a (new) row a maps to a V_k, which for a row of A is its row of
 * U_k S_k up to what the sketch missed (exact when rank(A) <= l; like
 * sklearn's transform next to fit_transform).  Rows only for the *active*
 * columns of A (those holding an entry), ascending, k floats each: the
 * other rows would be zero, and a 2^26-column hashing space must not cost
 * a dense n_cols x k matrix.  svd_active_cols() counts them.  A component
 * whose sigma is zero, or numerically so (below SVD_SIGMA_FLOOR x sigma_1:
 * the float noise of a sketch of lower rank than l), gets a zero column. */
#define SVD_SIGMA_FLOOR 1e-4
int svd_randomized(const hv_spmat *a, const hv_svd_opts *o, float *us, float *sigma, float *proj, hv_progress *p,
                   hv_err *e);

/* Number of columns of a that hold at least one entry (the rows of proj);
 * UINT32_MAX when out of memory. */
uint32_t svd_active_cols(const hv_spmat *a);

/* The products, exposed for tests.  y = A x (x: n_cols x l, y: n_rows x l);
 * z = A^T y (y: n_rows x l, z: n_cols x l); all row-major. */
void spmm_ax(const hv_spmat *a, const float *x, uint32_t l, float *y, int threads);
void spmm_aty(const hv_spmat *a, const float *y, uint32_t l, float *z, int threads);

#endif
