/* The sandbox's pitfalls as switches, over /_sandbox/settings. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http.h"
#include "names.h"
#include "simswitch.h"
#include "xalloc.h"

/* An entry whose setting takes the same value in every setup. */
#define FIXED(name, what, setting, on, off) \
	{ name, what, setting, on, off, SIM_VALUE_FIXED }

/*
 * The pitfalls whose cause is the organization's, the tenant's or
 * Azure's, which the sandbox imitates by a setting (each line short
 * enough for the panel at 80 columns); the numbers are the guide's
 * (templates/errors.yml). Retired images are on in a new sandbox, as in
 * Azure DevOps today.
 */
static const struct sim_pitfall pitfalls[] = {
	FIXED("Pitfall 1", "imports make develop, not main, the default branch",
	    "import_default_branch", "\"develop\"", "\"main\""),
	FIXED("Pitfall 5", "no Microsoft-hosted parallel job: runs are refused",
	    "hosted_parallelism", "false", "true"),
	FIXED("Pitfall 6", "ubuntu-20.04 agents are retired: jobs on that image "
	    "fail", "retired_images", "[\"ubuntu-20.04\"]", "[]"),
	FIXED("Pitfall 14", "no vCPU quota: the infrastructure run fails",
	    "quota_exhausted", "true", "false"),
	{ "Pitfall 17", "this setup's online endpoint names are taken",
	    "taken_names", NULL, "[]", SIM_VALUE_ONLINE_ENDPOINTS },
	{ "Pitfall 18", "this setup's key vaults are soft-deleted",
	    "soft_deleted_names", NULL, "[]", SIM_VALUE_KEY_VAULTS },
	FIXED("Pitfall 19", "client secrets expired: connections fail their "
	    "test", "secrets_expired", "true", "false"),
	FIXED("Pitfall 20", "Microsoft.KeyVault is not registered in the "
	    "subscription", "registered_providers",
	    "[\"Microsoft.MachineLearningServices\",\"Microsoft.Storage\","
	    "\"Microsoft.ContainerRegistry\",\"Microsoft.Insights\"]",
	    "[\"Microsoft.MachineLearningServices\",\"Microsoft.KeyVault\","
	    "\"Microsoft.Storage\",\"Microsoft.ContainerRegistry\","
	    "\"Microsoft.Insights\"]"),
	FIXED("PAT policy", "the organization refuses personal access tokens",
	    "pats_restricted", "true", "false"),
	FIXED("PAT scopes", "the PAT lacks Build: build settings and runs answer "
	    "401", "pat_scopes", "[\"vso.project_manage\","
	    "\"vso.code_full\",\"vso.environment_manage\","
	    "\"vso.serviceendpoint_manage\",\"vso.pipelineresources_manage\","
	    "\"vso.extension\"]", "null"),
	FIXED("App rights", "you may not register applications in the tenant",
	    "operator_can_register_apps", "false", "true"),
	FIXED("Role rights", "you may not assign roles on the subscription",
	    "operator_can_assign_roles", "false", "true"),
};

_Static_assert(sizeof pitfalls / sizeof *pitfalls <= SIM_PITFALLS_MAX,
    "more pitfalls than SIM_PITFALLS_MAX");

const struct sim_pitfall *
sim_pitfalls(size_t *count)
{
	*count = sizeof pitfalls / sizeof *pitfalls;
	return pitfalls;
}

struct answer {
	long status;
	char *body;
	char *error;
};

static void
keep(const struct http_response *r, void *arg)
{
	struct answer *a = arg;

	a->status = r->status;
	a->body = xstrdup_or_null(r->body);
	if (r->error.kind != API_OK)
		a->error = xstrdup_or_null(r->error.message);
}

/*
 * One request to the settings, run to its end on an engine of its own
 * (the wizard's engine runs the setup's); -1 with *cause. The panel waits
 * for it, so it is given little time: a sandbox on this machine answers
 * its settings at once, and one that does not is said so, not waited on.
 */
static int
settings_call(const char *org_url, const struct credential *pat,
    const char *method, const char *body, json_t **out, char **cause)
{
	char *url = xasprintf("%s/_sandbox/settings", org_url);
	struct http_request req = { .method = method, .url = url, .body = body,
		.auth = pat, .done = keep };
	struct http_options brief = { .timeout_ms = 3000, .max_attempts = 1 };
	struct answer a = { 0 };
	struct http *h = NULL;
	int rc = -1;

	req.arg = &a;
	if (http_new(&h, &brief, cause) == 0 &&
	    http_submit(h, &req, cause) == 0) {
		http_run(h);
		if (a.status == 200 && (*out = json_loads(a.body, 0, NULL)))
			rc = 0;
		else
			*cause = xasprintf("the sandbox's settings: %s", a.error ?
			    a.error : "not a JSON answer");
	}
	http_free(h);
	free(a.body);
	free(a.error);
	free(url);
	return rc;
}

/* An environment's answer, else the setup's. */
static const char *
env_answer(const struct state *st, const struct state_environment *e,
    const char *key)
{
	const char *v = state_map_get(&e->answers, key);

	return v ? v : state_map_get(&st->answers, key);
}

/* The names of one kind of resource st's environments make, as the
 * pipelines derive them (names.c): what a by-name pitfall lists. */
static json_t *
setup_names(const struct state *st, enum sim_pitfall_value kind)
{
	json_t *list = json_array();

	for (size_t i = 0; st != NULL && i < st->nenvironments; i++) {
		const struct state_environment *e = &st->environments[i];
		const char *infra = env_answer(st, e, "infrastructure");
		const char *type = env_answer(st, e, "project_type");
		struct names_input in = { env_answer(st, e, "namespace"),
			env_answer(st, e, "postfix"), e->name,
			infra ? infra : "bicep", type ? type : "classical" };
		struct names n;

		names_derive(&n, &in);
		json_array_append_new(list, json_string(kind ==
		    SIM_VALUE_KEY_VAULTS ? n.key_vault : n.online_endpoint));
		names_free(&n);
	}
	return list;
}

/* The value pitfall p's setting has when it is on, for st. */
static json_t *
on_value(const struct sim_pitfall *p, const struct state *st)
{
	if (p->value != SIM_VALUE_FIXED)
		return setup_names(st, p->value);
	return json_loads(p->on, JSON_DECODE_ANY, NULL);
}

/* A by-name pitfall is on when the setting lists every name of st's. */
static bool
lists_all(json_t *setting, json_t *names)
{
	json_t *name, *item;
	size_t i, k;
	bool found;

	json_array_foreach(names, i, name) {
		found = false;
		json_array_foreach(setting, k, item)
			found |= json_equal(item, name);
		if (!found)
			return false;
	}
	return json_array_size(names) > 0;
}

int
sim_pitfalls_read(const char *org_url, const struct credential *pat,
    const struct state *st, bool *on, double *time_scale, char **cause)
{
	json_t *settings = NULL, *want, *now;

	if (settings_call(org_url, pat, "GET", NULL, &settings, cause) == -1)
		return -1;
	for (size_t i = 0; i < sizeof pitfalls / sizeof *pitfalls; i++) {
		want = on_value(&pitfalls[i], st);
		now = json_object_get(settings, pitfalls[i].setting);
		on[i] = pitfalls[i].value == SIM_VALUE_FIXED ?
		    json_equal(now, want) : lists_all(now, want);
		json_decref(want);
	}
	*time_scale = json_number_value(json_object_get(settings,
	    "time_scale"));
	json_decref(settings);
	return 0;
}

int
sim_pitfall_set(const char *org_url, const struct credential *pat,
    const struct state *st, size_t i, bool on, char **cause)
{
	json_t *value = on ? on_value(&pitfalls[i], st) :
	    json_loads(pitfalls[i].off, JSON_DECODE_ANY, NULL);
	json_t *patch = json_pack("{s:o}", pitfalls[i].setting, value);
	char *body = json_dumps(patch, JSON_COMPACT);
	json_t *settings = NULL;
	int rc = settings_call(org_url, pat, "PATCH", body, &settings, cause);

	json_decref(settings);
	json_decref(patch);
	free(body);
	return rc;
}
