/* Unit tests for the stub resolver against scripted loopback peers, and resolv.conf parsing. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "dns_stub.h"
#include "loop.h"
#include "net.h"
#include "status.h"
#include "trail.h"
#include "util_dnspeer.h"
#include "util_socks5peer.h"

/* ---- harness ---- */

#define MAX_RES 16

struct got {
	int calls;
	enum dns_outcome outcome;
	char server[NET_ADDR_STRLEN];
	char proto[8];
	unsigned exchanges;
	bool cached;
	unsigned hops;
	char canon[DNS_MAX_NAME_TEXT];
	char detail[256];
	size_t nrr;
	int first_a;          /* last octet of the first A answer, -1 */
	struct dns_lookup *cancel_other;
};

static void on_result(const struct dns_result *r, void *arg)
{
	struct got *g = arg;
	size_t i;

	g->calls++;
	g->outcome = r->outcome;
	snprintf(g->server, sizeof(g->server), "%s", r->server);
	snprintf(g->proto, sizeof(g->proto), "%s", r->proto ? r->proto : "");
	g->exchanges = r->exchanges;
	g->cached = r->cached;
	g->hops = r->cname_hops;
	dns_name_str(r->canon, g->canon);
	snprintf(g->detail, sizeof(g->detail), "%s", r->detail);
	g->nrr = 0;
	g->first_a = -1;
	if (r->msg) {
		for (i = 0; i < r->msg->an; i++) {
			if (!dns_rr_answers(&r->msg->rr[i], r->canon, r->qtype))
				continue;
			if (g->nrr == 0 && r->qtype == DNS_T_A)
				g->first_a = r->msg->rr[i].d.a[3];
			g->nrr++;
		}
	}
	if (g->cancel_other)
		dns_lookup_cancel(g->cancel_other);
}

struct env {
	struct loop *loop;
	struct dns_stub *stub;
	struct trail trail;
	FILE *tf;
	char *tbuf;
	size_t tlen;
	struct dns_stub_conf conf;
};

static void env_conf(struct env *e, const struct peer *p, size_t np, unsigned timeout)
{
	size_t i;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < np; i++)
		e->conf.servers[i] = p[i].addr;
	e->conf.nservers = np;
	e->conf.timeout_ms = timeout;
	e->tf = open_memstream(&e->tbuf, &e->tlen);
	trail_init(&e->trail, e->tf, NULL, NULL);
	e->conf.trail = &e->trail;
	e->conf.step = "test";
}

static void env_start(struct env *e)
{
	ck_assert_int_eq(loop_new(NULL, &e->loop), ST_OK);
	ck_assert_int_eq(dns_stub_new(e->loop, &e->conf, &e->stub), ST_OK);
}

static void env_query(struct env *e, const char *name, uint16_t type, struct got *g,
                      struct dns_lookup **h)
{
	struct dns_name n;

	ck_assert_int_eq(dns_name_from_text(name, strlen(name), &n, NULL), ST_OK);
	ck_assert_int_eq(dns_stub_query(e->stub, &n, type, "unit test", on_result, g, h), ST_OK);
	ck_assert_int_eq(g->calls, 0);                /* never synchronous */
}

static void env_run(struct env *e)
{
	ck_assert_int_eq(loop_run(e->loop), ST_OK);
}

static unsigned long env_end(struct env *e)
{
	unsigned long n = e->trail.records;

	dns_stub_free(e->stub);
	loop_free(e->loop);
	fflush(e->tf);
	return n;
}

static void env_close(struct env *e)
{
	fclose(e->tf);
	free(e->tbuf);
}

static int count_lines_with(const char *text, const char *needle)
{
	int n = 0;
	const char *line = text;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *copy = strndup(line, len);

		if (strstr(copy, needle))
			n++;
		free(copy);
		line = nl ? nl + 1 : NULL;
	}
	return n;
}

/* ---- outcomes ---- */

static void one(const enum peer_act *script, size_t n, uint16_t type, struct got *g,
                struct peer *p, struct env *e)
{
	peer_start(p, script, n);
	env_conf(e, p, 1, 1000);
	env_start(e);
	memset(g, 0, sizeof(*g));
	env_query(e, "host.test", type, g, NULL);
	env_run(e);
	ck_assert_int_eq(g->calls, 1);
	ck_assert_uint_eq(env_end(e), peer_stop(p));      /* one record per packet received */
}

START_TEST(answer_over_udp)
{
	static const enum peer_act s[] = { PA_ANSWER };
	struct peer p;
	struct env e;
	struct got g;
	char srv[NET_ADDR_STRLEN];

	one(s, 1, DNS_T_A, &g, &p, &e);
	net_addr_fmt(&p.addr, srv, sizeof(srv));
	ck_assert_int_eq(g.outcome, DNS_ANSWER);
	ck_assert_str_eq(g.server, srv);
	ck_assert_str_eq(g.proto, "udp");
	ck_assert_uint_eq(g.exchanges, 1);
	ck_assert_uint_eq(g.nrr, 1);
	ck_assert_int_eq(g.first_a, 1);
	ck_assert_int_eq(p.log[0].edns, 1);
	ck_assert_str_eq(p.log[0].qname, "host.test.");
	ck_assert_ptr_nonnull(strstr(e.tbuf, "\"step\":\"test\",\"proto\":\"udp\""));
	ck_assert_ptr_nonnull(strstr(e.tbuf, "\"qname\":\"host.test.\",\"qtype\":\"A\""));
	ck_assert_ptr_nonnull(strstr(e.tbuf, "\"outcome\":\"answer\",\"rcode\":0"));
	ck_assert_ptr_nonnull(strstr(e.tbuf, "\"cause\":\"unit test\""));
	ck_assert_ptr_nonnull(strstr(e.tbuf, "\"src_port\":"));
	ck_assert_ptr_null(strstr(e.tbuf, "\"retry\""));
	env_close(&e);
}
END_TEST

START_TEST(nxdomain_and_nodata_are_definitive)
{
	static const enum peer_act nx[] = { PA_NXDOMAIN }, nd[] = { PA_NODATA },
	                           an[] = { PA_ANSWER };
	struct peer p;
	struct env e;
	struct got g;

	one(nx, 1, DNS_T_A, &g, &p, &e);
	ck_assert_int_eq(g.outcome, DNS_NXDOMAIN);
	ck_assert_uint_eq(g.exchanges, 1);
	ck_assert_ptr_nonnull(strstr(e.tbuf, "\"outcome\":\"nxdomain\",\"rcode\":3"));
	env_close(&e);
	one(nd, 1, DNS_T_A, &g, &p, &e);
	ck_assert_int_eq(g.outcome, DNS_NODATA);
	ck_assert_uint_eq(g.exchanges, 1);
	env_close(&e);
	/* A type the peer does not serve (TXT) is NODATA too; an MX is an answer. */
	one(an, 1, DNS_T_TXT, &g, &p, &e);
	ck_assert_int_eq(g.outcome, DNS_NODATA);
	env_close(&e);
	one(an, 1, DNS_T_MX, &g, &p, &e);
	ck_assert_int_eq(g.outcome, DNS_ANSWER);
	env_close(&e);
	/* Wrong-type records in an answer are never used (CVE-2017-15650). */
	one(an, 1, DNS_T_AAAA, &g, &p, &e);
	ck_assert_int_eq(g.first_a, -1);
	env_close(&e);
}
END_TEST

START_TEST(truncated_retries_over_tcp)
{
	static const enum peer_act s[] = { PA_TC, PA_ANSWER };
	struct peer p;
	struct env e;
	struct got g;

	one(s, 2, DNS_T_A, &g, &p, &e);
	ck_assert_int_eq(g.outcome, DNS_ANSWER);
	ck_assert_str_eq(g.proto, "tcp");
	ck_assert_uint_eq(g.exchanges, 2);
	ck_assert_int_eq(p.log[0].proto, 'u');
	ck_assert_int_eq(p.log[1].proto, 't');
	ck_assert_int_eq(count_lines_with(e.tbuf, "\"outcome\":\"truncated\""), 1);
	ck_assert_int_eq(count_lines_with(e.tbuf, "\"retry\":\"truncated (TC) by 127.0.0.1:"), 1);
	env_close(&e);
}
END_TEST

START_TEST(big_answer_over_tcp)
{
	/* CVE-2015-7547 / CVE-2023-4527: a TCP reply far beyond 2048 octets. */
	static const enum peer_act s[] = { PA_BIG };
	struct peer p;
	struct env e;
	struct got g;

	one(s, 1, DNS_T_A, &g, &p, &e);
	ck_assert_int_eq(g.outcome, DNS_ANSWER);
	ck_assert_uint_eq(g.nrr, 100);
	ck_assert_str_eq(g.proto, "tcp");
	env_close(&e);
}
END_TEST

START_TEST(tcp_only)
{
	static const enum peer_act s[] = { PA_ANSWER };
	struct peer p;
	struct env e;
	struct got g;

	peer_start(&p, s, 1);
	env_conf(&e, &p, 1, 1000);
	e.conf.tcp_only = true;
	env_start(&e);
	memset(&g, 0, sizeof(g));
	env_query(&e, "host.test", DNS_T_MX, &g, NULL);
	env_run(&e);
	ck_assert_uint_eq(env_end(&e), peer_stop(&p));
	ck_assert_int_eq(g.outcome, DNS_ANSWER);
	ck_assert_int_eq(p.log[0].proto, 't');
	ck_assert_ptr_nonnull(strstr(e.tbuf, "\"proto\":\"tcp\""));
	env_close(&e);
}
END_TEST

START_TEST(through_a_socks5_proxy)
{
	static const enum peer_act s[] = { PA_TC };   /* TC over UDP: proves no UDP was sent */
	static const char *const creds[] = { NULL, "alice:Sekr1tPass" };
	size_t k;

	for (k = 0; k < 2; k++) {
		struct peer p;
		struct s5peer x;
		struct env e;
		struct got g;
		char want[64];

		peer_start(&p, s, 1);
		s5peer_start(&x, S5_RELAY, creds[k]);
		env_conf(&e, &p, 1, 1000);
		e.conf.socks5 = &x.proxy;            /* tcp_only not set: the proxy implies it */
		env_start(&e);
		memset(&g, 0, sizeof(g));
		env_query(&e, "host.test", DNS_T_A, &g, NULL);
		env_run(&e);
		ck_assert_uint_eq(env_end(&e), 1);
		ck_assert_uint_eq(peer_stop(&p), 1);
		ck_assert_uint_eq(s5peer_stop(&x), 1);
		ck_assert_int_eq(g.outcome, DNS_ANSWER);
		ck_assert_str_eq(g.proto, "tcp");
		ck_assert_int_eq(p.log[0].proto, 't');
		snprintf(want, sizeof(want), "addr 127.0.0.1:%d", net_addr_port(&p.addr));
		ck_assert_str_eq(x.log[0], want);
		ck_assert_ptr_nonnull(strstr(e.tbuf, "\"proxy\":\"socks5 127.0.0.1:"));
		ck_assert_ptr_null(strstr(e.tbuf, "\"udp\""));
		ck_assert_ptr_null(strstr(e.tbuf, "Sekr1t"));
		env_close(&e);
	}
}
END_TEST

START_TEST(socks5_proxy_refusing)
{
	static const enum peer_act s[] = { PA_ANSWER };
	struct peer p;
	struct s5peer x;
	struct env e;
	struct got g;

	peer_start(&p, s, 1);
	s5peer_start(&x, S5_DENY, NULL);
	env_conf(&e, &p, 1, 1000);
	e.conf.socks5 = &x.proxy;
	e.conf.attempts = 3;
	env_start(&e);
	memset(&g, 0, sizeof(g));
	env_query(&e, "host.test", DNS_T_A, &g, NULL);
	env_run(&e);
	ck_assert_uint_eq(env_end(&e), 1);                /* refused: not asked again */
	ck_assert_uint_eq(peer_stop(&p), 0);
	ck_assert_uint_eq(s5peer_stop(&x), 1);
	ck_assert_int_eq(g.outcome, DNS_NETWORK);
	ck_assert_ptr_nonnull(strstr(g.detail, "proxy refused: connection not allowed by ruleset"));
	ck_assert_ptr_nonnull(strstr(e.tbuf, "\"outcome\":\"proxy-error\""));
	ck_assert_ptr_nonnull(strstr(e.tbuf, "(socks5-connect)"));
	env_close(&e);
}
END_TEST

START_TEST(formerr_to_edns_retries_without_and_remembers)
{
	static const enum peer_act s[] = { PA_FORMERR_EDNS };
	struct peer p;
	struct env e;
	struct got g, g2;

	peer_start(&p, s, 1);
	env_conf(&e, &p, 1, 1000);
	env_start(&e);
	memset(&g, 0, sizeof(g));
	memset(&g2, 0, sizeof(g2));
	env_query(&e, "host.test", DNS_T_A, &g, NULL);
	env_run(&e);
	ck_assert_int_eq(g.outcome, DNS_ANSWER);
	ck_assert_uint_eq(g.exchanges, 2);
	env_query(&e, "other.test", DNS_T_A, &g2, NULL);
	env_run(&e);
	ck_assert_int_eq(g2.outcome, DNS_ANSWER);
	ck_assert_uint_eq(g2.exchanges, 1);
	ck_assert_uint_eq(env_end(&e), peer_stop(&p));
	ck_assert_uint_eq(p.nlog, 3);
	ck_assert_int_eq(p.log[0].edns, 1);
	ck_assert_int_eq(p.log[1].edns, 0);
	ck_assert_int_eq(p.log[2].edns, 0);               /* the server is remembered */
	ck_assert_int_eq(count_lines_with(e.tbuf, "\"outcome\":\"formerr\""), 1);
	env_close(&e);
}
END_TEST

START_TEST(servfail_moves_to_next_server)
{
	static const enum peer_act bad[] = { PA_SERVFAIL }, good[] = { PA_ANSWER };
	struct peer p[2];
	struct env e;
	struct got g;
	char srv[NET_ADDR_STRLEN];

	peer_start(&p[0], bad, 1);
	peer_start(&p[1], good, 1);
	env_conf(&e, p, 2, 1000);
	env_start(&e);
	memset(&g, 0, sizeof(g));
	env_query(&e, "host.test", DNS_T_A, &g, NULL);
	env_run(&e);
	ck_assert_uint_eq(env_end(&e), peer_stop(&p[0]) + peer_stop(&p[1]));
	net_addr_fmt(&p[1].addr, srv, sizeof(srv));
	ck_assert_int_eq(g.outcome, DNS_ANSWER);
	ck_assert_str_eq(g.server, srv);                 /* attributed to who answered */
	ck_assert_int_eq(count_lines_with(e.tbuf, "\"retry\":\"SERVFAIL from 127.0.0.1:"), 1);
	env_close(&e);
}
END_TEST

START_TEST(every_server_failing_names_each)
{
	static const enum peer_act sf[] = { PA_SERVFAIL }, rf[] = { PA_REFUSED };
	struct peer p[2];
	struct env e;
	struct got g;
	char s0[NET_ADDR_STRLEN], s1[NET_ADDR_STRLEN], want[256];

	peer_start(&p[0], rf, 1);
	peer_start(&p[1], sf, 1);
	env_conf(&e, p, 2, 1000);
	e.conf.attempts = 3;
	env_start(&e);
	memset(&g, 0, sizeof(g));
	env_query(&e, "host.test", DNS_T_A, &g, NULL);
	env_run(&e);
	/* Each asked once: an error RCODE is not retried in later rounds. */
	ck_assert_uint_eq(peer_stop(&p[0]), 1);
	ck_assert_uint_eq(peer_stop(&p[1]), 1);
	ck_assert_uint_eq(env_end(&e), 2);
	net_addr_fmt(&p[0].addr, s0, sizeof(s0));
	net_addr_fmt(&p[1].addr, s1, sizeof(s1));
	ck_assert_int_eq(g.outcome, DNS_SERVFAIL);
	ck_assert_str_eq(g.server, s1);
	snprintf(want, sizeof(want), "refused from %s (1 try); servfail from %s (1 try)", s0, s1);
	ck_assert_str_eq(g.detail, want);
	env_close(&e);
}
END_TEST

START_TEST(timeout_retried_next_round)
{
	static const enum peer_act s[] = { PA_DROP, PA_ANSWER };
	struct peer p;
	struct env e;
	struct got g;

	peer_start(&p, s, 2);
	env_conf(&e, &p, 1, 100);
	env_start(&e);
	memset(&g, 0, sizeof(g));
	env_query(&e, "host.test", DNS_T_A, &g, NULL);
	env_run(&e);
	ck_assert_uint_eq(env_end(&e), peer_stop(&p));
	ck_assert_int_eq(g.outcome, DNS_ANSWER);
	ck_assert_uint_eq(g.exchanges, 2);
	ck_assert_int_eq(count_lines_with(e.tbuf, "\"outcome\":\"timeout\""), 1);
	ck_assert_int_eq(count_lines_with(e.tbuf, "\"retry\":\"timeout from"), 1);
	env_close(&e);
}
END_TEST

START_TEST(all_timeouts)
{
	static const enum peer_act s[] = { PA_DROP };
	struct peer p;
	struct env e;
	struct got g;

	peer_start(&p, s, 1);
	env_conf(&e, &p, 1, 50);
	e.conf.attempts = 3;
	env_start(&e);
	memset(&g, 0, sizeof(g));
	env_query(&e, "host.test", DNS_T_A, &g, NULL);
	env_run(&e);
	ck_assert_uint_eq(env_end(&e), peer_stop(&p));
	ck_assert_uint_eq(p.nlog, 3);
	ck_assert_int_eq(g.outcome, DNS_TIMEOUT);
	ck_assert_ptr_nonnull(strstr(g.detail, "timeout from 127.0.0.1:"));
	ck_assert_ptr_nonnull(strstr(g.detail, "(3 tries)"));
	ck_assert(!dns_outcome_definitive(g.outcome));
	env_close(&e);
}
END_TEST

START_TEST(mismatched_and_empty_datagrams_are_dropped)
{
	static const enum peer_act mm[] = { PA_MISMATCH }, em[] = { PA_EMPTY };
	struct peer p;
	struct env e;
	struct got g;

	one(mm, 1, DNS_T_A, &g, &p, &e);
	ck_assert_int_eq(g.outcome, DNS_ANSWER);
	ck_assert_ptr_nonnull(strstr(e.tbuf, "\"mismatches\":2"));
	ck_assert_ptr_nonnull(strstr(e.tbuf,
	                             "dropped 1: wrong ID; dropped 1: wrong question name"));
	env_close(&e);
	one(em, 1, DNS_T_A, &g, &p, &e);
	ck_assert_int_eq(g.outcome, DNS_ANSWER);
	ck_assert_ptr_nonnull(strstr(e.tbuf, "ignored 1 empty datagram"));
	env_close(&e);
}
END_TEST

START_TEST(malformed_reply_names_the_defect)
{
	static const enum peer_act s[] = { PA_MALFORMED };
	struct peer p;
	struct env e;
	struct got g;

	one(s, 1, DNS_T_A, &g, &p, &e);
	ck_assert_int_eq(g.outcome, DNS_MALFORMED);
	ck_assert_uint_eq(p.nlog, 1);                    /* not asked again */
	ck_assert_ptr_nonnull(strstr(e.tbuf, "RDLENGTH 5, must be 4"));
	env_close(&e);
}
END_TEST

START_TEST(cname_chain_is_followed_by_asking)
{
	static const enum peer_act s[] = { PA_CNAME_ONLY, PA_ANSWER };
	struct peer p;
	struct env e;
	struct got g;

	one(s, 2, DNS_T_A, &g, &p, &e);
	ck_assert_int_eq(g.outcome, DNS_ANSWER);
	ck_assert_str_eq(g.canon, "alias.test.");
	ck_assert_uint_eq(g.hops, 1);
	ck_assert_uint_eq(g.exchanges, 2);
	ck_assert_str_eq(p.log[1].qname, "alias.test.");
	ck_assert_ptr_nonnull(strstr(e.tbuf, "\"retry\":\"alias target of host.test.\""));
	env_close(&e);
}
END_TEST

START_TEST(cname_loop_is_capped)
{
	static const enum peer_act s[] = { PA_CNAME_LOOP };
	struct peer p;
	struct env e;
	struct got g;

	one(s, 1, DNS_T_A, &g, &p, &e);
	ck_assert_int_eq(g.outcome, DNS_CNAME_LOOP);
	ck_assert_uint_eq(g.exchanges, 1);
	env_close(&e);
}
END_TEST

START_TEST(closed_port_is_a_network_failure)
{
	struct peer p;
	struct env e;
	struct got g;
	static const enum peer_act s[] = { PA_ANSWER };

	peer_start(&p, s, 1);
	peer_stop(&p);                                   /* nothing listens there any more */
	env_conf(&e, &p, 1, 2000);
	e.conf.attempts = 3;
	env_start(&e);
	memset(&g, 0, sizeof(g));
	env_query(&e, "host.test", DNS_T_A, &g, NULL);
	env_run(&e);
	ck_assert_uint_eq(env_end(&e), 1);               /* refused once, not retried */
	ck_assert_int_eq(g.outcome, DNS_NETWORK);
	ck_assert_ptr_nonnull(strstr(e.tbuf, "\"outcome\":\"port-unreachable\""));
	env_close(&e);
}
END_TEST

/* ---- concurrency, cache, cancel ---- */

START_TEST(cache_joins_and_hits)
{
	static const enum peer_act s[] = { PA_ANSWER };
	struct peer p;
	struct env e;
	struct got g[4];
	struct dns_stub_stats st;
	int i;

	peer_start(&p, s, 1);
	env_conf(&e, &p, 1, 1000);
	e.conf.cache = true;
	env_start(&e);
	memset(g, 0, sizeof(g));
	for (i = 0; i < 3; i++)
		env_query(&e, i == 1 ? "HOST.test" : "host.test", DNS_T_A, &g[i], NULL);
	env_run(&e);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(g[i].outcome, DNS_ANSWER);
	ck_assert(!g[0].cached);
	ck_assert(g[1].cached && g[2].cached);
	ck_assert_uint_eq(g[1].exchanges, 0);
	env_query(&e, "host.test", DNS_T_A, &g[3], NULL);   /* asynchronous even when cached */
	env_run(&e);
	ck_assert_int_eq(g[3].outcome, DNS_ANSWER);
	ck_assert(g[3].cached);
	ck_assert_uint_eq(g[3].exchanges, 0);
	ck_assert_int_eq(g[3].first_a, 1);
	dns_stub_stats(e.stub, &st);
	ck_assert_uint_eq(st.lookups, 4);
	ck_assert_uint_eq(st.exchanges, 1);
	ck_assert_uint_eq(st.joined, 2);
	ck_assert_uint_eq(st.cache_hits, 1);
	ck_assert_uint_eq(env_end(&e), 1);
	ck_assert_uint_eq(peer_stop(&p), 1);
	env_close(&e);
}
END_TEST

START_TEST(many_lookups_in_flight)
{
	static const enum peer_act s[] = { PA_ANSWER };
	struct peer p;
	struct env e;
	static struct got g[100];
	char name[32];
	int i;

	peer_start(&p, s, 1);
	env_conf(&e, &p, 1, 2000);
	env_start(&e);
	memset(g, 0, sizeof(g));
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "h%d.test", i);
		env_query(&e, name, i % 2 ? DNS_T_A : DNS_T_AAAA, &g[i], NULL);
	}
	env_run(&e);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(g[i].outcome, DNS_ANSWER);
	ck_assert_uint_eq(env_end(&e), 100);
	ck_assert_uint_eq(peer_stop(&p), 100);
	env_close(&e);
}
END_TEST

START_TEST(cancel_leaves_a_record_and_no_callback)
{
	static const enum peer_act s[] = { PA_DROP };
	struct peer p;
	struct env e;
	struct got g;
	struct dns_lookup *h;

	peer_start(&p, s, 1);
	env_conf(&e, &p, 1, 5000);
	env_start(&e);
	memset(&g, 0, sizeof(g));
	env_query(&e, "host.test", DNS_T_A, &g, &h);
	loop_run_once(e.loop, 50);                       /* the datagram goes out */
	dns_lookup_cancel(h);
	ck_assert_uint_eq(loop_pending(e.loop), 0);
	env_run(&e);
	ck_assert_int_eq(g.calls, 0);
	ck_assert_uint_eq(env_end(&e), peer_stop(&p));
	ck_assert_ptr_nonnull(strstr(e.tbuf, "\"outcome\":\"cancelled\""));
	env_close(&e);
}
END_TEST

START_TEST(cancel_from_another_callback)
{
	/* CVE-2020-14354 class: a lookup cancelled while replies are in flight. */
	static const enum peer_act s[] = { PA_ANSWER };
	struct peer p;
	struct env e;
	struct got a, b;
	struct dns_lookup *ha, *hb;

	peer_start(&p, s, 1);
	env_conf(&e, &p, 1, 2000);
	e.conf.cache = true;
	env_start(&e);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	env_query(&e, "host.test", DNS_T_A, &a, &ha);
	env_query(&e, "host.test", DNS_T_A, &b, &hb);    /* joins a's query */
	a.cancel_other = hb;                             /* whichever runs first cancels */
	b.cancel_other = ha;
	env_run(&e);
	ck_assert_int_eq(a.calls + b.calls, 1);
	env_end(&e);
	peer_stop(&p);
	env_close(&e);
}
END_TEST

START_TEST(ids_and_ports_vary)
{
	static const enum peer_act s[] = { PA_ANSWER };
	struct peer p;
	struct env e;
	static struct got g[40];
	char name[32];
	const char *q;
	int i, ids[40], nid = 0, distinct = 0, j;

	peer_start(&p, s, 1);
	env_conf(&e, &p, 1, 2000);
	env_start(&e);
	memset(g, 0, sizeof(g));
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "v%d.test", i);
		env_query(&e, name, DNS_T_A, &g[i], NULL);
	}
	env_run(&e);
	env_end(&e);
	peer_stop(&p);
	for (q = strstr(e.tbuf, "\"qid\":"); q && nid < 40; q = strstr(q + 1, "\"qid\":"))
		ids[nid++] = atoi(q + 6);
	ck_assert_int_eq(nid, 40);
	for (i = 0; i < nid; i++) {
		bool seen = false;

		for (j = 0; j < i; j++)
			seen = seen || ids[j] == ids[i];
		distinct += !seen;
	}
	ck_assert_int_ge(distinct, 38);                  /* 40 draws of 16 bits */
	env_close(&e);
}
END_TEST

START_TEST(bad_conf)
{
	struct loop *l;
	struct dns_stub_conf c;
	struct dns_stub *s;

	memset(&c, 0, sizeof(c));
	loop_new(NULL, &l);
	ck_assert_int_eq(dns_stub_new(l, &c, &s), ST_INVAL);
	ck_assert_ptr_null(s);
	loop_free(l);
}
END_TEST

/* ---- resolv.conf ---- */

START_TEST(resolvconf_normal)
{
	static const char t[] =
		"# comment\n; other comment\nsearch example.com\n"
		"nameserver 192.0.2.53\nnameserver 2001:db8::53\r\n"
		"options ndots:2 timeout:3 attempts:4 rotate edns0\n"
		"nameserver 198.51.100.1";                   /* no final newline */
	struct dns_resolvconf rc;
	char s[NET_ADDR_STRLEN];

	dns_resolvconf_parse(t, sizeof(t) - 1, &rc);
	ck_assert_uint_eq(rc.nservers, 3);
	net_addr_fmt(&rc.servers[1], s, sizeof(s));
	ck_assert_str_eq(s, "[2001:db8::53]:53");
	net_addr_fmt(&rc.servers[2], s, sizeof(s));
	ck_assert_str_eq(s, "198.51.100.1:53");
	ck_assert_uint_eq(rc.timeout_s, 3);
	ck_assert_uint_eq(rc.attempts, 4);
	ck_assert(rc.rotate);
	ck_assert_uint_eq(rc.ignored, 0);
}
END_TEST

START_TEST(resolvconf_hostile)
{
	/* CVE-2024-25629 (leading NUL), CVE-2023-31130 (odd address text), 10 kB lines. */
	struct dns_resolvconf rc;
	char *t = malloc(20000);
	size_t n = 0;

	memcpy(t + n, "\0nameserver 192.0.2.1\n", 22);
	n += 22;
	memcpy(t + n, "nameserver 0::00:00:00/2\n", 25);
	n += 25;
	memcpy(t + n, "nameserver fe80::1%eth0\n", 24);
	n += 24;
	memcpy(t + n, "nameserver 192.0.2.2", 20);   /* then 10 kB of padding on the same line */
	n += 20;
	memset(t + n, ' ', 10000);
	n += 10000;
	memcpy(t + n, "x\nnameserver\noptions timeout:99 attempts:x\nnameserver 192.0.2.3\n", 64);
	n += 64;
	memcpy(t + n, "nameserver 192.0.2.4\0\n", 22);
	n += 22;
	dns_resolvconf_parse(t, n, &rc);
	ck_assert_uint_eq(rc.nservers, 1);              /* only 192.0.2.3 survives */
	ck_assert_uint_eq(rc.ignored, 8);
	ck_assert_uint_eq(rc.first_ignored_line, 1);
	ck_assert_uint_eq(rc.timeout_s, 0);
	free(t);
	dns_resolvconf_parse("", 0, &rc);
	ck_assert_uint_eq(rc.nservers, 0);
}
END_TEST

START_TEST(resolvconf_server_limit)
{
	struct dns_resolvconf rc;
	char t[1024];
	size_t n = 0;
	int i;

	for (i = 0; i < DNS_STUB_MAX_SERVERS + 1; i++)
		n += (size_t)snprintf(t + n, sizeof(t) - n, "nameserver 192.0.2.%d\n", i + 1);
	dns_resolvconf_parse(t, n, &rc);
	ck_assert_uint_eq(rc.nservers, DNS_STUB_MAX_SERVERS);
	ck_assert_uint_eq(rc.ignored, 1);
	ck_assert_int_eq(dns_resolvconf_load("/nonexistent/resolv.conf", &rc), ST_IO);
}
END_TEST

START_TEST(root_hints)
{
	static const char t[] =
		";       This file holds the information on root name servers\n"
		".                        3600000      NS    A.ROOT-SERVERS.NET.\n"
		"A.ROOT-SERVERS.NET.      3600000      A     198.41.0.4\n"
		"A.ROOT-SERVERS.NET.      3600000      AAAA  2001:503:ba3e::2:30\n"
		"B.ROOT-SERVERS.NET. 3600000 IN A 170.247.170.2\n"
		"C.ROOT-SERVERS.NET. A 192.33.4.12\n"
		"bad. 3600000 A 999.1.1.1\n"
		"x. 1 A\n"
		"nul.\0 1 A 192.0.2.9\n"
		"; END OF FILE";
	struct net_addr a[DNS_HINTS_MAX];
	char s1[NET_ADDR_STRLEN];
	size_t n = dns_hints_parse(t, sizeof(t) - 1, a, DNS_HINTS_MAX);

	ck_assert_uint_eq(n, 4);
	net_addr_fmt(&a[0], s1, sizeof(s1));
	ck_assert_str_eq(s1, "198.41.0.4:53");
	net_addr_fmt(&a[1], s1, sizeof(s1));
	ck_assert_str_eq(s1, "[2001:503:ba3e::2:30]:53");
	net_addr_fmt(&a[3], s1, sizeof(s1));
	ck_assert_str_eq(s1, "192.33.4.12:53");
	ck_assert_uint_eq(dns_hints_parse(t, sizeof(t) - 1, a, 2), 2);   /* the cap holds */
	ck_assert_int_eq(dns_hints_load("/nonexistent/root.hints", a, DNS_HINTS_MAX, &n), ST_IO);
}
END_TEST

START_TEST(iterative_conf_needs_hints)
{
	struct loop *l;
	struct dns_stub_conf c;
	struct dns_stub *s;

	memset(&c, 0, sizeof(c));
	c.iterative = true;
	loop_new(NULL, &l);
	ck_assert_int_eq(dns_stub_new(l, &c, &s), ST_INVAL);
	net_addr_from_ip("192.0.2.1", 53, &c.hints[0]);
	c.nhints = 1;
	ck_assert_int_eq(dns_stub_new(l, &c, &s), ST_OK);
	dns_stub_free(s);
	loop_free(l);
}
END_TEST

static Suite *stub_suite(void)
{
	Suite *s = suite_create("dns_stub");
	TCase *tc;

	tc = tcase_create("outcomes");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, answer_over_udp);
	tcase_add_test(tc, nxdomain_and_nodata_are_definitive);
	tcase_add_test(tc, truncated_retries_over_tcp);
	tcase_add_test(tc, big_answer_over_tcp);
	tcase_add_test(tc, tcp_only);
	tcase_add_test(tc, through_a_socks5_proxy);
	tcase_add_test(tc, socks5_proxy_refusing);
	tcase_add_test(tc, formerr_to_edns_retries_without_and_remembers);
	tcase_add_test(tc, servfail_moves_to_next_server);
	tcase_add_test(tc, every_server_failing_names_each);
	tcase_add_test(tc, timeout_retried_next_round);
	tcase_add_test(tc, all_timeouts);
	tcase_add_test(tc, mismatched_and_empty_datagrams_are_dropped);
	tcase_add_test(tc, malformed_reply_names_the_defect);
	tcase_add_test(tc, cname_chain_is_followed_by_asking);
	tcase_add_test(tc, cname_loop_is_capped);
	tcase_add_test(tc, closed_port_is_a_network_failure);
	tcase_add_test(tc, bad_conf);
	suite_add_tcase(s, tc);

	tc = tcase_create("concurrency");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, cache_joins_and_hits);
	tcase_add_test(tc, many_lookups_in_flight);
	tcase_add_test(tc, cancel_leaves_a_record_and_no_callback);
	tcase_add_test(tc, cancel_from_another_callback);
	tcase_add_test(tc, ids_and_ports_vary);
	suite_add_tcase(s, tc);

	tc = tcase_create("resolvconf");
	tcase_add_test(tc, resolvconf_normal);
	tcase_add_test(tc, resolvconf_hostile);
	tcase_add_test(tc, resolvconf_server_limit);
	tcase_add_test(tc, root_hints);
	tcase_add_test(tc, iterative_conf_needs_hints);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(stub_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
