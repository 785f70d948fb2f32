/* Several ML projects in one run: their answers files, held together. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "answers.h"
#include "engine.h"
#include "paths.h"
#include "projects.h"
#include "state.h"
#include "xalloc.h"

/* ---- the files ----------------------------------------------------------- */

static void
add_path(struct projects *p, char *path)
{
	p->paths = xreallocarray(p->paths, p->count, sizeof *p->paths);
	p->paths[p->count++] = path;
}

static bool
is_answers_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && ((len > 4 && strcmp(name + len - 4,
	    ".yml") == 0) || (len > 5 && strcmp(name + len - 5, ".yaml") == 0));
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder's answers files, in name order. */
static int
add_folder(struct projects *p, const char *dir, char **cause)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t first = p->count;
	const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";

	if (d == NULL)
		return cause_error(cause, "--answers %s: %s", dir,
		    strerror(errno));
	while ((de = readdir(d)) != NULL)
		if (is_answers_name(de->d_name))
			add_path(p, xasprintf("%s%s%s", dir, sep, de->d_name));
	closedir(d);
	if (p->count == first)
		return cause_error(cause, "--answers %s: a folder with no "
		    "answers file in it (*.yml, *.yaml)", dir);
	qsort(p->paths + first, p->count - first, sizeof *p->paths, by_name);
	return 0;
}

int
projects_expand(const char *const *args, size_t n, struct projects *out,
    char **cause)
{
	struct stat sb;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		if (stat(args[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (add_folder(out, args[i], cause) == -1)
				return -1;
		} else
			/* A missing file is said when it is read, with the
			 * others' mistakes. */
			add_path(out, xstrdup(args[i]));
	}
	return 0;
}

bool
projects_several(const char *const *args, size_t n)
{
	struct stat sb;

	return n > 1 || (n == 1 && stat(args[0], &sb) == 0 &&
	    S_ISDIR(sb.st_mode));
}

void
projects_free(struct projects *p)
{
	for (size_t i = 0; i < p->count; i++)
		free(p->paths[i]);
	free(p->paths);
	memset(p, 0, sizeof *p);
}

/* ---- held against each other ------------------------------------------- */

struct problems {
	char *text;
	size_t count;
};

static void __attribute__((format(printf, 2, 3)))
problem(struct problems *pr, const char *fmt, ...)
{
	va_list ap;
	char *line, *joined;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	joined = xasprintf("%s%s%s", pr->text ? pr->text : "",
	    pr->text ? "\n" : "", line);
	free(pr->text);
	free(line);
	pr->text = joined;
	pr->count++;
}

/* Each file read and checked on its own; NULL for one that is not. */
static struct state **
read_all(const struct projects *p, const struct catalog *cat,
    struct problems *pr)
{
	struct state **st = xcalloc(p->count, sizeof *st);

	for (size_t i = 0; i < p->count; i++) {
		char *cause = NULL;

		st[i] = state_new();
		if (answers_load(st[i], p->paths[i], cat, &cause) == -1 ||
		    answers_complete(st[i], &cause) == -1) {
			/* answers_complete does not name the file. */
			problem(pr, "%s%s%s", strstr(cause, p->paths[i]) ?
			    "" : p->paths[i], strstr(cause, p->paths[i]) ?
			    "" : ": ", cause);
			state_free(st[i]);
			st[i] = NULL;
		}
		free(cause);
	}
	return st;
}

static const char *
answer(const struct state *st, const struct catalog *cat, const char *env,
    const char *key)
{
	const char *v = engine_answer(st, cat, env, key);

	return v ? v : "";
}

/* The one organization and project every file must name. */
static void
same_place(const char *const *name, struct state *const *st,
    const struct catalog *cat, size_t first, size_t i, struct problems *pr)
{
	char *a = paths_organization_id(answer(st[first], cat, NULL,
	    "organization"));
	char *b = paths_organization_id(answer(st[i], cat, NULL,
	    "organization"));

	if (strcasecmp(a, b) != 0)
		problem(pr, "%s: organization %s, but %s says %s: the projects "
		    "of one run share the accelerator, in one organization "
		    "(run apply once for each organization)", name[i],
		    answer(st[i], cat, NULL, "organization"), name[first],
		    answer(st[first], cat, NULL, "organization"));
	else if (strcasecmp(answer(st[first], cat, NULL, "project"),
	    answer(st[i], cat, NULL, "project")) != 0)
		problem(pr, "%s: project %s, but %s says %s: the projects of "
		    "one run share the accelerator's project (run apply once "
		    "for each)", name[i], answer(st[i], cat, NULL,
		    "project"), name[first], answer(st[first], cat, NULL,
		    "project"));
	free(a);
	free(b);
}

/* What two projects j < i would both make. */
static void
collisions(const char *const *name, struct state *const *st,
    const struct catalog *cat, size_t j, size_t i, struct problems *pr)
{
	const char *repo = answer(st[i], cat, NULL, "repository");

	if (strcasecmp(repo, answer(st[j], cat, NULL, "repository")) == 0)
		problem(pr, "%s: repository %s is %s's too: each ML project "
		    "has its own repository", name[i], repo, name[j]);
	for (size_t e = 0; e < st[i]->nenvironments; e++) {
		const char *env = st[i]->environments[e].name;
		const char *conn = answer(st[i], cat, env, "service_connection");

		for (size_t f = 0; f < st[j]->nenvironments; f++) {
			const char *other = st[j]->environments[f].name;

			if (strcasecmp(conn, answer(st[j], cat, other,
			    "service_connection")) == 0)
				problem(pr, "%s: service_connection (%s) %s is "
				    "%s's too (%s): each project deploys with "
				    "its own connection and principal; set "
				    "environments.%s.service_connection, e.g. "
				    "%s-%s", name[i], env, conn,
				    name[j], other, env, conn, repo);
			if (strcmp(env, other) == 0 && strcmp(answer(st[i],
			    cat, env, "namespace"), answer(st[j], cat, other,
			    "namespace")) == 0 && strcmp(answer(st[i], cat,
			    env, "postfix"), answer(st[j], cat, other,
			    "postfix")) == 0)
				problem(pr, "%s: namespace %s and postfix %s "
				    "(%s) are %s's too: the two would make the "
				    "same Azure resources; give one another "
				    "postfix", name[i], answer(st[i], cat,
				    env, "namespace"), answer(st[i], cat, env,
				    "postfix"), env, name[j]);
		}
	}
}

/* The same file named twice (a folder and one of its files). */
static bool
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int
projects_check(const struct projects *p, const struct catalog *cat,
    char **cause)
{
	struct problems pr = { 0 };
	struct state **st = read_all(p, cat, &pr);
	size_t first = p->count;

	for (size_t i = 0; i < p->count; i++) {
		if (st[i] == NULL)
			continue;
		if (first == p->count) {
			first = i;
			continue;
		}
		same_place((const char *const *)p->paths, st, cat, first, i,
		    &pr);
		for (size_t j = 0; j < i; j++)
			if (st[j] != NULL && same_file(p->paths[i], p->paths[j]))
				problem(&pr, "%s: given twice "
				    "(as %s too)", p->paths[i], p->paths[j]);
			else if (st[j] != NULL)
				collisions((const char *const *)p->paths, st,
				    cat, j, i, &pr);
	}
	for (size_t i = 0; i < p->count; i++)
		state_free(st[i]);
	free(st);
	if (pr.count == 0)
		return 0;
	free(*cause);
	*cause = pr.text;
	return -1;
}

int
projects_collide_with_last(struct state *const *st, const char *const *name,
    size_t n, const struct catalog *cat, char **cause)
{
	struct problems pr = { 0 };

	for (size_t j = 0; j + 1 < n; j++) {
		same_place(name, st, cat, j, n - 1, &pr);
		collisions(name, st, cat, j, n - 1, &pr);
	}
	if (pr.count == 0)
		return 0;
	free(*cause);
	*cause = pr.text;
	return -1;
}
