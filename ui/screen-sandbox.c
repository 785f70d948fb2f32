/*
 * The sandbox panel: the known problems the sandbox can imitate, each
 * with one line of what it does, switched on and off while the setup runs
 * - to see a failure, its explanation and fix, then the retry once it is
 * switched off. Reached from the run screen only when the organization is
 * a sandbox (on this machine). The switches go over the sandbox's REST
 * settings (src/simswitch.c); the time scale is shown, never changed.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>

#include "http.h"
#include "keys.h"
#include "simswitch.h"
#include "tui.h"
#include "xalloc.h"

/* The panel's own: kept from one opening to the next, so the selection
 * stays where the operator left it. */
struct sandbox_view {
	size_t choice;                     /* the selected problem */
	bool on[SIM_PITFALLS_MAX];         /* the switches as last read */
	double time_scale;
	char *problem;                     /* why the last switch failed */
};

static struct sandbox_view *
view_of(struct tui *t)
{
	if (t->sandbox_view == NULL)
		t->sandbox_view = xcalloc(1, sizeof *t->sandbox_view);
	return t->sandbox_view;
}

bool
tui_on_sandbox(const struct tui *t)
{
	return t->sandbox || (setup_org_url(t->setup) != NULL &&
	    http_url_is_loopback(setup_org_url(t->setup)));
}

static void
say(struct sandbox_view *v, char *problem)
{
	free(v->problem);
	v->problem = problem;
}

/* The switches as the sandbox has them now. */
static void
read_switches(struct tui *t, struct sandbox_view *v)
{
	char *cause = NULL;

	if (sim_pitfalls_read(setup_org_url(t->setup), setup_connection(t->setup)->pat,
	    t->setup->session->state, v->on, &v->time_scale, &cause) == -1)
		say(v, cause);
	else
		say(v, NULL);
}

void
tui_sandbox_open(struct tui *t)
{
	if (!tui_on_sandbox(t))
		return;
	read_switches(t, view_of(t));
	t->screen = &screen_sandbox;
}

void
tui_sandbox_free(struct tui *t)
{
	if (t->sandbox_view == NULL)
		return;
	free(t->sandbox_view->problem);
	free(t->sandbox_view);
	t->sandbox_view = NULL;
}

static void
sandbox_draw(struct tui *t)
{
	size_t n;
	const struct sim_pitfall *p = sim_pitfalls(&n);
	const struct sandbox_view *v = view_of(t);
	char right[48];
	int y = 3;

	snprintf(right, sizeof right, "sandbox, time scale %g", v->time_scale);
	draw_title(t, right);
	draw_rule(t, 1, 0, COLS);
	mvaddstr(2, 2, "Known problems the sandbox imitates; the run goes on "
	    "meanwhile.");
	for (size_t i = 0; i < n && y < LINES - 4; i++, y++) {
		if (i == v->choice)
			attron(A_REVERSE);
		mvprintw(y, 2, "[%s] %-12s", v->on[i] ? "on " : "off",
		    p[i].name);
		draw_cut(t, y, 21, COLS - 22, p[i].what);
		if (i == v->choice)
			attroff(A_REVERSE);
	}
	if (v->problem != NULL)
		draw_wrapped(y + 1, 2, COLS - 4, LINES - y - 4, v->problem);
	draw_rule(t, LINES - 2, 0, COLS);
	draw_hints(t, " Up/Down select  Enter or Space switch on/off  Esc back"
	    "  ? help  q quit");
	move(3 + (int)v->choice, 2);
}

/* Switch the selected problem, then read back what the sandbox has. */
static void
toggle(struct tui *t)
{
	char *cause = NULL, *line;
	size_t n;
	const struct sim_pitfall *p = sim_pitfalls(&n);
	struct sandbox_view *v = view_of(t);
	bool on = !v->on[v->choice];

	if (sim_pitfall_set(setup_org_url(t->setup), setup_connection(t->setup)->pat,
	    t->setup->session->state, v->choice, on, &cause) == -1) {
		say(v, cause);
		return;
	}
	read_switches(t, v);
	line = xasprintf("Sandbox: %s switched %s: %s", p[v->choice].name,
	    on ? "on" : "off", p[v->choice].what);
	tui_log(t, line);
	free(line);
}

static bool
sandbox_act(struct tui *t, int action)
{
	struct sandbox_view *v = view_of(t);
	size_t n;

	sim_pitfalls(&n);
	switch (action) {
	case ACTION_UP:
		v->choice -= v->choice > 0;
		return true;
	case ACTION_DOWN:
		v->choice += v->choice + 1 < n;
		return true;
	case ACTION_FIRST:
		v->choice = 0;
		return true;
	case ACTION_LAST:
		v->choice = n - 1;
		return true;
	case ACTION_OPEN:
		toggle(t);
		return true;
	case ACTION_BACK:
	case ACTION_SANDBOX:
		t->screen = &screen_run;
		return true;
	default:
		return false;
	}
}

/* Space switches too, as a check box does. */
static bool
sandbox_key(struct tui *t, int ch)
{
	if (ch != ' ')
		return false;
	toggle(t);
	return true;
}

static const struct screen_key sandbox_keys[] = {
	{ ACTION_UP, "the problem above" },
	{ ACTION_DOWN, "the problem below" },
	{ ACTION_FIRST, "the first problem" },
	{ ACTION_LAST, "the last problem" },
	{ ACTION_OPEN, "switch the selected problem on or off (Space too)" },
	{ ACTION_BACK, "back to the checklist (f too)" },
	{ ACTION_HELP, "this help" },
	{ ACTION_QUIT, "quit, the state saved" },
	{ ACTION_NONE, NULL },
};

const struct screen screen_sandbox = {
	"sandbox",
	"The known problems the sandbox can imitate, each on or off, with what "
	"it does. Switch one on to see the step it breaks fail with its "
	"explanation and fix; switch it off and retry the step (r) to go on. "
	"The switches are the sandbox's settings (PATCH /_sandbox/settings); "
	"its time scale stays as it was started (--time-scale).",
	sandbox_draw, sandbox_act, sandbox_key, sandbox_keys,
};
