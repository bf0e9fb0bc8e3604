/* UDP exchanges and framed TCP streams on non-blocking sockets, with deadlines and cancel. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "net.h"
#include "rand.h"
#include "status.h"

#define NET_TCP_MAX_DEFAULT (1u << 20)
#define NET_TCP_CHUNK 16384
#define NET_PORT_MIN 1024       /* random source ports are drawn from 1024..65535 */

/* ---- addresses ---- */

int net_addr_from_ip(const char *ip, int port, struct net_addr *out)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&out->ss;

	memset(out, 0, sizeof(*out));
	if (port < 1 || port > 65535)
		return ST_INVAL;
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		out->len = sizeof(*s4);
		return ST_OK;
	}
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		out->len = sizeof(*s6);
		return ST_OK;
	}
	memset(out, 0, sizeof(*out));
	return ST_MALFORMED;
}

void net_addr_ip(const struct net_addr *a, char *out, size_t n)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)&a->ss;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&a->ss;
	const char *r = NULL;

	if (a->ss.ss_family == AF_INET)
		r = inet_ntop(AF_INET, &s4->sin_addr, out, (socklen_t)n);
	else if (a->ss.ss_family == AF_INET6)
		r = inet_ntop(AF_INET6, &s6->sin6_addr, out, (socklen_t)n);
	if (!r && n > 0)
		snprintf(out, n, "?");
}

int net_addr_port(const struct net_addr *a)
{
	if (a->ss.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
	if (a->ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
	return -1;
}

void net_addr_fmt(const struct net_addr *a, char *out, size_t n)
{
	char ip[NET_ADDR_STRLEN];

	net_addr_ip(a, ip, sizeof(ip));
	if (a->ss.ss_family == AF_INET6)
		snprintf(out, n, "[%s]:%d", ip, net_addr_port(a));
	else
		snprintf(out, n, "%s:%d", ip, net_addr_port(a));
}

bool net_addr_eq(const struct net_addr *a, const struct net_addr *b)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)&a->ss;
	const struct sockaddr_in *b4 = (const struct sockaddr_in *)&b->ss;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&a->ss;
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)&b->ss;

	if (a->ss.ss_family != b->ss.ss_family)
		return false;
	if (a->ss.ss_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		       memcmp(&a4->sin_addr, &b4->sin_addr, sizeof(a4->sin_addr)) == 0;
	if (a->ss.ss_family == AF_INET6)
		return a6->sin6_port == b6->sin6_port &&
		       memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr)) == 0;
	return false;
}

static int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}

/*
 * Bind fd to a random port of the wildcard address of `family` (RFC 5452 §10: the source
 * port is part of the query's entropy). Ports in use are skipped; after NET_PORT_TRIES the
 * socket is left unbound and connect() lets the kernel choose. Returns 0 or an errno.
 */
static int bind_random_port(int fd, int family)
{
	int i;

	for (i = 0; i < NET_PORT_TRIES; i++) {
		struct sockaddr_storage ss;
		socklen_t len;
		uint32_t r;

		if (rand_below(65536u - NET_PORT_MIN, &r) != ST_OK)
			return EIO;
		memset(&ss, 0, sizeof(ss));
		if (family == AF_INET) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			s4->sin_addr.s_addr = htonl(INADDR_ANY);
			s4->sin_port = htons((uint16_t)(NET_PORT_MIN + r));
			len = sizeof(*s4);
		} else {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_addr = in6addr_any;
			s6->sin6_port = htons((uint16_t)(NET_PORT_MIN + r));
			len = sizeof(*s6);
		}
		if (bind(fd, (struct sockaddr *)&ss, len) == 0)
			return 0;
		if (errno != EADDRINUSE && errno != EACCES)
			return errno;
	}
	return 0;
}

static int status_of_errno(int e)
{
	if (e == ECONNREFUSED)
		return ST_REFUSED;
	if (e == ECONNRESET || e == EPIPE)
		return ST_CLOSED;
	if (e == ETIMEDOUT)
		return ST_TIMEOUT;
	return ST_IO;
}

/* ---- UDP ---- */

struct net_udp {
	struct loop *loop;
	struct loop_io io;
	struct loop_timer timer;
	int fd;
	uint8_t *msg;
	size_t len;
	uint8_t *rbuf;
	size_t rcap;
	net_match_fn match;
	void *match_arg;
	net_udp_fn done;
	void *arg;
	uint64_t deadline;
	int fail_st;            /* set up failed: report this from the timer */
	struct net_udp_result res;
	bool in_cb;
};

static void udp_free(struct net_udp *u)
{
	loop_io_stop(u->loop, &u->io);
	loop_timer_stop(u->loop, &u->timer);
	if (u->fd >= 0)
		close(u->fd);
	free(u->msg);
	free(u->rbuf);
	free(u);
}

static void udp_finish(struct net_udp *u, int st, int err)
{
	loop_io_stop(u->loop, &u->io);
	loop_timer_stop(u->loop, &u->timer);
	u->res.status = st;
	u->res.sys_errno = err;
	u->res.elapsed_ms = loop_now(u->loop) - u->res.started_ms;
	u->in_cb = true;
	u->done(&u->res, u->arg);
	udp_free(u);
}

static void udp_timer(struct loop *l, struct loop_timer *t)
{
	struct net_udp *u = t->arg;

	(void)l;
	if (u->fail_st != ST_OK)
		udp_finish(u, u->fail_st, u->res.sys_errno);
	else
		udp_finish(u, ST_TIMEOUT, 0);
}

static void udp_readable(struct loop *l, struct loop_io *w, short revents)
{
	struct net_udp *u = w->arg;

	(void)l;
	(void)revents;
	for (;;) {
		ssize_t n = recv(u->fd, u->rbuf, u->rcap, MSG_TRUNC);
		size_t got;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			udp_finish(u, status_of_errno(errno), errno);
			return;
		}
		if (n == 0) {
			u->res.empties++;
			continue;
		}
		got = (size_t)n;
		u->res.truncated = got > u->rcap;
		if (got > u->rcap)
			got = u->rcap;
		if (!u->match || u->match(u->rbuf, got, u->match_arg)) {
			u->res.reply = u->rbuf;
			u->res.len = got;
			udp_finish(u, ST_OK, 0);
			return;
		}
		u->res.mismatches++;
		u->res.truncated = false;
	}
}

/* Socket, random port, connect, send. Returns 0 or the errno of the failing call. */
static int udp_setup(struct net_udp *u, const struct net_addr *server)
{
	int family = server->ss.ss_family, e;
	ssize_t n;

	u->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (u->fd < 0)
		return errno;
	e = bind_random_port(u->fd, family);
	if (e)
		return e;
	if (connect(u->fd, (const struct sockaddr *)&server->ss, server->len) != 0)
		return errno;
	u->res.src_port = local_port(u->fd);
	do
		n = send(u->fd, u->msg, u->len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno;
	u->res.bytes_out = (size_t)n;
	return 0;
}

int net_udp_start(struct loop *l, const struct net_udp_req *req, net_udp_fn done, void *arg,
                  struct net_udp **out)
{
	struct net_udp *u;
	int e, st;

	if (out)
		*out = NULL;
	if (!l || !req || !done || !req->msg || req->len == 0 ||
	    (req->server.ss.ss_family != AF_INET && req->server.ss.ss_family != AF_INET6))
		return ST_INVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return ST_NOMEM;
	u->loop = l;
	u->fd = -1;
	u->rcap = req->max_reply ? req->max_reply : NET_UDP_MAX_REPLY;
	u->msg = malloc(req->len);
	u->rbuf = malloc(u->rcap);
	if (!u->msg || !u->rbuf) {
		free(u->msg);
		free(u->rbuf);
		free(u);
		return ST_NOMEM;
	}
	memcpy(u->msg, req->msg, req->len);
	u->len = req->len;
	u->match = req->match;
	u->match_arg = req->match_arg;
	u->done = done;
	u->arg = arg;
	u->res.src_port = -1;
	u->res.started_ms = loop_now(l);
	loop_io_init(&u->io, -1, udp_readable, u);
	loop_timer_init(&u->timer, udp_timer, u);

	e = udp_setup(u, &req->server);
	if (e) {
		u->fail_st = status_of_errno(e);
		u->res.sys_errno = e;
		st = loop_timer_start(l, &u->timer, u->res.started_ms);
	} else {
		u->io.fd = u->fd;
		st = loop_io_start(l, &u->io, POLLIN);
		if (st == ST_OK)
			st = loop_timer_start(l, &u->timer, u->res.started_ms + req->timeout_ms);
	}
	if (st != ST_OK) {
		udp_free(u);
		return st;
	}
	if (out)
		*out = u;
	return ST_OK;
}

void net_udp_cancel(struct net_udp *u)
{
	if (!u || u->in_cb)
		return;
	udp_free(u);
}

/* ---- TCP ---- */

enum tcp_phase { TCP_CONNECT, TCP_SOCKS_GREET, TCP_SOCKS_AUTH, TCP_SOCKS_CONNECT, TCP_WRITE,
	         TCP_READ };

static const char *const phase_names[] = {
	"connect", "socks5-greeting", "socks5-auth", "socks5-connect", "write", "read"
};

/* What a handshake step is called in messages ("during the SOCKS5 greeting"). */
static const char *const step_names[] = {
	"connection", "SOCKS5 greeting", "SOCKS5 authentication", "SOCKS5 CONNECT request"
};

/* The SOCKS5 part of a stream: the messages to send, and the reply being read. */
struct tcp_socks {
	uint8_t greeting[SOCKS5_GREETING_MAX];
	size_t greeting_len;
	uint8_t auth[SOCKS5_AUTH_MAX];       /* holds the password: wiped when sent or freed */
	size_t auth_len;
	uint8_t request[SOCKS5_REQUEST_MAX];
	size_t request_len;
	const uint8_t *out;                  /* the message being written */
	size_t out_len, out_off;
	bool reading;                        /* written; reading the reply */
	uint8_t in[SOCKS5_REPLY_MAX];
	size_t in_len;
	char err[128];
};

struct net_tcp {
	struct loop *loop;
	struct loop_io io;
	struct loop_timer timer;
	int fd;
	enum tcp_phase phase;
	uint8_t *msg;
	size_t len, off;
	struct buf in;
	size_t max_bytes;
	net_frame_fn frame;
	void *frame_arg;
	net_tcp_fn done;
	void *arg;
	uint64_t connect_deadline;   /* 0: none */
	uint64_t deadline;
	int fail_st;
	struct tcp_socks *socks;     /* NULL: direct */
	struct net_tcp_result res;
	bool in_cb;
};

static void socks_free(struct tcp_socks *k)
{
	if (!k)
		return;
	explicit_bzero(k->auth, sizeof(k->auth));
	free(k);
}

static void tcp_free(struct net_tcp *t)
{
	loop_io_stop(t->loop, &t->io);
	loop_timer_stop(t->loop, &t->timer);
	if (t->fd >= 0)
		close(t->fd);
	free(t->msg);
	buf_reset(&t->in);
	socks_free(t->socks);
	free(t);
}

/* Why the proxy part failed when the reply parser did not say (connect, timeout, EOF). */
static void socks_default_error(struct net_tcp *t, int st, int err)
{
	struct tcp_socks *k = t->socks;
	const char *step = step_names[t->phase];

	if (t->phase == TCP_CONNECT) {
		if (st == ST_TIMEOUT)
			snprintf(k->err, sizeof(k->err), "cannot reach the SOCKS5 proxy: no "
			         "connection in time");
		else
			snprintf(k->err, sizeof(k->err), "cannot reach the SOCKS5 proxy: %s",
			         err ? strerror(err) : status_str(st));
	} else if (st == ST_TIMEOUT) {
		snprintf(k->err, sizeof(k->err), "the proxy did not answer the %s in time%s", step,
		         k->in_len ? " (reply incomplete)" : "");
	} else if (st == ST_CLOSED) {
		snprintf(k->err, sizeof(k->err), "the proxy closed the connection during the %s "
		         "(%zu byte%s of its reply)", step, k->in_len, k->in_len == 1 ? "" : "s");
	} else {
		snprintf(k->err, sizeof(k->err), "the %s failed: %s", step,
		         err ? strerror(err) : status_str(st));
	}
}

static void tcp_finish(struct net_tcp *t, int st, int err)
{
	loop_io_stop(t->loop, &t->io);
	loop_timer_stop(t->loop, &t->timer);
	t->res.status = st;
	t->res.sys_errno = err;
	t->res.phase = st == ST_OK ? "done" : phase_names[t->phase];
	t->res.data = t->in.data;
	t->res.len = t->in.len;
	t->res.elapsed_ms = loop_now(t->loop) - t->res.started_ms;
	if (t->socks && st != ST_OK && t->phase < TCP_WRITE) {
		if (!t->socks->err[0])
			socks_default_error(t, st, err);
		t->res.proxy_error = t->socks->err;
	}
	t->in_cb = true;
	t->done(&t->res, t->arg);
	tcp_free(t);
}

/* (Re)arm the single timer at the nearest deadline of the current phase: until the target
 * is connected (through a proxy: until its CONNECT reply) the connection deadline counts. */
static int tcp_arm(struct net_tcp *t)
{
	uint64_t at = t->deadline;

	if (t->phase < TCP_WRITE && t->connect_deadline && t->connect_deadline < at)
		at = t->connect_deadline;
	return loop_timer_start(t->loop, &t->timer, at);
}

static void tcp_timer(struct loop *l, struct loop_timer *tm)
{
	struct net_tcp *t = tm->arg;

	(void)l;
	if (t->fail_st != ST_OK)
		tcp_finish(t, t->fail_st, t->res.sys_errno);
	else
		tcp_finish(t, ST_TIMEOUT, 0);
}

/* Ask the framer; finish when it decides. Returns true if the transaction ended. */
static bool tcp_check_frame(struct net_tcp *t, bool eof, int err)
{
	size_t mlen = 0;
	enum net_frame f = t->frame(t->in.data, t->in.len, eof, &mlen, t->frame_arg);

	if (f == NET_FRAME_DONE) {
		t->res.msg_len = mlen <= t->in.len ? mlen : t->in.len;
		tcp_finish(t, ST_OK, 0);
		return true;
	}
	if (f == NET_FRAME_BAD) {
		tcp_finish(t, ST_MALFORMED, 0);
		return true;
	}
	if (eof) {
		tcp_finish(t, ST_CLOSED, err);
		return true;
	}
	return false;
}

static void tcp_read(struct net_tcp *t)
{
	uint8_t chunk[NET_TCP_CHUNK];

	for (;;) {
		ssize_t n = recv(t->fd, chunk, sizeof(chunk), 0);
		size_t room;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			/* A reset after the data (some WHOIS servers do this) counts as the end. */
			if (errno == ECONNRESET) {
				tcp_check_frame(t, true, errno);
				return;
			}
			tcp_finish(t, ST_IO, errno);
			return;
		}
		if (n == 0) {
			tcp_check_frame(t, true, 0);
			return;
		}
		room = t->max_bytes - t->in.len;
		if ((size_t)n > room) {
			/* Keep what fits so the caller can still see the start of the text. */
			buf_add(&t->in, chunk, room);
			tcp_finish(t, ST_TOOBIG, 0);
			return;
		}
		if (buf_add(&t->in, chunk, (size_t)n) != ST_OK) {
			tcp_finish(t, ST_NOMEM, 0);
			return;
		}
		if (tcp_check_frame(t, false, 0))
			return;
	}
}

static void tcp_write(struct net_tcp *t)
{
	while (t->off < t->len) {
		ssize_t n = send(t->fd, t->msg + t->off, t->len - t->off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			tcp_finish(t, status_of_errno(errno), errno);
			return;
		}
		t->off += (size_t)n;
		t->res.bytes_out = t->off;
	}
	t->phase = TCP_READ;
	if (loop_io_start(t->loop, &t->io, POLLIN) != ST_OK || tcp_arm(t) != ST_OK)
		tcp_finish(t, ST_NOMEM, 0);
}

/* The target is connected (directly, or the proxy said so): write the request. */
static void tcp_start_write(struct net_tcp *t)
{
	t->res.connected = true;
	t->phase = TCP_WRITE;
	if (loop_io_start(t->loop, &t->io, POLLOUT) != ST_OK || tcp_arm(t) != ST_OK) {
		tcp_finish(t, ST_NOMEM, 0);
		return;
	}
	tcp_write(t);
}

/* ---- TCP: the SOCKS5 handshake ---- */

static void socks_write(struct net_tcp *t);

/* Enter a handshake step: write its message, then read its reply. */
static void socks_step(struct net_tcp *t, enum tcp_phase ph)
{
	struct tcp_socks *k = t->socks;

	t->phase = ph;
	k->reading = false;
	k->in_len = 0;
	k->out_off = 0;
	if (ph == TCP_SOCKS_GREET) {
		k->out = k->greeting;
		k->out_len = k->greeting_len;
	} else if (ph == TCP_SOCKS_AUTH) {
		k->out = k->auth;
		k->out_len = k->auth_len;
	} else {
		k->out = k->request;
		k->out_len = k->request_len;
	}
	if (loop_io_start(t->loop, &t->io, POLLOUT) != ST_OK || tcp_arm(t) != ST_OK) {
		tcp_finish(t, ST_NOMEM, 0);
		return;
	}
	socks_write(t);
}

/* A complete reply of the current step: go on, or fail with the parser's reason. */
static void socks_reply_done(struct net_tcp *t, const struct socks5_reply *r)
{
	struct tcp_socks *k = t->socks;

	switch (t->phase) {
	case TCP_SOCKS_GREET:
		if (r->method == SOCKS5_METHOD_USERPASS)
			socks_step(t, TCP_SOCKS_AUTH);
		else
			socks_step(t, TCP_SOCKS_CONNECT);
		return;
	case TCP_SOCKS_AUTH:
		socks_step(t, TCP_SOCKS_CONNECT);
		return;
	default:
		t->res.socks5_rep = r->rep;
		k->in_len = 0;
		tcp_start_write(t);
		return;
	}
}

/* Parse what the current step's reply holds so far. */
static enum socks5_parse socks_parse(struct net_tcp *t, struct socks5_reply *r)
{
	struct tcp_socks *k = t->socks;

	if (t->phase == TCP_SOCKS_GREET)
		return socks5_method_reply(k->in, k->in_len, k->auth_len > 0, r);
	if (t->phase == TCP_SOCKS_AUTH)
		return socks5_auth_reply(k->in, k->in_len, r);
	return socks5_connect_reply(k->in, k->in_len, r);
}

/*
 * Read the reply of the current step exactly: never more than the parser says the message
 * needs, so the first bytes of the tunnelled stream (a banner sent at once) stay in the
 * socket for the framed read.
 */
static void socks_read(struct net_tcp *t)
{
	struct tcp_socks *k = t->socks;
	struct socks5_reply r;

	for (;;) {
		enum socks5_parse p = socks_parse(t, &r);
		size_t want;
		ssize_t n;

		if (p == SOCKS5_DONE) {
			socks_reply_done(t, &r);
			return;
		}
		if (p == SOCKS5_FAIL) {
			snprintf(k->err, sizeof(k->err), "%s", r.why);
			if (t->phase == TCP_SOCKS_CONNECT && r.rep > 0)
				t->res.socks5_rep = r.rep;      /* an error code; 0 came in a bad reply */
			tcp_finish(t, r.status, 0);
			return;
		}
		/* MORE: need > in_len and need <= SOCKS5_REPLY_MAX by the parsers' contract */
		if (r.need <= k->in_len || r.need > sizeof(k->in)) {
			snprintf(k->err, sizeof(k->err), "internal error reading the %s",
			         step_names[t->phase]);
			tcp_finish(t, ST_MALFORMED, 0);
			return;
		}
		want = r.need - k->in_len;
		n = recv(t->fd, k->in + k->in_len, want, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			tcp_finish(t, status_of_errno(errno), errno);
			return;
		}
		if (n == 0) {
			tcp_finish(t, ST_CLOSED, 0);
			return;
		}
		k->in_len += (size_t)n;
	}
}

static void socks_write(struct net_tcp *t)
{
	struct tcp_socks *k = t->socks;

	while (k->out_off < k->out_len) {
		ssize_t n = send(t->fd, k->out + k->out_off, k->out_len - k->out_off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			tcp_finish(t, status_of_errno(errno), errno);
			return;
		}
		k->out_off += (size_t)n;
	}
	if (t->phase == TCP_SOCKS_AUTH)
		explicit_bzero(k->auth, sizeof(k->auth));    /* sent: no copy is kept */
	k->reading = true;
	if (loop_io_start(t->loop, &t->io, POLLIN) != ST_OK) {
		tcp_finish(t, ST_NOMEM, 0);
		return;
	}
	socks_read(t);
}

static void tcp_connected(struct net_tcp *t)
{
	t->res.src_port = local_port(t->fd);
	if (t->socks) {
		t->res.proxy_connected = true;
		socks_step(t, TCP_SOCKS_GREET);
		return;
	}
	tcp_start_write(t);
}

static void tcp_event(struct loop *l, struct loop_io *w, short revents)
{
	struct net_tcp *t = w->arg;
	int err = 0;
	socklen_t elen = sizeof(err);

	(void)l;
	(void)revents;
	switch (t->phase) {
	case TCP_CONNECT:
		if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
			err = errno;
		if (err) {
			tcp_finish(t, status_of_errno(err), err);
			return;
		}
		tcp_connected(t);
		return;
	case TCP_SOCKS_GREET:
	case TCP_SOCKS_AUTH:
	case TCP_SOCKS_CONNECT:
		if (t->socks->reading)
			socks_read(t);
		else
			socks_write(t);
		return;
	case TCP_WRITE:
		tcp_write(t);
		return;
	case TCP_READ:
		tcp_read(t);
		return;
	}
}

/* The SOCKS5 messages for req, built now so that a target the proxy cannot be asked for is
 * refused at once (ST_INVAL). */
static int socks_new(const struct net_tcp_req *req, struct tcp_socks **out)
{
	const struct socks5_proxy *p = req->socks5;
	struct tcp_socks *k;
	size_t ul = strnlen(p->user, sizeof(p->user)), pl = strnlen(p->pass, sizeof(p->pass));

	*out = NULL;
	if ((p->ss.ss_family != AF_INET && p->ss.ss_family != AF_INET6) ||
	    ul > SOCKS5_CRED_MAX || pl > SOCKS5_CRED_MAX || (ul == 0) != (pl == 0))
		return ST_INVAL;
	if (!req->target_host && req->server.ss.ss_family != AF_INET &&
	    req->server.ss.ss_family != AF_INET6)
		return ST_INVAL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return ST_NOMEM;
	k->greeting_len = socks5_greeting(p, k->greeting);
	k->auth_len = socks5_auth_request(p, k->auth);
	if (req->target_host)
		k->request_len = socks5_connect_request(req->target_host, NULL, req->target_port,
		                                        k->request);
	else
		k->request_len = socks5_connect_request(NULL, &req->server.ss,
		                                        net_addr_port(&req->server), k->request);
	if (k->request_len == 0) {
		socks_free(k);
		return ST_INVAL;
	}
	*out = k;
	return ST_OK;
}

int net_tcp_start(struct loop *l, const struct net_tcp_req *req, net_tcp_fn done, void *arg,
                  struct net_tcp **out)
{
	struct net_tcp *t;
	const struct sockaddr *to;
	socklen_t tolen;
	int st = ST_OK, e = 0;

	if (out)
		*out = NULL;
	if (!l || !req || !done || !req->frame || (req->len && !req->msg) ||
	    (!req->socks5 && req->server.ss.ss_family != AF_INET &&
	     req->server.ss.ss_family != AF_INET6))
		return ST_INVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return ST_NOMEM;
	t->loop = l;
	t->fd = -1;
	t->res.socks5_rep = -1;
	if (req->socks5) {
		st = socks_new(req, &t->socks);
		if (st != ST_OK) {
			free(t);
			return st;
		}
		t->res.proxied = true;
	}
	t->max_bytes = req->max_bytes ? req->max_bytes : NET_TCP_MAX_DEFAULT;
	buf_init(&t->in, t->max_bytes);
	if (req->len) {
		t->msg = malloc(req->len);
		if (!t->msg) {
			socks_free(t->socks);
			free(t);
			return ST_NOMEM;
		}
		memcpy(t->msg, req->msg, req->len);
	}
	t->len = req->len;
	t->frame = req->frame;
	t->frame_arg = req->frame_arg;
	t->done = done;
	t->arg = arg;
	t->res.src_port = -1;
	t->res.started_ms = loop_now(l);
	t->deadline = t->res.started_ms + req->timeout_ms;
	if (req->connect_timeout_ms)
		t->connect_deadline = t->res.started_ms + req->connect_timeout_ms;
	t->phase = TCP_CONNECT;
	loop_io_init(&t->io, -1, tcp_event, t);
	loop_timer_init(&t->timer, tcp_timer, t);

	if (req->socks5) {
		to = (const struct sockaddr *)&req->socks5->ss;
		tolen = req->socks5->len;
	} else {
		to = (const struct sockaddr *)&req->server.ss;
		tolen = req->server.len;
	}
	t->fd = socket(to->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->fd < 0) {
		e = errno;
	} else if (connect(t->fd, to, tolen) == 0) {
		/* Immediate success (possible on loopback): continue from the loop all the same. */
		t->io.fd = t->fd;
		st = loop_io_start(l, &t->io, POLLOUT);
	} else if (errno == EINPROGRESS || errno == EINTR) {
		t->io.fd = t->fd;
		st = loop_io_start(l, &t->io, POLLOUT);
	} else {
		e = errno;
	}
	if (st == ST_OK) {
		if (e) {
			t->fail_st = status_of_errno(e);
			t->res.sys_errno = e;
			st = loop_timer_start(l, &t->timer, t->res.started_ms);
		} else {
			st = tcp_arm(t);
		}
	}
	if (st != ST_OK) {
		tcp_free(t);
		return st;
	}
	if (out)
		*out = t;
	return ST_OK;
}

void net_tcp_cancel(struct net_tcp *t)
{
	if (!t || t->in_cb)
		return;
	tcp_free(t);
}

/* ---- framers ---- */

enum net_frame net_frame_dns(const uint8_t *data, size_t len, bool eof, size_t *msg_len,
                             void *arg)
{
	size_t want;

	(void)eof;
	(void)arg;
	if (len < 2)
		return NET_FRAME_MORE;
	want = ((size_t)data[0] << 8) | data[1];
	if (want < 12)
		return NET_FRAME_BAD;
	if (len - 2 < want)
		return NET_FRAME_MORE;
	*msg_len = 2 + want;
	return NET_FRAME_DONE;
}

enum net_frame net_frame_eof(const uint8_t *data, size_t len, bool eof, size_t *msg_len,
                             void *arg)
{
	(void)data;
	(void)arg;
	if (!eof)
		return NET_FRAME_MORE;
	*msg_len = len;
	return NET_FRAME_DONE;
}

enum net_frame net_frame_lines(const uint8_t *data, size_t len, bool eof, size_t *msg_len,
                               void *arg)
{
	const char *const *prefixes = arg;
	size_t start = 0;

	while (start < len) {
		const uint8_t *nl = memchr(data + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - data) + 1 : len;
		size_t i;

		if (!nl && !eof)
			break;       /* an unfinished line is judged when it is complete */
		for (i = 0; prefixes && prefixes[i]; i++) {
			size_t pl = strlen(prefixes[i]);

			if (end - start >= pl && memcmp(data + start, prefixes[i], pl) == 0) {
				*msg_len = end;
				return NET_FRAME_DONE;
			}
		}
		start = end;
	}
	return NET_FRAME_MORE;
}
