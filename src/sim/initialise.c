/*
 * What the accelerator's initialise-project pipeline does, as the sandbox
 * plays it: checks the permissions its scripts need, composes the new
 * repository from the template repository for the chosen project type,
 * interface and provider (with the script's flattening and its "green but
 * empty" outcome for a combination that does not exist), commits and
 * pushes it as the build identity, and creates the project's pipelines.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <git2.h>

#include "compose.h"
#include "sim/handlers.h"
#include "sim/pipelines.h"
#include "sim/runs.h"
#include "sim/security.h"
#include "xalloc.h"

#define COPY_TASK "Copy template files"
#define CREATE_TASK "Create the project pipelines"

/* The folder of the chosen combination in the template repository. */
static char *
variant_path(struct run_context *c)
{
	return xasprintf("%s/%s", runs_parameter(c, "projectType"),
	    runs_parameter(c, "mlopsVersion"));
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

static bool
has_permissions(struct run_context *c, const char *ns, const char *token,
    json_t *identity, unsigned want)
{
	return (security_enforced(c->root, ns, token, json_string_value(
	    json_object_get(identity, "descriptor"))) & want) == want;
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
	char *variant = variant_path(c), *token;
	bool has_main;

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
	if (tmpl == NULL || git_path_kind(c->x, tmpl, "refs/heads/main",
	    variant) != 2) {
		/* No set -e in the script: cp fails, the step stays green. */
		runs_log(c, COPY_TASK, "cp: cannot stat '%s': No such file or "
		    "directory", variant);
		runs_log(c, COPY_TASK, "mv: cannot stat '%s/data-science': No "
		    "such file or directory", variant);
		json_object_set_new(c->run, "empty_variant", json_true());
	}
	has_main = git_path_kind(c->x, target, "refs/heads/main", "") == 2;
	token = xasprintf("repoV2/%s/%s", json_string_value(json_object_get(
	    c->project, "id")), json_string_value(json_object_get(target,
	    "id")));
	if (!has_permissions(c, SECURITY_GIT, token, identity,
	    GIT_GENERIC_CONTRIBUTE | (has_main ? 0 : GIT_CREATE_BRANCH)))
		runs_fail_at(c, COPY_TASK, "remote: TF401027: You need the Git "
		    "'GenericContribute' permission to perform this action. "
		    "Details: identity '%s', scope 'repository'. fatal: unable "
		    "to access the repository: The requested URL returned error: "
		    "403", who);
	free(token);
	if (pipelines_exist(c, repo_name))
		runs_fail_at(c, CREATE_TASK, "ERROR: A pipeline with name "
		    "deploy-model-training-pipeline already exists in folder "
		    "\\%s\\mlops.", repo_name);
	if (!has_permissions(c, SECURITY_BUILD, json_string_value(
	    json_object_get(c->project, "id")), identity,
	    BUILD_EDIT_DEFINITION | BUILD_CREATE_DEFINITION))
		runs_fail_at(c, CREATE_TASK, "ERROR: TF215106: Access denied. %s "
		    "needs Edit build pipeline permissions for the pipelines in "
		    "team project %s to perform the action.", who,
		    json_string_value(json_object_get(c->project, "name")));
	free(variant);
}

static int
commit_and_push(struct run_context *c, json_t *target, json_t *tmpl)
{
	char *tpath = git_repo_path(c->x, target), *spath =
	    git_repo_path(c->x, tmpl);
	git_repository *to = NULL, *from = NULL;
	git_commit *parent = NULL;
	git_tree *old = NULL, *tree = NULL;
	git_signature *sig = NULL;
	git_reference *ref = NULL;
	git_oid tip, tree_id, commit_id;
	int rc;

	rc = git_repository_open_bare(&to, tpath);
	if (rc == 0)
		rc = git_repository_open_bare(&from, spath);
	if (rc == 0 && git_reference_name_to_id(&tip, to, "refs/heads/main")
	    == 0 && git_commit_lookup(&parent, to, &tip) == 0)
		git_commit_tree(&old, parent);
	if (rc == 0)
		rc = compose_project(from, to, old, runs_parameter(c,
		    "projectType"), runs_parameter(c, "mlopsVersion"),
		    runs_parameter(c, "infrastructure_version"), &tree_id);
	if (rc == 0)
		rc = git_tree_lookup(&tree, to, &tree_id);
	if (rc == 0)
		rc = git_signature_now(&sig, "Azure Pipeline",
		    "hosted.agent@dev.azure.com");
	if (rc == 0)
		rc = git_commit_create(&commit_id, to, NULL, sig, sig, NULL,
		    "initial commit", tree, parent ? 1 : 0,
		    (const git_commit **)&parent);
	if (rc == 0)
		rc = git_reference_create(&ref, to, "refs/heads/main",
		    &commit_id, 1, "push");
	git_reference_free(ref);
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(old);
	git_commit_free(parent);
	git_repository_free(from);
	git_repository_free(to);
	free(spath);
	free(tpath);
	if (rc == 0)
		git_note_default_branch(c->x, target, "refs/heads/main");
	return rc;
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
	    (tree = compose_main_tree(r)) != NULL &&
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
	json_t *target = git_repository_named(c->root, c->project, runs_parameter(c, "repoName"));
	json_t *tmpl = git_repository_named(c->root, c->project, runs_parameter(c, "mlOpsProjectRepoName"));

	if (target == NULL || tmpl == NULL ||
	    commit_and_push(c, target, tmpl) != 0)
		return;
	create_pipelines(c, target, "mlops/devops-pipelines", "mlops");
	create_pipelines(c, target, "infrastructure/pipelines",
	    "infrastructure");
}
