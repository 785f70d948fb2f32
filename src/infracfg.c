/* config-infra files: variables read and set in place with libyaml. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "infracfg.h"
#include "xalloc.h"

/* Where one variable's value stands in the text. */
struct place {
	char *name;
	size_t start, end;       /* byte offsets of the scalar, quotes too */
	yaml_scalar_style_t style;
	char *value;
};

struct places {
	struct place *list;
	size_t count;
	const char *text;        /* what the marks count in */
	size_t len;
	size_t at_char, at_byte; /* where the last mark was found */
};

static void
places_free(struct places *p)
{
	for (size_t i = 0; i < p->count; i++) {
		free(p->list[i].name);
		free(p->list[i].value);
	}
	free(p->list);
}

/*
 * libyaml's marks count characters, not bytes: the byte offset of
 * character index in the (UTF-8) text. Marks come in the text's order,
 * so the search goes on from the last one.
 */
static size_t
byte_offset(struct places *p, size_t index)
{
	if (index < p->at_char)
		p->at_char = p->at_byte = 0;
	while (p->at_char < index && p->at_byte < p->len) {
		p->at_byte++;
		while (p->at_byte < p->len &&
		    ((unsigned char)p->text[p->at_byte] & 0xC0) == 0x80)
			p->at_byte++;
		p->at_char++;
	}
	return p->at_byte;
}

static void
add_place(struct places *p, const char *name, const yaml_event_t *value)
{
	struct place *pl;

	p->list = xreallocarray(p->list, p->count, sizeof *p->list);
	pl = &p->list[p->count++];
	pl->name = xstrdup(name);
	pl->start = byte_offset(p, value->start_mark.index);
	pl->end = byte_offset(p, value->end_mark.index);
	pl->style = value->data.scalar.style;
	pl->value = xstrndup((const char *)value->data.scalar.value,
	    value->data.scalar.length);
}

/* The reader: depth of nesting, and whether we are in variables. */
struct reader {
	yaml_parser_t parser;
	int depth;               /* mappings and sequences open */
	bool in_variables;       /* the mapping under top-level variables */
	bool want_key;           /* next scalar at this level is a key */
	char *key;               /* the pending key */
	struct places *out;
};

static bool
next(struct reader *rd, yaml_event_t *ev, char **cause)
{
	if (yaml_parser_parse(&rd->parser, ev))
		return true;
	*cause = xasprintf("not YAML: %s at line %zu",
	    rd->parser.problem ? rd->parser.problem : "error",
	    rd->parser.problem_mark.line + 1);
	return false;
}

/* A scalar in a mapping we watch: a key, or the value of the pending key. */
static void
on_scalar(struct reader *rd, const yaml_event_t *ev)
{
	const char *text = (const char *)ev->data.scalar.value;

	if (rd->want_key) {
		free(rd->key);
		rd->key = xstrdup(text);
		rd->want_key = false;
		return;
	}
	/* No key yet: an item of a top-level sequence, not of a mapping. */
	if (rd->depth == 1 && (rd->key == NULL ||
	    strcmp(rd->key, "variables") == 0))
		;
	else if (rd->in_variables && rd->depth == 2)
		add_place(rd->out, rd->key, ev);
	rd->want_key = true;
}

static void
on_open(struct reader *rd, bool mapping)
{
	/* The value of top-level "variables" when it is a mapping. */
	if (rd->depth == 1 && mapping && rd->key != NULL &&
	    strcmp(rd->key, "variables") == 0)
		rd->in_variables = true;
	rd->depth++;
	rd->want_key = mapping;
}

static void
on_close(struct reader *rd)
{
	rd->depth--;
	if (rd->depth == 1)
		rd->in_variables = false;
	/* Back in a mapping: what closed was a value; a key comes next. */
	rd->want_key = true;
}

static int
read_places(const char *text, size_t len, struct places *out, char **cause)
{
	struct reader rd = { .out = out };
	yaml_event_t ev;
	bool done = false, ok = true;

	out->text = text;
	out->len = len;
	yaml_parser_initialize(&rd.parser);
	yaml_parser_set_input_string(&rd.parser, (const unsigned char *)text,
	    len);
	/* UTF-8 as it is, so that a byte order mark counts as a character
	 * (byte_offset) rather than being skipped unseen. */
	yaml_parser_set_encoding(&rd.parser, YAML_UTF8_ENCODING);
	while (ok && !done && (ok = next(&rd, &ev, cause))) {
		switch (ev.type) {
		case YAML_MAPPING_START_EVENT: on_open(&rd, true); break;
		case YAML_SEQUENCE_START_EVENT: on_open(&rd, false); break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT: on_close(&rd); break;
		case YAML_SCALAR_EVENT:
			if (rd.depth >= 1 && (rd.want_key || rd.depth <= 2))
				on_scalar(&rd, &ev);
			break;
		case YAML_STREAM_END_EVENT:
		case YAML_DOCUMENT_END_EVENT: done = true; break;
		default: break;
		}
		yaml_event_delete(&ev);
	}
	free(rd.key);
	yaml_parser_delete(&rd.parser);
	return ok ? 0 : -1;
}

static const struct place *
find_place(const struct places *p, const char *name)
{
	for (size_t i = 0; i < p->count; i++)
		if (strcmp(p->list[i].name, name) == 0)
			return &p->list[i];
	return NULL;
}

char *
infracfg_get(const char *text, size_t len, const char *name, char **cause)
{
	struct places p = { 0 };
	const struct place *pl;
	char *value = NULL;

	if (read_places(text, len, &p, cause) == 0) {
		pl = find_place(&p, name);
		if (pl != NULL)
			value = xstrdup(pl->value);
		else
			*cause = xasprintf("no variables.%s", name);
	}
	places_free(&p);
	return value;
}

/* The new scalar's text in the old one's quoting. */
static char *
quoted(const char *value, yaml_scalar_style_t style)
{
	if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE)
		return xasprintf("'%s'", value);
	if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
		return xasprintf("\"%s\"", value);
	return xstrdup(value);
}

static int
compare_start(const void *a, const void *b)
{
	const struct place *const *x = a, *const *y = b;

	return (*x)->start < (*y)->start ? -1 : (*x)->start > (*y)->start;
}

int
infracfg_edit(const char *text, size_t len, const struct infracfg_set *sets,
    size_t nsets, char **out, char **cause)
{
	struct places p = { 0 };
	const struct place **order;
	size_t cap = len + 1, used = 0, from = 0;
	char *buf;

	if (read_places(text, len, &p, cause) == -1) {
		places_free(&p);
		return -1;
	}
	order = xcalloc(nsets + 1, sizeof *order);
	for (size_t i = 0; i < nsets; i++) {
		order[i] = find_place(&p, sets[i].name);
		if (order[i] != NULL && order[i]->style !=
		    YAML_LITERAL_SCALAR_STYLE && order[i]->style !=
		    YAML_FOLDED_SCALAR_STYLE && (order[i]->start <
		    order[i]->end || (order[i]->start > 0 &&
		    text[order[i]->start - 1] == ':')))
			continue;
		*cause = xasprintf(order[i] == NULL ? "no variables.%s" :
		    order[i]->start < order[i]->end ? "variables.%s is a block "
		    "scalar; write it on one line" : "variables.%s has no "
		    "value to replace; write it as NAME: VALUE", sets[i].name);
		free(order);
		places_free(&p);
		return -1;
	}
	/* Each place points into p; sort a copy of the pointers by offset. */
	const struct place **sorted = xcalloc(nsets + 1, sizeof *sorted);
	memcpy(sorted, order, nsets * sizeof *sorted);
	qsort(sorted, nsets, sizeof *sorted, compare_start);
	for (size_t i = 0; i < nsets; i++)
		cap += strlen(sets[i].value) + 2;
	buf = xmalloc(cap);
	for (size_t i = 0; i < nsets; i++) {
		size_t k = 0;
		char *q;

		while (order[k] != sorted[i])
			k++;
		q = quoted(sets[k].value, sorted[i]->style);
		memcpy(buf + used, text + from, sorted[i]->start - from);
		used += sorted[i]->start - from;
		/* An empty value ("name:") sits right after the colon. */
		if (sorted[i]->start == sorted[i]->end)
			buf[used++] = ' ';
		memcpy(buf + used, q, strlen(q));
		used += strlen(q);
		from = sorted[i]->end;
		free(q);
	}
	memcpy(buf + used, text + from, len - from);
	used += len - from;
	buf[used] = '\0';
	*out = buf;
	free(sorted);
	free(order);
	places_free(&p);
	return 0;
}
