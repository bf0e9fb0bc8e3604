/* WHOIS lookups as jobs on the event loop: routing, port-43 and RWhois exchanges through the
 * transport, server names through the stub resolver, referral following with a visited set,
 * a hop cap and address checks, and per-run caches by (server, query) and by netblock. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "status.h"
#include "text.h"
#include "whois.h"

/* One (server, query) answer kept for the run. */
struct xentry {
	char host[HOSTPORT_MAX_HOST];
	int port;
	bool rwhois;
	char query[WHOIS_QUERY_MAX];
	char addr[NET_ADDR_STRLEN];
	struct whois_answer *answer;
	char *text;
	size_t len;
	struct xentry *next;
};

/* A finished IP lookup whose most specific network covers later addresses. */
struct nentry {
	struct whois_block block;
	struct whois_result *res;
	struct nentry *next;
};

/* Servers whose addresses whois_engine_warm() resolves ahead. */
static const char *const warm_hosts[] = {
	"whois.arin.net", "whois.ripe.net", "whois.apnic.net", "whois.lacnic.net",
	"whois.afrinic.net", WHOIS_IANA_SERVER,
};
#define WARM_MAX (sizeof(warm_hosts) / sizeof(warm_hosts[0]))

struct whois_engine {
	struct loop *loop;
	struct whois_engine_conf conf;
	char server[HOSTPORT_MAX_HOST];
	char tag[64];
	char step[5][32];                   /* per query kind group: ip, asn, domain, other */
	struct xentry *xcache;
	struct nentry *ncache;
	struct whois_job *jobs;
	struct whois_stats stats;
	struct dns_lookup *warm[WARM_MAX];  /* whois_engine_warm() queries in flight */
	bool warmed;
	struct socks5_proxy socks5;         /* conf.socks5 points here when set */
	char proxy_label[SOCKS5_LABEL_MAX];
};

/* Where the next hop goes. */
struct target {
	char host[HOSTPORT_MAX_HOST];
	int port;
	bool rwhois;
	bool referral;                      /* came from an answer: untrusted, address-checked */
	char reason[256];
};

struct whois_job {
	struct whois_engine *e;
	struct whois_job *prev, *next;
	struct whois_result *r;
	whois_done_fn fn;
	void *arg;
	char cause[256];
	char dns_cause[700];
	struct target t;
	struct loop_timer kick;
	struct dns_lookup *dq;
	bool dq_aaaa;
	struct net_tcp *tcp;
	struct net_addr addr;
	bool by_name;                       /* through the proxy by name: addr is unset */
	uint64_t deadline;
	int64_t hop_wall;
	bool done_ready;                    /* kick delivers a finished result */
	bool started;                       /* the first hop was started */
	struct whois_job *parked_on;        /* waits for this lookup of a nearby address */
	struct whois_block ip;              /* the queried address (IP lookups) */
};

static const char *const outcome_names[WO__COUNT] = {
	"found", "no-match", "not-served", "no-server", "rate-limited", "temporary-failure",
	"malformed",
};

const char *whois_hop_status_name(int st)
{
	switch (st) {
	case ST_OK: return "ok";
	case ST_TIMEOUT: return "timeout";
	case ST_REFUSED: return "refused";
	case ST_CLOSED: return "closed";
	case ST_TOOBIG: return "too-big";
	case ST_NOTFOUND: return "unresolved";
	case ST_MALFORMED: return "malformed";
	case ST_INVAL: return "invalid";
	default: return "error";
	}
}

const char *whois_outcome_name(enum whois_outcome o)
{
	return (unsigned)o < WO__COUNT ? outcome_names[o] : "unknown";
}

static void start_hop(struct whois_job *j);
static void finish(struct whois_job *j);

static void note(struct whois_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct whois_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nnotes >= WHOIS_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(r->notes[r->nnotes++], sizeof(r->notes[0]), fmt, ap);
	va_end(ap);
}

static const char *step_of(const struct whois_engine *e, enum whois_qkind k)
{
	switch (k) {
	case WQ_IPV4:
	case WQ_IPV6:
	case WQ_CIDR: return e->step[0];
	case WQ_ASN: return e->step[1];
	case WQ_DOMAIN:
	case WQ_TLD: return e->step[2];
	default: return e->step[3];
	}
}

int whois_engine_new(struct loop *l, const struct whois_engine_conf *conf, struct whois_engine **out)
{
	struct whois_engine *e;
	const char *step;

	*out = NULL;
	if (!l || !conf || !conf->tab || (!conf->dns && !conf->socks5))
		return ST_INVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return ST_NOMEM;
	e->loop = l;
	e->conf = *conf;
	if (conf->socks5) {
		e->socks5 = *conf->socks5;
		e->conf.socks5 = &e->socks5;
		socks5_label(&e->socks5, e->proxy_label, sizeof(e->proxy_label));
	}
	if (conf->server) {
		snprintf(e->server, sizeof(e->server), "%s", conf->server);
		e->conf.server = e->server;
	}
	snprintf(e->tag, sizeof(e->tag), "%s", conf->client_tag ? conf->client_tag : WHOIS_CLIENT_TAG);
	e->conf.client_tag = e->tag;
	if (!e->conf.max_hops)
		e->conf.max_hops = WHOIS_HOPS_DEFAULT;
	if (e->conf.max_hops > WHOIS_HOPS_LIMIT)
		e->conf.max_hops = WHOIS_HOPS_LIMIT;
	if (!e->conf.max_bytes)
		e->conf.max_bytes = WHOIS_MAX_BYTES_DEFAULT;
	if (!e->conf.hop_timeout_ms)
		e->conf.hop_timeout_ms = WHOIS_HOP_TIMEOUT_MS;
	if (!e->conf.connect_timeout_ms)
		e->conf.connect_timeout_ms = WHOIS_CONNECT_TIMEOUT_MS;
	if (!e->conf.total_timeout_ms)
		e->conf.total_timeout_ms = WHOIS_TOTAL_TIMEOUT_MS;
	if (!e->conf.rec_clock)
		e->conf.rec_clock = &clock_system;
	step = conf->step ? conf->step : "whois";
	snprintf(e->step[0], sizeof(e->step[0]), "%.20s-ip", step);
	snprintf(e->step[1], sizeof(e->step[1]), "%.20s-asn", step);
	snprintf(e->step[2], sizeof(e->step[2]), "%.20s-domain", step);
	snprintf(e->step[3], sizeof(e->step[3]), "%.20s", step);
	e->conf.step = NULL;
	*out = e;
	return ST_OK;
}

static void hop_release(struct whois_hop *h)
{
	whois_answer_free(h->answer);
	free(h->text);
	h->answer = NULL;
	h->text = NULL;
}

void whois_result_free(struct whois_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nhops; i++)
		hop_release(&r->hops[i]);
	free(r);
}

static void job_free(struct whois_job *j)
{
	struct whois_engine *e = j->e;

	struct whois_job *p;

	loop_timer_stop(e->loop, &j->kick);
	for (p = e->jobs; p; p = p->next) {
		if (p->parked_on == j) {
			p->parked_on = NULL;
			loop_timer_after(e->loop, &p->kick, 0);
		}
	}
	if (j->dq)
		dns_lookup_cancel(j->dq);
	if (j->tcp)
		net_tcp_cancel(j->tcp);
	if (j->prev)
		j->prev->next = j->next;
	else
		e->jobs = j->next;
	if (j->next)
		j->next->prev = j->prev;
	whois_result_free(j->r);
	free(j);
}

void whois_job_cancel(struct whois_job *j)
{
	if (j)
		job_free(j);
}

void whois_engine_free(struct whois_engine *e)
{
	struct xentry *x, *xn;
	struct nentry *n, *nn;
	size_t i;

	if (!e)
		return;
	for (i = 0; i < WARM_MAX; i++)
		dns_lookup_cancel(e->warm[i]);
	while (e->jobs)
		job_free(e->jobs);
	for (x = e->xcache; x; x = xn) {
		xn = x->next;
		whois_answer_free(x->answer);
		free(x->text);
		free(x);
	}
	for (n = e->ncache; n; n = nn) {
		nn = n->next;
		whois_result_free(n->res);
		free(n);
	}
	free(e);
}

static void warm_done(const struct dns_result *res, void *arg)
{
	struct dns_lookup **slot = arg;

	(void)res;                          /* the resolver's cache keeps the answer */
	*slot = NULL;
}

static void warm_one(struct whois_engine *e, size_t slot, const char *host, const char *cause)
{
	struct dns_name nm;
	char ip[HOSTPORT_MAX_HOST];
	struct net_addr a;

	snprintf(ip, sizeof(ip), "%s", host);
	if (net_addr_from_ip(ip, WHOIS_PORT, &a) == ST_OK ||
	    dns_name_from_text(host, strlen(host), &nm, NULL) != ST_OK)
		return;                         /* an address literal, or no name at all */
	if (dns_stub_query(e->conf.dns, &nm, DNS_T_A, cause, warm_done, &e->warm[slot],
	                   &e->warm[slot]) == ST_OK)
		e->stats.dns_lookups++;
	else
		e->warm[slot] = NULL;
}

void whois_engine_warm(struct whois_engine *e, const char *cause)
{
	size_t i;

	if (!e || e->warmed || e->conf.socks5 || !e->conf.dns)
		return;                         /* through a proxy the proxy resolves the names */
	e->warmed = true;
	if (!cause)
		cause = "warm-up: address of a WHOIS server, resolved ahead";
	if (e->conf.server) {
		warm_one(e, 0, e->conf.server, cause);
		return;
	}
	for (i = 0; i < WARM_MAX; i++) {
		if (strcmp(warm_hosts[i], WHOIS_IANA_SERVER) == 0 && e->conf.route && !e->conf.iana)
			continue;                   /* the snapshot routes: IANA is rarely asked */
		warm_one(e, i, warm_hosts[i], cause);
	}
}

void whois_engine_stats(const struct whois_engine *e, struct whois_stats *out)
{
	*out = e->stats;
}

/* ---- result summary ---- */

static void summarize(struct whois_result *r)
{
	long i;
	const struct whois_answer *last = NULL;

	r->final_hop = -1;
	r->abuse_hop = -1;
	r->abuse = NULL;
	for (i = (long)r->nhops - 1; i >= 0; i--) {
		const struct whois_answer *a = r->hops[i].answer;

		if (!a)
			continue;
		if (!last)
			last = a;
		/* blocks a registry says it does not manage (ERX, stubs, "not ours", IANA's
		 * delegations) are signposts, never the answer; IANA is the answer for a TLD */
		if (a->state == WST_ANSWERED && a->kind != WK_UNKNOWN &&
		    (!a->transferred || (a->fmt == WFMT_IANA && r->kind == WQ_TLD))) {
			r->final_hop = (int)i;
			break;
		}
	}
	/* decided by the route before any hop: nothing to ask, or RDAP only */
	if (r->nhops == 0 && (r->outcome == WO_NO_SERVER || r->outcome == WO_NOT_SERVED))
		return;
	if (r->final_hop >= 0) {
		/* a cut answer (deadline, size cap) is shown but the lookup is not complete */
		r->outcome = r->hops[r->final_hop].partial ? WO_TEMP_FAIL : WO_FOUND;
		for (i = r->final_hop; i >= 0; i--) {
			const struct whois_answer *a = r->hops[i].answer;
			const struct whois_contact *c = a && a->fmt != WFMT_IANA ?
			                                whois_answer_abuse(a) : NULL;

			if (c) {
				r->abuse = c;
				r->abuse_hop = (int)i;
				break;
			}
		}
		return;
	}
	if (!last || r->nhops == 0 || !r->hops[r->nhops - 1].answer) {
		r->outcome = WO_TEMP_FAIL;
		return;
	}
	switch (last->state) {
	case WST_NO_MATCH: r->outcome = WO_NO_MATCH; break;
	case WST_NOT_SERVED:
		r->outcome = WO_NOT_SERVED;
		if (r->rdap[0])
			note(r, "the registry serves RDAP only: %s", r->rdap);
		else
			note(r, "the registry serves RDAP only; no RDAP URL is known without a snapshot "
			     "(IANA's RDAP bootstrap, https://data.iana.org/rdap/dns.json)");
		break;
	case WST_RATE_LIMITED: r->outcome = WO_RATE_LIMITED; break;
	case WST_MALFORMED: r->outcome = WO_MALFORMED; break;
	default: r->outcome = WO_TEMP_FAIL; break;
	}
}

/* ---- caches ---- */

static struct whois_answer *answer_dup(const struct whois_answer *a)
{
	struct whois_answer *c = a ? whois_answer_new() : NULL;

	if (c)
		*c = *a;
	return c;
}

static char *mem_dup(const void *p, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		if (n)
			memcpy(d, p, n);
		d[n] = 0;
	}
	return d;
}

static struct xentry *xcache_find(struct whois_engine *e, const struct target *t,
                                  const char *query)
{
	struct xentry *x;

	if (e->conf.no_cache)
		return NULL;
	for (x = e->xcache; x; x = x->next)
		if (x->port == t->port && x->rwhois == t->rwhois && strcmp(x->host, t->host) == 0 &&
		    strcmp(x->query, query) == 0)
			return x;
	return NULL;
}

static void xcache_put(struct whois_engine *e, const struct whois_hop *h, const void *text,
                       size_t len)
{
	struct xentry *x;

	if (e->conf.no_cache || !h->answer)
		return;
	x = calloc(1, sizeof(*x));
	if (!x)
		return;
	snprintf(x->host, sizeof(x->host), "%s", h->server);
	x->port = h->port;
	x->rwhois = h->rwhois;
	snprintf(x->query, sizeof(x->query), "%s", h->query);
	snprintf(x->addr, sizeof(x->addr), "%s", h->addr);
	x->answer = answer_dup(h->answer);
	x->text = mem_dup(text, len);
	x->len = len;
	if (!x->answer || !x->text) {
		whois_answer_free(x->answer);
		free(x->text);
		free(x);
		return;
	}
	x->next = e->xcache;
	e->xcache = x;
}

static struct whois_result *result_clone(const struct whois_result *r)
{
	struct whois_result *c = malloc(sizeof(*c));
	size_t i;

	if (!c)
		return NULL;
	*c = *r;
	for (i = 0; i < c->nhops; i++) {
		c->hops[i].answer = answer_dup(r->hops[i].answer);
		c->hops[i].text = r->hops[i].text ? mem_dup(r->hops[i].text, r->hops[i].text_len) : NULL;
	}
	if (r->abuse_hop >= 0 && c->hops[r->abuse_hop].answer)
		c->abuse = c->hops[r->abuse_hop].answer->contacts +
		           (r->abuse - r->hops[r->abuse_hop].answer->contacts);
	return c;
}

static void ncache_put(struct whois_engine *e, const struct whois_result *r)
{
	const struct whois_answer *a;
	struct nentry *n;

	if (e->conf.no_cache || r->outcome != WO_FOUND || r->final_hop < 0 ||
	    (r->kind != WQ_IPV4 && r->kind != WQ_IPV6) || r->from_netblock_cache)
		return;
	a = r->hops[r->final_hop].answer;
	if (!a || a->kind != WK_NETWORK || a->transferred || !a->block.af)
		return;
	n = calloc(1, sizeof(*n));
	if (!n)
		return;
	n->block = a->block;
	n->res = result_clone(r);
	if (!n->res) {
		free(n);
		return;
	}
	n->next = e->ncache;
	e->ncache = n;
}

static const struct nentry *ncache_find(const struct whois_engine *e,
                                        const struct whois_block *ip)
{
	const struct nentry *n;

	if (e->conf.no_cache || !ip->af)
		return NULL;
	for (n = e->ncache; n; n = n->next)
		if (whois_block_contains(&n->block, ip))
			return n;
	return NULL;
}

/* ---- hops ---- */

static struct whois_hop *cur_hop(struct whois_job *j)
{
	return &j->r->hops[j->r->nhops - 1];
}

static bool visited(const struct whois_result *r, const char *host, int port, const char *query)
{
	size_t i;

	for (i = 0; i < r->nhops; i++)
		if (r->hops[i].port == port && strcmp(r->hops[i].server, host) == 0 &&
		    strcmp(r->hops[i].query, query) == 0)
			return true;
	return false;
}

static void trail_hop(struct whois_job *j, const struct whois_hop *h, int src_port,
                      bool proxy_failed)
{
	struct whois_engine *e = j->e;
	struct trail_rec rec;
	char ip[NET_ADDR_STRLEN] = "", cause[600];
	const char *outcome;

	if (!e->conf.trail)
		return;
	trail_rec_init(&rec);
	rec.step = step_of(e, j->r->kind);
	rec.proto = h->rwhois ? "rwhois" : "whois";
	if (h->addr[0])
		net_addr_ip(&j->addr, ip, sizeof(ip));
	rec.server = ip[0] ? ip : NULL;
	rec.port = h->port;
	rec.src_port = src_port;
	rec.server_name = h->server;
	rec.qname = h->query;
	rec.bytes_out = (long)h->bytes_out;
	rec.bytes_in = (long)h->bytes_in;
	rec.started_ms = j->hop_wall;
	rec.elapsed_ms = h->elapsed_ms;
	if (h->answer && h->status == ST_OK)
		outcome = whois_state_name(h->answer->state);
	else if (proxy_failed && h->status != ST_TIMEOUT)
		outcome = "proxy-error";
	else if (h->status == ST_TIMEOUT)
		outcome = "timeout";
	else if (h->status == ST_REFUSED)
		outcome = "refused";
	else if (h->status == ST_TOOBIG)
		outcome = "too-big";
	else if (h->status == ST_CLOSED)
		outcome = "closed";
	else
		outcome = "error";
	rec.outcome = outcome;
	snprintf(cause, sizeof(cause), "%s; %s", j->cause, h->reason);
	rec.cause = cause;
	rec.note = h->detail[0] ? h->detail : NULL;
	rec.proxy = h->proxy[0] ? h->proxy : NULL;
	trail_write(e->conf.trail, &rec);
}

/* The first usable referral of the last answer, or false (with notes on refused ones). */
static bool next_target(struct whois_job *j, struct target *t)
{
	struct whois_engine *e = j->e;
	struct whois_result *r = j->r;
	const struct whois_hop *h = cur_hop(j);
	const struct whois_answer *a = h->answer;
	size_t i;

	if (!a || a->state != WST_ANSWERED || e->conf.no_referrals)
		return false;
	for (i = 0; i < a->nrefs; i++) {
		const struct whois_ref *ref = &a->refs[i];
		char line[WHOIS_QUERY_MAX];

		memset(t, 0, sizeof(*t));
		if (ref->reject[0]) {
			note(r, "%s: %s referral not followed (%s): %.80s [line %lu]", h->server,
			     whois_rkind_name(ref->kind), ref->reject, ref->raw, ref->line);
			continue;
		}
		if (ref->kind == WR_NOT_MANAGED) {
			struct whois_route rt;

			memset(&rt, 0, sizeof(rt));
			if (e->conf.route && e->conf.route(e->conf.route_ctx, r->kind, r->asked, &rt) &&
			    rt.server[0] && strcmp(rt.server, h->server) != 0) {
				snprintf(t->host, sizeof(t->host), "%s", rt.server);
				t->port = rt.port ? rt.port : WHOIS_PORT;
				snprintf(t->reason, sizeof(t->reason), "%.100s line %lu: block not managed "
				         "there; %.100s", h->server, ref->line, rt.why);
			} else {
				snprintf(t->host, sizeof(t->host), "whois.arin.net");
				t->port = WHOIS_PORT;
				snprintf(t->reason, sizeof(t->reason), "%.100s line %lu: block not managed "
				         "there; no snapshot answer, asking ARIN", h->server, ref->line);
			}
		} else {
			snprintf(t->host, sizeof(t->host), "%s", ref->host);
			t->port = ref->port ? ref->port : WHOIS_PORT;
			t->rwhois = ref->rwhois;
			snprintf(t->reason, sizeof(t->reason), "referral (%s) from %.100s line %lu: %.100s",
			         whois_rkind_name(ref->kind), h->server, ref->line, ref->raw);
		}
		t->referral = true;
		if (strcmp(t->host, h->server) == 0 && t->port == h->port) {
			note(r, "%s: self-referral ignored [line %lu]", h->server, ref->line);
			continue;
		}
		if (whois_query_line(e->conf.tab, t->host, r->kind, r->asked, e->tag, line,
		                     sizeof(line)) != ST_OK ||
		    visited(r, t->host, t->port, line)) {
			note(r, "%s: referral to %s:%d not followed: already asked [line %lu]",
			     h->server, t->host, t->port, ref->line);
			continue;
		}
		return true;
	}
	return false;
}

static void after_hop(struct whois_job *j)
{
	struct target t;

	if (!next_target(j, &t)) {
		finish(j);
		return;
	}
	if (j->r->nhops >= j->e->conf.max_hops) {
		note(j->r, "hop cap %u reached: %s not asked (%s)", j->e->conf.max_hops, t.host,
		     t.reason);
		finish(j);
		return;
	}
	j->t = t;
	start_hop(j);
}

static void hop_failed(struct whois_job *j, int st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void hop_failed(struct whois_job *j, int st, const char *fmt, ...)
{
	struct whois_hop *h = cur_hop(j);
	va_list ap;

	h->status = st;
	va_start(ap, fmt);
	vsnprintf(h->detail, sizeof(h->detail), fmt, ap);
	va_end(ap);
	note(j->r, "%s:%d: %s", h->server, h->port, h->detail);
	finish(j);
}

static void tcp_done(const struct net_tcp_result *res, void *arg)
{
	struct whois_job *j = arg;
	struct whois_engine *e = j->e;
	struct whois_hop *h = cur_hop(j);

	j->tcp = NULL;
	h->status = res->status;
	h->bytes_out = res->bytes_out;
	h->bytes_in = res->len;
	h->elapsed_ms = res->elapsed_ms;
	e->stats.exchanges++;
	e->stats.bytes_in += res->len;
	e->stats.bytes_out += res->bytes_out;
	if (res->proxy_error)
		snprintf(h->detail, sizeof(h->detail), "%.128s (%s after %llu ms)", res->proxy_error,
		         res->phase ? res->phase : "exchange", (unsigned long long)res->elapsed_ms);
	else if (res->status != ST_OK)
		snprintf(h->detail, sizeof(h->detail), "%s during %s after %llu ms, %zu bytes received",
		         status_str(res->status), res->phase ? res->phase : "exchange",
		         (unsigned long long)res->elapsed_ms, res->len);
	if (res->status == ST_OK && res->len == 0) {
		snprintf(h->detail, sizeof(h->detail), "the server closed the connection without "
		         "answering");
		note(j->r, "%s:%d: %s", h->server, h->port, h->detail);
	}
	if (res->len > 0 || res->status == ST_OK) {
		h->answer = whois_answer_new();
		if (h->answer && whois_parse(e->conf.tab, h->server, WFMT_UNKNOWN, res->data, res->len,
		                             h->answer) != ST_OK) {
			whois_answer_free(h->answer);
			h->answer = NULL;
		}
		h->partial = res->status != ST_OK;
		if (e->conf.keep_text) {
			h->text = mem_dup(res->data, res->len);
			h->text_len = h->text ? res->len : 0;
		}
		if (res->status == ST_OK)
			xcache_put(e, h, res->data, res->len);
	}
	trail_hop(j, h, res->src_port, res->proxy_error != NULL);
	if (res->status != ST_OK) {
		note(j->r, "%s:%d: %s", h->server, h->port, h->detail);
		if (!h->answer || res->status == ST_TIMEOUT || res->status == ST_TOOBIG) {
			/* a cut answer is reported but not trusted for referrals */
			finish(j);
			return;
		}
	}
	after_hop(j);
}

/* RWhois: the answer ends at a %ok or %error line (RFC 2167 §3.1), not at EOF. */
static const char *const rwhois_ends[] = { "%ok", "%error", NULL };

static void connect_hop(struct whois_job *j)
{
	struct whois_engine *e = j->e;
	struct whois_hop *h = cur_hop(j);
	struct net_tcp_req req;
	char msg[WHOIS_QUERY_MAX + 4];
	uint64_t now = loop_now(e->loop), left;
	int st;

	if (j->by_name) {
		/* The proxy resolves the name: its address is never seen here, so what the
		 * address check cannot catch is refused by name. */
		if (j->t.referral && !e->conf.allow_private && whois_name_private(h->server)) {
			hop_failed(j, ST_REFUSED, "referral target %s names loopback or an address "
			           "that the proxy would resolve: refused (--allow-private-referrals)",
			           h->server);
			return;
		}
	} else {
		net_addr_fmt(&j->addr, h->addr, sizeof(h->addr));
	}
	if (!j->by_name && j->t.referral && !e->conf.allow_private) {
		const struct sockaddr *sa = (const struct sockaddr *)&j->addr.ss;
		const uint8_t *ab = sa->sa_family == AF_INET ?
		        (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr :
		        (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;

		if (whois_addr_private(sa->sa_family == AF_INET ? 4 : 6, ab)) {
			hop_failed(j, ST_REFUSED, "referral target %s resolves to %s, a loopback, "
			           "private, link-local or multicast address: refused "
			           "(--allow-private-referrals)", h->server, h->addr);
			return;
		}
	}
	if (now >= j->deadline) {
		hop_failed(j, ST_TIMEOUT, "total deadline passed before connecting");
		return;
	}
	left = j->deadline - now;
	snprintf(msg, sizeof(msg), "%s\r\n", h->query);
	memset(&req, 0, sizeof(req));
	if (j->by_name) {
		req.target_host = h->server;
		req.target_port = h->port;
	} else {
		req.server = j->addr;
	}
	if (e->conf.socks5) {
		req.socks5 = e->conf.socks5;
		snprintf(h->proxy, sizeof(h->proxy), "%s", e->proxy_label);
	}
	req.msg = (const uint8_t *)msg;
	req.len = strlen(msg);
	req.connect_timeout_ms = e->conf.connect_timeout_ms < left ? e->conf.connect_timeout_ms : left;
	req.timeout_ms = e->conf.hop_timeout_ms < left ? e->conf.hop_timeout_ms : left;
	req.max_bytes = e->conf.max_bytes;
	if (h->rwhois) {
		req.frame = net_frame_lines;
		req.frame_arg = (void *)rwhois_ends;
	} else {
		req.frame = net_frame_eof;
	}
	j->hop_wall = e->conf.rec_clock->wall_ms(e->conf.rec_clock);
	st = net_tcp_start(e->loop, &req, tcp_done, j, &j->tcp);
	if (st != ST_OK) {
		j->tcp = NULL;
		hop_failed(j, st, "cannot start the exchange: %s", status_str(st));
	}
}

static void dns_done(const struct dns_result *res, void *arg)
{
	struct whois_job *j = arg;
	struct whois_hop *h = cur_hop(j);
	size_t i;

	j->dq = NULL;
	if (res->outcome == DNS_ANSWER && res->msg) {
		for (i = 0; i < res->msg->an; i++) {
			const struct dns_rr *rr = &res->msg->rr[i];
			char ip[64];

			if (!dns_rr_answers(rr, res->canon, j->dq_aaaa ? DNS_T_AAAA : DNS_T_A))
				continue;
			if (j->dq_aaaa)
				inet_ntop(AF_INET6, rr->d.aaaa, ip, sizeof(ip));
			else
				inet_ntop(AF_INET, rr->d.a, ip, sizeof(ip));
			if (net_addr_from_ip(ip, h->port, &j->addr) == ST_OK) {
				connect_hop(j);
				return;
			}
		}
	}
	if (!j->dq_aaaa && dns_outcome_definitive(res->outcome) &&
	    res->outcome != DNS_NXDOMAIN) {
		struct dns_name nm;

		j->dq_aaaa = true;
		if (dns_name_from_text(h->server, strlen(h->server), &nm, NULL) == ST_OK &&
		    dns_stub_query(j->e->conf.dns, &nm, DNS_T_AAAA, j->dns_cause, dns_done, j,
		                   &j->dq) == ST_OK) {
			j->e->stats.dns_lookups++;
			return;
		}
	}
	hop_failed(j, ST_NOTFOUND, "server name %s did not resolve: %s%s%s", h->server,
	           dns_outcome_str(res->outcome), res->detail[0] ? ", " : "", res->detail);
}

static void start_hop(struct whois_job *j)
{
	struct whois_engine *e = j->e;
	struct whois_result *r = j->r;
	struct whois_hop *h;
	struct xentry *x;
	struct dns_name nm;
	char line[WHOIS_QUERY_MAX], ip[HOSTPORT_MAX_HOST];
	const char *why = NULL;
	int st;

	if (loop_now(e->loop) >= j->deadline) {
		note(r, "total deadline passed: %s not asked", j->t.host);
		finish(j);
		return;
	}
	st = whois_query_line(e->conf.tab, j->t.host, r->kind, r->asked, e->tag, line, sizeof(line));
	if (st != ST_OK) {
		note(r, "no query line for %s: %s", j->t.host, status_str(st));
		finish(j);
		return;
	}
	h = &r->hops[r->nhops++];
	memset(h, 0, sizeof(*h));
	snprintf(h->server, sizeof(h->server), "%s", j->t.host);
	h->port = j->t.port;
	h->rwhois = j->t.rwhois;
	snprintf(h->query, sizeof(h->query), "%s", line);
	snprintf(h->reason, sizeof(h->reason), "%s", j->t.reason);
	x = xcache_find(e, &j->t, line);
	if (x) {
		h->cached = true;
		h->status = ST_OK;
		h->answer = answer_dup(x->answer);
		h->bytes_in = x->len;
		snprintf(h->addr, sizeof(h->addr), "%s", x->addr);
		if (e->conf.keep_text) {
			h->text = mem_dup(x->text, x->len);
			h->text_len = h->text ? x->len : 0;
		}
		e->stats.cache_hits++;
		after_hop(j);
		return;
	}
	/* an address literal needs no DNS */
	j->by_name = false;
	snprintf(ip, sizeof(ip), "%s", h->server);
	if (net_addr_from_ip(ip, h->port, &j->addr) == ST_OK) {
		connect_hop(j);
		return;
	}
	if (dns_name_from_text(h->server, strlen(h->server), &nm, &why) != ST_OK) {
		hop_failed(j, ST_INVAL, "not a host name: %s", why ? why : "?");
		return;
	}
	if (e->conf.socks5) {
		/* named to the proxy (ATYP 3): no DNS query for a WHOIS server leaves here */
		if (!hostname_valid(h->server, strlen(h->server))) {
			hop_failed(j, ST_INVAL, "not a host name the proxy can be asked for");
			return;
		}
		memset(&j->addr, 0, sizeof(j->addr));
		j->by_name = true;
		connect_hop(j);
		return;
	}
	j->dq_aaaa = false;
	snprintf(j->dns_cause, sizeof(j->dns_cause), "WHOIS server %s for %s; %s", h->server,
	         j->cause, h->reason);
	st = dns_stub_query(e->conf.dns, &nm, DNS_T_A, j->dns_cause, dns_done, j, &j->dq);
	if (st != ST_OK) {
		j->dq = NULL;
		hop_failed(j, st, "cannot resolve %s: %s", h->server, status_str(st));
		return;
	}
	e->stats.dns_lookups++;
}

static void finish(struct whois_job *j)
{
	struct whois_engine *e = j->e;
	struct whois_result *r = j->r;
	whois_done_fn fn = j->fn;
	void *arg = j->arg;

	struct whois_job *p;

	summarize(r);
	ncache_put(e, r);
	for (p = e->jobs; p; p = p->next) {
		if (p->parked_on == j) {
			p->parked_on = NULL;
			loop_timer_after(e->loop, &p->kick, 0);
		}
	}
	j->r = NULL;
	job_free(j);
	fn(r, arg);
}

/* Same /24 (IPv4) or /48 (IPv6): likely the same network, worth one chain only. */
static bool nearby(const struct whois_block *a, const struct whois_block *b)
{
	return a->af && a->af == b->af &&
	       memcmp(a->lo, b->lo, a->af == 4 ? 15 : 6) == 0;
}

/* Answer from the netblock cache when an earlier lookup's network holds the address. */
static bool from_netblock(struct whois_job *j)
{
	struct whois_engine *e = j->e;
	const struct nentry *n;
	struct whois_result *c;
	size_t i;

	if (e->conf.server || !(n = ncache_find(e, &j->ip)))
		return false;
	c = result_clone(n->res);
	if (!c)
		return false;
	memcpy(c->query, j->r->query, sizeof(c->query));
	memcpy(c->asked, j->r->asked, sizeof(c->asked));
	c->from_netblock_cache = true;
	for (i = 0; i < c->nhops; i++)
		c->hops[i].cached = true;
	whois_result_free(j->r);
	j->r = c;
	e->stats.netblock_hits++;
	return true;
}

static void kick_fn(struct loop *l, struct loop_timer *t)
{
	struct whois_job *j = t->arg, *p;

	(void)l;
	if (j->done_ready || from_netblock(j)) {
		finish(j);
		return;
	}
	/* a lookup of a nearby address is in flight: wait for its network, then decide */
	if (j->ip.af && !j->e->conf.no_cache) {
		for (p = j->e->jobs; p; p = p->next) {
			if (p != j && p->started && !p->done_ready && nearby(&p->ip, &j->ip)) {
				j->parked_on = p;
				return;
			}
		}
	}
	j->started = true;
	start_hop(j);
}

/* ---- starting a lookup ---- */

int whois_lookup(struct whois_engine *e, const char *query, const char *cause, whois_done_fn fn,
                 void *arg, struct whois_job **out)
{
	struct whois_job *j;
	struct whois_result *r;
	struct whois_route rt;
	int kind, st;

	if (out)
		*out = NULL;
	if (!e || !fn)
		return ST_INVAL;
	j = calloc(1, sizeof(*j));
	r = calloc(1, sizeof(*r));
	if (!j || !r) {
		free(j);
		free(r);
		return ST_NOMEM;
	}
	snprintf(r->query, sizeof(r->query), "%s", query ? query : "");
	kind = whois_query_kind(query, r->asked, sizeof(r->asked));
	if (kind < 0) {
		free(j);
		free(r);
		return ST_INVAL;
	}
	r->kind = (enum whois_qkind)kind;
	r->final_hop = r->abuse_hop = -1;
	j->e = e;
	j->r = r;
	j->fn = fn;
	j->arg = arg;
	snprintf(j->cause, sizeof(j->cause), "%s", cause ? cause : "whois lookup");
	j->deadline = loop_now(e->loop) + e->conf.total_timeout_ms;
	loop_timer_init(&j->kick, kick_fn, j);
	if (r->kind == WQ_IPV4 || r->kind == WQ_IPV6)
		whois_block_parse(r->asked, strlen(r->asked), &j->ip);
	e->stats.lookups++;

	/* routing: --server, else the route (snapshot) unless --iana, else IANA */
	memset(&rt, 0, sizeof(rt));
	if (e->conf.route && e->conf.route(e->conf.route_ctx, r->kind, r->asked, &rt)) {
		snprintf(r->rdap, sizeof(r->rdap), "%s", rt.rdap);
		if (rt.query[0] && !e->conf.server)
			snprintf(r->asked, sizeof(r->asked), "%s", rt.query);
	} else {
		memset(&rt, 0, sizeof(rt));
	}
	if (e->conf.server) {
		snprintf(j->t.host, sizeof(j->t.host), "%s", e->conf.server);
		j->t.port = e->conf.server_port ? e->conf.server_port : WHOIS_PORT;
		snprintf(j->t.reason, sizeof(j->t.reason), "first server: --server");
	} else if (rt.nothing) {
		r->outcome = WO_NO_SERVER;
		note(r, "%s", rt.why[0] ? rt.why : "no WHOIS server serves this query");
		j->done_ready = true;
	} else if (rt.no_port43 && !e->conf.iana) {
		r->outcome = WO_NOT_SERVED;
		note(r, "%s: the registry has no port-43 service%s%s", rt.why,
		     r->rdap[0] ? "; RDAP: " : "", r->rdap);
		j->done_ready = true;
	} else if (rt.server[0] && !e->conf.iana) {
		snprintf(j->t.host, sizeof(j->t.host), "%s", rt.server);
		j->t.port = rt.port ? rt.port : WHOIS_PORT;
		snprintf(j->t.reason, sizeof(j->t.reason), "first server: %s", rt.why);
	} else {
		snprintf(j->t.host, sizeof(j->t.host), "%s", WHOIS_IANA_SERVER);
		j->t.port = WHOIS_PORT;
		snprintf(j->t.reason, sizeof(j->t.reason), "first server: IANA (%s)",
		         e->conf.iana ? "--iana" : "no snapshot answer");
	}
	j->next = e->jobs;
	if (e->jobs)
		e->jobs->prev = j;
	e->jobs = j;
	st = loop_timer_after(e->loop, &j->kick, 0);
	if (st != ST_OK) {
		job_free(j);
		return st;
	}
	if (out)
		*out = j;
	return ST_OK;
}
