/* Bounded read cursor over untrusted bytes, with a sticky error. */
#ifndef MXTRACE_CURSOR_H
#define MXTRACE_CURSOR_H

#include <stddef.h>
#include <stdint.h>

/*
 * A cursor reads from a borrowed byte range. Every read checks `avail < need` first; on
 * failure the cursor records ST_TRUNC, every later read is a no-op returning zeroes, and the
 * caller checks cur_err() once at the end. The range must outlive the cursor.
 */
struct cursor {
	const uint8_t *base;
	size_t len;
	size_t pos;
	int err;
};

void cur_init(struct cursor *c, const void *p, size_t len);
/* Bytes left to read (0 after an error). */
size_t cur_avail(const struct cursor *c);
/* First error seen (ST_OK if none). */
int cur_err(const struct cursor *c);
/* Set an error by hand (e.g. a semantic check failed); the first error wins. */
void cur_fail(struct cursor *c, int st);
uint8_t cur_u8(struct cursor *c);
uint16_t cur_u16(struct cursor *c);   /* network byte order */
uint32_t cur_u32(struct cursor *c);   /* network byte order */
/* Copy n bytes out; on error dst is zero-filled. */
void cur_copy(struct cursor *c, void *dst, size_t n);
/* Borrow n bytes (NULL on error); the view lives as long as the underlying range. */
const uint8_t *cur_take(struct cursor *c, size_t n);
void cur_skip(struct cursor *c, size_t n);
/* Move to an absolute offset within the range (offset == len is allowed). */
void cur_seek(struct cursor *c, size_t off);

#endif
