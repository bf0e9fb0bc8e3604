/* Test helper: a loopback SOCKS5 proxy (no-auth or RFC 1929) that relays to address targets. */
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

#include "status.h"
#include "util_socks5peer.h"

static int take(int c, uint8_t *b, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(c, b + got, n - got);

		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static void relay(int a, int b)
{
	struct pollfd pf[2] = { { a, POLLIN, 0 }, { b, POLLIN, 0 } };
	char buf[4096];

	for (;;) {
		int i;

		if (poll(pf, 2, 5000) <= 0)
			return;
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pf[i].fd, buf, sizeof(buf));
			if (n <= 0)
				return;
			if (write(pf[1 - i].fd, buf, (size_t)n) != n)
				return;
		}
	}
}

/* One client: handshake, CONNECT, relay. Child of the proxy. */
static void serve(int c, enum s5peer_mode mode, const char *creds, int logfd)
{
	uint8_t b[600], rep[10] = { 5, 0, 0, 1, 127, 0, 0, 1, 0, 1 };
	char line[300], host[256];
	struct sockaddr_storage ss;
	socklen_t sl;
	int port, t, want = creds ? 2 : 0;
	size_t i;
	bool offered = false;

	if (take(c, b, 2) || b[0] != 5 || take(c, b + 2, b[1]))
		_exit(1);
	for (i = 0; i < b[1]; i++)
		offered = offered || b[2 + i] == want;
	b[0] = 5;
	b[1] = offered ? (uint8_t)want : 0xff;
	if (write(c, b, 2) != 2 || !offered)
		_exit(1);
	if (creds) {
		char got[520];
		size_t ul, pl;

		if (take(c, b, 2) || take(c, b + 2, b[1]))
			_exit(1);
		ul = b[1];
		memcpy(got, b + 2, ul);
		got[ul] = ':';
		if (take(c, b, 1) || take(c, b + 1, b[0]))
			_exit(1);
		pl = b[0];
		memcpy(got + ul + 1, b + 1, pl);
		got[ul + 1 + pl] = 0;
		b[0] = 1;
		b[1] = strcmp(got, creds) == 0 ? 0 : 1;
		if (write(c, b, 2) != 2 || b[1] != 0)
			_exit(1);
	}
	if (take(c, b, 4))
		_exit(1);
	memset(&ss, 0, sizeof(ss));
	if (b[3] == 1) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		if (take(c, b, 6))
			_exit(1);
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, b, 4);
		memcpy(&s4->sin_port, b + 4, 2);
		sl = sizeof(*s4);
		inet_ntop(AF_INET, b, host, sizeof(host));
		port = (b[4] << 8) | b[5];
		snprintf(line, sizeof(line), "addr %s:%d\n", host, port);
	} else if (b[3] == 3) {
		if (take(c, b, 1) || take(c, b + 1, (size_t)b[0] + 2))
			_exit(1);
		memcpy(host, b + 1, b[0]);
		host[b[0]] = 0;
		port = (b[1 + b[0]] << 8) | b[2 + b[0]];
		snprintf(line, sizeof(line), "name %s:%d\n", host, port);
		sl = 0;                              /* names are never resolved here */
	} else {
		_exit(1);
	}
	if (write(logfd, line, strlen(line)) < 0)
		_exit(1);
	if (mode == S5_DENY || sl == 0) {
		rep[1] = mode == S5_DENY ? 2 : 4;
		if (write(c, rep, sizeof(rep)) < 0)
			_exit(1);
		_exit(0);
	}
	t = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (t < 0 || connect(t, (struct sockaddr *)&ss, sl) != 0) {
		rep[1] = 5;
		if (write(c, rep, sizeof(rep)) < 0)
			_exit(1);
		_exit(0);
	}
	if (write(c, rep, sizeof(rep)) != (ssize_t)sizeof(rep))
		_exit(1);
	relay(c, t);
	_exit(0);
}

void s5peer_start(struct s5peer *p, enum s5peer_mode mode, const char *creds)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char spec[600];
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	memset(p, 0, sizeof(*p));
	if (lfd < 0 || pipe(p->logpipe) != 0)
		abort();
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(lfd, 16) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len) != 0)
		abort();
	snprintf(spec, sizeof(spec), "%s%s127.0.0.1:%d", creds ? creds : "", creds ? "@" : "",
	         ntohs(sin.sin_port));
	if (socks5_spec_parse(spec, NULL, &p->proxy, NULL) != ST_OK)
		abort();
	p->pid = fork();
	if (p->pid < 0)
		abort();
	if (p->pid == 0) {
		close(p->logpipe[0]);
		setpgid(0, 0);                       /* s5peer_stop ends the whole group */
		alarm(20);                           /* never outlives the test */
		signal(SIGCHLD, SIG_IGN);
		for (;;) {
			int c = accept(lfd, NULL, NULL);

			if (c < 0) {
				if (errno == EINTR)
					continue;
				_exit(1);
			}
			if (fork() == 0) {
				close(lfd);
				serve(c, mode, creds, p->logpipe[1]);
			}
			close(c);
		}
	}
	setpgid(p->pid, p->pid);                 /* also here: whichever runs first */
	close(lfd);
	close(p->logpipe[1]);
}

size_t s5peer_stop(struct s5peer *p)
{
	char buf[S5PEER_MAX_LOG * 300];
	size_t used = 0, start = 0;
	ssize_t n;

	kill(-p->pid, SIGKILL);
	kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
	while (used < sizeof(buf) - 1 &&
	       (n = read(p->logpipe[0], buf + used, sizeof(buf) - 1 - used)) > 0)
		used += (size_t)n;
	close(p->logpipe[0]);
	p->nlog = 0;
	while (start < used && p->nlog < S5PEER_MAX_LOG) {
		const char *nl = memchr(buf + start, '\n', used - start);
		size_t len = nl ? (size_t)(nl - (buf + start)) : used - start;

		snprintf(p->log[p->nlog++], sizeof(p->log[0]), "%.*s", (int)len, buf + start);
		start += len + 1;
	}
	return p->nlog;
}
