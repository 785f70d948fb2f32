/* The known failures: the shipped file loads, every entry can be reached,
 * and each malformed case is refused with a message naming it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "errors.h"
#include "tap.h"
#include "xalloc.h"

static const char valid[] =
    "format: 1\n"
    "errors:\n"
    "  - id: narrow\n"
    "    pitfall: 3\n"
    "    step: first\n"
    "    match: ['TF401027: You need the Git']\n"
    "    explanation: The identity may not push to {repository}.\n"
    "    fix: 1. Grant it on {repository} in {project}.\n"
    "  - id: broad\n"
    "    step: first\n"
    "    match: [TF401027, 'not authorized']\n"
    "    explanation: Something is refused.\n"
    "    fix: Ask {nobody}.\n"
    "    retry: true\n";

static void
refused(const char *from, const char *to, const char *want, const char *why)
{
	char *text = xstrdup(valid), *at = strstr(text, from), *broken;
	struct errors *e = NULL;
	char *cause = NULL;

	if (at == NULL) {
		tap_ok(false, "%s: the case's text is in the sample", why);
		free(text);
		return;
	}
	*at = '\0';
	broken = xasprintf("%s%s%s", text, to, at + strlen(from));
	tap_ok(errors_parse(&e, "e.yml", broken, strlen(broken), NULL,
	    &cause) == -1 && e == NULL, "%s: refused", why);
	tap_contains(cause, want, "%s: the message names it", why);
	free(cause);
	free(broken);
	free(text);
}

static void
test_valid(void)
{
	struct errors *e = NULL;
	char *cause = NULL, *filled;
	static const char *const keys[] = { "repository", "project" };
	static const char *const values[] = { "taxi", "mlops-v2" };

	tap_ok(errors_parse(&e, "e.yml", valid, strlen(valid), NULL, &cause) ==
	    0, "a valid file loads");
	if (e == NULL) {
		tap_diag("%s", cause);
		free(cause);
		return;
	}
	tap_is_int((long long)e->count, 2, "both entries");
	tap_ok(e->list[0].pitfall == 3 && !e->list[0].retry &&
	    e->list[1].retry, "pitfall and retry are read");
	tap_is_str(errors_match(e, "x tf401027: you need the git 'x'")->id,
	    "narrow", "matching ignores case; the first match wins");
	tap_is_str(errors_match(e, "TF401027: other")->id, "broad",
	    "a broader pattern matches what the narrow one does not");
	tap_ok(errors_match(e, "all is well") == NULL, "no match: none");
	tap_ok(errors_find(e, "broad") == &e->list[1] &&
	    errors_find(e, "none") == NULL, "entries found by id");
	filled = errors_fill(e->list[0].fix, keys, values, 2);
	tap_is_str(filled, "1. Grant it on taxi in mlops-v2.",
	    "placeholders are filled with the answers");
	free(filled);
	filled = errors_fill(e->list[1].fix, keys, values, 2);
	tap_is_str(filled, "Ask {nobody}.", "unknown placeholders stay");
	free(filled);
	errors_free(e);
}

static void
test_refused(void)
{
	refused("format: 1", "format: 2", "reads format 1 only",
	    "a newer format");
	refused("    retry: true\n", "    colour: red\n", "unknown key 'colour'",
	    "an unknown key");
	refused("    fix: Ask {nobody}.\n", "", "error 'broad': 'fix' is "
	    "missing", "a missing fix");
	refused("pitfall: 3", "pitfall: 22", "pitfall must be a number from 1 "
	    "to 21", "a pitfall out of range");
	refused("id: broad", "id: narrow", "error 'narrow' appears twice",
	    "a duplicate id");
	refused("id: broad", "id: Broad!", "an id takes lowercase",
	    "a malformed id");
	refused("match: [TF401027, 'not authorized']", "match: []",
	    "'match' must be a non-empty list", "an empty match list");
	refused("retry: true", "retry: maybe", "retry must be true or false",
	    "retry that is not a boolean");
	refused("errors:", "mistakes:", "expected exactly the keys format and "
	    "errors", "a wrong top-level key");
}

/* Each entry is reachable: one of its own patterns finds it first. */
static void
test_shipped(void)
{
	const char *top = getenv("top_srcdir");
	char *steps = xasprintf("%s/templates/steps.yml", top ? top : ".");
	char *path = xasprintf("%s/templates/errors.yml", top ? top : ".");
	struct catalog *cat = NULL;
	struct errors *e = NULL;
	char *cause = NULL;
	size_t unreachable = 0, pitfalls = 0;
	bool covered[CATALOG_PITFALLS + 1] = { false };
	const struct known_error *register_refused;

	tap_ok(catalog_load(&cat, steps, &cause) == 0 && errors_load(&e, path,
	    cat, &cause) == 0, "the shipped errors.yml loads, every step in "
	    "the catalogue");
	if (e == NULL) {
		tap_diag("%s", cause);
		free(cause);
	}
	for (size_t i = 0; e != NULL && i < e->count; i++) {
		bool reached = false;

		for (size_t j = 0; j < e->list[i].nmatch; j++)
			reached |= errors_match(e, e->list[i].match[j]) ==
			    &e->list[i];
		if (!reached)
			tap_diag("unreachable: %s", e->list[i].id);
		unreachable += !reached;
		covered[e->list[i].pitfall] = true;
	}
	for (int i = 1; i <= CATALOG_PITFALLS; i++)
		pitfalls += covered[i];
	tap_ok(e != NULL && e->count > 0, "the shipped errors.yml has entries");
	tap_ok(e != NULL && e->count > 0 && unreachable == 0, "no entry is "
	    "hidden behind an earlier one");
	if (unreachable != 0)
		tap_diag("%zu unreachable", unreachable);
	tap_is_int((long long)pitfalls, CATALOG_PITFALLS, "every known pitfall "
	    "has an entry");
	/* ARM's refusal to register a provider is the operator's missing
	 * right, not the broader principal-lacks-role that also matches it. */
	register_refused = e ? errors_match(e, "AuthorizationFailed: The "
	    "client 'x' with object id 'y' does not have authorization to "
	    "perform action 'Microsoft.MachineLearningServices/register/"
	    "action' over scope '/subscriptions/s' or the scope is invalid.") :
	    NULL;
	tap_is_str(register_refused ? register_refused->id : NULL,
	    "provider-registration-forbidden", "ARM refusing to register a "
	    "provider is explained as the right to register");
	errors_free(e);
	catalog_free(cat);
	free(path);
	free(steps);
}

int
main(void)
{
	test_valid();
	test_refused();
	test_shipped();
	return tap_done();
}
