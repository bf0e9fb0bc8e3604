/* `mxtrace dns`: one query through the stub resolver, dig style; or decode a saved message. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "cli_dns.h"
#include "dns_msg.h"
#include "dns_stub.h"
#include "json.h"
#include "log.h"
#include "loop.h"
#include "status.h"
#include "text.h"

#define DNS_DECODE_MAX (1u << 20)    /* a hex dump of the largest message fits easily */

enum { OPT_DECODE = OPT__FIRST_LOCAL, OPT_NORECURSE, OPT_NOEDNS, OPT_HINTS };

struct dns_args {
	const char *decode;
	const char *hints;
	bool norecurse;
	bool noedns;
	bool reverse;
};

static int local_opt(int opt, const char *arg, void *ctx)
{
	struct dns_args *a = ctx;

	switch (opt) {
	case OPT_DECODE: a->decode = arg; return 0;
	case OPT_NORECURSE: a->norecurse = true; return 0;
	case OPT_NOEDNS: a->noedns = true; return 0;
	case OPT_HINTS: a->hints = arg; return 0;
	case 'x': a->reverse = true; return 0;
	default: return -1;
	}
}

static const struct option local_opts[] = {
	{ "decode", required_argument, NULL, OPT_DECODE },
	{ "norecurse", no_argument, NULL, OPT_NORECURSE },
	{ "no-edns", no_argument, NULL, OPT_NOEDNS },
	{ "hints", required_argument, NULL, OPT_HINTS },
	{ NULL, 0, NULL, 0 },
};

static void local_help(void)
{
	printf("\nOptions of dns:\n"
	       "  --decode FILE     decode a saved message (raw or hex; '-' for stdin)\n"
	       "  -x                NAME is an IP address: ask its PTR record\n"
	       "  --norecurse       clear RD (ask a server about its own data)\n"
	       "  --no-edns         send no OPT record\n"
	       "  --hints FILE      root hints for --iterative (default $MXTRACE_ROOT_HINTS or\n"
	       "                    " CLI_ROOT_HINTS ")\n"
	       "TYPE: A, AAAA, MX, NS, CNAME, SOA, TXT, PTR, SRV, CAA, ... or a number "
	       "(default A).\n");
}

/* ---- decode ---- */

static int read_all(const char *path, struct buf *out)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	uint8_t chunk[65536];
	size_t n;

	if (!f) {
		log_msg(LOG_ERROR, "dns: cannot open %s: %s", path, strerror(errno));
		return EXIT_NOINPUT;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(out, chunk, n) != ST_OK)
			break;
	}
	if (f != stdin)
		fclose(f);
	if (out->err) {
		log_msg(LOG_ERROR, "dns: %s: larger than %u bytes, not a DNS message", path,
		        DNS_DECODE_MAX);
		return EXIT_DATAERR;
	}
	return 0;
}

static void print_escaped(FILE *f, const char *s)
{
	struct buf b;

	buf_init(&b, 1u << 16);
	text_sanitize(&b, s, strlen(s), false);
	fputs(buf_str(&b), f);
	buf_reset(&b);
}

static int decode(const char *path, struct cli_opts *o)
{
	struct buf raw, bin, out;
	struct dns_msg *m = NULL;
	struct dns_err err;
	const uint8_t *p;
	size_t n;
	bool hex;
	const char *why = NULL;
	int rc;

	buf_init(&raw, DNS_DECODE_MAX);
	buf_init(&bin, DNS_DECODE_MAX);
	buf_init(&out, 1u << 24);
	rc = read_all(path, &raw);
	if (rc)
		goto out;
	p = raw.data;
	n = raw.len;
	hex = dns_looks_hex(p, n);
	if (hex) {
		if (dns_hex_decode(p, n, &bin, &why) != ST_OK) {
			log_msg(LOG_ERROR, "dns: %s: bad hex dump: %s", path, why);
			rc = EXIT_DATAERR;
			goto out;
		}
		p = bin.data;
		n = bin.len;
	}
	if (dns_msg_parse(p, n, &m, &err) != ST_OK) {
		if (o->json) {
			struct json j;

			json_init(&j, &out, false);
			json_obj_begin(&j);
			json_kstr(&j, "file", path);
			json_kstr(&j, "format", hex ? "hex" : "raw");
			json_kint(&j, "size", (int64_t)n);
			json_kstr(&j, "error", err.msg);
			json_obj_end(&j);
			if (json_finish(&j) == ST_OK)
				printf("%s\n", buf_str(&out));
		}
		fprintf(stderr, "mxtrace: dns: ");
		print_escaped(stderr, path);
		fprintf(stderr, ": malformed DNS message: %s\n", err.msg);
		rc = EXIT_DATAERR;
		goto out;
	}
	if (o->json) {
		struct json j;

		json_init(&j, &out, false);
		json_obj_begin(&j);
		json_kstr(&j, "file", path);
		json_kstr(&j, "format", hex ? "hex" : "raw");
		json_kint(&j, "size", (int64_t)n);
		json_key(&j, "message");
		dns_msg_to_json(m, &j);
		json_obj_end(&j);
		if (json_finish(&j) != ST_OK) {
			rc = EXIT_SOFTWARE;
			goto out;
		}
	} else {
		buf_adds(&out, ";; decoded ");
		buf_adds(&out, hex ? "hex dump" : "raw message");
		buf_printf(&out, " of %zu bytes\n", n);
		dns_msg_to_text(m, &out);
	}
	if (out.err) {
		rc = EXIT_SOFTWARE;
		goto out;
	}
	fputs(buf_str(&out), stdout);
	if (o->json)
		fputc('\n', stdout);
	rc = EXIT_FOUND;
out:
	dns_msg_free(m);
	buf_reset(&raw);
	buf_reset(&bin);
	buf_reset(&out);
	return rc;
}

/* ---- query ---- */

struct answer {
	bool done;
	int exit;
	struct buf out;
	bool json;
	uint64_t started;
	struct loop *loop;
	char qdesc[DNS_MAX_NAME_TEXT + 32];
};

static int exit_for(enum dns_outcome o)
{
	switch (o) {
	case DNS_ANSWER: return EXIT_FOUND;
	case DNS_NODATA:
	case DNS_NXDOMAIN: return EXIT_NOTHING;
	case DNS_INTERNAL: return EXIT_SOFTWARE;
	default: return EXIT_TEMPFAIL;
	}
}

static void on_answer(const struct dns_result *r, void *arg)
{
	struct answer *a = arg;
	char tb[DNS_TYPE_STRLEN], name[DNS_MAX_NAME_TEXT];
	uint64_t ms = loop_now(a->loop) - a->started;

	a->done = true;
	a->exit = exit_for(r->outcome);
	dns_name_str(r->qname, name);
	if (a->json) {
		struct json j;

		json_init(&j, &a->out, false);
		json_obj_begin(&j);
		json_key(&j, "query");
		json_obj_begin(&j);
		json_kstr(&j, "name", name);
		json_kstr(&j, "type", dns_type_str(r->qtype, tb));
		json_obj_end(&j);
		json_kstr(&j, "outcome", dns_outcome_str(r->outcome));
		json_kstr(&j, "server", r->server[0] ? r->server : NULL);
		json_kstr(&j, "proto", r->proto);
		json_kint(&j, "exchanges", r->exchanges);
		json_kint(&j, "elapsed_ms", (int64_t)ms);
		if (r->cname_hops) {
			char canon[DNS_MAX_NAME_TEXT];

			dns_name_str(r->canon, canon);
			json_kstr(&j, "canonical_name", canon);
		}
		if (r->detail[0])
			json_kstr(&j, "detail", r->detail);
		json_key(&j, "message");
		if (r->msg)
			dns_msg_to_json(r->msg, &j);
		else
			json_null(&j);
		json_obj_end(&j);
		buf_addc(&a->out, '\n');
		if (json_finish(&j) != ST_OK)
			a->exit = EXIT_SOFTWARE;
		return;
	}
	buf_printf(&a->out, "; <<>> mxtrace dns <<>> %s %s\n", name, dns_type_str(r->qtype, tb));
	if (r->msg) {
		dns_msg_to_text(r->msg, &a->out);
		buf_printf(&a->out, "\n;; SERVER: %s (%s)\n;; OUTCOME: %s", r->server,
		           r->proto ? r->proto : "?", dns_outcome_str(r->outcome));
		if (r->cname_hops) {
			char canon[DNS_MAX_NAME_TEXT];

			dns_name_str(r->canon, canon);
			buf_printf(&a->out, " (after %u alias%s, at %s)", r->cname_hops,
			           r->cname_hops == 1 ? "" : "es", canon);
		}
		buf_printf(&a->out, "\n;; Query time: %llu msec, %u exchange%s\n;; MSG SIZE  rcvd: "
		           "%zu\n", (unsigned long long)ms, r->exchanges,
		           r->exchanges == 1 ? "" : "s", r->msg->len);
	} else {
		buf_printf(&a->out, ";; no answer: %s", dns_outcome_str(r->outcome));
		if (r->detail[0])
			buf_printf(&a->out, " (%s)", r->detail);
		buf_printf(&a->out, "\n;; %u exchange%s in %llu msec\n", r->exchanges,
		           r->exchanges == 1 ? "" : "s", (unsigned long long)ms);
	}
}

/* 192.0.2.1 → 1.2.0.192.in-addr.arpa; 2001:db8::1 → nibbles.ip6.arpa. */
static bool reverse_name(const char *ip, char *out, size_t n)
{
	uint8_t b[16];
	size_t used = 0;
	int i;

	if (inet_pton(AF_INET, ip, b) == 1) {
		snprintf(out, n, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
		return true;
	}
	if (inet_pton(AF_INET6, ip, b) != 1)
		return false;
	for (i = 15; i >= 0 && used + 4 < n; i--)
		used += (size_t)snprintf(out + used, n - used, "%x.%x.", b[i] & 0xF, b[i] >> 4);
	snprintf(out + used, n > used ? n - used : 0, "ip6.arpa");
	return true;
}

static int query(struct cli_opts *o, struct dns_args *a, const char *name_arg,
                 const char *type_arg)
{
	struct dns_stub_conf conf;
	struct dns_stub *stub = NULL;
	struct loop *loop = NULL;
	struct dns_name name;
	struct answer ans;
	char rev[128];
	uint16_t type = DNS_T_A;
	int rc;

	memset(&ans, 0, sizeof(ans));
	buf_init(&ans.out, 1u << 24);
	if (type_arg && !dns_type_from_text(type_arg, &type)) {
		rc = cli_usage_error("dns", "unknown record type '%s'", type_arg);
		goto out;
	}
	if ((a->reverse || type == DNS_T_PTR) && reverse_name(name_arg, rev, sizeof(rev))) {
		name_arg = rev;
		type = DNS_T_PTR;
	} else if (a->reverse) {
		rc = cli_usage_error("dns", "-x wants an IP address, not '%s'", name_arg);
		goto out;
	}
	rc = cli_dns_name("dns", name_arg, &name);
	if (rc)
		goto out;
	rc = cli_dns_conf("dns", o, "dns", a->hints, &conf);
	if (rc)
		goto out;
	conf.no_rd = a->norecurse;
	conf.no_edns = a->noedns;
	rc = EXIT_SOFTWARE;
	if (loop_new(&clock_system, &loop) != ST_OK || dns_stub_new(loop, &conf, &stub) != ST_OK)
		goto out;
	ans.json = o->json;
	ans.loop = loop;
	ans.started = loop_now(loop);
	if (dns_stub_query(stub, &name, type, "command line", on_answer, &ans, NULL) != ST_OK)
		goto out;
	if (loop_run(loop) != ST_OK || !ans.done)
		goto out;
	if (ans.out.err)
		goto out;
	fputs(buf_str(&ans.out), stdout);
	rc = ans.exit;
out:
	dns_stub_free(stub);
	loop_free(loop);
	buf_reset(&ans.out);
	return rc;
}

int cmd_dns(int argc, char **argv)
{
	struct cli_opts o;
	struct dns_args a;
	int first, rc, nargs, trc;

	memset(&a, 0, sizeof(a));
	rc = cli_parse(argc, argv, local_opts, "x", local_opt, &a, &o, &first);
	if (rc)
		return rc;
	if (o.help) {
		cli_usage(stdout, "dns");
		local_help();
		return EXIT_FOUND;
	}
	nargs = argc - first;
	if (a.decode && nargs > 0)
		return cli_usage_error("dns", "--decode takes a file and no NAME");
	if (!a.decode && (nargs < 1 || nargs > 2))
		return cli_usage_error("dns", "give NAME [TYPE], or --decode FILE");
	rc = cli_setup(&o);
	if (rc)
		return rc;
	if (a.decode)
		rc = decode(a.decode, &o);
	else
		rc = query(&o, &a, argv[first], nargs == 2 ? argv[first + 1] : NULL);
	trc = cli_teardown(&o);
	return rc == EXIT_FOUND && trc ? trc : rc;
}
