/* The operator's answers: their rules, and the answers file. */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jansson.h>

#include "answers.h"
#include "atomicfile.h"
#include "http.h"
#include "names.h"
#include "scenario.h"
#include "secret.h"
#include "xalloc.h"
#include "yamljson.h"

#define ANSWERS_MAX_BYTES (64u << 10)

/* Azure's public regions, as the location field of config-infra wants. */
static const char *const regions[] = {
	"australiacentral", "australiaeast", "australiasoutheast",
	"brazilsouth", "canadacentral", "canadaeast", "centralindia",
	"centralus", "eastasia", "eastus", "eastus2", "francecentral",
	"germanywestcentral", "israelcentral", "italynorth", "japaneast",
	"japanwest", "koreacentral", "koreasouth", "mexicocentral",
	"newzealandnorth", "northcentralus", "northeurope", "norwayeast",
	"polandcentral", "qatarcentral", "southafricanorth",
	"southcentralus", "southeastasia", "southindia", "spaincentral",
	"swedencentral", "switzerlandnorth", "uaenorth", "uksouth", "ukwest",
	"westcentralus", "westeurope", "westindia", "westus", "westus2",
	"westus3", NULL,
};

static const char *const environment_names[] = { "prod", "dev", NULL };

/* Inputs that may differ per environment. */
static const char *const per_environment[] = { "namespace", "postfix",
	"location", "subscription_id", "tenant_id", "client_id", "branch",
	"service_connection", NULL };

static bool
listed(const char *const *list, const char *value)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, value) == 0)
			return true;
	return false;
}

static char *
one_of(const char *key, const char *value, const char *const *list)
{
	char *allowed = xstrdup("");

	if (listed(list, value)) {
		free(allowed);
		return NULL;
	}
	for (const char *const *p = list; *p != NULL; p++) {
		char *more = xasprintf("%s%s%s", allowed, p == list ? "" :
		    p[1] == NULL ? " or " : ", ", *p);

		free(allowed);
		allowed = more;
	}
	char *msg = xasprintf("%s: '%s' is not allowed; use %s", key, value,
	    allowed);
	free(allowed);
	return msg;
}

/* ---- the rules --------------------------------------------------------- */

/* Whether path holds a "." or ".." segment (curl would quietly drop it). */
static bool
has_dot_segment(const char *path)
{
	for (const char *p = path; (p = strchr(p, '/')) != NULL; ) {
		size_t n = strcspn(++p, "/?#");
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' &&
		    p[1] == '.'))
			return true;
	}
	return false;
}

/* Whether the URL (parsed in u) names an organization: a path for
 * dev.azure.com and the sandbox, or the host of ORG.visualstudio.com. */
static bool
names_organization(CURLU *u)
{
	char *host = NULL, *path = NULL;
	size_t n;
	bool ok = curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK;

	if (ok) {
		n = strlen(host);
		ok = path[strspn(path, "/")] != '\0' || (n > 17 &&
		    strcasecmp(host + n - 17, ".visualstudio.com") == 0);
	}
	curl_free(host);
	curl_free(path);
	return ok;
}

/* Whether the part of u is present (user, password, query, fragment). */
static bool
has_part(CURLU *u, CURLUPart part)
{
	char *value = NULL;
	bool present = curl_url_get(u, part, &value, 0) == CURLUE_OK;

	curl_free(value);
	return present;
}

/*
 * An organization URL: https (plain http only to loopback), no user name
 * or password (they would be saved in the state file and logged), no
 * query, fragment or dot segment, and an organization named.
 */
static char *
rule_organization(const char *key, const char *v)
{
	CURLU *u = curl_url();
	char *msg = NULL;

	if ((strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0) ||
	    curl_url_set(u, CURLUPART_URL, v, 0) != CURLUE_OK)
		msg = xasprintf("%s: '%s' is not a URL; use "
		    "https://dev.azure.com/ORG", key, v);
	else if (has_part(u, CURLUPART_USER) || has_part(u,
	    CURLUPART_PASSWORD))
		msg = xasprintf("%s: the URL may not hold a user name or "
		    "password (it would be saved and logged); use "
		    "https://dev.azure.com/ORG and sign in with a token", key);
	else if (has_part(u, CURLUPART_QUERY) || has_part(u,
	    CURLUPART_FRAGMENT) || has_dot_segment(v + strcspn(v, ":") + 3))
		msg = xasprintf("%s: '%s' may not have a query (?), a "
		    "fragment (#) or . and .. segments; use "
		    "https://dev.azure.com/ORG", key, v);
	else if (!names_organization(u))
		msg = xasprintf("%s: '%s' names no organization; use "
		    "https://dev.azure.com/ORG or https://ORG.visualstudio.com",
		    key, v);
	else if (!http_url_allowed(v))
		msg = xasprintf("%s: '%s': plain http is only for this "
		    "machine (127.0.0.1, [::1], localhost: the sandbox); use "
		    "https://", key, v);
	curl_url_cleanup(u);
	return msg;
}

/* Azure DevOps names: project and repository names share most rules. */
static char *
rule_ado_name(const char *key, const char *v)
{
	static const char forbidden[] = "\\/:*?\"<>|;#${},+=[]%&@'`~^";
	size_t len = strlen(v);

	if (len == 0 || len > 64)
		return xasprintf("%s: '%s' must be 1 to 64 characters", key, v);
	if (v[0] == '_' || v[0] == '.' || v[len - 1] == '.')
		return xasprintf("%s: '%s' may not start with _ or . nor end "
		    "with .", key, v);
	for (const char *p = v; *p; p++)
		if (strchr(forbidden, *p) || iscntrl((unsigned char)*p))
			return xasprintf("%s: '%s' may not contain '%c'; use "
			    "letters, digits, - and _", key, v, *p);
	return NULL;
}

static char *
rule_repository(const char *key, const char *v)
{
	if (strchr(v, ' ') != NULL)
		return xasprintf("%s: '%s' may not contain spaces (the "
		    "initialise pipeline cannot check it out)", key, v);
	return rule_ado_name(key, v);
}

static char *
rule_scenario(const char *key, const char *v)
{
	struct scenario_verdict verdict;

	scenario_judge(strcmp(key, "project_type") == 0 ? v : NULL,
	    strcmp(key, "interface") == 0 ? v : NULL,
	    strcmp(key, "infrastructure") == 0 ? v : NULL, &verdict);
	return verdict.error ? xasprintf("%s: '%s': %s", key, v,
	    verdict.error) : NULL;
}

static char *
rule_initialise_way(const char *key, const char *v)
{
	static const char *const ways[] = { "pipeline", "local", NULL };

	return one_of(key, v, ways);
}

static char *
rule_principal_way(const char *key, const char *v)
{
	static const char *const ways[] = { "create", "existing",
		"federated", NULL };

	return one_of(key, v, ways);
}

static char *
rule_boolean(const char *key, const char *v)
{
	static const char *const words[] = { "true", "false", NULL };

	return one_of(key, v, words);
}

static char *
rule_environments(const char *key, const char *v)
{
	char *copy = xstrdup(v), *save = NULL, *msg = NULL;

	for (char *e = strtok_r(copy, ", ", &save); e && !msg;
	    e = strtok_r(NULL, ", ", &save))
		msg = one_of(key, e, environment_names);
	free(copy);
	return msg;
}

/* Lowercase letters and digits: what every derived Azure name takes. */
static char *
rule_name_part(const char *key, const char *v)
{
	size_t len = strlen(v);

	if (len == 0)
		return xasprintf("%s: must not be empty", key);
	for (const char *p = v; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p))
			return xasprintf("%s: '%s' may only contain lowercase "
			    "letters and digits (it becomes part of storage "
			    "account and key vault names)", key, v);
	return NULL;
}

static char *
rule_location(const char *key, const char *v)
{
	if (listed(regions, v))
		return NULL;
	return xasprintf("%s: '%s' is not an Azure region name; use one such "
	    "as eastus, westeurope or uksouth (lowercase, no spaces)", key, v);
}

static char *
rule_guid(const char *key, const char *v)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	bool ok = strlen(v) == sizeof shape - 1;

	for (size_t i = 0; ok && shape[i]; i++)
		ok = shape[i] == '-' ? v[i] == '-' :
		    isxdigit((unsigned char)v[i]) != 0;
	return ok ? NULL : xasprintf("%s: '%s' is not an id of the form %s",
	    key, v, shape);
}

static char *
rule_branch(const char *key, const char *v)
{
	if (*v == '\0' || strpbrk(v, " ~^:?*[\\") != NULL ||
	    strstr(v, "..") != NULL || v[strlen(v) - 1] == '/')
		return xasprintf("%s: '%s' is not a valid branch name", key, v);
	return NULL;
}

static char *
rule_text(const char *key, const char *v)
{
	if (*v == '\0' || strlen(v) > 256)
		return xasprintf("%s: must be 1 to 256 characters", key);
	return NULL;
}

static const struct {
	const char *key;
	char *(*check)(const char *key, const char *value);
} rules[] = {
	{ "organization", rule_organization },
	{ "project", rule_ado_name },
	{ "repository", rule_repository },
	{ "template_repository", rule_repository },
	{ "project_type", rule_scenario },
	{ "interface", rule_scenario },
	{ "infrastructure", rule_scenario },
	{ "initialise_way", rule_initialise_way },
	{ "principal_way", rule_principal_way },
	{ "environments", rule_environments },
	{ "branch", rule_branch },
	{ "service_connection", rule_text },
	{ "github_connection", rule_text },
	{ "subscription_id", rule_guid },
	{ "tenant_id", rule_guid },
	{ "client_id", rule_guid },
	{ "namespace", rule_name_part },
	{ "postfix", rule_name_part },
	{ "location", rule_location },
	{ "deploy_online", rule_boolean },
	{ "deploy_batch", rule_boolean },
	{ "fix_defects", rule_boolean },
};

char *
answers_problem(const char *key, const char *value)
{
	if (secret_is_secret_name(key) && strstr(key, "github") != NULL)
		return xasprintf("%s: secrets never go in answers; the GitHub "
		    "token comes from MLOPS_TUI_GITHUB_TOKEN, "
		    "--github-token-file or the wizard", key);
	if (secret_is_secret_name(key))
		return xasprintf("%s: secrets never go in answers; the PAT "
		    "comes from AZURE_DEVOPS_EXT_PAT, --pat-file or a prompt",
		    key);
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
		if (strcmp(rules[i].key, key) == 0)
			return rules[i].check(key, value);
	return xasprintf("%s: not an answer mlops-tui knows", key);
}

/* ---- the answers file -------------------------------------------------- */

static char *
check_field(const struct catalog *cat, const char *where, const char *key,
    json_t *value)
{
	char *name = xasprintf("%s%s", where, key), *msg;

	if (!json_is_string(value))
		msg = xasprintf("%s: expected a single value", name);
	else if (catalog_input_find(cat, key) == NULL ||
	    strcmp(key, "environment") == 0)
		msg = secret_is_secret_name(key) ? answers_problem(name, "") :
		    xasprintf("%s: not an answer mlops-tui knows (see "
		    "mlops-tui(5))", name);
	else if (*where != '\0' && !listed(per_environment, key))
		msg = xasprintf("%s: not an answer per environment; give it "
		    "at the top level", name);
	else
		msg = answers_problem(key, json_string_value(value));
	if (msg != NULL && strncmp(msg, key, strlen(key)) == 0 &&
	    *where != '\0') {
		char *full = xasprintf("%s%s", where, msg);

		free(msg);
		msg = full;
	}
	free(name);
	return msg;
}

static char *
check_environments(const struct catalog *cat, json_t *envs)
{
	const char *name;
	json_t *answers;
	char *msg = NULL;

	if (!json_is_object(envs))
		return xstrdup("environments: expected a mapping of "
		    "environment names (prod, dev) to their answers");
	json_object_foreach(envs, name, answers) {
		char *where = xasprintf("environments.%s.", name);
		const char *key;
		json_t *value;

		if (!listed(environment_names, name))
			msg = xasprintf("environments: '%s' is not allowed; "
			    "use prod or dev", name);
		else if (!json_is_object(answers) && !json_is_null(answers))
			msg = xasprintf("environments.%s: expected a mapping",
			    name);
		json_object_foreach(answers, key, value) {
			if (msg == NULL)
				msg = check_field(cat, where, key, value);
		}
		free(where);
		if (msg != NULL)
			return msg;
	}
	return NULL;
}

static char *
check_document(const struct catalog *cat, json_t *doc)
{
	const char *key;
	json_t *value;
	char *msg = NULL;

	if (!json_is_object(doc))
		return xstrdup("expected a mapping of answers");
	json_object_foreach(doc, key, value) {
		if (msg != NULL)
			break;
		if (strcmp(key, "environments") == 0 && !json_is_string(value))
			msg = check_environments(cat, value);
		else
			msg = check_field(cat, "", key, value);
	}
	return msg;
}

static void
merge(struct state *st, json_t *doc)
{
	const char *key, *name;
	json_t *value, *envs = json_object_get(doc, "environments"), *answers;
	char *list = NULL;

	json_object_foreach(doc, key, value)
		if (json_is_string(value))
			state_map_set(&st->answers, key,
			    json_string_value(value));
	if (!json_is_object(envs))
		return;
	json_object_foreach(envs, name, answers) {
		struct state_environment *env = state_environment(st, name);
		char *more = xasprintf("%s%s%s", list ? list : "", list ? ","
		    : "", name);

		free(list);
		list = more;
		json_object_foreach(answers, key, value)
			state_map_set(&env->answers, key,
			    json_string_value(value));
	}
	if (list != NULL)
		state_map_set(&st->answers, "environments", list);
	free(list);
}

static char *
read_answers_file(const char *path, size_t *len, char **cause)
{
	char *text = NULL;
	int rc = atomicfile_read(path, ANSWERS_MAX_BYTES, &text, len, cause);

	if (rc == ATOMICFILE_ENOENT)
		set_cause(cause, "%s: there is no such answers file", path);
	return rc == 0 ? text : NULL;
}

int
answers_load(struct state *st, const char *path, const struct catalog *cat,
    char **cause)
{
	size_t len;
	char *text = read_answers_file(path, &len, cause);
	int rc;

	if (text == NULL)
		return -1;
	rc = answers_parse(st, path, text, len, cat, cause);
	free(text);
	return rc;
}

/* Whether line holds key as a mapping key (block or flow style). */
static bool
line_has_key(const char *line, size_t len, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i + klen < len; i++) {
		if (strncmp(line + i, key, klen) != 0 || line[i + klen] != ':')
			continue;
		if (i == 0 || strchr(" \t{,", line[i - 1]) != NULL)
			return true;
	}
	return false;
}

/*
 * The line of the field a message is about ("environments.prod.postfix:
 * ..."): each part of the dotted path looked for after the one before.
 * 0 when it cannot be found.
 */
static int
field_line(const char *text, size_t size, const char *msg)
{
	char *path = xstrndup(msg, strcspn(msg, ": ")), *save = NULL;
	const char *line = text, *end = text + size;
	int number = 1, found = 0;

	for (char *part = strtok_r(path, ".", &save); part != NULL;
	    part = strtok_r(NULL, ".", &save)) {
		found = 0;
		/* text need not end with a NUL: stay within size. */
		for (; line < end && *line != '\0' && !found; number++) {
			size_t rest = (size_t)(end - line), blank = 0;
			const char *nl = memchr(line, '\n', rest);
			size_t len = strnlen(line, nl ? (size_t)(nl - line) :
			    rest);

			while (blank < len && (line[blank] == ' ' ||
			    line[blank] == '\t'))
				blank++;
			if ((blank == len || line[blank] != '#') &&
			    line_has_key(line, len, part))
				found = number;
			else
				line += len + (line + len < end &&
				    line[len] == '\n');
		}
		if (!found)
			break;
		number--;
	}
	free(path);
	return found;
}

int
answers_parse(struct state *st, const char *path, const char *text,
    size_t len, const struct catalog *cat, char **cause)
{
	char *why = NULL, *msg;
	json_t *doc;

	doc = yamljson_parse(text, len, &why);
	if (doc == NULL) {
		*cause = xasprintf("%s: not YAML: %s", path, why);
		free(why);
		return -1;
	}
	msg = check_document(cat, doc);
	if (msg != NULL) {
		int line = field_line(text, len, msg);

		*cause = line ? xasprintf("%s:%d: %s", path, line, msg) :
		    xasprintf("%s: %s", path, msg);
		free(msg);
		json_decref(doc);
		return -1;
	}
	merge(st, doc);
	json_decref(doc);
	return 0;
}

/* ---- a whole setup ----------------------------------------------------- */

static const char *
answer_or(const struct state *st, const char *key, const char *fallback)
{
	const char *v = state_map_get(&st->answers, key);

	return v != NULL ? v : fallback;
}

static int
check_names(const struct state *st, const struct state_environment *env,
    char **cause)
{
	const char *ns = state_map_get(&env->answers, "namespace");
	const char *pf = state_map_get(&env->answers, "postfix");
	struct names_input in = { ns ? ns : answer_or(st, "namespace", NULL),
		pf ? pf : answer_or(st, "postfix", NULL), env->name,
		answer_or(st, "infrastructure", "bicep"),
		answer_or(st, "project_type", "classical") };
	struct name_problem *p;
	size_t count, serious;

	if (in.namespace == NULL || in.postfix == NULL)
		return 0;
	if (strcmp(in.namespace, "mlopsv2") == 0 &&
	    strcmp(in.postfix, "0001") == 0) {
		/* Key vault and storage names are global: these are taken. */
		*cause = xasprintf("environments.%s: namespace mlopsv2 with "
		    "postfix 0001 is the accelerator's default; choose your "
		    "own, e.g. your team's name and four digits", env->name);
		return -1;
	}
	serious = names_check(&in, &p, &count);
	for (size_t i = 0; i < count && serious > 0; i++)
		if (p[i].serious) {
			*cause = xasprintf("environments.%s: %s", env->name,
			    p[i].message);
			break;
		}
	names_free_problems(p, count);
	return serious > 0 ? -1 : 0;
}

int
answers_complete(const struct state *st, char **cause)
{
	struct scenario_verdict v;

	if (state_map_get(&st->answers, "organization") == NULL) {
		*cause = xstrdup("organization: not given; e.g. organization: "
		    "https://dev.azure.com/contoso");
		return -1;
	}
	if (state_map_get(&st->answers, "repository") == NULL) {
		*cause = xstrdup("repository: not given; the name of the new "
		    "ML project repository, e.g. taxi-fare-regression");
		return -1;
	}
	scenario_judge(answer_or(st, "project_type", "classical"),
	    answer_or(st, "interface", "aml-cli-v2"),
	    answer_or(st, "infrastructure", "bicep"), &v);
	if (v.error != NULL) {
		*cause = xasprintf("project_type %s with interface %s: %s",
		    answer_or(st, "project_type", "classical"),
		    answer_or(st, "interface", "aml-cli-v2"), v.error);
		return -1;
	}
	for (size_t i = 0; i < st->nenvironments; i++)
		if (check_names(st, &st->environments[i], cause) == -1)
			return -1;
	return 0;
}
