/* Capped growable byte buffer: every buffer has a ceiling, and overflow frees it. */
#ifndef MXTRACE_BUF_H
#define MXTRACE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A buffer owns its bytes. It grows on demand up to `max` bytes (content, not counting the
 * hidden NUL kept after the content). When an append would pass `max`, or memory runs out,
 * the buffer frees its storage, records ST_TOOBIG or ST_NOMEM, and refuses further appends
 * until buf_reset(). The content is always NUL-terminated when non-empty, so text buffers
 * can be used as C strings (check for embedded NULs where that matters).
 */
struct buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t max;
	int err;
};

#define BUF_MAX_DEFAULT (64u * 1024u * 1024u)

void buf_init(struct buf *b, size_t max);
/* Free storage and clear the error; the ceiling is kept. */
void buf_reset(struct buf *b);
/* Keep the storage and the ceiling, drop the content (and any error). */
void buf_clear(struct buf *b);
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addc(struct buf *b, int ch);
int buf_adds(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Content as a C string; "" when empty or after an error. Valid until the next change. */
const char *buf_str(const struct buf *b);
/* Hand the storage to the caller (must free()); the buffer is left empty. NULL if empty. */
char *buf_steal(struct buf *b, size_t *len);
/* Drop the last n bytes (or all if fewer). */
void buf_truncate(struct buf *b, size_t len);

#endif
