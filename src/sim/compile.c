/*
 * Compiling a pipeline as the service does when a run is queued (see
 * compile.h). Errors are gathered, one a line, as the service lists all
 * it finds; a template is never followed more than a few levels deep.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/compile.h"
#include "sim/expr.h"
#include "sim/handlers.h"
#include "xalloc.h"
#include "yamljson.h"

#define MAX_DEPTH 20 /* the service stops at nesting far shallower */

/* Where a YAML file is: its repository, the ref read and its path. */
struct place {
	json_t *repo;
	const char *ref;
	char *path;        /* without the leading '/' */
	const char *alias; /* "@alias" as written, or NULL for self */
};

static void
add_error(struct compile *c, char *message)
{
	char *joined;

	if (c->error == NULL) {
		c->error = message;
		return;
	}
	joined = xasprintf("%s\n%s", c->error, message);
	free(c->error);
	free(message);
	c->error = joined;
}

/* The path rel from the directory of the file at base: "a/b/c.yml" and
 * "../../d.yml" give "d.yml"; rel starting with '/' is from the root. */
static char *
resolve_path(const char *base, const char *rel)
{
	char *joined, *out, *part, *save = NULL;
	const char *slash = strrchr(base, '/');
	size_t n = 0, len;

	if (rel[0] == '/' || slash == NULL)
		joined = xstrdup(rel);
	else
		joined = xasprintf("%.*s/%s", (int)(slash - base), base, rel);
	out = xcalloc(1, strlen(joined) + 2);
	for (part = strtok_r(joined, "/", &save); part != NULL;
	    part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0)
			continue;
		if (strcmp(part, "..") == 0) {
			/* above the root stays at the root, as git paths do */
			char *up = strrchr(out, '/');
			n = up ? (size_t)(up - out) : 0;
			out[n] = '\0';
			continue;
		}
		len = strlen(part);
		if (n > 0)
			out[n++] = '/';
		memcpy(out + n, part, len + 1);
		n += len;
	}
	free(joined);
	return out;
}

/* Read and parse the YAML at p; NULL with an error when it is not there. */
static json_t *
load(struct compile *c, const struct place *p, const char *from)
{
	size_t len;
	char *text = git_read_file(c->x, p->repo, p->ref, p->path, &len);
	json_t *doc = text ? yamljson_parse(text, len, NULL) : NULL;

	if (text == NULL)
		add_error(c, xasprintf("%s: File /%s not found in repository %s "
		    "branch %s.", from, p->path, json_string_value(
		    json_object_get(p->repo, "name")), p->ref));
	else if (doc == NULL)
		add_error(c, xasprintf("/%s%s%s: the file is not valid YAML.",
		    p->path, p->alias ? "@" : "", p->alias ? p->alias : ""));
	free(text);
	return doc;
}

/* The system variables a template expression may read at compile time. */
static json_t *
system_variables(struct compile *c)
{
	const char *branch = c->branch, *base = strrchr(branch, '/');

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "Build.SourceBranch", branch,
	    "Build.SourceBranchName", base ? base + 1 : branch,
	    "Build.Repository.Name", json_string_value(json_object_get(c->repo,
	    "name")),
	    "Build.DefinitionName", c->definition ? c->definition : "",
	    "Build.Reason", "Manual",
	    "System.TeamProject", json_string_value(json_object_get(c->project,
	    "name")));
}

static void variables_from(struct compile *c, json_t *node, json_t *ctx,
    const struct place *at, int depth);

/* A value of the variables: its expressions done against what is set. */
static void
set_variable(struct compile *c, json_t *ctx, const char *name, json_t *value)
{
	char *error = NULL;
	json_t *v = json_is_string(value) ? expr_substitute(json_string_value(
	    value), ctx, &error) : json_string("");
	char *text;

	if (v == NULL) {
		add_error(c, error);
		return;
	}
	text = expr_to_text(v);
	json_object_set_new(json_object_get(ctx, "variables"), name,
	    json_string(text));
	json_object_set_new(c->variables, name, json_string(text));
	free(text);
	json_decref(v);
}

/* `- template: file.yml`: that file's variables, where the item stands. */
static void
variables_template(struct compile *c, json_t *item, json_t *ctx,
    const struct place *at, int depth)
{
	char *error = NULL;
	json_t *path = expr_substitute(json_string_value(json_object_get(item,
	    "template")), ctx, &error), *doc;
	struct place p = *at;
	char *from;

	if (path == NULL) {
		add_error(c, error);
		return;
	}
	p.path = resolve_path(at->path, json_string_value(path));
	from = xasprintf("/%s", at->path);
	doc = load(c, &p, from);
	if (doc != NULL)
		variables_from(c, json_object_get(doc, "variables"), ctx, &p,
		    depth + 1);
	json_decref(doc);
	json_decref(path);
	free(from);
	free(p.path);
}

/*
 * The variables of node (a list of name/value, template and conditional
 * items, or a mapping of name: value), in order: a condition or a
 * template path sees the variables set before it, as the service's do.
 */
static void
variables_from(struct compile *c, json_t *node, json_t *ctx,
    const struct place *at, int depth)
{
	struct expr_chain chain = { false, false };
	json_t *item, *value;
	const char *key;
	char *error = NULL;
	size_t i;
	int rc;

	if (depth > MAX_DEPTH)
		return;
	if (json_is_object(node)) {
		json_object_foreach(node, key, value) {
			if (strncmp(key, "${{", 3) != 0) {
				chain.open = false;
				set_variable(c, ctx, key, value);
			} else if ((rc = expr_branch(&chain, key, ctx, &error))
			    == -1)
				add_error(c, error);
			else if (rc == 1)
				variables_from(c, value, ctx, at, depth + 1);
		}
		return;
	}
	json_array_foreach(node, i, item) {
		key = json_object_size(item) == 1 ? json_object_iter_key(
		    json_object_iter(item)) : "";
		if (strncmp(key, "${{", 3) == 0) {
			if ((rc = expr_branch(&chain, key, ctx, &error)) == -1)
				add_error(c, error);
			else if (rc == 1)
				variables_from(c, json_object_get(item, key), ctx,
				    at, depth + 1);
			continue;
		}
		chain.open = false;
		if (json_is_string(json_object_get(item, "template")))
			variables_template(c, item, ctx, at, depth);
		else if (json_is_string(json_object_get(item, "name")))
			set_variable(c, ctx, json_string_value(json_object_get(
			    item, "name")), json_object_get(item, "value"));
		/* - group: a variable group, which the sandbox has none of */
	}
}

/* ---- templates ----------------------------------------------------------- */

/* The repository resource with that alias, and its ref; NULL when the
 * pipeline declares none or it is not in the project. */
static json_t *
resource_repository(struct compile *c, const char *alias, const char **ref,
    bool *declared, bool *github)
{
	json_t *r;
	size_t i;

	*declared = *github = false;
	json_array_foreach(json_object_get(json_object_get(c->yaml,
	    "resources"), "repositories"), i, r) {
		const char *name = json_string_value(json_object_get(r, "name"));
		const char *slash;
		if (strcmp(json_string_value(json_object_get(r, "repository")) ?
		    json_string_value(json_object_get(r, "repository")) : "",
		    alias) != 0)
			continue;
		*declared = true;
		*github = strcasecmp(json_string_value(json_object_get(r,
		    "type")) ? json_string_value(json_object_get(r, "type")) :
		    "", "github") == 0;
		*ref = json_string_value(json_object_get(r, "ref"));
		/* name may be "project/repository" */
		if (name != NULL && (slash = strrchr(name, '/')) != NULL)
			name = slash + 1;
		return *github ? NULL : git_repository_named(c->root, c->project,
		    name);
	}
	return NULL;
}

/* The declared parameter named name, or NULL. */
static json_t *
declared(json_t *decls, const char *name)
{
	json_t *d;
	size_t i;

	json_array_foreach(decls, i, d)
		if (json_is_string(json_object_get(d, "name")) && strcmp(
		    json_string_value(json_object_get(d, "name")), name) == 0)
			return d;
	if (json_is_object(decls))  /* the old form: name: default */
		return json_object_get(decls, name);
	return NULL;
}

/* The parameters a template gets: the given, then each declared default;
 * an undeclared one or a missing required one is an error. */
static json_t *
template_parameters(struct compile *c, const char *shown, json_t *decls,
    json_t *given)
{
	json_t *out = json_object(), *d, *v;
	const char *key;
	size_t i;

	json_object_foreach(given, key, v) {
		if (declared(decls, key) == NULL)
			add_error(c, xasprintf("%s (Line: 1, Col: 1): Unexpected "
			    "parameter '%s'", shown, key));
		json_object_set(out, key, v);
	}
	if (json_is_object(decls)) {
		json_object_foreach(decls, key, v)
			if (json_object_get(out, key) == NULL)
				json_object_set(out, key, v);
		return out;
	}
	json_array_foreach(decls, i, d) {
		key = json_string_value(json_object_get(d, "name"));
		if (key == NULL || json_object_get(out, key) != NULL)
			continue;
		if ((v = json_object_get(d, "default")) != NULL)
			json_object_set(out, key, v);
		else
			add_error(c, xasprintf("%s (Line: 1, Col: 1): A value for "
			    "the '%s' parameter must be provided.", shown, key));
	}
	return out;
}

static void templates_in(struct compile *c, json_t *node, json_t *ctx,
    const struct place *at, int depth);

/* One `template:` reference made from the file at: found, given the
 * parameters it declares, and compiled in turn. Returns what it expands
 * to (a new reference), or NULL. */
static json_t *
follow_template(struct compile *c, json_t *item, json_t *ctx,
    const struct place *at, int depth)
{
	const char *tmpl = json_string_value(json_object_get(item, "template"));
	const char *at_sign = strchr(tmpl, '@');
	struct place p = *at;
	bool is_declared, github;
	json_t *doc, *params, *inner, *expanded = NULL;
	char *shown, *from, *error = NULL;

	if (at_sign != NULL) {
		char *alias = xstrdup(at_sign + 1), *rel;
		const char *ref = NULL;

		p.repo = resource_repository(c, alias, &ref, &is_declared,
		    &github);
		if (!is_declared)
			add_error(c, xasprintf("/%s: The repository alias %s is "
			    "not declared in the pipeline's resources.",
			    at->path, alias));
		p.ref = ref == NULL ? "refs/heads/main" : ref;
		p.alias = json_string_value(json_object_get(item, "template"));
		p.alias = strchr(p.alias, '@') + 1;
		rel = xstrndup(tmpl, (size_t)(at_sign - tmpl));
		/* a path in another repository is from its root */
		p.path = resolve_path("", rel);
		free(rel);
		free(alias);
		if (p.repo == NULL) {   /* missing: the permit check says so */
			free(p.path);
			return NULL;
		}
	} else
		p.path = resolve_path(at->path, tmpl);
	char ref_buf[256];
	if (strncmp(p.ref, "refs/", 5) != 0) {
		snprintf(ref_buf, sizeof ref_buf, "refs/heads/%s", p.ref);
		p.ref = ref_buf;
	}
	shown = xasprintf("/%s%s%s", p.path, p.alias ? "@" : "",
	    p.alias ? p.alias : "");
	from = xasprintf("/%s", at->path);
	doc = load(c, &p, from);
	if (doc != NULL) {
		params = template_parameters(c, shown, json_object_get(doc,
		    "parameters"), json_object_get(item, "parameters"));
		inner = json_pack("{s:o, s:O}", "parameters", params,
		    "variables", json_object_get(ctx, "variables"));
		json_object_del(doc, "parameters");
		expanded = expr_expand(doc, inner, &error);
		if (expanded == NULL)
			add_error(c, xasprintf("%s: %s", shown, error));
		else
			templates_in(c, expanded, inner, &p, depth + 1);
		free(error);
		json_decref(inner);
	}
	json_decref(doc);
	free(from);
	free(shown);
	free(p.path);
	return expanded;
}

/* The steps, jobs or stages a template expands to, or NULL. */
static json_t *
template_items(json_t *expanded)
{
	static const char *const lists[] = { "steps", "jobs", "stages" };
	json_t *items;

	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
		if (json_is_array(items = json_object_get(expanded, lists[i])))
			return items;
	return NULL;
}

/*
 * The items of a template reference put in its place in the list out, as
 * the service does: each remembers the template it came from (its file
 * name, for the sandbox's behaviour and timing) and how many items that
 * reference made.
 */
static void
splice_items(json_t *out, json_t *items, const char *tmpl)
{
	const char *base = strrchr(tmpl, '/');
	char *origin;
	json_t *item;
	size_t i;

	base = base ? base + 1 : tmpl;
	origin = xstrndup(base, strcspn(base, ".@"));
	json_array_foreach(items, i, item) {
		if (json_is_object(item)) {
			json_object_set_new(item, SPLICED_FROM, json_string(
			    origin));
			json_object_set_new(item, SPLICED_COUNT, json_integer(
			    (json_int_t)json_array_size(items)));
		}
		json_array_append(out, item);
	}
	free(origin);
}

/* A list whose template references are followed and replaced by what
 * they expand to. */
static void
templates_in_list(struct compile *c, json_t *list, json_t *ctx,
    const struct place *at, int depth)
{
	json_t *out = json_array(), *v, *expanded, *items;
	size_t i;

	json_array_foreach(list, i, v) {
		if (!json_is_object(v) || !json_is_string(json_object_get(v,
		    "template"))) {
			templates_in(c, v, ctx, at, depth);
			json_array_append(out, v);
			continue;
		}
		expanded = follow_template(c, v, ctx, at, depth);
		if ((items = template_items(expanded)) != NULL)
			splice_items(out, items, json_string_value(
			    json_object_get(v, "template")));
		else
			json_array_append(out, v);
		json_decref(expanded);
	}
	json_array_clear(list);
	json_array_extend(list, out);
	json_decref(out);
}

/* Every template named anywhere in node (stages, jobs, steps, extends). */
static void
templates_in(struct compile *c, json_t *node, json_t *ctx,
    const struct place *at, int depth)
{
	const char *key;
	json_t *v;

	if (depth > MAX_DEPTH)
		return;
	if (json_is_array(node)) {
		templates_in_list(c, node, ctx, at, depth);
		return;
	}
	if (!json_is_object(node))
		return;
	if (json_is_string(json_object_get(node, "template")))
		json_decref(follow_template(c, node, ctx, at, depth));
	json_object_foreach(node, key, v)
		if (strcmp(key, "parameters") != 0)
			templates_in(c, v, ctx, at, depth);
}

int
compile_pipeline(struct compile *c, json_t *doc)
{
	struct place self = { c->repo, c->branch, NULL, NULL };
	json_t *ctx, *body;
	char *error = NULL;

	c->variables = json_object();
	c->error = NULL;
	self.path = resolve_path("", c->path);
	ctx = json_pack("{s:O, s:o}", "parameters", c->params, "variables",
	    system_variables(c));
	variables_from(c, json_object_get(doc, "variables"), ctx, &self, 0);
	body = json_copy(doc);
	json_object_del(body, "variables");
	json_object_del(body, "parameters");
	c->yaml = expr_expand(body, ctx, &error);
	if (c->yaml == NULL)
		add_error(c, xasprintf("/%s: %s", self.path, error));
	else
		templates_in(c, c->yaml, ctx, &self, 0);
	free(error);
	json_decref(body);
	json_decref(ctx);
	free(self.path);
	return c->error == NULL ? 0 : -1;
}

void
compile_free(struct compile *c)
{
	json_decref(c->variables);
	json_decref(c->yaml);
	free(c->error);
	c->variables = c->yaml = NULL;
	c->error = NULL;
}
