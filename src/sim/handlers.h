/* The sandbox's request handlers, one group per REST area. */
#ifndef MT_SIM_HANDLERS_H
#define MT_SIM_HANDLERS_H

#include "sim/exchange.h"

typedef void (*handler_fn)(struct exchange *x);

/* Location area (core.c) */
void handle_connection_data(struct exchange *x);
void handle_resource_areas(struct exchange *x);
/* core and operations areas (core.c) */
void handle_projects(struct exchange *x);
void handle_processes(struct exchange *x);
void handle_operations(struct exchange *x);

#endif
