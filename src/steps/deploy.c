/*
 * The guide's third section: the environments, the names, the Azure
 * side, and the pipelines. Steps this version cannot do yet have no
 * apply: their probe still notices what was done by hand.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ado_git.h"
#include "ado_resources.h"
#include "cloud.h"
#include "infracfg.h"
#include "steps/step.h"
#include "xalloc.h"

/* An environment's id (a number, not a string) as text; NULL: none. */
static char *
environment_id(const json_t *environment)
{
	json_int_t id = json_integer_value(json_object_get(environment, "id"));

	return id > 0 ? xasprintf("%" JSON_INTEGER_FORMAT, id) : NULL;
}

/*
 * Made between the probe and the create by someone else - another ML
 * project of the same run, whose pipelines deploy to the same
 * environment, or a person: it is taken as found (this setup did not
 * make it, and its destroy leaves it). 0, or -1 (said).
 */
static int
take_made_meanwhile(struct step_run *r, const char *project)
{
	struct api_call *c = ado_find_environments(r->api, project,
	    r->environment);
	char *id;

	if (!run_call(r, c, "reading the environments"))
		return -1;
	id = api_count(c) ? environment_id(api_item(c, 0)) : NULL;
	api_call_free(c);
	if (id == NULL)
		return run_fail(r, NULL, "creating the environment: it exists, "
		    "says Azure DevOps, but it cannot be read");
	run_record_found(r, "id", id);
	free(id);
	run_detail(r, "the environment %s, made meanwhile by another",
	    r->environment);
	return 0;
}

static int
apply_environment(struct step_run *r)
{
	const char *project = run_project_id(r);
	struct api_call *c;
	char *id;

	if (project == NULL)
		return -1;
	c = ado_create_environment(r->api, project, r->environment);
	api_wait(r->api, c);
	if (api_call_error(c)->kind == API_CONFLICT) {
		api_call_free(c);
		return take_made_meanwhile(r, project);
	}
	if (!run_call(r, c, "creating the environment"))
		return -1;
	id = environment_id(api_call_result(c));
	api_call_free(c);
	if (id == NULL)
		return run_fail(r, NULL, "creating the environment: the answer "
		    "has no id");
	run_record(r, "id", id);
	free(id);
	run_detail(r, "created the environment %s", r->environment);
	return 0;
}

/* ---- config-infra-<env>.yml ---------------------------------------------- */

static char *
config_path(struct step_run *r)
{
	return xasprintf("/config-infra-%s.yml", r->environment);
}

/* What the file must say: the answers, and the connection's name. */
static size_t
wanted_values(struct step_run *r, struct infracfg_set *sets)
{
	size_t n = 0;

	sets[n++] = (struct infracfg_set){ "namespace",
		run_answer(r, "namespace") };
	sets[n++] = (struct infracfg_set){ "postfix", run_answer(r, "postfix") };
	sets[n++] = (struct infracfg_set){ "location",
		run_answer(r, "location") };
	sets[n++] = (struct infracfg_set){ "ado_service_connection_rg",
		run_answer(r, "service_connection") };
	sets[n++] = (struct infracfg_set){ "ado_service_connection_aml_ws",
		run_answer(r, "service_connection") };
	/* The shipped value points at a folder initialisation flattens. */
	if (strcmp(run_answer(r, "infrastructure"), "terraform") == 0)
		sets[n++] = (struct infracfg_set){ "terraform_workingdir",
			"infrastructure" };
	return n;
}

/* The file's text and the branch tip it was read at; NULL: error set. */
static char *
read_config(struct step_run *r, const char *project, char **tip)
{
	const char *branch = run_answer(r, "branch");
	char *path = config_path(r), *text = NULL;
	struct api_call *c;
	bool failed;

	*tip = run_branch_tip(r, project, r->target.repository, branch,
	    &failed);
	if (*tip == NULL && !failed)
		run_fail(r, NULL, "%s has no branch %s yet",
		    r->target.repository, branch);
	if (*tip != NULL) {
		c = ado_get_item(r->api, project, r->target.repository, path,
		    branch);
		if (run_call(r, c, path + 1)) {
			text = run_field(r, api_call_result(c), "content",
			    path + 1);
			api_call_free(c);
		}
	}
	free(path);
	if (text == NULL) { /* the tip alone is no use to the caller */
		free(*tip);
		*tip = NULL;
	}
	return text;
}

/* Which of the wanted values the file does not say yet, or NULL. */
static char *
differences(const char *text, const struct infracfg_set *sets, size_t n)
{
	char *list = NULL;

	for (size_t i = 0; i < n; i++) {
		char *cause = NULL, *v = infracfg_get(text, strlen(text),
		    sets[i].name, &cause);
		char *more;

		free(cause);
		if (v != NULL && strcmp(v, sets[i].value) == 0) {
			free(v);
			continue;
		}
		more = xasprintf("%s%s%s %s (now %s)", list ? list : "",
		    list ? ", " : "", sets[i].name, sets[i].value, v ? v :
		    "missing");
		free(list);
		free(v);
		list = more;
	}
	return list;
}

static enum step_probe
probe_config_infra(struct step_run *r)
{
	struct infracfg_set sets[6];
	size_t n = wanted_values(r, sets);
	const char *project = run_project_id(r);
	char *tip, *text, *diff;

	if (sets[0].value == NULL || sets[1].value == NULL) {
		run_fail(r, NULL, "give namespace and postfix for %s in the "
		    "answers", r->environment);
		run_detail(r, "%s", r->error);
		return PROBE_UNKNOWN;
	}
	if (project == NULL) {
		/* No project yet is what an earlier step makes, not a
		 * failure: the detail below says what will be done. */
		free(r->error);
		r->error = NULL;
		r->error_id = NULL;
	}
	if (project == NULL || (text = read_config(r, project, &tip)) ==
	    NULL) {
		run_detail(r, "set %s, %s and %s in config-infra-%s.yml once "
		    "it exists", sets[0].value, sets[1].value, sets[2].value,
		    r->environment);
		return PROBE_TODO;
	}
	diff = differences(text, sets, n);
	bool same = diff == NULL;

	if (same)
		run_detail(r, "config-infra-%s.yml says namespace %s, postfix "
		    "%s, location %s", r->environment, sets[0].value,
		    sets[1].value, sets[2].value);
	else
		run_detail(r, "set %s in config-infra-%s.yml", diff,
		    r->environment);
	free(diff);
	free(text);
	free(tip);
	return same ? PROBE_DONE : PROBE_TODO;
}

static int
push_config(struct step_run *r, const char *project, const char *tip,
    const char *text)
{
	char *path = config_path(r), *message = xasprintf("Set the names and "
	    "region of %s (mlops-tui)", r->environment);
	struct push_file push = { r->target.repository, run_answer(r,
		"branch"), tip, path, text, message, "pushing the config file",
		false };
	int rc = run_push(r, project, &push);

	free(message);
	free(path);
	return rc;
}

/*
 * Make branch at commit. The refs API answers 200 whatever became of the
 * update: its updateStatus says. A stale old id means the branch is there
 * already (a resend of a create whose answer was lost finds it so).
 */
static int
create_branch(struct step_run *r, const char *project, const char *branch,
    const char *commit)
{
	struct api_call *c = ado_create_branch(r->api, project,
	    r->target.repository, branch, commit);
	const char *status;
	int rc = 0;

	if (!run_call(r, c, "creating the branch"))
		return -1;
	status = api_count(c) > 0 ? api_field(api_item(c, 0), "updateStatus") :
	    NULL;
	if (status != NULL && strcmp(status, "succeeded") != 0 &&
	    strcmp(status, "staleOldObjectId") != 0)
		rc = run_fail(r, NULL, "creating the branch %s of %s: %s", branch,
		    r->target.repository, strcmp(status, "forcePushRequired") ==
		    0 ? "the identity may not create branches there" : status);
	api_call_free(c);
	return rc;
}

/* The environment's branch, made from main when it is not there: the
 * runs of a dev environment come from it. */
static int
ensure_branch(struct step_run *r, const char *project)
{
	const char *branch = run_answer(r, "branch");
	const char *repo = r->target.repository;
	char *tip, *main_tip = NULL;
	bool found, failed;

	tip = run_branch_tip(r, project, repo, branch, &failed);
	found = tip != NULL;
	free(tip);
	if (failed)
		return -1;
	if (!found && (main_tip = run_branch_tip(r, project, repo, "main",
	    &failed)) == NULL && failed)
		return -1;
	if (!found && main_tip == NULL)
		run_fail(r, "repository-has-no-main", "%s has no branch main "
		    "to make %s from", r->target.repository, branch);
	else if (!found)
		found = create_branch(r, project, branch, main_tip) == 0;
	free(main_tip);
	return found ? 0 : -1;
}

static int
apply_config_infra(struct step_run *r)
{
	struct infracfg_set sets[6];
	size_t n = wanted_values(r, sets);
	const char *project = run_project_id(r);
	char *tip = NULL, *text, *edited = NULL, *cause = NULL;
	int rc = -1;

	if (project == NULL || ensure_branch(r, project) == -1 ||
	    (text = read_config(r, project, &tip)) == NULL)
		return -1;
	if (infracfg_edit(text, strlen(text), sets, n, &edited, &cause) == -1)
		run_fail(r, NULL, "config-infra-%s.yml: %s", r->environment,
		    cause);
	else if (strcmp(edited, text) == 0)
		rc = 0;
	else
		rc = push_config(r, project, tip, edited);
	if (rc == 0)
		run_detail(r, "set namespace %s, postfix %s and location %s in "
		    "config-infra-%s.yml", sets[0].value, sets[1].value,
		    sets[2].value, r->environment);
	free(cause);
	free(edited);
	free(text);
	free(tip);
	return rc;
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
	{ .id = "environment", .check = "environment",
	    .apply = apply_environment },
	{ .id = "names", .check = "names" },
	{ .id = "config-infra", .probe = probe_config_infra,
	    .apply = apply_config_infra },
	{ .id = "resource-providers", .check = "providers",
	    .apply = apply_resource_providers, .settle_s = 120 },
	{ .id = NULL },
};
