/*
 * Pipelines for the steps that run them: find or create a definition,
 * authorise what it uses, run it and follow the run to its end, and say
 * why it failed from its timeline.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ado_build.h"
#include "timefmt.h"
#include "steps/step.h"
#include "xalloc.h"

/* Runs are polled as the portal polls them. */
#define RUN_POLL_MS 2000
#define RUN_POLL_LIMIT 2700      /* an hour and a half */
/* Lost answers to a run's start before giving up. */
#define RUN_ASKS 4

/* The id of the pipeline name in folder; 0 when there is none, -1 with
 * the error set. */
static long
find_pipeline(struct step_run *r, const char *project, const char *name,
    const char *folder)
{
	struct api_call *c = ado_find_pipelines(r->api, project, name, folder);
	long id = 0;

	if (!run_call(r, c, "finding the pipeline"))
		return -1;
	if (api_count(c) > 0)
		id = (long)json_integer_value(json_object_get(api_item(c, 0),
		    "id"));
	api_call_free(c);
	return id;
}

/* Whether the create failed because a pipeline of that name is there. */
static bool
exists_already(const struct api_error *e)
{
	return (e->code != NULL && strcmp(e->code,
	    "DefinitionExistsException") == 0) || (e->message != NULL &&
	    strstr(e->message, "already exists") != NULL);
}

/*
 * One definition per name and folder, whatever runs at once: two steps
 * (terraform's prod and dev infrastructure, or several ML projects'
 * initialise steps) may both find no such pipeline and both create it;
 * the one the service refuses with "Build pipeline X already exists"
 * adopts the other's, as found: it is the other's to remove.
 */
long
pipeline_ensure(struct step_run *r, const char *project, const char *name,
    const char *folder, const char *repo_id, const char *yaml_path,
    bool *found)
{
	struct api_call *c;
	long id = find_pipeline(r, project, name, folder);

	if (found != NULL)
		*found = id > 0;
	if (id != 0)
		return id > 0 ? id : 0;
	c = ado_create_pipeline(r->api, project, name, folder, repo_id,
	    yaml_path);
	api_wait(r->api, c);
	if (api_call_error(c)->kind != API_OK && exists_already(
	    api_call_error(c))) {
		api_call_free(c);
		id = find_pipeline(r, project, name, folder);
		if (found != NULL)
			*found = id > 0;
		if (id == 0)
			run_fail(r, NULL, "creating the pipeline: %s already "
			    "exists, but cannot be found in %s", name, folder);
		return id > 0 ? id : 0;
	}
	if (!run_call(r, c, "creating the pipeline"))
		return 0;
	id = (long)json_integer_value(json_object_get(api_call_result(c),
	    "id"));
	api_call_free(c);
	return id;
}

long
pipeline_succeeded(struct step_run *r, const char *project, const char *name,
    const char *folder)
{
	long pipeline = find_pipeline(r, project, name, folder), best = 0;
	struct api_call *c;

	if (pipeline <= 0)
		return pipeline;
	c = ado_list_runs(r->api, project, pipeline);
	if (!run_call(r, c, "listing the pipeline's runs"))
		return -1;
	/* The newest that ended: one that failed after a success means
	 * what is in Azure may not be what this repository's code makes. */
	for (size_t i = 0; i < api_count(c); i++) {
		json_t *run = api_item(c, i);
		const char *state = api_field(run, "state");
		const char *result = api_field(run, "result");
		long id = (long)json_integer_value(json_object_get(run, "id"));

		if (state == NULL || strcmp(state, "completed") != 0 ||
		    id <= labs(best))
			continue;
		/* Kept negative when it did not succeed. */
		best = result != NULL && strcmp(result, "succeeded") == 0 ?
		    id : -id;
	}
	api_call_free(c);
	return best > 0 ? best : 0;
}

int
pipeline_drift(struct step_run *r, const char *project, long pipeline,
    const char *yaml, const char *branch, char **changes)
{
	struct api_call *c = ado_get_definition(r->api, project, pipeline);

	*changes = NULL;
	api_wait(r->api, c);
	if (api_call_error(c)->kind == API_NOT_FOUND) {
		api_call_free(c);
		*changes = xasprintf("pipeline %ld was deleted", pipeline);
		return 1;
	}
	if (!run_call(r, c, "reading the pipeline"))
		return -1;
	*changes = checks_pipeline_changes(api_call_result(c), yaml, branch);
	api_call_free(c);
	return *changes != NULL;
}

/* The definition as read, its YAML path and default branch set back. */
static json_t *
as_made(json_t *definition, const char *yaml, const char *branch)
{
	json_t *d = json_deep_copy(definition);
	char *ref = strncmp(branch, "refs/", 5) == 0 ? xstrdup(branch) :
	    xasprintf("refs/heads/%s", branch);

	json_object_set_new(json_object_get(d, "process"), "yamlFilename",
	    json_string(yaml));
	json_object_set_new(json_object_get(d, "repository"), "defaultBranch",
	    json_string(ref));
	free(ref);
	return d;
}

int
pipeline_restore(struct step_run *r, const char *project, long pipeline,
    const char *yaml, const char *branch)
{
	struct api_call *c = ado_get_definition(r->api, project, pipeline);
	char *changes;

	if (!run_call(r, c, "reading the pipeline"))
		return -1;
	changes = checks_pipeline_changes(api_call_result(c), yaml, branch);
	if (changes != NULL) {
		/* PUT with the revision just read: an edit in between is
		 * refused rather than overwritten. */
		json_t *d = as_made(api_call_result(c), yaml, branch);

		run_note(r, "putting pipeline %ld back as made (%s)", pipeline,
		    changes);
		free(changes);
		api_call_free(c);
		c = ado_update_definition(r->api, project, d);
		if (!run_call(r, c, "putting the pipeline back"))
			return -1;
	}
	api_call_free(c);
	return 0;
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

/* A timeline record's state as a word: its result once completed. */
static const char *
record_word(json_t *record)
{
	const char *state = api_field(record, "state");
	const char *result = api_field(record, "result");

	if (state != NULL && strcmp(state, "completed") == 0)
		return result ? result : "completed";
	return state != NULL && strcmp(state, "inProgress") == 0 ? "running" :
	    "waiting";
}

/* "m:ss" from its start to its finish, or to now while it runs. */
static char *
record_time(json_t *record, long long now_ms)
{
	long long start, end;

	if (!timefmt_parse_ms(api_field(record, "startTime"), &start))
		return xstrdup("");
	if (!timefmt_parse_ms(api_field(record, "finishTime"), &end))
		end = now_ms;
	end = end > start ? (end - start) / 1000 : 0;
	return xasprintf("%lld:%02lld", end / 60, end % 60);
}

/* Append the Stage and Job records under parent, in their order, a job
 * marked "- "; a Phase is looked through to its Job. */
static void
tree_of(json_t *records, const char *parent, int depth, long long now_ms,
    char **text)
{
	for (int order = 1; order < 64; order++) {
		json_t *rec;
		size_t i;

		json_array_foreach(records, i, rec) {
			const char *type = api_field(rec, "type");
			const char *p = api_field(rec, "parentId");
			char *when, *more;

			if (json_integer_value(json_object_get(rec, "order")) !=
			    order || type == NULL || (parent ? p == NULL ||
			    strcmp(p, parent) != 0 : p != NULL))
				continue;
			if (strcmp(type, "Phase") == 0) {
				tree_of(records, api_field(rec, "id"), depth,
				    now_ms, text);
				continue;
			}
			if (strcmp(type, "Stage") != 0 && strcmp(type, "Job") != 0)
				continue;
			when = record_time(rec, now_ms);
			/* Marked, not indented: wrapped text loses spaces. */
			more = xasprintf("%s%s%s %s: %s %s\n", *text, depth ?
			    "- " : "", type, api_field(rec, "name"),
			    record_word(rec), when);
			free(*text);
			*text = more;
			free(when);
			if (strcmp(type, "Stage") == 0)
				tree_of(records, api_field(rec, "id"), depth + 1,
				    now_ms, text);
		}
	}
}

/* The run's stages and jobs now, with how long each took or takes. */
static void
run_tree(struct step_run *r, void *ctx, json_t *build)
{
	struct run_ref *ref = ctx;
	struct api_call *c;
	char *text;
	struct timespec now;

	(void)build;
	if (r->progress == NULL)
		return;                /* nobody shows it: nothing read */
	c = ado_get_timeline(r->api, ref->project, ref->run);
	text = xstrdup("");
	clock_gettime(CLOCK_REALTIME, &now);
	api_wait(r->api, c);
	if (api_call_error(c)->kind == API_OK)
		tree_of(json_object_get(api_call_result(c), "records"), NULL, 0,
		    (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000, &text);
	api_call_free(c);
	run_progress(r, *text ? text : NULL);
	free(text);
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
		RUN_POLL_MS, RUN_POLL_LIMIT, run_tree };
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

/*
 * One read of pipeline's runs: *newest gets the newest id (0: none), and
 * *ours the lowest id newer than asked (0: none, or asked negative);
 * -1 when the list cannot be read.
 */
static int
read_runs(struct step_run *r, const char *project, long pipeline,
    long asked, long *ours, long *newest)
{
	struct api_call *c = ado_list_runs(r->api, project, pipeline);
	long id;

	*ours = *newest = 0;
	if (!run_call(r, c, "listing the pipeline's runs"))
		return -1;
	for (size_t i = 0; i < api_count(c); i++) {
		id = (long)json_integer_value(json_object_get(api_item(c, i),
		    "id"));
		if (id > *newest)
			*newest = id;
		if (asked >= 0 && id > asked && (*ours == 0 || id < *ours))
			*ours = id;
	}
	api_call_free(c);
	return 0;
}

/* Ask for a run: its id, 0 when the answer was lost, -1 on failure. */
static long
ask_for_run(struct step_run *r, const char *project, long pipeline,
    const char *branch, json_t *params)
{
	struct api_call *c = ado_run_pipeline(r->api, project, pipeline, branch,
	    params);
	long run;

	api_wait(r->api, c);
	if (api_call_error(c)->kind == API_LOST) {
		api_call_free(c);
		return 0;
	}
	if (!run_call(r, c, "starting the run"))
		return -1;
	run = (long)json_integer_value(json_object_get(api_call_result(c),
	    "id"));
	api_call_free(c);
	return run;
}

/*
 * Start a run, or find the one whose id a stop or a lost answer kept
 * from us: the newest run's id is saved before asking, so a run newer
 * than it is ours. A run is never asked for twice blindly.
 */
static long
start_run(struct step_run *r, const char *project, long pipeline,
    const char *branch, json_t *params)
{
	const char *asked;
	long run = 0, newest;
	char *text;

	for (int tries = 0; run == 0 && tries < RUN_ASKS; tries++) {
		if (tries > 0)
			run_note(r, "the answer to starting the run was lost; "
			    "looking for the run before asking again");
		asked = run_recorded(r, "run_asked");
		if (read_runs(r, project, pipeline, asked ? strtol(asked, NULL,
		    10) : -1, &run, &newest) == -1) {
			run = -1;
			break;
		}
		if (run != 0)
			break;
		text = xasprintf("%ld", newest);
		run_record(r, "run_asked", text);
		free(text);
		run = ask_for_run(r, project, pipeline, branch, params);
	}
	json_decref(params);
	if (run == 0)
		return run_fail(r, NULL, "starting the run: the answer was "
		    "lost %d times", RUN_ASKS);
	return run;
}

int
pipeline_run(struct step_run *r, const char *project, long pipeline,
    const char *name, const char *branch, json_t *params)
{
	const char *recorded = run_recorded(r, "run");
	char *text;
	long run;

	/* A run gone (deleted, or its organization reset) is forgotten with
	 * the newest id seen before it, which belonged to that history. */
	if (recorded != NULL && run_recorded(r, "run_over") == NULL &&
	    run_recorded_gone(r, "run", ado_get_build(r->api, project,
	    strtol(recorded, NULL, 10)), "the pipeline run")) {
		state_map_remove(r->created, "run_asked");
		recorded = NULL;
	}
	/* A run this setup started before a stop is followed, not started
	 * again: a second initialise run fails, and runs cost. */
	if (recorded != NULL && run_recorded(r, "run_over") == NULL) {
		json_decref(params);
		run = strtol(recorded, NULL, 10);
	} else {
		if ((run = start_run(r, project, pipeline, branch, params)) < 0)
			return -1;
		text = xasprintf("%ld", run);
		state_map_remove(r->created, "run_over");
		state_map_remove(r->created, "run_asked");
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
