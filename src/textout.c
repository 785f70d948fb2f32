/* Plain text output: indented, labelled blocks of text. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "textout.h"

void
textout_indented(int indent, const char *label, const char *text)
{
	const char *line = text, *nl = text;

	for (bool first = true; *line != '\0'; first = false, line = nl) {
		nl = strchr(line, '\n');
		nl = nl ? nl + 1 : line + strlen(line);
		printf("%*s%-5s%.*s", indent, "", first ? label : "",
		    (int)(nl - line), line);
	}
	if (nl > text && nl[-1] != '\n')
		putchar('\n');
}
