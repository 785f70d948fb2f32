/*
 * The sandbox's pipeline runs: queued through the Pipelines API or the
 * Build API, planned from the pipeline's YAML, held at a "Permit" gate
 * until every resource they use is authorised, then run task by task on
 * the world's clock, failing where the real service would.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sim/compile.h"
#include "sim/handlers.h"
#include "sim/pipelines.h"
#include "sim/resources.h"
#include "sim/runs.h"
#include "sim/security.h"
#include "yamljson.h"
#include "timefmt.h"
#include "xalloc.h"

#define TASK_MS 2000            /* a step, before time scaling */
#define LONG_TASK_MS 20000      /* a deployment or an Azure ML job */
#define PERMIT_WAIT_MS (30 * 60 * 1000) /* then the run gives up */

static const struct run_kind kinds[] = {
	{ "initialise", ".azuredevops/initialise-project.yml",
	    initialise_decide, initialise_apply },
	{ "infra-bicep", "/bicep-ado-deploy-infra.yml", mlpipelines_decide,
	    mlpipelines_apply },
	{ "infra-terraform", "/tf-ado-deploy-infra.yml", mlpipelines_decide,
	    mlpipelines_apply },
	{ "training", "/deploy-model-training-pipeline.yml",
	    mlpipelines_decide, mlpipelines_apply },
	{ "online", "/deploy-online-endpoint-pipeline.yml",
	    mlpipelines_decide, mlpipelines_apply },
	{ "batch", "/deploy-batch-endpoint-pipeline.yml", mlpipelines_decide,
	    mlpipelines_apply },
};

static const struct run_kind *
kind_of(const char *name)
{
	for (size_t i = 0; name != NULL && i < sizeof kinds / sizeof *kinds;
	    i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

static const char *
kind_for_path(const char *yaml)
{
	size_t n = strlen(yaml), m;

	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		m = strlen(kinds[i].yaml_suffix);
		if (n >= m && strcasecmp(yaml + n - m, kinds[i].yaml_suffix) == 0)
			return kinds[i].name;
	}
	return "generic";
}

/* The text of a string value, "" for anything else. */
static const char *
text_of(json_t *value)
{
	return json_is_string(value) ? json_string_value(value) : "";
}

/* ---- variables and expressions -------------------------------------- */

/*
 * Expand the $(name) macros of text from vars, as an agent does at run
 * time (the ${{ }} expressions were done when the run was compiled); a
 * macro of no variable stays as written, as it does for real.
 */
static char *
expand(const char *text, json_t *vars)
{
	char *out = xstrdup(text ? text : ""), *start, *end, *next, *name;
	const char *value;
	size_t from = 0;

	for (int round = 0; round < 64; round++) {
		if ((start = strstr(out + from, "$(")) == NULL ||
		    (end = strchr(start, ')')) == NULL)
			break;
		name = xstrndup(start + 2, (size_t)(end - start - 2));
		value = json_string_value(json_object_get(vars, name));
		free(name);
		if (value == NULL) {
			from = (size_t)(end + 1 - out);
			continue;
		}
		next = xasprintf("%.*s%s%s", (int)(start - out), out, value,
		    end + 1);
		from = (size_t)(start - out);
		free(out);
		out = next;
	}
	return out;
}

/* The run's variables: the compiled ones with the macros among them
 * expanded, as the service does. */
static json_t *
run_variables(json_t *compiled)
{
	json_t *vars = json_deep_copy(compiled), *v;
	const char *key;

	json_object_foreach(vars, key, v) {
		char *e = expand(json_string_value(v), vars);
		json_object_set_new(vars, key, json_string(e));
		free(e);
	}
	return vars;
}

const char *
runs_variable(struct run_context *c, const char *name)
{
	return json_string_value(json_object_get(c->variables, name));
}

const char *
runs_parameter(struct run_context *c, const char *name)
{
	return json_string_value(json_object_get(json_object_get(c->run,
	    "template_parameters"), name));
}

/* ---- the plan: tasks from the YAML ---------------------------------- */

static char *
step_name(json_t *step, json_t *vars)
{
	const char *display = json_string_value(json_object_get(step,
	    "displayName"));
	const char *checkout = json_string_value(json_object_get(step,
	    "checkout"));
	const char *tmpl = json_string_value(json_object_get(step,
	    "template"));
	const char *task = json_string_value(json_object_get(step, "task"));
	char *out, *e;

	if (display != NULL)
		return expand(display, vars);
	if (checkout != NULL) {
		e = expand(checkout, vars);
		out = xasprintf("Checkout %s", e);
		free(e);
		return out;
	}
	if (tmpl != NULL) {
		const char *base = strrchr(tmpl, '/');
		base = base ? base + 1 : tmpl;
		return xstrndup(base, strcspn(base, ".@"));
	}
	return xstrdup(task ? task : "Script");
}

/* Whether a task named name (or made by that template) is a long one: a
 * deployment, an Azure ML job, a terraform apply. */
static bool
slow_task(const char *name)
{
	return strstr(name, "Deploy") || strstr(name, "deploy") ||
	    strstr(name, "run-pipeline") || strstr(name, "terraform-apply");
}

/*
 * A task of the plan for step. The steps a template expanded to share
 * the time the template takes, so that a run lasts as long whether its
 * templates make one step or several.
 */
static void
add_task(json_t *plan, const char *stage, const char *job, json_t *step,
    char *name)
{
	const char *origin = json_string_value(json_object_get(step,
	    SPLICED_FROM));
	json_int_t share = json_integer_value(json_object_get(step,
	    SPLICED_COUNT));
	int ms = slow_task(origin ? origin : name) ? LONG_TASK_MS : TASK_MS;
	json_t *task = json_pack("{s:s, s:s, s:s, s:i}", "stage", stage, "job",
	    job, "name", name, "ms", share > 1 ? ms / (int)share : ms);

	if (origin != NULL)
		json_object_set_new(task, "template", json_string(origin));
	json_array_append_new(plan, task);
	free(name);
}

static void
plan_job(json_t *plan, const char *stage, json_t *job, json_t *vars)
{
	const char *name = json_string_value(json_object_get(job, "job"));
	json_t *steps = json_object_get(job, "steps"), *step;
	size_t i;

	if (name == NULL)
		name = json_string_value(json_object_get(job, "deployment"));
	if (steps == NULL)       /* a deployment job: runOnce.deploy.steps */
		steps = json_object_get(json_object_get(json_object_get(
		    json_object_get(job, "strategy"), "runOnce"), "deploy"),
		    "steps");
	json_array_foreach(steps, i, step)
		if (json_is_object(step))
			add_task(plan, stage, name ? name : "Job", step,
			    step_name(step, vars));
	if (json_array_size(steps) == 0)
		add_task(plan, stage, name ? name : "Job", NULL,
		    xstrdup("Script"));
}

static json_t *
make_plan(json_t *yaml, json_t *vars)
{
	json_t *plan = json_array(), *stage, *job, *stages;
	size_t i, j;

	stages = json_object_get(yaml, "stages");
	if (stages == NULL)
		stages = json_pack("[{s:s, s:O*}]", "stage", "__default",
		    "jobs", json_object_get(yaml, "jobs"));
	else
		json_incref(stages);
	json_array_foreach(stages, i, stage) {
		const char *name = json_string_value(json_object_get(stage,
		    "stage"));
		json_t *jobs = json_object_get(stage, "jobs");
		if (jobs == NULL) {
			json_t *only = json_pack("{s:s, s:O*}", "job", "Job",
			    "steps", json_object_get(yaml, "steps"));
			plan_job(plan, name, only, vars);
			json_decref(only);
		}
		json_array_foreach(jobs, j, job)
			plan_job(plan, name ? name : "__default", job, vars);
	}
	json_decref(stages);
	return plan;
}

/* ---- queueing a run --------------------------------------------------- */

/*
 * Check the run's template parameters against the YAML's declarations and
 * fill in the defaults; replies 400 the way the service does and returns
 * NULL on a refusal.
 */
static json_t *
resolve_parameters(struct exchange *x, json_t *yaml, json_t *given)
{
	json_t *declared = json_object_get(yaml, "parameters"), *d, *v, *vals;
	json_t *out = json_object();
	const char *key, *value;
	size_t i, j;
	bool found;

	json_object_foreach(given, key, v) {
		found = false;
		json_array_foreach(declared, i, d)
			if (json_is_string(json_object_get(d, "name")) &&
			    strcmp(key, json_string_value(json_object_get(d,
			    "name"))) == 0)
				found = true;
		if (!found) {
			exchange_error(x, 400, "PipelineValidationException",
			    "Unexpected parameter '%s'", key);
			json_decref(out);
			return NULL;
		}
	}
	json_array_foreach(declared, i, d) {
		const char *name = json_string_value(json_object_get(d, "name"));
		json_t *g = json_object_get(given, name ? name : "");
		value = json_is_string(g) ? json_string_value(g) :
		    json_string_value(json_object_get(d, "default"));
		if (name == NULL)
			continue;
		if (value == NULL) {
			exchange_error(x, 400, "PipelineValidationException",
			    "A value for the '%s' parameter must be provided.",
			    name);
			json_decref(out);
			return NULL;
		}
		vals = json_object_get(d, "values");
		found = vals == NULL;
		json_array_foreach(vals, j, v)
			if (json_is_string(v) && strcmp(value,
			    json_string_value(v)) == 0)
				found = true;
		if (!found) {
			exchange_error(x, 400, "PipelineValidationException",
			    "The '%s' parameter value '%s' is not a valid value.",
			    name, value);
			json_decref(out);
			return NULL;
		}
		json_object_set_new(out, name, json_string(value));
	}
	return out;
}

static json_t *
by_name_in_project(json_t *list, json_t *project, const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e)
		if (json_equal(json_object_get(e, "project_id"),
		    json_object_get(project, "id")) && name != NULL &&
		    strcasecmp(json_string_value(json_object_get(e, "name")),
		    name) == 0)
			return e;
	return NULL;
}

static json_t *
endpoint_by_name(json_t *root, json_t *project, const char *name)
{
	json_t *e, *ref;
	size_t i, j;

	json_array_foreach(json_object_get(root, "endpoints"), i, e) {
		if (name == NULL || strcasecmp(json_string_value(
		    json_object_get(e, "name")), name) != 0)
			continue;
		json_array_foreach(json_object_get(e,
		    "serviceEndpointProjectReferences"), j, ref)
			if (json_equal(json_object_get(json_object_get(ref,
			    "projectReference"), "id"), json_object_get(project,
			    "id")))
				return e;
	}
	return NULL;
}

static void
need(json_t *needs, const char *type, const char *id, const char *name)
{
	json_array_append_new(needs, json_pack("{s:s, s:s, s:s}", "type", type,
	    "id", id, "name", name));
}

/* The name of the plan's task called name exactly, or NULL. */
static const char *
plan_task_named(json_t *plan, const char *name)
{
	json_t *task;
	size_t i;

	json_array_foreach(plan, i, task)
		if (strcmp(text_of(json_object_get(task, "name")), name) == 0)
			return name;
	return NULL;
}

/*
 * Repositories a run checks out besides its own: resources and inline,
 * each as a pair [repository name, the task that checks it out or null].
 */
static json_t *
repositories_used(json_t *yaml, json_t *plan)
{
	json_t *list = json_array(), *r, *task;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(yaml, "resources"),
	    "repositories"), i, r) {
		if (strcasecmp(text_of(json_object_get(r, "type")), "github")
		    == 0)
			continue;
		/* name may be "project/repository" */
		const char *name = text_of(json_object_get(r, "name"));
		const char *slash = strrchr(name, '/');
		char *checkout = xasprintf("Checkout %s", text_of(
		    json_object_get(r, "repository")));
		json_array_append_new(list, json_pack("[s, s*]", slash ?
		    slash + 1 : name, plan_task_named(plan, checkout)));
		free(checkout);
	}
	json_array_foreach(plan, i, task) {
		const char *n = text_of(json_object_get(task, "name"));
		if (strncmp(n, "Checkout git://", 15) == 0 && strchr(n + 15, '/'))
			json_array_append_new(list, json_pack("[s, s]",
			    strchr(n + 15, '/') + 1, n));
	}
	return list;
}

static json_t *
need_of(json_t *needs, const char *type, const char *id)
{
	json_t *n;
	size_t i;

	json_array_foreach(needs, i, n)
		if (strcmp(text_of(json_object_get(n, "type")), type) == 0 &&
		    strcmp(text_of(json_object_get(n, "id")), id) == 0)
			return n;
	return NULL;
}

/* The repositories among the run's needs, with the task that checks each
 * out ("checkout"), when one does; the first missing one's name. */
static char *
add_repository_needs(json_t *root, json_t *project, json_t *self,
    json_t *yaml, json_t *plan, json_t *needs)
{
	json_t *list = repositories_used(yaml, plan), *r, *repo, *n;
	const char *pid = json_string_value(json_object_get(project, "id"));
	char *missing = NULL;
	size_t i;

	json_array_foreach(list, i, r) {
		const char *name = json_string_value(json_array_get(r, 0));
		const char *task = json_string_value(json_array_get(r, 1));
		repo = git_repository_named(root, project, name);
		if (repo == NULL && missing == NULL)
			missing = xstrdup(name);
		if (repo == NULL || repo == self)
			continue;
		char *id = xasprintf("%s.%s", pid, json_string_value(
		    json_object_get(repo, "id")));
		if ((n = need_of(needs, "repository", id)) == NULL) {
			need(needs, "repository", id, json_string_value(
			    json_object_get(repo, "name")));
			n = json_array_get(needs, json_array_size(needs) - 1);
		}
		if (task != NULL && json_object_get(n, "checkout") == NULL)
			json_object_set_new(n, "checkout", json_string(task));
		free(id);
	}
	json_decref(list);
	return missing;
}

/* Whether a GitHub repository resource may check out through endpoint
 * ep: a github connection of that name the pipeline is allowed to use. */
static bool
github_endpoint_usable(struct run_context *c, const char *ep)
{
	json_t *e = endpoint_by_name(c->root, c->project, ep);

	return e != NULL && strcasecmp(text_of(json_object_get(e, "type")),
	    "github") == 0 && permits_authorized(c->root, c->project,
	    "endpoint", json_string_value(json_object_get(e, "id")),
	    json_integer_value(json_object_get(c->definition, "id")));
}

/*
 * A repository on GitHub needs its service connection (known problem 21).
 * Unlike a connection a task names, which a run waits to be permitted,
 * one a repository resource names is checked as the YAML is compiled: a
 * missing or unauthorized one refuses the run, in one message.
 */
static char *
check_github_endpoints(struct run_context *c, json_t *yaml)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(yaml, "resources"),
	    "repositories"), i, r) {
		const char *type = json_string_value(json_object_get(r, "type"));
		const char *ep = json_string_value(json_object_get(r,
		    "endpoint"));
		if (type == NULL || strcasecmp(type, "github") != 0 ||
		    ep == NULL || github_endpoint_usable(c, ep))
			continue;
		return xasprintf("Repository %s references endpoint %s which "
		    "does not exist or is not authorized for use", json_string_value(
		    json_object_get(r, "repository")), ep);
	}
	return NULL;
}

/*
 * The errors the service finds before a run starts (compile time), and the
 * resources the run needs permits for. Returns the error text or NULL.
 */
static char *
check_compile(struct run_context *c, json_t *yaml, json_t *plan,
    json_t *needs)
{
	const char *kind = json_string_value(json_object_get(c->run, "kind"));
	bool azure = strcmp(kind, "generic") != 0 && strcmp(kind,
	    "initialise") != 0;
	const char *conn = runs_variable(c, "ado_service_connection_rg");
	const char *env_name = runs_variable(c, "environment");
	json_t *endpoint, *env, *queue, *ext;
	char *missing;
	size_t i;
	bool installed = false;

	if ((missing = check_github_endpoints(c, yaml)) != NULL)
		return missing;
	missing = add_repository_needs(c->root, c->project, c->repo, yaml,
	    plan, needs);
	if (missing != NULL) {
		char *msg = xasprintf("Repository %s could not be found. It "
		    "does not exist or the pipeline has no access to it.",
		    missing);
		free(missing);
		return msg;
	}
	if (strcmp(kind, "infra-terraform") == 0) {
		json_array_foreach(json_object_get(json_object_get(c->root,
		    "settings"), "installed_extensions"), i, ext)
			if (strcasecmp(json_string_value(ext),
			    "ms-devlabs.custom-terraform-tasks") == 0)
				installed = true;
		if (!installed)
			return xstrdup("A task is missing. The pipeline "
			    "references a task called 'TerraformInstaller'. This "
			    "usually indicates the task isn't installed, and you "
			    "may be able to install it from the Marketplace: "
			    "https://marketplace.visualstudio.com. (Task version "
			    "0, job 'DeployAzureMachineLearningRG', step ''.)");
	}
	if (azure) {
		endpoint = endpoint_by_name(c->root, c->project, conn);
		if (endpoint == NULL)
			return xasprintf("There was a resource authorization "
			    "issue: \"The pipeline is not valid. Job %s: Step "
			    "input azureSubscription references service "
			    "connection %s which could not be found. The service "
			    "connection does not exist or has not been authorized "
			    "for use. For authorization details, refer to "
			    "https://aka.ms/yamlauthz.\"", json_string_value(
			    json_object_get(json_array_get(plan, 0), "job")),
			    conn ? conn : "");
		need(needs, "endpoint", json_string_value(json_object_get(
		    endpoint, "id")), conn);
	}
	if (strcmp(kind, "infra-bicep") == 0) {
		env = by_name_in_project(json_object_get(c->root,
		    "environments"), c->project, env_name);
		if (env == NULL)
			return xasprintf("Job DevDeployBicep: Environment %s "
			    "could not be found. The environment does not exist "
			    "or has not been authorized for use.", env_name ?
			    env_name : "");
		char *id = xasprintf("%lld", (long long)json_integer_value(
		    json_object_get(env, "id")));
		need(needs, "environment", id, env_name);
		free(id);
	}
	queue = by_name_in_project(json_object_get(c->root, "queues"),
	    c->project, "Azure Pipelines");
	if (queue != NULL) {
		char *id = xasprintf("%lld", (long long)json_integer_value(
		    json_object_get(queue, "id")));
		need(needs, "queue", id, "Azure Pipelines");
		free(id);
	}
	return NULL;
}

static void
context_for(struct run_context *c, struct exchange *x, json_t *root,
    json_t *run)
{
	memset(c, 0, sizeof *c);
	c->x = x;
	c->root = root;
	c->run = run;
	c->project = world_project(root, json_string_value(json_object_get(run,
	    "project_id")));
	c->definition = pipelines_find(root, c->project, json_integer_value(
	    json_object_get(run, "definition_id")));
	c->repo = world_find(json_object_get(root, "repositories"), "id",
	    json_string_value(json_object_get(c->definition,
	    "repository_id")));
	c->variables = json_object_get(run, "variables");
}

/*
 * Queue a run of definition d on branch with the given template
 * parameters; NULL after replying with the service's refusal.
 */
static json_t *
queue_run(struct exchange *x, json_t *root, json_t *project, json_t *d,
    const char *branch, json_t *given, bool build_api)
{
	const char *yaml_path = json_string_value(json_object_get(d,
	    "yaml_path"));
	json_t *repo = world_find(json_object_get(root, "repositories"), "id",
	    json_string_value(json_object_get(d, "repository_id")));
	json_t *yaml, *params, *run = NULL, *needs = json_array();
	struct compile comp = { x, root, project, repo, branch, yaml_path,
		json_string_value(json_object_get(d, "name")), NULL, NULL, NULL,
		NULL };
	struct run_context c;
	char *text, *error = NULL;
	size_t len;

	text = git_read_file(x, repo, branch, yaml_path, &len);
	yaml = text ? yamljson_parse(text, len, NULL) : NULL;
	free(text);
	if (yaml == NULL) {
		exchange_error(x, 400, "PipelineValidationException", "File %s "
		    "not found in repository %s branch %s, or it is not valid "
		    "YAML.", yaml_path, json_string_value(json_object_get(repo,
		    "name")), branch);
		json_decref(needs);
		return NULL;
	}
	params = resolve_parameters(x, yaml, given);
	if (params == NULL)
		goto out;
	comp.params = params;
	if (compile_pipeline(&comp, yaml) == -1) {
		error = xstrdup(comp.error);
		goto refuse;
	}
	run = json_pack("{s:I, s:O, s:O, s:s, s:O, s:I, s:s, s:o}", "id",
	    (json_int_t)world_next(root, "build"), "definition_id",
	    json_object_get(d, "id"), "project_id", json_object_get(project,
	    "id"), "branch", branch, "template_parameters", params,
	    "created_ms", (json_int_t)world_now_ms(), "kind",
	    kind_for_path(yaml_path), "variables", run_variables(
	    comp.variables));
	json_object_set_new(run, "plan", make_plan(comp.yaml,
	    json_object_get(run, "variables")));
	context_for(&c, x, root, run);
	c.definition = d;
	c.repo = repo;
	error = check_compile(&c, comp.yaml, json_object_get(run, "plan"),
	    needs);
	json_object_set_new(run, "needs", json_incref(needs));
	if (error != NULL)
		goto refuse;
	/* What the job's pool is: a retired image fails at job start. */
	char *image = expand(json_string_value(json_object_get(
	    json_object_get(comp.yaml, "pool"), "vmImage")), json_object_get(
	    run, "variables"));
	json_object_set_new(run, "vm_image", json_string(image));
	free(image);
	json_array_append_new(json_object_get(root, "builds"), run);
	goto out;
refuse:
	/* The service refuses to queue a run whose YAML does not compile,
	 * with the reasons in the error. */
	exchange_error(x, 400, build_api ?
	    "BuildRequestValidationFailedException" :
	    "PipelineValidationException", "%s", error);
	json_decref(run);
	run = NULL;
out:
	free(error);
	compile_free(&comp);
	json_decref(params);
	json_decref(needs);
	json_decref(yaml);
	return run;
}

/* ---- deciding, settling ---------------------------------------------- */

static json_int_t
plan_index(json_t *run, const char *task)
{
	json_t *plan = json_object_get(run, "plan"), *t;
	size_t i;

	/* by its name, or the template that made it */
	json_array_foreach(plan, i, t)
		if (task != NULL && (strstr(json_string_value(json_object_get(t,
		    "name")), task) != NULL || strstr(text_of(json_object_get(t,
		    "template")), task) != NULL))
			return (json_int_t)i;
	return 0;
}

static json_t *
task_log(json_t *run, json_int_t index)
{
	json_t *logs = json_object_get(run, "task_logs"), *lines;
	char key[24];

	if (logs == NULL) {
		logs = json_object();
		json_object_set_new(run, "task_logs", logs);
	}
	snprintf(key, sizeof key, "%lld", (long long)index);
	lines = json_object_get(logs, key);
	if (lines == NULL) {
		lines = json_array();
		json_object_set_new(logs, key, lines);
	}
	return lines;
}

void
runs_log(struct run_context *c, const char *task, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	json_array_append_new(task_log(c->run, plan_index(c->run, task)),
	    json_string(line));
	free(line);
}

void
runs_fail_at(struct run_context *c, const char *task, const char *fmt, ...)
{
	json_int_t index = plan_index(c->run, task);
	va_list ap;
	char *message;

	if (json_object_get(c->run, "failed_task") != NULL)
		return; /* the first failure stops the job */
	va_start(ap, fmt);
	message = xvasprintf(fmt, ap);
	va_end(ap);
	json_object_set_new(c->run, "failed_task", json_integer(index));
	json_object_set_new(c->run, "error", json_string(message));
	free(message);
}

void
runs_require_at(struct run_context *c, const char *task, const char *ns,
    const char *token, unsigned bits, const char *fmt, ...)
{
	json_int_t index = plan_index(c->run, task);
	json_t *failed = json_object_get(c->run, "failed_task");
	json_t *all = json_object_get(c->run, "requirements");
	va_list ap;
	char *message;

	/* A failure already decided at or before that task comes first. */
	if (failed != NULL && json_integer_value(failed) <= index)
		return;
	if (all == NULL) {
		all = json_array();
		json_object_set_new(c->run, "requirements", all);
	}
	va_start(ap, fmt);
	message = xvasprintf(fmt, ap);
	va_end(ap);
	json_array_append_new(all, json_pack("{s:I, s:s, s:s, s:i, s:s}",
	    "task", index, "namespace", ns, "token", token, "bits", (int)bits,
	    "error", message));
	free(message);
}

/* The job's checkout of each other repository reads it as the job's
 * identity: a missing Read fails that checkout, as git's fetch does. */
static void
require_checkouts(struct run_context *c)
{
	json_t *n;
	size_t i;

	json_array_foreach(json_object_get(c->run, "needs"), i, n) {
		const char *task = json_string_value(json_object_get(n,
		    "checkout"));
		const char *id = text_of(json_object_get(n, "id"));
		const char *dot = strchr(id, '.');
		if (task == NULL || dot == NULL)
			continue;
		char *token = xasprintf("repoV2/%.*s/%s", (int)(dot - id), id,
		    dot + 1);
		char *remote = xasprintf("%s/%s/_git/%s", c->x->base_url,
		    text_of(json_object_get(c->project, "name")), text_of(
		    json_object_get(n, "name")));
		runs_require_at(c, task, SECURITY_GIT, token, GIT_GENERIC_READ,
		    "remote: TF401019: The Git repository with name or "
		    "identifier %s does not exist or you do not have permissions "
		    "for the operation you are attempting. fatal: repository "
		    "'%s' not found", text_of(json_object_get(n, "name")),
		    remote);
		free(remote);
		free(token);
	}
}

/* The checks every run meets when its job starts. */
static void
decide_common(struct run_context *c)
{
	json_t *settings = json_object_get(c->root, "settings"), *img;
	const char *image = json_string_value(json_object_get(c->run,
	    "vm_image"));
	size_t i;

	if (!json_is_true(json_object_get(settings, "hosted_parallelism")))
		runs_fail_at(c, NULL, "No hosted parallelism has been purchased "
		    "or granted. To request a free parallelism grant, please "
		    "fill out the following form "
		    "https://aka.ms/azpipelines-parallelism-request");
	json_array_foreach(json_object_get(settings, "retired_images"), i, img)
		if (image != NULL && strcasecmp(image, json_string_value(img))
		    == 0)
			runs_fail_at(c, NULL, "No image label found to route "
			    "agent pool Azure Pipelines. Details: Image: %s",
			    image);
}

static bool
all_permitted(struct run_context *c)
{
	json_t *n;
	size_t i;

	json_array_foreach(json_object_get(c->run, "needs"), i, n)
		if (!permits_authorized(c->root, c->project, json_string_value(
		    json_object_get(n, "type")), json_string_value(
		    json_object_get(n, "id")), json_integer_value(
		    json_object_get(c->run, "definition_id"))))
			return false;
	return true;
}

/* When each task ends (ms after the gate), and when the run does. */
static long long
task_end(struct run_context *c, json_int_t index)
{
	json_t *plan = json_object_get(c->run, "plan");
	long long end = 0;

	for (json_int_t i = 0; i <= index && i < (json_int_t)json_array_size(
	    plan); i++)
		end += world_scaled_ms(c->root, json_integer_value(
		    json_object_get(json_array_get(plan, (size_t)i), "ms")));
	return end;
}

static long long
run_length(struct run_context *c)
{
	json_t *failed = json_object_get(c->run, "failed_task");

	return task_end(c, failed ? json_integer_value(failed) :
	    (json_int_t)json_array_size(json_object_get(c->run, "plan")) - 1);
}

static void
finish(struct run_context *c, const char *result, long long when)
{
	json_object_set_new(c->run, "result", json_string(result));
	json_object_set_new(c->run, "finished_ms", json_integer(when));
}

/* When task index starts, ms after the gate. */
static long long
task_start(struct run_context *c, json_int_t index)
{
	return index == 0 ? 0 : task_end(c, index - 1);
}

/* Whether the run's job identity has bits in ns at token: the ACL as it
 * is now, without the lag with which reads see a new entry. */
static bool
job_may(struct run_context *c, const char *ns, const char *token,
    unsigned bits)
{
	json_t *job = security_job_identity(c->root, c->project);

	return (security_enforced(c->root, ns, token, json_string_value(
	    json_object_get(job, "descriptor"))) & bits) == bits;
}

/* Whether the run stops before task at does its work: it failed at an
 * earlier task, or at that one for another missing right. */
static bool
stopped_before(struct run_context *c, json_int_t at)
{
	json_t *failed = json_object_get(c->run, "failed_task");

	if (failed == NULL)
		return false;
	return json_integer_value(failed) < at || (json_integer_value(failed)
	    == at && json_is_true(json_object_get(c->run, "failed_by_right")));
}

/*
 * The rights the run's tasks need, each checked once, when its task
 * starts (elapsed ms after the gate), not when the run was queued: a
 * right granted or taken away meanwhile counts. A missing one fails the
 * run at that task, unless it stopped before.
 */
static bool
enforce_started(struct run_context *c, long long elapsed)
{
	json_t *r;
	bool changed = false;
	size_t i;

	json_array_foreach(json_object_get(c->run, "requirements"), i, r) {
		json_int_t at = json_integer_value(json_object_get(r, "task"));
		if (json_object_get(r, "checked") != NULL ||
		    task_start(c, at) > elapsed)
			continue;
		json_object_set_new(r, "checked", json_true());
		changed = true;
		if (stopped_before(c, at) || job_may(c, text_of(
		    json_object_get(r, "namespace")), text_of(json_object_get(r,
		    "token")), (unsigned)json_integer_value(json_object_get(r,
		    "bits"))))
			continue;
		/* What the task meets first is the missing right. */
		json_object_set_new(c->run, "failed_task", json_integer(at));
		json_object_set(c->run, "error", json_object_get(r, "error"));
		json_object_set_new(c->run, "failed_by_right", json_true());
	}
	return changed;
}

/* When this sandbox first settled a run: its start, near enough. Read
 * and set with the world locked. */
static long long up_since;

/* Move one run on to now; true when the world changed. */
static bool
settle_run(struct exchange *x, json_t *root, json_t *run)
{
	struct run_context c;
	const struct run_kind *kind;
	long long now = world_now_ms(), gate;

	if (json_object_get(run, "result") != NULL)
		return false;
	context_for(&c, x, root, run);
	if (json_object_get(run, "gate_ms") == NULL) {
		if (!all_permitted(&c)) {
			/* However fast the world runs, a client gets a couple
			 * of seconds to grant the permits - counted from when
			 * this sandbox came up, if that was later: while it
			 * was down (killed, restarted) no client could. */
			long long wait = world_scaled_ms(root, PERMIT_WAIT_MS);
			long long since = json_integer_value(json_object_get(
			    run, "created_ms"));
			if (up_since == 0)
				up_since = now;
			if (up_since > since)
				since = up_since;
			if (now - since < (wait > 2000 ? wait : 2000))
				return false;
			json_object_set_new(run, "permit_timeout", json_true());
			finish(&c, "failed", now);
			return true;
		}
		json_object_set_new(run, "gate_ms", json_integer(now));
		decide_common(&c);
		require_checkouts(&c);
		kind = kind_of(json_string_value(json_object_get(run, "kind")));
		if (kind != NULL && kind->decide != NULL)
			kind->decide(&c);
		enforce_started(&c, 0);
		/* A run that takes no time (time scale 0) is over as soon
		 * as it passes the gate, not at the next read. */
		if (run_length(&c) > 0)
			return true;
	}
	gate = json_integer_value(json_object_get(run, "gate_ms"));
	bool enforced = enforce_started(&c, now - gate);
	if (now < gate + run_length(&c))
		return enforced;
	if (json_object_get(run, "failed_task") != NULL) {
		finish(&c, "failed", gate + run_length(&c));
		return true;
	}
	finish(&c, "succeeded", gate + run_length(&c));
	kind = kind_of(json_string_value(json_object_get(run, "kind")));
	if (kind != NULL && kind->apply != NULL)
		kind->apply(&c);
	return true;
}

static bool
settle_all(struct exchange *x, json_t *root)
{
	json_t *run;
	bool changed = false;
	size_t i;

	json_array_foreach(json_object_get(root, "builds"), i, run)
		changed |= settle_run(x, root, run);
	return changed;
}

/* ---- what clients see -------------------------------------------------- */

static void
set_time(json_t *obj, const char *key, long long ms)
{
	char *t = timefmt_iso8601_ms(ms);

	json_object_set_new(obj, key, json_string(t));
	free(t);
}

/* "notStarted", "inProgress" or "completed", for the Build API. */
static const char *
build_status(json_t *run)
{
	if (json_object_get(run, "result") != NULL)
		return "completed";
	return "inProgress";
}

static char *
build_number(json_t *run)
{
	char buf[TIMEFMT_LEN];

	timefmt_iso8601((time_t)(json_integer_value(json_object_get(run,
	    "created_ms")) / 1000), buf);
	return xasprintf("%.4s%.2s%.2s.%lld", buf, buf + 5, buf + 8,
	    (long long)json_integer_value(json_object_get(run, "id")));
}

static json_t *
run_json(struct exchange *x, json_t *root, json_t *run)
{
	struct run_context c;
	json_int_t id = json_integer_value(json_object_get(run, "id"));
	const char *pid = json_string_value(json_object_get(run, "project_id"));
	char *url, *web, *number = build_number(run);
	json_t *j, *pipeline;

	context_for(&c, x, root, run);
	pipeline = pipelines_pipeline_json(x, c.definition);
	url = xasprintf("%s/%s/_apis/pipelines/%lld/runs/%lld", x->base_url,
	    pid, (long long)json_integer_value(json_object_get(run,
	    "definition_id")), (long long)id);
	web = xasprintf("%s/%s/_build/results?buildId=%lld", x->base_url, pid,
	    (long long)id);
	j = json_pack("{s:I, s:s, s:s, s:O, s:s, s:{s:O, s:O, s:O, s:O, s:O}, "
	    "s:{s:{s:{s:O, s:{s:O, s:s}}}}, s:{s:{s:s}, s:{s:s}}}", "id", id,
	    "name", number, "state", json_object_get(run, "result") ?
	    "completed" : "inProgress", "templateParameters",
	    json_object_get(run, "template_parameters"), "url", url,
	    "pipeline", "id", json_object_get(pipeline, "id"), "name",
	    json_object_get(pipeline, "name"), "folder", json_object_get(
	    pipeline, "folder"), "revision", json_object_get(pipeline,
	    "revision"), "url", json_object_get(pipeline, "url"), "resources",
	    "repositories", "self", "refName", json_object_get(run, "branch"),
	    "repository", "id", json_object_get(c.repo, "id"), "type",
	    "azureReposGit", "_links", "self", "href", url, "web", "href", web);
	set_time(j, "createdDate", json_integer_value(json_object_get(run,
	    "created_ms")));
	if (json_object_get(run, "result") != NULL) {
		json_object_set(j, "result", json_object_get(run, "result"));
		set_time(j, "finishedDate", json_integer_value(json_object_get(
		    run, "finished_ms")));
	}
	json_decref(pipeline);
	free(number);
	free(web);
	free(url);
	return j;
}

static json_t *
build_json(struct exchange *x, json_t *root, json_t *run)
{
	struct run_context c;
	json_int_t id = json_integer_value(json_object_get(run, "id"));
	const char *pid = json_string_value(json_object_get(run, "project_id"));
	char *number = build_number(run), *web, *timeline, *logs;
	json_t *j, *user = json_object_get(root, "user");

	context_for(&c, x, root, run);
	web = xasprintf("%s/%s/_build/results?buildId=%lld", x->base_url, pid,
	    (long long)id);
	timeline = xasprintf("%s/%s/_apis/build/builds/%lld/Timeline",
	    x->base_url, pid, (long long)id);
	logs = xasprintf("%s/%s/_apis/build/builds/%lld/logs", x->base_url,
	    pid, (long long)id);
	j = json_pack("{s:I, s:s, s:s, s:{s:O, s:O, s:O}, s:o, s:O, s:s, "
	    "s:{s:O, s:O}, s:{s:s}, s:{s:{s:s}, s:{s:s}}, s:O, s:o}", "id", id,
	    "buildNumber", number, "status", build_status(run), "definition",
	    "id", json_object_get(c.definition, "id"), "name",
	    json_object_get(c.definition, "name"), "path", json_object_get(
	    c.definition, "path"), "project", core_project_reference(x, root,
	    c.project), "sourceBranch", json_object_get(run, "branch"),
	    "reason", "manual", "requestedFor", "id", json_object_get(user,
	    "id"), "displayName", json_object_get(user, "displayName"), "logs",
	    "url", logs, "_links", "web", "href", web, "timeline", "href",
	    timeline, "templateParameters", json_object_get(run,
	    "template_parameters"), "validationResults", json_array());
	set_time(j, "queueTime", json_integer_value(json_object_get(run,
	    "created_ms")));
	if (json_object_get(run, "gate_ms") != NULL)
		set_time(j, "startTime", json_integer_value(json_object_get(run,
		    "gate_ms")));
	if (json_object_get(run, "result") != NULL) {
		json_object_set(j, "result", json_object_get(run, "result"));
		set_time(j, "finishTime", json_integer_value(json_object_get(
		    run, "finished_ms")));
	}
	free(logs);
	free(timeline);
	free(web);
	free(number);
	return j;
}

/* ---- the timeline ------------------------------------------------------ */

struct task_state {
	const char *state;   /* pending, inProgress, completed */
	const char *result;  /* NULL until completed */
	long long start, end;
};

static void
task_states(struct run_context *c, struct task_state *out, size_t n)
{
	json_t *gate = json_object_get(c->run, "gate_ms");
	json_t *failed = json_object_get(c->run, "failed_task");
	json_int_t f = failed ? json_integer_value(failed) : -1;
	bool over = json_object_get(c->run, "result") != NULL;
	long long now = world_now_ms(), g = json_integer_value(gate);

	for (size_t i = 0; i < n; i++) {
		out[i].start = g + (i ? task_end(c, (json_int_t)i - 1) : 0);
		out[i].end = g + task_end(c, (json_int_t)i);
		out[i].result = NULL;
		if (gate == NULL || (f >= 0 && (json_int_t)i > f)) {
			out[i].state = over ? "completed" : "pending";
			out[i].result = over ? "skipped" : NULL;
		} else if (now >= out[i].end) {
			out[i].state = "completed";
			out[i].result = (json_int_t)i == f ? "failed" :
			    "succeeded";
		} else
			out[i].state = now >= out[i].start ? "inProgress" :
			    "pending";
	}
}

static char *
record_id(json_int_t run, size_t index)
{
	return xasprintf("%08llx-0000-4000-8000-%012zx", (long long)run, index);
}

static json_t *
record(json_int_t run, size_t index, const char *parent, const char *type,
    const char *name, int order, const char *state, const char *result)
{
	char *id = record_id(run, index);
	json_t *r = json_pack("{s:s, s:s*, s:s, s:s, s:s, s:i, s:s, s:s*, s:i, "
	    "s:i, s:[], s:i}", "id", id, "parentId", parent, "type", type,
	    "name", name, "identifier", name, "order", order, "state", state,
	    "result", result, "errorCount", result && strcmp(result, "failed")
	    == 0, "warningCount", 0, "issues", "attempt", 1);

	free(id);
	return r;
}

/* Fold task states into their parent's: the state and result of a group. */
static void
group_state(struct task_state *t, size_t from, size_t to, const char **state,
    const char **result)
{
	bool any_started = false, all_done = true, failed = false,
	    all_skipped = true;

	for (size_t i = from; i < to; i++) {
		any_started |= strcmp(t[i].state, "pending") != 0;
		all_done &= strcmp(t[i].state, "completed") == 0;
		failed |= t[i].result && strcmp(t[i].result, "failed") == 0;
		all_skipped &= t[i].result && strcmp(t[i].result, "skipped")
		    == 0;
	}
	*state = all_done ? "completed" : any_started ? "inProgress" :
	    "pending";
	*result = !all_done ? NULL : failed ? "failed" : all_skipped ?
	    "skipped" : "succeeded";
}

/* A group's times, as its tasks': the first start, and the last finish
 * once every task is over. */
static json_t *
group_times(json_t *record, const struct task_state *t, size_t from,
    size_t to)
{
	long long start = -1, end = -1;
	bool over = true;

	for (size_t i = from; i < to; i++) {
		if (strcmp(t[i].state, "pending") != 0 && (start < 0 ||
		    t[i].start < start))
			start = t[i].start;
		over &= t[i].result != NULL;
		if (t[i].result != NULL && strcmp(t[i].result, "skipped") != 0 &&
		    t[i].end > end)
			end = t[i].end;
	}
	if (start >= 0)
		set_time(record, "startTime", start);
	if (start >= 0 && over && end >= 0)
		set_time(record, "finishTime", end);
	return record;
}

static void
add_task_records(json_t *records, struct run_context *c, json_t *plan,
    struct task_state *t, size_t from, size_t to, const char *job_id)
{
	json_int_t id = json_integer_value(json_object_get(c->run, "id"));
	json_t *r;

	for (size_t i = from; i < to; i++) {
		r = record(id, 1000 + i, job_id, "Task", json_string_value(
		    json_object_get(json_array_get(plan, i), "name")),
		    (int)(i - from + 1), t[i].state, t[i].result);
		if (strcmp(t[i].state, "pending") != 0) {
			set_time(r, "startTime", t[i].start);
			json_object_set_new(r, "log", json_pack("{s:I, s:s}",
			    "id", (json_int_t)i + 1, "type", "Container"));
		}
		if (t[i].result && strcmp(t[i].result, "skipped") != 0)
			set_time(r, "finishTime", t[i].end);
		if (t[i].result && strcmp(t[i].result, "failed") == 0)
			json_array_append_new(json_object_get(r, "issues"),
			    json_pack("{s:s, s:s, s:O}", "type", "error",
			    "category", "General", "message", json_object_get(
			    c->run, "error")));
		json_array_append_new(records, r);
	}
}

/* Stage -> Phase -> Job -> Task, and the Permit checkpoint while gated. */
static json_t *
timeline_records(struct run_context *c)
{
	json_t *plan = json_object_get(c->run, "plan"), *records = json_array();
	json_int_t id = json_integer_value(json_object_get(c->run, "id"));
	size_t n = json_array_size(plan), s = 0, j, k;
	struct task_state *t = xcalloc(n ? n : 1, sizeof *t);
	const char *state, *result;
	int stage_order = 0, job_order;

	task_states(c, t, n);
	while (s < n) {
		const char *stage = json_string_value(json_object_get(
		    json_array_get(plan, s), "stage"));
		for (j = s; j < n && strcmp(stage, json_string_value(
		    json_object_get(json_array_get(plan, j), "stage"))) == 0;
		    j++)
			;
		char *stage_id = record_id(id, s * 3 + 1);
		group_state(t, s, j, &state, &result);
		json_array_append_new(records, group_times(record(id, s * 3 +
		    1, NULL, "Stage", stage, ++stage_order, state, result), t, s,
		    j));
		if (s == 0 && json_object_get(c->run, "gate_ms") == NULL) {
			bool timed_out = json_is_true(json_object_get(c->run,
			    "permit_timeout"));
			const char *st = timed_out ? "completed" : "inProgress";
			char *cp = record_id(id, 999);
			json_array_append_new(records, record(id, 999, stage_id,
			    "Checkpoint", "Checkpoint", 1, st, timed_out ?
			    "failed" : NULL));
			json_array_append_new(records, record(id, 998, cp,
			    "Checkpoint.Authorization", "Checkpoint.Authorization",
			    1, st, timed_out ? "failed" : NULL));
			free(cp);
		}
		job_order = 0;
		for (k = s; k < j;) {
			const char *job = json_string_value(json_object_get(
			    json_array_get(plan, k), "job"));
			size_t e;
			for (e = k; e < j && strcmp(job, json_string_value(
			    json_object_get(json_array_get(plan, e), "job")))
			    == 0; e++)
				;
			char *phase_id = record_id(id, k * 3 + 2);
			char *job_id = record_id(id, k * 3 + 3);
			group_state(t, k, e, &state, &result);
			json_array_append_new(records, group_times(record(id,
			    k * 3 + 2, stage_id, "Phase", job, ++job_order,
			    state, result), t, k, e));
			json_array_append_new(records, group_times(record(id,
			    k * 3 + 3, phase_id, "Job", job, 1, state, result), t,
			    k, e));
			add_task_records(records, c, plan, t, k, e, job_id);
			free(job_id);
			free(phase_id);
			k = e;
		}
		free(stage_id);
		s = j;
	}
	free(t);
	return records;
}

/* The lines of task index's log, as the agent would have written them. */
static char *
log_text(json_t *run, size_t index)
{
	json_t *plan = json_object_get(run, "plan"), *line;
	const char *name = json_string_value(json_object_get(json_array_get(
	    plan, index), "name"));
	json_t *failed = json_object_get(run, "failed_task");
	char key[24], *text = xasprintf("##[section]Starting: %s\n", name),
	    *next;
	size_t i;

	snprintf(key, sizeof key, "%zu", index);
	json_array_foreach(json_object_get(json_object_get(run,
	    "task_logs"), key), i, line) {
		next = xasprintf("%s%s\n", text, json_string_value(line));
		free(text);
		text = next;
	}
	if (failed != NULL && (size_t)json_integer_value(failed) == index) {
		next = xasprintf("%s##[error]%s\n", text, json_string_value(
		    json_object_get(run, "error")));
		free(text);
		text = next;
	}
	next = xasprintf("%s##[section]Finishing: %s\n", text, name);
	free(text);
	return next;
}

/* ---- handlers ---------------------------------------------------------- */

static json_t *
find_run(json_t *root, json_t *project, json_int_t id)
{
	json_t *run;
	size_t i;

	json_array_foreach(json_object_get(root, "builds"), i, run)
		if (json_integer_value(json_object_get(run, "id")) == id &&
		    json_equal(json_object_get(run, "project_id"),
		    json_object_get(project, "id")))
			return run;
	return NULL;
}

static void
no_such_build(struct exchange *x, const char *id)
{
	exchange_error(x, 404, "BuildNotFoundException", "Build %s was not "
	    "found.", id ? id : "");
}

/* A branch as the service takes it: refs/heads/x, or the default. */
static char *
full_branch(const char *given, json_t *repo)
{
	const char *def = json_string_value(json_object_get(repo,
	    "default_branch"));

	if (given == NULL)
		return xstrdup(def ? def : "refs/heads/main");
	return strncmp(given, "refs/", 5) == 0 ? xstrdup(given) :
	    xasprintf("refs/heads/%s", given);
}

void
handle_runs(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *d = NULL, *run, *list;
	bool changed = false;
	char *branch;
	size_t i;

	project = core_project_or_reply(x, root, x->params[0]);
	if (project != NULL && (d = pipelines_find(root, project,
	    atoll(x->params[1] ? x->params[1] : "0"))) == NULL)
		exchange_error(x, 404, "PipelineNotFoundException", "Pipeline "
		    "with id %s was not found.", x->params[1] ? x->params[1] :
		    "");
	if (d == NULL)
		;
	else if (strcmp(x->method, "POST") == 0 && x->params[2] == NULL) {
		json_t *repo = world_find(json_object_get(root, "repositories"),
		    "id", json_string_value(json_object_get(d,
		    "repository_id")));
		branch = full_branch(json_string_value(json_object_get(
		    json_object_get(json_object_get(json_object_get(x->body,
		    "resources"), "repositories"), "self"), "refName")), repo);
		run = queue_run(x, root, project, d, branch, json_object_get(
		    x->body, "templateParameters"), false);
		if (run != NULL) {
			changed = true;
			exchange_json(x, 200, run_json(x, root, run));
		}
		free(branch);
	} else if (strcmp(x->method, "GET") != 0)
		exchange_method_not_allowed(x);
	else if (x->params[2] != NULL) {
		run = find_run(root, project, atoll(x->params[2]));
		if (run != NULL && json_equal(json_object_get(run,
		    "definition_id"), json_object_get(d, "id")))
			exchange_json(x, 200, run_json(x, root, run));
		else
			exchange_error(x, 404, "RunNotFoundException", "Run %s "
			    "was not found.", x->params[2]);
	} else {
		list = json_array();
		json_array_foreach(json_object_get(root, "builds"), i, run)
			if (json_equal(json_object_get(run, "definition_id"),
			    json_object_get(d, "id")))
				json_array_insert_new(list, 0, run_json(x, root,
				    run));
		exchange_collection(x, list);
	}
	world_unlock(x->world, changed);
}

static json_t *
log_entry(struct exchange *x, json_t *run, size_t index, bool build_api)
{
	char *text, *url;
	size_t lines = 0;
	json_t *j;

	text = log_text(run, index);
	for (char *p = text; *p != '\0'; p++)
		lines += *p == '\n';
	url = xasprintf("%s/%s/_apis/build/builds/%lld/logs/%zu", x->base_url,
	    json_string_value(json_object_get(run, "project_id")),
	    (long long)json_integer_value(json_object_get(run, "id")),
	    index + 1);
	j = json_pack("{s:I, s:I, s:s}", "id", (json_int_t)index + 1,
	    "lineCount", (json_int_t)lines, "url", url);
	if (build_api)
		json_object_set_new(j, "type", json_string("Container"));
	free(url);
	free(text);
	return j;
}

/* The logs that exist: one per task that has started. */
static json_t *
started_logs(struct exchange *x, json_t *root, json_t *run, bool build_api)
{
	struct run_context c;
	size_t n = json_array_size(json_object_get(run, "plan"));
	struct task_state *t = xcalloc(n ? n : 1, sizeof *t);
	json_t *list = json_array();

	context_for(&c, x, root, run);
	task_states(&c, t, n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].state, "pending") != 0 && !(t[i].result &&
		    strcmp(t[i].result, "skipped") == 0))
			json_array_append_new(list, log_entry(x, run, i,
			    build_api));
	free(t);
	return list;
}

void
handle_run_logs(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *run = NULL, *logs, *l;
	size_t i;

	project = core_project_or_reply(x, root, x->params[0]);
	if (project != NULL && x->params[2] != NULL)
		run = find_run(root, project, atoll(x->params[2]));
	if (project != NULL && run == NULL)
		no_such_build(x, x->params[2]);
	else if (run != NULL) {
		logs = started_logs(x, root, run, false);
		if (x->params[3] == NULL)
			exchange_json(x, 200, json_pack("{s:o}", "logs", logs));
		else {
			json_t *hit = NULL;
			json_array_foreach(logs, i, l)
				if (json_integer_value(json_object_get(l, "id")) ==
				    atoll(x->params[3]))
					hit = l;
			if (hit != NULL)
				exchange_json(x, 200, json_incref(hit));
			else
				exchange_error(x, 404, "LogNotFoundException",
				    "Log %s was not found.", x->params[3]);
			json_decref(logs);
		}
	}
	world_unlock(x->world, false);
}

static void
queue_build(struct exchange *x, json_t *root, json_t *project, bool *changed)
{
	json_t *d = pipelines_find(root, project, json_integer_value(
	    json_object_get(json_object_get(x->body, "definition"), "id")));
	json_t *params = json_object_get(x->body, "templateParameters"), *run;
	json_t *repo;
	char *branch;

	if (d == NULL) {
		exchange_error(x, 404, "DefinitionNotFoundException", "The "
		    "build pipeline was not found.");
		return;
	}
	repo = world_find(json_object_get(root, "repositories"), "id",
	    json_string_value(json_object_get(d, "repository_id")));
	branch = full_branch(json_string_value(json_object_get(x->body,
	    "sourceBranch")), repo);
	run = queue_run(x, root, project, d, branch, params ? params : NULL,
	    true);
	free(branch);
	if (run != NULL) {
		*changed = true;
		exchange_json(x, 200, build_json(x, root, run));
	}
}

static void
cancel_build(struct exchange *x, json_t *root, json_t *run, bool *changed)
{
	const char *status = json_string_value(json_object_get(x->body,
	    "status"));

	if (status != NULL && strcasecmp(status, "cancelling") == 0 &&
	    json_object_get(run, "result") == NULL) {
		json_object_set_new(run, "result", json_string("canceled"));
		json_object_set_new(run, "finished_ms",
		    json_integer(world_now_ms()));
		*changed = true;
	}
	exchange_json(x, 200, build_json(x, root, run));
}

void
handle_builds(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *run, *list;
	const char *defs = exchange_query(x, "definitions");
	bool changed = false;
	size_t i;

	project = core_project_or_reply(x, root, x->params[0]);
	if (project == NULL)
		;
	else if (x->params[1] == NULL && strcmp(x->method, "POST") == 0)
		queue_build(x, root, project, &changed);
	else if (x->params[1] == NULL && strcmp(x->method, "GET") == 0) {
		const char *top = exchange_query(x, "$top");

		list = json_array();
		json_array_foreach(json_object_get(root, "builds"), i, run) {
			char *id = xasprintf("%lld", (long long)
			    json_integer_value(json_object_get(run,
			    "definition_id")));
			if (json_equal(json_object_get(run, "project_id"),
			    json_object_get(project, "id")) && (defs == NULL ||
			    strstr(defs, id) != NULL))
				json_array_insert_new(list, 0, build_json(x, root,
				    run));
			free(id);
		}
		/* Newest first, as queueTimeDescending; $top of them. */
		while (top != NULL && atoi(top) > 0 &&
		    json_array_size(list) > (size_t)atoi(top))
			json_array_remove(list, json_array_size(list) - 1);
		exchange_collection(x, list);
	} else if ((run = find_run(root, project, atoll(x->params[1]))) ==
	    NULL)
		no_such_build(x, x->params[1]);
	else if (strcmp(x->method, "GET") == 0)
		exchange_json(x, 200, build_json(x, root, run));
	else if (strcmp(x->method, "PATCH") == 0)
		cancel_build(x, root, run, &changed);
	else
		exchange_method_not_allowed(x);
	world_unlock(x->world, changed);
}

void
handle_timeline(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *run;
	struct run_context c;
	char *id, *url;

	project = core_project_or_reply(x, root, x->params[0]);
	if (project != NULL && (run = find_run(root, project,
	    atoll(x->params[1]))) == NULL)
		no_such_build(x, x->params[1]);
	else if (project != NULL) {
		context_for(&c, x, root, run);
		id = record_id(json_integer_value(json_object_get(run, "id")), 0);
		url = xasprintf("%s/%s/_apis/build/builds/%s/Timeline/%s",
		    x->base_url, x->params[0], x->params[1], id);
		exchange_json(x, 200, json_pack("{s:s, s:i, s:s, s:o}", "id", id,
		    "changeId", 1, "url", url, "records", timeline_records(&c)));
		free(url);
		free(id);
	}
	world_unlock(x->world, false);
}

void
handle_build_logs(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *run = NULL, *logs;
	json_int_t n;
	char *text;

	project = core_project_or_reply(x, root, x->params[0]);
	if (project != NULL && (run = find_run(root, project,
	    atoll(x->params[1]))) == NULL)
		no_such_build(x, x->params[1]);
	else if (run != NULL && x->params[2] == NULL)
		exchange_collection(x, started_logs(x, root, run, true));
	else if (run != NULL) {
		n = atoll(x->params[2]);
		logs = started_logs(x, root, run, true);
		bool exists = false;
		for (size_t i = 0; i < json_array_size(logs); i++)
			exists |= json_integer_value(json_object_get(
			    json_array_get(logs, i), "id")) == n;
		json_decref(logs);
		if (!exists)
			exchange_error(x, 404, "LogNotFoundException", "Log %s "
			    "was not found.", x->params[2]);
		else {
			text = log_text(run, (size_t)n - 1);
			exchange_raw(x, 200, "text/plain", text, strlen(text));
			free(text);
		}
	}
	world_unlock(x->world, false);
}

bool
runs_settle(struct exchange *x, json_t *root)
{
	return settle_all(x, root);
}
