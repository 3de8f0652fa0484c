/* embed.c - `hfviz embed INPUT... -o VECTORS.npy`: one vector per model.
 *
 * Reads the inputs into a catalog (card text into a temporary card store
 * next to the output, removed afterwards), builds each model's text
 * (text/modeltext.h), embeds every row with the default embedder and writes
 * VECTORS.npy (float32, rows in catalog order) and VECTORS.ids.txt (one
 * model id per line, same order).  Both files are written via temp files, so
 * a failed run leaves neither half-written. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/cardstore.h"
#include "cli/commands.h"
#include "core/atomicfile.h"
#include "embed/embed.h"
#include "embed/shard.h"
#include "ingest/load.h"
#include "text/modeltext.h"

static const char USAGE[] =
    "usage: hfviz embed [OPTIONS] INPUT... -o VECTORS.npy\n"
    "\n"
    "Embed every model of the inputs (Parquet, CSV, JSONL, Hub API JSON, model\n"
    "cards) with the default embedder (TF-IDF over hashed word unigrams and\n"
    "bigrams, randomized SVD, unit-length rows) and write the vectors as a\n"
    "NumPy .npy (float32, shape (models, dims)) plus VECTORS.ids.txt with one\n"
    "model id per line in the same order.\n"
    "\n"
    "  -o, --output FILE   the .npy to write (required)\n"
    "      --dims N        dimensions (default 96, at most 4096)\n"
    "      --seed S        random seed (default 42); same seed, same vectors\n"
    "      --threads N     threads (default: all cores)\n"
    "      --features N    TF-IDF hashing space (default 262144)\n"
    "      --skip-bad-rows skip malformed rows, report how many (default: stop)\n"
    "      --embedder NAME tfidf-svd (default) or bert\n"
    "      --model-dir DIR the bert embedder's model folder (a Hugging Face /\n"
    "                      sentence-transformers folder: config.json, model.safetensors,\n"
    "                      vocab.txt, ...; docs/bert.md); implies --embedder bert\n"
    "  -h, --help          this text\n"
    "\n"
    "Under mpirun (`mpirun -np K hfviz embed ... --model-dir DIR`) each process\n"
    "embeds a share of the models (balanced by text length) and rank 0 writes\n"
    "the vectors of all of them in row order; a failing rank stops the job.\n"
    "\n"
    "Exit status: 0 ok, 2 bad input or unreadable file, 3 out of memory, 64 usage error.\n";

static int parse_u64(const char *s, uint64_t max, uint64_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > max) return -1;
    *out = v;
    return 0;
}

typedef struct text_src {
    const hv_catalog *c;
    hv_cardstore *cards; /* NULL when no input had cards */
    hv_buf card;
} text_src;

static int row_text(void *ud, uint32_t row, hv_buf *out, hv_err *e) {
    text_src *s = ud;
    hv_sv card = {NULL, 0};
    if (s->cards && s->c->card_ref[row] != HV_NO_ROW) {
        int rc = cardstore_get(s->cards, s->c->card_ref[row], &s->card, e);
        if (rc) return rc;
        card = hv_sv_make(s->card.p, s->card.n);
    }
    return modeltext_row(s->c, row, card, out, e);
}

/* Rows [i] of a shard: the text callback over this rank's rows. */
typedef struct shard_rows {
    text_src *src;
    const uint32_t *rows;
} shard_rows;

static int shard_text(void *ud, uint32_t i, hv_buf *out, hv_err *e) {
    shard_rows *s = ud;
    return row_text(s->src, s->rows[i], out, e);
}

/* This rank's rows.  Over several ranks a row costs about its text's length,
 * estimated from the catalog (the id, the tags, the part of the card the
 * text takes) so that no card is read twice. */
static int plan_rows(const hv_shard *sh, const hv_catalog *c, uint32_t **rows, uint32_t *nrows, hv_err *e) {
    uint32_t *cost = NULL;
    if (sh->size > 1) {
        cost = malloc(((size_t)c->n + 1) * sizeof *cost);
        if (!cost) return hv_errf(e, HV_ENOMEM, "out of memory");
        for (uint32_t r = 0; r < c->n; r++) {
            uint32_t card = c->card_chars ? c->card_chars[r] : 0;
            cost[r] = (uint32_t)catalog_id(c, r).n + 12 * (uint32_t)csr_len(&c->tags, r) +
                      (card < MODELTEXT_CARD_CHARS ? card : MODELTEXT_CARD_CHARS);
        }
    }
    int rc = shard_plan(sh, cost, c->n, rows, nrows, e);
    free(cost);
    return rc;
}

/* The ids sidecar, via a temp file. */
static int write_ids(const char *path, const hv_catalog *c, hv_err *e) {
    hv_atomic a;
    int rc = atomic_open(&a, path, "w", e);
    if (rc) return rc;
    bool ok = true;
    for (uint32_t r = 0; ok && r < c->n; r++) {
        hv_sv id = catalog_id(c, r);
        ok = fwrite(id.p, 1, id.n, a.f) == id.n && fputc('\n', a.f) != EOF;
    }
    return atomic_commit(&a, ok, e);
}

/* "VECTORS.npy" -> "VECTORS.ids.txt" ("out" -> "out.ids.txt"). */
static char *ids_path(const char *out) {
    size_t n = strlen(out);
    const char *base = strrchr(out, '/');
    base = base ? base + 1 : out;
    size_t stem = n;
    if (n >= 4 && strcmp(out + n - 4, ".npy") == 0 && out + n - 4 > base) stem = n - 4;
    char *p = malloc(stem + 9);
    if (!p) return NULL;
    memcpy(p, out, stem);
    memcpy(p + stem, ".ids.txt", 9);
    return p;
}

int cmd_embed(int argc, char **argv) {
    enum { OPT_DIMS = 256, OPT_SEED, OPT_THREADS, OPT_FEATURES, OPT_SKIP, OPT_EMBEDDER, OPT_MODEL_DIR };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},       {"dims", required_argument, NULL, OPT_DIMS},
        {"seed", required_argument, NULL, OPT_SEED},    {"threads", required_argument, NULL, OPT_THREADS},
        {"features", required_argument, NULL, OPT_FEATURES}, {"skip-bad-rows", no_argument, NULL, OPT_SKIP},
        {"embedder", required_argument, NULL, OPT_EMBEDDER}, {"model-dir", required_argument, NULL, OPT_MODEL_DIR},
        {"help", no_argument, NULL, 'h'},               {NULL, 0, NULL, 0},
    };
    const char *embedder = NULL;
    bool dims_given = false;
    hv_embed_opts eo;
    embed_opts_default(&eo);
    hv_ingest_opts io = {0};
    const char *out = NULL;
    uint64_t v;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o': out = optarg; break;
        case OPT_DIMS:
            if (parse_u64(optarg, 4096, &v) || v == 0) {
                fprintf(stderr, "hfviz embed: --dims must be 1..4096, got '%s'\n", optarg);
                return hv_exit_status(HV_EUSAGE);
            }
            eo.dims = (uint32_t)v;
            dims_given = true;
            break;
        case OPT_SEED:
            if (parse_u64(optarg, UINT64_MAX, &v)) {
                fprintf(stderr, "hfviz embed: --seed wants a non-negative integer, not '%s'\n", optarg);
                return hv_exit_status(HV_EUSAGE);
            }
            eo.seed = v;
            break;
        case OPT_THREADS:
            if (parse_u64(optarg, 1024, &v) || v == 0) {
                fprintf(stderr, "hfviz embed: --threads must be 1..1024, got '%s'\n", optarg);
                return hv_exit_status(HV_EUSAGE);
            }
            eo.threads = (int)v;
            break;
        case OPT_FEATURES:
            if (parse_u64(optarg, (uint64_t)1 << 26, &v) || v < 16) {
                fprintf(stderr, "hfviz embed: --features must be 16..67108864, got '%s'\n", optarg);
                return hv_exit_status(HV_EUSAGE);
            }
            eo.n_features = (uint32_t)v;
            break;
        case OPT_SKIP: io.skip_bad_rows = true; break;
        case OPT_EMBEDDER: embedder = optarg; break;
        case OPT_MODEL_DIR: eo.model_dir = optarg; break;
        case 'h': fputs(USAGE, stdout); return 0;
        default: fputs(USAGE, stderr); return hv_exit_status(HV_EUSAGE);
        }
    }
    if (!out) {
        fprintf(stderr, "hfviz embed: no output (-o VECTORS.npy)\n\n%s", USAGE);
        return hv_exit_status(HV_EUSAGE);
    }
    if (optind >= argc) {
        fprintf(stderr, "hfviz embed: no input files\n\n%s", USAGE);
        return hv_exit_status(HV_EUSAGE);
    }
    if (!embedder) embedder = eo.model_dir ? "bert" : "tfidf-svd";
    const hv_embedder *em = embedder_find(embedder);
    if (!em) {
        fprintf(stderr, "hfviz embed: --embedder must be tfidf-svd or bert, got '%s'\n", embedder);
        return hv_exit_status(HV_EUSAGE);
    }
    if (strcmp(em->name, "bert") == 0) {
        hv_err de = {0, ""};
        uint32_t d;
        if (!eo.model_dir) {
            fprintf(stderr, "hfviz embed: --embedder bert needs --model-dir DIR\n");
            return hv_exit_status(HV_EUSAGE);
        }
        if (embedder_dims(em, &eo, &d, &de)) {
            fprintf(stderr, "hfviz embed: %s\n", de.msg);
            return hv_exit_status(de.code);
        }
        if (dims_given && d != eo.dims) {
            fprintf(stderr, "hfviz embed: the model gives %u dimensions; --dims %u does not apply\n", d, eo.dims);
            return hv_exit_status(HV_EUSAGE);
        }
        eo.dims = d;
    } else if (eo.model_dir) {
        fprintf(stderr, "hfviz embed: --model-dir is for --embedder bert\n");
        return hv_exit_status(HV_EUSAGE);
    }
    hv_shard sh;
    hv_err she = {0, ""};
    if (shard_init(&argc, &argv, &sh, &she)) {
        fprintf(stderr, "hfviz embed: %s\n", she.msg);
        return hv_exit_status(she.code);
    }
    char *idsp = ids_path(out);
    /* the temporary card store lives next to the output: same disk the user
     * chose for the results, not a possibly small /tmp */
    char *outcopy = strdup(out);
    char *tmpdir = NULL, *store = NULL;
    if (idsp && outcopy) {
        const char *dir = dirname(outcopy);
        size_t n = strlen(dir) + 40;
        tmpdir = malloc(n);
        store = malloc(n + 16);
        if (tmpdir && store) {
            snprintf(tmpdir, n, "%s/.hfviz-embed-XXXXXX", dir);
            if (!mkdtemp(tmpdir)) {
                fprintf(stderr, "hfviz embed: cannot create a temporary folder next to %s: %s\n", out,
                        strerror(errno));
                free(idsp);
                free(outcopy);
                free(tmpdir);
                free(store);
                return hv_exit_status(HV_EIO);
            }
            snprintf(store, n + 16, "%s/cards", tmpdir);
        }
    }
    if (!idsp || !outcopy || !tmpdir || !store) {
        fprintf(stderr, "hfviz embed: out of memory\n");
        free(idsp);
        free(outcopy);
        free(tmpdir);
        free(store);
        return hv_exit_status(HV_ENOMEM);
    }

    hv_err e = {0, ""};
    hv_load ld;
    bool loaded = false;
    float *vec = NULL;
    text_src src = {0};
    hv_progress *prog = sh.rank == 0 ? progress_new() : NULL; /* one progress display: rank 0's */
    uint32_t *rows = NULL, nrows = 0;
    float *mine = NULL;
    int rc = load_inputs(argv + optind, (size_t)(argc - optind), &io, store, &ld, &e);
    rc = shard_agree(&sh, rc, &e);
    if (rc == HV_OK) {
        loaded = true;
        const hv_catalog *c = ld.catalog;
        uint64_t skipped = 0;
        for (size_t i = 0; i < ld.nreports; i++) skipped += ld.reports[i].rows_skipped;
        if (sh.rank == 0) {
            fprintf(stderr, "hfviz embed: %u models read in %.1f s%s\n", c->n, ld.seconds,
                    skipped ? " (rows skipped)" : "");
            if (skipped) fprintf(stderr, "hfviz embed: %llu bad rows skipped\n", (unsigned long long)skipped);
        }
        if (access(store, F_OK) == 0) {
            hv_err se = {0, ""};
            if (!(src.cards = cardstore_open(store, &se))) rc = hv_errf(&e, se.code, "%s", se.msg);
        }
        src.c = c;
        if (rc == HV_OK && sh.size > 1 && strcmp(em->name, "bert") != 0)
            rc = hv_errf(&e, HV_EUSAGE, "only --embedder bert runs over several processes (the SVD is global)");
        if (rc == HV_OK) rc = plan_rows(&sh, c, &rows, &nrows, &e);
        size_t cnt = (size_t)nrows * eo.dims;
        if (rc == HV_OK && !(mine = malloc((cnt ? cnt : 1) * sizeof *mine)))
            rc = hv_errf(&e, HV_ENOMEM, "out of memory for %u x %u vectors", nrows, eo.dims);
        if (rc == HV_OK && sh.size > 1)
            fprintf(stderr, "hfviz embed: rank %d of %d embeds %u models\n", sh.rank, sh.size, nrows);
        shard_rows sr = {&src, rows};
        if (rc == HV_OK) rc = em->embed(em, nrows, shard_text, &sr, &eo, mine, prog, &e);
        const char *fault = getenv("HFVIZ_FAULT"); /* tests: a rank that fails after its work */
        if (rc == HV_OK && fault && sh.size > 1 && strncmp(fault, "fail-rank-", 10) == 0 && atoi(fault + 10) == sh.rank)
            rc = hv_errf(&e, HV_EIO, "failed on purpose (HFVIZ_FAULT=%s)", fault);
        rc = shard_agree(&sh, rc, &e);
        size_t all = (size_t)c->n * eo.dims;
        if (rc == HV_OK && sh.rank == 0 && !(vec = malloc((all ? all : 1) * sizeof *vec)))
            rc = hv_errf(&e, HV_ENOMEM, "out of memory for %u x %u vectors", c->n, eo.dims);
        rc = shard_agree(&sh, rc, &e);
        if (rc == HV_OK) rc = shard_gather(&sh, rows, nrows, mine, eo.dims, vec, c->n, &e);
        if (rc == HV_OK && sh.rank == 0) rc = npy_write_f32(out, vec, c->n, eo.dims, &e);
        if (rc == HV_OK && sh.rank == 0) rc = write_ids(idsp, c, &e);
        rc = shard_agree(&sh, rc, &e);
        if (rc == HV_OK && sh.rank == 0)
            fprintf(stderr, "hfviz embed: wrote %s (%u x %u) and %s\n", out, c->n, eo.dims, idsp);
    }
    cardstore_close_reader(src.cards);
    hv_buf_free(&src.card);
    remove(store);
    rmdir(tmpdir);
    if (rc && sh.rank == 0) fprintf(stderr, "hfviz embed: %s\n", e.msg);
    free(vec);
    free(mine);
    free(rows);
    shard_finalize(&sh);
    if (loaded) load_free(&ld);
    progress_free(prog);
    free(idsp);
    free(outcopy);
    free(tmpdir);
    free(store);
    return rc ? hv_exit_status(rc) : 0;
}
