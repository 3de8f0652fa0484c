/* api_static.c - the web app's files (web/dist), confined to the web root.
 *
 * A path is served only when (1) it is made of plain segments: no "..",
 * no ".", no empty segment, no backslash, no "%" left after decoding (an
 * encoded NUL stays "%00", see http.c), no control bytes; and (2) the file's
 * realpath (symlinks resolved) still lies inside the web root's realpath.
 * Hidden files (a segment starting with '.') are refused.  Paths without a
 * file extension that match no file get index.html, so the app's client-side
 * routes load.  "x.gz" is sent for "x" when the client accepts gzip and the
 * build made one (Content-Encoding: gzip, the original's Content-Type). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serve/serve_int.h"

typedef struct mime {
    const char *ext, *type;
} mime;

static const mime MIMES[] = {
    {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
    {".json", "application/json"}, {".map", "application/json"},
    {".svg", "image/svg+xml"}, {".png", "image/png"}, {".jpg", "image/jpeg"},
    {".ico", "image/x-icon"}, {".woff2", "font/woff2"}, {".woff", "font/woff"},
    {".txt", "text/plain; charset=utf-8"}, {".wasm", "application/wasm"},
    {".webmanifest", "application/manifest+json"},
};

static const char *mime_of(const char *path) {
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash)) return "application/octet-stream";
    for (size_t i = 0; i < sizeof MIMES / sizeof MIMES[0]; i++)
        if (strcasecmp(dot, MIMES[i].ext) == 0) return MIMES[i].type;
    return "application/octet-stream";
}

/* Syntactic check of the decoded URL path. */
static bool path_ok(const char *p) {
    if (p[0] != '/') return false;
    size_t n = strlen(p);
    if (n > 1024) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 || c == 0x7f || c == '\\' || c == '%') return false;
    }
    for (const char *seg = p + 1; *seg;) {
        const char *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        if (len == 0 && end) return false;           /* "//" */
        if (len && seg[0] == '.') return false;      /* ".", "..", hidden files */
        if (!end) break;
        seg = end + 1;
    }
    return true;
}

/* Open root + rel if it is a regular file whose realpath lies in the root. */
static int open_inside(const hv_server *s, const char *rel, struct stat *st) {
    char full[PATH_MAX], real[PATH_MAX];
    int k = snprintf(full, sizeof full, "%s%s", s->web_root, rel);
    if (k < 0 || (size_t)k >= sizeof full) return -1;
    if (!realpath(full, real)) return -1;
    size_t rl = strlen(s->web_root);
    if (strncmp(real, s->web_root, rl) != 0 || real[rl] != '/') return -1;
    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return -1;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

static void send_file(const hv_server *s, const hv_req *rq, hv_resp *rs, const char *rel) {
    struct stat st;
    int fd = -1;
    char gzrel[1100];
    if (rq->accept_gzip && snprintf(gzrel, sizeof gzrel, "%s.gz", rel) < (int)sizeof gzrel &&
        (fd = open_inside(s, gzrel, &st)) >= 0)
        rs->gzipped = true;
    else
        fd = open_inside(s, rel, &st);
    if (fd < 0) {
        rs->gzipped = false;
        resp_error(rs, 404, "not found", "no file %.200s", rq->path);
        return;
    }
    rs->status = 200;
    rs->fd = fd;
    rs->fd_len = (uint64_t)st.st_size;
    rs->type = mime_of(rel);
    rs->no_gzip = !rs->gzipped; /* files are not compressed on the fly */
    snprintf(rs->etag, sizeof rs->etag, "\"%llx-%llx%s\"", (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtime, rs->gzipped ? "-gz" : "");
    /* Vite names assets by content hash: cache them for good */
    rs->cache = strncmp(rel, "/assets/", 8) == 0 ? "public, max-age=31536000, immutable" : "no-cache";
}

void api_static(hv_server *s, const hv_req *rq, hv_resp *rs) {
    if (!s->web_root[0]) {
        resp_error(rs, 404, "no web app", "this server runs without --web; the API is under /api (GET /api lists it)");
        return;
    }
    const char *p = rq->path;
    if (!path_ok(p)) {
        resp_error(rs, 400, "bad path", "paths are plain segments inside the web root");
        return;
    }
    if (strcmp(p, "/") == 0) {
        send_file(s, rq, rs, "/index.html");
        return;
    }
    send_file(s, rq, rs, p);
    if (rs->status == 404) {
        /* a client-side route: no extension in the last segment */
        const char *last = strrchr(p, '/');
        if (!strchr(last, '.')) {
            resp_free(rs);
            resp_init(rs);
            send_file(s, rq, rs, "/index.html");
        }
    }
}
