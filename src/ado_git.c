/* Azure DevOps git area. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ado_git.h"
#include "xalloc.h"

#define ZERO_COMMIT "0000000000000000000000000000000000000000"

/* {project}/_apis/git/repositories[/{repo}][/rest] at api-version 7.1. */
static char *
repo_url(struct api *api, const char *project, const char *repo,
    const char *rest)
{
	char *p = api_escape(project), *r = repo ? api_escape(repo) : NULL;
	char *url = api_url(api, "7.1", "%s/_apis/git/repositories%s%s%s", p,
	    r ? "/" : "", r ? r : "", rest ? rest : "");

	free(r);
	free(p);
	return url;
}

struct api_call *
ado_list_repositories(struct api *api, const char *project)
{
	return api_request(api, "GET", repo_url(api, project, NULL, NULL), NULL,
	    true);
}

struct api_call *
ado_get_repository(struct api *api, const char *project, const char *repo)
{
	return api_request(api, "GET", repo_url(api, project, repo, NULL), NULL,
	    false);
}

struct api_call *
ado_create_repository(struct api *api, const char *project,
    const char *name)
{
	json_t *body = json_pack("{s:s}", "name", name);
	struct api_call_spec spec = { .method = "POST", .creates = true,
		.url = repo_url(api, project, NULL, NULL),
		.lookup_url = repo_url(api, project, name, NULL),
		.lookup_name = name, .json = body };

	return api_call_start(api, &spec);
}

struct api_call *
ado_set_default_branch(struct api *api, const char *project,
    const char *repo_id, const char *branch)
{
	char *ref = strncmp(branch, "refs/", 5) == 0 ? xstrdup(branch) :
	    xasprintf("refs/heads/%s", branch);
	struct api_call *call = api_request(api, "PATCH", repo_url(api, project,
	    repo_id, NULL), json_pack("{s:s}", "defaultBranch", ref), false);

	free(ref);
	return call;
}

struct api_call *
ado_create_branch(struct api *api, const char *project, const char *repo,
    const char *branch, const char *commit)
{
	char *ref = xasprintf("refs/heads/%s", branch);
	struct api_call *call = api_request(api, "POST", repo_url(api, project,
	    repo, "/refs"), json_pack("[{s:s, s:s, s:s}]", "name", ref,
	    "oldObjectId", ZERO_COMMIT, "newObjectId", commit), true);

	free(ref);
	return call;
}

struct api_call *
ado_create_import(struct api *api, const char *project, const char *repo,
    const char *url)
{
	return api_request(api, "POST", repo_url(api, project, repo,
	    "/importRequests"), json_pack("{s:{s:{s:s, s:b}}}", "parameters",
	    "gitSource", "url", url, "overwrite", 0), false);
}

struct api_call *
ado_list_imports(struct api *api, const char *project, const char *repo)
{
	return api_request(api, "GET", repo_url(api, project, repo,
	    "/importRequests"), NULL, true);
}

struct api_call *
ado_get_import(struct api *api, const char *project, const char *repo,
    long id)
{
	char *rest = xasprintf("/importRequests/%ld", id);
	struct api_call *call = api_request(api, "GET", repo_url(api, project,
	    repo, rest), NULL, false);

	free(rest);
	return call;
}

struct api_call *
ado_list_refs(struct api *api, const char *project, const char *repo,
    const char *filter)
{
	char *f = api_escape(filter), *rest = xasprintf("/refs?filter=%s", f);
	struct api_call *call = api_request(api, "GET", repo_url(api, project,
	    repo, rest), NULL, true);

	free(rest);
	free(f);
	return call;
}

struct api_call *
ado_get_item(struct api *api, const char *project, const char *repo,
    const char *path, const char *branch)
{
	char *p = api_escape(path), *b = api_escape(branch);
	char *rest = xasprintf("/items?path=%s&versionDescriptor.version=%s&"
	    "versionDescriptor.versionType=branch&includeContent=true", p, b);
	struct api_call *call = api_request(api, "GET", repo_url(api, project,
	    repo, rest), NULL, false);

	free(rest);
	free(b);
	free(p);
	return call;
}

struct api_call *
ado_push_file(struct api *api, const char *project, const char *repo,
    const char *branch, const char *old_commit, const char *path,
    const char *content, bool add, const char *message)
{
	char *ref = xasprintf("refs/heads/%s", branch);
	json_t *body = json_pack("{s:[{s:s, s:s}], s:[{s:s, s:[{s:s, s:{s:s}, "
	    "s:{s:s, s:s}}]}]}", "refUpdates", "name", ref, "oldObjectId",
	    old_commit ? old_commit : ZERO_COMMIT, "commits", "comment",
	    message, "changes", "changeType", add ? "add" : "edit", "item",
	    "path", path, "newContent", "content", content, "contentType",
	    "rawtext");

	/* Sent once: its oldObjectId makes a resend of a push that landed a
	 * conflict, so a lost answer is looked into instead. */
	struct api_call_spec spec = { .method = "POST", .once = true,
		.url = repo_url(api, project, repo, "/pushes"), .json = body };

	free(ref);
	return api_call_start(api, &spec);
}

struct api_call *
ado_delete_repository(struct api *api, const char *project, const char *id)
{
	return api_request(api, "DELETE", repo_url(api, project, id, NULL),
	    NULL, false);
}
