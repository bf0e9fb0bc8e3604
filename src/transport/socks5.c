/* SOCKS5 client messages and strict, incremental parsing of a proxy's replies. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "hostport.h"
#include "socks5.h"
#include "status.h"

/* ---- the user's setting ---- */

static int set_addr(const char *ip, int port, struct socks5_proxy *out)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&out->ss;

	memset(&out->ss, 0, sizeof(out->ss));
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		out->len = sizeof(*s4);
		return ST_OK;
	}
	memset(&out->ss, 0, sizeof(out->ss));
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		out->len = sizeof(*s6);
		return ST_OK;
	}
	return ST_MALFORMED;
}

int socks5_spec_parse(const char *spec, const char *pass_env, struct socks5_proxy *out,
                      const char **why)
{
	const char *at, *hostpart, *colon, *dummy;
	struct hostport hp;
	size_t ulen, plen;

	if (!why)
		why = &dummy;
	memset(out, 0, sizeof(*out));
	if (!spec || !*spec) {
		*why = "empty proxy setting";
		return ST_MALFORMED;
	}
	at = strrchr(spec, '@');
	hostpart = at ? at + 1 : spec;
	if (at) {
		colon = memchr(spec, ':', (size_t)(at - spec));
		ulen = colon ? (size_t)(colon - spec) : (size_t)(at - spec);
		if (ulen == 0 || ulen > SOCKS5_CRED_MAX) {
			*why = "the user name must be 1 to 255 bytes (RFC 1929)";
			return ST_MALFORMED;
		}
		memcpy(out->user, spec, ulen);
		if (colon) {
			plen = (size_t)(at - colon - 1);
			if (plen == 0 || plen > SOCKS5_CRED_MAX) {
				*why = "the password must be 1 to 255 bytes (RFC 1929)";
				goto fail;
			}
			memcpy(out->pass, colon + 1, plen);
		} else {
			plen = pass_env ? strlen(pass_env) : 0;
			if (plen == 0 || plen > SOCKS5_CRED_MAX) {
				*why = "USER@HOST without :PASS needs a password of 1 to 255 bytes in "
				       "MXTRACE_SOCKS5_PASSWORD";
				goto fail;
			}
			memcpy(out->pass, pass_env, plen);
		}
	}
	if (hostport_parse(hostpart, SOCKS5_DEFAULT_PORT, &hp, why) != ST_OK)
		goto fail;
	if (!hp.is_ip) {
		if (strcmp(hp.host, "localhost") != 0) {
			*why = "give the proxy as an IP address (or localhost): its name would need a "
			       "DNS query outside the proxy";
			goto fail;
		}
		snprintf(hp.host, sizeof(hp.host), "127.0.0.1");
	}
	if (set_addr(hp.host, hp.port, out) != ST_OK) {
		*why = "not an IP address";
		goto fail;
	}
	return ST_OK;
fail:
	memset(out, 0, sizeof(*out));     /* no copy of the password is left behind */
	return ST_MALFORMED;
}

void socks5_label(const struct socks5_proxy *p, char *out, size_t n)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (p->ss.ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)&p->ss;

		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		snprintf(out, n, "socks5 %s:%u", ip, ntohs(s4->sin_port));
	} else if (p->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&p->ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		snprintf(out, n, "socks5 [%s]:%u", ip, ntohs(s6->sin6_port));
	} else {
		snprintf(out, n, "socks5 ?");
	}
}

/* ---- client messages ---- */

static bool has_creds(const struct socks5_proxy *p)
{
	size_t ul = strnlen(p->user, sizeof(p->user)), pl = strnlen(p->pass, sizeof(p->pass));

	return ul > 0 && ul <= SOCKS5_CRED_MAX && pl > 0 && pl <= SOCKS5_CRED_MAX;
}

size_t socks5_greeting(const struct socks5_proxy *p, uint8_t *out)
{
	size_t n = 0;

	out[n++] = SOCKS5_VERSION;
	if (has_creds(p)) {
		out[n++] = 2;
		out[n++] = SOCKS5_METHOD_NONE;
		out[n++] = SOCKS5_METHOD_USERPASS;
	} else {
		out[n++] = 1;
		out[n++] = SOCKS5_METHOD_NONE;
	}
	return n;
}

size_t socks5_auth_request(const struct socks5_proxy *p, uint8_t *out)
{
	size_t ul, pl, n = 0;

	if (!has_creds(p))
		return 0;
	ul = strlen(p->user);
	pl = strlen(p->pass);
	out[n++] = SOCKS5_AUTH_VERSION;
	out[n++] = (uint8_t)ul;
	memcpy(out + n, p->user, ul);
	n += ul;
	out[n++] = (uint8_t)pl;
	memcpy(out + n, p->pass, pl);
	n += pl;
	return n;
}

size_t socks5_connect_request(const char *host, const struct sockaddr_storage *ss, int port,
                              uint8_t *out)
{
	size_t n = 0, hl;

	if (port < 1 || port > 65535)
		return 0;
	out[n++] = SOCKS5_VERSION;
	out[n++] = SOCKS5_CMD_CONNECT;
	out[n++] = 0;                       /* RSV */
	if (host) {
		hl = strlen(host);
		if (hl == 0 || hl > SOCKS5_NAME_MAX || !hostname_valid(host, hl))
			return 0;
		out[n++] = SOCKS5_ATYP_NAME;
		out[n++] = (uint8_t)hl;
		memcpy(out + n, host, hl);
		n += hl;
	} else if (ss && ss->ss_family == AF_INET) {
		out[n++] = SOCKS5_ATYP_IPV4;
		memcpy(out + n, &((const struct sockaddr_in *)ss)->sin_addr, 4);
		n += 4;
	} else if (ss && ss->ss_family == AF_INET6) {
		out[n++] = SOCKS5_ATYP_IPV6;
		memcpy(out + n, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
		n += 16;
	} else {
		return 0;
	}
	out[n++] = (uint8_t)(port >> 8);
	out[n++] = (uint8_t)port;
	return n;
}

/* ---- replies ---- */

static void reply_init(struct socks5_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->method = -1;
	r->rep = -1;
	r->atyp = -1;
	r->bnd_port = -1;
}

static enum socks5_parse more(struct socks5_reply *r, size_t need)
{
	r->need = need;
	return SOCKS5_MORE;
}

static enum socks5_parse fail(struct socks5_reply *r, size_t used, int st, const char *fmt,
                              ...) __attribute__((format(printf, 4, 5)));

static enum socks5_parse fail_s(struct socks5_reply *r, size_t used, int st, const char *msg)
{
	r->need = used;
	r->status = st;
	snprintf(r->why, sizeof(r->why), "%s", msg);
	return SOCKS5_FAIL;
}

static enum socks5_parse fail(struct socks5_reply *r, size_t used, int st, const char *fmt,
                              ...)
{
	va_list ap;

	r->need = used;
	r->status = st;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	return SOCKS5_FAIL;
}

enum socks5_parse socks5_method_reply(const uint8_t *p, size_t n, bool auth_offered,
                                      struct socks5_reply *r)
{
	reply_init(r);
	if (n >= 1 && p[0] != SOCKS5_VERSION)
		return fail(r, 1, ST_MALFORMED, "not a SOCKS5 proxy: version %u in its method reply",
		            p[0]);
	if (n < 2)
		return more(r, 2);
	r->need = 2;
	r->method = p[1];
	if (p[1] == SOCKS5_METHOD_REFUSED)
		return fail_s(r, 2, ST_REFUSED, auth_offered ?
		              "proxy refused: neither no-authentication nor username/password is "
		              "acceptable" :
		              "proxy refused: it wants authentication (give USER:PASS@ to --socks5)");
	if (p[1] == SOCKS5_METHOD_NONE || (auth_offered && p[1] == SOCKS5_METHOD_USERPASS))
		return SOCKS5_DONE;
	return fail(r, 2, ST_MALFORMED, "proxy chose authentication method 0x%02x, which was "
	            "not offered", p[1]);
}

enum socks5_parse socks5_auth_reply(const uint8_t *p, size_t n, struct socks5_reply *r)
{
	reply_init(r);
	if (n >= 1 && p[0] != SOCKS5_AUTH_VERSION)
		return fail(r, 1, ST_MALFORMED, "proxy broke RFC 1929: version %u in its "
		            "authentication reply", p[0]);
	if (n < 2)
		return more(r, 2);
	if (p[1] != 0)
		return fail(r, 2, ST_REFUSED, "proxy refused the user name or password (status "
		            "0x%02x)", p[1]);
	r->need = 2;
	return SOCKS5_DONE;
}

static const char *const rep_names[] = {
	"succeeded",
	"general SOCKS server failure",
	"connection not allowed by ruleset",
	"network unreachable",
	"host unreachable",
	"connection refused",
	"TTL expired",
	"command not supported",
	"address type not supported",
};

const char *socks5_rep_str(int rep)
{
	if (rep >= 0 && (size_t)rep < sizeof(rep_names) / sizeof(rep_names[0]))
		return rep_names[rep];
	return "unassigned reply code";
}

/* A non-zero REP: its meaning and the status callers act on (retry, refused, ...). */
static enum socks5_parse rep_fail(struct socks5_reply *r, unsigned rep)
{
	int st;

	switch (rep) {
	case 2:
	case 5: st = ST_REFUSED; break;
	case 6: st = ST_TIMEOUT; break;
	case 7:
	case 8: st = ST_UNSUPPORTED; break;
	default: st = ST_IO; break;
	}
	r->need = 2;
	r->status = st;
	if (rep == 2 || rep == 5)
		snprintf(r->why, sizeof(r->why), "proxy refused: %s", socks5_rep_str((int)rep));
	else if (rep <= 8)
		snprintf(r->why, sizeof(r->why), "proxy failed: %s", socks5_rep_str((int)rep));
	else
		snprintf(r->why, sizeof(r->why), "proxy failed: unassigned reply code 0x%02x", rep);
	return SOCKS5_FAIL;
}

enum socks5_parse socks5_connect_reply(const uint8_t *p, size_t n, struct socks5_reply *r)
{
	struct cursor c;
	size_t alen, total;
	uint8_t ver, rep, rsv, atyp;

	reply_init(r);
	cur_init(&c, p, n);
	if (n < 1)
		return more(r, 2);
	ver = cur_u8(&c);
	if (ver != SOCKS5_VERSION)
		return fail(r, 1, ST_MALFORMED, "not a SOCKS5 reply: version %u", ver);
	if (n < 2)
		return more(r, 2);
	rep = cur_u8(&c);
	r->rep = rep;
	if (rep != 0)
		return rep_fail(r, rep);          /* whatever follows (often nothing) is moot */
	if (n < 4)
		return more(r, 5);
	rsv = cur_u8(&c);
	if (rsv != 0)
		return fail(r, 3, ST_MALFORMED, "proxy reply: reserved byte 0x%02x is not zero", rsv);
	atyp = cur_u8(&c);
	r->atyp = atyp;
	switch (atyp) {
	case SOCKS5_ATYP_IPV4: alen = 4; break;
	case SOCKS5_ATYP_IPV6: alen = 16; break;
	case SOCKS5_ATYP_NAME:
		if (n < 5)
			return more(r, 5);
		alen = cur_u8(&c);
		if (alen == 0)
			return fail_s(r, 5, ST_MALFORMED, "proxy reply: empty bound host name");
		alen += 1;                        /* the length octet */
		break;
	default:
		return fail(r, 4, ST_MALFORMED, "proxy reply: bound address of unknown type 0x%02x",
		            atyp);
	}
	total = 4 + alen + 2;                 /* at most SOCKS5_REPLY_MAX */
	if (n < total)
		return more(r, total);
	cur_seek(&c, 4 + alen);
	r->bnd_port = cur_u16(&c);
	if (cur_err(&c) != ST_OK)             /* cannot happen after the length check */
		return fail_s(r, n, ST_MALFORMED, "proxy reply: cut short");
	r->need = total;
	return SOCKS5_DONE;
}
