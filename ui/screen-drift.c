/*
 * Drift (c, once the run is over): what the state says the setup made,
 * held against what exists now - the judgement of doctor --state
 * (src/drift.c), run beside the loop in a fiber (drift_run_*) - one line
 * per recorded resource in the one legend, with what changed, and the
 * summary. r repairs: the steps that drifted run again on the checklist,
 * as apply would run them; what cannot be repaired is said. The list and
 * the run are this screen's own.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"
#include "keys.h"
#include "legend.h"
#include "tui.h"
#include "wrap.h"
#include "xalloc.h"

struct drift_view {
	struct drift_list list;
	struct drift_run *run;         /* the last check; NULL: none yet */
	size_t top;                    /* the first row shown */
	size_t logged;                 /* results told in the log so far */
};

/* The rows the list has, between the title and the bottom four lines. */
static size_t
rows(void)
{
	return LINES > 6 ? (size_t)(LINES - 6) : 1;
}

static bool
checking(const struct drift_view *v)
{
	return v != NULL && v->run != NULL && !drift_run_done(v->run);
}

/* The legend's mark of a verdict; its word says which drift it is. */
static enum legend_mark
mark_of(enum drift_kind kind)
{
	switch (kind) {
	case DRIFT_AS_MADE: return MARK_DONE;
	case DRIFT_UNKNOWN: return MARK_UNKNOWN;
	default: return MARK_FAILED;
	}
}

/* "environment prod", "service connection Azure-ARM-Prod (prod)". */
static char *
resource_text(const struct drift_result *r)
{
	bool env = r->environment != NULL && !r->named_by_environment;

	return xasprintf("%s%s%s%s", r->resource, env ? " (" : "",
	    env ? r->environment : "", env ? ")" : "");
}

/* ---- the check beside the loop -------------------------------------- */

bool
tui_drift_busy(const struct tui *t)
{
	return checking(t->drift_view);
}

static void
start_check(struct tui *t)
{
	struct drift_view *v = t->drift_view;
	char *cause = NULL;

	drift_run_free(v->run);
	drift_list_free(&v->list);
	v->top = 0;
	v->logged = 0;
	if ((v->run = drift_run_start(&v->list, t->setup, &cause)) == NULL) {
		tui_note(t, "the drift check cannot start: %s", cause);
		free(cause);
		return;
	}
	tui_log(t, "Comparing what the state says was made with what exists "
	    "now (read-only).");
}

void
tui_drift_open(struct tui *t)
{
	if (!engine_finished(t->engine)) {
		tui_note(t, "c does nothing yet: steps are running; drift is "
		    "checked once the run is over.");
		return;
	}
	if (tui_destroy_busy(t)) {
		tui_note(t, "Not while the teardown removes the setup (d shows "
		    "it); wait for its end.");
		return;
	}
	if (t->drift_view == NULL)
		t->drift_view = xcalloc(1, sizeof *t->drift_view);
	t->screen = &screen_drift;
	/* Each visit checks anew (things change behind the wizard's
	 * back), unless a check is under way. */
	if (!checking(t->drift_view))
		start_check(t);
}

static char *
summary(const struct drift_list *l)
{
	return xasprintf("%zu as made, %zu missing, %zu changed, %zu "
	    "expiring, %zu cannot tell.", l->counts[DRIFT_AS_MADE],
	    l->counts[DRIFT_MISSING], l->counts[DRIFT_CHANGED],
	    l->counts[DRIFT_EXPIRING], l->counts[DRIFT_UNKNOWN]);
}

/* Each result told in the log once, then the summary. */
static void
log_progress(struct tui *t)
{
	struct drift_view *v = t->drift_view;
	char *line, *what;

	for (; v->logged < v->list.count; v->logged++) {
		const struct drift_result *r = &v->list.items[v->logged];

		what = resource_text(r);
		line = xasprintf("%s %s %s%s%s", legend_symbol(mark_of(
		    r->kind)), drift_word(r->kind), what, r->detail ? ": " :
		    "", r->detail ? r->detail : "");
		tui_log(t, line);
		free(line);
		free(what);
	}
	if (!checking(v) && v->logged == v->list.count) {
		line = summary(&v->list);
		tui_log(t, line);
		free(line);
		v->logged++;            /* past the end: the summary is said */
		v->top = 0;             /* over: read from the first line */
	}
}

void
tui_drift_step(struct tui *t, struct curl_waitfd *extra, unsigned n,
    int timeout_ms)
{
	drift_run_step(t->drift_view->run, extra, n, timeout_ms);
	log_progress(t);
	t->dirty = true;
}

void
tui_drift_stop(struct tui *t)
{
	if (tui_drift_busy(t))
		drift_run_stop(t->drift_view->run);
}

void
tui_drift_free(struct tui *t)
{
	if (t->drift_view == NULL)
		return;
	drift_run_free(t->drift_view->run);
	drift_list_free(&t->drift_view->list);
	free(t->drift_view);
	t->drift_view = NULL;
}

/* ---- the repair ----------------------------------------------------- */

/* The engine's job for the step that made r; engine_count when none. */
static size_t
job_of(const struct engine *e, const struct drift_result *r)
{
	size_t n = engine_count(e);

	for (size_t i = 0; i < n; i++) {
		const struct engine_job *j = engine_job(e, i);

		if (strcmp(j->step->id, r->step) == 0 && (j->environment ==
		    NULL) == (r->environment == NULL) && (r->environment ==
		    NULL || strcmp(j->environment, r->environment) == 0))
			return i;
	}
	return n;
}

/* Its step runs again; false, said in the log, when it cannot. */
static bool
repair_one(struct tui *t, const struct drift_result *r)
{
	size_t i = job_of(t->engine, r);
	char *what = resource_text(r), *line;
	bool again = r->kind != DRIFT_UNKNOWN && i < engine_count(t->engine)
	    && engine_recheck(t->engine, i);

	if (r->kind == DRIFT_UNKNOWN)
		line = xasprintf("Not repaired: %s cannot be told (%s); "
		    "check it by hand.", what, r->detail ? r->detail : "?");
	else if (!again)
		line = xasprintf("Not repaired: %s - its step is not done in "
		    "this run; select it on the checklist.", what);
	else
		line = xasprintf("Repairing %s: its step runs again.", what);
	tui_log(t, line);
	free(line);
	free(what);
	return again;
}

/* What drifted beyond repair, said; false when nothing did. Around it
 * the other steps would only fail (their pipelines need the ML
 * repository), so then nothing runs again. */
static bool
beyond_repair(struct tui *t)
{
	const struct drift_list *l = &t->drift_view->list;
	char *what, *line;
	bool any = false;

	for (size_t k = 0; k < l->count; k++) {
		if (l->items[k].beyond_repair == NULL)
			continue;
		what = resource_text(&l->items[k]);
		line = xasprintf("Not repaired: %s is missing, and %s.", what,
		    l->items[k].beyond_repair);
		tui_log(t, line);
		if (!any)
			tui_note(t, "Not repaired: %s is missing; l says why.",
			    what);
		free(line);
		free(what);
		any = true;
	}
	return any;
}

static void
repair(struct tui *t)
{
	struct drift_view *v = t->drift_view;
	size_t again = 0, left = 0;

	if (checking(v) || v->run == NULL) {
		tui_note(t, "r repairs once the check is over.");
		return;
	}
	if (drift_problems(&v->list) == 0) {
		tui_note(t, "Nothing to repair: %s", v->list.counts[
		    DRIFT_UNKNOWN] ? "what could be told is as made." :
		    "every resource is as made.");
		return;
	}
	if (beyond_repair(t))
		return;
	for (size_t k = 0; k < v->list.count; k++) {
		const struct drift_result *r = &v->list.items[k];

		if (r->kind == DRIFT_AS_MADE)
			continue;
		if (repair_one(t, r))
			again++;
		else
			left++;
	}
	if (again == 0) {
		tui_note(t, "Nothing could be repaired here: the log says why.");
		return;
	}
	/* The checklist shows the steps running again; c checks anew once
	 * they are over. */
	t->follow = true;
	t->screen = &screen_run;
	if (left > 0)
		tui_note(t, "%zu step(s) run again; %zu not repaired (see the "
		    "log).", again, left);
}

/* ---- drawing -------------------------------------------------------- */

#define WORD_X 6                       /* "  [x] " */
#define WHAT_X 19                      /* "  [x] cannot tell  " */

/* A row of the list: a result's first row (its symbol and word), or a
 * row of its name or detail wrapped under the name's column. */
struct row {
	const struct drift_result *result;
	bool first;
	char *text;                    /* owned */
};

static void
add_rows(struct row **out, size_t *n, const struct drift_result *r,
    const char *text, bool first)
{
	struct wrap_line *w = NULL;
	size_t width = COLS > WHAT_X + 2 ? (size_t)COLS - WHAT_X - 1 : 1;
	size_t count = wrap_text(text, width, &w);

	for (size_t i = 0; i < count; i++) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		(*out)[(*n)++] = (struct row){ r, first && i == 0,
		    xasprintf("%*s%.*s", (int)w[i].indent, "", (int)w[i].len,
		    w[i].start) };
	}
	free(w);
}

static size_t
list_rows(const struct drift_list *l, struct row **out)
{
	size_t n = 0;
	char *what;

	*out = NULL;
	for (size_t i = 0; i < l->count; i++) {
		what = resource_text(&l->items[i]);
		add_rows(out, &n, &l->items[i], what, true);
		free(what);
		if (l->items[i].detail != NULL)
			add_rows(out, &n, &l->items[i], l->items[i].detail,
			    false);
		if (l->items[i].beyond_repair != NULL) {
			what = xasprintf("Beyond repair: %s.",
			    l->items[i].beyond_repair);
			add_rows(out, &n, &l->items[i], what, false);
			free(what);
		}
	}
	return n;
}

static void
free_rows(struct row *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(r[i].text);
	free(r);
}

static void
draw_row(struct tui *t, int y, const struct row *r)
{
	enum legend_mark m = mark_of(r->result->kind);
	int pair = m == MARK_DONE ? TUI_OK : m == MARK_FAILED ? TUI_BAD : 0;

	if (r->first) {
		if (t->color && pair)
			attron(COLOR_PAIR(pair));
		mvprintw(y, 2, "%s %s", legend_symbol(m),
		    drift_word(r->result->kind));
		if (t->color && pair)
			attroff(COLOR_PAIR(pair));
	}
	draw_cut(t, y, WHAT_X, COLS - 1 - WHAT_X, r->text);
}

static void
draw_list(struct tui *t)
{
	struct drift_view *v = t->drift_view;
	struct row *list;
	size_t n = list_rows(&v->list, &list);

	/* While checking, the newest result is kept in view. */
	if (checking(v) && n > rows())
		v->top = n - rows();
	if (v->top >= n)
		v->top = n > rows() ? n - rows() : 0;
	for (size_t r = 0; r < rows() && v->top + r < n; r++)
		draw_row(t, 2 + (int)r, &list[v->top + r]);
	if (n == 0 && !checking(v))
		draw_cut(t, 2, 0, COLS - 1, "The state records nothing made "
		    "yet that can be compared.");
	free_rows(list, n);
}

static bool
any_beyond_repair(const struct drift_list *l)
{
	for (size_t k = 0; k < l->count; k++)
		if (l->items[k].beyond_repair != NULL)
			return true;
	return false;
}

/* Checking, or the summary and what r would do. */
static void
draw_status(struct tui *t, int y)
{
	struct drift_view *v = t->drift_view;
	char *sum = summary(&v->list), *text;

	if (checking(v))
		text = xasprintf("Checking... %zu judged so far.",
		    v->list.count);
	else
		text = xasprintf("%s %s", sum, any_beyond_repair(&v->list) ?
		    "r cannot repair it." : drift_problems(&v->list) ?
		    "r repairs it." : v->list.count ? "Nothing to repair." :
		    "");
	draw_cut(t, y, 0, COLS - 1, text);
	free(text);
	free(sum);
}

static void
drift_draw(struct tui *t)
{
	struct drift_view *v = t->drift_view;

	draw_title(t, checking(v) ? "drift checking" : "drift over");
	draw_rule(t, 1, 0, COLS);
	draw_list(t);
	draw_rule(t, LINES - 4, 0, COLS);
	draw_status(t, LINES - 3);
	draw_rule(t, LINES - 2, 0, COLS);
	draw_hints(t, checking(v) ? " Up/Down scroll  Esc back  l log  "
	    "? help  q quit" : drift_problems(&v->list) ? " r repair  "
	    "Enter check again  Up/Down scroll  Esc back  l log  ? help  "
	    "q quit" : " Enter check again  Up/Down scroll  Esc back  l log  "
	    "? help  q quit");
	move(LINES - 3, 0);
}

/* ---- keys ----------------------------------------------------------- */

static void
scroll_list(struct drift_view *v, long by)
{
	struct row *list;
	size_t n = list_rows(&v->list, &list);
	size_t last = n > rows() ? n - rows() : 0;
	long top = (long)v->top + by;

	free_rows(list, n);
	v->top = top < 0 ? 0 : (size_t)top > last ? last : (size_t)top;
}

static bool
drift_act(struct tui *t, int action)
{
	struct drift_view *v = t->drift_view;

	switch (action) {
	case ACTION_UP: scroll_list(v, -1); return true;
	case ACTION_DOWN: scroll_list(v, 1); return true;
	case ACTION_PAGE_UP: scroll_list(v, -(long)rows()); return true;
	case ACTION_PAGE_DOWN: scroll_list(v, (long)rows()); return true;
	case ACTION_RETRY:
		repair(t);
		return true;
	case ACTION_OPEN:
	case ACTION_DRIFT:
		if (checking(v))
			tui_note(t, "The check is under way.");
		else
			start_check(t);
		return true;
	case ACTION_LOG:
		tui_log_open(t);
		return true;
	case ACTION_BACK:
		t->screen = &screen_run;
		return true;
	default:
		return false;
	}
}

static const struct screen_key drift_keys[] = {
	{ ACTION_RETRY, "repair: back to the checklist, where the steps that "
	    "drifted run again, as apply would run them; what cannot be "
	    "repaired is said in the log" },
	{ ACTION_OPEN, "check again, once the check is over" },
	{ ACTION_UP, "scroll up a line" },
	{ ACTION_DOWN, "scroll down a line" },
	{ ACTION_PAGE_DOWN, "scroll down a page" },
	{ ACTION_LOG, "show the log, each result in it" },
	{ ACTION_BACK, "back to the checklist (c checks again)" },
	{ ACTION_HELP, "this help" },
	{ ACTION_QUIT, "quit, the state saved (the check changes nothing)" },
	{ ACTION_NONE, NULL },
};

const struct screen screen_drift = {
	"drift",
	"Drift, as mlops-tui doctor --state shows it: what the state says "
	"the setup made, held against what exists now, one line per "
	"resource - [x] as made; [!] missing, changed (what changed follows) "
	"or its secret expiring; [?] cannot tell, and why. The check changes "
	"nothing. r repairs: the steps that drifted run again on the "
	"checklist, as apply would run them.",
	drift_draw, drift_act, NULL, drift_keys,
};
