/*
 * The keys of the wizard, in one table: the loop maps a key press to an
 * action through it, the help screen lists it, and a test checks that
 * mlops-tui(1) KEY BINDINGS says the same.
 */
#ifndef MT_UI_KEYS_H
#define MT_UI_KEYS_H

#include <stddef.h>

enum key_action {
	ACTION_NONE,
	ACTION_UP,
	ACTION_DOWN,
	ACTION_FIRST,
	ACTION_LAST,
	ACTION_OPEN,
	ACTION_RETRY,
	ACTION_MANUAL,
	ACTION_SKIP,
	ACTION_HELP,
	ACTION_BACK,
	ACTION_QUIT,
	ACTION_LEFT,
	ACTION_RIGHT,
	ACTION_NEXT,
	ACTION_PASTE,
	ACTION_LOG,
	ACTION_PAGE_UP,
	ACTION_PAGE_DOWN,
	ACTION_SEARCH,
	ACTION_SEARCH_NEXT,
	ACTION_SEARCH_PREV,
	ACTION_SAVE_ANSWERS,
	ACTION_SANDBOX,
	ACTION_EXPORT,
	ACTION_DESTROY,
	ACTION_ANOTHER,
	ACTION_DRIFT,
};

struct key_binding {
	int key;                       /* a curses key code or a character */
	const char *name;              /* as the help and the man page say */
	enum key_action action;
	const char *what;
};

/* The table; *count gets its length. */
const struct key_binding *keys_all(size_t *count);
/* The action of key (ACTION_NONE when it has none). */
enum key_action keys_action(int key);

#endif
