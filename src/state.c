/* The state model: answers, environments and step records (on disk: statefile.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"
#include "state.h"
#include "xalloc.h"

static const struct {
	const char *word;
	const char *meaning;
} step_statuses[] = {
#define X(e, word, meaning) { word, meaning },
	STEP_STATUS_LIST(X)
#undef X
};

const char *
step_status_word(enum step_status status)
{
	return step_statuses[status].word;
}

const char *
step_status_meaning(enum step_status status)
{
	return step_statuses[status].meaning;
}

bool
step_status_parse(const char *word, enum step_status *out)
{
	for (int i = 0; i < STEP_STATUS_COUNT; i++) {
		if (strcmp(word, step_statuses[i].word) == 0) {
			*out = (enum step_status)i;
			return true;
		}
	}
	return false;
}

/* ---- string maps ---------------------------------------------------- */

const char *
state_map_get(const struct state_map *map, const char *key)
{
	for (size_t i = 0; i < map->count; i++)
		if (strcmp(map->keys[i], key) == 0)
			return map->values[i];
	return NULL;
}

void
state_map_set(struct state_map *map, const char *key, const char *value)
{
	for (size_t i = 0; i < map->count; i++) {
		if (strcmp(map->keys[i], key) == 0) {
			free(map->values[i]);
			map->values[i] = xstrdup(value);
			return;
		}
	}
	map->keys = xreallocarray(map->keys, map->count, sizeof *map->keys);
	map->values = xreallocarray(map->values, map->count,
	    sizeof *map->values);
	map->keys[map->count] = xstrdup(key);
	map->values[map->count] = xstrdup(value);
	map->count++;
}

void
state_map_remove(struct state_map *map, const char *key)
{
	for (size_t i = 0; i < map->count; i++) {
		if (strcmp(map->keys[i], key) != 0)
			continue;
		free(map->keys[i]);
		free(map->values[i]);
		memmove(&map->keys[i], &map->keys[i + 1], (map->count - i - 1) *
		    sizeof *map->keys);
		memmove(&map->values[i], &map->values[i + 1], (map->count - i -
		    1) * sizeof *map->values);
		map->count--;
		return;
	}
}

static char *
prefixed(const char *prefix, const char *key)
{
	return xasprintf("%s%s", prefix, key);
}

bool
state_created_found(const struct state_map *created, const char *key)
{
	char *k = prefixed(STATE_FOUND_PREFIX, key);
	const char *v = state_map_get(created, k);

	free(k);
	return v != NULL && strcmp(v, "true") == 0;
}

void
state_created_set_found(struct state_map *created, const char *key,
    const char *value)
{
	char *k = prefixed(STATE_FOUND_PREFIX, key);

	state_map_set(created, key, value);
	state_map_set(created, k, "true");
	free(k);
}

void
state_created_set_removed(struct state_map *created, const char *key)
{
	const char *v = state_map_get(created, key);
	char *k = prefixed(STATE_REMOVED_PREFIX, key);

	if (v != NULL) {
		state_map_set(created, k, v);
		state_map_remove(created, key);
	}
	free(k);
}

static void
map_clear(struct state_map *map)
{
	for (size_t i = 0; i < map->count; i++) {
		free(map->keys[i]);
		free(map->values[i]);
	}
	free(map->keys);
	free(map->values);
	memset(map, 0, sizeof *map);
}

/* ---- the model ------------------------------------------------------ */

struct state *
state_new(void)
{
	struct state *st = xcalloc(1, sizeof *st);

	st->created = time(NULL);
	st->generator = xstrdup(PACKAGE_NAME " " PACKAGE_VERSION);
	return st;
}

void
state_free(struct state *st)
{
	if (st == NULL)
		return;
	map_clear(&st->answers);
	for (size_t i = 0; i < st->nenvironments; i++) {
		free(st->environments[i].name);
		map_clear(&st->environments[i].answers);
	}
	free(st->environments);
	for (size_t i = 0; i < st->nsteps; i++) {
		free(st->steps[i].id);
		free(st->steps[i].environment);
		free(st->steps[i].last_error);
		map_clear(&st->steps[i].created);
	}
	free(st->steps);
	free(st->generator);
	free(st);
}

int
state_set_answer(struct state *st, const char *key, const char *value,
    char **cause)
{
	if (secret_is_secret_name(key)) {
		set_cause(cause, "answer '%s' would hold a secret; secrets are "
		    "never written to the state file", key);
		return -1;
	}
	state_map_set(&st->answers, key, value);
	return 0;
}

const struct state_environment *
state_environment_find(const struct state *st, const char *name)
{
	for (size_t i = 0; i < st->nenvironments; i++)
		if (strcmp(st->environments[i].name, name) == 0)
			return &st->environments[i];
	return NULL;
}

struct state_environment *
state_environment(struct state *st, const char *name)
{
	struct state_environment *env;

	env = (struct state_environment *)state_environment_find(st, name);
	if (env != NULL)
		return env;
	st->environments = xreallocarray(st->environments, st->nenvironments,
	    sizeof *st->environments);
	env = &st->environments[st->nenvironments++];
	memset(env, 0, sizeof *env);
	env->name = xstrdup(name);
	return env;
}

static bool
same_environment(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

const struct state_step *
state_step_find(const struct state *st, const char *id, const char *env)
{
	for (size_t i = 0; i < st->nsteps; i++)
		if (strcmp(st->steps[i].id, id) == 0 &&
		    same_environment(st->steps[i].environment, env))
			return &st->steps[i];
	return NULL;
}

struct state_step *
state_step(struct state *st, const char *id, const char *env)
{
	struct state_step *step;

	step = (struct state_step *)state_step_find(st, id, env);
	if (step != NULL)
		return step;
	st->steps = xreallocarray(st->steps, st->nsteps, sizeof *st->steps);
	step = &st->steps[st->nsteps++];
	memset(step, 0, sizeof *step);
	step->id = xstrdup(id);
	step->environment = xstrdup_or_null(env);
	step->status = STEP_PENDING;
	return step;
}
