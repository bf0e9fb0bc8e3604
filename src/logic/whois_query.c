/* WHOIS queries: classification and normalisation, per-server query lines from the table,
 * and the address classes a referral must not lead to. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "punycode.h"
#include "status.h"
#include "text.h"
#include "whois.h"

static bool has_control(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return true;
	return false;
}

static bool copy_out(const char *s, size_t n, char *out, size_t cap)
{
	if (n >= cap)
		return false;
	memcpy(out, s, n);
	out[n] = 0;
	return true;
}

int whois_query_kind(const char *q, char *norm, size_t cap)
{
	char tmp[WHOIS_QUERY_MAX];
	unsigned char bin[16];
	const char *slash;
	size_t n, i;
	struct buf b;
	uint64_t asn;

	if (!q)
		return -1;
	while (*q == ' ' || *q == '\t')
		q++;
	n = strlen(q);
	while (n && (q[n - 1] == ' ' || q[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= sizeof(tmp) || has_control(q, n))
		return -1;
	memcpy(tmp, q, n);
	tmp[n] = 0;
	if (inet_pton(AF_INET, tmp, bin) == 1)
		return copy_out(tmp, n, norm, cap) ? WQ_IPV4 : -1;
	if (inet_pton(AF_INET6, tmp, bin) == 1) {
		for (i = 0; i < n; i++)
			tmp[i] = (char)ascii_lower((unsigned char)tmp[i]);
		return copy_out(tmp, n, norm, cap) ? WQ_IPV6 : -1;
	}
	slash = strchr(tmp, '/');
	if (slash) {
		char addr[64];
		uint64_t len;
		size_t al = (size_t)(slash - tmp);
		bool v6;

		if (al == 0 || al >= sizeof(addr) || !parse_uint(slash + 1, strlen(slash + 1), 128,
		                                               &len))
			return -1;
		memcpy(addr, tmp, al);
		addr[al] = 0;
		v6 = inet_pton(AF_INET6, addr, bin) == 1;
		if (!v6 && (inet_pton(AF_INET, addr, bin) != 1 || len > 32))
			return -1;
		return copy_out(tmp, n, norm, cap) ? WQ_CIDR : -1;
	}
	if (n > 2 && ascii_nieq(tmp, "as", 2)) {
		const char *d = tmp + 2;

		while (*d == ' ')
			d++;
		if (parse_uint(d, strlen(d), 4294967295u, &asn)) {
			char as[16];
			int k = snprintf(as, sizeof(as), "AS%llu", (unsigned long long)asn);

			return k > 0 && copy_out(as, (size_t)k, norm, cap) ? WQ_ASN : -1;
		}
	}
	/* a domain name or TLD: ASCII form, lower case, no final dot */
	buf_init(&b, 1024);
	if (idna_to_ascii(tmp, n, &b) != ST_OK || b.len == 0) {
		/* not a host name: a handle or free text, sent as it is */
		buf_reset(&b);
		return copy_out(tmp, n, norm, cap) ? WQ_OTHER : -1;
	}
	if (!hostname_valid((const char *)b.data, b.len)) {
		buf_reset(&b);
		return copy_out(tmp, n, norm, cap) ? WQ_OTHER : -1;
	}
	i = memchr(b.data, '.', b.len) ? (size_t)WQ_DOMAIN : (size_t)WQ_TLD;
	if (!copy_out((const char *)b.data, b.len, norm, cap)) {
		buf_reset(&b);
		return -1;
	}
	buf_reset(&b);
	return (int)i;
}

/* Append n bytes to out at *o; false when it does not fit. */
static bool put(char *out, size_t cap, size_t *o, const char *s, size_t n)
{
	if (*o + n >= cap)
		return false;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = 0;
	return true;
}

int whois_query_line(const struct wtab *t, const char *server, enum whois_qkind kind,
                     const char *q, const char *tag, char *out, size_t cap)
{
	const struct wtab_server *s = server ? wtab_server(t, server) : NULL;
	const char *tmpl = "{q}", *p;
	size_t o = 0, ql = strlen(q);

	if (!cap)
		return ST_INVAL;
	out[0] = 0;
	if (has_control(q, ql) || (tag && has_control(tag, strlen(tag))))
		return ST_INVAL;
	if (s && (unsigned)kind < WQ__COUNT && s->tmpl[kind][0])
		tmpl = s->tmpl[kind];
	for (p = tmpl; *p;) {
		bool ok = true;

		if (strncmp(p, "{q}", 3) == 0) {
			ok = put(out, cap, &o, q, ql);
			p += 3;
		} else if (strncmp(p, "{n}", 3) == 0) {
			const char *d = q;

			if (ascii_nieq(d, "AS", 2))
				d += 2;
			ok = put(out, cap, &o, d, strlen(d));
			p += 3;
		} else if (strncmp(p, "{a}", 3) == 0) {
			const char *slash = strchr(q, '/');

			ok = put(out, cap, &o, q, slash ? (size_t)(slash - q) : ql);
			p += 3;
		} else if (strncmp(p, "{tld}", 5) == 0) {
			const char *dot = strrchr(q, '.');

			ok = put(out, cap, &o, dot ? dot + 1 : q, strlen(dot ? dot + 1 : q));
			p += 5;
		} else if (strncmp(p, "{tag}", 5) == 0) {
			const char *tg = tag ? tag : WHOIS_CLIENT_TAG;

			ok = put(out, cap, &o, tg, strlen(tg));
			p += 5;
		} else {
			ok = put(out, cap, &o, p, 1);
			p++;
		}
		if (!ok) {
			out[0] = 0;
			return ST_TOOBIG;
		}
	}
	return ST_OK;
}

bool whois_addr_private(int family, const uint8_t *a)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t zero[16];

	if (family == 6) {
		if (memcmp(a, mapped, 12) == 0)
			return whois_addr_private(4, a + 12);
		if (memcmp(a, zero, 15) == 0 && (a[15] == 0 || a[15] == 1))
			return true;                        /* :: and ::1 */
		if ((a[0] & 0xfe) == 0xfc)
			return true;                        /* fc00::/7 unique local */
		if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
			return true;                        /* fe80::/10 link-local */
		return a[0] == 0xff;                    /* ff00::/8 multicast */
	}
	return a[0] == 0 || a[0] == 10 || a[0] == 127 ||           /* this network, 10/8, loopback */
	       (a[0] == 172 && (a[1] & 0xf0) == 16) ||              /* 172.16/12 */
	       (a[0] == 192 && a[1] == 168) ||                      /* 192.168/16 */
	       (a[0] == 169 && a[1] == 254) ||                      /* link-local */
	       a[0] >= 224;                                         /* multicast, reserved */
}

bool whois_name_private(const char *host)
{
	size_t n = strlen(host), i, dot = 0;
	const char *last;
	bool digits = true;

	if (n && host[n - 1] == '.')
		n--;
	if (n == 0)
		return true;
	/* names every resolver maps to loopback: RFC 6761 §6.3, and Debian's /etc/hosts */
	if ((n == 9 && ascii_nieq(host, "localhost", 9)) ||
	    (n > 10 && ascii_nieq(host + n - 10, ".localhost", 10)) ||
	    (n == 13 && ascii_nieq(host, "ip6-localhost", 13)) ||
	    (n == 12 && ascii_nieq(host, "ip6-loopback", 12)))
		return true;
	for (i = 0; i < n; i++)
		if (host[i] == '.')
			dot = i + 1;
	last = host + dot;
	/* inet_aton(3) forms: 127.1, 2130706433, 0x7f.1: a last label a resolver reads as a
	 * number (no TLD is numeric, RFC 3696 §2) */
	if (n - dot >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
		for (i = dot + 2; i < n; i++)
			if (!((host[i] >= '0' && host[i] <= '9') || (host[i] >= 'a' && host[i] <= 'f') ||
			      (host[i] >= 'A' && host[i] <= 'F')))
				return false;
		return true;
	}
	for (i = dot; i < n; i++)
		digits = digits && host[i] >= '0' && host[i] <= '9';
	return digits;
}
