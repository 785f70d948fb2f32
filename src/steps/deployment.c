/*
 * The guide's last steps: the infrastructure, training and endpoint
 * pipelines of the ML repository, run in order and followed to the end,
 * and the check that Azure holds what they made. A step is done when
 * this repository's pipeline succeeded and Azure shows its result (the
 * workspace, a registered model, the endpoint), so a pipeline that
 * already did its work is not run again.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ado_resources.h"
#include "cloud.h"
#include "names.h"
#include "steps/step.h"
#include "xalloc.h"

/* A pipeline of the ML repository, as initialisation registers it. */
struct deployment {
	const char *step;
	const char *name;
	const char *folder;           /* under \{repository} */
	const char *yaml;
	const char *arm_kind;         /* what it makes in the workspace */
	bool permit_environment;      /* bicep's deployment job */
	bool permit_templates;        /* checks out mlops-templates */
};

static const struct deployment deployments[] = {
	{ "infra-pipeline", "bicep-ado-deploy-infra", "infrastructure",
	    "/infrastructure/pipelines/bicep-ado-deploy-infra.yml", NULL,
	    true, false },
	{ "infra-pipeline", "tf-ado-deploy-infra", "infrastructure",
	    "/infrastructure/devops-pipelines/tf-ado-deploy-infra.yml", NULL,
	    false, true },
	{ "training-pipeline", "deploy-model-training-pipeline", "mlops",
	    "/mlops/devops-pipelines/deploy-model-training-pipeline.yml",
	    "models", false, true },
	{ "online-endpoint", "deploy-online-endpoint-pipeline", "mlops",
	    "/mlops/devops-pipelines/deploy-online-endpoint-pipeline.yml",
	    "onlineEndpoints", false, true },
	{ "batch-endpoint", "deploy-batch-endpoint-pipeline", "mlops",
	    "/mlops/devops-pipelines/deploy-batch-endpoint-pipeline.yml",
	    "batchEndpoints", false, true },
};

/* The pipeline of step (for the infrastructure: the provider's). */
static const struct deployment *
find_deployment(const char *step, bool terraform)
{
	for (size_t i = 0; i < sizeof deployments / sizeof *deployments; i++)
		if (strcmp(deployments[i].step, step) == 0 &&
		    (strcmp(step, "infra-pipeline") != 0 ||
		    (strncmp(deployments[i].name, "tf-", 3) == 0) == terraform))
			return &deployments[i];
	return NULL;
}

static const struct deployment *
deployment_of(struct step_run *r, const char *step)
{
	return find_deployment(step, strcmp(run_answer(r, "infrastructure"),
	    "terraform") == 0);
}

const char *
deployment_name(const char *step, bool terraform)
{
	const struct deployment *d = find_deployment(step, terraform);

	return d ? d->name : NULL;
}

const char *
deployment_yaml(const char *step, bool terraform)
{
	const struct deployment *d = find_deployment(step, terraform);

	return d ? d->yaml : NULL;
}

static void
derive(struct step_run *r, struct names *n)
{
	struct names_input in = { run_answer(r, "namespace"),
		run_answer(r, "postfix"), r->environment,
		run_answer(r, "infrastructure"), run_answer(r, "project_type") };

	names_derive(n, &in);
}

/* Whether Azure holds the result of d: 1, 0, or -1 (error set). */
static int
azure_holds(struct step_run *r, const struct deployment *d)
{
	const char *sub = run_answer(r, "subscription_id");
	struct names n;
	struct api_call *c;
	const char *name;
	int found;

	if (sub == NULL || r->probe->azure == NULL)
		return run_fail(r, NULL, "%s", sub == NULL ? "give "
		    "subscription_id in the answers to check Azure" :
		    "not signed in to Azure");
	derive(r, &n);
	name = d->arm_kind == NULL ? NULL : strcmp(d->arm_kind,
	    "onlineEndpoints") == 0 ? n.online_endpoint : strcmp(d->arm_kind,
	    "batchEndpoints") == 0 ? n.batch_endpoint : NULL;
	c = d->arm_kind == NULL ? arm_get_workspace(r->api, sub,
	    n.resource_group, n.workspace) : arm_get_ml(r->api, sub,
	    n.resource_group, n.workspace, d->arm_kind, name);
	api_wait(r->api, c);
	if (api_call_error(c)->kind == API_NOT_FOUND)
		found = 0;
	else if (!run_call(r, c, "reading Azure"))
		found = -1;
	else
		found = name != NULL || d->arm_kind == NULL || api_count(c) > 0;
	if (found >= 0)
		api_call_free(c);
	names_free(&n);
	return found;
}

/*
 * Whether the pipeline the step made is still as made: 0, 1 with
 * *changes (deleted, another YAML path or branch), -1 (error set). A
 * step that recorded none (an older state) is taken as made.
 */
static int
made_pipeline_drift(struct step_run *r, const struct deployment *d,
    char **changes)
{
	const char *recorded = run_recorded(r, "pipeline");
	const char *project;

	*changes = NULL;
	if (recorded == NULL || (project = run_project_id(r)) == NULL)
		return recorded == NULL ? 0 : -1;
	return pipeline_drift(r, project, atol(recorded), d->yaml,
	    PIPELINE_MADE_BRANCH, changes);
}

/* This repository's pipeline d: the id of its newest ended run when that
 * succeeded, 0 when none did (or there is no project or pipeline yet),
 * -1 with the error set. */
static long
own_run_succeeded(struct step_run *r, const struct deployment *d)
{
	const char *project = run_project_id(r);
	char *folder;
	long run;

	if (project == NULL) {
		free(r->error);         /* an earlier step makes it */
		r->error = NULL;
		r->error_id = NULL;
		return 0;
	}
	folder = xasprintf("\\%s\\%s", r->target.repository, d->folder);
	run = pipeline_succeeded(r, project, d->name, folder);
	free(folder);
	return run;
}

/*
 * Done when this repository's own pipeline has run to success and Azure
 * holds what it makes. Azure alone is no proof: a second ML repository
 * with the same namespace and postfix finds the first one's workspace
 * and endpoints, yet its own pipelines never ran.
 */
static enum step_probe
probe_deployment(struct step_run *r)
{
	const struct deployment *d = deployment_of(r, r->step->id);
	long run = own_run_succeeded(r, d);
	int held = run > 0 ? azure_holds(r, d) : 0, drifted = 0;
	char *changes = NULL;

	if (run > 0 && held > 0)
		drifted = made_pipeline_drift(r, d, &changes);
	if (run < 0 || held < 0 || drifted < 0) {
		run_detail(r, "%s", r->error);
		return PROBE_UNKNOWN;
	}
	if (drifted)
		run_detail(r, "%s succeeded (run %ld) and Azure holds what it "
		    "makes, but the pipeline is not as made (%s): put it back",
		    d->name, run, changes);
	else if (run > 0 && held)
		run_detail(r, "%s succeeded (run %ld) and Azure holds what it "
		    "makes", d->name, run);
	else if (run > 0)
		run_detail(r, "%s succeeded (run %ld), but Azure does not hold "
		    "what it makes (deleted?): run it again", d->name, run);
	else
		run_detail(r, "run %s from %s", d->name, run_answer(r,
		    "branch"));
	free(changes);
	return run > 0 && held && !drifted ? PROBE_DONE : PROBE_TODO;
}

/* Authorise what the pipeline uses besides the connection, which the
 * connection step opened to all pipelines. */
static int
permit_resources(struct step_run *r, const struct deployment *d,
    const char *project, long pipeline)
{
	struct api_call *c;
	char *id = NULL, *resource;
	int rc;

	if (d->permit_environment) {
		c = ado_find_environments(r->api, project, r->environment);
		if (!run_call(r, c, "reading the environments"))
			return -1;
		id = api_count(c) ? xasprintf("%" JSON_INTEGER_FORMAT,
		    json_integer_value(json_object_get(api_item(c, 0), "id"))) :
		    NULL;
		api_call_free(c);
		if (id == NULL)
			return run_fail(r, "environment-missing", "there is no "
			    "environment '%s'", r->environment);
		rc = pipeline_permit(r, project, "environment", id, pipeline);
		free(id);
		if (rc == -1)
			return -1;
	}
	if (!d->permit_templates)
		return 0;
	if ((id = run_repository_id(r, project, "mlops-templates")) == NULL)
		return -1;
	resource = xasprintf("%s.%s", project, id);
	rc = pipeline_permit(r, project, "repository", resource, pipeline);
	free(resource);
	free(id);
	return rc;
}

/*
 * Before the infrastructure's first run: whether its resource group is
 * there already. One that is was made before the setup (found: a destroy
 * leaves it); one that is not is this setup's, with the workspace and the
 * Key Vault the run puts in it - recorded before the run, so that a stop
 * at any moment after leaves it known. 0, or -1 with the error set.
 */
static int
record_resource_group(struct step_run *r)
{
	const char *sub = run_answer(r, "subscription_id");
	struct api_call *c;
	struct names n;
	enum api_error_kind kind;

	if (run_recorded(r, "resource_group") != NULL ||
	    run_recorded(r, "run") != NULL || sub == NULL)
		return 0;
	derive(r, &n);
	c = arm_get_resource_group(r->api, sub, n.resource_group);
	api_wait(r->api, c);
	kind = api_call_error(c)->kind;
	if (kind == API_OK)
		run_record_found(r, "resource_group", n.resource_group);
	else if (kind == API_NOT_FOUND) {
		run_record(r, "workspace", n.workspace);
		run_record(r, "key_vault", n.key_vault);
		run_record(r, "location", run_answer(r, "location"));
		run_record(r, "resource_group", n.resource_group);
	}
	if (kind == API_OK || kind == API_NOT_FOUND)
		api_call_free(c);
	else
		run_call(r, c, "reading the resource group");
	names_free(&n);
	return kind == API_OK || kind == API_NOT_FOUND ? 0 : -1;
}

static int
apply_deployment(struct step_run *r)
{
	const struct deployment *d = deployment_of(r, r->step->id);
	const char *project = run_project_id(r);
	char *repo, *folder, *text;
	long pipeline, ran;
	int held;

	if (project == NULL || (d->arm_kind == NULL &&
	    record_resource_group(r) == -1) ||
	    (repo = run_repository_id(r, project, r->target.repository)) == NULL)
		return -1;
	folder = xasprintf("\\%s\\%s", r->target.repository, d->folder);
	pipeline = pipeline_ensure(r, project, d->name, folder, repo, d->yaml,
	    NULL);
	free(folder);
	free(repo);
	if (pipeline == 0)
		return -1;
	text = xasprintf("%ld", pipeline);
	run_record(r, "pipeline", text);
	free(text);
	if (pipeline_restore(r, project, pipeline, d->yaml,
	    PIPELINE_MADE_BRANCH) == -1 || permit_resources(r, d, project,
	    pipeline) == -1)
		return -1;
	/* Only the definition had drifted: its run succeeded and what it
	 * makes is there, so it is put back, not run again. A pipeline made
	 * again has no run of its own yet: it runs. */
	ran = own_run_succeeded(r, d);
	held = ran > 0 ? azure_holds(r, d) : 0;
	if (ran < 0 || held < 0)
		return -1;
	if (ran > 0 && held) {
		run_detail(r, "%s is as made again; Azure holds what it makes",
		    d->name);
		return 0;
	}
	if (pipeline_run(r, project, pipeline, d->name, run_answer(r,
	    "branch"), NULL) == -1)
		return -1;
	run_detail(r, "%s succeeded (run %s)", d->name, run_recorded(r, "run"));
	return 0;
}

/* ---- what Azure holds at the end --------------------------------------- */

static enum step_probe
probe_verify_azure(struct step_run *r)
{
	static const char *const wanted[] = { "infra-pipeline",
		"training-pipeline", "online-endpoint", "batch-endpoint" };
	const char *const answers[] = { NULL, NULL, "deploy_online",
		"deploy_batch" };
	char *missing = xstrdup("");
	bool all;

	for (size_t i = 0; i < 4; i++) {
		const char *on = answers[i] ? run_answer(r, answers[i]) : "true";
		const struct deployment *d;
		char *more;
		int held;

		if (strcmp(on, "true") != 0)
			continue;
		d = deployment_of(r, wanted[i]);
		held = azure_holds(r, d);
		if (held < 0) {
			free(missing);
			run_detail(r, "%s", r->error);
			return PROBE_UNKNOWN;
		}
		if (held)
			continue;
		more = xasprintf("%s%s%s", missing, *missing ? ", " : "",
		    d->arm_kind ? d->arm_kind : "the workspace");
		free(missing);
		missing = more;
	}
	all = *missing == '\0';
	if (all)
		run_detail(r, "Azure holds the workspace, the model and the "
		    "endpoints chosen");
	else
		run_detail(r, "Azure lacks %s", missing);
	free(missing);
	return all ? PROBE_DONE : PROBE_TODO;
}

const struct step_ops steps_deployment[] = {
	{ .id = "infra-pipeline", .probe = probe_deployment,
	    .apply = apply_deployment },
	{ .id = "training-pipeline", .probe = probe_deployment,
	    .apply = apply_deployment },
	{ .id = "online-endpoint", .probe = probe_deployment,
	    .apply = apply_deployment },
	{ .id = "batch-endpoint", .probe = probe_deployment,
	    .apply = apply_deployment },
	{ .id = "verify-azure", .probe = probe_verify_azure },
	{ .id = NULL },
};
