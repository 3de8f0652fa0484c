/* synth.c - `hfviz synth`: write modelbiome-shaped data of any size. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "synth/parquet_writer.h"
#include "synth/synth.h"
#include "core/clock.h"

static void usage(FILE *f) {
    fputs("usage: hfviz synth --rows N -o FILE [options]\n"
          "Write N synthetic models shaped like modelbiome/ai_ecosystem_withmodelcards\n"
          "(22 columns, family trees, model cards), calibrated on the real dataset.\n\n"
          "  -n, --rows N           number of rows (models), required\n"
          "  -s, --seed S           random seed (default 1); same seed, same bytes\n"
          "  -o, --output FILE      output file, written via FILE.tmp\n"
          "  -f, --format F         csv or parquet (default: from the extension, else csv)\n"
          "      --cards            include model cards (default)\n"
          "      --no-cards         leave modelCard null (metadata only)\n"
          "  -c, --codec C          parquet page codec: zstd (default), snappy, none\n"
          "      --row-group N      parquet rows per row group (default 65536)\n"
          "\n"
          "Planted effects, known answers for hfviz analyze (docs/science.md); without them\n"
          "the output is the same bytes as before:\n"
          "      --plant-license-mutation P\n"
          "                         a child of a licensed parent states a license, a\n"
          "                         different one with probability P (0..1): the license\n"
          "                         mutation rate over non-merge edges is P\n"
          "      --plant-drift A,B,P  a child of a parent licensed A states B with\n"
          "                         probability P, else A (A, B: licenses of the tables)\n"
          "      --plant-card-gap G every row gets a card whose body opens with a block\n"
          "                         siblings share a part of: the Levenshtein similarity\n"
          "                         of the cards (--no-frontmatter) is G higher for\n"
          "                         siblings than for parent and child (0..0.875)\n"
          "  -h, --help             this text\n",
          f);
}

static int parse_u64(const char *s, uint64_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-') return -1;
    *out = v;
    return 0;
}

/* A number in 0..hi. */
static int parse_prob(const char *s, double *out, double hi) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0 && v <= hi)) return -1;
    *out = v;
    return 0;
}

int cmd_synth(int argc, char **argv) {
    enum { OPT_CARDS = 256, OPT_NO_CARDS, OPT_ROW_GROUP, OPT_PLANT_MUT, OPT_PLANT_DRIFT, OPT_PLANT_GAP };
    static const struct option longopts[] = {
        {"rows", required_argument, NULL, 'n'},   {"seed", required_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'}, {"format", required_argument, NULL, 'f'},
        {"cards", no_argument, NULL, OPT_CARDS},  {"no-cards", no_argument, NULL, OPT_NO_CARDS},
        {"codec", required_argument, NULL, 'c'},  {"row-group", required_argument, NULL, OPT_ROW_GROUP},
        {"plant-license-mutation", required_argument, NULL, OPT_PLANT_MUT},
        {"plant-drift", required_argument, NULL, OPT_PLANT_DRIFT},
        {"plant-card-gap", required_argument, NULL, OPT_PLANT_GAP},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    hv_synth_write_opts o = {.gen = {.rows = 0, .seed = 1, .cards = true}, .codec = HV_PQ_ZSTD};
    const char *out = NULL, *format = NULL;
    bool have_rows = false;
    uint64_t v;
    char drift_buf[256];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:s:o:f:c:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (parse_u64(optarg, &o.gen.rows) || o.gen.rows == 0) {
                fprintf(stderr, "hfviz synth: --rows wants a positive integer, not '%s'\n", optarg);
                return hv_exit_status(HV_EUSAGE);
            }
            have_rows = true;
            break;
        case 's':
            if (parse_u64(optarg, &o.gen.seed)) {
                fprintf(stderr, "hfviz synth: --seed wants a non-negative integer, not '%s'\n", optarg);
                return hv_exit_status(HV_EUSAGE);
            }
            break;
        case 'o': out = optarg; break;
        case 'f': format = optarg; break;
        case OPT_CARDS: o.gen.cards = true; break;
        case OPT_NO_CARDS: o.gen.cards = false; break;
        case 'c':
            if (!strcmp(optarg, "zstd")) o.codec = HV_PQ_ZSTD;
            else if (!strcmp(optarg, "snappy")) o.codec = HV_PQ_SNAPPY;
            else if (!strcmp(optarg, "none")) o.codec = HV_PQ_NONE;
            else {
                fprintf(stderr, "hfviz synth: unknown codec '%s' (zstd, snappy, none)\n", optarg);
                return hv_exit_status(HV_EUSAGE);
            }
            break;
        case OPT_ROW_GROUP:
            if (parse_u64(optarg, &v) || v == 0 || v > (1u << 30)) {
                fprintf(stderr, "hfviz synth: --row-group wants a positive integer, not '%s'\n", optarg);
                return hv_exit_status(HV_EUSAGE);
            }
            o.row_group_rows = (uint32_t)v;
            break;
        case OPT_PLANT_MUT:
            if (parse_prob(optarg, &o.gen.plant.mutation_p, 1.0)) {
                fprintf(stderr, "hfviz synth: --plant-license-mutation wants a probability in 0..1, not '%s'\n", optarg);
                return hv_exit_status(HV_EUSAGE);
            }
            o.gen.plant.license_mutation = true;
            break;
        case OPT_PLANT_GAP:
            if (parse_prob(optarg, &o.gen.plant.gap, HV_SYNTH_GAP_MAX)) {
                fprintf(stderr, "hfviz synth: --plant-card-gap wants a number in 0..%.3f, not '%s'\n",
                        HV_SYNTH_GAP_MAX, optarg);
                return hv_exit_status(HV_EUSAGE);
            }
            o.gen.plant.card_gap = true;
            break;
        case OPT_PLANT_DRIFT: {
            /* A,B,P: P after the last comma, B after the one before */
            size_t n = strlen(optarg);
            bool fits = n < sizeof drift_buf;
            if (fits) memcpy(drift_buf, optarg, n + 1);
            char *p = fits ? strrchr(drift_buf, ',') : NULL;
            if (p) *p++ = 0;
            char *b = p ? strrchr(drift_buf, ',') : NULL;
            if (b) *b++ = 0;
            if (!b || !*drift_buf || !*b || parse_prob(p, &o.gen.plant.drift_p, 1.0)) {
                fprintf(stderr, "hfviz synth: --plant-drift wants A,B,P (two licenses and a probability in 0..1), "
                                "not '%s'\n", optarg);
                return hv_exit_status(HV_EUSAGE);
            }
            o.gen.plant.drift = true;
            o.gen.plant.drift_from = drift_buf;
            o.gen.plant.drift_to = b;
            break;
        }
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return hv_exit_status(HV_EUSAGE);
        }
    }
    if (optind < argc || !have_rows || !out) {
        if (optind < argc) fprintf(stderr, "hfviz synth: unexpected argument '%s'\n", argv[optind]);
        else fprintf(stderr, "hfviz synth: %s is required\n", !have_rows ? "--rows" : "-o FILE");
        usage(stderr);
        return hv_exit_status(HV_EUSAGE);
    }
    if (!format) {
        size_t n = strlen(out);
        format = n >= 8 && !strcmp(out + n - 8, ".parquet") ? "parquet" : "csv";
    }
    if (!strcmp(format, "csv")) o.format = HV_SYNTH_CSV;
    else if (!strcmp(format, "parquet")) o.format = HV_SYNTH_PARQUET;
    else {
        fprintf(stderr, "hfviz synth: unknown format '%s' (csv, parquet)\n", format);
        return hv_exit_status(HV_EUSAGE);
    }

    /* Write beside the target and rename at the end, so an interrupted run
     * never leaves a file that looks complete. */
    size_t n = strlen(out);
    char *tmp = malloc(n + 5);
    if (!tmp) {
        fprintf(stderr, "hfviz synth: out of memory\n");
        return hv_exit_status(HV_ENOMEM);
    }
    memcpy(tmp, out, n);
    memcpy(tmp + n, ".tmp", 5);
    double t0 = hv_now();
    hv_err e = {0};
    hv_synth_stats st;
    int rc = synth_write_file(&o, tmp, &st, &e);
    if (!rc && rename(tmp, out) != 0) rc = hv_errf(&e, HV_EIO, "%s: cannot rename to %s", tmp, out);
    if (rc) {
        unlink(tmp);
        free(tmp);
        fprintf(stderr, "hfviz synth: %s\n", e.msg);
        return hv_exit_status(rc);
    }
    free(tmp);
    double dt = hv_now() - t0;
    fprintf(stderr,
            "hfviz synth: %s: %llu rows, %llu bytes (%.1f MB), %.2f s (%.1f MB/s); cards %llu, "
            "edges ft %llu ad %llu qu %llu me %llu base %llu, external parents %llu\n",
            out, (unsigned long long)st.rows, (unsigned long long)st.bytes, (double)st.bytes / 1e6, dt,
            dt > 0 ? (double)st.bytes / 1e6 / dt : 0.0, (unsigned long long)st.cards,
            (unsigned long long)st.edges[1], (unsigned long long)st.edges[2], (unsigned long long)st.edges[3],
            (unsigned long long)st.edges[4], (unsigned long long)st.edges[0],
            (unsigned long long)st.external_parents);
    return 0;
}
