/*
 * The sandbox's pipeline resources: environments, agent queues, installed
 * extensions, and the pipeline permissions ("Permit") that say which
 * pipelines may use a repository, service connection, environment or queue.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/handlers.h"
#include "sim/resources.h"
#include "timefmt.h"
#include "xalloc.h"

static char *
now_text(void)
{
	char buf[TIMEFMT_LEN];

	return xstrdup(timefmt_iso8601(time(NULL), buf));
}

/* ---- agent queues ---------------------------------------------------- */

void
resources_new_project(json_t *root, json_t *project)
{
	static const char *const names[] = { "Azure Pipelines", "Default" };

	json_int_t id;
	char *key;

	for (size_t i = 0; i < 2; i++) {
		id = (json_int_t)world_next(root, "queue");
		json_array_append_new(json_object_get(root, "queues"),
		    json_pack("{s:I, s:O, s:s, s:{s:i, s:s, s:b}}", "id", id,
		    "project_id", json_object_get(project, "id"), "name",
		    names[i], "pool", "id", (int)i + 1, "name", names[i],
		    "isHosted", i == 0));
		/* A new project's queues are open to all its pipelines. */
		key = xasprintf("%s/queue/%lld", json_string_value(
		    json_object_get(project, "id")), (long long)id);
		json_object_set_new(json_object_get(root, "permits"), key,
		    json_pack("{s:{s:b}, s:[]}", "allPipelines", "authorized", 1,
		    "pipelines"));
		free(key);
	}
}

static json_t *
queue_json(json_t *q)
{
	return json_pack("{s:O, s:O, s:O, s:{s:O, s:O, s:O, s:s}}", "id",
	    json_object_get(q, "id"), "projectId", json_object_get(q,
	    "project_id"), "name", json_object_get(q, "name"), "pool", "id",
	    json_object_get(json_object_get(q, "pool"), "id"), "name",
	    json_object_get(json_object_get(q, "pool"), "name"), "isHosted",
	    json_object_get(json_object_get(q, "pool"), "isHosted"),
	    "poolType", "automation");
}

static bool
name_matches(const char *name, const char *one, const char *many)
{
	const char *p;
	size_t len;

	if (one != NULL)
		return strcasecmp(name, one) == 0;
	for (p = many; p != NULL && *p != '\0'; p += len + (p[len] == ',')) {
		len = strcspn(p, ",");
		if (strlen(name) == len && strncasecmp(name, p, len) == 0)
			return true;
	}
	return many == NULL;
}

void
handle_queues(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *q, *list;
	const char *one = exchange_query(x, "queueName");
	const char *many = exchange_query(x, "queueNames");
	size_t i;

	project = core_project_or_reply(x, root, x->params[0]);
	if (project != NULL && strcmp(x->method, "GET") != 0)
		exchange_method_not_allowed(x);
	else if (project != NULL) {
		list = json_array();
		json_array_foreach(json_object_get(root, "queues"), i, q) {
			if (!json_equal(json_object_get(q, "project_id"),
			    json_object_get(project, "id")))
				continue;
			if (x->params[1] != NULL ? json_integer_value(
			    json_object_get(q, "id")) == atoll(x->params[1]) :
			    name_matches(json_string_value(json_object_get(q,
			    "name")), one, many))
				json_array_append_new(list, queue_json(q));
		}
		if (x->params[1] != NULL && json_array_size(list) == 1)
			exchange_json(x, 200, json_incref(json_array_get(list,
			    0)));
		else if (x->params[1] != NULL)
			exchange_error(x, 404, "TaskAgentQueueNotFoundException",
			    "Queue with ID %s was not found.", x->params[1]);
		if (x->params[1] != NULL)
			json_decref(list);
		else
			exchange_collection(x, list);
	}
	world_unlock(x->world, false);
}

/* ---- environments ---------------------------------------------------- */

static json_t *
environment_json(json_t *root, json_t *env)
{
	json_t *project = world_project(root, json_string_value(
	    json_object_get(env, "project_id")));
	json_t *user = json_object_get(root, "user");

	return json_pack("{s:O, s:O, s:O, s:{s:O, s:O}, s:O, s:{s:O, s:O}, "
	    "s:O, s:{s:O, s:O}, s:[]}", "id", json_object_get(env, "id"),
	    "name", json_object_get(env, "name"), "description",
	    json_object_get(env, "description"), "createdBy", "id",
	    json_object_get(user, "id"), "displayName", json_object_get(user,
	    "displayName"), "createdOn", json_object_get(env, "created_on"),
	    "lastModifiedBy", "id", json_object_get(user, "id"), "displayName",
	    json_object_get(user, "displayName"), "lastModifiedOn",
	    json_object_get(env, "created_on"), "project", "id",
	    json_object_get(project, "id"), "name", json_object_get(project,
	    "name"), "resources");
}

static void
create_environment(struct exchange *x, json_t *root, json_t *project,
    bool *changed)
{
	const char *name = json_string_value(json_object_get(x->body, "name"));
	const char *desc = json_string_value(json_object_get(x->body,
	    "description"));
	json_t *env;
	char *when;
	size_t i;

	if (name == NULL || name[0] == '\0') {
		exchange_error(x, 400, "ArgumentNullException", "Value cannot "
		    "be null.\r\nParameter name: environmentCreateParameter."
		    "Name");
		return;
	}
	json_array_foreach(json_object_get(root, "environments"), i, env) {
		if (json_equal(json_object_get(env, "project_id"),
		    json_object_get(project, "id")) && strcasecmp(
		    json_string_value(json_object_get(env, "name")), name) == 0) {
			exchange_error(x, 409, "EnvironmentExistsException",
			    "Environment with name %s already exists.", name);
			return;
		}
	}
	when = now_text();
	env = json_pack("{s:I, s:O, s:s, s:s, s:s}", "id",
	    (json_int_t)world_next(root, "environment"), "project_id",
	    json_object_get(project, "id"), "name", name, "description",
	    desc ? desc : "", "created_on", when);
	free(when);
	json_array_append_new(json_object_get(root, "environments"), env);
	*changed = true;
	exchange_json(x, 200, environment_json(root, env));
}

/* DELETE: 204, or 404 as a GET of a missing one answers. */
static void
delete_environment(struct exchange *x, json_t *root, json_t *project,
    long long id, bool *changed)
{
	json_t *list = json_object_get(root, "environments"), *env;
	size_t i;

	json_array_foreach(list, i, env)
		if (json_equal(json_object_get(env, "project_id"),
		    json_object_get(project, "id")) &&
		    json_integer_value(json_object_get(env, "id")) == id) {
			json_array_remove(list, i);
			*changed = true;
			exchange_no_content(x);
			return;
		}
	exchange_error(x, 404, "EnvironmentNotFoundException", "Environment "
	    "with id %lld does not exist.", id);
}

void
handle_environments(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *env, *list;
	const char *name = exchange_query(x, "name");
	bool changed = false;
	size_t i;

	project = core_project_or_reply(x, root, x->params[0]);
	if (project == NULL)
		;
	else if (strcmp(x->method, "POST") == 0 && x->params[1] == NULL)
		create_environment(x, root, project, &changed);
	else if (strcmp(x->method, "DELETE") == 0 && x->params[1] != NULL)
		delete_environment(x, root, project, atoll(x->params[1]),
		    &changed);
	else if (strcmp(x->method, "GET") != 0)
		exchange_method_not_allowed(x);
	else {
		list = json_array();
		json_array_foreach(json_object_get(root, "environments"), i,
		    env) {
			if (!json_equal(json_object_get(env, "project_id"),
			    json_object_get(project, "id")))
				continue;
			if (x->params[1] != NULL ? json_integer_value(
			    json_object_get(env, "id")) == atoll(x->params[1]) :
			    (name == NULL || strcasecmp(name, json_string_value(
			    json_object_get(env, "name"))) == 0))
				json_array_append_new(list, environment_json(
				    root, env));
		}
		if (x->params[1] == NULL)
			exchange_collection(x, list);
		else {
			if (json_array_size(list) == 1)
				exchange_json(x, 200, json_incref(
				    json_array_get(list, 0)));
			else
				exchange_error(x, 404,
				    "EnvironmentNotFoundException", "Environment "
				    "with id %s does not exist.", x->params[1]);
			json_decref(list);
		}
	}
	world_unlock(x->world, changed);
}

/* ---- installed extensions -------------------------------------------- */

void
handle_installed_extensions(struct exchange *x)
{
	json_t *root = world_lock(x->world), *list;
	char *id = xasprintf("%s.%s", x->params[0], x->params[1]);
	bool installed, changed = false;
	size_t i;
	json_t *item;

	list = json_object_get(json_object_get(root, "settings"),
	    "installed_extensions");
	installed = false;
	json_array_foreach(list, i, item)
		if (strcasecmp(json_string_value(item), id) == 0)
			installed = true;
	if (strcmp(x->method, "POST") == 0 && !installed) {
		json_array_append_new(list, json_string(id));
		installed = changed = true;
	}
	if (installed && (strcmp(x->method, "GET") == 0 ||
	    strcmp(x->method, "POST") == 0))
		exchange_json(x, 200, json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:i}}",
		    "extensionId", x->params[1], "extensionName", x->params[1],
		    "publisherId", x->params[0], "publisherName", x->params[0],
		    "version", x->params[2] ? x->params[2] : "1.0.0",
		    "installState", "flags", 0));
	else if (strcmp(x->method, "GET") == 0)
		exchange_error(x, 404, "InstalledExtensionNotFoundException",
		    "The extension '%s' is not installed in this organization.",
		    id);
	else
		exchange_method_not_allowed(x);
	free(id);
	world_unlock(x->world, changed);
}

/* ---- pipeline permissions -------------------------------------------- */

static bool
known_resource_type(const char *type)
{
	static const char *const types[] = { "repository", "endpoint",
		"environment", "queue", "variablegroup", "securefile" };

	for (size_t i = 0; type != NULL && i < 6; i++)
		if (strcasecmp(type, types[i]) == 0)
			return true;
	return false;
}

static char *
permit_key(json_t *project, const char *type, const char *id)
{
	char *key = xasprintf("%s/%s/%s", json_string_value(json_object_get(
	    project, "id")), type, id);

	for (char *p = key; *p != '\0'; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	return key;
}

bool
permits_authorized(json_t *root, json_t *project, const char *type,
    const char *id, json_int_t pipeline)
{
	char *key = permit_key(project, type, id);
	json_t *p = json_object_get(json_object_get(root, "permits"), key), *e;
	bool ok = json_is_true(json_object_get(json_object_get(p,
	    "allPipelines"), "authorized"));
	size_t i;

	json_array_foreach(json_object_get(p, "pipelines"), i, e)
		if (json_integer_value(json_object_get(e, "id")) == pipeline &&
		    json_is_true(json_object_get(e, "authorized")))
			ok = true;
	free(key);
	return ok;
}

static json_t *
permit_json(json_t *root, json_t *project, const char *type, const char *id)
{
	char *key = permit_key(project, type, id);
	json_t *p = json_object_get(json_object_get(root, "permits"), key);
	json_t *j = json_pack("{s:{s:s, s:s}, s:o}", "resource", "type", type,
	    "id", id, "pipelines", p ? json_deep_copy(json_object_get(p,
	    "pipelines")) : json_array());

	if (p != NULL && json_object_get(p, "allPipelines") != NULL)
		json_object_set(j, "allPipelines", json_object_get(p,
		    "allPipelines"));
	free(key);
	return j;
}

static json_t *
authorization(json_t *root, bool authorized)
{
	json_t *user = json_object_get(root, "user");
	char *when = now_text();
	json_t *a = json_pack("{s:b, s:{s:O, s:O}, s:s}", "authorized",
	    authorized, "authorizedBy", "id", json_object_get(user, "id"),
	    "displayName", json_object_get(user, "displayName"),
	    "authorizedOn", when);

	free(when);
	return a;
}

/* Merge one resource's PATCH body; returns -1 after replying on an error. */
static int
update_permit(struct exchange *x, json_t *root, json_t *project,
    const char *type, const char *id, json_t *body)
{
	char *key;
	json_t *permits = json_object_get(root, "permits"), *p, *all, *e, *old;
	size_t i, j;

	if (!known_resource_type(type) || id == NULL || (strcasecmp(type,
	    "repository") == 0 && strchr(id, '.') == NULL)) {
		exchange_error(x, 400, "InvalidArgumentValueException", "The "
		    "resource %s/%s is not valid; a repository is "
		    "{projectId}.{repositoryId}.", type ? type : "?",
		    id ? id : "?");
		return -1;
	}
	key = permit_key(project, type, id);
	p = json_object_get(permits, key);
	if (p == NULL) {
		p = json_pack("{s:[]}", "pipelines");
		json_object_set_new(permits, key, p);
	}
	free(key);
	all = json_object_get(body, "allPipelines");
	if (all != NULL)
		json_object_set_new(p, "allPipelines", authorization(root,
		    json_is_true(json_object_get(all, "authorized"))));
	json_array_foreach(json_object_get(body, "pipelines"), i, e) {
		json_t *entry = authorization(root, json_is_true(
		    json_object_get(e, "authorized")));
		json_object_set(entry, "id", json_object_get(e, "id"));
		json_array_foreach(json_object_get(p, "pipelines"), j, old)
			if (json_equal(json_object_get(old, "id"),
			    json_object_get(e, "id")))
				json_array_remove(json_object_get(p,
				    "pipelines"), j--);
		json_array_append_new(json_object_get(p, "pipelines"), entry);
	}
	return 0;
}

void
handle_pipeline_permissions(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *list, *item;
	const char *type = x->params[1], *id = x->params[2];
	bool changed = false;
	size_t i;

	project = core_project_or_reply(x, root, x->params[0]);
	if (project == NULL)
		;
	else if (type != NULL && strcmp(x->method, "GET") == 0)
		exchange_json(x, 200, permit_json(root, project, type, id ? id :
		    ""));
	else if (type != NULL && strcmp(x->method, "PATCH") == 0) {
		if (update_permit(x, root, project, type, id, x->body) == 0) {
			changed = true;
			exchange_json(x, 200, permit_json(root, project, type,
			    id));
		}
	} else if (type == NULL && strcmp(x->method, "PATCH") == 0 &&
	    json_is_array(x->body)) {
		list = json_array();
		json_array_foreach(x->body, i, item) {
			json_t *res = json_object_get(item, "resource");
			const char *t = json_string_value(json_object_get(res,
			    "type")), *rid = json_string_value(json_object_get(
			    res, "id"));
			if (update_permit(x, root, project, t, rid, item) == -1)
				break;
			changed = true;
			json_array_append_new(list, permit_json(root, project, t,
			    rid));
		}
		if (x->status == 0)
			exchange_collection(x, list);
		else
			json_decref(list);
	} else
		exchange_method_not_allowed(x);
	world_unlock(x->world, changed);
}
