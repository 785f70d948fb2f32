/* The data files mlops-tui reads at run time (templates/), loaded once. */
#ifndef MT_TEMPLATES_H
#define MT_TEMPLATES_H

#include "catalog.h"
#include "errors.h"

/*
 * Load steps.yml into *cat and, when errors is not NULL, errors.yml into
 * *errors, from paths_templates_dir(). Returns 0, or -1 after saying what
 * is wrong on stderr (nothing is left allocated).
 */
int templates_load(struct catalog **cat, struct errors **errors);

#endif
