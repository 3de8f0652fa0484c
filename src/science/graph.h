/* graph.h - the family structure of a science view over a set of relations:
 * degrees, families (weakly connected components), depth (longest path from
 * a root) and each family's root.
 *
 * The same definitions as src/lineage/ (which works on a catalog before the
 * map exists), computed here from the view so an analysis can pick any
 * relation set on a catalog or a map alike. */
#ifndef HV_SCI_GRAPH_H
#define HV_SCI_GRAPH_H

#include <stdint.h>

#include "science/view.h"

typedef struct sci_graph {
    uint32_t n;
    unsigned mask;
    uint64_t nedges;          /* edges whose type is in mask */
    uint32_t *indeg, *outdeg; /* within mask */
    uint32_t *depth;          /* longest path from a root; 0 on or below a cycle */
    uint32_t *family;         /* dense family id per row (singletons too) */
    uint32_t nfamilies;
    uint32_t *family_size;
    uint32_t *family_root;    /* in-degree-0 member with most children (lowest row on ties) */
    uint32_t max_depth;
    uint64_t in_cycles;
} sci_graph;

static inline int sci_edge_in(unsigned mask, const hv_edge *ed) { return (int)((mask >> ed->type) & 1u); }

int sci_graph_build(const hv_sci_view *v, unsigned mask, sci_graph *g, hv_err *e);
void sci_graph_free(sci_graph *g);

#endif
