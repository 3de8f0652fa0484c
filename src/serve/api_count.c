/* api_count.c - /api/model-count/...: the model-count database of
 * `hfviz serve --db FILE` (docs/tracking.md, docs/api.md "Model counts").
 *
 *   GET  /api/model-count/status
 *   GET  /api/model-count/latest   ?source=
 *   GET  /api/model-count/history  ?from=&to=&source=&facet=&values=&top=&limit=
 *   GET  /api/model-count/growth   ?days=&source=&top=&forecast_days=&model=
 *   POST /api/model-count/record   (only with --allow-record)
 *
 * The answers come from src/track/ (the same JSON `hfviz track --report`
 * prints).  The server reads through one SQLite connection (serialized by
 * SQLite); a poll started by /record runs on its own thread with its own
 * connection, so a slow Hub never holds a request thread.  Nothing here
 * makes an outbound request unless the server was started with
 * --allow-record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/serve_int.h"
#include "track/track.h"

struct hv_count_state {
    hv_tdb *db;
    pthread_mutex_t lock; /* polling, thread */
    bool polling, joinable;
    pthread_t thread;
    volatile sig_atomic_t stop;
};

int modelcount_init(hv_server *s, hv_err *e) {
    if (!s->opts.db_path) return 0;
    hv_count_state *c = calloc(1, sizeof *c);
    if (!c) return hv_errf(e, HV_ENOMEM, "out of memory");
    pthread_mutex_init(&c->lock, NULL);
    s->counts = c;
    int rc = tdb_open(s->opts.db_path, &c->db, e);
    if (rc) return hv_err_prefix(e, "--db: ");
    return 0;
}

void modelcount_free(hv_server *s) {
    hv_count_state *c = s->counts;
    if (!c) return;
    pthread_mutex_lock(&c->lock);
    c->stop = 1;
    bool join = c->joinable;
    pthread_mutex_unlock(&c->lock);
    if (join) pthread_join(c->thread, NULL);
    tdb_close(c->db);
    pthread_mutex_destroy(&c->lock);
    free(c);
    s->counts = NULL;
}

/* The database, or a 404 when the server has none. */
static hv_tdb *need_db(hv_server *s, hv_resp *rs) {
    if (s->counts && s->counts->db) return s->counts->db;
    resp_error(rs, 404, "no model-count database",
               "this server was started without --db FILE; `hfviz track --db FILE` and "
               "`hfviz build --track-db FILE` write one");
    return NULL;
}

/* Send what a track_*_json call wrote, or its error. */
static void finish(hv_resp *rs, hv_jw *w, int rc, const hv_err *e, int no_data_status, const char *no_data_title) {
    if (rc == TRACK_NO_DATA) {
        resp_error(rs, no_data_status, no_data_title, "%s", e->msg);
        return;
    }
    if (rc) {
        resp_error(rs, 500, "model-count database error", "%s", e->msg);
        return;
    }
    resp_json_done(rs, w);
}

static const char *const SOURCES_ALL[] = {"hub", "dataset", "all", NULL};

void api_count_status(hv_server *s, const hv_req *rq, hv_resp *rs) {
    hv_tdb *db = need_db(s, rs);
    if (!db) return;
    hv_count_state *c = s->counts;
    pthread_mutex_lock(&c->lock);
    bool polling = c->polling;
    pthread_mutex_unlock(&c->lock);
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "db"); /* the file's name: clients need not learn the server's folders */
    jw_cstr(&w, tdb_name(db));
    jw_key(&w, "hub");
    jw_cstr(&w, s->opts.hub ? s->opts.hub : s->opts.allow_record ? TRACK_DEFAULT_HUB : NULL);
    jw_key(&w, "allow_record");
    jw_bool(&w, s->opts.allow_record);
    jw_key(&w, "polling");
    jw_bool(&w, polling);
    hv_err e = {0, ""};
    int rc = track_status_fields(db, &w, &e);
    jw_obj_end(&w);
    finish(rs, &w, rc, &e, 404, "");
}

void api_count_latest(hv_server *s, const hv_req *rq, hv_resp *rs) {
    hv_tdb *db = need_db(s, rs);
    int source;
    if (!db || arg_enum(rq, rs, "source", track_source_names, -1, &source)) return;
    hv_jw w;
    resp_json(rs, &w);
    hv_err e = {0, ""};
    int rc = track_latest_json(db, source, (int64_t)time(NULL), &w, &e);
    finish(rs, &w, rc, &e, 404, "no snapshot");
}

void api_count_history(hv_server *s, const hv_req *rq, hv_resp *rs) {
    hv_tdb *db = need_db(s, rs);
    if (!db) return;
    hv_history_opts o;
    memset(&o, 0, sizeof o);
    int source;
    uint32_t top, limit;
    const char *values;
    if (arg_enum(rq, rs, "source", SOURCES_ALL, 2, &source) || arg_date(rq, rs, "from", INT64_MIN, false, &o.from) ||
        arg_date(rq, rs, "to", INT64_MAX, true, &o.to) ||
        arg_enum(rq, rs, "facet", track_facet_names, -1, &o.facet) ||
        arg_u32(rq, rs, "top", 10, 1, 50, &top) || arg_u32(rq, rs, "limit", 2000, 2, 20000, &limit) ||
        arg_str(rq, rs, "values", 32 * 201, &values))
        return;
    o.source = source == 2 ? -1 : source;
    o.top = top;
    o.limit = limit;
    /* values: a comma list, split into a copy the options point into */
    char copy[32 * 201 + 1];
    if (values) {
        if (o.facet < 0) {
            resp_error(rs, 400, "bad parameter", "values needs facet=library or facet=pipeline");
            return;
        }
        snprintf(copy, sizeof copy, "%s", values);
        for (char *p = copy, *tok; (tok = strsep(&p, ",")) != NULL;) {
            if (!*tok) continue;
            if (o.nvalues == TRACK_HISTORY_MAX_VALUES || strlen(tok) > 200) {
                resp_error(rs, 400, "bad parameter", "values takes at most %d names of at most 200 bytes",
                           TRACK_HISTORY_MAX_VALUES);
                return;
            }
            o.values[o.nvalues++] = tok;
        }
    }
    if (o.from > o.to) {
        resp_error(rs, 400, "bad parameter", "from must not be after to");
        return;
    }
    hv_jw w;
    resp_json(rs, &w);
    hv_err e = {0, ""};
    finish(rs, &w, track_history_json(db, &o, &w, &e), &e, 404, "");
}

void api_count_growth(hv_server *s, const hv_req *rq, hv_resp *rs) {
    hv_tdb *db = need_db(s, rs);
    if (!db) return;
    static const char *const models[] = {"linear", "exponential", NULL};
    hv_growth_opts o;
    int model;
    if (arg_enum(rq, rs, "source", track_source_names, -1, &o.source) ||
        arg_u32(rq, rs, "days", 30, 1, 3650, &o.days) || arg_u32(rq, rs, "top", 10, 1, 100, &o.top) ||
        arg_u32(rq, rs, "forecast_days", o.days, 1, 3650, &o.forecast_days) ||
        arg_enum(rq, rs, "model", models, 0, &model))
        return;
    o.exponential = model == 1;
    hv_jw w;
    resp_json(rs, &w);
    hv_err e = {0, ""};
    finish(rs, &w, track_growth_json(db, &o, &w, &e), &e, 409, "insufficient data");
}

/* ---- POST /record: one poll on a thread of its own ---- */

static void *record_main(void *arg) {
    hv_server *s = arg;
    hv_count_state *c = s->counts;
    const char *token = getenv("HF_TOKEN");
    hv_poll_opts po = {s->opts.hub ? s->opts.hub : TRACK_DEFAULT_HUB, TRACK_METHOD_COUNTS, 30, 5, 600, 0.1, 5000,
                       token && *token ? token : NULL, false, &c->stop};
    hv_tdb *db;
    hv_err e = {0, ""};
    int rc = tdb_open(s->opts.db_path, &db, &e);
    if (!rc) {
        int64_t id;
        rc = track_poll_store(db, &po, &id, &e);
        tdb_close(db);
    }
    if (rc) fprintf(stderr, "hfviz serve: model-count poll: %s\n", e.msg);
    else fprintf(stderr, "hfviz serve: model-count poll stored a snapshot\n");
    pthread_mutex_lock(&c->lock);
    c->polling = false;
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

void api_count_record(hv_server *s, const hv_req *rq, hv_resp *rs) {
    hv_tdb *db = need_db(s, rs);
    if (!db) return;
    if (!s->opts.allow_record) {
        resp_error(rs, 403, "recording is off",
                   "this server does not poll the Hub on request; start it with --allow-record [--hub URL], "
                   "or run `hfviz track --db %s`",
                   tdb_name(db));
        return;
    }
    hv_count_state *c = s->counts;
    pthread_mutex_lock(&c->lock);
    if (c->polling) {
        pthread_mutex_unlock(&c->lock);
        resp_error(rs, 409, "a poll is running", "wait for it to finish (GET /api/model-count/status)");
        return;
    }
    if (c->joinable) { /* the previous poll's thread has ended (polling is false) */
        pthread_join(c->thread, NULL);
        c->joinable = false;
    }
    c->polling = true;
    int err = pthread_create(&c->thread, NULL, record_main, s);
    if (err) {
        c->polling = false;
        pthread_mutex_unlock(&c->lock);
        resp_error(rs, 500, "cannot start a poll", "no thread: %s", strerror(err));
        return;
    }
    c->joinable = true;
    pthread_mutex_unlock(&c->lock);
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "status");
    jw_cstr(&w, "started");
    jw_key(&w, "hub");
    jw_cstr(&w, s->opts.hub ? s->opts.hub : TRACK_DEFAULT_HUB);
    jw_obj_end(&w);
    resp_json_done(rs, &w);
    rs->status = 202;
}
