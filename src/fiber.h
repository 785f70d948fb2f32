/*
 * Fibers: straight-line code that takes turns with the event loop.
 *
 * A step of the setup is a sequence of calls - create, poll, read back -
 * and reads best written as one. Each fiber is a thread, but a baton
 * passes between the loop and the fibers so that exactly one of them runs
 * at a time: a fiber runs until it waits (for a call to finish, or for
 * time to pass), then the loop goes on. The loop is never blocked by a
 * fiber and the fibers never race each other, so the engine's state needs
 * no locks. Work that blocks and touches nothing shared (libgit2) runs
 * between fiber_unlock and fiber_lock, beside the loop.
 *
 * Ownership: the loop owns the set and the fibers it starts.
 */
#ifndef MT_FIBER_H
#define MT_FIBER_H

#include <stdbool.h>
#include <stddef.h>

struct fibers;
struct fiber;

typedef void (*fiber_fn)(void *arg);
typedef bool (*fiber_ready_fn)(void *ctx);

/* A set of fibers; -1 with *cause when the wake-up pipe cannot be made. */
int fibers_new(struct fibers **out, char **cause);
/* Free the set; every fiber must be done (fiber_done) and freed. */
void fibers_free(struct fibers *set);

/*
 * Start fn(arg) in a new fiber; it first runs at the next fibers_resume.
 * NULL with *cause when no thread can be made.
 */
struct fiber *fiber_start(struct fibers *set, fiber_fn fn, void *arg,
    char **cause);
bool fiber_done(const struct fiber *f);
/* Join and free a fiber that is done; NULL is allowed. */
void fiber_free(struct fiber *f);

/*
 * The loop's side: run, one at a time, every fiber that can go on (its
 * condition holds, its sleep is over, or it is back from unlocked work)
 * until each waits again. Returns how many ran.
 */
size_t fibers_resume(struct fibers *set);
/* Milliseconds until a sleeping fiber wakes: 0 now, -1 none sleeps. */
long fibers_next_timeout(const struct fibers *set);
/* A descriptor readable when a fiber is back from unlocked work. */
int fibers_fd(const struct fibers *set);
/*
 * The loop's wait: up to timeout_ms (less when a sleeping fiber wakes
 * sooner) for http's transfers, a fiber back from unlocked work, or one
 * of extra's n descriptors, whose revents then say which were ready.
 */
struct http;
struct curl_waitfd;
void fibers_wait(struct fibers *set, struct http *http,
    struct curl_waitfd *extra, unsigned n, int timeout_ms);
/* The same for several sets of fibers on one http (engines that share
 * a connection): woken by whichever needs its turn first. */
void fibers_wait_many(struct fibers *const *sets, size_t nsets,
    struct http *http, struct curl_waitfd *extra, unsigned n,
    int timeout_ms);

/* The fiber's side. The fiber running this thread; NULL in the loop. */
struct fiber *fiber_self(void);
/* Give the turn back until ready(ctx) holds (checked by the loop). */
void fiber_wait(fiber_ready_fn ready, void *ctx);
/* Give the turn back for ms milliseconds; outside a fiber, just sleep. */
void fiber_sleep_ms(long ms);
/* Leave the turn to run blocking work that touches nothing shared... */
void fiber_unlock(void);
/* ...and wait for a turn again. */
void fiber_lock(void);

/*
 * A task beside a loop: fn(arg) in a fiber of its own set, which the
 * loop steps with its wait on http (the wizard's teardown and drift
 * check run so, the keys answered meanwhile). NULL with *cause when it
 * cannot start. fiber_task_step resumes it and waits up to timeout_ms
 * for it, http's transfers or extra (revents 0 once it is done).
 */
struct fiber_task;
struct fiber_task *fiber_task_start(fiber_fn fn, void *arg, char **cause);
void fiber_task_step(struct fiber_task *t, struct http *http,
    struct curl_waitfd *extra, unsigned n, int timeout_ms);
bool fiber_task_done(const struct fiber_task *t);
void fiber_task_free(struct fiber_task *t);

#endif
