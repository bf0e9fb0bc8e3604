/* Base64 encoder. Decoding lives with the MIME code, which must tolerate junk. */
#include "base64.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_encode(struct buf *out, const void *data, size_t n, size_t line_len, int crlf)
{
	const unsigned char *p = data;
	size_t i, col = 0;
	char q[4];

	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = alphabet[v >> 18 & 63];
		q[1] = alphabet[v >> 12 & 63];
		q[2] = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? alphabet[v & 63] : '=';
		buf_add(out, q, 4);
		col += 4;
		if (line_len && col >= line_len) {
			buf_adds(out, crlf ? "\r\n" : "\n");
			col = 0;
		}
	}
	if (line_len && col)
		buf_adds(out, crlf ? "\r\n" : "\n");
	return out->err;
}
