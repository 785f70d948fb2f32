/*
 * The whole log of this run, from its start: what the run screen shows
 * the tail of. Lines longer than the terminal are cut, not wrapped, so a
 * line on screen is a line of the log.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>

#include "keys.h"
#include "tui.h"

static size_t
rows(void)
{
	return (size_t)(LINES - 4);
}

static void
log_draw(struct tui *t)
{
	char where[48];

	snprintf(where, sizeof where, "log, lines %zu-%zu of %zu",
	    t->nlog ? t->log_top + 1 : 0, t->log_top + rows() < t->nlog ?
	    t->log_top + rows() : t->nlog, t->nlog);
	draw_title(t, where);
	draw_rule(t, 1, 0, COLS);
	for (size_t r = 0; r < rows() && t->log_top + r < t->nlog; r++)
		mvaddnstr(2 + (int)r, 0, t->log[t->log_top + r], COLS - 1);
	draw_rule(t, LINES - 2, 0, COLS);
	draw_hints(t, " Up/Down scroll  Home/End first/last  Esc back  "
	    "? help  q quit");
	move(2, 0);
}

static bool
log_act(struct tui *t, int action)
{
	size_t last = t->nlog > rows() ? t->nlog - rows() : 0;

	switch (action) {
	case ACTION_UP:
		t->log_top -= t->log_top > 0;
		return true;
	case ACTION_DOWN:
		t->log_top += t->log_top < last;
		return true;
	case ACTION_FIRST:
		t->log_top = 0;
		return true;
	case ACTION_LAST:
		t->log_top = last;
		return true;
	case ACTION_BACK:
		t->screen = &screen_run;
		return true;
	default:
		return false;
	}
}

const struct screen screen_log = {
	"log",
	"The whole log of this run, from its start: each step's progress and "
	"outcome, notes such as the pipeline runs' addresses and long waits, "
	"and the finish. The run goes on meanwhile; Esc goes back to it.",
	log_draw, log_act, NULL,
};
