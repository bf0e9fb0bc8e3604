/* Cryptographically secure random numbers from the kernel (getrandom), for IDs and ports. */
#ifndef MXTRACE_RAND_H
#define MXTRACE_RAND_H

#include <stddef.h>
#include <stdint.h>

/*
 * Fill p with n random bytes from getrandom(2), retrying on EINTR and short reads. Returns
 * ST_OK or ST_IO; there is deliberately no weaker fallback (CVE-2023-31147 was one).
 */
int rand_bytes(void *p, size_t n);
/* A uniformly distributed value in [0, bound) (bound > 0), without modulo bias. ST_IO on
 * failure of the kernel source. */
int rand_below(uint32_t bound, uint32_t *out);

#endif
