/* CLI helpers shared by the commands that resolve names (dns, mx, trace). */
#ifndef MXTRACE_CLI_DNS_H
#define MXTRACE_CLI_DNS_H

#include "cli.h"
#include "dns_msg.h"
#include "dns_stub.h"

#define CLI_ROOT_HINTS "/usr/share/dns/root.hints"   /* Debian package dns-root-data */

/*
 * Fill a resolver configuration from the global options: --server ADDR[:PORT] (IP literals
 * only, repeatable) or else /etc/resolv.conf (nameserver, timeout, attempts, rotate);
 * --timeout, --retries (tries per server), --tcp; the trail and its clock from cli_setup().
 * With --iterative, the root hints come from `hints` (a command's --hints FILE; may be
 * NULL), else $MXTRACE_ROOT_HINTS, else CLI_ROOT_HINTS. `step` names the trail records.
 * With --socks5 every exchange goes over TCP through the proxy (the servers are still
 * --server or resolv.conf; a loopback one gets a warning: through the proxy it is the
 * proxy host's own). Refuses --offline (DNS needs packets) with a message.
 * Returns 0 or an exit code.
 */
int cli_dns_conf(const char *cmd, struct cli_opts *o, const char *step, const char *hints,
                 struct dns_stub_conf *conf);
/*
 * A name from the command line → wire form: UTF-8 names go through IDNA (xn--), ASCII
 * ones are read as presentation text (so \. and \DDD escapes work). Prints a usage error
 * and returns EXIT_USAGE if it is not a valid name, else 0.
 */
int cli_dns_name(const char *cmd, const char *arg, struct dns_name *out);

#endif
