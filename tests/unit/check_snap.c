/* Unit tests for snapshot lookups and the container: fixture snapshot, damaged files. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../../src/data/snap_int.h"
#include "buf.h"
#include "sha256.h"
#include "snap.h"
#include "snap_build.h"
#include "status.h"

#define FIXTURE "tests/data/snapmin"

static uint8_t *fx_data;
static size_t fx_len;

/* Build the fixture snapshot once per process (each test runs in its own fork). */
static void build_fixture(void)
{
	struct snap_build_opts o;
	struct buf msg;
	int st;

	memset(&o, 0, sizeof(o));
	o.from = FIXTURE;
	buf_init(&msg, 0);
	st = snap_build_mem(&o, &fx_data, &fx_len, &msg);
	if (st)
		fprintf(stderr, "fixture build: %s\n", buf_str(&msg));
	ck_assert_int_eq(st, ST_OK);
	buf_reset(&msg);
}

static void unbuild_fixture(void)
{
	free(fx_data);
	fx_data = NULL;
}

static struct snap *open_fixture(void)
{
	struct snap *s;
	char err[SNAP_ERR_MAX];

	ck_assert_int_eq(snap_open_mem(fx_data, fx_len, false, true, &s, err, sizeof(err)), ST_OK);
	return s;
}

static void ip(struct snap *s, const char *q, struct snap_ip_result *r)
{
	char err[SNAP_ERR_MAX];
	uint8_t a[16];
	int fam;

	ck_assert_msg(snap_parse_ip(q, strlen(q), &fam, a), "parse %s", q);
	ck_assert_int_eq(snap_lookup_ip(s, fam, a, r, err, sizeof(err)), ST_OK);
}

static void block_is(const struct snap_block *b, const char *want)
{
	char txt[SNAP_RANGE_TEXT];

	snap_block_fmt(b, txt, sizeof(txt));
	ck_assert_str_eq(txt, want);
}

/* ---- addresses ---- */

START_TEST(ip_rir_record_decides)
{
	struct snap *s = open_fixture();
	struct snap_ip_result r;

	ip(s, "1.0.0.1", &r);
	ck_assert(r.has_rir);
	ck_assert_str_eq(r.rir.registry.id, "apnic");
	ck_assert_str_eq(r.rir.cc, "AU");
	ck_assert_str_eq(r.rir.status, "assigned");
	ck_assert_uint_eq(r.rir.date, 20110811);
	block_is(&r.rir.block, "1.0.0.0/24");
	ck_assert(!r.rir.partial);
	ck_assert_str_eq(r.rir.source->path, "rir/delegated-apnic-20241109");
	ck_assert_str_eq(r.whois, "whois.apnic.net");
	ck_assert_str_eq(r.rdap, "https://rdap.apnic.net/");
	ck_assert_int_eq(r.why, SNAP_WHY_RIR);
	ck_assert(r.has_iana);
	block_is(&r.iana.block, "1.0.0.0/8");
	ck_assert_str_eq(r.iana.designation, "APNIC");
	ck_assert(r.has_bootstrap);
	ck_assert(!r.has_special);
	snap_free(s);
}
END_TEST

START_TEST(ip_transfer_newer_file_wins)
{
	struct snap *s = open_fixture();
	struct snap_ip_result r;

	/* ARIN (2013) lists 8/8; APNIC (2024) lists 8.128.0.0/10: a transfer. */
	ip(s, "8.128.0.0", &r);
	ck_assert_str_eq(r.rir.registry.id, "apnic");
	block_is(&r.rir.block, "8.128.0.0/10");
	ck_assert_str_eq(r.whois, "whois.apnic.net");
	ip(s, "8.191.255.255", &r);
	ck_assert_str_eq(r.rir.registry.id, "apnic");
	/* Either side keeps ARIN, reported as what is left of the older record. */
	ip(s, "8.127.255.255", &r);
	ck_assert_str_eq(r.rir.registry.id, "arin");
	ck_assert(r.rir.partial);
	block_is(&r.rir.block, "8.0.0.0/9");
	ip(s, "8.192.0.0", &r);
	ck_assert_str_eq(r.rir.registry.id, "arin");
	block_is(&r.rir.block, "8.192.0.0/10");
	ck_assert_str_eq(r.whois, "whois.arin.net");
	snap_free(s);
}
END_TEST

START_TEST(ip_edges_first_last)
{
	struct snap *s = open_fixture();
	struct snap_ip_result r;

	/* ARIN 23.16.0.0 + 768 addresses: not a prefix, a range; first, last, one past. */
	ip(s, "23.16.0.0", &r);
	block_is(&r.rir.block, "23.16.0.0-23.16.2.255");
	ck_assert(!r.rir.partial);
	ck_assert_str_eq(r.rir.status, "assigned");
	ip(s, "23.16.2.255", &r);
	block_is(&r.rir.block, "23.16.0.0-23.16.2.255");
	ip(s, "23.16.3.0", &r);
	ck_assert(!r.has_rir);
	ck_assert_int_eq(r.why, SNAP_WHY_IANA);
	ip(s, "23.15.255.255", &r);
	block_is(&r.rir.block, "23.0.0.0/12");
	ck_assert_str_eq(r.rir.status, "allocated");
	/* ARIN 192.0.4.0 + 768 addresses, cut by a newer APNIC /24 in the middle. */
	ip(s, "192.0.4.0", &r);
	block_is(&r.rir.block, "192.0.4.0/24");
	ck_assert_str_eq(r.rir.cc, "CA");
	ip(s, "192.0.6.255", &r);
	ck_assert_str_eq(r.rir.registry.id, "arin");
	/* APNIC's 192.0.5.0/24 (newer) inside it: ARIN is cut in two. */
	ip(s, "192.0.5.128", &r);
	ck_assert_str_eq(r.rir.registry.id, "apnic");
	ip(s, "192.0.4.255", &r);
	block_is(&r.rir.block, "192.0.4.0/24");
	ck_assert(r.rir.partial);
	ip(s, "192.0.6.0", &r);
	block_is(&r.rir.block, "192.0.6.0/24");
	/* One past the end: no RIR record; the IANA /8 answers (ARIN legacy). */
	ip(s, "192.0.7.0", &r);
	ck_assert(!r.has_rir);
	ck_assert_int_eq(r.why, SNAP_WHY_IANA);
	ck_assert_str_eq(r.whois, "whois.arin.net");
	/* First and last address of the IPv4 space. */
	ip(s, "0.0.0.0", &r);
	ck_assert(r.has_special);
	ck_assert_int_eq(r.why, SNAP_WHY_SPECIAL);
	ck_assert_str_eq(r.whois, "");
	ip(s, "255.255.255.255", &r);
	ck_assert(r.has_special);
	block_is(&r.special.block, "255.255.255.255/32");
	ip(s, "255.255.255.254", &r);
	block_is(&r.special.block, "240.0.0.0/4");
	snap_free(s);
}
END_TEST

START_TEST(ip_special_blocks)
{
	struct snap *s = open_fixture();
	struct snap_ip_result r;

	ip(s, "10.255.255.255", &r);
	ck_assert_str_eq(r.special.name, "Private-Use");
	ck_assert_str_eq(r.special.spec, "RFC1918");
	ck_assert_int_eq(r.special.global, SNAP_FALSE);
	ck_assert_int_eq(r.why, SNAP_WHY_SPECIAL);
	ip(s, "127.0.0.1", &r);
	ck_assert_str_eq(r.special.name, "Loopback");
	/* Nested: 192.0.0.9/32 inside 192.0.0.0/24, globally reachable: asks the IANA /8. */
	ip(s, "192.0.0.9", &r);
	block_is(&r.special.block, "192.0.0.9/32");
	ck_assert_int_eq(r.special.global, SNAP_TRUE);
	ck_assert_int_eq(r.why, SNAP_WHY_IANA);
	ip(s, "192.0.0.8", &r);
	block_is(&r.special.block, "192.0.0.0/24");
	ck_assert_int_eq(r.why, SNAP_WHY_SPECIAL);
	ip(s, "192.0.0.10", &r);
	block_is(&r.special.block, "192.0.0.0/24");
	/* One record, two blocks. */
	ip(s, "192.0.0.171", &r);
	ck_assert_str_eq(r.special.name, "NAT64/DNS64 Discovery");
	ck_assert_str_eq(r.special.spec, "RFC8880, RFC7050, Section 2.2");
	/* Empty flags of a terminated block: unknown, so it is looked up normally. */
	ip(s, "192.88.99.1", &r);
	ck_assert_int_eq(r.special.global, SNAP_UNKNOWN);
	ck_assert_str_eq(r.special.terminated, "2015-03");
	ck_assert_int_eq(r.why, SNAP_WHY_IANA);
	ip(s, "192.0.2.200", &r);
	ck_assert_str_eq(r.special.name, "Documentation (TEST-NET-1)");
	snap_free(s);
}
END_TEST

START_TEST(ip_iana_layers)
{
	struct snap *s = open_fixture();
	struct snap_ip_result r;

	/* Recovered pool (more specific) over the /8. */
	ip(s, "43.224.0.0", &r);
	ck_assert_str_eq(r.iana.registry, "ipv4-recovered-address-space-2");
	block_is(&r.iana.block, "43.224.0.0/13");
	ip(s, "43.0.0.7", &r);
	ck_assert_str_eq(r.iana.registry, "ipv4-recovered-address-space-1");
	ck_assert_str_eq(r.iana.designation, "Returned by APNIC");
	ip(s, "43.0.1.0", &r);
	ck_assert_str_eq(r.iana.registry, "ipv4-address-space");
	ck_assert_str_eq(r.iana.status, "LEGACY");
	ck_assert_int_eq(r.why, SNAP_WHY_IANA);
	ck_assert_str_eq(r.whois, "whois.apnic.net");
	/* Recovered range given to RIPE inside ARIN's legacy 192/8, and the RIR record. */
	ip(s, "192.31.3.4", &r);
	ck_assert_str_eq(r.iana.designation, "RIPE NCC");
	ck_assert_str_eq(r.rir.registry.id, "ripencc");
	ck_assert_str_eq(r.whois, "whois.ripe.net");
	/* Not in any table at all: IANA. */
	ip(s, "100.0.0.1", &r);
	ck_assert(!r.has_iana && !r.has_rir && !r.has_special);
	ck_assert_int_eq(r.why, SNAP_WHY_NONE);
	ck_assert_str_eq(r.whois, "whois.iana.org");
	/* Reserved /8 without a special block. */
	ip(s, "240.0.0.1", &r);
	ck_assert_int_eq(r.why, SNAP_WHY_SPECIAL);
	snap_free(s);
}
END_TEST

START_TEST(ip_iana_statistics_file)
{
	struct snap *s = open_fixture();
	struct snap_ip_result r;

	/* Only IANA's file covers 1.0.2.0: it names APNIC. */
	ip(s, "1.0.2.0", &r);
	ck_assert_str_eq(r.rir.registry.id, "iana");
	ck_assert(r.rir.has_holder);
	ck_assert_str_eq(r.rir.holder.id, "apnic");
	ck_assert_str_eq(r.rir.status, "delegated");
	ck_assert_int_eq(r.why, SNAP_WHY_IANA_DELEGATED);
	ck_assert_str_eq(r.whois, "whois.apnic.net");
	snap_free(s);
}
END_TEST

START_TEST(ip_available_and_reserved_pools)
{
	struct snap *s = open_fixture();
	struct snap_ip_result r;

	ip(s, "41.1.255.255", &r);
	ck_assert_str_eq(r.rir.status, "available");
	ck_assert_str_eq(r.rir.cc, "ZZ");
	ck_assert_uint_eq(r.rir.date, 0);
	ck_assert_str_eq(r.whois, "whois.afrinic.net");
	ip(s, "177.4.3.255", &r);
	ck_assert_str_eq(r.rir.status, "reserved");
	ck_assert_str_eq(r.rir.cc, "");
	ck_assert_str_eq(r.rir.registry.id, "lacnic");
	snap_free(s);
}
END_TEST

START_TEST(ip6_lookups)
{
	struct snap *s = open_fixture();
	struct snap_ip_result r;

	ip(s, "2001:200::1", &r);
	ck_assert_str_eq(r.rir.registry.id, "apnic");
	block_is(&r.rir.block, "2001:200::/32");
	ck_assert_str_eq(r.iana.designation, "APNIC");
	ip(s, "2001:201::", &r);
	ck_assert_str_eq(r.rir.registry.id, "iana");
	ck_assert_str_eq(r.whois, "whois.apnic.net");
	ip(s, "2001:db8::1", &r);
	ck_assert_int_eq(r.why, SNAP_WHY_SPECIAL);
	ip(s, "::1", &r);
	ck_assert_str_eq(r.special.name, "Loopback Address");
	ip(s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &r);
	ck_assert(!r.has_special && !r.has_rir);
	ip(s, "4000::", &r);
	ck_assert_int_eq(r.why, SNAP_WHY_RESERVED);
	ck_assert_str_eq(r.iana.status, "RESERVED");
	ip(s, "2a00:10ff:ffff:ffff:ffff:ffff:ffff:ffff", &r);
	ck_assert_str_eq(r.rir.registry.id, "ripencc");
	block_is(&r.rir.block, "2a00:1000::/24");
	ip(s, "2a00:1100::", &r);
	ck_assert(!r.has_rir);
	ck_assert_str_eq(r.whois, "whois.ripe.net");
	snap_free(s);
}
END_TEST

START_TEST(ip6_embedded_ipv4)
{
	struct snap *s = open_fixture();
	struct snap_ip_result r;

	/* 6to4: 2002:0801:0203::/48 carries 8.1.2.3 (ARIN). */
	ip(s, "2002:801:203::1", &r);
	ck_assert_int_eq(r.embed, SNAP_EMBED_6TO4);
	ck_assert_uint_eq(r.embedded_v4[0], 8);
	ck_assert_uint_eq(r.embedded_v4[3], 3);
	ck_assert_int_eq(r.why, SNAP_WHY_EMBEDDED_V4);
	ck_assert_str_eq(r.whois, "whois.arin.net");
	ck_assert_str_eq(r.special.name, "6to4");
	/* 6to4 of a private address: no WHOIS. */
	ip(s, "2002:a00:1::", &r);
	ck_assert_str_eq(r.whois, "");
	/* Teredo: the client address is the last 32 bits inverted (~f7f7f7f6 = 8.8.8.9). */
	ip(s, "2001:0:4136:e378:8000:63bf:f7f7:f7f6", &r);
	ck_assert_int_eq(r.embed, SNAP_EMBED_TEREDO);
	ck_assert_uint_eq(r.embedded_v4[3], 9);
	ck_assert_str_eq(r.whois, "whois.arin.net");
	/* IPv4-mapped. */
	ip(s, "::ffff:1.0.0.1", &r);
	ck_assert_int_eq(r.embed, SNAP_EMBED_MAPPED);
	ck_assert_str_eq(r.whois, "whois.apnic.net");
	snap_free(s);
}
END_TEST


START_TEST(route_decides_like_lookup)
{
	static const char *const q[] = { "1.0.0.1", "1.0.2.0", "8.130.0.1", "8.8.8.8", "10.1.1.1",
		                         "43.0.0.7", "100.0.0.1", "192.0.0.9", "192.88.99.1",
		                         "240.0.0.1", "2001:200::1", "2001:201::", "4000::",
		                         "2002:801:203::1", "::ffff:1.0.0.1", "2a00:1100::",
		                         "2001:0:4136:e378:8000:63bf:f7f7:f7f6", "177.4.0.1" };
	struct snap *s = open_fixture();
	struct snap_ip_result a, b;
	char err[SNAP_ERR_MAX];
	uint8_t addr[16];
	size_t i;
	int fam;

	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		ck_assert(snap_parse_ip(q[i], strlen(q[i]), &fam, addr));
		ck_assert_int_eq(snap_lookup_ip(s, fam, addr, &a, err, sizeof(err)), ST_OK);
		ck_assert_int_eq(snap_route_ip(s, fam, addr, &b, err, sizeof(err)), ST_OK);
		ck_assert_msg(strcmp(a.whois, b.whois) == 0 && strcmp(a.rdap, b.rdap) == 0 &&
		              a.why == b.why, "%s", q[i]);
	}
	/* The fast path leaves out the layers it did not need. */
	ck_assert(snap_parse_ip("1.0.0.1", 7, &fam, addr));
	ck_assert_int_eq(snap_route_ip(s, fam, addr, &b, err, sizeof(err)), ST_OK);
	ck_assert(b.has_rir && !b.has_iana);
	ck_assert_int_eq(snap_route_ip(s, 5, addr, &b, err, sizeof(err)), ST_INVAL);
	ck_assert_int_eq(snap_lookup_ip(s, 5, addr, &b, err, sizeof(err)), ST_INVAL);
	snap_free(s);
}
END_TEST

/* ---- AS numbers ---- */

START_TEST(asn_lookups)
{
	struct snap *s = open_fixture();
	struct snap_asn_result r;
	char err[SNAP_ERR_MAX];
	uint32_t a;

	ck_assert_int_eq(snap_lookup_asn(s, 1, &r, err, sizeof(err)), ST_OK);
	ck_assert_str_eq(r.rir.registry.id, "arin");
	ck_assert_uint_eq(r.rir.asn_first, 1);
	ck_assert_uint_eq(r.rir.asn_last, 1);
	ck_assert_str_eq(r.whois, "whois.arin.net");
	ck_assert_int_eq(snap_lookup_asn(s, 2099, &r, err, sizeof(err)), ST_OK);
	ck_assert_uint_eq(r.rir.asn_first, 2000);
	ck_assert_uint_eq(r.rir.asn_last, 2099);
	ck_assert_int_eq(snap_lookup_asn(s, 2100, &r, err, sizeof(err)), ST_OK);
	ck_assert(!r.has_rir);
	ck_assert_int_eq(r.why, SNAP_WHY_IANA);
	ck_assert_int_eq(snap_lookup_asn(s, 1877, &r, err, sizeof(err)), ST_OK);
	ck_assert_str_eq(r.whois, "whois.ripe.net");
	ck_assert_int_eq(snap_lookup_asn(s, 0, &r, err, sizeof(err)), ST_OK);
	ck_assert(r.has_special);
	ck_assert_int_eq(r.why, SNAP_WHY_RESERVED);
	ck_assert_str_eq(r.whois, "");
	ck_assert_int_eq(snap_lookup_asn(s, 64511, &r, err, sizeof(err)), ST_OK);
	ck_assert_str_eq(r.special.spec, "RFC5398");
	ck_assert_int_eq(snap_lookup_asn(s, 4294967295u, &r, err, sizeof(err)), ST_OK);
	ck_assert(r.has_iana);
	ck_assert_int_eq(r.why, SNAP_WHY_RESERVED);
	/* The 16-bit registry wins over the 32-bit one's "see sub-registry" row. */
	ck_assert_int_eq(snap_lookup_asn(s, 65535, &r, err, sizeof(err)), ST_OK);
	ck_assert_str_eq(r.iana.designation, "Reserved");
	ck_assert_int_eq(snap_lookup_asn(s, 131072, &r, err, sizeof(err)), ST_OK);
	ck_assert_str_eq(r.rir.cc, "JP");
	ck_assert_str_eq(r.rdap, "https://rdap.apnic.net/");
	{
		static const uint32_t v[] = { 0, 1, 112, 1877, 2000, 2100, 64500, 65535, 131072,
			                      4200000001u, 4294967295u };
		struct snap_asn_result b;
		size_t i;

		for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			ck_assert_int_eq(snap_lookup_asn(s, v[i], &r, err, sizeof(err)), ST_OK);
			ck_assert_int_eq(snap_route_asn(s, v[i], &b, err, sizeof(err)), ST_OK);
			ck_assert_msg(strcmp(r.whois, b.whois) == 0 && strcmp(r.rdap, b.rdap) == 0 &&
			              r.why == b.why, "AS%u", v[i]);
		}
	}
	ck_assert(snap_parse_asn("AS131072", 8, &a) && a == 131072);
	ck_assert(snap_parse_asn("as 15169", 8, &a) && a == 15169);
	ck_assert(snap_parse_asn("AS2.0", 5, &a) && a == 131072);
	ck_assert(snap_parse_asn("4294967295", 10, &a) && a == 4294967295u);
	ck_assert(!snap_parse_asn("4294967296", 10, &a));
	ck_assert(!snap_parse_asn("AS65536.0", 9, &a));
	ck_assert(!snap_parse_asn("AS", 2, &a));
	snap_free(s);
}
END_TEST

/* ---- TLDs, domains, root hints ---- */

START_TEST(tld_lookups)
{
	struct snap *s = open_fixture();
	struct snap_tld t;
	char err[SNAP_ERR_MAX];

	ck_assert_int_eq(snap_lookup_tld(s, "com", 3, &t, err, sizeof(err)), ST_OK);
	ck_assert_str_eq(t.whois, "whois.verisign-grs.com");
	ck_assert_str_eq(t.rdap, "https://rdap.verisign.com/com/v1/");
	ck_assert(t.flags & SNAP_TLD_DELEGATED);
	ck_assert(t.flags & SNAP_TLD_LISTED);
	ck_assert(!(t.flags & SNAP_TLD_NO_PORT43));
	ck_assert_int_eq(snap_lookup_tld(s, ".DEV", 4, &t, err, sizeof(err)), ST_OK);
	ck_assert_str_eq(t.whois, "");
	ck_assert(t.flags & SNAP_TLD_NO_PORT43);
	ck_assert(t.flags & SNAP_TLD_RDAP_BOOTSTRAP);
	/* RDAP only from the root database (no dns.json entry): gets its '/'. */
	ck_assert_int_eq(snap_lookup_tld(s, "de", 2, &t, err, sizeof(err)), ST_OK);
	ck_assert_str_eq(t.rdap, "https://rdap.denic.de/");
	ck_assert(!(t.flags & SNAP_TLD_RDAP_BOOTSTRAP));
	/* Not delegated: known, but no port 43 is not claimed. */
	ck_assert_int_eq(snap_lookup_tld(s, "abarth", 6, &t, err, sizeof(err)), ST_OK);
	ck_assert(!(t.flags & SNAP_TLD_DELEGATED));
	ck_assert(!(t.flags & SNAP_TLD_NO_PORT43));
	/* IDN TLD in UTF-8; multi-line quoted sponsor in the CSV. */
	ck_assert_int_eq(snap_lookup_tld(s, "中国", strlen("中国"), &t, err, sizeof(err)), ST_OK);
	ck_assert_str_eq(t.name, "xn--fiqs8s");
	ck_assert_str_eq(t.sponsor, "China Internet Network Information Center (CNNIC)");
	ck_assert_int_eq(snap_lookup_tld(s, "example", 7, &t, err, sizeof(err)), ST_NOTFOUND);
	ck_assert_int_eq(snap_lookup_tld(s, "a.b", 3, &t, err, sizeof(err)), ST_INVAL);
	ck_assert_int_eq(snap_lookup_tld(s, "", 0, &t, err, sizeof(err)), ST_INVAL);
	snap_free(s);
}
END_TEST

static void dom(struct snap *s, const char *q, const char *reg, const char *suffix)
{
	struct snap_domain d;
	char err[SNAP_ERR_MAX];

	ck_assert_msg(snap_lookup_domain(s, q, strlen(q), &d, err, sizeof(err)) == ST_OK, "%s", q);
	ck_assert_msg(strcmp(d.registered, reg) == 0, "%s: registered %s, want %s", q, d.registered,
	              reg);
	if (suffix)
		ck_assert_msg(strcmp(d.suffix, suffix) == 0, "%s: suffix %s, want %s", q, d.suffix,
		              suffix);
}

START_TEST(domain_psl_rules)
{
	struct snap *s = open_fixture();
	struct snap_domain d;
	char err[SNAP_ERR_MAX];

	dom(s, "example.com", "example.com", "com");
	dom(s, "mx1.mail.Example.COM.", "example.com", "com");
	dom(s, "com", "", "com");
	dom(s, "a.b.example.co.uk", "example.co.uk", "co.uk");
	dom(s, "x.y.sch.uk", "x.y.sch.uk", "y.sch.uk");  /* wildcard */
	dom(s, "y.sch.uk", "", "y.sch.uk");
	dom(s, "www.city.kobe.jp", "city.kobe.jp", "kobe.jp");  /* exception */
	dom(s, "a.b.c.kobe.jp", "b.c.kobe.jp", "c.kobe.jp");
	dom(s, "ck", "", "ck");
	dom(s, "test.ck", "", "test.ck");
	dom(s, "b.test.ck", "b.test.ck", "test.ck");
	dom(s, "www.www.ck", "www.ck", "ck");
	dom(s, "c.mm", "", "c.mm");
	dom(s, "example.example", "example.example", "example");  /* implicit "*" */
	dom(s, "example", "", "example");
	dom(s, "食狮.公司.cn", "xn--85x722f.xn--55qx5d.cn", "xn--55qx5d.cn");
	dom(s, "www.食狮.中国", "xn--85x722f.xn--fiqs8s", "xn--fiqs8s");
	dom(s, "a.github.io", "a.github.io", "github.io");  /* text after the rule ignored */
	/* Private rules: the full answer and the ICANN-only one differ. */
	ck_assert_int_eq(snap_lookup_domain(s, "a.b.blogspot.com", 16, &d, err, sizeof(err)), ST_OK);
	ck_assert_str_eq(d.registered, "b.blogspot.com");
	ck_assert_int_eq(d.section, SNAP_PSL_PRIVATE);
	ck_assert_str_eq(d.icann_registered, "blogspot.com");
	ck_assert_str_eq(d.icann_suffix, "com");
	ck_assert(d.has_tld);
	ck_assert_str_eq(d.tld.whois, "whois.verisign-grs.com");
	ck_assert_int_eq(snap_lookup_domain(s, "x.y.compute.example.net", 23, &d, err, sizeof(err)),
	                 ST_OK);
	ck_assert(d.wildcard);
	ck_assert_int_eq(d.section, SNAP_PSL_PRIVATE);
	ck_assert_str_eq(d.icann_registered, "example.net");
	/* Invalid names. */
	ck_assert_int_eq(snap_lookup_domain(s, ".com", 4, &d, err, sizeof(err)), ST_INVAL);
	ck_assert_int_eq(snap_lookup_domain(s, "a..com", 6, &d, err, sizeof(err)), ST_INVAL);
	ck_assert_int_eq(snap_lookup_domain(s, "", 0, &d, err, sizeof(err)), ST_INVAL);
	ck_assert_int_eq(snap_lookup_domain(s, "\xff.com", 5, &d, err, sizeof(err)), ST_INVAL);
	{
		/* 128 labels fit in 253 octets? No: 127 one-letter labels are the most (253). */
		char many[256];
		int i;

		for (i = 0; i < 127; i++) {
			many[2 * i] = 'a';
			many[2 * i + 1] = '.';
		}
		many[253] = 0;
		ck_assert_int_eq(snap_lookup_domain(s, many, 253, &d, err, sizeof(err)), ST_OK);
		ck_assert_str_eq(d.suffix, "a");
		ck_assert_int_eq(snap_lookup_domain(s, many, 254, &d, err, sizeof(err)), ST_INVAL);
	}
	snap_free(s);
}
END_TEST

START_TEST(root_hints_listed)
{
	struct snap *s = open_fixture();
	const struct snap_root_server *l;
	const char *date;
	char err[SNAP_ERR_MAX];
	size_t n;

	ck_assert_int_eq(snap_root_hints(s, &l, &n, &date, err, sizeof(err)), ST_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(l[0].name, "a.root-servers.net");
	ck_assert(l[0].has_v4 && l[0].has_v6);
	ck_assert_uint_eq(l[0].v4[0], 198);
	ck_assert_uint_eq(l[0].v6[0], 0x20);
	ck_assert_str_eq(l[1].name, "b.root-servers.net");
	ck_assert(l[1].has_v4 && !l[1].has_v6);
	ck_assert_str_eq(date, "2026-05-21");
	snap_free(s);
}
END_TEST

START_TEST(classify_queries)
{
	static const struct {
		const char *q;
		int kind;
	} v[] = {
		{ "8.8.8.8", SNAP_Q_IP }, { "2001:db8::1", SNAP_Q_IP }, { "192.0.2.0/24", SNAP_Q_IP },
		{ "AS15169", SNAP_Q_ASN }, { "as1.10", SNAP_Q_ASN }, { "15169", SNAP_Q_ASN },
		{ "com", SNAP_Q_TLD }, { ".com", SNAP_Q_TLD }, { "example.com", SNAP_Q_DOMAIN },
		{ "example.com.", SNAP_Q_DOMAIN }, { "", SNAP_Q_INVALID },
		{ "192.0.2.0/33", SNAP_Q_DOMAIN }, { "1.2.3", SNAP_Q_DOMAIN },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		ck_assert_msg(snap_classify(v[i].q, strlen(v[i].q)) == v[i].kind, "%s", v[i].q);
}
END_TEST

/* ---- container: info, damage, fallback ---- */

START_TEST(info_sources_and_dates)
{
	struct snap *s = open_fixture();
	size_t i;
	bool seen_csv = false;

	ck_assert_uint_eq(snap_source_count(s), 22);
	for (i = 0; i < snap_source_count(s); i++) {
		const struct snap_source *src = snap_source_at(s, i);

		ck_assert_uint_eq(strlen(src->date), 10);
		if (strcmp(src->path, "whois-servers/iana-root-db/tld-whois-rdap.csv") == 0) {
			seen_csv = true;
			ck_assert_str_eq(src->date, "2026-08-08");
			ck_assert(src->flags & SNAP_SRC_DATE_GIVEN);
		}
		if (strcmp(src->path, "rir/delegated-ripencc-20140520") == 0)
			ck_assert_str_eq(src->date, "2014-05-20");      /* serial is Unix time */
	}
	ck_assert(seen_csv);
	/* The newer AFRINIC file was chosen over the 2019 one. */
	for (i = 0; i < snap_source_count(s); i++)
		ck_assert_str_ne(snap_source_at(s, i)->path, "rir/delegated-afrinic-20190911");
	ck_assert_int_eq(snap_age_days("2026-08-19", 1787097600), 0);  /* 2026-08-19T00:00Z */
	ck_assert_int_eq(snap_age_days("2026-02-20", 1787097600), 180);
	snap_free(s);
}
END_TEST

START_TEST(verify_accepts_fixture)
{
	struct snap *s = open_fixture();
	char err[SNAP_ERR_MAX];

	ck_assert_int_eq(snap_verify(s, err, sizeof(err)), ST_OK);
	snap_free(s);
}
END_TEST

/* Re-seal the header checksums after editing the tables (to reach deeper checks). */
static void reseal(uint8_t *d)
{
	uint32_t meta = snap_be32(d + HDR_META_LEN);

	snap_put32(d + HDR_META_CRC, (uint32_t)crc32(0, d + SNAP_HDR_LEN, meta - SNAP_HDR_LEN));
	snap_put32(d + HDR_CRC, (uint32_t)crc32(0, d, HDR_CRC));
}

static int open_copy(const uint8_t *d, size_t n, char *err)
{
	struct snap *s = NULL;
	int st = snap_open_mem(d, n, true, true, &s, err, SNAP_ERR_MAX);

	if (st == ST_OK) {
		st = snap_verify(s, err, SNAP_ERR_MAX);
		snap_free(s);
	}
	return st;
}

START_TEST(truncated_everywhere)
{
	char err[SNAP_ERR_MAX];
	size_t n;

	/* Every truncation point is refused at open time with a reason. */
	for (n = 0; n < fx_len; n += n < 2048 ? 1 : 97) {
		int st = open_copy(fx_data, n, err);

		ck_assert_msg(st != ST_OK, "truncated to %zu accepted", n);
		ck_assert_msg(err[0], "no reason at %zu", n);
	}
	ck_assert_int_eq(open_copy(fx_data, 10, err), ST_TRUNC);
	ck_assert(strstr(err, "too short"));
	ck_assert_int_eq(open_copy(fx_data, fx_len - 1, err), ST_TRUNC);
	ck_assert(strstr(err, "truncated"));
}
END_TEST

START_TEST(corrupted_bytes_detected)
{
	uint8_t *d = malloc(fx_len);
	char err[SNAP_ERR_MAX];
	size_t i;

	/* Flip one bit at many offsets: never accepted, never a crash. */
	for (i = 0; i < fx_len; i += i < 4096 ? 7 : 131) {
		memcpy(d, fx_data, fx_len);
		d[i] ^= 0x10;
		ck_assert_msg(open_copy(d, fx_len, err) != ST_OK, "flip at %zu accepted", i);
	}
	memcpy(d, fx_data, fx_len);
	d[0] = 'X';
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	ck_assert(strstr(err, "magic"));
	memcpy(d, fx_data, fx_len);
	d[fx_len - 5] ^= 1;
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	ck_assert(strstr(err, "checksum"));
	free(d);
}
END_TEST

START_TEST(wrong_version_refused)
{
	uint8_t *d = malloc(fx_len + 1);
	char err[SNAP_ERR_MAX];

	memcpy(d, fx_data, fx_len);
	d[HDR_MAJOR + 1] = 2;
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_UNSUPPORTED);
	ck_assert(strstr(err, "version 2"));
	/* A newer minor version is read. */
	memcpy(d, fx_data, fx_len);
	d[HDR_MINOR + 1] = 7;
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_OK);
	/* Trailing garbage. */
	memcpy(d, fx_data, fx_len);
	d[fx_len] = 0;
	ck_assert_int_eq(open_copy(d, fx_len + 1, err), ST_MALFORMED);
	free(d);
}
END_TEST

START_TEST(tables_checked_after_reseal)
{
	uint8_t *d = malloc(fx_len);
	char err[SNAP_ERR_MAX];
	uint32_t nsrc, first;
	uint8_t *sec;

	memcpy(d, fx_data, fx_len);
	nsrc = snap_be32(d + HDR_NSOURCES);
	sec = d + SNAP_HDR_LEN + nsrc * SNAP_SRC_LEN;
	/* A source date that is not a date. */
	memcpy(d + SNAP_HDR_LEN + SRC_DATE, "2026-13-xx", 10);
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	ck_assert(strstr(err, "date"));
	/* A section pointing past the end. */
	memcpy(d, fx_data, fx_len);
	snap_put32(sec + SEC_CLEN, 0x7fffffff);
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_TRUNC);
	/* Inflated size too small for its own payload header. */
	memcpy(d, fx_data, fx_len);
	snap_put32(sec + SEC_ULEN, 3);
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	/* Inflated size off by one: zlib stream length mismatch. */
	memcpy(d, fx_data, fx_len);
	snap_put32(sec + SEC_ULEN, snap_be32(sec + SEC_ULEN) + 1);
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	ck_assert(strstr(err, "zlib") || strstr(err, "size"));
	/* Sections out of order. */
	memcpy(d, fx_data, fx_len);
	first = snap_be32(d + HDR_NSECTIONS);
	ck_assert_uint_gt(first, 2);
	memcpy(sec + SEC_NAME, "zzz", 4);
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	/* Kind that does not match the section name. */
	memcpy(d, fx_data, fx_len);
	snap_put32(sec + SEC_KIND, RT_PSL);
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	/* SHA-256 of a section (verify only). */
	memcpy(d, fx_data, fx_len);
	sec[SEC_SHA] ^= 1;
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	ck_assert(strstr(err, "SHA-256"));
	free(d);
}
END_TEST


/* ---- rewriting one section's payload (to reach the checks behind the checksums) ---- */

static uint8_t *inflate_section(const uint8_t *d, uint32_t i, uint32_t *ulen)
{
	uint32_t nsrc = snap_be32(d + HDR_NSOURCES);
	const uint8_t *e = d + SNAP_HDR_LEN + nsrc * SNAP_SRC_LEN + i * SNAP_SEC_LEN;
	uLongf n = snap_be32(e + SEC_ULEN);
	uint8_t *out = malloc(n);

	ck_assert_int_eq(uncompress(out, &n, d + snap_be64(e + SEC_OFFSET), snap_be32(e + SEC_CLEN)),
	                 Z_OK);
	*ulen = (uint32_t)n;
	return out;
}

/* A copy of snapshot d with section i's payload replaced (checksums all made right). */
static uint8_t *replace_section(const uint8_t *d, size_t n, uint32_t i, const uint8_t *pay,
                                uint32_t plen, size_t *outn)
{
	uint32_t nsrc = snap_be32(d + HDR_NSOURCES), nsec = snap_be32(d + HDR_NSECTIONS), k;
	size_t meta = snap_be32(d + HDR_META_LEN), total = meta, off = meta;
	uLongf zlen = compressBound(plen);
	uint8_t *z = malloc(zlen), *out;

	ck_assert_uint_ge(n, meta);
	ck_assert_int_eq(compress2(z, &zlen, pay, plen, 9), Z_OK);
	for (k = 0; k < nsec; k++)
		total += k == i ? zlen : snap_be32(d + SNAP_HDR_LEN + nsrc * SNAP_SRC_LEN +
		                                   k * SNAP_SEC_LEN + SEC_CLEN);
	out = calloc(1, total);
	memcpy(out, d, meta);
	for (k = 0; k < nsec; k++) {
		uint8_t *e = out + SNAP_HDR_LEN + nsrc * SNAP_SRC_LEN + k * SNAP_SEC_LEN;
		const uint8_t *src = d + snap_be64(e + SEC_OFFSET);
		uint32_t clen = snap_be32(e + SEC_CLEN);

		if (k == i) {
			src = z;
			clen = (uint32_t)zlen;
			snap_put32(e + SEC_ULEN, plen);
			sha256(pay, plen, e + SEC_SHA);
		}
		memcpy(out + off, src, clen);
		snap_put64(e + SEC_OFFSET, off);
		snap_put32(e + SEC_CLEN, clen);
		snap_put32(e + SEC_CRC, (uint32_t)crc32(0, src, clen));
		off += clen;
	}
	snap_put64(out + HDR_FILE_LEN, total);
	reseal(out);
	free(z);
	*outn = total;
	return out;
}

static uint32_t section_index(const uint8_t *d, const char *name, uint32_t part)
{
	uint32_t nsrc = snap_be32(d + HDR_NSOURCES), nsec = snap_be32(d + HDR_NSECTIONS), k;

	for (k = 0; k < nsec; k++) {
		const uint8_t *e = d + SNAP_HDR_LEN + nsrc * SNAP_SRC_LEN + k * SNAP_SEC_LEN;

		if (strcmp((const char *)e + SEC_NAME, name) == 0 && snap_be32(e + SEC_PART) == part)
			return k;
	}
	ck_abort_msg("no section %s", name);
	return 0;
}

static uint8_t *sec_entry(uint8_t *d, uint32_t k)
{
	return d + SNAP_HDR_LEN + snap_be32(d + HDR_NSOURCES) * SNAP_SRC_LEN + k * SNAP_SEC_LEN;
}

struct pay_case {
	const char *section;
	size_t at;                  /* byte offset in the payload (SIZE_MAX: from the end) */
	int delta;                  /* added to that byte (mod 256) */
	int grow;                   /* bytes appended */
	const char *want;
};

static const struct pay_case pay_cases[] = {
	{ "ip4.rir", 0, 1, 0, "bad payload header" },              /* key length 5 */
	{ "ip4.rir", 1, 1, 0, "bad payload header" },              /* record type */
	{ "psl", 7, 1, 0, "pieces in a list" },                     /* npieces of a list */
	{ "ip4.rir", 7, 1, 0, "bad piece" },                        /* one piece more */
	{ "ip4.rir", 11, 1, 0, "sizes do not add up" },             /* one record more */
	{ "ip4.rir", 20, 0x80, 0, "bad piece" },                    /* varint runs on */
	{ "ip4.rir", 0, 0, 1, "sizes do not add up" },              /* a byte too many */
	{ "psl", SIZE_MAX, 1, 0, "string pool not terminated" },
	{ "ip4.special", SIZE_MAX, 0, 0, "string outside the pool" },
	{ "ip4.rir", SIZE_MAX, 0, 0, "bad index" },
	{ "tld", SIZE_MAX, 0, 0, "names out of order" },
};

static void damage_payload(const struct pay_case *c, uint8_t *p, uint32_t *len)
{
	uint32_t npieces = snap_be32(p + 4), nrecs = snap_be32(p + 8), pool = snap_be32(p + 12);
	uint32_t plen = snap_be32(p + 16);
	size_t reclen = (size_t)p[2] << 8 | p[3];
	uint8_t *recs = p + SNAP_PAYLOAD_HDR + plen;

	(void)npieces;
	if (c->grow) {
		p[*len] = 0;
		*len += (uint32_t)c->grow;
		return;
	}
	if (c->at != SIZE_MAX) {
		if (c->at == 7 && strcmp(c->section, "psl") == 0)
			return;             /* handled below */
		p[c->at] = (uint8_t)(p[c->at] + c->delta);
		return;
	}
	if (strstr(c->want, "pool not terminated"))
		p[*len - 1] = 'x';
	else if (strstr(c->want, "outside the pool"))
		recs[(reclen - 4) * nrecs] = (uint8_t)(pool >> 24) + 1; /* termination, high byte */
	else if (strstr(c->want, "bad index"))
		recs[0] = 200;          /* registry column, record 0 */
	else if (strstr(c->want, "out of order")) {
		uint8_t t[4];
		int j;

		for (j = 0; j < 4; j++) {       /* swap the name offsets of records 0 and 1 */
			t[j] = recs[j * nrecs];
			recs[j * nrecs] = recs[j * nrecs + 1];
			recs[j * nrecs + 1] = t[j];
		}
	}
}

START_TEST(payload_checks_after_checksums)
{
	const struct pay_case *c = &pay_cases[_i];
	uint32_t idx = section_index(fx_data, c->section, 0), ulen;
	uint8_t *pay = inflate_section(fx_data, idx, &ulen), *big, *d;
	char err[SNAP_ERR_MAX];
	size_t n;

	big = malloc(ulen + 16);
	memcpy(big, pay, ulen);
	if (strcmp(c->want, "pieces in a list") == 0) {
		snap_put32(big + 4, 1);     /* a sorted list with pieces */
		d = replace_section(fx_data, fx_len, idx, big, ulen, &n);
		ck_assert_int_eq(open_copy(d, n, err), ST_MALFORMED);
		ck_assert_msg(strstr(err, "bad payload header"), "%s", err);
	} else {
		damage_payload(c, big, &ulen);
		d = replace_section(fx_data, fx_len, idx, big, ulen, &n);
		ck_assert_int_eq(open_copy(d, n, err), ST_MALFORMED);
		ck_assert_msg(strstr(err, c->want), "%s: got '%s', want '%s'", c->section, err, c->want);
	}
	free(d);
	free(big);
	free(pay);
}
END_TEST

START_TEST(table_checks_after_reseal)
{
	uint8_t *d = malloc(fx_len + 1);
	char err[SNAP_ERR_MAX];
	uint32_t k;
	struct snap *s;
	struct snap_tld t;
	struct snap_ip_result r;
	uint8_t a[16] = { 1, 0, 0, 1 };

	/* An unknown table (a newer minor version) is skipped; a missing one is reported. */
	memcpy(d, fx_data, fx_len);
	k = section_index(d, "tld", 0);
	memcpy(sec_entry(d, k) + SEC_NAME, "tlz", 4);
	reseal(d);
	ck_assert_int_eq(snap_open_mem(d, fx_len, false, true, &s, err, sizeof(err)), ST_OK);
	ck_assert_int_eq(snap_lookup_tld(s, "com", 3, &t, err, sizeof(err)), ST_NOTFOUND);
	ck_assert(strstr(err, "no tld section"));
	ck_assert_int_eq(snap_verify(s, err, sizeof(err)), ST_MALFORMED);
	ck_assert(strstr(err, "section tld is missing"));
	snap_free(s);
	/* No registry table: statistics records cannot be resolved; the failure sticks. */
	memcpy(d, fx_data, fx_len);
	k = section_index(d, "registry", 0);
	memcpy(sec_entry(d, k) + SEC_NAME, "registrz", 9);
	reseal(d);
	ck_assert_int_eq(snap_open_mem(d, fx_len, false, true, &s, err, sizeof(err)), ST_OK);
	ck_assert_int_eq(snap_lookup_ip(s, 4, a, &r, err, sizeof(err)), ST_MALFORMED);
	ck_assert(strstr(err, "no registry section"));
	ck_assert_int_eq(snap_lookup_ip(s, 4, a, &r, err, sizeof(err)), ST_MALFORMED);
	ck_assert(strstr(err, "damaged"));
	snap_free(s);
	/* Section table fields. */
	memcpy(d, fx_data, fx_len);
	snap_put64(sec_entry(d, 0) + SEC_SOURCES, 1ull << 40);
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	ck_assert(strstr(err, "unknown source"));
	memcpy(d, fx_data, fx_len);
	snap_put32(sec_entry(d, 0) + SEC_PART, 1);
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	ck_assert(strstr(err, "first part is 1"));
	memcpy(d, fx_data, fx_len);
	k = section_index(d, "registry", 0);
	memcpy(sec_entry(d, k) + SEC_NAME, "psl\0\0\0\0\0", 8);
	snap_put32(sec_entry(d, k) + SEC_PART, 1);
	snap_put64(sec_entry(d, k) + SEC_KEY_LO + 8, 5);
	snap_put32(sec_entry(d, k) + SEC_KIND, RT_PSL);
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	ck_assert(strstr(err, "psl cannot be split"));
	memcpy(d, fx_data, fx_len);
	k = section_index(d, "psl", 0);
	snap_put32(sec_entry(d, k) + SEC_RECORDS, 1);
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	ck_assert(strstr(err, "record count differs"));
	/* Header fields. */
	memcpy(d, fx_data, fx_len);
	snap_put32(d + HDR_NSOURCES, SNAP_MAX_SOURCES + 1);
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	ck_assert(strstr(err, "table sizes"));
	memcpy(d, fx_data, fx_len);
	snap_put32(d + HDR_NSECTIONS, SNAP_MAX_SECTIONS);
	snap_put32(d + HDR_META_LEN, SNAP_HDR_LEN + snap_be32(d + HDR_NSOURCES) * SNAP_SRC_LEN +
	                             SNAP_MAX_SECTIONS * SNAP_SEC_LEN);
	snap_put32(d + HDR_CRC, (uint32_t)crc32(0, d, HDR_CRC));
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_TRUNC);
	ck_assert(strstr(err, "extend past the end"));
	memcpy(d, fx_data, fx_len);
	snap_put64(d + HDR_FILE_LEN, 1ull << 40);
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	ck_assert(strstr(err, "bad file length"));
	memcpy(d, fx_data, fx_len);
	d[fx_len] = 0;
	snap_put64(d + HDR_FILE_LEN, fx_len + 1);
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len + 1, err), ST_MALFORMED);
	ck_assert(strstr(err, "after the last section"));
	/* A damaged zlib stream whose CRC was recomputed. */
	memcpy(d, fx_data, fx_len);
	k = section_index(d, "psl", 0);
	{
		uint8_t *e = sec_entry(d, k);
		uint8_t *z = d + snap_be64(e + SEC_OFFSET);

		z[snap_be32(e + SEC_CLEN) / 2] ^= 0xff;
		snap_put32(e + SEC_CRC, (uint32_t)crc32(0, z, snap_be32(e + SEC_CLEN)));
	}
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	ck_assert(strstr(err, "zlib") || strstr(err, "SHA-256") || strstr(err, "psl"));
	/* Inflated size announced smaller than the stream. */
	memcpy(d, fx_data, fx_len);
	snap_put32(sec_entry(d, k) + SEC_ULEN, 24);
	reseal(d);
	ck_assert_int_eq(open_copy(d, fx_len, err), ST_MALFORMED);
	ck_assert(strstr(err, "longer than announced"));
	free(d);
}
END_TEST

START_TEST(split_table_parts_checked)
{
	char err[SNAP_ERR_MAX];
	uint8_t *d;
	uint32_t k1, k2;
	uint8_t *e1, *e2;
	struct snap *s;
	struct snap_ip_result r;
	uint8_t a[16] = { 0 };

	if (snap_embedded_len == 0)
		return;
	d = malloc(snap_embedded_len);
	/* Parts of ip4.rir: a part whose pieces start below its key is refused... */
	memcpy(d, snap_embedded, snap_embedded_len);
	k1 = section_index(d, "ip4.rir", 1);
	e1 = sec_entry(d, k1);
	snap_put64(e1 + SEC_KEY_LO + 8, snap_be64(e1 + SEC_KEY_LO + 8) + 1);
	reseal(d);
	ck_assert_int_eq(snap_open_mem(d, snap_embedded_len, false, false, &s, err, sizeof(err)),
	                 ST_OK);
	snap_put32(a, (uint32_t)snap_be64(e1 + SEC_KEY_LO + 8));
	ck_assert_int_eq(snap_lookup_ip(s, 4, a, &r, err, sizeof(err)), ST_MALFORMED);
	ck_assert(strstr(err, "below its key range"));
	snap_free(s);
	/* ...and so is one whose pieces run into the next part. */
	memcpy(d, snap_embedded, snap_embedded_len);
	k2 = section_index(d, "ip4.rir", 2);
	e2 = sec_entry(d, k2);
	snap_put64(e2 + SEC_KEY_LO + 8, snap_be64(e2 + SEC_KEY_LO + 8) - 1);
	reseal(d);
	ck_assert_int_eq(snap_open_mem(d, snap_embedded_len, false, false, &s, err, sizeof(err)),
	                 ST_OK);
	snap_put32(a, (uint32_t)snap_be64(sec_entry(d, k1) + SEC_KEY_LO + 8));
	ck_assert_int_eq(snap_lookup_ip(s, 4, a, &r, err, sizeof(err)), ST_MALFORMED);
	ck_assert(strstr(err, "overlaps part"));
	snap_free(s);
	free(d);
}
END_TEST

START_TEST(open_file_errors)
{
	struct snap *s;
	char err[SNAP_ERR_MAX];

	ck_assert_int_eq(snap_open_file("/nonexistent/mxtrace.snap", &s, err, sizeof(err)), ST_IO);
	ck_assert(strstr(err, "No such file"));
	ck_assert_int_eq(snap_open_file("/tmp", &s, err, sizeof(err)), ST_IO);
	ck_assert(strstr(err, "not a regular file"));
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(file_fallback_to_embedded)
{
	char dir[] = "/tmp/mxt-snap-XXXXXX", path[256], warn[2 * SNAP_ERR_MAX];
	struct snap *s;
	bool warned;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, SNAP_FILE_NAME);
	/* Missing file: warning, embedded used. */
	ck_assert_int_eq(snap_open_best(dir, &s, warn, sizeof(warn), &warned), ST_OK);
	ck_assert(warned);
	ck_assert(strstr(warn, "no snapshot"));
	ck_assert_int_eq(snap_origin(s), SNAP_ORIGIN_EMBEDDED);
	snap_free(s);
	/* Good file: used, no warning. */
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite(fx_data, 1, fx_len, f);
	fclose(f);
	ck_assert_int_eq(snap_open_best(dir, &s, warn, sizeof(warn), &warned), ST_OK);
	ck_assert(!warned);
	ck_assert_int_eq(snap_origin(s), SNAP_ORIGIN_FILE);
	ck_assert_uint_eq(snap_source_count(s), 22);
	snap_free(s);
	/* Truncated file: the reason names the file, embedded used. */
	f = fopen(path, "wb");
	fwrite(fx_data, 1, fx_len / 2, f);
	fclose(f);
	ck_assert_int_eq(snap_open_best(dir, &s, warn, sizeof(warn), &warned), ST_OK);
	ck_assert(warned);
	ck_assert(strstr(warn, path));
	ck_assert(strstr(warn, "truncated"));
	ck_assert_int_eq(snap_origin(s), SNAP_ORIGIN_EMBEDDED);
	snap_free(s);
	/* A payload byte damaged: section CRC checked when opening a file. */
	f = fopen(path, "wb");
	fx_data[fx_len - 3] ^= 0x40;
	fwrite(fx_data, 1, fx_len, f);
	fx_data[fx_len - 3] ^= 0x40;
	fclose(f);
	ck_assert_int_eq(snap_open_best(dir, &s, warn, sizeof(warn), &warned), ST_OK);
	ck_assert(warned);
	ck_assert(strstr(warn, "corrupted"));
	snap_free(s);
	remove(path);
	rmdir(dir);
}
END_TEST

START_TEST(embedded_snapshot_opens)
{
	struct snap *s;
	char err[SNAP_ERR_MAX];
	struct snap_ip_result r;
	uint8_t a[16] = { 10, 1, 2, 3 };

	if (snap_embedded_len == 0)
		return;     /* built with NO_EMBED */
	ck_assert_int_eq(snap_open_embedded(&s, err, sizeof(err)), ST_OK);
	ck_assert_int_eq(snap_lookup_ip(s, 4, a, &r, err, sizeof(err)), ST_OK);
	ck_assert_int_eq(r.why, SNAP_WHY_SPECIAL);
	ck_assert_int_eq(snap_verify(s, err, sizeof(err)), ST_OK);
	snap_free(s);
}
END_TEST

static Suite *snap_suite(void)
{
	Suite *s = suite_create("snap");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, build_fixture, unbuild_fixture);
	tcase_add_test(tc, ip_rir_record_decides);
	tcase_add_test(tc, ip_transfer_newer_file_wins);
	tcase_add_test(tc, ip_edges_first_last);
	tcase_add_test(tc, ip_special_blocks);
	tcase_add_test(tc, ip_iana_layers);
	tcase_add_test(tc, ip_iana_statistics_file);
	tcase_add_test(tc, ip_available_and_reserved_pools);
	tcase_add_test(tc, ip6_lookups);
	tcase_add_test(tc, ip6_embedded_ipv4);
	tcase_add_test(tc, route_decides_like_lookup);
	tcase_add_test(tc, asn_lookups);
	tcase_add_test(tc, tld_lookups);
	tcase_add_test(tc, domain_psl_rules);
	tcase_add_test(tc, root_hints_listed);
	tcase_add_test(tc, classify_queries);
	tcase_add_test(tc, info_sources_and_dates);
	tcase_add_test(tc, verify_accepts_fixture);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, build_fixture, unbuild_fixture);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, truncated_everywhere);
	tcase_add_test(tc, corrupted_bytes_detected);
	tcase_add_test(tc, wrong_version_refused);
	tcase_add_test(tc, tables_checked_after_reseal);
	tcase_add_loop_test(tc, payload_checks_after_checksums, 0,
	                    (int)(sizeof(pay_cases) / sizeof(pay_cases[0])));
	tcase_add_test(tc, table_checks_after_reseal);
	tcase_add_test(tc, split_table_parts_checked);
	tcase_add_test(tc, open_file_errors);
	tcase_add_test(tc, file_fallback_to_embedded);
	tcase_add_test(tc, embedded_snapshot_opens);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(snap_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
