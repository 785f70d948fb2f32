/* Wrapped text: within its width, and not a character lost. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wrap.h"
#include "xalloc.h"

/* The text without its blanks: what no wrapping may change. */
static char *
ink_of(const char *text)
{
	char *out = xcalloc(1, strlen(text) + 1), *o = out;

	for (const char *p = text; *p != '\0'; p++)
		if (*p != ' ' && *p != '\n')
			*o++ = *p;
	*o = '\0';
	return out;
}

/* The wrapped lines joined again, a space at each break. */
static char *
rejoined(const char *text, size_t width, size_t *widest, size_t *count)
{
	struct wrap_line *lines = NULL;
	size_t n = wrap_text(text, width, &lines), len = 0;
	char *out, *o;

	for (size_t i = 0; i < n; i++)
		len += lines[i].indent + lines[i].len + 1;
	o = out = xcalloc(1, len + 1);
	*widest = 0;
	for (size_t i = 0; i < n; i++) {
		size_t cols = lines[i].indent + wrap_columns(lines[i].start,
		    lines[i].len);

		*widest = cols > *widest ? cols : *widest;
		memcpy(o, lines[i].start, lines[i].len);
		o += lines[i].len;
		*o++ = ' ';
	}
	*o = '\0';
	*count = n;
	free(lines);
	return out;
}

static void
check(const char *text, size_t width, const char *name)
{
	size_t widest, n;
	char *joined = rejoined(text, width, &widest, &n);
	char *got = ink_of(joined), *want = ink_of(text);

	tap_is_str(got, want, "%s at %zu: every character kept", name, width);
	tap_ok(widest <= width, "%s at %zu: no line wider (%zu)", name, width,
	    widest);
	free(got);
	free(want);
	free(joined);
}

int
main(void)
{
	const char *fix = "Run it again: az pipelines run --name "
	    "initialise-project --branch main --project mlops-v2 --org "
	    "https://dev.azure.com/contoso --parameters mlopsRepoName=taxi";
	const char *list = "1. Check Organization settings > Pipelines > "
	    "Parallel jobs: the Microsoft-hosted count\n   for private "
	    "projects must be at least 1.\n2. Request the free grant at "
	    "https://aka.ms/azpipelines-parallelism-request (it takes a few "
	    "working days)";
	struct wrap_line *lines = NULL;
	size_t n;

	for (size_t w = 8; w <= 120; w++) {
		check(fix, w, "a command");
		check(list, w, "a list");
	}
	check("tàxi-färe — ünïcode wörds wrapped by their columns", 10,
	    "UTF-8");
	n = wrap_text("no run can get an agent", 13, &lines);
	tap_is_int((long long)n, 2, "a word crossing the edge goes whole to "
	    "the next line");
	tap_ok(n == 2 && lines[0].len == 10 && strncmp(lines[1].start, "get",
	    3) == 0, "cut at the space before it");
	free(lines);
	n = wrap_text("2. Request the free grant", 12, &lines);
	tap_ok(n == 3 && lines[1].indent == 3 && lines[2].indent == 3,
	    "a list item's continuation hangs under its text");
	free(lines);
	n = wrap_text("azpipelinesparallelism", 10, &lines);
	tap_ok(n == 3 && lines[0].len == 10 && lines[2].len == 2,
	    "a word longer than the width is cut, nothing dropped");
	free(lines);
	n = wrap_text("deploy-online-endpoint-pipeline ran", 30, &lines);
	tap_ok(n == 2 && lines[0].len == 23 && strncmp(lines[1].start,
	    "pipeline ran", 12) == 0, "a long word breaks after its last "
	    "hyphen that fits, not inside a part");
	free(lines);
	n = wrap_text("https://aka.ms/azpipelines", 20, &lines);
	tap_ok(n == 2 && lines[0].len == 15 && strncmp(lines[1].start,
	    "azpipelines", 11) == 0, "an address, after its last slash "
	    "that fits");
	free(lines);
	tap_is_int((long long)wrap_text("", 10, &lines), 0, "no text, no line");
	free(lines);
	return tap_done();
}
