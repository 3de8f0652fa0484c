/* families.c - roots, families, distributions, fertility, growth, bursts. */
#include "science/families.h"
#include "core/timeparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "science/graph.h"

void sci_families_defaults(sci_families_opts *o) {
    o->mask = SCI_REL_NOMERGE;
    o->top = 10;
    o->burst_min = 100;
    o->burst_factor = 5.0;
    o->burst_window = 6;
}

/* Months since year 0 (y * 12 + month - 1) of a Unix time, UTC. */
int32_t sci_month_of(int64_t t) { return (int32_t)(hv_month_index(t) + 1970 * 12); }

void sci_month_text(int32_t month, char *out) {
    int32_t y = month >= 0 ? month / 12 : -((-month + 11) / 12);
    int32_t m = month - y * 12 + 1;
    snprintf(out, 24, "%04d-%02d", (int)y, (int)m);
}

void sci_families_free(sci_families *f) {
    if (!f) return;
    free(f->models_at_depth);
    free(f->families_by_depth);
    free(f->largest);
    for (size_t i = 0; f->growth && i < f->nlargest; i++) free(f->growth[i].months);
    free(f->growth);
    free(f->all_months);
    free(f->bursts);
    memset(f, 0, sizeof *f);
}

static int cmp_entry(const void *a, const void *b) {
    const sci_family_entry *x = a, *y = b;
    if (x->size != y->size) return x->size > y->size ? -1 : 1;
    return x->family < y->family ? -1 : x->family > y->family;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_burst(const void *a, const void *b) {
    const sci_burst *x = a, *y = b;
    if (x->added != y->added) return x->added > y->added ? -1 : 1;
    if (x->family != y->family) return x->family < y->family ? -1 : 1;
    return x->month < y->month ? -1 : x->month > y->month;
}

/* Months as unsigned offsets so they sort inside a 64-bit key; a month
 * before year 0 (never in real data) is treated as undated. */
static bool dated(const hv_sci_view *v, uint32_t r, int32_t *month) {
    if (!(v->has[r] & HV_HAS_CREATED)) return false;
    *month = sci_month_of(v->created_at[r]);
    return *month >= 0;
}

typedef struct burst_vec {
    sci_burst *v;
    size_t n, cap;
} burst_vec;

static int burst_push(burst_vec *b, sci_burst x) {
    if (b->n == b->cap) {
        size_t nc = b->cap ? 2 * b->cap : 64;
        sci_burst *p = realloc(b->v, nc * sizeof *p);
        if (!p) return -1;
        b->v = p;
        b->cap = nc;
    }
    b->v[b->n++] = x;
    return 0;
}

/* One family's months (sorted, unique, cumulative filled): flag bursts
 * against the mean of the previous `burst_window` calendar months. */
static int family_bursts(const sci_families_opts *o, uint32_t family, uint32_t root, const sci_month *ms, size_t nm,
                         burst_vec *out) {
    size_t lo = 0;
    for (size_t i = 0; i < nm; i++) {
        while (ms[lo].month < ms[i].month - (int32_t)o->burst_window) lo++;
        uint64_t before_i = ms[i].cumulative - ms[i].added;
        uint64_t before_lo = ms[lo].cumulative - ms[lo].added;
        double baseline = (double)(before_i - before_lo) / (double)o->burst_window;
        double floor_ = baseline < 1.0 ? 1.0 : baseline;
        if (ms[i].added >= o->burst_min && (double)ms[i].added >= o->burst_factor * floor_) {
            sci_burst b = {family, root, ms[i].month, ms[i].added, before_i, baseline};
            if (burst_push(out, b)) return -1;
        }
    }
    return 0;
}

static size_t size_bucket(uint32_t size) {
    size_t b = 0;
    while (b + 1 < SCI_SIZE_BUCKETS && ((uint64_t)2 << b) < size) b++;
    return b;
}

int sci_families_run(const hv_sci_view *v, const sci_families_opts *o, sci_families *f, hv_err *e) {
    memset(f, 0, sizeof *f);
    f->opts = *o;
    f->n = v->n;
    sci_graph g;
    int rc = sci_graph_build(v, o->mask, &g, e);
    if (rc) return rc;
    uint32_t nf = g.nfamilies;
    uint32_t *fmax = calloc(nf ? nf : 1, sizeof *fmax), *froots = calloc(nf ? nf : 1, sizeof *froots);
    uint32_t *sizes = malloc((nf ? nf : 1) * sizeof *sizes), *slot = malloc((nf ? nf : 1) * sizeof *slot);
    uint64_t *keys = NULL;
    int32_t *months = NULL;
    burst_vec bursts = {0};
    if (!fmax || !froots || !sizes || !slot) goto oom;
    f->edges = g.nedges;
    f->in_cycles = g.in_cycles;
    f->max_depth = g.max_depth;
    for (uint32_t r = 0; r < v->n; r++) {
        if (g.indeg[r]) f->with_parent++;
        else {
            froots[g.family[r]]++;
            if (g.outdeg[r]) f->roots++;
        }
        if (g.depth[r] > fmax[g.family[r]]) fmax[g.family[r]] = g.depth[r];
    }
    f->models_at_depth = calloc((size_t)g.max_depth + 1, sizeof(uint64_t));
    f->families_by_depth = calloc((size_t)g.max_depth + 1, sizeof(uint64_t));
    if (!f->models_at_depth || !f->families_by_depth) goto oom;
    size_t nsizes = 0;
    for (uint32_t k = 0; k < nf; k++) {
        slot[k] = UINT32_MAX;
        if (g.family_size[k] < 2) continue;
        f->families++;
        f->in_families += g.family_size[k];
        f->size_hist[size_bucket(g.family_size[k])]++;
        f->families_by_depth[fmax[k]]++;
        sizes[nsizes++] = g.family_size[k];
        if (g.family_size[k] > f->largest_size) f->largest_size = g.family_size[k];
    }
    for (uint32_t r = 0; r < v->n; r++)
        if (g.family_size[g.family[r]] >= 2) f->models_at_depth[g.depth[r]]++;
    if (nsizes) {
        qsort(sizes, nsizes, sizeof *sizes, cmp_u32);
        f->median_size = sizes[nsizes / 2];
        f->mean_size = (double)f->in_families / (double)nsizes;
    }
    /* the largest families */
    sci_family_entry *all = malloc((nsizes ? nsizes : 1) * sizeof *all);
    if (!all) goto oom;
    size_t na = 0;
    for (uint32_t k = 0; k < nf; k++)
        if (g.family_size[k] >= 2)
            all[na++] = (sci_family_entry){k, g.family_root[k], g.family_size[k], fmax[k], froots[k]};
    qsort(all, na, sizeof *all, cmp_entry);
    f->nlargest = na < o->top ? na : o->top;
    f->largest = all;
    for (size_t i = 0; i < f->nlargest; i++) slot[f->largest[i].family] = (uint32_t)i;
    /* fertility */
    for (uint64_t k = 0; k < v->nedges; k++) {
        const hv_edge *ed = &v->edges[k];
        f->fert_edges[ed->type]++;
        if (g.outdeg[ed->child]) f->fert_fertile[ed->type]++;
    }
    /* growth: (family, month) keys of every dated member of a family */
    f->growth = calloc(f->nlargest ? f->nlargest : 1, sizeof *f->growth);
    keys = malloc((size_t)(f->in_families ? f->in_families : 1) * sizeof *keys);
    months = malloc((size_t)(v->n ? v->n : 1) * sizeof *months);
    if (!f->growth || !keys || !months) goto oom;
    for (size_t i = 0; i < f->nlargest; i++) {
        f->growth[i].family = f->largest[i].family;
        f->growth[i].root = f->largest[i].root;
    }
    size_t nk = 0, nmo = 0;
    for (uint32_t r = 0; r < v->n; r++) {
        int32_t m;
        bool d = dated(v, r, &m);
        if (d) months[nmo++] = m;
        else f->undated++;
        uint32_t fam = g.family[r];
        if (g.family_size[fam] < 2) continue;
        if (d) keys[nk++] = (uint64_t)fam << 32 | (uint32_t)m;
        else if (slot[fam] != UINT32_MAX) f->growth[slot[fam]].undated++;
    }
    qsort(keys, nk, sizeof *keys, cmp_u64);
    sci_month *ms = malloc((nk ? nk : 1) * sizeof *ms);
    if (!ms) goto oom;
    for (size_t i = 0; i < nk;) {
        uint32_t fam = (uint32_t)(keys[i] >> 32);
        size_t nm = 0;
        uint64_t cum = 0;
        while (i < nk && (uint32_t)(keys[i] >> 32) == fam) {
            int32_t m = (int32_t)(uint32_t)keys[i];
            uint64_t cnt = 0;
            while (i < nk && keys[i] == ((uint64_t)fam << 32 | (uint32_t)m)) { cnt++; i++; }
            cum += cnt;
            ms[nm++] = (sci_month){m, cnt, cum};
        }
        if (g.family_size[fam] >= o->burst_min && family_bursts(o, fam, g.family_root[fam], ms, nm, &bursts)) {
            free(ms);
            goto oom;
        }
        if (slot[fam] != UINT32_MAX) {
            sci_growth *gr = &f->growth[slot[fam]];
            gr->months = malloc((nm ? nm : 1) * sizeof *gr->months);
            if (!gr->months) { free(ms); goto oom; }
            memcpy(gr->months, ms, nm * sizeof *ms);
            gr->nmonths = nm;
        }
    }
    free(ms);
    /* every dated model per month */
    qsort(months, nmo, sizeof *months, cmp_u32); /* months are >= 0 */
    f->all_months = malloc((nmo ? nmo : 1) * sizeof *f->all_months);
    if (!f->all_months) goto oom;
    for (size_t i = 0; i < nmo;) {
        size_t j = i;
        while (j < nmo && months[j] == months[i]) j++;
        uint64_t cum = (f->nall_months ? f->all_months[f->nall_months - 1].cumulative : 0) + (j - i);
        f->all_months[f->nall_months++] = (sci_month){months[i], j - i, cum};
        i = j;
    }
    qsort(bursts.v, bursts.n, sizeof *bursts.v, cmp_burst);
    f->bursts_total = bursts.n;
    f->nbursts = bursts.n < o->top ? bursts.n : o->top;
    f->bursts = bursts.v;
    free(fmax);
    free(froots);
    free(sizes);
    free(slot);
    free(keys);
    free(months);
    sci_graph_free(&g);
    return HV_OK;
oom:
    free(fmax);
    free(froots);
    free(sizes);
    free(slot);
    free(keys);
    free(months);
    free(bursts.v);
    sci_graph_free(&g);
    sci_families_free(f);
    return hv_errf(e, HV_ENOMEM, "out of memory");
}
