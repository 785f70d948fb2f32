/*
 * The state file on disk: strict JSON decoding with messages that name the
 * field, migration of older formats, atomic saves, and the writer's lock.
 */
#include "config.h"

#include <glob.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "answers.h"
#include "atomicfile.h"
#include "lockfile.h"
#include "paths.h"
#include "secret.h"
#include "state.h"
#include "timefmt.h"
#include "xalloc.h"

/* ---- decoding ------------------------------------------------------- */

struct decoder {
	const char *name; /* file name for messages */
	char **cause;
};

static const char *
json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE: return "true or false";
	case JSON_NULL: return "null";
	}
	return "something else";
}

static int
wrong_type(struct decoder *d, const char *where, const char *want,
    const json_t *v)
{
	set_cause(d->cause, "%s: %s: expected %s, found %s", d->name, where,
	    want, json_kind(v));
	return -1;
}

static int
decode_string(struct decoder *d, const json_t *v, const char *where,
    char **out)
{
	if (!json_is_string(v))
		return wrong_type(d, where, "a string", v);
	*out = xstrdup(json_string_value(v));
	return 0;
}

static int
decode_time(struct decoder *d, const json_t *v, const char *where,
    time_t *out)
{
	if (!json_is_string(v))
		return wrong_type(d, where, "a time such as "
		    "\"2026-11-27T03:40:00Z\"", v);
	if (!timefmt_parse(json_string_value(v), out)) {
		set_cause(d->cause, "%s: %s: \"%s\" is not a UTC time such as "
		    "\"2026-11-27T03:40:00Z\"", d->name, where,
		    json_string_value(v));
		return -1;
	}
	return 0;
}

static int
decode_count(struct decoder *d, const json_t *v, const char *where,
    unsigned long *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return wrong_type(d, where, "a whole number of 0 or more", v);
	*out = (unsigned long)json_integer_value(v);
	return 0;
}

static int
unknown_key(struct decoder *d, const char *where, const char *key,
    const char *allowed)
{
	set_cause(d->cause, "%s: %s: unknown field \"%s\" (allowed: %s)",
	    d->name, where, key, allowed);
	return -1;
}

static int
decode_map(struct decoder *d, const json_t *v, const char *where,
    struct state_map *map, bool refuse_secrets)
{
	const char *key;
	json_t *value;
	char sub[256];

	if (!json_is_object(v))
		return wrong_type(d, where, "an object of strings", v);
	json_object_foreach((json_t *)v, key, value) {
		snprintf(sub, sizeof sub, "%s.%s", where, key);
		if (!json_is_string(value))
			return wrong_type(d, sub, "a string", value);
		if (refuse_secrets && secret_is_secret_name(key)) {
			set_cause(d->cause, "%s: %s: looks like a secret; "
			    "secrets never belong in the state file: remove "
			    "it", d->name, sub);
			return -1;
		}
		state_map_set(map, key, json_string_value(value));
	}
	return 0;
}

static int
decode_environment(struct decoder *d, const json_t *v, const char *where,
    struct state *st)
{
	const char *key;
	json_t *value, *name;
	char sub[256];
	struct state_environment *env;

	if (!json_is_object(v))
		return wrong_type(d, where, "an object", v);
	name = json_object_get(v, "name");
	snprintf(sub, sizeof sub, "%s.name", where);
	if (name == NULL) {
		set_cause(d->cause, "%s: %s: missing", d->name, sub);
		return -1;
	}
	if (!json_is_string(name) || json_string_length(name) == 0)
		return wrong_type(d, sub, "a non-empty string", name);
	if (state_environment_find(st, json_string_value(name)) != NULL) {
		set_cause(d->cause, "%s: %s: environment \"%s\" appears twice",
		    d->name, sub, json_string_value(name));
		return -1;
	}
	env = state_environment(st, json_string_value(name));
	json_object_foreach((json_t *)v, key, value) {
		snprintf(sub, sizeof sub, "%s.%s", where, key);
		if (strcmp(key, "name") == 0)
			continue;
		if (strcmp(key, "answers") != 0)
			return unknown_key(d, where, key, "name, answers");
		if (decode_map(d, value, sub, &env->answers, true) == -1)
			return -1;
	}
	return 0;
}

static int
decode_step_status(struct decoder *d, const json_t *v, const char *where,
    enum step_status *out)
{
	if (!json_is_string(v))
		return wrong_type(d, where, "a string", v);
	if (!step_status_parse(json_string_value(v), out)) {
		set_cause(d->cause, "%s: %s: \"%s\" is not a status (pending, "
		    "running, done, failed, skipped, manual)", d->name, where,
		    json_string_value(v));
		return -1;
	}
	return 0;
}

static int
decode_step_field(struct decoder *d, const char *key, const json_t *value,
    const char *where, struct state_step *step)
{
	unsigned long n = 0;

	if (strcmp(key, "status") == 0)
		return decode_step_status(d, value, where, &step->status);
	if (strcmp(key, "started") == 0)
		return decode_time(d, value, where, &step->started);
	if (strcmp(key, "finished") == 0)
		return decode_time(d, value, where, &step->finished);
	if (strcmp(key, "last_error") == 0)
		return decode_string(d, value, where, &step->last_error);
	if (strcmp(key, "created") == 0)
		return decode_map(d, value, where, &step->created, true);
	if (strcmp(key, "attempts") == 0) {
		if (decode_count(d, value, where, &n) == -1)
			return -1;
		step->attempts = (unsigned)n;
		return 0;
	}
	return 1;
}

static int
decode_step(struct decoder *d, const json_t *v, const char *where,
    struct state *st)
{
	const json_t *id, *env;
	struct state_step *step;
	const char *key;
	json_t *value;
	char sub[256];
	int rc;

	if (!json_is_object(v))
		return wrong_type(d, where, "an object", v);
	id = json_object_get(v, "id");
	env = json_object_get(v, "environment");
	snprintf(sub, sizeof sub, "%s.id", where);
	if (id == NULL) {
		set_cause(d->cause, "%s: %s: missing", d->name, sub);
		return -1;
	}
	if (!json_is_string(id) || json_string_length(id) == 0)
		return wrong_type(d, sub, "a step id", id);
	snprintf(sub, sizeof sub, "%s.environment", where);
	if (env != NULL && !json_is_string(env))
		return wrong_type(d, sub, "a string", env);
	if (state_step_find(st, json_string_value(id),
	    env ? json_string_value(env) : NULL) != NULL) {
		set_cause(d->cause, "%s: %s: step \"%s\" appears twice",
		    d->name, where, json_string_value(id));
		return -1;
	}
	step = state_step(st, json_string_value(id),
	    env ? json_string_value(env) : NULL);
	json_object_foreach((json_t *)v, key, value) {
		if (strcmp(key, "id") == 0 || strcmp(key, "environment") == 0)
			continue;
		snprintf(sub, sizeof sub, "%s.%s", where, key);
		rc = decode_step_field(d, key, value, sub, step);
		if (rc == 1)
			return unknown_key(d, where, key, "id, environment, "
			    "status, started, finished, attempts, last_error, "
			    "created");
		if (rc == -1)
			return -1;
	}
	return 0;
}

static int
decode_array(struct decoder *d, const json_t *v, const char *where,
    struct state *st,
    int (*each)(struct decoder *, const json_t *, const char *,
        struct state *))
{
	char sub[256];
	size_t i;
	json_t *item;

	if (!json_is_array(v))
		return wrong_type(d, where, "an array", v);
	json_array_foreach((json_t *)v, i, item) {
		snprintf(sub, sizeof sub, "%s[%zu]", where, i);
		if (each(d, item, sub, st) == -1)
			return -1;
	}
	return 0;
}

static int
decode_top_field(struct decoder *d, const char *key, const json_t *value,
    struct state *st)
{
	if (strcmp(key, "format") == 0)
		return 0; /* checked before */
	if (strcmp(key, "generator") == 0) {
		free(st->generator);
		st->generator = NULL;
		return decode_string(d, value, key, &st->generator);
	}
	if (strcmp(key, "serial") == 0)
		return decode_count(d, value, key, &st->serial);
	if (strcmp(key, "created") == 0)
		return decode_time(d, value, key, &st->created);
	if (strcmp(key, "updated") == 0)
		return decode_time(d, value, key, &st->updated);
	if (strcmp(key, "answers") == 0)
		return decode_map(d, value, key, &st->answers, true);
	if (strcmp(key, "environments") == 0)
		return decode_array(d, value, key, st, decode_environment);
	if (strcmp(key, "steps") == 0)
		return decode_array(d, value, key, st, decode_step);
	return unknown_key(d, "top level", key, "format, generator, serial, "
	    "created, updated, answers, environments, steps");
}

/* ---- migration ------------------------------------------------------ */

/*
 * Format 1 (the first prototype's) kept the three setup names at the top
 * level and the steps as an object of id -> status word. Format 2 moved the
 * names into "answers" and made each step a record.
 */
static int
migrate_1_to_2(struct decoder *d, json_t *root)
{
	static const char *const names[] = { "organization", "project",
		"repository" };
	json_t *answers = json_object(), *steps = json_array();
	json_t *old_steps = json_object_get(root, "steps");
	const char *key;
	json_t *value;

	for (size_t i = 0; i < 3; i++) {
		value = json_object_get(root, names[i]);
		if (value != NULL)
			json_object_set(answers, names[i], value);
		json_object_del(root, names[i]);
	}
	if (old_steps != NULL && !json_is_object(old_steps)) {
		json_decref(answers);
		json_decref(steps);
		return wrong_type(d, "steps", "an object (format 1)",
		    old_steps);
	}
	if (old_steps != NULL)
		json_object_foreach(old_steps, key, value)
			json_array_append_new(steps, json_pack("{s:s, s:O}",
			    "id", key, "status", value));
	json_object_set_new(root, "answers", answers);
	json_object_set_new(root, "steps", steps);
	json_object_set_new(root, "format", json_integer(2));
	return 0;
}

static int
check_format(struct decoder *d, json_t *root, int *format)
{
	json_t *v = json_object_get(root, "format");

	if (v == NULL) {
		set_cause(d->cause, "%s: format: missing; this is not an "
		    "mlops-tui state file", d->name);
		return -1;
	}
	if (!json_is_integer(v))
		return wrong_type(d, "format", "an integer", v);
	*format = (int)json_integer_value(v);
	if (*format > STATE_FORMAT) {
		set_cause(d->cause, "%s: written by a newer mlops-tui (state "
		    "format %d; this one reads formats 1 to %d): use that "
		    "version or a later one", d->name, *format, STATE_FORMAT);
		return -1;
	}
	if (*format < 1) {
		set_cause(d->cause, "%s: format: %d is not a state format",
		    d->name, *format);
		return -1;
	}
	return 0;
}

/*
 * The answers a state holds keep the answers file's rules: a state edited
 * by hand must not name an environment ../../etc or a project a/b, which
 * become paths and URLs. Every problem is named; nothing is changed.
 */
static int
check_answers(struct decoder *d, const struct state *st)
{
	char *problems = answers_state_problems(st);

	if (problems == NULL)
		return 0;
	set_cause(d->cause, "%s: its answers break the rules the answers "
	    "file keeps (mlops-tui(5)); correct them or move the file "
	    "aside:\n%s", d->name, problems);
	free(problems);
	return -1;
}

int
state_parse(struct state **out, const char *name, const char *text,
    size_t len, char **cause)
{
	struct decoder d = { name, cause };
	json_error_t error;
	const char *key;
	json_t *root, *value;
	struct state *st;
	int format = 0;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &error);
	if (root == NULL) {
		set_cause(cause, "%s:%d:%d: not valid JSON: %s", name,
		    error.line, error.column, error.text);
		return -1;
	}
	if (!json_is_object(root)) {
		wrong_type(&d, "top level", "an object", root);
		json_decref(root);
		return -1;
	}
	if (check_format(&d, root, &format) == -1 ||
	    (format == 1 && migrate_1_to_2(&d, root) == -1)) {
		json_decref(root);
		return -1;
	}
	st = state_new();
	st->created = 0;
	st->migrated_from = format < STATE_FORMAT ? format : 0;
	json_object_foreach(root, key, value) {
		if (decode_top_field(&d, key, value, st) == -1) {
			json_decref(root);
			state_free(st);
			return -1;
		}
	}
	json_decref(root);
	if (check_answers(&d, st) == -1) {
		state_free(st);
		return -1;
	}
	*out = st;
	return 0;
}

/* ---- encoding ------------------------------------------------------- */

static json_t *
encode_map(const struct state_map *map)
{
	json_t *obj = json_object();

	for (size_t i = 0; i < map->count; i++)
		json_object_set_new(obj, map->keys[i],
		    json_string(map->values[i]));
	return obj;
}

static void
set_time(json_t *obj, const char *key, time_t t)
{
	char buf[TIMEFMT_LEN];

	if (t != 0)
		json_object_set_new(obj, key,
		    json_string(timefmt_iso8601(t, buf)));
}

static json_t *
encode_step(const struct state_step *step)
{
	json_t *obj = json_object();

	json_object_set_new(obj, "id", json_string(step->id));
	if (step->environment != NULL)
		json_object_set_new(obj, "environment",
		    json_string(step->environment));
	json_object_set_new(obj, "status",
	    json_string(step_status_word(step->status)));
	set_time(obj, "started", step->started);
	set_time(obj, "finished", step->finished);
	json_object_set_new(obj, "attempts", json_integer(step->attempts));
	if (step->last_error != NULL)
		json_object_set_new(obj, "last_error",
		    json_string(step->last_error));
	json_object_set_new(obj, "created", encode_map(&step->created));
	return obj;
}

char *
state_dump(const struct state *st)
{
	json_t *root = json_object(), *envs = json_array(), *steps =
	    json_array(), *env;
	char *text, *out;

	json_object_set_new(root, "format", json_integer(STATE_FORMAT));
	json_object_set_new(root, "generator", json_string(st->generator));
	json_object_set_new(root, "serial", json_integer((json_int_t)st->serial));
	set_time(root, "created", st->created);
	set_time(root, "updated", st->updated);
	json_object_set_new(root, "answers", encode_map(&st->answers));
	for (size_t i = 0; i < st->nenvironments; i++) {
		env = json_pack("{s:s}", "name", st->environments[i].name);
		json_object_set_new(env, "answers",
		    encode_map(&st->environments[i].answers));
		json_array_append_new(envs, env);
	}
	json_object_set_new(root, "environments", envs);
	for (size_t i = 0; i < st->nsteps; i++)
		json_array_append_new(steps, encode_step(&st->steps[i]));
	json_object_set_new(root, "steps", steps);
	text = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	if (text == NULL)
		abort(); /* jansson fails only on allocation */
	out = xasprintf("%s\n", text);
	free(text);
	return out;
}

/* ---- files ---------------------------------------------------------- */

/* How to get back to a good state after path turned out unreadable. */
static char *
recovery_advice(const char *path)
{
	char *bak = atomicfile_backup_path(path), *text = NULL, *ignored = NULL;
	struct state *st = NULL;
	char when[TIMEFMT_LEN];
	char *advice;
	size_t len;
	int rc;

	rc = atomicfile_read_private(bak, STATE_MAX_BYTES, &text, &len,
	    &ignored);
	if (rc == 0 && state_parse(&st, bak, text, len, &ignored) == 0)
		advice = xasprintf("The file was left as it is. The previous "
		    "save (serial %lu, %s) is in the backup; to go back to it:"
		    "\n  cp '%s' '%s'", st->serial,
		    timefmt_iso8601(st->updated, when), bak, path);
	else if (rc == 0)
		advice = xasprintf("The file was left as it is. Its backup %s "
		    "is damaged too; move both aside to start again: mlops-tui "
		    "probes what already exists, so nothing is created twice.",
		    bak);
	else
		advice = xasprintf("The file was left as it is and has no "
		    "backup; move it aside to start again: mlops-tui probes "
		    "what already exists, so nothing is created twice.");
	state_free(st);
	free(ignored);
	free(text);
	free(bak);
	return advice;
}

int
state_load(struct state **out, const char *path, char **cause)
{
	char *text = NULL, *advice;
	size_t len;
	int rc;

	rc = atomicfile_read_private(path, STATE_MAX_BYTES, &text, &len, cause);
	if (rc == ATOMICFILE_ENOENT)
		return STATE_ENOENT;
	if (rc == 0)
		rc = state_parse(out, path, text, len, cause);
	free(text);
	if (rc == -1 && cause != NULL && *cause != NULL &&
	    strstr(*cause, "newer mlops-tui") == NULL) {
		advice = recovery_advice(path);
		text = xasprintf("%s\n%s", *cause, advice);
		free(*cause);
		*cause = text;
		free(advice);
	}
	return rc;
}

/* Whether the file at path already holds what st would be saved as (with
 * its serial and time unchanged): such a save would change nothing. */
static bool
unchanged_on_disk(const struct state *st, const char *path)
{
	char *text = state_dump(st), *disk = NULL, *cause = NULL;
	size_t len = 0;
	bool same = atomicfile_read_private(path, STATE_MAX_BYTES, &disk, &len,
	    &cause) == 0 && len == strlen(text) && memcmp(disk, text, len) == 0;

	free(text);
	free(disk);
	free(cause);
	return same;
}

int
state_save(struct state *st, const char *path, char **cause)
{
	char *text;
	int rc;

	/* A save that changes nothing leaves the file as it is. */
	if (st->serial > 0 && unchanged_on_disk(st, path))
		return 0;
	st->serial++;
	st->updated = time(NULL);
	if (st->created == 0)
		st->created = st->updated;
	free(st->generator);
	st->generator = xstrdup(PACKAGE_NAME " " PACKAGE_VERSION);
	text = state_dump(st);
	rc = atomicfile_write(path, text, strlen(text), 0600, 1, cause);
	free(text);
	if (rc == -1)
		st->serial--;
	return rc;
}

/* Remove the temporary files that a crash in the middle of a save left. */
static void
remove_crash_leftovers(const char *path)
{
	char *pattern = xasprintf("%s.tmp.*", path);
	glob_t g;

	if (glob(pattern, GLOB_NOSORT, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			unlink(g.gl_pathv[i]);
		globfree(&g);
	}
	free(pattern);
}

/* Keep the bytes of a file in an older format before rewriting it. */
static int
keep_old_format(const char *path, int format, char **cause)
{
	char *text = NULL, *copy = xasprintf("%s.v%d.bak", path, format);
	size_t len;
	int rc;

	rc = atomicfile_read_private(path, STATE_MAX_BYTES, &text, &len, cause);
	if (rc == 0)
		rc = atomicfile_write(copy, text, len, 0600, 0, cause);
	free(text);
	free(copy);
	return rc == 0 ? 0 : -1;
}

static int
open_locked(struct state_session *s, char **cause)
{
	int rc = state_load(&s->state, s->path, cause);

	if (rc == STATE_ENOENT) {
		s->state = state_new();
		return 0;
	}
	if (rc == -1)
		return -1;
	if (s->state->migrated_from != 0) {
		if (keep_old_format(s->path, s->state->migrated_from, cause)
		    == -1 || state_save(s->state, s->path, cause) == -1)
			return -1;
		s->state->migrated_from = 0;
	}
	return 0;
}

int
state_open(struct state_session **out, const char *path, char **cause)
{
	struct state_session *s = xcalloc(1, sizeof *s);
	char *copy = xstrdup(path), *lock_path;
	int rc;

	s->path = xstrdup(path);
	rc = paths_ensure_private_dir(dirname(copy), cause);
	free(copy);
	if (rc == 0) {
		lock_path = xasprintf("%s.lock", path);
		rc = lockfile_acquire(&s->lock, lock_path, cause);
		free(lock_path);
		if (rc == LOCKFILE_BUSY)
			rc = STATE_BUSY;
	}
	if (rc == 0) {
		remove_crash_leftovers(path);
		rc = open_locked(s, cause);
	}
	if (rc != 0) {
		state_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int
state_session_save(struct state_session *session, char **cause)
{
	return state_save(session->state, session->path, cause);
}

void
state_close(struct state_session *session)
{
	if (session == NULL)
		return;
	state_free(session->state);
	lockfile_release(session->lock);
	free(session->path);
	free(session);
}
