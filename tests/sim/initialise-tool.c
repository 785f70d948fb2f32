/*
 * The two ways mlops-tui fills an ML repository, run on repositories on
 * disk, for tests that hold them against the real initialise_repo.sh
 * (tests/sim/initialise-real.sh): not a test itself.
 *
 *   initialise-tool compose TEMPLATE TARGET TYPE INTERFACE PROVIDER
 *       apply's local way: compose.c over main of TEMPLATE, committed on
 *       main of TARGET (as steps/initialise-local.c does).
 *   initialise-tool script FILE NAME CHECKOUT... -- ARG...
 *       the sandbox's initialise-project run: the script FILE (bash's
 *       messages call it NAME) run by sim/shell.c over the CHECKOUTs,
 *       each FOLDER=GITDIR[:push], main checked out; what it pushes is
 *       written to the refs of GITDIR. Prints the script's output; exits
 *       with its status.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "atomicfile.h"
#include "compose.h"
#include "gitrepo.h"
#include "sim/shell.h"
#include "xalloc.h"

static int
fail(const char *what)
{
	const git_error *e = git_error_last();

	fprintf(stderr, "initialise-tool: %s: %s\n", what, e && e->message ?
	    e->message : "failed");
	return 1;
}

static int
compose(char **argv)
{
	git_repository *from = NULL, *to = NULL;
	git_tree *old = NULL, *tree = NULL;
	git_commit *parent = NULL;
	git_signature *sig = NULL;
	git_oid tree_id, commit_id, tip;
	int rc;

	if (git_repository_open(&from, argv[0]) != 0 ||
	    git_repository_open(&to, argv[1]) != 0)
		return fail("open");
	old = gitrepo_main_tree(to);
	if (git_reference_name_to_id(&tip, to, "refs/heads/main") == 0)
		git_commit_lookup(&parent, to, &tip);
	rc = compose_project(from, to, old, argv[2], argv[3], argv[4],
	    &tree_id);
	if (rc == 0)
		rc = git_tree_lookup(&tree, to, &tree_id);
	if (rc == 0)
		rc = git_signature_now(&sig, "mlops-tui", "mlops-tui@localhost");
	if (rc == 0)
		rc = git_commit_create(&commit_id, to, "refs/heads/main", sig,
		    sig, NULL, "Initialise the ML project from the templates "
		    "(mlops-tui)", tree, parent ? 1 : 0,
		    (const git_commit **)&parent);
	if (rc != 0)
		rc = fail("compose");
	git_signature_free(sig);
	git_tree_free(tree);
	git_commit_free(parent);
	git_tree_free(old);
	git_repository_free(to);
	git_repository_free(from);
	return rc;
}

static int
script(int argc, char **argv)
{
	struct shell_checkout co[8];
	char *text = NULL, *cause = NULL;
	size_t len, n = 0, i;
	int k, status;
	json_t *out = json_array(), *pushes = json_object(), *line, *refs;
	const char *folder, *ref, *id;

	if (atomicfile_read(argv[0], 1u << 20, &text, &len, &cause) != 0) {
		fprintf(stderr, "initialise-tool: %s: %s\n", argv[0], cause);
		return 1;
	}
	for (k = 2; k < argc && strcmp(argv[k], "--") != 0 && n < 8; k++) {
		char *eq = strchr(argv[k], '='), *colon;
		if (eq == NULL)
			return fail("FOLDER=GITDIR expected");
		*eq = '\0';
		colon = strrchr(eq + 1, ':');
		co[n].push = colon != NULL && strcmp(colon, ":push") == 0;
		if (co[n].push)
			*colon = '\0';
		co[n].name = argv[k];
		co[n].url = eq + 1;
		co[n].ref = "refs/heads/main";
		if (git_repository_open(&co[n].repo, eq + 1) != 0)
			return fail(eq + 1);
		n++;
	}
	k += k < argc;
	status = shell_run(text, len, argv[1], (const char *const *)argv + k,
	    (size_t)(argc - k), co, n, out, pushes);
	json_array_foreach(out, i, line)
		printf("%s\n", json_string_value(line));
	json_object_foreach(pushes, folder, refs) {
		json_t *v;
		for (i = 0; i < n && strcmp(co[i].name, folder) != 0; i++)
			;
		json_object_foreach(refs, ref, v) {
			git_reference *made = NULL;
			git_oid oid;
			id = json_string_value(v);
			if (i == n || git_oid_fromstr(&oid, id) != 0 ||
			    git_reference_create(&made, co[i].repo, ref, &oid,
			    1, "push") != 0)
				status = fail("push");
			git_reference_free(made);
		}
	}
	for (i = 0; i < n; i++)
		git_repository_free(co[i].repo);
	json_decref(pushes);
	json_decref(out);
	free(text);
	return status;
}

int
main(int argc, char **argv)
{
	int rc = 2;

	git_libgit2_init();
	if (argc == 7 && strcmp(argv[1], "compose") == 0)
		rc = compose(argv + 2);
	else if (argc >= 4 && strcmp(argv[1], "script") == 0)
		rc = script(argc - 2, argv + 2);
	else
		fprintf(stderr, "usage: initialise-tool compose TEMPLATE TARGET "
		    "TYPE INTERFACE PROVIDER\n       initialise-tool script "
		    "FILE NAME FOLDER=GITDIR[:push]... -- ARG...\n");
	git_libgit2_shutdown();
	return rc;
}
