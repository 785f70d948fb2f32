/* PATs and tokens: where they come from, and keeping them out of sight. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <jansson.h>

#include "atomicfile.h"
#include "credential.h"
#include "xalloc.h"

#define PAT_MAX 1024

struct credential *
credential_new(enum credential_kind kind, const char *secret)
{
	struct credential *c = xcalloc(1, sizeof *c);

	c->kind = kind;
	c->secret = xstrdup(secret);
	return c;
}

void
credential_wipe(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void
credential_free(struct credential *c)
{
	if (c == NULL)
		return;
	credential_wipe(c->secret);
	free(c);
}

static char *
base64(const unsigned char *p, size_t len)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = xmalloc(len * 4 / 3 + 5);
	size_t n = 0;

	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < len ?
		    (unsigned)p[i + 1] << 8 : 0) | (i + 2 < len ? p[i + 2] : 0);
		out[n++] = digits[v >> 18 & 63];
		out[n++] = digits[v >> 12 & 63];
		out[n++] = i + 1 < len ? digits[v >> 6 & 63] : '=';
		out[n++] = i + 2 < len ? digits[v & 63] : '=';
	}
	out[n] = '\0';
	return out;
}

char *
credential_header(const struct credential *c)
{
	char *pair, *encoded, *line;

	if (c->kind == CREDENTIAL_BEARER)
		return xasprintf("Authorization: Bearer %s", c->secret);
	/* Azure DevOps ignores the user name of Basic authentication. */
	pair = xasprintf(":%s", c->secret);
	encoded = base64((const unsigned char *)pair, strlen(pair));
	line = xasprintf("Authorization: Basic %s", encoded);
	credential_wipe(encoded);
	credential_wipe(pair);
	return line;
}

/* Strip the line end a file or a prompt leaves. */
static void
chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
	    s[n - 1] == ' '))
		s[--n] = '\0';
}

struct credential *
credential_token_file(const char *path, const char *what, char **cause)
{
	char buf[PAT_MAX + 2];
	struct stat sb;
	ssize_t n;
	int fd = atomicfile_open(path, O_RDONLY, 0, cause);
	struct credential *c;

	if (fd < 0) {
		if (fd == ATOMICFILE_ENOENT)
			set_cause(cause, "%s: there is no such %s file", path,
			    what);
		return NULL;
	}
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 077) != 0)
		fprintf(stderr, "mlops-tui: warning: %s can be read by other "
		    "users; chmod 600 it\n", path);
	n = read(fd, buf, PAT_MAX + 1);
	close(fd);
	if (n > PAT_MAX || n < 0) {
		explicit_bzero(buf, sizeof buf);
		if (n < 0)
			set_cause(cause, "%s: cannot read the %s file", path,
			    what);
		else
			set_cause(cause, "%s: holds more than a %s (at most %d "
			    "characters); put the %s alone in it", path, what,
			    PAT_MAX, what);
		return NULL;
	}
	buf[n] = '\0';
	chomp(buf);
	c = buf[0] ? credential_new(CREDENTIAL_PAT, buf) : NULL;
	explicit_bzero(buf, sizeof buf);
	if (c == NULL)
		set_cause(cause, "%s: the file is empty; put the %s in it",
		    path, what);
	return c;
}

/* The JSON az ad sp create-for-rbac prints, read from a file. */
#define PRINCIPAL_FILE_MAX 8192

static void
wipe_json_string(json_t *v)
{
	if (json_is_string(v))
		explicit_bzero((char *)json_string_value(v),
		    json_string_length(v));
}

static struct credential *
principal_from_json(json_t *doc, const char *path, char **app_id,
    char **tenant, char **cause)
{
	json_t *password = json_object_get(doc, "password");
	json_t *app = json_object_get(doc, "appId");
	struct credential *c = NULL;

	if (!json_is_string(password) || !json_is_string(app) ||
	    json_string_length(password) == 0)
		set_cause(cause, "%s: expected the JSON that az ad sp "
		    "create-for-rbac prints, with appId and password", path);
	else {
		c = credential_new(CREDENTIAL_BEARER, json_string_value(
		    password));
		*app_id = xstrdup(json_string_value(app));
		*tenant = xstrdup_or_null(json_string_value(json_object_get(
		    doc, "tenant")));
	}
	wipe_json_string(password);
	return c;
}

struct credential *
credential_principal_file(const char *path, char **app_id, char **tenant,
    char **cause)
{
	char buf[PRINCIPAL_FILE_MAX + 1];
	struct credential *c;
	ssize_t n;
	int fd = atomicfile_open(path, O_RDONLY, 0, cause);

	*app_id = *tenant = NULL;
	if (fd < 0) {
		if (fd == ATOMICFILE_ENOENT)
			set_cause(cause, "%s: there is no such principal file",
			    path);
		return NULL;
	}
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n <= 0 || n > PRINCIPAL_FILE_MAX) {
		explicit_bzero(buf, sizeof buf);
		set_cause(cause, "%s: expected at most %d bytes of JSON", path,
		    PRINCIPAL_FILE_MAX);
		return NULL;
	}
	c = credential_principal_text(buf, (size_t)n, path, app_id, tenant,
	    cause);
	explicit_bzero(buf, sizeof buf);
	return c;
}

struct credential *
credential_principal_text(const char *text, size_t len, const char *name,
    char **app_id, char **tenant, char **cause)
{
	struct credential *c = NULL;
	json_t *doc = json_loadb(text, len, 0, NULL);

	*app_id = *tenant = NULL;
	if (doc == NULL)
		set_cause(cause, "%s: not JSON; expected what az ad sp "
		    "create-for-rbac prints", name);
	else
		c = principal_from_json(doc, name, app_id, tenant, cause);
	json_decref(doc);
	return c;
}

/* The terminal's settings while echo is off, for the signal handler. */
static struct termios prompt_saved;
static volatile sig_atomic_t prompt_fd = -1;

/* Interrupted at the prompt: give the terminal its echo back, then die
 * of the signal as we would have. */
static void
restore_echo_and_die(int sig)
{
	if (prompt_fd != -1)
		tcsetattr(prompt_fd, TCSAFLUSH, &prompt_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Turn echo off on tty (or back on), catching the signals that would
 * leave it off. */
static void
set_echo(FILE *tty, bool on)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	static struct sigaction before[4];
	struct sigaction sa;
	struct termios quiet;

	if (on) {
		tcsetattr(fileno(tty), TCSAFLUSH, &prompt_saved);
		prompt_fd = -1;
		for (size_t i = 0; i < 4; i++)
			sigaction(signals[i], &before[i], NULL);
		return;
	}
	tcgetattr(fileno(tty), &prompt_saved);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = restore_echo_and_die;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < 4; i++)
		sigaction(signals[i], &sa, &before[i]);
	prompt_fd = fileno(tty);
	quiet = prompt_saved;
	quiet.c_lflag &= (tcflag_t)~ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
}

/* Ask on the terminal with echo off. */
static struct credential *
pat_from_prompt(char **cause)
{
	char buf[PAT_MAX + 2] = "";
	struct credential *c = NULL;
	FILE *tty = fopen("/dev/tty", "r+");

	if (tty == NULL) {
		set_cause(cause, "set AZURE_DEVOPS_EXT_PAT or use "
		    "--pat-file FILE (there is no terminal to ask on)");
		return NULL;
	}
	fputs("Azure DevOps personal access token (not shown): ", tty);
	fflush(tty);
	set_echo(tty, false);
	if (fgets(buf, sizeof buf, tty) != NULL) {
		chomp(buf);
		if (buf[0] != '\0')
			c = credential_new(CREDENTIAL_PAT, buf);
	}
	set_echo(tty, true);
	fputc('\n', tty);
	fclose(tty);
	explicit_bzero(buf, sizeof buf);
	if (c == NULL)
		set_cause(cause, "no PAT was typed");
	return c;
}

char *
credential_take_env(const char *name)
{
	char *env = getenv(name), *value;

	if (env == NULL || env[0] == '\0')
		return NULL;
	value = xstrdup(env);
	/* Wiped where it lies, so /proc/self/environ no longer shows it, and
	 * gone, so no child process of ours inherits it. */
	explicit_bzero(env, strlen(env));
	unsetenv(name);
	return value;
}

char *
credential_take_env_pat(void)
{
	return credential_take_env("AZURE_DEVOPS_EXT_PAT");
}

struct credential *
credential_pat(const char *path, char **cause)
{
	char *env = credential_take_env_pat();
	struct credential *c;

	if (env != NULL) {
		c = credential_new(CREDENTIAL_PAT, env);
		credential_wipe(env);
		return c;
	}
	if (path != NULL)
		return credential_token_file(path, "PAT", cause);
	return pat_from_prompt(cause);
}
