/* Injectable clock: monotonic milliseconds for deadlines, wall time for records. */
#ifndef MXTRACE_CLOCK_H
#define MXTRACE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/*
 * The system clock uses CLOCK_MONOTONIC and CLOCK_REALTIME. Golden tests install a fixed
 * clock (wall time fixed, elapsed times zero) so trail files compare byte for byte.
 */
struct clock {
	uint64_t (*mono_ms)(const struct clock *c);      /* monotonic, milliseconds */
	int64_t (*wall_ms)(const struct clock *c);       /* Unix time, milliseconds */
	int64_t fixed_wall_ms;                          /* used by the fixed clock */
};

extern const struct clock clock_system;
/* A clock frozen at the given Unix time in ms; its monotonic clock never advances. */
void clock_fixed_init(struct clock *c, int64_t wall_ms);
/* Format a Unix time in ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (at least 25 bytes). */
void clock_fmt_utc(int64_t wall_ms, char *out, size_t outlen);

#endif
