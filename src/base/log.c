/*
 * Diagnostics on stderr. The level and stream are the one piece of process-wide state outside
 * main.c: main sets them once from -v/-q before any work starts (see docs/ARCHITECTURE.md).
 */
#include <stdarg.h>

#include "log.h"

static int cur_level = LOG_WARN;
static FILE *cur_stream;

void log_set_level(int level)
{
	cur_level = level;
}

int log_get_level(void)
{
	return cur_level;
}

void log_set_stream(FILE *f)
{
	cur_stream = f;
}

void log_msg(int level, const char *fmt, ...)
{
	FILE *f = cur_stream ? cur_stream : stderr;
	va_list ap;

	if (level > cur_level)
		return;
	fputs("mxtrace: ", f);
	if (level == LOG_WARN)
		fputs("warning: ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}
