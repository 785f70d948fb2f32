/* The HTTP engine: curl multi, retries, lost creates, policy, log. */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "credential.h"
#include "http.h"
#include "secret.h"
#include "timefmt.h"
#include "xalloc.h"

/* The largest answer read; more is refused, never retried. */
#define MAX_BODY (16u << 20)
/* The longest Retry-After (or X-RateLimit-Delay) waited for, in seconds. */
#define MAX_RETRY_AFTER_S 120.0

struct transfer {
	struct http *h;
	CURL *easy;
	struct curl_slist *headers;
	struct http_request req;         /* strings below are owned copies */
	char *url, *body, *content_type, *accept, *lookup_url;
	struct http_response resp;
	long long started_ms;
	long long due_ms;                /* when a waiting retry starts */
	bool looking_up;                 /* this attempt is the lookup */
	unsigned lookups;                /* lookups that did not show it */
	bool waiting;                    /* not in the multi handle */
	bool too_large;                  /* the answer passed MAX_BODY */
	bool not_loopback;               /* plain http reached elsewhere */
	bool never_resolves;             /* a host RFC 6761 reserves */
	size_t body_cap;                 /* allocated for resp.body */
	struct transfer *next;
};

struct http {
	CURLM *multi;
	struct transfer *list;
	FILE *log;
	long timeout_ms;
	unsigned max_attempts, base_backoff_ms, max_backoff_ms;
	unsigned long long rng;
	/* A service (scheme://host:port) that answered 429 with Retry-After:
	 * its limits are the user's, so nothing more goes to it until then. */
	char *held_host;
	long long held_until;
};

static long long
now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* ---- policy --------------------------------------------------------- */

/*
 * Whether host names this machine: "localhost", an IPv4 literal in
 * 127.0.0.0/8 or the IPv6 loopback literal. Only literals, read as
 * addresses: a name such as 127.0.0.1.example.com is anyone's.
 */
static bool
loopback_host(const char *host)
{
	struct in_addr v4;
	struct in6_addr v6;
	char bare[INET6_ADDRSTRLEN];
	size_t len = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	if (len > 2 && host[0] == '[' && host[len - 1] == ']' &&
	    len - 2 < sizeof bare) {
		memcpy(bare, host + 1, len - 2);
		bare[len - 2] = '\0';
		host = bare;
	}
	return inet_pton(AF_INET6, host, &v6) == 1 &&
	    IN6_IS_ADDR_LOOPBACK(&v6);
}

/* Whether a connected-to address is this machine's (see loopback_host). */
static bool
loopback_address(const struct sockaddr *a)
{
	if (a->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)(const void *)a)->
		    sin_addr.s_addr) >> 24) == 127;
	if (a->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)
		    (const void *)a)->sin6_addr);
	return false;
}

/* The scheme and host of url (curl frees them), or false. */
static bool
url_parts(const char *url, char **scheme, char **host)
{
	CURLU *u = curl_url();
	bool ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, host, 0) == CURLUE_OK;

	curl_url_cleanup(u);
	return ok;
}

bool
http_url_allowed(const char *url)
{
	char *scheme = NULL, *host = NULL;
	bool ok = url_parts(url, &scheme, &host) && (strcasecmp(scheme,
	    "https") == 0 || (strcasecmp(scheme, "http") == 0 &&
	    loopback_host(host)));

	curl_free(scheme);
	curl_free(host);
	return ok;
}

bool
http_url_is_loopback(const char *url)
{
	char *scheme = NULL, *host = NULL;
	bool ok = url_parts(url, &scheme, &host) && loopback_host(host);

	curl_free(scheme);
	curl_free(host);
	return ok;
}

/*
 * Whether url's host is under .invalid, which RFC 6761 reserves as a
 * name that never resolves, and asks resolvers to refuse without asking
 * DNS: so it is refused here, and nothing leaves the machine for it.
 */
static bool
url_never_resolves(const char *url)
{
	char *scheme = NULL, *host = NULL;
	bool reserved = false;
	size_t len;

	if (url_parts(url, &scheme, &host)) {
		len = strlen(host);
		if (len > 0 && host[len - 1] == '.')
			len--;          /* the root's dot: "x.invalid." */
		reserved = (len == 7 && strncasecmp(host, "invalid", 7) == 0) ||
		    (len > 8 && strncasecmp(host + len - 8, ".invalid", 8) == 0);
	}
	curl_free(scheme);
	curl_free(host);
	return reserved;
}

/* A certificate that is not trusted for the host: the same certificate
 * comes back on every try (an intercepting proxy, a wrong host). */
static bool
untrusted(CURLcode code)
{
	return code == CURLE_PEER_FAILED_VERIFICATION ||
	    code == CURLE_SSL_CACERT_BADFILE;
}

/*
 * Failures where nothing reached the service and trying again soon would
 * fail alike: a name that does not resolve, nothing listening, a
 * certificate not trusted. Said at once (a typo in the organization's
 * URL, a proxy, no network), not after the back-off a timeout or a 503
 * gets (a doctor against an untrusted certificate took 2.5 minutes).
 */
static bool
unreachable(CURLcode code)
{
	return code == CURLE_COULDNT_RESOLVE_HOST ||
	    code == CURLE_COULDNT_RESOLVE_PROXY ||
	    code == CURLE_COULDNT_CONNECT || untrusted(code);
}

/* ---- the log ----------------------------------------------------------- */

/* url with the values of secret-named query parameters redacted. */
static char *
redacted_url(const char *url)
{
	char *out = xstrdup(url), *q = strchr(out, '?'), *next, *eq;

	for (char *p = q; p != NULL; p = next) {
		p++;
		next = strchr(p, '&');
		eq = strchr(p, '=');
		if (eq == NULL || (next != NULL && eq > next))
			continue;
		char *key = xstrndup(p, (size_t)(eq - p));
		if (secret_is_secret_name(key)) {
			size_t end = next ? (size_t)(next - out) : strlen(out);
			char *fixed = xasprintf("%.*s(redacted)%s",
			    (int)(eq + 1 - out), out, out + end);
			next = strchr(fixed + (eq + 1 - out), '&');
			free(out);
			out = fixed;
		}
		free(key);
	}
	return out;
}

static void
log_transfer(struct transfer *t)
{
	char when[TIMEFMT_LEN], *url;

	if (t->h->log == NULL)
		return;
	url = redacted_url(t->looking_up ? t->lookup_url : t->url);
	fprintf(t->h->log, "%s %s %s %ld %lldms attempt %u%s\n",
	    timefmt_iso8601(time(NULL), when), t->looking_up ? "GET" :
	    t->req.method, url, t->resp.status, now_ms() - t->started_ms,
	    t->resp.attempts, t->looking_up ? " (lookup)" : "");
	fflush(t->h->log);
	free(url);
}

/* ---- transfers ------------------------------------------------------- */

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;

	if (len > MAX_BODY - t->resp.len) {
		t->too_large = true;
		return 0; /* curl fails the transfer */
	}
	if (t->resp.len + len + 1 > t->body_cap) {
		/* Doubling: a large answer is copied a few times, not once
		 * per chunk. */
		size_t cap = t->body_cap ? t->body_cap : 4096;

		while (cap < t->resp.len + len + 1)
			cap *= 2;
		t->resp.body = xrealloc(t->resp.body, cap);
		t->body_cap = cap;
	}
	memcpy(t->resp.body + t->resp.len, data, len);
	t->resp.len += len;
	t->resp.body[t->resp.len] = '\0';
	return len;
}

/* A Retry-After in seconds as a wait in ms: absurd or hostile values
 * (negative, not a number, days) are held within 0..MAX_RETRY_AFTER_S. */
static long long
retry_after_ms(const char *text)
{
	double s = strtod(text, NULL);

	if (!(s > 0))
		return 0;
	return (long long)((s < MAX_RETRY_AFTER_S ? s : MAX_RETRY_AFTER_S) *
	    1000);
}

/* The value of a header line (data, len) named name ("location:"),
 * replacing *slot; false when the line is another header. */
static bool
take_header(const char *data, size_t len, const char *name, char **slot)
{
	size_t n = strlen(name);

	if (len <= n || strncasecmp(data, name, n) != 0)
		return false;
	free(*slot);
	*slot = xstrndup(data + n, len - n);
	(*slot)[strcspn(*slot, "\r\n")] = '\0';
	memmove(*slot, *slot + strspn(*slot, " \t"), strlen(*slot +
	    strspn(*slot, " \t")) + 1);
	return true;
}

static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;
	static const char retry[] = "retry-after:";
	static const char delay[] = "x-ratelimit-delay:";

	if (take_header(data, len, "x-ms-continuationtoken:",
	    &t->resp.continuation) || take_header(data, len, "location:",
	    &t->resp.location))
		return len;
	if (len > sizeof retry && strncasecmp(data, retry,
	    sizeof retry - 1) == 0)
		t->due_ms = t->resp.retry_after_ms = retry_after_ms(data +
		    sizeof retry - 1);
	else if (len > sizeof delay && strncasecmp(data, delay,
	    sizeof delay - 1) == 0 && t->due_ms == 0)
		t->due_ms = retry_after_ms(data + sizeof delay - 1);
	return len;
}

static void
reset_response(struct transfer *t)
{
	free(t->resp.body);
	free(t->resp.content_type);
	free(t->resp.continuation);
	free(t->resp.location);
	t->resp.body = NULL;
	t->body_cap = 0;
	t->resp.len = 0;
	t->resp.content_type = NULL;
	t->resp.continuation = NULL;
	t->resp.location = NULL;
	t->resp.retry_after_ms = -1;
	t->resp.status = 0;
	t->due_ms = 0;
	t->too_large = false;
}

size_t
http_url_origin_len(const char *url)
{
	const char *p = strstr(url, "://");

	if (p == NULL)
		return 0;
	p += 3;
	return (size_t)(p - url) + strcspn(p, "/?#");
}

/* Whether t's service asked for patience that has not run out. */
static bool
held(const struct transfer *t, long long now)
{
	const struct http *h = t->h;
	size_t n = http_url_origin_len(t->url);

	return h->held_host != NULL && h->held_until > now && n > 0 &&
	    strlen(h->held_host) == n && strncasecmp(t->url, h->held_host,
	    n) == 0;
}

/*
 * Plain http goes only to loopback: the URL was checked, and so is the
 * address connected to, since a resolver, /etc/hosts or a proxy could
 * lead "localhost" elsewhere. Nothing is sent before this answers.
 */
static curl_socket_t
open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *address)
{
	struct transfer *t = arg;

	if (purpose == CURLSOCKTYPE_IPCXN && !loopback_address(&address->addr)) {
		t->not_loopback = true;
		return CURL_SOCKET_BAD;
	}
	return socket(address->family, address->socktype, address->protocol);
}

/* Put the transfer (or its lookup) into the multi handle - or, while
 * its service holds everything back, into the queue until then. */
static void
start(struct transfer *t)
{
	const char *method = t->looking_up ? "GET" : t->req.method;
	char *line;

	if (held(t, now_ms())) {
		t->due_ms = t->h->held_until;
		t->waiting = true;
		return;
	}
	reset_response(t);
	if (url_never_resolves(t->looking_up ? t->lookup_url : t->url)) {
		/* Settled by http_step, as a transfer is, never here: the
		 * caller's callback does not run inside its own submit. */
		t->resp.attempts++;
		t->never_resolves = true;
		t->waiting = true;
		t->due_ms = 0;
		return;
	}
	curl_slist_free_all(t->headers);
	t->headers = NULL;
	if (t->easy != NULL)
		curl_easy_cleanup(t->easy);
	t->easy = curl_easy_init();
	t->resp.attempts++;
	t->started_ms = now_ms();
	line = xasprintf("Accept: %s", t->accept ? t->accept :
	    "application/json");
	t->headers = curl_slist_append(t->headers, line);
	free(line);
	/* Ask Azure DevOps for a 401 rather than its sign-in page. */
	t->headers = curl_slist_append(t->headers,
	    "X-TFS-FedAuthRedirect: Suppress");
	if (t->req.auth != NULL) {
		line = credential_header(t->req.auth);
		t->headers = curl_slist_append(t->headers, line);
		credential_wipe(line);
	}
	if (!t->looking_up && t->body != NULL) {
		line = xasprintf("Content-Type: %s", t->content_type ?
		    t->content_type : "application/json");
		t->headers = curl_slist_append(t->headers, line);
		free(line);
		curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->body);
	}
	curl_easy_setopt(t->easy, CURLOPT_URL, t->looking_up ? t->lookup_url :
	    t->url);
	curl_easy_setopt(t->easy, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "GET") == 0)
		curl_easy_setopt(t->easy, CURLOPT_HTTPGET, 1L);
	else
		/* On a reused connection that dies before the answer, libcurl
		 * sends the request again by itself: a create made twice. A
		 * fresh connection leaves the retry, and the lookup, to us. */
		curl_easy_setopt(t->easy, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, t->h->timeout_ms);
	/* Refused at once when the announced length is too large. */
	curl_easy_setopt(t->easy, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)MAX_BODY);
	curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	if (strncasecmp(t->looking_up ? t->lookup_url : t->url, "http://", 7)
	    == 0) {
		curl_easy_setopt(t->easy, CURLOPT_OPENSOCKETFUNCTION,
		    open_socket);
		curl_easy_setopt(t->easy, CURLOPT_OPENSOCKETDATA, t);
	}
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
	curl_easy_setopt(t->easy, CURLOPT_USERAGENT, PACKAGE_NAME "/"
	    PACKAGE_VERSION);
	t->waiting = false;
	curl_multi_add_handle(t->h->multi, t->easy);
}

static void
finish(struct transfer *t)
{
	struct http *h = t->h;
	struct transfer **p;

	for (p = &h->list; *p != NULL; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	if (t->req.done != NULL)
		t->req.done(&t->resp, t->req.arg);
	reset_response(t);
	api_error_clear(&t->resp.error);
	curl_slist_free_all(t->headers);
	if (t->easy != NULL)
		curl_easy_cleanup(t->easy);
	free(t->url);
	credential_wipe(t->body); /* it may carry a secret */
	free(t->content_type);
	free(t->accept);
	free(t->lookup_url);
	free(t);
}

/* splitmix64, for the jitter of back-offs */
static double
jitter(struct http *h)
{
	unsigned long long x = (h->rng += 0x9e3779b97f4a7c15ULL);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (double)((x ^ (x >> 31)) >> 11) / 9007199254740992.0;
}

/* A list lookup that does not show a lost create this often: resend. */
#define LOOKUPS_BEFORE_RESEND 2
#define THROTTLE_FACTOR 4

/* Wait before the next attempt: Retry-After, or capped back-off. */
static void
schedule_retry(struct transfer *t)
{
	struct http *h = t->h;
	long long wait = t->due_ms; /* from Retry-After, if any */
	unsigned n = t->resp.attempts > 16 ? 16 : t->resp.attempts;
	long long backoff = (long long)h->base_backoff_ms << (n - 1);

	if (backoff > h->max_backoff_ms)
		backoff = h->max_backoff_ms;
	backoff = (long long)((double)backoff * (0.5 + jitter(h) / 2));
	if (wait < backoff && t->resp.status != 429)
		wait = backoff;
	if (wait == 0)
		wait = backoff;
	t->due_ms = now_ms() + wait;
	t->waiting = true;
	/* Throttled: the service's other requests wait as long. */
	if (t->resp.status == 429 && t->due_ms > h->held_until) {
		free(h->held_host);
		h->held_host = xstrndup(t->url, http_url_origin_len(t->url));
		h->held_until = t->due_ms;
	}
}

/*
 * How many attempts a request gets. Throttling is the service asking for
 * patience, not a failure: a 429 gets more tries, each after the wait
 * the service asks for.
 */
static unsigned
max_attempts(const struct transfer *t)
{
	return t->resp.status == 429 ? t->h->max_attempts * THROTTLE_FACTOR :
	    t->h->max_attempts;
}

static bool
retryable(const struct transfer *t, CURLcode code)
{
	long s = t->resp.status;

	if (t->too_large || code == CURLE_FILESIZE_EXCEEDED)
		return false; /* it would be as large again */
	if (t->not_loopback)
		return false; /* it would go there again */
	if (unreachable(code))
		return false;
	return code != CURLE_OK || s == 429 || s == 500 || s == 502 ||
	    s == 503 || s == 504;
}

/* A create whose answer was lost may have happened: look before resending. */
static bool
outcome_unknown(const struct transfer *t, CURLcode code)
{
	return t->req.creates && t->lookup_url != NULL && t->resp.status !=
	    429 && (code != CURLE_OK || t->resp.status >= 500);
}

/* Whether a request that failed with code may have reached the service:
 * anything but a failure to connect. */
static bool
may_have_arrived(CURLcode code)
{
	return code != CURLE_OK && code != CURLE_COULDNT_RESOLVE_HOST &&
	    code != CURLE_COULDNT_RESOLVE_PROXY && code != CURLE_COULDNT_CONNECT;
}

/* "cannot reach HOST: WHY; check ...", naming what to look at. */
static void
say_unreachable(struct transfer *t, CURLcode code)
{
	char *scheme = NULL, *host = NULL, *message;
	const char *why = t->never_resolves ? "the name cannot resolve (.invalid "
	    "is reserved for names that never do)" : curl_easy_strerror(code);

	url_parts(t->looking_up ? t->lookup_url : t->url, &scheme, &host);
	message = untrusted(code) ? xasprintf("cannot reach %s safely: %s; "
	    "nothing was sent: check the URL, and whether a proxy or the "
	    "network intercepts HTTPS (its certificate authority must be in "
	    "the system store)", host ? host : "the service", why) :
	    xasprintf("cannot reach %s: %s; nothing was sent: check the "
	    "URL, the proxy settings (https_proxy, no_proxy) and the network",
	    host ? host : "the service", why);
	api_error_set(&t->resp.error, API_NETWORK, message);
	free(message);
	curl_free(scheme);
	curl_free(host);
}

static void
decode(struct transfer *t, CURLcode code)
{
	char *type = NULL;

	if (t->easy != NULL)
		curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &type);
	t->resp.content_type = xstrdup_or_null(type);
	if (t->too_large || code == CURLE_FILESIZE_EXCEEDED) {
		char *message = xasprintf("the answer is larger than %u MiB: "
		    "refused", MAX_BODY >> 20);

		api_error_set(&t->resp.error, API_SERVER, message);
		t->resp.error.status = t->resp.status;
		free(message);
		return;
	}
	if (t->not_loopback) {
		api_error_set(&t->resp.error, API_NETWORK, "refused: plain "
		    "HTTP is only used with this machine (loopback), and the "
		    "address reached is not this machine's; check the URL, "
		    "/etc/hosts and any proxy");
		return;
	}
	if (unreachable(code)) {
		say_unreachable(t, code);
		return;
	}
	if (code != CURLE_OK) {
		bool lost = t->req.once && may_have_arrived(code);
		char *message = xasprintf("%s: %s", lost ? "the answer was lost, "
		    "so it may have been done" : "no answer from the service",
		    curl_easy_strerror(code));
		api_error_set(&t->resp.error, lost ? API_LOST : API_NETWORK,
		    message);
		free(message);
		return;
	}
	api_error_decode(&t->resp.error, t->resp.status, t->resp.content_type,
	    t->resp.body, t->resp.len);
}

static bool
lookup_found(struct transfer *t)
{
	if (t->resp.status < 200 || t->resp.status >= 300)
		return false;
	return t->req.found == NULL || t->req.found(&t->resp, t->req.arg);
}

static void
completed(struct transfer *t, CURLcode code)
{
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->resp.status);
	curl_multi_remove_handle(t->h->multi, t->easy);
	log_transfer(t);
	decode(t, code);
	if (t->looking_up) {
		if (lookup_found(t)) {
			t->resp.recovered = true;
			finish(t);
		} else if (code == CURLE_OK && (t->resp.status == 404 ||
		    (t->resp.status < 300 && ++t->lookups >= LOOKUPS_BEFORE_RESEND))) {
			/* Not there (a list shows it once it is, given a
			 * moment to settle): it was not created; send again. */
			t->looking_up = false;
			start(t);
		} else if (t->resp.attempts < max_attempts(t))
			schedule_retry(t);   /* look again later */
		else
			finish(t);
		return;
	}
	if (retryable(t, code) && t->resp.attempts < max_attempts(t) &&
	    !(t->req.once && may_have_arrived(code))) {
		if (outcome_unknown(t, code))
			t->looking_up = true;
		schedule_retry(t);
		return;
	}
	finish(t);
}

/* ---- the engine --------------------------------------------------------- */

/* The default time an attempt may take: MLOPS_TUI_HTTP_TIMEOUT_MS when it
 * is a number of ms from 100 to 600000, else 30 s. */
static long
timeout_from_env(void)
{
	const char *env = getenv("MLOPS_TUI_HTTP_TIMEOUT_MS");
	char *end;
	long ms;

	if (env == NULL || *env == '\0')
		return 30000;
	ms = strtol(env, &end, 10);
	return *end == '\0' && ms >= 100 && ms <= 600000 ? ms : 30000;
}

int
http_new(struct http **out, const struct http_options *opt, char **cause)
{
	struct http *h = xcalloc(1, sizeof *h);
	int fd;

	h->multi = curl_multi_init();
	h->timeout_ms = opt && opt->timeout_ms ? opt->timeout_ms :
	    timeout_from_env();
	h->max_attempts = opt && opt->max_attempts ? opt->max_attempts : 6;
	h->base_backoff_ms = opt && opt->base_backoff_ms ?
	    opt->base_backoff_ms : 500;
	h->max_backoff_ms = opt && opt->max_backoff_ms ? opt->max_backoff_ms :
	    30000;
	h->rng = (unsigned long long)now_ms() ^ (unsigned long long)getpid();
	if (opt != NULL && opt->log_path != NULL) {
		/* A FIFO or a device would block or never end: refused. */
		fd = atomicfile_open(opt->log_path, O_WRONLY | O_CREAT |
		    O_APPEND, 0, cause);
		h->log = fd < 0 ? NULL : fdopen(fd, "a");
		if (h->log == NULL) {
			if (fd >= 0) {
				set_cause(cause, "%s: cannot open the log",
				    opt->log_path);
				close(fd);
			}
			http_free(h);
			return -1;
		}
	}
	*out = h;
	return 0;
}

void
http_free(struct http *h)
{
	struct transfer *t, *next;

	if (h == NULL)
		return;
	for (t = h->list; t != NULL; t = next) {
		next = t->next;
		t->req.done = NULL;
		if (!t->waiting && t->easy != NULL)
			curl_multi_remove_handle(h->multi, t->easy);
		finish(t);
	}
	curl_multi_cleanup(h->multi);
	free(h->held_host);
	if (h->log != NULL)
		fclose(h->log);
	free(h);
}

int
http_submit(struct http *h, const struct http_request *req, char **cause)
{
	struct transfer *t;

	if (!http_url_allowed(req->url) || (req->lookup_url != NULL &&
	    !http_url_allowed(req->lookup_url))) {
		set_cause(cause, "%s: refused: plain HTTP is only used with "
		    "this machine (loopback); other hosts need HTTPS",
		    req->url);
		return -1;
	}
	t = xcalloc(1, sizeof *t);
	t->h = h;
	t->req = *req;
	t->url = xstrdup(req->url);
	t->body = xstrdup_or_null(req->body);
	t->content_type = xstrdup_or_null(req->content_type);
	t->accept = xstrdup_or_null(req->accept);
	t->lookup_url = xstrdup_or_null(req->lookup_url);
	t->next = h->list;
	h->list = t;
	start(t);
	return 0;
}

long
http_next_timeout(struct http *h)
{
	long curl_ms = -1, wait;
	long long now = now_ms();

	curl_multi_timeout(h->multi, &curl_ms);
	for (struct transfer *t = h->list; t != NULL; t = t->next) {
		if (!t->waiting)
			continue;
		wait = t->due_ms > now ? (long)(t->due_ms - now) : 0;
		if (curl_ms < 0 || wait < curl_ms)
			curl_ms = wait;
	}
	return curl_ms;
}

int
http_step(struct http *h, struct curl_waitfd *extra, unsigned nextra,
    int timeout_ms)
{
	long next = http_next_timeout(h);
	int running = 0, left, active = 0;
	struct transfer *t, *following;
	CURLMsg *msg;
	long long now;

	if (next >= 0 && next < timeout_ms)
		timeout_ms = (int)next;
	curl_multi_poll(h->multi, extra, nextra, timeout_ms, NULL);
	curl_multi_perform(h->multi, &running);
	while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
		completed(t, msg->data.result);
	}
	now = now_ms();
	for (t = h->list; t != NULL; t = following) {
		following = t->next;
		if (t->waiting && t->never_resolves) {
			decode(t, CURLE_COULDNT_RESOLVE_HOST);
			finish(t);
			continue;
		}
		if (t->waiting && t->due_ms <= now)
			start(t);
		active++;
	}
	return active;
}

void
http_run(struct http *h)
{
	while (http_step(h, NULL, 0, 1000) > 0)
		;
}
