/* RFC 2047 decoder: encoded words in unstructured text and phrases, tolerant of spam. */
#include <string.h>

#include "charset.h"
#include "mime_codec.h"
#include "rfc2047.h"
#include "status.h"

#define RFC2047_MAX_CHARSET 64 /* a charset label longer than this is not an encoded word */

struct word {
	const char *cs;
	size_t csn;
	char enc;                /* 'B' or 'Q' */
	const char *text;
	size_t textn;
	size_t len;              /* whole word, "=?" to "?=" */
};

/* Parse an encoded word at s[0..n) (s starts with "=?"). */
static bool parse_word(const char *s, size_t n, struct word *w)
{
	size_t i = 2, j;

	while (i < n && s[i] != '?' && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
	       s[i] != '\n' && i - 2 <= RFC2047_MAX_CHARSET)
		i++;
	if (i >= n || s[i] != '?' || i == 2 || i - 2 > RFC2047_MAX_CHARSET)
		return false;
	w->cs = s + 2;
	w->csn = i - 2;
	if (i + 2 >= n || s[i + 2] != '?')
		return false;
	w->enc = (char)(s[i + 1] & ~0x20);
	if (w->enc != 'B' && w->enc != 'Q')
		return false;
	j = i + 3;
	w->text = s + j;
	while (j + 1 < n && !(s[j] == '?' && s[j + 1] == '=')) {
		if (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n')
			return false;
		j++;
	}
	if (j + 1 >= n)
		return false;
	w->textn = (size_t)(s + j - w->text);
	w->len = j + 2;
	return true;
}

struct pending {
	struct buf bytes;
	const char *cs;
	size_t csn;
};

static int flush(struct pending *pd, struct buf *out, struct rfc2047_report *rep)
{
	bool known = true;
	int st = ST_OK;

	if (pd->cs) {
		st = charset_to_utf8(pd->cs, pd->csn, pd->bytes.data, pd->bytes.len, out, &known);
		if (!known && rep)
			rep->unknown_charset = true;
	}
	buf_clear(&pd->bytes);
	pd->cs = NULL;
	pd->csn = 0;
	return st;
}

static bool same_cs(const struct pending *pd, const struct word *w)
{
	size_t i;

	if (!pd->cs || pd->csn != w->csn)
		return false;
	for (i = 0; i < w->csn; i++)
		if ((pd->cs[i] | 0x20) != (w->cs[i] | 0x20))
			return false;
	return true;
}

int rfc2047_decode(const char *s, size_t n, struct buf *out, struct rfc2047_report *rep)
{
	struct pending pd;
	struct word w;
	size_t i = 0, lit, gap;
	int st = ST_OK;

	memset(&pd, 0, sizeof(pd));
	buf_init(&pd.bytes, out->max);
	while (i < n && st == ST_OK) {
		if (s[i] == '=' && i + 1 < n && s[i + 1] == '?' && parse_word(s + i, n - i, &w)) {
			if (!same_cs(&pd, &w))
				st = flush(&pd, out, rep);
			if (st != ST_OK)
				break;
			pd.cs = w.cs;
			pd.csn = w.csn;
			if (w.enc == 'B')
				b64_decode(w.text, w.textn, &pd.bytes, NULL);
			else
				qp_decode(w.text, w.textn, true, &pd.bytes, NULL);
			if (rep) {
				rep->words++;
				if (w.len > RFC2047_MAX_WORD)
					rep->overlong++;
				if (!rep->charset[0]) {
					const char *c = charset_canonical(w.cs, w.csn);
					size_t l = c ? strlen(c) : w.csn;

					if (l >= sizeof(rep->charset))
						l = sizeof(rep->charset) - 1;
					memcpy(rep->charset, c ? c : w.cs, l);
					rep->charset[l] = 0;
				}
			}
			i += w.len;
			/* whitespace up to the next encoded word is dropped (RFC 2047 §6.2) */
			for (gap = i; gap < n && (s[gap] == ' ' || s[gap] == '\t' || s[gap] == '\r' ||
			                          s[gap] == '\n'); gap++)
				;
			if (gap > i && gap + 1 < n && s[gap] == '=' && s[gap + 1] == '?' &&
			    parse_word(s + gap, n - gap, &w))
				i = gap;
			continue;
		}
		if (s[i] == '=' && i + 1 < n && s[i + 1] == '?' && rep)
			rep->malformed++;
		st = flush(&pd, out, rep);
		if (st != ST_OK)
			break;
		/* literal run up to the next "=?" */
		lit = i + 1;
		while (lit < n && !(s[lit] == '=' && lit + 1 < n && s[lit + 1] == '?'))
			lit++;
		{
			size_t a = i;

			while (a < lit) {
				size_t b = a;

				while (b < lit && s[b] != '\r' && s[b] != '\n')
					b++;
				st = charset_to_utf8(NULL, 0, s + a, b - a, out, NULL);
				if (st != ST_OK)
					break;
				while (b < lit && (s[b] == '\r' || s[b] == '\n'))
					b++;
				a = b;
			}
		}
		i = lit;
	}
	if (st == ST_OK)
		st = flush(&pd, out, rep);
	if (st == ST_OK && pd.bytes.err)
		st = pd.bytes.err;
	buf_reset(&pd.bytes);
	return st != ST_OK ? st : out->err;
}
