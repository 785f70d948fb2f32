/* What a setup made, with where to see it (see made.h). */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "made.h"
#include "names.h"
#include "xalloc.h"

struct made {
	char **lines;
	size_t count;
	const char *org;
	const struct state *st;
};

static void add(struct made *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
add(struct made *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	m->lines = xreallocarray(m->lines, m->count + 1, sizeof *m->lines);
	m->lines[m->count++] = xvasprintf(fmt, ap);
	va_end(ap);
}

static const char *
created(const struct made *m, const struct engine_job *j, const char *key)
{
	const struct state_step *rec = state_step_find(m->st, j->step->id,
	    j->environment);

	return rec != NULL ? state_map_get(&rec->created, key) : NULL;
}

/* What the job made in Azure DevOps, by its step. */
static void
add_devops(struct made *m, const struct engine_job *j, const char *project)
{
	const char *id = j->step->id, *run = created(m, j, "run");
	char *title, *name;

	if (strcmp(id, "project") == 0)
		add(m, "Project %s\n    %s/%s", project, m->org, project);
	else if (strncmp(id, "import-", 7) == 0 ||
	    strcmp(id, "ml-repository") == 0) {
		/* An import's repository is named as the guide's source. */
		name = strcmp(id, "ml-repository") == 0 ?
		    engine_fill(j, "{repository}") : xstrdup(id + 7);
		add(m, "Repository %s\n    %s/%s/_git/%s", name, m->org, project,
		    name);
		free(name);
	} else if (run != NULL) {
		title = engine_job_title(j);
		add(m, "Pipeline run %s: %s\n    %s/%s/_build/results?buildId=%s",
		    run, title, m->org, project, run);
		free(title);
	} else if (strcmp(id, "service-connection") == 0) {
		name = engine_fill(j, "{service_connection}");
		add(m, "Service connection %s\n    %s/%s/_settings/adminservices",
		    name, m->org, project);
		free(name);
	} else if (strcmp(id, "environment") == 0)
		add(m, "Environment %s\n    %s/%s/_environments",
		    j->environment, m->org, project);
}

/* The Azure resources of an environment the infrastructure made. */
static void
add_azure(struct made *m, const struct engine_job *j, bool online,
    bool batch)
{
	char *ns = engine_fill(j, "{namespace}"), *pf = engine_fill(j,
	    "{postfix}"), *infra = engine_fill(j, "{infrastructure}"),
	    *type = engine_fill(j, "{project_type}");
	struct names_input in = { ns, pf, j->environment, infra, type };
	struct names n;

	names_derive(&n, &in);
	add(m, "Resource group %s, workspace %s (%s)\n    https://ml.azure.com",
	    n.resource_group, n.workspace, j->environment);
	if (online)
		add(m, "Online endpoint %s", n.online_endpoint);
	if (batch)
		add(m, "Batch endpoint %s", n.batch_endpoint);
	names_free(&n);
	free(ns), free(pf), free(infra), free(type);
}

static bool
done(const struct engine *e, const char *id, const char *env)
{
	for (size_t i = 0; i < engine_count(e); i++) {
		const struct engine_job *j = engine_job(e, i);

		if (strcmp(j->step->id, id) == 0 && (env == NULL ||
		    j->environment == NULL || strcmp(j->environment, env) == 0))
			return j->outcome == JOB_DONE;
	}
	return false;
}

char **
made_lines(const struct engine *e, const struct state *st,
    const char *org_url, size_t *count)
{
	struct made m = { NULL, 0, org_url, st };

	for (size_t i = 0; i < engine_count(e); i++) {
		const struct engine_job *j = engine_job(e, i);
		char *project;

		if (j->outcome != JOB_DONE)
			continue;
		project = engine_fill(j, "{project}");
		add_devops(&m, j, project);
		free(project);
		if (strcmp(j->step->id, "infra-pipeline") == 0)
			add_azure(&m, j, done(e, "online-endpoint",
			    j->environment), done(e, "batch-endpoint",
			    j->environment));
	}
	*count = m.count;
	return m.lines;
}
