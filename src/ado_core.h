/*
 * Azure DevOps core: who is signed in, projects (created through an
 * operation), processes. api-versions as the REST contract notes say:
 * 7.1 where there is a GA version, 7.1-preview.N where there is none.
 */
#ifndef MT_ADO_CORE_H
#define MT_ADO_CORE_H

#include "api.h"

/* connectionData: the signed-in user (fields authenticatedUser.*). */
struct api_call *ado_connection_data(struct api *api);
/* A project by name or id: id, name, state ("wellFormed", ...). */
struct api_call *ado_get_project(struct api *api, const char *name);
/* The processes: a list of {id, name, isDefault}. */
struct api_call *ado_list_processes(struct api *api);
/*
 * Create a Git project with the process (NULL: the organization's
 * default); the answer is an operation {id, status, url}. A create whose
 * answer is lost is found by name instead of being sent twice.
 */
struct api_call *ado_create_project(struct api *api, const char *name,
    const char *process_id);
/* An operation: {id, status} (notSet, queued, inProgress, succeeded...). */
struct api_call *ado_get_operation(struct api *api, const char *id);

/* Delete project id: 202 and an operation reference ({id, status}) to
 * follow with ado_get_operation. */
struct api_call *ado_delete_project(struct api *api, const char *id);

#endif
