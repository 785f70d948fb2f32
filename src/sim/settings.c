/*
 * The rules of the sandbox's settings. Out of range, a value did harm
 * far from where it was given: time_scale 1e308 turned every simulated
 * wait into an overflowed integer, a negative interval made the device
 * flow answer before it was asked, a string where a list belongs was read
 * as an empty list. Each is refused where it is given, with the range.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "sim/settings.h"
#include "xalloc.h"

enum kind {
	K_BOOLEAN,
	K_STRING,
	K_NUMBER,        /* any number within the range */
	K_WHOLE,         /* an integer within the range: read as one */
	K_STRINGS,       /* a list of strings */
	K_STRINGS_OR_NULL,
	K_STRING_OR_NULL,
	K_ANY,
};

struct rule {
	const char *name;
	enum kind kind;
	double min, max;
};

/* The numbers, and what a null means; a setting left out keeps the type
 * of its value in a new world (rule_for). */
static const struct rule rules[] = {
	{ "time_scale", K_NUMBER, 0, 100 },       /* as --time-scale */
	{ "device_interval_s", K_WHOLE, 0, 3600 },
	{ "device_auto_approve_polls", K_WHOLE, 0, 1000000 },
	{ "token_lifetime_s", K_WHOLE, 0, 86400 },
	{ "replication_delay_ms", K_WHOLE, 0, 600000 },
	{ "pat_scopes", K_STRINGS_OR_NULL, 0, 0 },
	/* Settings whose null means "none": the type of the value they
	 * hold now is not the type they keep. */
	{ "role_assignment_condition", K_STRING_OR_NULL, 0, 0 },
	{ "exhausted_quota", K_STRINGS, 0, 0 },
	{ "pats_restricted", K_BOOLEAN, 0, 0 },
};

static struct rule
rule_for(const char *name, json_t *current)
{
	struct rule r = { name, K_ANY, 0, 0 };

	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (strcmp(rules[i].name, name) == 0)
			return rules[i];
	if (json_is_boolean(current))
		r.kind = K_BOOLEAN;
	else if (json_is_string(current))
		r.kind = K_STRING;
	else if (json_is_array(current))
		r.kind = K_STRINGS;
	else if (json_is_integer(current)) {
		r.kind = K_WHOLE;
		r.max = 1e9;
	}
	return r;
}

static bool
all_strings(json_t *list)
{
	json_t *item;
	size_t i;

	json_array_foreach(list, i, item)
		if (!json_is_string(item))
			return false;
	return true;
}

static bool
in_range(const struct rule *r, json_t *value)
{
	double v = json_number_value(value);

	/* The handlers read a whole setting with json_integer_value, which
	 * makes 2.0 a 0. */
	if (r->kind == K_WHOLE && !json_is_integer(value))
		return false;
	return json_is_number(value) && v >= r->min && v <= r->max;
}

/* NULL when value suits r, else what it should be. */
static char *
refusal(const struct rule *r, json_t *value)
{
	switch (r->kind) {
	case K_BOOLEAN:
		return json_is_boolean(value) ? NULL : xasprintf("'%s' must "
		    "be true or false.", r->name);
	case K_STRING:
		return json_is_string(value) ? NULL : xasprintf("'%s' must "
		    "be a string.", r->name);
	case K_NUMBER:
	case K_WHOLE:
		return in_range(r, value) ? NULL : xasprintf("'%s' must be a "
		    "%s from %.15g to %.15g.", r->name, r->kind == K_WHOLE ?
		    "whole number" : "number", r->min, r->max);
	case K_STRINGS:
		return json_is_array(value) && all_strings(value) ? NULL :
		    xasprintf("'%s' must be a list of strings.", r->name);
	case K_STRINGS_OR_NULL:
		return json_is_null(value) || (json_is_array(value) &&
		    all_strings(value)) ? NULL : xasprintf("'%s' must be null "
		    "or a list of strings.", r->name);
	case K_STRING_OR_NULL:
		return json_is_null(value) || json_is_string(value) ? NULL :
		    xasprintf("'%s' must be null or a string.", r->name);
	default:
		return NULL;
	}
}

int
settings_check(json_t *settings, json_t *patch, char **why)
{
	const char *key;
	json_t *value, *current;
	struct rule r;

	if (!json_is_object(patch)) {
		*why = xstrdup("The settings must be a JSON object.");
		return SETTINGS_INVALID;
	}
	json_object_foreach(patch, key, value) {
		current = json_object_get(settings, key);
		if (current == NULL) {
			*why = xasprintf("'%s' is not a sandbox setting.", key);
			return SETTINGS_UNKNOWN;
		}
		r = rule_for(key, current);
		if ((*why = refusal(&r, value)) != NULL)
			return SETTINGS_INVALID;
	}
	return 0;
}
