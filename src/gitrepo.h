/*
 * Azure DevOps repositories as git sees them, for apply's local
 * initialisation: a bare clone over HTTPS and a push of main, with
 * libgit2. The credential goes in an Authorization header, never in a
 * URL or on disk; plain HTTP only to loopback (the sandbox), and libgit2
 * verifies every certificate.
 *
 * These block on the network: call them between fiber_unlock and
 * fiber_lock (they touch nothing the loop shares).
 */
#ifndef MT_GITREPO_H
#define MT_GITREPO_H

#include <git2.h>

#include "credential.h"

/* Clone url bare into dir; *out owned by the caller. -1 with *cause. */
int gitrepo_clone(git_repository **out, const char *url, const char *dir,
    const struct credential *auth, char **cause);

/* Push refs/heads/main of r to its origin; -1 with *cause. */
int gitrepo_push_main(git_repository *r, const struct credential *auth,
    char **cause);

/* The tree of main in r, or NULL; free with git_tree_free. */
git_tree *gitrepo_main_tree(git_repository *r);

#endif
