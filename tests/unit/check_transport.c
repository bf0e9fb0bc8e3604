/* Unit tests for the event loop and the UDP/TCP transport, against scripted loopback peers. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loop.h"
#include "net.h"
#include "rand.h"
#include "status.h"

/* ---- a clock the tests move by hand ---- */

struct manual_clock {
	struct clock c;     /* first member: the loop sees a struct clock */
	uint64_t now;
};

static uint64_t manual_mono(const struct clock *c)
{
	return ((const struct manual_clock *)c)->now;
}

static int64_t manual_wall(const struct clock *c)
{
	return (int64_t)((const struct manual_clock *)c)->now;
}

static void manual_init(struct manual_clock *m)
{
	m->c.mono_ms = manual_mono;
	m->c.wall_ms = manual_wall;
	m->c.fixed_wall_ms = 0;
	m->now = 1000;
}

/* ---- loop: timers ---- */

struct fired {
	int order[64];
	int n;
};

struct tctx {
	struct loop_timer t;
	struct fired *log;
	int id;
	struct loop_timer *victim;   /* stopped when this one fires */
};

static void record_timer(struct loop *l, struct loop_timer *t)
{
	struct tctx *c = t->arg;

	if (c->victim)
		loop_timer_stop(l, c->victim);
	c->log->order[c->log->n++] = c->id;
}

START_TEST(timers_fire_in_deadline_order)
{
	struct manual_clock mc;
	struct loop *l;
	struct fired log = { { 0 }, 0 };
	struct tctx c[4];
	static const uint64_t at[4] = { 30, 10, 20, 10 };
	int i;

	manual_init(&mc);
	ck_assert_int_eq(loop_new(&mc.c, &l), ST_OK);
	for (i = 0; i < 4; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		c[i].log = &log;
		c[i].id = i;
		loop_timer_init(&c[i].t, record_timer, &c[i]);
		ck_assert_int_eq(loop_timer_after(l, &c[i].t, at[i]), ST_OK);
	}
	ck_assert_uint_eq(loop_pending(l), 4);
	mc.now += 9;
	ck_assert_int_eq(loop_run_once(l, 0), ST_OK);
	ck_assert_int_eq(log.n, 0);                      /* 1 ms early: nothing */
	mc.now += 1;
	ck_assert_int_eq(loop_run_once(l, 0), ST_OK);
	ck_assert_int_eq(log.n, 2);                      /* both at +10, in start order */
	ck_assert_int_eq(log.order[0], 1);
	ck_assert_int_eq(log.order[1], 3);
	mc.now += 100;
	ck_assert_int_eq(loop_run_once(l, 0), ST_OK);
	ck_assert_int_eq(log.n, 4);
	ck_assert_int_eq(log.order[2], 2);
	ck_assert_int_eq(log.order[3], 0);
	ck_assert_int_eq(loop_run_once(l, 0), ST_NOTFOUND);
	loop_free(l);
}
END_TEST

START_TEST(timer_stopped_by_an_earlier_one_does_not_fire)
{
	struct manual_clock mc;
	struct loop *l;
	struct fired log = { { 0 }, 0 };
	struct tctx a, b;

	manual_init(&mc);
	ck_assert_int_eq(loop_new(&mc.c, &l), ST_OK);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.log = b.log = &log;
	a.id = 1;
	b.id = 2;
	a.victim = &b.t;
	loop_timer_init(&a.t, record_timer, &a);
	loop_timer_init(&b.t, record_timer, &b);
	loop_timer_after(l, &a.t, 5);
	loop_timer_after(l, &b.t, 6);
	mc.now += 10;                                    /* both due in the same round */
	loop_run_once(l, 0);
	ck_assert_int_eq(log.n, 1);
	ck_assert_int_eq(log.order[0], 1);
	ck_assert(!loop_timer_active(&b.t));
	/* Re-arming moves a timer instead of adding a second copy. */
	loop_timer_after(l, &b.t, 50);
	loop_timer_after(l, &b.t, 5);
	ck_assert_uint_eq(loop_pending(l), 1);
	mc.now += 5;
	loop_run_once(l, 0);
	ck_assert_int_eq(log.n, 2);
	loop_free(l);
}
END_TEST

struct rearm {
	struct loop_timer t;
	int count;
};

static void rearm_now(struct loop *l, struct loop_timer *t)
{
	struct rearm *r = t->arg;

	r->count++;
	loop_timer_after(l, t, 0);       /* due again at once: must wait for the next round */
}

START_TEST(timer_rearmed_for_now_runs_once_per_round)
{
	struct manual_clock mc;
	struct loop *l;
	struct rearm r = { .count = 0 };

	manual_init(&mc);
	loop_new(&mc.c, &l);
	loop_timer_init(&r.t, rearm_now, &r);
	loop_timer_after(l, &r.t, 0);
	loop_run_once(l, 0);
	ck_assert_int_eq(r.count, 1);
	loop_run_once(l, 0);
	ck_assert_int_eq(r.count, 2);
	loop_free(l);
}
END_TEST

static void count_timer(struct loop *l, struct loop_timer *t)
{
	uint64_t *last = t->arg;

	/* Fired in non-decreasing deadline order. */
	(void)l;
	ck_assert_uint_ge(t->at, last[0]);
	last[0] = t->at;
	last[1]++;
}

START_TEST(timer_heap_many_random)
{
	struct manual_clock mc;
	struct loop *l;
	static struct loop_timer ts[2000];
	uint64_t state[2] = { 0, 0 };
	uint16_t r[2000];
	int i;

	manual_init(&mc);
	loop_new(&mc.c, &l);
	ck_assert_int_eq(rand_bytes(r, sizeof(r)), ST_OK);
	for (i = 0; i < 2000; i++) {
		loop_timer_init(&ts[i], count_timer, state);
		loop_timer_after(l, &ts[i], r[i] % 500);
	}
	for (i = 0; i < 2000; i += 3)       /* stop a third of them at random heap positions */
		loop_timer_stop(l, &ts[i]);
	mc.now += 1000;
	loop_run_once(l, 0);
	ck_assert_uint_eq(state[1], 2000 - 667);
	loop_free(l);
}
END_TEST

/* ---- loop: fd watchers ---- */

struct pctx {
	struct loop_io w;
	int fds[2];
	int calls;
	struct pctx *other;          /* stopped (and "freed") by this callback */
};

static void pipe_cb(struct loop *l, struct loop_io *w, short revents)
{
	struct pctx *p = w->arg;
	char c;

	(void)revents;
	p->calls++;
	ck_assert_int_eq(read(w->fd, &c, 1), 1);
	if (p->other) {
		loop_io_stop(l, &p->other->w);
		close(p->other->fds[0]);
		p->other->w.fd = -1;
	}
	loop_io_stop(l, w);
}

START_TEST(watcher_stopped_during_dispatch_is_not_called)
{
	struct loop *l;
	struct pctx a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(pipe(a.fds), 0);
	ck_assert_int_eq(pipe(b.fds), 0);
	loop_new(NULL, &l);
	loop_io_init(&a.w, a.fds[0], pipe_cb, &a);
	loop_io_init(&b.w, b.fds[0], pipe_cb, &b);
	a.other = &b;
	b.other = &a;
	loop_io_start(l, &a.w, POLLIN);
	loop_io_start(l, &b.w, POLLIN);
	/* Both readable in the same round: whichever runs first stops the other. */
	ck_assert_int_eq(write(a.fds[1], "x", 1), 1);
	ck_assert_int_eq(write(b.fds[1], "y", 1), 1);
	ck_assert_int_eq(loop_run_once(l, 1000), ST_OK);
	ck_assert_int_eq(a.calls + b.calls, 1);
	ck_assert_uint_eq(loop_pending(l), 0);
	ck_assert_int_eq(loop_run(l), ST_OK);             /* nothing left: returns at once */
	loop_free(l);
}
END_TEST

/* ---- scripted loopback peers (forked children with blocking sockets) ---- */

static int udp_server(struct net_addr *addr, const char *ip)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd;
	char host[64];

	ck_assert_int_eq(net_addr_from_ip(ip, 9, addr), ST_OK);
	fd = socket(addr->ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	/* Port 0: the kernel picks a free one; never a fixed port on the host. */
	if (addr->ss.ss_family == AF_INET)
		((struct sockaddr_in *)&addr->ss)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&addr->ss)->sin6_port = 0;
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&addr->ss, addr->len), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	net_addr_ip(addr, host, sizeof(host));
	ck_assert_int_eq(net_addr_from_ip(host, ntohs(((struct sockaddr_in *)&ss)->sin_port),
	                                  addr), ST_OK);
	return fd;
}

static int tcp_server(struct net_addr *addr, int backlog)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(fd, backlog), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	ck_assert_int_eq(net_addr_from_ip("127.0.0.1", ntohs(sin.sin_port), addr), ST_OK);
	return fd;
}

typedef void (*peer_fn)(int fd, int arg);

static pid_t spawn(peer_fn fn, int fd, int arg)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		alarm(10);                   /* a stuck peer never outlives the test */
		fn(fd, arg);
		_exit(0);
	}
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* UDP peer scripts. Each reads one query and answers according to arg. */
enum udp_script {
	US_ECHO,        /* reply "Y" + query */
	US_MISMATCH,    /* "N1", "N2", empty, then "Yok" */
	US_SILENT,      /* read, never answer */
	US_OTHERPORT,   /* answer "Yok" from a different socket */
	US_BIG,         /* answer 100 bytes starting with Y */
	US_ECHO_MANY    /* echo forever */
};

static void udp_peer(int fd, int script)
{
	uint8_t q[2048], r[2048];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ssize_t n;

	do {
		flen = sizeof(from);
		n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &flen);
		if (n < 0)
			_exit(1);
		switch (script) {
		case US_ECHO:
		case US_ECHO_MANY:
			r[0] = 'Y';
			memcpy(r + 1, q, (size_t)n);
			sendto(fd, r, (size_t)n + 1, 0, (struct sockaddr *)&from, flen);
			break;
		case US_MISMATCH:
			sendto(fd, "N1", 2, 0, (struct sockaddr *)&from, flen);
			sendto(fd, "N2", 2, 0, (struct sockaddr *)&from, flen);
			sendto(fd, "", 0, 0, (struct sockaddr *)&from, flen);
			sendto(fd, "Yok", 3, 0, (struct sockaddr *)&from, flen);
			break;
		case US_SILENT:
			pause();
			break;
		case US_OTHERPORT: {
			int o = socket(from.ss_family, SOCK_DGRAM, 0);

			sendto(o, "Yok", 3, 0, (struct sockaddr *)&from, flen);
			pause();
			break;
		}
		case US_BIG:
			memset(r, 'Y', 100);
			sendto(fd, r, 100, 0, (struct sockaddr *)&from, flen);
			break;
		}
	} while (script == US_ECHO_MANY);
}

static bool starts_with_y(const uint8_t *d, size_t n, void *arg)
{
	(void)arg;
	return n > 0 && d[0] == 'Y';
}

struct udp_out {
	int calls;
	struct net_udp_result r;
	uint8_t reply[256];
};

static void udp_done(const struct net_udp_result *r, void *arg)
{
	struct udp_out *o = arg;

	o->calls++;
	o->r = *r;
	if (r->status == ST_OK && r->len <= sizeof(o->reply))
		memcpy(o->reply, r->reply, r->len);
	o->r.reply = NULL;
}

static void run_udp(int script, const char *ip, size_t max_reply, uint64_t timeout,
                    struct udp_out *o)
{
	struct net_addr srv;
	struct net_udp_req req;
	struct loop *l;
	int fd = udp_server(&srv, ip);
	pid_t pid = spawn(udp_peer, fd, script);

	memset(o, 0, sizeof(*o));
	memset(&req, 0, sizeof(req));
	req.server = srv;
	req.msg = (const uint8_t *)"query";
	req.len = 5;
	req.timeout_ms = timeout;
	req.max_reply = max_reply;
	req.match = starts_with_y;
	loop_new(NULL, &l);
	ck_assert_int_eq(net_udp_start(l, &req, udp_done, o, NULL), ST_OK);
	ck_assert_int_eq(o->calls, 0);                   /* never called synchronously */
	ck_assert_int_eq(loop_run(l), ST_OK);
	ck_assert_int_eq(o->calls, 1);
	loop_free(l);
	reap(pid);
	close(fd);
}

START_TEST(udp_exchange)
{
	struct udp_out o;

	run_udp(US_ECHO, "127.0.0.1", 0, 2000, &o);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert_uint_eq(o.r.len, 6);
	ck_assert_mem_eq(o.reply, "Yquery", 6);
	ck_assert_uint_eq(o.r.bytes_out, 5);
	ck_assert_int_ge(o.r.src_port, 1024);
	ck_assert_uint_eq(o.r.mismatches, 0);
}
END_TEST

START_TEST(udp_exchange_ipv6)
{
	struct udp_out o;
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 s6;

	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_addr = in6addr_loopback;
	if (fd < 0 || bind(fd, (struct sockaddr *)&s6, sizeof(s6)) != 0) {
		/* No IPv6 loopback on this machine: nothing to test. */
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	run_udp(US_ECHO, "::1", 0, 2000, &o);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert_mem_eq(o.reply, "Yquery", 6);
}
END_TEST

START_TEST(udp_mismatches_and_empty_datagrams_are_dropped_and_counted)
{
	struct udp_out o;

	run_udp(US_MISMATCH, "127.0.0.1", 0, 2000, &o);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert_mem_eq(o.reply, "Yok", 3);
	ck_assert_uint_eq(o.r.mismatches, 2);
	ck_assert_uint_eq(o.r.empties, 1);
}
END_TEST

START_TEST(udp_timeout)
{
	struct udp_out o;

	run_udp(US_SILENT, "127.0.0.1", 0, 80, &o);
	ck_assert_int_eq(o.r.status, ST_TIMEOUT);
	ck_assert_uint_ge(o.r.elapsed_ms, 80);
	ck_assert_uint_eq(o.r.bytes_out, 5);
}
END_TEST

START_TEST(udp_reply_from_other_port_is_never_seen)
{
	struct udp_out o;

	/* The connected socket makes the kernel drop it: a timeout, not a mismatch. */
	run_udp(US_OTHERPORT, "127.0.0.1", 0, 150, &o);
	ck_assert_int_eq(o.r.status, ST_TIMEOUT);
	ck_assert_uint_eq(o.r.mismatches, 0);
}
END_TEST

START_TEST(udp_datagram_longer_than_buffer_is_flagged)
{
	struct udp_out o;

	run_udp(US_BIG, "127.0.0.1", 16, 2000, &o);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert_uint_eq(o.r.len, 16);
	ck_assert(o.r.truncated);
}
END_TEST

START_TEST(udp_closed_port_is_refused)
{
	struct net_addr srv;
	struct net_udp_req req;
	struct loop *l;
	struct udp_out o;
	int fd = udp_server(&srv, "127.0.0.1");

	close(fd);                                       /* nothing listens there now */
	memset(&o, 0, sizeof(o));
	memset(&req, 0, sizeof(req));
	req.server = srv;
	req.msg = (const uint8_t *)"q";
	req.len = 1;
	req.timeout_ms = 2000;
	loop_new(NULL, &l);
	ck_assert_int_eq(net_udp_start(l, &req, udp_done, &o, NULL), ST_OK);
	loop_run(l);
	ck_assert_int_eq(o.calls, 1);
	ck_assert_int_eq(o.r.status, ST_REFUSED);
	ck_assert_uint_lt(o.r.elapsed_ms, 2000);
	loop_free(l);
}
END_TEST

START_TEST(udp_bad_arguments)
{
	struct net_udp_req req;
	struct loop *l;
	struct udp_out o;

	loop_new(NULL, &l);
	memset(&req, 0, sizeof(req));
	req.msg = (const uint8_t *)"q";
	req.len = 1;
	ck_assert_int_eq(net_udp_start(l, &req, udp_done, &o, NULL), ST_INVAL);  /* no family */
	ck_assert_int_eq(net_addr_from_ip("127.0.0.1", 0, &req.server), ST_INVAL);
	ck_assert_int_eq(net_addr_from_ip("127.0.0.1", 65536, &req.server), ST_INVAL);
	ck_assert_int_eq(net_addr_from_ip("localhost", 53, &req.server), ST_MALFORMED);
	ck_assert_int_eq(net_addr_from_ip("[::1]", 53, &req.server), ST_MALFORMED);
	ck_assert_int_eq(net_addr_from_ip("127.0.0.1", 65535, &req.server), ST_OK);
	req.len = 0;
	ck_assert_int_eq(net_udp_start(l, &req, udp_done, &o, NULL), ST_INVAL);  /* empty */
	ck_assert_uint_eq(loop_pending(l), 0);
	loop_free(l);
}
END_TEST

START_TEST(addr_formatting)
{
	struct net_addr a, b;
	char s[NET_ADDR_STRLEN];

	net_addr_from_ip("192.0.2.1", 53, &a);
	net_addr_fmt(&a, s, sizeof(s));
	ck_assert_str_eq(s, "192.0.2.1:53");
	net_addr_from_ip("2001:db8::1", 5353, &b);
	net_addr_fmt(&b, s, sizeof(s));
	ck_assert_str_eq(s, "[2001:db8::1]:5353");
	net_addr_ip(&b, s, sizeof(s));
	ck_assert_str_eq(s, "2001:db8::1");
	ck_assert_int_eq(net_addr_port(&b), 5353);
	ck_assert(!net_addr_eq(&a, &b));
	net_addr_from_ip("192.0.2.1", 53, &b);
	ck_assert(net_addr_eq(&a, &b));
	net_addr_from_ip("192.0.2.1", 54, &b);
	ck_assert(!net_addr_eq(&a, &b));
}
END_TEST

#define MANY 100

struct many {
	int done;
	int ok;
	int ports[MANY];
};

static void many_done(const struct net_udp_result *r, void *arg)
{
	struct many *m = arg;

	if (r->status == ST_OK)
		m->ok++;
	m->ports[m->done++] = r->src_port;
}

START_TEST(udp_many_in_flight_with_random_ports)
{
	struct net_addr srv;
	struct net_udp_req req;
	struct loop *l;
	struct many m;
	int fd = udp_server(&srv, "127.0.0.1"), i, distinct = 0;
	pid_t pid = spawn(udp_peer, fd, US_ECHO_MANY);

	memset(&m, 0, sizeof(m));
	memset(&req, 0, sizeof(req));
	req.server = srv;
	req.msg = (const uint8_t *)"q";
	req.len = 1;
	req.timeout_ms = 5000;
	req.match = starts_with_y;
	loop_new(NULL, &l);
	for (i = 0; i < MANY; i++)
		ck_assert_int_eq(net_udp_start(l, &req, many_done, &m, NULL), ST_OK);
	loop_run(l);
	ck_assert_int_eq(m.done, MANY);
	ck_assert_int_eq(m.ok, MANY);
	for (i = 0; i < MANY; i++) {
		int j;
		bool seen = false;

		ck_assert_int_ge(m.ports[i], 1024);
		for (j = 0; j < i; j++)
			seen = seen || m.ports[j] == m.ports[i];
		distinct += !seen;
	}
	/* Concurrent sockets cannot share a port; all MANY must differ. */
	ck_assert_int_eq(distinct, MANY);
	loop_free(l);
	reap(pid);
	close(fd);
}
END_TEST

struct pair {
	struct net_udp *h[2];
	int calls[2];
};

struct pair_arg {
	struct pair *p;
	int me;
};

static void pair_done(const struct net_udp_result *r, void *arg)
{
	struct pair_arg *a = arg;
	struct pair *p = a->p;

	(void)r;
	p->calls[a->me]++;
	net_udp_cancel(p->h[a->me]);      /* own handle inside own callback: a no-op */
	net_udp_cancel(p->h[!a->me]);     /* the other one: freed, never called back */
	p->h[0] = p->h[1] = NULL;
}

START_TEST(udp_cancel_from_callbacks)
{
	struct net_addr srv;
	struct net_udp_req req;
	struct loop *l;
	struct pair p;
	struct pair_arg a0, a1;
	int fd = udp_server(&srv, "127.0.0.1");
	pid_t pid = spawn(udp_peer, fd, US_ECHO_MANY);

	memset(&p, 0, sizeof(p));
	a0.p = a1.p = &p;
	a0.me = 0;
	a1.me = 1;
	memset(&req, 0, sizeof(req));
	req.server = srv;
	req.msg = (const uint8_t *)"q";
	req.len = 1;
	req.timeout_ms = 3000;
	loop_new(NULL, &l);
	ck_assert_int_eq(net_udp_start(l, &req, pair_done, &a0, &p.h[0]), ST_OK);
	ck_assert_int_eq(net_udp_start(l, &req, pair_done, &a1, &p.h[1]), ST_OK);
	loop_run(l);
	ck_assert_int_eq(p.calls[0] + p.calls[1], 1);
	loop_free(l);
	reap(pid);
	close(fd);
}
END_TEST

/* ---- TCP ---- */

enum tcp_script {
	TS_DNS,         /* read 2+n request; reply with a DNS-framed 20-byte message in 3 pieces */
	TS_EOF,         /* send text then close */
	TS_LINES,       /* send "a\n%ok\n" and keep the connection open */
	TS_SILENT,      /* accept, never answer */
	TS_SHORT,       /* length 100, then 10 bytes, then close */
	TS_BADLEN,      /* length 5 */
	TS_FLOOD,       /* 1000 bytes, keep open */
	TS_BIGREQ,      /* read 4 MiB request, then reply "done" and close */
	TS_RESET        /* "text" then an RST */
};

static void read_n(int c, size_t n)
{
	uint8_t b[65536];

	while (n > 0) {
		ssize_t r = read(c, b, n < sizeof(b) ? n : sizeof(b));

		if (r <= 0)
			_exit(2);
		n -= (size_t)r;
	}
}

static void tcp_peer(int lfd, int script)
{
	int c = accept(lfd, NULL, NULL);
	uint8_t msg[22] = { 0, 20 };
	struct linger lg = { 1, 0 };

	if (c < 0)
		_exit(1);
	switch (script) {
	case TS_DNS:
		read_n(c, 2 + 12);
		memset(msg + 2, 'D', 20);
		write(c, msg, 1);
		usleep(20000);
		write(c, msg + 1, 10);
		usleep(20000);
		write(c, msg + 11, 11);
		pause();
		break;
	case TS_EOF:
		write(c, "line one\r\nline two", 18);
		close(c);
		break;
	case TS_LINES:
		write(c, "a\n%o", 4);
		usleep(20000);
		write(c, "k\nextra", 7);
		pause();
		break;
	case TS_SILENT:
		pause();
		break;
	case TS_SHORT:
		write(c, "\0\144abcdefghij", 12);
		close(c);
		break;
	case TS_BADLEN:
		write(c, "\0\5abcde", 7);
		pause();
		break;
	case TS_FLOOD: {
		char b[1000];

		memset(b, 'x', sizeof(b));
		write(c, b, sizeof(b));
		pause();
		break;
	}
	case TS_BIGREQ:
		read_n(c, 4u << 20);
		write(c, "done", 4);
		close(c);
		break;
	case TS_RESET:
		write(c, "text", 4);
		usleep(20000);
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(c);
		break;
	}
}

struct tcp_out {
	int calls;
	struct net_tcp_result r;
	uint8_t data[2048];
};

static void tcp_done(const struct net_tcp_result *r, void *arg)
{
	struct tcp_out *o = arg;

	o->calls++;
	o->r = *r;
	if (r->len > 0 && r->len <= sizeof(o->data))
		memcpy(o->data, r->data, r->len);
	o->r.data = NULL;
}

static const char *const rwhois_end[] = { "%ok", "%error", NULL };

static void run_tcp(int script, net_frame_fn frame, void *farg, const uint8_t *msg, size_t len,
                    size_t max_bytes, uint64_t timeout, struct tcp_out *o)
{
	struct net_addr srv;
	struct net_tcp_req req;
	struct loop *l;
	int fd = tcp_server(&srv, 8);
	pid_t pid = spawn(tcp_peer, fd, script);

	memset(o, 0, sizeof(*o));
	memset(&req, 0, sizeof(req));
	req.server = srv;
	req.msg = msg;
	req.len = len;
	req.timeout_ms = timeout;
	req.connect_timeout_ms = timeout;
	req.max_bytes = max_bytes;
	req.frame = frame;
	req.frame_arg = farg;
	loop_new(NULL, &l);
	ck_assert_int_eq(net_tcp_start(l, &req, tcp_done, o, NULL), ST_OK);
	ck_assert_int_eq(o->calls, 0);
	loop_run(l);
	ck_assert_int_eq(o->calls, 1);
	loop_free(l);
	reap(pid);
	close(fd);
}

static const uint8_t dnsq[14] = { 0, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

START_TEST(tcp_dns_framing_in_pieces)
{
	struct tcp_out o;

	run_tcp(TS_DNS, net_frame_dns, NULL, dnsq, sizeof(dnsq), 65537, 3000, &o);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert(o.r.connected);
	ck_assert_uint_eq(o.r.msg_len, 22);
	ck_assert_uint_eq(o.r.len, 22);
	ck_assert_uint_eq(o.r.bytes_out, sizeof(dnsq));
	ck_assert_int_gt(o.r.src_port, 0);
	ck_assert_str_eq(o.r.phase, "done");
}
END_TEST

START_TEST(tcp_read_to_eof)
{
	struct tcp_out o;

	run_tcp(TS_EOF, net_frame_eof, NULL, (const uint8_t *)"q\r\n", 3, 0, 3000, &o);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert_uint_eq(o.r.len, 18);
	ck_assert_mem_eq(o.data, "line one\r\nline two", 18);
}
END_TEST

START_TEST(tcp_terminator_line)
{
	struct tcp_out o;

	run_tcp(TS_LINES, net_frame_lines, (void *)rwhois_end, (const uint8_t *)"q\n", 2, 0, 3000,
	        &o);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert_uint_eq(o.r.msg_len, 6);               /* "a\n%ok\n" */
	ck_assert_mem_eq(o.data, "a\n%ok\n", 6);
}
END_TEST

START_TEST(tcp_read_timeout_keeps_phase)
{
	struct tcp_out o;

	run_tcp(TS_SILENT, net_frame_dns, NULL, dnsq, sizeof(dnsq), 0, 100, &o);
	ck_assert_int_eq(o.r.status, ST_TIMEOUT);
	ck_assert_str_eq(o.r.phase, "read");
	ck_assert(o.r.connected);
	ck_assert_uint_ge(o.r.elapsed_ms, 100);
}
END_TEST

START_TEST(tcp_eof_mid_message)
{
	struct tcp_out o;

	run_tcp(TS_SHORT, net_frame_dns, NULL, dnsq, sizeof(dnsq), 0, 3000, &o);
	ck_assert_int_eq(o.r.status, ST_CLOSED);
	ck_assert_uint_eq(o.r.len, 12);                  /* what came is still shown */
}
END_TEST

START_TEST(tcp_bad_length_prefix)
{
	struct tcp_out o;

	run_tcp(TS_BADLEN, net_frame_dns, NULL, dnsq, sizeof(dnsq), 0, 3000, &o);
	ck_assert_int_eq(o.r.status, ST_MALFORMED);
}
END_TEST

START_TEST(tcp_receive_ceiling_first_valid_first_invalid)
{
	struct tcp_out o;

	run_tcp(TS_FLOOD, net_frame_eof, NULL, dnsq, sizeof(dnsq), 999, 3000, &o);
	ck_assert_int_eq(o.r.status, ST_TOOBIG);
	ck_assert_uint_eq(o.r.len, 999);                 /* kept up to the ceiling */
	run_tcp(TS_FLOOD, net_frame_eof, NULL, dnsq, sizeof(dnsq), 1000, 150, &o);
	ck_assert_int_eq(o.r.status, ST_TIMEOUT);        /* 1000 fits; waits for EOF */
	ck_assert_uint_eq(o.r.len, 1000);
}
END_TEST

START_TEST(tcp_full_write_of_large_request)
{
	struct tcp_out o;
	size_t n = 4u << 20;
	uint8_t *big = calloc(1, n);

	run_tcp(TS_BIGREQ, net_frame_eof, NULL, big, n, 0, 8000, &o);
	free(big);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert_uint_eq(o.r.bytes_out, n);
	ck_assert_mem_eq(o.data, "done", 4);
}
END_TEST

START_TEST(tcp_reset_after_data_ends_the_stream)
{
	struct tcp_out o;

	run_tcp(TS_RESET, net_frame_eof, NULL, dnsq, sizeof(dnsq), 0, 3000, &o);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert_uint_eq(o.r.len, 4);
}
END_TEST

START_TEST(tcp_connection_refused)
{
	struct net_addr srv;
	struct net_tcp_req req;
	struct loop *l;
	struct tcp_out o;
	int fd = tcp_server(&srv, 1);

	close(fd);
	memset(&o, 0, sizeof(o));
	memset(&req, 0, sizeof(req));
	req.server = srv;
	req.timeout_ms = 3000;
	req.frame = net_frame_eof;
	loop_new(NULL, &l);
	ck_assert_int_eq(net_tcp_start(l, &req, tcp_done, &o, NULL), ST_OK);
	loop_run(l);
	ck_assert_int_eq(o.calls, 1);
	ck_assert_int_eq(o.r.status, ST_REFUSED);
	ck_assert_str_eq(o.r.phase, "connect");
	ck_assert(!o.r.connected);
	loop_free(l);
}
END_TEST

START_TEST(tcp_cancel_in_flight)
{
	struct net_addr srv;
	struct net_tcp_req req;
	struct net_tcp *h;
	struct loop *l;
	struct tcp_out o;
	int fd = tcp_server(&srv, 8);
	pid_t pid = spawn(tcp_peer, fd, TS_SILENT);

	memset(&o, 0, sizeof(o));
	memset(&req, 0, sizeof(req));
	req.server = srv;
	req.msg = dnsq;
	req.len = sizeof(dnsq);
	req.timeout_ms = 3000;
	req.frame = net_frame_dns;
	loop_new(NULL, &l);
	ck_assert_int_eq(net_tcp_start(l, &req, tcp_done, &o, &h), ST_OK);
	loop_run_once(l, 50);
	net_tcp_cancel(h);
	ck_assert_uint_eq(loop_pending(l), 0);
	ck_assert_int_eq(loop_run(l), ST_OK);
	ck_assert_int_eq(o.calls, 0);
	loop_free(l);
	reap(pid);
	close(fd);
}
END_TEST

START_TEST(framers_table)
{
	size_t m = 0;

	ck_assert_int_eq(net_frame_dns((const uint8_t *)"\0", 1, false, &m, NULL), NET_FRAME_MORE);
	ck_assert_int_eq(net_frame_dns((const uint8_t *)"\0\13", 2, false, &m, NULL),
	                 NET_FRAME_BAD);                 /* 11: below a header */
	ck_assert_int_eq(net_frame_dns((const uint8_t *)"\0\14abcdefghijk", 13, false, &m, NULL),
	                 NET_FRAME_MORE);                /* 12 wanted, 11 here */
	ck_assert_int_eq(net_frame_dns((const uint8_t *)"\0\14abcdefghijkl", 14, false, &m, NULL),
	                 NET_FRAME_DONE);
	ck_assert_uint_eq(m, 14);
	ck_assert_int_eq(net_frame_eof((const uint8_t *)"x", 1, false, &m, NULL), NET_FRAME_MORE);
	ck_assert_int_eq(net_frame_eof((const uint8_t *)"x", 1, true, &m, NULL), NET_FRAME_DONE);
	ck_assert_uint_eq(m, 1);
	/* A terminator must start a line, and a partial line waits. */
	ck_assert_int_eq(net_frame_lines((const uint8_t *)"x%ok\n", 5, false, &m,
	                                 (void *)rwhois_end), NET_FRAME_MORE);
	ck_assert_int_eq(net_frame_lines((const uint8_t *)"x\n%ok", 5, false, &m,
	                                 (void *)rwhois_end), NET_FRAME_MORE);
	ck_assert_int_eq(net_frame_lines((const uint8_t *)"x\n%ok", 5, true, &m,
	                                 (void *)rwhois_end), NET_FRAME_DONE);
	ck_assert_uint_eq(m, 5);
	ck_assert_int_eq(net_frame_lines((const uint8_t *)"%error 330 x\r\nmore", 18, false, &m,
	                                 (void *)rwhois_end), NET_FRAME_DONE);
	ck_assert_uint_eq(m, 14);
}
END_TEST

static Suite *transport_suite(void)
{
	Suite *s = suite_create("transport");
	TCase *tc;

	tc = tcase_create("loop");
	tcase_add_test(tc, timers_fire_in_deadline_order);
	tcase_add_test(tc, timer_stopped_by_an_earlier_one_does_not_fire);
	tcase_add_test(tc, timer_rearmed_for_now_runs_once_per_round);
	tcase_add_test(tc, timer_heap_many_random);
	tcase_add_test(tc, watcher_stopped_during_dispatch_is_not_called);
	suite_add_tcase(s, tc);

	tc = tcase_create("udp");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, addr_formatting);
	tcase_add_test(tc, udp_exchange);
	tcase_add_test(tc, udp_exchange_ipv6);
	tcase_add_test(tc, udp_mismatches_and_empty_datagrams_are_dropped_and_counted);
	tcase_add_test(tc, udp_timeout);
	tcase_add_test(tc, udp_reply_from_other_port_is_never_seen);
	tcase_add_test(tc, udp_datagram_longer_than_buffer_is_flagged);
	tcase_add_test(tc, udp_closed_port_is_refused);
	tcase_add_test(tc, udp_bad_arguments);
	tcase_add_test(tc, udp_many_in_flight_with_random_ports);
	tcase_add_test(tc, udp_cancel_from_callbacks);
	suite_add_tcase(s, tc);

	tc = tcase_create("tcp");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, framers_table);
	tcase_add_test(tc, tcp_dns_framing_in_pieces);
	tcase_add_test(tc, tcp_read_to_eof);
	tcase_add_test(tc, tcp_terminator_line);
	tcase_add_test(tc, tcp_read_timeout_keeps_phase);
	tcase_add_test(tc, tcp_eof_mid_message);
	tcase_add_test(tc, tcp_bad_length_prefix);
	tcase_add_test(tc, tcp_receive_ceiling_first_valid_first_invalid);
	tcase_add_test(tc, tcp_full_write_of_large_request);
	tcase_add_test(tc, tcp_reset_after_data_ends_the_stream);
	tcase_add_test(tc, tcp_connection_refused);
	tcase_add_test(tc, tcp_cancel_in_flight);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(transport_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
