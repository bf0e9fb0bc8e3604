/* Referral extraction from WHOIS answers: one finder per registry marker, every value
 * validated as untrusted input before anyone may connect to it. */
#include <string.h>

#include "buf.h"
#include "hostport.h"
#include "span.h"
#include "status.h"
#include "text.h"
#include "whois_doc.h"
#include "whois_parse.h"

#define RWHOIS_PORT 4321
#define WHOIS_PORT 43

static const char *const rkind_names[WR__COUNT] = {
	"iana-refer", "iana-whois", "arin-referralserver", "arin-resourcelink", "apnic-stub",
	"not-managed", "afrinic-please-query", "lacnic-resource", "registrar-whois-server",
	"whois-server", "rwhois-referral", "nir",
};

const char *whois_rkind_name(enum whois_rkind k)
{
	return (unsigned)k < WR__COUNT ? rkind_names[k] : "unknown";
}

/* Copy a peer value for display: sanitised and cut to fit. */
static void copy_raw(char *dst, size_t cap, const char *s, size_t n)
{
	struct buf b;

	buf_init(&b, cap * 8);
	if (text_sanitize(&b, s, n, false) == ST_OK && b.len) {
		size_t k = b.len < cap - 1 ? b.len : cap - 1;

		/* do not cut inside a UTF-8 sequence */
		while (k > 0 && k < b.len && (b.data[k] & 0xC0) == 0x80)
			k--;
		memcpy(dst, b.data, k);
		dst[k] = 0;
	} else {
		dst[0] = 0;
	}
	buf_reset(&b);
}

static void reject(struct whois_ref *r, const char *why)
{
	size_t n = strlen(why);

	if (n >= sizeof(r->reject))
		n = sizeof(r->reject) - 1;
	memcpy(r->reject, why, n);
	r->reject[n] = 0;
	r->host[0] = 0;
}

bool whois_ref_target(const char *val, size_t n, int default_port, bool allow_web,
                      struct whois_ref *r)
{
	struct span s = span_trim((struct span){ val, n });
	struct hostport hp;
	char tmp[HOSTPORT_MAX_HOST + 8];
	const char *why = NULL, *sch;
	size_t i, k;
	bool rw = false;

	copy_raw(r->raw, sizeof(r->raw), s.p, s.n);
	r->reject[0] = 0;
	r->host[0] = 0;
	r->port = 0;
	r->rwhois = false;
	/* the first word only: "whois.x.net  (see ...)" */
	for (i = 0; i < s.n; i++)
		if (s.p[i] == ' ' || s.p[i] == '\t')
			break;
	s.n = i;
	if (s.n == 0) {
		reject(r, "empty value");
		return false;
	}
	if (span_istarts(s, "whois://")) {
		s.p += 8;
		s.n -= 8;
		default_port = WHOIS_PORT;
	} else if (span_istarts(s, "rwhois://")) {
		s.p += 9;
		s.n -= 9;
		rw = true;
		default_port = RWHOIS_PORT;
	} else if (span_istarts(s, "http://") || span_istarts(s, "https://")) {
		if (!allow_web) {
			reject(r, "a web address, not a WHOIS server");
			return false;
		}
		k = s.p[4] == ':' ? 7 : 8;
		s.p += k;
		s.n -= k;
		default_port = WHOIS_PORT;  /* the web port says nothing about port 43 */
		/* drop a web port: "https://whois.x.com:8443/" names the host only */
		for (i = 0; i < s.n && s.p[i] != '/'; i++)
			if (s.p[i] == ':')
				break;
		if (i < s.n && s.p[i] == ':')
			s.n = i;
	} else {
		sch = NULL;
		for (i = 0; i + 2 < s.n; i++)
			if (s.p[i] == ':' && s.p[i + 1] == '/' && s.p[i + 2] == '/')
				sch = s.p + i;
		if (sch) {
			reject(r, "unknown URL scheme");
			return false;
		}
	}
	/* a path or a trailing slash: "rwhois://h:4321/auth-area=.", "whois.x.com/" */
	for (i = 0; i < s.n; i++)
		if (s.p[i] == '/')
			break;
	s.n = i;
	while (s.n && s.p[s.n - 1] == '.')
		s.n--;
	if (s.n == 0) {
		reject(r, "no host name");
		return false;
	}
	if (s.n >= sizeof(tmp)) {
		reject(r, "host name too long");
		return false;
	}
	for (i = 0; i < s.n; i++) {
		if ((unsigned char)s.p[i] < 0x21 || (unsigned char)s.p[i] >= 0x7F) {
			reject(r, "bad character in host name");
			return false;
		}
	}
	memcpy(tmp, s.p, s.n);
	tmp[s.n] = 0;
	if (hostport_parse(tmp, default_port, &hp, &why) != ST_OK) {
		reject(r, why ? why : "not a host name");
		return false;
	}
	if (!hp.is_ip && !strchr(hp.host, '.')) {
		reject(r, "not a fully qualified host name");
		return false;
	}
	for (i = 0; hp.host[i]; i++)
		r->host[i] = (char)ascii_lower((unsigned char)hp.host[i]);
	r->host[i] = 0;
	r->port = hp.port;
	/* ARIN points rwhois:// at plain port-43 servers too (rwhois://whois.data102.com:43) */
	r->rwhois = rw && hp.port != WHOIS_PORT;
	return true;
}

/* Add a referral unless the same target is already listed. Returns the entry or NULL. */
static struct whois_ref *add_ref(struct whois_answer *a, enum whois_rkind kind,
                                 const struct whois_ref *r, unsigned long line)
{
	size_t i;
	struct whois_ref *e;

	if (r->host[0]) {
		for (i = 0; i < a->nrefs; i++)
			if (strcmp(a->refs[i].host, r->host) == 0 && a->refs[i].port == r->port &&
			    a->refs[i].rwhois == r->rwhois)
				return NULL;
	}
	if (a->nrefs >= WHOIS_MAX_REFS)
		return NULL;
	e = &a->refs[a->nrefs++];
	*e = *r;
	e->kind = kind;
	e->line = line;
	if (!e->reject[0] && e->host[0] && a->server[0] && strcmp(e->host, a->server) == 0)
		reject(e, "self-referral");
	return e;
}

static void ref_value(struct whois_answer *a, enum whois_rkind kind, struct span v,
                      unsigned long line, int default_port, bool allow_web)
{
	struct whois_ref r;

	memset(&r, 0, sizeof(r));
	whois_ref_target(v.p, v.n, default_port, allow_web, &r);
	add_ref(a, kind, &r, line);
}

static const struct {
	const char *region;
	const char *rir;
	const char *host;
} rir_servers[] = {
	{ "RIPE", "ripe", "whois.ripe.net" },
	{ "ARIN", "arin", "whois.arin.net" },
	{ "LACNIC", "lacnic", "whois.lacnic.net" },
	{ "AFRINIC", "afrinic", "whois.afrinic.net" },
	{ "APNIC", "apnic", "whois.apnic.net" },
};

static bool is_rir_name(const char *rir)
{
	size_t i;

	for (i = 0; i < sizeof(rir_servers) / sizeof(rir_servers[0]); i++)
		if (strcmp(rir_servers[i].rir, rir) == 0)
			return true;
	return false;
}

static void find_iana(const struct wdoc *d, struct whois_answer *a)
{
	size_t i;
	bool refer = false, whois = false;

	for (i = 0; i < d->nlines; i++) {
		const struct wdoc_line *l = &d->lines[i];

		if (l->type != WL_ATTR || l->cont)
			continue;
		if (l->fid == WF_REFER && !refer && l->val.n) {
			ref_value(a, WR_IANA_REFER, l->val, l->no, WHOIS_PORT, false);
			refer = true;
		} else if (l->fid == WF_IANA_WHOIS && !whois && l->val.n) {
			ref_value(a, WR_IANA_WHOIS, l->val, l->no, WHOIS_PORT, false);
			whois = true;
		}
	}
}

static void find_arin(const struct wdoc *d, struct whois_answer *a)
{
	long last_ref = -1, last_link = -1;
	size_t i;

	for (i = 0; i < d->nlines; i++) {
		const struct wdoc_line *l = &d->lines[i];

		if (l->type != WL_ATTR || l->cont || !l->val.n)
			continue;
		if (l->fid == WF_REFERRAL)
			last_ref = (long)i;
		/* ResourceLink comes as a web URL and as a bare host; only the host is one */
		if (l->fid == WF_RESOURCE_LINK && !span_istarts(l->val, "http://") &&
		    !span_istarts(l->val, "https://"))
			last_link = (long)i;
	}
	/* ARIN lists networks least specific first: the last referral is the most specific */
	if (last_ref >= 0)
		ref_value(a, WR_ARIN_REFERRAL, d->lines[last_ref].val, d->lines[last_ref].no,
		          WHOIS_PORT, false);
	if (last_link >= 0)
		ref_value(a, WR_ARIN_RESOURCE, d->lines[last_link].val, d->lines[last_link].no,
		          WHOIS_PORT, false);
}

/* APNIC stub for space transferred to another region. */
static void find_apnic_stub(const struct wdoc *d, struct whois_answer *a)
{
	size_t o, i, k;

	for (o = 0; o < d->nobjs; o++) {
		long descr_line = -1;
		size_t which = 0;
		bool stub = false;

		for (i = d->objs[o].first; i <= d->objs[o].last; i++) {
			const struct wdoc_line *l = &d->lines[i];
			long at;

			if (l->type != WL_ATTR)
				continue;
			if (l->fid == WF_MNT_BY && span_ieq(l->val, "APNIC-STUB"))
				stub = true;
			if (l->fid != WF_DESCR || descr_line >= 0)
				continue;
			at = span_ifind(l->val, "Transferred to the ");
			if (at < 0)
				continue;
			for (k = 0; k < sizeof(rir_servers) / sizeof(rir_servers[0]); k++) {
				struct span rest = { l->val.p + at + 19, l->val.n - (size_t)at - 19 };

				if (span_istarts(rest, rir_servers[k].region) &&
				    rest.n > strlen(rir_servers[k].region) &&
				    rest.p[strlen(rir_servers[k].region)] == ' ') {
					descr_line = (long)i;
					which = k;
					break;
				}
			}
		}
		if (stub && descr_line >= 0) {
			struct whois_ref r;
			struct whois_ref *e;
			const struct wdoc_line *l = &d->lines[descr_line];

			memset(&r, 0, sizeof(r));
			whois_ref_target(rir_servers[which].host, strlen(rir_servers[which].host),
			                 WHOIS_PORT, false, &r);
			copy_raw(r.raw, sizeof(r.raw), l->val.p, l->val.n);
			e = add_ref(a, WR_APNIC_STUB, &r, l->no);
			if (e)
				strcpy(e->rir, rir_servers[which].rir);
			return;     /* only the first stub object counts */
		}
	}
}

/* "descr: ... region. Please query whois.arin.net" (AFRINIC), in any descr or remarks. */
static void find_please_query(const struct wdoc *d, struct whois_answer *a)
{
	size_t i;

	for (i = 0; i < d->nlines; i++) {
		const struct wdoc_line *l = &d->lines[i];
		struct span s = l->type == WL_ATTR ? l->val : l->text;
		long at;

		if (!(l->type == WL_ATTR && (l->fid == WF_DESCR || l->fid == WF_REMARKS)) &&
		    l->type != WL_COMMENT)
			continue;
		at = span_ifind(s, "Please query ");
		if (at < 0)
			continue;
		s.p += at + 13;
		s.n -= (size_t)at + 13;
		s = span_trim(s);
		if (span_istarts(s, "the "))
			continue;   /* "Please query the RIPE Database at: URL": not a host */
		{
			struct whois_ref r;

			memset(&r, 0, sizeof(r));
			if (!whois_ref_target(s.p, s.n, WHOIS_PORT, false, &r))
				continue;   /* prose, not a host name */
			add_ref(a, WR_AFRINIC_QUERY, &r, l->no);
			return;
		}
	}
}

/* "% LACNIC resource: whois.lacnic.net" names the registry that holds the resource. */
static void find_lacnic(const struct wdoc *d, struct whois_answer *a, bool have_network)
{
	size_t i;

	for (i = 0; i < d->nlines; i++) {
		const struct wdoc_line *l = &d->lines[i];
		struct span s = span_trim(l->text);
		long at;

		if (l->type != WL_COMMENT)
			continue;
		at = span_ifind(s, " resource:");
		if (at < 0 || at > 40)
			continue;
		s.p += at + 10;
		s.n -= (size_t)at + 10;
		s = span_trim(s);
		if (span_ieq(s, "whois.lacnic.net"))
			continue;
		ref_value(a, WR_LACNIC_RESOURCE, s, l->no, WHOIS_PORT, false);
	}
	/* LACNIC answering for Brazilian space without the data: point at registro.br */
	if (!have_network && a->nrefs == 0 &&
	    (!d->server[0] || strcmp(d->server, "whois.lacnic.net") == 0)) {
		for (i = 0; i < d->nlines; i++) {
			const struct wdoc_line *l = &d->lines[i];
			long at = span_ifind(l->text, "whois.registro.br");

			if (at >= 0) {
				ref_value(a, WR_LACNIC_RESOURCE, (struct span){ "whois.registro.br", 17 },
				          l->no, WHOIS_PORT, false);
				return;
			}
		}
	}
}

/* Registry -> registrar: after the first "Domain Name:", the first "Registrar WHOIS Server:"
 * (or old "Whois Server:") before another "Domain Name:". "Server Name:" records (name server
 * objects that a broad Verisign search lists first) are skipped; an answer with only those
 * has no referral (Debian whois, find_referral_server_verisign). */
static void find_registrar(const struct wdoc *d, struct whois_answer *a)
{
	size_t i;
	bool seen_domain = false, any_domain = false;

	for (i = 0; i < d->nlines && !any_domain; i++)
		any_domain = d->lines[i].type == WL_ATTR && d->lines[i].fid == WF_DOMAIN;
	for (i = 0; i < d->nlines; i++) {
		const struct wdoc_line *l = &d->lines[i];

		if (!any_domain && l->type == WL_ATTR && strcmp(l->key, "server name") == 0)
			return;
		if (l->type != WL_ATTR || l->cont || wdoc_host_record(d, i))
			continue;
		if (l->fid == WF_DOMAIN) {
			if (seen_domain)
				return;
			seen_domain = true;
			continue;
		}
		if (l->fid == WF_REG_WHOIS && l->val.n) {
			ref_value(a, strcmp(l->key, "whois server") == 0 ? WR_WHOIS_SERVER :
			             WR_REGISTRAR, l->val, l->no, WHOIS_PORT, true);
			return;
		}
	}
}

static void find_rwhois(const struct wdoc *d, struct whois_answer *a)
{
	size_t i;

	for (i = 0; i < d->nlines; i++) {
		const struct wdoc_line *l = &d->lines[i];
		struct span s = span_trim(l->text);

		if (l->type == WL_COMMENT && span_istarts(s, "%referral ")) {
			s.p += 10;
			s.n -= 10;
			ref_value(a, WR_RWHOIS, s, l->no, RWHOIS_PORT, false);
		}
	}
}

/* NIR mirrors in APNIC answers: remarks naming an NIR's WHOIS server. */
static void find_nir_remarks(const struct wdoc *d, struct whois_answer *a)
{
	size_t i, pos;

	for (i = 0; i < d->nlines; i++) {
		const struct wdoc_line *l = &d->lines[i];
		struct span s = l->val;

		if (l->type != WL_ATTR || l->fid != WF_REMARKS)
			continue;
		for (pos = 0; pos < s.n; pos++) {
			struct span w;
			const struct wtab_server *srv;
			char host[HOSTPORT_MAX_HOST];
			size_t e = pos;

			if (pos > 0 && s.p[pos - 1] != ' ' && s.p[pos - 1] != '\t')
				continue;
			if (!span_istarts((struct span){ s.p + pos, s.n - pos }, "whois."))
				continue;
			while (e < s.n && s.p[e] != ' ' && s.p[e] != '\t' && s.p[e] != ',' &&
			       s.p[e] != ')')
				e++;
			w.p = s.p + pos;
			w.n = e - pos;
			while (w.n && w.p[w.n - 1] == '.')
				w.n--;
			if (!span_copy(w, host, sizeof(host)))
				continue;
			srv = wtab_server(d->tab, host);
			if (srv && strcmp(srv->pattern, host) == 0 && srv->rir[0] &&
			    !is_rir_name(srv->rir)) {
				struct whois_ref r, *ref;

				memset(&r, 0, sizeof(r));
				if (whois_ref_target(w.p, w.n, srv->port, false, &r)) {
					ref = add_ref(a, WR_NIR, &r, l->no);
					if (ref)
						strcpy(ref->rir, srv->rir);
				}
			}
			pos = e;
		}
	}
}

/* Is the network object o a "not managed here" placeholder block? */
static bool not_managed_obj(const struct wdoc *d, long o)
{
	long i;
	size_t k;

	if (o < 0)
		return false;
	i = wdoc_obj_find(d, (size_t)o, WF_NETNAME);
	if (i >= 0) {
		struct span v = d->lines[i].val;

		if (span_ieq(v, "NON-RIPE-NCC-MANAGED-ADDRESS-BLOCK") || span_ieq(v, "ERX-NETBLOCK") ||
		    span_ieq(v, "IANA-BLK") || span_istarts(v, "IANA-NETBLOCK-"))
			return true;
	}
	for (k = d->objs[o].first; k <= d->objs[o].last; k++) {
		const struct wdoc_line *l = &d->lines[k];

		if (l->type == WL_ATTR && l->fid == WF_DESCR &&
		    (span_ifind(l->val, "not managed by the RIPE NCC") >= 0 ||
		     span_ifind(l->val, "not allocated to APNIC") >= 0 ||
		     span_ifind(l->val, "not administered by APNIC") >= 0))
			return true;
	}
	return false;
}

void whois_refer_doc(const struct wdoc *d, long net_obj, struct whois_answer *a)
{
	const struct wtab_server *srv = d->server[0] ? wtab_server(d->tab, d->server) : NULL;

	switch (d->fmt) {
	case WFMT_IANA:
		find_iana(d, a);
		return;
	case WFMT_ARIN:
		find_arin(d, a);
		break;
	case WFMT_RPSL:
		find_apnic_stub(d, a);
		find_nir_remarks(d, a);
		find_please_query(d, a);
		if (not_managed_obj(d, net_obj)) {
			struct whois_ref r, *e;

			memset(&r, 0, sizeof(r));
			e = add_ref(a, WR_NOT_MANAGED, &r, d->lines[d->objs[net_obj].first].no);
			if (e && srv && srv->rir[0])
				strcpy(e->rir, srv->rir);
			a->transferred = true;
		}
		break;
	case WFMT_LACNIC:
		find_lacnic(d, a, net_obj >= 0);
		break;
	default:
		break;
	}
	find_registrar(d, a);
	find_rwhois(d, a);
}

int whois_refer_extract(const struct wtab *t, const char *server, enum whois_fmt fmt,
                        const void *raw, size_t n, struct whois_ref *refs, size_t max,
                        size_t *nrefs)
{
	struct whois_answer *a = whois_answer_new();
	size_t i;
	int st;

	*nrefs = 0;
	if (!a)
		return ST_NOMEM;
	st = whois_parse(t, server, fmt, raw, n, a);
	for (i = 0; !st && i < a->nrefs && i < max; i++)
		refs[(*nrefs)++] = a->refs[i];
	whois_answer_free(a);
	return st;
}

const struct whois_ref *whois_answer_referral(const struct whois_answer *a)
{
	size_t i;

	for (i = 0; i < a->nrefs; i++)
		if (!a->refs[i].reject[0] && a->refs[i].host[0])
			return &a->refs[i];
	return NULL;
}
