/* The trace job graph: reply domains → MX → addresses and registered domains → WHOIS. */
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "freemail.h"
#include "hostport.h"
#include "punycode.h"
#include "status.h"
#include "text.h"
#include "trace.h"
#include "trace_priv.h"

const char *trace_verdict_name(enum trace_verdict v)
{
	switch (v) {
	case TV_RECIPIENTS: return "recipients";
	case TV_PROVIDER: return "provider";
	case TV_OFFLINE: return "offline";
	case TV_DEAD: return "dead";
	case TV_TEMPFAIL: return "retry-later";
	case TV_NO_CONTACT: return "no-contact";
	case TV_SNAPSHOT_ONLY: return "snapshot-only";
	case TV_NO_CANDIDATE: return "no-candidate";
	case TV_BAD_INPUT: return "bad-input";
	}
	return "unknown";
}

/* ---- a small string-keyed hash map (open addressing, FNV-1a) ---- */

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)ascii_lower((unsigned char)*s);
		h *= 1099511628211ull;
	}
	return h;
}

static void *map_get(const struct tmap *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = fnv1a(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (ascii_ieq(m->keys[i], key))
			return m->vals[i];
	return NULL;
}

/* key is borrowed: it must live as long as the map (it is the value's own name). */
static int map_put(struct tmap *m, const char *key, void *val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct tmap nm = { NULL, NULL, 0, m->cap ? m->cap * 2 : 16 };

		nm.keys = calloc(nm.cap, sizeof(*nm.keys));
		nm.vals = calloc(nm.cap, sizeof(*nm.vals));
		if (!nm.keys || !nm.vals) {
			free(nm.keys);
			free(nm.vals);
			return ST_NOMEM;
		}
		for (i = 0; i < m->cap; i++)
			if (m->keys[i])
				map_put(&nm, m->keys[i], m->vals[i]);
		free(m->keys);
		free(m->vals);
		*m = nm;
	}
	for (i = fnv1a(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return ST_OK;
}

static void map_free(struct tmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* Append a pointer to a growable array. */
static int push(void ***arr, size_t *n, size_t *cap, void *p)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		void **na = realloc(*arr, nc * sizeof(**arr));

		if (!na)
			return ST_NOMEM;
		*arr = na;
		*cap = nc;
	}
	(*arr)[(*n)++] = p;
	return ST_OK;
}

static void job_started(struct trace *t)
{
	t->pending++;
}

static void job_ended(struct trace *t)
{
	if (t->pending)
		t->pending--;
	t->ended++;
}

/* ---- registered domains: domain WHOIS ---- */

static void reg_done(struct whois_result *r, void *arg)
{
	struct treg *g = arg;

	g->job = NULL;
	g->w = r;
	g->done = true;
	job_ended(g->t);
}

/* The registered domain of name (ICANN section: what registries know), or NULL. */
static struct treg *reg_for(struct trace *t, const char *name, const char *cause)
{
	struct snap_domain sd;
	struct treg *g;
	char err[SNAP_ERR_MAX];
	const char *reg;

	if (snap_lookup_domain(t->conf.snap, name, strlen(name), &sd, err, sizeof(err)) != ST_OK)
		return NULL;
	reg = sd.icann_registered[0] ? sd.icann_registered : sd.registered;
	if (!reg[0])
		return NULL;
	g = map_get(&t->regs, reg);
	if (g)
		return g;
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->t = t;
	snprintf(g->name, sizeof(g->name), "%s", reg);
	g->sd = sd;
	if (map_put(&t->regs, g->name, g) || push((void ***)&t->reglist, &t->nregs, &t->capregs, g)) {
		free(g);
		return NULL;
	}
	if (!t->conf.whois) {
		g->skipped = true;
		snprintf(g->skip_why, sizeof(g->skip_why), "%s",
		         t->conf.no_whois_why ? t->conf.no_whois_why : "WHOIS not used");
		return g;
	}
	if (whois_lookup(t->conf.whois, g->name, cause, reg_done, g, &g->job) == ST_OK) {
		g->asked = true;
		job_started(t);
	} else {
		g->skipped = true;
		snprintf(g->skip_why, sizeof(g->skip_why), "not a name WHOIS can be asked about");
	}
	return g;
}

/* ---- addresses: IP WHOIS ---- */

static void ip_done(struct whois_result *r, void *arg)
{
	struct tip *ip = arg;

	ip->job = NULL;
	ip->w = r;
	ip->done = true;
	job_ended(ip->t);
}

static struct tip *ip_for(struct trace *t, const struct mx_addr *a, const char *cause)
{
	struct tip *ip = map_get(&t->ips, a->text);
	char err[SNAP_ERR_MAX];

	if (ip)
		return ip;
	ip = calloc(1, sizeof(*ip));
	if (!ip)
		return NULL;
	ip->t = t;
	snprintf(ip->text, sizeof(ip->text), "%s", a->text);
	ip->family = a->family == AF_INET6 ? 6 : 4;
	memcpy(ip->addr, a->addr, sizeof(ip->addr));
	if (snap_lookup_ip(t->conf.snap, ip->family, ip->addr, &ip->snap, err, sizeof(err)) ==
	    ST_OK)
		ip->has_snap = true;
	if (map_put(&t->ips, ip->text, ip) || push((void ***)&t->iplist, &t->nips, &t->capips, ip)) {
		free(ip);
		return NULL;
	}
	if (ip->has_snap && (ip->snap.why == SNAP_WHY_SPECIAL || ip->snap.why == SNAP_WHY_RESERVED)) {
		ip->skipped = true;
		snprintf(ip->skip_why, sizeof(ip->skip_why), "%s%s%s: not on the public Internet, "
		         "nobody holds it", ip->snap.has_special ? ip->snap.special.name : "reserved",
		         ip->snap.has_special ? " " : "",
		         ip->snap.has_special ? ip->snap.special.spec : "");
		return ip;
	}
	if (!t->conf.whois) {
		ip->skipped = true;
		snprintf(ip->skip_why, sizeof(ip->skip_why), "%s",
		         t->conf.no_whois_why ? t->conf.no_whois_why : "WHOIS not used");
		return ip;
	}
	if (whois_lookup(t->conf.whois, ip->text, cause, ip_done, ip, &ip->job) == ST_OK) {
		ip->asked = true;
		job_started(t);
	} else {
		ip->skipped = true;
		snprintf(ip->skip_why, sizeof(ip->skip_why), "not an address WHOIS can be asked about");
	}
	return ip;
}

/* ---- reply domains: the MX job, then everything that depends on it ---- */

static void host_name_plain(const char *name, char *out, size_t n)
{
	size_t len;

	snprintf(out, n, "%s", name);
	len = strlen(out);
	if (len > 1 && out[len - 1] == '.')
		out[len - 1] = 0;
}

/*
 * The MX answer has named the exchanges: each one's registered domain needs nothing more,
 * so its domain WHOIS starts now, while the addresses are being looked up; and since IP
 * lookups are coming, the RIRs' WHOIS servers are resolved ahead, so that neither the first
 * hop of an IP chain nor an RIR's referral to another RIR waits for DNS.
 */
static void mx_hosts(const struct mx_result *r, void *arg)
{
	struct tdom *d = arg;
	struct trace *t = d->t;
	char cause[640], plain[DNS_MAX_NAME_TEXT];
	bool any = false;
	size_t h;

	if (d->hosts)
		return;
	d->hosts = calloc(r->nhosts ? r->nhosts : 1, sizeof(*d->hosts));
	if (!d->hosts) {
		d->nomem = true;
		return;
	}
	d->nhosts = r->nhosts;
	for (h = 0; h < r->nhosts; h++) {
		const struct mx_host *mh = &r->hosts[h];
		struct thost *th = &d->hosts[h];

		host_name_plain(mh->name, plain, sizeof(plain));
		snprintf(th->name, sizeof(th->name), "%.253s", plain);
		th->provider = freemail_by_mx(plain);
		if (th->provider || mh->bad_hostname || mh->ip_literal)
			continue;
		any = true;
		snprintf(cause, sizeof(cause), "registered domain of MX host %.253s (of %.253s)",
		         plain, d->name);
		th->reg = reg_for(t, plain, cause);
	}
	if (any && t->conf.whois)
		whois_engine_warm(t->conf.whois, "warm-up: address of a regional registry's WHOIS "
		                  "server, resolved ahead so that IP lookups and their referrals do "
		                  "not wait for DNS");
}

/* The addresses of exchange h (all known so far), each with its IP WHOIS started. */
static struct tip *host_ip(struct tdom *d, size_t h, const struct mx_addr *a)
{
	char cause[640];

	snprintf(cause, sizeof(cause), "address %.46s of MX host %.253s (of %.150s)", a->text,
	         d->hosts[h].name, d->name);
	return ip_for(d->t, a, cause);
}

static bool host_traced(const struct tdom *d, const struct mx_host *mh, size_t h)
{
	return d->hosts && h < d->nhosts && !d->hosts[h].provider && !mh->bad_hostname &&
	       !mh->ip_literal;
}

/*
 * An A or AAAA answer added addresses to exchange h: their IP WHOIS starts now, without
 * waiting for the other exchanges (one broken exchange must not hold up the rest). The
 * lookups are found again by address when the job ends.
 */
static void mx_addrs(const struct mx_result *r, size_t h, void *arg)
{
	struct tdom *d = arg;
	const struct mx_host *mh = &r->hosts[h];
	size_t a;

	if (!host_traced(d, mh, h))
		return;
	for (a = 0; a < mh->naddrs; a++)
		(void)host_ip(d, h, &mh->addrs[a]);
}

/* Every address lookup has ended: the exchanges' address lists are final. */
static void mx_done(struct mx_result *r, void *arg)
{
	struct tdom *d = arg;
	size_t h, a;

	d->job = NULL;
	d->mx = r;
	mx_hosts(r, d);          /* a job that ended without naming exchanges did not call it */
	for (h = 0; d->hosts && h < d->nhosts; h++) {
		const struct mx_host *mh = &r->hosts[h];
		struct thost *th = &d->hosts[h];

		if (!host_traced(d, mh, h))
			continue;
		th->ips = calloc(mh->naddrs ? mh->naddrs : 1, sizeof(*th->ips));
		if (!th->ips) {
			d->nomem = true;
			continue;
		}
		for (a = 0; a < mh->naddrs; a++) {
			th->ips[th->nips] = host_ip(d, h, &mh->addrs[a]);
			if (th->ips[th->nips])
				th->nips++;
		}
	}
	job_ended(d->t);
}

static const struct mx_callbacks dom_mx_cb = { mx_hosts, mx_addrs, mx_done };

static struct tdom *dom_for(struct trace *t, const char *domain)
{
	struct tdom *d = map_get(&t->doms, domain);
	char cause[512];

	if (d)
		return d;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->t = t;
	snprintf(d->name, sizeof(d->name), "%s", domain);
	if (map_put(&t->doms, d->name, d) || push((void ***)&t->domlist, &t->ndoms, &t->capdoms, d)) {
		free(d);
		return NULL;
	}
	d->started_ms = t->clock->wall_ms(t->clock);
	d->freemail = freemail_lookup(d->name);
	if (d->freemail)
		return d;                    /* the provider's own desk: nothing to look up */
	/* The reply domain's registrar, concurrently with its MX lookup. */
	snprintf(cause, sizeof(cause), "registered domain of reply domain %s", d->name);
	d->reg = reg_for(t, d->name, cause);
	if (!t->conf.dns)
		return d;
	snprintf(cause, sizeof(cause), "MX of reply domain %s", d->name);
	if (mx_start_cb(t->conf.dns, d->name, cause, &dom_mx_cb, d, &d->job) == ST_OK)
		job_started(t);
	else
		d->bad = true;
	return d;
}

/* ---- inputs ---- */

static struct titem *new_item(struct trace *t, const char *source)
{
	struct titem *it;

	if (t->nitems >= TRACE_MAX_ITEMS)
		return NULL;
	it = calloc(1, sizeof(*it));
	if (!it)
		return NULL;
	it->source = strdup(source ? source : "-");
	if (!it->source || push((void ***)&t->items, &t->nitems, &t->capitems, it)) {
		free(it->source);
		free(it);
		return NULL;
	}
	return it;
}

static int add_case(struct trace *t, struct titem *it, const char *addr_display,
                    const char *addr_ascii, const char *domain, const char *role, int score,
                    const struct addrs_candidate *cand)
{
	struct tcase *c;

	if (it->ncases >= TRACE_MAX_PER_MESSAGE + 1)
		return ST_TOOBIG;
	c = &it->cases[it->ncases];
	memset(c, 0, sizeof(*c));
	snprintf(c->addr, sizeof(c->addr), "%s", addr_display ? addr_display : "");
	snprintf(c->addr_ascii, sizeof(c->addr_ascii), "%s", addr_ascii ? addr_ascii : "");
	snprintf(c->role, sizeof(c->role), "%s", role);
	c->score = score;
	c->cand = cand;
	c->item = it;
	c->dom = dom_for(t, domain);
	if (!c->dom)
		return ST_NOMEM;
	it->ncases++;
	t->ncases++;
	return ST_OK;
}

int trace_add_message(struct trace *t, const char *source, const struct mbox_msg *m,
                      struct addrs_result *ar)
{
	struct titem *it = new_item(t, source);
	unsigned max = t->conf.max_per_message ? t->conf.max_per_message : TRACE_MAX_PER_MESSAGE;
	size_t i;
	int best;

	if (!it) {
		addrs_result_free(ar);
		return ST_NOMEM;
	}
	it->kind = TI_MESSAGE;
	it->ar = ar;
	it->index = m->index;
	if (m->escaped) {
		struct buf b;

		buf_init(&b, 0);
		if (mbox_unescape(m, &b) == ST_OK) {
			it->raw = (uint8_t *)buf_steal(&b, &it->raw_len);
		}
		buf_reset(&b);
	} else if (m->len) {
		it->raw = malloc(m->len);
		if (it->raw) {
			memcpy(it->raw, m->raw, m->len);
			it->raw_len = m->len;
		}
	}
	if (m->len && !it->raw)
		return ST_NOMEM;
	if (ar->status != ST_OK || ar->ncand == 0)
		return ST_OK;
	if (max > TRACE_MAX_PER_MESSAGE)
		max = TRACE_MAX_PER_MESSAGE;
	best = ar->cand[0].score;
	for (i = 0; i < ar->ncand && it->ncases < max; i++) {
		const struct addrs_candidate *c = &ar->cand[i];

		if (i > 0 && ((c->role != ADDRS_REPLY_TO && c->role != ADDRS_BODY) ||
		              c->score < best - TRACE_SCORE_WINDOW))
			continue;
		if (!c->domain_ascii || !c->domain_ascii[0])
			continue;
		if (add_case(t, it, c->address, c->address_ascii, c->domain_ascii,
		             addrs_role_name(c->role), c->score, c) != ST_OK)
			return ST_NOMEM;
	}
	return ST_OK;
}

int trace_add_target(struct trace *t, const char *arg)
{
	struct titem *it = new_item(t, arg);
	struct buf ascii;
	const char *at, *dom;
	char display[320];
	int st;

	if (!it)
		return ST_NOMEM;
	at = strrchr(arg, '@');
	it->kind = at ? TI_ADDRESS : TI_DOMAIN;
	dom = at ? at + 1 : arg;
	buf_init(&ascii, 1024);
	st = idna_to_ascii(dom, strlen(dom), &ascii);
	if (st != ST_OK || (at && at == arg) || strlen(arg) > 300 ||
	    !hostname_valid(buf_str(&ascii), ascii.len)) {
		it->bad = true;
		snprintf(it->bad_why, sizeof(it->bad_why), "not an e-mail address or domain name");
		buf_reset(&ascii);
		return ST_OK;
	}
	snprintf(display, sizeof(display), "%s", arg);
	{
		char addr_ascii[320];

		if (at)
			snprintf(addr_ascii, sizeof(addr_ascii), "%.*s@%s", (int)(at - arg), arg,
			         buf_str(&ascii));
		else
			snprintf(addr_ascii, sizeof(addr_ascii), "%s", buf_str(&ascii));
		st = add_case(t, it, display, addr_ascii, buf_str(&ascii),
		              at ? "given address" : "given domain", -1, NULL);
	}
	buf_reset(&ascii);
	return st;
}

/* ---- lifecycle ---- */

int trace_new(const struct trace_conf *conf, struct trace **out)
{
	struct trace *t;

	if (!conf->loop || !conf->snap)
		return ST_INVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return ST_NOMEM;
	t->conf = *conf;
	t->clock = conf->clock ? conf->clock : &clock_system;
	t->started_ms = t->clock->wall_ms(t->clock);
	*out = t;
	return ST_OK;
}

int trace_run(struct trace *t)
{
	uint64_t next = 0;
	int st = ST_OK;

	while (t->pending) {
		if (t->conf.progress && loop_now(t->conf.loop) >= next) {
			t->conf.progress(t->conf.progress_arg, t->pending, t->ended);
			next = loop_now(t->conf.loop) + TRACE_PROGRESS_MS;
		}
		st = loop_run_once(t->conf.loop, t->conf.progress ? TRACE_PROGRESS_MS : -1);
		if (st == ST_NOTFOUND) {
			st = ST_OK;     /* nothing started: every job has ended */
			break;
		}
		if (st != ST_OK)
			break;
	}
	trace_finish(t);
	return st;
}

void trace_free(struct trace *t)
{
	size_t i;

	if (!t)
		return;
	trace_finish_free(t);
	for (i = 0; i < t->nitems; i++) {
		addrs_result_free(t->items[i]->ar);
		free(t->items[i]->raw);
		free(t->items[i]->source);
		free(t->items[i]);
	}
	for (i = 0; i < t->ndoms; i++) {
		struct tdom *d = t->domlist[i];
		size_t h;

		if (d->job)
			mx_cancel(d->job);
		for (h = 0; h < d->nhosts; h++)
			free(d->hosts[h].ips);
		free(d->hosts);
		mx_result_free(d->mx);
		free(d);
	}
	for (i = 0; i < t->nips; i++) {
		if (t->iplist[i]->job)
			whois_job_cancel(t->iplist[i]->job);
		whois_result_free(t->iplist[i]->w);
		free(t->iplist[i]);
	}
	for (i = 0; i < t->nregs; i++) {
		if (t->reglist[i]->job)
			whois_job_cancel(t->reglist[i]->job);
		whois_result_free(t->reglist[i]->w);
		free(t->reglist[i]);
	}
	free(t->items);
	free(t->domlist);
	free(t->iplist);
	free(t->reglist);
	map_free(&t->doms);
	map_free(&t->ips);
	map_free(&t->regs);
	free(t);
}

size_t trace_item_count(const struct trace *t)
{
	return t->nitems;
}

void trace_stats(const struct trace *t, struct trace_stats *out)
{
	size_t i, h;

	memset(out, 0, sizeof(*out));
	out->items = t->nitems;
	out->cases = t->ncases;
	out->domains = t->ndoms;
	out->addresses = t->nips;
	out->regdomains = t->nregs;
	for (i = 0; i < t->ndoms; i++)
		for (h = 0; h < t->domlist[i]->nhosts; h++)
			out->hosts++;
	for (i = 0; i < t->nips; i++) {
		if (t->iplist[i]->asked)
			out->ip_lookups++;
		if (t->iplist[i]->w && t->iplist[i]->w->from_netblock_cache)
			out->ip_netblock_hits++;
	}
	for (i = 0; i < t->nregs; i++)
		if (t->reglist[i]->asked)
			out->domain_lookups++;
}
