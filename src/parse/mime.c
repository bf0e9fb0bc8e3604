/* The MIME walker: headers, boundaries, transfer encodings, charsets, HTML, nested messages. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "charset.h"
#include "html.h"
#include "mime.h"
#include "mime_codec.h"
#include "status.h"
#include "text.h"

#define MIME_MAX_TYPE 64
#define MIME_MAX_STEPS 160

struct walk {
	const struct mime_cb *cb;
	struct mime_limits lim;
	unsigned parts;
	bool noted_depth;
	bool noted_parts;
};

static void note(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct walk *w, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!w->cb->on_note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w->cb->on_note(w->cb->ctx, msg);
}

/* First value of a field, unfolded, into out (cleared first). */
static bool field_value(const struct mail_hdr *h, const char *name, struct buf *out)
{
	size_t pos = 0;
	const struct mail_field *f = mail_hdr_next(h, name, &pos);

	buf_clear(out);
	if (!f)
		return false;
	mail_hdr_unfold(f->raw, out);
	return !out->err;
}

/* Offset of the delimiter line "--boundary" at or after `from` (at a line start), or n. */
static size_t find_delim(const char *b, size_t n, size_t from, const char *bd, size_t bl,
                         bool *close, size_t *after)
{
	size_t i = from;

	while (i + 2 + bl <= n) {
		if ((i == 0 || b[i - 1] == '\n') && b[i] == '-' && b[i + 1] == '-' &&
		    memcmp(b + i + 2, bd, bl) == 0) {
			size_t k = i + 2 + bl;
			bool cl = k + 1 < n && b[k] == '-' && b[k + 1] == '-';

			if (cl)
				k += 2;
			/* the rest of the line may only be transport padding (RFC 2046 §5.1.1);
			 * a longer boundary sharing our prefix is someone else's */
			if (k >= n || b[k] == ' ' || b[k] == '\t' || b[k] == '\r' || b[k] == '\n' ||
			    cl) {
				const char *nl = memchr(b + k, '\n', n - k);

				*close = cl;
				*after = nl ? (size_t)(nl - b) + 1 : n;
				return i;
			}
		}
		{
			const char *nl = memchr(b + i, '\n', n - i);

			if (!nl)
				break;
			i = (size_t)(nl - b) + 1;
		}
	}
	*close = false;
	*after = n;
	return n;
}

/* Strip the line end that precedes a delimiter: it belongs to the delimiter. */
static size_t before_delim(const char *b, size_t start, size_t at)
{
	if (at > start && b[at - 1] == '\n')
		at--;
	if (at > start && b[at - 1] == '\r')
		at--;
	return at;
}

static int walk_entity(struct walk *w, const char *e, size_t n, size_t off, unsigned depth,
                       unsigned msg_level, bool is_message, const char *path,
                       const char *dflt_type);

static void add_step(char *steps, const char *s)
{
	size_t l = strlen(steps);

	snprintf(steps + l, MIME_MAX_STEPS - l, "%s%s", l ? ", " : "", s);
}

static bool looks_html(const char *b, size_t n)
{
	size_t i = 0, lim = n < 2048 ? n : 2048;
	struct span s;

	while (i < lim && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
		i++;
	s.p = b + i;
	s.n = lim - i;
	return span_istarts(s, "<html") || span_istarts(s, "<!doctype html") ||
	       span_ifind(s, "<body") >= 0;
}

static int text_leaf(struct walk *w, const char *body, size_t n, struct mime_part_info *pi,
                     char *steps, bool html)
{
	struct buf dec, utf, txt;
	const char *p = body;
	size_t len = n;
	bool known = true;
	int st = ST_OK;
	int tbl;
	enum charset_kind ck = charset_lookup(pi->charset, strlen(pi->charset), &tbl);

	buf_init(&dec, w->lim.max_text);
	buf_init(&utf, w->lim.max_text);
	buf_init(&txt, w->lim.max_text);
	if (strcmp(pi->encoding, "base64") == 0) {
		struct codec_report r;

		memset(&r, 0, sizeof(r));
		b64_decode(body, n, &dec, &r);
		add_step(steps, "base64");
		if (r.junk)
			note(w, "part %s: %zu bytes of junk skipped in base64", *pi->path ? pi->path :
			     "(top)", r.junk);
		p = (const char *)dec.data;
		len = dec.len;
	} else if (strcmp(pi->encoding, "quoted-printable") == 0) {
		struct codec_report r;

		memset(&r, 0, sizeof(r));
		qp_decode(body, n, false, &dec, &r);
		add_step(steps, "quoted-printable");
		p = (const char *)dec.data;
		len = dec.len;
	} else if (pi->encoding[0] && strcmp(pi->encoding, "7bit") != 0 &&
	           strcmp(pi->encoding, "8bit") != 0 && strcmp(pi->encoding, "binary") != 0) {
		note(w, "part %s: unknown transfer encoding '%.40s' read as 8bit",
		     *pi->path ? pi->path : "(top)", pi->encoding);
	}
	if (dec.err) {
		note(w, "part %s: decoded text larger than %zu bytes: skipped",
		     *pi->path ? pi->path : "(top)", w->lim.max_text);
		goto out;
	}
	if (!p)
		p = "";
	if (ck == CHARSET_UTF8 && utf8_valid(p, len) && !memchr(p, 0, len)) {
		if (pi->charset[0] && !ascii_ieq(pi->charset, "us-ascii") &&
		    !ascii_ieq(pi->charset, "utf-8"))
			add_step(steps, "charset utf-8");
	} else {
		char s[64];

		charset_to_utf8(pi->charset, strlen(pi->charset), p, len, &utf, &known);
		if (!known) {
			snprintf(s, sizeof(s), "charset %.30s passed through", pi->charset);
			note(w, "part %s: charset '%.40s' not decoded (passed through)",
			     *pi->path ? pi->path : "(top)", pi->charset);
		} else {
			const char *c = charset_canonical(pi->charset, strlen(pi->charset));

			snprintf(s, sizeof(s), "charset %s", pi->charset[0] ? c : "unlabelled 8-bit");
		}
		add_step(steps, s);
		p = (const char *)utf.data;
		len = utf.len;
		if (!p)
			p = "";
	}
	if (utf.err) {
		note(w, "part %s: text larger than %zu bytes: skipped",
		     *pi->path ? pi->path : "(top)", w->lim.max_text);
		goto out;
	}
	if (html) {
		html_to_text(p, len, &txt, NULL);
		add_step(steps, "html");
		p = (const char *)txt.data;
		len = txt.len;
		if (!p)
			p = "";
	}
	pi->steps = steps;
	if (w->cb->on_text)
		st = w->cb->on_text(w->cb->ctx, p, len, pi);
out:
	buf_reset(&dec);
	buf_reset(&utf);
	buf_reset(&txt);
	return st;
}

static int multipart(struct walk *w, const struct mail_hdr *h, const char *body, size_t n,
                     size_t off, unsigned depth, unsigned msg_level, const char *path, const char *type,
                     bool *as_text)
{
	struct buf v, bd;
	size_t pos = 0, at, after, start;
	const struct mail_field *f;
	bool close = false, found = false;
	unsigned idx = 0;
	int st = ST_OK;
	const char *dflt = strcmp(type, "multipart/digest") == 0 ? "message/rfc822" : "text/plain";

	buf_init(&v, w->lim.max_header);
	buf_init(&bd, MIME_MAX_BOUNDARY + 1);
	*as_text = false;
	/* choose the boundary: first Content-Type whose delimiter occurs */
	while (!found && (f = mail_hdr_next(h, "Content-Type", &pos)) != NULL) {
		char t[MIME_MAX_TYPE];

		buf_clear(&v);
		mail_hdr_unfold(f->raw, &v);
		mail_value_token((const char *)v.data, v.len, t, sizeof(t));
		if (strncmp(t, "multipart/", 10) != 0)
			continue;
		buf_clear(&bd);
		if (!mail_param((const char *)v.data, v.len, "boundary", &bd) || !bd.len || bd.err)
			continue;
		at = find_delim(body, n, 0, (const char *)bd.data, bd.len, &close, &after);
		if (at < n)
			found = true;
	}
	if (!found) {
		note(w, "part %s: multipart without a usable boundary: read as text",
		     *path ? path : "(top)");
		*as_text = true;
		goto out;
	}
	if (depth + 1 > w->lim.max_depth) {
		if (!w->noted_depth)
			note(w, "MIME nesting deeper than %u levels: inner parts ignored",
			     w->lim.max_depth);
		w->noted_depth = true;
		goto out;
	}
	while (at < n && !close && st == ST_OK) {
		char sub[MIME_MAX_PATH];
		size_t next, next_after, end;
		bool next_close;

		start = after;
		next = find_delim(body, n, start, (const char *)bd.data, bd.len, &next_close,
		                  &next_after);
		end = next < n ? before_delim(body, start, next) : n;
		if (next >= n)
			note(w, "part %s: multipart not closed: last part runs to the end",
			     *path ? path : "(top)");
		idx++;
		if (++w->parts > w->lim.max_parts) {
			if (!w->noted_parts)
				note(w, "more than %u MIME parts: the rest ignored", w->lim.max_parts);
			w->noted_parts = true;
			break;
		}
		if (*path)
			snprintf(sub, sizeof(sub), "%s.%u", path, idx);
		else
			snprintf(sub, sizeof(sub), "%u", idx);
		st = walk_entity(w, body + start, end - start, off + start, depth + 1, msg_level,
		                 false, sub, dflt);
		at = next;
		after = next_after;
		close = next_close;
	}
out:
	buf_reset(&v);
	buf_reset(&bd);
	return st;
}

static int walk_entity(struct walk *w, const char *e, size_t n, size_t off, unsigned depth,
                       unsigned msg_level, bool is_message, const char *path,
                       const char *dflt_type)
{
	struct mail_hdr h;
	struct mime_part_info pi;
	struct buf v, fname;
	char type[MIME_MAX_TYPE], enc[32], charset[48], steps[MIME_MAX_STEPS];
	const char *body;
	size_t bn;
	bool typed;
	int st;

	memset(&pi, 0, sizeof(pi));
	buf_init(&v, w->lim.max_header);
	buf_init(&fname, 4096);
	st = mail_hdr_parse(e, n, w->lim.max_header, w->lim.max_fields, &h);
	if (st != ST_OK) {
		if (st == ST_TOOBIG && depth > 0) {
			note(w, "part %s: header section over %zu bytes or %zu fields: skipped", path,
			     w->lim.max_header, w->lim.max_fields);
			st = ST_OK;
		}
		goto out;
	}
	if (h.flags & MAIL_HDR_NUL)
		note(w, "part %s: NUL bytes in the header section", *path ? path : "(top)");
	pi.path = path;
	pi.depth = depth;
	pi.msg_level = msg_level;
	pi.offset = off;
	type[0] = enc[0] = charset[0] = steps[0] = 0;
	if (field_value(&h, "Content-Type", &v)) {
		mail_value_token((const char *)v.data, v.len, type, sizeof(type));
		{
			struct buf cs;

			buf_init(&cs, sizeof(charset) - 1);
			if (mail_param((const char *)v.data, v.len, "charset", &cs) && !cs.err)
				snprintf(charset, sizeof(charset), "%s", buf_str(&cs));
			buf_reset(&cs);
		}
		if (mail_param((const char *)v.data, v.len, "name", &fname) && !fname.err)
			pi.filename = buf_str(&fname);
	}
	typed = strchr(type, '/') != NULL;
	if (!typed)
		snprintf(type, sizeof(type), "%s", dflt_type);
	if (field_value(&h, "Content-Transfer-Encoding", &v))
		mail_value_token((const char *)v.data, v.len, enc, sizeof(enc));
	if (field_value(&h, "Content-Disposition", &v)) {
		char disp[32];

		mail_value_token((const char *)v.data, v.len, disp, sizeof(disp));
		pi.attachment = strcmp(disp, "attachment") == 0;
		buf_clear(&fname);
		if (mail_param((const char *)v.data, v.len, "filename", &fname) && !fname.err)
			pi.filename = buf_str(&fname);
	}
	pi.type = type;
	pi.charset = charset;
	pi.encoding = enc;
	if (is_message && w->cb->on_headers) {
		st = w->cb->on_headers(w->cb->ctx, e, &h, &pi);
		if (st != ST_OK)
			goto out;
	}
	body = e + h.body_off;
	bn = n - h.body_off;
	if (strncmp(type, "multipart/", 10) == 0) {
		bool as_text;

		st = multipart(w, &h, body, bn, off + h.body_off, depth, msg_level, path, type,
		               &as_text);
		if (st == ST_OK && as_text)
			st = text_leaf(w, body, bn, &pi, steps, looks_html(body, bn));
	} else if (strcmp(type, "message/rfc822") == 0 || strcmp(type, "message/global") == 0 ||
	           strcmp(type, "text/rfc822-headers") == 0) {
		struct buf dec;
		const char *p = body;
		size_t len = bn;
		char sub[MIME_MAX_PATH];

		if (depth + 1 > w->lim.max_depth) {
			if (!w->noted_depth)
				note(w, "MIME nesting deeper than %u levels: inner parts ignored",
				     w->lim.max_depth);
			w->noted_depth = true;
			goto out;
		}
		buf_init(&dec, w->lim.max_text);
		if (strcmp(enc, "base64") == 0) {
			b64_decode(body, bn, &dec, NULL);
			p = dec.data ? (const char *)dec.data : "";
			len = dec.len;
		} else if (strcmp(enc, "quoted-printable") == 0) {
			qp_decode(body, bn, false, &dec, NULL);
			p = dec.data ? (const char *)dec.data : "";
			len = dec.len;
		}
		/* a message part's own parts are numbered below it ("2.1") */
		snprintf(sub, sizeof(sub), "%s", path);
		if (!dec.err)
			st = walk_entity(w, p, len, off + h.body_off, depth + 1, msg_level + 1, true,
			                 sub, "text/plain");
		buf_reset(&dec);
	} else if (strncmp(type, "text/", 5) == 0) {
		bool html = strcmp(type, "text/html") == 0;

		if (!html && !typed && looks_html(body, bn)) {
			html = true;
			add_step(steps, "no Content-Type, looks like HTML");
		}
		st = text_leaf(w, body, bn, &pi, steps, html);
	}
	/* other media types (images, application/...) carry no text for us */
out:
	mail_hdr_free(&h);
	buf_reset(&v);
	buf_reset(&fname);
	return st;
}

int mime_walk(const char *msg, size_t n, const struct mime_limits *lim,
              const struct mime_cb *cb)
{
	struct walk w;

	memset(&w, 0, sizeof(w));
	w.cb = cb;
	if (lim)
		w.lim = *lim;
	if (!w.lim.max_header)
		w.lim.max_header = MAIL_MAX_HEADER_BYTES;
	if (!w.lim.max_fields)
		w.lim.max_fields = MAIL_MAX_FIELDS;
	if (!w.lim.max_depth)
		w.lim.max_depth = MIME_MAX_DEPTH;
	if (!w.lim.max_parts)
		w.lim.max_parts = MIME_MAX_PARTS;
	if (!w.lim.max_text)
		w.lim.max_text = 4 * n + 65536;
	return walk_entity(&w, msg, n, 0, 0, 0, true, "", "text/plain");
}
