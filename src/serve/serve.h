/* serve.h - `hfviz serve`: the HTTP API over a map.
 *
 * The server reads the mmap'ed map and never starts a computation on
 * request beyond what one answer needs (a scan of the columns at most).
 * Handlers are plain functions of (server, request) -> response, so unit
 * tests call them without a socket; http.c is the only file that knows
 * libmicrohttpd.
 *
 * Files:
 *   http.c      libmicrohttpd glue: threads, limits, bodies, gzip, CORS
 *   router.c    path -> handler, the model-id routes (ids contain '/')
 *   server.c    the shared state built at start (orders, points, indexes)
 *   params.c    query parameters, each parsed against its bounds
 *   filter.c    the model filter shared by models/count/facets/export
 *   api_*.c     the endpoints, one file per area
 *   static.c    the web app's files, confined to the web root
 * docs/api.md documents every endpoint; api_openapi.c serves the OpenAPI
 * document. */
#ifndef HV_SERVE_H
#define HV_SERVE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "catalog/cardstore.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/jsonw.h"
#include "mapfile/map.h"

/* ---- limits (documented in docs/api.md) ---- */
#define SERVE_MAX_ARGS 48            /* query parameters per request */
#define SERVE_MAX_BODY ((size_t)1 << 20) /* POST body */
#define SERVE_MAX_HEADER_BYTES (64 * 1024)
#define SERVE_TIMEOUT_S 30           /* an idle or slow connection is closed */
#define SERVE_MAX_CONNECTIONS 1024
#define SERVE_MAX_THREADS 64
#define SERVE_MAX_RESPONSE ((size_t)512 << 20)

typedef struct hv_serve_opts {
    const char *map_path;
    const char *host; /* default 127.0.0.1 */
    uint16_t port;    /* default 8000; 0 = any free port */
    int threads;      /* 0 = number of cores */
    const char *web_dir;      /* NULL: no web app */
    const char *allow_origin; /* NULL: no CORS headers */
    bool log_requests;
    const char *port_file;    /* write the bound port here (tests) */
    const char *db_path;      /* model-count database (--db); NULL: none */
    const char *hub;          /* --hub for /api/model-count/record */
    bool allow_record;        /* --allow-record: POST /record may poll the hub */
    const char *model_dir;    /* --model-dir: the sentence-transformer a bert map was built with */
} hv_serve_opts;

typedef struct hv_kv {
    const char *k, *v;
} hv_kv;

typedef struct hv_req {
    const char *method; /* "GET", "HEAD", "POST", "OPTIONS", ... */
    const char *path;   /* percent-decoded; "%00" is left encoded */
    hv_kv args[SERVE_MAX_ARGS];
    int nargs;
    bool too_many_args;
    const char *body;
    size_t body_len;
    bool accept_gzip;
    const char *if_none_match;
} hv_req;

typedef struct hv_resp {
    int status;          /* 0 until a handler answers */
    const char *type;    /* Content-Type; static string */
    hv_buf body;         /* owned body */
    const void *ext;     /* or a body owned by the server (cached), ext_len bytes */
    size_t ext_len;
    int fd;              /* or a file (static files): -1 when unused */
    uint64_t fd_len;
    bool gzipped;        /* body is already gzip (Content-Encoding: gzip) */
    bool no_gzip;        /* never compress (binary that does not shrink) */
    char etag[48];       /* "" = none */
    const char *cache;   /* Cache-Control; NULL = no-store */
    char disposition[160]; /* Content-Disposition; "" = none */
    const char *allow;   /* Allow header for 405 */
} hv_resp;

/* Precomputed answers the server shares between requests (built once, lazily
 * where costly, under once-guards). */
typedef struct hv_points_cache hv_points_cache;
typedef struct hv_search_state hv_search_state;
typedef struct hv_overview_cache hv_overview_cache;
typedef struct hv_analyze_cache hv_analyze_cache;
typedef struct hv_count_state hv_count_state;

typedef struct hv_server {
    hv_map map;
    hv_serve_opts opts;
    char web_root[4096]; /* realpath of web_dir, "" when none */
    char etag_base[24];  /* from the map's size and table checksum */
    double started_at;
    /* rows by downloads, likes, trending, created (descending): use
     * server_ranking(), which builds them on first use */
    uint32_t *ranking[4];
    pthread_mutex_t ranking_lock;
    /* card store embedded in the map; one reader behind a lock */
    hv_cardstore *cards;
    pthread_mutex_t cards_lock;
    /* per-family: first row in family order, rows grouped by family */
    uint64_t *family_off; /* nfamilies + 1 */
    uint32_t *family_rows;
    /* strs pool lookup: open addressing over string ids (facet names) */
    uint32_t *strs_hash;
    uint64_t strs_hash_size;
    /* /api/stats body, built on first use */
    pthread_mutex_t stats_lock;
    hv_buf stats_body;
    bool stats_built;
    hv_points_cache *points;
    hv_search_state *search;
    hv_overview_cache *overview; /* /api/clusters, built on first use */
    hv_analyze_cache *analyze;   /* /api/analyze/..., answers kept per parameter set */
    hv_count_state *counts;      /* /api/model-count/...: the database, the record thread */
} hv_server;

typedef void (*hv_handler)(hv_server *s, const hv_req *rq, hv_resp *rs);

/* server.c */
enum { RANK_DOWNLOADS, RANK_LIKES, RANK_TRENDING, RANK_CREATED, RANK_COUNT };
int server_open(hv_server *s, const hv_serve_opts *o, hv_err *e);
/* Rows in descending order of a column (ties in row order); NULL when out
 * of memory.  Built on first use, then shared. */
const uint32_t *server_ranking(hv_server *s, int which);
/* Build what the first requests will want (run on a thread once listening). */
void server_warm(hv_server *s);
void server_close(hv_server *s);
/* router.c: answer one request (sets rs). */
void serve_dispatch(hv_server *s, const hv_req *rq, hv_resp *rs);
/* Whether a request may take milliseconds (a scan of the columns, a big
 * body): http.c answers those on its worker pool, not the event threads. */
bool serve_route_heavy(const hv_req *rq);
/* http.c: run until SIGINT/SIGTERM. */
int serve_run(hv_server *s, hv_err *e);

/* ---- helpers for handlers (params.c) ---- */
void resp_init(hv_resp *rs);
void resp_free(hv_resp *rs);
/* A JSON error body {"error": title, "detail": ...}. */
void resp_error(hv_resp *rs, int status, const char *title, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Start a JSON body: resets rs->body and returns a writer on it. */
void resp_json(hv_resp *rs, hv_jw *w);
/* Finish it: 200 or a 500 when the writer failed. */
void resp_json_done(hv_resp *rs, hv_jw *w);

const char *req_arg(const hv_req *rq, const char *name);
/* Parse and bound a parameter; absent -> def.  On a bad value they answer
 * 400 naming the parameter and its bounds, and return -1. */
int arg_u32(const hv_req *rq, hv_resp *rs, const char *name, uint32_t def, uint32_t lo, uint32_t hi, uint32_t *out);
int arg_i64(const hv_req *rq, hv_resp *rs, const char *name, int64_t def, int64_t lo, int64_t hi, int64_t *out);
int arg_f64(const hv_req *rq, hv_resp *rs, const char *name, double def, double lo, double hi, double *out);
int arg_bool(const hv_req *rq, hv_resp *rs, const char *name, bool def, bool *out);
/* One of names[] (NULL-terminated); *out gets its index. */
int arg_enum(const hv_req *rq, hv_resp *rs, const char *name, const char *const *names, int def, int *out);
/* A string of at most maxlen bytes (NULL when absent). */
int arg_str(const hv_req *rq, hv_resp *rs, const char *name, size_t maxlen, const char **out);
/* A date "YYYY-MM-DD", "YYYY-MM" or a full timestamp as Unix seconds: the
 * period's first second, or with end its last (a month, a day). */
int arg_date(const hv_req *rq, hv_resp *rs, const char *name, int64_t def, bool end, int64_t *out);

/* Shared JSON pieces (api_common.c) */
/* {"id", "row" (index into /api/points), "author", "library", "pipeline", "downloads", "likes", "trending",
 *  "created_at", "depth", "cluster", "family_root"} of one model. */
void jw_model_brief(hv_jw *w, const hv_map *m, uint32_t row);
/* The same keys without the braces, for objects that add their own. */
void jw_model_brief_fields(hv_jw *w, const hv_map *m, uint32_t row);
/* The row of a model id named by parameter `param`, answering 400 when the
 * parameter is missing and 404 when the id is unknown (HV_NO_ROW then). */
uint32_t arg_model(hv_server *s, const hv_req *rq, hv_resp *rs, const char *param);
/* A created_at time as "YYYY-MM-DDTHH:MM:SSZ", or null when unknown (0). */
void jw_time(hv_jw *w, int64_t t);
/* A string-pool value, or null for id 0 ("none"). */
void jw_strs(hv_jw *w, const hv_map *m, uint32_t sid);

#endif
