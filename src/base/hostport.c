/* HOST[:PORT] parsing with strict validation, for --server options and WHOIS referrals. */
#include <arpa/inet.h>
#include <string.h>

#include "hostport.h"
#include "status.h"
#include "text.h"

bool hostname_valid(const char *s, size_t n)
{
	size_t i, label = 0;

	if (n && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
		if (c == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return s[n - 1] != '-';
}

static int set_port(const char *p, struct hostport *hp, const char **why)
{
	uint64_t v;

	if (!parse_uint(p, strlen(p), 65535, &v) || v == 0) {
		*why = "port must be a number from 1 to 65535";
		return ST_MALFORMED;
	}
	hp->port = (int)v;
	return ST_OK;
}

int hostport_parse(const char *s, int default_port, struct hostport *hp, const char **why)
{
	const char *colon, *end;
	unsigned char tmp[16];
	size_t hl;
	const char *dummy;

	if (!why)
		why = &dummy;
	memset(hp, 0, sizeof(*hp));
	hp->port = default_port;
	if (!s || !*s) {
		*why = "empty host";
		return ST_MALFORMED;
	}
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end) {
			*why = "missing ']'";
			return ST_MALFORMED;
		}
		hl = (size_t)(end - s - 1);
		if (hl >= sizeof(hp->host)) {
			*why = "address too long";
			return ST_MALFORMED;
		}
		memcpy(hp->host, s + 1, hl);
		hp->host[hl] = 0;
		if (inet_pton(AF_INET6, hp->host, tmp) != 1) {
			*why = "not an IPv6 address inside [ ]";
			return ST_MALFORMED;
		}
		hp->is_ip = hp->is_v6 = true;
		if (end[1] == 0)
			return ST_OK;
		if (end[1] != ':') {
			*why = "junk after ']'";
			return ST_MALFORMED;
		}
		return set_port(end + 2, hp, why);
	}
	colon = strchr(s, ':');
	if (colon && strchr(colon + 1, ':')) {
		/* two or more colons: a bare IPv6 address, no port */
		if (strlen(s) >= sizeof(hp->host) || inet_pton(AF_INET6, s, tmp) != 1) {
			*why = "not an IPv6 address (use [ADDR]:PORT for a port)";
			return ST_MALFORMED;
		}
		strcpy(hp->host, s);
		hp->is_ip = hp->is_v6 = true;
		return ST_OK;
	}
	hl = colon ? (size_t)(colon - s) : strlen(s);
	if (hl == 0 || hl >= sizeof(hp->host)) {
		*why = hl ? "host name too long" : "empty host";
		return ST_MALFORMED;
	}
	memcpy(hp->host, s, hl);
	hp->host[hl] = 0;
	if (inet_pton(AF_INET, hp->host, tmp) == 1) {
		hp->is_ip = true;
	} else if (!hostname_valid(hp->host, hl)) {
		*why = "not a valid host name or address";
		return ST_MALFORMED;
	}
	return colon ? set_port(colon + 1, hp, why) : ST_OK;
}
