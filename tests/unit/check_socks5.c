/* Unit tests for the SOCKS5 client: messages, reply parsing, and streams through scripted
 * loopback proxies (honest and hostile) forked on port 0. */
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
#include "socks5.h"
#include "status.h"

#define B(s) (const uint8_t *)(s), sizeof(s) - 1
#define R(s) s, sizeof(s) - 1

/* ---- the user's setting ---- */

START_TEST(spec_parse_table)
{
	static const struct {
		const char *spec;
		const char *env;
		bool ok;
		const char *ip;
		int port;
		const char *user, *pass;
	} t[] = {
		{ "127.0.0.1:1080", NULL, true, "127.0.0.1", 1080, "", "" },
		{ "127.0.0.1", NULL, true, "127.0.0.1", 1080, "", "" },
		{ "192.0.2.9:9050", NULL, true, "192.0.2.9", 9050, "", "" },
		{ "[::1]:9050", NULL, true, "::1", 9050, "", "" },
		{ "::1", NULL, true, "::1", 1080, "", "" },
		{ "localhost:1081", NULL, true, "127.0.0.1", 1081, "", "" },
		{ "localhost", NULL, true, "127.0.0.1", 1080, "", "" },
		{ "alice:s3cret@127.0.0.1:1080", NULL, true, "127.0.0.1", 1080, "alice", "s3cret" },
		{ "alice:p:q@127.0.0.1", NULL, true, "127.0.0.1", 1080, "alice", "p:q" },
		{ "alice:p@w@127.0.0.1", NULL, true, "127.0.0.1", 1080, "alice", "p@w" },
		{ "alice@127.0.0.1", "fromenv", true, "127.0.0.1", 1080, "alice", "fromenv" },
		{ "alice@127.0.0.1", NULL, false, NULL, 0, NULL, NULL },
		{ "alice@127.0.0.1", "", false, NULL, 0, NULL, NULL },
		{ ":pw@127.0.0.1", NULL, false, NULL, 0, NULL, NULL },
		{ "alice:@127.0.0.1", NULL, false, NULL, 0, NULL, NULL },
		{ "@127.0.0.1", NULL, false, NULL, 0, NULL, NULL },
		{ "proxy.example:1080", NULL, false, NULL, 0, NULL, NULL },
		{ "127.0.0.1:0", NULL, false, NULL, 0, NULL, NULL },
		{ "127.0.0.1:65536", NULL, false, NULL, 0, NULL, NULL },
		{ "127.0.0.1:", NULL, false, NULL, 0, NULL, NULL },
		{ "", NULL, false, NULL, 0, NULL, NULL },
		{ "alice:pw@", NULL, false, NULL, 0, NULL, NULL },
		{ "[::1", NULL, false, NULL, 0, NULL, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct socks5_proxy p;
		const char *why = NULL;
		int st = socks5_spec_parse(t[i].spec, t[i].env, &p, &why);

		ck_assert_msg((st == ST_OK) == t[i].ok, "%s", t[i].spec);
		if (!t[i].ok) {
			ck_assert_ptr_nonnull(why);
			ck_assert_ptr_null(strstr(why, "pw"));       /* never quotes a password */
			ck_assert_str_eq(p.pass, "");
			continue;
		}
		{
			char ip[64];
			int port;

			if (p.ss.ss_family == AF_INET) {
				struct sockaddr_in *s4 = (struct sockaddr_in *)&p.ss;

				inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
				port = ntohs(s4->sin_port);
			} else {
				struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&p.ss;

				ck_assert_int_eq(p.ss.ss_family, AF_INET6);
				inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
				port = ntohs(s6->sin6_port);
			}
			ck_assert_str_eq(ip, t[i].ip);
			ck_assert_int_eq(port, t[i].port);
			ck_assert_str_eq(p.user, t[i].user);
			ck_assert_str_eq(p.pass, t[i].pass);
		}
	}
}
END_TEST

START_TEST(spec_credential_lengths_first_valid_first_invalid)
{
	char spec[700], user[300], pass[300];
	struct socks5_proxy p;
	const char *why;

	memset(user, 'u', sizeof(user));
	memset(pass, 'p', sizeof(pass));
	user[255] = 0;
	pass[255] = 0;
	snprintf(spec, sizeof(spec), "%s:%s@127.0.0.1", user, pass);
	ck_assert_int_eq(socks5_spec_parse(spec, NULL, &p, &why), ST_OK);
	ck_assert_uint_eq(strlen(p.user), 255);
	ck_assert_uint_eq(strlen(p.pass), 255);
	user[255] = 'u';
	user[256] = 0;
	snprintf(spec, sizeof(spec), "%s:%s@127.0.0.1", user, pass);
	ck_assert_int_eq(socks5_spec_parse(spec, NULL, &p, &why), ST_MALFORMED);
	user[255] = 0;
	pass[255] = 'p';
	pass[256] = 0;
	snprintf(spec, sizeof(spec), "%s:%s@127.0.0.1", user, pass);
	ck_assert_int_eq(socks5_spec_parse(spec, NULL, &p, &why), ST_MALFORMED);
	ck_assert_str_eq(p.pass, "");
}
END_TEST

START_TEST(label_never_shows_credentials)
{
	struct socks5_proxy p;
	char label[SOCKS5_LABEL_MAX];

	ck_assert_int_eq(socks5_spec_parse("alice:s3cret@[2001:db8::1]:1080", NULL, &p, NULL),
	                 ST_OK);
	socks5_label(&p, label, sizeof(label));
	ck_assert_str_eq(label, "socks5 [2001:db8::1]:1080");
	ck_assert_int_eq(socks5_spec_parse("127.0.0.1:9", NULL, &p, NULL), ST_OK);
	socks5_label(&p, label, sizeof(label));
	ck_assert_str_eq(label, "socks5 127.0.0.1:9");
}
END_TEST

/* ---- client messages ---- */

START_TEST(messages_bytes)
{
	struct socks5_proxy p;
	struct sockaddr_storage ss;
	uint8_t m[SOCKS5_AUTH_MAX];
	char name[300];
	size_t n;

	ck_assert_int_eq(socks5_spec_parse("127.0.0.1", NULL, &p, NULL), ST_OK);
	n = socks5_greeting(&p, m);
	ck_assert_uint_eq(n, 3);
	ck_assert_mem_eq(m, "\x05\x01\x00", 3);
	ck_assert_uint_eq(socks5_auth_request(&p, m), 0);
	ck_assert_int_eq(socks5_spec_parse("al:pw1@127.0.0.1", NULL, &p, NULL), ST_OK);
	n = socks5_greeting(&p, m);
	ck_assert_uint_eq(n, 4);
	ck_assert_mem_eq(m, "\x05\x02\x00\x02", 4);
	n = socks5_auth_request(&p, m);
	ck_assert_uint_eq(n, 8);
	ck_assert_mem_eq(m, "\x01\x02" "al" "\x03" "pw1", 8);

	n = socks5_connect_request("whois.ripe.net", NULL, 43, m);
	ck_assert_uint_eq(n, 4 + 1 + 14 + 2);
	ck_assert_mem_eq(m, "\x05\x01\x00\x03\x0ewhois.ripe.net\x00\x2b", n);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.53", &((struct sockaddr_in *)&ss)->sin_addr);
	n = socks5_connect_request(NULL, &ss, 53, m);
	ck_assert_uint_eq(n, 10);
	ck_assert_mem_eq(m, "\x05\x01\x00\x01\xc0\x00\x02\x35\x00\x35", 10);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", &((struct sockaddr_in6 *)&ss)->sin6_addr);
	n = socks5_connect_request(NULL, &ss, 4321, m);
	ck_assert_uint_eq(n, 22);
	ck_assert_mem_eq(m, "\x05\x01\x00\x04\x20\x01\x0d\xb8", 8);
	ck_assert_mem_eq(m + 20, "\x10\xe1", 2);

	/* names: LDH, 1..255 bytes (a 255-byte name needs labels of at most 63) */
	ck_assert_uint_eq(socks5_connect_request("", NULL, 43, m), 0);
	ck_assert_uint_eq(socks5_connect_request("bad host", NULL, 43, m), 0);
	ck_assert_uint_eq(socks5_connect_request("evil\r\nhost", NULL, 43, m), 0);
	ck_assert_uint_eq(socks5_connect_request("a.example", NULL, 0, m), 0);
	ck_assert_uint_eq(socks5_connect_request("a.example", NULL, 65536, m), 0);
	ck_assert_uint_eq(socks5_connect_request(NULL, NULL, 43, m), 0);
	memset(name, 'a', sizeof(name));
	name[63] = name[127] = name[191] = '.';
	name[253] = 0;                                   /* 253: hostname_valid's limit */
	ck_assert_uint_eq(socks5_connect_request(name, NULL, 43, m), 4 + 1 + 253 + 2);
	name[253] = 'a';
	name[254] = 0;
	ck_assert_uint_eq(socks5_connect_request(name, NULL, 43, m), 0);
}
END_TEST

/* ---- reply parsing ---- */

START_TEST(method_reply_table)
{
	struct socks5_reply r;

	ck_assert_int_eq(socks5_method_reply(NULL, 0, false, &r), SOCKS5_MORE);
	ck_assert_uint_eq(r.need, 2);
	ck_assert_int_eq(socks5_method_reply(B("\x05"), false, &r), SOCKS5_MORE);
	ck_assert_int_eq(socks5_method_reply(B("\x05\x00"), false, &r), SOCKS5_DONE);
	ck_assert_int_eq(r.method, 0);
	ck_assert_uint_eq(r.need, 2);
	ck_assert_int_eq(socks5_method_reply(B("\x05\x02"), true, &r), SOCKS5_DONE);
	ck_assert_int_eq(r.method, 2);
	ck_assert_int_eq(socks5_method_reply(B("\x05\x02"), false, &r), SOCKS5_FAIL);
	ck_assert_int_eq(r.status, ST_MALFORMED);
	ck_assert_ptr_nonnull(strstr(r.why, "0x02, which was not offered"));
	ck_assert_int_eq(socks5_method_reply(B("\x05\x01"), true, &r), SOCKS5_FAIL);
	ck_assert_int_eq(socks5_method_reply(B("\x05\xff"), false, &r), SOCKS5_FAIL);
	ck_assert_int_eq(r.status, ST_REFUSED);
	ck_assert_ptr_nonnull(strstr(r.why, "wants authentication"));
	ck_assert_int_eq(socks5_method_reply(B("\x05\xff"), true, &r), SOCKS5_FAIL);
	ck_assert_ptr_nonnull(strstr(r.why, "neither"));
	/* the version is judged on the first byte, without waiting for the second */
	ck_assert_int_eq(socks5_method_reply(B("\x04"), false, &r), SOCKS5_FAIL);
	ck_assert_int_eq(r.status, ST_MALFORMED);
	ck_assert_ptr_nonnull(strstr(r.why, "version 4"));
	ck_assert_int_eq(socks5_method_reply(B("HTTP/1.1 400"), false, &r), SOCKS5_FAIL);
}
END_TEST

START_TEST(auth_reply_table)
{
	struct socks5_reply r;

	ck_assert_int_eq(socks5_auth_reply(B("\x01"), &r), SOCKS5_MORE);
	ck_assert_uint_eq(r.need, 2);
	ck_assert_int_eq(socks5_auth_reply(B("\x01\x00"), &r), SOCKS5_DONE);
	ck_assert_int_eq(socks5_auth_reply(B("\x01\x01"), &r), SOCKS5_FAIL);
	ck_assert_int_eq(r.status, ST_REFUSED);
	ck_assert_ptr_nonnull(strstr(r.why, "user name or password"));
	ck_assert_int_eq(socks5_auth_reply(B("\x05\x00"), &r), SOCKS5_FAIL);
	ck_assert_int_eq(r.status, ST_MALFORMED);
	ck_assert_ptr_nonnull(strstr(r.why, "RFC 1929"));
}
END_TEST

START_TEST(connect_reply_table)
{
	static const struct {
		const char *p;
		size_t n;
		enum socks5_parse want;
		size_t need;
		int status;
		const char *why;
	} t[] = {
		{ "", 0, SOCKS5_MORE, 2, 0, NULL },
		{ "\x05", 1, SOCKS5_MORE, 2, 0, NULL },
		{ "\x05\x00", 2, SOCKS5_MORE, 5, 0, NULL },
		{ "\x05\x00\x00\x01", 4, SOCKS5_MORE, 10, 0, NULL },
		{ "\x05\x00\x00\x01\x7f\x00\x00", 7, SOCKS5_MORE, 10, 0, NULL },
		{ "\x05\x00\x00\x01\x7f\x00\x00\x01\x04", 9, SOCKS5_MORE, 10, 0, NULL },
		{ "\x05\x00\x00\x01\x7f\x00\x00\x01\x04\x38", 10, SOCKS5_DONE, 10, 0, NULL },
		{ "\x05\x00\x00\x04", 4, SOCKS5_MORE, 22, 0, NULL },
		{ "\x05\x00\x00\x04" "0123456789abcdef" "\x00\x01", 22, SOCKS5_DONE, 22, 0, NULL },
		{ "\x05\x00\x00\x03", 4, SOCKS5_MORE, 5, 0, NULL },
		{ "\x05\x00\x00\x03\x01", 5, SOCKS5_MORE, 8, 0, NULL },
		{ "\x05\x00\x00\x03\x01x\x00\x01", 8, SOCKS5_DONE, 8, 0, NULL },   /* first valid */
		{ "\x05\x00\x00\x03\x00\x00\x01", 7, SOCKS5_FAIL, 5, ST_MALFORMED,
		  "empty bound host name" },                                      /* first invalid */
		{ "\x05\x00\x00\x02\x00\x00", 6, SOCKS5_FAIL, 4, ST_MALFORMED, "type 0x02" },
		{ "\x05\x00\x00\x05", 4, SOCKS5_FAIL, 4, ST_MALFORMED, "type 0x05" },
		{ "\x05\x00\x00\x00", 4, SOCKS5_FAIL, 4, ST_MALFORMED, "type 0x00" },
		{ "\x05\x00\x01\x01", 4, SOCKS5_FAIL, 3, ST_MALFORMED, "reserved byte" },
		{ "\x04\x5a", 2, SOCKS5_FAIL, 1, ST_MALFORMED, "version 4" },   /* a SOCKS4 reply */
		{ "\x00", 1, SOCKS5_FAIL, 1, ST_MALFORMED, "version 0" },
		{ "\x05\x01", 2, SOCKS5_FAIL, 2, ST_IO, "general SOCKS server failure" },
		{ "\x05\x02", 2, SOCKS5_FAIL, 2, ST_REFUSED,
		  "proxy refused: connection not allowed by ruleset" },
		{ "\x05\x03", 2, SOCKS5_FAIL, 2, ST_IO, "network unreachable" },
		{ "\x05\x04\x00\x01\0\0\0\0\0\0", 10, SOCKS5_FAIL, 2, ST_IO, "host unreachable" },
		{ "\x05\x05", 2, SOCKS5_FAIL, 2, ST_REFUSED, "proxy refused: connection refused" },
		{ "\x05\x06", 2, SOCKS5_FAIL, 2, ST_TIMEOUT, "TTL expired" },
		{ "\x05\x07", 2, SOCKS5_FAIL, 2, ST_UNSUPPORTED, "command not supported" },
		{ "\x05\x08", 2, SOCKS5_FAIL, 2, ST_UNSUPPORTED, "address type not supported" },
		{ "\x05\x09", 2, SOCKS5_FAIL, 2, ST_IO, "unassigned reply code 0x09" },
		{ "\x05\xff", 2, SOCKS5_FAIL, 2, ST_IO, "unassigned reply code 0xff" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct socks5_reply r;
		enum socks5_parse p = socks5_connect_reply((const uint8_t *)t[i].p, t[i].n, &r);

		ck_assert_msg(p == t[i].want, "row %zu: %d", i, p);
		ck_assert_msg(r.need == t[i].need, "row %zu: need %zu", i, r.need);
		if (p == SOCKS5_FAIL) {
			ck_assert_int_eq(r.status, t[i].status);
			ck_assert_msg(strstr(r.why, t[i].why) != NULL, "row %zu: %s", i, r.why);
		}
		if (p == SOCKS5_MORE)
			ck_assert_uint_gt(r.need, t[i].n);
	}
}
END_TEST

START_TEST(connect_reply_name_lengths)
{
	uint8_t p[SOCKS5_REPLY_MAX];
	struct socks5_reply r;

	memset(p, 'n', sizeof(p));
	memcpy(p, "\x05\x00\x00\x03\xff", 5);
	ck_assert_int_eq(socks5_connect_reply(p, 5, &r), SOCKS5_MORE);
	ck_assert_uint_eq(r.need, SOCKS5_REPLY_MAX);       /* the longest reply: 262 */
	ck_assert_int_eq(socks5_connect_reply(p, SOCKS5_REPLY_MAX - 1, &r), SOCKS5_MORE);
	p[SOCKS5_REPLY_MAX - 2] = 0x01;
	p[SOCKS5_REPLY_MAX - 1] = 0xbb;
	ck_assert_int_eq(socks5_connect_reply(p, SOCKS5_REPLY_MAX, &r), SOCKS5_DONE);
	ck_assert_int_eq(r.bnd_port, 0x01bb);
	ck_assert_int_eq(r.atyp, SOCKS5_ATYP_NAME);
	ck_assert_int_eq(r.rep, 0);
}
END_TEST

/* ---- streams through scripted proxies (forked children with blocking sockets) ---- */

enum end_act {
	END_SERVE,       /* act as the target: read the request line, answer, close */
	END_CLOSE,       /* close at once */
	END_PAUSE,       /* keep the connection open, say nothing */
	END_RESET,       /* close with RST */
	END_FLOOD,       /* send 2000 bytes, then pause */
	END_LATE         /* answer after 500 ms (after the connection deadline) and close */
};

struct script {
	const char *r1;          /* reply to the greeting (NULL: stop before reading it) */
	size_t n1;
	const char *r2;          /* reply to the authentication (NULL: none is expected) */
	size_t n2;
	const char *r3;          /* reply to the CONNECT request (NULL: stop before) */
	size_t n3;
	enum end_act end;
	int drip_ms;             /* > 0: replies go out one byte at a time */
	bool stop_before_greeting;   /* read nothing: act at once */
};

struct peer {
	int lfd;
	int rec;                 /* pipe: every handshake byte the proxy read */
	const struct script *s;
};

static int tcp_server(struct net_addr *addr)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* Port 0: the kernel picks a free one; never a fixed port on the host. */
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	ck_assert_int_eq(net_addr_from_ip("127.0.0.1", ntohs(sin.sin_port), addr), ST_OK);
	return fd;
}

/* Read exactly n bytes (child side), copying them to the record pipe. */
static void take(const struct peer *p, int c, uint8_t *b, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(c, b + got, n - got);

		if (r <= 0)
			_exit(2);
		got += (size_t)r;
	}
	if (write(p->rec, b, n) != (ssize_t)n)
		_exit(3);
}

static void say(int c, const char *s, size_t n, int drip_ms)
{
	size_t i;

	if (drip_ms <= 0) {
		if (n && write(c, s, n) != (ssize_t)n)
			_exit(4);
		return;
	}
	for (i = 0; i < n; i++) {
		if (write(c, s + i, 1) != 1)
			_exit(4);
		usleep((useconds_t)drip_ms * 1000u);
	}
}

static void proxy_peer(const struct peer *p)
{
	const struct script *s = p->s;
	int c = accept(p->lfd, NULL, NULL);
	uint8_t b[600];
	struct linger lg = { 1, 0 };

	if (c < 0)
		_exit(1);
	if (s->stop_before_greeting)
		goto end;
	take(p, c, b, 2);                              /* VER NMETHODS */
	take(p, c, b + 2, b[1]);
	if (!s->r1)
		goto end;
	say(c, s->r1, s->n1, s->drip_ms);
	if (s->r2) {
		take(p, c, b, 2);                          /* VER ULEN */
		take(p, c, b + 2, b[1]);
		take(p, c, b, 1);                          /* PLEN */
		take(p, c, b + 1, b[0]);
		say(c, s->r2, s->n2, s->drip_ms);
	}
	if (!s->r3)
		goto end;
	take(p, c, b, 4);                              /* VER CMD RSV ATYP */
	if (b[3] == SOCKS5_ATYP_IPV4) {
		take(p, c, b, 4 + 2);
	} else if (b[3] == SOCKS5_ATYP_IPV6) {
		take(p, c, b, 16 + 2);
	} else {
		take(p, c, b, 1);
		take(p, c, b + 1, (size_t)b[0] + 2);
	}
	say(c, s->r3, s->n3, s->drip_ms);
end:
	switch (s->end) {
	case END_SERVE:
		if (read(c, b, sizeof(b)) <= 0)
			_exit(5);
		say(c, "answer text\n", 12, 0);
		close(c);
		break;
	case END_CLOSE:
		close(c);
		break;
	case END_PAUSE:
		pause();
		break;
	case END_RESET:
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(c);
		break;
	case END_FLOOD:
		memset(b, 'x', sizeof(b));
		say(c, (const char *)b, 500, 0);
		say(c, (const char *)b, 500, 0);
		say(c, (const char *)b, 500, 0);
		say(c, (const char *)b, 500, 0);
		pause();
		break;
	case END_LATE:
		if (read(c, b, sizeof(b)) <= 0)
			_exit(5);
		usleep(500000);
		say(c, "late answer\n", 12, 0);
		close(c);
		break;
	}
}

struct run {
	int calls;
	struct net_tcp_result r;
	char proxy_error[160];
	char phase[32];
	uint8_t data[4096];
	uint8_t rec[1024];       /* what the proxy read */
	size_t nrec;
};

static void on_done(const struct net_tcp_result *r, void *arg)
{
	struct run *o = arg;

	o->calls++;
	o->r = *r;
	snprintf(o->phase, sizeof(o->phase), "%s", r->phase);
	snprintf(o->proxy_error, sizeof(o->proxy_error), "%s", r->proxy_error ? r->proxy_error
	                                                                        : "");
	if (r->len > 0 && r->len <= sizeof(o->data))
		memcpy(o->data, r->data, r->len);
	o->r.data = NULL;
	o->r.phase = NULL;
	o->r.proxy_error = NULL;
}

struct opts {
	const char *creds;       /* "user:pass" or NULL */
	const char *host;        /* target by name, or NULL: 192.0.2.1:43 by address */
	net_frame_fn frame;
	void *frame_arg;
	size_t max_bytes;
	uint64_t connect_ms, total_ms;
};

static void run_proxy(const struct script *s, const struct opts *op, struct run *o)
{
	struct net_addr srv;
	struct socks5_proxy proxy;
	struct net_tcp_req req;
	struct loop *l;
	struct peer p;
	char spec[400], ip[64];
	int fds[2];
	pid_t pid;
	ssize_t n;

	memset(o, 0, sizeof(*o));
	p.lfd = tcp_server(&srv);
	ck_assert_int_eq(pipe(fds), 0);
	p.rec = fds[1];
	p.s = s;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		alarm(10);                   /* a stuck peer never outlives the test */
		proxy_peer(&p);
		_exit(0);
	}
	close(fds[1]);
	net_addr_ip(&srv, ip, sizeof(ip));
	snprintf(spec, sizeof(spec), "%s%s%s:%d", op->creds ? op->creds : "",
	         op->creds ? "@" : "", ip, net_addr_port(&srv));
	ck_assert_int_eq(socks5_spec_parse(spec, NULL, &proxy, NULL), ST_OK);
	memset(&req, 0, sizeof(req));
	if (op->host) {
		req.target_host = op->host;
		req.target_port = 43;
	} else {
		ck_assert_int_eq(net_addr_from_ip("192.0.2.1", 43, &req.server), ST_OK);
	}
	req.socks5 = &proxy;
	req.msg = (const uint8_t *)"query\r\n";
	req.len = 7;
	req.connect_timeout_ms = op->connect_ms ? op->connect_ms : 3000;
	req.timeout_ms = op->total_ms ? op->total_ms : 3000;
	req.max_bytes = op->max_bytes;
	req.frame = op->frame ? op->frame : net_frame_eof;
	req.frame_arg = op->frame_arg;
	loop_new(NULL, &l);
	ck_assert_int_eq(net_tcp_start(l, &req, on_done, o, NULL), ST_OK);
	memset(&proxy, 0, sizeof(proxy));           /* copied by _start: may go at once */
	ck_assert_int_eq(o->calls, 0);
	loop_run(l);
	ck_assert_int_eq(o->calls, 1);
	loop_free(l);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(p.lfd);
	while ((n = read(fds[0], o->rec + o->nrec, sizeof(o->rec) - o->nrec)) > 0)
		o->nrec += (size_t)n;
	close(fds[0]);
}

#define OK_V4 "\x05\x00\x00\x01\x7f\x00\x00\x01\x04\x38"

START_TEST(through_proxy_by_name_no_auth)
{
	static const struct script s = { R("\x05\x00"), NULL, 0, R(OK_V4), END_SERVE, 0, false };
	static const uint8_t want[] = "\x05\x01\x00"
	                              "\x05\x01\x00\x03\x11whois.example.net\x00\x2b";
	struct opts op = { NULL, "whois.example.net", NULL, NULL, 0, 0, 0 };
	struct run o;

	run_proxy(&s, &op, &o);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert_str_eq(o.phase, "done");
	ck_assert(o.r.proxied && o.r.proxy_connected && o.r.connected);
	ck_assert_int_eq(o.r.socks5_rep, 0);
	ck_assert_str_eq(o.proxy_error, "");
	ck_assert_uint_eq(o.r.len, 12);
	ck_assert_mem_eq(o.data, "answer text\n", 12);
	ck_assert_uint_eq(o.r.bytes_out, 7);             /* the request, not the handshake */
	ck_assert_uint_eq(o.nrec, sizeof(want) - 1);
	ck_assert_mem_eq(o.rec, want, sizeof(want) - 1);
}
END_TEST

START_TEST(through_proxy_with_username_password)
{
	static const struct script s = { R("\x05\x02"), R("\x01\x00"), R(OK_V4), END_SERVE, 0,
		                         false };
	static const uint8_t want[] = "\x05\x02\x00\x02"
	                              "\x01\x05" "alice" "\x06" "s3cret"
	                              "\x05\x01\x00\x01\xc0\x00\x02\x01\x00\x2b";
	struct opts op = { "alice:s3cret", NULL, NULL, NULL, 0, 0, 0 };
	struct run o;

	run_proxy(&s, &op, &o);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert_mem_eq(o.data, "answer text\n", 12);
	ck_assert_uint_eq(o.nrec, sizeof(want) - 1);
	ck_assert_mem_eq(o.rec, want, sizeof(want) - 1);
}
END_TEST

START_TEST(credentials_offered_but_no_auth_chosen)
{
	static const struct script s = { R("\x05\x00"), NULL, 0, R(OK_V4), END_SERVE, 0, false };
	struct opts op = { "alice:s3cret", "whois.example.net", NULL, NULL, 0, 0, 0 };
	struct run o;

	run_proxy(&s, &op, &o);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert_mem_eq(o.rec, "\x05\x02\x00\x02\x05\x01\x00\x03", 8);   /* no RFC 1929 step */
}
END_TEST

START_TEST(bound_address_forms_are_skipped)
{
	/* IPv6 and a 255-byte name as the bound address: read exactly, never into the stream */
	static const char v6[] = "\x05\x00\x00\x04" "0123456789abcdef" "\x01\xbb";
	char longname[4 + 1 + 255 + 2];
	struct script s6 = { R("\x05\x00"), NULL, 0, v6, sizeof(v6) - 1, END_SERVE, 0, false };
	struct script sn = { R("\x05\x00"), NULL, 0, longname, sizeof(longname), END_SERVE, 0,
		             false };
	struct opts op = { NULL, "whois.example.net", NULL, NULL, 0, 0, 0 };
	struct run o;

	memset(longname, 'b', sizeof(longname));
	memcpy(longname, "\x05\x00\x00\x03\xff", 5);
	run_proxy(&s6, &op, &o);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert_mem_eq(o.data, "answer text\n", 12);
	run_proxy(&sn, &op, &o);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert_uint_eq(o.r.len, 12);
	ck_assert_mem_eq(o.data, "answer text\n", 12);
}
END_TEST

static const char *const rwhois_end[] = { "%ok", "%error", NULL };

START_TEST(banner_right_after_the_reply_reaches_the_framer)
{
	/* The proxy's reply and the target's first bytes in one segment (RWhois banners). */
	static const char r3[] = OK_V4 "%rwhois V-1.5 lab\n";
	static const struct script s = { R("\x05\x00"), NULL, 0, R(r3), END_SERVE, 0, false };
	struct opts op = { NULL, "rwhois.example.net", net_frame_lines, (void *)rwhois_end, 0, 0,
		           0 };
	struct run o;

	run_proxy(&s, &op, &o);
	ck_assert_int_eq(o.r.status, ST_CLOSED);         /* no %ok line: ends at EOF */
	ck_assert_uint_eq(o.r.len, 18 + 12);
	ck_assert_mem_eq(o.data, "%rwhois V-1.5 lab\nanswer text\n", 30);
}
END_TEST

START_TEST(dns_framing_through_proxy_by_address)
{
	static const char r3[] = OK_V4 "\x00\x0c" "ABCDEFGHIJKL";
	static const struct script s = { R("\x05\x00"), NULL, 0, R(r3), END_PAUSE, 0, false };
	struct opts op = { NULL, NULL, net_frame_dns, NULL, 0, 0, 0 };
	struct run o;

	run_proxy(&s, &op, &o);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert_uint_eq(o.r.msg_len, 14);
	ck_assert_mem_eq(o.data + 2, "ABCDEFGHIJKL", 12);
}
END_TEST

START_TEST(ceiling_applies_after_the_handshake)
{
	static const struct script s = { R("\x05\x00"), NULL, 0, R(OK_V4), END_FLOOD, 0, false };
	struct opts op = { NULL, "whois.example.net", NULL, NULL, 1000, 0, 0 };
	struct run o;

	run_proxy(&s, &op, &o);
	ck_assert_int_eq(o.r.status, ST_TOOBIG);
	ck_assert_uint_eq(o.r.len, 1000);
	ck_assert_str_eq(o.phase, "read");
	ck_assert_str_eq(o.proxy_error, "");             /* the proxy did its part */
}
END_TEST

START_TEST(connection_deadline_ends_with_the_handshake)
{
	/* connect deadline 300 ms, answer after 500 ms: the overall deadline governs it */
	static const struct script s = { R("\x05\x00"), NULL, 0, R(OK_V4), END_LATE, 0, false };
	struct opts op = { NULL, "whois.example.net", NULL, NULL, 0, 300, 3000 };
	struct run o;

	run_proxy(&s, &op, &o);
	ck_assert_int_eq(o.r.status, ST_OK);
	ck_assert_mem_eq(o.data, "late answer\n", 12);
}
END_TEST

/* Hostile and failing proxies: each row is a script and what the caller must be told. */
struct hostile {
	const char *name;
	struct script s;
	const char *creds;
	int status;
	const char *phase;
	const char *why;
	int rep;
};

static const struct hostile hostile[] = {
	{ "socks4 version", { R("\x04\x00"), NULL, 0, NULL, 0, END_PAUSE, 0, false }, NULL,
	  ST_MALFORMED, "socks5-greeting", "not a SOCKS5 proxy: version 4", -1 },
	{ "an HTTP proxy", { R("HTTP/1.0 400 Bad Request\r\n\r\n"), NULL, 0, NULL, 0, END_PAUSE,
	  0, false }, NULL, ST_MALFORMED, "socks5-greeting", "version 72", -1 },
	{ "no acceptable method", { R("\x05\xff"), NULL, 0, NULL, 0, END_PAUSE, 0, false }, NULL,
	  ST_REFUSED, "socks5-greeting", "it wants authentication", -1 },
	{ "no acceptable method with credentials", { R("\x05\xff"), NULL, 0, NULL, 0, END_PAUSE,
	  0, false }, "u:p", ST_REFUSED, "socks5-greeting", "neither", -1 },
	{ "method not offered", { R("\x05\x02"), NULL, 0, NULL, 0, END_PAUSE, 0, false }, NULL,
	  ST_MALFORMED, "socks5-greeting", "0x02, which was not offered", -1 },
	{ "GSSAPI chosen", { R("\x05\x01"), NULL, 0, NULL, 0, END_PAUSE, 0, false }, "u:p",
	  ST_MALFORMED, "socks5-greeting", "0x01, which was not offered", -1 },
	{ "auth failure", { R("\x05\x02"), R("\x01\x01"), NULL, 0, END_PAUSE, 0, false }, "u:p",
	  ST_REFUSED, "socks5-auth", "proxy refused the user name or password", -1 },
	{ "auth reply version", { R("\x05\x02"), R("\x05\x00"), NULL, 0, END_PAUSE, 0, false },
	  "u:p", ST_MALFORMED, "socks5-auth", "RFC 1929", -1 },
	{ "auth reply cut", { R("\x05\x02"), R("\x01"), NULL, 0, END_CLOSE, 0, false }, "u:p",
	  ST_CLOSED, "socks5-auth", "closed the connection during the SOCKS5 authentication", -1 },
	{ "REP 1", { R("\x05\x00"), NULL, 0, R("\x05\x01\x00\x01\0\0\0\0\0\0"), END_PAUSE, 0,
	  false }, NULL, ST_IO, "socks5-connect", "proxy failed: general SOCKS server failure", 1 },
	{ "REP 2 (no address follows)", { R("\x05\x00"), NULL, 0, R("\x05\x02"), END_PAUSE, 0,
	  false }, NULL, ST_REFUSED, "socks5-connect",
	  "proxy refused: connection not allowed by ruleset", 2 },
	{ "REP 3", { R("\x05\x00"), NULL, 0, R("\x05\x03"), END_CLOSE, 0, false }, NULL, ST_IO,
	  "socks5-connect", "proxy failed: network unreachable", 3 },
	{ "REP 4", { R("\x05\x00"), NULL, 0, R("\x05\x04\x00\x01\0\0\0\0\0\0"), END_CLOSE, 0,
	  false }, NULL, ST_IO, "socks5-connect", "proxy failed: host unreachable", 4 },
	{ "REP 5", { R("\x05\x00"), NULL, 0, R("\x05\x05"), END_CLOSE, 0, false }, NULL,
	  ST_REFUSED, "socks5-connect", "proxy refused: connection refused", 5 },
	{ "REP 6", { R("\x05\x00"), NULL, 0, R("\x05\x06"), END_CLOSE, 0, false }, NULL,
	  ST_TIMEOUT, "socks5-connect", "proxy failed: TTL expired", 6 },
	{ "REP 7", { R("\x05\x00"), NULL, 0, R("\x05\x07"), END_CLOSE, 0, false }, NULL,
	  ST_UNSUPPORTED, "socks5-connect", "command not supported", 7 },
	{ "REP 8", { R("\x05\x00"), NULL, 0, R("\x05\x08"), END_CLOSE, 0, false }, NULL,
	  ST_UNSUPPORTED, "socks5-connect", "address type not supported", 8 },
	{ "REP 0x80", { R("\x05\x00"), NULL, 0, R("\x05\x80"), END_CLOSE, 0, false }, NULL,
	  ST_IO, "socks5-connect", "unassigned reply code 0x80", 0x80 },
	{ "reply wrong version", { R("\x05\x00"), NULL, 0, R("\x01\x00\x00\x01"), END_PAUSE, 0,
	  false }, NULL, ST_MALFORMED, "socks5-connect", "not a SOCKS5 reply: version 1", -1 },
	{ "reply truncated then closed", { R("\x05\x00"), NULL, 0, R("\x05\x00\x00\x01\x7f"),
	  END_CLOSE, 0, false }, NULL, ST_CLOSED, "socks5-connect",
	  "closed the connection during the SOCKS5 CONNECT request (5 bytes", -1 },
	{ "reply truncated then silent", { R("\x05\x00"), NULL, 0, R("\x05\x00\x00\x01\x7f"),
	  END_PAUSE, 0, false }, NULL, ST_TIMEOUT, "socks5-connect",
	  "did not answer the SOCKS5 CONNECT request in time (reply incomplete)", -1 },
	{ "bad ATYP", { R("\x05\x00"), NULL, 0, R("\x05\x00\x00\x02\0\0\0\0\0\0"), END_PAUSE, 0,
	  false }, NULL, ST_MALFORMED, "socks5-connect", "unknown type 0x02", -1 },
	{ "RSV not zero", { R("\x05\x00"), NULL, 0, R("\x05\x00\x07\x01\0\0\0\0\0\0"), END_PAUSE,
	  0, false }, NULL, ST_MALFORMED, "socks5-connect", "reserved byte 0x07", -1 },
	{ "empty bound name", { R("\x05\x00"), NULL, 0, R("\x05\x00\x00\x03\x00\x00\x00"),
	  END_PAUSE, 0, false }, NULL, ST_MALFORMED, "socks5-connect", "empty bound host name",
	  -1 },
	{ "bound name longer than sent", { R("\x05\x00"), NULL, 0,
	  R("\x05\x00\x00\x03\x20shortname"), END_CLOSE, 0, false }, NULL, ST_CLOSED,
	  "socks5-connect", "closed the connection", -1 },
	{ "slow drip past the deadline", { R("\x05\x00"), NULL, 0, R(OK_V4), END_SERVE, 150,
	  false }, NULL, ST_TIMEOUT, "socks5-connect", "in time", -1 },
	{ "slow drip of the greeting reply", { R("\x05\x00"), NULL, 0, R(OK_V4), END_SERVE, 600,
	  false }, NULL, ST_TIMEOUT, "socks5-greeting", "did not answer the SOCKS5 greeting", -1 },
	{ "closing mid-handshake", { NULL, 0, NULL, 0, NULL, 0, END_CLOSE, 0, false }, NULL,
	  ST_CLOSED, "socks5-greeting", "closed the connection during the SOCKS5 greeting", -1 },
	{ "reset mid-handshake", { NULL, 0, NULL, 0, NULL, 0, END_RESET, 0, false }, NULL,
	  ST_CLOSED, "socks5-greeting", "SOCKS5 greeting", -1 },
	{ "closing before reading anything", { NULL, 0, NULL, 0, NULL, 0, END_CLOSE, 0, true },
	  NULL, ST_CLOSED, "socks5-greeting", "SOCKS5 greeting", -1 },
	{ "silent proxy", { NULL, 0, NULL, 0, NULL, 0, END_PAUSE, 0, false }, NULL, ST_TIMEOUT,
	  "socks5-greeting", "did not answer the SOCKS5 greeting in time", -1 },
};

START_TEST(hostile_proxies)
{
	const struct hostile *h = &hostile[_i];
	struct opts op = { h->creds, "whois.example.net", NULL, NULL, 0, 500, 3000 };
	struct run o;

	run_proxy(&h->s, &op, &o);
	ck_assert_msg(o.r.status == h->status, "%s: status %s", h->name, status_str(o.r.status));
	ck_assert_msg(strcmp(o.phase, h->phase) == 0, "%s: phase %s", h->name, o.phase);
	ck_assert_msg(strstr(o.proxy_error, h->why) != NULL, "%s: '%s'", h->name, o.proxy_error);
	ck_assert_msg(o.r.socks5_rep == h->rep, "%s: rep %d", h->name, o.r.socks5_rep);
	ck_assert(o.r.proxied && o.r.proxy_connected && !o.r.connected);
	ck_assert_uint_le(o.r.elapsed_ms, 2000);         /* never past the deadline (500) */
	ck_assert_uint_eq(o.r.bytes_out, 0);
	ck_assert_uint_eq(o.r.len, 0);
}
END_TEST

START_TEST(proxy_not_listening)
{
	struct net_addr srv;
	struct socks5_proxy proxy;
	struct net_tcp_req req;
	struct loop *l;
	struct run o;
	char spec[128], ip[64];
	int fd = tcp_server(&srv);

	close(fd);                                       /* nothing listens there now */
	net_addr_ip(&srv, ip, sizeof(ip));
	snprintf(spec, sizeof(spec), "%s:%d", ip, net_addr_port(&srv));
	ck_assert_int_eq(socks5_spec_parse(spec, NULL, &proxy, NULL), ST_OK);
	memset(&o, 0, sizeof(o));
	memset(&req, 0, sizeof(req));
	req.socks5 = &proxy;
	req.target_host = "whois.example.net";
	req.target_port = 43;
	req.timeout_ms = 3000;
	req.frame = net_frame_eof;
	loop_new(NULL, &l);
	ck_assert_int_eq(net_tcp_start(l, &req, on_done, &o, NULL), ST_OK);
	loop_run(l);
	ck_assert_int_eq(o.calls, 1);
	ck_assert_int_eq(o.r.status, ST_REFUSED);
	ck_assert_str_eq(o.phase, "connect");
	ck_assert(!o.r.proxy_connected);
	ck_assert_ptr_nonnull(strstr(o.proxy_error, "cannot reach the SOCKS5 proxy"));
	loop_free(l);
}
END_TEST

START_TEST(bad_requests_are_refused_at_start)
{
	struct socks5_proxy proxy, noaddr;
	struct net_tcp_req req;
	struct loop *l;
	struct run o;
	char longname[300];

	ck_assert_int_eq(socks5_spec_parse("127.0.0.1:9", NULL, &proxy, NULL), ST_OK);
	memset(&noaddr, 0, sizeof(noaddr));
	memset(longname, 'a', sizeof(longname));
	longname[299] = 0;
	loop_new(NULL, &l);
	memset(&req, 0, sizeof(req));
	req.socks5 = &proxy;
	req.timeout_ms = 1000;
	req.frame = net_frame_eof;
	req.target_host = "bad host";
	req.target_port = 43;
	ck_assert_int_eq(net_tcp_start(l, &req, on_done, &o, NULL), ST_INVAL);
	req.target_host = longname;
	ck_assert_int_eq(net_tcp_start(l, &req, on_done, &o, NULL), ST_INVAL);
	req.target_host = "whois.example.net";
	req.target_port = 0;
	ck_assert_int_eq(net_tcp_start(l, &req, on_done, &o, NULL), ST_INVAL);
	req.target_host = NULL;                          /* and no server address */
	ck_assert_int_eq(net_tcp_start(l, &req, on_done, &o, NULL), ST_INVAL);
	req.target_host = "whois.example.net";
	req.target_port = 43;
	req.socks5 = &noaddr;
	ck_assert_int_eq(net_tcp_start(l, &req, on_done, &o, NULL), ST_INVAL);
	snprintf(proxy.user, sizeof(proxy.user), "user-without-password");
	req.socks5 = &proxy;
	ck_assert_int_eq(net_tcp_start(l, &req, on_done, &o, NULL), ST_INVAL);
	ck_assert_uint_eq(loop_pending(l), 0);
	loop_free(l);
}
END_TEST

START_TEST(cancel_during_the_handshake)
{
	static const struct script s = { NULL, 0, NULL, 0, NULL, 0, END_PAUSE, 0, false };
	struct net_addr srv;
	struct socks5_proxy proxy;
	struct net_tcp_req req;
	struct net_tcp *h;
	struct loop *l;
	struct peer p;
	struct run o;
	char spec[128], ip[64];
	int fds[2];
	pid_t pid;

	p.lfd = tcp_server(&srv);
	ck_assert_int_eq(pipe(fds), 0);
	p.rec = fds[1];
	p.s = &s;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		alarm(10);
		proxy_peer(&p);
		_exit(0);
	}
	net_addr_ip(&srv, ip, sizeof(ip));
	snprintf(spec, sizeof(spec), "u:p@%s:%d", ip, net_addr_port(&srv));
	ck_assert_int_eq(socks5_spec_parse(spec, NULL, &proxy, NULL), ST_OK);
	memset(&o, 0, sizeof(o));
	memset(&req, 0, sizeof(req));
	req.socks5 = &proxy;
	req.target_host = "whois.example.net";
	req.target_port = 43;
	req.timeout_ms = 3000;
	req.frame = net_frame_eof;
	loop_new(NULL, &l);
	ck_assert_int_eq(net_tcp_start(l, &req, on_done, &o, &h), ST_OK);
	loop_run_once(l, 50);
	loop_run_once(l, 50);
	net_tcp_cancel(h);
	ck_assert_uint_eq(loop_pending(l), 0);
	ck_assert_int_eq(loop_run(l), ST_OK);
	ck_assert_int_eq(o.calls, 0);
	loop_free(l);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(p.lfd);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

static Suite *socks5_suite(void)
{
	Suite *s = suite_create("socks5");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, spec_parse_table);
	tcase_add_test(tc, label_never_shows_credentials);
	tcase_add_test(tc, messages_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, spec_credential_lengths_first_valid_first_invalid);
	tcase_add_test(tc, connect_reply_name_lengths);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, method_reply_table);
	tcase_add_test(tc, auth_reply_table);
	tcase_add_test(tc, connect_reply_table);
	suite_add_tcase(s, tc);

	tc = tcase_create("stream");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, through_proxy_by_name_no_auth);
	tcase_add_test(tc, through_proxy_with_username_password);
	tcase_add_test(tc, credentials_offered_but_no_auth_chosen);
	tcase_add_test(tc, bound_address_forms_are_skipped);
	tcase_add_test(tc, banner_right_after_the_reply_reaches_the_framer);
	tcase_add_test(tc, dns_framing_through_proxy_by_address);
	tcase_add_test(tc, ceiling_applies_after_the_handshake);
	tcase_add_test(tc, connection_deadline_ends_with_the_handshake);
	tcase_add_test(tc, proxy_not_listening);
	tcase_add_test(tc, bad_requests_are_refused_at_start);
	tcase_add_test(tc, cancel_during_the_handshake);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, hostile_proxies, 0, (int)(sizeof(hostile) / sizeof(hostile[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(socks5_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
