/* Names for the shared status codes. */
#include "status.h"

static const char *const names[ST__COUNT] = {
	[ST_OK] = "ok",
	[ST_NOMEM] = "out of memory",
	[ST_TOOBIG] = "too large",
	[ST_TRUNC] = "truncated",
	[ST_MALFORMED] = "malformed",
	[ST_INVAL] = "invalid argument",
	[ST_IO] = "input/output error",
	[ST_TIMEOUT] = "timed out",
	[ST_NOTFOUND] = "not found",
	[ST_UNSUPPORTED] = "not supported",
	[ST_CLOSED] = "connection closed",
	[ST_REFUSED] = "refused",
	[ST_AGAIN] = "try again",
	[ST_CANCELLED] = "cancelled",
};

const char *status_str(int st)
{
	if (st < 0 || st >= ST__COUNT || !names[st])
		return "unknown status";
	return names[st];
}
