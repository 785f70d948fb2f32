/*
 * The wizard: open the setup (with --sandbox, on the embedded sandbox),
 * then one event loop for the terminal and the engine - it waits on the
 * keyboard, the network and the fibers at once, so keys are answered
 * while imports, pushes and pipeline polls run - and one redraw per pass.
 */
#include "config.h"

#include <curses.h>
#include <langinfo.h>
#include <poll.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-sim.h"
#include "exitcode.h"
#include "fiber.h"
#include "keys.h"
#include "made.h"
#include "paths.h"
#include "questions.h"
#include "setups.h"
#include "templates.h"
#include "upfront.h"
#include "sim/sim.h"
#include "tui.h"
#include "wizard.h"
#include "xalloc.h"

#define CTRL_C 3

static volatile sig_atomic_t stop_signal;
/* The run was stopped with steps still running: exit 130, as apply. */
static bool cut_short;

static void
on_stop_signal(int sig)
{
	(void)sig;
	stop_signal = 1;
}

/* ---- the embedded sandbox ---------------------------------------------- */

struct sandbox {
	struct sim *sim;
	char *world;
	char *answers;
	char *state;
};

/* The guide's answers for the sandbox, which has its own Azure. */
static char *
sandbox_answers(struct sim *sim)
{
	char *tenant = sim_tenant(sim), *sub = sim_subscription(sim);
	char *text = xasprintf("organization: %s\nrepository: "
	    "taxi-fare-regression\nenvironments:\n  prod:\n    namespace: "
	    "sandbox\n    postfix: \"0042\"\n    subscription_id: %s\n"
	    "    tenant_id: %s\n", sim_url(sim), sub, tenant);

	free(sub);
	free(tenant);
	return text;
}

static int
sandbox_start(struct sandbox *sb, struct wizard_options *opt)
{
	struct sim_options so = { .listen = "127.0.0.1:0", .organization =
		"sandbox", .time_scale = opt->time_scale >= 0 ?
		opt->time_scale : 0.02, .accelerator = opt->accelerator };
	char *cause = NULL, *dir;

	if ((sb->world = sim_default_world(&cause)) == NULL ||
	    (so.world_path = sb->world, sim_start(&sb->sim, &so, &cause)) == -1 ||
	    /* Sign-ins approve themselves; Entra replicates in seconds. */
	    sim_configure(sb->sim, "{\"device_interval_s\":0,"
	    "\"device_auto_approve_polls\":1,\"replication_delay_ms\":3000}",
	    &cause) == -1 || (dir = paths_state_dir(&cause)) == NULL) {
		fprintf(stderr, "mlops-tui: the sandbox: %s\n", cause);
		free(cause);
		return MT_EXIT_SANDBOX;
	}
	sb->answers = sandbox_answers(sb->sim);
	sb->state = xasprintf("%s/sandbox.json", dir);
	free(dir);
	opt->setup.answers_text = sb->answers;
	opt->setup.sandbox = true;
	if (opt->setup.state_path == NULL)
		opt->setup.state_path = sb->state;
	opt->setup.conn.pat = sim_pat(sb->sim);
	opt->setup.conn.azure_sign_in = "device";
	return 0;
}

static void
sandbox_stop(struct sandbox *sb)
{
	sim_stop(sb->sim);
	free(sb->world);
	free(sb->answers);
	free(sb->state);
}

/* ---- the terminal ------------------------------------------------------ */

static bool
has_terminal(void)
{
	const char *term = getenv("TERM");

	return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && term != NULL &&
	    *term != '\0' && strcmp(term, "dumb") != 0;
}

static void
start_curses(struct tui *t, bool no_color)
{
	setlocale(LC_ALL, "");
	t->ascii = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
	initscr();
	raw();              /* Ctrl-C is a key: quit with the state saved */
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	t->color = !no_color && getenv("NO_COLOR") == NULL && has_colors();
	t->hyperlinks = draw_hyperlinks_supported();
	if (t->color) {
		start_color();
		use_default_colors();
		init_pair(TUI_OK, COLOR_GREEN, -1);
		init_pair(TUI_BAD, COLOR_RED, -1);
		init_pair(TUI_BUSY, COLOR_YELLOW, -1);
		init_pair(TUI_BADGE, COLOR_BLACK, COLOR_YELLOW);
	}
}

static void
draw(struct tui *t)
{
	erase();
	if (!draw_too_small(t)) {
		if (t->help)
			help_draw(t);
		else
			t->screen->draw(t);
	}
	refresh();
	draw_links_emit(t);
	t->dirty = false;
}

static void
on_key(struct tui *t, int ch)
{
	enum key_action a = keys_action(ch);

	t->dirty = true;
	if (ch == KEY_RESIZE)
		return;
	/* A note answers the key before; the next one clears it. */
	free(t->note);
	t->note = NULL;
	/* Typing takes every printable key, q too: Ctrl-C still quits. */
	if (!t->help && t->screen->key != NULL && ch != CTRL_C &&
	    t->screen->key(t, ch))
		return;
	if (a == ACTION_QUIT)
		t->quitting = true;
	else if (t->help && (a == ACTION_BACK || a == ACTION_HELP))
		t->help = false;
	else if (t->help && (a == ACTION_UP || a == ACTION_DOWN))
		t->help_top += a == ACTION_UP ? -1 : 1;
	else if (t->help && (a == ACTION_PAGE_UP || a == ACTION_PAGE_DOWN))
		t->help_top += (a == ACTION_PAGE_UP ? -1 : 1) * (LINES - 4);
	else if (!t->help && a == ACTION_HELP)
		t->help = true, t->help_top = 0;
	else if (!t->help)
		t->screen->act(t, a);
}

/* ---- the engine's events ----------------------------------------------- */

/* A step that starts running is selected, unless the operator has moved
 * the selection elsewhere: what they chose to read stays. */
static void
follow(struct tui *t, const struct engine_job *j)
{
	if (!t->follow || j->outcome != JOB_RUNNING)
		return;
	for (size_t i = 0; i < engine_count(j->engine); i++)
		if (engine_job(j->engine, i) == j)
			t->selected = i;
}

static void
on_event(const struct engine_job *j, const char *note, void *arg)
{
	struct tui *t = arg;
	const char *text = note ? note : j->error && j->outcome != JOB_DONE ?
	    j->error : j->detail;
	char *title = engine_job_title(j);
	char *line = xasprintf("%s %s%s%s", job_outcome_symbol(j->outcome),
	    title, text ? ": " : "", text ? text : "");

	tui_log(t, line);
	if (note == NULL)
		follow(t, j);
	free(line);
	free(title);
}

/* Each line of text into the log. */
static void
log_lines(struct tui *t, const char *text)
{
	char *copy = xstrdup(text), *line, *rest = copy;

	while ((line = strsep(&rest, "\n")) != NULL)
		tui_log(t, line);
	free(copy);
}

/* After a teardown: what the checklist, judged again, found left. */
static void
log_left(struct tui *t)
{
	size_t counts[JOB_OUTCOME_COUNT];
	size_t done, todo, all;
	char *line;

	engine_tally(t->engine, counts);
	done = counts[JOB_DONE] + counts[JOB_OPERATOR];
	todo = counts[JOB_TODO];
	all = engine_count(t->engine) - counts[JOB_NOT_APPLICABLE];
	/* The numbers first: the log pane cuts the line at its width. */
	line = xasprintf("After the teardown: %zu of %zu steps done, %zu to "
	    "do, %zu other; a new run sets the setup up again.", done, all,
	    todo, all - done - todo);
	tui_log(t, line);
	free(line);
}

/* What was made, by its real names, and where to see it, once the run is
 * over; the setup is whole only when every step is done. */
static void
log_finish(struct tui *t)
{
	size_t n;
	char **made;

	if (t->torn_down) {
		log_left(t);
		return;
	}
	made = made_lines(t->engine, t->setup->session->state,
	    setup_org_url(t->setup), &n);

	tui_log(t, MADE_HEADING);
	for (size_t i = 0; i < n; i++) {
		log_lines(t, made[i]);
		free(made[i]);
	}
	/* Last, where the log pane's tail shows it. */
	tui_log(t, engine_whole(t->engine) ? "The setup is whole: every step "
	    "is done. a adds another ML project beside it." : "The run is "
	    "over with steps left: select them for why and how.");
	free(made);
}

/* ---- the loop ---------------------------------------------------------- */

/*
 * Once a teardown is over, the checklist is judged again from the state
 * it left: a plan's engine probes each step (read-only, nothing saved),
 * so that what was removed shows as to do. The checklist shows it in
 * place of the run's engine, which is settled (a teardown only starts
 * then) and stays its owner's: another project's may lead with it.
 */
static void
judge_again(struct tui *t)
{
	struct setup *s = t->setup;
	struct engine_config cfg = { s->cat, s->session, setup_connection(s),
		s->principal_secret, ENGINE_PLAN, on_event, t, false,
		s->github_token, NULL };
	struct engine *fresh;
	char *cause = NULL, *line;

	if (engine_new(&fresh, &cfg, &cause) == -1) {
		line = xasprintf("The checklist cannot be judged again: %s; "
		    "mlops-tui status shows what the state says is left.",
		    cause);
		tui_log(t, line);
		free(line);
		free(cause);
		return;
	}
	engine_free(t->judged);          /* an earlier teardown's, settled */
	t->judged = t->engine = fresh;
	engine_show_progress(fresh, true);
	t->torn_down = true;
	t->started = time(NULL);
	t->follow = false;      /* the selection stays where it was */
	if (t->selected >= engine_count(fresh))
		t->selected = 0;
	tui_log(t, "The checklist is judged again from what the teardown "
	    "left (read-only).");
}

static void
loop(struct tui *t)
{
	struct curl_waitfd keyboard = { STDIN_FILENO, CURL_WAIT_POLLIN, 0 };
	bool over = false;
	time_t drawn = 0;
	int ch;

	/* Over when quit, or when another ML project was asked for (a): the
	 * wizard then starts it and comes back here. */
	while (!((t->quitting || t->next_answers != NULL) &&
	    engine_finished(t->engine) && !tui_destroy_busy(t) &&
	    !tui_drift_busy(t))) {
		if (stop_signal)
			t->quitting = true;
		if (t->quitting && (!engine_finished(t->engine) ||
		    tui_destroy_busy(t)))
			cut_short = true;
		if (t->quitting) {
			engine_stop(t->engine);
			tui_destroy_stop(t);
			tui_drift_stop(t);
		}
		/* Over again after a retry or a mark has let more run. */
		if (!over && engine_finished(t->engine)) {
			over = true;
			t->ended = time(NULL);   /* the clock stops with the run */
			log_finish(t);
		} else if (over && !engine_finished(t->engine))
			over = false;
		if (t->dirty || time(NULL) != drawn) {
			draw(t);
			drawn = time(NULL);
		}
		/* The engine is over while a teardown runs (it only starts
		 * then): the teardown's fiber is the one to step. */
		if (tui_destroy_busy(t)) {
			if (tui_destroy_step(t, &keyboard, 1, 250) &&
			    !t->quitting)
				judge_again(t);
		} else if (tui_drift_busy(t))
			tui_drift_step(t, &keyboard, 1, 250);
		else
			engine_step_fds(t->engine, &keyboard, 1, 250);
		while ((ch = getch()) != ERR)
			on_key(t, ch);
	}
}

/* After a teardown in the wizard, its outcome is the run's: the setup
 * is no longer whole. */
static int
teardown_outcome(struct tui *t, const char *state_path)
{
	int failed;
	const char *said = tui_destroy_outcome(t, &failed);

	if (said == NULL)
		return -1;
	printf("State: %s\n", state_path);
	if (strcmp(said, "over") == 0) {
		printf("The teardown is over%s.\n", failed ? ", with items "
		    "failed: run mlops-tui destroy to go on" : "");
		return failed ? MT_EXIT_STEP_FAILED : MT_EXIT_OK;
	}
	if (strcmp(said, "stopped") == 0) {
		printf("The teardown was stopped: run mlops-tui destroy to go "
		    "on.\n");
		return MT_EXIT_INTERRUPTED;
	}
	printf("The teardown stopped: %s\n", said);
	return MT_EXIT_STATE;
}

/*
 * The ML projects added in this run with a (screen-another.c), oldest
 * first. Each new setup borrows the first one's connection and each new
 * engine reads the first engine's shared jobs, so all are kept until the
 * wizard ends, and closed before the first.
 */
struct added {
	struct setup **setups;
	struct setup_options **opts;
	struct engine **engines;
	char **answers;
	size_t count;
};

static int open_in_place(struct tui *t, struct setup *s,
    struct setup_options *opt, char **said);

/* Run t->engine's setup from the start of its checklist. */
static void
show_run(struct tui *t)
{
	engine_show_progress(t->engine, true);
	t->screen = &screen_run;
	t->started = time(NULL);
	t->ended = 0;
	t->selected = 0;
	t->follow = true;
	t->dirty = true;
}

static void
keep_added(struct added *a, struct setup *s, struct setup_options *opt,
    struct engine *e, char *answers)
{
	a->setups = xreallocarray(a->setups, a->count, sizeof *a->setups);
	a->opts = xreallocarray(a->opts, a->count, sizeof *a->opts);
	a->engines = xreallocarray(a->engines, a->count, sizeof *a->engines);
	a->answers = xreallocarray(a->answers, a->count, sizeof *a->answers);
	a->setups[a->count] = s;
	a->opts[a->count] = opt;
	a->engines[a->count] = e;
	a->answers[a->count++] = answers;
}

/* The first line of what an opening said, on the hint line. */
static void
note_refusal(struct tui *t, const char *said)
{
	const char *text = said && *said ? said : "it could not open";

	if (strncmp(text, "mlops-tui: ", 11) == 0)
		text += 11;
	tui_note(t, "The new ML project did not start: %.*s",
	    (int)strcspn(text, "\n"), text);
}

/* Start the ML project a asked for, beside first (whose engine leads):
 * its setup opened on the first one's connection, its engine run in
 * the loop from here. */
static void
start_another(struct tui *t, struct added *a, struct setup *first,
    struct engine *first_engine)
{
	struct setup *s = xcalloc(1, sizeof *s);
	struct setup_options *opt = xmalloc(sizeof *opt);
	char *answers = t->next_answers, *said = NULL, *cause = NULL, *line;
	struct engine_config cfg;
	struct engine *e = NULL;

	t->next_answers = NULL;
	*opt = *first->opt;
	opt->answers_path = NULL;
	opt->answers_text = answers;
	opt->state_path = NULL;         /* its own, named by its answers */
	opt->leader = first;
	t->connect_org = setup_org_url(first);
	if (open_in_place(t, s, opt, &said) != 0) {
		setup_discard(s);
		t->screen = &screen_run;
		note_refusal(t, said);
		free(said);
		free(s);
		free(opt);
		free(answers);
		return;
	}
	free(said);
	cfg = (struct engine_config){ s->cat, s->session, setup_connection(s),
		s->principal_secret, ENGINE_APPLY, on_event, t, false,
		s->github_token, first_engine };
	if (engine_new(&e, &cfg, &cause) == -1) {
		t->screen = &screen_run;
		tui_note(t, "The new ML project did not start: %s", cause);
		free(cause);
	}
	keep_added(a, s, opt, e, answers);
	if (e == NULL)
		return;
	/* What showed the last project is gone with it. */
	tui_destroy_free(t);
	tui_drift_free(t);
	tui_export_free(t);
	t->setup = s;
	t->engine = e;
	line = xasprintf("Another ML project: %s (state %s), sharing the "
	    "accelerator and the sign-in with %s.", state_map_get(
	    &s->session->state->answers, "repository"), s->state_path,
	    state_map_get(&first->session->state->answers, "repository"));
	tui_log(t, line);
	free(line);
	show_run(t);
}

/* The outcome of one project's run, as apply's exit status would be:
 * a signal is an interruption whatever had settled; quitting is one
 * when steps were still running. */
static int
run_outcome(struct engine *e)
{
	return engine_fatal(e) ? MT_EXIT_STATE : stop_signal || cut_short ?
	    MT_EXIT_INTERRUPTED : engine_whole(e) ? MT_EXIT_OK :
	    MT_EXIT_INCOMPLETE;
}

/* Say where each project's state is; the status of the run. */
static int
say_states(struct setup *first, struct engine *first_engine,
    struct added *a)
{
	int rc = run_outcome(first_engine);

	printf("State: %s\n", first->state_path);
	for (size_t i = 0; i < a->count; i++) {
		int r = a->engines[i] ? run_outcome(a->engines[i]) :
		    MT_EXIT_STATE;

		printf("State: %s\n", a->setups[i]->state_path);
		if (r != MT_EXIT_OK && (rc == MT_EXIT_OK || r !=
		    MT_EXIT_INCOMPLETE))
			rc = r;
	}
	printf("%s\n", rc == MT_EXIT_OK ? (a->count ? "Every setup is whole." :
	    "The setup is whole.") : "Run mlops-tui again to go on from "
	    "here.");
	return rc;
}

/* After a teardown of one project: the others of the run, as they are. */
static void
say_others(struct tui *t, struct setup *first, struct added *a)
{
	if (t->setup != first)
		printf("Also in this run: %s\n", first->state_path);
	for (size_t i = 0; i < a->count; i++)
		if (a->setups[i] != t->setup)
			printf("Also in this run: %s\n",
			    a->setups[i]->state_path);
}

static void
free_added(struct added *a)
{
	for (size_t i = a->count; i-- > 0; ) {
		engine_free(a->engines[i]);
		setup_close(a->setups[i]);
		free(a->setups[i]);
		free(a->opts[i]);
		free(a->answers[i]);
	}
	free(a->setups);
	free(a->opts);
	free(a->engines);
	free(a->answers);
}

static int
run_wizard(struct tui *t, struct setup *s)
{
	struct engine_config cfg = { s->cat, s->session, &s->conn,
		s->principal_secret, ENGINE_APPLY, on_event, t, false,
		s->github_token, NULL };
	struct added added = { 0 };
	struct engine *first;
	char *cause = NULL;
	int rc;

	if (engine_new(&t->engine, &cfg, &cause) == -1) {
		fprintf(stderr, "mlops-tui: %s\n", cause);
		free(cause);
		return MT_EXIT_STATE;
	}
	first = t->engine;
	show_run(t);
	for (loop(t); t->next_answers != NULL && !t->quitting; loop(t))
		start_another(t, &added, s, first);
	endwin();
	if ((rc = teardown_outcome(t, t->setup->state_path)) == -1)
		rc = say_states(s, first, &added);
	else
		say_others(t, s, &added);
	tui_destroy_free(t);
	engine_free(t->judged);
	t->judged = NULL;
	t->engine = first;
	t->setup = s;
	free(t->next_answers);
	t->next_answers = NULL;
	free_added(&added);
	engine_free(first);
	return rc;
}

/* ---- a new setup: the questions and their review --------------------- */

/* Wait for keys alone (no engine yet) until the review is confirmed or
 * the operator quits; false when quit. */
static bool
ask(struct tui *t)
{
	struct pollfd keyboard = { STDIN_FILENO, POLLIN, 0 };
	int ch;

	t->confirmed = false;
	t->dirty = true;
	while (!t->confirmed) {
		if (stop_signal || t->quitting)
			return false;
		if (t->dirty)
			draw(t);
		poll(&keyboard, 1, 250);
		while ((ch = getch()) != ERR)
			on_key(t, ch);
	}
	return true;
}

/* ---- opening a setup beside the loop --------------------------------- */

struct opening {
	struct setup *setup;
	const struct setup_options *opt;
	int rc;
};

static void
opening_main(void *arg)
{
	struct opening *o = arg;

	o->rc = setup_open(o->setup, o->opt);
}

/* The device code, to show large while the sign-in waits. */
static void
tell_device(const char *message, void *arg)
{
	struct tui *t = arg;

	free(t->device_message);
	t->device_message = xstrdup(message ? message : "Sign in to Azure.");
	t->dirty = true;
}

/* Wait for a key, the network, or a fiber back from its wait. */
static void
wait_turn(struct setup *s, struct fibers *set)
{
	long timeout = fibers_next_timeout(set);
	struct curl_waitfd key = { STDIN_FILENO, CURL_WAIT_POLLIN, 0 };
	struct pollfd pfds[2] = { { STDIN_FILENO, POLLIN, 0 },
		{ fibers_fd(set), POLLIN, 0 } };

	if (s->conn.api.http != NULL)
		fibers_wait(set, s->conn.api.http, &key, 1, 250);
	else
		poll(pfds, 2, timeout < 0 || timeout > 250 ? 250 :
		    (int)timeout);
}

/* Stopped while signing in: nothing is waited for (a device code may
 * wait a quarter of an hour), and nothing was changed but a state file
 * the next start resumes. */
static void
stop_signing_in(void)
{
	endwin();
	fprintf(stdout, "mlops-tui: stopped while signing in\n");
	fflush(stdout);
	_exit(MT_EXIT_INTERRUPTED);
}

/* Run fn(arg) in a fiber, answering keys and drawing the current screen;
 * -1 when the fiber could not start (said on stderr). */
static int
beside(struct tui *t, struct setup *s, void (*fn)(void *), void *arg)
{
	struct fibers *set = NULL;
	struct fiber *f;
	char *cause = NULL;
	int ch;

	if (fibers_new(&set, &cause) == -1 || (f = fiber_start(set, fn, arg,
	    &cause)) == NULL) {
		fprintf(stderr, "mlops-tui: %s\n", cause);
		free(cause);
		fibers_free(set);
		return -1;
	}
	while (!fiber_done(f)) {
		if (stop_signal || t->quitting)
			stop_signing_in();
		draw(t);
		wait_turn(s, set);
		fibers_resume(set);
		while ((ch = getch()) != ERR)
			on_key(t, ch);
	}
	fiber_free(f);
	fibers_free(set);
	return 0;
}

/* Run opening_main in a fiber, answering keys and showing the sign-in. */
static void
open_beside(struct tui *t, struct opening *o)
{
	t->screen = &screen_connect;
	t->connect_started = time(NULL);
	if (beside(t, o->setup, opening_main, o) == -1)
		o->rc = MT_EXIT_DATA;
}

/*
 * Open the setup with curses on the screen: what setup_open says on
 * stderr is caught and shown in place instead. Returns its status.
 */
static int
open_in_place(struct tui *t, struct setup *s, struct setup_options *opt,
    char **said)
{
	struct opening o = { s, opt, 0 };
	FILE *catch = tmpfile();
	int saved = dup(STDERR_FILENO);
	long len;

	fflush(stderr);
	if (catch != NULL)
		dup2(fileno(catch), STDERR_FILENO);
	opt->conn.tell = tell_device;
	opt->conn.tell_arg = t;
	opt->conn.check_token = true;
	free(t->device_message);
	t->device_message = NULL;
	open_beside(t, &o);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	*said = NULL;
	if (catch != NULL && (len = ftell(catch)) > 0) {
		*said = xcalloc(1, (size_t)len + 1);
		rewind(catch);
		if (fread(*said, 1, (size_t)len, catch) != (size_t)len)
			(*said)[0] = '\0';
	}
	if (catch != NULL)
		fclose(catch);
	if (o.rc == 0 && s->conn.user != NULL) {
		char *line = xasprintf("Signed in to %s as %s.",
		    s->conn.api.org_url, s->conn.user);

		tui_log(t, line);
		free(line);
	}
	return o.rc;
}

/* ---- the rights checked up front, shown on the review ------------------ */

struct upfront_pass {
	struct engine *engine;
	struct setup *setup;
	struct upfront found;
};

static void
upfront_main(void *arg)
{
	struct upfront_pass *p = arg;

	upfront_check(&p->found, p->engine, &p->setup->conn, p->setup->errors);
	upfront_add_failed_checks(&p->found, p->engine, p->setup->errors);
}

/* Plan the setup (probes only, nothing saved) with keys answered, then
 * check what its steps to do need; false when stopped. */
static bool
check_upfront(struct tui *t, struct setup *s, struct upfront *found)
{
	struct engine_config cfg = { s->cat, s->session, &s->conn,
		s->principal_secret, ENGINE_PLAN, NULL, NULL, false,
		s->github_token, NULL };
	struct curl_waitfd keyboard = { STDIN_FILENO, CURL_WAIT_POLLIN, 0 };
	struct upfront_pass pass = { NULL, s, { NULL, 0, 0 } };
	char *cause = NULL;
	int ch;

	memset(found, 0, sizeof *found);
	/* Without a plan there is nothing to warn of: the run says it. */
	if (engine_new(&pass.engine, &cfg, &cause) == -1) {
		free(cause);
		return true;
	}
	free(t->device_message);
	t->device_message = xstrdup("Signed in. Checking your rights and "
	    "capacity for the steps to do (read-only)...");
	while (!engine_finished(pass.engine)) {
		if (stop_signal || t->quitting)
			engine_stop(pass.engine);
		draw(t);
		engine_step_fds(pass.engine, &keyboard, 1, 250);
		while ((ch = getch()) != ERR)
			on_key(t, ch);
	}
	if (!(stop_signal || t->quitting))
		beside(t, s, upfront_main, &pass);
	engine_free(pass.engine);
	*found = pass.found;
	return !(stop_signal || t->quitting);
}

/*
 * After the sign-in, before the run: a right or capacity missing for a
 * step to do is shown on the review as a warning, not a refusal - the
 * run may still start, and a principal made by an administrator can be
 * pasted at its step. 0 to run; -1 when the answers were changed on the
 * way (open again); MT_EXIT_INTERRUPTED when stopped.
 */
static int
warn_upfront(struct tui *t, struct setup *s)
{
	struct upfront found;
	char *opened;
	int rc = 0;

	if (!check_upfront(t, s, &found))
		rc = MT_EXIT_INTERRUPTED;
	else if (found.problems > 0) {
		tui_review_warn(t, &found);   /* shown from its top */
		t->screen = &screen_review;
		opened = xstrdup(t->answers_text);
		if (!ask(t))
			rc = MT_EXIT_INTERRUPTED;
		else if (strcmp(opened, t->answers_text) != 0)
			rc = -1;
		free(opened);
	}
	upfront_clear(&found);
	return rc;
}

/* A PAT the organization refused by policy: Entra is chosen for the next
 * try, and the problem says so. */
static void
offer_entra(struct questions *q)
{
	if (strstr(q->problem, "restricts personal access tokens") == NULL)
		return;
	snprintf(questions_get(q, "ado_auth")->value, QUESTION_MAX, "entra");
	/* The service's own words are long; these fit the screen. */
	free(q->problem);
	q->problem = xstrdup("The organization or its tenant restricts "
	    "personal access tokens (PATs), so it refused the PAT. Azure "
	    "DevOps sign-in is now entra: Enter signs in with Entra (a "
	    "device code, or a signed-in Azure CLI).");
}

/* Ask until the answers open a setup; 0, or MT_EXIT_INTERRUPTED. */
static int
ask_and_open(struct tui *t, struct setup *s, struct wizard_options *opt)
{
	struct questions *q = t->questions;
	char *said;
	int rc;
	bool confirmed = false;         /* confirmed on the warnings' review */

	for (;;) {
		if (!confirmed && !ask(t))
			return MT_EXIT_INTERRUPTED;
		confirmed = false;
		/* A new setup from its answers, or a saved one as it is. */
		opt->setup.answers_text = t->resume_path ? NULL :
		    t->answers_text;
		opt->setup.state_path = t->resume_path;
		opt->setup.conn.ado_auth = questions_use_entra(q) ? "entra" :
		    "pat";
		opt->setup.conn.pat = !questions_use_entra(q) &&
		    questions_get(q, "pat")->value[0] ?
		    questions_get(q, "pat")->value : NULL;
		/* Typed, or MLOPS_TUI_GITHUB_TOKEN's as the field shows it. */
		opt->setup.github_token = questions_get(q,
		    "github_token")->value[0] ? questions_get(q,
		    "github_token")->value : NULL;
		t->connect_org = t->resume_path ?
		    t->setups->items[t->choice].organization :
		    questions_get(q, "organization")->value;
		if ((rc = open_in_place(t, s, &opt->setup, &said)) == 0) {
			free(said);
			/* A saved setup had its review when it was new. */
			if (t->resume_path != NULL || (rc = warn_upfront(t, s)) ==
			    0)
				return rc;
			/* Quit on the warnings, or answers changed: nothing
			 * was done, so no setup is left to resume. */
			setup_discard(s);
			if (rc == MT_EXIT_INTERRUPTED)
				return rc;
			confirmed = true;  /* changed and confirmed: open */
			continue;
		}
		setup_discard(s);
		free(q->problem);
		q->problem = said ? said : xstrdup("the setup could not open");
		offer_entra(q);
		q->focused = q->count;
		t->screen = &screen_questions;
	}
}

/* The saved setups to offer, when there are any; --sandbox's own is
 * left out: its organization was a sandbox that is gone. */
static void
find_setups(struct tui *t)
{
	char *cause = NULL, *dir = paths_state_dir(&cause);

	free(cause);
	t->setups = dir ? setups_scan(dir) : xcalloc(1, sizeof *t->setups);
	for (size_t i = t->setups->count; i-- > 0; ) {
		const char *base = strrchr(t->setups->items[i].path, '/');

		if (base != NULL && strcmp(base, "/sandbox.json") == 0)
			setups_remove(t->setups, i);
	}
	t->nsetups = t->setups->count;
	free(dir);
}

static int
wizard_questions(struct tui *t, struct setup *s, struct wizard_options *opt)
{
	struct catalog *cat = NULL;
	struct questions q;
	int rc;

	if (templates_load(&cat, NULL) == -1)
		return MT_EXIT_DATA;
	questions_init(&q, credential_take_env_pat());
	q.principal_file = opt->setup.principal_file != NULL;
	questions_github_token(&q, opt->setup.github_token);
	t->questions = &q;
	t->catalog = cat;
	find_setups(t);
	t->screen = t->nsetups > 0 ? &screen_start : &screen_questions;
	t->choice = 0;
	rc = ask_and_open(t, s, opt);
	if (rc == 0)
		rc = run_wizard(t, s);
	else
		endwin();
	/* The connection holds its own copy of the token. */
	questions_free(&q);
	t->questions = NULL;
	setups_free(t->setups);
	tui_review_free(t);
	free(t->answers_text);
	catalog_free(cat);
	return rc;
}

/*
 * A setup from its answers or state file (or the sandbox's), opened with
 * curses already up: a device code is shown on the sign-in screen, not
 * printed into the shell where it would still stand, stale, after quit.
 */
static int
open_and_run(struct tui *t, struct setup *s, struct wizard_options *opt)
{
	char *said = NULL;
	int rc;

	start_curses(t, opt->no_color);
	if ((rc = open_in_place(t, s, &opt->setup, &said)) == 0)
		return run_wizard(t, s);
	endwin();
	if (said != NULL)
		fputs(said, stderr);
	free(said);
	return rc;
}

int
cmd_wizard(struct wizard_options *opt)
{
	struct sandbox sb = { 0 };
	struct setup s = { 0 };
	struct tui t = { .setup = &s, .sandbox = opt->sandbox };
	struct sigaction sa = { .sa_handler = on_stop_signal };
	int rc;

	if (!has_terminal()) {
		fprintf(stderr, "mlops-tui: the wizard needs a terminal (and "
		    "TERM other than dumb); use 'mlops-tui plan' and 'mlops-tui "
		    "apply' instead\n");
		return MT_EXIT_USAGE;
	}
	if (opt->sandbox && (rc = sandbox_start(&sb, opt)) != 0) {
		sandbox_stop(&sb);
		return rc;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (!opt->sandbox && opt->setup.answers_path == NULL &&
	    opt->setup.state_path == NULL) {
		start_curses(&t, opt->no_color);
		rc = wizard_questions(&t, &s, opt);
	} else
		rc = open_and_run(&t, &s, opt);
	setup_close(&s);
	for (size_t i = 0; i < t.nlog; i++)
		free(t.log[i].text);
	free(t.log);
	tui_log_view_free(&t);
	tui_save_free(&t);
	draw_links_free(&t);
	/* After the engine, which borrowed it. */
	credential_free(t.pasted);
	tui_paste_free(&t);
	free(t.device_message);
	free(t.note);
	tui_sandbox_free(&t);
	tui_export_free(&t);
	tui_destroy_free(&t);          /* a review left without a teardown */
	tui_another_free(&t);
	tui_drift_free(&t);
	if (opt->sandbox)
		sandbox_stop(&sb);
	return rc;
}
