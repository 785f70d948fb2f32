/*
 * The local way to fill the ML repository: clone the template and the ML
 * repository, compose the project as the accelerator's initialisation
 * does (compose.c, held against the real initialise_repo.sh by
 * tests/sim/initialise-real.sh), commit,
 * push main, and register the project's pipelines in their folders. No
 * pipeline run, so no Permit and no hosted agent are needed.
 *
 * The git work blocks, so it runs beside the loop (fiber_unlock) on data
 * of its own; the Azure DevOps calls run in the fiber's turn.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "fiber.h"
#include "gitrepo.h"
#include "paths.h"
#include "steps/step.h"
#include "xalloc.h"

/* Where initialisation registers pipelines, and their folders. */
static const struct {
	const char *dir;
	const char *folder;
} pipeline_dirs[] = {
	{ "mlops/devops-pipelines", "mlops" },
	{ "infrastructure/pipelines", "infrastructure" },
};

/* The git work: its inputs, and what it found. Touched by one thread. */
struct local_job {
	char *template_url;
	char *target_url;
	char *dir;
	const struct credential *auth;
	const char *type, *interface, *infrastructure;
	char *cause;
	char **files;               /* pipeline files, as paths */
	size_t nfiles;
	char commit[GIT_OID_HEXSZ + 1];
};

static void
job_free(struct local_job *j)
{
	free(j->template_url);
	free(j->target_url);
	free(j->dir);
	free(j->cause);
	for (size_t i = 0; i < j->nfiles; i++)
		free(j->files[i]);
	free(j->files);
}

static void
collect_pipeline_files(struct local_job *j, git_repository *r,
    git_tree *tree)
{
	for (size_t d = 0; d < sizeof pipeline_dirs / sizeof *pipeline_dirs;
	    d++) {
		git_tree_entry *e = NULL;
		git_tree *listing = NULL;

		if (git_tree_entry_bypath(&e, tree, pipeline_dirs[d].dir) == 0 &&
		    git_tree_lookup(&listing, r, git_tree_entry_id(e)) == 0)
			for (size_t i = 0; i < git_tree_entrycount(listing);
			    i++) {
				const char *name = git_tree_entry_name(
				    git_tree_entry_byindex(listing, i));
				size_t len = strlen(name);

				/* A template of the others, not a pipeline. */
				if (len < 5 || strcmp(name + len - 4, ".yml") != 0 ||
				    strcmp(name, "register-rai-components.yml") == 0)
					continue;
				j->files = xreallocarray(j->files, j->nfiles,
				    sizeof *j->files);
				j->files[j->nfiles++] = xasprintf("%s/%s",
				    pipeline_dirs[d].dir, name);
			}
		git_tree_free(listing);
		git_tree_entry_free(e);
	}
}

/* Commit tree on main of r (after its tip, if any) and collect its
 * pipeline files. */
static int
commit_main(struct local_job *j, git_repository *r, const git_oid *tree_id)
{
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_reference *ref = NULL;
	git_oid tip, commit;
	int rc;

	if (git_reference_name_to_id(&tip, r, "refs/heads/main") == 0)
		git_commit_lookup(&parent, r, &tip);
	rc = git_tree_lookup(&tree, r, tree_id);
	if (rc == 0)
		rc = git_signature_now(&sig, "mlops-tui", "mlops-tui@localhost");
	if (rc == 0)
		rc = git_commit_create(&commit, r, NULL, sig, sig, NULL,
		    "Initialise the ML project from the templates (mlops-tui)",
		    tree, parent ? 1 : 0, (const git_commit **)&parent);
	if (rc == 0)
		rc = git_reference_create(&ref, r, "refs/heads/main", &commit, 1,
		    "initialise");
	if (rc == 0) {
		git_oid_tostr(j->commit, sizeof j->commit, &commit);
		collect_pipeline_files(j, r, tree);
	}
	git_reference_free(ref);
	git_signature_free(sig);
	git_tree_free(tree);
	git_commit_free(parent);
	return rc;
}

/* Beside the loop: clone, compose, commit, push. */
static int
compose_and_push(struct local_job *j)
{
	git_repository *tmpl = NULL, *target = NULL;
	git_tree *old = NULL;
	git_oid tree_id;
	char *tdir = xasprintf("%s/template", j->dir);
	char *mdir = xasprintf("%s/target", j->dir);
	int rc = -1;

	if (gitrepo_clone(&tmpl, j->template_url, tdir, j->auth,
	    &j->cause) == 0 && gitrepo_clone(&target, j->target_url, mdir,
	    j->auth, &j->cause) == 0) {
		old = gitrepo_main_tree(target);
		if (compose_project(tmpl, target, old, j->type, j->interface,
		    j->infrastructure, &tree_id) != 0 ||
		    commit_main(j, target, &tree_id) != 0) {
			const git_error *e = git_error_last();

			j->cause = xasprintf("composing the project: %s", e &&
			    e->message ? e->message : "libgit2 failed");
		} else
			rc = gitrepo_push_main(target, j->auth, &j->cause);
	}
	git_tree_free(old);
	git_repository_free(target);
	git_repository_free(tmpl);
	free(mdir);
	free(tdir);
	return rc;
}

static int
register_pipelines(struct step_run *r, const char *project,
    const struct local_job *j)
{
	char *repo = run_repository_id(r, project, r->target.repository);
	int rc = repo ? 0 : -1;

	for (size_t i = 0; rc == 0 && i < j->nfiles; i++) {
		const char *file = strrchr(j->files[i], '/') + 1;
		char *name = xstrndup(file, strlen(file) - 4);
		char *folder = xasprintf("\\%s\\%s", r->target.repository,
		    strncmp(j->files[i], "mlops/", 6) == 0 ? "mlops" :
		    "infrastructure");
		char *path = xasprintf("/%s", j->files[i]);

		if (pipeline_ensure(r, project, name, folder, repo, path,
		    NULL) == 0)
			rc = -1;
		free(path);
		free(folder);
		free(name);
	}
	free(repo);
	return rc;
}

int
initialise_locally(struct step_run *r, const char *project)
{
	struct local_job j = { .auth = r->api->ado,
		.type = run_answer(r, "project_type"),
		.interface = run_answer(r, "interface"),
		.infrastructure = run_answer(r, "infrastructure") };
	const char *base = getenv("TMPDIR");
	char *tmp;
	int rc = -1;

	j.template_url = run_repository_field(r, project, run_answer(r,
	    "template_repository"), "remoteUrl");
	j.target_url = j.template_url ? run_repository_field(r, project,
	    r->target.repository, "remoteUrl") : NULL;
	/* $TMPDIR as mkdtemp's users expect, else /tmp; the clones hold
	 * no secret, and the directory is 0700 either way. */
	tmp = xasprintf("%s/mlops-tui-init.XXXXXX", base != NULL &&
	    base[0] == '/' ? base : "/tmp");
	if (j.target_url == NULL || mkdtemp(tmp) == NULL) {
		rc = r->error ? -1 : run_fail(r, NULL, "cannot make a "
		    "temporary directory %s: %s", tmp, strerror(errno));
		free(tmp);
		job_free(&j);
		return rc;
	}
	j.dir = tmp;
	git_libgit2_init();
	fiber_unlock();
	rc = compose_and_push(&j);
	fiber_lock();
	git_libgit2_shutdown();
	paths_remove_tree(j.dir);
	if (rc == -1)
		run_fail(r, NULL, "%s", j.cause);
	else {
		run_record(r, "commit", j.commit);
		rc = register_pipelines(r, project, &j);
	}
	job_free(&j);
	return rc;
}
