/*
 * The HTTP engine: libcurl's multi interface driven by the caller's event
 * loop (no thread per request, nothing blocks), with retries, decoding and
 * the transport policy in one place.
 *
 * - 429 waits for Retry-After (or X-RateLimit-Delay, at most 120 s); 500,
 *   502, 503, 504, timeouts and dropped connections back off exponentially,
 *   capped, with jitter.
 * - A host that does not resolve (any under .invalid, without asking
 *   DNS), refuses the connection or shows a certificate not trusted for
 *   it is not retried: nothing reached the service, so it is said at
 *   once, with what to check (API_NETWORK).
 * - An answer larger than 16 MiB is refused (API_SERVER), not retried.
 * - A request that creates something is never re-sent blindly after a
 *   lost answer: its lookup URL is asked first, and when the object is
 *   there, that answer completes the request.
 * - Plain HTTP only to loopback; HTTPS always verifies the certificate,
 *   and there is no option to turn that off.
 * - An opt-in log gets method, URL (secret query values redacted), status,
 *   duration and attempts - never a header or a body.
 */
#ifndef MT_HTTP_H
#define MT_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "apierror.h"
#include "credential.h"

struct http;
struct http_response;

typedef void (*http_done_cb)(const struct http_response *response,
    void *arg);
/* Whether a lookup's answer shows that the object was created. */
typedef bool (*http_found_cb)(const struct http_response *lookup,
    void *arg);

struct http_request {
	const char *method;              /* "GET", "POST", ... */
	const char *url;                 /* copied on submit */
	const char *body;                /* copied; NULL: none */
	const char *content_type;        /* NULL: application/json */
	const char *accept;              /* NULL: application/json */
	const struct credential *auth;   /* borrowed; NULL: none */
	bool creates;                    /* POST that creates something */
	bool once;                       /* never resent once it may have
	                                    arrived: the caller looks */
	const char *lookup_url;          /* for creates: where to look */
	http_found_cb found;             /* NULL: any 2xx of the lookup */
	http_done_cb done;
	void *arg;
};

struct http_response {
	long status;                     /* 0: no answer */
	char *body;                      /* NUL-terminated */
	size_t len;
	char *content_type;
	char *continuation;              /* x-ms-continuationtoken, or NULL */
	char *location;                  /* Location (a long-running
	                                    operation's), or NULL */
	long long retry_after_ms;        /* its Retry-After; -1: none */
	unsigned attempts;
	bool recovered;                  /* a lost create found by lookup */
	struct api_error error;          /* kind API_OK on success */
};

struct http_options {
	const char *log_path;            /* NULL: no log */
	long timeout_ms;                 /* per attempt; 0: the environment's
	                                    MLOPS_TUI_HTTP_TIMEOUT_MS, else
	                                    30000 */
	unsigned max_attempts;           /* 0: 6 (a 429 gets 4 times as many) */
	unsigned base_backoff_ms;        /* 0: 500 */
	unsigned max_backoff_ms;         /* 0: 30000 */
};

int http_new(struct http **out, const struct http_options *opt,
    char **cause);
/* Cancel what is in flight (no callbacks) and free; NULL is allowed. */
void http_free(struct http *h);

/*
 * Start req. Refused (-1 with *cause, and no callback) when the URL is
 * plain HTTP to a host that is not loopback.
 */
int http_submit(struct http *h, const struct http_request *req,
    char **cause);

/*
 * Wait up to timeout_ms for network activity or for any of extra's file
 * descriptors, then move every transfer on and call the callbacks of
 * those that finished. Returns the number still active.
 */
int http_step(struct http *h, struct curl_waitfd *extra, unsigned nextra,
    int timeout_ms);
/* How long until the engine next needs a step (ms), -1 when idle. */
long http_next_timeout(struct http *h);
/* Step until nothing is active (for the command line, never the UI). */
void http_run(struct http *h);

/* The length of url's scheme://host[:port] (its service); 0 when it has
 * no scheme. */
size_t http_url_origin_len(const char *url);
/* Whether url's host is this machine (the sandbox). */
bool http_url_is_loopback(const char *url);
/* Whether url may be used: https, or http to a loopback host. */
bool http_url_allowed(const char *url);

#endif
