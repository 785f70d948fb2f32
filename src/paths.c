/* State directory, state file names and the templates directory. */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "paths.h"
#include "xalloc.h"

char *
paths_state_dir(char **cause)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/mlops-tui", xdg);
	if (home != NULL && home[0] == '/')
		return xasprintf("%s/.local/state/mlops-tui", home);
	set_cause(cause, "cannot tell where to keep the state: neither "
	    "XDG_STATE_HOME nor HOME is an absolute path (use --state FILE)");
	return NULL;
}

static int
make_one_dir(const char *dir, char **cause)
{
	struct stat sb;

	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno != EEXIST) {
		set_cause(cause, "%s: cannot create: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		set_cause(cause, "%s: exists and is not a directory", dir);
		return -1;
	}
	return 0;
}

int
paths_ensure_private_dir(const char *dir, char **cause)
{
	char *copy = xstrdup(dir);
	char *p;
	int rc = -1;

	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (make_one_dir(copy, cause) == -1)
			goto out;
		*p = '/';
	}
	/* A directory that exists keeps its mode: it may be /tmp or a
	 * shared one (the files in it are 0600 all the same). */
	if (make_one_dir(copy, cause) == -1)
		goto out;
	rc = 0;
out:
	free(copy);
	return rc;
}

/* s lowercased, with every byte outside [a-z0-9._-] as %XX; caller frees. */
static char *
key_part(const char *s)
{
	char *out = xmalloc(3 * strlen(s) + 1);
	size_t len = 0;
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)tolower((unsigned char)*s);
		if (isalnum(c) || c == '.' || c == '-' || c == '_')
			out[len++] = (char)c;
		else
			len += (size_t)sprintf(out + len, "%%%02X", c);
	}
	out[len] = '\0';
	return out;
}

/* "https://dev.azure.com/Contoso/" -> "dev.azure.com/Contoso": the old
 * way, for a URL curl cannot parse. */
static char *
organization_key(const char *url)
{
	const char *p = strstr(url, "://");
	size_t len;

	p = p != NULL ? p + 3 : url;
	len = strlen(p);
	while (len > 0 && p[len - 1] == '/')
		len--;
	return xstrndup(p, len);
}

/* The loopback names one machine answers to: one identity for all. */
static bool
is_loopback_name(const char *host)
{
	return strcmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
	    strcmp(host, "127.0.0.1") == 0;
}

/* path without repeated or trailing slashes, appended to *out. */
static void
append_path(char **out, const char *path)
{
	char *joined;

	for (const char *p = path; *p != '\0'; ) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		joined = xasprintf("%s/%.*s", *out, (int)n, p);
		free(*out);
		*out = joined;
		p += n;
	}
}

/* host:port, lowercased, loopback names as 127.0.0.1, the scheme's own
 * port left out; ORG.visualstudio.com as dev.azure.com/ORG. */
static char *
organization_origin(CURLU *u)
{
	char *host = NULL, *port = NULL, *scheme = NULL, *out;
	size_t n;

	curl_url_get(u, CURLUPART_HOST, &host, 0);
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	for (char *p = host; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	n = strlen(host);
	if (n > 0 && host[n - 1] == '.')
		host[--n] = '\0';
	if (port != NULL && strcmp(port, strcasecmp(scheme, "https") == 0 ?
	    "443" : "80") == 0) {
		curl_free(port);
		port = NULL;
	}
	if (n > 17 && strcmp(host + n - 17, ".visualstudio.com") == 0 &&
	    port == NULL)
		out = xasprintf("dev.azure.com/%.*s", (int)(n - 17), host);
	else
		out = xasprintf("%s%s%s", is_loopback_name(host) ?
		    "127.0.0.1" : host, port ? ":" : "", port ? port : "");
	curl_free(host);
	curl_free(port);
	curl_free(scheme);
	return out;
}

char *
paths_organization_id(const char *url)
{
	CURLU *u = curl_url();
	char *path = NULL, *out;

	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return organization_key(url);
	}
	out = organization_origin(u);
	/* ORG.visualstudio.com/DefaultCollection is the organization too. */
	append_path(&out, strncmp(out, "dev.azure.com/", 14) == 0 &&
	    strchr(out + 14, '/') == NULL && strcasecmp(path,
	    "/DefaultCollection") == 0 ? "" : path);
	curl_free(path);
	curl_url_cleanup(u);
	return out;
}

char *
paths_state_file(const char *dir, const char *organization_url,
    const char *project, const char *repository)
{
	char *org = paths_organization_id(organization_url);
	char *parts[3] = { key_part(org), key_part(project),
	    key_part(repository) };
	/* '+' is always encoded inside a part, so as a separator it is unique. */
	char *path = xasprintf("%s/%s+%s+%s.json", dir, parts[0], parts[1],
	    parts[2]);

	for (size_t i = 0; i < 3; i++)
		free(parts[i]);
	free(org);
	return path;
}

static char *
own_executable_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash == NULL)
		return NULL;
	*slash = '\0';
	return xstrdup(buf);
}

static int
has_catalogue(const char *dir)
{
	char *path = xasprintf("%s/steps.yml", dir);
	int found = access(path, R_OK) == 0;

	free(path);
	return found;
}

/* The next component of path at *p, skipping "/" and "." ones; 0 at the end. */
static size_t
next_component(const char **p)
{
	size_t len;

	for (;;) {
		while (**p == '/')
			(*p)++;
		len = strcspn(*p, "/");
		if (len != 1 || **p != '.')
			return len;
		*p += len;
	}
}

/* rel with "/"-separated part appended; frees rel. */
static char *
append_part(char *rel, const char *part, size_t len)
{
	char *joined = xasprintf("%s%s%.*s", rel, rel[0] != '\0' ? "/" : "",
	    (int)len, part);

	free(rel);
	return joined;
}

char *
paths_relative(const char *from, const char *to)
{
	size_t flen = next_component(&from), tlen = next_component(&to);
	char *rel = xstrdup("");

	/* Drop the leading components the two have in common. */
	while (flen != 0 && flen == tlen && strncmp(from, to, flen) == 0) {
		from += flen;
		to += tlen;
		flen = next_component(&from);
		tlen = next_component(&to);
	}
	for (; flen != 0; from += flen, flen = next_component(&from))
		rel = append_part(rel, "..", 2);
	for (; tlen != 0; to += tlen, tlen = next_component(&to))
		rel = append_part(rel, to, tlen);
	return rel[0] != '\0' ? rel : append_part(rel, ".", 1);
}

/* The build directory as the kernel names it, symbolic links resolved. */
static int
is_build_dir(const char *dir)
{
	char *build = realpath(MT_BUILDDIR, NULL);
	int same = build != NULL && strcmp(dir, build) == 0;

	free(build);
	return same;
}

/*
 * pkgdatadir's templates seen from the binary's own directory, through the
 * configured path from bindir to pkgdatadir: found in an installation
 * staged under DESTDIR or moved whole to another prefix, where the
 * configured absolute path does not hold them.
 */
static char *
templates_beside(const char *exe_dir)
{
	char *rel = paths_relative(MT_BINDIR, MT_PKGDATADIR);
	char *dir = xasprintf("%s/%s/templates", exe_dir, rel);
	char *real = has_catalogue(dir) ? realpath(dir, NULL) : NULL;

	free(dir);
	free(rel);
	return real;
}

char *
paths_templates_dir(void)
{
	const char *forced = getenv("MLOPS_TUI_TEMPLATES");
	char *exe_dir, *dir = NULL;

	if (forced != NULL && forced[0] != '\0')
		return xstrdup(forced);
	exe_dir = own_executable_dir();
	if (exe_dir != NULL && is_build_dir(exe_dir))
		dir = xstrdup(MT_SRCDIR "/templates");
	else if (exe_dir != NULL)
		dir = templates_beside(exe_dir);
	free(exe_dir);
	return dir != NULL ? dir : xstrdup(MT_PKGDATADIR "/templates");
}

static int
remove_entry(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
paths_remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
