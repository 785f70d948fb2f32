/* Azure DevOps build, pipelines and pipeline permissions. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ado_build.h"
#include "xalloc.h"

struct api_call *
ado_find_pipelines(struct api *api, const char *project, const char *name,
    const char *folder)
{
	char *p = api_escape(project), *n = api_escape(name);
	char *f = folder ? api_escape(folder) : NULL;
	struct api_call *c = api_request(api, "GET", api_url(api, "7.1",
	    "%s/_apis/build/definitions?name=%s%s%s", p, n, f ? "&path=" : "",
	    f ? f : ""), NULL, true);

	free(f);
	free(n);
	free(p);
	return c;
}

struct api_call *
ado_create_pipeline(struct api *api, const char *project, const char *name,
    const char *folder, const char *repo_id, const char *yaml_path)
{
	char *p = api_escape(project), *n = api_escape(name);
	char *f = api_escape(folder ? folder : "\\");
	json_t *body = json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s, s:s}}}",
	    "name", name, "folder", folder ? folder : "\\", "configuration",
	    "type", "yaml", "path", yaml_path, "repository", "id", repo_id,
	    "type", "azureReposGit");
	struct api_call_spec spec = { .method = "POST", .creates = true,
		.json = body,
		.url = api_url(api, "7.1", "%s/_apis/pipelines", p),
		/* Looked for through the Build API, which filters by name. */
		.lookup_url = api_url(api, "7.1", "%s/_apis/build/definitions?"
		    "name=%s&path=%s", p, n, f), .lookup_name = name };

	free(f);
	free(n);
	free(p);
	return api_call_start(api, &spec);
}

struct api_call *
ado_run_pipeline(struct api *api, const char *project, long id,
    const char *branch, json_t *parameters)
{
	char *p = api_escape(project);
	char *ref = strncmp(branch, "refs/", 5) == 0 ? xstrdup(branch) :
	    xasprintf("refs/heads/%s", branch);
	json_t *body = json_pack("{s:{s:{s:{s:s}}}}", "resources",
	    "repositories", "self", "refName", ref);
	struct api_call_spec spec = { .method = "POST", .once = true };
	struct api_call *c;

	/* Sent once: a run sent twice runs twice. */
	if (parameters != NULL)
		json_object_set(body, "templateParameters", parameters);
	spec.url = api_url(api, "7.1", "%s/_apis/pipelines/%ld/runs", p, id);
	spec.json = body;
	c = api_call_start(api, &spec);
	free(ref);
	free(p);
	return c;
}

struct api_call *
ado_list_builds(struct api *api, const char *project, int top)
{
	char *p = api_escape(project);
	struct api_call *c = api_request(api, "GET", api_url(api, "7.1",
	    "%s/_apis/build/builds?queryOrder=queueTimeDescending&$top=%d",
	    p, top), NULL, true);

	free(p);
	return c;
}

struct api_call *
ado_list_runs(struct api *api, const char *project, long pipeline)
{
	char *p = api_escape(project);
	struct api_call *c = api_request(api, "GET", api_url(api, "7.1",
	    "%s/_apis/pipelines/%ld/runs", p, pipeline), NULL, true);

	free(p);
	return c;
}

struct api_call *
ado_get_build(struct api *api, const char *project, long build)
{
	char *p = api_escape(project);
	struct api_call *c = api_request(api, "GET", api_url(api, "7.1",
	    "%s/_apis/build/builds/%ld", p, build), NULL, false);

	free(p);
	return c;
}

struct api_call *
ado_get_definition(struct api *api, const char *project, long id)
{
	char *p = api_escape(project);
	struct api_call *c = api_request(api, "GET", api_url(api, "7.1",
	    "%s/_apis/build/definitions/%ld", p, id), NULL, false);

	free(p);
	return c;
}

struct api_call *
ado_update_definition(struct api *api, const char *project, json_t *d)
{
	char *p = api_escape(project);
	long id = (long)json_integer_value(json_object_get(d, "id"));
	struct api_call *c = api_request(api, "PUT", api_url(api, "7.1",
	    "%s/_apis/build/definitions/%ld", p, id), d, false);

	free(p);
	return c;
}

struct api_call *
ado_get_timeline(struct api *api, const char *project, long build)
{
	char *p = api_escape(project);
	struct api_call *c = api_request(api, "GET", api_url(api, "7.1",
	    "%s/_apis/build/builds/%ld/timeline", p, build), NULL, false);

	free(p);
	return c;
}

/* pipelinePermissions of a resource; it has no released version. */
static struct api_call *
permits(struct api *api, const char *method, const char *project,
    const char *type, const char *id, json_t *body)
{
	char *p = api_escape(project), *i = api_escape(id);
	struct api_call *c = api_request(api, method, api_url(api,
	    "7.1-preview.1", "%s/_apis/pipelines/pipelinepermissions/%s/%s",
	    p, type, i), body, false);

	free(i);
	free(p);
	return c;
}

struct api_call *
ado_permit(struct api *api, const char *project, const char *type,
    const char *id, long pipeline)
{
	return permits(api, "PATCH", project, type, id, pipeline == 0 ?
	    json_pack("{s:{s:b}}", "allPipelines", "authorized", 1) :
	    json_pack("{s:[{s:I, s:b}]}", "pipelines", "id",
	    (json_int_t)pipeline, "authorized", 1));
}

struct api_call *
ado_get_permits(struct api *api, const char *project, const char *type,
    const char *id)
{
	return permits(api, "GET", project, type, id, NULL);
}

struct api_call *
ado_pipelines_of_repository(struct api *api, const char *project,
    const char *repo_id)
{
	char *p = api_escape(project), *r = api_escape(repo_id);
	struct api_call *c = api_request(api, "GET", api_url(api, "7.1",
	    "%s/_apis/build/definitions?repositoryId=%s&repositoryType=TfsGit",
	    p, r), NULL, true);

	free(r);
	free(p);
	return c;
}

struct api_call *
ado_delete_pipeline(struct api *api, const char *project, long id)
{
	char *p = api_escape(project);
	struct api_call *c = api_request(api, "DELETE", api_url(api, "7.1",
	    "%s/_apis/build/definitions/%ld", p, id), NULL, false);

	free(p);
	return c;
}

struct api_call *
ado_delete_folder(struct api *api, const char *project, const char *path)
{
	char *p = api_escape(project), *f = api_escape(path);
	struct api_call *c = api_request(api, "DELETE", api_url(api,
	    "7.1-preview.2", "%s/_apis/build/folders?path=%s", p, f), NULL,
	    false);

	free(f);
	free(p);
	return c;
}
