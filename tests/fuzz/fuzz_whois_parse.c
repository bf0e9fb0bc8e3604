/* Fuzz target: the WHOIS answer parser never crashes, never offers a refused contact, and
 * keeps every value and the JSON output clean UTF-8 without control characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "status.h"
#include "text.h"
#include "whois_doc.h"
#include "whois_parse.h"
#include "whois_tab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first byte picks the answering server (its charset and layout hint). */
static const char *const servers[] = {
	NULL, "whois.iana.org", "whois.arin.net", "whois.ripe.net", "whois.apnic.net",
	"whois.lacnic.net", "whois.verisign-grs.com", "rwhois.example.net", "whois.kg",
	"whois.nic.ad.jp", "whois.nic.uk",
};

static bool clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return false;
	return utf8_valid(s, strlen(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Loaded once per process: the harness is not library code. */
	static struct wtab *tab;
	struct whois_answer *a;
	struct buf b;
	struct json j;
	const char *srv;
	size_t i;

	if (!tab && wtab_load(&tab, NULL, NULL, 0) != ST_OK)
		abort();
	if (size == 0)
		return 0;
	srv = servers[data[0] % (sizeof(servers) / sizeof(servers[0]))];
	a = whois_answer_new();
	if (!a)
		return 0;
	if (whois_parse(tab, srv, WFMT_UNKNOWN, data + 1, size - 1, a) != ST_OK)
		goto out;
	if (!clean(a->registrar.v) || !clean(a->domain.v) || !clean(a->range.v) ||
	    !clean(a->org.v) || !clean(a->state_line.v))
		abort();
	for (i = 0; i < a->ncontacts; i++) {
		const struct whois_contact *c = &a->contacts[i];

		if (!clean(c->email.v) || !clean(c->phone.v))
			abort();
		if (c->cls == WCC_OK && !c->not_email) {
			enum whois_cclass k = wtab_classify(tab, c->email.v, NULL);

			if (!wdoc_is_email(span_of(c->email.v)) || k == WCC_PLACEHOLDER ||
			    k == WCC_REDACTED || k == WCC_NIR || (k == WCC_RIR && a->transferred))
				abort();
		}
	}
	for (i = 0; i < a->nrefs; i++) {
		const struct whois_ref *r = &a->refs[i];

		if (!clean(r->raw))
			abort();
		if (!r->reject[0] && r->host[0] &&
		    (!hostname_valid(r->host, strlen(r->host)) || r->port < 1 || r->port > 65535))
			abort();
	}
	buf_init(&b, 0);
	json_init(&j, &b, false);
	whois_answer_json(a, &j);
	if (json_finish(&j) != ST_OK || !utf8_valid(b.data, b.len))
		abort();
	buf_reset(&b);
out:
	whois_answer_free(a);
	return 0;
}
