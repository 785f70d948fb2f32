/* Listing the setups saved in the state directory. */
#include "config.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>

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
