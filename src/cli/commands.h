/* commands.h - one entry point per subcommand (src/cli/<name>.c).
 * Each returns the process exit status. */
#ifndef HV_COMMANDS_H
#define HV_COMMANDS_H

#include <stdbool.h>

int cmd_info(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_embed(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_track(int argc, char **argv);
/* `hfviz info MAP` (called by cmd_info when its one argument is a map) */
int cmd_info_map(const char *path, bool json);

#endif
