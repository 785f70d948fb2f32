/*
 * The behaviour of the catalogue's steps. steps.yml says what a step is
 * (its order, needs, text); the functions here do it:
 *
 *   probe   read-only: is the step's result there now? DONE, TODO (with
 *           what apply would change), or UNKNOWN (could not tell, why)
 *   apply   make it so, changing only what differs, so that a re-run or a
 *           resume after a crash never creates anything twice
 *   verify  the probe again after apply, retried for settle_s seconds
 *           where the service shows a change late (permissions)
 *
 * They run in a fiber (fiber.h), wait for calls with api_wait, and sleep
 * with fiber_sleep_ms: straight-line code that never blocks the loop.
 * Where a doctor check tells whether a step is done, the probe runs it:
 * one piece of code per check.
 */
#ifndef MT_STEP_H
#define MT_STEP_H

#include <stdbool.h>
#include <time.h>

#include "api.h"
#include "catalog.h"
#include "checks.h"
#include "connection.h"
#include "state.h"

enum step_probe { PROBE_DONE, PROBE_TODO, PROBE_UNKNOWN };

/* One step (in one environment) being probed or applied. */
struct step_run {
	const struct catalog_step *step;
	const char *environment;       /* NULL: not per environment */
	struct connection *conn;
	struct api *api;
	struct probe *probe;           /* the checks' facts, this run's own */
	struct check_target target;    /* the setup, for the checks */
	/* The operator's answer to input (the environment's first, then
	 * the setup's, then the default); NULL when unanswered. */
	const char *(*answer)(void *ctx, const char *input);
	void *answer_ctx;
	const struct credential *secret; /* the operator's principal secret
				        * (principal_way existing); NULL */
	const struct credential *github_token; /* for a GitHub connection;
					     * NULL: not given */
	struct state_map *created;     /* what the step made: ids, names */
	void (*save)(void *ctx);       /* save the state file now */
	void *save_ctx;
	void (*note)(void *ctx, const char *text); /* progress, shown */
	/* How it goes now (a run's stages and jobs), replacing the last;
	 * not logged. NULL: not shown anywhere. */
	void (*progress)(void *ctx, const char *text);
	bool *cancelled;               /* set when the operator stops */
	/* When the attempt before this one started (0: none): what it
	 * recorded has had since then to replicate. */
	time_t recorded_since;
	bool recorded_seen;            /* that attempt ended done: what it
				        * made was seen (verified) */
	char *forgotten;               /* records found gone; NULL: none */
	char *detail;                  /* what was found, or done */
	char *error;                   /* why it failed; NULL: it did not */
	const char *error_id;          /* its entry in errors.yml */
	/* Its check found a problem (not only its subject missing, which
	 * an earlier step makes): plan shows what apply would fail. */
	bool problem;
	/* Its probe found what the step acts on absent (the project): an
	 * earlier step makes it, so plan says "after" rather than why. */
	bool subject_missing;
	/* Set by a probe that found the step to do but knows apply cannot
	 * do it now (a secret it needs was not given): the step is left to
	 * the operator, by hand, with the detail saying why - in plan as in
	 * apply, so that it is said before anything changes. */
	bool by_hand;
};

struct step_ops {
	const char *id;
	/* A check whose verdict ok means done (NULL: probe says). */
	const char *check;
	enum step_probe (*probe)(struct step_run *);
	/* 0 done, -1 failed (error set). NULL: a check, nothing to do. */
	int (*apply)(struct step_run *);
	unsigned settle_s;
	/* Its check can never tell (no API): "cannot tell" blocks nothing. */
	bool advisory;
};

/* The behaviour of step id; NULL when this version cannot do it yet. */
const struct step_ops *step_ops_find(const char *id);

/* Probe: the check's verdict when ops->check is set, else ops->probe. */
enum step_probe step_probe(const struct step_ops *ops, struct step_run *r);

/* ---- for the steps' code --------------------------------------------- */

const char *run_answer(struct step_run *r, const char *input);
void run_detail(struct step_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Fail with an errors.yml id (or NULL) and a message; returns -1. */
int run_fail(struct step_run *r, const char *error_id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Tell the operator how it goes (a run's address, a long wait). */
void run_note(struct step_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Show how it goes now, in place of the last (text NULL: nothing). */
void run_progress(struct step_run *r, const char *text);
/* Record what the step made and save it at once, so that a crash right
 * after cannot make it again (kept in the state file; never a secret). */
void run_record(struct step_run *r, const char *key, const char *value);
/* Record what the step found already there, made before the setup: a
 * destroy leaves it (state.h, found.KEY). */
void run_record_found(struct step_run *r, const char *key, const char *value);
const char *run_recorded(struct step_run *r, const char *key);
/*
 * Whether what the state recorded under key is gone: call (taken, freed)
 * reads it back, and a 404 means it was deleted (by hand, or with the
 * whole organization, a sandbox reset): the record is forgotten, and said
 * so (a note, and the step's detail), so that the step does its work again
 * rather than wait for or follow what no longer exists. False on any other
 * answer, which the step's own reading then meets.
 */
bool run_recorded_gone(struct step_run *r, const char *key,
    struct api_call *call, const char *what);
/* Whether ms have passed since the attempt that recorded what the step
 * finds (a new object shows late: replication). */
bool run_recorded_before(struct step_run *r, long ms);
/*
 * Wait for call. On failure set the run's error ("what: why") and
 * return false; the call is freed either way when it failed.
 */
bool run_call(struct step_run *r, struct api_call *call, const char *what);
/* A copy of object's field path; NULL with the error "what: the answer
 * has no path" when a 2xx answer left it out. */
char *run_field(struct step_run *r, json_t *object, const char *path,
    const char *what);
/* Sleep ms, unless the operator stopped; false when stopped. */
bool run_sleep(struct step_run *r, long ms);

/*
 * Poll something slow until its status field says it is over: get(r, ctx)
 * starts each read; a status in done ends with 0, one in failed with -1
 * and the error "what status: <message field>". Polls every interval_ms,
 * half as often again after each half minute (up to every 30 s), giving up
 * after limit × interval_ms of waiting, or when the operator stops.
 * *last, when not NULL, gets the final answer (a new reference).
 */
struct poll_spec {
	const char *what;              /* "the import of mlops-v2" */
	const char *status_field;
	const char *const *done;       /* NULL-terminated */
	const char *const *failed;     /* NULL-terminated; NULL: none */
	const char *message_field;     /* why it failed; NULL: none */
	long interval_ms;
	int limit;                     /* the wait, in first intervals */
	/* Called with each answer that is not the last (NULL: none): to
	 * show progress from it. */
	void (*each)(struct step_run *r, void *ctx, json_t *answer);
};
int run_poll(struct step_run *r, const struct poll_spec *spec,
    struct api_call *(*get)(struct step_run *r, void *ctx), void *ctx,
    json_t **last);

/* The project's id (from the run's probe); NULL with the error set. */
const char *run_project_id(struct step_run *r);
/* The id of repository name, created when missing and recorded as the
 * step's "id"; NULL with the error set. */
char *run_repository(struct step_run *r, const char *project,
    const char *name);

/* The commit branch of repo points at; NULL when there is no such
 * branch, or when reading failed (then *failed, with the error set). */
char *run_branch_tip(struct step_run *r, const char *project,
    const char *repo, const char *branch, bool *failed);
/* One file pushed to branch, whose tip must still be old (NULL: a new
 * branch). A push whose answer was lost, or that a resend of it finds
 * already made, is checked by reading the file back: the same text there
 * is success. 0, or -1 with the error "what: why". */
struct push_file {
	const char *repo, *branch, *old, *path, *content, *message, *what;
	bool add;
};
int run_push(struct step_run *r, const char *project,
    const struct push_file *p);
/* A field ("id", "remoteUrl") of repository name; NULL: error set. */
char *run_repository_field(struct step_run *r, const char *project,
    const char *name, const char *field);
char *run_repository_id(struct step_run *r, const char *project,
    const char *name);

/* Pipelines (pipeline.c). The id of pipeline name in folder, created
 * from yaml_path in repo_id when missing; 0 with the error set. *found
 * (NULL: not asked) tells whether it was there already. */
long pipeline_ensure(struct step_run *r, const char *project,
    const char *name, const char *folder, const char *repo_id,
    const char *yaml_path, bool *found);
/* The newest ended run of pipeline name in folder, when it succeeded: its
 * id; 0 when there is no such pipeline, no ended run, or the newest
 * failed; -1 with the error set. */
long pipeline_succeeded(struct step_run *r, const char *project,
    const char *name, const char *folder);
/*
 * The default branch a pipeline of the ML repository is made with: the
 * repository's, main, where the setup initialises it. One definition
 * serves every environment (dev runs it from develop by naming the branch
 * of each run), so an environment's branch is not the definition's.
 */
#define PIPELINE_MADE_BRANCH "main"
/* Whether pipeline is still as made (its YAML path and default branch;
 * NULL: not compared): 0, 1 with *changes saying what differs or that it
 * was deleted (owned by the caller), -1 with the error set. Read only. */
int pipeline_drift(struct step_run *r, const char *project, long pipeline,
    const char *yaml, const char *branch, char **changes);
/* Put pipeline's YAML path and default branch back; 0, or -1. */
int pipeline_restore(struct step_run *r, const char *project, long pipeline,
    const char *yaml, const char *branch);
/* The YAML path the pipeline of deployment step makes runs (deployment.c);
 * NULL for a step that makes none. */
const char *deployment_yaml(const char *step, bool terraform);
/* The name of that pipeline (deploy-model-training-pipeline, ...). */
const char *deployment_name(const char *step, bool terraform);
/* Authorise resource type/id ("repository", "{project}.{repo}") for
 * pipeline (0: all pipelines). */
int pipeline_permit(struct step_run *r, const char *project,
    const char *type, const char *id, long pipeline);
/*
 * Run pipeline on branch with template parameters (taken over; NULL: none)
 * and follow the run to its end: 0 when it succeeded, else -1 with the
 * timeline's issues as the error. The run is recorded ("run") at once; a
 * recorded run not yet over is followed instead of starting another.
 */
int pipeline_run(struct step_run *r, const char *project, long pipeline,
    const char *name, const char *branch, json_t *params);

/*
 * Fill the ML repository locally (initialise-local.c): clone, compose as
 * the accelerator's initialisation does, push main, register the
 * pipelines. 0, or -1 with the error set.
 */
int initialise_locally(struct step_run *r, const char *project);

/* The steps (accelerator.c, project-repo.c, principal.c, github.c,
 * deploy.c, defects.c, deployment.c). */
extern const struct step_ops steps_accelerator[];
extern const struct step_ops steps_project_repo[];
extern const struct step_ops steps_deploy[];
extern const struct step_ops steps_azure[];
extern const struct step_ops steps_github[];
extern const struct step_ops steps_deployment[];
extern const struct step_ops steps_defects[];

#endif
