/* A y/N question on the terminal; see confirm.h. */
#include "config.h"

#include <stdio.h>

#include "confirm.h"

int
confirm_on_terminal(const char *question)
{
	char answer[16] = "";
	FILE *tty = fopen("/dev/tty", "r+");
	int yes;

	if (tty == NULL)
		return -1;
	fprintf(tty, "\n%s [y/N] ", question);
	fflush(tty);
	yes = fgets(answer, sizeof answer, tty) != NULL &&
	    (answer[0] == 'y' || answer[0] == 'Y');
	fclose(tty);
	return yes;
}
