/*
 * YAML read as JSON, for looking at pipeline and config files (the sandbox, doctor):
 * mappings become objects, sequences arrays, and every scalar a string.
 */
#ifndef MT_YAMLJSON_H
#define MT_YAMLJSON_H

#include <stddef.h>

#include <jansson.h>

/* The first document of text; NULL with *cause when it is not YAML. */
json_t *yamljson_parse(const char *text, size_t len, char **cause);

#endif
