/* Fuzz target: the snapshot loader and lookups must refuse or answer, never misbehave. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/data/snap_int.h"
#include "sha256.h"
#include "snap.h"
#include "status.h"
#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void lookups(struct snap *s)
{
	static const char *const addrs[] = { "8.8.8.8", "0.0.0.0", "255.255.255.255", "10.1.2.3",
		                             "1.0.0.1", "2001:db8::1", "2002:808:808::1", "::1",
		                             "2001:0:4136:e378:8000:63bf:f7f7:f7f6",
		                             "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" };
	static const char *const names[] = { "example.com", "www.city.kobe.jp", "a.b.c.d.e.f.g",
		                             "xn--85x722f.xn--55qx5d.cn", "co.uk" };
	char err[SNAP_ERR_MAX];
	struct snap_ip_result r;
	struct snap_asn_result a;
	struct snap_domain d;
	struct snap_tld t;
	const struct snap_root_server *roots;
	const char *date;
	uint8_t addr[16];
	size_t i, n;
	int fam;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		if (snap_parse_ip(addrs[i], strlen(addrs[i]), &fam, addr)) {
			(void)snap_route_ip(s, fam, addr, &r, err, sizeof(err));
			(void)snap_lookup_ip(s, fam, addr, &r, err, sizeof(err));
		}
	}
	(void)snap_route_asn(s, 15169, &a, err, sizeof(err));
	(void)snap_lookup_asn(s, 0, &a, err, sizeof(err));
	(void)snap_lookup_asn(s, 15169, &a, err, sizeof(err));
	(void)snap_lookup_asn(s, 4294967295u, &a, err, sizeof(err));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)snap_lookup_domain(s, names[i], strlen(names[i]), &d, err, sizeof(err));
	(void)snap_lookup_tld(s, "com", 3, &t, err, sizeof(err));
	(void)snap_root_hints(s, &roots, &n, &date, err, sizeof(err));
}

/*
 * Make a mutated snapshot pass its checksums so the decoders behind them get exercised: a
 * section that is one stored zlib block gets its block length, adler32, inflated size and
 * SHA-256 fixed; every section its CRC-32; the header its lengths and CRCs.
 */
static void reseal(uint8_t *d, size_t n)
{
	uint32_t nsrc, nsec, i;
	size_t meta;

	if (n < SNAP_HDR_LEN || memcmp(d, SNAP_MAGIC, 8) != 0)
		return;
	nsrc = snap_be32(d + HDR_NSOURCES);
	nsec = snap_be32(d + HDR_NSECTIONS);
	if (nsrc > SNAP_MAX_SOURCES || nsec > SNAP_MAX_SECTIONS)
		return;
	meta = SNAP_HDR_LEN + (size_t)nsrc * SNAP_SRC_LEN + (size_t)nsec * SNAP_SEC_LEN;
	if (meta > n)
		return;
	for (i = 0; i < nsec; i++) {
		uint8_t *e = d + SNAP_HDR_LEN + (size_t)nsrc * SNAP_SRC_LEN + (size_t)i * SNAP_SEC_LEN;
		uint64_t off = snap_be64(e + SEC_OFFSET);
		uint32_t clen = snap_be32(e + SEC_CLEN);
		uint8_t *z;

		if (off > n || clen > n - off)
			continue;
		z = d + off;
		if (clen >= 11 && z[0] == 0x78 && z[1] == 0x01 && z[2] == 0x01) {
			uint32_t len = clen - 11, a;

			z[3] = (uint8_t)len;
			z[4] = (uint8_t)(len >> 8);
			z[5] = (uint8_t)~len;
			z[6] = (uint8_t)(~len >> 8);
			if (len <= 0xffff) {
				a = (uint32_t)adler32(1, z + 7, len);
				snap_put32(z + 7 + len, a);
				snap_put32(e + SEC_ULEN, len);
				sha256(z + 7, len, e + SEC_SHA);
			}
		}
		snap_put32(e + SEC_CRC, (uint32_t)crc32(0, z, clen));
	}
	snap_put32(d + HDR_META_LEN, (uint32_t)meta);
	snap_put64(d + HDR_FILE_LEN, n);
	snap_put32(d + HDR_META_CRC, (uint32_t)crc32(0, d + SNAP_HDR_LEN, (uInt)(meta - SNAP_HDR_LEN)));
	snap_put32(d + HDR_CRC, (uint32_t)crc32(0, d, HDR_CRC));
}

static void one_pass(const uint8_t *data, size_t size)
{
	struct snap *s = NULL;
	char err[SNAP_ERR_MAX];
	size_t i;

	/* Lazy path first (lookups load what they need), then a full verify. */
	if (snap_open_mem(data, size, false, false, &s, err, sizeof(err)) == ST_OK) {
		for (i = 0; i < snap_source_count(s); i++)
			(void)snap_age_days(snap_source_at(s, i)->date, 1800000000);
		lookups(s);
		snap_free(s);
	}
	if (snap_open_mem(data, size, false, true, &s, err, sizeof(err)) == ST_OK) {
		if (snap_verify(s, err, sizeof(err)) == ST_OK)
			lookups(s);
		snap_free(s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	one_pass(data, size);
	/* Again with the checksums made right, to reach the decoders. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	reseal(copy, size);
	one_pass(copy, size);
	free(copy);
	return 0;
}
