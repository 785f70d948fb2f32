/*
 * principal_way managed-identity: a user-assigned managed identity in a
 * resource group of the operator's choice (identity_resource_group,
 * created when missing) deploys instead of an application. It has no
 * secret at all: the service connection is a workload identity federation
 * one naming the identity's clientId, and the identity trusts the
 * connection's issuer and subject through a federated credential of its
 * own (ARM, not Graph). principal.c calls these for that way.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cloud.h"
#include "steps/identity.h"
#include "xalloc.h"

bool
identity_way(struct step_run *r)
{
	const char *way = run_answer(r, "principal_way");

	return way != NULL && strcmp(way, "managed-identity") == 0;
}

static const char *
identity_group(struct step_run *r)
{
	return run_answer(r, "identity_resource_group");
}

/* The guide's principal name, Azure-ARM-<Env>-<project>, in the
 * characters an identity's name takes (letters, digits, - and _). */
char *
identity_name(struct step_run *r)
{
	char *name = xasprintf("%s-%s", run_answer(r, "service_connection"),
	    r->target.project);

	for (char *c = name; *c != '\0'; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			*c = '-';
	return name;
}

json_t *
identity_read(struct step_run *r, const char *sub, bool *failed)
{
	char *name = identity_name(r);
	struct api_call *c = arm_get_identity(r->api, sub, identity_group(r),
	    name);
	json_t *mi = NULL;

	free(name);
	api_wait(r->api, c);
	*failed = false;
	/* No resource group is no identity either: both a 404. */
	if (api_call_error(c)->kind == API_NOT_FOUND) {
		api_call_free(c);
		return NULL;
	}
	*failed = !run_call(r, c, "reading the managed identity");
	if (*failed)
		return NULL;
	mi = json_incref(api_call_result(c));
	api_call_free(c);
	return mi;
}

/* The resource group, created when missing; recorded as created or found
 * (a destroy removes only what was created). 0, or -1 with the error. */
static int
ensure_group(struct step_run *r, const char *sub)
{
	const char *rg = identity_group(r);
	struct api_call *c = arm_get_resource_group(r->api, sub, rg);
	bool missing;

	api_wait(r->api, c);
	missing = api_call_error(c)->kind == API_NOT_FOUND;
	if (!missing && !run_call(r, c, "reading the resource group"))
		return -1;
	api_call_free(c);
	if (!missing) {
		if (run_recorded(r, "identity_resource_group") == NULL)
			run_record(r, "identity_resource_group", "found");
		return 0;
	}
	c = arm_put_resource_group(r->api, sub, rg, run_answer(r, "location"));
	if (!run_call(r, c, "creating the resource group"))
		return -1;
	api_call_free(c);
	run_record(r, "identity_resource_group", "created");
	return 0;
}

json_t *
identity_ensure(struct step_run *r, const char *sub)
{
	char *name;
	struct api_call *c;
	json_t *mi;

	if (identity_group(r) == NULL) {
		run_fail(r, NULL, "give identity_resource_group for %s: the "
		    "resource group the managed identity goes in",
		    r->environment);
		return NULL;
	}
	if (ensure_group(r, sub) == -1)
		return NULL;
	/* PUT answers the identity there as it is: never a second one. */
	name = identity_name(r);
	c = arm_put_identity(r->api, sub, identity_group(r), name,
	    run_answer(r, "location"));
	free(name);
	if (!run_call(r, c, "creating the managed identity"))
		return NULL;
	mi = json_incref(api_call_result(c));
	api_call_free(c);
	run_record(r, "identity", api_field(mi, "id"));
	run_record(r, "principal", api_field(mi, "properties.principalId"));
	/* As an application's appId: what the connection names, and what
	 * drift compares the connection with. */
	run_record(r, "app_id", api_field(mi, "properties.clientId"));
	if (api_field(mi, "properties.principalId") == NULL ||
	    api_field(mi, "properties.clientId") == NULL) {
		json_decref(mi);
		run_fail(r, NULL, "the managed identity came without its "
		    "principalId and clientId");
		return NULL;
	}
	return mi;
}

int
identity_federate(struct step_run *r, const char *sub, json_t *endpoint)
{
	const char *issuer = api_field(endpoint, "authorization.parameters."
	    "workloadIdentityFederationIssuer");
	const char *subject = api_field(endpoint, "authorization.parameters."
	    "workloadIdentityFederationSubject");
	char *name, *fic;
	struct api_call *c;
	int rc = -1;

	if (issuer == NULL || subject == NULL)
		return run_fail(r, "federated-credential-mismatch", "the "
		    "connection gave no issuer and subject to trust");
	name = identity_name(r);
	fic = xasprintf("mlops-tui-%s", run_answer(r, "service_connection"));
	/* PUT by name replaces what an earlier connection left there. */
	c = arm_put_identity_credential(r->api, sub, identity_group(r), name,
	    fic, issuer, subject);
	if (run_call(r, c, "adding the identity's federated credential")) {
		api_call_free(c);
		rc = 0;
	}
	free(fic);
	free(name);
	return rc;
}
