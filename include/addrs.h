/* Reply-address candidates of a scam message: extraction, exclusion and ranking with evidence. */
#ifndef MXTRACE_ADDRS_H
#define MXTRACE_ADDRS_H

#include <stdbool.h>
#include <stddef.h>

#include "freemail.h"
#include "json.h"
#include "mbox.h"

#define ADDRS_MAX_CANDIDATES 200  /* kept per message, best first */
#define ADDRS_MAX_EXCLUDED 200
#define ADDRS_MAX_EVIDENCE 12     /* sightings kept per candidate */
#define ADDRS_MAX_NOTES 32
#define ADDRS_MAX_PHRASE 160      /* bytes of text quoted around a body sighting */
#define ADDRS_BULK_BODY 6         /* distinct body addresses from which a mail looks bulk */

/* Why an address is a candidate; ordered from strongest to weakest. */
enum addrs_role {
	ADDRS_REPLY_TO = 0,       /* Reply-To (also Mail-Reply-To, Mail-Followup-To) */
	ADDRS_BODY,               /* the text asks victims to write to it, or links to it */
	ADDRS_FROM,
	ADDRS_SENDER,
	ADDRS_RETURN_PATH,        /* envelope sender: usually a bounce address */
	ADDRS_OTHER               /* other headers (Errors-To, Resent-From, ...) or bare text */
};

enum addrs_source { ADDRS_SRC_HEADER = 0, ADDRS_SRC_BODY };

/* One sighting of a candidate. Strings are owned by the result, never NULL ("" if empty). */
struct addrs_evidence {
	enum addrs_role role;
	enum addrs_source source;
	char *where;              /* "Reply-To header, line 72", "body part 2 (text/html)" */
	char *steps;              /* decoding done to reach it: "base64, charset koi8-r, html" */
	char *phrase;             /* the header value or the text around the address */
	char *note;               /* why it counts: "differs from From", "asks for replies" */
	unsigned msg_level;       /* 0: the message itself; 1+: inside attached messages */
	int points;               /* what this sighting is worth */
};

struct addrs_candidate {
	char *address;            /* local@domain with the domain in Unicode, for display */
	char *address_ascii;      /* local@domain with an A-label domain: use for lookups */
	char *local;
	char *domain;             /* lower case, Unicode */
	char *domain_ascii;       /* lower case, A-labels */
	enum addrs_role role;     /* strongest role among the sightings */
	int score;                /* 0..100; higher is more likely the scammer's dropbox */
	bool obfuscated;          /* found only in de-obfuscated form */
	const struct freemail_provider *freemail; /* report to this provider, or NULL */
	struct addrs_evidence *ev;
	size_t nev;
};

enum addrs_why {
	ADDRS_X_RECIPIENT = 0,    /* To, Cc, Bcc, Delivered-To, X-Original-To, "for <...>" */
	ADDRS_X_USER,             /* listed by the user as their own (--exclude) */
	ADDRS_X_INFRA,            /* mailer-daemon, postmaster, no-reply, bounce, SRS/BATV */
	ADDRS_X_LIST,             /* mailing-list machinery (List-*, -request, -owner) */
	ADDRS_X_ABUSE_DESK,       /* an abuse desk, not a reply target */
	ADDRS_X_URL,              /* only seen inside a URL */
	ADDRS_X_QUOTED,           /* only seen in quoted reply text or its attribution line */
	ADDRS_X_INVALID           /* fails address syntax, or a single-label domain */
};

struct addrs_excluded {
	char *address;
	enum addrs_why why;
	char *reason;             /* a sentence */
	char *where;              /* the first place it was seen */
};

/*
 * The analysis of one message. `status` is ST_OK when the message was read; otherwise
 * (ST_TOOBIG: over a size cap) `error` says what happened and the lists may be empty.
 */
struct addrs_result {
	unsigned long index;      /* message number within its input (1-based) */
	size_t offset;            /* of the message's raw bytes within its input */
	size_t length;
	int status;
	char *error;              /* NULL when status is ST_OK */
	char *subject;            /* decoded, NULL if absent */
	char *from;               /* the From header decoded, NULL if absent */
	char *date;
	char *message_id;
	struct addrs_candidate *cand;
	size_t ncand;
	struct addrs_excluded *excl;
	size_t nexcl;
	char **notes;             /* limits hit, damage tolerated, charsets passed through */
	size_t nnotes;
	bool bulk;                /* many distinct body addresses: looks like a newsletter */
};

/* Caps and choices; a zeroed struct gives the defaults. */
struct addrs_opts {
	size_t max_message;       /* bytes per message (0: MAIL_MAX_MESSAGE_BYTES) */
	size_t max_header;        /* header section bytes (0: MAIL_MAX_HEADER_BYTES) */
	unsigned max_depth;       /* MIME nesting (0: MIME_MAX_DEPTH) */
	unsigned max_parts;       /* MIME parts (0: MIME_MAX_PARTS) */
	const char *const *exclude; /* the user's own addresses: never candidates */
	size_t nexclude;
};

/*
 * Analyse one raw message (RFC 5322, CRLF or LF; a leading mbox "From " line is skipped).
 * On ST_OK *out holds a result the caller frees with addrs_result_free(), also when the
 * message itself was refused (see its status). Returns ST_NOMEM or ST_INVAL otherwise.
 */
int addrs_analyze(const void *msg, size_t n, const struct addrs_opts *o,
                  struct addrs_result **out);
void addrs_result_free(struct addrs_result *r);

/*
 * Called for each message of an input by addrs_each(). `m` describes the raw bytes as
 * stored (for report drafts); r is owned by the callee (free it with addrs_result_free).
 * Return non-zero to stop; addrs_each returns that value.
 */
typedef int (*addrs_msg_fn)(void *ctx, const struct mbox_msg *m, struct addrs_result *r);

/*
 * Analyse every message of an input held in memory: an mbox (">From " lines unquoted
 * before parsing) or a single message. Each result carries the message's index, offset
 * and length in `data`. Returns ST_OK, ST_NOMEM or the callback's value.
 */
int addrs_each(const void *data, size_t n, const struct addrs_opts *o, addrs_msg_fn fn,
               void *ctx);

/* Write a result as one JSON object; `input` (file name) is included when not NULL. */
void addrs_result_json(const struct addrs_result *r, const char *input, struct json *j);

const char *addrs_role_name(enum addrs_role r);   /* "reply-to", "body", "from", ... */
const char *addrs_why_name(enum addrs_why w);     /* "recipient", "infrastructure", ... */

#endif
