/*
 * The run screen: the guide as a checklist (one line per step, its status
 * as a symbol and a word) beside the selected step's detail - what it
 * does and why, who may do it, what was found or done, and for a failure
 * its known explanation and fix - above the log tail.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "tui.h"
#include "wrap.h"
#include "xalloc.h"

#define LOG_ROWS 6

/*
 * The checklist takes about half the terminal, so that a wide one shows
 * whole titles; never under 40 columns (at 80 the detail needs the rest)
 * nor over 80 (past that, the detail's prose is what wants the room).
 */
static int
list_width(void)
{
	int w = COLS / 2;

	return w < 40 ? 40 : w > 80 ? 80 : w;
}

static int
color_of(enum job_outcome o)
{
	switch (o) {
	case JOB_DONE: case JOB_OPERATOR: return TUI_OK;
	case JOB_FAILED: case JOB_BLOCKED: return TUI_BAD;
	case JOB_RUNNING: return TUI_BUSY;
	default: return 0;
	}
}

/* The first job shown, so that the selected one is on screen. */
static size_t
first_shown(struct tui *t, int rows)
{
	size_t n = engine_count(t->engine);

	if (t->selected < (size_t)rows / 2 || n <= (size_t)rows)
		return 0;
	if (t->selected + (size_t)rows / 2 >= n)
		return n - (size_t)rows;
	return t->selected - (size_t)rows / 2;
}

/* The checklist; returns the row of the selected line. */
static int
draw_list(struct tui *t, int top, int rows)
{
	size_t first = first_shown(t, rows), n = engine_count(t->engine);
	int cursor = top;

	for (int row = 0; row < rows && first + (size_t)row < n; row++) {
		const struct engine_job *j = engine_job(t->engine, first +
		    (size_t)row);
		char *title = engine_job_title(j);
		int pair = t->color ? color_of(j->outcome) : 0;
		bool sel = first + (size_t)row == t->selected;

		if (sel) {
			attron(A_REVERSE);
			cursor = top + row;
		}
		attron(COLOR_PAIR(pair));
		mvaddstr(top + row, 0, job_outcome_symbol(j->outcome));
		attroff(COLOR_PAIR(pair));
		/* The symbol, a space, the title, a blank before the rule. */
		for (int x = 4 + draw_cut(t, top + row, 4, list_width() - 5,
		    title); sel && x < list_width() - 1; x++)
			addch(' ');
		if (sel)
			attroff(A_REVERSE);
		free(title);
	}
	return cursor;
}

/* Label and wrapped text; returns the next free row. */
static int
draw_block(int y, int x, int width, int last, const char *label,
    const char *text)
{
	if (text == NULL || *text == '\0' || y > last)
		return y;
	attron(A_BOLD);
	mvaddstr(y, x, label);
	attroff(A_BOLD);
	return y + draw_wrapped(y, x + 7, width - 7, last - y + 1, text) + 1;
}

static void
draw_known_error(struct tui *t, const struct engine_job *j, int *y, int x,
    int width, int last)
{
	const struct known_error *k = errors_explain(t->setup->errors,
	    j->error_id, j->error);
	char *why, *fix;

	if (k == NULL)
		return;
	why = engine_fill(j, k->explanation);
	fix = engine_fill(j, k->fix);
	*y = draw_block(*y, x, width, last, "Why", why);
	*y = draw_block(*y, x, width, last, "Fix", fix);
	free(fix);
	free(why);
}

static bool
in_trouble(const struct engine_job *j)
{
	return j->outcome == JOB_FAILED || j->outcome == JOB_UNKNOWN ||
	    j->outcome == JOB_BLOCKED || j->outcome == JOB_BY_HAND;
}

/* Why it failed, the fix, and the guide's manual steps, filled in. */
static int
draw_trouble(struct tui *t, const struct engine_job *j, int y, int x,
    int width, int last)
{
	char *manual = engine_fill(j, j->step->manual ? j->step->manual : "");

	y = draw_block(y, x, width, last, "Error", j->error);
	draw_known_error(t, j, &y, x, width, last);
	y = draw_block(y, x, width, last, "Hand", manual);
	free(manual);
	return y;
}

static void
draw_detail(struct tui *t, int top, int last)
{
	const struct engine_job *j = engine_job(t->engine, t->selected);
	/* To the last column: no row here is the screen's last, whose
	 * last cell would scroll it. */
	int x = list_width() + 2, width = COLS - x, y = top;
	char *title, *what, *status;

	if (j == NULL)
		return;
	title = engine_job_title(j);
	/* One line, cut with an ellipsis where it must be: the rows below
	 * are what the list cannot show (Enter shows the title whole). */
	attron(A_BOLD);
	draw_cut(t, y++, x, width, title);
	attroff(A_BOLD);
	status = xasprintf("%s %s", job_outcome_symbol(j->outcome),
	    job_outcome_word(j->outcome));
	y = draw_block(y, x, width, last, "Status", status);
	/* Live: an import's step, a run's stages and jobs with their time. */
	if (j->outcome == JOB_RUNNING)
		y = draw_block(y, x, width, last, "Now", j->progress);
	what = engine_fill(j, j->step->what ? j->step->what : "");
	/* In trouble, what to do comes first; what the step is, after. */
	if (in_trouble(j))
		y = draw_trouble(t, j, y, x, width, last);
	y = draw_block(y, x, width, last, "Found", j->detail);
	y = draw_block(y, x, width, last, "What", what);
	free(what);
	free(status);
	free(title);
}

static void
draw_log(struct tui *t, int top)
{
	size_t first = t->nlog > LOG_ROWS ? t->nlog - LOG_ROWS : 0;

	for (size_t i = first; i < t->nlog; i++) {
		const char *text = t->log[i].text;

		/* An address is a link where it is shown whole. */
		if (draw_cut(t, top + (int)(i - first), 0, COLS - 1, text) ==
		    (int)wrap_columns(text, strlen(text)))
			draw_note_links(t, top + (int)(i - first), 0, text,
			    strlen(text), text);
	}
}

/*
 * The hint line. On a sandbox, its panel's key. Once the run is over, the
 * teardown's, the drift check's and another project's keys in place of
 * the marks - and, when the setup is whole, of r, which has nothing to
 * retry. draw_hints drops whole hints that do not fit from the last but
 * one back (a another first: the finish line in the log says it; the
 * help lists every key), never "q quit". After a teardown, only what
 * reads: the checklist shows what is left and sets nothing up again.
 */
static const char *
run_hints(struct tui *t, bool over)
{
	bool sim = tui_on_sandbox(t);

	if (t->torn_down)
		return sim ? " Up/Down select  Enter open  l log  d teardown  "
		    "f sim  ? help  q quit" : " Up/Down select  Enter open  "
		    "l log  d teardown  ? help  q quit";
	if (!over)
		return sim ? " Up/Down select  Enter open  r retry  m by hand  "
		    "s skip  l log  f sim  ? help  q quit" : " Up/Down select  "
		    "Enter open  r retry  m by hand  s skip  l log  ? help  "
		    "q quit";
	if (engine_whole(t->engine))
		return sim ? " Up/Down select  Enter open  l log  c drift  "
		    "d teardown  ? help  f sim  a another  q quit" :
		    " Up/Down select  Enter open  l log  c drift  d teardown  "
		    "? help  a another  q quit";
	return sim ? " Up/Down select  Enter open  r retry  l log  d teardown  "
	    "? help  f sim  c drift  a another  q quit" : " Up/Down select  "
	    "Enter open  r retry  l log  d teardown  ? help  c drift  "
	    "a another  q quit";
}

static void
run_draw(struct tui *t)
{
	int list_top = 2, log_rule = LINES - LOG_ROWS - 2, cursor;
	size_t counts[JOB_OUTCOME_COUNT];
	char right[64];
	bool over = engine_finished(t->engine);
	long secs = (long)((over && t->ended ? t->ended : time(NULL)) -
	    t->started);

	engine_tally(t->engine, counts);
	/* After a teardown the probes judge what is left: never "finished",
	 * which would read as a setup made whole, and no run's clock. */
	if (t->torn_down)
		snprintf(right, sizeof right, "%zu/%zu done  %s",
		    counts[JOB_DONE] + counts[JOB_OPERATOR],
		    engine_count(t->engine) - counts[JOB_NOT_APPLICABLE],
		    over ? "torn down" : "checking");
	else
		snprintf(right, sizeof right, "%zu/%zu done  %s %ld:%02ld",
		    counts[JOB_DONE] + counts[JOB_OPERATOR],
		    engine_count(t->engine) - counts[JOB_NOT_APPLICABLE],
		    over ? "finished" : "running", secs / 60, secs % 60);
	draw_title(t, right);
	draw_rule(t, 1, 0, COLS);
	for (int y = list_top; y < log_rule; y++)
		mvaddch(y, list_width(), t->ascii ? '|' : ACS_VLINE);
	cursor = draw_list(t, list_top, log_rule - list_top);
	draw_detail(t, list_top, log_rule - 1);
	draw_rule(t, log_rule, 0, COLS);
	mvaddstr(log_rule, 2, " Log ");
	draw_log(t, log_rule + 1);
	draw_hints(t, run_hints(t, over));
	/* The cursor sits on the selected step, for screen readers. */
	move(cursor, 0);
}

/*
 * The operator moved the selection to job i: the pane stays where they
 * put it instead of following the steps that start (a retry, which sets
 * the run going again, follows again).
 */
static void
select_job(struct tui *t, size_t i)
{
	t->selected = i;
	t->follow = false;
}

/* Why a key left job j as it was: the engine takes a mark or a retry
 * only where it means something. */
static void
note_unchanged(struct tui *t, const struct engine_job *j, int key)
{
	const char *why;

	switch (j->outcome) {
	case JOB_RUNNING: why = "it is running; wait for its outcome"; break;
	case JOB_DONE: why = "it is done already"; break;
	case JOB_NOT_APPLICABLE: why = "it does not apply to this setup";
		break;
	case JOB_OPERATOR: case JOB_SKIPPED:
		why = "it is marked already (r undoes the mark)"; break;
	default: why = "it has not failed; it runs when what it needs is "
	    "done"; break;
	}
	tui_note(t, "%c does nothing here: %s.", key, why);
}

static void
mark(struct tui *t, enum step_status status, int key)
{
	const struct engine_job *j = engine_job(t->engine, t->selected);
	enum job_outcome was;

	if (j == NULL)
		return;
	was = j->outcome;
	/* The selection stays on the step marked, to show the mark, while
	 * the steps that waited for it start (a retry follows them). */
	t->follow = false;
	engine_mark(t->engine, t->selected, status);
	if (j->outcome == was)
		note_unchanged(t, j, key);
}

static void
retry(struct tui *t)
{
	const struct engine_job *j = engine_job(t->engine, t->selected);
	enum job_outcome was;

	if (j == NULL)
		return;
	was = j->outcome;
	engine_retry(t->engine, t->selected);
	if (j->outcome == was)
		note_unchanged(t, j, 'r');
}

static bool
sets_up(int action)
{
	return action == ACTION_RETRY || action == ACTION_MANUAL ||
	    action == ACTION_SKIP || action == ACTION_PASTE;
}

/* While the teardown removes the setup, nothing may set it up again
 * under it: the engine would also go unstepped until it is over. After
 * it, the checklist is a plan's, which retries, marks and repairs
 * nothing, and has no finished run to check or add a project to. */
static bool
held_by_teardown(struct tui *t, int action)
{
	if (tui_destroy_busy(t) && sets_up(action)) {
		tui_note(t, "Not while the teardown removes the setup (d shows "
		    "it); wait for its end.");
		return true;
	}
	if (t->torn_down && (sets_up(action) || action == ACTION_DRIFT ||
	    action == ACTION_ANOTHER)) {
		tui_note(t, "Not after the teardown: this checklist only "
		    "shows what is left.");
		return true;
	}
	return false;
}

static bool
run_act(struct tui *t, int action)
{
	size_t n = engine_count(t->engine);

	if (held_by_teardown(t, action))
		return true;
	switch (action) {
	case ACTION_UP:
		select_job(t, t->selected > 0 ? t->selected - 1 : 0);
		return true;
	case ACTION_DOWN:
		select_job(t, t->selected + 1 < n ? t->selected + 1 :
		    t->selected);
		return true;
	case ACTION_FIRST:
		select_job(t, 0);
		return true;
	case ACTION_LAST:
		select_job(t, n ? n - 1 : 0);
		return true;
	case ACTION_OPEN:
		tui_step_open(t);
		return true;
	case ACTION_RETRY:
		t->follow = true;
		retry(t);
		return true;
	case ACTION_MANUAL:
		mark(t, STEP_MANUAL, 'm');
		return true;
	case ACTION_SKIP:
		mark(t, STEP_SKIPPED, 's');
		return true;
	case ACTION_PASTE:
		tui_paste_open(t);
		return true;
	case ACTION_SAVE_ANSWERS:
		tui_save_open(t);
		return true;
	case ACTION_SANDBOX:
		tui_sandbox_open(t);
		return true;
	case ACTION_EXPORT:
		tui_export_open(t);
		return true;
	case ACTION_DESTROY:
		tui_destroy_open(t);
		return true;
	case ACTION_ANOTHER:
		tui_another_open(t);
		return true;
	case ACTION_DRIFT:
		tui_drift_open(t);
		return true;
	case ACTION_LOG:
		tui_log_open(t);
		return true;
	default:
		return false;
	}
}

static const struct screen_key run_keys[] = {
	{ ACTION_UP, "select the step above" },
	{ ACTION_DOWN, "select the step below" },
	{ ACTION_FIRST, "select the first step" },
	{ ACTION_LAST, "select the last step" },
	{ ACTION_OPEN, "open the selected step: all of its detail" },
	{ ACTION_RETRY, "retry the selected step, or undo its mark" },
	{ ACTION_MANUAL, "mark the selected step done by hand" },
	{ ACTION_SKIP, "skip the selected step" },
	{ ACTION_LOG, "show the whole log of this run" },
	{ ACTION_PASTE, "on a service principal step, paste the JSON of a "
	    "principal made by hand" },
	{ ACTION_SAVE_ANSWERS, "write the answers to a file (no secret in it), "
	    "to repeat the setup with plan and apply" },
	{ ACTION_DRIFT, "once the run is over: compare what the setup made "
	    "with what exists now (drift, as doctor --state), and repair it" },
	{ ACTION_DESTROY, "once the run is over: review the teardown of the "
	    "setup (what destroy deletes), and delete it" },
	{ ACTION_ANOTHER, "once the run is over: another ML project beside "
	    "this one, sharing its accelerator and sign-in" },
	{ ACTION_HELP, "this help" },
	{ ACTION_QUIT, "quit, the state saved" },
	{ ACTION_NONE, NULL },
};

const struct screen screen_run = {
	.name = "run",
	.help = "The guide as a checklist, each step's status as a symbol and "
	    "a word, beside the selected step's detail and above the log. The "
	    "selection follows the step that starts running until you move it "
	    "or mark a step (a retry follows again). Fix "
	    "a failure's cause and retry it, or do it by hand and mark it so.",
	.draw = run_draw,
	.act = run_act,
	.keys = run_keys,
};
