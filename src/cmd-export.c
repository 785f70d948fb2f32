/*
 * `mlops-tui export`: the setup as commands - for someone who must see or
 * redo by hand what mlops-tui does, or run it where mlops-tui cannot.
 * Each step becomes a shell function holding the az command (commented,
 * where one exists) and the REST calls; the values come from the answers,
 * quoted, and a secret only ever as an environment variable's name.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "answers.h"
#include "atomicfile.h"
#include "checklist.h"
#include "cmd-export.h"
#include "exitcode.h"
#include "names.h"
#include "paths.h"
#include "setups.h"
#include "state.h"
#include "templates.h"
#include "xalloc.h"
#include "yamljson.h"

#define EXPORT_MAX_BYTES (256 * 1024)

/* ---- reading --------------------------------------------------------- */

/* Every step of the catalogue has its commands: a data file that misses
 * one is mlops-tui's own defect, said before anything is printed. */
static bool
commands_complete(const struct catalog *cat, json_t *commands,
    char **cause)
{
	for (size_t i = 0; i < cat->nsteps; i++)
		if (json_object_get(commands, cat->steps[i].id) == NULL) {
			*cause = xasprintf("export.yml has no entry for the "
			    "step %s", cat->steps[i].id);
			return false;
		}
	return true;
}

/* templates/export.yml's "steps" object, with an entry for every step
 * of cat; NULL with *cause. */
static json_t *
load_commands(const struct catalog *cat, char **cause)
{
	char *dir = paths_templates_dir(), *path = xasprintf("%s/export.yml",
	    dir), *text = NULL, *why = NULL;
	size_t len;
	json_t *doc = NULL, *steps = NULL;

	if (atomicfile_read(path, EXPORT_MAX_BYTES, &text, &len, &why) != 0 ||
	    (doc = yamljson_parse(text, len, &why)) == NULL)
		*cause = xasprintf("%s: %s", path, why ? why : "cannot be read");
	else if (!json_is_object(steps = json_object_get(doc, "steps")))
		*cause = xasprintf("%s: no steps: mapping", path);
	else if (commands_complete(cat, steps, cause))
		json_incref(steps);
	else
		steps = NULL;
	json_decref(doc);
	free(why);
	free(text);
	free(path);
	free(dir);
	return json_is_object(steps) ? steps : NULL;
}

/* The one saved setup's state file, when there is exactly one. */
static char *
only_saved_setup(void)
{
	char *cause = NULL, *dir = paths_state_dir(&cause), *path = NULL;
	struct setup_list *list = dir ? setups_scan(dir) : NULL;

	if (list != NULL && list->count == 1)
		path = xstrdup(list->items[0].path);
	else
		fprintf(stderr, "mlops-tui: export needs --answers FILE or "
		    "--state FILE (%s saved setups)\n", list && list->count ?
		    "several" : "no");
	setups_free(list);
	free(cause);
	free(dir);
	return path;
}

/* The setup's state: its file's (--state, or the one saved), a new one,
 * or the file's with the answers merged in, as plan reads them. */
static int
load_setup(const struct export_options *opt, const struct catalog *cat,
    struct state **st)
{
	char *cause = NULL, *path = NULL;
	int rc = 0;

	if (opt->state_path == NULL && opt->answers_path != NULL)
		*st = state_new();
	else if ((path = opt->state_path ? xstrdup(opt->state_path) :
	    only_saved_setup()) == NULL)
		return MT_EXIT_USAGE;
	else if ((rc = state_load(st, path, &cause)) != 0) {
		if (rc == STATE_ENOENT)
			fprintf(stderr, "mlops-tui: %s: no such state file\n",
			    path);
		else
			fprintf(stderr, "mlops-tui: %s\n", cause);
		rc = MT_EXIT_STATE;
	}
	if (rc == 0 && opt->answers_path != NULL &&
	    answers_load(*st, opt->answers_path, cat, &cause) != 0) {
		fprintf(stderr, "mlops-tui: %s\n", cause);
		rc = MT_EXIT_USAGE;
	}
	free(cause);
	free(path);
	return rc;
}

/* ---- writing --------------------------------------------------------- */

static void
put_line(FILE *out, const char *text)
{
	fputs(text, out);
	fputc('\n', out);
}

/* NAME='value', the value single-quoted so that nothing in it is read by
 * the shell (the answers' rules already keep quotes out; this holds
 * whatever they allow). */
static void
assign(FILE *out, const char *indent, const char *name, const char *value)
{
	fprintf(out, "%s%s='", indent, name);
	for (const char *p = value ? value : ""; *p; p++)
		if (*p == '\'')
			fputs("'\\''", out);
		else
			fputc(*p, out);
	put_line(out, "'");
}

/*
 * The ids a step made (its record's "created" in the state), as the
 * variables export.yml's commands ask for, so that the script of a setup
 * under way names what exists: once for the setup, in each function of
 * the step's environment, or in the step's own function. A NULL step:
 * any step's.
 */
enum made_scope { MADE_SETUP, MADE_ENVIRONMENT, MADE_STEP };

static const struct {
	const char *step, *key, *variable;
	enum made_scope scope;
} made_ids[] = {
	{ "project", "id", "PROJECT_ID", MADE_SETUP },
	{ "import-mlops-v2", "id", "MLOPS_V2_ID", MADE_SETUP },
	{ "ml-repository", "id", "REPO_ID", MADE_SETUP },
	{ "service-principal", "app_id", "APP_ID", MADE_ENVIRONMENT },
	{ "service-principal", "application", "APP_OBJECT_ID",
	    MADE_ENVIRONMENT },
	{ "service-principal", "principal", "SP_OBJECT_ID", MADE_ENVIRONMENT },
	{ "project", "operation", "OPERATION_ID", MADE_STEP },
	{ "service-connection", "id", "ENDPOINT_ID", MADE_STEP },
	{ NULL, "pipeline", "PIPELINE_ID", MADE_STEP },
};

/* Each id of scope that step (in env) made, as an assignment. */
static void
print_made(FILE *out, const char *indent, const struct state *st,
    enum made_scope scope, const char *step, const char *env)
{
	for (size_t i = 0; i < sizeof made_ids / sizeof *made_ids; i++) {
		const char *id = made_ids[i].step ? made_ids[i].step : step;
		const struct state_step *r;
		const char *v;

		if (made_ids[i].scope != scope || id == NULL || (scope ==
		    MADE_STEP && strcmp(id, step) != 0))
			continue;
		r = state_step_find(st, id, env);
		v = r ? state_map_get(&r->created, made_ids[i].key) : NULL;
		if (v != NULL)
			assign(out, indent, made_ids[i].variable, v);
	}
}

/* Text the service gave (a name, an id) inside a comment: a line break
 * in it would end the comment and make the rest a command, so every
 * control character becomes '?'. */
static void
comment_text(FILE *out, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
}

/* "# made: key=value, ...": all a step's record says it made. */
static void
print_made_comment(FILE *out, const struct state_step *r)
{
	if (r == NULL || r->created.count == 0)
		return;
	fputs("\t# made:", out);
	for (size_t i = 0; i < r->created.count; i++) {
		fputs(i ? ", " : " ", out);
		comment_text(out, r->created.keys[i]);
		fputc('=', out);
		comment_text(out, r->created.values[i]);
	}
	fputc('\n', out);
}

static void
print_prologue(FILE *out, const struct state *st)
{
	const char *project = state_map_get(&st->answers, "project");
	const char *infra = state_map_get(&st->answers, "infrastructure");
	bool terraform = infra != NULL && strcmp(infra, "terraform") == 0;

	put_line(out, "#!/usr/bin/env bash\n"
	    "# Written by mlops-tui export: this setup, step by step, as the "
	    "commands\n# that do the same - the az command where one exists "
	    "(commented) and the\n# REST calls mlops-tui makes. Each step is "
	    "a function; run some with\n#   bash THIS-FILE step_project "
	    "step_ml_repository ...\n# Values a call answers (ids) are asked "
	    "for as variables when missing.\n# Secrets are never written "
	    "here: they are read from the environment\n# (AZURE_DEVOPS_EXT_PAT,"
	    " MLOPS_TUI_GITHUB_TOKEN; az's sign-in for Azure).\n"
	    "set -euo pipefail");
	assign(out, "", "ORG", state_map_get(&st->answers, "organization"));
	assign(out, "", "PROJECT", project ? project : "mlops-v2");
	assign(out, "", "REPO", state_map_get(&st->answers, "repository"));
	assign(out, "", "INFRA_PIPELINE", terraform ? "tf-ado-deploy-infra" :
	    "bicep-ado-deploy-infra");
	assign(out, "", "INFRA_YAML", terraform ?
	    "/infrastructure/devops-pipelines/tf-ado-deploy-infra.yml" :
	    "/infrastructure/pipelines/bicep-ado-deploy-infra.yml");
	print_made(out, "", st, MADE_SETUP, NULL, NULL);
	put_line(out, "API='api-version=7.1'\n"
	    "# ado METHOD PATH [JSON]: Azure DevOps, with the PAT from the "
	    "environment\nado() {\n"
	    "\tcurl -fsS -u \":${AZURE_DEVOPS_EXT_PAT:?set "
	    "AZURE_DEVOPS_EXT_PAT to a PAT}\" -X \"$1\" \\\n"
	    "\t    -H 'Content-Type: application/json' ${3:+--data \"$3\"} "
	    "\"$ORG/$2\"\n}\n"
	    "# arm and graph METHOD PATH [JSON]: ARM and Graph, with az's "
	    "token\nazure() {\n"
	    "\tcurl -fsS -X \"$2\" -H \"Authorization: Bearer $(az account "
	    "get-access-token \\\n\t    --resource-type \"$1\" --query "
	    "accessToken -o tsv)\" \\\n\t    -H 'Content-Type: "
	    "application/json' ${5:+--data \"$5\"} \"$3$4\"\n}\n"
	    "arm() { azure arm \"$1\" https://management.azure.com \"$2\" "
	    "\"${3:-}\"; }\n"
	    "graph() { azure ms-graph \"$1\" https://graph.microsoft.com/v1.0 "
	    "\"$2\" \"${3:-}\"; }");
}

/* An environment's answer, else the setup's. */
static const char *
env_answer(const struct state *st, const char *env, const char *key)
{
	const struct state_environment *e = state_environment_find(st, env);
	const char *v = e ? state_map_get(&e->answers, key) : NULL;

	return v ? v : state_map_get(&st->answers, key);
}

/* The locals of a step per environment: its answers and Azure names. */
static void
print_environment(FILE *out, const struct state *st, const char *env)
{
	const char *sc = env_answer(st, env, "service_connection");
	struct names n;
	struct names_input in = { env_answer(st, env, "namespace"),
		env_answer(st, env, "postfix"), env,
		env_answer(st, env, "infrastructure"),
		env_answer(st, env, "project_type") };

	if (in.infrastructure == NULL)
		in.infrastructure = "bicep";
	if (in.project_type == NULL)
		in.project_type = "classical";
	names_derive(&n, &in);
	assign(out, "\tlocal ", "ENV", env);
	assign(out, "\tlocal ", "NAMESPACE", in.namespace);
	assign(out, "\tlocal ", "POSTFIX", in.postfix);
	assign(out, "\tlocal ", "LOCATION", env_answer(st, env, "location"));
	assign(out, "\tlocal ", "SUBSCRIPTION_ID", env_answer(st, env,
	    "subscription_id"));
	assign(out, "\tlocal ", "TENANT_ID", env_answer(st, env, "tenant_id"));
	/* The guide's names, as the engine's defaults give them. */
	assign(out, "\tlocal ", "SERVICE_CONNECTION", sc ? sc :
	    strcmp(env, "dev") == 0 ? "Azure-ARM-Dev" : "Azure-ARM-Prod");
	assign(out, "\tlocal ", "RESOURCE_GROUP", n.resource_group);
	assign(out, "\tlocal ", "WORKSPACE", n.workspace);
	print_made(out, "\tlocal ", st, MADE_ENVIRONMENT, NULL, env);
	names_free(&n);
}

/* text's lines, each after indent; a "#" prefix comments them out. */
static void
print_lines(FILE *out, const char *indent, const char *text)
{
	const char *line = text, *end;

	while (*line != '\0') {
		end = strchr(line, '\n');
		end = end ? end : line + strlen(line);
		if (end > line)
			fprintf(out, "%s%.*s\n", indent, (int)(end - line), line);
		line = *end ? end + 1 : end;
	}
}

/* "step_<id>[_<env>]", a name bash takes (the ids are [a-z0-9-]). */
static char *
function_name(const struct checklist_line *l)
{
	char *name = xasprintf("step_%s%s%s", l->step->id, l->environment ?
	    "_" : "", l->environment ? l->environment : "");

	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return name;
}

static void
print_step(FILE *out, const struct state *st, const struct checklist_line *l,
    json_t *commands)
{
	json_t *c = json_object_get(commands, l->step->id);
	const char *az = json_string_value(json_object_get(c, "az"));
	const char *rest = json_string_value(json_object_get(c, "rest"));
	const char *note = json_string_value(json_object_get(c, "note"));
	char *name = function_name(l);

	fprintf(out, "\n# %s%s%s (%s): %s\n", l->step->title, l->environment ?
	    ", " : "", l->environment ? l->environment : "", l->step->id,
	    checklist_word(l));
	if (note != NULL)
		fprintf(out, "# %s\n", note);
	fprintf(out, "%s() {\n", name);
	print_made_comment(out, l->record);
	if (l->environment != NULL)
		print_environment(out, st, l->environment);
	print_made(out, "\tlocal ", st, MADE_STEP, l->step->id,
	    l->environment);
	if (az != NULL) {
		put_line(out, "\t# az:");
		print_lines(out, "\t# ", az);
	}
	if (rest != NULL)
		print_lines(out, "\t", rest);
	else
		put_line(out, "\t:");
	put_line(out, "}");
	free(name);
}

/* The steps named on the script's command line run; none: the list. */
static void
print_epilogue(FILE *out, const struct checklist *cl)
{
	put_line(out, "\nif [ $# -eq 0 ]; then\n"
	    "\techo \"Steps (run them by name):\"");
	for (size_t i = 0; i < cl->count; i++) {
		char *name;

		if (!cl->lines[i].applies)
			continue;
		name = function_name(&cl->lines[i]);
		fprintf(out, "\techo '  %s'\n", name);
		free(name);
	}
	put_line(out, "\texit 0\nfi\nfor step in \"$@\"; do\n\t\"$step\"\ndone");
}

static void
print_script(FILE *out, const struct state *st, const struct checklist *cl,
    json_t *commands)
{
	print_prologue(out, st);
	for (size_t i = 0; i < cl->count; i++)
		if (cl->lines[i].applies)
			print_step(out, st, &cl->lines[i], commands);
	print_epilogue(out, cl);
}

char *
export_script(const struct catalog *cat, const struct state *st,
    char **cause)
{
	json_t *commands = load_commands(cat, cause);
	struct checklist *cl;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	if (commands == NULL)
		return NULL;
	if ((out = open_memstream(&text, &len)) == NULL) {
		*cause = xstrdup("out of memory");
		json_decref(commands);
		return NULL;
	}
	cl = checklist_build(cat, st);
	print_script(out, st, cl, commands);
	fclose(out);
	checklist_free(cl);
	json_decref(commands);
	return text;
}

int
cmd_export(const struct export_options *opt)
{
	struct catalog *cat = NULL;
	struct state *st = NULL;
	struct checklist *cl;
	json_t *commands;
	char *cause = NULL;
	int rc;

	if (templates_load(&cat, NULL) != 0)
		return MT_EXIT_DATA;
	if ((commands = load_commands(cat, &cause)) == NULL) {
		fprintf(stderr, "mlops-tui: %s\n", cause);
		free(cause);
		catalog_free(cat);
		return MT_EXIT_DATA;
	}
	if ((rc = load_setup(opt, cat, &st)) == 0) {
		cl = checklist_build(cat, st);
		print_script(stdout, st, cl, commands);
		checklist_free(cl);
	}
	state_free(st);
	json_decref(commands);
	catalog_free(cat);
	return rc;
}
