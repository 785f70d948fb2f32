/*
 * config-infra-<env>.yml, the accelerator's pipeline variables file:
 * read a variable, and set some, changing the bytes of those values only
 * - comments, order, spacing and every other byte stay as they were.
 *
 * The file is a mapping whose "variables" key holds a mapping of names
 * to scalars (the form the accelerator ships). It is read with libyaml,
 * whose marks give each scalar's place in the text.
 */
#ifndef MT_INFRACFG_H
#define MT_INFRACFG_H

#include <stddef.h>

struct infracfg_set {
	const char *name;      /* "namespace" */
	const char *value;     /* lowercase letters and digits, a name... */
};

/*
 * The value of variables.<name> in text (owned by the caller); NULL with
 * *cause when the text is not YAML or has no such variable.
 */
char *infracfg_get(const char *text, size_t len, const char *name,
    char **cause);

/*
 * text with each variables.<name> set to its value, in the quoting the
 * old value had; *out is owned by the caller. A name the file lacks is
 * an error, so that a misspelt or reshaped file is never half-edited.
 * Returns 0, or -1 with *cause.
 */
int infracfg_edit(const char *text, size_t len,
    const struct infracfg_set *sets, size_t nsets, char **out,
    char **cause);

#endif
