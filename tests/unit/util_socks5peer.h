/* Test helper: a small SOCKS5 proxy in a child process on a loopback port chosen by the
 * kernel, relaying to targets given by address, with a log of what it was asked. */
#ifndef MXTRACE_UTIL_SOCKS5PEER_H
#define MXTRACE_UTIL_SOCKS5PEER_H

#include <stddef.h>
#include <sys/types.h>

#include "socks5.h"

enum s5peer_mode {
	S5_RELAY,          /* connect to the target and relay both ways */
	S5_DENY            /* answer every CONNECT with REP 2 (not allowed by ruleset) */
};

#define S5PEER_MAX_LOG 64

struct s5peer {
	struct socks5_proxy proxy;     /* where it listens; credentials when it wants them */
	pid_t pid;
	int logpipe[2];
	char log[S5PEER_MAX_LOG][300]; /* one per CONNECT: "name HOST:PORT" or "addr IP:PORT" */
	size_t nlog;
};

/* Start a proxy on 127.0.0.1; creds "user:pass" makes it require RFC 1929 (NULL: none). */
void s5peer_start(struct s5peer *p, enum s5peer_mode mode, const char *creds);
/* Stop it and collect its log; returns the number of CONNECT requests it received. */
size_t s5peer_stop(struct s5peer *p);

#endif
