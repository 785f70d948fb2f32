/* plan --json and apply --json: the run as JSON lines. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "applyevents.h"
#include "made.h"

/* One object, one line, flushed: a script reads each as it happens. */
static void
emit(const struct events_out *out, json_t *event)
{
	char *text;

	/* Several projects in one run: each event says whose it is. */
	if (out->repository != NULL)
		json_object_set_new(event, "repository",
		    json_string(out->repository));
	text = json_dumps(event, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (text != NULL)
		fprintf(out->file, "%s\n", text);
	free(text);
	json_decref(event);
	fflush(out->file);
}

/*
 * An outcome as a script reads it: one word each, where the legend's
 * words (legend.h) are for people and two outcomes may share one.
 */
static const char *
outcome_key(enum job_outcome o)
{
	static const char *const keys[JOB_OUTCOME_COUNT] = {
		[JOB_WAITING] = "not_started", [JOB_RUNNING] = "running",
		[JOB_DONE] = "done", [JOB_TODO] = "to_do",
		[JOB_FAILED] = "failed", [JOB_INTERRUPTED] = "interrupted",
		[JOB_BLOCKED] = "blocked", [JOB_BY_HAND] = "by_hand",
		[JOB_UNKNOWN] = "cannot_tell", [JOB_SKIPPED] = "skipped",
		[JOB_OPERATOR] = "done_by_hand",
		[JOB_NOT_APPLICABLE] = "not_applicable",
	};

	return keys[o];
}

static json_t *
string_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* The job's string owned by the caller, as a JSON value (taken). */
static json_t *
owned_string(char *s)
{
	json_t *v = string_or_null(s);

	free(s);
	return v;
}

void
events_start(const struct events_out *out, const struct setup *s, bool planning)
{
	const struct state_map *answers = &s->session->state->answers;
	const char *project = state_map_get(answers, "project");

	emit(out, json_pack("{s:s, s:s, s:o, s:s, s:o, s:o}",
	    "event", "start", "command", planning ? "plan" : "apply",
	    "organization", string_or_null(setup_org_url(s)),
	    "project", project ? project : "mlops-v2",
	    "repository", string_or_null(state_map_get(answers, "repository")),
	    "state_file", string_or_null(s->state_path)));
}

/* why and fix of the job's known error, filled with the answers. */
static void
add_explanation(json_t *event, const struct setup *s,
    const struct engine_job *j)
{
	const struct known_error *k = errors_explain(s->errors, j->error_id,
	    j->error);

	if (k == NULL)
		return;
	json_object_set_new(event, "error_id", json_string(k->id));
	json_object_set_new(event, "why", owned_string(engine_fill(j,
	    k->explanation)));
	json_object_set_new(event, "fix", owned_string(engine_fill(j,
	    k->fix)));
}

void
events_job(const struct events_out *out, const char *event, const struct setup *s,
    const struct engine_job *j)
{
	json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:o, s:s, s:b, s:o}",
	    "event", event, "step", j->step->id,
	    "environment", string_or_null(j->environment),
	    "section", s->cat->sections[j->step->section_index].title,
	    "title", owned_string(engine_job_title(j)),
	    "outcome", outcome_key(j->outcome), "changed", j->changed,
	    "detail", string_or_null(j->detail));

	if (j->error != NULL && j->outcome != JOB_DONE) {
		json_object_set_new(o, "error", json_string(j->error));
		add_explanation(o, s, j);
	}
	if (j->outcome == JOB_BY_HAND && j->step->manual != NULL)
		json_object_set_new(o, "by_hand", owned_string(engine_fill(j,
		    j->step->manual)));
	emit(out, o);
}

void
events_progress(const struct events_out *out, const struct engine_job *j, const char *note,
    double elapsed, const char *stage)
{
	json_t *o = json_pack("{s:s, s:s, s:o, s:o}", "event", "progress",
	    "step", j->step->id, "environment",
	    string_or_null(j->environment), "title",
	    owned_string(engine_job_title(j)));

	if (note != NULL)
		json_object_set_new(o, "note", json_string(note));
	else {
		json_object_set_new(o, "elapsed_s", json_integer(
		    (json_int_t)elapsed));
		json_object_set_new(o, "stage", string_or_null(stage));
	}
	emit(out, o);
}

void
events_upfront(const struct events_out *out, const struct upfront_item *it)
{
	static const char *const verdicts[] = { [VERDICT_OK] = "ok",
		[VERDICT_PROBLEM] = "problem", [VERDICT_UNKNOWN] = "cannot_tell" };
	json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:s, s:o}", "event",
	    "upfront", "step", it->job->step->id, "environment",
	    string_or_null(it->job->environment), "title", it->title,
	    "verdict", verdicts[it->verdict], "detail",
	    string_or_null(it->detail));

	if (it->known != NULL) {
		json_object_set_new(o, "error_id", json_string(it->known->id));
		json_object_set_new(o, "why", owned_string(engine_fill(it->job,
		    it->known->explanation)));
		json_object_set_new(o, "fix", owned_string(engine_fill(it->job,
		    it->known->fix)));
	}
	emit(out, o);
}

static json_t *
counts_json(const struct engine *e, size_t *changed)
{
	size_t n[JOB_OUTCOME_COUNT] = { 0 };
	json_t *counts = json_object();

	engine_tally(e, n);
	for (int o = 0; o < JOB_OUTCOME_COUNT; o++)
		json_object_set_new(counts, outcome_key((enum job_outcome)o),
		    json_integer((json_int_t)n[o]));
	*changed = 0;
	for (size_t i = 0; i < engine_count(e); i++)
		*changed += engine_job(e, i)->changed;
	return counts;
}

/* The jobs a failure kept from starting. */
static json_t *
not_started_json(const struct engine *e)
{
	json_t *list = json_array();

	for (size_t i = 0; i < engine_count(e); i++)
		if (engine_job(e, i)->outcome == JOB_WAITING)
			json_array_append_new(list, owned_string(
			    engine_job_title(engine_job(e, i))));
	return list;
}

static json_t *
made_json(const struct setup *s, const struct engine *e)
{
	size_t n;
	char **made = made_lines(e, s->session->state, setup_org_url(s),
	    &n);
	json_t *list = json_array();

	/* Each line is "What" and, on a line of its own, its address. */
	for (size_t i = 0; i < n; i++) {
		char *nl = strchr(made[i], '\n');
		const char *url = nl ? nl + 1 + strspn(nl + 1, " ") : NULL;

		if (nl != NULL)
			*nl = '\0';
		json_array_append_new(list, json_pack("{s:s, s:o}", "what",
		    made[i], "url", string_or_null(url)));
		free(made[i]);
	}
	free(made);
	return list;
}

void
events_summary(const struct events_out *out, const struct setup *s, const struct engine *e,
    bool planning, bool interrupted)
{
	size_t changed;
	json_t *o = json_pack("{s:s, s:s, s:o}", "event", "summary",
	    "command", planning ? "plan" : "apply", "counts",
	    counts_json(e, &changed));

	json_object_set_new(o, "changed", json_integer((json_int_t)changed));
	json_object_set_new(o, "whole", json_boolean(engine_whole(e)));
	json_object_set_new(o, "made", planning || interrupted ? json_array() :
	    made_json(s, e));
	json_object_set_new(o, "not_started", not_started_json(e));
	json_object_set_new(o, "interrupted", json_boolean(interrupted));
	emit(out, o);
}

const char *
events_job_event(const struct engine_job *j)
{
	switch (j->outcome) {
	case JOB_RUNNING: return "started";
	case JOB_DONE: case JOB_OPERATOR: return "done";
	case JOB_FAILED: return "failed";
	default: return "settled";
	}
}
