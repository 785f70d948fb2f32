/*
 * What a setup made, with where to see it: the project, repositories,
 * pipeline runs, connections, environments and the Azure resources, by
 * their real names (from the answers and the state), for the finish of
 * the wizard. Lines are short, each address on its own line, so a screen
 * that cuts long lines still shows them whole.
 */
#ifndef MT_MADE_H
#define MT_MADE_H

#include <stddef.h>

#include "engine.h"
#include "state.h"

/* The lines (owned by the caller, each and the array); *count of them. */
char **made_lines(const struct engine *e, const struct state *st,
    const char *org_url, size_t *count);

#endif
