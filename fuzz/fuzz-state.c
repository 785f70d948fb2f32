/*
 * The state file loader (state_parse, which state_load and state_open
 * use after reading the file): any bytes are refused with a cause or
 * loaded; a loaded state survives a save and a reload unchanged.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "state.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state *st = NULL, *again = NULL;
	char *cause = NULL, *text, *text2;

	if (state_parse(&st, "fuzz.json", (const char *)data, size,
	    &cause) != 0) {
		FUZZ_ASSERT(st == NULL && cause != NULL && cause[0] != '\0');
		free(cause);
		return 0;
	}
	FUZZ_ASSERT(st != NULL);
	/* Walk what was loaded as the status and wizard screens do. */
	for (size_t i = 0; i < st->nsteps; i++) {
		const struct state_step *s = &st->steps[i];

		FUZZ_ASSERT(s->status < STEP_STATUS_COUNT);
		FUZZ_ASSERT(state_step_find(st, s->id, s->environment) != NULL);
		(void)step_status_word(s->status);
	}
	for (size_t i = 0; i < st->nenvironments; i++)
		FUZZ_ASSERT(state_environment_find(st,
		    st->environments[i].name) != NULL);
	/* What is written reads back as the same state. */
	text = state_dump(st);
	FUZZ_ASSERT(text != NULL);
	if (state_parse(&again, "dump.json", text, strlen(text), &cause) != 0)
		fuzz_fail(__FILE__, __LINE__, cause);
	text2 = state_dump(again);
	FUZZ_ASSERT(strcmp(text, text2) == 0);
	free(text);
	free(text2);
	state_free(again);
	state_free(st);
	return 0;
}
