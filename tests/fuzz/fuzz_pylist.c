/* fuzz_pylist.c - libFuzzer target: any bytes as a list cell. */
#include <stdint.h>
#include <stdlib.h>

#include "ingest/pylist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    hv_arena mem = {0};
    hv_svlist out = {0};
    hv_err e = {0};
    if (pylist_parse(hv_sv_make((const char *)data, size), &out, &mem, &e) == HV_OK) {
        /* every item must lie inside the arena's memory and be readable */
        size_t total = 0;
        for (size_t i = 0; i < out.n; i++)
            for (size_t k = 0; k < out.v[i].n; k++) total += (unsigned char)out.v[i].p[k];
        (void)total;
    } else if (e.code != HV_EINPUT && e.code != HV_ENOMEM) {
        abort(); /* a parse failure must be an input error */
    }
    hv_svlist_free(&out);
    arena_free(&mem);
    return 0;
}
