/* Test helper: a scripted DNS server (UDP and TCP on one loopback port) in a child process. */
#ifndef MXTRACE_UTIL_DNSPEER_H
#define MXTRACE_UTIL_DNSPEER_H

#include <stddef.h>
#include <sys/types.h>

#include "net.h"

/* What the peer does with its k-th query (the last action repeats). */
enum peer_act {
	PA_ANSWER,        /* A 192.0.2.1, AAAA 2001:db8::1, MX 10 mx1.<qname>; else NODATA */
	PA_DROP,          /* no reply */
	PA_TC,            /* over UDP: TC set, no records; over TCP: as PA_ANSWER */
	PA_SERVFAIL,
	PA_REFUSED,
	PA_NXDOMAIN,      /* with an SOA in authority */
	PA_NODATA,        /* with an SOA in authority */
	PA_FORMERR_EDNS,  /* a query with OPT gets FORMERR without a question; else PA_ANSWER */
	PA_MISMATCH,      /* wrong ID, then wrong question, then the answer */
	PA_EMPTY,         /* an empty datagram, then the answer */
	PA_MALFORMED,     /* an A record with RDLENGTH 5 */
	PA_CNAME_ONLY,    /* qname CNAME alias.test, nothing else */
	PA_CNAME_LOOP,    /* qname CNAME loop.test, loop.test CNAME qname */
	PA_BIG            /* 100 A records: too big for 1232 (TC over UDP) */
};

#define PEER_MAX_LOG 256

struct peer_log {
	char proto;       /* 'u' or 't' */
	int edns;         /* the query had OPT */
	char qname[256];
	int qtype;
};

struct peer {
	struct net_addr addr;
	pid_t pid;
	int logpipe[2];
	struct peer_log log[PEER_MAX_LOG];
	size_t nlog;
};

/* Start a peer on 127.0.0.1 (both UDP and TCP on one kernel-chosen port). */
void peer_start(struct peer *p, const enum peer_act *script, size_t n);
/* Stop it and collect the queries it received into p->log; returns their number. */
size_t peer_stop(struct peer *p);

#endif
