/* Address scanner for decoded mail text: plain, mailto: and de-obfuscated addresses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mail_scan.h"
#include "span.h"
#include "status.h"
#include "text.h"

#define SCAN_MAX_MARKS 4096      /* fullwidth '＠' positions remembered per text */

struct scanner {
	const char *t;
	size_t n;
	scan_fn fn;
	void *ctx;
	size_t marks[SCAN_MAX_MARKS];  /* offsets of '@' that were fullwidth in the input */
	size_t nmarks;
};

/* Code points that can be part of a word (IDN label, UTF-8 local part). */
static bool word_cp(uint32_t cp)
{
	if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7)
		return false;
	if ((cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x2e00 && cp <= 0x2e7f) ||
	    (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xfe30 && cp <= 0xfe6f) ||
	    (cp >= 0xff00 && cp <= 0xff20) || (cp >= 0xff3b && cp <= 0xff40) ||
	    (cp >= 0xff5b && cp <= 0xff65) || cp == 0xfeff || cp == 0xfffd)
		return false;
	return true;
}

static bool alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool atext_ascii(unsigned char c)
{
	return alnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~.", c));
}

/* Length of the word code point at t[i] (forward), 0 if not a word code point. */
static size_t word_fwd(const char *t, size_t n, size_t i)
{
	size_t l = utf8_seq_len((const uint8_t *)t + i, n - i);

	if (l < 2)
		return 0;
	return word_cp(utf8_decode((const uint8_t *)t + i, l)) ? l : 0;
}

/* Length of the word code point ending just before t[i] (backward), 0 if none. */
static size_t word_back(const char *t, size_t i)
{
	size_t k = 0;

	while (k < 4 && k < i && ((unsigned char)t[i - 1 - k] & 0xc0) == 0x80)
		k++;
	if (k == 0 || k >= i)
		return 0;
	k++;
	if (utf8_seq_len((const uint8_t *)t + i - k, k) != k)
		return 0;
	return word_cp(utf8_decode((const uint8_t *)t + i - k, k)) ? k : 0;
}

/* Start of the local part that ends at t[end]; `dots` allows '.' inside. */
static size_t local_start(const char *t, size_t end)
{
	size_t j = end, w;

	while (j > 0) {
		unsigned char c = (unsigned char)t[j - 1];

		if (c < 0x80) {
			if (!atext_ascii(c))
				break;
			j--;
		} else if ((w = word_back(t, j)) != 0) {
			j -= w;
		} else {
			break;
		}
	}
	/* quote marks and separators glued in front are not part of an address */
	while (j < end && strchr(".'`=~|{}/-", t[j]) && t[j])
		j++;
	return j;
}

/* End of a domain label starting at t[i]. */
static size_t label_end(const char *t, size_t n, size_t i)
{
	size_t w;

	while (i < n) {
		unsigned char c = (unsigned char)t[i];

		if (c < 0x80) {
			if (!alnum(c) && c != '-')
				break;
			i++;
		} else if ((w = word_fwd(t, n, i)) != 0) {
			i += w;
		} else {
			break;
		}
	}
	return i;
}

static bool line_end_at(const char *t, size_t n, size_t i, size_t *after)
{
	if (i < n && t[i] == '\n') {
		*after = i + 1;
		return true;
	}
	if (i + 1 < n && t[i] == '\r' && t[i + 1] == '\n') {
		*after = i + 2;
		return true;
	}
	return false;
}

static bool has(const char *low, size_t n, const char *needle)
{
	return mem_find(low, n, needle, strlen(needle)) != NULL;
}

/* Quoted, attribution and message-id lines; the line is lower-cased once (4 KiB each way). */
static void line_flags(const struct scanner *s, size_t off, struct scan_hit *h)
{
	char low[8200];
	size_t a = off, b = off, i, k;

	while (a > 0 && s->t[a - 1] != '\n' && off - a < 4096)
		a--;
	while (b < s->n && s->t[b] != '\n' && b - off < 4096)
		b++;
	for (i = a; i < b && (s->t[i] == ' ' || s->t[i] == '\t'); i++)
		;
	h->quoted = i < b && s->t[i] == '>';
	for (k = 0, i = a; i < b && k < sizeof(low); i++, k++)
		low[k] = (char)ascii_lower((unsigned char)s->t[i]);
	h->msgid = has(low, k, "message-id") || has(low, k, "in-reply-to:") ||
	           has(low, k, "references:") || has(low, k, "content-id") || has(low, k, "cid:");
	h->attribution = has(low, k, "wrote:") || has(low, k, "schrieb:") ||
	                 has(low, k, "a \xc3\xa9" "crit") || has(low, k, "escribi\xc3\xb3:");
}

static bool in_url(const struct scanner *s, size_t local_off)
{
	size_t a = local_off;
	struct span tok;

	if (a > 0 && (s->t[a - 1] == '/' || s->t[a - 1] == '%' || s->t[a - 1] == '?' ||
	              s->t[a - 1] == '&'))
		return true;
	while (a > 0 && local_off - a < SCAN_MAX_URL_BACK && s->t[a - 1] != ' ' &&
	       s->t[a - 1] != '\n' && s->t[a - 1] != '\t' && s->t[a - 1] != '"' &&
	       s->t[a - 1] != '<' && s->t[a - 1] != '\'' && s->t[a - 1] != '(')
		a--;
	tok.p = s->t + a;
	tok.n = local_off - a;
	return span_ifind(tok, "://") >= 0;
}

static int emit(struct scanner *s, struct scan_hit *h)
{
	size_t at = h->local_len;

	if (maddr_check_local(h->addr, at) != MADDR_OK ||
	    maddr_check_domain(h->addr + at + 1, strlen(h->addr + at + 1)) != MADDR_OK)
		return ST_OK;
	h->text = s->t;
	h->text_len = s->n;
	line_flags(s, h->off, h);
	return s->fn(s->ctx, h);
}

static bool set_addr(struct scan_hit *h, const char *l, size_t ln, const char *d, size_t dn)
{
	if (ln > MAIL_MAX_LOCAL || ln + 1 + dn + 1 > sizeof(h->addr))
		return false;
	memcpy(h->addr, l, ln);
	h->addr[ln] = '@';
	memcpy(h->addr + ln + 1, d, dn);
	h->addr[ln + 1 + dn] = 0;
	h->local_len = ln;
	return true;
}

static bool marked(const struct scanner *s, size_t at)
{
	size_t i;

	for (i = 0; i < s->nmarks; i++)
		if (s->marks[i] == at)
			return true;
	return false;
}

/* Plain addresses and mailto: without percent-encoding. */
static int pass_plain(struct scanner *s)
{
	const char *t = s->t;
	size_t n = s->n, i = 0;
	int st;

	while (i < n) {
		const char *at = memchr(t + i, '@', n - i);
		size_t a, ls, ds, de, after;
		char dom[4 * MAIL_MAX_DOMAIN + 8];
		size_t dl = 0;
		struct scan_hit h;

		if (!at)
			break;
		a = (size_t)(at - t);
		i = a + 1;
		ls = local_start(t, a);
		if (ls == a)
			continue;
		memset(&h, 0, sizeof(h));
		ds = a + 1;
		if (line_end_at(t, n, ds, &after) && after < n && alnum((unsigned char)t[after])) {
			ds = after;
			snprintf(h.how, sizeof(h.how), "joined across a line break after '@'");
		}
		/* labels separated by single dots; a dot at a line end may continue the domain */
		de = ds;
		for (;;) {
			size_t le = label_end(t, n, de);

			if (le == de)
				break;
			if (dl + (le - de) >= sizeof(dom))
				break;
			memcpy(dom + dl, t + de, le - de);
			dl += le - de;
			de = le;
			if (de + 1 < n && t[de] == '.' && label_end(t, n, de + 1) > de + 1) {
				dom[dl++] = '.';
				de++;
				continue;
			}
			if (de < n && t[de] == '.' && line_end_at(t, n, de + 1, &after) && after < n &&
			    label_end(t, n, after) > after && !h.how[0]) {
				size_t le2 = label_end(t, n, after);

				/* only a lower-case label is taken across the break ("crook.\nThanks"
				 * is the end of a sentence) */
				if (le2 - after <= 24 && ((t[after] >= 'a' && t[after] <= 'z') ||
				                          (t[after] >= '0' && t[after] <= '9'))) {
					dom[dl++] = '.';
					de = after;
					snprintf(h.how, sizeof(h.how), "joined across a line break in the domain");
					continue;
				}
			}
			break;
		}
		while (dl && (dom[dl - 1] == '-' || dom[dl - 1] == '.'))
			dl--;
		if (!dl)
			continue;
		/* "user@domain.com.If you ...": a capitalised last label after lower-case ones is
		 * the next sentence, not a TLD */
		{
			size_t ll = dl, k2;
			bool upper_before = false;

			while (ll && dom[ll - 1] != '.')
				ll--;
			for (k2 = 0; k2 + 1 < ll; k2++)
				if (dom[k2] >= 'A' && dom[k2] <= 'Z')
					upper_before = true;
			if (ll >= 2 && dom[ll] >= 'A' && dom[ll] <= 'Z' && !upper_before &&
			    memchr(dom, '.', ll - 1)) {
				de -= dl - (ll - 1);
				dl = ll - 1;
			}
		}
		if (!set_addr(&h, t + ls, a - ls, dom, dl))
			continue;
		h.off = ls;
		h.len = de - ls;
		h.kind = SCAN_PLAIN;
		if (ls >= 7 && ascii_nieq(t + ls - 7, "mailto:", 7)) {
			h.kind = SCAN_MAILTO;
			h.off = ls - 7;
			h.len += 7;
		} else {
			h.in_url = in_url(s, ls);
		}
		if (marked(s, a))
			snprintf(h.how, sizeof(h.how), "fullwidth or small '@' sign");
		st = emit(s, &h);
		if (st != ST_OK)
			return st;
		i = de > i ? de : i;
	}
	return ST_OK;
}

static int hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* mailto: URIs with percent-encoding (mailto:john%40crook.example?subject=...). */
static int pass_mailto(struct scanner *s)
{
	struct span rest;
	size_t i = 0;
	int st;

	while (i < s->n) {
		long f;
		size_t a, e, k;
		char dec[SCAN_MAX_ADDR * 2];
		size_t dn = 0;
		bool pct = false;

		rest.p = s->t + i;
		rest.n = s->n - i;
		f = span_ifind(rest, "mailto:");
		if (f < 0)
			break;
		a = i + (size_t)f + 7;
		for (e = a; e < s->n && !strchr(" \t\r\n\"'<>()", s->t[e]); e++)
			;
		i = e > a ? e : a;
		for (k = a; k < e && s->t[k] != '?' && dn + 1 < sizeof(dec); k++) {
			if (s->t[k] == '%' && k + 2 < e && hexv((unsigned char)s->t[k + 1]) >= 0 &&
			    hexv((unsigned char)s->t[k + 2]) >= 0) {
				dec[dn++] = (char)(hexv((unsigned char)s->t[k + 1]) << 4 |
				                   hexv((unsigned char)s->t[k + 2]));
				k += 2;
				pct = true;
			} else {
				dec[dn++] = s->t[k];
			}
		}
		if (!pct)
			continue;                    /* the plain pass saw it already */
		dec[dn] = 0;
		{
			size_t p = 0;

			while (p < dn) {             /* several recipients separated by ',' */
				size_t q = p, at;
				struct scan_hit h;
				char *sign;

				while (q < dn && dec[q] != ',')
					q++;
				dec[q] = 0;
				sign = strrchr(dec + p, '@');
				if (sign) {
					at = (size_t)(sign - dec);
					memset(&h, 0, sizeof(h));
					if (set_addr(&h, dec + p, at - p, sign + 1, q - at - 1)) {
						h.kind = SCAN_MAILTO;
						h.off = a - 7;
						h.len = e - h.off;
						snprintf(h.how, sizeof(h.how), "percent-encoded mailto: link");
						st = emit(s, &h);
						if (st != ST_OK)
							return st;
					}
				}
				p = q + 1;
			}
		}
	}
	return ST_OK;
}

/* ---- obfuscated forms ---- */

static const char *const stop_words[] = {
	"look", "looking", "looked", "arrive", "arrived", "arriving", "be", "is", "am", "are",
	"was", "were", "me", "us", "him", "her", "them", "you", "it", "stay", "stayed", "live",
	"lives", "lived", "work", "works", "worked", "meet", "located", "based", "available",
	"reach", "here", "there", "home", "office", "once", "least", "all", "best", "last",
	"first", "and", "or", "the", "a", "an", "of", "to", "in", "on", "by", "now", "time",
	"point", "aim", "aimed", "good", "great", "bad", "hard", "one", "two", "three", "out",
	"back", "born", "died", "held", "sold", "bought", "paid", "priced", "valued", "starting",
	"starts", "start", "ends", "end", "begins", "only", "just", "even", "rate", "rates",
	"laugh", "laughed", "smile", "stare", "staring", "glance", "shop", "shopping", "study",
	"studied", "studying", "deposited", "kept", "lodged", "stored", "located", "stationed",
	"that", "this", "what", "which", "who", "whom", "where", "when", "funds", "fund",
};

static bool stop_word(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(stop_words) / sizeof(stop_words[0]); i++)
		if (strlen(stop_words[i]) == n && ascii_nieq(s, stop_words[i], n))
			return true;
	return false;
}

enum at_form { AT_WORD, AT_BRACKET, AT_SPACED, AT_FOREIGN };

static bool closing_of(char open, char c)
{
	return (open == '(' && c == ')') || (open == '[' && c == ']') ||
	       (open == '{' && c == '}') || (open == '<' && c == '>') ||
	       (open == '-' && c == '-') || (open == '_' && c == '_');
}

static bool is_sp(char c)
{
	return c == ' ' || c == '\t';
}

/* Match a word (ASCII case-insensitive, or exact UTF-8) at t[i] with blanks on both sides. */
static bool word_at(const char *t, size_t n, size_t i, const char *w)
{
	size_t l = strlen(w);

	return i > 0 && is_sp(t[i - 1]) && i + l < n && is_sp(t[i + l]) && ascii_nieq(t + i, w, l);
}

/* A dot token at t[k] (k just after a label). Returns the offset after it, or 0. */
static size_t dot_token(const char *t, size_t n, size_t k, bool *word)
{
	size_t j;
	/* "точка" (Russian) is one word */
	static const char *const words[] = { "dot", "punkt", "point",
	                                     "\xd1\x82\xd0\xbe\xd1\x87\xd0\xba\xd0\xb0" };
	size_t w;

	*word = false;
	if (k < n && t[k] == '.' && k + 1 < n && !is_sp(t[k + 1]))
		return k + 1;
	j = k;
	while (j < n && j - k < 2 && is_sp(t[j]))
		j++;
	/* bracketed: (dot) [dot] {dot} <dot> (.) [.] -dot- _dot_ */
	if (j < n && strchr("([{<-_", t[j]) && t[j]) {
		char open = t[j];

		if (j + 4 < n && ascii_nieq(t + j + 1, "dot", 3) && closing_of(open, t[j + 4])) {
			*word = true;
			j += 5;
		} else if (j + 2 < n && t[j + 1] == '.' && closing_of(open, t[j + 2])) {
			j += 3;
		} else {
			return 0;
		}
		while (j < n && is_sp(t[j]))
			j++;
		return j;
	}
	if (j > k) {
		if (j < n && t[j] == '.' && j + 1 < n && is_sp(t[j + 1])) {   /* " . " */
			j++;
			while (j < n && is_sp(t[j]))
				j++;
			return j;
		}
		for (w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
			size_t l = strlen(words[w]);

			if (word_at(t, n, j, words[w])) {
				*word = true;
				j += l;
				while (j < n && is_sp(t[j]))
					j++;
				return j;
			}
		}
	}
	return 0;
}

static bool implied_com(const char *l, size_t n)
{
	static const char *const p[] = { "gmail", "yahoo", "hotmail", "outlook", "aol", "ymail",
	                                 "icloud", "protonmail" };
	size_t i;

	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (strlen(p[i]) == n && ascii_nieq(l, p[i], n))
			return true;
	return false;
}

static int try_obfuscated(struct scanner *s, size_t ts, size_t te, enum at_form form,
                          size_t *resume)
{
	const char *t = s->t;
	size_t n = s->n, le, ls, k, labels = 0;
	char dom[4 * MAIL_MAX_DOMAIN + 8];
	size_t dl = 0;
	bool dot_words = false, spaced_dots = false, implied = false;
	struct scan_hit h;

	/* local part, up to two blanks before the at-token */
	le = ts;
	while (le > 0 && ts - le < 2 && is_sp(t[le - 1]))
		le--;
	ls = local_start(t, le);
	while (ls < le && t[ls] == '.')
		ls++;
	if (ls == le)
		return ST_OK;
	if (form == AT_WORD && stop_word(t + ls, le - ls))
		return ST_OK;
	/* domain */
	k = te;
	while (k < n && k - te < 2 && is_sp(t[k]))
		k++;
	for (;;) {
		size_t e = label_end(t, n, k), nk;
		bool w;

		if (e == k || dl + (e - k) + 2 >= sizeof(dom))
			break;
		memcpy(dom + dl, t + k, e - k);
		dl += e - k;
		labels++;
		k = e;
		nk = dot_token(t, n, k, &w);
		if (!nk || label_end(t, n, nk) == nk)
			break;
		if (w)
			dot_words = true;
		if (nk > k + 1 && !w)
			spaced_dots = true;
		dom[dl++] = '.';
		k = nk;
	}
	if (!labels)
		return ST_OK;
	/* "desk at claims.desk@gmail.com": the "domain" is the local part of a real address */
	if (k < n && t[k] == '@')
		return ST_OK;
	if (labels == 1) {
		if (!implied_com(dom, dl) || dl + 4 >= sizeof(dom))
			return ST_OK;
		memcpy(dom + dl, ".com", 4);
		dl += 4;
		implied = true;
	}
	/* "look at google dot com" style needs a dot word or bracket, or a real dot */
	if (form == AT_WORD && spaced_dots && !dot_words)
		return ST_OK;
	memset(&h, 0, sizeof(h));
	if (!set_addr(&h, t + ls, le - ls, dom, dl))
		return ST_OK;
	h.kind = SCAN_OBFUSCATED;
	h.off = ls;
	h.len = k - ls;
	snprintf(h.how, sizeof(h.how), "%s%s%s",
	         form == AT_WORD ? "'at' written as a word" :
	         form == AT_BRACKET ? "'at' in brackets or dashes" :
	         form == AT_SPACED ? "blanks or brackets around '@'" : "'at' in another language",
	         dot_words ? ", 'dot' written out" : spaced_dots ? ", blanks around '.'" : "",
	         implied ? ", '.com' implied" : "");
	*resume = k;
	return emit(s, &h);
}

static int pass_obfuscated(struct scanner *s)
{
	const char *t = s->t;
	size_t n = s->n, i;
	int st = ST_OK;

	for (i = 1; i + 1 < n && st == ST_OK; i++) {
		unsigned char c = (unsigned char)t[i];
		size_t resume = 0;

		if (c == '@') {
			if (strchr("([{<", t[i - 1]) && t[i - 1] && closing_of(t[i - 1], t[i + 1]))
				st = try_obfuscated(s, i - 1, i + 2, AT_SPACED, &resume);
			else if (is_sp(t[i - 1]) || is_sp(t[i + 1]))
				st = try_obfuscated(s, i, i + 1, AT_SPACED, &resume);
		} else if ((c | 0x20) == 'a' && ((unsigned char)t[i + 1] | 0x20) == 't') {
			char p = t[i - 1], q = i + 2 < n ? t[i + 2] : 0;

			if (q && strchr("([{<-_", p) && p && closing_of(p, q))
				st = try_obfuscated(s, i - 1, i + 3, AT_BRACKET, &resume);
			else if (is_sp(p) && (is_sp(q)))
				st = try_obfuscated(s, i, i + 2, AT_WORD, &resume);
			else if ((c | 0x20) == 'a' && word_at(t, n, i, "arroba"))
				st = try_obfuscated(s, i, i + 6, AT_FOREIGN, &resume);
		} else if ((c | 0x20) == 'a' && word_at(t, n, i, "arroba")) {
			st = try_obfuscated(s, i, i + 6, AT_FOREIGN, &resume);
		} else if (c == 0xd1 && word_at(t, n, i, "\xd1\x81\xd0\xbe\xd0\xb1\xd0\xb0\xd0\xba"
		                                         "\xd0\xb0")) {
			st = try_obfuscated(s, i, i + 12, AT_FOREIGN, &resume);
		}
		if (resume > i)
			i = resume - 1;
	}
	return st;
}

/* Fold fullwidth forms, drop invisible characters. Returns true if a copy was made. */
static bool normalise(struct scanner *s, const char *t, size_t n, struct buf *out)
{
	size_t i, run = 0;
	bool need = false;

	for (i = 0; i + 1 < n; i++) {
		unsigned char c = (unsigned char)t[i];

		if (c == 0xef || c == 0xe2 || c == 0xc2 || c == 0xef) {
			need = true;
			break;
		}
	}
	if (!need)
		return false;
	for (i = 0; i < n;) {
		const uint8_t *p = (const uint8_t *)t + i;
		size_t l = utf8_seq_len(p, n - i);
		uint32_t cp = l >= 2 ? utf8_decode(p, l) : 0;

		(void)run;
		if (l < 2) {
			buf_addc(out, t[i]);
			i++;
			continue;
		}
		i += l;
		if (cp == 0xff20 || cp == 0xfe6b) {
			if (s->nmarks < SCAN_MAX_MARKS)
				s->marks[s->nmarks++] = out->len;
			buf_addc(out, '@');
		} else if (cp == 0xff0e) {
			buf_addc(out, '.');
		} else if (cp == 0xa0 || cp == 0x202f || cp == 0x2007) {
			buf_addc(out, ' ');
		} else if ((cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 || cp == 0xfeff ||
		           cp == 0xad) {
			/* invisible: dropped */
		} else {
			buf_add(out, p, l);
		}
	}
	return true;
}

int mail_scan(const char *text, size_t n, scan_fn fn, void *ctx)
{
	struct scanner *s;
	struct buf norm;
	int st;

	s = calloc(1, sizeof(*s));
	if (!s)
		return ST_NOMEM;
	buf_init(&norm, n + 16);
	s->fn = fn;
	s->ctx = ctx;
	if (normalise(s, text, n, &norm)) {
		if (norm.err) {
			st = norm.err;
			goto out;
		}
		s->t = norm.data ? (const char *)norm.data : "";
		s->n = norm.len;
	} else {
		s->t = text;
		s->n = n;
	}
	st = pass_plain(s);
	if (st == ST_OK)
		st = pass_mailto(s);
	if (st == ST_OK)
		st = pass_obfuscated(s);
out:
	buf_reset(&norm);
	free(s);
	return st;
}
