/* lineage.h - family trees over the catalog's typed edges: roots, depth,
 * families (weakly connected components) and each model's root.
 *
 * Which edges count is a mask of edge types (1 << hv_relation).  The default
 * is the paper's "no-merge" graph: fine-tune, adapter, quantized and untyped
 * edges; merges join families of otherwise unrelated models, so they are a
 * switch (add 1 << HV_REL_MERGE). */
#ifndef HV_LINEAGE_H
#define HV_LINEAGE_H

#include <stdint.h>

#include "catalog/catalog.h"
#include "core/err.h"

#define HV_LINEAGE_DEFAULT_MASK \
    ((1u << HV_REL_BASE) | (1u << HV_REL_FINETUNE) | (1u << HV_REL_ADAPTER) | (1u << HV_REL_QUANTIZED))
#define HV_LINEAGE_ALL_MASK (HV_LINEAGE_DEFAULT_MASK | (1u << HV_REL_MERGE))

typedef struct hv_lineage {
    uint32_t n;
    unsigned mask;
    uint64_t nedges;        /* edges of the catalog whose type is in mask */
    uint32_t *indeg, *outdeg;
    uint32_t *depth;        /* generations below a root: the longest path */
    uint32_t *root;         /* the root reached by following first parents */
    uint32_t *family;       /* dense family id per row (singletons too) */
    uint32_t nfamilies;
    uint32_t *family_size;  /* per family */
    uint32_t *family_root;  /* per family: its root with the most children */
    uint32_t max_depth;
    uint64_t in_cycles;     /* rows on or below a parent cycle (depth undefined, left 0) */
} hv_lineage;

int lineage_build(const hv_catalog *c, unsigned mask, hv_lineage *out, hv_err *e);
void lineage_free(hv_lineage *l);

#endif
