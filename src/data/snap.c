/* Snapshot container: open and check the header and tables, inflate and decode sections. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include "sha256.h"
#include "snap_int.h"
#include "status.h"

const struct snap_tabdef snap_tabdefs[T__COUNT] = {
	[T_REGISTRY] = { "registry", RT_REGISTRY, 0 },
	[T_IP4_SPECIAL] = { "ip4.special", RT_SPECIAL, 4 },
	[T_IP4_IANA] = { "ip4.iana", RT_IANA, 4 },
	[T_IP4_RIR] = { "ip4.rir", RT_RIR, 4 },
	[T_IP4_RDAP] = { "ip4.rdap", RT_BOOT, 4 },
	[T_IP6_SPECIAL] = { "ip6.special", RT_SPECIAL, 16 },
	[T_IP6_IANA] = { "ip6.iana", RT_IANA, 16 },
	[T_IP6_RIR] = { "ip6.rir", RT_RIR, 16 },
	[T_IP6_RDAP] = { "ip6.rdap", RT_BOOT, 16 },
	[T_ASN_SPECIAL] = { "asn.special", RT_SPECIAL, 4 },
	[T_ASN_IANA] = { "asn.iana", RT_IANA, 4 },
	[T_ASN_RIR] = { "asn.rir", RT_RIR, 4 },
	[T_ASN_RDAP] = { "asn.rdap", RT_BOOT, 4 },
	[T_TLD] = { "tld", RT_TLD, 0 },
	[T_PSL] = { "psl", RT_PSL, 0 },
	[T_ROOT] = { "root", RT_ROOT, 0 },
};

static const char *const rir_status[RS__COUNT] = {
	"allocated", "assigned", "available", "reserved", "delegated"
};

const char *snap_rir_status_str(int st)
{
	return st >= 0 && st < RS__COUNT ? rir_status[st] : "?";
}

size_t snap_reclen(int rectype, int keylen)
{
	size_t k = (size_t)keylen;

	switch (rectype) {
	case RT_SPECIAL: return keylen ? 2 * k + 1 + 5 + 16 : 0;
	case RT_IANA: return keylen ? 2 * k + 1 + 24 : 0;
	case RT_RIR: return keylen ? 11 : 0;
	case RT_BOOT: return keylen ? 2 * k + 1 + 4 : 0;
	case RT_REGISTRY: return keylen ? 0 : 16;
	case RT_TLD: return keylen ? 0 : 24;
	case RT_PSL: return keylen ? 0 : 5;
	case RT_ROOT: return keylen ? 0 : 25;
	default: return 0;
	}
}

/* Number of string fields of a record type and their offsets. */
static size_t str_fields(int rectype, int keylen, size_t off[8])
{
	size_t k = (size_t)keylen, i, n = 0;

	switch (rectype) {
	case RT_SPECIAL:
		for (i = 0; i < 4; i++)
			off[n++] = 2 * k + 6 + 4 * i;
		break;
	case RT_IANA:
		for (i = 0; i < 6; i++)
			off[n++] = 2 * k + 1 + 4 * i;
		break;
	case RT_BOOT:
		off[n++] = 2 * k + 1;
		break;
	case RT_REGISTRY:
		for (i = 0; i < 4; i++)
			off[n++] = 4 * i;
		break;
	case RT_TLD:
		for (i = 0; i < 5; i++)
			off[n++] = 4 * i;
		break;
	case RT_PSL:
	case RT_ROOT:
		off[n++] = 0;
		break;
	default:
		break;
	}
	return n;
}

struct k128 snap_key_get(const uint8_t *p, int keylen)
{
	struct k128 k = { 0, 0 };

	if (keylen == 4) {
		k.lo = snap_be32(p);
	} else {
		k.hi = snap_be64(p);
		k.lo = snap_be64(p + 8);
	}
	return k;
}

size_t snap_varint_get(const uint8_t *p, size_t n, struct k128 *v)
{
	size_t i;
	unsigned shift = 0;

	v->hi = v->lo = 0;
	for (i = 0; i < n && i < 19; i++) {
		uint64_t b = p[i] & 0x7f;

		if (shift < 64) {
			v->lo |= b << shift;
			if (shift > 57)
				v->hi |= b >> (64 - shift);
		} else {
			if (shift == 126 && b > 3)
				return 0;       /* more than 128 bits */
			v->hi |= b << (shift - 64);
		}
		shift += 7;
		if (!(p[i] & 0x80))
			return i + 1;
	}
	return 0;
}

size_t snap_varint_put(uint8_t *out, struct k128 v)
{
	size_t n = 0;

	for (;;) {
		uint8_t b = (uint8_t)(v.lo & 0x7f);

		v.lo = v.lo >> 7 | v.hi << 57;
		v.hi >>= 7;
		if (v.lo == 0 && v.hi == 0) {
			out[n++] = b;
			return n;
		}
		out[n++] = b | 0x80;
	}
}

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

static void table_free(struct snap_table *t)
{
	if (!t)
		return;
	free(t->payload);
	free(t->arrays);
	free(t);
}

void snap_free(struct snap *s)
{
	uint32_t i;

	if (!s)
		return;
	for (i = 0; s->sects && i < s->nsects; i++)
		table_free(s->sects[i].tab);
	free(s->sects);
	free(s->keys);
	free(s->sources);
	free(s->roots);
	free(s->owned);
	free(s);
}

static bool valid_date(const char *d)
{
	int i;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (d[i] != '-')
				return false;
		} else if (d[i] < '0' || d[i] > '9') {
			return false;
		}
	}
	return d[10] == 0;
}

/* A fixed-size NUL-padded text field: non-empty, NUL-terminated, no control characters. */
static bool fixed_text(const uint8_t *p, size_t n, char *out)
{
	size_t i, len = 0;

	while (len < n && p[len])
		len++;
	if (len == 0 || len == n)
		return false;
	for (i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return false;
	for (i = len; i < n; i++)
		if (p[i])
			return false;
	memcpy(out, p, len + 1);
	return true;
}

static int parse_sources(struct snap *s, const uint8_t *p, char *err, size_t errlen)
{
	uint32_t i;

	s->sources = calloc(s->nsources ? s->nsources : 1, sizeof(*s->sources));
	if (!s->sources)
		return fail(err, errlen, ST_NOMEM, "out of memory");
	for (i = 0; i < s->nsources; i++, p += SNAP_SRC_LEN) {
		struct snap_source *src = &s->sources[i];

		if (!fixed_text(p + SRC_PATH, SNAP_PATH_MAX, src->path) ||
		    !fixed_text(p + SRC_DATE, 16, src->date) || !valid_date(src->date))
			return fail(err, errlen, ST_MALFORMED, "source %u: bad name or date", i);
		memcpy(src->sha256, p + SRC_SHA, 32);
		src->size = snap_be64(p + SRC_SIZE);
		src->records = snap_be32(p + SRC_RECORDS);
		src->flags = snap_be32(p + SRC_FLAGS);
		src->skipped = snap_be32(p + SRC_SKIPPED);
	}
	return ST_OK;
}

static int find_tab(const char *name)
{
	int t;

	for (t = 0; t < T__COUNT; t++)
		if (strcmp(snap_tabdefs[t].name, name) == 0)
			return t;
	return -1;
}

static int parse_sections(struct snap *s, const uint8_t *p, uint64_t meta_len, char *err,
                          size_t errlen)
{
	uint32_t i;
	uint64_t next = meta_len;
	int t;

	s->sects = calloc(s->nsects ? s->nsects : 1, sizeof(*s->sects));
	s->keys = calloc(s->nsects ? s->nsects : 1, sizeof(*s->keys));
	if (!s->sects || !s->keys)
		return fail(err, errlen, ST_NOMEM, "out of memory");
	for (t = 0; t < T__COUNT; t++) {
		s->tab_first[t] = -1;
		s->tab_count[t] = 0;
	}
	for (i = 0; i < s->nsects; i++, p += SNAP_SEC_LEN) {
		struct snap_sect *c = &s->sects[i];

		if (!fixed_text(p + SEC_NAME, SNAP_NAME_MAX, c->name))
			return fail(err, errlen, ST_MALFORMED, "section %u: bad name", i);
		c->kind = snap_be32(p + SEC_KIND);
		c->part = snap_be32(p + SEC_PART);
		c->key_lo = snap_key_get(p + SEC_KEY_LO, 16);
		s->keys[i] = c->key_lo;
		c->offset = snap_be64(p + SEC_OFFSET);
		c->clen = snap_be32(p + SEC_CLEN);
		c->ulen = snap_be32(p + SEC_ULEN);
		c->crc = snap_be32(p + SEC_CRC);
		c->records = snap_be32(p + SEC_RECORDS);
		memcpy(c->sha, p + SEC_SHA, 32);
		c->sources = snap_be64(p + SEC_SOURCES);
		/* Payloads follow the tables back to back, in table order. */
		if (c->offset != next || c->clen == 0 || c->clen > s->len - next)
			return fail(err, errlen, ST_TRUNC,
			            "section %s: payload outside the file (truncated?)", c->name);
		next += c->clen;
		if (c->ulen < SNAP_PAYLOAD_HDR || c->ulen > SNAP_MAX_ULEN)
			return fail(err, errlen, ST_MALFORMED, "section %s: bad size %u", c->name,
			            c->ulen);
		if (s->nsources < 64 && (c->sources >> s->nsources))
			return fail(err, errlen, ST_MALFORMED, "section %s: unknown source",
			            c->name);
		if (i > 0) {
			struct snap_sect *prev = &s->sects[i - 1];
			int cmp = strcmp(prev->name, c->name);

			if (cmp > 0 || (cmp == 0 && (c->part != prev->part + 1 ||
			                             k128_cmp(prev->key_lo, c->key_lo) >= 0)))
				return fail(err, errlen, ST_MALFORMED,
				            "section table out of order at %s", c->name);
			if (cmp != 0 && c->part != 0)
				return fail(err, errlen, ST_MALFORMED, "section %s: first part is %u",
				            c->name, c->part);
		} else if (c->part != 0) {
			return fail(err, errlen, ST_MALFORMED, "section %s: first part is %u", c->name,
			            c->part);
		}
		t = find_tab(c->name);
		if (t < 0)
			continue;               /* a newer minor version's section: not used */
		if (c->kind != (uint32_t)snap_tabdefs[t].rectype)
			return fail(err, errlen, ST_MALFORMED, "section %s: kind %u", c->name,
			            c->kind);
		if (snap_tabdefs[t].keylen == 0 && c->part != 0)
			return fail(err, errlen, ST_MALFORMED, "section %s cannot be split", c->name);
		if (s->tab_first[t] < 0)
			s->tab_first[t] = (int)i;
		s->tab_count[t]++;
	}
	if (next != s->len)
		return fail(err, errlen, ST_MALFORMED, "%llu bytes after the last section",
		            (unsigned long long)(s->len - next));
	return ST_OK;
}

int snap_open_mem(const void *p, size_t n, bool copy, bool check_sections, struct snap **out,
                  char *err, size_t errlen)
{
	struct snap *s;
	const uint8_t *d;
	uint64_t file_len, meta_len;
	uint32_t i;
	int st;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	if (n < SNAP_HDR_LEN)
		return fail(err, errlen, ST_TRUNC, "%zu bytes: too short for a snapshot", n);
	d = p;
	if (memcmp(d, SNAP_MAGIC, 8) != 0)
		return fail(err, errlen, ST_MALFORMED, "not an mxtrace snapshot (bad magic)");
	if (crc32(0, d, HDR_CRC) != snap_be32(d + HDR_CRC))
		return fail(err, errlen, ST_MALFORMED, "header checksum mismatch (corrupted)");
	if (((unsigned)d[HDR_MAJOR] << 8 | d[HDR_MAJOR + 1]) != SNAP_VERSION_MAJOR)
		return fail(err, errlen, ST_UNSUPPORTED,
		            "snapshot format version %u, this mxtrace reads version %u",
		            (unsigned)d[HDR_MAJOR] << 8 | d[HDR_MAJOR + 1], SNAP_VERSION_MAJOR);
	file_len = snap_be64(d + HDR_FILE_LEN);
	if (file_len > SNAP_MAX_FILE)
		return fail(err, errlen, ST_MALFORMED, "bad file length");
	if (file_len != n)
		return fail(err, errlen, n < file_len ? ST_TRUNC : ST_MALFORMED,
		            "snapshot is %zu bytes, its header says %llu (%s)", n,
		            (unsigned long long)file_len, n < file_len ? "truncated" : "trailing data");
	s = calloc(1, sizeof(*s));
	if (!s)
		return fail(err, errlen, ST_NOMEM, "out of memory");
	if (copy) {
		s->owned = malloc(n);
		if (!s->owned) {
			free(s);
			return fail(err, errlen, ST_NOMEM, "out of memory");
		}
		memcpy(s->owned, p, n);
		d = s->owned;
	}
	s->data = d;
	s->len = n;
	s->origin = SNAP_ORIGIN_EMBEDDED;
	s->major = (unsigned)d[HDR_MAJOR] << 8 | d[HDR_MAJOR + 1];
	s->minor = (unsigned)d[HDR_MINOR] << 8 | d[HDR_MINOR + 1];
	s->build_time = (int64_t)snap_be64(d + HDR_BUILD_TIME);
	s->nsources = snap_be32(d + HDR_NSOURCES);
	s->nsects = snap_be32(d + HDR_NSECTIONS);
	meta_len = snap_be32(d + HDR_META_LEN);
	if (s->nsources > SNAP_MAX_SOURCES || s->nsects > SNAP_MAX_SECTIONS ||
	    meta_len != SNAP_HDR_LEN + (uint64_t)s->nsources * SNAP_SRC_LEN +
	                    (uint64_t)s->nsects * SNAP_SEC_LEN) {
		st = fail(err, errlen, ST_MALFORMED, "bad table sizes in the header");
		goto bad;
	}
	if (meta_len > n) {
		st = fail(err, errlen, ST_TRUNC, "tables extend past the end (truncated)");
		goto bad;
	}
	if (crc32(0, d + SNAP_HDR_LEN, (uInt)(meta_len - SNAP_HDR_LEN)) !=
	    snap_be32(d + HDR_META_CRC)) {
		st = fail(err, errlen, ST_MALFORMED, "table checksum mismatch (corrupted)");
		goto bad;
	}
	st = parse_sources(s, d + SNAP_HDR_LEN, err, errlen);
	if (st)
		goto bad;
	st = parse_sections(s, d + SNAP_HDR_LEN + (size_t)s->nsources * SNAP_SRC_LEN, meta_len,
	                    err, errlen);
	if (st)
		goto bad;
	if (check_sections) {
		for (i = 0; i < s->nsects; i++) {
			const struct snap_sect *c = &s->sects[i];

			if (crc32(0, d + c->offset, c->clen) != c->crc) {
				st = fail(err, errlen, ST_MALFORMED,
				          "section %s part %u: checksum mismatch (corrupted)", c->name,
				          c->part);
				goto bad;
			}
		}
	}
	*out = s;
	return ST_OK;
bad:
	snap_free(s);
	return st;
}

int snap_open_file(const char *path, struct snap **out, char *err, size_t errlen)
{
	FILE *f = NULL;
	uint8_t *data = NULL;
	struct stat sb;
	size_t n;
	int st;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		return fail(err, errlen, ST_IO, "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		st = fail(err, errlen, ST_IO, "%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)sb.st_size > SNAP_MAX_FILE) {
		st = fail(err, errlen, ST_TOOBIG, "%s: too large for a snapshot", path);
		goto out;
	}
	data = malloc(sb.st_size ? (size_t)sb.st_size : 1);
	if (!data) {
		st = fail(err, errlen, ST_NOMEM, "out of memory");
		goto out;
	}
	n = fread(data, 1, (size_t)sb.st_size, f);
	if (ferror(f)) {
		st = fail(err, errlen, ST_IO, "%s: read error", path);
		goto out;
	}
	st = snap_open_mem(data, n, false, true, out, err, errlen);
	if (st) {
		/* Prefix the reason with the file name. */
		char tmp[SNAP_ERR_MAX];

		if (err && errlen) {
			snprintf(tmp, sizeof(tmp), "%s: %s", path, err);
			snprintf(err, errlen, "%s", tmp);
		}
		goto out;
	}
	(*out)->owned = data;
	data = NULL;
	(*out)->origin = SNAP_ORIGIN_FILE;
	snprintf((*out)->path, sizeof((*out)->path), "%s", path);
out:
	free(data);
	if (f)
		fclose(f);
	return st;
}

int snap_open_embedded(struct snap **out, char *err, size_t errlen)
{
	*out = NULL;
	if (snap_embedded_len == 0)
		return fail(err, errlen, ST_NOTFOUND, "this mxtrace was built without snapshots");
	/* The binary's own bytes: the section CRCs are checked by `data verify`, not here. */
	return snap_open_mem(snap_embedded, snap_embedded_len, false, false, out, err, errlen);
}

int snap_open_best(const char *dir, struct snap **out, char *warn, size_t warnlen, bool *warned)
{
	char path[4096], why[SNAP_ERR_MAX];
	struct stat sb;
	int st;

	*warned = false;
	if (warn && warnlen)
		warn[0] = 0;
	if (dir && *dir) {
		snprintf(path, sizeof(path), "%s/%s", dir, SNAP_FILE_NAME);
		if (stat(path, &sb) != 0) {
			*warned = true;
			fail(warn, warnlen, ST_OK, "no snapshot %s (%s); using the embedded one", path,
			     strerror(errno));
		} else {
			st = snap_open_file(path, out, why, sizeof(why));
			if (st == ST_OK)
				return ST_OK;
			*warned = true;
			fail(warn, warnlen, ST_OK, "ignoring %s; using the embedded snapshot", why);
		}
	}
	st = snap_open_embedded(out, why, sizeof(why));
	if (st && warn && warnlen) {
		size_t l = strlen(warn);

		snprintf(warn + l, warnlen - l, "%s%s", l ? "; " : "", why);
		*warned = true;
	}
	return st;
}

int snap_origin(const struct snap *s)
{
	return s->origin;
}

const char *snap_path(const struct snap *s)
{
	return s->path;
}

int64_t snap_build_time(const struct snap *s)
{
	return s->build_time;
}

void snap_version(const struct snap *s, unsigned *major, unsigned *minor)
{
	*major = s->major;
	*minor = s->minor;
}

size_t snap_source_count(const struct snap *s)
{
	return s->nsources;
}

const struct snap_source *snap_source_at(const struct snap *s, size_t i)
{
	return i < s->nsources ? &s->sources[i] : NULL;
}

size_t snap_section_count(const struct snap *s)
{
	return s->nsects;
}

void snap_section_at(const struct snap *s, size_t i, struct snap_section_info *out)
{
	const struct snap_sect *c = &s->sects[i];

	memset(out, 0, sizeof(*out));
	memcpy(out->name, c->name, sizeof(out->name));
	out->kind = c->kind;
	out->part = c->part;
	out->records = c->records;
	out->clen = c->clen;
	out->ulen = c->ulen;
	out->sources = c->sources;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

long snap_age_days(const char *date, int64_t now)
{
	long y, m, d;

	if (!date || strlen(date) != 10 || !valid_date(date))
		return 0;
	y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
	m = (date[5] - '0') * 10 + (date[6] - '0');
	d = (date[8] - '0') * 10 + (date[9] - '0');
	return (long)(now / 86400) - days_from_civil(y, (unsigned)m, (unsigned)d);
}

/* ---- section loading ---- */

static int inflate_exact(const uint8_t *in, uint32_t clen, uint8_t *out, uint32_t ulen,
                         const char *name, char *err, size_t errlen)
{
	z_stream z;
	int r, st = ST_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return fail(err, errlen, ST_NOMEM, "zlib: cannot initialise");
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = clen;
	z.next_out = out;
	z.avail_out = ulen;
	r = inflate(&z, Z_FINISH);
	switch (r) {
	case Z_STREAM_END:
		if (z.total_out != ulen || z.avail_in != 0)
			st = fail(err, errlen, ST_MALFORMED, "section %s: inflated size differs", name);
		break;
	case Z_OK:          /* cannot happen with Z_FINISH unless output space ran out */
	case Z_BUF_ERROR:   /* input ended early, or more output than announced */
		st = fail(err, errlen, ST_MALFORMED, "section %s: zlib stream %s", name,
		          z.avail_out == 0 ? "longer than announced" : "truncated");
		break;
	case Z_NEED_DICT:
	case Z_DATA_ERROR:
		st = fail(err, errlen, ST_MALFORMED, "section %s: corrupt zlib stream (%s)", name,
		          z.msg ? z.msg : "data error");
		break;
	case Z_MEM_ERROR:
		st = fail(err, errlen, ST_NOMEM, "zlib: out of memory");
		break;
	default:
		st = fail(err, errlen, ST_MALFORMED, "section %s: zlib error %d", name, r);
		break;
	}
	inflateEnd(&z);
	return st;
}

static int check_strings(const struct snap_table *t, const char *name, char *err,
                         size_t errlen)
{
	size_t off[8], nf, j;
	uint32_t i;

	if (t->poollen && t->pool[t->poollen - 1] != 0)
		return fail(err, errlen, ST_MALFORMED, "section %s: string pool not terminated",
		            name);
	nf = str_fields(t->rectype, t->keylen, off);
	for (i = 0; i < t->nrecs; i++) {
		const uint8_t *r = snap_rec(t, i);

		for (j = 0; j < nf; j++)
			if (snap_be32(r + off[j]) >= t->poollen)
				return fail(err, errlen, ST_MALFORMED,
				            "section %s: record %u: string outside the pool", name, i);
	}
	return ST_OK;
}

/* Checks that need other sections: registry and source indexes, list ordering. */
static int check_refs(struct snap *s, const struct snap_table *t, const char *name, char *err,
                      size_t errlen)
{
	uint32_t i, nreg = 0;
	int st;

	if (t->rectype == RT_RIR) {
		if (s->tab_first[T_REGISTRY] < 0)
			return fail(err, errlen, ST_MALFORMED, "no registry section");
		st = snap_load(s, (uint32_t)s->tab_first[T_REGISTRY], err, errlen);
		if (st)
			return st;
		nreg = s->sects[s->tab_first[T_REGISTRY]].tab->nrecs;
		for (i = 0; i < t->nrecs; i++) {
			const uint8_t *r = snap_rec(t, i);

			if (r[0] >= nreg || r[1] >= RS__COUNT ||
			    (r[2] != RIR_NO_HOLDER && r[2] >= nreg) || r[3] >= s->nsources ||
			    (r[1] == RS_DELEGATED) != (r[2] != RIR_NO_HOLDER) || r[10] > RIR_FLAG_CUT)
				return fail(err, errlen, ST_MALFORMED, "section %s: record %u: bad index",
				            name, i);
		}
	}
	if (t->rectype == RT_TLD || t->rectype == RT_PSL) {
		for (i = 1; i < t->nrecs; i++)
			if (strcmp(snap_str(t, snap_rec(t, i - 1), 0), snap_str(t, snap_rec(t, i), 0)) >=
			    0)
				return fail(err, errlen, ST_MALFORMED, "section %s: names out of order",
				            name);
	}
	return ST_OK;
}

static struct k128 k128_add(struct k128 a, struct k128 b, bool *carry)
{
	struct k128 r;

	r.lo = a.lo + b.lo;
	r.hi = a.hi + b.hi + (r.lo < a.lo);
	*carry = r.hi < a.hi || (r.hi == a.hi && r.lo < a.lo);
	return r;
}

/*
 * Pieces are varints: gap from the previous piece's end + 1 (the first: its start), length
 * - 1, and the record index as a zigzag delta from the previous index + 1.
 */
static int decode_pieces(struct snap_table *t, const uint8_t *p, size_t n, const char *name,
                         char *err, size_t errlen)
{
	struct k128 next = { 0, 0 }, v, start, end;
	long long prev = -1;
	size_t at = 0, used;
	uint32_t i;
	bool carry, wrapped = false;

	for (i = 0; i < t->npieces; i++) {
		uint64_t z;
		long long rec;

		if (wrapped)
			goto bad;           /* a piece after one that ended at the top of the space */
		used = snap_varint_get(p + at, n - at, &v);
		if (!used)
			goto bad;
		at += used;
		start = k128_add(next, v, &carry);
		if (carry)
			goto bad;
		used = snap_varint_get(p + at, n - at, &v);
		if (!used)
			goto bad;
		at += used;
		end = k128_add(start, v, &carry);
		if (carry || (t->keylen == 4 && (end.hi || end.lo > 0xffffffffu)))
			goto bad;
		used = snap_varint_get(p + at, n - at, &v);
		if (!used || v.hi || v.lo > 0xffffffffull)
			goto bad;
		at += used;
		z = v.lo;
		rec = prev + 1 + (long long)(z & 1 ? -(long long)(z >> 1) - 1 : (long long)(z >> 1));
		if (rec < 0 || rec >= (long long)t->nrecs)
			goto bad;
		t->rec[i] = (uint32_t)rec;
		prev = rec;
		if (t->keylen == 4) {
			t->s32[i] = (uint32_t)start.lo;
			t->e32[i] = (uint32_t)end.lo;
		} else {
			t->s128[i] = start;
			t->e128[i] = end;
		}
		next = end;
		if (++next.lo == 0 && ++next.hi == 0)
			wrapped = true;
	}
	if (at != n)
		goto bad;
	return ST_OK;
bad:
	return fail(err, errlen, ST_MALFORMED, "section %s: bad piece %u", name, i);
}

static int decode(struct snap *s, struct snap_sect *c, uint8_t *payload, struct snap_table **out,
                  char *err, size_t errlen)
{
	struct snap_table *t;
	const uint8_t *p = payload;
	uint64_t need;
	uint32_t plen;
	size_t per = 0, i, j;
	uint8_t *rows;
	int st;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return fail(err, errlen, ST_NOMEM, "out of memory");
	t->payload = payload;
	t->keylen = p[0];
	t->rectype = p[1];
	t->reclen = (size_t)p[2] << 8 | p[3];
	t->npieces = snap_be32(p + 4);
	t->nrecs = snap_be32(p + 8);
	t->poollen = snap_be32(p + 12);
	plen = snap_be32(p + 16);
	if ((uint32_t)t->rectype != c->kind || (t->keylen != 0 && t->keylen != 4 && t->keylen != 16) ||
	    t->reclen != snap_reclen(t->rectype, t->keylen) ||
	    (t->keylen == 0 && (t->npieces || plen))) {
		st = fail(err, errlen, ST_MALFORMED, "section %s: bad payload header", c->name);
		goto bad;
	}
	need = SNAP_PAYLOAD_HDR + (uint64_t)plen + (uint64_t)t->nrecs * t->reclen + t->poollen;
	/* Every piece takes at least 3 bytes, so npieces is bounded by the payload size. */
	if (need != c->ulen || (uint64_t)t->npieces * 3 > plen) {
		st = fail(err, errlen, ST_MALFORMED, "section %s: sizes do not add up", c->name);
		goto bad;
	}
	p += SNAP_PAYLOAD_HDR;
	if (t->keylen == 4)
		per = 3 * sizeof(uint32_t);
	else if (t->keylen == 16)
		per = 2 * sizeof(struct k128) + sizeof(uint32_t);
	t->arrays = malloc((size_t)t->npieces * per + (size_t)t->nrecs * t->reclen + 1);
	if (!t->arrays) {
		st = fail(err, errlen, ST_NOMEM, "out of memory");
		goto bad;
	}
	if (t->keylen == 4) {
		t->s32 = t->arrays;
		t->e32 = t->s32 + t->npieces;
		t->rec = t->e32 + t->npieces;
		rows = (uint8_t *)(t->rec + t->npieces);
	} else if (t->keylen == 16) {
		t->s128 = t->arrays;
		t->e128 = t->s128 + t->npieces;
		t->rec = (uint32_t *)(void *)(t->e128 + t->npieces);
		rows = (uint8_t *)(t->rec + t->npieces);
	} else {
		rows = t->arrays;
	}
	if (t->npieces) {
		struct k128 first;

		st = decode_pieces(t, p, plen, c->name, err, errlen);
		if (st)
			goto bad;
		/* The part's key range must start where the section table says. */
		first = t->keylen == 4 ? (struct k128){ 0, t->s32[0] } : t->s128[0];
		if (k128_cmp(c->key_lo, first) > 0) {
			st = fail(err, errlen, ST_MALFORMED, "section %s: part %u below its key range",
			          c->name, c->part);
			goto bad;
		}
	}
	p += plen;
	/* Records are stored column by column (byte j of every record together). */
	for (j = 0; j < t->reclen; j++)
		for (i = 0; i < t->nrecs; i++)
			rows[i * t->reclen + j] = p[j * (size_t)t->nrecs + i];
	t->recs = rows;
	p += (size_t)t->nrecs * t->reclen;
	t->pool = (const char *)p;
	st = check_strings(t, c->name, err, errlen);
	if (st)
		goto bad;
	st = check_refs(s, t, c->name, err, errlen);
	if (st)
		goto bad;
	*out = t;
	return ST_OK;
bad:
	t->payload = NULL;          /* the caller frees it */
	table_free(t);
	return st;
}

/* The next part of a split table must start after this one ends. */
static int check_part_end(const struct snap *s, uint32_t i, char *err, size_t errlen)
{
	const struct snap_sect *c = &s->sects[i], *n;
	const struct snap_table *t = c->tab;
	struct k128 last;

	if (i + 1 >= s->nsects || !t->npieces)
		return ST_OK;
	n = &s->sects[i + 1];
	if (strcmp(n->name, c->name) != 0)
		return ST_OK;
	last = t->keylen == 4 ? (struct k128){ 0, t->e32[t->npieces - 1] }
	                      : t->e128[t->npieces - 1];
	if (k128_cmp(last, n->key_lo) >= 0)
		return fail(err, errlen, ST_MALFORMED, "section %s: part %u overlaps part %u",
		            c->name, c->part, n->part);
	return ST_OK;
}

int snap_load(struct snap *s, uint32_t i, char *err, size_t errlen)
{
	struct snap_sect *c;
	uint8_t *payload;
	int st;

	if (i >= s->nsects)
		return fail(err, errlen, ST_INVAL, "no section %u", i);
	c = &s->sects[i];
	if (c->state == 1)
		return ST_OK;
	if (c->state == -1)
		return fail(err, errlen, ST_MALFORMED, "section %s part %u is damaged", c->name,
		            c->part);
	c->state = -1;              /* also guards against recursion through check_refs */
	payload = malloc(c->ulen);
	if (!payload)
		return fail(err, errlen, ST_NOMEM, "out of memory");
	st = inflate_exact(s->data + c->offset, c->clen, payload, c->ulen, c->name, err, errlen);
	if (st == ST_OK)
		st = decode(s, c, payload, &c->tab, err, errlen);
	if (st) {
		free(payload);
		return st;
	}
	st = check_part_end(s, i, err, errlen);
	if (st) {
		table_free(c->tab);
		c->tab = NULL;
		return st;
	}
	c->state = 1;
	return ST_OK;
}

int snap_verify(struct snap *s, char *err, size_t errlen)
{
	uint8_t digest[32];
	uint32_t i;
	int st;

	for (i = 0; i < s->nsects; i++) {
		struct snap_sect *c = &s->sects[i];

		if (crc32(0, s->data + c->offset, c->clen) != c->crc)
			return fail(err, errlen, ST_MALFORMED,
			            "section %s part %u: checksum mismatch (corrupted)", c->name, c->part);
		st = snap_load(s, i, err, errlen);
		if (st)
			return st;
		sha256(c->tab->payload, c->ulen, digest);
		if (memcmp(digest, c->sha, 32) != 0)
			return fail(err, errlen, ST_MALFORMED, "section %s part %u: SHA-256 mismatch",
			            c->name, c->part);
		if (c->records != (c->tab->npieces ? c->tab->npieces : c->tab->nrecs))
			return fail(err, errlen, ST_MALFORMED, "section %s part %u: record count differs",
			            c->name, c->part);
	}
	for (i = 0; i < T__COUNT; i++)
		if (s->tab_first[i] < 0)
			return fail(err, errlen, ST_MALFORMED, "section %s is missing",
			            snap_tabdefs[i].name);
	return ST_OK;
}
