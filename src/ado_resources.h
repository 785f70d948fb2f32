/*
 * Azure DevOps pipeline resources: service connections (created at the
 * organization level, found by name, tested), environments, and installed
 * extensions.
 */
#ifndef MT_ADO_RESOURCES_H
#define MT_ADO_RESOURCES_H

#include "api.h"

/* What an Azure Resource Manager service connection connects with. */
struct ado_arm_connection {
	const char *name;              /* Azure-ARM-Prod */
	const char *project_id;
	const char *project_name;
	const char *tenant_id;
	const char *subscription_id;
	const char *subscription_name;
	const char *app_id;            /* the service principal's appId */
	const struct credential *secret; /* NULL: workload identity federation */
};

/* What a GitHub service connection connects with: a GitHub personal
 * access token, as the portal's "Personal Access Token" way keeps it. */
struct ado_github_connection {
	const char *name;              /* github-connection */
	const char *project_id;
	const char *project_name;
	const struct credential *token;
};

/* Service connections of project named name: a list. */
struct api_call *ado_find_endpoints(struct api *api, const char *project,
    const char *name);
/* Create one; a lost answer is found by name. */
struct api_call *ado_create_arm_endpoint(struct api *api,
    const struct ado_arm_connection *c);
/* PUT connection id back as c says (subscription, principal, secret):
 * the update the portal's Edit makes; the id and pipelines' uses stay. */
struct api_call *ado_update_arm_endpoint(struct api *api, const char *id,
    const struct ado_arm_connection *c);
/* Create a GitHub one (type github, url https://github.com); a lost
 * answer is found by name. */
struct api_call *ado_create_github_endpoint(struct api *api,
    const struct ado_github_connection *c);
/*
 * TestConnection of endpoint id: {statusCode ("ok", ...), errorMessage}.
 * The secret, when given, is sent with it: the service never returns it.
 */
struct api_call *ado_test_endpoint(struct api *api, const char *project,
    const char *id, const struct ado_arm_connection *c);
/*
 * TestConnection of a service connection as read (ado_find_endpoints):
 * with the credentials the service holds, which it never returns.
 */
struct api_call *ado_test_stored_endpoint(struct api *api,
    const char *project, json_t *endpoint);
/*
 * Convert a secret-based Azure Resource Manager connection (as read) to
 * workload identity federation: PUT ?operation=ConvertAuthenticationScheme,
 * a preview operation. The answer is the connection with the issuer and
 * subject its principal must now trust.
 */
#define ADO_CONVERT_API "7.2-preview.4"
struct api_call *ado_convert_endpoint(struct api *api, json_t *endpoint);
/* Environments of project named name: a list. */
struct api_call *ado_find_environments(struct api *api, const char *project,
    const char *name);
/* Create an environment; a lost answer is found by name. */
struct api_call *ado_create_environment(struct api *api,
    const char *project, const char *name);
/* An installed extension ("ms-devlabs", "custom-terraform-tasks"). */
struct api_call *ado_get_extension(struct api *api, const char *publisher,
    const char *extension);
/* Install an extension's latest version (an organization admin's right). */
struct api_call *ado_install_extension(struct api *api,
    const char *publisher, const char *extension);

/* Delete environment id (204; 404: already gone). */
struct api_call *ado_delete_environment(struct api *api, const char *project,
    const char *id);
/* Delete service connection id from project project_id (the last project
 * that shares it deletes it). */
struct api_call *ado_delete_endpoint(struct api *api, const char *project_id,
    const char *id);

#endif
