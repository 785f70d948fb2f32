/*
 * Signing in to Azure (Entra ID) for ARM and Graph: the device code flow
 * with the Azure CLI's public client id by default, or the tokens of a
 * signed-in Azure CLI. Tokens stay in memory, are wiped when freed and
 * are refreshed before they expire.
 *
 * These run the engine to completion (api_wait, and sleep between
 * device code polls): for the command line, never the UI's loop.
 */
#ifndef MT_SIGNIN_H
#define MT_SIGNIN_H

#include <time.h>

#include "api.h"
#include "credential.h"

/* Refresh a token that has less than this left. */
#define SIGNIN_REFRESH_MARGIN_S 300

struct signin {
	struct api *api;               /* borrowed; api->entra_url is used */
	char *tenant;                  /* "organizations" or a tenant id */
	char *client_id;
	struct credential *refresh;    /* NULL: from the Azure CLI */
	char *az;                      /* that CLI, to ask again; or NULL */
	struct credential *arm;
	struct credential *graph;
	struct credential *ado;        /* NULL: Azure DevOps uses a PAT */
	time_t arm_expires;
	time_t graph_expires;
	time_t ado_expires;
	unsigned refreshes;            /* how many tokens were renewed */
};

/* Shows the device code message ("To sign in, use a web browser..."). */
typedef void (*signin_tell_cb)(const char *message, void *arg);

void signin_init(struct signin *s, struct api *api, const char *tenant,
    const char *client_id);
/* The device code flow; polls at the interval Entra asks for. */
int signin_device_code(struct signin *s, signin_tell_cb tell, void *arg,
    char **cause);
/* Tokens from `az account get-access-token` (az: the program to run). */
int signin_az_cli(struct signin *s, const char *az, char **cause);
/* A token for Azure DevOps too, used by the api instead of a PAT. */
int signin_ado(struct signin *s, const char *az, char **cause);
/* Renew the tokens that are about to expire; 0 when all are usable. */
int signin_fresh(struct signin *s, char **cause);
/* Wipe and free the tokens. */
void signin_clear(struct signin *s);

#endif
