/* knn_bench.c - times hfviz's kNN (bench only, not part of the library).
 *
 *   knn_bench exact VEC.npy OUT_IDX.npy [k=30 threads=2]
 *       exact graph (ground truth), written as a uint32 n x k .npy
 *   knn_bench nnd VEC.npy [truth=IDX.npy k=30 threads=2 seed=1 trees=0
 *                          leaf=0 iters=0 cand=0 delta=0 label=NAME]
 *       NN-descent; recall@k against truth when given
 * Prints one tab-separated line: tool, setting, n, seconds, recall, peak RSS MiB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "knn/knn.h"
#include "npy.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double peak_mib(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: knn_bench exact|nnd VEC.npy [OUT.npy] [key=value ...]\n");
        return 2;
    }
    const char *mode = argv[1], *vec = argv[2], *truth_path = NULL, *out_path = NULL, *label = "default";
    hv_knn_opts o;
    knn_opts_default(&o);
    o.threads = 2;
    o.seed = 1;
    int a0 = 3;
    if (strcmp(mode, "exact") == 0) {
        if (argc < 4) return 2;
        out_path = argv[3];
        a0 = 4;
    }
    for (int a = a0; a < argc; a++) {
        char *v = strchr(argv[a], '=');
        if (!v) { fprintf(stderr, "bad argument %s\n", argv[a]); return 2; }
        *v++ = 0;
        const char *key = argv[a];
        if (!strcmp(key, "truth")) truth_path = v;
        else if (!strcmp(key, "label")) label = v;
        else if (!strcmp(key, "k")) o.k = (uint32_t)atoi(v);
        else if (!strcmp(key, "threads")) o.threads = atoi(v);
        else if (!strcmp(key, "seed")) o.seed = strtoull(v, NULL, 10);
        else if (!strcmp(key, "trees")) o.n_trees = (uint32_t)atoi(v);
        else if (!strcmp(key, "leaf")) o.leaf_size = (uint32_t)atoi(v);
        else if (!strcmp(key, "iters")) o.max_iters = (uint32_t)atoi(v);
        else if (!strcmp(key, "cand")) o.max_candidates = (uint32_t)atoi(v);
        else if (!strcmp(key, "delta")) o.delta = (float)atof(v);
        else { fprintf(stderr, "unknown key %s\n", key); return 2; }
    }
    uint64_t n, d;
    float *x = npy_read(vec, "<f4", &n, &d);
    if (!x) return 1;
    hv_knn g, truth = {0};
    hv_err e = {0};
    double t0 = now();
    int rc = strcmp(mode, "exact") == 0 ? knn_exact(x, (uint32_t)n, (uint32_t)d, &o, &g, NULL, &e)
                                        : knn_nndescent(x, (uint32_t)n, (uint32_t)d, &o, &g, NULL, &e);
    double secs = now() - t0;
    if (rc != HV_OK) { fprintf(stderr, "knn: %s\n", e.msg); return 1; }
    double recall = -1;
    if (out_path && npy_write(out_path, "<u4", g.idx, g.n, g.k) != 0) return 1;
    if (truth_path) {
        uint64_t tn, tk;
        truth.idx = npy_read(truth_path, "<u4", &tn, &tk);
        if (!truth.idx || tn != n) { fprintf(stderr, "truth does not match\n"); return 1; }
        truth.n = (uint32_t)tn;
        truth.k = (uint32_t)tk;
        recall = knn_recall(&g, &truth);
        free(truth.idx);
    }
    printf("hfviz-%s\t%s\t%llu\t%.2f\t%.4f\t%.0f\n", mode, label, (unsigned long long)n, secs, recall, peak_mib());
    knn_free(&g);
    free(x);
    return 0;
}
