/* Walks the real inputs in ../shared/data and checks the embedded snapshot against them:
 * every RIR and IANA record boundary, TLDs, root hints, and the PSL's official test vectors.
 * The inputs are read here with deliberately simple code, independent of the generator. */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "punycode.h"
#include "sha256.h"
#include "snap.h"
#include "span.h"
#include "status.h"
#include "text.h"

#define SHARED "../shared/data"

static struct snap *S;

static bool have_shared(void)
{
	if (access(SHARED "/rir", F_OK) == 0)
		return true;
	fprintf(stderr, "SKIP: " SHARED " absent: real-data checks not run\n");
	return false;
}

static void open_embedded(void)
{
	char err[SNAP_ERR_MAX];

	S = NULL;
	if (have_shared())
		ck_assert_msg(snap_open_embedded(&S, err, sizeof(err)) == ST_OK, "%s", err);
}

static void close_embedded(void)
{
	snap_free(S);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	ck_assert_msg(f != NULL, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = 0;
	fclose(f);
	return p;
}

/* Next line of a NUL-terminated text (LF or CRLF), NULL at the end; *p advances. */
static char *next_line(char **p)
{
	char *s = *p, *e;

	if (!*s)
		return NULL;
	e = strchr(s, '\n');
	if (e) {
		*e = 0;
		*p = e + 1;
	} else {
		*p = s + strlen(s);
	}
	if (e && e > s && e[-1] == '\r')
		e[-1] = 0;
	return s;
}

/* Split s at runs of blanks into at most max fields (NUL-terminated in place). */
static int fields(char *s, char **f, int max)
{
	int n = 0;

	while (*s && n < max) {
		while (*s == ' ' || *s == '\t')
			*s++ = 0;
		if (!*s)
			break;
		f[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	while (*s == ' ' || *s == '\t')
		*s++ = 0;
	return n;
}

static unsigned long num(const char *s)
{
	uint64_t v;

	ck_assert_msg(parse_uint(s, strlen(s), 0xffffffffu, &v), "not a number: '%s'", s);
	return (unsigned long)v;
}

static void ip6_add(uint8_t a[16], int plen)    /* set the host bits */
{
	int i;

	for (i = plen; i < 128; i++)
		a[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

/* ---- RIR statistics ---- */

struct defect {
	char path[128];
	unsigned long line;
	bool end;
};

static size_t read_defects(struct defect *d, size_t max)
{
	char *text = slurp("tools/known-defects"), *p = text, *l;
	size_t n = 0;

	while ((l = next_line(&p)) && n < max) {
		char *f[5];

		if (l[0] == '#' || !l[0])
			continue;
		ck_assert_int_ge(fields(l, f, 5), 4);
		snprintf(d[n].path, sizeof(d[n].path), "%s", f[0]);
		d[n].line = num(f[1]);
		d[n].end = strcmp(f[3], "end") == 0;
		n++;
	}
	free(text);
	return n;
}

struct walk {
	unsigned long records, exact, partial, superseded, lookups;
};

static int cmp_date(const char *a, const char *b)
{
	return strcmp(a, b);
}

static void check_rir_hit(const struct snap_rir *ri, const char *path, const char *fdate,
                          bool iana_file, char **f, uint32_t date, const char *what,
                          struct walk *w, bool *exact)
{
	if (strcmp(ri->source->path, path) != 0) {
		/* Someone else's record: it must come from a file that ranks higher. */
		ck_assert_msg(strncmp(ri->source->path, "rir/delegated-iana", 18) != 0 &&
		              (iana_file || cmp_date(ri->source->date, fdate) > 0),
		              "%s %s: won by %s (%s) over %s", what, f[3], ri->source->path,
		              ri->source->date, path);
		w->superseded++;
		*exact = false;
		return;
	}
	ck_assert_msg(strcmp(ri->registry.id, f[0]) == 0, "%s %s: registry", what, f[3]);
	ck_assert_msg(strcmp(ri->cc, f[1]) == 0, "%s %s: cc %s vs %s", what, f[3], ri->cc, f[1]);
	ck_assert_msg(ri->date == date, "%s %s: date %u vs %u", what, f[3], ri->date, date);
	if (iana_file) {
		ck_assert_msg(ri->has_holder && strcmp(ri->holder.id, f[6]) == 0 &&
		              strcmp(ri->status, "delegated") == 0, "%s %s: holder", what, f[3]);
	} else {
		ck_assert_msg(strcmp(ri->status, f[6]) == 0, "%s %s: status %s vs %s", what, f[3],
		              ri->status, f[6]);
	}
}

static void walk_rir_file(const char *path, const struct defect *defs, size_t ndefs,
                          struct walk *w)
{
	char full[256], *text, *p, *l, fdate[11];
	bool iana_file = strstr(path, "delegated-iana-") != NULL, header = false;
	unsigned long no = 0;
	char err[SNAP_ERR_MAX];
	size_t k;

	snprintf(full, sizeof(full), SHARED "/%s", path);
	text = slurp(full);
	p = text;
	{
		const char *d = path + strlen(path) - 8;

		snprintf(fdate, sizeof(fdate), "%.4s-%.2s-%.2s", d, d + 4, d + 6);
	}
	while ((l = next_line(&p))) {
		char *f[16], *q;
		int nf = 0;
		bool skip = false, stop = false, exact = true;
		uint32_t date = 0;

		no++;
		for (k = 0; k < ndefs; k++)
			if (defs[k].line == no && strcmp(defs[k].path, path) == 0) {
				skip = true;
				stop = defs[k].end;
			}
		if (stop)
			break;
		if (skip || l[0] == '#' || !l[0])
			continue;
		for (q = l; nf < 16;) {
			f[nf++] = q;
			q = strchr(q, '|');
			if (!q)
				break;
			*q++ = 0;
		}
		if (!header) {
			header = true;
			continue;
		}
		if (nf == 6 && strcmp(f[5], "summary") == 0)
			continue;
		ck_assert_msg(nf >= 7, "%s:%lu", path, no);
		if (strlen(f[5]) == 8 && strcmp(f[5], "00000000") != 0)
			date = (uint32_t)num(f[5]);
		w->records++;
		if (strcmp(f[2], "asn") == 0) {
			struct snap_asn_result r1, r2;
			uint32_t a = (uint32_t)num(f[3]);
			uint32_t z = a + (uint32_t)num(f[4]) - 1;

			ck_assert_int_eq(snap_lookup_asn(S, a, &r1, err, sizeof(err)), ST_OK);
			ck_assert_int_eq(snap_lookup_asn(S, z, &r2, err, sizeof(err)), ST_OK);
			w->lookups += 2;
			ck_assert_msg(r1.has_rir && r2.has_rir, "%s:%lu", path, no);
			check_rir_hit(&r1.rir, path, fdate, iana_file, f, date, "asn", w, &exact);
			check_rir_hit(&r2.rir, path, fdate, iana_file, f, date, "asn", w, &exact);
			if (exact) {
				/* Inside its record; the whole record unless a newer one took part. */
				ck_assert(r1.rir.asn_first >= a && r2.rir.asn_last <= z);
				if (!r1.rir.partial)
					ck_assert_msg(r1.rir.asn_first == a && r1.rir.asn_last == z,
					              "%s:%lu: range %u-%u vs %u-%u", path, no,
					              r1.rir.asn_first, r1.rir.asn_last, a, z);
				if (!r1.rir.partial && !r2.rir.partial)
					w->exact++;
				else
					w->partial++;
			}
		} else {
			struct snap_ip_result r1, r2;
			uint8_t a[16] = { 0 }, z[16] = { 0 };
			int fam = strcmp(f[2], "ipv4") == 0 ? 4 : 6;

			ck_assert_msg(inet_pton(fam == 4 ? AF_INET : AF_INET6, f[3], a) == 1, "%s:%lu",
			              path, no);
			memcpy(z, a, 16);
			if (fam == 4) {
				uint32_t v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
				             (uint32_t)a[2] << 8 | a[3];

				v += (uint32_t)num(f[4]) - 1;
				z[0] = (uint8_t)(v >> 24);
				z[1] = (uint8_t)(v >> 16);
				z[2] = (uint8_t)(v >> 8);
				z[3] = (uint8_t)v;
			} else {
				ip6_add(z, (int)num(f[4]));
			}
			ck_assert_int_eq(snap_lookup_ip(S, fam, a, &r1, err, sizeof(err)), ST_OK);
			ck_assert_int_eq(snap_lookup_ip(S, fam, z, &r2, err, sizeof(err)), ST_OK);
			w->lookups += 2;
			ck_assert_msg(r1.has_rir && r2.has_rir, "%s:%lu", path, no);
			check_rir_hit(&r1.rir, path, fdate, iana_file, f, date, f[2], w, &exact);
			check_rir_hit(&r2.rir, path, fdate, iana_file, f, date, f[2], w, &exact);
			if (exact) {
				size_t n = fam == 4 ? 4 : 16;

				ck_assert(memcmp(r1.rir.block.first, a, n) >= 0);
				ck_assert(memcmp(r2.rir.block.last, z, n) <= 0);
				if (!r1.rir.partial)
					ck_assert_msg(memcmp(r1.rir.block.first, a, n) == 0 &&
					              memcmp(r1.rir.block.last, z, n) == 0,
					              "%s:%lu: record boundaries differ", path, no);
				if (!r1.rir.partial && !r2.rir.partial)
					w->exact++;
				else
					w->partial++;
			}
		}
	}
	free(text);
}

START_TEST(rir_record_boundaries)
{
	struct defect defs[16];
	size_t nd, i, files = 0;
	struct walk w;

	if (!S)
		return;
	memset(&w, 0, sizeof(w));
	nd = read_defects(defs, 16);
	for (i = 0; i < snap_source_count(S); i++) {
		const char *path = snap_source_at(S, i)->path;

		if (strncmp(path, "rir/", 4) != 0)
			continue;
		walk_rir_file(path, defs, nd, &w);
		files++;
	}
	ck_assert_uint_eq(files, 6);
	fprintf(stderr, "RIR walk: %lu records in %zu files, %lu lookups: %lu whole, %lu cut by a "
	        "newer file, %lu superseded\n", w.records, files, w.lookups, w.exact, w.partial,
	        w.superseded);
	ck_assert_uint_gt(w.exact, w.records * 9 / 10);
}
END_TEST

/* ---- IANA registries ---- */

/* The text between <tag> and </tag> on a line, xrefs removed, or NULL. */
static char *tag_text(const char *line, const char *tag, char *out, size_t n)
{
	char open[64], *s, *e, *x;

	snprintf(open, sizeof(open), "<%s>", tag);
	s = strstr(line, open);
	if (!s)
		return NULL;
	s += strlen(open);
	e = strstr(s, "</");
	if (!e || (size_t)(e - s) >= n)
		return NULL;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = 0;
	while ((x = strstr(out, "<xref")) != NULL) {   /* drop footnote references */
		char *y = strstr(x, "/>");

		if (!y)
			break;
		memmove(x, y + 2, strlen(y + 2) + 1);
	}
	for (e = out + strlen(out); e > out && e[-1] == ' '; e--)
		e[-1] = 0;
	return out;
}

static void prefix_range(const char *pfx, int *fam, uint8_t a[16], uint8_t z[16], int *plen)
{
	char tmp[64];
	const char *slash = strchr(pfx, '/');

	memset(a, 0, 16);
	ck_assert_ptr_nonnull(slash);
	snprintf(tmp, sizeof(tmp), "%.*s", (int)(slash - pfx), pfx);
	*plen = (int)num(slash + 1);
	if (strchr(tmp, ':')) {
		*fam = 6;
		ck_assert_int_eq(inet_pton(AF_INET6, tmp, a), 1);
		memcpy(z, a, 16);
		ip6_add(z, *plen);
	} else {
		uint32_t v;

		*fam = 4;
		if (!strchr(tmp, '.'))
			v = (uint32_t)num(tmp) << 24;      /* "NNN/8" */
		else {
			ck_assert_int_eq(inet_pton(AF_INET, tmp, a), 1);
			v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
		}
		a[0] = (uint8_t)(v >> 24);
		a[1] = (uint8_t)(v >> 16);
		a[2] = (uint8_t)(v >> 8);
		a[3] = (uint8_t)v;
		v |= *plen == 0 ? 0xffffffffu : (1u << (32 - *plen)) - 1;
		memset(z, 0, 16);
		z[0] = (uint8_t)(v >> 24);
		z[1] = (uint8_t)(v >> 16);
		z[2] = (uint8_t)(v >> 8);
		z[3] = (uint8_t)v;
	}
}

static bool within(const struct snap_block *b, int fam, const uint8_t *a, const uint8_t *z)
{
	size_t n = fam == 4 ? 4 : 16;

	return memcmp(b->first, a, n) >= 0 && memcmp(b->last, z, n) <= 0;
}

static bool same(const struct snap_block *b, int fam, const uint8_t *a, const uint8_t *z)
{
	size_t n = fam == 4 ? 4 : 16;

	return memcmp(b->first, a, n) == 0 && memcmp(b->last, z, n) == 0;
}

/* Each <prefix> of an IANA address registry: first and last address find that block (or,
 * where the registry is overridden by a more specific layer, a block inside it). */
static unsigned long walk_prefixes(const char *file, const char *registry, const char *tag,
                                   bool special, unsigned long *exact)
{
	char *text = slurp(file), *p = text, *l, v[256], *one, *next;
	unsigned long n = 0;
	char err[SNAP_ERR_MAX];

	while ((l = next_line(&p))) {
		if (!tag_text(l, tag, v, sizeof(v)))
			continue;
		for (one = v; one; one = next) {
			uint8_t a[16], z[16];
			int fam, plen, k;
			struct snap_ip_result r[2];

			next = strchr(one, ',');
			if (next)
				*next++ = 0;
			while (*one == ' ')
				one++;
			prefix_range(one, &fam, a, z, &plen);
			ck_assert_int_eq(snap_lookup_ip(S, fam, a, &r[0], err, sizeof(err)), ST_OK);
			ck_assert_int_eq(snap_lookup_ip(S, fam, z, &r[1], err, sizeof(err)), ST_OK);
			for (k = 0; k < 2; k++) {
				const struct snap_block *b = special ? &r[k].special.block : &r[k].iana.block;

				ck_assert_msg(special ? r[k].has_special : r[k].has_iana, "%s %s", file, one);
				ck_assert_msg(within(b, fam, a, z) ||
				              (!special && strcmp(r[k].iana.registry, registry) != 0),
				              "%s %s: found a block outside it", file, one);
			}
			if ((special || strcmp(r[0].iana.registry, registry) == 0) &&
			    same(special ? &r[0].special.block : &r[0].iana.block, fam, a, z))
				(*exact)++;
			n++;
		}
	}
	free(text);
	return n;
}

START_TEST(iana_record_boundaries)
{
	unsigned long n, exact = 0;
	char *text, *p, *l, s1[64], s2[64], err[SNAP_ERR_MAX];

	if (!S)
		return;
	n = walk_prefixes(SHARED "/iana/ipv4-address-space.xml", "ipv4-address-space", "prefix",
	                  false, &exact);
	ck_assert_uint_eq(n, 256);
	ck_assert_uint_ge(exact, 240);
	exact = 0;
	n = walk_prefixes(SHARED "/iana/ipv6-unicast-address-assignments.xml",
	                  "ipv6-unicast-address-assignments", "prefix", false, &exact);
	ck_assert_uint_eq(exact, n);
	exact = 0;
	n = walk_prefixes(SHARED "/iana/iana-ipv4-special-registry.xml", "", "address", true, &exact);
	ck_assert_uint_ge(exact, n - 6);
	exact = 0;
	n = walk_prefixes(SHARED "/iana/iana-ipv6-special-registry.xml", "", "address", true, &exact);
	ck_assert_uint_ge(exact, n - 6);
	/* Recovered pool: start/end pairs. */
	text = slurp(SHARED "/iana/ipv4-recovered-address-space.xml");
	p = text;
	n = 0;
	while ((l = next_line(&p))) {
		uint8_t a[16] = { 0 }, z[16] = { 0 };
		struct snap_ip_result r1, r2;

		if (tag_text(l, "start", s1, sizeof(s1)))
			continue;
		if (!tag_text(l, "end", s2, sizeof(s2)))
			continue;
		/* the <start> was the line before */
		ck_assert_int_eq(inet_pton(AF_INET, s2, z), 1);
		ck_assert_int_eq(snap_lookup_ip(S, 4, z, &r2, err, sizeof(err)), ST_OK);
		ck_assert_msg(strncmp(r2.iana.registry, "ipv4-recovered-address-space", 28) == 0,
		              "recovered block ending %s: %s", s2, r2.iana.registry);
		memcpy(a, r2.iana.block.first, 4);
		ck_assert_int_eq(snap_lookup_ip(S, 4, a, &r1, err, sizeof(err)), ST_OK);
		ck_assert(strncmp(r1.iana.registry, "ipv4-recovered", 14) == 0);
		n++;
	}
	free(text);
	ck_assert_uint_eq(n, 234);
	/* AS numbers: <number>N</number> or N-M. */
	text = slurp(SHARED "/iana/as-numbers.xml");
	p = text;
	n = exact = 0;
	while ((l = next_line(&p))) {
		struct snap_asn_result r1, r2;
		uint32_t a, z;
		char *dash;

		if (!tag_text(l, "number", s1, sizeof(s1)))
			continue;
		dash = strchr(s1, '-');
		if (dash)
			*dash = 0;
		a = z = (uint32_t)num(s1);
		if (dash)
			z = (uint32_t)num(dash + 1);
		ck_assert_int_eq(snap_lookup_asn(S, a, &r1, err, sizeof(err)), ST_OK);
		ck_assert_int_eq(snap_lookup_asn(S, z, &r2, err, sizeof(err)), ST_OK);
		ck_assert_msg(r1.has_iana && r1.iana.asn_first >= a && r2.iana.asn_last <= z, "AS %s",
		              s1);
		if (r1.iana.asn_first == a && r1.iana.asn_last == z)
			exact++;
		n++;
	}
	free(text);
	ck_assert_uint_eq(n, 174);
	ck_assert_uint_eq(exact, 173);  /* all but "0-65535: see the 16-bit registry" */
}
END_TEST

START_TEST(tld_table_matches_root_db)
{
	char *text, *p, *l, err[SNAP_ERR_MAX];
	unsigned long n = 0, noport = 0;
	struct snap_tld t;

	if (!S)
		return;
	text = slurp(SHARED "/whois-servers/iana-root-db/tld-whois-rdap.csv");
	p = text;
	next_line(&p);      /* header */
	while ((l = next_line(&p))) {
		char *f[6], *q = l;
		int i;

		if (!strchr(l, ',') || l[0] == '"' || strchr(l, ',') == NULL)
			continue;
		for (i = 0; i < 6; i++) {
			f[i] = q;
			q = strchr(q, ',');
			if (!q)
				break;
			*q++ = 0;
		}
		if (i < 5)
			continue;   /* continuation line of a quoted field */
		ck_assert_msg(snap_lookup_tld(S, f[0], strlen(f[0]), &t, err, sizeof(err)) == ST_OK,
		              "%s", f[0]);
		ck_assert_msg(strcmp(t.whois, f[4]) == 0, "%s: %s vs %s", f[0], t.whois, f[4]);
		ck_assert((strcmp(f[3], "true") == 0) == !!(t.flags & SNAP_TLD_DELEGATED));
		if (t.flags & SNAP_TLD_NO_PORT43) {
			ck_assert_str_eq(t.whois, "");
			noport++;
		}
		n++;
	}
	free(text);
	ck_assert_uint_eq(n, 1595);
	ck_assert_uint_gt(noport, 500);
	/* Every TLD of IANA's list is known and marked. */
	text = slurp(SHARED "/iana/tlds-alpha-by-domain.txt");
	p = text;
	n = 0;
	while ((l = next_line(&p))) {
		if (l[0] == '#' || !l[0])
			continue;
		ck_assert_msg(snap_lookup_tld(S, l, strlen(l), &t, err, sizeof(err)) == ST_OK, "%s", l);
		ck_assert(t.flags & SNAP_TLD_LISTED);
		n++;
	}
	free(text);
	ck_assert_uint_eq(n, 1438);
	ck_assert_int_eq(snap_lookup_tld(S, "com", 3, &t, err, sizeof(err)), ST_OK);
	ck_assert_str_eq(t.rdap, "https://rdap.verisign.com/com/v1/");
}
END_TEST

START_TEST(root_hints_match_named_root)
{
	char *text, *p, *l, err[SNAP_ERR_MAX];
	const struct snap_root_server *rs;
	const char *date;
	size_t n, i, seen = 0;

	if (!S)
		return;
	ck_assert_int_eq(snap_root_hints(S, &rs, &n, &date, err, sizeof(err)), ST_OK);
	ck_assert_uint_eq(n, 13);
	ck_assert_str_eq(date, "2026-05-21");
	text = slurp(SHARED "/dns/named.root");
	p = text;
	while ((l = next_line(&p))) {
		char *f[6], *owner, *type, *addr;
		uint8_t a[16];

		if (l[0] == ';' || fields(l, f, 6) != 4 || strcmp(f[0], ".") == 0)
			continue;
		owner = f[0];
		type = f[2];
		addr = f[3];
		owner[strlen(owner) - 1] = 0;
		for (i = 0; owner[i]; i++)
			owner[i] = (char)(owner[i] >= 'A' && owner[i] <= 'Z' ? owner[i] + 32 : owner[i]);
		for (i = 0; i < n && strcmp(rs[i].name, owner) != 0; i++)
			;
		ck_assert_msg(i < n, "%s", owner);
		if (strcmp(type, "A") == 0) {
			ck_assert_int_eq(inet_pton(AF_INET, addr, a), 1);
			ck_assert(rs[i].has_v4 && memcmp(rs[i].v4, a, 4) == 0);
		} else {
			ck_assert_int_eq(inet_pton(AF_INET6, addr, a), 1);
			ck_assert(rs[i].has_v6 && memcmp(rs[i].v6, a, 16) == 0);
		}
		seen++;
	}
	free(text);
	ck_assert_uint_eq(seen, 26);
}
END_TEST

/* ---- PSL official test vectors ---- */

/* Compare one vector: input and expected registered domain ("null": none). */
static void psl_vector(const char *in, const char *want, unsigned long *n)
{
	struct snap_domain d;
	char err[SNAP_ERR_MAX];
	struct buf w;
	int st;

	if (strcmp(in, "null") == 0)
		return;     /* the "null input" case has no C equivalent */
	st = snap_lookup_domain(S, in, strlen(in), &d, err, sizeof(err));
	if (strcmp(want, "null") == 0) {
		ck_assert_msg(st == ST_INVAL || (st == ST_OK && !d.registered[0]),
		              "%s: want null, got '%s'", in, d.registered);
	} else {
		buf_init(&w, 0);
		ck_assert_int_eq(idna_to_ascii(want, strlen(want), &w), ST_OK);
		ck_assert_msg(st == ST_OK && strcmp(d.registered, buf_str(&w)) == 0,
		              "%s: want %s, got '%s' (%d)", in, buf_str(&w), d.registered, st);
		buf_reset(&w);
	}
	(*n)++;
}

START_TEST(psl_official_vectors)
{
	char *text, *p, *l;
	unsigned long n = 0;

	if (!S)
		return;
	/* psl_tests.txt: "INPUT EXPECTED" per line. */
	text = slurp(SHARED "/dns/psl_tests.txt");
	p = text;
	while ((l = next_line(&p))) {
		char *sp;

		if (!l[0] || (l[0] == '/' && l[1] == '/'))
			continue;
		sp = strchr(l, ' ');
		ck_assert_ptr_nonnull(sp);
		*sp = 0;
		psl_vector(l, sp + 1, &n);
	}
	free(text);
	ck_assert_uint_eq(n, 77);  /* 78 vectors, less the "null input" one */
	/* psl_test_psl.txt: "checkPublicSuffix('in', 'want');" or null without quotes. */
	text = slurp(SHARED "/dns/psl_test_psl.txt");
	p = text;
	n = 0;
	while ((l = next_line(&p))) {
		char in[256], want[256], *a, *b;

		if (strncmp(l, "checkPublicSuffix(", 18) != 0)
			continue;
		a = l + 18;
		b = strstr(a, ", ");
		ck_assert_ptr_nonnull(b);
		snprintf(in, sizeof(in), "%.*s", (int)(b - a), a);
		snprintf(want, sizeof(want), "%.*s", (int)(strstr(b, ");") - b - 2), b + 2);
		if (in[0] == '\'') {
			memmove(in, in + 1, strlen(in));
			in[strlen(in) - 1] = 0;
		}
		if (want[0] == '\'') {
			memmove(want, want + 1, strlen(want));
			want[strlen(want) - 1] = 0;
		}
		psl_vector(in, want, &n);
	}
	free(text);
	ck_assert_uint_eq(n, 77);  /* 78 vectors, less the "null input" one */
}
END_TEST


/* snap_route_ip decides exactly like snap_lookup_ip, on many addresses of the real data. */
START_TEST(route_equals_lookup)
{
	char err[SNAP_ERR_MAX];
	uint64_t x = 88172645463325252ull;
	unsigned long i, n = 0;

	if (!S)
		return;
	for (i = 0; i < 300000; i++) {
		struct snap_ip_result a, b;
		uint8_t addr[16] = { 0 };
		int fam = i % 3 ? 4 : 6, k;

		for (k = 0; k < 16; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			addr[k] = (uint8_t)x;
		}
		if (fam == 6 && i % 2)
			addr[0] = (uint8_t)(0x20 | (addr[0] & 0x0f));  /* mostly 2000::/4 */
		ck_assert_int_eq(snap_lookup_ip(S, fam, addr, &a, err, sizeof(err)), ST_OK);
		ck_assert_int_eq(snap_route_ip(S, fam, addr, &b, err, sizeof(err)), ST_OK);
		ck_assert_str_eq(a.whois, b.whois);
		ck_assert_str_eq(a.rdap, b.rdap);
		ck_assert_int_eq(a.why, b.why);
		ck_assert_int_eq(a.has_rir, b.has_rir);
		ck_assert_int_eq(a.has_special, b.has_special);
		ck_assert_int_eq(a.embed, b.embed);
		if (a.has_rir)
			ck_assert(memcmp(&a.rir.block, &b.rir.block, sizeof(a.rir.block)) == 0 &&
			          a.rir.source == b.rir.source);
		n += a.has_rir;
	}
	ck_assert_uint_gt(n, 100000);
	for (i = 0; i < 4294967295ul - 9973; i += i < 500000 ? 3 : 9973 * 101) {
		struct snap_asn_result a, b;

		ck_assert_int_eq(snap_lookup_asn(S, (uint32_t)i, &a, err, sizeof(err)), ST_OK);
		ck_assert_int_eq(snap_route_asn(S, (uint32_t)i, &b, err, sizeof(err)), ST_OK);
		ck_assert_msg(strcmp(a.whois, b.whois) == 0 && strcmp(a.rdap, b.rdap) == 0 &&
		              a.why == b.why && a.has_rir == b.has_rir, "AS%lu", i);
	}
}
END_TEST

static Suite *snapdata_suite(void)
{
	Suite *s = suite_create("snapdata");
	TCase *tc = tcase_create("real-data");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, open_embedded, close_embedded);
	tcase_add_test(tc, rir_record_boundaries);
	tcase_add_test(tc, iana_record_boundaries);
	tcase_add_test(tc, tld_table_matches_root_db);
	tcase_add_test(tc, root_hints_match_named_root);
	tcase_add_test(tc, psl_official_vectors);
	tcase_add_test(tc, route_equals_lookup);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	/* Without the inputs nothing here can run: say so, and exit 77 (reported as skipped). */
	if (access(SHARED "/rir", F_OK) != 0) {
		printf("SKIP: " SHARED " absent: real-data checks not run\n");
		return 77;
	}
	sr = srunner_create(snapdata_suite());

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
