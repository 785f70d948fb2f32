/* Entra ID, Graph and ARM typed calls. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cloud.h"
#include "xalloc.h"

/* ---- Entra ID ----------------------------------------------------------- */

static struct api_call *
token_request(struct api *api, const char *tenant, const char *path,
    char *form)
{
	char *t = api_escape(tenant);
	struct api_call_spec spec = { .method = "POST",
		.url = xasprintf("%s/%s/oauth2/v2.0/%s", api->entra_url, t, path),
		.body = form, .content_type = "application/x-www-form-urlencoded",
		.auth = NULL };
	struct api_call *call;

	/* The form is the credential: no Authorization header. */
	spec.no_auth = true;
	call = api_call_start(api, &spec);
	free(t);
	return call;
}

static char *
form(const char *first, ...)
{
	va_list ap;
	char *out = xstrdup(""), *next, *value;
	const char *key = first;

	va_start(ap, first);
	while (key != NULL) {
		value = api_escape(va_arg(ap, const char *));
		next = xasprintf("%s%s%s=%s", out, out[0] ? "&" : "", key,
		    value);
		credential_wipe(value);
		credential_wipe(out);
		out = next;
		key = va_arg(ap, const char *);
	}
	va_end(ap);
	return out;
}

struct api_call *
entra_devicecode(struct api *api, const char *tenant, const char *client_id,
    const char *scope)
{
	char *scopes = xasprintf("%s offline_access", scope);
	struct api_call *c = token_request(api, tenant, "devicecode",
	    form("client_id", client_id, "scope", scopes, NULL));

	free(scopes);
	return c;
}

struct api_call *
entra_poll_token(struct api *api, const char *tenant, const char *client_id,
    const char *device_code)
{
	return token_request(api, tenant, "token", form("grant_type",
	    "urn:ietf:params:oauth:grant-type:device_code", "client_id",
	    client_id, "device_code", device_code, NULL));
}

struct api_call *
entra_refresh(struct api *api, const char *tenant, const char *client_id,
    const char *refresh_token, const char *scope)
{
	return token_request(api, tenant, "token", form("grant_type",
	    "refresh_token", "client_id", client_id, "refresh_token",
	    refresh_token, "scope", scope, NULL));
}

/* ---- Graph ---------------------------------------------------------------- */

static struct api_call *
graph(struct api *api, const char *method, char *path, json_t *body,
    bool collection)
{
	struct api_call_spec spec = { .method = method, .collection =
		collection, .auth = api->graph,
		.url = xasprintf("%s/%s", api->graph_url, path), .json = body };

	free(path);
	return api_call_start(api, &spec);
}

static char *
filter_eq(const char *field, const char *value)
{
	char *clause = xasprintf("%s eq '%s'", field, value);
	char *escaped = api_escape(clause);

	free(clause);
	return escaped;
}

/* The applications whose field equals value. */
static struct api_call *
applications_where(struct api *api, const char *field, const char *value)
{
	char *f = filter_eq(field, value);
	struct api_call *c = graph(api, "GET", xasprintf("applications?"
	    "$filter=%s", f), NULL, true);

	free(f);
	return c;
}

struct api_call *
graph_find_applications(struct api *api, const char *name)
{
	return applications_where(api, "displayName", name);
}

struct api_call *
graph_get_application(struct api *api, const char *id)
{
	return graph(api, "GET", xasprintf("applications/%s", id), NULL,
	    false);
}

struct api_call *
graph_create_application(struct api *api, const char *name)
{
	char *f = filter_eq("displayName", name);
	json_t *body = json_pack("{s:s}", "displayName", name);
	struct api_call_spec spec = { .method = "POST", .creates = true,
		.auth = api->graph,
		.url = xasprintf("%s/applications", api->graph_url),
		.lookup_url = xasprintf("%s/applications?$filter=%s",
		    api->graph_url, f), .lookup_name = name,
		.json = body };

	free(f);
	return api_call_start(api, &spec);
}

struct api_call *
graph_add_password(struct api *api, const char *app,
    const char *display_name)
{
	/* Sent once: a second secret would be one nobody holds. */
	struct api_call_spec spec = { .method = "POST", .once = true,
		.auth = api->graph, .url = xasprintf("%s/applications/%s/"
		    "addPassword", api->graph_url, app), .json = json_pack(
		    "{s:{s:s}}", "passwordCredential", "displayName",
		    display_name) };

	return api_call_start(api, &spec);
}

struct api_call *
graph_remove_password(struct api *api, const char *app, const char *key_id)
{
	return graph(api, "POST", xasprintf("applications/%s/removePassword",
	    app), json_pack("{s:s}", "keyId", key_id), false);
}

struct api_call *
graph_create_principal(struct api *api, const char *app_id)
{
	return graph(api, "POST", xstrdup("servicePrincipals"), json_pack(
	    "{s:s, s:b}", "appId", app_id, "accountEnabled", 1), false);
}

struct api_call *
graph_find_principals(struct api *api, const char *app_id)
{
	char *f = filter_eq("appId", app_id);
	struct api_call *c = graph(api, "GET", xasprintf("servicePrincipals?"
	    "$filter=%s", f), NULL, true);

	free(f);
	return c;
}

struct api_call *
graph_add_federated_credential(struct api *api, const char *app,
    const char *name, const char *issuer, const char *subject)
{
	return graph(api, "POST", xasprintf("applications/%s/"
	    "federatedIdentityCredentials", app), json_pack("{s:s, s:s, s:s, "
	    "s:[s]}", "name", name, "issuer", issuer, "subject", subject,
	    "audiences", "api://AzureADTokenExchange"), false);
}

/* ---- ARM ------------------------------------------------------------------ */

static struct api_call *
arm(struct api *api, const char *method, const char *version, char *path,
    json_t *body, bool collection)
{
	struct api_call_spec spec = { .method = method, .collection =
		collection, .auth = api->arm, .url = xasprintf("%s/%s%s"
		"api-version=%s", api->arm_url, path, strchr(path, '?') ? "&" :
		"?", version), .json = body };

	free(path);
	return api_call_start(api, &spec);
}

struct api_call *
graph_remove_federated_credential(struct api *api, const char *app,
    const char *name)
{
	char *n = api_escape(name);
	struct api_call *c = graph(api, "DELETE", xasprintf("applications/%s/"
	    "federatedIdentityCredentials/%s", app, n), NULL, false);

	free(n);
	return c;
}

struct api_call *
arm_list_subscriptions(struct api *api)
{
	return arm(api, "GET", "2022-12-01", xstrdup("subscriptions"), NULL,
	    true);
}

struct api_call *
arm_get_subscription(struct api *api, const char *sub)
{
	return arm(api, "GET", "2022-12-01", xasprintf("subscriptions/%s", sub),
	    NULL, false);
}

struct api_call *
arm_assign_contributor(struct api *api, const char *sub, const char *name,
    const char *principal)
{
	char *role = xasprintf("/subscriptions/%s/providers/Microsoft."
	    "Authorization/roleDefinitions/%s", sub, CLOUD_ROLE_CONTRIBUTOR);
	/* principalType lets ARM take a principal still replicating. */
	struct api_call *c = arm(api, "PUT", "2022-04-01", xasprintf(
	    "subscriptions/%s/providers/Microsoft.Authorization/"
	    "roleAssignments/%s", sub, name), json_pack("{s:{s:s, s:s, s:s}}",
	    "properties", "roleDefinitionId", role, "principalId", principal,
	    "principalType", "ServicePrincipal"), false);

	free(role);
	return c;
}

struct api_call *
arm_list_assignments(struct api *api, const char *sub, const char *principal)
{
	char *f = filter_eq("principalId", principal);
	struct api_call *c = arm(api, "GET", "2022-04-01", xasprintf(
	    "subscriptions/%s/providers/Microsoft.Authorization/"
	    "roleAssignments?$filter=%s", sub, f), NULL, true);

	free(f);
	return c;
}

struct api_call *
arm_get_provider(struct api *api, const char *sub, const char *ns)
{
	return arm(api, "GET", "2024-03-01", xasprintf("subscriptions/%s/"
	    "providers/%s", sub, ns), NULL, false);
}

struct api_call *
graph_authorization_policy(struct api *api)
{
	return graph(api, "GET", xstrdup("policies/authorizationPolicy"),
	    NULL, false);
}

struct api_call *
graph_my_roles(struct api *api)
{
	return graph(api, "GET", xstrdup("me/memberOf"), NULL, true);
}

struct api_call *
arm_my_permissions(struct api *api, const char *sub)
{
	return arm(api, "GET", "2022-04-01", xasprintf("subscriptions/%s/"
	    "providers/Microsoft.Authorization/permissions", sub), NULL,
	    true);
}

struct api_call *
arm_ml_usages(struct api *api, const char *sub, const char *location)
{
	return arm(api, "GET", "2024-04-01", xasprintf("subscriptions/%s/"
	    "providers/Microsoft.MachineLearningServices/locations/%s/usages",
	    sub, location), NULL, true);
}

struct api_call *
arm_register_provider(struct api *api, const char *sub, const char *ns)
{
	return arm(api, "POST", "2024-03-01", xasprintf("subscriptions/%s/"
	    "providers/%s/register", sub, ns), NULL, false);
}

struct api_call *
arm_get_ml(struct api *api, const char *sub, const char *rg,
    const char *workspace, const char *kind, const char *name)
{
	return arm(api, "GET", "2024-04-01", xasprintf("subscriptions/%s/"
	    "resourceGroups/%s/providers/Microsoft.MachineLearningServices/"
	    "workspaces/%s/%s%s%s", sub, rg, workspace, kind, name ? "/" : "",
	    name ? name : ""), NULL, name == NULL);
}

struct api_call *
arm_get_workspace(struct api *api, const char *sub, const char *rg,
    const char *workspace)
{
	return arm(api, "GET", "2024-04-01", xasprintf("subscriptions/%s/"
	    "resourceGroups/%s/providers/Microsoft.MachineLearningServices/"
	    "workspaces/%s", sub, rg, workspace), NULL, false);
}

/* ---- teardown ------------------------------------------------------------ */

struct api_call *
graph_delete_application(struct api *api, const char *id)
{
	return graph(api, "DELETE", xasprintf("applications/%s", id), NULL,
	    false);
}

/* ---- managed identities (issue 14), and the application of an appId ------ */

struct api_call *
graph_find_applications_by_app_id(struct api *api, const char *app_id)
{
	return applications_where(api, "appId", app_id);
}

struct api_call *
arm_get_resource_group(struct api *api, const char *sub, const char *rg)
{
	char *g = api_escape(rg);
	struct api_call *c = arm(api, "GET", "2024-03-01", xasprintf(
	    "subscriptions/%s/resourcegroups/%s", sub, g), NULL, false);

	free(g);
	return c;
}

struct api_call *
arm_put_resource_group(struct api *api, const char *sub, const char *rg,
    const char *location)
{
	char *g = api_escape(rg);
	struct api_call *c = arm(api, "PUT", "2024-03-01", xasprintf(
	    "subscriptions/%s/resourcegroups/%s", sub, g), json_pack("{s:s}",
	    "location", location), false);

	free(g);
	return c;
}

static char *
identity_path(const char *sub, const char *rg, const char *name)
{
	char *g = api_escape(rg), *n = api_escape(name);
	char *path = xasprintf("subscriptions/%s/resourceGroups/%s/providers/"
	    "Microsoft.ManagedIdentity/userAssignedIdentities/%s", sub, g, n);

	free(n);
	free(g);
	return path;
}

struct api_call *
arm_get_identity(struct api *api, const char *sub, const char *rg,
    const char *name)
{
	return arm(api, "GET", MANAGED_IDENTITY_API, identity_path(sub, rg,
	    name), NULL, false);
}

struct api_call *
arm_put_identity(struct api *api, const char *sub, const char *rg,
    const char *name, const char *location)
{
	return arm(api, "PUT", MANAGED_IDENTITY_API, identity_path(sub, rg,
	    name), json_pack("{s:s}", "location", location), false);
}

struct api_call *
arm_put_identity_credential(struct api *api, const char *sub,
    const char *rg, const char *name, const char *credential,
    const char *issuer, const char *subject)
{
	char *base = identity_path(sub, rg, name), *c = api_escape(credential);
	char *path = xasprintf("%s/federatedIdentityCredentials/%s", base, c);

	free(c);
	free(base);
	return arm(api, "PUT", MANAGED_IDENTITY_API, path, json_pack(
	    "{s:{s:s, s:s, s:[s]}}", "properties", "issuer", issuer, "subject",
	    subject, "audiences", "api://AzureADTokenExchange"), false);
}

struct api_call *
graph_list_federated_credentials(struct api *api, const char *app)
{
	return graph(api, "GET", xasprintf("applications/%s/"
	    "federatedIdentityCredentials", app), NULL, true);
}

struct api_call *
graph_delete_principal(struct api *api, const char *id)
{
	return graph(api, "DELETE", xasprintf("servicePrincipals/%s", id),
	    NULL, false);
}

struct api_call *
arm_delete_assignment(struct api *api, const char *id)
{
	/* The id is a path from the root: /subscriptions/.../{name}. */
	return arm(api, "DELETE", "2022-04-01", xstrdup(id + (*id == '/')),
	    NULL, false);
}

struct api_call *
arm_delete_ml(struct api *api, const char *sub, const char *rg,
    const char *workspace, const char *kind, const char *name)
{
	return arm(api, "DELETE", "2024-04-01", xasprintf("subscriptions/%s/"
	    "resourceGroups/%s/providers/Microsoft.MachineLearningServices/"
	    "workspaces/%s/%s/%s", sub, rg, workspace, kind, name), NULL,
	    false);
}

struct api_call *
arm_delete_workspace(struct api *api, const char *sub, const char *rg,
    const char *workspace, bool purge)
{
	return arm(api, "DELETE", "2024-04-01", xasprintf("subscriptions/%s/"
	    "resourceGroups/%s/providers/Microsoft.MachineLearningServices/"
	    "workspaces/%s%s", sub, rg, workspace, purge ?
	    "?forceToPurge=true" : ""), NULL, false);
}

struct api_call *
arm_delete_resource_group(struct api *api, const char *sub, const char *rg)
{
	return arm(api, "DELETE", "2024-03-01", xasprintf("subscriptions/%s/"
	    "resourcegroups/%s", sub, rg), NULL, false);
}

struct api_call *
arm_check_vault_name(struct api *api, const char *sub, const char *name)
{
	return arm(api, "POST", "2022-07-01", xasprintf("subscriptions/%s/"
	    "providers/Microsoft.KeyVault/checkNameAvailability", sub),
	    json_pack("{s:s, s:s}", "name", name, "type",
	    "Microsoft.KeyVault/vaults"), false);
}

struct api_call *
arm_check_storage_name(struct api *api, const char *sub, const char *name)
{
	return arm(api, "POST", "2023-01-01", xasprintf("subscriptions/%s/"
	    "providers/Microsoft.Storage/checkNameAvailability", sub),
	    json_pack("{s:s, s:s}", "name", name, "type",
	    "Microsoft.Storage/storageAccounts"), false);
}

struct api_call *
arm_get_vault(struct api *api, const char *sub, const char *rg,
    const char *name)
{
	return arm(api, "GET", "2022-07-01", xasprintf("subscriptions/%s/"
	    "resourceGroups/%s/providers/Microsoft.KeyVault/vaults/%s", sub, rg,
	    name), NULL, false);
}

struct api_call *
arm_get_storage_account(struct api *api, const char *sub, const char *rg,
    const char *name)
{
	return arm(api, "GET", "2023-01-01", xasprintf("subscriptions/%s/"
	    "resourceGroups/%s/providers/Microsoft.Storage/storageAccounts/%s",
	    sub, rg, name), NULL, false);
}

struct api_call *
arm_get_deleted_vault(struct api *api, const char *sub, const char *location,
    const char *name)
{
	return arm(api, "GET", "2022-07-01", xasprintf("subscriptions/%s/"
	    "providers/Microsoft.KeyVault/locations/%s/deletedVaults/%s", sub,
	    location, name), NULL, false);
}

struct api_call *
arm_purge_vault(struct api *api, const char *sub, const char *location,
    const char *name)
{
	return arm(api, "POST", "2022-07-01", xasprintf("subscriptions/%s/"
	    "providers/Microsoft.KeyVault/locations/%s/deletedVaults/%s/purge",
	    sub, location, name), NULL, false);
}

struct api_call *
arm_poll_operation(struct api *api, const char *url)
{
	size_t n = http_url_origin_len(api->arm_url);
	struct api_call_spec spec = { .method = "GET", .auth = api->arm };

	/* The ARM token goes only to ARM: a Location elsewhere is refused
	 * (the call fails at once, as an invalid URL does). */
	if (n == 0 || strncasecmp(url, api->arm_url, n) != 0 ||
	    (url[n] != '/' && url[n] != '\0')) {
		spec.url = xstrdup("about:refused-location");
		spec.no_auth = true;
	} else
		spec.url = xstrdup(url);
	return api_call_start(api, &spec);
}
