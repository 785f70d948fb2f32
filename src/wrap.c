/* Text wrapped to a width without losing a character (see wrap.h). */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "wrap.h"
#include "xalloc.h"

static bool
continuation_byte(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

size_t
wrap_columns(const char *s, size_t len)
{
	size_t cols = 0;

	for (size_t i = 0; i < len; i++)
		cols += !continuation_byte(s[i]);
	return cols;
}

size_t
wrap_bytes_for_columns(const char *s, size_t len, size_t cols)
{
	size_t i = 0, used = 0;

	while (i < len) {
		if (!continuation_byte(s[i]) && used++ == cols)
			break;
		i++;
	}
	return i;
}

/* The hanging indentation of a list item's marker, "1. " or "- ". */
static size_t
marker_width(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && isdigit((unsigned char)s[i]))
		i++;
	if (i > 0 && i + 1 < len && (s[i] == '.' || s[i] == ')') &&
	    s[i + 1] == ' ')
		return i + 2;
	if (len > 2 && (s[0] == '-' || s[0] == '*') && s[1] == ' ')
		return 2;
	return 0;
}

struct wrapper {
	struct wrap_line *lines;
	size_t count;
	size_t width;
};

static void
emit(struct wrapper *w, size_t indent, const char *start, size_t len)
{
	w->lines = xreallocarray(w->lines, w->count + 1, sizeof *w->lines);
	w->lines[w->count++] = (struct wrap_line){ indent, start, len };
}

/* Where a line of at most room columns ends in s: the last space that
 * fits; in a word longer than the line, after its last hyphen or slash
 * that fits (deploy-online- / endpoint, .../_build/ / results), where a
 * reader sees a part end; else as much of it as fits. */
static size_t
break_at(const char *s, size_t len, size_t room)
{
	size_t fit = wrap_bytes_for_columns(s, len, room);

	if (fit == len)
		return len;
	for (size_t i = fit; i > 0; i--)
		if (s[i] == ' ')
			return i;
	for (size_t i = fit; i > 1; i--)
		if (s[i - 1] == '-' || s[i - 1] == '/')
			return i;
	return fit > 0 ? fit : wrap_bytes_for_columns(s, len, 1);
}

/* One source line (no newline), as many lines as it needs. */
static void
wrap_source_line(struct wrapper *w, const char *s, size_t len)
{
	size_t indent = strspn(s, " "), hang, room, end;

	if (indent > len)
		indent = len;
	s += indent, len -= indent;
	hang = indent + marker_width(s, len);
	/* A width too narrow for the indentation still shows the text. */
	if (hang >= w->width)
		indent = hang = 0;
	do {
		room = w->width - indent;
		end = break_at(s, len, room);
		emit(w, indent, s, end);
		while (end < len && s[end] == ' ')
			end++;
		s += end, len -= end;
		indent = hang;
	} while (len > 0);
}

size_t
wrap_text(const char *text, size_t width, struct wrap_line **lines)
{
	struct wrapper w = { NULL, 0, width > 0 ? width : 1 };
	const char *p = text;
	size_t len;

	while (p != NULL && *p != '\0') {
		len = strcspn(p, "\n");
		wrap_source_line(&w, p, len);
		p += len;
		if (*p == '\n')
			p++;
	}
	*lines = w.lines;
	return w.count;
}
