/* Fuzz target: the SOCKS5 reply parsers, fed byte by byte as the transport reads them: the
 * first input byte picks the reply (method, authentication, CONNECT), the rest is the
 * proxy's bytes. Invariants: MORE asks for more than it has and never more than the
 * longest reply; DONE and FAIL use no more than they were given and stay decided when
 * more bytes come; reading exactly what MORE asks ends within SOCKS5_REPLY_MAX bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "socks5.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum socks5_parse parse(unsigned which, const uint8_t *p, size_t n,
                               struct socks5_reply *r)
{
	switch (which % 4) {
	case 0: return socks5_method_reply(p, n, false, r);
	case 1: return socks5_method_reply(p, n, true, r);
	case 2: return socks5_auth_reply(p, n, r);
	default: return socks5_connect_reply(p, n, r);
	}
}

static void check_one(enum socks5_parse p, const struct socks5_reply *r, size_t n)
{
	switch (p) {
	case SOCKS5_MORE:
		if (r->need <= n || r->need > SOCKS5_REPLY_MAX)
			abort();
		break;
	case SOCKS5_DONE:
		if (r->need > n || r->need == 0)
			abort();
		break;
	case SOCKS5_FAIL:
		if (r->need > n || !r->why[0] || memchr(r->why, 0, sizeof(r->why)) == NULL)
			abort();
		if (r->status != ST_MALFORMED && r->status != ST_REFUSED && r->status != ST_IO &&
		    r->status != ST_TIMEOUT && r->status != ST_UNSUPPORTED)
			abort();
		break;
	default:
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct socks5_reply r, first;
	enum socks5_parse p, decided = SOCKS5_MORE;
	unsigned which;
	size_t k, got = 0;
	uint8_t *copy;

	if (size < 1)
		return 0;
	which = data[0];
	data++;
	size--;
	/* an exact-size copy, so reading past the bytes given trips ASan */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	memset(&first, 0, sizeof(first));
	for (k = 0; k <= size; k++) {
		p = parse(which, copy, k, &r);
		check_one(p, &r, k);
		if (decided != SOCKS5_MORE) {
			if (p != decided || r.need != first.need || r.status != first.status ||
			    strcmp(r.why, first.why) != 0)
				abort();
		} else if (p != SOCKS5_MORE) {
			decided = p;
			first = r;
		}
	}
	/* the transport's way: read exactly what MORE asks for */
	for (;;) {
		p = parse(which, copy, got, &r);
		if (p != SOCKS5_MORE)
			break;
		if (r.need > size)
			break;                       /* the proxy would have to send more */
		got = r.need;
	}
	if (got > SOCKS5_REPLY_MAX)
		abort();
	free(copy);
	return 0;
}
