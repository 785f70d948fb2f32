/*
 * The guide's first section: the project, the three imported accelerator
 * repositories on main, the identity jobs run as and its pipeline rights,
 * hosted parallelism and the Terraform extension.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ado_core.h"
#include "ado_git.h"
#include "ado_resources.h"
#include "ado_security.h"
#include "steps/step.h"
#include "xalloc.h"

/* Polls of operations and imports: as often as the portal polls. */
#define POLL_MS 1000
#define POLL_LIMIT 900           /* 15 minutes of polls */

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

static const char *
project_name(struct step_run *r)
{
	return r->target.project;
}

/* ---- the project ------------------------------------------------------- */

static struct api_call *
get_operation(struct step_run *r, void *id)
{
	return ado_get_operation(r->api, id);
}

/* Follow the project's creation operation to its end. */
static int
follow_operation(struct step_run *r, const char *id)
{
	static const char *const done[] = { "succeeded", NULL };
	static const char *const failed[] = { "failed", "cancelled", NULL };
	char *what = xasprintf("creating %s", project_name(r));
	struct poll_spec spec = { what, "status", done, failed,
		"resultMessage", POLL_MS, POLL_LIMIT, NULL };
	int rc = run_poll(r, &spec, get_operation, (void *)id, NULL);

	free(what);
	return rc;
}

static struct api_call *
get_project(struct step_run *r, void *unused)
{
	(void)unused;
	return ado_get_project(r->api, project_name(r));
}

/* A project that exists but is not yet wellFormed: wait for it. */
static int
wait_well_formed(struct step_run *r)
{
	static const char *const done[] = { "wellFormed", NULL };
	struct poll_spec spec = { "the new project", "state", done, NULL, NULL,
		POLL_MS, POLL_LIMIT, NULL };
	json_t *project = NULL;
	int rc = run_poll(r, &spec, get_project, NULL, &project);

	if (rc == 0)
		run_record(r, "id", api_field(project, "id"));
	json_decref(project);
	return rc;
}

static int
apply_project(struct step_run *r)
{
	struct api_call *c;
	const char *op = run_recorded(r, "operation");

	c = ado_get_project(r->api, project_name(r));
	api_wait(r->api, c);
	if (api_call_error(c)->kind == API_OK) {
		api_call_free(c);       /* being created: never create twice */
		return wait_well_formed(r);
	}
	api_call_free(c);
	/* An operation gone with the organization's history (a sandbox
	 * reset) is never awaited: the project is asked for again. */
	if (op != NULL && run_recorded_gone(r, "operation",
	    ado_get_operation(r->api, op), "the project's creation operation"))
		op = NULL;
	if (op == NULL) {
		c = ado_create_project(r->api, project_name(r), NULL);
		if (!run_call(r, c, "creating the project"))
			return -1;
		if (api_call_recovered(c)) {
			api_call_free(c);
			return wait_well_formed(r);
		}
		run_record(r, "operation", api_field(api_call_result(c), "id"));
		op = run_recorded(r, "operation");
		api_call_free(c);
	}
	if (op == NULL || follow_operation(r, op) == -1)
		return op == NULL ? run_fail(r, NULL, "the service gave no "
		    "operation to follow") : -1;
	run_detail(r, "created the project %s", project_name(r));
	return wait_well_formed(r);
}

/* ---- importing the accelerator's repositories -------------------------- */

static const char *
import_name(struct step_run *r)
{
	return r->step->id + strlen("import-");
}

static bool
is_imported(json_t *repo)
{
	return api_field(repo, "defaultBranch") != NULL &&
	    json_integer_value(json_object_get(repo, "size")) > 0;
}

static enum step_probe
probe_import(struct step_run *r)
{
	struct check_result res = { 0 };
	json_t *repo = probe_repository(r->probe, &res, import_name(r));
	enum step_probe out = PROBE_TODO;

	if (repo != NULL && is_imported(repo)) {
		run_detail(r, "%s is imported", import_name(r));
		out = PROBE_DONE;
	} else if (repo != NULL)
		run_detail(r, "import github.com/Azure/%s into the empty "
		    "repository %s", import_name(r), import_name(r));
	else if (res.missing_error != NULL)
		run_detail(r, "create the repository %s and import "
		    "github.com/Azure/%s into it", import_name(r),
		    import_name(r));
	else {
		run_detail(r, "%s", res.detail);
		out = PROBE_UNKNOWN;
	}
	check_result_clear(&res);
	return out;
}

struct import_ref {
	const char *project, *repo;
	long id;
};

static struct api_call *
get_import(struct step_run *r, void *ctx)
{
	struct import_ref *ref = ctx;

	return ado_get_import(r->api, ref->project, ref->repo, ref->id);
}

/* The import's step, as its detailedStatus counts them. */
static void
import_progress(struct step_run *r, void *ctx, json_t *answer)
{
	json_t *detail = json_object_get(answer, "detailedStatus");
	json_t *steps = json_object_get(detail, "allSteps");
	json_int_t at = json_integer_value(json_object_get(detail,
	    "currentStep"));
	const char *name = json_string_value(json_array_get(steps,
	    (size_t)(at > 0 ? at - 1 : 0)));
	char *text;

	(void)ctx;
	if (at <= 0 || json_array_size(steps) == 0)
		return;
	text = xasprintf("importing: step %lld of %zu%s%s", (long long)at,
	    json_array_size(steps), name ? ": " : "", name ? name : "");
	run_progress(r, text);
	free(text);
}

/* Follow import request id to its end; 0 when completed. */
static int
follow_import(struct step_run *r, const char *project, const char *repo,
    long id)
{
	static const char *const done[] = { "completed", NULL };
	static const char *const failed[] = { "failed", "abandoned", NULL };
	struct import_ref ref = { project, repo, id };
	char *what = xasprintf("the import of %s", import_name(r));
	struct poll_spec spec = { what, "status", done, failed,
		"detailedStatus.errorMessage", POLL_MS, POLL_LIMIT,
		import_progress };
	int rc = run_poll(r, &spec, get_import, &ref, NULL);

	free(what);
	return rc;
}

static void
record_import(struct step_run *r, long id)
{
	char *text = xasprintf("%ld", id);

	run_record(r, "import", text);
	free(text);
}

static int
start_import(struct step_run *r, const char *project, const char *repo)
{
	char *url = xasprintf("https://github.com/Azure/%s", import_name(r));
	struct api_call *c = ado_create_import(r->api, project, repo, url);

	free(url);
	if (!run_call(r, c, "starting the import"))
		return -1;
	record_import(r, (long)json_integer_value(json_object_get(
	    api_call_result(c), "importRequestId")));
	api_call_free(c);
	return 0;
}

/* An import already asked for (a crash before its id was saved), so
 * that it is followed rather than asked for twice; 0 when none. */
static long
import_in_flight(struct step_run *r, const char *project, const char *repo)
{
	struct api_call *c = ado_list_imports(r->api, project, repo);
	long id = 0;

	api_wait(r->api, c);
	for (size_t i = 0; i < api_count(c) && id == 0; i++) {
		json_t *item = api_item(c, i);
		const char *status = or_empty(api_field(item, "status"));

		if (strcmp(status, "failed") != 0 &&
		    strcmp(status, "abandoned") != 0)
			id = (long)json_integer_value(json_object_get(item,
			    "importRequestId"));
	}
	api_call_free(c);
	return id;
}

static int
apply_import(struct step_run *r)
{
	const char *project = run_project_id(r), *import;
	char *repo;
	int rc = -1;

	if (project == NULL)
		return -1;
	repo = run_repository(r, project, import_name(r));
	if (repo == NULL)
		return -1;
	/* An import request gone with its repository (deleted by hand, a
	 * sandbox reset) is forgotten, and the import asked for again. */
	if ((import = run_recorded(r, "import")) != NULL)
		run_recorded_gone(r, "import", ado_get_import(r->api, project,
		    repo, strtol(import, NULL, 10)), "the import request");
	/* An import this setup started (before a crash) is followed, not
	 * asked for again. */
	if (run_recorded(r, "import") == NULL) {
		long id = import_in_flight(r, project, repo);

		if (id != 0)
			record_import(r, id);
	}
	if (run_recorded(r, "import") == NULL &&
	    start_import(r, project, repo) == -1) {
		/* An import request is not a create the engine can look up:
		 * an answer lost after it started shows as "not empty". */
		long id = import_in_flight(r, project, repo);

		if (id != 0) {
			free(r->error);
			r->error = NULL;
			record_import(r, id);
		}
	}
	if ((import = run_recorded(r, "import")) != NULL)
		rc = follow_import(r, project, repo, strtol(import, NULL, 10));
	if (rc == 0)
		run_detail(r, "imported github.com/Azure/%s", import_name(r));
	free(repo);
	return rc;
}

/* ---- main as the default branch ---------------------------------------- */

static const char *const accelerator[] = {
	"mlops-v2", "mlops-project-template", "mlops-templates",
};

static bool
on_main(json_t *repo)
{
	const char *branch = api_field(repo, "defaultBranch");

	return branch != NULL && strcmp(branch, "refs/heads/main") == 0;
}

static enum step_probe
probe_default_branch(struct step_run *r)
{
	struct check_result res = { 0 };
	char *off = xstrdup("");

	for (size_t i = 0; i < 3; i++) {
		json_t *repo = probe_repository(r->probe, &res, accelerator[i]);
		char *more;

		if (repo != NULL && on_main(repo))
			continue;
		more = xasprintf("%s%s%s", off, *off ? ", " : "",
		    accelerator[i]);
		free(off);
		off = more;
	}
	bool all_on_main = *off == '\0';

	check_result_clear(&res);
	if (all_on_main)
		run_detail(r, "the three repositories default to main");
	else
		run_detail(r, "make main the default branch of %s", off);
	free(off);
	return all_on_main ? PROBE_DONE : PROBE_TODO;
}

static bool
has_main(struct step_run *r, const char *project, const char *repo)
{
	bool failed;
	char *tip = run_branch_tip(r, project, repo, "main", &failed);

	if (tip == NULL && !failed)
		run_fail(r, "repository-has-no-main", "%s has no branch main",
		    repo);
	free(tip);
	return tip != NULL;
}

static int
set_main(struct step_run *r, const char *project, const char *name)
{
	struct api_call *c = ado_get_repository(r->api, project, name);
	char *id;
	int rc = -1;

	if (!run_call(r, c, "reading the repository"))
		return -1;
	if (on_main(api_call_result(c))) {
		api_call_free(c);
		return 0;
	}
	id = run_field(r, api_call_result(c), "id", "reading the repository");
	api_call_free(c);
	if (id != NULL && has_main(r, project, id)) {
		c = ado_set_default_branch(r->api, project, id, "main");
		if (run_call(r, c, "setting the default branch")) {
			api_call_free(c);
			rc = 0;
		}
	}
	free(id);
	return rc;
}

static int
apply_default_branch(struct step_run *r)
{
	const char *project = run_project_id(r);

	if (project == NULL)
		return -1;
	for (size_t i = 0; i < 3; i++)
		if (set_main(r, project, accelerator[i]) == -1)
			return -1;
	run_detail(r, "main is the default branch of the three repositories");
	return 0;
}

/* ---- the identity jobs run as, and its pipeline rights ----------------- */

/* The identity's descriptor, from the run's probe; NULL with the error. */
static const char *
need_identity(struct step_run *r)
{
	struct check_result res = { 0 };
	bool found = probe_identity(r->probe, &res);

	if (!found)
		run_fail(r, res.error_id, "%s", res.detail ? res.detail :
		    "the identity jobs run as was not found");
	check_result_clear(&res);
	return found ? r->probe->identity_descriptor : NULL;
}

static int
apply_pipeline_permissions(struct step_run *r)
{
	const char *project = run_project_id(r), *who;
	struct api_call *c;

	unsigned wanted = BUILD_CREATE_PIPELINE | BUILD_EDIT_PIPELINE, had;
	char *granted;

	if (project == NULL || (who = need_identity(r)) == NULL)
		return -1;
	/* What it had before is not the setup's to take back: only the
	 * bits granted now are recorded, for a destroy. */
	c = ado_acl(r->api, ADO_NS_BUILD, project, who);
	if (!run_call(r, c, "reading the Build Service's rights"))
		return -1;
	had = ado_acl_effective(c, who);
	api_call_free(c);
	c = ado_allow(r->api, ADO_NS_BUILD, project, who, wanted);
	if (!run_call(r, c, "granting Create and Edit build pipeline"))
		return -1;
	api_call_free(c);
	granted = xasprintf("%u", wanted & ~had);
	if (run_recorded(r, "granted") == NULL && (wanted & ~had) != 0)
		run_record(r, "granted", granted);
	free(granted);
	run_record(r, "identity", r->probe->identity_name);
	run_detail(r, "%s may create and edit build pipelines",
	    r->probe->identity_name);
	return 0;
}

/* ---- the Terraform extension ------------------------------------------- */

static int
apply_terraform_extension(struct step_run *r)
{
	struct api_call *c = ado_install_extension(r->api, "ms-devlabs",
	    "custom-terraform-tasks");
	enum api_error_kind kind;

	api_wait(r->api, c);
	kind = api_call_error(c)->kind;
	if (!run_call(r, c, "installing the Terraform extension")) {
		/* Only an organization admin may install: explain how. */
		if (kind == API_FORBIDDEN || kind == API_AUTH)
			r->error_id = "terraform-extension-missing";
		return -1;
	}
	api_call_free(c);
	run_detail(r, "installed the Terraform extension");
	return 0;
}

const struct step_ops steps_accelerator[] = {
	{ .id = "sign-in", .check = "sign-in" },
	{ .id = "project", .check = "project", .apply = apply_project },
	{ .id = "import-mlops-v2", .probe = probe_import,
	    .apply = apply_import },
	{ .id = "import-mlops-project-template", .probe = probe_import,
	    .apply = apply_import },
	{ .id = "import-mlops-templates", .probe = probe_import,
	    .apply = apply_import },
	{ .id = "default-branch", .probe = probe_default_branch,
	    .apply = apply_default_branch },
	{ .id = "build-identity", .check = "job-identity" },
	{ .id = "pipeline-permissions", .check = "pipeline-rights",
	    .apply = apply_pipeline_permissions, .settle_s = 60 },
	{ .id = "hosted-parallelism", .check = "parallelism",
	    .advisory = true },
	{ .id = "terraform-extension", .check = "terraform-extension",
	    .apply = apply_terraform_extension },
	{ .id = NULL },
};
