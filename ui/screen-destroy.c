/*
 * The teardown of the setup (d, once the run is over): its review - the
 * lines of plan --destroy, in the one legend, grouped Azure / Entra ID /
 * Azure DevOps - with --purge and --all to switch, and a confirmation by
 * the name of what goes (the repository; with --all, the project), as a
 * deletion deserves. Confirmed, the removals run beside the loop
 * (destroy_run_*, src/destroy.c), each item shown as it goes, then the
 * summary line. The plan and the run are this screen's own.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "destroy.h"
#include "keys.h"
#include "legend.h"
#include "tui.h"
#include "wrap.h"
#include "xalloc.h"

#define TYPED_MAX 256

enum destroy_focus { FOCUS_CONFIRM, FOCUS_PURGE, FOCUS_ALL, FOCUS_COUNT };

struct destroy_view {
	struct destroy_options opt;
	struct destroy_plan plan;
	struct destroy_run *run;       /* NULL: still the review */
	enum destroy_focus focus;
	char typed[TYPED_MAX];
	size_t top;                    /* the first line shown */
	size_t logged;                 /* items told in the log so far */
	/* What the last run came to, kept past a new review: for the
	 * shell (tui_destroy_outcome). */
	char *outcome;                 /* NULL: none ran */
	int failed;
};

/* The rows the list has, between the title and the bottom four lines. */
static size_t
rows(void)
{
	return LINES > 7 ? (size_t)(LINES - 7) : 1;
}

static const char *
answer(const struct tui *t, const char *key, const char *fallback)
{
	const char *v = state_map_get(&t->setup->session->state->answers, key);

	return v ? v : fallback;
}

/* What the operator types to confirm: the name of the biggest thing
 * that goes. */
static const char *
expected(const struct tui *t)
{
	return t->destroy_view->opt.all ? answer(t, "project", "mlops-v2") :
	    answer(t, "repository", "?");
}

static void
make_plan(struct tui *t)
{
	struct destroy_view *v = t->destroy_view;

	destroy_plan_free(&v->plan);
	destroy_plan_make(&v->plan, t->setup->session->state, &v->opt);
	v->top = 0;
}

static void
remember_outcome(struct destroy_view *v)
{
	if (v->run == NULL)
		return;
	free(v->outcome);
	v->outcome = xstrdup(destroy_run_fatal(v->run) ?
	    destroy_run_fatal(v->run) : destroy_run_stopped(v->run) ?
	    "stopped" : "over");
	v->failed = 0;
	for (size_t i = 0; i < v->plan.count; i++)
		v->failed += v->plan.items[i].state == TD_FAILED;
}

/* A new review, of what the state says is left of the setup. */
static void
review(struct tui *t)
{
	struct destroy_view *v = t->destroy_view;

	remember_outcome(v);
	destroy_run_free(v->run);
	v->run = NULL;
	v->typed[0] = '\0';
	v->focus = FOCUS_CONFIRM;
	make_plan(t);
}

bool
tui_destroy_busy(const struct tui *t)
{
	return t->destroy_view != NULL && t->destroy_view->run != NULL &&
	    !destroy_run_done(t->destroy_view->run);
}

void
tui_destroy_open(struct tui *t)
{
	struct destroy_view *v = t->destroy_view;

	/* Back to the removals, under way or over: what came of them is
	 * read there (also while the checklist is judged again after
	 * them), and Enter reviews what is left. */
	if (v != NULL && v->run != NULL) {
		t->screen = &screen_destroy;
		return;
	}
	if (!engine_finished(t->engine)) {
		tui_note(t, "d does nothing yet: steps are running; the "
		    "teardown is offered once the run is over.");
		return;
	}
	t->screen = &screen_destroy;
	if (v == NULL)
		v = t->destroy_view = xcalloc(1, sizeof *v);
	review(t);
}

void
tui_destroy_free(struct tui *t)
{
	if (t->destroy_view == NULL)
		return;
	destroy_run_free(t->destroy_view->run);
	destroy_plan_free(&t->destroy_view->plan);
	free(t->destroy_view->outcome);
	free(t->destroy_view);
	t->destroy_view = NULL;
}

/* ---- the removals beside the loop ----------------------------------- */

static void
log_item(struct tui *t, const struct teardown *it)
{
	char *line = xasprintf("%s %s%s%s", destroy_symbol(it->state),
	    it->what, it->note ? ": " : "", it->note ? it->note : "");

	tui_log(t, line);
	free(line);
}

/* Each item the run has finished with, told in the log once; true in
 * the pass that tells the summary (the run is over). */
static bool
log_progress(struct tui *t)
{
	struct destroy_view *v = t->destroy_view;
	size_t upto = destroy_run_current(v->run);
	char *summary;

	for (; v->logged < upto && v->logged < v->plan.count; v->logged++) {
		const struct teardown *it = &v->plan.items[v->logged];

		if (it->state == TD_REMOVED || it->state == TD_FAILED)
			log_item(t, it);
	}
	if (destroy_run_done(v->run) && v->logged == v->plan.count) {
		summary = destroy_summary(&v->plan, false);
		tui_log(t, summary);
		free(summary);
		v->logged++;            /* past the end: the summary is said */
		return true;
	}
	return false;
}

bool
tui_destroy_step(struct tui *t, struct curl_waitfd *extra, unsigned n,
    int timeout_ms)
{
	bool over;

	destroy_run_step(t->destroy_view->run, extra, n, timeout_ms);
	over = log_progress(t);
	t->dirty = true;
	return over;
}

void
tui_destroy_stop(struct tui *t)
{
	if (tui_destroy_busy(t))
		destroy_run_stop(t->destroy_view->run);
}

const char *
tui_destroy_outcome(struct tui *t, int *failed)
{
	struct destroy_view *v = t->destroy_view;

	*failed = 0;
	if (v == NULL)
		return NULL;
	remember_outcome(v);
	*failed = v->failed;
	return v->outcome;
}

static void
start(struct tui *t)
{
	struct destroy_view *v = t->destroy_view;
	char *cause = NULL;

	if ((v->run = destroy_run_start(&v->plan, t->setup, &cause)) == NULL) {
		tui_note(t, "the teardown cannot start: %s", cause);
		free(cause);
		return;
	}
	v->logged = 0;
	tui_log(t, "The teardown of the setup starts.");
}

/* ---- drawing ----------------------------------------------------------- */

/* The list as rows: each area's name, its items and their notes
 * wrapped under the legend's column (so nothing a note says is cut). */
struct line {
	const char *area;              /* a heading; else a row of item's */
	const struct teardown *item;
	bool first;                    /* the item's first row: its symbol */
	char *text;                    /* the row's text (owned) */
};

#define ITEM_INDENT 6                  /* "  [ ] " */

static void
add_row(struct line **rows_out, size_t *n, struct line row)
{
	*rows_out = xreallocarray(*rows_out, *n + 1, sizeof **rows_out);
	(*rows_out)[(*n)++] = row;
}

/* text wrapped to the width left of the legend's column, as rows. */
static void
add_wrapped(struct line **out, size_t *n, const struct teardown *it,
    const char *text, bool first)
{
	struct wrap_line *w = NULL;
	size_t width = COLS > ITEM_INDENT + 2 ? (size_t)COLS - ITEM_INDENT - 1 :
	    1;
	size_t count = wrap_text(text, width, &w);

	for (size_t i = 0; i < count; i++)
		add_row(out, n, (struct line){ NULL, it, first && i == 0,
		    xasprintf("%*s%.*s", (int)w[i].indent, "", (int)w[i].len,
		    w[i].start) });
	free(w);
}

static size_t
list_lines(const struct destroy_plan *plan, struct line **out)
{
	const char *area = NULL;
	size_t n = 0;
	char *what;

	*out = NULL;
	for (size_t i = 0; i < plan->count; i++) {
		const struct teardown *it = &plan->items[i];

		if (area == NULL || strcmp(area, it->area) != 0) {
			area = it->area;
			add_row(out, &n, (struct line){ area, NULL, false,
			    NULL });
		}
		what = xasprintf("%s%s%s%s", it->what, it->environment ? " (" :
		    "", it->environment ? it->environment : "",
		    it->environment ? ")" : "");
		add_wrapped(out, &n, it, what, true);
		free(what);
		if (it->note != NULL)
			add_wrapped(out, &n, it, it->note, false);
	}
	return n;
}

static void
free_lines(struct line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i].text);
	free(lines);
}

static const char *
symbol_now(const struct destroy_view *v, const struct teardown *it)
{
	if (v->run != NULL && destroy_run_current(v->run) < v->plan.count &&
	    it == &v->plan.items[destroy_run_current(v->run)])
		return legend_symbol(MARK_RUNNING);
	return destroy_symbol(it->state);
}

static void
draw_line(struct tui *t, int y, const struct line *l)
{
	if (l->area != NULL) {
		attron(A_BOLD);
		draw_cut(t, y, 0, COLS - 1, l->area);
		attroff(A_BOLD);
		return;
	}
	if (l->first)
		mvprintw(y, 2, "%s", symbol_now(t->destroy_view, l->item));
	draw_cut(t, y, ITEM_INDENT, COLS - 1 - ITEM_INDENT, l->text);
}

/* While removing, the line of the item in hand is kept in view. */
static void
follow_current(struct destroy_view *v, const struct line *lines, size_t n)
{
	size_t cur;

	if (v->run == NULL || (cur = destroy_run_current(v->run)) >=
	    v->plan.count)
		return;
	for (size_t i = 0; i < n; i++)
		if (lines[i].item == &v->plan.items[cur] && lines[i].first) {
			if (i < v->top || i >= v->top + rows())
				v->top = i + 1 > rows() ? i + 1 - rows() : 0;
			return;
		}
}

static void
draw_list(struct tui *t)
{
	struct destroy_view *v = t->destroy_view;
	struct line *lines;
	size_t n = list_lines(&v->plan, &lines);

	follow_current(v, lines, n);
	if (v->top >= n)
		v->top = n > rows() ? n - rows() : 0;
	for (size_t r = 0; r < rows() && v->top + r < n; r++)
		draw_line(t, 2 + (int)r, &lines[v->top + r]);
	if (n == 0)
		draw_cut(t, 2, 0, COLS - 1, "The state records nothing this "
		    "setup made that is still there.");
	free_lines(lines, n);
}

static void
draw_toggles(struct tui *t, int y)
{
	struct destroy_view *v = t->destroy_view;
	char *text = xasprintf("%s--purge %s (Key Vault, workspace)   "
	    "%s--all %s (project, imports)",
	    v->focus == FOCUS_PURGE ? ">" : " ", v->opt.purge ? "on" : "off",
	    v->focus == FOCUS_ALL ? ">" : " ", v->opt.all ? "on" : "off");

	draw_cut(t, y, 0, COLS - 1, text);
	free(text);
}

/* The confirmation, the item in hand, or the summary when over. */
static void
draw_status(struct tui *t, int y)
{
	struct destroy_view *v = t->destroy_view;
	char *text;

	if (v->run == NULL)
		text = xasprintf("%sType %s to delete, then Enter: %s",
		    v->focus == FOCUS_CONFIRM ? ">" : " ", expected(t),
		    v->typed);
	else if (destroy_run_current(v->run) >= v->plan.count)
		text = destroy_summary(&v->plan, false);
	else
		text = xasprintf("Removing %s...", v->plan.items[
		    destroy_run_current(v->run)].what);
	draw_cut(t, y, 0, COLS - 1, text);
	free(text);
}

static void
destroy_draw(struct tui *t)
{
	struct destroy_view *v = t->destroy_view;
	const char *phase = v->run == NULL ? "review" :
	    destroy_run_done(v->run) ? "over" : "removing";
	char *right = xasprintf("teardown %s", phase);

	draw_title(t, right);
	free(right);
	draw_rule(t, 1, 0, COLS);
	draw_list(t);
	draw_rule(t, LINES - 5, 0, COLS);
	if (v->run == NULL)
		draw_toggles(t, LINES - 4);
	draw_status(t, LINES - 3);
	draw_rule(t, LINES - 2, 0, COLS);
	/* Typing the name takes q: Ctrl-C quits meanwhile. */
	draw_hints(t, v->run == NULL ? " Tab purge/all/name  Space switch  "
	    "Enter delete  Esc back  ? help  Ctrl-C quit" : destroy_run_done(v->run) ?
	    " Up/Down scroll  Enter review what is left  Esc back  l log  "
	    "q quit" : " Up/Down scroll  Esc back  l log  q quit");
	move(LINES - 3, 0);
}

/* ---- keys -------------------------------------------------------------- */

static void
switch_option(struct tui *t)
{
	struct destroy_view *v = t->destroy_view;

	if (v->focus == FOCUS_PURGE)
		v->opt.purge = !v->opt.purge;
	else if (v->focus == FOCUS_ALL)
		v->opt.all = !v->opt.all;
	make_plan(t);
}

static void
confirm(struct tui *t)
{
	struct destroy_view *v = t->destroy_view;
	bool any = false;

	for (size_t i = 0; i < v->plan.count; i++)
		any |= v->plan.items[i].state == TD_TO_REMOVE;
	if (!any)
		tui_note(t, "Nothing to remove: every item is kept or left.");
	/* The checklist's probes and the removals would share the loop,
	 * which steps one of them at a time. */
	else if (!engine_finished(t->engine))
		tui_note(t, "Not yet: the checklist is being judged again "
		    "after the teardown; Enter once it is over.");
	else if (strcmp(v->typed, expected(t)) != 0)
		tui_note(t, "Type %s exactly to delete (Esc: back, nothing "
		    "changed).", expected(t));
	else
		start(t);
}

/* Typing the name, and Space on a switch. */
static bool
destroy_key(struct tui *t, int ch)
{
	struct destroy_view *v = t->destroy_view;
	size_t len = strlen(v->typed);

	if (v->run != NULL)
		return false;
	if (v->focus != FOCUS_CONFIRM) {
		if (ch != ' ')
			return false;
		switch_option(t);
		return true;
	}
	if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len > 0)
		v->typed[len - 1] = '\0';
	/* No name holds a "?" (Azure DevOps refuses it): it stays help. */
	else if (ch > ' ' && ch < 127 && ch != '?' && len + 1 < TYPED_MAX) {
		v->typed[len] = (char)ch;
		v->typed[len + 1] = '\0';
	} else
		return false;
	return true;
}

static void
scroll_list(struct destroy_view *v, long by)
{
	struct line *lines;
	size_t n = list_lines(&v->plan, &lines);
	size_t last = n > rows() ? n - rows() : 0;
	long top = (long)v->top + by;

	free_lines(lines, n);
	v->top = top < 0 ? 0 : (size_t)top > last ? last : (size_t)top;
}

static bool
destroy_act(struct tui *t, int action)
{
	struct destroy_view *v = t->destroy_view;

	switch (action) {
	case ACTION_UP: scroll_list(v, -1); return true;
	case ACTION_DOWN: scroll_list(v, 1); return true;
	case ACTION_PAGE_UP: scroll_list(v, -(long)rows()); return true;
	case ACTION_PAGE_DOWN: scroll_list(v, (long)rows()); return true;
	case ACTION_NEXT:
		if (v->run == NULL)
			v->focus = (v->focus + 1) % FOCUS_COUNT;
		return true;
	case ACTION_LEFT:
	case ACTION_RIGHT:
		if (v->run == NULL && v->focus != FOCUS_CONFIRM)
			switch_option(t);
		return true;
	case ACTION_OPEN:
		if (v->run == NULL)
			confirm(t);
		else if (destroy_run_done(v->run))
			review(t);
		return true;
	case ACTION_LOG:
		tui_log_open(t);
		return true;
	case ACTION_BACK:
	case ACTION_DESTROY:
		t->screen = &screen_run;
		return true;
	default:
		return false;
	}
}

static const struct screen_key destroy_keys[] = {
	{ ACTION_NEXT, "go to --purge, --all, the name to type, in turn" },
	{ ACTION_RIGHT, "switch --purge or --all (Space too)" },
	{ ACTION_OPEN, "delete, once the name is typed exactly; when it is "
	    "over, review what is left" },
	{ ACTION_UP, "scroll up a line" },
	{ ACTION_DOWN, "scroll down a line" },
	{ ACTION_PAGE_DOWN, "scroll down a page" },
	{ ACTION_LOG, "show the log, each removal in it" },
	{ ACTION_BACK, "back to the checklist; removals go on (d comes back)" },
	{ ACTION_HELP, "this help" },
	{ ACTION_QUIT, "quit, the state saved; removals stop after the one in "
	    "hand" },
	{ ACTION_NONE, NULL },
};

const struct screen screen_destroy = {
	"teardown",
	"The teardown of this setup, as mlops-tui plan --destroy lists it: "
	"[ ] is removed, [.] kept (there before the setup) or left (not "
	"asked for), with its note. --purge also purges the soft-deleted Key "
	"Vault and workspace; --all also deletes the accelerator's project "
	"and imports. Type the repository's name (with --all, the project's) "
	"and Enter to delete; each item is shown as it goes.",
	destroy_draw, destroy_act, destroy_key, destroy_keys,
};
