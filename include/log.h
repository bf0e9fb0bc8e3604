/* Diagnostics on stderr for the CLI edge; library code reports through statuses instead. */
#ifndef MXTRACE_LOG_H
#define MXTRACE_LOG_H

#include <stdio.h>

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Set by main from -v / -q; messages above the level are dropped. */
void log_set_level(int level);
int log_get_level(void);
/* Redirect output (tests); NULL restores stderr. */
void log_set_stream(FILE *f);
/* Print "mxtrace: [warning: ]message\n"; the message is printed as given (callers escape
 * peer data with text_sanitize first). */
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
