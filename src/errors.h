/*
 * The known failures (templates/errors.yml): text that shows up in an
 * error, tied to what it means, how to fix it and the step to go back to.
 * The wizard, `apply`, `doctor` and the man page all read this one file.
 *
 * Loaded strictly: unknown or missing keys, duplicate ids, a step the
 * catalogue does not have and a pitfall outside 1..21 are errors. A loaded
 * table is immutable and owns its strings.
 */
#ifndef MT_ERRORS_H
#define MT_ERRORS_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"

#define ERRORS_FORMAT 1

struct known_error {
	char *id;
	int pitfall;                   /* 0: none */
	char *step;
	char **match;                  /* plain text, any case */
	size_t nmatch;
	char *explanation;
	char *fix;
	bool retry;
};

struct errors {
	struct known_error *list;
	size_t count;
};

/* Parse text (named name in messages); cat, when given, checks steps. */
int errors_parse(struct errors **out, const char *name, const char *text,
    size_t len, const struct catalog *cat, char **cause);
/* Load the file at path. */
int errors_load(struct errors **out, const char *path,
    const struct catalog *cat, char **cause);
void errors_free(struct errors *e);

const struct known_error *errors_find(const struct errors *e, const char *id);
/* The first entry one of whose patterns occurs in text, or NULL. */
const struct known_error *errors_match(const struct errors *e,
    const char *text);

/* What explains a failure: the entry id names (NULL: none), else the
 * first one matching text (NULL: none); NULL when neither does. */
const struct known_error *errors_explain(const struct errors *e,
    const char *id, const char *text);

/*
 * text with each {key} of keys replaced by its value (the operator's
 * answers); unknown placeholders stay as they are. Caller frees.
 */
char *errors_fill(const char *text, const char *const *keys,
    const char *const *values, size_t n);

#endif
