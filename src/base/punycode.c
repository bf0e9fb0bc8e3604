/* Punycode (RFC 3492) and per-label IDNA conversion without any external library. */
#include <string.h>

#include "punycode.h"
#include "status.h"
#include "text.h"

enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700, INITIAL_BIAS = 72,
       INITIAL_N = 128 };

static uint32_t adapt(uint32_t delta, uint32_t numpoints, int firsttime)
{
	uint32_t k = 0;

	delta = firsttime ? delta / DAMP : delta / 2;
	delta += delta / numpoints;
	while (delta > ((BASE - TMIN) * TMAX) / 2) {
		delta /= BASE - TMIN;
		k += BASE;
	}
	return k + (BASE - TMIN + 1) * delta / (delta + SKEW);
}

static char digit(uint32_t d)
{
	return (char)(d < 26 ? 'a' + d : '0' + (d - 26));
}

int puny_encode(const uint32_t *cp, size_t n, struct buf *out)
{
	uint32_t nn = INITIAL_N, delta = 0, bias = INITIAL_BIAS, h, b, m, q, k, t;
	size_t j;

	if (n > PUNY_MAX_CODEPOINTS)
		return ST_TOOBIG;
	for (j = 0; j < n; j++)
		if (cp[j] < 0x80)
			buf_addc(out, (int)cp[j]);
	h = b = 0;
	for (j = 0; j < n; j++)
		b += cp[j] < 0x80;
	h = b;
	if (b > 0)
		buf_addc(out, '-');
	while (h < n) {
		m = UINT32_MAX;
		for (j = 0; j < n; j++)
			if (cp[j] >= nn && cp[j] < m)
				m = cp[j];
		if ((uint64_t)(m - nn) * (h + 1) > UINT32_MAX - delta)
			return ST_MALFORMED;
		delta += (m - nn) * (h + 1);
		nn = m;
		for (j = 0; j < n; j++) {
			if (cp[j] < nn && ++delta == 0)
				return ST_MALFORMED;
			if (cp[j] == nn) {
				q = delta;
				for (k = BASE;; k += BASE) {
					t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
					if (q < t)
						break;
					buf_addc(out, digit(t + (q - t) % (BASE - t)));
					q = (q - t) / (BASE - t);
				}
				buf_addc(out, digit(q));
				bias = adapt(delta, h + 1, h == b);
				delta = 0;
				h++;
			}
		}
		delta++;
		nn++;
	}
	return out->err;
}

static int undigit(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '0' && c <= '9')
		return c - '0' + 26;
	return -1;
}

int puny_decode(const char *s, size_t n, uint32_t *cp, size_t cap, size_t *outn)
{
	uint32_t nn = INITIAL_N, i = 0, bias = INITIAL_BIAS, oldi, w, k, t;
	size_t out = 0, b = 0, in, j;
	int d;

	for (j = 0; j < n; j++)
		if (s[j] == '-')
			b = j;
	for (j = 0; j < b; j++) {
		if ((unsigned char)s[j] >= 0x80)
			return ST_MALFORMED;
		if (out >= cap)
			return ST_TOOBIG;
		cp[out++] = (unsigned char)s[j];
	}
	for (in = b > 0 ? b + 1 : 0; in < n;) {
		oldi = i;
		w = 1;
		for (k = BASE;; k += BASE) {
			if (in >= n)
				return ST_MALFORMED;
			d = undigit(s[in++]);
			if (d < 0)
				return ST_MALFORMED;
			if ((uint32_t)d > (UINT32_MAX - i) / w)
				return ST_MALFORMED;
			i += (uint32_t)d * w;
			t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
			if ((uint32_t)d < t)
				break;
			if (w > UINT32_MAX / (BASE - t))
				return ST_MALFORMED;
			w *= BASE - t;
		}
		bias = adapt(i - oldi, (uint32_t)out + 1, oldi == 0);
		if (i / (out + 1) > UINT32_MAX - nn)
			return ST_MALFORMED;
		nn += i / (uint32_t)(out + 1);
		i %= (uint32_t)(out + 1);
		if (nn > 0x10FFFF || (nn >= 0xD800 && nn <= 0xDFFF) || nn < 0x80)
			return ST_MALFORMED;
		if (out >= cap)
			return ST_TOOBIG;
		memmove(cp + i + 1, cp + i, (out - i) * sizeof(*cp));
		cp[i++] = nn;
		out++;
	}
	*outn = out;
	return ST_OK;
}

/* Simple case folding for the scripts domain names most often use. */
static uint32_t fold(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 32;                            /* Latin-1 */
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
		return c & 1u ? c : c + 1;                /* Latin Extended-A: even = capital */
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return c & 1u ? c + 1 : c;                /* here odd = capital */
	if (c == 0x178)
		return 0xFF;
	if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2)
		return c + 32;                            /* Greek */
	if (c >= 0x410 && c <= 0x42F)
		return c + 32;                            /* Cyrillic basic */
	if (c >= 0x400 && c <= 0x40F)
		return c + 80;                            /* Cyrillic Ѐ..Џ */
	return c;
}

static bool is_dot(uint32_t c)
{
	return c == '.' || c == 0x3002 || c == 0xFF0E || c == 0xFF61;
}

static int flush_label(const uint32_t *cp, size_t n, struct buf *out)
{
	size_t j, start = out->len;
	bool ascii = true;
	int st;

	if (n == 0)
		return ST_MALFORMED;
	for (j = 0; j < n; j++)
		ascii &= cp[j] < 0x80;
	if (ascii) {
		for (j = 0; j < n; j++)
			buf_addc(out, (int)cp[j]);
	} else {
		buf_adds(out, "xn--");
		st = puny_encode(cp, n, out);
		if (st)
			return st;
	}
	if (out->err)
		return out->err;
	return out->len - start > PUNY_MAX_LABEL ? ST_TOOBIG : ST_OK;
}

int idna_to_ascii(const char *name, size_t n, struct buf *out)
{
	uint32_t label[PUNY_MAX_CODEPOINTS];
	const uint8_t *p = (const uint8_t *)name;
	size_t i = 0, k, nl = 0, start = out->len;
	uint32_t c;
	int st;

	while (i < n) {
		k = utf8_seq_len(p + i, n - i);
		if (!k)
			return ST_MALFORMED;
		c = utf8_decode(p + i, k);
		i += k;
		if (is_dot(c)) {
			if (i == n)
				break;                    /* final dot: dropped */
			st = flush_label(label, nl, out);
			if (st)
				return st;
			buf_addc(out, '.');
			nl = 0;
			continue;
		}
		if (c < 0x21 || c == 0x7F)
			return ST_MALFORMED;
		if (nl >= PUNY_MAX_CODEPOINTS)
			return ST_TOOBIG;
		label[nl++] = fold(c);
	}
	st = flush_label(label, nl, out);
	if (st)
		return st;
	return out->len - start > PUNY_MAX_NAME ? ST_TOOBIG : out->err;
}

int idna_to_unicode(const char *name, size_t n, struct buf *out)
{
	uint32_t cp[PUNY_MAX_CODEPOINTS];
	size_t i = 0, j, e, m;

	while (i <= n) {
		e = i;
		while (e < n && name[e] != '.')
			e++;
		if (e - i > 4 && ascii_nieq(name + i, "xn--", 4) &&
		    puny_decode(name + i + 4, e - i - 4, cp, PUNY_MAX_CODEPOINTS, &m) == ST_OK) {
			for (j = 0; j < m; j++)
				utf8_put(out, cp[j]);
		} else {
			buf_add(out, name + i, e - i);
		}
		if (e >= n)
			break;
		buf_addc(out, '.');
		i = e + 1;
	}
	return out->err;
}
