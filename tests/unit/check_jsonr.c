/* Unit tests for the JSON reader: values, escapes, limits, malformed input, JSON Lines. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "jsonr.h"
#include "status.h"
#include "text.h"

static struct jr_val *ok(const char *s)
{
	struct jr_val *v = NULL;
	struct jr_err err;
	int st = jr_parse(s, strlen(s), 1, NULL, &v, &err);

	ck_assert_msg(st == ST_OK, "%s: %s", s, err.msg);
	return v;
}

START_TEST(values)
{
	struct jr_val *v = ok(" {\"a\": [1, -2, 3.5, 1e3, true, false, null, \"x\"], \"b\": {}} ");
	const struct jr_val *a = jr_get(v, "a");

	ck_assert_int_eq(v->type, JR_OBJ);
	ck_assert_uint_eq(a->n, 8);
	ck_assert(a->items[0].is_int && a->items[0].num == 1);
	ck_assert(a->items[1].is_int && a->items[1].num == -2);
	ck_assert(!a->items[2].is_int);
	ck_assert_str_eq(a->items[2].str, "3.5");
	ck_assert(!a->items[3].is_int);
	ck_assert(a->items[4].type == JR_BOOL && a->items[4].b);
	ck_assert(a->items[5].type == JR_BOOL && !a->items[5].b);
	ck_assert_int_eq(a->items[6].type, JR_NULL);
	ck_assert_str_eq(jr_str(&a->items[7]), "x");
	ck_assert_int_eq(jr_get(v, "b")->type, JR_OBJ);
	ck_assert_ptr_null(jr_get(v, "c"));
	ck_assert_ptr_null(jr_gets(v, "a"));
	jr_free(v);
}
END_TEST

START_TEST(escapes)
{
	struct jr_val *v = ok("\"q\\\"b\\\\s\\/n\\n\\t\\u00e9\\u20ac\\ud83d\\ude00\\u0000z\"");

	ck_assert_uint_eq(v->len, strlen("q\"b\\s/n\n\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") + 2);
	ck_assert(memcmp(v->str, "q\"b\\s/n\n\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\0z", v->len) == 0);
	ck_assert(utf8_valid(v->str, v->len));
	jr_free(v);
}
END_TEST

START_TEST(int_limits)
{
	struct jr_val *v = ok("9223372036854775807");

	ck_assert(v->is_int && v->num == INT64_MAX);
	jr_free(v);
	v = ok("9223372036854775808");           /* one more: kept as text only */
	ck_assert(!v->is_int);
	ck_assert_str_eq(v->str, "9223372036854775808");
	jr_free(v);
}
END_TEST

START_TEST(depth_limit)
{
	char s[2 * JSONR_MAX_DEPTH + 4];
	struct jr_val *v;
	int i;

	for (i = 0; i < JSONR_MAX_DEPTH; i++) {
		s[i] = '[';
		s[JSONR_MAX_DEPTH + i] = ']';
	}
	s[2 * JSONR_MAX_DEPTH] = 0;
	ck_assert_int_eq(jr_parse(s, strlen(s), 1, NULL, &v, NULL), ST_OK);   /* at the limit */
	jr_free(v);
	memmove(s + 1, s, strlen(s) + 1);
	s[0] = '[';
	strcat(s, "]");
	ck_assert_int_eq(jr_parse(s, strlen(s), 1, NULL, &v, NULL), ST_TOOBIG); /* one deeper */
	ck_assert_ptr_null(v);
}
END_TEST

/* JSONR_MAX_ITEMS members in one array are read; one more is refused. */
START_TEST(items_limit)
{
	size_t n = JSONR_MAX_ITEMS, len = 2 * n + 2, i;
	char *s = malloc(len + 1);
	struct jr_val *v;
	struct jr_err err;

	ck_assert_ptr_nonnull(s);
	s[0] = '[';
	for (i = 0; i < n; i++) {
		s[1 + 2 * i] = '0';
		s[2 + 2 * i] = ',';
	}
	s[2 * n] = ']';                      /* the last ',' closes: n = JSONR_MAX_ITEMS members */
	ck_assert_int_eq(jr_parse(s, 2 * n + 1, 1, NULL, &v, &err), ST_OK);
	ck_assert_uint_eq(v->n, JSONR_MAX_ITEMS);
	jr_free(v);
	s[2 * n] = ',';
	s[2 * n + 1] = '0';
	s[2 * n + 2] = ']';                  /* one more */
	ck_assert_int_eq(jr_parse(s, 2 * n + 3, 1, NULL, &v, &err), ST_TOOBIG);
	ck_assert_str_eq(err.msg, "too many members");
	free(s);
}
END_TEST

struct bad_case {
	const char *in;
	int st;
	const char *msg;
};

static const struct bad_case bads[] = {
	{ "", ST_TRUNC, "unexpected end of file" },
	{ "   ", ST_TRUNC, "unexpected end of file" },
	{ "{", ST_TRUNC, "unexpected end of file" },
	{ "[1,", ST_TRUNC, "unexpected end of file" },
	{ "\"abc", ST_TRUNC, "unterminated string" },
	{ "{\"a\" 1}", ST_MALFORMED, "expected ':'" },
	{ "{1: 2}", ST_MALFORMED, "expected a member name" },
	{ "[1 2]", ST_MALFORMED, "expected ',' or ']'" },
	{ "[1,]", ST_MALFORMED, "unexpected character ']'" },
	{ "tru", ST_TRUNC, "unexpected end of file" },
	{ "nul", ST_TRUNC, "unexpected end of file" },
	{ "trux", ST_MALFORMED, "unexpected character 't'" },
	{ "-", ST_MALFORMED, "number without digits" },
	{ "1.", ST_MALFORMED, "no digit after '.'" },
	{ "1e", ST_MALFORMED, "no digit in the exponent" },
	{ "\"\\x\"", ST_MALFORMED, "bad escape '\\x'" },
	{ "\"\\u12\"", ST_MALFORMED, "bad \\u escape" },
	{ "\"\\ud800\"", ST_MALFORMED, "unpaired surrogate" },
	{ "\"\\udc00\"", ST_MALFORMED, "unpaired surrogate" },
	{ "\"\\ud800\\u0041\"", ST_MALFORMED, "unpaired surrogate" },
	{ "\"a\nb\"", ST_MALFORMED, "control character in a string" },
	{ "\"\xff\"", ST_MALFORMED, "string too long or not UTF-8" },
	{ "\"\xc0\xaf\"", ST_MALFORMED, "string too long or not UTF-8" },
	{ "'single'", ST_MALFORMED, "unexpected character '''" },
	{ "{\"a\":}", ST_MALFORMED, "unexpected character '}'" },
	{ "\x01", ST_MALFORMED, "unexpected byte 0x01" },
};

START_TEST(malformed)
{
	const struct bad_case *c = &bads[_i];
	struct jr_val *v = (struct jr_val *)1;
	struct jr_err err = { 0, 0, "" };

	ck_assert_int_eq(jr_parse(c->in, strlen(c->in), 1, NULL, &v, &err), c->st);
	ck_assert_ptr_null(v);
	ck_assert_msg(err.msg[0], "no reason for %s", c->in);
	ck_assert_str_eq(err.msg, c->msg);
}
END_TEST

START_TEST(json_lines)
{
	static const char s[] = "{\"n\":1}\n{\"n\":2}\n\n{\"n\":3}\n";
	size_t pos = 0, used, k = 0;
	struct jr_val *v;

	while (pos < sizeof(s) - 1) {
		int st = jr_parse(s + pos, sizeof(s) - 1 - pos, 1, &used, &v, NULL);

		if (st == ST_TRUNC)
			break;
		ck_assert_int_eq(st, ST_OK);
		ck_assert_int_eq(jr_get(v, "n")->num, (int64_t)++k);
		jr_free(v);
		pos += used;
	}
	ck_assert_uint_eq(k, 3);
}
END_TEST

START_TEST(line_numbers)
{
	static const char s[] = "{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"b\": @\n}";
	struct jr_val *v;
	struct jr_err err;

	ck_assert_int_eq(jr_parse(s, 30, 1, NULL, &v, &err), ST_TRUNC);
	ck_assert_int_eq(jr_parse(s, sizeof(s) - 1, 1, NULL, &v, &err), ST_MALFORMED);
	ck_assert_uint_eq(err.line, 6);
	ck_assert_str_eq(err.msg, "unexpected character '@'");
	v = ok("{\n\"a\": [\n1,\n[2]]}");
	ck_assert_uint_eq(v->line, 1);
	ck_assert_uint_eq(jr_get(v, "a")->line, 2);
	ck_assert_uint_eq(jr_get(v, "a")->items[1].line, 4);
	ck_assert_uint_eq(jr_depth(v), 3);
	jr_free(v);
}
END_TEST

static Suite *jsonr_suite(void)
{
	Suite *s = suite_create("jsonr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, values);
	tcase_add_test(tc, escapes);
	tcase_add_test(tc, json_lines);
	tcase_add_test(tc, line_numbers);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, int_limits);
	tcase_add_test(tc, depth_limit);
	tcase_add_test(tc, items_limit);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, malformed, 0, (int)(sizeof(bads) / sizeof(bads[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(jsonr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
