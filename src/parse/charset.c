/* Charset labels and their conversion to UTF-8, driven by the generated tables. */
#include <string.h>

#include "charset.h"
#include "charset_tables.h"
#include "status.h"
#include "text.h"

#define CHARSET_MAX_LABEL 40 /* longer labels are not charsets we know */

/* Windows-1252 is the fallback for mislabelled 8-bit text. */
static int table_index(const char *canon)
{
	unsigned i;

	for (i = 0; i < charset_sb_count; i++)
		if (strcmp(charset_sb_tables[i].name, canon) == 0)
			return (int)i;
	return -1;
}

/* Lower-case the label, stop at an RFC 2231 '*' language suffix, drop '-', '_', ' ', '.'. */
static size_t squash(const char *name, size_t n, char *out, size_t cap)
{
	size_t i, k = 0;

	for (i = 0; i < n && name[i] != '*'; i++) {
		char c = (char)ascii_lower((unsigned char)name[i]);

		if (c == '-' || c == '_' || c == ' ' || c == '.' || c == '"' || c == '\t')
			continue;
		if (k + 1 >= cap)
			return 0;
		out[k++] = c;
	}
	out[k] = 0;
	return k;
}

static bool num_tail(const char *s, const char *prefix, unsigned lo, unsigned hi, unsigned *v)
{
	size_t pl = strlen(prefix);
	uint64_t x;

	if (strncmp(s, prefix, pl) != 0 || !s[pl])
		return false;
	if (!parse_uint(s + pl, strlen(s + pl), hi, &x) || x < lo)
		return false;
	*v = (unsigned)x;
	return true;
}

struct alias {
	const char *squashed;
	const char *canon;
};

static const struct alias aliases[] = {
	{ "latin1", "iso-8859-1" },   { "l1", "iso-8859-1" },      { "cp819", "iso-8859-1" },
	{ "ibm819", "iso-8859-1" },   { "iso885911987", "iso-8859-1" },
	{ "latin2", "iso-8859-2" },   { "l2", "iso-8859-2" },      { "latin3", "iso-8859-3" },
	{ "latin4", "iso-8859-4" },   { "cyrillic", "iso-8859-5" }, { "arabic", "iso-8859-6" },
	{ "greek", "iso-8859-7" },    { "hebrew", "iso-8859-8" },  { "iso88598i", "iso-8859-8" },
	{ "latin5", "iso-8859-9" },   { "latin6", "iso-8859-10" }, { "tis620", "iso-8859-11" },
	{ "latin7", "iso-8859-13" },  { "latin8", "iso-8859-14" }, { "latin9", "iso-8859-15" },
	{ "latin10", "iso-8859-16" }, { "koi8r", "koi8-r" },       { "koi8u", "koi8-u" },
	{ "koi8", "koi8-r" },         { "cskoi8r", "koi8-r" },
};

static const char *canon_single(const char *s)
{
	static const char *const iso[] = {
		NULL, "iso-8859-1", "iso-8859-2", "iso-8859-3", "iso-8859-4", "iso-8859-5",
		"iso-8859-6", "iso-8859-7", "iso-8859-8", "iso-8859-9", "iso-8859-10",
		"iso-8859-11", NULL, "iso-8859-13", "iso-8859-14", "iso-8859-15", "iso-8859-16",
	};
	static const char *const win[] = {
		"windows-1250", "windows-1251", "windows-1252", "windows-1253", "windows-1254",
		"windows-1255", "windows-1256", "windows-1257", "windows-1258",
	};
	unsigned v;
	size_t i;

	if (num_tail(s, "iso8859", 1, 16, &v) || num_tail(s, "iso", 1, 16, &v) ||
	    num_tail(s, "8859", 1, 16, &v))
		return iso[v];
	if (num_tail(s, "windows", 1250, 1258, &v) || num_tail(s, "cp", 1250, 1258, &v) ||
	    num_tail(s, "xcp", 1250, 1258, &v) || num_tail(s, "win", 1250, 1258, &v))
		return win[v - 1250];
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(s, aliases[i].squashed) == 0)
			return aliases[i].canon;
	return NULL;
}

enum charset_kind charset_lookup(const char *name, size_t n, int *table)
{
	char s[CHARSET_MAX_LABEL + 1];
	const char *canon;

	*table = -1;
	if (!name || n == 0)
		return CHARSET_UTF8;
	if (!squash(name, n, s, sizeof(s)))
		return n > CHARSET_MAX_LABEL ? CHARSET_UNKNOWN : CHARSET_UTF8;
	if (strcmp(s, "utf8") == 0 || strcmp(s, "usascii") == 0 || strcmp(s, "ascii") == 0 ||
	    strcmp(s, "ansix341968") == 0 || strcmp(s, "us") == 0 || strcmp(s, "utf7") == 0 ||
	    strcmp(s, "unicode11utf8") == 0 || strcmp(s, "xunknown") == 0 ||
	    strcmp(s, "unknown8bit") == 0 || strcmp(s, "default") == 0)
		return CHARSET_UTF8;
	if (strcmp(s, "utf16") == 0 || strcmp(s, "utf16le") == 0 || strcmp(s, "utf16be") == 0 ||
	    strcmp(s, "ucs2") == 0) {
		*table = s[5] == 'l' ? 1 : s[5] == 'b' ? 2 : 0;
		return CHARSET_UTF16;
	}
	canon = canon_single(s);
	if (canon) {
		*table = table_index(canon);
		if (*table >= 0)
			return CHARSET_SINGLE;
	}
	return CHARSET_UNKNOWN;
}

const char *charset_canonical(const char *name, size_t n)
{
	int t;

	switch (charset_lookup(name, n, &t)) {
	case CHARSET_UTF8: return "utf-8";
	case CHARSET_SINGLE: return charset_sb_tables[t].name;
	case CHARSET_UTF16: return t == 1 ? "utf-16le" : t == 2 ? "utf-16be" : "utf-16";
	default: return NULL;
	}
}

static int single(const struct charset_sb *t, const uint8_t *p, size_t n, struct buf *out)
{
	size_t i, run;

	for (i = 0; i < n;) {
		/* copy ASCII runs in one go */
		for (run = i; run < n && p[run] < 0x80 && p[run] != 0; run++)
			;
		if (run > i && buf_add(out, p + i, run - i) != ST_OK)
			return out->err;
		i = run;
		if (i >= n)
			break;
		if (p[i] == 0)
			utf8_put(out, 0xfffd);
		else
			utf8_put(out, t->hi[p[i] - 0x80] ? t->hi[p[i] - 0x80] : 0xfffd);
		i++;
	}
	return out->err;
}

/* Copy valid UTF-8; invalid bytes go through `fallback` (a table) or become U+FFFD. */
static int utf8_or(const struct charset_sb *fallback, const uint8_t *p, size_t n,
                   struct buf *out)
{
	size_t i = 0, run, l;

	while (i < n) {
		for (run = i; run < n && p[run] < 0x80 && p[run] != 0; run++)
			;
		if (run > i && buf_add(out, p + i, run - i) != ST_OK)
			return out->err;
		i = run;
		if (i >= n)
			break;
		if (p[i] == 0) {
			utf8_put(out, 0xfffd);
			i++;
			continue;
		}
		l = utf8_seq_len(p + i, n - i);
		if (l) {
			buf_add(out, p + i, l);
			i += l;
		} else {
			utf8_put(out, fallback && fallback->hi[p[i] - 0x80] ?
			              fallback->hi[p[i] - 0x80] : 0xfffd);
			i++;
		}
	}
	return out->err;
}

static int utf16(int which, const uint8_t *p, size_t n, struct buf *out)
{
	bool le = which == 1;
	size_t i = 0;
	uint32_t hi = 0;

	if (which == 0 && n >= 2) {
		if (p[0] == 0xff && p[1] == 0xfe) {
			le = true;
			i = 2;
		} else if (p[0] == 0xfe && p[1] == 0xff) {
			i = 2;
		}
	}
	for (; i + 1 < n; i += 2) {
		uint32_t u = le ? (uint32_t)(p[i] | p[i + 1] << 8) : (uint32_t)(p[i] << 8 | p[i + 1]);

		if (u >= 0xd800 && u < 0xdc00) {
			if (hi)
				utf8_put(out, 0xfffd);
			hi = u;
			continue;
		}
		if (u >= 0xdc00 && u < 0xe000) {
			utf8_put(out, hi ? 0x10000 + ((hi - 0xd800) << 10) + (u - 0xdc00) : 0xfffd);
			hi = 0;
			continue;
		}
		if (hi)
			utf8_put(out, 0xfffd);
		hi = 0;
		utf8_put(out, u ? u : 0xfffd);
	}
	if (hi || i < n)
		utf8_put(out, 0xfffd);
	return out->err;
}

int charset_to_utf8(const char *name, size_t n, const void *in, size_t len, struct buf *out,
                    bool *known)
{
	int t;
	enum charset_kind k = charset_lookup(name, n, &t);

	if (known)
		*known = k != CHARSET_UNKNOWN;
	switch (k) {
	case CHARSET_SINGLE:
		return single(&charset_sb_tables[t], in, len, out);
	case CHARSET_UTF16:
		return utf16(t, in, len, out);
	case CHARSET_UTF8:
		return utf8_or(&charset_sb_tables[table_index("windows-1252")], in, len, out);
	default:
		return utf8_or(NULL, in, len, out);
	}
}
