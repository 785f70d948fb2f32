/*
 * The identity Azure DevOps deploys with: the service principal of each
 * environment (an Entra application, its principal, Contributor on the
 * subscription) and the Azure Resource Manager service connection that
 * holds its secret.
 *
 * The secret lives in memory only, and only inside the connection step:
 * made, handed to Azure DevOps, wiped. A run that dies in between leaves
 * a secret nobody holds; the next one removes the secrets mlops-tui made
 * (named SECRET_NAME) before it makes a new one, so none is orphaned.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ado_build.h"
#include "ado_resources.h"
#include "cloud.h"
#include "credential.h"
#include "guid.h"
#include "steps/identity.h"
#include "steps/step.h"
#include "xalloc.h"

#define SECRET_NAME PRINCIPAL_SECRET_NAME
/* Lost answers to a new secret before giving up. */
#define SECRET_ASKS 4
/* Entra and ARM see a new object after a replication delay. */
#define REPLICATION_WAIT_MS 120000

/* The guide's name: the connection's name and the project's. */
static char *
principal_name(struct step_run *r)
{
	return xasprintf("%s-%s", run_answer(r, "service_connection"),
	    r->target.project);
}

/* create and federated make the principal; existing names one;
 * managed-identity has none (identity.c). */
static bool
creates_principal(struct step_run *r)
{
	return strcmp(run_answer(r, "principal_way"), "existing") != 0 &&
	    !identity_way(r);
}

static bool
federated(struct step_run *r)
{
	return strcmp(run_answer(r, "principal_way"), "federated") == 0;
}

/* Signed in to Azure with fresh tokens and a subscription; else error. */
static const char *
need_azure(struct step_run *r)
{
	const char *sub = run_answer(r, "subscription_id");
	char *cause = NULL;

	if (sub == NULL) {
		run_fail(r, NULL, "give subscription_id for %s in the answers",
		    r->environment);
		return NULL;
	}
	if (r->probe->azure == NULL) {
		run_fail(r, NULL, "not signed in to Azure: %s",
		    r->conn->azure_error ? r->conn->azure_error : "no sign-in");
		return NULL;
	}
	if (signin_fresh(r->probe->azure, &cause) == -1) {
		run_fail(r, NULL, "%s", cause);
		free(cause);
		return NULL;
	}
	return sub;
}

/* The first item of a list call, a new reference; NULL when none or on
 * error (then *failed). */
static json_t *
first_of(struct step_run *r, struct api_call *c, const char *what,
    bool *failed)
{
	json_t *item;

	*failed = !run_call(r, c, what);
	if (*failed)
		return NULL;
	item = json_incref(api_item(c, 0));
	api_call_free(c);
	return item;
}

/* ---- what exists ------------------------------------------------------- */

struct principal {
	json_t *app;           /* {id, appId, passwordCredentials} */
	json_t *sp;            /* {id, appId} */
	bool contributor;
};

static void
principal_clear(struct principal *p)
{
	json_decref(p->app);
	json_decref(p->sp);
	memset(p, 0, sizeof *p);
}

static bool
has_contributor(struct step_run *r, const char *sub, const char *sp,
    bool *failed)
{
	struct api_call *c = arm_list_assignments(r->api, sub, sp);
	bool found = false;

	*failed = !run_call(r, c, "reading the role assignments");
	if (*failed)
		return false;
	for (size_t i = 0; i < api_count(c); i++)
		found |= is_contributor_on(api_item(c, i), sub);
	api_call_free(c);
	return found;
}

/* Find what there is of the principal; -1 on a failed call. */
static int
find_principal(struct step_run *r, const char *sub, struct principal *p)
{
	char *name = principal_name(r);
	const char *app_id;
	bool failed;

	memset(p, 0, sizeof *p);
	if (creates_principal(r))
		p->app = first_of(r, graph_find_applications(r->api, name),
		    "reading the applications", &failed);
	free(name);
	if (creates_principal(r) && (failed || p->app == NULL))
		return failed ? -1 : 0;
	app_id = p->app ? api_field(p->app, "appId") :
	    run_answer(r, "client_id");
	if (app_id == NULL)
		return run_fail(r, NULL, "give client_id, the existing "
		    "principal's application id, for %s", r->environment);
	p->sp = first_of(r, graph_find_principals(r->api, app_id),
	    "reading the service principals", &failed);
	if (failed || p->sp == NULL)
		return failed ? -1 : 0;
	p->contributor = has_contributor(r, sub, api_field(p->sp, "id"),
	    &failed);
	return failed ? -1 : 0;
}

/* The managed identity way: the identity, with Contributor. */
static enum step_probe
probe_managed_identity(struct step_run *r, const char *sub)
{
	bool failed;
	json_t *mi = identity_read(r, sub, &failed);
	char *name = identity_name(r);
	enum step_probe out = PROBE_TODO;

	if (mi != NULL && has_contributor(r, sub, api_field(mi,
	    "properties.principalId"), &failed)) {
		run_detail(r, "the managed identity %s is Contributor on "
		    "subscription %s", name, sub);
		out = PROBE_DONE;
	} else if (failed) {
		run_detail(r, "%s", r->error);
		out = PROBE_UNKNOWN;
	} else
		run_detail(r, "%s the managed identity %s in resource group %s, "
		    "with Contributor on subscription %s", mi ? "give" :
		    "create", name, run_answer(r, "identity_resource_group"),
		    sub);
	json_decref(mi);
	free(name);
	return out;
}

static enum step_probe
probe_service_principal(struct step_run *r)
{
	const char *sub = need_azure(r);
	struct principal p;
	char *name;
	enum step_probe out = PROBE_TODO;

	if (sub != NULL && identity_way(r))
		return probe_managed_identity(r, sub);
	name = principal_name(r);
	if (sub == NULL || find_principal(r, sub, &p) == -1) {
		run_detail(r, "%s", r->error);
		free(name);
		return PROBE_UNKNOWN;
	}
	if (p.contributor) {
		run_detail(r, "%s is Contributor on subscription %s",
		    p.app ? name : run_answer(r, "client_id"), sub);
		out = PROBE_DONE;
	} else if (p.sp != NULL)
		run_detail(r, "give %s Contributor on subscription %s",
		    p.app ? name : run_answer(r, "client_id"), sub);
	else if (p.app != NULL)
		run_detail(r, "create the service principal of %s, with "
		    "Contributor on subscription %s", name, sub);
	else
		run_detail(r, "create the application %s, its service "
		    "principal, and Contributor on subscription %s", name, sub);
	principal_clear(&p);
	free(name);
	return out;
}

/* ---- making it --------------------------------------------------------- */

/* The application, created when missing, waited for while it
 * replicates; a new reference, or NULL with the error set. */
static json_t *
ensure_application(struct step_run *r)
{
	char *name = principal_name(r);
	const char *made = run_recorded(r, "application");
	struct api_call *c;
	json_t *app = NULL;
	bool failed;

	/* Recorded by an attempt longer ago than replication takes: not
	 * found now means deleted, not late. Forgotten, and made again. */
	if (made != NULL && run_recorded_before(r, REPLICATION_WAIT_MS) &&
	    run_recorded_gone(r, "application", graph_get_application(r->api,
	    made), "the application")) {
		state_map_remove(r->created, "app_id");
		state_map_remove(r->created, "principal");
		made = NULL;
	}
	for (long waited = 0; made != NULL && app == NULL &&
	    waited < REPLICATION_WAIT_MS; waited += 2000) {
		/* Made by this setup before a stop: wait, never make two. */
		c = graph_get_application(r->api, made);
		api_wait(r->api, c);
		if (api_call_error(c)->kind == API_OK)
			app = json_incref(api_call_result(c));
		api_call_free(c);
		if (app == NULL && !run_sleep(r, 2000))
			break;
	}
	if (app == NULL && made == NULL)
		app = first_of(r, graph_find_applications(r->api, name),
		    "reading the applications", &failed);
	if (app == NULL && made == NULL && !failed) {
		c = graph_create_application(r->api, name);
		if (run_call(r, c, "creating the application")) {
			app = json_incref(api_call_result(c));
			api_call_free(c);
			run_record(r, "application", api_field(app, "id"));
			run_record(r, "app_id", api_field(app, "appId"));
		}
	}
	if (app == NULL && r->error == NULL)
		run_fail(r, "principal-not-replicated", "the application %s "
		    "did not appear", name);
	free(name);
	return app;
}

/* The principal of app_id, created (retried while the application
 * replicates); its object id, or NULL with the error set. */
static char *
ensure_service_principal(struct step_run *r, const char *app_id)
{
	bool failed;
	json_t *sp = first_of(r, graph_find_principals(r->api, app_id),
	    "reading the service principals", &failed);
	char *id = NULL;
	/* Found now, and not the one this setup recorded: made before it. */
	bool found = sp != NULL;

	for (long waited = 0; sp == NULL && !failed; waited += 2000) {
		struct api_call *c = graph_create_principal(r->api, app_id);

		api_wait(r->api, c);
		if (api_call_error(c)->kind == API_OK)
			sp = json_incref(api_call_result(c));
		else if (waited >= REPLICATION_WAIT_MS || !run_sleep(r, 2000)) {
			run_call(r, c, "creating the service principal");
			return NULL;
		}
		api_call_free(c);
	}
	if (sp != NULL && (id = run_field(r, sp, "id", "the service "
	    "principal")) != NULL) {
		const char *made = run_recorded(r, "principal");

		if (found && (made == NULL || strcmp(made, id) != 0 ||
		    state_created_found(r->created, "principal")))
			run_record_found(r, "principal", id);
		else
			run_record(r, "principal", id);
	}
	json_decref(sp);
	return id;
}

static int
assign_contributor(struct step_run *r, const char *sub, const char *sp)
{
	char *name = guid_new();
	int rc = -1;

	for (long waited = 0;; waited += 2000) {
		struct api_call *c = arm_assign_contributor(r->api, sub, name,
		    sp);
		const struct api_error *e;

		api_wait(r->api, c);
		e = api_call_error(c);
		if (e->kind == API_OK || (e->code != NULL && strcmp(e->code,
		    "RoleAssignmentExists") == 0)) {
			/* Made now (not found): a destroy removes it. */
			if (e->kind == API_OK)
				run_record(r, "role_assignment", api_field(
				    api_call_result(c), "id"));
			api_call_free(c);
			rc = 0;
			break;
		}
		/* A new principal is not found until it replicates. */
		if (e->code == NULL || strcmp(e->code, "PrincipalNotFound") != 0 ||
		    waited >= REPLICATION_WAIT_MS || !run_sleep(r, 2000)) {
			run_call(r, c, "giving the principal Contributor");
			break;
		}
		api_call_free(c);
	}
	free(name);
	return rc;
}

static int
apply_service_principal(struct step_run *r)
{
	const char *sub = need_azure(r);
	json_t *app = NULL;
	char *sp = NULL;
	int rc = -1;

	if (sub == NULL)
		return -1;
	if (identity_way(r)) {
		json_t *mi = identity_ensure(r, sub);

		rc = mi ? assign_contributor(r, sub, api_field(mi,
		    "properties.principalId")) : -1;
		if (rc == 0)
			run_detail(r, "the managed identity %s is Contributor on "
			    "subscription %s", api_field(mi, "name"), sub);
		json_decref(mi);
		return rc;
	}
	if (!creates_principal(r)) {
		struct principal p;

		if (find_principal(r, sub, &p) == 0 && p.sp == NULL)
			run_fail(r, "service-principal-missing", "no service "
			    "principal has the application id %s",
			    run_answer(r, "client_id"));
		else if (p.sp != NULL)
			sp = run_field(r, p.sp, "id", "the service principal");
		principal_clear(&p);
	} else if ((app = ensure_application(r)) != NULL)
		sp = ensure_service_principal(r, api_field(app, "appId"));
	if (sp != NULL)
		rc = assign_contributor(r, sub, sp);
	if (rc == 0)
		run_detail(r, "the principal of %s is Contributor on "
		    "subscription %s", app ? api_field(app, "displayName") :
		    run_answer(r, "client_id"), sub);
	json_decref(app);
	free(sp);
	return rc;
}

/* ---- the service connection -------------------------------------------- */

/* Remove the secrets an earlier run made and handed to nobody. */
int
principal_remove_secrets(struct step_run *r, json_t *app)
{
	json_t *cred;
	size_t i;

	json_array_foreach(json_object_get(app, "passwordCredentials"), i,
	    cred) {
		const char *name = api_field(cred, "displayName");
		struct api_call *c;

		if (name == NULL || strcmp(name, SECRET_NAME) != 0)
			continue;
		c = graph_remove_password(r->api, api_field(app, "id"),
		    api_field(cred, "keyId"));
		if (!run_call(r, c, "removing a secret mlops-tui made"))
			return -1;
		api_call_free(c);
	}
	return 0;
}

/*
 * Add a secret, our earlier ones removed first. A secret whose answer was
 * lost is one nobody holds: the application is read again, so it is
 * removed with the others, and another is asked for.
 */
static struct api_call *
add_secret(struct step_run *r, json_t *app)
{
	const char *id = api_field(app, "id");
	json_t *fresh = NULL;
	struct api_call *c = NULL;

	for (int tries = 0; tries < SECRET_ASKS; tries++) {
		if (tries > 0) {
			api_call_free(c);
			run_note(r, "the answer with the new secret was lost; "
			    "removing it and making another");
			c = graph_get_application(r->api, id);
			if (!run_call(r, c, "reading the application"))
				break;
			json_decref(fresh);
			fresh = json_incref(api_call_result(c));
			api_call_free(c);
			app = fresh;
		}
		c = NULL;
		if (principal_remove_secrets(r, app) == -1)
			break;
		c = graph_add_password(r->api, id, SECRET_NAME);
		api_wait(r->api, c);
		if (api_call_error(c)->kind != API_LOST)
			break;
	}
	json_decref(fresh);
	return c;
}

/* A new secret of the application, in memory; NULL with the error set. */
static struct credential *
new_secret(struct step_run *r, json_t *app)
{
	struct api_call *c = add_secret(r, app);
	struct credential *secret;
	json_t *text;

	if (c == NULL || !run_call(r, c, "making the principal's secret"))
		return NULL;
	text = json_object_get(api_call_result(c), "secretText");
	if (!json_is_string(text)) {
		api_call_free(c);
		run_fail(r, NULL, "the new secret came without its text");
		return NULL;
	}
	secret = credential_new(CREDENTIAL_BEARER, json_string_value(text));
	/* The answer held the secret too: wipe it before it is freed. */
	explicit_bzero((char *)json_string_value(text),
	    json_string_length(text));
	api_call_free(c);
	return secret;
}

static const char *
tenant_of(struct step_run *r, const char *sub, char **owned)
{
	const char *tenant = run_answer(r, "tenant_id");
	struct api_call *c;

	*owned = NULL;
	if (tenant != NULL)
		return tenant;
	c = arm_get_subscription(r->api, sub);
	if (!run_call(r, c, "reading the subscription"))
		return NULL;
	*owned = xstrdup_or_null(api_field(api_call_result(c), "tenantId"));
	api_call_free(c);
	if (*owned == NULL)
		run_fail(r, NULL, "give tenant_id for %s", r->environment);
	return *owned;
}

/* Trust the connection's issuer and subject on the application, so that
 * it signs in without a secret (workload identity federation). */
int
principal_federate(struct step_run *r, json_t *app, json_t *endpoint)
{
	char *name = xasprintf("mlops-tui-%s", run_answer(r,
	    "service_connection"));
	const char *issuer = api_field(endpoint, "authorization.parameters."
	    "workloadIdentityFederationIssuer");
	const char *subject = api_field(endpoint, "authorization.parameters."
	    "workloadIdentityFederationSubject");
	struct api_call *c;
	int rc = -1;

	if (issuer == NULL || subject == NULL) {
		free(name);
		return run_fail(r, "federated-credential-mismatch", "the "
		    "connection gave no issuer and subject to trust");
	}
	/* A credential of an earlier connection names another subject. */
	c = graph_remove_federated_credential(r->api, api_field(app, "id"),
	    name);
	api_wait(r->api, c);
	api_call_free(c);
	c = graph_add_federated_credential(r->api, api_field(app, "id"), name,
	    issuer, subject);
	if (run_call(r, c, "adding the federated credential")) {
		api_call_free(c);
		rc = 0;
	}
	free(name);
	return rc;
}

/* The secret the connection will hold: a new one of a principal made
 * here (federated: none), or the operator's for an existing one. */
static int
connection_secret(struct step_run *r, json_t *app, struct credential **out)
{
	*out = NULL;
	if (federated(r))
		return 0;
	if (creates_principal(r))
		return (*out = new_secret(r, app)) != NULL ? 0 : -1;
	if (r->secret == NULL)
		return run_fail(r, NULL, "the existing principal's secret is "
		    "needed: give --principal-file with the JSON that az ad sp "
		    "create-for-rbac printed, or paste it in the wizard (p on "
		    "the service principal step)");
	*out = credential_new(CREDENTIAL_BEARER, r->secret->secret);
	return 0;
}

/* A connection of the managed identity (existing NULL: made, else put
 * back as made): federated, naming its clientId; the identity then trusts
 * it. Its id, or NULL (error set). */
static char *
put_identity_connection(struct step_run *r, const char *project,
    const char *sub, const char *existing)
{
	bool failed;
	json_t *mi = identity_read(r, sub, &failed);
	struct ado_arm_connection conn;
	struct api_call *c;
	char *tenant_owned = NULL, *id = NULL;

	if (mi == NULL) {
		if (!failed)
			run_fail(r, "service-principal-missing", "the managed "
			    "identity of %s is missing", run_answer(r,
			    "service_connection"));
		return NULL;
	}
	conn = (struct ado_arm_connection){ run_answer(r,
		"service_connection"), project, r->target.project,
		tenant_of(r, sub, &tenant_owned), sub, NULL,
		api_field(mi, "properties.clientId"), NULL };
	c = conn.tenant_id == NULL ? NULL : existing ?
	    ado_update_arm_endpoint(r->api, existing, &conn) :
	    ado_create_arm_endpoint(r->api, &conn);
	if (c != NULL && run_call(r, c, existing ? "updating the service "
	    "connection" : "creating the service connection")) {
		id = run_field(r, api_call_result(c), "id",
		    "creating the service connection");
		if (id != NULL)
			run_record(r, "id", id);
		if (id != NULL && identity_federate(r, sub, api_call_result(c))
		    == -1) {
			free(id);
			id = NULL;
		}
		api_call_free(c);
	}
	free(tenant_owned);
	json_decref(mi);
	return id;
}

/* Create the connection (existing NULL), or put the existing one back
 * as made; its id, or NULL with the error set. */
static char *
put_connection(struct step_run *r, const char *project, const char *sub,
    const char *existing)
{
	struct principal p;
	struct ado_arm_connection conn;
	struct credential *secret = NULL;
	struct api_call *c;
	char *tenant_owned = NULL, *id = NULL;

	if (identity_way(r))
		return put_identity_connection(r, project, sub, existing);
	if (find_principal(r, sub, &p) == -1)
		return NULL;
	if (p.sp == NULL) {
		principal_clear(&p);
		run_fail(r, "service-principal-missing", "the service principal "
		    "of %s is missing", run_answer(r, "service_connection"));
		return NULL;
	}
	conn = (struct ado_arm_connection){ run_answer(r,
		"service_connection"), project, r->target.project,
		tenant_of(r, sub, &tenant_owned), sub, NULL,
		api_field(p.sp, "appId"), NULL };
	/* Whose application gets a secret or a federated credential from
	 * the connection: a destroy takes them back from it. */
	run_record(r, "app_id", api_field(p.sp, "appId"));
	if (conn.tenant_id != NULL && connection_secret(r, p.app, &secret) == 0) {
		conn.secret = secret;
		c = existing ? ado_update_arm_endpoint(r->api, existing, &conn)
		    : ado_create_arm_endpoint(r->api, &conn);
		if (run_call(r, c, existing ? "updating the service connection"
		    : "creating the service connection")) {
			id = run_field(r, api_call_result(c), "id",
			    "creating the service connection");
			if (id != NULL)
				run_record(r, "id", id);
			if (id != NULL && federated(r) && principal_federate(r,
			    p.app, api_call_result(c)) == -1) {
				free(id);
				id = NULL;
			}
			api_call_free(c);
		}
	}
	credential_free(secret);
	free(tenant_owned);
	principal_clear(&p);
	return id;
}

/*
 * A federated connection found, whose check failed: a run stopped between
 * making (or converting) it and its trust leaves it untrusted. The trust
 * again, on the identity or the application (replacing ours by name).
 */
static int
trust_again(struct step_run *r, const char *sub, json_t *endpoint)
{
	const char *scheme = api_field(endpoint, "authorization.scheme");
	struct api_call *c;
	int rc = 0;

	if (scheme == NULL || strcasecmp(scheme, "WorkloadIdentityFederation")
	    != 0)
		return 0;
	if (identity_way(r))
		return identity_federate(r, sub, endpoint);
	c = graph_find_applications_by_app_id(r->api, api_field(endpoint,
	    "authorization.parameters.serviceprincipalid"));
	if (!run_call(r, c, "reading the connection's application"))
		return -1;
	/* No application here: a principal of another tenant, not ours. */
	if (api_item(c, 0) != NULL)
		rc = principal_federate(r, api_item(c, 0), endpoint);
	api_call_free(c);
	return rc;
}

/*
 * The connection is there, open to all pipelines: when it no longer
 * connects or is not as made (another subscription or principal, a
 * principal made again, its secret ended or ending), put it back as made,
 * with a new secret, keeping its id and what pipelines already use it.
 */
static int
repair_connection(struct step_run *r, const char *project, const char *sub,
    const char *id)
{
	struct check_result res;
	char *put;

	/* The probe's own project: run_project_id's text lives in it, so
	 * it is not forgotten here. */
	probe_run(r->probe, checks_find("connection"), &res);
	if (res.verdict != VERDICT_PROBLEM) {
		check_result_clear(&res);
		return 0;
	}
	run_note(r, "putting the connection back as made (%s)", res.detail);
	check_result_clear(&res);
	put = put_connection(r, project, sub, id);
	free(put);
	return put != NULL ? 0 : -1;
}

static int
apply_service_connection(struct step_run *r)
{
	const char *project = run_project_id(r), *sub = need_azure(r);
	struct api_call *c;
	char *id = NULL;
	bool failed, ok;
	json_t *endpoint;

	if (project == NULL || sub == NULL)
		return -1;
	endpoint = first_of(r, ado_find_endpoints(r->api, project,
	    run_answer(r, "service_connection")), "reading the service "
	    "connections", &failed);
	if (failed)
		return -1;
	id = endpoint ? run_field(r, endpoint, "id", "the service "
	    "connection") : put_connection(r, project, sub, NULL);
	if (id == NULL) {
		json_decref(endpoint);
		return -1;
	}
	/* The guide's "Grant access permission to all pipelines". */
	c = ado_permit(r->api, project, "endpoint", id, 0);
	ok = run_call(r, c, "granting the connection to all pipelines");
	if (ok)
		api_call_free(c);
	/* A federated connection left untrusted by a stopped run is
	 * trusted again before it is judged, not made again. */
	if (ok && endpoint != NULL)
		ok = trust_again(r, sub, endpoint) == 0 &&
		    repair_connection(r, project, sub, id) == 0;
	json_decref(endpoint);
	free(id);
	if (!ok)
		return -1;
	run_detail(r, "%s connects to subscription %s, open to all "
	    "pipelines", run_answer(r, "service_connection"), sub);
	return 0;
}

const struct step_ops steps_azure[] = {
	{ .id = "service-principal", .probe = probe_service_principal,
	    .apply = apply_service_principal, .settle_s = 120 },
	{ .id = "service-connection", .check = "connection",
	    .apply = apply_service_connection, .settle_s = 60 },
	{ .id = NULL },
};
