/* `mlops-tui plan` and `mlops-tui apply`: the whole guide, headless. */
#ifndef MT_CMD_APPLY_H
#define MT_CMD_APPLY_H

#include "connection.h"

struct apply_options {
	struct connection_options conn; /* org_url and azure: from answers */
	const char *answers_path;       /* NULL: the state's answers */
	const char *state_path;         /* NULL: from the answers */
	const char *principal_file;     /* az ad sp create-for-rbac's JSON */
	bool plan;                      /* probe only, change nothing */
};

/*
 * Plan: probe every step and print what exists and what apply would do;
 * nothing is changed or saved. Apply: do it, saving the state file after
 * every transition, and print each step as it settles. Returns an exit
 * status (exitcode.h).
 */
int cmd_apply(const struct apply_options *opt);

#endif
