/* The state file: round trip, damage, formats, lock, modes, secrets. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "secret.h"
#include "state.h"
#include "tap.h"
#include "xalloc.h"

static char *tmp;

static struct state *
full_state(void)
{
	struct state *st = state_new();
	struct state_environment *env;
	struct state_step *step;
	char *cause = NULL;

	state_set_answer(st, "organization", "https://dev.azure.com/contoso",
	    &cause);
	state_set_answer(st, "project", "mlops-v2", &cause);
	state_set_answer(st, "repository", "taxi-fare-regression", &cause);
	state_set_answer(st, "infrastructure", "terraform", &cause);
	env = state_environment(st, "prod");
	state_map_set(&env->answers, "namespace", "contoso");
	state_map_set(&env->answers, "postfix", "0042");
	env = state_environment(st, "dev");
	state_map_set(&env->answers, "location", "westeurope");
	step = state_step(st, "project", NULL);
	step->status = STEP_DONE;
	step->started = 1795000000;
	step->finished = 1795000060;
	step->attempts = 2;
	state_map_set(&step->created, "project_id",
	    "6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c");
	step = state_step(st, "service-connection", "prod");
	step->status = STEP_FAILED;
	step->started = 1795000100;
	step->attempts = 1;
	step->last_error = xstrdup("TF400813: not authorized \"quoted\"\n");
	step = state_step(st, "environment", "dev");
	step->status = STEP_MANUAL;
	return st;
}

static void
test_round_trip(void)
{
	char *path = xasprintf("%s/round.json", tmp);
	struct state *st = full_state(), *back = NULL;
	char *cause = NULL, *a, *b;
	const struct state_step *s;

	tap_ok(state_save(st, path, &cause) == 0, "save");
	tap_is_int((long long)st->serial, 1, "the first save is serial 1");
	tap_ok(state_load(&back, path, &cause) == 0, "load");
	if (back == NULL) {
		tap_diag("%s", cause);
		return;
	}
	a = state_dump(st);
	b = state_dump(back);
	tap_is_str(b, a, "every field survives a round trip");
	tap_is_str(state_map_get(&back->answers, "infrastructure"),
	    "terraform", "answers");
	tap_is_str(state_map_get(&state_environment_find(back, "prod")->answers,
	    "postfix"), "0042", "per-environment answers");
	s = state_step_find(back, "service-connection", "prod");
	tap_ok(s != NULL && s->status == STEP_FAILED && s->attempts == 1 &&
	    s->started == 1795000100 && s->finished == 0,
	    "status, attempts and times");
	tap_is_str(s ? s->last_error : NULL,
	    "TF400813: not authorized \"quoted\"\n", "last error, escaped");
	s = state_step_find(back, "project", NULL);
	tap_is_str(s ? state_map_get(&s->created, "project_id") : NULL,
	    "6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c", "what a step created");
	tap_ok(state_step_find(back, "environment", "dev") != NULL &&
	    state_step_find(back, "environment", "prod") == NULL,
	    "steps are per environment");
	tap_ok(back->created == st->created && back->updated == st->updated &&
	    back->serial == 1, "created, updated, serial");
	free(a);
	free(b);
	state_free(back);
	state_free(st);
	free(path);
}

/* Load text from a file and expect an error containing want. */
static void
expect_load_error(const char *label, const char *text, const char *want)
{
	char *path = tap_write_file(tmp, "bad.json", text);
	struct state *st = NULL;
	char *cause = NULL, *after;

	tap_is_int(state_load(&st, path, &cause), -1, "%s: refused", label);
	tap_contains(cause, want, "%s: names the problem", label);
	after = tap_read_file(path);
	tap_is_str(after, text, "%s: the file is untouched", label);
	free(after);
	free(cause);
	free(path);
}

static void
test_damage(void)
{
	char *good;
	struct state *st = full_state();

	good = state_dump(st);
	expect_load_error("corrupt JSON", "{ \"format\": 2,\n  \"serial\": ]\n",
	    "bad.json:2:13: not valid JSON");
	good[strlen(good) / 2] = '\0';
	expect_load_error("truncated", good, "not valid JSON");
	expect_load_error("empty", "", "not valid JSON");
	expect_load_error("not an object", "[1, 2]\n",
	    "top level: expected an object, found an array");
	expect_load_error("no format", "{}\n", "format: missing");
	expect_load_error("serial as text", "{\"format\": 2, \"serial\": \"7\"}",
	    "serial: expected a whole number of 0 or more, found a string");
	expect_load_error("status as number", "{\"format\": 2, \"steps\": "
	    "[{\"id\": \"project\", \"status\": 3}]}",
	    "steps[0].status: expected a string, found an integer");
	expect_load_error("unknown status", "{\"format\": 2, \"steps\": "
	    "[{\"id\": \"project\", \"status\": \"finished\"}]}",
	    "steps[0].status: \"finished\" is not a status (pending, running, "
	    "done, failed, skipped, manual)");
	expect_load_error("bad time", "{\"format\": 2, \"updated\": "
	    "\"yesterday\"}", "updated: \"yesterday\" is not a UTC time");
	expect_load_error("unknown field", "{\"format\": 2, \"colour\": 1}",
	    "unknown field \"colour\"");
	expect_load_error("answer not a string", "{\"format\": 2, \"answers\": "
	    "{\"project\": 5}}", "answers.project: expected a string");
	expect_load_error("duplicate key", "{\"format\": 2, \"serial\": 1, "
	    "\"serial\": 2}", "duplicate object key");
	expect_load_error("duplicate step", "{\"format\": 2, \"steps\": "
	    "[{\"id\": \"a\"}, {\"id\": \"a\"}]}", "step \"a\" appears twice");
	expect_load_error("environment without name", "{\"format\": 2, "
	    "\"environments\": [{\"answers\": {}}]}",
	    "environments[0].name: missing");
	expect_load_error("a secret", "{\"format\": 2, \"answers\": "
	    "{\"client_secret\": \"s3cr3t\"}}", "answers.client_secret: looks "
	    "like a secret");
	expect_load_error("newer format", "{\"format\": 3}\n",
	    "written by a newer mlops-tui (state format 3; this one reads "
	    "formats 1 to 2)");
	free(good);
	state_free(st);
}

static void
test_recovery_advice(void)
{
	char *path = xasprintf("%s/advice.json", tmp);
	struct state *st = full_state(), *loaded = NULL;
	char *cause = NULL;
	FILE *f;

	state_save(st, path, &cause);
	state_save(st, path, &cause);
	tap_is_int((long long)st->serial, 1, "a save that changes nothing "
	    "writes nothing (the serial stays)");
	state_map_set(&st->answers, "repository", "taxi-fare-2");
	state_save(st, path, &cause);
	f = fopen(path, "w");
	fputs("{ torn", f);
	fclose(f);
	tap_is_int(state_load(&loaded, path, &cause), -1, "a torn file fails");
	tap_contains(cause, "The previous save (serial 1,",
	    "the advice names the backup's serial");
	tap_contains(cause, ".bak'", "and how to restore it");
	free(cause);
	cause = NULL;
	f = fopen(path, "w");
	fputs("{\"format\": 3}", f);
	fclose(f);
	state_load(&loaded, path, &cause);
	tap_ok(cause != NULL && strstr(cause, "cp ") == NULL,
	    "a newer file gets no advice to overwrite it");
	free(cause);
	state_free(st);
	free(path);
}

static void
test_open_corrupt_untouched(void)
{
	char *path = tap_write_file(tmp, "corrupt.json", "{\"format\": 2,");
	struct state_session *s = NULL;
	char *cause = NULL, *after;

	tap_is_int(state_open(&s, path, &cause), -1,
	    "opening a corrupt file for writing fails");
	after = tap_read_file(path);
	tap_is_str(after, "{\"format\": 2,", "and never overwrites it");
	free(after);
	free(cause);
	free(path);
}

static void
test_migration(void)
{
	static const char v1[] = "{\"format\": 1, \"organization\": "
	    "\"https://dev.azure.com/contoso\", \"project\": \"mlops-v2\", "
	    "\"repository\": \"taxi\", \"steps\": {\"project\": \"done\", "
	    "\"import-mlops-v2\": \"failed\"}}\n";
	char *path = tap_write_file(tmp, "old.json", v1);
	char *kept = xasprintf("%s.v1.bak", path), *text;
	struct state_session *s = NULL;
	struct state *st = NULL;
	char *cause = NULL;

	tap_ok(state_open(&s, path, &cause) == 0, "open an older format");
	state_close(s);
	text = tap_read_file(kept);
	tap_is_str(text, v1, "the old file is kept byte for byte");
	free(text);
	tap_ok(state_load(&st, path, &cause) == 0 && st->migrated_from == 0,
	    "the file is now in the current format");
	if (st != NULL) {
		tap_is_str(state_map_get(&st->answers, "repository"), "taxi",
		    "names moved into answers");
		tap_ok(state_step_find(st, "import-mlops-v2", NULL) != NULL &&
		    state_step_find(st, "import-mlops-v2", NULL)->status ==
		    STEP_FAILED, "steps became records");
	}
	state_free(st);
	free(kept);
	free(path);
}

static void
test_missing(void)
{
	char *path = xasprintf("%s/new/setup.json", tmp);
	char *dir = xasprintf("%s/new", tmp);
	struct state_session *s = NULL;
	struct state *st = NULL;
	char *cause = NULL;
	struct stat sb;

	tap_is_int(state_load(&st, path, &cause), STATE_ENOENT,
	    "a missing file says so");
	tap_ok(state_open(&s, path, &cause) == 0 && s->state->nsteps == 0,
	    "opening a missing file starts a new state");
	tap_ok(stat(path, &sb) == -1, "nothing is written before a save");
	tap_ok(stat(dir, &sb) == 0 && (sb.st_mode & 0777) == 0700,
	    "the directory is created 0700");
	tap_ok(state_session_save(s, &cause) == 0, "save");
	tap_ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600,
	    "the file is 0600");
	state_close(s);
	free(dir);
	free(path);
}

static void
open_refused(void *arg)
{
	struct state_session *s = NULL;
	char *cause = NULL;

	_exit(state_open(&s, arg, &cause) == -1 && cause != NULL ? 0 : 1);
}

static void
test_unwritable(void)
{
	char *dir = xasprintf("%s/ro", tmp);
	char *path = xasprintf("%s/ro/setup.json", tmp);

	mkdir(dir, 0555);
	chmod(tmp, 0755); /* the unprivileged child must reach dir */
	tap_is_int(tap_run_unprivileged(open_refused, path), 0,
	    "an unwritable directory is an error");
	chmod(tmp, 0700);
	free(path);
	free(dir);
}

static void
test_lock(void)
{
	char *path = xasprintf("%s/locked.json", tmp);
	struct state_session *s = NULL, *again = NULL;
	char *cause = NULL, *want;
	int fds[2], status;
	char buf[512] = "";
	pid_t pid;

	tap_ok(state_open(&s, path, &cause) == 0, "the first opener locks");
	if (pipe(fds) == -1)
		exit(99);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int rc = state_open(&again, path, &cause);
		if (write(fds[1], cause ? cause : "", cause ?
		    strlen(cause) : 0) < 0)
			_exit(2);
		_exit(rc == STATE_BUSY ? 0 : 1);
	}
	close(fds[1]);
	if (read(fds[0], buf, sizeof buf - 1) < 0)
		buf[0] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "a second process is refused");
	want = xasprintf("pid %ld", (long)getpid());
	tap_contains(buf, want, "the refusal names the holder's pid");
	free(want);
	state_close(s);
	tap_ok(state_open(&again, path, &cause) == 0,
	    "after release the lock can be taken");
	state_close(again);
	free(path);
}

static void
test_leftovers(void)
{
	char *path = xasprintf("%s/left.json", tmp);
	char *temp = xasprintf("%s/left.json.tmp.AbCdEf", tmp);
	struct state_session *s = NULL;
	char *cause = NULL;

	free(tap_write_file(tmp, "left.json.tmp.AbCdEf", "{ half"));
	tap_ok(state_open(&s, path, &cause) == 0, "open");
	tap_ok(access(temp, F_OK) == -1, "a crash's temporary file is removed");
	state_close(s);
	free(temp);
	free(path);
}

static void
test_secrets(void)
{
	struct state *st = state_new();
	char *cause = NULL;

	tap_is_int(state_set_answer(st, "pat", "x", &cause), -1,
	    "an answer named pat is refused");
	tap_contains(cause, "never written", "with the reason");
	tap_ok(secret_is_secret_name("client_secret") &&
	    secret_is_secret_name("refresh-token") &&
	    !secret_is_secret_name("path") && !secret_is_secret_name("key_vault"),
	    "secret names are words, not substrings");
	free(cause);
	state_free(st);
}

/* found.KEY and removed.KEY: what a step only found, what destroy
 * removed; both survive a save and a load. */
static void
test_found_and_removed(void)
{
	struct state *st = state_new(), *back = NULL;
	struct state_step *step = state_step(st, "ml-repository", NULL);
	char *path = xasprintf("%s/made.json", tmp), *cause = NULL;
	const struct state_step *rec;

	state_map_set(&step->created, "pipeline", "7");
	state_created_set_found(&step->created, "id", "r1");
	tap_ok(state_created_found(&step->created, "id"), "a found record is "
	    "marked found");
	tap_ok(!state_created_found(&step->created, "pipeline"), "a made one "
	    "is not");
	tap_is_str(state_map_get(&step->created, "id"), "r1", "the found "
	    "record keeps its value");
	state_created_set_removed(&step->created, "pipeline");
	tap_ok(state_map_get(&step->created, "pipeline") == NULL, "a removed "
	    "record is gone under its key");
	tap_is_str(state_map_get(&step->created, "removed.pipeline"), "7",
	    "and kept as removed.KEY");
	state_created_set_removed(&step->created, "nothing");
	tap_ok(state_map_get(&step->created, "removed.nothing") == NULL,
	    "removing what is not recorded records nothing");
	tap_is_int(state_save(st, path, &cause), 0, "saved");
	tap_is_int(state_load(&back, path, &cause), 0, "and loaded");
	rec = back ? state_step_find(back, "ml-repository", NULL) : NULL;
	tap_ok(rec != NULL && state_created_found(&rec->created, "id"),
	    "a found record survives a save and a load");
	tap_is_str(rec ? state_map_get(&rec->created, "removed.pipeline") :
	    NULL, "7", "so does a removed one");
	state_free(back);
	state_free(st);
	free(cause);
	free(path);
}

int
main(void)
{
	tmp = tap_tmpdir("state");
	test_round_trip();
	test_damage();
	test_recovery_advice();
	test_open_corrupt_untouched();
	test_migration();
	test_missing();
	test_unwritable();
	test_lock();
	test_leftovers();
	test_secrets();
	test_found_and_removed();
	free(tmp);
	return tap_done();
}
