/*
 * The sandbox's defences as a server, beside what libmicrohttpd does
 * itself: how many connections it takes (in all, and from one address),
 * a deadline for each request to arrive whole, and the framing checks
 * libmicrohttpd 0.9.75 leaves to the application.
 */
#ifndef MT_SIM_GUARD_H
#define MT_SIM_GUARD_H

#include <stdbool.h>

#include <microhttpd.h>

/* Seconds a request has to arrive whole, counted from the connection's
 * opening or from the end of its previous answer. */
#define GUARD_REQUEST_S 10

struct guard;

/* Start the watcher of deadlines; guard_free after MHD_stop_daemon. */
struct guard *guard_new(void);
void guard_free(struct guard *g);

/* Connections in all, and from one client address, for the daemon's
 * MHD_OPTION_CONNECTION_LIMIT and MHD_OPTION_PER_IP_CONNECTION_LIMIT:
 * from the file descriptors the process may open. */
unsigned guard_connection_limit(void);
unsigned guard_client_limit(void);

/* MHD_OPTION_NOTIFY_CONNECTION's callback; cls is the guard. */
void guard_notify(void *cls, struct MHD_Connection *connection,
    void **socket_context, enum MHD_ConnectionNotificationCode code);

/* MHD_OPTION_URI_LOG_CALLBACK's part: a request line came. */
void guard_started(struct guard *g, struct MHD_Connection *connection);

/* The request on connection has arrived whole (no deadline while it is
 * answered), or its answer has gone (the next request's deadline runs). */
void guard_arrived(struct guard *g, struct MHD_Connection *connection);
void guard_answered(struct guard *g, struct MHD_Connection *connection);

/*
 * What is wrong with the request's framing, NULL when nothing: two
 * different Content-Lengths, Transfer-Encoding with Content-Length, a
 * transfer coding other than chunked. *status is 400 or 501.
 */
const char *guard_framing_error(struct MHD_Connection *connection,
    int *status);

/* Whether a and b (of the lengths given) are equal, in a time that
 * depends on alen only. */
bool guard_same_secret(const char *a, size_t alen, const char *b,
    size_t blen);

#endif
