/*
 * dnslab: the lab's scriptable DNS server. It serves scenario files (zone records plus
 * behaviours such as delay, drop, truncation, wrong ID, compression loops), counts every
 * query it receives in a log, and has its own small wire code so that tests of mxtrace's
 * parser do not lean on that parser. Test program: plain sockets and poll(), no library.
 *
 * usage: dnslab -f SCENARIO [-a ADDR]... [-p PORT] [-l LOGFILE] [-P PORTFILE]
 *   -a ADDR    listen on ADDR (UDP and TCP), repeatable; default 127.0.0.1
 *   -p PORT    port (default 53; 0 lets the kernel choose, printed to PORTFILE/stdout)
 *   -l FILE    append one line per received query: "PROTO SRC SRCPORT ID QNAME QTYPE EDNS"
 *
 * Scenario lines ('#' or ';' starts a comment):
 *   rr NAME TTL TYPE RDATA...     TYPE: A AAAA NS CNAME PTR MX TXT SOA
 *   on NAME TYPE ACTION... [count=N]   NAME/TYPE may be '*'; the first matching line with
 *                                      count left applies; count=N limits it to N queries
 * Actions: delay=MS drop tc wrongid wrongq otherport otheraddr=IP comploop formerr-edns
 *          servfail refused nxdomain notimp closemid (TCP: close half way through the
 *          reply) half (UDP: send half the datagram) oversize (no truncation to the
 *          client's size) empty (an empty datagram first) malformed (A with RDLENGTH 5)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_RR 4096
#define MAX_RULES 256
#define MAX_LISTEN 8
#define MAX_CONN 64
#define MAX_PENDING 1024
#define MSG_MAX 65535

enum {
	A_DELAY = 1 << 0, A_DROP = 1 << 1, A_TC = 1 << 2, A_WRONGID = 1 << 3,
	A_WRONGQ = 1 << 4, A_OTHERPORT = 1 << 5, A_OTHERADDR = 1 << 6, A_COMPLOOP = 1 << 7,
	A_FORMERR_EDNS = 1 << 8, A_SERVFAIL = 1 << 9, A_REFUSED = 1 << 10,
	A_NXDOMAIN = 1 << 11, A_NOTIMP = 1 << 12, A_CLOSEMID = 1 << 13, A_OVERSIZE = 1 << 14,
	A_EMPTY = 1 << 15, A_MALFORMED = 1 << 16, A_HALF = 1 << 17
};

struct name {
	uint8_t len;
	uint8_t w[255];
};

struct rr {
	struct name owner;
	uint16_t type;
	uint32_t ttl;
	uint8_t rd[1024];
	uint16_t rdlen;
	struct name target;     /* CNAME target, for chasing */
};

struct rule {
	struct name name;
	bool any_name;
	int type;               /* -1: any */
	unsigned actions;
	int delay_ms;
	char otheraddr[64];
	long count;             /* -1: unlimited */
};

struct listener {
	int family;
	char addr[64];
	int udp, tcp;
};

struct conn {
	int fd;
	uint8_t buf[2 + MSG_MAX];
	size_t have;
	struct listener *l;
	char peer[64];
	int peer_port;
};

struct pending {
	bool used;
	uint64_t due;
	int fd;                 /* UDP socket to send from, or TCP connection */
	bool tcp;
	struct conn *conn;
	struct sockaddr_storage to;
	socklen_t tolen;
	uint8_t *data;
	size_t len;
	bool close_after;
	bool close_fd_after;    /* a throwaway socket (otherport/otheraddr) */
};

static struct rr zone[MAX_RR];
static size_t nzone;
static struct rule rules[MAX_RULES];
static size_t nrules;
static struct listener ls[MAX_LISTEN];
static size_t nls;
static struct conn *conns[MAX_CONN];
static struct pending pend[MAX_PENDING];
static FILE *qlog;
static int port = 53;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dnslab: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- names ---- */

static bool name_parse(const char *s, struct name *n)
{
	size_t len = strlen(s), i = 0, wl = 0;

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0) {
		n->w[0] = 0;
		n->len = 1;
		return true;
	}
	while (i <= len) {
		size_t j = i;

		while (j < len && s[j] != '.')
			j++;
		if (j == i || j - i > 63 || wl + 1 + (j - i) + 1 > 255)
			return false;
		n->w[wl++] = (uint8_t)(j - i);
		memcpy(n->w + wl, s + i, j - i);
		wl += j - i;
		i = j + 1;
	}
	n->w[wl++] = 0;
	n->len = (uint8_t)wl;
	return true;
}

static bool name_eq(const struct name *a, const struct name *b)
{
	size_t i;

	if (a->len != b->len)
		return false;
	for (i = 0; i < a->len; i++) {
		int x = a->w[i], y = b->w[i];

		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return false;
	}
	return true;
}

/* Is a at or below b? */
static bool name_under(const struct name *a, const struct name *b)
{
	size_t i = 0;
	struct name tail;

	while (i < a->len && (size_t)(a->len - i) > b->len)
		i += 1u + a->w[i];
	if ((size_t)(a->len - i) != b->len)
		return false;
	tail.len = b->len;
	memcpy(tail.w, a->w + i, b->len);
	return name_eq(&tail, b);
}

static void name_text(const struct name *n, char *out, size_t cap)
{
	size_t i = 0, o = 0;

	if (n->len <= 1) {
		snprintf(out, cap, ".");
		return;
	}
	while (i < n->len && n->w[i] && o + 70 < cap) {
		size_t l = n->w[i++], k;

		for (k = 0; k < l; k++) {
			int c = n->w[i++];

			o += (size_t)snprintf(out + o, cap - o, c > 32 && c < 127 && c != '.' ? "%c"
			                      : "\\%03d", c);
		}
		out[o++] = '.';
	}
	out[o] = '\0';
}

/* ---- scenario ---- */

static int type_code(const char *t)
{
	static const struct { const char *n; int v; } m[] = {
		{ "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 }, { "PTR", 12 }, { "MX", 15 },
		{ "TXT", 16 }, { "AAAA", 28 }, { "SRV", 33 }, { "ANY", 255 },
	};
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strcasecmp(t, m[i].n) == 0)
			return m[i].v;
	if (strncasecmp(t, "TYPE", 4) == 0)
		return atoi(t + 4);
	return -1;
}

static void put_name(struct rr *r, const struct name *n)
{
	memcpy(r->rd + r->rdlen, n->w, n->len);
	r->rdlen = (uint16_t)(r->rdlen + n->len);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xFFFF);
}

/* Split s into at most max whitespace-separated words, keeping "quoted strings" whole. */
static int words(char *s, char **w, int max)
{
	int n = 0;

	while (*s && n < max) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#' || *s == ';')
			break;
		if (*s == '"') {
			w[n++] = s++;
			while (*s && *s != '"')
				s++;
			if (*s)
				s++;
		} else {
			w[n++] = s;
			while (*s && *s != ' ' && *s != '\t')
				s++;
		}
		if (*s)
			*s++ = '\0';
	}
	return n;
}

static void add_rr(char **w, int n, int line)
{
	struct rr *r;
	int t;

	if (n < 5)
		die("line %d: %s", line, "rr NAME TTL TYPE RDATA");
	if (nzone >= MAX_RR)
		die("line %d: %s", line, "too many records");
	r = &zone[nzone++];
	memset(r, 0, sizeof(*r));
	if (!name_parse(w[1], &r->owner))
		die("line %d: %s", line, "bad owner");
	r->ttl = (uint32_t)strtoul(w[2], NULL, 10);
	t = type_code(w[3]);
	if (t < 0)
		die("line %d: %s", line, "unknown type");
	r->type = (uint16_t)t;
	switch (t) {
	case 1:
		if (inet_pton(AF_INET, w[4], r->rd) != 1)
			die("line %d: %s", line, "bad A");
		r->rdlen = 4;
		break;
	case 28:
		if (inet_pton(AF_INET6, w[4], r->rd) != 1)
			die("line %d: %s", line, "bad AAAA");
		r->rdlen = 16;
		break;
	case 2: case 5: case 12:
		if (!name_parse(w[4], &r->target))
			die("line %d: %s", line, "bad name");
		put_name(r, &r->target);
		break;
	case 15: {
		struct name ex;

		if (n < 6 || !name_parse(w[5], &ex))
			die("line %d: %s", line, "MX PREF NAME");
		put16(r->rd, (unsigned)atoi(w[4]));
		r->rdlen = 2;
		put_name(r, &ex);
		break;
	}
	case 16: {
		int i;

		for (i = 4; i < n; i++) {
			char *s = w[i];
			size_t l;

			if (*s == '"')
				s++;
			l = strlen(s);
			if (l && s[l - 1] == '"')
				l--;
			if (l > 255 || r->rdlen + 1 + l > sizeof(r->rd))
				die("line %d: %s", line, "TXT too long");
			r->rd[r->rdlen++] = (uint8_t)l;
			memcpy(r->rd + r->rdlen, s, l);
			r->rdlen = (uint16_t)(r->rdlen + l);
		}
		break;
	}
	case 6: {
		struct name a, b;
		int i;

		if (n < 11 || !name_parse(w[4], &a) || !name_parse(w[5], &b))
			die("line %d: %s", line, "SOA MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM");
		put_name(r, &a);
		put_name(r, &b);
		for (i = 0; i < 5; i++) {
			put32(r->rd + r->rdlen, (uint32_t)strtoul(w[6 + i], NULL, 10));
			r->rdlen = (uint16_t)(r->rdlen + 4);
		}
		break;
	}
	default:
		die("line %d: %s", line, "type without an encoder");
	}
}

static void add_rule(char **w, int n, int line)
{
	struct rule *u;
	int i;

	if (n < 4)
		die("line %d: %s", line, "on NAME TYPE ACTION...");
	if (nrules >= MAX_RULES)
		die("line %d: %s", line, "too many rules");
	u = &rules[nrules++];
	memset(u, 0, sizeof(*u));
	u->count = -1;
	u->any_name = strcmp(w[1], "*") == 0;
	if (!u->any_name && !name_parse(w[1], &u->name))
		die("line %d: %s", line, "bad name");
	u->type = strcmp(w[2], "*") == 0 ? -1 : type_code(w[2]);
	for (i = 3; i < n; i++) {
		const char *a = w[i];

		if (strncmp(a, "delay=", 6) == 0) {
			u->actions |= A_DELAY;
			u->delay_ms = atoi(a + 6);
		} else if (strncmp(a, "count=", 6) == 0) {
			u->count = atol(a + 6);
		} else if (strncmp(a, "otheraddr=", 10) == 0) {
			u->actions |= A_OTHERADDR;
			snprintf(u->otheraddr, sizeof(u->otheraddr), "%s", a + 10);
		} else if (strcmp(a, "drop") == 0) u->actions |= A_DROP;
		else if (strcmp(a, "tc") == 0 || strcmp(a, "tcponly") == 0) u->actions |= A_TC;
		else if (strcmp(a, "wrongid") == 0) u->actions |= A_WRONGID;
		else if (strcmp(a, "wrongq") == 0) u->actions |= A_WRONGQ;
		else if (strcmp(a, "otherport") == 0) u->actions |= A_OTHERPORT;
		else if (strcmp(a, "comploop") == 0) u->actions |= A_COMPLOOP;
		else if (strcmp(a, "formerr-edns") == 0) u->actions |= A_FORMERR_EDNS;
		else if (strcmp(a, "servfail") == 0) u->actions |= A_SERVFAIL;
		else if (strcmp(a, "refused") == 0) u->actions |= A_REFUSED;
		else if (strcmp(a, "nxdomain") == 0) u->actions |= A_NXDOMAIN;
		else if (strcmp(a, "notimp") == 0) u->actions |= A_NOTIMP;
		else if (strcmp(a, "closemid") == 0) u->actions |= A_CLOSEMID;
		else if (strcmp(a, "oversize") == 0) u->actions |= A_OVERSIZE;
		else if (strcmp(a, "empty") == 0) u->actions |= A_EMPTY;
		else if (strcmp(a, "malformed") == 0) u->actions |= A_MALFORMED;
		else if (strcmp(a, "half") == 0) u->actions |= A_HALF;
		else
			die("line %d: %s", line, "unknown action");
	}
}

static void load(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096], *w[64];
	int ln = 0, n;

	if (!f)
		die("cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		ln++;
		line[strcspn(line, "\r\n")] = '\0';
		n = words(line, w, 64);
		if (n == 0)
			continue;
		if (strcmp(w[0], "rr") == 0)
			add_rr(w, n, ln);
		else if (strcmp(w[0], "on") == 0)
			add_rule(w, n, ln);
		else
			die("unknown line: %s", w[0]);
	}
	fclose(f);
}

/* ---- answering ---- */

struct query {
	uint16_t id;
	uint16_t flags;
	struct name qname;
	uint16_t qtype, qclass;
	bool edns;
	uint16_t edns_size;
	size_t qend;            /* end of the question in the query */
};

/* Queries carry one uncompressed question (and maybe an OPT): read just that. */
static bool read_query(const uint8_t *p, size_t n, struct query *q)
{
	size_t pos = 12, wl = 0;

	if (n < 12 || (p[2] & 0x80) || p[4] != 0 || p[5] != 1)
		return false;
	memset(q, 0, sizeof(*q));
	q->id = (uint16_t)(p[0] << 8 | p[1]);
	q->flags = (uint16_t)(p[2] << 8 | p[3]);
	for (;;) {
		unsigned l;

		if (pos >= n)
			return false;
		l = p[pos];
		if (l > 63 || pos + 1 + l > n || wl + 1 + l > 255)
			return false;
		memcpy(q->qname.w + wl, p + pos, 1 + l);
		wl += 1 + l;
		pos += 1 + l;
		if (l == 0)
			break;
	}
	q->qname.len = (uint8_t)wl;
	if (pos + 4 > n)
		return false;
	q->qtype = (uint16_t)(p[pos] << 8 | p[pos + 1]);
	q->qclass = (uint16_t)(p[pos + 2] << 8 | p[pos + 3]);
	pos += 4;
	q->qend = pos;
	/* An OPT in the additional section: root owner, type 41. */
	if (p[11] >= 1 && pos + 11 <= n && p[pos] == 0 && p[pos + 1] == 0 && p[pos + 2] == 41) {
		q->edns = true;
		q->edns_size = (uint16_t)(p[pos + 3] << 8 | p[pos + 4]);
	}
	return true;
}

static struct rule *match_rule(const struct query *q)
{
	size_t i;

	for (i = 0; i < nrules; i++) {
		struct rule *u = &rules[i];

		if (u->count == 0)
			continue;
		if (!u->any_name && !name_eq(&u->name, &q->qname))
			continue;
		if (u->type >= 0 && u->type != q->qtype)
			continue;
		if (u->count > 0)
			u->count--;
		return u;
	}
	return NULL;
}

struct out {
	uint8_t b[MSG_MAX];
	size_t n;
	unsigned an, ns;
};

static void o_bytes(struct out *o, const void *p, size_t n)
{
	if (o->n + n > sizeof(o->b))
		return;
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void o_16(struct out *o, unsigned v)
{
	uint8_t b[2];

	put16(b, v);
	o_bytes(o, b, 2);
}

static void o_rr(struct out *o, const struct rr *r)
{
	uint8_t b[10];

	o_bytes(o, r->owner.w, r->owner.len);
	put16(b, r->type);
	put16(b + 2, 1);
	put32(b + 4, r->ttl);
	put16(b + 8, r->rdlen);
	o_bytes(o, b, 10);
	o_bytes(o, r->rd, r->rdlen);
}

static bool name_exists(const struct name *n)
{
	size_t i;

	for (i = 0; i < nzone; i++)
		if (name_under(&zone[i].owner, n))
			return true;     /* itself or an empty non-terminal above records */
	return false;
}

static const struct rr *soa_for(const struct name *n)
{
	const struct rr *best = NULL;
	size_t i;

	for (i = 0; i < nzone; i++)
		if (zone[i].type == 6 && name_under(n, &zone[i].owner) &&
		    (!best || zone[i].owner.len > best->owner.len))
			best = &zone[i];
	return best;
}

/* Build the reply for q into o; rcode overrides from the rule's actions. */
static void answer(const struct query *q, const struct rule *u, struct out *o)
{
	struct name cur = q->qname;
	unsigned rcode = 0, hops = 0;
	bool found = false;
	size_t i;

	o->n = 12;
	o->an = o->ns = 0;
	o_bytes(o, q->qname.w, q->qname.len);
	o_16(o, q->qtype);
	o_16(o, q->qclass);
	if (u && (u->actions & (A_SERVFAIL | A_REFUSED | A_NXDOMAIN | A_NOTIMP))) {
		rcode = u->actions & A_SERVFAIL ? 2 : u->actions & A_REFUSED ? 5 :
		        u->actions & A_NXDOMAIN ? 3 : 4;
		goto header;
	}
	for (;;) {
		const struct rr *cname = NULL;

		for (i = 0; i < nzone; i++) {
			if (!name_eq(&zone[i].owner, &cur))
				continue;
			if (zone[i].type == q->qtype) {
				o_rr(o, &zone[i]);
				o->an++;
				found = true;
			} else if (zone[i].type == 5) {
				cname = &zone[i];
			}
		}
		if (found || !cname || q->qtype == 5 || hops++ > 8)
			break;
		o_rr(o, cname);
		o->an++;
		cur = cname->target;
	}
	if (!found) {
		const struct rr *soa = soa_for(&cur);

		if (!name_exists(&cur))
			rcode = 3;
		if (soa) {
			o_rr(o, soa);
			o->ns++;
		}
	}
header:
	put16(o->b, q->id);
	put16(o->b + 2, 0x8000 | (q->flags & 0x0100) | 0x0080 | rcode);
	put16(o->b + 4, 1);
	put16(o->b + 6, o->an);
	put16(o->b + 8, o->ns);
	put16(o->b + 10, 0);
}

/* Add our OPT when the query had one. */
static void add_opt(const struct query *q, struct out *o)
{
	static const uint8_t opt[11] = { 0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0 };

	if (!q->edns)
		return;
	o_bytes(o, opt, sizeof(opt));
	put16(o->b + 10, 1);
}

/* A header-only reply with TC set (question kept). */
static void truncate_reply(const struct query *q, struct out *o)
{
	o->n = q->qend;
	o->b[2] |= 0x02;
	put16(o->b + 6, 0);
	put16(o->b + 8, 0);
	put16(o->b + 10, 0);
	add_opt(q, o);
}

/* ---- sending ---- */

static struct pending *schedule(uint64_t due, const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i < MAX_PENDING; i++) {
		if (!pend[i].used) {
			memset(&pend[i], 0, sizeof(pend[i]));
			pend[i].used = true;
			pend[i].due = due;
			pend[i].data = malloc(len ? len : 1);
			if (len)
				memcpy(pend[i].data, data, len);
			pend[i].len = len;
			return &pend[i];
		}
	}
	return NULL;
}

static void udp_later(uint64_t due, int fd, const struct sockaddr_storage *to, socklen_t tl,
                      const uint8_t *d, size_t n, bool close_fd)
{
	struct pending *p = schedule(due, d, n);

	if (!p)
		return;
	p->fd = fd;
	p->to = *to;
	p->tolen = tl;
	p->close_fd_after = close_fd;
}

static void tcp_later(uint64_t due, struct conn *c, const uint8_t *d, size_t n, bool close)
{
	struct pending *p = schedule(due, d, n);

	if (!p)
		return;
	p->tcp = true;
	p->conn = c;
	p->fd = c->fd;
	p->close_after = close;
}

static void conn_close(struct conn *c)
{
	size_t i;

	for (i = 0; i < MAX_PENDING; i++)
		if (pend[i].used && pend[i].conn == c)
			pend[i].conn = NULL;
	for (i = 0; i < MAX_CONN; i++)
		if (conns[i] == c)
			conns[i] = NULL;
	close(c->fd);
	free(c);
}

static void log_query(const char *proto, const char *src, int sport, const struct query *q)
{
	char name[1100];

	if (!qlog)
		return;
	name_text(&q->qname, name, sizeof(name));
	fprintf(qlog, "%s %s %d %u %s %u %d\n", proto, src, sport, q->id, name, q->qtype,
	        q->edns ? 1 : 0);
	fflush(qlog);
}

/* An extra socket for replies from the wrong port or address. */
static int side_socket(int family, const char *addr)
{
	int fd = socket(family, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	if (addr) {
		struct sockaddr_storage ss;
		socklen_t len;

		memset(&ss, 0, sizeof(ss));
		if (family == AF_INET) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)port);
			inet_pton(AF_INET, addr, &s4->sin_addr);
			len = sizeof(*s4);
		} else {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)port);
			inet_pton(AF_INET6, addr, &s6->sin6_addr);
			len = sizeof(*s6);
		}
		if (bind(fd, (struct sockaddr *)&ss, len) != 0) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

static void handle(struct listener *l, struct conn *c, const uint8_t *in, size_t n,
                   const struct sockaddr_storage *from, socklen_t flen, const char *src,
                   int sport)
{
	static struct out o;
	struct query q;
	struct rule *u;
	uint64_t due = now_ms();
	bool udp = c == NULL;
	size_t limit;

	if (!read_query(in, n, &q))
		return;
	log_query(udp ? "udp" : "tcp", src, sport, &q);
	u = match_rule(&q);
	if (u && (u->actions & A_DELAY))
		due += (uint64_t)u->delay_ms;
	if (u && (u->actions & A_DROP))
		return;
	if (u && (u->actions & A_FORMERR_EDNS) && q.edns) {
		o.n = 12;
		put16(o.b, q.id);
		put16(o.b + 2, 0x8000 | 1);
		memset(o.b + 4, 0, 8);
	} else {
		answer(&q, u, &o);
		if (u && (u->actions & A_COMPLOOP)) {
			/* One answer whose owner is a pointer to itself. */
			size_t at = o.n;

			o.n = q.qend;
			at = o.n;
			o_16(&o, 0xC000 | (unsigned)at);
			o_16(&o, 1); o_16(&o, 1); o_16(&o, 0); o_16(&o, 60); o_16(&o, 4);
			o_16(&o, 0xC000); o_16(&o, 0x0201);
			put16(o.b + 6, 1);
			put16(o.b + 8, 0);
		}
		if (u && (u->actions & A_MALFORMED)) {
			o.n = q.qend;
			o_16(&o, 0xC00C);
			o_16(&o, 1); o_16(&o, 1); o_16(&o, 0); o_16(&o, 60); o_16(&o, 5);
			o_bytes(&o, "\1\2\3\4\5", 5);
			put16(o.b + 6, 1);
			put16(o.b + 8, 0);
		}
		add_opt(&q, &o);
		limit = q.edns ? (q.edns_size < 512 ? 512 : q.edns_size) : 512;
		if (udp && u && (u->actions & A_TC))
			truncate_reply(&q, &o);
		else if (udp && o.n > limit && !(u && (u->actions & A_OVERSIZE)))
			truncate_reply(&q, &o);
	}
	if (udp) {
		int fd = l->udp;
		bool side = false;

		if (u && (u->actions & A_EMPTY))
			udp_later(due, fd, from, flen, o.b, 0, false);
		if (u && (u->actions & A_WRONGID)) {
			static struct out w;

			w = o;
			put16(w.b, (unsigned)(q.id + 1));
			udp_later(due, fd, from, flen, w.b, w.n, false);
		}
		if (u && (u->actions & A_WRONGQ)) {
			static struct out w;

			w = o;
			w.b[13] ^= 0x01;     /* first letter of the question name */
			udp_later(due, fd, from, flen, w.b, w.n, false);
		}
		if (u && (u->actions & A_OTHERPORT)) {
			fd = side_socket(l->family, NULL);
			side = true;
		} else if (u && (u->actions & A_OTHERADDR)) {
			fd = side_socket(l->family, u->otheraddr);
			side = true;
		}
		if (u && (u->actions & A_HALF))
			o.n /= 2;
		if (fd >= 0)
			udp_later(due, fd, from, flen, o.b, o.n, side);
		return;
	}
	{
		static uint8_t framed[2 + MSG_MAX];
		size_t len = o.n;

		put16(framed, (unsigned)o.n);
		memcpy(framed + 2, o.b, o.n);
		if (u && (u->actions & A_CLOSEMID))
			len = o.n / 2;
		tcp_later(due, c, framed, 2 + len, true);
	}
}

static void run_pending(void)
{
	uint64_t t = now_ms();
	size_t i;

	for (i = 0; i < MAX_PENDING; i++) {
		struct pending *p = &pend[i];

		if (!p->used || p->due > t)
			continue;
		if (p->tcp) {
			if (p->conn) {
				size_t off = 0;

				while (off < p->len) {
					ssize_t w = write(p->conn->fd, p->data + off, p->len - off);

					if (w <= 0)
						break;
					off += (size_t)w;
				}
				if (p->close_after)
					conn_close(p->conn);
			}
		} else {
			sendto(p->fd, p->data, p->len, 0, (struct sockaddr *)&p->to, p->tolen);
			if (p->close_fd_after)
				close(p->fd);
		}
		free(p->data);
		p->used = false;
	}
}

static int next_wait(void)
{
	uint64_t t = now_ms(), best = UINT64_MAX;
	size_t i;

	for (i = 0; i < MAX_PENDING; i++)
		if (pend[i].used && pend[i].due < best)
			best = pend[i].due;
	if (best == UINT64_MAX)
		return 1000;
	return best <= t ? 0 : (int)(best - t);
}

static void addr_text(const struct sockaddr_storage *ss, char *out, size_t n, int *p)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, out, (socklen_t)n);
		*p = ntohs(s4->sin_port);
	} else {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, out, (socklen_t)n);
		*p = ntohs(s6->sin6_port);
	}
}

static void listen_on(const char *addr)
{
	struct listener *l = &ls[nls++];
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;

	memset(&ss, 0, sizeof(ss));
	snprintf(l->addr, sizeof(l->addr), "%s", addr);
	if (strchr(addr, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		l->family = AF_INET6;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
			die("bad address %s", addr);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		l->family = AF_INET;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
			die("bad address %s", addr);
		len = sizeof(*s4);
	}
	l->udp = socket(l->family, SOCK_DGRAM, 0);
	if (l->family == AF_INET6)
		setsockopt(l->udp, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(l->udp, (struct sockaddr *)&ss, len) != 0)
		die("cannot bind UDP on %s", addr);
	if (port == 0) {
		/* Take the kernel's UDP port for TCP too. */
		socklen_t sl = len;

		getsockname(l->udp, (struct sockaddr *)&ss, &sl);
		port = ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
		                               : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	l->tcp = socket(l->family, SOCK_STREAM, 0);
	setsockopt(l->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l->family == AF_INET6)
		setsockopt(l->tcp, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(l->tcp, (struct sockaddr *)&ss, len) != 0 || listen(l->tcp, 64) != 0)
		die("cannot bind TCP on %s", addr);
}

static void serve(void)
{
	for (;;) {
		struct pollfd pf[2 * MAX_LISTEN + MAX_CONN];
		struct conn *pc[2 * MAX_LISTEN + MAX_CONN];
		size_t n = 0, i;

		for (i = 0; i < nls; i++) {
			pc[n] = NULL;
			pf[n++] = (struct pollfd){ ls[i].udp, POLLIN, 0 };
			pc[n] = NULL;
			pf[n++] = (struct pollfd){ ls[i].tcp, POLLIN, 0 };
		}
		for (i = 0; i < MAX_CONN; i++) {
			if (conns[i]) {
				pc[n] = conns[i];
				pf[n++] = (struct pollfd){ conns[i]->fd, POLLIN, 0 };
			}
		}
		if (poll(pf, n, next_wait()) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		for (i = 0; i < n; i++) {
			struct listener *l = i < 2 * nls ? &ls[i / 2] : NULL;

			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (l && i % 2 == 0) {
				static uint8_t in[MSG_MAX];
				struct sockaddr_storage from;
				socklen_t flen = sizeof(from);
				char src[64];
				int sp;
				ssize_t got = recvfrom(l->udp, in, sizeof(in), 0,
				                       (struct sockaddr *)&from, &flen);

				if (got < 0)
					continue;
				addr_text(&from, src, sizeof(src), &sp);
				handle(l, NULL, in, (size_t)got, &from, flen, src, sp);
			} else if (l) {
				struct sockaddr_storage from;
				socklen_t flen = sizeof(from);
				int fd = accept(l->tcp, (struct sockaddr *)&from, &flen);
				size_t k;

				if (fd < 0)
					continue;
				for (k = 0; k < MAX_CONN && conns[k]; k++)
					;
				if (k == MAX_CONN) {
					close(fd);
					continue;
				}
				conns[k] = calloc(1, sizeof(struct conn));
				conns[k]->fd = fd;
				conns[k]->l = l;
				addr_text(&from, conns[k]->peer, sizeof(conns[k]->peer),
				          &conns[k]->peer_port);
			} else {
				struct conn *c = pc[i];
				ssize_t got;
				size_t want;

				if (!c)
					continue;
				got = read(c->fd, c->buf + c->have, sizeof(c->buf) - c->have);
				if (got <= 0) {
					conn_close(c);
					continue;
				}
				c->have += (size_t)got;
				if (c->have < 2)
					continue;
				want = (size_t)c->buf[0] << 8 | c->buf[1];
				if (c->have < 2 + want)
					continue;
				handle(c->l, c, c->buf + 2, want, NULL, 0, c->peer, c->peer_port);
				c->have = 0;
			}
		}
		run_pending();
	}
}

int main(int argc, char **argv)
{
	const char *scenario = NULL, *logpath = NULL, *portfile = NULL;
	const char *addrs[MAX_LISTEN];
	size_t naddrs = 0, i;
	int c;

	signal(SIGPIPE, SIG_IGN);
	while ((c = getopt(argc, argv, "f:a:p:l:P:")) != -1) {
		switch (c) {
		case 'f': scenario = optarg; break;
		case 'a':
			if (naddrs < MAX_LISTEN)
				addrs[naddrs++] = optarg;
			break;
		case 'p': port = atoi(optarg); break;
		case 'l': logpath = optarg; break;
		case 'P': portfile = optarg; break;
		default:
			fprintf(stderr, "usage: dnslab -f SCENARIO [-a ADDR]... [-p PORT] [-l LOG] "
			        "[-P PORTFILE]\n");
			return 2;
		}
	}
	if (!scenario)
		die("%s", "-f SCENARIO is required");
	load(scenario);
	if (logpath) {
		qlog = fopen(logpath, "a");
		if (!qlog)
			die("cannot open log %s", logpath);
	}
	if (naddrs == 0)
		addrs[naddrs++] = "127.0.0.1";
	for (i = 0; i < naddrs; i++)
		listen_on(addrs[i]);
	if (portfile) {
		FILE *pf = fopen(portfile, "w");

		if (pf) {
			fprintf(pf, "%d\n", port);
			fclose(pf);
		}
	}
	fprintf(stderr, "dnslab: %zu records, %zu rules, port %d\n", nzone, nrules, port);
	serve();
	return 0;
}
