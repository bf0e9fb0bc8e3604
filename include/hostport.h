/* Parsing of "HOST[:PORT]", "[IPV6]:PORT" and bare IPv6 operands from users and referrals. */
#ifndef MXTRACE_HOSTPORT_H
#define MXTRACE_HOSTPORT_H

#include <stdbool.h>
#include <stddef.h>

#define HOSTPORT_MAX_HOST 254   /* RFC 1035 §2.3.4: 253 characters in presentation + NUL */

struct hostport {
	char host[HOSTPORT_MAX_HOST];
	int port;               /* the given port, or the default */
	bool is_ip;             /* host is an IPv4 or IPv6 literal */
	bool is_v6;
};

/*
 * Parse s into hp. Accepts "name", "name:port", "1.2.3.4", "1.2.3.4:53", "2001:db8::1" (bare
 * IPv6: no port), "[2001:db8::1]" and "[2001:db8::1]:53". Ports are 1..65535. Host names must
 * be LDH labels (underscore allowed) of at most 63 octets, 253 in all. Returns 0 or
 * ST_MALFORMED (with a reason in why, a static string).
 */
int hostport_parse(const char *s, int default_port, struct hostport *hp, const char **why);
/* True if s is a syntactically valid host name (LDH, '_' allowed, optional final dot). */
bool hostname_valid(const char *s, size_t n);

#endif
