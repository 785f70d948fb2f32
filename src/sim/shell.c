/*
 * A small bash over trees in memory (shell.h). A folder is a JSON object
 * of its entries; a file is [checkout, blob id, mode], the checkout whose
 * repository holds the blob. Nothing here knows what initialise_repo.sh
 * is for: it only does what the script's commands say.
 */
#include "config.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/shell.h"
#include "xalloc.h"

/* What git keeps for one checkout. */
struct gitstate {
	git_oid head;
	bool has_head;
	char *branch;          /* NULL: detached, as the agent checks out */
	json_t *branches;      /* local branch name -> commit hex */
	json_t *index;         /* the staged tree */
};

struct sh {
	const struct shell_checkout *co;
	size_t nco;
	struct gitstate *g;
	json_t *root;          /* the sources directory */
	char *cwd;             /* "/" or "/a/b" */
	json_t *vars;
	const char *const *args;
	size_t nargs;
	json_t *out;
	json_t *pushes;
	const char *name;
	int line;
	int status;
	bool errexit, exited;
	char *email, *user;
};

static void say(struct sh *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(struct sh *s, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	json_array_append_new(s->out, json_string(text));
	free(text);
}

/* ---- trees --------------------------------------------------------- */

static json_t *
load_tree(git_repository *r, const git_tree *t, size_t src)
{
	json_t *dir = json_object();
	char hex[GIT_OID_HEXSZ + 1];

	for (size_t i = 0; i < git_tree_entrycount(t); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		git_tree *sub = NULL;

		switch (git_tree_entry_type(e)) {
		case GIT_OBJECT_TREE:
			if (git_tree_lookup(&sub, r, git_tree_entry_id(e)) == 0)
				json_object_set_new(dir, git_tree_entry_name(e),
				    load_tree(r, sub, src));
			git_tree_free(sub);
			break;
		case GIT_OBJECT_BLOB:
			git_oid_tostr(hex, sizeof hex, git_tree_entry_id(e));
			json_object_set_new(dir, git_tree_entry_name(e),
			    json_pack("[I, s, i]", (json_int_t)src, hex,
			    (int)git_tree_entry_filemode(e)));
			break;
		default: /* a submodule: an empty folder without submodules */
			json_object_set_new(dir, git_tree_entry_name(e),
			    json_object());
		}
	}
	return dir;
}

/* The absolute components of path from the working folder. */
static json_t *
components(struct sh *s, const char *path)
{
	json_t *parts = json_array();
	char *all = xasprintf("%s/%s", path[0] == '/' ? "" : s->cwd, path);
	char *save = NULL;

	for (char *p = strtok_r(all, "/", &save); p != NULL;
	    p = strtok_r(NULL, "/", &save)) {
		if (strcmp(p, ".") == 0)
			continue;
		if (strcmp(p, "..") == 0) {
			if (json_array_size(parts) > 0)
				json_array_remove(parts,
				    json_array_size(parts) - 1);
			continue;
		}
		json_array_append_new(parts, json_string(p));
	}
	free(all);
	return parts;
}

/* The names of path as written, without "." and empty ones. */
static json_t *
literal_parts(const char *path)
{
	json_t *parts = json_array();
	char *all = xstrdup(path), *save = NULL;

	for (char *p = strtok_r(all, "/", &save); p != NULL;
	    p = strtok_r(NULL, "/", &save))
		if (strcmp(p, ".") != 0)
			json_array_append_new(parts, json_string(p));
	free(all);
	return parts;
}

/* The node at the first n components, or NULL. */
static json_t *
walk(struct sh *s, json_t *parts, size_t n)
{
	json_t *node = s->root;

	for (size_t i = 0; node != NULL && i < n; i++)
		node = json_is_object(node) ? json_object_get(node,
		    json_string_value(json_array_get(parts, i))) : NULL;
	return node;
}

static json_t *
find(struct sh *s, const char *path)
{
	json_t *parts = components(s, path);
	json_t *node = walk(s, parts, json_array_size(parts));

	json_decref(parts);
	return node;
}

/* The folder holding path (NULL if none) and path's last name. */
static json_t *
parent_of(struct sh *s, const char *path, char **base)
{
	json_t *parts = components(s, path), *dir;
	size_t n = json_array_size(parts);

	*base = NULL;
	if (n == 0) {
		json_decref(parts);
		return NULL;
	}
	dir = walk(s, parts, n - 1);
	*base = xstrdup(json_string_value(json_array_get(parts, n - 1)));
	json_decref(parts);
	return json_is_object(dir) ? dir : NULL;
}

static char *
basename_of(const char *path)
{
	size_t n = strlen(path);
	const char *b;

	while (n > 1 && path[n - 1] == '/')
		n--;
	b = path + n;
	while (b > path && b[-1] != '/')
		b--;
	return xstrndup(b, (size_t)(path + n - b));
}

static char *
join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	return xasprintf("%s%s%s", dir, n > 0 && dir[n - 1] == '/' ? "" : "/",
	    name);
}

/* Whether path a is b or inside it. */
static bool
within(struct sh *s, const char *a, const char *b)
{
	json_t *pa = components(s, a), *pb = components(s, b);
	size_t nb = json_array_size(pb);
	bool in = json_array_size(pa) >= nb;

	for (size_t i = 0; in && i < nb; i++)
		in = json_equal(json_array_get(pa, i), json_array_get(pb, i));
	json_decref(pa);
	json_decref(pb);
	return in;
}

/* ---- words --------------------------------------------------------- */

struct word {
	char *text;
	bool glob;             /* an unquoted * ? or [ */
};

struct cmd {
	struct word *w;
	size_t n, cap;
	int sep;               /* what comes after: ';', '&' (&&), '|' (||) */
};

static void
add_word(struct cmd *c, char *text, bool glob)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 8;
		c->w = xreallocarray(c->w, c->cap, sizeof *c->w);
	}
	c->w[c->n].text = text;
	c->w[c->n++].glob = glob;
}

static void
drop_first(struct cmd *c)
{
	free(c->w[0].text);
	memmove(c->w, c->w + 1, --c->n * sizeof *c->w);
}

static void
free_cmd(struct cmd *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->w[i].text);
	free(c->w);
	memset(c, 0, sizeof *c);
}

struct buf {
	char *p;
	size_t n, cap;
	bool any, glob;
};

static void
put(struct buf *b, char ch)
{
	if (b->n + 2 > b->cap) {
		b->cap = b->cap ? 2 * b->cap : 32;
		b->p = xrealloc(b->p, b->cap);
	}
	b->p[b->n++] = ch;
	b->p[b->n] = '\0';
	b->any = true;
}

static void
end_word(struct cmd *c, struct buf *b)
{
	if (b->any)
		add_word(c, b->p ? b->p : xstrdup(""), b->glob);
	else
		free(b->p);
	memset(b, 0, sizeof *b);
}

/* The value of $name (or $1, $?, ...), borrowed or in *tmp. */
static const char *
value_of(struct sh *s, const char *name, char *tmp, size_t tmplen)
{
	if (isdigit((unsigned char)name[0])) {
		size_t i = (size_t)strtoul(name, NULL, 10);
		if (i == 0)
			return s->name;
		return i <= s->nargs ? s->args[i - 1] : "";
	}
	if (strcmp(name, "?") == 0 || strcmp(name, "#") == 0) {
		snprintf(tmp, tmplen, "%zu", name[0] == '?' ?
		    (size_t)s->status : s->nargs);
		return tmp;
	}
	return json_is_string(json_object_get(s->vars, name)) ?
	    json_string_value(json_object_get(s->vars, name)) : "";
}

/* Read a $ expansion at *pp (just past the $); its value or NULL. */
static const char *
expand(struct sh *s, const char **pp, char *tmp, size_t tmplen)
{
	const char *p = *pp;
	char name[128];
	size_t n = 0;

	if (*p == '{') {
		const char *end = strchr(p, '}');
		if (end == NULL || (size_t)(end - p) >= sizeof name)
			return NULL;
		memcpy(name, p + 1, (size_t)(end - p - 1));
		name[end - p - 1] = '\0';
		*pp = end + 1;
	} else if (isdigit((unsigned char)*p) || *p == '?' || *p == '#') {
		name[0] = *p;
		name[1] = '\0';
		*pp = p + 1;
	} else {
		while ((isalnum((unsigned char)p[n]) || p[n] == '_') &&
		    n + 1 < sizeof name) {
			name[n] = p[n];
			n++;
		}
		if (n == 0)
			return NULL;
		name[n] = '\0';
		*pp = p + n;
	}
	return value_of(s, name, tmp, tmplen);
}

/*
 * Split a line into commands. Returns the number of commands in *cmds
 * (each with its words expanded, globs not yet).
 */
static size_t
parse_line(struct sh *s, const char *line, struct cmd **cmds)
{
	struct cmd *all = NULL, cur = { 0 };
	struct buf b = { 0 };
	size_t n = 0, cap = 0;
	char tmp[32];
	const char *p = line;
	char quote = 0;

	for (;;) {
		char ch = *p;
		bool end = ch == '\0' || (!quote && ch == '#' && !b.any);
		int sep = 0;

		if (!quote && !end) {
			if (ch == ';')
				sep = ';';
			else if (ch == '&' && p[1] == '&')
				sep = '&';
			else if (ch == '|' && p[1] == '|')
				sep = '|';
		}
		if (end || sep) {
			end_word(&cur, &b);
			if (cur.n > 0 || sep) {
				cur.sep = sep ? sep : ';';
				if (n == cap) {
					cap = cap ? 2 * cap : 4;
					all = xreallocarray(all, cap,
					    sizeof *all);
				}
				all[n++] = cur;
				memset(&cur, 0, sizeof cur);
			}
			if (end)
				break;
			p += sep == ';' ? 1 : 2;
			continue;
		}
		if (quote == '\'') {
			if (ch == '\'')
				quote = 0;
			else
				put(&b, ch);
			p++;
		} else if (ch == '\'' && !quote) {
			quote = '\'';
			b.any = true;
			p++;
		} else if (ch == '"') {
			quote = quote ? 0 : '"';
			b.any = true;
			p++;
		} else if (ch == '\\' && p[1] != '\0') {
			put(&b, p[1]);
			p += 2;
		} else if (ch == '$') {
			const char *v;
			p++;
			v = expand(s, &p, tmp, sizeof tmp);
			if (v == NULL) {
				put(&b, '$');
				continue;
			}
			for (; *v; v++) {
				if (!quote && isspace((unsigned char)*v))
					end_word(&cur, &b);
				else
					put(&b, *v);
			}
		} else if (!quote && isspace((unsigned char)ch)) {
			end_word(&cur, &b);
			p++;
		} else {
			if (!quote && (ch == '*' || ch == '?' || ch == '['))
				b.glob = true;
			put(&b, ch);
			p++;
		}
	}
	free(b.p);
	free_cmd(&cur);
	*cmds = all;
	return n;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expand the globs of c's words, as bash does (no match: as written). */
static void
globs(struct sh *s, struct cmd *c)
{
	struct cmd out = { 0 };

	for (size_t i = 0; i < c->n; i++) {
		char *w = c->w[i].text, *slash = strrchr(w, '/');
		char *dirpart = slash ? xstrndup(w, (size_t)(slash - w + 1)) :
		    xstrdup("");
		const char *pattern = slash ? slash + 1 : w;
		json_t *dir = c->w[i].glob && strpbrk(dirpart, "*?[") == NULL ?
		    find(s, dirpart[0] ? dirpart : ".") : NULL;
		char **names = NULL;
		size_t nn = 0;
		const char *key;
		json_t *v;

		if (json_is_object(dir)) {
			names = xreallocarray(NULL, json_object_size(dir) + 1,
			    sizeof *names);
			json_object_foreach(dir, key, v)
				if (fnmatch(pattern, key, FNM_PERIOD) == 0)
					names[nn++] = xasprintf("%s%s", dirpart,
					    key);
		}
		if (nn == 0) {
			add_word(&out, w, false);
		} else {
			qsort(names, nn, sizeof *names, by_name);
			for (size_t k = 0; k < nn; k++)
				add_word(&out, names[k], false);
			free(w);
		}
		free(names);
		free(dirpart);
	}
	free(c->w);
	out.sep = c->sep;
	*c = out;
}

/* ---- coreutils ----------------------------------------------------- */

/* Options of a command: the letters given, and the operands left. */
static bool
has_opt(struct cmd *c, char letter, const char *longname, size_t *first)
{
	bool found = false;
	size_t i;

	for (i = 1; i < c->n; i++) {
		const char *w = c->w[i].text;
		if (strcmp(w, "--") == 0) {
			i++;
			break;
		}
		if (w[0] != '-' || w[1] == '\0')
			break;
		if (w[1] == '-') {
			if (longname != NULL && strcmp(w + 2, longname) == 0)
				found = true;
		} else if (letter != 0 && strchr(w + 1, letter) != NULL)
			found = true;
	}
	if (first != NULL)
		*first = i;
	return found;
}

static int
cmd_mkdir(struct sh *s, struct cmd *c)
{
	size_t first;
	bool parents = has_opt(c, 'p', "parents", &first);
	int rc = 0;

	for (size_t i = first; i < c->n; i++) {
		const char *path = c->w[i].text;
		json_t *parts = components(s, path), *dir = s->root;
		size_t n = json_array_size(parts);

		for (size_t k = 0; k < n; k++) {
			const char *name = json_string_value(json_array_get(
			    parts, k));
			json_t *next = json_object_get(dir, name);
			if (next == NULL && (parents || k + 1 == n)) {
				next = json_object();
				json_object_set_new(dir, name, next);
			} else if (next == NULL) {
				say(s, "mkdir: cannot create directory '%s': No "
				    "such file or directory", path);
				rc = 1;
				break;
			} else if (k + 1 == n && !parents) {
				say(s, "mkdir: cannot create directory '%s': "
				    "File exists", path);
				rc = 1;
				break;
			}
			if (!json_is_object(next)) {
				say(s, "mkdir: cannot create directory '%s': "
				    "Not a directory", path);
				rc = 1;
				break;
			}
			dir = next;
		}
		json_decref(parts);
	}
	return rc;
}

static int
cmd_cd(struct sh *s, struct cmd *c)
{
	json_t *parts, *node;
	char *to;

	if (c->n != 2) {
		say(s, "%s: line %d: cd: %s", s->name, s->line, c->n < 2 ?
		    "HOME not set" : "too many arguments");
		return 1;
	}
	node = find(s, c->w[1].text);
	if (!json_is_object(node)) {
		say(s, "%s: line %d: cd: %s: %s", s->name, s->line,
		    c->w[1].text, node ? "Not a directory" :
		    "No such file or directory");
		return 1;
	}
	parts = components(s, c->w[1].text);
	to = xstrdup("");
	for (size_t i = 0; i < json_array_size(parts); i++) {
		char *next = xasprintf("%s/%s", to, json_string_value(
		    json_array_get(parts, i)));
		free(to);
		to = next;
	}
	json_decref(parts);
	free(s->cwd);
	s->cwd = to[0] ? to : (free(to), xstrdup("/"));
	return 0;
}

static int
cmd_rm(struct sh *s, struct cmd *c)
{
	size_t first;
	bool force = has_opt(c, 'f', "force", &first);
	bool recursive = has_opt(c, 'r', "recursive", NULL) ||
	    has_opt(c, 'R', NULL, NULL);
	int rc = 0;

	if (first == c->n && !force) {
		say(s, "rm: missing operand");
		return 1;
	}
	for (size_t i = first; i < c->n; i++) {
		char *base;
		json_t *dir = parent_of(s, c->w[i].text, &base);
		json_t *node = dir ? json_object_get(dir, base) : NULL;

		if (node == NULL && !force) {
			say(s, "rm: cannot remove '%s': No such file or "
			    "directory", c->w[i].text);
			rc = 1;
		} else if (json_is_object(node) && !recursive) {
			say(s, "rm: cannot remove '%s': Is a directory",
			    c->w[i].text);
			rc = 1;
		} else if (node != NULL)
			json_object_del(dir, base);
		free(base);
	}
	return rc;
}

/* Copy node to path: a folder merges into one that is there. */
static int
put_copy(struct sh *s, const char *src, json_t *node, const char *path)
{
	char *base;
	json_t *dir = parent_of(s, path, &base);
	json_t *there = dir ? json_object_get(dir, base) : NULL;
	const char *key;
	json_t *v;
	int rc = 0;

	if (dir == NULL) {
		say(s, "cp: cannot create %s '%s': No such file or directory",
		    json_is_object(node) ? "directory" : "regular file", path);
		rc = 1;
	} else if (json_is_object(node) && json_is_object(there)) {
		json_object_foreach(node, key, v) {
			char *from = join(src, key), *to = join(path, key);
			rc |= put_copy(s, from, v, to);
			free(to);
			free(from);
		}
	} else if (json_is_object(node) && there != NULL) {
		say(s, "cp: cannot overwrite non-directory '%s' with directory "
		    "'%s'", path, src);
		rc = 1;
	} else if (json_is_object(node)) {
		json_object_set_new(dir, base, json_deep_copy(node));
	} else if (json_is_object(there)) {
		say(s, "cp: cannot overwrite directory '%s' with "
		    "non-directory", path);
		rc = 1;
	} else {
		/* An existing file keeps its mode; a new one takes the
		 * source's (the umask of the agent takes nothing git keeps). */
		json_t *copy = json_deep_copy(node);
		if (there != NULL)
			json_array_set(copy, 2, json_array_get(there, 2));
		json_object_set_new(dir, base, copy);
	}
	free(base);
	return rc;
}

static int
cmd_cp(struct sh *s, struct cmd *c)
{
	size_t first;
	bool recursive = has_opt(c, 'r', "recursive", &first) ||
	    has_opt(c, 'R', NULL, NULL) || has_opt(c, 'a', "archive", NULL);
	bool parents = has_opt(c, 0, "parents", NULL);
	const char *dest;
	json_t *target;
	int rc = 0;

	if (c->n - first < 2) {
		say(s, c->n == first ? "cp: missing file operand" :
		    "cp: missing destination file operand after '%s'",
		    c->w[c->n - 1].text);
		return 1;
	}
	dest = c->w[c->n - 1].text;
	target = find(s, dest);
	if (parents && !json_is_object(target)) {
		say(s, "cp: with --parents, the destination must be a "
		    "directory");
		return 1;
	}
	if (c->n - first > 2 && !json_is_object(target)) {
		say(s, "cp: target '%s' is not a directory", dest);
		return 1;
	}
	for (size_t i = first; i + 1 < c->n; i++) {
		const char *src = c->w[i].text;
		json_t *node = find(s, src);
		char *to;

		if (node == NULL) {
			say(s, "cp: cannot stat '%s': No such file or "
			    "directory", src);
			rc = 1;
			continue;
		}
		if (json_is_object(node) && !recursive) {
			say(s, "cp: -r not specified; omitting directory '%s'",
			    src);
			rc = 1;
			continue;
		}
		if (parents) {
			/* dest/src (src as written), making its folders */
			json_t *parts = literal_parts(src);
			size_t n = json_array_size(parts);
			json_t *dir = target;
			to = xstrdup(dest);
			for (size_t k = 0; k + 1 < n && dir != NULL; k++) {
				const char *name = json_string_value(
				    json_array_get(parts, k));
				char *next = join(to, name);
				json_t *sub = json_object_get(dir, name);
				if (sub == NULL) {
					sub = json_object();
					json_object_set_new(dir, name, sub);
				}
				dir = json_is_object(sub) ? sub : NULL;
				free(to);
				to = next;
			}
			if (n > 0) {
				char *next = join(to, json_string_value(
				    json_array_get(parts, n - 1)));
				free(to);
				to = next;
			}
			json_decref(parts);
		} else if (json_is_object(target)) {
			char *base = basename_of(src);
			to = join(dest, base);
			free(base);
		} else
			to = xstrdup(dest);
		if (json_is_object(node) && within(s, to, src)) {
			say(s, "cp: cannot copy a directory, '%s', into itself, "
			    "'%s'", src, to);
			rc = 1;
		} else {
			json_incref(node);
			rc |= put_copy(s, src, node, to);
			json_decref(node);
		}
		free(to);
	}
	return rc;
}

static int
cmd_mv(struct sh *s, struct cmd *c)
{
	size_t first;
	const char *dest;
	json_t *target;
	int rc = 0;

	(void)has_opt(c, 0, NULL, &first);
	if (c->n - first < 2) {
		say(s, c->n == first ? "mv: missing file operand" :
		    "mv: missing destination file operand after '%s'",
		    c->w[c->n - 1].text);
		return 1;
	}
	dest = c->w[c->n - 1].text;
	target = find(s, dest);
	if (c->n - first > 2 && !json_is_object(target)) {
		say(s, "mv: target '%s' is not a directory", dest);
		return 1;
	}
	for (size_t i = first; i + 1 < c->n; i++) {
		const char *src = c->w[i].text;
		char *sbase, *tbase, *to;
		json_t *sdir = parent_of(s, src, &sbase);
		json_t *node = sdir ? json_object_get(sdir, sbase) : NULL;
		json_t *tdir, *there;

		if (node == NULL) {
			say(s, "mv: cannot stat '%s': No such file or "
			    "directory", src);
			free(sbase);
			rc = 1;
			continue;
		}
		if (json_is_object(find(s, dest))) {
			char *base = basename_of(src);
			to = join(dest, base);
			free(base);
		} else
			to = xstrdup(dest);
		tdir = parent_of(s, to, &tbase);
		there = tdir ? json_object_get(tdir, tbase) : NULL;
		if (there == node) {
			say(s, "mv: '%s' and '%s' are the same file", src, to);
			rc = 1;
		} else if (json_is_object(node) && within(s, to, src)) {
			say(s, "mv: cannot move '%s' to a subdirectory of "
			    "itself, '%s'", src, to);
			rc = 1;
		} else if (tdir == NULL) {
			say(s, "mv: cannot move '%s' to '%s': No such file or "
			    "directory", src, to);
			rc = 1;
		} else if (json_is_object(there) && !json_is_object(node)) {
			say(s, "mv: cannot overwrite directory '%s' with "
			    "non-directory", to);
			rc = 1;
		} else if (there != NULL && json_is_object(node) &&
		    !json_is_object(there)) {
			say(s, "mv: cannot overwrite non-directory '%s' with "
			    "directory '%s'", to, src);
			rc = 1;
		} else if (json_is_object(there) && json_object_size(there)) {
			say(s, "mv: cannot move '%s' to '%s': Directory not "
			    "empty", src, to);
			rc = 1;
		} else {
			json_incref(node);
			json_object_del(sdir, sbase);
			json_object_set_new(tdir, tbase, node);
		}
		free(tbase);
		free(to);
		free(sbase);
	}
	return rc;
}

/* ---- git ----------------------------------------------------------- */

/* The checkout the working folder is in, or -1. */
static int
checkout_here(struct sh *s)
{
	json_t *parts = components(s, ".");
	const char *top = json_string_value(json_array_get(parts, 0));
	int found = -1;

	for (size_t i = 0; top != NULL && i < s->nco; i++)
		if (strcmp(s->co[i].name, top) == 0)
			found = (int)i;
	json_decref(parts);
	return found;
}

/* The path of p relative to checkout i's folder, as components. */
static json_t *
inside(struct sh *s, size_t i, const char *p)
{
	json_t *parts = components(s, p);

	(void)i;
	json_array_remove(parts, 0);
	return parts;
}

/* Write folder dir (in the sources tree) as a tree of checkout to. */
static int
write_tree(struct sh *s, size_t to, json_t *dir, git_oid *out, bool *empty)
{
	git_repository *r = s->co[to].repo;
	git_treebuilder *tb = NULL;
	git_odb *odb = NULL, *from_odb = NULL;
	const char *key;
	json_t *v;
	int rc = git_treebuilder_new(&tb, r, NULL);

	if (rc == 0)
		rc = git_repository_odb(&odb, r);
	json_object_foreach(dir, key, v) {
		git_oid oid;
		bool sub_empty = false;
		if (rc != 0)
			break;
		if (json_is_object(v)) {
			rc = write_tree(s, to, v, &oid, &sub_empty);
			if (rc == 0 && !sub_empty)
				rc = git_treebuilder_insert(NULL, tb, key, &oid,
				    GIT_FILEMODE_TREE);
			continue;
		}
		size_t src = (size_t)json_integer_value(json_array_get(v, 0));
		rc = git_oid_fromstr(&oid, json_string_value(json_array_get(v,
		    1)));
		if (rc == 0 && src != to && !git_odb_exists(odb, &oid)) {
			git_odb_object *obj = NULL;
			git_oid written;
			rc = git_repository_odb(&from_odb, s->co[src].repo);
			if (rc == 0)
				rc = git_odb_read(&obj, from_odb, &oid);
			if (rc == 0)
				rc = git_odb_write(&written, odb,
				    git_odb_object_data(obj),
				    git_odb_object_size(obj),
				    git_odb_object_type(obj));
			git_odb_object_free(obj);
			git_odb_free(from_odb);
			from_odb = NULL;
		}
		if (rc == 0)
			rc = git_treebuilder_insert(NULL, tb, key, &oid,
			    (git_filemode_t)json_integer_value(
			    json_array_get(v, 2)));
	}
	if (rc == 0) {
		*empty = git_treebuilder_entrycount(tb) == 0;
		rc = git_treebuilder_write(out, tb);
	}
	git_odb_free(odb);
	git_treebuilder_free(tb);
	return rc;
}

/* Stage path (NULL: the whole worktree) of checkout i. */
static int
stage(struct sh *s, size_t i, const char *path)
{
	struct gitstate *g = &s->g[i];
	char *top = xasprintf("/%s", s->co[i].name);
	json_t *parts = inside(s, i, path ? path : top);
	size_t n = json_array_size(parts);
	json_t *wt = json_object_get(s->root, s->co[i].name), *ix = g->index;
	const char *name;
	json_t *node;
	int rc = 0;

	free(top);
	if (n == 0) {
		json_decref(g->index);
		g->index = json_is_object(wt) ? json_deep_copy(wt) :
		    json_object();
		json_decref(parts);
		return 0;
	}
	for (size_t p = 0; p + 1 < n; p++) {
		const char *dir = json_string_value(json_array_get(parts, p));
		json_t *sub = json_object_get(ix, dir);
		wt = json_is_object(wt) ? json_object_get(wt, dir) : NULL;
		if (!json_is_object(sub)) {
			sub = json_object();
			json_object_set_new(ix, dir, sub);
		}
		ix = sub;
	}
	name = json_string_value(json_array_get(parts, n - 1));
	node = json_is_object(wt) ? json_object_get(wt, name) : NULL;
	if (node != NULL)
		json_object_set_new(ix, name, json_deep_copy(node));
	else if (json_object_get(ix, name) != NULL)
		json_object_del(ix, name);
	else {
		say(s, "fatal: pathspec '%s' did not match any files", path);
		rc = 128;
	}
	json_decref(parts);
	return rc;
}

static int
do_add(struct sh *s, size_t i, struct cmd *c)
{
	bool all = false;
	size_t first = 2;
	int rc = 0;

	for (; first < c->n && c->w[first].text[0] == '-' &&
	    c->w[first].text[1] != '\0'; first++) {
		if (strcmp(c->w[first].text, "--") == 0) {
			first++;
			break;
		}
		all |= strcmp(c->w[first].text, "-A") == 0 ||
		    strcmp(c->w[first].text, "--all") == 0;
	}
	if (first == c->n && !all) {
		say(s, "Nothing specified, nothing added.");
		return 0;
	}
	if (first == c->n)
		return stage(s, i, NULL);
	for (size_t k = first; rc == 0 && k < c->n; k++)
		rc = stage(s, i, c->w[k].text);
	return rc;
}

static int
do_commit(struct sh *s, size_t i, struct cmd *c)
{
	struct gitstate *g = &s->g[i];
	git_repository *r = s->co[i].repo;
	const char *message = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_oid tree_id, commit_id;
	char hex[GIT_OID_HEXSZ + 1], *msg;
	bool empty;
	int rc;

	for (size_t k = 1; k + 1 < c->n; k++)
		if (strcmp(c->w[k].text, "-m") == 0)
			message = c->w[k + 1].text;
	if (message == NULL) {
		say(s, "error: there was a problem with the editor 'vi'");
		return 1;
	}
	if (s->email == NULL || s->user == NULL) {
		say(s, "Author identity unknown");
		say(s, "*** Please tell me who you are.");
		return 128;
	}
	if (write_tree(s, i, g->index, &tree_id, &empty) != 0) {
		say(s, "fatal: unable to write tree");
		return 128;
	}
	if (g->has_head)
		git_commit_lookup(&parent, r, &g->head);
	if (parent != NULL && git_oid_equal(git_commit_tree_id(parent),
	    &tree_id)) {
		say(s, "On branch %s", g->branch ? g->branch : "HEAD");
		say(s, "nothing to commit, working tree clean");
		git_commit_free(parent);
		return 1;
	}
	msg = xasprintf("%s\n", message);
	rc = git_tree_lookup(&tree, r, &tree_id);
	if (rc == 0)
		rc = git_signature_now(&sig, s->user, s->email);
	if (rc == 0)
		rc = git_commit_create(&commit_id, r, NULL, sig, sig, NULL, msg,
		    tree, parent ? 1 : 0, (const git_commit **)&parent);
	if (rc == 0) {
		git_oid_tostr(hex, sizeof hex, &commit_id);
		say(s, "[%s%s %.7s] %s", g->branch ? g->branch :
		    "detached HEAD", parent ? "" : " (root-commit)", hex,
		    message);
		g->head = commit_id;
		g->has_head = true;
		if (g->branch != NULL)
			json_object_set_new(g->branches, g->branch,
			    json_string(hex));
	} else
		say(s, "fatal: unable to write commit");
	free(msg);
	git_signature_free(sig);
	git_tree_free(tree);
	git_commit_free(parent);
	return rc == 0 ? 0 : 128;
}

static int
do_push(struct sh *s, size_t i, struct cmd *c)
{
	struct gitstate *g = &s->g[i];
	const char *remote = NULL, *spec = NULL, *local;
	bool force = false, upstream = false;
	char *dst, *ref;
	json_t *pushed, *mine;
	git_oid want, have;
	bool exists;

	for (size_t k = 2; k < c->n; k++) {
		const char *w = c->w[k].text;
		if (strcmp(w, "-u") == 0 || strcmp(w, "--set-upstream") == 0)
			upstream = true;
		else if (strcmp(w, "-f") == 0 || strcmp(w, "--force") == 0)
			force = true;
		else if (w[0] == '-')
			continue;
		else if (remote == NULL)
			remote = w;
		else if (spec == NULL)
			spec = w;
	}
	if (remote == NULL)
		remote = "origin";
	if (strcmp(remote, "origin") != 0) {
		say(s, "fatal: '%s' does not appear to be a git repository",
		    remote);
		return 128;
	}
	if (spec == NULL)
		spec = g->branch ? g->branch : "HEAD";
	dst = strchr(spec, ':') ? xstrdup(strchr(spec, ':') + 1) :
	    xstrdup(spec);
	local = strchr(spec, ':') ? NULL : spec;
	mine = local ? json_object_get(g->branches, local) : NULL;
	if (mine == NULL || strcmp(dst, "HEAD") == 0) {
		say(s, "error: src refspec %s does not match any", spec);
		say(s, "error: failed to push some refs to '%s'",
		    s->co[i].url);
		free(dst);
		return 1;
	}
	if (!s->co[i].push) {
		say(s, "fatal: could not read Username for '%s': terminal "
		    "prompts disabled", s->co[i].url);
		free(dst);
		return 128;
	}
	ref = strncmp(dst, "refs/", 5) == 0 ? xstrdup(dst) :
	    xasprintf("refs/heads/%s", dst);
	pushed = json_object_get(s->pushes, s->co[i].name);
	git_oid_fromstr(&want, json_string_value(mine));
	if (json_is_string(json_object_get(pushed, ref)))
		exists = git_oid_fromstr(&have, json_string_value(
		    json_object_get(pushed, ref))) == 0;
	else
		exists = git_reference_name_to_id(&have, s->co[i].repo, ref)
		    == 0;
	say(s, "To %s", s->co[i].url);
	if (exists && !force && !git_oid_equal(&have, &want) &&
	    git_graph_descendant_of(s->co[i].repo, &want, &have) != 1) {
		say(s, " ! [rejected]        %s -> %s (non-fast-forward)",
		    local, dst);
		say(s, "error: failed to push some refs to '%s'",
		    s->co[i].url);
		free(ref);
		free(dst);
		return 1;
	}
	if (pushed == NULL) {
		pushed = json_object();
		json_object_set_new(s->pushes, s->co[i].name, pushed);
	}
	json_object_set(pushed, ref, mine);
	if (!exists)
		say(s, " * [new branch]      %s -> %s", local, dst);
	else
		say(s, "   %.7s..%.7s  %s -> %s", git_oid_tostr_s(&have),
		    json_string_value(mine), local, dst);
	if (upstream)
		say(s, "branch '%s' set up to track 'origin/%s'.", local, dst);
	free(ref);
	free(dst);
	return 0;
}

static int
cmd_git(struct sh *s, struct cmd *c)
{
	const char *sub = c->n > 1 ? c->w[1].text : "";
	int i;

	if (strcmp(sub, "config") == 0) {
		size_t k = 2;
		if (k < c->n && c->w[k].text[0] == '-')
			k++;
		if (k + 1 < c->n && strcmp(c->w[k].text, "user.email") == 0) {
			free(s->email);
			s->email = xstrdup(c->w[k + 1].text);
		} else if (k + 1 < c->n && strcmp(c->w[k].text,
		    "user.name") == 0) {
			free(s->user);
			s->user = xstrdup(c->w[k + 1].text);
		}
		return 0;
	}
	if ((i = checkout_here(s)) < 0) {
		say(s, "fatal: not a git repository (or any of the parent "
		    "directories): .git");
		return 128;
	}
	if (strcmp(sub, "checkout") == 0 && c->n == 4 &&
	    strcmp(c->w[2].text, "-b") == 0) {
		struct gitstate *g = &s->g[i];
		char hex[GIT_OID_HEXSZ + 1] = "";
		if (json_object_get(g->branches, c->w[3].text) != NULL) {
			say(s, "fatal: a branch named '%s' already exists",
			    c->w[3].text);
			return 128;
		}
		if (!g->has_head) {
			say(s, "Switched to a new branch '%s'", c->w[3].text);
			free(g->branch);
			g->branch = xstrdup(c->w[3].text);
			return 0;
		}
		git_oid_tostr(hex, sizeof hex, &g->head);
		json_object_set_new(g->branches, c->w[3].text,
		    json_string(hex));
		free(g->branch);
		g->branch = xstrdup(c->w[3].text);
		say(s, "Switched to a new branch '%s'", g->branch);
		return 0;
	}
	if (strcmp(sub, "add") == 0)
		return do_add(s, (size_t)i, c);
	if (strcmp(sub, "commit") == 0)
		return do_commit(s, (size_t)i, c);
	if (strcmp(sub, "push") == 0)
		return do_push(s, (size_t)i, c);
	if (strcmp(sub, "remote") == 0) {
		if (c->n > 2 && strcmp(c->w[2].text, "-v") == 0) {
			say(s, "origin\t%s (fetch)", s->co[i].url);
			say(s, "origin\t%s (push)", s->co[i].url);
		} else
			say(s, "origin");
		return 0;
	}
	say(s, "git: '%s' is not a git command the sandbox runs", sub);
	return 1;
}

/* ---- the script ------------------------------------------------------ */

static bool
test_expr(struct cmd *c, size_t from, size_t to)
{
	size_t n = to - from;
	const char *a, *op, *b;

	if (n == 2 && strcmp(c->w[from].text, "-n") == 0)
		return c->w[from + 1].text[0] != '\0';
	if (n == 2 && strcmp(c->w[from].text, "-z") == 0)
		return c->w[from + 1].text[0] == '\0';
	if (n == 1)
		return c->w[from].text[0] != '\0';
	if (n != 3)
		return false;
	a = c->w[from].text;
	op = c->w[from + 1].text;
	b = c->w[from + 2].text;
	if (strcmp(op, "==") == 0 || strcmp(op, "=") == 0)
		return strcmp(a, b) == 0;
	if (strcmp(op, "!=") == 0)
		return strcmp(a, b) != 0;
	return false;
}

/* Whether w is NAME=VALUE, NAME a shell variable name. */
static bool
is_assignment(const char *w)
{
	const char *eq = strchr(w, '=');

	return eq != NULL && eq > w && !isdigit((unsigned char)w[0]) &&
	    strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_") == (size_t)(eq - w);
}

/* Run one simple command (words from first on); its exit status. */
static int
run(struct sh *s, struct cmd *c)
{
	const char *w = c->n ? c->w[0].text : "";
	const char *eq;

	if (c->n == 0)
		return s->status;
	/* Only assignments (a=1 b=2): bash sets each, left to right. */
	for (size_t i = 0; i < c->n && is_assignment(c->w[i].text); i++)
		if (i + 1 == c->n) {
			for (size_t k = 0; k < c->n; k++) {
				w = c->w[k].text;
				eq = strchr(w, '=');
				char *name = xstrndup(w, (size_t)(eq - w));
				json_object_set_new(s->vars, name,
				    json_string(eq + 1));
				free(name);
			}
			return 0;
		}
	if (strcmp(w, "[[") == 0 || strcmp(w, "[") == 0) {
		const char *close = w[1] ? "]]" : "]";
		if (strcmp(c->w[c->n - 1].text, close) != 0) {
			say(s, "%s: line %d: syntax error: missing '%s'",
			    s->name, s->line, close);
			return 2;
		}
		return test_expr(c, 1, c->n - 1) ? 0 : 1;
	}
	globs(s, c);
	w = c->w[0].text;
	if (strcmp(w, "echo") == 0) {
		char *text = xstrdup("");
		for (size_t i = 1; i < c->n; i++) {
			char *next = xasprintf("%s%s%s", text, i > 1 ? " " : "",
			    c->w[i].text);
			free(text);
			text = next;
		}
		say(s, "%s", text);
		free(text);
		return 0;
	}
	if (strcmp(w, "true") == 0 || strcmp(w, ":") == 0)
		return 0;
	if (strcmp(w, "false") == 0)
		return 1;
	if (strcmp(w, "set") == 0) {
		for (size_t i = 1; i < c->n; i++)
			if (c->w[i].text[0] == '-' && strchr(c->w[i].text, 'e'))
				s->errexit = true;
			else if (c->w[i].text[0] == '+' &&
			    strchr(c->w[i].text, 'e'))
				s->errexit = false;
		return 0;
	}
	if (strcmp(w, "exit") == 0) {
		s->exited = true;
		return c->n > 1 ? atoi(c->w[1].text) & 255 : s->status;
	}
	if (strcmp(w, "cd") == 0)
		return cmd_cd(s, c);
	if (strcmp(w, "mkdir") == 0)
		return cmd_mkdir(s, c);
	if (strcmp(w, "rm") == 0)
		return cmd_rm(s, c);
	if (strcmp(w, "cp") == 0)
		return cmd_cp(s, c);
	if (strcmp(w, "mv") == 0)
		return cmd_mv(s, c);
	if (strcmp(w, "git") == 0)
		return cmd_git(s, c);
	say(s, "%s: line %d: %s: command not found", s->name, s->line, w);
	return 127;
}

struct frame {
	bool outer;            /* the enclosing block runs */
	bool taken;            /* this branch's condition held */
};

int
shell_run(const char *script, size_t len, const char *name,
    const char *const *args, size_t nargs,
    const struct shell_checkout *checkouts, size_t ncheckouts,
    json_t *out, json_t *pushes)
{
	struct sh s = { .co = checkouts, .nco = ncheckouts, .args = args,
		.nargs = nargs, .out = out, .pushes = pushes, .name = name };
	struct frame stack[16];
	size_t depth = 0;
	char *text = xstrndup(script, len), *line;

	s.root = json_object();
	s.vars = json_object();
	s.cwd = xstrdup("/");
	s.g = xcalloc(ncheckouts ? ncheckouts : 1, sizeof *s.g);
	for (size_t i = 0; i < ncheckouts; i++) {
		git_reference *ref = NULL;
		git_commit *commit = NULL;
		git_tree *tree = NULL;
		json_t *wt;

		s.g[i].branches = json_object();
		if (git_reference_name_to_id(&s.g[i].head, checkouts[i].repo,
		    checkouts[i].ref) == 0 && git_commit_lookup(&commit,
		    checkouts[i].repo, &s.g[i].head) == 0 &&
		    git_commit_tree(&tree, commit) == 0) {
			s.g[i].has_head = true;
			wt = load_tree(checkouts[i].repo, tree, i);
		} else
			wt = json_object();
		s.g[i].index = json_deep_copy(wt);
		json_object_set_new(s.root, checkouts[i].name, wt);
		git_tree_free(tree);
		git_commit_free(commit);
		git_reference_free(ref);
	}

	/* Line by line; a backslash at the end joins the next line. */
	for (char *p = text; (p = strstr(p, "\\\n")) != NULL; )
		memmove(p, p + 2, strlen(p + 2) + 1);
	s.line = 0;
	for (char *rest = text; !s.exited && (line = strsep(&rest, "\n"))
	    != NULL; ) {
		struct cmd *cmds = NULL;
		size_t n;
		int prev = ';';

		s.line++;
		n = parse_line(&s, line, &cmds);
		for (size_t k = 0; k < n; k++) {
			struct cmd *c = &cmds[k];
			bool active;

			/* The words that open, turn or close a block. */
			while (c->n > 0) {
				const char *w = c->w[0].text;
				if (strcmp(w, "else") == 0 && depth > 0)
					stack[depth - 1].taken =
					    !stack[depth - 1].taken;
				else if (strcmp(w, "fi") == 0 && depth > 0)
					depth--;
				else if (strcmp(w, "then") != 0 &&
				    strcmp(w, "do") != 0)
					break;
				drop_first(c);
			}
			active = depth == 0 || (stack[depth - 1].outer &&
			    stack[depth - 1].taken);
			if (c->n > 0 && strcmp(c->w[0].text, "if") == 0 &&
			    depth < sizeof stack / sizeof *stack) {
				int st = 1;
				drop_first(c);
				if (active)
					st = run(&s, c);
				stack[depth].outer = active;
				stack[depth++].taken = st == 0;
				prev = c->sep;
				continue;
			}
			if (c->n == 0 || !active ||
			    (prev == '&' && s.status != 0) ||
			    (prev == '|' && s.status == 0)) {
				prev = c->sep;
				continue;
			}
			s.status = run(&s, c);
			if ((s.errexit && s.status != 0 && c->sep == ';') ||
			    s.exited) {
				s.exited = true;
				break;
			}
			prev = c->sep;
		}
		for (size_t k = 0; k < n; k++)
			free_cmd(&cmds[k]);
		free(cmds);
	}

	for (size_t i = 0; i < ncheckouts; i++) {
		json_decref(s.g[i].branches);
		json_decref(s.g[i].index);
		free(s.g[i].branch);
	}
	free(s.g);
	free(s.email);
	free(s.user);
	free(s.cwd);
	json_decref(s.vars);
	json_decref(s.root);
	free(text);
	return s.status;
}
