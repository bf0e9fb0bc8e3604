/* Message input: one raw message or an mbox, split into messages with their exact bytes. */
#ifndef MXTRACE_MBOX_H
#define MXTRACE_MBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define MBOX_MAX_FILE ((size_t)16 << 30) /* an input file or stdin stream (16 GiB) */

/*
 * Iterates over the messages of an input held in memory. An input whose first line starts
 * with "From " is an mbox: a message starts at each "From " line that opens the input or
 * follows an empty line (mboxo/mboxrd; docs/QUIRKS.md says why not every "From " line).
 * Any other input is one message. The iterator borrows the bytes.
 */
struct mbox_iter {
	const char *p;
	size_t n;
	size_t pos;
	bool is_mbox;
	unsigned long count;     /* messages returned so far */
};

/* One message; `raw` points into the input: the exact bytes, From_ line excluded. */
struct mbox_msg {
	const char *raw;
	size_t len;
	size_t offset;           /* of raw within the input */
	const char *from_line;   /* the mbox "From " line without its line end, or NULL */
	size_t from_len;
	unsigned long index;     /* 1-based */
	bool escaped;            /* has ">From " lines (see mbox_unescape) */
};

void mbox_init(struct mbox_iter *it, const void *data, size_t n);
/* Next message; false at the end. An empty input yields no message. */
bool mbox_next(struct mbox_iter *it, struct mbox_msg *m);
/* Append the message with mboxrd quoting undone (">From " → "From ", ">>From " → ">From ")
 * to out: what the sender wrote. Returns ST_OK or the buffer's error. */
int mbox_unescape(const struct mbox_msg *m, struct buf *out);

/* An input file in memory: mapped when it is a regular file, read otherwise. */
struct mbox_file {
	const char *data;
	size_t len;
	void *map;               /* mmap base, or NULL */
	size_t map_len;
	struct buf owned;        /* bytes read from a pipe or stdin */
};

/*
 * Load `path` ("-" for standard input). Returns ST_OK, ST_IO (errno kept) when it cannot
 * be opened or read, or ST_TOOBIG beyond max bytes (0: MBOX_MAX_FILE). Free with
 * mbox_file_close() in every case.
 */
int mbox_file_open(const char *path, size_t max, struct mbox_file *f);
void mbox_file_close(struct mbox_file *f);

#endif
