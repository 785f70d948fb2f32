/* The answers: every field's rule, the example file, errors with lines. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "catalog.h"
#include "state.h"
#include "scenario.h"
#include "tap.h"
#include "xalloc.h"

/* Each field with a value its rule allows and one it refuses, and what
 * the refusal must say. */
static const struct {
	const char *key, *good, *bad, *says;
} cases[] = {
	{ "organization", "https://dev.azure.com/contoso", "ftp://x", "not a URL" },
	{ "organization", "http://127.0.0.1:8080/sandbox",
	    "http://dev.azure.com/contoso", "only for this machine" },
	{ "organization", "https://dev.azure.com/my%20org",
	    "https://dev.azure.com/org/%2e%2e/x", "(%2e too)" },
	{ "organization", NULL, "https://dev.azure.com/org#", "fragment (#)" },
	{ "organization", NULL, "https://dev.azure.com/org%00x",
	    "control character" },
	{ "organization", NULL, "https://dev.azure.com/o%2f..%2fx", "segments" },
	{ "organization", NULL, "https://dev.azure.com/org\\x", "a \\" },
	{ "project", "mlops-v2", "_hidden", "may not start with _" },
	{ "project", "my project", "a/b", "may not contain '/'" },
	{ "repository", "taxi-fare-regression", "taxi fare", "spaces" },
	{ "template_repository", "mlops-project-template", "", "1 to 64" },
	{ "project_type", "nlp", "tabular", "classical, cv or nlp" },
	{ "interface", "python-sdk-v2", "python-sdk-v1", "can no longer be" },
	{ "infrastructure", "terraform", "arm", "bicep or terraform" },
	{ "initialise_way", "local", "manual", "use pipeline or local" },
	{ "principal_way", "managed-identity", "borrowed",
	    "use create, existing, federated or managed-identity" },
	{ "identity_resource_group", "rg-mlops_ids.(1)", "rg.",
	    "may not end with a period" },
	{ "identity_resource_group", "rg-ids", "rg/ids",
	    "may not contain '/'" },
	{ "convert_connections", "true", "yes", "use true or false" },
	{ "environments", "prod,dev", "prod,qa", "use prod or dev" },
	{ "environments", "dev", "prod,prod", "names prod twice" },
	{ "environments", "prod, dev", "dev, prod,dev", "names dev twice" },
	{ "branch", "develop", "my branch", "not a valid branch name" },
	{ "service_connection", "Azure-ARM-Prod", "", "1 to 256" },
	{ "github_connection", "github-connection", "", "1 to 256" },
	{ "subscription_id", "0a1b2c3d-0000-4000-8000-00000000abcd", "1234",
	    "not an id of the form" },
	{ "tenant_id", "0a1b2c3d-0000-4000-8000-00000000abcd", "contoso.com",
	    "not an id of the form" },
	{ "client_id", "0a1b2c3d-0000-4000-8000-00000000abcd", "x",
	    "not an id of the form" },
	{ "namespace", "contoso", "Contoso", "lowercase letters and digits" },
	{ "postfix", "0042", "00-42", "lowercase letters and digits" },
	{ "location", "westeurope", "West Europe", "not an Azure region" },
	{ "deploy_online", "true", "yes", "use true or false" },
	{ "deploy_batch", "false", "no", "use true or false" },
	{ "fix_defects", "true", "1", "use true or false" },
	{ "client_secret", NULL, "hunter2", "secrets never go in answers" },
	{ "github_token", NULL, "ghp_x", "the GitHub token comes from "
	    "MLOPS_TUI_GITHUB_TOKEN, --github-token-file or the wizard" },
	{ "colour", NULL, "blue", "not an answer mlops-tui knows" },
};

static void
test_rules(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *msg;

		if (cases[i].good != NULL) {
			msg = answers_problem(cases[i].key, cases[i].good);
			tap_ok(msg == NULL, "%s: '%s' is allowed", cases[i].key,
			    cases[i].good);
			free(msg);
		}
		msg = answers_problem(cases[i].key, cases[i].bad);
		tap_contains(msg, cases[i].says, "%s: '%s' is refused, saying "
		    "what is allowed", cases[i].key, cases[i].bad);
		tap_ok(msg != NULL && strncmp(msg, cases[i].key,
		    strlen(cases[i].key)) == 0, "%s: the message names the "
		    "field", cases[i].key);
		free(msg);
	}
}

static char *
parse_error(const struct catalog *cat, const char *text)
{
	struct state *st = state_new();
	char *cause = NULL;

	if (answers_parse(st, "a.yml", text, strlen(text), cat, &cause) == 0)
		cause = xstrdup("(accepted)");
	tap_ok(st->answers.count == 0, "a refused file leaves the state "
	    "unchanged");
	state_free(st);
	return cause;
}

static void
test_file(const struct catalog *cat, const char *example)
{
	struct state *st = state_new();
	char *cause = NULL;

	tap_ok(answers_load(st, example, cat, &cause) == 0,
	    "templates/answers.example.yml is valid: %s", cause ? cause : "");
	tap_is_str(state_map_get(&st->answers, "repository"),
	    "taxi-fare-regression", "its repository");
	tap_is_str(state_map_get(&st->environments[0].answers, "postfix"),
	    "4711", "its prod postfix");
	tap_is_str(state_map_get(&st->answers, "environments"), "prod",
	    "the environments answer follows the environments given");
	tap_ok(answers_complete(st, &cause) == 0, "and it makes a whole setup");
	state_free(st);
	free(cause);

	cause = parse_error(cat, "organization: https://dev.azure.com/c\n"
	    "repository: r\n# a comment\nenvironments:\n  prod:\n"
	    "    namespace: ok\n    postfix: \"47_11\"\n");
	tap_contains(cause, "a.yml:7: environments.prod.postfix: '47_11'",
	    "an error names the file, the line and the field");
	free(cause);
	cause = parse_error(cat, "organization: https://dev.azure.com/c\n"
	    "colour: blue\n");
	tap_contains(cause, "a.yml:2: colour: not an answer",
	    "an unknown field: its line");
	free(cause);
	cause = parse_error(cat, "environments: {prod: {location: Mars}}\n");
	tap_contains(cause, "a.yml:1: environments.prod.location",
	    "a field in flow style: its line");
	free(cause);
	cause = parse_error(cat, "environments:\n  prod:\n    project: x\n");
	tap_contains(cause, "not an answer per environment",
	    "a setup-wide field inside an environment is refused");
	free(cause);
	cause = parse_error(cat, "organization: [a, b\n");
	tap_contains(cause, "not YAML", "broken YAML is refused");
	free(cause);
}

/* What a careless or hostile file holds that YAML readers let through
 * (issue 17, items 9, 12, 13, 15), and every problem at once (issue 15). */
static void
test_strict(const struct catalog *cat)
{
	static const struct {
		const char *text, *says, *why;
	} bad[] = {
		{ "repository: \"ok\\u0000/../../etc\"\n",
		    "a.yml:1: repository: holds a NUL character",
		    "a NUL escape is refused, not cut short" },
		{ "repository: a\nproject: p\nrepository: b\n",
		    "a.yml:3: repository: given twice (first on line 1)",
		    "a key given twice: the second's line" },
		{ "environments:\n  prod:\n    postfix: \"1\"\n  prod:\n"
		    "    postfix: \"2\"\n",
		    "a.yml:4: environments.prod: given twice (first on line 2)",
		    "an environment given twice in the mapping" },
		{ "environments: \"prod,prod\"\n",
		    "a.yml:1: environments: 'prod,prod' names prod twice",
		    "an environment given twice in the string" },
		{ "repository: r\n---\nrepository: s\n",
		    "a.yml:2: a second document",
		    "a second document is refused, not ignored" },
		{ "? [a, b]\n: c\nrepository: r\n",
		    "a.yml:1: a key must be a name",
		    "a complex key is refused" },
		{ "project: ~\n", "a.yml:1: project: is empty (YAML null)",
		    "a YAML null is told as empty" },
		{ "environments:\n  prod:\n    postfix:\n",
		    "a.yml:3: environments.prod.postfix: is empty",
		    "an empty value in an environment" },
		{ "repositroy: r\n", "did you mean repository?",
		    "a misspelt field: did you mean" },
		{ "environment: {prod: {}}\n", "did you mean environments?",
		    "environment for environments" },
	};
	char *cause;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cause = parse_error(cat, bad[i].text);
		tap_contains(cause, bad[i].says, "%s", bad[i].why);
		free(cause);
	}
	cause = parse_error(cat, "project: ~\n");
	tap_ok(cause != NULL && strstr(cause, "may not contain") == NULL,
	    "a null is not blamed on a '~' in it");
	free(cause);
	cause = parse_error(cat, "colour: blue\nrepository: 'a b'\n"
	    "environments:\n  prod:\n    location: Mars\n"
	    "repository: c\n");
	tap_contains(cause, "a.yml:1: colour: not an answer",
	    "all problems at once: the first");
	tap_contains(cause, "\na.yml:2: repository: 'a b' may not contain "
	    "spaces", "the second, on a line of its own");
	tap_contains(cause, "\na.yml:5: environments.prod.location",
	    "the third");
	tap_contains(cause, "\na.yml:6: repository: given twice",
	    "the fourth, in the order of the file");
	free(cause);
}

static void
test_complete(const struct catalog *cat)
{
	struct state *st = state_new();
	char *cause = NULL;
	const char *defaults = "organization: https://dev.azure.com/c\n"
	    "repository: r\nenvironments:\n  prod:\n    namespace: mlopsv2\n"
	    "    postfix: \"0001\"\n";

	tap_ok(answers_complete(st, &cause) == -1, "an empty setup is not "
	    "whole");
	tap_contains(cause, "organization: not given", "it names the missing "
	    "organization");
	free(cause);
	cause = NULL;
	answers_parse(st, "a.yml", defaults, strlen(defaults), cat, &cause);
	tap_ok(answers_complete(st, &cause) == -1, "the accelerator's default "
	    "names are refused");
	tap_contains(cause, "mlopsv2 with postfix 0001 is the accelerator's "
	    "default", "saying why");
	free(cause);
	state_free(st);
}

/* The guide's scenarios: each is allowed, or refused up front with why
 * and what to choose instead (scenario.c's table, measured on the real
 * repositories). */
static void
test_scenarios(void)
{
	static const struct {
		const char *type, *interface, *says;
	} guide[] = {
		{ "classical", "aml-cli-v2", NULL },
		{ "classical", "python-sdk-v2", NULL },
		{ "classical", "rai-aml-cli-v2", NULL },
		{ "nlp", "aml-cli-v2", NULL },
		{ "cv", "aml-cli-v2", "build_type" },
		{ "nlp", "python-sdk-v2", "data_name" },
	};
	struct scenario_verdict v;

	for (size_t i = 0; i < sizeof guide / sizeof *guide; i++) {
		scenario_judge(guide[i].type, guide[i].interface, "bicep", &v);
		if (guide[i].says == NULL)
			tap_ok(v.error == NULL, "%s/%s can be set up",
			    guide[i].type, guide[i].interface);
		else {
			tap_contains(v.error, guide[i].says, "%s/%s is refused "
			    "up front, saying why", guide[i].type,
			    guide[i].interface);
			tap_contains(v.error, "choose", "and what to choose "
			    "instead");
		}
	}
	scenario_judge("classical", "rai-aml-cli-v2", "bicep", &v);
	tap_ok(v.warning == NULL, "rai-aml-cli-v2 carries no warning: its "
	    "GitHub connection is a step (github-connection)");
	tap_contains(scenario_type_refusal("cv"), "build_type", "cv, whose "
	    "only interface is refused, is refused as a type with its reason");
	tap_ok(scenario_type_refusal("nlp") == NULL, "nlp is not: one of its "
	    "interfaces works");
}

/* answers_format: read back, the same answers; never a secret. */
static void
test_format(const struct catalog *cat)
{
	static const char text[] = "organization: https://dev.azure.com/c\n"
	    "project: \"my project\"\nrepository: taxi-fare-regression\n"
	    "location: westeurope\n"
	    "principal_way: existing\nenvironments:\n  prod:\n"
	    "    namespace: contoso\n    postfix: \"0042\"\n"
	    "    client_id: 11111111-2222-3333-4444-555555555555\n"
	    "    subscription_id: 00000000-0000-0000-0000-000000000001\n";
	struct state *st = state_new(), *again = state_new();
	char *cause = NULL, *out, *out_again;

	tap_ok(answers_parse(st, "text", text, strlen(text), cat, &cause) == 0,
	    "format: the answers are read");
	/* Put there by hand: a field whose name is a secret's. */
	state_map_set(&st->answers, "client_secret", "s3cret-value");
	out = answers_format(st, cat);
	tap_ok(strstr(out, "s3cret") == NULL, "format: a field the catalogue "
	    "does not have, a secret's, is not written");
	tap_contains(out, "postfix: \"0042\"", "format: a postfix of digits "
	    "stays text");
	tap_contains(out, "\nlocation: \"westeurope\"", "format: a "
	    "per-environment answer given at the top stays there");
	tap_ok(answers_parse(again, "formatted", out, strlen(out), cat,
	    &cause) == 0, "format: read back without a problem%s%s",
	    cause ? ": " : "", cause ? cause : "");
	out_again = answers_format(again, cat);
	tap_ok(strcmp(out, out_again) == 0, "format: read back, the same "
	    "answers");
	free(out_again);
	free(out);
	free(cause);
	state_free(again);
	state_free(st);
}

int
main(void)
{
	const char *src = getenv("top_srcdir");
	char *steps = xasprintf("%s/templates/steps.yml", src ? src : ".");
	char *example = xasprintf("%s/templates/answers.example.yml",
	    src ? src : ".");
	struct catalog *cat = NULL;
	char *cause = NULL;

	if (catalog_load(&cat, steps, &cause) != 0) {
		tap_diag("%s", cause);
		return 1;
	}
	test_rules();
	test_scenarios();
	test_file(cat, example);
	test_strict(cat);
	test_complete(cat);
	test_format(cat);
	catalog_free(cat);
	free(example);
	free(steps);
	return tap_done();
}
