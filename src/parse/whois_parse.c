/* WHOIS answer parser: service state, the most specific network or the domain record, abuse
 * contacts ranked by authority with placeholders refused, every value with its line. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "span.h"
#include "status.h"
#include "text.h"
#include "whois_doc.h"
#include "whois_parse.h"

#define HINT_WINDOW 2          /* remark lines after one that mentions abuse */
#define CONTROL_SHARE 10       /* more than 1/10 control bytes: not a text answer */

static const char *const kind_names[WK__COUNT] = {
	"unknown", "network", "asn", "domain", "tld", "other",
};
static const char *const csrc_names[WSRC__COUNT] = {
	"abuse-contact-line", "abuse-c", "net-abuse-poc", "org-abuse-poc", "registrar-abuse",
	"irt", "abuse-field", "parent-network", "role-email", "remarks", "contact-email",
};
static const char *const conf_names[] = { "high", "medium", "low" };

const char *whois_kind_name(enum whois_kind k)
{
	return (unsigned)k < WK__COUNT ? kind_names[k] : "unknown";
}

const char *whois_csrc_name(enum whois_csrc s)
{
	return (unsigned)s < WSRC__COUNT ? csrc_names[s] : "unknown";
}

const char *whois_conf_name(enum whois_conf c)
{
	return (unsigned)c <= WCONF_LOW ? conf_names[c] : "low";
}

struct whois_answer *whois_answer_new(void)
{
	return calloc(1, sizeof(struct whois_answer));
}

void whois_answer_free(struct whois_answer *a)
{
	free(a);
}

/* ---- values ---- */

/* Copy a peer value: tabs become spaces, controls are escaped, cut to fit on a UTF-8
 * boundary. */
static void set_val(struct whois_val *v, struct span s, unsigned long line)
{
	struct buf b;
	size_t i, k;

	buf_init(&b, WHOIS_VAL_MAX * 8);
	s = span_trim(s);
	for (i = 0; i < s.n && !b.err; i++) {
		size_t j = i;

		while (j < s.n && s.p[j] != '\t')
			j++;
		text_sanitize(&b, s.p + i, j - i, false);
		if (j < s.n)
			buf_addc(&b, ' ');
		i = j;
	}
	v->cut = b.err != 0 || b.len >= WHOIS_VAL_MAX;
	k = b.err ? 0 : (b.len < WHOIS_VAL_MAX ? b.len : WHOIS_VAL_MAX - 1);
	while (k > 0 && k < b.len && (b.data[k] & 0xC0) == 0x80)
		k--;
	if (k)
		memcpy(v->v, b.data, k);
	v->v[k] = 0;
	v->line = line;
	buf_reset(&b);
}

static bool val_set(const struct whois_val *v)
{
	return v->line != 0;
}

static void set_from_line(struct whois_val *v, const struct wdoc_line *l)
{
	set_val(v, l->val, l->no);
}

/* Value of the first non-continuation-or-continuation line with field f in object o that is
 * not empty: a key with an empty value takes its first continuation line (Nominet). */
static long obj_first_value(const struct wdoc *d, size_t o, enum whois_fid f)
{
	size_t i;

	if (o >= d->nobjs)
		return -1;
	for (i = d->objs[o].first; i <= d->objs[o].last; i++)
		if (d->lines[i].type == WL_ATTR && d->lines[i].fid == f && d->lines[i].val.n)
			return (long)i;
	return -1;
}

static long doc_first_value(const struct wdoc *d, enum whois_fid f, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to && i < d->nlines; i++)
		if (d->lines[i].type == WL_ATTR && d->lines[i].fid == f && d->lines[i].val.n)
			return (long)i;
	return -1;
}

/* ---- address blocks ---- */

static bool parse_addr(struct span s, int *af, uint8_t out[16])
{
	char tmp[64];
	int dots = 0;
	size_t i;

	s = span_trim(s);
	if (s.n == 0 || s.n >= sizeof(tmp) - 8)
		return false;
	memcpy(tmp, s.p, s.n);
	tmp[s.n] = 0;
	memset(out, 0, 16);
	if (memchr(tmp, ':', s.n)) {
		if (inet_pton(AF_INET6, tmp, out) != 1)
			return false;
		*af = 6;
		return true;
	}
	for (i = 0; i < s.n; i++)
		if (tmp[i] == '.')
			dots++;
	/* LACNIC abbreviates: "200.57.128" is 200.57.128.0 */
	for (; dots < 3 && dots > 0; dots++)
		strcat(tmp, ".0");
	if (inet_pton(AF_INET, tmp, out + 12) != 1)
		return false;
	*af = 4;
	return true;
}

static int cmp16(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, 16);
}

bool whois_block_parse(const char *str, size_t n, struct whois_block *b)
{
	struct span s = span_trim((struct span){ str, n }), l, r;
	int af2, bits, max, i;
	uint64_t len;

	memset(b, 0, sizeof(*b));
	if (span_split(s, '-', &l, &r)) {
		if (!parse_addr(l, &b->af, b->lo) || !parse_addr(r, &af2, b->hi) || af2 != b->af ||
		    cmp16(b->lo, b->hi) > 0) {
			memset(b, 0, sizeof(*b));
			return false;
		}
		return true;
	}
	if (span_split(s, '/', &l, &r)) {
		if (!parse_addr(l, &b->af, b->lo))
			return false;
		max = b->af == 4 ? 32 : 128;
		r = span_trim(r);
		if (!span_uint(r, (uint64_t)max, &len)) {
			memset(b, 0, sizeof(*b));
			return false;
		}
		bits = (b->af == 4 ? 96 : 0) + (int)len;
		memcpy(b->hi, b->lo, 16);
		for (i = 0; i < 128; i++) {
			if (i < bits)
				continue;
			b->lo[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
			b->hi[i / 8] |= (uint8_t)(0x80u >> (i % 8));
		}
		return true;
	}
	if (!parse_addr(s, &b->af, b->lo))
		return false;
	memcpy(b->hi, b->lo, 16);
	return true;
}

bool whois_block_contains(const struct whois_block *b, const struct whois_block *c)
{
	return b->af && b->af == c->af && cmp16(b->lo, c->lo) <= 0 && cmp16(c->hi, b->hi) <= 0;
}

/* hi - lo as a 16-byte number */
static void block_size(const struct whois_block *b, uint8_t out[16])
{
	int i, borrow = 0;

	for (i = 15; i >= 0; i--) {
		int d = (int)b->hi[i] - (int)b->lo[i] - borrow;

		borrow = d < 0;
		out[i] = (uint8_t)(d + (borrow ? 256 : 0));
	}
}

int whois_block_cmp_size(const struct whois_block *a, const struct whois_block *b)
{
	uint8_t sa[16], sb[16];

	if (!a->af || !b->af)
		return a->af ? -1 : (b->af ? 1 : 0);
	block_size(a, sa);
	block_size(b, sb);
	return cmp16(sa, sb);
}

/* ---- service state ---- */

static bool looks_binary(const uint8_t *p, size_t n)
{
	size_t i, ctl = 0;

	for (i = 0; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\r' && p[i] != '\n' && p[i] != 0x1B) ||
		    p[i] == 0x7F)
			ctl++;
	return ctl > n / CONTROL_SHARE;
}

static bool looks_html_or_http(const struct wdoc *d)
{
	size_t i;

	for (i = 0; i < d->nlines; i++) {
		struct span s = span_trim(d->lines[i].text);

		if (s.n == 0)
			continue;
		return span_istarts(s, "<!DOCTYPE") || span_istarts(s, "<html") ||
		       span_istarts(s, "HTTP/1.") || span_istarts(s, "<?xml");
	}
	return false;
}

static void set_state(struct whois_answer *a, enum whois_state st, const char *why,
                      unsigned long line)
{
	a->state = st;
	set_val(&a->state_line, span_of(why), line);
}

static void classify_state(const struct wtab *t, const struct wdoc *d, struct whois_answer *a)
{
	enum whois_state best = WST_ANSWERED;
	long best_line = -1;
	size_t i;

	for (i = 0; i < d->nlines; i++) {
		const struct wdoc_line *l = &d->lines[i];
		enum whois_state s;

		if (l->type == WL_BLANK)
			continue;
		s = wtab_marker_scan(t, a->server, l->text.p, l->text.n, NULL);
		if (s != WST_ANSWERED && (best == WST_ANSWERED || s > best)) {
			best = s;
			best_line = (long)i;
		}
	}
	if (best != WST_ANSWERED) {
		a->state = best;
		set_val(&a->state_line, d->lines[best_line].text, d->lines[best_line].no);
	}
}

/* ---- the most specific network ---- */

/* A network object holds a range or CIDR, and is not an AS object listing its networks
 * (LACNIC "aut-num:" objects carry "inetnum:" lines). */
static bool is_net_obj(const struct wdoc *d, size_t o)
{
	if (d->lines[d->objs[o].first].fid == WF_ASN)
		return false;
	return wdoc_obj_find(d, o, WF_RANGE) >= 0 || wdoc_obj_find(d, o, WF_CIDR) >= 0;
}

static bool obj_block(const struct wdoc *d, size_t o, struct whois_block *b)
{
	long i = obj_first_value(d, o, WF_RANGE);

	if (i >= 0 && whois_block_parse(d->lines[i].val.p, d->lines[i].val.n, b))
		return true;
	i = obj_first_value(d, o, WF_CIDR);
	if (i >= 0) {
		/* ARIN may list several CIDRs: "a/14, b/14"; the first one is a fair size */
		struct span v = d->lines[i].val, first, rest;

		if (!span_split(v, ',', &first, &rest))
			first = v;
		if (whois_block_parse(first.p, first.n, b))
			return true;
	}
	memset(b, 0, sizeof(*b));
	return false;
}

/* Pick the network object with the smallest block; ties go to the first one, except in ARIN
 * answers, which list the most specific network last. Returns -1 if none. */
static long pick_network(const struct wdoc *d, struct whois_block *out)
{
	long best = -1;
	struct whois_block bb, b;
	size_t o;
	int c;

	memset(&bb, 0, sizeof(bb));
	for (o = 0; o < d->nobjs; o++) {
		if (!is_net_obj(d, o))
			continue;
		obj_block(d, o, &b);
		if (best < 0) {
			best = (long)o;
			bb = b;
			continue;
		}
		c = whois_block_cmp_size(&b, &bb);
		if (c < 0 || (c == 0 && d->fmt == WFMT_ARIN)) {
			best = (long)o;
			bb = b;
		}
	}
	*out = bb;
	return best;
}

static long pick_asn(const struct wdoc *d)
{
	long best = -1;
	size_t o;

	for (o = 0; o < d->nobjs; o++) {
		if (wdoc_obj_find(d, o, WF_ASN) < 0)
			continue;
		if (best < 0 || d->fmt == WFMT_ARIN)
			best = (long)o;
	}
	return best;
}

/* "Google Inc. (GOGL)" -> "Google Inc." */
static struct span strip_handle(struct span v)
{
	v = span_trim(v);
	if (v.n > 3 && v.p[v.n - 1] == ')') {
		size_t i = v.n - 1;

		while (i > 0 && v.p[i] != '(')
			i--;
		if (i > 0 && v.p[i - 1] == ' ')
			v.n = i - 1;
	}
	return span_trim(v);
}

static void network_fields(const struct wdoc *d, size_t o, struct whois_answer *a)
{
	unsigned sect = d->objs[o].sect;
	long i;
	size_t k;

	if ((i = obj_first_value(d, o, WF_RANGE)) >= 0) {
		set_from_line(&a->range, &d->lines[i]);
		if (memchr(d->lines[i].val.p, '/', d->lines[i].val.n))
			set_from_line(&a->cidr, &d->lines[i]);
	}
	if ((i = obj_first_value(d, o, WF_CIDR)) >= 0)
		set_from_line(&a->cidr, &d->lines[i]);
	if ((i = obj_first_value(d, o, WF_NETNAME)) >= 0)
		set_from_line(&a->netname, &d->lines[i]);
	if ((i = obj_first_value(d, o, WF_HANDLE)) >= 0)
		set_from_line(&a->handle, &d->lines[i]);
	if ((i = obj_first_value(d, o, WF_PARENT)) >= 0)
		set_from_line(&a->parent, &d->lines[i]);
	if ((i = obj_first_value(d, o, WF_ASN)) >= 0 && !span_ieq(d->lines[i].val, "N/A"))
		set_from_line(&a->asn, &d->lines[i]);
	if ((i = obj_first_value(d, o, WF_CREATED)) >= 0)
		set_from_line(&a->created, &d->lines[i]);
	if ((i = obj_first_value(d, o, WF_UPDATED)) >= 0)
		set_from_line(&a->updated, &d->lines[i]);
	for (k = d->objs[o].first; k <= d->objs[o].last && a->nstatus < WHOIS_MAX_STATUS; k++)
		if (d->lines[k].type == WL_ATTR && d->lines[k].fid == WF_STATUS && d->lines[k].val.n)
			set_from_line(&a->status[a->nstatus++], &d->lines[k]);

	/* country: the network's, else the holder's (ARIN puts it on the organisation) */
	i = obj_first_value(d, o, WF_COUNTRY);
	if (i < 0 && (d->fmt == WFMT_ARIN || d->fmt == WFMT_RWHOIS)) {
		for (k = 0; k < d->nlines && i < 0; k++)
			if (d->lines[k].sect == sect && d->lines[k].type == WL_ATTR &&
			    d->lines[k].fid == WF_COUNTRY && d->lines[k].val.n)
				i = (long)k;
	}
	if (i >= 0)
		set_from_line(&a->country, &d->lines[i]);

	/* holder organisation */
	switch (d->fmt) {
	case WFMT_ARIN:
		for (k = d->objs[o].first; k < d->nlines; k++) {
			const struct wdoc_line *l = &d->lines[k];

			if (l->sect != sect)
				break;
			if (l->type == WL_ATTR && l->fid == WF_ORG && l->val.n) {
				set_from_line(&a->org, l);
				break;
			}
		}
		if (!val_set(&a->org) && (i = obj_first_value(d, o, WF_ORGANISATION)) >= 0)
			set_val(&a->org, strip_handle(d->lines[i].val), d->lines[i].no);
		break;
	case WFMT_RPSL:
		if ((i = obj_first_value(d, o, WF_ORGHANDLE)) >= 0) {
			long org = wdoc_obj_by_handle(d, d->lines[i].val, sect);
			long n = org >= 0 ? obj_first_value(d, (size_t)org, WF_ORG) : -1;

			if (n >= 0)
				set_from_line(&a->org, &d->lines[n]);
		}
		if (!val_set(&a->org) && (i = obj_first_value(d, o, WF_ORG)) >= 0)
			set_from_line(&a->org, &d->lines[i]);
		if (!val_set(&a->org) && (i = obj_first_value(d, o, WF_DESCR)) >= 0)
			set_from_line(&a->org, &d->lines[i]);
		break;
	default:
		if ((i = obj_first_value(d, o, WF_ORG)) >= 0 ||
		    (i = obj_first_value(d, o, WF_ORGANISATION)) >= 0)
			set_val(&a->org, strip_handle(d->lines[i].val), d->lines[i].no);
		else if ((i = obj_first_value(d, o, WF_DESCR)) >= 0)
			set_from_line(&a->org, &d->lines[i]);
		break;
	}
}

static void asn_fields(const struct wdoc *d, size_t o, struct whois_answer *a)
{
	long i;

	if ((i = obj_first_value(d, o, WF_ASN)) >= 0)
		set_from_line(&a->asn, &d->lines[i]);
	if ((i = obj_first_value(d, o, WF_ASNAME)) >= 0)
		set_from_line(&a->netname, &d->lines[i]);
	if ((i = obj_first_value(d, o, WF_HANDLE)) >= 0)
		set_from_line(&a->handle, &d->lines[i]);
	if ((i = obj_first_value(d, o, WF_CREATED)) >= 0)
		set_from_line(&a->created, &d->lines[i]);
	if ((i = obj_first_value(d, o, WF_UPDATED)) >= 0)
		set_from_line(&a->updated, &d->lines[i]);
	if ((i = obj_first_value(d, o, WF_COUNTRY)) >= 0)
		set_from_line(&a->country, &d->lines[i]);
	if ((i = obj_first_value(d, o, WF_ORG)) >= 0 ||
	    (i = obj_first_value(d, o, WF_ORGANISATION)) >= 0)
		set_val(&a->org, strip_handle(d->lines[i].val), d->lines[i].no);
	else if ((i = doc_first_value(d, WF_ORG, d->objs[o].first, d->nlines)) >= 0)
		set_from_line(&a->org, &d->lines[i]);
	else if ((i = obj_first_value(d, o, WF_DESCR)) >= 0)
		set_from_line(&a->org, &d->lines[i]);
}

/* Is the network held elsewhere (transferred, early registration, stub)? */
static bool transferred_net(const struct wdoc *d, size_t o)
{
	size_t k;

	for (k = d->objs[o].first; k <= d->objs[o].last; k++) {
		const struct wdoc_line *l = &d->lines[k];

		if (l->type != WL_ATTR)
			continue;
		if (l->fid == WF_STATUS &&
		    (span_ifind(l->val, "Transferred to") >= 0 ||
		     span_ifind(l->val, "Early Registrations") >= 0 ||
		     span_istarts(l->val, "Allocated to ")))
			return true;
		if (l->fid == WF_NETNAME && span_ifind(l->val, "-ERX-") >= 0)
			return true;
		if (l->fid == WF_MNT_BY && span_ieq(l->val, "APNIC-STUB"))
			return true;
	}
	return false;
}

/* ---- domain fields ---- */

/* "clientDeleteProhibited https://icann.org/epp#..." -> "clientDeleteProhibited" */
static struct span status_word(struct span v)
{
	long at = span_ifind(v, " http");

	if (at > 0)
		v.n = (size_t)at;
	return span_trim(v);
}

/* "NS1.EXAMPLE.COM 192.0.2.1" -> "NS1.EXAMPLE.COM" */
static struct span first_word(struct span v)
{
	size_t i;

	v = span_trim(v);
	for (i = 0; i < v.n; i++)
		if (v.p[i] == ' ' || v.p[i] == '\t')
			break;
	v.n = i;
	while (v.n && v.p[v.n - 1] == '.')
		v.n--;
	return v;
}

static void domain_fields(const struct wdoc *d, struct whois_answer *a, bool dates)
{
	size_t i, k;

	for (i = 0; i < d->nlines; i++) {
		const struct wdoc_line *l = &d->lines[i];
		struct whois_val *v = NULL;

		enum whois_fid f = l->fid;

		if (l->type != WL_ATTR || !l->val.n || wdoc_host_record(d, i))
			continue;
		/* "Registrar:" / "    Name: X" (CIRA, EURid) */
		if (l->parent >= 0 && d->lines[l->parent].fid == WF_REGISTRAR) {
			if (strcmp(l->key, "name") == 0 || strcmp(l->key, "organization") == 0 ||
			    strcmp(l->key, "organisation") == 0)
				f = WF_REGISTRAR;
			else if (strcmp(l->key, "website") == 0 || strcmp(l->key, "url") == 0)
				f = WF_REG_URL;
		}
		switch (f) {
		case WF_DOMAIN: v = &a->domain; break;
		case WF_REGISTRAR: v = &a->registrar; break;
		case WF_IANA_ID: v = &a->iana_id; break;
		case WF_REG_WHOIS: v = &a->reg_whois; break;
		case WF_REG_URL: v = &a->reg_url; break;
		case WF_CREATED: v = dates ? &a->created : NULL; break;
		case WF_UPDATED: v = dates ? &a->updated : NULL; break;
		case WF_EXPIRES: v = &a->expires; break;
		case WF_NSERVER:
			if (dates && a->nns < WHOIS_MAX_NS) {
				struct span w = first_word(l->val);
				bool dup = false;

				for (k = 0; k < a->nns && !dup; k++)
					dup = strlen(a->ns[k].v) == w.n &&
					      ascii_nieq(a->ns[k].v, w.p, w.n);
				if (!dup && w.n)
					set_val(&a->ns[a->nns++], w, l->no);
			}
			break;
		case WF_STATUS:
			if (dates && a->nstatus < WHOIS_MAX_STATUS)
				set_val(&a->status[a->nstatus++], status_word(l->val), l->no);
			break;
		default:
			break;
		}
		/* Nominet: "No registrar listed.  This domain is registered directly with Nominet." */
		if (v == &a->registrar && span_istarts(l->val, "No registrar"))
			continue;
		if (v && !val_set(v))
			set_from_line(v, l);
	}
}

/* ---- abuse contacts ---- */

static struct whois_contact *add_contact(struct whois_answer *a, struct span email,
                                         unsigned long line, enum whois_csrc src,
                                         enum whois_conf conf)
{
	struct whois_contact *c;

	if (a->ncontacts >= WHOIS_MAX_CONTACTS || span_trim(email).n == 0)
		return NULL;
	c = &a->contacts[a->ncontacts++];
	memset(c, 0, sizeof(*c));
	set_val(&c->email, email, line);
	c->src = src;
	c->conf = conf;
	return c;
}

static void add_phone(struct whois_contact *c, const struct wdoc_line *l)
{
	if (c && l && l->val.n)
		set_from_line(&c->phone, l);
}

/* The abuse-mailbox (else e-mail) of the object with handle h. */
static void contact_from_handle(const struct wdoc *d, struct whois_answer *a, struct span h,
                                unsigned sect, enum whois_csrc src, enum whois_conf conf)
{
	long o = wdoc_obj_by_handle(d, h, sect), i;

	if (o < 0)
		return;
	i = obj_first_value(d, (size_t)o, WF_ABUSE_MAILBOX);
	if (i < 0)
		i = obj_first_value(d, (size_t)o, WF_EMAIL);
	if (i >= 0)
		add_contact(a, d->lines[i].val, d->lines[i].no, src, conf);
}

static bool abuse_like(struct span local)
{
	return span_ifind(local, "abuse") >= 0 || span_ifind(local, "spam") >= 0 ||
	       span_ifind(local, "cert") >= 0 || span_ifind(local, "security") >= 0;
}

/* E-mails of the network's referenced roles: abuse-mailbox (medium), abuse-like e-mail
 * (low), any other e-mail (low, last resort). */
static void contacts_from_refs(const struct wdoc *d, struct whois_answer *a, size_t o)
{
	size_t k, j;

	for (k = d->objs[o].first; k <= d->objs[o].last; k++) {
		const struct wdoc_line *l = &d->lines[k];
		long r;

		if (l->type != WL_ATTR || l->fid != WF_CONTACT_REF)
			continue;
		r = wdoc_obj_by_handle(d, l->val, d->objs[o].sect);
		if (r < 0)
			continue;
		for (j = d->objs[r].first; j <= d->objs[r].last; j++) {
			const struct wdoc_line *m = &d->lines[j];
			struct span e;
			size_t pos = 0;

			if (m->type != WL_ATTR)
				continue;
			if (m->fid == WF_ABUSE_MAILBOX)
				add_contact(a, m->val, m->no, WSRC_ABUSE_FIELD, WCONF_MEDIUM);
			else if (m->fid == WF_EMAIL && wdoc_next_email(m->val, &pos, &e)) {
				const char *at = memchr(e.p, '@', e.n);

				if (abuse_like((struct span){ e.p, (size_t)(at - e.p) }))
					add_contact(a, e, m->no, WSRC_ROLE_EMAIL, WCONF_LOW);
				else
					add_contact(a, e, m->no, WSRC_CONTACT_EMAIL, WCONF_LOW);
			}
		}
	}
}

/* "% Abuse contact for 'R' is 'E'" */
static long abuse_line(const struct wdoc *d, unsigned sect, bool any, struct span *val)
{
	size_t i;

	for (i = 0; i < d->nlines; i++) {
		const struct wdoc_line *l = &d->lines[i];
		struct span s = l->text;
		long at;

		if (l->type != WL_COMMENT || (!any && l->sect != sect))
			continue;
		if (span_ifind(s, "Abuse contact for") < 0)
			continue;
		at = span_ifind(s, "' is '");
		if (at < 0)
			continue;
		s.p += at + 6;
		s.n -= (size_t)at + 6;
		while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\''))
			s.n--;
		*val = s;
		return (long)i;
	}
	return -1;
}

static void contacts_rpsl(const struct wdoc *d, struct whois_answer *a, long o)
{
	unsigned sect = o >= 0 ? d->objs[o].sect : 0;
	struct span v;
	long i, org;
	size_t k;

	i = abuse_line(d, sect, false, &v);
	if (i < 0)
		i = abuse_line(d, sect, true, &v);
	if (i >= 0)
		add_contact(a, v, d->lines[i].no, WSRC_ABUSE_LINE, WCONF_HIGH);
	if (o < 0)
		return;
	for (k = d->objs[o].first; k <= d->objs[o].last; k++)
		if (d->lines[k].type == WL_ATTR && d->lines[k].fid == WF_ABUSE_C)
			contact_from_handle(d, a, d->lines[k].val, sect, WSRC_ABUSE_C, WCONF_HIGH);
	if ((i = obj_first_value(d, (size_t)o, WF_ORGHANDLE)) >= 0 &&
	    (org = wdoc_obj_by_handle(d, d->lines[i].val, sect)) >= 0) {
		long ac = obj_first_value(d, (size_t)org, WF_ABUSE_C);
		long am = obj_first_value(d, (size_t)org, WF_ABUSE_MAILBOX);

		if (ac >= 0)
			contact_from_handle(d, a, d->lines[ac].val, sect, WSRC_ORG_ABUSE, WCONF_HIGH);
		if (am >= 0)
			add_contact(a, d->lines[am].val, d->lines[am].no, WSRC_ABUSE_FIELD,
			            WCONF_MEDIUM);
	}
	for (k = d->objs[o].first; k <= d->objs[o].last; k++)
		if (d->lines[k].type == WL_ATTR && d->lines[k].fid == WF_MNT_IRT)
			contact_from_handle(d, a, d->lines[k].val, sect, WSRC_IRT, WCONF_MEDIUM);
	contacts_from_refs(d, a, (size_t)o);
	/* abuse-mailbox anywhere in the network's section */
	for (k = 0; k < d->nlines; k++) {
		const struct wdoc_line *l = &d->lines[k];

		if (l->sect == sect && l->type == WL_ATTR && l->fid == WF_ABUSE_MAILBOX)
			add_contact(a, l->val, l->no, WSRC_ABUSE_FIELD, WCONF_MEDIUM);
	}
}

static void contacts_arin(const struct wdoc *d, struct whois_answer *a, long o)
{
	unsigned sect = o >= 0 ? d->objs[o].sect : 0;
	long s, i, p;
	struct whois_contact *c;

	for (s = (long)sect; s >= 0; s--) {
		bool found = false;
		size_t from = 0, to = d->nlines, k;

		for (k = 0; k < d->nlines; k++)
			if (d->lines[k].sect == (unsigned)s) {
				from = k;
				break;
			}
		for (to = from; to < d->nlines && d->lines[to].sect == (unsigned)s; to++)
			;
		i = doc_first_value(d, WF_RABUSE_EMAIL, from, to);
		if (i >= 0) {
			c = add_contact(a, d->lines[i].val, d->lines[i].no,
			                s == (long)sect ? WSRC_NET_ABUSE : WSRC_PARENT,
			                s == (long)sect ? WCONF_HIGH : WCONF_MEDIUM);
			p = doc_first_value(d, WF_RABUSE_PHONE, from, to);
			add_phone(c, p >= 0 ? &d->lines[p] : NULL);
			found = true;
		}
		i = doc_first_value(d, WF_ORGABUSE_EMAIL, from, to);
		if (i >= 0) {
			c = add_contact(a, d->lines[i].val, d->lines[i].no,
			                s == (long)sect ? WSRC_ORG_ABUSE : WSRC_PARENT,
			                s == (long)sect ? WCONF_HIGH : WCONF_MEDIUM);
			p = doc_first_value(d, WF_ORGABUSE_PHONE, from, to);
			add_phone(c, p >= 0 ? &d->lines[p] : NULL);
			found = true;
		}
		if (found)
			break;
	}
}

/* Any attribute whose key says "abuse" and whose value (or continuation) holds an address. */
static void contacts_abuse_keys(const struct wdoc *d, struct whois_answer *a, long o,
                                enum whois_csrc src, enum whois_conf conf)
{
	size_t i, from = 0, to = d->nlines;

	if (o >= 0) {
		from = d->objs[o].first;
		to = d->objs[o].last + 1;
	}
	for (i = from; i < to; i++) {
		const struct wdoc_line *l = &d->lines[i];
		struct span e;
		size_t pos = 0;

		if (l->type != WL_ATTR || l->fid == WF_REG_ABUSE || l->fid == WF_REG_PHONE ||
		    l->fid == WF_ABUSE_C)
			continue;
		if (!strstr(l->key, "abuse") &&
		    !(l->parent >= 0 && strstr(d->lines[l->parent].key, "abuse")))
			continue;
		if (strstr(l->key, "phone") || strstr(l->key, "fax") || strstr(l->key, "handle"))
			continue;
		while (wdoc_next_email(l->val, &pos, &e))
			add_contact(a, e, l->no, src, conf);
	}
}

/* Addresses in remarks and comments that talk about abuse or spam: low-confidence hints. */
static void contacts_hints(const struct wdoc *d, struct whois_answer *a)
{
	size_t i;
	int window = 0;

	for (i = 0; i < d->nlines; i++) {
		const struct wdoc_line *l = &d->lines[i];
		struct span s, e;
		size_t pos = 0;
		bool remark = l->type == WL_COMMENT ||
		              (l->type == WL_ATTR && (l->fid == WF_REMARKS || l->fid == WF_DESCR));

		if (!remark) {
			window = 0;
			continue;
		}
		s = l->type == WL_ATTR ? l->val : l->text;
		if (span_ifind(s, "abuse") >= 0 || span_ifind(s, "spam") >= 0)
			window = HINT_WINDOW + 1;
		if (window <= 0)
			continue;
		window--;
		while (wdoc_next_email(s, &pos, &e))
			add_contact(a, e, l->no, WSRC_REMARKS, WCONF_LOW);
	}
}

static void sort_and_dedupe(struct whois_answer *a)
{
	size_t i, j, n = a->ncontacts;

	/* stable insertion sort by (confidence, source) */
	for (i = 1; i < n; i++) {
		struct whois_contact c = a->contacts[i];

		for (j = i; j > 0; j--) {
			const struct whois_contact *p = &a->contacts[j - 1];

			if (p->conf < c.conf || (p->conf == c.conf && p->src <= c.src))
				break;
			a->contacts[j] = a->contacts[j - 1];
		}
		a->contacts[j] = c;
	}
	for (i = 0; i < a->ncontacts; i++) {
		for (j = 0; j < i; j++)
			if (ascii_ieq(a->contacts[j].email.v, a->contacts[i].email.v))
				break;
		if (j < i) {
			memmove(&a->contacts[i], &a->contacts[i + 1],
			        (a->ncontacts - i - 1) * sizeof(a->contacts[0]));
			a->ncontacts--;
			i--;
		}
	}
}

static void classify_contacts(const struct wtab *t, struct whois_answer *a)
{
	size_t i;

	for (i = 0; i < a->ncontacts; i++) {
		struct whois_contact *c = &a->contacts[i];
		const struct wtab_class *k = NULL;

		c->not_email = !wdoc_is_email(span_of(c->email.v));
		c->cls = wtab_classify(t, c->email.v, &k);
		if (c->cls == WCC_RIR && !a->transferred) {
			/* the RIR's own network: the RIR is the right party */
			c->cls = WCC_OK;
			snprintf(c->note, sizeof(c->note), "address of %.47s (its own network)",
			         k ? k->name : "an RIR");
			continue;
		}
		if (c->cls == WCC_OK && c->not_email)
			snprintf(c->note, sizeof(c->note), "not an e-mail address");
		else if (c->cls == WCC_RIR)
			snprintf(c->note, sizeof(c->note), "%.47s: the registry, not the holder of "
			         "transferred space", k && k->name[0] ? k->name : "an RIR");
		else if (c->cls == WCC_NIR)
			snprintf(c->note, sizeof(c->note), "%.47s hostmaster, not the network%s%.100s",
			         k && k->name[0] ? k->name : "an NIR", k && k->refer[0] ? ": ask " : "",
			         k && k->refer[0] ? k->refer : "");
		else if (c->cls != WCC_OK)
			snprintf(c->note, sizeof(c->note), "%.47s", k && k->name[0] ? k->name :
			         whois_cclass_name(c->cls));
		if (c->cls == WCC_NIR && k && k->refer[0] && a->nrefs < WHOIS_MAX_REFS) {
			struct whois_ref r;
			size_t j;
			bool dup = false;

			memset(&r, 0, sizeof(r));
			if (!whois_ref_target(k->refer, strlen(k->refer), 43, false, &r))
				continue;
			for (j = 0; j < a->nrefs && !dup; j++)
				dup = strcmp(a->refs[j].host, r.host) == 0;
			if (dup)
				continue;
			r.kind = WR_NIR;
			r.line = c->email.line;
			snprintf(r.rir, sizeof(r.rir), "%.47s", k->name);
			a->refs[a->nrefs++] = r;
		}
	}
}

const struct whois_contact *whois_answer_abuse(const struct whois_answer *a)
{
	size_t i;

	for (i = 0; i < a->ncontacts; i++)
		if (a->contacts[i].cls == WCC_OK && !a->contacts[i].not_email)
			return &a->contacts[i];
	return NULL;
}

/* ---- the parser ---- */

static bool has_attrs(const struct wdoc *d)
{
	size_t i;

	for (i = 0; i < d->nlines; i++)
		if (d->lines[i].type == WL_ATTR)
			return true;
	return false;
}

int whois_parse(const struct wtab *t, const char *server, enum whois_fmt fmt, const void *raw,
                size_t n, struct whois_answer *a)
{
	struct wdoc d;
	struct whois_block blk;
	long net = -1, asn = -1, i;
	int st;

	memset(a, 0, sizeof(*a));
	if (server) {
		size_t k;

		for (k = 0; server[k] && k + 1 < sizeof(a->server); k++)
			a->server[k] = (char)ascii_lower((unsigned char)server[k]);
		a->server[k] = 0;
		while (k > 0 && a->server[k - 1] == '.')
			a->server[--k] = 0;
	}
	a->bytes = n;
	st = wdoc_build(&d, t, a->server[0] ? a->server : NULL, fmt, raw, n);
	if (st) {
		wdoc_free(&d);
		return st;
	}
	a->fmt = d.fmt;
	a->lines = d.nlines;
	a->lines_cut = d.lines_cut;

	if (n == 0 || span_trim((struct span){ (const char *)d.text.data, d.text.len }).n == 0) {
		set_state(a, WST_TEMP_FAIL, "empty answer", 0);
		goto out;
	}
	if (looks_binary(raw, n) || looks_html_or_http(&d)) {
		set_state(a, WST_MALFORMED, "not a WHOIS text answer", 0);
		goto out;
	}

	net = pick_network(&d, &blk);
	if (net < 0)
		asn = pick_asn(&d);
	if (net >= 0) {
		a->kind = WK_NETWORK;
		a->block = blk;
		network_fields(&d, (size_t)net, a);
		a->transferred = transferred_net(&d, (size_t)net);
	} else if (asn >= 0) {
		a->kind = WK_ASN;
		asn_fields(&d, (size_t)asn, a);
		a->transferred = transferred_net(&d, (size_t)asn);
	}
	domain_fields(&d, a, net < 0 && asn < 0);
	if (a->kind == WK_UNKNOWN) {
		if (val_set(&a->domain) || val_set(&a->registrar))
			a->kind = d.fmt == WFMT_IANA && !strchr(a->domain.v, '.') ? WK_TLD : WK_DOMAIN;
		else if (has_attrs(&d))
			a->kind = WK_OTHER;
	}
	if (d.fmt == WFMT_IANA) {
		/* IANA is a directory: its contacts are the registries', not abuse desks */
		a->transferred = true;
		if ((i = doc_first_value(&d, WF_ORGANISATION, 0, d.nlines)) >= 0 && !val_set(&a->org))
			set_from_line(&a->org, &d.lines[i]);
	}

	classify_state(t, &d, a);
	if (a->state == WST_NO_MATCH && (net >= 0 || asn >= 0 || val_set(&a->registrar) ||
	                                 (val_set(&a->domain) && val_set(&a->created)))) {
		/* a "no match" phrase in a footer of an answer that has the object */
		a->state = WST_ANSWERED;
		memset(&a->state_line, 0, sizeof(a->state_line));
	}

	/* contacts only from answers about the object: a footer of a "no match" or
	 * rate-limit answer names the registry's desks, not the object's */
	switch (a->state != WST_ANSWERED ? WFMT_IANA : d.fmt) {
	case WFMT_IANA:
		break;
	case WFMT_ARIN:
		contacts_arin(&d, a, net >= 0 ? net : asn);
		break;
	case WFMT_RPSL:
	case WFMT_LACNIC:
		contacts_rpsl(&d, a, net >= 0 ? net : asn);
		break;
	default:
		if (net >= 0 || asn >= 0)
			contacts_abuse_keys(&d, a, -1, WSRC_ABUSE_FIELD, WCONF_MEDIUM);
		break;
	}
	if (d.fmt != WFMT_IANA && a->state == WST_ANSWERED) {
		long r = doc_first_value(&d, WF_REG_ABUSE, 0, d.nlines);

		if (r >= 0) {
			/* "Registrar Abuse Contact Email", or an explicit abuse e-mail field of a
			 * network answer (RWhois "Abuse-Email") */
			bool reg = net < 0 && asn < 0;
			struct whois_contact *c = add_contact(a, d.lines[r].val, d.lines[r].no,
			                                      reg ? WSRC_REGISTRAR : WSRC_ABUSE_FIELD,
			                                      WCONF_HIGH);
			long p = doc_first_value(&d, WF_REG_PHONE, 0, d.nlines);

			add_phone(c, p >= 0 ? &d.lines[p] : NULL);
			if (c)
				c->registrar = reg;
		}
		if (net < 0 && asn < 0)
			contacts_abuse_keys(&d, a, -1, WSRC_ABUSE_FIELD, WCONF_MEDIUM);
		contacts_hints(&d, a);
	}
	sort_and_dedupe(a);

	whois_refer_doc(&d, net >= 0 ? net : asn, a);
	classify_contacts(t, a);
	if (a->state == WST_ANSWERED && !has_attrs(&d) && a->nrefs == 0) {
		/* neither data nor a referral: nothing we can read */
		set_state(a, WST_MALFORMED, "no fields in the answer", 0);
		goto out;
	}

	/* IANA with an empty "whois:" and no referral: the TLD has no port-43 service */
	if (d.fmt == WFMT_IANA && a->state == WST_ANSWERED && a->nrefs == 0) {
		for (i = 0; (size_t)i < d.nlines; i++) {
			const struct wdoc_line *l = &d.lines[i];

			if (l->type == WL_ATTR && l->fid == WF_IANA_WHOIS && l->val.n == 0) {
				set_state(a, WST_NOT_SERVED, "IANA lists no WHOIS server", l->no);
				break;
			}
		}
	}
out:
	wdoc_free(&d);
	return ST_OK;
}
