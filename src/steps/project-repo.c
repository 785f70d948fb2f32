/*
 * The guide's second section: the scenario check, the ML project
 * repository with its first commit, and the build identity's rights on it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ado_build.h"
#include "ado_git.h"
#include "ado_security.h"
#include "scenario.h"
#include "steps/step.h"
#include "xalloc.h"

/* ---- the scenario ------------------------------------------------------ */

static enum step_probe
probe_scenario(struct step_run *r)
{
	const char *type = run_answer(r, "project_type");
	const char *interface = run_answer(r, "interface");
	const char *infra = run_answer(r, "infrastructure");
	struct scenario_verdict v;

	scenario_judge(type, interface, infra, &v);
	if (v.error != NULL) {
		run_fail(r, NULL, "%s %s with %s: %s", type, interface, infra,
		    v.error);
		run_detail(r, "%s", r->error);
		return PROBE_TODO;
	}
	run_detail(r, "%s %s with %s exists in the templates%s%s", type,
	    interface, infra, v.warning ? "; warning: " : "",
	    v.warning ? v.warning : "");
	return PROBE_DONE;
}

/* ---- the ML repository ------------------------------------------------- */

static const char *
repository_name(struct step_run *r)
{
	return r->target.repository;
}

static int
first_commit(struct step_run *r, const char *project, const char *repo)
{
	char *readme = xasprintf("# %s\n\nThe ML project of this MLOps V2 "
	    "setup.\n", repository_name(r));
	struct push_file push = { repo, "main", NULL, "/README.md", readme,
		"Add README", "pushing the first commit", true };
	int rc = run_push(r, project, &push);

	free(readme);
	return rc;
}

static int
apply_ml_repository(struct step_run *r)
{
	const char *project = run_project_id(r);
	struct api_call *c;
	char *repo;
	int rc = -1;

	if (project == NULL)
		return -1;
	repo = run_repository(r, project, repository_name(r));
	if (repo == NULL)
		return -1;
	/* Only an empty repository gets the first commit: never a second. */
	c = ado_get_repository(r->api, project, repo);
	if (run_call(r, c, "reading the repository")) {
		bool empty = api_field(api_call_result(c), "defaultBranch") ==
		    NULL;

		api_call_free(c);
		rc = empty ? first_commit(r, project, repo) : 0;
	}
	if (rc == 0)
		run_detail(r, "%s exists with a first commit on main",
		    repository_name(r));
	free(repo);
	return rc;
}

/* ---- the build identity's rights on it --------------------------------- */

static int
apply_repository_permissions(struct step_run *r)
{
	const char *project = run_project_id(r);
	struct check_result res = { 0 };
	json_t *repo;
	char *token;
	struct api_call *c;

	if (project == NULL)
		return -1;
	repo = probe_repository(r->probe, &res, repository_name(r));
	if (repo == NULL || !probe_identity(r->probe, &res)) {
		run_fail(r, res.error_id, "%s", res.detail);
		check_result_clear(&res);
		return -1;
	}
	check_result_clear(&res);
	token = xasprintf("repoV2/%s/%s", project, api_field(repo, "id"));
	c = ado_allow(r->api, ADO_NS_GIT, token, r->probe->identity_descriptor,
	    GIT_CONTRIBUTE | GIT_CREATE_BRANCH);
	free(token);
	if (!run_call(r, c, "granting Contribute and Create branch"))
		return -1;
	api_call_free(c);
	run_record(r, "identity", r->probe->identity_name);
	run_detail(r, "%s may contribute to %s and create branches",
	    r->probe->identity_name, repository_name(r));
	return 0;
}

/* ---- filling the ML repository ----------------------------------------- */

/* What the initialisation leaves on main: the scenario's folders and the
 * config files. Only the config files means it copied nothing. */
static const char *const initialised[] = { "/mlops", "/data-science",
	"/config-infra-prod.yml" };

/* How many of initialised[] are on main of the ML repository; -1 when
 * it cannot be read (error set). */
static int
count_initialised(struct step_run *r, const char *project, bool *config)
{
	int found = 0;

	*config = false;
	for (size_t i = 0; i < 3; i++) {
		struct api_call *c = ado_get_item(r->api, project,
		    repository_name(r), initialised[i], "main");

		api_wait(r->api, c);
		if (api_call_error(c)->kind == API_OK) {
			found++;
			*config |= i == 2;
		} else if (api_call_error(c)->kind != API_NOT_FOUND) {
			run_call(r, c, "reading the ML repository");
			return -1;
		}
		api_call_free(c);
	}
	return found;
}

static enum step_probe
probe_initialise(struct step_run *r)
{
	struct check_result res = { 0 };
	json_t *repo = probe_repository(r->probe, &res, repository_name(r));
	const char *project = repo ? api_field(r->probe->project, "id") : NULL;
	bool config;
	int found;

	if (repo == NULL) {
		run_detail(r, "%s", res.detail);
		r->subject_missing = res.missing_error != NULL;
		check_result_clear(&res);
		return r->subject_missing ? PROBE_TODO : PROBE_UNKNOWN;
	}
	check_result_clear(&res);
	found = count_initialised(r, project, &config);
	if (found < 0) {
		run_detail(r, "%s", r->error);
		return PROBE_UNKNOWN;
	}
	if (found == 3) {
		run_detail(r, "%s holds the ML project (mlops, data-science, "
		    "config-infra)", repository_name(r));
		return PROBE_DONE;
	}
	if (config) {
		run_detail(r, "%s has the config files but not the project: "
		    "the initialisation copied nothing", repository_name(r));
		r->error_id = "initialise-copied-nothing";
	}
	else if (strcmp(run_answer(r, "initialise_way"), "local") == 0)
		run_detail(r, "compose the %s %s project with %s locally and "
		    "push it", run_answer(r, "project_type"), run_answer(r,
		    "interface"), run_answer(r, "infrastructure"));
	else
		run_detail(r, "run initialise-project for %s %s with %s",
		    run_answer(r, "project_type"), run_answer(r, "interface"),
		    run_answer(r, "infrastructure"));
	return PROBE_TODO;
}

static json_t *
initialise_parameters(struct step_run *r)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "adoProjectName", r->target.project, "repoName",
	    repository_name(r), "mlopsRepoName", "mlops-v2",
	    "mlOpsProjectRepoName", run_answer(r, "template_repository"),
	    "projectType", run_answer(r, "project_type"), "mlopsVersion",
	    run_answer(r, "interface"), "infrastructure_version",
	    run_answer(r, "infrastructure"));
}

/* Authorise, for the initialise pipeline, the repositories it checks
 * out besides its own: the template repository and the ML repository. */
static int
permit_checkouts(struct step_run *r, const char *project, long pipeline)
{
	const char *names[] = { run_answer(r, "template_repository"),
		repository_name(r) };

	for (size_t i = 0; i < 2; i++) {
		char *id = run_repository_id(r, project, names[i]), *resource;
		int rc;

		if (id == NULL)
			return -1;
		resource = xasprintf("%s.%s", project, id);
		rc = pipeline_permit(r, project, "repository", resource,
		    pipeline);
		free(resource);
		free(id);
		if (rc == -1)
			return -1;
	}
	return 0;
}

static int
initialise_by_pipeline(struct step_run *r, const char *project)
{
	char *mlops = run_repository_id(r, project, "mlops-v2"), *text;
	const char *made = run_recorded(r, "pipeline");
	long pipeline;
	bool found;

	if (mlops == NULL)
		return -1;
	pipeline = pipeline_ensure(r, project, "initialise-project", "\\",
	    mlops, "/.azuredevops/initialise-project.yml", &found);
	free(mlops);
	if (pipeline == 0)
		return -1;
	text = xasprintf("%ld", pipeline);
	/* One this setup made before a stop is its own, not found. */
	if (found && (made == NULL || strcmp(made, text) != 0 ||
	    state_created_found(r->created, "pipeline")))
		run_record_found(r, "pipeline", text);
	else
		run_record(r, "pipeline", text);
	free(text);
	if (permit_checkouts(r, project, pipeline) == -1)
		return -1;
	return pipeline_run(r, project, pipeline, "initialise-project", "main",
	    initialise_parameters(r));
}

static int
apply_initialise(struct step_run *r)
{
	const char *project = run_project_id(r);
	const char *way = run_answer(r, "initialise_way");
	bool config;
	int found;

	if (project == NULL)
		return -1;
	found = count_initialised(r, project, &config);
	if (found < 0)
		return -1;
	/* A run that copied nothing cannot be repeated over its result. */
	if (config && found < 3 && run_recorded(r, "run") == NULL)
		return run_fail(r, "initialise-copied-nothing", "%s has the "
		    "config files but not the project", repository_name(r));
	if (strcmp(way, "local") == 0) {
		if (initialise_locally(r, project) == -1)
			return -1;
		run_detail(r, "filled %s locally (commit %.12s) and registered "
		    "its pipelines", repository_name(r), run_recorded(r,
		    "commit"));
		return 0;
	}
	if (initialise_by_pipeline(r, project) == -1)
		return -1;
	run_detail(r, "initialise-project filled %s", repository_name(r));
	return 0;
}

const struct step_ops steps_project_repo[] = {
	{ .id = "scenario", .probe = probe_scenario },
	{ .id = "ml-repository", .check = "ml-repo",
	    .apply = apply_ml_repository },
	{ .id = "repository-permissions", .check = "ml-repo-rights",
	    .apply = apply_repository_permissions, .settle_s = 60 },
	{ .id = "initialise", .probe = probe_initialise,
	    .apply = apply_initialise },
	{ .id = NULL },
};
