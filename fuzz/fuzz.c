/* Shared by the fuzz targets. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "catalog.h"
#include "fuzz.h"

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}

struct catalog *
fuzz_real_catalog(const char *name)
{
	static struct catalog *real;
	char *cause = NULL;

	if (real == NULL && catalog_load(&real, MT_SRCDIR
	    "/templates/steps.yml", &cause) != 0) {
		fprintf(stderr, "%s: %s\n", name, cause);
		exit(1);
	}
	return real;
}
