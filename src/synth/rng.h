/* rng.h - the generator's random numbers: splitmix64, seeded per row.
 *
 * Every row (and every name) gets its own stream derived from (seed, row,
 * purpose), so a row's text never depends on how many numbers an earlier
 * row happened to draw.  That keeps ids recomputable from the stored family
 * structure alone, and makes output byte-identical for a seed. */
#ifndef HV_SYNTH_RNG_H
#define HV_SYNTH_RNG_H

#include <math.h>
#include <stdint.h>

typedef struct hv_rng {
    uint64_t s;
} hv_rng;

static inline uint64_t hv_mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline hv_rng hv_rng_for(uint64_t seed, uint64_t row, uint64_t purpose) {
    hv_rng r = {hv_mix64(seed * 0x9E3779B97F4A7C15ull ^ hv_mix64(row + 0x632BE59BD9B4E019ull)
                         ^ hv_mix64(purpose * 0xD1B54A32D192ED03ull + 1))};
    return r;
}

static inline uint64_t hv_rng_u64(hv_rng *r) {
    r->s += 0x9E3779B97F4A7C15ull;
    return hv_mix64(r->s);
}

/* [0, 1) with 53 random bits. */
static inline double hv_rng_unit(hv_rng *r) { return (double)(hv_rng_u64(r) >> 11) * 0x1.0p-53; }

/* [0, n) for n > 0; the multiply-shift bias is far below anything a
 * calibration test can see. */
static inline uint64_t hv_rng_below(hv_rng *r, uint64_t n) {
    return (uint64_t)(((unsigned __int128)hv_rng_u64(r) * n) >> 64);
}

static inline int hv_rng_chance(hv_rng *r, double p) { return hv_rng_unit(r) < p; }

/* Standard normal (Box-Muller; one of the pair is dropped for simplicity). */
static inline double hv_rng_normal(hv_rng *r) {
    double u = hv_rng_unit(r), v = hv_rng_unit(r);
    if (u < 1e-300) u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* Zipf-like rank in [0, n): log-uniform, so rank k has weight ~1/(k+1). */
static inline uint64_t hv_rng_zipf(hv_rng *r, uint64_t n) {
    double x = exp(hv_rng_unit(r) * log((double)n + 1.0)) - 1.0;
    uint64_t k = (uint64_t)x;
    return k < n ? k : n - 1;
}

#endif
