/*
 * The operator's answers: the rule each one keeps, and the answers file
 * a headless plan or apply reads (mlops-tui(5)). Every field an operator
 * can type has a rule here, and its message names what is wrong and what
 * is allowed; the wizard validates with the same rules.
 */
#ifndef MT_ANSWERS_H
#define MT_ANSWERS_H

#include <stddef.h>

#include "catalog.h"
#include "state.h"

/*
 * Whether value is allowed for answer key: NULL, or a message saying
 * what is wrong and what is allowed (owned by the caller).
 */
char *answers_problem(const char *key, const char *value);

/*
 * Every answer in st (read back from a state file, which may have been
 * edited by hand) against the same rules: NULL when all keep them, else
 * each problem on a line of its own ("  answers.project: ..."), owned.
 */
char *answers_state_problems(const struct state *st);

/*
 * Read the answers file path (YAML: the catalogue's inputs at the top,
 * per-environment ones under environments.<prod|dev>) and merge it into
 * st. Every field is checked first: on any error st is left unchanged
 * and *cause names the field, what is wrong and what is allowed.
 */
int answers_load(struct state *st, const char *path,
    const struct catalog *cat, char **cause);
/* The same from text in memory; name stands for the file in messages. */
int answers_parse(struct state *st, const char *name, const char *text,
    size_t len, const struct catalog *cat, char **cause);

/*
 * Whether st's answers make a whole setup: the organization and the
 * repository given, the project type, interface and provider a
 * combination the templates have, and each environment's names valid.
 */
int answers_complete(const struct state *st, char **cause);

/*
 * st's answers as an answers file (mlops-tui(5)) that answers_parse reads
 * back to the same answers: the catalogue's inputs at the top, the
 * per-environment ones under environments, every value quoted. Never a
 * secret: a field whose name is one is left out. Owned by the caller.
 */
char *answers_format(const struct state *st, const struct catalog *cat);

#endif
