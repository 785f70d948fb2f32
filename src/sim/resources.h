/* The sandbox's pipeline resources, shared with the pipeline runs. */
#ifndef MT_SIM_RESOURCES_H
#define MT_SIM_RESOURCES_H

#include <stdbool.h>

#include <jansson.h>

/* Add a new project's agent queues ("Azure Pipelines", "Default"). */
void resources_new_project(json_t *root, json_t *project);

/*
 * Whether pipeline may use the resource type/id of project: authorised
 * for all pipelines or for that one ("Permit").
 */
bool permits_authorized(json_t *root, json_t *project, const char *type,
    const char *id, json_int_t pipeline);

#endif
