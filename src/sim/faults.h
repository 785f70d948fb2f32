/*
 * Faults the sandbox injects on demand (--faults SPEC): added latency, and
 * a fraction of requests answered 429 with Retry-After, 500 or 503,
 * dropped without an answer, or stalled past a client's timeout - each
 * optionally only for paths matching a pattern. A seed makes the choices
 * reproducible for the same sequence of requests.
 *
 * SPEC is a comma-separated list of:
 *   seed=N                      the random seed (default 1)
 *   latency=MS[+JITTER][@GLOB]  delay every request MS (+ up to JITTER) ms
 *   429=F[@GLOB] 500=F 503=F drop=F stall=F lose=F
 *                               answer a fraction F (0 to 1) so; lose
 *                               does the work and drops the answer
 *   retry-after=S               the Retry-After of a 429 (default 1 s)
 *   stall-ms=MS                 how long a stall lasts (default 60000)
 * GLOB is an fnmatch(3) pattern over the request path.
 */
#ifndef MT_SIM_FAULTS_H
#define MT_SIM_FAULTS_H

struct faults;

enum fault {
	FAULT_NONE,
	FAULT_429,
	FAULT_500,
	FAULT_503,
	FAULT_DROP,
	FAULT_STALL,
	FAULT_LOSE,   /* do the work, then drop the answer */
};

/* Parse spec; NULL or "" gives no faults. Returns 0 or -1 with *cause. */
int faults_parse(struct faults **out, const char *spec, char **cause);
void faults_free(struct faults *f);

/*
 * Decide for one request to path: *delay_ms to wait first, and the fault
 * to answer with. Thread-safe; the n-th decision of a seed is always the
 * same.
 */
enum fault faults_decide(struct faults *f, const char *method,
    const char *path, unsigned *delay_ms);

unsigned faults_retry_after(const struct faults *f);
unsigned faults_stall_ms(const struct faults *f);
const char *fault_name(enum fault fault);

#endif
