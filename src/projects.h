/*
 * Several ML projects in one run: the answers files of `apply --answers
 * a.yml --answers b.yml` (or --answers FOLDER), read together and held
 * against each other before anything signs in or changes. The accelerator
 * part (the project, its imports, the Build Service rights) is shared
 * by them all, so they must name one organization and one project; what
 * each makes for itself must not be what another makes: its repository,
 * its service connections (and so its principals), its Azure names
 * (namespace and postfix in one environment), rai's GitHub connection.
 */
#ifndef MT_PROJECTS_H
#define MT_PROJECTS_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"

struct projects {
	char **paths;                  /* the answers files, in order */
	size_t count;
};

/*
 * The answers files args names: each file as given, each folder's
 * *.yml and *.yaml files in name order. -1 with *cause (a folder
 * without one, an argument that is neither).
 */
int projects_expand(const char *const *args, size_t n, struct projects *out,
    char **cause);
void projects_free(struct projects *p);

/* Whether args name several ML projects: more than one, or a folder
 * (whose files are each one, however many it holds). */
bool projects_several(const char *const *args, size_t n);

/*
 * Read every file and hold them against each other. -1 with *cause
 * listing every problem, a line each: each file's own mistakes (named
 * by file and line, as a single apply says them), then each collision,
 * naming both files and what to change.
 */
int projects_check(const struct projects *p, const struct catalog *cat,
    char **cause);

/*
 * The same rules for a project added to others already set up (the
 * wizard's "another ML project"): st[n - 1] against each of st[0 .. n-2],
 * each named by name[i] in the messages. -1 with *cause, a line each.
 */
struct state;
int projects_collide_with_last(struct state *const *st,
    const char *const *name, size_t n, const struct catalog *cat,
    char **cause);

#endif
