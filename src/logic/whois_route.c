/* Snapshot-based routing of WHOIS lookups: the first server without asking IANA. */
#include <stdio.h>
#include <string.h>

#include "status.h"
#include "whois_route.h"

static void first_url(const char *urls, char *out, size_t n)
{
	size_t len = strcspn(urls, " ");

	if (len >= n)
		len = 0;
	memcpy(out, urls, len);
	out[len] = 0;
}

static int route_ip(struct snap *s, const char *q, struct whois_route *r)
{
	struct snap_ip_result ip;
	char err[SNAP_ERR_MAX];
	uint8_t addr[16];
	int family;

	if (!snap_parse_ip(q, strlen(q), &family, addr) ||
	    snap_lookup_ip(s, family, addr, &ip, err, sizeof(err)) != ST_OK)
		return 0;
	snprintf(r->rdap, sizeof(r->rdap), "%s", ip.rdap);
	if (ip.why == SNAP_WHY_SPECIAL || ip.why == SNAP_WHY_RESERVED) {
		r->nothing = true;
		snprintf(r->why, sizeof(r->why), "snapshot: %s%s%s", ip.has_special ?
		         ip.special.name : "reserved by IANA", ip.has_special ? " " : "",
		         ip.has_special ? ip.special.spec : "");
		return 1;
	}
	if (!ip.whois || !ip.whois[0])
		return 0;
	snprintf(r->server, sizeof(r->server), "%s", ip.whois);
	snprintf(r->why, sizeof(r->why), "snapshot: %s%s%s", snap_why_str(ip.why),
	         ip.has_rir ? ", " : "", ip.has_rir ? ip.rir.registry.name : "");
	return 1;
}

static int route_asn(struct snap *s, const char *q, struct whois_route *r)
{
	struct snap_asn_result as;
	char err[SNAP_ERR_MAX];
	uint32_t asn;

	if (!snap_parse_asn(q, strlen(q), &asn) ||
	    snap_lookup_asn(s, asn, &as, err, sizeof(err)) != ST_OK)
		return 0;
	snprintf(r->rdap, sizeof(r->rdap), "%s", as.rdap);
	if (!as.whois || !as.whois[0])
		return 0;
	snprintf(r->server, sizeof(r->server), "%s", as.whois);
	snprintf(r->why, sizeof(r->why), "snapshot: %s", snap_why_str(as.why));
	return 1;
}

static int route_domain(struct snap *s, const char *q, struct whois_route *r)
{
	struct snap_domain d;
	char err[SNAP_ERR_MAX];
	const char *reg;

	if (snap_lookup_domain(s, q, strlen(q), &d, err, sizeof(err)) != ST_OK || !d.has_tld)
		return 0;
	reg = d.icann_registered[0] ? d.icann_registered : d.registered;
	if (reg[0] && strcmp(reg, q) != 0)
		snprintf(r->query, sizeof(r->query), "%s", reg);
	first_url(d.tld.rdap, r->rdap, sizeof(r->rdap));
	if (d.tld.whois[0]) {
		snprintf(r->server, sizeof(r->server), "%s", d.tld.whois);
		snprintf(r->why, sizeof(r->why), "snapshot: registry of .%s", d.tld.name);
		return 1;
	}
	if (d.tld.flags & SNAP_TLD_NO_PORT43) {
		r->no_port43 = true;
		snprintf(r->why, sizeof(r->why), "snapshot: .%s has no port-43 service", d.tld.name);
		return 1;
	}
	return 0;
}

int whois_route_snap(void *ctx, enum whois_qkind kind, const char *query, struct whois_route *r)
{
	struct snap *s = ctx;

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
		return 0;
	}
}
