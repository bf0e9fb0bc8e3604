/* Slices and the line reader: length-capped, locale-free parsing primitives. */
#include <stdlib.h>
#include <string.h>

#include "span.h"
#include "text.h"

void lr_init(struct line_reader *lr, const void *p, size_t n, size_t max_line)
{
	lr->p = p;
	lr->n = p ? n : 0;
	lr->pos = 0;
	lr->max_line = max_line ? max_line : (size_t)-1;
	lr->lineno = 0;
	lr->cut = false;
}

bool lr_next(struct line_reader *lr, struct span *line)
{
	size_t start = lr->pos, end;

	if (lr->pos >= lr->n)
		return false;
	end = start;
	while (end < lr->n && lr->p[end] != '\n' && lr->p[end] != '\r')
		end++;
	line->p = lr->p + start;
	line->n = end - start;
	lr->cut = line->n > lr->max_line;
	if (lr->cut)
		line->n = lr->max_line;
	/* consume the line end: LF | CR LF | CR CR LF | CR */
	if (end < lr->n && lr->p[end] == '\r') {
		end++;
		if (end + 1 < lr->n && lr->p[end] == '\r' && lr->p[end + 1] == '\n')
			end += 2;
		else if (end < lr->n && lr->p[end] == '\n')
			end++;
	} else if (end < lr->n) {
		end++;
	}
	lr->pos = end;
	lr->lineno++;
	return true;
}

struct span span_of(const char *s)
{
	struct span r = { s, s ? strlen(s) : 0 };

	return r;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

struct span span_trim(struct span s)
{
	while (s.n && is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

bool span_split(struct span s, char sep, struct span *left, struct span *right)
{
	const char *q = s.n ? memchr(s.p, sep, s.n) : NULL;

	if (!q)
		return false;
	left->p = s.p;
	left->n = (size_t)(q - s.p);
	right->p = q + 1;
	right->n = s.n - left->n - 1;
	return true;
}

bool span_eq(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && (n == 0 || memcmp(s.p, lit, n) == 0);
}

bool span_ieq(struct span s, const char *lit)
{
	size_t n = strlen(lit), i;

	if (s.n != n)
		return false;
	for (i = 0; i < n; i++)
		if (ascii_lower((unsigned char)s.p[i]) != ascii_lower((unsigned char)lit[i]))
			return false;
	return true;
}

bool span_istarts(struct span s, const char *prefix)
{
	struct span head = { s.p, strlen(prefix) };

	return s.n >= head.n && span_ieq(head, prefix);
}

bool span_iends(struct span s, const char *suffix)
{
	size_t n = strlen(suffix);
	struct span tail;

	if (s.n < n)
		return false;
	tail.p = s.p + s.n - n;
	tail.n = n;
	return span_ieq(tail, suffix);
}

long span_ifind(struct span s, const char *needle)
{
	size_t n = strlen(needle), i;
	struct span w;

	if (n > s.n)
		return -1;
	for (i = 0; i + n <= s.n; i++) {
		w.p = s.p + i;
		w.n = n;
		if (span_ieq(w, needle))
			return (long)i;
	}
	return -1;
}

bool span_uint(struct span s, uint64_t max, uint64_t *out)
{
	return parse_uint(s.p, s.n, max, out);
}

bool span_copy(struct span s, char *dst, size_t dstlen)
{
	if (dstlen == 0)
		return false;
	if (s.n >= dstlen) {
		dst[0] = 0;
		return false;
	}
	if (s.n)
		memcpy(dst, s.p, s.n);
	dst[s.n] = 0;
	return true;
}

char *span_dup(struct span s)
{
	char *d = malloc(s.n + 1);

	if (d) {
		if (s.n)
			memcpy(d, s.p, s.n);
		d[s.n] = 0;
	}
	return d;
}
