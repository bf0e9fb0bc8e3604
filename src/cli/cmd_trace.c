/* `mxtrace trace`: the whole procedure for messages, addresses and domains, with report drafts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addrs.h"
#include "buf.h"
#include "cli.h"
#include "cli_dns.h"
#include "cli_report.h"
#include "json.h"
#include "log.h"
#include "mbox.h"
#include "snap.h"
#include "status.h"
#include "text.h"
#include "trace.h"
#include "whois.h"
#include "whois_route.h"
#include "whois_tab.h"

#define TRACE_MAX_EXCLUDE 32
#define TRACE_PROGRESS_MIN_ITEMS 20   /* batches at least this long show a progress line */

enum trace_opt {
	OPT_T_REPORT = OPT__FIRST_LOCAL,
	OPT_T_FORMAT,
	OPT_T_FROM,
	OPT_T_NO_WHOIS,
	OPT_T_ALLOW_PRIVATE,
	OPT_T_IANA,
	OPT_T_WHOIS_TIMEOUT,
	OPT_T_PER_MESSAGE,
	OPT_T_EXCLUDE,
	OPT_T_MAX_SIZE,
	OPT_T_HINTS,
};

static const struct option trace_opts[] = {
	{ "report", required_argument, NULL, OPT_T_REPORT },
	{ "format", required_argument, NULL, OPT_T_FORMAT },
	{ "from", required_argument, NULL, OPT_T_FROM },
	{ "no-whois", no_argument, NULL, OPT_T_NO_WHOIS },
	{ "allow-private-referrals", no_argument, NULL, OPT_T_ALLOW_PRIVATE },
	{ "iana", no_argument, NULL, OPT_T_IANA },
	{ "whois-timeout", required_argument, NULL, OPT_T_WHOIS_TIMEOUT },
	{ "per-message", required_argument, NULL, OPT_T_PER_MESSAGE },
	{ "exclude", required_argument, NULL, OPT_T_EXCLUDE },
	{ "max-size", required_argument, NULL, OPT_T_MAX_SIZE },
	{ "hints", required_argument, NULL, OPT_T_HINTS },
	{ NULL, 0, NULL, 0 },
};

static const char trace_help[] =
	"Trace options:\n"
	"  --report DIR      write one abuse report draft per recipient into DIR\n"
	"  --format text|arf plain-text drafts (default) or RFC 5965 ARF\n"
	"  --from ADDR       From: of the drafts (default: left to the mail program)\n"
	"  --no-whois        stop after DNS; say which facts are missing\n"
	"  --iana            start every WHOIS lookup at whois.iana.org\n"
	"  --allow-private-referrals  follow WHOIS referrals to private addresses (labs)\n"
	"  --whois-timeout MS  per WHOIS hop (default 15000)\n"
	"  --per-message N   reply addresses traced per message, 1-3 (default 3)\n"
	"  --exclude ADDR    your own address: never a candidate (repeatable)\n"
	"  --max-size BYTES  largest message read (default 64 MiB)\n"
	"  --hints FILE      root hints for --iterative\n";

struct trace_cli {
	const char *report_dir;
	bool arf;
	const char *from;
	bool no_whois, allow_private, iana;
	uint64_t whois_timeout_ms;
	unsigned per_message;
	const char *exclude[TRACE_MAX_EXCLUDE];
	size_t nexclude;
	size_t max_size;
	const char *hints;
};

static int on_opt(int opt, const char *arg, void *ctx)
{
	struct trace_cli *c = ctx;
	uint64_t v;

	switch (opt) {
	case OPT_T_REPORT: c->report_dir = arg; return 0;
	case OPT_T_FORMAT:
		if (strcmp(arg, "text") == 0)
			c->arf = false;
		else if (strcmp(arg, "arf") == 0)
			c->arf = true;
		else
			return cli_usage_error("trace", "--format is text or arf, not '%s'", arg);
		return 0;
	case OPT_T_FROM: c->from = arg; return 0;
	case OPT_T_NO_WHOIS: c->no_whois = true; return 0;
	case OPT_T_ALLOW_PRIVATE: c->allow_private = true; return 0;
	case OPT_T_IANA: c->iana = true; return 0;
	case OPT_T_WHOIS_TIMEOUT:
		if (!parse_uint(arg, strlen(arg), 600000, &v) || v == 0)
			return cli_usage_error("trace", "--whois-timeout wants 1-600000 ms");
		c->whois_timeout_ms = v;
		return 0;
	case OPT_T_PER_MESSAGE:
		if (!parse_uint(arg, strlen(arg), TRACE_MAX_PER_MESSAGE, &v) || v == 0)
			return cli_usage_error("trace", "--per-message wants 1-%d",
			                       TRACE_MAX_PER_MESSAGE);
		c->per_message = (unsigned)v;
		return 0;
	case OPT_T_EXCLUDE:
		if (c->nexclude >= TRACE_MAX_EXCLUDE)
			return cli_usage_error("trace", "at most %d --exclude", TRACE_MAX_EXCLUDE);
		c->exclude[c->nexclude++] = arg;
		return 0;
	case OPT_T_MAX_SIZE:
		if (!parse_uint(arg, strlen(arg), (uint64_t)1 << 32, &v) || v < 1024)
			return cli_usage_error("trace", "--max-size wants 1024 bytes or more");
		c->max_size = (size_t)v;
		return 0;
	case OPT_T_HINTS: c->hints = arg; return 0;
	default: return -1;
	}
}

/* Feeding messages of one input file to the trace. */
struct feed {
	struct trace *t;
	const char *source;
	unsigned long added;
	int err;
};

static int feed_msg(void *ctx, const struct mbox_msg *m, struct addrs_result *r)
{
	struct feed *f = ctx;
	int st = trace_add_message(f->t, f->source, m, r);

	if (st != ST_OK) {
		f->err = st;
		return 1;
	}
	f->added++;
	return 0;
}

static bool is_file(const char *p)
{
	struct stat st;

	return strcmp(p, "-") == 0 || stat(p, &st) == 0;
}

static int add_input(struct trace *t, const char *arg, const struct addrs_opts *ao)
{
	struct mbox_file mf;
	struct feed f = { t, arg, 0, ST_OK };
	int st;

	if (!is_file(arg)) {
		if (strchr(arg, '/')) {
			log_msg(LOG_ERROR, "trace: %s: %s", arg, strerror(ENOENT));
			return EXIT_NOINPUT;
		}
		return trace_add_target(t, arg) == ST_OK ? 0 : EXIT_SOFTWARE;
	}
	st = mbox_file_open(arg, 0, &mf);
	if (st != ST_OK) {
		log_msg(LOG_ERROR, "trace: %s: %s", arg,
		        st == ST_IO ? strerror(errno) : status_str(st));
		mbox_file_close(&mf);
		return st == ST_IO ? EXIT_NOINPUT : EXIT_DATAERR;
	}
	st = addrs_each(mf.data, mf.len, ao, feed_msg, &f);
	mbox_file_close(&mf);
	if (st != ST_OK || f.err != ST_OK)
		return EXIT_SOFTWARE;
	if (f.added == 0)
		log_msg(LOG_WARN, "trace: %s holds no message", arg);
	return 0;
}

struct progress {
	bool on;
	size_t items;
};

static void show_progress(void *arg, unsigned long pending, unsigned long done)
{
	struct progress *p = arg;

	if (!p->on)
		return;
	fprintf(stderr, "\rmxtrace trace: %zu inputs, %lu lookups done, %lu in flight   ",
	        p->items, done, pending);
	fflush(stderr);
}

static void print_results(struct trace *t, struct cli_opts *o)
{
	size_t n = trace_item_count(t), i;

	for (i = 0; i < n; i++) {
		struct buf b;

		buf_init(&b, BUF_MAX_DEFAULT);
		if (o->json) {
			struct json j;

			json_init(&j, &b, n == 1);
			trace_item_json(t, i, &j);
			if (json_finish(&j) == ST_OK && n > 1)
				buf_addc(&b, '\n');
		} else {
			if (i)
				buf_addc(&b, '\n');
			trace_item_text(t, i, o->color, &b);
		}
		if (!b.err)
			fwrite(b.data, 1, b.len, stdout);
		buf_reset(&b);
	}
}

int cmd_trace(int argc, char **argv)
{
	struct cli_opts o;
	struct trace_cli c;
	struct dns_stub_conf dc;
	struct whois_engine_conf wc;
	struct trace_conf tc;
	struct addrs_opts ao;
	struct progress prog = { false, 0 };
	struct loop *l = NULL;
	struct dns_stub *dns = NULL;
	struct whois_engine *eng = NULL;
	struct wtab *tab = NULL;
	struct snap *snap = NULL;
	struct trace *t = NULL;
	char warn[512] = "", err[256] = "", dir[4096];
	const char *data_dir;
	bool warned = false;
	int first, rc, i, trc;

	memset(&c, 0, sizeof(c));
	rc = cli_parse(argc, argv, trace_opts, "", on_opt, &c, &o, &first);
	if (rc)
		return rc;
	if (o.help) {
		cli_usage(stdout, "trace");
		fputs(trace_help, stdout);
		return EXIT_FOUND;
	}
	if (first >= argc)
		return cli_usage_error("trace", "give at least one message file, address or domain");
	rc = cli_setup(&o);
	if (rc)
		return rc;
	rc = EXIT_SOFTWARE;
	data_dir = o.data_dir ? o.data_dir : getenv("MXTRACE_DATA");
	if (snap_open_best(data_dir, &snap, warn, sizeof(warn), &warned) != ST_OK) {
		log_msg(LOG_ERROR, "trace: no usable snapshot: %s", warn);
		goto out;
	}
	if (warned)
		log_msg(LOG_WARN, "%s", warn);
	if (loop_new(&clock_system, &l) != ST_OK)
		goto out;
	if (!o.offline) {
		rc = cli_dns_conf("trace", &o, "trace-dns", c.hints, &dc);
		if (rc)
			goto out;
		rc = EXIT_SOFTWARE;
		dc.cache = true;
		if (dns_stub_new(l, &dc, &dns) != ST_OK)
			goto out;
	}
	if (!o.offline && !c.no_whois) {
		if (data_dir)
			snprintf(dir, sizeof(dir), "%s/whois", data_dir);
		if (wtab_load(&tab, data_dir ? dir : NULL, err, sizeof(err)) != ST_OK) {
			log_msg(LOG_ERROR, "trace: WHOIS tables: %s", err);
			goto out;
		}
		memset(&wc, 0, sizeof(wc));
		wc.tab = tab;
		/* Through a proxy WHOIS servers are named to it: no DNS lookup for them. */
		wc.dns = o.socks5 ? NULL : dns;
		wc.socks5 = o.socks5 ? &o.proxy : NULL;
		wc.trail = &o.trail;
		wc.rec_clock = &o.clock;
		wc.step = "trace-whois";
		wc.route = whois_route_snap;
		wc.route_ctx = snap;
		wc.iana = c.iana;
		wc.allow_private = c.allow_private;
		wc.keep_text = o.json;
		wc.hop_timeout_ms = c.whois_timeout_ms;
		if (whois_engine_new(l, &wc, &eng) != ST_OK)
			goto out;
	}
	memset(&tc, 0, sizeof(tc));
	tc.loop = l;
	tc.dns = dns;
	tc.whois = eng;
	tc.snap = snap;
	tc.clock = &o.clock;
	tc.max_per_message = c.per_message;
	tc.no_whois_why = o.offline ? "--offline: no packet sent"
	                            : c.no_whois ? "--no-whois given" : NULL;
	tc.progress = show_progress;
	tc.progress_arg = &prog;
	if (trace_new(&tc, &t) != ST_OK)
		goto out;
	memset(&ao, 0, sizeof(ao));
	ao.exclude = c.exclude;
	ao.nexclude = c.nexclude;
	ao.max_message = c.max_size;
	for (i = first; i < argc; i++) {
		rc = add_input(t, argv[i], &ao);
		if (rc && rc != EXIT_NOINPUT)
			goto out;
		if (rc == EXIT_NOINPUT)
			goto out;
	}
	prog.items = trace_item_count(t);
	prog.on = isatty(STDERR_FILENO) && prog.items >= TRACE_PROGRESS_MIN_ITEMS && !o.quiet;
	if (trace_run(t) != ST_OK) {
		log_msg(LOG_ERROR, "trace: the event loop failed");
		rc = EXIT_SOFTWARE;
		goto out;
	}
	if (prog.on)
		fputs("\r\033[K", stderr);
	print_results(t, &o);
	trc = trace_exit(t);
	if (c.report_dir) {
		rc = cli_write_drafts("trace", trace_reports(t), c.report_dir, c.arf, c.from, &o);
		if (rc)
			goto out;
	}
	fflush(stdout);
	rc = trc;
out:
	trace_free(t);
	whois_engine_free(eng);
	dns_stub_free(dns);
	loop_free(l);
	wtab_free(tab);
	snap_free(snap);
	{
		int r2 = cli_teardown(&o);

		if (r2 && rc == EXIT_FOUND)
			rc = r2;
	}
	return rc;
}
