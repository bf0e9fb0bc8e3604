/* The WHOIS engine: "whois lookup of X" as an asynchronous job on the event loop, following
 * referrals hop by hop, with per-run caches by (server, query) and by IP netblock. */
#ifndef MXTRACE_WHOIS_H
#define MXTRACE_WHOIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "dns_stub.h"
#include "hostport.h"
#include "loop.h"
#include "net.h"
#include "trail.h"
#include "whois_parse.h"
#include "whois_tab.h"

#define WHOIS_PORT 43
#define WHOIS_RWHOIS_PORT 4321                /* RFC 2167 §3 */
#define WHOIS_IANA_SERVER "whois.iana.org"
#define WHOIS_QUERY_MAX 512                   /* one query line without CRLF */
#define WHOIS_HOPS_DEFAULT 6
#define WHOIS_HOPS_LIMIT 16
#define WHOIS_MAX_BYTES_DEFAULT (256u * 1024u) /* per answer */
#define WHOIS_HOP_TIMEOUT_MS 15000            /* connect + answer, per hop */
#define WHOIS_CONNECT_TIMEOUT_MS 5000
#define WHOIS_TOTAL_TIMEOUT_MS 60000          /* whole lookup, DNS included */
#define WHOIS_MAX_NOTES 12
#define WHOIS_URL_MAX 256
#define WHOIS_CLIENT_TAG "mxtrace-0.1.0"     /* sent to RIPE-like servers with -V */

/* ---- queries ---- */

/*
 * Classify a user query and normalise it into norm (cap bytes): addresses as given, CIDRs
 * as given, AS numbers as "AS123", domain names in ASCII (IDNA) lower case without a final
 * dot, a single label as a TLD. Returns the kind, or -1 for an empty, too long or
 * control-character-bearing query (what could inject a second query line).
 */
int whois_query_kind(const char *q, char *norm, size_t cap);
/*
 * The query line to send server for a normalised query of the given kind, from the server
 * table's template ("{q}" when none). ST_OK, ST_TOOBIG, or ST_INVAL if q holds a control
 * character.
 */
int whois_query_line(const struct wtab *t, const char *server, enum whois_qkind kind,
                     const char *q, const char *tag, char *out, size_t cap);
/* True for loopback, unspecified, private (RFC 1918, fc00::/7), link-local and multicast
 * addresses, and IPv4-mapped forms of those: never a referral target by default. */
bool whois_addr_private(int family, const uint8_t *addr);
/*
 * True for host names that mean loopback or an address without looking like one: localhost,
 * *.localhost (RFC 6761), ip6-localhost, ip6-loopback, and names whose last label is all
 * digits or 0x-hex, which inet_aton(3) reads as an address (127.1, 2130706433, 0x7f.1;
 * no TLD is numeric). Through a proxy the address of a referral target is never seen, so
 * such names are refused instead. (Dotted-quad literals also answer true: callers check
 * literals by address first.)
 */
bool whois_name_private(const char *host);

/* ---- routing ---- */

/* Where a lookup starts, as decided by the caller's snapshot (or anything else). */
struct whois_route {
	char server[HOSTPORT_MAX_HOST];   /* first WHOIS server, "" when there is none */
	int port;                         /* 0: 43 */
	char query[WHOIS_QUERY_MAX];      /* the query to send instead (the registered domain of
	                                     a host name), "" to keep it */
	char rdap[WHOIS_URL_MAX];         /* RDAP base URL when known */
	char why[160];                    /* "snapshot: RIR statistics (ripencc)" */
	bool nothing;                     /* not globally routable / reserved: ask nobody */
	bool no_port43;                   /* the registry serves RDAP only */
};

/* Return 1 and fill r when the route is known, 0 when not (the lookup asks IANA). */
typedef int (*whois_route_fn)(void *ctx, enum whois_qkind kind, const char *query,
                              struct whois_route *r);

/* ---- the engine ---- */

struct whois_engine_conf {
	const struct wtab *tab;           /* required; borrowed */
	struct dns_stub *dns;             /* resolves WHOIS server names; borrowed; required
	                                     unless socks5 is set */
	struct trail *trail;              /* one record per exchange; may be NULL */
	const struct clock *rec_clock;    /* wall time for trail records; NULL: system clock */
	const char *step;                 /* trail step prefix; NULL: "whois" */
	whois_route_fn route;             /* NULL: every lookup starts at IANA */
	void *route_ctx;
	const char *server;               /* fixed first server (--server), NULL: route */
	int server_port;                  /* 0: 43 */
	bool iana;                        /* start at IANA even when the route is known */
	bool no_referrals;                /* ask the first server only */
	bool allow_private;               /* referral targets may be loopback/private/... */
	bool keep_text;                   /* keep every hop's answer text in the result */
	bool no_cache;                    /* no (server, query) or netblock cache */
	unsigned max_hops;                /* 0: WHOIS_HOPS_DEFAULT; at most WHOIS_HOPS_LIMIT */
	size_t max_bytes;                 /* 0: WHOIS_MAX_BYTES_DEFAULT */
	uint64_t hop_timeout_ms;          /* 0: WHOIS_HOP_TIMEOUT_MS */
	uint64_t connect_timeout_ms;      /* 0: WHOIS_CONNECT_TIMEOUT_MS */
	uint64_t total_timeout_ms;        /* 0: WHOIS_TOTAL_TIMEOUT_MS */
	const char *client_tag;           /* NULL: WHOIS_CLIENT_TAG */
	const struct socks5_proxy *socks5; /* every hop through this SOCKS5 proxy, servers
	                                     named to it (ATYP 3): the proxy resolves them and
	                                     no DNS lookup is made here; NULL: direct. Copied */
};

/* What happened on one hop. */
struct whois_hop {
	char server[HOSTPORT_MAX_HOST];
	int port;
	bool rwhois;                      /* spoken as an RWhois session */
	char addr[NET_ADDR_STRLEN];       /* address connected to, "" if none (also when a
	                                     proxy resolved the name) */
	char proxy[SOCKS5_LABEL_MAX];     /* "socks5 HOST:PORT" when through a proxy, else "" */
	char query[WHOIS_QUERY_MAX];      /* the exact line sent, without CRLF */
	char reason[256];                 /* why this hop was taken */
	int status;                       /* exchange: ST_OK, ST_TIMEOUT, ST_REFUSED, ST_CLOSED,
	                                     ST_TOOBIG, ST_IO, ST_NOTFOUND (name did not resolve) */
	char detail[192];                 /* what went wrong, for people */
	size_t bytes_out, bytes_in;
	uint64_t elapsed_ms;
	bool cached;                      /* answered from the (server, query) cache */
	bool partial;                     /* the answer was cut (deadline, size cap) */
	struct whois_answer *answer;      /* parsed answer, NULL when no bytes came */
	char *text;                       /* the raw answer (keep_text), NUL-terminated */
	size_t text_len;
};

enum whois_outcome {
	WO_FOUND = 0,       /* an authoritative answer about the object */
	WO_NO_MATCH,        /* the registry has no such object */
	WO_NOT_SERVED,      /* no port-43 service for it (RDAP only): see rdap */
	WO_NO_SERVER,       /* special-purpose or reserved: nobody to ask */
	WO_RATE_LIMITED,    /* refused for query volume: retry much later */
	WO_TEMP_FAIL,       /* timeouts, DNS or network failures, temporary errors */
	WO_MALFORMED,       /* answers nobody can read */
	WO__COUNT
};

struct whois_result {
	char query[WHOIS_QUERY_MAX];      /* as given */
	char asked[WHOIS_QUERY_MAX];      /* normalised (and reduced by the route) */
	enum whois_qkind kind;
	enum whois_outcome outcome;
	struct whois_hop hops[WHOIS_HOPS_LIMIT + 1];
	size_t nhops;
	char notes[WHOIS_MAX_NOTES][256]; /* referrals not followed, limits hit, and why */
	size_t nnotes;
	int final_hop;                    /* hop the summary comes from, -1 if none */
	int abuse_hop;                    /* hop of the abuse contact, -1 if none */
	const struct whois_contact *abuse; /* the contact to write to, NULL if none (points into
	                                     hops[abuse_hop].answer) */
	char rdap[WHOIS_URL_MAX];         /* RDAP base URL (RDAP-only registries), "" if unknown */
	bool from_netblock_cache;         /* an earlier lookup's network covered this address */
};

struct whois_engine;
struct whois_job;

/* Completion: fn owns r and must release it with whois_result_free(). */
typedef void (*whois_done_fn)(struct whois_result *r, void *arg);

/* Make an engine on loop l (conf copied; tab, dns, trail and clocks borrowed). ST_INVAL
 * without a table or a resolver, ST_NOMEM. */
int whois_engine_new(struct loop *l, const struct whois_engine_conf *conf, struct whois_engine **out);
/* Cancel every job in flight (no callbacks) and free the caches. */
void whois_engine_free(struct whois_engine *e);

/*
 * Start "whois lookup of query" (an address, CIDR, AS number, domain or TLD). cause (copied)
 * goes into every trail record ("MX host mx1.example.net", "user query"). fn runs exactly
 * once, from the loop (never from inside this call), unless the job is cancelled first.
 * Returns ST_OK, ST_INVAL for a query nobody can send, ST_NOMEM. *out (may be NULL) is a
 * handle valid until fn runs.
 */
int whois_lookup(struct whois_engine *e, const char *query, const char *cause, whois_done_fn fn,
                 void *arg, struct whois_job **out);
void whois_job_cancel(struct whois_job *j);
void whois_result_free(struct whois_result *r);

/*
 * Resolve ahead, once per engine, the addresses of the servers IP lookups are most likely to
 * need: the five RIRs' WHOIS servers, which start most IP chains and refer to each other
 * (and whois.iana.org when lookups start there; only the fixed first server with --server).
 * A caller that knows lookups are coming (the trace, once an MX answer names exchanges)
 * calls it so that neither the first hop nor a referral waits for DNS: the answers go to the
 * resolver's cache, where the lookups find them. cause (copied) goes into the trail. The
 * queries end on their own; whois_engine_free() cancels those still in flight.
 */
void whois_engine_warm(struct whois_engine *e, const char *cause);

struct whois_stats {
	unsigned long lookups, exchanges, cache_hits, netblock_hits, dns_lookups;
	unsigned long bytes_in, bytes_out;
};
void whois_engine_stats(const struct whois_engine *e, struct whois_stats *out);

const char *whois_outcome_name(enum whois_outcome o);  /* "found", "rate-limited", ... */
/* A hop's exchange status as a token: "ok", "timeout", "refused", "closed", "too-big",
 * "unresolved", "malformed", "invalid", "error". */
const char *whois_hop_status_name(int st);
/* The result as one JSON object: query, outcome, summary fields with provenance (server and
 * line), abuse contact, RDAP URL, notes, and every hop (with its text when kept). */
void whois_result_json(const struct whois_result *r, struct json *j);

#endif
