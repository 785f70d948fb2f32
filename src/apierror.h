/*
 * What went wrong with a call to Azure DevOps, Entra ID, Graph or ARM,
 * decoded in one place from the status and the body, whatever shape the
 * service gave it: Azure DevOps's {message, typeKey, errorCode}, Graph's
 * and ARM's {error: {code, message}}, OAuth's {error, error_description},
 * plain text, or a sign-in page where JSON was expected.
 */
#ifndef MT_APIERROR_H
#define MT_APIERROR_H

#include <stddef.h>

#include <jansson.h>

enum api_error_kind {
	API_OK,            /* 2xx with a usable body */
	API_AUTH,          /* the credentials were refused */
	API_FORBIDDEN,     /* authenticated, but not allowed */
	API_NOT_FOUND,
	API_CONFLICT,      /* already exists, stale */
	API_INVALID,       /* the request was wrong (4xx) */
	API_THROTTLED,     /* 429 */
	API_SERVER,        /* 5xx */
	API_NETWORK,       /* no answer: refused, dropped, timed out */
	API_LOST,          /* sent once, its answer lost: it may be done */
	API_POLICY,        /* refused before sending (e.g. plain HTTP) */
};

struct api_error {
	enum api_error_kind kind;
	long status;       /* HTTP status; 0 when there was none */
	char *code;        /* typeKey, Graph/ARM code or OAuth error; owned */
	char *message;     /* for a person; owned */
};

/*
 * Decode a response. A 203, or a 2xx that is HTML or not JSON where JSON
 * was expected, is Azure DevOps's sign-in page: the PAT is invalid or
 * expired. Frees what e held.
 */
void api_error_decode(struct api_error *e, long status,
    const char *content_type, const char *body, size_t len);
/* Set e to a failure without a response (kind, message). */
void api_error_set(struct api_error *e, enum api_error_kind kind,
    const char *message);
void api_error_clear(struct api_error *e);

/* Parse JSON after a UTF-8 byte order mark, if there is one. */
json_t *api_json(const char *body, size_t len);

/* "the PAT is invalid or expired"-style words for the kind. */
const char *api_error_kind_name(enum api_error_kind kind);

#endif
