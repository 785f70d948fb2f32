/*
 * The sandbox's request handling: one sandbox started in-process on
 * loopback (127.0.0.1, a free port; never any other host), and each
 * input sent to it as raw bytes of HTTP over a new connection, whose
 * answer is read to the end. The server parses the request (libmicrohttpd),
 * checks the credentials, routes and answers; the sanitizers watch it.
 *
 * The sandbox's secrets are random, so an input names them by
 * placeholders the harness fills in: @ADO@ (Basic credentials with the
 * PAT), @GRAPH@ and @ARM@ (Bearer tokens for Graph and ARM), @TENANT@ and
 * @SUB@ (the tenant and subscription ids). The world starts with one
 * project, "fuzz", and keeps what the inputs make.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <jansson.h>

#include "fuzz.h"
#include "sim/sim.h"

#define MAX_ANSWER (1u << 20)   /* read at most this much of an answer */

static struct sim *sim;
static unsigned short port;
static char *ado_auth, *graph_auth, *arm_auth, *tenant, *subscription;

int LLVMFuzzerInitialize(int *argc, char ***argv);

static void die(const char *what) __attribute__((noreturn));

static void
die(const char *what)
{
	fprintf(stderr, "fuzz-sim: %s\n", what);
	exit(1);
}

/* Send request (len bytes) to the sandbox; its answer, NUL-terminated
 * (caller frees), or NULL when the connection could not be made. */
static char *
exchange(const char *request, size_t len, size_t *answer_len)
{
	struct sockaddr_in addr;
	struct timeval tv = { 10, 0 };
	char *answer = malloc(MAX_ANSWER + 1);
	size_t got = 0;
	ssize_t n;
	int fd;

	if (answer == NULL)
		abort();
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons(port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* A server busy with the connections before may keep this one
	 * waiting a moment; a few tries, then it is gone. */
	for (int tries = 0;; tries++) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd != -1 && connect(fd, (struct sockaddr *)&addr,
		    sizeof addr) == 0)
			break;
		fprintf(stderr, "fuzz-sim: connect: %s\n", strerror(errno));
		if (fd != -1)
			close(fd);
		if (tries == 100) {
			free(answer);
			return NULL;
		}
		usleep(10000);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	while (len > 0) {
		n = send(fd, request, len, MSG_NOSIGNAL);
		/* The server may close early: that is an answer too. */
		if (n <= 0)
			break;
		request += n;
		len -= (size_t)n;
	}
	/* No more requests: the server answers and closes. */
	shutdown(fd, SHUT_WR);
	while (got < MAX_ANSWER &&
	    (n = recv(fd, answer + got, MAX_ANSWER - got, 0)) > 0)
		got += (size_t)n;
	close(fd);
	answer[got] = '\0';
	if (answer_len != NULL)
		*answer_len = got;
	return answer;
}

/* A request of the harness's own, which must be answered with JSON. */
static json_t *
call(const char *method, const char *path, const char *type,
    const char *body)
{
	char *request, *answer, *start;
	json_t *doc;
	int n;

	n = asprintf(&request, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Authorization: %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", method, path,
	    ado_auth ? ado_auth : "none", type, strlen(body), body);
	if (n < 0)
		abort();
	answer = exchange(request, (size_t)n, NULL);
	free(request);
	if (answer == NULL)
		die("cannot connect to the sandbox");
	start = strstr(answer, "\r\n\r\n");
	doc = start ? json_loads(start + 4, 0, NULL) : NULL;
	free(answer);
	return doc;
}

/* A signed-in user's token for scope, through the device code flow. */
static char *
bearer(const char *scope)
{
	char *path, *form, *token;
	json_t *doc, *done;
	const char *code;

	if (asprintf(&path, "/_entra/%s/oauth2/v2.0/devicecode", tenant) < 0 ||
	    asprintf(&form, "client_id=fuzz&scope=%s", scope) < 0)
		abort();
	doc = call("POST", path, "application/x-www-form-urlencoded", form);
	free(form);
	code = json_string_value(json_object_get(doc, "user_code"));
	if (code == NULL || asprintf(&form, "user_code=%s", code) < 0)
		die("no device code");
	json_decref(call("POST", "/_entra/approve",
	    "application/x-www-form-urlencoded", form));
	free(form);
	code = json_string_value(json_object_get(doc, "device_code"));
	if (asprintf(&form, "grant_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3A"
	    "grant-type%%3Adevice_code&client_id=fuzz&device_code=%s", code)
	    < 0)
		abort();
	free(path);
	if (asprintf(&path, "/_entra/%s/oauth2/v2.0/token", tenant) < 0)
		abort();
	done = call("POST", path, "application/x-www-form-urlencoded", form);
	code = json_string_value(json_object_get(done, "access_token"));
	if (code == NULL || asprintf(&token, "Bearer %s", code) < 0)
		die("no token");
	json_decref(done);
	json_decref(doc);
	free(form);
	free(path);
	return token;
}

static char *
base64(const char *s)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(s), o = 0;
	char *out = malloc(4 * (len / 3 + 1) + 1);

	if (out == NULL)
		abort();
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;

		v |= i + 1 < len ? (unsigned char)s[i + 1] << 8 : 0;
		v |= i + 2 < len ? (unsigned char)s[i + 2] : 0;
		out[o++] = digits[v >> 18 & 63];
		out[o++] = digits[v >> 12 & 63];
		out[o++] = i + 1 < len ? digits[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? digits[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

static void
stop(void)
{
	sim_stop(sim);
	free(ado_auth);
	free(graph_auth);
	free(arm_auth);
	free(tenant);
	free(subscription);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sim_options opt = { .listen = "127.0.0.1:0", .organization =
		"sandbox", .time_scale = 0 };
	char *cause = NULL, *user, *b64;
	const char *colon;
	json_t *doc;

	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	if (sim_start(&sim, &opt, &cause) != 0)
		die(cause);
	atexit(stop);
	/* http://127.0.0.1:PORT/sandbox */
	colon = strchr(sim_url(sim) + strlen("http://"), ':');
	port = (unsigned short)atoi(colon + 1);
	if (asprintf(&user, ":%s", sim_pat(sim)) < 0)
		abort();
	b64 = base64(user);
	if (asprintf(&ado_auth, "Basic %s", b64) < 0)
		abort();
	free(b64);
	free(user);
	tenant = sim_tenant(sim);
	subscription = sim_subscription(sim);
	graph_auth = bearer("https%3A%2F%2Fgraph.microsoft.com%2F.default");
	arm_auth = bearer("https%3A%2F%2Fmanagement.azure.com%2F.default");
	doc = call("POST", "/sandbox/_apis/projects?api-version=7.1",
	    "application/json", "{\"name\":\"fuzz\",\"visibility\":\"private\","
	    "\"capabilities\":{\"versioncontrol\":{\"sourceControlType\":"
	    "\"Git\"},\"processTemplate\":{\"templateTypeId\":"
	    "\"b8a3a935-7e91-48b8-a94c-606d37c3e9f2\"}}}");
	if (json_object_get(doc, "id") == NULL)
		die("cannot create the project fuzz");
	json_decref(doc);
	return 0;
}

/* data with each placeholder replaced; *len in and out. Caller frees. */
static char *
fill(const uint8_t *data, size_t *len)
{
	const struct { const char *name; const char *value; } subst[] = {
		{ "@ADO@", ado_auth }, { "@GRAPH@", graph_auth },
		{ "@ARM@", arm_auth }, { "@TENANT@", tenant },
		{ "@SUB@", subscription },
	};
	size_t cap = *len + 1, o = 0;
	char *out = malloc(cap);

	if (out == NULL)
		abort();
	for (size_t i = 0; i < *len;) {
		size_t k, nlen = 0, vlen = 0;

		for (k = 0; k < sizeof subst / sizeof subst[0]; k++) {
			nlen = strlen(subst[k].name);
			if (i + nlen <= *len && memcmp(data + i, subst[k].name,
			    nlen) == 0)
				break;
		}
		if (k == sizeof subst / sizeof subst[0]) {
			out[o++] = (char)data[i++];
			continue;
		}
		vlen = strlen(subst[k].value);
		cap += vlen;
		out = realloc(out, cap);
		if (out == NULL)
			abort();
		memcpy(out + o, subst[k].value, vlen);
		o += vlen;
		i += nlen;
	}
	out[o] = '\0';
	*len = o;
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = size;
	char *request = fill(data, &len), *answer;

	answer = exchange(request, len, NULL);
	free(request);
	/* The server must still be there to take the next input. */
	FUZZ_ASSERT(answer != NULL);
	free(answer);
	return 0;
}
