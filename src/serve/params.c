/* params.c - responses and query parameters for the handlers.
 *
 * Every parameter a handler reads goes through one of the arg_* functions
 * with explicit bounds; a bad value is a 400 that says which parameter,
 * what it got and what it takes. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"
#include "serve/serve.h"

void resp_init(hv_resp *rs) {
    memset(rs, 0, sizeof *rs);
    rs->fd = -1;
    rs->body.max = SERVE_MAX_RESPONSE;
}

void resp_free(hv_resp *rs) {
    hv_buf_free(&rs->body);
    rs->fd = -1;
}

void resp_error(hv_resp *rs, int status, const char *title, const char *fmt, ...) {
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "error");
    jw_cstr(&w, title);
    jw_key(&w, "detail");
    jw_cstr(&w, detail);
    jw_obj_end(&w);
    resp_json_done(rs, &w);
    rs->status = status;
    rs->etag[0] = 0;
    rs->cache = NULL;
}

void resp_json(hv_resp *rs, hv_jw *w) {
    hv_buf_clear(&rs->body);
    rs->ext = NULL;
    rs->ext_len = 0;
    rs->type = "application/json";
    jw_init(w, &rs->body);
}

void resp_json_done(hv_resp *rs, hv_jw *w) {
    if (w->failed || w->depth != 0) {
        hv_buf_clear(&rs->body);
        static const char msg[] = "{\"error\":\"response too large\",\"detail\":\"narrow the request\"}";
        hv_buf_append(&rs->body, msg, sizeof msg - 1);
        rs->status = 500;
        return;
    }
    rs->status = 200;
}

const char *req_arg(const hv_req *rq, const char *name) {
    for (int i = 0; i < rq->nargs; i++)
        if (strcmp(rq->args[i].k, name) == 0) return rq->args[i].v ? rq->args[i].v : "";
    return NULL;
}

/* Printable excerpt of a bad value for the error text. */
static const char *excerpt(const char *v, char *buf, size_t cap) {
    size_t i = 0;
    for (; v[i] && i + 4 < cap; i++) buf[i] = (v[i] >= 0x20 && v[i] < 0x7f) ? v[i] : '?';
    if (v[i]) memcpy(buf + i, "...", 4);
    else buf[i] = 0;
    return buf;
}

int arg_u32(const hv_req *rq, hv_resp *rs, const char *name, uint32_t def, uint32_t lo, uint32_t hi, uint32_t *out) {
    int64_t v;
    if (arg_i64(rq, rs, name, def, lo, hi, &v)) return -1;
    *out = (uint32_t)v;
    return 0;
}

int arg_i64(const hv_req *rq, hv_resp *rs, const char *name, int64_t def, int64_t lo, int64_t hi, int64_t *out) {
    const char *v = req_arg(rq, name);
    if (!v) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    char ex[48];
    bool digits = (v[0] >= '0' && v[0] <= '9') || (v[0] == '-' && v[1] >= '0' && v[1] <= '9');
    if (!digits || *end || errno || x < lo || x > hi) {
        resp_error(rs, 400, "bad parameter", "%s must be an integer in %" PRId64 "..%" PRId64 ", got '%s'", name, lo,
                   hi, excerpt(v, ex, sizeof ex));
        return -1;
    }
    *out = x;
    return 0;
}

int arg_f64(const hv_req *rq, hv_resp *rs, const char *name, double def, double lo, double hi, double *out) {
    const char *v = req_arg(rq, name);
    if (!v) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    char ex[48];
    bool digits = (v[0] >= '0' && v[0] <= '9') || ((v[0] == '-' || v[0] == '.') && v[1] >= '0' && v[1] <= '9');
    if (!digits || *end || errno || !isfinite(x) || x < lo || x > hi) {
        resp_error(rs, 400, "bad parameter", "%s must be a number in %g..%g, got '%s'", name, lo, hi,
                   excerpt(v, ex, sizeof ex));
        return -1;
    }
    *out = x;
    return 0;
}

int arg_bool(const hv_req *rq, hv_resp *rs, const char *name, bool def, bool *out) {
    const char *v = req_arg(rq, name);
    if (!v) {
        *out = def;
        return 0;
    }
    if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes") || !*v) *out = true;
    else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no")) *out = false;
    else {
        char ex[48];
        resp_error(rs, 400, "bad parameter", "%s must be true or false, got '%s'", name, excerpt(v, ex, sizeof ex));
        return -1;
    }
    return 0;
}

int arg_enum(const hv_req *rq, hv_resp *rs, const char *name, const char *const *names, int def, int *out) {
    const char *v = req_arg(rq, name);
    if (!v) {
        *out = def;
        return 0;
    }
    char list[256] = "";
    size_t used = 0;
    for (int i = 0; names[i]; i++) {
        if (!strcmp(v, names[i])) {
            *out = i;
            return 0;
        }
        int k = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
        if (k > 0 && used + (size_t)k < sizeof list) used += (size_t)k;
    }
    char ex[48];
    resp_error(rs, 400, "bad parameter", "%s must be one of %s; got '%s'", name, list, excerpt(v, ex, sizeof ex));
    return -1;
}

int arg_str(const hv_req *rq, hv_resp *rs, const char *name, size_t maxlen, const char **out) {
    const char *v = req_arg(rq, name);
    *out = v;
    if (v && strlen(v) > maxlen) {
        resp_error(rs, 400, "bad parameter", "%s is longer than %zu bytes", name, maxlen);
        return -1;
    }
    return 0;
}

int arg_date(const hv_req *rq, hv_resp *rs, const char *name, int64_t def, bool end, int64_t *out) {
    const char *v = req_arg(rq, name);
    if (!v) {
        *out = def;
        return 0;
    }
    int64_t t;
    char ex[48];
    if (hv_parse_date_bound(hv_sv_cstr(v), end, &t) != 0) {
        resp_error(rs, 400, "bad parameter", "%s must be a date YYYY-MM-DD or YYYY-MM, got '%s'", name,
                   excerpt(v, ex, sizeof ex));
        return -1;
    }
    *out = t;
    return 0;
}
