/* families.h - `hfviz analyze ... families`: roots, families, size and depth
 * distributions, the largest families, fertility per relation, and growth
 * per month with burst detection (../shared/docs/paper-analyses.md §1.5,
 * §2.5).
 *
 * Definitions (docs/science.md):
 *  - family: weakly connected component of the graph over opts.mask with at
 *    least 2 models; root: in-degree 0 and at least one child; a family is
 *    named by its root with the most children;
 *  - depth: longest path from a root (generation);
 *  - fertility of relation R: of the edges of type R (whatever the mask),
 *    how many have a child that has a child of its own in the mask graph;
 *  - growth: models of a family created per calendar month (UTC), and the
 *    running total; rows without createdAt are counted as undated;
 *  - burst: a month whose additions are >= burst_min and >= burst_factor
 *    times the mean of the family's previous burst_window months (at least 1). */
#ifndef HV_SCI_FAMILIES_H
#define HV_SCI_FAMILIES_H

#include <stdint.h>

#include "core/jsonw.h"
#include "science/view.h"

#define SCI_TOP_MAX 1000
#define SCI_SIZE_BUCKETS 32 /* [2], [3,4], [5,8], ... [2^31+1, 2^32) */

typedef struct sci_families_opts {
    unsigned mask;        /* default SCI_REL_NOMERGE */
    uint32_t top;         /* largest families listed, with their growth (1..SCI_TOP_MAX) */
    uint32_t burst_min;   /* >= 1 */
    double burst_factor;  /* >= 1 */
    uint32_t burst_window;/* months, 1..120 */
} sci_families_opts;

void sci_families_defaults(sci_families_opts *o);

typedef struct sci_family_entry {
    uint32_t family, root, size, max_depth;
    uint32_t roots; /* members with in-degree 0 (more than one: a merge or multi-parent family) */
} sci_family_entry;

typedef struct sci_month {
    int32_t month; /* year * 12 + (month - 1) */
    uint64_t added, cumulative;
} sci_month;

typedef struct sci_growth {
    uint32_t family, root;
    sci_month *months;
    size_t nmonths;
    uint64_t undated;
} sci_growth;

typedef struct sci_burst {
    uint32_t family, root;
    int32_t month;
    uint64_t added, before; /* models of the family dated before this month */
    double baseline;        /* mean additions over the previous window */
} sci_burst;

typedef struct sci_families {
    sci_families_opts opts;
    uint32_t n;
    uint64_t edges, with_parent, roots, families, in_families, in_cycles;
    uint32_t max_depth, largest_size, median_size;
    double mean_size;
    uint64_t size_hist[SCI_SIZE_BUCKETS];
    uint64_t *models_at_depth;    /* max_depth + 1 entries: models in families by depth */
    uint64_t *families_by_depth;  /* max_depth + 1 entries: families by their max depth */
    sci_family_entry *largest;
    size_t nlargest;
    uint64_t fert_edges[HV_REL_COUNT], fert_fertile[HV_REL_COUNT];
    sci_growth *growth; /* one per largest family */
    sci_month *all_months; /* every dated model, per month */
    size_t nall_months;
    uint64_t undated;
    sci_burst *bursts; /* by additions, at most opts.top */
    size_t nbursts;
    uint64_t bursts_total;
} sci_families;

int sci_families_run(const hv_sci_view *v, const sci_families_opts *o, sci_families *out, hv_err *e);
void sci_families_free(sci_families *f);
void sci_families_json(const hv_sci_view *v, const sci_families *f, hv_jw *w);

/* The calendar month (year * 12 + month - 1) of an epoch second, UTC, and
 * its "YYYY-MM" text (out holds at least 24 bytes). */
int32_t sci_month_of(int64_t t);
void sci_month_text(int32_t month, char *out);

#endif
