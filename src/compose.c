/*
 * The accelerator's initialisation as a tree: what initialise_repo.sh
 * leaves in a new ML project repository, composed from the template
 * repository for a project type, interface and infrastructure provider.
 * Apply's local way uses it; the sandbox's initialise-project run does
 * not (it runs the imported script, sim/shell.c), and
 * tests/sim/initialise-real.sh holds both against the real script.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "gitrepo.h"
#include "xalloc.h"

/* Copy tree src (in repository from) into repository to; *out its id. */
static int
copy_tree(git_repository *from, const git_tree *src, git_repository *to,
    const char *skip, git_oid *out)
{
	git_treebuilder *tb = NULL;
	size_t n = git_tree_entrycount(src);
	int rc = git_treebuilder_new(&tb, to, NULL);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(src, i);
		git_oid oid;
		if (skip != NULL && strcmp(git_tree_entry_name(e), skip) == 0)
			continue;
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
			git_tree *sub = NULL;
			rc = git_tree_lookup(&sub, from, git_tree_entry_id(e));
			if (rc == 0)
				rc = copy_tree(from, sub, to, NULL, &oid);
			git_tree_free(sub);
		} else {
			git_blob *blob = NULL;
			rc = git_blob_lookup(&blob, from, git_tree_entry_id(e));
			if (rc == 0)
				rc = git_blob_create_from_buffer(&oid, to,
				    git_blob_rawcontent(blob),
				    (size_t)git_blob_rawsize(blob));
			git_blob_free(blob);
		}
		if (rc == 0)
			rc = git_treebuilder_insert(NULL, tb,
			    git_tree_entry_name(e), &oid,
			    git_tree_entry_filemode(e));
	}
	if (rc == 0)
		rc = git_treebuilder_write(out, tb);
	git_treebuilder_free(tb);
	return rc;
}

/* Put path of the template tree, copied, at name of the new tree. */
static int
place(git_repository *from, git_tree *root, const char *path,
    git_repository *to, git_treebuilder *tb, const char *name,
    const char *skip)
{
	git_tree_entry *e = NULL;
	git_tree *sub = NULL;
	git_blob *blob = NULL;
	git_oid oid;
	int rc;

	if (git_tree_entry_bypath(&e, root, path) != 0)
		return 0; /* cp: cannot stat - the script goes on */
	if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
		rc = git_tree_lookup(&sub, from, git_tree_entry_id(e));
		if (rc == 0)
			rc = copy_tree(from, sub, to, skip, &oid);
	} else {
		rc = git_blob_lookup(&blob, from, git_tree_entry_id(e));
		if (rc == 0)
			rc = git_blob_create_from_buffer(&oid, to,
			    git_blob_rawcontent(blob),
			    (size_t)git_blob_rawsize(blob));
	}
	if (rc == 0)
		rc = git_treebuilder_insert(NULL, tb, name, &oid,
		    git_tree_entry_filemode(e));
	git_blob_free(blob);
	git_tree_free(sub);
	git_tree_entry_free(e);
	return rc;
}

int
compose_project(git_repository *from, git_repository *to, git_tree *old,
    const char *type, const char *interface, const char *infrastructure,
    git_oid *out)
{
	git_tree *tmpl = gitrepo_main_tree(from);
	git_treebuilder *tb = NULL;
	char *variant = xasprintf("%s/%s", type, interface), *path;
	char *infra = xasprintf("infrastructure/%s", infrastructure);
	static const char *const parts[] = { "data", "data-science", "mlops" };
	int rc = tmpl ? git_treebuilder_new(&tb, to, NULL) : -1;

	for (size_t i = 0; rc == 0 && old && i < git_tree_entrycount(old); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(old, i);
		if (git_tree_entry_name(e)[0] == '.')
			rc = git_treebuilder_insert(NULL, tb,
			    git_tree_entry_name(e), git_tree_entry_id(e),
			    git_tree_entry_filemode(e));
	}
	if (rc == 0)
		rc = place(from, tmpl, "config-infra-dev.yml", to, tb,
		    "config-infra-dev.yml", NULL);
	if (rc == 0)
		rc = place(from, tmpl, "config-infra-prod.yml", to, tb,
		    "config-infra-prod.yml", NULL);
	if (rc == 0)
		rc = place(from, tmpl, infra, to, tb, "infrastructure", NULL);
	for (size_t i = 0; rc == 0 && i < 3; i++) {
		path = xasprintf("%s/%s", variant, parts[i]);
		rc = place(from, tmpl, path, to, tb, parts[i], i == 2 ?
		    "github-actions" : NULL);
		free(path);
	}
	if (rc == 0)
		rc = git_treebuilder_write(out, tb);
	git_treebuilder_free(tb);
	git_tree_free(tmpl);
	free(infra);
	free(variant);
	return rc;
}
