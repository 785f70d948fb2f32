/* The read-only checks of a setup: what each guide step should have left. */
#include "config.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ado_build.h"
#include "ado_core.h"
#include "ado_git.h"
#include "ado_resources.h"
#include "ado_security.h"
#include "checks.h"
#include "cloud.h"
#include "names.h"
#include "timefmt.h"
#include "xalloc.h"
#include "yamljson.h"

static const char *const accelerator_repos[] = {
	"mlops-v2", "mlops-project-template", "mlops-templates",
};

/* ---- results -------------------------------------------------------- */

static void
vset_result(struct check_result *r, enum verdict v, const char *error_id,
    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

static void
vset_result(struct check_result *r, enum verdict v, const char *error_id,
    const char *fmt, va_list ap)
{
	free(r->detail);
	r->detail = xvasprintf(fmt, ap);
	r->verdict = v;
	r->error_id = error_id;
}

static void set_result(struct check_result *r, enum verdict v,
    const char *error_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
set_result(struct check_result *r, enum verdict v, const char *error_id,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset_result(r, v, error_id, fmt, ap);
	va_end(ap);
}

/* What r needs does not exist; see check_result.missing_error. */
static void missing(struct check_result *r, const char *error_id,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
missing(struct check_result *r, const char *error_id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset_result(r, VERDICT_UNKNOWN, NULL, fmt, ap);
	va_end(ap);
	r->missing_error = error_id;
}

/* The check whose subject (error_id) is missing reports it as its problem. */
static void
own_missing(struct check_result *r, const char *error_id)
{
	if (r->missing_error == NULL || strcmp(r->missing_error, error_id) != 0)
		return;
	r->verdict = VERDICT_PROBLEM;
	r->error_id = r->missing_error;
}

/*
 * When call failed, say so in r: the credentials refused or the service
 * unreachable leave the check unable to tell. Returns whether it failed.
 */
static bool
azure_failed(struct check_result *r, struct api_call *call, const char *what)
{
	const struct api_error *e = api_call_error(call);

	if (e->kind == API_OK)
		return false;
	set_result(r, VERDICT_UNKNOWN, NULL, "could not read %s: %s%s%s", what,
	    api_error_kind_name(e->kind), e->message ? ": " : "",
	    e->message ? e->message : "");
	return true;
}

/* A PAT refused by the organization's or tenant's policy (apierror.c
 * says so in these words). */
static bool
pats_restricted(struct api_call *call)
{
	const char *m = api_call_error(call)->message;

	return m != NULL && strstr(m, "restricts personal access tokens") !=
	    NULL;
}

/* As azure_failed, for Azure DevOps, where the PAT's scopes matter. */
static bool
call_failed(struct probe *p, struct check_result *r, struct api_call *call,
    const char *what)
{
	if (api_call_error(call)->kind != API_AUTH)
		return azure_failed(r, call, what);
	if (p->signed_in && json_object_get(p->refused, what) != NULL)
		set_result(r, VERDICT_UNKNOWN, NULL, "the PAT may not read %s "
		    "(see above)", what);
	else if (p->signed_in) {
		/* Signed in, then refused: the PAT lacks this area's scope;
		 * one problem, however many checks need the area. */
		json_object_set_new(p->refused, what, json_true());
		set_result(r, VERDICT_PROBLEM, "pat-scope-missing", "the PAT "
		    "signs in but may not read %s: it lacks the scope for it",
		    what);
	} else if (pats_restricted(call))
		set_result(r, VERDICT_UNKNOWN, "ado-pats-restricted", "%s",
		    api_call_error(call)->message);
	else
		set_result(r, VERDICT_UNKNOWN, "ado-credentials-rejected",
		    "could not read %s: %s", what, api_error_kind_name(
		    API_AUTH));
	return true;
}

static struct api_call *
fetch(struct probe *p, struct api_call *call)
{
	api_wait(p->api, call);
	return call;
}

/* ---- what checks share ---------------------------------------------- */

static bool
need_sign_in(struct probe *p, struct check_result *r)
{
	struct api_call *c;

	if (p->signed_in)
		return true;
	c = fetch(p, ado_connection_data(p->api));
	if (!call_failed(p, r, c, "who is signed in")) {
		const char *user = api_field(api_call_result(c),
		    "authenticatedUser.providerDisplayName");

		if (user == NULL)
			set_result(r, VERDICT_UNKNOWN, NULL, "could not read who "
			    "is signed in: the answer does not name the user");
		else {
			p->signed_in = true;
			p->user = xstrdup(user);
		}
	}
	api_call_free(c);
	return p->signed_in;
}

json_t *
probe_project(struct probe *p, struct check_result *r)
{
	struct api_call *c;

	if (p->project != NULL || !need_sign_in(p, r))
		return p->project;
	c = fetch(p, ado_get_project(p->api, p->target->project));
	if (api_call_error(c)->kind == API_NOT_FOUND)
		missing(r, "ado-project-not-found", "there is no project '%s'",
		    p->target->project);
	else if (!call_failed(p, r, c, "the project"))
		p->project = json_incref(api_call_result(c));
	api_call_free(c);
	return p->project;
}

static const char *
project_id(struct probe *p)
{
	return api_field(p->project, "id");
}

/* The repository named name, or NULL (with r set when unreadable). */
json_t *
probe_repository(struct probe *p, struct check_result *r, const char *name)
{
	struct api_call *c;
	json_t *repo;
	size_t i;

	if (p->repositories == NULL) {
		if (probe_project(p, r) == NULL)
			return NULL;
		c = fetch(p, ado_list_repositories(p->api, project_id(p)));
		if (!call_failed(p, r, c, "the repositories"))
			p->repositories = json_incref(api_call_result(c));
		api_call_free(c);
		if (p->repositories == NULL)
			return NULL;
	}
	json_array_foreach(p->repositories, i, repo) {
		if (strcasecmp(api_field(repo, "name"), name) == 0)
			return repo;
	}
	missing(r, "ado-repository-not-found", "there is no repository '%s' "
	    "in %s", name, p->target->project);
	return NULL;
}

/*
 * The identity jobs run as: the project's Build Service when the job
 * authorization scope is limited to the project, else the collection's.
 */
bool
probe_identity(struct probe *p, struct check_result *r)
{
	struct api_call *c;
	bool project_scope;

	/* The project too: callers use its id (probe_forget drops it). */
	if (probe_project(p, r) == NULL)
		return false;
	if (p->identity_descriptor != NULL)
		return true;
	c = fetch(p, ado_general_settings(p->api, project_id(p)));
	if (call_failed(p, r, c, "the build settings")) {
		api_call_free(c);
		return false;
	}
	project_scope = json_is_true(json_object_get(api_call_result(c),
	    "enforceJobAuthScope"));
	api_call_free(c);
	free(p->identity_name);
	p->identity_name = project_scope ? xasprintf("%s Build Service (%s)",
	    api_field(p->project, "name"), p->target->organization) :
	    xasprintf("Project Collection Build Service (%s)",
	    p->target->organization);
	c = fetch(p, ado_find_identity(p->api, p->identity_name));
	if (!call_failed(p, r, c, "the identities")) {
		if (api_count(c) == 0)
			set_result(r, VERDICT_UNKNOWN, NULL, "no identity '%s' "
			    "was found", p->identity_name);
		else if (api_field(api_item(c, 0), "descriptor") == NULL)
			set_result(r, VERDICT_UNKNOWN, NULL, "the identity '%s' "
			    "came without a descriptor", p->identity_name);
		else
			p->identity_descriptor = xstrdup(api_field(api_item(c,
			    0), "descriptor"));
	}
	api_call_free(c);
	return p->identity_descriptor != NULL;
}

/* The effective bits of the identity jobs run as, at token; -1: unknown. */
static long
identity_bits(struct probe *p, struct check_result *r, const char *ns,
    const char *token)
{
	struct api_call *c = fetch(p, ado_acl(p->api, ns, token,
	    p->identity_descriptor));
	long bits = -1;

	if (!call_failed(p, r, c, "the permissions"))
		bits = ado_acl_effective(c, p->identity_descriptor);
	api_call_free(c);
	return bits;
}

/* ---- the checks ----------------------------------------------------- */

static void
check_pat(struct probe *p, struct check_result *r)
{
	if (!need_sign_in(p, r)) {
		/* Here a refused PAT is the problem, not a reason. */
		if (r->error_id != NULL && (strcmp(r->error_id,
		    "ado-credentials-rejected") == 0 || strcmp(r->error_id,
		    "ado-pats-restricted") == 0))
			r->verdict = VERDICT_PROBLEM;
		return;
	}
	set_result(r, VERDICT_OK, NULL, "signed in to %s as %s",
	    p->target->organization, p->user ? p->user : "(unnamed)");
}

static void
check_project(struct probe *p, struct check_result *r)
{
	const char *state;

	if (probe_project(p, r) == NULL) {
		own_missing(r, "ado-project-not-found");
		return;
	}
	state = api_field(p->project, "state");
	if (state != NULL && strcmp(state, "wellFormed") == 0)
		set_result(r, VERDICT_OK, NULL, "%s exists",
		    p->target->project);
	else
		set_result(r, VERDICT_PROBLEM, NULL,
		    "%s is %s, not yet ready", p->target->project,
		    state ? state : "in an unknown state");
}

/*
 * May the operator create the project: Create new projects at the
 * organization (a Project Collection Administrator has it), asked of the
 * caller's own permissions. Not needed once the project exists.
 */
static void
check_project_creation(struct probe *p, struct check_result *r)
{
	struct api_call *c;

	if (probe_project(p, r) != NULL) {
		set_result(r, VERDICT_OK, NULL, "%s exists: creating it is not "
		    "needed", p->target->project);
		return;
	}
	if (r->missing_error == NULL)
		return;                 /* unreadable: r says why */
	r->missing_error = NULL;
	c = fetch(p, ado_has_permissions(p->api, ADO_NS_COLLECTION,
	    COLLECTION_CREATE_PROJECTS, ADO_COLLECTION_TOKEN));
	if (!call_failed(p, r, c, "your permissions in the organization")) {
		if (json_is_true(api_item(c, 0)))
			set_result(r, VERDICT_OK, NULL, "you may create the "
			    "project %s (Create new projects)",
			    p->target->project);
		else
			set_result(r, VERDICT_PROBLEM,
			    "project-creation-forbidden", "you may not create "
			    "projects in %s (you lack Create new projects: you "
			    "are not a Project Collection Administrator). A "
			    "Project Collection Administrator creates the "
			    "project %s (Organization settings > Projects > New "
			    "project) and makes you its Project Administrator, "
			    "or gives you Create new projects; mlops-tui then "
			    "finds the project and goes on",
			    p->target->organization, p->target->project);
	}
	api_call_free(c);
}

static void
check_accelerator_repo(struct probe *p, struct check_result *r,
    const char *name)
{
	json_t *repo = probe_repository(p, r, name);
	const char *branch;

	if (repo == NULL) {
		own_missing(r, "ado-repository-not-found");
		return;
	}
	branch = api_field(repo, "defaultBranch");
	if (branch == NULL || json_integer_value(json_object_get(repo,
	    "size")) == 0)
		set_result(r, VERDICT_PROBLEM, "repository-has-no-main",
		    "%s is empty: it was created but not imported", name);
	else if (strcmp(branch, "refs/heads/main") != 0)
		set_result(r, VERDICT_PROBLEM, "repository-has-no-main",
		    "%s defaults to %s, not main", name, branch + (strncmp(
		    branch, "refs/heads/", 11) == 0 ? 11 : 0));
	else
		set_result(r, VERDICT_OK, NULL, "%s is imported and defaults "
		    "to main", name);
}

static void
check_repo_mlops_v2(struct probe *p, struct check_result *r)
{
	check_accelerator_repo(p, r, accelerator_repos[0]);
}

static void
check_repo_project_template(struct probe *p, struct check_result *r)
{
	check_accelerator_repo(p, r, accelerator_repos[1]);
}

static void
check_repo_templates(struct probe *p, struct check_result *r)
{
	check_accelerator_repo(p, r, accelerator_repos[2]);
}

static void
check_job_identity(struct probe *p, struct check_result *r)
{
	if (probe_identity(p, r))
		set_result(r, VERDICT_OK, NULL, "jobs run as %s",
		    p->identity_name);
}

static void
check_pipeline_rights(struct probe *p, struct check_result *r)
{
	const unsigned want = BUILD_EDIT_PIPELINE | BUILD_CREATE_PIPELINE;
	long bits;

	if (!probe_identity(p, r))
		return;
	bits = identity_bits(p, r, ADO_NS_BUILD, project_id(p));
	if (bits < 0)
		return;
	if (((unsigned long)bits & want) == want)
		set_result(r, VERDICT_OK, NULL, "%s may create and edit build "
		    "pipelines", p->identity_name);
	else
		set_result(r, VERDICT_PROBLEM, "build-pipeline-permissions",
		    "%s may not "
		    "%s build pipelines", p->identity_name, (bits &
		    BUILD_CREATE_PIPELINE) ? "edit" : (bits &
		    BUILD_EDIT_PIPELINE) ? "create" : "create or edit");
}

static void
check_ml_repo(struct probe *p, struct check_result *r)
{
	json_t *repo = probe_repository(p, r, p->target->repository);

	if (repo == NULL) {
		own_missing(r, "ado-repository-not-found");
		return;
	}
	if (api_field(repo, "defaultBranch") == NULL)
		set_result(r, VERDICT_PROBLEM, "ml-repository-empty",
		    "%s has no commit yet", p->target->repository);
	else
		set_result(r, VERDICT_OK, NULL, "%s exists with a first "
		    "commit", p->target->repository);
}

static void
check_ml_repo_rights(struct probe *p, struct check_result *r)
{
	const unsigned want = GIT_CONTRIBUTE | GIT_CREATE_BRANCH;
	json_t *repo;
	char *token;
	long bits;

	if (!probe_identity(p, r))
		return;
	repo = probe_repository(p, r, p->target->repository);
	if (repo == NULL)
		return;
	token = xasprintf("repoV2/%s/%s", project_id(p), api_field(repo,
	    "id"));
	bits = identity_bits(p, r, ADO_NS_GIT, token);
	free(token);
	if (bits < 0)
		return;
	if (((unsigned long)bits & want) == want)
		set_result(r, VERDICT_OK, NULL, "%s may contribute to %s and "
		    "create branches", p->identity_name,
		    p->target->repository);
	else
		set_result(r, VERDICT_PROBLEM, "push-permission-denied", "%s lacks "
		    "%s on %s", p->identity_name, (bits & GIT_CONTRIBUTE) ?
		    "Create branch" : (bits & GIT_CREATE_BRANCH) ?
		    "Contribute" : "Contribute and Create branch",
		    p->target->repository);
}

/* The newest runs whose timelines the parallelism check reads. */
#define RUNS_TO_READ 5

static const char *
or_empty(const char *s)
{
	return s ? s : "";
}

/* What build's timeline says of agents: 1 a job got one, -1 the
 * organization has no parallel job, 0 neither (or unreadable). */
static int
agent_verdict(struct probe *p, json_t *build)
{
	struct api_call *c = fetch(p, ado_get_timeline(p->api, project_id(p),
	    (long)json_integer_value(json_object_get(build, "id"))));
	json_t *rec, *issue;
	size_t i, k;
	int verdict = 0;

	json_array_foreach(json_object_get(api_call_result(c), "records"), i,
	    rec) {
		json_array_foreach(json_object_get(rec, "issues"), k, issue)
			if (strstr(or_empty(api_field(issue, "message")),
			    "No hosted parallelism") != NULL)
				verdict = -1;
		if (verdict == 0 && strcmp(or_empty(api_field(rec, "type")),
		    "Job") == 0 && api_field(rec, "startTime") != NULL)
			verdict = 1;
	}
	api_call_free(c);
	return verdict;
}

/*
 * Parallel jobs have no documented API (the portal's page reads an
 * undocumented one), so the project's newest runs tell: one whose job got
 * an agent, or one refused for want of a parallel job.
 */
static void
check_parallelism(struct probe *p, struct check_result *r)
{
	struct api_call *c;
	int verdict = 0;
	size_t i;

	set_result(r, VERDICT_UNKNOWN, "hosted-parallelism", "no pipeline has "
	    "run in %s yet to tell from, and Azure DevOps has no documented "
	    "API for parallel jobs: see Organization settings, Parallel jobs",
	    p->target->project);
	if (probe_project(p, r) == NULL)
		return;
	c = fetch(p, ado_list_builds(p->api, project_id(p), RUNS_TO_READ));
	if (api_call_error(c)->kind != API_OK) {
		api_call_free(c);
		return;
	}
	for (i = 0; i < api_count(c) && i < RUNS_TO_READ && verdict == 0; i++)
		verdict = agent_verdict(p, api_item(c, i));
	if (verdict > 0)
		set_result(r, VERDICT_OK, NULL, "run %s of %s got an agent",
		    api_field(api_item(c, i - 1), "buildNumber"), api_field(
		    api_item(c, i - 1), "definition.name"));
	else if (verdict < 0)
		set_result(r, VERDICT_PROBLEM, "hosted-parallelism", "run %s of "
		    "%s got no agent: the organization has no hosted parallel "
		    "job", api_field(api_item(c, i - 1), "buildNumber"),
		    api_field(api_item(c, i - 1), "definition.name"));
	api_call_free(c);
}

static void
check_terraform_extension(struct probe *p, struct check_result *r)
{
	struct api_call *c;

	if (strcmp(p->target->infrastructure, "terraform") != 0) {
		set_result(r, VERDICT_OK, NULL, "not needed with %s",
		    p->target->infrastructure);
		return;
	}
	if (!need_sign_in(p, r))
		return;
	c = fetch(p, ado_get_extension(p->api, "ms-devlabs",
	    "custom-terraform-tasks"));
	if (api_call_error(c)->kind == API_NOT_FOUND)
		set_result(r, VERDICT_PROBLEM, "terraform-extension-missing",
		    "the Terraform extension (ms-devlabs.custom-terraform-"
		    "tasks) is not installed");
	else if (!call_failed(p, r, c, "the installed extensions"))
		set_result(r, VERDICT_OK, NULL, "the Terraform extension is "
		    "installed");
	api_call_free(c);
}

/* Whether every pipeline may use the endpoint; -1 when unreadable. */
static int
open_to_all_pipelines(struct probe *p, struct check_result *r,
    const char *type, const char *id)
{
	struct api_call *c = fetch(p, ado_get_permits(p->api, project_id(p),
	    type, id));
	int open = -1;

	if (!call_failed(p, r, c, "the pipeline permissions"))
		open = json_is_true(json_object_get(json_object_get(
		    api_call_result(c), "allPipelines"), "authorized"));
	api_call_free(c);
	return open;
}

/* The secrets of a secret-based connection's application with their
 * expiry, "; secret-based: ..." (issue 14: doctor lists them, so that one
 * is converted before it expires); "" for a federated connection. */
static char *
secret_note(struct probe *p, json_t *endpoint)
{
	const char *scheme = api_field(endpoint, "authorization.scheme");
	const char *app_id = api_field(endpoint, "authorization.parameters."
	    "serviceprincipalid");
	struct api_call *c;
	char *list = NULL, *more, *note;
	json_t *cred;
	size_t i;

	if (scheme == NULL || strcasecmp(scheme, "ServicePrincipal") != 0)
		return xstrdup("");
	if (p->azure == NULL || app_id == NULL)
		return xstrdup("; secret-based (its expiry needs an Azure "
		    "sign-in); convert_connections: true converts it");
	c = fetch(p, graph_find_applications_by_app_id(p->api, app_id));
	json_array_foreach(json_object_get(api_item(c, 0),
	    "passwordCredentials"), i, cred) {
		const char *end = api_field(cred, "endDateTime");
		const char *name = api_field(cred, "displayName");

		more = xasprintf("%s%s%s expires %.10s", list ? list : "",
		    list ? ", " : "", name && *name ? name : "a secret",
		    end ? end : "(no date)");
		free(list);
		list = more;
	}
	api_call_free(c);
	note = xasprintf("; secret-based: %s; convert_connections: true "
	    "converts it to workload identity federation", list ? list :
	    "its application's secrets could not be read");
	free(list);
	return note;
}

static void
test_connection(struct probe *p, struct check_result *r, json_t *endpoint)
{
	struct api_call *c = fetch(p, ado_test_stored_endpoint(p->api,
	    project_id(p), endpoint));
	const char *status, *message;
	char *note;

	if (!call_failed(p, r, c, "the connection test")) {
		status = api_field(api_call_result(c), "statusCode");
		message = api_field(api_call_result(c), "errorMessage");
		note = secret_note(p, endpoint);
		if (status != NULL && strcasecmp(status, "ok") == 0)
			set_result(r, VERDICT_OK, NULL, "%s is open to all "
			    "pipelines and connects%s", p->target->connection,
			    note);
		else
			set_result(r, VERDICT_PROBLEM, NULL,
			    "%s does not connect: %s%s", p->target->connection,
			    message && *message ? message : status, note);
		free(note);
	}
	api_call_free(c);
}

/* ---- the connection as made ------------------------------------------ */

/*
 * When the longest-lasting password of application app ends: -1 when it
 * has none. The connection holds one of them, and the service never says
 * which: the last to end is the best it can hold.
 */
static time_t
last_secret_end(json_t *app)
{
	json_t *cred;
	size_t i;
	time_t last = -1, end;

	json_array_foreach(json_object_get(app, "passwordCredentials"), i,
	    cred)
		if (timefmt_parse(api_field(cred, "endDateTime"), &end) &&
		    end > last)
			last = end;
	return last;
}

int
checks_secret_days(json_t *app, time_t now, time_t *end)
{
	*end = last_secret_end(app);
	if (*end < 0)
		return 0;
	return (int)((*end - now) / (24 * 3600)) + (*end < now ? -1 : 0);
}

/* What of endpoint differs from what the setup made it with: the
 * subscription, the principal; NULL when nothing. */
char *
checks_connection_changes(json_t *endpoint, const char *subscription,
    const char *client_id)
{
	const char *sub = api_field(endpoint, "data.subscriptionId");
	const char *app = api_field(endpoint, "authorization.parameters."
	    "serviceprincipalid");
	char *text = NULL, *more;

	if (subscription != NULL && (sub == NULL || strcasecmp(sub,
	    subscription) != 0))
		text = xasprintf("subscription %s, made for %s", sub ? sub :
		    "(none)", subscription);
	if (client_id != NULL && (app == NULL || strcasecmp(app, client_id)
	    != 0)) {
		more = xasprintf("%s%sclient id %s, made with %s", text ? text :
		    "", text ? "; " : "", app ? app : "(none)", client_id);
		free(text);
		text = more;
	}
	return text;
}

/* "main" and "refs/heads/main" are the same branch. */
static bool
same_branch(const char *a, const char *b)
{
	if (strncmp(a, "refs/heads/", 11) == 0)
		a += 11;
	if (strncmp(b, "refs/heads/", 11) == 0)
		b += 11;
	return strcmp(a, b) == 0;
}

char *
checks_pipeline_changes(json_t *definition, const char *yaml,
    const char *branch)
{
	const char *now_yaml = api_field(definition, "process.yamlFilename");
	const char *now_branch = api_field(definition,
	    "repository.defaultBranch");
	char *text = NULL, *more;

	if (yaml != NULL && (now_yaml == NULL || strcmp(now_yaml, yaml) != 0))
		text = xasprintf("YAML path %s, made with %s", now_yaml ?
		    now_yaml : "(none)", yaml);
	if (branch != NULL && (now_branch == NULL || !same_branch(now_branch,
	    branch))) {
		more = xasprintf("%s%sbranch %s, made on %s", text ? text : "",
		    text ? "; " : "", now_branch ? now_branch : "(none)",
		    branch);
		free(text);
		text = more;
	}
	return text;
}

/* The principal's secret, when the setup made the application: past or
 * within CHECKS_SECRET_WARN_DAYS of its end is a problem. Whether it said
 * so (or could not read it). */
static bool
check_secret_end(struct probe *p, struct check_result *r)
{
	struct api_call *c;
	time_t end;
	int days;
	char when[TIMEFMT_LEN];
	bool said = true;

	if (p->target->application == NULL || p->azure == NULL)
		return false;
	c = fetch(p, graph_get_application(p->api, p->target->application));
	if (!azure_failed(r, c, "the principal's application")) {
		days = checks_secret_days(api_call_result(c), time(NULL), &end);
		if (end >= 0)
			timefmt_iso8601(end, when);
		if (end >= 0 && days < 0)
			set_result(r, VERDICT_PROBLEM, "principal-secret-expiring",
			    "%s connects with a secret that ended %s",
			    p->target->connection, when);
		else if (end >= 0 && days < CHECKS_SECRET_WARN_DAYS)
			set_result(r, VERDICT_PROBLEM, "principal-secret-expiring",
			    "%s connects with a secret that ends %s (in %d "
			    "days)", p->target->connection, when, days);
		else
			said = false;
	}
	api_call_free(c);
	return said;
}

/* Is it still the connection the setup made, and does it connect? What
 * changed is said before the failed test it causes. */
static void
check_connection_as_made(struct probe *p, struct check_result *r,
    json_t *endpoint)
{
	char *changes = p->target->as_made ? checks_connection_changes(
	    endpoint, p->target->subscription, p->target->client_id) : NULL;

	if (changes != NULL) {
		set_result(r, VERDICT_PROBLEM, "service-connection-changed",
		    "%s was changed: %s", p->target->connection, changes);
		free(changes);
		return;
	}
	/* A federated connection holds no secret to end; an ended secret
	 * is said as such, before the failed test it causes. */
	if (strcasecmp(or_empty(api_field(endpoint, "authorization.scheme")),
	    "ServicePrincipal") != 0 || !check_secret_end(p, r))
		test_connection(p, r, endpoint);
}

static void
check_connection(struct probe *p, struct check_result *r)
{
	struct api_call *c;
	json_t *endpoint;
	int open;

	if (probe_project(p, r) == NULL)
		return;
	c = fetch(p, ado_find_endpoints(p->api, project_id(p),
	    p->target->connection));
	if (call_failed(p, r, c, "the service connections")) {
		api_call_free(c);
		return;
	}
	endpoint = api_item(c, 0);
	if (endpoint == NULL)
		set_result(r, VERDICT_PROBLEM, "service-connection-missing", "there is "
		    "no service connection '%s'", p->target->connection);
	else if ((open = open_to_all_pipelines(p, r, "endpoint",
	    api_field(endpoint, "id"))) == 0)
		set_result(r, VERDICT_PROBLEM, "waiting-for-permit",
		    "%s is not open to all pipelines", p->target->connection);
	else if (open == 1)
		check_connection_as_made(p, r, endpoint);
	api_call_free(c);
}

static void
check_environment(struct probe *p, struct check_result *r)
{
	struct api_call *c;

	if (probe_project(p, r) == NULL)
		return;
	c = fetch(p, ado_find_environments(p->api, project_id(p),
	    p->target->environment));
	if (!call_failed(p, r, c, "the environments")) {
		if (api_count(c) == 0)
			set_result(r, VERDICT_PROBLEM, "environment-missing",
			    "there is no environment '%s'",
			    p->target->environment);
		else
			set_result(r, VERDICT_OK, NULL, "the environment %s "
			    "exists", p->target->environment);
	}
	api_call_free(c);
}

/* config-infra-prod.yml of the ML repository, read as JSON; NULL if not. */
static json_t *
read_config(struct probe *p, struct check_result *r)
{
	struct api_call *c;
	const char *text;
	json_t *config = NULL;
	char *cause = NULL;

	if (probe_repository(p, r, p->target->repository) == NULL)
		return NULL;
	c = fetch(p, ado_get_item(p->api, project_id(p),
	    p->target->repository, "/config-infra-prod.yml", "main"));
	if (api_call_error(c)->kind == API_NOT_FOUND)
		set_result(r, VERDICT_UNKNOWN, NULL, "%s has no "
		    "config-infra-prod.yml yet: give --namespace and --postfix",
		    p->target->repository);
	else if (!call_failed(p, r, c, "config-infra-prod.yml")) {
		text = api_field(api_call_result(c), "content");
		config = yamljson_parse(text ? text : "", text ? strlen(text) :
		    0, &cause);
		if (config == NULL)
			set_result(r, VERDICT_PROBLEM, NULL,
			    "config-infra-prod.yml is not YAML: %s", cause);
		free(cause);
	}
	api_call_free(c);
	return config;
}

/* The offline rules; true when they allow the names. */
static bool
report_names(struct check_result *r, const struct names_input *in)
{
	struct name_problem *problems;
	size_t count, serious = names_check(in, &problems, &count);
	char *text = xstrdup("");

	for (size_t i = 0; i < count; i++) {
		char *more = xasprintf("%s%s%s", text, i ? "; " : "",
		    problems[i].message);
		free(text);
		text = more;
	}
	if (serious > 0)
		set_result(r, VERDICT_PROBLEM, "resource-name-invalid", "%s", text);
	else
		set_result(r, VERDICT_OK, NULL, "namespace %s and postfix %s "
		    "give valid names%s%s", in->namespace, in->postfix,
		    count ? "; " : "", text);
	free(text);
	names_free_problems(problems, count);
	return serious == 0;
}

/*
 * ---- names taken in Azure (issue 16) ----
 * Key Vault and storage account names are global: Azure is asked whether
 * each name the infrastructure will create is free. A name held by this
 * setup's own resource (in the environment's resource group of its
 * subscription: a re-run) is not a problem; one soft-deleted in the
 * subscription can be purged; any other is someone else's.
 */
struct availability {
	struct probe *p;
	char *problems;         /* "; "-joined; NULL: none */
	const char *error_id;   /* the first problem's errors.yml entry */
	char *unasked;          /* why a name could not be asked; NULL */
	size_t ours;            /* names held by this setup itself */
};

static void add_text(char **list, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
add_text(char **list, const char *fmt, ...)
{
	va_list ap;
	char *one, *both;

	va_start(ap, fmt);
	one = xvasprintf(fmt, ap);
	va_end(ap);
	both = *list ? xasprintf("%s; %s", *list, one) : xstrdup(one);
	free(one);
	free(*list);
	*list = both;
}

static void
name_problem(struct availability *a, const char *error_id, char *text)
{
	if (a->error_id == NULL)
		a->error_id = error_id;
	add_text(&a->problems, "%s", text);
	free(text);
}

/* Whether call (a checkNameAvailability) says the name is free; on a
 * failed call the name goes into a->unasked and counts as free. */
static bool
name_free(struct availability *a, struct api_call *call, const char *name)
{
	const struct api_error *e = api_call_error(call);

	if (e->kind != API_OK) {
		add_text(&a->unasked, "%s: %s", name, e->message ?
		    e->message : api_error_kind_name(e->kind));
		return true;
	}
	return json_is_true(json_object_get(api_call_result(call),
	    "nameAvailable"));
}

/* Whether the GET call found the resource (and so it is this setup's). */
static bool
found_ours(struct availability *a, struct api_call *call)
{
	bool found = api_call_error(call)->kind == API_OK;

	a->ours += found;
	api_call_free(call);
	return found;
}

/* The errors.yml entry of a name Azure says is not free. */
static const char *
taken_error(json_t *answer)
{
	const char *reason = api_field(answer, "reason");

	return reason != NULL && strcmp(reason, "AccountNameInvalid") == 0 ?
	    "resource-name-invalid" : "global-name-taken";
}

/* Azure's word on a name not free: invalid (its rule, in its words), or
 * someone else's; Azure's AlreadyExists message adds nothing to that. */
static char *
taken_text(const char *what, const char *name, const char *rg,
    const char *sub, json_t *answer, const char *also)
{
	const char *reason = api_field(answer, "reason");
	const char *message = api_field(answer, "message");

	if (reason != NULL && strcmp(reason, "AccountNameInvalid") == 0)
		return xasprintf("Azure refuses the %s name %s: %s", what, name,
		    message ? message : reason);
	return xasprintf("the %s name %s is taken elsewhere in Azure (not by "
	    "resource group %s of subscription %s%s): choose another "
	    "namespace or postfix", what, name, rg, sub, also);
}

/* A vault of that name soft-deleted in the subscription: it holds the
 * name until purged or its retention ends. */
static bool
soft_deleted_vault(struct availability *a, const char *name)
{
	const struct check_target *t = a->p->target;
	struct api_call *c;
	json_t *props;

	if (t->location == NULL)
		return false;
	c = fetch(a->p, arm_get_deleted_vault(a->p->api, t->subscription,
	    t->location, name));
	if (api_call_error(c)->kind != API_OK) {
		api_call_free(c);
		return false;
	}
	props = json_object_get(api_call_result(c), "properties");
	name_problem(a, "soft-deleted-name", json_is_true(json_object_get(
	    props, "purgeProtectionEnabled")) ? xasprintf("the Key Vault "
	    "name %s is held by a soft-deleted vault in subscription %s "
	    "(%s) with purge protection, which cannot be purged before its "
	    "retention ends: choose another postfix", name, t->subscription,
	    t->location) : xasprintf("the Key Vault name %s is held by a "
	    "soft-deleted vault in subscription %s (%s): purge it (az keyvault "
	    "purge --name %s --location %s) or choose another postfix", name,
	    t->subscription, t->location, name, t->location));
	api_call_free(c);
	return true;
}

static void
ask_vault(struct availability *a, const char *name, const char *rg)
{
	const char *sub = a->p->target->subscription;
	struct api_call *c = fetch(a->p, arm_check_vault_name(a->p->api, sub,
	    name));

	if (!name_free(a, c, name) && !found_ours(a, fetch(a->p,
	    arm_get_vault(a->p->api, sub, rg, name))) &&
	    !soft_deleted_vault(a, name))
		name_problem(a, taken_error(api_call_result(c)), taken_text(
		    "Key Vault", name, rg, sub, api_call_result(c), "; a vault "
		    "soft-deleted in another subscription holds its name too"));
	api_call_free(c);
}

static void
ask_storage(struct availability *a, const char *what, const char *name,
    const char *rg)
{
	const char *sub = a->p->target->subscription;
	struct api_call *c = fetch(a->p, arm_check_storage_name(a->p->api,
	    sub, name));

	if (!name_free(a, c, name) && !found_ours(a, fetch(a->p,
	    arm_get_storage_account(a->p->api, sub, rg, name))))
		name_problem(a, taken_error(api_call_result(c)), taken_text(
		    what, name, rg, sub, api_call_result(c), ""));
	api_call_free(c);
}

/* Why Azure cannot be asked (owned), or NULL when it can. */
static char *
azure_unavailable(struct probe *p)
{
	char *cause = NULL;

	if (p->target->subscription == NULL)
		return xstrdup("no subscription_id");
	if (p->azure == NULL)
		return xasprintf("not signed in to Azure%s%s", p->azure_error ?
		    ": " : "", p->azure_error ? p->azure_error : "");
	if (signin_fresh(p->azure, &cause) == -1)
		return cause;
	return NULL;
}

/* Ask Azure about in's global names; r (the offline verdict, OK) gets
 * the problems, or a note of what was asked. */
static void
report_availability(struct probe *p, struct check_result *r,
    const struct names_input *in)
{
	struct availability a = { .p = p };
	bool terraform = in->infrastructure != NULL &&
	    strcmp(in->infrastructure, "terraform") == 0;
	char *why = azure_unavailable(p), *before = r->detail;
	struct names n;

	if (why != NULL) {
		r->detail = xasprintf("%s; not asked in Azure whether the names "
		    "are free (%s)", before, why);
		free(before);
		free(why);
		return;
	}
	names_derive(&n, in);
	ask_vault(&a, n.key_vault, n.resource_group);
	ask_storage(&a, "storage account", n.storage, n.resource_group);
	if (terraform)
		ask_storage(&a, "terraform state storage account",
		    n.state_storage, n.state_resource_group);
	if (a.problems != NULL)
		set_result(r, VERDICT_PROBLEM, a.error_id, "%s", a.problems);
	else {
		r->detail = xasprintf("%s; Azure has the global names free%s%s%s",
		    before, a.ours ? " or held by this setup" : "", a.unasked ?
		    ", except what could not be asked: " : "", a.unasked ?
		    a.unasked : "");
		free(before);
	}
	names_free(&n);
	free(a.problems);
	free(a.unasked);
}

static void
check_names(struct probe *p, struct check_result *r)
{
	struct names_input in = { p->target->namespace, p->target->postfix,
		p->target->environment, p->target->infrastructure, NULL };
	json_t *config = NULL, *vars;

	if (in.namespace == NULL || in.postfix == NULL) {
		config = read_config(p, r);
		if (config == NULL)
			return;
		vars = json_object_get(config, "variables");
		if (in.namespace == NULL)
			in.namespace = api_field(vars, "namespace");
		if (in.postfix == NULL)
			in.postfix = api_field(vars, "postfix");
	}
	if (report_names(r, &in))
		report_availability(p, r, &in);
	json_decref(config);
}

/* ---- Azure ----------------------------------------------------------- */

static const char *const providers[] = {
	"Microsoft.MachineLearningServices", "Microsoft.Storage",
	"Microsoft.KeyVault", "Microsoft.ContainerRegistry",
	"Microsoft.Insights",
};

/* Signed in to Azure with fresh tokens, and a subscription to check. */
static bool
need_azure(struct probe *p, struct check_result *r)
{
	char *cause = NULL;

	if (p->target->subscription == NULL) {
		set_result(r, VERDICT_UNKNOWN, NULL, "give --subscription to "
		    "check Azure");
		return false;
	}
	if (p->azure == NULL) {
		set_result(r, VERDICT_UNKNOWN, NULL, "not signed in to Azure%s%s",
		    p->azure_error ? ": " : "", p->azure_error ?
		    p->azure_error : "");
		return false;
	}
	if (signin_fresh(p->azure, &cause) == -1) {
		set_result(r, VERDICT_UNKNOWN, NULL, "%s", cause);
		free(cause);
		return false;
	}
	return true;
}

static void
check_subscription(struct probe *p, struct check_result *r)
{
	struct api_call *c;
	const char *state;

	if (!need_azure(p, r))
		return;
	c = fetch(p, arm_get_subscription(p->api, p->target->subscription));
	if (api_call_error(c)->kind == API_NOT_FOUND ||
	    api_call_error(c)->kind == API_FORBIDDEN)
		set_result(r, VERDICT_PROBLEM, "subscription-not-usable",
		    "subscription %s cannot be seen: %s",
		    p->target->subscription, api_call_error(c)->message);
	else if (!azure_failed(r, c, "the subscription")) {
		state = api_field(api_call_result(c), "state");
		if (state != NULL && strcmp(state, "Enabled") == 0)
			set_result(r, VERDICT_OK, NULL, "%s is enabled",
			    api_field(api_call_result(c), "displayName"));
		else
			set_result(r, VERDICT_PROBLEM,
			    "subscription-not-usable", "subscription %s is %s",
			    p->target->subscription, state ? state : "unknown");
	}
	api_call_free(c);
}

/* The object id of the service connection's principal. */
static bool
need_principal(struct probe *p, struct check_result *r)
{
	struct api_call *c;
	const char *app;

	if (p->principal_id != NULL)
		return true;
	if (probe_project(p, r) == NULL)
		return false;
	c = fetch(p, ado_find_endpoints(p->api, project_id(p),
	    p->target->connection));
	app = call_failed(p, r, c, "the service connections") ? NULL :
	    api_field(api_item(c, 0), "authorization.parameters."
	    "serviceprincipalid");
	if (app == NULL && r->detail == NULL)
		missing(r, "service-connection-missing", "there is no service "
		    "connection '%s' to name a principal",
		    p->target->connection);
	if (app != NULL) {
		struct api_call *sp = fetch(p, graph_find_principals(p->api,
		    app));

		if (!azure_failed(r, sp, "the service principal")) {
			if (api_count(sp) == 0)
				set_result(r, VERDICT_PROBLEM,
				    "service-principal-missing", "no service "
				    "principal has the application id %s", app);
			else if (api_field(api_item(sp, 0), "id") == NULL)
				set_result(r, VERDICT_UNKNOWN, NULL, "the service "
				    "principal of %s came without an id", app);
			else
				p->principal_id = xstrdup(api_field(api_item(
				    sp, 0), "id"));
		}
		api_call_free(sp);
	}
	api_call_free(c);
	return p->principal_id != NULL;
}

bool
is_contributor_on(json_t *assignment, const char *subscription)
{
	const char *role = api_field(assignment, "properties.roleDefinitionId");
	const char *scope = api_field(assignment, "properties.scope");
	char *want = xasprintf("/subscriptions/%s", subscription);
	bool yes = role != NULL && scope != NULL && strcasecmp(scope, want) ==
	    0 && strlen(role) >= strlen(CLOUD_ROLE_CONTRIBUTOR) &&
	    strcasecmp(role + strlen(role) - strlen(CLOUD_ROLE_CONTRIBUTOR),
	    CLOUD_ROLE_CONTRIBUTOR) == 0;

	free(want);
	return yes;
}

static void
check_contributor(struct probe *p, struct check_result *r)
{
	struct api_call *c;
	bool found = false;

	if (!need_azure(p, r) || !need_principal(p, r))
		return;
	c = fetch(p, arm_list_assignments(p->api, p->target->subscription,
	    p->principal_id));
	if (!azure_failed(r, c, "the role assignments")) {
		for (size_t i = 0; i < api_count(c); i++)
			found |= is_contributor_on(api_item(c, i),
			    p->target->subscription);
		if (found)
			set_result(r, VERDICT_OK, NULL, "the principal of %s is "
			    "Contributor on the subscription",
			    p->target->connection);
		else
			set_result(r, VERDICT_PROBLEM, "principal-lacks-role",
			    "the principal of %s is not Contributor on "
			    "subscription %s", p->target->connection,
			    p->target->subscription);
	}
	api_call_free(c);
}

/* The providers still unregistered, ", " between them ("" when none);
 * NULL, the result set, when ARM could not be read. */
static char *
unregistered_providers(struct probe *p, struct check_result *r)
{
	char *unregistered = xstrdup("");

	for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++) {
		struct api_call *c = fetch(p, arm_get_provider(p->api,
		    p->target->subscription, providers[i]));
		const char *state = api_field(api_call_result(c),
		    "registrationState");
		bool failed = azure_failed(r, c, providers[i]);
		bool registered = state != NULL && strcmp(state,
		    "Registered") == 0;

		api_call_free(c);
		if (failed) {
			free(unregistered);
			return NULL;
		}
		if (!registered) {
			char *more = xasprintf("%s%s%s", unregistered,
			    *unregistered ? ", " : "", providers[i]);

			free(unregistered);
			unregistered = more;
		}
	}
	return unregistered;
}

static void
check_providers(struct probe *p, struct check_result *r)
{
	char *unregistered;

	if (!need_azure(p, r) || (unregistered = unregistered_providers(p,
	    r)) == NULL)
		return;
	if (*unregistered != '\0')
		set_result(r, VERDICT_PROBLEM, "provider-not-registered",
		    "not registered: %s", unregistered);
	else
		set_result(r, VERDICT_OK, NULL, "the resource providers are "
		    "registered");
	free(unregistered);
}

/* ---- the operator's rights and capacity in Azure --------------------- */

/* The directory roles that may register applications whatever the
 * tenant's policy says for users. */
static const char *const app_roles[] = {
	"Global Administrator", "Application Administrator",
	"Cloud Application Administrator", "Application Developer",
};

/* A principal given (principal_way existing) needs neither right. */
static bool
principal_given(struct probe *p, struct check_result *r)
{
	if (p->target->principal_way == NULL || strcmp(
	    p->target->principal_way, "existing") != 0)
		return false;
	set_result(r, VERDICT_OK, NULL, "principal_way existing: the "
	    "principal was made already");
	return true;
}

/* A managed identity is an ARM resource: no application to register. */
static bool
no_application(struct probe *p, struct check_result *r)
{
	if (p->target->principal_way == NULL || strcmp(
	    p->target->principal_way, "managed-identity") != 0)
		return false;
	set_result(r, VERDICT_OK, NULL, "principal_way managed-identity: no "
	    "application to register");
	return true;
}

/* The first of the user's directory roles that may register
 * applications, or NULL. */
static char *
app_role_held(struct probe *p, struct check_result *r)
{
	struct api_call *c = fetch(p, graph_my_roles(p->api));
	char *held = NULL;

	if (!azure_failed(r, c, "your directory roles"))
		for (size_t i = 0; i < api_count(c) && held == NULL; i++) {
			const char *name = api_field(api_item(c, i),
			    "displayName");

			for (size_t k = 0; name != NULL && held == NULL && k <
			    sizeof app_roles / sizeof *app_roles; k++)
				if (strcasecmp(name, app_roles[k]) == 0)
					held = xstrdup(name);
		}
	api_call_free(c);
	return held;
}

static void
check_app_registration(struct probe *p, struct check_result *r)
{
	struct api_call *c;
	json_t *allowed;
	char *role;

	if (!need_azure(p, r) || principal_given(p, r) || no_application(p, r))
		return;
	c = fetch(p, graph_authorization_policy(p->api));
	if (azure_failed(r, c, "the tenant's authorization policy")) {
		api_call_free(c);
		return;
	}
	allowed = json_object_get(json_object_get(api_call_result(c),
	    "defaultUserRolePermissions"), "allowedToCreateApps");
	api_call_free(c);
	if (json_is_true(allowed)) {
		set_result(r, VERDICT_OK, NULL, "users may register "
		    "applications in the tenant");
		return;
	}
	if ((role = app_role_held(p, r)) != NULL)
		set_result(r, VERDICT_OK, NULL, "the tenant stops users "
		    "registering applications, but you are %s", role);
	else if (r->detail == NULL)
		set_result(r, VERDICT_PROBLEM, "app-registration-forbidden",
		    "you may not register applications: the tenant stops users "
		    "(allowedToCreateApps is false) and you hold none of "
		    "Application Developer, Application Administrator, Cloud "
		    "Application Administrator. An administrator with one of "
		    "them makes the principal (az ad sp create-for-rbac) and you "
		    "give it: principal_way existing with --principal-file, or "
		    "paste it in the wizard (p)");
	free(role);
}

/* Whether ARM's pattern (with * anywhere) covers action. */
static bool
action_covers(json_t *patterns, const char *action)
{
	json_t *v;
	size_t i;

	json_array_foreach(patterns, i, v)
		if (json_is_string(v) && fnmatch(json_string_value(v), action,
		    FNM_CASEFOLD) == 0)
			return true;
	return false;
}

#define WRITE_ASSIGNMENTS "Microsoft.Authorization/roleAssignments/write"

/* The permission that grants action (its notActions leaving it in),
 * preferring one without a condition; NULL when none does. */
static json_t *
granting(struct api_call *c, const char *action)
{
	json_t *perm, *found = NULL;

	for (size_t i = 0; i < api_count(c); i++) {
		perm = api_item(c, i);
		if (!action_covers(json_object_get(perm, "actions"), action) ||
		    action_covers(json_object_get(perm, "notActions"), action))
			continue;
		if (json_object_get(perm, "condition") == NULL ||
		    json_is_null(json_object_get(perm, "condition")))
			return perm;
		found = perm;
	}
	return found;
}

static void
check_role_assignments(struct probe *p, struct check_result *r)
{
	struct api_call *c;
	json_t *perm;
	const char *cond;

	if (!need_azure(p, r) || principal_given(p, r))
		return;
	c = fetch(p, arm_my_permissions(p->api, p->target->subscription));
	if (azure_failed(r, c, "your permissions at the subscription")) {
		api_call_free(c);
		return;
	}
	perm = granting(c, WRITE_ASSIGNMENTS);
	cond = perm ? json_string_value(json_object_get(perm, "condition")) :
	    NULL;
	if (perm == NULL)
		set_result(r, VERDICT_PROBLEM, "role-assignment-forbidden",
		    "you may not write role assignments at subscription %s "
		    "(no role of yours grants " WRITE_ASSIGNMENTS "; Contributor "
		    "does not): an Owner, User Access Administrator or Role "
		    "Based Access Control Administrator of it gives the "
		    "principal Contributor (az role assignment create --assignee "
		    "<appId> --role Contributor --scope /subscriptions/%s), or "
		    "gives you one of those roles", p->target->subscription,
		    p->target->subscription);
	else if (cond == NULL)
		set_result(r, VERDICT_OK, NULL, "you may write role assignments "
		    "at the subscription");
	else if (strcasestr(cond, CLOUD_ROLE_CONTRIBUTOR) != NULL)
		set_result(r, VERDICT_OK, NULL, "you may write role assignments "
		    "under a condition that names Contributor: %s", cond);
	else
		set_result(r, VERDICT_PROBLEM, "role-assignment-conditioned",
		    "you may write role assignments at subscription %s only "
		    "under a condition that does not name Contributor (%s): %s. "
		    "The subscription's Owner widens the condition or gives the "
		    "principal Contributor (az role assignment create "
		    "--assignee <appId> --role Contributor --scope "
		    "/subscriptions/%s)", p->target->subscription,
		    CLOUD_ROLE_CONTRIBUTOR, cond, p->target->subscription);
	api_call_free(c);
}

/* Of the providers in list (", " between them), those whose
 * {namespace}/register/action no permission of the caller grants. */
static char *
unregistrable(struct api_call *perms, const char *list)
{
	char *refused = xstrdup("");

	for (const char *ns = list; *ns != '\0'; ) {
		size_t len = strcspn(ns, ", ");
		char *action = xasprintf("%.*s/register/action", (int)len, ns);

		if (granting(perms, action) == NULL) {
			char *more = xasprintf("%s%s%.*s", refused, *refused ?
			    ", " : "", (int)len, ns);

			free(refused);
			refused = more;
		}
		free(action);
		ns += len;
		ns += strspn(ns, ", ");
	}
	return refused;
}

/* Registering a provider needs {namespace}/register/action at the
 * subscription, which Owner and Contributor have (actions "*") and
 * Reader, Role Based Access Control Administrator or a narrow custom
 * role lack. Asked only of the providers still to register. */
static void
check_provider_registration(struct probe *p, struct check_result *r)
{
	char *unregistered, *refused;
	struct api_call *c;

	if (!need_azure(p, r) || (unregistered = unregistered_providers(p,
	    r)) == NULL)
		return;
	if (*unregistered == '\0') {
		set_result(r, VERDICT_OK, NULL, "the resource providers are "
		    "registered: none to register");
		free(unregistered);
		return;
	}
	c = fetch(p, arm_my_permissions(p->api, p->target->subscription));
	if (!azure_failed(r, c, "your permissions at the subscription")) {
		refused = unregistrable(c, unregistered);
		if (*refused != '\0')
			set_result(r, VERDICT_PROBLEM,
			    "provider-registration-forbidden", "you may not "
			    "register the resource providers %s at subscription "
			    "%s (no role of yours grants their register/action; "
			    "Owner and Contributor do): an Owner or Contributor "
			    "of it registers them (az provider register "
			    "--namespace NAME --subscription %s, for each), or "
			    "gives you Contributor", refused,
			    p->target->subscription, p->target->subscription);
		else
			set_result(r, VERDICT_OK, NULL, "you may register the "
			    "providers still unregistered: %s", unregistered);
		free(refused);
	}
	api_call_free(c);
	free(unregistered);
}

/* The Azure ML compute clusters the setup's templates create, by quota
 * family, one node each: the infrastructure's cpu-cluster (bicep
 * Standard_DS3_v2, terraform STANDARD_D4S_V3; mlops-v2-facts.md), and
 * what the scenario's training pipeline adds in mlops-project-template
 * (deploy-model-training-pipeline.yml's create-compute steps): cv its
 * gpu-cluster Standard_NC6; nlp its cpu-cluster-lg Standard_D14_v2 and
 * gpu-cluster Standard_NV6. Their cpu-cluster is the infrastructure's. */
struct cluster_need {
	const char *family, *cluster, *size;
	long vcpus;
};

#define MAX_CLUSTER_NEEDS 3

static size_t
cluster_needs(const struct check_target *t, struct cluster_need *out)
{
	size_t n = 0;
	bool tf = t->infrastructure && strcmp(t->infrastructure,
	    "terraform") == 0;
	const char *type = t->project_type ? t->project_type : "classical";

	out[n++] = tf ? (struct cluster_need){ "standardDSv3Family",
		"cpu-cluster", "STANDARD_D4S_V3", 4 } : (struct cluster_need){
		"standardDSv2Family", "cpu-cluster", "Standard_DS3_v2", 4 };
	if (strcmp(type, "cv") == 0)
		out[n++] = (struct cluster_need){ "standardNCFamily",
			"gpu-cluster", "Standard_NC6", 6 };
	if (strcmp(type, "nlp") == 0) {
		out[n++] = (struct cluster_need){ "standardDv2Family",
			"cpu-cluster-lg", "Standard_D14_v2", 16 };
		out[n++] = (struct cluster_need){ "standardNVFamily",
			"gpu-cluster", "Standard_NV6", 6 };
	}
	return n;
}

/* Free vCPUs of family in the usages answer; -1 when it is not listed. */
static long
family_free(struct api_call *c, const char *family)
{
	for (size_t i = 0; i < api_count(c); i++) {
		json_t *u = api_item(c, i);
		const char *name = api_field(u, "name.value");

		if (name != NULL && strcasecmp(name, family) == 0)
			return (long)json_integer_value(json_object_get(u,
			    "limit")) - (long)json_integer_value(
			    json_object_get(u, "currentValue"));
	}
	return -1;
}

static void
check_quota(struct probe *p, struct check_result *r)
{
	struct cluster_need need[MAX_CLUSTER_NEEDS];
	size_t n = cluster_needs(p->target, need);
	struct api_call *c;
	char *short_of = xstrdup("");

	if (!need_azure(p, r) || p->target->location == NULL) {
		if (r->detail == NULL)
			set_result(r, VERDICT_UNKNOWN, NULL, "give --location to "
			    "check the quota");
		free(short_of);
		return;
	}
	c = fetch(p, arm_ml_usages(p->api, p->target->subscription,
	    p->target->location));
	if (!azure_failed(r, c, "the Azure ML quota"))
		for (size_t i = 0; i < n; i++) {
			long left = family_free(c, need[i].family);
			char *more;

			if (left >= need[i].vcpus)
				continue;
			more = xasprintf("%s%s%s for %s (%s) needs %ld vCPUs, "
			    "%s", short_of, *short_of ? "; " : "",
			    need[i].family, need[i].cluster, need[i].size,
			    need[i].vcpus, left < 0 ? "not offered there" :
			    left == 0 ? "none free" : "fewer free");
			free(short_of);
			short_of = more;
		}
	if (r->detail == NULL && *short_of != '\0')
		set_result(r, VERDICT_PROBLEM, "quota-exhausted", "the Azure ML "
		    "compute quota in %s does not cover the clusters: %s. The "
		    "subscription's Owner asks for more (Subscription > Usage + "
		    "quotas, or Azure ML studio > Quota), or choose another "
		    "location", p->target->location, short_of);
	else if (r->detail == NULL)
		set_result(r, VERDICT_OK, NULL, "the Azure ML quota in %s covers "
		    "the clusters", p->target->location);
	api_call_free(c);
	free(short_of);
}

/* The three at once, for the step before anything is made in Azure:
 * every problem said, not only the first. */
static void
check_azure_rights(struct probe *p, struct check_result *r)
{
	void (*const parts[])(struct probe *, struct check_result *) = {
		check_app_registration, check_role_assignments, check_quota,
	};
	char *problems = NULL, *oks = NULL, *more;

	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
		struct check_result one = { 0 };
		char **into;

		parts[i](p, &one);
		into = one.verdict == VERDICT_OK ? &oks : &problems;
		if (one.verdict != VERDICT_OK && r->error_id == NULL) {
			r->error_id = one.error_id;
			r->verdict = one.verdict;
		}
		if (one.verdict == VERDICT_PROBLEM)
			r->verdict = VERDICT_PROBLEM;
		more = xasprintf("%s%s%s", *into ? *into : "", *into ? "; " :
		    "", one.detail ? one.detail : "");
		free(*into);
		*into = more;
		check_result_clear(&one);
	}
	if (problems == NULL)
		r->verdict = VERDICT_OK;
	r->detail = problems ? problems : oks;
	if (problems != NULL)
		free(oks);
}

static const struct check all_checks[] = {
	{ "sign-in", "Azure DevOps sign-in", check_pat },
	{ "project", "The project exists", check_project },
	{ "project-creation", "You may create the project",
	    check_project_creation },
	{ "repo-mlops-v2", "mlops-v2 is imported, on main",
	    check_repo_mlops_v2 },
	{ "repo-mlops-project-template", "mlops-project-template is "
	    "imported, on main", check_repo_project_template },
	{ "repo-mlops-templates", "mlops-templates is imported, on main",
	    check_repo_templates },
	{ "job-identity", "The identity jobs run as", check_job_identity },
	{ "pipeline-rights", "It may create and edit pipelines",
	    check_pipeline_rights },
	{ "ml-repo", "The ML repository has a first commit", check_ml_repo },
	{ "ml-repo-rights", "It may contribute and create branches there",
	    check_ml_repo_rights },
	{ "parallelism", "Hosted parallel jobs", check_parallelism },
	{ "terraform-extension", "The Terraform extension",
	    check_terraform_extension },
	{ "connection", "The service connection", check_connection },
	{ "environment", "The environment", check_environment },
	{ "names", "The names from namespace and postfix", check_names },
	{ "subscription", "The subscription", check_subscription },
	{ "contributor", "The principal's Contributor role",
	    check_contributor },
	{ "providers", "The resource providers", check_providers },
	{ "app-registration", "You may register applications",
	    check_app_registration },
	{ "role-assignments", "You may assign roles at the subscription",
	    check_role_assignments },
	{ "provider-registration", "You may register the resource providers",
	    check_provider_registration },
	{ "quota", "The Azure ML compute quota covers the clusters",
	    check_quota },
	/* The three above in one, for the step (doctor runs them apart). */
	{ "azure-rights", "Your rights and capacity in Azure",
	    check_azure_rights },
};

const struct check *
checks_all(size_t *count)
{
	*count = sizeof all_checks / sizeof all_checks[0];
	return all_checks;
}

const struct check *
checks_find(const char *id)
{
	for (size_t i = 0; i < sizeof all_checks / sizeof all_checks[0]; i++)
		if (strcmp(all_checks[i].id, id) == 0)
			return &all_checks[i];
	return NULL;
}

/* ---- probes --------------------------------------------------------- */

struct probe *
probe_new(struct api *api, const struct check_target *target)
{
	struct probe *p = xcalloc(1, sizeof *p);

	p->api = api;
	p->target = target;
	p->refused = json_object();
	return p;
}

void
probe_free(struct probe *p)
{
	if (p == NULL)
		return;
	free(p->user);
	json_decref(p->project);
	json_decref(p->repositories);
	free(p->identity_name);
	free(p->identity_descriptor);
	free(p->principal_id);
	json_decref(p->refused);
	free(p);
}

void
probe_forget(struct probe *p)
{
	json_decref(p->project);
	p->project = NULL;
	json_decref(p->repositories);
	p->repositories = NULL;
	free(p->principal_id);
	p->principal_id = NULL;
}

void
probe_run(struct probe *p, const struct check *c, struct check_result *out)
{
	out->verdict = VERDICT_UNKNOWN;
	out->detail = NULL;
	out->error_id = NULL;
	out->missing_error = NULL;
	c->run(p, out);
	if (out->detail == NULL)
		set_result(out, VERDICT_UNKNOWN, NULL, "the check said nothing");
}

void
check_result_clear(struct check_result *r)
{
	free(r->detail);
	r->detail = NULL;
}

const char *
verdict_word(enum verdict v)
{
	switch (v) {
	case VERDICT_OK: return "ok";
	case VERDICT_PROBLEM: return "problem";
	case VERDICT_UNKNOWN: break;
	}
	return "cannot tell";
}
