/*
 * Git over smart HTTP for the sandbox's repositories, served by git's own
 * `git http-backend` as a CGI program: {project}/_git/{repository}/...
 * The child gets a fresh environment that holds no credential.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <git2.h>

#include "sim/handlers.h"
#include "sim/security.h"
#include "xalloc.h"

#define CGI_MAX_OUTPUT (256u << 20)

bool
githttp_handles(const char *path)
{
	const char *slash = strchr(path, '/');

	return slash != NULL && strncasecmp(slash, "/_git/", 6) == 0;
}

/* Split "{project}/_git/{repo}/{rest}"; the strings are owned by caller. */
static bool
split_path(const char *path, char **project, char **repo, const char **rest)
{
	const char *slash = strchr(path, '/'), *name = slash + 6, *end;

	end = strchr(name, '/');
	if (end == NULL || end == name)
		return false;
	*project = xstrndup(path, (size_t)(slash - path));
	*repo = xstrndup(name, (size_t)(end - name));
	*rest = end;
	return true;
}

/* The repository record and its project; NULL when either is missing. */
static json_t *
find(json_t *root, const char *project_name, const char *repo_name)
{
	json_t *project = world_project(root, project_name), *r;
	size_t i;

	if (project == NULL)
		return NULL;
	json_array_foreach(json_object_get(root, "repositories"), i, r)
		if (json_equal(json_object_get(r, "project_id"),
		    json_object_get(project, "id")) &&
		    (strcasecmp(json_string_value(json_object_get(r, "name")),
		    repo_name) == 0 || strcasecmp(json_string_value(
		    json_object_get(r, "id")), repo_name) == 0))
			return r;
	return NULL;
}

static char *
env_entry(const char *name, const char *value)
{
	return xasprintf("%s=%s", name, value != NULL ? value : "");
}

/* The CGI environment: only what http-backend needs, never a secret. */
static char **
cgi_environment(struct exchange *x, const char *repo_id, const char *rest)
{
	char **env = xcalloc(16, sizeof *env);
	char *info = xasprintf("/%s.git%s", repo_id, rest);
	char *length = xasprintf("%zu", x->raw_len);
	const char *service = exchange_query(x, "service");
	char *query = service ? xasprintf("service=%s", service) : xstrdup("");
	size_t n = 0;

	env[n++] = env_entry("GIT_PROJECT_ROOT", world_repos_dir(x->world));
	env[n++] = env_entry("GIT_HTTP_EXPORT_ALL", "1");
	env[n++] = env_entry("GIT_CONFIG_NOSYSTEM", "1");
	env[n++] = env_entry("HOME", world_repos_dir(x->world));
	env[n++] = env_entry("PATH", "/usr/local/bin:/usr/bin:/bin");
	env[n++] = env_entry("PATH_INFO", info);
	env[n++] = env_entry("REQUEST_METHOD", x->method);
	env[n++] = env_entry("QUERY_STRING", query);
	env[n++] = env_entry("CONTENT_TYPE", exchange_header(x,
	    "Content-Type"));
	env[n++] = env_entry("CONTENT_LENGTH", length);
	env[n++] = env_entry("HTTP_CONTENT_ENCODING", exchange_header(x,
	    "Content-Encoding"));
	env[n++] = env_entry("GIT_PROTOCOL", exchange_header(x,
	    "Git-Protocol"));
	env[n++] = env_entry("REMOTE_USER", "operator");
	env[n++] = env_entry("REMOTE_ADDR", "127.0.0.1");
	free(query);
	free(length);
	free(info);
	return env;
}

static void
free_environment(char **env)
{
	for (size_t i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(env);
}

/* The request body as a file the child reads as its standard input. */
static int
body_file(struct exchange *x)
{
	char *path = xasprintf("%s/.body.XXXXXX", world_repos_dir(x->world));
	int fd = mkstemp(path);

	if (fd != -1) {
		unlink(path);
		if (write(fd, x->raw_body ? x->raw_body : "", x->raw_len) !=
		    (ssize_t)x->raw_len || lseek(fd, 0, SEEK_SET) != 0) {
			close(fd);
			fd = -1;
		}
	}
	free(path);
	return fd;
}

/* Run http-backend; *out is everything it wrote. Returns 0 or -1. */
static int
run_backend(char **env, int in, char **out, size_t *len)
{
	char *const argv[] = { "git", "http-backend", NULL };
	posix_spawn_file_actions_t fa;
	size_t cap = 65536;
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) == -1)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	if (posix_spawnp(&pid, "git", &fa, NULL, argv, env) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	*out = xmalloc(cap);
	*len = 0;
	while ((n = read(pipefd[0], *out + *len, cap - *len)) > 0 ||
	    (n == -1 && errno == EINTR)) {
		if (n > 0 && (*len += (size_t)n) == cap && cap < CGI_MAX_OUTPUT)
			*out = xrealloc(*out, cap *= 2);
	}
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	return 0;
}

/* Turn the CGI output (headers, blank line, body) into the reply. */
static void
reply_from_cgi(struct exchange *x, const char *out, size_t len)
{
	const char *p = out, *end = out + len, *eol, *body = NULL;
	char *type = NULL;
	int status = 200;

	while (p < end && (eol = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		size_t n = (size_t)(eol - p) - (eol > p && eol[-1] == '\r');

		if (n == 0) {
			body = eol + 1;
			break;
		}
		if (strncasecmp(p, "Status:", 7) == 0)
			status = atoi(p + 7);
		else if (strncasecmp(p, "Content-Type:", 13) == 0) {
			free(type);
			type = xstrndup(p + 14, n - 14);
		}
		p = eol + 1;
	}
	if (body == NULL)
		exchange_error(x, 500, "GitServerException",
		    "git http-backend gave no answer.");
	else
		exchange_raw(x, status, type ? type : "text/plain", body,
		    (size_t)(end - body));
	free(type);
}

/* The branch a first push makes the default: main, else the first one. */
static char *
first_branch(const char *path)
{
	git_repository *r = NULL;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	char *name = NULL;

	if (git_repository_open_bare(&r, path) != 0)
		return NULL;
	if (git_reference_lookup(&ref, r, "refs/heads/main") == 0)
		name = xstrdup("refs/heads/main");
	else if (git_reference_iterator_glob_new(&it, r, "refs/heads/*") == 0 &&
	    git_reference_next(&ref, it) == 0)
		name = xstrdup(git_reference_name(ref));
	git_reference_free(ref);
	git_reference_iterator_free(it);
	git_repository_free(r);
	return name;
}

static void
set_head(const char *path, const char *branch)
{
	git_repository *r = NULL;

	if (git_repository_open_bare(&r, path) == 0)
		git_repository_set_head(r, branch);
	git_repository_free(r);
}

/* After a push, an empty repository gets its first branch as default. */
static void
note_default_branch(struct exchange *x, const char *project,
    const char *name)
{
	json_t *root = world_lock(x->world), *repo = find(root, project, name);
	bool changed = false;
	char *path, *branch;

	if (repo != NULL && !json_is_string(json_object_get(repo,
	    "default_branch"))) {
		path = xasprintf("%s/%s.git", world_repos_dir(x->world),
		    json_string_value(json_object_get(repo, "id")));
		branch = first_branch(path);
		if (branch != NULL) {
			/* http-backend's HEAD already names the pushed main;
			 * other branches need it set, as the REST side does. */
			json_object_set_new(repo, "default_branch",
			    json_string(branch));
			set_head(path, branch);
			changed = true;
		}
		free(branch);
		free(path);
	}
	world_unlock(x->world, changed);
}

/*
 * The Git Repositories permissions a request needs: reading for a fetch;
 * for a push, per ref update in the pkt-lines at the start of the body,
 * Contribute, Create branch for a new ref, Force push to delete one.
 */
static unsigned
needed_bits(struct exchange *x, const char *rest)
{
	static const char zero[] = "0000000000000000000000000000000000000000";
	const char *service = exchange_query(x, "service");
	const char *p = x->raw_body, *end = p ? p + x->raw_len : NULL;
	unsigned bits = 0;
	char len_text[5];

	if (strcmp(rest, "/git-receive-pack") != 0 && (service == NULL ||
	    strcmp(service, "git-receive-pack") != 0))
		return GIT_GENERIC_READ;
	if (service != NULL)
		return GIT_GENERIC_READ; /* the ref advertisement */
	while (p != NULL && end - p >= 4) {
		memcpy(len_text, p, 4);
		len_text[4] = '\0';
		long len = strtol(len_text, NULL, 16);
		if (len < 4 || len > end - p)
			break; /* 0000 ends the commands */
		if (len >= 4 + 82) {
			bits |= GIT_GENERIC_CONTRIBUTE;
			if (memcmp(p + 4, zero, 40) == 0)
				bits |= GIT_CREATE_BRANCH;
			if (memcmp(p + 45, zero, 40) == 0)
				bits |= GIT_FORCE_PUSH;
		}
		p += len;
	}
	return bits ? bits : GIT_GENERIC_CONTRIBUTE;
}

void
handle_git_http(struct exchange *x)
{
	char *project = NULL, *name = NULL, *out = NULL, **env, *id = NULL;
	char *denial = NULL;
	const char *rest;
	size_t len = 0;
	json_t *root, *repo;
	int in;

	if (!split_path(x->path, &project, &name, &rest)) {
		exchange_error(x, 404, "GitRepositoryNotFoundException",
		    "TF401019: The Git repository does not exist.");
		return;
	}
	root = world_lock(x->world);
	repo = find(root, project, name);
	if (repo != NULL) {
		id = xstrdup(json_string_value(json_object_get(repo, "id")));
		denial = security_git_denial(root, security_operator(root),
		    json_string_value(json_object_get(repo, "project_id")), id,
		    needed_bits(x, rest));
	}
	world_unlock(x->world, false);
	if (denial != NULL) {
		char *text = xasprintf("%s\n", denial);
		exchange_raw(x, 403, "text/plain; charset=utf-8", text,
		    strlen(text));
		free(text);
	} else if (id == NULL) {
		exchange_error(x, 404, "GitRepositoryNotFoundException",
		    "TF401019: The Git repository with name or identifier %s "
		    "does not exist or you do not have permissions for the "
		    "operation you are attempting.", name);
	} else if ((in = body_file(x)) == -1) {
		exchange_error(x, 500, "GitServerException",
		    "The request body could not be stored.");
	} else {
		env = cgi_environment(x, id, rest);
		if (run_backend(env, in, &out, &len) == 0)
			reply_from_cgi(x, out, len);
		else
			exchange_error(x, 500, "GitServerException",
			    "git http-backend could not run.");
		close(in);
		free_environment(env);
		if (strcmp(rest, "/git-receive-pack") == 0)
			note_default_branch(x, project, name);
	}
	free(denial);
	free(out);
	free(id);
	free(name);
	free(project);
}
