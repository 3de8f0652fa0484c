/* hub.c - one poll of a Hub-compatible API (docs/tracking.md, "What a poll
 * asks the Hub") over libcurl.
 *
 * Each request has a timeout and is retried on what may pass (a network
 * error, a timeout, a transfer cut short, 429, 5xx): after the server's
 * Retry-After when it sends one, else after exponential backoff with full
 * jitter.  Anything else (another 4xx, JSON that does not parse, a missing
 * or impossible count) fails the poll at once.  A poll fills a snapshot in
 * memory only; track_poll_store writes it in one transaction. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "core/buf.h"
#include "core/clock.h"
#include "track/track_int.h"

#define MAX_BODY ((size_t)64 << 20) /* a page of 1,000 models is ~1 MB */
#define MAX_VALUES 20000            /* libraries or pipelines a Hub may list */
#define LIST_PAGE 1000

typedef struct poll {
    const hv_poll_opts *o;
    CURL *curl;
    struct curl_slist *headers;
    char base[500]; /* the hub URL without trailing '/' */
    char *base_scheme, *base_host, *base_port;
    hv_buf body;
    bool body_over;
    char retry_after[128];
    char link[8192];
    int64_t requests;
    uint64_t rng;
} poll;

/* ---- small helpers ---- */

static bool stopped(const poll *p) { return p->o->stop && *p->o->stop; }

/* Sleep s seconds in slices, waking early when asked to stop. */
static void nap(const poll *p, double s) {
    double until = hv_now() + s;
    for (double left; (left = until - hv_now()) > 0 && !stopped(p);) {
        double slice = left < 0.05 ? left : 0.05;
        struct timespec ts = {(time_t)slice, (long)((slice - (time_t)slice) * 1e9)};
        nanosleep(&ts, NULL);
    }
}

static double uniform01(poll *p) {
    p->rng ^= p->rng << 13; /* xorshift64 */
    p->rng ^= p->rng >> 7;
    p->rng ^= p->rng << 17;
    return (double)(p->rng >> 11) / (double)(1ull << 53);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud) {
    poll *p = ud;
    size_t n = size * nmemb;
    if (p->body.n + n > MAX_BODY) {
        p->body_over = true;
        return 0; /* aborts the transfer */
    }
    return hv_buf_append(&p->body, data, n) ? 0 : n;
}

/* "Name: value\r\n" -> value when the header is name. */
static bool header_is(const char *line, size_t n, const char *name, const char **val, size_t *vlen) {
    size_t k = strlen(name);
    if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':') return false;
    const char *v = line + k + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t')) v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ')) end--;
    *val = v;
    *vlen = (size_t)(end - v);
    return true;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *ud) {
    poll *p = ud;
    size_t n = size * nmemb;
    const char *v;
    size_t vn;
    if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) { /* a new response (after a redirect) */
        p->retry_after[0] = p->link[0] = 0;
    } else if (header_is(line, n, "Retry-After", &v, &vn)) {
        snprintf(p->retry_after, sizeof p->retry_after, "%.*s", (int)vn, v);
    } else if (header_is(line, n, "Link", &v, &vn)) {
        size_t used = strlen(p->link);
        if (used + vn + 2 < sizeof p->link) /* several Link headers join as one list */
            snprintf(p->link + used, sizeof p->link - used, "%s%.*s", used ? ", " : "", (int)vn, v);
    }
    return n;
}

/* Seconds the server asks to wait: delta-seconds or an HTTP date; -1 if none. */
static double retry_after_s(const poll *p) {
    const char *v = p->retry_after;
    if (!*v) return -1;
    char *end;
    long s = strtol(v, &end, 10);
    if (end != v && *end == 0) return s < 0 ? 0 : (double)s;
    time_t t = curl_getdate(v, NULL);
    if (t == -1) return -1;
    double d = difftime(t, time(NULL));
    return d < 0 ? 0 : d;
}

/* ---- one request, with retries ---- */

/* GET url into p->body.  0, or an error (e says which URL and why). */
static int get(poll *p, const char *url, hv_err *e) {
    const hv_poll_opts *o = p->o;
    char why[300] = "";
    for (int attempt = 0;; attempt++) {
        if (stopped(p)) return hv_errf(e, HV_EIO, "stopped");
        if (p->requests >= (int64_t)o->max_requests)
            return hv_errf(e, HV_EINPUT, "the poll needs more than --max-requests %u requests", o->max_requests);
        if (p->requests > 0 && o->delay_s > 0) nap(p, o->delay_s);
        hv_buf_clear(&p->body);
        p->body_over = false;
        p->retry_after[0] = p->link[0] = 0;
        curl_easy_setopt(p->curl, CURLOPT_URL, url);
        double t0 = hv_now();
        CURLcode cc = curl_easy_perform(p->curl);
        p->requests++;
        long status = 0;
        curl_easy_getinfo(p->curl, CURLINFO_RESPONSE_CODE, &status);
        if (o->verbose)
            fprintf(stderr, "hfviz track: GET %s -> %ld%s%s (%.0f ms)\n", url, status, cc ? " " : "",
                    cc ? curl_easy_strerror(cc) : "", (hv_now() - t0) * 1e3);
        bool retry;
        if (cc == CURLE_OK && status == 200) return 0;
        if (cc != CURLE_OK) {
            if (p->body_over) return hv_errf(e, HV_EINPUT, "%s: the answer is over %zu MiB", url, MAX_BODY >> 20);
            retry = cc == CURLE_OPERATION_TIMEDOUT || cc == CURLE_PARTIAL_FILE || cc == CURLE_COULDNT_CONNECT ||
                    cc == CURLE_COULDNT_RESOLVE_HOST || cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR ||
                    cc == CURLE_GOT_NOTHING || cc == CURLE_SSL_CONNECT_ERROR || cc == CURLE_HTTP2 ||
                    cc == CURLE_HTTP2_STREAM || cc == CURLE_BAD_CONTENT_ENCODING;
            if (cc == CURLE_OPERATION_TIMEDOUT)
                snprintf(why, sizeof why, "no complete answer within --timeout %.3g s", o->timeout_s);
            else if (cc == CURLE_PARTIAL_FILE)
                snprintf(why, sizeof why, "the answer was cut short (%zu bytes)", p->body.n);
            else
                snprintf(why, sizeof why, "%s", curl_easy_strerror(cc));
        } else {
            retry = status == 429 || status >= 500;
            snprintf(why, sizeof why, "HTTP %ld", status);
        }
        if (!retry) return hv_errf(e, HV_EINPUT, "%s: %s", url, why);
        if (attempt >= o->retries)
            return hv_errf(e, HV_EIO, "%s: %s (gave up after %d tries)", url, why, attempt + 1);
        double wait = retry_after_s(p);
        if (wait >= 0) {
            if (wait > o->max_wait_s)
                return hv_errf(e, HV_EIO, "%s: %s with Retry-After %.0f s, over --max-wait %.0f s", url, why, wait,
                               o->max_wait_s);
        } else {
            double cap = ldexp(1.0, attempt < 30 ? attempt : 30);
            if (cap > o->max_wait_s) cap = o->max_wait_s;
            wait = cap * uniform01(p);
        }
        if (o->verbose) fprintf(stderr, "hfviz track: %s; retrying in %.2f s\n", why, wait);
        nap(p, wait);
    }
}

/* The body as JSON (cJSON takes a terminated string). */
static cJSON *parse_body(poll *p, const char *url, hv_err *e) {
    if (hv_buf_putc(&p->body, 0)) {
        hv_errf(e, HV_ENOMEM, "out of memory");
        return NULL;
    }
    p->body.n--;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithOpts((const char *)p->body.p, &end, true);
    if (!j) {
        size_t at = end ? (size_t)(end - (const char *)p->body.p) : 0;
        hv_errf(e, HV_EINPUT, "%s: the answer is not JSON (byte %zu of %zu)", url, at, p->body.n);
    }
    return j;
}

/* A JSON number that is a count: an integer in 0..2^53. */
static bool as_count(const cJSON *v, int64_t *out) {
    if (!cJSON_IsNumber(v)) return false;
    double d = v->valuedouble;
    if (!(d >= 0 && d <= 9007199254740992.0) || d != floor(d)) return false;
    *out = (int64_t)d;
    return true;
}

/* ---- the counts method ---- */

static int num_total(poll *p, const char *url, int64_t *out, hv_err *e) {
    if (get(p, url, e)) return e->code;
    cJSON *j = parse_body(p, url, e);
    if (!j) return e->code;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "numTotalItems");
    int rc = 0;
    if (!cJSON_IsObject(j) || !v)
        rc = hv_errf(e, HV_EINPUT, "%s: no numTotalItems in the answer", url);
    else if (!as_count(v, out))
        rc = hv_errf(e, HV_EINPUT, "%s: numTotalItems is not a count (a non-negative integer)", url);
    cJSON_Delete(j);
    return rc;
}

static int poll_counts(poll *p, hv_snapshot *s, hv_err *e) {
    char url[4096];
    snprintf(url, sizeof url, "%s/api/models-tags-by-type", p->base);
    if (get(p, url, e)) return e->code;
    cJSON *tags = parse_body(p, url, e);
    if (!tags) return e->code;
    static const char *const member[TRACK_FACET_COUNT] = {"library", "pipeline_tag"};
    static const char *const param[TRACK_FACET_COUNT] = {"library", "pipeline_tag"};
    int rc = 0;
    size_t nvalues = 0;
    for (int f = 0; f < TRACK_FACET_COUNT && !rc; f++) {
        const cJSON *arr = cJSON_IsObject(tags) ? cJSON_GetObjectItemCaseSensitive(tags, member[f]) : NULL;
        if (!cJSON_IsArray(arr)) {
            rc = hv_errf(e, HV_EINPUT, "%s: no '%s' list in the answer", url, member[f]);
            break;
        }
        const cJSON *it;
        cJSON_ArrayForEach(it, arr) {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
            if (!cJSON_IsString(id) || !id->valuestring[0] || strlen(id->valuestring) > 200) {
                rc = hv_errf(e, HV_EINPUT, "%s: an entry of '%s' has no string id", url, member[f]);
                break;
            }
            if (s->by[f].n >= MAX_VALUES) {
                rc = hv_errf(e, HV_EINPUT, "%s: over %d values in '%s'", url, MAX_VALUES, member[f]);
                break;
            }
            int had = counts_set(&s->by[f], id->valuestring, -1); /* -1: not yet asked */
            if (had < 0) rc = hv_errf(e, HV_ENOMEM, "out of memory");
            nvalues += had == 0;
        }
    }
    cJSON_Delete(tags);
    if (rc) return rc;
    if (p->requests + 1 + (int64_t)nvalues > (int64_t)p->o->max_requests)
        return hv_errf(e, HV_EINPUT,
                       "the Hub lists %zu libraries and pipelines: %zu more requests, over --max-requests %u",
                       nvalues, nvalues + 1, p->o->max_requests);
    snprintf(url, sizeof url, "%s/models-json?p=0&sort=trending&withCount=true", p->base);
    if (num_total(p, url, &s->total, e)) return e->code;
    for (int f = 0; f < TRACK_FACET_COUNT; f++) {
        hv_counts *c = &s->by[f];
        for (uint32_t i = 0; i < c->n; i++) {
            char *esc = curl_easy_escape(p->curl, c->items[i].value, 0);
            if (!esc) return hv_errf(e, HV_ENOMEM, "out of memory");
            snprintf(url, sizeof url, "%s/models-json?p=0&sort=trending&withCount=true&%s=%s", p->base, param[f],
                     esc);
            curl_free(esc);
            if (num_total(p, url, &c->items[i].count, e)) return e->code;
        }
    }
    return 0;
}

/* ---- the list method ---- */

/* The URL of the rel="next" entry of a Link header value into out ("" if none). */
static void link_next(const char *link, char *out, size_t cap) {
    out[0] = 0;
    for (const char *p = link; (p = strchr(p, '<')) != NULL;) {
        const char *gt = strchr(p, '>');
        if (!gt) return;
        const char *params = gt + 1, *stop = strchr(params, '<');
        size_t plen = stop ? (size_t)(stop - params) : strlen(params);
        for (const char *r = params; r < params + plen; r++) {
            if (strncasecmp(r, "rel=", 4) != 0) continue;
            const char *v = r + 4;
            bool q = *v == '"';
            v += q;
            size_t vn = 0;
            while (v + vn < params + plen && v[vn] != (q ? '"' : ';') && v[vn] != ',') vn++;
            for (const char *w = v; w < v + vn;) { /* rel may list several types */
                while (w < v + vn && *w == ' ') w++;
                size_t wn = 0;
                while (w + wn < v + vn && w[wn] != ' ') wn++;
                if (wn == 4 && strncasecmp(w, "next", 4) == 0) {
                    size_t un = (size_t)(gt - p - 1);
                    if (un < cap) {
                        memcpy(out, p + 1, un);
                        out[un] = 0;
                    }
                    return;
                }
                w += wn;
            }
        }
        p = gt + 1;
    }
}

/* Resolve next against cur; refuse another scheme, host or port than the hub's. */
static int resolve_next(poll *p, const char *cur, const char *next, char *out, size_t cap, hv_err *e) {
    CURLU *u = curl_url();
    char *abs = NULL, *scheme = NULL, *host = NULL, *port = NULL;
    int rc = 0;
    if (!u || curl_url_set(u, CURLUPART_URL, cur, 0) || curl_url_set(u, CURLUPART_URL, next, 0) ||
        curl_url_get(u, CURLUPART_URL, &abs, 0) || curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) || curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT)) {
        rc = hv_errf(e, HV_EINPUT, "%s: the next-page link '%.200s' is not a URL", cur, next);
    } else if (strcasecmp(scheme, p->base_scheme) || strcasecmp(host, p->base_host) || strcmp(port, p->base_port)) {
        rc = hv_errf(e, HV_EINPUT, "%s: the next-page link leads to another site (%s://%s:%s); refused", cur, scheme,
                     host, port);
    } else if (strlen(abs) >= cap) {
        rc = hv_errf(e, HV_EINPUT, "%s: the next-page link is too long", cur);
    } else {
        strcpy(out, abs);
    }
    curl_free(abs);
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return rc;
}

static int poll_list(poll *p, hv_snapshot *s, hv_err *e) {
    static const char *const key[TRACK_FACET_COUNT] = {"library_name", "pipeline_tag"};
    char *url = malloc(8192), *next = malloc(8192), *tmp;
    if (!url || !next) {
        free(url);
        free(next);
        return hv_errf(e, HV_ENOMEM, "out of memory");
    }
    snprintf(url, 8192, "%s/api/models?limit=%d", p->base, LIST_PAGE);
    int rc = 0;
    while (!rc) {
        if ((rc = get(p, url, e))) break;
        cJSON *page = parse_body(p, url, e);
        if (!page) {
            rc = e->code;
            break;
        }
        if (!cJSON_IsArray(page)) {
            cJSON_Delete(page);
            rc = hv_errf(e, HV_EINPUT, "%s: the answer is not a JSON array of models", url);
            break;
        }
        const cJSON *m;
        cJSON_ArrayForEach(m, page) {
            if (!cJSON_IsObject(m)) {
                rc = hv_errf(e, HV_EINPUT, "%s: an element of the page is not an object", url);
                break;
            }
            s->total++;
            for (int f = 0; f < TRACK_FACET_COUNT && !rc; f++) {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, key[f]);
                if (cJSON_IsString(v) && v->valuestring[0] &&
                    counts_add(&s->by[f], v->valuestring, strlen(v->valuestring), 1))
                    rc = hv_errf(e, HV_ENOMEM, "out of memory");
            }
        }
        cJSON_Delete(page);
        if (rc) break;
        link_next(p->link, next, 8192);
        if (!next[0]) break;
        char resolved[8192];
        if ((rc = resolve_next(p, url, next, resolved, sizeof resolved, e))) break;
        if (strcmp(resolved, url) == 0) {
            rc = hv_errf(e, HV_EINPUT, "%s: the next-page link points to the same page", url);
            break;
        }
        strcpy(next, resolved);
        tmp = url, url = next, next = tmp;
    }
    free(url);
    free(next);
    return rc;
}

/* ---- a poll ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_started = CURLE_FAILED_INIT;
static void curl_start(void) { curl_started = curl_global_init(CURL_GLOBAL_DEFAULT); }

static int poll_open(poll *p, const hv_poll_opts *o, hv_err *e) {
    memset(p, 0, sizeof *p);
    p->o = o;
    p->rng = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid() ^ 0x2545F4914F6CDD1Dull;
    if (!p->rng) p->rng = 1;
    size_t n = strlen(o->hub);
    while (n && o->hub[n - 1] == '/') n--;
    if (n == 0 || n >= sizeof p->base) return hv_errf(e, HV_EUSAGE, "--hub: not a URL: '%s'", o->hub);
    memcpy(p->base, o->hub, n);
    p->base[n] = 0;
    pthread_once(&curl_once, curl_start);
    if (curl_started != CURLE_OK) return hv_errf(e, HV_EINTERNAL, "libcurl failed to start");
    CURLU *u = curl_url();
    int bad = !u || curl_url_set(u, CURLUPART_URL, p->base, 0) ||
              curl_url_get(u, CURLUPART_SCHEME, &p->base_scheme, 0) ||
              curl_url_get(u, CURLUPART_HOST, &p->base_host, 0) ||
              curl_url_get(u, CURLUPART_PORT, &p->base_port, CURLU_DEFAULT_PORT);
    curl_url_cleanup(u);
    if (bad || (strcasecmp(p->base_scheme, "http") && strcasecmp(p->base_scheme, "https")))
        return hv_errf(e, HV_EUSAGE, "--hub: not an http(s) URL: '%s'", o->hub);
    if (!(p->curl = curl_easy_init())) return hv_errf(e, HV_ENOMEM, "libcurl: out of memory");
    long to = (long)(o->timeout_s * 1000);
    curl_easy_setopt(p->curl, CURLOPT_TIMEOUT_MS, to > 0 ? to : 1);
    curl_easy_setopt(p->curl, CURLOPT_CONNECTTIMEOUT_MS, to > 0 ? to : 1);
    curl_easy_setopt(p->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(p->curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(p->curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(p->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(p->curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(p->curl, CURLOPT_ACCEPT_ENCODING, ""); /* whatever curl decodes */
    curl_easy_setopt(p->curl, CURLOPT_USERAGENT, "hfviz/0.1 (model-count tracker)");
    curl_easy_setopt(p->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(p->curl, CURLOPT_WRITEDATA, p);
    curl_easy_setopt(p->curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(p->curl, CURLOPT_HEADERDATA, p);
    p->headers = curl_slist_append(NULL, "Accept: application/json");
    if (o->token && *o->token) {
        /* curl keeps a custom Authorization header to the first host on redirects */
        size_t tn = strlen(o->token) + 32;
        char *h = malloc(tn);
        if (!h) return hv_errf(e, HV_ENOMEM, "out of memory");
        snprintf(h, tn, "Authorization: Bearer %s", o->token);
        p->headers = curl_slist_append(p->headers, h);
        free(h);
    }
    curl_easy_setopt(p->curl, CURLOPT_HTTPHEADER, p->headers);
    return 0;
}

static void poll_close(poll *p) {
    if (p->curl) curl_easy_cleanup(p->curl);
    curl_slist_free_all(p->headers);
    curl_free(p->base_scheme);
    curl_free(p->base_host);
    curl_free(p->base_port);
    hv_buf_free(&p->body);
}

int track_poll(const hv_poll_opts *o, hv_snapshot *s, hv_err *e) {
    poll p;
    double t0 = hv_now();
    int rc = poll_open(&p, o, e);
    if (!rc) {
        s->source = TRACK_SOURCE_HUB;
        s->method = o->method == TRACK_METHOD_LIST ? "list" : "counts";
        snprintf(s->origin, sizeof s->origin, "%.*s", (int)(sizeof s->origin - 1), p.base);
        rc = o->method == TRACK_METHOD_LIST ? poll_list(&p, s, e) : poll_counts(&p, s, e);
    }
    s->requests = p.requests;
    s->taken_at = (int64_t)time(NULL);
    s->duration_ms = (int64_t)((hv_now() - t0) * 1e3);
    poll_close(&p);
    return rc;
}

static void group_digits(int64_t v, char *out) {
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v), j = 0;
    for (int i = 0; i < n; i++) {
        if (i && tmp[0] != '-' && (n - i) % 3 == 0) out[j++] = ',';
        out[j++] = tmp[i];
    }
    out[j] = 0;
}

int track_poll_store(hv_tdb *db, const hv_poll_opts *o, int64_t *id, hv_err *e) {
    hv_snapshot s;
    snapshot_init(&s);
    *id = 0;
    int rc = track_poll(o, &s, e);
    bool poll_failed = rc != 0; /* the Hub's answers failed, not the database */
    char msg[HV_ERR_LEN + 64];
    if (rc) {
        snprintf(msg, sizeof msg, "failed: %s", e->msg);
    } else if ((rc = tdb_insert(db, &s, id, e))) {
        snprintf(msg, sizeof msg, "failed to store: %s", e->msg);
    } else {
        char total[32];
        group_digits(s.total, total);
        snprintf(msg, sizeof msg, "ok: %s models, %u libraries, %u pipelines", total, s.by[0].n, s.by[1].n);
    }
    const char *origin = s.origin[0] ? s.origin : o->hub;
    hv_err le = {0, ""};
    int lrc = tdb_log_poll(db, s.taken_at, origin, rc == 0, *id, s.requests, s.duration_ms, msg, &le);
    bool usage = poll_failed && !s.origin[0]; /* the options were refused before any request */
    snapshot_free(&s);
    if (rc) return poll_failed && !usage ? TRACK_POLL_FAILED : rc;
    if (lrc) {
        *e = le;
        return lrc;
    }
    return 0;
}
