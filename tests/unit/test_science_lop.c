/* test_science_lop.c - the exact linear ordering (DP over subsets) against
 * brute force over every permutation, n <= 8, on random integer weights. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "science/lop.h"

static uint64_t rng = 88172645463325252ull;
static uint32_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static int64_t brute(uint32_t n, const int64_t *A) {
    uint8_t p[8];
    for (uint32_t i = 0; i < n; i++) p[i] = (uint8_t)i;
    int64_t best = INT64_MIN;
    /* Heap's algorithm, iterative */
    uint32_t c[8] = {0};
    best = sci_lop_value(n, A, p);
    uint32_t i = 1;
    while (i < n) {
        if (c[i] < i) {
            uint32_t j = i % 2 ? c[i] : 0;
            uint8_t t = p[j]; p[j] = p[i]; p[i] = t;
            int64_t v = sci_lop_value(n, A, p);
            if (v > best) best = v;
            c[i]++;
            i = 1;
        } else {
            c[i] = 0;
            i++;
        }
    }
    return best;
}

Test(science_lop, matches_brute_force) {
    for (uint32_t n = 1; n <= 8; n++)
        for (int trial = 0; trial < 25; trial++) {
            int64_t A[64];
            for (uint32_t i = 0; i < n; i++)
                for (uint32_t j = 0; j < n; j++) A[i * n + j] = i == j ? 0 : (int64_t)(next() % 50);
            /* half the trials: a net-traffic matrix (one direction per pair), as drift uses */
            if (trial % 2)
                for (uint32_t i = 0; i < n; i++)
                    for (uint32_t j = i + 1; j < n; j++) {
                        int64_t d = A[i * n + j] - A[j * n + i];
                        A[i * n + j] = d > 0 ? d : 0;
                        A[j * n + i] = d < 0 ? -d : 0;
                    }
            uint8_t order[SCI_LOP_MAX];
            int64_t best;
            hv_err e;
            cr_assert_eq(sci_lop_solve(n, A, order, &best, &e), HV_OK);
            cr_assert_eq(best, brute(n, A), "n=%u trial=%d", n, trial);
            cr_assert_eq(sci_lop_value(n, A, order), best, "the returned order reaches the optimum");
            uint32_t seen = 0;
            for (uint32_t k = 0; k < n; k++) seen |= 1u << order[k];
            cr_assert_eq(seen, (1u << n) - 1, "a permutation");
        }
}

Test(science_lop, a_chain_and_the_limit) {
    /* 0 -> 2 -> 1 -> 3 strictly: the unique optimum */
    int64_t A[16] = {0};
    A[0 * 4 + 2] = 5;
    A[2 * 4 + 1] = 4;
    A[1 * 4 + 3] = 3;
    A[0 * 4 + 3] = 1;
    uint8_t order[4];
    int64_t best;
    hv_err e;
    cr_assert_eq(sci_lop_solve(4, A, order, &best, &e), HV_OK);
    cr_assert_eq(best, 13);
    cr_assert_eq(order[0], 0);
    cr_assert_eq(order[1], 2);
    cr_assert_eq(order[2], 1);
    cr_assert_eq(order[3], 3);
    int64_t *big = calloc(21 * 21, sizeof *big);
    uint8_t o2[21];
    cr_assert_eq(sci_lop_solve(21, big, o2, &best, &e), HV_EUSAGE);
    free(big);
}

Test(science_lop, twenty_items_fast) {
    int64_t A[400];
    for (uint32_t i = 0; i < 20; i++)
        for (uint32_t j = 0; j < 20; j++) A[i * 20 + j] = i < j ? (int64_t)(next() % 100) : 0;
    uint8_t order[20];
    int64_t best;
    hv_err e;
    cr_assert_eq(sci_lop_solve(20, A, order, &best, &e), HV_OK);
    int64_t ident = 0;
    for (uint32_t i = 0; i < 20; i++)
        for (uint32_t j = i + 1; j < 20; j++) ident += A[i * 20 + j];
    cr_assert_eq(best, ident, "an upper-triangular matrix: the identity order takes everything");
}
