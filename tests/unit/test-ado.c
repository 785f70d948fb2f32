/* The Azure DevOps typed calls against the sandbox, in-process. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ado_build.h"
#include "ado_core.h"
#include "ado_git.h"
#include "ado_resources.h"
#include "ado_security.h"
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

static char *
field_copy(struct api_call *call, const char *path)
{
	char *v = xstrdup_or_null(api_field(api_call_result(call), path));

	api_call_free(call);
	return v;
}

static void
import_into(const char *repo, const char *source)
{
	char *url = xasprintf("https://github.com/Azure/%s", source);

	done(run(ado_create_import(&api, "mlops-v2", repo, url)));
	free(url);
}

static void
test_security_and_build(void)
{
	struct api_call *c;
	char *builder, *project, *taxi, *mlops, *tmpl, *token, *res;
	json_t *params;
	long pipeline, build;
	bool granted;

	c = run(ado_find_identity(&api, "mlops-v2 Build Service (sandbox)"));
	tap_is_int((long long)api_count(c), 1, "the project's Build Service "
	    "by name");
	builder = xstrdup(api_field(api_item(c, 0), "descriptor"));
	done(c);
	c = run(ado_general_settings(&api, "mlops-v2"));
	tap_ok(json_is_true(json_object_get(api_call_result(c),
	    "enforceJobAuthScope")), "jobs run as the project's Build Service");
	done(c);
	c = run(ado_security_namespace(&api, ADO_NS_GIT));
	granted = false;
	for (size_t i = 0; i < json_array_size(json_object_get(api_item(c, 0),
	    "actions")); i++) {
		json_t *a = json_array_get(json_object_get(api_item(c, 0),
		    "actions"), i);
		granted |= strcmp(api_field(a, "name"), "GenericContribute") ==
		    0 && json_integer_value(json_object_get(a, "bit")) == 4;
	}
	tap_ok(granted, "the Git namespace's Contribute bit is 4");
	done(c);
	project = field_copy(run(ado_get_project(&api, "mlops-v2")), "id");
	taxi = field_copy(run(ado_get_repository(&api, "mlops-v2", "taxi")),
	    "id");
	token = xasprintf("repoV2/%s/%s", project, taxi);
	c = run(ado_allow(&api, ADO_NS_GIT, token, builder, 20));
	tap_is_int(json_integer_value(json_object_get(api_item(c, 0),
	    "allow")), 20, "allow Contribute and Create branch");
	done(c);
	c = run(ado_acl(&api, ADO_NS_GIT, token, builder));
	tap_is_int(ado_acl_effective(c, builder), 22, "effective: read, "
	    "contribute, create branch");
	done(c);
	done(run(ado_allow(&api, ADO_NS_BUILD, project, builder, 34816)));
	free(token);

	done(run(ado_create_repository(&api, "mlops-v2",
	    "mlops-project-template")));
	import_into("mlops-v2", "mlops-v2");
	import_into("mlops-project-template", "mlops-project-template");
	mlops = field_copy(run(ado_get_repository(&api, "mlops-v2",
	    "mlops-v2")), "id");
	tmpl = field_copy(run(ado_get_repository(&api, "mlops-v2",
	    "mlops-project-template")), "id");
	c = run(ado_create_pipeline(&api, "mlops-v2", "initialise-project",
	    NULL, mlops, "/.azuredevops/initialise-project.yml"));
	tap_ok(kind(c) == API_OK, "create the initialise-project pipeline");
	pipeline = (long)json_integer_value(json_object_get(api_call_result(c),
	    "id"));
	done(c);
	c = run(ado_find_pipelines(&api, "mlops-v2", "initialise-project",
	    "\\"));
	tap_is_int((long long)api_count(c), 1, "found by name and folder");
	done(c);
	params = json_pack("{s:s, s:s, s:s}", "adoProjectName", "mlops-v2",
	    "repoName", "taxi", "colour", "blue");
	c = run(ado_run_pipeline(&api, "mlops-v2", pipeline, "main", params));
	tap_ok(kind(c) == API_INVALID && strstr(api_call_error(c)->message,
	    "Unexpected parameter 'colour'"), "an unknown parameter: refused");
	done(c);
	json_object_del(params, "colour");
	c = run(ado_run_pipeline(&api, "mlops-v2", pipeline, "main", params));
	tap_is_str(api_field(api_call_result(c), "state"), "inProgress",
	    "run initialise-project");
	build = (long)json_integer_value(json_object_get(api_call_result(c),
	    "id"));
	done(c);
	json_decref(params);
	for (int i = 0; i < 2; i++) {
		res = xasprintf("%s.%s", project, i ? taxi : tmpl);
		done(run(ado_permit(&api, "mlops-v2", "repository", res,
		    pipeline)));
		free(res);
	}
	for (int i = 0; i < 100; i++) {
		c = run(ado_get_build(&api, "mlops-v2", build));
		granted = strcmp(api_field(api_call_result(c), "status"),
		    "completed") == 0;
		if (granted) {
			tap_is_str(api_field(api_call_result(c), "result"),
			    "succeeded", "after the permits the run succeeds");
			done(c);
			break;
		}
		done(c);
	}
	tap_ok(granted, "the run completed");
	c = run(ado_get_timeline(&api, "mlops-v2", build));
	tap_ok(json_array_size(json_object_get(api_call_result(c),
	    "records")) > 3, "its timeline");
	done(c);
	free(tmpl);
	free(mlops);
	free(taxi);
	free(project);
	free(builder);
}

static void
test_resources(void)
{
	struct credential *secret = credential_new(CREDENTIAL_PAT, "s3cr3t");
	char *project = field_copy(run(ado_get_project(&api, "mlops-v2")),
	    "id"), *id;
	struct ado_arm_connection conn = { .name = "Azure-ARM-Prod",
		.project_id = project, .project_name = "mlops-v2",
		.tenant_id = "t", .subscription_id = "s", .app_id = "a",
		.secret = secret };
	struct api_call *c;

	c = run(ado_find_endpoints(&api, "mlops-v2", "Azure-ARM-Prod"));
	tap_is_int((long long)api_count(c), 0, "no service connection yet");
	done(c);
	c = run(ado_create_arm_endpoint(&api, &conn));
	tap_ok(kind(c) == API_OK && json_is_null(json_object_get(
	    json_object_get(json_object_get(api_call_result(c),
	    "authorization"), "parameters"), "serviceprincipalkey")),
	    "create a service connection; its secret is not returned");
	id = xstrdup(api_field(api_call_result(c), "id"));
	done(c);
	c = run(ado_find_endpoints(&api, "mlops-v2", "Azure-ARM-Prod"));
	tap_is_int((long long)api_count(c), 1, "found by name");
	done(c);
	c = run(ado_test_endpoint(&api, "mlops-v2", id, &conn));
	tap_ok(kind(c) == API_OK && strcmp(api_field(api_call_result(c),
	    "statusCode"), "unauthorized") == 0 && strstr(api_field(
	    api_call_result(c), "errorMessage"), "AADSTS700016"),
	    "TestConnection reports an unknown principal in its body");
	done(c);
	c = run(ado_create_environment(&api, "mlops-v2", "prod"));
	tap_ok(kind(c) == API_OK, "create the prod environment");
	done(c);
	c = run(ado_find_environments(&api, "mlops-v2", "prod"));
	tap_is_int((long long)api_count(c), 1, "found by name");
	done(c);
	c = run(ado_get_extension(&api, "ms-devlabs", "custom-terraform-tasks"));
	tap_ok(kind(c) == API_NOT_FOUND, "the Terraform extension is not "
	    "installed");
	done(c);
	free(id);
	free(project);
	credential_free(secret);
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
	test_security_and_build();
	test_resources();
	test_lost_create();
	http_free(api.http);
	free(api.org_url);
	credential_free(pat);
	sim_stop(sim);
	curl_global_cleanup();
	return tap_done();
}
