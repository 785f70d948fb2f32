/* Loading the data files: the step catalogue and the known errors. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "paths.h"
#include "templates.h"
#include "xalloc.h"

int
templates_load(struct catalog **cat, struct errors **errors)
{
	char *dir = paths_templates_dir(), *cause = NULL;
	char *steps = xasprintf("%s/steps.yml", dir);
	char *known = xasprintf("%s/errors.yml", dir);
	int rc = catalog_load(cat, steps, &cause);

	if (rc == 0 && errors != NULL &&
	    (rc = errors_load(errors, known, *cat, &cause)) != 0) {
		catalog_free(*cat);
		*cat = NULL;
	}
	if (rc != 0)
		fprintf(stderr, "mlops-tui: %s\n", cause);
	free(cause);
	free(known);
	free(steps);
	free(dir);
	return rc == 0 ? 0 : -1;
}
