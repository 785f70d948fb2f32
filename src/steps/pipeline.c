/*
 * Pipelines for the steps that run them: find or create a definition,
 * authorise what it uses, run it and follow the run to its end, and say
 * why it failed from its timeline.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ado_build.h"
#include "steps/step.h"
#include "xalloc.h"

/* Runs are polled as the portal polls them. */
#define RUN_POLL_MS 2000
#define RUN_POLL_LIMIT 2700      /* an hour and a half */

long
pipeline_ensure(struct step_run *r, const char *project, const char *name,
    const char *folder, const char *repo_id, const char *yaml_path)
{
	struct api_call *c = ado_find_pipelines(r->api, project, name, folder);
	long id = 0;

	if (!run_call(r, c, "finding the pipeline"))
		return 0;
	if (api_count(c) > 0)
		id = (long)json_integer_value(json_object_get(api_item(c, 0),
		    "id"));
	api_call_free(c);
	if (id != 0)
		return id;
	c = ado_create_pipeline(r->api, project, name, folder, repo_id,
	    yaml_path);
	if (!run_call(r, c, "creating the pipeline"))
		return 0;
	id = (long)json_integer_value(json_object_get(api_call_result(c),
	    "id"));
	api_call_free(c);
	return id;
}

int
pipeline_permit(struct step_run *r, const char *project, const char *type,
    const char *id, long pipeline)
{
	struct api_call *c = ado_permit(r->api, project, type, id, pipeline);

	if (!run_call(r, c, "authorising the pipeline's resources"))
		return -1;
	api_call_free(c);
	return 0;
}

/* The issues of the failed records of a run's timeline, joined. */
static char *
failure_text(struct step_run *r, const char *project, long run)
{
	struct api_call *c = ado_get_timeline(r->api, project, run);
	json_t *record, *issue;
	size_t i, k;
	char *text = xstrdup("");

	api_wait(r->api, c);
	json_array_foreach(json_object_get(api_call_result(c), "records"), i,
	    record) {
		const char *result = api_field(record, "result");

		if (result == NULL || strcmp(result, "failed") != 0)
			continue;
		json_array_foreach(json_object_get(record, "issues"), k, issue) {
			char *more = xasprintf("%s%s%s", text, *text ? "; " : "",
			    api_field(issue, "message"));

			free(text);
			text = more;
		}
		if (json_array_size(json_object_get(record, "issues")) == 0 &&
		    strcmp(api_field(record, "type"), "Checkpoint.Authorization")
		    == 0) {
			char *more = xasprintf("%s%sthe run timed out at its "
			    "Checkpoint.Authorization", text, *text ? "; " : "");

			free(text);
			text = more;
		}
	}
	api_call_free(c);
	return text;
}

struct run_ref {
	const char *project;
	long run;
};

static struct api_call *
get_run(struct step_run *r, void *ctx)
{
	struct run_ref *ref = ctx;

	return ado_get_build(r->api, ref->project, ref->run);
}

/* Follow a run to its end; 0 when it succeeded, else the timeline's
 * issues as the error. */
static int
follow_run(struct step_run *r, const char *project, long run,
    const char *name)
{
	static const char *const done[] = { "completed", NULL };
	struct run_ref ref = { project, run };
	char *what = xasprintf("run %ld of %s", run, name), *why;
	struct poll_spec spec = { what, "status", done, NULL, NULL,
		RUN_POLL_MS, RUN_POLL_LIMIT };
	json_t *build = NULL;
	const char *result;
	int rc = run_poll(r, &spec, get_run, &ref, &build);

	result = api_field(build, "result");
	if (rc == 0 && (result == NULL || strcmp(result, "succeeded") != 0)) {
		why = failure_text(r, project, run);
		rc = run_fail(r, NULL, "%s %s: %s", what, result ? result :
		    "ended", *why ? why : "the timeline names no issue");
		free(why);
	}
	json_decref(build);
	free(what);
	return rc;
}

int
pipeline_run(struct step_run *r, const char *project, long pipeline,
    const char *name, const char *branch, json_t *params)
{
	const char *recorded = run_recorded(r, "run");
	struct api_call *c;
	char *text;
	long run;

	/* A run this setup started before a stop is followed, not started
	 * again: a second initialise run fails, and runs cost. */
	if (recorded != NULL && run_recorded(r, "run_over") == NULL) {
		json_decref(params);
		run = strtol(recorded, NULL, 10);
	} else {
		c = ado_run_pipeline(r->api, project, pipeline, branch, params);
		json_decref(params);
		if (!run_call(r, c, "starting the run"))
			return -1;
		run = (long)json_integer_value(json_object_get(
		    api_call_result(c), "id"));
		api_call_free(c);
		text = xasprintf("%ld", run);
		state_map_remove(r->created, "run_over");
		run_record(r, "run", text);
		free(text);
		run_note(r, "run %ld of %s: %s/%s/_build/results?buildId=%ld",
		    run, name, r->api->org_url, r->target.project, run);
	}
	if (follow_run(r, project, run, name) == -1) {
		run_record(r, "run_over", "failed");
		return -1;
	}
	run_record(r, "run_over", "succeeded");
	return 0;
}
