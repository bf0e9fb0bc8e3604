/* Text helpers for peer data: UTF-8 validation, terminal-safe escaping, ASCII case. */
#ifndef MXTRACE_TEXT_H
#define MXTRACE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if the bytes there are not valid UTF-8
 * (overlongs, surrogates and code points above U+10FFFF are invalid). */
size_t utf8_seq_len(const uint8_t *s, size_t n);
/* Decode one valid sequence (as checked by utf8_seq_len) to its code point. */
uint32_t utf8_decode(const uint8_t *s, size_t len);
bool utf8_valid(const void *s, size_t n);
/* Append the UTF-8 encoding of code point cp (invalid ones become U+FFFD). */
int utf8_put(struct buf *out, uint32_t cp);
/* Append bytes converted from ISO-8859-1 to UTF-8. */
int latin1_to_utf8(struct buf *out, const void *s, size_t n);
/*
 * Append text safe for a terminal: valid UTF-8 is kept, except C0/C1 controls and DEL, which
 * become \xNN (tab is kept when keep_tab); invalid bytes become \xNN. A backslash stays as is.
 */
int text_sanitize(struct buf *out, const void *s, size_t n, bool keep_tab);
/* First occurrence of needle[0..nl) in hay[0..n), case-sensitive (memmem is not POSIX);
 * hay itself when nl is 0, NULL when absent. */
const char *mem_find(const char *hay, size_t n, const char *needle, size_t nl);
/* ASCII-only helpers (locale independent). */
int ascii_lower(int c);
bool ascii_ieq(const char *a, const char *b);
bool ascii_nieq(const char *a, const char *b, size_t n);
bool ascii_istarts(const char *s, const char *prefix);
/* Bounded decimal parse: whole string s[0..n) must be digits; value <= max. */
bool parse_uint(const char *s, size_t n, uint64_t max, uint64_t *out);

#endif
