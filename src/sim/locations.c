/* Location discovery, routing and api-version checks for the sandbox. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/locations.h"
#include "xalloc.h"

/* Routes are tried in this order: keep a longer literal route before a
 * template that would capture its literal segment as a value. */
static const struct location table[] = {
	{ "Location", "ResourceAreas", "e81700f7-3be2-46de-8624-2eb35882fcaa",
	    "_apis/ResourceAreas/{areaId}", "3.2", "7.2", "0.0", 1,
	    handle_resource_areas },
	{ "Location", "ConnectionData", "00d9565f-ed9c-4a06-9a50-00e7896ccab4",
	    "_apis/ConnectionData", "1.0", "7.2", "0.0", 1,
	    handle_connection_data },
	{ "core", "projects", "603fe2ac-9723-48b9-88ad-09305aa6c6e1",
	    "_apis/projects/{*projectId}", "1.0", "7.2", "7.1", 4,
	    handle_projects },
	{ "core", "processes", "93878975-88c5-4e6a-8abb-7ddd77a8a7d8",
	    "_apis/process/processes/{*processId}", "1.0", "7.2", "7.1", 1,
	    handle_processes },
	{ "operations", "operations", "9a1b74b4-2ca8-4a9f-8470-c2f2e6fdc949",
	    "_apis/operations/{operationId}", "2.0", "7.2", "7.1", 1,
	    handle_operations },
	{ "git", "repositories", "225f7195-f9c7-4d14-ab28-a83f7ff77e1f",
	    "{project}/_apis/git/repositories/{repositoryId}", "1.0", "7.2",
	    "7.1", 1, handle_repositories },
	{ "git", "importRequests", "01828ddc-3600-4a41-8633-99b3a73a0eb3",
	    "{project}/_apis/git/repositories/{repositoryId}/importRequests/"
	    "{importRequestId}", "3.0", "7.2", "7.1", 1,
	    handle_import_requests },
	{ "git", "refs", "2d874a60-a811-4f62-9c9f-963a6ea0a55b",
	    "{project}/_apis/git/repositories/{repositoryId}/refs/{*filter}",
	    "1.0", "7.2", "7.1", 2, handle_refs },
	{ "git", "pushes", "ea98d07b-3c87-4971-8ede-a613694ffb55",
	    "{project}/_apis/git/repositories/{repositoryId}/pushes/{pushId}",
	    "1.0", "7.2", "7.1", 3, handle_pushes },
	{ "git", "items", "fb93c0db-47ed-4a31-8c20-47552878fb44",
	    "{project}/_apis/git/repositories/{repositoryId}/items/{*path}",
	    "1.0", "7.2", "7.1", 1, handle_items },
	{ "Security", "SecurityNamespaces", "ce7b9f95-fde9-4be8-a86d-83b366f0b87a",
	    "_apis/SecurityNamespaces/{securityNamespaceId}", "1.0", "7.2",
	    "7.1", 1, handle_security_namespaces },
	{ "Security", "AccessControlEntries",
	    "ac08c8ff-4323-4b08-af90-bcd018d380ce",
	    "_apis/AccessControlEntries/{securityNamespaceId}", "1.0", "7.2",
	    "7.1", 1, handle_access_control_entries },
	{ "Security", "AccessControlLists",
	    "18a2ad18-7571-46ae-bec7-0c7da1495885",
	    "_apis/AccessControlLists/{securityNamespaceId}", "1.0", "7.2",
	    "7.1", 1, handle_access_control_lists },
	{ "Security", "Permissions", "dd3b8bd6-c7fc-4cbd-929a-933d9c011c9d",
	    "_apis/Permissions/{securityNamespaceId}/{permissions}", "1.0",
	    "7.2", "7.1", 2, handle_permissions },
	{ "IMS", "Identities", "28010c54-d0c0-4c89-a5b0-1c9e188b9fb7",
	    "_apis/Identities/{identityId}", "1.0", "7.2", "7.1", 1,
	    handle_identities },
	{ "build", "generalSettings", "c4aefd19-30ff-405b-80ad-aca021e7242a",
	    "{project}/_apis/build/generalsettings", "6.0", "7.2", "7.1", 1,
	    handle_general_settings },
	{ "distributedtask", "queues", "900fa995-c559-4923-aae7-f8424fe4fbea",
	    "{project}/_apis/distributedtask/queues/{queueId}", "2.0", "7.2",
	    "7.1", 1, handle_queues },
	{ "distributedtask", "environments",
	    "8572b1fc-2482-47fa-8f74-7e3ed53ee54b",
	    "{project}/_apis/distributedtask/environments/{environmentId}",
	    "5.0", "7.2", "7.1", 1, handle_environments },
	{ "pipelinePermissions", "pipelinePermissions",
	    "b5b9a4a4-e6cd-4096-853c-ab7d8b0c4eb2",
	    "{project}/_apis/pipelines/pipelinePermissions/{resourceType}/"
	    "{resourceId}", "5.1", "7.2", "0.0", 1,
	    handle_pipeline_permissions },
	{ "pipelines", "logs", "fb1b6d27-3957-43d5-a14b-a2d70403e545",
	    "{project}/_apis/pipelines/{pipelineId}/runs/{runId}/logs/{logId}",
	    "5.1", "7.2", "7.1", 1, handle_run_logs },
	{ "pipelines", "runs", "7859261e-d2e9-4a68-b820-a5d84cc5bb3d",
	    "{project}/_apis/pipelines/{pipelineId}/runs/{runId}", "5.1", "7.2",
	    "7.1", 2, handle_runs },
	{ "pipelines", "pipelines", "28e1305e-2afe-47bf-abaf-cbb0e6a91988",
	    "{project}/_apis/pipelines/{pipelineId}", "5.1", "7.2", "7.1", 1,
	    handle_pipelines },
	{ "build", "folders", "a906531b-d2da-4f55-bda7-f3e676cc50d9",
	    "{project}/_apis/build/folders/{*path}", "3.0", "7.2", "0.0", 2,
	    handle_folders },
	{ "build", "definitions", "dbeaf647-6167-421a-bda9-c9327b25e2e6",
	    "{project}/_apis/build/definitions/{definitionId}", "1.0", "7.2",
	    "7.1", 7, handle_definitions },
	{ "build", "Timeline", "8baac422-4c6e-4de5-8532-db96d92acffa",
	    "{project}/_apis/build/builds/{buildId}/Timeline/{timelineId}",
	    "2.0", "7.2", "7.1", 2, handle_timeline },
	{ "build", "logs", "35a80daf-7f30-45fc-86e8-6b813d9c90df",
	    "{project}/_apis/build/builds/{buildId}/logs/{logId}", "2.0", "7.2",
	    "7.1", 2, handle_build_logs },
	{ "build", "builds", "0cd358e1-9217-4d94-8269-1c1ee6f93dcf",
	    "{project}/_apis/build/builds/{buildId}", "1.0", "7.2", "7.1", 7,
	    handle_builds },
	{ "serviceendpoint", "endpoints", "14e48fdc-2c8b-41ce-a0c3-e26f6cc55bd0",
	    "_apis/serviceendpoint/endpoints/{endpointId}", "5.2", "7.2",
	    "7.1", 4, handle_endpoints_org },
	{ "serviceendpoint", "endpointproxy",
	    "cc63bb57-2a5f-4a7a-b79c-c142d308657e",
	    "{project}/_apis/serviceendpoint/endpointproxy", "4.1", "7.2", "7.1",
	    1, handle_endpoint_proxy },
	{ "serviceendpoint", "endpoints", "e85f1c62-adfc-4b74-b618-11a150fb195e",
	    "{project}/_apis/serviceendpoint/endpoints/{endpointId}", "4.1",
	    "7.2", "7.1", 4, handle_endpoints_project },
	{ "ExtensionManagement", "InstalledExtensionsByName",
	    "fb0da285-f23e-4b56-8b53-3ef5f9f6de66",
	    "_apis/ExtensionManagement/InstalledExtensionsByName/"
	    "{publisherName}/{extensionName}/{version}", "3.0", "7.2", "0.0", 1,
	    handle_installed_extensions },
};
#define NLOCATIONS (sizeof table / sizeof table[0])

/* Whether every segment left in template t is a {value}. */
static bool
only_values(const char *t)
{
	for (; *t != '\0'; t += strcspn(t, "/"), t += *t == '/')
		if (*t != '{')
			return false;
	return true;
}

/* Match one template against path; captures go to params. */
static bool
template_matches(const char *template, const char *path,
    char *params[EXCHANGE_MAX_PARAMS])
{
	const char *t = template, *p = path;
	size_t np = 0, tlen, plen;

	for (;;) {
		tlen = strcspn(t, "/");
		plen = strcspn(p, "/");
		if (*t == '\0')
			return *p == '\0';
		if (t[0] == '{') {
			if (t[1] == '*') {  /* catch-all: the rest, maybe none */
				if (*p != '\0' && np < EXCHANGE_MAX_PARAMS)
					params[np++] = xstrdup(p);
				return true;
			}
			if (*p == '\0')     /* trailing values may be left out */
				return only_values(t);
			if (np < EXCHANGE_MAX_PARAMS)
				params[np++] = xstrndup(p, plen);
		} else if (tlen != plen || strncasecmp(t, p, tlen) != 0)
			return false;
		t += tlen + (t[tlen] == '/');
		p += plen + (p[plen] == '/');
	}
}

static void
clear_params(char *params[EXCHANGE_MAX_PARAMS])
{
	for (size_t i = 0; i < EXCHANGE_MAX_PARAMS; i++) {
		free(params[i]);
		params[i] = NULL;
	}
}

bool
locations_match(const char *template, const char *path,
    char *params[EXCHANGE_MAX_PARAMS])
{
	for (size_t i = 0; i < EXCHANGE_MAX_PARAMS; i++) {
		free(params[i]);
		params[i] = NULL;
	}
	if (template_matches(template, path, params))
		return true;
	clear_params(params);
	return false;
}

const struct location *
locations_route(struct exchange *x)
{
	for (size_t i = 0; i < NLOCATIONS; i++) {
		if (template_matches(table[i].template, x->path, x->params))
			return &table[i];
		clear_params(x->params);
	}
	return NULL;
}

static json_t *
location_json(const struct location *loc)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s}",
	    "id", loc->id, "area", loc->area, "resourceName", loc->resource,
	    "routeTemplate", loc->template,
	    "resourceVersion", loc->resource_version,
	    "minVersion", loc->min_version, "maxVersion", loc->max_version,
	    "releasedVersion", loc->released);
}

void
locations_options(struct exchange *x, const char *area)
{
	json_t *list = json_array();

	for (size_t i = 0; i < NLOCATIONS; i++)
		if (area == NULL || strcasecmp(area, table[i].area) == 0)
			json_array_append_new(list, location_json(&table[i]));
	if (area != NULL && json_array_size(list) == 0) {
		json_decref(list);
		exchange_error(x, 404, "VssResourceAreaNotFoundException",
		    "The resource area '%s' was not found.", area);
		return;
	}
	exchange_collection(x, list);
}

bool
locations_parse_version(const char *text, struct api_version *out)
{
	char rest[32] = "";
	int n = 0;

	memset(out, 0, sizeof *out);
	if (sscanf(text, "%d.%d%n", &out->major, &out->minor, &n) != 2)
		return false;
	snprintf(rest, sizeof rest, "%s", text + n);
	if (strncasecmp(rest, "-preview", 8) == 0) {
		out->preview = true;
		if (rest[8] == '.' && sscanf(rest + 9, "%d", &out->preview_number)
		    != 1)
			return false;
		else if (rest[8] != '.' && rest[8] != '\0')
			return false;
	} else if (rest[0] != '\0')
		return false;
	out->given = true;
	snprintf(out->text, sizeof out->text, "%d.%d", out->major, out->minor);
	return true;
}

static int
version_compare(const struct api_version *v, const char *text)
{
	int major = 0, minor = 0;

	sscanf(text, "%d.%d", &major, &minor);
	if (v->major != major)
		return v->major < major ? -1 : 1;
	return v->minor < minor ? -1 : v->minor > minor;
}

int
locations_check_version(const struct location *loc, struct exchange *x)
{
	const struct api_version *v = &x->version;

	if (!v->given) {
		if (strcmp(x->method, "GET") == 0)
			return 0; /* the service serves its default version */
		exchange_error(x, 400, "VssVersionNotSpecifiedException",
		    "No api-version was supplied for the %s request. The "
		    "version must be supplied either as part of the Accept "
		    "header (e.g. \"application/json; api-version=1.0\") or as "
		    "a query parameter (e.g. \"?api-version=1.0\").", x->method);
		return -1;
	}
	if (version_compare(v, loc->max_version) > 0 ||
	    version_compare(v, loc->min_version) < 0) {
		exchange_error(x, 400, "VssVersionOutOfRangeException",
		    "The requested REST API version of %s is out of range for "
		    "this server. The latest REST API version for this server "
		    "is %s.", v->text, loc->max_version);
		return -1;
	}
	if (!v->preview && version_compare(v, loc->released) > 0) {
		exchange_error(x, 400, "VssInvalidPreviewVersionException",
		    "The requested version \"%s\" of the resource is under "
		    "preview. The -preview flag must be supplied in the "
		    "api-version for such requests. For example: \"%s-preview\"",
		    v->text, v->text);
		return -1;
	}
	return 0;
}
