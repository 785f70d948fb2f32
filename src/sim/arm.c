/*
 * The sandbox's Azure Resource Manager: subscriptions, resource providers,
 * role definitions and assignments (with PrincipalNotFound while a new
 * principal replicates, RoleAssignmentExists and AuthorizationFailed), and
 * read access to what the pipelines created: resource groups, Azure ML
 * workspaces and their online and batch endpoints. Also the check that
 * TestConnection and the pipelines' Azure tasks make of a connection.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "secret.h"
#include "sim/armdelete.h"
#include "sim/availability.h"
#include "sim/cloud.h"
#include "sim/locations.h"
#include "timefmt.h"
#include "xalloc.h"

static json_t *
settings(json_t *root)
{
	return json_object_get(root, "settings");
}

static json_t *
subscription(json_t *root, const char *id)
{
	return world_find(json_object_get(root, "subscriptions"),
	    "subscriptionId", id);
}

static json_t *
value_list(json_t *list)
{
	return json_pack("{s:o}", "value", list);
}

static json_t *
subscription_view(json_t *s)
{
	char *id = xasprintf("/subscriptions/%s", json_string_value(
	    json_object_get(s, "subscriptionId")));
	json_t *j = json_pack("{s:s, s:O, s:O, s:O, s:O, s:s, s:{s:s, s:s, "
	    "s:s}}", "id", id, "subscriptionId", json_object_get(s,
	    "subscriptionId"), "displayName", json_object_get(s,
	    "displayName"), "tenantId", json_object_get(s, "tenantId"),
	    "state", json_object_get(s, "state"), "authorizationSource",
	    "RoleBased", "subscriptionPolicies", "locationPlacementId",
	    "Public_2014-09-01", "quotaId", "PayAsYouGo_2014-09-01",
	    "spendingLimit", "Off");

	free(id);
	return j;
}

static char *
role_definition_id(const char *sub, const char *role)
{
	return xasprintf("/subscriptions/%s/providers/Microsoft.Authorization/"
	    "roleDefinitions/%s", sub, role);
}

static void
role_definitions(struct exchange *x, const char *sub)
{
	const char *filter = exchange_query(x, "$filter");
	static const struct {
		const char *id, *name;
	} roles[] = { { ROLE_CONTRIBUTOR, "Contributor" },
		{ ROLE_OWNER, "Owner" } };
	json_t *list = json_array();

	for (size_t i = 0; i < 2; i++) {
		if (filter != NULL && strstr(filter, roles[i].name) == NULL)
			continue;
		char *id = role_definition_id(sub, roles[i].id);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:{s:s, "
		    "s:s}}", "id", id, "name", roles[i].id, "type",
		    "Microsoft.Authorization/roleDefinitions", "properties",
		    "roleName", roles[i].name, "type", "BuiltInRole"));
		free(id);
	}
	exchange_json(x, 200, value_list(list));
}

static json_t *
assignment_view(json_t *a)
{
	char *id = xasprintf("%s/providers/Microsoft.Authorization/"
	    "roleAssignments/%s", json_string_value(json_object_get(a,
	    "scope")), json_string_value(json_object_get(a, "name")));
	json_t *j = json_pack("{s:s, s:O, s:s, s:{s:O, s:O, s:O, s:O}}", "id",
	    id, "name", json_object_get(a, "name"), "type",
	    "Microsoft.Authorization/roleAssignments", "properties",
	    "roleDefinitionId", json_object_get(a, "roleDefinitionId"),
	    "principalId", json_object_get(a, "principalId"), "principalType",
	    json_object_get(a, "principalType"), "scope", json_object_get(a,
	    "scope"));

	free(id);
	return j;
}

static json_t *
principal_by_object_id(json_t *root, const char *id)
{
	return world_find(json_object_get(json_object_get(root, "graph"),
	    "service_principals"), "id", id);
}

static bool condition_allows(json_t *root, const char *role);

/* RoleAssignments_Delete: 200 with what was deleted, 204 when there is no
 * such assignment. */
static void
delete_assignment(struct exchange *x, json_t *root, const char *name,
    bool *changed)
{
	json_t *list = json_object_get(json_object_get(root, "arm"),
	    "role_assignments"), *a;
	size_t i;

	json_array_foreach(list, i, a)
		if (strcasecmp(json_string_value(json_object_get(a, "name")),
		    name) == 0) {
			exchange_json(x, 200, assignment_view(a));
			json_array_remove(list, i);
			*changed = true;
			return;
		}
	exchange_no_content(x);
}

/* What a workspace's delete route names ("onlineEndpoints"), as the
 * world's kind ("online_endpoints"); NULL: nothing deleted so. */
static const char *
ml_kind(const char *segment)
{
	return strcasecmp(segment, "onlineEndpoints") == 0 ?
	    "online_endpoints" : strcasecmp(segment, "batchEndpoints") == 0 ?
	    "batch_endpoints" : NULL;
}

/* The deletes: true when the request was one (and is answered). */
static bool
route_delete(struct exchange *x, json_t *root, const char *path,
    bool *changed)
{
	char *p[EXCHANGE_MAX_PARAMS] = { NULL };
	bool del = strcmp(x->method, "DELETE") == 0, done = true;

#define MATCH(t) locations_match(t, path, p)
	if (MATCH("subscriptions/{sub}/operationresults/{id}") && p[1])
		armdelete_operation_result(x, root, p[0], p[1]);
	else if (MATCH("subscriptions/{sub}/providers/Microsoft.KeyVault/"
	    "locations/{loc}/deletedVaults/{name}/purge") && p[2] &&
	    strcmp(x->method, "POST") == 0)
		armdelete_deleted_vault(x, root, p[0], p[1], p[2], true,
		    changed);
	else if (MATCH("subscriptions/{sub}/providers/Microsoft.KeyVault/"
	    "locations/{loc}/deletedVaults/{name}") && p[2] && !del)
		armdelete_deleted_vault(x, root, p[0], p[1], p[2], false,
		    changed);
	else if (!del)
		done = false;
	else if (MATCH("subscriptions/{sub}/providers/Microsoft.Authorization/"
	    "roleAssignments/{name}") && p[1])
		delete_assignment(x, root, p[1], changed);
	else if (MATCH("subscriptions/{sub}/resourcegroups/{rg}") && p[1])
		armdelete_resource_group(x, root, p[0], p[1], changed);
	else if (MATCH("subscriptions/{sub}/resourceGroups/{rg}/providers/"
	    "Microsoft.MachineLearningServices/workspaces/{ws}") && p[2])
		armdelete_workspace(x, root, p[0], p[1], p[2], changed);
	else if (MATCH("subscriptions/{sub}/resourceGroups/{rg}/providers/"
	    "Microsoft.MachineLearningServices/workspaces/{ws}/{kind}/{name}")
	    && p[4] && ml_kind(p[3]) != NULL)
		armdelete_ml(x, root, p[0], p[2], ml_kind(p[3]), p[4], changed);
	else
		done = false;
#undef MATCH
	for (size_t i = 0; i < EXCHANGE_MAX_PARAMS; i++)
		free(p[i]);
	return done;
}

static void
put_assignment(struct exchange *x, json_t *root, const char *sub,
    const char *name, bool *changed)
{
	json_t *props = json_object_get(x->body, "properties"), *list, *a;
	const char *role = json_string_value(json_object_get(props,
	    "roleDefinitionId"));
	const char *principal = json_string_value(json_object_get(props,
	    "principalId"));
	const char *type = json_string_value(json_object_get(props,
	    "principalType"));
	json_t *sp = principal ? principal_by_object_id(root, principal) : NULL;
	char *scope = xasprintf("/subscriptions/%s", sub);
	size_t i;

	list = json_object_get(json_object_get(root, "arm"), "role_assignments");
	if (!json_is_true(json_object_get(settings(root),
	    "operator_can_assign_roles")) || !condition_allows(root, role))
		exchange_cloud_error(x, 403, "AuthorizationFailed", "The client "
		    "'operator@sandbox.example' does not have authorization to "
		    "perform action 'Microsoft.Authorization/roleAssignments/"
		    "write' over scope '%s/providers/Microsoft.Authorization/"
		    "roleAssignments/%s' or the scope is invalid. If access was "
		    "recently granted, please refresh your credentials.", scope,
		    name);
	else if (role == NULL || principal == NULL)
		exchange_cloud_error(x, 400, "InvalidRequestContent", "The "
		    "request needs properties.roleDefinitionId and "
		    "properties.principalId.");
	/* Named as ServicePrincipal, ARM takes a principal it cannot see yet. */
	else if (sp == NULL || (!graph_visible(root, sp) && (type == NULL ||
	    strcmp(type, "ServicePrincipal") != 0)))
		exchange_cloud_error(x, 400, "PrincipalNotFound", "Principal %s "
		    "does not exist in the directory %s. Check that you have the "
		    "correct principal ID. If you are creating this principal and "
		    "then immediately assigning a role, this error might be "
		    "related to a replication delay. In this case, set the role "
		    "assignment principalType property to a value, such as "
		    "ServicePrincipal, User, or Group.  See "
		    "https://aka.ms/docs-principaltype", principal,
		    json_string_value(json_object_get(root, "tenant_id")));
	else {
		json_array_foreach(list, i, a) {
			if (strcasecmp(json_string_value(json_object_get(a,
			    "principalId")), principal) != 0 || strcasecmp(
			    json_string_value(json_object_get(a,
			    "roleDefinitionId")), role) != 0)
				continue;
			if (strcasecmp(json_string_value(json_object_get(a,
			    "name")), name) == 0) {
				exchange_json(x, 200, assignment_view(a));
			} else {
				char *hex = xstrdup(json_string_value(
				    json_object_get(a, "name")));
				char *o = hex;
				for (char *c = hex; *c != '\0'; c++)
					if (*c != '-')
						*o++ = *c;
				*o = '\0';
				exchange_cloud_error(x, 409, "RoleAssignmentExists",
				    "The role assignment already exists. The ID "
				    "of the existing role assignment is %s.", hex);
				free(hex);
			}
			free(scope);
			return;
		}
		a = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", name,
		    "scope", scope, "roleDefinitionId", role, "principalId",
		    principal, "principalType", type ? type :
		    "ServicePrincipal");
		json_array_append_new(list, a);
		*changed = true;
		exchange_json(x, 201, assignment_view(a));
	}
	free(scope);
}

static void
list_assignments(struct exchange *x, json_t *root)
{
	const char *filter = exchange_query(x, "$filter");
	json_t *list = json_array(), *a;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(root, "arm"),
	    "role_assignments"), i, a)
		if (filter == NULL || strstr(filter, json_string_value(
		    json_object_get(a, "principalId"))) != NULL)
			json_array_append_new(list, assignment_view(a));
	exchange_json(x, 200, value_list(list));
}

static bool
registered(json_t *root, const char *ns)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(settings(root),
	    "registered_providers"), i, p)
		if (strcasecmp(json_string_value(p), ns) == 0)
			return true;
	return false;
}

/* Whether the operator's roles grant {namespace}/register/action: not
 * with settings.operator_can_register_providers false (a role such as a
 * custom one without it), nor as Role Based Access Control Administrator
 * alone (settings.role_assignment_condition), whose actions have none.
 * ARM checks the right before it looks whether the provider is
 * registered already. */
static bool
may_register(json_t *root)
{
	return !json_is_false(json_object_get(settings(root),
	    "operator_can_register_providers")) && !json_is_string(
	    json_object_get(settings(root), "role_assignment_condition"));
}

static void
provider(struct exchange *x, json_t *root, const char *sub, const char *ns,
    bool reg, bool *changed)
{
	if (reg && !may_register(root)) {
		exchange_cloud_error(x, 403, "AuthorizationFailed", "The client "
		    "'operator@sandbox.example' with object id '%s' does not "
		    "have authorization to perform action '%s/register/action' "
		    "over scope '/subscriptions/%s' or the scope is invalid. If "
		    "access was recently granted, please refresh your "
		    "credentials.", json_string_value(json_object_get(
		    json_object_get(root, "user"), "id")), ns, sub);
		return;
	}
	if (reg && !registered(root, ns)) {
		json_array_append_new(json_object_get(settings(root),
		    "registered_providers"), json_string(ns));
		*changed = true;
	}
	exchange_json(x, 200, json_pack("{s:s, s:s}", "namespace", ns,
	    "registrationState", registered(root, ns) ? "Registered" :
	    "NotRegistered"));
}

/* What the pipelines created, by kind and name (root.azure). */
static json_t *
created(json_t *root, const char *kind, const char *name)
{
	return world_find(json_object_get(json_object_get(root, "azure"), kind),
	    "name", name);
}

static json_t *
resource_view(const char *id, const char *type, json_t *r)
{
	return json_pack("{s:s, s:O, s:s, s:O, s:{s:s}}", "id", id, "name",
	    json_object_get(r, "name"), "type", type, "location",
	    json_object_get(r, "location"), "properties",
	    "provisioningState", "Succeeded");
}

static void
resources(struct exchange *x, json_t *root, char **p, int n)
{
	/* p: sub, rg, [ws, [kind, [name]]] */
	char *id;
	json_t *r, *list, *e;
	size_t i;

	if (n == 1 || (n == 2 && p[1] == NULL)) {
		list = json_array();
		json_array_foreach(json_object_get(json_object_get(root, "azure"),
		    "resource_groups"), i, e) {
			id = xasprintf("/subscriptions/%s/resourceGroups/%s", p[0],
			    json_string_value(json_object_get(e, "name")));
			json_array_append_new(list, resource_view(id,
			    "Microsoft.Resources/resourceGroups", e));
			free(id);
		}
		exchange_json(x, 200, value_list(list));
		return;
	}
	if (n == 2) {
		r = created(root, "resource_groups", p[1]);
		id = xasprintf("/subscriptions/%s/resourceGroups/%s", p[0], p[1]);
		if (r == NULL)
			exchange_cloud_error(x, 404, "ResourceGroupNotFound",
			    "Resource group '%s' could not be found.", p[1]);
		else
			exchange_json(x, 200, resource_view(id,
			    "Microsoft.Resources/resourceGroups", r));
		free(id);
		return;
	}
	if (p[2] == NULL) {     /* the workspaces of a resource group */
		list = json_array();
		json_array_foreach(json_object_get(json_object_get(root, "azure"),
		    "workspaces"), i, e) {
			if (strcasecmp(json_string_value(json_object_get(e,
			    "parent")), p[1]) != 0)
				continue;
			id = xasprintf("/subscriptions/%s/resourceGroups/%s/"
			    "providers/Microsoft.MachineLearningServices/"
			    "workspaces/%s", p[0], p[1], json_string_value(
			    json_object_get(e, "name")));
			json_array_append_new(list, resource_view(id,
			    "Microsoft.MachineLearningServices/workspaces", e));
			free(id);
		}
		exchange_json(x, 200, value_list(list));
		return;
	}
	r = created(root, "workspaces", p[2]);
	if (r == NULL || strcasecmp(json_string_value(json_object_get(r,
	    "parent")), p[1]) != 0) {
		exchange_cloud_error(x, 404, "ResourceNotFound", "The Resource "
		    "'Microsoft.MachineLearningServices/workspaces/%s' under "
		    "resource group '%s' was not found.", p[2], p[1]);
		return;
	}
	if (n == 3) {
		id = xasprintf("/subscriptions/%s/resourceGroups/%s/providers/"
		    "Microsoft.MachineLearningServices/workspaces/%s", p[0], p[1],
		    p[2]);
		exchange_json(x, 200, resource_view(id,
		    "Microsoft.MachineLearningServices/workspaces", r));
		free(id);
		return;
	}
	const char *kind = strcasecmp(p[3], "batchEndpoints") == 0 ?
	    "batch_endpoints" : strcasecmp(p[3], "onlineEndpoints") == 0 ?
	    "online_endpoints" : strcasecmp(p[3], "models") == 0 ? "models" :
	    NULL;
	if (kind == NULL) {
		exchange_cloud_error(x, 404, "InvalidResourceType", "The "
		    "resource type '%s' could not be found in the namespace "
		    "'Microsoft.MachineLearningServices'.", p[3]);
		return;
	}
	list = json_array();
	json_array_foreach(json_object_get(json_object_get(root, "azure"), kind),
	    i, e) {
		if (strcasecmp(json_string_value(json_object_get(e, "parent")),
		    p[2]) != 0 || (n == 5 && strcasecmp(json_string_value(
		    json_object_get(e, "name")), p[4]) != 0))
			continue;
		id = xasprintf("/subscriptions/%s/resourceGroups/%s/providers/"
		    "Microsoft.MachineLearningServices/workspaces/%s/%s/%s", p[0],
		    p[1], p[2], p[3], json_string_value(json_object_get(e,
		    "name")));
		json_array_append_new(list, resource_view(id, p[3], e));
		free(id);
	}
	if (n == 5 && json_array_size(list) == 0)
		exchange_cloud_error(x, 404, "ResourceNotFound", "The Resource "
		    "'%s' was not found.", p[4]);
	else if (n == 5)
		exchange_json(x, 200, json_incref(json_array_get(list, 0)));
	else
		exchange_json(x, 200, value_list(json_incref(list)));
	json_decref(list);
}

/* Whether settings.role_assignment_condition (null: none) lets the
 * operator assign role: the sandbox's conditions name the role
 * definition ids they allow, as ABAC's GuidEquals does. */
static bool
condition_allows(json_t *root, const char *role)
{
	const char *cond = json_string_value(json_object_get(settings(root),
	    "role_assignment_condition"));
	const char *guid = role ? strrchr(role, '/') : NULL;

	if (cond == NULL)
		return true;
	return guid != NULL && strcasestr(cond, guid + 1) != NULL;
}

/*
 * The operator's permissions at the subscription, as ARM's permissions
 * list answers them: Owner when it may assign roles; Contributor, whose
 * notActions keep Microsoft.Authorization writes back, when not; and
 * with settings.role_assignment_condition, Role Based Access Control
 * Administrator limited by that condition; with
 * settings.operator_can_register_providers false, every namespace's
 * register/action among the notActions (the fields condition and
 * conditionVersion are those of the Permission of the newer
 * api-versions; 2022-04-01 has none, so a client reads them if present).
 */
static void
permissions(struct exchange *x, json_t *root)
{
	json_t *cond = json_object_get(settings(root),
	    "role_assignment_condition"), *list;

	if (json_is_string(cond))
		list = json_pack("[{s:[s, s, s, s], s:[], s:[], s:[], s:O, "
		    "s:s}]", "actions", "Microsoft.Authorization/"
		    "roleAssignments/write", "Microsoft.Authorization/"
		    "roleAssignments/delete", "*/read", "Microsoft.Support/*",
		    "notActions", "dataActions", "notDataActions", "condition",
		    cond, "conditionVersion", "2.0");
	else if (json_is_true(json_object_get(settings(root),
	    "operator_can_assign_roles")))
		list = json_pack("[{s:[s], s:[], s:[], s:[]}]", "actions", "*",
		    "notActions", "dataActions", "notDataActions");
	else
		list = json_pack("[{s:[s], s:[s, s, s, s, s], s:[], s:[]}]",
		    "actions", "*", "notActions", "Microsoft.Authorization/*/"
		    "Delete", "Microsoft.Authorization/*/Write",
		    "Microsoft.Authorization/elevateAccess/Action",
		    "Microsoft.Blueprint/blueprintAssignments/write",
		    "Microsoft.Blueprint/blueprintAssignments/delete",
		    "dataActions", "notDataActions");
	if (!json_is_string(cond) && !may_register(root))
		json_array_append_new(json_object_get(json_array_get(list, 0),
		    "notActions"), json_string("*/register/action"));
	exchange_json(x, 200, value_list(list));
}

/* Azure ML's compute quota families in a region: 24 vCPUs each, none
 * used; 0 for a family settings.exhausted_quota lists as "family" or
 * "family@location", and for standardDSv2Family under quota_exhausted. */
static void
usages(struct exchange *x, json_t *root, const char *sub, const char *loc)
{
	static const char *const families[][2] = {
		{ "standardDSv2Family", "Standard DSv2 Family Cluster "
		    "Dedicated vCPUs" },
		{ "standardDSv3Family", "Standard DSv3 Family Cluster "
		    "Dedicated vCPUs" },
		{ "standardDSv5Family", "Standard DSv5 Family Cluster "
		    "Dedicated vCPUs" },
		{ "standardDv2Family", "Standard Dv2 Family Cluster "
		    "Dedicated vCPUs" },
		{ "standardNCFamily", "Standard NC Family Cluster Dedicated "
		    "vCPUs" },
		{ "standardNVFamily", "Standard NV Family Cluster Dedicated "
		    "vCPUs" },
	};
	json_t *list = json_array(), *e;
	size_t i, k;

	for (k = 0; k < sizeof families / sizeof *families; k++) {
		char *at = xasprintf("%s@%s", families[k][0], loc);
		char *id = xasprintf("/subscriptions/%s/providers/Microsoft."
		    "MachineLearningServices/locations/%s/usages/%s", sub, loc,
		    families[k][0]);
		bool none = k == 0 && json_is_true(json_object_get(
		    settings(root), "quota_exhausted"));

		json_array_foreach(json_object_get(settings(root),
		    "exhausted_quota"), i, e)
			none |= json_is_string(e) && (strcasecmp(
			    json_string_value(e), families[k][0]) == 0 ||
			    strcasecmp(json_string_value(e), at) == 0);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:i, s:i, s:{s:s, s:s}}", "id", id, "amlWorkspaceLocation",
		    loc, "type", "Microsoft.MachineLearningServices/totalcores/"
		    "usages", "unit", "Count", "currentValue", 0, "limit",
		    none ? 0 : 24, "name", "value", families[k][0],
		    "localizedValue", families[k][1]));
		free(id);
		free(at);
	}
	exchange_json(x, 200, value_list(list));
}

static void
route(struct exchange *x, json_t *root, const char *path, bool *changed)
{
	char *p[EXCHANGE_MAX_PARAMS] = { NULL };
	json_t *s, *list;
	size_t i;

#define MATCH(t) locations_match(t, path, p)
	if (MATCH("subscriptions")) {
		list = json_array();
		json_array_foreach(json_object_get(root, "subscriptions"), i, s)
			json_array_append_new(list, subscription_view(s));
		exchange_json(x, 200, value_list(list));
	} else if (!MATCH("subscriptions/{sub}/{*rest}") ||
	    subscription(root, p[0]) == NULL) {
		exchange_cloud_error(x, 404, "SubscriptionNotFound", "The "
		    "subscription '%s' could not be found.", p[0] ? p[0] : "");
	} else if (route_delete(x, root, path, changed))
		;       /* deletes, purges, their operations */
	else if (availability_route(x, root, path))
		;       /* global names: free, ours, or taken */
	else if (identity_route(x, root, path, changed))
		;       /* resource groups made, managed identities */
	else if (MATCH("subscriptions/{sub}"))
		exchange_json(x, 200, subscription_view(subscription(root,
		    p[0])));
	else if (MATCH("subscriptions/{sub}/providers/Microsoft.Authorization/"
	    "roleDefinitions"))
		role_definitions(x, p[0]);
	else if (MATCH("subscriptions/{sub}/providers/Microsoft.Authorization/"
	    "roleAssignments/{name}") && p[1] != NULL &&
	    strcmp(x->method, "PUT") == 0)
		put_assignment(x, root, p[0], p[1], changed);
	else if (MATCH("subscriptions/{sub}/providers/Microsoft.Authorization/"
	    "roleAssignments"))
		list_assignments(x, root);
	else if (MATCH("subscriptions/{sub}/providers/Microsoft.Authorization/"
	    "permissions"))
		permissions(x, root);
	else if (MATCH("subscriptions/{sub}/providers/"
	    "Microsoft.MachineLearningServices/locations/{loc}/usages"))
		usages(x, root, p[0], p[1]);
	else if (MATCH("subscriptions/{sub}/providers/{ns}/register"))
		provider(x, root, p[0], p[1], true, changed);
	/* A trailing {value} may be left out of a route: not this one. */
	else if (MATCH("subscriptions/{sub}/providers/{ns}") && p[1] != NULL)
		provider(x, root, p[0], p[1], false, changed);
	else if (MATCH("subscriptions/{sub}/resourcegroups/{rg}"))
		resources(x, root, p, 2);
	else if (MATCH("subscriptions/{sub}/resourceGroups/{rg}/providers/"
	    "Microsoft.MachineLearningServices/workspaces"))
		resources(x, root, p, 3);
	else if (MATCH("subscriptions/{sub}/resourceGroups/{rg}/providers/"
	    "Microsoft.MachineLearningServices/workspaces/{ws}"))
		resources(x, root, p, 3);
	else if (MATCH("subscriptions/{sub}/resourceGroups/{rg}/providers/"
	    "Microsoft.MachineLearningServices/workspaces/{ws}/{kind}/{name}"))
		resources(x, root, p, 4 + (p[4] != NULL));
	else
		exchange_cloud_error(x, 404, "InvalidResourceType", "The "
		    "resource type could not be found.");
#undef MATCH
	for (i = 0; i < EXCHANGE_MAX_PARAMS; i++)
		free(p[i]);
}

void
arm_handle(struct exchange *x, const char *path)
{
	json_t *root = world_lock(x->world);
	bool changed = false;

	if (entra_token(root, exchange_bearer(x), AUD_ARM) == NULL)
		exchange_cloud_error(x, 401, "InvalidAuthenticationToken", "The "
		    "access token is missing, invalid or expired, or is not for "
		    "https://management.azure.com.");
	else if (exchange_query(x, "api-version") == NULL)
		exchange_cloud_error(x, 400, "MissingApiVersionParameter", "The "
		    "api-version query parameter (?api-version=) is required for "
		    "all requests.");
	else {
		changed = armdelete_settle(root);
		route(x, root, path, &changed);
	}
	world_unlock(x->world, changed);
}

/* ---- what a service connection can reach ------------------------------ */

static bool
has_role(json_t *root, const char *principal, const char *sub)
{
	json_t *a;
	size_t i;
	char *scope = xasprintf("/subscriptions/%s", sub);
	bool ok = false;

	json_array_foreach(json_object_get(json_object_get(root, "arm"),
	    "role_assignments"), i, a) {
		const char *role = json_string_value(json_object_get(a,
		    "roleDefinitionId"));
		if (strcasecmp(json_string_value(json_object_get(a,
		    "principalId")), principal) == 0 && strcasecmp(
		    json_string_value(json_object_get(a, "scope")), scope) == 0 &&
		    (strstr(role, ROLE_CONTRIBUTOR) || strstr(role, ROLE_OWNER)))
			ok = true;
	}
	free(scope);
	return ok;
}

static bool
federation_matches(json_t *app, json_t *params)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(app, "fics"), i, f)
		if (json_equal(json_object_get(f, "issuer"), json_object_get(
		    params, "workloadIdentityFederationIssuer")) && json_equal(
		    json_object_get(f, "subject"), json_object_get(params,
		    "workloadIdentityFederationSubject")))
			return true;
	return false;
}

/* Whether the connection's secret (by its digest) is one of app's whose
 * end date has passed: Entra refuses it as expired, not as invalid. */
static bool
secret_ended(json_t *app, const char *digest)
{
	json_t *p;
	size_t i;
	time_t end;

	json_array_foreach(json_object_get(app, "passwords"), i, p)
		if (digest != NULL && strcmp(json_string_value(json_object_get(p,
		    "digest")), digest) == 0)
			return timefmt_parse(json_string_value(json_object_get(p,
			    "endDateTime")), &end) && end < time(NULL);
	return false;
}

static bool
secret_valid(json_t *root, json_t *app, const char *digest)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(app, "passwords"), i, p)
		if (digest != NULL && strcmp(json_string_value(json_object_get(p,
		    "digest")), digest) == 0 && !json_is_true(json_object_get(
		    settings(root), "secrets_expired")))
			return true;
	return false;
}

char *
cloud_endpoint_problem(json_t *root, json_t *endpoint, const char **status)
{
	json_t *auth = json_object_get(endpoint, "authorization");
	json_t *params = json_object_get(auth, "parameters");
	const char *scheme = json_string_value(json_object_get(auth, "scheme"));
	const char *app_id = json_string_value(json_object_get(params,
	    "serviceprincipalid"));
	const char *sub = json_string_value(json_object_get(json_object_get(
	    endpoint, "data"), "subscriptionId"));
	json_t *app = app_id ? graph_application_by_app_id(root, app_id) :
	    NULL, *sp = app_id ? graph_principal_by_app_id(root, app_id) : NULL;

	/* A managed identity holds its federated credentials itself. */
	if (app == NULL && app_id != NULL)
		app = identity_by_client_id(root, app_id);
	bool federated = scheme && strcasecmp(scheme,
	    "WorkloadIdentityFederation") == 0;

	*status = "unauthorized";
	if (app == NULL || !graph_visible(root, app))
		return xasprintf("AADSTS700016: Application with identifier '%s' "
		    "was not found in the directory '%s'.", app_id ? app_id : "",
		    json_string_value(json_object_get(root, "tenant_id")));
	if (!federated && (json_is_true(json_object_get(settings(root),
	    "secrets_expired")) || secret_ended(app, json_string_value(
	    json_object_get(params, "serviceprincipalkey_digest")))))
		return xasprintf("AADSTS7000222: The provided client secret keys "
		    "for app '%s' are expired. Visit the Azure portal to create "
		    "new keys for your app.", app_id);
	if (!federated && !secret_valid(root, app, json_string_value(
	    json_object_get(params, "serviceprincipalkey_digest"))))
		return xasprintf("AADSTS7000215: Invalid client secret provided. "
		    "Ensure the secret being sent in the request is the client "
		    "secret value, not the client secret ID, for a secret added "
		    "to app '%s'.", app_id);
	if (federated && !federation_matches(app, params))
		return xasprintf("AADSTS70021: No matching federated identity "
		    "record found for presented assertion. Assertion Issuer: "
		    "'%s'. Assertion Subject: '%s'.", json_string_value(
		    json_object_get(params, "workloadIdentityFederationIssuer")),
		    json_string_value(json_object_get(params,
		    "workloadIdentityFederationSubject")));
	if (sp == NULL || !graph_visible(root, sp))
		return xasprintf("AADSTS7000229: The client application %s is "
		    "missing service principal in the tenant %s.", app_id,
		    json_string_value(json_object_get(root, "tenant_id")));
	*status = "forbidden";
	if (sub == NULL || subscription(root, sub) == NULL)
		return xasprintf("The subscription '%s' could not be found.",
		    sub ? sub : "");
	if (!has_role(root, json_string_value(json_object_get(sp, "id")), sub))
		return xasprintf("The client '%s' with object id '%s' does not "
		    "have authorization to perform action 'Microsoft.Resources/"
		    "subscriptions/resourcegroups/read' over scope "
		    "'/subscriptions/%s' or the scope is invalid. If access was "
		    "recently granted, please refresh your credentials.", app_id,
		    json_string_value(json_object_get(sp, "id")), sub);
	*status = "ok";
	return NULL;
}

/* ---- dispatch ------------------------------------------------------------ */

bool
cloud_handles(const char *url)
{
	return strncmp(url, "/_entra/", 8) == 0 || strncmp(url, "/_graph/", 8)
	    == 0 || strncmp(url, "/_arm/", 6) == 0;
}

void
cloud_dispatch(struct exchange *x, const char *url)
{
	/* Entra takes forms; Graph and ARM take JSON. */
	if (x->raw_len > 0 && strncmp(url, "/_entra/", 8) != 0)
		x->body = json_loadb(x->raw_body, x->raw_len, 0, NULL);
	if (strncmp(url, "/_entra/", 8) == 0)
		entra_handle(x, url + 8);
	else if (strncmp(url, "/_graph/", 8) == 0)
		graph_handle(x, url + 8);
	else
		arm_handle(x, url + 6);
}
