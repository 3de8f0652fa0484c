/* api_common.c - JSON pieces several endpoints share. */
#include <string.h>

#include "core/timeparse.h"
#include "serve/serve_int.h"

static void digits(char *p, unsigned v, int n) {
    for (int i = n - 1; i >= 0; i--) p[i] = (char)('0' + v % 10), v /= 10;
}

/* "YYYY-MM-DDTHH:MM:SSZ" as hv_format_time writes it, without snprintf (a
 * date per model in every list). */
void jw_time(hv_jw *w, int64_t t) {
    if (t == 0) {
        jw_null(w);
        return;
    }
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400), secs = t - days * 86400;
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (y < 0 || y > 9999) { /* outside what four digits hold: the long way */
        char buf[40];
        hv_format_time(t, buf);
        jw_cstr(w, buf);
        return;
    }
    char b[20] = "0000-00-00T00:00:00Z";
    digits(b, (unsigned)y, 4);
    digits(b + 5, m, 2);
    digits(b + 8, d, 2);
    digits(b + 11, (unsigned)(secs / 3600), 2);
    digits(b + 14, (unsigned)(secs / 60 % 60), 2);
    digits(b + 17, (unsigned)(secs % 60), 2);
    jw_str(w, hv_sv_make(b, 20));
}

void jw_strs(hv_jw *w, const hv_map *m, uint32_t sid) {
    if (sid == 0) jw_null(w);
    else jw_str(w, map_str(m, sid));
}

void jw_model_brief(hv_jw *w, const hv_map *m, uint32_t row) {
    jw_obj(w);
    jw_model_brief_fields(w, m, row);
    jw_obj_end(w);
}

void jw_model_brief_fields(hv_jw *w, const hv_map *m, uint32_t row) {
    jw_key(w, "id");
    jw_str(w, map_id(m, row));
    jw_key(w, "row");
    jw_uint(w, row);
    jw_key(w, "author");
    jw_strs(w, m, m->author[row]);
    jw_key(w, "library");
    jw_strs(w, m, m->library[row]);
    jw_key(w, "pipeline");
    jw_strs(w, m, m->pipeline[row]);
    /* null when the input did not say (sorting counts them as 0) */
    jw_key(w, "downloads");
    if (m->has[row] & HV_HAS_DOWNLOADS) jw_int(w, m->downloads[row]);
    else jw_null(w);
    jw_key(w, "likes");
    if (m->has[row] & HV_HAS_LIKES) jw_int(w, m->likes[row]);
    else jw_null(w);
    jw_key(w, "trending");
    if (m->has[row] & HV_HAS_TRENDING) jw_num(w, m->trending[row]);
    else jw_null(w);
    jw_key(w, "created_at");
    jw_time(w, m->created_at[row]);
    if (m->depth) {
        jw_key(w, "depth");
        jw_uint(w, m->depth[row]);
    }
    if (m->cluster) {
        jw_key(w, "cluster");
        jw_uint(w, m->cluster[row]);
    }
    if (m->family) {
        jw_key(w, "family_root");
        uint32_t root = m->family_root[m->family[row]];
        jw_str(w, map_id(m, root));
    }
}

uint32_t arg_model(hv_server *s, const hv_req *rq, hv_resp *rs, const char *param) {
    const char *id;
    if (arg_str(rq, rs, param, 1024, &id)) return HV_NO_ROW;
    if (!id || !*id) {
        resp_error(rs, 400, "missing parameter", "%s (a model id) is required", param);
        return HV_NO_ROW;
    }
    uint32_t row = map_find(&s->map, hv_sv_cstr(id));
    if (row == HV_NO_ROW) resp_error(rs, 404, "unknown model", "%s=%.200s: no such model in this map", param, id);
    return row;
}
