/* Test helper: build DNS packets byte by byte, including deliberately broken ones. */
#ifndef MXTRACE_UTIL_PKT_H
#define MXTRACE_UTIL_PKT_H

#include <stddef.h>
#include <stdint.h>

#define PKT_MAX 70000

struct pkt {
	uint8_t b[PKT_MAX];
	size_t n;
};

void pkt_init(struct pkt *p);
void pkt_u8(struct pkt *p, unsigned v);
void pkt_u16(struct pkt *p, unsigned v);
void pkt_u32(struct pkt *p, uint32_t v);
void pkt_bytes(struct pkt *p, const void *d, size_t n);
/* Header: id, flags (QR etc. as the 16-bit word), counts. */
void pkt_header(struct pkt *p, unsigned id, unsigned flags, unsigned qd, unsigned an,
                unsigned ns, unsigned ar);
/* Uncompressed name from dotted text without escapes ("" or "." is the root). */
void pkt_name(struct pkt *p, const char *dotted);
/* A compression pointer to off. */
void pkt_ptr(struct pkt *p, unsigned off);
/* Question: name, type, class IN. */
void pkt_question(struct pkt *p, const char *name, unsigned type);
/* Record header after the owner: type, class IN, ttl, rdlength. */
void pkt_rrhead(struct pkt *p, unsigned type, uint32_t ttl, unsigned rdlen);
/* Patch a big-endian u16 at off. */
void pkt_set16(struct pkt *p, size_t off, unsigned v);

#endif
