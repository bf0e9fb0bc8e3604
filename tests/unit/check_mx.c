/* Unit tests for the MX job: verdicts from scripted loopback peers, JSON shape. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_stub.h"
#include "json.h"
#include "loop.h"
#include "mx.h"
#include "status.h"
#include "util_dnspeer.h"

struct outcome {
	int calls;
	struct mx_result *r;
};

static void on_done(struct mx_result *r, void *arg)
{
	struct outcome *o = arg;

	o->calls++;
	o->r = r;
}

/* Run one MX job for "dom.test" against a peer playing `script`; returns the result. */
static struct mx_result *run(const enum peer_act *script, size_t n, size_t *packets,
                             unsigned long *records)
{
	struct peer p;
	struct loop *l;
	struct dns_stub *s;
	struct dns_stub_conf c;
	struct trail t;
	struct outcome o = { 0, NULL };

	peer_start(&p, script, n);
	memset(&c, 0, sizeof(c));
	c.servers[0] = p.addr;
	c.nservers = 1;
	c.timeout_ms = 1000;
	c.attempts = 1;
	trail_init(&t, NULL, NULL, NULL);
	c.trail = &t;
	ck_assert_int_eq(loop_new(NULL, &l), ST_OK);
	ck_assert_int_eq(dns_stub_new(l, &c, &s), ST_OK);
	ck_assert_int_eq(mx_start(s, "dom.test", NULL, on_done, &o, NULL), ST_OK);
	ck_assert_int_eq(o.calls, 0);
	ck_assert_int_eq(loop_run(l), ST_OK);
	ck_assert_int_eq(o.calls, 1);
	dns_stub_free(s);
	loop_free(l);
	*packets = peer_stop(&p);
	*records = t.records;
	return o.r;
}

START_TEST(found_with_both_families)
{
	static const enum peer_act s[] = { PA_ANSWER };
	size_t pk;
	unsigned long rec;
	struct mx_result *r = run(s, 1, &pk, &rec);

	ck_assert_int_eq(r->status, MX_FOUND);
	ck_assert_str_eq(r->domain, "dom.test.");
	ck_assert_uint_eq(r->nhosts, 1);
	ck_assert_str_eq(r->hosts[0].name, "mx1.dom.test.");
	ck_assert_uint_eq(r->hosts[0].pref, 10);
	ck_assert_uint_eq(r->hosts[0].naddrs, 2);
	ck_assert_str_eq(r->hosts[0].addrs[0].text, "192.0.2.1");      /* IPv4 first */
	ck_assert_str_eq(r->hosts[0].addrs[1].text, "2001:db8::1");
	ck_assert(!r->hosts[0].dead && !r->hosts[0].cname && !r->hosts[0].implicit);
	ck_assert_int_eq(r->mx.outcome, DNS_ANSWER);
	ck_assert_str_eq(r->hosts[0].a.proto, "udp");
	ck_assert_uint_eq(pk, 3);                      /* MX, then A and AAAA */
	ck_assert_uint_eq(rec, 3);
	mx_result_free(r);
}
END_TEST

START_TEST(nxdomain)
{
	static const enum peer_act s[] = { PA_NXDOMAIN };
	size_t pk;
	unsigned long rec;
	struct mx_result *r = run(s, 1, &pk, &rec);

	ck_assert_int_eq(r->status, MX_NXDOMAIN);
	ck_assert_uint_eq(r->nhosts, 0);
	ck_assert_uint_eq(pk, 1);
	ck_assert(!mx_status_temporary(r->status));
	mx_result_free(r);
}
END_TEST

START_TEST(implicit_mx_and_no_mail)
{
	static const enum peer_act imp[] = { PA_NODATA, PA_ANSWER }, none[] = { PA_NODATA };
	size_t pk;
	unsigned long rec;
	struct mx_result *r = run(imp, 2, &pk, &rec);

	ck_assert_int_eq(r->status, MX_IMPLICIT);
	ck_assert_uint_eq(r->nhosts, 1);
	ck_assert(r->hosts[0].implicit);
	ck_assert_str_eq(r->hosts[0].name, "dom.test.");
	ck_assert_uint_eq(r->hosts[0].naddrs, 2);
	mx_result_free(r);
	r = run(none, 1, &pk, &rec);
	ck_assert_int_eq(r->status, MX_NO_MAIL);
	ck_assert(r->hosts[0].dead);
	mx_result_free(r);
}
END_TEST

START_TEST(temporary_failures_are_not_dead)
{
	static const enum peer_act mxfail[] = { PA_SERVFAIL }, addrfail[] = { PA_ANSWER,
		                                                         PA_SERVFAIL },
	                           to[] = { PA_DROP };
	size_t pk;
	unsigned long rec;
	struct mx_result *r = run(mxfail, 1, &pk, &rec);

	ck_assert_int_eq(r->status, MX_TEMPFAIL);
	ck_assert(mx_status_temporary(r->status));
	ck_assert_int_eq(r->mx.outcome, DNS_SERVFAIL);
	mx_result_free(r);
	r = run(addrfail, 2, &pk, &rec);
	ck_assert_int_eq(r->status, MX_TEMPFAIL);
	ck_assert(r->hosts[0].tempfail);
	ck_assert(!r->hosts[0].dead);
	mx_result_free(r);
	r = run(to, 1, &pk, &rec);
	ck_assert_int_eq(r->status, MX_TEMPFAIL);
	ck_assert_int_eq(r->mx.outcome, DNS_TIMEOUT);
	ck_assert_uint_eq(pk, rec);
	mx_result_free(r);
}
END_TEST

START_TEST(dead_exchange)
{
	static const enum peer_act s[] = { PA_ANSWER, PA_NODATA };
	size_t pk;
	unsigned long rec;
	struct mx_result *r = run(s, 2, &pk, &rec);

	ck_assert_int_eq(r->status, MX_ALL_DEAD);
	ck_assert(r->hosts[0].dead);
	ck_assert(!mx_status_temporary(r->status));
	mx_result_free(r);
}
END_TEST

START_TEST(cname_exchange_is_flagged)
{
	static const enum peer_act s[] = { PA_ANSWER, PA_CNAME_ONLY, PA_CNAME_ONLY, PA_ANSWER };
	size_t pk;
	unsigned long rec;
	struct mx_result *r = run(s, 4, &pk, &rec);
	struct buf b;
	struct json j;

	ck_assert_int_eq(r->status, MX_FOUND);
	ck_assert(r->hosts[0].cname);
	ck_assert_str_eq(r->hosts[0].a.canon, "alias.test.");
	ck_assert_uint_eq(r->hosts[0].naddrs, 2);
	ck_assert_uint_eq(pk, 5);
	ck_assert_uint_eq(rec, 5);
	buf_init(&b, 1 << 20);
	json_init(&j, &b, false);
	mx_result_to_json(r, &j);
	ck_assert_int_eq(json_finish(&j), ST_OK);
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "\"status\":\"found\""));
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "\"cname\":true"));
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "\"canonical_name\":\"alias.test.\""));
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "\"addresses\":[\"192.0.2.1\",\"2001:db8::1\"]"));
	buf_reset(&b);
	mx_result_free(r);
}
END_TEST

START_TEST(bad_domain_and_names)
{
	struct loop *l;
	struct dns_stub *s;
	struct dns_stub_conf c;
	struct outcome o = { 0, NULL };

	memset(&c, 0, sizeof(c));
	net_addr_from_ip("127.0.0.1", 9, &c.servers[0]);
	c.nservers = 1;
	loop_new(NULL, &l);
	dns_stub_new(l, &c, &s);
	ck_assert_int_eq(mx_start(s, "a..b", NULL, on_done, &o, NULL), ST_MALFORMED);
	ck_assert_uint_eq(loop_pending(l), 0);
	ck_assert_str_eq(mx_status_str(MX_NULL), "null-mx");
	ck_assert_str_eq(mx_status_str(MX_TEMPFAIL), "temporary-failure");
	dns_stub_free(s);
	loop_free(l);
}
END_TEST

/* The hosts callback: what the job had when it ran, and whether done had run before it. */
struct hosts_seen {
	int calls;
	int addr_calls;              /* addrs callbacks */
	size_t addrs_seen;           /* addresses of host 0 at the last addrs callback */
	int addrs_after_done;        /* addrs callbacks that came after done */
	size_t nhosts, naddrs;
	char first[DNS_MAX_NAME_TEXT];
	struct outcome done;
	int done_before;
};

static void on_hosts(const struct mx_result *r, void *arg)
{
	struct hosts_seen *h = arg;

	h->calls++;
	h->nhosts = r->nhosts;
	h->naddrs = r->nhosts ? r->hosts[0].naddrs : 0;
	snprintf(h->first, sizeof(h->first), "%s", r->nhosts ? r->hosts[0].name : "");
	h->done_before = h->done.calls;
}

static void on_addrs(const struct mx_result *r, size_t host, void *arg)
{
	struct hosts_seen *h = arg;

	h->addr_calls++;
	if (host == 0)
		h->addrs_seen = r->hosts[0].naddrs;
	h->addrs_after_done += h->done.calls;
}

static void on_done_hosts(struct mx_result *r, void *arg)
{
	on_done(r, &((struct hosts_seen *)arg)->done);
}

/* One job with a hosts callback against a peer playing script. */
static struct mx_result *run_hosts(const enum peer_act *script, size_t n, struct hosts_seen *h)
{
	struct peer p;
	struct loop *l;
	struct dns_stub *s;
	struct dns_stub_conf c;

	memset(h, 0, sizeof(*h));
	peer_start(&p, script, n);
	memset(&c, 0, sizeof(c));
	c.servers[0] = p.addr;
	c.nservers = 1;
	c.timeout_ms = 1000;
	c.attempts = 1;
	ck_assert_int_eq(loop_new(NULL, &l), ST_OK);
	ck_assert_int_eq(dns_stub_new(l, &c, &s), ST_OK);
	{
		struct mx_callbacks cb = { on_hosts, on_addrs, on_done_hosts };

		ck_assert_int_eq(mx_start_cb(s, "dom.test", NULL, &cb, h, NULL), ST_OK);
	}
	ck_assert_int_eq(h->calls, 0);               /* never from inside the call */
	ck_assert_int_eq(loop_run(l), ST_OK);
	ck_assert_int_eq(h->done.calls, 1);
	dns_stub_free(s);
	loop_free(l);
	peer_stop(&p);
	return h->done.r;
}

/* The exchanges are announced once, as soon as the MX answer names them: before any
 * address is known and before done; never when there are no exchanges. */
START_TEST(hosts_callback_before_addresses)
{
	static const enum peer_act ans[] = { PA_ANSWER }, nx[] = { PA_NXDOMAIN },
	                           imp[] = { PA_NODATA, PA_ANSWER };
	struct hosts_seen h;
	struct mx_result *r = run_hosts(ans, 1, &h);

	ck_assert_int_eq(h.calls, 1);
	ck_assert_int_eq(h.done_before, 0);
	ck_assert_uint_eq(h.nhosts, 1);
	ck_assert_str_eq(h.first, "mx1.dom.test.");
	ck_assert_uint_eq(h.naddrs, 0);              /* the names only */
	ck_assert_uint_eq(r->hosts[0].naddrs, 2);
	ck_assert_int_eq(h.addr_calls, 2);           /* one per A and AAAA answer ... */
	ck_assert_uint_eq(h.addrs_seen, 2);          /* ... the last one sees both */
	ck_assert_int_eq(h.addrs_after_done, 0);     /* all before done */
	mx_result_free(r);
	r = run_hosts(nx, 1, &h);
	ck_assert_int_eq(r->status, MX_NXDOMAIN);
	ck_assert_int_eq(h.calls, 0);
	ck_assert_int_eq(h.addr_calls, 0);
	mx_result_free(r);
	r = run_hosts(imp, 2, &h);                    /* implicit MX: the domain itself */
	ck_assert_int_eq(h.calls, 1);
	ck_assert_str_eq(h.first, "dom.test.");
	ck_assert_int_eq(r->status, MX_IMPLICIT);
	mx_result_free(r);
}
END_TEST

static Suite *mx_suite(void)
{
	Suite *s = suite_create("mx");
	TCase *tc = tcase_create("verdicts");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, found_with_both_families);
	tcase_add_test(tc, nxdomain);
	tcase_add_test(tc, implicit_mx_and_no_mail);
	tcase_add_test(tc, temporary_failures_are_not_dead);
	tcase_add_test(tc, dead_exchange);
	tcase_add_test(tc, cname_exchange_is_flagged);
	tcase_add_test(tc, bad_domain_and_names);
	tcase_add_test(tc, hosts_callback_before_addresses);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mx_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
