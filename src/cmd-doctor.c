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
#include "connection.h"
#include "credential.h"
#include "errors.h"
#include "exitcode.h"
#include "paths.h"
#include "signin.h"
#include "templates.h"
#include "textout.h"
#include "xalloc.h"

struct doctor {
	const struct doctor_options *opt;
	struct check_target target;
	struct errors *errors;
	struct connection conn;
	size_t counts[3];              /* by verdict */
};

/* ---- set-up ---------------------------------------------------------- */

/* ---- output ---------------------------------------------------------- */

static const struct known_error *
explain(const struct doctor *d, const struct check_result *r)
{
	if (r->verdict == VERDICT_OK)
		return NULL;
	if (r->error_id != NULL)
		return errors_explain(d->errors, r->error_id, NULL);
	return errors_explain(d->errors, NULL, r->detail);
}

static char *
fill(const struct doctor *d, const char *text)
{
	static const char *const keys[] = { "organization", "project",
		"repository", "environment", "service_connection", "namespace",
		"postfix", "branch" };
	const char *values[] = { d->opt->conn.org_url, d->target.project,
		d->target.repository, d->target.environment,
		d->target.connection, d->target.namespace, d->target.postfix,
		"main" };

	return errors_fill(text, keys, values, sizeof keys / sizeof keys[0]);
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
		textout_indented(15, "why", why);
	textout_indented(15, "fix", fix);
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

/* The checks of one environment, run once for each named. */
static bool
per_environment(const struct check *c)
{
	return strcmp(c->id, "connection") == 0 || strcmp(c->id,
	    "environment") == 0;
}

static void
run_one(struct doctor *d, struct probe *p, const struct check *c,
    json_t *list)
{
	struct check_result r;

	/* A failure shows in the checks as refused calls. */
	connection_fresh(&d->conn);
	probe_run(p, c, &r);
	d->counts[r.verdict]++;
	if (list != NULL) {
		json_t *j = result_json(d, c, &r);

		if (per_environment(c))
			json_object_set_new(j, "environment",
			    json_string(d->target.environment));
		json_array_append_new(list, j);
	} else
		print_text(d, c, &r);
	fflush(stdout);
	check_result_clear(&r);
}

/* The environment to check, and its connection by the guide's name. */
static void
aim_at(struct doctor *d, const char *env)
{
	d->target.environment = env;
	d->target.connection = strcmp(env, "dev") == 0 ? "Azure-ARM-Dev" :
	    "Azure-ARM-Prod";
}

/* A check of each environment named, its title saying which. */
static void
run_per_environment(struct doctor *d, struct probe *p, const struct check *c,
    json_t *list)
{
	for (size_t e = 0; e < d->opt->nenvironments; e++) {
		const char *env = d->opt->environments[e];
		char *title = xasprintf("%s (%s)", c->title, env);
		struct check titled = *c;

		titled.title = title;
		aim_at(d, env);
		run_one(d, p, d->opt->nenvironments > 1 ? &titled : c, list);
		free(title);
	}
	/* The checks after (the names, the connection's subscription and
	 * principal) are of the first environment named. */
	aim_at(d, d->opt->environments[0]);
}

static void
run_checks(struct doctor *d, json_t *list)
{
	struct probe *p = probe_new(&d->conn.api, &d->target);
	const struct check *all;
	size_t n;

	p->azure = d->conn.signed_in_azure ? &d->conn.azure : NULL;
	p->azure_error = d->conn.azure_error;

	all = checks_all(&n);
	for (size_t i = 0; i < n; i++) {
		/* The step's three-in-one; doctor says them apart. */
		if (strcmp(all[i].id, "azure-rights") == 0)
			continue;
		if (per_environment(&all[i]) && d->opt->nenvironments > 0)
			run_per_environment(d, p, &all[i], list);
		else
			run_one(d, p, &all[i], list);
	}
	probe_free(p);
}

static void
report(struct doctor *d)
{
	json_t *list = d->opt->json ? json_array() : NULL, *out;

	if (list == NULL)
		printf("Checking %s, project %s, repository %s (read-only: "
		    "doctor changes nothing)\n\n", d->opt->conn.org_url,
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
	    "organization", d->opt->conn.org_url, "organization_name",
	    d->conn.organization, "project", d->target.project, "repository",
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
	d->target = (struct check_target){ NULL,
		opt->project ? opt->project : "mlops-v2", opt->repository,
		opt->infrastructure ? opt->infrastructure : "bicep",
		opt->namespace, opt->postfix, "Azure-ARM-Prod", "prod",
		opt->subscription, opt->location, opt->project_type, NULL, NULL,
		NULL, false };
	if (opt->nenvironments > 0)
		aim_at(d, opt->environments[0]);
}

int
cmd_doctor(const struct doctor_options *opt)
{
	struct doctor d;
	struct catalog *cat = NULL;
	int rc = MT_EXIT_DATA;

	doctor_init(&d, opt);
	if (templates_load(&cat, &d.errors) == 0) {
		struct connection_options copt = opt->conn;

		copt.azure = opt->subscription != NULL;
		rc = MT_EXIT_USAGE;
		if (connection_open(&d.conn, &copt) == 0) {
			d.target.organization = d.conn.organization;
			report(&d);
			rc = d.counts[VERDICT_PROBLEM] ? MT_EXIT_PROBLEM :
			    MT_EXIT_OK;
		}
	}
	connection_close(&d.conn);
	errors_free(d.errors);
	catalog_free(cat);
	return rc;
}
