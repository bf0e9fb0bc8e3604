/* Header section splitting, unfolding and MIME parameters (RFC 5322, RFC 2045, RFC 2231). */
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "mail_hdr.h"
#include "rfc2047.h"
#include "status.h"
#include "text.h"

#define MAIL_MAX_PARAM_SECTIONS 64 /* RFC 2231 continuations we join per parameter */

static bool field_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 33 || c > 126 || c == ':')
			return false;
	}
	return true;
}

static int add_field(struct mail_hdr *h, struct span name, const char *vstart,
                     unsigned long line)
{
	if (h->n == h->cap) {
		size_t ncap = h->cap ? h->cap * 2 : 32;
		struct mail_field *nf = realloc(h->f, ncap * sizeof(*nf));

		if (!nf)
			return ST_NOMEM;
		h->f = nf;
		h->cap = ncap;
	}
	h->f[h->n].name = name;
	h->f[h->n].raw.p = vstart;
	h->f[h->n].raw.n = 0;
	h->f[h->n].line = line;
	h->n++;
	return ST_OK;
}

int mail_hdr_parse(const char *msg, size_t n, size_t max_bytes, size_t max_fields,
                   struct mail_hdr *h)
{
	struct line_reader lr;
	struct span line;
	struct mail_field *cur = NULL;
	size_t start, hdr_start = 0;
	int st;

	memset(h, 0, sizeof(*h));
	if (!max_bytes)
		max_bytes = MAIL_MAX_HEADER_BYTES;
	if (!max_fields)
		max_fields = MAIL_MAX_FIELDS;
	h->body_off = n;
	lr_init(&lr, msg, n, 0);
	for (;;) {
		start = lr.pos;
		if (!lr_next(&lr, &line)) {
			h->body_line = lr.lineno + 1;
			break;
		}
		if (line.n == 0) {                     /* the separator */
			h->body_off = lr.pos;
			h->body_line = lr.lineno + 1;
			break;
		}
		if (lr.lineno == 1 && line.n >= 5 && memcmp(line.p, "From ", 5) == 0) {
			h->flags |= MAIL_HDR_FROM_LINE;
			hdr_start = lr.pos;
			continue;
		}
		if (start + line.n < lr.pos && msg[start + line.n] == '\r' &&
		    (lr.pos == start + line.n + 1))
			h->flags |= MAIL_HDR_BARE_CR;
		if (lr.pos - hdr_start > max_bytes)
			return ST_TOOBIG;
		if (memchr(line.p, 0, line.n))
			h->flags |= MAIL_HDR_NUL;
		{
			size_t i;

			for (i = 0; i < line.n; i++)
				if ((unsigned char)line.p[i] >= 0x80) {
					h->flags |= MAIL_HDR_8BIT;
					break;
				}
		}
		if (line.p[0] == ' ' || line.p[0] == '\t') {
			if (!cur) {
				h->flags |= MAIL_HDR_ORPHAN_FOLD;
				continue;
			}
			cur->raw.n = (size_t)(line.p + line.n - cur->raw.p);
			h->hdr_len = lr.pos - hdr_start;
			continue;
		}
		{
			const char *colon = memchr(line.p, ':', line.n);
			struct span name;

			if (colon) {
				name.p = line.p;
				name.n = (size_t)(colon - line.p);
				while (name.n && (name.p[name.n - 1] == ' ' || name.p[name.n - 1] == '\t'))
					name.n--;
			}
			if (!colon || !field_name_ok(name.p, name.n)) {
				h->flags |= MAIL_HDR_NO_SEPARATOR;
				h->body_off = start;
				h->body_line = lr.lineno;
				break;
			}
			if (h->n >= max_fields)
				return ST_TOOBIG;
			st = add_field(h, name, colon + 1, lr.lineno);
			if (st != ST_OK)
				return st;
			cur = &h->f[h->n - 1];
			cur->raw.n = (size_t)(line.p + line.n - (colon + 1));
			h->hdr_len = lr.pos - hdr_start;
		}
	}
	return ST_OK;
}

void mail_hdr_free(struct mail_hdr *h)
{
	if (!h)
		return;
	free(h->f);
	memset(h, 0, sizeof(*h));
}

const struct mail_field *mail_hdr_next(const struct mail_hdr *h, const char *name, size_t *pos)
{
	size_t nl = strlen(name);

	for (; *pos < h->n; (*pos)++) {
		const struct mail_field *f = &h->f[*pos];

		if (f->name.n == nl && ascii_nieq(f->name.p, name, nl)) {
			(*pos)++;
			return f;
		}
	}
	return NULL;
}

int mail_hdr_unfold(struct span raw, struct buf *out)
{
	size_t a = 0, b = raw.n, i, run;

	while (a < b && (raw.p[a] == ' ' || raw.p[a] == '\t' || raw.p[a] == '\r' ||
	                 raw.p[a] == '\n'))
		a++;
	while (b > a && (raw.p[b - 1] == ' ' || raw.p[b - 1] == '\t' || raw.p[b - 1] == '\r' ||
	                 raw.p[b - 1] == '\n'))
		b--;
	for (i = a; i < b;) {
		for (run = i; run < b && raw.p[run] != '\r' && raw.p[run] != '\n' && raw.p[run]; run++)
			;
		if (run > i && buf_add(out, raw.p + i, run - i) != ST_OK)
			return out->err;
		i = run;
		if (i < b) {
			if (!raw.p[i])
				buf_addc(out, ' ');
			i++;
		}
	}
	return out->err;
}

void mail_value_token(const char *v, size_t n, char *dst, size_t dstlen)
{
	size_t i = 0, k = 0;

	if (!dstlen)
		return;
	while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n'))
		i++;
	for (; i < n && v[i] != ';' && v[i] != ' ' && v[i] != '\t' && v[i] != '\r' &&
	       v[i] != '\n' && v[i] != '(' && v[i] != '"'; i++)
		if (k + 1 < dstlen)
			dst[k++] = (char)ascii_lower((unsigned char)v[i]);
	dst[k] = 0;
}

/* One parsed "name=value" of a parameter list. */
struct param {
	struct span name;
	struct span value;
	bool quoted;
};

/* Parse the next parameter at v[*i..n); false at the end. */
static bool next_param(const char *v, size_t n, size_t *i, struct param *p)
{
	size_t k = *i;

	for (;;) {
		while (k < n && v[k] != ';')
			k++;          /* the type/disposition token, or junk, up to ';' */
		if (k >= n)
			return false;
		k++;
		while (k < n && (v[k] == ' ' || v[k] == '\t' || v[k] == '\r' || v[k] == '\n' ||
		                 v[k] == ';'))
			k++;
		p->name.p = v + k;
		while (k < n && v[k] != '=' && v[k] != ';' && v[k] != ' ' && v[k] != '\t' &&
		       v[k] != '\r' && v[k] != '\n')
			k++;
		p->name.n = (size_t)(v + k - p->name.p);
		while (k < n && (v[k] == ' ' || v[k] == '\t' || v[k] == '\r' || v[k] == '\n'))
			k++;
		if (k >= n)
			return false;
		if (v[k] != '=')
			continue;   /* a name without value: go on from the next ';' */
		k++;
		while (k < n && (v[k] == ' ' || v[k] == '\t' || v[k] == '\r' || v[k] == '\n'))
			k++;
		if (k < n && v[k] == '"') {
			k++;
			p->value.p = v + k;
			while (k < n && v[k] != '"') {
				if (v[k] == '\\' && k + 1 < n)
					k++;
				k++;
			}
			p->value.n = (size_t)(v + k - p->value.p);
			p->quoted = true;
			if (k < n)
				k++;
		} else {
			p->value.p = v + k;
			while (k < n && v[k] != ';' && v[k] != ' ' && v[k] != '\t' && v[k] != '\r' &&
			       v[k] != '\n')
				k++;
			p->value.n = (size_t)(v + k - p->value.p);
			p->quoted = false;
		}
		*i = k;
		return true;
	}
}

static void add_quoted(struct buf *out, struct span s, bool quoted)
{
	size_t i;

	for (i = 0; i < s.n; i++) {
		if (quoted && s.p[i] == '\\' && i + 1 < s.n)
			i++;
		if (s.p[i] != '\r' && s.p[i] != '\n')
			buf_addc(out, (unsigned char)s.p[i]);
	}
}

static int hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void add_pct(struct buf *out, struct span s)
{
	size_t i;

	for (i = 0; i < s.n; i++) {
		if (s.p[i] == '%' && i + 2 < s.n &&
		    hexv((unsigned char)s.p[i + 1]) >= 0 && hexv((unsigned char)s.p[i + 2]) >= 0) {
			buf_addc(out, hexv((unsigned char)s.p[i + 1]) << 4 |
			              hexv((unsigned char)s.p[i + 2]));
			i += 2;
		} else {
			buf_addc(out, (unsigned char)s.p[i]);
		}
	}
}

bool mail_param(const char *v, size_t n, const char *param, struct buf *out)
{
	size_t pl = strlen(param), i = 0;
	struct param p;
	struct span plain = { NULL, 0 }, sec[MAIL_MAX_PARAM_SECTIONS];
	bool sec_ext[MAIL_MAX_PARAM_SECTIONS], plain_quoted = false, found_plain = false;
	bool have_sec = false;
	unsigned nsec = 0, k;

	memset(sec, 0, sizeof(sec));
	memset(sec_ext, 0, sizeof(sec_ext));
	while (next_param(v, n, &i, &p)) {
		uint64_t idx;
		const char *rest;
		size_t rn;

		if (p.name.n < pl || !ascii_nieq(p.name.p, param, pl))
			continue;
		rest = p.name.p + pl;
		rn = p.name.n - pl;
		if (rn == 0) {
			if (!found_plain) {
				plain = p.value;
				plain_quoted = p.quoted;
				found_plain = true;
			}
			continue;
		}
		if (rest[0] != '*')
			continue;
		rest++;
		rn--;
		if (rn == 0) {                      /* param*=charset'lang'value */
			sec[0] = p.value;
			sec_ext[0] = true;
			if (nsec < 1)
				nsec = 1;
			have_sec = true;
			continue;
		}
		{
			bool ext = rest[rn - 1] == '*';

			if (ext)
				rn--;
			if (!parse_uint(rest, rn, MAIL_MAX_PARAM_SECTIONS - 1, &idx))
				continue;
			if (sec[idx].p)
				continue;                   /* duplicate section: first wins */
			sec[idx] = p.value;
			sec_ext[idx] = ext;
			if (idx + 1 > nsec)
				nsec = (unsigned)idx + 1;
			have_sec = true;
		}
	}
	if (have_sec && sec[0].p) {
		/* RFC 2231 §4: the first extended section carries charset'language' */
		struct buf raw;
		const char *cs = NULL;
		size_t csn = 0;

		buf_init(&raw, out->max);
		for (k = 0; k < nsec && sec[k].p; k++) {
			struct span s = sec[k];

			if (k == 0 && sec_ext[0]) {
				const char *q1 = memchr(s.p, '\'', s.n), *q2;

				if (q1) {
					q2 = memchr(q1 + 1, '\'', (size_t)(s.p + s.n - q1 - 1));
					if (q2) {
						cs = s.p;
						csn = (size_t)(q1 - s.p);
						s.n -= (size_t)(q2 + 1 - s.p);
						s.p = q2 + 1;
					}
				}
			}
			if (sec_ext[k])
				add_pct(&raw, s);
			else
				add_quoted(&raw, s, true);
		}
		charset_to_utf8(cs, csn, raw.data, raw.len, out, NULL);
		buf_reset(&raw);
		return true;
	}
	if (found_plain) {
		struct buf raw;

		buf_init(&raw, out->max);
		add_quoted(&raw, plain, plain_quoted);
		/* RFC 2047 inside a quoted parameter is forbidden (§5) but common: decode it */
		rfc2047_decode((const char *)raw.data, raw.len, out, NULL);
		buf_reset(&raw);
		return true;
	}
	return false;
}
