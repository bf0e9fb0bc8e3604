/* Fuzz target: referral values are untrusted; every accepted target is a valid host name or
 * address with a port in range, and extraction from any answer stays within bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostport.h"
#include "status.h"
#include "whois_parse.h"
#include "whois_tab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const servers[] = {
	"whois.iana.org", "whois.arin.net", "whois.apnic.net", "whois.lacnic.net",
	"whois.afrinic.net", "whois.verisign-grs.com", "rwhois.example.net", NULL,
};

static void check_ref(const struct whois_ref *r)
{
	struct hostport hp;
	char hostport[HOSTPORT_MAX_HOST + 16];

	if (r->reject[0] || !r->host[0])
		return;
	if (r->port < 1 || r->port > 65535)
		abort();
	/* an accepted host must parse again as a host (or address) */
	if (strchr(r->host, ':'))
		snprintf(hostport, sizeof(hostport), "[%s]", r->host);
	else
		snprintf(hostport, sizeof(hostport), "%s", r->host);
	if (hostport_parse(hostport, 43, &hp, NULL) != ST_OK)
		abort();
	if (!hp.is_ip && !strchr(r->host, '.'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Loaded once per process: the harness is not library code. */
	static struct wtab *tab;
	struct whois_ref r, refs[WHOIS_MAX_REFS];
	size_t n, i;

	if (!tab && wtab_load(&tab, NULL, NULL, 0) != ST_OK)
		abort();
	if (size == 0)
		return 0;
	memset(&r, 0, sizeof(r));
	whois_ref_target((const char *)data + 1, size - 1, data[0] & 1 ? 4321 : 43, data[0] & 2, &r);
	check_ref(&r);
	if (whois_refer_extract(tab, servers[data[0] % (sizeof(servers) / sizeof(servers[0]))],
	                        WFMT_UNKNOWN, data + 1, size - 1, refs, WHOIS_MAX_REFS,
	                        &n) == ST_OK) {
		if (n > WHOIS_MAX_REFS)
			abort();
		for (i = 0; i < n; i++)
			check_ref(&refs[i]);
	}
	return 0;
}
