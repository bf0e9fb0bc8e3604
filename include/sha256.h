/* SHA-256 (FIPS 180-4) for checksums of snapshot inputs and sections. */
#ifndef MXTRACE_SHA256_H
#define MXTRACE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN 64

/* Incremental state; initialise with sha256_init, feed with sha256_update, end with
 * sha256_final (which leaves the state unusable until the next init). */
struct sha256 {
	uint32_t h[8];
	uint64_t total;
	uint8_t block[64];
	size_t used;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *p, size_t n);
void sha256_final(struct sha256 *c, uint8_t out[SHA256_LEN]);
/* One-shot digest of n bytes. */
void sha256(const void *p, size_t n, uint8_t out[SHA256_LEN]);
/* Lower-case hex of a digest into out (at least SHA256_HEX_LEN + 1 bytes). */
void sha256_hex(const uint8_t d[SHA256_LEN], char *out);

#endif
