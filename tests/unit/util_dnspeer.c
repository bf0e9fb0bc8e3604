/* Test helper: scripted loopback DNS peer speaking UDP and TCP, logging what it receives. */
#include <arpa/inet.h>
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

#include "dns_msg.h"
#include "status.h"
#include "util_dnspeer.h"
#include "util_pkt.h"

static int bind_pair(int *ufd, int *tfd, int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int one = 1;

	*ufd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	*tfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(*ufd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(*ufd, (struct sockaddr *)&sin, &len) != 0)
		return -1;
	setsockopt(*tfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(*tfd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(*tfd, 16) != 0) {
		close(*ufd);
		close(*tfd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return 0;
}

static void header(struct pkt *r, const struct dns_msg *q, unsigned id, unsigned rcode, bool tc,
                   unsigned qd, unsigned an, unsigned ns)
{
	unsigned flags = 0x8000 | 0x0100 | 0x0080 | rcode | (tc ? 0x0200 : 0);

	pkt_header(r, id, flags, qd, an, ns, 0);
	(void)q;
}

static void question(struct pkt *r, const struct dns_msg *q)
{
	pkt_bytes(r, q->qd[0].name.wire, q->qd[0].name.len);
	pkt_u16(r, q->qd[0].type);
	pkt_u16(r, q->qd[0].qclass);
}

static void soa(struct pkt *r)
{
	pkt_name(r, "test");
	pkt_rrhead(r, DNS_T_SOA, 60, 4 + 3 + 20);
	pkt_name(r, "ns");
	pkt_name(r, "h");
	pkt_u32(r, 1); pkt_u32(r, 2); pkt_u32(r, 3); pkt_u32(r, 4); pkt_u32(r, 30);
}

/* Answer records for the question (0 if the type is not one we serve). */
static unsigned answers(struct pkt *r, const struct dns_msg *q, bool write)
{
	uint16_t t = q->qd[0].type;

	if (t != DNS_T_A && t != DNS_T_AAAA && t != DNS_T_MX)
		return 0;
	if (!write)
		return 1;
	pkt_ptr(r, 12);
	if (t == DNS_T_A) {
		pkt_rrhead(r, DNS_T_A, 300, 4);
		pkt_bytes(r, "\xc0\x00\x02\x01", 4);
	} else if (t == DNS_T_AAAA) {
		pkt_rrhead(r, DNS_T_AAAA, 300, 16);
		pkt_bytes(r, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1", 16);
	} else {
		pkt_rrhead(r, DNS_T_MX, 300, 2 + 4 + 2);
		pkt_u16(r, 10);
		pkt_u8(r, 3);
		pkt_bytes(r, "mx1", 3);
		pkt_ptr(r, 12);
	}
	return 1;
}

static void build(struct pkt *r, const struct dns_msg *q, enum peer_act a, bool tcp, int variant)
{
	unsigned an;

	pkt_init(r);
	switch (a) {
	case PA_TC:
		if (!tcp) {
			header(r, q, q->id, 0, true, 1, 0, 0);
			question(r, q);
			return;
		}
		/* fall through */
	case PA_ANSWER:
	case PA_MISMATCH:
	case PA_EMPTY:
	case PA_FORMERR_EDNS:
	case PA_DROP:
		an = answers(r, q, false);
		header(r, q, q->id, 0, false, 1, an, an ? 0 : 1);
		question(r, q);
		if (an)
			answers(r, q, true);
		else
			soa(r);
		if (a == PA_MISMATCH && variant == 0)
			pkt_set16(r, 0, q->id ^ 0x5555u);
		if (a == PA_MISMATCH && variant == 1)
			r->b[13] ^= 0x20 ^ 0x01;        /* change a letter of the name */
		return;
	case PA_SERVFAIL:
	case PA_REFUSED:
		header(r, q, q->id, a == PA_SERVFAIL ? 2 : 5, false, 1, 0, 0);
		question(r, q);
		return;
	case PA_NXDOMAIN:
	case PA_NODATA:
		header(r, q, q->id, a == PA_NXDOMAIN ? 3 : 0, false, 1, 0, 1);
		question(r, q);
		soa(r);
		return;
	case PA_MALFORMED:
		header(r, q, q->id, 0, false, 1, 1, 0);
		question(r, q);
		pkt_ptr(r, 12);
		pkt_rrhead(r, DNS_T_A, 300, 5);
		pkt_bytes(r, "\1\2\3\4\5", 5);
		return;
	case PA_CNAME_ONLY:
		header(r, q, q->id, 0, false, 1, 1, 0);
		question(r, q);
		pkt_ptr(r, 12);
		pkt_rrhead(r, DNS_T_CNAME, 300, 12);
		pkt_name(r, "alias.test");
		return;
	case PA_CNAME_LOOP: {
		size_t target;

		header(r, q, q->id, 0, false, 1, 2, 0);
		question(r, q);
		pkt_ptr(r, 12);
		pkt_rrhead(r, DNS_T_CNAME, 300, 11);
		target = r->n;
		pkt_name(r, "loop.test");
		pkt_ptr(r, (unsigned)target);
		pkt_rrhead(r, DNS_T_CNAME, 300, 2);
		pkt_ptr(r, 12);
		return;
	}
	case PA_BIG: {
		unsigned i, n = 100;
		bool tc = !tcp;

		header(r, q, q->id, 0, tc, 1, tc ? 0 : n, 0);
		question(r, q);
		if (tc)
			return;
		for (i = 0; i < n; i++) {
			pkt_ptr(r, 12);
			pkt_rrhead(r, DNS_T_A, 300, 4);
			pkt_u8(r, 198); pkt_u8(r, 51); pkt_u8(r, 100); pkt_u8(r, i);
		}
		return;
	}
	}
}

static void log_query(int fd, char proto, const struct dns_msg *q)
{
	struct peer_log l;

	memset(&l, 0, sizeof(l));
	l.proto = proto;
	l.edns = q->has_opt;
	l.qtype = q->nqd ? q->qd[0].type : -1;
	if (q->nqd) {
		char name[DNS_MAX_NAME_TEXT];

		dns_name_str(&q->qd[0].name, name);
		name[sizeof(l.qname) - 1] = '\0';
		memcpy(l.qname, name, sizeof(l.qname));
	}
	if (write(fd, &l, sizeof(l)) != (ssize_t)sizeof(l))
		_exit(3);
}

static void serve(int ufd, int tfd, int logfd, const enum peer_act *script, size_t n)
{
	size_t k = 0;

	for (;;) {
		struct pollfd pf[2] = { { ufd, POLLIN, 0 }, { tfd, POLLIN, 0 } };
		static uint8_t in[70000];
		static struct pkt r;
		struct dns_msg *q;
		enum peer_act a;

		if (poll(pf, 2, -1) < 0)
			_exit(1);
		if (pf[0].revents & POLLIN) {
			struct sockaddr_storage from;
			socklen_t flen = sizeof(from);
			ssize_t got = recvfrom(ufd, in, sizeof(in), 0, (struct sockaddr *)&from, &flen);

			if (got <= 0 || dns_msg_parse(in, (size_t)got, &q, NULL) != ST_OK)
				continue;
			a = script[k < n ? k : n - 1];
			k++;
			log_query(logfd, 'u', q);
			if (a == PA_FORMERR_EDNS && q->has_opt) {
				pkt_init(&r);
				pkt_header(&r, q->id, 0x8000 | 0x0100 | 1, 0, 0, 0, 0);
				sendto(ufd, r.b, r.n, 0, (struct sockaddr *)&from, flen);
			} else if (a == PA_MISMATCH) {
				int v;

				for (v = 0; v < 3; v++) {
					build(&r, q, a, false, v);
					sendto(ufd, r.b, r.n, 0, (struct sockaddr *)&from, flen);
				}
			} else if (a != PA_DROP) {
				if (a == PA_EMPTY)
					sendto(ufd, "", 0, 0, (struct sockaddr *)&from, flen);
				build(&r, q, a, false, 2);
				sendto(ufd, r.b, r.n, 0, (struct sockaddr *)&from, flen);
			}
			dns_msg_free(q);
		}
		if (pf[1].revents & POLLIN) {
			int c = accept(tfd, NULL, NULL);
			uint8_t lenb[2];
			size_t want, have = 0;

			if (c < 0)
				continue;
			if (read(c, lenb, 2) != 2) {
				close(c);
				continue;
			}
			want = (size_t)lenb[0] << 8 | lenb[1];
			while (have < want) {
				ssize_t got = read(c, in + have, want - have);

				if (got <= 0)
					break;
				have += (size_t)got;
			}
			if (have == want && dns_msg_parse(in, want, &q, NULL) == ST_OK) {
				a = script[k < n ? k : n - 1];
				k++;
				log_query(logfd, 't', q);
				if (a != PA_DROP) {
					build(&r, q, a, true, 2);
					lenb[0] = (uint8_t)(r.n >> 8);
					lenb[1] = (uint8_t)r.n;
					if (write(c, lenb, 2) == 2 && write(c, r.b, r.n) == (ssize_t)r.n)
						usleep(1000);
				} else {
					usleep(3000000);
				}
				dns_msg_free(q);
			}
			close(c);
		}
	}
}

void peer_start(struct peer *p, const enum peer_act *script, size_t n)
{
	int ufd = -1, tfd = -1, port = 0, tries;

	memset(p, 0, sizeof(*p));
	for (tries = 0; tries < 20; tries++)
		if (bind_pair(&ufd, &tfd, &port) == 0)
			break;
	if (tries == 20)
		abort();
	net_addr_from_ip("127.0.0.1", port, &p->addr);
	if (pipe(p->logpipe) != 0)
		abort();
	p->pid = fork();
	if (p->pid == 0) {
		alarm(20);
		close(p->logpipe[0]);
		serve(ufd, tfd, p->logpipe[1], script, n);
		_exit(0);
	}
	close(p->logpipe[1]);
	close(ufd);
	close(tfd);
}

size_t peer_stop(struct peer *p)
{
	struct peer_log l;

	kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
	p->nlog = 0;
	while (read(p->logpipe[0], &l, sizeof(l)) == (ssize_t)sizeof(l))
		if (p->nlog < PEER_MAX_LOG)
			p->log[p->nlog++] = l;
	close(p->logpipe[0]);
	return p->nlog;
}
