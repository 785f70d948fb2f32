/* The teardown of a setup: its plan from the state, and each removal. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ado_build.h"
#include "ado_core.h"
#include "ado_git.h"
#include "ado_resources.h"
#include "ado_security.h"
#include "cloud.h"
#include "destroy.h"
#include "fiber.h"
#include "http.h"
#include "legend.h"
#include "setup.h"
#include "setups.h"
#include "steps/step.h"
#include "xalloc.h"

/* What the service connection step names what it adds to an application
 * (steps/principal.c): a secret, and federated credentials by prefix. */
#define SETUP_SECRET_NAME "mlops-tui"
#define SETUP_CREDENTIAL_PREFIX "mlops-tui-"

/* Long deletes: polled at the service's Retry-After, within these. */
#define POLL_MIN_MS 200
#define POLL_DEFAULT_MS 5000
#define POLL_MAX_MS 30000
#define LONG_DELETE_LIMIT_MS (60L * 60 * 1000)

/* The deployment steps whose "pipeline" is one of the ML repository's. */
static const char *const repository_pipelines[] = { "infra-pipeline",
	"training-pipeline", "online-endpoint", "batch-endpoint" };

/* The keys a destroy removes, by step: what is left of them (not found)
 * keeps a step from being torn down. */
static const char *const removable_keys[] = { "resource_group",
	"key_vault", "role_assignment", "principal", "application",
	"pipeline", "id", "granted" };

/* ---- the plan ------------------------------------------------------------ */

struct planner {
	struct destroy_plan *plan;
	const struct state *st;
	const struct destroy_options *opt;
	struct state **others;          /* the other ML projects' setups */
	size_t nothers;
};

static const struct state_map *
created_of(const struct state *st, const char *step, const char *env)
{
	const struct state_step *rec = state_step_find(st, step, env);

	return rec ? &rec->created : NULL;
}

static const char *
recorded(const struct state *st, const char *step, const char *env,
    const char *key)
{
	const struct state_map *m = created_of(st, step, env);

	return m ? state_map_get(m, key) : NULL;
}

static bool
found(const struct state *st, const char *step, const char *env,
    const char *key)
{
	const struct state_map *m = created_of(st, step, env);

	return m != NULL && state_created_found(m, key);
}

static const char *
answer(const struct state *st, const char *env, const char *key,
    const char *fallback)
{
	const struct state_environment *e = env ?
	    state_environment_find(st, env) : NULL;
	const char *v = e ? state_map_get(&e->answers, key) : NULL;

	if (v == NULL)
		v = state_map_get(&st->answers, key);
	return v ? v : fallback;
}

/* ---- the other ML projects of the organization ------------------------ */

/*
 * The other ML projects' setups of this organization and project share
 * the accelerator with it, and an environment or a connection by name:
 * one made by this setup that another records (made or found) is still
 * in use, and a destroy of this one keeps it, whoever made it first (in
 * a run of several, a race).
 */
static void
load_others(struct planner *p)
{
	p->others = setups_load_siblings(p->st, &p->nothers);
}

/* What the ML projects of a project share by name: the pipelines' ADO
 * environment and rai's GitHub connection. A setup whose step found one
 * of these done records no id (it probed it by name, there already). */
static bool
shared_by_name(const char *step)
{
	return strcmp(step, "environment") == 0 ||
	    strcmp(step, "github-connection") == 0;
}

/* The repository of another setup that records value for step/env/key,
 * or whose step found by name what is shared by name; NULL when none. */
static const char *
used_elsewhere(const struct planner *p, const char *step, const char *env,
    const char *key, const char *value)
{
	for (size_t i = 0; i < p->nothers; i++) {
		const struct state_step *rec = state_step_find(p->others[i],
		    step, env);
		const char *v = rec ? state_map_get(&rec->created, key) : NULL;

		if ((v != NULL && strcmp(v, value) == 0) || (v == NULL &&
		    rec != NULL && rec->status == STEP_DONE &&
		    shared_by_name(step)))
			return state_map_get(&p->others[i]->answers,
			    "repository");
	}
	return NULL;
}

/* Add an item for the record step/env/key holding value; what is a
 * printf format. Kept when the record says it was found, or another
 * setup of the organization uses it. */
static struct teardown *
add(struct planner *p, enum teardown_kind kind, const char *area,
    const char *step, const char *env, const char *key, const char *value,
    const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static struct teardown *
add(struct planner *p, enum teardown_kind kind, const char *area,
    const char *step, const char *env, const char *key, const char *value,
    const char *fmt, ...)
{
	struct destroy_plan *plan = p->plan;
	const char *user;
	struct teardown *t;
	va_list ap;

	plan->items = xrealloc(plan->items, (plan->count + 1) *
	    sizeof *plan->items);
	t = &plan->items[plan->count++];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->area = area;
	t->step = xstrdup(step);
	t->environment = xstrdup_or_null(env);
	t->key = xstrdup(key);
	t->value = xstrdup(value);
	va_start(ap, fmt);
	t->what = xvasprintf(fmt, ap);
	va_end(ap);
	if (found(p->st, step, env, key)) {
		t->state = TD_KEPT;
		t->note = xstrdup("it was there before the setup: kept");
	} else if ((user = used_elsewhere(p, step, env, key, value)) != NULL) {
		t->state = TD_KEPT;
		t->note = xasprintf("the setup of %s uses it too: kept", user);
	}
	return t;
}

static void
not_asked(struct teardown *t, const char *note)
{
	if (t->state != TD_TO_REMOVE)
		return;
	t->state = TD_NOT_ASKED;
	t->note = xstrdup(note);
}

static void
plan_azure(struct planner *p, const char *env)
{
	const char *rg = recorded(p->st, "infra-pipeline", env,
	    "resource_group");
	const char *ws = recorded(p->st, "infra-pipeline", env, "workspace");
	const char *kv = recorded(p->st, "infra-pipeline", env, "key_vault");
	const struct state_step *infra = state_step_find(p->st,
	    "infra-pipeline", env);
	struct teardown *t;

	/* Done with no record of its resource group (found there, or an
	 * apply before this version recorded it): not the setup's, as far
	 * as can be told, so not touched. */
	if (rg == NULL && infra != NULL && infra->status == STEP_DONE &&
	    recorded(p->st, "infra-pipeline", env, STATE_REMOVED_PREFIX
	    "resource_group") == NULL) {
		t = add(p, TD_RESOURCE_GROUP, "Azure", "infra-pipeline", env,
		    "resource_group", "", "the Azure resources of %s", env);
		t->state = TD_KEPT;
		t->note = xstrdup("the state does not say that the setup made "
		    "its resource group (it was found there, or made by an "
		    "apply older than this version): kept; delete it by hand "
		    "if it is the setup's");
	}
	if (rg != NULL) {
		t = add(p, TD_RESOURCE_GROUP, "Azure", "infra-pipeline", env,
		    "resource_group", rg, "the resource group %s, with its "
		    "workspace %s%s and the online and batch endpoints first",
		    rg, ws ? ws : "(none recorded)", p->opt->purge ?
		    " (purged, not kept soft-deleted)" : "");
		t->purge = p->opt->purge;
	}
	if (kv != NULL && !found(p->st, "infra-pipeline", env,
	    "resource_group")) {
		t = add(p, TD_VAULT_PURGE, "Azure", "infra-pipeline", env,
		    "key_vault", kv, "the soft-deleted Key Vault %s "
		    "(its purge)", kv);
		if (!p->opt->purge)
			not_asked(t, "Azure keeps it soft-deleted, and the "
			    "workspace too, and a new setup with the same "
			    "names fails until they are purged: give --purge");
	}
}

static void
plan_entra(struct planner *p, const char *env)
{
	const char *step = "service-principal", *v;

	if ((v = recorded(p->st, step, env, "role_assignment")) != NULL)
		add(p, TD_ROLE_ASSIGNMENT, "Entra ID", step, env,
		    "role_assignment", v, "the principal's Contributor role "
		    "assignment on subscription %s", answer(p->st, env,
		    "subscription_id", "?"));
	if ((v = recorded(p->st, step, env, "principal")) != NULL)
		add(p, TD_PRINCIPAL, "Entra ID", step, env, "principal", v,
		    "the service principal %s (and its role assignments)", v);
	/* An application not made by the setup: the secret or the federated
	 * credential the setup's connection added to it are the setup's (by
	 * their names), the rest is not. */
	v = recorded(p->st, "service-connection", env, "app_id");
	if (v != NULL && recorded(p->st, step, env, "application") == NULL)
		add(p, TD_APP_CREDENTIALS, "Entra ID", "service-connection",
		    env, "app_additions", v, "the secrets named %s and federated "
		    "credentials named %s* the connection added to the "
		    "application %s", SETUP_SECRET_NAME,
		    SETUP_CREDENTIAL_PREFIX, v);
	if ((v = recorded(p->st, step, env, "application")) != NULL)
		add(p, TD_APPLICATION, "Entra ID", step, env, "application",
		    v, "the application %s (app id %s), with its secrets and "
		    "federated credentials", v, recorded(p->st, step, env,
		    "app_id") ? recorded(p->st, step, env, "app_id") : "?");
}

/* Whether the ML repository is the setup's own (made, not found). */
static bool
own_repository(const struct state *st)
{
	return recorded(st, "ml-repository", NULL, "id") != NULL &&
	    !found(st, "ml-repository", NULL, "id");
}

/* Whether an item of kind with value is in the plan already. */
static bool
listed(const struct planner *p, enum teardown_kind kind, const char *value)
{
	for (size_t i = 0; i < p->plan->count; i++)
		if (p->plan->items[i].kind == kind &&
		    strcmp(p->plan->items[i].value, value) == 0)
			return true;
	return false;
}

static void
plan_pipelines(struct planner *p)
{
	const char *repo = answer(p->st, NULL, "repository", "?"), *v, *name;
	char *folder;

	for (size_t e = 0; e < p->st->nenvironments; e++) {
		const char *env = p->st->environments[e].name;

		for (size_t i = 0; i < sizeof repository_pipelines /
		    sizeof *repository_pipelines; i++) {
			struct teardown *t;

			v = recorded(p->st, repository_pipelines[i], env,
			    "pipeline");
			if (v == NULL)
				continue;
			/* The environments share the repository's
			 * pipelines: said once, each record still moved. */
			/* Named as the portal lists it, not by step id. */
			name = deployment_name(repository_pipelines[i],
			    strcmp(answer(p->st, NULL, "infrastructure", ""),
			    "terraform") == 0);
			t = add(p, TD_PIPELINE, "Azure DevOps",
			    repository_pipelines[i], env, "pipeline", v,
			    "the pipeline %s (id %s, with its runs)%s", name ?
			    name : repository_pipelines[i], v, listed(p,
			    TD_PIPELINE, v) ? ", the same as above" : "");
			if (t->state == TD_TO_REMOVE && !own_repository(p->st)) {
				t->state = TD_KEPT;
				t->note = xstrdup("a pipeline of a repository "
				    "that was there before the setup: kept");
			}
		}
	}
	if ((v = recorded(p->st, "initialise", NULL, "pipeline")) != NULL)
		add(p, TD_PIPELINE, "Azure DevOps", "initialise", NULL,
		    "pipeline", v, "the pipeline initialise-project (id %s, with "
		    "its runs)", v);
	folder = xasprintf("\\%s", repo);
	/* Deleted before the repository: while it is recorded, a folder
	 * deleted already answers 404, which is done. */
	if (own_repository(p->st))
		add(p, TD_FOLDER, "Azure DevOps", "ml-repository", NULL,
		    "folder", folder, "the pipeline folder %s, with any "
		    "pipeline left in it", folder);
	free(folder);
}

/* The build permission bits as the operator knows them. */
static const char *
rights_text(const char *bits)
{
	unsigned b = (unsigned)strtoul(bits, NULL, 10);

	if (b == (BUILD_CREATE_PIPELINE | BUILD_EDIT_PIPELINE))
		return "Create build pipeline, Edit build pipeline";
	return b == BUILD_CREATE_PIPELINE ? "Create build pipeline" :
	    b == BUILD_EDIT_PIPELINE ? "Edit build pipeline" : bits;
}

static void
plan_devops(struct planner *p)
{
	const char *v;

	plan_pipelines(p);
	for (size_t e = 0; e < p->st->nenvironments; e++) {
		const char *env = p->st->environments[e].name;

		if ((v = recorded(p->st, "environment", env, "id")) != NULL)
			add(p, TD_ENVIRONMENT, "Azure DevOps", "environment",
			    env, "id", v, "the environment %s (id %s)", env, v);
		if ((v = recorded(p->st, "service-connection", env, "id")))
			add(p, TD_CONNECTION, "Azure DevOps",
			    "service-connection", env, "id", v, "the Azure "
			    "Resource Manager service connection %s", v);
		if ((v = recorded(p->st, "github-connection", env, "id")))
			add(p, TD_CONNECTION, "Azure DevOps",
			    "github-connection", env, "id", v, "the GitHub "
			    "service connection %s", v);
	}
	if ((v = recorded(p->st, "github-connection", NULL, "id")) != NULL)
		add(p, TD_CONNECTION, "Azure DevOps", "github-connection", NULL,
		    "id", v, "the GitHub service connection %s", v);
	if ((v = recorded(p->st, "ml-repository", NULL, "id")) != NULL)
		add(p, TD_REPOSITORY, "Azure DevOps", "ml-repository", NULL,
		    "id", v, "the ML repository %s", answer(p->st, NULL,
		    "repository", v));
	if ((v = recorded(p->st, "pipeline-permissions", NULL, "granted")))
		add(p, TD_BUILD_RIGHTS, "Azure DevOps", "pipeline-permissions",
		    NULL, "granted", v, "the rights granted to %s: %s",
		    recorded(p->st, "pipeline-permissions", NULL, "identity") ?
		    recorded(p->st, "pipeline-permissions", NULL, "identity") :
		    "the Build Service", rights_text(v));
}

static void
plan_accelerator(struct planner *p)
{
	static const char *const imports[] = { "import-mlops-v2",
		"import-mlops-project-template", "import-mlops-templates" };
	const char *v;
	struct teardown *t;

	/* A project the setup made holds the repository named after it
	 * from the start: found by its import, but the setup's own. */
	bool own_project = recorded(p->st, "project", NULL, "id") != NULL &&
	    recorded(p->st, "project", NULL, "operation") != NULL &&
	    !found(p->st, "project", NULL, "id");

	for (size_t i = 0; i < 3; i++)
		if ((v = recorded(p->st, imports[i], NULL, "id")) != NULL) {
			t = add(p, TD_REPOSITORY, "Azure DevOps", imports[i],
			    NULL, "id", v, "the imported repository %s",
			    imports[i] + 7);
			if (t->state == TD_KEPT && own_project &&
			    used_elsewhere(p, imports[i], NULL, "id", v) ==
			    NULL) {
				t->state = TD_TO_REMOVE;
				free(t->note);
				t->note = NULL;
			}
			if (!p->opt->all)
				not_asked(t, "the accelerator's: give --all");
		}
	if (own_project) {
		v = recorded(p->st, "project", NULL, "id");
		t = add(p, TD_PROJECT, "Azure DevOps", "project", NULL, "id", v,
		    "the project %s, with everything in it", answer(p->st,
		    NULL, "project", "mlops-v2"));
		if (!p->opt->all)
			not_asked(t, "the accelerator's: give --all");
	}
}

void
destroy_plan_make(struct destroy_plan *plan, const struct state *st,
    const struct destroy_options *opt)
{
	struct planner p = { plan, st, opt, NULL, 0 };

	memset(plan, 0, sizeof *plan);
	load_others(&p);
	for (size_t e = 0; e < st->nenvironments; e++)
		plan_azure(&p, st->environments[e].name);
	for (size_t e = 0; e < st->nenvironments; e++)
		plan_entra(&p, st->environments[e].name);
	plan_devops(&p);
	plan_accelerator(&p);
	setups_free_siblings(p.others, p.nothers);
}

void
destroy_plan_free(struct destroy_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++) {
		struct teardown *t = &plan->items[i];

		free(t->step);
		free(t->environment);
		free(t->key);
		free(t->value);
		free(t->what);
		free(t->note);
	}
	free(plan->items);
	memset(plan, 0, sizeof *plan);
}

/* ---- the removals ------------------------------------------------------ */

struct remover {
	struct teardown *t;
	struct api *api;
	const struct state *st;
	volatile const int *stop;
};

static int
fail(struct remover *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct remover *r, const char *fmt, ...)
{
	va_list ap;

	if (r->t->note != NULL)
		return -1;      /* the first cause is the one said */
	va_start(ap, fmt);
	r->t->note = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

/* Wait for a call: 0 when it succeeded or found its object gone (404),
 * else -1 with the failure said ("what: why"). The call is freed. */
static int
settle(struct remover *r, struct api_call *c, const char *what)
{
	const struct api_error *e;
	int rc = 0;

	api_wait(r->api, c);
	e = api_call_error(c);
	if (e->kind != API_OK && e->kind != API_NOT_FOUND)
		rc = fail(r, "%s: %s%s%s", what, api_error_kind_name(e->kind),
		    e->message ? ": " : "", e->message ? e->message : "");
	api_call_free(c);
	return rc;
}

/* In the wizard's fiber a wait gives the loop its turn; on the command
 * line (no fiber) it sleeps, cut short by a signal so that a stop is
 * seen at once. */
static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (fiber_self() != NULL)
		fiber_sleep_ms(ms);
	else
		nanosleep(&ts, NULL);
}

static long
poll_interval(const struct api_call *c)
{
	long long after = api_call_retry_after_ms(c);

	if (after < 0)
		return POLL_DEFAULT_MS;
	return after < POLL_MIN_MS ? POLL_MIN_MS : after > POLL_MAX_MS ?
	    POLL_MAX_MS : (long)after;
}

/*
 * An ARM delete: 200 or 204 (or 404) is over; 202 gives a Location to
 * poll at its Retry-After until it answers 200 or 204. 0, or -1 (said).
 */
static int
long_delete(struct remover *r, struct api_call *c, const char *what)
{
	long waited = 0, interval;
	char *location;

	api_wait(r->api, c);
	if (api_call_error(c)->kind != API_OK ||
	    api_call_status(c) != 202)
		return settle(r, c, what);
	location = xstrdup_or_null(api_call_location(c));
	interval = poll_interval(c);
	api_call_free(c);
	if (location == NULL)
		return fail(r, "%s: accepted, but the answer has no Location "
		    "to follow", what);
	for (;;) {
		if (*r->stop || waited > LONG_DELETE_LIMIT_MS) {
			free(location);
			return fail(r, "%s: %s", what, *r->stop ? "stopped "
			    "while Azure deletes it; run destroy again to go "
			    "on" : "not over after an hour");
		}
		sleep_ms(interval);
		waited += interval;
		c = arm_poll_operation(r->api, location);
		api_wait(r->api, c);
		if (api_call_error(c)->kind != API_OK ||
		    api_call_status(c) != 202)
			break;
		interval = poll_interval(c);
		api_call_free(c);
	}
	free(location);
	return settle(r, c, what);
}

static const char *
subscription(struct remover *r)
{
	return answer(r->st, r->t->environment, "subscription_id", NULL);
}

static const char *
project_name(struct remover *r)
{
	return answer(r->st, NULL, "project", "mlops-v2");
}

/* Each endpoint of kind in the workspace, deleted. */
static int
remove_endpoints(struct remover *r, const char *sub, const char *rg,
    const char *ws, const char *kind)
{
	struct api_call *c = arm_get_ml(r->api, sub, rg, ws, kind, NULL);
	json_t *list;
	size_t i;
	json_t *item;
	int rc = 0;

	api_wait(r->api, c);
	if (api_call_error(c)->kind == API_NOT_FOUND) {
		api_call_free(c);
		return 0;       /* no workspace: no endpoints */
	}
	if (api_call_error(c)->kind != API_OK)
		return settle(r, c, "reading the endpoints");
	list = json_incref(api_call_result(c));
	api_call_free(c);
	json_array_foreach(json_object_get(list, "value"), i, item) {
		const char *name = api_field(item, "name");
		char *what = xasprintf("deleting the endpoint %s", name);

		if (name != NULL && long_delete(r, arm_delete_ml(r->api, sub,
		    rg, ws, kind, name), what) == -1)
			rc = -1;
		free(what);
	}
	json_decref(list);
	return rc;
}

static int
remove_resource_group(struct remover *r, bool purge)
{
	const char *sub = subscription(r), *rg = r->t->value;
	const char *ws = recorded(r->st, r->t->step, r->t->environment,
	    "workspace");

	if (sub == NULL)
		return fail(r, "no subscription_id for %s in the state",
		    r->t->environment);
	if (ws != NULL && (remove_endpoints(r, sub, rg, ws,
	    "onlineEndpoints") == -1 || remove_endpoints(r, sub, rg, ws,
	    "batchEndpoints") == -1))
		return -1;
	/* Deleted by itself with forceToPurge, the workspace is not kept
	 * soft-deleted as the resource group's delete would keep it. */
	if (purge && ws != NULL && long_delete(r, arm_delete_workspace(r->api,
	    sub, rg, ws, true), "purging the workspace") == -1)
		return -1;
	return long_delete(r, arm_delete_resource_group(r->api, sub, rg),
	    "deleting the resource group");
}

static int
purge_vault(struct remover *r)
{
	const char *sub = subscription(r);
	const char *loc = recorded(r->st, r->t->step, r->t->environment,
	    "location");
	struct api_call *c;

	if (sub == NULL || loc == NULL)
		return fail(r, "no subscription or location recorded for %s",
		    r->t->value);
	c = arm_get_deleted_vault(r->api, sub, loc, r->t->value);
	api_wait(r->api, c);
	if (api_call_error(c)->kind == API_NOT_FOUND) {
		api_call_free(c);
		return 0;       /* purged already, or never soft-deleted */
	}
	if (api_call_error(c)->kind == API_OK && json_is_true(json_object_get(
	    json_object_get(api_call_result(c), "properties"),
	    "purgeProtectionEnabled"))) {
		api_call_free(c);
		/* Nobody can purge it: Azure does, after its retention. */
		r->t->kept = true;
		return fail(r, "purge protection is on: Azure purges it by "
		    "itself when its retention days are over; until then a new "
		    "setup needs another postfix");
	}
	if (settle(r, c, "reading the deleted Key Vault") == -1)
		return -1;
	return long_delete(r, arm_purge_vault(r->api, sub, loc, r->t->value),
	    "purging the Key Vault");
}

/* The principal's role assignments at the subscription, then itself. */
static int
remove_principal(struct remover *r)
{
	const char *sub = subscription(r);
	struct api_call *c;
	json_t *list;
	json_t *a;
	size_t i;
	int rc = 0;

	if (sub != NULL) {
		c = arm_list_assignments(r->api, sub, r->t->value);
		api_wait(r->api, c);
		if (api_call_error(c)->kind != API_OK)
			return settle(r, c, "reading its role assignments");
		list = json_incref(api_call_result(c));
		api_call_free(c);
		json_array_foreach(list, i, a)
			if (api_field(a, "id") != NULL && settle(r,
			    arm_delete_assignment(r->api, api_field(a, "id")),
			    "deleting a role assignment") == -1)
				rc = -1;
		json_decref(list);
	}
	if (rc == -1)
		return -1;
	return settle(r, graph_delete_principal(r->api, r->t->value),
	    "deleting the service principal");
}

/* The project's id (service connections are deleted from a project by
 * id); NULL with the failure said. */
static char *
project_id(struct remover *r)
{
	struct api_call *c = ado_get_project(r->api, project_name(r));
	char *id;

	api_wait(r->api, c);
	if (api_call_error(c)->kind != API_OK) {
		settle(r, c, "reading the project");
		return NULL;
	}
	id = xstrdup_or_null(api_field(api_call_result(c), "id"));
	api_call_free(c);
	return id;
}

static int
remove_connection(struct remover *r)
{
	char *pid = project_id(r);
	int rc;

	if (pid == NULL)
		return r->t->note ? -1 : 0;
	rc = settle(r, ado_delete_endpoint(r->api, pid, r->t->value),
	    "deleting the service connection");
	free(pid);
	return rc;
}

/* The status of operation op now; NULL with the failure said when it
 * cannot be read. Owned by the caller. */
static char *
operation_status(struct remover *r, const char *op)
{
	struct api_call *c = ado_get_operation(r->api, op);
	char *status;

	api_wait(r->api, c);
	if (api_call_error(c)->kind != API_OK) {
		settle(r, c, "following the project's deletion");
		return NULL;
	}
	status = xstrdup_or_null(api_field(api_call_result(c), "status"));
	api_call_free(c);
	return status ? status : xstrdup("unknown");
}

/* DELETE of a project: 202 and an operation, followed to its end (a 404
 * is a project gone already). */
static int
remove_project(struct remover *r)
{
	struct api_call *c = ado_delete_project(r->api, r->t->value);
	char *op, *status = NULL;
	long waited = 0;
	int rc = 0;

	api_wait(r->api, c);
	if (api_call_error(c)->kind != API_OK)
		return settle(r, c, "deleting the project");
	op = xstrdup_or_null(api_field(api_call_result(c), "id"));
	api_call_free(c);
	while (op != NULL && rc == 0) {
		free(status);
		/* Unreadable: failed; gone (404): over. */
		if ((status = operation_status(r, op)) == NULL) {
			rc = r->t->note ? -1 : 0;
			break;
		} else if (strcmp(status, "succeeded") == 0)
			break;
		else if (strcmp(status, "failed") == 0 ||
		    strcmp(status, "cancelled") == 0)
			rc = fail(r, "deleting the project: the operation %s",
			    status);
		else if (*r->stop || waited >= LONG_DELETE_LIMIT_MS)
			rc = fail(r, "deleting the project: %s", *r->stop ?
			    "stopped before it was over; run destroy again" :
			    "not over after an hour");
		else {
			sleep_ms(POLL_MIN_MS * 5);
			waited += POLL_MIN_MS * 5;
		}
	}
	free(status);
	free(op);
	return rc;
}

/* The application whose appId is the item's value; NULL when it is gone
 * (nothing to do) or with the failure said. */
static json_t *
application_of(struct remover *r)
{
	struct api_call *c = graph_find_applications_by_app_id(r->api, r->t->value);
	json_t *app = NULL;

	api_wait(r->api, c);
	if (api_call_error(c)->kind != API_OK)
		settle(r, c, "reading the application");
	else {
		app = api_count(c) ? json_incref(api_item(c, 0)) : NULL;
		api_call_free(c);
	}
	return app;
}

/* From a found application, only what the setup's connection added: its
 * secrets by their name, its federated credentials by their prefix. */
static int
remove_credentials(struct remover *r)
{
	json_t *app = application_of(r), *cred;
	const char *id;
	struct api_call *c;
	size_t i;
	int rc = r->t->note ? -1 : 0;

	if (app == NULL)
		return rc;
	id = api_field(app, "id");
	json_array_foreach(json_object_get(app, "passwordCredentials"), i, cred)
		if (rc == 0 && api_field(cred, "displayName") != NULL &&
		    strcmp(api_field(cred, "displayName"), SETUP_SECRET_NAME)
		    == 0)
			rc = settle(r, graph_remove_password(r->api, id,
			    api_field(cred, "keyId")), "removing a secret");
	c = graph_list_federated_credentials(r->api, id);
	api_wait(r->api, c);
	if (rc == 0 && api_call_error(c)->kind != API_OK)
		rc = settle(r, c, "reading the federated credentials");
	else {
		for (i = 0; rc == 0 && i < api_count(c); i++) {
			const char *name = api_field(api_item(c, i), "name");

			if (name != NULL && strncmp(name,
			    SETUP_CREDENTIAL_PREFIX,
			    strlen(SETUP_CREDENTIAL_PREFIX)) == 0)
				rc = settle(r, graph_remove_federated_credential(
				    r->api, id, name),
				    "removing a federated credential");
		}
		api_call_free(c);
	}
	json_decref(app);
	return rc;
}

/* The descriptor of the identity recorded with the grant; NULL when it
 * is not found (with the failure said when reading failed). */
static char *
identity_descriptor(struct remover *r)
{
	const char *name = recorded(r->st, r->t->step, NULL, "identity");
	struct api_call *c;
	char *d = NULL;

	if (name == NULL) {
		fail(r, "no identity recorded with the rights granted");
		return NULL;
	}
	c = ado_find_identity(r->api, name);
	api_wait(r->api, c);
	if (api_call_error(c)->kind != API_OK) {
		settle(r, c, "finding the identity");
		return NULL;
	}
	if (api_count(c) > 0)
		d = xstrdup_or_null(api_field(api_item(c, 0), "descriptor"));
	api_call_free(c);
	return d;
}

/* Take back the bits granted (and only those) from the Build Service's
 * entry at the project; gone with the project or the identity: done. */
static int
revoke_rights(struct remover *r)
{
	unsigned granted = (unsigned)strtoul(r->t->value, NULL, 10);
	unsigned allow, deny;
	char *pid = project_id(r), *who = NULL;
	struct api_call *c;
	int rc = r->t->note ? -1 : 0;

	if (pid != NULL && (who = identity_descriptor(r)) != NULL) {
		c = ado_acl(r->api, ADO_NS_BUILD, pid, who);
		api_wait(r->api, c);
		if (api_call_error(c)->kind != API_OK)
			rc = settle(r, c, "reading the rights");
		else {
			ado_acl_explicit(c, who, &allow, &deny);
			api_call_free(c);
			if ((allow & granted) != 0)
				rc = settle(r, ado_set_ace(r->api, ADO_NS_BUILD,
				    pid, who, allow & ~granted, deny),
				    "taking the rights back");
		}
	}
	rc = r->t->note ? -1 : rc;
	free(who);
	free(pid);
	return rc;
}

static int
remove_item(struct remover *r, bool purge)
{
	const char *project = project_name(r);

	switch (r->t->kind) {
	case TD_RESOURCE_GROUP: return remove_resource_group(r, purge);
	case TD_VAULT_PURGE: return purge_vault(r);
	case TD_ROLE_ASSIGNMENT:
		return settle(r, arm_delete_assignment(r->api, r->t->value),
		    "deleting the role assignment");
	case TD_PRINCIPAL: return remove_principal(r);
	case TD_APPLICATION:
		return settle(r, graph_delete_application(r->api,
		    r->t->value), "deleting the application");
	case TD_APP_CREDENTIALS: return remove_credentials(r);
	case TD_PIPELINE:
		return settle(r, ado_delete_pipeline(r->api, project,
		    atol(r->t->value)), "deleting the pipeline");
	case TD_FOLDER:
		return settle(r, ado_delete_folder(r->api, project,
		    r->t->value), "deleting the folder");
	case TD_ENVIRONMENT:
		return settle(r, ado_delete_environment(r->api, project,
		    r->t->value), "deleting the environment");
	case TD_CONNECTION: return remove_connection(r);
	case TD_REPOSITORY:
		return settle(r, ado_delete_repository(r->api, project,
		    r->t->value), "deleting the repository");
	case TD_BUILD_RIGHTS: return revoke_rights(r);
	case TD_PROJECT: return remove_project(r);
	}
	return fail(r, "nothing known removes this");
}

void
destroy_item(struct teardown *t, struct api *api, const struct state *st,
    volatile const int *stop)
{
	struct remover r = { t, api, st, stop };

	free(t->note);
	t->note = NULL;
	t->state = remove_item(&r, t->purge) == 0 ? TD_REMOVED : t->kept ?
	    TD_KEPT : TD_FAILED;
}

/* ---- what the state says after ------------------------------------------ */

/* Whether rec still holds a record a destroy would remove. */
static bool
anything_left(const struct state_map *created)
{
	for (size_t i = 0; i < sizeof removable_keys / sizeof *removable_keys;
	    i++)
		if (state_map_get(created, removable_keys[i]) != NULL &&
		    !state_created_found(created, removable_keys[i]))
			return true;
	return false;
}

/* A step with nothing left to remove: its other records (runs, the
 * commit, the names) go with what they were of, and it is pending. */
static void
tear_down_step(struct state_step *rec)
{
	size_t i = 0;

	if (anything_left(&rec->created))
		return;
	while (i < rec->created.count) {
		const char *k = rec->created.keys[i];
		char *key;

		if (strncmp(k, STATE_FOUND_PREFIX, strlen(STATE_FOUND_PREFIX))
		    == 0 || strncmp(k, STATE_REMOVED_PREFIX,
		    strlen(STATE_REMOVED_PREFIX)) == 0 ||
		    state_created_found(&rec->created, k)) {
			i++;
			continue;
		}
		key = xstrdup(k);
		state_created_set_removed(&rec->created, key);
		free(key);
	}
	rec->status = STEP_PENDING;
	rec->finished = 0;
	free(rec->last_error);
	rec->last_error = NULL;
}

void
destroy_record(struct state *st, const struct teardown *t)
{
	struct state_step *rec = state_step(st, t->step, t->environment);
	char *removed;

	if (state_map_get(&rec->created, t->key) != NULL)
		state_created_set_removed(&rec->created, t->key);
	else {
		removed = xasprintf(STATE_REMOVED_PREFIX "%s", t->key);
		state_map_set(&rec->created, removed, t->value);
		free(removed);
	}
	if (t->kind == TD_RESOURCE_GROUP && t->purge)
		state_created_set_removed(&rec->created, "workspace");
	if (t->kind == TD_FOLDER)
		return;         /* the repository's own record decides */
	tear_down_step(rec);
	/* The Build Service's rights on the ML repository went with it. */
	if (t->kind == TD_REPOSITORY && strcmp(t->step, "ml-repository") == 0 &&
	    state_step_find(st, "repository-permissions", NULL) != NULL)
		tear_down_step(state_step(st, "repository-permissions", NULL));
}

/* ---- what the front ends show ------------------------------------------- */

/* The one legend (legend.h), read for a teardown: to remove is to do,
 * removed is done, and what this run leaves (there before the setup, or
 * not asked for) does not apply to it - its note says which. */
const char *
destroy_symbol(enum teardown_state s)
{
	switch (s) {
	case TD_TO_REMOVE: return legend_symbol(MARK_PENDING);
	case TD_KEPT:
	case TD_NOT_ASKED: return legend_symbol(MARK_NOT_APPLICABLE);
	case TD_REMOVED: return legend_symbol(MARK_DONE);
	case TD_FAILED: return legend_symbol(MARK_FAILED);
	}
	return legend_symbol(MARK_UNKNOWN);
}

char *
destroy_summary(const struct destroy_plan *plan, bool planning)
{
	size_t n[TD_FAILED + 1] = { 0 };
	char *done;
	char *line;

	for (size_t i = 0; i < plan->count; i++)
		n[plan->items[i].state]++;
	done = planning ? xasprintf("%zu to remove", n[TD_TO_REMOVE]) :
	    xasprintf("%zu removed, %zu failed", n[TD_REMOVED], n[TD_FAILED]);
	line = xasprintf("%s, %zu kept (there before the setup), %zu left "
	    "(not asked for).%s", done, n[TD_KEPT], n[TD_NOT_ASKED], planning ?
	    " Nothing was changed." : "");
	free(done);
	return line;
}

/* ---- one removal, and the run of them beside a loop --------------------- */

/* Why an item cannot be removed now (Azure and Entra need the Azure
 * sign-in); NULL: it can. */
static const char *
cannot(struct setup *s, const struct teardown *t)
{
	const struct connection *c = setup_connection(s);

	if (strcmp(t->area, "Azure DevOps") == 0 || c->signed_in_azure)
		return NULL;
	return c->azure_error ? c->azure_error :
	    "not signed in to Azure";
}

int
destroy_one(struct destroy_plan *plan, size_t i, struct setup *s,
    volatile const int *stop, char **cause)
{
	struct teardown *t = &plan->items[i];
	const char *why;

	if (t->state != TD_TO_REMOVE)
		return 0;
	if ((why = cannot(s, t)) != NULL) {
		t->state = TD_FAILED;
		t->note = xstrdup(why);
		return 0;
	}
	connection_fresh(setup_connection(s));
	destroy_item(t, &setup_connection(s)->api, s->session->state, stop);
	if (t->state != TD_REMOVED)
		return 0;
	destroy_record(s->session->state, t);
	return state_session_save(s->session, cause);
}

struct destroy_run {
	struct destroy_plan *plan;
	struct setup *setup;
	struct fiber_task *task;
	size_t current;
	volatile int stop;
	char *fatal;
};

static void
run_main(void *arg)
{
	struct destroy_run *r = arg;

	for (r->current = 0; r->current < r->plan->count && !r->stop;
	    r->current++)
		if (destroy_one(r->plan, r->current, r->setup, &r->stop,
		    &r->fatal) == -1)
			break;
	r->current = r->plan->count;
}

struct destroy_run *
destroy_run_start(struct destroy_plan *plan, struct setup *s, char **cause)
{
	struct destroy_run *r = xcalloc(1, sizeof *r);

	r->plan = plan;
	r->setup = s;
	if ((r->task = fiber_task_start(run_main, r, cause)) == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

void
destroy_run_step(struct destroy_run *r, struct curl_waitfd *extra,
    unsigned n, int timeout_ms)
{
	fiber_task_step(r->task, setup_connection(r->setup)->api.http, extra,
	    n, timeout_ms);
}

size_t
destroy_run_current(const struct destroy_run *r)
{
	return fiber_task_done(r->task) ? r->plan->count : r->current;
}

bool
destroy_run_done(const struct destroy_run *r)
{
	return fiber_task_done(r->task);
}

void
destroy_run_stop(struct destroy_run *r)
{
	r->stop = 1;
}

bool
destroy_run_stopped(const struct destroy_run *r)
{
	return r->stop != 0;
}

const char *
destroy_run_fatal(const struct destroy_run *r)
{
	return r->fatal;
}

void
destroy_run_free(struct destroy_run *r)
{
	if (r == NULL)
		return;
	fiber_task_free(r->task);
	free(r->fatal);
	free(r);
}
