/* Unit tests for the WHOIS knowledge tables: the embedded lists load, lookups, and the
 * loader refuses malformed lines. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "whois_tab.h"

static struct wtab *load_embedded(void)
{
	struct wtab *t = NULL;
	char err[256] = "";
	int st = wtab_load(&t, NULL, err, sizeof(err));

	ck_assert_msg(st == ST_OK, "embedded tables: %s", err);
	return t;
}

START_TEST(embedded_tables_load)
{
	struct wtab *t = load_embedded();

	ck_assert_uint_gt(t->nservers, 50);
	ck_assert_uint_gt(t->nmarkers, 50);
	ck_assert_uint_gt(t->nclasses, 20);
	ck_assert_uint_gt(t->nfields, 100);
	wtab_free(t);
}
END_TEST

START_TEST(server_lookup)
{
	struct wtab *t = load_embedded();
	const struct wtab_server *s;

	s = wtab_server(t, "WHOIS.ARIN.NET.");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->pattern, "whois.arin.net");
	ck_assert_int_eq(s->fmt, WFMT_ARIN);
	ck_assert_str_eq(s->tmpl[WQ_IPV4], "n + {q}");
	ck_assert_str_eq(s->tmpl[WQ_CIDR], "r + = {q}");
	ck_assert_str_eq(s->tmpl[WQ_ASN], "a {n}");
	ck_assert_str_eq(s->tmpl[WQ_DOMAIN], "");
	ck_assert_str_eq(s->rir, "arin");
	s = wtab_server(t, "whois.ripe.net");
	ck_assert_str_eq(s->tmpl[WQ_IPV4], "-V {tag} -r --charset UTF-8 {q}");
	ck_assert_str_eq(s->tmpl[WQ_DOMAIN], "-V {tag} --charset UTF-8 {q}");
	s = wtab_server(t, "whois.online.rs.corenic.net");   /* suffix entry */
	ck_assert_str_eq(s->pattern, "*.corenic.net");
	ck_assert_str_eq(s->tmpl[WQ_DOMAIN], "-C UTF-8 {q}");
	s = wtab_server(t, "whois.example.invalid");         /* default entry */
	ck_assert_str_eq(s->pattern, "*");
	ck_assert_int_eq(s->charset, WCS_AUTO);
	ck_assert_int_eq(wtab_server(t, "whois.kg")->charset, WCS_CP1251);
	ck_assert_int_eq(wtab_server(t, "whois.nic.ad.jp")->charset, WCS_ISO2022JP);
	ck_assert_str_eq(wtab_server(t, "whois.jprs.jp")->tmpl[WQ_DOMAIN], "{q}/e");
	ck_assert_str_eq(wtab_server(t, "whois.denic.de")->tmpl[WQ_DOMAIN], "-T dn,ace {q}");
	ck_assert_str_eq(wtab_server(t, "whois.verisign-grs.com")->tmpl[WQ_DOMAIN],
	                 "domain {q}");
	ck_assert_str_eq(wtab_server(t, "whois.punktum.dk")->tmpl[WQ_DOMAIN],
	                 "--charset=utf-8 --show-handles {q}");
	ck_assert_str_eq(wtab_server(t, "whois.lacnic.net")->tmpl[WQ_IPV4], "");
	ck_assert_str_eq(wtab_server(t, "whois.iana.org")->tmpl[WQ_DOMAIN], "{tld}");
	wtab_free(t);
}
END_TEST

START_TEST(markers)
{
	struct wtab *t = load_embedded();
	const struct wtab_marker *m;
	static const struct {
		const char *line;
		enum whois_state st;
	} v[] = {
		{ "No match for \"EXAMPLE.COM\".", WST_NO_MATCH },
		{ "% This query returned 0 objects.", WST_NO_MATCH },
		{ "%ERROR:101: no entries found", WST_NO_MATCH },
		{ "Status:\t\tAVAILABLE", WST_NO_MATCH },
		{ "WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS", WST_RATE_LIMITED },
		{ "%ERROR:201: access denied for 192.0.2.1", WST_RATE_LIMITED },
		{ "# Too many connections.", WST_RATE_LIMITED },
		{ "%% Too many requests...", WST_RATE_LIMITED },
		{ "TLD is not supported.", WST_NOT_SERVED },
		{ "% The WHOIS is temporary unable to query ARIN for the requested resource.",
		  WST_TEMP_FAIL },
		{ "Domain Name: EXAMPLE.COM", WST_ANSWERED },
		{ "whois.lacnic.net accepts only direct match queries.", WST_ANSWERED },
		{ "", WST_ANSWERED },
		{ "%", WST_ANSWERED },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		ck_assert_msg(wtab_marker_scan(t, "whois.x.net", v[i].line, strlen(v[i].line),
		                               &m) == v[i].st, "line %zu: %s", i, v[i].line);
	/* a line matching two states gets the more severe one */
	ck_assert_int_eq(wtab_marker_scan(t, NULL, "No match: rate limit exceeded", 29, NULL),
	                 WST_RATE_LIMITED);
	wtab_free(t);
}
END_TEST

START_TEST(contact_classes)
{
	struct wtab *t = load_embedded();
	const struct wtab_class *c;

	ck_assert_int_eq(wtab_classify(t, "no-email@apnic.net", &c), WCC_PLACEHOLDER);
	ck_assert_int_eq(wtab_classify(t, "Removed@LACNIC.net", &c), WCC_PLACEHOLDER);
	ck_assert_int_eq(wtab_classify(t, "REDACTED FOR PRIVACY", &c), WCC_REDACTED);
	ck_assert_int_eq(wtab_classify(t, "abuse@ripe.net", &c), WCC_RIR);
	ck_assert_str_eq(c->name, "RIPE NCC");
	ck_assert_int_eq(wtab_classify(t, "search-apnic-not-arin@apnic.net", &c), WCC_RIR);
	ck_assert_int_eq(wtab_classify(t, "hostmaster@nic.or.kr", &c), WCC_NIR);
	ck_assert_str_eq(c->refer, "whois.kisa.or.kr");
	ck_assert_int_eq(wtab_classify(t, "hostmaster@nic.ad.jp", &c), WCC_NIR);
	ck_assert_str_eq(c->refer, "whois.nic.ad.jp");
	ck_assert_int_eq(wtab_classify(t, "abuse@bora.net", &c), WCC_OK);
	ck_assert_ptr_null(c);
	/* a domain rule matches the domain and its subdomains, not a longer label */
	ck_assert_int_eq(wtab_classify(t, "x@mail.ripe.net", NULL), WCC_RIR);
	ck_assert_int_eq(wtab_classify(t, "x@notripe.net", NULL), WCC_OK);
	wtab_free(t);
}
END_TEST

START_TEST(fields)
{
	struct wtab *t = load_embedded();

	ck_assert_int_eq(wtab_field(t, "registrar", 9), WF_REGISTRAR);
	ck_assert_int_eq(wtab_field(t, "registrar abuse contact email", 29), WF_REG_ABUSE);
	ck_assert_int_eq(wtab_field(t, "orgabuseemail", 13), WF_ORGABUSE_EMAIL);
	ck_assert_int_eq(wtab_field(t, "refer", 5), WF_REFER);
	ck_assert_int_eq(wtab_field(t, "no such key", 11), WF_NONE);
	ck_assert_int_eq(wtab_field(t, "", 0), WF_NONE);
	wtab_free(t);
}
END_TEST

struct bad_case {
	enum wtab_list which;
	const char *text;
	int ok;
};

START_TEST(loader_refuses_malformed)
{
	static const struct bad_case v[] = {
		{ WTL_SERVERS, "whois.x.net fmt=rpsl\n", 1 },
		{ WTL_SERVERS, "whois.x.net fmt=nope\n", 0 },
		{ WTL_SERVERS, "whois.x.net port=65535\n", 1 },
		{ WTL_SERVERS, "whois.x.net port=65536\n", 0 },
		{ WTL_SERVERS, "whois.x.net port=0\n", 0 },
		{ WTL_SERVERS, "whois.x.net q.ipv4=\"n + {q}\"\n", 1 },
		{ WTL_SERVERS, "whois.x.net q.ipv4=\"n + {z}\"\n", 0 },
		{ WTL_SERVERS, "whois.x.net q.ipv4=\"n + {q\"\n", 0 },
		{ WTL_SERVERS, "whois.x.net q.ipv4=\"n + {q}\n", 0 },
		{ WTL_SERVERS, "whois.x.net q.bogus=x\n", 0 },
		{ WTL_SERVERS, "whois.x.net\nwhois.x.net\n", 0 },
		{ WTL_SERVERS, "bad..host\n", 0 },
		{ WTL_SERVERS, "nodot\n", 0 },
		{ WTL_SERVERS, "whois.x.net fmt\n", 0 },
		{ WTL_SERVERS, "whois.x.net charset=ebcdic\n", 0 },
		{ WTL_SERVERS, "# comment only\n\n   \n", 1 },
		{ WTL_MARKERS, "nomatch line \"No match\"\n", 1 },
		{ WTL_MARKERS, "nomatch sometimes \"No match\"\n", 0 },
		{ WTL_MARKERS, "maybe line \"No match\"\n", 0 },
		{ WTL_MARKERS, "nomatch line\n", 0 },
		{ WTL_MARKERS, "nomatch line \"\"\n", 0 },
		{ WTL_MARKERS, "nomatch line \"x\" server=whois.x.net\n", 1 },
		{ WTL_MARKERS, "nomatch line \"x\" where=whois.x.net\n", 0 },
		{ WTL_CONTACTS, "placeholder email \"a@b.c\"\n", 1 },
		{ WTL_CONTACTS, "placeholder email \"abc\"\n", 0 },
		{ WTL_CONTACTS, "nir domain \"nic.or.kr\" refer=whois.kisa.or.kr\n", 1 },
		{ WTL_CONTACTS, "nir domain \"nic.or.kr\" refer=*.kisa.or.kr\n", 0 },
		{ WTL_CONTACTS, "ok email \"a@b.c\"\n", 0 },
		{ WTL_FIELDS, "registrar \"registrar\"\n", 1 },
		{ WTL_FIELDS, "registrar \"registrar\" \"Registrar\"\n", 0 },
		{ WTL_FIELDS, "wizard \"x\"\n", 0 },
		{ WTL_FIELDS, "registrar\n", 0 },
		{ WTL_FIELDS, "registrar \"a\0b\"\n", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct wtab *t = calloc(1, sizeof(*t));
		char err[128] = "";
		size_t n = strlen(v[i].text);
		int st;

		if (i == sizeof(v) / sizeof(v[0]) - 1)
			n = 16; /* the NUL case: include the bytes after the NUL */
		st = wtab_parse(t, v[i].which, "t.txt", v[i].text, n, err, sizeof(err));
		ck_assert_msg((st == ST_OK) == (v[i].ok == 1), "case %zu (%s): st=%d err=%s", i,
		              v[i].text, st, err);
		if (!v[i].ok)
			ck_assert_msg(strncmp(err, "t.txt:", 6) == 0, "case %zu: err '%s'", i, err);
		wtab_free(t);
	}
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(whois_fmt_name(WFMT_RPSL), "rpsl");
	ck_assert_str_eq(whois_state_name(WST_RATE_LIMITED), "rate-limited");
	ck_assert_str_eq(whois_charset_name(WCS_CP1251), "windows-1251");
	ck_assert_str_eq(whois_qkind_name(WQ_CIDR), "cidr");
	ck_assert_str_eq(whois_fid_name(WF_REG_ABUSE), "reg_abuse");
	ck_assert_str_eq(whois_cclass_name(WCC_NIR), "nir");
	ck_assert_str_eq(whois_fmt_name((enum whois_fmt)99), "unknown");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("whois_tab");
	TCase *core = tcase_create("core"), *malformed = tcase_create("malformed");

	tcase_add_test(core, embedded_tables_load);
	tcase_add_test(core, server_lookup);
	tcase_add_test(core, markers);
	tcase_add_test(core, contact_classes);
	tcase_add_test(core, fields);
	tcase_add_test(core, names);
	tcase_add_test(malformed, loader_refuses_malformed);
	suite_add_tcase(s, core);
	suite_add_tcase(s, malformed);
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
