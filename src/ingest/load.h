/* load.h - the whole ingest step: many input files (shards) into one
 * finished catalog.  Card files and folders are read after every metadata
 * file, so a card merges into its model's row whatever the argument order. */
#ifndef HV_LOAD_H
#define HV_LOAD_H

#include "catalog/catalog.h"
#include "ingest/ingest.h"

typedef struct hv_load {
    hv_catalog *catalog;
    hv_ingest_report *reports; /* one per input, in argument order */
    size_t nreports;
    double seconds;
} hv_load;

/* cards_out: where card text goes (a card store), or NULL to keep only the
 * facts.  On failure nothing is left behind (the store's temp file is
 * removed) and out holds nothing to free. */
int load_inputs(char *const *paths, size_t npaths, const hv_ingest_opts *o, const char *cards_out, hv_load *out,
                hv_err *e);
void load_free(hv_load *l);

#endif
