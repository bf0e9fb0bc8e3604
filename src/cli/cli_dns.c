/* Resolver settings and name parsing for the commands that send DNS queries. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli_dns.h"
#include "hostport.h"
#include "log.h"
#include "punycode.h"
#include "status.h"

#define CLI_RESOLV_CONF "/etc/resolv.conf"

/* Root hints for --iterative. Returns 0 or an exit code. */
static int load_hints(const char *cmd, const char *hints, struct dns_stub_conf *conf)
{
	const char *path = hints;
	int st;

	if (!path || !*path)
		path = getenv("MXTRACE_ROOT_HINTS");
	if (!path || !*path)
		path = CLI_ROOT_HINTS;
	st = dns_hints_load(path, conf->hints, DNS_HINTS_MAX, &conf->nhints);
	if (st == ST_IO) {
		log_msg(LOG_ERROR, "%s: --iterative needs root hints: cannot read %s (give --hints "
		        "FILE or set MXTRACE_ROOT_HINTS)", cmd, path);
		return EXIT_NOINPUT;
	}
	if (st != ST_OK) {
		log_msg(LOG_ERROR, "%s: no A or AAAA record in the root hints %s", cmd, path);
		return EXIT_DATAERR;
	}
	conf->iterative = true;
	return 0;
}

/* A loopback DNS server through a proxy is the proxy host's loopback, not ours. */
static void warn_loopback(const char *cmd, const struct dns_stub_conf *conf)
{
	size_t i;

	for (i = 0; i < conf->nservers; i++) {
		const struct sockaddr *sa = (const struct sockaddr *)&conf->servers[i].ss;
		char ip[NET_ADDR_STRLEN];
		bool lo;

		if (sa->sa_family == AF_INET)
			lo = ((const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr)[0] == 127;
		else
			lo = IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
		if (!lo)
			continue;
		net_addr_ip(&conf->servers[i], ip, sizeof(ip));
		log_msg(LOG_WARN, "%s: DNS server %s is a loopback address: through --socks5 it is "
		        "the proxy host's own loopback", cmd, ip);
	}
}

int cli_dns_conf(const char *cmd, struct cli_opts *o, const char *step, const char *hints,
                 struct dns_stub_conf *conf)
{
	struct dns_resolvconf rc;
	int i;

	memset(conf, 0, sizeof(*conf));
	if (o->offline) {
		log_msg(LOG_ERROR, "%s: --offline sends no packet, and DNS lookups need some", cmd);
		return EXIT_UNAVAILABLE;
	}
	if (o->iterative && o->nservers > 0)
		return cli_usage_error(cmd, "--iterative asks the authoritative servers itself; "
		                       "it takes no --server");
	memset(&rc, 0, sizeof(rc));
	if (o->iterative) {
		int r = load_hints(cmd, hints, conf);

		if (r)
			return r;
		conf->cache = true;        /* name-server addresses are shared by the lookups */
	} else if (o->nservers > 0) {
		for (i = 0; i < o->nservers; i++) {
			struct hostport hp;
			const char *why = "";

			if (hostport_parse(o->servers[i], 53, &hp, &why) != ST_OK)
				return cli_usage_error(cmd, "--server %s: %s", o->servers[i], why);
			if (!hp.is_ip)
				return cli_usage_error(cmd, "--server %s: give an IP address (names "
				                       "would need a resolver first)", o->servers[i]);
			if (net_addr_from_ip(hp.host, hp.port, &conf->servers[conf->nservers]) !=
			    ST_OK)
				return cli_usage_error(cmd, "--server %s: not an address",
				                       o->servers[i]);
			conf->nservers++;
		}
	} else {
		if (dns_resolvconf_load(CLI_RESOLV_CONF, &rc) != ST_OK || rc.nservers == 0) {
			log_msg(LOG_ERROR, "%s: no DNS server in %s; give one with --server ADDR",
			        cmd, CLI_RESOLV_CONF);
			return EXIT_UNAVAILABLE;
		}
		if (rc.ignored)
			log_msg(LOG_WARN, "%s: %u line(s) or value(s) not understood, first on line "
			        "%lu", CLI_RESOLV_CONF, rc.ignored, rc.first_ignored_line);
		memcpy(conf->servers, rc.servers, sizeof(conf->servers));
		conf->nservers = rc.nservers;
		conf->rotate = rc.rotate;
		conf->timeout_ms = rc.timeout_s * 1000u;
		conf->attempts = rc.attempts;
	}
	if (o->timeout_ms > 0)
		conf->timeout_ms = (unsigned)o->timeout_ms;
	if (o->retries >= 0)
		conf->attempts = o->retries > 0 ? (unsigned)o->retries : 1;
	conf->tcp_only = o->tcp;
	if (o->socks5) {
		conf->socks5 = &o->proxy;            /* copied by dns_stub_new */
		conf->tcp_only = true;
		warn_loopback(cmd, conf);
	}
	conf->trail = &o->trail;
	conf->rec_clock = &o->clock;
	conf->step = step;
	return 0;
}

int cli_dns_name(const char *cmd, const char *arg, struct dns_name *out)
{
	const char *why = "not a valid name";
	struct buf b;
	size_t i, n = strlen(arg);
	bool ascii = true;
	int st;

	for (i = 0; i < n; i++)
		ascii = ascii && (unsigned char)arg[i] < 0x80;
	if (ascii) {
		st = dns_name_from_text(arg, n, out, &why);
	} else {
		buf_init(&b, 4096);
		st = idna_to_ascii(arg, n, &b);
		if (st == ST_OK)
			st = dns_name_from_text((const char *)b.data, b.len, out, &why);
		else
			why = "not a valid internationalised name";
		buf_reset(&b);
	}
	if (st != ST_OK)
		return cli_usage_error(cmd, "'%s': %s", arg, why);
	return 0;
}
