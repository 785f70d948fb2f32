/*
 * Pasting a service principal made by hand: the JSON that
 * `az ad sp create-for-rbac` prints, taken in as it is pasted (several
 * lines) until its braces close. It holds the password, so the text is
 * never drawn - only how much has come - and it is wiped once read. The
 * engine takes the app id and tenant as answers and the secret in memory.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "credential.h"
#include "keys.h"
#include "tui.h"
#include "xalloc.h"

/* What only this screen uses: the text as it comes (the secret in it),
 * how deep its braces are, and why the last one was refused. */
struct paste_view {
	char text[8192];
	size_t len;
	unsigned depth;
	bool in_string, escaped;
	char *problem;
};

static struct paste_view *
view_of(struct tui *t)
{
	if (t->paste_view == NULL)
		t->paste_view = xcalloc(1, sizeof *t->paste_view);
	return t->paste_view;
}

static void
paste_wipe(struct tui *t)
{
	struct paste_view *v = view_of(t);

	explicit_bzero(v->text, sizeof v->text);
	v->len = 0;
	v->depth = 0;
	v->in_string = v->escaped = false;
}

void
tui_paste_free(struct tui *t)
{
	if (t->paste_view == NULL)
		return;
	paste_wipe(t);
	free(t->paste_view->problem);
	free(t->paste_view);
	t->paste_view = NULL;
}

/*
 * Open the screen for the selected job, unless a principal pasted there
 * could not be used: then say why on the hint line, before the operator
 * has pasted a secret for nothing.
 */
void
tui_paste_open(struct tui *t)
{
	struct paste_view *v = view_of(t);
	const struct engine_job *j = engine_job(t->engine, t->selected);

	if (j == NULL || strcmp(j->step->id, "service-principal") != 0) {
		tui_note(t, "p does nothing here: select a service principal "
		    "step first.");
		return;
	}
	if (j->outcome == JOB_DONE || j->outcome == JOB_RUNNING) {
		tui_note(t, "p does nothing here: the step is %s.",
		    j->outcome == JOB_DONE ? "done already" : "running");
		return;
	}
	paste_wipe(t);
	free(v->problem);
	v->problem = NULL;
	t->screen = &screen_paste;
}

/* The braces closed: read it, hand it to the engine, wipe it. */
static void
take(struct tui *t)
{
	struct paste_view *v = view_of(t);
	char *app = NULL, *tenant = NULL, *cause = NULL;
	struct credential *secret = credential_principal_text(v->text,
	    v->len, "the pasted principal", &app, &tenant, &cause);

	paste_wipe(t);
	free(v->problem);
	v->problem = NULL;
	if (secret != NULL && engine_use_principal(t->engine, t->selected,
	    secret, app, tenant, &cause) == 0) {
		/* The engine borrows it; the one before is no longer used. */
		credential_free(t->pasted);
		t->pasted = secret;
		t->screen = &screen_run;
	} else {
		credential_free(secret);
		v->problem = cause;
		cause = NULL;
	}
	free(cause);
	free(app);
	free(tenant);
}

/* Follow the JSON's nesting, braces inside strings not counted. */
static void
follow(struct tui *t, int ch)
{
	struct paste_view *v = view_of(t);

	if (v->escaped)
		v->escaped = false;
	else if (v->in_string)
		v->in_string = ch != '"', v->escaped = ch == '\\';
	else if (ch == '"')
		v->in_string = true;
	else if (ch == '{')
		v->depth++;
	else if (ch == '}' && v->depth > 0)
		v->depth--;
}

static bool
paste_key(struct tui *t, int ch)
{
	struct paste_view *v = view_of(t);
	bool closing = ch == '}' && !v->in_string && !v->escaped;

	if (ch == 27 || ch == KEY_F(1) || ch == 3)
		return false;
	follow(t, ch);
	if (v->len + 1 < sizeof v->text && (ch == '\n' || (ch >= 32 &&
	    ch < 256)))
		v->text[v->len++] = (char)ch;
	if (closing && v->depth == 0)
		take(t);
	return true;
}

static void
paste_draw(struct tui *t)
{
	struct paste_view *v = view_of(t);
	const struct engine_job *j = engine_job(t->engine, t->selected);
	char *title = engine_job_title(j), *got;
	int y = 2;

	draw_title(t, "paste a principal");
	draw_rule(t, 1, 0, COLS);
	y += draw_wrapped(y, 2, COLS - 4, 3, "Paste what az ad sp "
	    "create-for-rbac printed for the principal you made by hand (it is "
	    "read once its braces close; it is not shown, and its password is "
	    "kept in memory only, for the service connection):");
	mvaddnstr(++y, 4, title, COLS - 6);
	got = xasprintf("%zu characters received", v->len);
	mvaddstr(y += 2, 4, got);
	if (v->problem != NULL) {
		attron(A_BOLD);
		mvaddstr(y + 2, 2, "! ");
		attroff(A_BOLD);
		draw_wrapped(y + 2, 4, COLS - 6, 4, v->problem);
	}
	draw_hints(t, " paste the JSON  Esc back, nothing taken  F1 help  "
	    "Ctrl-C quit");
	move(y, 4 + (int)strlen(got));
	free(got);
	free(title);
}

static bool
paste_act(struct tui *t, int action)
{
	if (action != ACTION_BACK)
		return false;
	paste_wipe(t);
	t->screen = &screen_run;
	return true;
}

static const struct screen_key paste_keys[] = {
	{ ACTION_BACK, "back, nothing taken" },
	{ ACTION_HELP, "this help" },
	{ ACTION_QUIT, "quit, the state saved" },
	{ ACTION_NONE, NULL },
};

const struct screen screen_paste = {
	.name = "paste",
	.help = "For a service principal made by hand: paste the JSON az ad "
	    "sp create-for-rbac printed. Its appId and tenant become the "
	    "environment's answers; its password goes to the service "
	    "connection and is never saved or shown. The step is then marked "
	    "done by hand.",
	.draw = paste_draw,
	.act = paste_act,
	.key = paste_key,
	.keys = paste_keys,
};
