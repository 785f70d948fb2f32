/* The pieces every screen draws: title bar, rules, wrapped text, hints. */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"
#include "wrap.h"
#include "xalloc.h"

void
draw_title(struct tui *t, const char *right)
{
	const char *badge = " SANDBOX ";
	int x = 0;

	move(0, 0);
	clrtoeol();
	attron(A_BOLD);
	mvaddstr(0, 0, "mlops-tui");
	attroff(A_BOLD);
	x = 10;
	addstr(" MLOps V2 on Azure DevOps");
	if (t->sandbox) {
		x = 36;
		/* Reversed as well as coloured: it shows without colour too. */
		attron(A_REVERSE | (t->color ? COLOR_PAIR(TUI_BADGE) : 0));
		mvaddstr(0, x, badge);
		attroff(A_REVERSE | (t->color ? COLOR_PAIR(TUI_BADGE) : 0));
	}
	if (right != NULL && (int)strlen(right) < COLS - 46)
		mvaddstr(0, COLS - (int)strlen(right) - 1, right);
}

void
draw_rule(struct tui *t, int y, int x, int width)
{
	if (t->ascii)
		mvhline(y, x, '-', width);
	else
		mvhline(y, x, ACS_HLINE, width);
}

/* The last "  " of s (two spaces: between two hints), or NULL. */
static char *
strrstr2(char *s)
{
	char *found = NULL;

	for (char *p = strstr(s, "  "); p != NULL; p = strstr(p + 1, "  "))
		found = p;
	return found;
}

void
tui_note(struct tui *t, const char *fmt, ...)
{
	va_list ap;

	free(t->note);
	va_start(ap, fmt);
	if (vasprintf(&t->note, fmt, ap) == -1)
		t->note = NULL;
	va_end(ap);
}

/*
 * The hints are items two spaces apart (" Up/Down select  Enter open");
 * those that do not fit are left out whole, from the last but one back,
 * so that no hint is cut mid-word and "quit" stays.
 */
static void
hints_fit(char *hints, size_t cols)
{
	char *last, *before;

	while (wrap_columns(hints, strlen(hints)) > cols &&
	    (last = strrstr2(hints)) != NULL) {
		*last = '\0';
		before = strrstr2(hints);
		*last = ' ';
		if (before == NULL) {
			*last = '\0';         /* one item left: it alone */
			break;
		}
		memmove(before, last, strlen(last) + 1);
	}
}

void
draw_hints(struct tui *t, const char *hints)
{
	char *line = t->note != NULL ? xasprintf(" %s", t->note) :
	    xstrdup(hints);

	if (t->note == NULL)
		hints_fit(line, (size_t)(COLS - 1));
	move(LINES - 1, 0);
	clrtoeol();
	attron(A_REVERSE);
	mvaddnstr(LINES - 1, 0, line, COLS - 1);
	for (int x = (int)wrap_columns(line, strlen(line)); x < COLS - 1; x++)
		addch(' ');
	attroff(A_REVERSE);
	free(line);
}

int
draw_wrapped(int y, int x, int width, int rows, const char *text)
{
	return draw_wrapped_in(stdscr, y, x, width, rows, text);
}

int
draw_wrapped_in(WINDOW *w, int y, int x, int width, int rows,
    const char *text)
{
	struct wrap_line *lines = NULL;
	size_t n = text != NULL && width > 0 ? wrap_text(text, (size_t)width,
	    &lines) : 0;
	int used = 0;

	for (; used < rows && (size_t)used < n; used++)
		mvwaddnstr(w, y + used, x + (int)lines[used].indent,
		    lines[used].start, (int)lines[used].len);
	free(lines);
	return used;
}

int
draw_cut(struct tui *t, int y, int x, int width, const char *text)
{
	/* "..." where the locale cannot show the one-column character. */
	const char *more = t->ascii ? "..." : "\u2026";
	int more_cols = t->ascii ? 3 : 1;
	size_t len = strlen(text), cols = wrap_columns(text, len), keep;

	if (width <= more_cols)
		return 0;
	if (cols <= (size_t)width) {
		mvaddnstr(y, x, text, (int)len);
		return (int)cols;
	}
	keep = wrap_bytes_for_columns(text, len, (size_t)(width - more_cols));
	/* At the end of a word, when one ends in the second half: a word
	 * cut in two reads as another word. */
	for (size_t k = keep; k > keep / 2; k--)
		if (text[k] == ' ') {
			keep = k;
			break;
		}
	mvaddnstr(y, x, text, (int)keep);
	addstr(more);
	return (int)wrap_columns(text, keep) + more_cols;
}

bool
draw_too_small(struct tui *t)
{
	const char *msg = "enlarge the terminal to 80x24";

	(void)t;
	if (COLS >= TUI_MIN_COLS && LINES >= TUI_MIN_LINES)
		return false;
	erase();
	mvaddnstr(LINES / 2, COLS > (int)strlen(msg) ? (COLS - (int)strlen(
	    msg)) / 2 : 0, msg, COLS);
	return true;
}

void
tui_log(struct tui *t, const char *line)
{
	if (t->nlog == TUI_LOG_LINES) {
		free(t->log[0].text);
		memmove(t->log, t->log + 1, (TUI_LOG_LINES - 1) * sizeof *t->log);
		t->nlog--;
	} else
		t->log = xreallocarray(t->log, t->nlog + 1, sizeof *t->log);
	t->log[t->nlog].at = time(NULL);
	t->log[t->nlog++].text = xstrdup(line);
	t->dirty = true;
}

/* ---- hyperlinks -------------------------------------------------------- */

struct link {
	int y, x;
	int attrs;                     /* the text's, as drawn */
	char *text;                    /* as shown */
	char *url;
};

struct links {
	struct link *list;
	size_t count;
};

bool
draw_hyperlinks_supported(void)
{
	const char *force = getenv("MLOPS_TUI_HYPERLINKS");
	const char *term = getenv("TERM"), *program = getenv("TERM_PROGRAM");
	const char *vte = getenv("VTE_VERSION");

	if (force != NULL && *force != '\0')
		return strcmp(force, "0") != 0;
	/* A multiplexer between us and the terminal may not pass them. */
	if (getenv("TMUX") != NULL || getenv("STY") != NULL ||
	    term == NULL || strncmp(term, "screen", 6) == 0 ||
	    strncmp(term, "tmux", 4) == 0)
		return false;
	/* The terminals known to show them; any other, plain text. */
	return (vte != NULL && atoi(vte) >= 5000) ||
	    getenv("KITTY_WINDOW_ID") != NULL || getenv("WT_SESSION") != NULL ||
	    strcmp(term, "xterm-kitty") == 0 || strncmp(term, "foot", 4) == 0 ||
	    strcmp(term, "wezterm") == 0 ||
	    strcmp(term, "xterm-ghostty") == 0 ||
	    (program != NULL && (strcmp(program, "iTerm.app") == 0 ||
	    strcmp(program, "WezTerm") == 0 || strcmp(program, "vscode") == 0));
}

/* Whether url is an address made of printable ASCII alone: it is written
 * to the terminal raw, inside the link, where a control character from a
 * service's text would be a command to the terminal. */
static bool
plain_address(const char *url)
{
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return false;
	for (const char *c = url; *c != '\0'; c++)
		if (*c < '!' || *c > '~')
			return false;
	return true;
}

/* The address in source that the shown span (within it) is part of. */
static char *
url_around(const char *source, const char *at, size_t len)
{
	const char *start = at, *end = at + len;

	while (start > source && start[-1] != ' ' && start[-1] != '\n')
		start--;
	while (*end != '\0' && *end != ' ' && *end != '\n')
		end++;
	return xstrndup(start, (size_t)(end - start));
}

static void
add_link(struct tui *t, int y, int x, const char *text, size_t len,
    char *url)
{
	struct links *l = t->links;

	if (l == NULL)
		l = t->links = xcalloc(1, sizeof *l);
	l->list = xreallocarray(l->list, l->count + 1, sizeof *l->list);
	l->list[l->count++] = (struct link){ y, x, getattrs(stdscr),
		xstrndup(text, len), url };
}

void
draw_note_links(struct tui *t, int y, int x, const char *shown, size_t len,
    const char *source)
{
	if (!t->hyperlinks)
		return;
	for (size_t i = 0; i < len; ) {
		size_t word = strcspn(shown + i, " ");
		const char *w = shown + i;

		if (word > len - i)
			word = len - i;
		/* Part of an address: its own start, or the rest of one cut
		 * at the end of the row before. */
		if (word > 0) {
			char *url = url_around(source, w, word);

			if (plain_address(url))
				add_link(t, y, x + (int)wrap_columns(shown, i),
				    w, word, url);
			else
				free(url);
		}
		i += word + 1;
	}
}

void
draw_links_emit(struct tui *t)
{
	struct links *l = t->links;
	int oy, ox;

	if (l == NULL || l->count == 0)
		return;
	/*
	 * After refresh() curses has written its frame out. The cells hold
	 * these characters already: they are written again inside the link,
	 * in the attributes they were drawn with (set by vidattr, which
	 * tells curses), and the cursor is put back where curses has it.
	 * All through stdio, flushed before curses writes again, so nothing
	 * is left to come out after the wizard ends.
	 */
	getyx(curscr, oy, ox);
	for (size_t i = 0; i < l->count; i++) {
		vidattr((chtype)l->list[i].attrs);
		printf("\033[%d;%dH\033]8;;%s\033\\%s\033]8;;\033\\",
		    l->list[i].y + 1, l->list[i].x + 1, l->list[i].url,
		    l->list[i].text);
	}
	vidattr(A_NORMAL);
	printf("\033[%d;%dH", oy + 1, ox + 1);
	fflush(stdout);
	draw_links_free(t);
}

void
draw_links_free(struct tui *t)
{
	struct links *l = t->links;

	if (l == NULL)
		return;
	for (size_t i = 0; i < l->count; i++) {
		free(l->list[i].text);
		free(l->list[i].url);
	}
	free(l->list);
	free(l);
	t->links = NULL;
}
