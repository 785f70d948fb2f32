/*
 * A small TAP producer for the C tests (automake's tap-driver.sh reads it).
 * Each check prints "ok N - ..." or "not ok N - ..." with a diagnosis;
 * tap_done() prints the plan and returns the process exit status.
 */
#ifndef MT_TAP_H
#define MT_TAP_H

#include <stdbool.h>

bool tap_ok(bool cond, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool tap_is_str(const char *got, const char *want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool tap_is_int(long long got, long long want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* got contains want (got NULL fails). */
bool tap_contains(const char *got, const char *want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tap_done(void);

/* A fresh directory under $top_builddir/tests/tmp; owned by the caller. */
char *tap_tmpdir(const char *name);
/* Write text to dir/name; returns the path, owned by the caller. */
char *tap_write_file(const char *dir, const char *name, const char *text);
/* The whole content of path, or NULL; owned by the caller. */
char *tap_read_file(const char *path);

/*
 * Run fn(arg) in a child process that is not root (as nobody when the tests
 * run as root), so that permission checks apply; fn exits with the status.
 * Returns that status, or -1 when the child could not run.
 */
int tap_run_unprivileged(void (*fn)(void *), void *arg);

#endif
