/* The sandbox's pipeline definitions, shared with the runs. */
#ifndef MT_SIM_PIPELINES_H
#define MT_SIM_PIPELINES_H

#include <jansson.h>

#include "sim/exchange.h"

/* The definition id of project (borrowed), or NULL. */
json_t *pipelines_find(json_t *root, json_t *project, json_int_t id);
/* A folder path in the service's form, "\a\b" ("\" is the root). */
char *pipelines_folder_path(const char *path);
/*
 * Create a YAML pipeline of repo at yaml in folder; NULL when the folder
 * already has one of that name (after replying 409 to x, unless x is
 * NULL, as for a pipeline run's own doing). Borrowed.
 */
json_t *pipelines_create(struct exchange *x, json_t *root, json_t *project,
    const char *name, const char *folder, json_t *repo, const char *yaml);
/* The Pipelines API's view of a definition. */
json_t *pipelines_pipeline_json(struct exchange *x, json_t *definition);

#endif
