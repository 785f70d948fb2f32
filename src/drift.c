/*
 * `mlops-tui doctor --state FILE`: what the state says the setup made,
 * held against what exists now. Each resource is judged by the check
 * whose verdict the step's probe takes (so apply repairs exactly what is
 * found here), and pipelines by their recorded definition.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ado_build.h"
#include "checks.h"
#include "drift.h"
#include "engine.h"
#include "exitcode.h"
#include "setup.h"
#include "steps/step.h"
#include "xalloc.h"

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

static const char *const kind_words[] = {
#define X(e, word) word,
	DRIFT_KIND_LIST(X)
#undef X
};

/* A resource a step makes, and how it is judged. */
struct resource {
	const char *step;
	const char *check;        /* NULL: the step's recorded pipeline */
	const char *missing_id;   /* the check's error when it is gone */
	const char *what;         /* its kind, followed by its name: */
	const char *answer;       /* the answer that names it; NULL */
};

static const struct resource resources[] = {
	{ "project", "project", "ado-project-not-found", "project ",
	    "project" },
	{ "ml-repository", "ml-repo", "ado-repository-not-found",
	    "ML repository ", "repository" },
	{ "pipeline-permissions", "pipeline-rights", NULL, "the Build "
	    "Service's rights on pipelines", NULL },
	{ "repository-permissions", "ml-repo-rights", NULL, "the Build "
	    "Service's rights on ", "repository" },
	{ "service-connection", "connection", "service-connection-missing",
	    "service connection ", "service_connection" },
	{ "environment", "environment", "environment-missing",
	    "environment ", "environment" },
	{ "initialise", NULL, NULL, "pipeline ", NULL },
	{ "infra-pipeline", NULL, NULL, "pipeline ", NULL },
	{ "training-pipeline", NULL, NULL, "pipeline ", NULL },
	{ "online-endpoint", NULL, NULL, "pipeline ", NULL },
	{ "batch-endpoint", NULL, NULL, "pipeline ", NULL },
};

struct drift {
	struct setup setup;
	const struct state *st;
	size_t counts[DRIFT_KINDS];
	json_t *list;                  /* --json: the resources; NULL: text */
};

static const char *
answer(const struct drift *d, const struct state_step *rec,
    const char *input)
{
	return engine_answer(d->st, d->setup.cat, rec->environment, input);
}

/* One resource, one line: its verdict, its name, what was found. */
static void
say(struct drift *d, enum drift_kind kind, const struct resource *res,
    const struct state_step *rec, const char *name, const char *detail)
{
	char *what = xasprintf("%s%s", res->what, name ? name : "");
	/* "environment prod", not "environment prod (prod)". */
	const char *env = name != NULL && rec->environment != NULL &&
	    strcmp(name, rec->environment) == 0 ? NULL : rec->environment;

	d->counts[kind]++;
	if (d->list != NULL)
		json_array_append_new(d->list, json_pack("{s:s, s:s?, s:s, s:s, "
		    "s:s?}", "step", rec->id, "environment", rec->environment,
		    "resource", what, "verdict", kind_words[kind], "detail",
		    detail));
	else
		printf("  %-12s %s%s%s%s%s%s\n", kind_words[kind], what,
		    env ? " (" : "", env ? env : "", env ? ")" : "",
		    detail ? ": " : "", detail ? detail : "");
	free(what);
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
judge_by_check(struct drift *d, const struct resource *res,
    const struct state_step *rec)
{
	struct connection *conn = &d->setup.conn;
	struct check_target target;
	struct check_result r;
	struct probe *p;
	enum drift_kind kind;

	engine_check_target(d->st, d->setup.cat, conn->organization,
	    rec->environment, &target);
	p = probe_new(&conn->api, &target);
	p->azure = conn->signed_in_azure ? &conn->azure : NULL;
	p->azure_error = conn->azure_error;
	connection_fresh(conn);
	probe_run(p, checks_find(res->check), &r);
	kind = classify(&r, res->missing_id);
	say(d, kind, res, rec, res->answer ? answer(d, rec, res->answer) :
	    NULL, kind == DRIFT_AS_MADE ? NULL : r.detail);
	check_result_clear(&r);
	probe_free(p);
}

/* The recorded pipeline against the YAML path and branch it was made
 * with (the initialisation's: only whether it is there). */
static void
judge_pipeline(struct drift *d, const struct resource *res,
    const struct state_step *rec)
{
	const char *id = state_map_get(&rec->created, "pipeline");
	bool terraform = strcmp(answer(d, rec, "infrastructure"),
	    "terraform") == 0;
	const char *yaml = deployment_yaml(rec->id, terraform);
	const char *branch = yaml ? PIPELINE_MADE_BRANCH : NULL;
	struct api *api = &d->setup.conn.api;
	struct api_call *c;
	char *changes;

	if (id == NULL)
		return;
	connection_fresh(&d->setup.conn);
	c = ado_get_definition(api, answer(d, rec, "project"), atol(id));
	api_wait(api, c);
	if (api_call_error(c)->kind == API_NOT_FOUND)
		say(d, DRIFT_MISSING, res, rec, id, "deleted");
	else if (api_call_error(c)->kind != API_OK)
		say(d, DRIFT_UNKNOWN, res, rec, id, api_call_error(c)->message);
	else {
		const char *name = api_field(api_call_result(c), "name");

		changes = checks_pipeline_changes(api_call_result(c), yaml,
		    branch);
		say(d, changes ? DRIFT_CHANGED : DRIFT_AS_MADE, res, rec,
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

static void
judge_all(struct drift *d)
{
	for (size_t i = 0; i < d->st->nsteps; i++) {
		const struct state_step *rec = &d->st->steps[i];
		const struct resource *res = resource_of(rec->id);

		if (res == NULL || rec->status != STEP_DONE)
			continue;
		if (res->check != NULL)
			judge_by_check(d, res, rec);
		else
			judge_pipeline(d, res, rec);
		fflush(stdout);
	}
}

static size_t
problems(const struct drift *d)
{
	return d->counts[DRIFT_MISSING] + d->counts[DRIFT_CHANGED] +
	    d->counts[DRIFT_EXPIRING];
}

static void
report_text(struct drift *d)
{
	printf("Comparing what %s says was made with what exists now in %s "
	    "(read-only: doctor changes nothing)\n\n", d->setup.state_path,
	    state_map_get(&d->st->answers, "organization"));
	judge_all(d);
	if (problems(d) + d->counts[DRIFT_AS_MADE] + d->counts[DRIFT_UNKNOWN]
	    == 0)
		printf("  The state records nothing made yet: run mlops-tui "
		    "apply first.\n");
	printf("\n%zu as made, %zu missing, %zu changed, %zu expiring, %zu "
	    "cannot tell. Nothing was changed.%s\n", d->counts[DRIFT_AS_MADE],
	    d->counts[DRIFT_MISSING], d->counts[DRIFT_CHANGED],
	    d->counts[DRIFT_EXPIRING], d->counts[DRIFT_UNKNOWN], problems(d) ?
	    " mlops-tui apply puts it back as made." : "");
}

static void
report_json(struct drift *d)
{
	json_t *out;

	d->list = json_array();
	judge_all(d);
	out = json_pack("{s:s, s:s, s:b, s:O, s:{s:I, s:I, s:I, s:I, s:I}}",
	    "state", d->setup.state_path, "organization", state_map_get(
	    &d->st->answers, "organization"), "changed", 0, "resources",
	    d->list, "summary", "as_made", (json_int_t)d->counts[DRIFT_AS_MADE],
	    "missing", (json_int_t)d->counts[DRIFT_MISSING], "changed",
	    (json_int_t)d->counts[DRIFT_CHANGED], "expiring",
	    (json_int_t)d->counts[DRIFT_EXPIRING], "unknown",
	    (json_int_t)d->counts[DRIFT_UNKNOWN]);
	json_dumpf(out, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(out);
	json_decref(d->list);
	d->list = NULL;
}

int
cmd_drift(const struct drift_options *opt)
{
	struct setup_options sopt = { .conn = opt->conn,
		.state_path = opt->state_path, .read_only = true };
	struct drift d;
	int rc;

	memset(&d, 0, sizeof d);
	/* Nothing recorded is nothing to compare: a missing file is said,
	 * not taken as a new setup. */
	if (access(opt->state_path, F_OK) != 0) {
		fprintf(stderr, "mlops-tui: %s: no state file there (doctor "
		    "--state compares a setup that apply made)\n",
		    opt->state_path);
		return MT_EXIT_STATE;
	}
	rc = setup_open(&d.setup, &sopt);
	if (rc == 0) {
		d.st = d.setup.session->state;
		if (opt->json)
			report_json(&d);
		else
			report_text(&d);
		rc = problems(&d) ? MT_EXIT_PROBLEM : MT_EXIT_OK;
	}
	setup_close(&d.setup);
	return rc;
}
