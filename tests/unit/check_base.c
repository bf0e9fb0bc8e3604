/* Unit tests for the base layer: cursor, buffer, text, JSON writer, trail, clock. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "cursor.h"
#include "json.h"
#include "status.h"
#include "text.h"
#include "trail.h"

/* ---- cursor ---- */

START_TEST(cursor_reads_big_endian)
{
	static const uint8_t d[] = { 1, 2, 3, 4, 5, 6, 7 };
	struct cursor c;

	cur_init(&c, d, sizeof(d));
	ck_assert_uint_eq(cur_u8(&c), 1);
	ck_assert_uint_eq(cur_u16(&c), 0x0203);
	ck_assert_uint_eq(cur_u32(&c), 0x04050607);
	ck_assert_uint_eq(cur_avail(&c), 0);
	ck_assert_int_eq(cur_err(&c), ST_OK);
}
END_TEST

START_TEST(cursor_limits_first_valid_first_invalid)
{
	static const uint8_t d[4] = { 0xff, 0xfe, 0xfd, 0xfc };
	struct cursor c;
	uint8_t out[5];

	cur_init(&c, d, sizeof(d));
	cur_copy(&c, out, 4);               /* exactly what is there: valid */
	ck_assert_int_eq(cur_err(&c), ST_OK);
	cur_init(&c, d, sizeof(d));
	memset(out, 0xAA, sizeof(out));
	cur_copy(&c, out, 5);               /* one more: invalid, zero-filled */
	ck_assert_int_eq(cur_err(&c), ST_TRUNC);
	ck_assert_uint_eq(out[0], 0);
	cur_init(&c, d, 3);
	(void)cur_u16(&c);
	(void)cur_u16(&c);                  /* needs 2, has 1 */
	ck_assert_int_eq(cur_err(&c), ST_TRUNC);
}
END_TEST

START_TEST(cursor_error_is_sticky)
{
	static const uint8_t d[] = { 9, 8 };
	struct cursor c;

	cur_init(&c, d, 2);
	(void)cur_u32(&c);
	ck_assert_int_eq(cur_err(&c), ST_TRUNC);
	ck_assert_uint_eq(cur_u8(&c), 0);    /* further reads are no-ops */
	ck_assert_uint_eq(cur_avail(&c), 0);
	ck_assert_ptr_null(cur_take(&c, 1));
	cur_fail(&c, ST_MALFORMED);         /* the first error wins */
	ck_assert_int_eq(cur_err(&c), ST_TRUNC);
}
END_TEST

START_TEST(cursor_seek_bounds)
{
	static const uint8_t d[] = { 1, 2, 3 };
	struct cursor c;

	cur_init(&c, d, 3);
	cur_seek(&c, 3);
	ck_assert_int_eq(cur_err(&c), ST_OK);
	cur_seek(&c, 4);
	ck_assert_int_eq(cur_err(&c), ST_TRUNC);
	cur_init(&c, NULL, 10);             /* NULL range reads as empty */
	ck_assert_uint_eq(cur_avail(&c), 0);
	cur_skip(&c, (size_t)-1);           /* huge skip cannot wrap */
	ck_assert_int_eq(cur_err(&c), ST_TRUNC);
}
END_TEST

/* ---- buffer ---- */

START_TEST(buf_ceiling_first_valid_first_invalid)
{
	struct buf b;

	buf_init(&b, 8);
	ck_assert_int_eq(buf_add(&b, "12345678", 8), ST_OK);   /* exactly max */
	ck_assert_str_eq(buf_str(&b), "12345678");
	ck_assert_int_eq(buf_addc(&b, '9'), ST_TOOBIG);         /* one past */
	ck_assert_ptr_null(b.data);                             /* freed itself */
	ck_assert_uint_eq(b.len, 0);
	ck_assert_int_eq(buf_adds(&b, "x"), ST_TOOBIG);         /* refuses until reset */
	ck_assert_str_eq(buf_str(&b), "");
	buf_reset(&b);
	ck_assert_int_eq(buf_adds(&b, "ok"), ST_OK);
	buf_reset(&b);
}
END_TEST

START_TEST(buf_printf_grows)
{
	struct buf b;
	int i;

	buf_init(&b, 0);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(buf_printf(&b, "%04d,", i), ST_OK);
	ck_assert_uint_eq(b.len, 5000);
	ck_assert(strncmp(buf_str(&b) + 4995, "0999,", 5) == 0);
	buf_truncate(&b, 4);
	ck_assert_str_eq(buf_str(&b), "0000");
	{
		size_t n;
		char *s = buf_steal(&b, &n);

		ck_assert_uint_eq(n, 4);
		ck_assert_str_eq(s, "0000");
		free(s);
	}
	ck_assert_ptr_null(b.data);
	buf_reset(&b);
}
END_TEST

START_TEST(buf_printf_ceiling)
{
	struct buf b;

	buf_init(&b, 10);
	ck_assert_int_eq(buf_printf(&b, "%s", "0123456789"), ST_OK);
	buf_clear(&b);
	ck_assert_int_eq(buf_printf(&b, "%s", "0123456789A"), ST_TOOBIG);
	buf_reset(&b);
}
END_TEST

/* ---- text ---- */

struct utf8_case {
	const char *bytes;
	size_t len;
	bool valid;
};

static const struct utf8_case utf8_cases[] = {
	{ "plain", 5, true },
	{ "\xc3\xa9", 2, true },                 /* é */
	{ "\xc0\xaf", 2, false },                /* overlong / */
	{ "\xc1\xbf", 2, false },                /* overlong */
	{ "\xe0\x9f\xbf", 3, false },            /* overlong 3-byte */
	{ "\xe0\xa0\x80", 3, true },             /* first valid 3-byte */
	{ "\xed\x9f\xbf", 3, true },             /* last before surrogates */
	{ "\xed\xa0\x80", 3, false },            /* first surrogate */
	{ "\xf0\x8f\xbf\xbf", 4, false },        /* overlong 4-byte */
	{ "\xf0\x90\x80\x80", 4, true },         /* U+10000 */
	{ "\xf4\x8f\xbf\xbf", 4, true },         /* U+10FFFF: last valid */
	{ "\xf4\x90\x80\x80", 4, false },        /* U+110000: first invalid */
	{ "\xf5\x80\x80\x80", 4, false },
	{ "\xe2\x82", 2, false },                /* truncated */
	{ "\x80", 1, false },                    /* lone continuation */
	{ "a\0b", 3, true },                     /* NUL is valid UTF-8 */
};

START_TEST(utf8_table)
{
	const struct utf8_case *c = &utf8_cases[_i];

	ck_assert_msg(utf8_valid(c->bytes, c->len) == c->valid, "case %d", _i);
}
END_TEST

START_TEST(sanitize_controls_and_invalid)
{
	struct buf b;
	static const char in[] = "ok\x1b[31m\tx\xff\xc2\x85y\x7f\\";

	buf_init(&b, 0);
	text_sanitize(&b, in, sizeof(in) - 1, false);
	ck_assert_str_eq(buf_str(&b), "ok\\x1b[31m\\x09x\\xff\\u0085y\\x7f\\");
	buf_clear(&b);
	text_sanitize(&b, "a\tb", 3, true);
	ck_assert_str_eq(buf_str(&b), "a\tb");
	buf_clear(&b);
	latin1_to_utf8(&b, "caf\xe9", 4);
	ck_assert_str_eq(buf_str(&b), "caf\xc3\xa9");
	buf_reset(&b);
}
END_TEST

START_TEST(parse_uint_limits)
{
	uint64_t v;

	ck_assert(parse_uint("65535", 5, 65535, &v) && v == 65535);
	ck_assert(!parse_uint("65536", 5, 65535, &v));
	ck_assert(!parse_uint("", 0, 10, &v));
	/* regression: a single digit above a small max wrapped (max - d) and passed */
	ck_assert(parse_uint("3", 1, 3, &v) && v == 3);
	ck_assert(!parse_uint("4", 1, 3, &v));
	ck_assert(!parse_uint("9", 1, 0, &v));
	ck_assert(parse_uint("0", 1, 0, &v) && v == 0);
	ck_assert(parse_uint("9", 1, 9, &v) && v == 9);
	ck_assert(!parse_uint("10", 2, 9, &v));
	ck_assert(!parse_uint("1a", 2, 100, &v));
	ck_assert(!parse_uint("-1", 2, 100, &v));
	ck_assert(parse_uint("18446744073709551615", 20, UINT64_MAX, &v) && v == UINT64_MAX);
	ck_assert(!parse_uint("18446744073709551616", 20, UINT64_MAX, &v));
	ck_assert(ascii_ieq("Whois.ARIN.net", "whois.arin.NET"));
	ck_assert(!ascii_ieq("whois", "whoi"));
	ck_assert(ascii_istarts("ReferralServer: x", "referralserver:"));
}
END_TEST

START_TEST(mem_find_edges)
{
	static const char hay[] = "abcabd\0abd";

	ck_assert_ptr_eq(mem_find(hay, 10, "abd", 3), hay + 3);
	ck_assert_ptr_eq(mem_find(hay + 4, 6, "abd", 3), hay + 7);     /* across a NUL */
	ck_assert_ptr_null(mem_find(hay, 5, "abd", 3));                /* needle past the end */
	ck_assert_ptr_eq(mem_find(hay, 6, "abd", 3), hay + 3);         /* ends exactly at n */
	ck_assert_ptr_eq(mem_find(hay, 3, "", 0), hay);
	ck_assert_ptr_null(mem_find(hay, 2, "abc", 3));                /* shorter hay */
}
END_TEST

/* ---- json ---- */

START_TEST(json_structure_and_escaping)
{
	struct buf b;
	struct json j;

	buf_init(&b, 0);
	json_init(&j, &b, false);
	json_obj_begin(&j);
	json_kstr(&j, "a", "q\"b\\s\n\x01\x7f");
	json_key(&j, "list");
	json_arr_begin(&j);
	json_int(&j, -3);
	json_uint(&j, 18446744073709551615u);
	json_bool(&j, true);
	json_null(&j);
	json_strn(&j, "\xff\xe2\x80\xa8z", 5);
	json_arr_end(&j);
	json_key(&j, "empty");
	json_obj_begin(&j);
	json_obj_end(&j);
	json_obj_end(&j);
	ck_assert_int_eq(json_finish(&j), ST_OK);
	ck_assert_str_eq(buf_str(&b),
	                 "{\"a\":\"q\\\"b\\\\s\\n\\u0001\\u007f\",\"list\":[-3,"
	                 "18446744073709551615,true,null,\"\\ufffd\\u2028z\"],\"empty\":{}}");
	buf_reset(&b);
}
END_TEST

START_TEST(json_pretty)
{
	struct buf b;
	struct json j;

	buf_init(&b, 0);
	json_init(&j, &b, true);
	json_obj_begin(&j);
	json_kint(&j, "n", 1);
	json_key(&j, "l");
	json_arr_begin(&j);
	json_str(&j, "x");
	json_arr_end(&j);
	json_obj_end(&j);
	ck_assert_int_eq(json_finish(&j), ST_OK);
	ck_assert_str_eq(buf_str(&b), "{\n  \"n\": 1,\n  \"l\": [\n    \"x\"\n  ]\n}\n");
	buf_reset(&b);
}
END_TEST

START_TEST(json_depth_limit)
{
	struct buf b;
	struct json j;
	int i;

	buf_init(&b, 0);
	json_init(&j, &b, false);
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		json_arr_begin(&j);                  /* exactly the limit: fine */
	ck_assert_int_eq(j.err, ST_OK);
	json_arr_begin(&j);                          /* one deeper: refused */
	ck_assert_int_eq(j.err, ST_TOOBIG);
	buf_reset(&b);

	json_init(&j, &b, false);
	json_obj_end(&j);                            /* close without open */
	ck_assert_int_eq(json_finish(&j), ST_INVAL);
	json_init(&j, &b, false);
	json_obj_begin(&j);                          /* unfinished document */
	ck_assert_int_eq(json_finish(&j), ST_INVAL);
	buf_reset(&b);
}
END_TEST

/* ---- trail and clock ---- */

START_TEST(clock_format)
{
	char s[32];

	clock_fmt_utc(0, s, sizeof(s));
	ck_assert_str_eq(s, "1970-01-01T00:00:00.000Z");
	clock_fmt_utc(1796342400123LL, s, sizeof(s));
	ck_assert_str_eq(s, "2026-12-04T00:00:00.123Z");
}
END_TEST

START_TEST(trail_golden_record)
{
	struct clock clk;
	struct trail t;
	struct trail_rec r;
	char *jbuf = NULL, *hbuf = NULL;
	size_t jlen = 0, hlen = 0;
	FILE *jf = open_memstream(&jbuf, &jlen);
	FILE *hf = open_memstream(&hbuf, &hlen);

	clock_fixed_init(&clk, 1796342400000LL);
	trail_init(&t, jf, hf, &clk);
	trail_rec_init(&r);
	r.step = "mx";
	r.proto = "udp";
	r.server = "127.0.0.53";
	r.port = 53;
	r.src_port = 40000;
	r.qname = "evil\n.example";
	r.qtype = "MX";
	r.qid = 4660;
	r.bytes_out = 40;
	r.bytes_in = 90;
	r.outcome = "answer";
	r.rcode = 0;
	r.cause = "reply domain";
	trail_write(&t, &r);
	fclose(jf);
	fclose(hf);
	ck_assert_str_eq(jbuf,
	                 "{\"time\":\"2026-12-04T00:00:00.000Z\",\"step\":\"mx\",\"proto\":\"udp\","
	                 "\"server\":\"127.0.0.53\",\"port\":53,\"src_port\":40000,"
	                 "\"qname\":\"evil\\n.example\",\"qtype\":\"MX\",\"qid\":4660,"
	                 "\"bytes_out\":40,\"bytes_in\":90,\"elapsed_ms\":0,\"outcome\":\"answer\","
	                 "\"rcode\":0,\"cause\":\"reply domain\"}\n");
	ck_assert_str_eq(hbuf, ";; mx: evil\\x0a.example MX -> answer, received 90 bytes from "
	                       "127.0.0.53#53(udp) in 0 ms, sent 40, id 4660, from port 40000 "
	                       "[cause: reply domain]\n");
	ck_assert_uint_eq(t.records, 1);
	free(jbuf);
	free(hbuf);
	trail_write(NULL, &r);                       /* no trail: no-op */
}
END_TEST

START_TEST(trail_proxy_member)
{
	struct clock clk;
	struct trail t;
	struct trail_rec r;
	char *jbuf = NULL, *hbuf = NULL;
	size_t jlen = 0, hlen = 0;
	FILE *jf = open_memstream(&jbuf, &jlen);
	FILE *hf = open_memstream(&hbuf, &hlen);

	clock_fixed_init(&clk, 1796342400000LL);
	trail_init(&t, jf, hf, &clk);
	trail_rec_init(&r);
	r.step = "whois-ip";
	r.proto = "whois";
	r.port = 43;
	r.server_name = "whois.ripe.net";
	r.proxy = "socks5 192.0.2.9:1080";
	r.qname = "192.0.2.1";
	r.outcome = "answered";
	trail_write(&t, &r);
	fclose(jf);
	fclose(hf);
	/* the target has no address (the proxy resolved its name): no "server" member */
	ck_assert_str_eq(jbuf,
	                 "{\"time\":\"2026-12-04T00:00:00.000Z\",\"step\":\"whois-ip\","
	                 "\"proto\":\"whois\",\"port\":43,\"server_name\":\"whois.ripe.net\","
	                 "\"proxy\":\"socks5 192.0.2.9:1080\",\"qname\":\"192.0.2.1\","
	                 "\"elapsed_ms\":0,\"outcome\":\"answered\"}\n");
	ck_assert_str_eq(hbuf, ";; whois-ip: 192.0.2.1 -> answered, no reply from whois.ripe.net"
	                       "#43(whois) via socks5 192.0.2.9:1080 in 0 ms\n");
	free(jbuf);
	free(hbuf);
}
END_TEST

START_TEST(status_names)
{
	ck_assert_str_eq(status_str(ST_OK), "ok");
	ck_assert_str_eq(status_str(ST_TOOBIG), "too large");
	ck_assert_str_eq(status_str(-1), "unknown status");
	ck_assert_str_eq(status_str(ST__COUNT), "unknown status");
}
END_TEST

static Suite *base_suite(void)
{
	Suite *s = suite_create("base");
	TCase *tc;

	tc = tcase_create("cursor");
	tcase_add_test(tc, cursor_reads_big_endian);
	tcase_add_test(tc, cursor_limits_first_valid_first_invalid);
	tcase_add_test(tc, cursor_error_is_sticky);
	tcase_add_test(tc, cursor_seek_bounds);
	suite_add_tcase(s, tc);

	tc = tcase_create("buf");
	tcase_add_test(tc, buf_ceiling_first_valid_first_invalid);
	tcase_add_test(tc, buf_printf_grows);
	tcase_add_test(tc, buf_printf_ceiling);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_loop_test(tc, utf8_table, 0, (int)(sizeof(utf8_cases) / sizeof(utf8_cases[0])));
	tcase_add_test(tc, sanitize_controls_and_invalid);
	tcase_add_test(tc, parse_uint_limits);
	tcase_add_test(tc, mem_find_edges);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_test(tc, json_structure_and_escaping);
	tcase_add_test(tc, json_pretty);
	tcase_add_test(tc, json_depth_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("trail");
	tcase_add_test(tc, clock_format);
	tcase_add_test(tc, trail_golden_record);
	tcase_add_test(tc, trail_proxy_member);
	tcase_add_test(tc, status_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(base_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
