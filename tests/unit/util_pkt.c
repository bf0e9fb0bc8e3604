/* Test helper: a byte-level DNS packet builder for crafting valid and hostile messages. */
#include <string.h>

#include "util_pkt.h"

void pkt_init(struct pkt *p)
{
	p->n = 0;
}

void pkt_u8(struct pkt *p, unsigned v)
{
	if (p->n < PKT_MAX)
		p->b[p->n++] = (uint8_t)v;
}

void pkt_u16(struct pkt *p, unsigned v)
{
	pkt_u8(p, (v >> 8) & 0xFF);
	pkt_u8(p, v & 0xFF);
}

void pkt_u32(struct pkt *p, uint32_t v)
{
	pkt_u16(p, (v >> 16) & 0xFFFF);
	pkt_u16(p, v & 0xFFFF);
}

void pkt_bytes(struct pkt *p, const void *d, size_t n)
{
	const uint8_t *s = d;
	size_t i;

	for (i = 0; i < n; i++)
		pkt_u8(p, s[i]);
}

void pkt_header(struct pkt *p, unsigned id, unsigned flags, unsigned qd, unsigned an,
                unsigned ns, unsigned ar)
{
	pkt_u16(p, id);
	pkt_u16(p, flags);
	pkt_u16(p, qd);
	pkt_u16(p, an);
	pkt_u16(p, ns);
	pkt_u16(p, ar);
}

void pkt_name(struct pkt *p, const char *s)
{
	while (*s && !(s[0] == '.' && s[1] == '\0')) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);

		pkt_u8(p, (unsigned)n);
		pkt_bytes(p, s, n);
		s += n;
		if (*s == '.')
			s++;
	}
	pkt_u8(p, 0);
}

void pkt_ptr(struct pkt *p, unsigned off)
{
	pkt_u16(p, 0xC000 | off);
}

void pkt_question(struct pkt *p, const char *name, unsigned type)
{
	pkt_name(p, name);
	pkt_u16(p, type);
	pkt_u16(p, 1);
}

void pkt_rrhead(struct pkt *p, unsigned type, uint32_t ttl, unsigned rdlen)
{
	pkt_u16(p, type);
	pkt_u16(p, 1);
	pkt_u32(p, ttl);
	pkt_u16(p, rdlen);
}

void pkt_set16(struct pkt *p, size_t off, unsigned v)
{
	p->b[off] = (uint8_t)(v >> 8);
	p->b[off + 1] = (uint8_t)v;
}
