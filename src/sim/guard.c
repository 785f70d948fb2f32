/*
 * The sandbox's defences as a server. libmicrohttpd's own timeout counts
 * idleness only, so a client sending a byte now and then keeps a
 * half-sent request open for ever, and a thousand of those held every
 * connection the server had. Here each request has GUARD_REQUEST_S to
 * arrive whole; a watcher thread ends those that do not, and the daemon
 * is given limits, in all and per client address, that leave descriptors
 * for the world's own files.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "sim/guard.h"
#include "sim/world.h"
#include "xalloc.h"

#define RESERVED_FDS 64      /* the world, the log, git's pipes, libgit2 */
#define MAX_CONNECTIONS 1000 /* one thread each */
#define MAX_PER_CLIENT 128   /* apply keeps about 40 requests in flight */
#define WATCH_MS 200

/* One open connection, known from its opening to its closing. */
struct watched {
	struct MHD_Connection *connection;
	int fd;
	long long deadline_ms;  /* 0: being answered */
	bool answered;          /* at least one answer went out */
	bool in_request;        /* a request line came since */
	struct watched *prev, *next;
};

struct guard {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool stopping;
	struct watched *head;
};

/* ---- limits --------------------------------------------------------- */

unsigned
guard_connection_limit(void)
{
	struct rlimit r;
	rlim_t n = MAX_CONNECTIONS + RESERVED_FDS;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY &&
	    r.rlim_cur < n)
		n = r.rlim_cur;
	return n > RESERVED_FDS + 16 ? (unsigned)(n - RESERVED_FDS) : 16;
}

/* Half the connections at most, so that one address never holds all. */
unsigned
guard_client_limit(void)
{
	unsigned half = guard_connection_limit() / 2;

	return half < MAX_PER_CLIENT ? half : MAX_PER_CLIENT;
}

/* ---- deadlines ------------------------------------------------------ */

/*
 * A request that started and did not arrive in time (or a new connection
 * that sent nothing whole) is told so; a kept-alive connection idle since
 * its last answer is just closed, as a client reusing it at that moment
 * retries a connection that closes but would take a 408 as its answer.
 * Shutting the socket down wakes the connection's thread, which then
 * closes it as a client's hang-up. MHD is not writing to it meanwhile:
 * the request is still being read.
 */
static void
time_out(struct watched *w)
{
	static const char answer[] = "HTTP/1.1 408 Request Timeout\r\n"
	    "Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: 46\r\n\r\n"
	    "The request did not arrive whole within 10 s.\n";

	_Static_assert(GUARD_REQUEST_S == 10, "the answer names 10 s");
	if (!w->answered || w->in_request)
		(void)!send(w->fd, answer, sizeof answer - 1,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
	shutdown(w->fd, SHUT_RDWR);
	w->deadline_ms = 0;
}

static void *
watch(void *arg)
{
	struct guard *g = arg;
	struct timespec until;

	pthread_mutex_lock(&g->lock);
	while (!g->stopping) {
		long long now = world_now_ms();

		for (struct watched *w = g->head; w != NULL; w = w->next)
			if (w->deadline_ms != 0 && now >= w->deadline_ms)
				time_out(w);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += WATCH_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&g->wake, &g->lock, &until);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

struct guard *
guard_new(void)
{
	struct guard *g = xcalloc(1, sizeof *g);

	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->wake, NULL);
	if (pthread_create(&g->thread, NULL, watch, g) != 0) {
		perror("mlops-tui sim: pthread_create");
		abort();
	}
	return g;
}

void
guard_free(struct guard *g)
{
	if (g == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	g->stopping = true;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->thread, NULL);
	while (g->head != NULL) {
		struct watched *next = g->head->next;
		free(g->head);
		g->head = next;
	}
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

/* MHD tells of a closing before it closes the socket, so a descriptor
 * in the list is never one reused by another file. */
void
guard_notify(void *cls, struct MHD_Connection *connection,
    void **socket_context, enum MHD_ConnectionNotificationCode code)
{
	struct guard *g = cls;
	struct watched *w = *socket_context;
	const union MHD_ConnectionInfo *info;

	pthread_mutex_lock(&g->lock);
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		info = MHD_get_connection_info(connection,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		w = xcalloc(1, sizeof *w);
		w->connection = connection;
		w->fd = info != NULL ? info->connect_fd : -1;
		w->deadline_ms = w->fd != -1 ? world_now_ms() +
		    GUARD_REQUEST_S * 1000LL : 0;
		w->next = g->head;
		if (g->head != NULL)
			g->head->prev = w;
		g->head = w;
		*socket_context = w;
	} else if (w != NULL) {
		if (w->prev != NULL)
			w->prev->next = w->next;
		else
			g->head = w->next;
		if (w->next != NULL)
			w->next->prev = w->prev;
		free(w);
		*socket_context = NULL;
	}
	pthread_mutex_unlock(&g->lock);
}

static struct watched *
find(struct guard *g, struct MHD_Connection *connection)
{
	for (struct watched *w = g->head; w != NULL; w = w->next)
		if (w->connection == connection)
			return w;
	return NULL;
}

void
guard_started(struct guard *g, struct MHD_Connection *connection)
{
	struct watched *w;

	pthread_mutex_lock(&g->lock);
	if ((w = find(g, connection)) != NULL)
		w->in_request = true;
	pthread_mutex_unlock(&g->lock);
}

void
guard_arrived(struct guard *g, struct MHD_Connection *connection)
{
	struct watched *w;

	pthread_mutex_lock(&g->lock);
	if ((w = find(g, connection)) != NULL)
		w->deadline_ms = 0;
	pthread_mutex_unlock(&g->lock);
}

void
guard_answered(struct guard *g, struct MHD_Connection *connection)
{
	struct watched *w;

	pthread_mutex_lock(&g->lock);
	if ((w = find(g, connection)) != NULL && w->fd != -1) {
		w->answered = true;
		w->in_request = false;
		w->deadline_ms = world_now_ms() + GUARD_REQUEST_S * 1000LL;
	}
	pthread_mutex_unlock(&g->lock);
}

/* ---- framing -------------------------------------------------------- */

struct framing {
	const char *length;     /* the first Content-Length */
	bool lengths_differ;
	unsigned codings;       /* Transfer-Encoding headers */
	const char *coding;
};

static enum MHD_Result
count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct framing *f = cls;

	(void)kind;
	if (value == NULL)
		value = "";
	if (strcasecmp(key, "Content-Length") == 0) {
		if (f->length != NULL && strcmp(f->length, value) != 0)
			f->lengths_differ = true;
		if (f->length == NULL)
			f->length = value;
	} else if (strcasecmp(key, "Transfer-Encoding") == 0) {
		f->codings++;
		f->coding = value;
	}
	return MHD_YES;
}

/*
 * libmicrohttpd takes the first Content-Length and lets Transfer-Encoding
 * win over it, where a proxy in front might read the body otherwise: the
 * gap request smuggling uses. Any coding but chunked it reads to the
 * connection's end. RFC 9112 6.3 makes each of these an error.
 */
const char *
guard_framing_error(struct MHD_Connection *connection, int *status)
{
	struct framing f = { 0 };

	MHD_get_connection_values(connection, MHD_HEADER_KIND, count_framing,
	    &f);
	*status = 400;
	if (f.lengths_differ)
		return "The request has two different Content-Length headers.";
	if (f.codings > 0 && f.length != NULL)
		return "The request has both Transfer-Encoding and "
		    "Content-Length.";
	if (f.codings > 1)
		return "The request has more than one Transfer-Encoding header.";
	if (f.codings == 1 && strcasecmp(f.coding, "chunked") != 0) {
		*status = 501;
		return "The only transfer coding understood is chunked.";
	}
	return NULL;
}

bool
guard_same_secret(const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned char diff = alen != blen;

	/* Every byte of a is looked at, whatever matched before, so the
	 * time taken tells nothing of how much of b was guessed. */
	for (size_t i = 0; i < alen; i++)
		diff |= (unsigned char)(a[i] ^ (blen ? b[i % blen] : 0));
	return diff == 0;
}
