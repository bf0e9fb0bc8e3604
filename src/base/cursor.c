/* Bounded read cursor: all reads check the remaining length first and fail stickily. */
#include <string.h>

#include "cursor.h"
#include "status.h"

void cur_init(struct cursor *c, const void *p, size_t len)
{
	c->base = p;
	c->len = p ? len : 0;
	c->pos = 0;
	c->err = ST_OK;
}

size_t cur_avail(const struct cursor *c)
{
	return c->err ? 0 : c->len - c->pos;
}

int cur_err(const struct cursor *c)
{
	return c->err;
}

void cur_fail(struct cursor *c, int st)
{
	if (!c->err)
		c->err = st ? st : ST_MALFORMED;
}

static const uint8_t *need(struct cursor *c, size_t n)
{
	const uint8_t *p;

	if (c->err)
		return NULL;
	if (c->len - c->pos < n) {
		c->err = ST_TRUNC;
		return NULL;
	}
	p = c->base + c->pos;
	c->pos += n;
	return p;
}

uint8_t cur_u8(struct cursor *c)
{
	const uint8_t *p = need(c, 1);

	return p ? p[0] : 0;
}

uint16_t cur_u16(struct cursor *c)
{
	const uint8_t *p = need(c, 2);

	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t cur_u32(struct cursor *c)
{
	const uint8_t *p = need(c, 4);

	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3] : 0;
}

void cur_copy(struct cursor *c, void *dst, size_t n)
{
	const uint8_t *p = need(c, n);

	if (p)
		memcpy(dst, p, n);
	else if (n)
		memset(dst, 0, n);
}

const uint8_t *cur_take(struct cursor *c, size_t n)
{
	return need(c, n);
}

void cur_skip(struct cursor *c, size_t n)
{
	(void)need(c, n);
}

void cur_seek(struct cursor *c, size_t off)
{
	if (c->err)
		return;
	if (off > c->len)
		c->err = ST_TRUNC;
	else
		c->pos = off;
}
