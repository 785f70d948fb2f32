/*
 * The sandbox's Microsoft Graph v1.0: applications, service principals,
 * passwords and federated identity credentials, with the directory's
 * replication delay during which a new object is not found yet.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "secret.h"
#include "sim/cloud.h"
#include "timefmt.h"
#include "xalloc.h"

static json_t *
graph(json_t *root, const char *list)
{
	return json_object_get(json_object_get(root, "graph"), list);
}

bool
graph_visible(json_t *root, json_t *object)
{
	(void)root;
	return world_now_ms() >= json_integer_value(json_object_get(object,
	    "visible_ms"));
}

/* When an object made now becomes visible: after the replication delay. */
static json_int_t
visible_from(json_t *root)
{
	long long delay = json_integer_value(json_object_get(json_object_get(
	    root, "settings"), "replication_delay_ms"));

	return (json_int_t)(world_now_ms() + world_scaled_ms(root, delay));
}

json_t *
graph_application_by_app_id(json_t *root, const char *app_id)
{
	return world_find(graph(root, "applications"), "appId", app_id);
}

json_t *
graph_principal_by_app_id(json_t *root, const char *app_id)
{
	return world_find(graph(root, "service_principals"), "appId", app_id);
}

static void
not_found(struct exchange *x, const char *id)
{
	exchange_cloud_error(x, 404, "Request_ResourceNotFound", "Resource "
	    "'%s' does not exist or one of its queried reference-property "
	    "objects are not present.", id);
}

static json_t *
collection(const char *what, json_t *list)
{
	char *context = xasprintf("https://graph.microsoft.com/v1.0/$metadata#%s",
	    what);
	json_t *j = json_pack("{s:s, s:o}", "@odata.context", context, "value",
	    list);

	free(context);
	return j;
}

static json_t *
password_view(json_t *p)
{
	return json_pack("{s:n, s:O, s:O, s:O, s:O, s:n, s:O}",
	    "customKeyIdentifier", "displayName", json_object_get(p,
	    "displayName"), "endDateTime", json_object_get(p, "endDateTime"),
	    "hint", json_object_get(p, "hint"), "keyId", json_object_get(p,
	    "keyId"), "secretText", "startDateTime", json_object_get(p,
	    "startDateTime"));
}

static json_t *
application_view(json_t *app)
{
	json_t *j = json_pack("{s:O, s:O, s:O, s:s, s:[], s:o}", "id",
	    json_object_get(app, "id"), "appId", json_object_get(app, "appId"),
	    "displayName", json_object_get(app, "displayName"),
	    "signInAudience", "AzureADMyOrg", "keyCredentials",
	    "passwordCredentials", json_array()), *p;
	size_t i;

	json_array_foreach(json_object_get(app, "passwords"), i, p)
		json_array_append_new(json_object_get(j, "passwordCredentials"),
		    password_view(p));
	return j;
}

/* The value of a $filter clause "field eq 'value'" or startswith(). */
static bool
filter_matches(const char *filter, json_t *object)
{
	static const char *const fields[] = { "displayName", "appId" };
	const char *q1, *q2;
	char *value, *field;
	bool prefix, any, ok;

	if (filter == NULL)
		return true;
	q1 = strchr(filter, '\'');
	q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
	if (q2 == NULL)
		return false;
	value = xstrndup(q1 + 1, (size_t)(q2 - q1 - 1));
	prefix = strncasecmp(filter, "startswith(", 11) == 0;
	any = strncasecmp(filter, "servicePrincipalNames/any", 25) == 0;
	ok = false;
	for (size_t i = 0; i < 2 && !ok; i++) {
		field = strstr(filter, fields[i]) ? (char *)fields[i] : NULL;
		if (field == NULL && !any)
			continue;
		const char *have = json_string_value(json_object_get(object,
		    any ? "appId" : fields[i]));
		if (have == NULL)
			continue;
		ok = prefix ? strncasecmp(have, value, strlen(value)) == 0 :
		    strcasecmp(have, value) == 0;
	}
	free(value);
	return ok;
}

static json_t *
find_object(json_t *root, const char *list, const char *ref)
{
	json_t *o;
	char *app_id;

	if (strncmp(ref, "(appId='", 8) == 0) {
		app_id = xstrndup(ref + 8, strcspn(ref + 8, "'"));
		o = world_find(graph(root, list), "appId", app_id);
		free(app_id);
		return o;
	}
	return world_find(graph(root, list), "id", ref);
}

static void
create_application(struct exchange *x, json_t *root, bool *changed)
{
	const char *name = json_string_value(json_object_get(x->body,
	    "displayName"));
	char *id, *app_id;
	json_t *app;

	if (!json_is_true(json_object_get(json_object_get(root, "settings"),
	    "operator_can_register_apps"))) {
		exchange_cloud_error(x, 403, "Authorization_RequestDenied",
		    "Insufficient privileges to complete the operation.");
		return;
	}
	if (name == NULL) {
		exchange_cloud_error(x, 400, "Request_BadRequest", "Property "
		    "displayName is required.");
		return;
	}
	id = world_new_guid();
	app_id = world_new_guid();
	app = json_pack("{s:s, s:s, s:s, s:I, s:[], s:[], s:O*}", "id", id,
	    "appId", app_id, "displayName", name, "visible_ms",
	    visible_from(root), "passwords", "fics", "tags",
	    json_object_get(x->body, "tags"));
	json_array_append_new(graph(root, "applications"), app);
	*changed = true;
	exchange_json(x, 201, application_view(app));
	free(app_id);
	free(id);
}

static void
add_password(struct exchange *x, json_t *app, bool *changed)
{
	json_t *cred = json_object_get(x->body, "passwordCredential");
	const char *name = json_string_value(json_object_get(cred,
	    "displayName"));
	const char *end = json_string_value(json_object_get(cred,
	    "endDateTime"));
	char start[TIMEFMT_LEN], later[TIMEFMT_LEN];
	char *key = world_new_guid(), *a = world_new_guid(), *b =
	    world_new_guid(), *secret, *digest, *hint;
	json_t *p, *view;

	/* 40 characters, like the secrets Entra makes. */
	secret = xasprintf("%.8s~%.8s%.8s%.7s%.8s", a, a + 9, b, b + 9, b + 24);
	for (char *c = secret; *c != '\0'; c++)
		if (*c == '-')
			*c = 'Q';
	digest = secret_digest(secret);
	hint = xstrndup(secret, 3);
	timefmt_iso8601(time(NULL), start);
	timefmt_iso8601(time(NULL) + 2 * 365 * 24 * 3600, later);
	p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "keyId", key,
	    "displayName", name ? name : "", "hint", hint, "digest", digest,
	    "startDateTime", start, "endDateTime", end ? end : later);
	json_array_append_new(json_object_get(app, "passwords"), p);
	*changed = true;
	view = password_view(p);
	json_object_set_new(view, "secretText", json_string(secret));
	exchange_json(x, 200, view);
	free(hint);
	free(digest);
	free(secret);
	free(b);
	free(a);
	free(key);
}

static void
remove_password(struct exchange *x, json_t *app, bool *changed)
{
	const char *key = json_string_value(json_object_get(x->body, "keyId"));
	json_t *list = json_object_get(app, "passwords"), *p;
	size_t i;

	json_array_foreach(list, i, p)
		if (key != NULL && strcasecmp(json_string_value(json_object_get(
		    p, "keyId")), key) == 0) {
			json_array_remove(list, i);
			*changed = true;
			exchange_no_content(x);
			return;
		}
	exchange_cloud_error(x, 404, "Request_ResourceNotFound", "No password "
	    "credential with keyId %s.", key ? key : "");
}

static void
federated_credentials(struct exchange *x, json_t *app, const char *rest,
    bool *changed)
{
	json_t *list = json_object_get(app, "fics"), *f;
	const char *name = json_string_value(json_object_get(x->body, "name"));
	size_t i;

	if (strcmp(x->method, "GET") == 0 && *rest == '\0') {
		exchange_json(x, 200, collection("federatedIdentityCredentials",
		    json_deep_copy(list)));
		return;
	}
	if (strcmp(x->method, "DELETE") == 0 && *rest == '/') {
		json_array_foreach(list, i, f)
			if (strcmp(json_string_value(json_object_get(f, "id")),
			    rest + 1) == 0 || strcmp(json_string_value(
			    json_object_get(f, "name")), rest + 1) == 0) {
				json_array_remove(list, i);
				*changed = true;
				exchange_no_content(x);
				return;
			}
		not_found(x, rest + 1);
		return;
	}
	if (strcmp(x->method, "POST") != 0 || name == NULL) {
		exchange_cloud_error(x, 400, "Request_BadRequest", "A federated "
		    "identity credential needs a name, an issuer, a subject and "
		    "audiences.");
		return;
	}
	if (world_find(list, "name", name) != NULL) {
		exchange_cloud_error(x, 409, "Request_MultipleObjectsWithSameKeyValue",
		    "FederatedIdentityCredential with name %s already exists.",
		    name);
		return;
	}
	if (json_array_size(list) >= 20) {
		exchange_cloud_error(x, 400, "Request_BadRequest", "An "
		    "application can have at most 20 federated identity "
		    "credentials.");
		return;
	}
	f = json_deep_copy(x->body);
	char *id = world_new_guid();
	json_object_set_new(f, "id", json_string(id));
	free(id);
	json_array_append_new(list, f);
	*changed = true;
	exchange_json(x, 201, json_incref(f));
}

/* Remove item (by identity) from list. */
static void
remove_item(json_t *list, json_t *item)
{
	for (size_t i = 0; i < json_array_size(list); i++)
		if (json_array_get(list, i) == item) {
			json_array_remove(list, i);
			return;
		}
}

static void
applications(struct exchange *x, json_t *root, const char *rest,
    bool *changed)
{
	json_t *list, *app;
	const char *sub;
	size_t i;
	char *ref;

	if (*rest == '\0' || *rest == '?') {
		if (strcmp(x->method, "POST") == 0) {
			create_application(x, root, changed);
			return;
		}
		list = json_array();
		json_array_foreach(graph(root, "applications"), i, app)
			if (graph_visible(root, app) && filter_matches(
			    exchange_query(x, "$filter"), app))
				json_array_append_new(list, application_view(app));
		exchange_json(x, 200, collection("applications", list));
		return;
	}
	rest += *rest == '/';
	sub = strchr(rest, '/');
	ref = sub ? xstrndup(rest, (size_t)(sub - rest)) : xstrdup(rest);
	app = find_object(root, "applications", ref);
	if (app == NULL || !graph_visible(root, app))
		not_found(x, ref);
	else if (sub == NULL && strcmp(x->method, "GET") == 0)
		exchange_json(x, 200, application_view(app));
	else if (sub == NULL && strcmp(x->method, "DELETE") == 0) {
		/* Entra deletes the home tenant's service principal of an
		 * application with it (and its secrets and federated
		 * credentials, which the application holds). */
		json_t *sp = graph_principal_by_app_id(root, json_string_value(
		    json_object_get(app, "appId")));

		if (sp != NULL)
			remove_item(graph(root, "service_principals"), sp);
		remove_item(graph(root, "applications"), app);
		*changed = true;
		exchange_no_content(x);
	} else if (sub && strcmp(sub, "/addPassword") == 0)
		add_password(x, app, changed);
	else if (sub && strcmp(sub, "/removePassword") == 0)
		remove_password(x, app, changed);
	else if (sub && strncmp(sub, "/federatedIdentityCredentials", 29) == 0)
		federated_credentials(x, app, sub + 29, changed);
	else
		exchange_cloud_error(x, 405, "Request_BadRequest", "Not "
		    "supported here.");
	free(ref);
}

static json_t *
principal_view(json_t *sp)
{
	return json_pack("{s:O, s:O, s:O, s:b, s:[O], s:s}", "id",
	    json_object_get(sp, "id"), "appId", json_object_get(sp, "appId"),
	    "displayName", json_object_get(sp, "displayName"),
	    "accountEnabled", 1, "servicePrincipalNames", json_object_get(sp,
	    "appId"), "servicePrincipalType", json_is_string(json_object_get(
	    sp, "type")) ? json_string_value(json_object_get(sp, "type")) :
	    "Application");
}

static void
service_principals(struct exchange *x, json_t *root, const char *rest,
    bool *changed)
{
	const char *app_id = json_string_value(json_object_get(x->body,
	    "appId"));
	json_t *list, *sp, *app;
	char *id;
	size_t i;

	if ((*rest == '\0') && strcmp(x->method, "POST") == 0) {
		app = app_id ? graph_application_by_app_id(root, app_id) : NULL;
		if (app == NULL || !graph_visible(root, app)) {
			exchange_cloud_error(x, 400, "Request_BadRequest", "The "
			    "appId '%s' of the service principal does not "
			    "reference a valid application object.",
			    app_id ? app_id : "");
			return;
		}
		if (graph_principal_by_app_id(root, app_id) != NULL) {
			exchange_cloud_error(x, 409,
			    "Request_MultipleObjectsWithSameKeyValue", "A service "
			    "principal for this application already exists.");
			return;
		}
		id = world_new_guid();
		sp = json_pack("{s:s, s:s, s:O, s:I}", "id", id, "appId", app_id,
		    "displayName", json_object_get(app, "displayName"),
		    "visible_ms", visible_from(root));
		free(id);
		json_array_append_new(graph(root, "service_principals"), sp);
		*changed = true;
		exchange_json(x, 201, principal_view(sp));
		return;
	}
	if (*rest == '\0') {
		list = json_array();
		json_array_foreach(graph(root, "service_principals"), i, sp)
			if (graph_visible(root, sp) && filter_matches(
			    exchange_query(x, "$filter"), sp))
				json_array_append_new(list, principal_view(sp));
		exchange_json(x, 200, collection("servicePrincipals", list));
		return;
	}
	sp = find_object(root, "service_principals", rest + (*rest == '/'));
	if (sp == NULL || !graph_visible(root, sp))
		not_found(x, rest + (*rest == '/'));
	else if (strcmp(x->method, "DELETE") == 0) {
		remove_item(graph(root, "service_principals"), sp);
		*changed = true;
		exchange_no_content(x);
	} else
		exchange_json(x, 200, principal_view(sp));
}

/*
 * The tenant's authorization policy, as GET /policies/authorizationPolicy
 * answers it (v1.0: the one object): whether users may register
 * applications is settings.operator_can_register_apps - a tenant that
 * forbids it to users, the operator holding no role that allows it.
 */
static void
authorization_policy(struct exchange *x, json_t *root)
{
	bool apps = json_is_true(json_object_get(json_object_get(root,
	    "settings"), "operator_can_register_apps"));

	exchange_json(x, 200, json_pack("{s:s, s:s, s:s, s:{s:b, s:b, s:b, "
	    "s:b}}", "@odata.context", "https://graph.microsoft.com/v1.0/"
	    "$metadata#policies/authorizationPolicy/$entity", "id",
	    "authorizationPolicy", "displayName", "Authorization Policy",
	    "defaultUserRolePermissions", "allowedToCreateApps", apps,
	    "allowedToCreateSecurityGroups", 1, "allowedToCreateTenants", 1,
	    "allowedToReadOtherUsers", 1));
}

/* The operator's groups and directory roles: none in the sandbox (an
 * ordinary member), so only the policy decides. */
static void
member_of(struct exchange *x, json_t *root)
{
	(void)root;
	exchange_json(x, 200, json_pack("{s:s, s:[]}", "@odata.context",
	    "https://graph.microsoft.com/v1.0/$metadata#directoryObjects",
	    "value"));
}

void
graph_handle(struct exchange *x, const char *path)
{
	json_t *root = world_lock(x->world);
	bool changed = false;

	if (entra_token(root, exchange_bearer(x), AUD_GRAPH) == NULL)
		exchange_cloud_error(x, 401, "InvalidAuthenticationToken",
		    "Access token validation failure. Invalid audience, or the "
		    "token is missing or expired.");
	else if (strncmp(path, "v1.0/applications", 17) == 0)
		applications(x, root, path + 17, &changed);
	else if (strncmp(path, "v1.0/servicePrincipals", 22) == 0)
		service_principals(x, root, path + 22, &changed);
	else if (strcmp(path, "v1.0/policies/authorizationPolicy") == 0)
		authorization_policy(x, root);
	else if (strcmp(path, "v1.0/me/memberOf") == 0)
		member_of(x, root);
	else
		exchange_cloud_error(x, 400, "BadRequest", "Resource not found "
		    "for the segment '%s'.", path);
	world_unlock(x->world, changed);
}
