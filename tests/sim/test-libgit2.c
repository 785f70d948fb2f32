/*
 * Clone and push with libgit2 against the sandbox, run in-process as the
 * wizard will embed it: over real loopback HTTP, authenticated by the PAT.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <git2.h>

#include "sim/sim.h"
#include "tap.h"
#include "xalloc.h"

static const char *pat;

static size_t
discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* POST a JSON body to the sandbox; returns the HTTP status. */
static long
post(const char *url, const char *body)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL,
	    "Content-Type: application/json");
	char *userpwd = xasprintf(":%s", pat);
	long status = 0;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(userpwd);
	return status;
}

static int
credentials(git_credential **out, const char *url, const char *user,
    unsigned int allowed, void *payload)
{
	int *asked = payload;

	(void)url;
	(void)user;
	if (!(allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) || (*asked)++ > 2)
		return GIT_EUSER;
	return git_credential_userpass_plaintext_new(out, "mlops-tui", pat);
}

/* Commit a file on HEAD of a non-bare repository. */
static int
commit_file(git_repository *r, const char *name, const char *text,
    const char *message)
{
	const char *workdir = git_repository_workdir(r);
	char *path = xasprintf("%s/%s", workdir, name);
	git_index *index = NULL;
	git_oid tree_id, commit_id, parent_id;
	git_tree *tree = NULL;
	git_commit *parent = NULL;
	git_signature *sig = NULL;
	FILE *f = fopen(path, "w");
	int rc = f == NULL || fputs(text, f) == EOF ? -1 : 0;

	if (f != NULL)
		fclose(f);
	if (rc == 0)
		rc = git_repository_index(&index, r);
	if (rc == 0)
		rc = git_index_add_bypath(index, name);
	if (rc == 0)
		rc = git_index_write(index);
	if (rc == 0)
		rc = git_index_write_tree(&tree_id, index);
	if (rc == 0)
		rc = git_tree_lookup(&tree, r, &tree_id);
	if (rc == 0)
		rc = git_signature_now(&sig, "Test", "test@example.com");
	if (rc == 0 && git_reference_name_to_id(&parent_id, r, "HEAD") == 0)
		rc = git_commit_lookup(&parent, r, &parent_id);
	if (rc == 0)
		rc = git_commit_create(&commit_id, r, "HEAD", sig, sig, NULL,
		    message, tree, parent ? 1 : 0,
		    (const git_commit **)&parent);
	git_signature_free(sig);
	git_commit_free(parent);
	git_tree_free(tree);
	git_index_free(index);
	free(path);
	return rc;
}

static int
push_main(git_repository *r, int *asked)
{
	git_push_options opts;
	git_remote *remote = NULL;
	char *refspec = "refs/heads/main:refs/heads/main";
	git_strarray specs = { &refspec, 1 };
	int rc;

	git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
	opts.callbacks.credentials = credentials;
	opts.callbacks.payload = asked;
	rc = git_remote_lookup(&remote, r, "origin");
	if (rc == 0)
		rc = git_remote_push(remote, &specs, &opts);
	git_remote_free(remote);
	return rc;
}

static int
clone(git_repository **out, const char *url, const char *dir, int *asked)
{
	git_clone_options opts;

	git_clone_options_init(&opts, GIT_CLONE_OPTIONS_VERSION);
	opts.fetch_opts.callbacks.credentials = credentials;
	opts.fetch_opts.callbacks.payload = asked;
	return git_clone(out, url, dir, &opts);
}

int
main(void)
{
	struct sim_options opt = { .listen = "127.0.0.1:0",
		.organization = "sandbox", .time_scale = 0 };
	struct sim *sim = NULL;
	git_repository *r = NULL, *again = NULL;
	char *cause = NULL, *tmp = tap_tmpdir("libgit2"), *url, *repo_url;
	char *dir1 = xasprintf("%s/one", tmp), *dir2 = xasprintf("%s/two", tmp);
	int asked = 0;
	FILE *f;
	char buf[64] = "";

	curl_global_init(CURL_GLOBAL_DEFAULT);
	git_libgit2_init();
	if (!tap_ok(sim_start(&sim, &opt, &cause) == 0, "the sandbox starts "
	    "in-process")) {
		tap_diag("%s", cause);
		return tap_done();
	}
	pat = sim_pat(sim);
	url = xasprintf("%s/_apis/projects?api-version=7.1", sim_url(sim));
	tap_is_int(post(url, "{\"name\":\"mlops-v2\"}"), 202, "create a project");
	free(url);
	url = xasprintf("%s/mlops-v2/_apis/git/repositories?api-version=7.1",
	    sim_url(sim));
	tap_is_int(post(url, "{\"name\":\"taxi\"}"), 201, "create a repository");
	free(url);
	repo_url = xasprintf("%s/mlops-v2/_git/taxi", sim_url(sim));

	tap_is_int(clone(&r, repo_url, dir1, &asked), 0,
	    "libgit2 clones the empty repository");
	tap_ok(asked > 0, "after the sandbox asked for credentials");
	if (r != NULL)
		git_repository_set_head(r, "refs/heads/main");
	tap_is_int(r ? commit_file(r, "README.md", "# taxi\n", "first") : -1,
	    0, "commit on main");
	tap_is_int(r ? push_main(r, &asked) : -1, 0, "libgit2 pushes main");
	if (git_error_last() != NULL)
		tap_diag("%s", git_error_last()->message);
	tap_is_int(clone(&again, repo_url, dir2, &asked), 0,
	    "a second clone sees the push");
	url = xasprintf("%s/README.md", dir2);
	f = fopen(url, "r");
	if (f != NULL) {
		if (fgets(buf, sizeof buf, f) == NULL)
			buf[0] = '\0';
		fclose(f);
	}
	tap_is_str(buf, "# taxi\n", "with the pushed file");
	free(url);
	pat = "wrong";
	asked = 0;
	git_repository_free(again);
	again = NULL;
	free(dir2);
	dir2 = xasprintf("%s/three", tmp);
	tap_ok(clone(&again, repo_url, dir2, &asked) != 0,
	    "a wrong PAT is refused");
	git_repository_free(again);
	git_repository_free(r);
	sim_stop(sim);
	git_libgit2_shutdown();
	curl_global_cleanup();
	free(repo_url);
	free(dir1);
	free(dir2);
	free(tmp);
	free(cause);
	return tap_done();
}
