/* Seeded, reproducible fault injection for the sandbox. */
#include "config.h"

#include <fnmatch.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/faults.h"
#include "xalloc.h"

#define MAX_RULES 16

struct rule {
	enum fault fault;      /* FAULT_NONE: a latency rule */
	double fraction;
	unsigned latency_ms, jitter_ms;
	char *glob;            /* NULL: every path */
	char *method;          /* NULL: every method */
};

struct faults {
	struct rule rules[MAX_RULES];
	size_t nrules;
	unsigned long long seed;
	unsigned long long count;
	unsigned retry_after;
	unsigned stall_ms;
	pthread_mutex_t lock;
};

static const char *const names[] = { "none", "429", "500", "503", "drop",
	"stall", "lose" };

const char *
fault_name(enum fault fault)
{
	return names[fault];
}

/* splitmix64: a well-mixed number from a seed and a sequence number. */
static unsigned long long
mix(unsigned long long x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static double
uniform(unsigned long long *state)
{
	*state = mix(*state);
	return (double)(*state >> 11) / 9007199254740992.0;
}

static bool
parse_number(const char *text, unsigned long long *out)
{
	char *end;

	if (*text < '0' || *text > '9')
		return false;
	*out = strtoull(text, &end, 10);
	return *end == '\0';
}

/* One "key=value[@glob]" item; key and value are split in place. */
static int
parse_item(struct faults *f, char *item, char **cause)
{
	char *value = strchr(item, '='), *at, *end;
	unsigned long long n;
	struct rule *r;

	if (value == NULL)
		goto bad;
	*value++ = '\0';
	if ((at = strchr(value, '@')) != NULL)
		*at++ = '\0';
	if (strcmp(item, "seed") == 0 || strcmp(item, "retry-after") == 0 ||
	    strcmp(item, "stall-ms") == 0) {
		if (!parse_number(value, &n)) {
			set_cause(cause, "--faults: %s=%s needs a whole number",
			    item, value);
			return -1;
		}
		if (item[0] == 's' && item[1] == 'e')
			f->seed = n;
		else if (item[0] == 'r')
			f->retry_after = (unsigned)n;
		else
			f->stall_ms = (unsigned)n;
		return 0;
	}
	if (f->nrules == MAX_RULES) {
		set_cause(cause, "--faults: at most %d rules", MAX_RULES);
		return -1;
	}
	r = &f->rules[f->nrules];
	memset(r, 0, sizeof *r);
	if (strcmp(item, "latency") == 0) {
		r->latency_ms = (unsigned)strtoul(value, &end, 10);
		if (*end == '+')
			r->jitter_ms = (unsigned)strtoul(end + 1, &end, 10);
		if (*end != '\0' || *value < '0' || *value > '9')
			goto bad_value;
	} else {
		for (int k = FAULT_429; k <= FAULT_LOSE; k++)
			if (strcmp(item, names[k]) == 0)
				r->fault = (enum fault)k;
		if (r->fault == FAULT_NONE)
			goto bad;
		r->fraction = strtod(value, &end);
		if (*end != '\0' || end == value || r->fraction < 0 ||
		    r->fraction > 1)
			goto bad_value;
	}
	/* "@POST:/glob": the method's requests only. */
	if (at != NULL && (end = strchr(at, ':')) != NULL &&
	    strspn(at, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == (size_t)(end - at)) {
		r->method = xstrndup(at, (size_t)(end - at));
		at = end + 1;
	}
	r->glob = at ? xstrdup(at) : NULL;
	f->nrules++;
	return 0;
bad_value:
	set_cause(cause, "--faults: %s=%s needs %s", item, value,
	    strcmp(item, "latency") == 0 ? "MS or MS+JITTER" :
	    "a fraction from 0 to 1");
	return -1;
bad:
	set_cause(cause, "--faults: '%s' is not a fault (seed, latency, 429, "
	    "500, 503, drop, stall, lose, retry-after, stall-ms)", item);
	return -1;
}

int
faults_parse(struct faults **out, const char *spec, char **cause)
{
	struct faults *f = xcalloc(1, sizeof *f);
	char *copy = xstrdup(spec ? spec : ""), *item, *save = NULL;
	int rc = 0;

	f->seed = 1;
	f->retry_after = 1;
	f->stall_ms = 60000;
	pthread_mutex_init(&f->lock, NULL);
	for (item = strtok_r(copy, ",", &save); item != NULL && rc == 0;
	    item = strtok_r(NULL, ",", &save))
		rc = parse_item(f, item, cause);
	free(copy);
	if (rc != 0) {
		faults_free(f);
		return -1;
	}
	*out = f;
	return 0;
}

void
faults_free(struct faults *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->nrules; i++) {
		free(f->rules[i].glob);
		free(f->rules[i].method);
	}
	pthread_mutex_destroy(&f->lock);
	free(f);
}

enum fault
faults_decide(struct faults *f, const char *method, const char *path,
    unsigned *delay_ms)
{
	unsigned long long state;
	enum fault chosen = FAULT_NONE;

	*delay_ms = 0;
	if (f == NULL || f->nrules == 0)
		return FAULT_NONE;
	pthread_mutex_lock(&f->lock);
	state = mix(f->seed ^ mix(f->count++));
	pthread_mutex_unlock(&f->lock);
	for (size_t i = 0; i < f->nrules; i++) {
		struct rule *r = &f->rules[i];
		double u = uniform(&state);
		if ((r->glob != NULL && fnmatch(r->glob, path, 0) != 0) ||
		    (r->method != NULL && strcmp(r->method, method) != 0))
			continue;
		if (r->fault == FAULT_NONE)
			*delay_ms += r->latency_ms + (r->jitter_ms ?
			    (unsigned)(u * (r->jitter_ms + 1)) : 0);
		else if (chosen == FAULT_NONE && u < r->fraction)
			chosen = r->fault;
	}
	return chosen;
}

unsigned
faults_retry_after(const struct faults *f)
{
	return f->retry_after;
}

unsigned
faults_stall_ms(const struct faults *f)
{
	return f->stall_ms;
}
