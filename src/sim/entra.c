/*
 * The sandbox's Entra ID token endpoint: the device code flow (with its
 * pending, slow_down, expired and declined answers, and approval from a
 * sandbox page or after a number of polls), refresh tokens redeemed per
 * resource, and the client credentials grant that service connections use.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "secret.h"
#include "sim/cloud.h"
#include "timefmt.h"
#include "xalloc.h"

#define DEVICE_CODE_LIFETIME_S 900

static json_t *
entra(json_t *root)
{
	return json_object_get(root, "entra");
}

static json_t *
setting(json_t *root, const char *name)
{
	return json_object_get(json_object_get(root, "settings"), name);
}

void
cloud_new_world(json_t *root)
{
	char *tenant = world_new_guid(), *sub = world_new_guid();
	json_t *defaults;

	json_object_set_new(root, "tenant_id", json_string(tenant));
	json_object_set_new(root, "subscriptions", json_pack("[{s:s, s:s, s:s, "
	    "s:s}]", "subscriptionId", sub, "displayName", "Sandbox "
	    "Subscription", "tenantId", tenant, "state", "Enabled"));
	json_object_set_new(root, "entra", json_pack("{s:[], s:[], s:[]}",
	    "device_codes", "tokens", "refresh_tokens"));
	json_object_set_new(root, "graph", json_pack("{s:[], s:[]}",
	    "applications", "service_principals"));
	json_object_set_new(root, "arm", json_pack("{s:[]}",
	    "role_assignments"));
	defaults = json_pack(
	    "{s:i, s:i, s:i, s:i, s:b, s:b, s:b, s:[s, s, s, s, s], s:n, "
	    "s:[]}", "device_interval_s", 5, "device_auto_approve_polls", 2,
	    "token_lifetime_s", 3599, "replication_delay_ms", 3000,
	    "operator_can_assign_roles", 1, "operator_can_register_apps", 1,
	    "operator_can_register_providers", 1,
	    "registered_providers", "Microsoft.MachineLearningServices",
	    "Microsoft.KeyVault", "Microsoft.Storage",
	    "Microsoft.ContainerRegistry", "Microsoft.Insights",
	    "role_assignment_condition", "exhausted_quota");
	json_object_update(json_object_get(root, "settings"), defaults);
	json_decref(defaults);
	free(sub);
	free(tenant);
}

/* ---- OAuth errors ----------------------------------------------------- */

static void
oauth_error(struct exchange *x, int status, const char *error, int code,
    const char *description)
{
	char when[TIMEFMT_LEN], *trace = world_new_guid(), *corr =
	    world_new_guid();
	char *text = xasprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s "
	    "Timestamp: %s", code, description, trace, corr,
	    timefmt_iso8601(time(NULL), when));

	exchange_json(x, status, json_pack("{s:s, s:s, s:[i], s:s, s:s, s:s}",
	    "error", error, "error_description", text, "error_codes", code,
	    "timestamp", when, "trace_id", trace, "correlation_id", corr));
	free(text);
	free(corr);
	free(trace);
}

/* "https://management.azure.com//.default offline_access" -> audience. */
static char *
audience_of(const char *scope)
{
	char *first = xstrndup(scope, strcspn(scope, " "));
	char *p = strstr(first, "/.default");

	if (p != NULL)
		*p = '\0';
	while (strlen(first) > 0 && first[strlen(first) - 1] == '/')
		first[strlen(first) - 1] = '\0';
	if (strcasecmp(first, "https://management.core.windows.net") == 0) {
		free(first);
		first = xstrdup(AUD_ARM);
	}
	return first;
}

static json_t *
issue_tokens(struct exchange *x, json_t *root, const char *aud,
    const char *kind, const char *subject, bool refresh)
{
	char *guid = world_new_guid(), *access = xasprintf("sbx-at-%s", guid);
	long long life = json_integer_value(setting(root, "token_lifetime_s"));
	json_t *reply;

	(void)x;
	json_array_append_new(json_object_get(entra(root), "tokens"), json_pack(
	    "{s:s, s:s, s:s, s:s, s:I}", "token", access, "aud", aud, "kind",
	    kind, "subject", subject, "expires_ms", (json_int_t)(world_now_ms()
	    + life * 1000)));
	reply = json_pack("{s:s, s:s, s:I, s:I, s:s}", "token_type", "Bearer",
	    "scope", aud, "expires_in", (json_int_t)life, "ext_expires_in",
	    (json_int_t)life, "access_token", access);
	free(access);
	free(guid);
	if (refresh) {
		guid = world_new_guid();
		char *rt = xasprintf("sbx-rt-%s", guid);
		json_array_append_new(json_object_get(entra(root),
		    "refresh_tokens"), json_pack("{s:s, s:s, s:s}", "token", rt,
		    "kind", kind, "subject", subject));
		json_object_set_new(reply, "refresh_token", json_string(rt));
		free(rt);
		free(guid);
	}
	return reply;
}

json_t *
entra_token(json_t *root, const char *token, const char *aud)
{
	json_t *t = token ? world_find(json_object_get(entra(root), "tokens"),
	    "token", token) : NULL;

	if (t == NULL || strcasecmp(json_string_value(json_object_get(t, "aud")),
	    aud) != 0 || json_integer_value(json_object_get(t, "expires_ms")) <=
	    world_now_ms())
		return NULL;
	return t;
}

/* ---- the device code flow --------------------------------------------- */

static char *
user_code(void)
{
	static const char letters[] = "BCDFGHJKLMNPQRSTVWXZ23456789";
	char *guid = world_new_guid(), *code = xmalloc(9);

	for (int i = 0; i < 8; i++)
		code[i] = letters[(unsigned char)guid[i * 4] % (sizeof letters - 1)];
	code[8] = '\0';
	free(guid);
	return code;
}

static void
device_code(struct exchange *x, json_t *root, bool *changed)
{
	char *client = exchange_form(x, "client_id"), *scope =
	    exchange_form(x, "scope"), *guid, *code, *page, *message;
	long long interval = json_integer_value(setting(root,
	    "device_interval_s"));

	if (client == NULL || scope == NULL) {
		oauth_error(x, 400, "invalid_request", 900144, "The request body "
		    "must contain the following parameter: 'client_id' and "
		    "'scope'.");
		free(client);
		free(scope);
		return;
	}
	guid = world_new_guid();
	code = user_code();
	page = xasprintf("%.*s/_entra/device", (int)(strrchr(x->base_url, '/') -
	    x->base_url), x->base_url);
	message = xasprintf("To sign in, use a web browser to open the page %s "
	    "and enter the code %s to authenticate.", page, code);
	json_array_append_new(json_object_get(entra(root), "device_codes"),
	    json_pack("{s:s, s:s, s:s, s:s, s:I, s:i, s:I, s:b, s:b}",
	    "device_code", guid, "user_code", code, "client_id", client,
	    "scope", scope, "created_ms", (json_int_t)world_now_ms(), "polls",
	    0, "last_poll_ms", (json_int_t)0, "approved", 0, "declined", 0));
	*changed = true;
	exchange_json(x, 200, json_pack("{s:s, s:s, s:s, s:i, s:I, s:s}",
	    "device_code", guid, "user_code", code, "verification_uri", page,
	    "expires_in", DEVICE_CODE_LIFETIME_S, "interval",
	    (json_int_t)interval, "message", message));
	free(message);
	free(page);
	free(code);
	free(guid);
	free(client);
	free(scope);
}

static void
poll_device_code(struct exchange *x, json_t *root, bool *changed)
{
	char *code = exchange_form(x, "device_code");
	json_t *d = code ? world_find(json_object_get(entra(root),
	    "device_codes"), "device_code", code) : NULL;
	long long now = world_now_ms();
	long long interval = json_integer_value(setting(root,
	    "device_interval_s")) * 1000;
	long long auto_polls = json_integer_value(setting(root,
	    "device_auto_approve_polls"));
	char *aud;

	free(code);
	if (d == NULL) {
		oauth_error(x, 400, "bad_verification_code", 70019, "The "
		    "verification code is not valid.");
		return;
	}
	*changed = true;
	/* However fast the world runs, a person gets two seconds. */
	long long life = world_scaled_ms(root, DEVICE_CODE_LIFETIME_S * 1000LL);
	if (now - json_integer_value(json_object_get(d, "created_ms")) >
	    (life > 2000 ? life : 2000)) {
		oauth_error(x, 400, "expired_token", 70020, "The provided value "
		    "for the input parameter 'device_code' is not valid. This "
		    "device code has expired.");
		return;
	}
	if (json_is_true(json_object_get(d, "declined"))) {
		oauth_error(x, 400, "authorization_declined", 70018, "The user "
		    "declined the sign-in.");
		return;
	}
	if (now - json_integer_value(json_object_get(d, "last_poll_ms")) <
	    interval) {
		json_object_set_new(d, "last_poll_ms", json_integer(now));
		oauth_error(x, 400, "slow_down", 70016, "Polling too fast: wait "
		    "the interval between polls.");
		return;
	}
	json_object_set_new(d, "last_poll_ms", json_integer(now));
	json_object_set_new(d, "polls", json_integer(json_integer_value(
	    json_object_get(d, "polls")) + 1));
	if (auto_polls > 0 && json_integer_value(json_object_get(d, "polls")) >=
	    auto_polls)
		json_object_set_new(d, "approved", json_true());
	if (!json_is_true(json_object_get(d, "approved"))) {
		oauth_error(x, 400, "authorization_pending", 70016, "OAuth 2.0 "
		    "device flow error. Authorization is pending. Continue "
		    "polling.");
		return;
	}
	aud = audience_of(json_string_value(json_object_get(d, "scope")));
	exchange_json(x, 200, issue_tokens(x, root, aud, "user",
	    json_string_value(json_object_get(json_object_get(root, "user"),
	    "id")), true));
	/* A device code is good for one sign-in. */
	json_object_set_new(d, "declined", json_true());
	free(aud);
}

static void
redeem_refresh_token(struct exchange *x, json_t *root, bool *changed)
{
	char *token = exchange_form(x, "refresh_token"), *scope =
	    exchange_form(x, "scope"), *aud;
	json_t *list = json_object_get(entra(root), "refresh_tokens"), *rt;
	size_t i;

	rt = token ? world_find(list, "token", token) : NULL;
	if (rt == NULL || scope == NULL) {
		oauth_error(x, 400, "invalid_grant", 700082, "The refresh token "
		    "has expired or is invalid; sign in again.");
		free(token);
		free(scope);
		return;
	}
	aud = audience_of(scope);
	exchange_json(x, 200, issue_tokens(x, root, aud, json_string_value(
	    json_object_get(rt, "kind")), json_string_value(json_object_get(rt,
	    "subject")), true));
	/* The old refresh token is replaced by the new one. */
	json_array_foreach(list, i, rt)
		if (strcmp(json_string_value(json_object_get(rt, "token")),
		    token) == 0)
			json_array_remove(list, i--);
	*changed = true;
	free(aud);
	free(token);
	free(scope);
}

/* Whether secret is one of the application's unexpired passwords. */
static bool
password_matches(json_t *app, const char *secret)
{
	json_t *p;
	size_t i;
	char when[TIMEFMT_LEN];

	timefmt_iso8601(time(NULL), when);
	json_array_foreach(json_object_get(app, "passwords"), i, p)
		if (secret != NULL && secret_matches(json_string_value(
		    json_object_get(p, "digest")), secret) && strcmp(json_string_value(
		    json_object_get(p, "endDateTime")), when) > 0)
			return true;
	return false;
}

static void
client_credentials(struct exchange *x, json_t *root, bool *changed)
{
	char *client = exchange_form(x, "client_id"), *secret =
	    exchange_form(x, "client_secret"), *scope = exchange_form(x,
	    "scope"), *aud;
	json_t *app = client ? graph_application_by_app_id(root, client) : NULL;

	if (app == NULL || !graph_visible(root, app))
		oauth_error(x, 400, "unauthorized_client", 700016, "Application "
		    "with identifier was not found in the directory.");
	else if (!password_matches(app, secret))
		oauth_error(x, 401, "invalid_client", 7000215, "Invalid client "
		    "secret provided. Ensure the secret being sent in the request "
		    "is the client secret value, not the client secret ID.");
	else {
		aud = audience_of(scope ? scope : AUD_ARM);
		exchange_json(x, 200, issue_tokens(x, root, aud, "sp", client,
		    false));
		*changed = true;
		free(aud);
	}
	free(client);
	free(secret);
	free(scope);
}

/* The sandbox's own page: approve or decline a user code. */
static void
answer_user_code(struct exchange *x, json_t *root, bool approve,
    bool *changed)
{
	char *code = exchange_form(x, "user_code");
	json_t *d = code ? world_find(json_object_get(entra(root),
	    "device_codes"), "user_code", code) : NULL;

	free(code);
	if (d == NULL) {
		exchange_cloud_error(x, 404, "NotFound", "No sign-in waits for "
		    "that code.");
		return;
	}
	json_object_set_new(d, approve ? "approved" : "declined", json_true());
	*changed = true;
	exchange_no_content(x);
}

void
entra_handle(struct exchange *x, const char *path)
{
	json_t *root = world_lock(x->world);
	char *grant = NULL;
	bool changed = false;
	const char *op = strstr(path, "/oauth2/v2.0/");

	if (strcmp(x->method, "POST") != 0)
		exchange_cloud_error(x, 405, "MethodNotAllowed", "Use POST.");
	else if (strcmp(path, "approve") == 0 || strcmp(path, "decline") == 0)
		answer_user_code(x, root, path[0] == 'a', &changed);
	else if (op != NULL && strcmp(op + 13, "devicecode") == 0)
		device_code(x, root, &changed);
	else if (op != NULL && strcmp(op + 13, "token") == 0) {
		grant = exchange_form(x, "grant_type");
		if (grant == NULL)
			oauth_error(x, 400, "invalid_request", 900144, "The "
			    "request body must contain the following parameter: "
			    "'grant_type'.");
		else if (strcmp(grant, "urn:ietf:params:oauth:grant-type:"
		    "device_code") == 0)
			poll_device_code(x, root, &changed);
		else if (strcmp(grant, "refresh_token") == 0)
			redeem_refresh_token(x, root, &changed);
		else if (strcmp(grant, "client_credentials") == 0)
			client_credentials(x, root, &changed);
		else
			oauth_error(x, 400, "unsupported_grant_type", 70003,
			    "The app requested an unsupported grant type.");
	} else
		exchange_cloud_error(x, 404, "NotFound", "No such endpoint.");
	free(grant);
	world_unlock(x->world, changed);
}
