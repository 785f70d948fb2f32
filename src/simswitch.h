/*
 * The sandbox's known problems as switches, for the wizard's sandbox
 * panel: each pitfall the sandbox can imitate, with one line of what it
 * does, read and switched over the sandbox's own REST interface
 * (GET and PATCH /_sandbox/settings) as any client would - never through
 * the sandbox's insides. Only the pitfall's setting is sent, so the
 * user's time scale (--time-scale) and the rest stay as they are.
 */
#ifndef MT_SIMSWITCH_H
#define MT_SIMSWITCH_H

#include <stdbool.h>
#include <stddef.h>

#include "credential.h"
#include "state.h"

/* What a pitfall's setting holds when on: a fixed value, or the names
 * this setup's environments give a kind of Azure resource. */
enum sim_pitfall_value {
	SIM_VALUE_FIXED,
	SIM_VALUE_KEY_VAULTS,          /* kv-<ns>-<pf><env> */
	SIM_VALUE_ONLINE_ENDPOINTS,    /* <type>-online-<ns><pf><env> */
};

struct sim_pitfall {
	const char *name;              /* "Pitfall 5", as the guide counts */
	const char *what;              /* one line: what switching it on does */
	const char *setting;           /* its /_sandbox/settings name */
	const char *on;                /* the setting's value, as JSON */
	const char *off;
	enum sim_pitfall_value value;  /* not FIXED: on is the names */
};

/* At most this many, so that a caller can hold their states. */
#define SIM_PITFALLS_MAX 16

/* The table; *count gets its length. */
const struct sim_pitfall *sim_pitfalls(size_t *count);

/*
 * Read the sandbox's settings at org_url (the sandbox's organization)
 * with its PAT: on[i] for each pitfall (for one by name, whether every
 * name of st's setup is listed), and the time scale. Blocks for one
 * loopback request. 0, or -1 with *cause (owned).
 */
int sim_pitfalls_read(const char *org_url, const struct credential *pat,
    const struct state *st, bool *on, double *time_scale, char **cause);

/* Switch pitfall i on or off: one PATCH of its setting alone (on, by
 * name: st's names). 0, or -1 with *cause (owned): the sandbox's own
 * refusal, or no answer. */
int sim_pitfall_set(const char *org_url, const struct credential *pat,
    const struct state *st, size_t i, bool on, char **cause);

#endif
