/*
 * The whole log of this run, from its start: what the run screen shows
 * the tail of. Each line carries the time it was logged, and is wrapped
 * (never cut) so that an address in it can be read and copied whole.
 * It pages as less and tig do, and "/" searches it ("n" and "N" for the
 * next and the previous match).
 */
#include "config.h"

#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "tui.h"
#include "wrap.h"
#include "xalloc.h"

/* "HH:MM:SS ": the time's column, then the text. */
#define STAMP_WIDTH 9
#define PATTERN_MAX 128

/* What only the log screen uses: kept with it, not in struct tui. */
struct log_view {
	size_t top;                    /* the first screen row shown */
	bool at_end;                   /* keep to the end as lines come */
	bool prompting;                /* "/" typed: the pattern is typed */
	char typed[PATTERN_MAX];
	char pattern[PATTERN_MAX];     /* the last one searched for */
	size_t match;                  /* the log line of the last match */
	const char *status;            /* a note in place of the hints */
};

/* A screen row: a span of a log line, the first with its time. */
struct log_row {
	size_t line;
	bool first;
	size_t indent;
	const char *start;
	size_t len;
};

static struct log_view *
view_of(struct tui *t)
{
	if (t->log_view == NULL) {
		t->log_view = xcalloc(1, sizeof *t->log_view);
		t->log_view->match = SIZE_MAX;     /* none yet */
	}
	return t->log_view;
}

static size_t
text_rows(void)
{
	return (size_t)(LINES - 4);
}

/* The log as screen rows at the terminal's width; *n gets how many. */
static struct log_row *
layout(struct tui *t, size_t *n)
{
	struct log_row *rows = NULL;
	size_t width = (size_t)(COLS - 1 - STAMP_WIDTH);

	*n = 0;
	for (size_t i = 0; i < t->nlog; i++) {
		struct wrap_line *w = NULL;
		size_t count = wrap_text(t->log[i].text, width, &w);

		rows = xreallocarray(rows, *n + (count ? count : 1),
		    sizeof *rows);
		if (count == 0)
			rows[(*n)++] = (struct log_row){ i, true, 0, "", 0 };
		for (size_t k = 0; k < count; k++)
			rows[(*n)++] = (struct log_row){ i, k == 0,
			    w[k].indent, w[k].start, w[k].len };
		free(w);
	}
	return rows;
}

static size_t
last_top(size_t nrows)
{
	return nrows > text_rows() ? nrows - text_rows() : 0;
}

/* The matches of the pattern in one row, shown reversed. */
static void
mark_matches(const struct log_view *v, int y, int x, const struct log_row *r)
{
	size_t plen = strlen(v->pattern);

	if (plen == 0)
		return;
	for (size_t off = 0; off + plen <= r->len; off++)
		if (strncasecmp(r->start + off, v->pattern, plen) == 0)
			mvchgat(y, x + (int)wrap_columns(r->start, off),
			    (int)wrap_columns(r->start + off, plen),
			    A_REVERSE, 0, NULL);
}

static void
draw_row(struct tui *t, const struct log_view *v, int y,
    const struct log_row *r)
{
	char stamp[16] = "";
	struct tm tm;

	if (r->first && localtime_r(&t->log[r->line].at, &tm) != NULL)
		strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
	mvaddstr(y, 0, stamp);
	mvaddnstr(y, STAMP_WIDTH + (int)r->indent, r->start, (int)r->len);
	draw_note_links(t, y, STAMP_WIDTH + (int)r->indent, r->start, r->len,
	    t->log[r->line].text);
	mark_matches(v, y, STAMP_WIDTH + (int)r->indent, r);
}

static void
draw_footer(struct tui *t, const struct log_view *v)
{
	char line[PATTERN_MAX + 64];

	if (v->prompting) {
		snprintf(line, sizeof line, "/%s", v->typed);
		move(LINES - 1, 0);
		clrtoeol();
		mvaddnstr(LINES - 1, 0, line, COLS - 1);
		return;
	}
	if (v->status != NULL) {
		snprintf(line, sizeof line, " %s%s%s", v->status,
		    v->pattern[0] ? ": " : "", v->pattern);
		draw_hints(t, line);
		return;
	}
	draw_hints(t, " Up/Down/PgUp/PgDn scroll  Home/End  / search  "
	    "n/N next/prev  Esc back  ? help");
}

static void
log_draw(struct tui *t)
{
	struct log_view *v = view_of(t);
	size_t n, shown;
	struct log_row *rows = layout(t, &n);
	char where[64];

	if (v->at_end || v->top > last_top(n))
		v->top = last_top(n);
	shown = n - v->top < text_rows() ? n - v->top : text_rows();
	snprintf(where, sizeof where, "log, lines %zu-%zu of %zu",
	    shown ? rows[v->top].line + 1 : 0, shown ?
	    rows[v->top + shown - 1].line + 1 : 0, t->nlog);
	draw_title(t, where);
	draw_rule(t, 1, 0, COLS);
	for (size_t r = 0; r < shown; r++)
		draw_row(t, v, 2 + (int)r, &rows[v->top + r]);
	free(rows);
	draw_rule(t, LINES - 2, 0, COLS);
	draw_footer(t, v);
	move(v->prompting ? LINES - 1 : 2, v->prompting ?
	    1 + (int)wrap_columns(v->typed, strlen(v->typed)) : 0);
}

/* The first row of log line i. */
static size_t
row_of_line(struct tui *t, size_t line)
{
	size_t n, at = 0;
	struct log_row *rows = layout(t, &n);

	while (at < n && rows[at].line < line)
		at++;
	free(rows);
	return at;
}

/* The line of the top row; 0 for an empty log. */
static size_t
top_line(struct tui *t, const struct log_view *v)
{
	size_t n, line;
	struct log_row *rows = layout(t, &n);

	line = v->top < n ? rows[v->top].line : 0;
	free(rows);
	return line;
}

/*
 * The next line holding the pattern after `from` (before it, backward),
 * wrapping round the log as less does; the line is brought to the top.
 */
static void
search(struct tui *t, struct log_view *v, size_t from, bool backward)
{
	v->status = NULL;
	if (v->pattern[0] == '\0') {
		v->status = "nothing searched for yet; / searches";
		return;
	}
	if (t->nlog == 0)
		return;
	from %= t->nlog;
	for (size_t k = 1; k <= t->nlog; k++) {
		size_t i = backward ? (from + t->nlog - k) % t->nlog :
		    (from + k) % t->nlog;

		if (strcasestr(t->log[i].text, v->pattern) != NULL) {
			v->match = i;
			v->top = row_of_line(t, i);
			v->at_end = false;
			if (backward ? k > from : from + k >= t->nlog)
				v->status = "search wrapped round the log";
			return;
		}
	}
	v->status = "not found";
}

/* Typing a pattern after "/": Enter searches, Esc gives it up. */
static bool
log_key(struct tui *t, int ch)
{
	struct log_view *v = view_of(t);
	size_t len = strlen(v->typed);

	if (!v->prompting)
		return false;
	if (ch == '\n' || ch == KEY_ENTER) {
		v->prompting = false;
		if (len > 0)
			memcpy(v->pattern, v->typed, len + 1);
		/* From the line above the top, so a match on it is found. */
		search(t, v, top_line(t, v) + t->nlog - 1, false);
	} else if (ch == 27)
		v->prompting = false;
	else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len > 0)
		v->typed[len - 1] = '\0';
	else if (ch >= ' ' && ch < 256 && ch != 127 && len + 1 < PATTERN_MAX) {
		v->typed[len] = (char)ch;
		v->typed[len + 1] = '\0';
	}
	return true;
}

static void
scroll_by(struct tui *t, struct log_view *v, long delta)
{
	size_t n;
	struct log_row *rows = layout(t, &n);
	size_t last = last_top(n);

	free(rows);
	v->status = NULL;
	if (delta < 0)
		v->top = (size_t)-delta > v->top ? 0 : v->top - (size_t)-delta;
	else
		v->top = v->top + (size_t)delta > last ? last :
		    v->top + (size_t)delta;
	v->at_end = v->top == last;
}

static bool
log_act(struct tui *t, int action)
{
	struct log_view *v = view_of(t);
	long page = (long)text_rows() - 1;

	switch (action) {
	case ACTION_UP: scroll_by(t, v, -1); return true;
	case ACTION_DOWN: scroll_by(t, v, 1); return true;
	case ACTION_PAGE_UP: scroll_by(t, v, -page); return true;
	case ACTION_PAGE_DOWN: scroll_by(t, v, page); return true;
	case ACTION_FIRST:
		v->top = 0;
		v->at_end = false;
		v->status = NULL;
		return true;
	case ACTION_LAST:
		v->at_end = true;
		v->status = NULL;
		return true;
	case ACTION_SEARCH:
		v->prompting = true;
		v->typed[0] = '\0';
		return true;
	case ACTION_SEARCH_NEXT:
	case ACTION_SEARCH_PREV:
		/* On from the last match, even where the end of the log
		 * keeps it below the top. */
		search(t, v, v->match < t->nlog ? v->match : top_line(t, v),
		    action == ACTION_SEARCH_PREV);
		return true;
	case ACTION_BACK:
		t->screen = &screen_run;
		return true;
	default:
		return false;
	}
}

void
tui_log_open(struct tui *t)
{
	struct log_view *v = view_of(t);

	/* At its end, where the news is. */
	v->at_end = true;
	v->prompting = false;
	v->status = NULL;
	t->screen = &screen_log;
}

void
tui_log_view_free(struct tui *t)
{
	free(t->log_view);
	t->log_view = NULL;
}

static const struct screen_key log_keys[] = {
	{ ACTION_UP, "scroll up a line" },
	{ ACTION_DOWN, "scroll down a line" },
	{ ACTION_PAGE_UP, "scroll up a page" },
	{ ACTION_PAGE_DOWN, "scroll down a page" },
	{ ACTION_FIRST, "go to the log's start" },
	{ ACTION_LAST, "go to its end, and keep to it as lines come" },
	{ ACTION_SEARCH, "search: type the text, Enter (case is ignored)" },
	{ ACTION_SEARCH_NEXT, "the next line that holds it" },
	{ ACTION_SEARCH_PREV, "the line before that holds it" },
	{ ACTION_BACK, "back to the checklist" },
	{ ACTION_HELP, "this help" },
	{ ACTION_QUIT, "quit, the state saved" },
	{ ACTION_NONE, NULL },
};

const struct screen screen_log = {
	.name = "log",
	.help = "The whole log of this run, from its start, each line with "
	    "the time it was logged: each step's progress and outcome, notes "
	    "such as the pipeline runs' addresses and long waits, and the "
	    "finish. Long lines wrap, so an address is whole. The run goes on "
	    "meanwhile; Esc goes back to it.",
	.draw = log_draw,
	.act = log_act,
	.key = log_key,
	.keys = log_keys,
};
