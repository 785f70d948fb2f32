/*
 * The two YAML tables the program reads at start: the step catalogue
 * (templates/steps.yml, catalog_parse) and the known failures
 * (templates/errors.yml, errors_parse, checked against the real
 * catalogue). Every input goes to both: each is refused with a cause
 * naming a place, or loaded and then used as the program uses it.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "errors.h"
#include "fuzz.h"

static struct catalog *real;

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	real = fuzz_real_catalog("fuzz-catalog");
	return 0;
}

/* Every input unanswered except one, so that conditions are weighed. */
static const char *
answer(const char *input, void *ctx)
{
	return strcmp(input, "infrastructure") == 0 ? ctx : NULL;
}

static void
use_catalog(const struct catalog *cat)
{
	for (size_t i = 0; i < cat->nsteps; i++) {
		const struct catalog_step *s = &cat->steps[i];
		char *text = catalog_step_condition_text(s);

		FUZZ_ASSERT(catalog_step_find(cat, s->id) == s);
		FUZZ_ASSERT(s->section_index < cat->nsections);
		for (size_t j = 0; j < s->needs.count; j++)
			FUZZ_ASSERT(catalog_step_find(cat, s->needs.items[j]));
		for (size_t j = 0; j < s->who.count; j++)
			FUZZ_ASSERT(catalog_role_find(cat, s->who.items[j]));
		(void)catalog_step_applies(cat, s, answer, "terraform");
		free(text);
	}
}

static void
use_errors(const struct errors *e, const char *text)
{
	static const char *const keys[] = { "namespace", "postfix" };
	static const char *const values[] = { "contoso", "4711" };

	for (size_t i = 0; i < e->count; i++) {
		char *fix = errors_fill(e->list[i].fix, keys, values, 2);

		FUZZ_ASSERT(errors_find(e, e->list[i].id) == &e->list[i]);
		free(fix);
	}
	(void)errors_explain(e, NULL, text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog *cat = NULL;
	struct errors *e = NULL;
	char *cause = NULL, *text;

	if (catalog_parse(&cat, "fuzz.yml", (const char *)data, size,
	    &cause) == 0) {
		use_catalog(cat);
		catalog_free(cat);
	} else {
		FUZZ_ASSERT(cat == NULL && cause != NULL && cause[0] != '\0');
		free(cause);
	}
	cause = NULL;
	text = fuzz_text(data, size);
	for (int checked = 0; checked < 2; checked++) {
		if (errors_parse(&e, "fuzz.yml", (const char *)data, size,
		    checked ? real : NULL, &cause) == 0) {
			use_errors(e, text);
			errors_free(e);
		} else {
			FUZZ_ASSERT(cause != NULL && cause[0] != '\0');
			free(cause);
		}
		e = NULL;
		cause = NULL;
	}
	free(text);
	return 0;
}
