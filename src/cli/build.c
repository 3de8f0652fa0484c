/* build.c - `hfviz build INPUT... -o MAP`: ingest, lineage, embed, kNN,
 * UMAP 2D/3D, clusters, and one map file.
 *
 * USAGE: hfviz build [OPTIONS] INPUT... -o MAP
 * Stage results that are slow to make (the embedding and the kNN graph)
 * are cached in MAP.cache/, keyed by a hash of the inputs (path, size,
 * mtime) and of the options that shape them, so a rerun that changes only
 * the layout or the clusters reuses them. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog/cardstore.h"
#include "cli/commands.h"
#include "cluster/kmeans.h"
#include "core/atomicfile.h"
#include "core/progress.h"
#include "core/strpool.h"
#include "embed/embed.h"
#include "embed/embed_model.h"
#include "search/search.h"
#include "ingest/load.h"
#include "knn/knn.h"
#include "layout/umap.h"
#include "lineage/lineage.h"
#include "mapfile/map.h"
#include "text/modeltext.h"
#include "core/clock.h"
#include "track/track.h"

void openblas_set_num_threads(int n); /* from OpenBLAS; cblas.h would drag in complex.h */

static const char USAGE[] =
    "usage: hfviz build [OPTIONS] INPUT... -o MAP\n"
    "\n"
    "Read the inputs (Parquet, CSV, JSONL, Hub JSON, model cards), embed every\n"
    "model, build the kNN graph, lay it out with UMAP in 2D and 3D, cluster it,\n"
    "and write one map file for `hfviz serve`, `info` and `export`.\n"
    "\n"
    "  -o, --output MAP      the map file to write (atomically: temp file + rename)\n"
    "  -t, --threads N       threads (default: all cores); 1 = deterministic\n"
    "  -s, --seed S          random seed (default 42)\n"
    "      --dims LIST       layouts to compute: 2, 3 or 2,3 (default 2,3)\n"
    "  -k, --neighbors K     kNN graph and UMAP neighbours (default 30, 2..200)\n"
    "      --embed-dims D    embedding dimensions (default 96, 8..512; bert: the model's)\n"
    "      --embedder NAME   tfidf-svd (default: no weights needed) or bert\n"
    "      --model-dir DIR   the bert embedder's model folder (sentence-transformers /\n"
    "                        Hugging Face layout, docs/bert.md); implies --embedder bert\n"
    "      --vectors V.npy   use these vectors (from `hfviz embed`, e.g. under mpirun)\n"
    "                        instead of embedding: rows must match V.ids.txt and the inputs\n"
    "      --features F      TF-IDF hashing space (default 262144)\n"
    "      --clusters K      k-means clusters (default: about sqrt(n/2), at most 256)\n"
    "      --min-dist X      UMAP min_dist (default 0.3)\n"
    "      --spread X        UMAP spread (default 1.5)\n"
    "      --epochs N        UMAP epochs (default: 500 up to 10k models, else 200); the 3D\n"
    "                        layout starts from the 2D one and runs half as many\n"
    "      --merges          count merge edges in families and depth\n"
    "      --no-vectors      leave the embedding out of the map (smaller file)\n"
    "      --no-cache        recompute every stage, write no cache\n"
    "      --skip-bad-rows   skip malformed rows and report them\n"
    "      --format FMT      parquet|csv|jsonl|hubjson|card for every input\n"
    "      --track-db FILE   append the dataset's model counts by createdAt month to\n"
    "                        this model-count database (docs/tracking.md)\n"
    "  -h, --help            this text\n";

typedef struct build_opts {
    const char *out;
    const char *track_db;
    const char *embedder, *model_dir, *vectors_in;
    bool embed_dims_given;
    int threads;
    uint64_t seed;
    bool dim2, dim3, merges, vectors, cache;
    uint32_t k, embed_dims, features, clusters, epochs;
    float min_dist, spread;
    hv_ingest_opts ingest;
} build_opts;

/* ---- the stage cache ---- */

static uint64_t mix(uint64_t h, const void *p, size_t n) { return hv_hash_bytes(p, n) ^ (h * 0x9E3779B97F4A7C15ULL); }

static uint64_t hash_path(uint64_t h, const char *path) {
    struct stat st;
    h = mix(h, path, strlen(path));
    if (stat(path, &st) != 0) return h;
    int64_t v[2] = {(int64_t)st.st_size, (int64_t)st.st_mtime};
    h = mix(h, v, sizeof v);
    if (S_ISDIR(st.st_mode)) {
        struct dirent **ents;
        int n = scandir(path, &ents, NULL, alphasort);
        for (int i = 0; i < n; i++) {
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, ents[i]->d_name);
            struct stat s2;
            if (ents[i]->d_name[0] != '.' && stat(sub, &s2) == 0) {
                int64_t w[2] = {(int64_t)s2.st_size, (int64_t)s2.st_mtime};
                h = mix(mix(h, ents[i]->d_name, strlen(ents[i]->d_name)), w, sizeof w);
            }
            free(ents[i]);
        }
        if (n >= 0) free(ents);
    }
    return h;
}

static void cache_path(char *out, size_t cap, const char *map, const char *stage, uint64_t key, const char *ext) {
    snprintf(out, cap, "%s.cache/%s-%016llx.%s", map, stage, (unsigned long long)key, ext);
}

static int knn_cache_write(const char *path, const hv_knn *g, hv_err *e) {
    hv_atomic a;
    int rc = atomic_open(&a, path, "wb", e);
    if (rc) return rc;
    uint32_t hdr[4] = {0x314E4B48u /* "HKN1" */, g->n, g->k, 0};
    size_t m = (size_t)g->n * g->k;
    bool ok = fwrite(hdr, 4, 4, a.f) == 4 && fwrite(g->idx, 4, m, a.f) == m && fwrite(g->dist, 4, m, a.f) == m;
    return atomic_commit(&a, ok, e);
}

/* 1 when a usable cache entry was read, 0 when absent or unusable. */
static int knn_cache_read(const char *path, uint32_t n, uint32_t k, hv_knn *g) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    uint32_t hdr[4];
    size_t m = (size_t)n * k;
    int ok = fread(hdr, 4, 4, f) == 4 && hdr[0] == 0x314E4B48u && hdr[1] == n && hdr[2] == k;
    if (ok) {
        g->n = n;
        g->k = k;
        g->idx = malloc(m * 4 + 4);
        g->dist = malloc(m * 4 + 4);
        ok = g->idx && g->dist && fread(g->idx, 4, m, f) == m && fread(g->dist, 4, m, f) == m;
        for (size_t i = 0; ok && i < m; i++) ok = g->idx[i] < n || g->idx[i] == HV_KNN_NONE;
        if (!ok) knn_free(g);
    }
    fclose(f);
    return ok;
}

/* ---- model texts for the embedder ---- */

typedef struct text_src {
    const hv_catalog *c;
    hv_cardstore *cards;
    hv_buf card;
} text_src;

static int text_of(void *ud, uint32_t row, hv_buf *out, hv_err *e) {
    text_src *t = ud;
    hv_sv card = hv_sv_make("", 0);
    if (t->cards && t->c->card_ref[row] != HV_NO_ROW) {
        int rc = cardstore_get(t->cards, t->c->card_ref[row], &t->card, e);
        if (rc) return rc;
        card = hv_sv_make(t->card.p, t->card.n);
    }
    return modeltext_row(t->c, row, card, out, e);
}

/* ---- options ---- */

static int parse_u32(const char *name, const char *s, uint32_t lo, uint32_t hi, uint32_t *out) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '-' || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "hfviz build: %s must be %u..%u, got '%s'\n", name, lo, hi, s);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

static int parse_float(const char *name, const char *s, float lo, float hi, float *out) {
    char *end;
    float v = strtof(s, &end);
    if (*end || !(v >= lo && v <= hi)) {
        fprintf(stderr, "hfviz build: %s must be %g..%g, got '%s'\n", name, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, build_opts *o) {
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},   {"threads", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, 's'},     {"dims", required_argument, NULL, 'D'},
        {"neighbors", required_argument, NULL, 'k'}, {"embed-dims", required_argument, NULL, 'E'},
        {"features", required_argument, NULL, 'F'}, {"clusters", required_argument, NULL, 'C'},
        {"min-dist", required_argument, NULL, 'M'}, {"spread", required_argument, NULL, 'S'},
        {"epochs", required_argument, NULL, 'P'},   {"merges", no_argument, NULL, 'm'},
        {"no-vectors", no_argument, NULL, 'V'},     {"no-cache", no_argument, NULL, 'N'},
        {"skip-bad-rows", no_argument, NULL, 'b'},  {"format", required_argument, NULL, 'f'},
        {"track-db", required_argument, NULL, 'T'},
        {"embedder", required_argument, NULL, 'B'}, {"model-dir", required_argument, NULL, 'Q'},
        {"vectors", required_argument, NULL, 'I'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    optind = 1;
    int ch;
    uint32_t u;
    while ((ch = getopt_long(argc, argv, "o:t:s:k:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o': o->out = optarg; break;
        case 't': if (parse_u32("--threads", optarg, 1, 1024, &u)) return 64; o->threads = (int)u; break;
        case 's': {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (*optarg == '-' || *end || errno) { fprintf(stderr, "hfviz build: bad --seed '%s'\n", optarg); return 64; }
            o->seed = v;
            break;
        }
        case 'D':
            o->dim2 = o->dim3 = false;
            for (char *p = optarg; *p; p++) {
                if (*p == '2') o->dim2 = true;
                else if (*p == '3') o->dim3 = true;
                else if (*p != ',') { fprintf(stderr, "hfviz build: --dims takes 2, 3 or 2,3, got '%s'\n", optarg); return 64; }
            }
            if (!o->dim2 && !o->dim3) { fprintf(stderr, "hfviz build: --dims is empty\n"); return 64; }
            break;
        case 'k': if (parse_u32("--neighbors", optarg, 2, 200, &o->k)) return 64; break;
        case 'E': if (parse_u32("--embed-dims", optarg, 8, 512, &o->embed_dims)) return 64; o->embed_dims_given = true; break;
        case 'B': o->embedder = optarg; break;
        case 'Q': o->model_dir = optarg; break;
        case 'I': o->vectors_in = optarg; break;
        case 'F': if (parse_u32("--features", optarg, 1024, 1u << 26, &o->features)) return 64; break;
        case 'C': if (parse_u32("--clusters", optarg, 1, 100000, &o->clusters)) return 64; break;
        case 'P': if (parse_u32("--epochs", optarg, 1, 10000, &o->epochs)) return 64; break;
        case 'M': if (parse_float("--min-dist", optarg, 0.0f, 10.0f, &o->min_dist)) return 64; break;
        case 'S': if (parse_float("--spread", optarg, 0.01f, 100.0f, &o->spread)) return 64; break;
        case 'm': o->merges = true; break;
        case 'V': o->vectors = false; break;
        case 'N': o->cache = false; break;
        case 'b': o->ingest.skip_bad_rows = true; break;
        case 'T': o->track_db = optarg; break;
        case 'f':
            o->ingest.format = ingest_format_parse(optarg);
            if (o->ingest.format == HV_FMT_COUNT) { fprintf(stderr, "hfviz build: unknown --format '%s'\n", optarg); return 64; }
            break;
        case 'h': fputs(USAGE, stdout); return -1;
        default: fputs(USAGE, stderr); return 64;
        }
    }
    if (!o->out) { fprintf(stderr, "hfviz build: no output map (-o MAP)\n\n%s", USAGE); return 64; }
    if (optind >= argc) { fprintf(stderr, "hfviz build: no input files\n\n%s", USAGE); return 64; }
    return 0;
}

/* ---- the pipeline ---- */

typedef struct build_state {
    build_opts o;
    hv_progress *p;
    hv_load ld;
    hv_lineage lin;
    float *vectors;
    hv_embed_model qmodel; /* the query model of the vectors (embed/embed_model.h) */
    hv_knn knn;
    float *coords2d, *coords3d;
    hv_kmeans km;
    char **labels;
    char cards_path[4400];
    cJSON *meta, *stages;
} build_state;

/* ---- vectors given with --vectors ---- */

/* --vectors V.npy: n rows in the inputs' row order, which V.ids.txt (written
 * next to it by `hfviz embed`) must confirm id by id. */
static int read_given_vectors(build_state *s, const hv_catalog *c, hv_err *e) {
    const build_opts *o = &s->o;
    uint32_t vn = 0, vd = 0;
    int rc = npy_read_f32(o->vectors_in, &s->vectors, &vn, &vd, e);
    if (rc) return rc;
    if (vn != c->n)
        return hv_errf(e, HV_EINPUT, "%s: %u rows, but the inputs hold %u models (embed and build must read the same "
                                     "inputs)",
                       o->vectors_in, vn, c->n);
    if (vd < 2 || vd > EMBED_MAX_DIMS)
        return hv_errf(e, HV_EINPUT, "%s: %u dimensions (2..%u)", o->vectors_in, vd, EMBED_MAX_DIMS);
    char ids[4200];
    size_t len = strlen(o->vectors_in);
    size_t stem = len >= 4 && strcmp(o->vectors_in + len - 4, ".npy") == 0 ? len - 4 : len;
    snprintf(ids, sizeof ids, "%.*s.ids.txt", (int)stem, o->vectors_in);
    FILE *f = fopen(ids, "r");
    if (!f) return hv_errf(e, HV_EINPUT, "%s: %s (hfviz embed writes it next to the vectors)", ids, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    uint32_t r = 0;
    while (rc == 0 && (got = getline(&line, &cap, f)) >= 0) {
        if (got > 0 && line[got - 1] == '\n') got--;
        hv_sv id = catalog_id(c, r < c->n ? r : 0);
        if (r >= c->n)
            rc = hv_errf(e, HV_EINPUT, "%s: more ids than the inputs' %u models", ids, c->n);
        else if ((size_t)got != id.n || memcmp(line, id.p, id.n) != 0)
            rc = hv_errf(e, HV_EINPUT, "%s: line %u is '%.*s' but row %u of the inputs is '%.*s' (embed and build "
                                       "must read the same inputs)",
                         ids, r + 1, (int)(got > 200 ? 200 : got), line, r, (int)(id.n > 200 ? 200 : id.n), id.p);
        r++;
    }
    free(line);
    fclose(f);
    if (!rc && r != c->n) rc = hv_errf(e, HV_EINPUT, "%s: %u ids, the inputs hold %u models", ids, r, c->n);
    s->o.embed_dims = vd;
    return rc;
}


static void stage_time(build_state *s, const char *name, double t0) {
    cJSON_AddNumberToObject(s->stages, name, hv_now() - t0);
}

/* Sections that other modules own, appended after map_write's own: the
 * embedder's query model (only with the vectors it searches) and the model
 * id search index (src/search/). */
static int write_extra_sections(void *ud, hv_mapwriter *w, hv_err *e) {
    build_state *s = ud;
    if (s->o.vectors && s->qmodel.dims) {
        int rc = embed_model_write(&s->qmodel, w, e);
        if (rc) return rc;
    }
    return searchindex_map_extra((void *)s->ld.catalog, w, e);
}

static int run(build_state *s, char **inputs, size_t ninputs, hv_err *e) {
    build_opts *o = &s->o;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s.cache", o->out);
    if (mkdir(dir, 0777) && errno != EEXIST) return hv_errf(e, HV_EIO, "%s: cannot create: %s", dir, strerror(errno));
    snprintf(s->cards_path, sizeof s->cards_path, "%s/cards.store", dir);

    /* 1. ingest */
    double t0 = hv_now();
    progress_stage(s->p, "ingest");
    int rc = load_inputs(inputs, ninputs, &o->ingest, s->cards_path, &s->ld, e);
    if (rc) return rc;
    const hv_catalog *c = s->ld.catalog;
    char detail[160];
    snprintf(detail, sizeof detail, "%u models, %llu edges", c->n, (unsigned long long)c->nedges);
    progress_done(s->p, detail);
    stage_time(s, "ingest", t0);
    if (c->n == 0) return hv_errf(e, HV_EINPUT, "the inputs hold no models");
    uint32_t n = c->n;

    /* 2. lineage */
    t0 = hv_now();
    progress_stage(s->p, "lineage");
    unsigned mask = o->merges ? HV_LINEAGE_ALL_MASK : HV_LINEAGE_DEFAULT_MASK;
    if ((rc = lineage_build(c, mask, &s->lin, e))) return rc;
    uint32_t nfam = 0;
    for (uint32_t f = 0; f < s->lin.nfamilies; f++) nfam += s->lin.family_size[f] >= 2;
    snprintf(detail, sizeof detail, "%u families of 2 or more, max depth %u", nfam, s->lin.max_depth);
    progress_done(s->p, detail);
    stage_time(s, "lineage", t0);

    /* 3. embed (cached), or the vectors given */
    if (o->vectors_in) {
        t0 = hv_now();
        progress_stage(s->p, "vectors");
        if ((rc = read_given_vectors(s, c, e))) return rc;
        snprintf(detail, sizeof detail, "%u x %u from %s", n, o->embed_dims, o->vectors_in);
        progress_done(s->p, detail);
        stage_time(s, "embed", t0);
    }
    uint64_t key = 0x68667669ULL;
    bool hit = false;
    char path[4300], mpath[4300];
    if (o->vectors_in) {
        key = hash_path(key, o->vectors_in);
        goto embedded;
    }
    for (size_t i = 0; i < ninputs; i++) key = hash_path(key, inputs[i]);
    uint32_t ekey[5] = {o->embed_dims, o->features, (uint32_t)o->seed, (uint32_t)(o->seed >> 32), o->ingest.format};
    key = mix(key, ekey, sizeof ekey);
    bool tfidf = strcmp(o->embedder, "tfidf-svd") == 0;
    if (tfidf) {
        key = mix(key, "tfidf-svd/1", 11);
    } else { /* the model folder's files (names, sizes, times) are part of the key */
        key = mix(key, "bert/1", 6);
        key = hash_path(key, o->model_dir);
    }
    cache_path(path, sizeof path, o->out, "embed", key, "npy");
    cache_path(mpath, sizeof mpath, o->out, "embed", key, "model");
    t0 = hv_now();
    uint32_t vn = 0, vd = 0;
    hit = o->cache && access(path, R_OK) == 0 && npy_read_f32(path, &s->vectors, &vn, &vd, e) == HV_OK;
    if (hit && (vn != n || vd != o->embed_dims)) hit = false;
    /* the vectors are only usable with their query model: without it (a
     * cache from before query models, or a damaged file) both are remade */
    if (hit && tfidf &&
        (embed_model_load(mpath, &s->qmodel, e) != HV_OK || s->qmodel.dims != o->embed_dims ||
         s->qmodel.n_features != o->features))
        hit = false;
    if (!hit) {
        free(s->vectors);
        s->vectors = NULL;
        embed_model_free(&s->qmodel);
        const hv_embedder *emb = embedder_find(o->embedder);
        hv_embed_opts eo;
        embed_opts_default(&eo);
        eo.dims = o->embed_dims;
        eo.n_features = o->features;
        eo.seed = o->seed;
        eo.threads = o->threads;
        eo.model_dir = o->model_dir;
        s->vectors = malloc((size_t)n * eo.dims * sizeof(float));
        if (!s->vectors) return hv_errf(e, HV_ENOMEM, "out of memory for %u x %u vectors", n, eo.dims);
        text_src ts = {c, NULL, {0}};
        if (c->cards == NULL && access(s->cards_path, R_OK) == 0) ts.cards = cardstore_open(s->cards_path, e);
        if (emb->embed_with_model)
            rc = emb->embed_with_model(emb, n, text_of, &ts, &eo, s->vectors, &s->qmodel, s->p, e);
        else
            rc = emb->embed(emb, n, text_of, &ts, &eo, s->vectors, s->p, e);
        cardstore_close_reader(ts.cards);
        hv_buf_free(&ts.card);
        if (rc) return rc;
        if (o->cache && ((rc = npy_write_f32(path, s->vectors, n, eo.dims, e)) ||
                         (s->qmodel.dims && (rc = embed_model_save(mpath, &s->qmodel, e)))))
            return rc;
    }
    snprintf(detail, sizeof detail, "%u x %u%s", n, o->embed_dims, hit ? " (cached)" : "");
    progress_note(s->p, "embed", hv_now() - t0, detail); /* the embedder timed its own sub-stages */
    stage_time(s, "embed", t0);
embedded:
    /* the graph, the layouts and k-means compare by cosine: unit rows (an
     * encoder without a Normalize module, or given vectors, may not be) */
    embed_unit_rows(s->vectors, n, o->embed_dims);

    /* 4. kNN graph (cached) */
    uint32_t kkey[2] = {o->k, 1};
    uint64_t key2 = mix(key, kkey, sizeof kkey);
    cache_path(path, sizeof path, o->out, "knn", key2, "bin");
    t0 = hv_now();
    progress_stage(s->p, "knn");
    uint32_t k = o->k < n ? o->k : (n > 1 ? n - 1 : 1);
    hit = o->cache && knn_cache_read(path, n, k, &s->knn);
    if (!hit) {
        hv_knn_opts ko;
        knn_opts_default(&ko);
        ko.k = k;
        ko.seed = o->seed;
        ko.threads = o->threads;
        if ((rc = knn_build(s->vectors, n, o->embed_dims, &ko, &s->knn, s->p, e))) return rc;
        if (o->cache && (rc = knn_cache_write(path, &s->knn, e))) return rc;
    }
    snprintf(detail, sizeof detail, "k = %u%s", k, hit ? " (cached)" : "");
    progress_done(s->p, detail);
    stage_time(s, "knn", t0);

    /* 5. UMAP layouts */
    for (int dims = 2; dims <= 3; dims++) {
        if ((dims == 2 && !o->dim2) || (dims == 3 && !o->dim3)) continue;
        float **dst = dims == 2 ? &s->coords2d : &s->coords3d;
        *dst = malloc((size_t)n * dims * sizeof(float));
        if (!*dst) return hv_errf(e, HV_ENOMEM, "out of memory");
        hv_umap_opts uo;
        umap_opts_default(&uo);
        uo.dims = (uint32_t)dims;
        uo.min_dist = o->min_dist;
        uo.spread = o->spread;
        uo.n_epochs = o->epochs;
        uo.seed = o->seed;
        uo.threads = o->threads;
        t0 = hv_now();
        if (dims == 3 && s->coords2d) {
            /* 3D starts from the finished 2D layout (z: the vectors' third principal
             * component) and needs half the epochs: the same trustworthiness for ~40 %
             * of the time (bench/umap/README.md, "3D from 2D") */
            if ((rc = umap_lift(s->coords2d, n, s->vectors, o->embed_dims, o->threads, *dst, e))) return rc;
            uo.init = HV_UMAP_INIT_GIVEN;
            uo.n_epochs = (o->epochs ? o->epochs : (n <= 10000 ? 500 : 200)) / 2;
            if (uo.n_epochs < 1) uo.n_epochs = 1;
        }
        progress_stage(s->p, dims == 2 ? "umap 2d" : "umap 3d");
        if ((rc = umap_layout(&s->knn, s->vectors, o->embed_dims, &uo, *dst, s->p, e))) return rc;
        progress_done(s->p, NULL);
        stage_time(s, dims == 2 ? "umap_2d" : "umap_3d", t0);
    }

    /* 6. clusters and their labels */
    t0 = hv_now();
    progress_stage(s->p, "clusters");
    hv_kmeans_opts ko;
    kmeans_opts_default(&ko);
    ko.k = o->clusters ? (o->clusters < n ? o->clusters : n) : kmeans_auto_k(n);
    ko.seed = o->seed;
    ko.threads = o->threads;
    if ((rc = kmeans_run(s->vectors, n, o->embed_dims, &ko, &s->km, s->p, e))) return rc;
    if ((rc = cluster_labels(c, s->km.assign, s->km.k, 3, &s->labels, e))) return rc;
    snprintf(detail, sizeof detail, "%u clusters", s->km.k);
    progress_done(s->p, detail);
    stage_time(s, "clusters", t0);

    /* 7. the map */
    t0 = hv_now();
    progress_stage(s->p, "write map");
    cJSON *opts = cJSON_AddObjectToObject(s->meta, "options");
    cJSON_AddNumberToObject(opts, "seed", (double)o->seed);
    cJSON_AddNumberToObject(opts, "threads", o->threads);
    cJSON_AddNumberToObject(opts, "neighbors", k);
    cJSON_AddNumberToObject(opts, "embed_dims", o->embed_dims);
    cJSON_AddNumberToObject(opts, "features", o->features);
    cJSON_AddNumberToObject(opts, "clusters", s->km.k);
    cJSON_AddNumberToObject(opts, "min_dist", o->min_dist);
    cJSON_AddNumberToObject(opts, "spread", o->spread);
    cJSON_AddNumberToObject(opts, "epochs", o->epochs);
    cJSON_AddBoolToObject(opts, "merges", o->merges);
    cJSON_AddStringToObject(s->meta, "embedder", o->embedder);
    if (o->model_dir) cJSON_AddStringToObject(s->meta, "model_dir", o->model_dir);
    cJSON_AddNumberToObject(s->meta, "models", n);
    cJSON *in = cJSON_AddArrayToObject(s->meta, "inputs");
    for (size_t i = 0; i < s->ld.nreports; i++) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "path", s->ld.reports[i].path ? s->ld.reports[i].path : "");
        cJSON_AddStringToObject(f, "format", ingest_format_name(s->ld.reports[i].format));
        cJSON_AddNumberToObject(f, "bytes", (double)s->ld.reports[i].bytes);
        cJSON_AddNumberToObject(f, "rows", (double)s->ld.reports[i].rows);
        cJSON_AddNumberToObject(f, "rows_skipped", (double)s->ld.reports[i].rows_skipped);
        cJSON_AddItemToArray(in, f);
    }
    char *meta = cJSON_PrintUnformatted(s->meta);
    hv_map_parts parts = {
        .catalog = c, .depth = s->lin.depth, .root = s->lin.root, .family = s->lin.family,
        .nfamilies = s->lin.nfamilies, .family_size = s->lin.family_size, .family_root = s->lin.family_root,
        .lineage_mask = mask, .vectors = o->vectors ? s->vectors : NULL, .dim = o->embed_dims,
        .knn_idx = s->knn.idx, .knn_dist = s->knn.dist, .k = s->knn.k, .coords2d = s->coords2d,
        .coords3d = s->coords3d, .cluster = s->km.assign, .nclusters = s->km.k, .cluster_labels = s->labels,
        .centroids = s->km.centroids, .cardstore_path = s->cards_path, .meta_json = meta,
        .extra = write_extra_sections, .extra_ud = s,
    };
    rc = meta ? map_write(o->out, &parts, e) : hv_errf(e, HV_ENOMEM, "out of memory");
    free(meta);
    if (rc) return rc;
    struct stat st;
    snprintf(detail, sizeof detail, "%s, %.1f MB", o->out, stat(o->out, &st) == 0 ? (double)st.st_size / 1e6 : 0.0);
    progress_done(s->p, detail);
    return HV_OK;
}

int cmd_build(int argc, char **argv) {
    build_state s;
    memset(&s, 0, sizeof s);
    build_opts *o = &s.o;
    o->seed = 42;
    o->dim2 = o->dim3 = o->vectors = o->cache = true;
    o->k = 30;
    o->embed_dims = 96;
    o->features = 1u << 18;
    o->min_dist = 0.3f;
    o->spread = 1.5f;
    int prc = parse_args(argc, argv, o);
    if (prc) return prc < 0 ? 0 : prc;
    if (o->vectors_in && (o->embedder || o->embed_dims_given)) {
        fprintf(stderr, "hfviz build: --vectors replaces the embedder: no --embedder or --embed-dims with it\n");
        return 64;
    }
    if (o->vectors_in) o->embedder = o->model_dir ? "bert" : "given";
    if (!o->embedder) o->embedder = o->model_dir ? "bert" : "tfidf-svd";
    const hv_embedder *emb = embedder_find(o->vectors_in ? "tfidf-svd" : o->embedder);
    if (!emb) {
        fprintf(stderr, "hfviz build: --embedder must be tfidf-svd or bert, got '%s'\n", o->embedder);
        return 64;
    }
    if (strcmp(o->embedder, "bert") == 0 && !o->vectors_in) {
        hv_embed_opts eo;
        embed_opts_default(&eo);
        eo.model_dir = o->model_dir;
        uint32_t d;
        hv_err de = {0, ""};
        if (embedder_dims(emb, &eo, &d, &de)) {
            fprintf(stderr, "hfviz build: %s\n", de.msg);
            return hv_exit_status(de.code);
        }
        if (o->embed_dims_given && d != o->embed_dims) {
            fprintf(stderr, "hfviz build: the model gives %u dimensions; --embed-dims %u does not apply\n", d,
                    o->embed_dims);
            return 64;
        }
        o->embed_dims = d;
    } else if (o->model_dir) {
        fprintf(stderr, "hfviz build: --model-dir is for --embedder bert\n");
        return 64;
    }
    if (o->threads > 0) {
        omp_set_num_threads(o->threads);
        openblas_set_num_threads(o->threads);
    }
    s.p = progress_new();
    s.meta = cJSON_CreateObject();
    s.stages = cJSON_AddObjectToObject(s.meta, "stage_seconds");
    double t0 = hv_now();
    hv_err e = {0, ""};
    int rc = run(&s, argv + optind, (size_t)(argc - optind), &e);
    if (rc) fprintf(stderr, "hfviz build: %s\n", e.msg);
    else fprintf(stderr, "hfviz build: wrote %s in %.1f s\n", o->out, hv_now() - t0);
    if (!rc && o->track_db) { /* the dataset's counts by month, read back from the map just written */
        hv_map m;
        size_t nsnap;
        uint64_t undated;
        rc = map_open(o->out, false, &m, &e);
        if (!rc) {
            rc = track_record_dataset(o->track_db, &m, o->out, &nsnap, &undated, &e);
            map_close(&m);
        }
        if (rc)
            fprintf(stderr, "hfviz build: the map is written, but recording its counts failed: %s\n", e.msg);
        else
            fprintf(stderr, "hfviz build: recorded %zu monthly snapshots into %s (%llu models without a date left out)\n",
                    nsnap, o->track_db, (unsigned long long)undated);
    }
    if (s.cards_path[0]) unlink(s.cards_path);
    cluster_labels_free(s.labels, s.km.k);
    kmeans_free(&s.km);
    free(s.coords2d);
    free(s.coords3d);
    knn_free(&s.knn);
    free(s.vectors);
    embed_model_free(&s.qmodel);
    lineage_free(&s.lin);
    load_free(&s.ld);
    cJSON_Delete(s.meta);
    progress_free(s.p);
    return hv_exit_status(rc);
}
