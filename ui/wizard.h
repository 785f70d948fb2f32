/* `mlops-tui` with no command: the curses wizard. */
#ifndef MT_UI_WIZARD_H
#define MT_UI_WIZARD_H

#include <stdbool.h>

#include "setup.h"

struct wizard_options {
	struct setup_options setup;
	bool sandbox;                  /* run the embedded sandbox */
	const char *accelerator;       /* its imports: NULL the stand-ins,
	                                * else the real trees in this dir */
	bool no_color;
	double time_scale;             /* the sandbox's; < 0: 0.02 */
};

/*
 * Run the wizard on a terminal; returns an exit status (exitcode.h).
 * Without a terminal (or with TERM=dumb) it says to use plan and apply.
 */
int cmd_wizard(struct wizard_options *opt);

#endif
