/*
 * Azure Pipelines' template expressions, `${{ ... }}`, as the service
 * evaluates them when it compiles a run: literals, the `parameters` and
 * `variables` contexts (`parameters.x`, `variables['Build.SourceBranchName']`),
 * the usual functions (eq, ne, and, or, not, in, startsWith, format, ...),
 * and the directives `${{ if }}`, `${{ elseif }}`, `${{ else }}` and
 * `${{ each x in y }}` as mapping keys and sequence items.
 *
 * The YAML is the JSON that yamljson gives (every scalar a string), and a
 * context is a JSON object whose members are the named contexts
 * ({"parameters": {...}, "variables": {...}}). Errors carry the service's
 * wording.
 */
#ifndef MT_SIM_EXPR_H
#define MT_SIM_EXPR_H

#include <stdbool.h>

#include <jansson.h>

/* The value of one expression (the text inside ${{ }}); NULL with *error. */
json_t *expr_eval(const char *expr, json_t *ctx, char **error);

/* An expression's value as the text the service puts in its place. */
char *expr_to_text(json_t *value);

/* Whether a value counts as true (false, '', 0 and null do not). */
bool expr_truthy(json_t *value);

/*
 * text with every ${{ }} replaced by its value; a text that is one whole
 * expression gives the value itself (an object or list stays one). New
 * reference, or NULL with *error.
 */
json_t *expr_substitute(const char *text, json_t *ctx, char **error);

/*
 * A copy of node with the directives applied and every expression in keys
 * and strings replaced. New reference, or NULL with *error.
 */
json_t *expr_expand(json_t *node, json_t *ctx, char **error);

/*
 * Whether key is a directive (`${{ if ... }}` and the like); *kind is then
 * "if", "elseif", "else" or "each" and *rest what follows the keyword.
 */
bool expr_directive(const char *key, char **kind, char **rest);

/*
 * An if/elseif/else chain among the items of one mapping or sequence,
 * for callers that walk items themselves (a pipeline's variables, whose
 * conditions see the variables set before them).
 */
struct expr_chain {
	bool open;   /* an if or elseif came last */
	bool taken;  /* a branch of the chain was taken */
};
/*
 * Whether the body of the directive key applies, given the chain so far:
 * 1 or 0, or -1 with *error. Call it for if, elseif and else only.
 */
int expr_branch(struct expr_chain *c, const char *key, json_t *ctx,
    char **error);

#endif
