/* bert_bench.c - encoder throughput: N texts of exactly TOKENS tokens
 * ([CLS] + random vocabulary ids + [SEP]) through bert_embed_ids in packed
 * batches, after one warm-up batch.  Prints texts/s and the achieved GFLOP/s
 * (2 FLOP per multiply-add of every linear layer and of attention).
 *
 * usage: bert_bench MODEL_DIR [N=512] [TOKENS=128] [THREADS=2] */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/clock.h"
#include "embed/bert/bert.h"

void openblas_set_num_threads(int n);

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bert_bench MODEL_DIR [N] [TOKENS] [THREADS]\n");
        return 64;
    }
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 512;
    uint32_t L = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 128;
    int threads = argc > 4 ? atoi(argv[4]) : 2;
    omp_set_num_threads(threads);
    openblas_set_num_threads(threads);
    hv_bert *b;
    hv_err e = {0, ""};
    double t0 = hv_now();
    if (bert_load(argv[1], &b, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        return 2;
    }
    const hv_bert_info *in = bert_info(b);
    printf("model: %u layers, %u hidden, %u heads, %u intermediate, vocab %u; loaded in %.2f s\n", in->layers,
           in->hidden, in->heads, in->intermediate, in->vocab, hv_now() - t0);
    uint32_t *ids = malloc(n * L * sizeof *ids);
    const uint32_t **seqs = malloc(n * sizeof *seqs);
    uint32_t *lens = malloc(n * sizeof *lens);
    float *out = malloc(n * in->hidden * sizeof *out);
    uint64_t rng = 42;
    for (size_t s = 0; s < n; s++) {
        uint32_t *q = ids + s * L;
        q[0] = 2; /* the fixture vocabularies: [CLS] = 2, [SEP] = 3 */
        for (uint32_t i = 1; i + 1 < L; i++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            q[i] = 5 + (uint32_t)((rng >> 33) % (in->vocab - 5));
        }
        q[L - 1] = 3;
        seqs[s] = q;
        lens[s] = L;
    }
    size_t per = BERT_BATCH_TOKENS / L ? BERT_BATCH_TOKENS / L : 1;
    if (bert_embed_ids(b, seqs, lens, per < n ? per : n, out, &e)) { /* warm-up */
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    t0 = hv_now();
    for (size_t s = 0; s < n; s += per) {
        size_t k = n - s < per ? n - s : per;
        if (bert_embed_ids(b, seqs + s, lens + s, k, out + s * in->hidden, &e)) {
            fprintf(stderr, "%s\n", e.msg);
            return 1;
        }
    }
    double dt = hv_now() - t0;
    double H = in->hidden, I = in->intermediate;
    double flop = (double)in->layers * (2.0 * L * (4 * H * H + 2 * H * I) + 4.0 * L * L * H);
    printf("threads %d, %zu texts x %u tokens, batches of %zu: %.2f s, %.1f texts/s, %.2f GFLOP a text, %.1f GFLOP/s\n",
           threads, n, L, per, dt, n / dt, flop / 1e9, flop * n / dt / 1e9);
    free(ids);
    free(seqs);
    free(lens);
    free(out);
    bert_free(b);
    return 0;
}
