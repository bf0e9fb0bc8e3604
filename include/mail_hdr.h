/* RFC 5322 header section: field splitting, unfolding and caps, tolerant of broken mail. */
#ifndef MXTRACE_MAIL_HDR_H
#define MXTRACE_MAIL_HDR_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "span.h"

/* Our caps (RFC 5322 sets none on the header section; §2.1.1 limits lines to 998 octets,
 * which real mail breaks, so lines are not capped, the whole section is). */
#define MAIL_MAX_HEADER_BYTES (1024u * 1024u)       /* header section, separator excluded */
#define MAIL_MAX_FIELDS 10000u                      /* header fields per section */
#define MAIL_MAX_MESSAGE_BYTES (64u * 1024u * 1024u) /* one message (default of addrs) */

enum mail_hdr_flag {
	MAIL_HDR_NO_SEPARATOR = 1 << 0, /* the body began at a line that is not a field */
	MAIL_HDR_NUL = 1 << 1,          /* NUL bytes in the header section */
	MAIL_HDR_FROM_LINE = 1 << 2,    /* an mbox "From " line opened the message (skipped) */
	MAIL_HDR_ORPHAN_FOLD = 1 << 3,  /* a continuation line before any field (skipped) */
	MAIL_HDR_8BIT = 1 << 4,         /* raw 8-bit bytes in the header section */
	MAIL_HDR_BARE_CR = 1 << 5,      /* lines ended by a lone CR */
};

struct mail_field {
	struct span name;        /* as written, blanks before ':' dropped */
	struct span raw;         /* value from after ':' to its last line's end, folds kept */
	unsigned long line;      /* 1-based line of the field in the message */
};

/* Borrowed views into the message; valid only while the message bytes live. */
struct mail_hdr {
	struct mail_field *f;
	size_t n;
	size_t cap;
	size_t hdr_len;          /* bytes of the header section (fields only) */
	size_t body_off;         /* offset of the first body byte (n when there is no body) */
	unsigned long body_line; /* 1-based line where the body begins */
	unsigned flags;          /* enum mail_hdr_flag */
};

/*
 * Split the header section of msg[0..n) into fields. Continuation lines (starting with a
 * blank) extend the field before them; an empty line ends the section; a line that is not
 * a field ("name:" with printable ASCII name) also ends it and starts the body (flag
 * MAIL_HDR_NO_SEPARATOR). A leading mbox "From " line is skipped. Returns ST_OK,
 * ST_TOOBIG when the section is longer than max_bytes or has more than max_fields fields
 * (0 for either means the default cap), or ST_NOMEM. h is reset first; free with
 * mail_hdr_free() in every case.
 */
int mail_hdr_parse(const char *msg, size_t n, size_t max_bytes, size_t max_fields,
                   struct mail_hdr *h);
void mail_hdr_free(struct mail_hdr *h);

/* Next field named `name` (case-insensitive) at index >= *pos; NULL if none. *pos is left
 * after the match, so repeated calls walk all fields of that name. */
const struct mail_field *mail_hdr_next(const struct mail_hdr *h, const char *name, size_t *pos);

/* Append a raw value unfolded (RFC 5322 §2.2.3: line ends before blanks removed), with
 * leading and trailing blanks trimmed and NUL bytes turned into spaces. */
int mail_hdr_unfold(struct span raw, struct buf *out);

/* Find parameter `param` (case-insensitive) of a MIME field value such as Content-Type
 * (RFC 2045 §5.1), with RFC 2231 continuations (param*0, param*1*) and charset/language
 * decoding of extended values; blanks around '=' tolerated. The value is appended to out
 * as UTF-8. Returns true when found. */
bool mail_param(const char *v, size_t n, const char *param, struct buf *out);

/* The value's first token (a MIME type or disposition), lower-cased into dst. */
void mail_value_token(const char *v, size_t n, char *dst, size_t dstlen);

#endif
