/*
 * A connection to the services a setup talks to: the HTTP engine and the
 * API on it, the Azure DevOps credential (a PAT, or an Entra token), and
 * the Azure sign-in for Graph and ARM. doctor, plan and apply open one.
 *
 * Opening signs in and so may wait (a device code, the Azure CLI): on the
 * command line it waits; in a fiber (the wizard) it gives the loop its
 * turns meanwhile. Messages for the operator go to stderr, the device
 * code to opt->tell when set.
 */
#ifndef MT_CONNECTION_H
#define MT_CONNECTION_H

#include <stdbool.h>

#include "api.h"
#include "credential.h"
#include "signin.h"

struct connection_options {
	const char *org_url;
	const char *pat_file;          /* NULL: environment or prompt */
	const char *pat;               /* the sandbox's own PAT; NULL */
	/* "pat" or "entra"; NULL: the PAT when one is given, else Entra
	 * where it can sign in (connection.c, chosen_ado_auth). */
	const char *ado_auth;
	const char *tenant;            /* NULL: organizations */
	const char *client_id;         /* NULL: the Azure CLI's */
	const char *azure_sign_in;     /* "device", "az"; NULL: az if found */
	const char *log_path;
	bool azure;                    /* sign in to Azure (Graph, ARM) */
	/* Where the device code goes; NULL: stderr (the wizard shows it). */
	signin_tell_cb tell;
	void *tell_arg;
	/* Ask the organization who the token is before signing in to
	 * Azure, so that a refused token is said first (the wizard). */
	bool check_token;
};

struct connection {
	struct api api;
	struct credential *pat;
	struct signin azure;
	bool signed_in_azure;
	char *azure_error;             /* why not, when it was tried */
	char *organization;            /* the organization's name */
	char *user;                    /* who the token is (check_token) */
	char *instance_id;             /* the organization's own id, which
	                                  no spelling of its URL changes */
};

/*
 * Open c: the PAT (unless Entra signs in to Azure DevOps), the engine,
 * and the Azure sign-in when asked for. A failed Azure sign-in leaves
 * azure_error set and is only fatal for --ado-auth entra. Returns 0, or
 * -1 after saying why on stderr.
 */
int connection_open(struct connection *c,
    const struct connection_options *opt);
/* Renew an Entra token for Azure DevOps that is about to expire (a
 * failure shows later, as refused calls). */
void connection_fresh(struct connection *c);
void connection_close(struct connection *c);

/* The organization's name in its URL: dev.azure.com/{org} or
 * {org}.visualstudio.com; owned by the caller. */
char *organization_name(const char *url);

#endif
