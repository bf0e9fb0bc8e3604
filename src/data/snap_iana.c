/* Generator input: IANA number registries (XML): address space, special purpose, AS numbers. */
#include <string.h>

#include "snap_bld.h"
#include "status.h"
#include "text.h"

/* Text of a child element; NULL when absent (with want: an error is recorded). */
static const char *field(struct bld *b, int src, const struct xnode *rec, const char *name,
                         bool want)
{
	const struct xnode *n = bld_xml_child(rec, name);
	const char *t;

	if (!n) {
		if (want)
			bld_err(b, src, rec->line, "<record> has no <%s>", name);
		return NULL;
	}
	t = bld_xml_text(b, n);
	if (!t) {
		bld_err(b, -1, 0, "out of memory");
		return NULL;
	}
	if (want && !*t) {
		bld_err(b, src, n->line, "<%s> is empty", name);
		return NULL;
	}
	return t;
}

/* The registry's own date: <updated> of the root element. */
static int root_date(struct bld *b, int src, const struct xnode *root)
{
	const struct xnode *u = bld_xml_child(root, "updated");
	const char *t;

	if (!root->name || strcmp(root->name, "registry") != 0)
		return bld_err(b, src, root->line, "root element is not <registry>");
	if (!u)
		return bld_err(b, src, root->line, "no <updated> date");
	t = bld_xml_text(b, u);
	if (!t || strlen(t) != 10 || !bld_set_date(b, src, t, 10))
		return bld_err(b, src, u->line, "bad <updated> date '%s'", t ? t : "");
	return ST_OK;
}

static int parse_root(struct bld *b, int src, struct xnode **root)
{
	int st = bld_xml_parse(b, src, root);

	return st ? st : root_date(b, src, *root);
}

/* A nested <registry id="ID"> of the root; error if absent. */
static const struct xnode *subregistry(struct bld *b, int src, const struct xnode *root,
                                       const char *id)
{
	size_t i;

	for (i = 0; i < root->nkid; i++) {
		const struct xnode *k = root->kid[i];
		const char *kid = bld_xml_attr(k, "id");

		if (k->name && strcmp(k->name, "registry") == 0 && kid && strcmp(kid, id) == 0)
			return k;
	}
	bld_err(b, src, root->line, "no <registry id=\"%s\">", id);
	return NULL;
}

static bool is_status(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || *s == ' ' || *s == '-'))
			return false;
	return true;
}

static bool valid_iana_date(const char *d)
{
	char tmp[11];
	size_t n = strlen(d);

	if (n == 0)
		return true;
	if (n == 7) {                   /* YYYY-MM */
		memcpy(tmp, d, 7);
		memcpy(tmp + 7, "-01", 4);
		return bld_valid_date(tmp);
	}
	return n == 10 && bld_valid_date(d);
}

/* <rdap><server>URL</server>...</rdap> as "URL/ URL/" (each ending in '/'). */
static const char *rdap_urls(struct bld *b, int src, const struct xnode *rec)
{
	const struct xnode *r = bld_xml_child(rec, "rdap");
	struct buf out;
	const char *res;
	size_t i;

	if (!r)
		return "";
	buf_init(&out, BLD_MAX_LINE);
	for (i = 0; i < r->nkid; i++) {
		const struct xnode *k = r->kid[i];
		const char *u;

		if (!k->name)
			continue;
		u = strcmp(k->name, "server") == 0 ? bld_xml_text(b, k) : NULL;
		if (!u || !bld_valid_url(u)) {
			buf_reset(&out);
			bld_err(b, src, k->line, "bad RDAP server '%s'", u ? u : k->name);
			return NULL;
		}
		if (out.len)
			buf_addc(&out, ' ');
		buf_adds(&out, u);
		if (u[strlen(u) - 1] != '/')
			buf_addc(&out, '/');
	}
	res = bld_strndup(&b->a, buf_str(&out), out.len);
	buf_reset(&out);
	return res;
}

static const char *whois_host(struct bld *b, int src, const struct xnode *rec)
{
	const char *w = field(b, src, rec, "whois", false);

	if (b->failed)
		return NULL;
	if (!w)
		return "";
	if (*w && !bld_valid_host(w)) {
		bld_err(b, src, bld_xml_child(rec, "whois")->line, "bad WHOIS server '%s'", w);
		return NULL;
	}
	return w;
}

/* Prefix length of [first, last] if it is exactly one prefix, else -1. */
static int range_plen(struct k128 first, struct k128 last, int bits)
{
	int len;

	for (len = bits; len >= 0; len--) {
		int host = bits - len;
		struct k128 m = { 0, 0 };

		if (host >= 64) {
			m.lo = ~0ull;
			m.hi = host == 128 ? ~0ull : (1ull << (host - 64)) - 1;
		} else if (host > 0) {
			m.lo = (1ull << host) - 1;
		}
		if ((first.hi & m.hi) || (first.lo & m.lo))
			return -1;
		if ((first.hi | m.hi) == last.hi && (first.lo | m.lo) == last.lo)
			return len;
	}
	return -1;
}

/* Fill the common part of an IANA address record. */
static int iana_fields(struct bld *b, int src, const struct xnode *rec, struct brec *r,
                       const char *designation, const char *registry, const char *date)
{
	const char *status = field(b, src, rec, "status", false);

	if (b->failed)
		return ST_MALFORMED;
	if (status && !is_status(status))
		return bld_err(b, src, bld_xml_child(rec, "status")->line, "bad status '%s'", status);
	if (!date)
		date = field(b, src, rec, "date", false);
	if (date && !valid_iana_date(date))
		return bld_err(b, src, rec->line, "bad date '%s'", date);
	r->u.ia.designation = designation;
	r->u.ia.status = status ? status : "";
	r->u.ia.date = date ? date : "";
	r->u.ia.whois = whois_host(b, src, rec);
	r->u.ia.rdap = rdap_urls(b, src, rec);
	r->u.ia.registry = registry;
	return b->failed ? ST_MALFORMED : ST_OK;
}

static bool is_record(const struct xnode *k)
{
	return k->name && strcmp(k->name, "record") == 0;
}

int bld_iana_ipv4(struct bld *b, int src)
{
	struct xnode *root;
	size_t i;
	int st = parse_root(b, src, &root);

	for (i = 0; st == ST_OK && i < root->nkid; i++) {
		const struct xnode *rec = root->kid[i];
		const char *pfx, *des;
		struct brec *r;

		if (!is_record(rec))
			continue;
		pfx = field(b, src, rec, "prefix", true);
		des = pfx ? field(b, src, rec, "designation", true) : NULL;
		if (!des)
			return ST_MALFORMED;
		r = bld_rec(b, T_IP4_IANA, RT_IANA, src, rec->line);
		if (!r)
			return ST_NOMEM;
		if (!bld_parse_prefix(pfx, strlen(pfx), 4, &r->first, &r->last, &r->plen))
			return bld_err(b, src, rec->line, "bad prefix '%s'", pfx);
		st = iana_fields(b, src, rec, r, des, "ipv4-address-space", NULL);
		if (st == ST_OK && !*r->u.ia.status)
			st = bld_err(b, src, rec->line, "<record> has no <status>");
	}
	return st;
}

int bld_iana_ipv4_recovered(struct bld *b, int src)
{
	static const char *const ids[2] = { "ipv4-recovered-address-space-1",
		                            "ipv4-recovered-address-space-2" };
	struct xnode *root;
	int st = parse_root(b, src, &root), k;
	size_t i;

	for (k = 0; k < 2 && st == ST_OK; k++) {
		const struct xnode *reg = subregistry(b, src, root, ids[k]);

		if (!reg)
			return ST_MALFORMED;
		for (i = 0; st == ST_OK && i < reg->nkid; i++) {
			const struct xnode *rec = reg->kid[i];
			const char *s, *e, *des;
			uint32_t a, z;
			struct brec *r;

			if (!is_record(rec))
				continue;
			s = field(b, src, rec, "start", true);
			e = s ? field(b, src, rec, "end", true) : NULL;
			if (!e)
				return ST_MALFORMED;
			if (!bld_parse_v4(s, strlen(s), &a) || !bld_parse_v4(e, strlen(e), &z) || a > z)
				return bld_err(b, src, rec->line, "bad range '%s' - '%s'", s, e);
			if (k == 0) {
				const char *ret = field(b, src, rec, "returned", true);

				if (!ret)
					return ST_MALFORMED;
				/* "Returned by " + ret; the literal is only 13 bytes long */
				size_t rl = strlen(ret);
				char *d = bld_alloc(&b->a, 12 + rl + 1);

				if (!d)
					return bld_err(b, -1, 0, "out of memory");
				memcpy(d, "Returned by ", 12);
				memcpy(d + 12, ret, rl + 1);
				des = d;
			} else {
				des = field(b, src, rec, "designation", true);
				if (!des)
					return ST_MALFORMED;
			}
			r = bld_rec(b, T_IP4_IANA, RT_IANA, src, rec->line);
			if (!r)
				return ST_NOMEM;
			r->first.lo = a;
			r->last.lo = z;
			r->plen = range_plen(r->first, r->last, 32);
			r->layer = k + 1;
			st = iana_fields(b, src, rec, r, des, ids[k], NULL);
		}
	}
	return st;
}

int bld_iana_ipv6(struct bld *b, int src)
{
	struct xnode *root;
	const struct xnode *reg;
	size_t i;
	int st = parse_root(b, src, &root);

	if (st)
		return st;
	reg = subregistry(b, src, root, "ipv6-address-space-1");
	if (!reg)
		return ST_MALFORMED;
	for (i = 0; st == ST_OK && i < reg->nkid; i++) {
		const struct xnode *rec = reg->kid[i];
		const char *pfx, *des;
		struct brec *r;

		if (!is_record(rec))
			continue;
		pfx = field(b, src, rec, "prefix", true);
		des = pfx ? field(b, src, rec, "description", true) : NULL;
		if (!des)
			return ST_MALFORMED;
		r = bld_rec(b, T_IP6_IANA, RT_IANA, src, rec->line);
		if (!r)
			return ST_NOMEM;
		if (!bld_parse_prefix(pfx, strlen(pfx), 6, &r->first, &r->last, &r->plen))
			return bld_err(b, src, rec->line, "bad prefix '%s'", pfx);
		st = iana_fields(b, src, rec, r, des, "ipv6-address-space", NULL);
		/* This registry has no status column; "Reserved by IETF" rows are reserved. */
		if (st == ST_OK && !*r->u.ia.status && ascii_istarts(des, "Reserved"))
			r->u.ia.status = "RESERVED";
	}
	return st;
}

int bld_iana_ipv6_unicast(struct bld *b, int src)
{
	struct xnode *root;
	size_t i;
	int st = parse_root(b, src, &root);

	for (i = 0; st == ST_OK && i < root->nkid; i++) {
		const struct xnode *rec = root->kid[i];
		const char *pfx, *des, *date;
		struct brec *r;

		if (!is_record(rec))
			continue;
		pfx = field(b, src, rec, "prefix", true);
		des = pfx ? field(b, src, rec, "description", true) : NULL;
		if (!des)
			return ST_MALFORMED;
		r = bld_rec(b, T_IP6_IANA, RT_IANA, src, rec->line);
		if (!r)
			return ST_NOMEM;
		if (!bld_parse_prefix(pfx, strlen(pfx), 6, &r->first, &r->last, &r->plen))
			return bld_err(b, src, rec->line, "bad prefix '%s'", pfx);
		r->layer = 1;
		date = bld_xml_attr(rec, "date");
		st = iana_fields(b, src, rec, r, des, "ipv6-unicast-address-assignments",
		                 date ? date : "");
	}
	return st;
}

static int tri(struct bld *b, int src, const struct xnode *rec, const char *name, uint8_t *out)
{
	const char *t = field(b, src, rec, name, false);

	if (b->failed)
		return ST_MALFORMED;
	if (!t || !*t)
		*out = SNAP_UNKNOWN;      /* absent or empty (terminated blocks): not stated */
	else if (ascii_istarts(t, "True"))
		*out = SNAP_TRUE;
	else if (ascii_istarts(t, "False"))
		*out = SNAP_FALSE;
	else if (ascii_istarts(t, "N/A"))
		*out = SNAP_NA;
	else
		return bld_err(b, src, bld_xml_child(rec, name)->line, "<%s>: expected True, False "
		               "or N/A, not '%s'", name, t);
	return ST_OK;
}

int bld_iana_special(struct bld *b, int src, int family)
{
	struct xnode *root;
	const struct xnode *reg;
	size_t i;
	int st = parse_root(b, src, &root);

	if (st)
		return st;
	reg = subregistry(b, src, root, family == 4 ? "iana-ipv4-special-registry-1"
	                                            : "iana-ipv6-special-registry-1");
	if (!reg)
		return ST_MALFORMED;
	for (i = 0; st == ST_OK && i < reg->nkid; i++) {
		const struct xnode *rec = reg->kid[i];
		const char *addr, *name, *spec, *alloc, *term, *p;
		uint8_t flags[5];
		static const char *const fl[5] = { "source", "destination", "forwardable", "global",
			                           "reserved" };
		int f;

		if (!is_record(rec))
			continue;
		addr = field(b, src, rec, "address", true);
		name = addr ? field(b, src, rec, "name", true) : NULL;
		spec = name ? field(b, src, rec, "spec", false) : NULL;
		alloc = name ? field(b, src, rec, "allocation", false) : NULL;
		term = name ? field(b, src, rec, "termination", false) : NULL;
		if (b->failed)
			return ST_MALFORMED;
		if ((alloc && !valid_iana_date(alloc)) || (term && !valid_iana_date(term)))
			return bld_err(b, src, rec->line, "bad allocation or termination date");
		for (f = 0; f < 5; f++)
			if (tri(b, src, rec, fl[f], &flags[f]))
				return ST_MALFORMED;
		/* One record may list several blocks: "192.0.0.170/32, 192.0.0.171/32". */
		for (p = addr; *p;) {
			const char *e = strchr(p, ',');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			struct brec *r;

			while (n && p[n - 1] == ' ')
				n--;
			r = bld_rec(b, family == 4 ? T_IP4_SPECIAL : T_IP6_SPECIAL, RT_SPECIAL, src,
			            rec->line);
			if (!r)
				return ST_NOMEM;
			if (!bld_parse_prefix(p, n, family, &r->first, &r->last, &r->plen))
				return bld_err(b, src, rec->line, "bad address block '%.*s'", (int)n, p);
			r->nest = true;
			r->u.sp.name = name;
			r->u.sp.spec = spec ? spec : "";
			r->u.sp.alloc = alloc ? alloc : "";
			r->u.sp.term = term ? term : "";
			memcpy(r->u.sp.flags, flags, 5);
			if (!e)
				break;
			p = e + 1;
			while (*p == ' ')
				p++;
		}
	}
	return st;
}

/* "N" or "N-M" (asplain). */
static bool asn_range(const char *s, uint32_t *first, uint32_t *last)
{
	const char *dash = strchr(s, '-');
	uint64_t a, z;

	if (!dash) {
		if (!parse_uint(s, strlen(s), 0xffffffffu, &a))
			return false;
		*first = *last = (uint32_t)a;
		return true;
	}
	if (!parse_uint(s, (size_t)(dash - s), 0xffffffffu, &a) ||
	    !parse_uint(dash + 1, strlen(dash + 1), 0xffffffffu, &z) || a > z)
		return false;
	*first = (uint32_t)a;
	*last = (uint32_t)z;
	return true;
}

int bld_iana_asn(struct bld *b, int src)
{
	static const char *const ids[2] = { "as-numbers-1", "as-numbers-2" };
	struct xnode *root;
	int st = parse_root(b, src, &root), k;
	size_t i;

	for (k = 0; k < 2 && st == ST_OK; k++) {
		const struct xnode *reg = subregistry(b, src, root, ids[k]);

		if (!reg)
			return ST_MALFORMED;
		for (i = 0; st == ST_OK && i < reg->nkid; i++) {
			const struct xnode *rec = reg->kid[i];
			const char *num, *des;
			uint32_t a, z;
			struct brec *r;

			if (!is_record(rec))
				continue;
			num = field(b, src, rec, "number", true);
			des = num ? field(b, src, rec, "description", true) : NULL;
			if (!des)
				return ST_MALFORMED;
			if (!asn_range(num, &a, &z))
				return bld_err(b, src, rec->line, "bad AS number range '%s'", num);
			r = bld_rec(b, T_ASN_IANA, RT_IANA, src, rec->line);
			if (!r)
				return ST_NOMEM;
			r->first.lo = a;
			r->last.lo = z;
			r->layer = 1 - k;      /* the 16-bit registry is the more detailed one */
			st = iana_fields(b, src, rec, r, des, ids[k], NULL);
		}
	}
	return st;
}

int bld_iana_asn_special(struct bld *b, int src)
{
	struct xnode *root;
	const struct xnode *reg;
	size_t i;
	int st = parse_root(b, src, &root);

	if (st)
		return st;
	reg = subregistry(b, src, root, "special-purpose-as-numbers");
	if (!reg)
		return ST_MALFORMED;
	for (i = 0; st == ST_OK && i < reg->nkid; i++) {
		const struct xnode *rec = reg->kid[i];
		const char *val, *name;
		uint32_t a, z;
		struct brec *r;
		struct buf spec;
		size_t j;

		if (!is_record(rec))
			continue;
		val = field(b, src, rec, "value", true);
		name = val ? field(b, src, rec, "name", true) : NULL;
		if (!name)
			return ST_MALFORMED;
		if (!asn_range(val, &a, &z))
			return bld_err(b, src, rec->line, "bad AS number range '%s'", val);
		r = bld_rec(b, T_ASN_SPECIAL, RT_SPECIAL, src, rec->line);
		if (!r)
			return ST_NOMEM;
		r->first.lo = a;
		r->last.lo = z;
		r->nest = true;
		r->u.sp.name = name;
		memset(r->u.sp.flags, SNAP_UNKNOWN, 5);
		r->u.sp.alloc = bld_xml_attr(rec, "date") ? bld_xml_attr(rec, "date") : "";
		r->u.sp.term = "";
		/* The record's own references, e.g. RFC7607. */
		buf_init(&spec, BLD_MAX_LINE);
		for (j = 0; j < rec->nkid; j++) {
			const struct xnode *x = rec->kid[j];
			const char *t = x->name && strcmp(x->name, "xref") == 0 ? bld_xml_attr(x, "data")
			                                                       : NULL;

			if (!t)
				continue;
			if (spec.len)
				buf_adds(&spec, ", ");
			for (; *t; t++)
				buf_addc(&spec, *t >= 'a' && *t <= 'z' ? *t - 32 : *t);
		}
		r->u.sp.spec = bld_strndup(&b->a, buf_str(&spec), spec.len);
		buf_reset(&spec);
		if (!r->u.sp.spec)
			return bld_err(b, -1, 0, "out of memory");
	}
	return st;
}

/* Registry id, the designation IANA uses for it. */
static const struct {
	int id;
	const char *key, *name;
	bool required;
} regs[BR__COUNT] = {
	{ BR_IANA, "iana", "IANA", false },
	{ BR_IETF, "ietf", "IETF", false },
	{ BR_AFRINIC, "afrinic", "AFRINIC", true },
	{ BR_APNIC, "apnic", "APNIC", true },
	{ BR_ARIN, "arin", "ARIN", true },
	{ BR_LACNIC, "lacnic", "LACNIC", true },
	{ BR_RIPENCC, "ripencc", "RIPE NCC", true },
};

int bld_registries(struct bld *b)
{
	static const int tabs[2] = { T_IP4_IANA, T_IP6_IANA };
	int i, t;
	size_t j;

	for (i = 0; i < BR__COUNT; i++) {
		struct b_registry *g = &b->reg[regs[i].id];

		g->id = regs[i].key;
		g->name = regs[i].name;
		g->whois = "";
		g->rdap = "";
		for (t = 0; t < 2 && !*g->whois; t++) {
			for (j = 0; j < b->tab[tabs[t]].n; j++) {
				const struct brec *r = BVEC_AT(&b->tab[tabs[t]], struct brec, j);

				if (strcmp(r->u.ia.designation, regs[i].name) == 0 && *r->u.ia.whois) {
					g->whois = r->u.ia.whois;
					g->rdap = r->u.ia.rdap;
					b->reg_srcs |= 1ull << r->src;
					break;
				}
			}
		}
		if (regs[i].required && !*g->whois)
			return bld_err(b, -1, 0, "no IANA block designated '%s' with a WHOIS server "
			               "(iana/ipv4-address-space.xml)", regs[i].name);
	}
	return ST_OK;
}
