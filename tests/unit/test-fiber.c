/* Fibers: one runs at a time, each waits without blocking the loop. */
#include "config.h"

#include <poll.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "fiber.h"
#include "tap.h"

struct shared {
	int running;        /* fibers running right now */
	int most_running;   /* the most ever seen at once */
	bool gate;          /* what the waiting fibers wait for */
	int passed_gate;
	int order[8];
	int norder;
	bool beside_loop;   /* the unlocked fiber finished its blocking work */
};

struct job {
	struct shared *s;
	int id;
};

static bool
gate_open(void *ctx)
{
	return ((struct shared *)ctx)->gate;
}

static void
enter(struct shared *s)
{
	if (++s->running > s->most_running)
		s->most_running = s->running;
}

static void
waiter(void *arg)
{
	struct job *j = arg;

	enter(j->s);
	j->s->running--;
	fiber_wait(gate_open, j->s);
	enter(j->s);
	/* A busy stretch: another fiber would be seen if one ran now. */
	for (volatile int i = 0; i < 100000; i++)
		;
	j->s->passed_gate++;
	j->s->running--;
}

static void
sleeper(void *arg)
{
	struct job *j = arg;

	fiber_sleep_ms(30 * j->id);
	j->s->order[j->s->norder++] = j->id;
}

static void
unlocked_worker(void *arg)
{
	struct job *j = arg;
	struct timespec ts = { 0, 50 * 1000000L };

	fiber_unlock();
	nanosleep(&ts, NULL);   /* blocking work beside the loop */
	fiber_lock();
	j->s->beside_loop = true;
}

static void
finish(struct fibers *set, struct fiber **f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fiber_free(f[i]);
	(void)set;
}

/* The loop: poll on the wake-up pipe until the sleepers' next wake. */
static void
loop_until_done(struct fibers *set, struct fiber **f, size_t n)
{
	for (;;) {
		struct pollfd pfd = { fibers_fd(set), POLLIN, 0 };
		bool all = true;

		fibers_resume(set);
		for (size_t i = 0; i < n; i++)
			all &= fiber_done(f[i]);
		if (all)
			return;
		poll(&pfd, 1, (int)fibers_next_timeout(set));
	}
}

int
main(void)
{
	struct fibers *set;
	struct shared s = { 0 };
	struct job jobs[4];
	struct fiber *f[4];
	char *cause = NULL;

	tap_ok(fibers_new(&set, &cause) == 0, "a set of fibers");
	tap_ok(fiber_self() == NULL, "the loop is not a fiber");

	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){ &s, i };
		f[i] = fiber_start(set, waiter, &jobs[i], &cause);
	}
	tap_is_int((long long)fibers_resume(set), 4, "all four ran to their "
	    "wait");
	tap_is_int(fibers_next_timeout(set), -1, "nobody is due while the "
	    "gate is shut");
	tap_is_int((long long)fibers_resume(set), 0, "a shut gate keeps them "
	    "waiting");
	s.gate = true;
	tap_is_int(fibers_next_timeout(set), 0, "an open gate makes them due");
	loop_until_done(set, f, 4);
	tap_is_int(s.passed_gate, 4, "every fiber passed the gate");
	tap_is_int(s.most_running, 1, "never two fibers at once");
	finish(set, f, 4);

	/* Started 2, 3, 1: neither the order they start in nor its reverse
	 * (the order the loop visits them) is 1, 2, 3; only the timers are. */
	static const int sleep_ids[3] = { 2, 3, 1 };
	for (int i = 0; i < 3; i++) {
		jobs[i] = (struct job){ &s, sleep_ids[i] };
		f[i] = fiber_start(set, sleeper, &jobs[i], &cause);
	}
	loop_until_done(set, f, 3);
	tap_ok(s.norder == 3 && s.order[0] == 1 && s.order[1] == 2 &&
	    s.order[2] == 3, "sleepers wake in the order of their times");
	finish(set, f, 3);

	f[0] = fiber_start(set, unlocked_worker, &jobs[0], &cause);
	fibers_resume(set);
	tap_ok(!fiber_done(f[0]) && !s.beside_loop, "unlocked work runs "
	    "beside the loop, which goes on");
	loop_until_done(set, f, 1);
	tap_ok(s.beside_loop, "the worker took its turn back through the "
	    "pipe");
	finish(set, f, 1);
	fibers_free(set);
	return tap_done();
}
