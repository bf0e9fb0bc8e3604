/* Unit tests for WHOIS query classification, per-server query lines from the table, and the
 * address classes referrals must not reach. */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "whois.h"
#include "whois_tab.h"

struct kind_case {
	const char *in;
	int kind;
	const char *norm;
};

START_TEST(classify)
{
	static const struct kind_case v[] = {
		{ "192.0.2.7", WQ_IPV4, "192.0.2.7" },
		{ "  192.0.2.7 ", WQ_IPV4, "192.0.2.7" },
		{ "2001:DB8::1", WQ_IPV6, "2001:db8::1" },
		{ "192.0.2.0/24", WQ_CIDR, "192.0.2.0/24" },
		{ "192.0.2.0/32", WQ_CIDR, "192.0.2.0/32" },
		{ "192.0.2.0/33", -1, NULL },
		{ "2001:db8::/128", WQ_CIDR, "2001:db8::/128" },
		{ "2001:db8::/129", -1, NULL },
		{ "AS15169", WQ_ASN, "AS15169" },
		{ "as15169", WQ_ASN, "AS15169" },
		{ "AS 64500", WQ_ASN, "AS64500" },
		{ "AS4294967295", WQ_ASN, "AS4294967295" },
		{ "AS4294967296", WQ_TLD, "as4294967296" },   /* too big for an AS: a label */
		{ "Example.COM.", WQ_DOMAIN, "example.com" },
		{ "b\xc3\xbc" "cher.example", WQ_DOMAIN, "xn--bcher-kva.example" },
		{ "com", WQ_TLD, "com" },
		{ "NET-192-0-2-0-1", WQ_TLD, "net-192-0-2-0-1" },
		{ "RIPE-NCC-HM-MNT x", WQ_OTHER, "RIPE-NCC-HM-MNT x" },
		{ "", -1, NULL },
		{ "   ", -1, NULL },
		{ "example.com\r\nsecond query", -1, NULL },
		{ "example.com\n", -1, NULL },
		{ "a\x01" "b", -1, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char norm[WHOIS_QUERY_MAX];
		int k = whois_query_kind(v[i].in, norm, sizeof(norm));

		ck_assert_msg(k == v[i].kind, "case %zu '%s': kind %d", i, v[i].in, k);
		if (v[i].norm)
			ck_assert_str_eq(norm, v[i].norm);
	}
}
END_TEST

START_TEST(query_lines)
{
	struct wtab *t = NULL;
	char out[WHOIS_QUERY_MAX], err[128];

	ck_assert_int_eq(wtab_load(&t, NULL, err, sizeof(err)), ST_OK);
#define LINE(srv, kind, q, want)                                                          \
	do {                                                                                  \
		ck_assert_int_eq(whois_query_line(t, srv, kind, q, "mxtrace-test", out,           \
		                                  sizeof(out)), ST_OK);                           \
		ck_assert_str_eq(out, want);                                                      \
	} while (0)
	LINE("whois.arin.net", WQ_IPV4, "192.0.2.7", "n + 192.0.2.7");
	LINE("whois.arin.net", WQ_IPV6, "2001:db8::1", "n + 2001:db8::1");
	LINE("whois.arin.net", WQ_CIDR, "192.0.2.0/24", "r + = 192.0.2.0/24");
	LINE("whois.arin.net", WQ_ASN, "AS64500", "a 64500");
	LINE("whois.ripe.net", WQ_IPV4, "192.0.2.7", "-V mxtrace-test -r --charset UTF-8 192.0.2.7");
	LINE("whois.ripe.net", WQ_DOMAIN, "nic.fo", "-V mxtrace-test --charset UTF-8 nic.fo");
	LINE("whois.apnic.net", WQ_ASN, "AS64500", "-V mxtrace-test -r AS64500");
	LINE("whois.lacnic.net", WQ_IPV4, "192.0.2.7", "192.0.2.7");
	LINE("whois.iana.org", WQ_DOMAIN, "mx1.example.com", "com");
	LINE("whois.iana.org", WQ_CIDR, "192.0.2.0/24", "192.0.2.0");
	LINE("whois.iana.org", WQ_ASN, "AS64500", "AS64500");
	LINE("whois.verisign-grs.com", WQ_DOMAIN, "example.com", "domain example.com");
	LINE("whois.jprs.jp", WQ_DOMAIN, "example.jp", "example.jp/e");
	LINE("whois.nic.ad.jp", WQ_ASN, "AS2500", "AS 2500/e");
	LINE("whois.denic.de", WQ_DOMAIN, "example.de", "-T dn,ace example.de");
	LINE("whois.punktum.dk", WQ_DOMAIN, "example.dk", "--charset=utf-8 --show-handles example.dk");
	LINE("whois.nic.unknown.example", WQ_DOMAIN, "example.unknown", "example.unknown");
	LINE(NULL, WQ_IPV4, "192.0.2.7", "192.0.2.7");
	ck_assert_int_eq(whois_query_line(t, "whois.arin.net", WQ_IPV4, "1.2.3.4\r\nx", NULL, out,
	                                  sizeof(out)), ST_INVAL);
	ck_assert_int_eq(whois_query_line(t, "whois.ripe.net", WQ_IPV4, "192.0.2.7", NULL, out, 20),
	                 ST_TOOBIG);
	ck_assert_str_eq(out, "");
	wtab_free(t);
}
END_TEST

static bool priv(const char *s)
{
	uint8_t a[16];

	if (strchr(s, ':')) {
		ck_assert_int_eq(inet_pton(AF_INET6, s, a), 1);
		return whois_addr_private(6, a);
	}
	ck_assert_int_eq(inet_pton(AF_INET, s, a), 1);
	return whois_addr_private(4, a);
}

START_TEST(private_addresses)
{
	/* first inside / first outside each class */
	ck_assert(priv("127.0.0.1") && priv("127.255.255.255") && !priv("128.0.0.0"));
	ck_assert(priv("10.0.0.0") && priv("10.255.255.255") && !priv("11.0.0.0") && !priv("9.255.255.255"));
	ck_assert(priv("172.16.0.0") && priv("172.31.255.255") && !priv("172.32.0.0") && !priv("172.15.255.255"));
	ck_assert(priv("192.168.0.0") && !priv("192.169.0.0") && !priv("192.167.255.255"));
	ck_assert(priv("169.254.0.1") && !priv("169.255.0.1"));
	ck_assert(priv("224.0.0.1") && priv("255.255.255.255") && !priv("223.255.255.255"));
	ck_assert(priv("0.0.0.0") && !priv("1.0.0.0"));
	ck_assert(!priv("192.0.2.43") && !priv("130.66.76.222"));
	ck_assert(priv("::1") && priv("::") && !priv("::2"));
	ck_assert(priv("fc00::1") && priv("fdff::1") && !priv("fe00::1") && !priv("fbff::1"));
	ck_assert(priv("fe80::1") && priv("febf::1") && !priv("fec0::1"));
	ck_assert(priv("ff02::1") && !priv("2001:db8::1"));
	ck_assert(priv("::ffff:127.0.0.1") && priv("::ffff:10.1.2.3") && !priv("::ffff:192.0.2.1"));
}
END_TEST

START_TEST(private_names)
{
	/* names a proxy would resolve to loopback or read as an address */
	ck_assert(whois_name_private("localhost") && whois_name_private("LOCALHOST.") &&
	          whois_name_private("whois.localhost") && whois_name_private("ip6-localhost") &&
	          whois_name_private("ip6-loopback"));
	ck_assert(!whois_name_private("localhost.example") && !whois_name_private("xlocalhost") &&
	          !whois_name_private("mylocalhost"));
	ck_assert(whois_name_private("127.1") && whois_name_private("2130706433") &&
	          whois_name_private("0x7f.1") && whois_name_private("0X7F000001") &&
	          whois_name_private("10.0.0.1") && whois_name_private("a.b.0x") &&
	          whois_name_private(""));
	ck_assert(!whois_name_private("whois.ripe.net") && !whois_name_private("1.example") &&
	          !whois_name_private("0xdead.example") && !whois_name_private("whois.0xg") &&
	          !whois_name_private("rwhois.example.net.") && !whois_name_private("a1"));
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(whois_outcome_name(WO_RATE_LIMITED), "rate-limited");
	ck_assert_str_eq(whois_outcome_name((enum whois_outcome)99), "unknown");
	ck_assert_str_eq(whois_hop_status_name(ST_TIMEOUT), "timeout");
	ck_assert_str_eq(whois_hop_status_name(ST_NOTFOUND), "unresolved");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("whois_query");
	TCase *core = tcase_create("core"), *limits = tcase_create("limits");

	tcase_add_test(core, classify);
	tcase_add_test(core, query_lines);
	tcase_add_test(core, names);
	tcase_add_test(limits, private_addresses);
	tcase_add_test(limits, private_names);
	suite_add_tcase(s, core);
	suite_add_tcase(s, limits);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
