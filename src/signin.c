/* Entra ID sign-in for ARM and Graph: device code, refresh, Azure CLI. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "cloud.h"
#include "fiber.h"
#include "signin.h"
#include "xalloc.h"

extern char **environ;

#define AZ_OUTPUT_MAX (64u * 1024)

void
signin_init(struct signin *s, struct api *api, const char *tenant,
    const char *client_id)
{
	memset(s, 0, sizeof *s);
	s->api = api;
	s->tenant = xstrdup(tenant ? tenant : "organizations");
	s->client_id = xstrdup(client_id ? client_id : CLOUD_CLI_CLIENT_ID);
}

/* The api's ARM and Graph calls use the current tokens. */
static int
publish(struct signin *s, int rc)
{
	s->api->arm = s->arm;
	s->api->graph = s->graph;
	if (s->ado != NULL)
		s->api->ado = s->ado;
	return rc;
}

/* Whether a token answer has its token (a service that answers 200 with
 * something else is not trusted with a NULL). */
static bool
has_token(json_t *answer, const char *field)
{
	return json_is_string(json_object_get(answer, field)) &&
	    json_string_length(json_object_get(answer, field)) > 0;
}

/* Keep the token of a token answer in *slot, and its expiry. */
static void
keep_token(json_t *answer, struct credential **slot, time_t *expires)
{
	credential_free(*slot);
	*slot = credential_new(CREDENTIAL_BEARER, json_string_value(
	    json_object_get(answer, "access_token")));
	*expires = time(NULL) + (time_t)json_integer_value(json_object_get(
	    answer, "expires_in"));
}

static int
call_error(struct api_call *c, const char *what, char **cause)
{
	const struct api_error *e = api_call_error(c);

	return cause_error(cause,
	    "%s: %s%s%s", what, api_error_kind_name(e->kind),
	    e->message ? ": " : "", e->message ? e->message : "");
}

/* A token for scope from the refresh token, which Entra may rotate. */
static int
redeem(struct signin *s, const char *scope, struct credential **slot,
    time_t *expires, char **cause)
{
	struct api_call *c = entra_refresh(s->api, s->tenant, s->client_id,
	    s->refresh->secret, scope);
	const char *rotated;
	int rc = 0;

	api_wait(s->api, c);
	if (api_call_error(c)->kind != API_OK)
		rc = call_error(c, "renewing the Azure token", cause);
	else if (!has_token(api_call_result(c), "access_token"))
		rc = cause_error(cause, "renewing the Azure token: the answer "
		    "has no access_token");
	else {
		keep_token(api_call_result(c), slot, expires);
		rotated = api_field(api_call_result(c), "refresh_token");
		if (rotated != NULL) {
			credential_free(s->refresh);
			s->refresh = credential_new(CREDENTIAL_BEARER, rotated);
		}
		s->refreshes++;
	}
	api_call_free(c);
	return rc;
}

/* Poll until the user signs in; the answer of the poll that succeeded. */
static struct api_call *
poll_until_signed_in(struct signin *s, const char *device_code,
    long interval, long expires_in, char **cause)
{
	struct api_call *c;
	const char *code;
	time_t end = time(NULL) + expires_in;

	for (;;) {
		if (time(NULL) > end) {
			cause_error(cause, "the Azure sign-in: the code expired "
			    "before the sign-in was done");
			return NULL;
		}
		fiber_sleep_ms(interval * 1000);
		c = entra_poll_token(s->api, s->tenant, s->client_id,
		    device_code);
		api_wait(s->api, c);
		code = api_call_error(c)->code;
		if (api_call_error(c)->kind == API_OK)
			return c;
		if (code != NULL && strcmp(code, "slow_down") == 0)
			interval = interval + 5 > 60 ? 60 : interval + 5;
		else if (code == NULL || strcmp(code,
		    "authorization_pending") != 0) {
			call_error(c, "the Azure sign-in", cause);
			api_call_free(c);
			return NULL;
		}
		api_call_free(c);
	}
}

int
signin_device_code(struct signin *s, signin_tell_cb tell, void *arg,
    char **cause)
{
	struct api_call *start, *c;
	long interval, expires_in;
	char *device_code;
	json_t *answer;

	start = entra_devicecode(s->api, s->tenant, s->client_id,
	    CLOUD_SCOPE_ARM);
	api_wait(s->api, start);
	if (api_call_error(start)->kind != API_OK) {
		call_error(start, "starting the Azure sign-in", cause);
		api_call_free(start);
		return -1;
	}
	answer = api_call_result(start);
	if (api_field(answer, "device_code") == NULL) {
		api_call_free(start);
		return cause_error(cause, "starting the Azure sign-in: the "
		    "answer has no device_code");
	}
	tell(api_field(answer, "message"), arg);
	/* Entra says 5 s and 15 minutes; a wild answer is held to sense. */
	interval = (long)json_integer_value(json_object_get(answer,
	    "interval"));
	interval = interval < 0 ? 0 : interval > 60 ? 60 : interval;
	expires_in = (long)json_integer_value(json_object_get(answer,
	    "expires_in"));
	expires_in = expires_in <= 0 || expires_in > 900 ? 900 : expires_in;
	device_code = xstrdup(api_field(answer, "device_code"));
	api_call_free(start);
	c = poll_until_signed_in(s, device_code, interval, expires_in, cause);
	credential_wipe(device_code);
	if (c == NULL)
		return -1;
	if (!has_token(api_call_result(c), "access_token") ||
	    !has_token(api_call_result(c), "refresh_token")) {
		api_call_free(c);
		return cause_error(cause, "the Azure sign-in: the answer has no "
		    "access_token or refresh_token");
	}
	keep_token(api_call_result(c), &s->arm, &s->arm_expires);
	s->refresh = credential_new(CREDENTIAL_BEARER, api_field(
	    api_call_result(c), "refresh_token"));
	api_call_free(c);
	return publish(s, redeem(s, CLOUD_SCOPE_GRAPH, &s->graph,
	    &s->graph_expires, cause));
}

/* ---- the Azure CLI ---------------------------------------------------- */

/* Read all of fd (up to AZ_OUTPUT_MAX) into a string. */
static char *
read_all(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = xmalloc(cap);
	ssize_t n;

	while (len < AZ_OUTPUT_MAX) {
		if (len + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

/* Run az with args, stdin from /dev/null; its output, or NULL. */
static char *
run_az(const char *az, char *const argv[], char **cause)
{
	posix_spawn_file_actions_t fa;
	int out[2], status;
	pid_t pid;
	char *text;

	if (pipe(out) == -1)
		return cause_error(cause, "pipe: %s", strerror(errno)), NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	/* The child gets our environment, from which the PAT is gone. */
	status = posix_spawnp(&pid, az, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	if (status != 0) {
		close(out[0]);
		return cause_error(cause, "%s: cannot run it: %s", az,
		    strerror(status)), NULL;
	}
	text = read_all(out[0]);
	close(out[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return text;
	credential_wipe(text);
	return cause_error(cause,
	    "%s account get-access-token failed (is the Azure "
	    "CLI signed in? run 'az login')", az), NULL;
}

static int
az_token(const char *az, const char *resource_flag, const char *resource,
    struct credential **slot, time_t *expires, char **cause)
{
	char *const argv[] = { (char *)az, "account", "get-access-token",
		(char *)resource_flag, (char *)resource, "--output", "json",
		NULL };
	char *text;
	json_t *answer;
	const char *token;

	/* The CLI takes a second or so: beside the loop, in a fiber. */
	fiber_unlock();
	text = run_az(az, argv, cause);
	fiber_lock();
	if (text == NULL)
		return -1;
	answer = json_loads(text, 0, NULL);
	credential_wipe(text);
	token = json_string_value(json_object_get(answer, "accessToken"));
	if (token == NULL) {
		json_decref(answer);
		return cause_error(cause,
		    "%s account get-access-token: no accessToken "
		    "in its answer", az);
	}
	credential_free(*slot);
	*slot = credential_new(CREDENTIAL_BEARER, token);
	*expires = (time_t)json_integer_value(json_object_get(answer,
	    "expires_on"));
	if (*expires == 0)
		*expires = time(NULL) + SIGNIN_REFRESH_MARGIN_S;
	json_decref(answer);
	return 0;
}

/* The Azure CLI's tokens that are about to expire, asked for again. */
static int
az_fresh(struct signin *s, time_t soon, char **cause)
{
	if (s->arm_expires < soon && az_token(s->az, "--resource",
	    "https://management.azure.com/", &s->arm, &s->arm_expires,
	    cause) == -1)
		return -1;
	if (s->graph_expires < soon && az_token(s->az, "--resource-type",
	    "ms-graph", &s->graph, &s->graph_expires, cause) == -1)
		return -1;
	if (s->ado != NULL && s->ado_expires < soon && az_token(s->az,
	    "--resource", "499b84ac-1321-427f-aa17-267ca6975798", &s->ado,
	    &s->ado_expires, cause) == -1)
		return -1;
	return 0;
}

int
signin_az_cli(struct signin *s, const char *az, char **cause)
{
	free(s->az);
	s->az = xstrdup(az);
	if (az_token(az, "--resource", "https://management.azure.com/",
	    &s->arm, &s->arm_expires, cause) == -1)
		return -1;
	return publish(s, az_token(az, "--resource-type", "ms-graph",
	    &s->graph, &s->graph_expires, cause));
}

int
signin_ado(struct signin *s, const char *az, char **cause)
{
	/* The Azure DevOps resource, as `az account get-access-token
	 * --resource` and the v2 scope name it. */
	if (s->refresh == NULL)
		return publish(s, az_token(az, "--resource",
		    "499b84ac-1321-427f-aa17-267ca6975798", &s->ado,
		    &s->ado_expires, cause));
	return publish(s, redeem(s, CLOUD_SCOPE_ADO, &s->ado,
	    &s->ado_expires, cause));
}

/* ---- keeping tokens fresh --------------------------------------------- */

int
signin_fresh(struct signin *s, char **cause)
{
	time_t soon = time(NULL) + SIGNIN_REFRESH_MARGIN_S;

	if (s->arm == NULL || s->graph == NULL)
		return cause_error(cause, "not signed in to Azure");
	if (s->refresh == NULL)
		return publish(s, s->az ? az_fresh(s, soon, cause) : 0);
	if (s->arm_expires < soon && redeem(s, CLOUD_SCOPE_ARM, &s->arm,
	    &s->arm_expires, cause) == -1)
		return publish(s, -1);
	if (s->graph_expires < soon && redeem(s, CLOUD_SCOPE_GRAPH,
	    &s->graph, &s->graph_expires, cause) == -1)
		return publish(s, -1);
	if (s->ado != NULL && s->ado_expires < soon && redeem(s,
	    CLOUD_SCOPE_ADO, &s->ado, &s->ado_expires, cause) == -1)
		return publish(s, -1);
	return publish(s, 0);
}

void
signin_clear(struct signin *s)
{
	if (s->api != NULL) {
		s->api->arm = NULL;
		s->api->graph = NULL;
		if (s->ado != NULL)
			s->api->ado = NULL;
	}
	free(s->az);
	credential_free(s->refresh);
	credential_free(s->arm);
	credential_free(s->graph);
	credential_free(s->ado);
	free(s->tenant);
	free(s->client_id);
	memset(s, 0, sizeof *s);
}
