/*
 * The checklist: the step catalogue crossed with a setup's state - one line
 * per step and environment, in the guide's order, with its status. The
 * status command prints it; the wizard will draw it.
 */
#ifndef MT_CHECKLIST_H
#define MT_CHECKLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "state.h"

struct checklist_line {
	const struct catalog_step *step;   /* borrowed from the catalogue */
	const char *environment;           /* borrowed; NULL: not per env */
	const struct state_step *record;   /* borrowed; NULL: never started */
	enum step_status status;
	bool applies;                      /* false: not for this setup */
};

struct checklist_summary {
	size_t total;
	size_t by_status[STEP_STATUS_COUNT];
	size_t not_applicable;
};

struct checklist {
	struct checklist_line *lines;
	size_t count;
	char **environments;               /* owned */
	size_t nenvironments;
	struct checklist_summary summary;
};

/*
 * Build the checklist of st (NULL: a setup not started, every step
 * pending). Borrows from cat and st, which must outlive it.
 */
struct checklist *checklist_build(const struct catalog *cat,
    const struct state *st);
void checklist_free(struct checklist *cl);

/* A line's symbol and word in the legend (legend.h); never colour
 * alone. */
const char *checklist_symbol(const struct checklist_line *line);
const char *checklist_word(const struct checklist_line *line);

#endif
