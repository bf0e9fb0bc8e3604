/* What a trace concludes and how it is shown: verdicts, recipients, text, JSON, report drafts. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "freemail.h"
#include "sha256.h"
#include "status.h"
#include "text.h"
#include "trace.h"
#include "trace_priv.h"

/* ---- reading WHOIS results ---- */

static const struct whois_answer *final_answer(const struct whois_result *w)
{
	if (!w || w->final_hop < 0 || (size_t)w->final_hop >= w->nhops)
		return NULL;
	return w->hops[w->final_hop].answer;
}

static const char *val(const struct whois_val *v)
{
	return v && v->v[0] ? v->v : NULL;
}

static const char *abuse_email(const struct whois_result *w)
{
	if (!w || !w->abuse || !w->abuse->email.v[0] || w->abuse->not_email)
		return NULL;
	return w->abuse->email.v;
}

static const char *abuse_server(const struct whois_result *w)
{
	if (!w || w->abuse_hop < 0 || (size_t)w->abuse_hop >= w->nhops)
		return NULL;
	return w->hops[w->abuse_hop].server;
}

static const char *conf_name(enum whois_conf c)
{
	return c == WCONF_HIGH ? "high" : c == WCONF_MEDIUM ? "medium" : "low";
}

static const char *ip_block(const struct tip *ip)
{
	const struct whois_answer *a = final_answer(ip->w);

	if (!a)
		return NULL;
	return val(&a->cidr) ? val(&a->cidr) : val(&a->range);
}

static const char *ip_holder(const struct tip *ip)
{
	const struct whois_answer *a = final_answer(ip->w);

	if (!a)
		return NULL;
	return val(&a->org) ? val(&a->org) : val(&a->netname);
}

static const char *reg_registrar(const struct treg *g)
{
	const struct whois_answer *a = final_answer(g ? g->w : NULL);

	return a ? val(&a->registrar) : NULL;
}

static bool whois_temporary(const struct whois_result *w)
{
	return w && (w->outcome == WO_TEMP_FAIL || w->outcome == WO_RATE_LIMITED);
}

/* ---- verdicts ---- */

static void missing(struct tcase *c, bool temporary, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void missing(struct tcase *c, bool temporary, const char *fmt, ...)
{
	va_list ap;

	if (temporary)
		c->temporary = true;
	if (c->nmissing >= sizeof(c->missing) / sizeof(c->missing[0]))
		return;
	va_start(ap, fmt);
	vsnprintf(c->missing[c->nmissing++], sizeof(c->missing[0]), fmt, ap);
	va_end(ap);
}

static void ip_missing(struct tcase *c, const struct tip *ip)
{
	const struct whois_result *w = ip->w;
	char later[640] = "";

	if (ip->has_snap && ip->snap.why == SNAP_WHY_SPECIAL)
		return;                         /* a fact, reported with the address */
	if (ip->has_snap && ip->snap.whois && ip->snap.whois[0])
		snprintf(later, sizeof(later), "; snapshot: %s%s%s, ask %s later%s%s",
		         ip->snap.has_rir ? ip->snap.rir.registry.name : "registry",
		         ip->snap.has_rir && ip->snap.rir.cc[0] ? " " : "",
		         ip->snap.has_rir ? ip->snap.rir.cc : "", ip->snap.whois,
		         ip->snap.rdap[0] ? " or RDAP " : "", ip->snap.rdap);
	if (ip->skipped) {
		missing(c, true, "network holder of %s: %s%s", ip->text, ip->skip_why, later);
		return;
	}
	if (!w) {
		missing(c, true, "network holder of %s: lookup did not finish%s", ip->text, later);
		return;
	}
	if (w->outcome != WO_FOUND) {
		missing(c, whois_temporary(w), "network holder of %s: %s%s", ip->text,
		        whois_outcome_name(w->outcome), later);
		return;
	}
	if (!abuse_email(w))
		missing(c, false, "abuse contact for %s: none published by %s", ip->text,
		        ip_holder(ip) ? ip_holder(ip) : "the network holder");
}

static void reg_missing(struct tcase *c, const struct treg *g, const char *what)
{
	const struct whois_result *w = g->w;
	const char *rdap = w && w->rdap[0] ? w->rdap : g->sd.has_tld ? g->sd.tld.rdap : "";

	if (g->skipped) {
		missing(c, true, "registrar of %s (%s): %s%s%s", g->name, what, g->skip_why,
		        rdap[0] ? "; RDAP: " : "", rdap);
		return;
	}
	if (!w) {
		missing(c, true, "registrar of %s (%s): lookup did not finish", g->name, what);
		return;
	}
	switch (w->outcome) {
	case WO_FOUND:
		if (!abuse_email(w))
			missing(c, false, "registrar abuse contact for %s (%s): not in the answer",
			        g->name, what);
		return;
	case WO_NOT_SERVED:
		missing(c, false, "registrar of %s (%s): the registry serves RDAP only%s%s", g->name,
		        what, rdap[0] ? ": " : "", rdap);
		return;
	case WO_NO_MATCH:
		missing(c, false, "registrar of %s (%s): the registry has no such domain", g->name,
		        what);
		return;
	default:
		missing(c, whois_temporary(w), "registrar of %s (%s): %s%s%s", g->name, what,
		        whois_outcome_name(w->outcome), rdap[0] ? "; RDAP: " : "", rdap);
	}
}

static bool reg_seen(struct treg *const *seen, size_t n, const struct treg *g)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (seen[i] == g)
			return true;
	return false;
}

static void verdict(struct trace *t, struct tcase *c)
{
	struct tdom *d = c->dom;
	struct treg *seen[64];
	size_t h, a, nseen = 0, usable = 0, hosted = 0;

	if (!d || d->bad) {
		c->verdict = TV_BAD_INPUT;
		return;
	}
	if (d->freemail) {
		c->verdict = TV_PROVIDER;
		return;
	}
	if (!t->conf.dns) {
		c->verdict = TV_SNAPSHOT_ONLY;
		if (d->reg)
			reg_missing(c, d->reg, "reply domain");
		return;
	}
	if (!d->mx || d->nomem) {
		c->verdict = TV_TEMPFAIL;
		return;
	}
	switch (d->mx->status) {
	case MX_NXDOMAIN:
	case MX_NULL:
	case MX_NO_MAIL:
		c->verdict = TV_OFFLINE;
		return;
	case MX_TEMPFAIL:
		c->verdict = TV_TEMPFAIL;
		return;
	case MX_ALL_DEAD:
		c->verdict = TV_DEAD;
		return;
	case MX_FOUND:
	case MX_IMPLICIT:
		break;
	}
	for (h = 0; h < d->nhosts; h++) {
		const struct mx_host *mh = &d->mx->hosts[h];
		struct thost *th = &d->hosts[h];

		if (mh->naddrs == 0) {
			if (mh->tempfail)
				missing(c, true, "addresses of %s: DNS failed, retry later", mh->name);
			continue;
		}
		usable++;
		if (th->provider) {
			hosted++;
			continue;
		}
		for (a = 0; a < th->nips; a++)
			ip_missing(c, th->ips[a]);
		if (th->reg && !reg_seen(seen, nseen, th->reg)) {
			reg_missing(c, th->reg, "MX host domain");
			if (nseen < sizeof(seen) / sizeof(seen[0]))
				seen[nseen++] = th->reg;
		}
	}
	if (d->reg && !reg_seen(seen, nseen, d->reg))
		reg_missing(c, d->reg, "reply domain");
	c->verdict = usable && hosted == usable ? TV_PROVIDER : TV_RECIPIENTS;
	/* TV_RECIPIENTS is confirmed (or turned into TV_NO_CONTACT) once recipients are known */
}

/* ---- recipients ---- */

static struct trcpt *rcpt_for(struct trace *t, const char *key)
{
	size_t i;
	struct trcpt *n;

	for (i = 0; i < t->nrcpts; i++)
		if (ascii_ieq(t->rcpts[i].key, key))
			return &t->rcpts[i];
	n = realloc(t->rcpts, (t->nrcpts + 1) * sizeof(*t->rcpts));
	if (!n)
		return NULL;
	t->rcpts = n;
	n = &t->rcpts[t->nrcpts++];
	memset(n, 0, sizeof(*n));
	snprintf(n->key, sizeof(n->key), "%s", key);
	return n;
}

static void rcpt_add_case(struct trcpt *r, size_t ci)
{
	size_t i;

	for (i = 0; i < r->ncases; i++)
		if (r->cases[i] == ci)
			return;
	if (r->ncases == r->capcases) {
		size_t nc = r->capcases ? r->capcases * 2 : 4;
		size_t *n = realloc(r->cases, nc * sizeof(*n));

		if (!n)
			return;
		r->cases = n;
		r->capcases = nc;
	}
	r->cases[r->ncases++] = ci;
}

static void why_add(struct trcpt *r, const char *why)
{
	size_t len = strlen(r->why);

	if (strstr(r->why, why))
		return;
	snprintf(r->why + len, sizeof(r->why) - len, "%s%s", len ? "; " : "", why);
}

/* Register that recipient (kind, email or form) must hear about case ci. */
static bool recipient(struct trace *t, size_t ci, enum report_kind kind, const char *email,
                      const char *form, const char *party, const char *why)
{
	char key[256];
	struct trcpt *r;

	if (!email && !form)
		return false;
	snprintf(key, sizeof(key), "%s", email ? email : form);
	r = rcpt_for(t, key);
	if (!r)
		return false;
	if (!r->r.nto && !r->form[0]) {
		r->r.kind = kind;
		if (email) {
			snprintf(r->to[0], sizeof(r->to[0]), "%s", email);
			r->r.nto = 1;
		}
		if (form)
			snprintf(r->form, sizeof(r->form), "%s", form);
		snprintf(r->party, sizeof(r->party), "%s", party ? party : (email ? email : form));
	}
	why_add(r, why);
	rcpt_add_case(r, ci);
	/* the report_recipient's pointers are set by trace_finish(): the array still moves */
	return true;
}

static size_t case_recipients(struct trace *t, struct tcase *c, size_t ci)
{
	struct tdom *d = c->dom;
	const struct freemail_provider *p = NULL;
	char why[512];
	size_t h, a, n = 0;

	if (c->verdict == TV_PROVIDER) {
		p = d->freemail;
		for (h = 0; !p && h < d->nhosts; h++)
			p = d->hosts[h].provider;
		if (!p)
			return 0;
		snprintf(why, sizeof(why), "hosts the mailbox %s", c->addr_ascii);
		n += recipient(t, ci, REPORT_PROVIDER, p->abuse_email, p->abuse_form, p->name, why);
		/* a custom domain at a provider: the domain's registrar can act too */
		if (!d->freemail && d->reg && abuse_email(d->reg->w)) {
			snprintf(why, sizeof(why), "registrar of %s", d->reg->name);
			n += recipient(t, ci, REPORT_DOMAIN_REGISTRAR, abuse_email(d->reg->w), NULL,
			               reg_registrar(d->reg), why);
		}
		return n;
	}
	if (c->verdict != TV_RECIPIENTS)
		return 0;
	for (h = 0; h < d->nhosts; h++) {
		struct thost *th = &d->hosts[h];

		for (a = 0; a < th->nips; a++) {
			const struct tip *ip = th->ips[a];
			const char *e = abuse_email(ip->w);

			if (!e)
				continue;
			const struct whois_answer *ans = final_answer(ip->w);
			const char *nn = ans ? val(&ans->netname) : NULL;

			snprintf(why, sizeof(why), "holds %s%s%s%s", ip_block(ip) ? ip_block(ip) : ip->text,
			         nn ? " (" : "", nn ? nn : "", nn ? ")" : "");
			n += recipient(t, ci, REPORT_NETWORK, e, NULL, ip_holder(ip), why);
		}
		if (th->reg && abuse_email(th->reg->w)) {
			snprintf(why, sizeof(why), "registrar of %s", th->reg->name);
			n += recipient(t, ci, REPORT_REGISTRAR, abuse_email(th->reg->w), NULL,
			               reg_registrar(th->reg), why);
		}
	}
	if (d->reg && abuse_email(d->reg->w)) {
		snprintf(why, sizeof(why), "registrar of %s", d->reg->name);
		n += recipient(t, ci, REPORT_DOMAIN_REGISTRAR, abuse_email(d->reg->w), NULL,
		               reg_registrar(d->reg), why);
	}
	return n;
}

/* ---- report model ---- */

static void build_report_hosts(struct tdom *d)
{
	size_t h, a, nips = 0, k = 0;

	if (d->rhosts || !d->mx)
		return;
	for (h = 0; h < d->nhosts; h++)
		nips += d->hosts[h].nips;
	d->rhosts = calloc(d->nhosts ? d->nhosts : 1, sizeof(*d->rhosts));
	d->rips = calloc(nips ? nips : 1, sizeof(*d->rips));
	if (!d->rhosts || !d->rips)
		return;
	for (h = 0; h < d->nhosts; h++) {
		const struct mx_host *mh = &d->mx->hosts[h];
		struct thost *th = &d->hosts[h];
		struct report_host *rh = &d->rhosts[h];

		rh->name = th->name;
		rh->pref = mh->implicit ? -1 : mh->pref;
		rh->regdomain = th->reg ? th->reg->name : NULL;
		rh->registrar = reg_registrar(th->reg);
		rh->ips = &d->rips[k];
		for (a = 0; a < th->nips; a++) {
			const struct tip *ip = th->ips[a];
			const struct whois_answer *ans = final_answer(ip->w);
			struct report_ip *ri = &d->rips[k++];

			ri->addr = ip->text;
			ri->netblock = ip_block(ip);
			ri->netname = ans ? val(&ans->netname) : NULL;
			ri->holder = ans ? val(&ans->org) : NULL;
			ri->source = ans ? ans->server : NULL;
			rh->nips++;
		}
	}
}

void trace_finish(struct trace *t)
{
	size_t i, k, ci = 0;

	if (t->finished)
		return;
	t->finished = true;
	t->rcases = calloc(t->ncases ? t->ncases : 1, sizeof(*t->rcases));
	for (i = 0; i < t->nitems; i++) {
		struct titem *it = t->items[i];

		for (k = 0; k < it->ncases; k++) {
			struct tcase *c = &it->cases[k];
			struct report_case *rc;

			verdict(t, c);
			c->report_index = ci;
			if (!t->rcases)
				continue;
			rc = &t->rcases[ci++];
			t->nrcases = ci;
			rc->reply_addr = c->addr_ascii;
			rc->reply_domain = c->dom ? c->dom->name : NULL;
			rc->looked_up_ms = c->dom ? c->dom->started_ms : t->started_ms;
			rc->raw = it->raw;
			rc->raw_len = it->raw_len;
			rc->source = it->source;
			if (c->dom) {
				build_report_hosts(c->dom);
				rc->hosts = c->dom->rhosts;
				rc->nhosts = c->dom->rhosts ? c->dom->nhosts : 0;
			}
			if (case_recipients(t, c, c->report_index) == 0 && c->verdict == TV_RECIPIENTS)
				c->verdict = c->temporary ? TV_TEMPFAIL : TV_NO_CONTACT;
		}
	}
	/* t->rcpts moved while it grew: point each recipient at its own storage now */
	t->rptrs = calloc(t->nrcpts ? t->nrcpts : 1, sizeof(*t->rptrs));
	for (i = 0; i < t->nrcpts; i++) {
		struct trcpt *r = &t->rcpts[i];

		for (k = 0; k < r->r.nto; k++)
			r->r.to[k] = r->to[k];
		r->r.party = r->party;
		r->r.why = r->why;
		r->r.form_url = r->form[0] ? r->form : NULL;
		r->r.cases = r->cases;
		r->r.ncases = r->ncases;
		if (t->rptrs)
			t->rptrs[i] = &r->r;
	}
	t->rset.cases = t->rcases;
	t->rset.ncases = t->nrcases;
	t->rset.rcpts = t->rptrs;
	t->rset.nrcpts = t->rptrs ? t->nrcpts : 0;
}

void trace_finish_free(struct trace *t)
{
	size_t i;

	for (i = 0; i < t->nrcpts; i++)
		free(t->rcpts[i].cases);
	free(t->rcpts);
	free(t->rptrs);
	free(t->rcases);
	for (i = 0; i < t->ndoms; i++) {
		free(t->domlist[i]->rhosts);
		free(t->domlist[i]->rips);
	}
}

/* ---- exit codes ---- */

static int verdict_exit(const struct tcase *c)
{
	switch (c->verdict) {
	case TV_RECIPIENTS:
	case TV_PROVIDER:
	case TV_SNAPSHOT_ONLY:
		return EXIT_FOUND;
	case TV_TEMPFAIL:
		return EXIT_TEMPFAIL;
	case TV_NO_CONTACT:
		return c->temporary ? EXIT_TEMPFAIL : EXIT_NOTHING;
	case TV_OFFLINE:
	case TV_DEAD:
	case TV_NO_CANDIDATE:
		return EXIT_NOTHING;
	case TV_BAD_INPUT:
		return EXIT_DATAERR;
	}
	return EXIT_SOFTWARE;
}

/* Combine: something to report beats "retry later" beats "nothing" beats bad input. */
static int combine(int a, int b)
{
	static const int order[] = { EXIT_FOUND, EXIT_TEMPFAIL, EXIT_NOTHING, EXIT_DATAERR };
	size_t i;

	if (a < 0)
		return b;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (a == order[i] || b == order[i])
			return order[i];
	return a;
}

int trace_item_exit(const struct trace *t, size_t i)
{
	const struct titem *it = t->items[i];
	int r = -1;
	size_t k;

	if (it->bad)
		return EXIT_DATAERR;
	if (it->ar && it->ar->status != ST_OK)
		return EXIT_DATAERR;
	if (it->ncases == 0)
		return EXIT_NOTHING;
	for (k = 0; k < it->ncases; k++)
		r = combine(r, verdict_exit(&it->cases[k]));
	return r;
}

int trace_exit(const struct trace *t)
{
	int r = -1;
	size_t i;

	for (i = 0; i < t->nitems; i++)
		r = combine(r, trace_item_exit(t, i));
	return r < 0 ? EXIT_NOTHING : r;
}

/* True if recipient r is to hear about the case with report index ci. */
static bool rcpt_has_case(const struct trcpt *r, size_t ci)
{
	size_t k;

	for (k = 0; k < r->ncases; k++)
		if (r->cases[k] == ci)
			return true;
	return false;
}

/* ---- text ---- */

#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_OFF "\033[0m"

static void san(struct buf *b, const char *s)
{
	if (s)
		text_sanitize(b, s, strlen(s), false);
}

static const char *verdict_text(const struct tcase *c)
{
	switch (c->verdict) {
	case TV_RECIPIENTS: return "report to the recipients below";
	case TV_PROVIDER: return "report to the provider's abuse desk";
	case TV_OFFLINE: return "the operation is offline: stop work";
	case TV_DEAD: return "the mail system is dead: no exchange has an address";
	case TV_TEMPFAIL: return c->dom && c->dom->mx && c->dom->mx->status == MX_TEMPFAIL
		                         ? "DNS is not answering reliably: retry later"
		                         : "lookups failed: retry later";
	case TV_NO_CONTACT: return "mail is delivered, but no abuse contact was found";
	case TV_SNAPSHOT_ONLY: return "offline: what the bundled snapshots say (no packet sent)";
	case TV_NO_CANDIDATE: return "no reply address found";
	case TV_BAD_INPUT: return "not an address or domain";
	}
	return "";
}

static const char *next_step(const struct tcase *c)
{
	switch (c->verdict) {
	case TV_RECIPIENTS: return "review the drafts (--report DIR) and send them";
	case TV_PROVIDER: return "report the mailbox to the provider (draft with --report DIR)";
	case TV_OFFLINE: return "nothing to report: replies cannot be delivered";
	case TV_DEAD: return "nothing to report: replies cannot be delivered";
	case TV_TEMPFAIL: return "run the trace again later";
	case TV_NO_CONTACT: return c->temporary ? "run the trace again later"
	                                        : "look the holders up by hand (RDAP, web forms)";
	case TV_SNAPSHOT_ONLY: return "run without --offline to look the hosts up";
	case TV_NO_CANDIDATE:
	case TV_BAD_INPUT: return "check the input";
	}
	return "";
}

static void contact_text(struct buf *b, const char *label, const struct whois_result *w)
{
	const char *e = abuse_email(w);

	if (!e)
		return;
	buf_printf(b, "%s", label);
	san(b, e);
	buf_printf(b, " (%s confidence", conf_name(w->abuse->conf));
	if (abuse_server(w)) {
		buf_adds(b, "; ");
		san(b, abuse_server(w));
		if (w->abuse->email.line)
			buf_printf(b, " line %lu", w->abuse->email.line);
	}
	buf_adds(b, ")\n");
}

static void reg_text(struct buf *b, const struct treg *g, const char *indent)
{
	const struct whois_answer *a = final_answer(g->w);

	buf_adds(b, indent);
	buf_adds(b, "registered domain ");
	san(b, g->name);
	if (a && val(&a->registrar)) {
		buf_adds(b, ": registrar ");
		san(b, val(&a->registrar));
		if (val(&a->iana_id)) {
			buf_adds(b, " (IANA ");
			san(b, val(&a->iana_id));
			buf_adds(b, ")");
		}
	} else if (g->w) {
		buf_adds(b, ": ");
		buf_adds(b, whois_outcome_name(g->w->outcome));
	} else if (g->skipped) {
		buf_adds(b, ": not looked up (");
		san(b, g->skip_why);
		buf_adds(b, ")");
	}
	buf_addc(b, '\n');
	if (g->w) {
		char lbl[64];

		snprintf(lbl, sizeof(lbl), "%*s  registrar abuse: ", (int)strspn(indent, " "), "");
		contact_text(b, lbl, g->w);
	}
}

static void ip_text(struct buf *b, const struct tip *ip)
{
	const struct whois_answer *a = final_answer(ip->w);

	buf_adds(b, "        ");
	san(b, ip->text);
	if (a) {
		buf_adds(b, "  ");
		san(b, ip_block(ip) ? ip_block(ip) : "?");
		if (val(&a->netname)) {
			buf_addc(b, ' ');
			san(b, val(&a->netname));
		}
		if (val(&a->org)) {
			buf_adds(b, ", ");
			san(b, val(&a->org));
		}
		if (val(&a->country)) {
			buf_adds(b, ", ");
			san(b, val(&a->country));
		}
		buf_adds(b, "  [");
		san(b, a->server);
		buf_adds(b, "]");
	} else if (ip->has_snap && ip->snap.has_special) {
		buf_adds(b, "  ");
		san(b, ip->snap.special.name);
		buf_adds(b, ": not on the public Internet");
	} else if (ip->has_snap && ip->snap.has_rir) {
		buf_printf(b, "  (snapshot: %s %s)", ip->snap.rir.registry.name, ip->snap.rir.cc);
	}
	buf_addc(b, '\n');
	if (ip->w)
		contact_text(b, "          abuse: ", ip->w);
}

static void case_text(const struct trace *t, const struct tcase *c, bool color,
                      struct buf *b)
{
	const struct tdom *d = c->dom;
	size_t h, a, i;
	char when[32];

	buf_adds(b, "  reply address ");
	if (color)
		buf_adds(b, C_BOLD);
	san(b, c->addr);
	if (color)
		buf_adds(b, C_OFF);
	if (c->score >= 0)
		buf_printf(b, "  (%s, score %d)\n", c->role, c->score);
	else
		buf_printf(b, "  (%s)\n", c->role);
	if (d && d->freemail) {
		buf_adds(b, "    free-mail provider: ");
		san(b, d->freemail->name);
		buf_addc(b, '\n');
	}
	if (d && d->mx) {
		buf_adds(b, "    domain ");
		san(b, d->name);
		buf_adds(b, ": ");
		buf_adds(b, mx_status_text(d->mx->status));
		if (d->mx->mx.server[0]) {
			buf_adds(b, " [");
			san(b, d->mx->mx.server);
			buf_adds(b, "]");
		}
		buf_addc(b, '\n');
		for (h = 0; h < d->nhosts; h++) {
			const struct mx_host *mh = &d->mx->hosts[h];
			const struct thost *th = &d->hosts[h];

			if (mh->implicit)
				buf_adds(b, "    implicit MX ");
			else
				buf_printf(b, "    MX %-3u ", mh->pref);
			san(b, mh->name);
			if (mh->cname)
				buf_adds(b, "  (an alias: RFC 2181 §10.3)");
			if (mh->ip_literal)
				buf_adds(b, "  (an IP literal, not a host name)");
			if (th->provider) {
				buf_adds(b, "  run by ");
				san(b, th->provider->name);
			}
			if (mh->naddrs == 0)
				buf_adds(b, mh->tempfail ? "  (addresses: lookup failed)"
				                         : "  (no address: dead)");
			buf_addc(b, '\n');
			for (a = 0; a < th->nips; a++)
				ip_text(b, th->ips[a]);
			if (th->reg)
				reg_text(b, th->reg, "        ");
		}
	}
	if (d && d->reg) {
		bool shown = false;

		for (h = 0; h < d->nhosts; h++)
			shown |= d->hosts[h].reg == d->reg;
		if (!shown)
			reg_text(b, d->reg, "    reply domain's ");
	}
	buf_adds(b, "    verdict: ");
	if (color)
		buf_adds(b, c->verdict == TV_RECIPIENTS || c->verdict == TV_PROVIDER ? C_GREEN
		            : c->verdict == TV_TEMPFAIL || c->temporary ? C_YELLOW : C_RED);
	buf_adds(b, verdict_text(c));
	if (color)
		buf_adds(b, C_OFF);
	buf_addc(b, '\n');
	for (i = 0; i < t->nrcpts; i++) {
		const struct trcpt *r = &t->rcpts[i];

		if (!rcpt_has_case(r, c->report_index))
			continue;
		buf_printf(b, "      %-16s ", report_kind_name(r->r.kind));
		san(b, r->r.nto ? r->to[0] : r->form);
		buf_adds(b, "  (");
		san(b, r->party);
		buf_adds(b, ": ");
		san(b, r->why);
		buf_adds(b, ")\n");
	}
	for (i = 0; i < c->nmissing; i++) {
		buf_adds(b, "    missing: ");
		san(b, c->missing[i]);
		buf_addc(b, '\n');
	}
	clock_fmt_utc(d ? d->started_ms : t->started_ms, when, sizeof(when));
	buf_printf(b, "    next step: %s\n    looked up: %s\n", next_step(c), when);
}

int trace_item_text(const struct trace *t, size_t i, bool color, struct buf *out)
{
	const struct titem *it = t->items[i];
	size_t k;

	if (color)
		buf_adds(out, C_BOLD);
	san(out, it->source);
	if (it->kind == TI_MESSAGE && it->index > 1)
		buf_printf(out, " (message %lu)", it->index);
	if (color)
		buf_adds(out, C_OFF);
	if (it->ar && it->ar->subject) {
		buf_adds(out, ": \"");
		san(out, it->ar->subject);
		buf_adds(out, "\"");
	}
	buf_addc(out, '\n');
	if (it->bad) {
		buf_adds(out, "  ");
		san(out, it->bad_why);
		buf_addc(out, '\n');
	} else if (it->ar && it->ar->status != ST_OK) {
		buf_adds(out, "  unreadable: ");
		san(out, it->ar->error ? it->ar->error : status_str(it->ar->status));
		buf_addc(out, '\n');
	} else if (it->ncases == 0) {
		buf_adds(out, "  no reply address found: nothing to trace\n");
	}
	for (k = 0; k < it->ncases; k++)
		case_text(t, &it->cases[k], color, out);
	return out->err;
}

/* ---- JSON ---- */

static void kstr_opt(struct json *j, const char *k, const char *v)
{
	json_key(j, k);
	json_str(j, v);
}

static void snap_ip_json(const struct tip *ip, struct json *j)
{
	char blk[SNAP_RANGE_TEXT];

	json_obj_begin(j);
	if (ip->has_snap) {
		if (ip->snap.has_special) {
			snap_block_fmt(&ip->snap.special.block, blk, sizeof(blk));
			json_key(j, "special");
			json_obj_begin(j);
			json_kstr(j, "block", blk);
			json_kstr(j, "name", ip->snap.special.name);
			json_kstr(j, "spec", ip->snap.special.spec);
			json_obj_end(j);
		}
		if (ip->snap.has_rir) {
			snap_block_fmt(&ip->snap.rir.block, blk, sizeof(blk));
			json_key(j, "rir");
			json_obj_begin(j);
			json_kstr(j, "registry", ip->snap.rir.registry.id);
			json_kstr(j, "cc", ip->snap.rir.cc);
			json_kstr(j, "block", blk);
			json_kstr(j, "status", ip->snap.rir.status);
			json_obj_end(j);
		}
		kstr_opt(j, "whois", ip->snap.whois && ip->snap.whois[0] ? ip->snap.whois : NULL);
		kstr_opt(j, "rdap", ip->snap.rdap[0] ? ip->snap.rdap : NULL);
		json_kstr(j, "why", snap_why_str(ip->snap.why));
	}
	json_obj_end(j);
}

static void contact_json(struct json *j, const char *key, const struct whois_result *w)
{
	json_key(j, key);
	if (!abuse_email(w)) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kstr(j, "email", abuse_email(w));
	json_kstr(j, "confidence", conf_name(w->abuse->conf));
	kstr_opt(j, "server", abuse_server(w));
	json_kint(j, "line", (int64_t)w->abuse->email.line);
	json_obj_end(j);
}

/* The members every looked-up object ends with: abuse, not_looked_up, the full result. */
static void lookup_json(struct json *j, const struct whois_result *w, const char *skip_why)
{
	contact_json(j, "abuse", w);
	if (skip_why)
		json_kstr(j, "not_looked_up", skip_why);
	json_key(j, "whois");
	if (w)
		whois_result_json(w, j);
	else
		json_null(j);
}

static void reg_json(struct json *j, const struct treg *g)
{
	const struct whois_answer *a = final_answer(g->w);

	json_obj_begin(j);
	json_kstr(j, "domain", g->name);
	kstr_opt(j, "registrar", a ? val(&a->registrar) : NULL);
	kstr_opt(j, "iana_id", a ? val(&a->iana_id) : NULL);
	lookup_json(j, g->w, g->skipped ? g->skip_why : NULL);
	json_obj_end(j);
}

static void ip_json(struct json *j, const struct tip *ip)
{
	const struct whois_answer *a = final_answer(ip->w);

	json_obj_begin(j);
	json_kstr(j, "address", ip->text);
	json_key(j, "snapshot");
	snap_ip_json(ip, j);
	kstr_opt(j, "netblock", ip_block(ip));
	kstr_opt(j, "netname", a ? val(&a->netname) : NULL);
	kstr_opt(j, "holder", a ? val(&a->org) : NULL);
	kstr_opt(j, "country", a ? val(&a->country) : NULL);
	lookup_json(j, ip->w, ip->skipped ? ip->skip_why : NULL);
	json_obj_end(j);
}

static void provider_json(struct json *j, const struct freemail_provider *p)
{
	json_obj_begin(j);
	json_kstr(j, "name", p->name);
	kstr_opt(j, "abuse_email", p->abuse_email);
	kstr_opt(j, "abuse_form", p->abuse_form);
	kstr_opt(j, "how", p->how);
	json_kstr(j, "checked", p->checked);
	json_kbool(j, "verified", p->verified);
	json_obj_end(j);
}

static void case_json(const struct trace *t, const struct tcase *c, struct json *j)
{
	const struct tdom *d = c->dom;
	char when[32];
	size_t h, a, i;

	json_obj_begin(j);
	json_kstr(j, "reply_address", c->addr);
	json_kstr(j, "reply_address_ascii", c->addr_ascii);
	json_kstr(j, "role", c->role);
	json_key(j, "score");
	if (c->score >= 0)
		json_int(j, c->score);
	else
		json_null(j);
	kstr_opt(j, "domain", d ? d->name : NULL);
	clock_fmt_utc(d ? d->started_ms : t->started_ms, when, sizeof(when));
	json_kstr(j, "looked_up", when);
	json_key(j, "verdict");
	json_obj_begin(j);
	json_kstr(j, "code", trace_verdict_name(c->verdict));
	json_kstr(j, "text", verdict_text(c));
	json_kstr(j, "next_step", next_step(c));
	json_kint(j, "exit", verdict_exit(c));
	json_obj_end(j);
	json_key(j, "provider");
	if (d && d->freemail)
		provider_json(j, d->freemail);
	else
		json_null(j);
	json_key(j, "mx");
	if (d && d->mx)
		mx_result_to_json(d->mx, j);
	else
		json_null(j);
	json_key(j, "hosts");
	json_arr_begin(j);
	for (h = 0; d && d->mx && h < d->nhosts; h++) {
		const struct mx_host *mh = &d->mx->hosts[h];
		const struct thost *th = &d->hosts[h];

		json_obj_begin(j);
		json_kstr(j, "name", mh->name);
		json_key(j, "preference");
		if (mh->implicit)
			json_null(j);
		else
			json_int(j, mh->pref);
		json_key(j, "run_by");
		if (th->provider)
			provider_json(j, th->provider);
		else
			json_null(j);
		json_key(j, "addresses");
		json_arr_begin(j);
		for (a = 0; a < th->nips; a++)
			ip_json(j, th->ips[a]);
		json_arr_end(j);
		json_key(j, "registered_domain");
		if (th->reg)
			reg_json(j, th->reg);
		else
			json_null(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "reply_domain_registration");
	if (d && d->reg)
		reg_json(j, d->reg);
	else
		json_null(j);
	json_key(j, "recipients");
	json_arr_begin(j);
	for (i = 0; i < t->nrcpts; i++) {
		const struct trcpt *r = &t->rcpts[i];

		if (!rcpt_has_case(r, c->report_index))
			continue;
		json_obj_begin(j);
		json_kstr(j, "kind", report_kind_name(r->r.kind));
		json_key(j, "to");
		json_arr_begin(j);
		for (size_t k = 0; k < r->r.nto; k++)
			json_str(j, r->to[k]);
		json_arr_end(j);
		kstr_opt(j, "form", r->form[0] ? r->form : NULL);
		json_kstr(j, "party", r->party);
		json_kstr(j, "why", r->why);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "missing");
	json_arr_begin(j);
	for (i = 0; i < c->nmissing; i++)
		json_str(j, c->missing[i]);
	json_arr_end(j);
	json_obj_end(j);
}

void trace_item_json(const struct trace *t, size_t i, struct json *j)
{
	const struct titem *it = t->items[i];
	size_t k;

	json_obj_begin(j);
	json_key(j, "input");
	json_obj_begin(j);
	json_kstr(j, "kind", it->kind == TI_MESSAGE ? "message" : it->kind == TI_ADDRESS
	                                                            ? "address" : "domain");
	json_kstr(j, "source", it->source);
	if (it->kind == TI_MESSAGE) {
		json_kint(j, "index", (int64_t)it->index);
		json_kint(j, "size", (int64_t)it->raw_len);
		{
			uint8_t dg[SHA256_LEN];
			char hex[2 * SHA256_LEN + 1];

			sha256(it->raw, it->raw_len, dg);
			sha256_hex(dg, hex);
			json_kstr(j, "sha256", hex);
		}
		kstr_opt(j, "subject", it->ar ? it->ar->subject : NULL);
		kstr_opt(j, "message_id", it->ar ? it->ar->message_id : NULL);
	}
	json_obj_end(j);
	if (it->bad)
		json_kstr(j, "error", it->bad_why);
	else if (it->ar && it->ar->status != ST_OK)
		json_kstr(j, "error", it->ar->error ? it->ar->error : status_str(it->ar->status));
	json_kint(j, "exit", trace_item_exit(t, i));
	json_key(j, "traces");
	json_arr_begin(j);
	for (k = 0; k < it->ncases; k++)
		case_json(t, &it->cases[k], j);
	json_arr_end(j);
	json_obj_end(j);
}

/* ---- report drafts ---- */

const struct report_set *trace_reports(const struct trace *t)
{
	return &t->rset;
}
