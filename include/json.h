/* Streaming JSON writer into a capped buffer, with full string escaping. */
#ifndef MXTRACE_JSON_H
#define MXTRACE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define JSON_MAX_DEPTH 64

/*
 * The writer tracks nesting and inserts commas and (with `pretty`) newlines and indentation.
 * Strings are escaped completely: quotes, backslash, every control character, U+2028/U+2029,
 * and every byte that is not part of valid UTF-8 (written as U+FFFD) so any peer bytes give a
 * valid document. Errors (depth, buffer ceiling, misuse) are sticky in `err`.
 */
struct json {
	struct buf *out;
	int depth;
	bool pretty;
	bool need_comma[JSON_MAX_DEPTH + 1];
	bool after_key;
	int err;
};

void json_init(struct json *j, struct buf *out, bool pretty);
void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);      /* NULL writes null */
void json_strn(struct json *j, const void *s, size_t n);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Convenience: key + value. */
void json_kstr(struct json *j, const char *key, const char *s);
void json_kint(struct json *j, const char *key, int64_t v);
void json_kbool(struct json *j, const char *key, bool v);
/* Append escaped string contents (no quotes) to a buffer. */
int json_escape(struct buf *out, const void *s, size_t n);
/* 0 when the document is complete and no error happened. */
int json_finish(struct json *j);

#endif
