/* The rights and capacity a plan needs, checked before anything changes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "upfront.h"
#include "xalloc.h"

/* Which check guards which step: the right is asked only when the step
 * is still to do (the providers' step: when one is unregistered). These
 * checks read only the target's fields in target_key: a run of several
 * projects asks each once (upfront_check_after); a check that comes to
 * read another field must add it there. */
static const struct {
	const char *step, *check;
} guards[] = {
	{ "project", "project-creation" },
	{ "service-principal", "app-registration" },
	{ "service-principal", "role-assignments" },
	{ "infra-pipeline", "quota" },
	{ "resource-providers", "provider-registration" },
};

static struct check_target
target_of(const struct engine_job *j, const struct connection *conn)
{
	return (struct check_target){
		.organization = conn->organization,
		.project = engine_job_answer(j, "project"),
		.repository = engine_job_answer(j, "repository"),
		.infrastructure = engine_job_answer(j, "infrastructure"),
		.connection = engine_job_answer(j, "service_connection"),
		.environment = j->environment ? j->environment : "prod",
		.subscription = engine_job_answer(j, "subscription_id"),
		.location = engine_job_answer(j, "location"),
		.project_type = engine_job_answer(j, "project_type"),
		.principal_way = engine_job_answer(j, "principal_way"),
	};
}

/*
 * What a guard's check is asked of: the operator's rights in the
 * organization, the directory and the subscription, and the quota of a
 * region, the same for every project of a run; never the project's own
 * repository, connection or Azure names, which differ.
 */
static char *
target_key(const struct check *c, const struct check_target *t)
{
#define F(field) (t->field ? t->field : "")
	return xasprintf("%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s"
	    "\x1f%s", c->id, F(organization), F(project), F(environment),
	    F(subscription), F(location), F(project_type), F(infrastructure),
	    F(principal_way));
#undef F
}

static const struct upfront_item *
find_key(const struct upfront *u, const char *key)
{
	for (size_t i = 0; u != NULL && i < u->count; i++)
		if (u->items[i].key != NULL && strcmp(u->items[i].key, key) == 0)
			return &u->items[i];
	return NULL;
}

static void
add_item(struct upfront *u, const struct engine_job *j, const struct check
    *c, struct check_result *r, const struct errors *errors, char *key)
{
	struct upfront_item *it;

	u->items = xreallocarray(u->items, u->count + 1, sizeof *u->items);
	it = &u->items[u->count++];
	it->job = j;
	it->title = j->environment ? xasprintf("%s (%s)", c->title,
	    j->environment) : xstrdup(c->title);
	it->verdict = r->verdict;
	it->detail = r->detail;
	r->detail = NULL;
	it->known = r->verdict == VERDICT_OK || errors == NULL ? NULL :
	    errors_explain(errors, r->error_id, it->detail);
	it->error_id = r->error_id;
	it->key = key;
	u->problems += r->verdict == VERDICT_PROBLEM;
}

/* c's result for j: the earlier project's, or asked now. */
static void
run_check(struct upfront *u, const struct engine_job *j, const struct check
    *c, struct probe *p, struct connection *conn,
    const struct upfront *earlier, const struct errors *errors)
{
	char *key = target_key(c, p->target);
	const struct upfront_item *had = find_key(earlier, key);
	struct check_result r = { 0 };

	if (had != NULL) {
		r.verdict = had->verdict;
		r.detail = had->detail ? xstrdup(had->detail) : NULL;
		r.error_id = had->error_id;
	} else {
		connection_fresh(conn);
		probe_run(p, c, &r);
	}
	add_item(u, j, c, &r, errors, key);
	check_result_clear(&r);
}

static void
check_job(struct upfront *u, const struct engine_job *j,
    struct connection *conn, const struct upfront *earlier,
    const struct errors *errors)
{
	struct check_target target = target_of(j, conn);
	struct probe *p = probe_new(&conn->api, &target);

	p->azure = conn->signed_in_azure ? &conn->azure : NULL;
	p->azure_error = conn->azure_error;
	for (size_t g = 0; g < sizeof guards / sizeof *guards; g++) {
		const struct check *c = checks_find(guards[g].check);

		if (strcmp(j->step->id, guards[g].step) == 0 && c != NULL)
			run_check(u, j, c, p, conn, earlier, errors);
	}
	probe_free(p);
}

void
upfront_check_after(struct upfront *u, struct engine *e,
    struct connection *conn, const struct errors *errors,
    const struct upfront *earlier)
{
	memset(u, 0, sizeof *u);
	for (size_t i = 0; i < engine_count(e); i++) {
		const struct engine_job *j = engine_job(e, i);

		if (j->outcome == JOB_TODO)
			check_job(u, j, conn, earlier, errors);
	}
}

/* A check of the plan that failed already, as an item of u. */
static void
add_failed(struct upfront *u, const struct engine_job *j,
    const struct errors *errors)
{
	struct upfront_item *it;

	u->items = xreallocarray(u->items, u->count, sizeof *u->items);
	it = &u->items[u->count++];
	/* Whole: every field another kind of item has is set (key NULL). */
	*it = (struct upfront_item){ .job = j, .title = engine_job_title(j),
		.verdict = VERDICT_PROBLEM, .detail = xstrdup(j->error ?
		j->error : j->detail ? j->detail : "") };
	it->known = errors == NULL ? NULL : errors_explain(errors, j->error_id,
	    it->detail);
	u->problems++;
}

void
upfront_add_failed_checks(struct upfront *u, struct engine *e,
    const struct errors *errors)
{
	for (size_t i = 0; i < engine_count(e); i++) {
		const struct engine_job *j = engine_job(e, i);

		if (j->outcome == JOB_FAILED && j->step->kind == CATALOG_CHECK)
			add_failed(u, j, errors);
	}
}

void
upfront_check(struct upfront *u, struct engine *e, struct connection *conn,
    const struct errors *errors)
{
	upfront_check_after(u, e, conn, errors, NULL);
}

void
upfront_clear(struct upfront *u)
{
	for (size_t i = 0; i < u->count; i++) {
		free(u->items[i].title);
		free(u->items[i].detail);
		free(u->items[i].key);
	}
	free(u->items);
	memset(u, 0, sizeof *u);
}
