/* info.c - `hfviz info FILE...`: read the inputs into a catalog and print
 * what they hold.
 *
 * USAGE: hfviz info [--json] [--top N] [--merges] [--skip-bad-rows]
 *                   [--format FMT] [--cards OUT] FILE|DIR...
 * Nothing is printed on stdout unless every input was read, so a failed run
 * leaves no partial output behind. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/facets.h"
#include "cli/commands.h"
#include "core/timeparse.h"
#include "ingest/load.h"
#include "lineage/lineage.h"
#include "mapfile/mapfile.h"

static const char USAGE[] =
    "usage: hfviz info [OPTIONS] FILE|DIR...\n"
    "       hfviz info [--json] MAP\n"
    "\n"
    "Read dataset files (Parquet, CSV, JSONL, Hub API JSON, model cards) into\n"
    "one catalog and print rows, duplicates, edges by relation, families,\n"
    "depth and the top licenses, libraries, pipelines and languages.  Given a\n"
    "map file (hfviz build), check every checksum and describe the map.\n"
    "\n"
    "  --json            machine-readable output\n"
    "  --top N           entries per top list (default 10, at most 1000)\n"
    "  --merges          count merge edges in families and depth (default: no-merge graph)\n"
    "  --skip-bad-rows   skip malformed rows, report how many and why (default: stop at the first)\n"
    "  --format FMT      parquet|csv|jsonl|hubjson|card (default: detect per file)\n"
    "  --cards OUT       also write the model-card text to a card store at OUT\n"
    "  -h, --help        this text\n"
    "\n"
    "Exit status: 0 ok, 2 bad input or unreadable file, 64 usage error.\n";

typedef struct info_opts {
    bool json, merges;
    size_t top;
    const char *cards_out;
    hv_ingest_opts ingest;
} info_opts;

typedef struct family_entry {
    uint32_t family, size;
} family_entry;

static int cmp_family(const void *a, const void *b) {
    const family_entry *x = a, *y = b;
    if (x->size != y->size) return x->size > y->size ? -1 : 1;
    return x->family < y->family ? -1 : x->family > y->family;
}

typedef struct info_stats {
    uint64_t rows, skipped;
    uint64_t edges_by_type[HV_REL_COUNT];
    uint64_t with_parent, roots_with_children, families, cards, autogen, frontmatter, created;
    int64_t created_min, created_max;
    family_entry *largest;
    size_t nlargest;
    uint32_t *family_depth; /* max depth per family */
    hv_facet licenses, libraries, pipelines, languages, datasets;
} info_stats;

static void stats_free(info_stats *s) {
    free(s->largest);
    free(s->family_depth);
    facet_free(&s->licenses);
    facet_free(&s->libraries);
    facet_free(&s->pipelines);
    facet_free(&s->languages);
    facet_free(&s->datasets);
}

static int compute(const hv_load *ld, const hv_lineage *lin, size_t top, info_stats *s) {
    const hv_catalog *c = ld->catalog;
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < ld->nreports; i++) {
        s->rows += ld->reports[i].rows;
        s->skipped += ld->reports[i].rows_skipped;
    }
    for (uint64_t k = 0; k < c->nedges; k++) s->edges_by_type[c->edges[k].type]++;
    s->created_min = INT64_MAX;
    s->created_max = INT64_MIN;
    for (uint32_t r = 0; r < c->n; r++) {
        if (lin->indeg[r]) s->with_parent++;
        if (!lin->indeg[r] && lin->outdeg[r]) s->roots_with_children++;
        s->cards += c->has_card[r];
        s->autogen += c->card_autogen[r];
        s->frontmatter += c->card_frontmatter[r];
        if (c->has[r] & HV_HAS_CREATED) {
            s->created++;
            if (c->created_at[r] < s->created_min) s->created_min = c->created_at[r];
            if (c->created_at[r] > s->created_max) s->created_max = c->created_at[r];
        }
    }
    family_entry *fam = malloc((lin->nfamilies ? lin->nfamilies : 1) * sizeof *fam);
    s->family_depth = calloc(lin->nfamilies ? lin->nfamilies : 1, sizeof *s->family_depth);
    if (!fam || !s->family_depth) { free(fam); return -1; }
    size_t nf = 0;
    for (uint32_t f = 0; f < lin->nfamilies; f++)
        if (lin->family_size[f] >= 2) fam[nf++] = (family_entry){f, lin->family_size[f]};
    for (uint32_t r = 0; r < c->n; r++)
        if (lin->depth[r] > s->family_depth[lin->family[r]]) s->family_depth[lin->family[r]] = lin->depth[r];
    s->families = nf;
    qsort(fam, nf, sizeof *fam, cmp_family);
    s->largest = fam;
    s->nlargest = nf < top ? nf : top;
    if (facet_list(c, &c->licenses, top, &s->licenses) || facet_scalar(c, c->library, top, &s->libraries) ||
        facet_scalar(c, c->pipeline, top, &s->pipelines) || facet_list(c, &c->languages, top, &s->languages) ||
        facet_list(c, &c->datasets, top, &s->datasets))
        return -1;
    return 0;
}

static void add_sv(cJSON *o, const char *key, hv_sv v) {
    char *tmp = strndup(v.p ? v.p : "", v.n);
    cJSON_AddStringToObject(o, key, tmp ? tmp : "");
    free(tmp);
}

static cJSON *facet_json(const hv_catalog *c, const hv_facet *f) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "distinct", (double)f->distinct);
    cJSON_AddNumberToObject(o, "models", (double)f->models);
    cJSON *top = cJSON_AddArrayToObject(o, "top");
    for (size_t i = 0; i < f->ntop; i++) {
        cJSON *t = cJSON_CreateObject();
        add_sv(t, "value", catalog_str(c, f->top[i].sid));
        cJSON_AddNumberToObject(t, "count", (double)f->top[i].count);
        cJSON_AddItemToArray(top, t);
    }
    return o;
}


static void print_json(const hv_load *ld, const hv_lineage *lin, const info_stats *s) {
    const hv_catalog *c = ld->catalog;
    cJSON *root = cJSON_CreateObject();
    cJSON *files = cJSON_AddArrayToObject(root, "files");
    for (size_t i = 0; i < ld->nreports; i++) {
        const hv_ingest_report *r = &ld->reports[i];
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "path", r->path ? r->path : "");
        cJSON_AddStringToObject(f, "format", ingest_format_name(r->format));
        cJSON_AddNumberToObject(f, "bytes", (double)r->bytes);
        cJSON_AddNumberToObject(f, "rows", (double)r->rows);
        cJSON_AddNumberToObject(f, "rows_added", (double)r->rows_added);
        cJSON_AddNumberToObject(f, "rows_skipped", (double)r->rows_skipped);
        cJSON_AddNumberToObject(f, "seconds", r->seconds);
        cJSON *sr = cJSON_AddArrayToObject(f, "skip_reasons");
        for (size_t k = 0; k < r->n_skip_reasons; k++) cJSON_AddItemToArray(sr, cJSON_CreateString(r->skip_reasons[k]));
        cJSON *uc = cJSON_AddArrayToObject(f, "unknown_columns");
        for (size_t k = 0; k < r->n_unknown_columns; k++) cJSON_AddItemToArray(uc, cJSON_CreateString(r->unknown_columns[k]));
        cJSON_AddItemToArray(files, f);
    }
    cJSON_AddNumberToObject(root, "rows", (double)s->rows);
    cJSON_AddNumberToObject(root, "models", (double)c->n);
    cJSON_AddNumberToObject(root, "duplicates", (double)c->duplicates);
    cJSON_AddNumberToObject(root, "rows_skipped", (double)s->skipped);
    cJSON_AddNumberToObject(root, "seconds", ld->seconds);
    cJSON *par = cJSON_AddObjectToObject(root, "parents");
    for (int rel = 0; rel < HV_REL_COUNT; rel++) {
        cJSON *p = cJSON_AddObjectToObject(par, hv_relation_name((hv_relation)rel));
        cJSON_AddNumberToObject(p, "internal", (double)c->parent_rows[rel].nval);
        cJSON_AddNumberToObject(p, "external", (double)c->external_parents[rel]);
    }
    cJSON_AddNumberToObject(root, "self_parents", (double)c->self_parents);
    cJSON *ed = cJSON_AddObjectToObject(root, "edges");
    cJSON_AddNumberToObject(ed, "total", (double)c->nedges);
    for (int rel = 0; rel < HV_REL_COUNT; rel++)
        cJSON_AddNumberToObject(ed, rel == HV_REL_BASE ? "untyped" : hv_relation_name((hv_relation)rel),
                                (double)s->edges_by_type[rel]);
    cJSON *lj = cJSON_AddObjectToObject(root, "lineage");
    cJSON *rels = cJSON_AddArrayToObject(lj, "edge_types");
    for (int rel = 0; rel < HV_REL_COUNT; rel++)
        if ((lin->mask >> rel) & 1u)
            cJSON_AddItemToArray(rels, cJSON_CreateString(rel == HV_REL_BASE ? "untyped" : hv_relation_name((hv_relation)rel)));
    cJSON_AddNumberToObject(lj, "edges", (double)lin->nedges);
    cJSON_AddNumberToObject(lj, "models_with_parent", (double)s->with_parent);
    cJSON_AddNumberToObject(lj, "roots_with_children", (double)s->roots_with_children);
    cJSON_AddNumberToObject(lj, "families", (double)s->families);
    cJSON_AddNumberToObject(lj, "max_depth", lin->max_depth);
    cJSON_AddNumberToObject(lj, "in_cycles", (double)lin->in_cycles);
    cJSON *lf = cJSON_AddArrayToObject(lj, "largest_families");
    for (size_t i = 0; i < s->nlargest; i++) {
        cJSON *f = cJSON_CreateObject();
        add_sv(f, "root", catalog_id(c, lin->family_root[s->largest[i].family]));
        cJSON_AddNumberToObject(f, "size", s->largest[i].size);
        cJSON_AddNumberToObject(f, "max_depth", s->family_depth[s->largest[i].family]);
        cJSON_AddItemToArray(lf, f);
    }
    cJSON *cj = cJSON_AddObjectToObject(root, "cards");
    cJSON_AddNumberToObject(cj, "with_card", (double)s->cards);
    cJSON_AddNumberToObject(cj, "auto_generated", (double)s->autogen);
    cJSON_AddNumberToObject(cj, "with_front_matter", (double)s->frontmatter);
    cJSON_AddNumberToObject(cj, "bad_front_matter", (double)c->cards_bad_frontmatter);
    cJSON *cr = cJSON_AddObjectToObject(root, "created_at");
    cJSON_AddNumberToObject(cr, "models", (double)s->created);
    if (s->created) {
        char a[32], b[32];
        hv_format_time(s->created_min, a);
        hv_format_time(s->created_max, b);
        cJSON_AddStringToObject(cr, "min", a);
        cJSON_AddStringToObject(cr, "max", b);
    }
    cJSON *tp = cJSON_AddObjectToObject(root, "facets");
    cJSON_AddItemToObject(tp, "licenses", facet_json(c, &s->licenses));
    cJSON_AddItemToObject(tp, "libraries", facet_json(c, &s->libraries));
    cJSON_AddItemToObject(tp, "pipelines", facet_json(c, &s->pipelines));
    cJSON_AddItemToObject(tp, "languages", facet_json(c, &s->languages));
    cJSON_AddItemToObject(tp, "datasets", facet_json(c, &s->datasets));
    char *txt = cJSON_Print(root);
    if (txt) puts(txt);
    free(txt);
    cJSON_Delete(root);
}

static void print_facet(const hv_catalog *c, const char *title, const hv_facet *f) {
    printf("\n%s (%" PRIu64 " distinct, %" PRIu64 " models with one)\n", title, f->distinct, f->models);
    for (size_t i = 0; i < f->ntop; i++) {
        hv_sv v = catalog_str(c, f->top[i].sid);
        double pct = f->models ? 100.0 * (double)f->top[i].count / (double)c->n : 0;
        printf("  %-40.*s %10" PRIu64 "  %5.2f%%\n", (int)(v.n > 40 ? 40 : v.n), v.p, f->top[i].count, pct);
    }
}

static void print_text(const hv_load *ld, const hv_lineage *lin, const info_stats *s) {
    const hv_catalog *c = ld->catalog;
    printf("hfviz info: %zu input%s read in %.2f s\n", ld->nreports, ld->nreports == 1 ? "" : "s", ld->seconds);
    for (size_t i = 0; i < ld->nreports; i++) {
        const hv_ingest_report *r = &ld->reports[i];
        printf("  %s (%s, %" PRIu64 " bytes): %" PRIu64 " rows", r->path ? r->path : "?", ingest_format_name(r->format),
               r->bytes, r->rows);
        if (r->rows_skipped) printf(", %" PRIu64 " skipped", r->rows_skipped);
        printf("\n");
        for (size_t k = 0; k < r->n_skip_reasons; k++) printf("    skipped: %s\n", r->skip_reasons[k]);
        if (r->n_unknown_columns) {
            printf("    unknown columns (ignored):");
            for (size_t k = 0; k < r->n_unknown_columns; k++) printf(" %s", r->unknown_columns[k]);
            printf("\n");
        }
    }
    printf("\nrows read            %12" PRIu64 "\n", s->rows);
    printf("distinct models      %12u\n", c->n);
    printf("duplicate ids        %12" PRIu64 "  (the last row wins)\n", c->duplicates);
    if (s->skipped) printf("rows skipped         %12" PRIu64 "\n", s->skipped);
    printf("\nparents declared     %12s %12s\n", "in dataset", "external");
    for (int rel = 0; rel < HV_REL_COUNT; rel++)
        printf("  %-18s %12" PRIu64 " %12" PRIu64 "\n", rel == HV_REL_BASE ? "untyped" : hv_relation_name((hv_relation)rel),
               c->parent_rows[rel].nval, c->external_parents[rel]);
    if (c->self_parents) printf("  self-references (dropped) %" PRIu64 "\n", c->self_parents);
    printf("\nedges (parent in dataset, typed as the paper does) %" PRIu64 "\n", c->nedges);
    for (int rel = 1; rel < HV_REL_COUNT; rel++)
        printf("  %-18s %12" PRIu64 "\n", hv_relation_name((hv_relation)rel), s->edges_by_type[rel]);
    printf("  %-18s %12" PRIu64 "\n", "untyped", s->edges_by_type[HV_REL_BASE]);
    printf("\nfamilies (weakly connected, %s)\n", (lin->mask >> HV_REL_MERGE) & 1u ? "all edges" : "no merge edges");
    printf("  models with a parent %10" PRIu64 "\n", s->with_parent);
    printf("  roots with children  %10" PRIu64 "\n", s->roots_with_children);
    printf("  families (size >= 2) %10" PRIu64 "\n", s->families);
    printf("  max depth            %10u\n", lin->max_depth);
    if (lin->in_cycles) printf("  models in parent cycles %7" PRIu64 "\n", lin->in_cycles);
    printf("  largest:\n");
    for (size_t i = 0; i < s->nlargest; i++) {
        hv_sv id = catalog_id(c, lin->family_root[s->largest[i].family]);
        printf("    %-52.*s %8u models, depth %u\n", (int)id.n, id.p, s->largest[i].size,
               s->family_depth[s->largest[i].family]);
    }
    printf("\nmodel cards: %" PRIu64 " with a card (%.2f%%), %" PRIu64 " auto-generated, %" PRIu64 " with front matter\n",
           s->cards, c->n ? 100.0 * (double)s->cards / c->n : 0, s->autogen, s->frontmatter);
    if (s->created) {
        char a[32], b[32];
        hv_format_time(s->created_min, a);
        hv_format_time(s->created_max, b);
        printf("created: %" PRIu64 " models from %s to %s\n", s->created, a, b);
    }
    print_facet(c, "licenses", &s->licenses);
    print_facet(c, "libraries", &s->libraries);
    print_facet(c, "pipelines", &s->pipelines);
    print_facet(c, "languages", &s->languages);
}

int cmd_info(int argc, char **argv) {
    info_opts o = {.top = 10};
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},         {"top", required_argument, NULL, 't'},
        {"merges", no_argument, NULL, 'm'},       {"skip-bad-rows", no_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'}, {"cards", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'j': o.json = true; break;
        case 'm': o.merges = true; break;
        case 's': o.ingest.skip_bad_rows = true; break;
        case 'c': o.cards_out = optarg; break;
        case 't': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 1000) {
                fprintf(stderr, "hfviz info: --top must be 1..1000, got '%s'\n", optarg);
                return 64;
            }
            o.top = (size_t)v;
            break;
        }
        case 'f':
            o.ingest.format = ingest_format_parse(optarg);
            if (o.ingest.format == HV_FMT_COUNT) {
                fprintf(stderr, "hfviz info: unknown --format '%s' (parquet, csv, jsonl, hubjson, card)\n", optarg);
                return 64;
            }
            break;
        case 'h': fputs(USAGE, stdout); return 0;
        default: fputs(USAGE, stderr); return 64;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "hfviz info: no input files\n\n%s", USAGE);
        return 64;
    }
    if (argc - optind == 1 && mapfile_sniff(argv[optind])) return cmd_info_map(argv[optind], o.json);
    hv_err e = {0, ""};
    hv_load ld;
    int rc = load_inputs(argv + optind, (size_t)(argc - optind), &o.ingest, o.cards_out, &ld, &e);
    if (rc) {
        fprintf(stderr, "hfviz info: %s\n", e.msg);
        return hv_exit_status(rc);
    }
    hv_lineage lin;
    rc = lineage_build(ld.catalog, o.merges ? HV_LINEAGE_ALL_MASK : HV_LINEAGE_DEFAULT_MASK, &lin, &e);
    info_stats s;
    if (rc == HV_OK && compute(&ld, &lin, o.top, &s)) rc = hv_errf(&e, HV_ENOMEM, "out of memory");
    if (rc) {
        fprintf(stderr, "hfviz info: %s\n", e.msg);
        lineage_free(&lin);
        load_free(&ld);
        return hv_exit_status(rc);
    }
    if (o.json) print_json(&ld, &lin, &s);
    else print_text(&ld, &lin, &s);
    stats_free(&s);
    lineage_free(&lin);
    load_free(&ld);
    return 0;
}
