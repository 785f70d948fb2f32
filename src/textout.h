/* Plain text output of the command line commands (doctor, plan, apply). */
#ifndef MT_TEXTOUT_H
#define MT_TEXTOUT_H

/*
 * Print text to stdout, every line indented by indent columns, the first
 * one led by label (padded to 5 columns; "" for none).
 */
void textout_indented(int indent, const char *label, const char *text);

#endif
