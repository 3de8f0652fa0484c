/* drift.c - mutation rates, the trait transition graph, its oriented form
 * and the optimal orderings of the top traits. */
#include "science/drift.h"

#include "science/pairmap.h"

#include <stdlib.h>
#include <string.h>

static const char *const TRAIT_NAMES[SCI_TRAIT_COUNT] = {"license", "language", "task", "library"};

const char *sci_trait_name(sci_trait t) { return t < SCI_TRAIT_COUNT ? TRAIT_NAMES[t] : "?"; }

sci_trait sci_trait_parse(const char *s) {
    for (int t = 0; t < SCI_TRAIT_COUNT; t++)
        if (!strcmp(s, TRAIT_NAMES[t])) return (sci_trait)t;
    if (!strcmp(s, "licenses")) return SCI_TRAIT_LICENSE;
    if (!strcmp(s, "languages")) return SCI_TRAIT_LANGUAGE;
    if (!strcmp(s, "pipeline") || !strcmp(s, "pipeline_tag")) return SCI_TRAIT_TASK;
    if (!strcmp(s, "library_name")) return SCI_TRAIT_LIBRARY;
    return SCI_TRAIT_COUNT;
}

void sci_drift_defaults(sci_drift_opts *o) {
    o->mask = SCI_REL_ALL;
    o->trait = SCI_TRAIT_LICENSE;
    o->top_n = 20;
    o->top = 20;
}

const uint32_t *sci_trait_items(const hv_sci_view *v, sci_trait t, uint32_t row, uint32_t *tmp, uint32_t *n) {
    const hv_sci_list *l = NULL;
    const uint32_t *scalar = NULL;
    switch (t) {
    case SCI_TRAIT_LICENSE: l = &v->licenses; break;
    case SCI_TRAIT_LANGUAGE: l = &v->languages; break;
    case SCI_TRAIT_TASK: scalar = v->pipeline; break;
    default: scalar = v->library; break;
    }
    if (l) {
        *n = (uint32_t)(l->off[row + 1] - l->off[row]);
        return l->val + l->off[row];
    }
    tmp[0] = scalar[row];
    *n = tmp[0] != 0;
    return tmp;
}

/* A growable set scratch: the trait's values of a row, sorted and unique. */
typedef struct idset {
    uint32_t *v;
    uint32_t n, cap;
} idset;

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int idset_load(idset *s, const hv_sci_view *v, sci_trait t, uint32_t row) {
    uint32_t tmp[1], n;
    const uint32_t *it = sci_trait_items(v, t, row, tmp, &n);
    if (n > s->cap) {
        uint32_t nc = n < 64 ? 64 : n;
        uint32_t *p = realloc(s->v, nc * sizeof *p);
        if (!p) return -1;
        s->v = p;
        s->cap = nc;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        if (it[i]) s->v[k++] = it[i];
    if (k > 1) {
        qsort(s->v, k, sizeof *s->v, cmp_u32);
        uint32_t u = 1;
        for (uint32_t i = 1; i < k; i++)
            if (s->v[i] != s->v[u - 1]) s->v[u++] = s->v[i];
        k = u;
    }
    s->n = k;
    return 0;
}

static bool idset_has(const idset *s, uint32_t x) {
    uint32_t lo = 0, hi = s->n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (s->v[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo < s->n && s->v[lo] == x;
}

void sci_drift_free(sci_drift *d) {
    if (!d) return;
    free(d->values);
    free(d->transitions);
    memset(d, 0, sizeof *d);
}

typedef struct sort_ctx {
    const hv_sci_view *v;
} sort_ctx;

static int sv_cmp(hv_sv a, hv_sv b) {
    size_t n = a.n < b.n ? a.n : b.n;
    int c = n ? memcmp(a.p, b.p, n) : 0;
    return c ? c : (a.n < b.n ? -1 : a.n > b.n);
}

static int cmp_count(const void *a, const void *b, void *ctx) {
    const sci_trait_count *x = a, *y = b;
    if (x->models != y->models) return x->models > y->models ? -1 : 1;
    const hv_sci_view *v = ((sort_ctx *)ctx)->v;
    return sv_cmp(sci_str(v, x->sid), sci_str(v, y->sid));
}

static int cmp_transition(const void *a, const void *b, void *ctx) {
    const sci_transition *x = a, *y = b;
    if (x->w != y->w) return x->w > y->w ? -1 : 1;
    const hv_sci_view *v = ((sort_ctx *)ctx)->v;
    int c = sv_cmp(sci_str(v, x->from), sci_str(v, y->from));
    return c ? c : sv_cmp(sci_str(v, x->to), sci_str(v, y->to));
}

/* The paper's get_top_trait_graph drops these placeholder values. */
static bool placeholder(hv_sv s) {
    return s.n == 0 || hv_sv_eq_cstr(s, "other") || hv_sv_eq_cstr(s, "unknown") || hv_sv_eq_cstr(s, "None") ||
           hv_sv_eq_cstr(s, "[]");
}

static void score_ordering(const sci_drift *d, sci_ordering *o) {
    uint32_t pos[SCI_LOP_MAX];
    for (uint32_t k = 0; k < d->ntop; k++) pos[o->order[k]] = k;
    o->compat_num = o->compat_den = 0;
    o->accounted_num = o->accounted_den = 0;
    for (uint32_t i = 0; i < d->ntop; i++)
        for (uint32_t j = 0; j < d->ntop; j++) {
            if (i == j) continue;
            if (d->W[i][j] > d->W[j][i]) {
                o->compat_den++;
                if (pos[i] < pos[j]) o->compat_num++;
            }
            o->accounted_den += d->W[i][j];
            if (pos[i] < pos[j]) o->accounted_num += d->W[i][j];
        }
}

int sci_drift_run(const hv_sci_view *v, const sci_drift_opts *o, sci_drift *d, hv_err *e) {
    memset(d, 0, sizeof *d);
    d->opts = *o;
    if (o->top_n < 2 || o->top_n > SCI_LOP_MAX)
        return hv_errf(e, HV_EUSAGE, "top-n must be 2..%d, got %u", SCI_LOP_MAX, o->top_n);
    sci_trait t = o->trait;
    uint32_t *count = calloc(v->nstrs ? v->nstrs : 1, sizeof *count);
    idset P = {0}, C = {0};
    sci_pairmap pm = {0};
    if (!count) goto oom;
    /* how many models carry each value */
    for (uint32_t r = 0; r < v->n; r++) {
        if (idset_load(&P, v, t, r)) goto oom;
        if (P.n) d->models_with_trait++;
        for (uint32_t i = 0; i < P.n; i++)
            if (P.v[i] < v->nstrs) count[P.v[i]]++;
    }
    size_t nv = 0;
    for (uint32_t s = 1; s < v->nstrs; s++) nv += count[s] != 0;
    d->values = malloc((nv ? nv : 1) * sizeof *d->values);
    if (!d->values) goto oom;
    for (uint32_t s = 1; s < v->nstrs; s++)
        if (count[s]) d->values[d->nvalues++] = (sci_trait_count){s, count[s]};
    sort_ctx ctx = {v};
    qsort_r(d->values, d->nvalues, sizeof *d->values, cmp_count, &ctx);
    free(count);
    count = NULL;

    /* mutation rate and the raw transition graph */
    for (uint64_t k = 0; k < v->nedges; k++) {
        const hv_edge *ed = &v->edges[k];
        if (!((o->mask >> ed->type) & 1u)) continue;
        d->edges++;
        if (idset_load(&P, v, t, ed->parent) || idset_load(&C, v, t, ed->child)) goto oom;
        if (!P.n || !C.n) continue;
        d->traffic++;
        uint32_t inter = 0;
        for (uint32_t i = 0; i < P.n; i++) inter += idset_has(&C, P.v[i]);
        uint32_t uni = P.n + C.n - inter;
        if (uni != inter) {
            d->mutated++;
            d->mutation_sum += (double)(uni - inter) / (double)uni;
        }
        for (uint32_t i = 0; i < C.n; i++) { /* added: every parent value -> it */
            if (idset_has(&P, C.v[i])) continue;
            for (uint32_t j = 0; j < P.n; j++)
                if (sci_pm_add(&pm, sci_pair(P.v[j], C.v[i]), 1)) goto oom;
        }
        for (uint32_t i = 0; i < P.n; i++) { /* removed: it -> every child value */
            if (idset_has(&C, P.v[i])) continue;
            for (uint32_t j = 0; j < C.n; j++)
                if (sci_pm_add(&pm, sci_pair(P.v[i], C.v[j]), 1)) goto oom;
        }
    }
    d->mutation_rate = d->traffic ? d->mutation_sum / (double)d->traffic : 0.0;
    d->transitions = malloc((pm.n ? pm.n : 1) * sizeof *d->transitions);
    if (!d->transitions) goto oom;
    for (size_t i = 0; i < pm.cap; i++) {
        if (!pm.k[i]) continue;
        uint32_t from = (uint32_t)(pm.k[i] >> 32), to = (uint32_t)pm.k[i];
        uint64_t back = sci_pm_get(&pm, sci_pair(to, from));
        d->transitions[d->ntransitions++] = (sci_transition){from, to, pm.w[i], back};
        d->raw_total += pm.w[i];
        if (pm.w[i] > back) {
            d->oriented_edges++;
            d->oriented_traffic += pm.w[i] - back;
            d->oriented_total_n += pm.w[i] + back;
        }
    }
    qsort_r(d->transitions, d->ntransitions, sizeof *d->transitions, cmp_transition, &ctx);

    /* the top n and their orderings */
    for (size_t i = 0; i < d->nvalues && i < (size_t)o->top_n + 5 && d->ntop < o->top_n; i++)
        if (!placeholder(sci_str(v, d->values[i].sid))) d->top[d->ntop++] = d->values[i].sid;
    int64_t Aw[SCI_LOP_MAX * SCI_LOP_MAX] = {0}, Au[SCI_LOP_MAX * SCI_LOP_MAX] = {0};
    for (uint32_t i = 0; i < d->ntop; i++)
        for (uint32_t j = 0; j < d->ntop; j++)
            d->W[i][j] = i == j ? 0 : sci_pm_get(&pm, sci_pair(d->top[i], d->top[j]));
    for (uint32_t i = 0; i < d->ntop; i++)
        for (uint32_t j = 0; j < d->ntop; j++) {
            if (d->W[i][j] <= d->W[j][i]) continue;
            Aw[i * d->ntop + j] = (int64_t)(d->W[i][j] - d->W[j][i]);
            Au[i * d->ntop + j] = 1;
            d->top_oriented_edges++;
            d->top_traffic += d->W[i][j] - d->W[j][i];
            d->top_total_n += d->W[i][j] + d->W[j][i];
        }
    int rc = sci_lop_solve(d->ntop, Aw, d->weighted.order, &d->weighted.objective, e);
    if (rc == HV_OK) rc = sci_lop_solve(d->ntop, Au, d->unweighted.order, &d->unweighted.objective, e);
    if (rc) {
        free(P.v); free(C.v); sci_pm_free(&pm);
        sci_drift_free(d);
        return rc;
    }
    score_ordering(d, &d->weighted);
    score_ordering(d, &d->unweighted);
    free(P.v); free(C.v); sci_pm_free(&pm);
    return HV_OK;
oom:
    free(count);
    free(P.v); free(C.v); sci_pm_free(&pm);
    sci_drift_free(d);
    return hv_errf(e, HV_ENOMEM, "out of memory");
}

uint32_t sci_trait_find(const hv_sci_view *v, sci_trait t, hv_sv name) {
    uint8_t *seen = calloc(v->nstrs ? v->nstrs : 1, 1);
    uint32_t found = 0;
    for (uint32_t r = 0; r < v->n && !found; r++) {
        uint32_t tmp[1], n;
        const uint32_t *it = sci_trait_items(v, t, r, tmp, &n);
        for (uint32_t i = 0; i < n && !found; i++) {
            uint32_t s = it[i];
            if (!s || s >= v->nstrs || (seen && seen[s])) continue;
            if (seen) seen[s] = 1;
            if (hv_sv_eq(sci_str(v, s), name)) found = s;
        }
    }
    free(seen);
    return found;
}

int sci_drift_pairs(const hv_sci_view *v, sci_trait t, unsigned mask, uint32_t from, uint32_t to, uint64_t *idx,
                    size_t limit, size_t *nidx, uint64_t *total, hv_err *e) {
    idset P = {0}, C = {0};
    *nidx = 0;
    *total = 0;
    for (uint64_t k = 0; k < v->nedges; k++) {
        const hv_edge *ed = &v->edges[k];
        if (!((mask >> ed->type) & 1u)) continue;
        if (idset_load(&P, v, t, ed->parent) || idset_load(&C, v, t, ed->child)) {
            free(P.v); free(C.v);
            return hv_errf(e, HV_ENOMEM, "out of memory");
        }
        if (!P.n || !C.n || !idset_has(&P, from) || !idset_has(&C, to)) continue;
        /* from -> to was counted when to was added (from in P) or from was removed (to in C) */
        if (idset_has(&P, to) && idset_has(&C, from)) continue;
        (*total)++;
        if (*nidx < limit) idx[(*nidx)++] = k;
    }
    free(P.v);
    free(C.v);
    return HV_OK;
}
