/* fuzz_input.h - hand fuzz bytes to a reader that takes a path. */
#ifndef HV_FUZZ_INPUT_H
#define HV_FUZZ_INPUT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ingest/ingest.h"

typedef int (*hv_reader)(hv_catalog *, const char *, const hv_ingest_opts *, hv_ingest_report *, hv_err *);

/* The first byte picks --skip-bad-rows; the rest is the file, passed as a
 * memfd so no disk is touched.  Then the catalog is finished, which runs
 * the code that reads what the reader stored. */
static int fuzz_reader(hv_reader read_fn, const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    hv_ingest_opts o = {.skip_bad_rows = data[0] & 1};
    int fd = memfd_create("fuzz", 0);
    if (fd < 0) abort();
    if (size > 1 && write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) abort();
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    hv_catalog *c = catalog_new();
    hv_ingest_report rep;
    ingest_report_init(&rep, path, HV_FMT_AUTO);
    hv_err e = {0};
    int rc = read_fn(c, path, &o, &rep, &e);
    if (rc != HV_OK && rc != HV_EINPUT && rc != HV_ENOMEM) abort();
    if (rc == HV_OK && catalog_finish(c, &e) != HV_OK && e.code != HV_EINPUT && e.code != HV_ENOMEM) abort();
    ingest_report_free(&rep);
    catalog_free(c);
    close(fd);
    return 0;
}

#endif
