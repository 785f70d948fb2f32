/*
 * The resource locations the sandbox serves: one table that both answers
 * location discovery (OPTIONS) and routes requests, so the two can never
 * disagree. Ids, versions and templates are the real service's.
 */
#ifndef MT_SIM_LOCATIONS_H
#define MT_SIM_LOCATIONS_H

#include "sim/exchange.h"
#include "sim/handlers.h"

struct location {
	const char *area;
	const char *resource;
	const char *id;
	const char *template;     /* relative to the organization URL */
	const char *min_version;
	const char *max_version;
	const char *released;     /* "0.0": preview only */
	int resource_version;
	handler_fn handler;
};

/*
 * The location whose template matches path (case-insensitively), filling
 * x->params with the captured segments; NULL when none does.
 */
const struct location *locations_route(struct exchange *x);

/*
 * Whether path matches a route template (segments compared
 * case-insensitively, {value} captured, {*rest} the rest, trailing values
 * optional); params get the captures (freed and reset first).
 */
bool locations_match(const char *template, const char *path,
    char *params[EXCHANGE_MAX_PARAMS]);

/*
 * Answer OPTIONS _apis (area NULL) or OPTIONS _apis/{area} with
 * {count, value: [ApiResourceLocation]}; an unknown area is a 404.
 */
void locations_options(struct exchange *x, const char *area);

/*
 * Check the request's api-version against loc as the service does; on a
 * refusal, reply with the real error and return -1.
 */
int locations_check_version(const struct location *loc, struct exchange *x);

/* Parse "7.1", "7.1-preview", "7.1-preview.4"; false when malformed. */
bool locations_parse_version(const char *text, struct api_version *out);

#endif
