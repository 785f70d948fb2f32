/*
 * The sandbox's git area: repositories (bare git repositories on disk,
 * handled with libgit2), import requests that fill an empty repository
 * from the sandbox's stand-ins for the three accelerator repositories,
 * refs, items and pushes - with the real statuses and errors.
 */
#include "config.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "atomicfile.h"
#include "paths.h"
#include "sim/handlers.h"
#include "sim/security.h"
#include "timefmt.h"
#include "xalloc.h"

#define ZERO_OID "0000000000000000000000000000000000000000"
#define IMPORT_START_MS 500
#define IMPORT_DONE_MS 6000

/* ---- helpers -------------------------------------------------------- */

static void
git_failed(struct exchange *x, const char *what)
{
	const git_error *e = git_error_last();

	exchange_error(x, 500, "GitServerException", "%s: %s", what,
	    e != NULL ? e->message : "unknown error");
}

static char *
repo_path(struct exchange *x, json_t *repo)
{
	return xasprintf("%s/%s.git", world_repos_dir(x->world),
	    json_string_value(json_object_get(repo, "id")));
}

static git_repository *
open_repo(struct exchange *x, json_t *repo)
{
	char *path = repo_path(x, repo);
	git_repository *r = NULL;

	if (git_repository_open_bare(&r, path) != 0)
		r = NULL;
	free(path);
	return r;
}

static void
not_found_repository(struct exchange *x, const char *name)
{
	exchange_error(x, 404, "GitRepositoryNotFoundException",
	    "TF401019: The Git repository with name or identifier %s does not "
	    "exist or you do not have permissions for the operation you are "
	    "attempting.", name);
}

/* The repository {repositoryId} of project {project}; replies when not. */
static json_t *
find_repository(struct exchange *x, json_t *root, json_t **project)
{
	json_t *repos = json_object_get(root, "repositories"), *r;
	const char *project_id;
	size_t i;

	*project = world_project(root, x->params[0]);
	if (*project == NULL) {
		core_project_not_found(x, x->params[0]);
		return NULL;
	}
	project_id = json_string_value(json_object_get(*project, "id"));
	json_array_foreach(repos, i, r) {
		if (strcasecmp(json_string_value(json_object_get(r,
		    "project_id")), project_id) != 0)
			continue;
		if (strcasecmp(json_string_value(json_object_get(r, "id")),
		    x->params[1]) == 0 || strcasecmp(json_string_value(
		    json_object_get(r, "name")), x->params[1]) == 0)
			return r;
	}
	not_found_repository(x, x->params[1]);
	return NULL;
}

static _Thread_local long long bytes_seen;

static int
add_bytes(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (flag == FTW_F)
		bytes_seen += sb->st_size;
	return 0;
}

/* The repository's size: the bytes of its objects, 0 when empty. */
static json_int_t
repo_size(struct exchange *x, json_t *repo)
{
	char *path = repo_path(x, repo), *objects = xasprintf("%s/objects",
	    path);

	bytes_seen = 0;
	nftw(objects, add_bytes, 16, FTW_PHYS);
	free(objects);
	free(path);
	return (json_int_t)bytes_seen;
}

static json_t *
repo_json(struct exchange *x, json_t *root, json_t *repo)
{
	json_t *project = world_project(root, json_string_value(
	    json_object_get(repo, "project_id")));
	const char *id = json_string_value(json_object_get(repo, "id"));
	const char *name = json_string_value(json_object_get(repo, "name"));
	const char *pname = json_string_value(json_object_get(project, "name"));
	char *url = xasprintf("%s/%s/_apis/git/repositories/%s", x->base_url,
	    json_string_value(json_object_get(project, "id")), id);
	char *remote = xasprintf("%s/%s/_git/%s", x->base_url, pname, name);
	json_t *j = json_pack("{s:s, s:s, s:s, s:o, s:I, s:s, s:s, s:b, s:b}",
	    "id", id, "name", name, "url", url,
	    "project", core_project_reference(x, root, project),
	    "size", repo_size(x, repo), "remoteUrl", remote, "webUrl", remote,
	    "isDisabled", 0, "isInMaintenance", 0);
	json_t *branch = json_object_get(repo, "default_branch");

	if (json_is_string(branch))
		json_object_set(j, "defaultBranch", branch);
	free(remote);
	free(url);
	return j;
}

/* Point the bare repository's HEAD at its default branch, for clones. */
static void
sync_head(struct exchange *x, json_t *repo)
{
	const char *branch = json_string_value(json_object_get(repo,
	    "default_branch"));
	git_repository *r;

	if (branch == NULL || (r = open_repo(x, repo)) == NULL)
		return;
	git_repository_set_head(r, branch);
	git_repository_free(r);
}

/* Set the default branch; ref is "refs/heads/x", or "x" for a branch. */
static void
set_default_branch(struct exchange *x, json_t *repo, const char *ref)
{
	if (strncmp(ref, "refs/", 5) == 0)
		json_object_set_new(repo, "default_branch", json_string(ref));
	else
		json_object_set_new(repo, "default_branch",
		    json_sprintf("refs/heads/%s", ref));
	sync_head(x, repo);
}

json_t *
git_create_repository(struct exchange *x, json_t *root, json_t *project,
    const char *name)
{
	git_repository_init_options opts;
	char *id = world_new_guid(), *path;
	git_repository *r = NULL;
	json_t *repo = json_pack("{s:s, s:s, s:O, s:n, s:I}", "id", id,
	    "name", name, "project_id", json_object_get(project, "id"),
	    "default_branch", "created_ms", (json_int_t)world_now_ms());

	path = repo_path(x, repo);
	git_repository_init_options_init(&opts,
	    GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	opts.initial_head = "main";
	if (git_repository_init_ext(&r, path, &opts) != 0) {
		json_decref(repo);
		repo = NULL;
	} else {
		git_repository_free(r);
		json_array_append_new(json_object_get(root, "repositories"),
		    repo);
	}
	free(path);
	free(id);
	return repo;
}

/* ---- imports: the stand-ins for the accelerator repositories ------- */

/* The stand-in a GitHub clone URL names, or NULL for any other URL. */
static const char *
standin_for(const char *url)
{
	static const char *const names[] = { "mlops-v2",
		"mlops-project-template", "mlops-templates" };
	static const char prefix[] = "https://github.com/azure/";
	char *tail;
	size_t len;

	if (url == NULL || strncasecmp(url, prefix, sizeof prefix - 1) != 0)
		return NULL;
	tail = xstrdup(url + sizeof prefix - 1);
	len = strlen(tail);
	while (len > 0 && tail[len - 1] == '/')
		tail[--len] = '\0';
	if (len > 4 && strcasecmp(tail + len - 4, ".git") == 0)
		tail[len - 4] = '\0';
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(tail, names[i]) == 0) {
			free(tail);
			return names[i];
		}
	}
	free(tail);
	return NULL;
}

/*
 * Azure Repos takes files of up to 100 MB: "Files should be 100 MB or
 * less" (learn.microsoft.com/azure/devops/repos/git/limits, which also
 * caps one push at 5 GB and a repository at 250 GB). The wording of an
 * import that meets a larger file is not documented (ado-rest-contract.md
 * section 12 found none); ours names the file and the limit.
 */
#define MAX_IMPORT_FILE (100ull * 1000 * 1000)

/* One entry of a directory as a blob of r: its content, or a symbolic
 * link's target, with its git file mode; -1 with *error when refused. */
static int
blob_from_file(git_repository *r, const char *path, const char *shown,
    const struct stat *sb, git_oid *oid, git_filemode_t *mode, char **error)
{
	char *text = NULL, *cause = NULL, target[4096];
	size_t len;
	ssize_t n;
	int rc;

	if (S_ISLNK(sb->st_mode)) {
		n = readlink(path, target, sizeof target);
		if (n < 0 || (size_t)n >= sizeof target)
			return -1;
		*mode = GIT_FILEMODE_LINK;
		return git_blob_create_from_buffer(oid, r, target, (size_t)n);
	}
	if ((unsigned long long)sb->st_size > MAX_IMPORT_FILE) {
		*error = xasprintf("The file %s is %lld bytes; Azure Repos "
		    "takes files of up to 100 MB. Store it with Git LFS or "
		    "outside the repository.", shown, (long long)sb->st_size);
		return -1;
	}
	if (atomicfile_read(path, MAX_IMPORT_FILE, &text, &len, &cause) != 0) {
		*error = xasprintf("%s: %s", shown, cause);
		free(cause);
		return -1;
	}
	rc = git_blob_create_from_buffer(oid, r, text, len);
	*mode = (sb->st_mode & 0111) ? GIT_FILEMODE_BLOB_EXECUTABLE :
	    GIT_FILEMODE_BLOB;
	free(text);
	return rc;
}

/*
 * Write the directory dir as a tree into r; *out is its id, and *empty
 * tells that it holds no file (git keeps no empty directories). shown is
 * dir's path inside the repository, for errors.
 */
static int
tree_from_directory(git_repository *r, const char *dir, const char *shown,
    git_oid *out, bool *empty, char **error)
{
	git_treebuilder *tb = NULL;
	struct dirent *de;
	git_oid oid;
	git_filemode_t mode;
	struct stat sb;
	DIR *d = opendir(dir);
	int rc = 0;
	bool sub_empty;

	if (d == NULL || git_treebuilder_new(&tb, r, NULL) != 0) {
		if (d != NULL)
			closedir(d);
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char *path, *inside;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..")
		    == 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		inside = xasprintf("%s/%s", shown, de->d_name);
		if (lstat(path, &sb) != 0)
			rc = -1;
		else if (S_ISDIR(sb.st_mode)) {
			rc = tree_from_directory(r, path, inside, &oid,
			    &sub_empty, error);
			if (rc == 0 && !sub_empty)
				rc = git_treebuilder_insert(NULL, tb, de->d_name,
				    &oid, GIT_FILEMODE_TREE);
		} else {
			rc = blob_from_file(r, path, inside, &sb, &oid, &mode,
			    error);
			if (rc == 0)
				rc = git_treebuilder_insert(NULL, tb, de->d_name,
				    &oid, mode);
		}
		free(inside);
		free(path);
	}
	closedir(d);
	*empty = git_treebuilder_entrycount(tb) == 0;
	if (rc == 0)
		rc = git_treebuilder_write(out, tb);
	git_treebuilder_free(tb);
	return rc;
}

/* Where the import of the named repository takes its files from: the
 * server's --accelerator directory, or the stand-ins. Caller frees. */
static char *
import_source(struct exchange *x, const char *name)
{
	const char *accelerator = world_accelerator(x->world);
	char *templates, *dir;

	if (accelerator != NULL)
		return xasprintf("%s/%s", accelerator, name);
	templates = paths_templates_dir();
	dir = xasprintf("%s/sandbox/%s", templates, name);
	free(templates);
	return dir;
}

/*
 * Fill the empty repository with one commit of the source's files, on
 * main and on the other branches the real repositories have (which is
 * why an import may not default to main). -1 with *error when the
 * service would refuse a file.
 */
static int
fill_from_source(struct exchange *x, git_repository *r, const char *name,
    char **error)
{
	static const char *const branches[] = { "refs/heads/main",
		"refs/heads/feathr", "refs/heads/cindy-test" };
	char *dir = import_source(x, name);
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_oid tree_id, commit_id;
	git_reference *ref = NULL;
	bool empty;
	int rc;

	rc = tree_from_directory(r, dir, "", &tree_id, &empty, error);
	if (rc == 0)
		rc = git_tree_lookup(&tree, r, &tree_id);
	if (rc == 0)
		rc = git_signature_now(&sig, world_accelerator(x->world) ?
		    "MLOps V2" : "MLOps V2 (sandbox stand-in)",
		    "mlops-v2@sandbox.invalid");
	if (rc == 0)
		rc = git_commit_create(&commit_id, r, NULL, sig, sig, NULL,
		    world_accelerator(x->world) ? "The accelerator repository, "
		    "imported\n" : "Sandbox stand-in of the accelerator "
		    "repository\n", tree, 0, NULL);
	for (size_t i = 0; rc == 0 && i < 3; i++) {
		rc = git_reference_create(&ref, r, branches[i], &commit_id, 1,
		    "import");
		git_reference_free(ref);
	}
	git_signature_free(sig);
	git_tree_free(tree);
	free(dir);
	return rc;
}

static const char *
import_status(json_t *root, json_t *imp)
{
	long long age = world_now_ms() -
	    json_integer_value(json_object_get(imp, "created_ms"));

	if (json_is_string(json_object_get(imp, "final")))
		return json_string_value(json_object_get(imp, "final"));
	if (age >= world_scaled_ms(root, IMPORT_DONE_MS))
		return "completed";
	if (age >= world_scaled_ms(root, IMPORT_START_MS))
		return "inProgress";
	return "queued";
}

/* Finish the imports whose time has come; true when the world changed. */
static bool
settle_imports(struct exchange *x, json_t *root)
{
	json_t *imp, *repo;
	git_repository *r;
	bool changed = false;
	size_t i;

	json_array_foreach(json_object_get(root, "imports"), i, imp) {
		if (json_object_get(imp, "final") != NULL ||
		    strcmp(import_status(root, imp), "completed") != 0)
			continue;
		repo = world_find(json_object_get(root, "repositories"), "id",
		    json_string_value(json_object_get(imp, "repository_id")));
		r = repo ? open_repo(x, repo) : NULL;
		char *error = NULL;
		if (r != NULL && fill_from_source(x, r, json_string_value(
		    json_object_get(imp, "standin")), &error) == 0) {
			/* Which branch the import makes the default is a world
			 * setting: not always main, as known problem 1 says. */
			const char *branch = json_string_value(json_object_get(
			    json_object_get(root, "settings"),
			    "import_default_branch"));
			json_object_set_new(imp, "final",
			    json_string("completed"));
			set_default_branch(x, repo, branch ? branch : "main");
		} else {
			json_object_set_new(imp, "final", json_string("failed"));
			json_object_set_new(imp, "error", json_string(error ?
			    error : "The import could not write the repository."));
		}
		free(error);
		git_repository_free(r);
		changed = true;
	}
	return changed;
}

static json_t *
import_json(struct exchange *x, json_t *root, json_t *imp, json_t *repo)
{
	static const char *const steps[] = { "Processing request",
		"Analyzing repository objects", "Storing objects",
		"Storing index file", "Updating references",
		"Import completed successfully" };
	const char *status = import_status(root, imp);
	json_int_t id = json_integer_value(json_object_get(imp, "id"));
	json_t *all = json_array(), *detailed;
	char *url = xasprintf("%s/%s/_apis/git/repositories/%s/importRequests/"
	    "%lld", x->base_url, json_string_value(json_object_get(repo,
	    "project_id")), json_string_value(json_object_get(repo, "id")),
	    (long long)id);
	int step = strcmp(status, "completed") == 0 ? 6 :
	    strcmp(status, "inProgress") == 0 ? 3 : 1;

	for (size_t i = 0; i < 6; i++)
		json_array_append_new(all, json_string(steps[i]));
	detailed = json_pack("{s:i, s:o}", "currentStep", step, "allSteps",
	    all);
	if (json_is_string(json_object_get(imp, "error")))
		json_object_set(detailed, "errorMessage",
		    json_object_get(imp, "error"));
	json_t *j = json_pack("{s:I, s:o, s:{s:{s:O, s:b}, s:n}, s:s, s:o, "
	    "s:s}", "importRequestId", id, "repository",
	    repo_json(x, root, repo), "parameters", "gitSource", "url",
	    json_object_get(imp, "url"), "overwrite", 0, "tfvcSource",
	    "status", status, "detailedStatus", detailed, "url", url);
	free(url);
	return j;
}

/* ---- repositories --------------------------------------------------- */

static void
list_repositories(struct exchange *x, json_t *root)
{
	json_t *project = NULL, *list = json_array(), *r;
	const char *pid;
	size_t i;

	project = world_project(root, x->params[0]);
	if (project == NULL) {
		json_decref(list);
		core_project_not_found(x, x->params[0]);
		return;
	}
	pid = json_string_value(json_object_get(project, "id"));
	json_array_foreach(json_object_get(root, "repositories"), i, r)
		if (strcasecmp(json_string_value(json_object_get(r,
		    "project_id")), pid) == 0)
			json_array_append_new(list, repo_json(x, root, r));
	exchange_collection(x, list);
}

static bool
valid_repository_name(const char *name)
{
	return name != NULL && name[0] != '\0' && strlen(name) <= 64 &&
	    name[0] != '.' && name[0] != '_' &&
	    strpbrk(name, "\\/:*?\"<>|;#$*{},+=[]") == NULL;
}

static void
create_repository(struct exchange *x, json_t *root, bool *changed)
{
	const char *name = json_string_value(json_object_get(x->body, "name"));
	json_t *project = world_project(root, x->params[0]), *repo;
	size_t i;

	if (project == NULL) {
		core_project_not_found(x, x->params[0]);
		return;
	}
	if (!valid_repository_name(name)) {
		exchange_error(x, 400, "InvalidArgumentValueException",
		    "TF401025: '%s' is not a valid name. Names may not contain "
		    "special characters, begin with '.' or '_', or be longer "
		    "than 64 characters.", name ? name : "");
		return;
	}
	json_array_foreach(json_object_get(root, "repositories"), i, repo) {
		if (strcasecmp(json_string_value(json_object_get(repo, "name")),
		    name) == 0 && json_equal(json_object_get(repo, "project_id"),
		    json_object_get(project, "id"))) {
			exchange_error(x, 409, "GitRepositoryNameAlreadyExistsException",
			    "TF400948: A Git repository with the name %s already "
			    "exists.", name);
			return;
		}
	}
	repo = git_create_repository(x, root, project, name);
	if (repo == NULL) {
		git_failed(x, "cannot create the repository");
		return;
	}
	*changed = true;
	exchange_json(x, 201, repo_json(x, root, repo));
}

static void
update_repository(struct exchange *x, json_t *root, json_t *repo,
    bool *changed)
{
	const char *branch = json_string_value(json_object_get(x->body,
	    "defaultBranch"));
	const char *name = json_string_value(json_object_get(x->body, "name"));

	if (branch != NULL) {
		/* A short name is taken as a branch, as the CLI writes it. */
		set_default_branch(x, repo, branch);
		*changed = true;
	}
	if (name != NULL && strcmp(name, json_string_value(json_object_get(
	    repo, "name"))) != 0) {
		if (!valid_repository_name(name)) {
			exchange_error(x, 400, "InvalidArgumentValueException",
			    "TF401025: '%s' is not a valid name.", name);
			return;
		}
		json_object_set_new(repo, "name", json_string(name));
		*changed = true;
	}
	exchange_json(x, 200, repo_json(x, root, repo));
}

static void
delete_repository(struct exchange *x, json_t *root, json_t *repo,
    bool *changed)
{
	json_t *repos = json_object_get(root, "repositories"), *imports;
	char *path = repo_path(x, repo);
	size_t i;

	paths_remove_tree(path);
	free(path);
	/* Its import requests go with it. */
	imports = json_object_get(root, "imports");
	for (i = json_array_size(imports); i-- > 0;)
		if (json_equal(json_object_get(json_array_get(imports, i),
		    "repository_id"), json_object_get(repo, "id")))
			json_array_remove(imports, i);
	for (i = 0; i < json_array_size(repos); i++)
		if (json_array_get(repos, i) == repo)
			json_array_remove(repos, i);
	*changed = true;
	exchange_no_content(x);
}

void
handle_repositories(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *repo;
	bool changed = false;

	if (strcmp(x->method, "GET") == 0 && x->params[1] == NULL)
		list_repositories(x, root);
	else if (strcmp(x->method, "POST") == 0 && x->params[1] == NULL)
		create_repository(x, root, &changed);
	else if (x->params[1] == NULL)
		exchange_method_not_allowed(x);
	else if ((repo = find_repository(x, root, &project)) == NULL)
		;
	else if (strcmp(x->method, "GET") == 0)
		exchange_json(x, 200, repo_json(x, root, repo));
	else if (strcmp(x->method, "PATCH") == 0)
		update_repository(x, root, repo, &changed);
	else if (strcmp(x->method, "DELETE") == 0)
		delete_repository(x, root, repo, &changed);
	else
		exchange_method_not_allowed(x);
	world_unlock(x->world, changed);
}

/* ---- import requests ------------------------------------------------ */

/*
 * Whether r has any reference. (git_repository_is_empty() also wants HEAD
 * on the unborn default branch of git's configuration, and ours is main.)
 */
static bool
has_references(git_repository *r)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	bool found = false;

	if (git_reference_iterator_new(&it, r) == 0) {
		found = git_reference_next(&ref, it) == 0;
		git_reference_free(ref);
		git_reference_iterator_free(it);
	}
	return found;
}

static void
create_import(struct exchange *x, json_t *root, json_t *repo, bool *changed)
{
	const char *url = json_string_value(json_object_get(json_object_get(
	    json_object_get(x->body, "parameters"), "gitSource"), "url"));
	const char *standin = standin_for(url);
	git_repository *r = open_repo(x, repo);
	bool empty = r != NULL && !has_references(r);
	json_t *imp;

	git_repository_free(r);
	if (url == NULL) {
		exchange_error(x, 400, "ArgumentNullException", "Value cannot "
		    "be null.\r\nParameter name: importRequest.Parameters."
		    "GitSource.Url");
		return;
	}
	if (standin == NULL) {
		/* The service checks the clone URL when the request is made. */
		exchange_error(x, 400, "GitImportInvalidUrlException",
		    "Clone URL is incorrect or requires authorization: %s", url);
		return;
	}
	if (!empty) {
		exchange_error(x, 400, "GitImportNonEmptyRepositoryException",
		    "The repository %s is not empty. A repository can be "
		    "imported only into a new or empty repository.",
		    json_string_value(json_object_get(repo, "name")));
		return;
	}
	imp = json_pack("{s:I, s:O, s:s, s:s, s:I}", "id",
	    (json_int_t)world_next(root, "import"), "repository_id",
	    json_object_get(repo, "id"), "url", url, "standin", standin,
	    "created_ms", (json_int_t)world_now_ms());
	json_array_append_new(json_object_get(root, "imports"), imp);
	*changed = true;
	exchange_json(x, 201, import_json(x, root, imp, repo));
}

/* GET without an id: the repository's requests, abandoned ones only
 * with includeAbandoned=true. */
static void
list_imports(struct exchange *x, json_t *root, json_t *repo)
{
	const char *all = exchange_query(x, "includeAbandoned");
	bool abandoned = all != NULL && strcasecmp(all, "true") == 0;
	json_t *list = json_array(), *item;
	size_t i;

	json_array_foreach(json_object_get(root, "imports"), i, item)
		if (json_equal(json_object_get(item, "repository_id"),
		    json_object_get(repo, "id")) && (abandoned || strcmp(
		    import_status(root, item), "abandoned") != 0))
			json_array_append_new(list, import_json(x, root, item,
			    repo));
	exchange_collection(x, list);
}

void
handle_import_requests(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *repo, *imp = NULL;
	bool changed = false;
	json_t *item;
	size_t i;

	repo = find_repository(x, root, &project);
	if (repo == NULL)
		;
	else if (strcmp(x->method, "POST") == 0 && x->params[2] == NULL)
		create_import(x, root, repo, &changed);
	else if (strcmp(x->method, "GET") == 0 && x->params[2] == NULL)
		list_imports(x, root, repo);
	else if (strcmp(x->method, "GET") == 0 && x->params[2] != NULL) {
		json_array_foreach(json_object_get(root, "imports"), i, item)
			if (json_integer_value(json_object_get(item, "id")) ==
			    atoll(x->params[2]) && json_equal(json_object_get(
			    item, "repository_id"), json_object_get(repo, "id")))
				imp = item;
		if (imp != NULL)
			exchange_json(x, 200, import_json(x, root, imp, repo));
		else
			exchange_error(x, 404, "GitImportRequestNotFoundException",
			    "The import request %s was not found.",
			    x->params[2]);
	} else
		exchange_method_not_allowed(x);
	world_unlock(x->world, changed);
}

/* ---- refs ----------------------------------------------------------- */

static json_t *
ref_json(struct exchange *x, json_t *repo, const char *name,
    const git_oid *oid)
{
	char hex[GIT_OID_HEXSZ + 1];
	char *url = xasprintf("%s/%s/_apis/git/repositories/%s/refs?filter=%s",
	    x->base_url, json_string_value(json_object_get(repo, "project_id")),
	    json_string_value(json_object_get(repo, "id")), name + 5);
	json_t *j;

	git_oid_tostr(hex, sizeof hex, oid);
	j = json_pack("{s:s, s:s, s:s}", "name", name, "objectId", hex,
	    "url", url);
	free(url);
	return j;
}

/*
 * POST refs: create, move or delete refs. Each update succeeds only when
 * its oldObjectId is the ref's current value (zeros: the ref is new).
 */
static void
update_refs(struct exchange *x, json_t *root, json_t *repo,
    git_repository *r, bool *changed)
{
	json_t *u, *results = json_array();
	git_reference *ref;
	git_oid tip, target;
	size_t i;

	json_array_foreach(x->body, i, u) {
		const char *name = json_string_value(json_object_get(u, "name"));
		const char *old = json_string_value(json_object_get(u,
		    "oldObjectId"));
		const char *new = json_string_value(json_object_get(u,
		    "newObjectId"));
		char hex[GIT_OID_HEXSZ + 1] = ZERO_OID;
		const char *status = "succeeded";
		bool deleting = new != NULL && strcmp(new, ZERO_OID) == 0;
		char *denial;

		if (name == NULL || old == NULL || new == NULL) {
			status = "invalidRefName";
			goto record;
		}
		if (git_reference_name_to_id(&tip, r, name) == 0)
			git_oid_tostr(hex, sizeof hex, &tip);
		else
			memset(&tip, 0, sizeof tip);
		denial = security_git_denial(root, security_operator(root),
		    json_string_value(json_object_get(repo, "project_id")),
		    json_string_value(json_object_get(repo, "id")),
		    git_oid_is_zero(&tip) ? GIT_CREATE_BRANCH : deleting ?
		    GIT_FORCE_PUSH : GIT_GENERIC_CONTRIBUTE);
		if (denial != NULL)
			status = "forcePushRequired";
		else if (strcasecmp(old, hex) != 0)
			status = "staleOldObjectId";
		else if (deleting)
			git_reference_remove(r, name);
		else if (git_oid_fromstr(&target, new) != 0 ||
		    git_reference_create(&ref, r, name, &target, 1,
		    "refs update") != 0)
			status = "invalidRefName";
		else {
			git_reference_free(ref);
			git_note_default_branch(x, repo, name);
		}
		free(denial);
		*changed |= strcmp(status, "succeeded") == 0;
record:
		json_array_append_new(results, json_pack("{s:s*, s:s*, s:s*, "
		    "s:O, s:b, s:s}", "name", name, "oldObjectId", old,
		    "newObjectId", new, "repositoryId", json_object_get(repo,
		    "id"), "success", strcmp(status, "succeeded") == 0,
		    "updateStatus", status));
	}
	exchange_collection(x, results);
}

void
handle_refs(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *repo, *list;
	bool changed = false;
	const char *filter = exchange_query(x, "filter");
	git_reference_iterator *it = NULL;
	git_reference *ref;
	git_repository *r = NULL;

	repo = find_repository(x, root, &project);
	if (repo != NULL && strcmp(x->method, "GET") != 0 &&
	    strcmp(x->method, "POST") != 0)
		exchange_method_not_allowed(x);
	else if (repo != NULL && (r = open_repo(x, repo)) == NULL)
		git_failed(x, "cannot open the repository");
	else if (repo != NULL && strcmp(x->method, "POST") == 0) {
		if (json_is_array(x->body))
			update_refs(x, root, repo, r, &changed);
		else
			exchange_error(x, 400, "InvalidArgumentValueException",
			    "Expected a list of ref updates.");
	} else if (repo != NULL) {
		list = json_array();
		/* The filter is a prefix of the name without "refs/". */
		if (filter == NULL)
			filter = x->params[2] ? x->params[2] : "";
		if (git_reference_iterator_new(&it, r) == 0) {
			while (git_reference_next(&ref, it) == 0) {
				const char *name = git_reference_name(ref);
				if (strncmp(name, "refs/", 5) == 0 &&
				    strncmp(name + 5, filter, strlen(filter)) == 0 &&
				    git_reference_target(ref) != NULL)
					json_array_append_new(list, ref_json(x, repo,
					    name, git_reference_target(ref)));
				git_reference_free(ref);
			}
			git_reference_iterator_free(it);
		}
		exchange_collection(x, list);
	}
	git_repository_free(r);
	world_unlock(x->world, changed);
}

/* ---- items ---------------------------------------------------------- */

/* The branch a request names, or the repository's default branch. */
static char *
requested_branch(struct exchange *x, json_t *repo)
{
	const char *v = exchange_query(x, "versionDescriptor.version");
	const char *def = json_string_value(json_object_get(repo,
	    "default_branch"));

	if (v != NULL)
		return strncmp(v, "refs/", 5) == 0 ? xstrdup(v) :
		    xasprintf("refs/heads/%s", v);
	return def != NULL ? xstrdup(def) : NULL;
}

static void
item_not_found(struct exchange *x, json_t *repo, const char *path,
    const char *branch)
{
	exchange_error(x, 404, "GitItemNotFoundException", "TF401174: The item "
	    "'%s' could not be found in the repository '%s' at the version "
	    "specified by '<Branch: %s >'.", path,
	    json_string_value(json_object_get(repo, "name")),
	    branch != NULL ? branch + 11 : "(none)");
}

static bool
wants_raw(struct exchange *x)
{
	const char *format = exchange_query(x, "$format");
	const char *download = exchange_query(x, "download");
	const char *accept = exchange_header(x, "Accept");

	if (format != NULL)
		return strcasecmp(format, "json") != 0;
	if (download != NULL && strcasecmp(download, "true") == 0)
		return true;
	return accept != NULL && strstr(accept, "application/json") == NULL &&
	    (strstr(accept, "text/plain") != NULL ||
	    strstr(accept, "application/octet-stream") != NULL);
}

static void
send_item(struct exchange *x, json_t *repo, const char *path,
    const git_oid *commit, git_blob *blob)
{
	const char *include = exchange_query(x, "includeContent");
	char hex[GIT_OID_HEXSZ + 1], chex[GIT_OID_HEXSZ + 1];
	json_t *j;

	if (wants_raw(x)) {
		exchange_raw(x, 200, "application/octet-stream",
		    git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
		return;
	}
	git_oid_tostr(hex, sizeof hex, git_blob_id(blob));
	git_oid_tostr(chex, sizeof chex, commit);
	j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "objectId", hex,
	    "gitObjectType", "blob", "commitId", chex, "path", path, "url",
	    json_string_value(json_object_get(repo, "id")));
	if (include != NULL && strcasecmp(include, "true") == 0)
		json_object_set_new(j, "content", json_stringn(
		    git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob)));
	exchange_json(x, 200, j);
}

static void
send_folder(struct exchange *x, json_t *repo, const char *path,
    const git_oid *commit, const git_oid *tree)
{
	char hex[GIT_OID_HEXSZ + 1], chex[GIT_OID_HEXSZ + 1];
	char *shown = xasprintf("/%s", path);

	git_oid_tostr(hex, sizeof hex, tree);
	git_oid_tostr(chex, sizeof chex, commit);
	exchange_json(x, 200, json_pack("{s:s, s:s, s:s, s:b, s:s, s:s}",
	    "objectId", hex, "gitObjectType", "tree", "commitId", chex,
	    "isFolder", 1, "path", shown, "url", json_string_value(
	    json_object_get(repo, "id"))));
	free(shown);
}

static void
get_item(struct exchange *x, json_t *repo, git_repository *r)
{
	const char *path = exchange_query(x, "path");
	char *branch = requested_branch(x, repo);
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	git_oid oid;
	bool found;

	if (path == NULL)
		path = x->params[2];
	if (path == NULL) {
		exchange_error(x, 400, "ArgumentNullException", "Value cannot "
		    "be null.\r\nParameter name: path");
		free(branch);
		return;
	}
	path += path[0] == '/';
	found = branch != NULL && git_reference_name_to_id(&oid, r,
	    branch) == 0 && git_commit_lookup(&commit, r, &oid) == 0 &&
	    git_commit_tree(&tree, commit) == 0 &&
	    git_tree_entry_bypath(&entry, tree, path) == 0;
	if (found && git_tree_entry_type(entry) == GIT_OBJECT_TREE)
		/* A folder: its metadata, as the service gives it. */
		send_folder(x, repo, path, &oid, git_tree_entry_id(entry));
	else if (found && git_tree_entry_type(entry) == GIT_OBJECT_BLOB &&
	    git_blob_lookup(&blob, r, git_tree_entry_id(entry)) == 0) {
		char *shown = xasprintf("/%s", path);
		send_item(x, repo, shown, &oid, blob);
		free(shown);
	} else {
		char *shown = xasprintf("/%s", path);
		item_not_found(x, repo, shown, branch);
		free(shown);
	}
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	free(branch);
}

void
handle_items(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *repo;
	bool changed = false;
	git_repository *r = NULL;

	repo = find_repository(x, root, &project);
	if (repo != NULL && strcmp(x->method, "GET") != 0)
		exchange_method_not_allowed(x);
	else if (repo != NULL && (r = open_repo(x, repo)) == NULL)
		git_failed(x, "cannot open the repository");
	else if (repo != NULL)
		get_item(x, repo, r);
	git_repository_free(r);
	world_unlock(x->world, changed);
}

/* ---- pushes --------------------------------------------------------- */

/*
 * An enum as the service accepts it: its name, or its number as clients
 * built from the service's own interfaces send it.
 */
static const char *
enum_name(json_t *value, const char *const *names, const int *numbers,
    size_t n)
{
	if (json_is_string(value))
		return json_string_value(value);
	for (size_t i = 0; json_is_integer(value) && i < n; i++)
		if (json_integer_value(value) == numbers[i])
			return names[i];
	return NULL;
}

/* Decode one change's new content (rawtext or base64encoded). */
static char *
change_content(json_t *change, size_t *len)
{
	static const char *const names[] = { "rawtext", "base64encoded" };
	static const int numbers[] = { 0, 1 };
	json_t *nc = json_object_get(change, "newContent");
	const char *text = json_string_value(json_object_get(nc, "content"));
	const char *type = enum_name(json_object_get(nc, "contentType"),
	    names, numbers, 2);

	if (text == NULL)
		text = "";
	if (type != NULL && strcasecmp(type, "base64encoded") == 0)
		return exchange_base64_decode(text, len);
	*len = strlen(text);
	return xstrdup(text);
}

/*
 * Apply the changes of one commit to baseline; *out is the new tree.
 * Returns 0, or -1 after replying with the reason.
 */
static int
apply_changes(struct exchange *x, git_repository *r, git_tree *baseline,
    json_t *changes, git_oid *out)
{
	size_t n = json_array_size(changes), i;
	git_tree_update *updates = xcalloc(n ? n : 1, sizeof *updates);
	char **paths = xcalloc(n ? n : 1, sizeof *paths);
	git_tree_entry *existing;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		static const char *const kinds[] = { "add", "edit", "delete" };
		static const int bits[] = { 1, 2, 16 };
		json_t *c = json_array_get(changes, i);
		const char *type = enum_name(json_object_get(c, "changeType"),
		    kinds, bits, 3);
		const char *path = json_string_value(json_object_get(
		    json_object_get(c, "item"), "path"));
		bool exists;

		if (type == NULL || path == NULL) {
			exchange_error(x, 400, "InvalidArgumentValueException",
			    "Each change needs a changeType and an item path.");
			rc = -1;
			break;
		}
		paths[i] = xstrdup(path + (path[0] == '/'));
		exists = git_tree_entry_bypath(&existing, baseline, paths[i])
		    == 0;
		if (exists)
			git_tree_entry_free(existing);
		updates[i].path = paths[i];
		if (strcasecmp(type, "delete") == 0 || strcasecmp(type, "edit") == 0) {
			if (!exists) {
				exchange_error(x, 404, "GitItemNotFoundException",
				    "TF401174: The item '%s' could not be found in "
				    "the repository.", path);
				rc = -1;
				break;
			}
		} else if (strcasecmp(type, "add") == 0) {
			if (exists) {
				exchange_error(x, 400,
				    "GitPathAlreadyExistsException", "The path "
				    "'%s' already exists in the branch; use an "
				    "edit change.", path);
				rc = -1;
				break;
			}
		} else {
			exchange_error(x, 400, "InvalidArgumentValueException",
			    "The change type '%s' is not supported here.", type);
			rc = -1;
			break;
		}
		if (strcasecmp(type, "delete") == 0) {
			updates[i].action = GIT_TREE_UPDATE_REMOVE;
		} else {
			size_t len;
			char *data = change_content(c, &len);
			updates[i].action = GIT_TREE_UPDATE_UPSERT;
			updates[i].filemode = GIT_FILEMODE_BLOB;
			if (data == NULL || git_blob_create_from_buffer(
			    &updates[i].id, r, data, len) != 0) {
				exchange_error(x, 400, "InvalidArgumentValueException",
				    "The new content of '%s' is not valid.", path);
				rc = -1;
			}
			free(data);
		}
	}
	if (rc == 0 && git_tree_create_updated(out, r, baseline, n, updates)
	    != 0) {
		git_failed(x, "cannot write the tree");
		rc = -1;
	}
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(updates);
	return rc;
}

static int
empty_tree(git_repository *r, git_tree **out)
{
	git_treebuilder *tb = NULL;
	git_oid oid;
	int rc = git_treebuilder_new(&tb, r, NULL);

	if (rc == 0)
		rc = git_treebuilder_write(&oid, tb);
	git_treebuilder_free(tb);
	return rc == 0 ? git_tree_lookup(out, r, &oid) : rc;
}

/*
 * Check refUpdate's oldObjectId against the branch's tip, as the service
 * does; *tip is the current tip (zero when the branch does not exist).
 */
static int
check_tip(struct exchange *x, git_repository *r, const char *ref,
    const char *old, git_oid *tip)
{
	char hex[GIT_OID_HEXSZ + 1] = ZERO_OID;

	if (git_reference_name_to_id(tip, r, ref) == 0)
		git_oid_tostr(hex, sizeof hex, tip);
	else
		memset(tip, 0, sizeof *tip);
	if (old != NULL && strcasecmp(old, hex) == 0)
		return 0;
	exchange_error(x, 409, "GitReferenceStaleException", "TF401028: The "
	    "reference '%s' has already been updated by another client, so you "
	    "cannot update it. Please try again.", ref);
	return -1;
}

/* Make the commits of the push on top of *tip; *tip ends at the last. */
static int
make_commits(struct exchange *x, json_t *root, git_repository *r,
    json_t *commits, git_oid *tip, json_t *made)
{
	json_t *user = json_object_get(root, "user"), *c;
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_oid tree_id, commit_id;
	char hex[GIT_OID_HEXSZ + 1], thex[GIT_OID_HEXSZ + 1];
	size_t i;
	int rc = git_signature_now(&sig, json_string_value(json_object_get(
	    user, "displayName")), json_string_value(json_object_get(user,
	    "uniqueName")));

	json_array_foreach(commits, i, c) {
		bool first = git_oid_is_zero(tip);
		const char *comment = json_string_value(json_object_get(c,
		    "comment"));

		if (rc == 0)
			rc = first ? empty_tree(r, &base) :
			    (git_commit_lookup(&parent, r, tip) == 0 ?
			    git_commit_tree(&base, parent) : -1);
		if (rc == 0)
			rc = apply_changes(x, r, base, json_object_get(c,
			    "changes"), &tree_id) == 0 ? 0 : -2;
		if (rc == 0)
			rc = git_tree_lookup(&tree, r, &tree_id);
		if (rc == 0)
			rc = git_commit_create(&commit_id, r, NULL, sig, sig,
			    NULL, comment ? comment : "", tree, first ? 0 : 1,
			    (const git_commit **)&parent);
		if (rc == 0) {
			git_oid_cpy(tip, &commit_id);
			git_oid_tostr(hex, sizeof hex, &commit_id);
			git_oid_tostr(thex, sizeof thex, &tree_id);
			json_array_append_new(made, json_pack("{s:s, s:s, s:s}",
			    "commitId", hex, "treeId", thex, "comment",
			    comment ? comment : ""));
		}
		git_tree_free(tree);
		git_tree_free(base);
		git_commit_free(parent);
		tree = NULL;
		base = NULL;
		parent = NULL;
		if (rc != 0)
			break;
	}
	git_signature_free(sig);
	if (rc == -1 || (rc != 0 && rc != -2))
		git_failed(x, "cannot write the commit");
	return rc == 0 ? 0 : -1;
}

static void
create_push(struct exchange *x, json_t *root, json_t *repo,
    git_repository *r, bool *changed)
{
	json_t *update = json_array_get(json_object_get(x->body, "refUpdates"),
	    0);
	json_t *commits = json_object_get(x->body, "commits"), *made;
	const char *ref = json_string_value(json_object_get(update, "name"));
	const char *old = json_string_value(json_object_get(update,
	    "oldObjectId"));
	char oldhex[GIT_OID_HEXSZ + 1], newhex[GIT_OID_HEXSZ + 1], *denial;
	git_reference *out = NULL;
	git_oid tip;

	if (ref == NULL || strncmp(ref, "refs/", 5) != 0 ||
	    json_array_size(commits) == 0) {
		exchange_error(x, 400, "InvalidArgumentValueException", "A push "
		    "needs one refUpdate with a full ref name and at least one "
		    "commit.");
		return;
	}
	if (check_tip(x, r, ref, old, &tip) == -1)
		return;
	denial = security_git_denial(root, security_operator(root),
	    json_string_value(json_object_get(repo, "project_id")),
	    json_string_value(json_object_get(repo, "id")),
	    GIT_GENERIC_CONTRIBUTE | (git_oid_is_zero(&tip) ?
	    GIT_CREATE_BRANCH : 0));
	if (denial != NULL) {
		exchange_error(x, 403, "GitNeedsPermissionException", "%s",
		    denial);
		free(denial);
		return;
	}
	git_oid_tostr(oldhex, sizeof oldhex, &tip);
	made = json_array();
	if (make_commits(x, root, r, commits, &tip, made) == -1 ||
	    git_reference_create(&out, r, ref, &tip, 1, "push") != 0) {
		if (x->status == 0)
			git_failed(x, "cannot update the reference");
		json_decref(made);
		return;
	}
	git_reference_free(out);
	/* The first push into an empty repository makes its default branch. */
	if (!json_is_string(json_object_get(repo, "default_branch")))
		set_default_branch(x, repo, ref);
	*changed = true;
	git_oid_tostr(newhex, sizeof newhex, &tip);
	exchange_json(x, 201, json_pack("{s:o, s:[{s:s, s:s, s:s, s:O}], s:I, "
	    "s:o, s:{s:O, s:O}}", "commits", made, "refUpdates", "name", ref,
	    "oldObjectId", oldhex,
	    "newObjectId", newhex, "repositoryId", json_object_get(repo, "id"),
	    "pushId", (json_int_t)world_next(root, "push"),
	    "repository", repo_json(x, root, repo),
	    "pushedBy", "displayName", json_object_get(json_object_get(root,
	    "user"), "displayName"), "id", json_object_get(json_object_get(
	    root, "user"), "id")));
}

void
handle_pushes(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *repo;
	bool changed = false;
	git_repository *r = NULL;

	repo = find_repository(x, root, &project);
	if (repo != NULL && strcmp(x->method, "POST") != 0)
		exchange_method_not_allowed(x);
	else if (repo != NULL && (r = open_repo(x, repo)) == NULL)
		git_failed(x, "cannot open the repository");
	else if (repo != NULL)
		create_push(x, root, repo, r, &changed);
	git_repository_free(r);
	world_unlock(x->world, changed);
}

/* ---- for the pipeline runs ------------------------------------------ */

json_t *
git_repository_named(json_t *root, json_t *project, const char *name)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(root, "repositories"), i, r)
		if (name != NULL && json_equal(json_object_get(r, "project_id"),
		    json_object_get(project, "id")) && strcasecmp(
		    json_string_value(json_object_get(r, "name")), name) == 0)
			return r;
	return NULL;
}

/* The tree of ref ("refs/heads/main") in repo; NULL when there is none. */
static git_tree *
tree_at(git_repository *r, const char *ref)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_oid oid;

	if (git_reference_name_to_id(&oid, r, ref) == 0 &&
	    git_commit_lookup(&commit, r, &oid) == 0)
		git_commit_tree(&tree, commit);
	git_commit_free(commit);
	return tree;
}

char *
git_read_file(struct exchange *x, json_t *repo, const char *ref,
    const char *path, size_t *len)
{
	git_repository *r = open_repo(x, repo);
	git_tree *tree = r ? tree_at(r, ref) : NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	char *out = NULL;

	path += path[0] == '/';
	if (tree != NULL && git_tree_entry_bypath(&entry, tree, path) == 0 &&
	    git_tree_entry_type(entry) == GIT_OBJECT_BLOB &&
	    git_blob_lookup(&blob, r, git_tree_entry_id(entry)) == 0) {
		*len = (size_t)git_blob_rawsize(blob);
		out = xmalloc(*len + 1);
		memcpy(out, git_blob_rawcontent(blob), *len);
		out[*len] = '\0';
	}
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_repository_free(r);
	return out;
}

int
git_path_kind(struct exchange *x, json_t *repo, const char *ref,
    const char *path)
{
	git_repository *r = open_repo(x, repo);
	git_tree *tree = r ? tree_at(r, ref) : NULL;
	git_tree_entry *entry = NULL;
	int kind = 0;

	path += path[0] == '/';
	if (tree != NULL && path[0] == '\0')
		kind = 2;
	else if (tree != NULL && git_tree_entry_bypath(&entry, tree, path) == 0)
		kind = git_tree_entry_type(entry) == GIT_OBJECT_TREE ? 2 : 1;
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_repository_free(r);
	return kind;
}

char *
git_repo_path(struct exchange *x, json_t *repo)
{
	return repo_path(x, repo);
}

void
git_note_default_branch(struct exchange *x, json_t *repo, const char *ref)
{
	if (!json_is_string(json_object_get(repo, "default_branch")))
		set_default_branch(x, repo, ref);
}

bool
git_settle(struct exchange *x, json_t *root)
{
	return settle_imports(x, root);
}
