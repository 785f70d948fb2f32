/*
 * The wizard: open the setup (with --sandbox, on the embedded sandbox),
 * then one event loop for the terminal and the engine - it waits on the
 * keyboard, the network and the fibers at once, so keys are answered
 * while imports, pushes and pipeline polls run - and one redraw per pass.
 */
#include "config.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-sim.h"
#include "exitcode.h"
#include "keys.h"
#include "paths.h"
#include "sim/sim.h"
#include "tui.h"
#include "wizard.h"
#include "xalloc.h"

static volatile sig_atomic_t stop_signal;

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
		"sandbox", .time_scale = 0.02 };
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
	t->dirty = false;
}

static void
on_key(struct tui *t, int ch)
{
	enum key_action a = keys_action(ch);

	t->dirty = true;
	if (ch == KEY_RESIZE)
		return;
	if (a == ACTION_QUIT)
		t->quitting = true;
	else if (t->help && (a == ACTION_BACK || a == ACTION_HELP))
		t->help = false;
	else if (!t->help && a == ACTION_HELP)
		t->help = true;
	else if (!t->help)
		t->screen->act(t, a);
}

/* ---- the engine's events ----------------------------------------------- */

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
	free(line);
	free(title);
}

/* What exists, and where to look, once the run is over. */
static void
log_finish(struct tui *t)
{
	const struct state *st = t->setup->session->state;
	const char *project = state_map_get(&st->answers, "project");
	char *line;

	project = project ? project : "mlops-v2";
	tui_log(t, engine_whole(t->engine) ? "The setup is whole. Next: the "
	    "pipelines, the ML repository, and Azure ML studio:" :
	    "The run is over with steps left: select them for why and how.");
	line = xasprintf("  %s/%s/_build", t->setup->conn.api.org_url,
	    project);
	tui_log(t, line);
	free(line);
	line = xasprintf("  %s/%s/_git/%s", t->setup->conn.api.org_url,
	    project, state_map_get(&st->answers, "repository"));
	tui_log(t, line);
	free(line);
	tui_log(t, "  https://ml.azure.com (workspace mlw-<namespace>-<postfix>"
	    "<environment>)");
}

/* ---- the loop ---------------------------------------------------------- */

static void
loop(struct tui *t)
{
	struct curl_waitfd keyboard = { STDIN_FILENO, CURL_WAIT_POLLIN, 0 };
	bool over = false;
	time_t drawn = 0;
	int ch;

	while (!(t->quitting && engine_finished(t->engine))) {
		if (stop_signal)
			t->quitting = true;
		if (t->quitting)
			engine_stop(t->engine);
		if (!over && engine_finished(t->engine)) {
			over = true;
			log_finish(t);
		}
		if (t->dirty || time(NULL) != drawn) {
			draw(t);
			drawn = time(NULL);
		}
		engine_step_fds(t->engine, &keyboard, 1, 250);
		while ((ch = getch()) != ERR)
			on_key(t, ch);
	}
}

static int
run_wizard(struct tui *t, struct setup *s, bool no_color)
{
	struct engine_config cfg = { s->cat, s->session, &s->conn,
		s->principal_secret, ENGINE_APPLY, on_event, t, false };
	struct sigaction sa = { .sa_handler = on_stop_signal };
	char *cause = NULL;
	int rc;

	if (engine_new(&t->engine, &cfg, &cause) == -1) {
		fprintf(stderr, "mlops-tui: %s\n", cause);
		free(cause);
		return MT_EXIT_STATE;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	t->screen = &screen_run;
	t->started = time(NULL);
	t->dirty = true;
	start_curses(t, no_color);
	loop(t);
	endwin();
	rc = engine_fatal(t->engine) ? MT_EXIT_STATE : engine_whole(t->engine) ?
	    MT_EXIT_OK : MT_EXIT_INCOMPLETE;
	printf("State: %s\n%s\n", s->state_path, rc == MT_EXIT_OK ? "The setup "
	    "is whole." : "Run mlops-tui again to go on from here.");
	engine_free(t->engine);
	return rc;
}

int
cmd_wizard(struct wizard_options *opt)
{
	struct sandbox sb = { 0 };
	struct setup s;
	struct tui t = { .setup = &s, .sandbox = opt->sandbox };
	int rc;

	if (!has_terminal()) {
		fprintf(stderr, "mlops-tui: the wizard needs a terminal (and "
		    "TERM other than dumb); use 'mlops-tui plan' and 'mlops-tui "
		    "apply' instead\n");
		return MT_EXIT_USAGE;
	}
	if (!opt->sandbox && opt->setup.answers_path == NULL &&
	    opt->setup.state_path == NULL) {
		fprintf(stderr, "mlops-tui: the wizard's questions are not "
		    "available yet in version %s: give --answers FILE (see "
		    "mlops-tui(5)) or --state FILE, or try --sandbox\n",
		    PACKAGE_VERSION);
		return MT_EXIT_UNAVAILABLE;
	}
	if (opt->sandbox && (rc = sandbox_start(&sb, opt)) != 0) {
		sandbox_stop(&sb);
		return rc;
	}
	rc = setup_open(&s, &opt->setup);
	if (rc == 0)
		rc = run_wizard(&t, &s, opt->no_color);
	setup_close(&s);
	for (size_t i = 0; i < t.nlog; i++)
		free(t.log[i]);
	if (opt->sandbox)
		sandbox_stop(&sb);
	return rc;
}
