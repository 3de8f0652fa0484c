/* api_common.c - JSON pieces several endpoints share. */
#include <string.h>

#include "core/timeparse.h"
#include "serve/serve_int.h"

void jw_time(hv_jw *w, int64_t t) {
    if (t == 0) {
        jw_null(w);
        return;
    }
    char buf[32];
    hv_format_time(t, buf);
    jw_cstr(w, buf);
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
