/*
 * A small bash for the sandbox's pipeline runs: it runs a script such as
 * the accelerator's own initialise_repo.sh, read from the imported
 * repository, over checkouts of the sandbox's repositories held as trees
 * in memory. It knows variables and positional parameters, quotes, globs,
 * `;`, `&&` and `||`, `if [[ a == b ]]` / `[ a = b ]` with then, else and
 * fi, `set -e` and `exit`, and the commands cd, mkdir, cp, mv, rm, echo,
 * true, false and git (config, checkout -b, add, commit, remote -v, push),
 * with the messages and exit statuses of bash, GNU coreutils and git. As
 * in bash without `set -e`, a failing command does not stop the script.
 * Anything else is "command not found" (127), never guessed at.
 */
#ifndef MT_SIM_SHELL_H
#define MT_SIM_SHELL_H

#include <stdbool.h>
#include <stddef.h>

#include <git2.h>
#include <jansson.h>

/* One repository checked out in the sources directory. */
struct shell_checkout {
	const char *name;      /* its folder in the sources directory */
	git_repository *repo;  /* borrowed; commits are written into it */
	const char *ref;       /* checked out, detached, as the agent does */
	const char *url;       /* its remote origin */
	bool push;             /* credentials kept: git push may write */
};

/*
 * Run script (len bytes; name is what bash's messages call it) with the
 * positional parameters args in a sources directory holding the
 * checkouts. Each line of output is appended to out (a JSON array). A
 * push adds pushes[checkout name][ref] = commit id (hex); the objects are
 * in that checkout's repository, its refs are left for the caller to
 * move. Returns the script's exit status.
 */
int shell_run(const char *script, size_t len, const char *name,
    const char *const *args, size_t nargs,
    const struct shell_checkout *checkouts, size_t ncheckouts,
    json_t *out, json_t *pushes);

#endif
