/* Unit tests for spans, the line reader, host:port parsing and punycode/IDNA. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hostport.h"
#include "punycode.h"
#include "span.h"
#include "status.h"

START_TEST(line_ends_all_kinds)
{
	static const char txt[] = "a\nb\r\nc\rd\r\r\ne";
	const char *want[] = { "a", "b", "c", "d", "e" };
	struct line_reader lr;
	struct span l;
	int i = 0;

	lr_init(&lr, txt, sizeof(txt) - 1, 0);
	while (lr_next(&lr, &l)) {
		ck_assert_int_lt(i, 5);
		ck_assert(span_eq(l, want[i]));
		i++;
		ck_assert_uint_eq(lr.lineno, (unsigned long)i);
	}
	ck_assert_int_eq(i, 5);
}
END_TEST

START_TEST(line_cap_first_valid_first_invalid)
{
	struct line_reader lr;
	struct span l;

	lr_init(&lr, "abcd\nxy", 7, 4);
	ck_assert(lr_next(&lr, &l) && span_eq(l, "abcd") && !lr.cut);
	lr_init(&lr, "abcde\nxy", 8, 4);
	ck_assert(lr_next(&lr, &l) && span_eq(l, "abcd") && lr.cut);
	ck_assert(lr_next(&lr, &l) && span_eq(l, "xy") && !lr.cut);
	ck_assert(!lr_next(&lr, &l));
	lr_init(&lr, "a\0b\n", 4, 0);           /* NULs are kept inside a line */
	ck_assert(lr_next(&lr, &l) && l.n == 3);
	lr_init(&lr, "", 0, 0);
	ck_assert(!lr_next(&lr, &l));
	lr_init(&lr, "\n\n", 2, 0);              /* empty lines are lines */
	ck_assert(lr_next(&lr, &l) && l.n == 0);
	ck_assert(lr_next(&lr, &l) && l.n == 0);
	ck_assert(!lr_next(&lr, &l));
}
END_TEST

START_TEST(span_ops)
{
	struct span k, v, s = span_of("  ReferralServer:  whois://x.net:43 \r");
	char small[4];
	uint64_t n;

	s = span_trim(s);
	ck_assert(span_split(s, ':', &k, &v));
	ck_assert(span_ieq(k, "referralserver"));
	ck_assert(span_eq(span_trim(v), "whois://x.net:43"));
	ck_assert(span_istarts(s, "REFERRAL"));
	ck_assert(span_iends(s, "NET:43"));
	ck_assert_int_eq(span_ifind(s, "WHOIS://"), 17);
	ck_assert_int_eq(span_ifind(s, "absent"), -1);
	ck_assert(!span_split(span_of("nocolon"), ':', &k, &v));
	ck_assert(span_copy(span_of("abc"), small, sizeof(small)));
	ck_assert(!span_copy(span_of("abcd"), small, sizeof(small)) && small[0] == 0);
	ck_assert(span_uint(span_of("4321"), 65535, &n) && n == 4321);
	ck_assert(span_trim(span_of(" \t ")).n == 0);
}
END_TEST

struct hp_case {
	const char *in;
	int ok;
	const char *host;
	int port;
};

static const struct hp_case hp_cases[] = {
	{ "127.0.0.1", 1, "127.0.0.1", 53 },
	{ "127.0.0.1:5353", 1, "127.0.0.1", 5353 },
	{ "::1", 1, "::1", 53 },
	{ "[::1]:5353", 1, "::1", 5353 },
	{ "[2001:db8::1]", 1, "2001:db8::1", 53 },
	{ "whois.arin.net", 1, "whois.arin.net", 53 },
	{ "rwhois.example.net:4321", 1, "rwhois.example.net", 4321 },
	{ "host:65535", 1, "host", 65535 },
	{ "host:65536", 0, NULL, 0 },
	{ "host:0", 0, NULL, 0 },
	{ "host:", 0, NULL, 0 },
	{ "host:-1", 0, NULL, 0 },
	{ ":53", 0, NULL, 0 },
	{ "", 0, NULL, 0 },
	{ "[::1", 0, NULL, 0 },
	{ "[::1]x", 0, NULL, 0 },
	{ "[1.2.3.4]", 0, NULL, 0 },
	{ "bad host", 0, NULL, 0 },
	{ "-lead.example", 0, NULL, 0 },
	{ "trail-.example", 0, NULL, 0 },
	{ "a..b", 0, NULL, 0 },
	{ "0::00:00:00/2", 0, NULL, 0 },
	{ "x.example.", 1, "x.example.", 53 },
};

START_TEST(hostport_table)
{
	const struct hp_case *c = &hp_cases[_i];
	struct hostport hp;
	const char *why = NULL;
	int st = hostport_parse(c->in, 53, &hp, &why);

	ck_assert_msg((st == ST_OK) == c->ok, "%s: st=%d why=%s", c->in, st, why ? why : "");
	if (c->ok) {
		ck_assert_str_eq(hp.host, c->host);
		ck_assert_int_eq(hp.port, c->port);
	} else {
		ck_assert_ptr_nonnull(why);
	}
}
END_TEST

START_TEST(hostname_label_limits)
{
	char name[300];

	memset(name, 'a', 63);
	ck_assert(hostname_valid(name, 63));           /* 63-octet label: valid */
	memset(name, 'a', 64);
	ck_assert(!hostname_valid(name, 64));          /* 64: invalid */
	memset(name, 'a', 253);
	for (int i = 50; i < 253; i += 51)
		name[i] = '.';
	ck_assert(hostname_valid(name, 253));          /* 253 characters: valid */
	memset(name, 'a', 254);
	for (int i = 50; i < 254; i += 51)
		name[i] = '.';
	ck_assert(!hostname_valid(name, 254));         /* 254: invalid */
}
END_TEST

/* RFC 3492 §7.1 samples and common IDNs. */
struct puny_case {
	const char *utf8;
	const char *ascii;
};

static const struct puny_case puny_cases[] = {
	{ "bücher.example", "xn--bcher-kva.example" },
	{ "MÜNCHEN.de", "xn--mnchen-3ya.de" },
	{ "пример.рф", "xn--e1afmkfd.xn--p1ai" },
	{ "例え.テスト", "xn--r8jz45g.xn--zckzah" },
	{ "ドメイン名例。jp", "xn--eckwd4c7cu47r2wf.jp" },
	{ "plain.EXAMPLE.", "plain.example" },
	{ "ελληνικά.gr", "xn--hxargifdar.gr" },
};

START_TEST(idna_table)
{
	const struct puny_case *c = &puny_cases[_i];
	struct buf b;

	buf_init(&b, 0);
	ck_assert_int_eq(idna_to_ascii(c->utf8, strlen(c->utf8), &b), ST_OK);
	ck_assert_str_eq(buf_str(&b), c->ascii);
	buf_reset(&b);
}
END_TEST

START_TEST(idna_roundtrip_and_errors)
{
	struct buf b;
	char big[400];

	buf_init(&b, 0);
	idna_to_unicode("xn--bcher-kva.example", 21, &b);
	ck_assert_str_eq(buf_str(&b), "bücher.example");
	buf_clear(&b);
	idna_to_unicode("xn--zz!.example", 15, &b);            /* bad punycode stays */
	ck_assert_str_eq(buf_str(&b), "xn--zz!.example");
	buf_clear(&b);
	ck_assert_int_eq(idna_to_ascii("a..b", 4, &b), ST_MALFORMED);
	buf_clear(&b);
	ck_assert_int_eq(idna_to_ascii("a b", 3, &b), ST_MALFORMED);
	buf_clear(&b);
	ck_assert_int_eq(idna_to_ascii("\xff.x", 3, &b), ST_MALFORMED);
	buf_clear(&b);
	memset(big, 'a', 63);
	ck_assert_int_eq(idna_to_ascii(big, 63, &b), ST_OK);    /* 63: ok */
	buf_clear(&b);
	memset(big, 'a', 64);
	ck_assert_int_eq(idna_to_ascii(big, 64, &b), ST_TOOBIG); /* 64: too big */
	buf_clear(&b);
	/* 30 spread-out CJK characters (U+4E00 + 37k) encode to 68 octets: too long */
	for (int i = 0; i < 30; i++) {
		unsigned cp = 0x4E00u + 37u * (unsigned)i;

		big[3 * i] = (char)(0xE0 | cp >> 12);
		big[3 * i + 1] = (char)(0x80 | (cp >> 6 & 0x3F));
		big[3 * i + 2] = (char)(0x80 | (cp & 0x3F));
	}
	big[90] = 0;
	ck_assert_int_eq(idna_to_ascii(big, strlen(big), &b), ST_TOOBIG);
	buf_reset(&b);
}
END_TEST

START_TEST(puny_decode_hostile)
{
	uint32_t cp[8];
	size_t n;

	ck_assert_int_eq(puny_decode("99999999999", 11, cp, 8, &n), ST_MALFORMED); /* overflow */
	ck_assert_int_eq(puny_decode("a-\x80", 3, cp, 8, &n), ST_MALFORMED);
	ck_assert_int_eq(puny_decode("abcdefghij-", 11, cp, 8, &n), ST_TOOBIG);
	ck_assert_int_eq(puny_decode("bcher-kva", 9, cp, 8, &n), ST_OK);
	ck_assert_uint_eq(n, 6);
	ck_assert_uint_eq(cp[1], 0xFC);
}
END_TEST

static Suite *span_suite(void)
{
	Suite *s = suite_create("span");
	TCase *tc;

	tc = tcase_create("lines");
	tcase_add_test(tc, line_ends_all_kinds);
	tcase_add_test(tc, line_cap_first_valid_first_invalid);
	tcase_add_test(tc, span_ops);
	suite_add_tcase(s, tc);
	tc = tcase_create("hostport");
	tcase_add_loop_test(tc, hostport_table, 0, (int)(sizeof(hp_cases) / sizeof(hp_cases[0])));
	tcase_add_test(tc, hostname_label_limits);
	suite_add_tcase(s, tc);
	tc = tcase_create("punycode");
	tcase_add_loop_test(tc, idna_table, 0, (int)(sizeof(puny_cases) / sizeof(puny_cases[0])));
	tcase_add_test(tc, idna_roundtrip_and_errors);
	tcase_add_test(tc, puny_decode_hostile);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(span_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
