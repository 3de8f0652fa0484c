/* npy.h - just enough .npy to move 2-D little-endian float32 / uint32
 * matrices between the benchmark's C, C++ and Python parts (bench only). */
#ifndef HV_BENCH_NPY_H
#define HV_BENCH_NPY_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads a C-order 2-D array whose descr is `descr` ("<f4" or "<u4").
 * Returns malloc'd data or NULL (message on stderr). */
static inline void *npy_read(const char *path, const char *descr, uint64_t *rows, uint64_t *cols) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return NULL; }
    unsigned char pre[10];
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) { fprintf(stderr, "%s: not .npy\n", path); fclose(f); return NULL; }
    uint32_t hlen = pre[8] | (pre[9] << 8);
    if (pre[6] >= 2) { /* version 2+: 4-byte header length */
        unsigned char more[2];
        if (fread(more, 1, 2, f) != 2) { fclose(f); return NULL; }
        hlen |= (uint32_t)more[0] << 16 | (uint32_t)more[1] << 24;
    }
    if (hlen > 65536) { fclose(f); return NULL; }
    char *h = (char *)calloc(1, hlen + 1);
    if (!h || fread(h, 1, hlen, f) != hlen) { free(h); fclose(f); return NULL; }
    char want[32];
    snprintf(want, sizeof want, "'%s'", descr);
    const char *sh = strstr(h, "'shape': (");
    if (!strstr(h, want) || strstr(h, "'fortran_order': True") || !sh) {
        fprintf(stderr, "%s: want a C-order %s matrix, header %s\n", path, descr, h);
        free(h); fclose(f); return NULL;
    }
    unsigned long long r = 0, c = 1;
    if (sscanf(sh, "'shape': (%llu, %llu)", &r, &c) < 1) { free(h); fclose(f); return NULL; }
    free(h);
    size_t bytes = (size_t)r * c * 4;
    void *data = malloc(bytes ? bytes : 1);
    if (!data || fread(data, 1, bytes, f) != bytes) { fprintf(stderr, "%s: short read\n", path); free(data); fclose(f); return NULL; }
    fclose(f);
    *rows = r; *cols = c;
    return data;
}

static inline int npy_write(const char *path, const char *descr, const void *data, uint64_t rows, uint64_t cols) {
    FILE *f = fopen(path, "wb");
    if (!f) { perror(path); return -1; }
    char h[128];
    int n = snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': (%llu, %llu), }", descr,
                     (unsigned long long)rows, (unsigned long long)cols);
    int total = 10 + n + 1, pad = (64 - total % 64) % 64;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)((n + pad + 1) & 255), (unsigned char)((n + pad + 1) >> 8)};
    fwrite(pre, 1, 10, f);
    fwrite(h, 1, (size_t)n, f);
    for (int i = 0; i < pad; i++) fputc(' ', f);
    fputc('\n', f);
    size_t bytes = (size_t)rows * cols * 4;
    int ok = fwrite(data, 1, bytes, f) == bytes;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

#endif
