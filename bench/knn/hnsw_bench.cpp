// hnsw_bench.cpp - hnswlib's all-kNN graph on the benchmark vectors (bench
// only).  Builds an HNSW index (inner product on unit rows = cosine), then
// queries every point for K+1 neighbours and drops the point itself, at
// several ef values: one recall/time point per ef.
//
//   hnsw_bench VEC.npy TRUTH.npy K THREADS M EF_CONSTRUCTION EF [EF ...]
// Prints, tab-separated: tool, setting, n, seconds (build + query), recall@K,
// peak RSS MiB; plus the build time alone on stderr.
#include <hnswlib/hnswlib.h>
#include <omp.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

extern "C" {
#include "npy.h"
}

static double peak_mib() {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv) {
    if (argc < 8) {
        std::fprintf(stderr, "usage: hnsw_bench VEC.npy TRUTH.npy K THREADS M EFC EF...\n");
        return 2;
    }
    uint64_t n, d, tn, tk;
    float *x = (float *)npy_read(argv[1], "<f4", &n, &d);
    uint32_t *truth = (uint32_t *)npy_read(argv[2], "<u4", &tn, &tk);
    if (!x || !truth || tn != n) return 1;
    size_t k = std::atoi(argv[3]), M = std::atoi(argv[5]), efc = std::atoi(argv[6]);
    int threads = std::atoi(argv[4]);
    omp_set_num_threads(threads);

    double t0 = omp_get_wtime();
    hnswlib::InnerProductSpace space(d);
    hnswlib::HierarchicalNSW<float> index(&space, n, M, efc, 100);
    index.addPoint(x, 0); // the first point alone, as hnswlib's own ParallelFor users do
#pragma omp parallel for schedule(dynamic, 256)
    for (uint64_t i = 1; i < n; i++) index.addPoint(x + i * d, i);
    double build = omp_get_wtime() - t0;
    std::fprintf(stderr, "hnswlib build M=%zu efc=%zu: %.2f s\n", M, efc, build);

    std::vector<uint32_t> found(n * k);
    for (int a = 7; a < argc; a++) {
        size_t ef = std::atoi(argv[a]);
        index.setEf(ef);
        double t1 = omp_get_wtime();
#pragma omp parallel for schedule(dynamic, 256)
        for (uint64_t i = 0; i < n; i++) {
            auto res = index.searchKnn(x + i * d, k + 1);
            std::vector<uint32_t> row;
            while (!res.empty()) {
                if (res.top().second != i) row.push_back((uint32_t)res.top().second);
                res.pop();
            }
            std::reverse(row.begin(), row.end()); // nearest first
            for (size_t j = 0; j < k; j++) found[i * k + j] = j < row.size() ? row[j] : UINT32_MAX;
        }
        double query = omp_get_wtime() - t1;
        uint64_t hits = 0;
        for (uint64_t i = 0; i < n; i++) {
            std::vector<uint32_t> t(truth + i * tk, truth + i * tk + k);
            std::sort(t.begin(), t.end());
            for (size_t j = 0; j < k; j++)
                if (std::binary_search(t.begin(), t.end(), found[i * k + j])) hits++;
        }
        std::printf("hnswlib-0.6.2\tM=%zu efc=%zu ef=%zu (build %.1f + query %.1f s)\t%llu\t%.2f\t%.4f\t%.0f\n", M,
                    efc, ef, build, query, (unsigned long long)n, build + query, (double)hits / (n * k), peak_mib());
        std::fflush(stdout);
    }
    return 0;
}
