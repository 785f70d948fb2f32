/* State directory, state file names, private directories. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paths.h"
#include "tap.h"
#include "xalloc.h"

static void
test_state_dir(void)
{
	char *dir, *cause = NULL;

	setenv("XDG_STATE_HOME", "/xdg/state", 1);
	setenv("HOME", "/home/op", 1);
	dir = paths_state_dir(&cause);
	tap_is_str(dir, "/xdg/state/mlops-tui", "XDG_STATE_HOME is used");
	free(dir);
	setenv("XDG_STATE_HOME", "relative/state", 1);
	dir = paths_state_dir(&cause);
	tap_is_str(dir, "/home/op/.local/state/mlops-tui",
	    "a relative XDG_STATE_HOME is ignored");
	free(dir);
	unsetenv("XDG_STATE_HOME");
	dir = paths_state_dir(&cause);
	tap_is_str(dir, "/home/op/.local/state/mlops-tui",
	    "default ~/.local/state");
	free(dir);
	unsetenv("HOME");
	dir = paths_state_dir(&cause);
	tap_ok(dir == NULL, "no HOME and no XDG_STATE_HOME: an error");
	tap_contains(cause, "--state FILE", "which suggests --state");
	free(cause);
}

static void
test_state_file(void)
{
	char *a = paths_state_file("/s", "https://dev.azure.com/Contoso/",
	    "mlops-v2", "taxi-fare-regression");
	char *b = paths_state_file("/s", "https://dev.azure.com/contoso",
	    "MLOPS-V2", "Taxi-Fare-Regression");
	char *c = paths_state_file("/s", "https://dev.azure.com/contoso",
	    "my project", "a+b");
	char *d = paths_state_file("/s", "https://dev.azure.com/contoso",
	    "my project+a", "b");
	char *e = paths_state_file("/s", "http://127.0.0.1:8080/sandbox",
	    "mlops-v2", "taxi-fare-regression");

	tap_is_str(a, "/s/dev.azure.com%2Fcontoso+mlops-v2+"
	    "taxi-fare-regression.json", "one file per org + project + repo");
	tap_is_str(a, b, "names are case-insensitive, like Azure DevOps's");
	tap_is_str(c, "/s/dev.azure.com%2Fcontoso+my%20project+a%2Bb.json",
	    "spaces and separators are encoded");
	tap_ok(strcmp(c, d) != 0, "distinct setups never share a file");
	tap_is_str(e, "/s/127.0.0.1%3A8080%2Fsandbox+mlops-v2+"
	    "taxi-fare-regression.json", "a sandbox keeps its host and port");
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
}

/* One organization, one identity, however the URL spells it (issue 17,
 * item 10): two spellings once gave two state files and two locks. */
static void
test_organization_id(void)
{
	static const struct {
		const char *url, *want;
	} cases[] = {
		{ "https://dev.azure.com/Contoso/", "dev.azure.com/Contoso" },
		{ "https://DEV.Azure.com:443/Contoso//", "dev.azure.com/Contoso" },
		{ "https://contoso.visualstudio.com", "dev.azure.com/contoso" },
		{ "https://Contoso.VisualStudio.com/", "dev.azure.com/contoso" },
		{ "https://contoso.visualstudio.com/DefaultCollection",
		    "dev.azure.com/contoso" },
		{ "http://127.0.0.1:8080/org", "127.0.0.1:8080/org" },
		{ "http://localhost:8080/org/", "127.0.0.1:8080/org" },
		{ "http://LOCALHOST:8080/org", "127.0.0.1:8080/org" },
		{ "http://[::1]:8080/org", "127.0.0.1:8080/org" },
		{ "http://localhost:8081/org", "127.0.0.1:8081/org" },
		{ "http://127.0.0.2:8080/org", "127.0.0.2:8080/org" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *id = paths_organization_id(cases[i].url);

		tap_is_str(id, cases[i].want, "%s", cases[i].url);
		free(id);
	}
}

static void
test_state_file_spellings(void)
{
	char *a = paths_state_file("/s", "https://dev.azure.com/contoso",
	    "p", "r");
	char *b = paths_state_file("/s", "https://contoso.visualstudio.com/",
	    "p", "r");
	char *c = paths_state_file("/s", "http://127.0.0.1:9/org", "p", "r");
	char *d = paths_state_file("/s", "http://localhost:9/org", "p", "r");

	tap_is_str(a, b, "dev.azure.com/ORG and ORG.visualstudio.com: one file");
	tap_is_str(c, d, "127.0.0.1 and localhost: one file");
	free(a);
	free(b);
	free(c);
	free(d);
}

static void
test_private_dir(void)
{
	char *base = tap_tmpdir("paths");
	char *deep = xasprintf("%s/a/b/mlops-tui", base);
	char *cause = NULL;
	struct stat sb;

	tap_ok(paths_ensure_private_dir(deep, &cause) == 0,
	    "creates missing parents");
	tap_ok(stat(deep, &sb) == 0 && (sb.st_mode & 0777) == 0700,
	    "the directory is 0700");
	chmod(deep, 01777);
	tap_ok(paths_ensure_private_dir(deep, &cause) == 0 &&
	    stat(deep, &sb) == 0 && (sb.st_mode & 07777) == 01777,
	    "a directory that exists keeps its mode, sticky bit and all "
	    "(it may be /tmp)");
	free(deep);
	deep = xasprintf("%s/file", base);
	free(tap_write_file(base, "file", "x"));
	tap_ok(paths_ensure_private_dir(deep, &cause) == -1,
	    "a file in the way is an error");
	tap_contains(cause, "is not a directory", "which says so");
	free(cause);
	free(deep);
	free(base);
}

static void
test_templates_dir(void)
{
	char *dir;

	setenv("MLOPS_TUI_TEMPLATES", "/opt/t", 1);
	dir = paths_templates_dir();
	tap_is_str(dir, "/opt/t", "MLOPS_TUI_TEMPLATES overrides");
	free(dir);
	unsetenv("MLOPS_TUI_TEMPLATES");
	dir = paths_templates_dir();
	tap_is_str(dir, MT_PKGDATADIR "/templates",
	    "a test binary outside the build root uses the installed data");
	free(dir);
}

static void
is_relative(const char *from, const char *to, const char *want,
    const char *what)
{
	char *rel = paths_relative(from, to);

	tap_is_str(rel, want, "%s", what);
	free(rel);
}

/* The path from bindir to pkgdatadir, which finds a staged installation. */
static void
test_relative(void)
{
	is_relative("/usr/local/bin", "/usr/local/share/mlops-tui",
	    "../share/mlops-tui", "the default layout");
	is_relative("/opt/mt/bin/", "/srv/data//mlops-tui",
	    "../../../srv/data/mlops-tui", "no common prefix but the root");
	is_relative("/usr/./bin", "/usr/bin/x", "x",
	    "a directory below; '.' and slashes ignored");
	is_relative("/a/b", "/a/b", ".", "the same directory");
	is_relative("/a/bin", "/a/binary", "../binary",
	    "components are compared whole");
}

int
main(void)
{
	test_state_dir();
	test_state_file();
	test_organization_id();
	test_state_file_spellings();
	test_private_dir();
	test_templates_dir();
	test_relative();
	return tap_done();
}
