/* Finds e-mail addresses in decoded text: plain, mailto:, and the obfuscated forms spam uses. */
#ifndef MXTRACE_MAIL_SCAN_H
#define MXTRACE_MAIL_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "mail_addr.h"

#define SCAN_MAX_ADDR (MAIL_MAX_LOCAL + 1 + 4 * MAIL_MAX_DOMAIN + 8)
#define SCAN_MAX_URL_BACK 2048   /* how far back a hit looks for the "://" of a URL */

enum scan_kind {
	SCAN_PLAIN = 0,          /* local@domain as is */
	SCAN_MAILTO,             /* a mailto: URI (HTML links arrive as " mailto:ADDR ") */
	SCAN_OBFUSCATED          /* rebuilt from "at"/"dot" words, brackets, spaces, ... */
};

/* One address found. Offsets are into `text`, the (normalised) text that was scanned. */
struct scan_hit {
	char addr[SCAN_MAX_ADDR];  /* local@domain, domain as written */
	size_t local_len;          /* addr[0..local_len) is the local part */
	size_t off;                /* where the written form starts in text */
	size_t len;                /* its length in text */
	enum scan_kind kind;
	char how[96];              /* obfuscation or repair, in words; "" for a plain hit */
	bool in_url;               /* part of a URL (http://user@host/...) */
	bool quoted;               /* on a quoted line ("> ...") */
	bool attribution;          /* on a "... wrote:" line of a quoted reply */
	bool msgid;                /* on a Message-ID/References/In-Reply-To line: an id */
	const char *text;          /* the scanned text, for context (valid during the callback) */
	size_t text_len;
};

/* Return non-zero to stop the scan (that value is returned by mail_scan). */
typedef int (*scan_fn)(void *ctx, const struct scan_hit *h);

/*
 * Scan UTF-8 text. Before matching, fullwidth '＠' and '．' and the small commercial at are
 * folded to ASCII, zero-width characters, soft hyphens and word joiners are removed, and
 * no-break spaces become spaces. Finds: plain addresses (also when a line break follows
 * '@' or splits the domain after a dot), mailto: URIs with percent-encoding, and the
 * obfuscations "name at domain dot com", "(at)", "[at]", "{at}", "<at>", "-at-", "[@]",
 * "(dot)", "[.]", spaces around '@' and '.', "arroba"/"собака"/"punkt"/"point"/"точка", and
 * "name at gmail" (implied ".com" for a few large providers). Every hit passes
 * maddr_check_local/maddr_check_domain. Hits come in text order per pass (plain and
 * mailto first, then obfuscated), so callers should deduplicate. Returns ST_OK, ST_NOMEM,
 * or what fn returned.
 */
int mail_scan(const char *text, size_t n, scan_fn fn, void *ctx);

#endif
