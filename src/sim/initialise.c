/*
 * What the accelerator's initialise-project pipeline does, as the sandbox
 * plays it: checks the permissions its scripts need, runs the imported
 * mlops-v2 repository's own .azuredevops/scripts/initialise_repo.sh (with
 * shell.c, over the three checkouts the pipeline makes) so that the new
 * repository is whatever that script makes of the template repository,
 * its defects included (no set -e: a combination that does not exist is
 * "green but empty"), pushes the script's commit as the build identity,
 * and creates the project's pipelines. Nothing here composes the
 * repository itself: apply's local way (compose.c) is checked against
 * the real script, not against this.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <git2.h>

#include "gitrepo.h"
#include "sim/handlers.h"
#include "sim/pipelines.h"
#include "sim/runs.h"
#include "sim/security.h"
#include "sim/shell.h"
#include "xalloc.h"

/* The job's scripts, after its checkouts: the stand-in names them "Copy
 * template files ..." and "Create the project pipelines ...", Microsoft's
 * "Run script to initialise your repo" and "... create pipelines in ADO". */
#define COPY_TASK script_task(c, 0)
#define CREATE_TASK script_task(c, 1)
#define SCRIPT ".azuredevops/scripts/initialise_repo.sh"
#define AGENT_SOURCES "/home/vsts/work/1/s"

/* The name of the run's nth task that is not a checkout, NULL if none. */
static const char *
script_task(struct run_context *c, size_t nth)
{
	json_t *task;
	size_t i;

	json_array_foreach(json_object_get(c->run, "plan"), i, task) {
		const char *name = json_string_value(json_object_get(task,
		    "name"));
		if (name == NULL || strncmp(name, "Checkout ", 9) == 0)
			continue;
		if (nth-- == 0)
			return name;
	}
	return NULL;
}

/* The branch a checkout of repo gets: its default, else main. */
static const char *
checkout_ref(json_t *repo)
{
	const char *ref = json_string_value(json_object_get(repo,
	    "default_branch"));

	return ref ? ref : "refs/heads/main";
}

static char *
clone_url(struct run_context *c, json_t *repo)
{
	return xasprintf("%s/%s/_git/%s", c->x->base_url, json_string_value(
	    json_object_get(c->project, "name")), json_string_value(
	    json_object_get(repo, "name")));
}

/*
 * Run the script as the pipeline's step does: in the sources folder with
 * the checkouts of self (mlops-v2), the template repository and the new
 * repository, each in a folder named after it, with the step's arguments.
 * Its output goes to the step's log; its push is kept in the run for
 * initialise_apply. Returns its exit status, or -1 when it is not there.
 */
static int
run_script(struct run_context *c, json_t *target, json_t *tmpl)
{
	json_t *repos[3] = { c->repo, tmpl, target }, *out, *pushes, *line;
	const char *names[3] = { runs_parameter(c, "mlopsRepoName"),
		runs_parameter(c, "mlOpsProjectRepoName"),
		runs_parameter(c, "repoName") };
	const char *args[5] = { names[2], runs_parameter(c, "projectType"),
		runs_parameter(c, "mlopsVersion"), names[1],
		runs_parameter(c, "infrastructure_version") };
	struct shell_checkout co[3];
	char *urls[3] = { NULL }, *script, *where;
	size_t n = 0, len, i;
	int status = -1;

	/* The checkouts' folders are named after the repositories. */
	names[0] = json_string_value(json_object_get(c->repo, "name"));
	for (i = 0; i < 3; i++) {
		char *path;
		bool dup = false;
		for (size_t k = 0; k < n; k++)
			dup |= co[k].name != NULL && repos[i] != NULL &&
			    strcasecmp(co[k].name, json_string_value(
			    json_object_get(repos[i], "name"))) == 0;
		if (repos[i] == NULL || dup)
			continue;
		path = git_repo_path(c->x, repos[i]);
		co[n].repo = NULL;
		if (git_repository_open_bare(&co[n].repo, path) != 0)
			co[n].repo = NULL;
		free(path);
		if (co[n].repo == NULL)
			continue;
		co[n].name = json_string_value(json_object_get(repos[i],
		    "name"));
		co[n].ref = i == 0 && json_is_string(json_object_get(c->run,
		    "branch")) ? json_string_value(json_object_get(c->run,
		    "branch")) : checkout_ref(repos[i]);
		co[n].url = urls[n] = clone_url(c, repos[i]);
		co[n].push = i == 2;  /* persistCredentials: true */
		n++;
	}
	if (names[0] == NULL || runs_parameter(c, "mlopsRepoName") == NULL ||
	    strcasecmp(names[0], runs_parameter(c, "mlopsRepoName")) != 0)
		script = NULL;
	else
		script = git_read_file(c->x, c->repo, co[0].ref, SCRIPT, &len);
	if (script != NULL) {
		for (i = 0; i < 5; i++)
			if (args[i] == NULL)
				args[i] = "";
		where = xasprintf(AGENT_SOURCES "/%s/" SCRIPT, names[0]);
		out = json_array();
		pushes = json_object();
		status = shell_run(script, len, where, args, 5, co, n, out,
		    pushes);
		json_array_foreach(out, i, line)
			runs_log(c, COPY_TASK, "%s", json_string_value(line));
		if (target != NULL && json_object_get(pushes,
		    json_string_value(json_object_get(target, "name"))))
			json_object_set(c->run, "pushes", json_object_get(
			    pushes, json_string_value(json_object_get(target,
			    "name"))));
		json_decref(pushes);
		json_decref(out);
		free(where);
	}
	for (i = 0; i < n; i++) {
		git_repository_free(co[i].repo);
		free(urls[i]);
	}
	free(script);
	return status;
}

static bool
pipelines_exist(struct run_context *c, const char *repo)
{
	char *prefix = xasprintf("\\%s", repo);
	json_t *d;
	size_t i;
	bool found = false;

	json_array_foreach(json_object_get(c->root, "definitions"), i, d)
		if (json_equal(json_object_get(d, "project_id"),
		    json_object_get(c->project, "id")) && strncasecmp(
		    json_string_value(json_object_get(d, "path")), prefix,
		    strlen(prefix)) == 0)
			found = true;
	free(prefix);
	return found;
}

/* Where the scripts of the run fail, if they do. */
void
initialise_decide(struct run_context *c)
{
	const char *repo_name = runs_parameter(c, "repoName");
	const char *mlops = runs_parameter(c, "mlopsRepoName");
	json_t *target = git_repository_named(c->root, c->project, repo_name);
	json_t *tmpl = git_repository_named(c->root, c->project, runs_parameter(c,
	    "mlOpsProjectRepoName"));
	json_t *identity = security_job_identity(c->root, c->project);
	const char *who = json_string_value(json_object_get(identity,
	    "providerDisplayName"));
	char *token;
	bool has_main;
	int status = 0;

	if (mlops == NULL || strcasecmp(mlops, json_string_value(
	    json_object_get(c->repo, "name"))) != 0)
		runs_fail_at(c, COPY_TASK, "Not found filePath: /home/vsts/work/"
		    "1/s/%s/.azuredevops/scripts/initialise_repo.sh",
		    mlops ? mlops : "");
	if (git_path_kind(c->x, target, "refs/heads/main", "") == 0 &&
	    json_object_get(target, "default_branch") == NULL)
		runs_fail_at(c, "Checkout git://", "fatal: couldn't find remote "
		    "ref refs/heads/main: the repository %s is empty; it needs "
		    "a first commit", repo_name);
	if (json_object_get(c->run, "failed_task") == NULL &&
	    (status = run_script(c, target, tmpl)) < 0)
		runs_fail_at(c, COPY_TASK, "Not found filePath: " AGENT_SOURCES
		    "/%s/" SCRIPT, mlops);
	has_main = git_path_kind(c->x, target, "refs/heads/main", "") == 2;
	/* The script's push and its pipeline creation need the rights when
	 * they happen, not when the run is queued. */
	token = xasprintf("repoV2/%s/%s", json_string_value(json_object_get(
	    c->project, "id")), json_string_value(json_object_get(target,
	    "id")));
	runs_require_at(c, COPY_TASK, SECURITY_GIT, token,
	    GIT_GENERIC_CONTRIBUTE | (has_main ? 0 : GIT_CREATE_BRANCH),
	    "remote: TF401027: You need the Git 'GenericContribute' "
	    "permission to perform this action. Details: identity '%s', scope "
	    "'repository'. fatal: unable to access the repository: The "
	    "requested URL returned error: 403", who);
	free(token);
	if (status > 0)
		runs_fail_at(c, COPY_TASK, "Bash exited with code '%d'.",
		    status);
	if (pipelines_exist(c, repo_name))
		runs_fail_at(c, CREATE_TASK, "ERROR: A pipeline with name "
		    "deploy-model-training-pipeline already exists in folder "
		    "\\%s\\mlops.", repo_name);
	runs_require_at(c, CREATE_TASK, SECURITY_BUILD, json_string_value(
	    json_object_get(c->project, "id")), BUILD_EDIT_DEFINITION |
	    BUILD_CREATE_DEFINITION, "ERROR: TF215106: Access denied. %s "
	    "needs Edit build pipeline permissions for the pipelines in team "
	    "project %s to perform the action.", who, json_string_value(
	    json_object_get(c->project, "name")));
}

/* The script's push, when the run has succeeded. */
static void
push(struct run_context *c, json_t *target)
{
	char *path = git_repo_path(c->x, target);
	git_repository *r = NULL;
	const char *ref;
	json_t *id;

	if (git_repository_open_bare(&r, path) == 0)
		json_object_foreach(json_object_get(c->run, "pushes"), ref,
		    id) {
			git_reference *made = NULL;
			git_commit *commit = NULL;
			git_oid oid;
			if (git_oid_fromstr(&oid, json_string_value(id)) == 0 &&
			    git_commit_lookup(&commit, r, &oid) == 0 &&
			    git_reference_create(&made, r, ref, &oid, 1,
			    "push") == 0)
				git_note_default_branch(c->x, target, ref);
			git_reference_free(made);
			git_commit_free(commit);
		}
	git_repository_free(r);
	free(path);
}

/* One pipeline per YAML file of dir, in folder \repo\sub. */
static void
create_pipelines(struct run_context *c, json_t *target, const char *dir,
    const char *sub)
{
	char *tpath = git_repo_path(c->x, target);
	char *folder = xasprintf("%s/%s", json_string_value(json_object_get(
	    target, "name")), sub);
	git_repository *r = NULL;
	git_tree *tree = NULL, *listing = NULL;
	git_tree_entry *e = NULL;

	if (git_repository_open_bare(&r, tpath) == 0 &&
	    (tree = gitrepo_main_tree(r)) != NULL &&
	    git_tree_entry_bypath(&e, tree, dir) == 0 &&
	    git_tree_lookup(&listing, r, git_tree_entry_id(e)) == 0) {
		for (size_t i = 0; i < git_tree_entrycount(listing); i++) {
			const char *file = git_tree_entry_name(
			    git_tree_entry_byindex(listing, i));
			char *name = xstrndup(file, strcspn(file, "."));
			char *yaml = xasprintf("/%s/%s", dir, file);
			/* The script names pipelines after every file it
			 * finds, even those that are not pipelines. */
			pipelines_create(NULL, c->root, c->project, name, folder,
			    target, yaml);
			free(yaml);
			free(name);
		}
	}
	git_tree_free(listing);
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_repository_free(r);
	free(folder);
	free(tpath);
}

void
initialise_apply(struct run_context *c)
{
	json_t *target = git_repository_named(c->root, c->project,
	    runs_parameter(c, "repoName"));

	if (target == NULL)
		return;
	push(c, target);
	create_pipelines(c, target, "mlops/devops-pipelines", "mlops");
	create_pipelines(c, target, "infrastructure/pipelines",
	    "infrastructure");
}
