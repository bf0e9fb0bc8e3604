/* `mxtrace report`: drafts from a saved `trace --json` output, or a trace of messages. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cli.h"
#include "cli_report.h"
#include "jsonr.h"
#include "log.h"
#include "mbox.h"
#include "report.h"
#include "sha256.h"
#include "status.h"
#include "text.h"

#define REPORT_MAX_JSON ((size_t)1 << 30)   /* a saved trace read at once */
#define REPORT_MAX_CASES 100000

enum report_opt { OPT_R_REPORT = OPT__FIRST_LOCAL, OPT_R_FORMAT, OPT_R_FROM };

static const char report_help[] =
	"Report options:\n"
	"  --report DIR      write the drafts into DIR (required)\n"
	"  --format text|arf plain-text drafts (default) or RFC 5965 ARF\n"
	"  --from ADDR       From: of the drafts (default: left to the mail program)\n"
	"With message files instead of saved traces, every option of 'mxtrace trace' applies.\n";

static const struct option report_opts[] = {
	{ "report", required_argument, NULL, OPT_R_REPORT },
	{ "format", required_argument, NULL, OPT_R_FORMAT },
	{ "from", required_argument, NULL, OPT_R_FROM },
	{ NULL, 0, NULL, 0 },
};

struct report_cli {
	const char *dir;
	bool arf;
	const char *from;
};

static int on_opt(int opt, const char *arg, void *ctx)
{
	struct report_cli *c = ctx;

	switch (opt) {
	case OPT_R_REPORT: c->dir = arg; return 0;
	case OPT_R_FORMAT:
		if (strcmp(arg, "text") != 0 && strcmp(arg, "arf") != 0)
			return cli_usage_error("report", "--format is text or arf, not '%s'", arg);
		c->arf = strcmp(arg, "arf") == 0;
		return 0;
	case OPT_R_FROM: c->from = arg; return 0;
	default: return -1;
	}
}

/* A saved trace: JSON trees, originals, and the report model pointing into them. */
struct model {
	struct jr_val **docs;
	size_t ndocs, capdocs;
	uint8_t **raws;
	size_t nraws, capraws;
	struct report_case *cases;
	struct report_host **hosts;          /* per case, freed with it */
	struct report_ip **ips;              /* per case */
	size_t ncases, capcases;
	struct report_recipient *rcpts;
	size_t **rcases;
	size_t nrcpts, caprcpts;
	const struct report_recipient **rptrs;
};

static void model_free(struct model *m)
{
	size_t i;

	for (i = 0; i < m->ndocs; i++)
		jr_free(m->docs[i]);
	for (i = 0; i < m->nraws; i++)
		free(m->raws[i]);
	for (i = 0; i < m->ncases; i++) {
		free(m->hosts[i]);
		free(m->ips[i]);
	}
	for (i = 0; i < m->nrcpts; i++)
		free(m->rcases[i]);
	free(m->docs);
	free(m->raws);
	free(m->cases);
	free(m->hosts);
	free(m->ips);
	free(m->rcpts);
	free(m->rcases);
	free(m->rptrs);
}

static bool grow(void **arr, size_t n, size_t *cap, size_t size)
{
	void *p;
	size_t nc;

	if (n < *cap)
		return true;
	nc = *cap ? *cap * 2 : 8;
	p = realloc(*arr, nc * size);
	if (!p)
		return false;
	*arr = p;
	*cap = nc;
	return true;
}

/* "2026-12-04T21:32:50.746Z" → Unix ms; -1 when it is not that form. */
static int64_t parse_utc(const char *s)
{
	uint64_t y, mo, d, h, mi, sec, ms;
	struct tm tm;

	if (!s || strlen(s) != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != '.' || s[23] != 'Z' || !parse_uint(s, 4, 9999, &y) ||
	    !parse_uint(s + 5, 2, 12, &mo) || !parse_uint(s + 8, 2, 31, &d) ||
	    !parse_uint(s + 11, 2, 23, &h) || !parse_uint(s + 14, 2, 59, &mi) ||
	    !parse_uint(s + 17, 2, 60, &sec) || !parse_uint(s + 20, 3, 999, &ms))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)sec;
	return (int64_t)timegm(&tm) * 1000 + (int64_t)ms;
}

/* The original message of an input: message `index` of file `source`, as the trace saw it. */
static int load_original(struct model *m, const struct jr_val *input, const uint8_t **raw,
                         size_t *len)
{
	const char *source = jr_gets(input, "source"), *want = jr_gets(input, "sha256");
	const struct jr_val *idx = jr_get(input, "index");
	struct mbox_file f;
	struct mbox_iter it;
	struct mbox_msg msg;
	struct buf b;
	uint8_t dg[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	int rc = EXIT_DATAERR;

	*raw = NULL;
	*len = 0;
	if (!source || !want || !idx || !idx->is_int || idx->num < 1) {
		log_msg(LOG_ERROR, "report: a message input lacks source, index or sha256");
		return EXIT_DATAERR;
	}
	if (strcmp(source, "-") == 0) {
		log_msg(LOG_ERROR, "report: the original came from standard input and was not kept; "
		                   "run the trace with a file, or with --report");
		return EXIT_NOINPUT;
	}
	if (mbox_file_open(source, 0, &f) != ST_OK) {
		log_msg(LOG_ERROR, "report: %s: %s", source, strerror(errno));
		mbox_file_close(&f);
		return EXIT_NOINPUT;
	}
	buf_init(&b, 0);
	mbox_init(&it, f.data, f.len);
	while (mbox_next(&it, &msg))
		if ((int64_t)msg.index == idx->num)
			break;
	if ((int64_t)msg.index != idx->num || it.count < (unsigned long)idx->num) {
		log_msg(LOG_ERROR, "report: %s has no message %lld", source, (long long)idx->num);
		goto out;
	}
	if (msg.escaped)
		mbox_unescape(&msg, &b);
	else
		buf_add(&b, msg.raw, msg.len);
	if (b.err)
		goto out;
	sha256(b.data ? b.data : (const uint8_t *)"", b.len, dg);
	sha256_hex(dg, hex);
	if (strcmp(hex, want) != 0) {
		log_msg(LOG_ERROR, "report: %s message %lld changed since the trace (SHA-256 differs)",
		        source, (long long)idx->num);
		goto out;
	}
	if (!grow((void **)&m->raws, m->nraws, &m->capraws, sizeof(*m->raws)))
		goto out;
	*len = b.len;
	m->raws[m->nraws] = (uint8_t *)buf_steal(&b, NULL);
	if (!m->raws[m->nraws] && *len) {
		rc = EXIT_SOFTWARE;
		goto out;
	}
	*raw = m->raws[m->nraws++];
	rc = 0;
out:
	buf_reset(&b);
	mbox_file_close(&f);
	return rc;
}

static enum report_kind kind_of(const char *k)
{
	if (k && strcmp(k, "registrar") == 0)
		return REPORT_REGISTRAR;
	if (k && strcmp(k, "domain-registrar") == 0)
		return REPORT_DOMAIN_REGISTRAR;
	if (k && strcmp(k, "provider") == 0)
		return REPORT_PROVIDER;
	return REPORT_NETWORK;
}

static int add_recipient(struct model *m, const struct jr_val *r, size_t ci)
{
	const struct jr_val *to = jr_get(r, "to");
	const char *form = jr_gets(r, "form"), *key;
	struct report_recipient *rc = NULL;
	size_t i, k;

	key = to && to->type == JR_ARR && to->n && jr_str(&to->items[0]) ? to->items[0].str : form;
	if (!key)
		return 0;
	for (i = 0; i < m->nrcpts && !rc; i++) {
		const char *have = m->rcpts[i].nto ? m->rcpts[i].to[0] : m->rcpts[i].form_url;

		if (have && ascii_ieq(have, key))
			rc = &m->rcpts[i];
	}
	if (!rc) {
		if (!grow((void **)&m->rcpts, m->nrcpts, &m->caprcpts, sizeof(*m->rcpts)))
			return EXIT_SOFTWARE;
		m->rcases = realloc(m->rcases, m->caprcpts * sizeof(*m->rcases));
		if (!m->rcases)
			return EXIT_SOFTWARE;
		rc = &m->rcpts[m->nrcpts];
		memset(rc, 0, sizeof(*rc));
		m->rcases[m->nrcpts++] = NULL;
		rc->kind = kind_of(jr_gets(r, "kind"));
		for (k = 0; to && to->type == JR_ARR && k < to->n && rc->nto < REPORT_MAX_TO; k++)
			if (jr_str(&to->items[k]))
				rc->to[rc->nto++] = to->items[k].str;
		rc->form_url = form;
		rc->party = jr_gets(r, "party");
		rc->why = jr_gets(r, "why");
	}
	i = (size_t)(rc - m->rcpts);
	for (k = 0; k < rc->ncases; k++)
		if (m->rcases[i][k] == ci)
			return 0;
	{
		size_t *n = realloc(m->rcases[i], (rc->ncases + 1) * sizeof(*n));

		if (!n)
			return EXIT_SOFTWARE;
		m->rcases[i] = n;
		n[rc->ncases++] = ci;
	}
	return 0;
}

/* One TRACE object of an input → a report case and its recipients. */
static int add_trace(struct model *m, const struct jr_val *t, const uint8_t *raw, size_t len,
                     const char *source)
{
	const struct jr_val *hosts = jr_get(t, "hosts"), *rc = jr_get(t, "recipients");
	struct report_case *c;
	struct report_host *rh;
	struct report_ip *ri;
	size_t h, a, nips = 0, k = 0, ci;
	int st;

	if (m->ncases >= REPORT_MAX_CASES)
		return EXIT_DATAERR;
	if (!grow((void **)&m->cases, m->ncases, &m->capcases, sizeof(*m->cases)))
		return EXIT_SOFTWARE;
	m->hosts = realloc(m->hosts, m->capcases * sizeof(*m->hosts));
	m->ips = realloc(m->ips, m->capcases * sizeof(*m->ips));
	if (!m->hosts || !m->ips)
		return EXIT_SOFTWARE;
	ci = m->ncases;
	c = &m->cases[ci];
	memset(c, 0, sizeof(*c));
	m->hosts[ci] = NULL;
	m->ips[ci] = NULL;
	m->ncases++;
	c->reply_addr = jr_gets(t, "reply_address_ascii");
	c->reply_domain = jr_gets(t, "domain");
	c->looked_up_ms = parse_utc(jr_gets(t, "looked_up"));
	c->raw = raw;
	c->raw_len = len;
	c->source = source;
	if (hosts && hosts->type == JR_ARR && hosts->n) {
		for (h = 0; h < hosts->n; h++) {
			const struct jr_val *ad = jr_get(&hosts->items[h], "addresses");

			nips += ad && ad->type == JR_ARR ? ad->n : 0;
		}
		rh = calloc(hosts->n, sizeof(*rh));
		ri = calloc(nips ? nips : 1, sizeof(*ri));
		m->hosts[ci] = rh;
		m->ips[ci] = ri;
		if (!rh || !ri)
			return EXIT_SOFTWARE;
		for (h = 0; h < hosts->n; h++) {
			const struct jr_val *hv = &hosts->items[h], *pref = jr_get(hv, "preference");
			const struct jr_val *ad = jr_get(hv, "addresses"), *rd = jr_get(hv,
			                                                                 "registered_domain");

			rh[h].name = jr_gets(hv, "name");
			if (rh[h].name) {
				/* drafts name hosts without the final dot, as the trace does */
				struct jr_val *nv = (struct jr_val *)jr_get(hv, "name");

				if (nv->len > 1 && nv->str[nv->len - 1] == '.')
					nv->str[--nv->len] = 0;
			}
			rh[h].pref = pref && pref->is_int ? (int)pref->num : -1;
			rh[h].regdomain = jr_gets(rd, "domain");
			rh[h].registrar = jr_gets(rd, "registrar");
			rh[h].ips = &ri[k];
			for (a = 0; ad && ad->type == JR_ARR && a < ad->n; a++) {
				const struct jr_val *av = &ad->items[a];

				ri[k].addr = jr_gets(av, "address");
				ri[k].netblock = jr_gets(av, "netblock");
				ri[k].netname = jr_gets(av, "netname");
				ri[k].holder = jr_gets(av, "holder");
				k++;
				rh[h].nips++;
			}
		}
		c->hosts = rh;
		c->nhosts = hosts->n;
	}
	for (a = 0; rc && rc->type == JR_ARR && a < rc->n; a++) {
		st = add_recipient(m, &rc->items[a], ci);
		if (st)
			return st;
	}
	return 0;
}

static int add_document(struct model *m, const struct jr_val *doc)
{
	const struct jr_val *input = jr_get(doc, "input"), *traces = jr_get(doc, "traces");
	const char *kind = jr_gets(input, "kind");
	const uint8_t *raw = NULL;
	size_t len = 0, i;
	int st;

	if (!input || !kind || !traces || traces->type != JR_ARR) {
		log_msg(LOG_ERROR, "report: not the JSON of mxtrace trace (no input or traces)");
		return EXIT_DATAERR;
	}
	if (strcmp(kind, "message") == 0 && traces->n) {
		st = load_original(m, input, &raw, &len);
		if (st)
			return st;
	}
	for (i = 0; i < traces->n; i++) {
		st = add_trace(m, &traces->items[i], raw, len, jr_gets(input, "source"));
		if (st)
			return st;
	}
	return 0;
}

static int read_json(struct model *m, const char *path)
{
	struct mbox_file f;
	size_t pos = 0, used;
	unsigned long line = 1;
	struct jr_err err;
	int st, rc = 0;

	st = mbox_file_open(path, REPORT_MAX_JSON, &f);
	if (st != ST_OK) {
		log_msg(LOG_ERROR, "report: %s: %s", path,
		        st == ST_IO ? strerror(errno) : status_str(st));
		mbox_file_close(&f);
		return st == ST_IO ? EXIT_NOINPUT : EXIT_DATAERR;
	}
	while (pos < f.len && !rc) {
		struct jr_val *v;

		st = jr_parse(f.data + pos, f.len - pos, line, &used, &v, &err);
		if (st == ST_TRUNC && pos > 0 && err.offset == f.len - pos)
			break;                       /* only white space left */
		if (st != ST_OK) {
			log_msg(LOG_ERROR, "report: %s:%lu: not the JSON of a trace: %s", path, err.line,
			        err.msg);
			rc = st == ST_NOMEM ? EXIT_SOFTWARE : EXIT_DATAERR;
			break;
		}
		for (size_t k = 0; k < used; k++)
			line += f.data[pos + k] == '\n';
		pos += used;
		if (!grow((void **)&m->docs, m->ndocs, &m->capdocs, sizeof(*m->docs))) {
			jr_free(v);
			rc = EXIT_SOFTWARE;
			break;
		}
		m->docs[m->ndocs++] = v;
		rc = add_document(m, v);
	}
	mbox_file_close(&f);
	return rc;
}

/* True when path is a file whose first non-blank byte opens a JSON object. */
static bool looks_json(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? NULL : fopen(path, "rb");
	int c;

	if (!f)
		return false;
	do
		c = fgetc(f);
	while (c == ' ' || c == '\n' || c == '\r' || c == '\t');
	fclose(f);
	return c == '{';
}

int cmd_report(int argc, char **argv)
{
	struct cli_opts o;
	struct report_cli c = { NULL, false, NULL };
	struct model m;
	struct report_set set;
	int first, rc, i, json = 0;

	for (i = 1; i < argc; i++)
		json += argv[i][0] != '-' && looks_json(argv[i]);
	if (!json) {
		/* messages: the trace does the work and writes the drafts */
		for (i = 1; i < argc; i++)
			if (strcmp(argv[i], "--report") == 0 || strncmp(argv[i], "--report=", 9) == 0)
				break;
		if (i == argc && !(argc == 2 && (strcmp(argv[1], "--help") == 0 ||
		                                 strcmp(argv[1], "-h") == 0)))
			return cli_usage_error("report", "--report DIR is required");
		if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			cli_usage(stdout, "report");
			fputs(report_help, stdout);
			return EXIT_FOUND;
		}
		argv[0] = "trace";
		return cmd_trace(argc, argv);
	}
	rc = cli_parse(argc, argv, report_opts, "", on_opt, &c, &o, &first);
	if (rc)
		return rc;
	if (o.help) {
		cli_usage(stdout, "report");
		fputs(report_help, stdout);
		return EXIT_FOUND;
	}
	if (!c.dir)
		return cli_usage_error("report", "--report DIR is required");
	if (first >= argc)
		return cli_usage_error("report", "give a saved trace (mxtrace trace --json > FILE)");
	rc = cli_setup(&o);
	if (rc)
		return rc;
	memset(&m, 0, sizeof(m));
	for (i = first; i < argc && !rc; i++) {
		if (!looks_json(argv[i])) {
			log_msg(LOG_ERROR, "report: %s is not a saved trace; give either saved traces or "
			                   "messages", argv[i]);
			rc = EXIT_USAGE;
			break;
		}
		rc = read_json(&m, argv[i]);
	}
	if (!rc) {
		size_t k;

		m.rptrs = calloc(m.nrcpts ? m.nrcpts : 1, sizeof(*m.rptrs));
		if (!m.rptrs) {
			rc = EXIT_SOFTWARE;
			goto out;
		}
		for (k = 0; k < m.nrcpts; k++) {
			m.rcpts[k].cases = m.rcases[k];
			m.rptrs[k] = &m.rcpts[k];
		}
		set.cases = m.cases;
		set.ncases = m.ncases;
		set.rcpts = m.rptrs;
		set.nrcpts = m.nrcpts;
		if (m.nrcpts == 0) {
			log_msg(LOG_WARN, "report: the trace names nobody to report to");
			rc = EXIT_NOTHING;
		} else {
			rc = cli_write_drafts("report", &set, c.dir, c.arf, c.from, &o);
		}
	}
out:
	model_free(&m);
	{
		int r2 = cli_teardown(&o);

		if (r2 && !rc)
			rc = r2;
	}
	return rc;
}
