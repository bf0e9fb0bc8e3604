/* Stub resolver: lookups as state machines over the loop's UDP/TCP exchanges, with a cache. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_stub.h"
#include "rand.h"
#include "status.h"

#define TCP_TIMEOUT_FACTOR 2         /* a TCP exchange gets twice the round's UDP timeout */
#define Q_MAX_SERVERS DNS_ITER_MAX_SERVERS   /* per-lookup server tables (>= the stub's 8) */

struct server_state {
	struct net_addr addr;
	char text[NET_ADDR_STRLEN];      /* "ip:port" */
	char ip[NET_ADDR_STRLEN];
	int port;
	bool no_edns;                    /* answered FORMERR to EDNS once: never again */
};

struct cache_entry {
	struct cache_entry *next;
	struct dns_name qname;
	uint16_t qtype;
	uint64_t expires;                /* loop ms */
	enum dns_outcome outcome;
	struct dns_msg *msg;
	struct dns_name canon;
	unsigned hops;
	char server[NET_ADDR_STRLEN];
	const char *proto;
};

/* A zone cut learnt by iterative lookups: the zone and its servers' addresses. */
struct cut {
	struct cut *next;
	struct dns_name zone;
	struct net_addr addr[DNS_ITER_MAX_SERVERS];
	size_t n;
};

struct query;

struct dns_lookup {
	struct dns_stub *stub;
	struct dns_lookup *prev, *next;  /* every live lookup of the stub */
	struct dns_lookup *wnext;        /* in its query's waiter list */
	struct query *q;                 /* in flight */
	struct cache_entry *hit;         /* waiting for delivery from the cache */
	struct loop_timer timer;         /* cache delivery (never synchronous) */
	dns_stub_fn fn;
	void *arg;
	bool joined;
	bool delivering;
	bool cancelled;
};

/* Datagrams the RFC 5452 check dropped during one exchange, by reason. */
struct match_ctx {
	struct query *q;
	unsigned by_reason[DNS_MATCH_FORMERR_NOQ + 1];
};

struct query {
	struct dns_stub *stub;
	struct query *prev, *next;       /* in flight */
	struct dns_name qname;           /* asked by the caller */
	struct dns_name cur;             /* asked now (the end of a CNAME chain after restarts) */
	uint16_t qtype;
	char *cause;
	struct dns_lookup *waiters;
	struct server_state *sv;         /* whom to ask: the stub's list, or the zone's (isv) */
	size_t nsv;
	size_t order[Q_MAX_SERVERS];
	bool srv_done[Q_MAX_SERVERS];    /* not to be asked again by this lookup */
	enum dns_outcome srv_fail[Q_MAX_SERVERS];
	bool srv_failed[Q_MAX_SERVERS];
	unsigned srv_tries[Q_MAX_SERVERS];
	unsigned round, pos;
	/* iterative */
	bool iter;
	bool no_join;                    /* a name-server lookup: nobody may join it */
	struct dns_name zone;            /* the zone whose servers are in isv */
	struct server_state isv[DNS_ITER_MAX_SERVERS];
	struct dns_name ns_pending[DNS_ITER_MAX_NS];   /* NS names without usable glue */
	size_t nns_pending;
	struct dns_lookup *sub;          /* the name-server lookup in flight */
	unsigned depth;
	unsigned budget_store;
	unsigned *budget;                /* exchanges left, shared with nested lookups */
	/* the exchange in flight */
	struct net_udp *udp;
	struct net_tcp *tcp;
	size_t srv;
	uint16_t qid;
	bool edns;
	char retry[DNS_MAX_NAME_TEXT + 64];
	int64_t started_wall;
	uint64_t started_rec;
	struct match_ctx mctx;
	uint8_t wire[2 + DNS_QUERY_MAX];   /* 2-byte TCP prefix, then the query */
	size_t qlen;
	char proxy_err[128];             /* the last proxy failure, for the detail */
	/* progress */
	unsigned exchanges;
	unsigned hops;
	char restart_cause[DNS_MAX_NAME_TEXT + 32];
};

struct dns_stub {
	struct loop *loop;
	struct dns_stub_conf conf;
	struct socks5_proxy socks5;      /* conf.socks5 points here when set */
	char proxy_label[SOCKS5_LABEL_MAX];   /* "socks5 HOST:PORT" for the trail, or "" */
	struct server_state srv[DNS_STUB_MAX_SERVERS];
	struct query *inflight;
	struct dns_lookup *lookups;
	struct cache_entry *cache;
	struct cut *cuts;
	struct dns_stub_stats stats;
};

static const char *const outcome_names[] = {
	"answer", "nodata", "nxdomain", "servfail", "refused", "timeout", "malformed", "rcode",
	"network", "cname-loop", "limit", "internal"
};

const char *dns_outcome_str(enum dns_outcome o)
{
	if ((size_t)o < sizeof(outcome_names) / sizeof(outcome_names[0]))
		return outcome_names[o];
	return "?";
}

bool dns_outcome_definitive(enum dns_outcome o)
{
	return o == DNS_ANSWER || o == DNS_NODATA || o == DNS_NXDOMAIN;
}

/* ---- answers ---- */

int dns_answer_canon(const struct dns_msg *m, const struct dns_name *qname, uint16_t qtype,
                     struct dns_name *canon, unsigned *hops)
{
	unsigned n = 0;

	*canon = *qname;
	*hops = 0;
	if (qtype == DNS_T_CNAME)
		return ST_OK;
	for (;;) {
		size_t i;
		bool moved = false;

		for (i = 0; i < m->an; i++) {
			const struct dns_rr *rr = &m->rr[i];

			if (rr->type == DNS_T_CNAME && rr->rclass == DNS_C_IN && !rr->opaque &&
			    dns_name_eq(&rr->owner, canon)) {
				if (++n > DNS_CNAME_MAX)
					return ST_TOOBIG;     /* also catches loops */
				*canon = rr->d.target;
				moved = true;
				break;
			}
		}
		if (!moved)
			break;
	}
	*hops = n;
	return ST_OK;
}

bool dns_rr_answers(const struct dns_rr *rr, const struct dns_name *canon, uint16_t qtype)
{
	return rr->type == qtype && rr->rclass == DNS_C_IN && !rr->opaque &&
	       dns_name_eq(&rr->owner, canon);
}

static bool has_soa(const struct dns_msg *m)
{
	size_t i;

	for (i = m->an; i < m->an + m->ns; i++)
		if (m->rr[i].type == DNS_T_SOA)
			return true;
	return false;
}

/* Seconds the outcome may be reused: the smallest relevant TTL (RFC 2308 for negatives). */
static uint32_t cache_ttl(const struct dns_msg *m, enum dns_outcome o)
{
	uint32_t ttl = DNS_CACHE_MAX_TTL;
	size_t i;
	bool any = false;

	if (o == DNS_ANSWER) {
		for (i = 0; i < m->an; i++) {
			uint32_t t = dns_ttl(m->rr[i].ttl);

			any = true;
			if (t < ttl)
				ttl = t;
		}
	} else {
		for (i = m->an; i < m->an + m->ns; i++) {
			const struct dns_rr *rr = &m->rr[i];
			uint32_t t;

			if (rr->type != DNS_T_SOA || rr->opaque)
				continue;
			t = dns_ttl(rr->ttl);
			if (rr->d.soa.minimum < t)
				t = rr->d.soa.minimum;
			any = true;
			if (t < ttl)
				ttl = t;
		}
	}
	return any ? ttl : 0;
}

/* ---- construction ---- */

int dns_stub_new(struct loop *l, const struct dns_stub_conf *conf, struct dns_stub **out)
{
	struct dns_stub *s;
	size_t i;

	*out = NULL;
	if (!l || !conf || conf->nservers > DNS_STUB_MAX_SERVERS ||
	    conf->nhints > DNS_HINTS_MAX ||
	    (conf->iterative ? conf->nhints == 0 : conf->nservers == 0))
		return ST_INVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ST_NOMEM;
	s->loop = l;
	s->conf = *conf;
	if (conf->socks5) {
		/* A proxy carries TCP only: every exchange is a TCP one (no UDP ever leaves). */
		s->socks5 = *conf->socks5;
		s->conf.socks5 = &s->socks5;
		s->conf.tcp_only = true;
		socks5_label(&s->socks5, s->proxy_label, sizeof(s->proxy_label));
	}
	if (!s->conf.timeout_ms)
		s->conf.timeout_ms = DNS_STUB_TIMEOUT_MS;
	if (s->conf.timeout_ms > DNS_STUB_MAX_TIMEOUT_MS)
		s->conf.timeout_ms = DNS_STUB_MAX_TIMEOUT_MS;
	if (!s->conf.attempts)
		s->conf.attempts = DNS_STUB_ATTEMPTS;
	if (s->conf.attempts > DNS_STUB_MAX_ATTEMPTS)
		s->conf.attempts = DNS_STUB_MAX_ATTEMPTS;
	if (!s->conf.step)
		s->conf.step = "dns";
	for (i = 0; i < conf->nservers; i++) {
		s->srv[i].addr = conf->servers[i];
		net_addr_fmt(&conf->servers[i], s->srv[i].text, sizeof(s->srv[i].text));
		net_addr_ip(&conf->servers[i], s->srv[i].ip, sizeof(s->srv[i].ip));
		s->srv[i].port = net_addr_port(&conf->servers[i]);
	}
	*out = s;
	return ST_OK;
}

void dns_stub_stats(const struct dns_stub *s, struct dns_stub_stats *out)
{
	*out = s->stats;
}

/* ---- trail ---- */

static uint64_t rec_mono(const struct dns_stub *s)
{
	const struct clock *c = s->conf.rec_clock;

	return c ? c->mono_ms(c) : loop_now(s->loop);
}

static int64_t rec_wall(const struct dns_stub *s)
{
	const struct clock *c = s->conf.rec_clock ? s->conf.rec_clock : &clock_system;

	return c->wall_ms(c);
}

struct xinfo {
	const char *proto;
	int src_port;
	long bytes_out;
	long bytes_in;
	const char *outcome;
	int rcode;
	int mismatches;
	const char *note;
};

static void mismatch_note(const struct match_ctx *mc, unsigned empties, char *out, size_t n)
{
	size_t used = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i <= DNS_MATCH_FORMERR_NOQ; i++) {
		if (!mc->by_reason[i])
			continue;
		used += (size_t)snprintf(out + used, n > used ? n - used : 0, "%sdropped %u: %s",
		                         used ? "; " : "", mc->by_reason[i],
		                         dns_match_str((enum dns_match)i));
		if (used >= n)
			return;
	}
	if (empties)
		snprintf(out + used, n > used ? n - used : 0, "%signored %u empty datagram%s",
		         used ? "; " : "", empties, empties == 1 ? "" : "s");
}

static void trail_exchange(struct query *q, const struct xinfo *x)
{
	struct dns_stub *s = q->stub;
	const struct server_state *sv = &q->sv[q->srv];
	struct trail_rec r;
	char name[DNS_MAX_NAME_TEXT], tb[DNS_TYPE_STRLEN], note[DNS_MAX_NAME_TEXT + 512];

	if (!s->conf.trail)
		return;
	if (q->iter) {
		char zone[DNS_MAX_NAME_TEXT];

		dns_name_str(&q->zone, zone);
		snprintf(note, sizeof(note), "zone %s%s%s", zone, x->note && x->note[0] ? "; " : "",
		         x->note ? x->note : "");
	} else {
		snprintf(note, sizeof(note), "%s", x->note ? x->note : "");
	}
	dns_name_str(&q->cur, name);
	trail_rec_init(&r);
	r.step = s->conf.step;
	r.proto = x->proto;
	r.server = sv->ip;
	r.port = sv->port;
	r.src_port = x->src_port;
	r.qname = name;
	r.qtype = dns_type_str(q->qtype, tb);
	r.qid = q->qid;
	r.bytes_out = x->bytes_out;
	r.bytes_in = x->bytes_in;
	r.started_ms = q->started_wall;
	r.elapsed_ms = rec_mono(s) - q->started_rec;
	r.outcome = x->outcome;
	r.rcode = x->rcode;
	r.retry = q->retry[0] ? q->retry : NULL;
	r.cause = q->cause;
	r.mismatches = x->mismatches;
	r.note = note[0] ? note : NULL;
	r.proxy = s->proxy_label[0] ? s->proxy_label : NULL;
	trail_write(s->conf.trail, &r);
}

/* ---- lookups and queries ---- */

static void query_step(struct query *q);
static void query_free(struct query *q);

static void lookup_unlink(struct dns_lookup *lk)
{
	struct dns_stub *s = lk->stub;

	if (lk->prev)
		lk->prev->next = lk->next;
	else
		s->lookups = lk->next;
	if (lk->next)
		lk->next->prev = lk->prev;
	lk->prev = lk->next = NULL;
}

static void lookup_free(struct dns_lookup *lk)
{
	loop_timer_stop(lk->stub->loop, &lk->timer);
	lookup_unlink(lk);
	free(lk);
}

static void fill_result(struct dns_result *r, const struct query *q, enum dns_outcome o)
{
	memset(r, 0, sizeof(*r));
	r->outcome = o;
	r->qname = &q->qname;
	r->qtype = q->qtype;
	r->canon = &q->cur;
	r->cname_hops = q->hops;
	r->exchanges = q->exchanges;
}

/* Deliver r to every waiter of q, then free q. q must already be out of the flight list. */
static void deliver(struct query *q, const struct dns_result *r)
{
	struct dns_lookup *lk, *list = q->waiters;
	struct dns_result mine;

	q->waiters = NULL;
	for (lk = list; lk; lk = lk->wnext) {
		lk->q = NULL;
		lk->delivering = true;
	}
	/* A callback may cancel other waiters (flagged) or start new lookups (new queries). */
	for (lk = list; lk; lk = lk->wnext) {
		if (lk->cancelled)
			continue;
		mine = *r;
		mine.cached = lk->joined;
		if (lk->joined)
			mine.exchanges = 0;
		lk->fn(&mine, lk->arg);
	}
	while (list) {
		lk = list;
		list = lk->wnext;
		lookup_free(lk);
	}
}

static void inflight_unlink(struct query *q)
{
	struct dns_stub *s = q->stub;

	if (q->prev)
		q->prev->next = q->next;
	else if (s->inflight == q)
		s->inflight = q->next;
	if (q->next)
		q->next->prev = q->prev;
	q->prev = q->next = NULL;
}

/* The lookup ended with a server's reply (msg owned here) or with failures. */
static void query_finish(struct query *q, enum dns_outcome o, struct dns_msg *msg,
                         const char *proto, const char *detail)
{
	struct dns_stub *s = q->stub;
	struct dns_result r;
	struct cache_entry *ce = NULL;

	inflight_unlink(q);
	fill_result(&r, q, o);
	r.msg = msg;
	if (msg || o == DNS_CNAME_LOOP) {
		snprintf(r.server, sizeof(r.server), "%s", q->sv[q->srv].text);
		r.proto = proto;
	}
	if (detail)
		snprintf(r.detail, sizeof(r.detail), "%s", detail);
	if (s->conf.cache && msg && dns_outcome_definitive(o)) {
		uint32_t ttl = cache_ttl(msg, o);

		ce = ttl ? calloc(1, sizeof(*ce)) : NULL;
		if (ce) {
			ce->qname = q->qname;
			ce->qtype = q->qtype;
			ce->expires = loop_now(s->loop) + (uint64_t)ttl * 1000u;
			ce->outcome = o;
			ce->msg = msg;
			ce->canon = q->cur;
			ce->hops = q->hops;
			snprintf(ce->server, sizeof(ce->server), "%s", r.server);
			ce->proto = proto;
			ce->next = s->cache;
			s->cache = ce;
		}
	}
	deliver(q, &r);
	if (!ce)
		dns_msg_free(msg);
	query_free(q);
}

/* Nobody answered definitively: report the most telling failure, naming every server. */
static void query_fail_all(struct query *q)
{
	static const enum dns_outcome rank[] = { DNS_SERVFAIL, DNS_MALFORMED, DNS_RCODE,
		                                  DNS_REFUSED, DNS_TIMEOUT, DNS_NETWORK };
	enum dns_outcome o = DNS_TIMEOUT;
	char detail[256];
	size_t i, k, used = 0, best = 0;
	bool found = false;

	for (k = 0; k < sizeof(rank) / sizeof(rank[0]) && !found; k++) {
		for (i = 0; i < q->nsv; i++) {
			if (q->srv_failed[i] && q->srv_fail[i] == rank[k]) {
				o = rank[k];
				best = i;
				found = true;
				break;
			}
		}
	}
	detail[0] = '\0';
	if (q->iter) {
		char zone[DNS_MAX_NAME_TEXT];

		dns_name_str(&q->zone, zone);
		used = (size_t)snprintf(detail, sizeof(detail), "no server of zone %s answered%s",
		                        zone, q->nsv ? ": " : " (no address for its name servers)");
		if (used >= sizeof(detail))
			used = sizeof(detail) - 1;
		if (!found)
			o = DNS_SERVFAIL;
	}
	for (i = 0; i < q->nsv; i++) {
		if (!q->srv_failed[i])
			continue;
		used += (size_t)snprintf(detail + used, used < sizeof(detail) ?
		                         sizeof(detail) - used : 0, "%s%s from %s (%u tr%s)",
		                         used && detail[used - 1] != ' ' ? "; " : "",
		                         dns_outcome_str(q->srv_fail[i]), q->sv[i].text, q->srv_tries[i],
		                         q->srv_tries[i] == 1 ? "y" : "ies");
	}
	if (q->proxy_err[0] && used < sizeof(detail))
		snprintf(detail + used, sizeof(detail) - used, "; %s", q->proxy_err);
	{
		struct dns_result r;

		inflight_unlink(q);
		fill_result(&r, q, o);
		if (found)
			snprintf(r.server, sizeof(r.server), "%s", q->sv[best].text);
		snprintf(r.detail, sizeof(r.detail), "%s", detail);
		deliver(q, &r);
		query_free(q);
	}
}

static void server_failed(struct query *q, enum dns_outcome o, bool final)
{
	q->srv_failed[q->srv] = true;
	q->srv_fail[q->srv] = o;
	if (final)
		q->srv_done[q->srv] = true;
}

/* Why the next exchange happens: "timeout from 192.0.2.53:53". */
static void set_retry(struct query *q, const char *what)
{
	snprintf(q->retry, sizeof(q->retry), "%s %s", what, q->sv[q->srv].text);
}

static int build_query(struct query *q)
{
	struct dns_stub *s = q->stub;
	struct dns_query_opts o;
	uint32_t id;
	size_t len;

	if (rand_below(65536, &id) != ST_OK)
		return ST_IO;
	q->qid = (uint16_t)id;
	q->edns = !s->conf.no_edns && !q->sv[q->srv].no_edns;
	memset(&o, 0, sizeof(o));
	o.id = q->qid;
	o.rd = !s->conf.no_rd && !q->iter;
	o.edns_size = q->edns ? DNS_EDNS_SIZE : 0;
	if (dns_query_build(&q->cur, q->qtype, DNS_C_IN, &o, q->wire + 2, DNS_QUERY_MAX, &len) !=
	    ST_OK)
		return ST_INVAL;
	q->wire[0] = (uint8_t)(len >> 8);
	q->wire[1] = (uint8_t)len;
	q->qlen = len;
	return ST_OK;
}

static uint64_t round_timeout(const struct query *q)
{
	uint64_t t = (uint64_t)q->stub->conf.timeout_ms << (q->round < 16 ? q->round : 16);

	return t > DNS_STUB_MAX_TIMEOUT_MS ? DNS_STUB_MAX_TIMEOUT_MS : t;
}

static void handle_reply(struct query *q, const uint8_t *p, size_t n, const char *proto,
                         const struct xinfo *base);
static void retry_same(struct query *q, bool tcp);

static bool match_reply(const uint8_t *d, size_t n, void *arg)
{
	struct match_ctx *mc = arg;
	struct query *q = mc->q;
	enum dns_match m = dns_reply_match(d, n, q->qid, &q->cur, q->qtype, DNS_C_IN);

	if (m == DNS_MATCH_OK || (m == DNS_MATCH_FORMERR_NOQ && q->edns))
		return true;
	mc->by_reason[m]++;
	q->stub->stats.mismatches++;
	return false;
}

static void udp_done(const struct net_udp_result *res, void *arg)
{
	struct query *q = arg;
	struct xinfo x;
	char note[200];

	q->udp = NULL;
	memset(&x, 0, sizeof(x));
	x.proto = "udp";
	x.src_port = res->src_port;
	x.bytes_out = (long)res->bytes_out;
	x.bytes_in = res->status == ST_OK ? (long)res->len : -1;
	x.rcode = -1;
	x.mismatches = (int)res->mismatches;
	mismatch_note(&q->mctx, res->empties, note, sizeof(note));
	x.note = note;
	if (res->status == ST_OK) {
		if (res->truncated) {
			/* Longer than our buffer: as good as TC. */
			x.outcome = "truncated";
			trail_exchange(q, &x);
			set_retry(q, "oversized UDP reply from");
			retry_same(q, true);
			return;
		}
		handle_reply(q, res->reply, res->len, "udp", &x);
		return;
	}
	if (res->status == ST_TIMEOUT) {
		x.outcome = "timeout";
		trail_exchange(q, &x);
		server_failed(q, DNS_TIMEOUT, false);
		set_retry(q, "timeout from");
	} else {
		x.outcome = res->status == ST_REFUSED ? "port-unreachable" : "network-error";
		trail_exchange(q, &x);
		server_failed(q, DNS_NETWORK, true);
		set_retry(q, "network error from");
	}
	query_step(q);
}

static void tcp_done(const struct net_tcp_result *res, void *arg)
{
	struct query *q = arg;
	struct xinfo x;
	char note[192];

	q->tcp = NULL;
	memset(&x, 0, sizeof(x));
	x.proto = "tcp";
	x.src_port = res->src_port;
	x.bytes_out = (long)res->bytes_out;
	x.bytes_in = res->len ? (long)res->len : -1;
	x.rcode = -1;
	x.mismatches = -1;
	if (res->status == ST_OK) {
		handle_reply(q, res->data + 2, res->msg_len - 2, "tcp", &x);
		return;
	}
	if (res->proxy_error) {
		snprintf(note, sizeof(note), "%s (%s)", res->proxy_error, res->phase);
		snprintf(q->proxy_err, sizeof(q->proxy_err), "%s", res->proxy_error);
	}
	else
		snprintf(note, sizeof(note), "%s during %s", status_str(res->status), res->phase);
	x.note = note;
	if (res->status == ST_TIMEOUT) {
		x.outcome = "timeout";
		trail_exchange(q, &x);
		server_failed(q, DNS_TIMEOUT, false);
		set_retry(q, "TCP timeout from");
	} else if (res->status == ST_MALFORMED && !res->proxy_error) {
		x.outcome = "malformed";
		snprintf(note, sizeof(note), "TCP length prefix below 12");
		trail_exchange(q, &x);
		server_failed(q, DNS_MALFORMED, true);
		set_retry(q, "malformed TCP reply from");
	} else {
		x.outcome = res->proxy_error ? "proxy-error" : "network-error";
		trail_exchange(q, &x);
		server_failed(q, DNS_NETWORK, true);
		set_retry(q, res->proxy_error ? "proxy failure reaching" :
		          res->status == ST_CLOSED ? "connection closed by" :
		          res->status == ST_REFUSED ? "connection refused by" : "network error with");
	}
	query_step(q);
}

static int start_exchange(struct query *q, bool tcp)
{
	struct dns_stub *s = q->stub;
	uint64_t t = round_timeout(q);
	int st;

	if (q->budget) {
		if (*q->budget == 0)
			return ST_TOOBIG;
		(*q->budget)--;
	}
	st = build_query(q);
	if (st != ST_OK)
		return st;
	tcp = tcp || s->conf.socks5;           /* never a datagram around the proxy */
	memset(&q->mctx, 0, sizeof(q->mctx));
	q->mctx.q = q;
	q->started_wall = rec_wall(s);
	q->started_rec = rec_mono(s);
	q->exchanges++;
	q->srv_tries[q->srv]++;
	s->stats.exchanges++;
	if (tcp) {
		struct net_tcp_req req;

		memset(&req, 0, sizeof(req));
		req.server = q->sv[q->srv].addr;
		req.msg = q->wire;
		req.len = q->qlen + 2;
		req.connect_timeout_ms = t;
		req.timeout_ms = t * TCP_TIMEOUT_FACTOR;
		req.max_bytes = 2 + DNS_MAX_MSG;
		req.frame = net_frame_dns;
		req.socks5 = s->conf.socks5;
		s->stats.tcp++;
		return net_tcp_start(s->loop, &req, tcp_done, q, &q->tcp);
	} else {
		struct net_udp_req req;

		memset(&req, 0, sizeof(req));
		req.server = q->sv[q->srv].addr;
		req.msg = q->wire + 2;
		req.len = q->qlen;
		req.timeout_ms = t;
		req.max_reply = NET_UDP_MAX_REPLY;
		req.match = match_reply;
		req.match_arg = &q->mctx;
		s->stats.udp++;
		return net_udp_start(s->loop, &req, udp_done, q, &q->udp);
	}
}

/* A retry on the same server (TC → TCP, FORMERR → no EDNS), outside the round robin. */
static void retry_same(struct query *q, bool tcp)
{
	if (start_exchange(q, tcp) != ST_OK) {
		server_failed(q, DNS_INTERNAL, true);
		query_step(q);
	}
}

/* ---- iterative: zones, servers, referrals ---- */

static int start_lookup(struct dns_stub *s, const struct dns_name *qname, uint16_t qtype,
                        const char *cause, dns_stub_fn fn, void *arg, struct dns_lookup **out,
                        unsigned depth, unsigned *budget, bool joinable);

static void server_set(struct server_state *sv, const struct net_addr *a)
{
	memset(sv, 0, sizeof(*sv));
	sv->addr = *a;
	net_addr_fmt(a, sv->text, sizeof(sv->text));
	net_addr_ip(a, sv->ip, sizeof(sv->ip));
	sv->port = net_addr_port(a);
}

/* Forget the zone's servers and their state (a new zone, or a restart). */
static void servers_reset(struct query *q)
{
	q->nsv = 0;
	q->round = 0;
	q->pos = 0;
	q->nns_pending = 0;
	memset(q->srv_done, 0, sizeof(q->srv_done));
	memset(q->srv_failed, 0, sizeof(q->srv_failed));
	memset(q->srv_tries, 0, sizeof(q->srv_tries));
}

static bool server_add(struct query *q, const struct net_addr *a)
{
	size_t i;

	for (i = 0; i < q->nsv; i++)
		if (net_addr_eq(&q->isv[i].addr, a))
			return false;
	if (q->nsv >= DNS_ITER_MAX_SERVERS)
		return false;
	server_set(&q->isv[q->nsv], a);
	q->nsv++;
	return true;
}

/* Ask the zone's servers from a random one on (spreads load, like Unbound). */
static void order_from_random(struct query *q)
{
	uint32_t r = 0;
	size_t i;

	if (q->nsv > 1 && rand_below((uint32_t)q->nsv, &r) != ST_OK)
		r = 0;
	for (i = 0; i < q->nsv; i++)
		q->order[i] = (r + i) % q->nsv;
}

static bool addr_from_rr(const struct dns_rr *rr, struct net_addr *out)
{
	char ip[INET6_ADDRSTRLEN];

	if (rr->type == DNS_T_A)
		inet_ntop(AF_INET, rr->d.a, ip, sizeof(ip));
	else if (rr->type == DNS_T_AAAA)
		inet_ntop(AF_INET6, rr->d.aaaa, ip, sizeof(ip));
	else
		return false;
	return net_addr_from_ip(ip, 53, out) == ST_OK;
}

/* Remember the zone's servers for later lookups of this run. */
static void cut_save(struct query *q)
{
	struct dns_stub *s = q->stub;
	struct cut *c;
	size_t i;

	if (q->nsv == 0 || dns_name_labels(&q->zone) == 0)
		return;
	for (c = s->cuts; c; c = c->next)
		if (dns_name_eq(&c->zone, &q->zone))
			break;
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return;
		c->zone = q->zone;
		c->next = s->cuts;
		s->cuts = c;
	}
	c->n = 0;
	for (i = 0; i < q->nsv; i++)
		c->addr[c->n++] = q->isv[i].addr;
}

/* Start at the deepest zone cut known for the current name, else at the root hints. */
static void iter_start_at_cut(struct query *q)
{
	struct dns_stub *s = q->stub;
	const struct cut *best = NULL, *c;
	size_t i;

	for (c = s->cuts; c; c = c->next)
		if (dns_name_under(&q->cur, &c->zone) && (!best || c->zone.len > best->zone.len))
			best = c;
	servers_reset(q);
	if (best) {
		q->zone = best->zone;
		for (i = 0; i < best->n; i++)
			server_add(q, &best->addr[i]);
	} else {
		dns_name_from_text(".", 1, &q->zone, NULL);
		for (i = 0; i < s->conf.nhints; i++)
			server_add(q, &s->conf.hints[i]);
	}
	order_from_random(q);
}

/*
 * A referral: NS records in AUTHORITY for a zone strictly below the current zone and at or
 * above `name` (the deepest such zone). NULL if there is none.
 */
static const struct dns_name *iter_find_referral(const struct query *q, const struct dns_msg *m,
                                                 const struct dns_name *name)
{
	const struct dns_rr *z = NULL;
	size_t i;

	for (i = m->an; i < m->an + m->ns; i++) {
		const struct dns_rr *rr = &m->rr[i];

		if (rr->type != DNS_T_NS || rr->opaque || rr->rclass != DNS_C_IN)
			continue;
		if (dns_name_under(name, &rr->owner) && dns_name_under(&rr->owner, &q->zone) &&
		    !dns_name_eq(&rr->owner, &q->zone) && (!z || rr->owner.len > z->owner.len))
			z = rr;
	}
	return z ? &z->owner : NULL;
}

/*
 * Move to the referred zone. Its servers are the glue addresses owned by its NS names and
 * lying inside it (in-bailiwick); the other NS names are kept for nested lookups.
 */
static void iter_referral(struct query *q, const struct dns_msg *m, const struct dns_name *to)
{
	struct dns_name zone = *to;
	size_t i, k;

	servers_reset(q);
	q->zone = zone;
	for (i = m->an; i < m->an + m->ns; i++) {
		const struct dns_rr *rr = &m->rr[i];
		bool glue = false;

		if (rr->type != DNS_T_NS || rr->opaque || !dns_name_eq(&rr->owner, &zone))
			continue;
		if (dns_name_under(&rr->d.target, &zone)) {
			for (k = m->an + m->ns; k < m->nrr; k++) {
				struct net_addr a;

				if (!m->rr[k].opaque && m->rr[k].rclass == DNS_C_IN &&
				    dns_name_eq(&m->rr[k].owner, &rr->d.target) &&
				    addr_from_rr(&m->rr[k], &a)) {
					server_add(q, &a);
					glue = true;
				}
			}
		}
		if (!glue && q->nns_pending < DNS_ITER_MAX_NS)
			q->ns_pending[q->nns_pending++] = rr->d.target;
	}
	order_from_random(q);
	cut_save(q);
}

static void query_step(struct query *q);

static void on_ns_addr(const struct dns_result *r, void *arg)
{
	struct query *q = arg;
	bool added = false;
	size_t i;

	q->sub = NULL;
	if (r->outcome == DNS_ANSWER && r->msg) {
		for (i = 0; i < r->msg->an; i++) {
			struct net_addr a;

			if (dns_rr_answers(&r->msg->rr[i], r->canon, DNS_T_A) &&
			    addr_from_rr(&r->msg->rr[i], &a))
				added = server_add(q, &a) || added;
		}
	}
	if (added) {
		order_from_random(q);
		q->round = 0;
		q->pos = 0;
		cut_save(q);
	}
	query_step(q);
}

/* Look up the address of the next NS name that came without glue. */
static bool iter_next_ns(struct query *q)
{
	char cause[2 * DNS_MAX_NAME_TEXT + 64], ns[DNS_MAX_NAME_TEXT], zone[DNS_MAX_NAME_TEXT];

	while (q->nns_pending > 0) {
		struct dns_name target = q->ns_pending[0];

		q->nns_pending--;
		memmove(q->ns_pending, q->ns_pending + 1, q->nns_pending * sizeof(q->ns_pending[0]));
		/* Inside the zone it serves but without glue: unreachable through this zone. */
		if (dns_name_under(&target, &q->zone) || q->depth + 1 > DNS_ITER_MAX_DEPTH)
			continue;
		dns_name_str(&target, ns);
		dns_name_str(&q->zone, zone);
		snprintf(cause, sizeof(cause), "address of name server %s of %s", ns, zone);
		if (start_lookup(q->stub, &target, DNS_T_A, cause, on_ns_addr, q, &q->sub,
		                 q->depth + 1, q->budget, false) == ST_OK)
			return true;
	}
	return false;
}

/* Start the next exchange of the round robin, or give up. */
static void query_step(struct query *q)
{
	struct dns_stub *s = q->stub;

	while (q->round < s->conf.attempts) {
		while (q->pos < q->nsv) {
			size_t i = q->order[q->pos++];
			int st;

			if (q->srv_done[i])
				continue;
			q->srv = i;
			st = start_exchange(q, s->conf.tcp_only);
			if (st == ST_OK)
				return;
			if (st == ST_TOOBIG) {
				query_finish(q, DNS_LIMIT, NULL, NULL,
				             "iterative query budget of 50 exchanges used up");
				return;
			}
			server_failed(q, DNS_INTERNAL, true);
		}
		q->round++;
		q->pos = 0;
	}
	if (q->iter && iter_next_ns(q))
		return;
	query_fail_all(q);
}

/* Restart from the end of an unfinished CNAME chain (a new question, a fresh server list). */
static void query_restart(struct query *q, const struct dns_name *target)
{
	char from[DNS_MAX_NAME_TEXT];

	dns_name_str(&q->cur, from);
	q->cur = *target;
	if (q->iter) {
		iter_start_at_cut(q);
	} else {
		q->round = 0;
		q->pos = 0;
		memset(q->srv_done, 0, sizeof(q->srv_done));
		memset(q->srv_failed, 0, sizeof(q->srv_failed));
		memset(q->srv_tries, 0, sizeof(q->srv_tries));
	}
	snprintf(q->retry, sizeof(q->retry), "alias target of %s", from);
	query_step(q);
}

/* The CNAME chain inside the answer, following only aliases owned inside `zone`. */
static int iter_canon(const struct dns_msg *m, const struct dns_name *qname, uint16_t qtype,
                      const struct dns_name *zone, struct dns_name *canon, unsigned *hops)
{
	unsigned n = 0;

	*canon = *qname;
	*hops = 0;
	if (qtype == DNS_T_CNAME)
		return ST_OK;
	while (dns_name_under(canon, zone)) {
		size_t i;
		bool moved = false;

		for (i = 0; i < m->an && !moved; i++) {
			const struct dns_rr *rr = &m->rr[i];

			if (rr->type == DNS_T_CNAME && rr->rclass == DNS_C_IN && !rr->opaque &&
			    dns_name_eq(&rr->owner, canon)) {
				if (++n > DNS_CNAME_MAX)
					return ST_TOOBIG;
				*canon = rr->d.target;
				moved = true;
			}
		}
		if (!moved)
			break;
	}
	*hops = n;
	return ST_OK;
}

/* NOERROR or NXDOMAIN from a server asked iteratively: answer, referral, alias, or lame. */
static void iter_reply(struct query *q, struct dns_msg *m, struct xinfo *x, const char *proto)
{
	struct dns_name canon;
	unsigned hops = 0;
	size_t i;
	bool any = false, inside;

	if (iter_canon(m, &q->cur, q->qtype, &q->zone, &canon, &hops) != ST_OK ||
	    q->hops + hops > DNS_CNAME_MAX) {
		x->outcome = "cname-loop";
		trail_exchange(q, x);
		q->hops += hops;
		query_finish(q, DNS_CNAME_LOOP, m, proto, "alias chain longer than 16 or circular");
		return;
	}
	inside = dns_name_under(&canon, &q->zone);
	/* Bailiwick: only records owned inside the zone this server was asked about. */
	for (i = 0; i < m->an && !any; i++)
		any = dns_rr_answers(&m->rr[i], &canon, q->qtype) && inside;
	if (any) {
		x->outcome = "answer";
		trail_exchange(q, x);
		q->hops += hops;
		q->cur = canon;
		query_finish(q, DNS_ANSWER, m, proto, NULL);
		return;
	}
	if (hops > 0 && (!inside || (!has_soa(m) && m->rcode == DNS_R_NOERROR))) {
		/* The alias leads elsewhere: what the server says about its target is not its
		 * business (no answer records, no NXDOMAIN) - ask from the best cut. */
		x->outcome = "alias";
		trail_exchange(q, x);
		dns_msg_free(m);
		q->hops += hops;
		query_restart(q, &canon);
		return;
	}
	if (m->rcode == DNS_R_NXDOMAIN) {
		x->outcome = "nxdomain";
		trail_exchange(q, x);
		q->hops += hops;
		q->cur = canon;
		query_finish(q, DNS_NXDOMAIN, m, proto, NULL);
		return;
	}
	if (iter_find_referral(q, m, &canon)) {
		char zone[DNS_MAX_NAME_TEXT];

		x->outcome = "referral";
		trail_exchange(q, x);            /* about the server asked, before moving on */
		iter_referral(q, m, iter_find_referral(q, m, &canon));
		dns_name_str(&q->zone, zone);
		snprintf(q->retry, sizeof(q->retry), "referral to %s", zone);
		dns_msg_free(m);
		q->hops += hops;
		q->cur = canon;
		query_step(q);
		return;
	}
	if (has_soa(m) || m->aa) {
		x->outcome = "nodata";
		trail_exchange(q, x);
		q->hops += hops;
		q->cur = canon;
		query_finish(q, DNS_NODATA, m, proto, NULL);
		return;
	}
	/* Neither data nor a referral down: a lame server (or an upward referral). */
	x->outcome = "lame";
	trail_exchange(q, x);
	dns_msg_free(m);
	server_failed(q, DNS_REFUSED, true);
	set_retry(q, "lame reply from");
	query_step(q);
}

static void handle_reply(struct query *q, const uint8_t *p, size_t n, const char *proto,
                         const struct xinfo *base)
{
	struct dns_msg *m = NULL;
	struct dns_err err;
	struct xinfo x = *base;
	struct dns_name canon;
	unsigned hops = 0;
	enum dns_match mt;
	size_t i;
	bool any = false;

	if (dns_msg_parse(p, n, &m, &err) != ST_OK) {
		x.outcome = "malformed";
		x.note = err.msg;
		if (n >= 4)
			x.rcode = p[3] & 0xF;
		trail_exchange(q, &x);
		server_failed(q, DNS_MALFORMED, true);
		set_retry(q, "malformed reply from");
		query_step(q);
		return;
	}
	x.rcode = m->rcode;
	/* TCP replies were not filtered by the transport: check them here. */
	mt = dns_reply_match(p, n, q->qid, &q->cur, q->qtype, DNS_C_IN);
	if (mt != DNS_MATCH_OK && !(mt == DNS_MATCH_FORMERR_NOQ && q->edns)) {
		x.outcome = "malformed";
		x.note = dns_match_str(mt);
		trail_exchange(q, &x);
		dns_msg_free(m);
		server_failed(q, DNS_MALFORMED, true);
		set_retry(q, "reply not matching the query from");
		query_step(q);
		return;
	}
	if (m->tc && strcmp(proto, "udp") == 0) {
		x.outcome = "truncated";
		trail_exchange(q, &x);
		dns_msg_free(m);
		set_retry(q, "truncated (TC) by");
		retry_same(q, true);
		return;
	}
	if (m->rcode == DNS_R_FORMERR && q->edns) {
		x.outcome = "formerr";
		trail_exchange(q, &x);
		dns_msg_free(m);
		q->sv[q->srv].no_edns = true;
		set_retry(q, "FORMERR to EDNS from");
		retry_same(q, strcmp(proto, "tcp") == 0);
		return;
	}
	switch (m->rcode) {
	case DNS_R_NOERROR:
	case DNS_R_NXDOMAIN:
		break;
	case DNS_R_SERVFAIL:
		x.outcome = "servfail";
		trail_exchange(q, &x);
		dns_msg_free(m);
		server_failed(q, DNS_SERVFAIL, true);
		set_retry(q, "SERVFAIL from");
		query_step(q);
		return;
	case DNS_R_REFUSED:
		x.outcome = "refused";
		trail_exchange(q, &x);
		dns_msg_free(m);
		server_failed(q, DNS_REFUSED, true);
		set_retry(q, "REFUSED from");
		query_step(q);
		return;
	default:
		x.outcome = "rcode";
		trail_exchange(q, &x);
		dns_msg_free(m);
		server_failed(q, DNS_RCODE, true);
		set_retry(q, "error RCODE from");
		query_step(q);
		return;
	}
	if (q->iter) {
		iter_reply(q, m, &x, proto);
		return;
	}
	if (dns_answer_canon(m, &q->cur, q->qtype, &canon, &hops) != ST_OK ||
	    q->hops + hops > DNS_CNAME_MAX) {
		x.outcome = "cname-loop";
		trail_exchange(q, &x);
		q->hops += hops;
		query_finish(q, DNS_CNAME_LOOP, m, proto,
		             "alias chain longer than 16 or circular");
		return;
	}
	q->hops += hops;
	if (m->rcode == DNS_R_NXDOMAIN) {
		x.outcome = "nxdomain";
		trail_exchange(q, &x);
		q->cur = canon;
		query_finish(q, DNS_NXDOMAIN, m, proto, NULL);
		return;
	}
	for (i = 0; i < m->an && !any; i++)
		any = dns_rr_answers(&m->rr[i], &canon, q->qtype);
	if (any) {
		x.outcome = "answer";
		trail_exchange(q, &x);
		q->cur = canon;
		query_finish(q, DNS_ANSWER, m, proto, NULL);
		return;
	}
	if (hops > 0 && !has_soa(m)) {
		/* The server gave the alias but not what it points to: ask for that. */
		x.outcome = "alias";
		trail_exchange(q, &x);
		dns_msg_free(m);
		query_restart(q, &canon);
		return;
	}
	x.outcome = "nodata";
	trail_exchange(q, &x);
	q->cur = canon;
	query_finish(q, DNS_NODATA, m, proto, NULL);
}

/* Cancel the exchange in flight, leaving a trail record for the packet already sent. */
static void cancel_exchange(struct query *q)
{
	struct xinfo x;

	if (!q->udp && !q->tcp)
		return;
	memset(&x, 0, sizeof(x));
	x.proto = q->udp ? "udp" : "tcp";
	x.src_port = -1;
	x.bytes_out = (long)(q->udp ? q->qlen : q->qlen + 2);
	x.bytes_in = -1;
	x.outcome = "cancelled";
	x.rcode = -1;
	x.mismatches = -1;
	trail_exchange(q, &x);
	net_udp_cancel(q->udp);
	net_tcp_cancel(q->tcp);
	q->udp = NULL;
	q->tcp = NULL;
}

static void query_free(struct query *q)
{
	cancel_exchange(q);
	if (q->sub) {
		struct dns_lookup *sub = q->sub;

		q->sub = NULL;
		dns_lookup_cancel(sub);
	}
	free(q->cause);
	free(q);
}

static void cache_deliver(struct loop *l, struct loop_timer *t)
{
	struct dns_lookup *lk = t->arg;
	struct cache_entry *ce = lk->hit;
	struct dns_result r;

	(void)l;
	memset(&r, 0, sizeof(r));
	r.outcome = ce->outcome;
	r.qname = &ce->qname;
	r.qtype = ce->qtype;
	r.msg = ce->msg;
	r.canon = &ce->canon;
	r.cname_hops = ce->hops;
	snprintf(r.server, sizeof(r.server), "%s", ce->server);
	r.proto = ce->proto;
	r.cached = true;
	lk->delivering = true;
	lk->fn(&r, lk->arg);
	lookup_free(lk);
}

static struct cache_entry *cache_find(struct dns_stub *s, const struct dns_name *qname,
                                      uint16_t qtype)
{
	struct cache_entry *ce;
	uint64_t now = loop_now(s->loop);

	for (ce = s->cache; ce; ce = ce->next)
		if (ce->qtype == qtype && ce->expires > now && dns_name_eq(&ce->qname, qname))
			return ce;
	return NULL;
}

/*
 * Start a lookup. `depth` and `budget` are those of an iterative name-server lookup (0 and
 * NULL for the callers' own lookups, which get a fresh budget); such nested lookups never
 * join a query in flight, nor can others join them, so that no lookup ever waits for
 * itself and a budget never outlives its owner.
 */
static int start_lookup(struct dns_stub *s, const struct dns_name *qname, uint16_t qtype,
                        const char *cause, dns_stub_fn fn, void *arg, struct dns_lookup **out,
                        unsigned depth, unsigned *budget, bool joinable)
{
	struct dns_lookup *lk;
	struct query *q;
	size_t i, start = 0;
	int st;

	if (out)
		*out = NULL;
	if (!s || !qname || !fn || qname->len == 0)
		return ST_INVAL;
	lk = calloc(1, sizeof(*lk));
	if (!lk)
		return ST_NOMEM;
	lk->stub = s;
	lk->fn = fn;
	lk->arg = arg;
	loop_timer_init(&lk->timer, cache_deliver, lk);
	lk->next = s->lookups;
	if (s->lookups)
		s->lookups->prev = lk;
	s->lookups = lk;
	s->stats.lookups++;
	if (s->conf.cache) {
		struct cache_entry *ce = cache_find(s, qname, qtype);

		if (ce) {
			lk->hit = ce;
			st = loop_timer_after(s->loop, &lk->timer, 0);
			if (st != ST_OK) {
				lookup_free(lk);
				return st;
			}
			s->stats.cache_hits++;
			if (out)
				*out = lk;
			return ST_OK;
		}
		for (q = joinable ? s->inflight : NULL; q; q = q->next) {
			if (!q->no_join && q->qtype == qtype && dns_name_eq(&q->qname, qname)) {
				struct dns_lookup **tail = &q->waiters;

				/* Callbacks run in the order the lookups were started. */
				while (*tail)
					tail = &(*tail)->wnext;
				*tail = lk;
				lk->q = q;
				lk->joined = true;
				s->stats.joined++;
				if (out)
					*out = lk;
				return ST_OK;
			}
		}
	}
	q = calloc(1, sizeof(*q));
	if (!q) {
		lookup_free(lk);
		return ST_NOMEM;
	}
	q->stub = s;
	q->qname = *qname;
	q->cur = *qname;
	q->qtype = qtype;
	q->cause = strdup(cause ? cause : "");
	if (!q->cause) {
		free(q);
		lookup_free(lk);
		return ST_NOMEM;
	}
	q->no_join = !joinable;
	if (s->conf.iterative) {
		q->iter = true;
		q->sv = q->isv;
		q->depth = depth;
		q->budget_store = DNS_ITER_MAX_QUERIES;
		q->budget = budget ? budget : &q->budget_store;
		iter_start_at_cut(q);
	} else {
		q->sv = s->srv;
		q->nsv = s->conf.nservers;
		if (s->conf.rotate && q->nsv > 1) {
			uint32_t r;

			if (rand_below((uint32_t)q->nsv, &r) == ST_OK)
				start = r;
		}
		for (i = 0; i < q->nsv; i++)
			q->order[i] = (start + i) % q->nsv;
	}
	q->waiters = lk;
	lk->q = q;
	q->next = s->inflight;
	if (s->inflight)
		s->inflight->prev = q;
	s->inflight = q;
	/* The first exchange starts now; its outcome arrives from the loop. */
	while (q->pos < q->nsv) {
		q->srv = q->order[q->pos++];
		st = start_exchange(q, s->conf.tcp_only);
		if (st == ST_OK)
			break;
		server_failed(q, DNS_INTERNAL, true);
		if (st == ST_TOOBIG)
			break;
	}
	if (!q->udp && !q->tcp) {
		/* Not one exchange could be started (budget, memory, kernel random source). */
		inflight_unlink(q);
		q->waiters = NULL;
		free(q->cause);
		free(q);
		lk->q = NULL;
		lookup_free(lk);
		return ST_IO;
	}
	if (out)
		*out = lk;
	return ST_OK;
}

int dns_stub_query(struct dns_stub *s, const struct dns_name *qname, uint16_t qtype,
                   const char *cause, dns_stub_fn fn, void *arg, struct dns_lookup **out)
{
	return start_lookup(s, qname, qtype, cause, fn, arg, out, 0, NULL, true);
}

void dns_lookup_cancel(struct dns_lookup *lk)
{
	struct query *q;
	struct dns_lookup **pp;

	if (!lk || lk->cancelled)
		return;
	if (lk->delivering) {
		lk->cancelled = true;       /* freed by whoever is delivering */
		return;
	}
	q = lk->q;
	if (q) {
		for (pp = &q->waiters; *pp; pp = &(*pp)->wnext) {
			if (*pp == lk) {
				*pp = lk->wnext;
				break;
			}
		}
		if (!q->waiters) {
			inflight_unlink(q);
			query_free(q);
		}
	}
	lookup_free(lk);
}

void dns_stub_free(struct dns_stub *s)
{
	struct cache_entry *ce;

	if (!s)
		return;
	while (s->inflight) {
		struct query *q = s->inflight;
		struct dns_lookup *lk;

		inflight_unlink(q);
		while ((lk = q->waiters) != NULL) {
			q->waiters = lk->wnext;
			lookup_free(lk);
		}
		query_free(q);
	}
	while (s->lookups)
		lookup_free(s->lookups);
	while ((ce = s->cache) != NULL) {
		s->cache = ce->next;
		dns_msg_free(ce->msg);
		free(ce);
	}
	while (s->cuts) {
		struct cut *c = s->cuts;

		s->cuts = c->next;
		free(c);
	}
	free(s);
}
