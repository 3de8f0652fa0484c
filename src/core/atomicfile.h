/* atomicfile.h - write a file so that readers see the old one or the whole
 * new one, never a part: write PATH.tmp.PID, then flush, fsync, close and
 * rename over PATH.  On any failure the temp file is removed and PATH is
 * left as it was.  (The map and card-store writers follow the same rule
 * with their own temp names.) */
#ifndef HV_ATOMICFILE_H
#define HV_ATOMICFILE_H

#include <stdbool.h>
#include <stdio.h>

#include "core/err.h"

typedef struct hv_atomic {
    FILE *f; /* write here */
    char *tmp, *path;
} hv_atomic;

/* mode: "w" or "wb". */
int atomic_open(hv_atomic *a, const char *path, const char *mode, hv_err *e);
/* Commit when ok (the caller's writes all succeeded), else discard; either
 * way a is released.  Returns HV_OK or HV_EIO naming the file. */
int atomic_commit(hv_atomic *a, bool ok, hv_err *e);
void atomic_discard(hv_atomic *a);

#endif
