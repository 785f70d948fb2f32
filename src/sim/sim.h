/*
 * The sandbox: a local server that speaks Azure DevOps's REST contract, so
 * that anyone can try mlops-tui, and every test can run it, without an
 * Azure account. `mlops-tui sim` runs it standalone.
 */
#ifndef MT_SIM_SIM_H
#define MT_SIM_SIM_H

#include <stdbool.h>

struct sim;

struct sim_options {
	const char *listen;       /* "127.0.0.1:0" (port 0: any free port) */
	const char *world_path;   /* NULL: the world lives in memory only */
	const char *organization; /* for a new world */
	const char *log_path;     /* NULL: no request log */
	const char *faults;       /* NULL: none; see sim/faults.h */
	const char *accelerator;  /* NULL: the stand-ins; else a directory
	                           * with the three real repositories */
	double time_scale;        /* < 0: keep the world's */
	bool reset;               /* start from a new world */
};

/* Start serving in background threads. Returns 0 or -1 with *cause. */
int sim_start(struct sim **out, const struct sim_options *opt, char **cause);
/* Stop serving and free; NULL is allowed. */
void sim_stop(struct sim *sim);

/* "http://127.0.0.1:PORT/ORG"; borrowed. */
const char *sim_url(const struct sim *sim);
/* Where the sandbox's Entra ID, Graph and ARM are; caller frees. */
char *sim_cloud_urls(const struct sim *sim);
/* The sandbox's tenant and subscription ids; caller frees. */
char *sim_tenant(const struct sim *sim);
char *sim_subscription(const struct sim *sim);
/* Merge settings (a JSON object), as PATCH /_sandbox/settings does. */
int sim_configure(struct sim *sim, const char *settings, char **cause);
/* The PAT the sandbox accepts; borrowed. */
const char *sim_pat(const struct sim *sim);

/*
 * Check that a --listen value is HOST:PORT with a loopback HOST
 * (127.0.0.0/8, ::1 as [::1], or localhost). Returns 0 or -1 with *cause.
 */
int sim_parse_listen(const char *listen, char **host, unsigned *port,
    char **cause);

/*
 * Check that an --accelerator directory holds mlops-v2,
 * mlops-project-template and mlops-templates. Returns 0 or -1 with *cause.
 */
int sim_check_accelerator(const char *dir, char **cause);

#endif
