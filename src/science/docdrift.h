/* docdrift.h - documentation drift from parent to child
 * (paper-analyses.md §2.4, §3.6), over the edges of the chosen relations:
 *  - card length in characters, on edges where both ends have a card: the
 *    parent mean, the child mean and their difference (the change of means;
 *    the mean of per-edge relative changes is also given, as the pitfall the
 *    notes describe, over edges whose parent card is not empty);
 *  - P(auto-generated card), on edges where both ends have a card;
 *  - P(has card), over all edges;
 *  - number of languages, on edges where both list at least one, and over
 *    all edges (zeros included);
 * overall, by relation (the edge's type) and by generation (the child's
 * depth in the graph of the chosen relations: 1 .. SCI_GEN_MAX-1, then
 * SCI_GEN_MAX for "that deep or deeper"; 0 holds children on a parent cycle).
 *
 * With a family (opts.family), only the edges inside that family (the
 * weakly connected component of opts.family_row under the chosen relations)
 * are counted, and a generation profile of the family is added: for every
 * depth 0..max, its models, the share with an incoming edge of each
 * relation, the share English-only (languages == ["English"]), with a card,
 * with an auto-generated card (of those with one) and the mean card length
 * (of those with one). */
#ifndef HV_SCI_DOCDRIFT_H
#define HV_SCI_DOCDRIFT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/jsonw.h"
#include "science/view.h"

#define SCI_GEN_MAX 10

typedef struct sci_means {
    uint64_t n;
    double parent_sum, child_sum;
} sci_means;

static inline double sci_mean_parent(const sci_means *m) { return m->n ? m->parent_sum / (double)m->n : 0.0; }
static inline double sci_mean_child(const sci_means *m) { return m->n ? m->child_sum / (double)m->n : 0.0; }

typedef struct sci_docgroup {
    uint64_t edges;
    sci_means card_chars, autogen; /* both have a card */
    sci_means has_card;            /* every edge */
    sci_means langs_both, langs_all;
    double rel_change_sum;         /* sum of (child - parent) / parent over card_chars edges with parent > 0 */
    uint64_t rel_change_n;
} sci_docgroup;

typedef struct sci_docdrift_opts {
    unsigned mask; /* default SCI_REL_ALL (the notebook's full graph) */
    bool family;         /* restrict to the family of family_row, add the profile */
    uint32_t family_row;
} sci_docdrift_opts;

/* One depth of a family's generation profile. */
typedef struct sci_genprofile {
    uint64_t models;
    uint64_t incoming[HV_REL_COUNT]; /* models with at least one incoming edge of the relation */
    uint64_t english_only, with_card, auto_generated;
    double card_chars_sum;           /* over models with a card */
} sci_genprofile;

typedef struct sci_docdrift {
    sci_docdrift_opts opts;
    sci_docgroup overall;
    sci_docgroup by_rel[HV_REL_COUNT];
    sci_docgroup by_gen[SCI_GEN_MAX + 1];
    uint32_t max_gen; /* highest generation bucket with an edge */
    /* with opts.family: the family and its profile (freed by sci_docdrift_free) */
    uint32_t family_root, family_size, family_depth; /* depth: the deepest member */
    uint64_t family_in_cycles;
    sci_genprofile *profile; /* family_depth + 1 entries */
} sci_docdrift;

int sci_docdrift_run(const hv_sci_view *v, const sci_docdrift_opts *o, sci_docdrift *out, hv_err *e);
void sci_docdrift_free(sci_docdrift *d);
void sci_docdrift_json(const hv_sci_view *v, const sci_docdrift *d, hv_jw *w);

#endif
