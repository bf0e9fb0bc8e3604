/* Lab SOCKS5 server (RFC 1928, RFC 1929): CONNECT to targets by address or by name (names
 * from a hosts file, never DNS), deny rules, and a log of every request it relays. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "hostport.h"
#include "socks5.h"
#include "span.h"
#include "status.h"
#include "text.h"

/*
 * usage: socks5d -l ADDR:PORT [-l ...] [-u USER:PASS] [-H HOSTS] [-x PATTERN ...] [-L LOG]
 *                [-t IDLE_MS]
 *
 * Each -l is a listener (IPv6 in brackets; PORT 0 picks a free port); after binding, one
 * line "ADDR:PORT" per listener goes to standard output, then "ready". Each connection is
 * served by a child: the handshake (with -u only username/password is accepted, else only
 * no-authentication), then CONNECT (other commands get REP 7). A target by name is looked
 * up in the hosts file given with -H ("ADDR NAME ..." lines, like /etc/hosts), never in
 * DNS; an unknown name gets REP 4 (host unreachable). A target whose name or address
 * matches a -x shell pattern gets REP 2 (not allowed by ruleset); a refused connection
 * REP 5, an unreachable network REP 3. After success bytes are relayed both ways until
 * both sides have closed or nothing moved for IDLE_MS (default 30000).
 *
 * The log (-L, appended, one line per event) says for each request
 *     CONNECT name NAME:PORT -> ADDR:PORT ok|denied|unresolved|refused|unreachable
 *     CONNECT addr ADDR:PORT ok|denied|...
 * and "AUTH USER ok|failed" (never the password); peer-supplied names are escaped.
 */

#define MAX_LISTEN 16
#define MAX_DENY 16
#define HANDSHAKE_MS 10000
#define CONNECT_MS 5000
#define DEFAULT_IDLE_MS 30000
#define HOSTS_MAX (1u << 20)

struct listener {
	int fd;
};

struct conf {
	const char *user, *pass;
	const char *hosts;
	const char *log;
	const char *deny[MAX_DENY];
	size_t ndeny;
	long idle_ms;
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "socks5d: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void log_line(const struct conf *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void log_line(const struct conf *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int fd, n;

	if (!c->log)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	fd = open(c->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) < 0) {
		/* the log is best effort */
	}
	close(fd);
}

/* Read exactly n bytes before the deadline; false on EOF, error or timeout. */
static bool read_n(int fd, uint8_t *b, size_t n, long deadline)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { fd, POLLIN, 0 };
		long left = deadline - now_ms();
		ssize_t r;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return false;
		r = read(fd, b + got, n - got);
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

static bool write_all(int fd, const uint8_t *b, size_t n)
{
	while (n > 0) {
		ssize_t r = write(fd, b, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		b += r;
		n -= (size_t)r;
	}
	return true;
}

/* The next whitespace-separated token of *s (advancing it); false at the end. */
static bool next_token(struct span *s, struct span *tok)
{
	size_t i = 0, j;

	while (i < s->n && (s->p[i] == ' ' || s->p[i] == '\t'))
		i++;
	j = i;
	while (j < s->n && s->p[j] != ' ' && s->p[j] != '\t')
		j++;
	if (j == i)
		return false;
	tok->p = s->p + i;
	tok->n = j - i;
	s->p += j;
	s->n -= j;
	return true;
}

/* Look NAME up in the hosts file: the first line naming it, IPv4 or IPv6. */
static bool hosts_lookup(const struct conf *c, const char *name, char *ip, size_t ipn)
{
	struct line_reader lr;
	struct span line, tok, addr;
	FILE *f;
	char *text;
	size_t n;
	bool found = false;

	if (!c->hosts)
		return false;
	f = fopen(c->hosts, "r");
	if (!f)
		return false;
	text = malloc(HOSTS_MAX);
	if (!text) {
		fclose(f);
		return false;
	}
	n = fread(text, 1, HOSTS_MAX, f);
	fclose(f);
	lr_init(&lr, text, n, 4096);
	while (!found && lr_next(&lr, &line)) {
		if (!next_token(&line, &addr) || addr.p[0] == '#')
			continue;
		while (!found && next_token(&line, &tok)) {
			if (tok.p[0] == '#')
				break;
			found = span_ieq(tok, name) && span_copy(addr, ip, ipn);
		}
	}
	free(text);
	return found;
}

static bool denied(const struct conf *c, const char *what)
{
	size_t i;

	for (i = 0; i < c->ndeny; i++)
		if (fnmatch(c->deny[i], what, 0) == 0)
			return true;
	return false;
}

/* Non-blocking connect with a deadline. Returns the socket or -1 with errno set. */
static int connect_to(const char *ip, int port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	struct pollfd p;
	int fd, err = 0, flags;
	socklen_t elen = sizeof(err);

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		len = sizeof(*s6);
	} else {
		errno = EHOSTUNREACH;
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len) != 0 && errno != EINPROGRESS) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	p.fd = fd;
	p.events = POLLOUT;
	if (poll(&p, 1, CONNECT_MS) <= 0) {
		close(fd);
		errno = ETIMEDOUT;
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err) {
		close(fd);
		errno = err ? err : EIO;
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
}

/* The CONNECT reply: REP, and the bound address of fd (zeros when there is none). */
static bool reply(int c, int rep, int fd)
{
	uint8_t r[22] = { SOCKS5_VERSION, (uint8_t)rep, 0, SOCKS5_ATYP_IPV4 };
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	size_t n = 10;

	if (fd >= 0 && getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET) {
			memcpy(r + 4, &((struct sockaddr_in *)&ss)->sin_addr, 4);
			memcpy(r + 8, &((struct sockaddr_in *)&ss)->sin_port, 2);
		} else if (ss.ss_family == AF_INET6) {
			r[3] = SOCKS5_ATYP_IPV6;
			memcpy(r + 4, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
			memcpy(r + 20, &((struct sockaddr_in6 *)&ss)->sin6_port, 2);
			n = 22;
		}
	}
	return write_all(c, r, n);
}

/* Relay until both directions have ended, or nothing moved for idle_ms. */
static void relay(int a, int b, long idle_ms)
{
	struct pollfd p[2] = { { a, POLLIN, 0 }, { b, POLLIN, 0 } };
	bool open_in[2] = { true, true };
	uint8_t buf[16384];

	while (open_in[0] || open_in[1]) {
		int i, r = poll(p, 2, (int)idle_ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (!open_in[i] || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n <= 0) {
				/* this side is done sending: pass the end on */
				open_in[i] = false;
				p[i].events = 0;
				p[i].fd = -1;
				shutdown(i == 0 ? b : a, SHUT_WR);
				continue;
			}
			if (!write_all(i == 0 ? b : a, buf, (size_t)n))
				return;
		}
	}
}

static bool auth(const struct conf *c, int fd, long deadline)
{
	uint8_t b[2 + 255], ok[2] = { SOCKS5_AUTH_VERSION, 0 };
	char user[256], pass[256], safe[1024];
	struct buf esc;
	bool good;

	if (!read_n(fd, b, 2, deadline) || b[0] != SOCKS5_AUTH_VERSION || b[1] == 0 ||
	    !read_n(fd, (uint8_t *)user, b[1], deadline))
		return false;
	user[b[1]] = 0;
	if (!read_n(fd, b, 1, deadline) || b[0] == 0 || !read_n(fd, (uint8_t *)pass, b[0], deadline))
		return false;
	pass[b[0]] = 0;
	good = strcmp(user, c->user) == 0 && strcmp(pass, c->pass) == 0;
	buf_init(&esc, sizeof(safe));
	text_sanitize(&esc, user, strlen(user), false);
	log_line(c, "AUTH %s %s", buf_str(&esc), good ? "ok" : "failed");
	buf_reset(&esc);
	ok[1] = good ? 0 : 1;
	return write_all(fd, ok, 2) && good;
}

static void serve(const struct conf *c, int fd)
{
	long deadline = now_ms() + HANDSHAKE_MS;
	uint8_t b[300];
	char name[256], ip[INET6_ADDRSTRLEN], what[300];
	bool offered = false, by_name = false;
	int want = c->user ? SOCKS5_METHOD_USERPASS : SOCKS5_METHOD_NONE, port, t, rep, e;
	size_t i;
	struct buf esc;

	if (!read_n(fd, b, 2, deadline) || b[0] != SOCKS5_VERSION || b[1] == 0 ||
	    !read_n(fd, b + 2, b[1], deadline))
		return;
	for (i = 0; i < b[1]; i++)
		offered = offered || b[2 + i] == want;
	b[0] = SOCKS5_VERSION;
	b[1] = offered ? (uint8_t)want : SOCKS5_METHOD_REFUSED;
	if (!write_all(fd, b, 2) || !offered)
		return;
	if (c->user && !auth(c, fd, deadline))
		return;
	if (!read_n(fd, b, 4, deadline) || b[0] != SOCKS5_VERSION)
		return;
	if (b[1] != SOCKS5_CMD_CONNECT) {
		reply(fd, 7, -1);
		return;
	}
	switch (b[3]) {
	case SOCKS5_ATYP_IPV4:
		if (!read_n(fd, b, 6, deadline))
			return;
		inet_ntop(AF_INET, b, ip, sizeof(ip));
		port = (b[4] << 8) | b[5];
		break;
	case SOCKS5_ATYP_IPV6:
		if (!read_n(fd, b, 18, deadline))
			return;
		inet_ntop(AF_INET6, b, ip, sizeof(ip));
		port = (b[16] << 8) | b[17];
		break;
	case SOCKS5_ATYP_NAME:
		if (!read_n(fd, b, 1, deadline) || b[0] == 0 || !read_n(fd, b + 1, b[0] + 2u, deadline))
			return;
		memcpy(name, b + 1, b[0]);
		name[b[0]] = 0;
		port = (b[1 + b[0]] << 8) | b[2 + b[0]];
		by_name = true;
		break;
	default:
		reply(fd, 8, -1);
		return;
	}
	buf_init(&esc, 1024);
	if (by_name) {
		text_sanitize(&esc, name, strlen(name), false);
		snprintf(what, sizeof(what), "name %.255s:%d", buf_str(&esc), port);
		if (denied(c, name)) {
			log_line(c, "CONNECT %s denied", what);
			reply(fd, 2, -1);
			goto out;
		}
		if (!hostname_valid(name, strlen(name)) || !hosts_lookup(c, name, ip, sizeof(ip))) {
			log_line(c, "CONNECT %s unresolved", what);
			reply(fd, 4, -1);
			goto out;
		}
	} else {
		snprintf(what, sizeof(what), "addr %s:%d", ip, port);
	}
	if (denied(c, ip)) {
		log_line(c, "CONNECT %s -> %s:%d denied", what, ip, port);
		reply(fd, 2, -1);
		goto out;
	}
	t = connect_to(ip, port);
	if (t < 0) {
		e = errno;
		rep = e == ECONNREFUSED ? 5 : e == ENETUNREACH ? 3 : 4;
		log_line(c, "CONNECT %s -> %s:%d %s", what, ip, port,
		         rep == 5 ? "refused" : "unreachable");
		reply(fd, rep, -1);
		goto out;
	}
	log_line(c, "CONNECT %s -> %s:%d ok", what, ip, port);
	if (reply(fd, 0, t))
		relay(fd, t, c->idle_ms);
	close(t);
out:
	buf_reset(&esc);
}

static void make_listener(const char *spec, struct listener *l)
{
	struct hostport hp;
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	const char *why = "";
	char ip[INET6_ADDRSTRLEN];
	int one = 1, port;

	/* port 0 is allowed here: parse the address with a dummy port when it is ":0" */
	if (hostport_parse(spec, 1080, &hp, &why) != ST_OK) {
		size_t n = strlen(spec);
		char tmp[300];

		if (n < 3 || strcmp(spec + n - 2, ":0") != 0 || n >= sizeof(tmp))
			die("-l %s: %s", spec, why);
		snprintf(tmp, sizeof(tmp), "%.*s", (int)(n - 2), spec);
		if (hostport_parse(tmp, 1080, &hp, &why) != ST_OK)
			die("-l %s: %s", spec, why);
		hp.port = 0;
	}
	if (!hp.is_ip)
		die("-l %s: give an address", spec);
	memset(&ss, 0, sizeof(ss));
	if (hp.is_v6) {
		s6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, hp.host, &s6->sin6_addr);
		s6->sin6_port = htons((uint16_t)hp.port);
		len = sizeof(*s6);
	} else {
		s4->sin_family = AF_INET;
		inet_pton(AF_INET, hp.host, &s4->sin_addr);
		s4->sin_port = htons((uint16_t)hp.port);
		len = sizeof(*s4);
	}
	l->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l->fd, (struct sockaddr *)&ss, len) != 0 || listen(l->fd, 64) != 0)
		die("-l %s: %s", spec, strerror(errno));
	len = sizeof(ss);
	getsockname(l->fd, (struct sockaddr *)&ss, &len);
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		port = ntohs(s6->sin6_port);
		printf("[%s]:%d\n", ip, port);
	} else {
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		port = ntohs(s4->sin_port);
		printf("%s:%d\n", ip, port);
	}
}

int main(int argc, char **argv)
{
	struct listener ls[MAX_LISTEN];
	struct pollfd pfd[MAX_LISTEN];
	struct conf c;
	struct sigaction sa;
	size_t nl = 0, i;
	char *colon;
	uint64_t v;
	int opt;

	memset(&c, 0, sizeof(c));
	c.idle_ms = DEFAULT_IDLE_MS;
	while ((opt = getopt(argc, argv, "H:l:L:t:u:x:")) != -1) {
		switch (opt) {
		case 'H': c.hosts = optarg; break;
		case 'L': c.log = optarg; break;
		case 't':
			if (!parse_uint(optarg, strlen(optarg), 3600000, &v) || v == 0)
				die("-t wants 1 to 3600000 ms");
			c.idle_ms = (long)v;
			break;
		case 'u':
			colon = strchr(optarg, ':');
			if (!colon || colon == optarg || !colon[1] || strlen(colon + 1) > 255 ||
			    (size_t)(colon - optarg) > 255)
				die("-u wants USER:PASS");
			*colon = 0;
			c.user = optarg;
			c.pass = colon + 1;
			break;
		case 'x':
			if (c.ndeny >= MAX_DENY)
				die("at most %d -x patterns", MAX_DENY);
			c.deny[c.ndeny++] = optarg;
			break;
		case 'l':
			if (nl >= MAX_LISTEN)
				die("at most %d listeners", MAX_LISTEN);
			make_listener(optarg, &ls[nl++]);
			break;
		default:
			die("usage: socks5d -l ADDR:PORT ... [-u USER:PASS] [-H HOSTS] [-x PATTERN] "
			    "[-L LOG] [-t IDLE_MS]");
		}
	}
	if (nl == 0)
		die("usage: socks5d -l ADDR:PORT ... [-u USER:PASS] [-H HOSTS] [-x PATTERN] "
		    "[-L LOG] [-t IDLE_MS]");
	printf("ready\n");
	fflush(stdout);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &sa, NULL);
	for (i = 0; i < nl; i++) {
		pfd[i].fd = ls[i].fd;
		pfd[i].events = POLLIN;
	}
	for (;;) {
		if (poll(pfd, nl, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		for (i = 0; i < nl; i++) {
			int fd;
			pid_t pid;

			if (!(pfd[i].revents & POLLIN))
				continue;
			fd = accept(ls[i].fd, NULL, NULL);
			if (fd < 0)
				continue;
			pid = fork();
			if (pid == 0) {
				size_t k;

				for (k = 0; k < nl; k++)
					close(ls[k].fd);
				serve(&c, fd);
				shutdown(fd, SHUT_RDWR);
				close(fd);
				_exit(0);
			}
			close(fd);
		}
	}
}
