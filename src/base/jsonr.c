/* Strict recursive-descent JSON reader with explicit depth, size and UTF-8 checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonr.h"
#include "status.h"
#include "text.h"

struct rd {
	const char *p;
	size_t n, pos;
	unsigned long line;
	struct jr_err *err;
};

static int bad(struct rd *r, int st, const char *why)
{
	if (r->err) {
		r->err->offset = r->pos;
		r->err->line = r->line;
		snprintf(r->err->msg, sizeof(r->err->msg), "%s", why);
	}
	return st;
}

/* White space; the only place a valid document has line ends, so lines are counted here. */
static void ws(struct rd *r)
{
	while (r->pos < r->n && (r->p[r->pos] == ' ' || r->p[r->pos] == '\t' ||
	                         r->p[r->pos] == '\n' || r->p[r->pos] == '\r')) {
		if (r->p[r->pos] == '\n')
			r->line++;
		r->pos++;
	}
}

static int hex4(struct rd *r, uint32_t *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c;

		if (r->pos >= r->n)
			return bad(r, ST_TRUNC, "unterminated string");
		c = r->p[r->pos++];
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (uint32_t)(c - 'A' + 10);
		else
			return bad(r, ST_MALFORMED, "bad \\u escape");
	}
	return ST_OK;
}

static int string(struct rd *r, char **out, size_t *len)
{
	struct buf b;
	int st = ST_OK;

	buf_init(&b, r->n + 1);
	r->pos++;                                  /* opening quote */
	for (;;) {
		size_t k;
		unsigned char c;

		if (r->pos >= r->n) {
			st = bad(r, ST_TRUNC, "unterminated string");
			break;
		}
		c = (unsigned char)r->p[r->pos];
		if (c == '"') {
			r->pos++;
			break;
		}
		if (c < 0x20) {
			st = bad(r, ST_MALFORMED, "control character in a string");
			break;
		}
		if (c == '\\') {
			uint32_t cp, lo;

			if (++r->pos >= r->n) {
				st = bad(r, ST_TRUNC, "unterminated string");
				break;
			}
			c = (unsigned char)r->p[r->pos++];
			switch (c) {
			case '"': case '\\': case '/': buf_addc(&b, c); continue;
			case 'b': buf_addc(&b, '\b'); continue;
			case 'f': buf_addc(&b, '\f'); continue;
			case 'n': buf_addc(&b, '\n'); continue;
			case 'r': buf_addc(&b, '\r'); continue;
			case 't': buf_addc(&b, '\t'); continue;
			case 'u':
				st = hex4(r, &cp);
				if (st)
					break;
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					if (r->n - r->pos < 6 || r->p[r->pos] != '\\' ||
					    r->p[r->pos + 1] != 'u') {
						st = bad(r, ST_MALFORMED, "unpaired surrogate");
						break;
					}
					r->pos += 2;
					st = hex4(r, &lo);
					if (st)
						break;
					if (lo < 0xDC00 || lo > 0xDFFF) {
						st = bad(r, ST_MALFORMED, "unpaired surrogate");
						break;
					}
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
					st = bad(r, ST_MALFORMED, "unpaired surrogate");
					break;
				}
				utf8_put(&b, cp);
				continue;
			default: {
				char why[32];

				snprintf(why, sizeof(why), c >= 0x20 && c < 0x7f ? "bad escape '\\%c'"
				                                                : "bad escape", c);
				st = bad(r, ST_MALFORMED, why);
				break;
			}
			}
			break;
		}
		k = utf8_seq_len((const uint8_t *)r->p + r->pos, r->n - r->pos);
		if (!k) {
			st = bad(r, ST_MALFORMED, "string too long or not UTF-8");
			break;
		}
		buf_add(&b, r->p + r->pos, k);
		r->pos += k;
	}
	if (!st && b.err)
		st = b.err;
	if (st) {
		buf_reset(&b);
		return st;
	}
	if (!b.data)
		buf_adds(&b, "");
	*out = buf_steal(&b, len);
	return *out ? ST_OK : ST_NOMEM;
}

static int number(struct rd *r, struct jr_val *v)
{
	size_t start = r->pos, digits;
	bool frac = false;
	int64_t acc = 0;
	bool neg = false, ovf = false;

	if (r->p[r->pos] == '-') {
		neg = true;
		r->pos++;
	}
	digits = r->pos;
	if (r->pos < r->n && r->p[r->pos] == '0') {
		r->pos++;
	} else {
		while (r->pos < r->n && r->p[r->pos] >= '0' && r->p[r->pos] <= '9') {
			int d = r->p[r->pos] - '0';

			if (acc > (INT64_MAX - d) / 10)
				ovf = true;
			else
				acc = acc * 10 + d;
			r->pos++;
		}
	}
	if (r->pos == digits)
		return bad(r, ST_MALFORMED, "number without digits");
	if (r->pos < r->n && r->p[r->pos] == '.') {
		frac = true;
		r->pos++;
		if (r->pos >= r->n || r->p[r->pos] < '0' || r->p[r->pos] > '9')
			return bad(r, ST_MALFORMED, "no digit after '.'");
		while (r->pos < r->n && r->p[r->pos] >= '0' && r->p[r->pos] <= '9')
			r->pos++;
	}
	if (r->pos < r->n && (r->p[r->pos] == 'e' || r->p[r->pos] == 'E')) {
		frac = true;
		r->pos++;
		if (r->pos < r->n && (r->p[r->pos] == '+' || r->p[r->pos] == '-'))
			r->pos++;
		if (r->pos >= r->n || r->p[r->pos] < '0' || r->p[r->pos] > '9')
			return bad(r, ST_MALFORMED, "no digit in the exponent");
		while (r->pos < r->n && r->p[r->pos] >= '0' && r->p[r->pos] <= '9')
			r->pos++;
	}
	v->type = JR_NUM;
	v->len = r->pos - start;
	v->str = malloc(v->len + 1);
	if (!v->str)
		return ST_NOMEM;
	memcpy(v->str, r->p + start, v->len);
	v->str[v->len] = 0;
	v->is_int = !frac && !ovf;
	v->num = neg ? -acc : acc;
	return ST_OK;
}

static int unexpected(struct rd *r)
{
	char why[40];
	unsigned char c = (unsigned char)r->p[r->pos];

	snprintf(why, sizeof(why), c >= 0x20 && c < 0x7f ? "unexpected character '%c'"
	                                                : "unexpected byte 0x%02x", c);
	return bad(r, ST_MALFORMED, why);
}

static int literal(struct rd *r, const char *word)
{
	size_t n = strlen(word);

	if (r->n - r->pos < n)
		return bad(r, ST_TRUNC, "unexpected end of file");
	if (memcmp(r->p + r->pos, word, n) != 0)
		return unexpected(r);
	r->pos += n;
	return ST_OK;
}

static int value(struct rd *r, struct jr_val *v, int depth);

/* Grow the item (and key) arrays of a container by one; the new item is zeroed. */
static int grow(struct rd *r, struct jr_val *v, size_t *cap, bool keys)
{
	if (v->n >= JSONR_MAX_ITEMS)
		return bad(r, ST_TOOBIG, "too many members");
	if (v->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4;
		struct jr_val *ni = realloc(v->items, nc * sizeof(*ni));

		if (!ni)
			return ST_NOMEM;
		v->items = ni;
		if (keys) {
			char **nk = realloc(v->keys, nc * sizeof(*nk));

			if (!nk)
				return ST_NOMEM;
			v->keys = nk;
		}
		*cap = nc;
	}
	memset(&v->items[v->n], 0, sizeof(v->items[0]));
	if (keys)
		v->keys[v->n] = NULL;
	return ST_OK;
}

static int container(struct rd *r, struct jr_val *v, int depth, bool obj)
{
	size_t cap = 0;
	int st;

	v->type = obj ? JR_OBJ : JR_ARR;
	if (depth >= JSONR_MAX_DEPTH)
		return bad(r, ST_TOOBIG, "nested too deeply");
	r->pos++;
	ws(r);
	if (r->pos < r->n && r->p[r->pos] == (obj ? '}' : ']')) {
		r->pos++;
		return ST_OK;
	}
	for (;;) {
		st = grow(r, v, &cap, obj);
		if (st)
			return st;
		if (obj) {
			ws(r);
			if (r->pos >= r->n)
				return bad(r, ST_TRUNC, "unexpected end of file");
			if (r->p[r->pos] != '"')
				return bad(r, ST_MALFORMED, "expected a member name");
			st = string(r, &v->keys[v->n], NULL);
			if (st)
				return st;
			ws(r);
			if (r->pos >= r->n || r->p[r->pos] != ':') {
				v->n++;
				return bad(r, r->pos >= r->n ? ST_TRUNC : ST_MALFORMED, "expected ':'");
			}
			r->pos++;
		}
		st = value(r, &v->items[v->n], depth + 1);
		v->n++;
		if (st)
			return st;
		ws(r);
		if (r->pos >= r->n)
			return bad(r, ST_TRUNC, "unexpected end of file");
		if (r->p[r->pos] == ',') {
			r->pos++;
			continue;
		}
		if (r->p[r->pos] == (obj ? '}' : ']')) {
			r->pos++;
			return ST_OK;
		}
		return bad(r, ST_MALFORMED, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int value(struct rd *r, struct jr_val *v, int depth)
{
	ws(r);
	v->line = r->line;
	if (r->pos >= r->n)
		return bad(r, ST_TRUNC, "unexpected end of file");
	switch (r->p[r->pos]) {
	case '{': return container(r, v, depth, true);
	case '[': return container(r, v, depth, false);
	case '"': v->type = JR_STR; return string(r, &v->str, &v->len);
	case 't': v->type = JR_BOOL; v->b = true; return literal(r, "true");
	case 'f': v->type = JR_BOOL; return literal(r, "false");
	case 'n': v->type = JR_NULL; return literal(r, "null");
	default:
		if (r->p[r->pos] == '-' || (r->p[r->pos] >= '0' && r->p[r->pos] <= '9'))
			return number(r, v);
		return unexpected(r);
	}
}

static void clear(struct jr_val *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		clear(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
}

void jr_free(struct jr_val *v)
{
	if (!v)
		return;
	clear(v);
	free(v);
}

int jr_parse(const char *p, size_t n, unsigned long first_line, size_t *used,
             struct jr_val **out, struct jr_err *err)
{
	struct rd r = { p, n, 0, first_line ? first_line : 1, err };
	struct jr_val *v = calloc(1, sizeof(*v));
	int st;

	*out = NULL;
	if (!v)
		return ST_NOMEM;
	st = value(&r, v, 0);
	if (st) {
		jr_free(v);
		return st;
	}
	ws(&r);
	if (used)
		*used = r.pos;
	*out = v;
	return ST_OK;
}

const struct jr_val *jr_get(const struct jr_val *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != JR_OBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return &obj->items[i];
	return NULL;
}

const char *jr_str(const struct jr_val *v)
{
	return v && v->type == JR_STR ? v->str : NULL;
}

const char *jr_gets(const struct jr_val *obj, const char *key)
{
	return jr_str(jr_get(obj, key));
}

unsigned jr_depth(const struct jr_val *v)
{
	unsigned d = 0, k;
	size_t i;

	if (v->type != JR_ARR && v->type != JR_OBJ)
		return 0;
	for (i = 0; i < v->n; i++) {
		k = jr_depth(&v->items[i]);
		if (k > d)
			d = k;
	}
	return d + 1;
}
