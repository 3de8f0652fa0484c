/* lop.h - the linear ordering problem, solved exactly by dynamic
 * programming over subsets (Held-Karp style): the best order of a set S
 * ending in v is the best order of S \ {v} followed by v, which gains
 * sum_{u in S \ {v}} A[u][v].  O(2^n * n) time after O(n * 2^(n/2)) tables,
 * 2^n * 9 bytes: 9 MiB at n = 20.
 *
 * Ties are broken deterministically: subsets in increasing order, the next
 * element by increasing index, and a later candidate replaces an earlier
 * one only when strictly better. */
#ifndef HV_SCI_LOP_H
#define HV_SCI_LOP_H

#include <stdint.h>

#include "core/err.h"

#define SCI_LOP_MAX 20

/* A: n x n gains, A[i * n + j] earned when i comes before j (diagonal
 * ignored).  order[0..n) gets the optimal sequence, *best its value. */
int sci_lop_solve(uint32_t n, const int64_t *A, uint8_t *order, int64_t *best, hv_err *e);

/* The value of a given order under A. */
int64_t sci_lop_value(uint32_t n, const int64_t *A, const uint8_t *order);

#endif
