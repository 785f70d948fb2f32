/* Azure DevOps service connections, environments and extensions. */
#include "config.h"

#include <stdlib.h>

#include "ado_resources.h"
#include "xalloc.h"

static json_t *
authorization(const struct ado_arm_connection *c)
{
	if (c->secret == NULL)
		return json_pack("{s:s, s:{s:s, s:s}}", "scheme",
		    "WorkloadIdentityFederation", "parameters", "tenantid",
		    c->tenant_id, "serviceprincipalid", c->app_id);
	return json_pack("{s:s, s:{s:s, s:s, s:s, s:s}}", "scheme",
	    "ServicePrincipal", "parameters", "tenantid", c->tenant_id,
	    "serviceprincipalid", c->app_id, "authenticationType", "spnKey",
	    "serviceprincipalkey", c->secret->secret);
}

static json_t *
data(const struct ado_arm_connection *c)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "subscriptionId",
	    c->subscription_id, "subscriptionName", c->subscription_name ?
	    c->subscription_name : c->subscription_id, "environment",
	    "AzureCloud", "scopeLevel", "Subscription", "creationMode",
	    "Manual");
}

struct api_call *
ado_find_endpoints(struct api *api, const char *project, const char *name)
{
	char *p = api_escape(project), *n = api_escape(name);
	struct api_call_spec spec = { .method = "GET", .collection = true,
		.url = api_url(api, "7.1", "%s/_apis/serviceendpoint/endpoints?"
		    "endpointNames=%s", p, n) };

	free(n);
	free(p);
	return api_call_start(api, &spec);
}

/*
 * Create a service connection of type at url in the project, shared with
 * no other; authorization and data (NULL: none) are taken. A lost answer
 * is looked up by name before a resend.
 */
static struct api_call *
create_endpoint(struct api *api, const char *project_id,
    const char *project_name, const char *name, const char *type,
    const char *url, json_t *authorization, json_t *data)
{
	char *p = api_escape(project_name), *n = api_escape(name);
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:b, "
	    "s:[{s:{s:s, s:s}, s:s}]}", "name", name, "type", type, "url",
	    url, "owner", "library", "authorization", authorization,
	    "isShared", 0, "isReady", 1, "serviceEndpointProjectReferences",
	    "projectReference", "id", project_id, "name", project_name,
	    "name", name);
	/* At 7.x the organization-level route creates; the project one does
	 * something else. */
	struct api_call_spec spec = { .method = "POST", .creates = true,
		.url = api_url(api, "7.1", "_apis/serviceendpoint/endpoints"),
		.lookup_url = api_url(api, "7.1", "%s/_apis/serviceendpoint/"
		    "endpoints?endpointNames=%s", p, n), .lookup_name = name,
		.json = body };
	struct api_call *call;

	if (data != NULL)
		json_object_set_new(body, "data", data);
	call = api_call_start(api, &spec);
	free(n);
	free(p);
	return call;
}

struct api_call *
ado_create_arm_endpoint(struct api *api, const struct ado_arm_connection *c)
{
	return create_endpoint(api, c->project_id, c->project_name, c->name,
	    "azurerm", "https://management.azure.com/", authorization(c),
	    data(c));
}

struct api_call *
ado_update_arm_endpoint(struct api *api, const char *id,
    const struct ado_arm_connection *c)
{
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:b, "
	    "s:b, s:[{s:{s:s, s:s}, s:s}]}", "id", id, "name", c->name, "type",
	    "azurerm", "url", "https://management.azure.com/", "owner",
	    "library", "authorization", authorization(c), "data", data(c),
	    "isShared", 0, "isReady", 1, "serviceEndpointProjectReferences",
	    "projectReference", "id", c->project_id, "name", c->project_name,
	    "name", c->name);
	char *e = api_escape(id);
	struct api_call *call = api_request(api, "PUT", api_url(api, "7.1",
	    "_apis/serviceendpoint/endpoints/%s", e), body, false);

	free(e);
	return call;
}

struct api_call *
ado_create_github_endpoint(struct api *api,
    const struct ado_github_connection *c)
{
	return create_endpoint(api, c->project_id, c->project_name, c->name,
	    "github", "https://github.com", json_pack("{s:s, s:{s:s}}",
	    "scheme", "PersonalAccessToken", "parameters", "accessToken",
	    c->token->secret), NULL);
}

struct api_call *
ado_test_endpoint(struct api *api, const char *project, const char *id,
    const struct ado_arm_connection *c)
{
	char *p = api_escape(project), *i = api_escape(id);
	json_t *body = json_pack("{s:{s:s}, s:{}, s:{s:s, s:s, s:o, s:o}}",
	    "dataSourceDetails", "dataSourceName", "TestConnection",
	    "resultTransformationDetails", "serviceEndpointDetails", "type",
	    "azurerm", "url", "https://management.azure.com/", "data",
	    data(c), "authorization", authorization(c));
	struct api_call_spec spec = { .method = "POST",
		.url = api_url(api, "7.1", "%s/_apis/serviceendpoint/"
		    "endpointproxy?endpointId=%s", p, i),
		.json = body };

	free(i);
	free(p);
	return api_call_start(api, &spec);
}

struct api_call *
ado_test_stored_endpoint(struct api *api, const char *project,
    json_t *endpoint)
{
	char *p = api_escape(project), *i = api_escape(json_string_value(
	    json_object_get(endpoint, "id")));
	json_t *body = json_pack("{s:{s:s}, s:{}, s:{s:O?, s:O?, s:O?, s:O?}}",
	    "dataSourceDetails", "dataSourceName", "TestConnection",
	    "resultTransformationDetails", "serviceEndpointDetails", "type",
	    json_object_get(endpoint, "type"), "url", json_object_get(endpoint,
	    "url"), "data", json_object_get(endpoint, "data"), "authorization",
	    json_object_get(endpoint, "authorization"));
	struct api_call_spec spec = { .method = "POST",
		.url = api_url(api, "7.1", "%s/_apis/serviceendpoint/"
		    "endpointproxy?endpointId=%s", p, i),
		.json = body };

	free(i);
	free(p);
	return api_call_start(api, &spec);
}

struct api_call *
ado_find_environments(struct api *api, const char *project,
    const char *name)
{
	char *p = api_escape(project), *n = api_escape(name);
	struct api_call_spec spec = { .method = "GET", .collection = true,
		.url = api_url(api, "7.1", "%s/_apis/distributedtask/"
		    "environments?name=%s", p, n) };

	free(n);
	free(p);
	return api_call_start(api, &spec);
}

struct api_call *
ado_create_environment(struct api *api, const char *project,
    const char *name)
{
	char *p = api_escape(project), *n = api_escape(name);
	json_t *body = json_pack("{s:s, s:s}", "name", name, "description",
	    "Created by mlops-tui for the MLOps V2 pipelines");
	struct api_call_spec spec = { .method = "POST", .creates = true,
		.url = api_url(api, "7.1", "%s/_apis/distributedtask/"
		    "environments", p),
		.lookup_url = api_url(api, "7.1", "%s/_apis/distributedtask/"
		    "environments?name=%s", p, n), .lookup_name = name,
		.json = body };

	free(n);
	free(p);
	return api_call_start(api, &spec);
}

static struct api_call *
extension_call(struct api *api, const char *method, const char *publisher,
    const char *extension)
{
	char *p = api_escape(publisher), *e = api_escape(extension);
	char *url = api_url(api, "7.1-preview.1", "_apis/extensionmanagement/"
	    "installedextensionsbyname/%s/%s", p, e);

	free(e);
	free(p);
	return api_request(api, method, url, NULL, false);
}

struct api_call *
ado_get_extension(struct api *api, const char *publisher,
    const char *extension)
{
	return extension_call(api, "GET", publisher, extension);
}

struct api_call *
ado_install_extension(struct api *api, const char *publisher,
    const char *extension)
{
	return extension_call(api, "POST", publisher, extension);
}

struct api_call *
ado_convert_endpoint(struct api *api, json_t *endpoint)
{
	char *i = api_escape(json_string_value(json_object_get(endpoint,
	    "id")));
	/* Only the id, type, wanted scheme and project references: what the
	 * portal's Convert sends. */
	json_t *body = json_pack("{s:O?, s:O?, s:{s:s}, s:O?}", "id",
	    json_object_get(endpoint, "id"), "type", json_object_get(endpoint,
	    "type"), "authorization", "scheme", "WorkloadIdentityFederation",
	    "serviceEndpointProjectReferences", json_object_get(endpoint,
	    "serviceEndpointProjectReferences"));
	/* Not resent: a second one is refused as already federated; a lost
	 * answer is told (API_LOST) and the caller reads the scheme back. */
	struct api_call_spec spec = { .method = "PUT", .once = true,
		.url = api_url(api, ADO_CONVERT_API, "_apis/serviceendpoint/"
		    "endpoints/%s?operation=ConvertAuthenticationScheme", i),
		.json = body };

	free(i);
	return api_call_start(api, &spec);
}

struct api_call *
ado_delete_environment(struct api *api, const char *project, const char *id)
{
	char *p = api_escape(project), *i = api_escape(id);
	struct api_call *c = api_request(api, "DELETE", api_url(api, "7.1",
	    "%s/_apis/distributedtask/environments/%s", p, i), NULL, false);

	free(i);
	free(p);
	return c;
}

struct api_call *
ado_delete_endpoint(struct api *api, const char *project_id, const char *id)
{
	char *p = api_escape(project_id), *i = api_escape(id);
	struct api_call *c = api_request(api, "DELETE", api_url(api, "7.1",
	    "_apis/serviceendpoint/endpoints/%s?projectIds=%s", i, p), NULL,
	    false);

	free(i);
	free(p);
	return c;
}
