/* Writing report drafts to a directory, shared by `trace --report` and `report`. */
#ifndef MXTRACE_CLI_REPORT_H
#define MXTRACE_CLI_REPORT_H

#include <stdbool.h>

#include "cli.h"
#include "report.h"

/*
 * Write every draft of s into dir (created if missing; an existing draft is replaced with a
 * warning) and, unless o->json, list them with how to send them. Returns 0, EXIT_CANTCREAT
 * when a file cannot be written, or EXIT_SOFTWARE.
 */
int cli_write_drafts(const char *cmd, const struct report_set *s, const char *dir, bool arf,
                     const char *from, struct cli_opts *o);

#endif
