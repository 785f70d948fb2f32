/* The help overlay: what the screen shows, and the key table. */
#include "config.h"

#include <curses.h>
#include <stdbool.h>
#include <string.h>

#include "keys.h"
#include "tui.h"

void
help_draw(struct tui *t)
{
	size_t n;
	const struct key_binding *keys = keys_all(&n);
	int y = 2, width = COLS - 4;

	erase();
	draw_title(t, "help");
	draw_rule(t, 1, 0, COLS);
	attron(A_BOLD);
	mvaddstr(y++, 2, "This screen");
	attroff(A_BOLD);
	y += draw_wrapped(y, 2, width, 4, t->screen->help);
	attron(A_BOLD);
	mvaddstr(y++, 2, "Keys");
	attroff(A_BOLD);
	/* One line per action, with every key that does it. */
	for (size_t i = 0; i < n && y < LINES - 2; i++) {
		bool first = true;

		for (size_t k = 0; k < i && first; k++)
			first = keys[k].action != keys[i].action;
		if (!first)
			continue;
		move(y, 4);
		for (size_t k = i; k < n; k++) {
			bool seen = false;

			/* One name once, though two codes may carry it. */
			for (size_t m = i; m < k; m++)
				seen |= keys[m].action == keys[i].action &&
				    strcmp(keys[m].name, keys[k].name) == 0;
			if (keys[k].action == keys[i].action && !seen)
				printw("%s%s", k == i ? "" : ", ", keys[k].name);
		}
		/* One line each, so every key fits in 24 lines. */
		y += draw_wrapped(y, 20, width - 18, 1, keys[i].what);
	}
	draw_hints(t, " Esc back  q quit");
	move(2, 2);
}
