/* MIME walker (RFC 2045/2046): visits every text leaf of a message, decoded to UTF-8. */
#ifndef MXTRACE_MIME_H
#define MXTRACE_MIME_H

#include <stdbool.h>
#include <stddef.h>

#include "mail_hdr.h"

#define MIME_MAX_DEPTH 16        /* nesting of multiparts and message/rfc822 parts */
#define MIME_MAX_PARTS 1000      /* parts visited per message */
#define MIME_MAX_BOUNDARY 200    /* RFC 2046 §5.1.1 says 70; real mail is longer */
#define MIME_MAX_PATH 96         /* bytes of a part number such as "1.2.3" */

/* Caps for one walk; zero members take the defaults above (and MAIL_MAX_*). */
struct mime_limits {
	size_t max_header;       /* header section of the message and of every part */
	size_t max_fields;
	unsigned max_depth;
	unsigned max_parts;
	size_t max_text;         /* decoded text of one part (default: 4 * input + 64 KiB) */
};

/* Where a piece of text or a header section came from. Strings live during the callback. */
struct mime_part_info {
	const char *path;        /* IMAP-style part number: "" top, "1", "2.1", ... */
	unsigned depth;          /* 0 for the top entity */
	unsigned msg_level;      /* message/rfc822 parts entered to get here */
	const char *type;        /* lower-case media type, "text/plain" when absent */
	const char *charset;     /* as labelled, "" when absent */
	const char *encoding;    /* lower-case Content-Transfer-Encoding, "" when absent */
	const char *filename;    /* RFC 2231/2047-decoded file name, or NULL */
	const char *steps;       /* decoding done, e.g. "base64, charset windows-1251, html" */
	bool attachment;         /* Content-Disposition: attachment */
	size_t offset;           /* of the entity in the walked bytes (for an entity inside a
	                          * base64/QP-encoded message part: of that part's body) */
};

/*
 * Callbacks. on_headers sees the header section of the top message and of every
 * message/rfc822 part; on_text sees each text leaf decoded to UTF-8 (HTML reduced to text
 * with mailto: links kept); on_note gets a short English sentence about damage or a limit.
 * A callback returning non-zero stops the walk with that status. Any may be NULL.
 */
struct mime_cb {
	void *ctx;
	int (*on_headers)(void *ctx, const char *msg, const struct mail_hdr *h,
	                  const struct mime_part_info *pi);
	int (*on_text)(void *ctx, const char *text, size_t n, const struct mime_part_info *pi);
	void (*on_note)(void *ctx, const char *note);
};

/*
 * Walk msg[0..n). Multipart boundaries are taken from the first Content-Type whose
 * delimiter occurs in the body (duplicate headers happen); a missing close delimiter ends
 * the last part at the end; a multipart without any delimiter is read as text; bodies that
 * look like HTML without a Content-Type are read as HTML; nesting deeper than max_depth and
 * parts beyond max_parts are skipped with a note. Returns ST_OK, ST_TOOBIG when the top
 * header section passes the cap (nothing is visited then), ST_NOMEM, or a callback's
 * status.
 */
int mime_walk(const char *msg, size_t n, const struct mime_limits *lim,
              const struct mime_cb *cb);

#endif
