/*
 * Template expressions (see expr.h): a small recursive-descent evaluator
 * over jansson values, and the directive-aware expansion of a YAML tree.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/expr.h"
#include "xalloc.h"

struct parser {
	const char *src;  /* the whole expression, for errors */
	const char *s;    /* where parsing is */
	json_t *ctx;
	char *error;
};

static json_t *parse_value(struct parser *p);

static void
skip_space(struct parser *p)
{
	while (isspace((unsigned char)*p->s))
		p->s++;
}

/* The service's wording: "Unexpected symbol: 'x'. Located at position N
 * within expression: ..."; the first error wins. */
static json_t *
syntax_error(struct parser *p, const char *what)
{
	int n = 1;

	if (*p->s == '\0')
		n = 0;
	else if (isalnum((unsigned char)*p->s))
		while (isalnum((unsigned char)p->s[n]) || p->s[n] == '_')
			n++;
	if (p->error == NULL)
		p->error = xasprintf("%s: '%.*s'. Located at position %d "
		    "within expression: %s", what, n, p->s,
		    (int)(p->s - p->src) + 1, p->src);
	return NULL;
}

/* ---- values ------------------------------------------------------------ */

char *
expr_to_text(json_t *value)
{
	if (json_is_string(value))
		return xstrdup(json_string_value(value));
	if (json_is_true(value))
		return xstrdup("True");
	if (json_is_false(value))
		return xstrdup("False");
	if (json_is_integer(value))
		return xasprintf("%lld", (long long)json_integer_value(value));
	if (json_is_real(value))
		return xasprintf("%g", json_real_value(value));
	if (value == NULL || json_is_null(value))
		return xstrdup("");
	return json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
}

bool
expr_truthy(json_t *value)
{
	if (value == NULL || json_is_null(value) || json_is_false(value))
		return false;
	if (json_is_string(value))
		return json_string_length(value) > 0;
	if (json_is_number(value))
		return json_number_value(value) != 0;
	return true;
}

/* eq: strings compare ignoring case, as the service's eq does; other
 * kinds by their text (so 'true' equals true). */
static bool
equal(json_t *a, json_t *b)
{
	char *x, *y;
	bool same;

	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	x = expr_to_text(a);
	y = expr_to_text(b);
	same = strcasecmp(x, y) == 0;
	free(x);
	free(y);
	return same;
}

/* A member of an object, by exact name or else ignoring case; borrowed. */
static json_t *
member(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);
	const char *key;

	if (v != NULL || !json_is_object(obj))
		return v;
	json_object_foreach(obj, key, v)
		if (strcasecmp(key, name) == 0)
			return v;
	return NULL;
}

/* ---- functions ---------------------------------------------------------- */

static json_t *
text_test(const char *name, json_t **argv)
{
	char *a = expr_to_text(argv[0]), *b = expr_to_text(argv[1]);
	size_t la = strlen(a), lb = strlen(b);
	bool r;

	if (strcasecmp(name, "startsWith") == 0)
		r = la >= lb && strncasecmp(a, b, lb) == 0;
	else if (strcasecmp(name, "endsWith") == 0)
		r = la >= lb && strcasecmp(a + la - lb, b) == 0;
	else
		r = strcasestr(a, b) != NULL;
	free(a);
	free(b);
	return json_boolean(r);
}

/* format('{0}-{1}', a, b) */
static json_t *
format(json_t **argv, size_t argc)
{
	char *fmt = expr_to_text(argv[0]), *out = xstrdup(""), *next, *piece;
	const char *s = fmt;
	json_t *r;

	while (*s != '\0') {
		char *end;
		unsigned long n;

		if (*s == '{' && isdigit((unsigned char)s[1]) &&
		    (n = strtoul(s + 1, &end, 10), *end == '}') && n + 1 < argc) {
			piece = expr_to_text(argv[n + 1]);
			s = end + 1;
		} else if ((*s == '{' && s[1] == '{') || (*s == '}' &&
		    s[1] == '}')) {
			piece = xstrndup(s, 1);
			s += 2;
		} else
			piece = xstrndup(s++, 1);
		next = xasprintf("%s%s", out, piece);
		free(piece);
		free(out);
		out = next;
	}
	r = json_string(out);
	free(out);
	free(fmt);
	return r;
}

/* The functions the accelerator's pipelines, or pipelines like them, use;
 * NULL for a name the service does not know. */
static json_t *
call(struct parser *p, const char *name, json_t **argv, size_t argc)
{
	static const struct { const char *name; size_t min, max; } known[] = {
		{ "eq", 2, 2 }, { "ne", 2, 2 }, { "and", 2, 99 },
		{ "or", 2, 99 }, { "not", 1, 1 }, { "in", 1, 99 },
		{ "notIn", 1, 99 }, { "startsWith", 2, 2 },
		{ "endsWith", 2, 2 }, { "contains", 2, 2 },
		{ "format", 1, 99 }, { "coalesce", 1, 99 }, { "lower", 1, 1 },
		{ "upper", 1, 1 },
	};
	size_t i, k;
	bool any;

	for (k = 0; k < sizeof known / sizeof *known; k++)
		if (strcasecmp(known[k].name, name) == 0)
			break;
	if (k == sizeof known / sizeof *known) {
		if (p->error == NULL)
			p->error = xasprintf("Unrecognized function name: '%s'. "
			    "Located at position 1 within expression: %s", name,
			    p->src);
		return NULL;
	}
	if (argc < known[k].min || argc > known[k].max) {
		if (p->error == NULL)
			p->error = xasprintf("Wrong number of arguments to "
			    "function '%s' within expression: %s", known[k].name,
			    p->src);
		return NULL;
	}
	name = known[k].name;
	if (strcmp(name, "eq") == 0 || strcmp(name, "ne") == 0)
		return json_boolean(equal(argv[0], argv[1]) == (name[0] == 'e'));
	if (strcmp(name, "not") == 0)
		return json_boolean(!expr_truthy(argv[0]));
	if (strcmp(name, "and") == 0 || strcmp(name, "or") == 0) {
		bool want = name[0] == 'o';
		for (i = 0; i < argc; i++)
			if (expr_truthy(argv[i]) == want)
				return json_boolean(want);
		return json_boolean(!want);
	}
	if (strcmp(name, "in") == 0 || strcmp(name, "notIn") == 0) {
		for (any = false, i = 1; i < argc; i++)
			any |= equal(argv[0], argv[i]);
		return json_boolean(any == (name[0] == 'i'));
	}
	if (strcmp(name, "format") == 0)
		return format(argv, argc);
	if (strcmp(name, "coalesce") == 0) {
		for (i = 0; i < argc; i++)
			if (expr_truthy(argv[i]))
				return json_incref(argv[i]);
		return json_string("");
	}
	if (strcmp(name, "lower") == 0 || strcmp(name, "upper") == 0) {
		char *t = expr_to_text(argv[0]);
		for (char *c = t; *c; c++)
			*c = (char)(name[0] == 'l' ? tolower((unsigned char)*c) :
			    toupper((unsigned char)*c));
		json_t *r = json_string(t);
		free(t);
		return r;
	}
	return text_test(name, argv);
}

/* ---- parsing ------------------------------------------------------------ */

static char *
parse_name(struct parser *p)
{
	const char *start = p->s;

	if (!isalpha((unsigned char)*p->s) && *p->s != '_')
		return NULL;
	while (isalnum((unsigned char)*p->s) || *p->s == '_' || *p->s == '-')
		p->s++;
	return xstrndup(start, (size_t)(p->s - start));
}

/* 'text', with '' for a quote inside */
static json_t *
parse_string(struct parser *p)
{
	char *out = xstrdup(""), *next;
	json_t *r;

	p->s++;
	for (;;) {
		size_t n = strcspn(p->s, "'");
		if (p->s[n] == '\0') {
			free(out);
			return syntax_error(p, "Unclosed string");
		}
		next = xasprintf("%s%.*s%s", out, (int)n, p->s, p->s[n + 1] ==
		    '\'' ? "'" : "");
		free(out);
		out = next;
		p->s += n + 1;
		if (*p->s != '\'')
			break;
		p->s++;
	}
	r = json_string(out);
	free(out);
	return r;
}

/* name(args...) once the name and '(' are read */
static json_t *
parse_call(struct parser *p, const char *name)
{
	json_t *argv[99], *r = NULL;
	size_t argc = 0;

	skip_space(p);
	while (*p->s != ')') {
		if (argc == 99 || (argv[argc] = parse_value(p)) == NULL)
			goto out;
		argc++;
		skip_space(p);
		if (*p->s == ',')
			p->s++;
		else if (*p->s != ')') {
			syntax_error(p, "Unexpected symbol");
			goto out;
		}
		skip_space(p);
	}
	p->s++;
	r = call(p, name, argv, argc);
out:
	for (size_t i = 0; i < argc; i++)
		json_decref(argv[i]);
	return r;
}

/* context.member['member']... : null when a member is missing, as the
 * service gives an empty value */
static json_t *
parse_path(struct parser *p, char *name)
{
	json_t *v = member(p->ctx, name), *key;
	char *text;

	free(name);
	for (;;) {
		skip_space(p);
		if (*p->s == '.') {
			p->s++;
			if ((name = parse_name(p)) == NULL)
				return syntax_error(p, "Unexpected symbol");
			v = member(v, name);
			free(name);
		} else if (*p->s == '[') {
			p->s++;
			if ((key = parse_value(p)) == NULL)
				return NULL;
			skip_space(p);
			if (*p->s != ']') {
				json_decref(key);
				return syntax_error(p, "Unexpected symbol");
			}
			p->s++;
			if (json_is_array(v) && json_is_integer(key))
				v = json_array_get(v, (size_t)json_integer_value(
				    key));
			else {
				text = expr_to_text(key);
				v = member(v, text);
				free(text);
			}
			json_decref(key);
		} else
			break;
	}
	return v != NULL ? json_incref(v) : json_null();
}

static json_t *
parse_value(struct parser *p)
{
	char *name, *end;
	double d;

	skip_space(p);
	if (*p->s == '\'')
		return parse_string(p);
	if (isdigit((unsigned char)*p->s) || ((*p->s == '-' || *p->s == '.')
	    && isdigit((unsigned char)p->s[1]))) {
		d = strtod(p->s, &end);
		p->s = end;
		return d == (double)(long long)d ? json_integer((long long)d) :
		    json_real(d);
	}
	if ((name = parse_name(p)) == NULL)
		return syntax_error(p, "Unexpected symbol");
	if (strcasecmp(name, "true") == 0 || strcasecmp(name, "false") == 0) {
		json_t *b = json_boolean(name[0] == 't' || name[0] == 'T');
		free(name);
		return b;
	}
	if (strcasecmp(name, "null") == 0) {
		free(name);
		return json_null();
	}
	skip_space(p);
	if (*p->s == '(') {
		p->s++;
		json_t *r = parse_call(p, name);
		free(name);
		return r;
	}
	return parse_path(p, name);
}

json_t *
expr_eval(const char *expr, json_t *ctx, char **error)
{
	struct parser p = { expr, expr, ctx, NULL };
	json_t *v = parse_value(&p);

	if (v != NULL) {
		skip_space(&p);
		if (*p.s != '\0') {
			json_decref(v);
			v = syntax_error(&p, "Unexpected symbol");
		}
	}
	if (v == NULL)
		*error = p.error ? p.error : xstrdup("Invalid expression");
	return v;
}

/* ---- substitution and directives ---------------------------------------- */

/* The end of the expression that starts at s ("${{"): its "}}", outside
 * quotes; NULL when unclosed. */
static const char *
expression_end(const char *s)
{
	bool quoted = false;

	for (s += 3; *s != '\0'; s++) {
		if (*s == '\'')
			quoted = !quoted;
		else if (!quoted && s[0] == '}' && s[1] == '}')
			return s;
	}
	return NULL;
}

json_t *
expr_substitute(const char *text, json_t *ctx, char **error)
{
	const char *start = strstr(text, "${{"), *end, *s = text;
	char *out = xstrdup(""), *next, *inner, *piece;
	json_t *v;

	end = start ? expression_end(start) : NULL;
	if (start == text && end != NULL && end[2] == '\0') {
		/* one whole expression: its value, of whatever kind */
		free(out);
		inner = xstrndup(start + 3, (size_t)(end - start - 3));
		v = expr_eval(inner, ctx, error);
		free(inner);
		return v;
	}
	while ((start = strstr(s, "${{")) != NULL &&
	    (end = expression_end(start)) != NULL) {
		inner = xstrndup(start + 3, (size_t)(end - start - 3));
		v = expr_eval(inner, ctx, error);
		free(inner);
		if (v == NULL) {
			free(out);
			return NULL;
		}
		piece = expr_to_text(v);
		json_decref(v);
		next = xasprintf("%s%.*s%s", out, (int)(start - s), s, piece);
		free(piece);
		free(out);
		out = next;
		s = end + 2;
	}
	next = xasprintf("%s%s", out, s);
	free(out);
	v = json_string(next);
	free(next);
	return v;
}

bool
expr_directive(const char *key, char **kind, char **rest)
{
	static const char *const kinds[] = { "elseif", "else", "if", "each" };
	const char *s, *end;
	size_t n;

	if (key == NULL || strncmp(key, "${{", 3) != 0 ||
	    (end = expression_end(key)) == NULL || end[2] != '\0')
		return false;
	s = key + 3;
	while (isspace((unsigned char)*s))
		s++;
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		n = strlen(kinds[i]);
		if (strncmp(s, kinds[i], n) == 0 && (isspace((unsigned char)s[n])
		    || s + n == end)) {
			*kind = xstrdup(kinds[i]);
			*rest = xstrndup(s + n, (size_t)(end - s - n));
			return true;
		}
	}
	return false;
}

/* Decide whether the directive's body applies; -1 with *error. */
static int
branch(struct expr_chain *c, const char *kind, const char *rest, json_t *ctx,
    char **error)
{
	json_t *v;
	bool yes;

	if (strcmp(kind, "if") == 0)
		c->taken = false;
	else if (!c->open) {
		*error = xasprintf("Unexpected '%s' directive: it must follow "
		    "an 'if' or 'elseif'.", kind);
		return -1;
	}
	if (c->taken) {
		c->open = strcmp(kind, "else") != 0;
		return 0;
	}
	if (strcmp(kind, "else") == 0)
		yes = true;
	else {
		if ((v = expr_eval(rest, ctx, error)) == NULL)
			return -1;
		yes = expr_truthy(v);
		json_decref(v);
	}
	c->taken = yes;
	c->open = strcmp(kind, "else") != 0;
	return yes;
}

/* `each NAME in EXPR`: run fn over the items (or an object's members as
 * {key, value}) with NAME bound in a copy of ctx. */
static int
each(const char *rest, json_t *ctx, json_t *body, json_t *out, char **error,
    int (*fn)(json_t *out, json_t *body, json_t *ctx, char **error))
{
	char name[128], *in;
	json_t *coll, *item, *inner, *v;
	const char *key;
	size_t i;
	int rc = 0;

	if (sscanf(rest, " %127[A-Za-z0-9_] ", name) != 1 ||
	    (in = strstr(rest, " in ")) == NULL) {
		*error = xasprintf("Invalid 'each' directive:%s", rest);
		return -1;
	}
	if ((coll = expr_eval(in + 4, ctx, error)) == NULL)
		return -1;
	inner = json_copy(ctx);
	if (json_is_array(coll)) {
		json_array_foreach(coll, i, item) {
			json_object_set(inner, name, item);
			if ((rc = fn(out, body, inner, error)) == -1)
				break;
		}
	} else if (json_is_object(coll)) {
		json_object_foreach(coll, key, v) {
			json_object_set_new(inner, name, json_pack("{s:s, s:O}",
			    "key", key, "value", v));
			if ((rc = fn(out, body, inner, error)) == -1)
				break;
		}
	}
	json_decref(inner);
	json_decref(coll);
	return rc;
}

/* Append the expansion of body to the sequence out: its items when it is
 * a sequence, else itself. */
static int
splice(json_t *out, json_t *body, json_t *ctx, char **error)
{
	json_t *v = expr_expand(body, ctx, error);

	if (v == NULL)
		return -1;
	if (json_is_array(v) && json_is_array(body))
		json_array_extend(out, v);
	else
		json_array_append(out, v);
	json_decref(v);
	return 0;
}

/* Merge the expansion of body (a mapping) into the mapping out. */
static int
merge(json_t *out, json_t *body, json_t *ctx, char **error)
{
	json_t *v = expr_expand(body, ctx, error);

	if (v == NULL)
		return -1;
	if (json_is_object(v))
		json_object_update(out, v);
	json_decref(v);
	return 0;
}

int
expr_branch(struct expr_chain *c, const char *key, json_t *ctx, char **error)
{
	char *kind, *rest;
	int rc;

	if (!expr_directive(key, &kind, &rest)) {
		*error = xasprintf("Not a directive: %s", key);
		return -1;
	}
	rc = branch(c, kind, rest, ctx, error);
	free(kind);
	free(rest);
	return rc;
}

/* A directive applied in a sequence or a mapping; -1 with *error. */
static int
directive(struct expr_chain *c, const char *key, json_t *body, json_t *out,
    json_t *ctx, char **error, int (*fn)(json_t *, json_t *, json_t *,
    char **))
{
	char *kind, *rest;
	int rc;

	expr_directive(key, &kind, &rest);
	if (strcmp(kind, "each") == 0) {
		c->open = false;
		rc = each(rest, ctx, body, out, error, fn);
	} else if ((rc = branch(c, kind, rest, ctx, error)) == 1)
		rc = fn(out, body, ctx, error);
	free(kind);
	free(rest);
	return rc < 0 ? -1 : 0;
}

static json_t *
expand_array(json_t *node, json_t *ctx, char **error)
{
	json_t *out = json_array(), *item, *v;
	struct expr_chain c = { false, false };
	const char *key;
	char *kind, *rest;
	size_t i;

	json_array_foreach(node, i, item) {
		key = json_is_object(item) && json_object_size(item) == 1 ?
		    json_object_iter_key(json_object_iter(item)) : NULL;
		if (key != NULL && expr_directive(key, &kind, &rest)) {
			free(kind);
			free(rest);
			if (directive(&c, key, json_object_get(item, key), out,
			    ctx, error, splice) == -1)
				goto fail;
			continue;
		}
		c.open = false;
		if ((v = expr_expand(item, ctx, error)) == NULL)
			goto fail;
		json_array_append_new(out, v);
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

static json_t *
expand_object(json_t *node, json_t *ctx, char **error)
{
	json_t *out = json_object(), *value, *k, *v;
	struct expr_chain c = { false, false };
	const char *key;
	char *kind, *rest, *name;

	json_object_foreach(node, key, value) {
		if (expr_directive(key, &kind, &rest)) {
			free(kind);
			free(rest);
			if (directive(&c, key, value, out, ctx, error, merge)
			    == -1)
				goto fail;
			continue;
		}
		c.open = false;
		if ((k = expr_substitute(key, ctx, error)) == NULL)
			goto fail;
		if ((v = expr_expand(value, ctx, error)) == NULL) {
			json_decref(k);
			goto fail;
		}
		name = expr_to_text(k);
		json_object_set_new(out, name, v);
		free(name);
		json_decref(k);
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

json_t *
expr_expand(json_t *node, json_t *ctx, char **error)
{
	if (json_is_string(node)) {
		/* A scalar stays text, as YAML's are; a list or mapping that
		 * an expression gives stays what it is. */
		json_t *v = expr_substitute(json_string_value(node), ctx, error);
		if (v == NULL || json_is_string(v) || json_is_array(v) ||
		    json_is_object(v))
			return v;
		char *text = expr_to_text(v);
		json_decref(v);
		v = json_string(text);
		free(text);
		return v;
	}
	if (json_is_array(node))
		return expand_array(node, ctx, error);
	if (json_is_object(node))
		return expand_object(node, ctx, error);
	return node != NULL ? json_incref(node) : json_null();
}
