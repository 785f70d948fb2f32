/*
 * The sandbox's Location, core and operations areas: who am I, resource
 * areas, projects (created through an asynchronous operation), processes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "paths.h"
#include "sim/handlers.h"
#include "sim/resources.h"
#include "sim/security.h"
#include "timefmt.h"
#include "xalloc.h"

/* How long the simulated project creation takes, before time scaling. */
#define OPERATION_QUEUED_MS 1000
#define OPERATION_DONE_MS 4000

static bool
is_get(const struct exchange *x)
{
	return strcmp(x->method, "GET") == 0;
}

/* ---- Location ------------------------------------------------------- */

static json_t *
identity_json(json_t *user)
{
	const char *unique = json_string_value(json_object_get(user,
	    "uniqueName"));
	char *descriptor = xasprintf("Microsoft.IdentityModel.Claims."
	    "ClaimsIdentity;sandbox\\%s", unique);
	json_t *id = json_pack("{s:O, s:s, s:O, s:O, s:b, s:{s:{s:s, s:s}}}",
	    "id", json_object_get(user, "id"), "descriptor", descriptor,
	    "providerDisplayName", json_object_get(user, "displayName"),
	    "customDisplayName", json_object_get(user, "displayName"),
	    "isActive", 1, "properties", "Account", "$type", "System.String",
	    "$value", unique);

	free(descriptor);
	return id;
}

void
handle_connection_data(struct exchange *x)
{
	json_t *root, *user;

	if (!is_get(x)) {
		exchange_method_not_allowed(x);
		return;
	}
	root = world_lock(x->world);
	user = json_object_get(root, "user");
	exchange_json(x, 200, json_pack("{s:o, s:o, s:O, s:s, s:s, s:{s:s, "
	    "s:s}}",
	    "authenticatedUser", identity_json(user),
	    "authorizedUser", identity_json(user),
	    "instanceId", json_object_get(root, "instance_id"),
	    "deploymentId", "00000000-0000-4000-8000-00000000d1d1",
	    "deploymentType", "hosted",
	    "locationServiceData", "serviceOwner",
	    "00025394-6065-48ca-87d9-7f5672854ef7",
	    "defaultAccessMappingMoniker", "PublicAccessMapping"));
	world_unlock(x->world, false);
}

void
handle_resource_areas(struct exchange *x)
{
	static const struct {
		const char *id, *name;
	} areas[] = {
		{ "79134c72-4a58-4b42-976c-04e7115f32bf", "core" },
		{ "4e080c62-fa21-4fbc-8fef-2a10a2b38049", "git" },
		{ "965220d5-5bb9-42cf-8d67-9b146df2a5a4", "build" },
		{ "5264459e-e5e0-4bd8-b118-0985e68a4ec5", "wit" },
		{ "a85b8835-c1a1-4aac-ae97-1c3d0ba72dbd", "distributedtask" },
		{ "1814ab31-2f4f-4a9f-8761-f4d77dc5a5d7", "serviceendpoint" },
		{ "fb13a388-40dd-4a04-b530-013a739c72ef", "policy" },
		{ "8a3d49b8-91f0-46ef-b33d-dda338c25db3", "IMS" },
		{ "a81a0441-de52-4000-aa15-ff0e07bfbbaa",
		    "pipelinePermissions" },
		{ "6c2b0933-3600-42ae-bf8b-93d4f7e83594",
		    "ExtensionManagement" },
	};
	char *url = xasprintf("%s/", x->base_url);
	json_t *list = json_array();

	for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++)
		if (x->params[0] == NULL ||
		    strcasecmp(x->params[0], areas[i].id) == 0)
			json_array_append_new(list, json_pack("{s:s, s:s, s:s}",
			    "id", areas[i].id, "name", areas[i].name,
			    "locationUrl", url));
	free(url);
	if (x->params[0] != NULL) {
		if (json_array_size(list) == 1)
			exchange_json(x, 200, json_incref(json_array_get(list,
			    0)));
		else
			exchange_error(x, 404,
			    "VssResourceAreaNotFoundException", "The resource "
			    "area '%s' was not found.", x->params[0]);
		json_decref(list);
		return;
	}
	exchange_collection(x, list);
}

/* ---- operations ----------------------------------------------------- */

/* The status of an operation now: notSet, inProgress, then succeeded. */
static const char *
operation_status(json_t *root, json_t *op)
{
	long long age = world_now_ms() -
	    json_integer_value(json_object_get(op, "created_ms"));

	if (age >= world_scaled_ms(root, OPERATION_DONE_MS))
		return "succeeded";
	if (age >= world_scaled_ms(root, OPERATION_QUEUED_MS))
		return "inProgress";
	return "notSet";
}

static json_t *
operation_json(struct exchange *x, json_t *root, json_t *op)
{
	const char *id = json_string_value(json_object_get(op, "id"));
	char *url = xasprintf("%s/_apis/operations/%s", x->base_url, id);
	const char *status = operation_status(root, op);
	json_t *j = json_pack("{s:s, s:s, s:s, s:{s:{s:s}}}", "id", id,
	    "status", status, "url", url, "_links", "self", "href", url);

	if (strcmp(status, "succeeded") == 0)
		json_object_set_new(j, "resultMessage", json_null());
	free(url);
	return j;
}

void
handle_operations(struct exchange *x)
{
	json_t *root, *op;

	if (!is_get(x)) {
		exchange_method_not_allowed(x);
		return;
	}
	root = world_lock(x->world);
	op = x->params[0] ? world_find(json_object_get(root, "operations"), "id",
	    x->params[0]) : NULL;
	if (op != NULL)
		exchange_json(x, 200, operation_json(x, root, op));
	else
		exchange_error(x, 404, "OperationNotFoundException",
		    "The operation with id %s does not exist.",
		    x->params[0] ? x->params[0] : "");
	world_unlock(x->world, false);
}

/* ---- processes ------------------------------------------------------ */

void
handle_processes(struct exchange *x)
{
	json_t *root, *list, *p;
	char *url;
	size_t i;

	if (!is_get(x)) {
		exchange_method_not_allowed(x);
		return;
	}
	root = world_lock(x->world);
	list = json_deep_copy(json_object_get(root, "processes"));
	world_unlock(x->world, false);
	json_array_foreach(list, i, p) {
		url = xasprintf("%s/_apis/process/processes/%s", x->base_url,
		    json_string_value(json_object_get(p, "id")));
		json_object_set_new(p, "url", json_string(url));
		free(url);
	}
	if (x->params[0] == NULL) {
		exchange_collection(x, list);
		return;
	}
	p = world_find(list, "id", x->params[0]);
	if (p != NULL)
		exchange_json(x, 200, json_incref(p));
	else
		exchange_error(x, 404, "ProcessNotFoundException",
		    "VS402362: The process %s does not exist.", x->params[0]);
	json_decref(list);
}

/* ---- projects ------------------------------------------------------- */

/* A project is wellFormed once its creating operation has succeeded. */
static const char *
project_state(json_t *root, json_t *project)
{
	json_t *op = world_find(json_object_get(root, "operations"), "id",
	    json_string_value(json_object_get(project, "operation")));

	if (op == NULL || strcmp(operation_status(root, op), "succeeded") == 0)
		return "wellFormed";
	return "createPending";
}

static json_t *
project_json(struct exchange *x, json_t *root, json_t *p, bool full)
{
	const char *id = json_string_value(json_object_get(p, "id"));
	char *url = xasprintf("%s/_apis/projects/%s", x->base_url, id);
	char *when = timefmt_iso8601_ms(json_integer_value(json_object_get(p,
	    "created_ms")));
	json_t *j = json_pack("{s:s, s:O, s:O, s:s, s:s, s:i, s:O, s:s}",
	    "id", id, "name", json_object_get(p, "name"),
	    "description", json_object_get(p, "description"), "url", url,
	    "state", project_state(root, p), "revision", 1,
	    "visibility", json_object_get(p, "visibility"),
	    "lastUpdateTime", when);
	char *coll;

	if (full) {
		coll = xasprintf("%s/_apis/projectCollections/%s", x->base_url,
		    json_string_value(json_object_get(root, "instance_id")));
		json_object_set_new(j, "_links", json_pack("{s:{s:s}, s:{s:s}}",
		    "self", "href", url, "collection", "href", coll));
		json_object_set_new(j, "capabilities", json_pack("{s:{s:s, "
		    "s:s, s:s}, s:{s:s, s:O}}", "versioncontrol",
		    "sourceControlType", "Git", "gitEnabled", "True",
		    "tfvcEnabled", "False", "processTemplate", "templateName",
		    json_string_value(json_object_get(p, "process_name")),
		    "templateTypeId", json_object_get(p, "process_id")));
		free(coll);
	}
	free(when);
	free(url);
	return j;
}

json_t *
core_project_reference(struct exchange *x, json_t *root, json_t *p)
{
	const char *id = json_string_value(json_object_get(p, "id"));
	char *url = xasprintf("%s/_apis/projects/%s", x->base_url, id);
	json_t *j = json_pack("{s:s, s:O, s:s, s:s, s:i, s:O}", "id", id,
	    "name", json_object_get(p, "name"), "url", url,
	    "state", project_state(root, p), "revision", 1,
	    "visibility", json_object_get(p, "visibility"));

	free(url);
	return j;
}

/*
 * The projects, a page at a time when $top is given: the rest is behind
 * the x-ms-continuationtoken header, as the real service pages them.
 */
static void
list_projects(struct exchange *x, json_t *root)
{
	const char *filter = exchange_query(x, "stateFilter");
	const char *top = exchange_query(x, "$top");
	const char *from = exchange_query(x, "continuationToken");
	size_t skip = from ? (size_t)atol(from) : 0, limit = top ?
	    (size_t)atol(top) : (size_t)-1, seen = 0;
	json_t *list = json_array(), *p;
	const char *state;
	char next[24];
	size_t i;

	json_array_foreach(json_object_get(root, "projects"), i, p) {
		state = project_state(root, p);
		if (filter == NULL || strcasecmp(filter, "all") != 0) {
			if (strcasecmp(filter ? filter : "wellFormed", state))
				continue;
		}
		if (seen++ < skip)
			continue;
		if (json_array_size(list) == limit) {
			snprintf(next, sizeof next, "%zu", seen - 1);
			exchange_add_header(x, "x-ms-continuationtoken", next);
			break;
		}
		json_array_append_new(list, project_json(x, root, p, false));
	}
	exchange_collection(x, list);
}

void
core_project_not_found(struct exchange *x, const char *name)
{
	exchange_error(x, 404, "ProjectDoesNotExistWithNameException",
	    "TF200016: The following project does not exist: %s. Verify that "
	    "the name of the project is correct and that the project exists "
	    "on the specified Azure DevOps Server.", name ? name : "");
}

json_t *
core_project_or_reply(struct exchange *x, json_t *root, const char *name)
{
	json_t *project = world_project(root, name);

	if (project == NULL)
		core_project_not_found(x, name);
	return project;
}

static void
get_project(struct exchange *x, json_t *root)
{
	json_t *p = core_project_or_reply(x, root, x->params[0]);

	if (p != NULL)
		exchange_json(x, 200, project_json(x, root, p, true));
}

static json_t *
chosen_process(struct exchange *x, json_t *root)
{
	json_t *processes = json_object_get(root, "processes");
	const char *id = json_string_value(json_object_get(json_object_get(
	    json_object_get(x->body, "capabilities"), "processTemplate"),
	    "templateTypeId"));

	json_t *p;
	size_t i;

	if (id != NULL)
		return world_find(processes, "id", id);
	json_array_foreach(processes, i, p)
		if (json_is_true(json_object_get(p, "isDefault")))
			return p;
	return json_array_get(processes, 0);
}

/* Checks of a project create body; replies and returns -1 on a refusal. */
static int
check_new_project(struct exchange *x, json_t *root, const char *name)
{
	if (name == NULL || name[0] == '\0') {
		exchange_error(x, 400, "ArgumentNullException",
		    "Value cannot be null.\r\nParameter name: projectToCreate."
		    "Name");
		return -1;
	}
	if (strlen(name) > 64 || strpbrk(name, "\\/:*?\"<>|;#$*{},+=[]")) {
		exchange_error(x, 400, "ProjectNameNotValidException",
		    "TF200020: The following project name is not valid: %s. "
		    "Verify that the name meets the naming conventions.", name);
		return -1;
	}
	/* The status is not documented; a conflict is what ADO gives for
	 * other names already taken. */
	if (world_find(json_object_get(root, "projects"), "name", name)) {
		exchange_error(x, 409, "ProjectAlreadyExistsException",
		    "TF200019: The following project already exists on the "
		    "Azure DevOps Server: %s. You cannot create a new project "
		    "with the same name as an existing project. Provide a "
		    "different name.", name);
		return -1;
	}
	return 0;
}

static void
create_project(struct exchange *x, json_t *root, bool *changed)
{
	const char *name = json_string_value(json_object_get(x->body, "name"));
	const char *vis = json_string_value(json_object_get(x->body,
	    "visibility"));
	const char *desc = json_string_value(json_object_get(x->body,
	    "description"));
	json_t *process = chosen_process(x, root);
	char *project_id, *op_id;
	long long now = world_now_ms();

	if (!security_operator_is_admin(root)) {
		/* The service's words (TF50309) when the operator lacks
		 * Create new projects at the organization. */
		exchange_error(x, 403, "AccessCheckException", "TF50309: The "
		    "following account does not have sufficient permissions to "
		    "complete the operation: %s. The following permissions are "
		    "needed to perform this operation: Create new projects.",
		    json_string_value(json_object_get(json_object_get(root,
		    "user"), "displayName")));
		return;
	}
	if (check_new_project(x, root, name) == -1)
		return;
	if (process == NULL) {
		exchange_error(x, 400, "ProcessNotFoundException",
		    "VS402362: The process specified does not exist.");
		return;
	}
	project_id = world_new_guid();
	op_id = world_new_guid();
	json_array_append_new(json_object_get(root, "operations"), json_pack(
	    "{s:s, s:I, s:s}", "id", op_id, "created_ms", (json_int_t)now,
	    "kind", "project-create"));
	json_array_append_new(json_object_get(root, "projects"), json_pack(
	    "{s:s, s:s, s:s, s:s, s:O, s:O, s:I, s:s}", "id", project_id,
	    "name", name, "description", desc ? desc : "", "visibility", vis ? vis :
	    "private", "process_id", json_object_get(process, "id"),
	    "process_name", json_object_get(process, "name"),
	    "created_ms", (json_int_t)now, "operation", op_id));
	*changed = true;
	security_new_project(root, world_project(root, project_id));
	resources_new_project(root, world_project(root, project_id));
	/* Like the real service, a new project has an empty repository
	 * named after it. */
	if (git_create_repository(x, root, world_project(root, project_id),
	    name) == NULL) {
		exchange_error(x, 500, "GitRepositoryCreateException",
		    "The project's repository could not be created.");
		return;
	}
	exchange_json(x, 202, operation_json(x, root, world_find(
	    json_object_get(root, "operations"), "id", op_id)));
	free(project_id);
	free(op_id);
}

/* Remove from root's array key every item whose field equals value. */
static void
remove_where(json_t *root, const char *key, const char *field,
    json_t *value)
{
	json_t *list = json_object_get(root, key);

	for (size_t i = json_array_size(list); i-- > 0;)
		if (json_equal(json_object_get(json_array_get(list, i), field),
		    value))
			json_array_remove(list, i);
}

/* The project's repositories, their bare clones and imports. */
static void
remove_repositories(struct exchange *x, json_t *root, json_t *pid)
{
	json_t *list = json_object_get(root, "repositories"), *repo;

	for (size_t i = json_array_size(list); i-- > 0;) {
		char *path;

		repo = json_array_get(list, i);
		if (!json_equal(json_object_get(repo, "project_id"), pid))
			continue;
		path = git_repo_path(x, repo);
		paths_remove_tree(path);
		free(path);
		remove_where(root, "imports", "repository_id",
		    json_object_get(repo, "id"));
		json_array_remove(list, i);
	}
}

/* Service connections shared with the project lose it; one shared with
 * no other project goes with it. */
static void
unshare_endpoints(json_t *root, json_t *pid)
{
	json_t *list = json_object_get(root, "endpoints"), *refs;

	for (size_t i = json_array_size(list); i-- > 0;) {
		refs = json_object_get(json_array_get(list, i),
		    "serviceEndpointProjectReferences");
		for (size_t r = json_array_size(refs); r-- > 0;)
			if (json_equal(json_object_get(json_object_get(
			    json_array_get(refs, r), "projectReference"), "id"),
			    pid))
				json_array_remove(refs, r);
		if (json_array_size(refs) == 0)
			json_array_remove(list, i);
	}
}

/* The access control lists of tokens naming the project ("{id}",
 * "repoV2/{id}/..."), in every namespace. */
static void
remove_acls(json_t *root, const char *pid)
{
	const char *ns, *token;
	json_t *tokens, *ace;
	void *t1, *t2;

	json_object_foreach_safe(json_object_get(root, "acls"), t1, ns, tokens)
		json_object_foreach_safe(tokens, t2, token, ace)
			if (strstr(token, pid) != NULL)
				json_object_del(tokens, token);
}

/*
 * DELETE a project: queued as an operation (202 and its reference) that
 * takes everything in the project with it - repositories, pipelines,
 * runs, folders, environments, the pipeline permissions.
 */
static void
delete_project(struct exchange *x, json_t *root, bool *changed)
{
	json_t *p = core_project_or_reply(x, root, x->params[0]), *pid;
	json_t *permits = json_object_get(root, "permits"), *permit;
	char *op_id, *prefix;
	const char *key;
	void *tmp;

	if (p == NULL)
		return;
	pid = json_incref(json_object_get(p, "id"));
	remove_repositories(x, root, pid);
	remove_where(root, "builds", "project_id", pid);
	remove_where(root, "definitions", "project_id", pid);
	remove_where(root, "folders", "project_id", pid);
	remove_where(root, "environments", "project_id", pid);
	remove_where(root, "queues", "project_id", pid);
	/* Its build service identity, and the rights held on its objects. */
	remove_where(root, "identities", "scope", pid);
	remove_acls(root, json_string_value(pid));
	unshare_endpoints(root, pid);
	prefix = xasprintf("%s/", json_string_value(pid));
	json_object_foreach_safe(permits, tmp, key, permit)
		if (strncmp(key, prefix, strlen(prefix)) == 0)
			json_object_del(permits, key);
	free(prefix);
	remove_where(root, "projects", "id", pid);
	json_decref(pid);
	op_id = world_new_guid();
	json_array_append_new(json_object_get(root, "operations"), json_pack(
	    "{s:s, s:I, s:s}", "id", op_id, "created_ms",
	    (json_int_t)world_now_ms(), "kind", "project-delete"));
	*changed = true;
	exchange_json(x, 202, operation_json(x, root, world_find(
	    json_object_get(root, "operations"), "id", op_id)));
	free(op_id);
}

void
handle_projects(struct exchange *x)
{
	json_t *root = world_lock(x->world);
	bool changed = false;

	if (is_get(x) && x->params[0] == NULL)
		list_projects(x, root);
	else if (is_get(x))
		get_project(x, root);
	else if (strcmp(x->method, "POST") == 0 && x->params[0] == NULL)
		create_project(x, root, &changed);
	else if (strcmp(x->method, "DELETE") == 0 && x->params[0] != NULL)
		delete_project(x, root, &changed);
	else
		exchange_method_not_allowed(x);
	world_unlock(x->world, changed);
}
