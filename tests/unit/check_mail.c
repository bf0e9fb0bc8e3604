/* Unit tests for the mail parse layer: decoders, headers, addresses, scanner, mbox, MIME. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "charset.h"
#include "html.h"
#include "mail_addr.h"
#include "mail_hdr.h"
#include "mail_scan.h"
#include "mbox.h"
#include "mime.h"
#include "mime_codec.h"
#include "rfc2047.h"
#include "status.h"

/* ---- quoted-printable ---- */

struct qp_case {
	const char *in;
	bool q;
	const char *out;
	size_t bad;
};

static const struct qp_case qp_cases[] = {
	{ "a=3Db", false, "a=b", 0 },
	{ "caf=C3=A9", false, "caf\xc3\xa9", 0 },
	{ "lower=3d=e9", false, "lower=\xe9", 0 },          /* lower-case hex tolerated */
	{ "soft=\r\nbreak", false, "softbreak", 0 },
	{ "soft=\nbreak", false, "softbreak", 0 },
	{ "soft=  \t\nbreak", false, "softbreak", 0 },     /* blanks before the line end */
	{ "john@cro=\nok.example", false, "john@crook.example", 0 },
	{ "bad=ZZ", false, "bad=ZZ", 1 },                   /* malformed: kept literally */
	{ "end=", false, "end", 0 },
	{ "end=4", false, "end=4", 1 },
	{ "under_score", false, "under_score", 0 },
	{ "under_score", true, "under score", 0 },           /* RFC 2047 Q */
	{ "q=5Fx", true, "q_x", 0 },
	{ "q=\nx", true, "q=\nx", 1 },                       /* no soft breaks in Q */
	{ "", false, "", 0 },
};

START_TEST(qp_table)
{
	const struct qp_case *c = &qp_cases[_i];
	struct buf b;
	struct codec_report r;

	memset(&r, 0, sizeof(r));
	buf_init(&b, 0);
	ck_assert_int_eq(qp_decode(c->in, strlen(c->in), c->q, &b, &r), ST_OK);
	ck_assert_msg(b.len == strlen(c->out) && memcmp(buf_str(&b), c->out, b.len) == 0,
	              "case %d: got '%s'", _i, buf_str(&b));
	ck_assert_uint_eq(r.bad_escapes, c->bad);
	buf_reset(&b);
}
END_TEST

/* ---- base64 ---- */

struct b64_case {
	const char *in;
	const char *out;
	size_t junk;
	bool unpadded;
	bool dangling;
};

static const struct b64_case b64_cases[] = {
	{ "aGVsbG8=", "hello", 0, false, false },
	{ "aGVsbG8", "hello", 0, true, false },              /* missing padding */
	{ "aGVs\r\nbG8=", "hello", 0, false, false },
	{ "aGV*sbG8=", "hello", 1, false, false },           /* junk skipped */
	{ "aGVsbG8=d29ybGQ=", "helloworld", 0, false, false }, /* concatenated encodings */
	{ "aGVsbG8gd", "hello ", 0, true, true },           /* lone sextet dropped */
	{ "a-_w", "k\xef\xf0", 0, false, false },            /* URL-safe alphabet */
	{ "!!!!", "", 4, false, false },
	{ "", "", 0, false, false },
};

START_TEST(b64_table)
{
	const struct b64_case *c = &b64_cases[_i];
	struct buf b;
	struct codec_report r;

	memset(&r, 0, sizeof(r));
	buf_init(&b, 0);
	ck_assert_int_eq(b64_decode(c->in, strlen(c->in), &b, &r), ST_OK);
	ck_assert_msg(b.len == strlen(c->out) && memcmp(buf_str(&b), c->out, b.len) == 0,
	              "case %d: got '%s'", _i, buf_str(&b));
	ck_assert_uint_eq(r.junk, c->junk);
	ck_assert_int_eq(r.unpadded, c->unpadded);
	ck_assert_int_eq(r.dangling, c->dangling);
	buf_reset(&b);
}
END_TEST

START_TEST(decoder_ceiling)
{
	struct buf b;

	buf_init(&b, 4);
	ck_assert_int_eq(b64_decode("aGVs", 4, &b, NULL), ST_OK);          /* 3 bytes: fits */
	buf_reset(&b);
	ck_assert_int_eq(b64_decode("aGVsbG8=", 8, &b, NULL), ST_TOOBIG); /* 5 > 4 */
	buf_reset(&b);
	ck_assert_int_eq(qp_decode("abcd", 4, false, &b, NULL), ST_OK);
	buf_reset(&b);
	ck_assert_int_eq(qp_decode("abcde", 5, false, &b, NULL), ST_TOOBIG);
	buf_reset(&b);
}
END_TEST

/* ---- charsets ---- */

struct cs_case {
	const char *label;
	const char *in;
	const char *out;
	bool known;
};

static const struct cs_case cs_cases[] = {
	{ "utf-8", "caf\xc3\xa9", "caf\xc3\xa9", true },
	{ "UTF8", "x", "x", true },
	{ "us-ascii", "caf\xe9", "caf\xc3\xa9", true },      /* mislabelled 8-bit: cp1252 */
	{ "", "\x80", "\xe2\x82\xac", true },                /* unlabelled: cp1252 euro */
	{ "iso-8859-1", "\xe9", "\xc3\xa9", true },
	{ "latin1", "\xff", "\xc3\xbf", true },
	{ "ISO_8859-2", "\xb1", "\xc4\x85", true },          /* ą */
	{ "iso-8859-5", "\xb0", "\xd0\x90", true },          /* А */
	{ "iso-8859-7", "\xe1", "\xce\xb1", true },          /* α */
	{ "iso-8859-15", "\xa4", "\xe2\x82\xac", true },     /* € */
	{ "iso-8859-16", "\xa1", "\xc4\x84", true },         /* Ą */
	{ "windows-1250", "\x9a", "\xc5\xa1", true },        /* š */
	{ "cp1251", "\xc8", "\xd0\x98", true },              /* И */
	{ "windows-1252", "\x93q\x94", "\xe2\x80\x9cq\xe2\x80\x9d", true },
	{ "windows-1252", "\x81", "\xef\xbf\xbd", true },    /* unassigned */
	{ "windows-1256", "\xc7", "\xd8\xa7", true },        /* ا */
	{ "windows-1258", "\xde", "\xcc\x83", true },        /* combining tilde */
	{ "koi8-r", "\xe9\xd7\xc1\xce", "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", true }, /* Иван */
	{ "koi8-u", "\xa4", "\xd1\x94", true },              /* є */
	{ "utf-16", "\xff\xfe" "A\0", "A", true },
	{ "utf-16be", "\0A\xd8\x3d\xde\x00", "A\xf0\x9f\x98\x80", true },
	{ "utf-16le", "A", "\xef\xbf\xbd", true },           /* odd length */
	{ "iso-8859-1*en", "\xe9", "\xc3\xa9", true },       /* RFC 2231 language suffix */
	{ "gb2312", "ab\xc4\xe3", "ab\xef\xbf\xbd\xef\xbf\xbd", false },
	{ "iso-2022-jp", "\x1b$B", "\x1b$B", false },        /* 7-bit: passed through */
	{ "x-nonsense", "caf\xc3\xa9", "caf\xc3\xa9", false },
	{ "utf-8", "a\0b", "a\xef\xbf\xbd" "b", true },      /* NUL */
};

START_TEST(charset_table)
{
	const struct cs_case *c = &cs_cases[_i];
	struct buf b;
	bool known = !c->known;
	size_t inlen = strlen(c->in);

	if (strcmp(c->label, "utf-16") == 0)
		inlen = 4;
	else if (strcmp(c->label, "utf-16be") == 0)
		inlen = 6;
	else if (strcmp(c->in, "a") == 0 && c->in[1] == 0 && strcmp(c->label, "utf-8") == 0)
		inlen = 3;
	buf_init(&b, 0);
	ck_assert_int_eq(charset_to_utf8(c->label, strlen(c->label), c->in, inlen, &b, &known),
	                 ST_OK);
	ck_assert_msg(strcmp(buf_str(&b), c->out) == 0, "case %d (%s)", _i, c->label);
	ck_assert_int_eq(known, c->known);
	buf_reset(&b);
}
END_TEST

START_TEST(charset_names)
{
	ck_assert_str_eq(charset_canonical("CP1251", 6), "windows-1251");
	ck_assert_str_eq(charset_canonical("Latin-9", 7), "iso-8859-15");
	ck_assert_str_eq(charset_canonical("KOI8R", 5), "koi8-r");
	ck_assert_str_eq(charset_canonical("iso8859-13", 10), "iso-8859-13");
	ck_assert(charset_canonical("iso-8859-12", 11) == NULL);   /* never existed */
	ck_assert(charset_canonical("windows-1249", 12) == NULL);
	ck_assert(charset_canonical("windows-1259", 12) == NULL);
	ck_assert(charset_canonical("big5", 4) == NULL);
}
END_TEST

/* ---- RFC 2047 ---- */

struct ew_case {
	const char *in;
	const char *out;
	unsigned words;
	unsigned malformed;
	bool unknown;
};

static const struct ew_case ew_cases[] = {
	{ "=?UTF-8?B?w6k=?=", "\xc3\xa9", 1, 0, false },
	{ "=?iso-8859-1?q?caf=E9_noir?=", "caf\xc3\xa9 noir", 1, 0, false },
	{ "=?utf-8?Q?a?= =?utf-8?Q?b?=", "ab", 2, 0, false },          /* blank dropped */
	{ "=?utf-8?Q?a?=\r\n =?utf-8?Q?b?=", "ab", 2, 0, false },
	{ "x =?utf-8?Q?a?= y", "x a y", 1, 0, false },
	{ "=?utf-8?Q?=C5?= =?utf-8?Q?=BE?=", "\xc5\xbe", 2, 0, false }, /* split character */
	{ "=?UTF-8?Q?open", "=?UTF-8?Q?open", 0, 1, false },            /* unterminated */
	{ "=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=", 0, 1, false },          /* bad encoding */
	{ "=??Q?abc?=", "=??Q?abc?=", 0, 1, false },                   /* no charset */
	{ "=?UTF-8?Q?a b?=", "=?UTF-8?Q?a b?=", 0, 1, false },          /* blank inside */
	{ "=?x-nonsense?Q?abc?=", "abc", 1, 0, true },
	{ "=?koi8-r?B?6dfBzg==?=", "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", 1, 0, false },
	{ "=?iso-8859-2*sl?Q?Doma=e8e?=", "Doma\xc4\x8d" "e", 1, 0, false }, /* RFC 2231 lang */
	{ "name=?utf-8?Q?x?=glued", "namexglued", 1, 0, false },
	{ "raw caf\xc3\xa9", "raw caf\xc3\xa9", 0, 0, false },          /* 8-bit UTF-8 kept */
	{ "raw caf\xe9", "raw caf\xc3\xa9", 0, 0, false },              /* 8-bit Latin-1 */
	{ "", "", 0, 0, false },
};

START_TEST(rfc2047_table)
{
	const struct ew_case *c = &ew_cases[_i];
	struct buf b;
	struct rfc2047_report r;

	memset(&r, 0, sizeof(r));
	buf_init(&b, 0);
	ck_assert_int_eq(rfc2047_decode(c->in, strlen(c->in), &b, &r), ST_OK);
	ck_assert_msg(strcmp(buf_str(&b), c->out) == 0, "case %d: got '%s'", _i, buf_str(&b));
	ck_assert_uint_eq(r.words, c->words);
	ck_assert_uint_eq(r.malformed, c->malformed);
	ck_assert_int_eq(r.unknown_charset, c->unknown);
	buf_reset(&b);
}
END_TEST

/* ---- HTML ---- */

struct html_case {
	const char *in;
	const char *out;
};

static const struct html_case html_cases[] = {
	{ "<p>a</p><p>b</p>", "\na\n\nb\n" },
	{ "x&#64;y&#x2E;z &commat; &period;", "x@y.z @ ." },
	{ "a&amp;b &lt;c&gt; &AMP; &nbsp;", "a&b <c> &  " },
	{ "&amp no semicolon &unknown; &#", "& no semicolon &unknown; &#" },
	{ "<a href=\"mailto:x&#64;y.example?subject=Hi\">click</a>",
	  " mailto:x@y.example?subject=Hi click" },
	{ "<A HREF='MAILTO: a@b.example'>z</A>", " mailto:a@b.example z" },
	{ "<a href=mailto:c@d.example>z</a>", " mailto:c@d.example z" },
	{ "<a href=\"http://x.example/\">web</a>", "web" },
	{ "<script>var a='<p>';</script>t", "t" },
	{ "<STYLE>p{}</STYLE>t", "t" },
	{ "<!-- c@d.example -->t", "t" },
	{ "a < b and c > d", "a < b and c > d" },
	{ "<td>a</td><td>b</td>", " a b" },
	{ "<img alt=\"x>y\" src=z>t", "t" },
	{ "unclosed <b", "unclosed <b" },
	{ "<script>never closed", "" },
	{ "&#0; &#xD800; &#1114112;", "\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd" },
};

START_TEST(html_table)
{
	const struct html_case *c = &html_cases[_i];
	struct buf b;

	buf_init(&b, 0);
	ck_assert_int_eq(html_to_text(c->in, strlen(c->in), &b, NULL), ST_OK);
	ck_assert_msg(strcmp(buf_str(&b), c->out) == 0, "case %d: got '%s'", _i, buf_str(&b));
	buf_reset(&b);
}
END_TEST

START_TEST(html_tag_bomb_is_linear)
{
	size_t n = 2u << 20, i;
	char *s = malloc(n);
	struct buf b;

	for (i = 0; i < n; i++)
		s[i] = "<a x=\""[i % 6];
	buf_init(&b, 0);
	ck_assert_int_eq(html_to_text(s, n, &b, NULL), ST_OK);   /* must finish quickly */
	buf_reset(&b);
	free(s);
}
END_TEST

/* ---- header section ---- */

START_TEST(hdr_basic)
{
	static const char m[] = "From x@y Mon Jan  1 00:00:00 2026\n"
	                        "Subject: hello\n world\r\n"
	                        "X-Empty:\n"
	                        "Bad Name : tolerated?\n"
	                        "To : a@b.example\n"
	                        "\n"
	                        "body\n";
	struct mail_hdr h;
	struct buf v;
	size_t pos = 0;
	const struct mail_field *f;

	ck_assert_int_eq(mail_hdr_parse(m, sizeof(m) - 1, 0, 0, &h), ST_OK);
	ck_assert(h.flags & MAIL_HDR_FROM_LINE);
	/* "Bad Name :" has a blank inside the name: not a field, so the body starts there */
	ck_assert(h.flags & MAIL_HDR_NO_SEPARATOR);
	ck_assert_uint_eq(h.n, 2);
	ck_assert(span_eq(h.f[0].name, "Subject"));
	ck_assert_uint_eq(h.f[0].line, 2);
	buf_init(&v, 0);
	mail_hdr_unfold(h.f[0].raw, &v);
	ck_assert_str_eq(buf_str(&v), "hello world");
	ck_assert(strncmp(m + h.body_off, "Bad Name", 8) == 0);
	f = mail_hdr_next(&h, "x-empty", &pos);
	ck_assert(f && f->raw.n == 0);
	buf_reset(&v);
	mail_hdr_free(&h);
}
END_TEST

START_TEST(hdr_obs_blank_before_colon_and_nul)
{
	static const char m[] = "To : a@b.example\nSubject: a\0b\n\nbody";
	struct mail_hdr h;
	struct buf v;

	ck_assert_int_eq(mail_hdr_parse(m, sizeof(m) - 1, 0, 0, &h), ST_OK);
	ck_assert_uint_eq(h.n, 2);
	ck_assert(span_eq(h.f[0].name, "To"));
	ck_assert(h.flags & MAIL_HDR_NUL);
	buf_init(&v, 0);
	mail_hdr_unfold(h.f[1].raw, &v);
	ck_assert_uint_eq(v.len, 3);
	ck_assert_str_eq(buf_str(&v), "a b");
	ck_assert_str_eq(m + h.body_off, "body");
	buf_reset(&v);
	mail_hdr_free(&h);
}
END_TEST

START_TEST(hdr_orphan_fold_and_no_body)
{
	struct mail_hdr h;

	ck_assert_int_eq(mail_hdr_parse(" orphan\nA: b", 12, 0, 0, &h), ST_OK);
	ck_assert(h.flags & MAIL_HDR_ORPHAN_FOLD);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_uint_eq(h.body_off, 12);
	mail_hdr_free(&h);
	ck_assert_int_eq(mail_hdr_parse("", 0, 0, 0, &h), ST_OK);
	ck_assert_uint_eq(h.n, 0);
	mail_hdr_free(&h);
}
END_TEST

/* A header section of exactly `size` bytes made of long X- fields. */
static char *make_header(size_t size, size_t *n)
{
	char *m = malloc(size + 16);
	size_t pos = 0;

	while (pos < size) {
		size_t left = size - pos, line = left > 1000 ? 1000 : left;

		if (left - line > 0 && left - line < 5)
			line -= 5;                       /* keep the last line a valid field */
		memcpy(m + pos, "X-A: ", 5);
		memset(m + pos + 5, 'a', line - 6);
		m[pos + line - 1] = '\n';
		pos += line;
	}
	memcpy(m + pos, "\nbody", 5);
	*n = pos + 5;
	return m;
}

START_TEST(hdr_bytes_first_valid_first_invalid)
{
	struct mail_hdr h;
	size_t n;
	char *m = make_header(MAIL_MAX_HEADER_BYTES, &n);   /* 1 MiB: the cap itself */

	ck_assert_int_eq(mail_hdr_parse(m, n, 0, 0, &h), ST_OK);
	ck_assert_uint_eq(h.hdr_len, MAIL_MAX_HEADER_BYTES);
	mail_hdr_free(&h);
	free(m);
	m = make_header(MAIL_MAX_HEADER_BYTES + 1, &n);
	ck_assert_int_eq(mail_hdr_parse(m, n, 0, 0, &h), ST_TOOBIG);
	mail_hdr_free(&h);
	free(m);
	/* a 1 MB header section (10^6 bytes) is read */
	m = make_header(1000000, &n);
	ck_assert_int_eq(mail_hdr_parse(m, n, 0, 0, &h), ST_OK);
	mail_hdr_free(&h);
	free(m);
}
END_TEST

START_TEST(hdr_fields_first_valid_first_invalid)
{
	struct mail_hdr h;
	char m[64];

	snprintf(m, sizeof(m), "A: 1\nB: 2\nC: 3\n\n");
	ck_assert_int_eq(mail_hdr_parse(m, strlen(m), 0, 3, &h), ST_OK);
	mail_hdr_free(&h);
	ck_assert_int_eq(mail_hdr_parse(m, strlen(m), 0, 2, &h), ST_TOOBIG);
	mail_hdr_free(&h);
}
END_TEST

struct param_case {
	const char *v;
	const char *param;
	const char *out;              /* NULL: absent */
};

static const struct param_case param_cases[] = {
	{ "multipart/mixed; boundary=\"abc\"", "boundary", "abc" },
	{ "multipart/mixed; boundary =bar; other=foo", "boundary", "bar" },
	{ "text/plain; CHARSET=\"ISO-8859-1\"", "charset", "ISO-8859-1" },
	{ "text/plain; name=\"a\\\"b\"", "name", "a\"b" },
	{ "text/plain; charset=utf-8 (comment)", "charset", "utf-8" },
	{ "attachment; filename*=utf-8''f%C3%BCr.txt", "filename", "f\xc3\xbcr.txt" },
	{ "attachment; filename*0*=iso-8859-1'de'f%FC; filename*1=\"r.txt\"", "filename",
	  "f\xc3\xbcr.txt" },
	{ "attachment; filename*1=\"b\"; filename*0=\"a\"", "filename", "ab" },
	{ "attachment; filename=\"=?utf-8?B?w6k=?=.txt\"", "filename", "\xc3\xa9.txt" },
	{ "text/plain; charset", "charset", NULL },
	{ "text/plain", "charset", NULL },
	{ "text/plain; xcharset=a", "charset", NULL },
	{ "a; p=\"unterminated", "p", "unterminated" },
};

START_TEST(param_table)
{
	const struct param_case *c = &param_cases[_i];
	struct buf b;
	bool found;

	buf_init(&b, 0);
	found = mail_param(c->v, strlen(c->v), c->param, &b);
	if (!c->out) {
		ck_assert_msg(!found, "case %d", _i);
	} else {
		ck_assert_msg(found, "case %d", _i);
		ck_assert_msg(strcmp(buf_str(&b), c->out) == 0, "case %d: got '%s'", _i,
		              buf_str(&b));
	}
	buf_reset(&b);
}
END_TEST

/* ---- address lists ---- */

struct al_case {
	const char *in;
	const char *addrs;            /* "local@domain|local@domain" or "" */
	const char *display0;         /* display of the first entry, or NULL */
	unsigned flags0;              /* flags the first entry must have */
};

static const struct al_case al_cases[] = {
	{ "a@b.example", "a@b.example", NULL, 0 },
	{ "\"Mr. X\" <x@y.example>", "x@y.example", "Mr. X", MADDR_ANGLE },
	{ "\"\"Mr.Warren\"\"<test@c.example>", "test@c.example", NULL, MADDR_ANGLE },
	{ "\"Jacob\"<<>>", "", "Jacob", MADDR_EMPTY | MADDR_NESTED_ANGLE },
	{ "\"Sally\" <>", "", "Sally", MADDR_EMPTY },
	{ "\"Mrs. Bessel Harris   ONLINE\"", "", "Mrs. Bessel Harris   ONLINE", MADDR_EMPTY },
	{ "Undisclosed recipients:;", "", NULL, 0 },
	{ "team: a@b.example, c@d.example;, e@f.example", "a@b.example|c@d.example|e@f.example",
	  NULL, MADDR_GROUP },
	{ "a@b.example (Real Name)", "a@b.example", "Real Name", 0 },
	{ "x@y.example, \"Doe, John\" <j@d.example>", "x@y.example|j@d.example", NULL, 0 },
	{ "<@route.example,@r2.example:u@h.example>", "u@h.example", NULL, MADDR_ROUTE },
	{ "\"quoted local\"@q.example", "quoted local@q.example", NULL, MADDR_QUOTED_LOCAL },
	{ "=?UTF-8?Q?J=C3=B6rg?= <j@k.example>", "j@k.example", "J\xc3\xb6rg", 0 },
	{ "\"=?UTF-8?Q?J=C3=B6rg?=\" <j@k.example>", "j@k.example", "J\xc3\xb6rg", 0 },
	{ "\"support@bank.example\" <x@gmail.com>", "x@gmail.com", "support@bank.example",
	  MADDR_DISPLAY_ADDR },
	{ "Name <a@b.example", "a@b.example", "Name", MADDR_REPAIRED },       /* no '>' */
	{ "Name a@b.example", "a@b.example", "Name", MADDR_REPAIRED },        /* no brackets */
	{ "<a@b.example> trailing", "a@b.example", NULL, MADDR_REPAIRED },
	{ "Recipients <nemani@p.example>", "nemani@p.example", "Recipients", 0 },
	{ "a@b.example,,, ,c@d.example", "a@b.example|c@d.example", NULL, 0 },
	{ "(((unbalanced comment a@b.example", "", NULL, 0 },
	{ "\"unbalanced quote <a@b.example>", "", "unbalanced quote <a@b.example>",
	  MADDR_EMPTY },
	{ "", "", NULL, 0 },
};

START_TEST(addr_list_table)
{
	const struct al_case *c = &al_cases[_i];
	struct maddr_list l;
	struct buf got;
	size_t i;

	ck_assert_int_eq(maddr_parse(c->in, strlen(c->in), &l), ST_OK);
	buf_init(&got, 0);
	for (i = 0; i < l.n; i++) {
		if (l.a[i].flags & MADDR_EMPTY)
			continue;
		if (got.len)
			buf_addc(&got, '|');
		buf_printf(&got, "%s@%s", l.a[i].local, l.a[i].domain);
	}
	ck_assert_msg(strcmp(buf_str(&got), c->addrs) == 0, "case %d: got '%s'", _i,
	              buf_str(&got));
	if (c->display0) {
		ck_assert_msg(l.n > 0 && l.a[0].display && strcmp(l.a[0].display, c->display0) == 0,
		              "case %d: display '%s'", _i, l.n ? l.a[0].display : "(none)");
	}
	if (c->flags0)
		ck_assert_msg(l.n > 0 && (l.a[0].flags & c->flags0) == c->flags0,
		              "case %d: flags %x", _i, l.n ? l.a[0].flags : 0);
	buf_reset(&got);
	maddr_list_free(&l);
}
END_TEST

START_TEST(addr_list_cap)
{
	struct buf s;
	struct maddr_list l;
	size_t i;

	buf_init(&s, 0);
	for (i = 0; i < MAIL_MAX_LIST + 1; i++)
		buf_printf(&s, "u%zu@h.example,", i);
	ck_assert_int_eq(maddr_parse(buf_str(&s), s.len, &l), ST_OK);
	ck_assert_uint_eq(l.n, MAIL_MAX_LIST);
	ck_assert_uint_eq(l.dropped, 1);
	maddr_list_free(&l);
	buf_reset(&s);
}
END_TEST

START_TEST(addr_checks_first_valid_first_invalid)
{
	char local[MAIL_MAX_LOCAL + 2], dom[MAIL_MAX_DOMAIN + 8], label[MAIL_MAX_LABEL + 16];

	memset(local, 'a', sizeof(local));
	ck_assert_int_eq(maddr_check_local(local, MAIL_MAX_LOCAL), MADDR_OK);
	ck_assert_int_eq(maddr_check_local(local, MAIL_MAX_LOCAL + 1), MADDR_BAD_LOCAL);
	ck_assert_int_eq(maddr_check_local(".a", 2), MADDR_BAD_LOCAL);
	ck_assert_int_eq(maddr_check_local("a..b", 4), MADDR_BAD_LOCAL);
	ck_assert_int_eq(maddr_check_local("a(b", 3), MADDR_BAD_LOCAL);
	ck_assert_int_eq(maddr_check_local("m\xc3\xbcller", 7), MADDR_OK);
	ck_assert_int_eq(maddr_check_local("m\xfcller", 6), MADDR_BAD_LOCAL);
	/* label of 63 valid, 64 invalid */
	memset(label, 'b', MAIL_MAX_LABEL);
	memcpy(label + MAIL_MAX_LABEL, ".example", 9);
	ck_assert_int_eq(maddr_check_domain(label, strlen(label)), MADDR_OK);
	memset(label, 'b', MAIL_MAX_LABEL + 1);
	memcpy(label + MAIL_MAX_LABEL + 1, ".example", 9);
	ck_assert_int_eq(maddr_check_domain(label, strlen(label)), MADDR_BAD_DOMAIN);
	/* name of 253 valid, 254 invalid: 63.63.63.61 = 253 */
	memset(dom, 'c', sizeof(dom));
	dom[63] = dom[127] = dom[191] = '.';
	dom[253] = 0;
	memcpy(dom + 249, "abcd", 4);
	ck_assert_int_eq(maddr_check_domain(dom, 253), MADDR_OK);
	dom[253] = 'e';
	ck_assert_int_eq(maddr_check_domain(dom, 254), MADDR_BAD_DOMAIN);
	ck_assert_int_eq(maddr_check_domain("pot", 3), MADDR_NO_DOT);
	ck_assert_int_eq(maddr_check_domain("a.b", 3), MADDR_BAD_TLD);
	ck_assert_int_eq(maddr_check_domain("host.123", 8), MADDR_BAD_TLD);
	ck_assert_int_eq(maddr_check_domain("x.xn--p1ai", 10), MADDR_OK);
	ck_assert_int_eq(maddr_check_domain("\xd0\xbf.\xd1\x80\xd1\x84", 7), MADDR_OK);
	ck_assert_int_eq(maddr_check_domain("-a.example", 10), MADDR_BAD_DOMAIN);
	ck_assert_int_eq(maddr_check_domain("[192.0.2.1]", 11), MADDR_BAD_DOMAIN);
	ck_assert_int_eq(maddr_check_domain("a.example.", 10), MADDR_OK);
}
END_TEST

/* ---- scanner ---- */

struct scan_case {
	const char *text;
	const char *want;             /* hits joined with '|' (address:kind) */
};

static const struct scan_case scan_cases[] = {
	{ "write to john@crook.example now", "john@crook.example:0" },
	{ "(john@crook.example)", "john@crook.example:0" },
	{ "Email:john@crook.example.", "john@crook.example:0" },
	{ "mailto:john@crook.example?subject=x", "john@crook.example:1" },
	{ "mailto:john%40crook.example", "john@crook.example:1" },
	{ "john at crook dot example", "john@crook.example:2" },
	{ "john AT crook DOT example", "john@crook.example:2" },
	{ "john [at] crook [dot] example", "john@crook.example:2" },
	{ "john(at)crook(dot)example", "john@crook.example:2" },
	{ "john{at}crook{dot}example", "john@crook.example:2" },
	{ "john -at- crook -dot- example", "john@crook.example:2" },
	{ "john [@] crook [.] example", "john@crook.example:2" },
	{ "john @ crook.example", "john@crook.example:2" },
	{ "john @ crook . example", "john@crook.example:2" },
	{ "john at crook.example", "john@crook.example:2" },
	{ "john at gmail", "john@gmail.com:2" },
	{ "juan arroba crook punto example", "" },            /* "punto" is not a dot word */
	{ "juan arroba crook dot example", "juan@crook.example:2" },
	{ "ivan \xd1\x81\xd0\xbe\xd0\xb1\xd0\xb0\xd0\xba\xd0\xb0 crook "
	  "\xd1\x82\xd0\xbe\xd1\x87\xd0\xba\xd0\xb0 example", "ivan@crook.example:2" },
	{ "john\xef\xbc\xa0" "crook.example", "john@crook.example:0" },  /* fullwidth @ */
	{ "jo\xe2\x80\x8bhn@crook.example", "john@crook.example:0" },    /* zero-width */
	{ "john@\ncrook.example", "john@crook.example:0" },
	{ "john@crook.\nexample rest", "john@crook.example:0" },
	{ "look at google dot com", "" },                       /* stop word */
	{ "I arrived at the airport. Com", "" },
	{ "meet me @ 5pm", "" },
	{ "phishing@pot", "" },                                  /* single label */
	{ "a@b.c", "" },                                         /* one-letter TLD */
	{ "image001.png@01D9C257.6037E740", "" },
	{ "desk at claims.desk@gmail.com", "claims.desk@gmail.com:0" },
	{ "user@domain.com.If you", "user@domain.com:0" },
	{ "k\xc3\xb6nig@b\xc3\xbc" "cher.example", "k\xc3\xb6nig@b\xc3\xbc" "cher.example:0" },
	{ "\xef\xbc\x9ajohn@crook.example", "john@crook.example:0" },    /* fullwidth colon */
	{ "", "" },
};

static int scan_collect(void *ctx, const struct scan_hit *h)
{
	struct buf *b = ctx;

	if (b->len)
		buf_addc(b, '|');
	buf_printf(b, "%s:%d", h->addr, (int)h->kind);
	return 0;
}

START_TEST(scan_table)
{
	const struct scan_case *c = &scan_cases[_i];
	struct buf b;

	buf_init(&b, 0);
	ck_assert_int_eq(mail_scan(c->text, strlen(c->text), scan_collect, &b), ST_OK);
	ck_assert_msg(strcmp(buf_str(&b), c->want) == 0, "case %d '%s': got '%s'", _i, c->text,
	              buf_str(&b));
	buf_reset(&b);
}
END_TEST

static int scan_flags(void *ctx, const struct scan_hit *h)
{
	unsigned *f = ctx;

	*f = (h->in_url ? 1u : 0u) | (h->quoted ? 2u : 0u) | (h->attribution ? 4u : 0u) |
	     (h->msgid ? 8u : 0u);
	return 0;
}

START_TEST(scan_context_flags)
{
	unsigned f;
	const char *t;

	t = "go to http://u@host.example/path";
	f = 0;
	mail_scan(t, strlen(t), scan_flags, &f);
	ck_assert_uint_eq(f, 1);
	t = "> old text a@b.example";
	f = 0;
	mail_scan(t, strlen(t), scan_flags, &f);
	ck_assert_uint_eq(f, 2);
	t = "On Monday a@b.example wrote:";
	f = 0;
	mail_scan(t, strlen(t), scan_flags, &f);
	ck_assert_uint_eq(f, 4);
	t = "Message-ID: <x@y.example>";
	f = 0;
	mail_scan(t, strlen(t), scan_flags, &f);
	ck_assert_uint_eq(f, 8);
}
END_TEST

/* ---- mbox ---- */

START_TEST(mbox_split)
{
	static const char in[] =
		"From a@b Mon Jan  1 00:00:00 2026\nSubject: 1\n\nbody\nFrom here, no blank before\n>From quoted\n\n"
		"From c@d Mon Jan  1 00:00:01 2026\r\nSubject: 2\r\n\r\nbody\r\n\r\n"
		"From e@f Mon Jan  1 00:00:02 2026\nSubject: 3\n\nlast";
	struct mbox_iter it;
	struct mbox_msg m;
	struct buf b;

	mbox_init(&it, in, sizeof(in) - 1);
	ck_assert(it.is_mbox);
	ck_assert(mbox_next(&it, &m));
	ck_assert(m.escaped);
	ck_assert_uint_eq(m.len, strlen("Subject: 1\n\nbody\nFrom here, no blank before\n>From quoted\n"));
	ck_assert(strncmp(m.from_line, "From a@b Mon", 12) == 0);
	buf_init(&b, 0);
	ck_assert_int_eq(mbox_unescape(&m, &b), ST_OK);
	ck_assert(strstr(buf_str(&b), "\nFrom quoted\n") != NULL);
	buf_reset(&b);
	ck_assert(mbox_next(&it, &m));
	ck_assert(strncmp(m.raw, "Subject: 2\r\n", 12) == 0);
	ck_assert(m.raw[m.len - 1] == '\n' && m.raw[m.len - 2] == '\r' && m.raw[m.len - 3] == 'y');
	ck_assert(mbox_next(&it, &m));
	ck_assert_uint_eq(m.index, 3);
	ck_assert(strncmp(m.raw + m.len - 4, "last", 4) == 0);
	ck_assert(!mbox_next(&it, &m));
	/* not an mbox: one message, all bytes */
	mbox_init(&it, "Subject: x\n\nFrom me\n", 20);
	ck_assert(!it.is_mbox);
	ck_assert(mbox_next(&it, &m) && m.len == 20);
	ck_assert(!mbox_next(&it, &m));
	mbox_init(&it, "", 0);
	ck_assert(!mbox_next(&it, &m));
}
END_TEST

/* ---- MIME walker ---- */

struct walk_log {
	struct buf text;
	struct buf notes;
	unsigned headers;
	unsigned leaves;
};

static int log_headers(void *ctx, const char *msg, const struct mail_hdr *h,
                       const struct mime_part_info *pi)
{
	struct walk_log *w = ctx;

	(void)msg;
	(void)h;
	(void)pi;
	w->headers++;
	return 0;
}

static int log_text(void *ctx, const char *t, size_t n, const struct mime_part_info *pi)
{
	struct walk_log *w = ctx;

	w->leaves++;
	buf_printf(&w->text, "[%s %s]", pi->path, pi->type);
	buf_add(&w->text, t, n);
	return 0;
}

static void log_note(void *ctx, const char *note)
{
	struct walk_log *w = ctx;

	buf_printf(&w->notes, "%s\n", note);
}

static int walk(const char *m, size_t n, const struct mime_limits *lim, struct walk_log *w)
{
	struct mime_cb cb = { w, log_headers, log_text, log_note };

	memset(w, 0, sizeof(*w));
	buf_init(&w->text, 0);
	buf_init(&w->notes, 0);
	return mime_walk(m, n, lim, &cb);
}

static void walk_free(struct walk_log *w)
{
	buf_reset(&w->text);
	buf_reset(&w->notes);
}

/* depth levels of multipart nesting around one text part */
static char *nest(unsigned depth, size_t *n)
{
	struct buf b;
	unsigned i;

	buf_init(&b, 0);
	buf_adds(&b, "Subject: bomb\n");
	for (i = 0; i < depth; i++)
		buf_printf(&b, "Content-Type: multipart/mixed; boundary=\"b%u\"\n\n--b%u\n", i, i);
	buf_adds(&b, "Content-Type: text/plain\n\ndeep@crook.example\n");
	for (i = depth; i-- > 0;)
		buf_printf(&b, "--b%u--\n", i);
	return buf_steal(&b, n);
}

START_TEST(mime_depth_first_valid_first_invalid)
{
	struct mime_limits lim;
	struct walk_log w;
	size_t n;
	char *m;

	memset(&lim, 0, sizeof(lim));
	m = nest(MIME_MAX_DEPTH, &n);         /* leaf at depth 16: read */
	ck_assert_int_eq(walk(m, n, &lim, &w), ST_OK);
	ck_assert_uint_eq(w.leaves, 1);
	ck_assert(strstr(buf_str(&w.text), "deep@crook.example") != NULL);
	walk_free(&w);
	free(m);
	m = nest(MIME_MAX_DEPTH + 1, &n);     /* one level more: skipped with a note */
	ck_assert_int_eq(walk(m, n, &lim, &w), ST_OK);
	ck_assert_uint_eq(w.leaves, 0);
	ck_assert(strstr(buf_str(&w.notes), "nesting deeper than 16") != NULL);
	walk_free(&w);
	free(m);
	m = nest(5000, &n);                   /* a nesting bomb */
	ck_assert_int_eq(walk(m, n, &lim, &w), ST_OK);
	ck_assert_uint_eq(w.leaves, 0);
	walk_free(&w);
	free(m);
}
END_TEST

START_TEST(mime_parts_first_valid_first_invalid)
{
	struct mime_limits lim;
	struct walk_log w;
	struct buf b;
	unsigned i;

	memset(&lim, 0, sizeof(lim));
	lim.max_parts = 3;
	buf_init(&b, 0);
	buf_adds(&b, "Content-Type: multipart/mixed; boundary=x\n\n");
	for (i = 0; i < 3; i++)
		buf_printf(&b, "--x\n\npart%u\n", i);
	buf_adds(&b, "--x--\n");
	ck_assert_int_eq(walk((const char *)b.data, b.len, &lim, &w), ST_OK);
	ck_assert_uint_eq(w.leaves, 3);
	walk_free(&w);
	lim.max_parts = 2;
	ck_assert_int_eq(walk((const char *)b.data, b.len, &lim, &w), ST_OK);
	ck_assert_uint_eq(w.leaves, 2);
	ck_assert(strstr(buf_str(&w.notes), "more than 2 MIME parts") != NULL);
	walk_free(&w);
	buf_reset(&b);
}
END_TEST

struct mime_case {
	const char *msg;
	const char *text;             /* expected concatenated leaves */
	const char *note;             /* a note that must appear, or NULL */
	unsigned headers;
};

static const struct mime_case mime_cases[] = {
	/* plain, no MIME headers at all */
	{ "Subject: a\n\nhello\n", "[ text/plain]hello\n", NULL, 1 },
	/* missing boundary in the body: read as text */
	{ "Content-Type: multipart/mixed; boundary=zz\n\nno parts here\n",
	  "[ multipart/mixed]no parts here\n", "without a usable boundary", 1 },
	/* no boundary parameter at all */
	{ "Content-Type: multipart/mixed\n\n--x\n\nt\n", "[ multipart/mixed]--x\n\nt\n",
	  "without a usable boundary", 1 },
	/* close delimiter missing */
	{ "Content-Type: multipart/mixed; boundary=x\n\n--x\n\nopen part\n",
	  "[1 text/plain]open part\n", "not closed", 1 },
	/* duplicate Content-Type: the one whose boundary occurs wins */
	{ "Content-Type: multipart/related; boundary=bar\nContent-Type: multipart/alternative;"
	  " boundary=\"foo\"\n--foo\nContent-Type: text/plain\n\nfound\n--foo--\n",
	  "[1 text/plain]found", NULL, 1 },
	/* boundary sharing a prefix with the inner one */
	{ "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/mixed;"
	  " boundary=b2\n\n--b2\n\ninner\n--b2--\n--b\n\nouter\n--b--\n",
	  "[1.1 text/plain]inner[2 text/plain]outer", NULL, 1 },
	/* message/rfc822 part, base64-encoded */
	{ "Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: message/rfc822\n"
	  "Content-Transfer-Encoding: base64\n\nU3ViamVjdDogaW5uZXIKCmlubmVyIHRleHQK\n--m--\n",
	  "[1 text/plain]inner text\n", NULL, 2 },
	/* HTML without Content-Type is sniffed */
	{ "Subject: x\n\n<html><body>hi<br>there</body></html>",
	  "[ text/plain]\n\nhi\nthere\n\n", NULL, 1 },
	/* non-text parts are not scanned */
	{ "Content-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: image/png\n\nPNG\n"
	  "--q\nContent-Type: application/octet-stream\n\nbin\n--q--\n", "", NULL, 1 },
	/* unknown transfer encoding */
	{ "Content-Transfer-Encoding: x-uuencode\n\nabc", "[ text/plain]abc", "unknown transfer",
	  1 },
	/* unknown charset passed through, with a note */
	{ "Content-Type: text/plain; charset=gb2312\n\nabc", "[ text/plain]abc",
	  "not decoded", 1 },
	/* base64 junk note */
	{ "Content-Transfer-Encoding: base64\n\naGVs*bG8=", "[ text/plain]hello", "junk", 1 },
	/* NUL bytes in the body and header */
	{ "Subject: a\0b\n\nx\0y", "[ text/plain]x\xef\xbf\xbdy", "NUL", 1 },
	/* multipart/digest parts default to message/rfc822 */
	{ "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: s\n\nd1\n--d--\n",
	  "[1 text/plain]d1", NULL, 2 },
};

START_TEST(mime_table)
{
	const struct mime_case *c = &mime_cases[_i];
	struct walk_log w;
	size_t n = strlen(c->msg);

	if (strstr(c->msg, "Subject: a") == c->msg && c->msg[10] == 0)
		n = 17;                       /* the NUL case: explicit length */
	ck_assert_int_eq(walk(c->msg, n, NULL, &w), ST_OK);
	ck_assert_msg(strcmp(buf_str(&w.text), c->text) == 0, "case %d: got '%s'", _i,
	              buf_str(&w.text));
	if (c->note)
		ck_assert_msg(strstr(buf_str(&w.notes), c->note) != NULL, "case %d: notes '%s'", _i,
		              buf_str(&w.notes));
	ck_assert_uint_eq(w.headers, c->headers);
	walk_free(&w);
}
END_TEST

START_TEST(mime_top_header_cap)
{
	struct mime_limits lim;
	struct walk_log w;
	static const char m[] = "Subject: 0123456789\n\nbody";

	memset(&lim, 0, sizeof(lim));
	lim.max_header = 20;                  /* "Subject: 0123456789\n" is 20 bytes */
	ck_assert_int_eq(walk(m, sizeof(m) - 1, &lim, &w), ST_OK);
	walk_free(&w);
	lim.max_header = 19;
	ck_assert_int_eq(walk(m, sizeof(m) - 1, &lim, &w), ST_TOOBIG);
	ck_assert_uint_eq(w.leaves, 0);
	walk_free(&w);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mail");
	TCase *tc = tcase_create("decoders");

	tcase_add_loop_test(tc, qp_table, 0, (int)(sizeof(qp_cases) / sizeof(qp_cases[0])));
	tcase_add_loop_test(tc, b64_table, 0, (int)(sizeof(b64_cases) / sizeof(b64_cases[0])));
	tcase_add_test(tc, decoder_ceiling);
	tcase_add_loop_test(tc, charset_table, 0, (int)(sizeof(cs_cases) / sizeof(cs_cases[0])));
	tcase_add_test(tc, charset_names);
	tcase_add_loop_test(tc, rfc2047_table, 0, (int)(sizeof(ew_cases) / sizeof(ew_cases[0])));
	tcase_add_loop_test(tc, html_table, 0, (int)(sizeof(html_cases) / sizeof(html_cases[0])));
	tcase_add_test(tc, html_tag_bomb_is_linear);
	suite_add_tcase(s, tc);
	tc = tcase_create("headers");
	tcase_add_test(tc, hdr_basic);
	tcase_add_test(tc, hdr_obs_blank_before_colon_and_nul);
	tcase_add_test(tc, hdr_orphan_fold_and_no_body);
	tcase_add_test(tc, hdr_bytes_first_valid_first_invalid);
	tcase_add_test(tc, hdr_fields_first_valid_first_invalid);
	tcase_add_loop_test(tc, param_table, 0, (int)(sizeof(param_cases) / sizeof(param_cases[0])));
	tcase_add_loop_test(tc, addr_list_table, 0, (int)(sizeof(al_cases) / sizeof(al_cases[0])));
	tcase_add_test(tc, addr_list_cap);
	tcase_add_test(tc, addr_checks_first_valid_first_invalid);
	suite_add_tcase(s, tc);
	tc = tcase_create("scanner");
	tcase_add_loop_test(tc, scan_table, 0, (int)(sizeof(scan_cases) / sizeof(scan_cases[0])));
	tcase_add_test(tc, scan_context_flags);
	suite_add_tcase(s, tc);
	tc = tcase_create("structure");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, mbox_split);
	tcase_add_test(tc, mime_depth_first_valid_first_invalid);
	tcase_add_test(tc, mime_parts_first_valid_first_invalid);
	tcase_add_loop_test(tc, mime_table, 0, (int)(sizeof(mime_cases) / sizeof(mime_cases[0])));
	tcase_add_test(tc, mime_top_header_cap);
	suite_add_tcase(s, tc);
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
