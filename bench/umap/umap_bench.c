/* umap_bench.c - time knn_build + umap_layout on a float32 .npy matrix and
 * write the layout as a float32 .npy (bench only; built by run.sh).
 *
 *   umap_bench IN.npy OUT.npy [dims] [threads] [epochs] [seed] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "knn/knn.h"
#include "layout/umap.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Minimal .npy (v1/v2, '<f4', C order, 2-D) reader. */
static float *read_npy(const char *path, uint32_t *n, uint32_t *d) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    unsigned char pre[12];
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6)) return fclose(f), NULL;
    size_t hl = pre[8] | pre[9] << 8;
    if (pre[6] >= 2) {
        if (fread(pre + 10, 1, 2, f) != 2) return fclose(f), NULL;
        hl = pre[8] | pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    }
    char *h = calloc(hl + 1, 1);
    if (!h || fread(h, 1, hl, f) != hl || !strstr(h, "'<f4'") || strstr(h, "'fortran_order': True")) {
        free(h);
        return fclose(f), NULL;
    }
    char *s = strstr(h, "'shape': (");
    unsigned long a = 0, b = 0;
    if (!s || sscanf(s + 10, "%lu, %lu", &a, &b) != 2) return free(h), fclose(f), NULL;
    free(h);
    *n = (uint32_t)a, *d = (uint32_t)b;
    float *x = malloc(a * b * sizeof *x);
    if (!x || fread(x, sizeof *x, a * b, f) != a * b) return free(x), fclose(f), NULL;
    fclose(f);
    return x;
}

static int write_npy(const char *path, const float *y, uint32_t n, uint32_t d) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    char h[128];
    int len = snprintf(h, sizeof h, "{'descr': '<f4', 'fortran_order': False, 'shape': (%u, %u), }", n, d);
    int pad = 64 - (10 + len + 1) % 64;
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    unsigned short hl = (unsigned short)(len + pad + 1);
    fputc(hl & 255, f), fputc(hl >> 8, f);
    fwrite(h, 1, (size_t)len, f);
    for (int i = 0; i < pad; i++) fputc(' ', f);
    fputc('\n', f);
    fwrite(y, sizeof *y, (size_t)n * d, f);
    return fclose(f);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: umap_bench IN.npy OUT.npy [dims] [threads] [epochs] [seed]\n");
        return 2;
    }
    uint32_t n, d;
    float *x = read_npy(argv[1], &n, &d);
    if (!x) {
        fprintf(stderr, "cannot read %s (float32 2-D .npy expected)\n", argv[1]);
        return 1;
    }
    hv_umap_opts o;
    umap_opts_default(&o);
    if (argc > 3) o.dims = (uint32_t)atoi(argv[3]);
    if (argc > 4) o.threads = atoi(argv[4]);
    o.n_epochs = argc > 5 ? (uint32_t)atoi(argv[5]) : 200;
    if (argc > 6) o.seed = strtoull(argv[6], NULL, 10);
    hv_knn_opts ko;
    knn_opts_default(&ko);
    ko.k = 30;
    ko.threads = o.threads;
    if (getenv("EXACT_MAX_N")) ko.exact_max_n = (uint32_t)atoi(getenv("EXACT_MAX_N"));
    if (getenv("INIT")) o.init = (hv_umap_init)atoi(getenv("INIT"));
    hv_err e = {0};
    hv_progress *prog = progress_new(); /* prints the layout's graph / init / SGD split on stderr */
    hv_knn g;
    double t0 = now();
    if (knn_build(x, n, d, &ko, &g, NULL, &e)) {
        fprintf(stderr, "knn: %s\n", e.msg);
        return 1;
    }
    double t1 = now();
    float *y = malloc((size_t)n * o.dims * sizeof *y);
    if (getenv("LIFT") && o.dims == 3) { /* LIFT=E: the 2D layout first, then 3D from it in E epochs */
        hv_umap_opts o2 = o;
        o2.dims = 2;
        float *y2 = malloc((size_t)n * 2 * sizeof *y2);
        if (!y2 || umap_layout(&g, x, d, &o2, y2, prog, &e)) {
            fprintf(stderr, "umap 2d: %s\n", e.msg);
            return 1;
        }
        double t15 = now();
        fprintf(stderr, "lift: 2D layout %.2f s\n", t15 - t1);
        t1 = t15;
        if (umap_lift(y2, n, x, d, o.threads, y, &e)) return 1;
        o.init = HV_UMAP_INIT_GIVEN;
        o.n_epochs = (uint32_t)atoi(getenv("LIFT"));
        free(y2);
    }
    if (getenv("INIT_FILE")) { /* INIT_FILE=F.npy: start from that n x dims layout (e.g. umap-learn's init) */
        uint32_t n2, d2;
        float *y0 = read_npy(getenv("INIT_FILE"), &n2, &d2);
        if (!y0 || n2 != n || d2 != o.dims) {
            fprintf(stderr, "cannot use %s as a %u x %u start layout\n", getenv("INIT_FILE"), n, o.dims);
            return 1;
        }
        memcpy(y, y0, (size_t)n * o.dims * sizeof *y);
        free(y0);
        o.init = HV_UMAP_INIT_GIVEN;
    }
    if (!y || umap_layout(&g, x, d, &o, y, prog, &e)) {
        fprintf(stderr, "umap: %s\n", e.msg);
        return 1;
    }
    double t2 = now();
    if (write_npy(argv[2], y, n, o.dims)) return 1;
    printf("{\"impl\": \"hfviz\", \"n\": %u, \"dims\": %u, \"threads\": %d, \"knn_s\": %.2f, \"umap_s\": %.2f, "
           "\"seconds\": %.2f}\n",
           n, o.dims, o.threads, t1 - t0, t2 - t1, t2 - t0);
    knn_free(&g);
    free(x), free(y);
    return 0;
}
