/* Unit tests for abuse report drafts: structure, header sanitising, unaltered originals, ARF. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "buf.h"
#include "report.h"
#include "status.h"

static const char raw_msg[] =
	"Return-Path: <bounce@sender.example>\r\n"
	"From: \"Dr. Smith\" <smith@sender.example>\r\n"
	"Reply-To: claims@crookmail.example\r\n"
	"To: victim@recipient.example\r\n"
	"Subject: URGENT: your fund of $4.5M\r\n"
	"\r\n"
	"Write to claims@crookmail.example now.\r\n"
	"-----END ORIGINAL MESSAGE-----\r\n";   /* a marker inside the original must not confuse */

static const struct report_ip ips1[] = {
	{ "192.0.2.25", "192.0.2.0/24", "EXAMPLE-NET", "Example Hosting Ltd", "whois.ripe.net" },
	{ "2001:db8::25", "2001:db8::/32", NULL, "Example Hosting Ltd", "whois.ripe.net" },
};
static const struct report_host hosts[] = {
	{ "mx1.crookhost.example", 10, ips1, 2, "crookhost.example", "Example Registrar" },
	{ "mx2.crookhost.example", 20, NULL, 0, "crookhost.example", NULL },
};

static struct report_case mkcase(const uint8_t *raw, size_t n)
{
	struct report_case c;

	memset(&c, 0, sizeof(c));
	c.reply_addr = "claims@crookmail.example";
	c.reply_domain = "crookmail.example";
	c.hosts = hosts;
	c.nhosts = 2;
	c.looked_up_ms = 1796342400000LL;
	c.resolver = "127.0.0.1";
	c.raw = raw;
	c.raw_len = n;
	c.source = "scam.eml";
	return c;
}

static const size_t idx0[] = { 0 };

static struct report_recipient mkrcpt(enum report_kind k)
{
	struct report_recipient r;

	memset(&r, 0, sizeof(r));
	r.kind = k;
	r.to[0] = "abuse@hosting.example";
	r.nto = 1;
	r.party = "Example Hosting Ltd";
	r.why = "holds 192.0.2.0/24 (EXAMPLE-NET)";
	r.cases = idx0;
	r.ncases = 1;
	return r;
}

static const struct report_opts opts = { NULL, "mxtrace/0.1.0", 1796342400000LL };

/* Header block of a draft: every line is "Name: value" or a continuation, none too long. */
static void check_headers(const char *d, const char **names, size_t nnames)
{
	const char *end = strstr(d, "\n\n"), *p = d;

	ck_assert_ptr_nonnull(end);
	while (p < end) {
		const char *nl = strchr(p, '\n');
		size_t len = (size_t)(nl - p), i;
		bool known = false;

		ck_assert_uint_le(len, 998);
		if (*p == ' ' || *p == '\t') {
			p = nl + 1;
			continue;
		}
		for (i = 0; i < nnames; i++)
			if (strncmp(p, names[i], strlen(names[i])) == 0 && p[strlen(names[i])] == ':')
				known = true;
		ck_assert_msg(known, "unexpected header line: %.*s", (int)len, p);
		p = nl + 1;
	}
}

static const char *draft_fields[] = { "From", "To", "Subject", "Date", "MIME-Version",
	                              "User-Agent", "X-Mxtrace-Draft", "Content-Type",
	                              "Content-Transfer-Encoding" };

START_TEST(text_draft_structure)
{
	struct report_case c = mkcase((const uint8_t *)raw_msg, sizeof(raw_msg) - 1);
	struct report_recipient r = mkrcpt(REPORT_NETWORK);
	struct buf b;
	const char *d, *begin, *body;

	buf_init(&b, 0);
	ck_assert_int_eq(report_write_text(&b, &r, &c, 1, &opts), ST_OK);
	d = buf_str(&b);
	check_headers(d, draft_fields, 9);
	ck_assert_ptr_nonnull(strstr(d, "To: abuse@hosting.example\n"));
	ck_assert_ptr_nonnull(strstr(d, "Date: Fri, 04 Dec 2026 00:00:00 +0000\n"));
	ck_assert_ptr_nonnull(strstr(d, "Subject: Fraud: reply address claims@crookmail.example "
	                                "delivered to\n mx1.crookhost.example (192.0.2.25) on your "
	                                "network\n"));
	ck_assert_ptr_nonnull(strstr(d, "MX 10  mx1.crookhost.example"));
	ck_assert_ptr_nonnull(strstr(d, "192.0.2.25  in 192.0.2.0/24 EXAMPLE-NET, Example Hosting"));
	ck_assert_ptr_nonnull(strstr(d, "(no address)"));
	ck_assert_ptr_nonnull(strstr(d, "2026-12-04T00:00:00.000Z (UTC)"));
	ck_assert_ptr_nonnull(strstr(d, "null-route"));
	ck_assert_ptr_nonnull(strstr(d, "criminal fraud"));
	/* the original follows byte for byte after the marker line */
	begin = strstr(d, "-----BEGIN ORIGINAL MESSAGE (scam.eml)-----\n");
	ck_assert_ptr_nonnull(begin);
	body = strchr(begin, '\n') + 1;
	ck_assert(memcmp(body, raw_msg, sizeof(raw_msg) - 1) == 0);
	ck_assert_str_eq(body + sizeof(raw_msg) - 1, "-----END ORIGINAL MESSAGE-----\n");
	buf_reset(&b);
}
END_TEST

START_TEST(header_injection_refused)
{
	static const char *evil[] = {
		"x\r\nBcc: all@victims.example",
		"x\nContent-Type: text/html",
		"x\rSubject: injected",
		"\x1b[31mred\x07\x00",
		"x\xc2\x85" "Bcc: nel@victims.example",
	};
	size_t i;

	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		struct buf b;
		const char *s;

		buf_init(&b, 0);
		buf_adds(&b, "Subject: ");
		report_header_value(&b, evil[i], 9);
		s = buf_str(&b);
		/* one logical line: any newline must be followed by folding whitespace */
		for (const char *p = s; *p; p++) {
			ck_assert_msg(*p != '\r', "CR in %s", s);
			if (*p == '\n')
				ck_assert_msg(p[1] == ' ', "unfolded newline in %s", s);
			ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n', "control in %s", s);
		}
		buf_reset(&b);
	}
}
END_TEST

START_TEST(header_non_ascii_encoded)
{
	struct buf b;
	const char *s;

	buf_init(&b, 0);
	report_header_value(&b, "Geb\xc3\xbchr f\xc3\xbcr \xe6\xb5\x8b\xe8\xaf\x95 " 
	                        "and a long tail that needs more than one encoded word "
	                        "for sure", 9);
	s = buf_str(&b);
	ck_assert(strncmp(s, "=?UTF-8?B?", 10) == 0);
	ck_assert_ptr_nonnull(strstr(s, "?=\n =?UTF-8?B?"));   /* folded between words */
	for (const char *p = s; *p; p++)
		ck_assert((unsigned char)*p < 0x80);
	/* every encoded word at most 75 characters (RFC 2047 §2) */
	for (const char *w = strstr(s, "=?UTF-8?B?"); w; ) {
		const char *e = strstr(w + 10, "?=");

		ck_assert_ptr_nonnull(e);
		ck_assert_int_le(e + 2 - w, 75);
		w = strstr(e + 2, "=?UTF-8?B?");
	}
	buf_reset(&b);
}
END_TEST

START_TEST(unsafe_recipients_dropped)
{
	struct report_case c = mkcase((const uint8_t *)raw_msg, sizeof(raw_msg) - 1);
	struct report_recipient r = mkrcpt(REPORT_REGISTRAR);
	struct buf b;
	const char *d;

	r.to[0] = "abuse@registrar.example\r\nBcc: x@y.example";
	r.to[1] = "two@@registrar.example";
	r.to[2] = "\"quoted\"@registrar.example";
	r.nto = 3;
	buf_init(&b, 0);
	report_write_text(&b, &r, &c, 1, &opts);
	d = buf_str(&b);
	ck_assert_ptr_nonnull(strstr(d, "To: undisclosed-recipients:;\n"));
	ck_assert_ptr_null(strstr(d, "Bcc"));
	ck_assert_ptr_nonnull(strstr(d, "registered through you"));
	ck_assert_ptr_nonnull(strstr(d, "suspend the domain"));
	buf_reset(&b);
}
END_TEST

static size_t b64dec(const char *s, size_t n, uint8_t *out)
{
	size_t o = 0, i;
	unsigned v = 0, bits = 0;

	for (i = 0; i < n; i++) {
		const char *al = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		const char *q = s[i] ? strchr(al, s[i]) : NULL;

		if (!q)
			continue;
		v = v << 6 | (unsigned)(q - al);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(v >> bits);
		}
	}
	return o;
}

START_TEST(binary_original_attached_unaltered)
{
	static const uint8_t bin[] = "Subject: nul\r\n\r\nbody\0with NUL and a bare\r CR\r\n";
	struct report_case c = mkcase(bin, sizeof(bin) - 1);
	struct report_recipient r = mkrcpt(REPORT_NETWORK);
	struct buf b;
	const char *d, *p, *e;
	uint8_t dec[256];
	size_t n;

	buf_init(&b, 0);
	ck_assert_int_eq(report_write_text(&b, &r, &c, 1, &opts), ST_OK);
	d = buf_str(&b);
	ck_assert_ptr_nonnull(strstr(d, "Content-Type: multipart/mixed; boundary="));
	p = strstr(d, "Content-Transfer-Encoding: base64\n\n");
	ck_assert_ptr_nonnull(p);
	p = strchr(p, '\n') + 2;
	e = strstr(p, "\n--");
	n = b64dec(p, (size_t)(e - p), dec);
	ck_assert_uint_eq(n, sizeof(bin) - 1);
	ck_assert(memcmp(dec, bin, n) == 0);
	buf_reset(&b);
}
END_TEST

START_TEST(arf_required_fields)
{
	struct report_case c = mkcase((const uint8_t *)raw_msg, sizeof(raw_msg) - 1);
	struct report_recipient r = mkrcpt(REPORT_NETWORK);
	struct buf b;
	const char *d, *fb, *orig;
	char boundary[80], delim[90];
	const char *q;

	buf_init(&b, 0);
	ck_assert_int_eq(report_write_arf(&b, &r, &c, &opts), ST_OK);
	d = buf_str(&b);
	q = strstr(d, "boundary=\"");
	ck_assert_ptr_nonnull(q);
	q += 10;
	{
		size_t bl = (size_t)(strchr(q, '"') - q);

		memcpy(boundary, q, bl);
		boundary[bl] = 0;
	}
	snprintf(delim, sizeof(delim), "\n--%s\n", boundary);
	ck_assert_ptr_nonnull(strstr(d, "Content-Type: multipart/report; "
	                                "report-type=feedback-report;"));
	fb = strstr(d, "Content-Type: message/feedback-report\n\n");
	ck_assert_ptr_nonnull(fb);
	ck_assert_ptr_nonnull(strstr(fb, "Feedback-Type: fraud\n"));
	ck_assert_ptr_nonnull(strstr(fb, "User-Agent: mxtrace/0.1.0\n"));
	ck_assert_ptr_nonnull(strstr(fb, "Version: 1\n"));
	ck_assert_ptr_nonnull(strstr(fb, "Reported-Domain: crookmail.example\n"));
	ck_assert_ptr_nonnull(strstr(fb, "Reported-URI: mailto:claims@crookmail.example\n"));
	orig = strstr(d, "Content-Type: message/rfc822\n");
	ck_assert_ptr_nonnull(orig);
	orig = strstr(orig, "\n\n") + 2;
	ck_assert(memcmp(orig, raw_msg, sizeof(raw_msg) - 1) == 0);
	/* three parts and a closing delimiter */
	{
		int parts = 0;

		for (const char *p = strstr(d, delim); p; p = strstr(p + 1, delim))
			parts++;
		ck_assert_int_eq(parts, 3);
	}
	snprintf(delim, sizeof(delim), "\n--%s--\n", boundary);
	ck_assert_ptr_nonnull(strstr(d, delim));
	ck_assert_ptr_null(strstr(raw_msg, boundary));
	buf_reset(&b);
}
END_TEST

START_TEST(boundary_avoids_content)
{
	char crafted[256];
	struct report_case c;
	struct report_recipient r = mkrcpt(REPORT_NETWORK);
	struct buf b;

	/* the first boundary candidate appears in the original: the writer must pick another */
	snprintf(crafted, sizeof(crafted), "Subject: x\n\n--=_mxtrace_%llx_0\n",
	         (unsigned long long)opts.now_ms);
	c = mkcase((const uint8_t *)crafted, strlen(crafted));
	buf_init(&b, 0);
	report_write_arf(&b, &r, &c, &opts);
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "boundary=\"=_mxtrace_"));
	ck_assert_ptr_null(strstr(buf_str(&b), "_0\"\n"));
	buf_reset(&b);
}
END_TEST

START_TEST(filenames)
{
	struct report_recipient r = mkrcpt(REPORT_REGISTRAR);
	char f[80];

	report_filename(f, sizeof(f), 3, &r);
	ck_assert_str_eq(f, "03-registrar-example-hosting-ltd.eml");
	r.party = "../../etc/passwd";
	report_filename(f, sizeof(f), 1, &r);
	ck_assert_str_eq(f, "01-registrar-..-..-etc-passwd.eml");
	ck_assert_ptr_null(strchr(f, '/'));
	r.party = "\xff\xfe";
	report_filename(f, sizeof(f), 2, &r);
	ck_assert_str_eq(f, "02-registrar-unknown.eml");
}
END_TEST

/* REPORT_VALUE_MAX: a 900-octet value is kept whole, the 901st octet is cut. */
START_TEST(header_value_cap)
{
	char v[1000];
	struct buf b;
	size_t i, kept;

	for (size_t n = 900; n <= 901; n++) {
		memset(v, 'a', n);
		for (i = 50; i < n; i += 51)
			v[i] = ' ';              /* words, so the value folds */
		v[n] = 0;
		buf_init(&b, 0);
		report_header_value(&b, v, 9);
		kept = 0;
		for (i = 0; i < b.len; i++)
			kept += b.data[i] == 'a';
		ck_assert_uint_eq(kept, (size_t)(900 - 900 / 51));   /* same 'a's both times */
		buf_reset(&b);
	}
}
END_TEST

/* REPORT_MAX_TO: the 8 addresses a recipient can hold all reach To:. */
START_TEST(to_cap)
{
	struct report_case c = mkcase((const uint8_t *)raw_msg, sizeof(raw_msg) - 1);
	struct report_recipient r = mkrcpt(REPORT_NETWORK);
	static const char *const addrs[REPORT_MAX_TO] = {
		"a1@x.example", "a2@x.example", "a3@x.example", "a4@x.example",
		"a5@x.example", "a6@x.example", "a7@x.example", "a8@x.example",
	};
	struct buf b;
	size_t i;

	for (i = 0; i < REPORT_MAX_TO; i++)
		r.to[i] = addrs[i];
	r.nto = REPORT_MAX_TO + 1;       /* a count past the array is not read beyond it */
	buf_init(&b, 0);
	report_write_text(&b, &r, &c, 1, &opts);
	for (i = 0; i < REPORT_MAX_TO; i++)
		ck_assert_ptr_nonnull(strstr(buf_str(&b), addrs[i]));
	buf_reset(&b);
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, text_draft_structure);
	tcase_add_test(tc, binary_original_attached_unaltered);
	tcase_add_test(tc, arf_required_fields);
	tcase_add_test(tc, filenames);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_test(tc, header_injection_refused);
	tcase_add_test(tc, header_non_ascii_encoded);
	tcase_add_test(tc, unsafe_recipients_dropped);
	tcase_add_test(tc, boundary_avoids_content);
	tcase_add_test(tc, header_value_cap);
	tcase_add_test(tc, to_cap);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
