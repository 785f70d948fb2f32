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
	"service_connection", "identity_resource_group", NULL };

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

/*
 * Whether u's path, decoded, moves or hides something: a dot segment
 * spelt %2e%2e (a server decodes it, then climbs), a NUL or other control
 * byte, or a backslash (a separator to some servers).
 */
static bool
path_decodes_badly(CURLU *u)
{
	char *path = NULL;
	size_t len = 0;
	bool bad = true;

	if (curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) !=
	    CURLUE_OK) {
		/* curl refuses to decode a %00: that is a NUL. */
		return true;
	}
	len = strlen(path);
	bad = has_dot_segment(path) || strchr(path, '\\') != NULL;
	for (size_t i = 0; i < len && !bad; i++)
		bad = iscntrl((unsigned char)path[i]) != 0;
	curl_free(path);
	return bad;
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
 * query, fragment or dot segment (encoded or not), and an organization
 * named.
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
	else if (strpbrk(v, "?#") != NULL || has_dot_segment(v +
	    strcspn(v, ":") + 3) || path_decodes_badly(u))
		/* ? and # even when empty: curl reports no part for them. */
		msg = xasprintf("%s: '%s' may not have a query (?), a "
		    "fragment (#), . and .. segments (%%2e too), a \\ or a "
		    "control character; use https://dev.azure.com/ORG", key,
		    v);
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
		"federated", "managed-identity", NULL };

	return one_of(key, v, ways);
}

/* Azure's rule for a resource group name: 1 to 90 letters, digits,
 * underscores, hyphens, periods and parentheses, not ending in a period. */
static char *
rule_resource_group(const char *key, const char *v)
{
	size_t len = strlen(v);

	if (len == 0 || len > 90)
		return xasprintf("%s: '%s' must be 1 to 90 characters", key, v);
	for (const char *p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-.()", *p))
			return xasprintf("%s: '%s' may not contain '%c'; a "
			    "resource group name takes letters, digits, _, -, "
			    ". and ()", key, v, *p);
	if (v[len - 1] == '.')
		return xasprintf("%s: '%s' may not end with a period", key, v);
	return NULL;
}

static char *
rule_boolean(const char *key, const char *v)
{
	static const char *const words[] = { "true", "false", NULL };

	return one_of(key, v, words);
}

/* Names from the list, each allowed and none twice: "prod,prod" would
 * run every per-environment step twice at once, making two of each. */
static char *
rule_environments(const char *key, const char *v)
{
	char *copy = xstrdup(v), *save = NULL, *msg = NULL;
	const char *seen[8];
	size_t n = 0;

	for (char *e = strtok_r(copy, ", ", &save); e && !msg;
	    e = strtok_r(NULL, ", ", &save)) {
		msg = one_of(key, e, environment_names);
		for (size_t i = 0; i < n && !msg; i++)
			if (strcmp(seen[i], e) == 0)
				msg = xasprintf("%s: '%s' names %s twice; name "
				    "each environment once", key, v, e);
		if (n < sizeof seen / sizeof *seen)
			seen[n++] = e;
	}
	if (msg == NULL && n == 0)
		msg = xasprintf("%s: names no environment; use prod, dev or "
		    "prod,dev", key);
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
	{ "identity_resource_group", rule_resource_group },
	{ "convert_connections", rule_boolean },
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

/* ---- answers read back from a state file -------------------------------- */

/* Append "where" + the problem of key=value to *all, one a line. */
static void
add_problem(char **all, const char *where, char *msg)
{
	char *more;

	if (msg == NULL)
		return;
	more = xasprintf("%s%s  %s%s", *all ? *all : "", *all ? "\n" : "",
	    where, msg);
	free(*all);
	free(msg);
	*all = more;
}

static void
map_problems(char **all, const char *where, const struct state_map *map,
    bool per_env)
{
	for (size_t i = 0; i < map->count; i++) {
		const char *key = map->keys[i];

		if (per_env && !listed(per_environment, key))
			add_problem(all, where, xasprintf("%s: not an answer "
			    "per environment", key));
		else
			add_problem(all, where, answers_problem(key,
			    map->values[i]));
	}
}

char *
answers_state_problems(const struct state *st)
{
	char *all = NULL;

	map_problems(&all, "answers.", &st->answers, false);
	for (size_t i = 0; i < st->nenvironments; i++) {
		const struct state_environment *env = &st->environments[i];
		char *where = xasprintf("environments.%s.", env->name);

		if (!listed(environment_names, env->name))
			add_problem(&all, "", one_of("environments", env->name,
			    environment_names));
		map_problems(&all, where, &env->answers, true);
		free(where);
	}
	/* A step's environment is a name the engine builds paths from. */
	for (size_t i = 0; i < st->nsteps; i++)
		if (st->steps[i].environment != NULL &&
		    !listed(environment_names, st->steps[i].environment))
			add_problem(&all, "", xasprintf("steps: %s: '%s' is "
			    "not an environment; use prod or dev",
			    st->steps[i].id, st->steps[i].environment));
	return all;
}

/* ---- the answers file -------------------------------------------------- */

/* The edit distance of a and b, for "did you mean" (short names only). */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64];

	if (la >= 64 || lb >= 64)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

/* The known field nearest to key, when a typing slip away: NULL if none. */
static const char *
nearest_field(const struct catalog *cat, const char *key)
{
	const char *best = NULL;
	size_t best_d = strlen(key) < 6 ? 2 : 3;

	if (distance(key, "environments") < best_d) {
		best = "environments";
		best_d = distance(key, best);
	}
	for (size_t i = 0; i < cat->ninputs; i++) {
		const char *id = cat->inputs[i].id;
		size_t d = distance(key, id);

		if (d < best_d && strcmp(id, "environment") != 0 &&
		    !secret_is_secret_name(id)) {
			best = id;
			best_d = d;
		}
	}
	return best;
}

static char *
unknown_field(const struct catalog *cat, const char *name, const char *key)
{
	const char *near = nearest_field(cat, key);

	if (secret_is_secret_name(key))
		return answers_problem(name, "");
	if (near != NULL)
		return xasprintf("%s: not an answer mlops-tui knows; did you "
		    "mean %s? (see mlops-tui(5))", name, near);
	return xasprintf("%s: not an answer mlops-tui knows (see "
	    "mlops-tui(5))", name);
}

static char *
check_field(const struct catalog *cat, const char *where, const char *key,
    json_t *value)
{
	char *name = xasprintf("%s%s", where, key), *msg;

	if (catalog_input_find(cat, key) == NULL ||
	    strcmp(key, "environment") == 0)
		msg = unknown_field(cat, name, key);
	else if (json_is_null(value))
		/* YAML's ~, null or nothing: not the text "~". */
		msg = xasprintf("%s: is empty (YAML null); give a value, or "
		    "leave the field out for its default", name);
	else if (!json_is_string(value))
		msg = xasprintf("%s: expected a single value", name);
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

/* Every problem of a file: {line (0: not known yet), message}. */
static void
note(json_t *problems, char *msg)
{
	if (msg != NULL)
		json_array_append_new(problems, json_pack("{s:i,s:s}", "line",
		    0, "message", msg));
	free(msg);
}

static void
check_environment(const struct catalog *cat, const char *name,
    json_t *answers, json_t *problems)
{
	char *where = xasprintf("environments.%s.", name);
	const char *key;
	json_t *value;

	if (!listed(environment_names, name))
		note(problems, xasprintf("environments: '%s' is not allowed; "
		    "use prod or dev", name));
	else if (!json_is_object(answers) && !json_is_null(answers))
		note(problems, xasprintf("environments.%s: expected a mapping",
		    name));
	json_object_foreach(answers, key, value)
		note(problems, check_field(cat, where, key, value));
	free(where);
}

static void
check_environments(const struct catalog *cat, json_t *envs,
    json_t *problems)
{
	const char *name;
	json_t *answers;

	if (!json_is_object(envs)) {
		note(problems, xstrdup("environments: expected a mapping of "
		    "environment names (prod, dev) to their answers, or a "
		    "string such as prod,dev"));
		return;
	}
	json_object_foreach(envs, name, answers)
		check_environment(cat, name, answers, problems);
}

/* Every field's problem, not only the first: a person fixes them all in
 * one edit rather than one per run. */
static void
check_document(const struct catalog *cat, json_t *doc, json_t *problems)
{
	const char *key;
	json_t *value;

	if (!json_is_object(doc)) {
		note(problems, xstrdup("expected a mapping of answers"));
		return;
	}
	json_object_foreach(doc, key, value) {
		if (strcmp(key, "environments") == 0 &&
		    !json_is_string(value) && !json_is_null(value))
			check_environments(cat, value, problems);
		else
			note(problems, check_field(cat, "", key, value));
	}
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

static int
by_line(const void *a, const void *b)
{
	json_int_t la = json_integer_value(json_object_get(*(json_t *const *)
	    a, "line")), lb = json_integer_value(json_object_get(
	    *(json_t *const *)b, "line"));

	return (la > lb) - (la < lb);
}

/*
 * The problems as one message, a line each, in the order of the file:
 * "FILE:LINE: field: what is wrong; what is allowed". Lines not known
 * yet are found from the field the message names.
 */
static char *
problems_text(const char *path, const char *text, size_t len,
    json_t *problems)
{
	size_t n = json_array_size(problems);
	json_t **list = xcalloc(n, sizeof *list);
	char *out = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		json_t *p = list[i] = json_array_get(problems, i);
		const char *msg = json_string_value(json_object_get(p,
		    "message"));

		if (json_integer_value(json_object_get(p, "line")) == 0)
			json_object_set_new(p, "line", json_integer(
			    field_line(text, len, msg)));
	}
	qsort(list, n, sizeof *list, by_line);
	for (size_t i = 0; i < n; i++) {
		json_int_t line = json_integer_value(json_object_get(list[i],
		    "line"));
		const char *msg = json_string_value(json_object_get(list[i],
		    "message"));
		char *more = line > 0 ? xasprintf("%s%s%s:%" JSON_INTEGER_FORMAT
		    ": %s", out, i ? "\n" : "", path, line, msg) :
		    xasprintf("%s%s%s: %s", out, i ? "\n" : "", path, msg);

		free(out);
		out = more;
	}
	free(list);
	return out;
}

int
answers_parse(struct state *st, const char *path, const char *text,
    size_t len, const struct catalog *cat, char **cause)
{
	char *why = NULL;
	json_t *doc, *problems = NULL;

	doc = yamljson_read(text, len, &problems, &why);
	if (doc == NULL) {
		*cause = xasprintf("%s: not YAML: %s", path, why);
		free(why);
		return -1;
	}
	check_document(cat, doc, problems);
	if (json_array_size(problems) > 0) {
		*cause = problems_text(path, text, len, problems);
		json_decref(problems);
		json_decref(doc);
		return -1;
	}
	json_decref(problems);
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

static void
append(char **out, size_t *len, const char *s)
{
	size_t n = strlen(s);

	*out = xrealloc(*out, *len + n + 1);
	memcpy(*out + *len, s, n + 1);
	*len += n;
}

/* value as a YAML double-quoted scalar: "0042" stays text, not a number. */
static void
add_quoted(char **out, size_t *len, const char *value)
{
	for (const char *c = value; ; c++) {
		char piece[8];

		if (c == value)
			append(out, len, "\"");
		if (*c == '\0')
			break;
		if (*c == '"' || *c == '\\')
			snprintf(piece, sizeof piece, "\\%c", *c);
		else if ((unsigned char)*c < 0x20)
			snprintf(piece, sizeof piece, "\\x%02x",
			    (unsigned char)*c);
		else
			snprintf(piece, sizeof piece, "%c", *c);
		append(out, len, piece);
	}
	append(out, len, "\"\n");
}

/* Whether key goes into an answers file at this level: any input at the
 * top (a per-environment one there is every environment's), the
 * per-environment ones under an environment. */
static bool
writable(const struct catalog *cat, const char *key, bool per_env)
{
	return catalog_input_find(cat, key) != NULL &&
	    strcmp(key, "environment") != 0 &&
	    strcmp(key, "environments") != 0 &&
	    !secret_is_secret_name(key) &&
	    (!per_env || listed(per_environment, key));
}

static void
add_map(char **out, size_t *len, const struct state_map *map,
    const struct catalog *cat, bool per_env)
{
	for (size_t i = 0; i < map->count; i++) {
		if (!writable(cat, map->keys[i], per_env))
			continue;
		append(out, len, per_env ? "    " : "");
		append(out, len, map->keys[i]);
		append(out, len, ": ");
		add_quoted(out, len, map->values[i]);
	}
}

char *
answers_format(const struct state *st, const struct catalog *cat)
{
	char *out = xstrdup("# mlops-tui answers (mlops-tui(5)); no secret is "
	    "written here.\n");
	size_t len = strlen(out);

	add_map(&out, &len, &st->answers, cat, false);
	if (st->nenvironments > 0)
		append(&out, &len, "environments:\n");
	for (size_t e = 0; e < st->nenvironments; e++) {
		append(&out, &len, "  ");
		append(&out, &len, st->environments[e].name);
		append(&out, &len, ":\n");
		add_map(&out, &len, &st->environments[e].answers, cat, true);
	}
	return out;
}
