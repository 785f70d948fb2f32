/*
 * The process exit statuses, defined once: --help prints this table and a
 * test checks that mlops-tui(1) EXIT STATUS says the same.
 *
 * One rule for plan and apply: apply's status says how the run ended, and
 * plan's says how apply would end (0 when it can do everything left, 8
 * when it would leave steps, 1 when a check fails already). An advisory
 * check that cannot tell (whether pipelines get an agent) only warns.
 * Output whose reader has gone (EPIPE) stops the run as SIGINT does.
 */
#ifndef MT_EXITCODE_H
#define MT_EXITCODE_H

#define EXIT_STATUS_LIST(X)                                               \
	X(MT_EXIT_OK, 0, "success")                                       \
	X(MT_EXIT_STEP_FAILED, 1, "a step of the setup (or of its "      \
	    "destroy) failed (plan: a check fails already)")              \
	X(MT_EXIT_USAGE, 2, "the command line or the answers are wrong")  \
	X(MT_EXIT_STATE, 3, "the state file is missing, unreadable, "     \
	    "corrupt, holds answers the rules refuse, from a newer "      \
	    "mlops-tui, or locked by another one")                        \
	X(MT_EXIT_DATA, 4, "mlops-tui's own data files are missing or "   \
	    "invalid")                                                    \
	X(MT_EXIT_UNAVAILABLE, 5, "the command is not available in this " \
	    "version yet")                                                \
	X(MT_EXIT_SANDBOX, 6, "the sandbox could not start")              \
	X(MT_EXIT_PROBLEM, 7, "doctor found a problem")                  \
	X(MT_EXIT_INCOMPLETE, 8, "apply left steps by hand, blocked or " \
	    "not checkable (plan: would)")                                \
	X(MT_EXIT_INTERRUPTED, 130, "interrupted (SIGINT, SIGTERM, "      \
	    "SIGHUP, output closed); run it again")

enum mt_exit {
#define X(name, code, meaning) name = code,
	EXIT_STATUS_LIST(X)
#undef X
};

#endif
