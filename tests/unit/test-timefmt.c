/* Times as the services write them, and as the state file keeps them. */
#include "config.h"

#include <stdlib.h>

#include "tap.h"
#include "timefmt.h"

int
main(void)
{
	char buf[TIMEFMT_LEN];
	long long ms = -1;
	time_t t = 0;

	tap_ok(timefmt_parse("2026-11-27T10:00:05Z", &t) && t == 1795773605,
	    "a whole second, as the state file writes it");
	tap_is_str(timefmt_iso8601(t, buf), "2026-11-27T10:00:05Z", "and back");
	tap_ok(!timefmt_parse("2026-11-27T10:00:05.5Z", &t),
	    "the state file's form takes no fraction");
	tap_ok(timefmt_parse_ms("2026-11-27T10:00:05.1234567Z", &ms) &&
	    ms == 1795773605123LL, "Azure DevOps's seven digits: milliseconds");
	tap_ok(timefmt_parse_ms("2026-11-27T10:00:05.5Z", &ms) &&
	    ms == 1795773605500LL, "one digit: tenths");
	tap_ok(timefmt_parse_ms("2026-11-27T10:00:05Z", &ms) &&
	    ms == 1795773605000LL, "no fraction");
	tap_ok(!timefmt_parse_ms("2026-11-27T10:00:05.12", &ms),
	    "without its Z: refused");
	tap_ok(!timefmt_parse_ms("2026-11-27", &ms) && !timefmt_parse_ms(NULL,
	    &ms), "too short, or none: refused");
	tap_ok(!timefmt_parse_ms("2026-11-27T10:00:05.1x2Z", &ms),
	    "a stray letter in the fraction: refused");
	return tap_done();
}
