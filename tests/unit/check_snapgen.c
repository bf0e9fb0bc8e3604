/* Unit tests for the snapshot generator: every malformed-input path, defects, determinism. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/data/snap_int.h"
#include "buf.h"
#include "sha256.h"
#include "snap.h"
#include "snap_build.h"
#include "status.h"

#define FIXTURE "tests/data/snapmin"
#define SHARED "../shared/data"

/* ---- a scratch copy of the fixture tree ---- */

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char b[8192];
	size_t n;

	ck_assert_msg(in && out, "copy %s -> %s", from, to);
	while ((n = fread(b, 1, sizeof(b), in)) > 0)
		ck_assert_uint_eq(fwrite(b, 1, n, out), n);
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
}

static void copy_tree(const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *e;

	ck_assert_msg(d != NULL, "%s: %s", from, strerror(errno));
	mkdir(to, 0700);
	while ((e = readdir(d)) != NULL) {
		char a[1024], b[1024];
		struct stat sb;

		if (e->d_name[0] == '.')
			continue;
		snprintf(a, sizeof(a), "%s/%s", from, e->d_name);
		snprintf(b, sizeof(b), "%s/%s", to, e->d_name);
		ck_assert_int_eq(stat(a, &sb), 0);
		if (S_ISDIR(sb.st_mode))
			copy_tree(a, b);
		else
			copy_file(a, b);
	}
	closedir(d);
}

static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d) {
		unlink(path);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char p[1024];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		remove_tree(p);
	}
	closedir(d);
	rmdir(path);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long len;

	ck_assert_msg(f != NULL, "%s", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)len + 1);
	ck_assert_uint_eq(fread(p, 1, (size_t)len, f), (size_t)len);
	p[len] = 0;
	fclose(f);
	*n = (size_t)len;
	return p;
}

static void spit(const char *path, const char *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, n, f), n);
	fclose(f);
}

/* Replace the first occurrence of find (which must exist) in dir/file; NULL find: whole. */
static void mutate(const char *dir, const char *file, const char *find, const char *repl)
{
	char path[1024];
	size_t n, fl, rl;
	char *d, *at, *out;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (!find) {
		spit(path, repl, strlen(repl));
		return;
	}
	d = slurp(path, &n);
	at = strstr(d, find);
	ck_assert_msg(at != NULL, "'%s' not in %s", find, file);
	fl = strlen(find);
	rl = strlen(repl);
	out = malloc(n - fl + rl + 1);
	memcpy(out, d, (size_t)(at - d));
	memcpy(out + (at - d), repl, rl);
	memcpy(out + (at - d) + rl, at + fl, n - (size_t)(at - d) - fl);
	spit(path, out, n - fl + rl);
	free(out);
	free(d);
}

static char scratch[64];

static void scratch_new(void)
{
	snprintf(scratch, sizeof(scratch), "/tmp/mxt-snapgen-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(scratch));
	rmdir(scratch);
	copy_tree(FIXTURE, scratch);
}

static void scratch_done(void)
{
	remove_tree(scratch);
}

static int build(const struct snap_build_opts *in, struct buf *msg, uint8_t **out, size_t *n)
{
	struct snap_build_opts o = *in;
	uint8_t *d = NULL;
	size_t len = 0;
	int st;

	if (!o.from)
		o.from = scratch;
	buf_clear(msg);
	st = snap_build_mem(&o, &d, &len, msg);
	if (out) {
		*out = d;
		*n = len;
	} else {
		free(d);
	}
	return st;
}

/* ---- malformed inputs: one mutation (or two), the status and message expected ---- */

struct mcase {
	const char *file, *find, *repl;
	const char *file2, *find2, *repl2;
	int st;
	const char *want;           /* substring of the message, "path:line: reason" */
};

#define X4 "iana/ipv4-address-space.xml"
#define XR "iana/ipv4-recovered-address-space.xml"
#define X6 "iana/ipv6-address-space.xml"
#define XU "iana/ipv6-unicast-address-assignments.xml"
#define XS4 "iana/iana-ipv4-special-registry.xml"
#define XS6 "iana/iana-ipv6-special-registry.xml"
#define XA "iana/as-numbers.xml"
#define XAS "iana/iana-as-numbers-special-registry.xml"
#define RA "rir/delegated-arin-20130813"
#define RI "rir/delegated-iana-20190911"
#define J4 "iana/rdap/ipv4.json"
#define J6 "iana/rdap/ipv6.json"
#define JA "iana/rdap/asn.json"
#define JD "iana/rdap/dns.json"
#define CSV "whois-servers/iana-root-db/tld-whois-rdap.csv"
#define TL "iana/tlds-alpha-by-domain.txt"
#define PSL "dns/public_suffix_list.dat"
#define ROOT "dns/named.root"
#define SD "SOURCE-DATES"
#define ARIN1 "2|arin|20130813|7|00000000|20130812|-0400"
#define ARIN5 "arin|US|asn|1|1|20010920|allocated"
#define M(f, a, b, st, w) { f, a, b, NULL, NULL, NULL, st, w }
#define MM ST_MALFORMED

static const struct mcase cases[] = {
	/* IANA XML registries: fields */
	M(X4, "<prefix>000/8</prefix>", "", MM, X4 ":6: <record> has no <prefix>"),
	M(X4, "<designation>APNIC</designation>", "<designation> </designation>", MM,
	  X4 ":15: <designation> is empty"),
	M(X4, "<prefix>001/8</prefix>", "<prefix>256/8</prefix>", MM, X4 ":13: bad prefix '256/8'"),
	M(X4, "<prefix>001/8</prefix>", "<prefix>001/9</prefix>", MM, X4 ":13: bad prefix '001/9'"),
	M(X4, "<prefix>001/8</prefix>", "<prefix>1.0.0.1/24</prefix>", MM,
	  X4 ":13: bad prefix '1.0.0.1/24'"),
	M(X4, "<status>ALLOCATED</status>", "<status>allocated</status>", MM,
	  X4 ":21: bad status 'allocated'"),
	M(X4, "<status>RESERVED</status>", "", MM, X4 ":6: <record> has no <status>"),
	M(X4, "<date>2010-01</date>", "<date>2010-13</date>", MM, X4 ":13: bad date '2010-13'"),
	M(X4, "<whois>whois.apnic.net</whois>", "<whois>whois apnic</whois>", MM,
	  X4 ":17: bad WHOIS server 'whois apnic'"),
	M(X4, "<server>https://rdap.apnic.net/</server>", "<server>ftp://x/</server>", MM,
	  X4 ":19: bad RDAP server 'ftp://x/'"),
	M(X4, "<server>https://rdap.apnic.net/</server>", "<srv>https://rdap.apnic.net/</srv>", MM,
	  X4 ":19: bad RDAP server 'srv'"),
	M(X4, "<updated>2025-10-10</updated>", "", MM, X4 ":3: no <updated> date"),
	M(X4, "<updated>2025-10-10</updated>", "<updated>2025-10-32</updated>", MM,
	  X4 ":5: bad <updated> date '2025-10-32'"),
	M(X4, NULL, "<root><updated>2025-01-01</updated></root>", MM,
	  X4 ":1: root element is not <registry>"),
	/* IANA XML: syntax */
	M(X4, "<title>IPv4 Address Space</title>", "<title>a &foo; b</title>", MM,
	  X4 ":4: unknown entity '&foo;'"),
	M(X4, "<title>IPv4 Address Space</title>", "<title>a &amp b</title>", MM,
	  X4 ":4: unterminated entity reference"),
	M(X4, "<title>IPv4 Address Space</title>", "<title>&#xZZ;</title>", MM,
	  X4 ":4: bad character reference"),
	M(X4, "(written for mxtrace). -->", "(written for mxtrace). --", MM,
	  X4 ":2: unterminated comment"),
	M(X4, "<?xml version='1.0' encoding='UTF-8'?>", "<?xml version='1.0'", MM,
	  X4 ":1: unterminated processing instruction"),
	M(X4, "<!-- Test", "<!DOCTYPE registry>\n<!-- Test", MM,
	  X4 ":2: DOCTYPE and declarations not supported"),
	M(X4, "</record>\n</registry>", "</record>\n", MM, "end of file inside <registry> (line 3)"),
	M(X4, "</record>", "</recrod>", MM, X4 ":12: expected </record> for line 6"),
	M(X4, "<title>IPv4 Address Space</title>", "<title><![CDATA[abc</title>", MM,
	  X4 ":4: unterminated CDATA section"),
	M(X4, "<title>IPv4 Address Space</title>", "<title><?pi</title>", MM,
	  X4 ":4: unterminated processing instruction"),
	M(X4, "<title>IPv4 Address Space</title>", "<title><!-- x</title>", MM,
	  X4 ":4: unterminated comment"),
	M(X4, "<title>IPv4 Address Space</title>", "< title>x</title>", MM,
	  X4 ":4: bad element name"),
	M(X4, "<record>", "<record a>", MM, X4 ":6: bad attribute in <record>"),
	M(X4, "<record>", "<record a=b>", MM, X4 ":6: attribute a: value not quoted"),
	M(X4, "<record>", "<record a=\"b>", MM, "attribute a: unterminated value"),
	M(X4, "<record>", "<record a=\"&bad;\">", MM, X4 ":6: unknown entity '&bad;'"),
	M(X4, "</registry>", "</registry>\n<x/>", MM, X4 ":113: content after the root element"),
	M(X4, NULL, "", MM, X4 ":1: expected an element"),
	/* recovered space */
	M(XR, "<start>43.0.0.0</start>", "<start>43.0.0</start>", MM,
	  XR ":6: bad range '43.0.0' - '43.0.0.255'"),
	M(XR, "<end>43.0.0.255</end>", "<end>42.0.0.255</end>", MM,
	  XR ":6: bad range '43.0.0.0' - '42.0.0.255'"),
	M(XR, "<returned>APNIC</returned>", "", MM, XR ":6: <record> has no <returned>"),
	M(XR, "<end>43.0.0.255</end>", "", MM, XR ":6: <record> has no <end>"),
	M(XR, "<designation>APNIC</designation>", "", MM, XR ":15: <record> has no <designation>"),
	M(XR, "id=\"ipv4-recovered-address-space-2\"", "id=\"x\"", MM,
	  XR ":2: no <registry id=\"ipv4-recovered-address-space-2\">"),
	M(XR, "<end>43.231.255.255</end>", "<end>43.232.0.0</end>", ST_OK, ""),
	/* IPv6 tables */
	M(X6, "<prefix>2000::/3</prefix>", "<prefix>2000::/2</prefix>", MM,
	  X6 ":11: bad prefix '2000::/2'"),
	M(X6, "<description>Global Unicast</description>", "", MM,
	  X6 ":11: <record> has no <description>"),
	M(X6, "id=\"ipv6-address-space-1\"", "id=\"ipv6\"", MM,
	  X6 ":2: no <registry id=\"ipv6-address-space-1\">"),
	M(XU, "<prefix>2001:200::/23</prefix>", "<prefix>2001:200::/129</prefix>", MM,
	  XU ":11: bad prefix '2001:200::/129'"),
	M(XU, "<prefix>2001:200::/23</prefix>", "<prefix>2001::/22</prefix>", MM,
	  XU ":11: overlaps the record at " XU ":5"),
	M(XU, "<description>ARIN</description>", "", MM, XU ":20: <record> has no <description>"),
	/* special-purpose registries */
	M(XS4, "<global>False</global>", "<global>Maybe</global>", MM,
	  XS4 ":14: <global>: expected True, False or N/A, not 'Maybe'"),
	M(XS4, "<address>10.0.0.0/8</address>", "<address>10.0.0.0/4</address>", MM,
	  XS4 ":17: bad address block '10.0.0.0/4'"),
	M(XS4, "<allocation>1996-02</allocation>", "<allocation>02-1996</allocation>", MM,
	  XS4 ":17: bad allocation or termination date"),
	M(XS4, "192.0.0.171/32", "192.0.0.271/32", MM, XS4 ":61: bad address block '192.0.0.271/32'"),
	M(XS4, "id=\"iana-ipv4-special-registry-1\"", "id=\"v4\"", MM,
	  XS4 ":2: no <registry id=\"iana-ipv4-special-registry-1\">"),
	M(XS4, "<name>Private-Use</name>", "", MM, XS4 ":17: <record> has no <name>"),
	M(XS6, "<address>::1/128</address>", "<address>::1/127</address>", MM,
	  XS6 ":6: bad address block '::1/127'"),
	/* AS numbers */
	M(XA, "<number>1877-1901</number>", "<number>1901-1877</number>", MM,
	  XA ":20: bad AS number range '1901-1877'"),
	M(XA, "<number>65535</number>", "<number>65535x</number>", MM,
	  XA ":38: bad AS number range '65535x'"),
	M(XA, "<number>1877-1901</number>", "<number>1870-1901</number>", MM,
	  XA ":20: overlaps the record at " XA ":12"),
	M(XA, "<description>Reserved</description>", "", MM, XA ":7: <record> has no <description>"),
	M(XA, "id=\"as-numbers-2\"", "id=\"as2\"", MM, XA ":2: no <registry id=\"as-numbers-2\">"),
	M(XAS, "<value>112</value>", "<value>-1</value>", MM, XAS ":11: bad AS number range '-1'"),
	M(XAS, "<name>Used by the AS112 project</name>", "", MM, XAS ":11: <record> has no <name>"),
	M(XAS, "id=\"special-purpose-as-numbers\"", "id=\"sp\"", MM,
	  XAS ":2: no <registry id=\"special-purpose-as-numbers\">"),
	/* registry servers must come from the IANA tables */
	{ X4, "<designation>AFRINIC</designation>", "<designation>AfriNIC</designation>",
	  XU, "<description>AFRINIC</description>", "<description>AfriNIC</description>", MM,
	  "no IANA block designated 'AFRINIC' with a WHOIS server" },
	/* RIR statistics */
	M(RA, ARIN1, "2|arin|20130813|7", MM, RA ":1: expected the version line"),
	M(RA, ARIN1, "3|arin|20130813|7|00000000|20130812|-0400", MM,
	  RA ":1: unsupported format version '3'"),
	M(RA, ARIN1, "2|apnic|20130813|7|00000000|20130812|-0400", MM,
	  RA ":1: registry 'apnic' does not match the file name"),
	M(RA, ARIN1, "2|arin|2013|7|00000000|2013|-0400", MM, RA ":1: no date in the version line"),
	M(RA, ARIN1, "2|arin|20130813|x|00000000|20130812|-0400", MM,
	  RA ":1: bad record count 'x'"),
	M(RA, "arin|*|asn|*|2|summary", "arin|*|asx|*|2|summary", MM, RA ":2: bad summary line"),
	M(RA, ARIN5, "arin|US|asn|1|1|20010920", MM,
	  RA ":5: expected REGISTRY|CC|TYPE|START|VALUE|DATE|STATUS[|ID...]"),
	M(RA, ARIN5, "apnic|US|asn|1|1|20010920|allocated", MM,
	  RA ":5: registry 'apnic' in a file of 'arin'"),
	M(RA, ARIN5, "arin|us|asn|1|1|20010920|allocated", MM, RA ":5: bad country code 'us'"),
	M(RA, ARIN5, "arin|US|asx|1|1|20010920|allocated", MM, RA ":5: unknown type 'asx'"),
	M(RA, ARIN5, "arin|US|asn|1|1|20011320|allocated", MM, RA ":5: bad date '20011320'"),
	M(RA, ARIN5, "arin|US|asn|1|1|20010920|allocatd", MM, RA ":5: bad status 'allocatd'"),
	M(RA, ARIN5, "arin|US|asn|x|1|20010920|allocated", MM, RA ":5: bad AS number 'x'"),
	M(RA, ARIN5, "arin|US|asn|2|4294967295|20010920|allocated", MM,
	  RA ":5: bad AS number count '4294967295'"),
	M(RA, "8.0.0.0|", "8.0.0|", MM, RA ":7: bad IPv4 address '8.0.0'"),
	M(RA, "8.0.0.0|16777216|", "8.0.0.0|0|", MM, RA ":7: bad address count '0'"),
	M(RA, "192.0.4.0|768|", "255.255.255.0|512|", MM, RA ":10: bad address count '512'"),
	M(RA, "2001:400::|32|", "2001:4zz::|32|", MM, RA ":11: bad IPv6 address '2001:4zz::'"),
	M(RA, "2001:400::|32|", "2001:400::|129|", MM, RA ":11: bad prefix length '129'"),
	M(RA, "2001:400::|32|", "2001:401::|16|", MM,
	  RA ":11: '2001:401::/16' has bits set after the prefix"),
	M(RA, "arin|US|ipv6|", "arin|US|ipv4|8.1.0.0|256|19921201|allocated\narin|US|ipv6|", MM,
	  RA ":11: overlaps the record at " RA ":7"),
	M(RA, NULL, "# only a comment\n", MM, RA ": no version line: not a delegated statistics file"),
	M(RI, "|ietf\n", "|ietff\n", MM, RI ":6: bad status 'ietff'"),
	/* RDAP bootstrap */
	M(J4, NULL, "[]", MM, J4 ":1: not a JSON object"),
	M(J4, "\"2019-06-07T19:00:02Z\"", "\"soon\"", MM, J4 ":3: no valid \"publication\" date"),
	M(J4, "\"services\"", "\"servicez\"", MM, J4 ":1: no \"services\" array"),
	M(J4, "[\"41.0.0.0/8\"]", "[\"41.0.0.0/7\"]", MM, J4 ":6: bad prefix '41.0.0.0/7'"),
	M(J4, "[\"41.0.0.0/8\"]", "[41]", MM, J4 ":6: entries must be strings"),
	M(J4, "[\"41.0.0.0/8\"],", "[\"41.0.0.0/8\"], [],", MM,
	  J4 ":5: a service must be [[entries], [URLs]]"),
	M(J4, "\"https://rdap.afrinic.net/rdap/\", \"http://rdap.afrinic.net/rdap/\"", "", MM,
	  J4 ":7: expected an array of URLs"),
	M(J4, "\"https://rdap.afrinic.net/rdap/\"", "\"rdap.afrinic.net\"", MM,
	  J4 ":7: bad URL 'rdap.afrinic.net'"),
	M(JA, "\"131072-132095\"", "\"132095-131072\"", MM,
	  JA ":5: bad AS number range '132095-131072'"),
	M(JA, "\"1877-1901\"", "\"AS1877\"", MM, JA ":7: bad AS number range 'AS1877'"),
	M(JD, "\"com\", \"net\"", "\"com\", \"n_t\"", MM, JD ":5: bad TLD 'n_t'"),
	/* JSON syntax */
	M(J6, NULL, "{\"a\": \"b", MM, J6 ":1: unterminated string"),
	M(J6, NULL, "{\"a\": \"b\\", MM, J6 ":1: unterminated string"),
	M(J6, NULL, "{\"a\": \"\\u12\"}", MM, J6 ":1: bad \\u escape"),
	M(J6, NULL, "{\"a\": \"\\ud800\"}", MM, J6 ":1: unpaired surrogate"),
	M(J6, NULL, "{\"a\": \"\\udc00\"}", MM, J6 ":1: unpaired surrogate"),
	M(J6, NULL, "{\"a\": \"\\q\"}", MM, J6 ":1: bad escape '\\q'"),
	M(J6, NULL, "{\"a\": \"x\ty\"}", MM, J6 ":1: control character in a string"),
	M(J6, NULL, "{\"a\": \"\xff\"}", MM, J6 ":1: string too long or not UTF-8"),
	M(J6, NULL, "{1: 2}", MM, J6 ":1: expected a member name"),
	M(J6, NULL, "{\"a\" 2}", MM, J6 ":1: expected ':'"),
	M(J6, NULL, "{\"a\": 2\n \"b\"}", MM, J6 ":2: expected ',' or '}'"),
	M(J6, NULL, "{\"a\": [1 2]}", MM, J6 ":1: expected ',' or ']'"),
	M(J6, NULL, "{\"a\": ", MM, J6 ":1: unexpected end of file"),
	M(J6, NULL, "{\"a\": @}", MM, J6 ":1: unexpected character '@'"),
	M(J6, NULL, "{}\nx", MM, J6 ":2: content after the JSON value"),
	M(J6, NULL, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	  MM, J6 ":1: nested too deeply"),
	/* the root zone database as CSV */
	M(CSV, "whois_server", "whois", MM, CSV ":1: no column 'whois_server' in the header"),
	M(CSV, "abarth,gtld,generic,false,,,", "abarth,gtld,generic,false,,", MM,
	  CSV ":3: expected 7 fields, found 6"),
	M(CSV, "abarth,gtld,generic,false,,,", "abarth,gtld,generic,false,,,,,", MM,
	  CSV ":3: more than 8 fields or a field too long"),
	M(CSV, "abarth,", "ab_arth,", MM, CSV ":3: bad TLD 'ab_arth'"),
	M(CSV, "abarth,gtld,generic,false", "abarth,gtld,generic,no", MM,
	  CSV ":3: delegated must be true or false, not 'no'"),
	M(CSV, "whois.denic.de", "whois..denic.de", MM, CSV ":7: bad WHOIS server 'whois..denic.de'"),
	M(CSV, "https://rdap.denic.de", "rdap.denic.de", MM, CSV ":7: bad RDAP URL 'rdap.denic.de'"),
	M(CSV, "Information Center (CNNIC)\"", "Information Center (CNNIC)", MM,
	  CSV ":12: unterminated quoted field"),
	M(CSV, "\"Telecom Cook Islands\"", "Telecom \"Cook\" Islands", MM,
	  CSV ":4: quote inside an unquoted field"),
	M(CSV, "\"Telecom Cook Islands\"", "\"Telecom Cook\" Islands", MM,
	  CSV ":4: text after a closing quote"),
	M(CSV, "de,cctld", "com,gtld,generic,true,,,x\nde,cctld", MM, CSV ":7: TLD com listed twice"),
	M(CSV, NULL, "", MM, CSV ": empty file"),
	/* IANA's TLD list */
	M(TL, "# Version 2026072401", "# Versio 2026072401", MM,
	  TL ":1: expected '# Version YYYYMMDDNN, ...'"),
	M(TL, "\nCK\n", "\nC_K\n", MM, TL ":3: bad TLD 'C_K'"),
	M(TL, NULL, "", MM, TL ": empty file"),
	/* Public Suffix List */
	M(PSL, "*.sch.uk", "a.*.sch.uk", MM, PSL ":10: bad rule 'a.*.sch.uk'"),
	M(PSL, "com.cn", "com..cn", MM, PSL ":21: bad rule 'com..cn'"),
	M(PSL, "!www.ck", "!", MM, PSL ":18: bad rule '!'"),
	M(PSL, "!www.ck", "!ck", MM, PSL ":18: bad rule '!ck'"),
	M(PSL, "// ===BEGIN ICANN DOMAINS===", "// nothing", MM,
	  PSL ":6: rule outside the ICANN and PRIVATE sections"),
	M(PSL, "// ===END ICANN DOMAINS===", "//", MM, PSL ":32: unexpected BEGIN marker"),
	M(PSL, "// ===END PRIVATE DOMAINS===", "//", MM, PSL ": section not closed by an END marker"),
	M(PSL, "// ===BEGIN PRIVATE DOMAINS===", "// ===END PRIVATE DOMAINS===", MM,
	  PSL ":32: END marker without its BEGIN"),
	M(PSL, NULL, "// ===BEGIN PRIVATE DOMAINS===\nfoo.com\n// ===END PRIVATE DOMAINS===\n", MM,
	  PSL ": no ICANN section"),
	M(PSL, "\n\n// ===BEGIN ICANN", "\n// VERSION: 2026-13-01_00-00-00_UTC\n// ===BEGIN ICANN", MM,
	  PSL ":2: bad VERSION date"),
	/* root hints */
	M(ROOT, "May 21, 2026", "Maj 21, 2026", MM, ROOT ":3: bad 'last update' date"),
	M(ROOT, "NS    A.ROOT-SERVERS.NET.", "NS", MM, ROOT ":6: expected 'OWNER TTL TYPE DATA'"),
	M(ROOT, "3600000      NS    A.ROOT", "36x      NS    A.ROOT", MM,
	  ROOT ":6: expected 'OWNER TTL TYPE DATA'"),
	M(ROOT, ".                        3600000      NS", "x.  3600000  NS", MM,
	  ROOT ":6: NS record for 'x.', not the root"),
	M(ROOT, "NS    A.ROOT-SERVERS.NET.", "NS    A.ROOT-SERVERS.NET", MM, ROOT ":6: bad server name"),
	M(ROOT, "NS    B.ROOT-SERVERS.NET.", "NS    A.ROOT-SERVERS.NET.", MM,
	  ROOT ":10: bad or repeated server name"),
	M(ROOT, "A     198.41.0.4", "MX    198.41.0.4", MM, ROOT ":7: unexpected record type 'MX'"),
	M(ROOT, "A.ROOT-SERVERS.NET.      3600000      A ", "A.ROOT-SERVERS.NET  3600000  A ", MM,
	  ROOT ":7: bad owner name"),
	M(ROOT, "A.ROOT-SERVERS.NET.      3600000      A ", "C.ROOT-SERVERS.NET.  3600000  A ", MM,
	  ROOT ":7: address for c.root-servers.net, which no NS record names"),
	M(ROOT, "198.41.0.4", "198.41.0", MM, ROOT ":7: bad or second IPv4 address"),
	M(ROOT, "2001:503:ba3e::2:30", "2001:503:ba3e::2:3g", MM, ROOT ":8: bad or second IPv6 address"),
	M(ROOT, "B.ROOT-SERVERS.NET.      3600000      A     170.247.170.2", "", MM,
	  ROOT ": b.root-servers.net has no address"),
	M(ROOT, NULL, "; last update: May 21, 2026\n", MM, ROOT ": no root servers"),
	/* dates of sources without one */
	M(SD, "dns/public_suffix_list.dat 2026-08-19", "dns/public_suffix_list.dat", MM,
	  SD ":3: expected 'PATH YYYY-MM-DD'"),
	M(SD, "2026-08-19", "2026-8-19", MM, SD ":3: bad date '2026-8-19'"),
	M(SD, "dns/public_suffix_list.dat 2026-08-19", "", MM,
	  PSL ": no date in the file; pass --source-date " PSL "=YYYY-MM-DD"),
	M(ROOT, "last update:     May 21, 2026", "", MM,
	  ROOT ": no date in the file; pass --source-date"),
	M(SD, NULL, "", MM, CSV ": no date in the file; pass --source-date"),
};

static void run_case(const struct mcase *c, struct buf *msg)
{
	struct snap_build_opts o;
	int st;

	memset(&o, 0, sizeof(o));
	scratch_new();
	mutate(scratch, c->file, c->find, c->repl);
	if (c->file2)
		mutate(scratch, c->file2, c->find2, c->repl2);
	st = build(&o, msg, NULL, NULL);
	ck_assert_msg(st == c->st && strstr(buf_str(msg), c->want),
	              "%s '%s' -> '%s': got %d '%s', want %d '%s'", c->file,
	              c->find ? c->find : "(all)", c->repl, st, buf_str(msg), c->st, c->want);
	scratch_done();
}

START_TEST(malformed_inputs_table)
{
	struct buf msg;

	buf_init(&msg, 0);
	run_case(&cases[_i], &msg);
	buf_reset(&msg);
}
END_TEST

/* Long and deep inputs are built rather than written out. */
START_TEST(limits_line_and_depth)
{
	struct snap_build_opts o;
	struct buf msg, big;
	size_t i;

	memset(&o, 0, sizeof(o));
	buf_init(&msg, 0);
	buf_init(&big, 0);
	for (i = 0; i < 9000; i++)
		buf_addc(&big, 'x');
	scratch_new();
	mutate(scratch, RA, ARIN5, buf_str(&big));
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_MALFORMED);
	ck_assert_str_eq(buf_str(&msg), RA ":5: line too long");
	scratch_done();
	scratch_new();
	mutate(scratch, TL, "\nCK\n", "\nCKCKCKCKCKCKCKCKCKCK\n");
	mutate(scratch, TL, "\nCN\n", "\n");
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_OK);  /* long but fine */
	scratch_done();
	scratch_new();
	mutate(scratch, TL, "\nCK\n", buf_str(&big));
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_MALFORMED);
	ck_assert(strstr(buf_str(&msg), TL ":2: line too long"));
	scratch_done();
	scratch_new();
	mutate(scratch, PSL, "\ncom\n", buf_str(&big));
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_MALFORMED);
	ck_assert(strstr(buf_str(&msg), PSL ":5: line too long"));
	scratch_done();
	scratch_new();
	mutate(scratch, ROOT, ";\n.", buf_str(&big));
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_MALFORMED);
	ck_assert(strstr(buf_str(&msg), "line too long"));
	scratch_done();
	/* XML: 33 nested elements are refused, 30 are fine. */
	buf_clear(&big);
	for (i = 0; i < 40; i++)
		buf_adds(&big, "<a>");
	for (i = 0; i < 40; i++)
		buf_adds(&big, "</a>");
	scratch_new();
	mutate(scratch, X4, "<title>IPv4 Address Space</title>", buf_str(&big));
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_MALFORMED);
	ck_assert_str_eq(buf_str(&msg), X4 ":4: elements nested too deeply");
	scratch_done();
	buf_clear(&big);
	for (i = 0; i < 30; i++)
		buf_adds(&big, "<a>");
	for (i = 0; i < 30; i++)
		buf_adds(&big, "</a>");
	scratch_new();
	mutate(scratch, X4, "<title>IPv4 Address Space</title>", buf_str(&big));
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_OK);
	scratch_done();
	/* XML text over the cap. */
	buf_clear(&big);
	buf_adds(&big, "<title>");
	for (i = 0; i < 600000; i++)
		buf_addc(&big, 'x');
	buf_adds(&big, "</title>");
	scratch_new();
	mutate(scratch, X4, "<title>IPv4 Address Space</title>", buf_str(&big));
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_MALFORMED);
	ck_assert(strstr(buf_str(&msg), X4 ":4: text too long"));
	scratch_done();
	buf_reset(&big);
	buf_reset(&msg);
}
END_TEST

START_TEST(missing_and_unreadable_inputs)
{
	struct snap_build_opts o;
	struct buf msg;
	char path[256];

	memset(&o, 0, sizeof(o));
	buf_init(&msg, 0);
	scratch_new();
	snprintf(path, sizeof(path), "%s/%s", scratch, XA);
	unlink(path);
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_NOTFOUND);
	ck_assert(strstr(buf_str(&msg), "as-numbers.xml: No such file"));
	scratch_done();
	scratch_new();
	snprintf(path, sizeof(path), "%s/rir/delegated-lacnic-extended-20230323", scratch);
	unlink(path);
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_NOTFOUND);
	ck_assert(strstr(buf_str(&msg), "no delegated-lacnic-* statistics file"));
	scratch_done();
	scratch_new();
	snprintf(path, sizeof(path), "%s/rir", scratch);
	remove_tree(path);
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_NOTFOUND);
	ck_assert(strstr(buf_str(&msg), "/rir: No such file"));
	scratch_done();
	scratch_new();
	snprintf(path, sizeof(path), "%s/%s", scratch, ROOT);
	unlink(path);
	mkdir(path, 0700);
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_IO);
	ck_assert(strstr(buf_str(&msg), "not a regular file"));
	scratch_done();
	/* A missing SOURCE-DATES is fine when the dates are given. */
	scratch_new();
	snprintf(path, sizeof(path), "%s/%s", scratch, SD);
	unlink(path);
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_MALFORMED);
	o.dates[o.ndates++] = PSL "=2026-08-19";
	o.dates[o.ndates++] = CSV "=2026-08-08";
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_OK);
	o.dates[0] = PSL "=2026-8-19";
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_MALFORMED);
	ck_assert(strstr(buf_str(&msg), "bad date in '" PSL "=2026-8-19'"));
	o.dates[0] = PSL "=2026-08-19";
	while (o.ndates < SNAP_BUILD_MAX_DATES)
		o.dates[o.ndates++] = "unused/file=2026-01-01";
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_OK);
	scratch_done();
	scratch_new();      /* 32 options + 2 lines of SOURCE-DATES: too many */
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_MALFORMED);
	ck_assert(strstr(buf_str(&msg), "too many source dates"));
	scratch_done();
	buf_reset(&msg);
}
END_TEST

START_TEST(known_defects)
{
	struct snap_build_opts o;
	struct buf msg;
	char path[256], line[512];
	uint8_t sha[32];
	char hex[65];
	const char *bad = "arin|US|ipv4|23.32.0.0|256|2011|allocated";
	struct snap *s;
	uint8_t *d;
	size_t n;
	char err[SNAP_ERR_MAX];

	memset(&o, 0, sizeof(o));
	buf_init(&msg, 0);
	snprintf(path, sizeof(path), "/tmp/mxt-defects-%ld", (long)getpid());
	o.defects = path;
	sha256(bad, strlen(bad), sha);
	sha256_hex(sha, hex);
	/* Listed with skip: built, with a warning and the count in the source table. */
	scratch_new();
	mutate(scratch, RA, "arin|US|ipv6", "arin|US|ipv4|23.32.0.0|256|2011|allocated\narin|US|ipv6");
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_IO);
	ck_assert(strstr(buf_str(&msg), path));
	snprintf(line, sizeof(line), "# comment\n\n%s 11 %s skip a date with 4 digits\n", RA, hex);
	spit(path, line, strlen(line));
	ck_assert_int_eq(build(&o, &msg, &d, &n), ST_OK);
	ck_assert(strstr(buf_str(&msg), RA ":11: known defect: line skipped"));
	ck_assert_int_eq(snap_open_mem(d, n, false, true, &s, err, sizeof(err)), ST_OK);
	{
		size_t i;

		for (i = 0; i < snap_source_count(s); i++)
			if (strcmp(snap_source_at(s, i)->path, RA) == 0) {
				ck_assert_uint_eq(snap_source_at(s, i)->skipped, 1);
				ck_assert(snap_source_at(s, i)->flags & SNAP_SRC_DEFECTS_SKIPPED);
			}
	}
	snap_free(s);
	free(d);
	/* Listed with end: the rest of the file is ignored, including a bad line after it. */
	mutate(scratch, RA, "arin|US|ipv6|2001:400::|32|", "garbage\narin|US|ipv6|2001:400::|32|");
	snprintf(line, sizeof(line), "%s 11 %s end\n", RA, hex);
	spit(path, line, strlen(line));
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_OK);
	ck_assert(strstr(buf_str(&msg), "the file ends before this line"));
	ck_assert(strstr(buf_str(&msg), "1 ipv6 records") == NULL);
	ck_assert(strstr(buf_str(&msg), "0 ipv6 records, its summary line says 1"));
	/* The wrong hash: the line is not skipped, and that is said. */
	hex[0] = hex[0] == '0' ? '1' : '0';
	snprintf(line, sizeof(line), "%s 11 %s skip\n", RA, hex);
	spit(path, line, strlen(line));
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_MALFORMED);
	ck_assert(strstr(buf_str(&msg), RA ":11: bad date '2011'"));
	scratch_done();
	/* A listed defect that never shows up is a warning. */
	scratch_new();
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_OK);
	ck_assert(strstr(buf_str(&msg), "known defect " RA ":11 not seen"));
	/* Malformed defect lists. */
	spit(path, "x\n", 2);
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_MALFORMED);
	ck_assert(strstr(buf_str(&msg), ":1: expected 'PATH LINE SHA256 skip|end [comment]'"));
	snprintf(line, sizeof(line), "%s 11 %s maybe\n", RA, hex);
	spit(path, line, strlen(line));
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_MALFORMED);
	snprintf(line, sizeof(line), "%s 11 %.63s skip\n", RA, hex);
	spit(path, line, strlen(line));
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_MALFORMED);
	snprintf(line, sizeof(line), "%s x %s skip\n", RA, hex);
	spit(path, line, strlen(line));
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_MALFORMED);
	scratch_done();
	unlink(path);
	buf_reset(&msg);
}
END_TEST

START_TEST(count_mismatch_is_a_warning)
{
	struct snap_build_opts o;
	struct buf msg;

	memset(&o, 0, sizeof(o));
	buf_init(&msg, 0);
	scratch_new();
	mutate(scratch, RA, ARIN1, "2|arin|20130813|9|00000000|20130812|-0400");
	ck_assert_int_eq(build(&o, &msg, NULL, NULL), ST_OK);
	ck_assert(strstr(buf_str(&msg), RA ":1: 7 records, the version line says 9"));
	scratch_done();
	buf_reset(&msg);
}
END_TEST


/* What the strict readers accept: CDATA, comments and PIs in content, entities, escapes. */
START_TEST(syntax_accepted)
{
	struct snap_build_opts o;
	struct buf msg;
	uint8_t *d, a[16] = { 1, 2, 3, 4 };
	size_t n;
	struct snap *s;
	struct snap_ip_result r;
	struct snap_tld t;
	char err[SNAP_ERR_MAX];

	memset(&o, 0, sizeof(o));
	buf_init(&msg, 0);
	scratch_new();
	mutate(scratch, X4, "<designation>APNIC</designation>",
	       "<!-- c --><designation><![CDATA[AP]]>&#78;&#x49;<?pi x?>C &amp; co</designation>");
	mutate(scratch, X4, "<title>IPv4 Address Space</title>",
	       "<title a='1' b = \"&lt;&gt;&quot;&apos;\">IPv4</title>");
	mutate(scratch, JD, "\"com\", \"net\"", "\"c\\u006fm\", \"net\"");
	mutate(scratch, JD, "\"version\": \"1.0\"", "\"version\": \"1.0\", \"x\": [true, false, "
	       "null, -1.5e3, {}, [], \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\ud83d\\ude00\"]");
	ck_assert_msg(build(&o, &msg, &d, &n) == ST_OK, "%s", buf_str(&msg));
	ck_assert_int_eq(snap_open_mem(d, n, false, true, &s, err, sizeof(err)), ST_OK);
	ck_assert_int_eq(snap_lookup_ip(s, 4, a, &r, err, sizeof(err)), ST_OK);
	ck_assert_str_eq(r.iana.designation, "APNIC & co");
	ck_assert_int_eq(snap_lookup_tld(s, "com", 3, &t, err, sizeof(err)), ST_OK);
	ck_assert(t.flags & SNAP_TLD_RDAP_BOOTSTRAP);
	snap_free(s);
	free(d);
	scratch_done();
	buf_reset(&msg);
}
END_TEST

/* ---- determinism ---- */

START_TEST(same_inputs_same_bytes)
{
	struct snap_build_opts o;
	struct buf msg;
	uint8_t *a, *b, *c;
	size_t na, nb, nc;
	char path[256];

	memset(&o, 0, sizeof(o));
	buf_init(&msg, 0);
	o.from = FIXTURE;
	ck_assert_int_eq(build(&o, &msg, &a, &na), ST_OK);
	ck_assert_int_eq(build(&o, &msg, &b, &nb), ST_OK);
	ck_assert_uint_eq(na, nb);
	ck_assert(memcmp(a, b, na) == 0);
	free(b);
	/* A copy made in another order, with unrelated and older files around: same bytes. */
	o.from = NULL;
	scratch_new();
	snprintf(path, sizeof(path), "%s/rir/README", scratch);
	spit(path, "not a statistics file\n", 22);
	snprintf(path, sizeof(path), "%s/rir/delegated-arin-20120101", scratch);
	spit(path, "junk\n", 5);
	snprintf(path, sizeof(path), "%s/rir/delegated-arin-2013081", scratch);
	spit(path, "junk\n", 5);
	ck_assert_int_eq(build(&o, &msg, &c, &nc), ST_OK);
	ck_assert_uint_eq(na, nc);
	ck_assert(memcmp(a, c, na) == 0);
	free(c);
	/* The build time is the newest source date unless given. */
	ck_assert_int_eq((long long)snap_be64(a + HDR_BUILD_TIME), 1787097600LL); /* 2026-08-19 */
	o.has_build_time = true;
	o.build_time = 1800000000;
	ck_assert_int_eq(build(&o, &msg, &c, &nc), ST_OK);
	ck_assert_int_eq((long long)snap_be64(c + HDR_BUILD_TIME), 1800000000LL);
	free(c);
	/* Any change of input changes the snapshot. */
	o.has_build_time = false;
	mutate(scratch, PSL, "\nde\n", "\nde\nfr\n");
	ck_assert_int_eq(build(&o, &msg, &c, &nc), ST_OK);
	ck_assert(nc != na || memcmp(a, c, na) != 0);
	free(c);
	scratch_done();
	free(a);
	buf_reset(&msg);
}
END_TEST

/* Section digests of two snapshots (independent of the zlib version). */
static void section_digests(const uint8_t *d, size_t n, struct buf *out)
{
	struct snap *s;
	char err[SNAP_ERR_MAX];
	uint32_t nsrc, nsec, i;

	ck_assert_int_eq(snap_open_mem(d, n, false, true, &s, err, sizeof(err)), ST_OK);
	snap_free(s);
	nsrc = snap_be32(d + HDR_NSOURCES);
	nsec = snap_be32(d + HDR_NSECTIONS);
	for (i = 0; i < nsrc; i++)
		buf_add(out, d + SNAP_HDR_LEN + (size_t)i * SNAP_SRC_LEN, SNAP_SRC_LEN);
	for (i = 0; i < nsec; i++) {
		const uint8_t *e = d + SNAP_HDR_LEN + (size_t)nsrc * SNAP_SRC_LEN + (size_t)i * SNAP_SEC_LEN;

		buf_add(out, e + SEC_NAME, 32 + 16);
		buf_add(out, e + SEC_ULEN, 4);
		buf_add(out, e + SEC_RECORDS, 4 + 32 + 8);
	}
}

START_TEST(shared_data_deterministic_and_committed)
{
	struct snap_build_opts o;
	struct buf msg, da, db;
	uint8_t *a, *b;
	size_t na, nb;
	char *committed;
	size_t nc;

	if (access(SHARED "/rir", F_OK) != 0) {
		fprintf(stderr, "SKIP: " SHARED " absent: generator not run on the real inputs\n");
		return;
	}
	memset(&o, 0, sizeof(o));
	o.from = SHARED;
	o.defects = "tools/known-defects";
	o.dates[o.ndates++] = "dns/public_suffix_list.dat=2026-08-19";
	o.dates[o.ndates++] = "whois-servers/iana-root-db/tld-whois-rdap.csv=2026-08-08";
	buf_init(&msg, 0);
	buf_init(&da, 0);
	buf_init(&db, 0);
	ck_assert_msg(build(&o, &msg, &a, &na) == ST_OK, "%s", buf_str(&msg));
	ck_assert_int_eq(build(&o, &msg, &b, &nb), ST_OK);
	ck_assert_uint_eq(na, nb);
	ck_assert(memcmp(a, b, na) == 0);
	/* data/mxtrace.snap is what `make data` makes of these inputs. */
	committed = slurp("data/mxtrace.snap", &nc);
	section_digests(a, na, &da);
	section_digests((uint8_t *)committed, nc, &db);
	ck_assert_msg(da.len == db.len && memcmp(da.data, db.data, da.len) == 0,
	              "data/mxtrace.snap is not up to date with " SHARED ": run make data");
	free(committed);
	free(a);
	free(b);
	buf_reset(&da);
	buf_reset(&db);
	buf_reset(&msg);
}
END_TEST

static Suite *snapgen_suite(void)
{
	Suite *s = suite_create("snapgen");
	TCase *tc;

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, malformed_inputs_table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, limits_line_and_depth);
	tcase_add_test(tc, missing_and_unreadable_inputs);
	tcase_add_test(tc, known_defects);
	tcase_add_test(tc, count_mismatch_is_a_warning);
	tcase_add_test(tc, syntax_accepted);
	suite_add_tcase(s, tc);
	tc = tcase_create("determinism");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, same_inputs_same_bytes);
	tcase_add_test(tc, shared_data_deterministic_and_committed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(snapgen_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
