/*
 * The sandbox's Azure Resource Manager deletes, with the real answers:
 * resource groups, Azure ML workspaces and their endpoints are deleted by
 * long-running operations (202 Accepted, a Location to poll that answers
 * 202 until the delete is over, then 200); a workspace and a Key Vault in
 * a deleted resource group are only soft-deleted, and stay in the way of
 * a new one of the same name until purged (a workspace DELETE with
 * forceToPurge, a deleted vault's purge); role assignments are deleted at
 * once (200 with the assignment, 204 when there is none).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/armdelete.h"
#include "xalloc.h"

/* How long each delete takes, before the world's time scale. */
#define GROUP_DELETE_MS 60000
#define WORKSPACE_DELETE_MS 30000
#define ENDPOINT_DELETE_MS 20000
#define VAULT_PURGE_MS 10000
/* The Retry-After of the 202s, in seconds before the scale. */
#define POLL_AFTER_S 15

static json_t *
azure_kind(json_t *root, const char *kind)
{
	json_t *azure = json_object_get(root, "azure"), *list;

	if (azure == NULL) {
		azure = json_object();
		json_object_set_new(root, "azure", azure);
	}
	if ((list = json_object_get(azure, kind)) == NULL) {
		list = json_array();
		json_object_set_new(azure, kind, list);
	}
	return list;
}

static json_t *
operations(json_t *root)
{
	json_t *arm = json_object_get(root, "arm"), *list;

	if (arm == NULL) {
		arm = json_object();
		json_object_set_new(root, "arm", arm);
	}
	if ((list = json_object_get(arm, "operations")) == NULL) {
		list = json_array();
		json_object_set_new(arm, "operations", list);
	}
	return list;
}

/* The item of kind named name (and under parent, when not NULL). */
static json_t *
azure_find(json_t *root, const char *kind, const char *name,
    const char *parent, size_t *at)
{
	json_t *list = azure_kind(root, kind), *item;
	size_t i;

	json_array_foreach(list, i, item) {
		const char *n = json_string_value(json_object_get(item, "name"));
		const char *p = json_string_value(json_object_get(item,
		    "parent"));

		if (n != NULL && strcasecmp(n, name) == 0 && (parent == NULL ||
		    (p != NULL && strcasecmp(p, parent) == 0))) {
			if (at != NULL)
				*at = i;
			return item;
		}
	}
	return NULL;
}

/* Remove every item of kind whose parent is parent; the names removed
 * are appended to removed (NULL: not wanted). */
static void
remove_children(json_t *root, const char *kind, const char *parent,
    json_t *removed)
{
	json_t *list = azure_kind(root, kind);

	for (size_t i = json_array_size(list); i-- > 0;) {
		json_t *item = json_array_get(list, i);
		const char *p = json_string_value(json_object_get(item,
		    "parent"));

		if (p == NULL || strcasecmp(p, parent) != 0)
			continue;
		if (removed != NULL)
			json_array_append(removed, item);
		json_array_remove(list, i);
	}
}

/* ---- what each delete does once it is over ------------------------------ */

static void
soft_delete(json_t *root, const char *kind, json_t *item)
{
	json_t *kept = json_deep_copy(item);

	json_object_set_new(kept, "deleted_ms", json_integer(world_now_ms()));
	json_array_append_new(azure_kind(root, kind), kept);
}

/* A workspace and what it holds; kept soft-deleted unless purged. */
static void
remove_workspace(json_t *root, json_t *ws, bool purge)
{
	static const char *const held[] = { "compute_clusters", "models",
		"online_endpoints", "batch_endpoints" };
	const char *name = json_string_value(json_object_get(ws, "name"));
	size_t at;

	for (size_t i = 0; i < sizeof held / sizeof *held; i++)
		remove_children(root, held[i], name, NULL);
	if (!purge)
		soft_delete(root, "deleted_workspaces", ws);
	if (azure_find(root, "workspaces", name, NULL, &at) != NULL)
		json_array_remove(azure_kind(root, "workspaces"), at);
}

/* A resource group and everything in it: workspaces and Key Vaults are
 * soft-deleted, as Azure does; the rest is gone. */
static void
remove_group(json_t *root, const char *rg)
{
	json_t *list = azure_kind(root, "workspaces"), *vaults;
	json_t *item;
	const char *kind;
	void *tmp;
	size_t i, at;

	for (i = json_array_size(list); i-- > 0;) {
		json_t *ws = json_array_get(list, i);
		const char *p = json_string_value(json_object_get(ws, "parent"));

		if (p != NULL && strcasecmp(p, rg) == 0)
			remove_workspace(root, ws, false);
	}
	vaults = json_array();
	remove_children(root, "key_vaults", rg, vaults);
	json_array_foreach(vaults, i, item)
		soft_delete(root, "deleted_vaults", item);
	json_decref(vaults);
	json_object_foreach_safe(json_object_get(root, "azure"), tmp, kind,
	    item)
		if (strcmp(kind, "resource_groups") != 0 &&
		    strncmp(kind, "deleted_", 8) != 0)
			remove_children(root, kind, rg, NULL);
	if (azure_find(root, "resource_groups", rg, NULL, &at) != NULL)
		json_array_remove(azure_kind(root, "resource_groups"), at);
}

static long listed_deleted(json_t *root, const char *name);

/* A purge ends the vault's soft-deleted life, whether the world's
 * pipelines made it or a setting said so. */
static void
purge_vault(json_t *root, const char *name)
{
	size_t at;
	long listed = listed_deleted(root, name);

	if (azure_find(root, "deleted_vaults", name, NULL, &at) != NULL)
		json_array_remove(azure_kind(root, "deleted_vaults"), at);
	if (listed >= 0)
		json_array_remove(json_object_get(json_object_get(root,
		    "settings"), "soft_deleted_names"), (size_t)listed);
}

static void
apply_operation(json_t *root, json_t *op)
{
	const char *kind = json_string_value(json_object_get(op, "kind"));
	const char *name = json_string_value(json_object_get(op, "name"));
	const char *parent = json_string_value(json_object_get(op, "parent"));
	json_t *item;
	size_t at;

	if (strcmp(kind, "resource_group") == 0)
		remove_group(root, name);
	else if (strcmp(kind, "workspace") == 0 &&
	    (item = azure_find(root, "workspaces", name, parent, NULL)) != NULL)
		remove_workspace(root, item, json_is_true(json_object_get(op,
		    "purge")));
	else if (strcmp(kind, "vault_purge") == 0)
		purge_vault(root, name);
	else if (strcmp(kind, "workspace_purge") == 0 &&
	    azure_find(root, "deleted_workspaces", name, NULL, &at) != NULL)
		json_array_remove(azure_kind(root, "deleted_workspaces"), at);
	else if ((item = azure_find(root, kind, name, parent, &at)) != NULL)
		json_array_remove(azure_kind(root, kind), at);
}

bool
armdelete_settle(json_t *root)
{
	json_t *op;
	size_t i;
	bool changed = false;

	json_array_foreach(operations(root), i, op) {
		if (json_is_true(json_object_get(op, "over")) ||
		    world_now_ms() < json_integer_value(json_object_get(op,
		    "due_ms")))
			continue;
		apply_operation(root, op);
		json_object_set_new(op, "over", json_true());
		changed = true;
	}
	return changed;
}

/* ---- the requests ------------------------------------------------------- */

/* The origin of the sandbox (http://host:port), from its base URL. */
static char *
origin(struct exchange *x)
{
	const char *slash = strrchr(x->base_url, '/');

	return xstrndup(x->base_url, (size_t)(slash - x->base_url));
}

/* Start a delete of kind/name: 202 with the Location to poll. */
static void
accept_delete(struct exchange *x, json_t *root, const char *sub,
    const char *kind, const char *name, const char *parent, long long ms,
    bool purge)
{
	char *id = world_new_guid(), *base = origin(x), *url, *after;
	long long scaled = world_scaled_ms(root, ms);

	json_array_append_new(operations(root), json_pack("{s:s, s:s, s:s, "
	    "s:s*, s:I, s:b}", "id", id, "kind", kind, "name", name, "parent",
	    parent, "due_ms", (json_int_t)(world_now_ms() + scaled), "purge",
	    purge));
	url = xasprintf("%s/_arm/subscriptions/%s/operationresults/%s?"
	    "api-version=2024-03-01", base, sub, id);
	after = xasprintf("%lld", world_scaled_ms(root, POLL_AFTER_S * 1000) /
	    1000);
	exchange_add_header(x, "Location", url);
	exchange_add_header(x, "Retry-After", after);
	exchange_raw(x, 202, "application/json", "", 0);
	free(after);
	free(url);
	free(base);
	free(id);
}

void
armdelete_operation_result(struct exchange *x, json_t *root, const char *sub,
    const char *id)
{
	json_t *op = world_find(operations(root), "id", id);
	char *base, *url;

	if (op == NULL) {
		exchange_cloud_error(x, 404, "OperationNotFound", "The operation "
		    "'%s' could not be found.", id);
		return;
	}
	if (json_is_true(json_object_get(op, "over"))) {
		exchange_raw(x, 200, "application/json", "", 0);
		return;
	}
	base = origin(x);
	url = xasprintf("%s/_arm/subscriptions/%s/operationresults/%s?"
	    "api-version=2024-03-01", base, sub, id);
	exchange_add_header(x, "Location", url);
	exchange_add_header(x, "Retry-After", "0");
	exchange_raw(x, 202, "application/json", "", 0);
	free(url);
	free(base);
}

void
armdelete_resource_group(struct exchange *x, json_t *root, const char *sub,
    const char *rg, bool *changed)
{
	if (azure_find(root, "resource_groups", rg, NULL, NULL) == NULL) {
		exchange_cloud_error(x, 404, "ResourceGroupNotFound", "Resource "
		    "group '%s' could not be found.", rg);
		return;
	}
	accept_delete(x, root, sub, "resource_group", rg, NULL,
	    GROUP_DELETE_MS, false);
	*changed = true;
}

void
armdelete_workspace(struct exchange *x, json_t *root, const char *sub,
    const char *rg, const char *ws, bool *changed)
{
	const char *purge = exchange_query(x, "forceToPurge");

	/* Workspaces_Delete: 204 when there is no such workspace. */
	if (azure_find(root, "workspaces", ws, rg, NULL) == NULL) {
		exchange_no_content(x);
		return;
	}
	accept_delete(x, root, sub, "workspace", ws, rg, WORKSPACE_DELETE_MS,
	    purge != NULL && strcasecmp(purge, "true") == 0);
	*changed = true;
}

void
armdelete_ml(struct exchange *x, json_t *root, const char *sub,
    const char *ws, const char *kind, const char *name, bool *changed)
{
	if (azure_find(root, kind, name, ws, NULL) == NULL) {
		exchange_no_content(x);
		return;
	}
	accept_delete(x, root, sub, kind, name, ws, ENDPOINT_DELETE_MS, false);
	*changed = true;
}

static json_t *
deleted_vault_view(const char *sub, json_t *v)
{
	const char *name = json_string_value(json_object_get(v, "name"));
	const char *loc = json_string_value(json_object_get(v, "location"));
	char *id = xasprintf("/subscriptions/%s/providers/Microsoft.KeyVault/"
	    "locations/%s/deletedVaults/%s", sub, loc, name);
	char *vault = xasprintf("/subscriptions/%s/resourceGroups/%s/providers/"
	    "Microsoft.KeyVault/vaults/%s", sub, json_string_value(
	    json_object_get(v, "parent")), name);
	json_t *j = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:b}}", "id", id,
	    "name", name, "type", "Microsoft.KeyVault/deletedVaults",
	    "properties", "vaultId", vault, "location", loc,
	    "purgeProtectionEnabled", json_is_true(json_object_get(v,
	    "purge_protection")));

	free(vault);
	free(id);
	return j;
}

/* The index in settings.soft_deleted_names of name; -1: not there. */
static long
listed_deleted(json_t *root, const char *name)
{
	json_t *item;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(root, "settings"),
	    "soft_deleted_names"), i, item)
		if (json_is_string(item) && strcasecmp(json_string_value(item),
		    name) == 0)
			return (long)i;
	return -1;
}

/* A vault of settings.soft_deleted_names, kept soft-deleted in this
 * subscription: the setting names no place, so it is where asked. */
static json_t *
listed_vault(json_t *root, const char *name, const char *location)
{
	if (listed_deleted(root, name) < 0)
		return NULL;
	return json_pack("{s:s, s:s, s:s}", "name", name, "location", location,
	    "parent", "rg-deleted");
}

void
armdelete_deleted_vault(struct exchange *x, json_t *root, const char *sub,
    const char *location, const char *name, bool purge, bool *changed)
{
	json_t *listed = NULL;
	json_t *v = azure_find(root, "deleted_vaults", name, NULL, NULL);
	const char *loc;

	if (v == NULL)
		v = listed = listed_vault(root, name, location);
	loc = v ? json_string_value(json_object_get(v, "location")) : NULL;
	if (v == NULL || loc == NULL || strcasecmp(loc, location) != 0) {
		exchange_cloud_error(x, 404, "ResourceNotFound", "The Resource "
		    "'Microsoft.KeyVault/deletedVaults/%s' under resource group "
		    "'<null>' was not found. For more details please go to "
		    "https://aka.ms/ARMResourceNotFoundFix", name);
		return;
	}
	if (!purge)
		exchange_json(x, 200, deleted_vault_view(sub, v));
	else if (json_is_true(json_object_get(v, "purge_protection")))
		exchange_cloud_error(x, 409, "Conflict", "Operation \"purge\" is "
		    "not allowed because purge protection is enabled for this "
		    "vault. Key Vault service will automatically purge it after "
		    "the retention period has passed.");
	else {
		accept_delete(x, root, sub, "vault_purge", name, NULL,
		    VAULT_PURGE_MS, true);
		*changed = true;
	}
	json_decref(listed);
}

json_t *
armdelete_soft_deleted(json_t *root, const char *kind, const char *name)
{
	return azure_find(root, kind, name, NULL, NULL);
}
