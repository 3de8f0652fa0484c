/* err.c - error messages with context. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int hv_errf(hv_err *e, int code, const char *fmt, ...) {
    if (!e) return code;
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

int hv_err_prefix(hv_err *e, const char *fmt, ...) {
    if (!e) return HV_OK;
    char head[HV_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    size_t h = strlen(head), m = strlen(e->msg);
    if (h >= sizeof e->msg) h = sizeof e->msg - 1;
    if (h + m >= sizeof e->msg) m = sizeof e->msg - 1 - h;
    memmove(e->msg + h, e->msg, m);
    memcpy(e->msg, head, h);
    e->msg[h + m] = 0;
    return e->code;
}

const char *hv_strerror(int code) {
    switch (code) {
    case HV_OK: return "ok";
    case HV_EINPUT: return "bad input";
    case HV_EUSAGE: return "usage error";
    case HV_EIO: return "i/o error";
    case HV_ENOMEM: return "out of memory";
    default: return "internal error";
    }
}

int hv_exit_status(int code) {
    switch (code) {
    case HV_OK: return 0;
    case HV_EINPUT: return 2;
    case HV_EUSAGE: return 64;
    case HV_EIO: return 2;
    case HV_ENOMEM: return 3;
    default: return 1;
    }
}
