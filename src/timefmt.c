/* ISO 8601 UTC timestamps. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "xalloc.h"

#include "timefmt.h"

char *
timefmt_iso8601(time_t t, char buf[TIMEFMT_LEN])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, TIMEFMT_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

bool
timefmt_parse(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;
	char again[TIMEFMT_LEN];

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0' || strlen(s) != TIMEFMT_LEN - 1)
		return false;
	*out = timegm(&tm);
	/* Only a time that is written back the same: not year 0425, which
	 * would be saved as "425-..." and then refused, nor February 30. */
	return *out != (time_t)-1 &&
	    strcmp(timefmt_iso8601(*out, again), s) == 0;
}

bool
timefmt_parse_ms(const char *s, long long *ms)
{
	char whole[TIMEFMT_LEN];
	const char *p = s + TIMEFMT_LEN - 2;
	long long frac = 0, unit = 1000;
	time_t t;

	if (s == NULL || strlen(s) < TIMEFMT_LEN - 1)
		return false;
	memcpy(whole, s, TIMEFMT_LEN - 2);
	whole[TIMEFMT_LEN - 2] = 'Z';
	whole[TIMEFMT_LEN - 1] = '\0';
	if (!timefmt_parse(whole, &t))
		return false;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if ((unit /= 10) > 0)
				frac += (*p - '0') * unit;
	if (strcmp(p, "Z") != 0)
		return false;
	*ms = (long long)t * 1000 + frac;
	return true;
}

char *
timefmt_iso8601_ms(long long ms)
{
	char buf[TIMEFMT_LEN];

	timefmt_iso8601((time_t)(ms / 1000), buf);
	buf[19] = '\0'; /* drop the Z, to add the milliseconds */
	return xasprintf("%s.%03lldZ", buf, ms % 1000);
}
