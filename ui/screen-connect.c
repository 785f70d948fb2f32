/*
 * Signing in, before anything is changed: the organization is asked who
 * the token is, and Azure is signed in to. A device code is shown large -
 * the address to open, and the code spaced out in reverse video - while
 * Entra waits for it to be entered; keys are answered all the while, and
 * Ctrl-C (or q) stops.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keys.h"
#include "tui.h"
#include "xalloc.h"

/* The word of message at marker ("http") or after it ("code "), or NULL. */
static char *
word_after(const char *message, const char *marker, bool keep_marker)
{
	const char *p = strstr(message, marker);
	size_t len;

	if (p == NULL)
		return NULL;
	if (!keep_marker)
		p += strlen(marker);
	len = strcspn(p, " \t\n");
	while (len > 0 && strchr(".,;", p[len - 1]) != NULL)
		len--;
	return len > 0 ? xstrndup(p, len) : NULL;
}

/* The address and the code, large; the whole message below them. */
static int
draw_device(struct tui *t, int y)
{
	char *url = word_after(t->device_message, "http", true);
	char *code = word_after(t->device_message, "code ", false);

	if (url != NULL && code != NULL) {
		mvaddstr(y, 2, "Open");
		attron(A_BOLD);
		mvaddnstr(y, 8, url, COLS - 10);
		/* Where the terminal can, a click opens it (bold too). */
		if ((int)strlen(url) <= COLS - 10)
			draw_note_links(t, y, 8, url, strlen(url), url);
		attroff(A_BOLD);
		mvaddstr(y + 2, 2, "Code");
		attron(A_BOLD | A_REVERSE);
		move(y + 2, 8);
		for (const char *c = code; *c && getcurx(stdscr) < COLS - 3; c++)
			printw(" %c", *c);
		addch(' ');
		attroff(A_BOLD | A_REVERSE);
		y += 4;
	}
	y += draw_wrapped(y, 2, COLS - 4, 4, t->device_message) + 1;
	free(url);
	free(code);
	return y;
}

static void
connect_draw(struct tui *t)
{
	char *line;
	int y = 3;
	long secs = (long)(time(NULL) - t->connect_started);

	draw_title(t, "signing in");
	draw_rule(t, 1, 0, COLS);
	line = xasprintf("Asking %s who the token is, and signing in to Azure "
	    "(%ld:%02ld).", t->connect_org ? t->connect_org :
	    "the organization", secs / 60, secs % 60);
	y += draw_wrapped(y, 2, COLS - 4, 3, line) + 1;
	free(line);
	if (t->device_message != NULL)
		y = draw_device(t, y);
	draw_wrapped(y, 2, COLS - 4, 3, "Nothing is changed until this is "
	    "done. Ctrl-C stops here.");
	draw_hints(t, " waiting for the sign-in  F1 help  Ctrl-C quit");
	move(3, 2);
}

static bool
connect_act(struct tui *t, int action)
{
	(void)t;
	(void)action;
	return false;
}

static const struct screen_key connect_keys[] = {
	{ ACTION_HELP, "this help" },
	{ ACTION_QUIT, "stop signing in and quit; nothing has changed" },
	{ ACTION_NONE, NULL },
};

const struct screen screen_connect = {
	.name = "signing in",
	.help = "The organization is asked who the personal access token "
	    "belongs to, and Azure is signed in to for Graph and ARM. For a "
	    "device code, open the address shown and enter the code; the "
	    "setup goes on by itself once Entra has it. A refused token or "
	    "sign-in is shown on the questions, in place, with the answers "
	    "kept.",
	.draw = connect_draw,
	.act = connect_act,
	.keys = connect_keys,
};
