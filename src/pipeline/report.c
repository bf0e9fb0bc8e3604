/* Abuse report drafts: statement, sanitised headers, the original message byte for byte. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base64.h"
#include "clock.h"
#include "report.h"
#include "status.h"
#include "text.h"

#define REPORT_LINE_MAX 998        /* RFC 5322 §2.1.1 */
#define REPORT_FOLD_AT 76          /* fold header lines before 78 columns */
#define REPORT_VALUE_MAX 900       /* longest header value kept, in octets */
#define REPORT_EW_CHUNK 45         /* UTF-8 octets per encoded word: 60 base64 chars */

const char *report_kind_name(enum report_kind k)
{
	switch (k) {
	case REPORT_NETWORK: return "network";
	case REPORT_REGISTRAR: return "registrar";
	case REPORT_PROVIDER: return "provider";
	case REPORT_DOMAIN_REGISTRAR: return "domain-registrar";
	}
	return "recipient";
}

/* Controls to spaces, collapse space runs, trim, cap the length (on a UTF-8 boundary). */
static void clean_value(const char *v, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)(v ? v : "");
	size_t i, n = strlen((const char *)p), k;
	bool space = true;

	for (i = 0; i < n && out->len < REPORT_VALUE_MAX;) {
		k = utf8_seq_len(p + i, n - i);
		if (k == 0) {
			buf_adds(out, "\xef\xbf\xbd");   /* invalid byte: U+FFFD */
			i++;
			space = false;
			continue;
		}
		if (k == 1 && (p[i] < 0x20 || p[i] == 0x7f)) {
			if (!space)
				buf_addc(out, ' ');
			space = true;
			i++;
			continue;
		}
		if (k == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0) { /* C1 control */
			i += 2;
			continue;
		}
		if (k == 1 && p[i] == ' ') {
			if (!space)
				buf_addc(out, ' ');
			space = true;
			i++;
			continue;
		}
		buf_add(out, p + i, k);
		space = false;
		i += k;
	}
	while (out->len && out->data[out->len - 1] == ' ')
		buf_truncate(out, out->len - 1);
}

static bool all_ascii(const struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->data[i] >= 0x80)
			return false;
	return true;
}

int report_header_value(struct buf *out, const char *value, size_t used)
{
	struct buf v;
	size_t col = used, i, start, k;

	buf_init(&v, REPORT_VALUE_MAX + 8);
	clean_value(value, &v);
	if (v.err) {
		buf_reset(&v);
		return ST_NOMEM;
	}
	if (all_ascii(&v)) {
		/* fold at spaces; a word longer than a line stays whole (still under 998) */
		i = 0;
		while (i < v.len) {
			size_t w = i;

			while (w < v.len && v.data[w] != ' ')
				w++;
			if (i > 0 && col + 1 + (w - i) > REPORT_FOLD_AT) {
				buf_adds(out, "\n ");
				col = 1;
			} else if (i > 0) {
				buf_addc(out, ' ');
				col++;
			}
			buf_add(out, v.data + i, w - i);
			col += w - i;
			i = w + 1;
		}
	} else {
		/* RFC 2047 B-encoded UTF-8 words, split on character boundaries */
		start = 0;
		while (start < v.len) {
			size_t end = start;

			while (end < v.len) {
				k = utf8_seq_len(v.data + end, v.len - end);
				if (k == 0)
					k = 1;
				if (end + k - start > REPORT_EW_CHUNK)
					break;
				end += k;
			}
			if (start > 0)
				buf_adds(out, "\n ");
			buf_adds(out, "=?UTF-8?B?");
			base64_encode(out, v.data + start, end - start, 0, 0);
			buf_adds(out, "?=");
			start = end;
		}
	}
	buf_reset(&v);
	return out->err;
}

/* An address safe to put in To: as is: printable ASCII, one '@', no specials or spaces. */
static bool addr_ok(const char *a)
{
	const char *at = strchr(a, '@');
	size_t i, n = strlen(a);

	if (!at || at == a || !at[1] || strchr(at + 1, '@') || n > 254)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)a[i];

		if (c <= 0x20 || c >= 0x7f || strchr("<>()[],;:\\\"", c))
			return false;
	}
	return true;
}

static void header(struct buf *out, const char *name, const char *value)
{
	buf_adds(out, name);
	buf_adds(out, ": ");
	report_header_value(out, value, strlen(name) + 2);
	buf_addc(out, '\n');
}

static void header_to(struct buf *out, const struct report_recipient *r)
{
	size_t i, col = 4, n = 0;

	buf_adds(out, "To: ");
	for (i = 0; i < r->nto && i < REPORT_MAX_TO; i++) {
		size_t len;

		if (!r->to[i] || !addr_ok(r->to[i]))
			continue;
		len = strlen(r->to[i]);
		if (n) {
			buf_addc(out, ',');
			if (col + 2 + len > REPORT_FOLD_AT) {
				buf_adds(out, "\n ");
				col = 1;
			} else {
				buf_addc(out, ' ');
				col += 2;
			}
		}
		buf_adds(out, r->to[i]);
		col += len;
		n++;
	}
	if (!n)
		buf_adds(out, "undisclosed-recipients:;");
	buf_addc(out, '\n');
}

static void date_header(struct buf *out, int64_t ms)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mons[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return;
	buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\n", days[tm.tm_wday],
	           tm.tm_mday, mons[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	           tm.tm_sec);
}

/* Body text is ours, but names in it come from peers: keep them printable on one line. */
static void put_text(struct buf *out, const char *s)
{
	struct buf v;

	if (!s)
		return;
	buf_init(&v, REPORT_VALUE_MAX + 8);
	clean_value(s, &v);
	buf_add(out, v.data ? v.data : (const uint8_t *)"", v.len);
	buf_reset(&v);
}

static void subject_text(struct buf *s, const struct report_recipient *r,
                         const struct report_case *c)
{
	buf_adds(s, "Fraud: reply address ");
	buf_adds(s, c->reply_addr ? c->reply_addr : "?");
	switch (r->kind) {
	case REPORT_PROVIDER:
		buf_adds(s, " used for a scam: please close the mailbox");
		break;
	case REPORT_REGISTRAR:
	case REPORT_DOMAIN_REGISTRAR:
		buf_adds(s, ": mail domain registered through you");
		break;
	case REPORT_NETWORK:
		if (c->nhosts && c->hosts[0].name) {
			buf_adds(s, " delivered to ");
			buf_adds(s, c->hosts[0].name);
			if (c->hosts[0].nips && c->hosts[0].ips[0].addr) {
				buf_adds(s, " (");
				buf_adds(s, c->hosts[0].ips[0].addr);
				buf_adds(s, ")");
			}
			buf_adds(s, " on your network");
		} else {
			buf_adds(s, " delivered to your network");
		}
		break;
	}
}

static void statement_case(struct buf *out, const struct report_case *c)
{
	char when[32];
	size_t h, i;

	buf_adds(out, "  Reply address:  ");
	put_text(out, c->reply_addr);
	buf_adds(out, "\n  Reply domain:   ");
	put_text(out, c->reply_domain);
	buf_addc(out, '\n');
	for (h = 0; h < c->nhosts; h++) {
		const struct report_host *hp = &c->hosts[h];

		if (hp->pref >= 0)
			buf_printf(out, "  MX %-3d ", hp->pref);
		else
			buf_adds(out, "  implicit MX  ");
		put_text(out, hp->name);
		if (hp->regdomain) {
			buf_adds(out, "  (domain ");
			put_text(out, hp->regdomain);
			if (hp->registrar) {
				buf_adds(out, ", registrar ");
				put_text(out, hp->registrar);
			}
			buf_addc(out, ')');
		}
		buf_addc(out, '\n');
		if (hp->nips == 0)
			buf_adds(out, "           (no address)\n");
		for (i = 0; i < hp->nips; i++) {
			const struct report_ip *ip = &hp->ips[i];

			buf_adds(out, "           ");
			put_text(out, ip->addr);
			if (ip->netblock || ip->netname || ip->holder) {
				buf_adds(out, "  in ");
				put_text(out, ip->netblock ? ip->netblock : "?");
				if (ip->netname) {
					buf_adds(out, " ");
					put_text(out, ip->netname);
				}
				if (ip->holder) {
					buf_adds(out, ", ");
					put_text(out, ip->holder);
				}
			}
			buf_addc(out, '\n');
		}
	}
	clock_fmt_utc(c->looked_up_ms, when, sizeof(when));
	buf_printf(out, "  Looked up:      %s (UTC)", when);
	if (c->resolver) {
		buf_adds(out, " via DNS server ");
		put_text(out, c->resolver);
	}
	buf_addc(out, '\n');
}

static bool has_raw(const struct report_recipient *r, const struct report_case *cases,
                    size_t ncases)
{
	size_t i;

	for (i = 0; i < r->ncases; i++)
		if (r->cases[i] < ncases && cases[r->cases[i]].raw)
			return true;
	return false;
}

static void statement(struct buf *out, const struct report_recipient *r,
                      const struct report_case *cases, size_t ncases)
{
	size_t i;

	buf_adds(out, "Hello,\n\n");
	bool many = r->ncases > 1;

	buf_adds(out, many ? "The e-mail addresses below are reply addresses of fraudulent "
	                     "e-mail: victims\nare asked to write to them.\n"
	                   : "The e-mail address below is the reply address of a fraudulent "
	                     "e-mail: victims\nare asked to write to it.\n");
	switch (r->kind) {
	case REPORT_NETWORK:
		buf_adds(out, many ? "Mail to them is delivered to the mail exchangers listed here, "
		                     "at addresses\non your network"
		                   : "Mail to it is delivered to the mail exchangers listed here, at "
		                     "addresses on\nyour network");
		break;
	case REPORT_REGISTRAR:
		buf_adds(out, many ? "Mail to them is delivered to the mail exchangers listed "
		                     "here, whose domain\nis registered through you"
		                   : "Mail to it is delivered to the mail exchangers listed here, "
		                     "whose domain is\nregistered through you");
		break;
	case REPORT_DOMAIN_REGISTRAR:
		buf_adds(out, many ? "The reply domains themselves are registered through you"
		                   : "The reply domain itself is registered through you");
		break;
	case REPORT_PROVIDER:
		buf_adds(out, many ? "The mailboxes are hosted by you" : "The mailbox is hosted by you");
		break;
	}
	if (r->why) {
		buf_adds(out, " (");
		put_text(out, r->why);
		buf_addc(out, ')');
	}
	buf_adds(out, ".\n\n");
	for (i = 0; i < r->ncases; i++) {
		if (r->cases[i] >= ncases)
			continue;
		statement_case(out, &cases[r->cases[i]]);
		buf_addc(out, '\n');
	}
	switch (r->kind) {
	case REPORT_NETWORK:
		buf_adds(out, "Please suspend the mail service of these hosts for this address, "
		              "or suspend the\nhosts or null-route the addresses, so that victims' "
		              "replies no longer reach\nthe sender.");
		break;
	case REPORT_REGISTRAR:
	case REPORT_DOMAIN_REGISTRAR:
		buf_adds(out, "Please suspend the domain, so that victims' replies no longer reach "
		              "the sender.");
		break;
	case REPORT_PROVIDER:
		buf_adds(out, "Please close the mailbox, so that victims' replies no longer reach "
		              "the sender.");
		break;
	}
	buf_adds(out, " We suspect criminal fraud.\n\n");
	buf_adds(out, "The facts above were looked up with mxtrace at the time given.\n");
	if (!has_raw(r, cases, ncases))
		buf_adds(out, "No copy of the original message was given to the tool.\n");
	else
		buf_adds(out, many ? "The full original messages, with all their headers, follow "
		                     "unaltered.\n"
		                   : "The full original message, with all its headers, follows "
		                     "unaltered.\n");
}

/* Valid as 8bit MIME content: no NUL, no bare CR, lines of at most 998 octets. */
static bool is_8bit_clean(const uint8_t *p, size_t n)
{
	size_t i, line = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == 0)
			return false;
		if (p[i] == '\r') {
			if (i + 1 >= n || p[i + 1] != '\n')
				return false;
			continue;
		}
		if (p[i] == '\n') {
			line = 0;
			continue;
		}
		if (++line > REPORT_LINE_MAX)
			return false;
	}
	return true;
}

/* A boundary that occurs in none of the bodies it separates. */
static void make_boundary(char *b, size_t blen, const struct report_case *cases,
                          const size_t *idx, size_t n, int64_t seed)
{
	unsigned attempt;
	size_t i;

	for (attempt = 0;; attempt++) {
		bool clash = false;

		snprintf(b, blen, "=_mxtrace_%llx_%u", (unsigned long long)seed, attempt);
		for (i = 0; i < n && !clash; i++) {
			const struct report_case *c = &cases[idx[i]];
			size_t bl = strlen(b), j;

			for (j = 0; c->raw && j + bl <= c->raw_len && !clash; j++)
				clash = memcmp(c->raw + j, b, bl) == 0;
		}
		if (!clash)
			return;
	}
}

static void common_headers(struct buf *out, const struct report_recipient *r,
                           const struct report_case *first, const struct report_opts *o)
{
	struct buf s;

	if (o->from)
		header(out, "From", o->from);
	header_to(out, r);
	buf_init(&s, 4096);
	subject_text(&s, r, first);
	header(out, "Subject", buf_str(&s));
	buf_reset(&s);
	date_header(out, o->now_ms);
	buf_adds(out, "MIME-Version: 1.0\n");
	header(out, "User-Agent", o->user_agent ? o->user_agent : "mxtrace");
	buf_adds(out, "X-Mxtrace-Draft: review before sending; send with: sendmail -t < FILE\n");
}

int report_write_text(struct buf *out, const struct report_recipient *r,
                      const struct report_case *cases, size_t ncases,
                      const struct report_opts *o)
{
	char boundary[64];
	bool clean = true;
	size_t i;

	if (!r->ncases || r->cases[0] >= ncases)
		return ST_INVAL;
	for (i = 0; i < r->ncases; i++)
		if (r->cases[i] < ncases && !is_8bit_clean(cases[r->cases[i]].raw,
		                                           cases[r->cases[i]].raw_len))
			clean = false;
	common_headers(out, r, &cases[r->cases[0]], o);
	if (clean) {
		buf_adds(out, "Content-Type: text/plain; charset=utf-8\n"
		              "Content-Transfer-Encoding: 8bit\n\n");
		statement(out, r, cases, ncases);
		for (i = 0; i < r->ncases; i++) {
			const struct report_case *c;

			if (r->cases[i] >= ncases)
				continue;
			c = &cases[r->cases[i]];
			if (!c->raw)
				continue;
			buf_adds(out, "\n-----BEGIN ORIGINAL MESSAGE");
			if (c->source) {
				buf_adds(out, " (");
				put_text(out, c->source);
				buf_addc(out, ')');
			}
			buf_adds(out, "-----\n");
			buf_add(out, c->raw, c->raw_len);
			if (c->raw_len && c->raw[c->raw_len - 1] != '\n')
				buf_addc(out, '\n');
			buf_adds(out, "-----END ORIGINAL MESSAGE-----\n");
		}
		return out->err;
	}
	make_boundary(boundary, sizeof(boundary), cases, r->cases, r->ncases, o->now_ms);
	buf_printf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\n\n", boundary);
	buf_adds(out, "This is a multi-part message in MIME format.\n");
	buf_printf(out, "\n--%s\nContent-Type: text/plain; charset=utf-8\n"
	                "Content-Transfer-Encoding: 8bit\n\n", boundary);
	statement(out, r, cases, ncases);
	buf_adds(out, "The originals are attached as files because they are not plain text "
	              "(NUL bytes,\nbare CR or overlong lines); decoded, they are byte for byte "
	              "what was received.\n");
	for (i = 0; i < r->ncases; i++) {
		const struct report_case *c;

		if (r->cases[i] >= ncases)
			continue;
		c = &cases[r->cases[i]];
		buf_printf(out, "\n--%s\nContent-Type: application/octet-stream\n"
		                "Content-Disposition: attachment; filename=\"original-%zu.eml\"\n"
		                "Content-Transfer-Encoding: base64\n\n", boundary, i + 1);
		base64_encode(out, c->raw, c->raw_len, 76, 0);
	}
	buf_printf(out, "\n--%s--\n", boundary);
	return out->err;
}

int report_write_arf(struct buf *out, const struct report_recipient *r,
                     const struct report_case *c, const struct report_opts *o)
{
	struct report_recipient one = *r;
	size_t zero = 0;
	char boundary[64];
	bool clean = is_8bit_clean(c->raw, c->raw_len);

	one.cases = &zero;
	one.ncases = 1;
	make_boundary(boundary, sizeof(boundary), c, &zero, 1, o->now_ms);
	common_headers(out, &one, c, o);
	buf_printf(out, "Content-Type: multipart/report; report-type=feedback-report;\n"
	                " boundary=\"%s\"\n\n", boundary);
	buf_adds(out, "This is a MIME-encapsulated message.\n");
	buf_printf(out, "\n--%s\nContent-Type: text/plain; charset=utf-8\n"
	                "Content-Transfer-Encoding: 8bit\n\n", boundary);
	statement(out, &one, c, 1);
	buf_printf(out, "\n--%s\nContent-Type: message/feedback-report\n\n", boundary);
	buf_adds(out, "Feedback-Type: fraud\n");
	header(out, "User-Agent", o->user_agent ? o->user_agent : "mxtrace");
	buf_adds(out, "Version: 1\n");
	if (c->reply_domain)
		header(out, "Reported-Domain", c->reply_domain);
	if (c->reply_addr && addr_ok(c->reply_addr)) {
		buf_adds(out, "Reported-URI: mailto:");
		buf_adds(out, c->reply_addr);
		buf_addc(out, '\n');
	}
	if (clean) {
		buf_printf(out, "\n--%s\nContent-Type: message/rfc822\n"
		                "Content-Disposition: inline\n"
		                "Content-Transfer-Encoding: 8bit\n\n", boundary);
		buf_add(out, c->raw, c->raw_len);
		if (c->raw_len && c->raw[c->raw_len - 1] != '\n')
			buf_addc(out, '\n');
	} else {
		/* message/rfc822 may not be base64-encoded (RFC 2046 §5.2.1): send as binary */
		buf_printf(out, "\n--%s\nContent-Type: message/rfc822\n"
		                "Content-Disposition: inline\n"
		                "Content-Transfer-Encoding: binary\n\n", boundary);
		buf_add(out, c->raw, c->raw_len);
		buf_addc(out, '\n');
	}
	buf_printf(out, "--%s--\n", boundary);
	return out->err;
}

void report_filename(char *out, size_t outlen, unsigned index, const struct report_recipient *r)
{
	char slug[48];
	const char *p = r->party ? r->party : (r->nto ? r->to[0] : "unknown");
	size_t n = 0;
	bool dash = false;

	for (; *p && n < sizeof(slug) - 1; p++) {
		int c = ascii_lower((unsigned char)*p);

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.') {
			slug[n++] = (char)c;
			dash = false;
		} else if (!dash && n) {
			slug[n++] = '-';
			dash = true;
		}
	}
	while (n && (slug[n - 1] == '-' || slug[n - 1] == '.'))
		n--;
	slug[n] = 0;
	snprintf(out, outlen, "%02u-%s-%s.eml", index, report_kind_name(r->kind),
	         n ? slug : "unknown");
}

/* The recipient and case of ARF draft i (only cases with an original count). */
static const struct report_recipient *arf_pair(const struct report_set *s, size_t i, size_t *ci)
{
	size_t r, k;

	for (r = 0; r < s->nrcpts; r++)
		for (k = 0; k < s->rcpts[r]->ncases; k++) {
			size_t c = s->rcpts[r]->cases[k];

			if (c >= s->ncases || !s->cases[c].raw)
				continue;
			if (i-- == 0) {
				*ci = c;
				return s->rcpts[r];
			}
		}
	return NULL;
}

size_t report_set_count(const struct report_set *s, bool arf)
{
	size_t n = 0, r, k;

	if (!arf)
		return s->nrcpts;
	for (r = 0; r < s->nrcpts; r++)
		for (k = 0; k < s->rcpts[r]->ncases; k++)
			n += s->rcpts[r]->cases[k] < s->ncases && s->cases[s->rcpts[r]->cases[k]].raw;
	return n;
}

int report_set_draft(const struct report_set *s, size_t i, bool arf, const struct report_opts *o,
                     struct buf *out, char *name, size_t namelen)
{
	const struct report_recipient *r;
	size_t ci;

	if (!arf) {
		if (i >= s->nrcpts)
			return ST_INVAL;
		report_filename(name, namelen, (unsigned)i + 1, s->rcpts[i]);
		return report_write_text(out, s->rcpts[i], s->cases, s->ncases, o);
	}
	r = arf_pair(s, i, &ci);
	if (!r)
		return ST_INVAL;
	report_filename(name, namelen, (unsigned)i + 1, r);
	return report_write_arf(out, r, &s->cases[ci], o);
}

int report_set_line(const struct report_set *s, size_t i, bool arf, struct buf *out)
{
	const struct report_recipient *r;
	size_t ci = 0;

	r = arf ? arf_pair(s, i, &ci) : i < s->nrcpts ? s->rcpts[i] : NULL;
	if (!r)
		return ST_INVAL;
	buf_printf(out, "%-16s ", report_kind_name(r->kind));
	put_text(out, r->nto ? r->to[0] : r->form_url ? r->form_url : "?");
	buf_adds(out, " (");
	put_text(out, r->party ? r->party : "?");
	buf_adds(out, ")");
	return out->err;
}
