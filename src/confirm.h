/*
 * The operator's word before a change: a y/N question on the terminal
 * (/dev/tty, so that it is asked even with the output redirected).
 */
#ifndef MT_CONFIRM_H
#define MT_CONFIRM_H

/* Ask question (" [y/N] " follows); 1 for yes, 0 for anything else or
 * end of input, -1 when there is no terminal to ask on. */
int confirm_on_terminal(const char *question);

#endif
