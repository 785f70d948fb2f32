/* The catalogue crossed with a state: the lines of the checklist. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "checklist.h"
#include "legend.h"
#include "xalloc.h"

static const char *
state_answer(const char *input, void *ctx)
{
	const struct state *st = ctx;

	return st != NULL ? state_map_get(&st->answers, input) : NULL;
}

static void
add_environment(struct checklist *cl, const char *name, size_t len)
{
	cl->environments = xreallocarray(cl->environments, cl->nenvironments,
	    sizeof *cl->environments);
	cl->environments[cl->nenvironments++] = xstrndup(name, len);
}

/*
 * The environments of a setup: those the state records, else the
 * "environments" answer or its default (a comma or space separated list),
 * else prod, the guide's single environment.
 */
static void
collect_environments(struct checklist *cl, const struct catalog *cat,
    const struct state *st)
{
	const struct catalog_entry *input;
	const char *list = NULL;
	size_t len;

	if (st != NULL && st->nenvironments > 0) {
		for (size_t i = 0; i < st->nenvironments; i++)
			add_environment(cl, st->environments[i].name,
			    strlen(st->environments[i].name));
		return;
	}
	list = state_answer("environments", (void *)st);
	input = catalog_input_find(cat, "environments");
	if (list == NULL && input != NULL)
		list = input->extra;
	for (; list != NULL && *list != '\0'; list += len) {
		list += strspn(list, ", ");
		len = strcspn(list, ", ");
		if (len > 0)
			add_environment(cl, list, len);
	}
	if (cl->nenvironments == 0)
		add_environment(cl, "prod", 4);
}

static void
add_line(struct checklist *cl, const struct catalog *cat,
    const struct state *st, const struct catalog_step *step,
    const char *env)
{
	struct checklist_line *line;

	cl->lines = xreallocarray(cl->lines, cl->count, sizeof *cl->lines);
	line = &cl->lines[cl->count++];
	line->step = step;
	line->environment = env;
	line->record = st != NULL ? state_step_find(st, step->id, env) : NULL;
	line->status = line->record != NULL ? line->record->status :
	    STEP_PENDING;
	line->applies = catalog_step_applies(cat, step, state_answer,
	    (void *)st);
	cl->summary.total++;
	if (line->applies)
		cl->summary.by_status[line->status]++;
	else
		cl->summary.not_applicable++;
}

struct checklist *
checklist_build(const struct catalog *cat, const struct state *st)
{
	struct checklist *cl = xcalloc(1, sizeof *cl);
	const struct catalog_step *step;

	collect_environments(cl, cat, st);
	for (size_t i = 0; i < cat->nsteps; i++) {
		step = &cat->steps[i];
		if (!step->per_environment) {
			add_line(cl, cat, st, step, NULL);
			continue;
		}
		for (size_t e = 0; e < cl->nenvironments; e++)
			add_line(cl, cat, st, step, cl->environments[e]);
	}
	return cl;
}

void
checklist_free(struct checklist *cl)
{
	if (cl == NULL)
		return;
	for (size_t i = 0; i < cl->nenvironments; i++)
		free(cl->environments[i]);
	free(cl->environments);
	free(cl->lines);
	free(cl);
}

/* A line's mark in the legend: its recorded status, or n/a. */
static enum legend_mark
line_mark(const struct checklist_line *line)
{
	static const enum legend_mark marks[STEP_STATUS_COUNT] = {
		[STEP_PENDING] = MARK_PENDING, [STEP_RUNNING] = MARK_RUNNING,
		[STEP_DONE] = MARK_DONE, [STEP_FAILED] = MARK_FAILED,
		[STEP_SKIPPED] = MARK_SKIPPED, [STEP_MANUAL] = MARK_BY_HAND,
	};

	return line->applies ? marks[line->status] : MARK_NOT_APPLICABLE;
}

const char *
checklist_symbol(const struct checklist_line *line)
{
	return legend_symbol(line_mark(line));
}

const char *
checklist_word(const struct checklist_line *line)
{
	return legend_word(line_mark(line));
}
