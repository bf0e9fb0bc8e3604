/* The audit trail: one record per datagram or TCP exchange, as JSON Lines and/or a transcript. */
#ifndef MXTRACE_TRAIL_H
#define MXTRACE_TRAIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "clock.h"

/*
 * One exchange with a peer. Strings are borrowed for the duration of trail_write(); NULL or
 * negative members are omitted from the record. Peer-controlled text (qname, referral, query)
 * is escaped by the writer.
 */
struct trail_rec {
	const char *step;       /* "dns", "mx", "whois-ip", "whois-domain", ... */
	const char *proto;      /* "udp", "tcp", "whois", "rwhois" */
	const char *server;     /* numeric address, no port */
	int port;               /* server port */
	int src_port;           /* our source port, -1 unknown */
	const char *server_name;/* host name of the server when known (WHOIS) */
	const char *qname;      /* DNS name or WHOIS query line (without CRLF) */
	const char *qtype;      /* "MX", "A", "TYPE65", or NULL for WHOIS */
	int qid;                /* DNS query ID, -1 for none */
	long bytes_out;
	long bytes_in;
	int64_t started_ms;     /* wall time when the exchange started */
	uint64_t elapsed_ms;
	const char *outcome;    /* "answer", "nxdomain", "nodata", "servfail", "refused",
	                           "timeout", "malformed", "truncated", "no-match", ... */
	int rcode;              /* DNS rcode, -1 for none */
	const char *retry;      /* why this exchange is a retry (NULL for the first try) */
	const char *cause;      /* what caused it: "mx exchange of example.com", a referral */
	int mismatches;         /* replies dropped because they did not match, -1 unknown */
	const char *note;       /* free text (escaped) */
	const char *proxy;      /* "socks5 192.0.2.9:1080" when the exchange went through a
	                           proxy (never credentials); server/port are then the target */
};

/*
 * A trail owns nothing but its counters; the FILE streams belong to the caller. `jsonl`
 * receives one JSON object per line, `human` one dig-style line per exchange. Either may be
 * NULL. The clock formats timestamps (inject a fixed one for golden files).
 */
struct trail {
	FILE *jsonl;
	FILE *human;
	const struct clock *clock;
	unsigned long records;
	int err;               /* first write error (ST_IO) */
};

void trail_init(struct trail *t, FILE *jsonl, FILE *human, const struct clock *clock);
/* Write one record. Safe to call with t == NULL (no-op). */
void trail_write(struct trail *t, const struct trail_rec *r);
/* Initialise a record with all optional members unset. */
void trail_rec_init(struct trail_rec *r);

#endif
