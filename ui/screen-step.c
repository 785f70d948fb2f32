/*
 * The step screen (Enter on a step): all there is to know about it, to
 * scroll through - its status, what was found, a failure's error, why and
 * fix, the guide's manual steps with the setup's answers filled in, and
 * what the step does and who may do it. The run screen's actions work
 * here too.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "tui.h"
#include "wrap.h"
#include "xalloc.h"

/* "Status  ": the labels' column, then the text. */
#define LABEL_WIDTH 8

/* The first line shown: this screen's alone, so kept here, not in struct
 * tui (one wizard per process). */
static size_t step_top;

void
tui_step_open(struct tui *t)
{
	step_top = 0;
	t->screen = &screen_step;
}

struct lines {
	char **text;
	size_t count;
};

static void
add_line(struct lines *l, const char *s, size_t len)
{
	l->text = xreallocarray(l->text, l->count, sizeof *l->text);
	l->text[l->count++] = xstrndup(s, len);
}

/* text wrapped after a label, as lines of at most width columns. */
static void
add_block(struct lines *l, const char *label, const char *text, int width)
{
	struct wrap_line *wrapped = NULL;
	size_t n;

	if (text == NULL || *text == '\0')
		return;
	n = wrap_text(text, (size_t)(width - LABEL_WIDTH), &wrapped);
	for (size_t i = 0; i < n; i++) {
		char *line = xasprintf("%-*s%*s%.*s", LABEL_WIDTH,
		    i == 0 ? label : "", (int)wrapped[i].indent, "",
		    (int)wrapped[i].len, wrapped[i].start);

		add_line(l, line, strlen(line));
		free(line);
	}
	free(wrapped);
	add_line(l, "", 0);
}

static void
add_known_error(struct tui *t, const struct engine_job *j, struct lines *l,
    int width)
{
	const struct known_error *k = errors_explain(t->setup->errors,
	    j->error_id, j->error);
	char *text;

	if (k == NULL)
		return;
	text = engine_fill(j, k->explanation);
	add_block(l, "Why", text, width);
	free(text);
	text = engine_fill(j, k->fix);
	add_block(l, "Fix", text, width);
	free(text);
}

static struct lines
layout(struct tui *t, const struct engine_job *j, int width)
{
	struct lines l = { 0 };
	char *text;

	text = xasprintf("%s %s", job_outcome_symbol(j->outcome),
	    job_outcome_word(j->outcome));
	add_block(&l, "Status", text, width);
	free(text);
	/* Live, as the run screen's pane shows it: an import's step, a
	 * pipeline run's stages and jobs with their times. */
	if (j->outcome == JOB_RUNNING)
		add_block(&l, "Now", j->progress, width);
	add_block(&l, "Found", j->detail, width);
	if (j->outcome != JOB_DONE) {
		add_block(&l, "Error", j->error, width);
		add_known_error(t, j, &l, width);
	}
	text = engine_fill(j, j->step->manual ? j->step->manual : "");
	add_block(&l, "Hand", text, width);
	free(text);
	text = engine_fill(j, j->step->what ? j->step->what : "");
	add_block(&l, "What", text, width);
	free(text);
	return l;
}

static void
step_draw(struct tui *t)
{
	const struct engine_job *j = engine_job(t->engine, t->selected);
	struct lines l;
	int rows = LINES - 4;

	if (j == NULL)
		return;
	draw_title(t, job_outcome_word(j->outcome));
	attron(A_BOLD);
	mvaddnstr(1, 0, j->step->title, COLS - 1);
	if (j->environment != NULL)
		printw(" (%s)", j->environment);
	attroff(A_BOLD);
	draw_rule(t, 2, 0, COLS);
	/* Short of the last column, which the lines below would lose. */
	l = layout(t, j, COLS - 1);
	if (step_top + (size_t)rows > l.count)
		step_top = l.count > (size_t)rows ? l.count - (size_t)rows : 0;
	for (int row = 0; row < rows && step_top + (size_t)row < l.count; row++)
		mvaddnstr(3 + row, 0, l.text[step_top + (size_t)row], COLS - 1);
	for (size_t i = 0; i < l.count; i++)
		free(l.text[i]);
	free(l.text);
	draw_hints(t, " Up/Down scroll  r retry  m by hand  s skip  Esc back"
	    "  ? help");
	move(3, 0);
}

static bool
step_act(struct tui *t, int action)
{
	switch (action) {
	case ACTION_UP:
		if (step_top > 0)
			step_top--;
		return true;
	case ACTION_DOWN:
		step_top++;
		return true;
	case ACTION_PAGE_UP:
		step_top = step_top > (size_t)(LINES - 5) ?
		    step_top - (size_t)(LINES - 5) : 0;
		return true;
	case ACTION_PAGE_DOWN:
		step_top += (size_t)(LINES - 5);
		return true;
	case ACTION_BACK:
		t->screen = &screen_run;
		return true;
	default:
		return screen_run.act(t, action);
	}
}

static const struct screen_key step_keys[] = {
	{ ACTION_UP, "scroll up" },
	{ ACTION_DOWN, "scroll down" },
	{ ACTION_PAGE_UP, "scroll up a page" },
	{ ACTION_PAGE_DOWN, "scroll down a page" },
	{ ACTION_RETRY, "retry the step, or undo its mark" },
	{ ACTION_MANUAL, "mark it done by hand" },
	{ ACTION_SKIP, "skip it" },
	{ ACTION_BACK, "back to the checklist" },
	{ ACTION_HELP, "this help" },
	{ ACTION_QUIT, "quit, the state saved" },
	{ ACTION_NONE, NULL },
};

const struct screen screen_step = {
	.name = "step",
	.help = "Everything about the selected step: its status, what was "
	    "found, a failure's error with its explanation and fix, the "
	    "guide's manual steps with your answers filled in, and what the "
	    "step does. Retry it, or do it by hand and mark it so.",
	.draw = step_draw,
	.act = step_act,
	.keys = step_keys,
};
