/*
 * A setup opened for the engine: the data files, the state file (locked
 * for apply; read only for plan), the operator's answers merged into it,
 * an existing principal's secret, and the connection to the services.
 * plan, apply and the wizard open one.
 */
#ifndef MT_SETUP_H
#define MT_SETUP_H

#include <stdbool.h>

#include "catalog.h"
#include "connection.h"
#include "credential.h"
#include "errors.h"
#include "state.h"

struct setup_options {
	struct connection_options conn; /* org_url and azure: from answers */
	const char *answers_path;       /* NULL: the state's answers */
	const char *answers_text;       /* or answers in memory (sandbox) */
	const char *state_path;         /* NULL: from the answers */
	const char *principal_file;     /* az ad sp create-for-rbac's JSON */
	/* The GitHub token (rai's service connection): text taken from
	 * MLOPS_TUI_GITHUB_TOKEN or typed in the wizard (borrowed), else
	 * read from the file; neither: none. */
	const char *github_token;
	const char *github_token_file;
	bool read_only;                 /* plan: nothing saved, no lock */
	/* apply without --yes: refused before signing in when there is no
	 * terminal to confirm on. */
	bool confirm;
	bool sandbox;                   /* the organization may move (port) */
	/* Several ML projects in one run: the first project's setup,
	 * whose connection (one sign-in, one rate limit) this one shares;
	 * NULL: its own. */
	struct setup *leader;
};

struct setup {
	const struct setup_options *opt;
	struct catalog *cat;
	struct errors *errors;
	struct state_session *session;
	struct state_session plan_session;  /* read only: a state not saved */
	char *state_path;
	struct connection conn;
	struct credential *principal_secret;
	struct credential *github_token; /* NULL: not given */
	bool created;                   /* the state file is new */
	bool discard;                   /* setup_close discards: refused */
};

/*
 * Open s as opt says. Returns 0, or an exit status (exitcode.h) after
 * saying what is wrong on stderr; setup_close is needed either way.
 */
int setup_open(struct setup *s, const struct setup_options *opt);
/* The connection s talks through: its own, or its leader's. */
struct connection *setup_connection(struct setup *s);
/* The organization's URL as that connection has it. */
const char *setup_org_url(const struct setup *s);
void setup_close(struct setup *s);
/* Close, and remove the state file when this opening made it: a new
 * setup that could not sign in leaves nothing behind. */
void setup_discard(struct setup *s);


#endif
