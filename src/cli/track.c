/* track.c - `hfviz track`: record how many models a Hub holds, on a
 * schedule, into a SQLite database; record a map's counts by month; print
 * the growth and history answers.  docs/tracking.md. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/commands.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/timeparse.h"
#include "mapfile/map.h"
#include "track/track.h"

static const char USAGE[] =
    "usage: hfviz track [--db FILE] [--hub URL] [--once | --interval 6h] [OPTIONS]\n"
    "       hfviz track --db FILE --dataset MAP\n"
    "       hfviz track --db FILE --report [--days 30] [--source hub|dataset] [--top N]\n"
    "                              [--forecast-days N] [--model linear|exponential]\n"
    "       hfviz track --db FILE --history [--from DATE] [--to DATE] [--source hub|dataset]\n"
    "                              [--facet library|pipeline] [--top N] [--limit N]\n"
    "\n"
    "Poll a Hub-compatible API for the number of models (total, by library, by\n"
    "pipeline) and store one snapshot per poll in FILE (SQLite; created when\n"
    "missing).  docs/tracking.md describes the requests, retries and schema.\n"
    "\n"
    "  --db FILE            the model-count database (default:\n"
    "                       $XDG_DATA_HOME/hfviz/model-counts.db or ~/.local/share/hfviz/model-counts.db)\n"
    "  --hub URL            the Hub's base URL (default " TRACK_DEFAULT_HUB ");\n"
    "                       $HF_TOKEN, when set, is sent as a bearer token\n"
    "  --once               poll once: exit 0 when stored, 1 when the poll failed\n"
    "  --interval DUR       poll every DUR until SIGINT/SIGTERM (default 6h; 1s..30d)\n"
    "  --method counts|list counts: ask models-json for each count (default);\n"
    "                       list: page through /api/models and count\n"
    "  --timeout DUR        per request (default 30s)\n"
    "  --retries N          retries per request on 429, 5xx, timeouts (default 5; 0..20)\n"
    "  --max-wait DUR       longest wait before a retry (default 10m)\n"
    "  --delay DUR          pause between requests (default 100ms)\n"
    "  --max-requests N     requests in one poll at most (default 5000)\n"
    "  --verbose            a line per request on stderr\n"
    "  --quiet              no line per stored snapshot (failures are still reported)\n"
    "  --dataset MAP        record MAP's counts by createdAt month and exit\n"
    "  --report             print the growth JSON (as /api/model-count/growth) and exit\n"
    "  --history            print the history JSON (as /api/model-count/history) and exit\n"
    "  --latest             print the newest snapshot (as /api/model-count/latest) and exit\n"
    "  -h, --help           this text\n"
    "\n"
    "Durations: a number and a unit, ms s m h d (e.g. 250ms, 30s, 6h), or 0.\n";

static volatile sig_atomic_t g_stop;
static void on_signal(int sig) {
    (void)sig;
    g_stop = 1;
}

/* "30s", "6h", "250ms" -> seconds; -1 when malformed or out of [lo, hi]. */
static double parse_duration(const char *opt, const char *v, double lo, double hi) {
    char *end;
    double x = strtod(v, &end);
    double unit = 0;
    if (end != v && x >= 0) {
        if (strcmp(end, "ms") == 0) unit = 1e-3;
        else if (strcmp(end, "s") == 0) unit = 1;
        else if (strcmp(end, "m") == 0) unit = 60;
        else if (strcmp(end, "h") == 0) unit = 3600;
        else if (strcmp(end, "d") == 0) unit = 86400;
    }
    if (end != v && *end == 0 && x == 0) unit = 1; /* "0" needs no unit */
    double s = x * unit;
    if (!unit || !(s >= lo && s <= hi)) {
        fprintf(stderr, "hfviz track: %s must be a duration in %gs..%gs with a unit (ms, s, m, h, d), got '%s'\n", opt,
                lo, hi, v);
        return -1;
    }
    return s;
}

static int parse_long(const char *opt, const char *v, long lo, long hi, long *out) {
    char *end;
    long x = strtol(v, &end, 10);
    if (!*v || *end || x < lo || x > hi) {
        fprintf(stderr, "hfviz track: %s must be an integer in %ld..%ld, got '%s'\n", opt, lo, hi, v);
        return -1;
    }
    *out = x;
    return 0;
}

static int parse_choice(const char *opt, const char *v, const char *const *names, int *out) {
    for (int i = 0; names[i]; i++)
        if (strcmp(v, names[i]) == 0) {
            *out = i;
            return 0;
        }
    fprintf(stderr, "hfviz track: %s must be one of", opt);
    for (int i = 0; names[i]; i++) fprintf(stderr, " %s", names[i]);
    fprintf(stderr, ", got '%s'\n", v);
    return -1;
}

static int parse_date(const char *opt, const char *v, bool end, int64_t *out) {
    if (hv_parse_date_bound(hv_sv_cstr(v), end, out) == 0) return 0;
    fprintf(stderr, "hfviz track: %s must be a date (YYYY-MM, YYYY-MM-DD or a timestamp), got '%s'\n", opt, v);
    return -1;
}

/* Print one JSON answer: 0, 1 for "no data" (the reason on stderr), 2.. errors. */
static int print_answer(int rc, hv_buf *b, hv_jw *w, const hv_err *e) {
    if (rc == TRACK_NO_DATA) {
        fprintf(stderr, "hfviz track: %s\n", e->msg);
        return 1;
    }
    if (rc) {
        fprintf(stderr, "hfviz track: %s\n", e->msg);
        return hv_exit_status(rc);
    }
    if (w->failed) {
        fprintf(stderr, "hfviz track: out of memory\n");
        return 3;
    }
    fwrite(b->p, 1, b->n, stdout);
    fputc('\n', stdout);
    return 0;
}

static int record_dataset(const char *db_path, const char *map_path) {
    hv_map m;
    hv_err e = {0, ""};
    int rc = map_open(map_path, false, &m, &e);
    if (rc) {
        fprintf(stderr, "hfviz track: %s\n", e.msg);
        return hv_exit_status(rc);
    }
    size_t n;
    uint64_t undated;
    rc = track_record_dataset(db_path, &m, map_path, &n, &undated, &e);
    map_close(&m);
    if (rc) {
        fprintf(stderr, "hfviz track: %s\n", e.msg);
        return hv_exit_status(rc);
    }
    fprintf(stderr, "hfviz track: recorded %zu monthly snapshots of %s into %s", n, map_path, db_path);
    if (undated) fprintf(stderr, " (%llu models without a creation date left out)", (unsigned long long)undated);
    fputc('\n', stderr);
    return 0;
}

static int poll_loop(hv_tdb *db, hv_poll_opts *po, bool once, double interval, bool quiet) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    po->stop = &g_stop;
    for (;;) {
        double t0 = hv_now();
        int64_t id;
        hv_err e = {0, ""};
        int rc = track_poll_store(db, po, &id, &e);
        char now[32];
        hv_format_time((int64_t)time(NULL), now);
        if (rc == 0) {
            if (!quiet) fprintf(stderr, "hfviz track: %s: stored snapshot %lld\n", now, (long long)id);
        } else if (rc == TRACK_POLL_FAILED) {
            fprintf(stderr, "hfviz track: %s: poll failed, nothing stored: %s\n", now, e.msg);
            if (once) return 1;
        } else {
            fprintf(stderr, "hfviz track: %s\n", e.msg);
            return hv_exit_status(rc);
        }
        if (once) return 0;
        if (g_stop) return 0;
        double next = t0 + interval;
        while (!g_stop && hv_now() < next) {
            double left = next - hv_now();
            struct timespec ts = {0, 0};
            if (left > 0.2) left = 0.2;
            if (left > 0) {
                ts.tv_sec = (time_t)left;
                ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
                nanosleep(&ts, NULL);
            }
        }
        if (g_stop) return 0;
    }
}

int cmd_track(int argc, char **argv) {
    enum { OPT_HUB = 256, OPT_ONCE, OPT_INTERVAL, OPT_METHOD, OPT_TIMEOUT, OPT_RETRIES, OPT_MAXWAIT, OPT_DELAY,
           OPT_MAXREQ, OPT_VERBOSE, OPT_DATASET, OPT_REPORT, OPT_HISTORY, OPT_LATEST, OPT_DAYS, OPT_SOURCE, OPT_TOP,
           OPT_FDAYS, OPT_MODEL, OPT_FROM, OPT_TO, OPT_FACET, OPT_LIMIT, OPT_DB, OPT_QUIET };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},         {"hub", required_argument, NULL, OPT_HUB},
        {"once", no_argument, NULL, OPT_ONCE},           {"interval", required_argument, NULL, OPT_INTERVAL},
        {"method", required_argument, NULL, OPT_METHOD}, {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"retries", required_argument, NULL, OPT_RETRIES}, {"max-wait", required_argument, NULL, OPT_MAXWAIT},
        {"delay", required_argument, NULL, OPT_DELAY},   {"max-requests", required_argument, NULL, OPT_MAXREQ},
        {"verbose", no_argument, NULL, OPT_VERBOSE},     {"dataset", required_argument, NULL, OPT_DATASET},
        {"report", no_argument, NULL, OPT_REPORT},       {"history", no_argument, NULL, OPT_HISTORY},
        {"latest", no_argument, NULL, OPT_LATEST},       {"days", required_argument, NULL, OPT_DAYS},
        {"source", required_argument, NULL, OPT_SOURCE}, {"top", required_argument, NULL, OPT_TOP},
        {"forecast-days", required_argument, NULL, OPT_FDAYS}, {"model", required_argument, NULL, OPT_MODEL},
        {"from", required_argument, NULL, OPT_FROM},     {"to", required_argument, NULL, OPT_TO},
        {"facet", required_argument, NULL, OPT_FACET},   {"limit", required_argument, NULL, OPT_LIMIT},
        {"quiet", no_argument, NULL, OPT_QUIET},         {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static const char *const methods[] = {"counts", "list", NULL};
    static const char *const models[] = {"linear", "exponential", NULL};
    const char *db_path = NULL, *dataset = NULL;
    hv_poll_opts po = {TRACK_DEFAULT_HUB, TRACK_METHOD_COUNTS, 30, 5, 600, 0.1, 5000, NULL, false, NULL};
    bool once = false, report = false, history = false, latest = false, interval_given = false, quiet = false;
    double interval = 6 * 3600;
    long v;
    int source = -1, facet = -1, model = 0;
    long days = 30, top = -1, fdays = -1, limit = 2000;
    int64_t from = INT64_MIN, to = INT64_MAX;
    int ch;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        double d;
        switch (ch) {
        case OPT_DB: db_path = optarg; break;
        case OPT_HUB: po.hub = optarg; break;
        case OPT_ONCE: once = true; break;
        case OPT_INTERVAL:
            if ((interval = parse_duration("--interval", optarg, 1, 30 * 86400)) < 0) return 64;
            interval_given = true;
            break;
        case OPT_METHOD:
            if (parse_choice("--method", optarg, methods, &po.method)) return 64;
            break;
        case OPT_TIMEOUT:
            if ((d = parse_duration("--timeout", optarg, 0.01, 3600)) < 0) return 64;
            po.timeout_s = d;
            break;
        case OPT_RETRIES:
            if (parse_long("--retries", optarg, 0, 20, &v)) return 64;
            po.retries = (int)v;
            break;
        case OPT_MAXWAIT:
            if ((d = parse_duration("--max-wait", optarg, 0, 86400)) < 0) return 64;
            po.max_wait_s = d;
            break;
        case OPT_DELAY:
            if ((d = parse_duration("--delay", optarg, 0, 3600)) < 0) return 64;
            po.delay_s = d;
            break;
        case OPT_MAXREQ:
            if (parse_long("--max-requests", optarg, 1, 10000000, &v)) return 64;
            po.max_requests = (uint32_t)v;
            break;
        case OPT_VERBOSE: po.verbose = true; break;
        case OPT_QUIET: quiet = true; break;
        case OPT_DATASET: dataset = optarg; break;
        case OPT_REPORT: report = true; break;
        case OPT_HISTORY: history = true; break;
        case OPT_LATEST: latest = true; break;
        case OPT_DAYS:
            if (parse_long("--days", optarg, 1, 3650, &days)) return 64;
            break;
        case OPT_SOURCE:
            if (parse_choice("--source", optarg, track_source_names, &source)) return 64;
            break;
        case OPT_TOP:
            if (parse_long("--top", optarg, 1, 100, &top)) return 64;
            break;
        case OPT_FDAYS:
            if (parse_long("--forecast-days", optarg, 1, 3650, &fdays)) return 64;
            break;
        case OPT_MODEL:
            if (parse_choice("--model", optarg, models, &model)) return 64;
            break;
        case OPT_FROM:
            if (parse_date("--from", optarg, false, &from)) return 64;
            break;
        case OPT_TO:
            if (parse_date("--to", optarg, true, &to)) return 64;
            break;
        case OPT_FACET:
            if (parse_choice("--facet", optarg, track_facet_names, &facet)) return 64;
            break;
        case OPT_LIMIT:
            if (parse_long("--limit", optarg, 2, 20000, &limit)) return 64;
            break;
        case 'h': fputs(USAGE, stdout); return 0;
        default: fputs(USAGE, stderr); return 64;
        }
    }
    if (optind != argc) {
        fputs(USAGE, stderr);
        return 64;
    }
    char defpath[4096];
    if (!db_path) { /* $XDG_DATA_HOME/hfviz/model-counts.db, else ~/.local/share/hfviz/model-counts.db */
        const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
        char dir[4000];
        if (xdg && *xdg) snprintf(dir, sizeof dir, "%s/hfviz", xdg);
        else if (home && *home) snprintf(dir, sizeof dir, "%s/.local/share/hfviz", home);
        else {
            fprintf(stderr, "hfviz track: no --db FILE, and neither XDG_DATA_HOME nor HOME is set\n");
            return 64;
        }
        for (char *p = dir + 1; *p; p++) /* mkdir -p */
            if (*p == '/') {
                *p = 0;
                mkdir(dir, 0755);
                *p = '/';
            }
        if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "hfviz track: cannot create %s: %s (give --db FILE)\n", dir, strerror(errno));
            return 2;
        }
        snprintf(defpath, sizeof defpath, "%s/model-counts.db", dir);
        db_path = defpath;
    }
    if (once && interval_given) {
        fprintf(stderr, "hfviz track: --once and --interval exclude each other\n");
        return 64;
    }
    if ((dataset != NULL) + report + history + latest > 1) {
        fprintf(stderr, "hfviz track: --dataset, --report, --history and --latest exclude each other\n");
        return 64;
    }
    if (strncmp(po.hub, "http://", 7) != 0 && strncmp(po.hub, "https://", 8) != 0) {
        fprintf(stderr, "hfviz track: --hub must be an http:// or https:// URL, got '%s'\n", po.hub);
        return 64;
    }
    if (dataset) return record_dataset(db_path, dataset);
    hv_tdb *db;
    hv_err e = {0, ""};
    int rc = tdb_open(db_path, &db, &e);
    if (rc) {
        fprintf(stderr, "hfviz track: %s\n", e.msg);
        return hv_exit_status(rc);
    }
    if (report || history || latest) {
        hv_buf b = {0};
        hv_jw w;
        jw_init(&w, &b);
        if (report) {
            hv_growth_opts go = {source, (uint32_t)days, top > 0 ? (uint32_t)top : 10,
                                 fdays > 0 ? (uint32_t)fdays : (uint32_t)days, model == 1};
            rc = track_growth_json(db, &go, &w, &e);
        } else if (history) {
            hv_history_opts ho;
            memset(&ho, 0, sizeof ho);
            ho.source = source;
            ho.from = from;
            ho.to = to;
            ho.facet = facet;
            ho.top = top > 0 ? (uint32_t)(top > 50 ? 50 : top) : 10;
            ho.limit = (uint32_t)limit;
            rc = track_history_json(db, &ho, &w, &e);
        } else {
            rc = track_latest_json(db, source, (int64_t)time(NULL), &w, &e);
        }
        rc = print_answer(rc, &b, &w, &e);
        hv_buf_free(&b);
        tdb_close(db);
        return rc;
    }
    const char *token = getenv("HF_TOKEN");
    po.token = token && *token ? token : NULL;
    rc = poll_loop(db, &po, once, interval, quiet);
    tdb_close(db);
    return rc;
}
