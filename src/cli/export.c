/* export.c - `hfviz export MAP`: the map as a table (CSV or JSON lines) and
 * the embedding as a NumPy file, for pandas, DuckDB or umap-learn.
 *
 * USAGE: hfviz export MAP [--format csv|jsonl] [-o FILE] [--vectors OUT.npy]
 * Columns: model_id, x, y, z, cluster, cluster_label, family_root, depth,
 * library, pipeline, license, downloads, likes. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "core/atomicfile.h"
#include "embed/embed.h"
#include "mapfile/map.h"

static const char USAGE[] =
    "usage: hfviz export MAP [OPTIONS]\n"
    "\n"
    "Write the map's models as a table: model_id, x, y, z, cluster,\n"
    "cluster_label, family_root, depth, library, pipeline, license,\n"
    "downloads, likes (x, y from the 2D layout, z empty unless there is\n"
    "only a 3D one; x3, y3, z3 follow when the map has a 3D layout).\n"
    "\n"
    "  --format csv|jsonl   table format (default csv)\n"
    "  -o, --output FILE    write here (atomically) instead of stdout\n"
    "  --vectors OUT.npy    also write the embedding (float32, n x d, row order of the table)\n"
    "  -h, --help           this text\n";

static void csv_field(FILE *f, hv_sv s) {
    bool quote = false;
    for (size_t i = 0; i < s.n && !quote; i++) quote = s.p[i] == ',' || s.p[i] == '"' || s.p[i] == '\n' || s.p[i] == '\r';
    if (!quote) {
        fwrite(s.p, 1, s.n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] == '"') fputc('"', f);
        fputc(s.p[i], f);
    }
    fputc('"', f);
}

static void json_string(FILE *f, hv_sv s) {
    fputc('"', f);
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

static hv_sv first_license(const hv_map *m, uint32_t r) {
    if (m->licenses.off[r] == m->licenses.off[r + 1]) return hv_sv_make("", 0);
    return map_str(m, m->licenses.val[m->licenses.off[r]]);
}

static void write_table(FILE *f, const hv_map *m, bool csv) {
    if (csv)
        fputs("model_id,x,y,z,x3,y3,z3,cluster,cluster_label,family_root,depth,library,pipeline,license,downloads,likes\n", f);
    for (uint32_t r = 0; r < m->n; r++) {
        hv_sv id = map_id(m, r), root = m->root ? map_id(m, m->root[r]) : hv_sv_make("", 0);
        hv_sv label = m->cluster ? map_cluster_label(m, m->cluster[r]) : hv_sv_make("", 0);
        hv_sv lib = map_str(m, m->library[r]), pipe = map_str(m, m->pipeline[r]), lic = first_license(m, r);
        char num[6][32] = {"", "", "", "", "", ""};
        if (m->coords2d) {
            snprintf(num[0], 32, "%.6g", m->coords2d[2 * (size_t)r]);
            snprintf(num[1], 32, "%.6g", m->coords2d[2 * (size_t)r + 1]);
        }
        if (m->coords3d)
            for (int j = 0; j < 3; j++) snprintf(num[3 + j], 32, "%.6g", m->coords3d[3 * (size_t)r + j]);
        if (csv) {
            csv_field(f, id);
            fprintf(f, ",%s,%s,%s,%s,%s,%s,", num[0], num[1], m->coords2d ? "" : num[5], num[3], num[4], num[5]);
            if (m->cluster) fprintf(f, "%u", m->cluster[r]);
            fputc(',', f);
            csv_field(f, label);
            fputc(',', f);
            csv_field(f, root);
            fputc(',', f);
            if (m->depth) fprintf(f, "%u", m->depth[r]);
            fputc(',', f);
            csv_field(f, lib);
            fputc(',', f);
            csv_field(f, pipe);
            fputc(',', f);
            csv_field(f, lic);
            fprintf(f, ",%lld,%lld\n", (long long)m->downloads[r], (long long)m->likes[r]);
        } else {
            fputs("{\"model_id\":", f);
            json_string(f, id);
            if (m->coords2d) fprintf(f, ",\"x\":%s,\"y\":%s", num[0], num[1]);
            if (m->coords3d) fprintf(f, ",\"x3\":%s,\"y3\":%s,\"z3\":%s", num[3], num[4], num[5]);
            if (m->cluster) {
                fprintf(f, ",\"cluster\":%u,\"cluster_label\":", m->cluster[r]);
                json_string(f, label);
            }
            if (m->root) {
                fputs(",\"family_root\":", f);
                json_string(f, root);
                fprintf(f, ",\"depth\":%u", m->depth[r]);
            }
            fputs(",\"library\":", f);
            if (lib.n) json_string(f, lib); else fputs("null", f);
            fputs(",\"pipeline\":", f);
            if (pipe.n) json_string(f, pipe); else fputs("null", f);
            fputs(",\"license\":", f);
            if (lic.n) json_string(f, lic); else fputs("null", f);
            fprintf(f, ",\"downloads\":%lld,\"likes\":%lld}\n", (long long)m->downloads[r], (long long)m->likes[r]);
        }
    }
}

int cmd_export(int argc, char **argv) {
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"vectors", required_argument, NULL, 'v'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    bool csv = true;
    const char *out = NULL, *vec = NULL;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'f':
            if (!strcmp(optarg, "csv")) csv = true;
            else if (!strcmp(optarg, "jsonl")) csv = false;
            else { fprintf(stderr, "hfviz export: --format must be csv or jsonl, got '%s'\n", optarg); return 64; }
            break;
        case 'o': out = optarg; break;
        case 'v': vec = optarg; break;
        case 'h': fputs(USAGE, stdout); return 0;
        default: fputs(USAGE, stderr); return 64;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "hfviz export: give exactly one MAP\n\n%s", USAGE);
        return 64;
    }
    hv_err e = {0, ""};
    hv_map m;
    int rc = map_open(argv[optind], false, &m, &e);
    if (rc) {
        fprintf(stderr, "hfviz export: %s\n", e.msg);
        return hv_exit_status(rc);
    }
    if (vec) {
        if (!m.dim) {
            fprintf(stderr, "hfviz export: %s holds no vectors (built with --no-vectors)\n", argv[optind]);
            map_close(&m);
            return 2;
        }
        float *x = malloc((size_t)m.n * m.dim * sizeof(float));
        if (!x) rc = hv_errf(&e, HV_ENOMEM, "out of memory");
        for (uint32_t r = 0; rc == HV_OK && r < m.n; r++) map_vector(&m, r, x + (size_t)r * m.dim);
        if (rc == HV_OK) rc = npy_write_f32(vec, x, m.n, m.dim, &e);
        free(x);
        if (rc) {
            fprintf(stderr, "hfviz export: %s\n", e.msg);
            map_close(&m);
            return hv_exit_status(rc);
        }
    }
    if (!out) {
        write_table(stdout, &m, csv);
        rc = fflush(stdout) || ferror(stdout) ? hv_errf(&e, HV_EIO, "cannot write to stdout") : HV_OK;
    } else {
        hv_atomic a;
        rc = atomic_open(&a, out, "w", &e);
        if (rc == HV_OK) {
            write_table(a.f, &m, csv);
            rc = atomic_commit(&a, true, &e);
        }
    }
    if (rc) {
        fprintf(stderr, "hfviz export: %s\n", e.msg);
        map_close(&m);
        return hv_exit_status(rc);
    }
    map_close(&m);
    return 0;
}
