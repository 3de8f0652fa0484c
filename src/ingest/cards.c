/* cards.c - model cards as files: one README.md, or a folder of
 * <owner>__<name>.md files (the way the real tree crawl stores them), or a
 * folder of <owner>__<name>/README.md folders (a Hub snapshot layout).
 *
 * The model id is in the file name because a card's text does not name its
 * model; "__" stands for "/" since ids contain a slash and file names
 * cannot. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/ingest.h"

/* The longest real card is a few MB; a bigger .md is not a model card. */
#define CARD_MAX_BYTES ((size_t)64 << 20)

/* "<owner>__<name>" -> "<owner>/<name>" into out (NUL-terminated).  The
 * tree crawler also saved cards of ids it had as URLs, with every '/'
 * written as "__" ("https:____huggingface.co__<owner>__<name>"): those
 * become the id the URL names. */
static hv_sv id_from_name(const char *name, size_t n, char *out, size_t cap) {
    if (n >= cap) n = cap - 1;
    memcpy(out, name, n);
    out[n] = 0;
    bool url = strncmp(out, "https:__", 8) == 0 || strncmp(out, "http:__", 7) == 0;
    for (char *sep = strstr(out, "__"); sep; sep = url ? strstr(sep + 1, "__") : NULL) {
        sep[0] = '/';
        memmove(sep + 1, sep + 2, strlen(sep + 2) + 1);
        n--;
    }
    return hv_sv_make(out, n); /* the catalog turns a URL into the id it names */
}

static bool is_md(const char *name) {
    size_t n = strlen(name);
    return n > 3 && strcasecmp(name + n - 3, ".md") == 0;
}

/* Read the card at path (bounded) into *text. */
static int read_card(const char *path, char **text, size_t *n, hv_err *e) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return hv_errf(e, HV_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return hv_errf(e, HV_EIO, "%s: %s", path, strerror(errno));
    }
    if ((uint64_t)st.st_size > CARD_MAX_BYTES) {
        close(fd);
        return hv_errf(e, HV_EINPUT, "%s: card of %lld bytes (limit %zu)", path, (long long)st.st_size, CARD_MAX_BYTES);
    }
    size_t len = (size_t)st.st_size, got = 0;
    char *buf = malloc(len + 1);
    if (!buf) {
        close(fd);
        return hv_errf(e, HV_ENOMEM, "out of memory");
    }
    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            int rc = r < 0 ? hv_errf(e, HV_EIO, "%s: %s", path, strerror(errno))
                           : hv_errf(e, HV_EIO, "%s: file shrank while reading", path);
            free(buf);
            close(fd);
            return rc;
        }
        got += (size_t)r;
    }
    close(fd);
    buf[len] = 0;
    *text = buf;
    *n = len;
    return HV_OK;
}

/* One card file with a known id.  Failures are row-level (HV_EINPUT) or
 * fatal (anything else). */
static int add_card(hv_catalog *c, const char *file, hv_sv id, hv_ingest_report *rep, bool count_bytes, hv_err *e) {
    char *text = NULL;
    size_t n = 0;
    int rc = read_card(file, &text, &n, e);
    if (rc == HV_EIO) e->code = rc = HV_EINPUT; /* an unreadable card is one bad row, not a failed build */
    if (rc) return rc;
    if (count_bytes) rep->bytes += n; /* a folder has no size of its own */
    rc = catalog_add_card(c, id, hv_sv_make(text, n), e);
    if (rc == HV_EINPUT) hv_err_prefix(e, "%s: ", file);
    if (rc == HV_OK) rep->rows_added++;
    free(text);
    return rc;
}

/* The basename of the folder that holds path ("a/b__c/README.md" -> "b__c"). */
static hv_sv parent_name(const char *path, char *tmp, size_t cap) {
    char *abs = realpath(path, NULL);
    const char *p = abs ? abs : path;
    snprintf(tmp, cap, "%s", p);
    free(abs);
    char *slash = strrchr(tmp, '/');
    if (!slash) return hv_sv_make("", 0);
    *slash = 0;
    slash = strrchr(tmp, '/');
    return hv_sv_cstr(slash ? slash + 1 : tmp);
}

static int single_file(hv_catalog *c, const char *path, const hv_ingest_opts *o, hv_ingest_report *rep, hv_err *e) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char idbuf[PATH_MAX];
    hv_sv id;
    rep->rows++;
    if (strcasecmp(base, "README.md") == 0) {
        char tmp[PATH_MAX];
        hv_sv dir = parent_name(path, tmp, sizeof tmp);
        if (!memmem(dir.p, dir.n, "__", 2))
            return hv_errf(e, HV_EINPUT,
                           "%s: cannot tell which model this README.md belongs to: put it in a folder named "
                           "<owner>__<name>, or rename it <owner>__<name>.md",
                           path);
        id = id_from_name(dir.p, dir.n, idbuf, sizeof idbuf);
    } else {
        id = id_from_name(base, strlen(base) - 3, idbuf, sizeof idbuf);
    }
    int rc = add_card(c, path, id, rep, false, e);
    if (rc == HV_EINPUT) return ingest_bad_row(o, rep, rep->rows, e);
    return rc;
}

static int folder(hv_catalog *c, const char *path, const hv_ingest_opts *o, hv_ingest_report *rep, hv_err *e) {
    struct dirent **ents = NULL;
    /* sorted, so a folder loads the same way on every machine */
    int n = scandir(path, &ents, NULL, alphasort);
    if (n < 0) return hv_errf(e, HV_EIO, "%s: %s", path, strerror(errno));
    int rc = HV_OK;
    char file[PATH_MAX], idbuf[PATH_MAX];
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        if (rc || name[0] == '.') continue;
        snprintf(file, sizeof file, "%s/%s", path, name);
        struct stat st;
        if (stat(file, &st) != 0) continue;
        hv_sv id;
        if (S_ISDIR(st.st_mode)) {
            /* <owner>__<name>/README.md; other folders are not cards */
            if (!strstr(name, "__")) continue;
            snprintf(file, sizeof file, "%s/%s/README.md", path, name);
            if (access(file, R_OK) != 0) continue;
            id = id_from_name(name, strlen(name), idbuf, sizeof idbuf);
        } else if (S_ISREG(st.st_mode) && is_md(name)) {
            if (strcasecmp(name, "README.md") == 0) continue; /* the folder's own readme, not a model's */
            id = id_from_name(name, strlen(name) - 3, idbuf, sizeof idbuf);
        } else {
            continue;
        }
        rep->rows++;
        rc = add_card(c, file, id, rep, true, e);
        if (rc == HV_EINPUT) rc = ingest_bad_row(o, rep, rep->rows, e);
    }
    for (int i = 0; i < n; i++) free(ents[i]);
    free(ents);
    /* a folder with no card in it is almost always the wrong folder */
    if (rc == HV_OK && rep->rows == 0)
        rc = hv_errf(e, HV_EINPUT, "%s: a folder, but no model cards in it (<owner>__<name>.md files or "
                     "<owner>__<name>/README.md folders)", path);
    return rc;
}

int ingest_cards(hv_catalog *c, const char *path, const hv_ingest_opts *o, hv_ingest_report *rep, hv_err *e) {
    hv_ingest_opts def = {0};
    if (!o) o = &def;
    struct stat st;
    if (stat(path, &st) != 0) return hv_errf(e, HV_EIO, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode)) return folder(c, path, o, rep, e);
    return single_file(c, path, o, rep, e);
}
