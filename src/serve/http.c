/* http.c - libmicrohttpd glue: the only file that knows the library.
 *
 * An epoll thread pool (MHD_USE_EPOLL_INTERNAL_THREAD + THREAD_POOL_SIZE)
 * serves the connections.  Per request:
 *   - first call: allocate the request state and return (MHD 0.9.75 answers
 *     "Connection: close" when a response is queued on the first call, so
 *     keep-alive needs this two-call pattern; docs/dependencies.md);
 *   - POST bodies are collected up to SERVE_MAX_BODY (413 beyond);
 *   - then the router answers, and the response goes out with gzip when the
 *     client accepts it and the body is worth it, CORS headers when
 *     --allow-origin is set, ETag/Cache-Control from the handler, and a
 *     304 when If-None-Match matches.
 * Requests that scan the columns or build big bodies (serve_route_heavy)
 * do not run on the event threads: the connection is suspended, a worker
 * of a small pool answers it, and the connection is resumed to send the
 * answer, so a 400 ms export never stalls the other clients of that event
 * thread.  Per-model answers (well under a millisecond) run inline.
 * Limits: header bytes per connection (MHD answers 431/414 beyond), an idle
 * timeout against slow clients, a connection cap.  SIGINT/SIGTERM stop the
 * daemon cleanly (queued and in-flight requests finish first). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libdeflate.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "serve/serve.h"

typedef struct conn_state {
    hv_buf body;
    bool too_large;
    int phase; /* 0 receiving, 1 queued for a worker, 2 answered by it */
    double t0;
    hv_req rq;
    hv_resp rs;
    struct MHD_Connection *conn;
    struct conn_state *next; /* in the work queue */
} conn_state;

/* ---- the worker pool for heavy requests ---- */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    conn_state *head, *tail;
    bool closing;
    int nthreads;
    pthread_t th[SERVE_MAX_THREADS];
    hv_server *s;
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, false, 0, {0}, NULL};

static void *worker(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&pool.mu);
        while (!pool.head && !pool.closing) pthread_cond_wait(&pool.cv, &pool.mu);
        conn_state *cs = pool.head;
        if (!cs) { /* closing and drained */
            pthread_mutex_unlock(&pool.mu);
            return NULL;
        }
        pool.head = cs->next;
        if (!pool.head) pool.tail = NULL;
        pthread_mutex_unlock(&pool.mu);
        serve_dispatch(pool.s, &cs->rq, &cs->rs);
        cs->phase = 2;
        MHD_resume_connection(cs->conn); /* MHD calls on_request again to send it */
    }
}

static void enqueue(conn_state *cs) {
    pthread_mutex_lock(&pool.mu);
    cs->next = NULL;
    if (pool.tail) pool.tail->next = cs;
    else pool.head = cs;
    pool.tail = cs;
    pthread_cond_signal(&pool.cv);
    pthread_mutex_unlock(&pool.mu);
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    (void)kind;
    hv_req *rq = cls;
    if (!key) return MHD_YES;
    if (rq->nargs >= SERVE_MAX_ARGS) {
        rq->too_many_args = true;
        return MHD_NO;
    }
    rq->args[rq->nargs].k = key;
    rq->args[rq->nargs].v = value;
    rq->nargs++;
    return MHD_YES;
}

/* Percent-decoding of the path and the arguments.  As MHD's own, except that
 * "%00" stays encoded: a NUL would cut the C string short and let "a%00.js"
 * pass for "a"; left as text it can match no file and no id. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s) {
    (void)cls, (void)c;
    char *w = s;
    for (char *r = s; *r;) {
        if (r[0] == '%' && r[1] && r[2]) {
            char h[3] = {r[1], r[2], 0};
            char *end;
            unsigned long v = strtoul(h, &end, 16);
            if (*end == 0 && v != 0 && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
                *w++ = (char)v;
                r += 3;
                continue;
            }
        }
        *w++ = *r++;
    }
    *w = 0;
    return (size_t)(w - s);
}

static bool accepts_gzip(struct MHD_Connection *c) {
    const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    if (!ae) return false;
    /* "gzip" as a token, not refused with q=0 */
    const char *g = strcasestr(ae, "gzip");
    if (!g) return false;
    const char *q = g + 4;
    while (*q == ' ') q++;
    if (*q == ';') {
        q++;
        while (*q == ' ') q++;
        if ((q[0] == 'q' || q[0] == 'Q') && q[1] == '=' && atof(q + 2) <= 0) return false;
    }
    return true;
}

/* gzip a body with libdeflate (level 4: most of level 9's ratio on JSON at
 * a fraction of the time).  Returns a malloc'd buffer or NULL. */
static char *gzip_body(const void *p, size_t n, size_t *out_n) {
    struct libdeflate_compressor *z = libdeflate_alloc_compressor(4);
    if (!z) return NULL;
    size_t cap = libdeflate_gzip_compress_bound(z, n);
    char *out = malloc(cap);
    size_t got = out ? libdeflate_gzip_compress(z, p, n, out, cap) : 0;
    libdeflate_free_compressor(z);
    if (!got) {
        free(out);
        return NULL;
    }
    *out_n = got;
    return out;
}

static bool etag_matches(const char *inm, const char *etag) {
    if (!inm || !etag[0]) return false;
    if (strcmp(inm, "*") == 0) return true;
    size_t n = strlen(etag);
    for (const char *p = inm; (p = strstr(p, etag)) != NULL; p += n) {
        char after = p[n];
        if (after == 0 || after == ',' || after == ' ') return true;
    }
    return false;
}

static void add_common_headers(hv_server *s, struct MHD_Response *r, const hv_resp *rs) {
    if (rs->type) MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rs->type);
    if (rs->etag[0]) MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, rs->etag);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, rs->cache ? rs->cache : "no-store");
    if (rs->disposition[0]) MHD_add_response_header(r, "Content-Disposition", rs->disposition);
    if (rs->allow) MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rs->allow);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (!rs->no_gzip) MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
    if (s->opts.allow_origin) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, s->opts.allow_origin);
        MHD_add_response_header(r, "Access-Control-Expose-Headers", "ETag, Content-Disposition, X-Total-Count");
    }
}

static enum MHD_Result send_resp(hv_server *s, struct MHD_Connection *c, const hv_req *rq, hv_resp *rs) {
    struct MHD_Response *r = NULL;
    int status = rs->status ? rs->status : 500;
    if (status == 200 && etag_matches(rq->if_none_match, rs->etag)) {
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (!r) return MHD_NO;
        add_common_headers(s, r, rs);
        enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, r);
        MHD_destroy_response(r);
        if (rs->fd >= 0) close(rs->fd);
        return ok;
    }
    bool gz = rs->gzipped;
    if (rs->fd >= 0) {
        r = MHD_create_response_from_fd64(rs->fd_len, rs->fd); /* takes the fd */
        rs->fd = -1;
    } else {
        const void *p = rs->ext ? rs->ext : rs->body.p;
        size_t n = rs->ext ? rs->ext_len : rs->body.n;
        if (!gz && !rs->no_gzip && rq->accept_gzip && n >= 1024) {
            size_t zn;
            char *z = gzip_body(p, n, &zn);
            if (z) {
                r = MHD_create_response_from_buffer(zn, z, MHD_RESPMEM_MUST_FREE);
                if (r) gz = true;
                else free(z);
            }
        }
        if (!r) {
            if (rs->ext) {
                r = MHD_create_response_from_buffer(n, (void *)rs->ext, MHD_RESPMEM_PERSISTENT);
            } else {
                r = MHD_create_response_from_buffer(n, n ? rs->body.p : (void *)"",
                                                    n ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
                if (r && n) rs->body.p = NULL, rs->body.n = rs->body.cap = 0; /* MHD frees it */
            }
        }
    }
    if (!r) return MHD_NO;
    add_common_headers(s, r, rs);
    if (gz) MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
    (void)version;
    hv_server *s = cls;
    conn_state *cs = *con_cls;
    if (!cs) { /* first call: headers only */
        cs = calloc(1, sizeof *cs);
        if (!cs) return MHD_NO;
        cs->body.max = SERVE_MAX_BODY;
        *con_cls = cs;
        return MHD_YES;
    }
    if (*upload_size) { /* a piece of the body */
        if (!cs->too_large && hv_buf_append(&cs->body, upload, *upload_size)) cs->too_large = true;
        *upload_size = 0;
        return MHD_YES;
    }
    if (cs->phase == 2) { /* a worker answered: send it */
        enum MHD_Result ok = send_resp(s, c, &cs->rq, &cs->rs);
        if (s->opts.log_requests)
            fprintf(stderr, "%s %s %d %.2f ms\n", method, url, cs->rs.status, (hv_now() - cs->t0) * 1e3);
        resp_free(&cs->rs);
        cs->phase = 3;
        return ok;
    }
    if (cs->phase != 0) return MHD_NO; /* called again after the answer: should not happen */
    cs->t0 = hv_now();
    hv_req *rq = &cs->rq;
    memset(rq, 0, sizeof *rq);
    rq->method = method;
    rq->path = url;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, rq);
    rq->body = cs->body.p;
    rq->body_len = cs->body.n;
    rq->accept_gzip = accepts_gzip(c);
    rq->if_none_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    hv_resp *rs = &cs->rs;
    resp_init(rs);
    if (cs->too_large)
        resp_error(rs, 413, "request body too large", "bodies are limited to %zu bytes", (size_t)SERVE_MAX_BODY);
    else if (rq->too_many_args)
        resp_error(rs, 400, "too many parameters", "at most %d query parameters", SERVE_MAX_ARGS);
    else if (s->opts.allow_origin && strcmp(method, "OPTIONS") == 0) { /* CORS preflight */
        rs->status = 204;
        rs->no_gzip = true;
    } else if (pool.nthreads && serve_route_heavy(rq)) {
        cs->phase = 1;
        cs->conn = c;
        MHD_suspend_connection(c);
        enqueue(cs);
        return MHD_YES;
    } else
        serve_dispatch(s, rq, rs);
    enum MHD_Result ok;
    if (rs->status == 204 && s->opts.allow_origin) {
        struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (!r) return MHD_NO;
        add_common_headers(s, r, rs);
        MHD_add_response_header(r, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, POST, OPTIONS");
        MHD_add_response_header(r, "Access-Control-Allow-Headers", "Content-Type");
        MHD_add_response_header(r, "Access-Control-Max-Age", "600");
        ok = MHD_queue_response(c, 204, r);
        MHD_destroy_response(r);
    } else {
        ok = send_resp(s, c, rq, rs);
    }
    if (s->opts.log_requests) fprintf(stderr, "%s %s %d %.2f ms\n", method, url, rs->status, (hv_now() - cs->t0) * 1e3);
    resp_free(rs);
    cs->phase = 3;
    return ok;
}

/* TCP_NODELAY on every connection: a response leaves in two writes
 * (headers, then the body) and with Nagle on the second waits for the
 * client's delayed ACK, 40 ms, on a share of requests (seen as a 30 ms p99
 * with a sub-0.1 ms median before this). */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe) {
    (void)cls, (void)socket_context;
    if (toe != MHD_CONNECTION_NOTIFY_STARTED) return;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci) return;
    int one = 1;
    setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe) {
    (void)cls, (void)c, (void)toe;
    conn_state *cs = *con_cls;
    if (cs) {
        hv_buf_free(&cs->body);
        if (cs->phase == 2) resp_free(&cs->rs); /* answered but never sent (client gone) */
        free(cs);
        *con_cls = NULL;
    }
}

static void *warm_up(void *s) {
    server_warm(s);
    return NULL;
}

static void stop_pool(void) {
    pthread_mutex_lock(&pool.mu);
    pool.closing = true;
    pthread_cond_broadcast(&pool.cv);
    pthread_mutex_unlock(&pool.mu);
    for (int i = 0; i < pool.nthreads; i++) pthread_join(pool.th[i], NULL);
    pool.nthreads = 0;
}

int serve_run(hv_server *s, hv_err *e) {
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(s->opts.port);
    const char *host = s->opts.host ? s->opts.host : "127.0.0.1";
    if (strcmp(host, "localhost") == 0) host = "127.0.0.1";
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
        return hv_errf(e, HV_EUSAGE, "--host must be an IPv4 address, got '%s'", host);
    int threads = s->opts.threads > 0 ? s->opts.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1) threads = 1;
    if (threads > SERVE_MAX_THREADS) threads = SERVE_MAX_THREADS;

    /* Block the stop signals in every thread; the main thread waits for them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    pool.s = s;
    pool.closing = false;
    pool.nthreads = 0;
    int nworkers = threads;
    for (int i = 0; i < nworkers; i++)
        if (pthread_create(&pool.th[pool.nthreads], NULL, worker, NULL) == 0) pool.nthreads++;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, s->opts.port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_TIMEOUT_S,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVE_MAX_CONNECTIONS, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)SERVE_MAX_HEADER_BYTES, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
    if (!d) {
        int err = errno;
        stop_pool();
        return hv_errf(e, HV_EIO, "cannot listen on %s:%u: %s", host, s->opts.port, strerror(err));
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : s->opts.port;
    printf("hfviz serve: %u models from %s\n", s->map.n, s->opts.map_path);
    printf("listening on http://%s:%u/  (%d threads; Ctrl-C stops)\n", host, port, threads);
    fflush(stdout);
    if (s->opts.port_file) {
        FILE *f = fopen(s->opts.port_file, "w");
        if (f) {
            fprintf(f, "%u\n", port);
            fclose(f);
        }
    }
    pthread_t warm;
    bool warming = pthread_create(&warm, NULL, warm_up, s) == 0;
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "hfviz serve: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    /* no new connections; the workers finish the queue and resume every
     * suspended connection before the daemon may stop */
    MHD_quiesce_daemon(d);
    stop_pool();
    MHD_stop_daemon(d);
    if (warming) pthread_join(warm, NULL);
    return HV_OK;
}
