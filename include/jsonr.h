/* A strict JSON reader (RFC 8259) building a small tree, with depth and size limits. */
#ifndef MXTRACE_JSONR_H
#define MXTRACE_JSONR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSONR_MAX_DEPTH 64
#define JSONR_MAX_ITEMS 1000000      /* members of one object or array */

enum jr_type { JR_NULL = 0, JR_BOOL, JR_NUM, JR_STR, JR_ARR, JR_OBJ };

/*
 * A value. Strings are unescaped UTF-8, NUL-terminated (a "\u0000" inside is kept, so use
 * len); numbers keep their text in str and, when integral and in range, the value in num.
 * Objects keep their members in order (keys[i] names items[i]; duplicates are kept).
 */
struct jr_val {
	enum jr_type type;
	unsigned long line;          /* 1-based line where the value starts */
	bool b;
	bool is_int;
	int64_t num;
	char *str;
	size_t len;
	struct jr_val *items;
	char **keys;
	size_t n;
};

/* Where and why parsing stopped. */
struct jr_err {
	size_t offset;               /* byte offset of the problem */
	unsigned long line;          /* its 1-based line */
	char msg[96];                /* "unterminated string", "expected ':'", ... */
};

/*
 * Parse one value from p[0..n), skipping white space around it; *used (may be NULL) gets the
 * bytes consumed, so JSON Lines can be read value after value. Returns ST_OK with *out to
 * free with jr_free(), ST_TRUNC at the end of input, ST_MALFORMED, ST_TOOBIG past a limit,
 * or ST_NOMEM; err (may be NULL) says where and why. Line numbers count from first_line
 * (1 for a whole file).
 */
int jr_parse(const char *p, size_t n, unsigned long first_line, size_t *used,
             struct jr_val **out, struct jr_err *err);
/* Deepest nesting of v (a scalar is 0, [] is 1). */
unsigned jr_depth(const struct jr_val *v);
void jr_free(struct jr_val *v);
/* Member of an object (the first with that key), or NULL. */
const struct jr_val *jr_get(const struct jr_val *obj, const char *key);
/* The string of v, or NULL when v is not a string. */
const char *jr_str(const struct jr_val *v);
/* Member key's string, or NULL. */
const char *jr_gets(const struct jr_val *obj, const char *key);

#endif
