/* The engine: jobs from the catalogue, run in fibers, saved as they go. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checklist.h"
#include "engine.h"
#include "errors.h"
#include "fiber.h"
#include "steps/step.h"
#include "xalloc.h"

/* Verify polls while a change shows late: from 1 s, doubling, to 8 s. */
#define SETTLE_FIRST_MS 1000
#define SETTLE_MAX_MS 8000

struct engine {
	struct engine_config cfg;
	struct fibers *fibers;
	struct engine_job *jobs;
	size_t njobs;
	char **environments;
	size_t nenvironments;
	bool stopped;
	bool halted;                   /* a failure, with halt_on_failure */
	bool one_at_a_time;            /* the sequential baseline (bench/) */
	bool show_progress;            /* a screen shows job progress */
	char *fatal;
};

static const enum legend_mark outcome_marks[] = {
#define X(e, mark) mark,
	JOB_OUTCOME_LIST(X)
#undef X
};

const char *
job_outcome_word(enum job_outcome o)
{
	/* Two outcomes share their mark with another; counted, each says
	 * what it is ("2 by hand, 1 done by hand" would not). */
	if (o == JOB_INTERRUPTED)
		return "interrupted";
	return legend_word(outcome_marks[o]);
}

const char *
job_outcome_symbol(enum job_outcome o)
{
	return legend_symbol(outcome_marks[o]);
}

/* The operator's mark on a step, as a job's outcome. */
static enum job_outcome
marked_outcome(enum step_status status)
{
	return status == STEP_SKIPPED ? JOB_SKIPPED : JOB_OPERATOR;
}

/* ---- answers ----------------------------------------------------------- */

/*
 * The guide's names per environment: Azure-ARM-Prod deploying main, and
 * for dev Azure-ARM-Dev deploying a branch other than main, since runs
 * from main read config-infra-prod.yml and runs from any other branch
 * config-infra-dev.yml. The answers allow prod and dev only.
 */
static const char *
environment_default(const char *env, const char *input)
{
	bool dev = strcmp(env, "dev") == 0;

	if (strcmp(input, "service_connection") == 0)
		return dev ? "Azure-ARM-Dev" : "Azure-ARM-Prod";
	if (strcmp(input, "branch") == 0)
		return dev ? "develop" : "main";
	return NULL;
}

const char *
engine_answer(const struct state *st, const struct catalog *cat,
    const char *environment, const char *input)
{
	const struct state_environment *env = environment ?
	    state_environment_find(st, environment) : NULL;
	const struct catalog_entry *entry;
	const char *v = env ? state_map_get(&env->answers, input) : NULL;

	if (v != NULL)
		return v;
	if (environment != NULL && strcmp(input, "environment") == 0)
		return environment;
	if ((v = state_map_get(&st->answers, input)) != NULL)
		return v;
	if (environment != NULL && (v = environment_default(environment,
	    input)) != NULL)
		return v;
	entry = catalog_input_find(cat, input);
	return entry ? entry->extra : NULL;
}

static const char *
job_answer(void *ctx, const char *input)
{
	const struct engine_job *j = ctx;

	return engine_answer(j->engine->cfg.session->state,
	    j->engine->cfg.catalog, j->environment, input);
}

const char *
engine_job_answer(const struct engine_job *j, const char *input)
{
	return job_answer((void *)j, input);
}

char *
engine_job_title(const struct engine_job *j)
{
	if (j->environment != NULL)
		return xasprintf("%s (%s)", j->step->title, j->environment);
	return xstrdup(j->step->title);
}

char *
engine_fill(const struct engine_job *job, const char *text)
{
	const struct catalog *cat = job->engine->cfg.catalog;
	const char **keys = xcalloc(cat->ninputs + 1, sizeof *keys);
	const char **values = xcalloc(cat->ninputs + 1, sizeof *values);
	char *out;

	for (size_t i = 0; i < cat->ninputs; i++) {
		keys[i] = cat->inputs[i].id;
		values[i] = job_answer((void *)job, keys[i]);
	}
	out = errors_fill(text, keys, values, cat->ninputs);
	free(keys);
	free(values);
	return out;
}

/* ---- the state file ---------------------------------------------------- */

static struct state_step *
job_record(struct engine_job *j)
{
	return state_step(j->engine->cfg.session->state, j->step->id,
	    j->environment);
}

static void
save(struct engine *e)
{
	char *cause = NULL;

	if (e->fatal != NULL || e->cfg.mode == ENGINE_PLAN)
		return;
	if (state_session_save(e->cfg.session, &cause) == -1) {
		/* Without a state file a crash would lose the run: stop. */
		e->fatal = cause;
		e->stopped = true;
	}
}

static void
record_status(struct engine_job *j, enum step_status status,
    const char *error)
{
	struct state_step *rec = job_record(j);
	time_t now = time(NULL);

	if (status == STEP_RUNNING) {
		rec->started = now;
		rec->finished = 0;
		rec->attempts++;
	} else if (status == STEP_DONE || status == STEP_FAILED)
		rec->finished = now;
	rec->status = status;
	free(rec->last_error);
	rec->last_error = error ? xstrdup(error) : NULL;
	save(j->engine);
}

/* ---- one job ----------------------------------------------------------- */

static void
settle(struct engine_job *j, enum job_outcome o, struct step_run *r)
{
	j->outcome = o;
	free(j->progress);
	j->progress = NULL;
	free(j->detail);
	/* A record found gone is told with what the step did. */
	if (r->forgotten != NULL && o != JOB_RUNNING)
		j->detail = xasprintf("%s (%s)", r->detail ? r->detail : "",
		    r->forgotten);
	else
		j->detail = r->detail ? xstrdup(r->detail) : NULL;
	free(j->error);
	j->error = r->error ? xstrdup(r->error) : NULL;
	j->error_id = r->error_id;
}

static void
tell(struct engine_job *j)
{
	if (j->engine->cfg.on_event != NULL)
		j->engine->cfg.on_event(j, NULL, j->engine->cfg.arg);
}

/* The UI reads it when it draws; a progress is not an event. */
static void
job_progress(void *ctx, const char *text)
{
	struct engine_job *j = ctx;

	free(j->progress);
	j->progress = text ? xstrdup(text) : NULL;
}

static void
job_note(void *ctx, const char *note)
{
	struct engine_job *j = ctx;

	if (j->engine->cfg.on_event != NULL)
		j->engine->cfg.on_event(j, note, j->engine->cfg.arg);
}

/* The probe again after apply, until it shows or settle_s runs out. */
static bool
verify(const struct step_ops *ops, struct step_run *r)
{
	long waited = 0, pause = SETTLE_FIRST_MS;
	char *did = r->detail ? xstrdup(r->detail) : NULL;
	bool ok;

	probe_forget(r->probe);
	while (!(ok = step_probe(ops, r) == PROBE_DONE) &&
	    waited < (long)ops->settle_s * 1000 && run_sleep(r, pause)) {
		probe_forget(r->probe);
		waited += pause;
		pause = pause * 2 > SETTLE_MAX_MS ? SETTLE_MAX_MS : pause * 2;
	}
	if (!ok)
		run_fail(r, r->error_id, "done, but it does not show: %s",
		    r->detail ? r->detail : "the probe says so");
	free(r->detail);
	r->detail = did;            /* what apply did, not what it found */
	return ok;
}

static void
apply_job(struct engine_job *j, const struct step_ops *ops,
    struct step_run *r)
{
	record_status(j, STEP_RUNNING, NULL);
	settle(j, JOB_RUNNING, r);
	tell(j);
	free(r->error);
	r->error = NULL;
	if (ops->apply(r) == 0 && verify(ops, r)) {
		j->changed = true;
		record_status(j, STEP_DONE, NULL);
		settle(j, JOB_DONE, r);
		return;
	}
	if (j->engine->stopped) {
		/* Interrupted, not failed: the state keeps it running, and
		 * the output and the counts say the same. */
		save(j->engine);
		settle(j, JOB_INTERRUPTED, r);
		return;
	}
	record_status(j, STEP_FAILED, r->error);
	settle(j, JOB_FAILED, r);
	j->engine->halted |= j->engine->cfg.halt_on_failure;
}

/* A probe that found the step to do, when it cannot be applied. */
static enum job_outcome
cannot_apply(struct engine_job *j, struct step_run *r)
{
	if (j->step->kind == CATALOG_CHECK) {
		/* A check that found a problem: the problem is the error. */
		if (r->error == NULL)
			run_fail(r, r->error_id, "%s", r->detail);
		record_status(j, STEP_FAILED, r->error);
		return JOB_FAILED;
	}
	return JOB_BY_HAND;
}

/*
 * What plan says of a step its probe found not done: what apply would make
 * of it. A check that can change nothing (the sign-in, the names) and
 * found a problem fails now, as apply would fail it, rather than showing
 * as a step "to do" (a refused PAT is not something apply will do); one
 * whose subject an earlier step makes (the project) is to do.
 */
static struct engine_job *find_job(struct engine *e, const char *id,
    const char *env);

/* The first job j needs that plan found to do; NULL: none. */
static struct engine_job *
need_to_do(struct engine_job *j)
{
	for (size_t i = 0; i < j->step->needs.count; i++) {
		struct engine_job *need = find_job(j->engine,
		    j->step->needs.items[i], j->environment);

		if (need != NULL && need->outcome == JOB_TODO)
			return need;
	}
	return NULL;
}

/* A step whose subject an earlier step of this plan makes is to do after
 * it: said so, rather than "there is no project", which reads as an
 * error on a new organization. */
static void
told_after(struct engine_job *j, struct step_run *r, const char *when)
{
	char *title = engine_job_title(need_to_do(j));

	free(r->detail);
	r->detail = xasprintf("%s '%s'", when, title);
	free(r->error);
	r->error = NULL;
	r->error_id = NULL;
	free(title);
}

static enum job_outcome
to_do(struct engine_job *j, struct step_run *r)
{
	if (r->subject_missing && need_to_do(j) != NULL)
		told_after(j, r, "to do after");
	return JOB_TODO;
}

static enum job_outcome
plan_outcome(struct engine_job *j, const struct step_ops *ops,
    struct step_run *r)
{
	if (r->by_hand)
		return JOB_BY_HAND;     /* its probe knows apply cannot do it */
	if (ops->apply != NULL)
		return to_do(j, r);
	if (j->step->kind != CATALOG_CHECK)
		return JOB_BY_HAND;
	if (!r->problem)
		return to_do(j, r);     /* its subject comes with an earlier step */
	if (r->error == NULL)
		run_fail(r, r->error_id, "%s", r->detail);
	return JOB_FAILED;
}

static void
found_done(struct engine_job *j)
{
	struct state_step *rec = job_record(j);

	if (rec->status != STEP_DONE)
		record_status(j, STEP_DONE, NULL);
}

static void
run_job(struct engine_job *j, const struct step_ops *ops, struct step_run *r)
{
	enum step_probe p = step_probe(ops, r);
	bool apply = j->engine->cfg.mode == ENGINE_APPLY;

	if (p == PROBE_DONE) {
		if (apply)
			found_done(j);
		settle(j, JOB_DONE, r);
	} else if (p == PROBE_UNKNOWN || ops->advisory) {
		/* An advisory check's problem is evidence, not a verdict on
		 * today (parallelism read from past runs): told, never a
		 * stop. */
		if (!apply && r->subject_missing && need_to_do(j) != NULL)
			told_after(j, r, "can be told after");
		else if (r->error == NULL)
			run_fail(r, r->error_id, "%s", r->detail);
		settle(j, JOB_UNKNOWN, r);
	} else if (!apply)
		settle(j, plan_outcome(j, ops, r), r);
	else if (ops->apply == NULL || r->by_hand)
		settle(j, cannot_apply(j, r), r);
	else
		apply_job(j, ops, r);
}

/* What the state recorded of the environment's principal: the
 * connection is held to it (an existing principal: the answer). */
static const char *
principal_record(const struct state *st, const struct catalog *cat,
    const char *environment, const char *key)
{
	const struct state_step *rec = environment ? state_step_find(st,
	    "service-principal", environment) : NULL;
	const char *v = rec != NULL && rec->status == STEP_DONE ?
	    state_map_get(&rec->created, key) : NULL;

	if (v == NULL && strcmp(key, "app_id") == 0)
		v = engine_answer(st, cat, environment, "client_id");
	return v;
}

void
engine_check_target(const struct state *st, const struct catalog *cat,
    const char *organization, const char *environment,
    struct check_target *out)
{
	*out = (struct check_target){
		.organization = organization,
		.project = engine_answer(st, cat, environment, "project"),
		.repository = engine_answer(st, cat, environment, "repository"),
		.infrastructure = engine_answer(st, cat, environment,
		    "infrastructure"),
		.namespace = engine_answer(st, cat, environment, "namespace"),
		.postfix = engine_answer(st, cat, environment, "postfix"),
		.connection = engine_answer(st, cat, environment,
		    "service_connection"),
		.environment = environment ? environment : "prod",
		.subscription = engine_answer(st, cat, environment,
		    "subscription_id"),
		/* where a soft-deleted vault of the names would be kept */
		.location = engine_answer(st, cat, environment, "location"),
		.client_id = principal_record(st, cat, environment, "app_id"),
		.application = principal_record(st, cat, environment,
		    "application"),
		.as_made = true,
	};
}

static void
set_target(struct engine_job *j, struct step_run *r)
{
	engine_check_target(j->engine->cfg.session->state,
	    j->engine->cfg.catalog, j->engine->cfg.conn->organization,
	    j->environment, &r->target);
}

static void
job_save(void *ctx)
{
	save(((struct engine_job *)ctx)->engine);
}

static void
job_main(void *arg)
{
	struct engine_job *j = arg;
	struct engine *e = j->engine;
	const struct step_ops *ops = step_ops_find(j->step->id);
	struct step_run r = { .step = j->step, .environment = j->environment,
		.conn = e->cfg.conn, .api = &e->cfg.conn->api,
		.answer = job_answer, .answer_ctx = j,
		.secret = e->cfg.principal_secret,
		.github_token = e->cfg.github_token,
		.created = &job_record(j)->created, .save = job_save,
		.save_ctx = j, .note = job_note,
		.progress = e->show_progress ? job_progress : NULL,
		.cancelled = &e->stopped,
		.recorded_since = job_record(j)->started,
		.recorded_seen = job_record(j)->status == STEP_DONE };

	set_target(j, &r);
	r.probe = probe_new(r.api, &r.target);
	r.probe->azure = e->cfg.conn->signed_in_azure ? &e->cfg.conn->azure :
	    NULL;
	r.probe->azure_error = e->cfg.conn->azure_error;
	if (ops == NULL) {
		run_detail(&r, "mlops-tui cannot do this step yet: do it by "
		    "hand, then mark it done");
		settle(j, JOB_BY_HAND, &r);
	} else
		run_job(j, ops, &r);
	probe_free(r.probe);
	free(r.forgotten);
	free(r.detail);
	free(r.error);
}

/* ---- scheduling -------------------------------------------------------- */

static struct engine_job *
find_job(struct engine *e, const char *id, const char *env)
{
	for (size_t i = 0; i < e->njobs; i++) {
		struct engine_job *j = &e->jobs[i];

		if (strcmp(j->step->id, id) != 0)
			continue;
		if (j->environment == NULL || env == NULL ||
		    strcmp(j->environment, env) == 0)
			return j;
	}
	return NULL;
}

static bool
satisfies(const struct engine_job *need, enum engine_mode mode)
{
	switch (need->outcome) {
	case JOB_DONE:
	case JOB_OPERATOR:
	case JOB_SKIPPED:
	case JOB_NOT_APPLICABLE:
		return true;
	case JOB_TODO:
		return mode == ENGINE_PLAN;
	case JOB_UNKNOWN:
		return need->advisory;
	default:
		return false;
	}
}

static bool
unsettled(const struct engine_job *j)
{
	return j->outcome == JOB_WAITING || j->outcome == JOB_RUNNING;
}

/* Whether j's needs are settled; blocks j when one cannot be met. */
static bool
needs_met(struct engine *e, struct engine_job *j)
{
	for (size_t i = 0; i < j->step->needs.count; i++) {
		const char *id = j->step->needs.items[i];
		struct engine_job *need = find_job(e, id, j->environment);
		char *title;

		if (need == NULL || satisfies(need, e->cfg.mode))
			continue;
		if (unsettled(need))
			return false;
		j->outcome = JOB_BLOCKED;
		free(j->error);
		/* The title a person reads on the checklist, not the id. */
		title = engine_job_title(need);
		j->error = xasprintf("waits for '%s' (%s)", title,
		    job_outcome_word(need->outcome));
		free(title);
		tell(j);
		return false;
	}
	return true;
}

static bool running(const struct engine *e);

/* What the leader did of a shared step, in this setup's state: done,
 * and each thing it names recorded as found (this setup did not make
 * it), unless this setup recorded it already. */
static void
record_shared(struct engine_job *j, const struct engine_job *lj)
{
	const struct state_step *from = state_step_find(
	    lj->engine->cfg.session->state, lj->step->id, lj->environment);
	struct state_step *rec = job_record(j);

	for (size_t i = 0; from != NULL && i < from->created.count; i++) {
		const char *key = from->created.keys[i];

		if (strchr(key, '.') == NULL &&
		    state_map_get(&rec->created, key) == NULL)
			state_created_set_found(&rec->created, key,
			    from->created.values[i]);
	}
	if (rec->status != STEP_DONE)
		record_status(j, STEP_DONE, NULL);
	else
		save(j->engine);
}

/* j takes the outcome of the leader's job lj. */
static void
take_outcome(struct engine_job *j, const struct engine_job *lj)
{
	const char *repo = engine_answer(lj->engine->cfg.session->state,
	    lj->engine->cfg.catalog, NULL, "repository");

	if (j->engine->cfg.mode == ENGINE_APPLY && lj->outcome == JOB_DONE)
		record_shared(j, lj);
	j->outcome = lj->outcome;
	j->advisory = lj->advisory;
	free(j->detail);
	j->detail = xasprintf("shared with %s, done once for this run: %s",
	    repo, lj->detail ? lj->detail : "done");
	free(j->error);
	j->error = lj->error ? xstrdup(lj->error) : NULL;
	j->error_id = lj->error_id;
	tell(j);
}

/*
 * A shared step of a follower (cfg.leader; the accelerator's section):
 * it waits for the leader's job and takes what it came to - done (or, planning, to do; or an
 * advisory "cannot tell") - or is blocked by its failure. Whatever else
 * the leader's came to (not applicable to the leader's answers, by
 * hand, marked), or never reached because the leader's run stopped,
 * this engine does the step itself. True when j is taken care of here
 * (settled, or waiting for the leader).
 */
static bool
take_shared(struct engine *e, struct engine_job *j)
{
	struct engine *leader = e->cfg.leader;
	const struct engine_job *lj;
	char *title;

	if (leader == NULL || (lj = find_job(leader, j->step->id,
	    j->environment)) == NULL)
		return false;
	/* It fixes mlops-templates, shared, besides this project's own
	 * repository: after the leader's, which leaves it fixed, so that
	 * no two pushes to it race. */
	if (strcmp(j->step->id, "template-defects") == 0)
		return unsettled(lj) && !engine_finished(leader);
	if (strcmp(j->step->section, "accelerator") != 0)
		return false;
	if (unsettled(lj))
		return !engine_finished(leader);
	if (lj->outcome == JOB_DONE || (lj->outcome == JOB_TODO &&
	    e->cfg.mode == ENGINE_PLAN) || (lj->outcome == JOB_UNKNOWN &&
	    lj->advisory)) {
		take_outcome(j, lj);
		return true;
	}
	if (lj->outcome != JOB_FAILED && lj->outcome != JOB_BLOCKED &&
	    lj->outcome != JOB_INTERRUPTED)
		return false;
	title = engine_job_title(lj);
	j->outcome = JOB_BLOCKED;
	free(j->error);
	j->error = xasprintf("waits for '%s', shared with %s (%s there)",
	    title, engine_answer(leader->cfg.session->state,
	    leader->cfg.catalog, NULL, "repository"),
	    job_outcome_word(lj->outcome));
	free(title);
	tell(j);
	return true;
}

static void
start_ready(struct engine *e)
{
	for (size_t i = 0; i < e->njobs && !e->stopped && !e->halted; i++) {
		struct engine_job *j = &e->jobs[i];
		char *cause = NULL;

		if (e->one_at_a_time && running(e))
			return;
		if (j->outcome != JOB_WAITING || j->fiber != NULL ||
		    !needs_met(e, j) || take_shared(e, j))
			continue;
		j->fiber = fiber_start(e->fibers, job_main, j, &cause);
		if (j->fiber == NULL) {
			e->fatal = cause;
			e->stopped = true;
		} else
			j->outcome = JOB_RUNNING;
	}
}

/*
 * What a later step proved settles a check that could not tell: a
 * pipeline run that got an agent shows the organization has hosted
 * parallelism, whatever the check read before any run existed.
 */
static void
settle_proven(struct engine *e, const struct engine_job *by)
{
	for (size_t i = 0; i < by->step->proves.count; i++) {
		struct engine_job *j = find_job(e, by->step->proves.items[i],
		    by->environment);
		char *title;

		if (j == NULL || j->outcome != JOB_UNKNOWN || j->fiber != NULL)
			continue;
		if (e->cfg.mode == ENGINE_APPLY)
			record_status(j, STEP_DONE, NULL);
		j->outcome = JOB_DONE;
		title = engine_job_title(by);
		free(j->detail);
		j->detail = xasprintf("shown by '%s', which ran", title);
		free(title);
		free(j->error);
		j->error = NULL;
		j->error_id = NULL;
		tell(j);
	}
}

static void
reap(struct engine *e)
{
	for (size_t i = 0; i < e->njobs; i++) {
		struct engine_job *j = &e->jobs[i];

		if (j->fiber == NULL || !fiber_done(j->fiber))
			continue;
		fiber_free(j->fiber);
		j->fiber = NULL;
		tell(j);
		if (j->outcome == JOB_DONE)
			settle_proven(e, j);
	}
}

/* Jobs that never started because the run stopped stay waiting. */
static bool
running(const struct engine *e)
{
	for (size_t i = 0; i < e->njobs; i++)
		if (e->jobs[i].fiber != NULL)
			return true;
	return false;
}

bool
engine_finished(const struct engine *e)
{
	if (running(e))
		return false;
	if (e->stopped || e->halted)
		return true;
	for (size_t i = 0; i < e->njobs; i++)
		if (unsettled(&e->jobs[i]))
			return false;
	return true;
}

void
engine_step(struct engine *e, int timeout_ms)
{
	engine_step_fds(e, NULL, 0, timeout_ms);
}

void
engine_step_fds(struct engine *e, struct curl_waitfd *extra, unsigned n,
    int timeout_ms)
{
	engines_step_fds(&e, 1, extra, n, timeout_ms);
}

static void
move_on(struct engine *e)
{
	start_ready(e);
	fibers_resume(e->fibers);
	reap(e);
	start_ready(e);
}

void
engines_step_fds(struct engine *const *es, size_t count,
    struct curl_waitfd *extra, unsigned n, int timeout_ms)
{
	struct fibers **sets = xcalloc(count, sizeof *sets);
	bool over = true;

	for (size_t i = 0; i < count; i++) {
		move_on(es[i]);
		sets[i] = es[i]->fibers;
		over &= engine_finished(es[i]);
	}
	if (!over || n > 0)
		fibers_wait_many(sets, count, es[0]->cfg.conn->api.http, extra,
		    n, timeout_ms);
	for (size_t i = 0; i < count; i++) {
		fibers_resume(es[i]->fibers);
		reap(es[i]);
	}
	free(sets);
}

static void unblock(struct engine *e, size_t i);

void
engine_retry(struct engine *e, size_t i)
{
	struct engine_job *j;

	if (i >= e->njobs)
		return;
	j = &e->jobs[i];
	if (j->fiber != NULL || (j->outcome != JOB_FAILED &&
	    j->outcome != JOB_UNKNOWN && j->outcome != JOB_BLOCKED &&
	    j->outcome != JOB_OPERATOR && j->outcome != JOB_SKIPPED &&
	    j->outcome != JOB_BY_HAND))
		return;
	if (j->outcome == JOB_OPERATOR || j->outcome == JOB_SKIPPED)
		record_status(j, STEP_PENDING, NULL);  /* the mark is undone */
	unblock(e, i);
}

bool
engine_recheck(struct engine *e, size_t i)
{
	if (i >= e->njobs || e->jobs[i].fiber != NULL ||
	    e->jobs[i].outcome != JOB_DONE)
		return false;
	unblock(e, i);
	return true;
}

/* Job i and what waited for it are judged again. */
static void
unblock(struct engine *e, size_t i)
{
	e->stopped = false;
	e->halted = false;
	for (size_t k = 0; k < e->njobs; k++)
		if (e->jobs[k].outcome == JOB_BLOCKED || k == i) {
			e->jobs[k].outcome = JOB_WAITING;
			free(e->jobs[k].error);
			e->jobs[k].error = NULL;
		}
}

void
engine_mark(struct engine *e, size_t i, enum step_status status)
{
	struct engine_job *j;

	if (i >= e->njobs || (status != STEP_MANUAL && status != STEP_SKIPPED))
		return;
	j = &e->jobs[i];
	if (j->fiber != NULL || j->outcome == JOB_NOT_APPLICABLE ||
	    j->outcome == JOB_DONE)
		return;
	record_status(j, status, NULL);
	free(j->detail);
	j->detail = xasprintf("marked %s by the operator",
	    step_status_word(status));
	unblock(e, e->njobs);       /* nothing to run again but the blocked */
	j->outcome = marked_outcome(status);
	tell(j);
}

int
engine_use_principal(struct engine *e, size_t i,
    const struct credential *secret, const char *app_id, const char *tenant,
    char **cause)
{
	struct engine_job *j = i < e->njobs ? &e->jobs[i] : NULL;
	struct state_environment *env;

	if (j == NULL || strcmp(j->step->id, "service-principal") != 0 ||
	    j->environment == NULL) {
		*cause = xstrdup("select the service principal step first");
		return -1;
	}
	if (j->fiber != NULL || j->outcome == JOB_DONE) {
		*cause = xstrdup("the service principal step is running or "
		    "done; a principal is pasted for one that failed or waits");
		return -1;
	}
	env = state_environment(e->cfg.session->state, j->environment);
	/* The environment's answers now name it; its secret stays here. */
	state_map_set(&env->answers, "principal_way", "existing");
	state_map_set(&env->answers, "client_id", app_id);
	if (tenant != NULL)
		state_map_set(&env->answers, "tenant_id", tenant);
	e->cfg.principal_secret = secret;
	engine_mark(e, i, STEP_MANUAL);
	save(e);
	return 0;
}

void
engine_run(struct engine *e)
{
	while (!engine_finished(e))
		engine_step(e, 1000);
}

void
engine_show_progress(struct engine *e, bool on)
{
	e->show_progress = on;
}

void
engine_one_at_a_time(struct engine *e, bool on)
{
	e->one_at_a_time = on;
}

void
engine_stop(struct engine *e)
{
	e->stopped = true;
}

bool
engine_halted(const struct engine *e)
{
	return e->halted;
}

const char *
engine_fatal(const struct engine *e)
{
	return e->fatal;
}

/* ---- building the jobs ------------------------------------------------- */

static void
add_job(struct engine *e, const struct checklist_line *line)
{
	struct engine_job *j = &e->jobs[e->njobs++];
	const struct state_step *rec;
	const struct step_ops *ops = step_ops_find(line->step->id);

	j->engine = e;
	j->advisory = ops != NULL && ops->advisory;
	j->step = line->step;
	j->environment = NULL;
	for (size_t i = 0; line->environment && i < e->nenvironments; i++)
		if (strcmp(e->environments[i], line->environment) == 0)
			j->environment = e->environments[i];
	if (!line->applies) {
		j->outcome = JOB_NOT_APPLICABLE;
		return;
	}
	/* Every record exists before a fiber runs: the array of records
	 * never moves under a running step. */
	rec = state_step(e->cfg.session->state, j->step->id, j->environment);
	if (rec->status == STEP_MANUAL || rec->status == STEP_SKIPPED) {
		j->outcome = marked_outcome(rec->status);
		j->detail = xasprintf("marked %s by the operator",
		    step_status_word(rec->status));
	}
}

int
engine_new(struct engine **out, const struct engine_config *cfg,
    char **cause)
{
	struct engine *e = xcalloc(1, sizeof *e);
	struct checklist *cl;

	e->cfg = *cfg;
	if (fibers_new(&e->fibers, cause) == -1) {
		free(e);
		return -1;
	}
	cl = checklist_build(cfg->catalog, cfg->session->state);
	e->nenvironments = cl->nenvironments;
	e->environments = xcalloc(cl->nenvironments + 1,
	    sizeof *e->environments);
	for (size_t i = 0; i < cl->nenvironments; i++)
		e->environments[i] = xstrdup(cl->environments[i]);
	e->jobs = xcalloc(cl->count + 1, sizeof *e->jobs);
	for (size_t i = 0; i < cl->count; i++)
		add_job(e, &cl->lines[i]);
	checklist_free(cl);
	*out = e;
	return 0;
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->njobs; i++) {
		free(e->jobs[i].detail);
		free(e->jobs[i].error);
		free(e->jobs[i].progress);
	}
	free(e->jobs);
	for (size_t i = 0; i < e->nenvironments; i++)
		free(e->environments[i]);
	free(e->environments);
	fibers_free(e->fibers);
	free(e->fatal);
	free(e);
}

size_t
engine_count(const struct engine *e)
{
	return e->njobs;
}

const struct engine_job *
engine_job(const struct engine *e, size_t i)
{
	return i < e->njobs ? &e->jobs[i] : NULL;
}

void
engine_tally(const struct engine *e, size_t counts[])
{
	memset(counts, 0, JOB_OUTCOME_COUNT * sizeof *counts);
	for (size_t i = 0; i < e->njobs; i++)
		counts[e->jobs[i].outcome]++;
}

bool
engine_whole(const struct engine *e)
{
	for (size_t i = 0; i < e->njobs; i++) {
		const struct engine_job *j = &e->jobs[i];

		if (j->outcome == JOB_UNKNOWN && j->advisory)
			continue;
		/* plan: what apply will do is no gap. */
		if (j->outcome == JOB_TODO && e->cfg.mode == ENGINE_PLAN)
			continue;
		if (j->outcome != JOB_DONE && j->outcome != JOB_OPERATOR &&
		    j->outcome != JOB_NOT_APPLICABLE)
			return false;
	}
	return true;
}
