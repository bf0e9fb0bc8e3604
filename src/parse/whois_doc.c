/* Splits a WHOIS answer into classified lines, objects and sections for the extractors. */
#include <stdlib.h>
#include <string.h>

#include "hostport.h"
#include "status.h"
#include "text.h"
#include "whois_doc.h"
#include "whois_text.h"

#define WDOC_TEXT_SLACK 4096
#define WDOC_KEY_WORDS 8
#define WDOC_GUESS_LINES 400

static bool is_blank_ch(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static struct span skip_blanks(struct span s)
{
	while (s.n && is_blank_ch(s.p[0])) {
		s.p++;
		s.n--;
	}
	return s;
}

static bool starts(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n >= n && memcmp(s.p, lit, n) == 0;
}

/* Does the line hold "word:word:" (an RWhois class:attribute pair) at its start? */
static bool rwhois_attr(struct span s, struct span *attr, struct span *val)
{
	size_t i = 0, a;

	while (i < s.n && (is_alnum(s.p[i]) || s.p[i] == '-' || s.p[i] == '_'))
		i++;
	if (i == 0 || i >= s.n || s.p[i] != ':')
		return false;
	a = ++i;
	while (i < s.n && (is_alnum(s.p[i]) || s.p[i] == '-' || s.p[i] == '_' || s.p[i] == ';'))
		i++;
	if (i == a || i >= s.n || s.p[i] != ':')
		return false;
	attr->p = s.p + a;
	attr->n = i - a;
	val->p = s.p + i + 1;
	val->n = s.n - i - 1;
	return true;
}

/* Characters allowed in a key: enough for every layout seen, few enough to reject prose. */
static bool key_char(unsigned char c)
{
	return is_alnum((char)c) || c == ' ' || c == '\t' || c == '-' || c == '_' || c == '.' ||
	       c == '/' || c == '(' || c == ')' || c == '\'' || c == '&' || c == ';' || c >= 0x80;
}

/* Normalise a key into out: ASCII lower case, blanks collapsed, trailing dots and blanks
 * dropped; an RWhois ";I" suffix dropped when rw. False if empty or too long. */
static bool norm_key(struct span k, bool rw, char *out, size_t cap)
{
	size_t i, o = 0, words = 1;
	bool blank = false;

	if (rw) {
		const char *semi = memchr(k.p, ';', k.n);

		if (semi)
			k.n = (size_t)(semi - k.p);
	}
	k = span_trim(k);
	while (k.n && (k.p[k.n - 1] == '.' || is_blank_ch(k.p[k.n - 1])))
		k.n--;
	if (k.n == 0)
		return false;
	for (i = 0; i < k.n; i++) {
		char c = k.p[i];

		if (is_blank_ch(c)) {
			blank = true;
			continue;
		}
		if (blank) {
			if (o + 1 >= cap || ++words > WDOC_KEY_WORDS)
				return false;
			out[o++] = ' ';
			blank = false;
		}
		if (o + 1 >= cap)
			return false;
		out[o++] = (char)ascii_lower((unsigned char)c);
	}
	out[o] = 0;
	return o > 0;
}

static bool is_comment(struct span t)
{
	struct span s = skip_blanks(t);

	if (s.n == 0)
		return false;
	if (s.p[0] == '%' || s.p[0] == '#')
		return true;
	if (starts(s, ">>>") || starts(s, "<<<"))
		return true;
	if (span_eq(span_trim(s), "--"))
		return true;
	/* "[ banner text ]" (JPRS) */
	return s.n >= 2 && s.p[0] == '[' && s.p[1] == ' ';
}

/* Split "Key  value" at a run of two or more blanks: the longest key that names a known
 * field wins ("Domain  name    x.md" is "domain name"). Lines of such layouts have no colon
 * (.md, .sk, .ch). */
static bool blank_run_attr(const struct wdoc *d, struct span s, struct wdoc_line *l)
{
	char key[WDOC_KEY_MAX];
	size_t i, best = 0;

	for (i = 1; i + 1 < s.n && i < WDOC_KEY_MAX; i++) {
		if (!key_char((unsigned char)s.p[i - 1]))
			break;
		if (!(is_blank_ch(s.p[i]) && is_blank_ch(s.p[i + 1])) || is_blank_ch(s.p[i - 1]) ||
		    s.p[i - 1] == '.')
			continue;   /* a sentence end is prose, not a key */
		if (norm_key((struct span){ s.p, i }, false, key, sizeof(key)) &&
		    wtab_field(d->tab, key, strlen(key)) != WF_NONE) {
			best = i;
			memcpy(l->key, key, sizeof(key));
		}
	}
	if (!best)
		return false;
	l->val = span_trim((struct span){ s.p + best, s.n - best });
	return true;
}

/* Try the line as an attribute; fills key and val (the caller looks the field up). */
static bool parse_attr(const struct wdoc *d, struct span t, struct wdoc_line *l)
{
	struct span s = skip_blanks(t), k, v;
	bool indented = s.p != t.p, colon_ok = false;
	char colon_key[WDOC_KEY_MAX];
	struct span colon_val = { NULL, 0 };
	const char *tab;
	size_t i;

	if (s.n == 0)
		return false;
	if (d->fmt == WFMT_RWHOIS && rwhois_attr(s, &k, &v)) {
		if (!norm_key(k, true, l->key, sizeof(l->key)))
			return false;
		l->val = span_trim(v);
		return true;
	}
	/* "[Key]   value" and "a. [Key]   value" */
	if (s.p[0] == '[' || (s.n > 4 && is_alnum(s.p[0]) && s.p[1] == '.' && s.p[2] == ' ' &&
	                      s.p[3] == '[')) {
		const char *open = s.p[0] == '[' ? s.p : s.p + 3;
		const char *close = memchr(open, ']', s.n - (size_t)(open - s.p));

		if (!close || close == open + 1)
			return false;
		k.p = open + 1;
		k.n = (size_t)(close - open - 1);
		if (k.n >= WDOC_KEY_MAX || is_blank_ch(k.p[0]))
			return false;
		if (!norm_key(k, false, l->key, sizeof(l->key)))
			return false;
		v.p = close + 1;
		v.n = s.n - (size_t)(close + 1 - s.p);
		v = span_trim(v);
		if (v.n && v.p[0] == ':')
			v = span_trim((struct span){ v.p + 1, v.n - 1 });
		l->val = v;
		return true;
	}
	/* "Key: value" */
	for (i = 0; i < s.n && i <= WDOC_KEY_MAX; i++)
		if (s.p[i] == ':' || !key_char((unsigned char)s.p[i]))
			break;
	if (i < s.n && s.p[i] == ':' && i > 0 && (is_alnum(s.p[0]) || (unsigned char)s.p[0] >= 0x80)) {
		v.p = s.p + i + 1;
		v.n = s.n - i - 1;
		if (!(v.n >= 2 && v.p[0] == '/' && v.p[1] == '/') &&     /* "http://..." */
		    norm_key((struct span){ s.p, i }, false, colon_key, sizeof(colon_key))) {
			colon_ok = true;
			colon_val = span_trim(v);
			if (wtab_field(d->tab, colon_key, strlen(colon_key)) != WF_NONE)
				goto use_colon;
		}
	}
	if (!indented && d->blank_keys) {
		/* "Key<TAB>value" (SWITCH .ch) */
		tab = memchr(s.p, '\t', s.n);
		if (tab && tab > s.p && (size_t)(tab - s.p) < WDOC_KEY_MAX &&
		    (!colon_ok || tab < s.p + i) && is_alnum(s.p[0])) {
			for (k.n = 0; s.p + k.n < tab; k.n++)
				if (!key_char((unsigned char)s.p[k.n]))
					break;
			k.p = s.p;
			if (s.p + k.n == tab && norm_key(k, false, l->key, sizeof(l->key))) {
				l->val = span_trim((struct span){ tab + 1, s.n - (size_t)(tab + 1 - s.p) });
				return true;
			}
		}
		if (is_alnum(s.p[0]) && blank_run_attr(d, s, l))
			return true;
	}
	if (!colon_ok)
		return false;
use_colon:
	memcpy(l->key, colon_key, sizeof(colon_key));
	l->val = colon_val;
	return true;
}

static bool is_section_start(const struct wdoc *d, struct span t)
{
	struct span s = span_trim(t);

	if (s.n && s.p[0] == '%' && span_ifind(s, "Information related to") >= 0)
		return true;
	return d->fmt == WFMT_ARIN && span_ieq(s, "# start");
}

enum whois_fmt wdoc_guess_fmt(const char *text, size_t n)
{
	struct line_reader lr;
	struct span l, k, v;
	bool rpsl_obj = false, rpsl_src = false;

	lr_init(&lr, text, n, WDOC_LINE_MAX);
	while (lr_next(&lr, &l) && lr.lineno <= WDOC_GUESS_LINES) {
		struct span s = skip_blanks(l);

		if (starts(s, "% IANA WHOIS server"))
			return WFMT_IANA;
		if (starts(s, "%rwhois V-") || starts(s, "%RWhois V-"))
			return WFMT_RWHOIS;
		if (span_ifind(s, "This is the RIPE Database") >= 0 ||
		    starts(s, "% [whois.apnic.net]") || span_ifind(s, "This is the AfriNIC Whois") >= 0 ||
		    starts(s, "% Information related to '") || starts(s, "% Abuse contact for '"))
			return WFMT_RPSL;
		if (starts(s, "% Joint Whois - whois.lacnic.net") || starts(s, "% Copyright (c) Nic.br") ||
		    starts(s, "nic-hdl-br:") || starts(s, "% LACNIC resource:") || starts(s, "ownerid:"))
			return WFMT_LACNIC;
		if (starts(s, "# ARIN WHOIS data") || starts(s, "NetRange:") ||
		    starts(s, "OrgAbuseEmail:") || starts(s, "ASNumber:") || starts(s, "ReferralServer:") ||
		    starts(s, "CustName:"))
			return WFMT_ARIN;
		if (starts(s, "Registrar WHOIS Server:") || starts(s, "Registry Domain ID:") ||
		    starts(s, "Registrar IANA ID:") || starts(s, "Whois Server Version 2.0") ||
		    starts(s, "Registrar Abuse Contact Email:"))
			return WFMT_ICANN;
		if (starts(s, "[Domain Name]") || starts(s, "[ JPRS database"))
			return WFMT_JPRS;
		if (s.n > 4 && s.p[0] >= 'a' && s.p[0] <= 'z' && s.p[1] == '.' && s.p[2] == ' ' &&
		    s.p[3] == '[')
			return WFMT_JPNIC;
		if (rwhois_attr(s, &k, &v) && starts(s, "network:"))
			return WFMT_RWHOIS;
		if (starts(s, "inetnum:") || starts(s, "inet6num:") || starts(s, "aut-num:"))
			rpsl_obj = true;
		if (starts(s, "source:"))
			rpsl_src = true;
	}
	return rpsl_obj && rpsl_src ? WFMT_RPSL : WFMT_UNKNOWN;
}

static int push_line(struct wdoc *d, const struct wdoc_line *l)
{
	if (d->nlines % 256 == 0) {
		struct wdoc_line *p = realloc(d->lines, (d->nlines + 256) * sizeof(*p));

		if (!p)
			return ST_NOMEM;
		d->lines = p;
	}
	d->lines[d->nlines++] = *l;
	return ST_OK;
}

static int push_obj(struct wdoc *d, size_t first, unsigned sect)
{
	if (d->nobjs % 64 == 0) {
		struct wdoc_obj *p = realloc(d->objs, (d->nobjs + 64) * sizeof(*p));

		if (!p)
			return ST_NOMEM;
		d->objs = p;
	}
	d->objs[d->nobjs].first = first;
	d->objs[d->nobjs].last = first;
	d->objs[d->nobjs].sect = sect;
	d->nobjs++;
	return ST_OK;
}

int wdoc_build(struct wdoc *d, const struct wtab *t, const char *server, enum whois_fmt fmt,
               const void *raw, size_t n)
{
	const struct wtab_server *srv = NULL;
	struct line_reader lr;
	struct span text;
	unsigned sect = 0;
	bool in_obj = false, head_empty = false;
	long header = -1;
	int st;
	size_t i;

	memset(d, 0, sizeof(*d));
	d->tab = t;
	buf_init(&d->text, n * 3 + WDOC_TEXT_SLACK);
	if (server && strlen(server) < sizeof(d->server)) {
		for (i = 0; server[i]; i++)
			d->server[i] = (char)ascii_lower((unsigned char)server[i]);
		srv = wtab_server(t, server);
	}
	st = wtext_to_utf8(srv ? srv->charset : WCS_AUTO, raw, n, &d->text);
	if (st)
		return st;
	d->fmt = fmt;
	if (d->fmt == WFMT_UNKNOWN)
		d->fmt = wdoc_guess_fmt((const char *)d->text.data, d->text.len);
	if (d->fmt == WFMT_UNKNOWN && srv && srv->fmt != WFMT_UNKNOWN)
		d->fmt = srv->fmt;
	if (d->fmt == WFMT_UNKNOWN)
		d->fmt = WFMT_GENERIC;

	/* Layouts without colons ("Key  value", "Key<TAB>value") are recognised only in answers
	 * that do not use "Key: value" for known fields: prose has double blanks too. */
	{
		unsigned known = 0;

		lr_init(&lr, d->text.data, d->text.len, WDOC_LINE_MAX);
		while (lr_next(&lr, &text) && lr.lineno <= WDOC_MAX_LINES && known < 3) {
			struct wdoc_line l;

			memset(&l, 0, sizeof(l));
			if (!is_comment(text) && parse_attr(d, text, &l) &&
			    wtab_field(t, l.key, strlen(l.key)) != WF_NONE)
				known++;
		}
		d->blank_keys = known < 3;
	}
	lr_init(&lr, d->text.data, d->text.len, WDOC_LINE_MAX);
	while (lr_next(&lr, &text)) {
		struct wdoc_line l;

		if (d->nlines >= WDOC_MAX_LINES) {
			d->lines_cut = true;
			break;
		}
		memset(&l, 0, sizeof(l));
		l.text = text;
		l.no = lr.lineno;
		l.fid = WF_NONE;
		if (span_trim(text).n == 0) {
			l.type = WL_BLANK;
		} else if (is_comment(text)) {
			l.type = WL_COMMENT;
			if (is_section_start(d, text))
				sect++;
		} else if (parse_attr(d, text, &l)) {
			l.type = WL_ATTR;
			l.fid = wtab_field(t, l.key, strlen(l.key));
		} else if (d->nlines && d->lines[d->nlines - 1].type == WL_ATTR &&
		           (is_blank_ch(text.p[0]) || text.p[0] == '+' || head_empty)) {
			/* an indented line continues the attribute above; so does any line
			 * under "Key:" with nothing after the colon (Nominet, even unindented) */
			const struct wdoc_line *prev = &d->lines[d->nlines - 1];

			l.type = WL_ATTR;
			l.cont = true;
			memcpy(l.key, prev->key, sizeof(l.key));
			l.fid = prev->fid;
			l.val = span_trim(text);
			if (l.val.n && l.val.p[0] == '+')
				l.val = span_trim((struct span){ l.val.p + 1, l.val.n - 1 });
		} else {
			l.type = WL_TEXT;
		}
		l.sect = sect;
		l.parent = -1;
		/* "Registrar:" alone on a line heads the indented "Name: X" lines below it */
		if (l.type == WL_ATTR && !l.cont && (is_blank_ch(text.p[0])) && header >= 0)
			l.parent = header;
		else if (l.type == WL_ATTR && !l.cont && l.val.n == 0 && !is_blank_ch(text.p[0]))
			header = (long)d->nlines;
		else if (l.type != WL_ATTR || !is_blank_ch(text.p[0]))
			header = -1;
		if (l.type == WL_ATTR && !l.cont)
			head_empty = l.val.n == 0;
		else if (l.type != WL_ATTR)
			head_empty = false;
		if (l.type == WL_ATTR) {
			if (!in_obj || d->objs[d->nobjs - 1].sect != sect) {
				st = push_obj(d, d->nlines, sect);
				if (st)
					return st;
				in_obj = true;
			}
			l.obj = (unsigned)(d->nobjs - 1);
			d->objs[d->nobjs - 1].last = d->nlines;
		} else if (l.type == WL_BLANK || l.type == WL_COMMENT) {
			in_obj = false;
		}
		st = push_line(d, &l);
		if (st)
			return st;
	}
	d->nsects = sect + 1;
	return ST_OK;
}

void wdoc_free(struct wdoc *d)
{
	if (!d)
		return;
	buf_reset(&d->text);
	free(d->lines);
	free(d->objs);
	d->lines = NULL;
	d->objs = NULL;
	d->nlines = d->nobjs = 0;
}

long wdoc_obj_find(const struct wdoc *d, size_t o, enum whois_fid f)
{
	size_t i;

	if (o >= d->nobjs)
		return -1;
	for (i = d->objs[o].first; i <= d->objs[o].last; i++)
		if (d->lines[i].type == WL_ATTR && d->lines[i].fid == f && !d->lines[i].cont)
			return (long)i;
	return -1;
}

bool wdoc_host_record(const struct wdoc *d, size_t i)
{
	return i < d->nlines && d->lines[i].type == WL_ATTR &&
	       strcmp(d->lines[d->objs[d->lines[i].obj].first].key, "server name") == 0;
}

const char *wdoc_obj_type(const struct wdoc *d, size_t o)
{
	return o < d->nobjs ? d->lines[d->objs[o].first].key : "";
}

static bool obj_has_handle(const struct wdoc *d, size_t o, struct span h)
{
	const struct wdoc_line *first = &d->lines[d->objs[o].first];
	long i = wdoc_obj_find(d, o, WF_NIC_HDL);

	if (i >= 0) {
		struct span v = d->lines[i].val;

		if (v.n == h.n && ascii_nieq(v.p, h.p, h.n))
			return true;
	}
	if (first->fid == WF_NIC_HDL || first->fid == WF_ORGANISATION || first->fid == WF_ASN) {
		struct span v = first->val;

		/* "irt: IRT-X" and "organisation: ORG-X" carry their handle in the first line */
		if (v.n == h.n && ascii_nieq(v.p, h.p, h.n))
			return true;
	}
	return false;
}

long wdoc_obj_by_handle(const struct wdoc *d, struct span h, unsigned sect)
{
	size_t o;

	h = span_trim(h);
	if (h.n == 0)
		return -1;
	for (o = 0; o < d->nobjs; o++)
		if (d->objs[o].sect == sect && obj_has_handle(d, o, h))
			return (long)o;
	for (o = 0; o < d->nobjs; o++)
		if (obj_has_handle(d, o, h))
			return (long)o;
	return -1;
}

static bool local_char(char c)
{
	return is_alnum(c) || (c && strchr(".!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

static bool domain_char(char c)
{
	return is_alnum(c) || c == '.' || c == '-';
}

/* Check local@domain where both parts are already delimited. */
static bool email_parts_ok(struct span local, struct span dom)
{
	size_t i, tl;
	const char *dot;

	if (local.n == 0 || local.n > 64 || dom.n < 4 || dom.n > 253)
		return false;
	if (local.p[0] == '.' || local.p[local.n - 1] == '.')
		return false;
	for (i = 0; i < local.n; i++)
		if (!local_char(local.p[i]))
			return false;
	if (!hostname_valid(dom.p, dom.n) || dom.p[dom.n - 1] == '.')
		return false;
	for (i = 0; i < dom.n; i++)
		if (dom.p[i] == '_')
			return false;
	/* a dot, and a top-level label of letters (or an "xn--" A-label) */
	dot = NULL;
	for (i = 0; i < dom.n; i++)
		if (dom.p[i] == '.')
			dot = dom.p + i;
	if (!dot)
		return false;
	dot++;
	tl = (size_t)(dom.p + dom.n - dot);
	if (tl < 2)
		return false;
	if (tl > 4 && ascii_nieq(dot, "xn--", 4))
		return true;
	for (i = 0; i < tl; i++)
		if (!((dot[i] >= 'a' && dot[i] <= 'z') || (dot[i] >= 'A' && dot[i] <= 'Z')))
			return false;
	return true;
}

bool wdoc_next_email(struct span s, size_t *pos, struct span *out)
{
	size_t i;

	for (i = *pos; i < s.n; i++) {
		size_t a, b;
		struct span local, dom;

		if (s.p[i] != '@')
			continue;
		a = i;
		while (a > 0 && local_char(s.p[a - 1]))
			a--;
		/* a leading dot or quote is punctuation, not part of the address */
		while (a < i && (s.p[a] == '.' || s.p[a] == '\''))
			a++;
		b = i + 1;
		while (b < s.n && domain_char(s.p[b]))
			b++;
		while (b > i + 1 && (s.p[b - 1] == '.' || s.p[b - 1] == '-'))
			b--;
		local.p = s.p + a;
		local.n = i - a;
		dom.p = s.p + i + 1;
		dom.n = b - i - 1;
		if (email_parts_ok(local, dom)) {
			out->p = s.p + a;
			out->n = b - a;
			*pos = b;
			return true;
		}
	}
	*pos = s.n;
	return false;
}

bool wdoc_is_email(struct span s)
{
	struct span e;
	size_t pos = 0;

	s = span_trim(s);
	return s.n && wdoc_next_email(s, &pos, &e) && e.p == s.p && e.n == s.n;
}
