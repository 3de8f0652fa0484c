/* serve.c - `hfviz serve MAP`: the HTTP API and the web app over a map.
 *
 * USAGE: hfviz serve MAP [--host H] [--port P] [--threads N] [--web DIR]
 *                        [--allow-origin ORIGIN] [--log] [--port-file F]
 *                        [--db FILE [--allow-record] [--hub URL]] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "core/clock.h"
#include "serve/serve.h"

static const char USAGE[] =
    "usage: hfviz serve MAP [OPTIONS]\n"
    "\n"
    "Serve the map over HTTP: the JSON/binary API under /api (docs/api.md,\n"
    "GET /api/openapi.json) and the web app's files.\n"
    "\n"
    "  --host ADDR            IPv4 address to listen on (default 127.0.0.1)\n"
    "  --port N               port (default 8000; 0 picks a free one)\n"
    "  --threads N            worker threads (default: the number of cores; at most 64)\n"
    "  --web DIR              serve the web app from DIR (e.g. web/dist)\n"
    "  --allow-origin ORIGIN  send CORS headers for ORIGIN (off by default)\n"
    "  --log                  one line per request on stderr\n"
    "  --port-file FILE       write the bound port to FILE once listening\n"
    "  --db FILE              answer /api/model-count/* from this model-count database\n"
    "                         (docs/tracking.md; created when missing)\n"
    "  --allow-record         let POST /api/model-count/record poll the Hub (off by default)\n"
    "  --hub URL              the Hub that /record polls (default https://huggingface.co)\n"
    "  --model-dir DIR        the model folder a map built with --embedder bert used:\n"
    "                         semantic search embeds queries with it\n"
    "  -h, --help             this text\n";

static int parse_uint(const char *opt, const char *v, long lo, long hi, long *out) {
    char *end;
    long x = strtol(v, &end, 10);
    if (!*v || *end || x < lo || x > hi) {
        fprintf(stderr, "hfviz serve: %s must be an integer in %ld..%ld, got '%s'\n", opt, lo, hi, v);
        return -1;
    }
    *out = x;
    return 0;
}

int cmd_serve(int argc, char **argv) {
    hv_serve_opts o;
    memset(&o, 0, sizeof o);
    o.host = "127.0.0.1";
    o.port = 8000;
    static const struct option longopts[] = {
        {"host", required_argument, NULL, 'H'},    {"port", required_argument, NULL, 'p'},
        {"threads", required_argument, NULL, 't'}, {"web", required_argument, NULL, 'w'},
        {"allow-origin", required_argument, NULL, 'a'}, {"log", no_argument, NULL, 'l'},
        {"port-file", required_argument, NULL, 'P'}, {"help", no_argument, NULL, 'h'},
        {"db", required_argument, NULL, 'd'},      {"allow-record", no_argument, NULL, 'R'},
        {"hub", required_argument, NULL, 'u'},    {"model-dir", required_argument, NULL, 'M'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    long v;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'H': o.host = optarg; break;
        case 'p':
            if (parse_uint("--port", optarg, 0, 65535, &v)) return 64;
            o.port = (uint16_t)v;
            break;
        case 't':
            if (parse_uint("--threads", optarg, 1, SERVE_MAX_THREADS, &v)) return 64;
            o.threads = (int)v;
            break;
        case 'w': o.web_dir = optarg; break;
        case 'a': o.allow_origin = optarg; break;
        case 'l': o.log_requests = true; break;
        case 'P': o.port_file = optarg; break;
        case 'd': o.db_path = optarg; break;
        case 'R': o.allow_record = true; break;
        case 'M': o.model_dir = optarg; break;
        case 'u':
            if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0) {
                fprintf(stderr, "hfviz serve: --hub must be an http:// or https:// URL, got '%s'\n", optarg);
                return 64;
            }
            o.hub = optarg;
            break;
        case 'h': fputs(USAGE, stdout); return 0;
        default: fputs(USAGE, stderr); return 64;
        }
    }
    if (optind != argc - 1) {
        fputs(USAGE, stderr);
        return 64;
    }
    o.map_path = argv[optind];
    if ((o.allow_record || o.hub) && !o.db_path) {
        fprintf(stderr, "hfviz serve: --allow-record and --hub need --db FILE\n");
        return 64;
    }
    hv_err e = {0, ""};
    hv_server *s = malloc(sizeof *s);
    if (!s) return 1;
    double t0 = hv_now();
    int rc = server_open(s, &o, &e);
    if (rc) {
        fprintf(stderr, "hfviz serve: %s\n", e.msg);
        server_close(s);
        free(s);
        return hv_exit_status(rc);
    }
    fprintf(stderr, "hfviz serve: map opened in %.0f ms\n", (hv_now() - t0) * 1e3);
    rc = serve_run(s, &e);
    if (rc) fprintf(stderr, "hfviz serve: %s\n", e.msg);
    server_close(s);
    free(s);
    return hv_exit_status(rc);
}
