/* DNS wire format: names with strict decompression, the message parser, builder and printers. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "dns_msg.h"
#include "status.h"
#include "text.h"

/* ---- names ---- */

int dns_name_from_text(const char *s, size_t n, struct dns_name *out, const char **why)
{
	uint8_t label[DNS_MAX_LABEL + 1];
	size_t i = 0, ll = 0, wl = 0;
	const char *dummy;

	if (!why)
		why = &dummy;
	out->len = 0;
	if (n == 0) {
		*why = "empty name";
		return ST_MALFORMED;
	}
	if (n == 1 && s[0] == '.') {
		out->wire[0] = 0;
		out->len = 1;
		return ST_OK;
	}
	for (;;) {
		bool end = i >= n;
		int c;

		if (end || s[i] == '.') {
			if (ll == 0) {
				if (end && wl > 0)
					break;           /* the optional final dot */
				*why = "empty label";
				return ST_MALFORMED;
			}
			if (wl + 1 + ll + 1 > DNS_MAX_NAME) {
				*why = "name longer than 255 octets";
				return ST_TOOBIG;
			}
			out->wire[wl++] = (uint8_t)ll;
			memcpy(out->wire + wl, label, ll);
			wl += ll;
			ll = 0;
			if (end)
				break;
			i++;
			continue;
		}
		c = (unsigned char)s[i++];
		if (c == '\\') {
			if (i >= n) {
				*why = "backslash at the end of the name";
				return ST_MALFORMED;
			}
			if (s[i] >= '0' && s[i] <= '9') {
				uint64_t v;

				if (n - i < 3 || !parse_uint(s + i, 3, 255, &v)) {
					*why = "\\DDD escape needs three digits from 000 to 255";
					return ST_MALFORMED;
				}
				c = (int)v;
				i += 3;
			} else {
				c = (unsigned char)s[i++];
			}
		}
		if (ll >= DNS_MAX_LABEL) {
			*why = "label longer than 63 octets";
			return ST_TOOBIG;
		}
		label[ll++] = (uint8_t)c;
	}
	out->wire[wl++] = 0;
	out->len = (uint8_t)wl;
	return ST_OK;
}

static bool special_char(int c)
{
	return c == '.' || c == '\\' || c == '"' || c == ';' || c == '(' || c == ')' ||
	       c == '@' || c == '$';
}

int dns_name_to_text(const struct dns_name *nm, struct buf *out)
{
	size_t i = 0;

	if (nm->len <= 1)
		return buf_addc(out, '.');
	while (i < nm->len && nm->wire[i] != 0) {
		size_t ll = nm->wire[i++], k;

		for (k = 0; k < ll && i < nm->len; k++, i++) {
			int c = nm->wire[i];

			if (special_char(c)) {
				buf_addc(out, '\\');
				buf_addc(out, c);
			} else if (c < 0x21 || c > 0x7e) {
				buf_printf(out, "\\%03d", c);
			} else {
				buf_addc(out, c);
			}
		}
		buf_addc(out, '.');
	}
	return out->err;
}

void dns_name_str(const struct dns_name *nm, char out[DNS_MAX_NAME_TEXT])
{
	struct buf b;

	buf_init(&b, DNS_MAX_NAME_TEXT - 1);
	if (dns_name_to_text(nm, &b) == ST_OK && b.len < DNS_MAX_NAME_TEXT) {
		memcpy(out, b.data, b.len);
		out[b.len] = '\0';
	} else {
		snprintf(out, DNS_MAX_NAME_TEXT, "?");
	}
	buf_reset(&b);
}

bool dns_name_eq(const struct dns_name *a, const struct dns_name *b)
{
	size_t i = 0;

	if (a->len != b->len)
		return false;
	/* Length bytes are ≤ 63 and never letters, so folding every byte is safe. */
	for (i = 0; i < a->len; i++)
		if (ascii_lower(a->wire[i]) != ascii_lower(b->wire[i]))
			return false;
	return true;
}

bool dns_name_under(const struct dns_name *child, const struct dns_name *parent)
{
	size_t i = 0;

	if (child->len < parent->len)
		return false;
	/* Walk child's labels until the remaining suffix has the parent's length. */
	while (i < child->len && (size_t)(child->len - i) > parent->len)
		i += 1u + child->wire[i];
	if ((size_t)(child->len - i) != parent->len)
		return false;
	{
		struct dns_name tail;

		tail.len = parent->len;
		memcpy(tail.wire, child->wire + i, parent->len);
		return dns_name_eq(&tail, parent);
	}
}

unsigned dns_name_labels(const struct dns_name *nm)
{
	size_t i = 0;
	unsigned n = 0;

	while (i < nm->len && nm->wire[i] != 0) {
		n++;
		i += 1u + nm->wire[i];
	}
	return n;
}

bool dns_name_is_hostname(const struct dns_name *nm)
{
	size_t i = 0;

	while (i < nm->len && nm->wire[i] != 0) {
		size_t ll = nm->wire[i++], k;

		for (k = 0; k < ll; k++) {
			int c = nm->wire[i + k];
			bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			             (c >= '0' && c <= '9');

			if (!alnum && c != '_' && !(c == '-' && k > 0 && k + 1 < ll))
				return false;
		}
		i += ll;
	}
	return true;
}

uint32_t dns_ttl(uint32_t ttl)
{
	return ttl > DNS_TTL_MAX ? 0 : ttl;
}

/* ---- parser ---- */

static const char *const section_names[] = { "header", "question", "answer", "authority",
	                                     "additional" };

struct parser {
	const uint8_t *msg;
	size_t len;
	struct dns_err *err;
	enum dns_section section;
	long index;
	uint16_t type;          /* of the record being parsed, for messages */
};

static int fail(struct parser *ps, int st, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct parser *ps, int st, size_t off, const char *fmt, ...)
{
	struct dns_err *e = ps->err;
	char what[128];
	va_list ap;

	if (!e)
		return st;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	e->st = st;
	e->section = ps->section;
	e->index = ps->index;
	e->offset = off;
	if (ps->section == DNS_SEC_HEADER) {
		snprintf(e->msg, sizeof(e->msg), "header: %s", what);
	} else if (ps->section == DNS_SEC_QUESTION || ps->type == 0) {
		snprintf(e->msg, sizeof(e->msg), "%s record %ld at offset %zu: %s",
		         section_names[ps->section], ps->index + 1, off, what);
	} else {
		char tb[DNS_TYPE_STRLEN];

		snprintf(e->msg, sizeof(e->msg), "%s record %ld (%s) at offset %zu: %s",
		         section_names[ps->section], ps->index + 1, dns_type_str(ps->type, tb),
		         off, what);
	}
	return st;
}

/*
 * Read a possibly compressed name starting at pos. Bytes read in place must lie before
 * `end` (the RDATA end, or the message end); after a pointer they may be anywhere before
 * the pointer's target run. Every pointer must point strictly before the start of the run
 * of labels that contains it (BIND's marker rule), never into the header, at most
 * DNS_MAX_PTR_HOPS times; label and name limits apply to the expanded name. *next is where
 * parsing resumes: after the first pointer, or after the root byte.
 * Reads by index rather than through a cursor because pointers jump around and the limit
 * changes after the first jump; every read is preceded by an `avail < need` style check.
 */
static int read_name(struct parser *ps, size_t pos, size_t end, bool allow_ptr,
                     struct dns_name *out, size_t *next)
{
	size_t p = pos, marker = pos, lim = end, resume = 0, wl = 0;
	bool jumped = false;
	int hops = 0;

	for (;;) {
		uint8_t c;

		if (p >= lim)
			return fail(ps, jumped ? ST_MALFORMED : ST_TRUNC, p,
			            "name runs past the end of the %s",
			            lim == ps->len ? "message" : "record data");
		c = ps->msg[p];
		if (c == 0) {
			out->wire[wl++] = 0;
			out->len = (uint8_t)wl;
			if (!jumped)
				resume = p + 1;
			break;
		}
		if ((c & 0xC0) == 0xC0) {
			size_t off;

			if (!allow_ptr)
				return fail(ps, ST_MALFORMED, p,
				            "compression pointer where this type forbids one "
				            "(RFC 3597 §4)");
			if (p + 1 >= lim)
				return fail(ps, ST_TRUNC, p, "compression pointer cut in half");
			off = ((size_t)(c & 0x3F) << 8) | ps->msg[p + 1];
			if (!jumped)
				resume = p + 2;
			if (off < DNS_HEADER_LEN)
				return fail(ps, ST_MALFORMED, p,
				            "compression pointer to offset %zu, inside the header", off);
			if (off >= marker)
				return fail(ps, ST_MALFORMED, p,
				            "compression pointer to offset %zu does not point backwards",
				            off);
			if (++hops > DNS_MAX_PTR_HOPS)
				return fail(ps, ST_MALFORMED, p,
				            "more than %d compression pointers in one name",
				            DNS_MAX_PTR_HOPS);
			marker = off;
			p = off;
			lim = ps->len;
			jumped = true;
			continue;
		}
		if (c & 0xC0)
			return fail(ps, ST_MALFORMED, p, "reserved label type 0x%02x", c & 0xC0);
		/* c is a label length 1..63 */
		if (lim - p - 1 < c)
			return fail(ps, jumped ? ST_MALFORMED : ST_TRUNC, p,
			            "label of %u octets runs past the end of the %s", c,
			            lim == ps->len ? "message" : "record data");
		if (wl + 1 + c + 1 > DNS_MAX_NAME)
			return fail(ps, ST_MALFORMED, p, "name longer than 255 octets when expanded");
		out->wire[wl++] = c;
		memcpy(out->wire + wl, ps->msg + p + 1, c);
		wl += c;
		p += 1u + c;
	}
	*next = resume;
	return ST_OK;
}

static bool compressible(uint16_t type)
{
	/* RFC 3597 §4: only the RFC 1035 types may carry compressed names in RDATA. */
	switch (type) {
	case DNS_T_NS: case DNS_T_CNAME: case DNS_T_SOA: case DNS_T_PTR: case DNS_T_MX:
	case 3: case 4: case 7: case 8: case 9: case 14: /* MD MF MB MG MR MINFO */
		return true;
	default:
		return false;
	}
}

/* A name that must end exactly at the end of the RDATA. */
static int rdata_name(struct parser *ps, size_t pos, size_t end, bool allow_ptr,
                      struct dns_name *out)
{
	size_t next;
	int st = read_name(ps, pos, end, allow_ptr, out, &next);

	if (st != ST_OK)
		return st;
	if (next != end)
		return fail(ps, ST_MALFORMED, next, "%zu octets of RDATA left after the name",
		            end - next);
	return ST_OK;
}

static int parse_rdata(struct parser *ps, struct dns_msg *m, struct dns_rr *rr)
{
	size_t pos = rr->rdoff, end = rr->rdoff + rr->rdlen, next;
	bool ptr = compressible(rr->type);
	struct cursor c;
	int st;

	cur_init(&c, ps->msg + pos, rr->rdlen);
	/* RFC 2136 §2.4-2.5: UPDATE prerequisites and deletions carry class ANY or NONE with
	 * empty RDATA, whatever the type. */
	if (m->opcode == 5 && rr->rdlen == 0 && (rr->rclass == DNS_C_ANY || rr->rclass == 254) &&
	    rr->type != DNS_T_OPT) {
		rr->opaque = true;
		return ST_OK;
	}
	switch (rr->type) {
	case DNS_T_A:
		if (rr->rdlen != 4)
			return fail(ps, ST_MALFORMED, pos, "RDLENGTH %u, must be 4", rr->rdlen);
		memcpy(rr->d.a, ps->msg + pos, 4);
		return ST_OK;
	case DNS_T_AAAA:
		if (rr->rdlen != 16)
			return fail(ps, ST_MALFORMED, pos, "RDLENGTH %u, must be 16", rr->rdlen);
		memcpy(rr->d.aaaa, ps->msg + pos, 16);
		return ST_OK;
	case DNS_T_NS: case DNS_T_CNAME: case DNS_T_PTR: case DNS_T_DNAME:
		if (rr->rdlen == 0)
			return fail(ps, ST_MALFORMED, pos, "empty RDATA, a name is required");
		return rdata_name(ps, pos, end, ptr, &rr->d.target);
	case DNS_T_MX:
		if (rr->rdlen < 3)
			return fail(ps, ST_MALFORMED, pos,
			            "RDLENGTH %u, MX needs a preference and a name (at least 3)",
			            rr->rdlen);
		rr->d.mx.pref = cur_u16(&c);
		return rdata_name(ps, pos + 2, end, ptr, &rr->d.mx.exchange);
	case DNS_T_SRV:
		if (rr->rdlen < 7)
			return fail(ps, ST_MALFORMED, pos, "RDLENGTH %u, SRV needs at least 7",
			            rr->rdlen);
		rr->d.srv.prio = cur_u16(&c);
		rr->d.srv.weight = cur_u16(&c);
		rr->d.srv.port = cur_u16(&c);
		return rdata_name(ps, pos + 6, end, false, &rr->d.srv.target);
	case DNS_T_SOA:
		if (rr->rdlen < 22)
			return fail(ps, ST_MALFORMED, pos,
			            "RDLENGTH %u, SOA needs two names and 20 octets (at least 22)",
			            rr->rdlen);
		st = read_name(ps, pos, end, ptr, &rr->d.soa.mname, &next);
		if (st == ST_OK)
			st = read_name(ps, next, end, ptr, &rr->d.soa.rname, &next);
		if (st != ST_OK)
			return st;
		if (end - next != 20)
			return fail(ps, ST_MALFORMED, next,
			            "%zu octets after the SOA names, must be exactly 20", end - next);
		cur_init(&c, ps->msg + next, 20);
		rr->d.soa.serial = cur_u32(&c);
		rr->d.soa.refresh = cur_u32(&c);
		rr->d.soa.retry = cur_u32(&c);
		rr->d.soa.expire = cur_u32(&c);
		rr->d.soa.minimum = cur_u32(&c);
		return ST_OK;
	case DNS_T_TXT:
		if (rr->rdlen == 0)
			return fail(ps, ST_MALFORMED, pos, "empty TXT RDATA (needs one string)");
		while (cur_avail(&c) > 0) {
			size_t at = pos + c.pos;
			uint8_t sl = cur_u8(&c);

			if (cur_avail(&c) < sl)
				return fail(ps, ST_MALFORMED, at,
				            "TXT string of %u octets runs past RDLENGTH %u", sl,
				            rr->rdlen);
			cur_skip(&c, sl);
		}
		return ST_OK;
	case DNS_T_OPT:
		return ST_OK;     /* handled by the caller (it is not stored as a record) */
	default:
		rr->opaque = true;  /* RFC 3597 */
		return ST_OK;
	}
}

static int parse_opt(struct parser *ps, struct dns_msg *m, const struct dns_rr *rr)
{
	struct cursor c;

	if (ps->section != DNS_SEC_ADDITIONAL)
		return fail(ps, ST_MALFORMED, rr->rdoff, "OPT record outside the additional "
		            "section (RFC 6891 §6.1.1)");
	if (m->has_opt)
		return fail(ps, ST_MALFORMED, rr->rdoff, "second OPT record (RFC 6891 §6.1.1)");
	if (rr->owner.len != 1)
		return fail(ps, ST_MALFORMED, rr->rdoff, "OPT owner is not the root");
	cur_init(&c, ps->msg + rr->rdoff, rr->rdlen);
	while (cur_avail(&c) > 0) {
		size_t at = rr->rdoff + c.pos;
		uint16_t len;

		(void)cur_u16(&c);
		len = cur_u16(&c);
		if (cur_err(&c) != ST_OK)
			return fail(ps, ST_MALFORMED, at, "EDNS option header cut short");
		if (cur_avail(&c) < len)
			return fail(ps, ST_MALFORMED, at,
			            "EDNS option of %u octets runs past RDLENGTH %u", len, rr->rdlen);
		cur_skip(&c, len);
	}
	m->has_opt = true;
	m->edns_udp = rr->rclass;
	m->rcode = (uint16_t)(((rr->ttl >> 24) & 0xFF) << 4) | (m->rcode & 0xF);
	m->edns_version = (uint8_t)((rr->ttl >> 16) & 0xFF);
	m->edns_do = (rr->ttl & 0x8000) != 0;
	m->edns_z = (uint16_t)(rr->ttl & 0x7FFF);
	m->opt_rdoff = rr->rdoff;
	m->opt_rdlen = rr->rdlen;
	return ST_OK;
}

static int grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return ST_OK;
	ncap = *cap ? *cap * 2 : 8;
	p = realloc(*arr, ncap * sz);
	if (!p)
		return ST_NOMEM;
	*arr = p;
	*cap = ncap;
	return ST_OK;
}

static int parse_body(struct parser *ps, struct dns_msg *m)
{
	size_t pos = DNS_HEADER_LEN, capq = 0, caprr = 0;
	static const enum dns_section secs[3] = { DNS_SEC_ANSWER, DNS_SEC_AUTHORITY,
		                                  DNS_SEC_ADDITIONAL };
	const uint16_t counts[3] = { m->ancount, m->nscount, m->arcount };
	size_t *per[3] = { &m->an, &m->ns, &m->ar };
	long i;
	int s, st;

	ps->section = DNS_SEC_QUESTION;
	for (i = 0; i < m->qdcount; i++) {
		struct dns_question q;
		struct cursor c;

		ps->index = i;
		st = read_name(ps, pos, ps->len, true, &q.name, &pos);
		if (st != ST_OK)
			return st;
		cur_init(&c, ps->msg + pos, ps->len - pos);
		q.type = cur_u16(&c);
		q.qclass = cur_u16(&c);
		if (cur_err(&c) != ST_OK)
			return fail(ps, ST_TRUNC, pos, "question type and class cut short");
		pos += 4;
		if (grow((void **)&m->qd, &capq, m->nqd, sizeof(*m->qd)) != ST_OK)
			return ST_NOMEM;
		m->qd[m->nqd++] = q;
	}
	for (s = 0; s < 3; s++) {
		ps->section = secs[s];
		for (i = 0; i < counts[s]; i++) {
			struct dns_rr rr;
			struct cursor c;

			ps->index = i;
			ps->type = 0;
			memset(&rr, 0, sizeof(rr));
			st = read_name(ps, pos, ps->len, true, &rr.owner, &pos);
			if (st != ST_OK)
				return st;
			/* Ten fixed octets before anything is read (musl 12590c8b). */
			if (ps->len - pos < 10)
				return fail(ps, ST_TRUNC, pos,
				            "record header needs 10 octets, %zu left", ps->len - pos);
			cur_init(&c, ps->msg + pos, 10);
			rr.type = cur_u16(&c);
			rr.rclass = cur_u16(&c);
			rr.ttl = cur_u32(&c);
			rr.rdlen = cur_u16(&c);
			ps->type = rr.type;
			pos += 10;
			if (rr.rdlen > ps->len - pos)
				return fail(ps, ST_TRUNC, pos, "RDLENGTH %u exceeds the %zu octets left",
				            rr.rdlen, ps->len - pos);
			rr.rdoff = pos;
			st = parse_rdata(ps, m, &rr);
			if (st != ST_OK)
				return st;
			pos += rr.rdlen;
			if (rr.type == DNS_T_OPT) {
				st = parse_opt(ps, m, &rr);
				if (st != ST_OK)
					return st;
				continue;
			}
			if (grow((void **)&m->rr, &caprr, m->nrr, sizeof(*m->rr)) != ST_OK)
				return ST_NOMEM;
			m->rr[m->nrr++] = rr;
			(*per[s])++;
		}
	}
	m->trailing = ps->len - pos;
	return ST_OK;
}

int dns_msg_parse(const uint8_t *p, size_t n, struct dns_msg **out, struct dns_err *err)
{
	struct parser ps;
	struct dns_msg *m;
	struct cursor c;
	uint16_t flags;
	int st;

	*out = NULL;
	memset(&ps, 0, sizeof(ps));
	ps.err = err;
	ps.section = DNS_SEC_HEADER;
	ps.index = -1;
	if (err) {
		memset(err, 0, sizeof(*err));
		err->index = -1;
	}
	if (n < DNS_HEADER_LEN)
		return fail(&ps, ST_TRUNC, 0, "%zu octets, shorter than the 12-octet header", n);
	if (n > DNS_MAX_MSG)
		return fail(&ps, ST_TOOBIG, DNS_MAX_MSG, "%zu octets, longer than 65535", n);
	m = calloc(1, sizeof(*m));
	if (!m)
		return ST_NOMEM;
	m->wire = malloc(n);
	if (!m->wire) {
		free(m);
		return ST_NOMEM;
	}
	memcpy(m->wire, p, n);
	m->len = n;
	ps.msg = m->wire;
	ps.len = n;
	cur_init(&c, m->wire, n);
	m->id = cur_u16(&c);
	flags = cur_u16(&c);
	m->qdcount = cur_u16(&c);
	m->ancount = cur_u16(&c);
	m->nscount = cur_u16(&c);
	m->arcount = cur_u16(&c);
	m->qr = flags & 0x8000;
	m->opcode = (flags >> 11) & 0xF;
	m->aa = flags & 0x0400;
	m->tc = flags & 0x0200;
	m->rd = flags & 0x0100;
	m->ra = flags & 0x0080;
	m->z = flags & 0x0040;
	m->ad = flags & 0x0020;
	m->cd = flags & 0x0010;
	m->rcode = flags & 0xF;
	st = parse_body(&ps, m);
	if (st != ST_OK) {
		if (st == ST_NOMEM && err) {
			err->st = ST_NOMEM;
			snprintf(err->msg, sizeof(err->msg), "out of memory");
		}
		dns_msg_free(m);
		return st;
	}
	*out = m;
	return ST_OK;
}

void dns_msg_free(struct dns_msg *m)
{
	if (!m)
		return;
	free(m->wire);
	free(m->qd);
	free(m->rr);
	free(m);
}

/* ---- matching ---- */

enum dns_match dns_reply_match(const uint8_t *p, size_t n, uint16_t id,
                               const struct dns_name *qname, uint16_t qtype, uint16_t qclass)
{
	struct parser ps;
	struct dns_name nm;
	struct cursor c;
	size_t pos;
	uint16_t rid, flags, qd;

	if (n < DNS_HEADER_LEN)
		return DNS_MATCH_SHORT;
	cur_init(&c, p, n);
	rid = cur_u16(&c);
	flags = cur_u16(&c);
	qd = cur_u16(&c);
	if (rid != id)
		return DNS_MATCH_ID;
	if (!(flags & 0x8000))
		return DNS_MATCH_NOT_RESPONSE;
	if (((flags >> 11) & 0xF) != 0)
		return DNS_MATCH_OPCODE;
	if (qd == 0 && (flags & 0xF) == DNS_R_FORMERR)
		return DNS_MATCH_FORMERR_NOQ;
	if (qd != 1)
		return DNS_MATCH_QDCOUNT;
	memset(&ps, 0, sizeof(ps));
	ps.msg = p;
	ps.len = n;
	ps.section = DNS_SEC_QUESTION;
	if (read_name(&ps, DNS_HEADER_LEN, n, true, &nm, &pos) != ST_OK || n - pos < 4)
		return DNS_MATCH_QNAME;
	if (!dns_name_eq(&nm, qname))
		return DNS_MATCH_QNAME;
	cur_init(&c, p + pos, 4);
	if (cur_u16(&c) != qtype)
		return DNS_MATCH_QTYPE;
	if (cur_u16(&c) != qclass)
		return DNS_MATCH_QCLASS;
	return DNS_MATCH_OK;
}

const char *dns_match_str(enum dns_match m)
{
	static const char *const names[] = {
		"match", "shorter than a header", "wrong ID", "not a response", "wrong opcode",
		"not exactly one question", "wrong question name", "wrong question type",
		"wrong question class", "FORMERR without a question"
	};

	if ((size_t)m < sizeof(names) / sizeof(names[0]))
		return names[m];
	return "?";
}

/* ---- builder ---- */

int dns_query_build(const struct dns_name *qname, uint16_t qtype, uint16_t qclass,
                    const struct dns_query_opts *o, uint8_t *out, size_t cap, size_t *len)
{
	size_t need = DNS_HEADER_LEN + qname->len + 4 + (o->edns_size ? 11 : 0), p = 0;

	*len = 0;
	if (qname->len == 0)
		return ST_INVAL;
	if (cap < need)
		return ST_TOOBIG;
	out[p++] = (uint8_t)(o->id >> 8);
	out[p++] = (uint8_t)o->id;
	out[p++] = o->rd ? 0x01 : 0x00;   /* QR=0, opcode QUERY, RD */
	out[p++] = 0x00;
	out[p++] = 0;
	out[p++] = 1;                      /* QDCOUNT */
	memset(out + p, 0, 4);             /* ANCOUNT, NSCOUNT */
	p += 4;
	out[p++] = 0;
	out[p++] = o->edns_size ? 1 : 0;   /* ARCOUNT */
	memcpy(out + p, qname->wire, qname->len);
	p += qname->len;
	out[p++] = (uint8_t)(qtype >> 8);
	out[p++] = (uint8_t)qtype;
	out[p++] = (uint8_t)(qclass >> 8);
	out[p++] = (uint8_t)qclass;
	if (o->edns_size) {
		out[p++] = 0;                              /* root owner */
		out[p++] = 0;
		out[p++] = DNS_T_OPT;
		out[p++] = (uint8_t)(o->edns_size >> 8);   /* CLASS = payload size */
		out[p++] = (uint8_t)o->edns_size;
		out[p++] = 0;                              /* extended RCODE */
		out[p++] = 0;                              /* version 0 */
		out[p++] = o->edns_do ? 0x80 : 0;
		out[p++] = 0;
		out[p++] = 0;                              /* RDLENGTH 0 */
		out[p++] = 0;
	}
	*len = p;
	return ST_OK;
}

/* ---- presentation ---- */

struct mnemonic {
	uint16_t v;
	const char *name;
};

static const struct mnemonic types[] = {
	{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 12, "PTR" }, { 13, "HINFO" },
	{ 15, "MX" }, { 16, "TXT" }, { 17, "RP" }, { 18, "AFSDB" }, { 28, "AAAA" },
	{ 29, "LOC" }, { 33, "SRV" }, { 35, "NAPTR" }, { 39, "DNAME" }, { 41, "OPT" },
	{ 43, "DS" }, { 44, "SSHFP" }, { 46, "RRSIG" }, { 47, "NSEC" }, { 48, "DNSKEY" },
	{ 50, "NSEC3" }, { 51, "NSEC3PARAM" }, { 52, "TLSA" }, { 59, "CDS" }, { 60, "CDNSKEY" },
	{ 64, "SVCB" }, { 65, "HTTPS" }, { 99, "SPF" }, { 249, "TKEY" }, { 250, "TSIG" },
	{ 251, "IXFR" }, { 252, "AXFR" }, { 255, "ANY" }, { 256, "URI" }, { 257, "CAA" },
};

static const struct mnemonic rcodes[] = {
	{ 0, "NOERROR" }, { 1, "FORMERR" }, { 2, "SERVFAIL" }, { 3, "NXDOMAIN" },
	{ 4, "NOTIMP" }, { 5, "REFUSED" }, { 6, "YXDOMAIN" }, { 7, "YXRRSET" },
	{ 8, "NXRRSET" }, { 9, "NOTAUTH" }, { 10, "NOTZONE" }, { 16, "BADVERS" },
	{ 23, "BADCOOKIE" },
};

const char *dns_type_str(uint16_t type, char out[DNS_TYPE_STRLEN])
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].v == type)
			return types[i].name;
	snprintf(out, DNS_TYPE_STRLEN, "TYPE%u", type);
	return out;
}

const char *dns_class_str(uint16_t cls, char out[DNS_TYPE_STRLEN])
{
	if (cls == DNS_C_IN)
		return "IN";
	if (cls == DNS_C_CH)
		return "CH";
	if (cls == DNS_C_ANY)
		return "ANY";
	snprintf(out, DNS_TYPE_STRLEN, "CLASS%u", cls);
	return out;
}

const char *dns_rcode_str(uint16_t rcode, char out[DNS_TYPE_STRLEN])
{
	size_t i;

	for (i = 0; i < sizeof(rcodes) / sizeof(rcodes[0]); i++)
		if (rcodes[i].v == rcode)
			return rcodes[i].name;
	snprintf(out, DNS_TYPE_STRLEN, "RCODE%u", rcode);
	return out;
}

bool dns_type_from_text(const char *s, uint16_t *out)
{
	size_t i, n = strlen(s);
	uint64_t v;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (ascii_ieq(s, types[i].name)) {
			*out = types[i].v;
			return true;
		}
	}
	if (n > 4 && ascii_nieq(s, "TYPE", 4) && parse_uint(s + 4, n - 4, 65535, &v)) {
		*out = (uint16_t)v;
		return true;
	}
	if (parse_uint(s, n, 65535, &v)) {
		*out = (uint16_t)v;
		return true;
	}
	return false;
}

/* A TXT-style character-string: quoted, with '"' and '\' escaped and non-printables \DDD. */
static void char_string(struct buf *out, const uint8_t *p, size_t n)
{
	size_t i;

	buf_addc(out, '"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\') {
			buf_addc(out, '\\');
			buf_addc(out, p[i]);
		} else if (p[i] < 0x20 || p[i] > 0x7e) {
			buf_printf(out, "\\%03d", p[i]);
		} else {
			buf_addc(out, p[i]);
		}
	}
	buf_addc(out, '"');
}

static void hex_bytes(struct buf *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_printf(out, "%02X", p[i]);
}

int dns_rdata_to_text(const struct dns_msg *m, const struct dns_rr *rr, struct buf *out)
{
	const uint8_t *rd = m->wire + rr->rdoff;
	char ip[INET6_ADDRSTRLEN];
	size_t i;

	switch (rr->opaque ? 0 : rr->type) {
	case DNS_T_A:
		inet_ntop(AF_INET, rr->d.a, ip, sizeof(ip));
		return buf_adds(out, ip);
	case DNS_T_AAAA:
		inet_ntop(AF_INET6, rr->d.aaaa, ip, sizeof(ip));
		return buf_adds(out, ip);
	case DNS_T_NS: case DNS_T_CNAME: case DNS_T_PTR: case DNS_T_DNAME:
		return dns_name_to_text(&rr->d.target, out);
	case DNS_T_MX:
		buf_printf(out, "%u ", rr->d.mx.pref);
		return dns_name_to_text(&rr->d.mx.exchange, out);
	case DNS_T_SRV:
		buf_printf(out, "%u %u %u ", rr->d.srv.prio, rr->d.srv.weight, rr->d.srv.port);
		return dns_name_to_text(&rr->d.srv.target, out);
	case DNS_T_SOA:
		dns_name_to_text(&rr->d.soa.mname, out);
		buf_addc(out, ' ');
		dns_name_to_text(&rr->d.soa.rname, out);
		return buf_printf(out, " %u %u %u %u %u", rr->d.soa.serial, rr->d.soa.refresh,
		                  rr->d.soa.retry, rr->d.soa.expire, rr->d.soa.minimum);
	case DNS_T_TXT:
		for (i = 0; i < rr->rdlen;) {
			size_t sl = rd[i];

			if (i > 0)
				buf_addc(out, ' ');
			char_string(out, rd + i + 1, sl);
			i += 1 + sl;
		}
		return out->err;
	default:
		/* RFC 3597 §5 generic form. */
		buf_printf(out, "\\# %u", rr->rdlen);
		if (rr->rdlen) {
			buf_addc(out, ' ');
			hex_bytes(out, rd, rr->rdlen);
		}
		return out->err;
	}
}

int dns_rr_to_text(const struct dns_msg *m, const struct dns_rr *rr, struct buf *out)
{
	char tb[DNS_TYPE_STRLEN], cb[DNS_TYPE_STRLEN];

	dns_name_to_text(&rr->owner, out);
	buf_printf(out, "\t%u\t%s\t%s\t", rr->ttl, dns_class_str(rr->rclass, cb),
	           dns_type_str(rr->type, tb));
	return dns_rdata_to_text(m, rr, out);
}

static void section_text(const struct dns_msg *m, struct buf *out, const char *title,
                         size_t from, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	buf_printf(out, "\n;; %s SECTION:\n", title);
	for (i = from; i < from + n; i++) {
		dns_rr_to_text(m, &m->rr[i], out);
		buf_addc(out, '\n');
	}
}

int dns_msg_to_text(const struct dns_msg *m, struct buf *out)
{
	char rb[DNS_TYPE_STRLEN], tb[DNS_TYPE_STRLEN], cb[DNS_TYPE_STRLEN];
	static const char *const opcodes[] = { "QUERY", "IQUERY", "STATUS", "OPCODE3", "NOTIFY",
		                               "UPDATE" };
	size_t i;

	buf_printf(out, ";; ->>HEADER<<- opcode: ");
	if (m->opcode < sizeof(opcodes) / sizeof(opcodes[0]))
		buf_adds(out, opcodes[m->opcode]);
	else
		buf_printf(out, "OPCODE%u", m->opcode);
	buf_printf(out, ", status: %s, id: %u\n;; flags:", dns_rcode_str(m->rcode, rb), m->id);
	if (m->qr) buf_adds(out, " qr");
	if (m->aa) buf_adds(out, " aa");
	if (m->tc) buf_adds(out, " tc");
	if (m->rd) buf_adds(out, " rd");
	if (m->ra) buf_adds(out, " ra");
	if (m->z) buf_adds(out, " z");
	if (m->ad) buf_adds(out, " ad");
	if (m->cd) buf_adds(out, " cd");
	buf_printf(out, "; QUERY: %u, ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u\n", m->qdcount,
	           m->ancount, m->nscount, m->arcount);
	if (m->has_opt) {
		buf_printf(out, "\n;; OPT PSEUDOSECTION:\n; EDNS: version: %u, flags:%s; udp: %u\n",
		           m->edns_version, m->edns_do ? " do" : "", m->edns_udp);
		if (m->opt_rdlen) {
			buf_adds(out, "; OPTIONS: ");
			hex_bytes(out, m->wire + m->opt_rdoff, m->opt_rdlen);
			buf_addc(out, '\n');
		}
	}
	if (m->nqd > 0) {
		buf_adds(out, "\n;; QUESTION SECTION:\n");
		for (i = 0; i < m->nqd; i++) {
			buf_addc(out, ';');
			dns_name_to_text(&m->qd[i].name, out);
			buf_printf(out, "\t\t%s\t%s\n", dns_class_str(m->qd[i].qclass, cb),
			           dns_type_str(m->qd[i].type, tb));
		}
	}
	section_text(m, out, "ANSWER", 0, m->an);
	section_text(m, out, "AUTHORITY", m->an, m->ns);
	section_text(m, out, "ADDITIONAL", m->an + m->ns, m->ar);
	if (m->trailing)
		buf_printf(out, "\n;; WARNING: %zu octets after the last record, ignored\n",
		           m->trailing);
	return out->err;
}

static void rr_json(const struct dns_msg *m, const struct dns_rr *rr, struct json *j)
{
	char tb[DNS_TYPE_STRLEN], cb[DNS_TYPE_STRLEN], key[DNS_TYPE_STRLEN + 8];
	struct buf b;

	buf_init(&b, 1u << 18);
	json_obj_begin(j);
	dns_name_to_text(&rr->owner, &b);
	json_kstr(j, "NAME", buf_str(&b));
	json_kint(j, "TYPE", rr->type);
	json_kstr(j, "TYPEname", dns_type_str(rr->type, tb));
	json_kint(j, "CLASS", rr->rclass);
	json_kstr(j, "CLASSname", dns_class_str(rr->rclass, cb));
	json_kint(j, "TTL", rr->ttl);
	json_kint(j, "RDLENGTH", rr->rdlen);
	buf_clear(&b);
	dns_rdata_to_text(m, rr, &b);
	snprintf(key, sizeof(key), "rdata%s", dns_type_str(rr->type, tb));
	json_kstr(j, key, buf_str(&b));
	json_obj_end(j);
	buf_reset(&b);
}

void dns_msg_to_json(const struct dns_msg *m, struct json *j)
{
	char rb[DNS_TYPE_STRLEN], tb[DNS_TYPE_STRLEN];
	static const char *const keys[3] = { "answerRRs", "authorityRRs", "additionalRRs" };
	size_t from[3] = { 0, m->an, m->an + m->ns }, cnt[3] = { m->an, m->ns, m->ar }, i, s;
	struct buf b;

	buf_init(&b, DNS_MAX_NAME_TEXT);
	json_obj_begin(j);
	json_kint(j, "ID", m->id);
	json_kint(j, "QR", m->qr);
	json_kint(j, "Opcode", m->opcode);
	json_kint(j, "AA", m->aa);
	json_kint(j, "TC", m->tc);
	json_kint(j, "RD", m->rd);
	json_kint(j, "RA", m->ra);
	json_kint(j, "AD", m->ad);
	json_kint(j, "CD", m->cd);
	json_kint(j, "RCODE", m->rcode);
	json_kstr(j, "RCODEname", dns_rcode_str(m->rcode, rb));
	json_kint(j, "QDCOUNT", m->qdcount);
	json_kint(j, "ANCOUNT", m->ancount);
	json_kint(j, "NSCOUNT", m->nscount);
	json_kint(j, "ARCOUNT", m->arcount);
	if (m->has_opt) {
		json_key(j, "EDNS");
		json_obj_begin(j);
		json_kint(j, "version", m->edns_version);
		json_kint(j, "udpSize", m->edns_udp);
		json_kbool(j, "DO", m->edns_do);
		json_obj_end(j);
	}
	json_key(j, "questionRRs");
	json_arr_begin(j);
	for (i = 0; i < m->nqd; i++) {
		buf_clear(&b);
		dns_name_to_text(&m->qd[i].name, &b);
		json_obj_begin(j);
		json_kstr(j, "NAME", buf_str(&b));
		json_kint(j, "TYPE", m->qd[i].type);
		json_kstr(j, "TYPEname", dns_type_str(m->qd[i].type, tb));
		json_kint(j, "CLASS", m->qd[i].qclass);
		json_obj_end(j);
	}
	json_arr_end(j);
	for (s = 0; s < 3; s++) {
		json_key(j, keys[s]);
		json_arr_begin(j);
		for (i = from[s]; i < from[s] + cnt[s]; i++)
			rr_json(m, &m->rr[i], j);
		json_arr_end(j);
	}
	if (m->trailing)
		json_kint(j, "trailingOctets", (int64_t)m->trailing);
	json_obj_end(j);
	buf_reset(&b);
}

/* ---- hex dumps ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool dns_looks_hex(const uint8_t *p, size_t n)
{
	size_t i, digits = 0;
	bool comment = false;

	for (i = 0; i < n; i++) {
		if (comment) {
			comment = p[i] != '\n';
			continue;
		}
		if (p[i] == ';' || p[i] == '#') {
			comment = true;
		} else if (hexval(p[i]) >= 0) {
			digits++;
		} else if (p[i] == 'x' && i > 0 && p[i - 1] == '0') {
			digits--;       /* "0x" prefix */
		} else if (!is_ws(p[i])) {
			return false;
		}
	}
	return digits >= 2 * DNS_HEADER_LEN;
}

int dns_hex_decode(const uint8_t *p, size_t n, struct buf *out, const char **why)
{
	size_t i;
	int hi = -1;

	for (i = 0; i < n; i++) {
		int v;

		if (p[i] == ';' || p[i] == '#') {
			while (i < n && p[i] != '\n')
				i++;
			continue;
		}
		if (is_ws(p[i]))
			continue;
		if (p[i] == '0' && hi < 0 && i + 1 < n && (p[i + 1] == 'x' || p[i + 1] == 'X')) {
			i++;
			continue;
		}
		v = hexval(p[i]);
		if (v < 0) {
			*why = "a character that is not a hex digit";
			return ST_MALFORMED;
		}
		if (hi < 0) {
			hi = v;
		} else {
			if (buf_addc(out, hi << 4 | v) != ST_OK)
				return out->err;
			hi = -1;
		}
	}
	if (hi >= 0) {
		*why = "an odd number of hex digits";
		return ST_MALFORMED;
	}
	return ST_OK;
}
