/*
 * Text wrapped to a width, for every view that shows prose or commands:
 * the wizard's panes, the step screen, the help. The lines are spans of
 * the source, so no character but the spaces at a break can be lost - a
 * command copied from a wrapped fix is the command the source holds.
 */
#ifndef MT_WRAP_H
#define MT_WRAP_H

#include <stddef.h>

struct wrap_line {
	size_t indent;       /* columns of blank before the span */
	const char *start;   /* borrowed from the source text */
	size_t len;          /* bytes */
};

/*
 * Split text into lines of at most width columns (a UTF-8 character is
 * one column): at its newlines, then at the last space that fits, else
 * within a word too long for a line - after its last hyphen or slash
 * that fits, else where the line ends. A continuation keeps its source
 * line's indentation, and hangs under the text of a list item ("1. ",
 * "- "). Returns how many lines; *lines is owned by the caller.
 */
size_t wrap_text(const char *text, size_t width, struct wrap_line **lines);

/* Bytes of s (len bytes) that fill at most cols columns. */
size_t wrap_bytes_for_columns(const char *s, size_t len, size_t cols);

/* Columns of s's first len bytes. */
size_t wrap_columns(const char *s, size_t len);

#endif
