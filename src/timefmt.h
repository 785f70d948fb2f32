/* Timestamps as the state file writes them: ISO 8601, UTC, whole seconds. */
#ifndef MT_TIMEFMT_H
#define MT_TIMEFMT_H

#include <stdbool.h>
#include <time.h>

#define TIMEFMT_LEN 21 /* "2026-11-27T03:40:00Z" plus the terminating NUL */

/* Format t into buf; returns buf. */
char *timefmt_iso8601(time_t t, char buf[TIMEFMT_LEN]);
/* "2026-11-27T03:40:00.123Z" for milliseconds since the epoch; caller frees. */
char *timefmt_iso8601_ms(long long ms);
/* Parse "YYYY-MM-DDTHH:MM:SSZ"; false when s is not exactly that. */
bool timefmt_parse(const char *s, time_t *out);
/* The same with any fraction of a second ("...:05.1234567Z", as Azure
 * DevOps writes), in milliseconds. */
bool timefmt_parse_ms(const char *s, long long *ms);

#endif
