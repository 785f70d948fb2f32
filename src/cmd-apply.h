/* `mlops-tui plan` and `mlops-tui apply`: the whole guide, headless. */
#ifndef MT_CMD_APPLY_H
#define MT_CMD_APPLY_H

#include "destroy.h"
#include "setup.h"

struct apply_options {
	struct setup_options setup;
	bool plan;                      /* probe only, change nothing */
	bool yes;                       /* apply without asking */
	bool json;                      /* JSON lines (applyevents.h) */
	/* apply: while a step runs, a line this often (seconds of real
	 * time) with how long and its stage; 0: the default, 30. */
	double every;
	/* plan --destroy, destroy: the teardown instead of the setup. */
	bool destroy;
	struct destroy_options destroy_opt;
	/* Every --answers given, in order: more than one, or a folder,
	 * is several ML projects in one run (cmd-apply's apply_many). */
	const char **answers;
	size_t nanswers;
};

/*
 * Plan: probe every step and print what exists and what apply would do;
 * nothing is changed or saved. Apply: do it, saving the state file after
 * every transition, and print each step as it settles. Returns an exit
 * status (exitcode.h).
 */
int cmd_apply(const struct apply_options *opt);

/*
 * plan --destroy: print what destroy would delete, and what it keeps (it
 * was there before the setup) or leaves (needs --purge, --all); nothing
 * is changed. destroy: ask (unless yes), then delete it in reverse
 * dependency order, saving the state after each (cmd-destroy.c).
 */
int cmd_destroy(const struct apply_options *opt);

#endif
