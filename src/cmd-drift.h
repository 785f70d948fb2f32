/* `mlops-tui doctor --state FILE`: drift (drift.h), printed. */
#ifndef MT_CMD_DRIFT_H
#define MT_CMD_DRIFT_H

#include <stdbool.h>

#include "connection.h"

struct drift_options {
	struct connection_options conn; /* org_url and azure: from the state */
	const char *state_path;
	bool json;                      /* machine-readable output */
};

/* One line per recorded resource; an exit status (exitcode.h):
 * MT_EXIT_PROBLEM when one is missing, changed or expiring. */
int cmd_drift(const struct drift_options *opt);

#endif
