/* Unit tests for WHOIS text conversion, the document model, the answer parser per layout,
 * referral extraction per registry marker, target validation, and hostile inputs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "status.h"
#include "text.h"
#include "whois_doc.h"
#include "whois_parse.h"
#include "whois_tab.h"
#include "whois_text.h"

#define FIXTURES "tests/data/whois"

static struct wtab *tab;

static void setup(void)
{
	char err[256];

	ck_assert_msg(wtab_load(&tab, NULL, err, sizeof(err)) == ST_OK, "%s", err);
}

static void teardown(void)
{
	wtab_free(tab);
	tab = NULL;
}

static struct whois_answer *parse_n(const char *server, const void *text, size_t n)
{
	struct whois_answer *a = whois_answer_new();

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(whois_parse(tab, server, WFMT_UNKNOWN, text, n, a), ST_OK);
	return a;
}

static struct whois_answer *parse_s(const char *server, const char *text)
{
	return parse_n(server, text, strlen(text));
}

/* Parse tests/data/whois/SERVER/NAME with SERVER as the answering server. */
static struct whois_answer *parse_fixture(const char *server, const char *name)
{
	char path[512];
	static char data[1 << 20];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), FIXTURES "/%s/%s", server, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "fixture %s", path);
	n = fread(data, 1, sizeof(data), f);
	fclose(f);
	return parse_n(server, data, n);
}

static const char *best(const struct whois_answer *a)
{
	const struct whois_contact *c = whois_answer_abuse(a);

	return c ? c->email.v : "-";
}

static const char *ref(const struct whois_answer *a)
{
	const struct whois_ref *r = whois_answer_referral(a);

	return r ? r->host : "-";
}

static bool no_controls(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return false;
	return true;
}

/* ---- text ---- */

START_TEST(text_latin1_fallback_per_line)
{
	struct buf b;
	static const char in[] = "caf\xc3\xa9\nM\xe9xico\r\r\nok";

	buf_init(&b, 0);
	ck_assert_int_eq(wtext_to_utf8(WCS_AUTO, in, sizeof(in) - 1, &b), ST_OK);
	ck_assert_str_eq(buf_str(&b), "caf\xc3\xa9\nM\xc3\xa9xico\r\r\nok");
	ck_assert(utf8_valid(b.data, b.len));
	buf_reset(&b);
}
END_TEST

START_TEST(text_charsets_and_nul)
{
	struct buf b;

	buf_init(&b, 0);
	/* windows-1251 "Привет" */
	ck_assert_int_eq(wtext_to_utf8(WCS_CP1251, "\xcf\xf0\xe8\xe2\xe5\xf2", 6, &b), ST_OK);
	ck_assert_str_eq(buf_str(&b), "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
	buf_clear(&b);
	/* KOI8-R "мир" */
	ck_assert_int_eq(wtext_to_utf8(WCS_KOI8R, "\xcd\xc9\xd2", 3, &b), ST_OK);
	ck_assert_str_eq(buf_str(&b), "\xd0\xbc\xd0\xb8\xd1\x80");
	buf_clear(&b);
	/* windows-1252 euro sign */
	ck_assert_int_eq(wtext_to_utf8(WCS_CP1252, "\x80", 1, &b), ST_OK);
	ck_assert_str_eq(buf_str(&b), "\xe2\x82\xac");
	buf_clear(&b);
	/* a valid UTF-8 line stays UTF-8 even from a Latin-1 server */
	ck_assert_int_eq(wtext_to_utf8(WCS_LATIN1, "\xc3\xa9", 2, &b), ST_OK);
	ck_assert_str_eq(buf_str(&b), "\xc3\xa9");
	buf_clear(&b);
	/* NUL never survives */
	ck_assert_int_eq(wtext_to_utf8(WCS_UTF8, "a\0b", 3, &b), ST_OK);
	ck_assert_str_eq(buf_str(&b), "a\xef\xbf\xbd" "b");
	buf_clear(&b);
	/* ISO-2022-JP: ASCII kept, a two-byte run becomes one U+FFFD, escapes consumed */
	ck_assert_int_eq(wtext_to_utf8(WCS_ISO2022JP, "[\x1b$B%I%a\x1b(B] x", 14, &b), ST_OK);
	ck_assert_str_eq(buf_str(&b), "[\xef\xbf\xbd] x");
	buf_reset(&b);
}
END_TEST

/* ---- document model ---- */

START_TEST(doc_keys_and_lines)
{
	static const char txt[] =
		"% comment\n"
		"Domain Name..........: EXAMPLE.COM\n"
		"   Registrar WHOIS Server: whois.x.example\n"
		"[Domain Name]                   EXAMPLE.JP\n"
		"a. [Network Number]             192.0.2.0/24\n"
		"remarks:        first\n"
		"                second\n"
		"+               third\n"
		"\n"
		"Visit https://www.example/ now\n"
		"For more information, please visit https://icann.org/epp\n";
	struct wdoc d;

	ck_assert_int_eq(wdoc_build(&d, tab, NULL, WFMT_UNKNOWN, txt, sizeof(txt) - 1), ST_OK);
	ck_assert_uint_eq(d.nlines, 11);
	ck_assert_int_eq(d.lines[0].type, WL_COMMENT);
	ck_assert_str_eq(d.lines[1].key, "domain name");
	ck_assert(span_eq(d.lines[1].val, "EXAMPLE.COM"));
	ck_assert_int_eq(d.lines[1].fid, WF_DOMAIN);
	ck_assert_str_eq(d.lines[2].key, "registrar whois server");
	ck_assert_str_eq(d.lines[3].key, "domain name");
	ck_assert(span_eq(d.lines[3].val, "EXAMPLE.JP"));
	ck_assert_str_eq(d.lines[4].key, "network number");
	ck_assert_int_eq(d.lines[4].fid, WF_RANGE);
	ck_assert(d.lines[6].cont && span_eq(d.lines[6].val, "second"));
	ck_assert(d.lines[7].cont && span_eq(d.lines[7].val, "third"));
	ck_assert_int_eq(d.lines[8].type, WL_BLANK);
	ck_assert_int_eq(d.lines[9].type, WL_TEXT);
	ck_assert_int_eq(d.lines[10].type, WL_TEXT);   /* prose with a comma is not a key */
	ck_assert_uint_eq(d.lines[10].no, 11);
	wdoc_free(&d);
}
END_TEST

START_TEST(doc_rwhois_and_blank_layouts)
{
	static const char rw[] = "%rwhois V-1.5:003fff:00 rw.example\n"
	                         "network:Organization;I:Lab LLC\n"
	                         "network:IP-Network:192.0.2.0/24\n%ok\n";
	static const char md[] = "Domain  name    google.md\nExpires    on   2026-05-02\n";
	struct wdoc d;

	ck_assert_int_eq(wdoc_build(&d, tab, NULL, WFMT_UNKNOWN, rw, sizeof(rw) - 1), ST_OK);
	ck_assert_int_eq(d.fmt, WFMT_RWHOIS);
	ck_assert_str_eq(d.lines[1].key, "organization");
	ck_assert_str_eq(d.lines[2].key, "ip-network");
	ck_assert_int_eq(d.lines[3].type, WL_COMMENT);
	wdoc_free(&d);
	ck_assert_int_eq(wdoc_build(&d, tab, NULL, WFMT_UNKNOWN, md, sizeof(md) - 1), ST_OK);
	ck_assert_str_eq(d.lines[0].key, "domain name");
	ck_assert(span_eq(d.lines[0].val, "google.md"));
	ck_assert_str_eq(d.lines[1].key, "expires on");
	wdoc_free(&d);
}
END_TEST

struct email_case {
	const char *in;
	const char *want;    /* first address found, NULL for none */
};

START_TEST(doc_emails)
{
	static const struct email_case v[] = {
		{ "abuse@example.net", "abuse@example.net" },
		{ "* abuse@microsoft.com.", "abuse@microsoft.com" },
		{ "'abuse@bt.com'", "abuse@bt.com" },
		{ "send to abuse@bora.net, please", "abuse@bora.net" },
		{ "abuse{|)business.telecomitalia.it", NULL },
		{ "user@localhost", NULL },
		{ "a@b.c", NULL },                   /* one-letter TLD */
		{ "x@xn--p1ai.xn--p1ai", "x@xn--p1ai.xn--p1ai" },
		{ "@example.com", NULL },
		{ ".a@example.com", "a@example.com" },
		{ "a@-example.com", NULL },
		{ "a@exa_mple.com", NULL },
		{ "REDACTED FOR PRIVACY", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct span s = span_of(v[i].in), e;
		size_t pos = 0;
		bool found = wdoc_next_email(s, &pos, &e);

		if (!v[i].want) {
			ck_assert_msg(!found, "case %zu: found in '%s'", i, v[i].in);
			continue;
		}
		ck_assert_msg(found, "case %zu: nothing in '%s'", i, v[i].in);
		ck_assert_msg(span_eq(e, v[i].want), "case %zu: %.*s", i, (int)e.n, e.p);
	}
	ck_assert(wdoc_is_email(span_of(" abuse@example.net ")));
	ck_assert(!wdoc_is_email(span_of("abuse@example.net x")));
}
END_TEST

/* ---- blocks ---- */

START_TEST(blocks)
{
	struct whois_block a, b, c;

	ck_assert(whois_block_parse("130.66.0.0 - 130.67.255.255", 27, &a));
	ck_assert(whois_block_parse("130.66.76.0/24", 14, &b));
	ck_assert(whois_block_contains(&a, &b) && !whois_block_contains(&b, &a));
	ck_assert_int_lt(whois_block_cmp_size(&b, &a), 0);
	ck_assert(whois_block_parse("200.57.128/19", 13, &c));     /* LACNIC abbreviation */
	ck_assert_int_eq(c.af, 4);
	ck_assert_uint_eq(c.lo[14], 128);
	ck_assert_uint_eq(c.hi[14], 159);
	ck_assert(whois_block_parse("2001:db8::/32", 13, &c) && c.af == 6);
	ck_assert(whois_block_parse("192.0.2.7", 9, &c) && !memcmp(c.lo, c.hi, 16));
	ck_assert(!whois_block_parse("192.0.2.9 - 192.0.2.1", 21, &c));   /* reversed */
	ck_assert(!whois_block_parse("192.0.2.0/33", 12, &c));
	ck_assert(whois_block_parse("192.0.2.0/32", 12, &c));
	ck_assert(!whois_block_parse("2001:db8::/129", 14, &c));
	ck_assert(!whois_block_parse("192.0.2.0 - 2001:db8::", 22, &c));
	ck_assert(!whois_block_parse("N/A", 3, &c));
}
END_TEST

/* ---- one test per layout and registry, on the lab fixtures ---- */

START_TEST(iana_refer_and_whois)
{
	struct whois_answer *a = parse_fixture("whois.iana.org", "ipv4-130.txt");

	ck_assert_int_eq(a->fmt, WFMT_IANA);
	ck_assert_int_eq(a->state, WST_ANSWERED);
	ck_assert_int_eq(a->kind, WK_NETWORK);
	ck_assert_str_eq(ref(a), "whois.arin.net");
	ck_assert_int_eq(a->refs[0].kind, WR_IANA_REFER);
	ck_assert_uint_eq(a->refs[0].line, 5);
	ck_assert_uint_eq(a->ncontacts, 0);        /* IANA is a directory, never a contact */
	whois_answer_free(a);
	/* IPv6 answers carry only whois: */
	a = parse_fixture("whois.iana.org", "ipv6-2a00.txt");
	ck_assert_str_eq(ref(a), "whois.ripe.net");
	ck_assert_int_eq(a->refs[0].kind, WR_IANA_WHOIS);
	whois_answer_free(a);
	/* a TLD without port 43 */
	a = parse_fixture("whois.iana.org", "tld-dev.txt");
	ck_assert_int_eq(a->state, WST_NOT_SERVED);
	ck_assert_int_eq(a->kind, WK_TLD);
	ck_assert_str_eq(a->domain.v, "DEV");
	whois_answer_free(a);
	a = parse_fixture("whois.iana.org", "nomatch.txt");
	ck_assert_int_eq(a->state, WST_NO_MATCH);
	ck_assert_uint_eq(a->state_line.line, 3);
	whois_answer_free(a);
}
END_TEST

START_TEST(arin_transferred_and_referral)
{
	struct whois_answer *a = parse_fixture("whois.arin.net", "ripe-erx-130.66.txt");

	ck_assert_int_eq(a->fmt, WFMT_ARIN);
	ck_assert(a->transferred);
	ck_assert_str_eq(a->range.v, "130.66.0.0 - 130.67.255.255");
	ck_assert_str_eq(best(a), "-");           /* abuse@ripe.net is the RIR's, refused */
	ck_assert_uint_eq(a->ncontacts, 1);
	ck_assert_int_eq(a->contacts[0].cls, WCC_RIR);
	ck_assert_str_eq(ref(a), "whois.ripe.net");
	ck_assert_int_eq(a->refs[0].kind, WR_ARIN_REFERRAL);
	ck_assert_int_eq(a->refs[0].port, 43);
	whois_answer_free(a);
}
END_TEST

START_TEST(arin_most_specific_last_and_rwhois)
{
	struct whois_answer *a = parse_fixture("whois.arin.net", "servernap-69.65.txt");

	ck_assert_str_eq(a->range.v, "69.65.39.0 - 69.65.39.255");
	ck_assert_str_eq(a->netname.v, "SNAP-CUST-LABHOST");
	ck_assert_str_eq(a->org.v, "Lab Hosting Customer LLC");
	ck_assert_str_eq(a->country.v, "US");
	/* the reassignment has no POC: the enclosing network's, with lower confidence */
	ck_assert_str_eq(best(a), "abuse@servernap.example");
	ck_assert_int_eq(a->contacts[0].src, WSRC_PARENT);
	ck_assert_int_eq(a->contacts[0].conf, WCONF_MEDIUM);
	ck_assert_str_eq(a->contacts[0].phone.v, "+1-800-555-0199");
	ck_assert_str_eq(ref(a), "rwhois.servernap.net");
	ck_assert_int_eq(a->refs[0].port, 4321);
	ck_assert(a->refs[0].rwhois);
	ck_assert_uint_eq(a->refs[0].line, 82);    /* the last ReferralServer */
	whois_answer_free(a);
}
END_TEST

START_TEST(arin_net_abuse_before_org_abuse)
{
	static const char txt[] =
		"NetRange:       198.51.100.0 - 198.51.100.255\n"
		"CIDR:           198.51.100.0/24\n"
		"NetName:        LAB\n"
		"\n"
		"OrgName:        Lab Org\n"
		"Country:        US\n"
		"\n"
		"OrgAbuseEmail:  org-abuse@lab.example\n"
		"\n"
		"RAbuseHandle:   X-ARIN\n"
		"RAbuseEmail:    net-abuse@lab.example\n"
		"RAbusePhone:    +1-555-0100\n";
	struct whois_answer *a = parse_s("whois.arin.net", txt);

	ck_assert_str_eq(best(a), "net-abuse@lab.example");
	ck_assert_int_eq(a->contacts[0].src, WSRC_NET_ABUSE);
	ck_assert_str_eq(a->contacts[0].phone.v, "+1-555-0100");
	ck_assert_str_eq(a->contacts[1].email.v, "org-abuse@lab.example");
	ck_assert_uint_eq(a->contacts[0].email.line, 11);
	whois_answer_free(a);
}
END_TEST

START_TEST(rpsl_abuse_line_and_org)
{
	struct whois_answer *a = parse_fixture("whois.ripe.net", "nordlab-130.66.76.txt");

	ck_assert_int_eq(a->fmt, WFMT_RPSL);
	ck_assert_str_eq(a->range.v, "130.66.76.0 - 130.66.76.255");
	ck_assert_str_eq(a->netname.v, "NORDLAB-HOSTING-NET");
	ck_assert_str_eq(a->org.v, "Nordlab Hosting AB");     /* org: -> org-name: */
	ck_assert_str_eq(a->country.v, "SE");
	ck_assert_str_eq(best(a), "abuse@nordlab-hosting.example");
	ck_assert_int_eq(a->contacts[0].src, WSRC_ABUSE_LINE);
	ck_assert_uint_eq(a->contacts[0].email.line, 12);
	ck_assert_str_eq(ref(a), "-");
	whois_answer_free(a);
	/* the most specific of two inet6num objects */
	a = parse_fixture("whois.ripe.net", "mobile-2a02.txt");
	ck_assert_str_eq(a->range.v, "2a02:c7f:7e11::/48");
	ck_assert_str_eq(a->cidr.v, "2a02:c7f:7e11::/48");
	ck_assert_str_eq(best(a), "abuse@mobile-lab.example");
	ck_assert_str_eq(a->contacts[1].email.v, "spam-desk@mobile-lab.example");
	ck_assert_int_eq(a->contacts[1].src, WSRC_REMARKS);
	ck_assert_int_eq(a->contacts[1].conf, WCONF_LOW);
	whois_answer_free(a);
}
END_TEST

START_TEST(rpsl_not_managed_block)
{
	struct whois_answer *a = parse_fixture("whois.ripe.net", "not-managed.txt");

	ck_assert(a->transferred);
	ck_assert_uint_ge(a->nrefs, 1);
	ck_assert_int_eq(a->refs[a->nrefs - 1].kind, WR_NOT_MANAGED);
	ck_assert_str_eq(a->refs[a->nrefs - 1].host, "");
	ck_assert_str_eq(a->refs[a->nrefs - 1].rir, "ripe");
	ck_assert_str_eq(best(a), "-");
	whois_answer_free(a);
}
END_TEST

START_TEST(apnic_stub_placeholder)
{
	struct whois_answer *a = parse_fixture("whois.apnic.net", "stub-1.179.112.txt");
	size_t i;

	ck_assert(a->transferred);
	ck_assert_str_eq(best(a), "-");
	ck_assert_uint_ge(a->ncontacts, 1);
	for (i = 0; i < a->ncontacts; i++)
		ck_assert_int_eq(a->contacts[i].cls, WCC_PLACEHOLDER);
	ck_assert_str_eq(ref(a), "whois.ripe.net");
	ck_assert_int_eq(a->refs[0].kind, WR_APNIC_STUB);
	ck_assert_str_eq(a->refs[0].rir, "ripe");
	ck_assert_uint_eq(a->refs[0].line, 10);
	whois_answer_free(a);
}
END_TEST

START_TEST(apnic_nir_hostmaster_refused)
{
	static const char txt[] =
		"% [whois.apnic.net]\n\n"
		"% Information related to '203.0.113.0 - 203.0.113.255'\n\n"
		"% Abuse contact for '203.0.113.0 - 203.0.113.255' is 'hostmaster@nic.ad.jp'\n\n"
		"inetnum:        203.0.113.0 - 203.0.113.255\n"
		"netname:        LAB-JP\n"
		"remarks:        queried at whois.nic.ad.jp. To obtain an English\n"
		"admin-c:        JNIC1-AP\n"
		"source:         APNIC\n";
	struct whois_answer *a = parse_s("whois.apnic.net", txt);

	ck_assert_str_eq(best(a), "-");
	ck_assert_int_eq(a->contacts[0].cls, WCC_NIR);
	ck_assert_str_eq(ref(a), "whois.nic.ad.jp");
	ck_assert_int_eq(a->refs[0].kind, WR_NIR);
	whois_answer_free(a);
}
END_TEST

START_TEST(afrinic_please_query)
{
	struct whois_answer *a = parse_fixture("whois.afrinic.net", "please-query-196.txt");

	ck_assert_str_eq(ref(a), "whois.arin.net");
	ck_assert_int_eq(a->refs[0].kind, WR_AFRINIC_QUERY);
	ck_assert_uint_eq(a->refs[0].line, 14);
	whois_answer_free(a);
}
END_TEST

START_TEST(lacnic_abuse_c_and_registro_br)
{
	struct whois_answer *a = parse_fixture("whois.registro.br", "provedor-177.txt");

	ck_assert_int_eq(a->fmt, WFMT_LACNIC);
	ck_assert_str_eq(a->range.v, "177.91.32.0/20");
	ck_assert_str_eq(a->org.v, "Provedor Lab de Internet Ltda");
	ck_assert_str_eq(best(a), "abuse@provedor-lab.example");
	ck_assert_int_eq(a->contacts[0].src, WSRC_ABUSE_C);
	whois_answer_free(a);
	a = parse_fixture("whois.lacnic.net", "pointer-177.txt");    /* CRLF text */
	ck_assert_int_eq(a->state, WST_ANSWERED);
	ck_assert_str_eq(ref(a), "whois.registro.br");
	ck_assert_int_eq(a->refs[0].kind, WR_LACNIC_RESOURCE);
	whois_answer_free(a);
}
END_TEST

START_TEST(rwhois_fields_and_referral)
{
	struct whois_answer *a = parse_fixture("rwhois.servernap.net", "labhost-69.65.39.txt");
	static const char rw[] = "%rwhois V-1.5:003fff:00 rs1.example\n"
	                         "%referral rwhois://root.rwhois.net:4321/auth-area=.\n%ok\n";

	ck_assert_str_eq(a->range.v, "69.65.39.0 - 69.65.39.255");
	ck_assert_str_eq(a->cidr.v, "69.65.39.0/24");
	ck_assert_str_eq(a->org.v, "Lab Hosting Customer LLC");
	ck_assert_str_eq(best(a), "abuse@labhost-customer.example");
	ck_assert(!a->contacts[0].registrar);
	whois_answer_free(a);
	a = parse_s("rwhois.example.net", rw);
	ck_assert_int_eq(a->state, WST_ANSWERED);
	ck_assert_str_eq(ref(a), "root.rwhois.net");
	ck_assert_int_eq(a->refs[0].port, 4321);
	ck_assert(a->refs[0].rwhois);
	ck_assert_int_eq(a->refs[0].kind, WR_RWHOIS);
	whois_answer_free(a);
}
END_TEST

START_TEST(verisign_registry_to_registrar)
{
	struct whois_answer *a = parse_fixture("whois.verisign-grs.com",
	                                       "scam-parcel-delivery.com.txt");

	ck_assert_int_eq(a->fmt, WFMT_ICANN);
	ck_assert_int_eq(a->kind, WK_DOMAIN);
	ck_assert_str_eq(a->domain.v, "SCAM-PARCEL-DELIVERY.COM");
	ck_assert_str_eq(a->registrar.v, "Lab Registrar, Inc.");
	ck_assert_str_eq(a->iana_id.v, "4242");
	ck_assert_str_eq(a->created.v, "2026-02-28T09:00:00Z");
	ck_assert_str_eq(a->expires.v, "2027-02-28T09:00:00Z");
	ck_assert_uint_eq(a->nns, 2);
	ck_assert_str_eq(a->status[0].v, "clientTransferProhibited");
	ck_assert_str_eq(best(a), "abuse@labregistrar.example");
	ck_assert(a->contacts[0].registrar);
	ck_assert_str_eq(a->contacts[0].phone.v, "+1.5555550100");
	ck_assert_str_eq(ref(a), "whois.labregistrar.example");
	ck_assert_int_eq(a->refs[0].kind, WR_REGISTRAR);
	whois_answer_free(a);
	/* the registrar names itself: a self-referral, refused */
	a = parse_fixture("whois.labregistrar.example", "scam-parcel-delivery.com.txt");
	ck_assert_str_eq(ref(a), "-");
	ck_assert_str_eq(a->refs[0].reject, "self-referral");
	ck_assert_str_eq(best(a), "abuse@labregistrar.example");
	whois_answer_free(a);
}
END_TEST

START_TEST(old_thin_whois_server_label)
{
	static const char txt[] =
		"   Server Name: EXAMPLE.COM.JUNK.EXAMPLE\n"
		"   Registrar: JUNK REGISTRAR\n"
		"   Whois Server: whois.junk.example\n"
		"\n"
		"   Domain Name: EXAMPLE.COM\n"
		"   Registrar: GOOD REGISTRAR\n"
		"   Whois Server: whois.good.example/\n";
	struct whois_answer *a = parse_s("whois.crsnic.net", txt);

	ck_assert_str_eq(a->registrar.v, "GOOD REGISTRAR");
	ck_assert_str_eq(ref(a), "whois.good.example");
	ck_assert_int_eq(a->refs[0].kind, WR_WHOIS_SERVER);
	whois_answer_free(a);
}
END_TEST

START_TEST(nominet_and_cira_layouts)
{
	static const char uk[] =
		"    Domain name:\n        example.co.uk\n\n"
		"    Registrar:\n        Lab Registrar Ltd [Tag = LAB]\n        URL: http://lab.example\n\n"
		"    Name servers:\n        ns1.lab.example\n        ns2.lab.example\n";
	static const char ca[] =
		"Domain name:           example.ca\n"
		"Domain status:         registered\n\n"
		"Registrar:\n    Name:              Lab Registrar Canada\n    Number:  5000040\n";
	struct whois_answer *a = parse_s("whois.nic.uk", uk);

	ck_assert_str_eq(a->domain.v, "example.co.uk");
	ck_assert_str_eq(a->registrar.v, "Lab Registrar Ltd [Tag = LAB]");
	ck_assert_uint_eq(a->nns, 2);
	whois_answer_free(a);
	a = parse_s("whois.cira.ca", ca);
	ck_assert_str_eq(a->registrar.v, "Lab Registrar Canada");
	ck_assert_uint_eq(a->registrar.line, 5);
	whois_answer_free(a);
}
END_TEST

START_TEST(states)
{
	struct whois_answer *a;

	a = parse_s("whois.nic.fr", "%% Too many requests...\n%%\n%% No entries found in the "
	                            "AFNIC Database.\n");
	ck_assert_int_eq(a->state, WST_RATE_LIMITED);   /* rate limit wins over no match */
	whois_answer_free(a);
	a = parse_fixture("whois.ripe.net", "denied.txt");
	ck_assert_int_eq(a->state, WST_RATE_LIMITED);
	whois_answer_free(a);
	a = parse_fixture("whois.nic.info", "not-supported.txt");
	ck_assert_int_eq(a->state, WST_NOT_SERVED);
	whois_answer_free(a);
	a = parse_s("whois.afrinic.net", "% The WHOIS is temporary unable to query ARIN for the "
	                                 "requested resource. Please try again later.\n");
	ck_assert_int_eq(a->state, WST_TEMP_FAIL);
	whois_answer_free(a);
	a = parse_s("x.example", "");
	ck_assert_int_eq(a->state, WST_TEMP_FAIL);
	whois_answer_free(a);
	a = parse_s("x.example", "<!DOCTYPE html><html><body>hi</body></html>\n");
	ck_assert_int_eq(a->state, WST_MALFORMED);
	whois_answer_free(a);
	a = parse_s("whois.verisign-grs.com", "No match for \"X.COM\".\n>>> Last update <<<\n");
	ck_assert_int_eq(a->state, WST_NO_MATCH);
	whois_answer_free(a);
}
END_TEST

/* ---- referral targets: first valid / first invalid for every rule ---- */

struct target_case {
	const char *in;
	bool web;
	int ok;
	const char *host;
	int port;
	bool rwhois;
};

START_TEST(referral_targets)
{
	static const char l63[] =
		"whois.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example";
	static const char l64[] =
		"whois.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example";
	static const struct target_case v[] = {
		{ "whois.ripe.net", false, 1, "whois.ripe.net", 43, false },
		{ "whois://whois.ripe.net", false, 1, "whois.ripe.net", 43, false },
		{ "whois://whois.ripe.net:43", false, 1, "whois.ripe.net", 43, false },
		{ "WHOIS://WHOIS.RIPE.NET/", false, 1, "whois.ripe.net", 43, false },
		{ "rwhois://rwhois.x.example:4321", false, 1, "rwhois.x.example", 4321, true },
		{ "rwhois://rwhois.x.example:4321/auth-area=.", false, 1, "rwhois.x.example", 4321,
		  true },
		{ "rwhois://rwhois.x.example", false, 1, "rwhois.x.example", 4321, true },
		{ "rwhois://whois.data102.example:43", false, 1, "whois.data102.example", 43, false },
		{ "whois.godaddy.com/", true, 1, "whois.godaddy.com", 43, false },
		{ "https://whois.x.example", true, 1, "whois.x.example", 43, false },
		{ "https://whois.x.example:8443/lookup", true, 1, "whois.x.example", 43, false },
		{ "https://whois.x.example", false, 0, NULL, 0, false },
		{ "http://lacnic.net/cgi-bin/lacnic/whois", false, 0, NULL, 0, false },
		{ "ftp://whois.x.example", true, 0, NULL, 0, false },
		{ "whois.x.example:65535", false, 1, "whois.x.example", 65535, false },
		{ "whois.x.example:65536", false, 0, NULL, 0, false },
		{ "whois.x.example:0", false, 0, NULL, 0, false },
		{ "whois.x.example:", false, 0, NULL, 0, false },
		{ "whois.x.example:4x", false, 0, NULL, 0, false },
		{ "localhost", false, 0, NULL, 0, false },
		{ "whois", false, 0, NULL, 0, false },
		{ "192.0.2.43", false, 1, "192.0.2.43", 43, false },
		{ "[2001:db8::43]:4321", false, 1, "2001:db8::43", 4321, false },
		{ "whois.x.example.", false, 1, "whois.x.example", 43, false },
		{ "whois..example", false, 0, NULL, 0, false },
		{ "-whois.example", false, 0, NULL, 0, false },
		{ "whois.ex\x01mple", false, 0, NULL, 0, false },
		{ "whois.ex\xc3\xa9mple", false, 0, NULL, 0, false },
		{ "", false, 0, NULL, 0, false },
		{ "   ", false, 0, NULL, 0, false },
		{ "whois.x.example (see remarks)", false, 1, "whois.x.example", 43, false },
		{ "rwhois://", false, 0, NULL, 0, false },
		{ l63, false, 1, NULL, 43, false },
		{ l64, false, 0, NULL, 0, false },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct whois_ref r;
		bool ok;

		memset(&r, 0, sizeof(r));
		ok = whois_ref_target(v[i].in, strlen(v[i].in), 43, v[i].web, &r);
		ck_assert_msg(ok == (v[i].ok == 1), "case %zu '%s': ok=%d reject=%s", i, v[i].in,
		              ok, r.reject);
		if (!ok) {
			ck_assert_msg(r.reject[0] && !r.host[0], "case %zu: no reason", i);
			continue;
		}
		if (v[i].host)
			ck_assert_str_eq(r.host, v[i].host);
		ck_assert_int_eq(r.port, v[i].port);
		ck_assert_msg(r.rwhois == v[i].rwhois, "case %zu rwhois", i);
		ck_assert(no_controls(r.raw));
	}
}
END_TEST

START_TEST(referral_extract_api)
{
	static const char txt[] = "ReferralServer: whois://whois.lacnic.net\n"
	                          "NetRange: 1.0.0.0 - 1.255.255.255\n\n"
	                          "ReferralServer: rwhois://rw.example.net:4321\n";
	struct whois_ref refs[4];
	size_t n;

	ck_assert_int_eq(whois_refer_extract(tab, "whois.arin.net", WFMT_UNKNOWN, txt,
	                                     sizeof(txt) - 1, refs, 4, &n), ST_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(refs[0].host, "rw.example.net");
	/* with room for nothing */
	ck_assert_int_eq(whois_refer_extract(tab, "whois.arin.net", WFMT_UNKNOWN, txt,
	                                     sizeof(txt) - 1, refs, 0, &n), ST_OK);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* ---- hostile servers ---- */

struct hostile {
	const char *name;
	const char *text;
	size_t len;          /* 0: strlen */
	int state;           /* -1: any */
	const char *abuse;   /* NULL: not checked */
	const char *ref;     /* NULL: not checked */
};

START_TEST(hostile_inputs)
{
	static const struct hostile v[] = {
		{ "ANSI escape in registrar",
		  "Domain Name: X.COM\nRegistrar: \x1b[31mEvil\x1b[0m\nRegistrar Abuse Contact Email: "
		  "abuse@x.example\n", 0, WST_ANSWERED, "abuse@x.example", "-" },
		{ "NUL inside a key line", "Domain Name: X.COM\nRegi\0strar: A\n"
		  "Registrar Abuse Contact Email: a@x.example\n", 77, WST_ANSWERED, "a@x.example", NULL },
		{ "redacted abuse", "Domain Name: X.COM\nRegistrar Abuse Contact Email: "
		  "REDACTED FOR PRIVACY\n", 0, WST_ANSWERED, "-", NULL },
		{ "placeholder on the abuse line",
		  "% Information related to '1.0.0.0 - 1.0.0.255'\n\n"
		  "% Abuse contact for '1.0.0.0 - 1.0.0.255' is 'no-email@apnic.net'\n\n"
		  "inetnum: 1.0.0.0 - 1.0.0.255\nsource: APNIC\n", 0, WST_ANSWERED, "-", NULL },
		{ "abuse line without quotes", "% Abuse contact for x is\ninetnum: 1.0.0.0 - 1.0.0.1\n"
		  "source: RIPE\n", 0, WST_ANSWERED, "-", NULL },
		{ "referral to a URL with a path and port junk",
		  "ReferralServer: whois://evil.example:99999/../../etc\nNetRange: 1.0.0.0 - 1.0.0.1\n",
		  0, WST_ANSWERED, NULL, "-" },
		{ "referral with spaces and a second word",
		  "refer: whois.x.example rm -rf\n\ninetnum: 1.0.0.0 - 1.255.255.255\nsource: IANA\n"
		  "% IANA WHOIS server\n", 0, WST_ANSWERED, NULL, NULL },
		{ "only colons", ":::::\n::\n:\n", 0, WST_MALFORMED, "-", "-" },
		{ "binary", "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f", 0, WST_MALFORMED, "-",
		  "-" },
		{ "CR only line ends", "Domain Name: X.COM\rRegistrar: Lab\rRegistrar WHOIS Server: "
		  "whois.lab.example\r", 0, WST_ANSWERED, "-", "whois.lab.example" },
		{ "HTTP reply on port 43", "HTTP/1.1 400 Bad Request\r\n\r\n", 0, WST_MALFORMED, "-",
		  "-" },
		{ "abuse e-mail with a newline injection",
		  "Domain Name: X.COM\nRegistrar Abuse Contact Email: a@x.example\\nBcc: y@z.example\n",
		  0, WST_ANSWERED, "-", NULL },
		{ "whitespace only", " \t \r\n\r\n   \n", 0, WST_TEMP_FAIL, "-", "-" },
	};
	size_t i, k;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct whois_answer *a = parse_n("whois.x.example", v[i].text,
		                                 v[i].len ? v[i].len : strlen(v[i].text));
		struct buf b;
		struct json j;

		if (v[i].state >= 0)
			ck_assert_msg((int)a->state == v[i].state, "%s: state %s", v[i].name,
			              whois_state_name(a->state));
		if (v[i].abuse)
			ck_assert_msg(strcmp(best(a), v[i].abuse) == 0, "%s: abuse %s", v[i].name,
			              best(a));
		if (v[i].ref)
			ck_assert_msg(strcmp(ref(a), v[i].ref) == 0, "%s: ref %s", v[i].name, ref(a));
		ck_assert_msg(no_controls(a->registrar.v) && no_controls(a->domain.v), "%s",
		              v[i].name);
		for (k = 0; k < a->ncontacts; k++)
			ck_assert(no_controls(a->contacts[k].email.v));
		for (k = 0; k < a->nrefs; k++)
			ck_assert(no_controls(a->refs[k].raw));
		buf_init(&b, 0);
		json_init(&j, &b, false);
		whois_answer_json(a, &j);
		ck_assert_int_eq(json_finish(&j), ST_OK);
		ck_assert(utf8_valid(b.data, b.len));
		buf_reset(&b);
		whois_answer_free(a);
	}
}
END_TEST

START_TEST(hostile_sizes)
{
	struct buf b;
	struct whois_answer *a;
	size_t i;

	/* a 1 MiB line is cut, not fatal */
	buf_init(&b, 0);
	buf_adds(&b, "Registrar: ");
	for (i = 0; i < (1u << 20); i++)
		buf_addc(&b, 'A');
	buf_adds(&b, "\nDomain Name: X.COM\n");
	a = parse_n("x.example", b.data, b.len);
	ck_assert_int_eq(a->state, WST_ANSWERED);
	ck_assert(a->registrar.cut);
	ck_assert_uint_lt(strlen(a->registrar.v), WHOIS_VAL_MAX);
	whois_answer_free(a);
	/* more lines than the parser reads, and 5000 referrals: the last one counts */
	buf_clear(&b);
	for (i = 0; i < WDOC_MAX_LINES + 10; i++)
		buf_printf(&b, "ReferralServer: whois://w%zu.example\n", i);
	a = parse_n("whois.arin.net", b.data, b.len);
	ck_assert(a->lines_cut);
	ck_assert_uint_eq(a->lines, WDOC_MAX_LINES);
	ck_assert_str_eq(ref(a), "w65535.example");
	whois_answer_free(a);
	/* many contacts: capped, best first */
	buf_clear(&b);
	buf_adds(&b, "Domain Name: X.COM\n");
	for (i = 0; i < 100; i++)
		buf_printf(&b, "remarks: abuse desk %zu: abuse%zu@x.example\n", i, i);
	a = parse_n("x.example", b.data, b.len);
	ck_assert_uint_eq(a->ncontacts, WHOIS_MAX_CONTACTS);
	whois_answer_free(a);
	buf_reset(&b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("whois_parse");
	TCase *text = tcase_create("text"), *core = tcase_create("core"),
	      *refer = tcase_create("referrals"), *malformed = tcase_create("malformed");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(text, setup, teardown);
	tcase_add_checked_fixture(refer, setup, teardown);
	tcase_add_checked_fixture(malformed, setup, teardown);
	tcase_add_test(text, text_latin1_fallback_per_line);
	tcase_add_test(text, text_charsets_and_nul);
	tcase_add_test(text, doc_keys_and_lines);
	tcase_add_test(text, doc_rwhois_and_blank_layouts);
	tcase_add_test(text, doc_emails);
	tcase_add_test(core, blocks);
	tcase_add_test(core, iana_refer_and_whois);
	tcase_add_test(core, arin_transferred_and_referral);
	tcase_add_test(core, arin_most_specific_last_and_rwhois);
	tcase_add_test(core, arin_net_abuse_before_org_abuse);
	tcase_add_test(core, rpsl_abuse_line_and_org);
	tcase_add_test(core, rpsl_not_managed_block);
	tcase_add_test(core, apnic_stub_placeholder);
	tcase_add_test(core, apnic_nir_hostmaster_refused);
	tcase_add_test(core, afrinic_please_query);
	tcase_add_test(core, lacnic_abuse_c_and_registro_br);
	tcase_add_test(core, rwhois_fields_and_referral);
	tcase_add_test(core, verisign_registry_to_registrar);
	tcase_add_test(core, old_thin_whois_server_label);
	tcase_add_test(core, nominet_and_cira_layouts);
	tcase_add_test(core, states);
	tcase_add_test(refer, referral_targets);
	tcase_add_test(refer, referral_extract_api);
	tcase_add_test(malformed, hostile_inputs);
	tcase_add_test(malformed, hostile_sizes);
	tcase_set_timeout(malformed, 60);
	suite_add_tcase(s, text);
	suite_add_tcase(s, core);
	suite_add_tcase(s, refer);
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
