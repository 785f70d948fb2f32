/*
 * Drift: what the state says the setup made, held against what exists
 * now, resource by resource - as made, missing, changed (and what
 * changed), or its secret expiring. Read only: each resource is judged by
 * the check whose verdict its step's probe takes, so apply (or the
 * wizard's repair, which re-runs the steps that drifted) repairs exactly
 * what is found here. doctor --state prints the list (cmd-drift.c); the
 * wizard shows it (ui/screen-drift.c).
 */
#ifndef MT_DRIFT_H
#define MT_DRIFT_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

struct setup;

#define DRIFT_KIND_LIST(X)                                                \
	X(DRIFT_AS_MADE, "as made")                                       \
	X(DRIFT_MISSING, "missing")                                       \
	X(DRIFT_CHANGED, "changed")                                       \
	X(DRIFT_EXPIRING, "expiring")                                     \
	X(DRIFT_UNKNOWN, "cannot tell")

enum drift_kind {
#define X(e, word) e,
	DRIFT_KIND_LIST(X)
#undef X
	DRIFT_KINDS
};

/* "as made", "missing", ...: the words doctor --state and --json use. */
const char *drift_word(enum drift_kind kind);

/* One recorded resource and what was found of it. */
struct drift_result {
	char *step;              /* the step that made it (its id) */
	char *environment;       /* NULL: not per environment */
	char *resource;          /* "environment prod", "pipeline 12" */
	bool named_by_environment; /* its name is the environment's */
	enum drift_kind kind;
	char *detail;            /* what was found; NULL when as made */
	/* Missing, why apply cannot put it back (and what to do); NULL:
	 * it can. */
	const char *beyond_repair;
};

struct drift_list {
	struct drift_result *items;
	size_t count;
	size_t counts[DRIFT_KINDS];
};

/* Told each result as soon as it is judged (doctor prints it then). */
typedef void (*drift_judged_fn)(const struct drift_result *r, void *arg);

/*
 * Judge each resource the state of s records as made, appending to list;
 * judged (when set) is told each as it comes. stop, when set, ends the
 * judging before the next resource. Read only.
 */
void drift_judge(struct drift_list *list, struct setup *s,
    drift_judged_fn judged, void *arg, volatile const int *stop);
/* How many are missing, changed or expiring. */
size_t drift_problems(const struct drift_list *list);
void drift_list_free(struct drift_list *list);

/*
 * The judging beside an event loop (the wizard's), in a fiber, so the
 * loop goes on answering keys while the requests go on. The run borrows
 * list and s, which outlive it; list grows as each is judged.
 */
struct drift_run;

/* NULL with *cause (owned) when the fiber cannot start. */
struct drift_run *drift_run_start(struct drift_list *list, struct setup *s,
    char **cause);
/* One pass: move the judging on, waiting up to timeout_ms for the
 * network, the fiber or extra's descriptors (their revents say which). */
void drift_run_step(struct drift_run *r, struct curl_waitfd *extra,
    unsigned n, int timeout_ms);
bool drift_run_done(const struct drift_run *r);
/* Stop before the next resource. */
void drift_run_stop(struct drift_run *r);
/* Free a run that is done (drift_run_done); NULL is allowed. */
void drift_run_free(struct drift_run *r);

#endif
