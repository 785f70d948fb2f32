/*
 * The state file: the memory of a half-finished setup.
 *
 * It holds what the operator chose (answers, per-environment answers) and
 * what exists (per-step status, timestamps, attempts, last error and the ids
 * or names a step created) - never a secret. Its format is documented in
 * mlops-tui(5); this file is the only code that reads or writes it.
 *
 * Ownership: a struct state owns every string it points to; getters return
 * borrowed pointers that live until the next change or state_free().
 */
#ifndef MT_STATE_H
#define MT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define STATE_FORMAT 2       /* the format this build writes */
#define STATE_MAX_BYTES (4u << 20)

/* Status of one step; the names are the words the file and the CLI use. */
#define STEP_STATUS_LIST(X)                                               \
	X(STEP_PENDING, "pending", "not started")                         \
	X(STEP_RUNNING, "running", "in progress (or interrupted)")        \
	X(STEP_DONE, "done", "done by mlops-tui")                         \
	X(STEP_FAILED, "failed", "failed; see the last error")            \
	X(STEP_SKIPPED, "skipped", "skipped by the operator")             \
	X(STEP_MANUAL, "manual", "done by hand and marked so")

enum step_status {
#define X(e, word, meaning) e,
	STEP_STATUS_LIST(X)
#undef X
	STEP_STATUS_COUNT
};

const char *step_status_word(enum step_status status);
const char *step_status_meaning(enum step_status status);
/* False when word names no status. */
bool step_status_parse(const char *word, enum step_status *out);

/* An ordered string map: answers, and what a step created. */
struct state_map {
	char **keys;
	char **values;
	size_t count;
};

struct state_environment {
	char *name;               /* "prod", "dev" */
	struct state_map answers; /* namespace, postfix, location, ... */
};

struct state_step {
	char *id;              /* catalogue step id */
	char *environment;     /* NULL unless the step is per environment */
	enum step_status status;
	time_t started;        /* 0: never */
	time_t finished;       /* 0: not finished */
	unsigned attempts;
	char *last_error;      /* NULL: none */
	struct state_map created; /* ids, names, run ids, URLs */
};

struct state {
	unsigned long serial;  /* incremented by every save that changes
	                          the file */
	time_t created;
	time_t updated;
	char *generator;       /* "mlops-tui 0.1.0" of the last writer */
	int migrated_from;     /* format read, when older than STATE_FORMAT */
	struct state_map answers;
	struct state_environment *environments;
	size_t nenvironments;
	struct state_step *steps;
	size_t nsteps;
};

#define STATE_ENOENT (-2)  /* no state file at that path */
#define STATE_BUSY (-3)    /* another process holds the lock */

/* A new, empty state; owned by the caller. */
struct state *state_new(void);
void state_free(struct state *st);

/*
 * Load path read-only (no lock; saves are atomic, so a reader always sees a
 * whole file). An older format is migrated in memory and migrated_from set.
 * Returns 0, STATE_ENOENT, or -1 with *cause saying what is wrong, where,
 * and how to recover from the backup. The file is never modified.
 */
int state_load(struct state **out, const char *path, char **cause);

/* Decode a state from JSON text; name is used in messages. */
int state_parse(struct state **out, const char *name, const char *text,
    size_t len, char **cause);

/* The JSON text of st (format STATE_FORMAT); owned by the caller. */
char *state_dump(const struct state *st);

/*
 * Save st atomically to path (mode 0600, previous version kept as
 * PATH.bak), after incrementing serial and setting updated. When the
 * file already holds st as it is (nothing changed since it was read or
 * saved), it is left untouched, byte for byte.
 */
int state_save(struct state *st, const char *path, char **cause);

/* A state file opened for writing: locked for as long as it is open. */
struct state_session {
	char *path;
	struct state *state;
	struct lockfile *lock;
};

/*
 * Open path for writing: create its directory (0700), take PATH.lock
 * (STATE_BUSY names the holder's pid), remove temporary files a crash left,
 * and load it - or start a new state when the file does not exist. A file
 * in an older format is copied to PATH.v<N>.bak byte for byte and then
 * saved in the current format. A corrupt file is reported and left alone.
 */
int state_open(struct state_session **out, const char *path, char **cause);
/* Save the session's state; see state_save. */
int state_session_save(struct state_session *session, char **cause);
/* Release the lock and free; NULL is allowed. Does not save. */
void state_close(struct state_session *session);

/* Answers. Values are strings; booleans are "true" and "false". */
const char *state_map_get(const struct state_map *map, const char *key);
void state_map_set(struct state_map *map, const char *key, const char *value);
/* Remove key, if it is there. */
void state_map_remove(struct state_map *map, const char *key);

/*
 * What a step's created map says of one of its keys. KEY holds what the
 * step made; "found.KEY" ("true") marks a KEY that existed before the
 * setup and was only found (a destroy leaves it); "removed.KEY" holds
 * the value of what a destroy removed, KEY itself then being gone.
 */
#define STATE_FOUND_PREFIX "found."
#define STATE_REMOVED_PREFIX "removed."
bool state_created_found(const struct state_map *created, const char *key);
/* Record key as found (value kept under key, marked found). */
void state_created_set_found(struct state_map *created, const char *key,
    const char *value);
/* Move key to removed.KEY: what a destroy removed. */
void state_created_set_removed(struct state_map *created, const char *key);

/*
 * Set an answer, refusing keys that would hold a secret (pat, password,
 * secret, token, ...): secrets never reach the state file.
 */
int state_set_answer(struct state *st, const char *key, const char *value,
    char **cause);

/* The environment named name, created empty when missing. */
struct state_environment *state_environment(struct state *st,
    const char *name);
const struct state_environment *state_environment_find(
    const struct state *st, const char *name);

/* The record of step id (in environment env, or NULL); NULL when absent. */
const struct state_step *state_step_find(const struct state *st,
    const char *id, const char *env);
/* The same, created pending when missing. */
struct state_step *state_step(struct state *st, const char *id,
    const char *env);

#endif
