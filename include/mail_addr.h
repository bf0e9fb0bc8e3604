/* RFC 5322 §3.4 address lists, parsed the way broken spam writes them, plus address checks. */
#ifndef MXTRACE_MAIL_ADDR_H
#define MXTRACE_MAIL_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#define MAIL_MAX_LOCAL 64      /* RFC 5321 §4.5.3.1.1 */
#define MAIL_MAX_DOMAIN 253    /* RFC 1035 §2.3.4, presentation form without final dot */
#define MAIL_MAX_LABEL 63      /* RFC 1035 §2.3.4 */
#define MAIL_MAX_LIST 1000     /* mailboxes kept per header field */
#define MAIL_MAX_COMMENT_DEPTH 32

enum maddr_flag {
	MADDR_ANGLE = 1 << 0,        /* written as <addr-spec> */
	MADDR_GROUP = 1 << 1,        /* inside a group ("name: a, b;") */
	MADDR_REPAIRED = 1 << 2,     /* broken syntax tolerated (see docs/QUIRKS.md) */
	MADDR_DISPLAY_ADDR = 1 << 3, /* the display name contains an address (spoof signal) */
	MADDR_ROUTE = 1 << 4,        /* an obsolete source route "@a,@b:" was dropped */
	MADDR_QUOTED_LOCAL = 1 << 5, /* local part was a quoted string */
	MADDR_EMPTY = 1 << 6,        /* "<>" or a display name only: no address */
	MADDR_NESTED_ANGLE = 1 << 7, /* "<<addr>>" */
};

struct maddr {
	char *display;   /* display name decoded to UTF-8 (RFC 2047), NULL if none */
	char *local;     /* local part, quotes removed; NULL with MADDR_EMPTY */
	char *domain;    /* domain as written (case kept); NULL with MADDR_EMPTY */
	unsigned flags;  /* enum maddr_flag */
};

struct maddr_list {
	struct maddr *a;
	size_t n;
	size_t cap;
	size_t dropped;  /* mailboxes beyond MAIL_MAX_LIST */
};

/*
 * Parse an unfolded address-list value (From, Reply-To, To, ...). Comments, quoted
 * strings, groups, obsolete routes and the forms of §4.4 are accepted; so are missing
 * brackets, unbalanced quotes, "<<addr>>", several '<' and stray text, which are repaired
 * and flagged. Entries without an address are kept with MADDR_EMPTY (a display name alone
 * still tells who claims to write). Returns ST_OK or ST_NOMEM; free with maddr_list_free.
 */
int maddr_parse(const char *s, size_t n, struct maddr_list *out);
void maddr_list_free(struct maddr_list *l);

/* Reasons an address fails the checks below. */
enum maddr_bad {
	MADDR_OK = 0,
	MADDR_BAD_LOCAL,         /* empty, too long, bad characters, dots misplaced */
	MADDR_BAD_DOMAIN,        /* empty, too long, label too long, bad characters */
	MADDR_NO_DOT,            /* a single-label domain ("pot"): not routable on the Internet */
	MADDR_BAD_TLD            /* last label not alphabetic (nor xn--) */
};

/* Dot-atom local part (RFC 5322 §3.4.1, with RFC 6531 UTF-8), at most MAIL_MAX_LOCAL octets. */
enum maddr_bad maddr_check_local(const char *s, size_t n);
/* Host name: labels of letters, digits, hyphens or UTF-8 (IDN), at most MAIL_MAX_LABEL
 * octets each and MAIL_MAX_DOMAIN overall, at least two labels, an alphabetic (or xn--)
 * last label of two or more characters. A domain literal "[...]" is MADDR_BAD_DOMAIN. */
enum maddr_bad maddr_check_domain(const char *s, size_t n);
const char *maddr_bad_str(enum maddr_bad b);

#endif
