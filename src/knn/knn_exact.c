/* knn_exact.c - exact kNN by blocked GEMM.
 *
 * The n x n matrix of dot products is never held: a thread takes a block of
 * ROWS rows, multiplies it against COLS columns at a time (one sgemm each,
 * a few MB of scratch), and feeds every entry that beats a row's current
 * k-th distance into that row's heap.  A row belongs to one thread, so no
 * locks are needed and the result does not depend on the thread count. */
#include <cblas.h>
#include <stdlib.h>

#include "knn/knn_int.h"

/* 256 x 2048 floats = 2 MiB per thread: big enough for sgemm to run near
 * peak, small enough to stay in L2/L3 while the rows are scanned. */
enum { ROWS = 256, COLS = 2048 };

static void scan_block(const float *dots, uint32_t rn, uint32_t cn, uint32_t r0, uint32_t c0, hv_knn *g) {
    uint32_t k = g->k;
    for (uint32_t r = 0; r < rn; r++) {
        uint32_t row = r0 + r;
        uint32_t *idx = g->idx + (size_t)row * k;
        float *dist = g->dist + (size_t)row * k;
        const float *dr = dots + (size_t)r * cn;
        /* compare in the dot domain: one subtraction per row, not per entry */
        float need = 1.0f - dist[0];
        for (uint32_t c = 0; c < cn; c++) {
            if (!(dr[c] > need)) continue;
            uint32_t j = c0 + c;
            if (j == row) continue;
            float dj = knn_dist_of_dot(dr[c]);
            if (!(dj < dist[0])) continue;
            knn_heap_replace_root(idx, dist, NULL, k, j, dj, 0);
            need = 1.0f - dist[0];
        }
    }
}

int knn_exact(const float *x, uint32_t n, uint32_t d, const hv_knn_opts *o, hv_knn *out, hv_progress *p, hv_err *e) {
    int rc = knn_alloc_checked(x, n, d, o, out, e);
    if (rc != HV_OK || n <= 1) return rc;
    int nt = knn_threads(o);
    uint32_t nblocks = (n + ROWS - 1) / ROWS;
    if ((uint32_t)nt > nblocks) nt = (int)nblocks;
    /* OpenBLAS would start its own threads inside each of ours */
    int blas_threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
    int failed = 0;
    uint32_t done = 0;
#pragma omp parallel num_threads(nt)
    {
        float *dots = malloc((size_t)ROWS * COLS * sizeof *dots);
        if (!dots) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (uint32_t b = 0; b < nblocks; b++) {
            if (!dots) continue;
            uint32_t r0 = b * ROWS, rn = n - r0 < ROWS ? n - r0 : ROWS;
            for (uint32_t c0 = 0; c0 < n; c0 += COLS) {
                uint32_t cn = n - c0 < COLS ? n - c0 : COLS;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rn, (int)cn, (int)d, 1.0f,
                            x + (size_t)r0 * d, (int)d, x + (size_t)c0 * d, (int)d, 0.0f, dots, (int)cn);
                scan_block(dots, rn, cn, r0, c0, out);
            }
            uint32_t now;
#pragma omp atomic capture
            now = ++done;
            progress_update(p, now, nblocks);
        }
        free(dots);
    }
    openblas_set_num_threads(blas_threads);
    if (failed) {
        knn_free(out);
        return hv_errf(e, HV_ENOMEM, "knn: out of memory for exact-search scratch");
    }
    knn_sort_rows(out, knn_threads(o));
    return HV_OK;
}
