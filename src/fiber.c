/* Fibers: threads that pass one baton, so that one runs at a time. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "fiber.h"
#include "http.h"
#include "xalloc.h"

/* Steps call libcurl, jansson and libyaml; libgit2 clones want more. */
#define FIBER_STACK_BYTES (2u << 20)

enum fiber_state {
	FIBER_NEW,        /* started, not run yet */
	FIBER_WAITING,    /* for ready() or the wake time */
	FIBER_UNLOCKED,   /* running beside the loop */
	FIBER_RETURNING,  /* back from unlocked work, wants a turn */
	FIBER_DONE,
};

struct fiber {
	struct fibers *set;
	pthread_t thread;
	pthread_cond_t turn_cv;
	bool turn;                /* it is this fiber's turn to run */
	enum fiber_state state;
	fiber_ready_fn ready;     /* NULL: wait for wake_ms only */
	void *ready_ctx;
	long long wake_ms;        /* 0: no time limit */
	fiber_fn fn;
	void *arg;
	struct fiber *next;
};

struct fibers {
	pthread_mutex_t mu;
	pthread_cond_t loop_cv;   /* the loop waits here for its turn back */
	struct fiber *list;
	int wake[2];              /* written by a fiber back from unlocked */
};

static _Thread_local struct fiber *current;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
fibers_new(struct fibers **out, char **cause)
{
	struct fibers *set = xcalloc(1, sizeof *set);

	if (pipe(set->wake) == -1) {
		*cause = xasprintf("cannot make a pipe: %s", strerror(errno));
		free(set);
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(set->wake[i], F_SETFL, O_NONBLOCK);
		fcntl(set->wake[i], F_SETFD, FD_CLOEXEC);
	}
	pthread_mutex_init(&set->mu, NULL);
	pthread_cond_init(&set->loop_cv, NULL);
	*out = set;
	return 0;
}

void
fibers_free(struct fibers *set)
{
	if (set == NULL)
		return;
	close(set->wake[0]);
	close(set->wake[1]);
	pthread_cond_destroy(&set->loop_cv);
	pthread_mutex_destroy(&set->mu);
	free(set);
}

/* ---- passing the baton (set->mu held) -------------------------------- */

/* The fiber gives its turn back to the loop and waits for the next one. */
static void
yield_locked(struct fiber *f)
{
	f->turn = false;
	pthread_cond_signal(&f->set->loop_cv);
	while (!f->turn)
		pthread_cond_wait(&f->turn_cv, &f->set->mu);
}

/* The loop runs f until it gives the turn back. */
static void
run_locked(struct fiber *f)
{
	f->turn = true;
	pthread_cond_signal(&f->turn_cv);
	while (f->turn)
		pthread_cond_wait(&f->set->loop_cv, &f->set->mu);
}

static void *
fiber_main(void *arg)
{
	struct fiber *f = arg;

	current = f;
	pthread_mutex_lock(&f->set->mu);
	while (!f->turn)
		pthread_cond_wait(&f->turn_cv, &f->set->mu);
	pthread_mutex_unlock(&f->set->mu);
	f->fn(f->arg);
	pthread_mutex_lock(&f->set->mu);
	f->state = FIBER_DONE;
	f->turn = false;
	pthread_cond_signal(&f->set->loop_cv);
	pthread_mutex_unlock(&f->set->mu);
	return NULL;
}

struct fiber *
fiber_start(struct fibers *set, fiber_fn fn, void *arg, char **cause)
{
	struct fiber *f = xcalloc(1, sizeof *f);
	pthread_attr_t attr;
	int rc;

	f->set = set;
	f->fn = fn;
	f->arg = arg;
	f->state = FIBER_NEW;
	pthread_cond_init(&f->turn_cv, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, FIBER_STACK_BYTES);
	rc = pthread_create(&f->thread, &attr, fiber_main, f);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		*cause = xasprintf("cannot start a thread: %s", strerror(rc));
		pthread_cond_destroy(&f->turn_cv);
		free(f);
		return NULL;
	}
	pthread_mutex_lock(&set->mu);
	f->next = set->list;
	set->list = f;
	pthread_mutex_unlock(&set->mu);
	return f;
}

bool
fiber_done(const struct fiber *f)
{
	return f->state == FIBER_DONE;
}

void
fiber_free(struct fiber *f)
{
	struct fiber **pp;

	if (f == NULL)
		return;
	pthread_join(f->thread, NULL);
	pthread_mutex_lock(&f->set->mu);
	for (pp = &f->set->list; *pp != NULL; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	pthread_mutex_unlock(&f->set->mu);
	pthread_cond_destroy(&f->turn_cv);
	free(f);
}

/* ---- the loop's side ------------------------------------------------- */

static bool
can_go_on(struct fiber *f, long long now)
{
	switch (f->state) {
	case FIBER_NEW:
	case FIBER_RETURNING:
		return true;
	case FIBER_WAITING:
		if (f->ready != NULL && f->ready(f->ready_ctx))
			return true;
		return f->wake_ms != 0 && now >= f->wake_ms;
	default:
		return false;
	}
}

size_t
fibers_resume(struct fibers *set)
{
	char drain[64];
	size_t ran = 0;

	while (read(set->wake[0], drain, sizeof drain) > 0)
		;
	pthread_mutex_lock(&set->mu);
	for (struct fiber *f = set->list; f != NULL; f = f->next) {
		if (!can_go_on(f, now_ms()))
			continue;
		f->state = FIBER_WAITING;
		f->ready = NULL;
		f->wake_ms = 0;
		run_locked(f);
		ran++;
	}
	pthread_mutex_unlock(&set->mu);
	return ran;
}

long
fibers_next_timeout(const struct fibers *set)
{
	struct fibers *s = (struct fibers *)set;
	long long now = now_ms(), best = -1;

	pthread_mutex_lock(&s->mu);
	for (struct fiber *f = s->list; f != NULL; f = f->next) {
		long long left;

		if (f->state == FIBER_NEW || f->state == FIBER_RETURNING)
			left = 0;
		else if (f->state == FIBER_WAITING && f->ready == NULL &&
		    f->wake_ms != 0)
			left = f->wake_ms > now ? f->wake_ms - now : 0;
		else if (f->state == FIBER_WAITING && f->ready != NULL &&
		    f->ready(f->ready_ctx))
			left = 0;
		else
			continue;
		if (best < 0 || left < best)
			best = left;
	}
	pthread_mutex_unlock(&s->mu);
	return (long)best;
}

int
fibers_fd(const struct fibers *set)
{
	return set->wake[0];
}

/* ---- the fiber's side ------------------------------------------------ */

struct fiber *
fiber_self(void)
{
	return current;
}

void
fiber_wait(fiber_ready_fn ready, void *ctx)
{
	struct fiber *f = current;

	pthread_mutex_lock(&f->set->mu);
	f->state = FIBER_WAITING;
	f->ready = ready;
	f->ready_ctx = ctx;
	f->wake_ms = 0;
	yield_locked(f);
	pthread_mutex_unlock(&f->set->mu);
}

void
fiber_sleep_ms(long ms)
{
	struct fiber *f = current;

	if (f == NULL) {
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
		return;
	}
	pthread_mutex_lock(&f->set->mu);
	f->state = FIBER_WAITING;
	f->ready = NULL;
	f->wake_ms = now_ms() + (ms > 0 ? ms : 0);
	if (f->wake_ms == 0)
		f->wake_ms = 1;
	yield_locked(f);
	pthread_mutex_unlock(&f->set->mu);
}

void
fiber_unlock(void)
{
	struct fiber *f = current;

	if (f == NULL)
		return;             /* not a fiber: nothing to hand over */
	pthread_mutex_lock(&f->set->mu);
	f->state = FIBER_UNLOCKED;
	f->turn = false;
	pthread_cond_signal(&f->set->loop_cv);
	pthread_mutex_unlock(&f->set->mu);
}

void
fiber_lock(void)
{
	struct fiber *f = current;
	const char one = 1;

	if (f == NULL)
		return;
	pthread_mutex_lock(&f->set->mu);
	f->state = FIBER_RETURNING;
	/* The loop may be asleep in poll: wake it to give us a turn. */
	if (write(f->set->wake[1], &one, 1) < 0 && errno != EAGAIN)
		abort();
	while (!f->turn)
		pthread_cond_wait(&f->turn_cv, &f->set->mu);
	pthread_mutex_unlock(&f->set->mu);
}

void
fibers_wait(struct fibers *set, struct http *http, struct curl_waitfd *extra,
    unsigned n, int timeout_ms)
{
	fibers_wait_many(&set, 1, http, extra, n, timeout_ms);
}

void
fibers_wait_many(struct fibers *const *sets, size_t nsets, struct http *http,
    struct curl_waitfd *extra, unsigned n, int timeout_ms)
{
	struct curl_waitfd *fds = xcalloc(nsets + n, sizeof *fds);

	for (size_t i = 0; i < nsets; i++) {
		long due = fibers_next_timeout(sets[i]);

		fds[i] = (struct curl_waitfd){ fibers_fd(sets[i]),
			CURL_WAIT_POLLIN, 0 };
		if (due >= 0 && due < timeout_ms)
			timeout_ms = (int)due;
	}
	for (unsigned i = 0; i < n; i++)
		fds[nsets + i] = extra[i];
	http_step(http, fds, (unsigned)(nsets + n), timeout_ms);
	for (unsigned i = 0; i < n; i++)
		extra[i].revents = fds[nsets + i].revents;
	free(fds);
}

/* ---- a task beside a loop --------------------------------------------- */

struct fiber_task {
	struct fibers *set;
	struct fiber *fiber;
};

struct fiber_task *
fiber_task_start(fiber_fn fn, void *arg, char **cause)
{
	struct fiber_task *t = xcalloc(1, sizeof *t);

	if (fibers_new(&t->set, cause) == -1 ||
	    (t->fiber = fiber_start(t->set, fn, arg, cause)) == NULL) {
		if (t->set != NULL)
			fibers_free(t->set);
		free(t);
		return NULL;
	}
	return t;
}

void
fiber_task_step(struct fiber_task *t, struct http *http,
    struct curl_waitfd *extra, unsigned n, int timeout_ms)
{
	fibers_resume(t->set);
	if (!fiber_done(t->fiber))
		fibers_wait(t->set, http, extra, n, timeout_ms);
	else
		for (unsigned i = 0; i < n; i++)
			extra[i].revents = 0;   /* nothing waited for */
	fibers_resume(t->set);
}

bool
fiber_task_done(const struct fiber_task *t)
{
	return fiber_done(t->fiber);
}

void
fiber_task_free(struct fiber_task *t)
{
	if (t == NULL)
		return;
	fiber_free(t->fiber);
	fibers_free(t->set);
	free(t);
}
