/* Unit tests for the shared option parser: global options, local overrides, errors. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "status.h"

struct local {
	const char *server;
	int raw;
};

enum { OPT_L_SERVER = OPT__FIRST_LOCAL, OPT_L_RAW };

static const struct option local_opts[] = {
	{ "server", required_argument, NULL, OPT_L_SERVER },
	{ "raw", no_argument, NULL, OPT_L_RAW },
	{ NULL, 0, NULL, 0 },
};

static int on_local(int opt, const char *arg, void *ctx)
{
	struct local *l = ctx;

	switch (opt) {
	case OPT_L_SERVER: l->server = arg; return 0;
	case OPT_L_RAW: l->raw = 1; return 0;
	default: return -1;
	}
}

START_TEST(globals_anywhere)
{
	char *argv[] = { "mx", "example.com", "--json", "--server", "127.0.0.1:5353", "-vv",
		         "--timeout", "250", "other.example", NULL };
	struct cli_opts o;
	int first;

	ck_assert_int_eq(cli_parse(9, argv, NULL, "", NULL, NULL, &o, &first), 0);
	ck_assert(o.json);
	ck_assert_int_eq(o.nservers, 1);
	ck_assert_str_eq(o.servers[0], "127.0.0.1:5353");
	ck_assert_int_eq(o.verbose, 2);
	ck_assert_int_eq(o.timeout_ms, 250);
	ck_assert_int_eq(9 - first, 2);
	ck_assert_str_eq(argv[first], "example.com");
	ck_assert_str_eq(argv[first + 1], "other.example");
}
END_TEST

START_TEST(local_overrides_global)
{
	char *argv[] = { "whois", "--server", "whois.lab.example:43", "--raw", "1.2.3.4", NULL };
	struct cli_opts o;
	struct local l = { NULL, 0 };
	int first;

	ck_assert_int_eq(cli_parse(5, argv, local_opts, "", on_local, &l, &o, &first), 0);
	ck_assert_str_eq(l.server, "whois.lab.example:43");
	ck_assert_int_eq(o.nservers, 0);
	ck_assert_int_eq(l.raw, 1);
	ck_assert_str_eq(argv[first], "1.2.3.4");
}
END_TEST

START_TEST(usage_errors)
{
	char *a1[] = { "mx", "--bogus", NULL };
	char *a2[] = { "mx", "--timeout", "abc", NULL };
	char *a3[] = { "mx", "--timeout", "600001", NULL };
	char *a4[] = { "mx", "--trail", NULL };
	char *a5[] = { "mx", "--timeout", "600000", NULL };
	struct cli_opts o;
	int first;

	ck_assert_int_eq(cli_parse(2, a1, NULL, "", NULL, NULL, &o, &first), EXIT_USAGE);
	ck_assert_int_eq(cli_parse(3, a2, NULL, "", NULL, NULL, &o, &first), EXIT_USAGE);
	ck_assert_int_eq(cli_parse(3, a3, NULL, "", NULL, NULL, &o, &first), EXIT_USAGE);
	ck_assert_int_eq(cli_parse(2, a4, NULL, "", NULL, NULL, &o, &first), EXIT_USAGE);
	ck_assert_int_eq(cli_parse(3, a5, NULL, "", NULL, NULL, &o, &first), 0);   /* limit ok */
}
END_TEST

START_TEST(server_limit)
{
	char *argv[2 + 2 * (CLI_MAX_SERVERS + 1)];
	struct cli_opts o;
	int first, i, n = 1;

	argv[0] = "dns";
	for (i = 0; i < CLI_MAX_SERVERS; i++) {
		argv[n++] = "--server";
		argv[n++] = "127.0.0.1";
	}
	argv[n] = NULL;
	ck_assert_int_eq(cli_parse(n, argv, NULL, "", NULL, NULL, &o, &first), 0);
	argv[n++] = "--server";
	argv[n++] = "127.0.0.2";
	argv[n] = NULL;
	ck_assert_int_eq(cli_parse(n, argv, NULL, "", NULL, NULL, &o, &first), EXIT_USAGE);
}
END_TEST

START_TEST(socks5_option_parsed_and_password_hidden)
{
	char spec[] = "alice:s3cret@127.0.0.1:1081";
	char bad[] = "alice:s3cret@proxy.example:1081";
	char *argv[] = { "whois", "--socks5", spec, "192.0.2.1", NULL };
	char *argv_bad[] = { "whois", "--socks5", bad, NULL };
	char msg[1024] = "";
	struct cli_opts o;
	FILE *err = tmpfile();
	int first, saved;
	size_t n;

	ck_assert_int_eq(cli_parse(4, argv, NULL, "", NULL, NULL, &o, &first), 0);
	ck_assert_ptr_nonnull(o.socks5);
	ck_assert_str_eq(o.proxy.user, "alice");
	ck_assert_str_eq(o.proxy.pass, "s3cret");
	ck_assert_str_eq(spec, "alice:******@127.0.0.1:1081");   /* what ps(1) now shows */
	ck_assert_str_eq(argv[first], "192.0.2.1");

	/* a refused setting is a usage error whose message never quotes the password */
	ck_assert_ptr_nonnull(err);
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(err), 2);
	ck_assert_int_eq(cli_parse(3, argv_bad, NULL, "", NULL, NULL, &o, &first), EXIT_USAGE);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(err);
	n = fread(msg, 1, sizeof(msg) - 1, err);
	msg[n] = 0;
	fclose(err);
	ck_assert_ptr_nonnull(strstr(msg, "--socks5"));
	ck_assert_ptr_null(strstr(msg, "s3cret"));
	ck_assert_str_eq(o.proxy.pass, "");
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, globals_anywhere);
	tcase_add_test(tc, local_overrides_global);
	tcase_add_test(tc, usage_errors);
	tcase_add_test(tc, server_limit);
	tcase_add_test(tc, socks5_option_parsed_and_password_hidden);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cli_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
