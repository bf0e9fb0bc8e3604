/* Small strict readers for the generator's XML (IANA registries) and JSON (RDAP) inputs. */
#include <string.h>

#include "jsonr.h"
#include "snap_bld.h"
#include "status.h"
#include "text.h"

/* Position in an input with its line number. */
struct rd {
	struct bld *b;
	int src;
	const char *p, *end;
	unsigned long line;
};

static void rd_init(struct rd *r, struct bld *b, int src)
{
	r->b = b;
	r->src = src;
	r->p = b->src[src].data;
	r->end = r->p + b->src[src].len;
	r->line = 1;
}

static void adv(struct rd *r, size_t n)
{
	while (n-- && r->p < r->end) {
		if (*r->p == '\n')
			r->line++;
		r->p++;
	}
}

static bool at(const struct rd *r, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(r->end - r->p) >= n && memcmp(r->p, lit, n) == 0;
}

static void skip_ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		adv(r, 1);
}

/* ---- XML ---- */

static bool name_start(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':';
}

static bool name_char(int c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static const char *xml_name(struct rd *r)
{
	const char *s = r->p;

	if (r->p >= r->end || !name_start((unsigned char)*r->p))
		return NULL;
	while (r->p < r->end && name_char((unsigned char)*r->p))
		r->p++;
	return bld_strndup(&r->b->a, s, (size_t)(r->p - s));
}

/* Decode text up to `stop` (exclusive) with entity references into the arena. */
static const char *xml_decode(struct rd *r, const char *s, const char *e, unsigned long line)
{
	struct buf out;
	const char *res;

	buf_init(&out, BLD_MAX_LINE * 64);
	while (s < e) {
		if (*s != '&') {
			buf_addc(&out, *s++);
			continue;
		}
		{
			const char *semi = memchr(s, ';', (size_t)(e - s));
			size_t n;
			uint64_t cp;

			if (!semi || semi - s > 12) {
				buf_reset(&out);
				bld_err(r->b, r->src, line, "unterminated entity reference");
				return NULL;
			}
			n = (size_t)(semi - s - 1);
			if (n == 3 && memcmp(s + 1, "amp", 3) == 0)
				buf_addc(&out, '&');
			else if (n == 2 && memcmp(s + 1, "lt", 2) == 0)
				buf_addc(&out, '<');
			else if (n == 2 && memcmp(s + 1, "gt", 2) == 0)
				buf_addc(&out, '>');
			else if (n == 4 && memcmp(s + 1, "quot", 4) == 0)
				buf_addc(&out, '"');
			else if (n == 4 && memcmp(s + 1, "apos", 4) == 0)
				buf_addc(&out, '\'');
			else if (n >= 2 && s[1] == '#' && s[2] != 'x' &&
			         parse_uint(s + 2, n - 1, 0x10FFFF, &cp) && cp)
				utf8_put(&out, (uint32_t)cp);
			else if (n >= 3 && s[1] == '#' && s[2] == 'x') {
				uint64_t v = 0;
				size_t i;

				for (i = 3; i <= n; i++) {
					int c = ascii_lower((unsigned char)s[i]);

					if (c >= '0' && c <= '9')
						v = v * 16 + (uint64_t)(c - '0');
					else if (c >= 'a' && c <= 'f')
						v = v * 16 + (uint64_t)(c - 'a' + 10);
					else
						break;
				}
				if (i <= n || v == 0 || v > 0x10FFFF) {
					buf_reset(&out);
					bld_err(r->b, r->src, line, "bad character reference");
					return NULL;
				}
				utf8_put(&out, (uint32_t)v);
			} else {
				buf_reset(&out);
				bld_err(r->b, r->src, line, "unknown entity '&%.*s;'", (int)n, s + 1);
				return NULL;
			}
			s = semi + 1;
		}
	}
	if (out.err) {
		buf_reset(&out);
		bld_err(r->b, r->src, line, "text too long");
		return NULL;
	}
	res = bld_strndup(&r->b->a, out.data ? (const char *)out.data : "", out.len);
	buf_reset(&out);
	return res;
}

static int xml_skip_misc(struct rd *r)
{
	for (;;) {
		skip_ws(r);
		if (at(r, "<?")) {
			const char *e = strstr(r->p, "?>");

			if (!e || e >= r->end)
				return bld_err(r->b, r->src, r->line, "unterminated processing instruction");
			adv(r, (size_t)(e - r->p) + 2);
		} else if (at(r, "<!--")) {
			const char *e = strstr(r->p + 4, "-->");

			if (!e || e >= r->end)
				return bld_err(r->b, r->src, r->line, "unterminated comment");
			adv(r, (size_t)(e - r->p) + 3);
		} else if (at(r, "<!")) {
			return bld_err(r->b, r->src, r->line, "DOCTYPE and declarations not supported");
		} else {
			return ST_OK;
		}
	}
}

static int push_kid(struct bld *b, struct bvec *kids, struct xnode *k)
{
	struct xnode **slot = bvec_push(kids);

	if (!slot)
		return bld_err(b, -1, 0, "out of memory");
	*slot = k;
	return ST_OK;
}

static int finish_kids(struct bld *b, struct xnode *n, struct bvec *kids)
{
	n->nkid = kids->n;
	if (kids->n) {
		n->kid = bld_alloc(&b->a, kids->n * sizeof(*n->kid));
		if (!n->kid) {
			bvec_free(kids);
			return bld_err(b, -1, 0, "out of memory");
		}
		memcpy(n->kid, kids->p, kids->n * sizeof(*n->kid));
	}
	bvec_free(kids);
	return ST_OK;
}

static int xml_element(struct rd *r, int depth, struct xnode **out);

/* Content of an element up to and including its end tag. */
static int xml_content(struct rd *r, int depth, struct xnode *n)
{
	struct bvec kids;
	int st;

	bvec_init(&kids, sizeof(struct xnode *));
	for (;;) {
		const char *s = r->p;
		unsigned long line = r->line;

		while (r->p < r->end && *r->p != '<')
			adv(r, 1);
		if (r->p > s) {
			struct xnode *t = bld_alloc(&r->b->a, sizeof(*t));

			if (!t) {
				st = bld_err(r->b, -1, 0, "out of memory");
				goto bad;
			}
			memset(t, 0, sizeof(*t));
			t->line = line;
			t->text = xml_decode(r, s, r->p, line);
			if (!t->text) {
				st = ST_MALFORMED;
				goto bad;
			}
			st = push_kid(r->b, &kids, t);
			if (st)
				goto bad;
		}
		if (r->p >= r->end) {
			st = bld_err(r->b, r->src, r->line, "end of file inside <%s> (line %lu)", n->name,
			             n->line);
			goto bad;
		}
		if (at(r, "</")) {
			const char *name;

			adv(r, 2);
			name = xml_name(r);
			skip_ws(r);
			if (!name || strcmp(name, n->name) != 0 || !at(r, ">")) {
				st = bld_err(r->b, r->src, r->line, "expected </%s> for line %lu", n->name,
				             n->line);
				goto bad;
			}
			adv(r, 1);
			return finish_kids(r->b, n, &kids);
		}
		if (at(r, "<!--")) {
			const char *e = strstr(r->p + 4, "-->");

			if (!e || e >= r->end) {
				st = bld_err(r->b, r->src, r->line, "unterminated comment");
				goto bad;
			}
			adv(r, (size_t)(e - r->p) + 3);
			continue;
		}
		if (at(r, "<![CDATA[")) {
			const char *e = strstr(r->p + 9, "]]>");
			struct xnode *t;

			if (!e || e >= r->end) {
				st = bld_err(r->b, r->src, r->line, "unterminated CDATA section");
				goto bad;
			}
			t = bld_alloc(&r->b->a, sizeof(*t));
			if (!t) {
				st = bld_err(r->b, -1, 0, "out of memory");
				goto bad;
			}
			memset(t, 0, sizeof(*t));
			t->line = r->line;
			t->text = bld_strndup(&r->b->a, r->p + 9, (size_t)(e - r->p - 9));
			adv(r, (size_t)(e - r->p) + 3);
			st = push_kid(r->b, &kids, t);
			if (st)
				goto bad;
			continue;
		}
		if (at(r, "<?")) {
			const char *e = strstr(r->p, "?>");

			if (!e || e >= r->end) {
				st = bld_err(r->b, r->src, r->line, "unterminated processing instruction");
				goto bad;
			}
			adv(r, (size_t)(e - r->p) + 2);
			continue;
		}
		{
			struct xnode *k;

			st = xml_element(r, depth + 1, &k);
			if (st)
				goto bad;
			st = push_kid(r->b, &kids, k);
			if (st)
				goto bad;
		}
	}
bad:
	bvec_free(&kids);
	return st;
}

static int xml_element(struct rd *r, int depth, struct xnode **out)
{
	struct xnode *n;
	struct bvec attrs;
	int st;

	if (depth > BLD_XML_DEPTH)
		return bld_err(r->b, r->src, r->line, "elements nested too deeply");
	if (!at(r, "<"))
		return bld_err(r->b, r->src, r->line, "expected an element");
	n = bld_alloc(&r->b->a, sizeof(*n));
	if (!n)
		return bld_err(r->b, -1, 0, "out of memory");
	memset(n, 0, sizeof(*n));
	n->line = r->line;
	adv(r, 1);
	n->name = xml_name(r);
	if (!n->name)
		return bld_err(r->b, r->src, r->line, "bad element name");
	bvec_init(&attrs, sizeof(const char *));
	for (;;) {
		const char *an, *vs, **slot;
		char q;

		skip_ws(r);
		if (at(r, "/>") || at(r, ">"))
			break;
		an = xml_name(r);
		skip_ws(r);
		if (!an || !at(r, "=")) {
			st = bld_err(r->b, r->src, r->line, "bad attribute in <%s>", n->name);
			goto bad;
		}
		adv(r, 1);
		skip_ws(r);
		if (r->p >= r->end || (*r->p != '"' && *r->p != '\'')) {
			st = bld_err(r->b, r->src, r->line, "attribute %s: value not quoted", an);
			goto bad;
		}
		q = *r->p;
		adv(r, 1);
		vs = r->p;
		while (r->p < r->end && *r->p != q && *r->p != '<')
			adv(r, 1);
		if (r->p >= r->end || *r->p != q) {
			st = bld_err(r->b, r->src, r->line, "attribute %s: unterminated value", an);
			goto bad;
		}
		slot = bvec_push(&attrs);
		if (!slot) {
			st = bld_err(r->b, -1, 0, "out of memory");
			goto bad;
		}
		*slot = an;
		slot = bvec_push(&attrs);
		if (!slot) {
			st = bld_err(r->b, -1, 0, "out of memory");
			goto bad;
		}
		*slot = xml_decode(r, vs, r->p, r->line);
		if (!*slot) {
			st = ST_MALFORMED;
			goto bad;
		}
		adv(r, 1);
	}
	n->nattr = attrs.n / 2;
	if (attrs.n) {
		n->attr = bld_alloc(&r->b->a, attrs.n * sizeof(*n->attr));
		if (!n->attr) {
			st = bld_err(r->b, -1, 0, "out of memory");
			goto bad;
		}
		memcpy(n->attr, attrs.p, attrs.n * sizeof(*n->attr));
	}
	bvec_free(&attrs);
	*out = n;
	if (at(r, "/>")) {
		adv(r, 2);
		return ST_OK;
	}
	adv(r, 1);
	return xml_content(r, depth, n);
bad:
	bvec_free(&attrs);
	return st;
}

int bld_xml_parse(struct bld *b, int src, struct xnode **root)
{
	struct rd r;
	int st;

	rd_init(&r, b, src);
	if (at(&r, "\xEF\xBB\xBF"))
		adv(&r, 3);
	st = xml_skip_misc(&r);
	if (st)
		return st;
	st = xml_element(&r, 0, root);
	if (st)
		return st;
	st = xml_skip_misc(&r);
	if (st)
		return st;
	if (r.p < r.end)
		return bld_err(b, src, r.line, "content after the root element");
	return ST_OK;
}

const char *bld_xml_attr(const struct xnode *n, const char *name)
{
	size_t i;

	for (i = 0; n && i < n->nattr; i++)
		if (strcmp(n->attr[2 * i], name) == 0)
			return n->attr[2 * i + 1];
	return NULL;
}

struct xnode *bld_xml_child(const struct xnode *n, const char *name)
{
	size_t i;

	for (i = 0; n && i < n->nkid; i++)
		if (n->kid[i]->name && strcmp(n->kid[i]->name, name) == 0)
			return n->kid[i];
	return NULL;
}

static void text_into(const struct xnode *n, struct buf *out)
{
	size_t i;

	for (i = 0; i < n->nkid; i++) {
		const struct xnode *k = n->kid[i];
		const char *type, *data;

		if (!k->name) {
			buf_adds(out, k->text);
			continue;
		}
		if (strcmp(k->name, "xref") != 0) {
			text_into(k, out);
			continue;
		}
		type = bld_xml_attr(k, "type");
		data = bld_xml_attr(k, "data");
		if (type && (strcmp(type, "note") == 0 || strcmp(type, "footnote") == 0))
			continue;   /* footnote markers carry no text */
		if (type && data && strcmp(type, "rfc") == 0) {
			const char *p;

			for (p = data; *p; p++)
				buf_addc(out, *p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		} else if (type && data && strcmp(type, "rfc-errata") == 0) {
			buf_printf(out, "RFC Errata %s", data);
		} else if (k->nkid) {
			text_into(k, out);
		} else if (data) {
			buf_adds(out, data);
		}
		/* Adjacent references ("<xref rfc8880/><xref rfc7050/>") need a separator. */
		if (i + 1 < n->nkid && n->kid[i + 1]->name && strcmp(n->kid[i + 1]->name, "xref") == 0)
			buf_adds(out, ", ");
	}
}

const char *bld_xml_text(struct bld *b, const struct xnode *n)
{
	struct buf raw;
	char *res, *w;
	const char *p;
	bool space = false;

	if (!n)
		return "";
	buf_init(&raw, BLD_MAX_LINE * 64);
	text_into(n, &raw);
	if (raw.err) {
		buf_reset(&raw);
		return NULL;
	}
	res = bld_alloc(&b->a, raw.len + 1);
	if (!res) {
		buf_reset(&raw);
		return NULL;
	}
	w = res;
	for (p = buf_str(&raw); *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			space = w > res;
			continue;
		}
		if (space)
			*w++ = ' ';
		space = false;
		*w++ = *p;
	}
	*w = 0;
	buf_reset(&raw);
	return res;
}

/* ---- JSON (the project's reader, with the generator's file:line errors) ---- */

int bld_json_parse(struct bld *b, int src, struct jr_val **root)
{
	const char *p = b->src[src].data;
	size_t n = b->src[src].len, used = 0, i;
	unsigned long line = 1;
	struct jr_err err;
	int st;

	*root = NULL;
	st = jr_parse(p, n, 1, &used, root, &err);
	if (st == ST_NOMEM)
		return bld_err(b, -1, 0, "out of memory");
	if (st)
		return bld_err(b, src, err.line, "%s", err.msg);
	if (jr_depth(*root) > BLD_JSON_DEPTH) {
		jr_free(*root);
		*root = NULL;
		return bld_err(b, src, 1, "nested too deeply");
	}
	if (used < n) {
		for (i = 0; i < used; i++)
			line += p[i] == '\n';
		jr_free(*root);
		*root = NULL;
		return bld_err(b, src, line, "content after the JSON value");
	}
	return ST_OK;
}
