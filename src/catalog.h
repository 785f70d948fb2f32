/*
 * The step catalogue: the deployment guide as data (templates/steps.yml).
 *
 * Loaded with libyaml and validated strictly: unknown keys, missing fields,
 * unknown references, duplicates and dependency cycles are errors that name
 * file:line:column. A loaded catalogue is immutable and owns all its strings.
 */
#ifndef MT_CATALOG_H
#define MT_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#define CATALOG_FORMAT 1
#define CATALOG_PITFALLS 21 /* rows of the known-problems table */

enum catalog_kind {
	CATALOG_ACTION, /* a step of the guide */
	CATALOG_CHECK,  /* a check the guide leaves out */
};

struct catalog_list {
	char **items;
	size_t count;
};

/* A role, an input or a section: id, title and one optional extra. */
struct catalog_entry {
	char *id;
	char *title;
	char *extra; /* input: default value; section: guide anchor */
	int line;
};

struct catalog_condition {
	char *input;
	char *value;
};

struct catalog_step {
	char *id;
	char *section;
	char *title;
	char *kind_word;
	enum catalog_kind kind;
	struct catalog_list who;    /* role ids */
	struct catalog_list needs;  /* step ids */
	struct catalog_list proves; /* check ids its success settles */
	struct catalog_list inputs; /* input ids */
	bool per_environment;
	struct catalog_condition *when;
	size_t nwhen;
	struct catalog_list pitfalls; /* "1".."21", as written */
	char *what;
	char *manual;
	size_t section_index;
	int line;
};

struct catalog {
	char *path;
	struct catalog_entry *roles;
	size_t nroles;
	struct catalog_entry *inputs;
	size_t ninputs;
	struct catalog_entry *sections;
	size_t nsections;
	struct catalog_step *steps;
	size_t nsteps;
};

/* Load and validate path. Returns 0 or -1 with *cause "file:line:col: ...". */
int catalog_load(struct catalog **out, const char *path, char **cause);
/* The same from memory; name stands for the file in messages. */
int catalog_parse(struct catalog **out, const char *name, const char *text,
    size_t len, char **cause);
void catalog_free(struct catalog *cat);

const struct catalog_step *catalog_step_find(const struct catalog *cat,
    const char *id);
const struct catalog_entry *catalog_input_find(const struct catalog *cat,
    const char *id);
const struct catalog_entry *catalog_role_find(const struct catalog *cat,
    const char *id);

/* Looks up an operator's answer; NULL when unanswered. */
typedef const char *(*catalog_answer_cb)(const char *input, void *ctx);

/*
 * Whether step applies to a setup: every "when" input has the required
 * value (an unanswered input counts as its default).
 */
bool catalog_step_applies(const struct catalog *cat,
    const struct catalog_step *step, catalog_answer_cb answer, void *ctx);

/* "only when infrastructure is terraform"; NULL when unconditional. */
char *catalog_step_condition_text(const struct catalog_step *step);

#endif
