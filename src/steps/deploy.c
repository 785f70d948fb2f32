/*
 * The guide's third section: the environments, the names, the Azure
 * side, and the pipelines. Steps this version cannot do yet have no
 * apply: their probe still notices what was done by hand.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ado_resources.h"
#include "cloud.h"
#include "steps/step.h"
#include "xalloc.h"

static int
apply_environment(struct step_run *r)
{
	const char *project = run_project_id(r);
	struct api_call *c;

	if (project == NULL)
		return -1;
	c = ado_create_environment(r->api, project, r->environment);
	if (!run_call(r, c, "creating the environment"))
		return -1;
	run_record(r, "id", api_field(api_call_result(c), "id"));
	api_call_free(c);
	run_detail(r, "created the environment %s", r->environment);
	return 0;
}

/* The resource providers the accelerator's deployments use. */
static const char *const providers[] = {
	"Microsoft.MachineLearningServices", "Microsoft.Storage",
	"Microsoft.KeyVault", "Microsoft.ContainerRegistry",
	"Microsoft.Insights",
};

static int
apply_resource_providers(struct step_run *r)
{
	const char *sub = run_answer(r, "subscription_id");

	if (sub == NULL)
		return run_fail(r, NULL, "no subscription_id for %s",
		    r->environment);
	if (r->probe->azure == NULL)
		return run_fail(r, NULL, "not signed in to Azure: %s",
		    r->conn->azure_error ? r->conn->azure_error : "no sign-in");
	for (size_t i = 0; i < sizeof providers / sizeof *providers; i++) {
		struct api_call *c = arm_register_provider(r->api, sub,
		    providers[i]);

		if (!run_call(r, c, providers[i]))
			return -1;
		api_call_free(c);
	}
	run_detail(r, "registered the resource providers");
	return 0;
}

const struct step_ops steps_deploy[] = {
	{ .id = "service-connection", .check = "connection" },
	{ .id = "environment", .check = "environment",
	    .apply = apply_environment },
	{ .id = "names", .check = "names" },
	{ .id = "resource-providers", .check = "providers",
	    .apply = apply_resource_providers, .settle_s = 120 },
	{ .id = NULL },
};
