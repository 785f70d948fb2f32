/*
 * The legend: the one set of symbols and words a step's status is shown
 * with - by the wizard, status, plan and apply, the help screen, the
 * README and mlops-tui(1). Never colour alone: each has a symbol and a
 * word. The state file keeps its own words (mlops-tui(5)); these are for
 * people.
 */
#ifndef MT_LEGEND_H
#define MT_LEGEND_H

#define LEGEND_LIST(X)                                                    \
	X(MARK_PENDING, "[ ]", "pending",                                 \
	    "not started, or waiting for the steps it needs")             \
	X(MARK_RUNNING, "[>]", "running", "in progress, or interrupted")  \
	X(MARK_DONE, "[x]", "done", "there: found, or made by mlops-tui") \
	X(MARK_FAILED, "[!]", "failed",                                   \
	    "failed; its error, why and fix follow")                      \
	X(MARK_SKIPPED, "[-]", "skipped", "skipped by the operator")      \
	X(MARK_BY_HAND, "[h]", "by hand",                                 \
	    "for you to do by hand, or done by hand and marked so")       \
	X(MARK_NOT_APPLICABLE, "[.]", "n/a", "does not apply to this setup") \
	X(MARK_UNKNOWN, "[?]", "cannot tell",                             \
	    "could not be checked; the reason follows")                   \
	X(MARK_BLOCKED, "[~]", "blocked",                                 \
	    "waits for a step that failed or is not done")

enum legend_mark {
#define X(e, symbol, word, meaning) e,
	LEGEND_LIST(X)
#undef X
	MARK_COUNT
};

const char *legend_symbol(enum legend_mark m);
const char *legend_word(enum legend_mark m);
const char *legend_meaning(enum legend_mark m);

#endif
