/*
 * Crash safety of the state file: a child rewrites it in a loop and is
 * SIGKILLed at random moments, hundreds of times. After every kill the file
 * must parse and hold either the last save the child reported complete or
 * the one after it - never a torn mixture - and the next child must be able
 * to take the lock (no stale locks) and carry on.
 *
 * CRASH_KILLS and CRASH_SEED override the number of kills and the seed.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "state.h"
#include "tap.h"
#include "xalloc.h"

/* The deterministic content of save number n: sizes vary from 1 to 60 KB. */
static char *
padding_for(unsigned long n)
{
	size_t len = 1000 + (size_t)(n * 7919 % 60000);
	char *pad = xmalloc(len + 1);

	for (size_t i = 0; i < len; i++)
		pad[i] = (char)('a' + (n + i) % 26);
	pad[len] = '\0';
	return pad;
}

static void
fill(struct state *st, unsigned long n)
{
	char num[32], *pad = padding_for(n);

	snprintf(num, sizeof num, "%lu", n);
	/* What a step made: free text, as answers (which keep their
	 * rules) are not. */
	state_map_set(&state_step(st, "project", NULL)->created, "counter",
	    num);
	state_map_set(&state_step(st, "project", NULL)->created, "padding",
	    pad);
	free(pad);
}

static unsigned long
counter_of(const struct state *st)
{
	const struct state_step *step = state_step_find(st, "project", NULL);
	const char *c = step ? state_map_get(&step->created, "counter") :
	    NULL;

	return c != NULL ? strtoul(c, NULL, 10) : 0;
}

/* The child: open (taking the lock), then save n, n+1, ... until killed. */
static void
writer(const char *path, int report)
{
	struct state_session *s = NULL;
	char *cause = NULL;
	unsigned long n;

	if (state_open(&s, path, &cause) != 0) {
		fprintf(stderr, "writer: %s\n", cause);
		_exit(1);
	}
	for (n = counter_of(s->state) + 1;; n++) {
		fill(s->state, n);
		if (state_session_save(s, &cause) != 0) {
			fprintf(stderr, "writer: %s\n", cause);
			_exit(1);
		}
		if (write(report, &n, sizeof n) != sizeof n)
			_exit(1);
	}
}

/* The last save number the child reported before it died. */
static unsigned long
last_reported(int fd, unsigned long start)
{
	unsigned long n, last = start;

	while (read(fd, &n, sizeof n) == sizeof n)
		last = n;
	return last;
}

/* Whether the file at path is whole and holds save lo or lo + 1. */
static bool
whole_and_expected(const char *path, unsigned long lo, unsigned long *got)
{
	struct state *st = NULL;
	char *cause = NULL, *pad;
	bool ok;
	int rc;

	rc = state_load(&st, path, &cause);
	if (rc == STATE_ENOENT && lo == 0) {
		*got = 0; /* killed before the very first save: no file is fine */
		return true;
	}
	if (rc != 0) {
		tap_diag("torn: %s", cause ? cause : "the file vanished");
		free(cause);
		return false;
	}
	*got = counter_of(st);
	pad = padding_for(*got);
	ok = (*got == lo || *got == lo + 1) &&
	    strcmp(state_map_get(&state_step(st, "project", NULL)->created,
	    "padding"), pad) == 0;
	if (!ok)
		tap_diag("file holds save %lu, expected %lu or %lu", *got, lo,
		    lo + 1);
	free(pad);
	state_free(st);
	return ok;
}

static bool
backup_whole(const char *path)
{
	char *bak = atomicfile_backup_path(path);
	struct state *st = NULL;
	char *cause = NULL;
	int rc = state_load(&st, bak, &cause);

	state_free(st);
	free(cause);
	free(bak);
	return rc == 0 || rc == STATE_ENOENT;
}

int
main(void)
{
	const char *kills_env = getenv("CRASH_KILLS");
	const char *seed_env = getenv("CRASH_SEED");
	int kills = kills_env ? atoi(kills_env) : 300;
	unsigned seed = seed_env ? (unsigned)atoi(seed_env) : 20261127u;
	char *dir = tap_tmpdir("crash"), *path = xasprintf("%s/s.json", dir);
	unsigned long committed = 0, got = 0, first;
	int torn = 0, bad_backup = 0, landed_after = 0, stuck = 0;
	int fds[2], status;
	pid_t pid;

	srand(seed);
	tap_diag("%d kills, seed %u (CRASH_KILLS, CRASH_SEED)", kills, seed);
	for (int i = 0; i < kills; i++) {
		if (pipe(fds) == -1)
			return 99;
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			close(fds[0]);
			writer(path, fds[1]);
		}
		close(fds[1]);
		/* Let one save complete, so that every kill lands in the middle
		 * of the saving loop rather than in the child's start-up. */
		if (read(fds[0], &first, sizeof first) == sizeof first)
			committed = first;
		usleep((useconds_t)(rand() % 4000));
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		if (!WIFSIGNALED(status))
			stuck++; /* the writer ended by itself: it failed */
		committed = last_reported(fds[0], committed);
		close(fds[0]);
		if (!whole_and_expected(path, committed, &got))
			torn++;
		else if (got == committed + 1)
			landed_after++;
		if (!backup_whole(path))
			bad_backup++;
		committed = got;
	}
	tap_is_int(stuck, 0, "every writer ran until it was killed "
	    "(no stale lock, no failed save)");
	tap_is_int(torn, 0, "after %d kills the file was always whole and "
	    "the last or next save", kills);
	tap_is_int(bad_backup, 0, "the backup was always whole");
	tap_ok(committed >= (unsigned long)kills,
	    "every writer saved before it was killed (%lu saves)", committed);
	tap_diag("%d kills fell between a rename and its report", landed_after);
	free(path);
	free(dir);
	return tap_done();
}
