/* WHOIS routing from the bundled registry snapshot (the whois_route_fn of the engine). */
#ifndef MXTRACE_WHOIS_ROUTE_H
#define MXTRACE_WHOIS_ROUTE_H

#include "snap.h"
#include "whois.h"

/*
 * A whois_route_fn over a struct snap (ctx). Addresses and CIDRs: the registry of the
 * newest RIR statistics record, else IANA's delegation; special-purpose and reserved space
 * gets r->nothing. AS numbers likewise. Domain names are reduced to their registered domain
 * (ICANN section of the Public Suffix List, into r->query) and routed to the TLD's registry;
 * a delegated TLD without a WHOIS server gets r->no_port43. r->rdap is the RDAP URL of the
 * object (base URL from IANA's bootstrap files + "ip/", "autnum/" or "domain/"). TLD labels
 * and handles return 0: IANA answers those.
 */
int whois_route_snap(void *ctx, enum whois_qkind kind, const char *query, struct whois_route *r);

#endif
