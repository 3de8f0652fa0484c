/* facets.h - value counts of a catalog column (how many models carry each
 * license, library, ...), and the top entries. */
#ifndef HV_FACETS_H
#define HV_FACETS_H

#include <stdint.h>

#include "catalog/catalog.h"

typedef struct hv_facet_entry {
    uint32_t sid; /* strs id */
    uint64_t count;
} hv_facet_entry;

typedef struct hv_facet {
    hv_facet_entry *top; /* sorted by count desc, then by name */
    size_t ntop;
    uint64_t distinct;   /* distinct values */
    uint64_t models;     /* models with at least one value */
    uint64_t total;      /* value occurrences */
} hv_facet;

/* Count a list column (each model counts once per distinct value). */
int facet_list(const hv_catalog *c, const hv_csr *col, size_t top, hv_facet *out);
/* Count a dictionary-coded scalar column (0 = none is not counted). */
int facet_scalar(const hv_catalog *c, const uint32_t *col, size_t top, hv_facet *out);
void facet_free(hv_facet *f);

#endif
