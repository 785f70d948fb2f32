/*
 * The curses wizard's shared types. The wizard reads the engine's jobs
 * and events and sends it commands (retry, stop); it never calls the
 * network or libgit2 itself. Each screen is one file with a vtable; the
 * loop draws the current one when something changed, once per pass.
 */
#ifndef MT_UI_TUI_H
#define MT_UI_TUI_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "engine.h"
#include "setup.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_LINES 24
#define TUI_LOG_LINES 20000     /* the oldest go beyond this */

struct tui;

struct screen {
	const char *name;
	const char *help;              /* what the screen shows, for "?" */
	void (*draw)(struct tui *t);
	/* Act on an action of the key table; true when it was used. */
	bool (*act)(struct tui *t, int action);
	/* A key before the table sees it (typing); true when used. */
	bool (*key)(struct tui *t, int ch);
};

struct tui {
	struct setup *setup;
	struct engine *engine;
	const struct screen *screen;
	bool help;                     /* the help overlay is up */
	int help_top;                  /* its first line, when it scrolls */
	bool ascii;                    /* no UTF-8 line drawing */
	bool color;
	bool sandbox;                  /* show the SANDBOX badge */
	bool dirty;                    /* redraw at the next pass */
	bool quitting;                 /* stop asked; quit once settled */
	size_t selected;               /* the job the detail pane shows */
	/* The selection goes to each step as it starts running, until the
	 * operator moves it; again from their next retry. */
	bool follow;
	size_t scroll;                 /* the step screen's first line */
	char **log;                    /* the log of this run, oldest first */
	size_t nlog;
	size_t log_top;                /* the log screen's first line */
	time_t started;
	time_t ended;                  /* when the run was last over */
	/* Before the run: the questions of a new setup and their review. */
	struct questions *questions;
	const struct catalog *catalog;
	char **review;                 /* the review's lines */
	size_t nreview;
	char *answers_text;            /* what the operator confirmed */
	bool confirmed;                /* the review's Enter: start */
	struct setup_list *setups;     /* the saved ones, to resume */
	size_t nsetups, choice;
	const char *resume_path;       /* the one chosen; NULL: a new one */
	/* Signing in: to where, since when, and a device code to show. */
	const char *connect_org;
	time_t connect_started;
	char *device_message;
	/* A principal's JSON being pasted: never drawn, wiped once read. */
	char paste[8192];
	size_t npaste;
	unsigned paste_depth;
	bool paste_in_string, paste_escaped;
	char *paste_problem;
	struct credential *pasted;     /* the engine borrows it */
};

/* Colour pairs; status is never shown by colour alone. */
enum tui_color { TUI_OK = 1, TUI_BAD, TUI_BUSY, TUI_BADGE };

extern const struct screen screen_run;
extern const struct screen screen_step;
extern const struct screen screen_questions;
extern const struct screen screen_review;
extern const struct screen screen_paste;
extern const struct screen screen_start;
extern const struct screen screen_log;
extern const struct screen screen_connect;

/* Open the paste screen for the selected job (screen-paste.c). */
void tui_paste_open(struct tui *t);

/* Check the questions and show their review, or the first wrong field
 * (screen-review.c). */
void tui_review(struct tui *t);
void tui_review_free(struct tui *t);
struct upfront;
/* Put the problems the rights checked up front found at the top of the
 * review, as warnings (screen-review.c). */
void tui_review_warn(struct tui *t, const struct upfront *found);

/* Draw the help overlay of the current screen (screen-help.c). */
void help_draw(struct tui *t);

/* draw.c: the pieces every screen uses. */
void draw_title(struct tui *t, const char *right);
void draw_hints(struct tui *t, const char *hints);
void draw_rule(struct tui *t, int y, int x, int width);
/* Text wrapped into a box; returns the rows used. */
int draw_wrapped(int y, int x, int width, int rows, const char *text);
int draw_wrapped_in(WINDOW *w, int y, int x, int width, int rows,
    const char *text);
/* One line of text in at most width columns, ending with an ellipsis
 * when cut; returns the columns drawn. */
int draw_cut(struct tui *t, int y, int x, int width, const char *text);
bool draw_too_small(struct tui *t);
/* Add a line to the log tail (copied). */
void tui_log(struct tui *t, const char *line);

#endif
