/* The sandbox's template expressions (src/sim/expr.c), on the forms the
 * accelerator's pipelines use and the errors the service gives. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sim/expr.h"
#include "tap.h"
#include "xalloc.h"
#include "yamljson.h"

static json_t *ctx;

/* The text an expression gives, or "ERROR: ..." */
static char *
eval(const char *expr)
{
	char *error = NULL, *out;
	json_t *v = expr_eval(expr, ctx, &error);

	if (v == NULL) {
		out = xasprintf("ERROR: %s", error);
		free(error);
		return out;
	}
	out = expr_to_text(v);
	json_decref(v);
	return out;
}

static void
is_eval(const char *expr, const char *want)
{
	char *got = eval(expr);

	tap_is_str(got, want, "%s", expr);
	free(got);
}

/* YAML in, expanded, back as compact JSON. */
static char *
expand_yaml(const char *yaml)
{
	json_t *doc = yamljson_parse(yaml, strlen(yaml), NULL), *v;
	char *error = NULL, *out;

	v = expr_expand(doc, ctx, &error);
	json_decref(doc);
	if (v == NULL) {
		out = xasprintf("ERROR: %s", error);
		free(error);
		return out;
	}
	out = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	return out;
}

static void
is_expanded(const char *yaml, const char *want, const char *what)
{
	char *got = expand_yaml(yaml);

	tap_is_str(got, want, "%s", what);
	free(got);
}

int
main(void)
{
	char *text;
	json_t *v;
	char *error = NULL;

	ctx = json_pack("{s:{s:s, s:s}, s:{s:s, s:s, s:s}}", "parameters",
	    "environment", "prod", "list", "a", "variables",
	    "Build.SourceBranchName", "main", "version", "aml-cli-v2",
	    "endpoint_name", "taxi-online-$(namespace)");

	/* contexts */
	is_eval("variables.version", "aml-cli-v2");
	is_eval("variables['Build.SourceBranchName']", "main");
	is_eval("parameters.environment", "prod");
	is_eval("variables.missing", "");
	is_eval("variables.VERSION", "aml-cli-v2");
	/* functions, as the real pipelines pick their config file */
	is_eval("eq(variables['Build.SourceBranchName'], 'main')", "True");
	is_eval("ne(variables['Build.SourceBranchName'], 'main')", "False");
	is_eval("eq('MAIN', 'main')", "True");
	is_eval("and(eq(1, 1), not(false))", "True");
	is_eval("or(false, eq(parameters.environment, 'dev'))", "False");
	is_eval("in(parameters.environment, 'dev', 'prod')", "True");
	is_eval("format('{0}-{1}', 'rg', parameters.environment)", "rg-prod");
	is_eval("startsWith(variables.version, 'aml')", "True");
	is_eval("'it''s'", "it's");
	/* errors in the service's words */
	is_eval("eq(1, 2", "ERROR: Unexpected symbol: ''. Located at position "
	    "8 within expression: eq(1, 2");
	is_eval("frobnicate(1)", "ERROR: Unrecognized function name: "
	    "'frobnicate'. Located at position 1 within expression: "
	    "frobnicate(1)");

	/* substitution inside text */
	v = expr_substitute("templates/${{ variables.version }}/install-az-cli"
	    ".yml@mlops-templates", ctx, &error);
	tap_is_str(json_string_value(v), "templates/aml-cli-v2/install-az-cli"
	    ".yml@mlops-templates", "a variable-named template path, with its "
	    "@repository suffix kept");
	json_decref(v);
	v = expr_substitute("\"${{ variables.endpoint_name }}\" and $(x)", ctx,
	    &error);
	tap_is_str(json_string_value(v), "\"taxi-online-$(namespace)\" and $(x)",
	    "macros are left for run time");
	json_decref(v);

	/* directives */
	is_expanded("variables:\n"
	    "  - ${{ if eq(variables['Build.SourceBranchName'], 'main') }}:\n"
	    "      - template: ../../config-infra-prod.yml\n"
	    "  - ${{ if ne(variables['Build.SourceBranchName'], 'main') }}:\n"
	    "      - template: ../../config-infra-dev.yml\n"
	    "  - name: version\n    value: aml-cli-v2\n",
	    "{\"variables\":[{\"template\":\"../../config-infra-prod.yml\"},"
	    "{\"name\":\"version\",\"value\":\"aml-cli-v2\"}]}",
	    "${{ if }} on main inserts config-infra-prod only");
	is_expanded("steps:\n"
	    "  - ${{ if eq(parameters.environment, 'dev') }}:\n"
	    "    - script: dev\n"
	    "  - ${{ elseif eq(parameters.environment, 'prod') }}:\n"
	    "    - script: prod\n"
	    "  - ${{ else }}:\n"
	    "    - script: other\n",
	    "{\"steps\":[{\"script\":\"prod\"}]}", "if / elseif / else");
	is_expanded("job:\n  ${{ if eq(1, 1) }}:\n    pool: a\n  ${{ else }}:\n"
	    "    pool: b\n  name: x\n", "{\"job\":{\"pool\":\"a\",\"name\":\"x\"}}",
	    "a conditional in a mapping");
	is_expanded("steps:\n  - ${{ each e in parameters }}:\n"
	    "    - script: echo ${{ e.key }}=${{ e.value }}\n",
	    "{\"steps\":[{\"script\":\"echo environment=prod\"},"
	    "{\"script\":\"echo list=a\"}]}", "${{ each }} over an object");
	text = expand_yaml("steps:\n  - ${{ else }}:\n    - script: x\n");
	tap_contains(text, "ERROR: Unexpected 'else'", "an else without an if "
	    "is an error");
	free(text);

	json_decref(ctx);
	return tap_done();
}
