/* Unit tests for the DNS codec: names, builder, parser limits, the hostile-message table. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dns_msg.h"
#include "json.h"
#include "rand.h"
#include "status.h"
#include "text.h"
#include "util_pkt.h"

/* ---- names from text ---- */

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* A dotted name of total length `total` characters made of 63-char labels and a tail. */
static char *long_name(size_t total)
{
	char *s = malloc(total + 1);
	size_t i;

	for (i = 0; i < total; i++)
		s[i] = (i % 64 == 63) ? '.' : 'a';
	if (total > 0 && s[total - 1] == '.')
		s[total - 1] = 'b';
	s[total] = '\0';
	return s;
}

START_TEST(name_label_limit_63_64)
{
	struct dns_name n;
	const char *why = NULL;
	char *l63 = repeat('x', 63), *l64 = repeat('x', 64);

	ck_assert_int_eq(dns_name_from_text(l63, 63, &n, &why), ST_OK);
	ck_assert_uint_eq(n.len, 65);
	ck_assert_int_eq(dns_name_from_text(l64, 64, &n, &why), ST_TOOBIG);
	ck_assert_str_eq(why, "label longer than 63 octets");
	free(l63);
	free(l64);
}
END_TEST

START_TEST(name_total_limit_253_254)
{
	struct dns_name n;
	const char *why = NULL;
	char *s253 = long_name(253), *s254 = long_name(254), buf[300];

	ck_assert_int_eq(dns_name_from_text(s253, 253, &n, &why), ST_OK);
	ck_assert_uint_eq(n.len, 255);
	/* The same with a final dot is still 255 wire octets. */
	snprintf(buf, sizeof(buf), "%s.", s253);
	ck_assert_int_eq(dns_name_from_text(buf, 254, &n, &why), ST_OK);
	ck_assert_int_eq(dns_name_from_text(s254, 254, &n, &why), ST_TOOBIG);
	ck_assert_str_eq(why, "name longer than 255 octets");
	free(s253);
	free(s254);
}
END_TEST

START_TEST(name_escapes)
{
	struct dns_name n;
	char out[DNS_MAX_NAME_TEXT];
	const char *why;

	/* CVE-2016-5180: a name ending in an escaped dot. */
	ck_assert_int_eq(dns_name_from_text("hello\\.", 7, &n, &why), ST_OK);
	ck_assert_uint_eq(n.len, 8);
	ck_assert_mem_eq(n.wire, "\6hello.\0", 8);
	dns_name_str(&n, out);
	ck_assert_str_eq(out, "hello\\..");
	ck_assert_int_eq(dns_name_from_text("a\\\\b.c", 6, &n, &why), ST_OK);
	ck_assert_mem_eq(n.wire, "\3a\\b\1c\0", 7);
	ck_assert_int_eq(dns_name_from_text("\\000\\255\\065", 12, &n, &why), ST_OK);
	ck_assert_mem_eq(n.wire, "\3\0\377A\0", 5);
	dns_name_str(&n, out);
	ck_assert_str_eq(out, "\\000\\255A.");
	ck_assert_int_eq(dns_name_from_text("\\256", 4, &n, &why), ST_MALFORMED);
	ck_assert_int_eq(dns_name_from_text("\\25", 3, &n, &why), ST_MALFORMED);
	ck_assert_int_eq(dns_name_from_text("a\\", 2, &n, &why), ST_MALFORMED);
	/* A 63-octet label written with escapes counts octets, not characters. */
	{
		struct buf b;
		int i;

		buf_init(&b, 1000);
		for (i = 0; i < 63; i++)
			buf_adds(&b, "\\046");
		ck_assert_int_eq(dns_name_from_text(buf_str(&b), b.len, &n, &why), ST_OK);
		buf_adds(&b, "\\046");
		ck_assert_int_eq(dns_name_from_text(buf_str(&b), b.len, &n, &why), ST_TOOBIG);
		buf_reset(&b);
	}
}
END_TEST

START_TEST(name_empty_labels_and_root)
{
	struct dns_name n;
	const char *why;

	ck_assert_int_eq(dns_name_from_text(".", 1, &n, &why), ST_OK);
	ck_assert_uint_eq(n.len, 1);
	ck_assert_int_eq(dns_name_from_text("", 0, &n, &why), ST_MALFORMED);
	ck_assert_int_eq(dns_name_from_text("a..b", 4, &n, &why), ST_MALFORMED);
	ck_assert_str_eq(why, "empty label");
	ck_assert_int_eq(dns_name_from_text(".a", 2, &n, &why), ST_MALFORMED);
	ck_assert_int_eq(dns_name_from_text("a.", 2, &n, &why), ST_OK);
	ck_assert_int_eq(dns_name_from_text("a..", 3, &n, &why), ST_MALFORMED);
}
END_TEST

START_TEST(name_compare_and_suffix)
{
	struct dns_name a, b, c, root;

	dns_name_from_text("Mail.Example.COM", 16, &a, NULL);
	dns_name_from_text("mail.example.com.", 17, &b, NULL);
	dns_name_from_text("example.com", 11, &c, NULL);
	dns_name_from_text(".", 1, &root, NULL);
	ck_assert(dns_name_eq(&a, &b));
	ck_assert(!dns_name_eq(&a, &c));
	ck_assert(dns_name_under(&a, &c));
	ck_assert(dns_name_under(&c, &c));
	ck_assert(dns_name_under(&c, &root));
	ck_assert(!dns_name_under(&c, &a));
	dns_name_from_text("xample.com", 10, &b, NULL);
	ck_assert(!dns_name_under(&c, &b));              /* label boundary, not a string suffix */
	ck_assert_uint_eq(dns_name_labels(&a), 3);
	ck_assert_uint_eq(dns_name_labels(&root), 0);
	ck_assert(dns_name_is_hostname(&a));
	dns_name_from_text("_25._tcp.mx", 11, &b, NULL);
	ck_assert(dns_name_is_hostname(&b));
	dns_name_from_text("a-.b", 4, &b, NULL);
	ck_assert(!dns_name_is_hostname(&b));
	dns_name_from_text("a\\032b", 6, &b, NULL);
	ck_assert(!dns_name_is_hostname(&b));
}
END_TEST

/* CVE-2021-3672: hostile label octets reach every output escaped. */
START_TEST(name_hostile_octets_are_escaped)
{
	static const uint8_t label[] = { '.', 0, '\n', 0x1b, '<', '"', 0x80, 0xff, '\\', ' ' };
	struct dns_name n, back;
	char out[DNS_MAX_NAME_TEXT];
	struct buf b;
	struct json j;

	n.wire[0] = sizeof(label);
	memcpy(n.wire + 1, label, sizeof(label));
	n.wire[1 + sizeof(label)] = 0;
	n.len = (uint8_t)(2 + sizeof(label));
	dns_name_str(&n, out);
	ck_assert_str_eq(out, "\\.\\000\\010\\027<\\\"\\128\\255\\\\\\032.");
	ck_assert_int_eq(dns_name_from_text(out, strlen(out), &back, NULL), ST_OK);
	ck_assert(back.len == n.len && memcmp(back.wire, n.wire, n.len) == 0);
	buf_init(&b, 4096);
	json_init(&j, &b, false);
	json_str(&j, out);
	ck_assert_int_eq(json_finish(&j), ST_OK);
	ck_assert(utf8_valid(b.data, b.len));
	buf_reset(&b);
}
END_TEST

/* ---- query builder ---- */

START_TEST(query_builder_layout)
{
	struct dns_name n;
	struct dns_query_opts o = { .id = 0xBEEF, .rd = true, .edns_size = DNS_EDNS_SIZE };
	uint8_t q[DNS_QUERY_MAX];
	size_t len;
	struct dns_msg *m;

	dns_name_from_text("example.com", 11, &n, NULL);
	ck_assert_int_eq(dns_query_build(&n, DNS_T_MX, DNS_C_IN, &o, q, sizeof(q), &len), ST_OK);
	ck_assert_uint_eq(len, 12 + 13 + 4 + 11);
	ck_assert_mem_eq(q, "\xbe\xef\x01\x00\x00\x01\x00\x00\x00\x00\x00\x01", 12);
	ck_assert_int_eq(dns_msg_parse(q, len, &m, NULL), ST_OK);
	ck_assert(m->has_opt);
	ck_assert_uint_eq(m->edns_udp, 1232);            /* CVE-2017-12132: never more */
	ck_assert(!m->qr);
	ck_assert_uint_eq(m->nqd, 1);
	ck_assert(dns_name_eq(&m->qd[0].name, &n));
	dns_msg_free(m);
	o.edns_size = 0;
	o.rd = false;
	ck_assert_int_eq(dns_query_build(&n, DNS_T_A, DNS_C_IN, &o, q, sizeof(q), &len), ST_OK);
	ck_assert_uint_eq(len, 12 + 13 + 4);
	ck_assert_uint_eq(q[2], 0);
	ck_assert_uint_eq(q[11], 0);
	ck_assert_int_eq(dns_query_build(&n, DNS_T_A, DNS_C_IN, &o, q, len - 1, &len),
	                 ST_TOOBIG);
}
END_TEST

START_TEST(query_builder_longest_name)
{
	char *s = long_name(253);
	struct dns_name n;
	struct dns_query_opts o = { .id = 1, .rd = true, .edns_size = DNS_EDNS_SIZE };
	uint8_t q[DNS_QUERY_MAX];
	size_t len;
	struct dns_msg *m;

	ck_assert_int_eq(dns_name_from_text(s, 253, &n, NULL), ST_OK);
	ck_assert_int_eq(dns_query_build(&n, DNS_T_AAAA, DNS_C_IN, &o, q, sizeof(q), &len), ST_OK);
	ck_assert_uint_eq(len, 12 + 255 + 4 + 11);
	ck_assert_int_eq(dns_msg_parse(q, len, &m, NULL), ST_OK);
	ck_assert(dns_name_eq(&m->qd[0].name, &n));
	dns_msg_free(m);
	free(s);
}
END_TEST

START_TEST(query_ids_have_entropy)
{
	/* CVE-2023-31147 / CVE-2021-25677: IDs from the kernel CSPRNG; 4096 draws of 16 bits
	 * collide ~120 times on average, a weak source far more (or never varies). */
	static uint8_t seen[65536];
	int i, dup = 0;
	uint32_t v;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 4096; i++) {
		ck_assert_int_eq(rand_below(65536, &v), ST_OK);
		dup += seen[v];
		seen[v] = 1;
	}
	ck_assert_int_lt(dup, 400);
	ck_assert_int_eq(rand_below(0, &v), ST_INVAL);
}
END_TEST

/* ---- parser: valid messages ---- */

static struct dns_msg *parse_ok(const struct pkt *p)
{
	struct dns_msg *m = NULL;
	struct dns_err e;
	int st = dns_msg_parse(p->b, p->n, &m, &e);

	ck_assert_msg(st == ST_OK, "parse failed: %s", e.msg);
	return m;
}

START_TEST(parse_mx_answer_with_compression)
{
	struct pkt p;
	struct dns_msg *m;
	struct buf b;
	char out[DNS_MAX_NAME_TEXT];

	pkt_init(&p);
	pkt_header(&p, 7, 0x8180, 1, 2, 0, 1);
	pkt_question(&p, "example.com", DNS_T_MX);           /* name at 12 */
	pkt_ptr(&p, 12);
	pkt_rrhead(&p, DNS_T_MX, 300, 2 + 4 + 2);
	pkt_u16(&p, 10);
	pkt_u8(&p, 3); pkt_bytes(&p, "mx1", 3); pkt_ptr(&p, 12);  /* mx1.example.com */
	pkt_ptr(&p, 12);
	pkt_rrhead(&p, DNS_T_MX, 0x80000000u, 3);
	pkt_u16(&p, 0);
	pkt_u8(&p, 0);                                          /* null MX "0 ." */
	pkt_u8(&p, 0);                                          /* OPT */
	pkt_u16(&p, DNS_T_OPT); pkt_u16(&p, 1232); pkt_u32(&p, 0x01008000); pkt_u16(&p, 0);
	m = parse_ok(&p);
	ck_assert_uint_eq(m->id, 7);
	ck_assert(m->qr && m->rd && m->ra && !m->aa);
	ck_assert_uint_eq(m->an, 2);
	ck_assert_uint_eq(m->ar, 0);                            /* OPT is not a record */
	ck_assert(m->has_opt && m->edns_do);
	ck_assert_uint_eq(m->rcode, 0x10);                      /* BADVERS via the extension */
	ck_assert_uint_eq(m->rr[0].d.mx.pref, 10);
	dns_name_str(&m->rr[0].d.mx.exchange, out);
	ck_assert_str_eq(out, "mx1.example.com.");
	ck_assert_uint_eq(m->rr[1].d.mx.exchange.len, 1);
	ck_assert_uint_eq(dns_ttl(m->rr[1].ttl), 0);             /* RFC 2181 §8 */
	ck_assert_uint_eq(dns_ttl(0x7fffffff), 0x7fffffff);
	buf_init(&b, 1 << 16);
	dns_msg_to_text(m, &b);
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "example.com.\t300\tIN\tMX\t10 mx1.example.com."));
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "status: BADVERS"));
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "flags: qr rd ra;"));
	buf_reset(&b);
	dns_msg_free(m);
}
END_TEST

START_TEST(parse_pointer_resumes_after_first_pointer)
{
	/* BIND's |4|1|'a'|192|0|0| case: the owner ends after the first pointer. */
	struct pkt p;
	struct dns_msg *m;
	char out[DNS_MAX_NAME_TEXT];

	pkt_init(&p);
	pkt_header(&p, 1, 0x8180, 1, 1, 0, 0);
	pkt_question(&p, "b.c", DNS_T_A);                     /* 12: \1b\1c\0 */
	pkt_u8(&p, 1); pkt_u8(&p, 'a'); pkt_ptr(&p, 12);      /* a.b.c */
	pkt_rrhead(&p, DNS_T_A, 5, 4);
	pkt_bytes(&p, "\xc0\x00\x02\x01", 4);
	m = parse_ok(&p);
	dns_name_str(&m->rr[0].owner, out);
	ck_assert_str_eq(out, "a.b.c.");
	ck_assert_mem_eq(m->rr[0].d.a, "\xc0\x00\x02\x01", 4);
	dns_msg_free(m);
}
END_TEST

START_TEST(parse_txt_soa_srv_unknown)
{
	struct pkt p;
	struct dns_msg *m;
	struct buf b;

	pkt_init(&p);
	pkt_header(&p, 1, 0x8400, 0, 4, 0, 0);
	pkt_name(&p, "t");
	pkt_rrhead(&p, DNS_T_TXT, 1, 9);
	pkt_u8(&p, 3); pkt_bytes(&p, "a\"b", 3); pkt_u8(&p, 0); pkt_u8(&p, 3);
	pkt_bytes(&p, "\x01\\z", 3);
	pkt_name(&p, "s");
	pkt_rrhead(&p, DNS_T_SOA, 1, 4 + 3 + 20);
	pkt_name(&p, "ns"); pkt_name(&p, "h");
	pkt_u32(&p, 1); pkt_u32(&p, 2); pkt_u32(&p, 3); pkt_u32(&p, 4); pkt_u32(&p, 5);
	pkt_name(&p, "v");
	pkt_rrhead(&p, DNS_T_SRV, 1, 6 + 4);
	pkt_u16(&p, 1); pkt_u16(&p, 2); pkt_u16(&p, 25); pkt_name(&p, "mx");
	pkt_name(&p, "u");
	pkt_rrhead(&p, 65280, 1, 3);
	pkt_bytes(&p, "\x00\xab\xff", 3);
	m = parse_ok(&p);
	buf_init(&b, 1 << 16);
	dns_msg_to_text(m, &b);
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "TXT\t\"a\\\"b\" \"\" \"\\001\\\\z\""));
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "SOA\tns. h. 1 2 3 4 5"));
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "SRV\t1 2 25 mx."));
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "TYPE65280\t\\# 3 00ABFF"));
	buf_reset(&b);
	dns_msg_free(m);
}
END_TEST

START_TEST(parse_zero_length_loops_advance)
{
	/* CVE-2017-15908 class: 255 empty TXT strings and 100 empty EDNS options. */
	struct pkt p;
	struct dns_msg *m;
	int i;

	pkt_init(&p);
	pkt_header(&p, 1, 0x8000, 0, 1, 0, 1);
	pkt_name(&p, "t");
	pkt_rrhead(&p, DNS_T_TXT, 1, 255);
	for (i = 0; i < 255; i++)
		pkt_u8(&p, 0);
	pkt_u8(&p, 0);
	pkt_u16(&p, DNS_T_OPT); pkt_u16(&p, 512); pkt_u32(&p, 0); pkt_u16(&p, 400);
	for (i = 0; i < 100; i++) {
		pkt_u16(&p, 65001);
		pkt_u16(&p, 0);
	}
	m = parse_ok(&p);
	ck_assert_uint_eq(m->opt_rdlen, 400);
	dns_msg_free(m);
}
END_TEST

START_TEST(parse_many_records_sized_by_content)
{
	/* CVE-2020-8277 / CVE-2017-15650: thousands of A records; nothing sized by a count. */
	struct pkt p;
	struct dns_msg *m;
	int i;

	pkt_init(&p);
	pkt_header(&p, 1, 0x8180, 1, 4000, 0, 0);
	pkt_question(&p, "a", DNS_T_A);
	for (i = 0; i < 4000; i++) {
		pkt_ptr(&p, 12);
		pkt_rrhead(&p, DNS_T_A, 1, 4);
		pkt_u32(&p, (uint32_t)i);
	}
	m = parse_ok(&p);
	ck_assert_uint_eq(m->an, 4000);
	ck_assert_uint_eq(m->rr[3999].d.a[3], 3999 & 0xFF);
	dns_msg_free(m);
}
END_TEST

START_TEST(parse_update_with_empty_rdata)
{
	/* RFC 2136: class ANY with RDLENGTH 0 is "delete RRset", legal only in UPDATE. */
	struct pkt p;
	struct dns_msg *m;
	struct dns_err e;

	pkt_init(&p);
	pkt_header(&p, 1, 5 << 11, 1, 0, 1, 0);
	pkt_question(&p, "zone", DNS_T_SOA);
	pkt_name(&p, "x.zone");
	pkt_u16(&p, DNS_T_CNAME); pkt_u16(&p, DNS_C_ANY); pkt_u32(&p, 0); pkt_u16(&p, 0);
	m = parse_ok(&p);
	ck_assert(m->rr[0].opaque);
	dns_msg_free(m);
	pkt_set16(&p, 2, 0);                                   /* the same in a QUERY */
	ck_assert_int_eq(dns_msg_parse(p.b, p.n, &m, &e), ST_MALFORMED);
	ck_assert_ptr_nonnull(strstr(e.msg, "empty RDATA"));
}
END_TEST

START_TEST(parse_trailing_bytes_are_reported)
{
	struct pkt p;
	struct dns_msg *m;

	pkt_init(&p);
	pkt_header(&p, 1, 0x8180, 1, 0, 0, 0);
	pkt_question(&p, "a", DNS_T_A);
	pkt_bytes(&p, "junk", 4);
	m = parse_ok(&p);
	ck_assert_uint_eq(m->trailing, 4);
	dns_msg_free(m);
}
END_TEST

/* ---- the hostile-message table (dns-anchors.md §2.1, §2.3) ---- */

typedef void (*build_fn)(struct pkt *p);

struct bad_case {
	const char *why;        /* the CVE or rule it stands for */
	build_fn build;
	int st;
	const char *defect;     /* must appear in the error message */
};

static void hdr_q(struct pkt *p, unsigned an)
{
	pkt_init(p);
	pkt_header(p, 1, 0x8180, 1, an, 0, 0);
	pkt_question(p, "ab", DNS_T_A);                     /* name at 12..15, ends at 20 */
}

static void b_short(struct pkt *p) { pkt_init(p); pkt_bytes(p, "\0\1\x81\x80\0\0\0\0\0\0\0", 11); }
static void b_huge(struct pkt *p)
{
	pkt_init(p);
	pkt_header(p, 1, 0x8180, 0, 0, 0, 0);
	while (p->n < 65536)
		pkt_u8(p, 0);
}
static void b_counts_over_data(struct pkt *p) { hdr_q(p, 65535); }
static void b_qd_over_data(struct pkt *p) { pkt_init(p); pkt_header(p, 1, 0x8180, 65535, 0, 0, 0); }
static void b_label_past_end(struct pkt *p)
{
	pkt_init(p);
	pkt_header(p, 1, 0x8180, 1, 0, 0, 0);
	pkt_u8(p, 40);
	pkt_bytes(p, "abc", 3);
}
static void b_no_terminator(struct pkt *p)
{
	pkt_init(p);
	pkt_header(p, 1, 0x8180, 1, 0, 0, 0);
	pkt_u8(p, 2);
	pkt_bytes(p, "ab", 2);
}
static void b_reserved_40(struct pkt *p) { pkt_init(p); pkt_header(p, 1, 0x8180, 1, 0, 0, 0); pkt_u8(p, 0x41); pkt_u8(p, 0); pkt_u32(p, 0x10001); }
static void b_reserved_80(struct pkt *p) { pkt_init(p); pkt_header(p, 1, 0x8180, 1, 0, 0, 0); pkt_u8(p, 0x81); pkt_u8(p, 0); pkt_u32(p, 0x10001); }
static void b_ptr_self(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 20); pkt_rrhead(p, 1, 1, 4); pkt_u32(p, 0); }
static void b_ptr_forward(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 22); pkt_rrhead(p, 1, 1, 4); pkt_u32(p, 0); }
static void b_ptr_header(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 4); pkt_rrhead(p, 1, 1, 4); pkt_u32(p, 0); }
static void b_ptr_beyond(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 0x3FFF); pkt_rrhead(p, 1, 1, 4); pkt_u32(p, 0); }
static void b_ptr_half(struct pkt *p) { hdr_q(p, 0); pkt_set16(p, 6, 1); pkt_u8(p, 0xC0); }
static void b_ptr_loop_two(struct pkt *p)
{
	/* 20: label "x" then pointer to 23, 23: pointer to 20 → a loop. */
	hdr_q(p, 1);
	pkt_u8(p, 1); pkt_u8(p, 'x'); pkt_ptr(p, 23); pkt_ptr(p, 20);
	pkt_rrhead(p, 1, 1, 4);
	pkt_u32(p, 0);
}
static void b_expand_past_255(struct pkt *p)
{
	/* CVE-2016-20009 / CVE-2020-11901: each name points to the previous one and adds a
	 * 63-octet label; the fifth expands to 5 * 64 + 3 octets. */
	unsigned prev = 12;
	int i;

	pkt_init(p);
	pkt_header(p, 1, 0x8180, 1, 5, 0, 0);
	pkt_question(p, "ab", DNS_T_A);
	for (i = 0; i < 5; i++) {
		unsigned here = (unsigned)p->n;

		pkt_u8(p, 63);
		while (p->n < here + 64)
			pkt_u8(p, 'x');
		pkt_ptr(p, prev);
		pkt_rrhead(p, 1, 1, 4);
		pkt_u32(p, 0);
		prev = here;
	}
}
static void b_rr_header_short(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 12); pkt_u16(p, 1); pkt_u16(p, 1); pkt_u32(p, 0); pkt_u8(p, 0); }
static void b_rdlen_65535(struct pkt *p)
{
	/* CVE-2020-25108: RDLENGTH 65535 in a 100-octet reply. */
	hdr_q(p, 1);
	pkt_ptr(p, 12);
	pkt_rrhead(p, 1, 1, 65535);
	while (p->n < 100)
		pkt_u8(p, 0);
}
static void b_a_3(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 12); pkt_rrhead(p, DNS_T_A, 1, 3); pkt_bytes(p, "abc", 3); }
static void b_a_5(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 12); pkt_rrhead(p, DNS_T_A, 1, 5); pkt_bytes(p, "abcde", 5); }
static void b_a_0(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 12); pkt_rrhead(p, DNS_T_A, 1, 0); }
static void b_aaaa_4(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 12); pkt_rrhead(p, DNS_T_AAAA, 1, 4); pkt_bytes(p, "abcd", 4); }
static void b_aaaa_17(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 12); pkt_rrhead(p, DNS_T_AAAA, 1, 17); pkt_bytes(p, "0123456789abcdefg", 17); }
static void b_mx_0(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 12); pkt_rrhead(p, DNS_T_MX, 1, 0); }
static void b_mx_2(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 12); pkt_rrhead(p, DNS_T_MX, 1, 2); pkt_u16(p, 10); }
static void b_mx_name_past_rdata(struct pkt *p)
{
	/* The exchange's in-place bytes run past RDLENGTH (djbdns read them anyway). */
	hdr_q(p, 1);
	pkt_ptr(p, 12);
	pkt_rrhead(p, DNS_T_MX, 1, 4);
	pkt_u16(p, 10);
	pkt_name(p, "mx");
}
static void b_mx_slack(struct pkt *p)
{
	hdr_q(p, 1);
	pkt_ptr(p, 12);
	pkt_rrhead(p, DNS_T_MX, 1, 2 + 4 + 1);
	pkt_u16(p, 10);
	pkt_name(p, "mx");
	pkt_u8(p, 0);
}
static void b_cname_0(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 12); pkt_rrhead(p, DNS_T_CNAME, 1, 0); }
static void b_ns_two_names(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 12); pkt_rrhead(p, DNS_T_NS, 1, 4); pkt_name(p, "a"); pkt_u8(p, 0); }
static void b_soa_21(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 12); pkt_rrhead(p, DNS_T_SOA, 1, 21); pkt_u8(p, 0); pkt_u8(p, 0); pkt_bytes(p, "0123456789012345678", 19); }
static void b_soa_cut_serial(struct pkt *p)
{
	/* CVE-2020-22217: names fine, 19 octets where 20 are needed. */
	hdr_q(p, 1);
	pkt_ptr(p, 12);
	pkt_rrhead(p, DNS_T_SOA, 1, 3 + 2 + 19);
	pkt_name(p, "a"); pkt_ptr(p, 12);
	pkt_bytes(p, "0123456789012345678", 19);
}
static void b_srv_pointer(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 12); pkt_rrhead(p, DNS_T_SRV, 1, 8); pkt_u16(p, 1); pkt_u16(p, 1); pkt_u16(p, 1); pkt_ptr(p, 12); }
static void b_txt_0(struct pkt *p) { hdr_q(p, 1); pkt_ptr(p, 12); pkt_rrhead(p, DNS_T_TXT, 1, 0); }
static void b_txt_inner(struct pkt *p)
{
	/* busybox nslookup #122: an inner length larger than RDLENGTH. */
	hdr_q(p, 1);
	pkt_ptr(p, 12);
	pkt_rrhead(p, DNS_T_TXT, 1, 4);
	pkt_u8(p, 255);
	pkt_bytes(p, "abc", 3);
	while (p->n < 400)
		pkt_u8(p, 'z');
	pkt_set16(p, 10, 0);
}
static void opt(struct pkt *p, unsigned rdlen) { pkt_u8(p, 0); pkt_u16(p, DNS_T_OPT); pkt_u16(p, 1232); pkt_u32(p, 0); pkt_u16(p, rdlen); }
static void b_two_opt(struct pkt *p) { pkt_init(p); pkt_header(p, 1, 0x8180, 0, 0, 0, 2); opt(p, 0); opt(p, 0); }
static void b_opt_in_answer(struct pkt *p) { pkt_init(p); pkt_header(p, 1, 0x8180, 0, 1, 0, 0); opt(p, 0); }
static void b_opt_owner(struct pkt *p) { pkt_init(p); pkt_header(p, 1, 0x8180, 0, 0, 0, 1); pkt_name(p, "x"); pkt_u16(p, DNS_T_OPT); pkt_u16(p, 512); pkt_u32(p, 0); pkt_u16(p, 0); }
static void b_opt_option_long(struct pkt *p) { pkt_init(p); pkt_header(p, 1, 0x8180, 0, 0, 0, 1); opt(p, 6); pkt_u16(p, 10); pkt_u16(p, 8); pkt_u16(p, 0); }
static void b_opt_option_cut(struct pkt *p) { pkt_init(p); pkt_header(p, 1, 0x8180, 0, 0, 0, 1); opt(p, 3); pkt_u16(p, 10); pkt_u8(p, 0); }
static void b_question_cut(struct pkt *p) { pkt_init(p); pkt_header(p, 1, 0x8180, 1, 0, 0, 0); pkt_name(p, "a"); pkt_u16(p, 1); }

static void b_hops_129(struct pkt *p);

static const struct bad_case bad[] = {
	{ "rule 1: shorter than a header", b_short, ST_TRUNC, "shorter than the 12-octet header" },
	{ "rule 2: longer than 65535", b_huge, ST_TOOBIG, "longer than 65535" },
	{ "CVE-2020-25109: ANCOUNT 65535", b_counts_over_data, ST_TRUNC, "answer record 1" },
	{ "QDCOUNT 65535 on an empty body", b_qd_over_data, ST_TRUNC, "question record 1" },
	{ "CVE-2020-15795: label past the end", b_label_past_end, ST_TRUNC, "label of 40 octets" },
	{ "CVE-2020-27737: no terminating zero", b_no_terminator, ST_TRUNC, "runs past the end" },
	{ "rule 6: label type 0x40", b_reserved_40, ST_MALFORMED, "reserved label type 0x40" },
	{ "rule 6: label type 0x80", b_reserved_80, ST_MALFORMED, "reserved label type 0x80" },
	{ "CVE-2020-27009: pointer to itself", b_ptr_self, ST_MALFORMED, "does not point backwards" },
	{ "CVE-2020-27009: forward pointer", b_ptr_forward, ST_MALFORMED, "does not point backwards" },
	{ "CVE-2020-27009: pointer into header", b_ptr_header, ST_MALFORMED, "inside the header" },
	{ "CVE-2020-27009: pointer beyond message", b_ptr_beyond, ST_MALFORMED,
	  "does not point backwards" },
	{ "pointer cut in half", b_ptr_half, ST_TRUNC, "cut in half" },
	{ "compression loop", b_ptr_loop_two, ST_MALFORMED, "does not point backwards" },
	{ "CVE-2020-11901: expansion past 255", b_expand_past_255, ST_MALFORMED,
	  "longer than 255 octets when expanded" },
	{ "GHSA-pjmc-gx33-gc76: 129 hops", b_hops_129, ST_MALFORMED,
	  "more than 128 compression pointers" },
	{ "rule 13: record header short", b_rr_header_short, ST_TRUNC, "needs 10 octets" },
	{ "CVE-2020-25108: RDLENGTH 65535", b_rdlen_65535, ST_TRUNC, "RDLENGTH 65535 exceeds" },
	{ "rule 15: A of 3", b_a_3, ST_MALFORMED, "RDLENGTH 3, must be 4" },
	{ "rule 15: A of 5", b_a_5, ST_MALFORMED, "RDLENGTH 5, must be 4" },
	{ "CVE-2017-1000381: A of 0", b_a_0, ST_MALFORMED, "RDLENGTH 0, must be 4" },
	{ "rule 15: AAAA of 4", b_aaaa_4, ST_MALFORMED, "RDLENGTH 4, must be 16" },
	{ "rule 15: AAAA of 17", b_aaaa_17, ST_MALFORMED, "RDLENGTH 17, must be 16" },
	{ "CVE-2017-1000381: MX of 0", b_mx_0, ST_MALFORMED, "RDLENGTH 0, MX needs" },
	{ "CVE-2017-1000381: MX of 2", b_mx_2, ST_MALFORMED, "RDLENGTH 2, MX needs" },
	{ "rule 14: MX name past RDATA", b_mx_name_past_rdata, ST_TRUNC, "past the end of the record data" },
	{ "rule 15: MX with slack", b_mx_slack, ST_MALFORMED, "1 octets of RDATA left after the name" },
	{ "CNAME of 0", b_cname_0, ST_MALFORMED, "empty RDATA" },
	{ "NS with two names", b_ns_two_names, ST_MALFORMED, "left after the name" },
	{ "CVE-2017-1000381: SOA of 21", b_soa_21, ST_MALFORMED, "RDLENGTH 21, SOA needs" },
	{ "CVE-2020-22217: SOA cut in serial", b_soa_cut_serial, ST_MALFORMED,
	  "19 octets after the SOA names" },
	{ "rule 16: pointer in SRV", b_srv_pointer, ST_MALFORMED, "forbids one" },
	{ "TXT of 0", b_txt_0, ST_MALFORMED, "empty TXT" },
	{ "rule 15: TXT inner length", b_txt_inner, ST_MALFORMED, "runs past RDLENGTH 4" },
	{ "rule 19: two OPT", b_two_opt, ST_MALFORMED, "second OPT record" },
	{ "rule 19: OPT in answer", b_opt_in_answer, ST_MALFORMED, "outside the additional" },
	{ "rule 19: OPT owner", b_opt_owner, ST_MALFORMED, "OPT owner is not the root" },
	{ "rule 19: option past RDLENGTH", b_opt_option_long, ST_MALFORMED, "runs past RDLENGTH 6" },
	{ "rule 19: option header cut", b_opt_option_cut, ST_MALFORMED, "option header cut short" },
	{ "question cut", b_question_cut, ST_TRUNC, "question type and class cut short" },
};

/*
 * A name reached through n pointers: the first record is opaque and its RDATA holds a chain
 * of n - 1 pointers (each to the one before, the first to the question name at 12); the
 * second record's owner points at the last of them. Returns the offset of that last one.
 */
static unsigned chain(struct pkt *p, int n, unsigned an)
{
	unsigned prev = 12;
	int i;

	pkt_init(p);
	pkt_header(p, 1, 0x8180, 1, an, 0, 0);
	pkt_question(p, "ab", DNS_T_A);
	pkt_ptr(p, 12);
	pkt_rrhead(p, 65280, 1, (unsigned)(2 * (n - 1)));
	for (i = 0; i < n - 1; i++) {
		unsigned here = (unsigned)p->n;

		pkt_ptr(p, prev);
		prev = here;
	}
	return prev;
}

static void hops(struct pkt *p, int n)
{
	unsigned last = chain(p, n, 2);

	pkt_ptr(p, last);
	pkt_rrhead(p, DNS_T_A, 1, 4);
	pkt_u32(p, 0);
}

static void b_hops_129(struct pkt *p) { hops(p, 129); }

START_TEST(malformed_table)
{
	const struct bad_case *c = &bad[_i];
	static struct pkt p;
	struct dns_msg *m = (struct dns_msg *)1;
	struct dns_err e;
	uint8_t *exact;
	int st;

	c->build(&p);
	/* Exact-size heap copy so ASan sees any read past the message. */
	exact = malloc(p.n);
	memcpy(exact, p.b, p.n);
	st = dns_msg_parse(exact, p.n, &m, &e);
	free(exact);
	ck_assert_ptr_null(m);
	ck_assert_msg(st == c->st, "%s: status %d, want %d (%s)", c->why, st, c->st, e.msg);
	ck_assert_msg(strstr(e.msg, c->defect) != NULL, "%s: message '%s' lacks '%s'", c->why,
	              e.msg, c->defect);
}
END_TEST

START_TEST(pointer_hops_128_129)
{
	static struct pkt p;
	struct dns_msg *m;

	hops(&p, 128);
	m = parse_ok(&p);
	dns_msg_free(m);
	hops(&p, 129);
	ck_assert_int_eq(dns_msg_parse(p.b, p.n, &m, NULL), ST_MALFORMED);
}
END_TEST

START_TEST(expanded_name_255_256)
{
	/* Four 63-octet labels (256 wire octets) vs three plus a 61-octet label (255). */
	static struct pkt p;
	struct dns_msg *m;
	struct dns_err e;
	int last;

	for (last = 61; last <= 62; last++) {
		int i;

		pkt_init(&p);
		pkt_header(&p, 1, 0x8180, 1, 0, 0, 0);
		for (i = 0; i < 4; i++) {
			int ll = i < 3 ? 63 : last, k;

			pkt_u8(&p, (unsigned)ll);
			for (k = 0; k < ll; k++)
				pkt_u8(&p, 'x');
		}
		pkt_u8(&p, 0);
		pkt_u16(&p, 1);
		pkt_u16(&p, 1);
		if (last == 61) {
			m = parse_ok(&p);
			ck_assert_uint_eq(m->qd[0].name.len, 255);
			dns_msg_free(m);
		} else {
			ck_assert_int_eq(dns_msg_parse(p.b, p.n, &m, &e), ST_MALFORMED);
			ck_assert_ptr_nonnull(strstr(e.msg, "longer than 255"));
		}
	}
}
END_TEST

START_TEST(many_long_pointer_chains_stay_bounded)
{
	/* GHSA-pjmc-gx33-gc76: a 64 kB message whose every owner is a 100-hop chain still
	 * parses; each name costs at most 128 hops and 255 octets, so the work is linear. */
	static struct pkt p;
	struct dns_msg *m;
	unsigned last = chain(&p, 100, 0), records = 1;

	while (p.n + 16 <= 65535) {
		pkt_ptr(&p, last);
		pkt_rrhead(&p, DNS_T_A, 1, 4);
		pkt_u32(&p, records);
		records++;
	}
	pkt_set16(&p, 6, records);
	m = parse_ok(&p);
	ck_assert_uint_eq(m->an, records);
	ck_assert_uint_gt(records, 4000);
	dns_msg_free(m);
}
END_TEST

/* ---- matching ---- */

START_TEST(reply_matching_table)
{
	struct pkt p;
	struct dns_name q;

	dns_name_from_text("Ab", 2, &q, NULL);
	hdr_q(&p, 0);
	ck_assert_int_eq(dns_reply_match(p.b, p.n, 1, &q, DNS_T_A, DNS_C_IN), DNS_MATCH_OK);
	ck_assert_int_eq(dns_reply_match(p.b, p.n, 2, &q, DNS_T_A, DNS_C_IN), DNS_MATCH_ID);
	ck_assert_int_eq(dns_reply_match(p.b, p.n, 1, &q, DNS_T_AAAA, DNS_C_IN), DNS_MATCH_QTYPE);
	ck_assert_int_eq(dns_reply_match(p.b, p.n, 1, &q, DNS_T_A, DNS_C_CH), DNS_MATCH_QCLASS);
	ck_assert_int_eq(dns_reply_match(p.b, 11, 1, &q, DNS_T_A, DNS_C_IN), DNS_MATCH_SHORT);
	ck_assert_int_eq(dns_reply_match(p.b, p.n - 1, 1, &q, DNS_T_A, DNS_C_IN), DNS_MATCH_QNAME);
	dns_name_from_text("ac", 2, &q, NULL);
	ck_assert_int_eq(dns_reply_match(p.b, p.n, 1, &q, DNS_T_A, DNS_C_IN), DNS_MATCH_QNAME);
	dns_name_from_text("ab", 2, &q, NULL);
	pkt_set16(&p, 2, 0x0180);                          /* QR = 0 */
	ck_assert_int_eq(dns_reply_match(p.b, p.n, 1, &q, DNS_T_A, DNS_C_IN),
	                 DNS_MATCH_NOT_RESPONSE);
	pkt_set16(&p, 2, 0x8980);                          /* opcode 1 */
	ck_assert_int_eq(dns_reply_match(p.b, p.n, 1, &q, DNS_T_A, DNS_C_IN), DNS_MATCH_OPCODE);
	pkt_set16(&p, 2, 0x8180);
	pkt_set16(&p, 4, 2);                               /* two questions */
	ck_assert_int_eq(dns_reply_match(p.b, p.n, 1, &q, DNS_T_A, DNS_C_IN), DNS_MATCH_QDCOUNT);
	pkt_set16(&p, 4, 0);
	ck_assert_int_eq(dns_reply_match(p.b, p.n, 1, &q, DNS_T_A, DNS_C_IN), DNS_MATCH_QDCOUNT);
	pkt_set16(&p, 2, 0x8181);                          /* FORMERR, no question */
	ck_assert_int_eq(dns_reply_match(p.b, p.n, 1, &q, DNS_T_A, DNS_C_IN),
	                 DNS_MATCH_FORMERR_NOQ);
	ck_assert_str_eq(dns_match_str(DNS_MATCH_ID), "wrong ID");
}
END_TEST

/* ---- presentation helpers ---- */

START_TEST(type_names)
{
	char b[DNS_TYPE_STRLEN];
	uint16_t t;

	ck_assert_str_eq(dns_type_str(15, b), "MX");
	ck_assert_str_eq(dns_type_str(65280, b), "TYPE65280");
	ck_assert_str_eq(dns_rcode_str(3, b), "NXDOMAIN");
	ck_assert_str_eq(dns_rcode_str(4000, b), "RCODE4000");
	ck_assert(dns_type_from_text("mx", &t) && t == 15);
	ck_assert(dns_type_from_text("AAAA", &t) && t == 28);
	ck_assert(dns_type_from_text("TYPE65535", &t) && t == 65535);
	ck_assert(dns_type_from_text("65535", &t) && t == 65535);
	ck_assert(!dns_type_from_text("65536", &t));
	ck_assert(!dns_type_from_text("TYPE65536", &t));
	ck_assert(!dns_type_from_text("MXX", &t));
	ck_assert(!dns_type_from_text("", &t));
}
END_TEST

START_TEST(hex_dumps)
{
	struct buf b;
	const char *why;
	static const char dump[] = "; a reply\n0x00 01 8180 # flags\n0001 0000 0000 0000\n"
	                           "0161 00 0001 0001\n";

	buf_init(&b, 1024);
	ck_assert(dns_looks_hex((const uint8_t *)dump, strlen(dump)));
	ck_assert_int_eq(dns_hex_decode((const uint8_t *)dump, strlen(dump), &b, &why), ST_OK);
	ck_assert_uint_eq(b.len, 19);
	ck_assert_mem_eq(b.data, "\0\1\x81\x80\0\1\0\0\0\0\0\0\1a\0\0\1\0\1", 19);
	buf_clear(&b);
	ck_assert_int_eq(dns_hex_decode((const uint8_t *)"abc", 3, &b, &why), ST_MALFORMED);
	ck_assert_str_eq(why, "an odd number of hex digits");
	ck_assert_int_eq(dns_hex_decode((const uint8_t *)"ag", 2, &b, &why), ST_MALFORMED);
	ck_assert(!dns_looks_hex((const uint8_t *)"\0\1\x81\x80", 4));
	ck_assert(!dns_looks_hex((const uint8_t *)"0001", 4));   /* too short for a header */
	buf_reset(&b);
}
END_TEST

static Suite *dns_msg_suite(void)
{
	Suite *s = suite_create("dns_msg");
	TCase *tc;

	tc = tcase_create("names");
	tcase_add_test(tc, name_label_limit_63_64);
	tcase_add_test(tc, name_total_limit_253_254);
	tcase_add_test(tc, name_escapes);
	tcase_add_test(tc, name_empty_labels_and_root);
	tcase_add_test(tc, name_compare_and_suffix);
	tcase_add_test(tc, name_hostile_octets_are_escaped);
	suite_add_tcase(s, tc);

	tc = tcase_create("builder");
	tcase_add_test(tc, query_builder_layout);
	tcase_add_test(tc, query_builder_longest_name);
	tcase_add_test(tc, query_ids_have_entropy);
	suite_add_tcase(s, tc);

	tc = tcase_create("core");
	tcase_add_test(tc, parse_mx_answer_with_compression);
	tcase_add_test(tc, parse_pointer_resumes_after_first_pointer);
	tcase_add_test(tc, parse_txt_soa_srv_unknown);
	tcase_add_test(tc, parse_zero_length_loops_advance);
	tcase_add_test(tc, parse_many_records_sized_by_content);
	tcase_add_test(tc, parse_update_with_empty_rdata);
	tcase_add_test(tc, parse_trailing_bytes_are_reported);
	tcase_add_test(tc, reply_matching_table);
	tcase_add_test(tc, type_names);
	tcase_add_test(tc, hex_dumps);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, pointer_hops_128_129);
	tcase_add_test(tc, expanded_name_255_256);
	tcase_add_test(tc, many_long_pointer_chains_stay_bounded);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, malformed_table, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dns_msg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
