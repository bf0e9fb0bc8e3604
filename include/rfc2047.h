/* RFC 2047 encoded words ("=?charset?B|Q?text?=") in header text, decoded to UTF-8. */
#ifndef MXTRACE_RFC2047_H
#define MXTRACE_RFC2047_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define RFC2047_MAX_WORD 75     /* RFC 2047 §2: longer words are tolerated and counted */

struct rfc2047_report {
	unsigned words;          /* encoded words decoded */
	unsigned malformed;      /* "=?" that did not form an encoded word: kept literally */
	unsigned overlong;       /* words longer than RFC2047_MAX_WORD */
	bool unknown_charset;    /* some word's charset was passed through undecoded */
	char charset[24];        /* the first charset seen (canonical if known), for evidence */
};

/*
 * Append header text with encoded words decoded to UTF-8. Whitespace between adjacent
 * encoded words is dropped (§6.2); adjacent words in the same charset are joined before
 * conversion, so a multi-byte character split across two words survives. Words inside
 * other text without surrounding blanks are decoded too (spam does that). Raw 8-bit bytes
 * outside encoded words are kept when valid UTF-8, otherwise read as Windows-1252. CR and LF
 * are dropped (pass unfolded text). rep may be NULL. Returns ST_OK or the buffer's error.
 */
int rfc2047_decode(const char *s, size_t n, struct buf *out, struct rfc2047_report *rep);

#endif
