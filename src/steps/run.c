/* What every step's code uses: answers, records, calls, failures. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ado_git.h"
#include "fiber.h"
#include "steps/identity.h"
#include "steps/step.h"
#include "xalloc.h"

/* A poll asks half as often again after each POLL_BACKOFF_MS of waiting,
 * up to once every POLL_MAX_MS. */
#define POLL_BACKOFF_MS 30000
#define POLL_MAX_MS 30000
/* Pushes whose answer was lost and that did not land, before giving up. */
#define PUSH_TRIES 3

static const struct step_ops *const sections[] = {
	steps_accelerator, steps_project_repo, steps_azure, steps_github,
	steps_deploy, steps_defects, steps_deployment, steps_convert,
};

const struct step_ops *
step_ops_find(const char *id)
{
	for (size_t s = 0; s < sizeof sections / sizeof *sections; s++)
		for (const struct step_ops *o = sections[s]; o->id; o++)
			if (strcmp(o->id, id) == 0)
				return o;
	return NULL;
}

static enum step_probe
probe_by_check(const struct check *c, struct step_run *r)
{
	struct check_result res;
	enum step_probe out;

	probe_run(r->probe, c, &res);
	free(r->detail);
	r->detail = res.detail;
	res.detail = NULL;
	r->error_id = res.error_id;
	r->problem = res.verdict == VERDICT_PROBLEM;
	r->subject_missing = !r->problem && res.missing_error != NULL;
	if (res.verdict == VERDICT_OK)
		out = PROBE_DONE;
	else if (res.verdict == VERDICT_PROBLEM || res.missing_error != NULL)
		out = PROBE_TODO;
	else
		out = PROBE_UNKNOWN;
	check_result_clear(&res);
	return out;
}

enum step_probe
step_probe(const struct step_ops *ops, struct step_run *r)
{
	const struct check *c = ops->check ? checks_find(ops->check) : NULL;

	r->error_id = NULL;
	r->subject_missing = false;
	if (c != NULL)
		return probe_by_check(c, r);
	return ops->probe(r);
}

const char *
run_answer(struct step_run *r, const char *input)
{
	return r->answer(r->answer_ctx, input);
}

void
run_detail(struct step_run *r, const char *fmt, ...)
{
	va_list ap;

	free(r->detail);
	va_start(ap, fmt);
	r->detail = xvasprintf(fmt, ap);
	va_end(ap);
}

int
run_fail(struct step_run *r, const char *error_id, const char *fmt, ...)
{
	va_list ap;

	free(r->error);
	va_start(ap, fmt);
	r->error = xvasprintf(fmt, ap);
	va_end(ap);
	r->error_id = error_id;
	return -1;
}

void
run_note(struct step_run *r, const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (r->note == NULL)
		return;
	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	r->note(r->save_ctx, text);
	free(text);
}

char *
run_field(struct step_run *r, json_t *object, const char *path,
    const char *what)
{
	const char *v = api_field(object, path);

	if (v == NULL)
		run_fail(r, NULL, "%s: the answer has no %s", what, path);
	return v ? xstrdup(v) : NULL;
}

void
run_progress(struct step_run *r, const char *text)
{
	if (r->progress != NULL)
		r->progress(r->save_ctx, text);
}

void
run_record(struct step_run *r, const char *key, const char *value)
{
	if (value == NULL)
		return;
	state_map_set(r->created, key, value);
	if (r->save != NULL)
		r->save(r->save_ctx);
}

void
run_record_found(struct step_run *r, const char *key, const char *value)
{
	if (value == NULL)
		return;
	state_created_set_found(r->created, key, value);
	if (r->save != NULL)
		r->save(r->save_ctx);
}

const char *
run_recorded(struct step_run *r, const char *key)
{
	return state_map_get(r->created, key);
}

bool
run_recorded_gone(struct step_run *r, const char *key,
    struct api_call *call, const char *what)
{
	const char *value = run_recorded(r, key);
	bool gone;
	char *text, *all;

	api_wait(r->api, call);
	gone = value != NULL &&
	    api_call_error(call)->kind == API_NOT_FOUND;
	api_call_free(call);
	if (!gone)
		return false;
	text = xasprintf("%s %s, recorded in the state, is gone (deleted?): "
	    "forgotten, and done again", what, value);
	run_note(r, "%s", text);
	all = r->forgotten ? xasprintf("%s; %s", r->forgotten, text) : NULL;
	free(r->forgotten);
	r->forgotten = all ? all : xstrdup(text);
	free(text);
	state_map_remove(r->created, key);
	if (r->save != NULL)
		r->save(r->save_ctx);
	return true;
}

bool
run_recorded_before(struct step_run *r, long ms)
{
	/* Seen once by the verify of a step done, or no attempt's time (a
	 * hand edit): replication is over. */
	return r->recorded_seen || r->recorded_since == 0 ||
	    (long)difftime(time(NULL), r->recorded_since) * 1000 >= ms;
}

bool
run_call(struct step_run *r, struct api_call *call, const char *what)
{
	const struct api_error *e;

	api_wait(r->api, call);
	e = api_call_error(call);
	if (e->kind == API_OK)
		return true;
	run_fail(r, NULL, "%s: %s%s%s", what, api_error_kind_name(e->kind),
	    e->message ? ": " : "", e->message ? e->message : "");
	api_call_free(call);
	return false;
}

bool
run_sleep(struct step_run *r, long ms)
{
	if (*r->cancelled)
		return false;
	fiber_sleep_ms(ms);
	return !*r->cancelled;
}

/* The project's id, from the run's probe; NULL with the error set. */
const char *
run_project_id(struct step_run *r)
{
	struct check_result res = { 0 };
	json_t *project = probe_project(r->probe, &res);

	if (project == NULL)
		run_fail(r, res.error_id ? res.error_id : res.missing_error,
		    "%s", res.detail ? res.detail : "no project");
	check_result_clear(&res);
	return project ? api_field(project, "id") : NULL;
}

/* The repository's id, creating it when it does not exist. */
char *
run_repository(struct step_run *r, const char *project,
    const char *name)
{
	struct api_call *c = ado_get_repository(r->api, project, name);
	char *id;
	bool found = true;

	api_wait(r->api, c);
	if (api_call_error(c)->kind == API_NOT_FOUND) {
		api_call_free(c);
		c = ado_create_repository(r->api, project, name);
		found = false;
	}
	if (!run_call(r, c, "creating the repository"))
		return NULL;
	id = run_field(r, api_call_result(c), "id", "creating the repository");
	api_call_free(c);
	/* One this setup made before a stop is its own, not found. */
	if (id != NULL && found && (run_recorded(r, "id") == NULL ||
	    strcmp(run_recorded(r, "id"), id) != 0 ||
	    state_created_found(r->created, "id")))
		run_record_found(r, "id", id);
	else if (id != NULL)
		run_record(r, "id", id);
	return id;
}

char *
run_repository_field(struct step_run *r, const char *project,
    const char *name, const char *field)
{
	struct api_call *c = ado_get_repository(r->api, project, name);
	char *value;

	if (!run_call(r, c, name))
		return NULL;
	value = xstrdup_or_null(api_field(api_call_result(c), field));
	api_call_free(c);
	if (value == NULL)
		run_fail(r, NULL, "%s: the service gave no %s", name, field);
	return value;
}

char *
run_repository_id(struct step_run *r, const char *project, const char *name)
{
	return run_repository_field(r, project, name, "id");
}

static bool
word_in(const char *word, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(word, *list) == 0)
			return true;
	return false;
}

int
run_poll(struct step_run *r, const struct poll_spec *spec,
    struct api_call *(*get)(struct step_run *r, void *ctx), void *ctx,
    json_t **last)
{
	long interval = spec->interval_ms, waited = 0;
	long deadline = spec->interval_ms * spec->limit;

	while (waited < deadline) {
		struct api_call *c = get(r, ctx);
		const char *status;
		int rc = 1;

		if (!run_call(r, c, spec->what))
			return -1;
		status = api_field(api_call_result(c), spec->status_field);
		status = status ? status : "unknown";
		if (word_in(status, spec->done))
			rc = 0;
		else if (word_in(status, spec->failed)) {
			const char *why = spec->message_field ? api_field(
			    api_call_result(c), spec->message_field) : NULL;

			rc = run_fail(r, NULL, "%s %s%s%s", spec->what, status,
			    why ? ": " : "", why ? why : "");
		}
		if (rc <= 0 && last != NULL)
			*last = json_incref(api_call_result(c));
		if (rc > 0 && spec->each != NULL)
			spec->each(r, ctx, api_call_result(c));
		api_call_free(c);
		if (rc <= 0)
			return rc;
		if (!run_sleep(r, interval))
			return run_fail(r, NULL, "stopped");
		waited += interval;
		/* Once a minute, say it still waits. */
		if (waited / 60000 != (waited - interval) / 60000)
			run_note(r, "still waiting for %s (%ld:%02ld)",
			    spec->what, waited / 60000, waited / 1000 % 60);
		/* Every half minute, ask less often: a long run is not made
		 * faster by reading it every 2 s. */
		if (waited / POLL_BACKOFF_MS != (waited - interval) /
		    POLL_BACKOFF_MS && interval < POLL_MAX_MS)
			interval = interval * 3 / 2 < POLL_MAX_MS ?
			    interval * 3 / 2 : POLL_MAX_MS;
	}
	return run_fail(r, NULL, "%s did not finish", spec->what);
}

char *
run_branch_tip(struct step_run *r, const char *project, const char *repo,
    const char *branch, bool *failed)
{
	char *ref = xasprintf("refs/heads/%s", branch);
	char *filter = xasprintf("heads/%s", branch), *tip = NULL;
	struct api_call *c = ado_list_refs(r->api, project, repo, filter);

	free(filter);
	*failed = !run_call(r, c, "reading the branches");
	if (!*failed) {
		/* The filter is a prefix: heads/main also finds main-old. */
		for (size_t i = 0; i < api_count(c) && tip == NULL; i++)
			if (strcmp(api_field(api_item(c, i), "name") ?
			    api_field(api_item(c, i), "name") : "", ref) == 0)
				tip = xstrdup_or_null(api_field(api_item(c,
				    i), "objectId"));
		api_call_free(c);
	}
	free(ref);
	return tip;
}

/* Whether path on branch holds text: a push that landed. */
static bool
holds_text(struct step_run *r, const char *project, const struct push_file *p)
{
	struct api_call *c = ado_get_item(r->api, project, p->repo, p->path,
	    p->branch);
	const char *content;
	bool same;

	api_wait(r->api, c);
	content = api_field(api_call_result(c), "content");
	same = api_call_error(c)->kind == API_OK && content != NULL &&
	    strcmp(content, p->content) == 0;
	api_call_free(c);
	return same;
}

int
run_push(struct step_run *r, const char *project, const struct push_file *p)
{
	struct api_call *c = NULL;
	enum api_error_kind kind = API_LOST;

	/* Its oldObjectId guards it, so a push not found can go again. */
	for (int tries = 0; kind == API_LOST && tries < PUSH_TRIES; tries++) {
		api_call_free(c);
		c = ado_push_file(r->api, project, p->repo, p->branch, p->old,
		    p->path, p->content, p->add, p->message);
		api_wait(r->api, c);
		kind = api_call_error(c)->kind;
		if ((kind == API_LOST || kind == API_CONFLICT) &&
		    holds_text(r, project, p)) {
			api_call_free(c);
			run_note(r, "%s: its answer was lost, but it landed",
			    p->what);
			return 0;
		}
	}
	if (!run_call(r, c, p->what))
		return -1;
	api_call_free(c);
	return 0;
}
