/* fuzz_frontmatter.c - libFuzzer target: any bytes as a model card. */
#include <stdint.h>
#include <stdlib.h>

#include "ingest/frontmatter.h"

static void touch(hv_sv s, const uint8_t *card, size_t size) {
    volatile unsigned char sink = 0;
    for (size_t k = 0; k < s.n; k++) sink ^= (unsigned char)s.p[k];
    (void)sink; (void)card; (void)size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    hv_arena mem = {0};
    hv_frontmatter fm = {0};
    hv_err e = {0};
    int rc = frontmatter_parse(hv_sv_make((const char *)data, size), &fm, &mem, &e);
    if (rc != HV_OK && rc != HV_EINPUT && rc != HV_ENOMEM) abort();
    /* the body is always a suffix of the card */
    if (fm.body.p && (fm.body.p < (const char *)data || fm.body.p + fm.body.n != (const char *)data + size)) abort();
    hv_svlist *lists[] = {&fm.base_model, &fm.license, &fm.language, &fm.tags, &fm.datasets};
    for (size_t i = 0; i < 5; i++)
        for (size_t k = 0; k < lists[i]->n; k++) touch(lists[i]->v[k], data, size);
    touch(fm.base_model_relation, data, size);
    touch(fm.library_name, data, size);
    touch(fm.pipeline_tag, data, size);
    frontmatter_free(&fm);
    arena_free(&mem);
    return 0;
}
