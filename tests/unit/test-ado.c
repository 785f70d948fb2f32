/* The Azure DevOps typed calls against the sandbox, in-process. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ado_core.h"
#include "ado_git.h"
#include "sim/sim.h"
#include "tap.h"
#include "xalloc.h"

static struct api api;

/* Run call to its end; returns it. */
static struct api_call *
run(struct api_call *call)
{
	api_wait(&api, call);
	return call;
}

static struct api_call *
run_on(struct api *a, struct api_call *call)
{
	api_wait(a, call);
	return call;
}

static enum api_error_kind
kind(struct api_call *call)
{
	return api_call_error(call)->kind;
}

static void
done(struct api_call *call)
{
	api_call_free(call);
}

static void
test_core(void)
{
	struct api_call *c;
	char *op;

	c = run(ado_connection_data(&api));
	tap_is_str(api_field(api_call_result(c),
	    "authenticatedUser.providerDisplayName"), "Sandbox Operator",
	    "connectionData: the signed-in user");
	done(c);
	c = run(ado_get_project(&api, "mlops-v2"));
	tap_ok(kind(c) == API_NOT_FOUND && strcmp(api_call_error(c)->code,
	    "ProjectDoesNotExistWithNameException") == 0,
	    "a missing project: not found, with the typeKey");
	done(c);
	c = run(ado_list_processes(&api));
	tap_is_int((long long)api_count(c), 4, "the four system processes");
	done(c);
	c = run(ado_create_project(&api, "mlops-v2", NULL));
	tap_ok(kind(c) == API_OK, "create a project");
	op = xstrdup(api_field(api_call_result(c), "id"));
	done(c);
	c = run(ado_get_operation(&api, op));
	tap_is_str(api_field(api_call_result(c), "status"), "succeeded",
	    "its operation succeeds");
	done(c);
	free(op);
	c = run(ado_get_project(&api, "MLOPS-V2"));
	tap_is_str(api_field(api_call_result(c), "state"), "wellFormed",
	    "the project, found by name in any case");
	done(c);
	c = run(ado_create_project(&api, "mlops-v2", NULL));
	tap_ok(kind(c) == API_CONFLICT, "the same name again: a conflict");
	done(c);
}

static void
test_paging(void)
{
	struct api_call_spec spec = { .method = "GET", .collection = true };
	struct api_call *c;

	done(run(ado_create_project(&api, "second", NULL)));
	done(run(ado_create_project(&api, "third", NULL)));
	spec.url = api_url(&api, "7.1", "_apis/projects?$top=1");
	c = run(api_call_start(&api, &spec));
	tap_is_int((long long)api_count(c), 3, "a list a page at a time comes "
	    "whole: continuation tokens are followed");
	done(c);
}

static void
test_git(void)
{
	struct api_call *c;
	char *tip, *id;
	long import;

	c = run(ado_list_repositories(&api, "mlops-v2"));
	tap_ok(api_count(c) == 1 && strcmp(api_field(api_item(c, 0), "name"),
	    "mlops-v2") == 0, "the project's own repository");
	done(c);
	c = run(ado_create_repository(&api, "mlops-v2", "mlops-templates"));
	tap_ok(kind(c) == API_OK, "create a repository");
	id = xstrdup(api_field(api_call_result(c), "id"));
	done(c);
	c = run(ado_create_repository(&api, "mlops-v2", "mlops-templates"));
	tap_ok(kind(c) == API_CONFLICT, "again: a conflict");
	done(c);
	c = run(ado_create_import(&api, "mlops-v2", "mlops-templates",
	    "https://github.com/Azure/mlops-templates"));
	import = (long)json_integer_value(json_object_get(api_call_result(c),
	    "importRequestId"));
	tap_ok(kind(c) == API_OK && import > 0, "an import request");
	done(c);
	c = run(ado_get_import(&api, "mlops-v2", "mlops-templates", import));
	tap_is_str(api_field(api_call_result(c), "status"), "completed",
	    "the import completes");
	done(c);
	c = run(ado_create_import(&api, "mlops-v2", "mlops-templates",
	    "https://example.com/x.git"));
	tap_ok(kind(c) == API_INVALID, "an import from elsewhere is refused");
	done(c);
	c = run(ado_set_default_branch(&api, "mlops-v2", id, "main"));
	tap_is_str(api_field(api_call_result(c), "defaultBranch"),
	    "refs/heads/main", "set the default branch");
	done(c);
	free(id);
	c = run(ado_list_refs(&api, "mlops-v2", "mlops-templates", "heads/"));
	tap_is_int((long long)api_count(c), 3, "the refs under heads/");
	done(c);
	c = run(ado_get_item(&api, "mlops-v2", "mlops-templates",
	    "/templates/aml-cli-v2/install-az-cli.yml", "main"));
	tap_contains(api_field(api_call_result(c), "content"), "pip pip",
	    "a file's content");
	done(c);
	c = run(ado_get_item(&api, "mlops-v2", "mlops-templates", "/nope",
	    "main"));
	tap_ok(kind(c) == API_NOT_FOUND, "a missing file: not found");
	done(c);
	done(run(ado_create_repository(&api, "mlops-v2", "taxi")));
	c = run(ado_push_file(&api, "mlops-v2", "taxi", "main", NULL,
	    "/README.md", "# taxi", true, "README"));
	tap_ok(kind(c) == API_OK, "push a first commit");
	tip = xstrdup(api_field(json_array_get(json_object_get(
	    api_call_result(c), "refUpdates"), 0), "newObjectId"));
	done(c);
	c = run(ado_push_file(&api, "mlops-v2", "taxi", "main", NULL,
	    "/README.md", "x", false, "stale"));
	tap_ok(kind(c) == API_CONFLICT && strstr(api_call_error(c)->message,
	    "TF401028"), "a stale push: a conflict with TF401028");
	done(c);
	c = run(ado_push_file(&api, "mlops-v2", "taxi", "main", tip,
	    "/README.md", "# taxi fare", false, "edit"));
	tap_ok(kind(c) == API_OK, "an edit on the live tip");
	done(c);
	free(tip);
}

static void
test_lost_create(void)
{
	struct sim_options opt = { .listen = "127.0.0.1:0", .organization =
		"sandbox", .time_scale = 0,
		.faults = "lose=1@/sandbox/mlops-v2/_apis/git/repositories" };
	struct api lossy = api;
	struct http_options hopt = { .base_backoff_ms = 20 };
	struct sim *sim = NULL;
	struct credential *pat;
	struct api_call *c;
	char *cause = NULL;

	if (sim_start(&sim, &opt, &cause) != 0)
		exit(99);
	pat = credential_new(CREDENTIAL_PAT, sim_pat(sim));
	http_new(&lossy.http, &hopt, &cause);
	lossy.org_url = xstrdup(sim_url(sim));
	lossy.ado = pat;
	done(run_on(&lossy, ado_create_project(&lossy, "mlops-v2", NULL)));
	c = run_on(&lossy, ado_create_repository(&lossy, "mlops-v2", "taxi"));
	tap_ok(kind(c) == API_OK && api_call_recovered(c), "a repository "
	    "whose create answer was lost is found, not created again");
	done(c);
	http_free(lossy.http);
	free(lossy.org_url);
	credential_free(pat);
	sim_stop(sim);
}

int
main(void)
{
	struct sim_options opt = { .listen = "127.0.0.1:0", .organization =
		"sandbox", .time_scale = 0 };
	struct sim *sim = NULL;
	struct credential *pat;
	char *cause = NULL;

	char *templates = xasprintf("%s/templates", getenv("top_srcdir") ?
	    getenv("top_srcdir") : ".");

	/* This test binary is not the installed one: show the sandbox the
	 * stand-ins in the source tree. */
	setenv("MLOPS_TUI_TEMPLATES", templates, 1);
	free(templates);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (sim_start(&sim, &opt, &cause) != 0) {
		tap_diag("%s", cause);
		return 99;
	}
	pat = credential_new(CREDENTIAL_PAT, sim_pat(sim));
	http_new(&api.http, NULL, &cause);
	api.org_url = xstrdup(sim_url(sim));
	api.ado = pat;
	test_core();
	test_paging();
	test_git();
	test_lost_create();
	http_free(api.http);
	free(api.org_url);
	credential_free(pat);
	sim_stop(sim);
	curl_global_cleanup();
	return tap_done();
}
