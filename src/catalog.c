/* Loading and validating the step catalogue with libyaml. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "atomicfile.h"
#include "catalog.h"
#include "xalloc.h"

#define CATALOG_MAX_BYTES (1u << 20)

/* ---- generic, table-driven decoding of YAML mappings --------------- */

enum field_type { F_STRING, F_LIST, F_BOOL, F_WHEN, F_FORMAT };

struct field {
	const char *key;
	enum field_type type;
	size_t offset;
	bool required;
};

struct loader {
	const char *name;
	yaml_document_t *doc;
	char **cause;
};

static int
fail_at(struct loader *l, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail_at(struct loader *l, const yaml_node_t *node, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	set_cause(l->cause, "%s:%zu:%zu: %s", l->name,
	    node->start_mark.line + 1, node->start_mark.column + 1, msg);
	free(msg);
	return -1;
}

static const char *
node_kind(const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_SCALAR_NODE: return "a scalar";
	case YAML_SEQUENCE_NODE: return "a list";
	case YAML_MAPPING_NODE: return "a mapping";
	default: return "nothing";
	}
}

static const char *
scalar(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

static int
want_scalar(struct loader *l, const yaml_node_t *node, const char *key)
{
	if (node->type == YAML_SCALAR_NODE && node->data.scalar.length > 0)
		return 0;
	return fail_at(l, node, "%s: expected a non-empty value, found %s",
	    key, node->type == YAML_SCALAR_NODE ? "an empty one" :
	    node_kind(node));
}

static int
decode_list(struct loader *l, yaml_node_t *node, const char *key,
    struct catalog_list *list)
{
	yaml_node_item_t *item;
	yaml_node_t *child;

	if (node->type != YAML_SEQUENCE_NODE)
		return fail_at(l, node, "%s: expected a list, found %s", key,
		    node_kind(node));
	for (item = node->data.sequence.items.start;
	    item < node->data.sequence.items.top; item++) {
		child = yaml_document_get_node(l->doc, *item);
		if (want_scalar(l, child, key) == -1)
			return -1;
		list->items = xreallocarray(list->items, list->count,
		    sizeof *list->items);
		list->items[list->count++] = xstrdup(scalar(child));
	}
	return 0;
}

static int
decode_bool(struct loader *l, yaml_node_t *node, const char *key, bool *out)
{
	if (node->type == YAML_SCALAR_NODE && strcmp(scalar(node), "true") == 0)
		*out = true;
	else if (node->type == YAML_SCALAR_NODE &&
	    strcmp(scalar(node), "false") == 0)
		*out = false;
	else
		return fail_at(l, node, "%s: expected true or false", key);
	return 0;
}

static int
decode_when(struct loader *l, yaml_node_t *node, const char *key,
    struct catalog_step *step)
{
	yaml_node_pair_t *pair;
	yaml_node_t *k, *v;

	if (node->type != YAML_MAPPING_NODE)
		return fail_at(l, node, "%s: expected a mapping of input: "
		    "value, found %s", key, node_kind(node));
	for (pair = node->data.mapping.pairs.start;
	    pair < node->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(l->doc, pair->key);
		v = yaml_document_get_node(l->doc, pair->value);
		if (want_scalar(l, k, key) == -1 ||
		    want_scalar(l, v, key) == -1)
			return -1;
		step->when = xreallocarray(step->when, step->nwhen,
		    sizeof *step->when);
		step->when[step->nwhen].input = xstrdup(scalar(k));
		step->when[step->nwhen].value = xstrdup(scalar(v));
		step->nwhen++;
	}
	return 0;
}

static int
decode_field(struct loader *l, const struct field *f, yaml_node_t *value,
    void *base)
{
	char *p = (char *)base + f->offset;

	switch (f->type) {
	case F_STRING:
		if (value->type != YAML_SCALAR_NODE)
			return fail_at(l, value, "%s: expected text, found %s",
			    f->key, node_kind(value));
		*(char **)p = xstrdup(scalar(value));
		return 0;
	case F_FORMAT:
		if (value->type != YAML_SCALAR_NODE ||
		    atoi(scalar(value)) != CATALOG_FORMAT)
			return fail_at(l, value, "format: this mlops-tui reads "
			    "catalogue format %d only", CATALOG_FORMAT);
		return 0;
	case F_LIST:
		return decode_list(l, value, f->key, (struct catalog_list *)(void *)p);
	case F_BOOL:
		return decode_bool(l, value, f->key, (bool *)p);
	case F_WHEN:
		return decode_when(l, value, f->key, base);
	}
	return -1;
}

static char *
allowed_keys(const struct field *fields, size_t n)
{
	char *list = xstrdup(""), *next;

	for (size_t i = 0; i < n; i++) {
		next = xasprintf("%s%s%s", list, i ? ", " : "", fields[i].key);
		free(list);
		list = next;
	}
	return list;
}

static int
unknown_key(struct loader *l, yaml_node_t *key, const char *what,
    const struct field *fields, size_t n)
{
	char *allowed = allowed_keys(fields, n);

	fail_at(l, key, "unknown key '%s' in %s (allowed: %s)", scalar(key),
	    what, allowed);
	free(allowed);
	return -1;
}

/* Decode mapping node into base through fields; what names it in errors. */
static int
decode_mapping(struct loader *l, yaml_node_t *node, const char *what,
    const struct field *fields, size_t n, void *base)
{
	bool seen[16] = { false };
	yaml_node_pair_t *pair;
	yaml_node_t *k;
	size_t i;

	if (node->type != YAML_MAPPING_NODE)
		return fail_at(l, node, "%s: expected a mapping, found %s", what,
		    node_kind(node));
	for (pair = node->data.mapping.pairs.start;
	    pair < node->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(l->doc, pair->key);
		if (k->type != YAML_SCALAR_NODE)
			return fail_at(l, k, "%s: keys must be plain words",
			    what);
		for (i = 0; i < n && strcmp(fields[i].key, scalar(k)) != 0; i++)
			;
		if (i == n)
			return unknown_key(l, k, what, fields, n);
		if (seen[i])
			return fail_at(l, k, "key '%s' appears twice in %s",
			    scalar(k), what);
		seen[i] = true;
		if (decode_field(l, &fields[i],
		    yaml_document_get_node(l->doc, pair->value), base) == -1)
			return -1;
	}
	for (i = 0; i < n; i++)
		if (fields[i].required && !seen[i])
			return fail_at(l, node, "%s: missing required key '%s'",
			    what, fields[i].key);
	return 0;
}

/* ---- the catalogue's shape ------------------------------------------ */

#define ENTRY(key, member, req) \
	{ key, F_STRING, offsetof(struct catalog_entry, member), req }
static const struct field role_fields[] = {
	ENTRY("id", id, true), ENTRY("title", title, true),
};
static const struct field input_fields[] = {
	ENTRY("id", id, true), ENTRY("title", title, true),
	ENTRY("default", extra, false),
};
static const struct field section_fields[] = {
	ENTRY("id", id, true), ENTRY("title", title, true),
	ENTRY("guide", extra, true),
};
#undef ENTRY

#define STEP(key, type, member, req) \
	{ key, type, offsetof(struct catalog_step, member), req }
static const struct field step_fields[] = {
	STEP("id", F_STRING, id, true),
	STEP("section", F_STRING, section, true),
	STEP("title", F_STRING, title, true),
	STEP("kind", F_STRING, kind_word, true),
	STEP("who", F_LIST, who, true),
	STEP("needs", F_LIST, needs, false),
	STEP("proves", F_LIST, proves, false),
	STEP("inputs", F_LIST, inputs, false),
	STEP("per_environment", F_BOOL, per_environment, false),
	STEP("when", F_WHEN, when, false),
	STEP("pitfalls", F_LIST, pitfalls, false),
	STEP("what", F_STRING, what, true),
	STEP("manual", F_STRING, manual, true),
};
#undef STEP

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

/* Each top-level key is a list of mappings with its own field table. */
struct section_spec {
	const char *key;
	const char *what; /* singular, for messages */
	const struct field *fields;
	size_t nfields;
	size_t elem_size;
	size_t line_offset;
	size_t array_offset;
	size_t count_offset;
};

#define SPEC(key, what, fields, type, array, count)                      \
	{ key, what, fields, NFIELDS(fields), sizeof(type),               \
	  offsetof(type, line), offsetof(struct catalog, array),           \
	  offsetof(struct catalog, count) }
static const struct section_spec top_lists[] = {
	SPEC("roles", "role", role_fields, struct catalog_entry, roles,
	    nroles),
	SPEC("inputs", "input", input_fields, struct catalog_entry, inputs,
	    ninputs),
	SPEC("sections", "section", section_fields, struct catalog_entry,
	    sections, nsections),
	SPEC("steps", "step", step_fields, struct catalog_step, steps,
	    nsteps),
};
#undef SPEC

static int
decode_top_list(struct loader *l, const struct section_spec *spec,
    yaml_node_t *node, struct catalog *cat)
{
	void **array = (void **)((char *)cat + spec->array_offset);
	size_t *count = (size_t *)((char *)cat + spec->count_offset);
	yaml_node_item_t *item;
	yaml_node_t *child;
	char *elem;

	if (node->type != YAML_SEQUENCE_NODE)
		return fail_at(l, node, "%s: expected a list, found %s",
		    spec->key, node_kind(node));
	for (item = node->data.sequence.items.start;
	    item < node->data.sequence.items.top; item++) {
		child = yaml_document_get_node(l->doc, *item);
		*array = xreallocarray(*array, *count, spec->elem_size);
		elem = (char *)*array + *count * spec->elem_size;
		memset(elem, 0, spec->elem_size);
		(*count)++;
		*(int *)(void *)(elem + spec->line_offset) =
		    (int)child->start_mark.line + 1;
		if (decode_mapping(l, child, spec->what, spec->fields,
		    spec->nfields, elem) == -1)
			return -1;
	}
	return 0;
}

static int
decode_top(struct loader *l, yaml_node_t *root, struct catalog *cat)
{
	static const char *const order[] = { "format", "roles", "inputs",
		"sections", "steps" };
	bool seen[5] = { false };
	yaml_node_pair_t *pair;
	yaml_node_t *k, *v;
	size_t i;

	if (root == NULL || root->type != YAML_MAPPING_NODE)
		return fail_at(l, root, "expected a mapping with format, roles, "
		    "inputs, sections and steps");
	for (pair = root->data.mapping.pairs.start;
	    pair < root->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(l->doc, pair->key);
		v = yaml_document_get_node(l->doc, pair->value);
		for (i = 0; i < 5 && (k->type != YAML_SCALAR_NODE ||
		    strcmp(scalar(k), order[i]) != 0); i++)
			;
		if (i == 5)
			return fail_at(l, k, "unknown key '%s' at the top level "
			    "(allowed: format, roles, inputs, sections, steps)",
			    k->type == YAML_SCALAR_NODE ? scalar(k) : "?");
		if (seen[i])
			return fail_at(l, k, "key '%s' appears twice",
			    order[i]);
		seen[i] = true;
		if (i == 0 && decode_field(l, &(struct field){ "format",
		    F_FORMAT, 0, true }, v, cat) == -1)
			return -1;
		if (i > 0 && decode_top_list(l, &top_lists[i - 1], v, cat)
		    == -1)
			return -1;
	}
	for (i = 0; i < 5; i++)
		if (!seen[i])
			return fail_at(l, root, "missing required key '%s' at "
			    "the top level", order[i]);
	return 0;
}

/* ---- validation ----------------------------------------------------- */

static int
fail_line(struct loader *l, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail_line(struct loader *l, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	set_cause(l->cause, "%s:%d: %s", l->name, line, msg);
	free(msg);
	return -1;
}

static bool
valid_id(const char *id)
{
	if (!islower((unsigned char)id[0]))
		return false;
	for (const char *p = id; *p != '\0'; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '-' && *p != '_')
			return false;
	return true;
}

static const struct catalog_entry *
entry_find(const struct catalog_entry *list, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].id, id) == 0)
			return &list[i];
	return NULL;
}

static int
check_entries(struct loader *l, const struct catalog_entry *list, size_t n,
    const char *what)
{
	for (size_t i = 0; i < n; i++) {
		if (!valid_id(list[i].id))
			return fail_line(l, list[i].line, "%s id '%s': use "
			    "lowercase letters, digits, '-' and '_', starting "
			    "with a letter", what, list[i].id);
		if (entry_find(list, i, list[i].id) != NULL)
			return fail_line(l, list[i].line, "%s id '%s' is "
			    "defined twice", what, list[i].id);
	}
	return 0;
}

static int
check_references(struct loader *l, const struct catalog_step *step,
    const struct catalog_list *refs, const struct catalog_entry *list,
    size_t n, const char *key)
{
	for (size_t i = 0; i < refs->count; i++)
		if (entry_find(list, n, refs->items[i]) == NULL)
			return fail_line(l, step->line, "step '%s': %s: '%s' "
			    "is not defined", step->id, key, refs->items[i]);
	return 0;
}

/* Every {name} in text must be an input. */
static int
check_placeholders(struct loader *l, const struct catalog *cat,
    const struct catalog_step *step, const char *text)
{
	const char *p, *end;
	char *name;
	int rc = 0;

	for (p = strchr(text, '{'); p != NULL && rc == 0;
	    p = strchr(p + 1, '{')) {
		end = p + 1;
		while (islower((unsigned char)*end) || *end == '_')
			end++;
		if (*end != '}' || end == p + 1)
			continue;
		name = xstrndup(p + 1, (size_t)(end - p - 1));
		if (catalog_input_find(cat, name) == NULL)
			rc = fail_line(l, step->line, "step '%s': placeholder "
			    "{%s} is not an input", step->id, name);
		free(name);
	}
	return rc;
}

static int
check_pitfalls(struct loader *l, const struct catalog_step *step)
{
	char *end;
	long n;

	for (size_t i = 0; i < step->pitfalls.count; i++) {
		n = strtol(step->pitfalls.items[i], &end, 10);
		if (*end != '\0' || n < 1 || n > CATALOG_PITFALLS)
			return fail_line(l, step->line, "step '%s': pitfalls: "
			    "'%s' is not a known problem (1 to %d)", step->id,
			    step->pitfalls.items[i], CATALOG_PITFALLS);
	}
	return 0;
}

static int
check_step_fields(struct loader *l, struct catalog *cat,
    struct catalog_step *step)
{
	const struct catalog_entry *section;

	if (strcmp(step->kind_word, "action") == 0)
		step->kind = CATALOG_ACTION;
	else if (strcmp(step->kind_word, "check") == 0)
		step->kind = CATALOG_CHECK;
	else
		return fail_line(l, step->line, "step '%s': kind '%s' is "
		    "neither 'action' nor 'check'", step->id, step->kind_word);
	section = entry_find(cat->sections, cat->nsections, step->section);
	if (section == NULL)
		return fail_line(l, step->line, "step '%s': section '%s' is "
		    "not defined", step->id, step->section);
	step->section_index = (size_t)(section - cat->sections);
	if (step->who.count == 0)
		return fail_line(l, step->line, "step '%s': who: name at least "
		    "one role", step->id);
	for (size_t i = 0; i < step->nwhen; i++)
		if (catalog_input_find(cat, step->when[i].input) == NULL)
			return fail_line(l, step->line, "step '%s': when: '%s' "
			    "is not an input", step->id, step->when[i].input);
	if (check_references(l, step, &step->who, cat->roles, cat->nroles,
	    "who") == -1 ||
	    check_references(l, step, &step->inputs, cat->inputs,
	    cat->ninputs, "inputs") == -1 ||
	    check_pitfalls(l, step) == -1 ||
	    check_placeholders(l, cat, step, step->what) == -1 ||
	    check_placeholders(l, cat, step, step->manual) == -1)
		return -1;
	for (size_t i = 0; i < step->needs.count; i++)
		if (catalog_step_find(cat, step->needs.items[i]) == NULL)
			return fail_line(l, step->line, "step '%s': needs: "
			    "'%s' is not a step", step->id,
			    step->needs.items[i]);
	for (size_t i = 0; i < step->proves.count; i++)
		if (catalog_step_find(cat, step->proves.items[i]) == NULL)
			return fail_line(l, step->line, "step '%s': proves: "
			    "'%s' is not a step", step->id,
			    step->proves.items[i]);
	return 0;
}

/* Depth-first search; colour 1 = on the path, 2 = finished. */
static int
find_cycle(struct loader *l, const struct catalog *cat, size_t at,
    unsigned char *colour, size_t *path, size_t depth)
{
	const struct catalog_step *step = &cat->steps[at];
	size_t next;
	char *text;

	colour[at] = 1;
	path[depth] = at;
	for (size_t i = 0; i < step->needs.count; i++) {
		next = (size_t)(catalog_step_find(cat, step->needs.items[i]) -
		    cat->steps);
		if (colour[next] == 1) {
			size_t k = 0;

			while (path[k] != next)
				k++;
			text = xstrdup(cat->steps[next].id);
			for (k++; k <= depth; k++) {
				char *longer = xasprintf("%s -> %s", text,
				    cat->steps[path[k]].id);
				free(text);
				text = longer;
			}
			fail_line(l, cat->steps[next].line, "dependency cycle "
			    "(-> means needs): %s -> %s", text,
			    cat->steps[next].id);
			free(text);
			return -1;
		}
		if (colour[next] == 0 &&
		    find_cycle(l, cat, next, colour, path, depth + 1) == -1)
			return -1;
	}
	colour[at] = 2;
	return 0;
}

static int
check_cycles(struct loader *l, const struct catalog *cat)
{
	unsigned char *colour = xcalloc(cat->nsteps, 1);
	size_t *path = xcalloc(cat->nsteps + 1, sizeof *path);
	int rc = 0;

	for (size_t i = 0; i < cat->nsteps && rc == 0; i++)
		if (colour[i] == 0)
			rc = find_cycle(l, cat, i, colour, path, 0);
	free(path);
	free(colour);
	return rc;
}

static int
check_sections_covered(struct loader *l, const struct catalog *cat)
{
	size_t *count = xcalloc(cat->nsections, sizeof *count);
	int rc = 0;

	for (size_t i = 0; i < cat->nsteps; i++)
		count[cat->steps[i].section_index]++;
	for (size_t i = 0; i < cat->nsections && rc == 0; i++)
		if (count[i] == 0)
			rc = fail_line(l, cat->sections[i].line, "section '%s' "
			    "has no steps", cat->sections[i].id);
	free(count);
	return rc;
}

static int
validate(struct loader *l, struct catalog *cat)
{
	struct catalog_step *step;
	size_t section = 0;

	if (check_entries(l, cat->roles, cat->nroles, "role") == -1 ||
	    check_entries(l, cat->inputs, cat->ninputs, "input") == -1 ||
	    check_entries(l, cat->sections, cat->nsections, "section") == -1)
		return -1;
	for (size_t i = 0; i < cat->nsteps; i++) {
		step = &cat->steps[i];
		if (!valid_id(step->id))
			return fail_line(l, step->line, "step id '%s': use "
			    "lowercase letters, digits and '-'", step->id);
		for (size_t j = 0; j < i; j++)
			if (strcmp(cat->steps[j].id, step->id) == 0)
				return fail_line(l, step->line, "step id '%s' "
				    "is defined twice (first at line %d)",
				    step->id, cat->steps[j].line);
	}
	for (size_t i = 0; i < cat->nsteps; i++) {
		step = &cat->steps[i];
		if (check_step_fields(l, cat, step) == -1)
			return -1;
		if (step->section_index < section)
			return fail_line(l, step->line, "step '%s' of section "
			    "'%s' comes after section '%s': keep the guide's "
			    "order", step->id, step->section,
			    cat->sections[section].id);
		section = step->section_index;
	}
	if (check_sections_covered(l, cat) == -1)
		return -1;
	return check_cycles(l, cat);
}

/* ---- public --------------------------------------------------------- */

static int
parse_document(struct loader *l, const char *text, size_t len,
    struct catalog *cat)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		set_cause(l->cause, "%s:%zu:%zu: not valid YAML: %s%s%s",
		    l->name, parser.problem_mark.line + 1,
		    parser.problem_mark.column + 1,
		    parser.problem ? parser.problem : "parse error",
		    parser.context ? " " : "",
		    parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return -1;
	}
	l->doc = &doc;
	if (yaml_document_get_root_node(&doc) == NULL) {
		set_cause(l->cause, "%s: empty: expected the step catalogue",
		    l->name);
		rc = -1;
	} else
		rc = decode_top(l, yaml_document_get_root_node(&doc), cat);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	l->doc = NULL;
	return rc;
}

int
catalog_parse(struct catalog **out, const char *name, const char *text,
    size_t len, char **cause)
{
	struct loader l = { name, NULL, cause };
	struct catalog *cat = xcalloc(1, sizeof *cat);

	cat->path = xstrdup(name);
	if (parse_document(&l, text, len, cat) == -1 ||
	    validate(&l, cat) == -1) {
		catalog_free(cat);
		return -1;
	}
	*out = cat;
	return 0;
}

int
catalog_load(struct catalog **out, const char *path, char **cause)
{
	char *text = NULL;
	size_t len;
	int rc;

	rc = atomicfile_read(path, CATALOG_MAX_BYTES, &text, &len, cause);
	if (rc == ATOMICFILE_ENOENT) {
		set_cause(cause, "%s: the step catalogue is missing (is "
		    "mlops-tui installed completely?)", path);
		return -1;
	}
	if (rc == 0)
		rc = catalog_parse(out, path, text, len, cause);
	free(text);
	return rc;
}

static void
list_free(struct catalog_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
}

static void
entries_free(struct catalog_entry *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].id);
		free(list[i].title);
		free(list[i].extra);
	}
	free(list);
}

static void
step_free(struct catalog_step *step)
{
	free(step->id);
	free(step->section);
	free(step->title);
	free(step->kind_word);
	free(step->what);
	free(step->manual);
	list_free(&step->who);
	list_free(&step->needs);
	list_free(&step->proves);
	list_free(&step->inputs);
	list_free(&step->pitfalls);
	for (size_t i = 0; i < step->nwhen; i++) {
		free(step->when[i].input);
		free(step->when[i].value);
	}
	free(step->when);
}

void
catalog_free(struct catalog *cat)
{
	if (cat == NULL)
		return;
	entries_free(cat->roles, cat->nroles);
	entries_free(cat->inputs, cat->ninputs);
	entries_free(cat->sections, cat->nsections);
	for (size_t i = 0; i < cat->nsteps; i++)
		step_free(&cat->steps[i]);
	free(cat->steps);
	free(cat->path);
	free(cat);
}

const struct catalog_step *
catalog_step_find(const struct catalog *cat, const char *id)
{
	for (size_t i = 0; i < cat->nsteps; i++)
		if (strcmp(cat->steps[i].id, id) == 0)
			return &cat->steps[i];
	return NULL;
}

const struct catalog_entry *
catalog_input_find(const struct catalog *cat, const char *id)
{
	return entry_find(cat->inputs, cat->ninputs, id);
}

const struct catalog_entry *
catalog_role_find(const struct catalog *cat, const char *id)
{
	return entry_find(cat->roles, cat->nroles, id);
}

bool
catalog_step_applies(const struct catalog *cat,
    const struct catalog_step *step, catalog_answer_cb answer, void *ctx)
{
	const struct catalog_entry *input;
	const char *value;

	for (size_t i = 0; i < step->nwhen; i++) {
		value = answer != NULL ? answer(step->when[i].input, ctx) : NULL;
		if (value == NULL) {
			input = catalog_input_find(cat, step->when[i].input);
			value = input->extra != NULL ? input->extra : "";
		}
		if (strcmp(value, step->when[i].value) != 0)
			return false;
	}
	return true;
}

char *
catalog_step_condition_text(const struct catalog_step *step)
{
	char *text, *longer;

	if (step->nwhen == 0)
		return NULL;
	text = xasprintf("only when %s is %s", step->when[0].input,
	    step->when[0].value);
	for (size_t i = 1; i < step->nwhen; i++) {
		longer = xasprintf("%s and %s is %s", text, step->when[i].input,
		    step->when[i].value);
		free(text);
		text = longer;
	}
	return text;
}
