/* `mlops-tui status`: the checklist of a setup, as text or JSON. */
#ifndef MT_CMD_STATUS_H
#define MT_CMD_STATUS_H

#include <stdbool.h>

/*
 * Print the checklist of the state file at state_path; with state_path
 * NULL, of the one setup in the state directory, a list when there are
 * several, or the catalogue with every step pending when there is none.
 * Returns an exit status (exitcode.h).
 */
int cmd_status(const char *state_path, bool json);

#endif
