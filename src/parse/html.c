/* A forgiving HTML-to-text pass: enough of HTML to read what a mail shows and links to. */
#include <string.h>

#include "html.h"
#include "status.h"
#include "text.h"

struct entity {
	const char *name;
	uint32_t cp;
};

/* Names a scam mail uses to hide or decorate an address, plus the common Latin-1 ones. */
static const struct entity entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
	{ "nbsp", ' ' }, { "commat", '@' }, { "period", '.' }, { "lowbar", '_' },
	{ "hyphen", '-' }, { "dash", 0x2010 }, { "colon", ':' }, { "semi", ';' },
	{ "comma", ',' }, { "excl", '!' }, { "num", '#' }, { "dollar", '$' }, { "percnt", '%' },
	{ "plus", '+' }, { "equals", '=' }, { "lpar", '(' }, { "rpar", ')' }, { "lsqb", '[' },
	{ "rsqb", ']' }, { "lbrack", '[' }, { "rbrack", ']' }, { "lcub", '{' }, { "rcub", '}' },
	{ "lbrace", '{' }, { "rbrace", '}' }, { "sol", '/' }, { "bsol", '\\' }, { "Hat", '^' },
	{ "grave", '`' }, { "verbar", '|' }, { "vert", '|' }, { "quest", '?' }, { "ast", '*' },
	{ "midast", '*' }, { "tilde", 0x2dc }, { "copy", 0xa9 }, { "reg", 0xae },
	{ "trade", 0x2122 }, { "hellip", 0x2026 }, { "ndash", 0x2013 }, { "mdash", 0x2014 },
	{ "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "ldquo", 0x201c }, { "rdquo", 0x201d },
	{ "sbquo", 0x201a }, { "bdquo", 0x201e }, { "laquo", 0xab }, { "raquo", 0xbb },
	{ "middot", 0xb7 }, { "bull", 0x2022 }, { "euro", 0x20ac }, { "pound", 0xa3 },
	{ "yen", 0xa5 }, { "cent", 0xa2 }, { "sect", 0xa7 }, { "para", 0xb6 }, { "deg", 0xb0 },
	{ "shy", 0xad }, { "zwnj", 0x200c }, { "zwj", 0x200d }, { "ensp", ' ' }, { "emsp", ' ' },
	{ "thinsp", ' ' }, { "iexcl", 0xa1 }, { "iquest", 0xbf }, { "times", 0xd7 },
	{ "divide", 0xf7 }, { "frac12", 0xbd }, { "agrave", 0xe0 }, { "aacute", 0xe1 },
	{ "acirc", 0xe2 }, { "atilde", 0xe3 }, { "auml", 0xe4 }, { "aring", 0xe5 },
	{ "aelig", 0xe6 }, { "ccedil", 0xe7 }, { "egrave", 0xe8 }, { "eacute", 0xe9 },
	{ "ecirc", 0xea }, { "euml", 0xeb }, { "igrave", 0xec }, { "iacute", 0xed },
	{ "icirc", 0xee }, { "iuml", 0xef }, { "ntilde", 0xf1 }, { "ograve", 0xf2 },
	{ "oacute", 0xf3 }, { "ocirc", 0xf4 }, { "otilde", 0xf5 }, { "ouml", 0xf6 },
	{ "oslash", 0xf8 }, { "ugrave", 0xf9 }, { "uacute", 0xfa }, { "ucirc", 0xfb },
	{ "uuml", 0xfc }, { "yacute", 0xfd }, { "szlig", 0xdf }, { "Agrave", 0xc0 },
	{ "Aacute", 0xc1 }, { "Acirc", 0xc2 }, { "Auml", 0xc4 }, { "Aring", 0xc5 },
	{ "Ccedil", 0xc7 }, { "Egrave", 0xc8 }, { "Eacute", 0xc9 }, { "Ntilde", 0xd1 },
	{ "Ouml", 0xd6 }, { "Uuml", 0xdc },
};

/* Names HTML allows without the final ';' (a subset of the legacy list). */
static bool legacy(const char *name)
{
	static const char *const l[] = { "amp", "lt", "gt", "quot", "nbsp", "copy", "reg" };
	size_t i;

	for (i = 0; i < sizeof(l) / sizeof(l[0]); i++)
		if (strcmp(l[i], name) == 0)
			return true;
	return false;
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(int c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

size_t html_entity(const char *s, size_t n, struct buf *out)
{
	size_t i = 1;
	uint32_t cp = 0;

	if (n < 3 || s[0] != '&')
		return 0;
	if (s[1] == '#') {
		bool hex = n > 2 && (s[2] == 'x' || s[2] == 'X');
		size_t digits = 0;

		i = hex ? 3 : 2;
		for (; i < n && digits < 8; i++, digits++) {
			int c = (unsigned char)s[i], v;

			if (c >= '0' && c <= '9')
				v = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				v = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				v = c - 'A' + 10;
			else
				break;
			cp = cp * (hex ? 16u : 10u) + (uint32_t)v;
		}
		if (!digits)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
			cp = 0xfffd;
		utf8_put(out, cp == 0xa0 ? ' ' : cp);
		return i;
	}
	{
		char name[12];
		size_t k = 0, e;

		while (i < n && is_alnum((unsigned char)s[i]) && k < sizeof(name) - 1)
			name[k++] = s[i++];
		name[k] = 0;
		if (!k)
			return 0;
		for (e = 0; e < sizeof(entities) / sizeof(entities[0]); e++) {
			if (strcmp(entities[e].name, name) != 0)
				continue;
			if (i < n && s[i] == ';')
				i++;
			else if (!legacy(name))
				return 0;
			utf8_put(out, entities[e].cp);
			return i;
		}
		/* case-insensitive second chance for the common ones (&AMP; &NBSP;) */
		for (e = 0; e < 6; e++) {
			if (ascii_ieq(entities[e].name, name)) {
				if (i < n && s[i] == ';')
					i++;
				utf8_put(out, entities[e].cp);
				return i;
			}
		}
	}
	return 0;
}

static bool tag_is(const char *name, size_t n, const char *lit)
{
	return strlen(lit) == n && ascii_nieq(name, lit, n);
}

static bool block_tag(const char *name, size_t n)
{
	static const char *const b[] = {
		"br", "p", "div", "tr", "li", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5",
		"h6", "blockquote", "hr", "title", "pre", "center", "dd", "dt", "dl", "address",
		"section", "article", "header", "footer", "tbody", "thead", "form", "body", "html",
		"head", "option", "caption",
	};
	size_t i;

	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		if (tag_is(name, n, b[i]))
			return true;
	return false;
}

/* Find the end of a tag starting at in[i] == '<', honouring quoted attribute values. */
static size_t tag_end(const char *in, size_t n, size_t i)
{
	char q = 0;
	size_t j, lim = n - i > HTML_MAX_TAG ? i + HTML_MAX_TAG : n;

	for (j = i + 1; j < lim; j++) {
		if (q) {
			if (in[j] == q)
				q = 0;
		} else if (in[j] == '"' || in[j] == '\'') {
			/* a quote only opens a value right after '=' (possibly with blanks) */
			size_t k = j;

			while (k > i && (in[k - 1] == ' ' || in[k - 1] == '\t'))
				k--;
			if (k > i && in[k - 1] == '=')
				q = in[j];
		} else if (in[j] == '>') {
			return j;
		}
	}
	return 0;
}

/* Find the value of attribute `attr` inside the tag text t[0..n). */
static bool attr_value(const char *t, size_t n, const char *attr, const char **v, size_t *vn)
{
	size_t al = strlen(attr), i = 0;

	while (i < n) {
		size_t s, e;

		while (i < n && !is_alpha((unsigned char)t[i]))
			i++;
		s = i;
		while (i < n && (is_alnum((unsigned char)t[i]) || t[i] == '-' || t[i] == '_' ||
		                 t[i] == ':'))
			i++;
		e = i;
		while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n'))
			i++;
		if (i >= n || t[i] != '=') {
			continue;
		}
		i++;
		while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n'))
			i++;
		{
			size_t vs, ve;

			if (i < n && (t[i] == '"' || t[i] == '\'')) {
				char q = t[i++];

				vs = i;
				while (i < n && t[i] != q)
					i++;
				ve = i;
				if (i < n)
					i++;
			} else {
				vs = i;
				while (i < n && t[i] != ' ' && t[i] != '\t' && t[i] != '\r' &&
				       t[i] != '\n' && t[i] != '>')
					i++;
				ve = i;
			}
			if (e - s == al && ascii_nieq(t + s, attr, al)) {
				*v = t + vs;
				*vn = ve - vs;
				return true;
			}
		}
	}
	return false;
}

/* Append text with character references decoded. */
static void text_run(const char *s, size_t n, struct buf *out, struct html_report *rep)
{
	size_t i = 0, run, used;

	while (i < n) {
		for (run = i; run < n && s[run] != '&'; run++)
			;
		if (run > i)
			buf_add(out, s + i, run - i);
		i = run;
		if (i >= n)
			break;
		used = html_entity(s + i, n - i, out);
		if (used) {
			if (rep)
				rep->entities++;
			i += used;
		} else {
			buf_addc(out, '&');
			i++;
		}
	}
}

static void emit_mailto(const char *v, size_t vn, struct buf *out, struct html_report *rep)
{
	struct buf tmp;
	size_t a = 0, b;

	buf_init(&tmp, 4096);
	text_run(v, vn, &tmp, NULL);
	while (a < tmp.len && (tmp.data[a] == ' ' || tmp.data[a] == '\t' || tmp.data[a] == '\n' ||
	                       tmp.data[a] == '\r'))
		a++;
	if (tmp.len - a > 7 && ascii_nieq((const char *)tmp.data + a, "mailto:", 7)) {
		buf_adds(out, " mailto:");
		for (b = a + 7; b < tmp.len; b++) {
			uint8_t c = tmp.data[b];

			/* keep the URI one token: blanks inside are dropped */
			if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
				buf_addc(out, c);
		}
		buf_addc(out, ' ');
		if (rep)
			rep->mailtos++;
	}
	buf_reset(&tmp);
}

/* Skip to the closing tag `</name` (case-insensitive); returns the index after its '>'. */
static size_t skip_block(const char *in, size_t n, size_t i, const char *name)
{
	size_t nl = strlen(name), j;

	for (j = i; j + 2 + nl <= n; j++) {
		if (in[j] == '<' && in[j + 1] == '/' && ascii_nieq(in + j + 2, name, nl)) {
			const char *gt = memchr(in + j, '>', n - j);

			return gt ? (size_t)(gt - in) + 1 : n;
		}
	}
	return n;
}

int html_to_text(const char *in, size_t n, struct buf *out, struct html_report *rep)
{
	size_t i = 0, lit_until = 0;

	while (i < n && !out->err) {
		const char *lt = memchr(in + i, '<', n - i);
		size_t at = lt ? (size_t)(lt - in) : n, end, ns, ne;
		bool closing;

		text_run(in + i, at - i, out, rep);
		i = at;
		if (i >= n)
			break;
		if (n - i >= 4 && memcmp(in + i, "<!--", 4) == 0) {
			size_t j;

			for (j = i + 4; j + 3 <= n && memcmp(in + j, "-->", 3) != 0; j++)
				;
			i = j + 3 <= n ? j + 3 : n;
			if (rep)
				rep->skipped++;
			continue;
		}
		/* A '<' whose tag never closed makes every '<' up to where that search stopped
		 * text as well: keeps the pass linear on "<a x=\"<a x=\"..." bombs. */
		end = i < lit_until ? 0 : tag_end(in, n, i);
		if (!end && i >= lit_until)
			lit_until = n - i > HTML_MAX_TAG ? i + HTML_MAX_TAG : n;
		if (!end || (i + 1 < n && !is_alpha((unsigned char)in[i + 1]) && in[i + 1] != '/' &&
		             in[i + 1] != '!' && in[i + 1] != '?')) {
			buf_addc(out, '<');   /* "a < b", or a '<' that never closes: text */
			i++;
			continue;
		}
		if (rep)
			rep->tags++;
		ns = i + 1;
		closing = ns < end && in[ns] == '/';
		if (closing)
			ns++;
		ne = ns;
		while (ne < end && (is_alnum((unsigned char)in[ne])))
			ne++;
		if (!closing && (tag_is(in + ns, ne - ns, "script") ||
		                 tag_is(in + ns, ne - ns, "style"))) {
			char name[8];

			memcpy(name, in + ns, ne - ns);
			name[ne - ns] = 0;
			i = skip_block(in, n, end + 1, name);
			if (rep)
				rep->skipped++;
			continue;
		}
		if (!closing && (tag_is(in + ns, ne - ns, "a") || tag_is(in + ns, ne - ns, "area"))) {
			const char *v;
			size_t vn;

			if (attr_value(in + ne, end - ne, "href", &v, &vn))
				emit_mailto(v, vn, out, rep);
		} else if (tag_is(in + ns, ne - ns, "td") || tag_is(in + ns, ne - ns, "th")) {
			if (!closing)
				buf_addc(out, ' ');
		} else if (block_tag(in + ns, ne - ns)) {
			buf_addc(out, '\n');
		}
		i = end + 1;
	}
	return out->err;
}
