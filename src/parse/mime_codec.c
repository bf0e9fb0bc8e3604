/* Quoted-printable and base64 decoders that never fail on damaged input, only count it. */
#include <string.h>

#include "mime_codec.h"
#include "status.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int qp_decode(const void *in, size_t n, bool q_mode, struct buf *out, struct codec_report *rep)
{
	const unsigned char *p = in;
	size_t i = 0, run;

	while (i < n) {
		/* copy the stretch up to the next '=' (or '_' in Q mode) in one go */
		for (run = i; run < n && p[run] != '=' && !(q_mode && p[run] == '_'); run++)
			;
		if (run > i && buf_add(out, p + i, run - i) != ST_OK)
			return out->err;
		i = run;
		if (i >= n)
			break;
		if (p[i] == '_') {
			buf_addc(out, ' ');
			i++;
			continue;
		}
		/* p[i] == '=' */
		if (i + 2 < n && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
			buf_addc(out, hexval(p[i + 1]) << 4 | hexval(p[i + 2]));
			i += 3;
			continue;
		}
		if (!q_mode) {
			size_t j = i + 1;

			while (j < n && (p[j] == ' ' || p[j] == '\t'))
				j++;
			if (j >= n) {            /* "=" at the very end: soft break before EOF */
				i = j;
				continue;
			}
			if (p[j] == '\r' || p[j] == '\n') {
				if (p[j] == '\r' && j + 1 < n && p[j + 1] == '\n')
					j++;
				i = j + 1;
				continue;
			}
		}
		if (rep)
			rep->bad_escapes++;
		buf_addc(out, '=');
		i++;
	}
	return out->err;
}

static const signed char b64v[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
	['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15,
	['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
	['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29,
	['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42, ['q'] = 43,
	['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49, ['x'] = 50,
	['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
	['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
	/* URL-safe alphabet (RFC 4648 §5), seen in broken mailers */
	['-'] = 63, ['_'] = 64,
};

/* Emit the bytes of a partial quantum of k sextets (k = 2 or 3). */
static void flush(uint32_t acc, int k, struct buf *out, struct codec_report *rep)
{
	if (k == 2) {
		buf_addc(out, (int)(acc >> 4) & 0xff);
	} else if (k == 3) {
		buf_addc(out, (int)(acc >> 10) & 0xff);
		buf_addc(out, (int)(acc >> 2) & 0xff);
	} else if (k == 1 && rep) {
		rep->dangling = true;
	}
}

int b64_decode(const void *in, size_t n, struct buf *out, struct codec_report *rep)
{
	const unsigned char *p = in;
	uint32_t acc = 0;
	int k = 0;
	size_t i;
	uint8_t tmp[3];

	for (i = 0; i < n; i++) {
		int v = b64v[p[i]];

		if (v) {
			acc = acc << 6 | (uint32_t)(v - 1);
			if (++k == 4) {
				tmp[0] = (uint8_t)(acc >> 16);
				tmp[1] = (uint8_t)(acc >> 8);
				tmp[2] = (uint8_t)acc;
				if (buf_add(out, tmp, 3) != ST_OK)
					return out->err;
				acc = 0;
				k = 0;
			}
			continue;
		}
		if (p[i] == '=') {
			flush(acc, k, out, rep);
			acc = 0;
			k = 0;
			continue;
		}
		if (p[i] != '\r' && p[i] != '\n' && rep)
			rep->junk++;
	}
	if (k) {
		if (rep)
			rep->unpadded = true;
		flush(acc, k, out, rep);
	}
	return out->err;
}
