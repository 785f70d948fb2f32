/*
 * The guide's second section: the scenario check, the ML project
 * repository with its first commit, and the build identity's rights on it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ado_git.h"
#include "ado_security.h"
#include "scenario.h"
#include "steps/step.h"
#include "xalloc.h"

/* ---- the scenario ----------------------------------------------------- */

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

/* ---- the ML repository ------------------------------------------------ */

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
	struct api_call *c = ado_push_file(r->api, project, repo, "main", NULL,
	    "/README.md", readme, true, "Add README");
	bool ok = run_call(r, c, "pushing the first commit");

	free(readme);
	if (!ok)
		return -1;
	api_call_free(c);
	return 0;
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
	run_record(r, "id", repo);
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

/* ---- the build identity's rights on it -------------------------------- */

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

const struct step_ops steps_project_repo[] = {
	{ .id = "scenario", .probe = probe_scenario },
	{ .id = "ml-repository", .check = "ml-repo",
	    .apply = apply_ml_repository },
	{ .id = "repository-permissions", .check = "ml-repo-rights",
	    .apply = apply_repository_permissions, .settle_s = 60 },
	{ .id = NULL },
};
