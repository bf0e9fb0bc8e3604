/* WHOIS answers parsed into structured results with provenance, and referral extraction. */
#ifndef MXTRACE_WHOIS_PARSE_H
#define MXTRACE_WHOIS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostport.h"
#include "json.h"
#include "whois_tab.h"

#define WHOIS_VAL_MAX 256
#define WHOIS_MAX_NS 16
#define WHOIS_MAX_STATUS 16
#define WHOIS_MAX_CONTACTS 16
#define WHOIS_MAX_REFS 8
#define WHOIS_RAW_MAX 128

/* One extracted value: valid UTF-8 without control characters, and the 1-based line of the
 * answer it came from (0 when absent). The server is the answer's. */
struct whois_val {
	char v[WHOIS_VAL_MAX];
	unsigned long line;
	bool cut;                /* the value was longer and was cut */
};

/* What the answer describes. */
enum whois_kind {
	WK_UNKNOWN = 0,
	WK_NETWORK,      /* an IP network */
	WK_ASN,          /* an autonomous system */
	WK_DOMAIN,       /* a domain name registration */
	WK_TLD,          /* a top-level domain (IANA) */
	WK_OTHER,        /* a handle, a maintainer, ... */
	WK__COUNT
};

/* How an abuse contact was found; lower values rank higher. */
enum whois_csrc {
	WSRC_ABUSE_LINE = 0, /* RIPE-style "% Abuse contact for 'R' is 'E'" */
	WSRC_ABUSE_C,        /* abuse-c handle of the network -> its abuse-mailbox / e-mail */
	WSRC_NET_ABUSE,      /* ARIN RAbuseEmail of the most specific network */
	WSRC_ORG_ABUSE,      /* ARIN OrgAbuseEmail; the holder organisation's abuse-c */
	WSRC_REGISTRAR,      /* "Registrar Abuse Contact Email" */
	WSRC_IRT,            /* mnt-irt -> irt abuse-mailbox (APNIC) */
	WSRC_ABUSE_FIELD,    /* another abuse field: abuse-mailbox of a referenced role, ... */
	WSRC_PARENT,         /* the enclosing network's abuse contact (ARIN reassignments) */
	WSRC_ROLE_EMAIL,     /* e-mail of the network's own role or person, abuse-like name */
	WSRC_REMARKS,        /* an address in remarks/comments that talk about abuse or spam */
	WSRC_CONTACT_EMAIL,  /* e-mail of the network's admin/tech contact: a last resort */
	WSRC__COUNT
};

enum whois_conf { WCONF_HIGH = 0, WCONF_MEDIUM, WCONF_LOW };

/* An abuse contact candidate. Offered only when cls is WCC_OK and the value is an address. */
struct whois_contact {
	struct whois_val email;  /* the value as given (an address, or what stood there) */
	struct whois_val phone;
	enum whois_csrc src;
	enum whois_conf conf;
	enum whois_cclass cls;   /* placeholder, redacted, RIR, NIR: never offered */
	bool not_email;          /* the value is not an e-mail address */
	bool registrar;          /* the registrar's contact (domain answers) */
	char note[192];          /* why it is refused, or who it belongs to */
};

/* Referral kinds, one per marker the extractor knows. */
enum whois_rkind {
	WR_IANA_REFER = 0,   /* IANA "refer:" */
	WR_IANA_WHOIS,       /* IANA "whois:" (the only one in IPv6 answers) */
	WR_ARIN_REFERRAL,    /* ARIN "ReferralServer:" (the last one) */
	WR_ARIN_RESOURCE,    /* ARIN "ResourceLink:" naming a WHOIS host */
	WR_APNIC_STUB,       /* APNIC stub object: "Transferred to the X region" + APNIC-STUB */
	WR_NOT_MANAGED,      /* "not ours" block (NON-RIPE-NCC-MANAGED, ERX-NETBLOCK): no host */
	WR_AFRINIC_QUERY,    /* AFRINIC "... Please query HOST" */
	WR_LACNIC_RESOURCE,  /* LACNIC "% X resource: HOST", or a registro.br pointer */
	WR_REGISTRAR,        /* registry "Registrar WHOIS Server:" */
	WR_WHOIS_SERVER,     /* old thin-registry "Whois Server:" */
	WR_RWHOIS,           /* RWhois "%referral rwhois://HOST:PORT/..." */
	WR_NIR,              /* an NIR holds the details (mirror remarks, NIR abuse contact) */
	WR__COUNT
};

struct whois_ref {
	enum whois_rkind kind;
	char host[HOSTPORT_MAX_HOST];   /* validated, lower case; "" for WR_NOT_MANAGED */
	int port;
	bool rwhois;                    /* speak RWhois (rwhois:// scheme, not port 43) */
	unsigned long line;
	char raw[WHOIS_RAW_MAX];        /* the value as found (sanitised, possibly cut) */
	char reject[64];                /* "" when usable, else why the value was refused */
	char rir[48];                   /* the region named (stub) or the registry */
};

/* An address block as two big-endian 16-byte numbers (IPv4 in the low 4 bytes). */
struct whois_block {
	int af;                         /* 0 (none), 4 or 6 */
	uint8_t lo[16], hi[16];
};

/*
 * A parsed answer. Everything is copied out of the answer text, so the answer can be freed
 * as soon as whois_parse() returns. Allocate with whois_answer_new() (it is large).
 */
struct whois_answer {
	char server[HOSTPORT_MAX_HOST];
	enum whois_fmt fmt;
	enum whois_kind kind;
	enum whois_state state;
	struct whois_val state_line;    /* the line that decided a state other than answered */
	unsigned long lines;
	size_t bytes;
	bool lines_cut;                 /* more lines than the parser reads */
	bool transferred;               /* the block is managed elsewhere (stub, ERX, not ours) */

	/* network and AS answers: the most specific network of the answer */
	struct whois_val range, cidr, netname, org, country, handle, parent, asn;
	struct whois_block block;
	/* domain answers */
	struct whois_val domain, registrar, iana_id, reg_whois, reg_url;
	/* both */
	struct whois_val created, updated, expires;
	struct whois_val ns[WHOIS_MAX_NS];
	size_t nns;
	struct whois_val status[WHOIS_MAX_STATUS];
	size_t nstatus;

	struct whois_contact contacts[WHOIS_MAX_CONTACTS]; /* best first */
	size_t ncontacts;
	struct whois_ref refs[WHOIS_MAX_REFS];             /* in the order to try */
	size_t nrefs;
};

struct whois_answer *whois_answer_new(void);
void whois_answer_free(struct whois_answer *a);

/*
 * Parse the raw answer raw[0..n) from server (a host name, NULL if unknown) into a, which is
 * reset first. fmt forces a layout (WFMT_UNKNOWN: guess from the text, then the server
 * table). Protocol outcomes (no match, rate-limited) go to a->state; the return value is
 * ST_OK, or ST_NOMEM/ST_TOOBIG when the parser itself could not work.
 */
int whois_parse(const struct wtab *t, const char *server, enum whois_fmt fmt, const void *raw,
                size_t n, struct whois_answer *a);

/*
 * Referral extraction on its own: the referrals of the answer, in the order to try, into
 * refs[0..max). Every candidate is reported; refused ones carry the reason in reject.
 */
int whois_refer_extract(const struct wtab *t, const char *server, enum whois_fmt fmt,
                        const void *raw, size_t n, struct whois_ref *refs, size_t max,
                        size_t *nrefs);

/*
 * Validate an untrusted referral value: strip a whois://, rwhois:// (or, when allow_web,
 * http:// and https://) scheme, a path and a trailing slash; split host and port; the host
 * must be a valid name holding a dot, or an IP literal; ports are 1..65535. On success fills
 * r->host (lower case), r->port (default_port when none) and r->rwhois, and returns true;
 * otherwise sets r->reject and returns false. r->raw receives the value either way.
 */
bool whois_ref_target(const char *val, size_t n, int default_port, bool allow_web,
                      struct whois_ref *r);

/* The best offered abuse contact, or NULL. */
const struct whois_contact *whois_answer_abuse(const struct whois_answer *a);
/* The first usable referral, or NULL. */
const struct whois_ref *whois_answer_referral(const struct whois_answer *a);

/* Parse "A - B", "A/len" (IPv4 may be abbreviated: 200.57.128/19) or one address. */
bool whois_block_parse(const char *s, size_t n, struct whois_block *b);
/* True if block b contains every address of c. */
bool whois_block_contains(const struct whois_block *b, const struct whois_block *c);
/* Compare block sizes: <0 when a is smaller than b, 0 equal, >0 larger. */
int whois_block_cmp_size(const struct whois_block *a, const struct whois_block *b);

/* Write the answer as one JSON object (every field with its line). */
void whois_answer_json(const struct whois_answer *a, struct json *j);

const char *whois_kind_name(enum whois_kind k);
const char *whois_csrc_name(enum whois_csrc s);
const char *whois_conf_name(enum whois_conf c);
const char *whois_rkind_name(enum whois_rkind k);

#endif
