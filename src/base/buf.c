/* Capped growable buffer in the style of curl's dynbuf: overflow frees and reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "status.h"

void buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : BUF_MAX_DEFAULT;
	b->err = ST_OK;
}

void buf_reset(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->err = ST_OK;
}

void buf_clear(struct buf *b)
{
	b->len = 0;
	b->err = ST_OK;
	if (b->data)
		b->data[0] = 0;
}

static int fail(struct buf *b, int st)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->err = st;
	return st;
}

/* Make room for n more bytes plus the terminating NUL. */
static int reserve(struct buf *b, size_t n)
{
	size_t want, ncap;
	uint8_t *p;

	if (b->err)
		return b->err;
	if (n > b->max - b->len)
		return fail(b, ST_TOOBIG);
	want = b->len + n + 1;
	if (want <= b->cap)
		return ST_OK;
	ncap = b->cap ? b->cap : 64;
	while (ncap < want)
		ncap = ncap > SIZE_MAX / 2 ? want : ncap * 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	p = realloc(b->data, ncap);
	if (!p)
		return fail(b, ST_NOMEM);
	b->data = p;
	b->cap = ncap;
	return ST_OK;
}

int buf_add(struct buf *b, const void *p, size_t n)
{
	int st = reserve(b, n);

	if (st)
		return st;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return ST_OK;
}

int buf_addc(struct buf *b, int ch)
{
	uint8_t c = (uint8_t)ch;

	return buf_add(b, &c, 1);
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	int st;

	if (b->err)
		return b->err;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return fail(b, ST_INVAL);
	st = reserve(b, (size_t)n);
	if (st)
		return st;
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return ST_OK;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int st;

	va_start(ap, fmt);
	st = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return st;
}

const char *buf_str(const struct buf *b)
{
	return b->data && !b->err ? (const char *)b->data : "";
}

char *buf_steal(struct buf *b, size_t *len)
{
	char *p = (char *)b->data;

	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = 0;
	}
}
