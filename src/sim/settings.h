/*
 * The rules of the sandbox's settings (settings in the world, changed by
 * PATCH /_sandbox/settings): each value keeps its setting's type, and the
 * numbers stay in the ranges the sandbox can simulate.
 */
#ifndef MT_SIM_SETTINGS_H
#define MT_SIM_SETTINGS_H

#include <jansson.h>

/*
 * Whether every value of patch may replace the one of the same name in
 * settings: 0, else SETTINGS_UNKNOWN (a name that is no setting) or
 * SETTINGS_INVALID (patch no object, or a value refused) with *why (owned
 * by the caller) naming the first setting refused and what it takes.
 * Nothing is changed.
 */
enum { SETTINGS_UNKNOWN = -1, SETTINGS_INVALID = -2 };
int settings_check(json_t *settings, json_t *patch, char **why);

#endif
