/* Report drafts on disk: one file each, listed with the command that sends it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "cli_report.h"
#include "log.h"
#include "status.h"

int cli_write_drafts(const char *cmd, const struct report_set *s, const char *dir, bool arf,
                     const char *from, struct cli_opts *o)
{
	size_t n = report_set_count(s, arf), i;
	struct report_opts ro = { from, "mxtrace/" MXTRACE_VERSION, o->clock.wall_ms(&o->clock) };
	int rc = 0;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		log_msg(LOG_ERROR, "%s: cannot create %s: %s", cmd, dir, strerror(errno));
		return EXIT_CANTCREAT;
	}
	if (!o->json)
		printf("\n%zu report draft%s in %s (review, then send each with: sendmail -t < FILE)\n",
		       n, n == 1 ? "" : "s", dir);
	for (i = 0; i < n; i++) {
		struct buf d, line;
		char name[128], path[4096];
		FILE *f;

		buf_init(&d, BUF_MAX_DEFAULT);
		buf_init(&line, 4096);
		if (report_set_draft(s, i, arf, &ro, &d, name, sizeof(name)) != ST_OK) {
			rc = EXIT_SOFTWARE;
			goto next;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		f = fopen(path, "wx");
		if (!f && errno == EEXIST) {
			log_msg(LOG_WARN, "%s: %s exists: replaced", cmd, path);
			f = fopen(path, "w");
		}
		if (!f) {
			log_msg(LOG_ERROR, "%s: cannot write %s: %s", cmd, path, strerror(errno));
			rc = EXIT_CANTCREAT;
			goto next;
		}
		if (fwrite(d.data, 1, d.len, f) != d.len) {
			log_msg(LOG_ERROR, "%s: cannot write %s: %s", cmd, path, strerror(errno));
			rc = EXIT_CANTCREAT;
		}
		if (fclose(f) != 0 && !rc) {
			log_msg(LOG_ERROR, "%s: cannot write %s: %s", cmd, path, strerror(errno));
			rc = EXIT_CANTCREAT;
		}
		if (!rc && !o->json) {
			report_set_line(s, i, arf, &line);
			printf("  %s  %s\n", path, buf_str(&line));
		}
next:
		buf_reset(&d);
		buf_reset(&line);
	}
	return rc;
}
