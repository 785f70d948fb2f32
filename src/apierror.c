/* Decoding the errors of Azure DevOps, Entra ID, Graph and ARM. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apierror.h"
#include "xalloc.h"

json_t *
api_json(const char *body, size_t len)
{
	if (body == NULL)
		return NULL;
	/* Azure DevOps sometimes starts JSON with a byte order mark. */
	if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) {
		body += 3;
		len -= 3;
	}
	return json_loadb(body, len, 0, NULL);
}

const char *
api_error_kind_name(enum api_error_kind kind)
{
	static const char *const names[] = { "ok", "sign-in refused",
		"not allowed", "not found", "conflict", "invalid request",
		"throttled", "service error", "no answer", "answer lost",
		"refused by policy" };

	return names[kind];
}

void
api_error_clear(struct api_error *e)
{
	free(e->code);
	free(e->message);
	memset(e, 0, sizeof *e);
}

void
api_error_set(struct api_error *e, enum api_error_kind kind,
    const char *message)
{
	api_error_clear(e);
	e->kind = kind;
	e->message = xstrdup(message);
}

static enum api_error_kind
kind_of_status(long status)
{
	if (status >= 200 && status < 300)
		return API_OK;
	switch (status) {
	case 401: return API_AUTH;
	case 403: return API_FORBIDDEN;
	case 404: return API_NOT_FOUND;
	case 409: return API_CONFLICT;
	case 412: return API_CONFLICT;
	case 429: return API_THROTTLED;
	default: return status >= 500 ? API_SERVER : API_INVALID;
	}
}

static bool
is_json(const char *content_type)
{
	return content_type != NULL && strcasestr(content_type, "json") != NULL;
}

/* Pick the code and message out of whichever shape the body has. */
static void
read_shapes(struct api_error *e, json_t *doc)
{
	json_t *inner = json_object_get(doc, "error");
	const char *code = NULL, *message = NULL;

	if (json_is_object(inner)) {              /* Graph, ARM */
		code = json_string_value(json_object_get(inner, "code"));
		message = json_string_value(json_object_get(inner, "message"));
	} else if (json_is_string(inner)) {       /* OAuth */
		code = json_string_value(inner);
		message = json_string_value(json_object_get(doc,
		    "error_description"));
	} else {                                  /* Azure DevOps */
		code = json_string_value(json_object_get(doc, "typeKey"));
		message = json_string_value(json_object_get(doc, "message"));
		if (message == NULL)              /* {count, value: {Message}} */
			message = json_string_value(json_object_get(
			    json_object_get(doc, "value"), "Message"));
	}
	e->code = xstrdup_or_null(code);
	e->message = xstrdup_or_null(message);
}

/*
 * A PAT refused because the organization or its tenant restricts PATs:
 * said in those words, with the way that still works (an Entra sign-in),
 * and the service's own text after it.
 */
static void
say_pats_restricted(struct api_error *e)
{
	char *said = e->message;

	e->message = xasprintf("the organization or its tenant restricts "
	    "personal access tokens (PATs), so this PAT was refused; sign in "
	    "to Azure DevOps with Entra instead (--ado-auth entra: a device "
	    "code, or a signed-in Azure CLI's token; in the wizard, Azure "
	    "DevOps sign-in: entra). Azure DevOps said: %s", said);
	free(said);
}

void
api_error_decode(struct api_error *e, long status, const char *content_type,
    const char *body, size_t len)
{
	json_t *doc;

	api_error_clear(e);
	e->status = status;
	e->kind = kind_of_status(status);
	if (status == 203 || (e->kind == API_OK && len > 0 &&
	    !is_json(content_type) && content_type != NULL &&
	    strcasestr(content_type, "html") != NULL)) {
		e->kind = API_AUTH;
		e->message = xstrdup("the PAT is invalid or expired (the "
		    "service answered with its sign-in page)");
		return;
	}
	if (e->kind == API_OK)
		return;
	doc = api_json(body, len);
	if (doc != NULL)
		read_shapes(e, doc);
	json_decref(doc);
	if (e->message == NULL && len > 0 && !is_json(content_type) &&
	    (content_type == NULL || strcasestr(content_type, "html") == NULL))
		e->message = xstrndup(body, len > 300 ? 300 : len);
	if (e->kind == API_AUTH && e->message == NULL)
		e->message = xstrdup("the PAT is invalid or expired");
	if (e->kind == API_AUTH && e->message != NULL &&
	    strcasestr(e->message, "restricted by your organization") !=
	    NULL)
		say_pats_restricted(e);
	if (e->message == NULL)
		e->message = xasprintf("HTTP %ld", status);
}
