/* catalog_int.h - internals shared by the files of src/catalog/ only. */
#ifndef HV_CATALOG_INT_H
#define HV_CATALOG_INT_H

#include "catalog/catalog.h"
#include "core/arena.h"
#include "ingest/frontmatter.h"

typedef struct u32vec {
    uint32_t *v;
    size_t n, cap;
} u32vec;

/* Per-build scratch, reused for every record so adding a row allocates
 * nothing once the vectors have grown to the largest row. */
typedef struct build_scratch {
    u32vec tags, lic, lang, ds, ax, rg, par[HV_REL_COUNT];
    hv_frontmatter fm;
    hv_arena fm_mem;
    hv_record card_rec;
} build_scratch;

int csr_append_row(hv_csr *l, uint32_t row, const uint32_t *vals, size_t n);
void csr_free(hv_csr *l);
/* Grow every per-row column to hold `need` rows. */
int catalog_ensure_rows(hv_catalog *c, uint32_t need);

#endif
