/* `mlops-tui sim`: run the sandbox in the foreground until a signal. */
#ifndef MT_CMD_SIM_H
#define MT_CMD_SIM_H

#include "sim/sim.h"

/* Returns an exit status (exitcode.h). */
int cmd_sim(struct sim_options *opt);

/* The default world, $XDG_STATE_HOME/mlops-tui/sandbox/world.json, its
 * directory made; caller frees. NULL with *cause. */
char *sim_default_world(char **cause);

#endif
