/* First WHOIS server of a lookup, decided from the bundled snapshots (no packet sent). */
#ifndef MXTRACE_WHOIS_ROUTE_H
#define MXTRACE_WHOIS_ROUTE_H

#include "snap.h"
#include "whois.h"

/*
 * A whois_route_fn for whois_engine_conf.route, with ctx a struct snap *:
 *  - addresses and CIDRs: the RIR (or IANA block) from the statistics and registries;
 *    special-purpose and reserved space is routed to nobody (route->nothing);
 *  - AS numbers: the RIR of the number;
 *  - domain names: reduced to their registered domain (ICANN section of the Public Suffix
 *    List) and sent to the TLD's registry; a delegated TLD with no WHOIS server is marked
 *    RDAP-only with its RDAP base URL;
 *  - TLDs, and anything the snapshot does not know: 0, so the lookup starts at IANA.
 */
int whois_route_snap(void *ctx, enum whois_qkind kind, const char *query, struct whois_route *r);

#endif
