/*
 * The sandbox's user-assigned managed identities (Microsoft.ManagedIdentity,
 * api-version 2023-01-31) with their federated identity credentials, and
 * the resource groups an operator creates for them (PUT). Shapes as ARM
 * answers them: PUT is idempotent (201 when it made the resource, 200 when
 * it was there), GET of what is absent is a 404 with ARM's error codes.
 *
 * An identity has a service principal in the directory (what the role
 * assignment names, by principalId) whose appId is the identity's
 * clientId: that is how a service connection names it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/cloud.h"
#include "sim/locations.h"
#include "xalloc.h"

#define MI_TYPE "Microsoft.ManagedIdentity/userAssignedIdentities"
#define FIC_TYPE MI_TYPE "/federatedIdentityCredentials"
#define TOKEN_AUDIENCE "api://AzureADTokenExchange"

static json_t *
list_of(json_t *root, const char *group, const char *kind)
{
	json_t *g = json_object_get(root, group), *list;

	if (g == NULL) {
		g = json_object();
		json_object_set_new(root, group, g);
	}
	list = json_object_get(g, kind);
	if (list == NULL) {
		list = json_array();
		json_object_set_new(g, kind, list);
	}
	return list;
}

static json_t *
resource_group(json_t *root, const char *name)
{
	return world_find(list_of(root, "azure", "resource_groups"), "name",
	    name);
}

static json_t *
group_view(const char *sub, json_t *rg)
{
	char *id = xasprintf("/subscriptions/%s/resourceGroups/%s", sub,
	    json_string_value(json_object_get(rg, "name")));
	json_t *j = json_pack("{s:s, s:O, s:s, s:O, s:{s:s}}", "id", id, "name",
	    json_object_get(rg, "name"), "type",
	    "Microsoft.Resources/resourceGroups", "location",
	    json_object_get(rg, "location"), "properties",
	    "provisioningState", "Succeeded");

	free(id);
	return j;
}

static void
put_group(struct exchange *x, json_t *root, const char *sub,
    const char *name, bool *changed)
{
	json_t *rg = resource_group(root, name);
	const char *location = json_string_value(json_object_get(x->body,
	    "location"));

	if (rg != NULL) {
		exchange_json(x, 200, group_view(sub, rg));
		return;
	}
	if (location == NULL) {
		exchange_cloud_error(x, 400, "LocationRequired", "The location "
		    "property is required for this definition.");
		return;
	}
	rg = json_pack("{s:s, s:s}", "name", name, "location", location);
	json_array_append_new(list_of(root, "azure", "resource_groups"), rg);
	*changed = true;
	exchange_json(x, 201, group_view(sub, rg));
}

/* ---- identities -------------------------------------------------------- */

static json_t *
identity(json_t *root, const char *rg, const char *name)
{
	json_t *mi;
	size_t i;

	json_array_foreach(list_of(root, "arm", "identities"), i, mi)
		if (strcasecmp(json_string_value(json_object_get(mi,
		    "resourceGroup")), rg) == 0 && strcasecmp(
		    json_string_value(json_object_get(mi, "name")), name) == 0)
			return mi;
	return NULL;
}

/* Read only: TestConnection and the runs call it under a read lock. */
json_t *
identity_by_client_id(json_t *root, const char *client_id)
{
	return world_find(json_object_get(json_object_get(root, "arm"),
	    "identities"), "clientId", client_id);
}

static char *
identity_id(const char *sub, json_t *mi)
{
	return xasprintf("/subscriptions/%s/resourcegroups/%s/providers/%s/%s",
	    sub, json_string_value(json_object_get(mi, "resourceGroup")),
	    MI_TYPE, json_string_value(json_object_get(mi, "name")));
}

static json_t *
identity_view(json_t *root, const char *sub, json_t *mi)
{
	char *id = identity_id(sub, mi);
	json_t *j = json_pack("{s:s, s:O, s:s, s:O, s:{}, s:{s:O, s:O, s:O}}",
	    "id", id, "name", json_object_get(mi, "name"), "type", MI_TYPE,
	    "location", json_object_get(mi, "location"), "tags", "properties",
	    "tenantId", json_object_get(root, "tenant_id"), "principalId",
	    json_object_get(mi, "principalId"), "clientId",
	    json_object_get(mi, "clientId"));

	free(id);
	return j;
}

/* The identity's principal, seen by ARM at once but by the directory's
 * readers after the replication delay, as a new application's is. */
static void
add_principal(json_t *root, json_t *mi)
{
	long long delay = json_integer_value(json_object_get(json_object_get(
	    root, "settings"), "replication_delay_ms"));

	json_array_append_new(list_of(root, "graph", "service_principals"),
	    json_pack("{s:O, s:O, s:O, s:s, s:I}", "id", json_object_get(mi,
	    "principalId"), "appId", json_object_get(mi, "clientId"),
	    "displayName", json_object_get(mi, "name"), "type",
	    "ManagedIdentity", "visible_ms", (json_int_t)(world_now_ms() +
	    world_scaled_ms(root, delay))));
}

static void
put_identity(struct exchange *x, json_t *root, char **p, bool *changed)
{
	json_t *mi = identity(root, p[1], p[2]);
	const char *location = json_string_value(json_object_get(x->body,
	    "location"));
	char *principal, *client;

	if (mi != NULL) {
		exchange_json(x, 200, identity_view(root, p[0], mi));
		return;
	}
	if (location == NULL) {
		exchange_cloud_error(x, 400, "LocationRequired", "The location "
		    "property is required for this definition.");
		return;
	}
	principal = world_new_guid();
	client = world_new_guid();
	mi = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[], s:I}", "name", p[2],
	    "resourceGroup", p[1], "location", location, "principalId",
	    principal, "clientId", client, "fics", "visible_ms", (json_int_t)0);
	free(client);
	free(principal);
	json_array_append_new(list_of(root, "arm", "identities"), mi);
	add_principal(root, mi);
	*changed = true;
	exchange_json(x, 201, identity_view(root, p[0], mi));
}

/* ---- federated identity credentials ------------------------------------ */

static json_t *
credential_view(const char *sub, json_t *mi, json_t *f)
{
	char *mid = identity_id(sub, mi);
	char *id = xasprintf("%s/federatedIdentityCredentials/%s", mid,
	    json_string_value(json_object_get(f, "name")));
	json_t *j = json_pack("{s:s, s:O, s:s, s:{s:O, s:O, s:[s]}}", "id", id,
	    "name", json_object_get(f, "name"), "type", FIC_TYPE, "properties",
	    "issuer", json_object_get(f, "issuer"), "subject",
	    json_object_get(f, "subject"), "audiences", TOKEN_AUDIENCE);

	free(id);
	free(mid);
	return j;
}

static bool
valid_credential(struct exchange *x, const char **issuer,
    const char **subject)
{
	json_t *props = json_object_get(x->body, "properties");
	json_t *aud = json_object_get(props, "audiences");

	*issuer = json_string_value(json_object_get(props, "issuer"));
	*subject = json_string_value(json_object_get(props, "subject"));
	if (*issuer == NULL || *subject == NULL || json_array_size(aud) != 1 ||
	    !json_is_string(json_array_get(aud, 0))) {
		exchange_cloud_error(x, 400, "BadRequest", "Federated identity "
		    "credential needs properties.issuer, properties.subject and "
		    "exactly one audience.");
		return false;
	}
	return true;
}

static void
put_credential(struct exchange *x, const char *sub, json_t *mi,
    const char *name, bool *changed)
{
	json_t *fics = json_object_get(mi, "fics");
	json_t *f = world_find(fics, "name", name), *other;
	const char *issuer, *subject;
	bool made = f == NULL;
	size_t i;

	if (!valid_credential(x, &issuer, &subject))
		return;
	json_array_foreach(fics, i, other)
		if (other != f && strcmp(json_string_value(json_object_get(other,
		    "issuer")), issuer) == 0 && strcmp(json_string_value(
		    json_object_get(other, "subject")), subject) == 0) {
			exchange_cloud_error(x, 400, "BadRequest", "Federated "
			    "identity credential with the same issuer and "
			    "subject already exists: '%s'.", json_string_value(
			    json_object_get(other, "name")));
			return;
		}
	if (made) {
		f = json_pack("{s:s}", "name", name);
		json_array_append_new(fics, f);
	}
	json_object_set_new(f, "issuer", json_string(issuer));
	json_object_set_new(f, "subject", json_string(subject));
	*changed = true;
	exchange_json(x, made ? 201 : 200,
	    credential_view(sub, mi, f));
}

static void
credential(struct exchange *x, json_t *root, char **p, bool *changed)
{
	json_t *mi = identity(root, p[1], p[2]), *f;
	json_t *fics = json_object_get(mi, "fics");
	size_t i;

	if (mi == NULL) {
		exchange_cloud_error(x, 404, "ResourceNotFound", "The Resource "
		    "'%s/%s' under resource group '%s' was not found.", MI_TYPE,
		    p[2], p[1]);
		return;
	}
	if (strcmp(x->method, "PUT") == 0) {
		put_credential(x, p[0], mi, p[3], changed);
		return;
	}
	f = world_find(fics, "name", p[3]);
	if (f == NULL)
		exchange_cloud_error(x, 404, "ResourceNotFound", "The Resource "
		    "'%s/%s/%s' under resource group '%s' was not found.",
		    FIC_TYPE, p[2], p[3], p[1]);
	else if (strcmp(x->method, "GET") == 0)
		exchange_json(x, 200, credential_view(p[0], mi, f));
	else if (strcmp(x->method, "DELETE") == 0) {
		json_array_foreach(fics, i, f)
			if (strcmp(json_string_value(json_object_get(f, "name")),
			    p[3]) == 0)
				break;
		json_array_remove(fics, i);
		*changed = true;
		exchange_json(x, 200, json_null());
	} else
		exchange_method_not_allowed(x);
}

static void
identity_resource(struct exchange *x, json_t *root, char **p, bool *changed)
{
	json_t *mi;

	if (resource_group(root, p[1]) == NULL) {
		exchange_cloud_error(x, 404, "ResourceGroupNotFound", "Resource "
		    "group '%s' could not be found.", p[1]);
		return;
	}
	if (strcmp(x->method, "PUT") == 0) {
		put_identity(x, root, p, changed);
		return;
	}
	mi = identity(root, p[1], p[2]);
	if (mi == NULL)
		exchange_cloud_error(x, 404, "ResourceNotFound", "The Resource "
		    "'%s/%s' under resource group '%s' was not found. For more "
		    "details please go to https://aka.ms/ARMResourceNotFoundFix",
		    MI_TYPE, p[2], p[1]);
	else if (strcmp(x->method, "GET") == 0)
		exchange_json(x, 200, identity_view(root, p[0], mi));
	else
		exchange_method_not_allowed(x);
}

bool
identity_route(struct exchange *x, json_t *root, const char *path,
    bool *changed)
{
	char *p[EXCHANGE_MAX_PARAMS] = { NULL };
	bool handled = true;

#define MATCH(t) locations_match(t, path, p)
	if (MATCH("subscriptions/{sub}/resourcegroups/{rg}") && p[1] != NULL &&
	    strcmp(x->method, "PUT") == 0)
		put_group(x, root, p[0], p[1], changed);
	else if (MATCH("subscriptions/{sub}/resourceGroups/{rg}/providers/"
	    "Microsoft.ManagedIdentity/userAssignedIdentities/{name}/"
	    "federatedIdentityCredentials/{fic}") && p[3] != NULL)
		credential(x, root, p, changed);
	else if (MATCH("subscriptions/{sub}/resourceGroups/{rg}/providers/"
	    "Microsoft.ManagedIdentity/userAssignedIdentities/{name}") &&
	    p[2] != NULL)
		identity_resource(x, root, p, changed);
	else
		handled = false;
#undef MATCH
	for (size_t i = 0; i < EXCHANGE_MAX_PARAMS; i++)
		free(p[i]);
	return handled;
}
