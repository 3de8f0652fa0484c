/* similarity.c - pattern samplers, measures per pair, bootstrap. */
#include "science/similarity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "science/simtext.h"

const sci_sim_config SCI_SIM_TABLE[SCI_SIM_CONFIGS] = {
    {"rando", 1, "random pair", -1, -1},
    {"duo", 1, "parent-child", 1, 1},
    {"trio_1", 1, "parent-child", 1, 1},
    {"trio_1", 2, "siblings", 0, 2},
    {"trio_2", 1, "grandparent", 2, 2},
    {"trio_2", 2, "parent-child", 1, 1},
    {"trio_2", 3, "parent-child", 1, 1},
    {"quad_0", 1, "parent-child", 1, 1},
    {"quad_0", 2, "siblings", 0, 2},
    {"quad_1", 1, "grandparent", 2, 2},
    {"quad_1", 2, "parent-child", 1, 1},
    {"quad_1", 3, "parent-child", 1, 1},
    {"quad_1", 4, "siblings", 0, 2},
    {"quad_2", 1, "grandparent", 2, 2},
    {"quad_2", 2, "uncle-nephew", 1, 3},
    {"quad_2", 3, "parent-child", 1, 1},
    {"quad_2", 4, "parent-child", 1, 1},
    {"quad_2", 5, "siblings", 0, 2},
    {"quad_3", 1, "great-grandparent", 3, 3},
    {"quad_3", 2, "grandparent", 2, 2},
    {"quad_3", 3, "grandparent", 2, 2},
    {"quad_3", 4, "parent-child", 1, 1},
    {"quad_3", 5, "parent-child", 1, 1},
    {"quad_3", 6, "parent-child", 1, 1},
};
const char *const SCI_SIM_MEASURE_NAMES[SCI_SIM_MEASURES] = {"levenshtein", "bow", "tfidf"};

/* first configuration of each pattern in the table */
static const int PATTERN_FIRST[SCI_SIM_PATTERNS + 1] = {0, 1, 2, 4, 7, 9, 13, 18, 24};

int sci_sim_pattern_of(int c) {
    int p = 0;
    while (p + 1 < SCI_SIM_PATTERNS && PATTERN_FIRST[p + 1] <= c) p++;
    return p;
}

void sci_similarity_defaults(sci_similarity_opts *o) {
    memset(o, 0, sizeof *o);
    o->mask = SCI_REL_FINETUNE;
    o->artifact = SCI_ART_METADATA;
    o->samples = 1000;
    o->bootstrap = 1000;
    o->seed = 42;
    o->fit_max = 200000;
}

static uint64_t splitmix(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* uniform in [0, n), n > 0 (Lemire's reduction; the bias is below 2^-32 for n < 2^32) */
static uint64_t below(uint64_t *s, uint64_t n) {
    if (n <= UINT32_MAX) return (uint64_t)(((__uint128_t)splitmix(s) * n) >> 64);
    return splitmix(s) % n;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double percentile(const double *sorted, uint32_t n, double q) {
    double pos = q * (double)(n - 1);
    uint32_t i = (uint32_t)floor(pos);
    if (i + 1 >= n) return sorted[n - 1];
    return sorted[i] + (pos - (double)i) * (sorted[i + 1] - sorted[i]);
}

void sci_bootstrap_ci(const double *x, uint64_t n, uint32_t resamples, uint64_t seed, double *lo, double *hi) {
    *lo = *hi = NAN;
    if (!n) return;
    if (!resamples) return;
    double *means = malloc(resamples * sizeof *means);
    if (!means) return;
    uint64_t s = seed;
    for (uint32_t b = 0; b < resamples; b++) {
        double sum = 0;
        for (uint64_t i = 0; i < n; i++) sum += x[below(&s, n)];
        means[b] = sum / (double)n;
    }
    qsort(means, resamples, sizeof *means, cmp_double);
    *lo = percentile(means, resamples, 0.025);
    *hi = percentile(means, resamples, 0.975);
    free(means);
}

/* The graph over the mask: children and parents as CSR lists of rows. */
typedef struct simgraph {
    uint64_t *coff, *poff;
    uint32_t *cval, *pval;
    uint32_t *eu, *ev; /* in-mask edges */
    uint64_t ne;
} simgraph;

static void simgraph_free(simgraph *g) {
    free(g->coff); free(g->poff); free(g->cval); free(g->pval); free(g->eu); free(g->ev);
    memset(g, 0, sizeof *g);
}

static int simgraph_build(const hv_sci_view *v, unsigned mask, simgraph *g) {
    memset(g, 0, sizeof *g);
    uint32_t n = v->n;
    for (uint64_t k = 0; k < v->nedges; k++) g->ne += (mask >> v->edges[k].type) & 1u;
    g->coff = calloc((size_t)n + 1, sizeof *g->coff);
    g->poff = calloc((size_t)n + 1, sizeof *g->poff);
    g->cval = malloc((g->ne ? g->ne : 1) * sizeof *g->cval);
    g->pval = malloc((g->ne ? g->ne : 1) * sizeof *g->pval);
    g->eu = malloc((g->ne ? g->ne : 1) * sizeof *g->eu);
    g->ev = malloc((g->ne ? g->ne : 1) * sizeof *g->ev);
    if (!g->coff || !g->poff || !g->cval || !g->pval || !g->eu || !g->ev) return -1;
    uint64_t i = 0;
    for (uint64_t k = 0; k < v->nedges; k++) {
        const hv_edge *ed = &v->edges[k];
        if (!((mask >> ed->type) & 1u)) continue;
        g->coff[ed->parent + 1]++;
        g->poff[ed->child + 1]++;
        g->eu[i] = ed->parent;
        g->ev[i++] = ed->child;
    }
    for (uint32_t r = 0; r < n; r++) {
        g->coff[r + 1] += g->coff[r];
        g->poff[r + 1] += g->poff[r];
    }
    uint64_t *cfill = malloc(((size_t)n + 1) * sizeof *cfill), *pfill = malloc(((size_t)n + 1) * sizeof *pfill);
    if (!cfill || !pfill) { free(cfill); free(pfill); return -1; }
    memcpy(cfill, g->coff, ((size_t)n + 1) * sizeof *cfill);
    memcpy(pfill, g->poff, ((size_t)n + 1) * sizeof *pfill);
    for (uint64_t k = 0; k < g->ne; k++) {
        g->cval[cfill[g->eu[k]]++] = g->ev[k];
        g->pval[pfill[g->ev[k]]++] = g->eu[k];
    }
    free(cfill);
    free(pfill);
    return 0;
}

static inline uint64_t outdeg(const simgraph *g, uint32_t r) { return g->coff[r + 1] - g->coff[r]; }
static inline uint64_t indeg(const simgraph *g, uint32_t r) { return g->poff[r + 1] - g->poff[r]; }
static inline uint32_t child(const simgraph *g, uint32_t r, uint64_t i) { return g->cval[g->coff[r] + i]; }

/* Anchors of a pattern (a node or an in-mask edge index) with cumulative
 * weights. */
typedef struct anchors {
    uint32_t *id;
    uint64_t *cum;
    uint64_t n, total;
} anchors;

static uint64_t c2(uint64_t k) { return k < 2 ? 0 : k * (k - 1) / 2; }
static uint64_t c3(uint64_t k) { return k < 3 ? 0 : k * (k - 1) * (k - 2) / 6; }

static uint64_t weight(const simgraph *g, int p, uint64_t x) {
    switch (p) {
    case 2: return c2(outdeg(g, (uint32_t)x));                 /* trio_1: node */
    case 4: return c3(outdeg(g, (uint32_t)x));                 /* quad_0: node */
    case 3: return outdeg(g, g->ev[x]);                        /* trio_2: edge */
    case 5: return c2(outdeg(g, g->ev[x]));                    /* quad_1 */
    case 6: {                                                  /* quad_2 */
        uint64_t du = outdeg(g, g->eu[x]);
        return du >= 2 ? outdeg(g, g->ev[x]) * (du - 1) : 0;
    }
    case 7: return indeg(g, g->eu[x]) ? outdeg(g, g->ev[x]) : 0; /* quad_3 */
    default: return 1;
    }
}

static int anchors_build(const simgraph *g, uint32_t n, int p, anchors *a) {
    memset(a, 0, sizeof *a);
    bool nodes = p == 2 || p == 4;
    uint64_t m = nodes ? n : g->ne;
    uint64_t cnt = 0;
    for (uint64_t x = 0; x < m; x++) cnt += weight(g, p, x) != 0;
    a->id = malloc((cnt ? cnt : 1) * sizeof *a->id);
    a->cum = malloc((cnt ? cnt : 1) * sizeof *a->cum);
    if (!a->id || !a->cum) return -1;
    for (uint64_t x = 0; x < m; x++) {
        uint64_t w = weight(g, p, x);
        if (!w) continue;
        a->total += w;
        a->id[a->n] = (uint32_t)x;
        a->cum[a->n++] = a->total;
    }
    return 0;
}

static uint32_t anchors_draw(const anchors *a, uint64_t *s) {
    uint64_t r = below(s, a->total), lo = 0, hi = a->n - 1;
    while (lo < hi) {
        uint64_t mid = (lo + hi) / 2;
        if (a->cum[mid] > r) hi = mid;
        else lo = mid + 1;
    }
    return a->id[lo];
}

/* k distinct indices below n (k <= 3 <= n) */
static void distinct(uint64_t *s, uint64_t n, int k, uint64_t *out) {
    for (int i = 0; i < k; i++) {
        for (;;) {
            uint64_t x = below(s, n);
            bool dup = false;
            for (int j = 0; j < i; j++) dup |= out[j] == x;
            if (!dup) { out[i] = x; break; }
        }
    }
}

/* One instance of pattern p, and the pair of configuration c (1-based). */
static void draw_pair(const simgraph *g, uint32_t n, int p, int c, const anchors *a, uint64_t *s, uint32_t *x,
                      uint32_t *y) {
    uint64_t ix[3];
    switch (p) {
    case 0: { /* rando */
        uint64_t i = below(s, n), j;
        do j = below(s, n); while (j == i);
        *x = (uint32_t)i; *y = (uint32_t)j;
        return;
    }
    case 1: { /* duo */
        uint64_t e = below(s, g->ne);
        *x = g->eu[e]; *y = g->ev[e];
        return;
    }
    case 2: { /* trio_1: parent u, children v, w */
        uint32_t u = anchors_draw(a, s);
        distinct(s, outdeg(g, u), 2, ix);
        uint32_t v = child(g, u, ix[0]), w = child(g, u, ix[1]);
        if (c == 1) { *x = u; *y = v; } else { *x = v; *y = w; }
        return;
    }
    case 3: { /* trio_2: u -> v -> w */
        uint32_t e = anchors_draw(a, s), u = g->eu[e], v = g->ev[e];
        uint32_t w = child(g, v, below(s, outdeg(g, v)));
        if (c == 1) { *x = u; *y = w; } else if (c == 2) { *x = v; *y = w; } else { *x = u; *y = v; }
        return;
    }
    case 4: { /* quad_0: parent u, three children */
        uint32_t u = anchors_draw(a, s);
        distinct(s, outdeg(g, u), 3, ix);
        uint32_t v = child(g, u, ix[0]), w = child(g, u, ix[1]);
        if (c == 1) { *x = u; *y = v; } else { *x = v; *y = w; }
        return;
    }
    case 5: { /* quad_1: u -> v, w and x children of v */
        uint32_t e = anchors_draw(a, s), u = g->eu[e], v = g->ev[e];
        distinct(s, outdeg(g, v), 2, ix);
        uint32_t w = child(g, v, ix[0]), xx = child(g, v, ix[1]);
        switch (c) {
        case 1: *x = u; *y = w; break;
        case 2: *x = v; *y = w; break;
        case 3: *x = u; *y = v; break;
        default: *x = w; *y = xx; break;
        }
        return;
    }
    case 6: { /* quad_2: u -> v -> w, x != v child of u */
        uint32_t e = anchors_draw(a, s), u = g->eu[e], v = g->ev[e];
        uint32_t w = child(g, v, below(s, outdeg(g, v))), xx;
        do xx = child(g, u, below(s, outdeg(g, u))); while (xx == v);
        switch (c) {
        case 1: *x = u; *y = w; break;
        case 2: *x = w; *y = xx; break;
        case 3: *x = v; *y = w; break;
        case 4: *x = u; *y = v; break;
        default: *x = v; *y = xx; break;
        }
        return;
    }
    default: { /* quad_3: t -> u -> v -> w */
        uint32_t e = anchors_draw(a, s), u = g->eu[e], v = g->ev[e];
        uint32_t t = g->pval[g->poff[u] + below(s, indeg(g, u))];
        uint32_t w = child(g, v, below(s, outdeg(g, v)));
        switch (c) {
        case 1: *x = t; *y = w; break;
        case 2: *x = u; *y = w; break;
        case 3: *x = t; *y = v; break;
        case 4: *x = v; *y = w; break;
        case 5: *x = u; *y = v; break;
        default: *x = t; *y = u; break;
        }
        return;
    }
    }
}

/* A model's text under the chosen artifact; *valid false when it does not qualify. */
static int text_of(const hv_sci_view *v, const sci_similarity_opts *o, uint32_t row, hv_buf *tmp, hv_buf *out,
                   bool *valid, hv_err *e) {
    if (o->artifact == SCI_ART_METADATA) {
        *valid = true;
        return sci_meta_text(v, row, o->strip_ids, out) ? hv_errf(e, HV_ENOMEM, "out of memory") : HV_OK;
    }
    return sci_card_text(o->cards, v, row, o->drop_frontmatter, tmp, out, valid, e);
}

static bool eligible(const hv_sci_view *v, const sci_similarity_opts *o, uint32_t r) {
    if (o->artifact == SCI_ART_METADATA) return true;
    return v->has_card[r] && !v->card_autogen[r] && v->card_ref[r] != HV_NO_ROW &&
           (o->drop_frontmatter || v->card_chars[r] >= SCI_CARD_CHARS);
}

static int cmp_by_ref(const void *a, const void *b, void *ctx) {
    const uint32_t *ref = ctx;
    uint32_t x = ref[*(const uint32_t *)a], y = ref[*(const uint32_t *)b];
    return x < y ? -1 : x > y;
}

static int fit(const hv_sci_view *v, const sci_similarity_opts *o, sci_vocab *voc, sci_similarity *out, hv_err *e) {
    uint64_t elig = 0;
    for (uint32_t r = 0; r < v->n; r++) elig += eligible(v, o, r);
    out->eligible_docs = elig;
    uint64_t stride = elig > o->fit_max ? (elig + o->fit_max - 1) / o->fit_max : 1;
    uint32_t *rows = malloc((elig / stride + 1) * sizeof *rows);
    if (!rows) return hv_errf(e, HV_ENOMEM, "out of memory");
    uint64_t k = 0, nsel = 0;
    for (uint32_t r = 0; r < v->n; r++)
        if (eligible(v, o, r) && k++ % stride == 0) rows[nsel++] = r;
    /* cards in store order, so each compressed block is read once */
    if (o->artifact == SCI_ART_CARD) qsort_r(rows, nsel, sizeof *rows, cmp_by_ref, (void *)v->card_ref);
    hv_buf tmp = {0}, text = {0};
    int rc = HV_OK;
    for (uint64_t i = 0; i < nsel && rc == HV_OK; i++) {
        bool valid;
        rc = text_of(v, o, rows[i], &tmp, &text, &valid, e);
        if (rc == HV_OK && valid) {
            if (sci_vocab_add(voc, hv_sv_make(text.p, text.n))) rc = hv_errf(e, HV_ENOMEM, "out of memory");
            out->fit_docs++;
        }
    }
    free(rows);
    hv_buf_free(&tmp);
    hv_buf_free(&text);
    if (rc == HV_OK && sci_vocab_finish(voc)) rc = hv_errf(e, HV_ENOMEM, "out of memory");
    out->features = voc->nfeat;
    return rc;
}

int sci_similarity_run(const hv_sci_view *v, const sci_similarity_opts *o, sci_similarity *out, hv_err *e) {
    memset(out, 0, sizeof *out);
    out->opts = *o;
    if (o->artifact == SCI_ART_CARD && !o->cards)
        return hv_errf(e, HV_EUSAGE, "the card artifact needs card text (a map built with cards, or card files)");
    if (o->samples < 1 || o->samples > 100000 || o->bootstrap > 100000 || o->fit_max < 1)
        return hv_errf(e, HV_EUSAGE, "similarity: samples, bootstrap or fit size out of range");
    sci_vocab voc;
    if (sci_vocab_init(&voc)) return hv_errf(e, HV_ENOMEM, "out of memory");
    simgraph g;
    anchors an[SCI_SIM_PATTERNS] = {{0}};
    double *vals[SCI_SIM_MEASURES] = {NULL};
    hv_buf tmp = {0}, ta = {0}, tb = {0};
    sci_vec *va = malloc(sizeof *va), *vb = malloc(sizeof *vb);
    int rc = fit(v, o, &voc, out, e);
    if (rc) goto done;
    if (simgraph_build(v, o->mask, &g) || !va || !vb) { rc = hv_errf(e, HV_ENOMEM, "out of memory"); goto done_g; }
    for (int m = 0; m < SCI_SIM_MEASURES; m++)
        if (!(vals[m] = malloc(o->samples * sizeof *vals[m]))) { rc = hv_errf(e, HV_ENOMEM, "out of memory"); goto done_g; }
    uint64_t seed = o->seed;
    for (int p = 0; p < SCI_SIM_PATTERNS; p++) {
        if (p >= 2 && anchors_build(&g, v->n, p, &an[p])) { rc = hv_errf(e, HV_ENOMEM, "out of memory"); goto done_g; }
        out->instances[p] = p == 0 ? (v->n >= 2 ? (uint64_t)v->n * (v->n - 1) / 2 : 0) : p == 1 ? g.ne : an[p].total;
        bool possible = p == 0 ? v->n >= 2 : out->instances[p] > 0;
        for (int ci = PATTERN_FIRST[p]; ci < PATTERN_FIRST[p + 1]; ci++) {
            uint64_t s = splitmix(&seed);
            uint64_t kept = 0;
            for (uint32_t d = 0; possible && d < o->samples; d++) {
                uint32_t x, y;
                draw_pair(&g, v->n, p, SCI_SIM_TABLE[ci].config, &an[p], &s, &x, &y);
                out->drawn[ci]++;
                bool okx, oky;
                if ((rc = text_of(v, o, x, &tmp, &ta, &okx, e)) || (rc = text_of(v, o, y, &tmp, &tb, &oky, e))) goto done_g;
                if (!okx || !oky) continue;
                hv_sv a = hv_sv_make(ta.p, ta.n), b = hv_sv_make(tb.p, tb.n);
                if (sci_vectorize(&voc, a, va) || sci_vectorize(&voc, b, vb)) {
                    rc = hv_errf(e, HV_ENOMEM, "out of memory");
                    goto done_g;
                }
                vals[0][kept] = sci_lev_similarity(a, b);
                vals[1][kept] = sci_cos_bow(va, vb);
                vals[2][kept] = sci_cos_tfidf(&voc, va, vb);
                if (isnan(vals[0][kept])) { rc = hv_errf(e, HV_ENOMEM, "out of memory"); goto done_g; }
                kept++;
            }
            out->pairs[ci] = kept;
            for (int m = 0; m < SCI_SIM_MEASURES; m++) {
                sci_sim_stat *st = &out->stat[ci][m];
                st->n = kept;
                double sum = 0;
                for (uint64_t i = 0; i < kept; i++) sum += vals[m][i];
                st->mean = kept ? sum / (double)kept : NAN;
                sci_bootstrap_ci(vals[m], kept, o->bootstrap, splitmix(&seed), &st->lo, &st->hi);
            }
        }
    }
done_g:
    simgraph_free(&g);
done:
    for (int p = 0; p < SCI_SIM_PATTERNS; p++) { free(an[p].id); free(an[p].cum); }
    for (int m = 0; m < SCI_SIM_MEASURES; m++) free(vals[m]);
    free(va);
    free(vb);
    hv_buf_free(&tmp);
    hv_buf_free(&ta);
    hv_buf_free(&tb);
    sci_vocab_free(&voc);
    return rc;
}

void sci_similarity_json(const hv_sci_view *v, const sci_similarity *s, hv_jw *w) {
    (void)v;
    char rel[96];
    sci_relations_name(s->opts.mask, rel, sizeof rel);
    jw_obj(w);
    jw_key(w, "analysis"); jw_cstr(w, "similarity");
    jw_key(w, "relations"); jw_cstr(w, rel);
    jw_key(w, "artifact"); jw_cstr(w, s->opts.artifact == SCI_ART_CARD ? "card" : "metadata");
    jw_key(w, "strip_ids"); jw_bool(w, s->opts.strip_ids);
    jw_key(w, "drop_frontmatter"); jw_bool(w, s->opts.drop_frontmatter);
    jw_key(w, "samples"); jw_uint(w, s->opts.samples);
    jw_key(w, "bootstrap"); jw_uint(w, s->opts.bootstrap);
    jw_key(w, "seed"); jw_uint(w, s->opts.seed);
    jw_key(w, "eligible_documents"); jw_uint(w, s->eligible_docs);
    jw_key(w, "vocabulary_documents"); jw_uint(w, s->fit_docs);
    jw_key(w, "features"); jw_uint(w, s->features);
    jw_key(w, "configs");
    jw_arr(w);
    for (int c = 0; c < SCI_SIM_CONFIGS; c++) {
        const sci_sim_config *t = &SCI_SIM_TABLE[c];
        int p = sci_sim_pattern_of(c);
        jw_obj(w);
        jw_key(w, "pattern"); jw_cstr(w, t->pattern);
        jw_key(w, "config"); jw_int(w, t->config);
        jw_key(w, "relation"); jw_cstr(w, t->relation);
        jw_key(w, "generation_gap");
        if (t->generation_gap >= 0) jw_int(w, t->generation_gap); else jw_null(w);
        jw_key(w, "hops");
        if (t->hops >= 0) jw_int(w, t->hops); else jw_null(w);
        jw_key(w, "instances"); jw_uint(w, s->instances[p]);
        jw_key(w, "drawn"); jw_uint(w, s->drawn[c]);
        jw_key(w, "pairs"); jw_uint(w, s->pairs[c]);
        for (int m = 0; m < SCI_SIM_MEASURES; m++) {
            const sci_sim_stat *st = &s->stat[c][m];
            jw_key(w, SCI_SIM_MEASURE_NAMES[m]);
            jw_obj(w);
            jw_key(w, "mean"); jw_num17(w, st->mean);
            jw_key(w, "ci_low"); jw_num17(w, st->lo);
            jw_key(w, "ci_high"); jw_num17(w, st->hi);
            jw_obj_end(w);
        }
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}
