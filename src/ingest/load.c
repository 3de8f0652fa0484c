/* load.c - run the readers over every input, then finish the catalog. */
#include "ingest/load.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog/cardstore.h"
#include "core/clock.h"

void load_free(hv_load *l) {
    if (!l) return;
    catalog_free(l->catalog);
    for (size_t i = 0; i < l->nreports; i++) ingest_report_free(&l->reports[i]);
    free(l->reports);
    memset(l, 0, sizeof *l);
}

int load_inputs(char *const *paths, size_t npaths, const hv_ingest_opts *o, const char *cards_out, hv_load *out,
                hv_err *e) {
    memset(out, 0, sizeof *out);
    double t0 = hv_now();
    out->catalog = catalog_new();
    out->reports = calloc(npaths ? npaths : 1, sizeof *out->reports);
    if (!out->catalog || !out->reports) {
        load_free(out);
        return hv_errf(e, HV_ENOMEM, "out of memory");
    }
    out->nreports = npaths;
    hv_cardstore_writer *w = NULL;
    if (cards_out) {
        w = cardstore_create(cards_out, e);
        if (!w) {
            load_free(out);
            return e ? e->code : HV_EIO;
        }
        catalog_set_cardstore(out->catalog, w);
    }
    hv_format *fmts = calloc(npaths ? npaths : 1, sizeof *fmts);
    int rc = fmts ? HV_OK : hv_errf(e, HV_ENOMEM, "out of memory");
    for (size_t i = 0; rc == HV_OK && i < npaths; i++) {
        fmts[i] = o->format != HV_FMT_AUTO ? o->format : ingest_sniff(paths[i], e);
        if (fmts[i] == HV_FMT_COUNT) rc = e ? e->code : HV_EINPUT;
    }
    /* two passes: metadata first, then cards */
    for (int pass = 0; rc == HV_OK && pass < 2; pass++) {
        for (size_t i = 0; rc == HV_OK && i < npaths; i++) {
            if ((fmts[i] == HV_FMT_CARD) != (pass == 1)) continue;
            hv_ingest_opts oi = *o;
            oi.format = fmts[i];
            rc = ingest_file(out->catalog, paths[i], &oi, &out->reports[i], e);
        }
    }
    free(fmts);
    if (rc == HV_OK) rc = catalog_finish(out->catalog, e);
    if (w) {
        catalog_set_cardstore(out->catalog, NULL);
        if (rc == HV_OK) rc = cardstore_close(w, e);
        else cardstore_abort(w);
    }
    if (rc != HV_OK) {
        load_free(out);
        return rc;
    }
    out->seconds = hv_now() - t0;
    return HV_OK;
}
