/* JSON writer: nesting, commas, optional pretty printing, complete string escaping. */
#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "status.h"
#include "text.h"

void json_init(struct json *j, struct buf *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
}

static void seterr(struct json *j, int st)
{
	if (!j->err)
		j->err = st;
}

static void newline(struct json *j)
{
	int i;

	if (!j->pretty)
		return;
	buf_addc(j->out, '\n');
	for (i = 0; i < j->depth; i++)
		buf_adds(j->out, "  ");
}

/* Called before every value or key. */
static void pre_value(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		buf_addc(j->out, ',');
	if (j->depth > 0)
		newline(j);
	j->need_comma[j->depth] = true;
}

static void post(struct json *j)
{
	if (j->out->err)
		seterr(j, j->out->err);
}

static void nest_open(struct json *j, char c)
{
	pre_value(j);
	if (j->depth >= JSON_MAX_DEPTH) {
		seterr(j, ST_TOOBIG);
		return;
	}
	buf_addc(j->out, c);
	j->depth++;
	j->need_comma[j->depth] = false;
	post(j);
}

static void nest_close(struct json *j, char c)
{
	bool had = j->need_comma[j->depth];

	if (j->depth <= 0 || j->after_key) {
		seterr(j, ST_INVAL);
		return;
	}
	j->depth--;
	if (had)
		newline(j);
	buf_addc(j->out, c);
	if (j->depth == 0 && j->pretty)
		buf_addc(j->out, '\n');
	post(j);
}

void json_obj_begin(struct json *j) { nest_open(j, '{'); }
void json_obj_end(struct json *j) { nest_close(j, '}'); }
void json_arr_begin(struct json *j) { nest_open(j, '['); }
void json_arr_end(struct json *j) { nest_close(j, ']'); }

int json_escape(struct buf *out, const void *s, size_t n)
{
	const uint8_t *p = s;
	size_t i = 0, k, run;
	uint32_t cp;

	while (i < n) {
		run = 0;
		while (i + run < n && p[i + run] >= 0x20 && p[i + run] < 0x7F &&
		       p[i + run] != '"' && p[i + run] != '\\')
			run++;
		if (run) {
			buf_add(out, p + i, run);
			i += run;
			continue;
		}
		switch (p[i]) {
		case '"': buf_adds(out, "\\\""); i++; continue;
		case '\\': buf_adds(out, "\\\\"); i++; continue;
		case '\n': buf_adds(out, "\\n"); i++; continue;
		case '\r': buf_adds(out, "\\r"); i++; continue;
		case '\t': buf_adds(out, "\\t"); i++; continue;
		default: break;
		}
		k = utf8_seq_len(p + i, n - i);
		if (!k) {
			buf_adds(out, "\\ufffd");
			i++;
			continue;
		}
		cp = utf8_decode(p + i, k);
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 ||
		    cp == 0x2029)
			buf_printf(out, "\\u%04x", (unsigned)cp);
		else
			buf_add(out, p + i, k);
		i += k;
	}
	return out->err;
}

void json_key(struct json *j, const char *key)
{
	pre_value(j);
	buf_addc(j->out, '"');
	json_escape(j->out, key, strlen(key));
	buf_adds(j->out, j->pretty ? "\": " : "\":");
	j->after_key = true;
	post(j);
}

void json_strn(struct json *j, const void *s, size_t n)
{
	pre_value(j);
	buf_addc(j->out, '"');
	json_escape(j->out, s, n);
	buf_addc(j->out, '"');
	post(j);
}

void json_str(struct json *j, const char *s)
{
	if (!s)
		json_null(j);
	else
		json_strn(j, s, strlen(s));
}

void json_int(struct json *j, int64_t v)
{
	pre_value(j);
	buf_printf(j->out, "%" PRId64, v);
	post(j);
}

void json_uint(struct json *j, uint64_t v)
{
	pre_value(j);
	buf_printf(j->out, "%" PRIu64, v);
	post(j);
}

void json_bool(struct json *j, bool v)
{
	pre_value(j);
	buf_adds(j->out, v ? "true" : "false");
	post(j);
}

void json_null(struct json *j)
{
	pre_value(j);
	buf_adds(j->out, "null");
	post(j);
}

void json_kstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_kint(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kbool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

int json_finish(struct json *j)
{
	if (j->err)
		return j->err;
	if (j->depth != 0 || j->after_key)
		return ST_INVAL;
	return j->out->err;
}
