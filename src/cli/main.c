/* main.c - the hfviz command line: dispatch to one file per subcommand.
 *
 * Exit statuses (hv_exit_status): 0 ok, 1 internal error, 2 bad input or
 * unreadable file, 3 out of memory, 64 usage error. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command COMMANDS[] = {
    {"build", cmd_build, "build a map: ingest, embed, kNN graph, UMAP 2D/3D, clusters -> one map file"},
    {"info", cmd_info, "describe dataset files (rows, edges, families, facets) or a map file"},
    {"embed", cmd_embed, "embed every model of the inputs and write the vectors (.npy)"},
    {"export", cmd_export, "write a map as CSV / JSON lines, and its vectors as .npy"},
    {"analyze", cmd_analyze, "the paper's analyses: families, trait drift, license audit, documentation drift"},
    {"serve", cmd_serve, "serve a map over HTTP: the JSON/binary API and the web app"},
    {"track", cmd_track, "record the Hub's model counts over time (SQLite) and report their growth"},
    {"synth", cmd_synth, "write synthetic modelbiome-shaped data of any size (CSV or Parquet)"},
};
#define NCOMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *f) {
    fprintf(f,
            "hfviz - a navigator of the Hugging Face model ecosystem\n\n"
            "usage: hfviz COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++) fprintf(f, "  %-8s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(f, "\n'hfviz COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 64;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        if (argc > 2) {
            for (size_t i = 0; i < NCOMMANDS; i++)
                if (!strcmp(argv[2], COMMANDS[i].name)) {
                    char *args[] = {argv[2], "--help", NULL};
                    return COMMANDS[i].run(2, args);
                }
        }
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("hfviz 0.1.0\n");
        return 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(argv[1], COMMANDS[i].name)) return COMMANDS[i].run(argc - 1, argv + 1);
    fprintf(stderr, "hfviz: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 64;
}
