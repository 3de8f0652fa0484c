/* synth.c - the row generator: family structure, traits, tags, cards.
 *
 * Calibration (targets at 1,860,411 rows; docs/paper-analyses.md):
 *   rows with an in-file parent, by relation: finetune 189,391, adapter
 *   241,417, quantized 101,921, untyped 566 edges; merge 40,358 edges over
 *   children with 2.33 parents on average (our estimate);
 *   the ten largest families at their paper sizes, scaled with the row count
 *   (tables.c); a card on 67.04% of rows, ~99.5% of derivatives (3.6);
 *   arXiv 1910.09700 on ~15.6% of rows (cs.CY 289,447, from the Hub
 *   template); languages on 13.9% of rows (258,938), 88.5% of those one
 *   language.  Shares of licenses, languages, libraries and tasks come from
 *   the tables; estimates are named where they are made. */
#include "synth/synth.h"
#include "core/timeparse.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/strpool.h"
#include "ingest/record.h"
#include "synth/card.h"
#include "synth/names.h"
#include "synth/rng.h"
#include "synth/tables.h"

const hv_synth_coldef hv_synth_columns[HV_SYNTH_NCOLS] = {
    {"model_id", HV_ST_STRING},      {"likes", HV_ST_INT64},           {"trendingScore", HV_ST_DOUBLE},
    {"private", HV_ST_BOOL},         {"downloads", HV_ST_INT64},       {"tags", HV_ST_STRING},
    {"pipeline_tag", HV_ST_STRING},  {"library_name", HV_ST_STRING},   {"createdAt", HV_ST_STRING},
    {"regions", HV_ST_STRING},       {"licenses", HV_ST_STRING},       {"arxiv_papers", HV_ST_STRING},
    {"datasets", HV_ST_STRING},      {"parent_model", HV_ST_STRING},   {"finetune_parent", HV_ST_STRING},
    {"quantized_parent", HV_ST_STRING}, {"adapter_parent", HV_ST_STRING}, {"merge_parent", HV_ST_STRING},
    {"languages", HV_ST_STRING},     {"modelCard", HV_ST_STRING},      {"ratelimit_retries", HV_ST_DOUBLE},
    {"exception_raised", HV_ST_STRING},
};

#define NONE UINT32_MAX
#define KIND_ROOT 7
#define MAX_PARENTS 6
#define MAX_LANGS 120
#define MAX_DATASETS 8
#define MAX_ARXIV 3
#define RING 64

/* Per-row shares of rows whose (first) parent is a row of the file.  The
 * paper counts edges; a merge child has 2.33 parents on average (EST), so
 * merge children are 40,358 / 2.33 rows. */
static const double REL_SHARE[HV_REL_COUNT] = {
    [HV_REL_BASE] = 566.0 / 1860411.0,
    [HV_REL_FINETUNE] = 189391.0 / 1860411.0,
    [HV_REL_ADAPTER] = 241417.0 / 1860411.0,
    [HV_REL_QUANTIZED] = 101921.0 / 1860411.0,
    [HV_REL_MERGE] = 40358.0 / 2.33 / 1860411.0,
};
/* EST: a parent named in the tags is missing from the dataset (gated,
 * deleted, private) this often; such parents make no edge. */
static const double EXTERNAL_SHARE = 0.04;
/* EST: a derivative's parent is its pick's parent (rich get richer) this
 * often, instead of the pick itself (which makes the tree deeper). */
static const double CLIMB = 0.88;
/* EST: children in the big families state a license less often than
 * others: gemma-2b alone has 23,869 descendants, but only 8,677 models in
 * the whole dataset carry license:gemma. */
static const double FAMOUS_LICENSE_KEEP = 0.35;
/* EST: famous families grow in depth: a child of a recent finetune. */
static const double FAMOUS_DEPTH = 0.10;
/* EST: share of derivatives that go to a "popular model" of the middle tier:
 * early rows ranked by a Zipf law, so family sizes run smoothly from the
 * famous tens of thousands down through the hundreds instead of jumping
 * from the famous bases straight to preferential-attachment families of
 * a few dozen. */
static const double MID_SHARE = 0.12;

/* 2022-03-02T23:29:04Z is the createdAt floor the Hub back-dated older
 * models to (a ~31k spike, 1.7% of rows); the snapshot ends at
 * 2025-07-12T17:14:09Z. */
static const int64_t T_FLOOR = 1646263744;
static const int64_t T_END = 1752340449;

typedef struct rowstate {
    uint32_t parent, root, created;
    uint8_t kind, dedupe, license, pipeline, library, lang;
    int8_t famous;
    uint8_t license0; /* the license before any plant (what children's draws see) */
} rowstate;

typedef struct cumtab {
    double *cum;
    size_t n;
} cumtab;

struct hv_synth_gen {
    hv_synth_opts o;
    uint64_t next;
    rowstate *st;
    size_t nfam;
    uint32_t *fam_row;             /* row of each famous root, NONE beyond the file */
    uint32_t (*ring)[RING];        /* recent finetunes of each famous family */
    uint32_t *ring_n;
    double famous_p;               /* P(a derivative joins a famous family directly) */
    cumtab fam_by_rel[HV_REL_COUNT];
    cumtab lic, pipe, lib, lang_all, lang_noen, ds, arxiv, rl_lib;
    int pipe_rl, lib_peft, lib_diffusers, lib_transformers, lang_en;
    uint64_t author_pool;
    uint8_t drift_from, drift_to;  /* planted drift: license indices + 1 (0: off) */
    uint64_t *set;                 /* hashes of ids handed out */
    size_t set_cap, set_n;
    hv_buf text, card, ids, scratch;
    size_t off[HV_SYNTH_NCOLS], len[HV_SYNTH_NCOLS];
};

/* ---- weighted tables ---------------------------------------------------- */

static int cum_build(cumtab *t, const double *w, size_t n) {
    t->cum = malloc((n ? n : 1) * sizeof *t->cum);
    if (!t->cum) return -1;
    double s = 0;
    for (size_t i = 0; i < n; i++) t->cum[i] = (s += w[i] > 0 ? w[i] : 0);
    t->n = n;
    return 0;
}

static int cum_weighted(cumtab *t, const hv_synth_weighted *w, size_t n, const double *adjust) {
    double *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp) return -1;
    for (size_t i = 0; i < n; i++) tmp[i] = (double)w[i].weight * (adjust ? adjust[i] : 1.0);
    int rc = cum_build(t, tmp, n);
    free(tmp);
    return rc;
}

static size_t cum_pick(const cumtab *t, hv_rng *r) {
    double x = hv_rng_unit(r) * t->cum[t->n - 1];
    size_t lo = 0, hi = t->n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->cum[mid] > x) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

static int find_name(const hv_synth_weighted *w, size_t n, const char *name) {
    if (!name || !*name) return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(w[i].name, name) == 0) return (int)i;
    return -1;
}

/* ---- id set ------------------------------------------------------------- */

static int set_insert(hv_synth_gen *g, uint64_t h) {
    h |= 1; /* 0 marks an empty slot */
    if (2 * (g->set_n + 1) > g->set_cap) {
        size_t cap = g->set_cap ? g->set_cap * 2 : 1024;
        uint64_t *s = calloc(cap, sizeof *s);
        if (!s) return -1;
        for (size_t i = 0; i < g->set_cap; i++) {
            uint64_t k = g->set[i];
            if (!k) continue;
            size_t j = (size_t)(hv_mix64(k) & (cap - 1));
            while (s[j]) j = (j + 1) & (cap - 1);
            s[j] = k;
        }
        free(g->set);
        g->set = s;
        g->set_cap = cap;
    }
    size_t j = (size_t)(hv_mix64(h) & (g->set_cap - 1));
    while (g->set[j]) {
        if (g->set[j] == h) return 1;
        j = (j + 1) & (g->set_cap - 1);
    }
    g->set[j] = h;
    g->set_n++;
    return 0;
}

/* ---- ids ---------------------------------------------------------------- */

static const char *pipeline_name(uint8_t p) { return p ? hv_synth_pipelines[p - 1].name : NULL; }

/* The name part of the root of row r's family (famous or generated). */
static int stem_of(hv_synth_gen *g, uint32_t root, hv_buf *out) {
    const rowstate *s = &g->st[root];
    if (s->famous >= 0) {
        const char *id = hv_synth_famous_bases[s->famous].id;
        const char *slash = strchr(id, '/');
        return hv_buf_append(out, slash + 1, strlen(slash + 1));
    }
    return synth_root_name(out, g->o.seed, root, pipeline_name(s->pipeline));
}

static uint64_t author_of(hv_synth_gen *g, uint64_t row) {
    hv_rng r = hv_rng_for(g->o.seed, row, 31);
    return hv_rng_zipf(&r, g->author_pool);
}

/* Append row i's id to out: a pure function of the seed and stored state. */
static int build_id(hv_synth_gen *g, uint32_t i, hv_buf *out) {
    const rowstate *s = &g->st[i];
    if (s->famous >= 0 && s->root == i)
        return hv_buf_append(out, hv_synth_famous_bases[s->famous].id,
                             strlen(hv_synth_famous_bases[s->famous].id));
    if (synth_author(out, g->o.seed, author_of(g, i)) || hv_buf_putc(out, '/')) return -1;
    if (s->root == i) {
        if (synth_root_name(out, g->o.seed, i, pipeline_name(s->pipeline))) return -1;
    } else {
        hv_buf_clear(&g->scratch);
        if (stem_of(g, s->root, &g->scratch)) return -1;
        int lora = s->famous >= 0 && hv_synth_famous_bases[s->famous].adapter_heavy;
        if (synth_child_name(out, g->o.seed, i, s->kind, g->scratch.p, g->scratch.n, lora)) return -1;
    }
    if (s->dedupe == 255) return hv_buf_printf(out, "-r%u", i);
    if (s->dedupe) return hv_buf_printf(out, "-%u", s->dedupe + 1u);
    return 0;
}

/* Give row i an id nobody has: on a clash, add "-2", "-3" ...  The suffix is
 * stored so the id can be rebuilt when a child names it. */
static int claim_id(hv_synth_gen *g, uint32_t i, hv_buf *out, size_t *off, size_t *len) {
    for (unsigned d = 0;; d++) {
        g->st[i].dedupe = (uint8_t)(d < 254 ? d : 255);
        *off = out->n;
        if (build_id(g, i, out)) return -1;
        *len = out->n - *off;
        int rc = set_insert(g, hv_hash_bytes(out->p + *off, *len));
        if (rc < 0) return -1;
        if (rc == 0 || d >= 254) return 0;
        out->n = *off;
    }
}

/* A parent that is not a row: a gated, deleted or private repo. */
static int external_id(hv_synth_gen *g, uint64_t row, unsigned k, hv_buf *out, size_t *off, size_t *len) {
    hv_rng r = hv_rng_for(g->o.seed, row, 40 + k);
    for (unsigned d = 0;; d++) {
        *off = out->n;
        if (synth_author(out, g->o.seed ^ 0xe47e41ull, hv_rng_zipf(&r, 5000)) || hv_buf_putc(out, '/') ||
            synth_root_name(out, g->o.seed ^ 0xe47e41ull, row * 8 + k, NULL) ||
            (d && hv_buf_printf(out, "-%u", d + 1)))
            return -1;
        *len = out->n - *off;
        int rc = set_insert(g, hv_hash_bytes(out->p + *off, *len));
        if (rc < 0) return -1;
        if (rc == 0) return 0;
        out->n = *off;
    }
}

/* ---- setup -------------------------------------------------------------- */

static const double ADAPTER_HEAVY_MULT[HV_REL_COUNT] = {1.0, 0.15, 3.0, 0.05, 0.05};

hv_synth_gen *synth_gen_new(const hv_synth_opts *o, hv_err *e) {
    if (!o->rows || o->rows >= NONE) {
        hv_errf(e, HV_EUSAGE, "rows must be between 1 and %u", NONE - 1);
        return NULL;
    }
    const hv_synth_plant *pl = &o->plant;
    if (pl->license_mutation && !(pl->mutation_p >= 0 && pl->mutation_p <= 1)) {
        hv_errf(e, HV_EUSAGE, "--plant-license-mutation: the probability must be in 0..1");
        return NULL;
    }
    if (pl->card_gap && !(pl->gap >= 0 && pl->gap <= HV_SYNTH_GAP_MAX)) {
        hv_errf(e, HV_EUSAGE, "--plant-card-gap: the gap must be in 0..%.3f (448/512)", HV_SYNTH_GAP_MAX);
        return NULL;
    }
    if (pl->card_gap && !o->cards) {
        hv_errf(e, HV_EUSAGE, "--plant-card-gap plants text in the cards: it needs --cards");
        return NULL;
    }
    int drift_from = -1, drift_to = -1;
    if (pl->drift) {
        drift_from = find_name(hv_synth_licenses, hv_synth_licenses_n, pl->drift_from);
        drift_to = find_name(hv_synth_licenses, hv_synth_licenses_n, pl->drift_to);
        const char *bad = drift_from < 0 ? pl->drift_from : drift_to < 0 ? pl->drift_to : NULL;
        if (bad) {
            hv_errf(e, HV_EUSAGE, "--plant-drift: '%s' is not a license of synth's table (e.g. apache-2.0, mit, "
                    "llama2, gemma, cc-by-nc-4.0)", bad ? bad : "");
            return NULL;
        }
        if (drift_from == drift_to || drift_from >= 255 || drift_to >= 255 || !(pl->drift_p >= 0 && pl->drift_p <= 1)) {
            hv_errf(e, HV_EUSAGE, "--plant-drift: A and B must differ and P be in 0..1");
            return NULL;
        }
    }
    hv_synth_gen *g = calloc(1, sizeof *g);
    if (!g) goto oom;
    g->o = *o;
    g->drift_from = (uint8_t)(drift_from + 1);
    g->drift_to = (uint8_t)(drift_to + 1);
    g->st = malloc(o->rows * sizeof *g->st);
    g->nfam = hv_synth_famous_bases_n;
    g->fam_row = malloc(g->nfam * sizeof *g->fam_row);
    g->ring = calloc(g->nfam, sizeof *g->ring);
    g->ring_n = calloc(g->nfam, sizeof *g->ring_n);
    if (!g->st || !g->fam_row || !g->ring || !g->ring_n) goto oom;
    /* Famous roots sit among the first rows (every third), as the crawl's
     * trending order puts the big bases early. */
    double fam_sum = 0;
    for (size_t k = 0; k < g->nfam; k++) {
        g->fam_row[k] = 3 * k < o->rows ? (uint32_t)(3 * k) : NONE;
        fam_sum += hv_synth_famous_bases[k].family_size;
    }
    /* A derivative joins a famous family directly with probability a, or
     * through a random earlier row (which lands in a family in proportion to
     * its size).  Solving size share S = D*a / (1 - D*(1-a)) for a. */
    double D = 0;
    for (int k = 0; k < HV_REL_COUNT; k++) D += REL_SHARE[k];
    double S = fam_sum / HV_SYNTH_REAL_ROWS;
    double m = MID_SHARE;
    g->famous_p = S * (1 - D * (1 - m)) / (D * (1 - S * (1 - m)));
    if (g->famous_p > 0.95) g->famous_p = 0.95;
    for (int rel = 0; rel < HV_REL_COUNT; rel++) {
        double w[64];
        for (size_t k = 0; k < g->nfam && k < 64; k++)
            w[k] = hv_synth_famous_bases[k].family_size *
                   (hv_synth_famous_bases[k].adapter_heavy ? ADAPTER_HEAVY_MULT[rel] : 1.0);
        if (cum_build(&g->fam_by_rel[rel], w, g->nfam < 64 ? g->nfam : 64)) goto oom;
    }

    /* Famous families carry their license, task and library to most of
     * their children; take the expected inherited amount off the tables the
     * other rows draw from, so the totals still match the real counts. */
    double lic_adj[256], pipe_adj[256], lib_adj[256];
    for (size_t i = 0; i < 256; i++) lic_adj[i] = pipe_adj[i] = lib_adj[i] = 1.0;
    double sub_lic[256] = {0}, sub_pipe[256] = {0}, sub_lib[256] = {0};
    for (size_t k = 0; k < g->nfam; k++) {
        const hv_synth_famous *f = &hv_synth_famous_bases[k];
        int li = find_name(hv_synth_licenses, hv_synth_licenses_n, f->license);
        int pi = find_name(hv_synth_pipelines, hv_synth_pipelines_n, f->pipeline);
        int bi = find_name(hv_synth_libraries, hv_synth_libraries_n, f->library);
        if (li >= 0) sub_lic[li] += f->family_size * FAMOUS_LICENSE_KEEP * 0.85;
        /* tables for tasks and libraries are ppm of rows that have one;
         * ~45% of rows have a task, ~47% a library (EST) */
        if (pi >= 0) sub_pipe[pi] += f->family_size * 0.9 * 0.77 / (0.45 * HV_SYNTH_REAL_ROWS) * 1e6;
        if (bi >= 0) sub_lib[bi] += f->family_size * 0.6 / (0.47 * HV_SYNTH_REAL_ROWS) * 1e6;
    }
    for (size_t i = 0; i < hv_synth_licenses_n && i < 256; i++) {
        double w = hv_synth_licenses[i].weight, left = w - sub_lic[i];
        lic_adj[i] = left > 0.15 * w ? left / w : 0.15;
    }
    for (size_t i = 0; i < hv_synth_pipelines_n && i < 256; i++) {
        double w = hv_synth_pipelines[i].weight, left = w - sub_pipe[i];
        pipe_adj[i] = left > 0.3 * w ? left / w : 0.3;
    }
    for (size_t i = 0; i < hv_synth_libraries_n && i < 256; i++) {
        double w = hv_synth_libraries[i].weight, left = w - sub_lib[i];
        lib_adj[i] = left > 0.3 * w ? left / w : 0.3;
    }
    g->pipe_rl = find_name(hv_synth_pipelines, hv_synth_pipelines_n, "reinforcement-learning");
    g->lib_peft = find_name(hv_synth_libraries, hv_synth_libraries_n, "peft");
    g->lib_diffusers = find_name(hv_synth_libraries, hv_synth_libraries_n, "diffusers");
    g->lib_transformers = find_name(hv_synth_libraries, hv_synth_libraries_n, "transformers");
    /* Adapters bring peft in explicitly; RL libraries come with the RL task. */
    static const char *const rl_libs[] = {"stable-baselines3", "ml-agents", "sample-factory", "cleanrl"};
    double rl_w[4];
    for (int k = 0; k < 4; k++) {
        int bi = find_name(hv_synth_libraries, hv_synth_libraries_n, rl_libs[k]);
        rl_w[k] = bi >= 0 ? hv_synth_libraries[bi].weight : 0;
        if (bi >= 0 && bi < 256) lib_adj[bi] = 0;
    }
    if (g->lib_peft >= 0) lib_adj[g->lib_peft] *= 0.35;
    if (cum_weighted(&g->lic, hv_synth_licenses, hv_synth_licenses_n, lic_adj) ||
        cum_weighted(&g->pipe, hv_synth_pipelines, hv_synth_pipelines_n, pipe_adj) ||
        cum_weighted(&g->lib, hv_synth_libraries, hv_synth_libraries_n, lib_adj) ||
        cum_build(&g->rl_lib, rl_w, 4) ||
        cum_weighted(&g->ds, hv_synth_datasets, hv_synth_datasets_n, NULL) ||
        cum_weighted(&g->arxiv, hv_synth_arxiv, hv_synth_arxiv_n, NULL))
        goto oom;
    double lw[256], lw2[256];
    g->lang_en = -1;
    for (size_t i = 0; i < hv_synth_languages_n && i < 256; i++) {
        lw[i] = hv_synth_languages[i].count;
        lw2[i] = strcmp(hv_synth_languages[i].code, "en") ? lw[i] : 0;
        if (!strcmp(hv_synth_languages[i].code, "en")) g->lang_en = (int)i;
    }
    if (cum_build(&g->lang_all, lw, hv_synth_languages_n) ||
        cum_build(&g->lang_noen, lw2, hv_synth_languages_n))
        goto oom;
    /* About one author per six models, Zipf-distributed (EST). */
    g->author_pool = o->rows / 6 + 64;
    return g;
oom:
    synth_gen_free(g);
    hv_errf(e, HV_ENOMEM, "synth: out of memory for %llu rows", (unsigned long long)o->rows);
    return NULL;
}

void synth_gen_free(hv_synth_gen *g) {
    if (!g) return;
    free(g->st);
    free(g->fam_row);
    free(g->ring);
    free(g->ring_n);
    for (int k = 0; k < HV_REL_COUNT; k++) free(g->fam_by_rel[k].cum);
    free(g->lic.cum);
    free(g->pipe.cum);
    free(g->lib.cum);
    free(g->lang_all.cum);
    free(g->lang_noen.cum);
    free(g->ds.cum);
    free(g->arxiv.cum);
    free(g->rl_lib.cum);
    free(g->set);
    hv_buf_free(&g->text);
    hv_buf_free(&g->card);
    hv_buf_free(&g->ids);
    hv_buf_free(&g->scratch);
    free(g);
}

/* ---- family structure --------------------------------------------------- */

/* Pick a parent among earlier rows through a random earlier row: usually
 * that row's parent (preferential attachment: bases with many children get
 * more), sometimes the row itself (a deeper generation). */
static uint32_t pick_via_row(hv_synth_gen *g, uint32_t i, hv_rng *r) {
    uint32_t j = (uint32_t)hv_rng_below(r, i);
    const rowstate *s = &g->st[j];
    int leafy = s->kind == HV_REL_ADAPTER || s->kind == HV_REL_QUANTIZED;
    if (s->parent != NONE && (leafy || hv_rng_chance(r, CLIMB))) return s->parent;
    return j;
}

static uint32_t pick_famous(hv_synth_gen *g, uint32_t i, int rel, hv_rng *r) {
    size_t k = cum_pick(&g->fam_by_rel[rel], r);
    if (g->fam_row[k] == NONE || g->fam_row[k] >= i) return NONE;
    if (g->ring_n[k] && hv_rng_chance(r, FAMOUS_DEPTH)) {
        uint32_t n = g->ring_n[k] < RING ? g->ring_n[k] : RING;
        return g->ring[k][hv_rng_below(r, n)];
    }
    return g->fam_row[k];
}

static uint32_t pick_parent(hv_synth_gen *g, uint32_t i, int rel, hv_rng *r) {
    uint32_t p = NONE;
    if (hv_rng_chance(r, g->famous_p)) p = pick_famous(g, i, rel, r);
    if (p == NONE && hv_rng_chance(r, MID_SHARE)) {
        /* middle tier: candidate k sits at row 3*famous + 7k, weight 1/(k+1) */
        uint64_t k = hv_rng_zipf(r, g->o.rows / 400 + 16);
        uint64_t row = 3 * g->nfam + 7 * k;
        if (row < i) {
            p = (uint32_t)row;
            const rowstate *c = &g->st[p];
            if ((c->kind == HV_REL_ADAPTER || c->kind == HV_REL_QUANTIZED) && c->parent != NONE) p = c->parent;
        }
    }
    if (p == NONE) p = pick_via_row(g, i, r);
    return p;
}

/* ---- traits ------------------------------------------------------------- */

static uint8_t draw_license(hv_synth_gen *g, hv_rng *r) { return (uint8_t)(cum_pick(&g->lic, r) + 1); }
static uint8_t draw_pipeline(hv_synth_gen *g, hv_rng *r) { return (uint8_t)(cum_pick(&g->pipe, r) + 1); }
static uint8_t draw_library(hv_synth_gen *g, hv_rng *r) { return (uint8_t)(cum_pick(&g->lib, r) + 1); }

static uint8_t lib_index(int k) { return k >= 0 ? (uint8_t)(k + 1) : 0; }

static void traits(hv_synth_gen *g, rowstate *s, const rowstate *par, hv_rng *r) {
    int rel = s->kind;
    if (!par) { /* a root, or a derivative of a repo outside the file */
        s->license = hv_rng_chance(r, 0.34) ? draw_license(g, r) : 0;
        s->pipeline = hv_rng_chance(r, 0.33) ? draw_pipeline(g, r) : 0;
        if (s->pipeline && (int)s->pipeline - 1 == g->pipe_rl) {
            /* RL libraries come with the RL task (sb3, ml-agents, ...) */
            static const char *const rl_libs[] = {"stable-baselines3", "ml-agents", "sample-factory", "cleanrl"};
            s->library = hv_rng_chance(r, 0.45)
                             ? lib_index(find_name(hv_synth_libraries, hv_synth_libraries_n,
                                                   rl_libs[cum_pick(&g->rl_lib, r)]))
                             : 0;
        } else {
            s->library = hv_rng_chance(r, 0.40) ? draw_library(g, r) : 0;
        }
        return;
    }
    /* License: kept by 85% of children that state one (the paper's
     * mutation rate is 15% over all relations). */
    if (par->license) s->license = hv_rng_chance(r, s->famous >= 0 ? FAMOUS_LICENSE_KEEP : 0.75) ? (hv_rng_chance(r, 0.85) ? par->license : draw_license(g, r)) : 0;
    else s->license = hv_rng_chance(r, 0.30) ? draw_license(g, r) : 0;
    /* Task: mutation rate 23% (paper); quantizations keep it. */
    double keep_task = rel == HV_REL_QUANTIZED ? 0.97 : 0.77;
    if (par->pipeline) s->pipeline = hv_rng_chance(r, 0.9) ? (hv_rng_chance(r, keep_task) ? par->pipeline : draw_pipeline(g, r)) : 0;
    else s->pipeline = hv_rng_chance(r, 0.35) ? draw_pipeline(g, r) : 0;
    /* Library: adapters are peft (or diffusers LoRAs); GGUF quantizations
     * mostly have none. */
    if (rel == HV_REL_ADAPTER) {
        if (par->library == lib_index(g->lib_diffusers)) s->library = hv_rng_chance(r, 0.7) ? par->library : 0;
        else s->library = hv_rng_chance(r, 0.57) ? lib_index(g->lib_peft) : 0;
    } else if (rel == HV_REL_QUANTIZED) {
        s->library = hv_rng_chance(r, 0.5) ? par->library : 0;
    } else if (par->library) {
        s->library = hv_rng_chance(r, 0.85) ? par->library : (hv_rng_chance(r, 0.5) ? draw_library(g, r) : 0);
    } else {
        s->library = hv_rng_chance(r, 0.3) ? draw_library(g, r) : 0;
    }
}

/* ---- planted effects (hv_synth_plant) ------------------------------------ */

enum { P_PLANT_LICENSE = 90, P_PLANT_SHARED = 91, P_PLANT_ROOT = 92, P_PLANT_OWN = 93 };

/* After traits(): the planted license of a row with an in-file parent.  It
 * draws from a stream of its own, so the row's other draws are unchanged. */
static void plant_license(hv_synth_gen *g, uint32_t i, rowstate *s, const rowstate *par) {
    const hv_synth_plant *pl = &g->o.plant;
    if (!par || !par->license) return;
    hv_rng r = hv_rng_for(g->o.seed, i, P_PLANT_LICENSE);
    if (pl->drift && par->license == g->drift_from) {
        s->license = hv_rng_chance(&r, pl->drift_p) ? g->drift_to : g->drift_from;
    } else if (pl->license_mutation) {
        s->license = par->license;
        if (hv_rng_chance(&r, pl->mutation_p)) {
            uint8_t l = par->license;
            for (int tries = 0; tries < 64 && l == par->license; tries++) l = draw_license(g, &r);
            if (l == par->license) l = (uint8_t)(par->license % hv_synth_licenses_n + 1);
            s->license = l;
        }
    }
}

/* The planted block of row i's card (see hv_synth_plant): 512 code points,
 * a space at every 8th, CJK ideographs elsewhere; the first k ideographs
 * from the stream its siblings share. */
static int plant_block(hv_synth_gen *g, uint32_t i, hv_buf *out) {
    const rowstate *s = &g->st[i];
    uint32_t k = (uint32_t)lround(g->o.plant.gap * 512.0);
    hv_rng shared = s->parent != NONE ? hv_rng_for(g->o.seed, s->parent, P_PLANT_SHARED)
                                      : hv_rng_for(g->o.seed, i, P_PLANT_ROOT);
    hv_rng own = hv_rng_for(g->o.seed, i, P_PLANT_OWN);
    uint32_t ideographs = 0;
    for (int pos = 0; pos < 512; pos++) {
        if (pos % 8 == 7) {
            if (hv_buf_putc(out, ' ')) return -1;
            continue;
        }
        uint32_t cp = 0x4E00 + (uint32_t)hv_rng_below(ideographs++ < k ? &shared : &own, 0x9FA5 - 0x4E00 + 1);
        char u[3] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)), (char)(0x80 | (cp & 0x3F))};
        if (hv_buf_append(out, u, 3)) return -1;
    }
    return 0;
}

/* ---- list cells --------------------------------------------------------- */

int synth_pyrepr_str(hv_buf *out, hv_sv s) {
    /* Python picks double quotes only for strings with ' and no ". */
    int has_sq = memchr(s.p, '\'', s.n) != NULL, has_dq = memchr(s.p, '"', s.n) != NULL;
    char q = has_sq && !has_dq ? '"' : '\'';
    if (hv_buf_putc(out, q)) return -1;
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        int rc;
        if (c == '\\') rc = hv_buf_append(out, "\\\\", 2);
        else if (c == (unsigned char)q) rc = hv_buf_putc(out, '\\') || hv_buf_putc(out, (char)c);
        else if (c == '\n') rc = hv_buf_append(out, "\\n", 2);
        else if (c == '\r') rc = hv_buf_append(out, "\\r", 2);
        else if (c == '\t') rc = hv_buf_append(out, "\\t", 2);
        else if (c < 0x20 || c == 0x7f) rc = hv_buf_printf(out, "\\x%02x", c);
        else rc = hv_buf_putc(out, (char)c);
        if (rc) return -1;
    }
    return hv_buf_putc(out, q);
}

typedef struct strlist {
    hv_sv v[MAX_LANGS + 8];
    size_t n;
} strlist;

static int put_list(hv_buf *out, const hv_sv *v, size_t n, const char *prefix) {
    if (hv_buf_putc(out, '[')) return -1;
    size_t pl = prefix ? strlen(prefix) : 0;
    for (size_t i = 0; i < n; i++) {
        if (i && hv_buf_append(out, ", ", 2)) return -1;
        if (pl) { /* items here never need escaping: ids and tag values */
            if (hv_buf_putc(out, '\'') || hv_buf_append(out, prefix, pl) ||
                hv_buf_append(out, v[i].p, v[i].n) || hv_buf_putc(out, '\''))
                return -1;
        } else if (synth_pyrepr_str(out, v[i])) {
            return -1;
        }
    }
    return hv_buf_putc(out, ']');
}

/* Python repr of a tag list item that is prefix + value. */
static int put_tag(hv_buf *out, size_t *count, const char *prefix, hv_sv v) {
    if ((*count)++ && hv_buf_append(out, ", ", 2)) return -1;
    return hv_buf_putc(out, '\'') || hv_buf_append(out, prefix, strlen(prefix)) ||
           hv_buf_append(out, v.p, v.n) || hv_buf_putc(out, '\'');
}

static int put_tag_c(hv_buf *out, size_t *count, const char *tag) {
    return put_tag(out, count, "", hv_sv_cstr(tag));
}

/* ---- one row ------------------------------------------------------------ */

static void fmt_time(int64_t t, char out[48]) {
    /* YYYY-MM-DDTHH:MM:SS.000Z, the Hub API's spelling */
    int64_t days = t / 86400, secs = t % 86400, y; /* t > 0: the generator's dates */
    unsigned m, d;
    hv_civil_from_days(days, &y, &m, &d);
    snprintf(out, 48, "%04lld-%02u-%02uT%02u:%02u:%02u.000Z", (long long)y, m, d, (unsigned)(secs / 3600),
             (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
}

#define CELL_BEGIN(c) (g->off[c] = g->text.n)
#define CELL_END(c) (g->len[c] = g->text.n - g->off[c])

int synth_gen_next(hv_synth_gen *g, hv_synth_row *row, bool *more, hv_err *e) {
    if (g->next >= g->o.rows) {
        *more = false;
        return HV_OK;
    }
    *more = true;
    uint32_t i = (uint32_t)g->next++;
    uint64_t N = g->o.rows;
    hv_rng r = hv_rng_for(g->o.seed, i, 1);
    rowstate *s = &g->st[i];
    memset(s, 0, sizeof *s);
    s->parent = NONE;
    s->root = i;
    s->famous = -1;
    s->kind = KIND_ROOT;
    memset(row, 0, sizeof *row);
    row->index = i;
    row->facts.relation = -1;
    row->facts.famous = -1;
    hv_buf_clear(&g->text);
    hv_buf_clear(&g->card);
    hv_buf_clear(&g->ids);

    /* parents: in-file rows (pidx) or external ids (offsets into g->ids) */
    uint32_t pidx[MAX_PARENTS];
    size_t poff[MAX_PARENTS], plen[MAX_PARENTS];
    unsigned np = 0, np_in = 0;

    int famous_root = -1;
    if (i % 3 == 0 && i / 3 < g->nfam) famous_root = (int)(i / 3);
    const rowstate *par = NULL;
    if (famous_root >= 0) {
        const hv_synth_famous *f = &hv_synth_famous_bases[famous_root];
        s->famous = (int8_t)famous_root;
        s->license = lib_index(find_name(hv_synth_licenses, hv_synth_licenses_n, f->license));
        s->license0 = s->license;
        s->pipeline = lib_index(find_name(hv_synth_pipelines, hv_synth_pipelines_n, f->pipeline));
        s->library = lib_index(find_name(hv_synth_libraries, hv_synth_libraries_n, f->library));
        s->created = (uint32_t)T_FLOOR;
    } else {
        double u = hv_rng_unit(&r) * (1 - EXTERNAL_SHARE), acc = 0;
        for (int k = 0; k < HV_REL_COUNT && i > 0; k++) {
            acc += REL_SHARE[k];
            if (u < acc) {
                s->kind = (uint8_t)k;
                break;
            }
        }
        if (s->kind != KIND_ROOT) {
            unsigned want = 1;
            uint32_t first_in = NONE;
            if (s->kind == HV_REL_MERGE) { /* 2: 78%, 3: 14%, 4: 5%, 5: 3% (EST, mean 2.33) */
                double m = hv_rng_unit(&r);
                want = m < 0.78 ? 2 : m < 0.92 ? 3 : m < 0.97 ? 4 : 5;
            }
            for (unsigned k = 0; k < want; k++) {
                if (hv_rng_chance(&r, EXTERNAL_SHARE)) {
                    if (external_id(g, i, k, &g->ids, &poff[np], &plen[np])) goto oom;
                    pidx[np++] = NONE;
                    continue;
                }
                uint32_t p = NONE;
                for (int tries = 0; tries < 8 && p == NONE; tries++) {
                    p = np_in ? pick_via_row(g, i, &r) : pick_parent(g, i, s->kind, &r);
                    if (np_in && g->st[first_in].famous >= 0 && hv_rng_chance(&r, 0.7)) {
                        /* merges mostly combine members of one family */
                        int f = g->st[first_in].famous;
                        uint32_t n = g->ring_n[f] < RING ? g->ring_n[f] : RING;
                        p = n ? g->ring[f][hv_rng_below(&r, n)] : g->fam_row[f];
                    }
                    for (unsigned q = 0; q < np && p != NONE; q++)
                        if (pidx[q] == p) p = NONE;
                }
                if (p == NONE) continue;
                poff[np] = plen[np] = 0;
                pidx[np++] = p;
                if (!np_in++) first_in = p;
            }
            if (np == 0) s->kind = KIND_ROOT;
            uint32_t first = NONE;
            for (unsigned k = 0; k < np && first == NONE; k++) first = pidx[k];
            if (first != NONE) {
                par = &g->st[first];
                s->parent = first;
                s->root = par->root;
                s->famous = par->famous;
            }
        }
        if (g->o.plant.license_mutation || g->o.plant.drift) {
            /* the draws see the unplanted parent, so only licenses change */
            rowstate unplanted = par ? *par : (rowstate){0};
            unplanted.license = unplanted.license0;
            traits(g, s, par ? &unplanted : NULL, &r);
            s->license0 = s->license;
            plant_license(g, i, s, par);
        } else {
            traits(g, s, par, &r);
        }
        /* createdAt: exponential growth over the snapshot window (the Hub
         * grew about e^2-fold over it, EST), jittered; the first 1.7% of
         * rows sit on the back-dating floor; a child is younger than its
         * parent. */
        double pos = ((double)i + (hv_rng_unit(&r) - 0.5) * 0.06 * (double)N) / (double)N;
        int64_t t;
        if (pos < 0.017) {
            t = T_FLOOR;
        } else {
            if (pos > 1) pos = 1;
            double k = 2.0, x = log1p(pos * expm1(k)) / k;
            t = T_FLOOR + (int64_t)(x * (double)(T_END - T_FLOOR));
        }
        if (par && t <= (int64_t)par->created) t = (int64_t)par->created + 3600 + (int64_t)hv_rng_below(&r, 30 * 86400);
        if (t > T_END) t = T_END;
        if (par && t < (int64_t)par->created) t = (int64_t)par->created;
        s->created = (uint32_t)t;
    }
    /* Languages: 13.9% of rows list one or more (258,938 of 1,860,411);
     * children keep their parent's first language 87% of the time. */
    const char *langs[MAX_LANGS];
    size_t nl = 0;
    {
        double p_lang = par ? (par->lang ? 0.27 : 0.08) : 0.125;
        if (famous_root >= 0) p_lang = hv_synth_famous_bases[famous_root].language[0] ? 1.0 : 0.0;
        if (hv_rng_chance(&r, p_lang)) {
            /* how many: 1 (88.5%), 2 (7.1%), 3-7 (1.9%), 8 (1.0%), 20-100 (1.4%) */
            double m = hv_rng_unit(&r);
            size_t k = m < 0.885 ? 1 : m < 0.956 ? 2 : m < 0.975 ? 3 + (size_t)hv_rng_below(&r, 5)
                     : m < 0.985 ? 8 : 20 + (size_t)hv_rng_below(&r, 81);
            if (famous_root >= 0 && hv_synth_famous_bases[famous_root].multilingual) k = 90;
            int first;
            if (famous_root >= 0 && !hv_synth_famous_bases[famous_root].multilingual) {
                first = -1;
                for (size_t q = 0; q < hv_synth_languages_n; q++)
                    if (!strcmp(hv_synth_languages[q].code, hv_synth_famous_bases[famous_root].language)) first = (int)q;
                if (first < 0) first = g->lang_en;
            } else if (par && par->lang && hv_rng_chance(&r, 0.87)) {
                first = par->lang - 1;
            } else if (hv_rng_chance(&r, k == 1 ? 0.80 : 0.95)) {
                first = g->lang_en;
            } else {
                first = (int)cum_pick(&g->lang_noen, &r);
            }
            s->lang = (uint8_t)(first + 1);
            langs[nl++] = hv_synth_languages[first].code;
            for (unsigned tries = 0; nl < k && tries < 40 * k; tries++) {
                int c = (int)cum_pick(k > 10 ? &g->lang_all : &g->lang_noen, &r);
                if (k > 10 && hv_rng_chance(&r, 0.5)) c = (int)hv_rng_below(&r, hv_synth_languages_n);
                int dup = 0;
                for (size_t q = 0; q < nl && !dup; q++) dup = langs[q] == hv_synth_languages[c].code;
                if (!dup) langs[nl++] = hv_synth_languages[c].code;
            }
        }
    }

    /* Datasets: ~9% of rows (229,630 tag mentions), more for fine-tunes. */
    hv_sv ds[MAX_DATASETS];
    const char *ds_static[MAX_DATASETS];
    size_t ds_off[MAX_DATASETS], ds_len[MAX_DATASETS], nds = 0;
    {
        double p = s->kind == HV_REL_FINETUNE ? 0.22 : s->kind == HV_REL_ADAPTER ? 0.12 : s->kind == KIND_ROOT ? 0.07 : 0.03;
        if (famous_root < 0 && hv_rng_chance(&r, p)) {
            double m = hv_rng_unit(&r);
            size_t k = m < 0.78 ? 1 : m < 0.93 ? 2 : 3 + (size_t)hv_rng_below(&r, 4);
            for (size_t q = 0; q < k; q++, nds++) {
                ds_static[nds] = NULL;
                if (hv_rng_below(&r, 1000000) < hv_synth_datasets_tail_ppm) {
                    /* the long tail (30,298 distinct tags): made-up ids */
                    ds_off[nds] = g->ids.n;
                    if (synth_tail_dataset(&g->ids, g->o.seed, hv_rng_zipf(&r, N / 60 + 100))) goto oom;
                    ds_len[nds] = g->ids.n - ds_off[nds];
                } else {
                    ds_static[nds] = hv_synth_datasets[cum_pick(&g->ds, &r)].name;
                }
            }
        }
    }

    /* The id, then the parents' ids (rebuilt from their stored state). */
    size_t id_off, id_len;
    if (claim_id(g, i, &g->ids, &id_off, &id_len)) goto oom;
    for (unsigned k = 0; k < np; k++) {
        if (pidx[k] == NONE) continue;
        poff[k] = g->ids.n;
        if (build_id(g, pidx[k], &g->ids)) goto oom;
        plen[k] = g->ids.n - poff[k];
    }
    /* g->ids is final now: turn offsets into views */
    hv_sv id = hv_sv_make(g->ids.p + id_off, id_len);
    hv_sv pids[MAX_PARENTS];
    for (unsigned k = 0; k < np; k++) pids[k] = hv_sv_make(g->ids.p + poff[k], plen[k]);
    for (size_t q = 0; q < nds; q++)
        ds[q] = ds_static[q] ? hv_sv_cstr(ds_static[q]) : hv_sv_make(g->ids.p + ds_off[q], ds_len[q]);
    for (size_t q = 1; q < nds; q++) /* a tag appears once */
        for (size_t d = 0; d < q; d++)
            if (hv_sv_eq(ds[d], ds[q])) { ds[q--] = ds[--nds]; break; }

    /* Card kind: P(card) is 67.04% overall but ~99.5% for derivatives
     * (3.6), so roots get ~53%.  Template shares per relation follow 3.6's
     * P(auto-generated) (finetune ~0.5, adapter ~0.29, quantized and merge
     * ~0), and the Hub template is sized to put arXiv 1910.09700 on ~15.6%
     * of rows. */
    bool has_card = false;
    synth_card_kind ck = SYNTH_CARD_FREE;
    {
        double pc = famous_root >= 0 ? 1.0 : s->kind == KIND_ROOT || !par ? 0.535 : 0.995;
        has_card = hv_rng_chance(&r, pc);
        double u = hv_rng_unit(&r);
        if (famous_root >= 0) ck = SYNTH_CARD_FREE;
        else if (s->kind == HV_REL_FINETUNE) ck = u < 0.30 ? SYNTH_CARD_TRAINER : u < 0.50 ? SYNTH_CARD_HUB : u < 0.60 ? SYNTH_CARD_STUB : SYNTH_CARD_FREE;
        else if (s->kind == HV_REL_ADAPTER) ck = u < 0.05 ? SYNTH_CARD_TRAINER : u < 0.29 ? SYNTH_CARD_HUB : u < 0.45 ? SYNTH_CARD_STUB : SYNTH_CARD_FREE;
        else if (s->kind == HV_REL_QUANTIZED) ck = u < 0.55 ? SYNTH_CARD_GGUF : u < 0.555 ? SYNTH_CARD_HUB : SYNTH_CARD_FREE;
        else if (s->kind == HV_REL_MERGE) ck = u < 0.7 ? SYNTH_CARD_MERGEKIT : SYNTH_CARD_FREE;
        else ck = u < 0.28 ? SYNTH_CARD_HUB : u < 0.36 ? SYNTH_CARD_TRAINER : u < 0.52 ? SYNTH_CARD_STUB : SYNTH_CARD_FREE;
    }
    if (g->o.plant.card_gap) { /* every row a free-form card that opens with the planted block */
        has_card = true;
        ck = SYNTH_CARD_FREE;
    }
    bool template_arxiv = has_card && ck == SYNTH_CARD_HUB;

    /* arXiv: the template's paper, plus ~3% of rows citing real work. */
    hv_sv ax[MAX_ARXIV + 1];
    size_t nax = 0;
    char axbuf[MAX_ARXIV][16];
    if (famous_root >= 0 || hv_rng_chance(&r, 0.03)) {
        size_t k = 1 + (size_t)hv_rng_below(&r, MAX_ARXIV);
        for (size_t q = 0; q < k; q++) {
            if (hv_rng_chance(&r, 0.6)) {
                ax[nax++] = hv_sv_cstr(hv_synth_arxiv[cum_pick(&g->arxiv, &r)].name);
            } else { /* the long tail: 8,790 distinct ids in the dataset */
                uint64_t z = hv_rng_zipf(&r, 9000);
                hv_rng zr = hv_rng_for(0, z, 77);
                unsigned yy = 18 + (unsigned)hv_rng_below(&zr, 8), mm = 1 + (unsigned)hv_rng_below(&zr, 12);
                snprintf(axbuf[q], sizeof axbuf[q], "%02u%02u.%05u", yy, mm, (unsigned)hv_rng_below(&zr, 20000));
                ax[nax++] = hv_sv_cstr(axbuf[q]);
            }
            for (size_t d = 0; d + 1 < nax; d++)
                if (hv_sv_eq(ax[d], ax[nax - 1])) { nax--; break; }
        }
    }
    if (template_arxiv) {
        bool dup = false;
        for (size_t d = 0; d < nax; d++) dup |= hv_sv_eq_cstr(ax[d], "1910.09700");
        if (!dup) ax[nax++] = hv_sv_cstr("1910.09700");
    }

    /* Register this row as a deeper-generation candidate of its family. */
    if (s->kind == HV_REL_FINETUNE && s->famous >= 0 && s->parent != NONE) {
        int f = s->famous;
        g->ring[f][g->ring_n[f] % RING] = i;
        g->ring_n[f]++;
    }

    /* ---- cells ---- */
    const char *lic = s->license ? hv_synth_licenses[s->license - 1].name : NULL;
    const char *pipe = pipeline_name(s->pipeline);
    const char *lib = s->library ? hv_synth_libraries[s->library - 1].name : NULL;
    hv_synth_cell *c = row->cell;

    /* scalars */
    if (famous_root >= 0) {
        c[HV_SC_LIKES].i = 500 + (int64_t)hv_rng_below(&r, 10000);
        c[HV_SC_DOWNLOADS].i = 100000 + (int64_t)hv_rng_below(&r, 10000000);
    } else {
        /* 62% of models have no like; the rest a Pareto tail (EST). */
        double lu = hv_rng_unit(&r);
        c[HV_SC_LIKES].i = lu < 0.62 ? 0 : (int64_t)fmin(50000.0, floor(pow(1 - hv_rng_unit(&r), -1 / 1.1)));
        double du = hv_rng_unit(&r);
        c[HV_SC_DOWNLOADS].i = du < 0.35 ? 0 : (int64_t)fmin(5e7, floor(exp(2.7 + 2.4 * hv_rng_normal(&r))));
    }
    /* The crawl went in trendingScore order, so the score falls with the row. */
    c[HV_SC_TRENDING].d = floor(3000.0 / pow(1.0 + i / 8.0, 0.9) * hv_rng_unit(&r));
    c[HV_SC_PRIVATE].b = false;
    c[HV_SC_RETRIES].d = hv_rng_chance(&r, 0.02) ? (double)(1 + hv_rng_below(&r, 4)) : 0.0;

    /* strings */
    CELL_BEGIN(HV_SC_TAGS);
    {
        size_t nt = 0;
        hv_buf *t = &g->text;
        int rc = hv_buf_putc(t, '[');
        if (lib) rc = rc || put_tag_c(t, &nt, lib);
        if (s->kind == HV_REL_QUANTIZED && !lib) rc = rc || put_tag_c(t, &nt, "gguf");
        else if (lib && (!strcmp(lib, "transformers") || !strcmp(lib, "diffusers"))) rc = rc || put_tag_c(t, &nt, "safetensors");
        if (famous_root >= 0 || (s->famous >= 0 && lib)) rc = rc || put_tag_c(t, &nt, hv_synth_famous_bases[s->famous].arch);
        if (pipe) rc = rc || put_tag_c(t, &nt, pipe);
        if (s->kind == HV_REL_ADAPTER) rc = rc || put_tag_c(t, &nt, "lora");
        if (s->kind == HV_REL_MERGE) rc = rc || put_tag_c(t, &nt, "mergekit") || put_tag_c(t, &nt, "merge");
        if (has_card && ck == SYNTH_CARD_TRAINER) rc = rc || put_tag_c(t, &nt, "generated_from_trainer");
        for (size_t q = 0; q < nl; q++) rc = rc || put_tag_c(t, &nt, langs[q]);
        for (size_t q = 0; q < nds; q++) rc = rc || put_tag(t, &nt, "dataset:", ds[q]);
        for (size_t q = 0; q < nax; q++) rc = rc || put_tag(t, &nt, "arxiv:", ax[q]);
        for (unsigned k = 0; k < np; k++) rc = rc || put_tag(t, &nt, "base_model:", pids[k]);
        if (s->kind != KIND_ROOT && s->kind != HV_REL_BASE) {
            char pre[32];
            snprintf(pre, sizeof pre, "base_model:%s:", hv_relation_name((hv_relation)s->kind));
            for (unsigned k = 0; k < np; k++) rc = rc || put_tag(t, &nt, pre, pids[k]);
        }
        if (lic) rc = rc || put_tag(t, &nt, "license:", hv_sv_cstr(lic));
        if (lib && !strcmp(lib, "transformers")) rc = rc || put_tag_c(t, &nt, "autotrain_compatible") || put_tag_c(t, &nt, "endpoints_compatible");
        rc = rc || put_tag_c(t, &nt, "region:us") || hv_buf_putc(t, ']');
        if (rc) goto oom;
    }
    CELL_END(HV_SC_TAGS);
    char when[48];
    fmt_time((int64_t)s->created, when);
    CELL_BEGIN(HV_SC_CREATED);
    if (hv_buf_append(&g->text, when, strlen(when))) goto oom;
    CELL_END(HV_SC_CREATED);
    CELL_BEGIN(HV_SC_REGIONS);
    if (hv_buf_append(&g->text, "['us']", 6)) goto oom;
    CELL_END(HV_SC_REGIONS);
    CELL_BEGIN(HV_SC_LICENSES);
    {
        hv_sv l = hv_sv_cstr(lic);
        if (put_list(&g->text, &l, lic ? 1 : 0, NULL)) goto oom;
    }
    CELL_END(HV_SC_LICENSES);
    CELL_BEGIN(HV_SC_ARXIV);
    if (put_list(&g->text, ax, nax, NULL)) goto oom;
    CELL_END(HV_SC_ARXIV);
    CELL_BEGIN(HV_SC_DATASETS);
    if (put_list(&g->text, ds, nds, NULL)) goto oom;
    CELL_END(HV_SC_DATASETS);
    CELL_BEGIN(HV_SC_PARENT);
    if (put_list(&g->text, pids, np, NULL)) goto oom;
    CELL_END(HV_SC_PARENT);
    static const int rel_col[HV_REL_COUNT] = {-1, HV_SC_FINETUNE, HV_SC_ADAPTER, HV_SC_QUANTIZED, HV_SC_MERGE};
    for (int k = 1; k < HV_REL_COUNT; k++) {
        int col = rel_col[k];
        CELL_BEGIN(col);
        if (put_list(&g->text, pids, s->kind == k ? np : 0, NULL)) goto oom;
        CELL_END(col);
    }
    CELL_BEGIN(HV_SC_LANGUAGES);
    {
        hv_sv names[MAX_LANGS];
        for (size_t q = 0; q < nl; q++)
            for (size_t z = 0; z < hv_synth_languages_n; z++)
                if (hv_synth_languages[z].code == langs[q]) names[q] = hv_sv_cstr(hv_synth_languages[z].name);
        if (put_list(&g->text, names, nl, NULL)) goto oom;
    }
    CELL_END(HV_SC_LANGUAGES);
    if (!has_card && hv_rng_chance(&r, 0.04)) {
        CELL_BEGIN(HV_SC_EXCEPTION);
        if (hv_buf_printf(&g->text, "404 Client Error. (Request ID: Root=1-%08x-%016llx)\n\n"
                                    "Entry Not Found for url: https://huggingface.co/%.*s/resolve/main/README.md.",
                          (unsigned)hv_rng_u64(&r), (unsigned long long)hv_rng_u64(&r), (int)id.n, id.p))
            goto oom;
        CELL_END(HV_SC_EXCEPTION);
    } else {
        c[HV_SC_EXCEPTION].null = true;
    }

    /* the card */
    if (has_card && g->o.cards) {
        synth_card_ctx cc = {0};
        cc.id = id;
        const char *slash = memchr(id.p, '/', id.n);
        cc.name = slash ? hv_sv_make(slash + 1, id.n - (size_t)(slash + 1 - id.p)) : id;
        cc.bases = pids;
        cc.n_bases = np;
        cc.relation = s->kind == KIND_ROOT ? -1 : s->kind;
        cc.license = lic;
        cc.pipeline = pipe;
        cc.library = lib;
        cc.langs = langs;
        cc.n_langs = nl;
        cc.datasets = ds;
        cc.n_datasets = nds;
        cc.kind = ck;
        /* Free-form length: log-normal, median 1.4 KB, sigma 1.1 (the real
         * sample's quartiles 0.5 / 1.5 / 2.3 KB, p99 23 KB); famous bases
         * have long cards. */
        double med = famous_root >= 0 ? 9000 : 1400;
        double len = med * exp(1.1 * hv_rng_normal(&r));
        cc.target = (size_t)fmin(250000.0, fmax(40.0, len));
        cc.seed = g->o.seed;
        cc.row = i;
        if (g->o.plant.card_gap) {
            hv_buf_clear(&g->scratch);
            if (plant_block(g, i, &g->scratch)) goto oom;
            cc.opening = hv_sv_make(g->scratch.p, g->scratch.n);
        }
        if (synth_card_write(&g->card, &cc)) goto oom;
        c[HV_SC_CARD].s = hv_sv_make(g->card.p, g->card.n);
    } else {
        c[HV_SC_CARD].null = true;
    }
    row->facts.card_autogen = has_card && (ck == SYNTH_CARD_TRAINER || ck == SYNTH_CARD_HUB);

    /* views into g->text (final now) */
    c[HV_SC_MODEL_ID].s = id;
    static const int text_cols[] = {HV_SC_TAGS, HV_SC_CREATED, HV_SC_REGIONS, HV_SC_LICENSES, HV_SC_ARXIV,
                                    HV_SC_DATASETS, HV_SC_PARENT, HV_SC_FINETUNE, HV_SC_QUANTIZED,
                                    HV_SC_ADAPTER, HV_SC_MERGE, HV_SC_LANGUAGES};
    for (size_t q = 0; q < sizeof text_cols / sizeof text_cols[0]; q++)
        c[text_cols[q]].s = hv_sv_make(g->text.p + g->off[text_cols[q]], g->len[text_cols[q]]);
    if (!c[HV_SC_EXCEPTION].null)
        c[HV_SC_EXCEPTION].s = hv_sv_make(g->text.p + g->off[HV_SC_EXCEPTION], g->len[HV_SC_EXCEPTION]);
    if (pipe) c[HV_SC_PIPELINE].s = hv_sv_cstr(pipe);
    else c[HV_SC_PIPELINE].null = true;
    if (lib) c[HV_SC_LIBRARY].s = hv_sv_cstr(lib);
    else c[HV_SC_LIBRARY].null = true;

    row->facts.relation = s->kind == KIND_ROOT ? -1 : s->kind;
    row->facts.n_parents = np;
    row->facts.n_parents_in_file = np_in;
    row->facts.family_root = s->root;
    row->facts.famous = s->famous;
    return HV_OK;
oom:
    return hv_errf(e, HV_ENOMEM, "synth: out of memory at row %u", i);
}
