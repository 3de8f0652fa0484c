/* license.h - the license-inheritance audit: children whose license is less
 * restrictive than a commercial or non-commercial parent's.
 *
 * Restrictiveness classes (one table, license.c; docs/science.md), from most
 * to least restrictive:
 *   4 non-commercial  cc-by-nc-*  (no commercial use at all)
 *   3 commercial      the vendor licenses: llama2, llama3, llama3.1-3.3,
 *                     llama4, gemma (use policies, redistribution terms)
 *   2 use-restricted  the RAIL family: openrail, openrail++,
 *                     creativeml-openrail-m, bigscience-*-rail/openrail-m, ...
 *   1 copyleft        gpl-*, agpl-*, lgpl-*, cc-by-sa-*, ...
 *   0 permissive      apache-2.0, mit, bsd-*, cc-by-4.0, cc0-1.0, unlicense, ...
 * Anything else ("other", "unknown", unlisted names) is unclassified.
 *
 * An edge (of the chosen relations) is judged when the parent's most
 * restrictive classified license is commercial or non-commercial and the
 * child has a classified license; it is flagged when the child's most
 * restrictive class is lower than the parent's (e.g. gemma -> apache-2.0,
 * cc-by-nc-4.0 -> mit).  Families are the weakly connected components of
 * the no-merge graph (merges join unrelated families). */
#ifndef HV_SCI_LICENSE_H
#define HV_SCI_LICENSE_H

#include <stdint.h>

#include "core/jsonw.h"
#include "science/view.h"

enum {
    SCI_LIC_UNCLASSIFIED = -1,
    SCI_LIC_PERMISSIVE = 0,
    SCI_LIC_COPYLEFT,
    SCI_LIC_USE_RESTRICTED,
    SCI_LIC_COMMERCIAL,
    SCI_LIC_NONCOMMERCIAL,
    SCI_LIC_NCLASSES
};

int sci_license_class(hv_sv license);      /* SCI_LIC_* */
const char *sci_license_class_name(int c); /* "permissive", ..., "unclassified" */

typedef struct sci_license_opts {
    unsigned mask; /* default SCI_REL_ALL */
    uint32_t top;  /* families and flows listed, 1..SCI_TOP_MAX */
    uint32_t limit;/* pairs kept, 0..1e6 */
} sci_license_opts;

void sci_license_defaults(sci_license_opts *o);

typedef struct sci_license_flow {
    uint32_t from, to; /* license string ids: parent's and child's deciding licenses */
    uint64_t count;
} sci_license_flow;

typedef struct sci_license_family {
    uint32_t family, root, size;
    uint64_t judged, flagged;
} sci_license_family;

typedef struct sci_license_audit {
    sci_license_opts opts;
    uint64_t edges;              /* edges of the chosen relations */
    uint64_t restrictive_parent; /* ... whose parent is commercial or non-commercial */
    uint64_t child_none;         /* ... and the child lists no license */
    uint64_t child_unclassified; /* ... or only unclassified ones */
    uint64_t judged, flagged;
    uint64_t judged_by_class[SCI_LIC_NCLASSES], flagged_by_class[SCI_LIC_NCLASSES]; /* parent class */
    uint64_t judged_by_rel[HV_REL_COUNT], flagged_by_rel[HV_REL_COUNT];
    sci_license_flow *flows; /* flagged edges by (parent license, child license), by count */
    size_t nflows;
    sci_license_family *families; /* families with a judged edge, by flagged then judged */
    size_t nfamilies, nfamilies_judged, nfamilies_flagged;
    uint64_t *pairs; /* flagged edge indices, in edge order, at most opts.limit */
    size_t npairs;
} sci_license_audit;

int sci_license_run(const hv_sci_view *v, const sci_license_opts *o, sci_license_audit *out, hv_err *e);
void sci_license_free(sci_license_audit *a);
void sci_license_json(const hv_sci_view *v, const sci_license_audit *a, hv_jw *w);

/* The deciding license of a row: its most restrictive classified license
 * (string id; 0 and *cls = SCI_LIC_UNCLASSIFIED when none). */
uint32_t sci_license_decide(const hv_sci_view *v, uint32_t row, int *cls);

#endif
