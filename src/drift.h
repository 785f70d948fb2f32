/*
 * `mlops-tui doctor --state FILE`: drift. What the state says the setup
 * made, held against what exists now, resource by resource: as made,
 * missing, changed (and what changed), or its secret expiring. Read only;
 * apply repairs what it finds, through the same checks.
 */
#ifndef MT_DRIFT_H
#define MT_DRIFT_H

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
