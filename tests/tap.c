/* TAP output for the C tests. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "xalloc.h"

static int tests_run;
static int tests_failed;

static bool __attribute__((format(printf, 2, 0)))
report(bool cond, const char *fmt, va_list ap)
{
	tests_run++;
	if (!cond)
		tests_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tests_run);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

bool
tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(cond, fmt, ap);
	va_end(ap);
	return cond;
}

bool
tap_is_str(const char *got, const char *want, const char *fmt, ...)
{
	bool cond = got != NULL && want != NULL ? strcmp(got, want) == 0 :
	    got == want;
	va_list ap;

	va_start(ap, fmt);
	report(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("got \"%s\", want \"%s\"", got ? got : "(null)",
		    want ? want : "(null)");
	return cond;
}

bool
tap_is_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(got == want, fmt, ap);
	va_end(ap);
	if (got != want)
		tap_diag("got %lld, want %lld", got, want);
	return got == want;
}

bool
tap_contains(const char *got, const char *want, const char *fmt, ...)
{
	bool cond = got != NULL && strstr(got, want) != NULL;
	va_list ap;

	va_start(ap, fmt);
	report(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("\"%s\" does not contain \"%s\"",
		    got ? got : "(null)", want);
	return cond;
}

void
tap_diag(const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	/* Every line of a diagnosis is a TAP comment. */
	for (char *line = strtok(text, "\n"); line != NULL;
	    line = strtok(NULL, "\n"))
		printf("# %s\n", line);
	free(text);
	fflush(stdout);
}

int
tap_done(void)
{
	printf("1..%d\n", tests_run);
	printf("# %d passed, %d failed\n", tests_run - tests_failed,
	    tests_failed);
	return tests_failed == 0 && tests_run > 0 ? 0 : 1;
}

char *
tap_tmpdir(const char *name)
{
	const char *top = getenv("top_builddir");
	char *base = xasprintf("%s/tests/tmp", top != NULL ? top : ".");
	char *dir = xasprintf("%s/%s.XXXXXX", base, name);

	mkdir(base, 0755);
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		exit(99);
	}
	free(base);
	return dir;
}

char *
tap_write_file(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) == EOF) {
		perror(path);
		exit(99);
	}
	return path;
}

char *
tap_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)len + 1);
	buf[fread(buf, 1, (size_t)len, f)] = '\0';
	fclose(f);
	return buf;
}

int
tap_run_unprivileged(void (*fn)(void *), void *arg)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == -1)
		return -1;
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) == -1 ||
		    setuid(65534) == -1))
			_exit(98);
		fn(arg);
		_exit(97);
	}
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}
