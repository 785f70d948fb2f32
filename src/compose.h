/*
 * The accelerator's initialisation as a tree (mlops-v2-facts.md 1.6): the
 * config files, infrastructure/<provider> as infrastructure/, and
 * <type>/<interface>/{data,data-science,mlops} at the top (mlops without
 * github-actions). A path the template lacks is skipped, as the script's
 * cp is (the "green but empty" outcome); the target's hidden files stay.
 */
#ifndef MT_COMPOSE_H
#define MT_COMPOSE_H

#include <git2.h>

/*
 * Write into repository to the tree initialisation makes from main of
 * repository from (the template), keeping the hidden entries of old (the
 * target's tree, or NULL); *out its id. Returns 0 or a libgit2 error.
 */
int compose_project(git_repository *from, git_repository *to, git_tree *old,
    const char *type, const char *interface, const char *infrastructure,
    git_oid *out);

#endif
