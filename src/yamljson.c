/* YAML documents as jansson values (scalars as strings). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <yaml.h>

#include "yamljson.h"
#include "xalloc.h"

/*
 * At most this many values: aliases repeat what they name, so a few
 * hundred bytes of nested aliases would otherwise expand to billions.
 */
#define YAMLJSON_MAX_NODES 100000

static json_t *
convert(yaml_document_t *doc, yaml_node_t *node, int depth, size_t *budget)
{
	json_t *out;

	if (node == NULL || depth > 64 || *budget == 0)
		return json_null();
	--*budget;
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return json_stringn((const char *)node->data.scalar.value,
		    node->data.scalar.length);
	case YAML_SEQUENCE_NODE:
		out = json_array();
		for (yaml_node_item_t *i = node->data.sequence.items.start;
		    i < node->data.sequence.items.top; i++)
			json_array_append_new(out, convert(doc,
			    yaml_document_get_node(doc, *i), depth + 1,
			    budget));
		return out;
	case YAML_MAPPING_NODE:
		out = json_object();
		for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
		    p < node->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			if (k == NULL || k->type != YAML_SCALAR_NODE)
				continue;
			json_object_set_new(out, (const char *)
			    k->data.scalar.value, convert(doc,
			    yaml_document_get_node(doc, p->value), depth + 1,
			    budget));
		}
		return out;
	default:
		return json_null();
	}
}

json_t *
yamljson_parse(const char *text, size_t len, char **cause)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	json_t *out;
	size_t budget = YAMLJSON_MAX_NODES;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		set_cause(cause, "line %zu: %s", parser.problem_mark.line + 1,
		    parser.problem ? parser.problem : "not YAML");
		yaml_parser_delete(&parser);
		return NULL;
	}
	out = convert(&doc, yaml_document_get_root_node(&doc), 0, &budget);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (budget == 0) {
		json_decref(out);
		set_cause(cause, "more than %d values (aliases that repeat "
		    "each other?)", YAMLJSON_MAX_NODES);
		return NULL;
	}
	return out;
}
