/* Bare clones and pushes of Azure DevOps repositories with libgit2. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gitrepo.h"
#include "http.h"
#include "xalloc.h"

static char *
git_error_text(const char *what)
{
	const git_error *e = git_error_last();

	return xasprintf("%s: %s", what, e && e->message ? e->message :
	    "libgit2 failed");
}

/* The credential as the one extra header libgit2 sends. */
static void
auth_headers(git_strarray *headers, char **line,
    const struct credential *auth)
{
	*line = credential_header(auth);
	headers->strings = line;
	headers->count = 1;
}

int
gitrepo_clone(git_repository **out, const char *url, const char *dir,
    const struct credential *auth, char **cause)
{
	git_clone_options opts;
	char *line = NULL;
	int rc;

	*out = NULL;
	git_clone_options_init(&opts, GIT_CLONE_OPTIONS_VERSION);
	if (!http_url_allowed(url)) {
		*cause = xasprintf("%s: plain http is only for loopback", url);
		return -1;
	}
	opts.bare = 1;
	auth_headers(&opts.fetch_opts.custom_headers, &line, auth);
	rc = git_clone(out, url, dir, &opts);
	credential_wipe(line);
	if (rc != 0) {
		*cause = git_error_text(url);
		return -1;
	}
	return 0;
}

int
gitrepo_push_main(git_repository *r, const struct credential *auth,
    char **cause)
{
	git_push_options opts;
	char *refspec = "refs/heads/main:refs/heads/main", *line = NULL;
	git_strarray refspecs = { &refspec, 1 };
	git_remote *origin = NULL;
	int rc = git_remote_lookup(&origin, r, "origin");

	git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
	auth_headers(&opts.custom_headers, &line, auth);
	if (rc == 0)
		rc = git_remote_push(origin, &refspecs, &opts);
	credential_wipe(line);
	git_remote_free(origin);
	if (rc != 0) {
		*cause = git_error_text("pushing main");
		return -1;
	}
	return 0;
}

git_tree *
gitrepo_main_tree(git_repository *r)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_oid oid;

	if (git_reference_name_to_id(&oid, r, "refs/heads/main") == 0 &&
	    git_commit_lookup(&commit, r, &oid) == 0)
		git_commit_tree(&tree, commit);
	git_commit_free(commit);
	return tree;
}
