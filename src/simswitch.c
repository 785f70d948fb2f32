/* The sandbox's pitfalls as switches, over /_sandbox/settings. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http.h"
#include "simswitch.h"
#include "xalloc.h"

/*
 * The pitfalls whose cause is the organization's or the tenant's (each
 * line short enough for the panel at 80 columns), which
 * the sandbox imitates by a setting; the numbers are the guide's
 * (templates/errors.yml). Retired images are on in a new sandbox, as in
 * Azure DevOps today.
 */
static const struct sim_pitfall pitfalls[] = {
	{ "Pitfall 1", "imports make develop, not main, the default branch",
	    "import_default_branch", "\"develop\"", "\"main\"" },
	{ "Pitfall 5", "no Microsoft-hosted parallel job: runs are refused",
	    "hosted_parallelism", "false", "true" },
	{ "Pitfall 6", "ubuntu-20.04 agents are retired: jobs on that image "
	    "fail", "retired_images", "[\"ubuntu-20.04\"]", "[]" },
	{ "Pitfall 14", "no vCPU quota: the infrastructure run fails",
	    "quota_exhausted", "true", "false" },
	{ "Pitfall 19", "client secrets expired: connections fail their "
	    "test", "secrets_expired", "true", "false" },
	{ "Pitfall 20", "Microsoft.KeyVault is not registered in the "
	    "subscription", "registered_providers",
	    "[\"Microsoft.MachineLearningServices\",\"Microsoft.Storage\","
	    "\"Microsoft.ContainerRegistry\",\"Microsoft.Insights\"]",
	    "[\"Microsoft.MachineLearningServices\",\"Microsoft.KeyVault\","
	    "\"Microsoft.Storage\",\"Microsoft.ContainerRegistry\","
	    "\"Microsoft.Insights\"]" },
	{ "PAT policy", "the organization refuses personal access tokens",
	    "pats_restricted", "true", "false" },
	{ "PAT scopes", "the PAT lacks Build: build settings and runs answer "
	    "401", "pat_scopes", "[\"vso.project_manage\","
	    "\"vso.code_full\",\"vso.environment_manage\","
	    "\"vso.serviceendpoint_manage\",\"vso.pipelineresources_manage\","
	    "\"vso.extension\"]", "null" },
	{ "App rights", "you may not register applications in the tenant",
	    "operator_can_register_apps", "false", "true" },
	{ "Role rights", "you may not assign roles on the subscription",
	    "operator_can_assign_roles", "false", "true" },
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

/* One request to the settings, run to its end on an engine of its own
 * (the wizard's engine runs the setup's); -1 with *cause. */
static int
settings_call(const char *org_url, const struct credential *pat,
    const char *method, const char *body, json_t **out, char **cause)
{
	char *url = xasprintf("%s/_sandbox/settings", org_url);
	struct http_request req = { .method = method, .url = url, .body = body,
		.auth = pat, .done = keep };
	struct answer a = { 0 };
	struct http *h = NULL;
	int rc = -1;

	req.arg = &a;
	if (http_new(&h, NULL, cause) == 0 && http_submit(h, &req, cause) == 0) {
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

int
sim_pitfalls_read(const char *org_url, const struct credential *pat,
    bool *on, double *time_scale, char **cause)
{
	json_t *settings = NULL, *want;

	if (settings_call(org_url, pat, "GET", NULL, &settings, cause) == -1)
		return -1;
	for (size_t i = 0; i < sizeof pitfalls / sizeof *pitfalls; i++) {
		want = json_loads(pitfalls[i].on, JSON_DECODE_ANY, NULL);
		on[i] = json_equal(json_object_get(settings,
		    pitfalls[i].setting), want);
		json_decref(want);
	}
	*time_scale = json_number_value(json_object_get(settings,
	    "time_scale"));
	json_decref(settings);
	return 0;
}

int
sim_pitfall_set(const char *org_url, const struct credential *pat,
    size_t i, bool on, char **cause)
{
	char *body = xasprintf("{\"%s\":%s}", pitfalls[i].setting, on ?
	    pitfalls[i].on : pitfalls[i].off);
	json_t *settings = NULL;
	int rc = settings_call(org_url, pat, "PATCH", body, &settings, cause);

	json_decref(settings);
	free(body);
	return rc;
}
