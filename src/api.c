/* Calls: a request, its pages, and the decoded answer. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "fiber.h"
#include "xalloc.h"

/* A list the service keeps paging beyond these is refused: a runaway
 * or hostile service must not grow memory without end. */
#define MAX_PAGES 1000
#define MAX_LIST_BYTES (64u << 20)

struct api_call {
	struct api *api;
	struct api_call_spec spec;
	char *lookup_name;             /* owned copy of spec.lookup_name */
	unsigned pages;                /* of a list, read so far */
	size_t list_bytes;             /* their answers' sizes, summed */
	bool done;
	bool recovered;
	struct api_error error;
	json_t *result;
	long status;                   /* the last answer's HTTP status */
	char *location;                /* its Location header, or NULL */
	long long retry_after_ms;      /* its Retry-After; -1: none */
};

char *
api_escape(const char *s)
{
	char *out = xmalloc(3 * strlen(s) + 1), *o = out;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			*o++ = (char)*p;
		else
			o += sprintf(o, "%%%02X", *p);
	}
	*o = '\0';
	return out;
}

char *
api_url(struct api *api, const char *version, const char *fmt, ...)
{
	va_list ap;
	char *path, *url;

	va_start(ap, fmt);
	path = xvasprintf(fmt, ap);
	va_end(ap);
	url = xasprintf("%s/%s%sapi-version=%s", api->org_url, path,
	    strchr(path, '?') ? "&" : "?", version);
	free(path);
	return url;
}

struct api_call;
static void submit(struct api_call *call, const char *url);

/* Whether a lookup's answer is the object the lost create was to make. */
static bool
shows_name(const struct http_response *r, void *arg)
{
	struct api_call *call = arg;
	json_t *doc = api_json(r->body, r->len), *item;
	const char *name = json_string_value(json_object_get(doc, "name"));
	bool same = name != NULL && strcasecmp(name, call->lookup_name) == 0;
	size_t i;

	/* A lookup may also be a list filtered by name; Graph says
	 * displayName. */
	json_array_foreach(json_object_get(doc, "value"), i, item) {
		name = json_string_value(json_object_get(item, "name"));
		if (name == NULL)
			name = json_string_value(json_object_get(item,
			    "displayName"));
		same |= name != NULL && strcasecmp(name, call->lookup_name) == 0;
	}
	json_decref(doc);
	return same;
}

/*
 * A lost create found by its lookup: the object itself, as the create
 * would have answered, rather than the list the lookup gave.
 */
static json_t *
recovered_object(struct api_call *call, json_t *doc)
{
	json_t *item, *found = NULL;
	size_t i;

	if (call->lookup_name == NULL || !json_is_array(json_object_get(doc,
	    "value")))
		return doc;
	json_array_foreach(json_object_get(doc, "value"), i, item) {
		const char *name = json_string_value(json_object_get(item,
		    "name"));

		if (name == NULL)
			name = json_string_value(json_object_get(item,
			    "displayName"));
		if (found == NULL && name != NULL &&
		    strcasecmp(name, call->lookup_name) == 0)
			found = json_incref(item);
	}
	json_decref(doc);
	return found ? found : json_object();
}

/* Whether a next page's link stays with the service that gave it: the
 * credential goes with it. */
static bool
same_origin(const char *a, const char *b)
{
	size_t n = http_url_origin_len(a);

	return n > 0 && n == http_url_origin_len(b) && strncasecmp(a, b, n) ==
	    0;
}

/* The URL of the next page, or NULL. */
static char *
next_page(struct api_call *call, const struct http_response *r,
    json_t *doc)
{
	const char *link = json_string_value(json_object_get(doc,
	    "@odata.nextLink"));
	const char *next = json_string_value(json_object_get(doc, "nextLink"));
	char *token;

	if (link != NULL || next != NULL)
		return xstrdup(link ? link : next);
	if (json_object_get(doc, "@odata.nextLink") != NULL ||
	    json_object_get(doc, "nextLink") != NULL)
		return xstrdup(""); /* a link that is not a string */
	if (r->continuation == NULL || r->continuation[0] == '\0')
		return NULL;
	token = api_escape(r->continuation);
	char *url = xasprintf("%s%scontinuationToken=%s", call->spec.url,
	    strchr(call->spec.url, '?') ? "&" : "?", token);
	free(token);
	return url;
}

/* End call with an answer that cannot be used. */
static void
fail(struct api_call *call, const struct http_response *r,
    const char *why)
{
	api_error_set(&call->error, API_SERVER, why);
	call->error.status = r->status;
	call->done = true;
}

static void
on_done(const struct http_response *r, void *arg)
{
	struct api_call *call = arg;
	json_t *doc, *value;
	char *next;

	call->recovered |= r->recovered;
	call->status = r->status;
	free(call->location);
	call->location = xstrdup_or_null(r->location);
	call->retry_after_ms = r->retry_after_ms;
	if (r->error.kind != API_OK) {
		api_error_set(&call->error, r->error.kind, r->error.message);
		call->error.status = r->status;
		call->error.code = xstrdup_or_null(r->error.code);
		call->done = true;
		return;
	}
	doc = api_json(r->body, r->len);
	/* A 2xx whose body is there but is not JSON (truncated, garbage) is
	 * not an empty answer: acting on it could make a thing twice. */
	if (doc == NULL && r->body != NULL && r->body[strspn(r->body,
	    " \t\r\n")] != '\0') {
		fail(call, r, "the answer is not JSON (cut short, or not from "
		    "the service?)");
		return;
	}
	if (r->recovered && !call->spec.collection)
		doc = recovered_object(call, doc);
	if (!call->spec.collection) {
		call->result = doc ? doc : json_object();
		call->done = true;
		return;
	}
	value = json_object_get(doc, "value");
	if (call->result == NULL)
		call->result = json_array();
	if (doc != NULL && !json_is_array(value)) {
		json_decref(doc);
		fail(call, r, "the answer is not a list (no array 'value')");
		return;
	}
	if (json_is_array(value))
		json_array_extend(call->result, value);
	next = next_page(call, r, doc);
	json_decref(doc);
	call->list_bytes += r->len;
	if (next != NULL && !same_origin(next, call->spec.url))
		fail(call, r, "the answer's next page is on another host "
		    "(or not a URL): refused");
	else if (next != NULL && (++call->pages >= MAX_PAGES ||
	    call->list_bytes > MAX_LIST_BYTES))
		fail(call, r, "the list goes on past 1000 pages or 64 MiB: "
		    "refused");
	else if (next != NULL)
		submit(call, next);
	else
		call->done = true;
	free(next);
}

static void
submit(struct api_call *call, const char *url)
{
	struct http_request req = {
		.method = call->spec.method, .url = url, .body = call->spec.body,
		.content_type = call->spec.content_type,
		.auth = call->spec.no_auth ? NULL : call->spec.auth ?
		    call->spec.auth : call->api->ado,
		.creates = call->spec.creates, .once = call->spec.once,
		.lookup_url = call->spec.lookup_url,
		.found = call->spec.lookup_name ? shows_name : NULL,
		.done = on_done, .arg = call,
	};
	char *cause = NULL;

	if (http_submit(call->api->http, &req, &cause) != 0) {
		api_error_set(&call->error, API_POLICY, cause);
		call->done = true;
	}
	free(cause);
}

struct api_call *
api_call_start(struct api *api, struct api_call_spec *spec)
{
	struct api_call *call = xcalloc(1, sizeof *call);

	call->api = api;
	call->spec = *spec;
	if (spec->json != NULL) {
		call->spec.body = json_dumps(spec->json, JSON_COMPACT);
		json_decref(spec->json);
		call->spec.json = NULL;
	}
	call->lookup_name = xstrdup_or_null(spec->lookup_name);
	call->spec.lookup_name = call->lookup_name;
	memset(spec, 0, sizeof *spec);
	submit(call, call->spec.url);
	return call;
}

struct api_call *
api_request(struct api *api, const char *method, char *url, json_t *body,
    bool collection)
{
	struct api_call_spec spec = { .method = method, .url = url,
		.json = body, .collection = collection };

	return api_call_start(api, &spec);
}

bool
api_call_done(const struct api_call *call)
{
	return call->done;
}

const struct api_error *
api_call_error(const struct api_call *call)
{
	return &call->error;
}

json_t *
api_call_result(const struct api_call *call)
{
	return call->result;
}

bool
api_call_recovered(const struct api_call *call)
{
	return call->recovered;
}

void
api_call_free(struct api_call *call)
{
	if (call == NULL)
		return;
	free(call->spec.url);
	credential_wipe(call->spec.body); /* it may carry a secret */
	free(call->spec.lookup_url);
	free(call->lookup_name);
	api_error_clear(&call->error);
	json_decref(call->result);
	free(call->location);
	free(call);
}

long
api_call_status(const struct api_call *call)
{
	return call->status;
}

const char *
api_call_location(const struct api_call *call)
{
	return call->location;
}

long long
api_call_retry_after_ms(const struct api_call *call)
{
	return call->retry_after_ms;
}

static bool
call_is_done(void *call)
{
	return ((struct api_call *)call)->done;
}

void
api_wait(struct api *api, struct api_call *call)
{
	/* In a fiber the loop steps the engine; wait for our turn. */
	if (fiber_self() != NULL) {
		if (!call->done)
			fiber_wait(call_is_done, call);
		return;
	}
	while (!call->done)
		http_step(api->http, NULL, 0, 1000);
}

const char *
api_field(json_t *object, const char *path)
{
	char *copy = xstrdup(path), *save = NULL;
	json_t *v = object;

	for (char *part = strtok_r(copy, ".", &save); part != NULL && v;
	    part = strtok_r(NULL, ".", &save))
		v = json_object_get(v, part);
	free(copy);
	return json_string_value(v);
}

size_t
api_count(const struct api_call *call)
{
	return json_is_array(call->result) ? json_array_size(call->result) : 0;
}

json_t *
api_item(const struct api_call *call, size_t i)
{
	return json_array_get(call->result, i);
}
