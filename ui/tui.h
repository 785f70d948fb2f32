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
struct log_view;
struct review;
struct save_view;
struct links;
struct paste_view;
struct sandbox_view;
struct export_view;
struct destroy_view;
struct another_view;
struct drift_view;

/* A line of the run's log and when it was logged. */
struct tui_log_line {
	time_t at;
	char *text;
};

/* A key a screen uses, and what it does there, for its help. */
struct screen_key {
	int action;              /* an enum key_action; ACTION_NONE ends */
	const char *what;
};

struct screen {
	const char *name;
	const char *help;              /* what the screen shows, for "?" */
	void (*draw)(struct tui *t);
	/* Act on an action of the key table; true when it was used. */
	bool (*act)(struct tui *t, int action);
	/* A key before the table sees it (typing); true when used. */
	bool (*key)(struct tui *t, int ch);
	/* The keys its help lists; NULL: the whole key table. */
	const struct screen_key *keys;
};

struct tui {
	struct setup *setup;
	struct engine *engine;
	const struct screen *screen;
	bool help;                     /* the help overlay is up */
	int help_top;                  /* its first line, when it scrolls */
	bool ascii;                    /* no UTF-8 line drawing */
	bool color;
	/* Addresses as OSC 8 hyperlinks: where the terminal takes them. */
	bool hyperlinks;
	struct links *links;           /* this frame's (draw.c) */
	bool sandbox;                  /* show the SANDBOX badge */
	bool dirty;                    /* redraw at the next pass */
	bool quitting;                 /* stop asked; quit once settled */
	/* Why the last key did nothing, in place of the hints until the
	 * next key (owned). */
	char *note;
	size_t selected;               /* the job the detail pane shows */
	/* The selection goes to each step as it starts running, until the
	 * operator moves it; again from their next retry. */
	bool follow;
	struct tui_log_line *log;      /* the log of this run, oldest first */
	size_t nlog;
	struct log_view *log_view;     /* the log screen's own (screen-log.c) */
	struct save_view *save_view;   /* w's prompt's own (screen-save.c) */
	time_t started;
	time_t ended;                  /* when the run was last over */
	/* Before the run: the questions of a new setup and their review. */
	struct questions *questions;
	const struct catalog *catalog;
	struct review *review;         /* the review's own (screen-review.c) */
	char *answers_text;            /* what the operator confirmed */
	bool confirmed;                /* the review's Enter: start */
	struct setup_list *setups;     /* the saved ones, to resume */
	size_t nsetups, choice;
	const char *resume_path;       /* the one chosen; NULL: a new one */
	/* Signing in: to where, since when, and a device code to show. */
	const char *connect_org;
	time_t connect_started;
	char *device_message;
	/* A principal's JSON being pasted: never drawn, wiped once read
	 * (screen-paste.c). */
	struct paste_view *paste_view;
	struct credential *pasted;     /* the engine borrows it */
	/* The sandbox panel's selection and switches (screen-sandbox.c). */
	struct sandbox_view *sandbox_view;
	/* The export screen's lines and position (screen-export.c). */
	struct export_view *export_view;
	/* The teardown's review and removals (screen-destroy.c). */
	struct destroy_view *destroy_view;
	/* After a teardown the checklist's engine is a plan's over the
	 * state (judged, owned): it shows what is left, and sets nothing
	 * up again. */
	bool torn_down;
	struct engine *judged;
	/* a's prompt for another ML project (screen-another.c), and the
	 * answers it confirmed, for the wizard to run next (owned). */
	struct another_view *another_view;
	char *next_answers;
	/* The drift check's list and run (screen-drift.c). */
	struct drift_view *drift_view;
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
extern const struct screen screen_save;
extern const struct screen screen_sandbox;
extern const struct screen screen_export;
extern const struct screen screen_destroy;
extern const struct screen screen_another;

/* a: ask for another ML project beside a finished one; free its state
 * (screen-another.c). Confirmed, its answers go to next_answers. */
void tui_another_open(struct tui *t);
void tui_another_free(struct tui *t);
extern const struct screen screen_drift;

/* The teardown (screen-destroy.c): its review, opened once the run is
 * over; its removals stepped by the loop while busy (true from the pass
 * in which they are over); stopped after the item in hand; what came of
 * it for the shell: NULL (none ran), "over" (*failed: how many items
 * failed), "stopped", or why the state could not be saved. */
void tui_destroy_open(struct tui *t);
bool tui_destroy_busy(const struct tui *t);
bool tui_destroy_step(struct tui *t, struct curl_waitfd *extra, unsigned n,
    int timeout_ms);
void tui_destroy_stop(struct tui *t);
const char *tui_destroy_outcome(struct tui *t, int *failed);
void tui_destroy_free(struct tui *t);

/* Drift (screen-drift.c): opened once the run is over, a new check of
 * what the state says was made against what exists now; stepped by the
 * loop while it checks; stopped before the next resource. */
void tui_drift_open(struct tui *t);
bool tui_drift_busy(const struct tui *t);
void tui_drift_step(struct tui *t, struct curl_waitfd *extra, unsigned n,
    int timeout_ms);
void tui_drift_stop(struct tui *t);
void tui_drift_free(struct tui *t);

/* Open the export screen: the setup as commands; free its state
 * (screen-export.c). */
void tui_export_open(struct tui *t);
void tui_export_free(struct tui *t);

/* Whether the organization is a sandbox (--sandbox's, or mlops-tui sim
 * on this machine): the sandbox panel is offered (screen-sandbox.c). */
bool tui_on_sandbox(const struct tui *t);
/* Open the sandbox panel, its switches read from the sandbox; free its
 * state. */
void tui_sandbox_open(struct tui *t);
void tui_sandbox_free(struct tui *t);

/* Show the selected step in full, from its top (screen-step.c). */
void tui_step_open(struct tui *t);

/* Show the log screen at its end; free its state (screen-log.c). */
void tui_log_open(struct tui *t);
void tui_log_view_free(struct tui *t);

/* Ask where to write the answers file (w); free its state
 * (screen-save.c). */
void tui_save_open(struct tui *t);
void tui_save_free(struct tui *t);

/* Open the paste screen for the selected job; wipe and free its state
 * (screen-paste.c). */
void tui_paste_open(struct tui *t);
void tui_paste_free(struct tui *t);

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
/* The hint line, or the note in its place. */
void draw_hints(struct tui *t, const char *hints);
/* Say why a key did nothing, on the hint line (printf-like). */
void tui_note(struct tui *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void draw_rule(struct tui *t, int y, int x, int width);
/* Text wrapped into a box; returns the rows used. */
int draw_wrapped(int y, int x, int width, int rows, const char *text);
int draw_wrapped_in(WINDOW *w, int y, int x, int width, int rows,
    const char *text);
/* One line of text in at most width columns, ending with an ellipsis
 * when cut; returns the columns drawn. */
int draw_cut(struct tui *t, int y, int x, int width, const char *text);
bool draw_too_small(struct tui *t);
/* Whether the terminal shows OSC 8 hyperlinks (MLOPS_TUI_HYPERLINKS
 * says so outright). */
bool draw_hyperlinks_supported(void);
/* Text drawn at y, x, holding addresses: each is remembered, to be made
 * a hyperlink once the frame is out. A wrapped address's part links to
 * the whole of it (source: the unwrapped text the part comes from). */
void draw_note_links(struct tui *t, int y, int x, const char *shown,
    size_t len, const char *source);
/* After refresh(): the frame's addresses rewritten as hyperlinks, and
 * forgotten. */
void draw_links_emit(struct tui *t);
void draw_links_free(struct tui *t);
/* Add a line to the log tail (copied). */
void tui_log(struct tui *t, const char *line);

#endif
