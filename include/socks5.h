/* SOCKS5 (RFC 1928) with username/password (RFC 1929): proxy settings, messages, replies. */
#ifndef MXTRACE_SOCKS5_H
#define MXTRACE_SOCKS5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * The pure half of the SOCKS5 client: parsing the user's proxy setting, building the three
 * client messages and reading the three server replies. The socket half lives in net.c
 * (struct net_tcp_req.socks5). Replies are parsed from the bytes received so far and say
 * how many bytes the complete message needs, so the transport never reads past a reply
 * into the tunnelled stream.
 */

#define SOCKS5_VERSION 5
#define SOCKS5_AUTH_VERSION 1            /* RFC 1929 §2 */
#define SOCKS5_DEFAULT_PORT 1080         /* IANA "socks" */
#define SOCKS5_CRED_MAX 255              /* RFC 1929 §2: ULEN and PLEN are one octet, 1..255 */
#define SOCKS5_NAME_MAX 255              /* RFC 1928 §5: a DOMAINNAME has a one-octet length */
#define SOCKS5_METHOD_NONE 0x00          /* RFC 1928 §3 */
#define SOCKS5_METHOD_USERPASS 0x02
#define SOCKS5_METHOD_REFUSED 0xFF
#define SOCKS5_CMD_CONNECT 0x01          /* RFC 1928 §4 */
#define SOCKS5_ATYP_IPV4 0x01            /* RFC 1928 §5 */
#define SOCKS5_ATYP_NAME 0x03
#define SOCKS5_ATYP_IPV6 0x04
#define SOCKS5_GREETING_MAX 4            /* VER NMETHODS and at most two methods */
#define SOCKS5_AUTH_MAX (3 + 2 * SOCKS5_CRED_MAX)
#define SOCKS5_REQUEST_MAX (4 + 1 + SOCKS5_NAME_MAX + 2)
#define SOCKS5_REPLY_MAX (4 + 1 + SOCKS5_NAME_MAX + 2)   /* the longest CONNECT reply */
#define SOCKS5_LABEL_MAX 72              /* "socks5 [ffff:...:255.255.255.255]:65535" */

/*
 * A proxy to reach: its address and, for RFC 1929, credentials ("" when none). The
 * password is for the wire only: nothing in mxtrace prints it or writes it to a trail.
 */
struct socks5_proxy {
	struct sockaddr_storage ss;      /* the proxy's address (IPv4 or IPv6) and port */
	socklen_t len;
	char user[SOCKS5_CRED_MAX + 1];
	char pass[SOCKS5_CRED_MAX + 1];
};

/*
 * Parse a proxy setting "[USER[:PASS]@]HOST[:PORT]": HOST an IPv4 or IPv6 literal (IPv6 in
 * brackets when a port follows) or "localhost" (127.0.0.1); other names are refused, since
 * resolving the proxy's own name would need a DNS query outside the proxy. PORT defaults
 * to 1080. The user part ends at the last '@'; USER runs to its first ':' and PASS is the
 * rest. Without ":PASS", pass_env (may be NULL) is used as the password. USER and PASS
 * must be 1..255 bytes without NUL. Returns ST_OK, or ST_MALFORMED with a static reason in
 * *why that never quotes the password.
 */
int socks5_spec_parse(const char *spec, const char *pass_env, struct socks5_proxy *out,
                      const char **why);
/* "socks5 127.0.0.1:1080" (no credentials ever) into out (SOCKS5_LABEL_MAX bytes). */
void socks5_label(const struct socks5_proxy *p, char *out, size_t n);

/* The method-selection message (RFC 1928 §3): no-auth, plus username/password when the
 * proxy has credentials. Returns its length (at most SOCKS5_GREETING_MAX). */
size_t socks5_greeting(const struct socks5_proxy *p, uint8_t *out);
/* The RFC 1929 request; 0 when p has no (or invalid) credentials. out holds
 * SOCKS5_AUTH_MAX bytes. */
size_t socks5_auth_request(const struct socks5_proxy *p, uint8_t *out);
/*
 * The CONNECT request (RFC 1928 §4) for a host name (ATYP 3; host may be NULL) or else an
 * IPv4/IPv6 address (ATYP 1/4, from ss). 0 for a name that is empty, longer than 255
 * bytes or not a valid host name, an address of another family or a port outside
 * 1..65535. out holds SOCKS5_REQUEST_MAX bytes.
 */
size_t socks5_connect_request(const char *host, const struct sockaddr_storage *ss, int port,
                              uint8_t *out);

enum socks5_parse { SOCKS5_MORE, SOCKS5_DONE, SOCKS5_FAIL };

/* What a reply said, or why it is unacceptable. */
struct socks5_reply {
	size_t need;        /* MORE: total bytes the message needs as far as known (> n);
	                       DONE or FAIL: bytes of the message used */
	int status;         /* FAIL: ST_MALFORMED (not SOCKS5, or broke it), ST_REFUSED
	                       (refused: method, credentials, ruleset, target), ST_IO, ST_TIMEOUT,
	                       ST_UNSUPPORTED (per REP code) */
	char why[96];       /* FAIL: for people, e.g. "proxy refused: connection not allowed
	                       by ruleset" */
	int method;         /* method reply: the method chosen, -1 before */
	int rep;            /* CONNECT reply: REP, -1 before */
	int atyp;           /* CONNECT reply: ATYP of the bound address, -1 before */
	int bnd_port;       /* CONNECT reply: BND.PORT (parsed and otherwise ignored), -1 */
};

/*
 * Parse the bytes received so far (p[0..n)) as a method-selection reply; `auth_offered`
 * says whether username/password was offered. Every function here returns MORE (wait for
 * r->need bytes in all), DONE, or FAIL (r->status, r->why), and never reads beyond n.
 */
enum socks5_parse socks5_method_reply(const uint8_t *p, size_t n, bool auth_offered,
                                      struct socks5_reply *r);
/* The RFC 1929 status reply (VER 1, STATUS 0 for success). */
enum socks5_parse socks5_auth_reply(const uint8_t *p, size_t n, struct socks5_reply *r);
/*
 * The CONNECT reply: VER 5, REP (a non-zero REP fails at once, with its meaning, whatever
 * follows), RSV 0, ATYP 1/3/4 with a 4-byte, 1..255-byte or 16-byte bound address, and a
 * port. The bound address is checked for length and skipped.
 */
enum socks5_parse socks5_connect_reply(const uint8_t *p, size_t n, struct socks5_reply *r);
/* The meaning of a REP code ("connection not allowed by ruleset"); "unassigned" beyond 8. */
const char *socks5_rep_str(int rep);

#endif
