/* `mlops-tui plan` and `apply`: the engine on the command line. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "applyevents.h"
#include "cmd-apply.h"
#include "engine.h"
#include "made.h"
#include "setup.h"
#include "errors.h"
#include "confirm.h"
#include "exitcode.h"
#include "state.h"
#include "textout.h"
#include "projects.h"
#include "templates.h"
#include "upfront.h"
#include "wrap.h"
#include "xalloc.h"

#define EVERY_DEFAULT 30.0      /* seconds between "still running" lines */

/* A running job, as the command line watches it (seconds, monotonic). */
struct watch {
	double started;                 /* 0: not running */
	double said;                    /* its last line */
};

struct applier {
	const struct apply_options *opt;
	struct setup setup;
	struct engine *engine;
	bool planning;                  /* this pass only probes */
	struct watch *watch;            /* one a job */
	struct upfront upfront;         /* plan: rights checked up front */
	/* Several ML projects in one run: the repository, leading each of
	 * this project's lines; NULL alone. */
	const char *tag;
	struct events_out events;       /* --json: stdout, and the tag */
};

static volatile sig_atomic_t interrupted;
/* Standard output was closed by its reader (EPIPE): print no more. */
static bool output_gone;

static void
on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* ---- output ------------------------------------------------------------ */

/*
 * Flush what was printed. When the reader has gone (apply | head -2), the
 * run stops as on SIGINT: nobody would see what it does next, and the
 * running steps stay resumable.
 */
static void
flush_output(void)
{
	if (output_gone)
		return;
	if (fflush(stdout) == EOF || ferror(stdout)) {
		output_gone = true;
		if (errno == EPIPE)
			interrupted = 1;
		clearerr(stdout);
	}
}

static void
explain(struct applier *a, const struct engine_job *j)
{
	const struct known_error *k = errors_explain(a->setup.errors,
	    j->error_id, j->error);
	char *text;

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
	char *title, *manual;
	const char *text = j->error && j->outcome != JOB_DONE ? j->error :
	    j->detail;

	if (output_gone)
		return;
	title = engine_job_title(j);
	printf("%s%s%s %s%s%s\n", a->tag ? a->tag : "", a->tag ? ": " : "",
	    job_outcome_symbol(j->outcome), title, text ? ": " : "",
	    text ? text : "");
	if (j->outcome == JOB_FAILED || j->outcome == JOB_UNKNOWN)
		explain(a, j);
	if (j->outcome == JOB_BY_HAND && j->step->manual != NULL &&
	    !a->planning) {
		manual = engine_fill(j, j->step->manual);
		textout_indented(4, "", manual);
		free(manual);
	}
	free(title);
	flush_output();
}

/* apply: each job as it starts to change something and as it settles,
 * and its progress notes. */
static void
on_event(const struct engine_job *j, const char *note, void *arg)
{
	struct applier *a = arg;

	if (a->planning)
		return;
	if (a->opt->json && !output_gone) {
		if (note != NULL)
			events_progress(&a->events, j, note, 0, NULL);
		else
			events_job(&a->events, events_job_event(j), &a->setup, j);
		flush_output();
	} else if (note != NULL && !output_gone) {
		printf("%s%s    %s\n", a->tag ? a->tag : "", a->tag ? ":" : "",
		    note);
		flush_output();
	} else if (note == NULL)
		print_job(a, j);
}

/* plan: the rights and capacity the steps to do need, before them,
 * each problem with its cause and who can fix it, and how. */
static void
print_upfront(struct applier *a)
{
	const struct upfront *u = &a->upfront;
	static const enum job_outcome marks[] = { JOB_DONE, JOB_FAILED,
		JOB_UNKNOWN };

	if (u->count == 0)
		return;
	printf("\nChecked up front (your rights and capacity for the steps to "
	    "do; read-only)\n");
	for (size_t i = 0; i < u->count; i++) {
		const struct upfront_item *it = &u->items[i];
		char *text;

		printf("  %s %s: %s\n", job_outcome_symbol(marks[it->verdict]),
		    it->title, it->detail);
		if (it->known == NULL)
			continue;
		text = engine_fill(it->job, it->known->explanation);
		if (it->verdict == VERDICT_PROBLEM)
			textout_indented(4, "why", text);
		free(text);
		text = engine_fill(it->job, it->known->fix);
		textout_indented(4, "fix", text);
		free(text);
	}
	flush_output();
}

static void
print_plan(struct applier *a)
{
	const char *section = NULL;

	for (size_t i = 0; i < engine_count(a->engine); i++) {
		const struct engine_job *j = engine_job(a->engine, i);

		if (section == NULL || strcmp(section, j->step->section) != 0) {
			section = j->step->section;
			printf("\n%s\n", a->setup.cat->sections[
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
	if (!a->planning)
		printf(" (%zu changed now)", changed);
	if (n[JOB_TODO])
		printf(", %zu to do", n[JOB_TODO]);
	for (enum job_outcome o = JOB_FAILED; o <= JOB_OPERATOR; o++)
		if (n[o] && o != JOB_TODO)
			printf(", %zu %s", n[o], job_outcome_word(o));
	if (n[JOB_WAITING])
		printf(", %zu not started", n[JOB_WAITING]);
	printf(", %zu not applicable.", n[JOB_NOT_APPLICABLE]);
	if (a->planning)
		printf(" Nothing was changed.");
	else if (changed == 0 && n[JOB_FAILED] == 0)
		printf(" Nothing needed changing.");
	putchar('\n');
}

/* ---- a long step: a line now and then ------------------------------------ */

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The columns to wrap at: the terminal's, 0 when stdout is not one. */
static size_t
output_columns(void)
{
	struct winsize ws;

	if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ,
	    &ws) == -1 || ws.ws_col < 20)
		return 0;
	return ws.ws_col;
}

/* Whether the locale (as setlocale would choose it) is UTF-8; the
 * command line does not set its locale, so that it parses as C. */
static bool
utf8_locale(void)
{
	const char *names[] = { "LC_ALL", "LC_CTYPE", "LANG" }, *v = NULL;

	for (size_t i = 0; i < 3 && (v == NULL || *v == '\0'); i++)
		v = getenv(names[i]);
	return v != NULL && (strstr(v, "UTF-8") || strstr(v, "utf8") ||
	    strstr(v, "UTF8") || strstr(v, "utf-8"));
}

/* The stage that runs now, from a run's progress ("Stage NAME: running
 * 1:02" lines, as the wizard shows them); NULL when none does. */
static char *
running_stage(const char *progress)
{
	const char *line = progress, *colon, *end;

	while (line != NULL && *line != '\0') {
		end = strchr(line, '\n');
		end = end ? end : line + strlen(line);
		colon = strstr(line, ": running");
		if (strncmp(line, "Stage ", 6) == 0 && colon != NULL &&
		    colon < end)
			return xstrndup(line + 6, (size_t)(colon - line - 6));
		line = *end ? end + 1 : end;
	}
	return NULL;
}

/* Print a line, wrapped to the terminal (continuations indented). */
static void
print_wrapped(const char *text)
{
	size_t cols = output_columns(), n;
	struct wrap_line *lines = NULL;

	if (cols == 0) {
		printf("%s\n", text);
		return;
	}
	n = wrap_text(text, cols - 5, &lines);
	for (size_t i = 0; i < n; i++)
		printf("%s%*s%.*s\n", i ? "    " : "", (int)lines[i].indent, "",
		    (int)lines[i].len, lines[i].start);
	free(lines);
}

/* "[>] TITLE: still running... [2m10s], stage NAME" */
static void
say_still_running(const struct applier *a, const struct engine_job *j,
    double secs)
{
	long s = (long)secs;
	char *title = engine_job_title(j), *stage = running_stage(j->progress);
	char *took = s >= 3600 ? xasprintf("%ldh%02ldm", s / 3600, s / 60 % 60) :
	    s >= 60 ? xasprintf("%ldm%02lds", s / 60, s % 60) :
	    xasprintf("%lds", s);
	char *line = xasprintf("%s%s%s %s: still running%s [%s]%s%s",
	    a->tag ? a->tag : "", a->tag ? ": " : "",
	    job_outcome_symbol(j->outcome), title, utf8_locale() ? "\u2026" :
	    "...", took, stage ? ", stage " : "", stage ? stage : "");

	print_wrapped(line);
	flush_output();
	free(line);
	free(took);
	free(stage);
	free(title);
}

static void
progress_event(struct applier *a, const struct engine_job *j, double secs)
{
	char *stage = running_stage(j->progress);

	events_progress(&a->events, j, NULL, secs, stage);
	flush_output();
	free(stage);
}

/* Each job that has run for the period since it started or its last
 * line says so, with its stage: a long pipeline run is never silent. */
static void
watch_running(struct applier *a)
{
	double now = now_seconds(), every = a->opt->every > 0 ?
	    a->opt->every : EVERY_DEFAULT;

	for (size_t i = 0; i < engine_count(a->engine); i++) {
		const struct engine_job *j = engine_job(a->engine, i);
		struct watch *w = &a->watch[i];

		if (j->outcome != JOB_RUNNING)
			w->started = 0;
		else if (w->started == 0)
			w->started = w->said = now;
		else if (now - w->said >= every && !output_gone) {
			w->said = now;
			if (a->opt->json)
				progress_event(a, j, now - w->started);
			else
				say_still_running(a, j, now - w->started);
		}
	}
}

/* What the setup made, by its real names and addresses (the list the
 * wizard's finish shows). */
static void
print_made(struct applier *a)
{
	size_t n;
	char **made = made_lines(a->engine, a->setup.session->state,
	    setup_org_url(&a->setup), &n);

	if (n > 0)
		printf("\n%s\n", MADE_HEADING);
	for (size_t i = 0; i < n; i++) {
		printf("%s\n", made[i]);
		free(made[i]);
	}
	free(made);
}

/* ---- running ----------------------------------------------------------- */

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
	/* A right missing up front fails its step when apply gets there. */
	if (n[JOB_FAILED] > 0 || a->upfront.problems > 0)
		return MT_EXIT_STEP_FAILED;
	/* plan says what apply would end with: 8 when it would leave steps
	 * (blocked, by hand, cannot tell), 1 when a check fails already. */
	if (engine_whole(a->engine))
		return MT_EXIT_OK;
	return MT_EXIT_INCOMPLETE;
}

static void
print_header(struct applier *a)
{
	const struct state_map *answers = &a->setup.session->state->answers;
	const char *project = state_map_get(answers, "project");

	if (a->opt->json) {
		events_start(&a->events, &a->setup, a->planning);
		flush_output();
		return;
	}
	printf("%s %s, project %s, repository %s\n", a->planning ?
	    "Plan for" : "Applying", setup_org_url(&a->setup), project ?
	    project : "mlops-v2", state_map_get(answers, "repository"));
	printf("State: %s%s\n", a->setup.state_path, a->planning ?
	    " (read only: plan changes nothing)" : "");
	flush_output();
}

static void
print_not_started(struct applier *a)
{
	printf("Stopped at the first failure; not started:\n");
	for (size_t i = 0; i < engine_count(a->engine); i++) {
		const struct engine_job *j = engine_job(a->engine, i);
		char *title;

		if (j->outcome != JOB_WAITING)
			continue;
		title = engine_job_title(j);
		printf("  %s\n", title);
		free(title);
	}
	printf("Fix the failure's cause and run apply again to go on.\n");
}

/* The stop signals: SIGHUP too, as a closed terminal is an interruption. */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NSTOP (sizeof stop_signals / sizeof *stop_signals)

static void
catch_stops(struct sigaction *old)
{
	struct sigaction sa = { .sa_handler = on_interrupt };

	for (size_t i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &sa, &old[i]);
}

static void
restore_stops(const struct sigaction *old)
{
	for (size_t i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &old[i], NULL);
}

/* --json: the plan's entries, then the summary (apply's steps went out
 * as they happened). */
static void
finish_json(struct applier *a)
{
	if (a->planning)
		for (size_t i = 0; i < a->upfront.count; i++)
			events_upfront(&a->events, &a->upfront.items[i]);
	if (a->planning)
		for (size_t i = 0; i < engine_count(a->engine); i++)
			events_job(&a->events, "plan", &a->setup,
			    engine_job(a->engine, i));
	events_summary(&a->events, &a->setup, a->engine, a->planning,
	    interrupted);
}

/* What was done, unless nobody reads it any more; an exit status. */
static int
finish(struct applier *a)
{
	if (!output_gone && a->opt->json)
		finish_json(a);
	else if (!output_gone) {
		if (a->planning) {
			print_upfront(a);
			print_plan(a);
		} else if (!interrupted)
			print_made(a);
		print_summary(a);
		if (engine_halted(a->engine))
			print_not_started(a);
	}
	if (!interrupted)
		return exit_status(a);
	if (output_gone || a->opt->json)
		fprintf(stderr, "mlops-tui: %s: stopped; "
		    "the interrupted steps stay running in the state file; "
		    "run %s again to go on\n", output_gone ? "the output was "
		    "closed" : "interrupted", a->planning ? "plan" : "apply");
	else
		printf("Stopped; run apply again to go on.\n");
	flush_output();
	return engine_fatal(a->engine) ? exit_status(a) : MT_EXIT_INTERRUPTED;
}

/* A new engine for a's setup, for a plan (planning) or an apply pass;
 * leader: the first project's engine, in a run of several. */
static int
start_pass(struct applier *a, bool planning, struct engine *leader)
{
	struct engine_config cfg = { a->setup.cat, a->setup.session,
		setup_connection(&a->setup), a->setup.principal_secret,
		planning ? ENGINE_PLAN : ENGINE_APPLY, on_event, a, true,
		a->setup.github_token, leader };
	char *cause = NULL;

	a->planning = planning;
	engine_free(a->engine);
	if (engine_new(&a->engine, &cfg, &cause) == -1) {
		fprintf(stderr, "mlops-tui: %s\n", cause);
		free(cause);
		return MT_EXIT_STATE;
	}
	/* apply reads a running pipeline's stages, for its lines. */
	engine_show_progress(a->engine, !planning);
	free(a->watch);
	a->watch = xcalloc(engine_count(a->engine), sizeof *a->watch);
	return 0;
}

static bool
all_finished(struct applier *as, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!engine_finished(as[i].engine))
			return false;
	return true;
}

/* The engines of as, one loop and one connection for them all, until
 * every job is settled or a stop signal stops them. */
static void
run_engines(struct applier *as, size_t n)
{
	struct engine **es = xcalloc(n, sizeof *es);
	struct sigaction old[NSTOP];

	for (size_t i = 0; i < n; i++)
		es[i] = as[i].engine;
	catch_stops(old);
	while (!all_finished(as, n)) {
		for (size_t i = 0; i < n && interrupted; i++)
			engine_stop(es[i]);
		connection_fresh(setup_connection(&as[0].setup));
		engines_step_fds(es, n, NULL, 0, 250);
		for (size_t i = 0; i < n; i++)
			if (!as[i].planning)
				watch_running(&as[i]);
	}
	restore_stops(old);
	free(es);
}

/* plan: the rights and capacity its steps to do need; those the
 * earlier project of the run (NULL: none) checked are taken from it. */
static void
check_upfront(struct applier *a, const struct applier *earlier)
{
	upfront_clear(&a->upfront);
	if (a->planning && !interrupted && engine_fatal(a->engine) == NULL)
		upfront_check_after(&a->upfront, a->engine,
		    setup_connection(&a->setup), a->setup.errors,
		    earlier ? &earlier->upfront : NULL);
}

/* One pass of the engine over the setup, printed; an exit status. */
static int
run(struct applier *a, bool planning)
{
	int rc = start_pass(a, planning, NULL);

	if (rc != 0)
		return rc;
	print_header(a);
	run_engines(a, 1);
	check_upfront(a, NULL);
	return finish(a);
}

static bool
has_failed(struct applier *a)
{
	size_t n[JOB_OUTCOME_COUNT];

	engine_tally(a->engine, n);
	return n[JOB_FAILED] > 0;
}

/*
 * Whether apply may go on after a's plan, which ended with rc: asked
 * too when apply would leave steps (8): it does the rest; and when only
 * a right is missing up front: the steps before the one that needs it
 * are still worth doing. Not when a check fails already.
 */
static int
plan_verdict(struct applier *a, int rc)
{
	if (rc == MT_EXIT_STEP_FAILED && a->upfront.problems > 0 &&
	    !engine_halted(a->engine) && !has_failed(a))
		rc = MT_EXIT_INCOMPLETE;
	return rc;
}

static bool
may_go_on(int verdict)
{
	return verdict == MT_EXIT_OK || verdict == MT_EXIT_INCOMPLETE;
}

/* Without --yes: the plan, then the operator's word on the terminal. */
static int
confirm(struct applier *a)
{
	int rc, yes;

	rc = plan_verdict(a, run(a, true));
	if (!may_go_on(rc))
		return rc;
	if ((yes = confirm_on_terminal("Apply these changes?")) < 0)
		return MT_EXIT_USAGE;
	if (yes == 0) {
		printf("Nothing was changed.\n");
		return -1;
	}
	putchar('\n');
	return MT_EXIT_OK;
}

/* ---- several ML projects in one run ------------------------------------- */

/* The status of a run of several: the worst of theirs; leaving steps
 * (8) is better than any failure. */
static int
worse(int a, int b)
{
	if (a == MT_EXIT_OK || a == b)
		return b;
	if (b == MT_EXIT_OK)
		return a;
	if (a == MT_EXIT_INCOMPLETE || b == MT_EXIT_INCOMPLETE)
		return a == MT_EXIT_INCOMPLETE ? b : a;
	return a > b ? a : b;
}

struct many {
	const struct apply_options *opt;
	struct projects projects;
	struct applier *as;
	struct setup_options *so;
	size_t opened;
};

/* Each project's setup: the first signs in, the others share its
 * connection. */
static int
open_projects(struct many *m)
{
	int rc = 0;

	for (size_t i = 0; i < m->projects.count && rc == 0; i++) {
		struct applier *a = &m->as[i];

		m->so[i] = m->opt->setup;
		m->so[i].answers_path = m->projects.paths[i];
		m->so[i].leader = i > 0 ? &m->as[0].setup : NULL;
		m->so[i].confirm = i == 0 && !m->opt->plan && !m->opt->yes;
		a->opt = m->opt;
		m->opened++;
		if ((rc = setup_open(&a->setup, &m->so[i])) == 0)
			a->tag = xstrdup(state_map_get(
			    &a->setup.session->state->answers, "repository"));
		a->events = (struct events_out){ stdout, a->tag };
	}
	return rc;
}

/* A pass of every project's engine at once: the first leads (its
 * accelerator steps are the others'). */
static int
pass(struct many *m, bool planning)
{
	int rc = 0;

	for (size_t i = 0; i < m->projects.count && rc == 0; i++)
		rc = start_pass(&m->as[i], planning, i > 0 ?
		    m->as[0].engine : NULL);
	if (rc != 0)
		return rc;
	run_engines(m->as, m->projects.count);
	for (size_t i = 0; i < m->projects.count; i++)
		check_upfront(&m->as[i], i > 0 ? &m->as[i - 1] : NULL);
	return 0;
}

/* Each project's plan, printed (shown) or only judged; the worst. */
static int
plan_projects(struct many *m, bool shown)
{
	int rc = pass(m, true), verdict = MT_EXIT_OK;

	for (size_t i = 0; rc == 0 && i < m->projects.count; i++) {
		struct applier *a = &m->as[i];
		bool show = shown;
		int r;

		if (!show)      /* --yes: only the plans that refuse */
			show = !may_go_on(plan_verdict(a, interrupted ?
			    MT_EXIT_INTERRUPTED : exit_status(a)));
		if (show) {
			if (!m->opt->json)
				putchar('\n');
			print_header(a);
			r = finish(a);
		} else
			r = interrupted ? MT_EXIT_INTERRUPTED : exit_status(a);
		/* plan says what apply would end with, as for one project;
		 * apply's own plan pass may go on past a missing right. */
		verdict = worse(verdict, m->opt->plan ? r : plan_verdict(a, r));
	}
	return rc != 0 ? rc : verdict;
}

static void
print_many_header(struct many *m)
{
	struct applier *lead = &m->as[0];
	const char *project = state_map_get(
	    &lead->setup.session->state->answers, "project");

	if (m->opt->json) {     /* each project's start event says it */
		for (size_t i = 0; i < m->projects.count; i++)
			print_header(&m->as[i]);
		return;
	}
	printf("Applying %s, project %s: %zu ML projects in one run\n",
	    setup_org_url(&lead->setup), project ? project : "mlops-v2",
	    m->projects.count);
	for (size_t i = 0; i < m->projects.count; i++)
		printf("  %s: state %s\n", m->as[i].tag, m->as[i].setup.state_path);
	flush_output();
}

/* The apply pass; each project's outcome under its name; the worst. */
static int
apply_projects(struct many *m)
{
	int rc = pass(m, false);

	for (size_t i = 0; rc == 0 && i < m->projects.count; i++) {
		if (!m->opt->json)
			printf("\n== %s\n", m->as[i].tag);
		rc = worse(rc, finish(&m->as[i]));
	}
	return rc;
}

/* Every file read and held against the others, before any sign-in. */
static int
check_projects(struct many *m)
{
	struct catalog *cat = NULL;
	struct errors *errors = NULL;
	char *cause = NULL;
	int rc = MT_EXIT_OK;

	if (projects_expand(m->opt->answers, m->opt->nanswers, &m->projects,
	    &cause) == -1)
		rc = MT_EXIT_USAGE;
	else if (templates_load(&cat, &errors) != 0)
		rc = MT_EXIT_DATA;
	else if (m->projects.count > 1 &&
	    projects_check(&m->projects, cat, &cause) == -1)
		rc = MT_EXIT_USAGE;
	for (const char *line = cause; line != NULL && *line != '\0'; ) {
		size_t len = strcspn(line, "\n");

		fprintf(stderr, "mlops-tui: %.*s\n", (int)len, line);
		line += len + (line[len] == '\n');
	}
	if (rc == MT_EXIT_USAGE && m->projects.count > 1)
		fprintf(stderr, "mlops-tui: nothing was changed\n");
	free(cause);
	errors_free(errors);
	catalog_free(cat);
	return rc;
}

static int
run_many(struct many *m)
{
	int rc, yes;

	/* A folder of one: that project alone, as --answers FILE runs it. */
	if (m->projects.count == 1) {
		struct apply_options one = *m->opt;

		one.setup.answers_path = m->projects.paths[0];
		one.nanswers = 0;
		return cmd_apply(&one);
	}
	rc = open_projects(m);

	if (rc != 0)
		return rc;
	rc = plan_projects(m, !m->opt->yes);
	if (m->opt->plan || (!may_go_on(rc) && rc != MT_EXIT_INTERRUPTED)) {
		if (!m->opt->plan)
			fprintf(m->opt->json ? stderr : stdout, "%sNothing was "
			    "changed: a plan %s fails.\n", m->opt->json ?
			    "mlops-tui: " : "", m->opt->json ? "(its events "
			    "above)" : "above");
		return rc;
	}
	if (rc == MT_EXIT_INTERRUPTED)
		return rc;
	if (!m->opt->yes) {
		if ((yes = confirm_on_terminal("Apply these changes to every "
		    "project?")) < 0)
			return MT_EXIT_USAGE;
		if (yes == 0) {
			printf("Nothing was changed.\n");
			return MT_EXIT_OK;
		}
	}
	if (!m->opt->json)
		putchar('\n');
	print_many_header(m);
	return apply_projects(m);
}

static int
apply_many(const struct apply_options *opt)
{
	struct many m = { .opt = opt };
	int rc = check_projects(&m);

	if (rc == 0) {
		m.as = xcalloc(m.projects.count, sizeof *m.as);
		m.so = xcalloc(m.projects.count, sizeof *m.so);
		rc = run_many(&m);
	}
	/* The others borrow the first one's connection: closed last. */
	for (size_t i = m.opened; i-- > 0; ) {
		upfront_clear(&m.as[i].upfront);
		engine_free(m.as[i].engine);
		free(m.as[i].watch);
		free((char *)m.as[i].tag);
		setup_close(&m.as[i].setup);
	}
	free(m.as);
	free(m.so);
	projects_free(&m.projects);
	return rc;
}

static bool
several(const struct apply_options *opt)
{
	return projects_several(opt->answers, opt->nanswers);
}

int
cmd_apply(const struct apply_options *opt)
{
	struct applier a = { .opt = opt, .events = { stdout, NULL } };
	struct setup_options setup = opt->setup;
	int rc;

	if (opt->destroy)
		return cmd_destroy(opt);
	if (several(opt))
		return apply_many(opt);     /* one file in a folder too */
	/* Refused before any sign-in (a device code printed for nothing),
	 * after the answers are read (their mistakes said first). */
	setup.confirm = !opt->plan && !opt->yes;
	rc = setup_open(&a.setup, &setup);

	if (rc == 0 && !opt->plan && !opt->yes)
		rc = confirm(&a);
	if (rc == 0)
		rc = run(&a, opt->plan);
	else if (rc == -1)
		rc = MT_EXIT_OK;        /* the operator said no */
	upfront_clear(&a.upfront);
	engine_free(a.engine);
	free(a.watch);
	setup_close(&a.setup);
	return rc;
}
