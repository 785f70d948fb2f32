/* `mlops-tui status`: print a setup's checklist, grouped by guide section. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "catalog.h"
#include "checklist.h"
#include "cmd-status.h"
#include "exitcode.h"
#include "paths.h"
#include "setups.h"
#include "state.h"
#include "templates.h"
#include "timefmt.h"
#include "xalloc.h"

/* ---- text ----------------------------------------------------------- */

static void
print_created(const struct state_step *record)
{
	for (size_t i = 0; record != NULL && i < record->created.count; i++)
		printf("%s%s=%s", i ? ", " : "  ", record->created.keys[i],
		    record->created.values[i]);
}

static void
print_line(const struct checklist_line *line)
{
	char *title, *condition;

	if (line->environment != NULL)
		title = xasprintf("%s (%s)", line->step->title,
		    line->environment);
	else
		title = xstrdup(line->step->title);
	printf("  %s %-7s %s", checklist_symbol(line), checklist_word(line),
	    title);
	print_created(line->record);
	putchar('\n');
	condition = catalog_step_condition_text(line->step);
	if (!line->applies && condition != NULL)
		printf("                %s\n", condition);
	if (line->record != NULL && line->record->last_error != NULL &&
	    line->status == STEP_FAILED)
		printf("                last error: %s\n",
		    line->record->last_error);
	free(condition);
	free(title);
}

static void
print_summary(const struct checklist_summary *s)
{
	size_t applicable = s->total - s->not_applicable;

	printf("\n%zu of %zu steps done", s->by_status[STEP_DONE] +
	    s->by_status[STEP_MANUAL], applicable);
	if (s->by_status[STEP_MANUAL] > 0)
		printf(" (%zu by hand)", s->by_status[STEP_MANUAL]);
	if (s->by_status[STEP_RUNNING] > 0)
		printf(", %zu running", s->by_status[STEP_RUNNING]);
	if (s->by_status[STEP_FAILED] > 0)
		printf(", %zu failed", s->by_status[STEP_FAILED]);
	if (s->by_status[STEP_SKIPPED] > 0)
		printf(", %zu skipped", s->by_status[STEP_SKIPPED]);
	printf(", %zu pending", s->by_status[STEP_PENDING]);
	if (s->not_applicable > 0)
		printf("; %zu not applicable to this setup", s->not_applicable);
	printf(".\n");
}

/* An answers file may leave the project out: setup then uses the
 * guide's mlops-v2, so that is the project, not an unknown. */
static const char *
project_or_default(const char *project)
{
	return project != NULL ? project : "mlops-v2";
}

static void
print_header(const struct state *st, const char *path, const char *dir)
{
	const char *org, *project, *repo;
	char when[TIMEFMT_LEN];

	if (st == NULL) {
		printf("No setup saved yet (looked in %s).\n", dir);
		printf("The deployment guide as a checklist, every step "
		    "pending:\n");
		return;
	}
	org = state_map_get(&st->answers, "organization");
	project = state_map_get(&st->answers, "project");
	repo = state_map_get(&st->answers, "repository");
	printf("Setup:  %s / %s on %s\n", project_or_default(project),
	    repo ? repo : "?", org ? org : "?");
	printf("State:  %s (serial %lu, saved %s)\n", path, st->serial,
	    st->updated ? timefmt_iso8601(st->updated, when) : "never");
}

static void
print_text(const struct catalog *cat, const struct checklist *cl,
    const struct state *st, const char *path, const char *dir)
{
	size_t section = (size_t)-1;

	print_header(st, path, dir);
	for (size_t i = 0; i < cl->count; i++) {
		if (cl->lines[i].step->section_index != section) {
			section = cl->lines[i].step->section_index;
			printf("\n%s\n", cat->sections[section].title);
		}
		print_line(&cl->lines[i]);
	}
	print_summary(&cl->summary);
}

/* ---- JSON ----------------------------------------------------------- */

static json_t *
string_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
time_or_null(time_t t)
{
	char buf[TIMEFMT_LEN];

	return t != 0 ? json_string(timefmt_iso8601(t, buf)) : json_null();
}

static json_t *
map_json(const struct state_map *map)
{
	json_t *obj = json_object();

	for (size_t i = 0; map != NULL && i < map->count; i++)
		json_object_set_new(obj, map->keys[i],
		    json_string(map->values[i]));
	return obj;
}

static json_t *
line_json(const struct checklist_line *line)
{
	const struct state_step *r = line->record;
	json_t *who = json_array();
	char *condition = catalog_step_condition_text(line->step);
	json_t *obj;

	for (size_t i = 0; i < line->step->who.count; i++)
		json_array_append_new(who, json_string(line->step->who.items[i]));
	obj = json_pack("{s:s, s:o, s:s, s:s, s:o, s:s, s:b, s:o}",
	    "id", line->step->id,
	    "environment", string_or_null(line->environment),
	    "title", line->step->title,
	    "kind", line->step->kind_word,
	    "who", who,
	    /* The state file's word, which scripts read, not the legend's. */
	    "status", line->applies ? step_status_word(line->status) : "n/a",
	    "applies", line->applies,
	    "condition", string_or_null(condition));
	json_object_set_new(obj, "started", time_or_null(r ? r->started : 0));
	json_object_set_new(obj, "finished", time_or_null(r ? r->finished : 0));
	json_object_set_new(obj, "attempts", json_integer(r ? r->attempts : 0));
	json_object_set_new(obj, "last_error",
	    string_or_null(r ? r->last_error : NULL));
	json_object_set_new(obj, "created", map_json(r ? &r->created : NULL));
	free(condition);
	return obj;
}

static json_t *
summary_json(const struct checklist_summary *s)
{
	json_t *obj = json_pack("{s:I}", "total", (json_int_t)s->total);

	for (int i = 0; i < STEP_STATUS_COUNT; i++)
		json_object_set_new(obj, step_status_word((enum step_status)i),
		    json_integer((json_int_t)s->by_status[i]));
	json_object_set_new(obj, "not_applicable",
	    json_integer((json_int_t)s->not_applicable));
	return obj;
}

static json_t *
sections_json(const struct catalog *cat, const struct checklist *cl)
{
	json_t *sections = json_array(), *steps;

	for (size_t s = 0; s < cat->nsections; s++) {
		steps = json_array();
		for (size_t i = 0; i < cl->count; i++)
			if (cl->lines[i].step->section_index == s)
				json_array_append_new(steps,
				    line_json(&cl->lines[i]));
		json_array_append_new(sections, json_pack("{s:s, s:s, s:s, s:o}",
		    "id", cat->sections[s].id, "title", cat->sections[s].title,
		    "guide", cat->sections[s].extra, "steps", steps));
	}
	return sections;
}

static void
print_json_value(json_t *root)
{
	char *text = json_dumps(root, JSON_INDENT(2));

	if (text != NULL)
		printf("%s\n", text);
	free(text);
	json_decref(root);
}

static void
print_json(const struct catalog *cat, const struct checklist *cl,
    const struct state *st, const char *path)
{
	json_t *root = json_object(), *envs = json_array();

	json_object_set_new(root, "state_file", string_or_null(path));
	json_object_set_new(root, "serial", st ? json_integer(
	    (json_int_t)st->serial) : json_null());
	json_object_set_new(root, "updated", time_or_null(st ? st->updated :
	    0));
	json_object_set_new(root, "answers", map_json(st ? &st->answers :
	    NULL));
	for (size_t i = 0; i < cl->nenvironments; i++)
		json_array_append_new(envs, json_string(cl->environments[i]));
	json_object_set_new(root, "environments", envs);
	json_object_set_new(root, "sections", sections_json(cat, cl));
	json_object_set_new(root, "summary", summary_json(&cl->summary));
	print_json_value(root);
}

/* ---- several setups ------------------------------------------------- */

static void
print_setups(const struct setup_list *list, bool json)
{
	const struct setup_summary *s;
	json_t *arr = json_array();
	char when[TIMEFMT_LEN];

	if (!json)
		printf("%zu setups are saved; show one with "
		    "mlops-tui --state FILE status\n\n", list->count);
	for (size_t i = 0; i < list->count; i++) {
		s = &list->items[i];
		if (json) {
			json_array_append_new(arr, json_pack(
			    "{s:s, s:o, s:o, s:o, s:o, s:I, s:o}",
			    "state_file", s->path,
			    "organization", string_or_null(s->organization),
			    "project", json_string(project_or_default(s->project)),
			    "repository", string_or_null(s->repository),
			    "updated", time_or_null(s->updated),
			    "steps_done", (json_int_t)s->steps_done,
			    "error", string_or_null(s->error)));
		} else if (s->error != NULL) {
			printf("%s\n  cannot be read: %s\n", s->path, s->error);
		} else {
			printf("%s\n  %s / %s on %s: %zu steps done, saved "
			    "%s\n", s->path, project_or_default(s->project),
			    s->repository ? s->repository : "?",
			    s->organization ? s->organization : "?",
			    s->steps_done, timefmt_iso8601(s->updated, when));
		}
	}
	if (json)
		print_json_value(json_pack("{s:o}", "setups", arr));
	else
		json_decref(arr);
}

/* ---- the command ---------------------------------------------------- */

/* Find the state to show; *path NULL and *st NULL means none saved. */
static int
pick_state(const char *given, const char *dir, bool json, char **path,
    struct state **st)
{
	struct setup_list *list;
	char *cause = NULL;
	int rc;

	*path = NULL;
	*st = NULL;
	if (given == NULL) {
		list = setups_scan(dir);
		if (list->count > 1) {
			print_setups(list, json);
			setups_free(list);
			return 1;
		}
		if (list->count == 1)
			*path = xstrdup(list->items[0].path);
		setups_free(list);
		if (*path == NULL)
			return 0;
	} else
		*path = xstrdup(given);
	rc = state_load(st, *path, &cause);
	if (rc == STATE_ENOENT)
		fprintf(stderr, "mlops-tui: %s: no such state file\n", *path);
	else if (rc != 0)
		fprintf(stderr, "mlops-tui: %s\n", cause);
	free(cause);
	return rc == 0 ? 0 : -1;
}

int
cmd_status(const char *state_path, bool json)
{
	struct catalog *cat = NULL;
	struct state *st = NULL;
	struct checklist *cl;
	char *dir = NULL, *path = NULL, *cause = NULL;
	int rc;

	if (templates_load(&cat, NULL) != 0)
		return MT_EXIT_DATA;
	if (state_path == NULL && (dir = paths_state_dir(&cause)) == NULL) {
		fprintf(stderr, "mlops-tui: %s\n", cause);
		free(cause);
		catalog_free(cat);
		return MT_EXIT_STATE;
	}
	rc = pick_state(state_path, dir, json, &path, &st);
	if (rc == 0) {
		cl = checklist_build(cat, st);
		if (json)
			print_json(cat, cl, st, path);
		else
			print_text(cat, cl, st, path, dir);
		checklist_free(cl);
	}
	state_free(st);
	catalog_free(cat);
	free(path);
	free(dir);
	return rc < 0 ? MT_EXIT_STATE : MT_EXIT_OK;
}
