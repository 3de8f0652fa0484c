/* bench_kmeans.c - time kmeans_run on synthetic clustered embeddings.
 *
 * Usage: bench_kmeans [n] [d] [threads] [k] [minibatch_above]
 *        (defaults 1860411 96 2 0=auto 0=library default)
 * Rows are drawn around 2000 planted unit centres whose sizes follow a
 * Zipf-like law (the catalog's families are very uneven), with per-dimension
 * noise large enough that neighbouring planted groups overlap, then
 * L2-normalised as the embedder's output is.  Prints one TSV line:
 * n d k threads gen_s kmeans_s inertia rss_before_MiB rss_peak_MiB. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "cluster/kmeans.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double unit(uint64_t *s) { return ((double)(mix(*s += 0x9E3779B97F4A7C15ull) >> 11) + 0.5) * 0x1.0p-53; }
static double gauss(uint64_t *s) { return sqrt(-2 * log(unit(s))) * cos(6.283185307179586 * unit(s)); }

static double rss_mib(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv) {
    uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1860411u;
    uint32_t d = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 96u;
    int threads = argc > 3 ? atoi(argv[3]) : 2;
    uint32_t k = argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 10) : 0;
    uint32_t mb_above = argc > 5 ? (uint32_t)strtoul(argv[5], NULL, 10) : 0;
    const uint32_t nc = 2000;
    double t0 = now();
    float *cen = malloc((size_t)nc * d * sizeof *cen);
    double *cum = malloc(nc * sizeof *cum);
    float *x = malloc((size_t)n * d * sizeof *x);
    if (!cen || !cum || !x) return fprintf(stderr, "out of memory\n"), 1;
    uint64_t s = 7;
    double tot = 0;
    for (uint32_t c = 0; c < nc; c++) {
        double q = 0;
        for (uint32_t j = 0; j < d; j++) q += pow(cen[(size_t)c * d + j] = (float)gauss(&s), 2);
        for (uint32_t j = 0; j < d; j++) cen[(size_t)c * d + j] /= (float)sqrt(q);
        cum[c] = (tot += 1.0 / (c + 1.0));
    }
#pragma omp parallel for num_threads(threads) schedule(static)
    for (uint32_t i = 0; i < n; i++) {
        uint64_t rs = mix(i + 1);
        double r = unit(&rs) * tot;
        uint32_t lo = 0, hi = nc - 1;
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            if (cum[mid] > r) hi = mid;
            else lo = mid + 1;
        }
        float *xi = x + (size_t)i * d;
        double q = 0;
        for (uint32_t j = 0; j < d; j++) q += pow(xi[j] = cen[(size_t)lo * d + j] + (float)(0.08 * gauss(&rs)), 2);
        for (uint32_t j = 0; j < d; j++) xi[j] /= (float)sqrt(q);
    }
    double t1 = now(), rss0 = rss_mib();
    hv_kmeans_opts o;
    kmeans_opts_default(&o);
    o.k = k;
    o.threads = threads;
    o.minibatch_above = mb_above;
    hv_kmeans km;
    hv_err e;
    hv_progress *p = progress_new();
    progress_stage(p, "kmeans");
    int rc = kmeans_run(x, n, d, &o, &km, p, &e);
    progress_done(p, "");
    progress_free(p);
    double t2 = now();
    if (rc) return fprintf(stderr, "kmeans: %s\n", e.msg), 1;
    uint32_t empty = 0, big = 0;
    for (uint32_t j = 0; j < km.k; j++) {
        if (!km.size[j]) empty++;
        if (km.size[j] > big) big = km.size[j];
    }
    printf("n\td\tk\tthreads\tgen_s\tkmeans_s\tinertia_per_row\tempty\tlargest\trss_before_MiB\trss_peak_MiB\n");
    printf("%u\t%u\t%u\t%d\t%.2f\t%.2f\t%.5f\t%u\t%u\t%.0f\t%.0f\n", n, d, km.k, threads, t1 - t0, t2 - t1,
           km.inertia / n, empty, big, rss0, rss_mib());
    kmeans_free(&km);
    free(x), free(cen), free(cum);
    return 0;
}
