/* Loading the known failures and matching error text against them. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "atomicfile.h"
#include "errors.h"
#include "xalloc.h"
#include "yamljson.h"

#define ERRORS_MAX_BYTES (1u << 20)

static const char *const entry_keys[] = {
	"id", "pitfall", "step", "match", "explanation", "fix", "retry",
};

static bool
valid_id(const char *id)
{
	if (*id == '\0')
		return false;
	for (; *id != '\0'; id++)
		if (!((*id >= 'a' && *id <= 'z') || (*id >= '0' && *id <= '9') ||
		    *id == '-'))
			return false;
	return true;
}

static int
check_keys(json_t *entry, const char *where, char **cause)
{
	const char *key;
	json_t *value;
	size_t i;

	json_object_foreach(entry, key, value) {
		for (i = 0; i < sizeof entry_keys / sizeof entry_keys[0]; i++)
			if (strcmp(key, entry_keys[i]) == 0)
				break;
		if (i == sizeof entry_keys / sizeof entry_keys[0])
			return cause_error(cause,
			    "%s: unknown key '%s' (allowed: id, "
			    "pitfall, step, match, explanation, fix, retry)",
			    where, key);
	}
	return 0;
}

/* The required text field key of entry, copied to *out. */
static int
take_text(json_t *entry, const char *key, const char *where, char **out,
    char **cause)
{
	const char *s = json_string_value(json_object_get(entry, key));

	if (s == NULL || *s == '\0')
		return cause_error(cause,
		    "%s: '%s' is missing or not text", where, key);
	*out = xstrdup(s);
	return 0;
}

static int
take_match(json_t *entry, const char *where, struct known_error *k,
    char **cause)
{
	json_t *list = json_object_get(entry, "match"), *item;
	size_t i;

	if (!json_is_array(list) || json_array_size(list) == 0)
		return cause_error(cause,
		    "%s: 'match' must be a non-empty list of "
		    "texts", where);
	k->match = xcalloc(json_array_size(list), sizeof *k->match);
	json_array_foreach(list, i, item) {
		if (!json_is_string(item) || json_string_length(item) == 0)
			return cause_error(cause,
			    "%s: match %zu is not text", where,
			    i + 1);
		k->match[k->nmatch++] = xstrdup(json_string_value(item));
	}
	return 0;
}

static int
take_options(json_t *entry, const char *where, struct known_error *k,
    char **cause)
{
	const char *pitfall = json_string_value(json_object_get(entry,
	    "pitfall")), *retry = json_string_value(json_object_get(entry,
	    "retry"));
	char *end;

	if (json_object_get(entry, "pitfall") != NULL) {
		k->pitfall = pitfall ? (int)strtol(pitfall, &end, 10) : 0;
		if (pitfall == NULL || *end != '\0' || k->pitfall < 1 ||
		    k->pitfall > CATALOG_PITFALLS)
			return cause_error(cause,
			    "%s: pitfall must be a number from "
			    "1 to %d", where, CATALOG_PITFALLS);
	}
	if (json_object_get(entry, "retry") != NULL) {
		if (retry == NULL || (strcmp(retry, "true") != 0 &&
		    strcmp(retry, "false") != 0))
			return cause_error(cause,
			    "%s: retry must be true or false",
			    where);
		k->retry = strcmp(retry, "true") == 0;
	}
	return 0;
}

static int
decode_entry(json_t *entry, const char *name, size_t index,
    struct known_error *k, const struct catalog *cat, char **cause)
{
	char *where = xasprintf("%s: error %zu", name, index + 1);
	int rc = -1;

	if (!json_is_object(entry))
		cause_error(cause, "%s: expected a mapping", where);
	else if (check_keys(entry, where, cause) == 0 &&
	    take_text(entry, "id", where, &k->id, cause) == 0) {
		free(where);
		where = xasprintf("%s: error '%s'", name, k->id);
		if (!valid_id(k->id))
			cause_error(cause,
			    "%s: an id takes lowercase letters, digits "
			    "and '-'", where);
		else if (take_text(entry, "step", where, &k->step, cause) ==
		    0 && take_text(entry, "explanation", where,
		    &k->explanation, cause) == 0 && take_text(entry, "fix",
		    where, &k->fix, cause) == 0 && take_match(entry, where, k,
		    cause) == 0 && take_options(entry, where, k, cause) == 0)
			rc = 0;
		if (rc == 0 && cat != NULL && catalog_step_find(cat,
		    k->step) == NULL)
			rc = cause_error(cause, "%s: step '%s' is not in the "
			    "catalogue", where, k->step);
	}
	free(where);
	return rc;
}

static int
decode_all(json_t *root, const char *name, struct errors *e,
    const struct catalog *cat, char **cause)
{
	json_t *list = json_object_get(root, "errors"), *entry;
	const char *format = json_string_value(json_object_get(root, "format"));
	size_t i;

	if (!json_is_object(root) || json_object_size(root) != 2 ||
	    !json_is_array(list) || format == NULL)
		return cause_error(cause,
		    "%s: expected exactly the keys format and "
		    "errors", name);
	if (strcmp(format, "1") != 0)
		return cause_error(cause,
		    "%s: format %s: this mlops-tui reads format "
		    "%d only", name, format, ERRORS_FORMAT);
	e->list = xcalloc(json_array_size(list) + 1, sizeof *e->list);
	json_array_foreach(list, i, entry) {
		e->count++;
		if (decode_entry(entry, name, i, &e->list[i], cat, cause) == -1)
			return -1;
		if (errors_find(e, e->list[i].id) != &e->list[i])
			return cause_error(cause,
			    "%s: error '%s' appears twice", name,
			    e->list[i].id);
	}
	return 0;
}

int
errors_parse(struct errors **out, const char *name, const char *text,
    size_t len, const struct catalog *cat, char **cause)
{
	struct errors *e = xcalloc(1, sizeof *e);
	char *why = NULL;
	json_t *root = yamljson_parse(text, len, &why);
	int rc;

	if (root == NULL)
		rc = cause_error(cause, "%s: not valid YAML: %s", name, why);
	else
		rc = decode_all(root, name, e, cat, cause);
	free(why);
	json_decref(root);
	if (rc == -1) {
		errors_free(e);
		return -1;
	}
	*out = e;
	return 0;
}

int
errors_load(struct errors **out, const char *path,
    const struct catalog *cat, char **cause)
{
	char *text = NULL;
	size_t len;
	int rc = atomicfile_read(path, ERRORS_MAX_BYTES, &text, &len, cause);

	if (rc == ATOMICFILE_ENOENT)
		return cause_error(cause,
		    "%s: the known failures are missing (is "
		    "mlops-tui installed completely?)", path);
	if (rc == 0)
		rc = errors_parse(out, path, text, len, cat, cause);
	free(text);
	return rc;
}

void
errors_free(struct errors *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->count; i++) {
		struct known_error *k = &e->list[i];

		free(k->id);
		free(k->step);
		for (size_t j = 0; j < k->nmatch; j++)
			free(k->match[j]);
		free(k->match);
		free(k->explanation);
		free(k->fix);
	}
	free(e->list);
	free(e);
}

const struct known_error *
errors_find(const struct errors *e, const char *id)
{
	for (size_t i = 0; i < e->count; i++)
		if (e->list[i].id != NULL && strcmp(e->list[i].id, id) == 0)
			return &e->list[i];
	return NULL;
}

/* Whether needle occurs in haystack, ignoring ASCII case. */
static bool
contains_nocase(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack != '\0'; haystack++)
		if (strncasecmp(haystack, needle, n) == 0)
			return true;
	return false;
}

const struct known_error *
errors_match(const struct errors *e, const char *text)
{
	for (size_t i = 0; text != NULL && i < e->count; i++)
		for (size_t j = 0; j < e->list[i].nmatch; j++)
			if (contains_nocase(text, e->list[i].match[j]))
				return &e->list[i];
	return NULL;
}

char *
errors_fill(const char *text, const char *const *keys,
    const char *const *values, size_t n)
{
	size_t cap = strlen(text) + 1, len = 0, k, klen;
	char *out = xmalloc(cap);

	while (*text != '\0') {
		for (k = 0; *text == '{' && k < n; k++) {
			klen = strlen(keys[k]);
			if (values[k] != NULL && strncmp(text + 1, keys[k],
			    klen) == 0 && text[klen + 1] == '}')
				break;
		}
		if (*text == '{' && k < n) {
			cap += strlen(values[k]);
			out = xrealloc(out, cap);
			memcpy(out + len, values[k], strlen(values[k]));
			len += strlen(values[k]);
			text += klen + 2;
		} else
			out[len++] = *text++;
	}
	out[len] = '\0';
	return out;
}

const struct known_error *
errors_explain(const struct errors *e, const char *id, const char *text)
{
	const struct known_error *k = id != NULL ? errors_find(e, id) : NULL;

	if (k == NULL && text != NULL)
		k = errors_match(e, text);
	return k;
}
