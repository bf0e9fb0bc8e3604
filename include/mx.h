/* The MX job: a domain's mail exchangers and all their addresses, with every failure explained. */
#ifndef MXTRACE_MX_H
#define MXTRACE_MX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_msg.h"
#include "dns_stub.h"
#include "json.h"

#define MX_MAX_HOSTS 64          /* exchanges looked up per domain; more are counted, not asked */
#define MX_ADDR_STRLEN 46        /* INET6_ADDRSTRLEN */

/*
 * What a domain's mail situation is. FOUND and IMPLICIT mean mail is delivered somewhere;
 * NULL_MX, NXDOMAIN, NO_MAIL and ALL_DEAD are definitive "no mail service" (stop work);
 * TEMPFAIL means DNS failed and nothing can be concluded (retry later).
 */
enum mx_status {
	MX_FOUND,       /* MX records, and at least one exchange has an address */
	MX_IMPLICIT,    /* no MX records; the domain's own A/AAAA (RFC 5321 §5.1) */
	MX_NULL,        /* null MX "0 ." (RFC 7505): accepts no mail */
	MX_NXDOMAIN,    /* the domain does not exist */
	MX_NO_MAIL,     /* no MX records and no address records */
	MX_ALL_DEAD,    /* MX records, but no exchange has any address */
	MX_TEMPFAIL     /* SERVFAIL, timeouts, malformed replies: could not tell */
};

const char *mx_status_str(enum mx_status s);       /* "found", "null-mx", ... */
/* One line for people: "accepts no mail (null MX, RFC 7505)", ... */
const char *mx_status_text(enum mx_status s);
/* True only for MX_TEMPFAIL: nothing can be concluded, retry later. */
bool mx_status_temporary(enum mx_status s);

/* Where one lookup's outcome came from. */
struct mx_source {
	bool asked;
	enum dns_outcome outcome;
	char server[NET_ADDR_STRLEN];       /* "" when nobody answered */
	char proto[4];
	bool cached;
	unsigned exchanges;
	unsigned cname_hops;
	char canon[DNS_MAX_NAME_TEXT];      /* end of the alias chain */
	char detail[256];
};

struct mx_addr {
	int family;                         /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	char text[MX_ADDR_STRLEN];
	uint32_t ttl;
};

struct mx_host {
	char name[DNS_MAX_NAME_TEXT];       /* presentation form (escaped), final dot */
	struct dns_name wire;
	uint16_t pref;
	bool implicit;                      /* the domain itself (RFC 5321 §5.1) */
	bool ip_literal;                    /* the exchange is written like an address */
	bool bad_hostname;                  /* not LDH: a hostile or broken name */
	bool cname;                         /* the exchange is an alias (RFC 2181 §10.3) */
	bool nxdomain;                      /* the exchange name does not exist */
	bool dead;                          /* definitively no address records */
	bool tempfail;                      /* an address lookup failed: could not tell */
	struct mx_addr *addrs;
	size_t naddrs;
	struct mx_source a, aaaa;
};

struct mx_result {
	char domain[DNS_MAX_NAME_TEXT];     /* as asked, presentation form, final dot */
	enum mx_status status;
	struct mx_source mx;                /* the MX lookup itself */
	struct mx_host *hosts;              /* sorted by preference, then name */
	size_t nhosts;
	size_t mx_records;                  /* MX records in the answer */
	size_t hosts_dropped;               /* distinct exchanges beyond MX_MAX_HOSTS */
	bool null_mx_mixed;                 /* "0 ." next to other MX records (RFC 7505 §3) */
};

/* Free a result handed over by mx_done_fn; NULL is a no-op. */
void mx_result_free(struct mx_result *r);
/* The result as a JSON object (see the man page for the members). */
void mx_result_to_json(const struct mx_result *r, struct json *j);

struct mx_job;
/* Called once with a result the callee owns (free with mx_result_free). */
typedef void (*mx_done_fn)(struct mx_result *r, void *arg);

/*
 * Start the job for `domain` (presentation text, ASCII; IDNA is the caller's business):
 * the MX lookup, then every exchange's A and AAAA at once (or the domain's own A and AAAA
 * when it has no MX records). `cause` (copied; NULL for "MX of DOMAIN") is the reason
 * written in the trail for the MX lookup; the address lookups name their exchange. done is
 * called from the loop once everything has ended. Returns ST_MALFORMED/ST_TOOBIG for a bad
 * domain, ST_NOMEM; then done is never called. *out (may be NULL) is a handle valid until
 * done runs.
 */
int mx_start(struct dns_stub *s, const char *domain, const char *cause, mx_done_fn done,
             void *arg, struct mx_job **out);
/*
 * Called once the MX answer has named the exchanges (or, implicit MX, the domain itself),
 * right after their address lookups have started: r->hosts[] has names and preferences, no
 * addresses yet. r is the job's result in the making, borrowed for the call. Not called when
 * the job ends without exchanges (NXDOMAIN, null MX, failures). It must not cancel the job.
 * Callers use it to start work that needs only the names (the trace's domain WHOIS of each
 * exchange) instead of waiting for every address.
 */
typedef void (*mx_hosts_fn)(const struct mx_result *r, void *arg);

/*
 * Called each time an A or AAAA answer has added addresses to r->hosts[host] (sorted, the
 * new ones among them), before the job ends; r is borrowed for the call. It must not cancel
 * the job. Callers use it to start per-address work as soon as each address is known, so
 * that a slow or broken exchange does not hold up the others.
 */
typedef void (*mx_addrs_fn)(const struct mx_result *r, size_t host, void *arg);

/* Progress callbacks of an MX job; hosts and addrs may be NULL, done is required. */
struct mx_callbacks {
	mx_hosts_fn hosts;
	mx_addrs_fn addrs;
	mx_done_fn done;
};

/* mx_start() with progress callbacks (cb is copied); each gets arg. */
int mx_start_cb(struct dns_stub *s, const char *domain, const char *cause,
                const struct mx_callbacks *cb, void *arg, struct mx_job **out);
/* Stop the job without calling done (safe inside loop callbacks). */
void mx_cancel(struct mx_job *job);

#endif
