/* resolv.conf and root-hints readers for the stub and iterative resolvers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dns_stub.h"
#include "span.h"
#include "status.h"
#include "text.h"

#define RESOLVCONF_MAX_LINE 1024
#define RESOLVCONF_MAX_FILE (64u * 1024u)

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Next blank-separated token of *rest, or false at the end. */
static bool next_token(struct span *rest, struct span *tok)
{
	while (rest->n && is_blank(rest->p[0])) {
		rest->p++;
		rest->n--;
	}
	if (rest->n == 0)
		return false;
	tok->p = rest->p;
	tok->n = 0;
	while (tok->n < rest->n && !is_blank(rest->p[tok->n]))
		tok->n++;
	rest->p += tok->n;
	rest->n -= tok->n;
	return true;
}

static void ignored(struct dns_resolvconf *rc, unsigned long line)
{
	if (rc->ignored++ == 0)
		rc->first_ignored_line = line;
}

static void nameserver(struct dns_resolvconf *rc, struct span arg, unsigned long line)
{
	char ip[64];

	/* Literal addresses only; a %scope or anything else is not for us. */
	if (!span_copy(arg, ip, sizeof(ip)) || rc->nservers >= DNS_STUB_MAX_SERVERS ||
	    net_addr_from_ip(ip, 53, &rc->servers[rc->nservers]) != ST_OK) {
		ignored(rc, line);
		return;
	}
	rc->nservers++;
}

static void option(struct dns_resolvconf *rc, struct span tok, unsigned long line)
{
	struct span key, val;
	uint64_t v;

	if (span_eq(tok, "rotate")) {
		rc->rotate = true;
		return;
	}
	if (!span_split(tok, ':', &key, &val))
		return;                 /* ndots etc. without a value we use: not an error */
	if (span_eq(key, "timeout")) {
		if (span_uint(val, 30, &v) && v > 0)
			rc->timeout_s = (unsigned)v;
		else
			ignored(rc, line);
	} else if (span_eq(key, "attempts")) {
		if (span_uint(val, 5, &v) && v > 0)
			rc->attempts = (unsigned)v;
		else
			ignored(rc, line);
	}
}

void dns_resolvconf_parse(const void *text, size_t n, struct dns_resolvconf *out)
{
	struct line_reader lr;
	struct span line, rest, kw, tok;

	memset(out, 0, sizeof(*out));
	lr_init(&lr, text, n, RESOLVCONF_MAX_LINE);
	while (lr_next(&lr, &line)) {
		if (lr.cut || memchr(line.p, '\0', line.n)) {
			ignored(out, lr.lineno);     /* overlong or NUL-poisoned: trust none of it */
			continue;
		}
		rest = line;
		if (!next_token(&rest, &kw) || kw.p[0] == '#' || kw.p[0] == ';')
			continue;
		if (span_eq(kw, "nameserver")) {
			if (next_token(&rest, &tok))
				nameserver(out, tok, lr.lineno);
			else
				ignored(out, lr.lineno);
		} else if (span_eq(kw, "options")) {
			while (next_token(&rest, &tok))
				option(out, tok, lr.lineno);
		} else if (!span_eq(kw, "search") && !span_eq(kw, "domain") &&
		           !span_eq(kw, "sortlist")) {
			ignored(out, lr.lineno);
		}
	}
}

int dns_resolvconf_load(const char *path, struct dns_resolvconf *out)
{
	FILE *f = fopen(path, "rb");
	char *data;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!f)
		return ST_IO;
	data = malloc(RESOLVCONF_MAX_FILE);
	if (!data) {
		fclose(f);
		return ST_NOMEM;
	}
	n = fread(data, 1, RESOLVCONF_MAX_FILE, f);
	if (ferror(f)) {
		fclose(f);
		free(data);
		return ST_IO;
	}
	fclose(f);
	dns_resolvconf_parse(data, n, out);
	free(data);
	return ST_OK;
}

size_t dns_hints_parse(const void *text, size_t n, struct net_addr *out, size_t cap)
{
	struct line_reader lr;
	struct span line, rest, tok[5];
	size_t found = 0;

	lr_init(&lr, text, n, RESOLVCONF_MAX_LINE);
	while (lr_next(&lr, &line) && found < cap) {
		char ip[64];
		int k = 0, t;

		if (lr.cut || memchr(line.p, '\0', line.n))
			continue;
		rest = line;
		while (k < 5 && next_token(&rest, &tok[k]))
			k++;
		if (k < 3 || tok[0].p[0] == ';' || tok[0].p[0] == '#')
			continue;
		/* NAME [TTL] [IN] TYPE ADDRESS: the type is the second-to-last token. */
		for (t = 1; t < k - 1; t++) {
			if ((span_ieq(tok[t], "A") || span_ieq(tok[t], "AAAA")) &&
			    span_copy(tok[t + 1], ip, sizeof(ip)) &&
			    net_addr_from_ip(ip, 53, &out[found]) == ST_OK) {
				found++;
				break;
			}
		}
	}
	return found;
}

int dns_hints_load(const char *path, struct net_addr *out, size_t cap, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *data;
	size_t len;

	*n = 0;
	if (!f)
		return ST_IO;
	data = malloc(RESOLVCONF_MAX_FILE);
	if (!data) {
		fclose(f);
		return ST_NOMEM;
	}
	len = fread(data, 1, RESOLVCONF_MAX_FILE, f);
	fclose(f);
	*n = dns_hints_parse(data, len, out, cap);
	free(data);
	return *n ? ST_OK : ST_NOTFOUND;
}
