/* System and fixed clocks, and UTC timestamp formatting. */
#include <stdio.h>
#include <time.h>

#include "clock.h"

static uint64_t sys_mono(const struct clock *c)
{
	struct timespec ts;

	(void)c;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int64_t sys_wall(const struct clock *c)
{
	struct timespec ts;

	(void)c;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const struct clock clock_system = { sys_mono, sys_wall, 0 };

static uint64_t fixed_mono(const struct clock *c)
{
	(void)c;
	return 0;
}

static int64_t fixed_wall(const struct clock *c)
{
	return c->fixed_wall_ms;
}

void clock_fixed_init(struct clock *c, int64_t wall_ms)
{
	c->mono_ms = fixed_mono;
	c->wall_ms = fixed_wall;
	c->fixed_wall_ms = wall_ms;
}

void clock_fmt_utc(int64_t wall_ms, char *out, size_t outlen)
{
	time_t secs = (time_t)(wall_ms / 1000);
	int ms = (int)(wall_ms % 1000);
	struct tm tm;

	if (ms < 0) {
		ms += 1000;
		secs--;
	}
	if (!gmtime_r(&secs, &tm)) {
		snprintf(out, outlen, "1970-01-01T00:00:00.000Z");
		return;
	}
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}
