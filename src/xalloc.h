/*
 * Allocation that never returns NULL: out of memory ends the program with a
 * message, so callers need no error path for it (tmux and htop do the same).
 * Every pointer returned is owned by the caller and released with free().
 */
#ifndef MT_XALLOC_H
#define MT_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grow an array of count elements of size bytes to hold count + 1. */
void *xreallocarray(void *ptr, size_t count, size_t size);
char *xstrdup(const char *s);
/* xstrdup that passes NULL through. */
char *xstrdup_or_null(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Replace *dst (freed) by a formatted message; for char **cause outputs. */
void set_cause(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* set_cause, then -1: for `return cause_error(cause, ...)`. */
int cause_error(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
