/* lop.c - exact linear ordering by DP over subsets. */
#include "science/lop.h"

#include <stdlib.h>

int64_t sci_lop_value(uint32_t n, const int64_t *A, const uint8_t *order) {
    int64_t v = 0;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++) v += A[(size_t)order[i] * n + order[j]];
    return v;
}

int sci_lop_solve(uint32_t n, const int64_t *A, uint8_t *order, int64_t *best, hv_err *e) {
    if (n > SCI_LOP_MAX) return hv_errf(e, HV_EUSAGE, "exact ordering is limited to %d items, got %u", SCI_LOP_MAX, n);
    if (n == 0) { *best = 0; return HV_OK; }
    /* gain(S, v) = lo[v][S & lomask] + hi[v][S >> h] */
    uint32_t h = n / 2, nh = n - h;
    size_t nlo = (size_t)1 << h, nhi = (size_t)1 << nh, full = ((size_t)1 << n) - 1;
    int64_t *lo = malloc((size_t)n * nlo * sizeof *lo), *hi = malloc((size_t)n * nhi * sizeof *hi);
    int64_t *dp = malloc((full + 1) * sizeof *dp);
    uint8_t *last = malloc(full + 1);
    if (!lo || !hi || !dp || !last) {
        free(lo); free(hi); free(dp); free(last);
        return hv_errf(e, HV_ENOMEM, "out of memory");
    }
    for (uint32_t v = 0; v < n; v++) {
        int64_t *L = lo + (size_t)v * nlo, *H = hi + (size_t)v * nhi;
        L[0] = 0;
        for (size_t s = 1; s < nlo; s++) {
            uint32_t b = (uint32_t)__builtin_ctzll(s);
            L[s] = L[s & (s - 1)] + (b == v ? 0 : A[(size_t)b * n + v]);
        }
        H[0] = 0;
        for (size_t s = 1; s < nhi; s++) {
            uint32_t b = (uint32_t)__builtin_ctzll(s) + h;
            H[s] = H[s & (s - 1)] + (b == v ? 0 : A[(size_t)b * n + v]);
        }
    }
    dp[0] = 0;
    for (size_t s = 1; s <= full; s++) {
        int64_t bestv = INT64_MIN;
        uint8_t arg = 0;
        for (uint32_t v = 0; v < n; v++) {
            if (!((s >> v) & 1u)) continue;
            size_t p = s & ~((size_t)1 << v);
            int64_t cand = dp[p] + lo[(size_t)v * nlo + (p & (nlo - 1))] + hi[(size_t)v * nhi + (p >> h)];
            if (cand > bestv) { bestv = cand; arg = (uint8_t)v; }
        }
        dp[s] = bestv;
        last[s] = arg;
    }
    *best = dp[full];
    size_t s = full;
    for (uint32_t k = n; k-- > 0;) {
        order[k] = last[s];
        s &= ~((size_t)1 << last[s]);
    }
    free(lo); free(hi); free(dp); free(last);
    return HV_OK;
}
