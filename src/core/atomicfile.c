/* atomicfile.c - temp file + fsync + rename. */
#include "core/atomicfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int atomic_open(hv_atomic *a, const char *path, const char *mode, hv_err *e) {
    memset(a, 0, sizeof *a);
    size_t n = strlen(path) + 32;
    a->tmp = malloc(n);
    a->path = strdup(path);
    if (!a->tmp || !a->path) {
        atomic_discard(a);
        return hv_errf(e, HV_ENOMEM, "out of memory");
    }
    snprintf(a->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    a->f = fopen(a->tmp, mode);
    if (!a->f) {
        int rc = hv_errf(e, HV_EIO, "%s: cannot create: %s", a->tmp, strerror(errno));
        atomic_discard(a);
        return rc;
    }
    return HV_OK;
}

void atomic_discard(hv_atomic *a) {
    if (a->f) fclose(a->f);
    if (a->tmp) unlink(a->tmp);
    free(a->tmp);
    free(a->path);
    memset(a, 0, sizeof *a);
}

int atomic_commit(hv_atomic *a, bool ok, hv_err *e) {
    int err = 0;
    ok = ok && !ferror(a->f) && fflush(a->f) == 0 && fsync(fileno(a->f)) == 0;
    if (!ok) err = errno;
    if (fclose(a->f) != 0 && ok) {
        ok = false;
        err = errno;
    }
    a->f = NULL;
    if (ok && rename(a->tmp, a->path) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        int rc = hv_errf(e, HV_EIO, "%s: cannot write: %s", a->path, err ? strerror(err) : "write error");
        atomic_discard(a);
        return rc;
    }
    free(a->tmp);
    free(a->path);
    memset(a, 0, sizeof *a);
    return HV_OK;
}
