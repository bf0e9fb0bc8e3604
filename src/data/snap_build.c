/* Snapshot generator: read the inputs, flatten overlapping ranges, write the sections. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "hostport.h"
#include "sha256.h"
#include "snap_bld.h"
#include "span.h"
#include "status.h"
#include "text.h"

#define ARENA_BLOCK (256u * 1024u)

struct bld_arena_blk {
	struct bld_arena_blk *next;
	size_t used, cap;
	max_align_t data[];
};

void *bld_alloc(struct bld_arena *a, size_t n)
{
	struct bld_arena_blk *blk = a->head;
	size_t al = sizeof(max_align_t);
	void *p;

	n = (n + al - 1) / al * al;
	if (!blk || blk->cap - blk->used < n) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;

		blk = malloc(sizeof(*blk) + cap);
		if (!blk) {
			a->err = ST_NOMEM;
			return NULL;
		}
		blk->used = 0;
		blk->cap = cap;
		blk->next = a->head;
		a->head = blk;
	}
	p = (char *)blk->data + blk->used;
	blk->used += n;
	return p;
}

char *bld_strndup(struct bld_arena *a, const char *s, size_t n)
{
	char *p = bld_alloc(a, n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

void bld_arena_free(struct bld_arena *a)
{
	while (a->head) {
		struct bld_arena_blk *n = a->head->next;

		free(a->head);
		a->head = n;
	}
}

void bvec_init(struct bvec *v, size_t size)
{
	v->p = NULL;
	v->n = v->cap = 0;
	v->size = size;
}

void *bvec_push(struct bvec *v)
{
	void *e;

	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 64;
		void *np = realloc(v->p, nc * v->size);

		if (!np)
			return NULL;
		v->p = np;
		v->cap = nc;
	}
	e = (char *)v->p + v->n * v->size;
	memset(e, 0, v->size);
	v->n++;
	return e;
}

void bvec_free(struct bvec *v)
{
	free(v->p);
	v->p = NULL;
	v->n = v->cap = 0;
}

int bld_err(struct bld *b, int src, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	if (b->failed)
		return ST_MALFORMED;
	b->failed = true;
	buf_clear(b->msg);
	if (src >= 0 && line)
		buf_printf(b->msg, "%s:%lu: ", b->src[src].meta.path, line);
	else if (src >= 0)
		buf_printf(b->msg, "%s: ", b->src[src].meta.path);
	va_start(ap, fmt);
	buf_vprintf(b->msg, fmt, ap);
	va_end(ap);
	return ST_MALFORMED;
}

void bld_warn(struct bld *b, const char *fmt, ...)
{
	va_list ap;

	if (b->failed)
		return;
	buf_adds(b->msg, "warning: ");
	va_start(ap, fmt);
	buf_vprintf(b->msg, fmt, ap);
	va_end(ap);
	buf_addc(b->msg, '\n');
}

int bld_known_defect(struct bld *b, int src, unsigned long line, const char *text, size_t n)
{
	uint8_t sha[32];
	size_t i;

	for (i = 0; i < b->defects.n; i++) {
		struct bdefect *d = BVEC_AT(&b->defects, struct bdefect, i);

		if (d->line != line || strcmp(d->path, b->src[src].meta.path) != 0)
			continue;
		sha256(text, n, sha);
		if (memcmp(d->sha, sha, 32) != 0) {
			bld_warn(b, "%s:%lu: listed as a known defect, but the line differs",
			         b->src[src].meta.path, line);
			continue;
		}
		d->used = true;
		b->src[src].meta.skipped++;
		b->src[src].meta.flags |= SNAP_SRC_DEFECTS_SKIPPED;
		bld_warn(b, "%s:%lu: known defect: %s", b->src[src].meta.path, line,
		         d->action == DEFECT_END ? "the file ends before this line" : "line skipped");
		return d->action;
	}
	return DEFECT_NO;
}

struct brec *bld_rec(struct bld *b, int tab, int type, int src, unsigned long line)
{
	struct brec *r = bvec_push(&b->tab[tab]);

	if (!r) {
		bld_err(b, -1, 0, "out of memory");
		return NULL;
	}
	r->type = type;
	r->src = src;
	r->line = line;
	r->plen = -1;
	b->src[src].meta.records++;
	return r;
}

bool bld_valid_date(const char *d)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int i, m, day;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (d[i] != '-')
				return false;
		} else if (d[i] < '0' || d[i] > '9') {
			return false;
		}
	}
	if (d[10])
		return false;
	m = (d[5] - '0') * 10 + (d[6] - '0');
	day = (d[8] - '0') * 10 + (d[9] - '0');
	return m >= 1 && m <= 12 && day >= 1 && day <= mdays[m - 1] && d[0] >= '1';
}

bool bld_set_date(struct bld *b, int src, const char *d, size_t n)
{
	char tmp[11];

	if (n < 10)
		return false;
	memcpy(tmp, d, 10);
	tmp[10] = 0;
	if (!bld_valid_date(tmp))
		return false;
	if (!b->src[src].date_given)
		memcpy(b->src[src].meta.date, tmp, 11);
	return true;
}

bool bld_valid_host(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 254 && s[n - 1] != '.' && memchr(s, '.', n) && hostname_valid(s, n);
}

bool bld_valid_url(const char *s)
{
	size_t i, n = strlen(s);

	if (!(ascii_istarts(s, "https://") || ascii_istarts(s, "http://")) || n > SNAP_URL_MAX - 2)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

bool bld_parse_v4(const char *s, size_t n, uint32_t *out)
{
	char tmp[16];
	struct in_addr a;

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = 0;
	if (inet_pton(AF_INET, tmp, &a) != 1)
		return false;
	*out = ntohl(a.s_addr);
	return true;
}

bool bld_parse_v6(const char *s, size_t n, uint8_t out[16])
{
	char tmp[48];

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = 0;
	return inet_pton(AF_INET6, tmp, out) == 1;
}

struct k128 bld_k128_v6(const uint8_t a[16])
{
	return snap_key_get(a, 16);
}

/* Set the host bits of a prefix (the last address); false if first has host bits set. */
static bool prefix_last(struct k128 first, int plen, int bits, struct k128 *last)
{
	struct k128 mask = { 0, 0 };
	int host = bits - plen;

	if (host >= 64) {
		mask.lo = ~0ull;
		mask.hi = host == 128 ? ~0ull : (1ull << (host - 64)) - 1;
	} else if (host > 0) {
		mask.lo = (1ull << host) - 1;
	}
	if ((first.hi & mask.hi) || (first.lo & mask.lo))
		return false;
	last->hi = first.hi | mask.hi;
	last->lo = first.lo | mask.lo;
	return true;
}

bool bld_parse_prefix(const char *s, size_t n, int family, struct k128 *first, struct k128 *last,
                      int *plen)
{
	const char *slash = memchr(s, '/', n);
	size_t an;
	uint64_t len;

	if (!slash)
		return false;
	an = (size_t)(slash - s);
	if (!parse_uint(slash + 1, n - an - 1, family == 4 ? 32 : 128, &len))
		return false;
	first->hi = first->lo = 0;
	if (family == 4) {
		uint32_t a;
		uint64_t octet;

		if (!memchr(s, '.', an)) {          /* IANA's "NNN/8" */
			if (len != 8 || !parse_uint(s, an, 255, &octet))
				return false;
			a = (uint32_t)octet << 24;
		} else if (!bld_parse_v4(s, an, &a)) {
			return false;
		}
		first->lo = a;
		if (!prefix_last(*first, (int)len, 32, last))
			return false;
	} else {
		uint8_t a[16];

		if (!bld_parse_v6(s, an, a))
			return false;
		*first = bld_k128_v6(a);
		if (!prefix_last(*first, (int)len, 128, last))
			return false;
	}
	*plen = (int)len;
	return true;
}

/* ---- inputs ---- */

static int add_source(struct bld *b, const char *rel, bool required, int *out)
{
	char path[4096];
	struct bsrc *s;
	struct stat sb;
	FILE *f;
	size_t got;
	int i;

	*out = -1;
	if (b->nsrc >= SNAP_MAX_SOURCES)
		return bld_err(b, -1, 0, "more than %d inputs", SNAP_MAX_SOURCES);
	if (strlen(rel) >= SNAP_PATH_MAX)
		return bld_err(b, -1, 0, "%s: name too long", rel);
	snprintf(path, sizeof(path), "%s/%s", b->o->from, rel);
	f = fopen(path, "rb");
	if (!f) {
		if (!required && errno == ENOENT)
			return ST_OK;
		bld_err(b, -1, 0, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? ST_NOTFOUND : ST_IO;
	}
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size > SNAP_BUILD_MAX_INPUT) {
		fclose(f);
		bld_err(b, -1, 0, "%s: not a regular file of at most %u bytes", path,
		        SNAP_BUILD_MAX_INPUT);
		return ST_IO;
	}
	s = &b->src[b->nsrc];
	memset(s, 0, sizeof(*s));
	snprintf(s->meta.path, sizeof(s->meta.path), "%s", rel);
	s->data = malloc((size_t)sb.st_size + 1);
	if (!s->data) {
		fclose(f);
		return bld_err(b, -1, 0, "out of memory");
	}
	got = fread(s->data, 1, (size_t)sb.st_size, f);
	if (ferror(f) || got != (size_t)sb.st_size) {
		fclose(f);
		free(s->data);
		s->data = NULL;
		bld_err(b, -1, 0, "%s: read error", path);
		return ST_IO;
	}
	fclose(f);
	s->data[got] = 0;
	s->len = got;
	s->meta.size = got;
	sha256(s->data, got, s->meta.sha256);
	*out = b->nsrc++;               /* from here on freed with the build */
	/* A date given for this file wins over anything inside it. */
	for (i = (int)b->o->ndates - 1; i >= 0; i--) {
		const char *eq = strchr(b->o->dates[i], '=');

		if (eq && (size_t)(eq - b->o->dates[i]) == strlen(rel) &&
		    strncmp(b->o->dates[i], rel, strlen(rel)) == 0) {
			if (strlen(eq + 1) != 10 || !bld_valid_date(eq + 1))
				return bld_err(b, -1, 0, "bad date in '%s'", b->o->dates[i]);
			memcpy(s->meta.date, eq + 1, 11);
			s->meta.flags |= SNAP_SRC_DATE_GIVEN;
			s->date_given = true;
			break;
		}
	}
	return ST_OK;
}

/* FROM/SOURCE-DATES: "PATH YYYY-MM-DD" lines for inputs without a date of their own. */
static int read_source_dates(struct bld *b, struct bvec *extra)
{
	struct line_reader lr;
	struct span line, l, r;
	int idx, st;

	st = add_source(b, "SOURCE-DATES", false, &idx);
	if (st || idx < 0)
		return st;
	lr_init(&lr, b->src[idx].data, b->src[idx].len, BLD_MAX_LINE);
	while (lr_next(&lr, &line)) {
		char **slot;

		line = span_trim(line);
		if (line.n == 0 || line.p[0] == '#')
			continue;
		if (!span_split(line, ' ', &l, &r))
			return bld_err(b, idx, lr.lineno, "expected 'PATH YYYY-MM-DD'");
		r = span_trim(r);
		slot = bvec_push(extra);
		if (!slot)
			return bld_err(b, -1, 0, "out of memory");
		*slot = bld_alloc(&b->a, l.n + r.n + 2);
		if (!*slot)
			return bld_err(b, -1, 0, "out of memory");
		memcpy(*slot, l.p, l.n);
		(*slot)[l.n] = '=';
		memcpy(*slot + l.n + 1, r.p, r.n);
		(*slot)[l.n + 1 + r.n] = 0;
		if (r.n != 10 || !bld_valid_date(*slot + l.n + 1))
			return bld_err(b, idx, lr.lineno, "bad date '%.*s'", (int)r.n, r.p);
	}
	/* Not a data source: drop it from the table again. */
	free(b->src[idx].data);
	b->nsrc--;
	return ST_OK;
}

static int read_defects(struct bld *b)
{
	FILE *f;
	char line[BLD_MAX_LINE];
	unsigned long no = 0;

	if (!b->o->defects)
		return ST_OK;
	f = fopen(b->o->defects, "r");
	if (!f) {
		bld_err(b, -1, 0, "%s: %s", b->o->defects, strerror(errno));
		return ST_IO;
	}
	while (fgets(line, sizeof(line), f)) {
		struct span s = span_trim(span_of(line)), path, rest, num, hex, act;
		struct bdefect *d;
		uint64_t ln;
		int i;

		no++;
		if (s.n == 0 || s.p[0] == '#')
			continue;
		if (!span_split(s, ' ', &path, &rest) || !span_split(span_trim(rest), ' ', &num, &rest) ||
		    !span_split(span_trim(rest), ' ', &hex, &rest))
			goto bad;
		act = span_trim(rest);
		(void)span_split(act, ' ', &act, &rest);   /* a comment may follow */
		if (!span_uint(num, 1u << 30, &ln) || hex.n != 64 ||
		    !(span_eq(act, "skip") || span_eq(act, "end")))
			goto bad;
		d = bvec_push(&b->defects);
		if (!d) {
			fclose(f);
			return bld_err(b, -1, 0, "out of memory");
		}
		d->path = bld_strndup(&b->a, path.p, path.n);
		d->line = (unsigned long)ln;
		d->action = span_eq(act, "end") ? DEFECT_END : DEFECT_SKIP;
		for (i = 0; i < 32; i++) {
			int hi = ascii_lower((unsigned char)hex.p[2 * i]),
			    lo = ascii_lower((unsigned char)hex.p[2 * i + 1]);

			if (!((hi >= '0' && hi <= '9') || (hi >= 'a' && hi <= 'f')) ||
			    !((lo >= '0' && lo <= '9') || (lo >= 'a' && lo <= 'f')))
				goto bad;
			d->sha[i] = (uint8_t)(((hi <= '9' ? hi - '0' : hi - 'a' + 10) << 4) |
			                      (lo <= '9' ? lo - '0' : lo - 'a' + 10));
		}
		continue;
bad:
		fclose(f);
		buf_clear(b->msg);
		b->failed = true;
		buf_printf(b->msg, "%s:%lu: expected 'PATH LINE SHA256 skip|end [comment]'",
		           b->o->defects, no);
		return ST_MALFORMED;
	}
	fclose(f);
	return ST_OK;
}

static const char *const rir_ids[] = { "afrinic", "apnic", "arin", "lacnic", "ripencc", "iana" };

/* The newest delegated-<rir>[-extended]-YYYYMMDD of each registry in FROM/rir. */
static int find_rir_files(struct bld *b, char names[6][SNAP_PATH_MAX])
{
	char dir[4096], best[6][9];
	bool ext[6] = { false };
	DIR *d;
	struct dirent *e;
	size_t i;

	snprintf(dir, sizeof(dir), "%s/rir", b->o->from);
	memset(best, 0, sizeof(best));
	memset(names, 0, 6 * SNAP_PATH_MAX);
	d = opendir(dir);
	if (!d) {
		bld_err(b, -1, 0, "%s: %s", dir, strerror(errno));
		return errno == ENOENT ? ST_NOTFOUND : ST_IO;
	}
	while ((e = readdir(d)) != NULL) {
		const char *n = e->d_name, *p;
		uint64_t v;

		if (strncmp(n, "delegated-", 10) != 0 || strlen(n) + 5 > SNAP_PATH_MAX)
			continue;
		for (i = 0; i < 6; i++) {
			size_t l = strlen(rir_ids[i]);
			bool x;

			if (strncmp(n + 10, rir_ids[i], l) != 0 || n[10 + l] != '-')
				continue;
			p = n + 11 + l;
			x = strncmp(p, "extended-", 9) == 0;
			if (x)
				p += 9;
			if (strlen(p) != 8 || !parse_uint(p, 8, 99999999, &v))
				continue;
			/* Newest date wins; on the same date the extended file. */
			if (strcmp(p, best[i]) > 0 || (strcmp(p, best[i]) == 0 && x && !ext[i])) {
				memcpy(best[i], p, 9);
				ext[i] = x;
				memcpy(names[i], "rir/", 4);
				memcpy(names[i] + 4, n, strlen(n) + 1);
			}
		}
	}
	closedir(d);
	for (i = 0; i < 6; i++)
		if (!names[i][0]) {
			bld_err(b, -1, 0, "%s: no delegated-%s-* statistics file", dir, rir_ids[i]);
			return ST_NOTFOUND;
		}
	return ST_OK;
}

/* ---- flattening ---- */

static int k128_inc(struct k128 *k)      /* returns 1 on wrap-around */
{
	if (++k->lo == 0 && ++k->hi == 0)
		return 1;
	return 0;
}

static struct k128 k128_sub(struct k128 a, struct k128 b)
{
	struct k128 r;

	r.lo = a.lo - b.lo;
	r.hi = a.hi - b.hi - (a.lo < b.lo);
	return r;
}

struct event {
	struct k128 key;
	uint32_t rec;
	int end;                    /* 0: end (sorts first), 1: start */
};

static int cmp_event(const void *pa, const void *pb)
{
	const struct event *a = pa, *b = pb;
	int c = k128_cmp(a->key, b->key);

	if (c)
		return c;
	if (a->end != b->end)
		return a->end - b->end;
	return a->rec < b->rec ? -1 : a->rec > b->rec;
}

/* Does record a win over record b where both apply? */
static bool wins(const struct brec *r, uint32_t a, uint32_t b)
{
	const struct brec *x = &r[a], *y = &r[b];
	int c;

	if (x->layer != y->layer)
		return x->layer > y->layer;
	c = k128_cmp(k128_sub(x->last, x->first), k128_sub(y->last, y->first));
	if (c)
		return c < 0;
	return a < b;
}

struct piece {
	struct k128 first, last;
	uint32_t rec;
};

struct heap {
	uint32_t *h;
	size_t n;
};

static void heap_push(struct heap *hp, const struct brec *r, uint32_t v)
{
	size_t i = hp->n++;

	hp->h[i] = v;
	while (i > 0 && wins(r, hp->h[i], hp->h[(i - 1) / 2])) {
		uint32_t t = hp->h[i];

		hp->h[i] = hp->h[(i - 1) / 2];
		hp->h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static void heap_pop(struct heap *hp, const struct brec *r)
{
	size_t i = 0;

	hp->h[0] = hp->h[--hp->n];
	for (;;) {
		size_t l = 2 * i + 1, rr = l + 1, m = i;

		if (l < hp->n && wins(r, hp->h[l], hp->h[m]))
			m = l;
		if (rr < hp->n && wins(r, hp->h[rr], hp->h[m]))
			m = rr;
		if (m == i)
			break;
		{
			uint32_t t = hp->h[i];

			hp->h[i] = hp->h[m];
			hp->h[m] = t;
		}
		i = m;
	}
}

#define MAX_LAYERS 64

/*
 * Turn possibly overlapping records into disjoint pieces, each owned by the record that
 * wins there (higher layer, then the more specific). Records of a layer without `nest` must
 * not overlap each other: that is an input error.
 */
static int flatten(struct bld *b, struct bvec *recs, struct bvec *pieces)
{
	const struct brec *r = recs->p;
	struct event *ev = NULL;
	struct heap hp = { NULL, 0 };
	bool *active = NULL;
	long layer_active[MAX_LAYERS];
	size_t nev = 0, i, j;
	int st = ST_OK;

	bvec_init(pieces, sizeof(struct piece));
	if (recs->n == 0)
		return ST_OK;
	ev = malloc(2 * recs->n * sizeof(*ev));
	hp.h = malloc(recs->n * sizeof(*hp.h));
	active = calloc(recs->n, sizeof(*active));
	if (!ev || !hp.h || !active) {
		st = bld_err(b, -1, 0, "out of memory");
		goto out;
	}
	for (i = 0; i < MAX_LAYERS; i++)
		layer_active[i] = -1;
	for (i = 0; i < recs->n; i++) {
		struct k128 end = r[i].last;

		if (r[i].layer < 0 || r[i].layer >= MAX_LAYERS || k128_cmp(r[i].first, r[i].last) > 0) {
			st = bld_err(b, r[i].src, r[i].line, "bad range");
			goto out;
		}
		ev[nev++] = (struct event){ r[i].first, (uint32_t)i, 1 };
		if (!k128_inc(&end))
			ev[nev++] = (struct event){ end, (uint32_t)i, 0 };
	}
	qsort(ev, nev, sizeof(*ev), cmp_event);
	for (i = 0; i < nev; i = j) {
		struct k128 key = ev[i].key;

		for (j = i; j < nev && k128_cmp(ev[j].key, key) == 0; j++) {
			uint32_t x = ev[j].rec;
			int L = r[x].layer;

			if (ev[j].end == 0) {
				active[x] = false;
				if (layer_active[L] == (long)x)
					layer_active[L] = -1;
				continue;
			}
			if (!r[x].nest && layer_active[L] >= 0) {
				const struct brec *o = &r[layer_active[L]];

				st = bld_err(b, r[x].src, r[x].line, "overlaps the record at %s:%lu",
				             b->src[o->src].meta.path, o->line);
				goto out;
			}
			if (!r[x].nest)
				layer_active[L] = (long)x;
			active[x] = true;
			heap_push(&hp, r, x);
		}
		while (hp.n && !active[hp.h[0]])
			heap_pop(&hp, r);
		if (hp.n) {
			struct piece *last = pieces->n ? BVEC_AT(pieces, struct piece, pieces->n - 1) : NULL;
			struct k128 end;

			if (j < nev) {
				end = ev[j].key;
				end = k128_sub(end, (struct k128){ 0, 1 });
			} else {
				end = (struct k128){ ~0ull, ~0ull };
			}
			if (last && last->rec == hp.h[0]) {
				struct k128 next = last->last;

				k128_inc(&next);
				if (k128_cmp(next, key) == 0) {
					last->last = end;
					continue;
				}
			}
			last = bvec_push(pieces);
			if (!last) {
				st = bld_err(b, -1, 0, "out of memory");
				goto out;
			}
			last->first = key;
			last->last = end;
			last->rec = hp.h[0];
		}
	}
out:
	free(ev);
	free(hp.h);
	free(active);
	return st;
}

/* ---- serialisation ---- */

/* String pool with de-duplication (open addressing on FNV-1a). */
struct spool {
	struct buf data;
	uint32_t *slot;             /* offset + 1, 0 = empty */
	size_t nslot, used;
	int err;
};

static void spool_init(struct spool *p)
{
	buf_init(&p->data, SNAP_MAX_ULEN);
	buf_addc(&p->data, 0);      /* offset 0 is "" */
	p->slot = NULL;
	p->nslot = p->used = 0;
	p->err = p->data.err;
}

static void spool_free(struct spool *p)
{
	buf_reset(&p->data);
	free(p->slot);
}

static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static uint32_t spool_add(struct spool *p, const char *s)
{
	size_t i;
	uint32_t off;

	if (!s || !*s || p->err)
		return 0;
	if (p->used * 2 >= p->nslot) {
		size_t nn = p->nslot ? p->nslot * 2 : 1024, k;
		uint32_t *ns = calloc(nn, sizeof(*ns));

		if (!ns) {
			p->err = ST_NOMEM;
			return 0;
		}
		for (k = 0; k < p->nslot; k++) {
			if (!p->slot[k])
				continue;
			i = fnv((char *)p->data.data + p->slot[k] - 1) & (nn - 1);
			while (ns[i])
				i = (i + 1) & (nn - 1);
			ns[i] = p->slot[k];
		}
		free(p->slot);
		p->slot = ns;
		p->nslot = nn;
	}
	i = fnv(s) & (p->nslot - 1);
	while (p->slot[i]) {
		if (strcmp((char *)p->data.data + p->slot[i] - 1, s) == 0)
			return p->slot[i] - 1;
		i = (i + 1) & (p->nslot - 1);
	}
	off = (uint32_t)p->data.len;
	if (buf_add(&p->data, s, strlen(s) + 1)) {
		p->err = p->data.err;
		return 0;
	}
	p->slot[i] = off + 1;
	p->used++;
	return off;
}

static void put_key(struct buf *o, struct k128 k, int keylen)
{
	uint8_t t[16];

	if (keylen == 4) {
		snap_put32(t, (uint32_t)k.lo);
	} else {
		snap_put64(t, k.hi);
		snap_put64(t + 8, k.lo);
	}
	buf_add(o, t, (size_t)keylen);
}

static void put32(struct buf *o, uint32_t v)
{
	uint8_t t[4];

	snap_put32(t, v);
	buf_add(o, t, 4);
}

static void put_str(struct buf *o, struct spool *p, const char *s)
{
	put32(o, spool_add(p, s));
}

static void put_rec(struct buf *o, struct spool *p, const struct brec *r, int keylen, bool cut)
{
	size_t i;

	switch (r->type) {
	case RT_SPECIAL:
		put_key(o, r->first, keylen);
		put_key(o, r->last, keylen);
		buf_addc(o, r->plen < 0 ? 255 : r->plen);
		for (i = 0; i < 5; i++)
			buf_addc(o, r->u.sp.flags[i]);
		put_str(o, p, r->u.sp.name);
		put_str(o, p, r->u.sp.spec);
		put_str(o, p, r->u.sp.alloc);
		put_str(o, p, r->u.sp.term);
		break;
	case RT_IANA:
		put_key(o, r->first, keylen);
		put_key(o, r->last, keylen);
		buf_addc(o, r->plen < 0 ? 255 : r->plen);
		put_str(o, p, r->u.ia.designation);
		put_str(o, p, r->u.ia.date);
		put_str(o, p, r->u.ia.status);
		put_str(o, p, r->u.ia.whois);
		put_str(o, p, r->u.ia.rdap);
		put_str(o, p, r->u.ia.registry);
		break;
	case RT_RIR:
		buf_addc(o, r->u.ri.registry);
		buf_addc(o, r->u.ri.status);
		buf_addc(o, r->u.ri.holder);
		buf_addc(o, r->u.ri.src);
		buf_addc(o, r->u.ri.cc[0]);
		buf_addc(o, r->u.ri.cc[1]);
		put32(o, r->u.ri.date);
		buf_addc(o, cut ? RIR_FLAG_CUT : 0);
		break;
	case RT_BOOT:
		put_key(o, r->first, keylen);
		put_key(o, r->last, keylen);
		buf_addc(o, r->plen < 0 ? 255 : r->plen);
		put_str(o, p, r->u.bo.urls);
		break;
	default:
		break;
	}
}

/* A finished section, waiting to be written. */
struct bsect {
	char name[SNAP_NAME_MAX];
	uint32_t kind, part, records, ulen;
	struct k128 key_lo;
	uint64_t sources;
	uint8_t sha[32];
	uint8_t *z;                 /* compressed payload */
	uLongf zlen;
};

static int finish_section(struct bld *b, struct bvec *out, const char *name, int kind,
                          uint32_t part, struct k128 key_lo, uint32_t records, uint64_t sources,
                          struct buf *payload, struct spool *pool)
{
	struct bsect *s;
	uLongf bound;

	if (pool && !pool->err)
		buf_add(payload, pool->data.data, pool->data.len);
	if (payload->err || (pool && pool->err) || payload->len > SNAP_MAX_ULEN)
		return bld_err(b, -1, 0, "section %s: too large or out of memory", name);
	s = bvec_push(out);
	if (!s)
		return bld_err(b, -1, 0, "out of memory");
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->kind = (uint32_t)kind;
	s->part = part;
	s->key_lo = key_lo;
	s->records = records;
	s->sources = sources;
	s->ulen = (uint32_t)payload->len;
	sha256(payload->data, payload->len, s->sha);
	bound = compressBound(payload->len);
	s->z = malloc(bound);
	if (!s->z)
		return bld_err(b, -1, 0, "out of memory");
	s->zlen = bound;
	if (compress2(s->z, &s->zlen, payload->data, payload->len, Z_BEST_COMPRESSION) != Z_OK)
		return bld_err(b, -1, 0, "section %s: compression failed", name);
	return ST_OK;
}

static void payload_head(struct buf *o, int keylen, int rectype, uint32_t npieces,
                         uint32_t nrecs, uint32_t poollen, uint32_t pieces_len)
{
	uint8_t h[SNAP_PAYLOAD_HDR];
	size_t reclen = snap_reclen(rectype, keylen);

	h[0] = (uint8_t)keylen;
	h[1] = (uint8_t)rectype;
	h[2] = (uint8_t)(reclen >> 8);
	h[3] = (uint8_t)reclen;
	snap_put32(h + 4, npieces);
	snap_put32(h + 8, nrecs);
	snap_put32(h + 12, poollen);
	snap_put32(h + 16, pieces_len);
	buf_add(o, h, sizeof(h));
}

/* Records column by column: byte j of every record together (zlib likes that much more). */
static void put_columns(struct buf *o, const struct buf *rows, size_t reclen)
{
	size_t n = reclen ? rows->len / reclen : 0, i, j;

	if (rows->err) {
		o->err = rows->err;
		return;
	}
	for (j = 0; j < reclen; j++)
		for (i = 0; i < n; i++)
			buf_addc(o, rows->data[i * reclen + j]);
}

static void put_varint(struct buf *o, struct k128 v)
{
	uint8_t t[20];

	buf_add(o, t, snap_varint_put(t, v));
}

/*
 * Serialise a range table: flatten, then one section per SNAP_PART_PIECES pieces. Pieces are
 * varints (gap, length - 1, zigzag record delta); statistics records are written once per
 * piece (flagged when cut), the other kinds once per record.
 */
static int write_range_table(struct bld *b, int tab, struct bvec *out)
{
	const struct snap_tabdef *def = &snap_tabdefs[tab];
	struct bvec pieces;
	const struct brec *r = b->tab[tab].p;
	uint32_t *local = NULL, *order = NULL;
	size_t at = 0, i, reclen = snap_reclen(def->rectype, def->keylen);
	uint32_t part = 0;
	bool per_piece = def->rectype == RT_RIR;
	int st;

	st = flatten(b, &b->tab[tab], &pieces);
	if (st) {
		bvec_free(&pieces);
		return st;
	}
	if (b->tab[tab].n) {
		local = malloc(b->tab[tab].n * sizeof(*local));
		order = malloc((b->tab[tab].n > pieces.n ? b->tab[tab].n : pieces.n) * sizeof(*order));
		if (!local || !order) {
			st = bld_err(b, -1, 0, "out of memory");
			goto out;
		}
		for (i = 0; i < b->tab[tab].n; i++)
			local[i] = UINT32_MAX;
	}
	do {
		size_t n = pieces.n - at > SNAP_PART_PIECES ? SNAP_PART_PIECES : pieces.n - at;
		const struct piece *pc = BVEC_AT(&pieces, struct piece, at);
		uint32_t nrecs = 0;
		long long prev = -1;
		uint64_t srcs = 0;
		struct buf payload, rows, enc;
		struct spool pool;
		struct k128 key_lo = part == 0 ? (struct k128){ 0, 0 } : pc[0].first;
		struct k128 next = { 0, 0 };

		buf_init(&payload, SNAP_MAX_ULEN);
		buf_init(&rows, SNAP_MAX_ULEN);
		buf_init(&enc, SNAP_MAX_ULEN);
		spool_init(&pool);
		for (i = 0; i < n; i++) {
			const struct brec *x = &r[pc[i].rec];
			uint32_t idx;
			long long d;

			if (per_piece) {
				bool cut = k128_cmp(pc[i].first, x->first) != 0 ||
				           k128_cmp(pc[i].last, x->last) != 0;

				idx = nrecs++;
				put_rec(&rows, &pool, x, def->keylen, cut);
			} else {
				if (local[pc[i].rec] == UINT32_MAX) {
					local[pc[i].rec] = nrecs;
					order[nrecs++] = pc[i].rec;
					put_rec(&rows, &pool, x, def->keylen, false);
				}
				idx = local[pc[i].rec];
			}
			srcs |= 1ull << x->src;
			put_varint(&enc, k128_sub(pc[i].first, next));
			put_varint(&enc, k128_sub(pc[i].last, pc[i].first));
			d = (long long)idx - (prev + 1);
			put_varint(&enc, (struct k128){ 0, d < 0 ? (uint64_t)(-d - 1) * 2 + 1
			                                      : (uint64_t)d * 2 });
			prev = idx;
			next = pc[i].last;
			k128_inc(&next);
		}
		payload_head(&payload, def->keylen, def->rectype, (uint32_t)n, nrecs,
		             (uint32_t)pool.data.len, (uint32_t)enc.len);
		buf_add(&payload, enc.data, enc.len);
		put_columns(&payload, &rows, reclen);
		if (enc.err)
			payload.err = enc.err;
		st = finish_section(b, out, def->name, def->rectype, part, key_lo, (uint32_t)n, srcs,
		                    &payload, &pool);
		if (!per_piece)
			for (i = 0; i < nrecs; i++)
				local[order[i]] = UINT32_MAX;
		buf_reset(&payload);
		buf_reset(&rows);
		buf_reset(&enc);
		spool_free(&pool);
		if (st)
			goto out;
		at += n;
		part++;
	} while (at < pieces.n);
out:
	free(local);
	free(order);
	bvec_free(&pieces);
	return st;
}

static int write_registry(struct bld *b, struct bvec *out)
{
	struct buf payload, recs;
	struct spool pool;
	int i, st;

	buf_init(&payload, SNAP_MAX_ULEN);
	buf_init(&recs, SNAP_MAX_ULEN);
	spool_init(&pool);
	for (i = 0; i < BR__COUNT; i++) {
		put_str(&recs, &pool, b->reg[i].id);
		put_str(&recs, &pool, b->reg[i].name);
		put_str(&recs, &pool, b->reg[i].whois);
		put_str(&recs, &pool, b->reg[i].rdap);
	}
	payload_head(&payload, 0, RT_REGISTRY, 0, BR__COUNT, (uint32_t)pool.data.len, 0);
	put_columns(&payload, &recs, snap_reclen(RT_REGISTRY, 0));
	st = finish_section(b, out, "registry", RT_REGISTRY, 0, (struct k128){ 0, 0 }, BR__COUNT,
	                    b->reg_srcs, &payload, &pool);
	buf_reset(&payload);
	buf_reset(&recs);
	spool_free(&pool);
	return st;
}

static int cmp_tld(const void *pa, const void *pb)
{
	const struct b_tld *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	return a->src != b->src ? a->src - b->src : (a->line > b->line) - (a->line < b->line);
}

static int write_tlds(struct bld *b, struct bvec *out)
{
	struct buf payload, recs;
	struct spool pool;
	struct b_tld *t = b->tlds.p;
	size_t i, j, n = 0;
	int st;

	qsort(t, b->tlds.n, sizeof(*t), cmp_tld);
	buf_init(&payload, SNAP_MAX_ULEN);
	buf_init(&recs, SNAP_MAX_ULEN);
	spool_init(&pool);
	for (i = 0; i < b->tlds.n; i = j) {
		struct b_tld m = t[i];
		uint8_t fl[4];
		const char *rdap;

		/* Merge the entries of one TLD from the root database, the TLD list, dns.json. */
		for (j = i + 1; j < b->tlds.n && strcmp(t[j].name, t[i].name) == 0; j++) {
			if (t[j].from_db && m.from_db) {
				st = bld_err(b, t[j].src, t[j].line, "TLD %s listed twice", t[j].name);
				goto out;
			}
			if (t[j].from_db) {
				m.type = t[j].type;
				m.sponsor = t[j].sponsor;
				m.whois = t[j].whois;
				m.rdap_db = t[j].rdap_db;
				m.from_db = true;
			}
			if (t[j].rdap && *t[j].rdap)
				m.rdap = t[j].rdap;
			m.flags |= t[j].flags;
		}
		if ((m.flags & SNAP_TLD_DELEGATED) && !(m.whois && *m.whois))
			m.flags |= SNAP_TLD_NO_PORT43;
		rdap = m.rdap && *m.rdap ? m.rdap : m.rdap_db;
		put_str(&recs, &pool, m.name);
		put_str(&recs, &pool, m.type);
		put_str(&recs, &pool, m.sponsor);
		put_str(&recs, &pool, m.whois);
		put_str(&recs, &pool, rdap);
		snap_put32(fl, m.flags);
		buf_add(&recs, fl, 4);
		n++;
	}
	payload_head(&payload, 0, RT_TLD, 0, (uint32_t)n, (uint32_t)pool.data.len, 0);
	put_columns(&payload, &recs, snap_reclen(RT_TLD, 0));
	st = finish_section(b, out, "tld", RT_TLD, 0, (struct k128){ 0, 0 }, (uint32_t)n,
	                    b->tld_srcs, &payload, &pool);
out:
	buf_reset(&payload);
	buf_reset(&recs);
	spool_free(&pool);
	return st;
}

static int cmp_psl(const void *pa, const void *pb)
{
	return strcmp(((const struct b_psl *)pa)->name, ((const struct b_psl *)pb)->name);
}

static int write_psl(struct bld *b, struct bvec *out)
{
	struct buf payload, recs;
	struct spool pool;
	struct b_psl *t = b->psl.p;
	size_t i, j, n = 0;
	int st;

	qsort(t, b->psl.n, sizeof(*t), cmp_psl);
	buf_init(&payload, SNAP_MAX_ULEN);
	buf_init(&recs, SNAP_MAX_ULEN);
	spool_init(&pool);
	for (i = 0; i < b->psl.n; i = j) {
		unsigned fl = t[i].flags;

		for (j = i + 1; j < b->psl.n && strcmp(t[j].name, t[i].name) == 0; j++)
			fl |= t[j].flags;
		put_str(&recs, &pool, t[i].name);
		buf_addc(&recs, (int)fl);
		n++;
	}
	payload_head(&payload, 0, RT_PSL, 0, (uint32_t)n, (uint32_t)pool.data.len, 0);
	put_columns(&payload, &recs, snap_reclen(RT_PSL, 0));
	st = finish_section(b, out, "psl", RT_PSL, 0, (struct k128){ 0, 0 }, (uint32_t)n,
	                    b->psl_srcs, &payload, &pool);
	buf_reset(&payload);
	buf_reset(&recs);
	spool_free(&pool);
	return st;
}

static int write_roots(struct bld *b, struct bvec *out)
{
	struct buf payload, recs;
	struct spool pool;
	size_t i;
	int st;

	buf_init(&payload, SNAP_MAX_ULEN);
	buf_init(&recs, SNAP_MAX_ULEN);
	spool_init(&pool);
	for (i = 0; i < b->roots.n; i++) {
		const struct b_root *r = BVEC_AT(&b->roots, struct b_root, i);

		put_str(&recs, &pool, r->name);
		buf_addc(&recs, (int)r->flags);
		buf_add(&recs, r->v4, 4);
		buf_add(&recs, r->v6, 16);
	}
	payload_head(&payload, 0, RT_ROOT, 0, (uint32_t)b->roots.n, (uint32_t)pool.data.len, 0);
	put_columns(&payload, &recs, snap_reclen(RT_ROOT, 0));
	st = finish_section(b, out, "root", RT_ROOT, 0, (struct k128){ 0, 0 },
	                    (uint32_t)b->roots.n, b->root_srcs, &payload, &pool);
	buf_reset(&payload);
	buf_reset(&recs);
	spool_free(&pool);
	return st;
}

static int cmp_sect(const void *pa, const void *pb)
{
	const struct bsect *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	return (a->part > b->part) - (a->part < b->part);
}

static int64_t date_to_unix(const char *d)
{
	long y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	unsigned m = (unsigned)((d[5] - '0') * 10 + (d[6] - '0'));
	unsigned day = (unsigned)((d[8] - '0') * 10 + (d[9] - '0'));
	long era, yy = y - (m <= 2);
	unsigned yoe, doy, doe;

	era = (yy >= 0 ? yy : yy - 399) / 400;
	yoe = (unsigned)(yy - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int64_t)(era * 146097 + (long)doe - 719468) * 86400;
}

static int assemble(struct bld *b, struct bvec *sects, uint8_t **out, size_t *outlen)
{
	struct bsect *s = sects->p;
	size_t meta = SNAP_HDR_LEN + (size_t)b->nsrc * SNAP_SRC_LEN + sects->n * SNAP_SEC_LEN;
	size_t total = meta, i, off;
	int64_t bt = 0;
	uint8_t *f;

	qsort(s, sects->n, sizeof(*s), cmp_sect);
	for (i = 0; i < sects->n; i++)
		total += s[i].zlen;
	f = calloc(1, total);
	if (!f)
		return bld_err(b, -1, 0, "out of memory");
	if (b->o->has_build_time) {
		bt = b->o->build_time;
	} else {
		for (i = 0; i < (size_t)b->nsrc; i++)
			if (date_to_unix(b->src[i].meta.date) > bt)
				bt = date_to_unix(b->src[i].meta.date);
	}
	memcpy(f + HDR_MAGIC, SNAP_MAGIC, 8);
	f[HDR_MAJOR + 1] = SNAP_VERSION_MAJOR;
	f[HDR_MINOR + 1] = SNAP_VERSION_MINOR;
	snap_put32(f + HDR_META_LEN, (uint32_t)meta);
	snap_put64(f + HDR_BUILD_TIME, (uint64_t)bt);
	snap_put64(f + HDR_FILE_LEN, total);
	snap_put32(f + HDR_NSOURCES, (uint32_t)b->nsrc);
	snap_put32(f + HDR_NSECTIONS, (uint32_t)sects->n);
	for (i = 0; i < (size_t)b->nsrc; i++) {
		uint8_t *e = f + SNAP_HDR_LEN + i * SNAP_SRC_LEN;
		const struct snap_source *m = &b->src[i].meta;

		memcpy(e + SRC_PATH, m->path, strlen(m->path));
		memcpy(e + SRC_DATE, m->date, 10);
		memcpy(e + SRC_SHA, m->sha256, 32);
		snap_put64(e + SRC_SIZE, m->size);
		snap_put32(e + SRC_RECORDS, m->records);
		snap_put32(e + SRC_FLAGS, m->flags);
		snap_put32(e + SRC_SKIPPED, m->skipped);
	}
	off = meta;
	for (i = 0; i < sects->n; i++) {
		uint8_t *e = f + SNAP_HDR_LEN + (size_t)b->nsrc * SNAP_SRC_LEN + i * SNAP_SEC_LEN;

		memcpy(e + SEC_NAME, s[i].name, strlen(s[i].name));
		snap_put32(e + SEC_KIND, s[i].kind);
		snap_put32(e + SEC_PART, s[i].part);
		snap_put64(e + SEC_KEY_LO, s[i].key_lo.hi);
		snap_put64(e + SEC_KEY_LO + 8, s[i].key_lo.lo);
		snap_put64(e + SEC_OFFSET, off);
		snap_put32(e + SEC_CLEN, (uint32_t)s[i].zlen);
		snap_put32(e + SEC_ULEN, s[i].ulen);
		snap_put32(e + SEC_CRC, (uint32_t)crc32(0, s[i].z, (uInt)s[i].zlen));
		snap_put32(e + SEC_RECORDS, s[i].records);
		memcpy(e + SEC_SHA, s[i].sha, 32);
		snap_put64(e + SEC_SOURCES, s[i].sources);
		memcpy(f + off, s[i].z, s[i].zlen);
		off += s[i].zlen;
	}
	snap_put32(f + HDR_META_CRC, (uint32_t)crc32(0, f + SNAP_HDR_LEN, (uInt)(meta - SNAP_HDR_LEN)));
	snap_put32(f + HDR_CRC, (uint32_t)crc32(0, f, HDR_CRC));
	*out = f;
	*outlen = total;
	return ST_OK;
}

static int read_all(struct bld *b)
{
	static const struct {
		const char *path;
		int (*fn)(struct bld *, int);
	} iana[] = {
		{ "iana/ipv4-address-space.xml", bld_iana_ipv4 },
		{ "iana/ipv4-recovered-address-space.xml", bld_iana_ipv4_recovered },
		{ "iana/ipv6-address-space.xml", bld_iana_ipv6 },
		{ "iana/ipv6-unicast-address-assignments.xml", bld_iana_ipv6_unicast },
		{ "iana/as-numbers.xml", bld_iana_asn },
		{ "iana/iana-as-numbers-special-registry.xml", bld_iana_asn_special },
	};
	char rir[6][SNAP_PATH_MAX];
	int order[6], layer[6], i, j, idx[6], st;

	for (i = 0; i < (int)(sizeof(iana) / sizeof(iana[0])); i++) {
		st = add_source(b, iana[i].path, true, &j);
		if (st == ST_OK)
			st = iana[i].fn(b, j);
		if (st)
			return st;
	}
	st = add_source(b, "iana/iana-ipv4-special-registry.xml", true, &j);
	if (st == ST_OK)
		st = bld_iana_special(b, j, 4);
	if (st)
		return st;
	st = add_source(b, "iana/iana-ipv6-special-registry.xml", true, &j);
	if (st == ST_OK)
		st = bld_iana_special(b, j, 6);
	if (st)
		return st;
	st = bld_registries(b);
	if (st)
		return st;
	/* RIR statistics: IANA's file lowest, then the RIRs' by date (newest wins overlaps). */
	st = find_rir_files(b, rir);
	if (st)
		return st;
	for (i = 0; i < 6; i++) {
		st = add_source(b, rir[i], true, &idx[i]);
		if (st)
			return st;
		order[i] = i;
	}
	for (i = 1; i < 5; i++) {       /* insertion sort of the five RIRs by file-name date */
		for (j = i; j > 0; j--) {
			const char *a = rir[order[j - 1]] + strlen(rir[order[j - 1]]) - 8;
			const char *c = rir[order[j]] + strlen(rir[order[j]]) - 8;

			if (strcmp(a, c) <= 0)
				break;
			st = order[j];
			order[j] = order[j - 1];
			order[j - 1] = st;
		}
	}
	layer[5] = 0;
	for (i = 0; i < 5; i++)
		layer[order[i]] = i + 1;
	for (i = 0; i < 6; i++) {
		st = bld_rir(b, idx[i], layer[i]);
		if (st)
			return st;
	}
	{
		static const struct {
			const char *path;
			int tab;
		} boot[] = {
			{ "iana/rdap/ipv4.json", T_IP4_RDAP },
			{ "iana/rdap/ipv6.json", T_IP6_RDAP },
			{ "iana/rdap/asn.json", T_ASN_RDAP },
		};

		for (i = 0; i < 3; i++) {
			st = add_source(b, boot[i].path, true, &j);
			if (st == ST_OK)
				st = bld_bootstrap(b, j, boot[i].tab);
			if (st)
				return st;
		}
	}
	st = add_source(b, "iana/rdap/dns.json", true, &j);
	if (st == ST_OK)
		st = bld_rdap_dns(b, j);
	if (st == ST_OK)
		st = add_source(b, "whois-servers/iana-root-db/tld-whois-rdap.csv", true, &j);
	if (st == ST_OK)
		st = bld_tld_csv(b, j);
	if (st == ST_OK)
		st = add_source(b, "iana/tlds-alpha-by-domain.txt", true, &j);
	if (st == ST_OK)
		st = bld_tld_list(b, j);
	if (st == ST_OK)
		st = add_source(b, "dns/public_suffix_list.dat", true, &j);
	if (st == ST_OK)
		st = bld_psl(b, j);
	if (st == ST_OK)
		st = add_source(b, "dns/named.root", true, &j);
	if (st == ST_OK)
		st = bld_root(b, j);
	return st;
}

int snap_build_mem(const struct snap_build_opts *o, uint8_t **out, size_t *outlen,
                   struct buf *msg)
{
	struct snap_build_opts opts = *o;
	struct bld *b;
	struct bvec sects, dates;
	size_t i;
	int st, t;

	*out = NULL;
	*outlen = 0;
	b = calloc(1, sizeof(*b));
	if (!b)
		return ST_NOMEM;
	b->o = &opts;
	b->msg = msg;
	bvec_init(&sects, sizeof(struct bsect));
	bvec_init(&dates, sizeof(char *));
	for (t = 0; t < T__COUNT; t++)
		bvec_init(&b->tab[t], sizeof(struct brec));
	bvec_init(&b->tlds, sizeof(struct b_tld));
	bvec_init(&b->psl, sizeof(struct b_psl));
	bvec_init(&b->roots, sizeof(struct b_root));
	bvec_init(&b->defects, sizeof(struct bdefect));
	st = read_defects(b);
	if (st)
		goto out;
	st = read_source_dates(b, &dates);
	if (st)
		goto out;
	/* Dates from SOURCE-DATES come first, so the command line ones (later) win. */
	if (dates.n + o->ndates > SNAP_BUILD_MAX_DATES) {
		st = bld_err(b, -1, 0, "too many source dates");
		goto out;
	}
	for (i = 0; i < o->ndates; i++)
		opts.dates[dates.n + i] = o->dates[i];
	for (i = 0; i < dates.n; i++)
		opts.dates[i] = *BVEC_AT(&dates, char *, i);
	opts.ndates = dates.n + o->ndates;
	st = read_all(b);
	if (st)
		goto out;
	for (i = 0; i < b->defects.n; i++) {
		struct bdefect *d = BVEC_AT(&b->defects, struct bdefect, i);

		if (!d->used)
			bld_warn(b, "known defect %s:%lu not seen (fixed upstream?)", d->path, d->line);
	}
	for (i = 0; i < (size_t)b->nsrc; i++) {
		if (!b->src[i].meta.date[0]) {
			st = bld_err(b, (int)i, 0,
			             "no date in the file; pass --source-date %s=YYYY-MM-DD",
			             b->src[i].meta.path);
			goto out;
		}
	}
	st = write_registry(b, &sects);
	for (t = 0; t < T__COUNT && st == ST_OK; t++)
		if (snap_tabdefs[t].keylen)
			st = write_range_table(b, t, &sects);
	if (st == ST_OK)
		st = write_tlds(b, &sects);
	if (st == ST_OK)
		st = write_psl(b, &sects);
	if (st == ST_OK)
		st = write_roots(b, &sects);
	if (st == ST_OK)
		st = assemble(b, &sects, out, outlen);
out:
	if (st && !b->failed)
		bld_err(b, -1, 0, "%s", b->a.err ? "out of memory" : "build failed");
	for (i = 0; i < sects.n; i++)
		free(BVEC_AT(&sects, struct bsect, i)->z);
	bvec_free(&sects);
	bvec_free(&dates);
	for (t = 0; t < T__COUNT; t++)
		bvec_free(&b->tab[t]);
	bvec_free(&b->tlds);
	bvec_free(&b->psl);
	bvec_free(&b->roots);
	bvec_free(&b->defects);
	for (i = 0; i < (size_t)b->nsrc; i++)
		free(b->src[i].data);
	bld_arena_free(&b->a);
	free(b);
	return st;
}

int snap_build(const struct snap_build_opts *o, struct buf *msg)
{
	char path[4096], tmp[4200];
	uint8_t *data;
	size_t len;
	FILE *f;
	int st;

	st = snap_build_mem(o, &data, &len, msg);
	if (st)
		return st;
	snprintf(path, sizeof(path), "%s/%s", o->out, SNAP_FILE_NAME);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	f = fopen(tmp, "wb");
	if (!f) {
		buf_clear(msg);
		buf_printf(msg, "%s: %s", tmp, strerror(errno));
		free(data);
		return ST_IO;
	}
	if (fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		buf_clear(msg);
		buf_printf(msg, "%s: write error", tmp);
		unlink(tmp);
		free(data);
		return ST_IO;
	}
	free(data);
	if (rename(tmp, path) != 0) {
		buf_clear(msg);
		buf_printf(msg, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return ST_IO;
	}
	return ST_OK;
}
