/* Lab WHOIS/RWhois server: answers by (server name, query) from a directory of response
 * files, with scripted misbehaviour (delays, slow drip, endless output, never closing,
 * RWhois sessions, rate limits) and a log of every query line it receives. */
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
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "hostport.h"
#include "net.h"
#include "span.h"
#include "status.h"
#include "text.h"

/*
 * usage: whoisd -d DIR -l NAME=ADDR:PORT [-l ...] [-q QUERYLOG] [-b BYTESLOG] [-t IDLE_MS]
 *
 * Each -l makes a listener for the WHOIS server NAME (ADDR is an IPv4 or IPv6 literal, IPv6
 * in brackets; PORT 0 picks a free port). After binding, one line "NAME ADDR:PORT" per
 * listener goes to standard output, then "ready". A connection to a listener is served by a
 * child process from DIR/NAME/index (see tests/data/whois/README):
 *
 *     QUERY<TAB>FILE[<TAB>OPTION ...]
 *
 * QUERY is a shell pattern (fnmatch): "* 130.66.76.222" matches the address after any
 * flags, "*.dev" any name under dev. The first matching line wins; put "*" last.
 * OPTIONs: delay=MS (wait before answering), drip=BYTES:MS (send BYTES, pause MS, ...),
 * endless (repeat the answer until the client leaves), noclose (answer, then keep the
 * connection open until the client closes or IDLE_MS passes), close (close at once without
 * reading), rwhois (an RWhois 1.5 session: banner, queries answered with %ok/%error until
 * -quit or IDLE_MS), crlf (send LF line ends as CRLF), limit=N:FILE (after N connections to
 * this server, answer with FILE instead). FILE "-" sends nothing.
 * The query log gets "NAME<TAB>QUERY" for each query line (escaped), in arrival order; the
 * bytes log "NAME<TAB>BYTES" for each connection, the bytes sent on it (benchmarks).
 */

#define MAX_LISTEN 128
#define MAX_QUERY 4096
#define MAX_ANSWER (8u << 20)
#define QUERY_DEADLINE_MS 10000
#define DEFAULT_IDLE_MS 30000
#define ENDLESS_MAX_MS 60000

struct listener {
	char name[HOSTPORT_MAX_HOST];
	int fd;
	unsigned long conns;
};

struct entry {
	char file[256];
	long delay_ms;
	long drip_bytes, drip_ms;
	bool endless, noclose, close_now, rwhois, crlf;
	long limit;
	char limit_file[256];
	bool found;
};

struct server {
	const char *dir;
	const char *qlog;
	const char *blog;
	long idle_ms;
};

/* Bytes sent on this connection (one child per connection). */
static size_t sent_total;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "whoisd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int make_listener(const char *spec, struct listener *l)
{
	const char *eq = strchr(spec, '=');
	struct hostport hp;
	struct net_addr a;
	const char *why = NULL;
	int one = 1, fd;
	size_t nl;

	if (!eq || eq == spec)
		die("-l wants NAME=ADDR:PORT, not '%s'", spec);
	nl = (size_t)(eq - spec);
	if (nl >= sizeof(l->name))
		die("name too long");
	memcpy(l->name, spec, nl);
	l->name[nl] = 0;
	if (strchr(eq + 1, ':') && eq[1] != '[' && strchr(strchr(eq + 1, ':') + 1, ':'))
		die("IPv6 listeners are written [ADDR]:PORT");
	/* hostport_parse refuses port 0; accept it here for "any free port" */
	{
		char tmp[128];
		const char *colon = strrchr(eq + 1, ':');
		int port0 = colon && strcmp(colon, ":0") == 0;

		snprintf(tmp, sizeof(tmp), "%s", eq + 1);
		if (port0)
			tmp[colon - (eq + 1)] = 0;
		if (hostport_parse(tmp, 43, &hp, &why) != ST_OK || !hp.is_ip)
			die("bad listen address '%s': %s", eq + 1, why ? why : "not an address");
		if (port0)
			hp.port = 0;
	}
	if (hp.port == 0) {
		if (net_addr_from_ip(hp.host, 1, &a) != ST_OK)
			die("bad address %s", hp.host);
		if (a.ss.ss_family == AF_INET)
			((struct sockaddr_in *)&a.ss)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&a.ss)->sin6_port = 0;
	} else if (net_addr_from_ip(hp.host, hp.port, &a) != ST_OK) {
		die("bad address %s", hp.host);
	}
	fd = socket(a.ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a.ss, a.len) != 0)
		die("bind %s: %s", eq + 1, strerror(errno));
	if (listen(fd, 64) != 0)
		die("listen: %s", strerror(errno));
	a.len = sizeof(a.ss);
	getsockname(fd, (struct sockaddr *)&a.ss, &a.len);
	{
		char txt[NET_ADDR_STRLEN];

		net_addr_fmt(&a, txt, sizeof(txt));
		printf("%s %s\n", l->name, txt);
	}
	l->fd = fd;
	return 0;
}

/* Write all of p[0..n), honouring crlf and drip; false when the client went away. */
static bool send_all(int fd, const char *p, size_t n, const struct entry *e)
{
	struct buf b;
	size_t i, off = 0;
	bool ok = true;

	buf_init(&b, MAX_ANSWER * 2 + 16);
	for (i = 0; i < n; i++) {
		if (e->crlf && p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			buf_addc(&b, '\r');
		buf_addc(&b, p[i]);
	}
	while (off < b.len && ok) {
		size_t chunk = b.len - off;
		ssize_t w;

		if (e->drip_bytes > 0 && chunk > (size_t)e->drip_bytes)
			chunk = (size_t)e->drip_bytes;
		w = send(fd, b.data + off, chunk, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ok = false;
			break;
		}
		off += (size_t)w;
		sent_total += (size_t)w;
		if (e->drip_ms > 0 && off < b.len)
			sleep_ms(e->drip_ms);
	}
	buf_reset(&b);
	return ok;
}

static bool send_str(int fd, const char *s, const struct entry *e)
{
	return send_all(fd, s, strlen(s), e);
}

/* Read one line (without its end) within the deadline; false on EOF, error or timeout. */
static bool read_line(int fd, char *out, size_t cap, long deadline)
{
	size_t n = 0;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		long left = deadline - now_ms();
		char c;
		ssize_t r;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return false;
		r = recv(fd, &c, 1, 0);
		if (r <= 0)
			return false;
		if (c == '\n') {
			if (n && out[n - 1] == '\r')
				n--;
			out[n] = 0;
			return true;
		}
		if (n + 1 < cap)
			out[n++] = c;
	}
}

static void log_bytes(const struct server *s, const char *name)
{
	char line[512];
	int fd, n;

	if (!s->blog)
		return;
	n = snprintf(line, sizeof(line), "%s\t%zu\n", name, sent_total);
	fd = open(s->blog, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd >= 0 && n > 0) {
		flock(fd, LOCK_EX);
		if (write(fd, line, (size_t)n) < 0)
			perror("whoisd: bytes log");
		flock(fd, LOCK_UN);
	}
	if (fd >= 0)
		close(fd);
}

static void log_query(const struct server *s, const char *name, const char *q)
{
	struct buf b;
	int fd;

	if (!s->qlog)
		return;
	buf_init(&b, 65536);
	buf_printf(&b, "%s\t", name);
	text_sanitize(&b, q, strlen(q), false);
	buf_addc(&b, '\n');
	fd = open(s->qlog, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd >= 0) {
		flock(fd, LOCK_EX);
		if (write(fd, b.data, b.len) < 0)
			perror("whoisd: query log");
		flock(fd, LOCK_UN);
		close(fd);
	}
	buf_reset(&b);
}

static void parse_options(char *opts, struct entry *e)
{
	char *tok = opts, *end;

	for (; *tok; tok = end) {
		char *colon;

		while (*tok == '\t' || *tok == ' ')
			tok++;
		if (!*tok)
			break;
		end = tok + strcspn(tok, "\t ");
		if (*end)
			*end++ = 0;

		if (strncmp(tok, "delay=", 6) == 0) {
			e->delay_ms = strtol(tok + 6, NULL, 10);
		} else if (strncmp(tok, "drip=", 5) == 0) {
			e->drip_bytes = strtol(tok + 5, &colon, 10);
			e->drip_ms = *colon == ':' ? strtol(colon + 1, NULL, 10) : 100;
		} else if (strcmp(tok, "endless") == 0) {
			e->endless = true;
		} else if (strcmp(tok, "noclose") == 0) {
			e->noclose = true;
		} else if (strcmp(tok, "close") == 0) {
			e->close_now = true;
		} else if (strcmp(tok, "rwhois") == 0) {
			e->rwhois = true;
		} else if (strcmp(tok, "crlf") == 0) {
			e->crlf = true;
		} else if (strncmp(tok, "limit=", 6) == 0) {
			e->limit = strtol(tok + 6, &colon, 10);
			if (*colon == ':')
				snprintf(e->limit_file, sizeof(e->limit_file), "%s", colon + 1);
		} else {
			fprintf(stderr, "whoisd: unknown option %s\n", tok);
		}
	}
}

/* Find the entry for query q (NULL: the "*" entry) in DIR/NAME/index. */
static void lookup(const struct server *s, const char *name, const char *q, struct entry *e)
{
	char path[4096], line[8192];
	FILE *f;
	struct entry star;

	memset(e, 0, sizeof(*e));
	memset(&star, 0, sizeof(star));
	snprintf(path, sizeof(path), "%s/%s/index", s->dir, name);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *tab1, *tab2;
		struct entry cur;

		line[strcspn(line, "\r\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		tab1 = strchr(line, '\t');
		if (!tab1)
			continue;
		*tab1++ = 0;
		memset(&cur, 0, sizeof(cur));
		tab2 = strchr(tab1, '\t');
		if (tab2)
			*tab2++ = 0;
		snprintf(cur.file, sizeof(cur.file), "%s", tab1);
		if (tab2)
			parse_options(tab2, &cur);
		cur.found = true;
		if (q && fnmatch(line, q, 0) == 0) {
			*e = cur;
			break;
		}
		if (strcmp(line, "*") == 0 && !star.found)
			star = cur;
	}
	fclose(f);
	if (!e->found)
		*e = star;
}

static bool session_is_rwhois(const struct server *s, const char *name)
{
	struct entry e;

	lookup(s, name, NULL, &e);
	return e.found && e.rwhois;
}

/* Read DIR/NAME/FILE into b ("-" is empty). */
static void load_answer(const struct server *s, const char *name, const char *file,
                        struct buf *b)
{
	char path[4096], chunk[65536];
	FILE *f;
	size_t n;

	if (!file[0] || strcmp(file, "-") == 0 || strchr(file, '/'))
		return;
	snprintf(path, sizeof(path), "%s/%s/%s", s->dir, name, file);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "whoisd: cannot open %s\n", path);
		return;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
	fclose(f);
}

/* Keep the connection open, discarding input, until the client closes or idle passes. */
static void hold_open(int fd, long idle_ms)
{
	long deadline = now_ms() + idle_ms;
	char junk[512];

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		long left = deadline - now_ms();

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return;
		if (recv(fd, junk, sizeof(junk), 0) <= 0)
			return;
	}
}

static void serve_rwhois(const struct server *s, const struct listener *l, int fd)
{
	struct entry sess;
	char q[MAX_QUERY], banner[512];

	memset(&sess, 0, sizeof(sess));
	snprintf(banner, sizeof(banner),
	         "%%rwhois V-1.5:003fff:00 %s (by mxtrace lab whoisd V-1.5.9.5)\n", l->name);
	if (!send_str(fd, banner, &sess))
		return;
	while (read_line(fd, q, sizeof(q), now_ms() + s->idle_ms)) {
		struct entry e;
		struct buf ans;

		log_query(s, l->name, q);
		if (strcmp(q, "-quit") == 0) {
			send_str(fd, "%ok\n", &sess);
			return;
		}
		if (strncmp(q, "-rwhois", 7) == 0) {
			send_str(fd, banner, &sess);
			send_str(fd, "%ok\n", &sess);
			continue;
		}
		lookup(s, l->name, q, &e);
		sleep_ms(e.delay_ms);
		buf_init(&ans, MAX_ANSWER);
		load_answer(s, l->name, e.file, &ans);
		if (ans.len == 0) {
			send_str(fd, "%error 230 No Objects Found\n", &e);
		} else {
			send_all(fd, (const char *)ans.data, ans.len, &e);
			if (ans.data[ans.len - 1] != '\n')
				send_str(fd, "\n", &e);
			send_str(fd, "%ok\n", &e);
		}
		buf_reset(&ans);
	}
}

static void serve(const struct server *s, const struct listener *l, int fd,
                  unsigned long conn_no)
{
	struct entry e;
	struct buf ans;
	char q[MAX_QUERY];
	long start;

	if (session_is_rwhois(s, l->name)) {
		serve_rwhois(s, l, fd);
		return;
	}
	lookup(s, l->name, NULL, &e);
	if (e.close_now)
		return;
	if (!read_line(fd, q, sizeof(q), now_ms() + QUERY_DEADLINE_MS))
		return;
	log_query(s, l->name, q);
	lookup(s, l->name, q, &e);
	if (e.close_now)
		return;
	buf_init(&ans, MAX_ANSWER);
	if (e.limit > 0 && conn_no > (unsigned long)e.limit)
		load_answer(s, l->name, e.limit_file, &ans);
	else
		load_answer(s, l->name, e.file, &ans);
	sleep_ms(e.delay_ms);
	start = now_ms();
	do {
		if (ans.len && !send_all(fd, (const char *)ans.data, ans.len, &e))
			break;
	} while (e.endless && now_ms() - start < ENDLESS_MAX_MS);
	buf_reset(&ans);
	if (e.noclose)
		hold_open(fd, s->idle_ms);
	/* RFC 3912: the server closes the connection after the answer */
}

int main(int argc, char **argv)
{
	struct listener ls[MAX_LISTEN];
	struct pollfd pfd[MAX_LISTEN];
	struct server s;
	struct sigaction sa;
	size_t nl = 0, i;
	int c;

	memset(&s, 0, sizeof(s));
	s.idle_ms = DEFAULT_IDLE_MS;
	while ((c = getopt(argc, argv, "b:d:l:q:t:")) != -1) {
		switch (c) {
		case 'b': s.blog = optarg; break;
		case 'd': s.dir = optarg; break;
		case 'q': s.qlog = optarg; break;
		case 't': s.idle_ms = strtol(optarg, NULL, 10); break;
		case 'l':
			if (nl >= MAX_LISTEN)
				die("at most %d listeners", MAX_LISTEN);
			memset(&ls[nl], 0, sizeof(ls[nl]));
			make_listener(optarg, &ls[nl]);
			nl++;
			break;
		default:
			die("usage: whoisd -d DIR -l NAME=ADDR:PORT ... [-q LOG] [-t IDLE_MS]");
		}
	}
	if (!s.dir || nl == 0)
		die("usage: whoisd -d DIR -l NAME=ADDR:PORT ... [-q LOG] [-t IDLE_MS]");
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
			ls[i].conns++;
			pid = fork();
			if (pid == 0) {
				size_t k;

				for (k = 0; k < nl; k++)
					close(ls[k].fd);
				serve(&s, &ls[i], fd, ls[i].conns);
				log_bytes(&s, ls[i].name);
				shutdown(fd, SHUT_RDWR);
				close(fd);
				_exit(0);
			}
			close(fd);
		}
	}
}
