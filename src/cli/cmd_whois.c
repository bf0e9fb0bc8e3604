/* `mxtrace whois`: parse a saved WHOIS answer (--parse), or follow a live referral chain. */
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
#include "whois_parse.h"
#include "whois_tab.h"

#define WHOIS_DEFAULT_MAX_BYTES (256u * 1024u)
#define WHOIS_MAX_MAX_BYTES (64u * 1024u * 1024u)

enum whois_opt {
	OPT_W_PARSE = OPT__FIRST_LOCAL,
	OPT_W_SERVER,
	OPT_W_FORMAT,
	OPT_W_RAW,
	OPT_W_MAX_BYTES,
};

struct whois_cli {
	bool parse;
	bool raw;
	const char *server;
	enum whois_fmt fmt;
	size_t max_bytes;
};

static const struct option whois_opts[] = {
	{ "parse", no_argument, NULL, OPT_W_PARSE },
	{ "server", required_argument, NULL, OPT_W_SERVER },
	{ "format", required_argument, NULL, OPT_W_FORMAT },
	{ "raw", no_argument, NULL, OPT_W_RAW },
	{ "max-bytes", required_argument, NULL, OPT_W_MAX_BYTES },
	{ NULL, 0, NULL, 0 },
};

static const char whois_help[] =
	"WHOIS options:\n"
	"  --parse [FILE]    parse a saved answer from FILE or standard input\n"
	"  --server HOST[:PORT]  the WHOIS server (with --parse: the one that answered)\n"
	"  --format FMT      with --parse: iana rpsl arin lacnic icann rwhois jprs jpnic generic\n"
	"  --raw             also print the answer text (control characters escaped)\n"
	"  --max-bytes N     read at most N bytes of an answer (default 262144)\n";

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

static int print_raw(FILE *out, const struct buf *text)
{
	struct buf b;
	int st;

	buf_init(&b, text->len * 4 + 64);
	st = text_sanitize(&b, text->data, text->len, true);
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
			print_raw(stdout, &in);
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
	} else {
		fprintf(stderr, "mxtrace whois: live queries are not built yet; use --parse\n");
		rc = EXIT_SOFTWARE;
	}
	if (cli_teardown(&o) && rc == EXIT_FOUND)
		rc = EXIT_CANTCREAT;
	return rc;
}
