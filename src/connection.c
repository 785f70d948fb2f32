/* A connection: the engine, the API and the sign-ins behind it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ado_core.h"
#include "connection.h"
#include "xalloc.h"

char *
organization_name(const char *url)
{
	const char *host = strstr(url, "://"), *end, *slash;
	size_t len;

	host = host ? host + 3 : url;
	end = strchr(host, '/');
	len = end ? (size_t)(end - host) : strlen(host);
	if (len > 17 && strncmp(host + len - 17, ".visualstudio.com", 17) == 0)
		return xstrndup(host, strcspn(host, "."));
	len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		len--;
	for (slash = url + len; slash > host && slash[-1] != '/'; slash--)
		;
	return xstrndup(slash, (size_t)(url + len - slash));
}

/* Entra, Graph and ARM: the sandbox's beside a loopback organization. */
static void
set_cloud_urls(struct api *api)
{
	const char *host = strstr(api->org_url, "://") + 3;
	size_t len = strcspn(host, "/");
	char *origin = xstrndup(api->org_url, (size_t)(host - api->org_url) +
	    len);

	if (http_url_is_loopback(api->org_url)) {
		api->entra_url = xasprintf("%s/_entra", origin);
		api->graph_url = xasprintf("%s/_graph/v1.0", origin);
		api->arm_url = xasprintf("%s/_arm", origin);
	} else {
		api->entra_url = xstrdup("https://login.microsoftonline.com");
		api->graph_url = xstrdup("https://graph.microsoft.com/v1.0");
		api->arm_url = xstrdup("https://management.azure.com");
	}
	free(origin);
}

static int
open_api(struct connection *c, const struct connection_options *opt)
{
	struct http_options hopt = { .log_path = opt->log_path };
	char *cause = NULL;

	if (http_new(&c->api.http, &hopt, &cause) == -1) {
		fprintf(stderr, "mlops-tui: %s\n", cause);
		free(cause);
		return -1;
	}
	c->api.org_url = xstrdup(opt->org_url);
	c->api.ado = c->pat;
	set_cloud_urls(&c->api);
	return 0;
}

static void
tell_device_code(const char *message, void *arg)
{
	(void)arg;
	fprintf(stderr, "%s\n", message ? message : "Sign in to Azure.");
}

/* Whether program is on PATH. */
static bool
on_path(const char *program)
{
	const char *path = getenv("PATH"), *end;
	bool found = false;

	for (; path != NULL && *path != '\0' && !found; path = *end ? end + 1 :
	    end) {
		char *file;

		end = path + strcspn(path, ":");
		file = xasprintf("%.*s/%s", (int)(end - path), path, program);
		found = access(file, X_OK) == 0;
		free(file);
	}
	return found;
}

/*
 * --ado-auth not given: a PAT when one is given (AZURE_DEVOPS_EXT_PAT,
 * --pat-file), else Entra where it can sign in without one - a signed-in
 * Azure CLI (az on PATH, or --azure-sign-in az), or a terminal to show the
 * device code on - so a new user never has to make a PAT. Otherwise the
 * PAT, whose absence is then said.
 */
static const char *
chosen_ado_auth(const struct connection_options *opt)
{
	const char *env = getenv("AZURE_DEVOPS_EXT_PAT");
	bool az = opt->azure_sign_in ? strcmp(opt->azure_sign_in, "az") == 0 :
	    on_path("az");

	if (opt->ado_auth != NULL)
		return opt->ado_auth;
	if (opt->pat != NULL || opt->pat_file != NULL || (env && *env))
		return "pat";
	if (az || isatty(STDIN_FILENO) || isatty(STDERR_FILENO))
		return "entra";
	return "pat";
}

static bool
entra_for_ado(const struct connection_options *opt)
{
	return opt->ado_auth != NULL && strcmp(opt->ado_auth, "entra") == 0;
}

static int
sign_in_azure(struct connection *c, const struct connection_options *opt)
{
	const char *how = opt->azure_sign_in, *az = "az";
	int rc;

	if (!opt->azure && !entra_for_ado(opt))
		return 0;
	if (how == NULL)
		how = on_path(az) ? "az" : "device";
	signin_init(&c->azure, &c->api, opt->tenant, opt->client_id);
	if (strcmp(how, "az") == 0)
		rc = signin_az_cli(&c->azure, az, &c->azure_error);
	else
		rc = signin_device_code(&c->azure, opt->tell ? opt->tell :
		    tell_device_code, opt->tell_arg, &c->azure_error);
	if (rc == 0 && entra_for_ado(opt))
		rc = signin_ado(&c->azure, az, &c->azure_error);
	c->signed_in_azure = rc == 0;
	if (rc != 0 && entra_for_ado(opt)) {
		fprintf(stderr, "mlops-tui: signing in to Azure DevOps with "
		    "Entra ID: %s\n", c->azure_error);
		return -1;
	}
	return 0;
}

/* connectionData: who the token is, or why it is refused (on stderr). */
static int
check_token(struct connection *c)
{
	struct api_call *call = ado_connection_data(&c->api);
	const struct api_error *e;
	int rc = 0;

	api_wait(&c->api, call);
	e = api_call_error(call);
	if (e->kind == API_OK) {
		c->user = xstrdup_or_null(api_field(api_call_result(call),
		    "authenticatedUser.providerDisplayName"));
		c->instance_id = xstrdup_or_null(api_field(
		    api_call_result(call), "instanceId"));
	} else {
		fprintf(stderr, "mlops-tui: signing in to %s: %s%s%s\n",
		    c->api.org_url, api_error_kind_name(e->kind), e->message ?
		    ": " : "", e->message ? e->message : "");
		rc = -1;
	}
	api_call_free(call);
	return rc;
}

int
connection_open(struct connection *c, const struct connection_options *given)
{
	struct connection_options chosen = *given;
	const struct connection_options *opt = &chosen;
	char *cause = NULL;

	chosen.ado_auth = chosen_ado_auth(given);
	memset(c, 0, sizeof *c);
	c->organization = organization_name(opt->org_url);
	if (opt->pat != NULL)
		c->pat = credential_new(CREDENTIAL_PAT, opt->pat);
	else if (!entra_for_ado(opt)) {
		c->pat = credential_pat(opt->pat_file, &cause);
		if (c->pat == NULL) {
			fprintf(stderr, "mlops-tui: no Azure DevOps PAT: %s "
			    "(or sign in with Entra: --ado-auth entra)\n", cause);
			free(cause);
			return -1;
		}
	}
	if (open_api(c, opt) == -1)
		return -1;
	/* With Entra the token to ask about comes from the sign-in. */
	if (entra_for_ado(opt))
		return sign_in_azure(c, opt) == -1 || (opt->check_token &&
		    check_token(c) == -1) ? -1 : 0;
	if (opt->check_token && check_token(c) == -1)
		return -1;
	return sign_in_azure(c, opt);
}

void
connection_fresh(struct connection *c)
{
	/* ARM and Graph calls renew their own (the checks' need_azure). */
	if (c->signed_in_azure && c->azure.ado != NULL)
		(void)signin_fresh(&c->azure, &c->azure_error);
}

void
connection_close(struct connection *c)
{
	signin_clear(&c->azure);
	free(c->azure_error);
	free(c->user);
	free(c->instance_id);
	http_free(c->api.http);
	free(c->api.org_url);
	free(c->api.entra_url);
	free(c->api.graph_url);
	free(c->api.arm_url);
	credential_free(c->pat);
	free(c->organization);
	memset(c, 0, sizeof *c);
}
