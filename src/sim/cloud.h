/*
 * The sandbox's Entra ID, Microsoft Graph and Azure Resource Manager, served
 * beside the organization under /_entra, /_graph and /_arm.
 */
#ifndef MT_SIM_CLOUD_H
#define MT_SIM_CLOUD_H

#include <stdbool.h>

#include <jansson.h>

#include "sim/exchange.h"

#define AUD_GRAPH "https://graph.microsoft.com"
#define AUD_ARM "https://management.azure.com"
#define AUD_ADO "499b84ac-1321-427f-aa17-267ca6975798"
#define ROLE_CONTRIBUTOR "b24988ac-6180-42a0-ab88-20f7382dd24c"
#define ROLE_OWNER "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"

/* The tenant, subscription and empty directory of a new world. */
void cloud_new_world(json_t *root);

/* Whether url (the request path) belongs to Entra, Graph or ARM. */
bool cloud_handles(const char *url);
/* Answer a request to /_entra, /_graph or /_arm. */
void cloud_dispatch(struct exchange *x, const char *url);

/*
 * The token record of a bearer token for audience aud, or NULL when it is
 * unknown, expired or for another audience. Borrowed.
 */
json_t *entra_token(json_t *root, const char *token, const char *aud);

/*
 * Why a service connection's principal cannot reach its subscription
 * (the secret, the federation, the application, the role), or NULL when
 * it can. *status gets the endpointproxy statusCode word. Caller frees.
 */
char *cloud_endpoint_problem(json_t *root, json_t *endpoint,
    const char **status);

/* Handlers (entra.c, graph.c, arm.c). */
void entra_handle(struct exchange *x, const char *path);
void graph_handle(struct exchange *x, const char *path);
void arm_handle(struct exchange *x, const char *path);

/* Resource groups made by PUT, user-assigned managed identities and
 * their federated credentials (identity.c): true when path was one. */
bool identity_route(struct exchange *x, json_t *root, const char *path,
    bool *changed);
/* The managed identity whose clientId is client_id; NULL when none. */
json_t *identity_by_client_id(json_t *root, const char *client_id);

/* Graph objects become visible after the replication delay (graph.c). */
bool graph_visible(json_t *root, json_t *object);
json_t *graph_application_by_app_id(json_t *root, const char *app_id);
json_t *graph_principal_by_app_id(json_t *root, const char *app_id);

#endif
