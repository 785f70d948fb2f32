/*
 * Drift (see drift.h): what the state says the setup made, held against
 * what exists now. Each resource is judged by the check whose verdict
 * the step's probe takes (so apply repairs exactly what is found here),
 * and pipelines by their recorded definition.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ado_build.h"
#include "checks.h"
#include "drift.h"
#include "engine.h"
#include "fiber.h"
#include "setup.h"
#include "steps/step.h"
#include "xalloc.h"

static const char *const kind_words[] = {
#define X(e, word) word,
	DRIFT_KIND_LIST(X)
#undef X
};

const char *
drift_word(enum drift_kind kind)
{
	return kind_words[kind];
}

/* A resource a step makes, and how it is judged. */
struct resource {
	const char *step;
	const char *check;        /* NULL: the step's recorded pipeline */
	const char *missing_id;   /* the check's error when it is gone */
	const char *what;         /* its kind, followed by its name: */
	const char *answer;       /* the answer that names it; NULL */
	const char *beyond_repair; /* see drift.h */
};

/* The accelerator fills the ML repository once, over the pipelines it
 * makes: made again empty, nothing would run from it. */
#define REPOSITORY_GONE "the accelerator's initialisation cannot run " \
	"twice over the pipelines left, so apply cannot make it again: take " \
	"the setup down (d in the wizard, or mlops-tui destroy) and set it " \
	"up anew"

static const struct resource resources[] = {
	{ "project", "project", "ado-project-not-found", "project ",
	    "project", NULL },
	{ "ml-repository", "ml-repo", "ado-repository-not-found",
	    "ML repository ", "repository", REPOSITORY_GONE },
	{ "pipeline-permissions", "pipeline-rights", NULL, "the Build "
	    "Service's rights on pipelines", NULL, NULL },
	{ "repository-permissions", "ml-repo-rights", NULL, "the Build "
	    "Service's rights on ", "repository", NULL },
	{ "service-connection", "connection", "service-connection-missing",
	    "service connection ", "service_connection", NULL },
	{ "environment", "environment", "environment-missing",
	    "environment ", "environment", NULL },
	{ "initialise", NULL, NULL, "pipeline ", NULL, NULL },
	{ "infra-pipeline", NULL, NULL, "pipeline ", NULL, NULL },
	{ "training-pipeline", NULL, NULL, "pipeline ", NULL, NULL },
	{ "online-endpoint", NULL, NULL, "pipeline ", NULL, NULL },
	{ "batch-endpoint", NULL, NULL, "pipeline ", NULL, NULL },
};

/* One judging: where it reads, where it writes, whom it tells. */
struct judging {
	struct setup *setup;
	const struct state *st;
	struct drift_list *list;
	drift_judged_fn judged;
	void *arg;
};

static const char *
answer(const struct judging *j, const struct state_step *rec,
    const char *input)
{
	return engine_answer(j->st, j->setup->cat, rec->environment, input);
}

/* One resource's verdict, kept and told. */
static void
found(struct judging *j, enum drift_kind kind, const struct resource *res,
    const struct state_step *rec, const char *name, const char *detail)
{
	struct drift_list *l = j->list;
	struct drift_result *r;

	l->items = xreallocarray(l->items, l->count + 1, sizeof *l->items);
	r = &l->items[l->count++];
	*r = (struct drift_result){
		.step = xstrdup(rec->id),
		.environment = rec->environment ? xstrdup(rec->environment) :
		    NULL,
		.resource = xasprintf("%s%s", res->what, name ? name : ""),
		.named_by_environment = name != NULL && rec->environment !=
		    NULL && strcmp(name, rec->environment) == 0,
		.kind = kind,
		.detail = detail ? xstrdup(detail) : NULL,
		.beyond_repair = kind == DRIFT_MISSING ? res->beyond_repair :
		    NULL,
	};
	l->counts[kind]++;
	if (j->judged != NULL)
		j->judged(r, j->arg);
}

static enum drift_kind
classify(const struct check_result *r, const char *missing_id)
{
	if (r->verdict == VERDICT_OK)
		return DRIFT_AS_MADE;
	if (r->verdict == VERDICT_UNKNOWN)
		return DRIFT_UNKNOWN;
	if (r->error_id == NULL)
		return DRIFT_CHANGED;
	if (missing_id != NULL && strcmp(r->error_id, missing_id) == 0)
		return DRIFT_MISSING;
	if (strcmp(r->error_id, "principal-secret-expiring") == 0)
		return DRIFT_EXPIRING;
	return DRIFT_CHANGED;
}

static void
judge_by_check(struct judging *j, const struct resource *res,
    const struct state_step *rec)
{
	struct connection *conn = setup_connection(j->setup);
	struct check_target target;
	struct check_result r;
	struct probe *p;
	enum drift_kind kind;

	engine_check_target(j->st, j->setup->cat, conn->organization,
	    rec->environment, &target);
	p = probe_new(&conn->api, &target);
	p->azure = conn->signed_in_azure ? &conn->azure : NULL;
	p->azure_error = conn->azure_error;
	connection_fresh(conn);
	probe_run(p, checks_find(res->check), &r);
	kind = classify(&r, res->missing_id);
	found(j, kind, res, rec, res->answer ? answer(j, rec, res->answer) :
	    NULL, kind == DRIFT_AS_MADE ? NULL : r.detail);
	check_result_clear(&r);
	probe_free(p);
}

/* The recorded pipeline against the YAML path and branch it was made
 * with (the initialisation's: only whether it is there). */
static void
judge_pipeline(struct judging *j, const struct resource *res,
    const struct state_step *rec)
{
	const char *id = state_map_get(&rec->created, "pipeline");
	bool terraform = strcmp(answer(j, rec, "infrastructure"),
	    "terraform") == 0;
	const char *yaml = deployment_yaml(rec->id, terraform);
	const char *branch = yaml ? PIPELINE_MADE_BRANCH : NULL;
	struct api *api = &setup_connection(j->setup)->api;
	struct api_call *c;
	char *changes;

	if (id == NULL)
		return;
	connection_fresh(setup_connection(j->setup));
	c = ado_get_definition(api, answer(j, rec, "project"), atol(id));
	api_wait(api, c);
	if (api_call_error(c)->kind == API_NOT_FOUND)
		found(j, DRIFT_MISSING, res, rec, id, "deleted");
	else if (api_call_error(c)->kind != API_OK)
		found(j, DRIFT_UNKNOWN, res, rec, id,
		    api_call_error(c)->message);
	else {
		const char *name = api_field(api_call_result(c), "name");

		changes = checks_pipeline_changes(api_call_result(c), yaml,
		    branch);
		found(j, changes ? DRIFT_CHANGED : DRIFT_AS_MADE, res, rec,
		    name ? name : id, changes);
		free(changes);
	}
	api_call_free(c);
}

static const struct resource *
resource_of(const char *step)
{
	for (size_t i = 0; i < sizeof resources / sizeof *resources; i++)
		if (strcmp(resources[i].step, step) == 0)
			return &resources[i];
	return NULL;
}

void
drift_judge(struct drift_list *list, struct setup *s,
    drift_judged_fn judged, void *arg, volatile const int *stop)
{
	struct judging j = { s, s->session->state, list, judged, arg };

	for (size_t i = 0; i < j.st->nsteps && !(stop && *stop); i++) {
		const struct state_step *rec = &j.st->steps[i];
		const struct resource *res = resource_of(rec->id);

		if (res == NULL || rec->status != STEP_DONE)
			continue;
		if (res->check != NULL)
			judge_by_check(&j, res, rec);
		else
			judge_pipeline(&j, res, rec);
	}
}

size_t
drift_problems(const struct drift_list *list)
{
	return list->counts[DRIFT_MISSING] + list->counts[DRIFT_CHANGED] +
	    list->counts[DRIFT_EXPIRING];
}

void
drift_list_free(struct drift_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->items[i].step);
		free(list->items[i].environment);
		free(list->items[i].resource);
		free(list->items[i].detail);
	}
	free(list->items);
	memset(list, 0, sizeof *list);
}

/* ---- beside the loop ---------------------------------------------------- */

struct drift_run {
	struct drift_list *list;
	struct setup *setup;
	struct fiber_task *task;
	volatile int stop;
};

static void
run_main(void *arg)
{
	struct drift_run *r = arg;

	drift_judge(r->list, r->setup, NULL, NULL, &r->stop);
}

struct drift_run *
drift_run_start(struct drift_list *list, struct setup *s, char **cause)
{
	struct drift_run *r = xcalloc(1, sizeof *r);

	r->list = list;
	r->setup = s;
	if ((r->task = fiber_task_start(run_main, r, cause)) == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

void
drift_run_step(struct drift_run *r, struct curl_waitfd *extra, unsigned n,
    int timeout_ms)
{
	fiber_task_step(r->task, setup_connection(r->setup)->api.http, extra,
	    n, timeout_ms);
}

bool
drift_run_done(const struct drift_run *r)
{
	return fiber_task_done(r->task);
}

void
drift_run_stop(struct drift_run *r)
{
	r->stop = 1;
}

void
drift_run_free(struct drift_run *r)
{
	if (r == NULL)
		return;
	fiber_task_free(r->task);
	free(r);
}
