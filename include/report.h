/* Abuse report drafts: RFC 5322 plain-text messages or RFC 5965 ARF reports, never sent. */
#ifndef MXTRACE_REPORT_H
#define MXTRACE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define REPORT_MAX_TO 8         /* abuse addresses on one draft */

/* Who a draft goes to, and why that party can act. */
enum report_kind {
	REPORT_NETWORK,     /* holder of the netblock an MX host's address is in */
	REPORT_REGISTRAR,   /* registrar of the MX host's registered domain */
	REPORT_PROVIDER,    /* mailbox provider of a free-mail reply address or hosted domain */
	REPORT_DOMAIN_REGISTRAR /* registrar of the reply domain itself */
};

/* One address of an MX host, with what IP WHOIS said about it. Strings may be NULL. */
struct report_ip {
	const char *addr;       /* numeric IPv4 or IPv6 */
	const char *netblock;   /* "192.0.2.0/24" or a range */
	const char *netname;
	const char *holder;
	const char *source;     /* "whois.ripe.net" */
};

struct report_host {
	const char *name;
	int pref;               /* MX preference, -1 for implicit MX */
	const struct report_ip *ips;
	size_t nips;
	const char *regdomain;  /* registered domain of the host (PSL) */
	const char *registrar;
};

/*
 * One reply address found in one message, with its MX hosts. The raw message is borrowed and
 * copied byte for byte into drafts.
 */
struct report_case {
	const char *reply_addr;
	const char *reply_domain;
	const struct report_host *hosts;
	size_t nhosts;
	int64_t looked_up_ms;       /* UTC Unix time of the lookups, ms */
	const char *resolver;       /* which DNS server answered, for the statement */
	const uint8_t *raw;
	size_t raw_len;
	const char *source;         /* file name (and mbox index) the message came from */
};

/* A draft's recipient and the cases it concerns. */
struct report_recipient {
	enum report_kind kind;
	const char *to[REPORT_MAX_TO];   /* abuse addresses (already validated as addresses) */
	size_t nto;
	const char *party;               /* organisation name, for the greeting/subject */
	const char *form_url;            /* a web form when the party takes no e-mail */
	const char *why;                 /* "holds 192.0.2.0/24 (NET-EXAMPLE)" */
	const size_t *cases;             /* indexes into the case array */
	size_t ncases;
};

struct report_opts {
	const char *from;        /* From: of the draft, NULL to leave it to the mail program */
	const char *user_agent;  /* "mxtrace/0.1.0" */
	int64_t now_ms;          /* Date: of the draft */
};

/*
 * Plain-text draft (the default abuse desks prefer): our statement first, then every case's
 * original message between BEGIN/END markers, unaltered. If an original is not valid 8bit text
 * (NUL, bare CR, a line over 998 octets), the draft becomes multipart/mixed with the original
 * as a base64 application/octet-stream part, so it still arrives byte for byte.
 */
int report_write_text(struct buf *out, const struct report_recipient *r,
                      const struct report_case *cases, size_t ncases,
                      const struct report_opts *o);
/*
 * ARF (RFC 5965) draft for one case: multipart/report with the statement, a
 * message/feedback-report part (Feedback-Type: fraud, User-Agent, Version: 1, Reported-Domain,
 * Reported-URI: mailto:) and the original as message/rfc822.
 */
int report_write_arf(struct buf *out, const struct report_recipient *r,
                     const struct report_case *c, const struct report_opts *o);
/*
 * Append a header field value made safe: CR, LF and other controls become spaces, runs of
 * space collapse, non-ASCII text becomes RFC 2047 UTF-8 encoded words, and the result is
 * folded below 78 columns. `used` is the length already on the line (e.g. "Subject: ").
 */
int report_header_value(struct buf *out, const char *value, size_t used);
/*
 * The drafts of a run: cases and deduplicated recipients (each recipient's `cases` index
 * into `cases`). Plain-text drafts are one per recipient; ARF drafts one per recipient and
 * case that has an original message. Borrowed views: the owner keeps the arrays alive.
 */
struct report_set {
	const struct report_case *cases;
	size_t ncases;
	const struct report_recipient *const *rcpts;
	size_t nrcpts;
};

size_t report_set_count(const struct report_set *s, bool arf);
/* Draft i into out and its file name into name. ST_INVAL past the end. */
int report_set_draft(const struct report_set *s, size_t i, bool arf, const struct report_opts *o,
                     struct buf *out, char *name, size_t namelen);
/* One line for people: "network          abuse@x (party)". */
int report_set_line(const struct report_set *s, size_t i, bool arf, struct buf *out);

/* A file name for a draft: "NN-kind-party.eml" with only [a-z0-9.-] kept. */
void report_filename(char *out, size_t outlen, unsigned index, const struct report_recipient *r);
const char *report_kind_name(enum report_kind k);

#endif
