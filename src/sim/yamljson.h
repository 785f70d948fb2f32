/*
 * YAML read as JSON, for the sandbox's look at pipeline and config files:
 * mappings become objects, sequences arrays, and every scalar a string.
 */
#ifndef MT_SIM_YAMLJSON_H
#define MT_SIM_YAMLJSON_H

#include <stddef.h>

#include <jansson.h>

/* The first document of text; NULL with *cause when it is not YAML. */
json_t *yamljson_parse(const char *text, size_t len, char **cause);

#endif
