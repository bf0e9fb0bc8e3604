/* `mxtrace data`: show, query, build and check the bundled registry snapshots. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "cli.h"
#include "json.h"
#include "log.h"
#include "sha256.h"
#include "snap.h"
#include "snap_build.h"
#include "span.h"
#include "status.h"
#include "text.h"

#define DATA_MAX_QUERY 1024         /* longest query line read from stdin */

enum {
	OPT_FROM = OPT__FIRST_LOCAL,
	OPT_OUT,
	OPT_SOURCE_DATE,
	OPT_BUILD_TIME,
	OPT_KNOWN_DEFECTS
};

struct data_ctx {
	struct snap_build_opts build;
	const char *sub;
};

static int local_opt(int opt, const char *arg, void *vctx)
{
	struct data_ctx *c = vctx;
	uint64_t v;

	switch (opt) {
	case OPT_FROM: c->build.from = arg; return 0;
	case OPT_OUT: c->build.out = arg; return 0;
	case OPT_KNOWN_DEFECTS: c->build.defects = arg; return 0;
	case OPT_SOURCE_DATE:
		if (c->build.ndates >= SNAP_BUILD_MAX_DATES)
			return cli_usage_error("data", "at most %d --source-date options",
			                       SNAP_BUILD_MAX_DATES);
		c->build.dates[c->build.ndates++] = arg;
		return 0;
	case OPT_BUILD_TIME:
		if (!parse_uint(arg, strlen(arg), 4102444800u, &v))
			return cli_usage_error("data", "--build-time wants Unix seconds");
		c->build.has_build_time = true;
		c->build.build_time = (int64_t)v;
		return 0;
	default:
		return -1;
	}
}

/* Write a snapshot string for a terminal (the snapshot may come from a file). Plain
 * printable ASCII, the usual case, is copied as it is; anything else is escaped. */
static void put_text(struct buf *o, const char *s)
{
	size_t n = 0;

	while (s[n] >= 0x20 && s[n] < 0x7f)
		n++;
	if (!s[n])
		buf_add(o, s, n);
	else
		text_sanitize(o, s, n + strlen(s + n), false);
}

/*
 * One output line assembled on the stack and appended to the output buffer at once (the
 * bulk path). Text that is not plain printable ASCII, or that would not fit, goes through
 * text_sanitize into the buffer instead, keeping the order.
 */
#define LINE_MAX_BYTES 4096

struct line {
	char b[LINE_MAX_BYTES];
	size_t n;
};

static void line_flush(struct line *l, struct buf *o)
{
	buf_add(o, l->b, l->n);
	l->n = 0;
}

static void line_lit(struct line *l, const char *s)
{
	size_t n = strlen(s);

	if (n < sizeof(l->b) - l->n) {
		memcpy(l->b + l->n, s, n);
		l->n += n;
	}
}

static void line_text(struct line *l, const char *s)
{
	size_t n = 0;

	while (s[n] >= 0x20 && s[n] < 0x7f)
		n++;
	if (!s[n] && n < sizeof(l->b) - l->n) {
		memcpy(l->b + l->n, s, n);
		l->n += n;
		return;
	}
	{
		struct buf t;

		buf_init(&t, LINE_MAX_BYTES);
		text_sanitize(&t, s, n + strlen(s + n), false);
		if (t.len < sizeof(l->b) - l->n) {
			memcpy(l->b + l->n, t.data, t.len);
			l->n += t.len;
		} else {
			line_lit(l, "?");
		}
		buf_reset(&t);
	}
}

static void put_or_dash(struct buf *o, const char *s)
{
	if (s && *s)
		put_text(o, s);
	else
		buf_addc(o, '-');
}

static void fmt_date(uint32_t ymd, char out[11])
{
	static const int pos[8] = { 0, 1, 2, 3, 5, 6, 8, 9 };
	int i;

	if (!ymd || ymd > 99991231) {
		out[0] = 0;
		return;
	}
	for (i = 7; i >= 0; i--) {
		out[pos[i]] = (char)('0' + ymd % 10);
		ymd /= 10;
	}
	out[4] = out[7] = '-';
	out[10] = 0;
}

/* Decimal of v (< 1000) appended; the bulk output path avoids printf. */
static char *put_dec(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

static char *put_v4(char *p, const uint8_t *a)
{
	int i;

	for (i = 0; i < 4; i++) {
		p = put_dec(p, a[i]);
		if (i < 3)
			*p++ = '.';
	}
	return p;
}

/* snap_block_fmt, without printf for IPv4. */
static void block_text(const struct snap_block *b, char *out, size_t n)
{
	char *p = out;

	if (b->family != 4) {
		snap_block_fmt(b, out, n);
		return;
	}
	p = put_v4(p, b->first);
	if (b->plen >= 0) {
		*p++ = '/';
		p = put_dec(p, (unsigned)b->plen);
	} else {
		*p++ = '-';
		p = put_v4(p, b->last);
	}
	*p = 0;
}

static void fmt_time(int64_t t, char *out, size_t n)
{
	char full[32];

	clock_fmt_utc(t * 1000, full, sizeof(full));
	snprintf(out, n, "%.10s", full);
}

static void flush_buf(struct buf *o)
{
	if (o->len)
		fwrite(o->data, 1, o->len, stdout);
	buf_clear(o);
}

static int open_snapshot(const struct cli_opts *o, struct snap **s)
{
	char warn[SNAP_ERR_MAX * 2];
	const char *dir = o->data_dir ? o->data_dir : getenv("MXTRACE_DATA");
	bool warned;
	int st;

	st = snap_open_best(dir, s, warn, sizeof(warn), &warned);
	if (warned)
		log_msg(st ? LOG_ERROR : LOG_WARN, "%s", warn);
	return st;
}

/* ---- info ---- */

static const char *origin_str(const struct snap *s)
{
	return snap_origin(s) == SNAP_ORIGIN_EMBEDDED ? "embedded" : "file";
}

static int cmd_info(const struct cli_opts *o, struct snap *s)
{
	int64_t now = o->clock.wall_ms(&o->clock) / 1000;
	struct buf out;
	struct json j;
	char built[16], hex[SHA256_HEX_LEN + 1];
	unsigned major, minor;
	size_t i, nstale = 0;
	struct snap_section_info si;

	buf_init(&out, 0);
	snap_version(s, &major, &minor);
	fmt_time(snap_build_time(s), built, sizeof(built));
	for (i = 0; i < snap_source_count(s); i++)
		if (snap_age_days(snap_source_at(s, i)->date, now) > SNAP_AGE_WARN_DAYS)
			nstale++;
	if (o->json) {
		json_init(&j, &out, false);
		json_obj_begin(&j);
		json_kstr(&j, "origin", origin_str(s));
		json_kstr(&j, "path", snap_path(s));
		json_key(&j, "version");
		{
			char v[32];

			snprintf(v, sizeof(v), "%u.%u", major, minor);
			json_str(&j, v);
		}
		json_kstr(&j, "built", built);
		json_kint(&j, "age_warn_days", SNAP_AGE_WARN_DAYS);
		json_key(&j, "sources");
		json_arr_begin(&j);
		for (i = 0; i < snap_source_count(s); i++) {
			const struct snap_source *src = snap_source_at(s, i);
			long age = snap_age_days(src->date, now);

			json_obj_begin(&j);
			json_kstr(&j, "path", src->path);
			json_kstr(&j, "date", src->date);
			json_kint(&j, "age_days", age);
			json_kbool(&j, "stale", age > SNAP_AGE_WARN_DAYS);
			json_kbool(&j, "date_given", src->flags & SNAP_SRC_DATE_GIVEN);
			sha256_hex(src->sha256, hex);
			json_kstr(&j, "sha256", hex);
			json_key(&j, "size");
			json_uint(&j, src->size);
			json_key(&j, "records");
			json_uint(&j, src->records);
			json_key(&j, "skipped_lines");
			json_uint(&j, src->skipped);
			json_kbool(&j, "count_mismatch", src->flags & SNAP_SRC_COUNT_MISMATCH);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_key(&j, "sections");
		json_arr_begin(&j);
		for (i = 0; i < snap_section_count(s); i++) {
			size_t k;

			snap_section_at(s, i, &si);
			json_obj_begin(&j);
			json_kstr(&j, "name", si.name);
			json_key(&j, "part");
			json_uint(&j, si.part);
			json_key(&j, "records");
			json_uint(&j, si.records);
			json_key(&j, "compressed");
			json_uint(&j, si.clen);
			json_key(&j, "inflated");
			json_uint(&j, si.ulen);
			json_key(&j, "sources");
			json_arr_begin(&j);
			for (k = 0; k < snap_source_count(s) && k < 64; k++)
				if (si.sources >> k & 1)
					json_str(&j, snap_source_at(s, k)->path);
			json_arr_end(&j);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
		json_finish(&j);
		buf_addc(&out, '\n');
	} else {
		struct {
			char name[SNAP_NAME_MAX];
			unsigned parts;
			unsigned long records, clen, ulen;
			uint64_t sources;
		} agg[64];
		size_t na = 0, k;

		buf_printf(&out, "snapshot  %s (format %u.%u), built %s\n", origin_str(s), major,
		           minor, built);
		if (*snap_path(s)) {
			buf_adds(&out, "file      ");
			put_text(&out, snap_path(s));
			buf_addc(&out, '\n');
		}
		for (i = 0; i < snap_section_count(s); i++) {
			snap_section_at(s, i, &si);
			if (!na || strcmp(agg[na - 1].name, si.name) != 0) {
				if (na == sizeof(agg) / sizeof(agg[0]))
					break;
				memset(&agg[na], 0, sizeof(agg[na]));
				memcpy(agg[na].name, si.name, sizeof(si.name));
				na++;
			}
			agg[na - 1].parts++;
			agg[na - 1].records += si.records;
			agg[na - 1].clen += si.clen;
			agg[na - 1].ulen += si.ulen;
			agg[na - 1].sources |= si.sources;
		}
		buf_printf(&out, "\n%-12s %5s %8s %10s %10s  %s\n", "section", "parts", "records",
		           "compressed", "inflated", "from");
		for (i = 0; i < na; i++) {
			bool first = true;

			buf_printf(&out, "%-12s %5u %8lu %10lu %10lu  ", agg[i].name, agg[i].parts,
			           agg[i].records, agg[i].clen, agg[i].ulen);
			for (k = 0; k < snap_source_count(s) && k < 64; k++) {
				if (!(agg[i].sources >> k & 1))
					continue;
				if (!first)
					buf_adds(&out, ", ");
				first = false;
				put_text(&out, snap_source_at(s, k)->path);
			}
			buf_addc(&out, '\n');
		}
		buf_printf(&out, "\n%-50s %-10s %6s  %s\n", "source", "date", "age", "records");
		for (i = 0; i < snap_source_count(s); i++) {
			const struct snap_source *src = snap_source_at(s, i);
			long age = snap_age_days(src->date, now);
			size_t start = out.len;

			put_text(&out, src->path);
			while (out.len - start < 50)
				buf_addc(&out, ' ');
			buf_printf(&out, " %-10s %5ldd  %u", src->date, age, src->records);
			if (age > SNAP_AGE_WARN_DAYS)
				buf_printf(&out, "  STALE (> %d days)", SNAP_AGE_WARN_DAYS);
			if (src->flags & SNAP_SRC_DATE_GIVEN)
				buf_adds(&out, "  (date given at build)");
			if (src->skipped)
				buf_printf(&out, "  (%u known defective line%s skipped)", src->skipped,
				           src->skipped == 1 ? "" : "s");
			if (src->flags & SNAP_SRC_COUNT_MISMATCH)
				buf_adds(&out, "  (record count differs from its header)");
			buf_addc(&out, '\n');
		}
	}
	flush_buf(&out);
	buf_reset(&out);
	if (nstale)
		log_msg(LOG_WARN, "%zu source%s older than %d days: refresh with tools/update-data and "
		        "'mxtrace data build' (see README)", nstale, nstale == 1 ? " is" : "s are",
		        SNAP_AGE_WARN_DAYS);
	return EXIT_FOUND;
}

/* ---- lookup ---- */

static const char *why_key(int why)
{
	switch (why) {
	case SNAP_WHY_SPECIAL: return "special";
	case SNAP_WHY_RIR: return "rir";
	case SNAP_WHY_IANA_DELEGATED: return "iana-delegated";
	case SNAP_WHY_IANA: return "iana";
	case SNAP_WHY_RESERVED: return "reserved";
	case SNAP_WHY_EMBEDDED_V4: return "embedded-ipv4";
	default: return "none";
	}
}

static const char *tri_str(int t)
{
	switch (t) {
	case SNAP_TRUE: return "true";
	case SNAP_FALSE: return "false";
	case SNAP_NA: return "n/a";
	default: return "unknown";
	}
}

static const char *embed_str(int e)
{
	switch (e) {
	case SNAP_EMBED_MAPPED: return "ipv4-mapped";
	case SNAP_EMBED_6TO4: return "6to4";
	case SNAP_EMBED_TEREDO: return "teredo";
	default: return "";
	}
}

static char *put_u32(char *p, uint32_t v)
{
	char t[10];
	int n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = t[--n];
	return p;
}

/* "15169" or "1-1876" into out (at least 22 bytes). */
static void asn_range_fmt(uint32_t a, uint32_t z, char *out, size_t n)
{
	char *p = out;

	if (n < 22) {
		out[0] = 0;
		return;
	}
	p = put_u32(p, a);
	if (a != z) {
		*p++ = '-';
		p = put_u32(p, z);
	}
	*p = 0;
}

/* JSON array of a space-separated URL list. */
static void json_urls(struct json *j, const char *key, const char *list)
{
	const char *p = list;

	json_key(j, key);
	json_arr_begin(j);
	while (p && *p) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n)
			json_strn(j, p, n);
		p += n;
		while (*p == ' ')
			p++;
	}
	json_arr_end(j);
}

/* "range": an AS number range (asn) or an address block, as the layer has it. */
static void json_range(struct json *j, bool asn, const struct snap_block *blk, uint32_t first,
                       uint32_t last)
{
	char range[SNAP_RANGE_TEXT];

	if (asn)
		asn_range_fmt(first, last, range, sizeof(range));
	else
		snap_block_fmt(blk, range, sizeof(range));
	json_kstr(j, "range", range);
}

static void json_rir(struct json *j, const struct snap_rir *r, bool asn)
{
	char d[11];

	json_key(j, "rir");
	json_obj_begin(j);
	json_kstr(j, "registry", r->registry.id);
	json_kstr(j, "name", r->registry.name);
	json_kstr(j, "cc", r->cc);
	json_kstr(j, "status", r->status);
	if (r->has_holder)
		json_kstr(j, "delegated_to", r->holder.id);
	fmt_date(r->date, d);
	json_kstr(j, "date", d);
	json_range(j, asn, &r->block, r->asn_first, r->asn_last);
	json_kbool(j, "partial", r->partial);
	json_kstr(j, "source", r->source->path);
	json_kstr(j, "source_date", r->source->date);
	json_obj_end(j);
}

static void json_iana(struct json *j, const struct snap_iana *ia, bool asn)
{
	json_key(j, "iana");
	json_obj_begin(j);
	json_range(j, asn, &ia->block, ia->asn_first, ia->asn_last);
	json_kstr(j, "designation", ia->designation);
	json_kstr(j, "status", ia->status);
	json_kstr(j, "date", ia->date);
	json_kstr(j, "whois", ia->whois);
	json_urls(j, "rdap", ia->rdap);
	json_kstr(j, "registry", ia->registry);
	json_obj_end(j);
}

static void json_special(struct json *j, const struct snap_special *sp, bool asn)
{
	json_key(j, "special");
	json_obj_begin(j);
	json_range(j, asn, &sp->block, sp->asn_first, sp->asn_last);
	json_kstr(j, "name", sp->name);
	json_kstr(j, "spec", sp->spec);
	json_kstr(j, "allocated", sp->allocated);
	json_kstr(j, "terminated", sp->terminated);
	if (!asn) {
		json_kstr(j, "source", tri_str(sp->source));
		json_kstr(j, "destination", tri_str(sp->destination));
		json_kstr(j, "forwardable", tri_str(sp->forwardable));
		json_kstr(j, "globally_reachable", tri_str(sp->global));
		json_kstr(j, "reserved_by_protocol", tri_str(sp->reserved));
	}
	json_obj_end(j);
}

static void json_boot(struct json *j, const struct snap_bootstrap *b, bool asn)
{
	json_key(j, "bootstrap");
	json_obj_begin(j);
	json_range(j, asn, &b->block, b->asn_first, b->asn_last);
	json_urls(j, "rdap", b->urls);
	json_obj_end(j);
}

static void json_tld(struct json *j, const struct snap_tld *t)
{
	json_key(j, "tld");
	json_obj_begin(j);
	json_kstr(j, "name", t->name);
	json_kstr(j, "type", t->type);
	json_kstr(j, "sponsor", t->sponsor);
	json_kstr(j, "whois", t->whois);
	json_urls(j, "rdap", t->rdap);
	json_kbool(j, "delegated", t->flags & SNAP_TLD_DELEGATED);
	json_kbool(j, "listed", t->flags & SNAP_TLD_LISTED);
	json_kbool(j, "no_port43", t->flags & SNAP_TLD_NO_PORT43);
	json_obj_end(j);
}

struct lookup_out {
	struct buf out;
	bool json;
	bool lines;                 /* one tab-separated line per query (stdin mode) */
	int worst;                  /* exit code so far */
};

static void note_exit(struct lookup_out *lo, int code)
{
	/* Bad input (65) outranks "nothing found" (1). */
	if (code == EXIT_DATAERR || (code == EXIT_NOTHING && lo->worst == EXIT_FOUND))
		lo->worst = code;
	if (code == EXIT_SOFTWARE)
		lo->worst = code;
}

static void human_block(struct buf *o, const char *label, const struct snap_block *b)
{
	char range[SNAP_RANGE_TEXT];

	snap_block_fmt(b, range, sizeof(range));
	buf_printf(o, "  %-10s %s", label, range);
}

/* The layers both IP and AS results have, in JSON (asn: ranges are AS numbers). */
static void json_layers(struct json *j, bool asn, const struct snap_special *sp,
                        const struct snap_iana *ia, const struct snap_rir *rir,
                        const struct snap_bootstrap *bo)
{
	if (sp)
		json_special(j, sp, asn);
	if (ia)
		json_iana(j, ia, asn);
	if (rir)
		json_rir(j, rir, asn);
	if (bo)
		json_boot(j, bo, asn);
}

/* One tab-separated line of a bulk lookup: query, kind, server, RDAP, RIR fields, why. */
static void line_result(struct lookup_out *lo, const char *q, const char *kind,
                        const char *whois, const char *rdap, const struct snap_rir *rir,
                        const char *range, int why)
{
	struct line ln;
	char d[11];

	ln.n = 0;
	line_text(&ln, q);
	line_lit(&ln, "\t");
	line_lit(&ln, kind);
	line_lit(&ln, "\t");
	line_text(&ln, *whois ? whois : "-");
	line_lit(&ln, "\t");
	line_text(&ln, rdap[0] ? rdap : "-");
	if (rir) {
		fmt_date(rir->date, d);
		line_lit(&ln, "\t");
		line_text(&ln, rir->registry.id);
		line_lit(&ln, "\t");
		line_text(&ln, rir->cc[0] ? rir->cc : "-");
		line_lit(&ln, "\t");
		line_text(&ln, rir->status);
		line_lit(&ln, "\t");
		line_text(&ln, d[0] ? d : "-");
		line_lit(&ln, "\t");
		line_text(&ln, range);
	} else {
		line_lit(&ln, "\t-\t-\t-\t-\t-");
	}
	line_lit(&ln, "\t");
	line_lit(&ln, why_key(why));
	line_lit(&ln, "\n");
	line_flush(&ln, &lo->out);
}

/* The first lines of a human answer: the server to ask (and why) and the RDAP URL. */
static void human_route(struct buf *o, const char *whois, const char *rdap, int why)
{
	buf_adds(o, "  whois      ");
	if (*whois)
		put_text(o, whois);
	else
		buf_adds(o, "(none: do not ask)");
	buf_printf(o, "   [%s]\n", snap_why_str(why));
	buf_adds(o, "  rdap       ");
	put_or_dash(o, rdap);
	buf_addc(o, '\n');
}

/* The text after a human "rir <range>" label: registry, country, status, holder, date. */
static void human_rir(struct buf *o, const struct snap_rir *rir)
{
	char d[11];

	fmt_date(rir->date, d);
	buf_adds(o, "  ");
	put_text(o, rir->registry.name);
	buf_printf(o, " %s %s", rir->cc[0] ? rir->cc : "--", rir->status);
	if (rir->has_holder) {
		buf_adds(o, " to ");
		put_text(o, rir->holder.name);
	}
	if (*d)
		buf_printf(o, " %s", d);
	if (rir->partial)
		buf_adds(o, " (part of an older record)");
	buf_adds(o, "  [");
	put_text(o, rir->source->path);
	buf_printf(o, ", %s]\n", rir->source->date);
}

static void out_ip(struct lookup_out *lo, const char *q, const struct snap_ip_result *r)
{
	struct buf *o = &lo->out;
	char range[SNAP_RANGE_TEXT], a4[SNAP_ADDR_TEXT];
	struct json j;

	if (lo->json) {
		json_init(&j, o, false);
		json_obj_begin(&j);
		json_kstr(&j, "query", q);
		json_kstr(&j, "kind", "ip");
		json_kstr(&j, "whois", r->whois);
		json_kstr(&j, "rdap", r->rdap);
		json_kstr(&j, "why", why_key(r->why));
		if (r->embed) {
			snap_addr_fmt(4, r->embedded_v4, a4, sizeof(a4));
			json_kstr(&j, "embedded", embed_str(r->embed));
			json_kstr(&j, "embedded_ipv4", a4);
		}
		json_layers(&j, false, r->has_special ? &r->special : NULL,
		            r->has_iana ? &r->iana : NULL, r->has_rir ? &r->rir : NULL,
		            r->has_bootstrap ? &r->bootstrap : NULL);
		json_obj_end(&j);
		json_finish(&j);
		buf_addc(o, '\n');
		return;
	}
	if (lo->lines) {
		if (r->has_rir)
			block_text(&r->rir.block, range, sizeof(range));
		line_result(lo, q, "ip", r->whois, r->rdap, r->has_rir ? &r->rir : NULL, range,
		            r->why);
		return;
	}
	put_text(o, q);
	buf_addc(o, '\n');
	human_route(o, r->whois, r->rdap, r->why);
	if (r->embed) {
		snap_addr_fmt(4, r->embedded_v4, a4, sizeof(a4));
		buf_printf(o, "  embedded   %s %s\n", embed_str(r->embed), a4);
	}
	if (r->has_special) {
		human_block(o, "special", &r->special.block);
		buf_adds(o, "  ");
		put_text(o, r->special.name);
		buf_addc(o, ' ');
		buf_addc(o, '(');
		put_text(o, r->special.spec);
		buf_printf(o, "), globally reachable: %s\n", tri_str(r->special.global));
	}
	if (r->has_rir) {
		human_block(o, "rir", &r->rir.block);
		human_rir(o, &r->rir);
	}
	if (r->has_iana) {
		human_block(o, "iana", &r->iana.block);
		buf_adds(o, "  ");
		put_text(o, r->iana.designation);
		if (*r->iana.status) {
			buf_addc(o, ' ');
			put_text(o, r->iana.status);
		}
		if (*r->iana.date) {
			buf_addc(o, ' ');
			put_text(o, r->iana.date);
		}
		if (*r->iana.whois) {
			buf_addc(o, ' ');
			put_text(o, r->iana.whois);
		}
		buf_addc(o, '\n');
	}
	if (r->has_bootstrap) {
		human_block(o, "bootstrap", &r->bootstrap.block);
		buf_adds(o, "  ");
		put_text(o, r->bootstrap.urls);
		buf_addc(o, '\n');
	}
}

static void out_asn(struct lookup_out *lo, const char *q, const struct snap_asn_result *r)
{
	struct buf *o = &lo->out;
	char range[SNAP_RANGE_TEXT];
	struct json j;

	if (lo->json) {
		json_init(&j, o, false);
		json_obj_begin(&j);
		json_kstr(&j, "query", q);
		json_kstr(&j, "kind", "asn");
		json_key(&j, "asn");
		json_uint(&j, r->asn);
		json_kstr(&j, "whois", r->whois);
		json_kstr(&j, "rdap", r->rdap);
		json_kstr(&j, "why", why_key(r->why));
		json_layers(&j, true, r->has_special ? &r->special : NULL,
		            r->has_iana ? &r->iana : NULL, r->has_rir ? &r->rir : NULL,
		            r->has_bootstrap ? &r->bootstrap : NULL);
		json_obj_end(&j);
		json_finish(&j);
		buf_addc(o, '\n');
		return;
	}
	if (lo->lines) {
		if (r->has_rir)
			asn_range_fmt(r->rir.asn_first, r->rir.asn_last, range, sizeof(range));
		line_result(lo, q, "asn", r->whois, r->rdap, r->has_rir ? &r->rir : NULL, range,
		            r->why);
		return;
	}
	buf_printf(o, "AS%u\n", r->asn);
	human_route(o, r->whois, r->rdap, r->why);
	if (r->has_special) {
		asn_range_fmt(r->special.asn_first, r->special.asn_last, range, sizeof(range));
		buf_printf(o, "  special    %s  ", range);
		put_text(o, r->special.name);
		buf_addc(o, '\n');
	}
	if (r->has_rir) {
		asn_range_fmt(r->rir.asn_first, r->rir.asn_last, range, sizeof(range));
		buf_printf(o, "  rir        %s", range);
		human_rir(o, &r->rir);
	}
	if (r->has_iana) {
		asn_range_fmt(r->iana.asn_first, r->iana.asn_last, range, sizeof(range));
		buf_printf(o, "  iana       %s  ", range);
		put_text(o, r->iana.designation);
		if (*r->iana.whois) {
			buf_addc(o, ' ');
			put_text(o, r->iana.whois);
		}
		buf_addc(o, '\n');
	}
}

static void human_tld(struct buf *o, const struct snap_tld *t)
{
	buf_adds(o, "  tld        ");
	put_text(o, t->name);
	if (*t->type) {
		buf_addc(o, ' ');
		put_text(o, t->type);
	}
	if (!(t->flags & SNAP_TLD_DELEGATED))
		buf_adds(o, " (not delegated)");
	buf_addc(o, '\n');
	buf_adds(o, "  whois      ");
	if (*t->whois)
		put_text(o, t->whois);
	else if (t->flags & SNAP_TLD_NO_PORT43)
		buf_adds(o, "(no port-43 service known)");
	else
		buf_adds(o, "(none known)");
	buf_adds(o, "\n  rdap       ");
	put_or_dash(o, t->rdap);
	buf_addc(o, '\n');
	if (*t->sponsor) {
		buf_adds(o, "  registry   ");
		put_text(o, t->sponsor);
		buf_addc(o, '\n');
	}
}

static void out_tld(struct lookup_out *lo, const char *q, const struct snap_tld *t, bool found)
{
	struct buf *o = &lo->out;
	struct json j;

	if (lo->json) {
		json_init(&j, o, false);
		json_obj_begin(&j);
		json_kstr(&j, "query", q);
		json_kstr(&j, "kind", "tld");
		json_kbool(&j, "found", found);
		if (found) {
			json_kstr(&j, "whois", t->whois);
			json_tld(&j, t);
		}
		json_obj_end(&j);
		json_finish(&j);
		buf_addc(o, '\n');
		return;
	}
	if (lo->lines) {
		put_text(o, q);
		buf_adds(o, "\ttld\t");
		if (!found) {
			buf_adds(o, "-\t-\tunknown\n");
			return;
		}
		put_or_dash(o, t->whois);
		buf_addc(o, '\t');
		put_or_dash(o, t->rdap);
		buf_printf(o, "\t%s\n", t->flags & SNAP_TLD_NO_PORT43 ? "no-port43"
		                       : t->flags & SNAP_TLD_DELEGATED ? "delegated" : "not-delegated");
		return;
	}
	put_text(o, q);
	buf_addc(o, '\n');
	if (!found)
		buf_adds(o, "  tld        not in IANA's root zone database\n");
	else
		human_tld(o, t);
}

static const char *section_str(int s)
{
	return s == SNAP_PSL_ICANN ? "icann" : s == SNAP_PSL_PRIVATE ? "private" : "default";
}

static void out_domain(struct lookup_out *lo, const char *q, const struct snap_domain *d)
{
	struct buf *o = &lo->out;
	struct json j;

	if (lo->json) {
		json_init(&j, o, false);
		json_obj_begin(&j);
		json_kstr(&j, "query", q);
		json_kstr(&j, "kind", "domain");
		json_kstr(&j, "ascii", d->ascii);
		json_kstr(&j, "registered", d->registered);
		json_kstr(&j, "suffix", d->suffix);
		json_kstr(&j, "rule_section", section_str(d->section));
		json_kbool(&j, "wildcard", d->wildcard);
		json_kbool(&j, "exception", d->exception);
		json_kstr(&j, "icann_registered", d->icann_registered);
		json_kstr(&j, "icann_suffix", d->icann_suffix);
		if (d->has_tld)
			json_tld(&j, &d->tld);
		json_obj_end(&j);
		json_finish(&j);
		buf_addc(o, '\n');
		return;
	}
	if (lo->lines) {
		struct line ln;

		ln.n = 0;
		line_text(&ln, q);
		line_lit(&ln, "\tdomain\t");
		line_text(&ln, d->registered[0] ? d->registered : "-");
		line_lit(&ln, "\t");
		line_text(&ln, d->suffix);
		line_lit(&ln, "\t");
		line_text(&ln, d->icann_registered[0] ? d->icann_registered : "-");
		line_lit(&ln, "\t");
		line_text(&ln, d->has_tld && *d->tld.whois ? d->tld.whois : "-");
		line_lit(&ln, "\n");
		line_flush(&ln, o);
		return;
	}
	put_text(o, q);
	buf_addc(o, '\n');
	buf_adds(o, "  ascii      ");
	put_text(o, d->ascii);
	buf_adds(o, "\n  registered ");
	if (*d->registered)
		put_text(o, d->registered);
	else
		buf_adds(o, "(none: the name is a public suffix)");
	buf_adds(o, "\n  suffix     ");
	put_text(o, d->suffix);
	buf_printf(o, "  (%s rule%s%s)\n", section_str(d->section), d->wildcard ? ", wildcard" : "",
	           d->exception ? ", exception" : "");
	if (strcmp(d->icann_registered, d->registered) != 0) {
		buf_adds(o, "  icann      ");
		put_or_dash(o, d->icann_registered);
		buf_adds(o, "  (registered domain under ICANN rules only: ask WHOIS for this)\n");
	}
	if (d->has_tld)
		human_tld(o, &d->tld);
}

static void query_error(struct lookup_out *lo, const char *q, const char *why)
{
	struct buf e;

	buf_init(&e, 0);
	text_sanitize(&e, q, strlen(q), false);
	log_msg(LOG_ERROR, "'%s': %s", buf_str(&e), why);
	buf_reset(&e);
	if (lo->json) {
		struct json j;

		json_init(&j, &lo->out, false);
		json_obj_begin(&j);
		json_kstr(&j, "query", q);
		json_kstr(&j, "error", why);
		json_obj_end(&j);
		json_finish(&j);
		buf_addc(&lo->out, '\n');
	} else if (lo->lines) {
		put_text(&lo->out, q);
		buf_adds(&lo->out, "\terror\t");
		buf_adds(&lo->out, why);
		buf_addc(&lo->out, '\n');
	}
}

/* "." lists the root hints. */
static void out_root(struct snap *s, struct lookup_out *lo, const char *q)
{
	const struct snap_root_server *rs;
	const char *date;
	char err[SNAP_ERR_MAX], a4[SNAP_ADDR_TEXT], a6[SNAP_ADDR_TEXT];
	struct buf *o = &lo->out;
	size_t n, i;
	struct json j;

	if (snap_root_hints(s, &rs, &n, &date, err, sizeof(err)) != ST_OK) {
		log_msg(LOG_ERROR, "snapshot: %s", err);
		note_exit(lo, EXIT_SOFTWARE);
		return;
	}
	if (lo->json) {
		json_init(&j, o, false);
		json_obj_begin(&j);
		json_kstr(&j, "query", q);
		json_kstr(&j, "kind", "root");
		json_kstr(&j, "date", date);
		json_key(&j, "servers");
		json_arr_begin(&j);
	} else if (!lo->lines) {
		buf_printf(o, ".\n  root hints of %s\n", date);
	}
	for (i = 0; i < n; i++) {
		a4[0] = a6[0] = 0;
		if (rs[i].has_v4)
			snap_addr_fmt(4, rs[i].v4, a4, sizeof(a4));
		if (rs[i].has_v6)
			snap_addr_fmt(6, rs[i].v6, a6, sizeof(a6));
		if (lo->json) {
			json_obj_begin(&j);
			json_kstr(&j, "name", rs[i].name);
			json_kstr(&j, "ipv4", a4);
			json_kstr(&j, "ipv6", a6);
			json_obj_end(&j);
		} else {
			buf_adds(o, lo->lines ? ".\troot\t" : "  ");
			put_text(o, rs[i].name);
			buf_printf(o, lo->lines ? "\t%s\t%s\n" : "  %s  %s\n", a4[0] ? a4 : "-",
			           a6[0] ? a6 : "-");
		}
	}
	if (lo->json) {
		json_arr_end(&j);
		json_obj_end(&j);
		json_finish(&j);
		buf_addc(o, '\n');
	}
}

static void lookup_one(struct snap *s, struct lookup_out *lo, const char *q)
{
	char err[SNAP_ERR_MAX];
	size_t n = strlen(q);
	uint8_t addr[16];
	int fam, st;

	if (strcmp(q, ".") == 0) {
		out_root(s, lo, q);
		return;
	}
	/* Addresses first: the bulk case, parsed once. */
	switch (snap_parse_ip(q, n, &fam, addr) ? SNAP_Q_IP : snap_classify(q, n)) {
	case SNAP_Q_IP: {
		struct snap_ip_result r;

		/* One line per query shows only the decision and the RIR record. */
		st = lo->lines && !lo->json ? snap_route_ip(s, fam, addr, &r, err, sizeof(err))
		                            : snap_lookup_ip(s, fam, addr, &r, err, sizeof(err));
		if (st)
			break;
		out_ip(lo, q, &r);
		return;
	}
	case SNAP_Q_ASN: {
		struct snap_asn_result r;
		uint32_t asn;

		if (!snap_parse_asn(q, n, &asn)) {
			query_error(lo, q, "not an AS number");
			note_exit(lo, EXIT_DATAERR);
			return;
		}
		st = lo->lines && !lo->json ? snap_route_asn(s, asn, &r, err, sizeof(err))
		                            : snap_lookup_asn(s, asn, &r, err, sizeof(err));
		if (st)
			break;
		out_asn(lo, q, &r);
		return;
	}
	case SNAP_Q_TLD: {
		struct snap_tld t;

		st = snap_lookup_tld(s, q, n, &t, err, sizeof(err));
		if (st == ST_INVAL) {
			query_error(lo, q, "not a top-level domain");
			note_exit(lo, EXIT_DATAERR);
			return;
		}
		if (st != ST_OK && st != ST_NOTFOUND)
			break;
		out_tld(lo, q, &t, st == ST_OK);
		if (st == ST_NOTFOUND)
			note_exit(lo, EXIT_NOTHING);
		return;
	}
	case SNAP_Q_DOMAIN: {
		struct snap_domain d;

		st = snap_lookup_domain(s, q, n, &d, err, sizeof(err));
		if (st == ST_INVAL) {
			query_error(lo, q, err);
			note_exit(lo, EXIT_DATAERR);
			return;
		}
		if (st)
			break;
		out_domain(lo, q, &d);
		if (!*d.registered)
			note_exit(lo, EXIT_NOTHING);
		return;
	}
	default:
		query_error(lo, q, "not an address, AS number or domain name");
		note_exit(lo, EXIT_DATAERR);
		return;
	}
	/* A lookup failed: the snapshot itself is damaged. */
	log_msg(LOG_ERROR, "snapshot: %s", err);
	note_exit(lo, EXIT_SOFTWARE);
}

static int cmd_lookup(const struct cli_opts *o, struct snap *s, int argc, char **argv, int first)
{
	struct lookup_out lo;
	int i;
	bool from_stdin = first >= argc || (argc - first == 1 && strcmp(argv[first], "-") == 0);

	memset(&lo, 0, sizeof(lo));
	buf_init(&lo.out, 0);
	lo.json = o->json;
	lo.lines = from_stdin;
	if (!from_stdin) {
		for (i = first; i < argc; i++) {
			if (!lo.json && !lo.lines && i > first)
				buf_addc(&lo.out, '\n');
			lookup_one(s, &lo, argv[i]);
			flush_buf(&lo.out);
		}
	} else {
		char line[DATA_MAX_QUERY + 2];
		unsigned long no = 0;

		setvbuf(stdout, NULL, _IOFBF, 1u << 16);
		while (fgets(line, sizeof(line), stdin)) {
			size_t n = strlen(line);
			struct span t;

			no++;
			if (n && line[n - 1] != '\n' && !feof(stdin)) {
				int c;

				while ((c = getchar()) != EOF && c != '\n')
					;
				log_msg(LOG_ERROR, "stdin:%lu: line longer than %d bytes", no,
				        DATA_MAX_QUERY);
				note_exit(&lo, EXIT_DATAERR);
				continue;
			}
			t = span_trim((struct span){ line, n });
			if (t.n == 0 || t.p[0] == '#')
				continue;
			((char *)t.p)[t.n] = 0;
			lookup_one(s, &lo, t.p);
			if (lo.out.len >= (1u << 15))
				flush_buf(&lo.out);
		}
		flush_buf(&lo.out);
		if (ferror(stdin)) {
			log_msg(LOG_ERROR, "reading stdin: %s", strerror(errno));
			note_exit(&lo, EXIT_NOINPUT);
		}
	}
	buf_reset(&lo.out);
	if (fflush(stdout) != 0)
		return EXIT_CANTCREAT;
	return lo.worst;
}

/* ---- build / verify ---- */

static int cmd_build(const struct cli_opts *o, struct data_ctx *c)
{
	struct buf msg, out;
	int st, code;

	if (!c->build.from || !c->build.out)
		return cli_usage_error("data", "build needs --from DIR and --out DIR");
	buf_init(&msg, 1u << 20);
	buf_init(&out, 0);
	st = snap_build(&c->build, &msg);
	code = st == ST_OK ? EXIT_FOUND : st == ST_MALFORMED ? EXIT_DATAERR
	       : st == ST_NOTFOUND ? EXIT_NOINPUT : st == ST_IO ? EXIT_CANTCREAT : EXIT_SOFTWARE;
	if (o->json) {
		struct json j;
		const char *p = buf_str(&msg);

		json_init(&j, &out, false);
		json_obj_begin(&j);
		json_kbool(&j, "ok", st == ST_OK);
		json_kstr(&j, "from", c->build.from);
		json_kstr(&j, "out", c->build.out);
		if (st) {
			json_kstr(&j, "error", p);
		} else {
			json_key(&j, "warnings");
			json_arr_begin(&j);
			while (*p) {
				const char *e = strchr(p, '\n');
				size_t n = e ? (size_t)(e - p) : strlen(p);

				if (n > 9 && strncmp(p, "warning: ", 9) == 0)
					json_strn(&j, p + 9, n - 9);
				else if (n)
					json_strn(&j, p, n);
				p += n + (e ? 1 : 0);
			}
			json_arr_end(&j);
		}
		json_obj_end(&j);
		json_finish(&j);
		buf_addc(&out, '\n');
		flush_buf(&out);
	}
	if (msg.len && (!o->json || st)) {
		if (st)
			log_msg(LOG_ERROR, "build: %s", buf_str(&msg));
		else
			fputs(buf_str(&msg), stderr);
	}
	if (st == ST_OK)
		log_msg(LOG_INFO, "wrote %s/%s", c->build.out, SNAP_FILE_NAME);
	buf_reset(&msg);
	buf_reset(&out);
	return code;
}

static int cmd_verify(const struct cli_opts *o, int argc, char **argv, int first)
{
	char err[SNAP_ERR_MAX], path[4096];
	const char *dir = first < argc ? argv[first] : o->data_dir;
	struct snap *s = NULL;
	struct buf out;
	int st;

	if (argc - first > 1)
		return cli_usage_error("data", "verify takes at most one directory");
	if (dir) {
		snprintf(path, sizeof(path), "%s/%s", dir, SNAP_FILE_NAME);
		st = snap_open_file(path, &s, err, sizeof(err));
	} else {
		path[0] = 0;
		st = snap_open_embedded(&s, err, sizeof(err));
	}
	if (st == ST_OK)
		st = snap_verify(s, err, sizeof(err));
	buf_init(&out, 0);
	if (o->json) {
		struct json j;

		json_init(&j, &out, false);
		json_obj_begin(&j);
		json_kstr(&j, "snapshot", dir ? path : "embedded");
		json_kbool(&j, "ok", st == ST_OK);
		if (st)
			json_kstr(&j, "error", err);
		else {
			json_key(&j, "sections");
			json_uint(&j, snap_section_count(s));
			json_key(&j, "sources");
			json_uint(&j, snap_source_count(s));
		}
		json_obj_end(&j);
		json_finish(&j);
		buf_addc(&out, '\n');
	} else if (st == ST_OK) {
		buf_adds(&out, "ok: ");
		put_text(&out, dir ? path : "embedded snapshot");
		buf_printf(&out, ": %zu sections from %zu sources: checksums, SHA-256 and tables "
		           "verified\n", snap_section_count(s), snap_source_count(s));
	}
	flush_buf(&out);
	buf_reset(&out);
	if (st) {
		struct buf e;

		buf_init(&e, 0);
		text_sanitize(&e, err, strlen(err), false);
		log_msg(LOG_ERROR, "verify: %s", buf_str(&e));
		buf_reset(&e);
	}
	snap_free(s);
	if (st == ST_IO)
		return EXIT_NOINPUT;
	if (st == ST_NOTFOUND)
		return EXIT_UNAVAILABLE;
	return st ? EXIT_DATAERR : EXIT_FOUND;
}

int cmd_data(int argc, char **argv)
{
	static const struct option extra[] = {
		{ "from", required_argument, NULL, OPT_FROM },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "source-date", required_argument, NULL, OPT_SOURCE_DATE },
		{ "build-time", required_argument, NULL, OPT_BUILD_TIME },
		{ "known-defects", required_argument, NULL, OPT_KNOWN_DEFECTS },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_opts o;
	struct data_ctx c;
	struct snap *s = NULL;
	int first, r, st;

	memset(&c, 0, sizeof(c));
	r = cli_parse(argc, argv, extra, "", local_opt, &c, &o, &first);
	if (r)
		return r;
	if (o.help) {
		cli_usage(stdout, "data");
		return EXIT_FOUND;
	}
	if (first >= argc)
		return cli_usage_error("data", "which one: info, lookup, build or verify?");
	c.sub = argv[first++];
	r = cli_setup(&o);
	if (r)
		return r;
	if (strcmp(c.sub, "build") == 0) {
		r = first < argc ? cli_usage_error("data", "build takes no operands")
		                 : cmd_build(&o, &c);
	} else if (strcmp(c.sub, "verify") == 0) {
		r = cmd_verify(&o, argc, argv, first);
	} else if (strcmp(c.sub, "info") == 0 || strcmp(c.sub, "lookup") == 0) {
		if (strcmp(c.sub, "info") == 0 && first < argc) {
			r = cli_usage_error("data", "info takes no operands");
		} else {
			st = open_snapshot(&o, &s);
			if (st)
				r = EXIT_UNAVAILABLE;
			else if (strcmp(c.sub, "info") == 0)
				r = cmd_info(&o, s);
			else
				r = cmd_lookup(&o, s, argc, argv, first);
			snap_free(s);
		}
	} else {
		r = cli_usage_error("data", "unknown subcommand '%s'", c.sub);
	}
	st = cli_teardown(&o);
	return st ? st : r;
}
