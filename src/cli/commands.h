/* commands.h - one entry point per subcommand (src/cli/<name>.c).
 * Each returns the process exit status. */
#ifndef HV_COMMANDS_H
#define HV_COMMANDS_H

int cmd_info(int argc, char **argv);
int cmd_synth(int argc, char **argv);

#endif
