/* diff.h - a character-level alignment of two texts (the paper's "DNA diff",
 * paper-analyses.md §2.8): the edit-distance DP over code points with a
 * traceback into segments of equal, replaced, deleted and inserted text.
 * Ties in the traceback prefer the diagonal (equal or replace), then a
 * deletion, then an insertion.  Memory is one byte per DP cell, so each
 * text is bounded (SCI_DIFF_MAX code points). */
#ifndef HV_SCI_DIFF_H
#define HV_SCI_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/jsonw.h"
#include "core/sv.h"

#define SCI_DIFF_MAX 10000

typedef enum { SCI_SEG_EQUAL = 0, SCI_SEG_REPLACE, SCI_SEG_DELETE, SCI_SEG_INSERT } sci_seg_op;

typedef struct sci_diff_seg {
    sci_seg_op op;
    size_t a_off, a_len; /* bytes of a (empty for an insertion) */
    size_t b_off, b_len; /* bytes of b (empty for a deletion) */
} sci_diff_seg;

typedef struct sci_diff {
    sci_diff_seg *segs;
    size_t nsegs;
    uint64_t distance;
    size_t a_chars, b_chars;
} sci_diff;

const char *sci_seg_name(sci_seg_op op); /* "equal", "replace", "delete", "insert" */

/* HV_EUSAGE when a text has more than SCI_DIFF_MAX code points. */
int sci_diff_run(hv_sv a, hv_sv b, sci_diff *out, hv_err *e);
void sci_diff_free(sci_diff *d);

/* The JSON of a diff of texts a and b (what `hfviz analyze diff --json` and
 * /api/analyze/diff send). */
void sci_diff_json(const sci_diff *d, const char *artifact, hv_sv id_a, hv_sv id_b, hv_sv a, hv_sv b, bool truncated,
                   hv_jw *w);

/* The first max_chars code points of s (byte length). */
size_t sci_prefix_bytes(hv_sv s, size_t max_chars);

#endif
