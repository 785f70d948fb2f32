/*
 * The teardown of a setup: what it made, read from the state file, in
 * reverse dependency order - Azure (the endpoints, then the resource
 * group; the soft-deleted Key Vault purged on request), Entra ID (role
 * assignments, the service principal, the application with its secrets
 * and federated credentials), Azure DevOps (pipelines and their folder,
 * environments, service connections, the ML repository; the project and
 * its imports only when asked for all).
 *
 * Only what the state records as made by the setup is removed: what it
 * found (found.KEY, state.h) is listed as kept. Each removal is saved at
 * once as removed.KEY, so a destroy stopped at any moment goes on where it
 * was, and a removal that finds its object gone (404) counts as done.
 */
#ifndef MT_DESTROY_H
#define MT_DESTROY_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "api.h"
#include "state.h"

struct setup;

struct destroy_options {
	bool purge;      /* purge the soft-deleted Key Vault and workspace */
	bool all;        /* the accelerator's project and imports too */
};

enum teardown_kind {
	TD_RESOURCE_GROUP, TD_VAULT_PURGE, TD_ROLE_ASSIGNMENT, TD_PRINCIPAL,
	TD_APPLICATION, TD_APP_CREDENTIALS, TD_PIPELINE, TD_FOLDER, TD_ENVIRONMENT, TD_CONNECTION,
	TD_REPOSITORY, TD_BUILD_RIGHTS, TD_PROJECT,
};

enum teardown_state {
	TD_TO_REMOVE,    /* made by the setup: to be removed */
	TD_KEPT,         /* there before the setup: left as it is */
	TD_NOT_ASKED,    /* needs --purge or --all */
	TD_REMOVED,      /* removed now (or found gone) */
	TD_FAILED,
};

/* One thing to remove (or keep), tied to its record in the state. */
struct teardown {
	enum teardown_kind kind;
	enum teardown_state state;
	const char *area;        /* "Azure", "Entra ID", "Azure DevOps" */
	char *step;              /* the step whose created map holds it */
	char *environment;       /* NULL: not per environment */
	char *key;               /* its key there */
	char *value;             /* the id or name */
	char *what;              /* "the resource group rg-..." */
	char *note;              /* why kept, what failed; NULL: none */
	bool purge;              /* the resource group: its workspace
	                            purged, not kept soft-deleted */
	bool kept;               /* destroy_item found it cannot be
	                            removed by anyone (purge protection) */
};

struct destroy_plan {
	struct teardown *items;
	size_t count;
};

/* The teardown of st, in the order it is done; nothing is called. */
void destroy_plan_make(struct destroy_plan *plan, const struct state *st,
    const struct destroy_options *opt);
void destroy_plan_free(struct destroy_plan *plan);

/* Remove one item (TD_TO_REMOVE) through api; its state becomes
 * TD_REMOVED or TD_FAILED (note: why). st is read for the answers.
 * stop, when set, ends the waits for long deletes. */
void destroy_item(struct teardown *t, struct api *api, const struct state *st,
    volatile const int *stop);

/* Save what a removed item's removal means in st: its record moved to
 * removed.KEY. Then, when a step has nothing left to remove, its other
 * records too and the step pending again, so that apply makes it anew. */
void destroy_record(struct state *st, const struct teardown *t);

/* The legend's symbol (legend.h) of an item's state, as plan --destroy,
 * destroy and the wizard show it. */
const char *destroy_symbol(enum teardown_state s);
/* What came of a plan, in one line (owned): how many to remove
 * (planning) or removed and failed, kept and left. */
char *destroy_summary(const struct destroy_plan *plan, bool planning);

/* Remove item i of plan (when TD_TO_REMOVE) in s: said failed when it
 * needs an Azure sign-in there is not, else removed and its removal
 * saved at once. -1 with *cause (owned) when the state cannot be saved. */
int destroy_one(struct destroy_plan *plan, size_t i, struct setup *s,
    volatile const int *stop, char **cause);

/*
 * The teardown beside an event loop (the wizard's): destroy_one for each
 * item in turn, in a fiber, so the loop goes on answering keys while
 * the services delete. The run borrows plan and s, which outlive it.
 */
struct destroy_run;

/* NULL with *cause (owned) when the fiber cannot start. */
struct destroy_run *destroy_run_start(struct destroy_plan *plan,
    struct setup *s, char **cause);
/* One pass: move the removals on, waiting up to timeout_ms for the
 * network, the fiber or extra's descriptors (their revents say which). */
void destroy_run_step(struct destroy_run *r, struct curl_waitfd *extra,
    unsigned n, int timeout_ms);
/* The item being removed; plan->count when none is. */
size_t destroy_run_current(const struct destroy_run *r);
bool destroy_run_done(const struct destroy_run *r);
/* Stop after the item in hand (its long waits end at once). */
void destroy_run_stop(struct destroy_run *r);
bool destroy_run_stopped(const struct destroy_run *r);
/* Why the state could not be saved (the run stopped); NULL: it could. */
const char *destroy_run_fatal(const struct destroy_run *r);
/* Free a run that is done (destroy_run_done); NULL is allowed. */
void destroy_run_free(struct destroy_run *r);

#endif
