/* `mlops-tui doctor`: run the read-only checks and explain what they find. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "api.h"
#include "catalog.h"
#include "checks.h"
#include "cmd-doctor.h"
#include "credential.h"
#include "errors.h"
#include "exitcode.h"
#include "paths.h"
#include "signin.h"
#include "xalloc.h"

struct doctor {
	const struct doctor_options *opt;
	struct check_target target;
	struct errors *errors;
	struct api api;
	struct credential *pat;
	struct signin azure;
	bool signed_in_azure;
	char *azure_error;
	char *organization;
	size_t counts[3];              /* by verdict */
};

/* ---- set-up ---------------------------------------------------------- */

/* The organization's name: dev.azure.com/{org}, {org}.visualstudio.com. */
static char *
organization_name(const char *url)
{
	const char *host = strstr(url, "://"), *end, *slash;
	size_t len;

	host = host ? host + 3 : url;
	end = strchr(host, '/');
	len = end ? (size_t)(end - host) : strlen(host);
	if (len > 17 && strncmp(host + len - 17, ".visualstudio.com", 17) == 0)
		return xstrndup(host, strcspn(host, "."));
	len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		len--;
	for (slash = url + len; slash > host && slash[-1] != '/'; slash--)
		;
	return xstrndup(slash, (size_t)(url + len - slash));
}

static int
load_known_errors(struct doctor *d)
{
	char *dir = paths_templates_dir(), *cause = NULL;
	char *steps = xasprintf("%s/steps.yml", dir);
	char *errors = xasprintf("%s/errors.yml", dir);
	struct catalog *cat = NULL;
	int rc = catalog_load(&cat, steps, &cause);

	if (rc == 0)
		rc = errors_load(&d->errors, errors, cat, &cause);
	if (rc != 0)
		fprintf(stderr, "mlops-tui: %s\n", cause);
	catalog_free(cat);
	free(cause);
	free(errors);
	free(steps);
	free(dir);
	return rc == 0 ? 0 : -1;
}

static int
sign_in(struct doctor *d)
{
	char *cause = NULL;

	d->pat = credential_pat(d->opt->pat_file, &cause);
	if (d->pat == NULL) {
		fprintf(stderr, "mlops-tui: no Azure DevOps PAT: %s\n", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* Entra, Graph and ARM: the sandbox's beside a loopback organization. */
static void
set_cloud_urls(struct api *api)
{
	const char *host = strstr(api->org_url, "://") + 3;
	size_t len = strcspn(host, "/");
	char *origin = xstrndup(api->org_url, (size_t)(host - api->org_url) +
	    len);

	if (http_url_is_loopback(api->org_url)) {
		api->entra_url = xasprintf("%s/_entra", origin);
		api->graph_url = xasprintf("%s/_graph/v1.0", origin);
		api->arm_url = xasprintf("%s/_arm", origin);
	} else {
		api->entra_url = xstrdup("https://login.microsoftonline.com");
		api->graph_url = xstrdup("https://graph.microsoft.com/v1.0");
		api->arm_url = xstrdup("https://management.azure.com");
	}
	free(origin);
}

static int
open_api(struct doctor *d)
{
	struct http_options hopt = { .log_path = d->opt->log_path };
	char *cause = NULL;

	if (http_new(&d->api.http, &hopt, &cause) == -1) {
		fprintf(stderr, "mlops-tui: %s\n", cause);
		free(cause);
		return -1;
	}
	d->api.org_url = xstrdup(d->opt->org_url);
	d->api.ado = d->pat;
	set_cloud_urls(&d->api);
	return 0;
}

/* ---- Azure sign-in ---------------------------------------------------- */

static void
tell_device_code(const char *message, void *arg)
{
	(void)arg;
	fprintf(stderr, "%s\n", message ? message : "Sign in to Azure.");
}

/* Whether program is on PATH. */
static bool
on_path(const char *program)
{
	const char *path = getenv("PATH"), *end;
	bool found = false;

	for (; path != NULL && *path != '\0' && !found; path = *end ? end + 1 :
	    end) {
		char *file;

		end = path + strcspn(path, ":");
		file = xasprintf("%.*s/%s", (int)(end - path), path, program);
		found = access(file, X_OK) == 0;
		free(file);
	}
	return found;
}

static bool
entra_for_ado(const struct doctor_options *opt)
{
	return opt->ado_auth != NULL && strcmp(opt->ado_auth, "entra") == 0;
}

static void
sign_in_azure(struct doctor *d)
{
	const char *how = d->opt->azure_sign_in, *az = "az";
	int rc;

	if (d->opt->subscription == NULL && !entra_for_ado(d->opt))
		return;
	if (how == NULL)
		how = on_path(az) ? "az" : "device";
	signin_init(&d->azure, &d->api, d->opt->tenant, d->opt->client_id);
	if (strcmp(how, "az") == 0)
		rc = signin_az_cli(&d->azure, az, &d->azure_error);
	else
		rc = signin_device_code(&d->azure, tell_device_code, NULL,
		    &d->azure_error);
	if (rc == 0 && entra_for_ado(d->opt))
		rc = signin_ado(&d->azure, az, &d->azure_error);
	d->signed_in_azure = rc == 0;
	if (rc != 0 && entra_for_ado(d->opt))
		fprintf(stderr, "mlops-tui: signing in to Azure DevOps with "
		    "Entra ID: %s\n", d->azure_error);
}

/* ---- output ---------------------------------------------------------- */

static const struct known_error *
explain(const struct doctor *d, const struct check_result *r)
{
	if (r->verdict == VERDICT_OK)
		return NULL;
	if (r->error_id != NULL)
		return errors_find(d->errors, r->error_id);
	return errors_match(d->errors, r->detail);
}

static char *
fill(const struct doctor *d, const char *text)
{
	static const char *const keys[] = { "organization", "project",
		"repository", "environment", "service_connection", "namespace",
		"postfix", "branch" };
	const char *values[] = { d->opt->org_url, d->target.project,
		d->target.repository, d->target.environment,
		d->target.connection, d->target.namespace, d->target.postfix,
		"main" };

	return errors_fill(text, keys, values, sizeof keys / sizeof keys[0]);
}

static void
print_indented(const char *label, const char *text)
{
	const char *line = text, *nl = text;

	for (bool first = true; *line != '\0'; first = false, line = nl) {
		nl = strchr(line, '\n');
		nl = nl ? nl + 1 : line + strlen(line);
		printf("               %-5s%.*s", first ? label : "",
		    (int)(nl - line), line);
	}
	if (nl > text && nl[-1] != '\n')
		putchar('\n');
}

static void
print_text(const struct doctor *d, const struct check *c,
    const struct check_result *r)
{
	const struct known_error *k = explain(d, r);
	char *why, *fix;

	printf("  %-12s %s: %s\n", verdict_word(r->verdict), c->title,
	    r->detail);
	if (k == NULL)
		return;
	why = fill(d, k->explanation);
	fix = fill(d, k->fix);
	if (r->verdict == VERDICT_PROBLEM)
		print_indented("why", why);
	print_indented("fix", fix);
	free(fix);
	free(why);
}

static json_t *
result_json(const struct doctor *d, const struct check *c,
    const struct check_result *r)
{
	const struct known_error *k = explain(d, r);
	static const char *const words[] = { "ok", "problem", "unknown" };
	json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "id", c->id, "title",
	    c->title, "verdict", words[r->verdict], "detail", r->detail);
	char *why, *fix;

	if (k != NULL) {
		why = fill(d, k->explanation);
		fix = fill(d, k->fix);
		json_object_set_new(j, "known_error", json_pack("{s:s, s:s, "
		    "s:s, s:s}", "id", k->id, "step", k->step, "explanation",
		    why, "fix", fix));
		free(fix);
		free(why);
	}
	return j;
}

/* ---- the command ----------------------------------------------------- */

static void
run_checks(struct doctor *d, json_t *list)
{
	struct probe *p = probe_new(&d->api, &d->target);
	const struct check *all;

	p->azure = d->signed_in_azure ? &d->azure : NULL;
	p->azure_error = d->azure_error;
	size_t n;

	all = checks_all(&n);
	for (size_t i = 0; i < n; i++) {
		struct check_result r;

		if (d->azure.ado != NULL)
			/* A failure shows in the checks as refused calls. */
			(void)signin_fresh(&d->azure, &d->azure_error);
		probe_run(p, &all[i], &r);
		d->counts[r.verdict]++;
		if (list != NULL)
			json_array_append_new(list, result_json(d, &all[i], &r));
		else
			print_text(d, &all[i], &r);
		fflush(stdout);
		check_result_clear(&r);
	}
	probe_free(p);
}

static void
report(struct doctor *d)
{
	json_t *list = d->opt->json ? json_array() : NULL, *out;

	if (list == NULL)
		printf("Checking %s, project %s, repository %s (read-only: "
		    "doctor changes nothing)\n\n", d->opt->org_url,
		    d->target.project, d->target.repository);
	run_checks(d, list);
	if (list == NULL) {
		printf("\n%zu ok, %zu %s, %zu cannot tell. Nothing was "
		    "changed.\n", d->counts[VERDICT_OK],
		    d->counts[VERDICT_PROBLEM], d->counts[VERDICT_PROBLEM] == 1 ?
		    "problem" : "problems", d->counts[VERDICT_UNKNOWN]);
		return;
	}
	out = json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:{s:I, s:I, s:I}}",
	    "organization", d->opt->org_url, "organization_name",
	    d->organization, "project", d->target.project, "repository",
	    d->target.repository, "changed", 0, "checks", list, "summary", "ok",
	    (json_int_t)d->counts[VERDICT_OK], "problem",
	    (json_int_t)d->counts[VERDICT_PROBLEM], "unknown",
	    (json_int_t)d->counts[VERDICT_UNKNOWN]);
	json_dumpf(out, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(out);
}

static void
doctor_init(struct doctor *d, const struct doctor_options *opt)
{
	memset(d, 0, sizeof *d);
	d->opt = opt;
	d->organization = organization_name(opt->org_url);
	d->target = (struct check_target){ d->organization,
		opt->project ? opt->project : "mlops-v2", opt->repository,
		opt->infrastructure ? opt->infrastructure : "bicep",
		opt->namespace, opt->postfix, "Azure-ARM-Prod", "prod",
		opt->subscription };
}

int
cmd_doctor(const struct doctor_options *opt)
{
	struct doctor d;
	int rc = MT_EXIT_DATA;

	doctor_init(&d, opt);
	if (load_known_errors(&d) == 0) {
		rc = MT_EXIT_USAGE;
		if ((entra_for_ado(opt) || sign_in(&d) == 0) &&
		    open_api(&d) == 0) {
			sign_in_azure(&d);
			report(&d);
			rc = d.counts[VERDICT_PROBLEM] ? MT_EXIT_PROBLEM :
			    MT_EXIT_OK;
		}
	}
	signin_clear(&d.azure);
	free(d.azure_error);
	http_free(d.api.http);
	free(d.api.org_url);
	free(d.api.entra_url);
	free(d.api.graph_url);
	free(d.api.arm_url);
	credential_free(d.pat);
	errors_free(d.errors);
	free(d.organization);
	return rc;
}
