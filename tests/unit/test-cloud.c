/* The Entra ID, Graph and ARM typed calls against the sandbox. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloud.h"
#include "sim/sim.h"
#include "tap.h"
#include "xalloc.h"

static struct api api;

static struct api_call *
run(struct api_call *call)
{
	api_wait(&api, call);
	return call;
}

static const char *
result(struct api_call *call, const char *path)
{
	return api_field(api_call_result(call), path);
}

static void
settings(const char *json)
{
	struct api_call_spec spec = { .method = "PATCH", .body = xstrdup(json),
		.url = xasprintf("%s/_sandbox/settings", api.org_url) };

	api_call_free(run(api_call_start(&api, &spec)));
}

/* The deletes a destroy makes: each answers what the service answers,
 * and 404 (or 204) once the object is gone. */
static void
teardown(const char *sub, const char *app, const char *sp)
{
	char *id = xasprintf("/subscriptions/%s/providers/Microsoft."
	    "Authorization/roleAssignments/11111111-1111-4111-8111-"
	    "111111111111", sub), *url;
	struct api_call *c;

	c = run(arm_delete_assignment(&api, id));
	tap_ok(api_call_error(c)->kind == API_OK && api_call_status(c) == 200,
	    "a role assignment deleted: 200");
	api_call_free(c);
	c = run(arm_delete_assignment(&api, id));
	tap_ok(api_call_error(c)->kind == API_OK && api_call_status(c) == 204,
	    "deleted again: 204, nothing there");
	api_call_free(c);
	c = run(graph_delete_principal(&api, sp));
	tap_is_int(api_call_status(c), 204, "the service principal deleted");
	api_call_free(c);
	c = run(graph_delete_application(&api, app));
	tap_is_int(api_call_status(c), 204, "the application deleted");
	api_call_free(c);
	c = run(graph_delete_application(&api, app));
	tap_ok(api_call_error(c)->kind == API_NOT_FOUND, "again: not found");
	api_call_free(c);
	c = run(arm_delete_resource_group(&api, sub, "rg-x"));
	tap_ok(api_call_error(c)->kind == API_NOT_FOUND && strcmp(
	    api_call_error(c)->code, "ResourceGroupNotFound") == 0,
	    "a missing resource group: ResourceGroupNotFound");
	api_call_free(c);
	url = xasprintf("%s/subscriptions/%s/operationresults/x?api-version="
	    "2024-03-01", api.arm_url, sub);
	c = run(arm_poll_operation(&api, url));
	tap_ok(api_call_error(c)->kind == API_NOT_FOUND, "an operation ARM "
	    "does not know: not found");
	api_call_free(c);
	/* Another port of this machine: reachable, were it asked. */
	c = run(arm_poll_operation(&api, "http://127.0.0.1:1/_arm/op"));
	tap_ok(api_call_error(c)->kind == API_POLICY && api_call_status(c) ==
	    0, "a Location that is not ARM's is refused, never asked (the ARM "
	    "token goes nowhere else)");
	api_call_free(c);
	free(url);
	free(id);
}

int
main(void)
{
	struct sim_options opt = { .listen = "127.0.0.1:0", .organization =
		"sandbox", .time_scale = 0 };
	struct sim *sim = NULL;
	struct credential *pat, *arm_token, *graph_token;
	struct api_call *c;
	char *cause = NULL, *host, *code, *refresh, *sub, *app, *app_id, *sp;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (sim_start(&sim, &opt, &cause) != 0)
		return 99;
	pat = credential_new(CREDENTIAL_PAT, sim_pat(sim));
	http_new(&api.http, NULL, &cause);
	api.org_url = xstrdup(sim_url(sim));
	host = xstrndup(api.org_url, (size_t)(strrchr(api.org_url, '/') -
	    api.org_url));
	api.entra_url = xasprintf("%s/_entra", host);
	api.graph_url = xasprintf("%s/_graph/v1.0", host);
	api.arm_url = xasprintf("%s/_arm", host);
	api.ado = pat;
	settings("{\"device_interval_s\":0,\"device_auto_approve_polls\":2,"
	    "\"replication_delay_ms\":0}");

	c = run(entra_devicecode(&api, "organizations", CLOUD_CLI_CLIENT_ID,
	    CLOUD_SCOPE_ARM));
	tap_ok(result(c, "user_code") != NULL && result(c, "message") != NULL,
	    "a device code with a user code and a message");
	code = xstrdup(result(c, "device_code"));
	api_call_free(c);
	c = run(entra_poll_token(&api, "organizations", CLOUD_CLI_CLIENT_ID,
	    code));
	tap_is_str(api_call_error(c)->code, "authorization_pending",
	    "polling before the user signed in: authorization_pending");
	api_call_free(c);
	c = run(entra_poll_token(&api, "organizations", CLOUD_CLI_CLIENT_ID,
	    code));
	tap_ok(api_call_error(c)->kind == API_OK && result(c, "access_token"),
	    "then the tokens");
	arm_token = credential_new(CREDENTIAL_BEARER, result(c,
	    "access_token"));
	refresh = xstrdup(result(c, "refresh_token"));
	api_call_free(c);
	c = run(entra_refresh(&api, "organizations", CLOUD_CLI_CLIENT_ID,
	    refresh, CLOUD_SCOPE_GRAPH));
	tap_ok(result(c, "access_token") != NULL, "the refresh token gives a "
	    "Graph token");
	graph_token = credential_new(CREDENTIAL_BEARER, result(c,
	    "access_token"));
	api_call_free(c);
	api.arm = arm_token;
	api.graph = graph_token;

	c = run(graph_create_application(&api, "Azure-ARM-Prod-mlops-v2"));
	tap_ok(api_call_error(c)->kind == API_OK, "create an application");
	app = xstrdup(result(c, "id"));
	app_id = xstrdup(result(c, "appId"));
	api_call_free(c);
	c = run(graph_find_applications(&api, "Azure-ARM-Prod-mlops-v2"));
	tap_is_int((long long)api_count(c), 1, "found by displayName");
	api_call_free(c);
	c = run(graph_add_password(&api, app, "mlops-tui"));
	tap_ok(result(c, "secretText") != NULL, "a password, shown once");
	api_call_free(c);
	c = run(graph_create_principal(&api, app_id));
	tap_ok(api_call_error(c)->kind == API_OK, "its service principal");
	sp = xstrdup(result(c, "id"));
	api_call_free(c);
	c = run(graph_find_principals(&api, app_id));
	tap_is_int((long long)api_count(c), 1, "found by appId");
	api_call_free(c);
	c = run(graph_add_federated_credential(&api, app, "ado", "https://i",
	    "s"));
	tap_ok(api_call_error(c)->kind == API_OK, "a federated credential");
	api_call_free(c);

	c = run(arm_list_subscriptions(&api));
	tap_is_int((long long)api_count(c), 1, "one subscription");
	sub = xstrdup(api_field(api_item(c, 0), "subscriptionId"));
	api_call_free(c);
	c = run(arm_get_subscription(&api, sub));
	tap_is_str(result(c, "state"), "Enabled", "it is enabled");
	api_call_free(c);
	c = run(arm_assign_contributor(&api, sub,
	    "11111111-1111-4111-8111-111111111111", sp));
	tap_is_int(api_call_error(c)->kind, API_OK, "Contributor for the "
	    "principal");
	api_call_free(c);
	c = run(arm_assign_contributor(&api, sub,
	    "22222222-2222-4222-8222-222222222222", sp));
	tap_ok(api_call_error(c)->kind == API_CONFLICT && strcmp(
	    api_call_error(c)->code, "RoleAssignmentExists") == 0,
	    "again under another name: RoleAssignmentExists");
	api_call_free(c);
	c = run(arm_list_assignments(&api, sub, sp));
	tap_is_int((long long)api_count(c), 1, "listed for the principal");
	api_call_free(c);
	c = run(arm_get_provider(&api, sub, "Microsoft.MachineLearningServices"));
	tap_is_str(result(c, "registrationState"), "Registered",
	    "the Azure ML provider is registered");
	api_call_free(c);
	c = run(arm_get_workspace(&api, sub, "rg-x", "mlw-x"));
	tap_ok(api_call_error(c)->kind == API_NOT_FOUND, "a missing workspace: "
	    "not found");
	api_call_free(c);
	teardown(sub, app, sp);

	free(sp);
	free(sub);
	free(app_id);
	free(app);
	free(refresh);
	free(code);
	credential_free(graph_token);
	credential_free(arm_token);
	http_free(api.http);
	free(api.org_url);
	free(api.entra_url);
	free(api.graph_url);
	free(api.arm_url);
	free(host);
	credential_free(pat);
	sim_stop(sim);
	curl_global_cleanup();
	return tap_done();
}
