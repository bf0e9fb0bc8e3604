/* Audit trail writer: JSON Lines records and a dig-style human transcript. */
#include <string.h>

#include "buf.h"
#include "json.h"
#include "status.h"
#include "text.h"
#include "trail.h"

void trail_rec_init(struct trail_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->port = -1;
	r->src_port = -1;
	r->qid = -1;
	r->bytes_out = -1;
	r->bytes_in = -1;
	r->started_ms = -1;
	r->rcode = -1;
	r->mismatches = -1;
}

void trail_init(struct trail *t, FILE *jsonl, FILE *human, const struct clock *clock)
{
	t->jsonl = jsonl;
	t->human = human;
	t->clock = clock ? clock : &clock_system;
	t->records = 0;
	t->err = ST_OK;
}

static void kstr_opt(struct json *j, const char *k, const char *v)
{
	if (v)
		json_kstr(j, k, v);
}

static void kint_opt(struct json *j, const char *k, long long v)
{
	if (v >= 0)
		json_kint(j, k, v);
}

static void write_json(struct trail *t, const struct trail_rec *r, const char *when)
{
	struct buf b;
	struct json j;

	buf_init(&b, 1u << 20);
	json_init(&j, &b, false);
	json_obj_begin(&j);
	json_kstr(&j, "time", when);
	kstr_opt(&j, "step", r->step);
	kstr_opt(&j, "proto", r->proto);
	kstr_opt(&j, "server", r->server);
	kint_opt(&j, "port", r->port);
	kstr_opt(&j, "server_name", r->server_name);
	kstr_opt(&j, "proxy", r->proxy);
	kint_opt(&j, "src_port", r->src_port);
	kstr_opt(&j, "qname", r->qname);
	kstr_opt(&j, "qtype", r->qtype);
	kint_opt(&j, "qid", r->qid);
	kint_opt(&j, "bytes_out", r->bytes_out);
	kint_opt(&j, "bytes_in", r->bytes_in);
	json_kint(&j, "elapsed_ms", (int64_t)r->elapsed_ms);
	kstr_opt(&j, "outcome", r->outcome);
	kint_opt(&j, "rcode", r->rcode);
	kstr_opt(&j, "retry", r->retry);
	kstr_opt(&j, "cause", r->cause);
	kint_opt(&j, "mismatches", r->mismatches);
	kstr_opt(&j, "note", r->note);
	json_obj_end(&j);
	if (json_finish(&j) == ST_OK) {
		buf_addc(&b, '\n');
		if (fwrite(b.data, 1, b.len, t->jsonl) != b.len || fflush(t->jsonl) != 0)
			t->err = t->err ? t->err : ST_IO;
	}
	buf_reset(&b);
}

static void san(struct buf *b, const char *s)
{
	text_sanitize(b, s, strlen(s), false);
}

static void write_human(struct trail *t, const struct trail_rec *r)
{
	struct buf b;

	buf_init(&b, 1u << 16);
	buf_adds(&b, ";; ");
	if (r->step) {
		san(&b, r->step);
		buf_adds(&b, ": ");
	}
	if (r->qname) {
		san(&b, r->qname);
		if (r->qtype) {
			buf_addc(&b, ' ');
			san(&b, r->qtype);
		}
		buf_adds(&b, " ");
	}
	if (r->outcome) {
		buf_adds(&b, "-> ");
		san(&b, r->outcome);
		buf_adds(&b, ", ");
	}
	if (r->bytes_in >= 0)
		buf_printf(&b, "received %ld bytes from ", r->bytes_in);
	else
		buf_adds(&b, "no reply from ");
	if (r->server_name) {
		san(&b, r->server_name);
		if (r->server)
			buf_addc(&b, '/');
	}
	if (r->server)
		san(&b, r->server);
	if (r->port >= 0)
		buf_printf(&b, "#%d", r->port);
	if (r->proto) {
		buf_adds(&b, "(");
		san(&b, r->proto);
		buf_adds(&b, ")");
	}
	if (r->proxy) {
		buf_adds(&b, " via ");
		san(&b, r->proxy);
	}
	buf_printf(&b, " in %llu ms", (unsigned long long)r->elapsed_ms);
	if (r->bytes_out >= 0)
		buf_printf(&b, ", sent %ld", r->bytes_out);
	if (r->qid >= 0)
		buf_printf(&b, ", id %d", r->qid);
	if (r->src_port >= 0)
		buf_printf(&b, ", from port %d", r->src_port);
	if (r->mismatches > 0)
		buf_printf(&b, ", %d mismatched replies dropped", r->mismatches);
	if (r->retry) {
		buf_adds(&b, " [retry: ");
		san(&b, r->retry);
		buf_adds(&b, "]");
	}
	if (r->cause) {
		buf_adds(&b, " [cause: ");
		san(&b, r->cause);
		buf_adds(&b, "]");
	}
	if (r->note) {
		buf_adds(&b, " [");
		san(&b, r->note);
		buf_adds(&b, "]");
	}
	buf_addc(&b, '\n');
	if (!b.err)
		fwrite(b.data, 1, b.len, t->human);
	buf_reset(&b);
}

void trail_write(struct trail *t, const struct trail_rec *r)
{
	char when[32];
	int64_t ms;

	if (!t)
		return;
	ms = r->started_ms >= 0 ? r->started_ms : t->clock->wall_ms(t->clock);
	clock_fmt_utc(ms, when, sizeof(when));
	t->records++;
	if (t->jsonl)
		write_json(t, r, when);
	if (t->human)
		write_human(t, r);
}
