/* `mxtrace whois`: follow a live referral chain (QUERY ...), or parse a saved answer (--parse). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "json.h"
#include "log.h"
#include "status.h"
#include "text.h"
#include "dns_stub.h"
#include "loop.h"
#include "whois.h"
#include "snap.h"
#include "whois_parse.h"
#include "whois_route.h"
#include "whois_tab.h"

#define WHOIS_DEFAULT_MAX_BYTES (256u * 1024u)
#define WHOIS_MAX_MAX_BYTES (64u * 1024u * 1024u)

enum whois_opt {
	OPT_W_PARSE = OPT__FIRST_LOCAL,
	OPT_W_SERVER,
	OPT_W_FORMAT,
	OPT_W_RAW,
	OPT_W_MAX_BYTES,
	OPT_W_IANA,
	OPT_W_NO_REFERRALS,
	OPT_W_ALLOW_PRIVATE,
	OPT_W_DNS_SERVER,
	OPT_W_MAX_HOPS,
	OPT_W_TOTAL_TIMEOUT,
	OPT_W_NO_CACHE,
};

#define WHOIS_CLI_MAX_DNS 8
#define WHOIS_CLI_MAX_QUERIES 256

struct whois_cli {
	bool parse;
	bool raw;
	const char *server;
	enum whois_fmt fmt;
	size_t max_bytes;
	bool iana, no_referrals, allow_private, no_cache;
	const char *dns[WHOIS_CLI_MAX_DNS];
	int ndns;
	unsigned max_hops;
	uint64_t total_timeout_ms;
};

static const struct option whois_opts[] = {
	{ "parse", no_argument, NULL, OPT_W_PARSE },
	{ "server", required_argument, NULL, OPT_W_SERVER },
	{ "format", required_argument, NULL, OPT_W_FORMAT },
	{ "raw", no_argument, NULL, OPT_W_RAW },
	{ "max-bytes", required_argument, NULL, OPT_W_MAX_BYTES },
	{ "iana", no_argument, NULL, OPT_W_IANA },
	{ "no-referrals", no_argument, NULL, OPT_W_NO_REFERRALS },
	{ "allow-private-referrals", no_argument, NULL, OPT_W_ALLOW_PRIVATE },
	{ "dns-server", required_argument, NULL, OPT_W_DNS_SERVER },
	{ "max-hops", required_argument, NULL, OPT_W_MAX_HOPS },
	{ "total-timeout", required_argument, NULL, OPT_W_TOTAL_TIMEOUT },
	{ "no-cache", no_argument, NULL, OPT_W_NO_CACHE },
	{ NULL, 0, NULL, 0 },
};

static const char whois_help[] =
	"WHOIS options:\n"
	"  --server HOST[:PORT]  first WHOIS server (with --parse: the one that answered)\n"
	"  --iana            start at whois.iana.org even when the snapshot knows the registry\n"
	"  --no-referrals    ask the first server only\n"
	"  --allow-private-referrals  follow referrals to loopback/private/link-local addresses\n"
	"  --dns-server ADDR[:PORT]  DNS server for WHOIS server names (repeatable; default:\n"
	"                    /etc/resolv.conf). With --socks5 no DNS is used: the proxy\n"
	"                    resolves the names\n"
	"  --max-hops N      servers asked per lookup (default 6, at most 16)\n"
	"  --timeout MS      per hop: connect and answer (default 15000)\n"
	"  --total-timeout MS  per lookup, DNS included (default 60000)\n"
	"  --max-bytes N     read at most N bytes of an answer (default 262144)\n"
	"  --raw             print every hop's answer text (control characters escaped)\n"
	"  -v                the same, plus a transcript of every exchange on stderr\n"
	"  --no-cache        no (server, query) or netblock cache between queries\n"
	"  --parse [FILE]    parse a saved answer from FILE or standard input\n"
	"  --format FMT      with --parse: iana rpsl arin lacnic icann rwhois jprs jpnic generic\n";

static int whois_opt(int opt, const char *arg, void *ctx)
{
	struct whois_cli *w = ctx;
	uint64_t v;

	switch (opt) {
	case OPT_W_PARSE:
		w->parse = true;
		return 0;
	case OPT_W_SERVER:
		w->server = arg;
		return 0;
	case OPT_W_FORMAT:
		w->fmt = whois_fmt_from_name(arg);
		if (w->fmt == WFMT_UNKNOWN)
			return cli_usage_error("whois", "unknown --format '%s'", arg);
		return 0;
	case OPT_W_RAW:
		w->raw = true;
		return 0;
	case OPT_W_MAX_BYTES:
		if (!parse_uint(arg, strlen(arg), WHOIS_MAX_MAX_BYTES, &v) || v < 64)
			return cli_usage_error("whois", "--max-bytes wants 64 to %u", WHOIS_MAX_MAX_BYTES);
		w->max_bytes = (size_t)v;
		return 0;
	case OPT_W_IANA:
		w->iana = true;
		return 0;
	case OPT_W_NO_REFERRALS:
		w->no_referrals = true;
		return 0;
	case OPT_W_ALLOW_PRIVATE:
		w->allow_private = true;
		return 0;
	case OPT_W_NO_CACHE:
		w->no_cache = true;
		return 0;
	case OPT_W_DNS_SERVER:
		if (w->ndns >= WHOIS_CLI_MAX_DNS)
			return cli_usage_error("whois", "at most %d --dns-server options", WHOIS_CLI_MAX_DNS);
		w->dns[w->ndns++] = arg;
		return 0;
	case OPT_W_MAX_HOPS:
		if (!parse_uint(arg, strlen(arg), WHOIS_HOPS_LIMIT, &v) || v < 1)
			return cli_usage_error("whois", "--max-hops wants 1 to %d", WHOIS_HOPS_LIMIT);
		w->max_hops = (unsigned)v;
		return 0;
	case OPT_W_TOTAL_TIMEOUT:
		if (!parse_uint(arg, strlen(arg), 3600000, &v) || v < 1)
			return cli_usage_error("whois", "--total-timeout wants 1 to 3600000 ms");
		w->total_timeout_ms = v;
		return 0;
	default:
		return -1;
	}
}

/* Read all of f up to max bytes into b; *cut set when more was there. */
static int read_all(FILE *f, size_t max, struct buf *b, bool *cut)
{
	char chunk[65536];
	size_t n;

	*cut = false;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b->len + n > max) {
			buf_add(b, chunk, max - b->len);
			*cut = true;
			break;
		}
		if (buf_add(b, chunk, n))
			return b->err;
	}
	return ferror(f) ? ST_IO : b->err;
}

static void print_val(FILE *out, const char *label, const struct whois_val *v, const char *srv)
{
	if (!v->line)
		return;
	fprintf(out, "%-10s %s%s   [%s line %lu]\n", label, v->v, v->cut ? " (cut)" : "",
	        srv[0] ? srv : "answer", v->line);
}

/* Human summary of one answer; every value names the server and line it came from. */
static void print_answer(FILE *out, const struct whois_answer *a)
{
	const char *srv = a->server;
	const struct whois_contact *best = whois_answer_abuse(a);
	size_t i;

	fprintf(out, "%-10s %s (format %s, %zu bytes, %lu lines)\n", "server",
	        srv[0] ? srv : "(unknown)", whois_fmt_name(a->fmt), a->bytes, a->lines);
	fprintf(out, "%-10s %s", "state", whois_state_name(a->state));
	if (a->state != WST_ANSWERED && a->state_line.v[0])
		fprintf(out, ": %s", a->state_line.v);
	if (a->state != WST_ANSWERED && a->state_line.line)
		fprintf(out, "   [line %lu]", a->state_line.line);
	fputc('\n', out);
	if (a->kind != WK_UNKNOWN)
		fprintf(out, "%-10s %s%s\n", "object", whois_kind_name(a->kind),
		        a->transferred ? " (managed by another registry)" : "");
	print_val(out, "network", &a->range, srv);
	if (a->cidr.line && a->cidr.line != a->range.line)
		print_val(out, "cidr", &a->cidr, srv);
	print_val(out, "asn", &a->asn, srv);
	print_val(out, "netname", &a->netname, srv);
	print_val(out, "holder", &a->org, srv);
	print_val(out, "country", &a->country, srv);
	print_val(out, "domain", &a->domain, srv);
	print_val(out, "registrar", &a->registrar, srv);
	print_val(out, "iana-id", &a->iana_id, srv);
	print_val(out, "reg-whois", &a->reg_whois, srv);
	print_val(out, "reg-url", &a->reg_url, srv);
	for (i = 0; i < a->nstatus; i++)
		print_val(out, "status", &a->status[i], srv);
	print_val(out, "created", &a->created, srv);
	print_val(out, "updated", &a->updated, srv);
	print_val(out, "expires", &a->expires, srv);
	for (i = 0; i < a->nns; i++)
		print_val(out, "nserver", &a->ns[i], srv);
	if (best) {
		fprintf(out, "%-10s %s (%s%s, %s confidence)   [%s line %lu]\n", "abuse",
		        best->email.v, best->registrar ? "registrar, " : "",
		        whois_csrc_name(best->src), whois_conf_name(best->conf),
		        srv[0] ? srv : "answer", best->email.line);
		if (best->phone.line)
			fprintf(out, "%-10s %s   [line %lu]\n", "phone", best->phone.v,
			        best->phone.line);
	} else if (a->state == WST_ANSWERED) {
		fprintf(out, "%-10s none found\n", "abuse");
	}
	for (i = 0; i < a->ncontacts; i++) {
		const struct whois_contact *c = &a->contacts[i];

		if (c == best)
			continue;
		if (c->cls == WCC_OK && !c->not_email)
			fprintf(out, "%-10s %s (%s, %s confidence)   [line %lu]\n", "also",
			        c->email.v, whois_csrc_name(c->src), whois_conf_name(c->conf),
			        c->email.line);
		else
			fprintf(out, "%-10s %s: %s   [line %lu]\n", "refused", c->email.v,
			        c->note[0] ? c->note : whois_cclass_name(c->cls), c->email.line);
	}
	for (i = 0; i < a->nrefs; i++) {
		const struct whois_ref *r = &a->refs[i];

		if (r->reject[0])
			fprintf(out, "%-10s %s refused (%s): %s   [line %lu]\n", "referral",
			        whois_rkind_name(r->kind), r->reject, r->raw, r->line);
		else if (!r->host[0])
			fprintf(out, "%-10s %s: %s; ask the registry that holds it   [line %lu]\n",
			        "referral", whois_rkind_name(r->kind),
			        r->rir[0] ? r->rir : "this registry does not manage the block", r->line);
		else
			fprintf(out, "%-10s %s:%d%s (%s)   [line %lu]\n", "referral", r->host,
			        r->port, r->rwhois ? " rwhois" : "", whois_rkind_name(r->kind), r->line);
	}
}

static int exit_for(const struct whois_answer *a)
{
	switch (a->state) {
	case WST_ANSWERED: return EXIT_FOUND;
	case WST_NO_MATCH: return EXIT_NOTHING;
	case WST_NOT_SERVED: return EXIT_UNAVAILABLE;
	case WST_TEMP_FAIL:
	case WST_RATE_LIMITED: return EXIT_TEMPFAIL;
	default: return EXIT_DATAERR;
	}
}

/* An answer text for a terminal: control characters escaped, line ends kept. */
static int print_raw(FILE *out, const void *text, size_t len)
{
	struct buf b;
	int st;

	buf_init(&b, len * 4 + 64);
	st = text_sanitize(&b, text, len, true);
	if (!st) {
		/* line ends survive as escapes; turn "\x0a" back into real newlines */
		size_t i;

		for (i = 0; i < b.len; i++) {
			if (i + 4 <= b.len && memcmp(b.data + i, "\\x0a", 4) == 0) {
				fputc('\n', out);
				i += 3;
			} else if (i + 4 <= b.len && memcmp(b.data + i, "\\x0d", 4) == 0) {
				i += 3;
			} else {
				fputc(b.data[i], out);
			}
		}
		if (b.len && b.data[b.len - 1] != '\n')
			fputc('\n', out);
	}
	buf_reset(&b);
	return st;
}

static int run_parse(struct cli_opts *o, struct whois_cli *w, const char *path)
{
	struct wtab *tab = NULL;
	struct whois_answer *a = NULL;
	struct buf in, js;
	char err[256] = "", dir[4096];
	FILE *f = stdin;
	bool cut = false;
	int rc = EXIT_SOFTWARE, st;

	buf_init(&in, w->max_bytes + 1);
	buf_init(&js, BUF_MAX_DEFAULT);
	if (path && strcmp(path, "-") != 0) {
		f = fopen(path, "rb");
		if (!f) {
			log_msg(LOG_ERROR, "whois: cannot open %s: %s", path, strerror(errno));
			rc = EXIT_NOINPUT;
			goto out;
		}
	}
	st = read_all(f, w->max_bytes, &in, &cut);
	if (f != stdin)
		fclose(f);
	if (st) {
		log_msg(LOG_ERROR, "whois: cannot read the answer: %s", status_str(st));
		rc = EXIT_NOINPUT;
		goto out;
	}
	if (cut)
		log_msg(LOG_WARN, "whois: answer cut at %zu bytes (--max-bytes)", w->max_bytes);
	if (o->data_dir)
		snprintf(dir, sizeof(dir), "%s/whois", o->data_dir);
	st = wtab_load(&tab, o->data_dir ? dir : NULL, err, sizeof(err));
	if (st) {
		log_msg(LOG_ERROR, "whois: tables: %s", err);
		goto out;
	}
	a = whois_answer_new();
	if (!a || whois_parse(tab, w->server, w->fmt, in.data, in.len, a) != ST_OK) {
		log_msg(LOG_ERROR, "whois: out of memory");
		goto out;
	}
	if (o->json) {
		struct json j;

		json_init(&j, &js, true);
		whois_answer_json(a, &j);
		if (json_finish(&j) != ST_OK) {
			log_msg(LOG_ERROR, "whois: JSON output failed");
			goto out;
		}
		fwrite(js.data, 1, js.len, stdout);
		fputc('\n', stdout);
	} else {
		if (w->raw) {
			print_raw(stdout, in.data, in.len);
			fputs("----\n", stdout);
		}
		print_answer(stdout, a);
	}
	rc = exit_for(a);
out:
	whois_answer_free(a);
	wtab_free(tab);
	buf_reset(&in);
	buf_reset(&js);
	return rc;
}

/* ---- live lookups ---- */

struct pending {
	struct whois_result *r;
	bool done;
};

static void lookup_done(struct whois_result *r, void *arg)
{
	struct pending *p = arg;

	p->r = r;
	p->done = true;
}

static int exit_for_outcome(enum whois_outcome o)
{
	switch (o) {
	case WO_FOUND: return EXIT_FOUND;
	case WO_NO_MATCH:
	case WO_NO_SERVER: return EXIT_NOTHING;
	case WO_NOT_SERVED: return EXIT_UNAVAILABLE;
	case WO_MALFORMED: return EXIT_DATAERR;
	default: return EXIT_TEMPFAIL;
	}
}

/* The worst exit code of a batch: temporary failures first (retry), then bad data, then
 * unavailable, then nothing found. */
static int exit_rank(int rc)
{
	switch (rc) {
	case EXIT_TEMPFAIL: return 5;
	case EXIT_DATAERR: return 4;
	case EXIT_UNAVAILABLE: return 3;
	case EXIT_NOTHING: return 2;
	case EXIT_FOUND: return 1;
	default: return 6;
	}
}

static void print_hop_line(FILE *out, size_t i, const struct whois_hop *h)
{
	const struct whois_answer *a = h->answer;
	char state[64];

	if (h->cached)
		snprintf(state, sizeof(state), "%s, cached", a ? whois_state_name(a->state) : "cached");
	else if (h->status == ST_OK && a)
		snprintf(state, sizeof(state), "%s", whois_state_name(a->state));
	else
		snprintf(state, sizeof(state), "%s%s", whois_hop_status_name(h->status),
		         h->partial ? ", answer cut" : "");
	fprintf(out, "  %zu. %s:%d%s%s%s%s%s  \"%s\"\n", i + 1, h->server, h->port,
	        h->rwhois ? " (rwhois)" : "", h->addr[0] ? " at " : "", h->addr,
	        h->proxy[0] ? " via " : "", h->proxy, h->query);
	fprintf(out, "     %s; %zu bytes out, %zu in, %llu ms\n", state, h->bytes_out, h->bytes_in,
	        (unsigned long long)h->elapsed_ms);
	fprintf(out, "     why: %s\n", h->reason);
	if (h->detail[0])
		fprintf(out, "     %s\n", h->detail);
}

static void print_result(FILE *out, const struct whois_result *r, bool raw)
{
	const struct whois_hop *fh = r->final_hop >= 0 ? &r->hops[r->final_hop] : NULL;
	const struct whois_answer *a = fh ? fh->answer : NULL;
	size_t i;

	fprintf(out, "%-10s %s (%s%s%s)\n", "query", r->query, whois_qkind_name(r->kind),
	        strcmp(r->query, r->asked) ? ", asked as " : "",
	        strcmp(r->query, r->asked) ? r->asked : "");
	fprintf(out, "%-10s %s%s\n", "outcome", whois_outcome_name(r->outcome),
	        r->from_netblock_cache ? " (inside a network found earlier in this run)" : "");
	if (a) {
		const char *s = fh->server;

		print_val(out, "network", &a->range, s);
		if (a->cidr.line && a->cidr.line != a->range.line)
			print_val(out, "cidr", &a->cidr, s);
		print_val(out, "asn", &a->asn, s);
		print_val(out, "netname", &a->netname, s);
		print_val(out, "holder", &a->org, s);
		print_val(out, "country", &a->country, s);
		print_val(out, "domain", &a->domain, s);
		print_val(out, "registrar", &a->registrar, s);
		print_val(out, "iana-id", &a->iana_id, s);
		print_val(out, "reg-url", &a->reg_url, s);
		print_val(out, "created", &a->created, s);
		print_val(out, "expires", &a->expires, s);
	}
	if (r->abuse) {
		const struct whois_hop *ah = &r->hops[r->abuse_hop];

		fprintf(out, "%-10s %s (%s%s, %s confidence)   [%s line %lu]\n", "abuse",
		        r->abuse->email.v, r->abuse->registrar ? "registrar, " : "",
		        whois_csrc_name(r->abuse->src), whois_conf_name(r->abuse->conf), ah->server,
		        r->abuse->email.line);
		if (r->abuse->phone.line)
			fprintf(out, "%-10s %s   [%s line %lu]\n", "phone", r->abuse->phone.v,
			        ah->server, r->abuse->phone.line);
	} else if (r->outcome == WO_FOUND) {
		fprintf(out, "%-10s none that may be used\n", "abuse");
	}
	if (r->rdap[0])
		fprintf(out, "%-10s %s\n", "rdap", r->rdap);
	for (i = 0; i < r->nnotes; i++)
		fprintf(out, "%-10s %s\n", i ? "" : "notes", r->notes[i]);
	if (r->nhops)
		fprintf(out, "hops\n");
	for (i = 0; i < r->nhops; i++) {
		const struct whois_hop *h = &r->hops[i];

		print_hop_line(out, i, h);
		if (raw && h->text) {
			fputs("     ----\n", out);
			print_raw(out, h->text, h->text_len);
			fputs("     ----\n", out);
		}
	}
}

static int dns_servers(const struct whois_cli *w, struct dns_stub_conf *c)
{
	int i;

	if (w->ndns == 0) {
		struct dns_resolvconf rc;

		if (dns_resolvconf_load("/etc/resolv.conf", &rc) != ST_OK || rc.nservers == 0) {
			log_msg(LOG_ERROR, "whois: no DNS server: give --dns-server ADDR");
			return EXIT_UNAVAILABLE;
		}
		memcpy(c->servers, rc.servers, sizeof(rc.servers[0]) * rc.nservers);
		c->nservers = rc.nservers;
		return 0;
	}
	for (i = 0; i < w->ndns; i++) {
		struct hostport hp;
		const char *why = NULL;

		if (hostport_parse(w->dns[i], 53, &hp, &why) != ST_OK || !hp.is_ip ||
		    net_addr_from_ip(hp.host, hp.port, &c->servers[c->nservers]) != ST_OK)
			return cli_usage_error("whois", "--dns-server wants an address[:port], not '%s'",
			                       w->dns[i]);
		c->nservers++;
	}
	return 0;
}

/* The snapshot to route with (NULL when none opens; lookups then start at IANA). */
static struct snap *open_snapshot(const struct cli_opts *o)
{
	const char *dir = o->data_dir ? o->data_dir : getenv("MXTRACE_DATA");
	struct snap *s = NULL;
	char warn[SNAP_ERR_MAX] = "";
	bool warned = false;

	if (snap_open_best(dir, &s, warn, sizeof(warn), &warned) != ST_OK) {
		log_msg(LOG_WARN, "whois: no registry snapshot (%s): every lookup starts at IANA",
		        warn[0] ? warn : "none built in");
		return NULL;
	}
	if (warned)
		log_msg(LOG_WARN, "whois: %s", warn);
	return s;
}

/* --offline: what the snapshot says, without sending a packet. */
static int offline_routes(struct cli_opts *o, struct snap *s, char **queries, int nq)
{
	int i, worst = EXIT_FOUND;

	for (i = 0; i < nq; i++) {
		struct whois_route rt;
		char norm[WHOIS_QUERY_MAX];
		int kind = whois_query_kind(queries[i], norm, sizeof(norm));
		int known;

		if (kind < 0)
			return cli_usage_error("whois", "cannot send '%s' as a WHOIS query", queries[i]);
		memset(&rt, 0, sizeof(rt));
		known = s ? whois_route_snap(s, (enum whois_qkind)kind, norm, &rt) : 0;
		if (!known)
			worst = EXIT_NOTHING;
		if (o->json) {
			struct buf js;
			struct json j;

			buf_init(&js, 0);
			json_init(&j, &js, false);
			json_obj_begin(&j);
			json_kstr(&j, "query", queries[i]);
			json_kstr(&j, "kind", whois_qkind_name((enum whois_qkind)kind));
			json_kstr(&j, "asked", rt.query[0] ? rt.query : norm);
			json_kstr(&j, "first_server", rt.server[0] ? rt.server : (known ? NULL :
			          WHOIS_IANA_SERVER));
			json_kbool(&j, "nothing_to_ask", rt.nothing);
			json_kbool(&j, "rdap_only", rt.no_port43);
			json_kstr(&j, "rdap", rt.rdap[0] ? rt.rdap : NULL);
			json_kstr(&j, "why", known ? rt.why : "the snapshot does not know: ask IANA");
			json_obj_end(&j);
			if (json_finish(&j) == ST_OK) {
				fwrite(js.data, 1, js.len, stdout);
				fputc('\n', stdout);
			}
			buf_reset(&js);
			continue;
		}
		printf("%-10s %s (%s)\n", "query", queries[i], whois_qkind_name((enum whois_qkind)kind));
		if (rt.query[0])
			printf("%-10s %s\n", "asked as", rt.query);
		if (rt.nothing)
			printf("%-10s nobody: %s\n", "ask", rt.why);
		else if (rt.no_port43)
			printf("%-10s nobody on port 43: %s\n", "ask", rt.why);
		else if (known)
			printf("%-10s %s   [%s]\n", "ask", rt.server, rt.why);
		else
			printf("%-10s %s   [the snapshot does not know]\n", "ask", WHOIS_IANA_SERVER);
		if (rt.rdap[0])
			printf("%-10s %s\n", "rdap", rt.rdap);
		printf("%-10s no packet sent (--offline)\n", "note");
	}
	return worst;
}

static int run_lookups(struct cli_opts *o, struct whois_cli *w, char **queries, int nq)
{
	struct wtab *tab = NULL;
	struct loop *l = NULL;
	struct dns_stub *dns = NULL;
	struct whois_engine *eng = NULL;
	struct dns_stub_conf dc;
	struct whois_engine_conf wc;
	struct pending *pend = NULL;
	struct hostport hp;
	struct snap *snap = NULL;
	char err[256] = "", dir[4096];
	int rc = EXIT_SOFTWARE, i, st, worst = 0;

	if (nq > WHOIS_CLI_MAX_QUERIES)
		return cli_usage_error("whois", "at most %d queries at once", WHOIS_CLI_MAX_QUERIES);
	snap = open_snapshot(o);
	if (o->offline) {
		rc = offline_routes(o, snap, queries, nq);
		snap_free(snap);
		return rc;
	}
	memset(&dc, 0, sizeof(dc));
	memset(&wc, 0, sizeof(wc));
	if (w->server) {
		const char *why = NULL;

		if (hostport_parse(w->server, 43, &hp, &why) != ST_OK) {
			snap_free(snap);
			return cli_usage_error("whois", "--server: %s", why ? why : "bad HOST[:PORT]");
		}
		wc.server = hp.host;
		wc.server_port = hp.port;
	}
	if (o->socks5 && w->ndns > 0) {
		snap_free(snap);
		return cli_usage_error("whois", "--dns-server is not used with --socks5: the proxy "
		                       "resolves WHOIS server names");
	}
	rc = o->socks5 ? 0 : dns_servers(w, &dc);
	if (rc) {
		snap_free(snap);
		return rc;
	}
	rc = EXIT_SOFTWARE;
	if (o->data_dir)
		snprintf(dir, sizeof(dir), "%s/whois", o->data_dir);
	if (wtab_load(&tab, o->data_dir ? dir : NULL, err, sizeof(err)) != ST_OK) {
		log_msg(LOG_ERROR, "whois: tables: %s", err);
		goto out;
	}
	pend = calloc((size_t)nq, sizeof(*pend));
	if (!pend || loop_new(&clock_system, &l) != ST_OK)   /* the fixed clock never advances */
		goto out;
	dc.cache = true;
	dc.trail = &o->trail;
	dc.rec_clock = &o->clock;
	dc.step = "dns-whois";
	if (o->retries >= 0)
		dc.attempts = (unsigned)o->retries;
	/* Through a proxy the engine names servers to it: no resolver exists, nothing leaks. */
	if (!o->socks5 && dns_stub_new(l, &dc, &dns) != ST_OK)
		goto out;
	wc.tab = tab;
	wc.dns = dns;
	wc.socks5 = o->socks5 ? &o->proxy : NULL;
	if (snap) {
		wc.route = whois_route_snap;
		wc.route_ctx = snap;
	}
	wc.trail = &o->trail;
	wc.rec_clock = &o->clock;
	wc.iana = w->iana;
	wc.no_referrals = w->no_referrals;
	wc.allow_private = w->allow_private;
	wc.keep_text = w->raw || o->verbose > 0 || o->json;
	wc.no_cache = w->no_cache;
	wc.max_hops = w->max_hops;
	wc.max_bytes = w->max_bytes;
	wc.hop_timeout_ms = o->timeout_ms > 0 ? (uint64_t)o->timeout_ms : 0;
	wc.total_timeout_ms = w->total_timeout_ms;
	if (whois_engine_new(l, &wc, &eng) != ST_OK)
		goto out;
	for (i = 0; i < nq; i++) {
		st = whois_lookup(eng, queries[i], "user query", lookup_done, &pend[i], NULL);
		if (st == ST_INVAL) {
			rc = cli_usage_error("whois", "cannot send '%s' as a WHOIS query", queries[i]);
			goto out;
		}
		if (st != ST_OK)
			goto out;
	}
	if (loop_run(l) != ST_OK)
		goto out;
	for (i = 0; i < nq; i++) {
		int one;

		if (!pend[i].done || !pend[i].r)
			goto out;
		one = exit_for_outcome(pend[i].r->outcome);
		if (exit_rank(one) > exit_rank(worst))
			worst = one;
		if (o->json) {
			struct buf js;
			struct json j;

			buf_init(&js, BUF_MAX_DEFAULT);
			json_init(&j, &js, nq == 1);
			whois_result_json(pend[i].r, &j);
			if (json_finish(&j) == ST_OK) {
				fwrite(js.data, 1, js.len, stdout);
				fputc('\n', stdout);
			}
			buf_reset(&js);
		} else {
			if (i)
				fputc('\n', stdout);
			print_result(stdout, pend[i].r, w->raw || o->verbose > 0);
		}
	}
	rc = worst;
out:
	if (pend)
		for (i = 0; i < nq; i++)
			whois_result_free(pend[i].r);
	free(pend);
	whois_engine_free(eng);
	dns_stub_free(dns);
	loop_free(l);
	wtab_free(tab);
	snap_free(snap);
	return rc;
}

int cmd_whois(int argc, char **argv)
{
	struct cli_opts o;
	struct whois_cli w;
	int first, rc;

	memset(&w, 0, sizeof(w));
	w.max_bytes = WHOIS_DEFAULT_MAX_BYTES;
	rc = cli_parse(argc, argv, whois_opts, "", whois_opt, &w, &o, &first);
	if (rc)
		return rc;
	if (o.help) {
		cli_usage(stdout, "whois");
		fputs(whois_help, stdout);
		return EXIT_FOUND;
	}
	rc = cli_setup(&o);
	if (rc)
		return rc;
	if (w.parse) {
		if (argc - first > 1) {
			rc = cli_usage_error("whois", "--parse takes at most one FILE");
		} else {
			rc = run_parse(&o, &w, first < argc ? argv[first] : NULL);
		}
	} else if (first >= argc) {
		rc = cli_usage_error("whois", "a QUERY (address, AS number or domain) is needed");
	} else {
		rc = run_lookups(&o, &w, argv + first, argc - first);
	}
	if (cli_teardown(&o) && rc == EXIT_FOUND)
		rc = EXIT_CANTCREAT;
	return rc;
}
