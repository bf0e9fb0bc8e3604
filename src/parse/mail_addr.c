/* Address-list parsing that survives real spam, and the address syntax checks. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mail_addr.h"
#include "rfc2047.h"
#include "status.h"
#include "text.h"

#define MAIL_MAX_DISPLAY (16u * 1024u) /* decoded display name kept per mailbox */

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Index just after the comment that starts at s[i] == '(' (nested, with quoted pairs). */
static size_t skip_comment(const char *s, size_t n, size_t i)
{
	int depth = 0;

	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
		} else if (s[i] == '(') {
			depth++;
		} else if (s[i] == ')') {
			if (--depth == 0)
				return i + 1;
		}
	}
	return n;
}

/* Index just after the quoted string that starts at s[i] == '"' (end of text if open). */
static size_t skip_quoted(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return n;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

/*
 * Decode a display-name phrase: quoted strings lose their quotes and quoted pairs,
 * comments are kept as text only when nothing else is there, blanks are collapsed, and
 * encoded words are decoded (also inside quotes, which RFC 2047 §5 forbids but spam uses).
 */
static char *decode_display(const char *s, size_t n)
{
	struct buf raw, out;
	size_t i = 0;
	char *r = NULL;
	bool space = false;

	buf_init(&raw, MAIL_MAX_DISPLAY);
	buf_init(&out, MAIL_MAX_DISPLAY);
	while (i < n) {
		if (s[i] == '"') {
			size_t e = skip_quoted(s, n, i), j;

			if (space && raw.len)
				buf_addc(&raw, ' ');
			space = false;
			for (j = i + 1; j < e && !(j == e - 1 && s[j] == '"'); j++) {
				if (s[j] == '\\' && j + 1 < e)
					j++;
				buf_addc(&raw, (unsigned char)s[j]);
			}
			i = e;
		} else if (s[i] == '(') {
			i = skip_comment(s, n, i);
			space = true;
		} else if (blank(s[i])) {
			space = true;
			i++;
		} else {
			if (space && raw.len)
				buf_addc(&raw, ' ');
			space = false;
			buf_addc(&raw, (unsigned char)s[i]);
			i++;
		}
	}
	if (!raw.len) {
		/* only comments: "addr (Real Name)" style, use the comment text */
		for (i = 0; i < n; i++) {
			if (s[i] == '(' || s[i] == ')')
				continue;
			buf_addc(&raw, (unsigned char)s[i]);
		}
	}
	{
		size_t a = 0, b = raw.len;

		while (a < b && blank((char)raw.data[a]))
			a++;
		while (b > a && blank((char)raw.data[b - 1]))
			b--;
		if (b > a) {
			rfc2047_decode((const char *)raw.data + a, b - a, &out, NULL);
			if (!out.err && out.len)
				r = dup_n((const char *)out.data, out.len);
		}
	}
	buf_reset(&raw);
	buf_reset(&out);
	return r;
}

static bool display_has_addr(const char *d)
{
	const char *at = d ? strchr(d, '@') : NULL;

	return at && at > d && strchr(at, '.') && at[1] && at[1] != '.';
}

static int push(struct maddr_list *l, struct maddr *m)
{
	if (l->n >= MAIL_MAX_LIST) {
		l->dropped++;
		free(m->display);
		free(m->local);
		free(m->domain);
		return ST_OK;
	}
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 4;
		struct maddr *na = realloc(l->a, ncap * sizeof(*na));

		if (!na) {
			free(m->display);
			free(m->local);
			free(m->domain);
			return ST_NOMEM;
		}
		l->a = na;
		l->cap = ncap;
	}
	l->a[l->n++] = *m;
	return ST_OK;
}

/* Copy s[0..n) without comments and blanks (outside quotes); quotes are kept. */
static void strip_cfws(const char *s, size_t n, struct buf *out)
{
	size_t i = 0;

	while (i < n) {
		if (s[i] == '(') {
			i = skip_comment(s, n, i);
		} else if (s[i] == '"') {
			size_t e = skip_quoted(s, n, i);

			buf_add(out, s + i, e - i);
			i = e;
		} else if (blank(s[i])) {
			i++;
		} else {
			buf_addc(out, (unsigned char)s[i++]);
		}
	}
}

/* Split an addr-spec into local and domain; false when there is no '@'. */
static bool addr_spec(const char *s, size_t n, struct maddr *m)
{
	struct buf b;
	const char *p;
	size_t i, at = (size_t)-1, len;
	bool ok = false;

	buf_init(&b, 4096);
	strip_cfws(s, n, &b);
	p = (const char *)b.data;
	len = b.len;
	if (b.err || !len)
		goto out;
	for (i = 0; i < len;) {
		if (p[i] == '"') {
			i = skip_quoted(p, len, i);
			continue;
		}
		if (p[i] == '@')
			at = i;
		i++;
	}
	if (at == (size_t)-1 || at == 0 || at + 1 >= len)
		goto out;
	if (p[0] == '"') {
		struct buf lp;
		size_t e = skip_quoted(p, at, 0), j;

		buf_init(&lp, 4096);
		for (j = 1; j < e && !(j == e - 1 && p[j] == '"'); j++) {
			if (p[j] == '\\' && j + 1 < e)
				j++;
			buf_addc(&lp, (unsigned char)p[j]);
		}
		if (e < at)   /* "a"b@c: obs-local-part mixing, keep the rest */
			buf_add(&lp, p + e, at - e);
		m->local = lp.len ? dup_n((const char *)lp.data, lp.len) : dup_n("", 0);
		m->flags |= MADDR_QUOTED_LOCAL;
		buf_reset(&lp);
	} else {
		m->local = dup_n(p, at);
	}
	{
		size_t de = len;

		/* junk glued after the domain (">", ";", quotes) is cut */
		for (i = at + 1; i < len; i++)
			if (p[i] == '>' || p[i] == '<' || p[i] == ';' || p[i] == '"' || p[i] == ',') {
				de = i;
				m->flags |= MADDR_REPAIRED;
				break;
			}
		m->domain = dup_n(p + at + 1, de - at - 1);
	}
	ok = m->local && m->domain;
out:
	buf_reset(&b);
	return ok;
}

/* Parse one mailbox (or a display name alone) from s[0..n). */
static int mailbox(const char *s, size_t n, unsigned base_flags, struct maddr_list *l)
{
	struct maddr m;
	size_t i, lt = (size_t)-1;

	memset(&m, 0, sizeof(m));
	m.flags = base_flags;
	while (n && blank(s[n - 1]))
		n--;
	while (n && blank(s[0])) {
		s++;
		n--;
	}
	if (!n)
		return ST_OK;
	for (i = 0; i < n && lt == (size_t)-1;) {
		if (s[i] == '"')
			i = skip_quoted(s, n, i);
		else if (s[i] == '(')
			i = skip_comment(s, n, i);
		else if (s[i] == '<')
			lt = i;
		else
			i++;
	}
	if (lt != (size_t)-1) {
		size_t cs = lt + 1, ce, j;

		m.flags |= MADDR_ANGLE;
		while (cs < n && (s[cs] == '<' || blank(s[cs]))) {
			if (s[cs] == '<')
				m.flags |= MADDR_NESTED_ANGLE | MADDR_REPAIRED;
			cs++;
		}
		for (ce = cs; ce < n && s[ce] != '>'; ce++)
			if (s[ce] == '"')
				ce = skip_quoted(s, n, ce) - 1;
		if (ce >= n)
			m.flags |= MADDR_REPAIRED;          /* no closing '>' */
		for (j = ce + 1; j < n; j++)
			if (!blank(s[j]) && s[j] != '>') {
				m.flags |= MADDR_REPAIRED;  /* text after the address */
				break;
			}
		if (cs < ce && s[cs] == '@') {          /* obs-route "@a,@b:" */
			const char *colon = memchr(s + cs, ':', ce - cs);

			if (colon) {
				m.flags |= MADDR_ROUTE;
				cs = (size_t)(colon - s) + 1;
			}
		}
		m.display = lt ? decode_display(s, lt) : NULL;
		if (cs >= ce || !addr_spec(s + cs, ce - cs, &m)) {
			free(m.local);
			free(m.domain);
			m.local = m.domain = NULL;
			m.flags |= MADDR_EMPTY;
			if (cs < ce)
				m.flags |= MADDR_REPAIRED;
		}
	} else {
		/* No brackets: an addr-spec, maybe with a comment, or words then an address. */
		size_t best_s = 0, best_e = 0, ws;
		bool found = false;

		for (i = 0; i < n;) {
			bool has_at = false;

			while (i < n && blank(s[i]))
				i++;
			ws = i;
			while (i < n && !blank(s[i])) {
				if (s[i] == '"') {
					i = skip_quoted(s, n, i);
					continue;
				}
				if (s[i] == '(') {
					if (i > ws)
						break;
					i = skip_comment(s, n, i);
					ws = i;
					continue;
				}
				if (s[i] == '@')
					has_at = true;
				i++;
			}
			if (has_at) {
				best_s = ws;
				best_e = i;
				found = true;
			}
			if (i < n && s[i] == '(')
				i = skip_comment(s, n, i);
		}
		if (found) {
			struct buf rest;

			buf_init(&rest, MAIL_MAX_DISPLAY);
			buf_add(&rest, s, best_s);
			buf_addc(&rest, ' ');
			buf_add(&rest, s + best_e, n - best_e);
			if (!addr_spec(s + best_s, best_e - best_s, &m)) {
				m.flags |= MADDR_EMPTY;
			}
			{
				/* anything but comments around the address is a repaired display name */
				struct buf chk;

				buf_init(&chk, MAIL_MAX_DISPLAY);
				strip_cfws((const char *)rest.data, rest.len, &chk);
				if (chk.len)
					m.flags |= MADDR_REPAIRED;
				buf_reset(&chk);
			}
			m.display = decode_display((const char *)rest.data, rest.len);
			buf_reset(&rest);
		} else {
			m.display = decode_display(s, n);
			m.flags |= MADDR_EMPTY;
		}
	}
	if (display_has_addr(m.display))
		m.flags |= MADDR_DISPLAY_ADDR;
	if ((m.flags & MADDR_EMPTY) && !m.display)
		return ST_OK;
	return push(l, &m);
}

int maddr_parse(const char *s, size_t n, struct maddr_list *out)
{
	size_t i = 0, seg = 0;
	int angle = 0, st = ST_OK;
	bool in_group = false, seen_at = false;

	memset(out, 0, sizeof(*out));
	while (i < n && st == ST_OK) {
		char c = s[i];

		if (c == '"') {
			i = skip_quoted(s, n, i);
			continue;
		}
		if (c == '(') {
			i = skip_comment(s, n, i);
			continue;
		}
		if (c == '<')
			angle++;
		else if (c == '>' && angle > 0)
			angle--;
		else if (c == '@')
			seen_at = true;
		if (angle == 0 && c == ':' && !seen_at && !in_group) {
			/* "group name:" - the name is not a mailbox */
			in_group = true;
			seg = i + 1;
		} else if (angle == 0 && (c == ',' || c == ';')) {
			st = mailbox(s + seg, i - seg, in_group ? MADDR_GROUP : 0, out);
			seg = i + 1;
			seen_at = false;
			if (c == ';')
				in_group = false;
		} else if (angle > 0 && c == ',' && i + 1 < n && s[i + 1] != '@') {
			/* a comma inside an unclosed '<': the '>' went missing, end the mailbox */
			const char *gt = memchr(s + i, '>', n - i);

			if (!gt) {
				st = mailbox(s + seg, i - seg, in_group ? MADDR_GROUP : 0, out);
				seg = i + 1;
				angle = 0;
				seen_at = false;
			}
		}
		i++;
	}
	if (st == ST_OK && seg < n)
		st = mailbox(s + seg, n - seg, in_group ? MADDR_GROUP : 0, out);
	return st;
}

void maddr_list_free(struct maddr_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->a[i].display);
		free(l->a[i].local);
		free(l->a[i].domain);
	}
	free(l->a);
	memset(l, 0, sizeof(*l));
}

static bool atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c >= 0x80)
		return true;
	return strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL && c;
}

enum maddr_bad maddr_check_local(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > MAIL_MAX_LOCAL || s[0] == '.' || s[n - 1] == '.')
		return MADDR_BAD_LOCAL;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return MADDR_BAD_LOCAL;
			continue;
		}
		if (!atext((unsigned char)s[i]))
			return MADDR_BAD_LOCAL;
	}
	return utf8_valid(s, n) ? MADDR_OK : MADDR_BAD_LOCAL;
}

enum maddr_bad maddr_check_domain(const char *s, size_t n)
{
	size_t i, ls = 0, labels = 0;
	bool alpha_tld = true, any_nonascii = false;

	if (n && s[n - 1] == '.')
		n--;
	if (n == 0 || n > MAIL_MAX_DOMAIN || s[0] == '[' || !utf8_valid(s, n))
		return MADDR_BAD_DOMAIN;
	for (i = 0; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)s[i] : '.';

		if (c == '.') {
			size_t len = i - ls;

			if (len == 0 || len > MAIL_MAX_LABEL || s[ls] == '-' || s[i - 1] == '-')
				return MADDR_BAD_DOMAIN;
			labels++;
			alpha_tld = true;
			any_nonascii = false;
			{
				size_t k;

				for (k = ls; k < i; k++) {
					unsigned char d = (unsigned char)s[k];

					if (d >= 0x80)
						any_nonascii = true;
					else if (!((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z')))
						alpha_tld = false;
				}
				if (!alpha_tld && len > 4 && ascii_nieq(s + ls, "xn--", 4))
					alpha_tld = true;
				if (!any_nonascii && len < 2)
					alpha_tld = false;
			}
			ls = i + 1;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c >= 0x80))
			return MADDR_BAD_DOMAIN;
	}
	if (labels < 2)
		return MADDR_NO_DOT;
	if (!alpha_tld && !any_nonascii)
		return MADDR_BAD_TLD;
	return MADDR_OK;
}

const char *maddr_bad_str(enum maddr_bad b)
{
	switch (b) {
	case MADDR_OK: return "valid";
	case MADDR_BAD_LOCAL: return "invalid local part";
	case MADDR_BAD_DOMAIN: return "invalid domain";
	case MADDR_NO_DOT: return "single-label domain (not routable on the Internet)";
	case MADDR_BAD_TLD: return "top-level label is not a TLD";
	}
	return "invalid";
}
