/* Non-blocking UDP exchanges and generic TCP streams with deadlines, driven by the event loop. */
#ifndef MXTRACE_NET_H
#define MXTRACE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "loop.h"
#include "socks5.h"

/*
 * Only this module (with the loop) opens sockets. Two kinds of transaction, each an opaque
 * object created by a _start function and driven by the loop; any number may be in flight.
 *
 * Contract shared by both kinds:
 *  - _start copies everything it needs from the request (the caller may free it at once).
 *    It returns ST_OK and then calls `done` exactly once, later, from the loop; or it
 *    returns ST_INVAL/ST_NOMEM and never calls `done`. System-call failures (socket, bind,
 *    connect, send) are reported through `done` with ST_IO and `sys_errno`, never
 *    synchronously, so callers have a single path for outcomes.
 *  - The result and every pointer in it are valid only during the callback. The object is
 *    freed when the callback returns: do not keep the handle after that.
 *  - _cancel frees the transaction without calling `done`. It is safe from inside any loop
 *    callback; called from the transaction's own `done` it does nothing.
 */
struct net_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

#define NET_ADDR_STRLEN 56       /* "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535" */
#define NET_UDP_MAX_REPLY 65535  /* largest datagram we accept */
#define NET_PORT_TRIES 16        /* random source ports tried before the kernel picks one */

/* Numeric IPv4 or IPv6 literal (no brackets, no scope) and port 1..65535 → address.
 * ST_MALFORMED if ip is not a literal, ST_INVAL for a bad port. */
int net_addr_from_ip(const char *ip, int port, struct net_addr *out);
/* "192.0.2.1" / "2001:db8::1" (no port) into out (at least NET_ADDR_STRLEN bytes). */
void net_addr_ip(const struct net_addr *a, char *out, size_t n);
/* "192.0.2.1:53" / "[2001:db8::1]:53" into out. */
void net_addr_fmt(const struct net_addr *a, char *out, size_t n);
/* The port, or -1 for an unset address. */
int net_addr_port(const struct net_addr *a);
/* Same family, address and port. */
bool net_addr_eq(const struct net_addr *a, const struct net_addr *b);

/* ---- UDP: one datagram out, the first matching datagram back ---- */

/*
 * Does this datagram answer our query? Return true to accept it; false to drop it and keep
 * waiting (it is counted in `mismatches`). Zero-length datagrams never reach the predicate
 * (they are ignored and counted in `empties`, CVE-2023-32067).
 */
typedef bool (*net_match_fn)(const uint8_t *dgram, size_t len, void *arg);

struct net_udp_req {
	struct net_addr server;
	const uint8_t *msg;      /* the datagram to send (copied) */
	size_t len;
	uint64_t timeout_ms;     /* deadline for a matching reply, from the start */
	size_t max_reply;        /* receive buffer; 0 means NET_UDP_MAX_REPLY */
	net_match_fn match;      /* NULL accepts the first non-empty datagram */
	void *match_arg;
};

struct net_udp_result {
	int status;              /* ST_OK (reply accepted), ST_TIMEOUT, ST_REFUSED (ICMP port
	                            unreachable), ST_IO (sys_errno says why) */
	int sys_errno;
	const uint8_t *reply;    /* ST_OK: the accepted datagram */
	size_t len;
	bool truncated;          /* the datagram was longer than max_reply (MSG_TRUNC) */
	int src_port;            /* our source port, -1 if no socket was bound */
	unsigned mismatches;     /* datagrams the predicate rejected */
	unsigned empties;        /* zero-length datagrams ignored */
	size_t bytes_out;        /* 0 if the datagram could not be sent */
	uint64_t started_ms;     /* loop_now() at start */
	uint64_t elapsed_ms;
};

struct net_udp;
typedef void (*net_udp_fn)(const struct net_udp_result *r, void *arg);

/*
 * Send req->msg from a fresh socket bound to a random source port (getrandom; up to
 * NET_PORT_TRIES ports on EADDRINUSE, then a kernel-chosen one) and connected to the
 * server, so the kernel already drops datagrams from any other address or port. Wait for
 * the first datagram the predicate accepts, or the deadline. *out (may be NULL) receives a
 * handle for net_udp_cancel().
 */
int net_udp_start(struct loop *l, const struct net_udp_req *req, net_udp_fn done, void *arg,
                  struct net_udp **out);
/* Free u without calling its callback (see the contract above). */
void net_udp_cancel(struct net_udp *u);

/* ---- TCP: connect, write a request fully, read until the framing says complete ---- */

/*
 * A framing function looks at everything received so far (data[0..len)) and says whether a
 * complete message is there. Protocol-agnostic: DNS uses a 2-byte length prefix, WHOIS on
 * port 43 reads to EOF, RWhois ends at a "%ok"/"%error" line. `eof` is true once the peer
 * closed its side. Return NET_FRAME_DONE with *msg_len set to the message length (≤ len),
 * NET_FRAME_MORE to keep reading (at EOF this ends the stream with ST_CLOSED), or
 * NET_FRAME_BAD when the bytes can never form a valid message (ST_MALFORMED).
 */
enum net_frame { NET_FRAME_MORE, NET_FRAME_DONE, NET_FRAME_BAD };
typedef enum net_frame (*net_frame_fn)(const uint8_t *data, size_t len, bool eof,
                                       size_t *msg_len, void *arg);

/* DNS over TCP (RFC 1035 §4.2.2): u16 length then the message; lengths < 12 are BAD. The
 * message is data[2 .. *msg_len). */
enum net_frame net_frame_dns(const uint8_t *data, size_t len, bool eof, size_t *msg_len,
                             void *arg);
/* Everything until the peer closes (WHOIS, RFC 3912). */
enum net_frame net_frame_eof(const uint8_t *data, size_t len, bool eof, size_t *msg_len,
                             void *arg);
/* Complete after the first whole line (LF-terminated, or the last line at EOF) that starts
 * with one of the prefixes in arg, a NULL-terminated `const char *const[]` (e.g. RWhois
 * {"%ok", "%error", NULL}); the message includes that line. */
enum net_frame net_frame_lines(const uint8_t *data, size_t len, bool eof, size_t *msg_len,
                               void *arg);

/*
 * Through a SOCKS5 proxy (RFC 1928, `socks5` set): the socket connects to the proxy, sends
 * the method selection (no authentication, plus RFC 1929 username/password when the proxy
 * has credentials), authenticates if the proxy chose that, and asks it to CONNECT to the
 * target: `target_host` by name (ATYP 3: the proxy resolves it, nothing is looked up here)
 * or else `server` by address (ATYP 1/4). Every reply is validated and read exactly to its
 * end, so not one byte of the tunnelled stream is consumed by the handshake. The
 * connection deadline covers the proxy's connection and the whole handshake (the target
 * is connected when the proxy says so); the overall deadline covers everything. After
 * success the stream behaves exactly as a direct one (write, framing, ceiling).
 */
struct net_tcp_req {
	struct net_addr server;  /* the peer; with socks5 and target_host, unused */
	const uint8_t *msg;      /* request written after connecting (copied; may be empty) */
	size_t len;
	uint64_t connect_timeout_ms; /* deadline for the connection; 0: only the overall one */
	uint64_t timeout_ms;     /* overall deadline, from the start */
	size_t max_bytes;        /* receive ceiling; 0 means 1 MiB. More gives ST_TOOBIG */
	net_frame_fn frame;      /* required */
	void *frame_arg;
	const struct socks5_proxy *socks5;  /* NULL: direct. Used during _start only */
	const char *target_host; /* with socks5: a host name (<= 255 bytes, LDH) for the proxy
	                            to connect to; NULL: connect to `server`'s address */
	int target_port;         /* with target_host: 1..65535 */
};

struct net_tcp_result {
	int status;              /* ST_OK (frame complete), ST_TIMEOUT, ST_REFUSED (connection
	                            refused), ST_CLOSED (EOF or reset before a complete frame),
	                            ST_TOOBIG, ST_MALFORMED (framing said BAD), ST_IO */
	int sys_errno;
	const char *phase;       /* where it ended: "connect", "socks5-greeting", "socks5-auth",
	                            "socks5-connect" (the three handshake steps), "write",
	                            "read", "done" */
	bool connected;          /* to the target (through a proxy: its CONNECT succeeded) */
	bool proxied;            /* the request named a SOCKS5 proxy */
	bool proxy_connected;    /* the TCP connection to the proxy was made */
	int socks5_rep;          /* REP of the proxy's CONNECT reply, -1 if none came */
	const char *proxy_error; /* the proxy part failed (connecting to it, or the handshake):
	                            why, for people ("proxy refused: connection not allowed by
	                            ruleset"); NULL otherwise. status says the class: ST_REFUSED,
	                            ST_TIMEOUT, ST_CLOSED, ST_MALFORMED (not SOCKS5, or broke
	                            it), ST_UNSUPPORTED, ST_IO */
	const uint8_t *data;     /* everything received, also on failure (partial WHOIS text) */
	size_t len;
	size_t msg_len;          /* ST_OK: the frame's length within data */
	int src_port;            /* our source port, -1 unknown */
	size_t bytes_out;        /* request bytes written */
	uint64_t started_ms;
	uint64_t elapsed_ms;
};

struct net_tcp;
typedef void (*net_tcp_fn)(const struct net_tcp_result *r, void *arg);

/* Start a TCP exchange (non-blocking connect with its deadline, the SOCKS5 handshake when
 * asked, full write, framed read, overall deadline). ST_INVAL also for a target the proxy
 * cannot be asked for (bad name, port) or credentials longer than RFC 1929 allows. *out
 * (may be NULL) receives a handle for net_tcp_cancel(). */
int net_tcp_start(struct loop *l, const struct net_tcp_req *req, net_tcp_fn done, void *arg,
                  struct net_tcp **out);
/* Free t without calling its callback (see the contract above). */
void net_tcp_cancel(struct net_tcp *t);

#endif
