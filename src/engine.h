/*
 * The engine: the only place that knows the guide's order. It crosses
 * the catalogue with a setup's state into jobs (a step, in an environment
 * for the per-environment steps), runs each job in a fiber once the jobs
 * it needs are settled - so independent ones run at once, the three
 * imports among them - and saves the state file after every transition.
 *
 * A job probes first. In plan mode that is all: it says what exists and
 * what apply would change, and nothing is changed. In apply mode a job
 * whose result is missing is applied and then verified; one whose result
 * exists is marked done without a change. So a re-run changes nothing,
 * and a resume after a crash probes again and notices what happened in
 * between. Steps the operator marked done by hand or skipped are left so.
 *
 * The engine never blocks: engine_step is one pass of an event loop.
 * Ownership: the engine borrows the catalogue, the session and the
 * connection, which must outlive it.
 */
#ifndef MT_ENGINE_H
#define MT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "catalog.h"
#include "checks.h"
#include "connection.h"
#include "legend.h"
#include "state.h"

enum engine_mode { ENGINE_PLAN, ENGINE_APPLY };

/* What a job came to, and its mark in the legend (legend.h), which
 * gives the symbol and word plan, apply and the wizard show. */
#define JOB_OUTCOME_LIST(X)                                               \
	X(JOB_WAITING, MARK_PENDING)     /* for the jobs it needs */      \
	X(JOB_RUNNING, MARK_RUNNING)                                      \
	X(JOB_DONE, MARK_DONE)           /* there, found or made */       \
	X(JOB_TODO, MARK_PENDING)        /* plan: apply would do it */    \
	X(JOB_FAILED, MARK_FAILED)                                        \
	X(JOB_INTERRUPTED, MARK_RUNNING) /* stopped; kept running */      \
	X(JOB_BLOCKED, MARK_BLOCKED)     /* a job it needs did not */     \
	X(JOB_BY_HAND, MARK_BY_HAND)     /* this version cannot */        \
	X(JOB_UNKNOWN, MARK_UNKNOWN)                                      \
	X(JOB_SKIPPED, MARK_SKIPPED)     /* the operator skipped it */    \
	X(JOB_OPERATOR, MARK_BY_HAND)    /* marked done by hand */        \
	X(JOB_NOT_APPLICABLE, MARK_NOT_APPLICABLE)

enum job_outcome {
#define X(e, mark) e,
	JOB_OUTCOME_LIST(X)
#undef X
};

const char *job_outcome_word(enum job_outcome o);
const char *job_outcome_symbol(enum job_outcome o);

struct engine;

/* One step in one environment; read-only to the engine's users. */
struct engine_job {
	const struct catalog_step *step;
	const char *environment;       /* NULL: not per environment */
	enum job_outcome outcome;
	bool changed;                  /* apply changed something */
	bool advisory;                 /* "cannot tell" blocks nothing */
	char *detail;                  /* what was found or done */
	char *error;                   /* why it failed or is blocked */
	const char *error_id;          /* errors.yml entry, or NULL */
	char *progress;                /* while it runs: how it goes now */
	struct engine *engine;
	struct fiber *fiber;           /* while it runs */
};

/*
 * Called when a job starts to change something and when it settles (note
 * NULL), and with a note on its progress while it runs (a run's web
 * address, how long a wait has lasted).
 */
typedef void (*engine_event_fn)(const struct engine_job *job,
    const char *note, void *arg);

struct engine_config {
	const struct catalog *catalog;
	struct state_session *session;
	struct connection *conn;
	const struct credential *principal_secret; /* existing way; NULL */
	enum engine_mode mode;
	engine_event_fn on_event;
	void *arg;
	bool halt_on_failure;          /* start nothing new after a failure */
	/* The token of the GitHub service connection (rai); NULL: none. */
	const struct credential *github_token;
	/*
	 * Several ML projects in one run (cmd-apply.c, apply_many): the engine of
	 * the first, whose accelerator steps (the shared part: project,
	 * imports, Build Service rights) this engine takes instead of doing
	 * them again - recorded as found, never as made here, so that this
	 * setup's destroy leaves them. Both share conn. NULL: alone.
	 */
	struct engine *leader;
};

/* Build the jobs of the session's setup. -1 with *cause when it cannot. */
int engine_new(struct engine **out, const struct engine_config *cfg,
    char **cause);
/* Free an engine whose jobs are settled (engine_finished). */
void engine_free(struct engine *e);

/* One pass of the loop: start what can start, wait up to timeout_ms for
 * the network or a fiber, move everything on. */
void engine_step(struct engine *e, int timeout_ms);
/* The same, also waking for extra's descriptors (the UI's terminal);
 * their revents say which were ready. */
void engine_step_fds(struct engine *e, struct curl_waitfd *extra,
    unsigned n, int timeout_ms);
/* One pass of several engines on one connection: one wait for all. */
void engines_step_fds(struct engine *const *es, size_t count,
    struct curl_waitfd *extra, unsigned n, int timeout_ms);
/* Run job i again when it failed, could not tell, was blocked, or was
 * marked by the operator (the mark is undone); the jobs blocked behind
 * it are judged again. */
void engine_retry(struct engine *e, size_t i);
/* Run job i again though it is done, as apply would: its probe judges
 * what it made against what exists now, and what drifted is put back
 * (the wizard's repair of drift). false when job i is not done. */
bool engine_recheck(struct engine *e, size_t i);
/* The operator's word on job i: done by hand (STEP_MANUAL) or skipped
 * (STEP_SKIPPED); saved, and what waited for it goes on. */
void engine_mark(struct engine *e, size_t i, enum step_status status);
/*
 * The operator made job i's service principal by hand and pasted what
 * az ad sp create-for-rbac printed: its environment's answers take the
 * app id and tenant (principal_way existing), the secret (borrowed; it
 * must outlive the engine, and is never saved) goes to the connection,
 * and the job is marked done by hand. -1 with *cause (owned) when job i
 * is not a service principal step that failed or waits.
 */
int engine_use_principal(struct engine *e, size_t i,
    const struct credential *secret, const char *app_id, const char *tenant,
    char **cause);
/* Step until every job is settled (the command line). */
void engine_run(struct engine *e);
bool engine_finished(const struct engine *e);
/* Whether a failure stopped the run (halt_on_failure). */
bool engine_halted(const struct engine *e);
/* Start one job at a time, the first ready in the guide's order, instead
 * of every ready one: a job's requests follow one another, so the whole
 * setup is one request at a time (bench/'s sequential baseline). */
void engine_one_at_a_time(struct engine *e, bool on);
/* Keep each running job's progress (engine_job.progress) for a screen
 * that shows it; off, nothing is read for it (a run's timeline). */
void engine_show_progress(struct engine *e, bool on);
/* The operator stops: running jobs end at their next wait, the state
 * keeps them as running (interrupted), nothing new starts. */
void engine_stop(struct engine *e);
/* A failure to save the state: the run stopped; NULL when none. */
const char *engine_fatal(const struct engine *e);

/* The jobs in the guide's order. */
size_t engine_count(const struct engine *e);
const struct engine_job *engine_job(const struct engine *e, size_t i);
/* Whether the setup is whole: every job done, done by hand, or not
 * applicable - nothing skipped, left to do, or not told - save an
 * advisory check that cannot tell (a warning, never a gap); for a plan,
 * also "to do": apply is expected to do it. */
bool engine_whole(const struct engine *e);
/* How many jobs came to each outcome. */
void engine_tally(const struct engine *e, size_t counts[]);
#define JOB_OUTCOME_COUNT (JOB_NOT_APPLICABLE + 1)

/* "Title (env)", as the front ends show a job; caller frees. */
/* The answer to input for a step in environment (NULL: none): the
 * environment's, the setup's, then the default; NULL when unanswered. */
const char *engine_answer(const struct state *st, const struct catalog *cat,
    const char *environment, const char *input);
/* What the checks hold a step in environment (NULL: none) to: the
 * answers, and what the state recorded of the environment's principal. */
void engine_check_target(const struct state *st, const struct catalog *cat,
    const char *organization, const char *environment,
    struct check_target *out);
char *engine_job_title(const struct engine_job *j);
/* The answer input has for job j (its environment's, else the setup's,
 * else the default); NULL when none. */
const char *engine_job_answer(const struct engine_job *j, const char *input);

/* text with the setup's answers for {input} (the job's environment
 * first), e.g. a step's manual instructions; caller frees. */
char *engine_fill(const struct engine_job *job, const char *text);

#endif
