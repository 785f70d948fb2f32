/*
 * The sandbox's service endpoints (service connections): created at the
 * organization level with project references, read per project, updated,
 * shared and deleted. Secrets are kept in the world (the sandbox must check
 * them later) but never returned, as the real service never returns them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "secret.h"
#include "sim/cloud.h"
#include "sim/handlers.h"
#include "xalloc.h"

/* The Azure DevOps application, the audience of federated tokens. */
#define ADO_APP_ID "499b84ac-1321-427f-aa17-267ca6975798"

/* Whether the endpoint is shared with the project (by id). */
static bool
in_project(json_t *endpoint, const char *project_id)
{
	json_t *ref;
	size_t i;

	json_array_foreach(json_object_get(endpoint,
	    "serviceEndpointProjectReferences"), i, ref)
		if (strcasecmp(json_string_value(json_object_get(
		    json_object_get(ref, "projectReference"), "id")),
		    project_id) == 0)
			return true;
	return false;
}

/* A kept digest: "<secret name>_digest". */
static bool
is_digest(const char *key)
{
	size_t n = strlen(key);

	return n > 7 && strcmp(key + n - 7, "_digest") == 0;
}

/* The endpoint as the service shows it: every secret value as null. */
static json_t *
endpoint_json(json_t *endpoint)
{
	json_t *j = json_deep_copy(endpoint), *params;
	const char *key;
	json_t *value;

	void *tmp;

	params = json_object_get(json_object_get(j, "authorization"),
	    "parameters");
	json_object_foreach_safe(params, tmp, key, value)
		if (is_digest(key))
			json_object_del(params, key);
	json_object_foreach(params, key, value)
		if (secret_is_secret_name(key))
			json_object_set_new(params, key, json_null());
	if (json_object_get(params, "authenticationType") != NULL)
		json_object_set_new(params, "serviceprincipalkey", json_null());
	return j;
}

/*
 * A workload identity federation connection gets the issuer and subject of
 * the format new connections have had since 2025; clients read them back.
 */
static void
add_federation(json_t *root, json_t *endpoint)
{
	json_t *params = json_object_get(json_object_get(endpoint,
	    "authorization"), "parameters");
	const char *tenant = json_string_value(json_object_get(params,
	    "tenantid"));
	char *t = exchange_base64url(tenant ? tenant : "");
	char *app = exchange_base64url(ADO_APP_ID);

	json_object_set_new(params, "workloadIdentityFederationIssuer",
	    json_sprintf("https://login.microsoftonline.com/%s/v2.0",
	    tenant ? tenant : ""));
	json_object_set_new(params, "workloadIdentityFederationSubject",
	    json_sprintf("/eid1/c/pub/t/%s/a/%s/sc/%s/%s", t, app,
	    json_string_value(json_object_get(root, "instance_id")),
	    json_string_value(json_object_get(endpoint, "id"))));
	free(app);
	free(t);
}

/* Keep only a digest of each secret (the principal's key, a GitHub
 * token), never the secret: the world file is on disk. */
static void
keep_digest(json_t *params)
{
	const char *key;
	json_t *value;
	void *tmp;

	json_object_foreach_safe(params, tmp, key, value) {
		if (is_digest(key) || !secret_is_secret_name(key))
			continue;
		if (json_is_string(value)) {
			char *digest = secret_digest(json_string_value(value));
			char *name = xasprintf("%s_digest", key);

			json_object_set_new(params, name, json_string(digest));
			free(name);
			free(digest);
		}
		json_object_del(params, key);
	}
}

static json_t *
find_endpoint(json_t *root, const char *id)
{
	return world_find(json_object_get(root, "endpoints"), "id", id);
}

/* A GitHub connection made with a token has the token: the service
 * refuses one without it. */
static int
github_problem(struct exchange *x)
{
	json_t *auth = json_object_get(x->body, "authorization");
	const char *scheme = json_string_value(json_object_get(auth,
	    "scheme"));
	const char *token = json_string_value(json_object_get(
	    json_object_get(auth, "parameters"), "accessToken"));

	if (scheme != NULL && (strcasecmp(scheme, "PersonalAccessToken") ==
	    0 || strcasecmp(scheme, "Token") == 0) && (token == NULL ||
	    *token == '\0')) {
		exchange_error(x, 400, "ArgumentException", "The "
		    "authorization parameter accessToken is required for "
		    "scheme %s.", scheme);
		return -1;
	}
	return 0;
}

/* Checks of a create or update body; replies and returns -1 on refusal. */
static int
check_body(struct exchange *x, json_t *root, const char *self_id)
{
	const char *name = json_string_value(json_object_get(x->body, "name"));
	const char *type = json_string_value(json_object_get(x->body, "type"));
	json_t *refs = json_object_get(x->body,
	    "serviceEndpointProjectReferences"), *ref, *e;
	size_t i, j;

	if (name == NULL || type == NULL || json_object_get(x->body,
	    "authorization") == NULL) {
		exchange_error(x, 400, "ArgumentException", "A service endpoint "
		    "needs a name, a type and an authorization.");
		return -1;
	}
	if (strcasecmp(type, "github") == 0 && github_problem(x) == -1)
		return -1;
	if (json_array_size(refs) == 0) {
		exchange_error(x, 400, "ArgumentException", "A ServiceEndpoint "
		    "requires at least one ServiceEndpointProjectReference.");
		return -1;
	}
	json_array_foreach(refs, i, ref) {
		const char *pid = json_string_value(json_object_get(
		    json_object_get(ref, "projectReference"), "id"));
		if (pid == NULL || world_project(root, pid) == NULL) {
			core_project_not_found(x, pid);
			return -1;
		}
		json_array_foreach(json_object_get(root, "endpoints"), j, e) {
			if (self_id != NULL && strcasecmp(json_string_value(
			    json_object_get(e, "id")), self_id) == 0)
				continue;
			if (in_project(e, pid) && strcasecmp(json_string_value(
			    json_object_get(e, "name")), name) == 0) {
				exchange_error(x, 409,
				    "DuplicateServiceConnectionException", "A "
				    "service connection with name %s already "
				    "exists in the project.", name);
				return -1;
			}
		}
	}
	return 0;
}

static json_t *
stored_endpoint(struct exchange *x, json_t *root, const char *id)
{
	json_t *e = json_deep_copy(x->body), *user = json_object_get(root,
	    "user");
	const char *scheme = json_string_value(json_object_get(
	    json_object_get(e, "authorization"), "scheme"));
	const char *url = json_string_value(json_object_get(e, "url"));

	json_object_set_new(e, "id", json_string(id));
	json_object_set_new(e, "isReady", json_true());
	json_object_set_new(e, "isShared", json_false());
	if (url == NULL)
		json_object_set_new(e, "url",
		    json_string("https://management.azure.com/"));
	json_object_set_new(e, "owner", json_string("library"));
	json_object_set_new(e, "createdBy", json_pack("{s:O, s:O}", "id",
	    json_object_get(user, "id"), "displayName", json_object_get(user,
	    "displayName")));
	json_object_set_new(e, "operationStatus", json_pack("{s:s, s:s}",
	    "state", "Ready", "statusMessage", ""));
	if (scheme != NULL && strcasecmp(scheme, "WorkloadIdentityFederation")
	    == 0)
		add_federation(root, e);
	keep_digest(json_object_get(json_object_get(e, "authorization"),
	    "parameters"));
	return e;
}

static void
create_endpoint(struct exchange *x, json_t *root, bool *changed)
{
	char *id;
	json_t *e;

	if (check_body(x, root, NULL) == -1)
		return;
	id = world_new_guid();
	e = stored_endpoint(x, root, id);
	free(id);
	json_array_append_new(json_object_get(root, "endpoints"), e);
	*changed = true;
	exchange_json(x, 200, endpoint_json(e));
}

static void
update_endpoint(struct exchange *x, json_t *root, json_t *old, bool *changed)
{
	json_t *list = json_object_get(root, "endpoints"), *e;
	size_t i;

	if (check_body(x, root, json_string_value(json_object_get(old, "id")))
	    == -1)
		return;
	e = stored_endpoint(x, root, json_string_value(json_object_get(old,
	    "id")));
	json_array_foreach(list, i, old)
		if (json_equal(json_object_get(old, "id"), json_object_get(e,
		    "id")))
			json_array_set(list, i, e);
	json_decref(e);
	*changed = true;
	exchange_json(x, 200, endpoint_json(find_endpoint(root,
	    x->params[0])));
}

/* PATCH with a list of project references shares the endpoint. */
static void
share_endpoint(struct exchange *x, json_t *root, json_t *e, bool *changed)
{
	json_t *refs = json_object_get(e, "serviceEndpointProjectReferences");
	json_t *ref;
	size_t i;

	if (!json_is_array(x->body)) {
		exchange_error(x, 400, "ArgumentException", "Expected a list of "
		    "project references.");
		return;
	}
	json_array_foreach(x->body, i, ref) {
		const char *pid = json_string_value(json_object_get(
		    json_object_get(ref, "projectReference"), "id"));
		if (pid != NULL && world_project(root, pid) != NULL &&
		    !in_project(e, pid))
			json_array_append(refs, ref);
	}
	json_object_set_new(e, "isShared", json_boolean(json_array_size(refs)
	    > 1));
	*changed = true;
	exchange_no_content(x);
}

static void
delete_endpoint(struct exchange *x, json_t *root, json_t *e, bool *changed)
{
	json_t *list = json_object_get(root, "endpoints");
	size_t i;

	for (i = 0; i < json_array_size(list); i++)
		if (json_array_get(list, i) == e)
			json_array_remove(list, i);
	*changed = true;
	exchange_no_content(x);
}

static bool
uses_scheme(json_t *endpoint, const char *scheme)
{
	const char *s = json_string_value(json_object_get(json_object_get(
	    endpoint, "authorization"), "scheme"));

	return s != NULL && strcasecmp(s, scheme) == 0;
}

/*
 * PUT ?operation=ConvertAuthenticationScheme: a secret-based Azure
 * Resource Manager connection becomes a workload identity federation one,
 * with the issuer and subject its principal must trust. The operation is
 * a preview one (clients send 7.2-preview.4), and only the scheme is
 * asked for; the secret the connection held is dropped.
 */
static void
convert_endpoint(struct exchange *x, json_t *root, json_t *e, bool *changed)
{
	const char *wanted = json_string_value(json_object_get(json_object_get(
	    x->body, "authorization"), "scheme"));
	json_t *params;

	if (!x->version.preview)
		exchange_error(x, 400, "VssInvalidPreviewVersionException", "The "
		    "requested version \"%s\" of the resource is under preview. "
		    "The -preview flag must be supplied in the api-version for "
		    "such requests. For example: \"%s-preview\"",
		    x->version.text, x->version.text);
	else if (wanted == NULL || strcasecmp(wanted,
	    "WorkloadIdentityFederation") != 0)
		exchange_error(x, 400, "ArgumentException", "Conversion to "
		    "authentication scheme '%s' is not supported.",
		    wanted ? wanted : "");
	else if (strcasecmp(json_string_value(json_object_get(e, "type")),
	    "azurerm") != 0)
		exchange_error(x, 400, "ArgumentException", "Authentication "
		    "scheme conversion is only supported for Azure Resource "
		    "Manager service connections.");
	else if (uses_scheme(e, "WorkloadIdentityFederation"))
		exchange_error(x, 400, "InvalidOperationException", "The service "
		    "connection '%s' already uses the authentication scheme "
		    "WorkloadIdentityFederation.", json_string_value(
		    json_object_get(e, "name")));
	else {
		json_object_set_new(json_object_get(e, "authorization"),
		    "scheme", json_string("WorkloadIdentityFederation"));
		params = json_object_get(json_object_get(e, "authorization"),
		    "parameters");
		json_object_del(params, "authenticationType");
		json_object_del(params, "serviceprincipalkey_digest");
		add_federation(root, e);
		*changed = true;
		exchange_json(x, 200, endpoint_json(e));
	}
}

/* Organization level: create, update, share, delete. */
void
handle_endpoints_org(struct exchange *x)
{
	json_t *root = world_lock(x->world), *e = NULL;
	bool changed = false;

	if (x->params[0] != NULL && (e = find_endpoint(root, x->params[0]))
	    == NULL)
		exchange_error(x, 404, "ServiceEndpointNotFoundException",
		    "Service connection with id %s was not found.",
		    x->params[0]);
	else if (x->params[0] == NULL && strcmp(x->method, "POST") == 0)
		create_endpoint(x, root, &changed);
	else if (e != NULL && strcmp(x->method, "PUT") == 0 &&
	    exchange_query(x, "operation") != NULL) {
		if (strcasecmp(exchange_query(x, "operation"),
		    "ConvertAuthenticationScheme") == 0)
			convert_endpoint(x, root, e, &changed);
		else
			exchange_error(x, 400, "ArgumentException", "The operation "
			    "'%s' is not supported.", exchange_query(x,
			    "operation"));
	} else if (e != NULL && strcmp(x->method, "PUT") == 0)
		update_endpoint(x, root, e, &changed);
	else if (e != NULL && strcmp(x->method, "PATCH") == 0)
		share_endpoint(x, root, e, &changed);
	else if (e != NULL && strcmp(x->method, "DELETE") == 0)
		delete_endpoint(x, root, e, &changed);
	else if (e != NULL && strcmp(x->method, "GET") == 0)
		exchange_json(x, 200, endpoint_json(e));
	else
		exchange_method_not_allowed(x);
	world_unlock(x->world, changed);
}

static bool
listed(const char *list, const char *name)
{
	size_t n = strlen(name), len;

	for (const char *p = list; *p != '\0'; p += len + (p[len] == ',')) {
		len = strcspn(p, ",");
		if (len == n && strncasecmp(p, name, n) == 0)
			return true;
	}
	return false;
}

/* Project level: list (by names, type) and get. */
void
handle_endpoints_project(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *e, *list;
	const char *names = exchange_query(x, "endpointNames");
	const char *type = exchange_query(x, "type");
	const char *pid;
	size_t i;

	project = core_project_or_reply(x, root, x->params[0]);
	if (project == NULL) {
		world_unlock(x->world, false);
		return;
	}
	pid = json_string_value(json_object_get(project, "id"));
	if (strcmp(x->method, "GET") != 0) {
		/* At 7.x a POST here asks for refreshed authentication. */
		exchange_error(x, 400, "ArgumentException", "endpointIds must "
		    "be given; service endpoints are created at the "
		    "organization level.");
	} else if (x->params[1] != NULL) {
		e = find_endpoint(root, x->params[1]);
		if (e != NULL && in_project(e, pid))
			exchange_json(x, 200, endpoint_json(e));
		else
			exchange_json(x, 200, json_null());
	} else {
		list = json_array();
		json_array_foreach(json_object_get(root, "endpoints"), i, e) {
			if (!in_project(e, pid) || (names != NULL && !listed(
			    names, json_string_value(json_object_get(e,
			    "name")))) || (type != NULL && strcasecmp(type,
			    json_string_value(json_object_get(e, "type")))))
				continue;
			json_array_append_new(list, endpoint_json(e));
		}
		exchange_collection(x, list);
	}
	world_unlock(x->world, false);
}

/*
 * endpointproxy TestConnection: checks the principal, its secret or
 * federation, and its role on the subscription against the sandbox's Entra
 * ID and ARM. The outcome is in the body; the HTTP status is 200.
 */
void
handle_endpoint_proxy(struct exchange *x)
{
	json_t *root = world_lock(x->world), *e, *given, *copy, *params;
	const char *id = exchange_query(x, "endpointId"), *status;
	char *problem, *activity = world_new_guid();

	e = id ? find_endpoint(root, id) : NULL;
	given = json_object_get(json_object_get(x->body,
	    "serviceEndpointDetails"), "authorization");
	if (strcmp(x->method, "POST") != 0)
		exchange_method_not_allowed(x);
	else if (e == NULL)
		exchange_error(x, 404, "ServiceEndpointNotFoundException",
		    "Service connection with id %s was not found.", id ? id : "");
	else {
		copy = json_deep_copy(e);
		/* A secret sent with the request is the one tested. */
		params = json_object_get(given, "parameters");
		if (json_is_string(json_object_get(params,
		    "serviceprincipalkey"))) {
			json_t *mine = json_object_get(json_object_get(copy,
			    "authorization"), "parameters");
			json_object_set(mine, "serviceprincipalkey",
			    json_object_get(params, "serviceprincipalkey"));
			keep_digest(mine);
		}
		problem = cloud_endpoint_problem(root, copy, &status);
		exchange_json(x, 200, json_pack("{s:o, s:s, s:s, s:s}", "result",
		    problem ? json_array() : json_pack("[O]", json_object_get(
		    json_object_get(e, "data"), "subscriptionName")),
		    "statusCode", status, "errorMessage", problem ? problem : "",
		    "activityId", activity));
		free(problem);
		json_decref(copy);
	}
	free(activity);
	world_unlock(x->world, false);
}
