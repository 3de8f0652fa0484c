/* fuzz_safetensors.c - libFuzzer target: any bytes as a .safetensors file.
 * Opening either fails with an input/IO error or gives tensors whose data
 * lies inside the file; every F32/F16/BF16 tensor then converts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "embed/bert/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char path[64];
    if (!path[0]) snprintf(path, sizeof path, "/tmp/fuzz-st-%d.safetensors", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    hv_safetensors *st;
    hv_err e = {0};
    if (st_open(path, &st, &e) != HV_OK) {
        if (e.code != HV_EINPUT && e.code != HV_EIO && e.code != HV_ENOMEM) abort();
        return 0;
    }
    for (size_t i = 0; i < st_count(st); i++) {
        const hv_st_tensor *t = st_tensor(st, i);
        if (st_find(st, t->name) != t) abort();
        if ((t->dtype == HV_ST_F32 || t->dtype == HV_ST_F16 || t->dtype == HV_ST_BF16) && t->numel < (1u << 20)) {
            float *v = malloc((t->numel ? t->numel : 1) * sizeof *v);
            if (v && st_to_f32(t, v, t->numel, &e) != HV_OK) abort();
            free(v);
        }
    }
    st_close(st);
    return 0;
}
