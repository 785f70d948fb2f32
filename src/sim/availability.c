/*
 * The sandbox's answers on global names: Microsoft.KeyVault and
 * Microsoft.Storage checkNameAvailability, and GET of a vault or storage
 * account in a resource group. Availability comes from the world alone:
 * what its pipelines made (root.azure key_vaults, storage_accounts,
 * deleted_vaults: in any subscription, since the names are global), what
 * settings.taken_names says other Azure customers hold and
 * settings.soft_deleted_names. Shapes: Vaults_CheckNameAvailability
 * (2022-07-01) and StorageAccounts_CheckNameAvailability (2023-01-01),
 * CheckNameAvailabilityResult {nameAvailable, reason, message}.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/availability.h"
#include "sim/locations.h"
#include "xalloc.h"

#define VAULT_TYPE "Microsoft.KeyVault/vaults"
#define STORAGE_TYPE "Microsoft.Storage/storageAccounts"

static json_t *
made(json_t *root, const char *kind)
{
	return json_object_get(json_object_get(root, "azure"), kind);
}

/* Whether list (of {name} objects, or of strings) holds name. */
static bool
holds(json_t *list, const char *name)
{
	json_t *item;
	size_t i;

	json_array_foreach(list, i, item) {
		const char *n = json_is_string(item) ? json_string_value(item) :
		    json_string_value(json_object_get(item, "name"));

		if (n != NULL && strcasecmp(n, name) == 0)
			return true;
	}
	return false;
}

static json_t *
setting(json_t *root, const char *name)
{
	return json_object_get(json_object_get(root, "settings"), name);
}

static bool
vault_name_valid(const char *name)
{
	size_t n = strlen(name);

	return n >= 3 && n <= 24 && strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n &&
	    strchr("-0123456789", name[0]) == NULL && name[n - 1] != '-' &&
	    strstr(name, "--") == NULL;
}

bool
storage_name_valid(const char *name)
{
	size_t n = strlen(name);

	return n >= 3 && n <= 24 && strspn(name,
	    "abcdefghijklmnopqrstuvwxyz0123456789") == n;
}

/* A soft-deleted vault also holds its name (Key Vault says so in the
 * same message). */
static bool
vault_taken(json_t *root, const char *name)
{
	return holds(made(root, "key_vaults"), name) ||
	    holds(made(root, "deleted_vaults"), name) ||
	    holds(setting(root, "taken_names"), name) ||
	    holds(setting(root, "soft_deleted_names"), name);
}

static bool
storage_taken(json_t *root, const char *name)
{
	return holds(made(root, "storage_accounts"), name) ||
	    holds(setting(root, "taken_names"), name);
}

static json_t *
unavailable(const char *reason, char *message)
{
	json_t *j = json_pack("{s:b, s:s, s:s}", "nameAvailable", 0,
	    "reason", reason, "message", message);

	free(message);
	return j;
}

/* The body's name, when its type is the one expected; else answered. */
static const char *
asked_name(struct exchange *x, const char *type)
{
	const char *name = json_string_value(json_object_get(x->body, "name"));
	const char *t = json_string_value(json_object_get(x->body, "type"));

	if (name == NULL || t == NULL || strcasecmp(t, type) != 0) {
		exchange_cloud_error(x, 400, "InvalidRequestContent", "The "
		    "request content was invalid: it needs \"name\" and "
		    "\"type\": \"%s\".", type);
		return NULL;
	}
	return name;
}

static void
check_vault(struct exchange *x, json_t *root)
{
	const char *name = asked_name(x, VAULT_TYPE);

	if (name == NULL)
		return;
	if (!vault_name_valid(name))
		exchange_json(x, 200, unavailable("AccountNameInvalid", xasprintf(
		    "Vault name must be between 3-24 alphanumeric characters. "
		    "The name must begin with a letter, end with a letter or "
		    "digit, and not contain consecutive hyphens.")));
	else if (vault_taken(root, name))
		exchange_json(x, 200, unavailable("AlreadyExists", xasprintf(
		    "The vault name '%s' is already in use. Vault names are "
		    "globally unique so it is possible that the name is already "
		    "taken. If you are sure that the vault name was not taken "
		    "then it is possible that a vault with the same name was "
		    "recently deleted but not purged after being placed in a "
		    "recoverable state. If the vault is in a recoverable state "
		    "then the vault will need to be purged before reusing the "
		    "name.", name)));
	else
		exchange_json(x, 200, json_pack("{s:b}", "nameAvailable", 1));
}

static void
check_storage(struct exchange *x, json_t *root)
{
	const char *name = asked_name(x, STORAGE_TYPE);

	if (name == NULL)
		return;
	if (!storage_name_valid(name))
		exchange_json(x, 200, unavailable("AccountNameInvalid", xasprintf(
		    "%s is not a valid storage account name. Storage account "
		    "name must be between 3 and 24 characters in length and use "
		    "numbers and lower-case letters only.", name)));
	else if (storage_taken(root, name))
		exchange_json(x, 200, unavailable("AlreadyExists", xasprintf(
		    "The storage account named %s is already taken.", name)));
	else
		exchange_json(x, 200, json_pack("{s:b}", "nameAvailable", 1));
}

/* The item of kind named name in resource group rg; NULL: none. */
static json_t *
in_group(json_t *root, const char *kind, const char *name, const char *rg)
{
	json_t *item;
	size_t i;

	json_array_foreach(made(root, kind), i, item) {
		const char *n = json_string_value(json_object_get(item, "name"));
		const char *p = json_string_value(json_object_get(item, "parent"));

		if (n != NULL && p != NULL && strcasecmp(n, name) == 0 &&
		    strcasecmp(p, rg) == 0)
			return item;
	}
	return NULL;
}

static void
get_resource(struct exchange *x, json_t *root, char **p, const char *kind,
    const char *type)
{
	/* p: sub, rg, name */
	json_t *r = in_group(root, kind, p[2], p[1]);
	char *id;

	if (!holds(made(root, "resource_groups"), p[1])) {
		exchange_cloud_error(x, 404, "ResourceGroupNotFound", "Resource "
		    "group '%s' could not be found.", p[1]);
		return;
	}
	if (r == NULL) {
		exchange_cloud_error(x, 404, "ResourceNotFound", "The Resource "
		    "'%s/%s' under resource group '%s' was not found. For more "
		    "details please go to https://aka.ms/ARMResourceNotFoundFix",
		    type, p[2], p[1]);
		return;
	}
	id = xasprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s",
	    p[0], p[1], type, p[2]);
	exchange_json(x, 200, json_pack("{s:s, s:O, s:s, s:O, s:{s:s}}", "id",
	    id, "name", json_object_get(r, "name"), "type", type, "location",
	    json_object_get(r, "location"), "properties", "provisioningState",
	    "Succeeded"));
	free(id);
}

bool
availability_route(struct exchange *x, json_t *root, const char *path)
{
	char *p[EXCHANGE_MAX_PARAMS] = { NULL };
	bool post = strcmp(x->method, "POST") == 0, done = true;
	bool get = strcmp(x->method, "GET") == 0;

#define MATCH(t) locations_match(t, path, p)
	if (post && MATCH("subscriptions/{sub}/providers/Microsoft.KeyVault/"
	    "checkNameAvailability"))
		check_vault(x, root);
	else if (post && MATCH("subscriptions/{sub}/providers/"
	    "Microsoft.Storage/checkNameAvailability"))
		check_storage(x, root);
	else if (MATCH("subscriptions/{sub}/resourceGroups/{rg}/providers/"
	    "Microsoft.KeyVault/vaults/{name}") && p[2] != NULL && get)
		get_resource(x, root, p, "key_vaults", VAULT_TYPE);
	else if (MATCH("subscriptions/{sub}/resourceGroups/{rg}/providers/"
	    "Microsoft.Storage/storageAccounts/{name}") && p[2] != NULL &&
	    get)
		get_resource(x, root, p, "storage_accounts", STORAGE_TYPE);
	else
		done = false;
#undef MATCH
	for (size_t i = 0; i < EXCHANGE_MAX_PARAMS; i++)
		free(p[i]);
	return done;
}
