/* YAML documents as jansson values (scalars as strings). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "yamljson.h"
#include "xalloc.h"

/*
 * At most this many values: aliases repeat what they name, so a few
 * hundred bytes of nested aliases would otherwise expand to billions.
 */
#define YAMLJSON_MAX_NODES 100000

struct reader {
	yaml_document_t *doc;
	size_t budget;
	json_t *problems;               /* strict: [{line, message}], else NULL */
};

static void
problem(struct reader *rd, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct reader *rd, const yaml_node_t *node, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	json_array_append_new(rd->problems, json_pack("{s:I,s:s}", "line",
	    (json_int_t)node->start_mark.line + 1, "message", msg));
	free(msg);
}

static json_t *convert(struct reader *rd, yaml_node_t *node, int depth,
    const char *path);

/*
 * A scalar. Read strictly, a plain empty, ~ or null is YAML's null (not
 * the text "~"), and a NUL is refused: C strings would end there, so
 * "ok\u0000/../../etc" would quietly become "ok".
 */
static json_t *
scalar(struct reader *rd, yaml_node_t *node, const char *path)
{
	const char *v = (const char *)node->data.scalar.value;
	size_t len = node->data.scalar.length;

	if (rd->problems == NULL)
		return json_stringn(v, len);
	if (memchr(v, '\0', len) != NULL)
		problem(rd, node, "%s: holds a NUL character (\\0), which no "
		    "value may", *path ? path : "the document");
	if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && (len == 0 ||
	    strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0))
		return json_null();
	return json_stringn(v, len);
}

static json_t *
sequence(struct reader *rd, yaml_node_t *node, int depth, const char *path)
{
	json_t *out = json_array();
	size_t n = 0;

	for (yaml_node_item_t *i = node->data.sequence.items.start;
	    i < node->data.sequence.items.top; i++, n++) {
		char *sub = xasprintf("%s[%zu]", path, n);

		json_array_append_new(out, convert(rd,
		    yaml_document_get_node(rd->doc, *i), depth + 1, sub));
		free(sub);
	}
	return out;
}

/* The line of the first key before p equal to key, for "given twice". */
static size_t
first_line(struct reader *rd, yaml_node_t *node, yaml_node_pair_t *p,
    const char *key)
{
	for (yaml_node_pair_t *q = node->data.mapping.pairs.start; q < p; q++) {
		yaml_node_t *k = yaml_document_get_node(rd->doc, q->key);

		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0)
			return k->start_mark.line + 1;
	}
	return 0;
}

/*
 * Whether the key k of pair p is one a strict reading takes: a plain
 * name (not a list or mapping), without NUL, and not given before (YAML
 * forbids it, yet libyaml lets the last one silently win).
 */
static int
key_ok(struct reader *rd, yaml_node_t *node, yaml_node_pair_t *p,
    yaml_node_t *k, const char *path, json_t *out)
{
	const char *key;

	if (k == NULL || k->type != YAML_SCALAR_NODE) {
		if (rd->problems != NULL && k != NULL)
			problem(rd, k, "%s%sa key must be a name, not a list "
			    "or a mapping", path, *path ? ": " : "");
		return 0;
	}
	key = (const char *)k->data.scalar.value;
	if (rd->problems == NULL)
		return 1;
	if (memchr(key, '\0', k->data.scalar.length) != NULL) {
		problem(rd, k, "%s%s%s: a key may not hold a NUL character "
		    "(\\0)", path, *path ? "." : "", key);
		return 0;
	}
	if (json_object_get(out, key) != NULL) {
		problem(rd, k, "%s%s%s: given twice (first on line %zu); "
		    "give it once", path, *path ? "." : "", key,
		    first_line(rd, node, p, key));
		return 0;
	}
	return 1;
}

static json_t *
mapping(struct reader *rd, yaml_node_t *node, int depth, const char *path)
{
	json_t *out = json_object();

	for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
	    p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(rd->doc, p->key);
		char *sub;

		if (!key_ok(rd, node, p, k, path, out))
			continue;
		sub = xasprintf("%s%s%s", path, *path ? "." : "",
		    (const char *)k->data.scalar.value);
		json_object_set_new(out, (const char *)k->data.scalar.value,
		    convert(rd, yaml_document_get_node(rd->doc, p->value),
		    depth + 1, sub));
		free(sub);
	}
	return out;
}

static json_t *
convert(struct reader *rd, yaml_node_t *node, int depth, const char *path)
{
	if (node == NULL || depth > 64 || rd->budget == 0)
		return json_null();
	--rd->budget;
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return scalar(rd, node, path);
	case YAML_SEQUENCE_NODE:
		return sequence(rd, node, depth, path);
	case YAML_MAPPING_NODE:
		return mapping(rd, node, depth, path);
	default:
		return json_null();
	}
}

/* Strict: a second document is refused, not ignored (it would be). */
static void
no_second_document(struct reader *rd, yaml_parser_t *parser)
{
	yaml_document_t next;
	yaml_node_t *root;

	if (!yaml_parser_load(parser, &next)) {
		json_array_append_new(rd->problems, json_pack("{s:I,s:s}",
		    "line", (json_int_t)parser->problem_mark.line + 1,
		    "message", parser->problem ? parser->problem :
		    "not YAML"));
		return;
	}
	root = yaml_document_get_root_node(&next);
	if (root != NULL)
		json_array_append_new(rd->problems, json_pack("{s:I,s:s}",
		    "line", (json_int_t)next.start_mark.line + 1, "message",
		    "a second document (after ---): the file must be one "
		    "document"));
	yaml_document_delete(&next);
}

json_t *
yamljson_read(const char *text, size_t len, json_t **problems, char **cause)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct reader rd = { &doc, YAMLJSON_MAX_NODES,
		problems ? json_array() : NULL };
	json_t *out;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		set_cause(cause, "line %zu: %s", parser.problem_mark.line + 1,
		    parser.problem ? parser.problem : "not YAML");
		yaml_parser_delete(&parser);
		json_decref(rd.problems);
		return NULL;
	}
	out = convert(&rd, yaml_document_get_root_node(&doc), 0, "");
	yaml_document_delete(&doc);
	if (rd.problems != NULL && rd.budget > 0)
		no_second_document(&rd, &parser);
	yaml_parser_delete(&parser);
	if (rd.budget == 0) {
		json_decref(out);
		json_decref(rd.problems);
		set_cause(cause, "more than %d values (aliases that repeat "
		    "each other?)", YAMLJSON_MAX_NODES);
		return NULL;
	}
	if (problems != NULL)
		*problems = rd.problems;
	return out;
}

json_t *
yamljson_parse(const char *text, size_t len, char **cause)
{
	return yamljson_read(text, len, NULL, cause);
}
