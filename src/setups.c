/* Listing the setups saved in the state directory. */
#include "config.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "paths.h"
#include "setups.h"
#include "state.h"
#include "xalloc.h"

const char *
setups_recorded_instance(const struct state *st)
{
	const struct state_step *rec = state_step_find(st, "sign-in", NULL);

	return rec != NULL ? state_map_get(&rec->created, "instance") : NULL;
}

static void
summarise(struct setup_summary *s, const char *path)
{
	struct state *st = NULL;
	char *cause = NULL;

	memset(s, 0, sizeof *s);
	s->path = xstrdup(path);
	if (state_load(&st, path, &cause) != 0) {
		s->error = cause != NULL ? cause : xstrdup("cannot be read");
		return;
	}
	s->organization = xstrdup_or_null(state_map_get(&st->answers,
	    "organization"));
	s->project = xstrdup_or_null(state_map_get(&st->answers, "project"));
	s->repository = xstrdup_or_null(state_map_get(&st->answers,
	    "repository"));
	s->instance_id = xstrdup_or_null(setups_recorded_instance(st));
	s->serial = st->serial;
	s->updated = st->updated;
	for (size_t i = 0; i < st->nsteps; i++)
		if (st->steps[i].status == STEP_DONE ||
		    st->steps[i].status == STEP_MANUAL)
			s->steps_done++;
	state_free(st);
}

struct setup_list *
setups_scan(const char *dir)
{
	struct setup_list *list = xcalloc(1, sizeof *list);
	char *pattern = xasprintf("%s/*.json", dir);
	glob_t g;

	if (glob(pattern, 0, NULL, &g) == 0) {
		list->items = xcalloc(g.gl_pathc, sizeof *list->items);
		for (size_t i = 0; i < g.gl_pathc; i++)
			summarise(&list->items[list->count++], g.gl_pathv[i]);
		globfree(&g);
	}
	free(pattern);
	return list;
}

static void
summary_free(struct setup_summary *s)
{
	free(s->path);
	free(s->organization);
	free(s->project);
	free(s->repository);
	free(s->instance_id);
	free(s->error);
}

void
setups_free(struct setup_list *list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < list->count; i++)
		summary_free(&list->items[i]);
	free(list->items);
	free(list);
}

void
setups_remove(struct setup_list *list, size_t i)
{
	summary_free(&list->items[i]);
	memmove(&list->items[i], &list->items[i + 1], (list->count - i - 1) *
	    sizeof *list->items);
	list->count--;
}

struct state **
setups_load_siblings(const struct state *st, size_t *count)
{
	const char *org = state_map_get(&st->answers, "organization");
	const char *repo = state_map_get(&st->answers, "repository");
	const char *project = state_map_get(&st->answers, "project");
	char *dir = paths_state_dir(NULL), *mine;
	struct state **out = NULL;
	struct setup_list *list;

	*count = 0;
	if (dir == NULL || org == NULL || repo == NULL) {
		free(dir);
		return NULL;
	}
	list = setups_scan(dir);
	mine = paths_organization_id(org);
	for (size_t i = 0; i < list->count; i++) {
		const struct setup_summary *s = &list->items[i];
		char *theirs = s->organization ?
		    paths_organization_id(s->organization) : NULL;
		struct state *sib = NULL;

		if (s->error == NULL && theirs != NULL && s->repository &&
		    strcasecmp(theirs, mine) == 0 && strcasecmp(s->repository,
		    repo) != 0 && strcasecmp(s->project ? s->project :
		    "mlops-v2", project ? project : "mlops-v2") == 0 &&
		    state_load(&sib, s->path, NULL) == 0) {
			out = xreallocarray(out, *count, sizeof *out);
			out[(*count)++] = sib;
		}
		free(theirs);
	}
	free(mine);
	setups_free(list);
	free(dir);
	return out;
}

void
setups_free_siblings(struct state **siblings, size_t count)
{
	for (size_t i = 0; i < count; i++)
		state_free(siblings[i]);
	free(siblings);
}
