/*
 * The sandbox's answers on Azure's global names (availability.c): both
 * checkNameAvailability endpoints and GET of a vault or storage account,
 * from the world alone. Called by arm.c with the world locked.
 */
#ifndef MT_SIM_AVAILABILITY_H
#define MT_SIM_AVAILABILITY_H

#include <stdbool.h>

#include <jansson.h>

#include "sim/exchange.h"

/* Answer path (below /_arm/) when it is one of these; true if it was. */
bool availability_route(struct exchange *x, json_t *root, const char *path);
/* Azure's storage account rule: 3 to 24 lowercase letters and digits
 * (the pipelines' terraform state account is held to it too). */
bool storage_name_valid(const char *name);

#endif
