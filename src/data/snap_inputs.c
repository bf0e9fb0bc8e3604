/* Generator inputs: RIR statistics, RDAP bootstrap, TLD tables, Public Suffix List, root hints. */
#include <stdio.h>
#include <string.h>

#include "hostport.h"
#include "punycode.h"
#include "jsonr.h"
#include "snap_bld.h"
#include "span.h"
#include "status.h"
#include "text.h"

#define RIR_MAX_FIELDS 16

static const char *const reg_key[BR__COUNT] = {
	[BR_IANA] = "iana", [BR_IETF] = "ietf", [BR_AFRINIC] = "afrinic", [BR_APNIC] = "apnic",
	[BR_ARIN] = "arin", [BR_LACNIC] = "lacnic", [BR_RIPENCC] = "ripencc",
};

static int reg_index(struct span s)
{
	int i;

	for (i = 0; i < BR__COUNT; i++)
		if (span_eq(s, reg_key[i]))
			return i;
	return -1;
}

static size_t split(struct span line, char sep, struct span *f, size_t max)
{
	size_t n = 0;
	struct span l, r;

	while (n < max) {
		if (!span_split(line, sep, &l, &r)) {
			f[n++] = line;
			return n;
		}
		f[n++] = l;
		line = r;
	}
	return max + 1;             /* too many */
}

/* YYYYMMDD -> "YYYY-MM-DD" if valid. */
static bool ymd(struct span s, char out[11])
{
	if (s.n != 8)
		return false;
	memcpy(out, s.p, 4);
	out[4] = '-';
	memcpy(out + 5, s.p + 4, 2);
	out[7] = '-';
	memcpy(out + 8, s.p + 6, 2);
	out[10] = 0;
	return bld_valid_date(out);
}

/* Expected registry id from the file name "rir/delegated-ID[-extended]-DATE". */
static int file_registry(const char *path)
{
	const char *p = strstr(path, "delegated-");
	int i;

	for (i = 0; p && i < BR__COUNT; i++) {
		size_t l = strlen(reg_key[i]);

		if (strncmp(p + 10, reg_key[i], l) == 0 && p[10 + l] == '-')
			return i;
	}
	return -1;
}

struct rir_ctx {
	int registry;
	int layer;
	unsigned long counts[3], summary[3];
	bool has_summary[3];
	unsigned long total;
};

/* Parse one record line; returns NULL or a reason (in why). */
static const char *rir_record(struct bld *b, int src, unsigned long line, struct span *f,
                              size_t nf, struct rir_ctx *c, char *why, size_t whylen)
{
	static const char *const types[3] = { "ipv4", "ipv6", "asn" };
	static const int tabs[3] = { T_IP4_RIR, T_IP6_RIR, T_ASN_RIR };
	static const char *const statuses[4] = { "allocated", "assigned", "available", "reserved" };
	struct brec *r;
	char date[11];
	uint64_t v;
	int type = -1, i, status = -1, holder = RIR_NO_HOLDER;

	if (nf < 7 || nf > RIR_MAX_FIELDS)
		return "expected REGISTRY|CC|TYPE|START|VALUE|DATE|STATUS[|ID...]";
	if (reg_index(f[0]) != c->registry) {
		snprintf(why, whylen, "registry '%.*s' in a file of '%s'", (int)f[0].n, f[0].p,
		         reg_key[c->registry]);
		return why;
	}
	if (!(f[1].n == 0 || (f[1].n == 2 && f[1].p[0] >= 'A' && f[1].p[0] <= 'Z' &&
	                      f[1].p[1] >= 'A' && f[1].p[1] <= 'Z'))) {
		snprintf(why, whylen, "bad country code '%.*s'", (int)f[1].n, f[1].p);
		return why;
	}
	for (i = 0; i < 3; i++)
		if (span_eq(f[2], types[i]))
			type = i;
	if (type < 0) {
		snprintf(why, whylen, "unknown type '%.*s'", (int)f[2].n, f[2].p);
		return why;
	}
	if (!(f[5].n == 0 || span_eq(f[5], "00000000") || ymd(f[5], date))) {
		snprintf(why, whylen, "bad date '%.*s'", (int)f[5].n, f[5].p);
		return why;
	}
	for (i = 0; i < 4; i++)
		if (span_eq(f[6], statuses[i]))
			status = i;
	if (status < 0 && c->registry == BR_IANA) {
		/* IANA's own file names the registry the block went to. */
		holder = reg_index(f[6]);
		if (holder >= 0)
			status = RS_DELEGATED;
	}
	if (status < 0) {
		snprintf(why, whylen, "bad status '%.*s'", (int)f[6].n, f[6].p);
		return why;
	}
	r = bld_rec(b, tabs[type], RT_RIR, src, line);
	if (!r)
		return "out of memory";
	r->layer = c->layer;
	r->u.ri.registry = (uint8_t)c->registry;
	r->u.ri.status = (uint8_t)status;
	r->u.ri.holder = (uint8_t)(holder < 0 ? RIR_NO_HOLDER : holder);
	r->u.ri.src = (uint8_t)src;
	if (f[1].n == 2) {
		r->u.ri.cc[0] = f[1].p[0];
		r->u.ri.cc[1] = f[1].p[1];
	}
	if (f[5].n == 8 && !span_eq(f[5], "00000000")) {
		uint64_t d;

		parse_uint(f[5].p, 8, 99999999, &d);
		r->u.ri.date = (uint32_t)d;
	}
	if (type == 0) {
		uint32_t a;

		if (!bld_parse_v4(f[3].p, f[3].n, &a)) {
			snprintf(why, whylen, "bad IPv4 address '%.*s'", (int)f[3].n, f[3].p);
			return why;
		}
		if (!parse_uint(f[4].p, f[4].n, 1ull << 32, &v) || v == 0 ||
		    (uint64_t)a + v - 1 > 0xffffffffu) {
			snprintf(why, whylen, "bad address count '%.*s'", (int)f[4].n, f[4].p);
			return why;
		}
		r->first.lo = a;
		r->last.lo = a + v - 1;
		r->u.ri.value = (uint32_t)v;
	} else if (type == 1) {
		uint8_t a[16];
		char pfx[64];

		if (!bld_parse_v6(f[3].p, f[3].n, a)) {
			snprintf(why, whylen, "bad IPv6 address '%.*s'", (int)f[3].n, f[3].p);
			return why;
		}
		if (!parse_uint(f[4].p, f[4].n, 128, &v)) {
			snprintf(why, whylen, "bad prefix length '%.*s'", (int)f[4].n, f[4].p);
			return why;
		}
		snprintf(pfx, sizeof(pfx), "%.*s/%u", (int)f[3].n, f[3].p, (unsigned)v);
		if (!bld_parse_prefix(pfx, strlen(pfx), 6, &r->first, &r->last, &r->plen)) {
			snprintf(why, whylen, "'%s' has bits set after the prefix", pfx);
			return why;
		}
		r->u.ri.value = (uint32_t)v;
	} else {
		uint64_t a;

		if (!parse_uint(f[3].p, f[3].n, 0xffffffffu, &a)) {
			snprintf(why, whylen, "bad AS number '%.*s'", (int)f[3].n, f[3].p);
			return why;
		}
		if (!parse_uint(f[4].p, f[4].n, 1ull << 32, &v) || v == 0 || a + v - 1 > 0xffffffffu) {
			snprintf(why, whylen, "bad AS number count '%.*s'", (int)f[4].n, f[4].p);
			return why;
		}
		r->first.lo = a;
		r->last.lo = a + v - 1;
		r->u.ri.value = (uint32_t)v;
	}
	c->counts[type]++;
	c->total++;
	return NULL;
}

int bld_rir(struct bld *b, int src, int layer)
{
	static const char *const types[3] = { "ipv4", "ipv6", "asn" };
	struct line_reader lr;
	struct span line, f[RIR_MAX_FIELDS + 1];
	struct rir_ctx c;
	bool header = false;
	unsigned long declared = 0, hdr_line = 0;
	size_t nf;
	int i;
	char why[160], date[11];

	memset(&c, 0, sizeof(c));
	c.layer = layer;
	c.registry = file_registry(b->src[src].meta.path);
	lr_init(&lr, b->src[src].data, b->src[src].len, BLD_MAX_LINE);
	while (lr_next(&lr, &line)) {
		const char *e;

		if (lr.cut)
			return bld_err(b, src, lr.lineno, "line too long");
		if (line.n == 0 || line.p[0] == '#')
			continue;
		nf = split(line, '|', f, RIR_MAX_FIELDS);
		if (!header) {
			uint64_t v;

			if (nf != 7)
				return bld_err(b, src, lr.lineno, "expected the version line "
				               "VERSION|REGISTRY|SERIAL|RECORDS|STARTDATE|ENDDATE|UTCOFFSET");
			if (!(span_eq(f[0], "2") || (f[0].n > 2 && f[0].p[0] == '2' && f[0].p[1] == '.')))
				return bld_err(b, src, lr.lineno, "unsupported format version '%.*s'",
				               (int)f[0].n, f[0].p);
			if (reg_index(f[1]) != c.registry || c.registry < 0)
				return bld_err(b, src, lr.lineno, "registry '%.*s' does not match the file "
				               "name", (int)f[1].n, f[1].p);
			/* The serial is YYYYMMDD for most registries; else use the end date. */
			if (!ymd(f[2], date) && !ymd(f[5], date))
				return bld_err(b, src, lr.lineno, "no date in the version line");
			if (!parse_uint(f[3].p, f[3].n, 1u << 30, &v))
				return bld_err(b, src, lr.lineno, "bad record count '%.*s'", (int)f[3].n,
				               f[3].p);
			bld_set_date(b, src, date, 10);
			declared = (unsigned long)v;
			hdr_line = lr.lineno;
			header = true;
			continue;
		}
		{
			/* Listed bad lines are dropped whether or not they parse (an overlap, say). */
			int d = bld_known_defect(b, src, lr.lineno, line.p, line.n);

			if (d == DEFECT_END)
				break;
			if (d == DEFECT_SKIP) {
				/* Still a record as far as the file's own counts go. */
				for (i = 0; header && nf >= 3 && i < 3; i++)
					if (span_eq(f[2], types[i]))
						c.counts[i]++;
				c.total += header;
				continue;
			}
		}
		if (nf == 6 && span_eq(f[5], "summary")) {
			uint64_t v;
			int t = -1;

			for (i = 0; i < 3; i++)
				if (span_eq(f[2], types[i]))
					t = i;
			if (reg_index(f[0]) != c.registry || !span_eq(f[1], "*") || t < 0 ||
			    !span_eq(f[3], "*") || !parse_uint(f[4].p, f[4].n, 1u << 30, &v))
				return bld_err(b, src, lr.lineno, "bad summary line");
			c.summary[t] = (unsigned long)v;
			c.has_summary[t] = true;
			continue;
		}
		e = rir_record(b, src, lr.lineno, f, nf, &c, why, sizeof(why));
		if (e)
			return bld_err(b, src, lr.lineno, "%s", e);
		if (b->failed)
			return ST_MALFORMED;
	}
	if (!header)
		return bld_err(b, src, 0, "no version line: not a delegated statistics file");
	/* Counts that disagree with the file's own header hint at a damaged download. */
	for (i = 0; i < 3; i++) {
		if (c.has_summary[i] && c.summary[i] != c.counts[i]) {
			b->src[src].meta.flags |= SNAP_SRC_COUNT_MISMATCH;
			bld_warn(b, "%s: %lu %s records, its summary line says %lu",
			         b->src[src].meta.path, c.counts[i], types[i], c.summary[i]);
		}
	}
	if (declared != c.total) {
		b->src[src].meta.flags |= SNAP_SRC_COUNT_MISMATCH;
		bld_warn(b, "%s:%lu: %lu records, the version line says %lu", b->src[src].meta.path,
		         hdr_line, c.total, declared);
	}
	return ST_OK;
}

/* ---- RDAP bootstrap (RFC 9224) ---- */

static const char *json_urls(struct bld *b, int src, const struct jr_val *arr)
{
	struct buf out;
	const char *res;
	size_t i;

	if (!arr || arr->type != JR_ARR || arr->n == 0) {
		bld_err(b, src, arr ? arr->line : 0, "expected an array of URLs");
		return NULL;
	}
	buf_init(&out, BLD_MAX_LINE);
	for (i = 0; i < arr->n; i++) {
		const struct jr_val *u = &arr->items[i];

		if (u->type != JR_STR || !bld_valid_url(u->str)) {
			buf_reset(&out);
			bld_err(b, src, u->line, "bad URL '%s'", u->type == JR_STR ? u->str : "?");
			return NULL;
		}
		if (out.len)
			buf_addc(&out, ' ');
		buf_adds(&out, u->str);
		if (u->str[strlen(u->str) - 1] != '/')
			buf_addc(&out, '/');
	}
	res = bld_strndup(&b->a, buf_str(&out), out.len);
	buf_reset(&out);
	return res;
}

/* Common frame: date and services; calls back for each (entry, urls). */
static int bootstrap_walk(struct bld *b, int src,
                          int (*fn)(struct bld *, int, const struct jr_val *, const char *, void *),
                          void *ctx)
{
	struct jr_val *root;
	const struct jr_val *pub, *svc;
	size_t i, j;
	int st = bld_json_parse(b, src, &root);

	if (st)
		return st;
	if (root->type != JR_OBJ) {
		st = bld_err(b, src, root->line, "not a JSON object");
		goto out;
	}
	pub = jr_get(root, "publication");
	if (!pub || pub->type != JR_STR || strlen(pub->str) < 10 ||
	    !bld_set_date(b, src, pub->str, 10)) {
		st = bld_err(b, src, pub ? pub->line : root->line, "no valid \"publication\" date");
		goto out;
	}
	svc = jr_get(root, "services");
	if (!svc || svc->type != JR_ARR) {
		st = bld_err(b, src, root->line, "no \"services\" array");
		goto out;
	}
	for (i = 0; i < svc->n; i++) {
		const struct jr_val *sv = &svc->items[i], *ent;
		const char *urls;

		if (sv->type != JR_ARR || sv->n != 2 || sv->items[0].type != JR_ARR) {
			st = bld_err(b, src, sv->line, "a service must be [[entries], [URLs]]");
			goto out;
		}
		ent = &sv->items[0];
		urls = json_urls(b, src, &sv->items[1]);
		if (!urls) {
			st = ST_MALFORMED;
			goto out;
		}
		for (j = 0; j < ent->n; j++) {
			if (ent->items[j].type != JR_STR) {
				st = bld_err(b, src, ent->items[j].line, "entries must be strings");
				goto out;
			}
			st = fn(b, src, &ent->items[j], urls, ctx);
			if (st)
				goto out;
		}
	}
	st = ST_OK;
out:
	jr_free(root);          /* what outlives the walk was copied into the arena */
	return st;
}

static int boot_entry(struct bld *b, int src, const struct jr_val *e, const char *urls, void *ctx)
{
	int tab = *(int *)ctx;
	struct brec *r = bld_rec(b, tab, RT_BOOT, src, e->line);
	const char *s = e->str;

	if (!r)
		return ST_NOMEM;
	r->nest = true;                 /* RFC 9224: the longest match wins */
	r->u.bo.urls = urls;
	if (tab == T_ASN_RDAP) {
		const char *dash = strchr(s, '-');
		uint64_t a, z;

		if (!(dash ? parse_uint(s, (size_t)(dash - s), 0xffffffffu, &a) &&
		                 parse_uint(dash + 1, strlen(dash + 1), 0xffffffffu, &z)
		           : parse_uint(s, strlen(s), 0xffffffffu, &a)))
			return bld_err(b, src, e->line, "bad AS number range '%s'", s);
		if (!dash)
			z = a;
		if (a > z)
			return bld_err(b, src, e->line, "bad AS number range '%s'", s);
		r->first.lo = a;
		r->last.lo = z;
		return ST_OK;
	}
	if (!bld_parse_prefix(s, strlen(s), tab == T_IP4_RDAP ? 4 : 6, &r->first, &r->last, &r->plen))
		return bld_err(b, src, e->line, "bad prefix '%s'", s);
	return ST_OK;
}

int bld_bootstrap(struct bld *b, int src, int tab)
{
	return bootstrap_walk(b, src, boot_entry, &tab);
}

/* Lower-case LDH label of 1..63 octets (IDN TLDs in their "xn--" form). */
static bool tld_label(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static struct b_tld *new_tld(struct bld *b, int src, unsigned long line, const char *name)
{
	struct b_tld *t = bvec_push(&b->tlds);

	if (!t) {
		bld_err(b, -1, 0, "out of memory");
		return NULL;
	}
	t->name = name;
	t->type = t->sponsor = t->whois = t->rdap = t->rdap_db = "";
	t->src = src;
	t->line = line;
	b->tld_srcs |= 1ull << src;
	b->src[src].meta.records++;
	return t;
}

static int dns_entry(struct bld *b, int src, const struct jr_val *e, const char *urls, void *ctx)
{
	struct b_tld *t;
	const char *name;

	(void)ctx;
	if (!tld_label(e->str, strlen(e->str)))
		return bld_err(b, src, e->line, "bad TLD '%s'", e->str);
	name = bld_strndup(&b->a, e->str, e->len);      /* the JSON tree is freed after the walk */
	if (!name)
		return bld_err(b, -1, 0, "out of memory");
	t = new_tld(b, src, e->line, name);
	if (!t)
		return ST_NOMEM;
	t->rdap = urls;
	t->flags = SNAP_TLD_RDAP_BOOTSTRAP;
	return ST_OK;
}

int bld_rdap_dns(struct bld *b, int src)
{
	return bootstrap_walk(b, src, dns_entry, NULL);
}

/* ---- IANA root zone database as CSV (RFC 4180) ---- */

#define CSV_COLS 7

/* Read one CSV record into fields (allocated in the arena). Returns 1 on a record, 0 at
 * the end, -1 on error (recorded). */
static int csv_record(struct bld *b, int src, const char **p, unsigned long *line,
                      const char **fld, size_t max, size_t *nf, unsigned long *start)
{
	const char *s = *p, *end = b->src[src].data + b->src[src].len;
	struct buf f;

	*nf = 0;
	*start = *line;
	if (s >= end)
		return 0;
	buf_init(&f, BLD_MAX_LINE);
	for (;;) {
		bool quoted = false;

		buf_clear(&f);
		if (s < end && *s == '"') {
			quoted = true;
			s++;
			for (;;) {
				if (s >= end) {
					buf_reset(&f);
					bld_err(b, src, *start, "unterminated quoted field");
					return -1;
				}
				if (*s == '"') {
					if (s + 1 < end && s[1] == '"') {
						buf_addc(&f, '"');
						s += 2;
						continue;
					}
					s++;
					break;
				}
				if (*s == '\n')
					(*line)++;
				buf_addc(&f, *s == '\n' || *s == '\r' ? ' ' : *s);
				s++;
			}
		} else {
			while (s < end && *s != ',' && *s != '\n' && *s != '\r') {
				if (*s == '"') {
					buf_reset(&f);
					bld_err(b, src, *line, "quote inside an unquoted field");
					return -1;
				}
				buf_addc(&f, *s++);
			}
		}
		if (*nf >= max || f.err) {
			buf_reset(&f);
			bld_err(b, src, *start, "more than %zu fields or a field too long", max);
			return -1;
		}
		fld[(*nf)++] = bld_strndup(&b->a, buf_str(&f), f.len);
		if (s < end && *s == ',') {
			s++;
			continue;
		}
		if (quoted && s < end && *s != '\n' && *s != '\r') {
			buf_reset(&f);
			bld_err(b, src, *line, "text after a closing quote");
			return -1;
		}
		if (s < end && *s == '\r')
			s++;
		if (s < end && *s == '\n')
			s++;
		(*line)++;
		break;
	}
	buf_reset(&f);
	*p = s;
	return 1;
}

int bld_tld_csv(struct bld *b, int src)
{
	static const char *const want[CSV_COLS] = { "tld", "type", "iana_type", "delegated",
		                                    "whois_server", "rdap_server", "iana_sponsor" };
	const char *p = b->src[src].data, *fld[CSV_COLS + 1];
	unsigned long line = 1, start;
	size_t nf, i, j;
	int col[CSV_COLS], r;

	r = csv_record(b, src, &p, &line, fld, CSV_COLS + 1, &nf, &start);
	if (r <= 0)
		return r < 0 ? ST_MALFORMED : bld_err(b, src, 0, "empty file");
	for (i = 0; i < CSV_COLS; i++) {
		col[i] = -1;
		for (j = 0; j < nf; j++)
			if (fld[j] && strcmp(fld[j], want[i]) == 0)
				col[i] = (int)j;
		if (col[i] < 0)
			return bld_err(b, src, 1, "no column '%s' in the header", want[i]);
	}
	while ((r = csv_record(b, src, &p, &line, fld, CSV_COLS + 1, &nf, &start)) > 0) {
		const char *tld, *del, *who, *rd;
		struct b_tld *t;

		if (nf == 1 && !*fld[0])
			continue;               /* blank line */
		if (nf != CSV_COLS)
			return bld_err(b, src, start, "expected %d fields, found %zu", CSV_COLS, nf);
		tld = fld[col[0]];
		del = fld[col[3]];
		who = fld[col[4]];
		rd = fld[col[5]];
		if (!tld_label(tld, strlen(tld)))
			return bld_err(b, src, start, "bad TLD '%s'", tld);
		if (strcmp(del, "true") != 0 && strcmp(del, "false") != 0)
			return bld_err(b, src, start, "delegated must be true or false, not '%s'", del);
		if (*who && !bld_valid_host(who))
			return bld_err(b, src, start, "bad WHOIS server '%s'", who);
		if (*rd && !bld_valid_url(rd))
			return bld_err(b, src, start, "bad RDAP URL '%s'", rd);
		t = new_tld(b, src, start, tld);
		if (!t)
			return ST_NOMEM;
		t->from_db = true;
		t->type = fld[col[2]];
		t->sponsor = fld[col[6]];
		t->whois = who;
		if (*rd) {
			char *u = bld_alloc(&b->a, strlen(rd) + 2);

			if (!u)
				return bld_err(b, -1, 0, "out of memory");
			strcpy(u, rd);
			if (u[strlen(u) - 1] != '/')
				strcat(u, "/");
			t->rdap_db = u;
		}
		if (strcmp(del, "true") == 0)
			t->flags |= SNAP_TLD_DELEGATED;
	}
	return r < 0 ? ST_MALFORMED : ST_OK;
}

/* IANA's tlds-alpha-by-domain.txt: "# Version 2026072401, Last Updated ..." then labels. */
int bld_tld_list(struct bld *b, int src)
{
	struct line_reader lr;
	struct span line;
	bool first = true;

	lr_init(&lr, b->src[src].data, b->src[src].len, BLD_MAX_LINE);
	while (lr_next(&lr, &line)) {
		char *name;
		size_t i;
		struct b_tld *t;

		if (lr.cut)
			return bld_err(b, src, lr.lineno, "line too long");
		if (first) {
			char date[11];

			first = false;
			if (line.n < 20 || !span_istarts(line, "# Version ") ||
			    !ymd((struct span){ line.p + 10, 8 }, date))
				return bld_err(b, src, lr.lineno, "expected '# Version YYYYMMDDNN, ...'");
			bld_set_date(b, src, date, 10);
			continue;
		}
		line = span_trim(line);
		if (line.n == 0 || line.p[0] == '#')
			continue;
		name = bld_strndup(&b->a, line.p, line.n);
		if (!name)
			return bld_err(b, -1, 0, "out of memory");
		for (i = 0; i < line.n; i++)
			name[i] = (char)ascii_lower((unsigned char)name[i]);
		if (!tld_label(name, line.n))
			return bld_err(b, src, lr.lineno, "bad TLD '%.*s'", (int)line.n, line.p);
		t = new_tld(b, src, lr.lineno, name);
		if (!t)
			return ST_NOMEM;
		t->flags = SNAP_TLD_LISTED;
	}
	if (first)
		return bld_err(b, src, 0, "empty file");
	return ST_OK;
}

/* ---- Public Suffix List ---- */

int bld_psl(struct bld *b, int src)
{
	struct line_reader lr;
	struct span line;
	int section = 0;            /* 0 none, 1 ICANN, 2 PRIVATE */
	bool seen[3] = { false, false, false };
	struct buf a;

	lr_init(&lr, b->src[src].data, b->src[src].len, BLD_MAX_LINE);
	buf_init(&a, SNAP_DOMAIN_MAX);
	while (lr_next(&lr, &line)) {
		struct span rule;
		unsigned kind = 0;      /* 0 normal, 1 wildcard, 2 exception */
		struct b_psl *e;
		size_t i;
		int st;

		if (lr.cut)
			goto toolong;
		line = span_trim(line);
		if (line.n >= 2 && line.p[0] == '/' && line.p[1] == '/') {
			if (span_ifind(line, "===BEGIN ICANN DOMAINS===") >= 0 ||
			    span_ifind(line, "===BEGIN PRIVATE DOMAINS===") >= 0) {
				int s = span_ifind(line, "ICANN") >= 0 ? 1 : 2;

				if (section || seen[s]) {
					buf_reset(&a);
					return bld_err(b, src, lr.lineno, "unexpected BEGIN marker");
				}
				section = s;
				seen[s] = true;
			} else if (span_ifind(line, "===END ICANN DOMAINS===") >= 0 ||
			           span_ifind(line, "===END PRIVATE DOMAINS===") >= 0) {
				if (section != (span_ifind(line, "ICANN") >= 0 ? 1 : 2)) {
					buf_reset(&a);
					return bld_err(b, src, lr.lineno, "END marker without its BEGIN");
				}
				section = 0;
			} else if (span_istarts(line, "// VERSION: ")) {
				if (line.n < 22 || !bld_set_date(b, src, line.p + 12, 10)) {
					buf_reset(&a);
					return bld_err(b, src, lr.lineno, "bad VERSION date");
				}
			}
			continue;
		}
		if (line.n == 0)
			continue;
		/* "Each line is only read up to the first whitespace" (publicsuffix.org). */
		for (i = 0; i < line.n && line.p[i] != ' ' && line.p[i] != '\t'; i++)
			;
		rule = (struct span){ line.p, i };
		if (!section) {
			buf_reset(&a);
			return bld_err(b, src, lr.lineno, "rule outside the ICANN and PRIVATE sections");
		}
		if (rule.p[0] == '!') {
			kind = 2;
			rule.p++;
			rule.n--;
		} else if (rule.n >= 2 && rule.p[0] == '*' && rule.p[1] == '.') {
			kind = 1;
			rule.p += 2;
			rule.n -= 2;
		}
		buf_clear(&a);
		st = rule.n ? idna_to_ascii(rule.p, rule.n, &a) : ST_MALFORMED;
		/* An exception must leave a suffix: "!www.ck", never "!ck". */
		if (st || memchr(a.data, '*', a.len) || memchr(a.data, '!', a.len) ||
		    !hostname_valid((const char *)a.data, a.len) ||
		    (kind == 2 && !memchr(a.data, '.', a.len))) {
			buf_reset(&a);
			return bld_err(b, src, lr.lineno, "bad rule '%.*s'", (int)line.n, line.p);
		}
		e = bvec_push(&b->psl);
		if (!e) {
			buf_reset(&a);
			return bld_err(b, -1, 0, "out of memory");
		}
		e->name = bld_strndup(&b->a, (const char *)a.data, a.len);
		if (!e->name) {
			buf_reset(&a);
			return bld_err(b, -1, 0, "out of memory");
		}
		e->flags = (kind == 0 ? PSL_NORMAL_ICANN : kind == 1 ? PSL_WILD_ICANN : PSL_EXCEPT_ICANN)
		           << (section == 2 ? 1 : 0);
		b->src[src].meta.records++;
	}
	buf_reset(&a);
	if (section)
		return bld_err(b, src, 0, "section not closed by an END marker");
	if (!seen[1])
		return bld_err(b, src, 0, "no ICANN section");
	b->psl_srcs |= 1ull << src;
	return ST_OK;
toolong:
	buf_reset(&a);
	return bld_err(b, src, lr.lineno, "line too long");
}

/* ---- root hints (named.root) ---- */

static bool month_date(struct span s, char out[11])
{
	static const char *const mon[12] = { "jan", "feb", "mar", "apr", "may", "jun",
		                             "jul", "aug", "sep", "oct", "nov", "dec" };
	struct span m, rest, d, y;
	uint64_t day, year;
	int i, mi = -1;

	s = span_trim(s);
	if (!span_split(s, ' ', &m, &rest) || !span_split(span_trim(rest), ',', &d, &y))
		return false;
	for (i = 0; i < 12; i++)
		if (m.n >= 3 && ascii_nieq(m.p, mon[i], 3))
			mi = i;
	if (mi < 0 || !span_uint(span_trim(d), 31, &day) || !span_uint(span_trim(y), 9999, &year))
		return false;
	{
		char tmp[40];

		snprintf(tmp, sizeof(tmp), "%04u-%02d-%02u", (unsigned)year, mi + 1, (unsigned)day);
		if (strlen(tmp) != 10)
			return false;
		memcpy(out, tmp, 11);
	}
	return bld_valid_date(out);
}

static struct b_root *root_find(struct bld *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->roots.n; i++) {
		struct b_root *r = BVEC_AT(&b->roots, struct b_root, i);

		if (strcmp(r->name, name) == 0)
			return r;
	}
	return NULL;
}

int bld_root(struct bld *b, int src)
{
	struct line_reader lr;
	struct span line, f[8];
	size_t i;

	lr_init(&lr, b->src[src].data, b->src[src].len, BLD_MAX_LINE);
	while (lr_next(&lr, &line)) {
		size_t nf = 0;
		struct span rest;
		char name[SNAP_DOMAIN_MAX];
		struct b_root *r;
		long at;

		if (lr.cut)
			return bld_err(b, src, lr.lineno, "line too long");
		line = span_trim(line);
		if (line.n && line.p[0] == ';') {
			at = span_ifind(line, "last update:");
			if (at >= 0) {
				char date[11];

				if (!month_date((struct span){ line.p + at + 12, line.n - (size_t)at - 12 },
				                date))
					return bld_err(b, src, lr.lineno, "bad 'last update' date");
				bld_set_date(b, src, date, 10);
			}
			continue;
		}
		if (line.n == 0)
			continue;
		rest = line;
		while (rest.n && nf < 8) {      /* fields separated by blanks */
			size_t k = 0;

			while (k < rest.n && rest.p[k] != ' ' && rest.p[k] != '\t')
				k++;
			f[nf++] = (struct span){ rest.p, k };
			rest.p += k;
			rest.n -= k;
			rest = span_trim(rest);
		}
		/* OWNER TTL [IN] TYPE RDATA */
		if (nf == 5 && span_ieq(f[2], "IN")) {
			f[2] = f[3];
			f[3] = f[4];
			nf = 4;
		}
		if (nf != 4 || !span_uint(f[1], 0x7fffffff, &(uint64_t){ 0 }))
			return bld_err(b, src, lr.lineno, "expected 'OWNER TTL TYPE DATA'");
		if (span_ieq(f[2], "NS")) {
			if (!span_eq(f[0], "."))
				return bld_err(b, src, lr.lineno, "NS record for '%.*s', not the root",
				               (int)f[0].n, f[0].p);
			name[0] = 0;
			if (f[3].n >= sizeof(name) || f[3].n < 2 || f[3].p[f[3].n - 1] != '.')
				return bld_err(b, src, lr.lineno, "bad server name");
			for (i = 0; i + 1 < f[3].n; i++)
				name[i] = (char)ascii_lower((unsigned char)f[3].p[i]);
			name[i] = 0;
			if (!hostname_valid(name, i) || root_find(b, name))
				return bld_err(b, src, lr.lineno, "bad or repeated server name");
			r = bvec_push(&b->roots);
			if (!r)
				return bld_err(b, -1, 0, "out of memory");
			r->name = bld_strndup(&b->a, name, i);
			b->src[src].meta.records++;
			continue;
		}
		if (!span_ieq(f[2], "A") && !span_ieq(f[2], "AAAA"))
			return bld_err(b, src, lr.lineno, "unexpected record type '%.*s'", (int)f[2].n,
			               f[2].p);
		if (f[0].n >= sizeof(name) || f[0].n < 2 || f[0].p[f[0].n - 1] != '.')
			return bld_err(b, src, lr.lineno, "bad owner name");
		for (i = 0; i + 1 < f[0].n; i++)
			name[i] = (char)ascii_lower((unsigned char)f[0].p[i]);
		name[i] = 0;
		r = root_find(b, name);
		if (!r)
			return bld_err(b, src, lr.lineno, "address for %s, which no NS record names", name);
		if (span_ieq(f[2], "A")) {
			uint32_t a;

			if ((r->flags & ROOT_HAS_V4) || !bld_parse_v4(f[3].p, f[3].n, &a))
				return bld_err(b, src, lr.lineno, "bad or second IPv4 address");
			snap_put32(r->v4, a);
			r->flags |= ROOT_HAS_V4;
		} else {
			if ((r->flags & ROOT_HAS_V6) || !bld_parse_v6(f[3].p, f[3].n, r->v6))
				return bld_err(b, src, lr.lineno, "bad or second IPv6 address");
			r->flags |= ROOT_HAS_V6;
		}
	}
	if (b->roots.n == 0)
		return bld_err(b, src, 0, "no root servers");
	for (i = 0; i < b->roots.n; i++)
		if (!BVEC_AT(&b->roots, struct b_root, i)->flags)
			return bld_err(b, src, 0, "%s has no address",
			               BVEC_AT(&b->roots, struct b_root, i)->name);
	b->root_srcs |= 1ull << src;
	return ST_OK;
}
