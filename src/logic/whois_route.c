/* WHOIS routing from the registry snapshot: the first server for an address, AS number or
 * domain, the registered domain to ask about, and the RDAP URL when port 43 is gone. */
#include <stdio.h>
#include <string.h>

#include "snap.h"
#include "status.h"
#include "text.h"
#include "whois.h"
#include "whois_route.h"

/* The first base URL of a space-separated list, https preferred, into out. */
static void first_url(const char *urls, char *out, size_t cap)
{
	const char *p = urls, *best = NULL;
	size_t best_n = 0;

	out[0] = 0;
	while (p && *p) {
		size_t n;

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n && (!best || (strncmp(p, "https://", 8) == 0 &&
		                    strncmp(best, "https://", 8) != 0))) {
			best = p;
			best_n = n;
		}
		p += n;
	}
	if (best && best_n < cap) {
		memcpy(out, best, best_n);
		out[best_n] = 0;
	}
}

/* base + path + object, with exactly one '/' between base and path. */
static void rdap_url(char *out, size_t cap, const char *base, const char *path, const char *obj)
{
	size_t bl = strlen(base);

	if (!bl) {
		out[0] = 0;
		return;
	}
	if (snprintf(out, cap, "%s%s%s%s", base, base[bl - 1] == '/' ? "" : "/", path, obj) >=
	    (int)cap)
		out[0] = 0;     /* a cut URL would lead somewhere else */
}

static int route_ip(struct snap *s, const char *query, struct whois_route *r)
{
	struct snap_ip_result ir;
	char err[SNAP_ERR_MAX], addr[SNAP_ADDR_TEXT];
	uint8_t a[16];
	int fam;

	if (!snap_parse_ip(query, strlen(query), &fam, a) ||
	    snap_lookup_ip(s, fam, a, &ir, err, sizeof(err)) != ST_OK)
		return 0;
	snap_addr_fmt(fam, a, addr, sizeof(addr));
	rdap_url(r->rdap, sizeof(r->rdap), ir.rdap, "ip/", addr);
	if (ir.why == SNAP_WHY_SPECIAL || ir.why == SNAP_WHY_RESERVED) {
		r->nothing = true;
		snprintf(r->why, sizeof(r->why), "snapshot: %s%s%s: not a public address, "
		         "no WHOIS server holds it", snap_why_str(ir.why),
		         ir.has_special ? ", " : "", ir.has_special ? ir.special.name : "");
		return 1;
	}
	if (!ir.whois || !ir.whois[0])
		return 0;
	snprintf(r->server, sizeof(r->server), "%s", ir.whois);
	if (ir.why == SNAP_WHY_RIR && ir.has_rir)
		snprintf(r->why, sizeof(r->why), "snapshot: %s (%s, %s)", snap_why_str(ir.why),
		         ir.rir.registry.id, ir.rir.source ? ir.rir.source->path : "statistics");
	else
		snprintf(r->why, sizeof(r->why), "snapshot: %s", snap_why_str(ir.why));
	return 1;
}

static int route_asn(struct snap *s, const char *query, struct whois_route *r)
{
	struct snap_asn_result ar;
	char err[SNAP_ERR_MAX], num[16];
	uint32_t asn;

	if (!snap_parse_asn(query, strlen(query), &asn) ||
	    snap_lookup_asn(s, asn, &ar, err, sizeof(err)) != ST_OK)
		return 0;
	snprintf(num, sizeof(num), "%u", asn);
	rdap_url(r->rdap, sizeof(r->rdap), ar.rdap, "autnum/", num);
	if (ar.why == SNAP_WHY_SPECIAL || ar.why == SNAP_WHY_RESERVED) {
		r->nothing = true;
		snprintf(r->why, sizeof(r->why), "snapshot: %s AS number: no WHOIS server holds it",
		         snap_why_str(ar.why));
		return 1;
	}
	if (!ar.whois || !ar.whois[0])
		return 0;
	snprintf(r->server, sizeof(r->server), "%s", ar.whois);
	snprintf(r->why, sizeof(r->why), "snapshot: %s%s%s", snap_why_str(ar.why),
	         ar.has_rir ? " " : "", ar.has_rir ? ar.rir.registry.id : "");
	return 1;
}

static int route_domain(struct snap *s, const char *query, struct whois_route *r)
{
	struct snap_domain dm;
	char err[SNAP_ERR_MAX], base[WHOIS_URL_MAX];
	const char *name = query;

	if (snap_lookup_domain(s, query, strlen(query), &dm, err, sizeof(err)) != ST_OK)
		return 0;
	/* registries know registered domains, not host names (ICANN section of the PSL) */
	if (dm.icann_registered[0]) {
		name = dm.icann_registered;
		if (strcmp(name, query) != 0)
			snprintf(r->query, sizeof(r->query), "%s", name);
	}
	if (!dm.has_tld)
		return 0;
	first_url(dm.tld.rdap, base, sizeof(base));
	rdap_url(r->rdap, sizeof(r->rdap), base, "domain/", name);
	if (dm.tld.whois && dm.tld.whois[0]) {
		snprintf(r->server, sizeof(r->server), "%s", dm.tld.whois);
		snprintf(r->why, sizeof(r->why), "snapshot: registry of .%.40s%s%.60s", dm.tld.name,
		         r->query[0] ? ", registered domain " : "", r->query);
		return 1;
	}
	if (dm.tld.flags & SNAP_TLD_NO_PORT43) {
		r->no_port43 = true;
		snprintf(r->why, sizeof(r->why), "snapshot: IANA lists no WHOIS server for .%s",
		         dm.tld.name);
		return 1;
	}
	return r->query[0] ? 1 : 0;
}

int whois_route_snap(void *ctx, enum whois_qkind kind, const char *query, struct whois_route *r)
{
	struct snap *s = ctx;

	memset(r, 0, sizeof(*r));
	if (!s || !query)
		return 0;
	switch (kind) {
	case WQ_IPV4:
	case WQ_IPV6:
	case WQ_CIDR:
		return route_ip(s, query, r);
	case WQ_ASN:
		return route_asn(s, query, r);
	case WQ_DOMAIN:
		return route_domain(s, query, r);
	default:
		return 0;     /* TLD objects and handles: IANA knows, or nobody */
	}
}
