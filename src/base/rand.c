/* Kernel CSPRNG access for DNS query IDs, source ports and server rotation. */
#include <errno.h>
#include <sys/random.h>

#include "rand.h"
#include "status.h"

int rand_bytes(void *p, size_t n)
{
	uint8_t *q = p;

	while (n > 0) {
		ssize_t r = getrandom(q, n, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return ST_IO;
		}
		q += r;
		n -= (size_t)r;
	}
	return ST_OK;
}

int rand_below(uint32_t bound, uint32_t *out)
{
	uint32_t v, limit;
	int st;

	if (bound == 0)
		return ST_INVAL;
	/* Reject the top partial range so every residue is equally likely. */
	limit = UINT32_MAX - (UINT32_MAX % bound);
	do {
		st = rand_bytes(&v, sizeof(v));
		if (st != ST_OK)
			return st;
	} while (v >= limit);
	*out = v % bound;
	return ST_OK;
}
