/*
 * The HTTP engine against the sandbox, in-process, over loopback: decoding,
 * the transport policy, retries with Retry-After, a create whose answer is
 * lost (looked up, not duplicated), many requests in flight under injected
 * failures, and a log that never holds the PAT.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "apierror.h"
#include "http.h"
#include "sim/sim.h"
#include "tap.h"
#include "xalloc.h"

struct result {
	long status;
	enum api_error_kind kind;
	unsigned attempts;
	bool recovered;
	char *code;
	char *body;
	char *message;
	int calls;
};

static void
keep(const struct http_response *r, void *arg)
{
	struct result *out = arg;

	out->calls++;
	out->status = r->status;
	out->kind = r->error.kind;
	out->attempts = r->attempts;
	out->recovered = r->recovered;
	free(out->code);
	free(out->body);
	out->code = xstrdup_or_null(r->error.code);
	out->body = xstrdup_or_null(r->body);
	free(out->message);
	out->message = xstrdup_or_null(r->error.message);
}

/* What keep() copied into r. */
static void
result_free(struct result *r)
{
	free(r->code);
	free(r->body);
	free(r->message);
}

static long long
ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static struct sim *
sandbox(const char *faults)
{
	struct sim_options opt = { .listen = "127.0.0.1:0", .organization =
		"sandbox", .time_scale = 0, .faults = faults };
	struct sim *sim = NULL;
	char *cause = NULL;

	if (sim_start(&sim, &opt, &cause) != 0) {
		tap_diag("%s", cause);
		exit(99);
	}
	return sim;
}

static void
get(struct http *h, const char *url, const struct credential *auth,
    struct result *out)
{
	struct http_request req = { .method = "GET", .url = url, .auth = auth,
		.done = keep, .arg = out };
	char *cause = NULL;

	if (http_submit(h, &req, &cause) != 0) {
		tap_diag("%s", cause);
		free(cause);
	}
	http_run(h);
}

static void
test_policy(void)
{
	struct http *h = NULL;
	struct result r = { 0 };
	struct http_request req = { .method = "GET", .url =
		"http://example.com/org/_apis/projects", .done = keep, .arg = &r };
	char *cause = NULL;

	tap_ok(!http_url_allowed("http://example.com/x"),
	    "plain HTTP to another host is not allowed");
	tap_ok(!http_url_allowed("http://10.0.0.1/x"), "nor to a private "
	    "address");
	tap_ok(http_url_allowed("https://dev.azure.com/contoso"),
	    "HTTPS is allowed");
	tap_ok(http_url_allowed("http://127.0.0.1:8080/x") &&
	    http_url_allowed("http://localhost/x") &&
	    http_url_allowed("http://127.9.8.7/x") &&
	    http_url_allowed("http://[::1]:8080/x") &&
	    http_url_allowed("http://LocalHost/x"),
	    "plain HTTP to loopback is allowed");
	tap_ok(!http_url_allowed("http://127.0.0.1.example.invalid/x") &&
	    !http_url_allowed("http://127.example.invalid/x") &&
	    !http_url_allowed("http://localhost.example.invalid/x") &&
	    !http_url_allowed("http://[::2]/x") &&
	    !http_url_allowed("http://128.0.0.1/x"),
	    "a name that only starts like a loopback address is not");
	http_new(&h, NULL, &cause);
	tap_is_int(http_submit(h, &req, &cause), -1,
	    "a request over plain HTTP to another host is refused");
	tap_contains(cause, "only used with this machine", "with the reason");
	tap_is_int(r.calls, 0, "and nothing was sent");
	free(cause);
	http_free(h);
}

/* A loopback URL that leads elsewhere (here through a proxy) is refused
 * at the connection, before anything is sent. */
static void
test_connected_address(void)
{
	struct sim *sim = sandbox(NULL);
	struct http *h = NULL;
	struct result r = { 0 };
	char *cause = NULL, *url = xasprintf("%s/_apis/projects",
	    sim_url(sim));

	setenv("http_proxy", "http://192.0.2.1:9", 1);
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	http_new(&h, NULL, &cause);
	get(h, url, NULL, &r);
	tap_is_int(r.status, 0, "plain HTTP whose connection leads off "
	    "this machine gets no answer");
	tap_ok(r.kind == API_NETWORK && r.attempts == 1,
	    "it is refused, not retried");
	tap_contains(r.message, "not this machine's", "saying why");
	unsetenv("http_proxy");
	http_free(h);
	free(url);
	result_free(&r);
	sim_stop(sim);
}

static void
test_decoding(void)
{
	struct api_error e = { 0 };
	static const char html[] = "<html><title>Sign In</title></html>";
	static const char bom[] = "\xEF\xBB\xBF{\"message\":\"stopped\","
	    "\"typeKey\":\"VssServiceException\"}";
	static const char graph[] = "{\"error\":{\"code\":"
	    "\"Authorization_RequestDenied\",\"message\":\"Insufficient\"}}";
	static const char oauth[] = "{\"error\":\"invalid_grant\","
	    "\"error_description\":\"AADSTS700082: expired\"}";

	api_error_decode(&e, 203, "text/html; charset=utf-8", html,
	    strlen(html));
	tap_ok(e.kind == API_AUTH && strstr(e.message, "PAT is invalid"),
	    "203 with a sign-in page: the PAT is invalid or expired");
	api_error_decode(&e, 200, "text/html", html, strlen(html));
	tap_ok(e.kind == API_AUTH, "a 200 sign-in page too");
	api_error_decode(&e, 503, "application/json", bom, strlen(bom));
	tap_is_str(e.code, "VssServiceException", "a JSON error after a BOM");
	api_error_decode(&e, 403, "application/json", graph, strlen(graph));
	tap_ok(e.kind == API_FORBIDDEN && strcmp(e.code,
	    "Authorization_RequestDenied") == 0, "Graph's error shape");
	api_error_decode(&e, 400, "application/json", oauth, strlen(oauth));
	tap_is_str(e.code, "invalid_grant", "OAuth's error shape");
	api_error_decode(&e, 404, "text/plain", "The controller for path", 23);
	tap_ok(e.kind == API_NOT_FOUND && strstr(e.message, "controller"),
	    "a plain-text 404");
	api_error_clear(&e);
}

static void
test_calls(void)
{
	struct sim *sim = sandbox(NULL);
	struct credential *pat = credential_new(CREDENTIAL_PAT, sim_pat(sim));
	struct credential *bad = credential_new(CREDENTIAL_PAT, "wrong");
	struct http *h = NULL;
	struct result r = { 0 };
	char *cause = NULL, *url;

	http_new(&h, NULL, &cause);
	url = xasprintf("%s/_apis/connectionData", sim_url(sim));
	get(h, url, pat, &r);
	tap_ok(r.status == 200 && r.kind == API_OK && strstr(r.body,
	    "authenticatedUser"), "connectionData with the PAT");
	get(h, url, bad, &r);
	tap_ok(r.status == 401 && r.kind == API_AUTH && r.attempts == 1,
	    "a wrong PAT: 401, sign-in refused, not retried");
	free(url);
	url = xasprintf("%s/_apis/projects/none?api-version=7.1", sim_url(sim));
	get(h, url, pat, &r);
	tap_ok(r.kind == API_NOT_FOUND && strcmp(r.code,
	    "ProjectDoesNotExistWithNameException") == 0,
	    "a missing project: not found, with the typeKey");
	free(url);
	result_free(&r);
	http_free(h);
	credential_free(bad);
	credential_free(pat);
	sim_stop(sim);
}

static void
test_retry_after(void)
{
	struct sim *sim = sandbox("429=1@*/connectionData,retry-after=1");
	struct credential *pat = credential_new(CREDENTIAL_PAT, sim_pat(sim));
	/* Throttling gets four times the attempts of a failure. */
	struct http_options opt = { .max_attempts = 1 };
	struct http *h = NULL;
	struct result r = { 0 };
	char *cause = NULL, *url = xasprintf("%s/_apis/connectionData",
	    sim_url(sim));
	long long start = ms(), took;

	http_new(&h, &opt, &cause);
	get(h, url, pat, &r);
	took = ms() - start;
	tap_ok(r.status == 429 && r.kind == API_THROTTLED && r.attempts == 4,
	    "429 every time: tried four times (a throttled request gets four "
	    "times the attempts), then reported as throttled (%u)", r.attempts);
	tap_ok(took >= 3000, "it waited Retry-After (1 s) between the tries "
	    "(%lld ms)", took);
	result_free(&r);
	free(url);
	http_free(h);
	credential_free(pat);
	sim_stop(sim);
}

/* A 429 holds back the service's other requests too: its limits are the
 * user's, not one URL's. */
static void
test_throttle_holds_host(void)
{
	struct sim *sim = sandbox("429=1@*/connectionData,retry-after=2");
	struct credential *pat = credential_new(CREDENTIAL_PAT, sim_pat(sim));
	struct http_options opt = { .max_attempts = 1 };
	struct http *h = NULL;
	struct result throttled = { 0 }, other = { 0 };
	char *cause = NULL;
	char *url = xasprintf("%s/_apis/connectionData", sim_url(sim));
	char *projects = xasprintf("%s/_apis/projects?api-version=7.1",
	    sim_url(sim));
	struct http_request a = { .method = "GET", .url = url, .auth = pat,
		.done = keep, .arg = &throttled };
	struct http_request b = { .method = "GET", .url = projects,
		.auth = pat, .done = keep, .arg = &other };
	long long asked;
	char *tmp = tap_tmpdir("throttle"), *log = xasprintf("%s/http.log",
	    tmp), *text = NULL;

	/* Until the client has read the first 429: its log's line for an
	 * attempt is written as the attempt completes, before the retry is
	 * scheduled. */
	opt.log_path = log;
	http_new(&h, &opt, &cause);
	http_submit(h, &a, &cause);
	while (throttled.calls == 0 && (text == NULL ||
	    strstr(text, " 429 ") == NULL)) {
		http_step(h, NULL, 0, 50);
		free(text);
		text = tap_read_file(log);
	}
	tap_ok(text != NULL && strstr(text, " 429 ") != NULL &&
	    throttled.calls == 0, "the first 429 is in, its retries to come");
	free(text);
	asked = ms();
	http_submit(h, &b, &cause);
	while (other.calls == 0)
		http_step(h, NULL, 0, 100);
	tap_ok(other.status == 200 && ms() - asked >= 1000, "a request to the "
	    "throttled service waits out its Retry-After (%lld ms after it "
	    "was asked)", ms() - asked);
	http_run(h);
	result_free(&throttled);
	result_free(&other);
	free(log);
	free(tmp);
	free(projects);
	free(url);
	http_free(h);
	credential_free(pat);
	sim_stop(sim);
}

static bool
named(const struct http_response *lookup, void *arg)
{
	return lookup->body != NULL && strstr(lookup->body, arg) != NULL;
}

static void
test_lost_create(void)
{
	struct sim *sim = sandbox("lose=1@/sandbox/_apis/projects");
	struct credential *pat = credential_new(CREDENTIAL_PAT, sim_pat(sim));
	struct http_options opt = { .base_backoff_ms = 20 };
	struct http *h = NULL;
	struct result r = { 0 };
	char *cause = NULL;
	char *url = xasprintf("%s/_apis/projects?api-version=7.1",
	    sim_url(sim));
	char *lookup = xasprintf("%s/_apis/projects/lost-one?api-version=7.1",
	    sim_url(sim));
	/* Listed through a path the fault's pattern does not match (routes
	 * are case-insensitive, patterns are not). */
	char *list = xasprintf("%s/_APIS/projects?api-version=7.1&stateFilter="
	    "all", sim_url(sim));
	struct http_request req = { .method = "POST", .url = url, .body =
		"{\"name\":\"lost-one\"}", .auth = pat, .creates = true,
		.lookup_url = lookup, .found = named, .done = keep,
		.arg = &r };

	http_new(&h, &opt, &cause);
	http_submit(h, &req, &cause);
	http_run(h);
	tap_ok(r.kind == API_OK && r.recovered, "the create's answer was "
	    "lost; the lookup found the project");
	req.found = NULL;
	get(h, list, pat, &r);
	tap_ok(r.body != NULL && strstr(r.body, "\"count\":1") != NULL,
	    "and it exists once: nothing was created twice");
	result_free(&r);
	free(list);
	free(lookup);
	free(url);
	http_free(h);
	credential_free(pat);
	sim_stop(sim);
}

/* A request sent once is never resent after its answer is lost: it says
 * so (API_LOST) and leaves the looking to its caller. */
static void
test_lost_once(void)
{
	struct sim *sim = sandbox("lose=1@POST:/sandbox/_apis/projects");
	struct credential *pat = credential_new(CREDENTIAL_PAT, sim_pat(sim));
	struct http_options opt = { .base_backoff_ms = 20 };
	struct http *h = NULL;
	struct result r = { 0 };
	char *cause = NULL;
	char *url = xasprintf("%s/_apis/projects?api-version=7.1",
	    sim_url(sim));
	struct http_request req = { .method = "POST", .url = url, .body =
		"{\"name\":\"sent-once\"}", .auth = pat, .once = true,
		.done = keep, .arg = &r };

	http_new(&h, &opt, &cause);
	http_submit(h, &req, &cause);
	http_run(h);
	tap_ok(r.kind == API_LOST && r.attempts == 1 && r.calls == 1,
	    "a request sent once whose answer is lost is not resent");
	get(h, url, pat, &r);
	tap_ok(r.kind == API_OK && r.body != NULL && strstr(r.body,
	    "sent-once") != NULL, "it was done; a GET of the same path is "
	    "not hit by a POST-only fault");
	result_free(&r);
	free(url);
	http_free(h);
	credential_free(pat);
	sim_stop(sim);
}

static void
test_under_faults(void)
{
	struct sim *sim = sandbox("seed=9,500=0.1,503=0.05,drop=0.05");
	struct credential *pat = credential_new(CREDENTIAL_PAT, sim_pat(sim));
	struct http_options opt = { .base_backoff_ms = 10, .max_backoff_ms = 100,
		.max_attempts = 10, .log_path = NULL };
	struct result r[40];
	struct http *h = NULL;
	char *cause = NULL, *log, *text;
	char *url = xasprintf("%s/_apis/connectionData", sim_url(sim));
	int ok = 0, retried = 0;
	char *tmp = tap_tmpdir("http");

	log = xasprintf("%s/http.log", tmp);
	opt.log_path = log;
	memset(r, 0, sizeof r);
	http_new(&h, &opt, &cause);
	for (int i = 0; i < 40; i++) {
		struct http_request req = { .method = "GET", .url = url,
			.auth = pat, .done = keep, .arg = &r[i] };
		http_submit(h, &req, &cause);
	}
	http_run(h);
	for (int i = 0; i < 40; i++) {
		ok += r[i].status == 200;
		retried += r[i].attempts > 1;
		result_free(&r[i]);
	}
	tap_is_int(ok, 40, "40 requests in flight under 20 %% failures all "
	    "succeed");
	tap_ok(retried > 0, "some of them after retries (%d)", retried);
	http_free(h);
	text = tap_read_file(log);
	tap_contains(text, "GET http://127.0.0.1", "the log has method and URL");
	tap_ok(text != NULL && strstr(text, sim_pat(sim)) == NULL,
	    "the log never holds the PAT");
	free(text);
	free(log);
	free(tmp);
	free(url);
	credential_free(pat);
	sim_stop(sim);
}


/* A loopback port bound but not listening: a connection to it is refused
 * (and the port stays ours while the test runs). */
static int
refusing_port(unsigned *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd == -1 || bind(fd, (struct sockaddr *)&a, sizeof a) == -1 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) == -1)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

/* Nothing listening, a name that cannot resolve: said at once, with what
 * to check, not retried after back-offs as a timeout or a 503 is. */
static void
test_unreachable(void)
{
	struct http_options opt = { .max_attempts = 5,
		.base_backoff_ms = 1000 };
	struct http *h = NULL;
	struct result r = { 0 };
	struct http_request req = { .method = "GET", .url =
		"https://dev.azure.com.invalid/contoso/_apis/projects",
		.done = keep, .arg = &r };
	char *cause = NULL, *url;
	unsigned port = 0;
	int fd = refusing_port(&port);
	long long t0 = ms();

	http_new(&h, &opt, &cause);
	url = xasprintf("http://127.0.0.1:%u/contoso/_apis/projects", port);
	get(h, url, NULL, &r);
	tap_ok(r.kind == API_NETWORK && r.attempts == 1 && r.calls == 1,
	    "a refused connection: one attempt, not retried (%u)", r.attempts);
	tap_contains(r.message, "connect", "saying the connection failed");
	tap_contains(r.message, "check the URL, the proxy", "and what to check");
	result_free(&r);
	memset(&r, 0, sizeof r);
	http_submit(h, &req, &cause);
	tap_is_int(r.calls, 0, "a .invalid host is not answered inside "
	    "its own submit");
	http_run(h);
	tap_ok(r.kind == API_NETWORK && r.attempts == 1 && r.calls == 1,
	    "a .invalid host: one attempt, not retried (%u)", r.attempts);
	tap_contains(r.message, "cannot reach dev.azure.com.invalid",
	    "naming the host");
	tap_contains(r.message, "the name cannot resolve", "and why");
	tap_ok(ms() - t0 < 900, "both said within a second (%lld ms), "
	    "before a first back-off", ms() - t0);
	result_free(&r);
	http_free(h);
	free(url);
	close(fd);
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	test_policy();
	test_connected_address();
	test_unreachable();
	test_decoding();
	test_calls();
	test_retry_after();
	test_throttle_holds_host();
	test_lost_create();
	test_lost_once();
	test_under_faults();
	curl_global_cleanup();
	return tap_done();
}
