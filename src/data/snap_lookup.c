/* Offline lookups over a snapshot: addresses, AS numbers, TLDs, domains, root hints. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "punycode.h"
#include "snap_int.h"
#include "status.h"
#include "text.h"

static int fail(char *err, size_t errlen, int st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int st, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return st;
}

static struct k128 key_of(int family, const uint8_t addr[16])
{
	struct k128 k = { 0, 0 };

	if (family == 4) {
		k.lo = snap_be32(addr);
	} else {
		k.hi = snap_be64(addr);
		k.lo = snap_be64(addr + 8);
	}
	return k;
}

/*
 * Find the piece of table tab that contains key. On success *rec is the record (NULL when
 * no piece contains the key), *tp its table and first/last the piece. A missing table is
 * "nothing known".
 */
static int range_find2(struct snap *s, int tab, struct k128 key, const struct snap_table **tp,
                       const uint8_t **rec, struct k128 *first, struct k128 *last, char *err,
                       size_t errlen)
{
	int base = s->tab_first[tab], lo = 0, hi = s->tab_count[tab] - 1, part = -1;
	const struct snap_table *t;
	uint32_t a, b, m;
	int st;

	*rec = NULL;
	*tp = NULL;
	if (base < 0)
		return ST_OK;
	while (lo <= hi) {          /* last part whose key_lo <= key */
		int mid = lo + (hi - lo) / 2;

		if (k128_cmp(s->keys[base + mid], key) <= 0) {
			part = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	if (part < 0)
		return ST_OK;
	if (s->sects[base + part].state != 1) {
		st = snap_load(s, (uint32_t)(base + part), err, errlen);
		if (st)
			return st;
	}
	t = s->sects[base + part].tab;
	if (t->npieces == 0)
		return ST_OK;
	/* Last piece whose start <= key. */
	a = 0;
	b = t->npieces;
	if (t->keylen == 4) {
		uint32_t k = (uint32_t)key.lo;

		const uint32_t *p = t->s32;
		size_t len = t->npieces;

		if (key.hi || key.lo > 0xffffffffu || t->s32[0] > k)
			return ST_OK;
		/* Branch-free search for the last start <= k (the compiler emits a cmov). */
		while (len > 1) {
			size_t half = len / 2;

			p = p[half] <= k ? p + half : p;
			len -= half;
		}
		a = (uint32_t)(p - t->s32);
		if (t->e32[a] < k)
			return ST_OK;
		*first = (struct k128){ 0, t->s32[a] };
		*last = (struct k128){ 0, t->e32[a] };
	} else {
		if (k128_cmp(t->s128[0], key) > 0)
			return ST_OK;
		while (b - a > 1) {
			m = a + (b - a) / 2;
			if (k128_cmp(t->s128[m], key) <= 0)
				a = m;
			else
				b = m;
		}
		if (k128_cmp(t->e128[a], key) < 0)
			return ST_OK;
		*first = t->s128[a];
		*last = t->e128[a];
	}
	*tp = t;
	*rec = snap_rec(t, t->rec[a]);
	return ST_OK;
}

static int range_find(struct snap *s, int tab, struct k128 key, const struct snap_table **tp,
                      const uint8_t **rec, char *err, size_t errlen)
{
	struct k128 first, last;

	return range_find2(s, tab, key, tp, rec, &first, &last, err, errlen);
}

static void block_get(struct snap_block *b, int family, const uint8_t *r, int keylen)
{
	memset(b, 0, sizeof(*b));
	b->family = family;
	memcpy(b->first, r, (size_t)keylen);
	memcpy(b->last, r + keylen, (size_t)keylen);
	b->plen = r[2 * keylen] == 255 ? -1 : r[2 * keylen];
}

static void special_get(const struct snap_table *t, const uint8_t *r, int family,
                        struct snap_special *sp)
{
	size_t k = (size_t)t->keylen;

	memset(sp, 0, sizeof(*sp));
	block_get(&sp->block, family, r, t->keylen);
	if (family == 0) {
		sp->asn_first = snap_be32(r);
		sp->asn_last = snap_be32(r + 4);
		sp->block.family = 0;
	}
	sp->source = r[2 * k + 1];
	sp->destination = r[2 * k + 2];
	sp->forwardable = r[2 * k + 3];
	sp->global = r[2 * k + 4];
	sp->reserved = r[2 * k + 5];
	sp->name = snap_str(t, r, 2 * k + 6);
	sp->spec = snap_str(t, r, 2 * k + 10);
	sp->allocated = snap_str(t, r, 2 * k + 14);
	sp->terminated = snap_str(t, r, 2 * k + 18);
}

static void iana_get(const struct snap_table *t, const uint8_t *r, int family,
                     struct snap_iana *ia)
{
	size_t k = (size_t)t->keylen;

	memset(ia, 0, sizeof(*ia));
	block_get(&ia->block, family, r, t->keylen);
	if (family == 0) {
		ia->asn_first = snap_be32(r);
		ia->asn_last = snap_be32(r + 4);
		ia->block.family = 0;
	}
	ia->designation = snap_str(t, r, 2 * k + 1);
	ia->date = snap_str(t, r, 2 * k + 5);
	ia->status = snap_str(t, r, 2 * k + 9);
	ia->whois = snap_str(t, r, 2 * k + 13);
	ia->rdap = snap_str(t, r, 2 * k + 17);
	ia->registry = snap_str(t, r, 2 * k + 21);
}

static void boot_get(const struct snap_table *t, const uint8_t *r, int family,
                     struct snap_bootstrap *bs)
{
	memset(bs, 0, sizeof(*bs));
	block_get(&bs->block, family, r, t->keylen);
	if (family == 0) {
		bs->asn_first = snap_be32(r);
		bs->asn_last = snap_be32(r + 4);
		bs->block.family = 0;
	}
	bs->urls = snap_str(t, r, 2 * (size_t)t->keylen + 1);
}

static void registry_get(const struct snap *s, unsigned idx, struct snap_registry *g)
{
	const struct snap_table *t = s->sects[s->tab_first[T_REGISTRY]].tab;
	const uint8_t *r = snap_rec(t, idx);

	g->id = snap_str(t, r, 0);
	g->name = snap_str(t, r, 4);
	g->whois = snap_str(t, r, 8);
	g->rdap = snap_str(t, r, 12);
}

static void key_put(uint8_t *out, struct k128 k, int family)
{
	if (family == 4) {
		snap_put32(out, (uint32_t)k.lo);
	} else {
		snap_put64(out, k.hi);
		snap_put64(out + 8, k.lo);
	}
}

static int popcount64(uint64_t v)
{
	int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/* Prefix length of [first, last] when it is one prefix of a bits-wide space, else -1. */
static int plen_of(struct k128 first, struct k128 last, int bits)
{
	struct k128 x = { first.hi ^ last.hi, first.lo ^ last.lo }, y = x;

	/* One prefix: the differing bits are the low ones (x = 0..01..1) and first has them 0. */
	if (++y.lo == 0)
		y.hi++;
	if ((x.hi & y.hi) || (x.lo & y.lo) || (first.hi & x.hi) || (first.lo & x.lo))
		return -1;
	return bits - popcount64(x.hi) - popcount64(x.lo);
}

/* RT_RIR records were checked at load: registry and source indexes are in range, and the
 * registry section is loaded. The record's range is its piece. */
static void rir_get(const struct snap *s, const uint8_t *r, int family, struct k128 first,
                    struct k128 last, struct snap_rir *ri)
{
	memset(ri, 0, sizeof(*ri));
	registry_get(s, r[0], &ri->registry);
	ri->status = snap_rir_status_str(r[1]);
	if (r[2] != RIR_NO_HOLDER) {
		ri->has_holder = true;
		registry_get(s, r[2], &ri->holder);
	}
	ri->source = &s->sources[r[3]];
	if (r[4] && r[5]) {
		ri->cc[0] = (char)r[4];
		ri->cc[1] = (char)r[5];
	}
	ri->date = snap_be32(r + 6);
	ri->partial = r[10] & RIR_FLAG_CUT;
	if (family == 0) {
		ri->asn_first = (uint32_t)first.lo;
		ri->asn_last = (uint32_t)last.lo;
		return;
	}
	ri->block.family = family;
	key_put(ri->block.first, first, family);
	key_put(ri->block.last, last, family);
	ri->block.plen = plen_of(first, last, family == 4 ? 32 : 128);
}

/* First URL of a space-separated list into out, preferring https; "" if none fits. */
static void first_url(const char *list, char *out, size_t outlen)
{
	const char *p = list, *best = NULL;
	size_t bestn = 0;

	while (*p) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n && (!best || (strncmp(best, "https:", 6) != 0 && strncmp(p, "https:", 6) == 0))) {
			best = p;
			bestn = n;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	out[0] = 0;
	if (best && bestn < outlen) {
		memcpy(out, best, bestn);
		out[bestn] = 0;
	}
}

/* The bootstrap layer, looked up on demand. */
static int ip_bootstrap(struct snap *s, int base, struct k128 key, struct snap_ip_result *r,
                        char *err, size_t errlen)
{
	const struct snap_table *t;
	const uint8_t *rec;
	int st = range_find(s, base + 3, key, &t, &rec, err, errlen);

	if (st == ST_OK && rec) {
		r->has_bootstrap = true;
		boot_get(t, rec, r->family, &r->bootstrap);
	}
	return st;
}

/*
 * full: fill every layer. Otherwise only what the decision needs: the special-purpose and
 * statistics layers always, the IANA layer when no statistics record decides, the bootstrap
 * when no RDAP URL was found otherwise.
 */
static int lookup_ip(struct snap *s, int family, const uint8_t addr[16], struct snap_ip_result *r,
                     bool full, char *err, size_t errlen, int depth)
{
	int base = family == 4 ? T_IP4_SPECIAL : T_IP6_SPECIAL;
	struct k128 key = key_of(family, addr), first, last;
	const struct snap_table *t;
	const uint8_t *rec;
	int st;

	memset(r, 0, sizeof(*r));
	r->family = family;
	memcpy(r->addr, addr, family == 4 ? 4 : 16);
	r->whois = "";
	/* T_IP4_SPECIAL, _IANA, _RIR, _RDAP are consecutive, likewise for IPv6. */
	st = range_find(s, base, key, &t, &rec, err, errlen);
	if (st)
		return st;
	if (rec) {
		r->has_special = true;
		special_get(t, rec, family, &r->special);
	}
	st = range_find2(s, base + 2, key, &t, &rec, &first, &last, err, errlen);
	if (st)
		return st;
	if (rec) {
		r->has_rir = true;
		rir_get(s, rec, family, first, last, &r->rir);
	}
	if (full || !r->has_rir) {
		st = range_find(s, base + 1, key, &t, &rec, err, errlen);
		if (st)
			return st;
		if (rec) {
			r->has_iana = true;
			iana_get(t, rec, family, &r->iana);
		}
	}
	if (full) {
		st = ip_bootstrap(s, base, key, r, err, errlen);
		if (st)
			return st;
	}
	if (family == 6) {
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

		if (memcmp(addr, mapped, 12) == 0) {
			r->embed = SNAP_EMBED_MAPPED;
			memcpy(r->embedded_v4, addr + 12, 4);
		} else if (addr[0] == 0x20 && addr[1] == 0x02) {
			r->embed = SNAP_EMBED_6TO4;             /* RFC 3056: 2002:V4ADDR::/48 */
			memcpy(r->embedded_v4, addr + 2, 4);
		} else if (addr[0] == 0x20 && addr[1] == 0x01 && addr[2] == 0 && addr[3] == 0) {
			int i;                                  /* RFC 4380: client = ~last 32 bits */

			r->embed = SNAP_EMBED_TEREDO;
			for (i = 0; i < 4; i++)
				r->embedded_v4[i] = (uint8_t)~addr[12 + i];
		}
	}
	/* The decision (docs/SNAPSHOT.md, "Which server first"). */
	if (r->embed && depth == 0) {
		struct snap_ip_result v4;
		uint8_t a4[16] = { 0 };

		memcpy(a4, r->embedded_v4, 4);
		st = lookup_ip(s, 4, a4, &v4, false, err, errlen, 1);
		if (st)
			return st;
		r->whois = v4.whois;
		memcpy(r->rdap, v4.rdap, sizeof(r->rdap));
		r->why = SNAP_WHY_EMBEDDED_V4;
		return ST_OK;
	}
	if (r->has_special && r->special.global == SNAP_FALSE) {
		r->why = SNAP_WHY_SPECIAL;
		return ST_OK;
	}
	if (r->has_rir) {
		const struct snap_registry *g =
			r->rir.has_holder ? &r->rir.holder : &r->rir.registry;

		r->why = r->rir.has_holder ? SNAP_WHY_IANA_DELEGATED : SNAP_WHY_RIR;
		r->whois = g->whois;
		first_url(g->rdap, r->rdap, sizeof(r->rdap));
		if (!*g->whois) {
			r->why = SNAP_WHY_RESERVED;
			return ST_OK;
		}
	} else if (r->has_iana && *r->iana.whois) {
		r->why = SNAP_WHY_IANA;
		r->whois = r->iana.whois;
		first_url(r->iana.rdap, r->rdap, sizeof(r->rdap));
	} else if (r->has_iana && (strcmp(r->iana.status, "RESERVED") == 0 ||
	                           strcmp(r->iana.status, "UNALLOCATED") == 0)) {
		r->why = SNAP_WHY_RESERVED;
		return ST_OK;
	} else {
		r->why = SNAP_WHY_NONE;
		r->whois = "whois.iana.org";
	}
	if (!r->rdap[0] && !full) {
		st = ip_bootstrap(s, base, key, r, err, errlen);
		if (st)
			return st;
	}
	if (!r->rdap[0] && r->has_bootstrap)
		first_url(r->bootstrap.urls, r->rdap, sizeof(r->rdap));
	return ST_OK;
}

int snap_lookup_ip(struct snap *s, int family, const uint8_t addr[16], struct snap_ip_result *r,
                   char *err, size_t errlen)
{
	if (family != 4 && family != 6)
		return fail(err, errlen, ST_INVAL, "address family %d", family);
	return lookup_ip(s, family, addr, r, true, err, errlen, 0);
}

int snap_route_ip(struct snap *s, int family, const uint8_t addr[16], struct snap_ip_result *r,
                  char *err, size_t errlen)
{
	if (family != 4 && family != 6)
		return fail(err, errlen, ST_INVAL, "address family %d", family);
	return lookup_ip(s, family, addr, r, false, err, errlen, 0);
}

/* As lookup_ip: full fills every layer, else only what the decision needs. */
static int lookup_asn(struct snap *s, uint32_t asn, struct snap_asn_result *r, bool full,
                      char *err, size_t errlen)
{
	struct k128 key = { 0, asn }, first, last;
	const struct snap_table *t;
	const uint8_t *rec;
	int st;

	memset(r, 0, sizeof(*r));
	r->asn = asn;
	r->whois = "";
	st = range_find2(s, T_ASN_RIR, key, &t, &rec, &first, &last, err, errlen);
	if (st)
		return st;
	if (rec) {
		r->has_rir = true;
		rir_get(s, rec, 0, first, last, &r->rir);
	}
	if (full || !r->has_rir) {
		st = range_find(s, T_ASN_IANA, key, &t, &rec, err, errlen);
		if (st)
			return st;
		if (rec) {
			r->has_iana = true;
			iana_get(t, rec, 0, &r->iana);
		}
	}
	if (full || (!r->has_rir && !r->has_iana)) {
		st = range_find(s, T_ASN_SPECIAL, key, &t, &rec, err, errlen);
		if (st)
			return st;
		if (rec) {
			r->has_special = true;
			special_get(t, rec, 0, &r->special);
		}
	}
	if (r->has_rir) {
		const struct snap_registry *g =
			r->rir.has_holder ? &r->rir.holder : &r->rir.registry;

		r->why = r->rir.has_holder ? SNAP_WHY_IANA_DELEGATED : SNAP_WHY_RIR;
		r->whois = g->whois;
		first_url(g->rdap, r->rdap, sizeof(r->rdap));
		if (!*g->whois)
			r->why = SNAP_WHY_RESERVED;
	} else if (r->has_iana && *r->iana.whois) {
		r->why = SNAP_WHY_IANA;
		r->whois = r->iana.whois;
		first_url(r->iana.rdap, r->rdap, sizeof(r->rdap));
	} else if (r->has_iana || r->has_special) {
		r->why = SNAP_WHY_RESERVED;     /* reserved, private use, documentation, AS_TRANS */
	} else {
		r->why = SNAP_WHY_NONE;
		r->whois = "whois.iana.org";
	}
	if (full || (!r->rdap[0] && r->why != SNAP_WHY_RESERVED)) {
		st = range_find(s, T_ASN_RDAP, key, &t, &rec, err, errlen);
		if (st)
			return st;
		if (rec) {
			r->has_bootstrap = true;
			boot_get(t, rec, 0, &r->bootstrap);
		}
	}
	if (!r->rdap[0] && r->has_bootstrap && r->why != SNAP_WHY_RESERVED)
		first_url(r->bootstrap.urls, r->rdap, sizeof(r->rdap));
	return ST_OK;
}

int snap_lookup_asn(struct snap *s, uint32_t asn, struct snap_asn_result *r, char *err,
                    size_t errlen)
{
	return lookup_asn(s, asn, r, true, err, errlen);
}

int snap_route_asn(struct snap *s, uint32_t asn, struct snap_asn_result *r, char *err,
                   size_t errlen)
{
	return lookup_asn(s, asn, r, false, err, errlen);
}

/* Index of name in a sorted list table, or -1. */
static long list_find(const struct snap_table *t, const char *name)
{
	long lo = 0, hi = (long)t->nrecs - 1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		int c = strcmp(snap_str(t, snap_rec(t, (uint32_t)mid), 0), name);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static int list_table(struct snap *s, int tab, const struct snap_table **tp, char *err,
                      size_t errlen)
{
	int st;

	*tp = NULL;
	if (s->tab_first[tab] < 0)
		return fail(err, errlen, ST_NOTFOUND, "the snapshot has no %s section",
		            snap_tabdefs[tab].name);
	st = snap_load(s, (uint32_t)s->tab_first[tab], err, errlen);
	if (st)
		return st;
	*tp = s->sects[s->tab_first[tab]].tab;
	return ST_OK;
}

static int tld_find(struct snap *s, const char *ascii, struct snap_tld *r, char *err,
                    size_t errlen)
{
	const struct snap_table *t;
	const uint8_t *rec;
	size_t n = strlen(ascii);
	long i;
	int st;

	memset(r, 0, sizeof(*r));
	r->type = r->sponsor = r->whois = r->rdap = "";
	if (n == 0 || n >= sizeof(r->name))
		return ST_NOTFOUND;
	memcpy(r->name, ascii, n + 1);
	st = list_table(s, T_TLD, &t, err, errlen);
	if (st)
		return st;
	i = list_find(t, ascii);
	if (i < 0)
		return ST_NOTFOUND;
	rec = snap_rec(t, (uint32_t)i);
	r->type = snap_str(t, rec, 4);
	r->sponsor = snap_str(t, rec, 8);
	r->whois = snap_str(t, rec, 12);
	r->rdap = snap_str(t, rec, 16);
	r->flags = snap_be32(rec + 20);
	return ST_OK;
}

int snap_lookup_tld(struct snap *s, const char *tld, size_t n, struct snap_tld *r, char *err,
                    size_t errlen)
{
	struct buf b;
	int st;

	memset(r, 0, sizeof(*r));
	r->type = r->sponsor = r->whois = r->rdap = "";
	if (n && tld[0] == '.') {
		tld++;
		n--;
	}
	buf_init(&b, SNAP_DOMAIN_MAX);
	st = idna_to_ascii(tld, n, &b);
	if (st || b.len == 0 || memchr(b.data, '.', b.len)) {
		buf_reset(&b);
		return fail(err, errlen, ST_INVAL, "not a top-level domain");
	}
	st = tld_find(s, buf_str(&b), r, err, errlen);
	buf_reset(&b);
	return st;
}

/* PSL flags of one name (0 when absent). */
static unsigned psl_flags(const struct snap_table *t, const char *name)
{
	long i = list_find(t, name);

	return i < 0 ? 0 : snap_rec(t, (uint32_t)i)[4];
}

/*
 * Apply the PSL algorithm (publicsuffix.org/list, "Algorithm") to a name whose labels start
 * at off[0..n). flags[i] are the PSL flags of the suffix starting at label i. mask selects
 * the sections. Returns the label index where the public suffix starts.
 */
static size_t psl_apply(const unsigned *flags, size_t n, unsigned mask, int *section,
                        bool *wildcard, bool *exception)
{
	size_t i, best = n;
	unsigned icann = PSL_NORMAL_ICANN | PSL_WILD_ICANN | PSL_EXCEPT_ICANN;

	*section = SNAP_PSL_NONE;
	*wildcard = *exception = false;
	for (i = 0; i < n; i++) {
		unsigned f = flags[i] & mask;
		unsigned w = i + 1 < n ? flags[i + 1] & mask & (PSL_WILD_ICANN | PSL_WILD_PRIVATE) : 0;

		/* An exception needs a label left over for the suffix; a one-label exception
		 * (refused by the generator, possible in a damaged file) is ignored. */
		if ((f & (PSL_EXCEPT_ICANN | PSL_EXCEPT_PRIVATE)) && i + 1 < n) {
			/* An exception rule prevails; the suffix is the rule minus its first label. */
			*exception = true;
			*wildcard = false;
			*section = f & PSL_EXCEPT_ICANN ? SNAP_PSL_ICANN : SNAP_PSL_PRIVATE;
			return i + 1;
		}
		if (best < n)
			continue;
		if (f & (PSL_NORMAL_ICANN | PSL_NORMAL_PRIVATE)) {
			best = i;
			*section = f & PSL_NORMAL_ICANN ? SNAP_PSL_ICANN : SNAP_PSL_PRIVATE;
		} else if (w) {
			best = i;
			*wildcard = true;
			*section = w & icann ? SNAP_PSL_ICANN : SNAP_PSL_PRIVATE;
		}
	}
	return best < n ? best : n - 1;     /* no rule: the implicit "*" */
}

int snap_lookup_domain(struct snap *s, const char *name, size_t n, struct snap_domain *r,
                       char *err, size_t errlen)
{
	size_t off[128], nl = 0, i, ps;
	unsigned flags[128];
	const struct snap_table *t;
	struct buf b;
	int st, sec;
	bool w, e;

	memset(r, 0, sizeof(*r));
	buf_init(&b, SNAP_DOMAIN_MAX);
	st = idna_to_ascii(name, n, &b);
	if (st || b.len == 0 || b.len >= sizeof(r->ascii)) {
		buf_reset(&b);
		return fail(err, errlen, ST_INVAL, "not a valid domain name");
	}
	memcpy(r->ascii, b.data, b.len + 1);
	buf_reset(&b);
	st = list_table(s, T_PSL, &t, err, errlen);
	if (st)
		return st;
	off[nl++] = 0;
	for (i = 0; r->ascii[i]; i++) {
		if (r->ascii[i] == '.') {
			if (nl >= sizeof(off) / sizeof(off[0]))
				return fail(err, errlen, ST_INVAL, "too many labels");
			off[nl++] = i + 1;
		}
	}
	for (i = 0; i < nl; i++)
		flags[i] = psl_flags(t, r->ascii + off[i]);
	ps = psl_apply(flags, nl, ~0u, &sec, &w, &e);
	r->section = sec;
	r->wildcard = w;
	r->exception = e;
	strcpy(r->suffix, r->ascii + off[ps]);
	if (ps > 0)
		strcpy(r->registered, r->ascii + off[ps - 1]);
	ps = psl_apply(flags, nl, PSL_NORMAL_ICANN | PSL_WILD_ICANN | PSL_EXCEPT_ICANN, &sec, &w, &e);
	strcpy(r->icann_suffix, r->ascii + off[ps]);
	if (ps > 0)
		strcpy(r->icann_registered, r->ascii + off[ps - 1]);
	st = tld_find(s, r->ascii + off[nl - 1], &r->tld, err, errlen);
	if (st == ST_OK)
		r->has_tld = true;
	else if (st != ST_NOTFOUND)
		return st;
	return ST_OK;
}

int snap_root_hints(struct snap *s, const struct snap_root_server **list, size_t *n,
                    const char **date, char *err, size_t errlen)
{
	const struct snap_table *t;
	uint32_t i;
	int st;

	*list = NULL;
	*n = 0;
	*date = "";
	if (!s->roots) {
		st = list_table(s, T_ROOT, &t, err, errlen);
		if (st)
			return st;
		s->roots = calloc(t->nrecs ? t->nrecs : 1, sizeof(*s->roots));
		if (!s->roots)
			return fail(err, errlen, ST_NOMEM, "out of memory");
		for (i = 0; i < t->nrecs; i++) {
			const uint8_t *r = snap_rec(t, i);
			struct snap_root_server *rs = &s->roots[i];

			snprintf(rs->name, sizeof(rs->name), "%s", snap_str(t, r, 0));
			rs->has_v4 = r[4] & ROOT_HAS_V4;
			rs->has_v6 = r[4] & ROOT_HAS_V6;
			memcpy(rs->v4, r + 5, 4);
			memcpy(rs->v6, r + 9, 16);
		}
		s->nroots = t->nrecs;
		/* The date of the root hints file: the first source of the section. */
		for (i = 0; i < s->nsources && i < 64; i++) {
			if (s->sects[s->tab_first[T_ROOT]].sources >> i & 1) {
				memcpy(s->root_date, s->sources[i].date, sizeof(s->root_date));
				break;
			}
		}
	}
	*list = s->roots;
	*n = s->nroots;
	*date = s->root_date;
	return ST_OK;
}

/* ---- queries ---- */

bool snap_parse_ip(const char *q, size_t n, int *family, uint8_t addr[16])
{
	char tmp[SNAP_ADDR_TEXT + 1];
	const char *slash = memchr(q, '/', n);
	size_t an = slash ? (size_t)(slash - q) : n;
	uint64_t plen;

	if (an == 0 || an >= sizeof(tmp))
		return false;
	memcpy(tmp, q, an);
	tmp[an] = 0;
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, tmp, addr) == 1)
		*family = 4;
	else if (inet_pton(AF_INET6, tmp, addr) == 1)
		*family = 6;
	else
		return false;
	if (slash && !parse_uint(slash + 1, n - an - 1, *family == 4 ? 32 : 128, &plen))
		return false;
	return true;
}

bool snap_parse_asn(const char *q, size_t n, uint32_t *asn)
{
	const char *dot;
	uint64_t hi, lo;

	if (n >= 2 && (q[0] == 'A' || q[0] == 'a') && (q[1] == 'S' || q[1] == 's')) {
		q += 2;
		n -= 2;
		if (n && q[0] == ' ') {
			q++;
			n--;
		}
	}
	dot = memchr(q, '.', n);
	if (dot) {                  /* asdot (RFC 5396): HIGH.LOW */
		if (!parse_uint(q, (size_t)(dot - q), 65535, &hi) ||
		    !parse_uint(dot + 1, n - (size_t)(dot - q) - 1, 65535, &lo))
			return false;
		*asn = (uint32_t)(hi << 16 | lo);
		return true;
	}
	if (!parse_uint(q, n, 0xffffffffu, &lo))
		return false;
	*asn = (uint32_t)lo;
	return true;
}

int snap_classify(const char *q, size_t n)
{
	uint8_t a[16];
	uint32_t asn;
	int fam;

	if (n == 0)
		return SNAP_Q_INVALID;
	if (snap_parse_ip(q, n, &fam, a))
		return SNAP_Q_IP;
	if (n >= 2 && (q[0] == 'A' || q[0] == 'a') && (q[1] == 'S' || q[1] == 's') &&
	    snap_parse_asn(q, n, &asn))
		return SNAP_Q_ASN;
	if (parse_uint(q, n, 0xffffffffu, &(uint64_t){ 0 }))
		return SNAP_Q_ASN;
	if (n > 1 && q[n - 1] == '.')
		n--;
	if (q[0] == '.' && n > 1 && !memchr(q + 1, '.', n - 1))
		return SNAP_Q_TLD;      /* ".com" */
	if (memchr(q, '.', n))
		return SNAP_Q_DOMAIN;
	return SNAP_Q_TLD;
}

/* ---- text ---- */

const char *snap_why_str(int why)
{
	switch (why) {
	case SNAP_WHY_NONE: return "nothing known: ask IANA";
	case SNAP_WHY_SPECIAL: return "special-purpose address, not globally reachable";
	case SNAP_WHY_RIR: return "RIR statistics record";
	case SNAP_WHY_IANA_DELEGATED: return "IANA statistics: delegated to this registry";
	case SNAP_WHY_IANA: return "IANA registry";
	case SNAP_WHY_RESERVED: return "reserved or unallocated";
	case SNAP_WHY_EMBEDDED_V4: return "decided by the embedded IPv4 address";
	default: return "?";
	}
}

void snap_addr_fmt(int family, const uint8_t *addr, char *out, size_t outlen)
{
	if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, out, (socklen_t)outlen))
		snprintf(out, outlen, "?");
}

void snap_block_fmt(const struct snap_block *b, char *out, size_t outlen)
{
	char a[SNAP_ADDR_TEXT], z[SNAP_ADDR_TEXT];

	snap_addr_fmt(b->family, b->first, a, sizeof(a));
	if (b->plen >= 0) {
		snprintf(out, outlen, "%s/%d", a, b->plen);
		return;
	}
	snap_addr_fmt(b->family, b->last, z, sizeof(z));
	snprintf(out, outlen, "%s-%s", a, z);
}
