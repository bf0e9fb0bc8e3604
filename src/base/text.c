/* UTF-8 validation, Latin-1 conversion, terminal-safe escaping and ASCII helpers. */
#include <string.h>

#include "status.h"
#include "text.h"

size_t utf8_seq_len(const uint8_t *s, size_t n)
{
	uint8_t c;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;                      /* continuation byte or overlong lead */
	if (c < 0xE0) {
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	}
	if (c < 0xF0) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)
			return 0;              /* overlong */
		if (c == 0xED && s[1] >= 0xA0)
			return 0;              /* surrogate */
		return 3;
	}
	if (c < 0xF5) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && s[1] < 0x90)
			return 0;              /* overlong */
		if (c == 0xF4 && s[1] >= 0x90)
			return 0;              /* above U+10FFFF */
		return 4;
	}
	return 0;
}

uint32_t utf8_decode(const uint8_t *s, size_t len)
{
	switch (len) {
	case 1:
		return s[0];
	case 2:
		return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
	case 3:
		return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
	case 4:
		return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
		       (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
	default:
		return 0xFFFD;
	}
}

bool utf8_valid(const void *s, size_t n)
{
	const uint8_t *p = s;
	size_t i = 0, k;

	while (i < n) {
		k = utf8_seq_len(p + i, n - i);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

int utf8_put(struct buf *out, uint32_t cp)
{
	uint8_t t[4];

	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80)
		return buf_addc(out, (int)cp);
	if (cp < 0x800) {
		t[0] = (uint8_t)(0xC0 | cp >> 6);
		t[1] = (uint8_t)(0x80 | (cp & 0x3F));
		return buf_add(out, t, 2);
	}
	if (cp < 0x10000) {
		t[0] = (uint8_t)(0xE0 | cp >> 12);
		t[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
		t[2] = (uint8_t)(0x80 | (cp & 0x3F));
		return buf_add(out, t, 3);
	}
	t[0] = (uint8_t)(0xF0 | cp >> 18);
	t[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
	t[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
	t[3] = (uint8_t)(0x80 | (cp & 0x3F));
	return buf_add(out, t, 4);
}

int latin1_to_utf8(struct buf *out, const void *s, size_t n)
{
	const uint8_t *p = s;
	size_t i;
	int st = ST_OK;

	for (i = 0; i < n && !st; i++)
		st = utf8_put(out, p[i]);
	return st;
}

static int put_hex(struct buf *out, uint8_t c)
{
	return buf_printf(out, "\\x%02x", c);
}

int text_sanitize(struct buf *out, const void *s, size_t n, bool keep_tab)
{
	const uint8_t *p = s;
	size_t i = 0, k, run;
	uint32_t cp;
	int st = ST_OK;

	while (i < n && !st) {
		/* fast path: a run of printable ASCII */
		run = 0;
		while (i + run < n && p[i + run] >= 0x20 && p[i + run] < 0x7F)
			run++;
		if (run) {
			st = buf_add(out, p + i, run);
			i += run;
			continue;
		}
		k = utf8_seq_len(p + i, n - i);
		if (!k) {
			st = put_hex(out, p[i]);
			i++;
			continue;
		}
		cp = utf8_decode(p + i, k);
		if (cp == '\t' && keep_tab)
			st = buf_addc(out, '\t');
		else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
			st = k == 1 ? put_hex(out, p[i]) : buf_printf(out, "\\u%04x", (unsigned)cp);
		else
			st = buf_add(out, p + i, k);
		i += k;
	}
	return st ? st : out->err;
}

int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

bool ascii_nieq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

bool ascii_ieq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	return la == lb && ascii_nieq(a, b, la);
}

bool ascii_istarts(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strlen(s) >= n && ascii_nieq(s, prefix, n);
}

bool parse_uint(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned)(s[i] - '0');
		if (d > max || v > (max - d) / 10)   /* max - d must not wrap (max below 9) */
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

const char *mem_find(const char *hay, size_t n, const char *needle, size_t nl)
{
	const char *p = hay, *end = hay + n;

	if (!nl)
		return hay;
	while ((size_t)(end - p) >= nl) {
		p = memchr(p, needle[0], (size_t)(end - p) - nl + 1);
		if (!p)
			return NULL;
		if (memcmp(p, needle, nl) == 0)
			return p;
		p++;
	}
	return NULL;
}
