/*
 * What the libFuzzer targets in fuzz/ share: the entry point libFuzzer
 * calls, and a NUL-terminated copy of an input for the parsers that want
 * C strings.
 */
#ifndef MT_FUZZ_H
#define MT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data as a C string (a NUL inside ends it early); free it after use. */
static inline char *
fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A broken invariant: stop as a crash, so that libFuzzer keeps the input. */
#define FUZZ_ASSERT(cond)                                                   \
	do {                                                                \
		if (!(cond))                                                \
			fuzz_fail(__FILE__, __LINE__, #cond);               \
	} while (0)

void fuzz_fail(const char *file, int line, const char *what)
    __attribute__((noreturn));

struct catalog;
/* The real steps.yml of the source tree, loaded once; exits when it
 * cannot be (name: the target, for the message). */
struct catalog *fuzz_real_catalog(const char *name);

#endif
