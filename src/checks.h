/*
 * The read-only checks of a setup, one function per check: `doctor` runs
 * them all, and the engine's step probes run the one that tells whether a
 * step is done. A check only reads; it never changes the organization.
 *
 * Checks share what they learn (the project's id, the identity jobs run
 * as) through the probe, so each can run alone or after the others
 * without asking twice. A check waits for its calls (api_wait): the UI
 * must run checks off its loop, or they must become resumable first.
 */
#ifndef MT_CHECKS_H
#define MT_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "api.h"
#include "signin.h"

/* What is checked: the setup as the operator describes it. */
struct check_target {
	const char *organization;      /* the organization's name */
	const char *project;           /* mlops-v2 */
	const char *repository;        /* the ML project repository */
	const char *infrastructure;    /* bicep, terraform */
	const char *namespace;         /* NULL: read from the repository */
	const char *postfix;
	const char *connection;        /* Azure-ARM-Prod */
	const char *environment;       /* prod */
	const char *subscription;      /* NULL: the Azure checks cannot tell */
	const char *location;          /* NULL: the quota cannot be told */
	const char *project_type;      /* classical, cv, nlp; NULL classical */
	const char *principal_way;     /* existing needs no rights; NULL */
	/* What the state recorded the connection was made with (NULL: not
	 * known, not compared): the principal's client id, and the Entra
	 * object id of the application whose secret it holds. */
	const char *client_id;
	const char *application;
	/* Hold the connection to what the setup made it with (the answers'
	 * subscription, the client id above): apply and doctor --state.
	 * Without a state, --subscription only names what to check. */
	bool as_made;
};

enum verdict { VERDICT_OK, VERDICT_PROBLEM, VERDICT_UNKNOWN };

/* One check's outcome; the detail is owned by it. */
struct check_result {
	enum verdict verdict;
	char *detail;                  /* what was found, or why not */
	const char *error_id;          /* a problem's entry in errors.yml */
	/* A thing this check needs is missing: its own check reports that
	 * problem (missing_error); others only cannot tell. */
	const char *missing_error;
};

/* A run of checks against one organization; see probe_new. */
struct probe {
	struct api *api;
	const struct check_target *target;
	bool signed_in;                /* connectionData answered */
	char *user;
	json_t *project;               /* the project, once found */
	json_t *repositories;          /* the project's repositories */
	char *identity_name;           /* the identity jobs run as */
	char *identity_descriptor;
	struct signin *azure;          /* borrowed; NULL: not signed in */
	const char *azure_error;       /* why not, when it was tried */
	char *principal_id;            /* the connection's principal */
	json_t *refused;               /* what the PAT's scopes kept back */
};

struct check {
	const char *id;                /* "pat", "project", ... */
	const char *title;
	void (*run)(struct probe *, struct check_result *);
};

/* The checks, in the guide's order; *count gets how many. */
const struct check *checks_all(size_t *count);
/* A check by id, or NULL. */
const struct check *checks_find(const char *id);

/* A probe on api (borrowed) for target (borrowed). */
struct probe *probe_new(struct api *api, const struct check_target *target);
void probe_free(struct probe *p);
/* Run check c; *out is set (free its detail with check_result_clear). */
void probe_run(struct probe *p, const struct check *c,
    struct check_result *out);
void check_result_clear(struct check_result *r);
/* Forget what may have changed (the project, its repositories, the
 * principal), so that the next checks read them again. */
void probe_forget(struct probe *p);

const char *verdict_word(enum verdict v);

/* A secret ending within this many days is a problem already. */
#define CHECKS_SECRET_WARN_DAYS 30
/* Whole days from now until the last of application app's passwords
 * ends (negative: ended), *end set to when (-1: it has none, 0 back). */
int checks_secret_days(json_t *app, time_t now, time_t *end);
/* What of a service connection as read differs from the subscription
 * and client id it was made with (NULL: not compared); NULL: nothing. */
char *checks_connection_changes(json_t *endpoint, const char *subscription,
    const char *client_id);
/* What of a build definition as read differs from the YAML path and
 * default branch it was made with (NULL: not compared); NULL: nothing. */
char *checks_pipeline_changes(json_t *definition, const char *yaml,
    const char *branch);

/*
 * What the checks share, for the engine's steps: the project, a
 * repository of it by name (from one listing), and the identity jobs run
 * as (p->identity_*). NULL or false when missing or unreadable, with r
 * saying which (missing_error set when missing).
 */
json_t *probe_project(struct probe *p, struct check_result *r);
json_t *probe_repository(struct probe *p, struct check_result *r,
    const char *name);
bool probe_identity(struct probe *p, struct check_result *r);
/* Whether an ARM role assignment gives Contributor on the subscription. */
bool is_contributor_on(json_t *assignment, const char *subscription);

#endif
