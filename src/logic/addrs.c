/* Ranking of reply-address candidates: sightings from headers and text, exclusions, scores. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrs.h"
#include "buf.h"
#include "mail_addr.h"
#include "mail_hdr.h"
#include "mail_scan.h"
#include "mime.h"
#include "punycode.h"
#include "rfc2047.h"
#include "status.h"
#include "text.h"

#define ADDRS_MAX_SIGHTINGS 4096  /* sightings collected per message before merging */
#define ADDRS_MAX_SET 2048        /* recipients / list addresses remembered per message */
#define ADDRS_MAX_FIELD (64u * 1024u) /* unfolded header value examined */

/* Scores (see docs/QUIRKS.md "Ranking" and README). */
#define PTS_REPLY_TO 90
#define PTS_REPLY_TO_NESTED 85
#define PTS_MAIL_REPLY_TO 80
#define PTS_BODY_OBF_CUE 78
#define PTS_BODY_CUE 75
#define PTS_BODY_MAILTO 70
#define PTS_BODY_OBF 55
#define PTS_FROM_FREEMAIL_ONLY 60
#define PTS_FROM 50
#define PTS_BODY_PLAIN 40
#define PTS_SENDER 35
#define PTS_OTHER 30
#define PTS_RETURN_PATH 20
#define PTS_DKIM 15
#define PTS_BULK_PENALTY 15
#define PTS_PER_EXTRA 4
#define PTS_EXTRA_MAX 10
#define PTS_CAP 99

struct sight {
	char *local;
	char *domain;                /* as written */
	struct addrs_evidence ev;
	bool obf;
	bool in_url;
	bool quoted;
	bool cue;
	bool msgid;                  /* a message identifier, not an address */
	bool reply_field;            /* a Reply-To-like header */
	bool from_field;
	unsigned long order;
};

struct addr_set {
	char **key;                  /* lower-case local@ascii-domain */
	char **where;
	size_t n;
};

struct ctx {
	const struct addrs_opts *o;
	struct addrs_result *r;
	struct sight *s;
	size_t ns;
	size_t caps;
	struct addr_set rcpt;
	struct addr_set list;
	struct addr_set listpost;    /* the list's own posting address (List-Post, Sender) */
	char *from_key;              /* first From address of the message itself */
	bool has_reply_to;
	char dkim[8][256];           /* domains with dkim=pass in the receiver's A-R header */
	size_t ndkim;
	bool ar_seen;
	unsigned long order;
	int err;
};

/* ---- small helpers ---- */

static char *sdup(struct ctx *c, const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		c->err = ST_NOMEM;
	return d;
}

static char *sfmt(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *sfmt(struct ctx *c, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	char *r;

	buf_init(&b, 1u << 20);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	r = sdup(c, buf_str(&b));
	buf_reset(&b);
	return r;
}

static void add_note(struct ctx *c, const char *note)
{
	char **nn;
	size_t i;

	for (i = 0; i < c->r->nnotes; i++)
		if (strcmp(c->r->notes[i], note) == 0)
			return;
	if (c->r->nnotes >= ADDRS_MAX_NOTES)
		return;
	nn = realloc(c->r->notes, (c->r->nnotes + 1) * sizeof(*nn));
	if (!nn) {
		c->err = ST_NOMEM;
		return;
	}
	c->r->notes = nn;
	nn[c->r->nnotes] = sdup(c, note);
	if (nn[c->r->nnotes])
		c->r->nnotes++;
}

/* Lower-case key local@a-label-domain; false when the domain cannot be converted. */
static bool make_key(const char *local, const char *domain, struct buf *key, struct buf *ascii)
{
	size_t i;

	buf_clear(ascii);
	if (idna_to_ascii(domain, strlen(domain), ascii) != ST_OK)
		return false;
	buf_clear(key);
	for (i = 0; local[i]; i++)
		buf_addc(key, ascii_lower((unsigned char)local[i]));
	buf_addc(key, '@');
	buf_add(key, ascii->data, ascii->len);
	return !key->err;
}

static const char *set_find(const struct addr_set *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->key[i], key) == 0)
			return s->where[i];
	return NULL;
}

static void set_add(struct ctx *c, struct addr_set *s, const char *local, const char *domain,
                    const char *where)
{
	struct buf key, ascii;
	char **nk, **nw;

	if (s->n >= ADDRS_MAX_SET)
		return;
	buf_init(&key, 4096);
	buf_init(&ascii, 4096);
	if (make_key(local, domain, &key, &ascii) && !set_find(s, buf_str(&key))) {
		nk = realloc(s->key, (s->n + 1) * sizeof(*nk));
		if (nk)
			s->key = nk;
		nw = realloc(s->where, (s->n + 1) * sizeof(*nw));
		if (nw)
			s->where = nw;
		if (!nk || !nw) {
			c->err = ST_NOMEM;
		} else {
			s->key[s->n] = sdup(c, buf_str(&key));
			s->where[s->n] = sdup(c, where);
			if (s->key[s->n] && s->where[s->n])
				s->n++;
		}
	}
	buf_reset(&key);
	buf_reset(&ascii);
}

static void set_free(struct addr_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->key[i]);
		free(s->where[i]);
	}
	free(s->key);
	free(s->where);
}

static struct sight *new_sight(struct ctx *c)
{
	struct sight *s;

	if (c->ns >= ADDRS_MAX_SIGHTINGS)
		return NULL;
	if (c->ns == c->caps) {
		size_t ncap = c->caps ? c->caps * 2 : 16;
		struct sight *ns = realloc(c->s, ncap * sizeof(*ns));

		if (!ns) {
			c->err = ST_NOMEM;
			return NULL;
		}
		c->s = ns;
		c->caps = ncap;
	}
	s = &c->s[c->ns++];
	memset(s, 0, sizeof(*s));
	s->order = c->order++;
	return s;
}

/* Text safe to show: valid UTF-8 without controls, blanks collapsed, at most max bytes. */
static char *clean_text(struct ctx *c, const char *p, size_t n, size_t max)
{
	struct buf b;
	size_t i = 0;
	bool sp = false;
	char *r;

	buf_init(&b, max + 8);
	while (i < n && b.len < max) {
		size_t l = utf8_seq_len((const uint8_t *)p + i, n - i);

		if (!l) {
			i++;
			continue;
		}
		if (l == 1 && ((unsigned char)p[i] < 0x20 || p[i] == 0x7f || p[i] == ' ')) {
			sp = true;
			i++;
			continue;
		}
		if (l == 2 && (unsigned char)p[i] == 0xc2 && (unsigned char)p[i + 1] < 0xa0) {
			i += 2;          /* C1 controls */
			continue;
		}
		if (sp && b.len)
			buf_addc(&b, ' ');
		sp = false;
		if (b.len + l > max)
			break;
		buf_add(&b, p + i, l);
		i += l;
	}
	r = sdup(c, buf_str(&b));
	buf_reset(&b);
	return r;
}

/* ---- headers ---- */

struct cand_field {
	const char *name;
	enum addrs_role role;
	int points;
};

static const struct cand_field cand_fields[] = {
	{ "Reply-To", ADDRS_REPLY_TO, PTS_REPLY_TO },
	{ "Mail-Reply-To", ADDRS_REPLY_TO, PTS_MAIL_REPLY_TO },
	{ "Mail-Followup-To", ADDRS_REPLY_TO, PTS_MAIL_REPLY_TO },
	{ "From", ADDRS_FROM, PTS_FROM },
	{ "Sender", ADDRS_SENDER, PTS_SENDER },
	{ "Return-Path", ADDRS_RETURN_PATH, PTS_RETURN_PATH },
	{ "Resent-From", ADDRS_OTHER, PTS_OTHER },
	{ "Resent-Sender", ADDRS_OTHER, PTS_OTHER },
	{ "Resent-Reply-To", ADDRS_OTHER, PTS_OTHER },
	{ "Errors-To", ADDRS_OTHER, PTS_OTHER },
	{ "Disposition-Notification-To", ADDRS_OTHER, PTS_OTHER },
	{ "Return-Receipt-To", ADDRS_OTHER, PTS_OTHER },
	{ "X-Sender", ADDRS_OTHER, PTS_OTHER },
};

static char *where_header(struct ctx *c, const char *name, const struct mail_field *f,
                          const struct mime_part_info *pi)
{
	if (pi->msg_level == 0)
		return sfmt(c, "%s header, line %lu", name, f->line);
	return sfmt(c, "%s header of the attached message in part %s", name,
	            *pi->path ? pi->path : "?");
}

/* Strip "rfc822;" address-type prefixes (RFC 3464 Original-Recipient). */
static void strip_type(struct buf *v)
{
	const char *semi = memchr(v->data ? (const char *)v->data : "", ';', v->len);
	size_t k;

	if (!semi || semi - (const char *)v->data > 12)
		return;
	k = (size_t)(semi - (const char *)v->data) + 1;
	memmove(v->data, v->data + k, v->len - k);
	buf_truncate(v, v->len - k);
}

static void recipients_from(struct ctx *c, const char *name, const char *v, size_t n)
{
	struct maddr_list l;
	size_t i;

	if (maddr_parse(v, n, &l) != ST_OK) {
		c->err = ST_NOMEM;
		return;
	}
	for (i = 0; i < l.n; i++)
		if (!(l.a[i].flags & MADDR_EMPTY))
			set_add(c, &c->rcpt, l.a[i].local, l.a[i].domain, name);
	maddr_list_free(&l);
}

/* "for <victim@example>" in Received: names a recipient too. */
static void received_for(struct ctx *c, const char *v, size_t n)
{
	struct span s = { v, n };
	long f = span_ifind(s, "for ");

	while (f >= 0) {
		size_t k = (size_t)f + 4, e;

		while (k < n && (v[k] == ' ' || v[k] == '\t'))
			k++;
		if (k < n && v[k] == '<') {
			for (e = k; e < n && v[e] != '>' && v[e] != ';'; e++)
				;
			recipients_from(c, "Received (for ...)", v + k, e - k + (e < n));
		} else {
			for (e = k; e < n && v[e] != ' ' && v[e] != ';' && v[e] != '\t'; e++)
				;
			if (memchr(v + k, '@', e - k))
				recipients_from(c, "Received (for ...)", v + k, e - k);
		}
		s.p = v + k;
		s.n = n - k;
		f = span_ifind(s, "for ");
		if (f >= 0)
			f += (long)k;
	}
}

static void list_addrs(struct ctx *c, struct addr_set *set, const char *name, const char *v,
                       size_t n)
{
	size_t i = 0;

	while (i < n) {
		struct span s = { v + i, n - i };
		long f = span_ifind(s, "mailto:");
		size_t a, e, at;
		char tmp[SCAN_MAX_ADDR];

		if (f < 0)
			break;
		a = i + (size_t)f + 7;
		for (e = a; e < n && v[e] != '>' && v[e] != '?' && v[e] != ',' && v[e] != ' '; e++)
			;
		i = e;
		if (e - a >= sizeof(tmp))
			continue;
		memcpy(tmp, v + a, e - a);
		tmp[e - a] = 0;
		for (at = 0; tmp[at] && tmp[at] != '@'; at++)
			;
		if (!tmp[at])
			continue;
		tmp[at] = 0;
		set_add(c, set, tmp, tmp + at + 1, name);
	}
}

/* Sender: owner-L@D, L-admin@D, L-request@D, L-bounces@D, L-owner@D name the list L@D. */
static void list_from_sender(struct ctx *c, const char *v, size_t n)
{
	static const char *const suffix[] = { "-admin", "-request", "-bounces", "-owner" };
	struct maddr_list l;
	size_t i, k;

	if (maddr_parse(v, n, &l) != ST_OK) {
		c->err = ST_NOMEM;
		return;
	}
	for (i = 0; i < l.n; i++) {
		char *lp = l.a[i].local;
		size_t ll;

		if (l.a[i].flags & MADDR_EMPTY)
			continue;
		ll = strlen(lp);
		if (ascii_istarts(lp, "owner-") && ll > 6) {
			set_add(c, &c->listpost, lp + 6, l.a[i].domain, "Sender (owner-)");
			continue;
		}
		for (k = 0; k < sizeof(suffix) / sizeof(suffix[0]); k++) {
			size_t sl = strlen(suffix[k]);

			if (ll > sl && ascii_ieq(lp + ll - sl, suffix[k])) {
				lp[ll - sl] = 0;
				set_add(c, &c->listpost, lp, l.a[i].domain, "Sender (list administrator)");
				break;
			}
		}
	}
	maddr_list_free(&l);
}

static void dkim_results(struct ctx *c, const char *v, size_t n)
{
	size_t i = 0;

	/* only the topmost Authentication-Results (the receiver's own) is trusted */
	if (c->ar_seen)
		return;
	c->ar_seen = true;
	while (i < n && c->ndkim < sizeof(c->dkim) / sizeof(c->dkim[0])) {
		size_t e = i;
		struct span seg, rest;
		long d;

		while (e < n && v[e] != ';')
			e++;
		seg.p = v + i;
		seg.n = e - i;
		i = e + 1;
		if (span_ifind(seg, "dkim=pass") < 0)
			continue;
		d = span_ifind(seg, "header.d=");
		if (d < 0) {
			d = span_ifind(seg, "header.i=");
			if (d >= 0) {
				rest.p = seg.p + d;
				rest.n = seg.n - (size_t)d;
				d = span_ifind(rest, "@");
				if (d >= 0)
					d = (long)(rest.p - seg.p) + d - 8;
			}
		}
		if (d < 0)
			continue;
		{
			const char *p = seg.p + d + 9;
			size_t k = 0;
			char *out = c->dkim[c->ndkim];

			while (p < seg.p + seg.n && *p != ' ' && *p != ';' && *p != ')' && *p != '\t' &&
			       k + 1 < sizeof(c->dkim[0]))
				out[k++] = (char)ascii_lower((unsigned char)*p++);
			out[k] = 0;
			if (k)
				c->ndkim++;
		}
	}
}

static void candidates_from(struct ctx *c, const struct cand_field *cf,
                            const struct mail_field *f, const char *v, size_t n,
                            const struct mime_part_info *pi)
{
	struct maddr_list l;
	size_t i;

	if (maddr_parse(v, n, &l) != ST_OK) {
		c->err = ST_NOMEM;
		return;
	}
	for (i = 0; i < l.n; i++) {
		struct maddr *a = &l.a[i];
		struct sight *s;

		if (a->flags & MADDR_EMPTY)
			continue;
		s = new_sight(c);
		if (!s)
			break;
		s->local = sdup(c, a->local);
		s->domain = sdup(c, a->domain);
		s->ev.role = cf->role;
		s->ev.source = ADDRS_SRC_HEADER;
		s->ev.where = where_header(c, cf->name, f, pi);
		s->ev.steps = sdup(c, "");
		{
			struct buf d;

			buf_init(&d, ADDRS_MAX_FIELD);
			rfc2047_decode(v, n, &d, NULL);
			s->ev.phrase = clean_text(c, d.data ? (const char *)d.data : "", d.len,
			                          ADDRS_MAX_PHRASE);
			buf_reset(&d);
		}
		s->ev.msg_level = pi->msg_level;
		s->ev.points = cf->role == ADDRS_REPLY_TO && pi->msg_level ? PTS_REPLY_TO_NESTED :
		               cf->points;
		s->reply_field = cf->role == ADDRS_REPLY_TO;
		s->from_field = cf->role == ADDRS_FROM;
		{
			struct buf note;

			buf_init(&note, 4096);
			if (a->flags & MADDR_DISPLAY_ADDR)
				buf_printf(&note, "display name shows another address (\"%.80s\"): "
				                  "spoof signal; ", a->display);
			if (a->flags & MADDR_REPAIRED)
				buf_adds(&note, "broken address syntax repaired; ");
			if (cf->role == ADDRS_REPLY_TO && pi->msg_level == 0)
				c->has_reply_to = true;
			if (cf->role == ADDRS_FROM && pi->msg_level == 0 && !c->from_key) {
				struct buf key, ascii;

				buf_init(&key, 4096);
				buf_init(&ascii, 4096);
				if (make_key(a->local, a->domain, &key, &ascii))
					c->from_key = sdup(c, buf_str(&key));
				buf_reset(&key);
				buf_reset(&ascii);
			}
			if (note.len >= 2)
				buf_truncate(&note, note.len - 2);
			s->ev.note = sdup(c, buf_str(&note));
			buf_reset(&note);
		}
	}
	maddr_list_free(&l);
}

/* What a header field is to us; a field may be several things (From: candidate + summary). */
enum field_kind {
	K_RCPT = 1 << 0,
	K_TYPED = 1 << 1,        /* "rfc822;addr" values (RFC 3464) */
	K_RECEIVED = 1 << 2,
	K_LIST = 1 << 3,
	K_LISTPOST = 1 << 4,
	K_SENDERLIST = 1 << 5,
	K_AR = 1 << 6,
	K_CAND = 1 << 7,
	K_SUBJECT = 1 << 8,
	K_FROM = 1 << 9,
	K_DATE = 1 << 10,
	K_MSGID = 1 << 11,
};

struct field_class {
	const char *name;
	size_t len;
	unsigned kinds;
	int cand;                /* index into cand_fields, or -1 */
};

#define FC(n, k, c) { n, sizeof(n) - 1, k, c }

/* One table, matched by length first: most fields of a message are none of these. */
static const struct field_class field_classes[] = {
	FC("Reply-To", K_CAND, 0), FC("Mail-Reply-To", K_CAND, 1),
	FC("Mail-Followup-To", K_CAND, 2), FC("From", K_CAND | K_FROM, 3),
	FC("Sender", K_CAND | K_SENDERLIST, 4), FC("Return-Path", K_CAND, 5),
	FC("Resent-From", K_CAND, 6), FC("Resent-Sender", K_CAND, 7),
	FC("Resent-Reply-To", K_CAND, 8), FC("Errors-To", K_CAND, 9),
	FC("Disposition-Notification-To", K_CAND, 10), FC("Return-Receipt-To", K_CAND, 11),
	FC("X-Sender", K_CAND, 12),
	FC("To", K_RCPT, -1), FC("Cc", K_RCPT, -1), FC("Bcc", K_RCPT, -1),
	FC("Delivered-To", K_RCPT, -1), FC("X-Original-To", K_RCPT, -1),
	FC("Envelope-To", K_RCPT, -1), FC("X-Envelope-To", K_RCPT, -1),
	FC("Resent-To", K_RCPT, -1), FC("Resent-Cc", K_RCPT, -1), FC("Resent-Bcc", K_RCPT, -1),
	FC("Apparently-To", K_RCPT, -1), FC("X-Apparently-To", K_RCPT, -1),
	FC("X-Rcpt-To", K_RCPT, -1), FC("X-Forwarded-To", K_RCPT, -1),
	FC("X-Delivered-To", K_RCPT, -1), FC("Original-Recipient", K_RCPT | K_TYPED, -1),
	FC("X-Original-Recipient", K_RCPT | K_TYPED, -1),
	FC("Final-Recipient", K_RCPT | K_TYPED, -1),
	FC("X-Envelope-Recipient", K_RCPT | K_TYPED, -1), FC("X-Resolved-To", K_RCPT, -1),
	FC("Received", K_RECEIVED, -1),
	FC("List-Unsubscribe", K_LIST, -1), FC("List-Subscribe", K_LIST, -1),
	FC("List-Help", K_LIST, -1), FC("List-Owner", K_LIST, -1), FC("List-Archive", K_LIST, -1),
	FC("List-Post", K_LISTPOST, -1),
	FC("Authentication-Results", K_AR, -1),
	FC("Subject", K_SUBJECT, -1), FC("Date", K_DATE, -1), FC("Message-ID", K_MSGID, -1),
};

static const struct field_class *classify(struct span name)
{
	size_t k;

	for (k = 0; k < sizeof(field_classes) / sizeof(field_classes[0]); k++)
		if (field_classes[k].len == name.n &&
		    ascii_nieq(name.p, field_classes[k].name, name.n))
			return &field_classes[k];
	return NULL;
}

static int on_headers(void *vc, const char *msg, const struct mail_hdr *h,
                      const struct mime_part_info *pi)
{
	struct ctx *c = vc;
	struct buf v;
	size_t i;

	(void)msg;
	buf_init(&v, ADDRS_MAX_FIELD);
	if (h->flags & MAIL_HDR_NO_SEPARATOR)
		add_note(c, pi->msg_level ? "an attached message has no empty line after its header"
		                          : "no empty line after the header: the body starts at the "
		                            "first line that is not a header field");
	for (i = 0; i < h->n && !c->err; i++) {
		const struct mail_field *f = &h->f[i];
		const struct field_class *fc = classify(f->name);
		const char *val;
		char **slot = NULL;

		if (!fc)
			continue;
		buf_clear(&v);
		mail_hdr_unfold(f->raw, &v);
		if (v.err) {
			add_note(c, "a header field longer than 64 KiB was not examined");
			continue;
		}
		if (fc->kinds & K_TYPED)
			strip_type(&v);
		val = v.data ? (const char *)v.data : "";
		if (fc->kinds & K_RCPT)
			recipients_from(c, fc->name, val, v.len);
		if (fc->kinds & K_RECEIVED)
			received_for(c, val, v.len);
		if (fc->kinds & K_LIST)
			list_addrs(c, &c->list, fc->name, val, v.len);
		if (fc->kinds & K_LISTPOST)
			list_addrs(c, &c->listpost, fc->name, val, v.len);
		if (fc->kinds & K_SENDERLIST)
			list_from_sender(c, val, v.len);
		if ((fc->kinds & K_AR) && pi->msg_level == 0)
			dkim_results(c, val, v.len);
		if (fc->kinds & K_CAND)
			candidates_from(c, &cand_fields[fc->cand], f, val, v.len, pi);
		if (pi->msg_level != 0)
			continue;
		if (fc->kinds & K_SUBJECT)
			slot = &c->r->subject;
		else if (fc->kinds & K_FROM)
			slot = &c->r->from;
		else if (fc->kinds & K_DATE)
			slot = &c->r->date;
		else if (fc->kinds & K_MSGID)
			slot = &c->r->message_id;
		if (slot && !*slot) {
			struct buf d;

			buf_init(&d, ADDRS_MAX_FIELD);
			rfc2047_decode(val, v.len, &d, NULL);
			*slot = clean_text(c, d.data ? (const char *)d.data : "", d.len, 998);
			buf_reset(&d);
		}
	}
	buf_reset(&v);
	return c->err;
}

/* ---- body text ---- */

struct cue {
	const char *word;
};

/* Words that ask the reader to write (ASCII case-insensitive or exact UTF-8). */
static const char *const cues[] = {
	"contact", "reply", "respond", "write", "email", "e-mail", "mail me", "reach",
	"get back", "send", "forward", "via", "through", "address", "kontakt",
	"correo", "courriel", "escr\xc3\xad" "b", "responda", "\xc3\xa9" "crivez", "antworten",
	"schreib", "\xd0\xbf\xd0\xb8\xd1\x88\xd0\xb8\xd1\x82\xd0\xb5",      /* пишите */
	"\xd0\xbd\xd0\xb0\xd0\xbf\xd0\xb8\xd1\x88\xd0\xb8\xd1\x82\xd0\xb5", /* напишите */
	"\xd0\xbf\xd0\xbe\xd1\x87\xd1\x82",                                 /* почт(а) */
	"\xd1\x81\xd0\xb2\xd1\x8f\xd0\xb7",                                 /* связ(ь) */
	"e-post", "e-posta", "correio",
};

/* The cue word before (or just after) a hit, within the same or the previous line. The
 * window is lower-cased once and searched once per cue: this runs for every body address. */
static const char *find_cue(const char *t, size_t n, size_t off, size_t len)
{
	char low[320];
	size_t a = off, lines = 0, b, i, k;

	while (a > 0 && off - a < 200) {
		if (t[a - 1] == '\n' && ++lines == 2)
			break;
		a--;
	}
	b = off + len;
	while (b < n && b - (off + len) < 60 && t[b] != '\n')
		b++;
	if (b - a > sizeof(low))
		b = a + sizeof(low);
	for (k = 0, i = a; i < b; i++, k++)
		low[k] = (char)ascii_lower((unsigned char)t[i]);
	for (i = 0; i < sizeof(cues) / sizeof(cues[0]); i++)
		if (mem_find(low, k, cues[i], strlen(cues[i])))
			return cues[i];
	return NULL;
}

/* The line around a hit, at most ADDRS_MAX_PHRASE bytes, centred on the hit. */
static char *phrase_at(struct ctx *c, const char *t, size_t n, size_t off, size_t len)
{
	size_t a = off, b = off + len, budget;
	bool crossed = false;

	budget = ADDRS_MAX_PHRASE > len ? (ADDRS_MAX_PHRASE - len) / 2 : 0;
	/* the words before the address may sit on the previous line ("Email: (\naddr") */
	while (a > 0 && off - a < budget) {
		if (t[a - 1] == '\n') {
			if (crossed || off - a > 40)
				break;
			crossed = true;
		}
		a--;
	}
	while (b < n && b - (off + len) < budget && t[b] != '\n')
		b++;
	while (a < off && ((unsigned char)t[a] & 0xc0) == 0x80)
		a++;
	return clean_text(c, t + a, b - a, ADDRS_MAX_PHRASE + 8);
}

struct body_ctx {
	struct ctx *c;
	const struct mime_part_info *pi;
};

static int on_hit(void *vb, const struct scan_hit *h)
{
	struct body_ctx *b = vb;
	struct ctx *c = b->c;
	struct sight *s = new_sight(c);
	const char *cue;
	struct buf note;

	if (!s)
		return c->err;
	s->local = malloc(h->local_len + 1);
	if (s->local) {
		memcpy(s->local, h->addr, h->local_len);
		s->local[h->local_len] = 0;
	} else {
		c->err = ST_NOMEM;
	}
	s->domain = sdup(c, h->addr + h->local_len + 1);
	s->obf = h->kind == SCAN_OBFUSCATED;
	s->in_url = h->in_url;
	s->quoted = h->quoted || h->attribution;
	s->msgid = h->msgid;
	cue = find_cue(h->text, h->text_len, h->off, h->len);
	s->cue = cue != NULL;
	s->ev.role = ADDRS_BODY;
	s->ev.source = ADDRS_SRC_BODY;
	if (b->pi->msg_level == 0)
		s->ev.where = *b->pi->path ? sfmt(c, "body part %s (%s)", b->pi->path, b->pi->type)
		                           : sfmt(c, "body (%s)", b->pi->type);
	else
		s->ev.where = sfmt(c, "body of the attached message, part %s (%s)", b->pi->path,
		                   b->pi->type);
	s->ev.steps = sdup(c, b->pi->steps ? b->pi->steps : "");
	s->ev.phrase = phrase_at(c, h->text, h->text_len, h->off, h->len);
	s->ev.msg_level = b->pi->msg_level;
	buf_init(&note, 4096);
	if (h->kind == SCAN_MAILTO)
		buf_adds(&note, "mailto: link");
	if (cue)
		buf_printf(&note, "%sasks for replies (\"%s\")", note.len ? "; " : "", cue);
	if (h->how[0])
		buf_printf(&note, "%s%s%s", note.len ? "; " : "",
		           h->kind == SCAN_OBFUSCATED ? "de-obfuscated: " : "", h->how);
	if (b->pi->attachment)
		buf_printf(&note, "%sin an attachment%s%s", note.len ? "; " : "",
		           b->pi->filename ? " named " : "", b->pi->filename ? b->pi->filename : "");
	s->ev.note = clean_text(c, buf_str(&note), note.len, 400);
	buf_reset(&note);
	if (h->kind == SCAN_OBFUSCATED)
		s->ev.points = cue ? PTS_BODY_OBF_CUE : PTS_BODY_OBF;
	else if (cue)
		s->ev.points = PTS_BODY_CUE;
	else if (h->kind == SCAN_MAILTO)
		s->ev.points = PTS_BODY_MAILTO;
	else
		s->ev.points = PTS_BODY_PLAIN;
	if (!cue && h->kind != SCAN_MAILTO) {
		s->ev.role = ADDRS_OTHER;
	}
	return c->err;
}

static int on_text(void *vc, const char *text, size_t n, const struct mime_part_info *pi)
{
	struct ctx *c = vc;
	struct body_ctx b = { c, pi };

	return mail_scan(text, n, on_hit, &b);
}

static void on_note(void *vc, const char *note)
{
	add_note(vc, note);
}

/* ---- exclusion and merging ---- */

static bool infra_local(const char *l)
{
	static const char *const exact[] = {
		"mailer-daemon", "mailerdaemon", "postmaster", "hostmaster", "noreply", "no-reply",
		"no_reply", "donotreply", "do-not-reply", "do_not_reply", "dontreply", "nobody",
		"majordomo", "listserv", "listproc", "mailman", "bounce", "bounces", "unsubscribe",
		"daemon", "root", "nagios", "cron",
	};
	static const char *const prefix[] = {
		"bounce-", "bounces-", "bounce+", "bounces+", "noreply-", "noreply+", "no-reply-",
		"no-reply+", "donotreply-", "do-not-reply-", "unsubscribe-", "srs0=", "srs1=",
		"prvs=", "btv1==", "msprvs1=", "mailer-daemon",
	};
	static const char *const suffix[] = { "-bounce", "-bounces", "-noreply", "-no-reply",
	                                      "+bounces", "-unsubscribe" };
	size_t i, ll = strlen(l);

	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (ascii_ieq(l, exact[i]))
			return true;
	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
		if (ascii_istarts(l, prefix[i]))
			return true;
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		size_t sl = strlen(suffix[i]);

		if (ll > sl && ascii_ieq(l + ll - sl, suffix[i]))
			return true;
	}
	return false;
}

static bool list_local(const char *l)
{
	size_t ll = strlen(l);

	return (ll > 8 && ascii_ieq(l + ll - 8, "-request")) ||
	       (ll > 6 && ascii_ieq(l + ll - 6, "-owner")) || ascii_istarts(l, "owner-") ||
	       (ll > 6 && ascii_ieq(l + ll - 6, "-admin"));
}

static bool abuse_desk(const char *key)
{
	size_t i;
	const char *pat;
	const struct freemail_provider *p;

	if (ascii_istarts(key, "abuse@"))
		return true;
	for (i = 0; freemail_entry(i, &pat, &p); i++)
		if (p->abuse_email && ascii_ieq(p->abuse_email, key))
			return true;
	return false;
}

/* Decide whether the address of sighting s is excluded; fills why/reason. */
static bool excluded(struct ctx *c, const char *key, const struct sight *s,
                     enum addrs_why *why, char **reason)
{
	const char *w;
	size_t i;

	for (i = 0; i < c->o->nexclude; i++) {
		if (c->o->exclude[i] && ascii_ieq(c->o->exclude[i], key)) {
			*why = ADDRS_X_USER;
			*reason = sdup(c, "one of your own addresses (--exclude)");
			return true;
		}
	}
	/* a list's posting address in To is the list, not the victim: replies go there */
	if ((w = set_find(&c->rcpt, key)) != NULL && !set_find(&c->listpost, key)) {
		*why = ADDRS_X_RECIPIENT;
		*reason = sfmt(c, "a recipient of this message (%s): the victim's side", w);
		return true;
	}
	if (infra_local(s->local)) {
		*why = ADDRS_X_INFRA;
		*reason = sdup(c, "mail-system address (daemon, postmaster, no-reply, bounce)");
		return true;
	}
	if ((w = set_find(&c->list, key)) != NULL) {
		*why = ADDRS_X_LIST;
		*reason = sfmt(c, "mailing-list address (%s)", w);
		return true;
	}
	if (list_local(s->local)) {
		*why = ADDRS_X_LIST;
		*reason = sdup(c, "mailing-list administrative address (-request, -owner)");
		return true;
	}
	if (abuse_desk(key)) {
		*why = ADDRS_X_ABUSE_DESK;
		*reason = sdup(c, "an abuse desk, not a reply target");
		return true;
	}
	return false;
}

static void add_excluded(struct ctx *c, const char *addr, enum addrs_why why, char *reason,
                         const char *where)
{
	struct addrs_result *r = c->r;
	struct addrs_excluded *ne;
	size_t i;

	for (i = 0; i < r->nexcl; i++)
		if (ascii_ieq(r->excl[i].address, addr)) {
			free(reason);
			return;
		}
	if (r->nexcl >= ADDRS_MAX_EXCLUDED) {
		free(reason);
		return;
	}
	ne = realloc(r->excl, (r->nexcl + 1) * sizeof(*ne));
	if (!ne) {
		free(reason);
		c->err = ST_NOMEM;
		return;
	}
	r->excl = ne;
	ne[r->nexcl].address = sdup(c, addr);
	ne[r->nexcl].why = why;
	ne[r->nexcl].reason = reason ? reason : sdup(c, "");
	ne[r->nexcl].where = sdup(c, where);
	r->nexcl++;
}

static void free_ev(struct addrs_evidence *e)
{
	free(e->where);
	free(e->steps);
	free(e->phrase);
	free(e->note);
}

static void free_cand(struct addrs_candidate *k)
{
	size_t i;

	free(k->address);
	free(k->address_ascii);
	free(k->local);
	free(k->domain);
	free(k->domain_ascii);
	for (i = 0; i < k->nev; i++)
		free_ev(&k->ev[i]);
	free(k->ev);
}

static int cmp_cand(const void *a, const void *b)
{
	const struct addrs_candidate *x = a, *y = b;

	if (x->score != y->score)
		return y->score - x->score;
	if (x->role != y->role)
		return (int)x->role - (int)y->role;
	return 0;
}

static struct addrs_candidate *find_cand(struct addrs_result *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->ncand; i++)
		if (ascii_ieq(r->cand[i].address_ascii, key))
			return &r->cand[i];
	return NULL;
}

static struct addrs_candidate *new_cand(struct ctx *c, const struct sight *s, const char *key,
                                        const char *ascii_dom)
{
	struct addrs_result *r = c->r;
	struct addrs_candidate *nc, *k;
	struct buf uni, lowd;
	size_t i;

	if (r->ncand >= ADDRS_MAX_CANDIDATES)
		return NULL;
	nc = realloc(r->cand, (r->ncand + 1) * sizeof(*nc));
	if (!nc) {
		c->err = ST_NOMEM;
		return NULL;
	}
	r->cand = nc;
	k = &nc[r->ncand++];
	memset(k, 0, sizeof(*k));
	buf_init(&uni, 4096);
	buf_init(&lowd, 4096);
	idna_to_unicode(ascii_dom, strlen(ascii_dom), &uni);
	for (i = 0; i < uni.len; i++)
		buf_addc(&lowd, ascii_lower(uni.data[i]));
	k->local = sdup(c, s->local);
	k->domain = sdup(c, buf_str(&lowd));
	k->domain_ascii = sdup(c, ascii_dom);
	k->address = sfmt(c, "%s@%s", s->local, buf_str(&lowd));
	k->address_ascii = sfmt(c, "%s@%s", s->local, ascii_dom);
	(void)key;
	k->role = s->ev.role;
	k->obfuscated = true;
	k->freemail = freemail_lookup(ascii_dom);
	buf_reset(&uni);
	buf_reset(&lowd);
	return k;
}

static void take_ev(struct ctx *c, struct addrs_candidate *k, struct sight *s)
{
	struct addrs_evidence *ne;
	size_t i;

	/* one sighting per place: an HTML link and its text are the same request */
	for (i = 0; i < k->nev; i++) {
		if (strcmp(k->ev[i].where, s->ev.where) != 0 || k->ev[i].role != s->ev.role)
			continue;
		if (s->ev.points > k->ev[i].points) {
			free_ev(&k->ev[i]);
			k->ev[i] = s->ev;
			memset(&s->ev, 0, sizeof(s->ev));
		}
		return;
	}
	if (k->nev >= ADDRS_MAX_EVIDENCE)
		return;
	ne = realloc(k->ev, (k->nev + 1) * sizeof(*ne));
	if (!ne) {
		c->err = ST_NOMEM;
		return;
	}
	k->ev = ne;
	ne[k->nev++] = s->ev;
	memset(&s->ev, 0, sizeof(s->ev));     /* moved */
}

static void score(struct ctx *c, struct addrs_candidate *k, bool dkim_ok)
{
	int best = 0, extra = 0;
	size_t i;
	bool kinds[2] = { false, false };

	for (i = 0; i < k->nev; i++) {
		struct addrs_evidence *e = &k->ev[i];

		if (e->points > best)
			best = e->points;
		if (e->role < k->role)
			k->role = e->role;
		if (!kinds[e->source])
			kinds[e->source] = true;
		else
			continue;
	}
	/* seen both in a header and in the text: corroborated */
	if (kinds[0] && kinds[1])
		extra += 2 * PTS_PER_EXTRA;
	if (k->nev > 1)
		extra += PTS_PER_EXTRA;
	if (extra > PTS_EXTRA_MAX)
		extra = PTS_EXTRA_MAX;
	if (k->role == ADDRS_FROM && !c->has_reply_to && k->freemail && best < PTS_FROM_FREEMAIL_ONLY)
		best = PTS_FROM_FREEMAIL_ONLY;
	if (dkim_ok && k->role == ADDRS_FROM)
		best += PTS_DKIM;
	if (c->r->bulk && k->role == ADDRS_OTHER)
		best -= PTS_BULK_PENALTY;
	k->score = best + extra;
	if (k->score > PTS_CAP)
		k->score = PTS_CAP;
	if (k->score < 1)
		k->score = 1;
}

static void build(struct ctx *c)
{
	struct buf key, ascii;
	size_t i, nbody = 0;

	buf_init(&key, 4096);
	buf_init(&ascii, 4096);
	/* a newsletter-like mail has many distinct body addresses */
	{
		size_t j;

		for (i = 0; i < c->ns; i++) {
			if (c->s[i].ev.source != ADDRS_SRC_BODY)
				continue;
			for (j = 0; j < i; j++)
				if (c->s[j].ev.source == ADDRS_SRC_BODY &&
				    ascii_ieq(c->s[j].local, c->s[i].local) &&
				    ascii_ieq(c->s[j].domain, c->s[i].domain))
					break;
			if (j == i)
				nbody++;
		}
		c->r->bulk = nbody >= ADDRS_BULK_BODY;
	}
	for (i = 0; i < c->ns && !c->err; i++) {
		struct sight *s = &c->s[i];
		struct addrs_candidate *k;
		enum addrs_why why;
		char *reason = NULL;
		enum maddr_bad bad;
		const char *addr_shown;
		char shown[SCAN_MAX_ADDR + 8];

		if (!s->local || !s->domain)
			continue;
		snprintf(shown, sizeof(shown), "%s@%s", s->local, s->domain);
		addr_shown = shown;
		if (s->msgid) {
			add_excluded(c, addr_shown, ADDRS_X_INVALID,
			             sdup(c, "a message identifier (Message-ID, References), not a "
			                     "mailbox"), s->ev.where);
			continue;
		}
		bad = maddr_check_local(s->local, strlen(s->local));
		if (bad == MADDR_OK)
			bad = maddr_check_domain(s->domain, strlen(s->domain));
		if (bad != MADDR_OK || !make_key(s->local, s->domain, &key, &ascii)) {
			if (bad == MADDR_OK)
				bad = MADDR_BAD_DOMAIN;
			add_excluded(c, addr_shown, ADDRS_X_INVALID, sdup(c, maddr_bad_str(bad)),
			             s->ev.where);
			continue;
		}
		if (excluded(c, buf_str(&key), s, &why, &reason)) {
			add_excluded(c, addr_shown, why, reason, s->ev.where);
			continue;
		}
		k = find_cand(c->r, buf_str(&key));
		if (s->in_url || s->quoted) {
			/* such a sighting alone does not make a candidate */
			if (!k) {
				size_t j;
				bool other = false;

				for (j = i + 1; j < c->ns && !other; j++)
					if (!c->s[j].in_url && !c->s[j].quoted && c->s[j].local &&
					    c->s[j].domain && ascii_ieq(c->s[j].local, s->local) &&
					    ascii_ieq(c->s[j].domain, s->domain))
						other = true;
				if (!other)
					add_excluded(c, addr_shown,
					             s->in_url ? ADDRS_X_URL : ADDRS_X_QUOTED,
					             sdup(c, s->in_url ? "only seen inside a URL"
					                               : "only seen in quoted reply text"),
					             s->ev.where);
			}
			continue;
		}
		if (!k)
			k = new_cand(c, s, buf_str(&key), buf_str(&ascii));
		if (!k)
			continue;
		if (!s->obf)
			k->obfuscated = false;
		if (set_find(&c->listpost, buf_str(&key)) && s->ev.source == ADDRS_SRC_HEADER) {
			char *n2 = sfmt(c, "%s%smailing-list posting address: replies go to the list",
			                s->ev.note && *s->ev.note ? s->ev.note : "",
			                s->ev.note && *s->ev.note ? "; " : "");

			free(s->ev.note);
			s->ev.note = n2;
		}
		/* Reply-To evidence says whether it differs from From */
		if (s->reply_field && s->ev.msg_level == 0 && c->from_key) {
			char *n2 = sfmt(c, "%s%s%s", s->ev.note && *s->ev.note ? s->ev.note : "",
			                s->ev.note && *s->ev.note ? "; " : "",
			                ascii_ieq(c->from_key, buf_str(&key)) ? "same as From"
			                                                      : "differs from From");

			free(s->ev.note);
			s->ev.note = n2;
		}
		take_ev(c, k, s);
	}
	for (i = 0; i < c->r->ncand; i++) {
		struct addrs_candidate *k = &c->r->cand[i];
		bool dkim_ok = false;
		size_t d;

		for (d = 0; d < c->ndkim; d++)
			if (strcmp(c->dkim[d], k->domain_ascii) == 0)
				dkim_ok = true;
		score(c, k, dkim_ok);
		if (dkim_ok && k->role == ADDRS_FROM)
			for (d = 0; d < k->nev; d++)
				if (k->ev[d].role == ADDRS_FROM) {
					char *n2 = sfmt(c, "%s%sDKIM signature of the From domain passed at the "
					                   "receiver", k->ev[d].note, *k->ev[d].note ? "; " : "");

					free(k->ev[d].note);
					k->ev[d].note = n2;
					break;
				}
	}
	if (c->r->ncand)
		qsort(c->r->cand, c->r->ncand, sizeof(c->r->cand[0]), cmp_cand);
	/* every recipient and list address is listed, seen as a candidate or not */
	for (i = 0; i < c->rcpt.n; i++)
		if (!set_find(&c->listpost, c->rcpt.key[i]))
			add_excluded(c, c->rcpt.key[i], ADDRS_X_RECIPIENT,
		             sfmt(c, "a recipient of this message (%s): the victim's side",
		                  c->rcpt.where[i]), c->rcpt.where[i]);
	for (i = 0; i < c->list.n; i++)
		add_excluded(c, c->list.key[i], ADDRS_X_LIST,
		             sfmt(c, "mailing-list address (%s)", c->list.where[i]),
		             c->list.where[i]);
	buf_reset(&key);
	buf_reset(&ascii);
}

/* ---- public ---- */

static void free_sights(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->ns; i++) {
		free(c->s[i].local);
		free(c->s[i].domain);
		free_ev(&c->s[i].ev);
	}
	free(c->s);
	set_free(&c->rcpt);
	set_free(&c->list);
	set_free(&c->listpost);
	free(c->from_key);
}

int addrs_analyze(const void *msg, size_t n, const struct addrs_opts *o,
                  struct addrs_result **out)
{
	static const struct addrs_opts dflt;
	struct addrs_result *r;
	struct ctx c;
	struct mime_limits lim;
	struct mime_cb cb;
	size_t max_msg;
	int st;

	*out = NULL;
	if (!msg && n)
		return ST_INVAL;
	if (!o)
		o = &dflt;
	r = calloc(1, sizeof(*r));
	if (!r)
		return ST_NOMEM;
	r->index = 1;
	r->length = n;
	max_msg = o->max_message ? o->max_message : MAIL_MAX_MESSAGE_BYTES;
	memset(&c, 0, sizeof(c));
	c.o = o;
	c.r = r;
	if (n > max_msg) {
		r->status = ST_TOOBIG;
		r->error = sfmt(&c, "message of %zu bytes is over the cap of %zu bytes (--max-size)",
		                n, max_msg);
		goto done;
	}
	memset(&lim, 0, sizeof(lim));
	lim.max_header = o->max_header;
	lim.max_depth = o->max_depth;
	lim.max_parts = o->max_parts;
	memset(&cb, 0, sizeof(cb));
	cb.ctx = &c;
	cb.on_headers = on_headers;
	cb.on_text = on_text;
	cb.on_note = on_note;
	st = mime_walk(msg ? msg : "", n, &lim, &cb);
	if (st == ST_TOOBIG) {
		r->status = ST_TOOBIG;
		r->error = sfmt(&c, "header section over the cap of %zu bytes or %u fields",
		                o->max_header ? o->max_header : (size_t)MAIL_MAX_HEADER_BYTES,
		                MAIL_MAX_FIELDS);
		goto done;
	}
	if (st != ST_OK && !c.err)
		c.err = st;
	if (!c.err)
		build(&c);
done:
	free_sights(&c);
	if (c.err) {
		addrs_result_free(r);
		return c.err == ST_NOMEM ? ST_NOMEM : c.err;
	}
	*out = r;
	return ST_OK;
}

void addrs_result_free(struct addrs_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->ncand; i++)
		free_cand(&r->cand[i]);
	free(r->cand);
	for (i = 0; i < r->nexcl; i++) {
		free(r->excl[i].address);
		free(r->excl[i].reason);
		free(r->excl[i].where);
	}
	free(r->excl);
	for (i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r->error);
	free(r->subject);
	free(r->from);
	free(r->date);
	free(r->message_id);
	free(r);
}

int addrs_each(const void *data, size_t n, const struct addrs_opts *o, addrs_msg_fn fn,
               void *ctx)
{
	struct mbox_iter it;
	struct mbox_msg m;
	struct buf unq;
	int st = ST_OK;

	buf_init(&unq, (o && o->max_message ? o->max_message : MAIL_MAX_MESSAGE_BYTES) + 1);
	mbox_init(&it, data, n);
	while (st == ST_OK && mbox_next(&it, &m)) {
		struct addrs_result *r = NULL;
		const char *p = m.raw;
		size_t len = m.len;

		if (m.escaped) {
			buf_clear(&unq);
			if (mbox_unescape(&m, &unq) == ST_OK) {
				p = unq.data ? (const char *)unq.data : "";
				len = unq.len;
			}
		}
		st = addrs_analyze(p, len, o, &r);
		if (st != ST_OK)
			break;
		r->index = m.index;
		r->offset = m.offset;
		r->length = m.len;
		st = fn(ctx, &m, r);
	}
	buf_reset(&unq);
	return st;
}

const char *addrs_role_name(enum addrs_role r)
{
	switch (r) {
	case ADDRS_REPLY_TO: return "reply-to";
	case ADDRS_BODY: return "body";
	case ADDRS_FROM: return "from";
	case ADDRS_SENDER: return "sender";
	case ADDRS_RETURN_PATH: return "return-path";
	case ADDRS_OTHER: return "other";
	}
	return "other";
}

const char *addrs_why_name(enum addrs_why w)
{
	switch (w) {
	case ADDRS_X_RECIPIENT: return "recipient";
	case ADDRS_X_USER: return "yours";
	case ADDRS_X_INFRA: return "infrastructure";
	case ADDRS_X_LIST: return "mailing-list";
	case ADDRS_X_ABUSE_DESK: return "abuse-desk";
	case ADDRS_X_URL: return "in-url";
	case ADDRS_X_QUOTED: return "quoted";
	case ADDRS_X_INVALID: return "invalid";
	}
	return "excluded";
}

void addrs_result_json(const struct addrs_result *r, const char *input, struct json *j)
{
	size_t i, k;

	json_obj_begin(j);
	if (input)
		json_kstr(j, "input", input);
	json_kint(j, "message", (int64_t)r->index);
	json_kint(j, "offset", (int64_t)r->offset);
	json_kint(j, "length", (int64_t)r->length);
	json_kstr(j, "status", r->status == ST_OK ? "ok" : status_str(r->status));
	if (r->error)
		json_kstr(j, "error", r->error);
	json_kstr(j, "subject", r->subject);
	json_kstr(j, "from", r->from);
	json_kstr(j, "date", r->date);
	json_kstr(j, "message_id", r->message_id);
	json_kbool(j, "bulk", r->bulk);
	json_key(j, "candidates");
	json_arr_begin(j);
	for (i = 0; i < r->ncand; i++) {
		const struct addrs_candidate *c = &r->cand[i];

		json_obj_begin(j);
		json_kint(j, "rank", (int64_t)i + 1);
		json_kstr(j, "address", c->address);
		json_kstr(j, "address_ascii", c->address_ascii);
		json_kstr(j, "local", c->local);
		json_kstr(j, "domain", c->domain);
		json_kstr(j, "domain_ascii", c->domain_ascii);
		json_kstr(j, "role", addrs_role_name(c->role));
		json_kint(j, "score", c->score);
		json_kbool(j, "obfuscated", c->obfuscated);
		json_kstr(j, "report_to", c->freemail ? "provider" : "trace");
		json_key(j, "freemail");
		if (c->freemail) {
			json_obj_begin(j);
			json_kstr(j, "provider", c->freemail->name);
			json_kstr(j, "abuse_email", c->freemail->abuse_email);
			json_kstr(j, "abuse_form", c->freemail->abuse_form);
			json_kstr(j, "how", c->freemail->how);
			json_kstr(j, "checked", c->freemail->checked);
			json_kbool(j, "verified", c->freemail->verified);
			json_kstr(j, "source", c->freemail->source);
			json_obj_end(j);
		} else {
			json_null(j);
		}
		json_key(j, "evidence");
		json_arr_begin(j);
		for (k = 0; k < c->nev; k++) {
			const struct addrs_evidence *e = &c->ev[k];

			json_obj_begin(j);
			json_kstr(j, "role", addrs_role_name(e->role));
			json_kstr(j, "source", e->source == ADDRS_SRC_HEADER ? "header" : "body");
			json_kstr(j, "where", e->where);
			json_kstr(j, "steps", e->steps);
			json_kstr(j, "phrase", e->phrase);
			json_kstr(j, "note", e->note);
			json_kint(j, "points", e->points);
			json_kint(j, "msg_level", e->msg_level);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "excluded");
	json_arr_begin(j);
	for (i = 0; i < r->nexcl; i++) {
		json_obj_begin(j);
		json_kstr(j, "address", r->excl[i].address);
		json_kstr(j, "why", addrs_why_name(r->excl[i].why));
		json_kstr(j, "reason", r->excl[i].reason);
		json_kstr(j, "where", r->excl[i].where);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "notes");
	json_arr_begin(j);
	for (i = 0; i < r->nnotes; i++)
		json_str(j, r->notes[i]);
	json_arr_end(j);
	json_obj_end(j);
}
