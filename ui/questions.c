/* The wizard's questions: fields, defaults, live rules, answers text. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "credential.h"
#include "names.h"
#include "questions.h"
#include "scenario.h"
#include "xalloc.h"

static const char *const initialise_ways[] = { "pipeline", "local", NULL };
/* Federated first: Azure DevOps now calls secret-based connections "for
 * backwards compatibility", and the accelerator's guide moved on too. */
static const char *const principal_ways[] = { "federated",
	"managed-identity", "create", "existing", NULL };
/* Entra first: new organizations restrict PAT creation by default, and a
 * user should never have to make one. */
static const char *const ado_auths[] = { "entra", "pat", NULL };
static const char *const environment_sets[] = { "prod", "prod, dev", NULL };
/* Shown as yes and no, written to the answers as true and false. */
static const char *const yes_no[] = { "no", "yes", NULL };

/* The guide's order and defaults; empty ones the operator must give. */
static const struct question questions_template[] = {
	{ "organization", "Organization URL", NULL, false, false,
	    "https://dev.azure.com/" },
	{ "ado_auth", "Azure DevOps sign-in", ado_auths, false, false,
	    "entra" },
	{ "pat", "Personal access token", NULL, true, false, "" },
	{ "project", "Project", NULL, false, false, "mlops-v2" },
	{ "repository", "ML repository", NULL, false, false,
	    "taxi-fare-regression" },
	{ "project_type", "Project type", scenario_types, false, false,
	    "classical" },
	{ "interface", "Azure ML interface", scenario_interfaces, false, false,
	    "aml-cli-v2" },
	{ "infrastructure", "Infrastructure", scenario_providers, false, false,
	    "bicep" },
	{ "initialise_way", "Initialise by", initialise_ways, false, false,
	    "pipeline" },
	{ "principal_way", "Service principal", principal_ways, false, false,
	    "federated" },
	/* The next two are asked for one principal way each (applies). */
	{ "convert_connections", "Convert to federation", yes_no, false, false,
	    "no" },
	{ "identity_resource_group", "Identity resource group", NULL, false,
	    false, "rg-mlops-identities" },
	{ "environments", "Environments", environment_sets, false, false,
	    "prod" },
	{ "subscription_id", "Subscription id", NULL, false, false, "" },
	{ "tenant_id", "Tenant id (optional)", NULL, false, true, "" },
	{ "namespace", "Namespace", NULL, false, false, "" },
	{ "postfix", "Postfix", NULL, false, false, "" },
	{ "location", "Location", NULL, false, false, "eastus" },
	/* Last: asked only for rai-aml-cli-v2 (applies). */
	{ "github_token", "GitHub token (optional)", NULL, true, true, "" },
};

#define QUESTIONS_HELD (sizeof questions_template / sizeof *questions_template)

static const char *value_of(const struct questions *q, const char *key);

/* Whether a question applies to the answers so far: the GitHub token to
 * rai-aml-cli-v2 alone, whose training checks out GitHub through a
 * connection made with it; converting the connection to a secret-based
 * one (create) alone; the identity's resource group to a managed
 * identity alone. */
static bool
applies(const struct questions *q, const char *key)
{
	const char *way = value_of(q, "principal_way");

	if (strcmp(key, "github_token") == 0)
		return strcmp(value_of(q, "interface"), "rai-aml-cli-v2") == 0;
	if (strcmp(key, "convert_connections") == 0)
		return strcmp(way, "create") == 0;
	if (strcmp(key, "identity_resource_group") == 0)
		return strcmp(way, "managed-identity") == 0;
	return true;
}

/* Where the guide's order puts a question; the ones that do not apply
 * after all the others. */
static size_t
rank(const struct questions *q, const char *key)
{
	size_t at = 0;

	while (at < QUESTIONS_HELD && strcmp(questions_template[at].key, key))
		at++;
	return applies(q, key) ? at : QUESTIONS_HELD + at;
}

/* The questions that apply first, in the guide's order, and only they
 * counted: the others keep their values out of sight, for when the
 * choice that asks them is made again. Ranked before anything moves, as
 * applies reads the list. */
static void
fit(struct questions *q)
{
	size_t ranks[QUESTIONS_HELD];

	for (size_t i = 0; i < q->total; i++)
		ranks[i] = rank(q, q->list[i].key);
	q->count = 0;
	for (size_t i = 0; i < q->total; i++) {
		struct question f = q->list[i];
		size_t r = ranks[i], j = i;

		for (; j > 0 && ranks[j - 1] > r; j--) {
			q->list[j] = q->list[j - 1];
			ranks[j] = ranks[j - 1];
		}
		q->list[j] = f;
		ranks[j] = r;
	}
	while (q->count < q->total && ranks[q->count] < QUESTIONS_HELD)
		q->count++;
	if (q->focused > q->count)
		q->focused = q->count;
}

void
questions_init(struct questions *q, char *env_pat)
{
	q->count = QUESTIONS_HELD;
	q->total = q->count;
	q->alone = 0;
	q->list = xmalloc(sizeof questions_template);
	memcpy(q->list, questions_template, sizeof questions_template);
	q->focused = 0;
	q->pat_from_environment = env_pat != NULL;
	if (env_pat != NULL) {
		/* The operator chose a PAT by exporting one. */
		snprintf(questions_get(q, "ado_auth")->value, QUESTION_MAX,
		    "pat");
		snprintf(questions_get(q, "pat")->value, QUESTION_MAX, "%s",
		    env_pat);
		credential_wipe(env_pat);
	}
	q->principal_file = false;
	q->github_from_environment = false;
	q->problem = NULL;
	fit(q);
}

void
questions_github_token(struct questions *q, const char *token)
{
	if (token == NULL)
		return;
	snprintf(questions_get(q, "github_token")->value, QUESTION_MAX, "%s",
	    token);
	q->github_from_environment = true;
}

void
questions_free(struct questions *q)
{
	for (size_t i = 0; i < q->total; i++)
		explicit_bzero(q->list[i].value, sizeof q->list[i].value);
	free(q->list);
	free(q->problem);
	memset(q, 0, sizeof *q);
}

struct question *
questions_get(struct questions *q, const char *key)
{
	for (size_t i = 0; i < q->total; i++)
		if (strcmp(q->list[i].key, key) == 0)
			return &q->list[i];
	return NULL;
}

void
questions_only(struct questions *q, const char *key)
{
	struct question *f = questions_get(q, key), first = q->list[0];

	q->alone = (size_t)(f - q->list);
	q->list[0] = *f;
	*f = first;
	q->count = 1;
	q->focused = 0;
}

void
questions_all(struct questions *q)
{
	struct question first = q->list[0];

	q->list[0] = q->list[q->alone];
	q->list[q->alone] = first;
	q->alone = 0;
	q->focused = 0;
	fit(q);
}

static const char *
value_of(const struct questions *q, const char *key)
{
	return questions_get((struct questions *)q, key)->value;
}

const char *
questions_choice_refused(const struct questions *q, size_t i,
    const char *choice)
{
	const char *key = q->list[i].key;
	struct scenario_verdict v;

	if (strcmp(key, "principal_way") == 0 && strcmp(choice, "existing") ==
	    0 && !q->principal_file)
		return "an existing principal's secret comes from "
		    "--principal-file FILE (the JSON az ad sp create-for-rbac "
		    "prints), or from an answers file";
	/* As the convert step refuses it (errors.yml terraform-needs-secret). */
	if (strcmp(key, "convert_connections") == 0 && strcmp(choice, "yes")
	    == 0 && strcmp(value_of(q, "infrastructure"), "terraform") == 0)
		/* Short: with 17 fields, the note has one line. */
		return "terraform's pipelines sign in with the secret";
	if (strcmp(key, "project_type") == 0)
		return scenario_type_refusal(choice);
	if (strcmp(key, "interface") == 0)
		scenario_judge(value_of(q, "project_type"), choice, NULL, &v);
	else if (strcmp(key, "infrastructure") == 0)
		scenario_judge(value_of(q, "project_type"), value_of(q,
		    "interface"), choice, &v);
	else
		return NULL;
	return v.error;
}

const char *
questions_choice_meaning(const char *key, const char *choice)
{
	static const struct {
		const char *key, *choice, *meaning;
	} meanings[] = {
		{ "ado_auth", "entra", "entra: sign in with Microsoft Entra "
		    "(a device code or az); no PAT to make" },
		{ "ado_auth", "pat", "pat: a personal access token, typed "
		    "below (some organizations restrict PATs)" },
		{ "principal_way", "federated", "federated: workload identity "
		    "federation, no secret to expire (recommended)" },
		{ "principal_way", "managed-identity", "managed-identity: a "
		    "user-assigned identity, federated; no app, no secret" },
		{ "principal_way", "create", "create: a principal with a "
		    "secret, for backwards compatibility; it expires" },
		{ "principal_way", "existing", "existing: one an administrator "
		    "made, from --principal-file (its JSON)" },
		{ "convert_connections", "yes", "yes: once made, Azure-ARM-<Env> "
		    "is federated and its secret removed" },
		{ "convert_connections", "no", "no: Azure-ARM-<Env> keeps its "
		    "secret, which expires (convert it later)" },
	};

	for (size_t i = 0; i < sizeof meanings / sizeof *meanings; i++)
		if (strcmp(meanings[i].key, key) == 0 &&
		    strcmp(meanings[i].choice, choice) == 0)
			return meanings[i].meaning;
	return NULL;
}

void
questions_choose(struct questions *q, size_t i, int dir)
{
	struct question *f = &q->list[i];
	size_t n = 0, at = 0;

	if (f->choices == NULL)
		return;
	while (f->choices[n] != NULL) {
		if (strcmp(f->choices[n], f->value) == 0)
			at = n;
		n++;
	}
	for (size_t step = 1; step < n; step++) {
		const char *c = f->choices[(at + n + (size_t)dir * step) % n];

		if (questions_choice_refused(q, i, c) == NULL) {
			snprintf(f->value, sizeof f->value, "%s", c);
			/* Which questions apply follows these two. */
			if (strcmp(f->key, "interface") == 0 ||
			    strcmp(f->key, "principal_way") == 0)
				fit(q);
			return;
		}
	}
}

bool
questions_use_entra(const struct questions *q)
{
	/* Resuming asks for the token alone: one typed means a PAT. */
	if (q->count == 1 && *value_of(q, "pat") != '\0')
		return false;
	return strcmp(value_of(q, "ado_auth"), "entra") == 0;
}

/* The names namespace and postfix make, and whether one breaks a rule. */
static char *
names_problem(const struct questions *q)
{
	struct names_input in = { value_of(q, "namespace"), value_of(q,
		"postfix"), "prod", value_of(q, "infrastructure"), value_of(q,
		"project_type") };
	struct name_problem *p = NULL;
	size_t n = 0;
	char *msg = NULL;

	if (*in.namespace == '\0' || *in.postfix == '\0')
		return NULL;
	names_check(&in, &p, &n);
	for (size_t k = 0; k < n && msg == NULL; k++)
		if (p[k].serious)
			msg = xstrdup(p[k].message);
	names_free_problems(p, n);
	return msg;
}

char *
questions_problem(const struct questions *q, size_t i)
{
	const struct question *f = &q->list[i];
	const char *refused;
	char *msg;

	if (strcmp(f->key, "pat") == 0 && questions_use_entra(q))
		return NULL;
	if (strcmp(f->key, "pat") == 0)
		return f->value[0] == '\0' ?
		    xstrdup("the personal access token: type it (it is "
		    "shown masked and never saved), or set "
		    "AZURE_DEVOPS_EXT_PAT") : NULL;
	if (f->secret)
		return NULL;            /* the GitHub token: any, or none */
	if (f->value[0] == '\0')
		return f->optional ? NULL : xasprintf("%s: must be given",
		    f->key);
	if (f->choices != NULL && (refused = questions_choice_refused(q, i,
	    f->value)) != NULL)
		return xasprintf("%s: '%s': %s", f->key, f->value, refused);
	/* How to sign in is no answer of the setup, and yes or no become
	 * true or false: their choices are all. */
	if (strcmp(f->key, "ado_auth") == 0 || f->choices == yes_no)
		return NULL;
	if ((msg = answers_problem(f->key, f->value)) != NULL)
		return msg;
	if (strcmp(f->key, "namespace") == 0 || strcmp(f->key, "postfix") == 0)
		return names_problem(q);
	return NULL;
}

/* The environment's block of the answers text. */
static char *
environment_block(const struct questions *q, const char *env)
{
	static const char *const keys[] = { "subscription_id", "tenant_id",
		"namespace", "postfix", "location", "identity_resource_group" };
	char *text = xasprintf("  %s:\n", env), *more;

	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		if (*value_of(q, keys[k]) == '\0' || !applies(q, keys[k]))
			continue;
		/* Quoted: a postfix such as 0042 stays a string. */
		more = xasprintf("%s    %s: \"%s\"\n", text, keys[k],
		    value_of(q, keys[k]));
		free(text);
		text = more;
	}
	return text;
}

static bool
per_environment(const char *key)
{
	return strcmp(key, "subscription_id") == 0 || strcmp(key,
	    "tenant_id") == 0 || strcmp(key, "namespace") == 0 ||
	    strcmp(key, "postfix") == 0 || strcmp(key, "location") == 0 ||
	    strcmp(key, "identity_resource_group") == 0;
}

char *
questions_answers(const struct questions *q, size_t *field, char **cause)
{
	char *text = xstrdup(""), *more, *block;

	for (size_t i = 0; i < q->count; i++)
		if ((*cause = questions_problem(q, i)) != NULL) {
			*field = i;
			free(text);
			return NULL;
		}
	for (size_t i = 0; i < q->count; i++) {
		const struct question *f = &q->list[i];

		/* ado_auth is how to sign in, not an answer of the setup. */
		if (f->secret || per_environment(f->key) ||
		    strcmp(f->key, "environments") == 0 || strcmp(f->key,
		    "ado_auth") == 0)
			continue;
		more = xasprintf("%s%s: \"%s\"\n", text, f->key,
		    f->choices == yes_no ? (strcmp(f->value, "yes") == 0 ?
		    "true" : "false") : f->value);
		free(text);
		text = more;
	}
	more = xasprintf("%senvironments:\n", text);
	free(text);
	text = more;
	for (const char *e = value_of(q, "environments"); *e; ) {
		size_t len = strcspn(e, ", ");
		char *env = xstrndup(e, len);

		block = environment_block(q, env);
		more = xasprintf("%s%s", text, block);
		free(block);
		free(env);
		free(text);
		text = more;
		e += len;
		e += strspn(e, ", ");
	}
	return text;
}
