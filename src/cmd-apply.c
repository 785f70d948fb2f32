/* `mlops-tui plan` and `apply`: the engine on the command line. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "cmd-apply.h"
#include "engine.h"
#include "errors.h"
#include "exitcode.h"
#include "paths.h"
#include "state.h"
#include "templates.h"
#include "textout.h"
#include "xalloc.h"

struct applier {
	const struct apply_options *opt;
	struct catalog *cat;
	struct errors *errors;
	struct state_session *session;
	struct state_session plan_session;  /* plan: a state never saved */
	char *state_path;
	struct connection conn;
	struct credential *principal_secret;
	struct engine *engine;
};

static volatile sig_atomic_t interrupted;

static void
on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* ---- output ---------------------------------------------------------------- */

static char *
job_title(const struct engine_job *j)
{
	if (j->environment != NULL)
		return xasprintf("%s (%s)", j->step->title, j->environment);
	return xstrdup(j->step->title);
}

static void
explain(struct applier *a, const struct engine_job *j)
{
	const struct known_error *k = NULL;
	char *text;

	if (j->error_id != NULL)
		k = errors_find(a->errors, j->error_id);
	if (k == NULL && j->error != NULL)
		k = errors_match(a->errors, j->error);
	if (k == NULL)
		return;
	text = engine_fill(j, k->explanation);
	textout_indented(4, "why", text);
	free(text);
	text = engine_fill(j, k->fix);
	textout_indented(4, "fix", text);
	free(text);
}

static void
print_job(struct applier *a, const struct engine_job *j)
{
	char *title = job_title(j), *manual;
	const char *text = j->error && j->outcome != JOB_DONE ? j->error :
	    j->detail;

	printf("%s %s%s%s\n", job_outcome_symbol(j->outcome), title,
	    text ? ": " : "", text ? text : "");
	if (j->outcome == JOB_FAILED || j->outcome == JOB_UNKNOWN)
		explain(a, j);
	if (j->outcome == JOB_BY_HAND && j->step->manual != NULL &&
	    !a->opt->plan) {
		manual = engine_fill(j, j->step->manual);
		textout_indented(4, "", manual);
		free(manual);
	}
	free(title);
	fflush(stdout);
}

/* apply: each job as it starts to change something and as it settles. */
static void
on_event(const struct engine_job *j, void *arg)
{
	struct applier *a = arg;

	if (a->opt->plan)
		return;
	print_job(a, j);
}

static void
print_plan(struct applier *a)
{
	const char *section = NULL;

	for (size_t i = 0; i < engine_count(a->engine); i++) {
		const struct engine_job *j = engine_job(a->engine, i);

		if (section == NULL || strcmp(section, j->step->section) != 0) {
			section = j->step->section;
			printf("\n%s\n", a->cat->sections[
			    j->step->section_index].title);
		}
		printf("  ");
		print_job(a, j);
	}
}

static void
print_summary(struct applier *a)
{
	size_t n[JOB_OUTCOME_COUNT], changed = 0;

	engine_tally(a->engine, n);
	for (size_t i = 0; i < engine_count(a->engine); i++)
		changed += engine_job(a->engine, i)->changed;
	printf("\n%zu done", n[JOB_DONE]);
	if (!a->opt->plan)
		printf(" (%zu changed now)", changed);
	if (n[JOB_TODO])
		printf(", %zu to do", n[JOB_TODO]);
	for (enum job_outcome o = JOB_FAILED; o <= JOB_OPERATOR; o++)
		if (n[o] && o != JOB_TODO)
			printf(", %zu %s", n[o], job_outcome_word(o));
	if (n[JOB_WAITING])
		printf(", %zu not started", n[JOB_WAITING]);
	printf(", %zu not applicable.", n[JOB_NOT_APPLICABLE]);
	if (a->opt->plan)
		printf(" Nothing was changed.");
	else if (changed == 0 && n[JOB_FAILED] == 0)
		printf(" Nothing needed changing.");
	putchar('\n');
}

/* ---- the setup's state ------------------------------------------------------ */

/* Where the setup's state lives: -s, or the answers' org/project/repo. */
static int
find_state_path(struct applier *a)
{
	struct state *st = state_new();
	char *cause = NULL, *dir;
	int rc = 0;

	if (a->opt->state_path != NULL) {
		a->state_path = xstrdup(a->opt->state_path);
		state_free(st);
		return 0;
	}
	if (a->opt->answers_path == NULL) {
		fprintf(stderr, "mlops-tui: give --answers FILE for a new "
		    "setup, or --state FILE to go on with one\n");
		state_free(st);
		return MT_EXIT_USAGE;
	}
	if (answers_load(st, a->opt->answers_path, a->cat, &cause) == -1 ||
	    answers_complete(st, &cause) == -1 ||
	    (dir = paths_state_dir(&cause)) == NULL) {
		fprintf(stderr, "mlops-tui: %s\n", cause);
		rc = MT_EXIT_USAGE;
	} else {
		a->state_path = paths_state_file(dir, state_map_get(
		    &st->answers, "organization"), state_map_get(&st->answers,
		    "project") ? state_map_get(&st->answers, "project") :
		    "mlops-v2", state_map_get(&st->answers, "repository"));
		free(dir);
	}
	free(cause);
	state_free(st);
	return rc;
}

static int
open_state(struct applier *a)
{
	char *cause = NULL;
	struct state *st = NULL;
	int rc;

	if (!a->opt->plan)
		rc = state_open(&a->session, a->state_path, &cause);
	else if ((rc = state_load(&st, a->state_path, &cause)) == STATE_ENOENT)
		rc = (st = state_new()) != NULL ? 0 : -1;
	if (rc == 0 && a->opt->plan) {
		a->plan_session.state = st;
		a->session = &a->plan_session;
	}
	if (rc != 0) {
		fprintf(stderr, "mlops-tui: %s\n", cause ? cause :
		    a->state_path);
		free(cause);
		return MT_EXIT_STATE;
	}
	return 0;
}

/* The same answer in the state and the file, where the file names the
 * setup: the file may not move a state to another setup. */
static int
same_setup(struct state *st, const struct state *before)
{
	static const char *const keys[] = { "organization", "project",
		"repository" };

	for (size_t i = 0; i < 3; i++) {
		const char *was = state_map_get(&before->answers, keys[i]);
		const char *now = state_map_get(&st->answers, keys[i]);

		if (was != NULL && now != NULL && strcmp(was, now) != 0) {
			fprintf(stderr, "mlops-tui: the state file is for %s "
			    "'%s'; the answers say '%s'\n", keys[i], was, now);
			return -1;
		}
	}
	return 0;
}

static int
take_answers(struct applier *a)
{
	struct state *st = a->session->state, *before = state_new();
	char *cause = NULL;
	int rc = 0;

	for (size_t i = 0; i < st->answers.count; i++)
		state_map_set(&before->answers, st->answers.keys[i],
		    st->answers.values[i]);
	if (a->opt->answers_path != NULL &&
	    answers_load(st, a->opt->answers_path, a->cat, &cause) == -1)
		rc = -1;
	else if (same_setup(st, before) == -1)
		rc = MT_EXIT_USAGE;
	else if (answers_complete(st, &cause) == -1)
		rc = -1;
	else if (!a->opt->plan && state_session_save(a->session, &cause) == -1)
		rc = MT_EXIT_STATE;
	if (cause != NULL)
		fprintf(stderr, "mlops-tui: %s\n", cause);
	free(cause);
	state_free(before);
	return rc == -1 ? MT_EXIT_USAGE : rc;
}

/* The existing principal's secret, and its app and tenant as answers
 * where the answers leave them out. */
static int
take_principal(struct applier *a)
{
	struct state *st = a->session->state;
	char *app = NULL, *tenant = NULL, *cause = NULL;

	if (a->opt->principal_file == NULL)
		return 0;
	a->principal_secret = credential_principal_file(a->opt->principal_file,
	    &app, &tenant, &cause);
	if (a->principal_secret == NULL) {
		fprintf(stderr, "mlops-tui: %s\n", cause);
		free(cause);
		return MT_EXIT_USAGE;
	}
	if (state_map_get(&st->answers, "client_id") == NULL)
		state_map_set(&st->answers, "client_id", app);
	if (tenant != NULL && state_map_get(&st->answers, "tenant_id") == NULL)
		state_map_set(&st->answers, "tenant_id", tenant);
	free(app);
	free(tenant);
	return 0;
}

/* ---- running --------------------------------------------------------------- */

static bool
wants_azure(const struct state *st)
{
	if (state_map_get(&st->answers, "subscription_id") != NULL)
		return true;
	for (size_t i = 0; i < st->nenvironments; i++)
		if (state_map_get(&st->environments[i].answers,
		    "subscription_id") != NULL)
			return true;
	return false;
}

static int
connect_services(struct applier *a)
{
	struct connection_options copt = a->opt->conn;
	const struct state *st = a->session->state;

	copt.org_url = state_map_get(&st->answers, "organization");
	copt.azure = wants_azure(st);
	return connection_open(&a->conn, &copt) == 0 ? 0 : MT_EXIT_USAGE;
}

static int
exit_status(struct applier *a)
{
	size_t n[JOB_OUTCOME_COUNT];

	if (engine_fatal(a->engine) != NULL) {
		fprintf(stderr, "mlops-tui: stopped: %s\n",
		    engine_fatal(a->engine));
		return MT_EXIT_STATE;
	}
	engine_tally(a->engine, n);
	if (n[JOB_FAILED] > 0)
		return MT_EXIT_STEP_FAILED;
	if (a->opt->plan)
		return MT_EXIT_OK;
	for (size_t i = 0; i < engine_count(a->engine); i++) {
		const struct engine_job *j = engine_job(a->engine, i);

		if (j->outcome == JOB_UNKNOWN && j->advisory)
			continue;
		if (j->outcome != JOB_DONE && j->outcome != JOB_OPERATOR &&
		    j->outcome != JOB_NOT_APPLICABLE)
			return MT_EXIT_INCOMPLETE;
	}
	return MT_EXIT_OK;
}

static int
run(struct applier *a)
{
	struct engine_config cfg = { a->cat, a->session, &a->conn,
		a->principal_secret, a->opt->plan ? ENGINE_PLAN : ENGINE_APPLY,
		on_event, a };
	struct sigaction sa = { .sa_handler = on_interrupt }, old_int, old_term;
	char *cause = NULL;

	if (engine_new(&a->engine, &cfg, &cause) == -1) {
		fprintf(stderr, "mlops-tui: %s\n", cause);
		free(cause);
		return MT_EXIT_STATE;
	}
	printf("%s %s, project %s, repository %s\n", a->opt->plan ?
	    "Plan for" : "Applying", a->conn.api.org_url, state_map_get(
	    &a->session->state->answers, "project") ? state_map_get(
	    &a->session->state->answers, "project") : "mlops-v2",
	    state_map_get(&a->session->state->answers, "repository"));
	printf("State: %s%s\n", a->state_path, a->opt->plan ?
	    " (read only: plan changes nothing)" : "");
	fflush(stdout);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	while (!engine_finished(a->engine)) {
		if (interrupted)
			engine_stop(a->engine);
		connection_fresh(&a->conn);
		engine_step(a->engine, 250);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (a->opt->plan)
		print_plan(a);
	print_summary(a);
	if (interrupted) {
		printf("Stopped; run apply again to go on.\n");
		return engine_fatal(a->engine) ? exit_status(a) :
		    MT_EXIT_INTERRUPTED;
	}
	return exit_status(a);
}

int
cmd_apply(const struct apply_options *opt)
{
	struct applier a = { .opt = opt };
	int rc = MT_EXIT_DATA;

	if (templates_load(&a.cat, &a.errors) == 0 &&
	    (rc = find_state_path(&a)) == 0 &&
	    (rc = open_state(&a)) == 0 &&
	    (rc = take_answers(&a)) == 0 &&
	    (rc = take_principal(&a)) == 0 &&
	    (rc = connect_services(&a)) == 0)
		rc = run(&a);
	engine_free(a.engine);
	connection_close(&a.conn);
	credential_free(a.principal_secret);
	if (a.session == &a.plan_session)
		state_free(a.plan_session.state);
	else
		state_close(a.session);
	free(a.state_path);
	errors_free(a.errors);
	catalog_free(a.cat);
	return rc;
}
