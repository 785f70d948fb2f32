/*
 * w: the setup's answers written as an answers file (mlops-tui(5)), so
 * that a setup made here can be repeated headless with plan and apply.
 * The path is asked on the bottom line, over the run screen; a file that
 * is there already is replaced only once the operator says so. The file
 * holds no secret (answers_format leaves them out) and is made 0600.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "answers.h"
#include "atomicfile.h"
#include "keys.h"
#include "tui.h"
#include "wrap.h"
#include "xalloc.h"

#define SAVE_PATH_MAX 1024
#define SAVE_DEFAULT_NAME "mlops-tui-answers.yml"

/* What only this prompt uses. */
struct save_view {
	char path[SAVE_PATH_MAX];
	bool confirming;               /* the file exists: overwrite? */
};

void
tui_save_free(struct tui *t)
{
	free(t->save_view);
	t->save_view = NULL;
}

void
tui_save_open(struct tui *t)
{
	struct save_view *v;
	char *cwd = getcwd(NULL, 0);

	tui_save_free(t);
	v = t->save_view = xcalloc(1, sizeof *v);
	snprintf(v->path, sizeof v->path, "%s%s%s", cwd ? cwd : "",
	    cwd ? "/" : "", SAVE_DEFAULT_NAME);
	free(cwd);
	t->screen = &screen_save;
}

/* The question, then as much of the path as fits, its end rather than
 * its start: the file's name is what the operator types last. */
static void
save_draw(struct tui *t)
{
	struct save_view *v = t->save_view;
	const char *ask = v->confirming ? "A file is there already: replace "
	    "it? (y/n) " : "Write the answers to: ";
	const char *shown = v->path;
	size_t room = (size_t)COLS - 2 - strlen(ask);

	screen_run.draw(t);
	while (wrap_columns(shown, strlen(shown)) > room) {
		shown++;
		while (((unsigned char)*shown & 0xc0) == 0x80)
			shown++;        /* never half a UTF-8 character */
	}
	move(LINES - 1, 0);
	clrtoeol();
	attron(A_BOLD);
	mvaddstr(LINES - 1, 0, ask);
	attroff(A_BOLD);
	addstr(shown);
}

static void
back_to_run(struct tui *t)
{
	tui_save_free(t);
	t->screen = &screen_run;
}

/* Write the file (replacing it) and say where, or why not. */
static void
write_answers(struct tui *t)
{
	char *text = answers_format(t->setup->session->state, t->setup->cat);
	char *cause = NULL;
	char path[SAVE_PATH_MAX];

	memcpy(path, t->save_view->path, sizeof path);
	back_to_run(t);
	if (atomicfile_write(path, text, strlen(text), 0600, 0, &cause) == 0)
		tui_note(t, "Answers written to %s", path);
	else
		tui_note(t, "The answers were not written: %s", cause);
	free(cause);
	free(text);
}

/* "~/..." as a shell would read it: the operator's home. */
static void
expand_home(struct save_view *v)
{
	const char *home = getenv("HOME");
	char expanded[SAVE_PATH_MAX];

	if (strncmp(v->path, "~/", 2) != 0 || home == NULL || *home == '\0')
		return;
	if ((size_t)snprintf(expanded, sizeof expanded, "%s%s", home,
	    v->path + 1) < sizeof expanded)
		memcpy(v->path, expanded, sizeof v->path);
}

static void
enter_path(struct tui *t)
{
	struct save_view *v = t->save_view;
	struct stat sb;

	expand_home(v);
	if (v->path[0] == '\0') {
		back_to_run(t);
		tui_note(t, "No path given: nothing written.");
	} else if (lstat(v->path, &sb) == 0)
		v->confirming = true;
	else if (errno == ENOENT)
		write_answers(t);
	else {
		tui_note(t, "%s: %s", v->path, strerror(errno));
		back_to_run(t);
	}
}

/* Every key while asking: the path typed, or y/n. */
static bool
save_key(struct tui *t, int ch)
{
	struct save_view *v = t->save_view;
	size_t len = strlen(v->path);

	if (ch == 27)
		back_to_run(t);
	else if (v->confirming && (ch == 'y' || ch == 'Y'))
		write_answers(t);
	else if (v->confirming)
		v->confirming = false;         /* n or any key: edit the path */
	else if (ch == '\n' || ch == KEY_ENTER)
		enter_path(t);
	else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len > 0)
		v->path[len - 1] = '\0';
	else if (ch >= ' ' && ch < 256 && ch != 127 &&
	    len + 1 < sizeof v->path) {
		v->path[len] = (char)ch;
		v->path[len + 1] = '\0';
	}
	return true;
}

static bool
save_act(struct tui *t, int action)
{
	(void)t;
	(void)action;
	return false;
}

static const struct screen_key save_keys[] = {
	{ ACTION_OPEN, "write the answers to the path typed" },
	{ ACTION_BACK, "back, nothing written" },
	{ ACTION_QUIT, "quit (Ctrl-C: q is typed into the path)" },
	{ ACTION_NONE, NULL },
};

const struct screen screen_save = {
	.name = "save answers",
	.help = "The setup's answers as an answers file (mlops-tui(5)), to "
	    "repeat the setup with mlops-tui plan --answers FILE and apply. "
	    "Type the path; a file already there is replaced only when you "
	    "say y. No token or secret is written, and the file is readable "
	    "by you alone (0600).",
	.draw = save_draw,
	.act = save_act,
	.key = save_key,
	.keys = save_keys,
};
