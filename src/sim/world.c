/* The sandbox world: a JSON tree, a mutex, atomic saves. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "sim/cloud.h"
#include "sim/security.h"
#include "paths.h"
#include "sim/world.h"
#include "xalloc.h"

#define WORLD_FORMAT 1
#define WORLD_MAX_BYTES (64u << 20)

struct world {
	pthread_mutex_t lock;
	json_t *root;
	char *path;          /* NULL: not saved */
	char *organization;
	char *pat;
	char *repos_dir;
	bool repos_temporary; /* removed at close */
	char *accelerator;    /* NULL: imports serve the stand-ins */
};

long long
world_now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void
random_bytes(unsigned char *buf, size_t len)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd == -1 || read(fd, buf, len) != (ssize_t)len) {
		fprintf(stderr, "mlops-tui: cannot read /dev/urandom\n");
		abort();
	}
	close(fd);
}

char *
world_new_guid(void)
{
	unsigned char b[16];

	random_bytes(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* variant 1 */
	return xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* A PAT shaped like Azure DevOps's: 52 characters of lowercase base32. */
static char *
new_pat(void)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char b[52];
	char *pat = xmalloc(sizeof b + 1);

	random_bytes(b, sizeof b);
	for (size_t i = 0; i < sizeof b; i++)
		pat[i] = alphabet[b[i] & 31];
	pat[sizeof b] = '\0';
	return pat;
}

/* The system processes every organization has (ids are the real ones). */
static json_t *
system_processes(void)
{
	static const struct {
		const char *id, *name, *description;
		int is_default;
	} p[] = {
		{ "adcc42ab-9882-485e-a3ed-7678f01f66bc", "Agile",
		    "This template is flexible and will work great for most "
		    "teams using Agile planning methods.", 1 },
		{ "b8a3a935-7e91-48b8-a94c-606d37c3e9f2", "Basic",
		    "This template is the simplest to start with.", 0 },
		{ "6b724908-ef14-45cf-84f8-768b5384da45", "Scrum",
		    "This template is for teams who follow the Scrum "
		    "framework.", 0 },
		{ "27450541-8e31-4150-9947-dc59f998fc01", "CMMI",
		    "This template is for more formal projects requiring a "
		    "framework for process improvement.", 0 },
	};
	json_t *list = json_array();

	for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b, "
		    "s:s}", "id", p[i].id, "name", p[i].name, "description",
		    p[i].description, "isDefault", p[i].is_default, "type",
		    "system"));
	return list;
}

static json_t *
new_world(const char *org)
{
	char *instance = world_new_guid(), *user = world_new_guid();
	char *pat = new_pat();
	json_t *root;

	root = json_pack("{s:i, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:o}",
	    "format", WORLD_FORMAT,
	    "organization", org,
	    "instance_id", instance,
	    "pat", pat,
	    "user", "id", user, "displayName", "Sandbox Operator",
	    "uniqueName", "operator@sandbox.example",
	    "processes", system_processes());
	json_object_set_new(root, "projects", json_array());
	json_object_set_new(root, "operations", json_array());
	json_object_set_new(root, "repositories", json_array());
	json_object_set_new(root, "imports", json_array());
	json_object_set_new(root, "queues", json_array());
	json_object_set_new(root, "environments", json_array());
	json_object_set_new(root, "endpoints", json_array());
	json_object_set_new(root, "permits", json_object());
	json_object_set_new(root, "definitions", json_array());
	json_object_set_new(root, "folders", json_array());
	json_object_set_new(root, "builds", json_array());
	json_object_set_new(root, "azure", json_object());
	json_object_set_new(root, "counters", json_pack("{s:i, s:i, s:i, s:i, "
	    "s:i, s:i}", "import", 1, "push", 1, "queue", 1, "environment", 1,
	    "definition", 1, "build", 1));
	/* What a new organization has: hosted parallelism granted, no
	 * extension installed, a full-access PAT (pat_scopes null) that the
	 * organization accepts (pats_restricted false); tests and pitfalls
	 * change these. */
	json_object_set_new(root, "settings", json_pack("{s:f, s:s, s:b, s:[], "
	    "s:[s], s:[], s:[], s:b, s:b, s:n, s:b}", "time_scale", 1.0,
	    "import_default_branch", "main", "hosted_parallelism", 1,
	    "installed_extensions", "retired_images", "ubuntu-20.04",
	    "taken_names", "soft_deleted_names", "secrets_expired", 0,
	    "quota_exhausted", 0, "pat_scopes", "pats_restricted", 0));
	security_new_world(root);
	cloud_new_world(root);
	free(instance);
	free(user);
	free(pat);
	return root;
}

static int
load_world(json_t **out, const char *path, char **cause)
{
	json_error_t error;
	char *text = NULL;
	size_t len;
	int rc = atomicfile_read(path, WORLD_MAX_BYTES, &text, &len, cause);

	if (rc != 0)
		return rc;
	*out = json_loadb(text, len, 0, &error);
	free(text);
	if (*out == NULL || !json_is_object(*out) ||
	    json_integer_value(json_object_get(*out, "format")) !=
	    WORLD_FORMAT || !json_is_string(json_object_get(*out, "pat"))) {
		set_cause(cause, "%s: not a sandbox world this version reads "
		    "(%s); it was left as it is: start with --reset to "
		    "replace it, or name another --world", path,
		    *out == NULL ? error.text : "wrong format");
		json_decref(*out);
		return -1;
	}
	return 0;
}

static int
save_world(struct world *w, char **cause)
{
	char *text;
	int rc;

	if (w->path == NULL)
		return 0;
	text = json_dumps(w->root, JSON_INDENT(1));
	rc = atomicfile_write(w->path, text, strlen(text), 0600, 1, cause);
	free(text);
	return rc;
}

static int
make_repos_dir(struct world *w, bool reset, char **cause)
{
	if (w->path == NULL) {
		w->repos_dir = xstrdup("/tmp/mlops-tui-sandbox.XXXXXX");
		w->repos_temporary = true;
		if (mkdtemp(w->repos_dir) != NULL)
			return 0;
	} else {
		w->repos_dir = xasprintf("%s.repos", w->path);
		if (reset)
			paths_remove_tree(w->repos_dir);
		if (mkdir(w->repos_dir, 0700) == 0 || errno == EEXIST)
			return 0;
	}
	set_cause(cause, "%s: cannot create: %s", w->repos_dir,
	    strerror(errno));
	return -1;
}

/* ---- what an interrupted run left ---------------------------------- */

/* Whether name is one of atomicfile_write's temporaries for the file
 * base: "BASE.tmp.XXXXXX" (mkstemp's six) or "BASE.bak.tmp". */
static bool
is_temporary_of(const char *name, const char *base)
{
	size_t n = strlen(base);

	if (strncmp(name, base, n) != 0)
		return false;
	name += n;
	return strcmp(name, ".bak.tmp") == 0 || (strncmp(name, ".tmp.", 5) ==
	    0 && strlen(name + 5) == 6 && strchr(name + 5, '/') == NULL);
}

/* Unlink dir/name when it is a regular file of ours, never a link's
 * target nor another user's file. */
static int
unlink_own_file(DIR *dir, const char *name)
{
	struct stat st;

	if (fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(st.st_mode) || st.st_uid != geteuid())
		return 0;
	return unlinkat(dirfd(dir), name, 0) == 0;
}

/*
 * A SIGKILL between mkstemp and rename leaves the world's temporary
 * beside it, one more each time. Nothing else writes them, and a world
 * has one sandbox at a time, so any found at the start are stale.
 */
static int
remove_stale_temporaries(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dirname = slash ? xstrndup(path, (size_t)(slash - path + 1)) :
	    xstrdup(".");
	DIR *dir = opendir(dirname);
	struct dirent *e;
	int removed = 0;

	while (dir != NULL && (e = readdir(dir)) != NULL)
		if (is_temporary_of(e->d_name, slash ? slash + 1 : path))
			removed += unlink_own_file(dir, e->d_name);
	if (dir != NULL)
		closedir(dir);
	free(dirname);
	return removed;
}

/* A repository's directory name: its id, a GUID, and ".git". */
static bool
is_repository_name(const char *name)
{
	return strlen(name) == 40 && strcmp(name + 36, ".git") == 0 &&
	    strspn(name, "0123456789abcdef-") == 36;
}

/*
 * A repository is made on disk before the world that lists it is saved,
 * and a push's body waits in a file while git reads it: a SIGKILL in
 * between leaves a repository no one can reach, under an id that is
 * never made again, and a body file. Both go.
 */
static int
remove_orphans(struct world *w)
{
	json_t *repos = json_object_get(w->root, "repositories");
	DIR *dir = opendir(w->repos_dir);
	struct dirent *e;
	char *id, *path;
	int removed = 0;

	while (dir != NULL && (e = readdir(dir)) != NULL) {
		if (strncmp(e->d_name, ".body.", 6) == 0) {
			removed += unlink_own_file(dir, e->d_name);
			continue;
		}
		if (!is_repository_name(e->d_name))
			continue;
		id = xstrndup(e->d_name, 36);
		if (world_find(repos, "id", id) == NULL) {
			path = xasprintf("%s/%s", w->repos_dir, e->d_name);
			paths_remove_tree(path);
			free(path);
			removed++;
		}
		free(id);
	}
	if (dir != NULL)
		closedir(dir);
	return removed;
}

static void
clean_leftovers(struct world *w, bool reset)
{
	int temporaries, orphans = 0;

	if (w->path == NULL)
		return;
	temporaries = remove_stale_temporaries(w->path);
	if (!reset)
		orphans = remove_orphans(w);
	if (temporaries + orphans > 0)
		fprintf(stderr, "mlops-tui sim: removed %d leftover%s of an "
		    "interrupted run (temporary world files, push bodies, "
		    "repositories the world does not list)\n", temporaries +
		    orphans, temporaries + orphans == 1 ? "" : "s");
}

int
world_open(struct world **out, const char *path, const char *org,
    bool reset, char **cause)
{
	struct world *w = xcalloc(1, sizeof *w);
	int rc = ATOMICFILE_ENOENT;

	if (path != NULL && !reset)
		rc = load_world(&w->root, path, cause);
	if (rc == -1) {
		free(w);
		return -1;
	}
	if (rc == ATOMICFILE_ENOENT)
		w->root = new_world(org);
	w->path = xstrdup_or_null(path);
	w->organization = xstrdup(json_string_value(
	    json_object_get(w->root, "organization")));
	w->pat = xstrdup(json_string_value(json_object_get(w->root, "pat")));
	pthread_mutex_init(&w->lock, NULL);
	if (make_repos_dir(w, reset, cause) == -1 ||
	    (rc == ATOMICFILE_ENOENT && save_world(w, cause) == -1)) {
		world_close(w);
		return -1;
	}
	clean_leftovers(w, reset);
	*out = w;
	return 0;
}

void
world_close(struct world *w)
{
	if (w == NULL)
		return;
	pthread_mutex_destroy(&w->lock);
	json_decref(w->root);
	if (w->repos_temporary)
		paths_remove_tree(w->repos_dir);
	free(w->repos_dir);
	free(w->accelerator);
	free(w->path);
	free(w->organization);
	free(w->pat);
	free(w);
}

json_t *
world_lock(struct world *w)
{
	pthread_mutex_lock(&w->lock);
	return w->root;
}

void
world_unlock(struct world *w, bool changed)
{
	char *cause = NULL;

	if (changed && save_world(w, &cause) == -1) {
		fprintf(stderr, "mlops-tui sim: %s\n", cause);
		free(cause);
	}
	pthread_mutex_unlock(&w->lock);
}

const char *
world_organization(const struct world *w)
{
	return w->organization;
}

void
world_set_accelerator(struct world *w, const char *dir)
{
	free(w->accelerator);
	w->accelerator = xstrdup_or_null(dir);
}

const char *
world_accelerator(const struct world *w)
{
	return w->accelerator;
}

const char *
world_repos_dir(const struct world *w)
{
	return w->repos_dir;
}

const char *
world_pat(const struct world *w)
{
	return w->pat;
}

long long
world_scaled_ms(json_t *root, long long ms)
{
	double scale = json_number_value(json_object_get(
	    json_object_get(root, "settings"), "time_scale"));

	return (long long)((double)ms * (scale < 0 ? 0 : scale));
}

json_t *
world_find(json_t *list, const char *key, const char *value)
{
	const char *v;
	json_t *item;
	size_t i;

	if (value == NULL)
		return NULL;
	json_array_foreach(list, i, item) {
		v = json_string_value(json_object_get(item, key));
		if (v != NULL && strcasecmp(v, value) == 0)
			return item;
	}
	return NULL;
}

json_t *
world_project(json_t *root, const char *name_or_id)
{
	json_t *projects = json_object_get(root, "projects");
	json_t *p = world_find(projects, "id", name_or_id);

	return p != NULL ? p : world_find(projects, "name", name_or_id);
}

long long
world_next(json_t *root, const char *counter)
{
	json_t *counters = json_object_get(root, "counters");
	long long n = json_integer_value(json_object_get(counters, counter));

	json_object_set_new(counters, counter, json_integer(n + 1));
	return n;
}
