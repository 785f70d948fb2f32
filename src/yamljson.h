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

/*
 * The same, read strictly for input a person wrote (the answers file):
 * a plain empty, ~ or null scalar is JSON null, and what YAML forbids
 * or a reader would silently drop is put in *problems (an array of
 * {"line": N, "message": "..."}, empty when there is none, the
 * caller's): a key given twice, a key that is a list or mapping, a NUL
 * in a key or value, a second document. The value is still returned.
 */
json_t *yamljson_read(const char *text, size_t len, json_t **problems,
    char **cause);

#endif
