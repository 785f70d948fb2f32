/* Azure DevOps core area: connectionData, projects, processes, operations. */
#include "config.h"

#include <stdlib.h>

#include "ado_core.h"
#include "xalloc.h"

struct api_call *
ado_connection_data(struct api *api)
{
	struct api_call_spec spec = { .method = "GET",
		.url = api_url(api, "7.1-preview.1", "_apis/connectionData") };

	return api_call_start(api, &spec);
}

struct api_call *
ado_get_project(struct api *api, const char *name)
{
	char *n = api_escape(name);
	struct api_call_spec spec = { .method = "GET",
		.url = api_url(api, "7.1", "_apis/projects/%s?"
		    "includeCapabilities=true", n) };

	free(n);
	return api_call_start(api, &spec);
}

struct api_call *
ado_list_processes(struct api *api)
{
	struct api_call_spec spec = { .method = "GET", .collection = true,
		.url = api_url(api, "7.1", "_apis/process/processes") };

	return api_call_start(api, &spec);
}

struct api_call *
ado_create_project(struct api *api, const char *name, const char *process_id)
{
	json_t *body = json_pack("{s:s, s:s, s:{s:{s:s}}}", "name", name,
	    "visibility", "private", "capabilities", "versioncontrol",
	    "sourceControlType", "Git");
	char *n = api_escape(name);
	struct api_call_spec spec = { .method = "POST", .creates = true,
		.url = api_url(api, "7.1", "_apis/projects"),
		.lookup_url = api_url(api, "7.1", "_apis/projects/%s", n),
		.lookup_name = name, .json = body };

	if (process_id != NULL)
		json_object_set_new(json_object_get(body, "capabilities"),
		    "processTemplate", json_pack("{s:s}", "templateTypeId",
		    process_id));
	free(n);
	return api_call_start(api, &spec);
}

struct api_call *
ado_get_operation(struct api *api, const char *id)
{
	char *i = api_escape(id);
	struct api_call_spec spec = { .method = "GET",
		.url = api_url(api, "7.1", "_apis/operations/%s", i) };

	free(i);
	return api_call_start(api, &spec);
}

struct api_call *
ado_delete_project(struct api *api, const char *id)
{
	char *i = api_escape(id);
	struct api_call *c = api_request(api, "DELETE", api_url(api, "7.1",
	    "_apis/projects/%s", i), NULL, false);

	free(i);
	return c;
}
