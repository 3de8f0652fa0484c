/* analyze.c - `hfviz analyze INPUT...|MAP ANALYSIS`: the paper's analyses of
 * the ecosystem (src/science/, docs/science.md) on dataset files or a map.
 *
 * Every analysis runs on a hv_sci_view, which a catalog and a map both
 * provide; this file only parses options, loads, and prints text, JSON
 * (the writers of src/science/json.c) or CSV.  Nothing is printed on stdout
 * unless the analysis succeeded. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "core/jsonw.h"
#include "ingest/load.h"
#include "mapfile/map.h"
#include "mapfile/mapfile.h"
#include "science/diff.h"
#include "science/docdrift.h"
#include "science/simtext.h"
#include "science/drift.h"
#include "science/families.h"
#include "science/license.h"
#include "science/similarity.h"
#include "catalog/cardstore.h"

static const char USAGE[] =
    "usage: hfviz analyze [OPTIONS] INPUT...|MAP ANALYSIS\n"
    "\n"
    "Run one of the analyses of \"Anatomy of a Machine Learning Ecosystem\" on\n"
    "dataset files (any format hfviz info reads) or on a map file.\n"
    "docs/science.md defines every number.\n"
    "\n"
    "analyses:\n"
    "  families   roots, families, size and depth distributions, the largest\n"
    "             families, fertility by relation, growth per month and bursts\n"
    "  drift      per trait: mutation rate, transition graph, net drift and the\n"
    "             optimal ordering of the top traits; --pairs lists the edges\n"
    "  license    children less restrictive than a commercial/non-commercial parent\n"
    "  docs       documentation drift: card length, auto-generated cards, cards,\n"
    "             languages, parent vs child (overall, by relation, by generation)\n"
    "  similarity how alike related models are (24 pattern configurations x\n"
    "             Levenshtein, bag of words, TF-IDF; means with bootstrap CIs)\n"
    "  diff       a character-level alignment of two models' metadata or cards\n"
    "             (--models A,B): equal, replaced, deleted and inserted segments\n"
    "\n"
    "options:\n"
    "  --relations SET    edges used: all, nomerge, or a comma list of finetune,\n"
    "                     adapter, quantized, merge, untyped (default: nomerge for\n"
    "                     families, finetune for similarity, all for the rest)\n"
    "  --trait T          drift: license, language, task, library or all (default all)\n"
    "  --top-n N          drift: how many traits to order, 2..20 (default 20)\n"
    "  --pairs FROM,TO    drift: the parent->child pairs behind transition FROM->TO\n"
    "                     (one --trait)\n"
    "  --top N            entries per list, 1..1000 (default 10)\n"
    "  --limit N          pairs listed, 0..1000000 (default 100)\n"
    "  --burst-min N      families: a burst adds at least N models in a month (default 100)\n"
    "  --burst-factor F   ... and at least F times the mean of the window, 1..1e6 (default 5)\n"
    "  --burst-window M   ... the window: the previous M months, 1..120 (default 6)\n"
    "  --artifact A       similarity, diff: metadata (default) or card\n"
    "  --strip-ids        similarity, diff: leave out the model's own id and base_model: tags\n"
    "  --no-frontmatter   similarity, diff: drop the cards' YAML front matter\n"
    "  --samples N        similarity: draws per configuration, 1..100000 (default 1000)\n"
    "  --bootstrap N      similarity: bootstrap resamples, 0..100000 (default 1000)\n"
    "  --seed S           similarity: random seed (default 42)\n"
    "  --fit-max N        similarity: documents the vocabulary is fit on, 1000..10000000\n"
    "                     (default 200000; an even stride over the rest)\n"
    "  --models A,B       diff: the two models (ids)\n"
    "  --family ID        docs: only the family of model ID (weakly connected under\n"
    "                     --relations), with its generation profile per depth\n"
    "  --max-chars N      diff: compare the first N characters of each text, 1..10000 (default 2000)\n"
    "  --json | --csv     machine-readable output (CSV: one table per analysis)\n"
    "  --skip-bad-rows    skip malformed input rows (default: stop at the first)\n"
    "  --format FMT       parquet|csv|jsonl|hubjson|card (default: detect per file)\n"
    "  -h, --help         this text\n"
    "\n"
    "Exit status: 0 ok, 2 bad input or unreadable file, 3 out of memory, 64 usage error.\n";

typedef enum { OUT_TEXT, OUT_JSON, OUT_CSV } out_mode;

typedef struct analyze_opts {
    const char *analysis;
    bool relations_set;
    unsigned mask;
    int trait; /* SCI_TRAIT_COUNT = all */
    uint32_t top_n, top, limit;
    const char *pairs;
    uint32_t burst_min, burst_window;
    double burst_factor;
    sci_similarity_opts sim;
    const char *models;
    const char *family;
    uint32_t max_chars;
    out_mode out;
    hv_ingest_opts ingest;
} analyze_opts;

static int parse_u32(const char *opt, const char *s, uint32_t lo, uint32_t hi, uint32_t *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, "hfviz analyze: %s must be an integer in %u..%u, got '%s'\n", opt, lo, hi, s);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/* ---- output helpers ---------------------------------------------------- */

static void put_sv(FILE *f, hv_sv s) { fwrite(s.p, 1, s.n, f); }

static void csv_sv(FILE *f, hv_sv s) {
    bool quote = false;
    for (size_t i = 0; i < s.n && !quote; i++)
        quote = s.p[i] == ',' || s.p[i] == '"' || s.p[i] == '\n' || s.p[i] == '\r';
    if (!quote) { put_sv(f, s); return; }
    fputc('"', f);
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] == '"') fputc('"', f);
        fputc(s.p[i], f);
    }
    fputc('"', f);
}

static double pct(uint64_t a, uint64_t b) { return b ? 100.0 * (double)a / (double)b : 0.0; }

static int emit_json(void (*fn)(const hv_sci_view *, const void *, hv_jw *), const hv_sci_view *v, const void *x,
                     hv_err *e) {
    hv_buf b = {0};
    hv_jw w;
    jw_init(&w, &b);
    fn(v, x, &w);
    int rc = HV_OK;
    if (w.failed || hv_buf_putc(&b, '\n')) rc = hv_errf(e, HV_ENOMEM, "out of memory writing JSON");
    else fwrite(b.p, 1, b.n, stdout);
    hv_buf_free(&b);
    return rc;
}

static void fam_json(const hv_sci_view *v, const void *x, hv_jw *w) { sci_families_json(v, x, w); }
static void lic_json(const hv_sci_view *v, const void *x, hv_jw *w) { sci_license_json(v, x, w); }
static void doc_json(const hv_sci_view *v, const void *x, hv_jw *w) { sci_docdrift_json(v, x, w); }

/* ---- families ------------------------------------------------------------ */

static int run_families(const hv_sci_view *v, const analyze_opts *o, hv_err *e) {
    sci_families_opts fo;
    sci_families_defaults(&fo);
    if (o->relations_set) fo.mask = o->mask;
    fo.top = o->top;
    fo.burst_min = o->burst_min;
    fo.burst_factor = o->burst_factor;
    fo.burst_window = o->burst_window;
    sci_families f;
    int rc = sci_families_run(v, &fo, &f, e);
    if (rc) return rc;
    if (o->out == OUT_JSON) {
        rc = emit_json(fam_json, v, &f, e);
    } else if (o->out == OUT_CSV) {
        fputs("rank,root,size,max_depth,roots,undated,first_month,last_month\n", stdout);
        for (size_t i = 0; i < f.nlargest; i++) {
            const sci_family_entry *x = &f.largest[i];
            const sci_growth *g = &f.growth[i];
            char a[24] = "", b[24] = "";
            if (g->nmonths) {
                sci_month_text(g->months[0].month, a);
                sci_month_text(g->months[g->nmonths - 1].month, b);
            }
            printf("%zu,", i + 1);
            csv_sv(stdout, sci_id(v, x->root));
            printf(",%u,%u,%u,%" PRIu64 ",%s,%s\n", x->size, x->max_depth, x->roots, g->undated, a, b);
        }
    } else {
        char rel[96];
        sci_relations_name(fo.mask, rel, sizeof rel);
        printf("families over %s edges (%" PRIu64 " of them), %u models\n", rel, f.edges, f.n);
        printf("  models with a parent   %12" PRIu64 "  (%.2f%%)\n", f.with_parent, pct(f.with_parent, f.n));
        printf("  roots (with children)  %12" PRIu64 "\n", f.roots);
        printf("  families (size >= 2)   %12" PRIu64 "  holding %" PRIu64 " models\n", f.families, f.in_families);
        printf("  family size            mean %.2f, median %u, max %u\n", f.mean_size, f.median_size, f.largest_size);
        printf("  max depth              %12u\n", f.max_depth);
        if (f.in_cycles) printf("  models on parent cycles %11" PRIu64 "\n", f.in_cycles);
        printf("\nfamily sizes\n");
        for (size_t b = 0; b < SCI_SIZE_BUCKETS; b++) {
            if (!f.size_hist[b]) continue;
            uint64_t lo = b == 0 ? 2 : ((uint64_t)1 << b) + 1, hi = (uint64_t)2 << b;
            char range[48];
            if (lo == hi) snprintf(range, sizeof range, "%" PRIu64, lo);
            else snprintf(range, sizeof range, "%" PRIu64 "-%" PRIu64, lo, hi);
            printf("  %-22s %10" PRIu64 "\n", range, f.size_hist[b]);
        }
        printf("\ndepth (generation)     models in families   families by max depth\n");
        for (uint32_t d = 0; d <= f.max_depth; d++)
            printf("  %-20u %12" PRIu64 " %22" PRIu64 "\n", d, f.models_at_depth[d], f.families_by_depth[d]);
        printf("\nlargest families (named by their root with most children)\n");
        for (size_t i = 0; i < f.nlargest; i++) {
            hv_sv id = sci_id(v, f.largest[i].root);
            printf("  %3zu. %-56.*s %9u models, depth %u\n", i + 1, (int)(id.n > 56 ? 56 : id.n), id.p,
                   f.largest[i].size, f.largest[i].max_depth);
        }
        printf("\nfertility: edges whose child has children of its own\n");
        for (int r = 1; r <= HV_REL_COUNT; r++) {
            int rr = r % HV_REL_COUNT;
            printf("  %-10s %10" PRIu64 " of %10" PRIu64 "  (%.2f%%)\n", sci_relation_label(rr), f.fert_fertile[rr],
                   f.fert_edges[rr], pct(f.fert_fertile[rr], f.fert_edges[rr]));
        }
        printf("\ngrowth of the largest families (models created per month; %" PRIu64 " models undated)\n",
               f.undated);
        for (size_t i = 0; i < f.nlargest && i < 5; i++) {
            const sci_growth *g = &f.growth[i];
            hv_sv id = sci_id(v, g->root);
            printf("  %.*s:", (int)id.n, id.p);
            size_t from = g->nmonths > 12 ? g->nmonths - 12 : 0;
            if (from) printf(" ...");
            for (size_t k = from; k < g->nmonths; k++) {
                char t[24];
                sci_month_text(g->months[k].month, t);
                printf(" %s +%" PRIu64, t, g->months[k].added);
            }
            printf(" (total dated %" PRIu64 ")\n", g->nmonths ? g->months[g->nmonths - 1].cumulative : 0);
        }
        printf("\nbursts: >= %u models in a month and >= %g x the mean of the previous %u months: %" PRIu64 "\n",
               fo.burst_min, fo.burst_factor, fo.burst_window, f.bursts_total);
        for (size_t i = 0; i < f.nbursts; i++) {
            const sci_burst *b = &f.bursts[i];
            char t[24];
            sci_month_text(b->month, t);
            hv_sv id = sci_id(v, b->root);
            printf("  %s  %-50.*s +%" PRIu64 " (had %" PRIu64 ", window mean %.1f)\n", t, (int)(id.n > 50 ? 50 : id.n),
                   id.p, b->added, b->before, b->baseline);
        }
    }
    sci_families_free(&f);
    return rc;
}

/* ---- drift ---------------------------------------------------------------- */

static void print_values(const hv_sci_view *v, sci_trait t, uint32_t row) {
    uint32_t tmp[1], n;
    const uint32_t *it = sci_trait_items(v, t, row, tmp, &n);
    for (uint32_t i = 0; i < n; i++) {
        if (i) fputc(';', stdout);
        put_sv(stdout, sci_str(v, it[i]));
    }
}

static int run_pairs(const hv_sci_view *v, const analyze_opts *o, unsigned mask, hv_err *e) {
    const char *comma = strchr(o->pairs, ',');
    if (!comma || comma == o->pairs || !comma[1] || strchr(comma + 1, ','))
        return hv_errf(e, HV_EUSAGE, "--pairs wants FROM,TO (two trait values), got '%s'", o->pairs);
    sci_trait t = (sci_trait)o->trait;
    hv_sv fs = hv_sv_make(o->pairs, (size_t)(comma - o->pairs)), ts = hv_sv_cstr(comma + 1);
    uint32_t from = sci_trait_find(v, t, fs), to = sci_trait_find(v, t, ts);
    if (!from || !to)
        return hv_errf(e, HV_EUSAGE, "--pairs: no model has %s '%.*s'", sci_trait_name(t), (int)(!from ? fs.n : ts.n),
                       !from ? fs.p : ts.p);
    uint64_t *idx = malloc((o->limit ? o->limit : 1) * sizeof *idx);
    if (!idx) return hv_errf(e, HV_ENOMEM, "out of memory");
    size_t n;
    uint64_t total;
    int rc = sci_drift_pairs(v, t, mask, from, to, idx, o->limit, &n, &total, e);
    if (rc) { free(idx); return rc; }
    if (o->out == OUT_JSON) {
        hv_buf b = {0};
        hv_jw w;
        jw_init(&w, &b);
        sci_drift_pairs_json(v, t, mask, fs, ts, idx, n, total, &w);
        if (w.failed || hv_buf_putc(&b, '\n')) rc = hv_errf(e, HV_ENOMEM, "out of memory writing JSON");
        else fwrite(b.p, 1, b.n, stdout);
        hv_buf_free(&b);
    } else {
        if (o->out == OUT_CSV) fputs("parent,child,relation,parent_values,child_values\n", stdout);
        else
            printf("%s %.*s -> %.*s: %" PRIu64 " parent->child pairs%s\n", sci_trait_name(t), (int)fs.n, fs.p,
                   (int)ts.n, ts.p, total, total > n ? " (first ones listed; --limit for more)" : "");
        for (size_t i = 0; i < n; i++) {
            const hv_edge *ed = &v->edges[idx[i]];
            if (o->out == OUT_CSV) {
                csv_sv(stdout, sci_id(v, ed->parent));
                fputc(',', stdout);
                csv_sv(stdout, sci_id(v, ed->child));
                printf(",%s,\"", sci_relation_label(ed->type));
                print_values(v, t, ed->parent);
                fputs("\",\"", stdout);
                print_values(v, t, ed->child);
                fputs("\"\n", stdout);
            } else {
                fputs("  ", stdout);
                put_sv(stdout, sci_id(v, ed->parent));
                fputs(" -> ", stdout);
                put_sv(stdout, sci_id(v, ed->child));
                printf("  (%s) [", sci_relation_label(ed->type));
                print_values(v, t, ed->parent);
                fputs("] -> [", stdout);
                print_values(v, t, ed->child);
                fputs("]\n", stdout);
            }
        }
    }
    free(idx);
    return rc;
}

static void print_ordering(const hv_sci_view *v, const sci_drift *d, const char *name, const sci_ordering *o) {
    printf("  %s ordering (upstream -> downstream):\n   ", name);
    for (uint32_t k = 0; k < d->ntop; k++) {
        fputs(k ? ", " : " ", stdout);
        put_sv(stdout, sci_str(v, d->top[o->order[k]]));
    }
    printf("\n    oriented compatibility %u/%u = %.2f%%, mutations accounted for %" PRIu64 "/%" PRIu64 " = %.2f%%\n",
           o->compat_num, o->compat_den, pct(o->compat_num, o->compat_den), o->accounted_num, o->accounted_den,
           pct(o->accounted_num, o->accounted_den));
}

static int run_drift(const hv_sci_view *v, const analyze_opts *o, hv_err *e) {
    unsigned mask = o->relations_set ? o->mask : SCI_REL_ALL;
    if (o->pairs) return run_pairs(v, o, mask, e);
    int t0 = o->trait == SCI_TRAIT_COUNT ? 0 : o->trait, t1 = o->trait == SCI_TRAIT_COUNT ? SCI_TRAIT_COUNT : o->trait + 1;
    hv_buf b = {0};
    hv_jw w;
    jw_init(&w, &b);
    char rel[96];
    sci_relations_name(mask, rel, sizeof rel);
    if (o->out == OUT_JSON && t1 - t0 > 1) {
        jw_obj(&w);
        jw_key(&w, "analysis"); jw_cstr(&w, "drift");
        jw_key(&w, "relations"); jw_cstr(&w, rel);
        jw_key(&w, "traits");
        jw_arr(&w);
    }
    if (o->out == OUT_CSV) fputs("trait,from,to,weight,reverse,net\n", stdout);
    int rc = HV_OK;
    for (int t = t0; t < t1 && rc == HV_OK; t++) {
        sci_drift_opts dop;
        sci_drift_defaults(&dop);
        dop.mask = mask;
        dop.trait = (sci_trait)t;
        dop.top_n = o->top_n;
        dop.top = o->top;
        sci_drift d;
        rc = sci_drift_run(v, &dop, &d, e);
        if (rc) break;
        if (o->out == OUT_JSON) {
            sci_drift_json(v, &d, &w);
        } else if (o->out == OUT_CSV) {
            for (size_t i = 0; i < d.ntransitions; i++) {
                const sci_transition *x = &d.transitions[i];
                printf("%s,", sci_trait_name(dop.trait));
                csv_sv(stdout, sci_str(v, x->from));
                fputc(',', stdout);
                csv_sv(stdout, sci_str(v, x->to));
                printf(",%" PRIu64 ",%" PRIu64 ",%" PRId64 "\n", x->w, x->w_back, (int64_t)x->w - (int64_t)x->w_back);
            }
        } else {
            printf("%s drift over %s edges\n", sci_trait_name(dop.trait), rel);
            printf("  traffic (edges where both carry the trait) %" PRIu64 " of %" PRIu64 "\n", d.traffic, d.edges);
            printf("  mutation rate (mean Jaccard distance)      %.5f  (%" PRIu64 " edges changed)\n", d.mutation_rate,
                   d.mutated);
            printf("  %" PRIu64 " models carry one of %zu values\n", d.models_with_trait, d.nvalues);
            printf("  transition graph: %zu edges, weight %" PRIu64 "; oriented: %" PRIu64 " edges, traffic %" PRIu64
                   ", total_n %" PRIu64 "\n",
                   d.ntransitions, d.raw_total, d.oriented_edges, d.oriented_traffic, d.oriented_total_n);
            printf("  heaviest transitions (weight, reverse):\n");
            for (size_t i = 0; i < d.ntransitions && i < o->top; i++) {
                const sci_transition *x = &d.transitions[i];
                fputs("    ", stdout);
                put_sv(stdout, sci_str(v, x->from));
                fputs(" -> ", stdout);
                put_sv(stdout, sci_str(v, x->to));
                printf("  %" PRIu64 " (%" PRIu64 ")\n", x->w, x->w_back);
            }
            printf("  top %u: %" PRIu64 " oriented edges, traffic %" PRIu64 ", total_n %" PRIu64 "\n", d.ntop,
                   d.top_oriented_edges, d.top_traffic, d.top_total_n);
            if (d.ntop >= 2) {
                print_ordering(v, &d, "weighted", &d.weighted);
                print_ordering(v, &d, "unweighted", &d.unweighted);
            }
            if (t + 1 < t1) fputc('\n', stdout);
        }
        sci_drift_free(&d);
    }
    if (rc == HV_OK && o->out == OUT_JSON) {
        if (t1 - t0 > 1) {
            jw_arr_end(&w);
            jw_obj_end(&w);
        }
        if (w.failed || hv_buf_putc(&b, '\n')) rc = hv_errf(e, HV_ENOMEM, "out of memory writing JSON");
        else fwrite(b.p, 1, b.n, stdout);
    }
    hv_buf_free(&b);
    return rc;
}

/* ---- license audit ------------------------------------------------------- */

static int run_license(const hv_sci_view *v, const analyze_opts *o, hv_err *e) {
    sci_license_opts lo;
    sci_license_defaults(&lo);
    if (o->relations_set) lo.mask = o->mask;
    lo.top = o->top;
    lo.limit = o->limit;
    sci_license_audit a;
    int rc = sci_license_run(v, &lo, &a, e);
    if (rc) return rc;
    if (o->out == OUT_JSON) {
        rc = emit_json(lic_json, v, &a, e);
    } else if (o->out == OUT_CSV) {
        fputs("parent,child,relation,parent_license,child_license,parent_class,child_class\n", stdout);
        for (size_t i = 0; i < a.npairs; i++) {
            const hv_edge *ed = &v->edges[a.pairs[i]];
            int pc, cc;
            uint32_t pl = sci_license_decide(v, ed->parent, &pc), cl = sci_license_decide(v, ed->child, &cc);
            csv_sv(stdout, sci_id(v, ed->parent));
            fputc(',', stdout);
            csv_sv(stdout, sci_id(v, ed->child));
            printf(",%s,", sci_relation_label(ed->type));
            csv_sv(stdout, sci_str(v, pl));
            fputc(',', stdout);
            csv_sv(stdout, sci_str(v, cl));
            printf(",%s,%s\n", sci_license_class_name(pc), sci_license_class_name(cc));
        }
    } else {
        char rel[96];
        sci_relations_name(lo.mask, rel, sizeof rel);
        printf("license audit over %s edges (%" PRIu64 ")\n", rel, a.edges);
        printf("  parent commercial or non-commercial   %10" PRIu64 "\n", a.restrictive_parent);
        printf("    child lists no license              %10" PRIu64 "\n", a.child_none);
        printf("    child's license unclassified        %10" PRIu64 "\n", a.child_unclassified);
        printf("    judged                              %10" PRIu64 "\n", a.judged);
        printf("    child less restrictive (flagged)    %10" PRIu64 "  (%.2f%%)\n", a.flagged, pct(a.flagged, a.judged));
        for (int c = SCI_LIC_COMMERCIAL; c < SCI_LIC_NCLASSES; c++)
            printf("  parent %-15s flagged %8" PRIu64 " of %8" PRIu64 " (%.2f%%)\n", sci_license_class_name(c),
                   a.flagged_by_class[c], a.judged_by_class[c], pct(a.flagged_by_class[c], a.judged_by_class[c]));
        for (int r = 0; r < HV_REL_COUNT; r++)
            if ((lo.mask >> r) & 1u)
                printf("  %-22s flagged %8" PRIu64 " of %8" PRIu64 " (%.2f%%)\n", sci_relation_label(r),
                       a.flagged_by_rel[r], a.judged_by_rel[r], pct(a.flagged_by_rel[r], a.judged_by_rel[r]));
        printf("\nflagged flows (parent license -> child license)\n");
        for (size_t i = 0; i < a.nflows; i++) {
            fputs("  ", stdout);
            put_sv(stdout, sci_str(v, a.flows[i].from));
            fputs(" -> ", stdout);
            put_sv(stdout, sci_str(v, a.flows[i].to));
            printf("  %" PRIu64 "\n", a.flows[i].count);
        }
        printf("\nfamilies (no-merge): %zu judged, %zu with a flagged edge\n", a.nfamilies_judged, a.nfamilies_flagged);
        for (size_t i = 0; i < a.nfamilies; i++) {
            const sci_license_family *f = &a.families[i];
            hv_sv id = sci_id(v, f->root);
            printf("  %-56.*s %7" PRIu64 " of %7" PRIu64 " edges flagged (%.1f%%)\n", (int)(id.n > 56 ? 56 : id.n),
                   id.p, f->flagged, f->judged, pct(f->flagged, f->judged));
        }
        printf("\nflagged pairs (%zu of %" PRIu64 " listed)\n", a.npairs, a.flagged);
        for (size_t i = 0; i < a.npairs; i++) {
            const hv_edge *ed = &v->edges[a.pairs[i]];
            int pc, cc;
            uint32_t pl = sci_license_decide(v, ed->parent, &pc), cl = sci_license_decide(v, ed->child, &cc);
            fputs("  ", stdout);
            put_sv(stdout, sci_id(v, ed->parent));
            fputs(" [", stdout);
            put_sv(stdout, sci_str(v, pl));
            fputs("] -> ", stdout);
            put_sv(stdout, sci_id(v, ed->child));
            fputs(" [", stdout);
            put_sv(stdout, sci_str(v, cl));
            printf("] (%s)\n", sci_relation_label(ed->type));
        }
    }
    sci_license_free(&a);
    return rc;
}

/* ---- documentation drift ------------------------------------------------- */

static void doc_row_text(const char *name, const sci_docgroup *g) {
    printf("  %-14s %8" PRIu64 " | %7" PRIu64 " %9.1f %9.1f %9.1f | %6.3f %6.3f | %6.3f %6.3f | %7" PRIu64
           " %6.2f %6.2f\n",
           name, g->edges, g->card_chars.n, sci_mean_parent(&g->card_chars), sci_mean_child(&g->card_chars),
           sci_mean_child(&g->card_chars) - sci_mean_parent(&g->card_chars), sci_mean_parent(&g->autogen),
           sci_mean_child(&g->autogen), sci_mean_parent(&g->has_card), sci_mean_child(&g->has_card), g->langs_both.n,
           sci_mean_parent(&g->langs_both), sci_mean_child(&g->langs_both));
}

static void doc_row_csv(const char *name, const sci_docgroup *g) {
    printf("%s,%" PRIu64 ",%" PRIu64 ",%.17g,%.17g,%.17g,%" PRIu64 ",%.17g,%.17g,%.17g,%.17g,%" PRIu64
           ",%.17g,%.17g,%.17g,%.17g\n",
           name, g->edges, g->card_chars.n, sci_mean_parent(&g->card_chars), sci_mean_child(&g->card_chars),
           sci_mean_child(&g->card_chars) - sci_mean_parent(&g->card_chars), g->autogen.n,
           sci_mean_parent(&g->autogen), sci_mean_child(&g->autogen), sci_mean_parent(&g->has_card),
           sci_mean_child(&g->has_card), g->langs_both.n, sci_mean_parent(&g->langs_both),
           sci_mean_child(&g->langs_both), sci_mean_parent(&g->langs_all), sci_mean_child(&g->langs_all));
}

static int run_docs(const hv_sci_view *v, const analyze_opts *o, hv_err *e) {
    sci_docdrift_opts dop = {o->relations_set ? o->mask : SCI_REL_ALL, false, 0};
    if (o->family) {
        hv_sv id = hv_sv_cstr(o->family);
        if ((dop.family_row = sci_find(v, id)) == HV_NO_ROW)
            return hv_errf(e, HV_EINPUT, "docs: no model '%.*s' in the data (--family)", (int)(id.n > 200 ? 200 : id.n),
                           id.p);
        dop.family = true;
    }
    sci_docdrift d;
    int rc = sci_docdrift_run(v, &dop, &d, e);
    if (rc) {
        sci_docdrift_free(&d);
        return rc;
    }
    if (o->out == OUT_JSON) {
        rc = emit_json(doc_json, v, &d, e);
        sci_docdrift_free(&d);
        return rc;
    }
    void (*row)(const char *, const sci_docgroup *) = o->out == OUT_CSV ? doc_row_csv : doc_row_text;
    if (o->out == OUT_CSV) {
        fputs("group,edges,card_edges,card_chars_parent,card_chars_child,card_chars_change,autogen_edges,"
              "autogen_parent,autogen_child,has_card_parent,has_card_child,language_edges,languages_parent,"
              "languages_child,languages_all_parent,languages_all_child\n",
              stdout);
    } else {
        char rel[96];
        sci_relations_name(dop.mask, rel, sizeof rel);
        printf("documentation drift, parent -> child, over %s edges\n", rel);
        if (d.profile) {
            hv_sv id = sci_id(v, dop.family_row), root = sci_id(v, d.family_root);
            printf("  only the family of %.*s (root %.*s, %u models)\n", (int)id.n, id.p, (int)root.n, root.p,
                   d.family_size);
        }
        printf("  card length: edges where both have a card (mean characters; change = child mean - parent mean)\n");
        printf("  auto-generated: same edges; has card: every edge; languages: edges where both list one\n\n");
        printf("  %-14s %8s | %7s %9s %9s %9s | %13s | %13s | %7s %13s\n", "group", "edges", "cards", "parent",
               "child", "change", "P(auto-gen)", "P(has card)", "lang", "languages");
    }
    row("overall", &d.overall);
    for (int r = 1; r <= HV_REL_COUNT; r++) {
        int rr = r % HV_REL_COUNT;
        if ((dop.mask >> rr) & 1u) row(sci_relation_label(rr), &d.by_rel[rr]);
    }
    for (uint32_t g = 0; g <= d.max_gen; g++) {
        if (!d.by_gen[g].edges) continue;
        char name[32];
        if (g == 0) snprintf(name, sizeof name, "gen-cycle");
        else snprintf(name, sizeof name, "gen-%u%s", g, g == SCI_GEN_MAX ? "+" : "");
        row(name, &d.by_gen[g]);
    }
    if (o->out == OUT_TEXT && d.overall.rel_change_n)
        printf("\n  (the mean of per-edge relative changes of card length would say %+.1f%%: the pitfall the paper's\n"
               "   notes warn about; the change of means above is the number to read)\n",
               100.0 * d.overall.rel_change_sum / (double)d.overall.rel_change_n);
    if (o->out == OUT_TEXT && d.profile) {
        printf("\ngeneration profile (shares of the models at each depth; auto-generated and card length: of those\n"
               "with a card; incoming: models with an edge of that relation from a parent)\n\n");
        printf("  %5s %8s", "depth", "models");
        for (int r = 1; r <= HV_REL_COUNT; r++) {
            int rr = r % HV_REL_COUNT;
            if ((dop.mask >> rr) & 1u) printf(" %9s", sci_relation_label(rr));
        }
        printf(" %8s %8s %9s %10s\n", "en-only", "card", "auto-gen", "card chars");
        for (uint32_t k = 0; k <= d.family_depth; k++) {
            const sci_genprofile *p = &d.profile[k];
            printf("  %5u %8" PRIu64, k, p->models);
            for (int r = 1; r <= HV_REL_COUNT; r++) {
                int rr = r % HV_REL_COUNT;
                if ((dop.mask >> rr) & 1u) printf(" %9.3f", p->models ? (double)p->incoming[rr] / (double)p->models : 0.0);
            }
            double n = p->models ? (double)p->models : 1.0, c = p->with_card ? (double)p->with_card : 1.0;
            printf(" %8.3f %8.3f %9.3f %10.1f\n", (double)p->english_only / n, (double)p->with_card / n,
                   (double)p->auto_generated / c, p->card_chars_sum / c);
        }
        if (d.family_in_cycles) printf("  (%" PRIu64 " models on parent cycles counted at depth 0)\n", d.family_in_cycles);
    }
    sci_docdrift_free(&d);
    return HV_OK;
}

/* ---- similarity ------------------------------------------------------------ */

static void sim_json(const hv_sci_view *v, const void *x, hv_jw *w) { sci_similarity_json(v, x, w); }

static int run_similarity(const hv_sci_view *v, const analyze_opts *o, hv_err *e) {
    sci_similarity_opts so = o->sim;
    if (o->relations_set) so.mask = o->mask;
    sci_similarity *s = malloc(sizeof *s);
    if (!s) return hv_errf(e, HV_ENOMEM, "out of memory");
    int rc = sci_similarity_run(v, &so, s, e);
    if (rc) { free(s); return rc; }
    if (o->out == OUT_JSON) {
        rc = emit_json(sim_json, v, s, e);
    } else {
        if (o->out == OUT_CSV)
            fputs("pattern,config,relation,generation_gap,hops,instances,drawn,pairs,measure,mean,ci_low,ci_high\n", stdout);
        else {
            char rel[96];
            sci_relations_name(so.mask, rel, sizeof rel);
            printf("similarity of related models over %s edges, artifact %s%s%s\n", rel,
                   so.artifact == SCI_ART_CARD ? "card (first 512 characters)" : "metadata",
                   so.strip_ids ? ", own id and base_model: tags left out" : "",
                   so.drop_frontmatter ? ", front matter dropped" : "");
            printf("  %u draws per configuration, %u bootstrap resamples, seed %llu; vocabulary of %u features from "
                   "%llu of %llu documents\n\n",
                   so.samples, so.bootstrap, (unsigned long long)so.seed, s->features, (unsigned long long)s->fit_docs,
                   (unsigned long long)s->eligible_docs);
            printf("  %-7s %-2s %-18s %3s %4s %7s | %-21s | %-21s | %-21s\n", "pattern", "#", "relation", "gap", "hops",
                   "pairs", "levenshtein [95% CI]", "bag of words", "tf-idf");
        }
        for (int c = 0; c < SCI_SIM_CONFIGS; c++) {
            const sci_sim_config *t = &SCI_SIM_TABLE[c];
            if (o->out == OUT_CSV) {
                for (int m = 0; m < SCI_SIM_MEASURES; m++) {
                    const sci_sim_stat *st = &s->stat[c][m];
                    printf("%s,%d,%s,", t->pattern, t->config, t->relation);
                    if (t->generation_gap >= 0) printf("%d,%d", t->generation_gap, t->hops);
                    else fputc(',', stdout);
                    printf(",%llu,%llu,%llu,%s,%.17g,%.17g,%.17g\n",
                           (unsigned long long)s->instances[sci_sim_pattern_of(c)], (unsigned long long)s->drawn[c],
                           (unsigned long long)s->pairs[c], SCI_SIM_MEASURE_NAMES[m], st->mean, st->lo, st->hi);
                }
            } else {
                char gap[16] = "-", hops[16] = "-";
                if (t->generation_gap >= 0) {
                    snprintf(gap, sizeof gap, "%d", t->generation_gap);
                    snprintf(hops, sizeof hops, "%d", t->hops);
                }
                printf("  %-7s %-2d %-18s %3s %4s %7llu", t->pattern, t->config, t->relation, gap, hops,
                       (unsigned long long)s->pairs[c]);
                for (int m = 0; m < SCI_SIM_MEASURES; m++) {
                    const sci_sim_stat *st = &s->stat[c][m];
                    if (st->n) printf(" | %.3f [%.3f, %.3f]", st->mean, st->lo, st->hi);
                    else printf(" | %-21s", "  (no pairs)");
                }
                putchar('\n');
            }
        }
    }
    free(s);
    return rc;
}

/* ---- diff -------------------------------------------------------------------- */

static void text_sv(FILE *f, hv_sv s) {
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] == '\n') fputs("\\n", f);
        else if (s.p[i] == '\t') fputs("\\t", f);
        else fputc(s.p[i], f);
    }
}

static int diff_text(const hv_sci_view *v, const analyze_opts *o, uint32_t row, hv_buf *out, hv_err *e) {
    if (o->sim.artifact == SCI_ART_METADATA)
        return sci_meta_text(v, row, o->sim.strip_ids, out) ? hv_errf(e, HV_ENOMEM, "out of memory") : HV_OK;
    bool has;
    int rc = sci_card_full(o->sim.cards, v, row, o->sim.drop_frontmatter, out, &has, e);
    if (rc == HV_OK && !has) {
        hv_sv id = sci_id(v, row);
        return hv_errf(e, HV_EUSAGE, "%.*s has no model card in the data", (int)id.n, id.p);
    }
    return rc;
}

static int run_diff(const hv_sci_view *v, const analyze_opts *o, hv_err *e) {
    const char *comma = o->models ? strchr(o->models, ',') : NULL;
    if (!comma || comma == o->models || !comma[1] || strchr(comma + 1, ','))
        return hv_errf(e, HV_EUSAGE, "diff needs --models A,B (two model ids)");
    hv_sv ids[2] = {hv_sv_make(o->models, (size_t)(comma - o->models)), hv_sv_cstr(comma + 1)};
    uint32_t rows[2];
    for (int k = 0; k < 2; k++)
        if ((rows[k] = sci_find(v, ids[k])) == HV_NO_ROW)
            return hv_errf(e, HV_EUSAGE, "diff: no model '%.*s' in the data", (int)(ids[k].n > 200 ? 200 : ids[k].n),
                           ids[k].p);
    hv_buf t[2] = {{0}, {0}};
    int rc = diff_text(v, o, rows[0], &t[0], e);
    if (rc == HV_OK) rc = diff_text(v, o, rows[1], &t[1], e);
    hv_sv a = {0}, b = {0};
    bool truncated = false;
    if (rc == HV_OK) {
        size_t la = sci_prefix_bytes(hv_sv_make(t[0].p, t[0].n), o->max_chars);
        size_t lb = sci_prefix_bytes(hv_sv_make(t[1].p, t[1].n), o->max_chars);
        truncated = la < t[0].n || lb < t[1].n;
        a = hv_sv_make(t[0].p, la);
        b = hv_sv_make(t[1].p, lb);
    }
    sci_diff d = {0};
    if (rc == HV_OK) rc = sci_diff_run(a, b, &d, e);
    if (rc) {
        hv_buf_free(&t[0]);
        hv_buf_free(&t[1]);
        return rc;
    }
    size_t longest = d.a_chars > d.b_chars ? d.a_chars : d.b_chars;
    double sim = longest ? 1.0 - (double)d.distance / (double)longest : 1.0;
    const char *art = o->sim.artifact == SCI_ART_CARD ? "card" : "metadata";
    if (o->out == OUT_JSON) {
        hv_buf jb = {0};
        hv_jw w;
        jw_init(&w, &jb);
        sci_diff_json(&d, art, ids[0], ids[1], a, b, truncated, &w);
        if (w.failed || hv_buf_putc(&jb, '\n')) rc = hv_errf(e, HV_ENOMEM, "out of memory writing JSON");
        else fwrite(jb.p, 1, jb.n, stdout);
        hv_buf_free(&jb);
    } else if (o->out == OUT_CSV) {
        fputs("op,a,b\n", stdout);
        for (size_t i = 0; i < d.nsegs; i++) {
            const sci_diff_seg *s = &d.segs[i];
            printf("%s,", sci_seg_name(s->op));
            csv_sv(stdout, hv_sv_make(a.p + s->a_off, s->a_len));
            fputc(',', stdout);
            csv_sv(stdout, hv_sv_make(b.p + s->b_off, s->b_len));
            fputc('\n', stdout);
        }
    } else {
        printf("diff of the %s of %.*s and %.*s: %zu and %zu characters%s\n", art, (int)ids[0].n, ids[0].p,
               (int)ids[1].n, ids[1].p, d.a_chars, d.b_chars, truncated ? " (truncated: --max-chars)" : "");
        printf("edit distance %llu, similarity %.4f; = equal, ~ replaced (a -> b), - only in a, + only in b\n",
               (unsigned long long)d.distance, sim);
        for (size_t i = 0; i < d.nsegs; i++) {
            const sci_diff_seg *s = &d.segs[i];
            static const char MARK[] = "=~-+";
            printf("%c ", MARK[s->op]);
            if (s->op == SCI_SEG_REPLACE) {
                text_sv(stdout, hv_sv_make(a.p + s->a_off, s->a_len));
                fputs("  ->  ", stdout);
                text_sv(stdout, hv_sv_make(b.p + s->b_off, s->b_len));
            } else if (s->op == SCI_SEG_INSERT) {
                text_sv(stdout, hv_sv_make(b.p + s->b_off, s->b_len));
            } else {
                text_sv(stdout, hv_sv_make(a.p + s->a_off, s->a_len));
            }
            putchar('\n');
        }
    }
    sci_diff_free(&d);
    hv_buf_free(&t[0]);
    hv_buf_free(&t[1]);
    return rc;
}

/* ---- entry point ---------------------------------------------------------- */

int cmd_analyze(int argc, char **argv) {
    analyze_opts o = {.max_chars = 2000, .trait = SCI_TRAIT_COUNT, .top_n = 20, .top = 10, .limit = 100, .burst_min = 100,
                      .burst_window = 6, .burst_factor = 5.0};
    sci_similarity_defaults(&o.sim);
    enum { O_REL = 256, O_TRAIT, O_TOPN, O_PAIRS, O_TOP, O_LIMIT, O_BMIN, O_BFAC, O_BWIN, O_JSON, O_CSV, O_SKIP, O_FMT,
           O_ART, O_STRIP, O_NOFM, O_SAMPLES, O_BOOT, O_SEED, O_FIT, O_MODELS, O_MAXCH, O_FAMILY };
    static const struct option longopts[] = {
        {"relations", required_argument, NULL, O_REL}, {"trait", required_argument, NULL, O_TRAIT},
        {"top-n", required_argument, NULL, O_TOPN},    {"pairs", required_argument, NULL, O_PAIRS},
        {"top", required_argument, NULL, O_TOP},       {"limit", required_argument, NULL, O_LIMIT},
        {"burst-min", required_argument, NULL, O_BMIN}, {"burst-factor", required_argument, NULL, O_BFAC},
        {"burst-window", required_argument, NULL, O_BWIN}, {"json", no_argument, NULL, O_JSON},
        {"csv", no_argument, NULL, O_CSV},             {"skip-bad-rows", no_argument, NULL, O_SKIP},
        {"format", required_argument, NULL, O_FMT},    {"help", no_argument, NULL, 'h'},
        {"artifact", required_argument, NULL, O_ART},  {"strip-ids", no_argument, NULL, O_STRIP},
        {"no-frontmatter", no_argument, NULL, O_NOFM}, {"samples", required_argument, NULL, O_SAMPLES},
        {"bootstrap", required_argument, NULL, O_BOOT}, {"seed", required_argument, NULL, O_SEED},
        {"fit-max", required_argument, NULL, O_FIT},   {"models", required_argument, NULL, O_MODELS},
        {"max-chars", required_argument, NULL, O_MAXCH}, {"family", required_argument, NULL, O_FAMILY},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    int ch;
    hv_err e = {0, ""};
    bool json = false, csv = false;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case O_REL:
            if (sci_relations_parse(optarg, &o.mask, &e)) {
                fprintf(stderr, "hfviz analyze: %s\n", e.msg);
                return 64;
            }
            o.relations_set = true;
            break;
        case O_TRAIT:
            if (!strcmp(optarg, "all")) o.trait = SCI_TRAIT_COUNT;
            else if ((o.trait = sci_trait_parse(optarg)) == SCI_TRAIT_COUNT) {
                fprintf(stderr, "hfviz analyze: --trait must be license, language, task, library or all, got '%s'\n",
                        optarg);
                return 64;
            }
            break;
        case O_TOPN: if (parse_u32("--top-n", optarg, 2, SCI_LOP_MAX, &o.top_n)) return 64; break;
        case O_TOP: if (parse_u32("--top", optarg, 1, SCI_TOP_MAX, &o.top)) return 64; break;
        case O_LIMIT: if (parse_u32("--limit", optarg, 0, 1000000, &o.limit)) return 64; break;
        case O_BMIN: if (parse_u32("--burst-min", optarg, 1, 1000000000, &o.burst_min)) return 64; break;
        case O_BWIN: if (parse_u32("--burst-window", optarg, 1, 120, &o.burst_window)) return 64; break;
        case O_BFAC: {
            char *end;
            errno = 0;
            double f = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(f >= 1.0 && f <= 1e6)) {
                fprintf(stderr, "hfviz analyze: --burst-factor must be a number in 1..1e6, got '%s'\n", optarg);
                return 64;
            }
            o.burst_factor = f;
            break;
        }
        case O_PAIRS: o.pairs = optarg; break;
        case O_ART:
            if (!strcmp(optarg, "metadata")) o.sim.artifact = SCI_ART_METADATA;
            else if (!strcmp(optarg, "card")) o.sim.artifact = SCI_ART_CARD;
            else {
                fprintf(stderr, "hfviz analyze: --artifact must be metadata or card, got '%s'\n", optarg);
                return 64;
            }
            break;
        case O_STRIP: o.sim.strip_ids = true; break;
        case O_MODELS: o.models = optarg; break;
        case O_FAMILY: o.family = optarg; break;
        case O_MAXCH: if (parse_u32("--max-chars", optarg, 1, SCI_DIFF_MAX, &o.max_chars)) return 64; break;
        case O_NOFM: o.sim.drop_frontmatter = true; break;
        case O_SAMPLES: if (parse_u32("--samples", optarg, 1, 100000, &o.sim.samples)) return 64; break;
        case O_BOOT: if (parse_u32("--bootstrap", optarg, 0, 100000, &o.sim.bootstrap)) return 64; break;
        case O_FIT: if (parse_u32("--fit-max", optarg, 1000, 10000000, &o.sim.fit_max)) return 64; break;
        case O_SEED: {
            char *end;
            errno = 0;
            unsigned long long sd = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || optarg[0] == '-') {
                fprintf(stderr, "hfviz analyze: --seed must be a non-negative integer, got '%s'\n", optarg);
                return 64;
            }
            o.sim.seed = sd;
            break;
        }
        case O_JSON: json = true; break;
        case O_CSV: csv = true; break;
        case O_SKIP: o.ingest.skip_bad_rows = true; break;
        case O_FMT:
            o.ingest.format = ingest_format_parse(optarg);
            if (o.ingest.format == HV_FMT_COUNT) {
                fprintf(stderr, "hfviz analyze: unknown --format '%s' (parquet, csv, jsonl, hubjson, card)\n", optarg);
                return 64;
            }
            break;
        case 'h': fputs(USAGE, stdout); return 0;
        default: fputs(USAGE, stderr); return 64;
        }
    }
    if (json && csv) {
        fprintf(stderr, "hfviz analyze: --json and --csv exclude each other\n");
        return 64;
    }
    o.out = json ? OUT_JSON : csv ? OUT_CSV : OUT_TEXT;
    if (argc - optind < 2) {
        fprintf(stderr, "hfviz analyze: give INPUT...|MAP and an ANALYSIS\n\n%s", USAGE);
        return 64;
    }
    o.analysis = argv[argc - 1];
    int (*run)(const hv_sci_view *, const analyze_opts *, hv_err *) = NULL;
    if (!strcmp(o.analysis, "families")) run = run_families;
    else if (!strcmp(o.analysis, "drift")) run = run_drift;
    else if (!strcmp(o.analysis, "license")) run = run_license;
    else if (!strcmp(o.analysis, "docs")) run = run_docs;
    else if (!strcmp(o.analysis, "similarity")) run = run_similarity;
    else if (!strcmp(o.analysis, "diff")) run = run_diff;
    else {
        fprintf(stderr, "hfviz analyze: unknown analysis '%s' (families, drift, license, docs, similarity, diff)\n",
                o.analysis);
        return 64;
    }
    if (o.pairs && (run != run_drift || o.trait == SCI_TRAIT_COUNT)) {
        fprintf(stderr, "hfviz analyze: --pairs goes with drift and one --trait\n");
        return 64;
    }
    if (o.relations_set && !o.mask) {
        fprintf(stderr, "hfviz analyze: --relations names no relation\n");
        return 64;
    }
    char **inputs = argv + optind;
    size_t ninputs = (size_t)(argc - optind - 1);
    hv_sci_view v;
    hv_load ld = {0};
    hv_map m;
    bool is_map = ninputs == 1 && mapfile_sniff(inputs[0]);
    /* card text: the map's embedded store, or one written from the inputs
     * to a temp file that is unlinked as soon as it is open */
    if (o.family && run != run_docs) {
        fprintf(stderr, "hfviz analyze: --family goes with docs\n");
        return 64;
    }
    if (run == run_diff && !o.models) {
        fprintf(stderr, "hfviz analyze: diff needs --models A,B\n");
        return 64;
    }
    bool need_cards = (run == run_similarity || run == run_diff) && o.sim.artifact == SCI_ART_CARD;
    char cards_tmp[] = "/tmp/hfviz-analyze-cards-XXXXXX";
    bool have_tmp = false;
    int rc = HV_OK;
    if (need_cards && !is_map) {
        int fd = mkstemp(cards_tmp);
        if (fd < 0) rc = hv_errf(&e, HV_EIO, "cannot create a temp file for the card text: %s", strerror(errno));
        else {
            close(fd);
            have_tmp = true;
        }
    }
    if (rc == HV_OK && is_map) {
        rc = map_open(inputs[0], false, &m, &e);
        if (rc == HV_OK) sci_view_from_map(&m, &v);
        if (rc == HV_OK && need_cards) {
            if (!m.cards_size) {
                rc = hv_errf(&e, HV_EUSAGE, "%s holds no model cards (build the map with card files)", inputs[0]);
            } else if (!(o.sim.cards = cardstore_open_at(inputs[0], m.cards_offset, m.cards_size, &e))) {
                rc = HV_EINPUT;
            }
            if (rc) map_close(&m);
        }
    } else if (rc == HV_OK) {
        rc = load_inputs(inputs, ninputs, &o.ingest, have_tmp ? cards_tmp : NULL, &ld, &e);
        if (rc == HV_OK) sci_view_from_catalog(ld.catalog, &v);
        if (rc == HV_OK && need_cards && !(o.sim.cards = cardstore_open(cards_tmp, &e))) {
            rc = HV_EINPUT;
            load_free(&ld);
        }
    }
    if (have_tmp) unlink(cards_tmp);
    if (rc == HV_OK && need_cards && cardstore_count(o.sim.cards) == 0) {
        rc = hv_errf(&e, HV_EUSAGE, "%s holds no model cards (the card artifact needs card text: card files, a "
                     "modelCard column, or a map built from them)", is_map ? inputs[0] : "the input");
        cardstore_close_reader(o.sim.cards);
        if (is_map) map_close(&m);
        else load_free(&ld);
    }
    if (rc) {
        fprintf(stderr, "hfviz analyze: %s\n", e.msg);
        return hv_exit_status(rc);
    }
    rc = run(&v, &o, &e);
    if (rc == HV_OK && (fflush(stdout) || ferror(stdout))) rc = hv_errf(&e, HV_EIO, "cannot write to stdout");
    cardstore_close_reader(o.sim.cards);
    if (is_map) map_close(&m);
    else load_free(&ld);
    if (rc) {
        fprintf(stderr, "hfviz analyze: %s\n", e.msg);
        return hv_exit_status(rc);
    }
    return 0;
}
