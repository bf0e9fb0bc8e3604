/* Asynchronous stub resolver on the event loop: UDP/TCP, EDNS, RFC 5452 matching, retries. */
#ifndef MXTRACE_DNS_STUB_H
#define MXTRACE_DNS_STUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "dns_msg.h"
#include "loop.h"
#include "net.h"
#include "trail.h"

#define DNS_STUB_MAX_SERVERS 8
#define DNS_STUB_TIMEOUT_MS 2000     /* first try; doubles each round (c-ares default) */
#define DNS_STUB_ATTEMPTS 2          /* rounds over the server list (resolv.conf attempts) */
#define DNS_STUB_MAX_TIMEOUT_MS 30000
#define DNS_STUB_MAX_ATTEMPTS 10     /* glibc's cap on resolv.conf attempts */
#define DNS_CNAME_MAX 16             /* aliases followed per lookup (dnscache QUERY_MAXALIAS) */
#define DNS_CACHE_MAX_TTL 604800     /* dnscache's cap, seconds */
#define DNS_ITER_MAX_SERVERS 32      /* addresses kept for one zone */
#define DNS_ITER_MAX_NS 13           /* NS names used per delegation (BIND
                                        max-delegation-servers; NXNSAttack bound) */
#define DNS_ITER_MAX_QUERIES 50      /* exchanges per lookup, name-server lookups included
                                        (BIND max-recursion-queries) */
#define DNS_ITER_MAX_DEPTH 7         /* nested name-server lookups (BIND recursion depth) */
#define DNS_HINTS_MAX 32

/*
 * How a lookup ended. The first three are answers from a server (definitive); the others
 * mean "could not tell" and are temporary for the caller (retry later).
 */
enum dns_outcome {
	DNS_ANSWER = 0,     /* records of the type for the name (after CNAMEs) */
	DNS_NODATA,         /* the name exists, no records of that type */
	DNS_NXDOMAIN,       /* the name does not exist */
	DNS_SERVFAIL,
	DNS_REFUSED,
	DNS_TIMEOUT,
	DNS_MALFORMED,      /* a matching reply that breaks the rules (detail names the defect) */
	DNS_RCODE,          /* another RCODE (FORMERR without EDNS, NOTIMP, ...) */
	DNS_NETWORK,        /* could not send, connection refused or reset */
	DNS_CNAME_LOOP,     /* alias chain longer than DNS_CNAME_MAX or circular */
	DNS_LIMIT,          /* iterative: query budget or name-server depth exhausted */
	DNS_INTERNAL        /* out of memory and the like */
};

const char *dns_outcome_str(enum dns_outcome o);   /* "answer", "nxdomain", ... */
bool dns_outcome_definitive(enum dns_outcome o);   /* answer, nodata, nxdomain */

struct dns_stub_conf {
	struct net_addr servers[DNS_STUB_MAX_SERVERS];
	size_t nservers;
	unsigned timeout_ms;      /* first-round per-try timeout; 0: DNS_STUB_TIMEOUT_MS */
	unsigned attempts;        /* rounds; 0: DNS_STUB_ATTEMPTS */
	bool rotate;              /* start each lookup at a random server */
	bool tcp_only;            /* every exchange over TCP */
	bool no_edns;             /* never send OPT */
	bool no_rd;               /* clear RD (ask a server about its own data) */
	bool cache;               /* per-run cache by (name, type), and one query in flight
	                             per key (later lookups join it) */
	bool iterative;           /* resolve from the root hints instead of asking servers[] */
	struct net_addr hints[DNS_HINTS_MAX];  /* root server addresses (iterative) */
	size_t nhints;
	struct trail *trail;      /* one record per datagram / TCP exchange; may be NULL */
	const struct clock *rec_clock; /* for trail times; NULL: the loop's clock */
	const char *step;         /* trail "step"; NULL: "dns" */
	const struct socks5_proxy *socks5;  /* every exchange over TCP through this SOCKS5
	                             proxy (servers by address: nothing is resolved outside
	                             it); NULL: direct. Copied by dns_stub_new */
};

/* The outcome of one lookup. Everything in it is borrowed for the duration of the callback. */
struct dns_result {
	enum dns_outcome outcome;
	const struct dns_name *qname;
	uint16_t qtype;
	const struct dns_msg *msg;      /* the accepted reply, or NULL (timeouts, errors) */
	const struct dns_name *canon;   /* the name at the end of the CNAME chain (== qname if
	                                   there was none) */
	unsigned cname_hops;            /* aliases followed, within replies and by re-asking */
	char server[NET_ADDR_STRLEN];   /* who gave this outcome, "" if nobody answered */
	const char *proto;              /* "udp" or "tcp" of that exchange, NULL if none */
	unsigned exchanges;             /* datagrams + TCP exchanges this lookup sent (0 when
	                                   served from the cache) */
	bool cached;                    /* served from the cache or joined another lookup */
	char detail[256];               /* why it failed, per server; malformed-reply defect */
};

struct dns_stub;
struct dns_lookup;
typedef void (*dns_stub_fn)(const struct dns_result *r, void *arg);

struct dns_stub_stats {
	unsigned long lookups;       /* dns_stub_query calls */
	unsigned long exchanges;     /* datagrams sent + TCP exchanges started */
	unsigned long udp, tcp;
	unsigned long cache_hits;    /* answered from the cache */
	unsigned long joined;        /* attached to a lookup already in flight */
	unsigned long mismatches;    /* datagrams dropped by the RFC 5452 check */
};

/* Make a resolver on loop l with conf (copied; trail and clocks are borrowed and must
 * outlive it). ST_INVAL without servers (or, iterative, without hints). */
int dns_stub_new(struct loop *l, const struct dns_stub_conf *conf, struct dns_stub **out);
/* Cancel every lookup in flight (no callbacks; a "cancelled" trail record per exchange in
 * flight) and free the cache. */
void dns_stub_free(struct dns_stub *s);

/*
 * Start a lookup of (qname, qtype, class IN). `cause` (copied) goes into every trail record
 * of the lookup (what made it necessary: "MX of example.com", "A of exchange ..."). fn is
 * called exactly once from the loop, never from inside this call, unless the lookup is
 * cancelled first. *out (may be NULL) receives a handle that is valid until fn runs.
 *
 * Servers are tried in order (from a random one with `rotate`) for `attempts` rounds with
 * the timeout doubling each round. A server that answered SERVFAIL, REFUSED, another
 * error RCODE or a malformed reply, or that refused the connection, is not asked again by
 * this lookup; a timeout is retried in the next round. TC (or MSG_TRUNC) retries the same
 * server over TCP; FORMERR to a query with OPT retries without it and the server is
 * remembered as EDNS-less. NOERROR replies whose CNAME chain ends without data and without
 * an SOA are followed by asking for the chain's end, up to DNS_CNAME_MAX aliases in all.
 */
int dns_stub_query(struct dns_stub *s, const struct dns_name *qname, uint16_t qtype,
                   const char *cause, dns_stub_fn fn, void *arg, struct dns_lookup **out);
/* Cancel a lookup whose callback has not run (safe inside any loop callback). */
void dns_lookup_cancel(struct dns_lookup *lk);
/* Counters since dns_stub_new (for tests and -vv). */
void dns_stub_stats(const struct dns_stub *s, struct dns_stub_stats *out);

/* ---- reading answers ---- */

/*
 * Follow the CNAME chain for qname inside m's answer section (any order, ASCII case
 * insensitive). *canon receives the end of the chain, *hops the aliases followed.
 * ST_TOOBIG for a chain longer than DNS_CNAME_MAX or a loop.
 */
int dns_answer_canon(const struct dns_msg *m, const struct dns_name *qname, uint16_t qtype,
                     struct dns_name *canon, unsigned *hops);
/* True if rr is an answer of type qtype, class IN, owned by canon. Records of other types
 * or owners in an answer are never used (CVE-2017-15650). */
bool dns_rr_answers(const struct dns_rr *rr, const struct dns_name *canon, uint16_t qtype);

/*
 * Root hints in zone-file form (named.root / root.hints): the A and AAAA records become
 * port-53 addresses, everything else is skipped. Returns the number found (at most cap).
 */
size_t dns_hints_parse(const void *text, size_t n, struct net_addr *out, size_t cap);
/* Read and parse a hints file (at most 64 kB). ST_IO if unreadable, ST_NOTFOUND if it holds
 * no address. */
int dns_hints_load(const char *path, struct net_addr *out, size_t cap, size_t *n);

/* ---- resolv.conf ---- */

struct dns_resolvconf {
	struct net_addr servers[DNS_STUB_MAX_SERVERS];
	size_t nservers;
	unsigned timeout_s;        /* options timeout:N (0 if not given) */
	unsigned attempts;         /* options attempts:N (0 if not given) */
	bool rotate;
	unsigned ignored;          /* lines or values not understood (kept for a warning) */
	unsigned long first_ignored_line;
};

/*
 * Parse resolv.conf text: "nameserver ADDR" (IPv4 or IPv6 literal, at most
 * DNS_STUB_MAX_SERVERS, port 53), "options timeout:N attempts:N rotate"; other keywords
 * (search, domain, sortlist) and other options are ignored. Hostile input is fine: NUL
 * bytes end nothing and poison only their line, lines are capped at 1 kB, the last line
 * needs no newline.
 */
void dns_resolvconf_parse(const void *text, size_t n, struct dns_resolvconf *out);
/* Read and parse a file (at most 64 kB). ST_IO if it cannot be read. */
int dns_resolvconf_load(const char *path, struct dns_resolvconf *out);

#endif
