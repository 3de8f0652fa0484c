/* similarity.h - "genetic" similarity between related models
 * (paper-analyses.md §2.1).
 *
 * Pairs of models are drawn by local pattern of the graph over the chosen
 * relations (default fine-tune only, the paper's aug4 figures), each
 * pattern instance with probability proportional to its multiplicity:
 *   rando   any two distinct models                         (uniform)
 *   duo     an edge u->v                                    (uniform)
 *   trio_1  a parent with k >= 2 children, two of them       C(k,2)
 *   trio_2  u->v->w                                          outdeg(v) per edge u->v
 *   quad_0  a parent with k >= 3 children, three of them     C(k,3)
 *   quad_1  u->v, w and x two children of v                  C(outdeg v, 2)
 *   quad_2  u->v->w and x != v another child of u            outdeg(v) (outdeg(u) - 1)
 *   quad_3  t->u->v->w                                       outdeg(v) per edge u->v with indeg(u) > 0
 * Each of the 24 configurations (a pair inside a pattern: parent-child,
 * siblings, grandparent, uncle-nephew, ...) is drawn `samples` times on
 * its own.  Each pair is compared on one artifact (simtext.h) with the three
 * measures; a card pair is kept only when both cards qualify.  Statistic:
 * the mean per configuration and measure, with a 95% percentile-bootstrap
 * interval (`bootstrap` resamples of the pair list; numpy's linear
 * percentile). */
#ifndef HV_SCI_SIMILARITY_H
#define HV_SCI_SIMILARITY_H

#include <stdbool.h>
#include <stdint.h>

#include "catalog/cardstore.h"
#include "core/jsonw.h"
#include "science/view.h"

#define SCI_SIM_PATTERNS 8
#define SCI_SIM_CONFIGS 24
#define SCI_SIM_MEASURES 3 /* levenshtein, bow, tfidf */

typedef enum { SCI_ART_METADATA = 0, SCI_ART_CARD } sci_artifact;

typedef struct sci_sim_config {
    const char *pattern;
    int config;           /* 1-based, as the paper numbers them */
    const char *relation; /* "parent-child", "siblings", ... */
    int generation_gap, hops; /* -1 for the random pair */
} sci_sim_config;

extern const sci_sim_config SCI_SIM_TABLE[SCI_SIM_CONFIGS];
extern const char *const SCI_SIM_MEASURE_NAMES[SCI_SIM_MEASURES];

typedef struct sci_similarity_opts {
    unsigned mask;          /* default SCI_REL_FINETUNE */
    sci_artifact artifact;
    bool strip_ids;         /* metadata: drop own id and base_model: tags */
    bool drop_frontmatter;  /* card: drop the YAML front matter first */
    uint32_t samples;       /* draws per configuration, 1..100000 (default 1000) */
    uint32_t bootstrap;     /* resamples, 0..100000 (default 1000) */
    uint64_t seed;
    uint32_t fit_max;       /* documents the vocabulary is fit on, 1000..10^7 (default 200000) */
    hv_cardstore *cards;    /* card text (needed for SCI_ART_CARD) */
} sci_similarity_opts;

void sci_similarity_defaults(sci_similarity_opts *o);
/* The pattern (0..SCI_SIM_PATTERNS-1) of configuration c of SCI_SIM_TABLE. */
int sci_sim_pattern_of(int c);

typedef struct sci_sim_stat {
    uint64_t n;
    double mean, lo, hi;
} sci_sim_stat;

typedef struct sci_similarity {
    sci_similarity_opts opts;
    uint64_t eligible_docs, fit_docs; /* documents that qualify; those the vocabulary saw */
    uint32_t features;
    uint64_t instances[SCI_SIM_PATTERNS]; /* pattern multiplicities (n_total) */
    uint64_t drawn[SCI_SIM_CONFIGS], pairs[SCI_SIM_CONFIGS];
    sci_sim_stat stat[SCI_SIM_CONFIGS][SCI_SIM_MEASURES];
} sci_similarity;

int sci_similarity_run(const hv_sci_view *v, const sci_similarity_opts *o, sci_similarity *out, hv_err *e);
void sci_similarity_json(const hv_sci_view *v, const sci_similarity *s, hv_jw *w);

/* The percentile bootstrap interval of the mean of x[0..n) (exposed for tests). */
void sci_bootstrap_ci(const double *x, uint64_t n, uint32_t resamples, uint64_t seed, double *lo, double *hi);

#endif
