/*
 * The config-infra YAML editor (infracfg_get, infracfg_edit) with the
 * variables the deploy step sets: any text is refused with a cause or
 * edited, and an edited text reads back with exactly the new values and
 * is its own edit (nothing but those values changed).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "infracfg.h"

/* What the deploy step writes (src/steps/deploy.c), in valid values. */
static const struct infracfg_set sets[] = {
	{ "namespace", "contoso" },
	{ "postfix", "4711" },
	{ "location", "westeurope" },
	{ "ado_service_connection_rg", "Azure-ARM-Prod" },
	{ "ado_service_connection_aml_ws", "Azure-ARM-Prod" },
	{ "terraform_workingdir", "infrastructure" },
};
#define NSETS (sizeof sets / sizeof sets[0])

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char *cause = NULL, *out = NULL, *again = NULL, *v;
	/* The deploy step sets the last one only for terraform. */
	size_t n = size > 0 && (data[0] & 1) ? NSETS : NSETS - 1;

	for (size_t i = 0; i < NSETS; i++) {
		v = infracfg_get(text, size, sets[i].name, &cause);
		FUZZ_ASSERT((v == NULL) != (cause == NULL));
		free(v);
		free(cause);
		cause = NULL;
	}
	if (infracfg_edit(text, size, sets, n, &out, &cause) != 0) {
		FUZZ_ASSERT(out == NULL && cause != NULL);
		free(cause);
		return 0;
	}
	/* A NUL ends libyaml's reading early, and strlen() below with it. */
	if (memchr(data, '\0', size) != NULL) {
		free(out);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		v = infracfg_get(out, strlen(out), sets[i].name, &cause);
		if (v == NULL)
			fuzz_fail(__FILE__, __LINE__, cause);
		FUZZ_ASSERT(strcmp(v, sets[i].value) == 0);
		free(v);
	}
	if (infracfg_edit(out, strlen(out), sets, n, &again, &cause) != 0)
		fuzz_fail(__FILE__, __LINE__, cause);
	FUZZ_ASSERT(strcmp(out, again) == 0);
	free(again);
	free(out);
	return 0;
}
