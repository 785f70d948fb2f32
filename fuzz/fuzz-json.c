/*
 * The decoders of what the services answer: api_error_decode (every
 * error shape, by status and content type), api_json (the byte order
 * mark), the field and item readers the steps use on answers
 * (api_field, is_contributor_on), credential_principal_text (a pasted
 * `az ad sp create-for-rbac` answer) and yamljson_parse (files read
 * from repositories).
 *
 * Input: two bytes of status, one byte choosing the content type, then
 * the body.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "apierror.h"
#include "checks.h"
#include "credential.h"
#include "fuzz.h"
#include "yamljson.h"

static const char *const content_types[] = {
	NULL,
	"application/json; charset=utf-8; api-version=7.1",
	"application/json",
	"text/html; charset=utf-8",
	"text/plain; charset=utf-8",
	"application/problem+json",
	"",
	"TEXT/HTML",
};
#define NTYPES (sizeof content_types / sizeof content_types[0])

/* Dotted paths the steps read from answers. */
static const char *const fields[] = {
	"authenticatedUser.providerDisplayName", "id", "name", "state",
	"status", "result", "defaultBranch", "properties.scope",
	"properties.roleDefinitionId", "error.code", "access_token",
	"..", ".", "",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_error e;
	struct credential *c;
	const char *body, *type;
	char *app = NULL, *tenant = NULL, *cause = NULL;
	json_t *doc, *item;
	size_t len, i;
	long status;

	if (size < 3)
		return 0;
	/* 0..999 covers every status a service sends, and nonsense. */
	status = (long)(((unsigned)data[0] << 8 | data[1]) % 1000);
	type = content_types[data[2] % NTYPES];
	body = (const char *)data + 3;
	len = size - 3;

	memset(&e, 0, sizeof e);
	api_error_decode(&e, status, type, body, len);
	FUZZ_ASSERT(e.status == status);
	FUZZ_ASSERT(e.kind == API_OK || e.message != NULL);
	(void)api_error_kind_name(e.kind);
	api_error_clear(&e);

	doc = api_json(body, len);
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		(void)api_field(doc, fields[i]);
	(void)is_contributor_on(doc, "00000000-0000-0000-0000-000000000000");
	json_array_foreach(json_object_get(doc, "value"), i, item) {
		(void)api_field(item, "name");
		(void)is_contributor_on(item, "sub");
	}
	json_decref(doc);

	c = credential_principal_text(body, len, "pasted", &app, &tenant,
	    &cause);
	FUZZ_ASSERT((c == NULL) == (cause != NULL));
	FUZZ_ASSERT((c == NULL) == (app == NULL));
	credential_free(c);
	free(app);
	free(tenant);
	free(cause);
	cause = NULL;

	doc = yamljson_parse(body, len, &cause);
	FUZZ_ASSERT((doc == NULL) == (cause != NULL));
	json_decref(doc);
	free(cause);
	return 0;
}
