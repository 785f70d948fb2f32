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

/* What only the review uses: its lines, unwrapped, and the first screen
 * row shown once they are wrapped to the terminal. */
struct review {
	char **lines;
	size_t count;
	size_t top;
};

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
	struct review *r = t->review;

	if (r == NULL)
		r = t->review = xcalloc(1, sizeof *r);
	r->lines = xreallocarray(r->lines, r->count + 1, sizeof *r->lines);
	r->lines[r->count++] = line;
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
	/* One line at 80 columns, so that the first steps show. */
	add_line(t, xstrdup("What the setup will do, in order; each step "
	    "makes only what is missing:"));
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
	struct review *r;
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
	if (t->review == NULL)
		t->review = xcalloc(1, sizeof *t->review);
	r = t->review;
	/* Before the answers: the first thing the eye meets. */
	lines = xreallocarray(lines, n + r->count, sizeof *lines);
	memcpy(lines + n, r->lines, r->count * sizeof *lines);
	free(r->lines);
	r->lines = lines;
	r->count += n;
	r->top = 0;
}

void
tui_review_free(struct tui *t)
{
	if (t->review == NULL)
		return;
	for (size_t i = 0; i < t->review->count; i++)
		free(t->review->lines[i]);
	free(t->review->lines);
	free(t->review);
	t->review = NULL;
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
		t->screen = &screen_review;
	}
	state_free(st);
}

/* The review's lines wrapped to the terminal, a continuation under the
 * text it continues; *n gets how many. */
static struct wrap_line *
review_rows(const struct review *r, size_t *n)
{
	struct wrap_line *rows = NULL;

	*n = 0;
	for (size_t i = 0; r != NULL && i < r->count; i++) {
		struct wrap_line *w = NULL;
		size_t count = wrap_text(r->lines[i], (size_t)(COLS - 2), &w);

		rows = xreallocarray(rows, *n + (count ? count : 1),
		    sizeof *rows);
		if (count == 0)
			rows[(*n)++] = (struct wrap_line){ 0, "", 0 };
		for (size_t k = 0; k < count; k++)
			rows[(*n)++] = w[k];
		free(w);
	}
	return rows;
}

static size_t
text_rows(void)
{
	return (size_t)(LINES - 4);
}

static void
review_draw(struct tui *t)
{
	struct review *r = t->review;
	size_t n;
	struct wrap_line *rows = review_rows(r, &n);

	if (r != NULL && r->top + text_rows() > n)
		r->top = n > text_rows() ? n - text_rows() : 0;
	draw_title(t, "review");
	draw_rule(t, 1, 0, COLS);
	for (size_t i = 0; r != NULL && i < text_rows() && r->top + i < n;
	    i++)
		mvaddnstr(2 + (int)i, 1 + (int)rows[r->top + i].indent,
		    rows[r->top + i].start, (int)rows[r->top + i].len);
	free(rows);
	draw_rule(t, LINES - 2, 0, COLS);
	draw_hints(t, " Enter start  Up/Down scroll  Esc back to the questions"
	    "  F1 help  q quit");
	move(2, 1);
}

static bool
review_act(struct tui *t, int action)
{
	struct review *r = t->review;

	switch (action) {
	case ACTION_UP:
		r->top -= r->top > 0;
		return true;
	case ACTION_DOWN:
		/* Drawing keeps it short of the end. */
		r->top++;
		return true;
	case ACTION_PAGE_UP:
		r->top = r->top > text_rows() - 1 ?
		    r->top - text_rows() + 1 : 0;
		return true;
	case ACTION_PAGE_DOWN:
		r->top += text_rows() - 1;
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

static const struct screen_key review_keys[] = {
	{ ACTION_OPEN, "start the setup" },
	{ ACTION_UP, "scroll up" },
	{ ACTION_DOWN, "scroll down" },
	{ ACTION_PAGE_UP, "scroll up a page" },
	{ ACTION_PAGE_DOWN, "scroll down a page" },
	{ ACTION_BACK, "back to the questions, to change an answer" },
	{ ACTION_HELP, "this help" },
	{ ACTION_QUIT, "quit, nothing changed" },
	{ ACTION_NONE, NULL },
};

const struct screen screen_review = {
	.name = "review",
	.help = "Everything the setup will make or check, step by step, for "
	    "the answers shown. Nothing has changed yet: Enter starts the "
	    "setup, Esc goes back to change an answer.",
	.draw = review_draw,
	.act = review_act,
	.keys = review_keys,
};
