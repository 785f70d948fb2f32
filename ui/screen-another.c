/*
 * a: another ML project, added to a finished setup - the guide's
 * project factory. It shares the accelerator (the project, its imports,
 * the Build Service's rights) and the sign-in with this setup; asked here
 * is what must be its own: its repository, and its postfix (so its Azure
 * names). Everything else is this setup's answers, its service
 * connections (and so its principals) named after the new repository.
 * Held against this setup and the organization's other setups by the
 * rules of a run of several (projects.c) before anything starts; the
 * wizard then runs it (wizard.c, next_answers) with its own state file.
 */
#include "config.h"

#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "keys.h"
#include "projects.h"
#include "setups.h"
#include "tui.h"
#include "wrap.h"
#include "xalloc.h"

#define FIELD_MAX 64

/* What only this prompt uses. */
struct another_view {
	char repository[FIELD_MAX];
	char postfix[FIELD_MAX];
	int field;                     /* 0: the repository, 1: the postfix */
	char *problem;                 /* why Enter did not start it */
};

void
tui_another_free(struct tui *t)
{
	if (t->another_view == NULL)
		return;
	free(t->another_view->problem);
	free(t->another_view);
	t->another_view = NULL;
}

static const char *
current(const struct tui *t, const char *env, const char *key)
{
	const char *v = engine_answer(t->setup->session->state, t->setup->cat,
	    env, key);

	return v ? v : "";
}

static const char *
first_environment(const struct tui *t)
{
	const struct state *st = t->setup->session->state;

	return st->nenvironments ? st->environments[0].name : "prod";
}

/* The postfix after this one: digits counted up in the same width
 * (0042 -> 0043), anything else with a 2 after it. */
static void
suggest_postfix(const char *was, char *out, size_t size)
{
	size_t len = strlen(was);
	bool digits = len > 0 && len < 18;

	for (size_t i = 0; i < len && digits; i++)
		digits = isdigit((unsigned char)was[i]);
	if (digits)
		snprintf(out, size, "%0*llu", (int)len,
		    strtoull(was, NULL, 10) + 1);
	else
		snprintf(out, size, "%s2", was);
}

void
tui_another_open(struct tui *t)
{
	struct another_view *v;

	if (!engine_finished(t->engine) || tui_destroy_busy(t) ||
	    tui_drift_busy(t)) {
		tui_note(t, "a does nothing yet: another ML project is added "
		    "once the run is over.");
		return;
	}
	tui_another_free(t);
	v = t->another_view = xcalloc(1, sizeof *v);
	suggest_postfix(current(t, first_environment(t), "postfix"),
	    v->postfix, sizeof v->postfix);
	t->screen = &screen_another;
}

static void
back_to_run(struct tui *t)
{
	tui_another_free(t);
	t->screen = &screen_run;
}

/* ---- the new project's answers ------------------------------------------ */

/* The new project's connection in env: this one's, less the suffix
 * an added project's has (Azure-ARM-Prod-taxi-2), then the new name. */
static char *
connection_for(const struct tui *t, const char *env, const char *repository)
{
	const char *was = current(t, env, "service_connection");
	const char *mine = current(t, NULL, "repository");
	size_t len = strlen(was), cut = strlen(mine) + 1;

	if (len > cut && was[len - cut] == '-' &&
	    strcmp(was + len - cut + 1, mine) == 0)
		len -= cut;
	return xasprintf("%.*s-%s", (int)len, was, repository);
}

/* This setup's answers, with the new repository, postfix and service
 * connections; NULL with *cause when they do not make a setup. */
static struct state *
new_answers(struct tui *t, char **cause)
{
	const struct state *was = t->setup->session->state;
	struct another_view *v = t->another_view;
	char *text = answers_format(was, t->setup->cat);
	struct state *st = state_new();

	if (answers_parse(st, "answers", text, strlen(text), t->setup->cat,
	    cause) == -1) {
		free(text);
		state_free(st);
		return NULL;
	}
	free(text);
	state_map_set(&st->answers, "repository", v->repository);
	for (size_t i = 0; i < st->nenvironments; i++) {
		struct state_environment *env = &st->environments[i];
		char *conn = connection_for(t, env->name, v->repository);

		state_map_set(&env->answers, "postfix", v->postfix);
		state_map_set(&env->answers, "service_connection", conn);
		free(conn);
	}
	if (answers_complete(st, cause) == -1) {
		state_free(st);
		return NULL;
	}
	return st;
}

/* The new project against this setup and the organization's others. */
static int
collisions(struct tui *t, struct state *st, char **cause)
{
	size_t n;
	struct state **sib = setups_load_siblings(t->setup->session->state, &n);
	struct state **all = xcalloc(n + 2, sizeof *all);
	const char **names = xcalloc(n + 2, sizeof *names);
	int rc;

	for (size_t i = 0; i < n; i++) {
		all[i] = sib[i];
		names[i] = state_map_get(&sib[i]->answers, "repository");
	}
	all[n] = t->setup->session->state;
	names[n] = current(t, NULL, "repository");
	all[n + 1] = st;
	names[n + 1] = "the new project";
	rc = projects_collide_with_last(all, names, n + 2, t->setup->cat,
	    cause);
	free(names);
	free(all);
	setups_free_siblings(sib, n);
	return rc;
}

/* Check the two answers; start the project (wizard.c) or say why not. */
static void
try_start(struct tui *t)
{
	struct another_view *v = t->another_view;
	char *cause = NULL;
	struct state *st = v->repository[0] == '\0' ? NULL :
	    new_answers(t, &cause);

	if (v->repository[0] == '\0')
		cause = xstrdup("give the new ML project's repository");
	else if (st != NULL && collisions(t, st, &cause) == 0) {
		free(t->next_answers);
		t->next_answers = answers_format(st, t->setup->cat);
		state_free(st);
		back_to_run(t);
		return;
	}
	state_free(st);
	free(v->problem);
	v->problem = cause;
	v->field = strstr(cause, "postfix") != NULL ? 1 : 0;
	t->dirty = true;
}

/* ---- drawing and keys ----------------------------------------------------- */

/* The rows the problems take, every one of them (up to a screenful's
 * share), or the hint line's one. */
static int
problem_rows(const char *problem)
{
	struct wrap_line *lines = NULL;
	size_t n = problem ? wrap_text(problem, (size_t)COLS, &lines) : 1;

	free(lines);
	return n > (size_t)(LINES / 2) ? LINES / 2 : (int)n;
}

static void
another_draw(struct tui *t)
{
	struct another_view *v = t->another_view;
	char line[256], *conn;
	int said = problem_rows(v->problem), top = LINES - 4 - said;

	screen_run.draw(t);
	for (int y = top; y < LINES; y++) {
		move(y, 0);
		clrtoeol();
	}
	attron(A_BOLD);
	snprintf(line, sizeof line, "Another ML project, sharing the "
	    "accelerator and sign-in of %s", current(t, NULL, "repository"));
	draw_cut(t, top, 0, COLS, line);
	attroff(A_BOLD);
	snprintf(line, sizeof line, "%s ML repository: %s", v->field == 0 ?
	    ">" : " ", v->repository);
	draw_cut(t, top + 1, 0, COLS, line);
	snprintf(line, sizeof line, "%s Postfix (every environment): %s",
	    v->field == 1 ? ">" : " ", v->postfix);
	draw_cut(t, top + 2, 0, COLS, line);
	conn = connection_for(t, first_environment(t), v->repository[0] ?
	    v->repository : "...");
	snprintf(line, sizeof line, "  Service connection: %s; the rest as "
	    "this setup's answers", conn);
	free(conn);
	draw_cut(t, top + 3, 0, COLS, line);
	if (v->problem != NULL) {
		attron(A_BOLD);
		draw_wrapped(top + 4, 0, COLS, said, v->problem);
		attroff(A_BOLD);
	} else
		draw_cut(t, LINES - 1, 0, COLS, " Tab next field  Enter start "
		    " Esc back");
	move(top + 1 + v->field, 0);
}

/* Repository names and postfixes: letters, digits, and for a
 * repository - _ . too (the answers' own rules say the rest). */
static bool
allowed(int field, int ch)
{
	if (ch < 0 || ch > 127 || !isalnum(ch))
		return field == 0 && (ch == '-' || ch == '_' || ch == '.');
	return true;
}

static bool
another_key(struct tui *t, int ch)
{
	struct another_view *v = t->another_view;
	char *text = v->field == 0 ? v->repository : v->postfix;
	size_t len = strlen(text);

	if (ch == 27)
		back_to_run(t);
	else if (ch == '\t' || ch == KEY_DOWN || ch == KEY_UP)
		v->field = !v->field;
	else if ((ch == '\n' || ch == KEY_ENTER) && v->field == 0)
		v->field = 1;
	else if (ch == '\n' || ch == KEY_ENTER)
		try_start(t);
	else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len > 0)
		text[len - 1] = '\0';
	else if (allowed(v->field, ch) && len + 1 < FIELD_MAX) {
		text[len] = (char)ch;
		text[len + 1] = '\0';
	}
	if (ch != '\n' && ch != KEY_ENTER) {
		free(v->problem);       /* said of what was typed before */
		v->problem = NULL;
	}
	t->dirty = true;
	return true;
}

static bool
another_act(struct tui *t, int action)
{
	(void)t;
	(void)action;
	return false;
}

static const struct screen_key another_keys[] = {
	{ ACTION_NEXT, "the other field" },
	{ ACTION_OPEN, "on the postfix: check and start the new project" },
	{ ACTION_BACK, "back, nothing started" },
	{ ACTION_QUIT, "quit (Ctrl-C: q is typed into the field)" },
	{ ACTION_NONE, NULL },
};

const struct screen screen_another = {
	.name = "another ML project",
	.help = "Another ML project beside this one, as the guide's project "
	    "factory makes them: its own repository, Azure names (the "
	    "postfix) and service connections, and this setup's other "
	    "answers; the accelerator (the project, its imports, the Build "
	    "Service's rights) and the sign-in are shared, not done again. "
	    "A name another setup of the organization has is refused before "
	    "anything starts. It gets its own state file; this one is kept "
	    "as it is.",
	.draw = another_draw,
	.act = another_act,
	.key = another_key,
	.keys = another_keys,
};
