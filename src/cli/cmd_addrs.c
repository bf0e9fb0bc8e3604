/* `mxtrace addrs`: candidate reply addresses of scam messages, ranked, with evidence. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrs.h"
#include "cli.h"
#include "json.h"
#include "log.h"
#include "mail_hdr.h"
#include "mbox.h"
#include "status.h"
#include "text.h"

#define ADDRS_MAX_EXCLUDES 64

enum { OPT_EXCLUDE = OPT__FIRST_LOCAL, OPT_MAX_SIZE, OPT_TOP };

static const struct option addrs_opts_long[] = {
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "top", required_argument, NULL, OPT_TOP },
	{ NULL, 0, NULL, 0 },
};

struct run {
	struct cli_opts o;
	struct addrs_opts ao;
	const char *excl[ADDRS_MAX_EXCLUDES];
	unsigned top;            /* 0: all */
	const char *input;
	unsigned long messages;
	unsigned long found;     /* messages with at least one candidate */
	unsigned long refused;   /* messages over a cap */
	bool mbox;
	struct buf out;
};

static int local_opt(int opt, const char *arg, void *vctx)
{
	struct run *r = vctx;
	uint64_t v;

	switch (opt) {
	case OPT_EXCLUDE:
		if (r->ao.nexclude >= ADDRS_MAX_EXCLUDES)
			return cli_usage_error("addrs", "at most %d --exclude options",
			                       ADDRS_MAX_EXCLUDES);
		if (!strchr(arg, '@'))
			return cli_usage_error("addrs", "--exclude wants an address, not '%s'", arg);
		r->excl[r->ao.nexclude++] = arg;
		return 0;
	case OPT_MAX_SIZE:
		if (!parse_uint(arg, strlen(arg), (uint64_t)1 << 40, &v) || v < 1)
			return cli_usage_error("addrs", "--max-size wants a positive byte count, "
			                       "not '%s'", arg);
		r->ao.max_message = (size_t)v;
		return 0;
	case OPT_TOP:
		if (!parse_uint(arg, strlen(arg), 1000, &v))
			return cli_usage_error("addrs", "--top wants a number from 0 to 1000");
		r->top = (unsigned)v;
		return 0;
	default:
		return -1;
	}
}

/* Print peer text safely. */
static void put(struct buf *b, const char *s)
{
	if (s)
		text_sanitize(b, s, strlen(s), false);
}

static void print_text(struct run *run, const struct addrs_result *r)
{
	struct buf *b = &run->out;
	size_t i, k, shown;

	buf_clear(b);
	put(b, run->input);
	if (run->mbox)
		buf_printf(b, " #%lu (offset %zu)", r->index, r->offset);
	if (r->subject) {
		buf_adds(b, ": \"");
		put(b, r->subject);
		buf_adds(b, "\"");
	}
	buf_addc(b, '\n');
	if (r->status != ST_OK) {
		buf_adds(b, "  not read: ");
		put(b, r->error);
		buf_addc(b, '\n');
	}
	if (r->status == ST_OK && !r->ncand)
		buf_adds(b, "  no candidate reply address\n");
	shown = run->top && run->top < r->ncand ? run->top : r->ncand;
	for (i = 0; i < shown; i++) {
		const struct addrs_candidate *c = &r->cand[i];

		buf_printf(b, "  %zu. ", i + 1);
		put(b, c->address);
		if (strcmp(c->address, c->address_ascii) != 0) {
			buf_adds(b, " (");
			put(b, c->address_ascii);
			buf_adds(b, ")");
		}
		buf_printf(b, "  [%s, score %d%s]\n", addrs_role_name(c->role), c->score,
		           c->obfuscated ? ", de-obfuscated" : "");
		if (c->freemail) {
			buf_adds(b, "     free-mail: ");
			put(b, c->freemail->name);
			buf_adds(b, ": report to the provider");
			if (c->freemail->abuse_email) {
				buf_adds(b, " at ");
				put(b, c->freemail->abuse_email);
			}
			if (c->freemail->abuse_form) {
				buf_adds(b, c->freemail->abuse_email ? " or " : " via ");
				put(b, c->freemail->abuse_form);
			}
			if (!c->freemail->abuse_email && !c->freemail->abuse_form)
				buf_adds(b, " (no desk recorded)");
			buf_printf(b, " [desk %s %s]\n",
			           c->freemail->verified ? "checked" : "noted, unverified,",
			           c->freemail->checked);
		}
		for (k = 0; k < c->nev; k++) {
			const struct addrs_evidence *e = &c->ev[k];

			buf_adds(b, "     - ");
			put(b, e->where);
			if (*e->steps) {
				buf_adds(b, " [");
				put(b, e->steps);
				buf_adds(b, "]");
			}
			if (*e->note) {
				buf_adds(b, ": ");
				put(b, e->note);
			}
			buf_adds(b, "\n       \"");
			put(b, e->phrase);
			buf_adds(b, "\"\n");
		}
	}
	if (shown < r->ncand)
		buf_printf(b, "  (%zu more; --top 0 shows all)\n", r->ncand - shown);
	for (i = 0; i < r->nexcl; i++) {
		buf_adds(b, i ? "           " : "  excluded ");
		put(b, r->excl[i].address);
		buf_adds(b, ": ");
		put(b, r->excl[i].reason);
		buf_addc(b, '\n');
	}
	for (i = 0; i < r->nnotes; i++) {
		buf_adds(b, "  note: ");
		put(b, r->notes[i]);
		buf_addc(b, '\n');
	}
	fwrite(b->data, 1, b->len, stdout);
}

static int on_message(void *vctx, const struct mbox_msg *m, struct addrs_result *r)
{
	struct run *run = vctx;

	(void)m;
	run->messages++;
	if (r->status != ST_OK)
		run->refused++;
	if (r->ncand)
		run->found++;
	if (run->o.json) {
		struct json j;

		buf_clear(&run->out);
		json_init(&j, &run->out, false);
		addrs_result_json(r, run->input, &j);
		if (json_finish(&j) == ST_OK) {
			buf_addc(&run->out, '\n');
			fwrite(run->out.data, 1, run->out.len, stdout);
		} else {
			log_msg(LOG_ERROR, "addrs: could not write JSON for message %lu", r->index);
		}
	} else {
		print_text(run, r);
	}
	if (r->status != ST_OK)
		log_msg(LOG_WARN, "%s message %lu: %s", run->input, r->index,
		        r->error ? r->error : status_str(r->status));
	addrs_result_free(r);
	return ST_OK;
}

int cmd_addrs(int argc, char **argv)
{
	struct run run;
	int first, rc, i, worst = 0;

	memset(&run, 0, sizeof(run));
	rc = cli_parse(argc, argv, addrs_opts_long, "", local_opt, &run, &run.o, &first);
	if (rc)
		return rc;
	if (run.o.help) {
		cli_usage(stdout, "addrs");
		printf("\nOptions of addrs:\n"
		       "  --exclude ADDR    your own address: never a candidate (repeatable)\n"
		       "  --max-size BYTES  refuse messages larger than this (default %u)\n"
		       "  --top N           show only the N best candidates (text output)\n",
		       MAIL_MAX_MESSAGE_BYTES);
		return EXIT_FOUND;
	}
	if (first >= argc)
		return cli_usage_error("addrs", "no MESSAGE given (a file, an mbox, or - for stdin)");
	rc = cli_setup(&run.o);
	if (rc)
		return rc;
	run.ao.exclude = run.excl;
	buf_init(&run.out, 0);
	for (i = first; i < argc; i++) {
		struct mbox_file f;
		struct mbox_iter probe;
		int st;

		run.input = argv[i];
		st = mbox_file_open(argv[i], 0, &f);
		if (st != ST_OK) {
			if (st == ST_TOOBIG)
				log_msg(LOG_ERROR, "%s: larger than %zu bytes", argv[i], MBOX_MAX_FILE);
			else
				log_msg(LOG_ERROR, "cannot read %s: %s", argv[i], strerror(errno));
			mbox_file_close(&f);
			worst = EXIT_NOINPUT;
			continue;
		}
		mbox_init(&probe, f.data, f.len);
		run.mbox = probe.is_mbox;
		if (!f.len)
			log_msg(LOG_WARN, "%s: empty input", argv[i]);
		st = addrs_each(f.data, f.len, &run.ao, on_message, &run);
		mbox_file_close(&f);
		if (st != ST_OK) {
			log_msg(LOG_ERROR, "%s: %s", argv[i], status_str(st));
			worst = EXIT_SOFTWARE;
			break;
		}
	}
	fflush(stdout);
	buf_reset(&run.out);
	rc = cli_teardown(&run.o);
	if (worst)
		return worst;
	if (rc)
		return rc;
	if (run.refused)
		return EXIT_DATAERR;
	return run.found ? EXIT_FOUND : EXIT_NOTHING;
}
