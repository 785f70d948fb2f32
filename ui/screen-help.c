/*
 * The help overlay: what the screen shows, the legend of the statuses,
 * and the key table. It is written whole into a pad and shown a
 * screenful at a time, so help longer than 24 lines scrolls rather than
 * being cut.
 */
#include "config.h"

#include <curses.h>
#include <stdbool.h>
#include <string.h>

#include "keys.h"
#include "legend.h"
#include "tui.h"

#define HELP_ROWS 200

/* The names of the keys that do keys[i]'s action, each once. */
static void
key_names(WINDOW *pad, const struct key_binding *keys, size_t n, size_t i)
{
	for (size_t k = i; k < n; k++) {
		bool seen = false;

		/* One name once, though two codes may carry it. */
		for (size_t m = i; m < k; m++)
			seen |= keys[m].action == keys[i].action &&
			    strcmp(keys[m].name, keys[k].name) == 0;
		if (keys[k].action == keys[i].action && !seen)
			wprintw(pad, "%s%s", k == i ? "" : ", ", keys[k].name);
	}
}

/* The legend of the statuses, one line each; returns the next row. */
static int
legend_write(WINDOW *pad, int y, int width)
{
	wattron(pad, A_BOLD);
	mvwaddstr(pad, y++, 2, "Symbols");
	wattroff(pad, A_BOLD);
	for (int m = 0; m < MARK_COUNT; m++) {
		mvwprintw(pad, y, 4, "%s %s", legend_symbol((enum legend_mark)m),
		    legend_word((enum legend_mark)m));
		y += draw_wrapped_in(pad, y, 22, width - 20, 2,
		    legend_meaning((enum legend_mark)m));
	}
	return y + 1;
}

/* Every name of the keys that do action, each once; false for none. */
static bool
action_names(WINDOW *pad, const struct key_binding *keys, size_t n,
    int action)
{
	for (size_t i = 0; i < n; i++)
		if ((int)keys[i].action == action) {
			key_names(pad, keys, n, i);
			return true;
		}
	return false;
}

/* The keys of the screen, with what each does there; returns the next
 * row. Screens without their own list show the whole table. */
static int
keys_write(struct tui *t, WINDOW *pad, int y, int width)
{
	size_t n;
	const struct key_binding *keys = keys_all(&n);
	const struct screen_key *own = t->screen->keys;

	if (own != NULL) {
		for (; own->action != ACTION_NONE && y < HELP_ROWS - 4; own++) {
			wmove(pad, y, 4);
			if (action_names(pad, keys, n, own->action))
				y += draw_wrapped_in(pad, y, 20, width - 18, 3,
				    own->what);
		}
		return y;
	}
	/* One line per action, with every key that does it. */
	for (size_t i = 0; i < n && y < HELP_ROWS - 2; i++) {
		bool first = true;

		for (size_t k = 0; k < i && first; k++)
			first = keys[k].action != keys[i].action;
		if (!first)
			continue;
		wmove(pad, y, 4);
		key_names(pad, keys, n, i);
		y += draw_wrapped_in(pad, y, 20, width - 18, 3, keys[i].what);
	}
	return y;
}

/* Write the help into pad; returns the rows used. */
static int
help_write(struct tui *t, WINDOW *pad)
{
	int y = 0, width = COLS - 4;

	wattron(pad, A_BOLD);
	mvwaddstr(pad, y++, 2, "This screen");
	wattroff(pad, A_BOLD);
	y += draw_wrapped_in(pad, y, 2, width, 20, t->screen->help) + 1;
	/* The symbols where steps are shown with them. */
	if (t->screen == &screen_run || t->screen == &screen_step ||
	    t->screen->keys == NULL)
		y = legend_write(pad, y, width);
	wattron(pad, A_BOLD);
	mvwaddstr(pad, y++, 2, "Keys");
	wattroff(pad, A_BOLD);
	return keys_write(t, pad, y, width);
}

void
help_draw(struct tui *t)
{
	WINDOW *pad = newpad(HELP_ROWS, COLS);
	int rows, shown = LINES - 3;

	erase();
	draw_title(t, "help");
	draw_rule(t, 1, 0, COLS);
	rows = help_write(t, pad);
	if (t->help_top > rows - shown)
		t->help_top = rows > shown ? rows - shown : 0;
	if (t->help_top < 0)
		t->help_top = 0;
	copywin(pad, stdscr, t->help_top, 0, 2, 0, LINES - 2, COLS - 1, FALSE);
	delwin(pad);
	draw_hints(t, rows > shown ? " Up/Down/PgUp/PgDn scroll  Esc back  "
	    "q quit" : " Esc back  q quit");
	move(2, 2);
}
