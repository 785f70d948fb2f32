/*
 * One request and its answer, as the sandbox's handlers see them: the
 * server parses the request (path below the organization, query, api
 * version, JSON body) and writes out whatever the handler put in the reply.
 */
#ifndef MT_SIM_EXCHANGE_H
#define MT_SIM_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "sim/world.h"

#define EXCHANGE_MAX_PARAMS 6

struct api_version {
	bool given;
	int major, minor;
	bool preview;
	int preview_number;      /* 0 when not given */
	char text[32];
};

struct exchange {
	/* the request */
	const char *method;
	const char *path;        /* below /{org}/, without the query */
	const char *base_url;    /* http://host:port/org */
	char *params[EXCHANGE_MAX_PARAMS]; /* {captures} of the route */
	struct api_version version;
	json_t *body;            /* parsed JSON body, or NULL */
	const char *raw_body;
	size_t raw_len;
	void *connection;        /* for query lookups */
	struct world *world;

	/* the reply */
	int status;
	char *content_type;      /* NULL: application/json */
	char *reply;             /* owned */
	size_t reply_len;        /* 0: strlen(reply) */
	char *header_names[8];   /* extra headers of the reply */
	char *header_values[8];
	size_t nheaders;
};

/* A query parameter, case-insensitively; NULL when absent. */
const char *exchange_query(struct exchange *x, const char *name);

/* Reply with JSON (stolen) and a status. */
void exchange_json(struct exchange *x, int status, json_t *body);
/* A field of a form-encoded body (percent-decoded; caller frees), or NULL. */
char *exchange_form(struct exchange *x, const char *name);

/*
 * Reply with the error shape of Microsoft Graph or ARM:
 * {"error": {"code", "message", ...}}.
 */
void exchange_cloud_error(struct exchange *x, int status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The bearer token of the request, or NULL. Borrowed. */
const char *exchange_bearer(struct exchange *x);

/* text in base64url without padding, as descriptors use it. Caller frees. */
char *exchange_base64url(const char *text);
/* Decode base64 (NUL-terminated too); NULL when malformed. Caller frees. */
char *exchange_base64_decode(const char *text, size_t *len);

/* Reply 405: the route does not take this method. */
void exchange_method_not_allowed(struct exchange *x);

/* Add a header to the reply (at most 8). */
void exchange_add_header(struct exchange *x, const char *name,
    const char *value);

/* Reply 204 No Content. */
void exchange_no_content(struct exchange *x);
/* Reply with bytes as they are. */
void exchange_raw(struct exchange *x, int status, const char *type,
    const void *data, size_t len);
/* A request header, or NULL. */
const char *exchange_header(struct exchange *x, const char *name);

/* Reply {"count": N, "value": list} (list stolen). */
void exchange_collection(struct exchange *x, json_t *list);

/*
 * Reply with Azure DevOps's error body: $id, innerException, message,
 * typeName, typeKey, errorCode, eventId.
 */
void exchange_error(struct exchange *x, int status, const char *type_key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
