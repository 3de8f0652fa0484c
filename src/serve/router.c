/* router.c - which handler answers a path.
 *
 * Fixed routes are a table.  Model ids contain '/' ("org/name"; a few old
 * ids have none), so /api/model/ and /api/network/family/ capture the rest
 * of the path.  An id has at most one '/', so the rest is read as:
 *   the whole rest is an id            -> the model's details
 *   else rest = ID "/" ACTION, ID known -> that action (card, family, ...)
 * which also resolves "bert-base-uncased/card" (a one-part id with an
 * action) without ever mistaking "org/card" (a model) for an action. */
#include <string.h>

#include "serve/serve_int.h"

typedef struct route {
    const char *path;
    const char *methods; /* "GET" also allows HEAD */
    hv_handler fn;
} route;

static const route ROUTES[] = {
    {"/api", "GET", api_index},
    {"/api/", "GET", api_index},
    {"/api/openapi.json", "GET", api_openapi},
    {"/api/stats", "GET", api_stats},
    {"/api/points", "GET", api_points},
    {"/api/models", "GET", api_models},
    {"/api/models/count", "GET", api_models_count},
    {"/api/rows", "GET", api_rows},
    {"/api/facets", "GET", api_facets},
    {"/api/histogram", "GET", api_histogram},
    {"/api/search", "GET", api_search},
    {"/api/distance", "GET", api_distance},
    {"/api/clusters", "GET", api_clusters},
    {"/api/families/top", "GET", api_families_top},
    {"/api/families/stats", "GET", api_families_stats},
    {"/api/network/derivatives", "GET", api_network_derivatives},
    {"/api/export", "POST GET", api_export},
    {"/api/analyze/families", "GET", api_analyze_families},
    {"/api/analyze/drift", "GET", api_analyze_drift},
    {"/api/analyze/drift/pairs", "GET", api_analyze_drift_pairs},
    {"/api/analyze/license", "GET", api_analyze_license},
    {"/api/analyze/docs", "GET", api_analyze_docs},
    {"/api/analyze/similarity", "GET", api_analyze_similarity},
    {"/api/analyze/diff", "GET", api_analyze_diff},
    {"/api/model-count/status", "GET", api_count_status},
    {"/api/model-count/latest", "GET", api_count_latest},
    {"/api/model-count/history", "GET", api_count_history},
    {"/api/model-count/growth", "GET", api_count_growth},
    {"/api/model-count/record", "POST", api_count_record},
};

typedef struct model_route {
    const char *action; /* "" = details */
    hv_model_handler fn;
} model_route;

static const model_route MODEL_ROUTES[] = {
    {"", api_model},
    {"card", api_model_card},
    {"family", api_model_family},
    {"path", api_model_path},
    {"similar", api_model_similar},
};

static bool method_ok(const char *allowed, const char *method) {
    if (strcmp(method, "HEAD") == 0) method = "GET";
    size_t n = strlen(method);
    for (const char *p = allowed; (p = strstr(p, method)) != NULL; p += n)
        if ((p == allowed || p[-1] == ' ') && (p[n] == 0 || p[n] == ' ')) return true;
    return false;
}

static bool check_method(const char *allowed, const hv_req *rq, hv_resp *rs) {
    if (method_ok(allowed, rq->method)) return true;
    resp_error(rs, 405, "method not allowed", "%s takes %s", rq->path, allowed);
    rs->allow = strcmp(allowed, "GET") == 0 ? "GET, HEAD" : strcmp(allowed, "POST") == 0 ? "POST" : "GET, HEAD, POST";
    return false;
}

/* The model routes: rest is what follows the prefix. */
static void model_dispatch(hv_server *s, const hv_req *rq, hv_resp *rs, const char *rest, bool network) {
    if (!check_method("GET", rq, rs)) return;
    hv_sv all = hv_sv_cstr(rest);
    if (all.n && all.p[all.n - 1] == '/') all.n--; /* tolerate a trailing slash */
    if (all.n == 0) {
        resp_error(rs, 400, "missing model id", "the path must name a model, e.g. %s/org/name", rq->path);
        return;
    }
    uint32_t row = map_find(&s->map, all);
    if (network) {
        if (row == HV_NO_ROW) {
            resp_error(rs, 404, "unknown model", "no model '%.*s' in this map", (int)(all.n > 200 ? 200 : all.n),
                       all.p);
            return;
        }
        api_network_family(s, rq, rs, row);
        return;
    }
    if (row != HV_NO_ROW) {
        api_model(s, rq, rs, row);
        return;
    }
    const char *slash = memrchr(all.p, '/', all.n);
    if (slash) {
        hv_sv id = hv_sv_make(all.p, (size_t)(slash - all.p));
        hv_sv action = hv_sv_make(slash + 1, all.n - id.n - 1);
        for (size_t i = 1; i < sizeof MODEL_ROUTES / sizeof MODEL_ROUTES[0]; i++) {
            if (!hv_sv_eq_cstr(action, MODEL_ROUTES[i].action)) continue;
            row = map_find(&s->map, id);
            if (row == HV_NO_ROW) {
                resp_error(rs, 404, "unknown model", "no model '%.*s' in this map", (int)(id.n > 200 ? 200 : id.n),
                           id.p);
                return;
            }
            MODEL_ROUTES[i].fn(s, rq, rs, row);
            return;
        }
    }
    resp_error(rs, 404, "unknown model", "no model '%.*s' in this map", (int)(all.n > 200 ? 200 : all.n), all.p);
}

bool serve_route_heavy(const hv_req *rq) {
    const char *p = rq->path;
    if (strncmp(p, "/api/", 5) != 0) return false; /* static files: sendfile */
    static const char *const light[] = {"/api/", "/api/openapi.json", "/api/rows", "/api/distance", NULL};
    for (int i = 0; light[i]; i++)
        if (strcmp(p, light[i]) == 0) return false;
    if (strncmp(p, "/api/model/", 11) == 0) return false; /* one model's rows only */
    if (strcmp(p, "/api/search") == 0) { /* the id index answers in microseconds */
        for (int i = 0; i < rq->nargs; i++)
            if (strcmp(rq->args[i].k, "mode") == 0 && rq->args[i].v && strcmp(rq->args[i].v, "id") == 0) return false;
        return true; /* auto and semantic may embed and compare vectors */
    }
    return true;
}

void serve_dispatch(hv_server *s, const hv_req *rq, hv_resp *rs) {
    const char *path = rq->path;
    if (strncmp(path, "/api", 4) != 0 || (path[4] != 0 && path[4] != '/')) {
        if (check_method("GET", rq, rs)) api_static(s, rq, rs);
        return;
    }
    for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++) {
        if (strcmp(path, ROUTES[i].path) != 0) continue;
        if (check_method(ROUTES[i].methods, rq, rs)) ROUTES[i].fn(s, rq, rs);
        return;
    }
    static const char model[] = "/api/model/", netfam[] = "/api/network/family/";
    if (strncmp(path, model, sizeof model - 1) == 0) {
        model_dispatch(s, rq, rs, path + sizeof model - 1, false);
        return;
    }
    if (strncmp(path, netfam, sizeof netfam - 1) == 0) {
        model_dispatch(s, rq, rs, path + sizeof netfam - 1, true);
        return;
    }
    resp_error(rs, 404, "no such endpoint", "%.200s is not an API endpoint; GET /api lists them", path);
}
