/*
 * The GitHub service connection of rai-aml-cli-v2: its training pipeline
 * checks out Azure/rai-vnext-preview as a `type: github` repository
 * resource through a connection named in the YAML (github-connection),
 * which Azure DevOps must hold and let the pipeline use, or the run is
 * refused before it starts. Made from the operator's GitHub token, which
 * is a secret like the PAT: never in the answers or the state.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ado_build.h"
#include "ado_resources.h"
#include "steps/step.h"
#include "xalloc.h"

static const char *
connection_name(struct step_run *r)
{
	return run_answer(r, "github_connection");
}

/* Where the token comes from, for a plan or an apply that lacks it. */
static void
needs_token(struct step_run *r, const char *found)
{
	r->by_hand = true;
	run_detail(r, "%s, and no GitHub token to make %s with: set "
	    "MLOPS_TUI_GITHUB_TOKEN or give --github-token-file FILE (a "
	    "GitHub personal access token that can read Azure/rai-vnext-"
	    "preview), or make it by hand (Project settings > Service "
	    "connections > New service connection > GitHub) and run again",
	    found, connection_name(r));
}

/* The connection of that name in the project: *out (a reference) or
 * NULL when there is none; -1 with the error set when unreadable. */
static int
find_connection(struct step_run *r, const char *project, json_t **out)
{
	struct api_call *c = ado_find_endpoints(r->api, project,
	    connection_name(r));

	*out = NULL;
	if (!run_call(r, c, "reading the service connections"))
		return -1;
	*out = json_incref(api_item(c, 0));
	api_call_free(c);
	return 0;
}

/* Whether every pipeline may use the connection; -1 when unreadable. */
static int
open_to_all(struct step_run *r, const char *project, const char *id)
{
	struct api_call *c = ado_get_permits(r->api, project, "endpoint", id);
	int open;

	if (!run_call(r, c, "reading the connection's pipeline permissions"))
		return -1;
	open = json_is_true(json_object_get(json_object_get(api_call_result(
	    c), "allPipelines"), "authorized"));
	api_call_free(c);
	return open;
}

/* A connection found by name: done when it is GitHub's and open. */
static enum step_probe
judge(struct step_run *r, const char *project, json_t *endpoint)
{
	const char *type = api_field(endpoint, "type");
	const char *id = api_field(endpoint, "id");
	int open;

	if (type == NULL || strcasecmp(type, "github") != 0) {
		/* Not ours to replace: it may serve something else. */
		r->by_hand = true;
		run_detail(r, "%s is a service connection of type %s, not "
		    "github: rename or delete it, or name another in "
		    "github_connection (and in the pipeline's endpoint:)",
		    connection_name(r), type ? type : "unknown");
		return PROBE_TODO;
	}
	if (id == NULL || (open = open_to_all(r, project, id)) == -1) {
		if (r->error == NULL)
			run_fail(r, NULL, "%s came without an id",
			    connection_name(r));
		return PROBE_UNKNOWN;
	}
	run_detail(r, open ? "%s connects to GitHub, open to all pipelines" :
	    "%s connects to GitHub but is not open to all pipelines",
	    connection_name(r));
	return open ? PROBE_DONE : PROBE_TODO;
}

static enum step_probe
probe_github_connection(struct step_run *r)
{
	struct check_result res = { 0 };
	json_t *project = probe_project(r->probe, &res), *endpoint;
	enum step_probe out;

	if (project == NULL) {
		/* A project still to make has no connection either. */
		bool missing = res.missing_error != NULL;

		if (missing && r->github_token == NULL)
			needs_token(r, res.detail);
		else if (missing)
			run_detail(r, "%s: %s is made with it", res.detail,
			    connection_name(r));
		else
			run_fail(r, res.error_id, "%s", res.detail ? res.detail :
			    "the project cannot be read");
		check_result_clear(&res);
		return missing ? PROBE_TODO : PROBE_UNKNOWN;
	}
	check_result_clear(&res);
	if (find_connection(r, api_field(project, "id"), &endpoint) == -1)
		return PROBE_UNKNOWN;
	if (endpoint != NULL) {
		out = judge(r, api_field(project, "id"), endpoint);
		json_decref(endpoint);
		return out;
	}
	char *found = xasprintf("there is no service connection %s",
	    connection_name(r));
	if (r->github_token == NULL)
		needs_token(r, found);
	else
		run_detail(r, "%s: a GitHub one is made with the token",
		    found);
	free(found);
	return PROBE_TODO;
}

/*
 * Made between the probe and the create by another - a second rai
 * project of the same run, whose training pipeline names the same
 * connection: taken as found, as one made by hand is. Its id, or NULL
 * with the error set. Frees c.
 */
static char *
made_meanwhile(struct step_run *r, const char *project, struct api_call *c)
{
	json_t *endpoint;
	char *id = NULL;

	api_call_free(c);
	if (find_connection(r, project, &endpoint) == -1)
		return NULL;
	if (endpoint == NULL) {
		run_fail(r, NULL, "creating the GitHub service connection: it "
		    "exists, says Azure DevOps, but it cannot be found");
		return NULL;
	}
	id = run_field(r, endpoint, "id", "the GitHub service connection");
	json_decref(endpoint);
	if (id != NULL)
		run_record_found(r, "id", id);
	return id;
}

/* Create the connection; its id, or NULL with the error set. */
static char *
create_connection(struct step_run *r, const char *project)
{
	struct ado_github_connection conn = { connection_name(r), project,
		r->target.project, r->github_token };
	struct api_call *c;
	char *id;

	if (r->github_token == NULL) {
		run_fail(r, NULL, "no GitHub token: set MLOPS_TUI_GITHUB_TOKEN "
		    "or give --github-token-file FILE");
		return NULL;
	}
	c = ado_create_github_endpoint(r->api, &conn);
	api_wait(r->api, c);
	if (api_call_error(c)->kind == API_CONFLICT)
		return made_meanwhile(r, project, c);
	if (!run_call(r, c, "creating the GitHub service connection"))
		return NULL;
	id = run_field(r, api_call_result(c), "id", "creating the GitHub "
	    "service connection");
	api_call_free(c);
	run_record(r, "id", id);
	return id;
}

static int
apply_github_connection(struct step_run *r)
{
	const char *project = run_project_id(r);
	json_t *endpoint;
	struct api_call *c;
	char *id;

	if (project == NULL || find_connection(r, project, &endpoint) == -1)
		return -1;
	/* Found: made by hand or by an earlier run; never a second one. */
	id = endpoint ? run_field(r, endpoint, "id", "the GitHub service "
	    "connection") : create_connection(r, project);
	json_decref(endpoint);
	if (id == NULL)
		return -1;
	/* The portal's "Grant access permission to all pipelines". */
	c = ado_permit(r->api, project, "endpoint", id, 0);
	free(id);
	if (!run_call(r, c, "granting the GitHub connection to all pipelines"))
		return -1;
	api_call_free(c);
	run_detail(r, "%s connects to GitHub, open to all pipelines",
	    connection_name(r));
	return 0;
}

const struct step_ops steps_github[] = {
	{ .id = "github-connection", .probe = probe_github_connection,
	    .apply = apply_github_connection, .settle_s = 60 },
	{ .id = NULL },
};
