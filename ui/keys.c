/* The wizard's key table. */
#include "config.h"

#include <curses.h>

#include "keys.h"

#define CTRL(c) ((c) & 0x1f)

static const struct key_binding bindings[] = {
	{ KEY_UP, "Up", ACTION_UP, "select the step above" },
	{ 'k', "k", ACTION_UP, "select the step above" },
	{ KEY_DOWN, "Down", ACTION_DOWN, "select the step below" },
	{ 'j', "j", ACTION_DOWN, "select the step below" },
	{ KEY_HOME, "Home", ACTION_FIRST, "select the first step" },
	{ KEY_END, "End", ACTION_LAST, "select the last step" },
	{ KEY_PPAGE, "PgUp", ACTION_PAGE_UP, "scroll up a page" },
	{ KEY_NPAGE, "PgDn", ACTION_PAGE_DOWN, "scroll down a page" },
	{ '\t', "Tab", ACTION_NEXT, "go to the next question" },
	{ KEY_LEFT, "Left", ACTION_LEFT, "take the previous value of a "
	    "choice" },
	{ KEY_RIGHT, "Right", ACTION_RIGHT, "take the next value of a "
	    "choice" },
	{ '\n', "Enter", ACTION_OPEN, "open the step; next question; on the "
	    "review, start" },
	{ KEY_ENTER, "Enter", ACTION_OPEN, "open the selected step" },
	{ 'r', "r", ACTION_RETRY, "retry the selected step, or undo its mark" },
	{ 'm', "m", ACTION_MANUAL, "mark the selected step done by hand" },
	{ 's', "s", ACTION_SKIP, "skip the selected step" },
	{ 'l', "l", ACTION_LOG, "show the whole log of this run" },
	{ '/', "/", ACTION_SEARCH, "in the log, search for a text" },
	{ 'n', "n", ACTION_SEARCH_NEXT, "in the log, the next match" },
	{ 'N', "N", ACTION_SEARCH_PREV, "in the log, the match before" },
	{ 'w', "w", ACTION_SAVE_ANSWERS, "write the answers to a file, for "
	    "plan and apply" },
	{ 'p', "p", ACTION_PASTE, "paste a principal made by hand (its JSON)" },
	{ 'e', "e", ACTION_EXPORT, "show the setup as commands (az, REST), "
	    "as export writes them" },
	{ 'c', "c", ACTION_DRIFT, "once the run is over: compare what the "
	    "setup made with what exists now (drift), and repair it" },
	{ 'd', "d", ACTION_DESTROY, "once the run is over: review the teardown "
	    "of the setup, and delete it" },
	{ 'a', "a", ACTION_ANOTHER, "once the run is over: add another ML "
	    "project beside this one" },
	{ 'f', "f", ACTION_SANDBOX, "on a sandbox: switch its known problems "
	    "on and off" },
	{ '?', "?", ACTION_HELP, "show this help" },
	{ KEY_F(1), "F1", ACTION_HELP, "show this help" },
	{ 27, "Esc", ACTION_BACK, "go back: close the help, the step or the "
	    "review" },
	{ 'q', "q", ACTION_QUIT, "quit, state saved (typing an answer: "
	    "Ctrl-C)" },
	{ CTRL('c'), "Ctrl-C", ACTION_QUIT, "quit, as q" },
};

const struct key_binding *
keys_all(size_t *count)
{
	*count = sizeof bindings / sizeof *bindings;
	return bindings;
}

enum key_action
keys_action(int key)
{
	for (size_t i = 0; i < sizeof bindings / sizeof *bindings; i++)
		if (bindings[i].key == key)
			return bindings[i].action;
	return ACTION_NONE;
}
