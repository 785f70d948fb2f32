/*
 * The questions of a new setup: one line per field, the focused one's
 * rule checked as it is typed, its problem (or the Azure names it makes)
 * below, and a last line that leads to the review. Choices show every
 * value; the ones that cannot go with the others are shown in brackets
 * and the reason given when focused.
 */
#include "config.h"

#include <curses.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "names.h"
#include "questions.h"
#include "tui.h"
#include "wrap.h"
#include "xalloc.h"

#define LABEL_WIDTH 24
#define FIELDS_TOP 2

static const char review_line[] = "[ Review the plan ]";
static const char resume_line[] = "[ Resume the setup ]";

/* A choice field: every value, the chosen one reversed. */
static void
draw_choices(struct tui *t, size_t i, int y, int x)
{
	struct question *f = &t->questions->list[i];

	move(y, x);
	for (size_t c = 0; f->choices[c] != NULL; c++) {
		bool chosen = strcmp(f->choices[c], f->value) == 0;
		bool refused = questions_choice_refused(t->questions, i,
		    f->choices[c]) != NULL;

		if (chosen)
			attron(A_REVERSE);
		printw(refused ? "(%s)" : " %s ", f->choices[c]);
		if (chosen)
			attroff(A_REVERSE);
		addch(' ');
	}
}

/* Whether byte c continues a UTF-8 character rather than starting one. */
static bool
continues(char c)
{
	return ((unsigned char)c & 0xC0) == 0x80;
}

/* A typed field, its tail where it is too long (whole characters); the
 * secret one as stars, one a character. Returns the cursor column. */
static int
draw_text(struct question *f, int y, int x, int width)
{
	size_t len = strlen(f->value), first = 0, cols;

	while (first < len && wrap_columns(f->value + first, len - first) >
	    (size_t)width - 1)
		for (first++; first < len && continues(f->value[first]);
		    first++)
			;
	cols = wrap_columns(f->value + first, len - first);
	move(y, x);
	if (!f->secret)
		addnstr(f->value + first, (int)(len - first));
	else
		for (size_t k = first; k < len; k++)
			if (!continues(f->value[k]))
				addch('*');
	return x + (int)cols;
}

/* Below the fields: the focused field's problem, or what it makes. */
static void
draw_note(struct tui *t, int y)
{
	struct questions *q = t->questions;
	char *msg = q->focused < q->count ? questions_problem(q, q->focused) :
	    NULL;
	const char *key = q->focused < q->count ? q->list[q->focused].key : "";

	if (q->problem != NULL && q->focused == q->count) {
		y += draw_wrapped(y, 2, COLS - 4, 3, q->problem);
	} else if (msg != NULL) {
		attron(A_BOLD);
		mvaddstr(y, 2, "! ");
		attroff(A_BOLD);
		y += draw_wrapped(y, 4, COLS - 6, 3, msg);
	} else if (strcmp(key, "namespace") == 0 || strcmp(key, "postfix") ==
	    0) {
		struct names_input in = { questions_get(q, "namespace")->value,
			questions_get(q, "postfix")->value, "prod",
			questions_get(q, "infrastructure")->value,
			questions_get(q, "project_type")->value };
		struct names n;
		char *text;

		names_derive(&n, &in);
		text = xasprintf("Makes %s, %s, %s and %s.", n.resource_group,
		    n.workspace, n.key_vault, n.online_endpoint);
		draw_wrapped(y, 2, COLS - 4, 3, text);
		free(text);
		names_free(&n);
	} else if (q->focused < q->count && q->list[q->focused].choices) {
		const char *const *c = q->list[q->focused].choices;
		const char *meaning = questions_choice_meaning(key,
		    q->list[q->focused].value);

		/* What the chosen value means, then why the bracketed ones
		 * cannot be taken now. */
		if (meaning != NULL)
			y += draw_wrapped(y, 2, COLS - 4, 1, meaning);
		for (; *c != NULL && y < LINES - 2; c++) {
			const char *why = questions_choice_refused(q, q->focused,
			    *c);
			char *text;

			if (why == NULL)
				continue;
			text = xasprintf("(%s) %s", *c, why);
			y += draw_wrapped(y, 2, COLS - 4, 2, text);
			free(text);
		}
	} else if (strcmp(key, "identity_resource_group") == 0)
		/* One line: with 17 fields, the hints are on the next. */
		draw_wrapped(y, 2, COLS - 4, 1, "The group the managed identity "
		    "goes in; made in the location when missing.");
	else if (strcmp(key, "pat") == 0 && questions_use_entra(q))
		mvaddstr(y, 2, "Not needed: Azure DevOps sign-in is entra "
		    "(choose pat above to use a token).");
	else if (strcmp(key, "pat") == 0 && q->pat_from_environment)
		mvaddstr(y, 2, "The token came from AZURE_DEVOPS_EXT_PAT.");
	else if (strcmp(key, "github_token") == 0)
		/* Two lines: with 16 fields, 24 rows hold no more. */
		draw_wrapped(y, 2, COLS - 4, 2, q->github_from_environment ?
		    "The GitHub token came from MLOPS_TUI_GITHUB_TOKEN." :
		    "For the GitHub connection rai's training checks out "
		    "through; masked, never saved. Empty: made by hand.");
	free(msg);
}

/* The row of the last line: after a blank one, unless that blank would
 * leave the note below no row above the hints (18 fields in 24 rows:
 * create with rai-aml-cli-v2). */
static int
review_row(const struct questions *q)
{
	int below = FIELDS_TOP + (int)q->count;

	return below + 3 < LINES - 1 ? below + 1 : below;
}

static void
questions_draw(struct tui *t)
{
	struct questions *q = t->questions;
	int cy = FIELDS_TOP, cx = 2;

	/* Resuming asks for the token alone: not a new setup. */
	draw_title(t, t->resume_path ? "resume a setup" : "a new setup");
	draw_rule(t, 1, 0, COLS);
	for (size_t i = 0; i < q->count; i++) {
		struct question *f = &q->list[i];
		int y = FIELDS_TOP + (int)i, x = 2 + LABEL_WIDTH + 2;
		char *problem = questions_problem(q, i);

		mvaddstr(y, 0, i == q->focused ? ">" : " ");
		mvprintw(y, 2, "%-*s", LABEL_WIDTH, f->label);
		mvaddstr(y, x - 2, problem ? "!" : " ");
		free(problem);
		if (f->choices != NULL) {
			draw_choices(t, i, y, x);
			if (i == q->focused)
				cy = y, cx = x;
		} else {
			int end = draw_text(f, y, x, COLS - x - 1);

			if (i == q->focused)
				cy = y, cx = end;
		}
	}
	mvaddstr(review_row(q), 2 + LABEL_WIDTH + 2,
	    t->resume_path ? resume_line : review_line);
	if (q->focused == q->count)
		cy = review_row(q), cx = 2 + LABEL_WIDTH + 2;
	draw_rule(t, review_row(q) + 1, 0, COLS);
	draw_note(t, review_row(q) + 2);
	/* Typing is plain to see; the help key is not: it stays at 80. */
	draw_hints(t, " Up/Down field  Left/Right choose  Enter next  F1 help"
	    "  Ctrl-C quit");
	move(cy, cx);
}

/* Typing goes to a typed field; every other key to the key table. */
static bool
questions_key(struct tui *t, int ch)
{
	struct questions *q = t->questions;
	struct question *f = q->focused < q->count ? &q->list[q->focused] :
	    NULL;
	size_t len;

	if (f == NULL || f->choices != NULL)
		return false;
	len = strlen(f->value);
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		/* A whole character, however many bytes it took. */
		while (len > 0 && continues(f->value[len - 1]))
			len--;
		if (len > 0)
			f->value[len - 1] = '\0';
		return true;
	}
	/* A character beyond ASCII comes as its UTF-8 bytes, one a key: kept
	 * as typed, never dropped - the field's rule says in place whether
	 * the service takes it. */
	if (ch < 32 || ch == 127 || ch > 255)
		return false;
	if (len + 1 < sizeof f->value) {
		f->value[len] = (char)ch;
		f->value[len + 1] = '\0';
	}
	return true;
}

static bool
questions_act(struct tui *t, int action)
{
	struct questions *q = t->questions;

	switch (action) {
	case ACTION_UP:
		q->focused = q->focused > 0 ? q->focused - 1 : 0;
		return true;
	case ACTION_FIRST:
		q->focused = 0;
		return true;
	case ACTION_LAST:
		q->focused = q->count;
		return true;
	case ACTION_DOWN: case ACTION_NEXT:
		q->focused += q->focused < q->count;
		return true;
	case ACTION_LEFT: case ACTION_RIGHT:
		if (q->focused < q->count)
			questions_choose(q, q->focused, action == ACTION_LEFT ?
			    -1 : 1);
		return true;
	case ACTION_OPEN:
		if (q->focused < q->count)
			q->focused++;
		else if (t->resume_path == NULL)
			tui_review(t);
		else {
			char *why = questions_problem(q, 0);

			t->confirmed = why == NULL;
			q->focused = why != NULL ? 0 : q->focused;
			free(why);
		}
		return true;
	case ACTION_BACK:
		if (t->nsetups == 0)
			return false;
		/* Back to the saved setups, every question asked again. */
		questions_all(q);
		t->resume_path = NULL;
		t->screen = &screen_start;
		return true;
	default:
		return false;
	}
}

static const struct screen_key questions_keys[] = {
	{ ACTION_UP, "the field above" },
	{ ACTION_DOWN, "the field below" },
	{ ACTION_NEXT, "the next field" },
	{ ACTION_FIRST, "the first field" },
	{ ACTION_LAST, "the last line, to go on" },
	{ ACTION_LEFT, "the previous value of a choice" },
	{ ACTION_RIGHT, "the next value of a choice" },
	{ ACTION_OPEN, "the next field; on the last line, review the answers" },
	{ ACTION_BACK, "back to the saved setups, when there are any" },
	{ ACTION_HELP, "this help (F1: ? is typed into a field)" },
	{ ACTION_QUIT, "quit (q is typed into a field: Ctrl-C)" },
	{ ACTION_NONE, NULL },
};

const struct screen screen_questions = {
	.name = "questions",
	.help = "The answers a new setup needs, with the guide's defaults. "
	    "Each field is checked as you type, by the rules of mlops-tui(5); "
	    "what is wrong shows below the fields, and namespace and postfix "
	    "show the Azure names they make. Choices in brackets cannot go "
	    "with the others. The token is shown masked and never saved. "
	    "Nothing changes until you confirm the plan on the next screen. "
	    "Resuming a saved setup asks for the token alone. In a text field "
	    "every letter is typed, k, j, q and ? too: there, use the arrows, "
	    "F1 and Ctrl-C.",
	.draw = questions_draw,
	.act = questions_act,
	.key = questions_key,
	.keys = questions_keys,
};
