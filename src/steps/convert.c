/*
 * convert_connections: a secret-based Azure Resource Manager connection of
 * the setup becomes a workload identity federation one, and the secret it
 * held is removed, so nothing is left to expire or leak.
 *
 * The order keeps every stop safe: convert (the connection stops using the
 * secret), trust the connection's issuer and subject on the application,
 * TestConnection, and only then remove the secret. Each call is read back
 * on the next run (the connection's scheme, the application's secrets), so
 * a run killed between any two finishes the work, and the secret is
 * removed once the federated connection is proven to work.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ado_resources.h"
#include "cloud.h"
#include "steps/identity.h"
#include "xalloc.h"

/* Tests of the converted connection before giving up: a new federated
 * credential is seen by Entra after a short delay. */
#define TEST_TRIES 30
#define TEST_WAIT_MS 2000

static bool
is_federated(json_t *endpoint)
{
	const char *scheme = api_field(endpoint, "authorization.scheme");

	return scheme != NULL && strcasecmp(scheme,
	    "WorkloadIdentityFederation") == 0;
}

/* The setup's connection as read; NULL when missing or on error (then
 * *failed, with the error set). */
static json_t *
read_connection(struct step_run *r, const char *project, bool *failed)
{
	struct api_call *c = ado_find_endpoints(r->api, project, run_answer(r,
	    "service_connection"));
	json_t *endpoint;

	*failed = !run_call(r, c, "reading the service connections");
	if (*failed)
		return NULL;
	endpoint = json_incref(api_item(c, 0));
	api_call_free(c);
	return endpoint;
}

/* The application behind the connection (a managed identity has none:
 * NULL, not failed). */
static json_t *
read_application(struct step_run *r, json_t *endpoint, bool *failed)
{
	const char *app_id = api_field(endpoint, "authorization.parameters."
	    "serviceprincipalid");
	struct api_call *c;
	json_t *app;

	*failed = false;
	if (app_id == NULL)
		return NULL;
	c = graph_find_applications_by_app_id(r->api, app_id);
	*failed = !run_call(r, c, "reading the connection's application");
	if (*failed)
		return NULL;
	app = json_incref(api_item(c, 0));
	api_call_free(c);
	return app;
}

/* How many of app's secrets mlops-tui made (named mlops-tui), and how
 * many others. */
static void
count_secrets(json_t *app, size_t *ours, size_t *others)
{
	json_t *cred;
	size_t i;

	*ours = *others = 0;
	json_array_foreach(json_object_get(app, "passwordCredentials"), i,
	    cred) {
		const char *name = api_field(cred, "displayName");

		if (name != NULL && strcmp(name, PRINCIPAL_SECRET_NAME) == 0)
			(*ours)++;
		else
			(*others)++;
	}
}

/* The terraform pipelines sign in with the connection's secret (errors.yml
 * terraform-needs-secret): converting would break them. */
static bool
needs_secret(struct step_run *r)
{
	const char *infra = run_answer(r, "infrastructure");

	return infra != NULL && strcmp(infra, "terraform") == 0;
}

#define TERRAFORM_REFUSAL "the terraform pipelines sign in with the " \
	"connection's secret: it stays secret-based (set convert_connections " \
	"to false)"

static bool
signed_in(struct step_run *r)
{
	if (r->probe->azure != NULL)
		return true;
	run_fail(r, NULL, "not signed in to Azure: %s", r->conn->azure_error ?
	    r->conn->azure_error : "no sign-in");
	return false;
}

static enum step_probe
probe_convert(struct step_run *r)
{
	const char *project = run_project_id(r), *name = run_answer(r,
	    "service_connection");
	json_t *endpoint = NULL, *app = NULL;
	enum step_probe out = PROBE_UNKNOWN;
	size_t ours = 0, others = 0;
	bool failed = true;

	if (project != NULL && signed_in(r))
		endpoint = read_connection(r, project, &failed);
	if (!failed && endpoint != NULL && is_federated(endpoint))
		app = read_application(r, endpoint, &failed);
	count_secrets(app, &ours, &others);
	if (failed)
		run_detail(r, "%s", r->error);
	else if (endpoint == NULL) {
		run_detail(r, "%s does not exist yet", name);
		out = PROBE_TODO;
	} else if (!is_federated(endpoint) && needs_secret(r)) {
		run_detail(r, "%s", TERRAFORM_REFUSAL);
		r->by_hand = true;
		out = PROBE_TODO;
	} else if (!is_federated(endpoint)) {
		run_detail(r, "convert %s to workload identity federation, test "
		    "it, then remove its secret", name);
		out = PROBE_TODO;
	} else if (ours > 0) {
		run_detail(r, "%s is federated; remove the secret it no longer "
		    "uses", name);
		out = PROBE_TODO;
	} else {
		run_detail(r, "%s uses workload identity federation%s", name,
		    others > 0 ? "; its application has secrets mlops-tui did "
		    "not make, left alone" : ", with no secret left");
		out = PROBE_DONE;
	}
	json_decref(app);
	json_decref(endpoint);
	return out;
}

/* Convert; the connection as it is now (a new reference), or NULL with
 * the error set. An answer lost after the change is found by reading
 * the connection again: already federated is the success. */
static json_t *
convert(struct step_run *r, const char *project, json_t *endpoint)
{
	struct api_call *c = ado_convert_endpoint(r->api, endpoint);
	json_t *now;
	bool failed;

	api_wait(r->api, c);
	if (api_call_error(c)->kind == API_OK) {
		now = json_incref(api_call_result(c));
		api_call_free(c);
		return now;
	}
	now = read_connection(r, project, &failed);
	if (now != NULL && is_federated(now)) {
		api_call_free(c);
		return now;
	}
	json_decref(now);
	run_call(r, c, "converting the service connection");
	return NULL;
}

/* TestConnection with what the service holds, until it connects. */
static int
test_converted(struct step_run *r, const char *project, json_t *endpoint)
{
	for (int tries = 1;; tries++) {
		struct api_call *c = ado_test_stored_endpoint(r->api, project,
		    endpoint);
		const char *status, *message;

		if (!run_call(r, c, "testing the converted connection"))
			return -1;
		status = api_field(api_call_result(c), "statusCode");
		if (status != NULL && strcasecmp(status, "ok") == 0) {
			api_call_free(c);
			return 0;
		}
		if (tries >= TEST_TRIES || !run_sleep(r, TEST_WAIT_MS)) {
			message = api_field(api_call_result(c), "errorMessage");
			run_fail(r, "conversion-not-proven", "%s does not "
			    "connect after its conversion (its secret is kept): "
			    "%s", run_answer(r, "service_connection"), message &&
			    *message ? message : status ? status : "no status");
			api_call_free(c);
			return -1;
		}
		api_call_free(c);
	}
}

/* Trust the converted connection on its application, test it, and only
 * then remove the secret mlops-tui made for it. */
static int
finish(struct step_run *r, const char *project, json_t *endpoint)
{
	bool failed;
	json_t *app = read_application(r, endpoint, &failed);
	size_t ours, others;
	int rc = -1;

	if (app == NULL && !failed)
		return run_fail(r, "service-principal-missing", "no application "
		    "has the connection's client id %s", api_field(endpoint,
		    "authorization.parameters.serviceprincipalid"));
	if (app != NULL && principal_federate(r, app, endpoint) == 0 &&
	    test_converted(r, project, endpoint) == 0 &&
	    principal_remove_secrets(r, app) == 0) {
		count_secrets(app, &ours, &others);
		run_detail(r, "%s uses workload identity federation; %zu secret"
		    "%s removed%s", run_answer(r, "service_connection"), ours,
		    ours == 1 ? "" : "s", others > 0 ? "; secrets mlops-tui did "
		    "not make are left alone" : "");
		rc = 0;
	}
	json_decref(app);
	return rc;
}

static int
apply_convert(struct step_run *r)
{
	const char *project = run_project_id(r);
	json_t *endpoint, *now;
	bool failed;
	int rc = -1;

	if (project == NULL || !signed_in(r))
		return -1;
	endpoint = read_connection(r, project, &failed);
	if (endpoint == NULL)
		return failed ? -1 : run_fail(r, "service-connection-missing",
		    "there is no service connection '%s' to convert",
		    run_answer(r, "service_connection"));
	if (!is_federated(endpoint) && needs_secret(r)) {
		json_decref(endpoint);
		return run_fail(r, "terraform-needs-secret", "%s",
		    TERRAFORM_REFUSAL);
	}
	if (!is_federated(endpoint)) {
		now = convert(r, project, endpoint);
		json_decref(endpoint);
		endpoint = now;
		if (endpoint != NULL)
			run_record(r, "converted", api_field(endpoint, "id"));
	}
	if (endpoint != NULL)
		rc = finish(r, project, endpoint);
	json_decref(endpoint);
	return rc;
}

const struct step_ops steps_convert[] = {
	{ .id = "convert-connection", .probe = probe_convert,
	    .apply = apply_convert, .settle_s = 60 },
	{ .id = NULL },
};
