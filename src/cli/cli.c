/* Shared option parsing, setup and usage text for the subcommands. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "status.h"
#include "text.h"

#define CLI_MAX_LONGOPTS 64

static const struct option global_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "trail", required_argument, NULL, OPT_TRAIL },
	{ "server", required_argument, NULL, OPT_SERVER },
	{ "tcp", no_argument, NULL, OPT_TCP },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "offline", no_argument, NULL, OPT_OFFLINE },
	{ "iterative", no_argument, NULL, OPT_ITERATIVE },
	{ "socks5", required_argument, NULL, OPT_SOCKS5 },
	{ "data", required_argument, NULL, OPT_DATA },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "fixed-clock", required_argument, NULL, OPT_FIXED_CLOCK },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
};

struct usage_entry {
	const char *cmd;
	const char *synopsis;
	const char *summary;
};

/* Mirrors the SYNOPSIS of man/mxtrace.1. */
static const struct usage_entry usages[] = {
	{ "trace", "trace [options] MESSAGE|ADDRESS|DOMAIN ...",
	  "the whole procedure: reply address, MX, addresses, WHOIS, report drafts" },
	{ "addrs", "addrs [--json] [--exclude ADDR]... [--max-size BYTES] [--top N] MESSAGE ...",
	  "candidate reply addresses of scam messages, ranked, with evidence" },
	{ "mx", "mx [options] DOMAIN ...",
	  "MX hosts and their addresses; dead domain vs temporary failure" },
	{ "dns", "dns [options] NAME [TYPE] | dns --decode FILE",
	  "a small dig: one query, or decode a saved DNS message" },
	{ "whois", "whois [options] QUERY ... | whois --parse [FILE] [--server HOST]",
	  "referral-following WHOIS with abuse contacts; or parse a saved answer" },
	{ "report", "report [--format text|arf] --report DIR TRACE.json|MESSAGE",
	  "write abuse report drafts" },
	{ "data", "data info | lookup [QUERY ...] | build --from DIR --out DIR | verify [DIR]",
	  "the bundled registry snapshots: sources, offline lookups, rebuild, check" },
};

static const char global_help[] =
	"Global options:\n"
	"  --json            JSON output (JSON Lines in batch mode)\n"
	"  --trail FILE      audit trail: one JSON Lines record per packet or exchange\n"
	"  -v, --verbose     human transcript of every exchange on stderr (-vv: debug)\n"
	"  -q, --quiet       errors only on stderr\n"
	"  --server ADDR[:PORT]  DNS server to use (repeatable; IPv6 as [ADDR]:PORT)\n"
	"  --tcp             DNS over TCP only\n"
	"  --timeout MS      per-try timeout in milliseconds\n"
	"  --retries N       tries per server\n"
	"  --offline         send no packet: bundled snapshots only\n"
	"  --iterative       resolve from the root hints instead of a recursive server\n"
	"  --socks5 [USER:PASS@]HOST[:PORT]  everything through a SOCKS5 proxy (port 1080):\n"
	"                    DNS over TCP to --server via the proxy, WHOIS server names\n"
	"                    resolved by the proxy; no UDP. HOST is an IP address or localhost\n"
	"  --data DIR        use the snapshots in DIR (also MXTRACE_DATA)\n"
	"  --no-color        no colour (also NO_COLOR)\n"
	"  --help            this help\n";

void cli_usage(FILE *f, const char *cmd)
{
	size_t i;

	if (!cmd) {
		fprintf(f, "usage: mxtrace COMMAND [options] [ARGS]\n\nCommands:\n");
		for (i = 0; i < sizeof(usages) / sizeof(usages[0]); i++)
			fprintf(f, "  %-8s %s\n", usages[i].cmd, usages[i].summary);
		fprintf(f, "\n%s\nRun 'mxtrace COMMAND --help' for the options of a command, "
		           "'man mxtrace' for everything.\n", global_help);
		return;
	}
	for (i = 0; i < sizeof(usages) / sizeof(usages[0]); i++) {
		if (strcmp(usages[i].cmd, cmd) == 0) {
			fprintf(f, "usage: mxtrace %s\n  %s\n\n%s", usages[i].synopsis,
			        usages[i].summary, global_help);
			return;
		}
	}
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mxtrace %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'mxtrace %s --help'.\n", cmd);
	return EXIT_USAGE;
}

static int parse_int_opt(const char *cmd, const char *name, const char *arg, int max, int *out)
{
	uint64_t v;

	if (!parse_uint(arg, strlen(arg), (uint64_t)max, &v))
		return cli_usage_error(cmd, "%s wants a number from 0 to %d, not '%s'", name, max,
		                       arg);
	*out = (int)v;
	return 0;
}

/* Overwrite the password of "USER:PASS@HOST" in place so that ps(1) and /proc no longer
 * show it (as curl does); the parsed copy is in cli_opts.proxy. */
static void hide_password(char *arg)
{
	char *at = strrchr(arg, '@'), *colon;

	if (!at)
		return;
	colon = memchr(arg, ':', (size_t)(at - arg));
	if (colon)
		memset(colon + 1, '*', (size_t)(at - colon - 1));
}

static int global_opt(const char *cmd, int c, const char *arg, struct cli_opts *o)
{
	int64_t ms;
	uint64_t v;

	switch (c) {
	case OPT_JSON: o->json = true; return 0;
	case OPT_TRAIL: o->trail_path = arg; return 0;
	case 'v': o->verbose++; return 0;
	case 'q': o->quiet = true; return 0;
	case OPT_SERVER:
		if (o->nservers >= CLI_MAX_SERVERS)
			return cli_usage_error(cmd, "at most %d --server options", CLI_MAX_SERVERS);
		o->servers[o->nservers++] = arg;
		return 0;
	case OPT_TCP: o->tcp = true; return 0;
	case OPT_TIMEOUT: return parse_int_opt(cmd, "--timeout", arg, 600000, &o->timeout_ms);
	case OPT_RETRIES: return parse_int_opt(cmd, "--retries", arg, 20, &o->retries);
	case OPT_OFFLINE: o->offline = true; return 0;
	case OPT_ITERATIVE: o->iterative = true; return 0;
	case OPT_SOCKS5: {
		const char *why = "";

		/* The reason never quotes arg: it may hold the password. */
		if (socks5_spec_parse(arg, getenv("MXTRACE_SOCKS5_PASSWORD"), &o->proxy, &why) !=
		    ST_OK)
			return cli_usage_error(cmd, "--socks5 [USER:PASS@]HOST[:PORT]: %s", why);
		o->socks5 = arg;
		return 0;
	}
	case OPT_DATA: o->data_dir = arg; return 0;
	case OPT_NO_COLOR: o->no_color = true; return 0;
	case OPT_HELP: o->help = true; return 0;
	case OPT_FIXED_CLOCK:
		/* Hidden: a fixed Unix time (seconds) for golden tests. */
		if (!parse_uint(arg, strlen(arg), 4102444800u, &v))
			return cli_usage_error(cmd, "--fixed-clock wants Unix seconds");
		ms = (int64_t)v * 1000;
		clock_fixed_init(&o->clock, ms);
		return 0;
	default:
		return -1;
	}
}

int cli_parse(int argc, char **argv, const struct option *extra, const char *extra_short,
              cli_opt_fn fn, void *ctx, struct cli_opts *o, int *first_arg)
{
	struct option longopts[CLI_MAX_LONGOPTS];
	char shortopts[64];
	size_t n = 0, i;
	const char *cmd = argv[0];
	int c, r;

	memset(o, 0, sizeof(*o));
	o->retries = -1;
	o->clock = clock_system;
	/* The subcommand's options come first so they may redefine a global one (whois --server
	 * names a WHOIS server, not a DNS server): getopt_long takes the first exact match. */
	for (i = 0; extra && extra[i].name && n < CLI_MAX_LONGOPTS - 1; i++)
		longopts[n++] = extra[i];
	for (i = 0; i < sizeof(global_opts) / sizeof(global_opts[0]) && n < CLI_MAX_LONGOPTS - 1;
	     i++)
		longopts[n++] = global_opts[i];
	memset(&longopts[n], 0, sizeof(longopts[n]));
	/* No leading '+': options may follow operands, as users of dig and whois expect. */
	snprintf(shortopts, sizeof(shortopts), "vqh%s", extra_short ? extra_short : "");

	optind = 1;
	opterr = 0;
	for (;;) {
		int longidx = -1;

		c = getopt_long(argc, argv, shortopts, longopts, &longidx);
		if (c == -1)
			break;
		if (c == '?') {
			if (optopt && optopt < 256)
				return cli_usage_error(cmd, "unknown or incomplete option '-%c'",
				                       optopt);
			return cli_usage_error(cmd, "unknown option or missing value: '%s'",
			                       argv[optind - 1]);
		}
		if (c == 'h')
			c = OPT_HELP;
		r = fn ? fn(c, optarg, ctx) : -1;
		if (r == -1)
			r = global_opt(cmd, c, optarg, o);
		if (c == OPT_SOCKS5 && optarg)
			hide_password(optarg);
		if (r == -1)
			return cli_usage_error(cmd, "unexpected option");
		if (r)
			return r;
	}
	*first_arg = optind;
	return 0;
}

int cli_setup(struct cli_opts *o)
{
	const char *nc;
	FILE *human = NULL;

	if (o->quiet)
		log_set_level(LOG_ERROR);
	else if (o->verbose >= 2)
		log_set_level(LOG_DEBUG);
	else if (o->verbose == 1)
		log_set_level(LOG_INFO);
	nc = getenv("NO_COLOR");
	o->color = !o->no_color && !(nc && *nc) && isatty(STDOUT_FILENO);
	if (o->trail_path) {
		if (strcmp(o->trail_path, "-") == 0) {
			o->trail_file = stdout;
		} else {
			o->trail_file = fopen(o->trail_path, "w");
			if (!o->trail_file) {
				log_msg(LOG_ERROR, "cannot create trail file %s: %s", o->trail_path,
				        strerror(errno));
				return EXIT_CANTCREAT;
			}
		}
	}
	if (o->verbose)
		human = stderr;
	trail_init(&o->trail, o->trail_file, human, &o->clock);
	return 0;
}

int cli_teardown(struct cli_opts *o)
{
	int r = 0;

	if (o->trail.err)
		r = EXIT_CANTCREAT;
	if (o->trail_file && o->trail_file != stdout) {
		if (fclose(o->trail_file) != 0)
			r = EXIT_CANTCREAT;
	}
	o->trail_file = NULL;
	if (r)
		log_msg(LOG_ERROR, "could not write the trail file %s", o->trail_path);
	return r;
}
