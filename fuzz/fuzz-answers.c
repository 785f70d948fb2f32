/*
 * The answers file loader (answers_parse, which answers_load and the
 * wizard's --answers use) against the real catalogue: any bytes are
 * refused with a cause that leaves the state as it was, or merged into
 * it; then every answer rule is asked about the input as a value.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "catalog.h"
#include "fuzz.h"
#include "state.h"

static struct catalog *cat;

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	cat = fuzz_real_catalog("fuzz-answers");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state *st = state_new();
	char *cause = NULL, *before, *after, *value;

	/* An answer the file may override, so that a refusal has something
	 * to leave alone. */
	state_map_set(&st->answers, "project", "untouched");
	before = state_dump(st);
	if (answers_parse(st, "fuzz.yml", (const char *)data, size, cat,
	    &cause) != 0) {
		FUZZ_ASSERT(cause != NULL && cause[0] != '\0');
		after = state_dump(st);
		FUZZ_ASSERT(strcmp(before, after) == 0);
		free(after);
		free(cause);
		cause = NULL;
	} else if (answers_complete(st, &cause) != 0) {
		FUZZ_ASSERT(cause != NULL);
		free(cause);
	}
	free(before);
	/* Every rule, with the input as the value typed. */
	value = fuzz_text(data, size);
	for (size_t i = 0; i < cat->ninputs; i++)
		free(answers_problem(cat->inputs[i].id, value));
	free(value);
	state_free(st);
	return 0;
}
