/* license.c - restrictiveness classes and the inheritance audit. */
#include "science/license.h"

#include <stdlib.h>
#include <string.h>

#include "science/graph.h"
#include "science/pairmap.h"

/* The one table of restrictiveness classes.  A name ending in '*' matches
 * by prefix.  Lower-case, as the Hub's license: tags are written. */
static const struct {
    const char *name;
    int cls;
} LICENSE_CLASSES[] = {
    {"cc-by-nc*", SCI_LIC_NONCOMMERCIAL},
    {"llama2", SCI_LIC_COMMERCIAL}, {"llama3", SCI_LIC_COMMERCIAL}, {"llama3.1", SCI_LIC_COMMERCIAL},
    {"llama3.2", SCI_LIC_COMMERCIAL}, {"llama3.3", SCI_LIC_COMMERCIAL}, {"llama4", SCI_LIC_COMMERCIAL},
    {"gemma", SCI_LIC_COMMERCIAL},
    {"openrail", SCI_LIC_USE_RESTRICTED}, {"openrail++", SCI_LIC_USE_RESTRICTED},
    {"creativeml-openrail-m", SCI_LIC_USE_RESTRICTED}, {"bigscience-openrail-m", SCI_LIC_USE_RESTRICTED},
    {"bigscience-bloom-rail-1.0", SCI_LIC_USE_RESTRICTED}, {"bigcode-openrail-m", SCI_LIC_USE_RESTRICTED},
    {"gpl*", SCI_LIC_COPYLEFT}, {"agpl*", SCI_LIC_COPYLEFT}, {"lgpl*", SCI_LIC_COPYLEFT},
    {"cc-by-sa*", SCI_LIC_COPYLEFT}, {"mpl-2.0", SCI_LIC_COPYLEFT}, {"epl-2.0", SCI_LIC_COPYLEFT},
    {"osl-3.0", SCI_LIC_COPYLEFT}, {"eupl-1.1", SCI_LIC_COPYLEFT}, {"eupl-1.2", SCI_LIC_COPYLEFT},
    {"odbl", SCI_LIC_COPYLEFT},
    {"apache-2.0", SCI_LIC_PERMISSIVE}, {"mit", SCI_LIC_PERMISSIVE}, {"bsd*", SCI_LIC_PERMISSIVE},
    {"cc-by-2.0", SCI_LIC_PERMISSIVE}, {"cc-by-2.5", SCI_LIC_PERMISSIVE}, {"cc-by-3.0", SCI_LIC_PERMISSIVE},
    {"cc-by-4.0", SCI_LIC_PERMISSIVE}, {"cc0-1.0", SCI_LIC_PERMISSIVE}, {"cc", SCI_LIC_PERMISSIVE},
    {"unlicense", SCI_LIC_PERMISSIVE}, {"artistic-2.0", SCI_LIC_PERMISSIVE}, {"afl-3.0", SCI_LIC_PERMISSIVE},
    {"bsl-1.0", SCI_LIC_PERMISSIVE}, {"wtfpl", SCI_LIC_PERMISSIVE}, {"isc", SCI_LIC_PERMISSIVE},
    {"zlib", SCI_LIC_PERMISSIVE}, {"postgresql", SCI_LIC_PERMISSIVE}, {"ecl-2.0", SCI_LIC_PERMISSIVE},
    {"pddl", SCI_LIC_PERMISSIVE}, {"odc-by", SCI_LIC_PERMISSIVE}, {"ms-pl", SCI_LIC_PERMISSIVE},
    {"ncsa", SCI_LIC_PERMISSIVE},
};

int sci_license_class(hv_sv s) {
    char low[64];
    if (s.n == 0 || s.n >= sizeof low) return SCI_LIC_UNCLASSIFIED;
    for (size_t i = 0; i < s.n; i++) low[i] = (char)(s.p[i] >= 'A' && s.p[i] <= 'Z' ? s.p[i] + 32 : s.p[i]);
    low[s.n] = '\0';
    for (size_t i = 0; i < sizeof LICENSE_CLASSES / sizeof LICENSE_CLASSES[0]; i++) {
        const char *n = LICENSE_CLASSES[i].name;
        size_t len = strlen(n);
        if (n[len - 1] == '*' ? !strncmp(low, n, len - 1) : !strcmp(low, n)) return LICENSE_CLASSES[i].cls;
    }
    return SCI_LIC_UNCLASSIFIED;
}

const char *sci_license_class_name(int c) {
    static const char *const NAMES[] = {"permissive", "copyleft", "use-restricted", "commercial", "non-commercial"};
    return c >= 0 && c < SCI_LIC_NCLASSES ? NAMES[c] : "unclassified";
}

void sci_license_defaults(sci_license_opts *o) {
    o->mask = SCI_REL_ALL;
    o->top = 20;
    o->limit = 100;
}

uint32_t sci_license_decide(const hv_sci_view *v, uint32_t row, int *cls) {
    uint32_t best = 0;
    *cls = SCI_LIC_UNCLASSIFIED;
    for (uint64_t i = v->licenses.off[row]; i < v->licenses.off[row + 1]; i++) {
        uint32_t s = v->licenses.val[i];
        int c = sci_license_class(sci_str(v, s));
        if (c > *cls) {
            *cls = c;
            best = s;
        }
    }
    return best;
}

void sci_license_free(sci_license_audit *a) {
    if (!a) return;
    free(a->flows);
    free(a->families);
    free(a->pairs);
    memset(a, 0, sizeof *a);
}

static int cmp_flow(const void *x, const void *y) {
    const sci_license_flow *a = x, *b = y;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    if (a->from != b->from) return a->from < b->from ? -1 : 1;
    return a->to < b->to ? -1 : a->to > b->to;
}

static int cmp_lfam(const void *x, const void *y) {
    const sci_license_family *a = x, *b = y;
    if (a->flagged != b->flagged) return a->flagged > b->flagged ? -1 : 1;
    if (a->judged != b->judged) return a->judged > b->judged ? -1 : 1;
    return a->family < b->family ? -1 : a->family > b->family;
}

int sci_license_run(const hv_sci_view *v, const sci_license_opts *o, sci_license_audit *a, hv_err *e) {
    memset(a, 0, sizeof *a);
    a->opts = *o;
    sci_graph g;
    int rc = sci_graph_build(v, SCI_REL_NOMERGE, &g, e);
    if (rc) return rc;
    sci_pairmap flows = {0};
    uint64_t *judged = calloc(g.nfamilies ? g.nfamilies : 1, sizeof *judged);
    uint64_t *flagged = calloc(g.nfamilies ? g.nfamilies : 1, sizeof *flagged);
    a->pairs = malloc((o->limit ? o->limit : 1) * sizeof *a->pairs);
    if (!judged || !flagged || !a->pairs) goto oom;
    for (uint64_t k = 0; k < v->nedges; k++) {
        const hv_edge *ed = &v->edges[k];
        if (!((o->mask >> ed->type) & 1u)) continue;
        a->edges++;
        int pc, cc;
        uint32_t pl = sci_license_decide(v, ed->parent, &pc);
        if (pc < SCI_LIC_COMMERCIAL) continue;
        a->restrictive_parent++;
        uint32_t cl = sci_license_decide(v, ed->child, &cc);
        if (cc == SCI_LIC_UNCLASSIFIED) {
            if (v->licenses.off[ed->child] == v->licenses.off[ed->child + 1]) a->child_none++;
            else a->child_unclassified++;
            continue;
        }
        uint32_t fam = g.family[ed->child];
        a->judged++;
        a->judged_by_class[pc]++;
        a->judged_by_rel[ed->type]++;
        judged[fam]++;
        if (cc >= pc) continue;
        a->flagged++;
        a->flagged_by_class[pc]++;
        a->flagged_by_rel[ed->type]++;
        flagged[fam]++;
        if (sci_pm_add(&flows, sci_pair(pl, cl), 1)) goto oom;
        if (a->npairs < o->limit) a->pairs[a->npairs++] = k;
    }
    a->flows = malloc((flows.n ? flows.n : 1) * sizeof *a->flows);
    if (!a->flows) goto oom;
    for (size_t i = 0; i < flows.cap; i++)
        if (flows.k[i])
            a->flows[a->nflows++] = (sci_license_flow){(uint32_t)(flows.k[i] >> 32), (uint32_t)flows.k[i], flows.w[i]};
    qsort(a->flows, a->nflows, sizeof *a->flows, cmp_flow);
    for (uint32_t f = 0; f < g.nfamilies; f++) {
        a->nfamilies_judged += judged[f] != 0;
        a->nfamilies_flagged += flagged[f] != 0;
    }
    a->families = malloc((a->nfamilies_judged ? a->nfamilies_judged : 1) * sizeof *a->families);
    if (!a->families) goto oom;
    for (uint32_t f = 0; f < g.nfamilies; f++)
        if (judged[f])
            a->families[a->nfamilies++] =
                (sci_license_family){f, g.family_root[f], g.family_size[f], judged[f], flagged[f]};
    qsort(a->families, a->nfamilies, sizeof *a->families, cmp_lfam);
    if (a->nfamilies > o->top) a->nfamilies = o->top;
    if (a->nflows > o->top) a->nflows = o->top;
    free(judged);
    free(flagged);
    sci_pm_free(&flows);
    sci_graph_free(&g);
    return HV_OK;
oom:
    free(judged);
    free(flagged);
    sci_pm_free(&flows);
    sci_graph_free(&g);
    sci_license_free(a);
    return hv_errf(e, HV_ENOMEM, "out of memory");
}
