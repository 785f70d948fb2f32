/*
 * The sandbox's pipelines as definitions: build definitions and folders
 * (the Build API) and pipelines (the Pipelines API) over one store, since
 * a YAML pipeline is a build definition with the same id.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/handlers.h"
#include "sim/pipelines.h"
#include "xalloc.h"

/* "\a\b", from "a/b", "\a\b\", "/a/b" or "" (the root is "\"). */
char *
pipelines_folder_path(const char *path)
{
	char *out = xmalloc(strlen(path ? path : "") + 2), *o = out;

	*o++ = '\\';
	for (const char *p = path ? path : ""; *p != '\0'; p++) {
		char c = *p == '/' ? '\\' : *p;
		if (c == '\\' && o[-1] == '\\')
			continue;
		*o++ = c;
	}
	if (o > out + 1 && o[-1] == '\\')
		o--;
	*o = '\0';
	return out;
}

json_t *
pipelines_find(json_t *root, json_t *project, json_int_t id)
{
	json_t *d;
	size_t i;

	json_array_foreach(json_object_get(root, "definitions"), i, d)
		if (json_integer_value(json_object_get(d, "id")) == id &&
		    json_equal(json_object_get(d, "project_id"),
		    json_object_get(project, "id")))
			return d;
	return NULL;
}

/* Make folder path and its parents exist. */
static void
ensure_folder(json_t *root, json_t *project, const char *path)
{
	char *parent;
	json_t *f;
	size_t i;

	if (strcmp(path, "\\") == 0)
		return;
	parent = xstrndup(path, (size_t)(strrchr(path, '\\') - path));
	if (parent[0] != '\0')
		ensure_folder(root, project, parent);
	free(parent);
	json_array_foreach(json_object_get(root, "folders"), i, f)
		if (json_equal(json_object_get(f, "project_id"),
		    json_object_get(project, "id")) && strcasecmp(
		    json_string_value(json_object_get(f, "path")), path) == 0)
			return;
	json_array_append_new(json_object_get(root, "folders"), json_pack(
	    "{s:O, s:s}", "project_id", json_object_get(project, "id"), "path",
	    path));
}

/* Create a definition; NULL after replying when the name is taken. */
json_t *
pipelines_create(struct exchange *x, json_t *root, json_t *project,
    const char *name, const char *folder, json_t *repo, const char *yaml)
{
	char *path = pipelines_folder_path(folder);
	json_t *d;
	size_t i;

	json_array_foreach(json_object_get(root, "definitions"), i, d) {
		if (json_equal(json_object_get(d, "project_id"),
		    json_object_get(project, "id")) && strcasecmp(
		    json_string_value(json_object_get(d, "name")), name) == 0 &&
		    strcasecmp(json_string_value(json_object_get(d, "path")),
		    path) == 0) {
			if (x != NULL)
				exchange_error(x, 409,
				    "DefinitionExistsException", "Build pipeline "
				    "%s already exists for project %s.", name,
				    json_string_value(json_object_get(project,
				    "name")));
			free(path);
			return NULL;
		}
	}
	ensure_folder(root, project, path);
	d = json_pack("{s:I, s:O, s:s, s:s, s:O, s:s, s:i, s:I}", "id",
	    (json_int_t)world_next(root, "definition"), "project_id",
	    json_object_get(project, "id"), "name", name, "path", path,
	    "repository_id", json_object_get(repo, "id"), "yaml_path",
	    yaml[0] == '/' ? yaml : "/", "revision", 1, "created_ms",
	    (json_int_t)world_now_ms());
	if (yaml[0] != '/')
		json_object_set_new(d, "yaml_path", json_sprintf("/%s", yaml));
	json_array_append_new(json_object_get(root, "definitions"), d);
	free(path);
	return d;
}

static json_t *
find_repo(json_t *root, json_t *project, json_t *ref)
{
	const char *id = json_string_value(json_object_get(ref, "id"));
	const char *name = json_string_value(json_object_get(ref, "name"));
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(root, "repositories"), i, r) {
		if (!json_equal(json_object_get(r, "project_id"),
		    json_object_get(project, "id")))
			continue;
		if ((id && strcasecmp(id, json_string_value(json_object_get(r,
		    "id"))) == 0) || (!id && name && strcasecmp(name,
		    json_string_value(json_object_get(r, "name"))) == 0))
			return r;
	}
	return NULL;
}

/* ---- the Pipelines API ------------------------------------------------ */

json_t *
pipelines_pipeline_json(struct exchange *x, json_t *d)
{
	json_int_t id = json_integer_value(json_object_get(d, "id"));
	char *url = xasprintf("%s/%s/_apis/pipelines/%lld", x->base_url,
	    json_string_value(json_object_get(d, "project_id")),
	    (long long)id);
	char *web = xasprintf("%s/%s/_build/definition?definitionId=%lld",
	    x->base_url, json_string_value(json_object_get(d, "project_id")),
	    (long long)id);
	json_t *j = json_pack("{s:I, s:O, s:O, s:O, s:s, s:{s:s, s:O, s:{s:O, "
	    "s:s}}, s:{s:{s:s}, s:{s:s}}}", "id", id, "name",
	    json_object_get(d, "name"), "folder", json_object_get(d, "path"),
	    "revision", json_object_get(d, "revision"), "url", url,
	    "configuration", "type", "yaml", "path", json_object_get(d,
	    "yaml_path"), "repository", "id", json_object_get(d,
	    "repository_id"), "type", "azureReposGit", "_links", "self",
	    "href", url, "web", "href", web);

	free(web);
	free(url);
	return j;
}

static void
create_pipeline(struct exchange *x, json_t *root, json_t *project,
    bool *changed)
{
	json_t *conf = json_object_get(x->body, "configuration");
	const char *name = json_string_value(json_object_get(x->body, "name"));
	const char *folder = json_string_value(json_object_get(x->body,
	    "folder"));
	const char *type = json_string_value(json_object_get(conf, "type"));
	const char *path = json_string_value(json_object_get(conf, "path"));
	json_t *repo = find_repo(root, project, json_object_get(conf,
	    "repository")), *d;

	if (type == NULL || strcmp(type, "yaml") != 0) {
		exchange_error(x, 400, "PipelineValidationException", "This API "
		    "does not support creating pipelines of configuration type "
		    "%s.", type ? type : "(none)");
		return;
	}
	if (name == NULL || path == NULL) {
		exchange_error(x, 400, "ArgumentNullException", "Value cannot "
		    "be null.\r\nParameter name: %s", name ? "Path" : "Name");
		return;
	}
	if (repo == NULL) {
		const char *rid = json_string_value(json_object_get(
		    json_object_get(conf, "repository"), "id"));
		exchange_error(x, 404, "GitRepositoryNotFoundException",
		    "TF401019: The Git repository with name or identifier %s "
		    "does not exist or you do not have permissions for the "
		    "operation you are attempting.", rid ? rid : "");
		return;
	}
	d = pipelines_create(x, root, project, name, folder, repo, path);
	if (d == NULL)
		return;
	*changed = true;
	exchange_json(x, 200, pipelines_pipeline_json(x, d));
}

void
handle_pipelines(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *d, *list;
	bool changed = false;
	size_t i;

	project = core_project_or_reply(x, root, x->params[0]);
	if (project == NULL)
		;
	else if (x->params[1] == NULL && strcmp(x->method, "POST") == 0)
		create_pipeline(x, root, project, &changed);
	else if (strcmp(x->method, "GET") != 0)
		exchange_method_not_allowed(x);
	else if (x->params[1] != NULL) {
		d = pipelines_find(root, project, atoll(x->params[1]));
		if (d != NULL)
			exchange_json(x, 200, pipelines_pipeline_json(x, d));
		else
			exchange_error(x, 404, "PipelineNotFoundException",
			    "Pipeline with id %s was not found.", x->params[1]);
	} else {
		list = json_array();
		json_array_foreach(json_object_get(root, "definitions"), i, d)
			if (json_equal(json_object_get(d, "project_id"),
			    json_object_get(project, "id")))
				json_array_append_new(list,
				    pipelines_pipeline_json(x, d));
		exchange_collection(x, list);
	}
	world_unlock(x->world, changed);
}

/* ---- the Build API: definitions and folders ------------------------ */

/* A definition follows its repository's default branch until an update
 * gives it one of its own (the portal's "Default branch for manual and
 * scheduled builds"). */
static json_t *
definition_branch(json_t *d, json_t *repo)
{
	json_t *own = json_object_get(d, "default_branch");

	return own != NULL ? own : json_object_get(repo, "default_branch");
}

static json_t *
definition_json(struct exchange *x, json_t *root, json_t *d)
{
	json_t *repo = world_find(json_object_get(root, "repositories"), "id",
	    json_string_value(json_object_get(d, "repository_id")));
	json_t *project = world_project(root, json_string_value(
	    json_object_get(d, "project_id")));
	json_int_t id = json_integer_value(json_object_get(d, "id"));
	char *url = xasprintf("%s/%s/_apis/build/Definitions/%lld", x->base_url,
	    json_string_value(json_object_get(d, "project_id")),
	    (long long)id);
	json_t *j = json_pack("{s:I, s:O, s:O, s:s, s:O, s:s, s:s, s:s, "
	    "s:{s:i, s:O}, s:{s:O, s:O, s:s, s:O}, s:o}", "id", id,
	    "name", json_object_get(d, "name"), "path", json_object_get(d,
	    "path"), "type", "build", "revision", json_object_get(d,
	    "revision"), "queueStatus", "enabled", "quality", "definition",
	    "url", url, "process", "type", 2, "yamlFilename",
	    json_object_get(d, "yaml_path"), "repository", "id",
	    json_object_get(repo, "id"), "name", json_object_get(repo, "name"),
	    "type", "TfsGit", "defaultBranch", definition_branch(d, repo),
	    "project", core_project_reference(x, root, project));

	free(url);
	return j;
}

static void
create_definition(struct exchange *x, json_t *root, json_t *project,
    bool *changed)
{
	const char *name = json_string_value(json_object_get(x->body, "name"));
	const char *path = json_string_value(json_object_get(x->body, "path"));
	json_t *process = json_object_get(x->body, "process");
	const char *yaml = json_string_value(json_object_get(process,
	    "yamlFilename"));
	json_t *repo = find_repo(root, project, json_object_get(x->body,
	    "repository")), *d;

	if (name == NULL || yaml == NULL || json_integer_value(json_object_get(
	    process, "type")) != 2) {
		exchange_error(x, 400, "BuildDefinitionValidationException", "A "
		    "YAML build definition needs a name and process type 2 with a "
		    "yamlFilename.");
		return;
	}
	if (repo == NULL) {
		exchange_error(x, 404, "GitRepositoryNotFoundException",
		    "TF401019: The Git repository does not exist or you do not "
		    "have permissions for the operation you are attempting.");
		return;
	}
	d = pipelines_create(x, root, project, name, path, repo, yaml);
	if (d == NULL)
		return;
	*changed = true;
	exchange_json(x, 200, definition_json(x, root, d));
}

static void
list_definitions(struct exchange *x, json_t *root, json_t *project)
{
	const char *name = exchange_query(x, "name");
	const char *path = exchange_query(x, "path");
	const char *repo = exchange_query(x, "repositoryId");
	char *want = path ? pipelines_folder_path(path) : NULL;
	json_t *list = json_array(), *d;
	size_t i;

	json_array_foreach(json_object_get(root, "definitions"), i, d) {
		if (!json_equal(json_object_get(d, "project_id"),
		    json_object_get(project, "id")))
			continue;
		if (name && strcasecmp(name, json_string_value(json_object_get(
		    d, "name"))) != 0)
			continue;
		if (want && strcasecmp(want, json_string_value(json_object_get(
		    d, "path"))) != 0)
			continue;
		if (repo && strcasecmp(repo, json_string_value(json_object_get(
		    d, "repository_id"))) != 0)
			continue;
		json_array_append_new(list, definition_json(x, root, d));
	}
	free(want);
	exchange_collection(x, list);
}

/* Remove definition d and, as the service does, all of its builds. */
static void
remove_definition(json_t *root, json_t *d)
{
	json_t *list = json_object_get(root, "builds"), *b;
	json_int_t id = json_integer_value(json_object_get(d, "id"));

	for (size_t i = json_array_size(list); i-- > 0;) {
		b = json_array_get(list, i);
		if (json_integer_value(json_object_get(b, "definition_id")) ==
		    id)
			json_array_remove(list, i);
	}
	list = json_object_get(root, "definitions");
	for (size_t i = 0; i < json_array_size(list); i++)
		if (json_array_get(list, i) == d) {
			json_array_remove(list, i);
			return;
		}
}

/* Whether folder path is under (or is) top, case-insensitively. */
static bool
folder_under(const char *path, const char *top)
{
	size_t n = strlen(top);

	return strncasecmp(path, top, n) == 0 && (path[n] == '\0' ||
	    path[n] == '\\' || strcmp(top, "\\") == 0);
}

/* DELETE a folder: its subfolders, their definitions and builds (204);
 * 404 when there is no such folder. */
static void
delete_folder(struct exchange *x, json_t *root, json_t *project,
    const char *path, bool *changed)
{
	json_t *list = json_object_get(root, "folders"), *f;
	bool found = false;

	/* The root holds every pipeline of the project: never deleted so. */
	if (strcmp(path, "\\") == 0) {
		exchange_error(x, 400, "ArgumentException", "The root folder "
		    "cannot be deleted; give the path of a folder under it.");
		return;
	}
	for (size_t i = json_array_size(list); i-- > 0;) {
		f = json_array_get(list, i);
		if (json_equal(json_object_get(f, "project_id"),
		    json_object_get(project, "id")) && folder_under(
		    json_string_value(json_object_get(f, "path")), path)) {
			json_array_remove(list, i);
			found = true;
		}
	}
	if (!found) {
		exchange_error(x, 404, "FolderNotFoundException", "Folder %s "
		    "does not exist.", path);
		return;
	}
	list = json_object_get(root, "definitions");
	for (size_t i = json_array_size(list); i-- > 0;) {
		f = json_array_get(list, i);
		if (json_equal(json_object_get(f, "project_id"),
		    json_object_get(project, "id")) && folder_under(
		    json_string_value(json_object_get(f, "path")), path))
			remove_definition(root, f);
	}
	*changed = true;
	exchange_no_content(x);
}

/*
 * PUT of a whole definition, as the portal's editor saves one: accepted
 * only with the revision it read (else the service's misleading 404),
 * its YAML path and default branch taken, the revision moved on.
 */
static void
update_definition(struct exchange *x, json_t *root, json_t *d,
    bool *changed)
{
	json_t *process = json_object_get(x->body, "process");
	const char *yaml = json_string_value(json_object_get(process,
	    "yamlFilename"));
	const char *branch = json_string_value(json_object_get(
	    json_object_get(x->body, "repository"), "defaultBranch"));
	json_int_t revision = json_integer_value(json_object_get(d,
	    "revision"));

	if (json_integer_value(json_object_get(x->body, "revision")) !=
	    revision) {
		exchange_error(x, 404, "DefinitionNotFoundException", "Build "
		    "pipeline %s was not found.", x->params[1]);
		return;
	}
	if (yaml == NULL || *yaml == '\0') {
		exchange_error(x, 400, "BuildDefinitionValidationException", "A "
		    "YAML build definition needs a name and process type 2 with a "
		    "yamlFilename.");
		return;
	}
	json_object_set_new(d, "yaml_path", yaml[0] == '/' ? json_string(yaml)
	    : json_sprintf("/%s", yaml));
	if (branch != NULL)
		json_object_set_new(d, "default_branch", json_string(branch));
	json_object_set_new(d, "revision", json_integer(revision + 1));
	*changed = true;
	exchange_json(x, 200, definition_json(x, root, d));
}

void
handle_definitions(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *d;
	bool changed = false;

	project = core_project_or_reply(x, root, x->params[0]);
	if (project == NULL)
		;
	else if (x->params[1] == NULL && strcmp(x->method, "POST") == 0)
		create_definition(x, root, project, &changed);
	else if (x->params[1] != NULL && strcmp(x->method, "DELETE") == 0 &&
	    (d = pipelines_find(root, project, atoll(x->params[1]))) != NULL) {
		remove_definition(root, d);
		changed = true;
		exchange_no_content(x);
	} else if (strcmp(x->method, "GET") != 0 && (x->params[1] == NULL ||
	    (strcmp(x->method, "DELETE") != 0 && strcmp(x->method, "PUT") !=
	    0)))
		exchange_method_not_allowed(x);
	else if (x->params[1] == NULL)
		list_definitions(x, root, project);
	else if ((d = pipelines_find(root, project, atoll(x->params[1])))
	    != NULL && strcmp(x->method, "PUT") == 0)
		update_definition(x, root, d, &changed);
	else if (d != NULL)
		exchange_json(x, 200, definition_json(x, root, d));
	else
		exchange_error(x, 404, "DefinitionNotFoundException", "Build "
		    "pipeline %s was not found.", x->params[1]);
	world_unlock(x->world, changed);
}

void
handle_folders(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *list, *f;
	bool changed = false;
	char *path;
	size_t i;

	project = core_project_or_reply(x, root, x->params[0]);
	if (project == NULL) {
		world_unlock(x->world, false);
		return;
	}
	path = pipelines_folder_path(x->params[1] ? x->params[1] :
	    exchange_query(x, "path"));
	if (strcmp(x->method, "PUT") == 0) {
		bool exists = false;
		json_array_foreach(json_object_get(root, "folders"), i, f)
			if (json_equal(json_object_get(f, "project_id"),
			    json_object_get(project, "id")) && strcasecmp(
			    json_string_value(json_object_get(f, "path")), path)
			    == 0)
				exists = true;
		if (exists)
			exchange_error(x, 409, "FolderExistsException", "Folder "
			    "%s already exists.", path);
		else {
			ensure_folder(root, project, path);
			changed = true;
			exchange_json(x, 200, json_pack("{s:s, s:o}", "path",
			    path, "project", core_project_reference(x, root,
			    project)));
		}
	} else if (strcmp(x->method, "DELETE") == 0)
		delete_folder(x, root, project, path, &changed);
	else if (strcmp(x->method, "GET") == 0) {
		list = json_array();
		json_array_foreach(json_object_get(root, "folders"), i, f)
			if (json_equal(json_object_get(f, "project_id"),
			    json_object_get(project, "id")) && strncasecmp(
			    json_string_value(json_object_get(f, "path")), path,
			    strlen(path)) == 0)
				json_array_append_new(list, json_pack("{s:O}",
				    "path", json_object_get(f, "path")));
		exchange_collection(x, list);
	} else
		exchange_method_not_allowed(x);
	free(path);
	world_unlock(x->world, changed);
}
