/*
 * The start: the setups saved in the state directory, each
 * with its organization, project and repository, how far it got and
 * when, and a last line to start a new one. Enter resumes the selected
 * setup (asking for the token when AZURE_DEVOPS_EXT_PAT is not set) or
 * goes to the questions.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "questions.h"
#include "setups.h"
#include "timefmt.h"
#include "tui.h"
#include "wrap.h"
#include "xalloc.h"

#define LIST_TOP 4
#define ENTRY_ROWS 3         /* the organization, then two of text */
#define ENTRY_INDENT 4

/* A row of the entry, in the width of the list, reversed when the entry
 * is selected: the whole entry shows the selection, not only its first
 * line (organizations are often one for all). */
static void
draw_entry_row(int y, int x, bool selected, const char *text)
{
	int width = COLS - 1 - x;

	if (selected)
		attron(A_REVERSE);
	mvprintw(y, x, "%-*.*s", width, width, text);
	if (selected)
		attroff(A_REVERSE);
}

/* An entry's text below its organization: wrapped, never cut. */
static void
draw_entry_text(int y, bool selected, const char *text)
{
	struct wrap_line *w = NULL;
	size_t n = wrap_text(text, (size_t)(COLS - 1 - ENTRY_INDENT), &w);

	for (size_t i = 0; i < ENTRY_ROWS - 1; i++) {
		char *row = xasprintf("  %.*s", i < n ? (int)w[i].len : 0,
		    i < n ? w[i].start : "");

		draw_entry_row(y + (int)i, 2, selected, row);
		free(row);
	}
	free(w);
}

static void
draw_setup(const struct setup_summary *s, int y, bool selected)
{
	char when[TIMEFMT_LEN];
	char *text;

	draw_entry_row(y, 2, selected, s->error != NULL ? s->path :
	    s->organization ? s->organization : "(no organization)");
	if (s->error != NULL)
		text = xstrdup(s->error);
	else
		text = xasprintf("%s / %s: %zu steps done, last saved %s",
		    s->project ? s->project : "mlops-v2", s->repository ?
		    s->repository : "?", s->steps_done, timefmt_iso8601(
		    s->updated, when));
	draw_entry_text(y + 1, selected, text);
	free(text);
}

static void
start_draw(struct tui *t)
{
	int y = LIST_TOP, cursor = LIST_TOP;
	/* As many whole entries as fit above the last line, the selected
	 * one among them. */
	size_t fit = (size_t)(LINES - 5 - LIST_TOP) / (ENTRY_ROWS + 1);
	size_t first = t->choice >= fit ? t->choice - fit + 1 : 0;

	draw_title(t, "start");
	draw_rule(t, 1, 0, COLS);
	mvaddstr(2, 2, "Resume a saved setup, or start a new one:");
	for (size_t i = first; i < t->nsetups && i < first + fit; i++,
	    y += ENTRY_ROWS + 1) {
		if (i == t->choice)
			cursor = y;
		draw_setup(&t->setups->items[i], y, i == t->choice);
	}
	if (t->choice == t->nsetups)
		cursor = y;
	draw_entry_row(y, 2, t->choice == t->nsetups, "Start a new setup");
	draw_hints(t, " Up/Down select  Enter resume or start  F1 help  "
	    "q quit");
	move(cursor, 2);
}

/* Resume setup i: straight on with the token from the environment,
 * else after asking for it alone. */
static void
resume(struct tui *t, size_t i)
{
	if (t->setups->items[i].error != NULL)
		return;
	t->resume_path = t->setups->items[i].path;
	if (t->questions->pat_from_environment) {
		t->confirmed = true;
		return;
	}
	questions_only(t->questions, "pat");
	t->screen = &screen_questions;
}

static bool
start_act(struct tui *t, int action)
{
	switch (action) {
	case ACTION_UP:
		t->choice -= t->choice > 0;
		return true;
	case ACTION_DOWN:
		t->choice += t->choice < t->nsetups;
		return true;
	case ACTION_OPEN:
		if (t->choice < t->nsetups)
			resume(t, t->choice);
		else
			t->screen = &screen_questions;
		return true;
	default:
		return false;
	}
}

static const struct screen_key start_keys[] = {
	{ ACTION_UP, "the setup above" },
	{ ACTION_DOWN, "the setup below" },
	{ ACTION_OPEN, "resume the selected setup, or start a new one" },
	{ ACTION_HELP, "this help" },
	{ ACTION_QUIT, "quit" },
	{ ACTION_NONE, NULL },
};

const struct screen screen_start = {
	.name = "start",
	.help = "The setups saved in the state directory: where each is, how "
	    "many of its steps are done, and when it was last saved (one that "
	    "cannot be read says why, and is kept). Enter resumes one - every "
	    "step is looked at again, so what changed meanwhile is noticed - "
	    "or starts a new setup.",
	.draw = start_draw,
	.act = start_act,
	.keys = start_keys,
};
