/*
 * The sandbox's ARM deletes (armdelete.c): long-running deletes of
 * resource groups, workspaces and endpoints, soft-deleted workspaces and
 * Key Vaults and their purge. Called by arm.c with the world locked.
 */
#ifndef MT_SIM_ARMDELETE_H
#define MT_SIM_ARMDELETE_H

#include <stdbool.h>

#include <jansson.h>

#include "sim/exchange.h"
#include "sim/world.h"

/* Carry out the deletes whose time has come; true when any did. */
bool armdelete_settle(json_t *root);
/* GET .../operationresults/{id}: 202 while running, 200 once over. */
void armdelete_operation_result(struct exchange *x, json_t *root,
    const char *sub, const char *id);
void armdelete_resource_group(struct exchange *x, json_t *root,
    const char *sub, const char *rg, bool *changed);
/* DELETE of a workspace (?forceToPurge=true: not kept soft-deleted). */
void armdelete_workspace(struct exchange *x, json_t *root, const char *sub,
    const char *rg, const char *ws, bool *changed);
/* DELETE of what a workspace holds: kind "online_endpoints", ... */
void armdelete_ml(struct exchange *x, json_t *root, const char *sub,
    const char *ws, const char *kind, const char *name, bool *changed);
/* GET of a soft-deleted vault, or (purge) its purge. */
void armdelete_deleted_vault(struct exchange *x, json_t *root,
    const char *sub, const char *location, const char *name, bool purge,
    bool *changed);
/* The soft-deleted item of kind ("deleted_workspaces", "deleted_vaults")
 * named name; NULL when there is none. */
json_t *armdelete_soft_deleted(json_t *root, const char *kind,
    const char *name);

#endif
