/* Unit tests for reply-address ranking: fixtures per case, exclusions, limits, the mbox API. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrs.h"
#include "status.h"
#include "util_mail.h"

#define FIX "tests/fixtures/mail/"

static struct addrs_result *analyze_file(const char *path)
{
	struct addrs_result *r = NULL;
	size_t n;
	char *d = util_read_file(path, &n);

	ck_assert_msg(d != NULL, "fixture %s missing", path);
	ck_assert_int_eq(addrs_analyze(d, n, NULL, &r), ST_OK);
	free(d);
	ck_assert_int_eq(r->status, ST_OK);
	return r;
}

static struct addrs_result *analyze_str(const char *s, const struct addrs_opts *o)
{
	struct addrs_result *r = NULL;

	ck_assert_int_eq(addrs_analyze(s, strlen(s), o, &r), ST_OK);
	return r;
}

static const struct addrs_candidate *cand(const struct addrs_result *r, const char *addr)
{
	size_t i;

	for (i = 0; i < r->ncand; i++)
		if (strcmp(r->cand[i].address_ascii, addr) == 0)
			return &r->cand[i];
	return NULL;
}

static const struct addrs_excluded *excl(const struct addrs_result *r, const char *addr)
{
	size_t i;

	for (i = 0; i < r->nexcl; i++)
		if (strcmp(r->excl[i].address, addr) == 0)
			return &r->excl[i];
	return NULL;
}

struct fixture_case {
	const char *file;
	const char *top;          /* expected first candidate (ASCII form) */
	enum addrs_role role;
	const char *freemail;     /* provider name prefix, or NULL */
	const char *excluded;     /* an address that must be excluded */
	enum addrs_why why;
};

static const struct fixture_case fixtures[] = {
	{ "reply-to-freemail.eml", "claims.desk@gmail.com", ADDRS_REPLY_TO, "Google",
	  "victim@home.example", ADDRS_X_RECIPIENT },
	{ "body-obfuscated.eml", "james.private@crookmail.example", ADDRS_BODY, NULL,
	  "victim@home.example", ADDRS_X_RECIPIENT },
	{ "base64-html.eml", "agent@crookmail.example", ADDRS_BODY, NULL,
	  "victim@home.example", ADDRS_X_RECIPIENT },
	{ "qp-softbreak.eml", "herr.m\xc3\xbcller.privat@crookmail.example", ADDRS_BODY, NULL,
	  "opfer@home.example", ADDRS_X_RECIPIENT },
	{ "koi8r-8bit.eml", "ivan.petrov@crookmail.example", ADDRS_BODY, NULL,
	  "victim@home.example", ADDRS_X_RECIPIENT },
	{ "forwarded-rfc822.eml", "dr.crook.private@outlook.com", ADDRS_REPLY_TO, "Microsoft",
	  "abuse-team@isp.example", ADDRS_X_RECIPIENT },
	{ "idn-rfc2231.eml", "kontakt@xn--bcher-crook-thb.example", ADDRS_REPLY_TO, NULL,
	  "victim@home.example", ADDRS_X_RECIPIENT },
};

START_TEST(fixture_top_candidates)
{
	const struct fixture_case *fc = &fixtures[_i];
	char path[256];
	struct addrs_result *r;
	const struct addrs_excluded *x;

	snprintf(path, sizeof(path), FIX "%s", fc->file);
	r = analyze_file(path);
	ck_assert_msg(r->ncand > 0, "%s: no candidate", fc->file);
	ck_assert_msg(strcmp(r->cand[0].address_ascii, fc->top) == 0, "%s: top is %s, want %s",
	              fc->file, r->cand[0].address_ascii, fc->top);
	ck_assert_int_eq(r->cand[0].role, fc->role);
	if (fc->freemail)
		ck_assert(r->cand[0].freemail &&
		          strncmp(r->cand[0].freemail->name, fc->freemail, strlen(fc->freemail)) == 0);
	else
		ck_assert(r->cand[0].freemail == NULL);
	ck_assert(r->cand[0].nev > 0);
	x = excl(r, fc->excluded);
	ck_assert_msg(x != NULL, "%s: %s not listed as excluded", fc->file, fc->excluded);
	ck_assert_int_eq(x->why, fc->why);
	ck_assert(cand(r, fc->excluded) == NULL);
	addrs_result_free(r);
}
END_TEST

START_TEST(evidence_says_why)
{
	struct addrs_result *r = analyze_file(FIX "reply-to-freemail.eml");
	const struct addrs_candidate *c = &r->cand[0];
	size_t i;
	bool header = false, body = false;

	for (i = 0; i < c->nev; i++) {
		if (c->ev[i].source == ADDRS_SRC_HEADER) {
			header = true;
			ck_assert(strstr(c->ev[i].where, "Reply-To header, line 7") != NULL);
			ck_assert(strstr(c->ev[i].note, "differs from From") != NULL);
		} else {
			body = true;
			ck_assert(strstr(c->ev[i].note, "asks for replies") != NULL);
			ck_assert(strstr(c->ev[i].phrase, "Contact our claims desk") != NULL);
		}
	}
	ck_assert(header && body);
	/* corroborated by the body: outranks a plain Reply-To */
	ck_assert_int_gt(c->score, 90);
	/* the forged From is a weak candidate */
	ck_assert(cand(r, "notices@bank-of-trust.example")->score < c->score);
	addrs_result_free(r);
}
END_TEST

START_TEST(obfuscation_is_marked)
{
	struct addrs_result *r = analyze_file(FIX "body-obfuscated.eml");

	ck_assert(r->cand[0].obfuscated);
	ck_assert(strstr(r->cand[0].ev[0].note, "de-obfuscated") != NULL);
	ck_assert(strstr(r->cand[0].ev[0].phrase, "(at) crookmail (dot) example") != NULL);
	addrs_result_free(r);
}
END_TEST

START_TEST(decoding_steps_recorded)
{
	struct addrs_result *r = analyze_file(FIX "base64-html.eml");
	const struct addrs_candidate *c = cand(r, "agent@crookmail.example");

	ck_assert(c != NULL);
	ck_assert(strstr(c->ev[0].steps, "base64") != NULL);
	ck_assert(strstr(c->ev[0].steps, "html") != NULL);
	ck_assert(strstr(c->ev[0].note, "mailto") != NULL);
	/* second address written with &commat; */
	ck_assert(cand(r, "support@parcel-crook.example") != NULL);
	/* script, style and comments are not text */
	ck_assert(cand(r, "fake@script.example") == NULL);
	ck_assert(cand(r, "hidden@comment.example") == NULL);
	addrs_result_free(r);
	r = analyze_file(FIX "koi8r-8bit.eml");
	ck_assert(strstr(r->cand[0].ev[0].steps, "koi8-r") != NULL);
	ck_assert_str_eq(r->subject, "\xd0\xa1\xd1\x80\xd0\xbe\xd1\x87\xd0\xbd\xd0\xbe");
	addrs_result_free(r);
}
END_TEST

START_TEST(infrastructure_only_gives_nothing)
{
	struct addrs_result *r = analyze_file(FIX "infra-only.eml");

	ck_assert_uint_eq(r->ncand, 0);
	ck_assert_int_eq(excl(r, "MAILER-DAEMON@mx.home.example")->why, ADDRS_X_INFRA);
	ck_assert_int_eq(excl(r, "postmaster@home.example")->why, ADDRS_X_INFRA);
	ck_assert_int_eq(excl(r, "no-reply@home.example")->why, ADDRS_X_INFRA);
	ck_assert_int_eq(excl(r, "victim@home.example")->why, ADDRS_X_RECIPIENT);
	addrs_result_free(r);
}
END_TEST

START_TEST(user_exclusions)
{
	static const char *mine[] = { "Claims.Desk@gmail.com" };
	struct addrs_opts o;
	size_t n;
	char *d = util_read_file(FIX "reply-to-freemail.eml", &n);
	struct addrs_result *r = NULL;

	memset(&o, 0, sizeof(o));
	o.exclude = mine;
	o.nexclude = 1;
	ck_assert_int_eq(addrs_analyze(d, n, &o, &r), ST_OK);
	ck_assert(cand(r, "claims.desk@gmail.com") == NULL);
	ck_assert_int_eq(excl(r, "claims.desk@gmail.com")->why, ADDRS_X_USER);
	addrs_result_free(r);
	free(d);
}
END_TEST

START_TEST(victim_never_candidate)
{
	/* the victim's address in Cc, Bcc, X-Original-To and Received "for" */
	static const char *const msgs[] = {
		"From: a@crook.example\nCc: me@home.example\n\nwrite to me@home.example\n",
		"From: a@crook.example\nBcc: me@home.example\n\nreply: me@home.example\n",
		"From: a@crook.example\nX-Original-To: me@home.example\n\nContact me@home.example\n",
		"Received: from x by y\n for <me@home.example>; Mon, 1 Jan 2026\nFrom: a@crook.example"
		"\nReply-To: me@home.example\n\nhi\n",
		"From: a@crook.example\nOriginal-Recipient: rfc822;me@home.example\n\nme@home.example\n",
	};
	size_t i;

	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		struct addrs_result *r = analyze_str(msgs[i], NULL);

		ck_assert_msg(cand(r, "me@home.example") == NULL, "case %zu", i);
		ck_assert_msg(excl(r, "me@home.example") != NULL, "case %zu", i);
		ck_assert_msg(cand(r, "a@crook.example") != NULL, "case %zu", i);
		addrs_result_free(r);
	}
}
END_TEST

START_TEST(url_quote_msgid_not_candidates)
{
	struct addrs_result *r = analyze_str(
		"From: a@crook.example\n\n"
		"see http://user@tracker.crook.example/x\n"
		"> On Monday old@quoted.example wrote: contact old@quoted.example\n"
		"Message-ID: <id123@mailer.crook.example>\n"
		"Write to real@crook-drop.example\n", NULL);

	ck_assert(cand(r, "user@tracker.crook.example") == NULL);
	ck_assert_int_eq(excl(r, "user@tracker.crook.example")->why, ADDRS_X_URL);
	ck_assert(cand(r, "old@quoted.example") == NULL);
	ck_assert_int_eq(excl(r, "old@quoted.example")->why, ADDRS_X_QUOTED);
	ck_assert(cand(r, "id123@mailer.crook.example") == NULL);
	ck_assert_str_eq(r->cand[0].address, "real@crook-drop.example");
	addrs_result_free(r);
}
END_TEST

START_TEST(reply_to_outranks_body_and_from)
{
	struct addrs_result *r = analyze_str(
		"From: boss@crook.example\nReply-To: drop@crookmail.example\n\n"
		"Please contact our agent at agent@crook-agents.example\n", NULL);

	ck_assert_str_eq(r->cand[0].address, "drop@crookmail.example");
	ck_assert_str_eq(r->cand[1].address, "agent@crook-agents.example");
	ck_assert_str_eq(r->cand[2].address, "boss@crook.example");
	addrs_result_free(r);
}
END_TEST

START_TEST(dkim_pass_strengthens_from)
{
	struct addrs_result *r = analyze_str(
		"Authentication-Results: mx.home.example; dkim=pass header.d=gmail.com\n"
		"From: Real Crook <real.crook@gmail.com>\n\nhello\n", NULL);

	ck_assert_str_eq(r->cand[0].address, "real.crook@gmail.com");
	ck_assert_int_ge(r->cand[0].score, 75);
	ck_assert(strstr(r->cand[0].ev[0].note, "DKIM") != NULL);
	addrs_result_free(r);
}
END_TEST

START_TEST(message_cap_first_valid_first_invalid)
{
	struct addrs_opts o;
	struct addrs_result *r;
	char *m = malloc(2048);

	memset(&o, 0, sizeof(o));
	o.max_message = 2048;
	memset(m, 'x', 2048);
	memcpy(m, "From: a@crook.example\n\n", 23);
	ck_assert_int_eq(addrs_analyze(m, 2048, &o, &r), ST_OK);   /* exactly the cap */
	ck_assert_int_eq(r->status, ST_OK);
	ck_assert_uint_eq(r->ncand, 1);
	addrs_result_free(r);
	o.max_message = 2047;
	ck_assert_int_eq(addrs_analyze(m, 2048, &o, &r), ST_OK);   /* one byte over */
	ck_assert_int_eq(r->status, ST_TOOBIG);
	ck_assert(strstr(r->error, "2047") != NULL);
	ck_assert_uint_eq(r->ncand, 0);
	addrs_result_free(r);
	free(m);
}
END_TEST

static int collect(void *ctx, const struct mbox_msg *m, struct addrs_result *r)
{
	struct addrs_result **slot = ctx;

	(void)m;
	ck_assert(r->index >= 1 && r->index <= 3);
	slot[r->index - 1] = r;
	return 0;
}

START_TEST(mbox_each_message)
{
	struct addrs_result *rs[3] = { NULL, NULL, NULL };
	size_t n;
	char *d = util_read_file(FIX "three.mbox", &n);
	int i;

	ck_assert_int_eq(addrs_each(d, n, NULL, collect, rs), ST_OK);
	ck_assert_str_eq(rs[0]->cand[0].address, "first@gmail.com");
	ck_assert_str_eq(rs[1]->cand[0].address, "second@yandex.ru");
	ck_assert_str_eq(rs[2]->cand[0].address, "third@crookmail.example");
	/* raw bytes: message 2 starts right after its From_ line */
	ck_assert(strncmp(d + rs[1]->offset, "From: B <b@", 11) == 0);
	ck_assert(d[rs[1]->offset + rs[1]->length - 1] == '\n');
	ck_assert(strncmp(d + rs[1]->offset + rs[1]->length, "\nFrom crook", 11) == 0);
	/* ">From" was unquoted before parsing: the phrase starts with "From the desk" */
	ck_assert(strstr(rs[0]->cand[0].ev[1].phrase, "From the desk") == rs[0]->cand[0].ev[1].phrase);
	for (i = 0; i < 3; i++)
		addrs_result_free(rs[i]);
	free(d);
}
END_TEST

START_TEST(json_output_is_complete)
{
	struct addrs_result *r = analyze_file(FIX "reply-to-freemail.eml");
	struct buf b;
	struct json j;

	buf_init(&b, 0);
	json_init(&j, &b, false);
	addrs_result_json(r, "x.eml", &j);
	ck_assert_int_eq(json_finish(&j), ST_OK);
	ck_assert(strstr(buf_str(&b), "\"address\":\"claims.desk@gmail.com\"") != NULL);
	ck_assert(strstr(buf_str(&b), "\"report_to\":\"provider\"") != NULL);
	ck_assert(strstr(buf_str(&b), "\"why\":\"recipient\"") != NULL);
	ck_assert(strstr(buf_str(&b), "\"checked\":\"") != NULL);
	buf_reset(&b);
	addrs_result_free(r);
}
END_TEST

START_TEST(freemail_table)
{
	const struct freemail_provider *p;
	const char *pat;
	size_t i;

	ck_assert_str_eq(freemail_lookup("gmail.com")->name, "Google (Gmail)");
	ck_assert(freemail_lookup("hotmail.co.uk") != NULL);
	ck_assert(freemail_lookup("hotmail.com.br") != NULL);
	ck_assert(freemail_lookup("yahoo.fr") != NULL);
	ck_assert(freemail_lookup("hotmail.evil.example") == NULL);   /* labels too long */
	ck_assert(freemail_lookup("hotmail.co.uk.example") == NULL);  /* three labels */
	ck_assert(freemail_lookup("hotmail") == NULL);
	ck_assert(freemail_lookup("notgmail.com") == NULL);
	ck_assert(freemail_lookup("mail.gmail.com") == NULL);
	ck_assert(freemail_lookup(NULL) == NULL);
	ck_assert_str_eq(freemail_lookup("zohomail.eu")->abuse_email, "abuse@zoho.com");
	ck_assert(freemail_by_mx("aspmx.l.google.com") != NULL);
	ck_assert(freemail_by_mx("crook-example.mail.protection.outlook.com.") != NULL);
	ck_assert(freemail_by_mx("MXS.MAIL.RU") != NULL);
	ck_assert(freemail_by_mx("notgoogle.com") == NULL);
	ck_assert(freemail_by_mx("mx.crook.example") == NULL);
	/* every entry is dated and names its source */
	for (i = 0; freemail_entry(i, &pat, &p); i++) {
		ck_assert(p->name && *p->name && p->source && *p->source);
		ck_assert_msg(p->checked && strlen(p->checked) == 10 && p->checked[4] == '-' &&
		              p->checked[7] == '-', "%s: bad date", pat);
		if (p->abuse_email)
			ck_assert(strchr(p->abuse_email, '@') != NULL);
		if (p->abuse_form)
			ck_assert(strncmp(p->abuse_form, "https://", 8) == 0);
	}
	ck_assert_uint_gt(i, 50);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("addrs");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, fixture_top_candidates, 0,
	                    (int)(sizeof(fixtures) / sizeof(fixtures[0])));
	tcase_add_test(tc, evidence_says_why);
	tcase_add_test(tc, obfuscation_is_marked);
	tcase_add_test(tc, decoding_steps_recorded);
	tcase_add_test(tc, reply_to_outranks_body_and_from);
	tcase_add_test(tc, dkim_pass_strengthens_from);
	tcase_add_test(tc, mbox_each_message);
	tcase_add_test(tc, json_output_is_complete);
	tcase_add_test(tc, freemail_table);
	suite_add_tcase(s, tc);
	tc = tcase_create("exclusions");
	tcase_add_test(tc, infrastructure_only_gives_nothing);
	tcase_add_test(tc, user_exclusions);
	tcase_add_test(tc, victim_never_candidate);
	tcase_add_test(tc, url_quote_msgid_not_candidates);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, message_cap_first_valid_first_invalid);
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
