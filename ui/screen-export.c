/*
 * The setup as commands: what `mlops-tui export` prints - for each step,
 * the az command where one exists and the REST calls - to read or copy
 * while the run goes on. Made when opened, from the state as it is then;
 * it holds no secret (the script reads them from the environment).
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-export.h"
#include "keys.h"
#include "tui.h"
#include "xalloc.h"

/* The screen's own: the script's lines, made anew at each opening, and
 * the first one shown. */
struct export_view {
	char **lines;
	size_t nlines, top;
};

static struct export_view *
view_of(struct tui *t)
{
	if (t->export_view == NULL)
		t->export_view = xcalloc(1, sizeof *t->export_view);
	return t->export_view;
}

static size_t
rows(void)
{
	return (size_t)(LINES - 4);
}

static void
forget(struct export_view *v)
{
	for (size_t i = 0; i < v->nlines; i++)
		free(v->lines[i]);
	free(v->lines);
	v->lines = NULL;
	v->nlines = 0;
}

/* Each line of text as one of the screen's (tabs as spaces: curses
 * would draw them to its own stops). */
static void
keep_lines(struct export_view *v, const char *text)
{
	char *copy = xstrdup(text), *line, *rest = copy;

	while ((line = strsep(&rest, "\n")) != NULL) {
		if (rest == NULL && *line == '\0')
			break;
		for (char *p = line; *p; p++)
			if (*p == '\t')
				*p = ' ';
		v->lines = xreallocarray(v->lines, v->nlines + 1,
		    sizeof *v->lines);
		v->lines[v->nlines++] = xstrdup(line);
	}
	free(copy);
}

void
tui_export_open(struct tui *t)
{
	struct export_view *v = view_of(t);
	char *cause = NULL, *text = export_script(t->setup->cat,
	    t->setup->session->state, &cause);

	forget(v);
	keep_lines(v, text ? text : cause);
	free(text);
	free(cause);
	v->top = 0;
	t->screen = &screen_export;
}

void
tui_export_free(struct tui *t)
{
	if (t->export_view == NULL)
		return;
	forget(t->export_view);
	free(t->export_view);
	t->export_view = NULL;
}

static void
export_draw(struct tui *t)
{
	const struct export_view *v = view_of(t);
	char where[48];

	snprintf(where, sizeof where, "commands, lines %zu-%zu of %zu",
	    v->nlines ? v->top + 1 : 0, v->top + rows() < v->nlines ?
	    v->top + rows() : v->nlines, v->nlines);
	draw_title(t, where);
	draw_rule(t, 1, 0, COLS);
	for (size_t r = 0; r < rows() && v->top + r < v->nlines; r++)
		draw_cut(t, 2 + (int)r, 0, COLS - 1, v->lines[v->top + r]);
	draw_rule(t, LINES - 2, 0, COLS);
	draw_hints(t, " Up/Down scroll  Home/End first/last  Esc back  "
	    "(mlops-tui export writes it whole)");
	move(2, 0);
}

static bool
export_act(struct tui *t, int action)
{
	struct export_view *v = view_of(t);
	size_t last = v->nlines > rows() ? v->nlines - rows() : 0;

	switch (action) {
	case ACTION_UP:
		v->top -= v->top > 0;
		return true;
	case ACTION_DOWN:
		v->top += v->top < last;
		return true;
	case ACTION_PAGE_UP:
		v->top -= v->top > rows() ? rows() : v->top;
		return true;
	case ACTION_PAGE_DOWN:
		v->top = v->top + rows() < last ? v->top + rows() : last;
		return true;
	case ACTION_FIRST:
		v->top = 0;
		return true;
	case ACTION_LAST:
		v->top = last;
		return true;
	case ACTION_BACK:
	case ACTION_EXPORT:
		t->screen = &screen_run;
		return true;
	default:
		return false;
	}
}

static const struct screen_key export_keys[] = {
	{ ACTION_UP, "scroll up a line" },
	{ ACTION_DOWN, "scroll down a line" },
	{ ACTION_PAGE_UP, "scroll up a page" },
	{ ACTION_PAGE_DOWN, "scroll down a page" },
	{ ACTION_FIRST, "go to the script's start" },
	{ ACTION_LAST, "go to its end" },
	{ ACTION_BACK, "back to the checklist (e too)" },
	{ ACTION_HELP, "this help" },
	{ ACTION_QUIT, "quit, the state saved" },
	{ ACTION_NONE, NULL },
};

const struct screen screen_export = {
	"export",
	"The setup as commands, as mlops-tui export writes them: for each "
	"step, the az command where one exists and the REST calls mlops-tui "
	"makes, with the answers filled in. Secrets are not in it: the "
	"script reads them from the environment.",
	export_draw, export_act, NULL, export_keys,
};
