/*
 * Entra ID, Microsoft Graph and Azure Resource Manager, as typed calls:
 * the device code sign-in and its tokens; applications, service
 * principals, passwords and federated credentials; subscriptions, role
 * assignments, resource providers and what the pipelines created.
 */
#ifndef MT_CLOUD_H
#define MT_CLOUD_H

#include "api.h"

/* The public client id the Azure CLI signs in with. */
#define CLOUD_CLI_CLIENT_ID "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
#define CLOUD_SCOPE_ARM "https://management.azure.com//.default"
#define CLOUD_SCOPE_GRAPH "https://graph.microsoft.com/.default"
#define CLOUD_SCOPE_ADO "499b84ac-1321-427f-aa17-267ca6975798/.default"
#define CLOUD_ROLE_CONTRIBUTOR "b24988ac-6180-42a0-ab88-20f7382dd24c"

/* Start a device code sign-in: {device_code, user_code, verification_uri,
 * interval, message}. */
struct api_call *entra_devicecode(struct api *api, const char *tenant,
    const char *client_id, const char *scope);
/* Poll for its tokens: an error with code authorization_pending,
 * slow_down, ... until the user has signed in. */
struct api_call *entra_poll_token(struct api *api, const char *tenant,
    const char *client_id, const char *device_code);
/* A token for another resource from a refresh token. */
struct api_call *entra_refresh(struct api *api, const char *tenant,
    const char *client_id, const char *refresh_token, const char *scope);

/* Applications whose displayName is name. */
struct api_call *graph_find_applications(struct api *api, const char *name);
/* One application by its object id (404 while it replicates). */
struct api_call *graph_get_application(struct api *api, const char *id);
/* Create an application; a lost answer is found by displayName. */
struct api_call *graph_create_application(struct api *api, const char *name);
/* A new password of the application (object id): secretText, once. */
struct api_call *graph_add_password(struct api *api, const char *app,
    const char *display_name);
/* Remove the application's password key_id (its keyId). */
struct api_call *graph_remove_password(struct api *api, const char *app,
    const char *key_id);
/* The service principal of an application id. */
struct api_call *graph_create_principal(struct api *api, const char *app_id);
struct api_call *graph_find_principals(struct api *api, const char *app_id);
/* A federated credential (issuer, subject) on the application. */
struct api_call *graph_add_federated_credential(struct api *api,
    const char *app, const char *name, const char *issuer,
    const char *subject);

/* Remove the application's federated credential named name. */
struct api_call *graph_remove_federated_credential(struct api *api,
    const char *app, const char *name);
struct api_call *arm_list_subscriptions(struct api *api);
struct api_call *arm_get_subscription(struct api *api, const char *sub);
/* Give principal (object id) Contributor on the subscription; the
 * assignment is named by name (a GUID). */
struct api_call *arm_assign_contributor(struct api *api, const char *sub,
    const char *name, const char *principal);
struct api_call *arm_list_assignments(struct api *api, const char *sub,
    const char *principal);
struct api_call *arm_get_provider(struct api *api, const char *sub,
    const char *ns);
/* The tenant's authorization policy (defaultUserRolePermissions
 * .allowedToCreateApps) and the signed-in user's groups and directory
 * roles: whether the operator may register applications. */
struct api_call *graph_authorization_policy(struct api *api);
struct api_call *graph_my_roles(struct api *api);
/* The signed-in user's permissions at the subscription: a list of
 * {actions, notActions, dataActions, notDataActions[, condition]}. */
struct api_call *arm_my_permissions(struct api *api, const char *sub);
/* Azure ML's compute usages and limits per family in a region. */
struct api_call *arm_ml_usages(struct api *api, const char *sub,
    const char *location);
/* Register a resource provider (asynchronous: registrationState
 * goes Registering, then Registered). */
struct api_call *arm_register_provider(struct api *api, const char *sub,
    const char *ns);
/* What a workspace holds: kind "models", "onlineEndpoints",
 * "batchEndpoints"; one by name, or (name NULL) the list. */
struct api_call *arm_get_ml(struct api *api, const char *sub, const char *rg,
    const char *workspace, const char *kind, const char *name);
struct api_call *arm_get_workspace(struct api *api, const char *sub,
    const char *rg, const char *workspace);

/* Applications whose appId is app_id (at most one). */
struct api_call *graph_find_applications_by_app_id(struct api *api,
    const char *app_id);

/* Resource groups: read one; create one (PUT: 201 made, 200 there). */
struct api_call *arm_get_resource_group(struct api *api, const char *sub,
    const char *rg);
struct api_call *arm_put_resource_group(struct api *api, const char *sub,
    const char *rg, const char *location);
/* User-assigned managed identities: {id, properties: {principalId,
 * clientId, tenantId}}; PUT makes one or answers the one there. */
#define MANAGED_IDENTITY_API "2023-01-31"
struct api_call *arm_get_identity(struct api *api, const char *sub,
    const char *rg, const char *name);
struct api_call *arm_put_identity(struct api *api, const char *sub,
    const char *rg, const char *name, const char *location);
/* The identity's federated credential named credential, trusting
 * issuer and subject for the token exchange audience (PUT: idempotent). */
struct api_call *arm_put_identity_credential(struct api *api,
    const char *sub, const char *rg, const char *name,
    const char *credential, const char *issuer, const char *subject);

/*
 * Whether a global name is free (the names check). Vaults_CheckName-
 * Availability (Microsoft.KeyVault 2022-07-01) and StorageAccounts_Check-
 * NameAvailability (Microsoft.Storage 2023-01-01) both POST {"name",
 * "type"} and answer {"nameAvailable", "reason": "AccountNameInvalid" |
 * "AlreadyExists", "message"} (azure-rest-api-specs, keyvault.json and
 * storage.json, CheckNameAvailabilityResult).
 */
struct api_call *arm_check_vault_name(struct api *api, const char *sub,
    const char *name);
struct api_call *arm_check_storage_name(struct api *api, const char *sub,
    const char *name);
/* The vault or storage account in resource group rg (404: not there). */
struct api_call *arm_get_vault(struct api *api, const char *sub,
    const char *rg, const char *name);
struct api_call *arm_get_storage_account(struct api *api, const char *sub,
    const char *rg, const char *name);

/* ---- teardown: each answers 404 (or 204) when the object is gone ---- */
struct api_call *graph_delete_application(struct api *api, const char *id);
struct api_call *graph_delete_principal(struct api *api, const char *id);
/* An application's federated credentials. */
struct api_call *graph_list_federated_credentials(struct api *api,
    const char *app);
/* Delete a role assignment by its full id (/subscriptions/.../{name}). */
struct api_call *arm_delete_assignment(struct api *api, const char *id);
/* Long-running deletes: 202 with a Location to poll (arm_poll_operation)
 * until it answers 200 (or 204); 200 or 204 at once when it is over. */
struct api_call *arm_delete_ml(struct api *api, const char *sub,
    const char *rg, const char *workspace, const char *kind,
    const char *name);
/* purge: forceToPurge, so that the workspace is not kept soft-deleted. */
struct api_call *arm_delete_workspace(struct api *api, const char *sub,
    const char *rg, const char *workspace, bool purge);
struct api_call *arm_delete_resource_group(struct api *api, const char *sub,
    const char *rg);
/* A Key Vault kept soft-deleted after its resource group was deleted, and
 * its purge (202 + Location). */
struct api_call *arm_get_deleted_vault(struct api *api, const char *sub,
    const char *location, const char *name);
struct api_call *arm_purge_vault(struct api *api, const char *sub,
    const char *location, const char *name);
/* GET a long-running operation's Location; refused unless it is on ARM. */
struct api_call *arm_poll_operation(struct api *api, const char *url);

#endif
