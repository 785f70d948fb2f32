/*
 * Hostile servers: a loopback server thread that answers every request
 * with one canned misbehaviour - an answer too large (announced or
 * streamed without end), cut short, not JSON, wrongly typed, never
 * finished, never started, paging without end, paging to another host,
 * absurd Retry-After values - and the HTTP engine and the API calls on
 * it: each is refused with a clear error, in bounded time and memory.
 *
 * With --serve MODE [PORT] it is the same server as a program (for
 * tests/cli/apply-hostile.sh): it prints "port N" and serves until
 * killed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "api.h"
#include "http.h"
#include "tap.h"
#include "xalloc.h"

enum mode {
	M_OK,             /* a small valid list */
	M_HUGE_LENGTH,    /* Content-Length: 100 MiB, then the bytes */
	M_HUGE_STREAM,    /* no length: a JSON array that never ends */
	M_CUT_LENGTH,     /* Content-Length: 1000, 100 bytes, close */
	M_CUT_CLOSE,      /* no length, half a JSON document, close */
	M_NOT_JSON,       /* 200 text/plain */
	M_WRONG_TYPE,     /* 200 {"count": "x", "value": 42} */
	M_WRONG_SHAPE,    /* 200 [1, "two", null] where an object is due */
	M_TRICKLE,        /* 200, then a byte every 50 ms, for ever */
	M_SILENT,         /* reads the request, never answers */
	M_PAGES,          /* a next page, always */
	M_FOREIGN_PAGE,   /* the next page on another host */
	M_RETRY_NAN,      /* 429 Retry-After: nan, then M_OK */
	M_THREE_PAGES,    /* a list over three pages, by nextLink, same host */
	M_MODES
};

static const char *const mode_names[] = { "ok", "huge-length",
	"huge-stream", "cut-length", "cut-close", "not-json", "wrong-type",
	"wrong-shape", "trickle", "silent", "pages", "foreign-page",
	"retry-nan", "three-pages" };

static atomic_int mode;
static atomic_llong sent_bytes;     /* of the current mode's answers */
static atomic_int requests, foreign_requests, throttled;
static bool serving;                /* --serve: requests are printed */
static int listen_fd;
static unsigned short port;

static bool
send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			return false;
		}
		atomic_fetch_add(&sent_bytes, w);
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static bool
send_str(int fd, const char *s)
{
	return send_all(fd, s, strlen(s));
}

/* Read up to the end of the request's headers (bodies are small and
 * ignored); the request line goes into line. */
static bool
read_request(int fd, char *line, size_t size)
{
	char buf[8192];
	size_t len = 0;
	ssize_t n;

	while (len < sizeof buf - 1) {
		n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
		if (n <= 0)
			return false;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL)
			break;
	}
	snprintf(line, size, "%.*s", (int)strcspn(buf, "\r\n"), buf);
	return true;
}

/* Wait (at most 60 s) until the client goes away. */
static void
wait_for_close(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	while (poll(&p, 1, 60000) == 1 && recv(fd, &c, 1, 0) > 0)
		;
}

static void
answer(int fd, const char *request)
{
	static char chunk[65536];
	char head[512];

	if (strstr(request, "/steal") != NULL)
		atomic_fetch_add(&foreign_requests, 1);
	switch ((enum mode)atomic_load(&mode)) {
	case M_OK:
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json"
		    "\r\nContent-Length: 35\r\nConnection: close\r\n\r\n"
		    "{\"count\":1,\"value\":[{\"name\":\"a\"}]}\n");
		break;
	case M_HUGE_LENGTH:
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json"
		    "\r\nContent-Length: 104857600\r\nConnection: close\r\n\r\n");
		memset(chunk, ' ', sizeof chunk);
		for (int i = 0; i < 1600; i++)
			if (!send_all(fd, chunk, sizeof chunk))
				break;
		break;
	case M_HUGE_STREAM:
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json"
		    "\r\nConnection: close\r\n\r\n[");
		for (size_t i = 0; i + 2 < sizeof chunk; i += 2)
			memcpy(chunk + i, "1,", 2);
		/* Until the client hangs up, or 1 GiB. */
		for (int i = 0; i < 16384; i++)
			if (!send_all(fd, chunk, sizeof chunk - 2))
				break;
		break;
	case M_CUT_LENGTH:
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json"
		    "\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n"
		    "{\"count\":2,\"value\":[{\"name\":\"a\"},{\"name\":");
		break;
	case M_CUT_CLOSE:
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json"
		    "\r\nConnection: close\r\n\r\n"
		    "{\"count\":2,\"value\":[{\"name\":\"a\"},{\"name\":");
		break;
	case M_NOT_JSON:
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
		    "Connection: close\r\n\r\nall good, trust me\n");
		break;
	case M_WRONG_TYPE:
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json"
		    "\r\nConnection: close\r\n\r\n{\"count\":\"x\",\"value\":42,"
		    "\"id\":7,\"name\":[],\"status\":{}}");
		break;
	case M_WRONG_SHAPE:
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json"
		    "\r\nConnection: close\r\n\r\n[1,\"two\",null]");
		break;
	case M_TRICKLE:
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json"
		    "\r\nConnection: close\r\n\r\n[");
		for (int i = 0; i < 1200; i++) { /* at most a minute */
			usleep(50000);
			if (!send_str(fd, " "))
				break;
		}
		break;
	case M_SILENT:
		wait_for_close(fd);
		break;
	case M_PAGES:
		snprintf(head, sizeof head, "{\"value\":[{\"name\":\"p\"}],"
		    "\"nextLink\":\"http://127.0.0.1:%u/page?n=%d\"}", port,
		    atomic_load(&requests));
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json"
		    "\r\nConnection: close\r\n\r\n");
		send_str(fd, head);
		break;
	case M_FOREIGN_PAGE:
		/* The same server under another name: a different origin. */
		snprintf(head, sizeof head, "{\"value\":[{\"name\":\"p\"}],"
		    "\"@odata.nextLink\":\"http://localhost:%u/steal\"}", port);
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json"
		    "\r\nConnection: close\r\n\r\n");
		send_str(fd, head);
		break;
	case M_THREE_PAGES: {
		int n = strstr(request, "/pages/3") ? 3 :
		    strstr(request, "/pages/2") ? 2 : 1;

		if (n < 3)
			snprintf(head, sizeof head, "{\"value\":[{\"name\":"
			    "\"p%d\"}],\"nextLink\":\"http://127.0.0.1:%u/org/"
			    "pages/%d?api-version=7.1\"}", n, port, n + 1);
		else
			snprintf(head, sizeof head, "{\"value\":[{\"name\":"
			    "\"p3\"}]}");
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json"
		    "\r\nConnection: close\r\n\r\n");
		send_str(fd, head);
		break;
	}
	case M_RETRY_NAN:
		if (atomic_fetch_add(&throttled, 1) % 2 == 0) {
			send_str(fd, "HTTP/1.1 429 Too Many Requests\r\n"
			    "Retry-After: nan\r\nX-RateLimit-Delay: -1e308\r\n"
			    "Content-Length: 0\r\nConnection: close\r\n\r\n");
			break;
		}
		atomic_store(&mode, M_OK);
		answer(fd, request);
		atomic_store(&mode, M_RETRY_NAN);
		break;
	case M_MODES:
		break;
	}
}

static void *
serve(void *arg)
{
	char line[1024];
	int fd;

	(void)arg;
	for (;;) {
		fd = accept(listen_fd, NULL, NULL);
		if (fd == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (read_request(fd, line, sizeof line)) {
			atomic_fetch_add(&requests, 1);
			if (serving) /* --serve: the request line, for the test */
				dprintf(STDOUT_FILENO, "request %.200s\n", line);
			answer(fd, line);
		}
		shutdown(fd, SHUT_WR);
		close(fd);
	}
	return NULL;
}

/* Listen on 127.0.0.1 (port 0: any free one) and serve in a thread. */
static int
start_server(unsigned short want)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
		.sin_port = htons(want) };
	socklen_t alen = sizeof a;
	pthread_t thread;
	int one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (listen_fd == -1 || bind(listen_fd, (struct sockaddr *)&a,
	    sizeof a) == -1 || listen(listen_fd, 16) == -1 ||
	    getsockname(listen_fd, (struct sockaddr *)&a, &alen) == -1)
		return -1;
	port = ntohs(a.sin_port);
	if (pthread_create(&thread, NULL, serve, NULL) != 0)
		return -1;
	pthread_detach(thread);
	return 0;
}

/* ---- the tests ---------------------------------------------------------- */

static long long
now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/*
 * The README's "+16 MiB": the body is refused at 16 MiB, kept in one buffer
 * that glibc grows in place (mremap); measured 16 640 KiB. 2 MiB over the
 * 16 MiB is for curl's and the in-process server's buffers and page
 * rounding, and stays under the 20 MiB sent. AddressSanitizer's realloc
 * copies and keeps the freed 4, 8, ... MiB buffers in quarantine (about
 * twice the body) and adds an eighth as shadow: 40 MiB there.
 */
#if defined(__SANITIZE_ADDRESS__)
#define PEAK_BOUND_KIB (40 * 1024)
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PEAK_BOUND_KIB (40 * 1024)
#endif
#endif
#ifndef PEAK_BOUND_KIB
#define PEAK_BOUND_KIB (18 * 1024)
#endif

static long
peak_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

struct outcome {
	enum api_error_kind kind;
	char *message;
	size_t items;
	long long ms;
	int requests;
};

/*
 * No wall-time bound is asserted here (make check runs loaded and under
 * ASan; bench/ measures): a call that hangs is what fails. A minute is
 * far beyond any attempt's limit here (1 s, two attempts) and short of
 * the 120 s a Retry-After is capped to, or forever.
 */
#define HANG_S 60

static void
hung(int sig)
{
	static const char msg[] = "Bail out! a call hung for a minute\n";

	(void)sig;
	(void)!write(STDOUT_FILENO, msg, sizeof msg - 1);
	_exit(1);
}

/* One API call (a list when collection) to the server in mode m. */
static struct outcome
call(struct api *api, enum mode m, bool collection)
{
	struct outcome o = { 0 };
	struct api_call *c;
	long long start = now_ms();
	int before = atomic_load(&requests);

	atomic_store(&mode, m);
	atomic_store(&sent_bytes, 0);
	c = api_request(api, "GET", xasprintf("%s/_apis/things?api-version="
	    "7.1", api->org_url), NULL, collection);
	signal(SIGALRM, hung);
	alarm(HANG_S);
	api_wait(api, c);
	alarm(0);
	o.kind = api_call_error(c)->kind;
	o.message = xstrdup_or_null(api_call_error(c)->message);
	o.items = api_count(c);
	o.ms = now_ms() - start;
	o.requests = atomic_load(&requests) - before;
	api_call_free(c);
	atomic_store(&mode, M_OK);
	return o;
}

static void
outcome_free(struct outcome *o)
{
	free(o->message);
}

int
main(int argc, char **argv)
{
	struct http_options opt = { .timeout_ms = 1000, .max_attempts = 2,
		.base_backoff_ms = 10, .max_backoff_ms = 20 };
	struct credential *pat = credential_new(CREDENTIAL_PAT,
	    "hostile-test-pat");
	struct api api = { 0 };
	struct outcome o;
	char *cause = NULL;
	long rss_before;

	if (argc >= 3 && strcmp(argv[1], "--serve") == 0) {
		int m;

		for (m = 0; m < M_MODES && strcmp(argv[2], mode_names[m]); m++)
			;
		if (m == M_MODES) {
			fprintf(stderr, "%s: no mode %s\n", argv[0], argv[2]);
			return 2;
		}
		atomic_store(&mode, m);
		serving = true;
		if (start_server(argc > 3 ? (unsigned short)atoi(argv[3]) : 0)
		    == -1) {
			perror("listen");
			return 1;
		}
		printf("port %u\n", port);
		fflush(stdout);
		for (;;)
			pause();
	}
	if (start_server(0) == -1) {
		printf("Bail out! cannot listen on loopback\n");
		return 1;
	}
	http_new(&api.http, &opt, &cause);
	api.org_url = xasprintf("http://127.0.0.1:%u/org", port);
	api.ado = pat;

	o = call(&api, M_OK, true);
	tap_ok(o.kind == API_OK && o.items == 1, "the server's good answer "
	    "is read (a list of one)");
	outcome_free(&o);

	rss_before = peak_rss_kib();
	o = call(&api, M_HUGE_LENGTH, false);
	tap_ok(o.kind == API_SERVER && o.message && strstr(o.message,
	    "larger than 16 MiB"), "an answer announced as 100 MiB: refused "
	    "(%s)", o.message);
	tap_is_int(o.requests, 1, "and not asked for again");
	outcome_free(&o);
	o = call(&api, M_HUGE_STREAM, true);
	tap_ok(o.kind == API_SERVER && o.message && strstr(o.message,
	    "larger than 16 MiB"), "an answer with no length that never "
	    "ends: refused at 16 MiB (%s)", o.message);
	tap_is_int(o.requests, 1, "and not asked for again");
	tap_ok(peak_rss_kib() - rss_before < PEAK_BOUND_KIB, "memory stayed "
	    "bounded: the peak grew %ld KiB (at most %d) while the server "
	    "sent %lld MiB", peak_rss_kib() - rss_before, PEAK_BOUND_KIB,
	    (long long)atomic_load(&sent_bytes) >> 20);
	tap_ok((atomic_load(&sent_bytes) >> 20) > 16, "the server sent past "
	    "the 16 MiB the client keeps");
	outcome_free(&o);

	o = call(&api, M_CUT_LENGTH, true);
	tap_ok(o.kind == API_NETWORK && o.message && strstr(o.message,
	    "partial"), "an answer cut short of its Content-Length: no answer "
	    "(%s)", o.message);
	tap_is_int(o.items, 0, "and nothing of it is used");
	outcome_free(&o);
	o = call(&api, M_CUT_CLOSE, true);
	tap_ok(o.kind == API_SERVER && o.message && strstr(o.message,
	    "not JSON"), "half a JSON document ended by a close: refused "
	    "(%s)", o.message);
	tap_is_int(o.items, 0, "not taken for an empty list");
	outcome_free(&o);
	o = call(&api, M_CUT_CLOSE, false);
	tap_ok(o.kind == API_SERVER, "nor for an empty object");
	outcome_free(&o);

	o = call(&api, M_NOT_JSON, false);
	tap_ok(o.kind == API_SERVER && o.message && strstr(o.message,
	    "not JSON"), "a 200 in plain text: refused (%s)", o.message);
	outcome_free(&o);

	o = call(&api, M_WRONG_TYPE, true);
	tap_ok(o.kind == API_SERVER && o.message && strstr(o.message,
	    "not a list"), "a list whose value is a number: refused (%s)",
	    o.message);
	outcome_free(&o);
	o = call(&api, M_WRONG_SHAPE, true);
	tap_ok(o.kind == API_SERVER && o.message && strstr(o.message,
	    "not a list"), "a bare array where a list object is due: refused");
	outcome_free(&o);
	{
		/* An object with wrongly typed fields: read as absent. */
		struct api_call *c;

		atomic_store(&mode, M_WRONG_TYPE);
		c = api_request(&api, "GET", xasprintf("%s/_apis/x",
		    api.org_url), NULL, false);
		api_wait(&api, c);
		tap_ok(api_call_error(c)->kind == API_OK &&
		    api_field(api_call_result(c), "name") == NULL &&
		    api_field(api_call_result(c), "id") == NULL &&
		    api_field(api_call_result(c), "status.x") == NULL,
		    "fields of the wrong type read as absent, not as strings");
		api_call_free(c);
		atomic_store(&mode, M_WRONG_SHAPE);
		c = api_request(&api, "GET", xasprintf("%s/_apis/x",
		    api.org_url), NULL, false);
		api_wait(&api, c);
		tap_ok(api_call_error(c)->kind == API_OK &&
		    api_field(api_call_result(c), "name") == NULL,
		    "an array where an object is due has no fields");
		api_call_free(c);
	}

	o = call(&api, M_TRICKLE, false);
	/* The trickle ends after a minute with a document that is not JSON:
	 * a timeout is the attempts' limit. */
	tap_ok(o.kind == API_NETWORK && o.message && strstr(o.message,
	    "imeout"), "an answer that never ends: timed out (%s)", o.message);
	tap_is_int(o.requests, 2, "each of the 2 attempts ended by its limit "
	    "(%lld ms)", o.ms);
	outcome_free(&o);
	o = call(&api, M_SILENT, false);
	tap_ok(o.kind == API_NETWORK && o.message && strstr(o.message,
	    "imeout"), "a server that never answers: timed out (%s, %lld ms)",
	    o.message, o.ms);
	tap_is_int(o.requests, 2, "after its 2 attempts");
	outcome_free(&o);

	o = call(&api, M_PAGES, true);
	tap_ok(o.kind == API_SERVER && o.message && strstr(o.message,
	    "1000 pages"), "a list whose pages never end: refused (%s)",
	    o.message);
	tap_is_int(o.requests, 1000, "after 1000 pages");
	outcome_free(&o);
	o = call(&api, M_THREE_PAGES, true);
	tap_ok(o.kind == API_OK && o.items == 3, "a list over three pages: "
	    "nextLink on the same host followed to the end (%zu items)",
	    o.items);
	tap_is_int(o.requests, 3, "one request a page");
	outcome_free(&o);
	o = call(&api, M_FOREIGN_PAGE, true);
	tap_ok(o.kind == API_SERVER && o.message && strstr(o.message,
	    "another host"), "a next page on another host: refused (%s)",
	    o.message);
	tap_is_int(atomic_load(&foreign_requests), 0, "the credential never "
	    "went there");
	outcome_free(&o);

	o = call(&api, M_RETRY_NAN, true);
	tap_ok(o.kind == API_OK && o.items == 1 && o.requests == 2, "a 429 "
	    "with Retry-After nan and a negative delay: retried, not waited "
	    "on for long (%lld ms)", o.ms);
	outcome_free(&o);

	http_free(api.http);
	free(api.org_url);
	credential_free(pat);
	return tap_done();
}
