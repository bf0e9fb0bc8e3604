/* Snapshot generator: registry files in, data/mxtrace.snap out (docs/SNAPSHOT.md). */
#ifndef MXTRACE_SNAP_BUILD_H
#define MXTRACE_SNAP_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define SNAP_BUILD_MAX_DATES 32
#define SNAP_BUILD_MAX_INPUT (64u << 20)    /* one input file */

struct snap_build_opts {
	const char *from;           /* input directory (layout of ../shared/data) */
	const char *out;            /* output directory; the file is OUT/mxtrace.snap */
	bool has_build_time;        /* else: the newest source date, so output is reproducible */
	int64_t build_time;         /* Unix seconds */
	/* "PATH=YYYY-MM-DD" for sources that carry no date of their own (the PSL, the root
	 * database CSV); PATH relative to from. A file FROM/SOURCE-DATES with such lines
	 * (written by tools/update-data) is read too; these options win. */
	const char *dates[SNAP_BUILD_MAX_DATES];
	size_t ndates;
	/* Optional list of known defective input lines to skip (tools/known-defects). */
	const char *defects;
};

/*
 * Read every input under o->from, check it, and build the snapshot. On success returns
 * ST_OK, stores the file in *out / *outlen (malloc'd, caller frees) and appends warnings
 * (one per line) to msg. On failure returns ST_MALFORMED (an input is wrong: msg holds
 * "path:line: reason"), ST_NOTFOUND (an input is missing), ST_IO or ST_NOMEM.
 */
int snap_build_mem(const struct snap_build_opts *o, uint8_t **out, size_t *outlen,
                   struct buf *msg);
/* snap_build_mem, then write o->out/mxtrace.snap atomically (temporary file + rename). */
int snap_build(const struct snap_build_opts *o, struct buf *msg);

#endif
