/* Charset conversion of mail text to UTF-8: UTF-8, UTF-16, ISO-8859-*, Windows-125x, KOI8. */
#ifndef MXTRACE_CHARSET_H
#define MXTRACE_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* What charset_to_utf8() did with a label. */
enum charset_kind {
	CHARSET_UTF8 = 0,     /* UTF-8 or US-ASCII (8-bit bytes that are not UTF-8: Windows-1252) */
	CHARSET_SINGLE,       /* a table-driven single-byte charset */
	CHARSET_UTF16,        /* UTF-16 (BOM, else big-endian), UTF-16LE, UTF-16BE */
	CHARSET_UNKNOWN       /* not decoded: passed through (see charset_to_utf8) */
};

/*
 * Identify a charset label (MIME charset parameter or RFC 2047 charset, case-insensitive,
 * RFC 2231 "*language" suffix ignored, common aliases such as latin1, cp1251, koi8r
 * accepted). Returns the kind; for CHARSET_SINGLE *table is set to an opaque index for
 * charset_to_utf8. An empty label is CHARSET_UTF8 (unlabelled text).
 */
enum charset_kind charset_lookup(const char *name, size_t n, int *table);

/*
 * Append `in` converted to UTF-8. Single-byte charsets go through their tables, unassigned
 * bytes become U+FFFD. UTF-8/US-ASCII text is copied when valid; otherwise it is decoded as
 * Windows-1252 (what mislabelled 8-bit mail almost always is). Unknown charsets are passed
 * through: ASCII bytes and valid UTF-8 sequences are kept, every other byte becomes U+FFFD,
 * and *known (if not NULL) is set false so the caller can note it. NUL bytes become U+FFFD.
 * Returns ST_OK or the buffer's error (ST_TOOBIG, ST_NOMEM).
 */
int charset_to_utf8(const char *name, size_t n, const void *in, size_t len, struct buf *out,
                    bool *known);

/* Canonical name of a label ("windows-1251" for "CP1251"); NULL for unknown charsets. */
const char *charset_canonical(const char *name, size_t n);

#endif
