/*
 * Typed calls to Azure DevOps, Entra ID, Graph and ARM on the HTTP engine.
 *
 * A call is started, runs while the caller steps the engine (the UI's
 * loop, or api_wait on the command line), and is then read through the
 * typed accessors of its area (ado_core.h, ado_git.h, ...). A call follows
 * continuation tokens and nextLink itself, so a list is whole when done.
 *
 * Ownership: an api_call belongs to the caller until api_call_free; the
 * strings its accessors return are borrowed from it.
 */
#ifndef MT_API_H
#define MT_API_H

#include <stdbool.h>

#include <jansson.h>

#include "apierror.h"
#include "credential.h"
#include "http.h"

struct api {
	struct http *http;
	char *org_url;                 /* https://dev.azure.com/contoso */
	const struct credential *ado;  /* PAT or Entra token; borrowed */
	char *entra_url;               /* https://login.microsoftonline.com */
	char *graph_url;               /* https://graph.microsoft.com/v1.0 */
	char *arm_url;                 /* https://management.azure.com */
	const struct credential *graph; /* bearer tokens; borrowed */
	const struct credential *arm;
};

struct api_call;

/* Where a call's request goes and how its answer is read. */
struct api_call_spec {
	const char *method;
	char *url;                     /* owned by the spec until started */
	char *body;                    /* JSON text, owned; NULL: none */
	json_t *json;                  /* or a JSON body, taken over */
	bool creates;
	bool once;                     /* see http_request.once */
	char *lookup_url;              /* for creates; owned */
	const char *lookup_name;       /* the lookup must show this name */
	bool collection;               /* {count, value} or {value}: pages */
	const struct credential *auth; /* NULL: api->ado */
	const char *content_type;      /* NULL: application/json */
	bool no_auth;                  /* send no Authorization header */
};

/* Start a call; its spec's strings are taken over. */
struct api_call *api_call_start(struct api *api, struct api_call_spec *spec);
/* A call that is a method, a URL and a JSON body (NULL: none), all taken
 * over, with the Azure DevOps credential. */
struct api_call *api_request(struct api *api, const char *method, char *url,
    json_t *body, bool collection);
bool api_call_done(const struct api_call *call);
/* API_OK, or what went wrong (also for a refused start). */
const struct api_error *api_call_error(const struct api_call *call);
/* The answer: an object, or for collections the array of every page. */
json_t *api_call_result(const struct api_call *call);
bool api_call_recovered(const struct api_call *call);
/* The HTTP status of the call's last answer (0: none), and its Location
 * header (a long-running operation's status URL; NULL: none). */
long api_call_status(const struct api_call *call);
const char *api_call_location(const struct api_call *call);
/* Its Retry-After in ms (how soon to poll an operation); -1: none. */
long long api_call_retry_after_ms(const struct api_call *call);
/* Free a call that is done (or whose engine was freed); NULL is allowed. */
void api_call_free(struct api_call *call);

/*
 * A string field of the answer (or of a list's item), by a dotted path
 * such as "authenticatedUser.providerDisplayName"; NULL when absent.
 */
const char *api_field(json_t *object, const char *path);
/* The number of items of a list answer, and one of them (borrowed). */
size_t api_count(const struct api_call *call);
json_t *api_item(const struct api_call *call, size_t i);

/* Wait until call is done: in a fiber, give the turn back until it is;
 * elsewhere (the command line, never the UI) step the engine. */
void api_wait(struct api *api, struct api_call *call);

/* "{org}/{path}?api-version={version}" with the parts URL-encoded. */
char *api_url(struct api *api, const char *version, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* s percent-encoded for a path segment or a query value; caller frees. */
char *api_escape(const char *s);

#endif
