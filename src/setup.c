/* Opening a setup: its data files, state, answers and connection. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ado_core.h"
#include "answers.h"
#include "cloud.h"
#include "atomicfile.h"
#include "exitcode.h"
#include "lockfile.h"
#include "paths.h"
#include "setup.h"
#include "setups.h"
#include "templates.h"
#include "xalloc.h"

/* cause on stderr, each of its lines led by the program's name (the
 * answers file's problems come a line each). */
static void
print_cause(const char *cause)
{
	for (const char *line = cause; *line != '\0'; ) {
		size_t len = strcspn(line, "\n");

		fprintf(stderr, "mlops-tui: %.*s\n", (int)len, line);
		line += len + (line[len] == '\n');
	}
}

/* The state file the default naming gives for a setup. */
static char *
default_state_path(const char *dir, const char *org, const char *project,
    const char *repository)
{
	return paths_state_file(dir, org, project ? project : "mlops-v2",
	    repository);
}

/* Other state files in dir for the setup at path: named before the
 * organization's identity did (localhost for 127.0.0.1, ORG.visualstudio.com
 * for dev.azure.com/ORG). Owned; NULL when none. */
static struct setup_list *
other_names(const char *dir, const char *path)
{
	struct setup_list *list = setups_scan(dir);

	for (size_t i = list->count; i-- > 0; ) {
		struct setup_summary *s = &list->items[i];
		char *canon = NULL;

		/* Only files named as setups are (org+project+repo.json):
		 * never the wizard's sandbox.json. */
		if (s->error == NULL && s->organization != NULL &&
		    s->repository != NULL && strchr(strrchr(s->path, '/'),
		    '+') != NULL)
			canon = default_state_path(dir, s->organization,
			    s->project, s->repository);
		if (canon == NULL || strcmp(canon, path) != 0 ||
		    strcmp(s->path, path) == 0)
			setups_remove(list, i);
		free(canon);
	}
	return list;
}

/* Move the state at old (and its backup) to path, under old's lock so
 * that no run using the old name is moved from under it. */
static int
move_state(const char *old, const char *path)
{
	char *lock_path = xasprintf("%s.lock", old), *cause = NULL;
	char *old_bak = atomicfile_backup_path(old);
	char *bak = atomicfile_backup_path(path);
	struct lockfile *lock = NULL;
	int rc = lockfile_acquire(&lock, lock_path, &cause);

	/* link, not rename: a file at path made meanwhile is never lost. */
	if (rc == 0 && (link(old, path) == -1 || unlink(old) == -1)) {
		set_cause(&cause, "moving %s to %s: %s", old, path,
		    strerror(errno));
		rc = -1;
	}
	if (rc == 0 && link(old_bak, bak) == 0)
		unlink(old_bak);
	if (rc == 0)
		fprintf(stderr, "mlops-tui: the state of this setup moved from "
		    "%s to %s (one file per organization, however its URL is "
		    "spelled)\n", old, path);
	else
		fprintf(stderr, "mlops-tui: %s\n", cause);
	lockfile_release(lock);
	free(cause);
	free(lock_path);
	free(old_bak);
	free(bak);
	return rc == 0 ? 0 : MT_EXIT_STATE;
}

/*
 * A state file named the old way is found and moved to the new name (plan
 * reads it where it is); two
 * files for one setup (two spellings run before) are refused, naming
 * both, since neither may be silently left behind.
 */
static int
adopt_old_name(struct setup *a, const char *dir)
{
	const char *path = a->state_path;
	struct setup_list *others = other_names(dir, path);
	bool here = access(path, F_OK) == 0;
	int rc = 0;

	if (others->count + here > 1) {
		fprintf(stderr, "mlops-tui: %zu state files hold this setup "
		    "(its organization spelled in more ways than one):\n",
		    others->count + here);
		if (here)
			fprintf(stderr, "  %s\n", path);
		for (size_t i = 0; i < others->count; i++)
			fprintf(stderr, "  %s\n", others->items[i].path);
		fprintf(stderr, "Keep the one to go on with at %s and move the "
		    "others aside.\n", path);
		rc = MT_EXIT_STATE;
	} else if (others->count == 1 && a->opt->read_only) {
		/* plan changes nothing: it reads the file where it is. */
		free(a->state_path);
		a->state_path = xstrdup(others->items[0].path);
	} else if (others->count == 1)
		rc = move_state(others->items[0].path, path);
	setups_free(others);
	return rc;
}

/* Where the setup's state lives: -s, or the answers' org/project/repo. */
static int
find_state_path(struct setup *a)
{
	struct state *st = state_new();
	char *cause = NULL, *dir;
	int rc = 0;

	if (a->opt->state_path != NULL) {
		a->state_path = xstrdup(a->opt->state_path);
		state_free(st);
		return 0;
	}
	if (a->opt->answers_path == NULL && a->opt->answers_text == NULL) {
		fprintf(stderr, "mlops-tui: give --answers FILE for a new "
		    "setup, or --state FILE to go on with one\n");
		state_free(st);
		return MT_EXIT_USAGE;
	}
	if ((a->opt->answers_path != NULL ? answers_load(st,
	    a->opt->answers_path, a->cat, &cause) : answers_parse(st,
	    "answers", a->opt->answers_text, strlen(a->opt->answers_text),
	    a->cat, &cause)) == -1 || answers_complete(st, &cause) == -1 ||
	    (dir = paths_state_dir(&cause)) == NULL) {
		print_cause(cause);
		rc = MT_EXIT_USAGE;
	} else {
		a->state_path = default_state_path(dir, state_map_get(
		    &st->answers, "organization"), state_map_get(&st->answers,
		    "project"), state_map_get(&st->answers, "repository"));
		rc = adopt_old_name(a, dir);
		free(dir);
	}
	free(cause);
	state_free(st);
	return rc;
}

static int
open_state(struct setup *a)
{
	char *cause = NULL;
	struct state *st = NULL;
	int rc;

	a->created = access(a->state_path, F_OK) != 0;
	if (!a->opt->read_only)
		rc = state_open(&a->session, a->state_path, &cause);
	else if ((rc = state_load(&st, a->state_path, &cause)) == STATE_ENOENT)
		rc = (st = state_new()) != NULL ? 0 : -1;
	if (rc == 0 && a->opt->read_only) {
		a->plan_session.state = st;
		a->session = &a->plan_session;
	}
	if (rc != 0) {
		fprintf(stderr, "mlops-tui: %s\n", cause ? cause :
		    a->state_path);
		free(cause);
		return MT_EXIT_STATE;
	}
	return 0;
}

/* Whether two answers name the same: an organization by its identity
 * (one organization may be spelled in more ways than one). */
static bool
same_answer(const char *key, const char *was, const char *now)
{
	char *a, *b;
	bool same;

	if (strcmp(key, "organization") != 0)
		return strcmp(was, now) == 0;
	a = paths_organization_id(was);
	b = paths_organization_id(now);
	same = strcasecmp(a, b) == 0;
	free(a);
	free(b);
	return same;
}

/* The same answer in the state and the file, where the file names the
 * setup: the file may not move a state to another setup. */
static int
same_setup(struct state *st, const struct state *before)
{
	static const char *const keys[] = { "organization", "project",
		"repository" };

	for (size_t i = 0; i < 3; i++) {
		const char *was = state_map_get(&before->answers, keys[i]);
		const char *now = state_map_get(&st->answers, keys[i]);

		if (was != NULL && now != NULL && !same_answer(keys[i], was,
		    now)) {
			fprintf(stderr, "mlops-tui: the state file is for %s "
			    "'%s'; the answers say '%s'\n", keys[i], was, now);
			return -1;
		}
	}
	return 0;
}

static int
take_answers(struct setup *a)
{
	struct state *st = a->session->state, *before = state_new();
	char *cause = NULL;
	int rc = 0;

	for (size_t i = 0; i < st->answers.count; i++)
		state_map_set(&before->answers, st->answers.keys[i],
		    st->answers.values[i]);
	if (a->opt->answers_path != NULL &&
	    answers_load(st, a->opt->answers_path, a->cat, &cause) == -1)
		rc = -1;
	else if (a->opt->answers_text != NULL && answers_parse(st, "answers",
	    a->opt->answers_text, strlen(a->opt->answers_text), a->cat,
	    &cause) == -1)
		rc = -1;
	else if (!a->opt->sandbox && same_setup(st, before) == -1)
		rc = MT_EXIT_USAGE;
	else if (answers_complete(st, &cause) == -1)
		rc = -1;
	else if (!a->opt->read_only && state_session_save(a->session, &cause) == -1)
		rc = MT_EXIT_STATE;
	if (cause != NULL)
		print_cause(cause);
	free(cause);
	state_free(before);
	return rc == -1 ? MT_EXIT_USAGE : rc;
}

/* The existing principal's secret, and its app and tenant as answers
 * where the answers leave them out. */
static int
take_principal(struct setup *a)
{
	struct state *st = a->session->state;
	char *app = NULL, *tenant = NULL, *cause = NULL;

	if (a->opt->principal_file == NULL)
		return 0;
	a->principal_secret = credential_principal_file(a->opt->principal_file,
	    &app, &tenant, &cause);
	if (a->principal_secret == NULL) {
		fprintf(stderr, "mlops-tui: %s\n", cause);
		free(cause);
		return MT_EXIT_USAGE;
	}
	if (state_map_get(&st->answers, "client_id") == NULL)
		state_map_set(&st->answers, "client_id", app);
	if (tenant != NULL && state_map_get(&st->answers, "tenant_id") == NULL)
		state_map_set(&st->answers, "tenant_id", tenant);
	free(app);
	free(tenant);
	return 0;
}

/* The GitHub token, kept in memory only, whatever the interface: a
 * later change of answers may need it, and nothing ever saves it. */
static int
take_github_token(struct setup *a)
{
	char *cause = NULL;

	if (a->opt->github_token != NULL)
		a->github_token = credential_new(CREDENTIAL_BEARER,
		    a->opt->github_token);
	else if (a->opt->github_token_file != NULL &&
	    (a->github_token = credential_token_file(
	    a->opt->github_token_file, "GitHub token", &cause)) == NULL) {
		fprintf(stderr, "mlops-tui: %s\n", cause);
		free(cause);
		return MT_EXIT_USAGE;
	}
	return 0;
}

/* ---- the connection ------------------------------------------------------ */

static bool
wants_azure(const struct state *st)
{
	if (state_map_get(&st->answers, "subscription_id") != NULL)
		return true;
	for (size_t i = 0; i < st->nenvironments; i++)
		if (state_map_get(&st->environments[i].answers,
		    "subscription_id") != NULL)
			return true;
	return false;
}

static int
connect_services(struct setup *a)
{
	if (a->opt->confirm && !isatty(STDIN_FILENO)) {
		fprintf(stderr, "mlops-tui: apply changes the organization: "
		    "give --yes when there is no terminal to confirm on (plan "
		    "shows what it would do)\n");
		a->discard = true;      /* a new setup leaves nothing behind */
		return MT_EXIT_USAGE;
	}
	struct connection_options copt = a->opt->conn;
	const struct state *st = a->session->state;

	copt.org_url = state_map_get(&st->answers, "organization");
	copt.azure = wants_azure(st);
	return connection_open(&a->conn, &copt) == 0 ? 0 : MT_EXIT_USAGE;
}

/* The Azure sign-in, then each environment's subscription asked of
 * ARM: a refusal or a wrong id is said before anything is changed (the
 * wizard's check_token). */
static int
check_azure(struct setup *a)
{
	const struct state *st = a->session->state;
	int rc = 0;

	if (!wants_azure(st))
		return 0;
	if (!a->conn.signed_in_azure) {
		fprintf(stderr, "mlops-tui: signing in to Azure: %s\n",
		    a->conn.azure_error ? a->conn.azure_error : "not signed in");
		return MT_EXIT_USAGE;
	}
	for (size_t i = 0; i < st->nenvironments && rc == 0; i++) {
		const struct state_environment *env = &st->environments[i];
		const char *sub = state_map_get(&env->answers,
		    "subscription_id");
		struct api_call *c;
		const struct api_error *e;

		if (sub == NULL)
			continue;
		c = arm_get_subscription(&a->conn.api, sub);
		api_wait(&a->conn.api, c);
		e = api_call_error(c);
		if (e->kind != API_OK) {
			fprintf(stderr, "mlops-tui: subscription_id (%s): %s "
			    "is not a subscription %s can see: %s%s%s\n",
			    env->name, sub, a->conn.user ? a->conn.user :
			    "the signed-in user", api_error_kind_name(e->kind),
			    e->message ? ": " : "", e->message ? e->message :
			    "");
			rc = MT_EXIT_USAGE;
		}
		api_call_free(c);
	}
	return rc;
}

/* connectionData's instanceId, when it answers; owned, NULL. */
static char *
organization_instance(struct api *api)
{
	struct api_call *c = ado_connection_data(api);
	char *id = NULL;

	api_wait(api, c);
	if (api_call_error(c)->kind == API_OK)
		id = xstrdup_or_null(api_field(api_call_result(c),
		    "instanceId"));
	api_call_free(c);
	return id;
}

/* The state file in dir, other than a's, that holds this setup under
 * another URL of the same organization instance (renamed, or spelled
 * in a way no rule of paths_organization_id knows); owned, NULL. */
static char *
same_instance_elsewhere(struct setup *a, const char *dir)
{
	const struct state *st = a->session->state;
	const char *project = state_map_get(&st->answers, "project");
	const char *repository = state_map_get(&st->answers, "repository");
	struct setup_list *list = setups_scan(dir);
	char *found = NULL;

	for (size_t i = 0; i < list->count && found == NULL; i++) {
		const struct setup_summary *s = &list->items[i];

		if (s->instance_id != NULL && repository != NULL &&
		    s->repository != NULL &&
		    strcmp(s->path, a->state_path) != 0 &&
		    strcasecmp(s->instance_id,
		    setup_connection(a)->instance_id) == 0 &&
		    strcasecmp(s->project ? s->project : "mlops-v2",
		    project ? project : "mlops-v2") == 0 &&
		    strcasecmp(s->repository, repository) == 0)
			found = xstrdup(s->path);
	}
	setups_free(list);
	return found;
}

/*
 * The organization's instance id (connectionData) is the identity no URL
 * changes: a new state file for a setup another file already holds under
 * an old URL (the organization renamed) would make everything twice.
 * Refused, naming the file; otherwise the id is recorded for the next.
 */
static int
check_instance(struct setup *a)
{
	struct connection *c = setup_connection(a);
	char *dir, *other = NULL, *slash;

	if (c->instance_id == NULL)
		c->instance_id = organization_instance(&c->api);
	if (c->instance_id == NULL)
		return 0;       /* the sign-in step will say why */
	if (a->created && a->opt->state_path == NULL) {
		dir = xstrdup(a->state_path);
		if ((slash = strrchr(dir, '/')) != NULL)
			*slash = '\0';
		other = same_instance_elsewhere(a, dir);
		free(dir);
	}
	if (other != NULL) {
		fprintf(stderr, "mlops-tui: %s already holds this setup: the "
		    "same organization (instance %s) under another URL, '%s' "
		    "now (renamed?). Go on with it: --state %s, after setting "
		    "its organization answer to the new URL.\n", other,
		    c->instance_id, state_map_get(&a->session->state->answers,
		    "organization"), other);
		free(other);
		a->discard = true;      /* nothing of the refused one kept */
		return MT_EXIT_STATE;
	}
	if (!a->opt->read_only)
		state_map_set(&state_step(a->session->state, "sign-in",
		    NULL)->created, "instance", c->instance_id);
	return 0;
}

int
setup_open(struct setup *a, const struct setup_options *opt)
{
	int rc = MT_EXIT_DATA;

	memset(a, 0, sizeof *a);
	a->opt = opt;
	if (templates_load(&a->cat, &a->errors) == 0 &&
	    (rc = find_state_path(a)) == 0 &&
	    (rc = open_state(a)) == 0 &&
	    (rc = take_answers(a)) == 0 &&
	    (rc = take_principal(a)) == 0 &&
	    (rc = take_github_token(a)) == 0 &&
	    (opt->leader != NULL || (rc = connect_services(a)) == 0) &&
	    (rc = check_instance(a)) == 0 && opt->conn.check_token &&
	    opt->leader == NULL)
		rc = check_azure(a);
	return rc;
}

struct connection *
setup_connection(struct setup *s)
{
	return s->opt != NULL && s->opt->leader != NULL ?
	    &s->opt->leader->conn : &s->conn;
}

const char *
setup_org_url(const struct setup *s)
{
	return s->opt != NULL && s->opt->leader != NULL ?
	    s->opt->leader->conn.api.org_url : s->conn.api.org_url;
}

void
setup_discard(struct setup *a)
{
	char *path = a->created && a->session != &a->plan_session ?
	    xstrdup_or_null(a->state_path) : NULL;

	a->discard = false;
	setup_close(a);
	if (path != NULL) {
		char *lock = xasprintf("%s.lock", path);
		char *backup = atomicfile_backup_path(path);

		unlink(path);
		unlink(lock);
		unlink(backup);
		free(backup);
		free(lock);
	}
	free(path);
}

void
setup_close(struct setup *a)
{
	if (a->discard) {
		a->discard = false;
		setup_discard(a);       /* which closes */
		return;
	}
	connection_close(&a->conn);
	credential_free(a->principal_secret);
	credential_free(a->github_token);
	if (a->session == &a->plan_session)
		state_free(a->plan_session.state);
	else
		state_close(a->session);
	free(a->state_path);
	errors_free(a->errors);
	catalog_free(a->cat);
	memset(a, 0, sizeof *a);
}
