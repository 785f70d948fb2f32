/*
 * The review: the answers, then every step the setup will take for them,
 * in the guide's order, before anything is changed. Enter confirms; Esc
 * goes back to the questions.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "keys.h"
#include "questions.h"
#include "tui.h"
#include "upfront.h"
#include "wrap.h"
#include "xalloc.h"

struct answer_lookup {
	const struct state *st;
	const struct state_environment *env;
};

static const char *
answer_of(const char *input, void *ctx)
{
	struct answer_lookup *l = ctx;
	const char *v = l->env ? state_map_get(&l->env->answers, input) : NULL;

	return v ? v : state_map_get(&l->st->answers, input);
}

static void
add_line(struct tui *t, char *line)
{
	t->review = xreallocarray(t->review, t->nreview + 1, sizeof *t->review);
	t->review[t->nreview++] = line;
}

/* The steps that apply, each per-environment one once per environment. */
static void
add_steps(struct tui *t, const struct state *st)
{
	const struct catalog *cat = t->catalog;

	for (size_t i = 0; i < cat->nsteps; i++) {
		const struct catalog_step *s = &cat->steps[i];
		size_t nenv = s->per_environment ? st->nenvironments : 1;

		for (size_t e = 0; e < nenv; e++) {
			struct answer_lookup l = { st, s->per_environment ?
				&st->environments[e] : NULL };

			if (!catalog_step_applies(cat, s, answer_of, &l))
				continue;
			add_line(t, l.env ? xasprintf("  [ ] %s (%s)", s->title,
			    l.env->name) : xasprintf("  [ ] %s", s->title));
		}
	}
}

/* The lines of the review from answers text that answers_complete took. */
static void
review_build(struct tui *t, const struct state *st, const char *text)
{
	char *copy = xstrdup(text), *save = NULL;

	add_line(t, xstrdup("Your answers (the token is not saved anywhere):"));
	for (char *l = strtok_r(copy, "\n", &save); l != NULL;
	    l = strtok_r(NULL, "\n", &save))
		add_line(t, xasprintf("  %s", l));
	add_line(t, xstrdup(""));
	add_line(t, xstrdup("What the setup will do, in the guide's order "
	    "(each step first looks, and only makes what is missing):"));
	add_steps(t, st);
	free(copy);
}

/* text wrapped to the screen, each line after the first indented. */
static void
insert_wrapped(char ***lines, size_t *n, const char *first, const char *text)
{
	struct wrap_line *w = NULL;
	size_t indent = strlen(first), width = COLS > (int)indent + 8 ?
	    (size_t)COLS - indent - 4 : 40;
	size_t count = wrap_text(text, width, &w);

	for (size_t i = 0; i < count; i++) {
		*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
		(*lines)[(*n)++] = xasprintf("%s%*s%.*s", i ? "" : first,
		    (int)(i ? indent + w[i].indent : w[i].indent), "",
		    (int)w[i].len, w[i].start);
	}
	free(w);
}

void
tui_review_warn(struct tui *t, const struct upfront *found)
{
	char **lines = NULL;
	size_t n = 0;

	insert_wrapped(&lines, &n, "", "Checked up front, after the sign-in: "
	    "what may stop a step (Enter still starts the setup; each "
	    "problem can be fixed by hand when its step comes):");
	for (size_t i = 0; i < found->count; i++) {
		const struct upfront_item *it = &found->items[i];
		char *text;

		if (it->verdict != VERDICT_PROBLEM)
			continue;
		text = xasprintf("%s: %s", it->title, it->detail);
		insert_wrapped(&lines, &n, "  [!] ", text);
		free(text);
	}
	lines = xreallocarray(lines, n + 1, sizeof *lines);
	lines[n++] = xstrdup("");
	/* Before the answers: the first thing the eye meets. */
	lines = xreallocarray(lines, n + t->nreview, sizeof *lines);
	memcpy(lines + n, t->review, t->nreview * sizeof *lines);
	free(t->review);
	t->review = lines;
	t->nreview += n;
}

void
tui_review_free(struct tui *t)
{
	for (size_t i = 0; i < t->nreview; i++)
		free(t->review[i]);
	free(t->review);
	t->review = NULL;
	t->nreview = 0;
}

void
tui_review(struct tui *t)
{
	struct questions *q = t->questions;
	struct state *st = state_new();
	char *cause = NULL, *text;
	size_t field = 0;

	free(q->problem);
	q->problem = NULL;
	if ((text = questions_answers(q, &field, &cause)) == NULL) {
		q->focused = field;
		free(cause);
	} else if (answers_parse(st, "the questions", text, strlen(text),
	    t->catalog, &cause) == -1 || answers_complete(st, &cause) == -1) {
		q->problem = cause;
		free(text);
	} else {
		tui_review_free(t);
		review_build(t, st, text);
		free(t->answers_text);
		t->answers_text = text;
		t->scroll = 0;
		t->screen = &screen_review;
	}
	state_free(st);
}

static void
review_draw(struct tui *t)
{
	int rows = LINES - 4;

	draw_title(t, "review");
	draw_rule(t, 1, 0, COLS);
	for (int r = 0; r < rows && t->scroll + (size_t)r < t->nreview; r++)
		mvaddnstr(2 + r, 1, t->review[t->scroll + (size_t)r], COLS - 2);
	draw_rule(t, LINES - 2, 0, COLS);
	draw_hints(t, " Enter start the setup  Up/Down scroll  Esc back to the "
	    "questions  F1 help  q quit");
	move(2, 1);
}

static bool
review_act(struct tui *t, int action)
{
	size_t rows = (size_t)(LINES - 4);
	size_t last = t->nreview > rows ? t->nreview - rows : 0;

	switch (action) {
	case ACTION_UP:
		t->scroll -= t->scroll > 0;
		return true;
	case ACTION_DOWN:
		t->scroll += t->scroll < last;
		return true;
	case ACTION_BACK:
		t->screen = &screen_questions;
		return true;
	case ACTION_OPEN:
		t->confirmed = true;
		return true;
	default:
		return false;
	}
}

const struct screen screen_review = {
	"review",
	"Everything the setup will make or check, step by step, for the "
	"answers shown. Nothing has changed yet: Enter starts the setup, Esc "
	"goes back to change an answer.",
	review_draw, review_act, NULL,
};
