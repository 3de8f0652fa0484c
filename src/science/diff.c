/* diff.c - edit-distance DP with traceback into segments. */
#include "science/diff.h"

#include <stdlib.h>
#include <string.h>

const char *sci_seg_name(sci_seg_op op) {
    static const char *const N[] = {"equal", "replace", "delete", "insert"};
    return op <= SCI_SEG_INSERT ? N[op] : "?";
}

size_t sci_prefix_bytes(hv_sv s, size_t max_chars) {
    size_t i = 0, c = 0;
    while (i < s.n && c < max_chars) {
        i++;
        while (i < s.n && ((unsigned char)s.p[i] & 0xC0) == 0x80) i++;
        c++;
    }
    return i;
}

/* Code points (as byte offsets of their starts) of s; off[count] = s.n.
 * A symbol is compared by its bytes. */
static size_t split(hv_sv s, size_t *off) {
    size_t n = 0;
    for (size_t i = 0; i < s.n;) {
        off[n++] = i;
        i++;
        while (i < s.n && ((unsigned char)s.p[i] & 0xC0) == 0x80) i++;
    }
    off[n] = s.n;
    return n;
}

static bool same(hv_sv a, const size_t *ao, size_t i, hv_sv b, const size_t *bo, size_t j) {
    size_t la = ao[i + 1] - ao[i], lb = bo[j + 1] - bo[j];
    return la == lb && !memcmp(a.p + ao[i], b.p + bo[j], la);
}

void sci_diff_free(sci_diff *d) {
    if (!d) return;
    free(d->segs);
    memset(d, 0, sizeof *d);
}

enum { DIAG = 0, UP = 1, LEFT = 2 }; /* UP: delete a[i-1]; LEFT: insert b[j-1] */

int sci_diff_run(hv_sv a, hv_sv b, sci_diff *out, hv_err *e) {
    memset(out, 0, sizeof *out);
    size_t *ao = malloc((a.n + 1) * sizeof *ao), *bo = malloc((b.n + 1) * sizeof *bo);
    if (!ao || !bo) { free(ao); free(bo); return hv_errf(e, HV_ENOMEM, "out of memory"); }
    size_t m = split(a, ao), n = split(b, bo);
    out->a_chars = m;
    out->b_chars = n;
    if (m > SCI_DIFF_MAX || n > SCI_DIFF_MAX) {
        free(ao); free(bo);
        return hv_errf(e, HV_EUSAGE, "diff: texts are limited to %d characters (got %zu and %zu)", SCI_DIFF_MAX, m, n);
    }
    size_t w = n + 1;
    uint8_t *dir = malloc((m + 1) * w);
    uint32_t *prev = malloc(w * sizeof *prev), *cur = malloc(w * sizeof *cur);
    sci_diff_seg *segs = malloc((m + n + 1) * sizeof *segs);
    if (!dir || !prev || !cur || !segs) {
        free(ao); free(bo); free(dir); free(prev); free(cur); free(segs);
        return hv_errf(e, HV_ENOMEM, "out of memory");
    }
    for (size_t j = 0; j <= n; j++) { prev[j] = (uint32_t)j; dir[j] = LEFT; }
    for (size_t i = 1; i <= m; i++) {
        cur[0] = (uint32_t)i;
        dir[i * w] = UP;
        for (size_t j = 1; j <= n; j++) {
            uint32_t d = prev[j - 1] + !same(a, ao, i - 1, b, bo, j - 1), u = prev[j] + 1, l = cur[j - 1] + 1;
            uint8_t k = DIAG;
            uint32_t best = d;
            if (u < best) { best = u; k = UP; }
            if (l < best) { best = l; k = LEFT; }
            cur[j] = best;
            dir[i * w + j] = k;
        }
        uint32_t *t = prev; prev = cur; cur = t;
    }
    out->distance = prev[n];
    /* traceback, collecting one op per step from the end, then merged */
    size_t i = m, j = n, ns = 0;
    while (i > 0 || j > 0) {
        uint8_t k = i == 0 ? LEFT : j == 0 ? UP : dir[i * w + j];
        sci_diff_seg s;
        if (k == DIAG) {
            s.op = same(a, ao, i - 1, b, bo, j - 1) ? SCI_SEG_EQUAL : SCI_SEG_REPLACE;
            s.a_off = ao[i - 1]; s.a_len = ao[i] - ao[i - 1];
            s.b_off = bo[j - 1]; s.b_len = bo[j] - bo[j - 1];
            i--; j--;
        } else if (k == UP) {
            s.op = SCI_SEG_DELETE;
            s.a_off = ao[i - 1]; s.a_len = ao[i] - ao[i - 1];
            s.b_off = bo[j]; s.b_len = 0;
            i--;
        } else {
            s.op = SCI_SEG_INSERT;
            s.a_off = ao[i]; s.a_len = 0;
            s.b_off = bo[j - 1]; s.b_len = bo[j] - bo[j - 1];
            j--;
        }
        /* steps arrive backwards: extend the previous segment leftwards */
        if (ns && segs[ns - 1].op == s.op) {
            sci_diff_seg *p = &segs[ns - 1];
            p->a_len += s.a_len;
            if (s.a_len) p->a_off = s.a_off;
            p->b_len += s.b_len;
            if (s.b_len) p->b_off = s.b_off;
        } else {
            segs[ns++] = s;
        }
    }
    for (size_t k = 0; k < ns / 2; k++) {
        sci_diff_seg t = segs[k];
        segs[k] = segs[ns - 1 - k];
        segs[ns - 1 - k] = t;
    }
    out->segs = segs;
    out->nsegs = ns;
    free(ao); free(bo); free(dir); free(prev); free(cur);
    return HV_OK;
}
