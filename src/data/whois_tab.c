/* Loader and lookups for the WHOIS knowledge tables (the lists in data/whois/). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "span.h"
#include "status.h"
#include "text.h"
#include "whois_tab.h"

#define TOK_MAX 256
#define TOKS_MAX 48
#define TAB_FILE_MAX (1u << 20)

static const char *const fmt_names[WFMT__COUNT] = {
	"unknown", "iana", "rpsl", "arin", "lacnic", "icann", "rwhois", "jprs", "jpnic", "generic",
};
static const char *const cs_names[WCS__COUNT] = {
	"auto", "utf-8", "iso-8859-1", "windows-1252", "windows-1251", "koi8-r", "iso-2022-jp",
};
static const char *const state_names[WST__COUNT] = {
	"answered", "no-match", "not-served", "temporary-failure", "rate-limited", "malformed",
};
/* Names used in markers.txt, same order as enum whois_state. */
static const char *const marker_names[WST__COUNT] = {
	NULL, "nomatch", "notserved", "tempfail", "ratelimit", NULL,
};
static const char *const qkind_names[WQ__COUNT] = {
	"domain", "tld", "ipv4", "ipv6", "cidr", "asn", "other",
};
static const char *const fid_names[WF__COUNT] = {
	"domain", "registrar", "iana_id", "reg_whois", "reg_url", "reg_abuse", "reg_phone",
	"nserver", "status", "created", "updated", "expires",
	"range", "cidr", "netname", "org", "orghandle", "organisation", "country",
	"asn", "asname", "handle", "parent", "descr", "remarks",
	"abuse_c", "mnt_irt", "abuse_mailbox", "email", "nic_hdl", "contact_ref",
	"mnt_by", "rabuse_email", "rabuse_phone", "orgabuse_email", "orgabuse_phone",
	"refer", "iana_whois", "referral", "resource_link", "source",
};
static const char *const cclass_names[WCC__COUNT] = {
	"ok", "placeholder", "redacted", "rir", "nir",
};

static int lookup_name(const char *const *names, int count, const char *s)
{
	int i;

	for (i = 0; i < count; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *whois_fmt_name(enum whois_fmt f)
{
	return (unsigned)f < WFMT__COUNT ? fmt_names[f] : "unknown";
}

enum whois_fmt whois_fmt_from_name(const char *name)
{
	int k = name ? lookup_name(fmt_names, WFMT__COUNT, name) : -1;

	return k > 0 ? (enum whois_fmt)k : WFMT_UNKNOWN;
}

const char *whois_charset_name(enum whois_charset c)
{
	return (unsigned)c < WCS__COUNT ? cs_names[c] : "auto";
}

const char *whois_state_name(enum whois_state s)
{
	return (unsigned)s < WST__COUNT ? state_names[s] : "malformed";
}

const char *whois_qkind_name(enum whois_qkind k)
{
	return (unsigned)k < WQ__COUNT ? qkind_names[k] : "other";
}

const char *whois_fid_name(enum whois_fid f)
{
	return (unsigned)f < WF__COUNT ? fid_names[f] : "none";
}

const char *whois_cclass_name(enum whois_cclass c)
{
	return (unsigned)c < WCC__COUNT ? cclass_names[c] : "ok";
}

struct toks {
	char t[TOKS_MAX][TOK_MAX];
	int n;
};

/* Split a line into words; "..." quotes (with \" and \\) may appear anywhere in a word. */
static const char *tokenize(struct span line, struct toks *tk)
{
	size_t i = 0, len;

	tk->n = 0;
	for (;;) {
		while (i < line.n && (line.p[i] == ' ' || line.p[i] == '\t'))
			i++;
		if (i >= line.n || line.p[i] == '#')
			return NULL;
		if (tk->n >= TOKS_MAX)
			return "too many words";
		len = 0;
		while (i < line.n && line.p[i] != ' ' && line.p[i] != '\t') {
			if (line.p[i] == '"') {
				i++;
				while (i < line.n && line.p[i] != '"') {
					if (line.p[i] == '\\' && i + 1 < line.n)
						i++;
					if (len + 1 >= TOK_MAX)
						return "word too long";
					tk->t[tk->n][len++] = line.p[i++];
				}
				if (i >= line.n)
					return "unterminated quote";
				i++;
				continue;
			}
			if ((unsigned char)line.p[i] < 0x20)
				return "control character";
			if (len + 1 >= TOK_MAX)
				return "word too long";
			tk->t[tk->n][len++] = line.p[i++];
		}
		tk->t[tk->n][len] = 0;
		tk->n++;
	}
}

static void set_err(char *err, size_t errlen, const char *name, unsigned long line,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void set_err(char *err, size_t errlen, const char *name, unsigned long line,
                    const char *fmt, ...)
{
	va_list ap;
	int k;

	if (!err || !errlen)
		return;
	k = snprintf(err, errlen, "%s:%lu: ", name, line);
	if (k < 0 || (size_t)k >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
	va_end(ap);
}

static bool copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

/* Lower-case copy with blanks collapsed; false if it does not fit. */
static bool copy_folded(char *dst, size_t cap, const char *src)
{
	size_t o = 0;
	bool blank = false;

	for (; *src; src++) {
		char c = *src;

		if (c == ' ' || c == '\t') {
			blank = o > 0;
			continue;
		}
		if (blank) {
			if (o + 1 >= cap)
				return false;
			dst[o++] = ' ';
			blank = false;
		}
		if (o + 1 >= cap)
			return false;
		dst[o++] = (char)ascii_lower((unsigned char)c);
	}
	dst[o] = 0;
	return true;
}

static bool host_pattern_ok(const char *s)
{
	if (strcmp(s, "*") == 0)
		return true;
	if (s[0] == '*' && s[1] == '.')
		s += 2;
	return hostname_valid(s, strlen(s)) && strchr(s, '.') != NULL;
}

static bool template_ok(const char *s)
{
	static const char *const vars[] = { "{q}", "{n}", "{a}", "{tld}", "{tag}" };
	size_t i;

	while (*s) {
		if (*s == '}')
			return false;
		if (*s == '{') {
			for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
				if (strncmp(s, vars[i], strlen(vars[i])) == 0)
					break;
			if (i == sizeof(vars) / sizeof(vars[0]))
				return false;
			s += strlen(vars[i]);
			continue;
		}
		if ((unsigned char)*s < 0x20)
			return false;
		s++;
	}
	return true;
}

static int grow(void **arr, size_t n, size_t elem)
{
	void *p;

	/* grow in steps of 32 elements */
	if (n % 32)
		return ST_OK;
	p = realloc(*arr, (n + 32) * elem);
	if (!p)
		return ST_NOMEM;
	*arr = p;
	return ST_OK;
}

static const char *server_line(struct wtab *t, const struct toks *tk)
{
	struct wtab_server s;
	int i, k;
	uint64_t port;

	memset(&s, 0, sizeof(s));
	s.port = 43;
	s.fmt = WFMT_GENERIC;
	s.charset = WCS_AUTO;
	if (!host_pattern_ok(tk->t[0]) || !copy_folded(s.pattern, sizeof(s.pattern), tk->t[0]))
		return "bad host name";
	for (i = 1; i < tk->n; i++) {
		const char *w = tk->t[i], *v = strchr(w, '=');

		if (!v)
			return "expected KEY=VALUE";
		v++;
		if (strncmp(w, "fmt=", 4) == 0) {
			k = lookup_name(fmt_names, WFMT__COUNT, v);
			if (k <= 0)
				return "unknown format";
			s.fmt = (enum whois_fmt)k;
		} else if (strncmp(w, "charset=", 8) == 0) {
			k = lookup_name(cs_names, WCS__COUNT, v);
			if (k < 0)
				return "unknown charset";
			s.charset = (enum whois_charset)k;
		} else if (strncmp(w, "port=", 5) == 0) {
			if (!parse_uint(v, strlen(v), 65535, &port) || port == 0)
				return "port must be 1..65535";
			s.port = (int)port;
		} else if (strncmp(w, "rir=", 4) == 0) {
			if (!*v || !copy_str(s.rir, sizeof(s.rir), v))
				return "bad rir name";
		} else if (strncmp(w, "q.", 2) == 0) {
			char kind[16];
			size_t kl = (size_t)(v - 1 - (w + 2));
			int q;

			if (kl == 0 || kl >= sizeof(kind))
				return "bad query kind";
			memcpy(kind, w + 2, kl);
			kind[kl] = 0;
			if (!*v || !template_ok(v) || strlen(v) >= WTAB_TMPL_MAX)
				return "bad query template";
			if (strcmp(kind, "all") == 0) {
				for (q = 0; q < WQ__COUNT; q++)
					if (!s.tmpl[q][0])
						copy_str(s.tmpl[q], WTAB_TMPL_MAX, v);
				continue;
			}
			q = lookup_name(qkind_names, WQ__COUNT, kind);
			if (q < 0)
				return "unknown query kind";
			copy_str(s.tmpl[q], WTAB_TMPL_MAX, v);
		} else {
			return "unknown key";
		}
	}
	for (i = 0; (size_t)i < t->nservers; i++)
		if (strcmp(t->servers[i].pattern, s.pattern) == 0)
			return "host listed twice";
	if (grow((void **)&t->servers, t->nservers, sizeof(s)))
		return "out of memory";
	t->servers[t->nservers++] = s;
	return NULL;
}

/*
 * "q.all=" fills only kinds not yet given, and a later "q.KIND=" overrides it, so the order
 * of words on a line does not matter. Kinds set before q.all keep their own template.
 */

static const char *marker_line(struct wtab *t, const struct toks *tk)
{
	struct wtab_marker m;
	int k, i;

	memset(&m, 0, sizeof(m));
	if (tk->n < 3)
		return "expected STATE MATCH \"TEXT\"";
	k = lookup_name(marker_names, WST__COUNT, tk->t[0]);
	if (k < 0)
		return "unknown state";
	m.state = (enum whois_state)k;
	if (strcmp(tk->t[1], "line") == 0)
		m.match = WM_LINE;
	else if (strcmp(tk->t[1], "prefix") == 0)
		m.match = WM_PREFIX;
	else if (strcmp(tk->t[1], "suffix") == 0)
		m.match = WM_SUFFIX;
	else if (strcmp(tk->t[1], "contains") == 0)
		m.match = WM_CONTAINS;
	else
		return "unknown match";
	if (!tk->t[2][0] || !copy_folded(m.text, sizeof(m.text), tk->t[2]))
		return "bad text";
	for (i = 3; i < tk->n; i++) {
		if (strncmp(tk->t[i], "server=", 7) != 0)
			return "unknown key";
		if (!host_pattern_ok(tk->t[i] + 7) ||
		    !copy_folded(m.server, sizeof(m.server), tk->t[i] + 7))
			return "bad server";
	}
	if (grow((void **)&t->markers, t->nmarkers, sizeof(m)))
		return "out of memory";
	t->markers[t->nmarkers++] = m;
	return NULL;
}

static const char *class_line(struct wtab *t, const struct toks *tk)
{
	struct wtab_class c;
	int k, i;

	memset(&c, 0, sizeof(c));
	if (tk->n < 3)
		return "expected CLASS MATCH \"PATTERN\"";
	k = lookup_name(cclass_names, WCC__COUNT, tk->t[0]);
	if (k <= 0)
		return "unknown class";
	c.cls = (enum whois_cclass)k;
	if (strcmp(tk->t[1], "email") == 0)
		c.match = WM_EMAIL;
	else if (strcmp(tk->t[1], "domain") == 0)
		c.match = WM_DOMAIN;
	else if (strcmp(tk->t[1], "contains") == 0)
		c.match = WM_CONTAINS;
	else
		return "unknown match";
	if (!tk->t[2][0] || !copy_folded(c.pattern, sizeof(c.pattern), tk->t[2]))
		return "bad pattern";
	if (c.match == WM_EMAIL && !strchr(c.pattern, '@'))
		return "email pattern without @";
	if (c.match == WM_DOMAIN && !hostname_valid(c.pattern, strlen(c.pattern)))
		return "bad domain";
	for (i = 3; i < tk->n; i++) {
		const char *w = tk->t[i];

		if (strncmp(w, "name=", 5) == 0) {
			if (!copy_str(c.name, sizeof(c.name), w + 5))
				return "name too long";
		} else if (strncmp(w, "refer=", 6) == 0) {
			if (!host_pattern_ok(w + 6) || w[6] == '*' ||
			    !copy_folded(c.refer, sizeof(c.refer), w + 6))
				return "bad refer host";
		} else {
			return "unknown key";
		}
	}
	if (grow((void **)&t->classes, t->nclasses, sizeof(c)))
		return "out of memory";
	t->classes[t->nclasses++] = c;
	return NULL;
}

static const char *field_line(struct wtab *t, const struct toks *tk)
{
	struct wtab_field f;
	int k, i;
	size_t j;

	if (tk->n < 2)
		return "expected FIELD \"KEY\" ...";
	k = lookup_name(fid_names, WF__COUNT, tk->t[0]);
	if (k < 0)
		return "unknown field";
	for (i = 1; i < tk->n; i++) {
		memset(&f, 0, sizeof(f));
		f.fid = (enum whois_fid)k;
		if (!tk->t[i][0] || !copy_folded(f.key, sizeof(f.key), tk->t[i]))
			return "bad key";
		for (j = 0; j < t->nfields; j++)
			if (strcmp(t->fields[j].key, f.key) == 0)
				return "key listed twice";
		if (grow((void **)&t->fields, t->nfields, sizeof(f)))
			return "out of memory";
		t->fields[t->nfields++] = f;
	}
	return NULL;
}

int wtab_parse(struct wtab *t, enum wtab_list which, const char *name, const char *text,
               size_t n, char *err, size_t errlen)
{
	struct line_reader lr;
	struct span line;
	struct toks *tk;
	const char *why;
	int st = ST_OK;

	tk = malloc(sizeof(*tk));
	if (!tk)
		return ST_NOMEM;
	lr_init(&lr, text, n, TOK_MAX * 4);
	while (lr_next(&lr, &line)) {
		if (lr.cut) {
			why = "line too long";
		} else if (memchr(line.p, 0, line.n)) {
			why = "NUL byte";
		} else {
			why = tokenize(line, tk);
			if (!why && tk->n > 0) {
				switch (which) {
				case WTL_SERVERS: why = server_line(t, tk); break;
				case WTL_MARKERS: why = marker_line(t, tk); break;
				case WTL_CONTACTS: why = class_line(t, tk); break;
				case WTL_FIELDS: why = field_line(t, tk); break;
				default: why = "unknown list"; break;
				}
			}
		}
		if (why) {
			set_err(err, errlen, name, lr.lineno, "%s", why);
			st = strcmp(why, "out of memory") == 0 ? ST_NOMEM : ST_MALFORMED;
			break;
		}
	}
	free(tk);
	return st;
}

void wtab_free(struct wtab *t)
{
	if (!t)
		return;
	free(t->servers);
	free(t->markers);
	free(t->classes);
	free(t->fields);
	free(t);
}

/* Read DIR/NAME into a malloc'd buffer; ST_NOTFOUND when absent. */
static int read_file(const char *dir, const char *name, char **out, size_t *outn)
{
	char path[4096];
	FILE *f;
	char *p;
	size_t n;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return ST_INVAL;
	f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? ST_NOTFOUND : ST_IO;
	p = malloc(TAB_FILE_MAX + 1);
	if (!p) {
		fclose(f);
		return ST_NOMEM;
	}
	n = fread(p, 1, TAB_FILE_MAX + 1, f);
	if (ferror(f) || n > TAB_FILE_MAX) {
		fclose(f);
		free(p);
		return n > TAB_FILE_MAX ? ST_TOOBIG : ST_IO;
	}
	fclose(f);
	*out = p;
	*outn = n;
	return ST_OK;
}

int wtab_load(struct wtab **out, const char *dir, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		enum wtab_list which;
		const unsigned char *data;
		const size_t *len;
	} lists[] = {
		{ "servers.txt", WTL_SERVERS, whois_tab_servers, &whois_tab_servers_len },
		{ "markers.txt", WTL_MARKERS, whois_tab_markers, &whois_tab_markers_len },
		{ "contacts.txt", WTL_CONTACTS, whois_tab_contacts, &whois_tab_contacts_len },
		{ "fields.txt", WTL_FIELDS, whois_tab_fields, &whois_tab_fields_len },
	};
	struct wtab *t;
	size_t i;
	int st = ST_OK;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return ST_NOMEM;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]) && !st; i++) {
		char *text = NULL;
		size_t n = 0;
		int r = dir ? read_file(dir, lists[i].name, &text, &n) : ST_NOTFOUND;

		if (r == ST_OK) {
			st = wtab_parse(t, lists[i].which, lists[i].name, text, n, err, errlen);
			free(text);
		} else if (r == ST_NOTFOUND) {
			st = wtab_parse(t, lists[i].which, lists[i].name,
			                (const char *)lists[i].data, *lists[i].len, err, errlen);
		} else {
			set_err(err, errlen, lists[i].name, 0, "cannot read: %s", status_str(r));
			st = r;
		}
	}
	if (st) {
		wtab_free(t);
		return st;
	}
	*out = t;
	return ST_OK;
}

/* Lower-case host without a final dot into buf; false if it does not fit. */
static bool fold_host(const char *host, char *buf, size_t cap)
{
	size_t n = strlen(host), i;

	if (n && host[n - 1] == '.')
		n--;
	if (n >= cap)
		return false;
	for (i = 0; i < n; i++)
		buf[i] = (char)ascii_lower((unsigned char)host[i]);
	buf[n] = 0;
	return true;
}

const struct wtab_server *wtab_server(const struct wtab *t, const char *host)
{
	char h[HOSTPORT_MAX_HOST];
	const struct wtab_server *best = NULL, *dflt = NULL;
	size_t i, hl, best_len = 0;

	if (!t || !host || !fold_host(host, h, sizeof(h)))
		return NULL;
	hl = strlen(h);
	for (i = 0; i < t->nservers; i++) {
		const char *p = t->servers[i].pattern;
		size_t pl;

		if (strcmp(p, h) == 0)
			return &t->servers[i];
		if (strcmp(p, "*") == 0) {
			dflt = &t->servers[i];
			continue;
		}
		if (p[0] != '*')
			continue;
		pl = strlen(p + 1);  /* ".suffix" */
		if (hl > pl && strcmp(h + hl - pl, p + 1) == 0 && pl > best_len) {
			best = &t->servers[i];
			best_len = pl;
		}
	}
	return best ? best : dflt;
}

enum whois_fid wtab_field(const struct wtab *t, const char *key, size_t n)
{
	size_t i;

	if (!t || n == 0 || n >= WTAB_KEY_MAX)
		return WF_NONE;
	for (i = 0; i < t->nfields; i++)
		if (strlen(t->fields[i].key) == n && memcmp(t->fields[i].key, key, n) == 0)
			return t->fields[i].fid;
	return WF_NONE;
}

/* Fold a peer line for marker matching: comment marks (%, #, *) and blanks stripped at the start,
 * blanks collapsed, ASCII lower case; capped at cap-1 bytes. */
static size_t fold_line(const char *s, size_t n, char *out, size_t cap)
{
	size_t i = 0, o = 0;
	bool blank = false;

	while (i < n && (s[i] == '%' || s[i] == '#' || s[i] == '*' || s[i] == ' ' || s[i] == '\t'))
		i++;
	for (; i < n && o + 2 < cap; i++) {
		char c = s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			blank = o > 0;
			continue;
		}
		if (blank) {
			out[o++] = ' ';
			blank = false;
		}
		out[o++] = (char)ascii_lower((unsigned char)c);
	}
	out[o] = 0;
	return o;
}

enum whois_state wtab_marker_scan(const struct wtab *t, const char *server, const char *line,
                                  size_t n, const struct wtab_marker **m)
{
	char f[512], h[HOSTPORT_MAX_HOST];
	size_t fl, i, tl;
	enum whois_state best = WST_ANSWERED;

	if (m)
		*m = NULL;
	if (!t)
		return WST_ANSWERED;
	fl = fold_line(line, n, f, sizeof(f));
	if (fl == 0)
		return WST_ANSWERED;
	if (!server || !fold_host(server, h, sizeof(h)))
		h[0] = 0;
	for (i = 0; i < t->nmarkers; i++) {
		const struct wtab_marker *k = &t->markers[i];
		bool hit;

		if (k->server[0] && strcmp(k->server, h) != 0)
			continue;
		tl = strlen(k->text);
		switch (k->match) {
		case WM_LINE: hit = fl == tl && memcmp(f, k->text, tl) == 0; break;
		case WM_PREFIX: hit = fl >= tl && memcmp(f, k->text, tl) == 0; break;
		case WM_SUFFIX: hit = fl >= tl && memcmp(f + fl - tl, k->text, tl) == 0; break;
		default: hit = strstr(f, k->text) != NULL; break;
		}
		if (hit && (best == WST_ANSWERED || k->state > best)) {
			best = k->state;
			if (m)
				*m = k;
		}
	}
	return best;
}

enum whois_cclass wtab_classify(const struct wtab *t, const char *value,
                                const struct wtab_class **c)
{
	char v[512];
	const char *at;
	size_t i, vl;
	enum whois_cclass best = WCC_OK;

	if (c)
		*c = NULL;
	if (!t || !value || !copy_folded(v, sizeof(v), value))
		return WCC_OK;
	vl = strlen(v);
	at = strrchr(v, '@');
	for (i = 0; i < t->nclasses; i++) {
		const struct wtab_class *k = &t->classes[i];
		size_t pl = strlen(k->pattern);
		bool hit = false;

		switch (k->match) {
		case WM_EMAIL:
			hit = strcmp(v, k->pattern) == 0;
			break;
		case WM_DOMAIN:
			if (at) {
				const char *d = at + 1;
				size_t dl = strlen(d);

				hit = (dl == pl && memcmp(d, k->pattern, pl) == 0) ||
				      (dl > pl && d[dl - pl - 1] == '.' &&
				       memcmp(d + dl - pl, k->pattern, pl) == 0);
			}
			break;
		default:
			hit = vl >= pl && strstr(v, k->pattern) != NULL;
			break;
		}
		/* The first matching rule of the most severe class wins: placeholder and
		 * redaction before registries. */
		if (hit && (best == WCC_OK || k->cls < best)) {
			best = k->cls;
			if (c)
				*c = k;
		}
	}
	return best;
}
