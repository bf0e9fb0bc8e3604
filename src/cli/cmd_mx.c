/* `mxtrace mx`: each domain's MX set and addresses, looked up concurrently, with a verdict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "cli_dns.h"
#include "dns_stub.h"
#include "json.h"
#include "log.h"
#include "loop.h"
#include "mx.h"
#include "status.h"
#include "text.h"

enum { OPT_HINTS = OPT__FIRST_LOCAL };

static const struct option local_opts[] = {
	{ "hints", required_argument, NULL, OPT_HINTS },
	{ NULL, 0, NULL, 0 },
};

static int local_opt(int opt, const char *arg, void *ctx)
{
	if (opt != OPT_HINTS)
		return -1;
	*(const char **)ctx = arg;
	return 0;
}

struct slot {
	struct mx_result *r;
	bool done;
};

static void on_done(struct mx_result *r, void *arg)
{
	struct slot *s = arg;

	s->r = r;
	s->done = true;
}

static int exit_for(enum mx_status s)
{
	switch (s) {
	case MX_FOUND:
	case MX_IMPLICIT:
		return EXIT_FOUND;
	case MX_TEMPFAIL:
		return EXIT_TEMPFAIL;
	default:
		return EXIT_NOTHING;
	}
}

/* "via 192.0.2.53:53/udp" or the failure detail of one lookup. */
static void source_text(struct buf *b, const char *what, const struct mx_source *s)
{
	buf_printf(b, "  ; %s: %s", what, dns_outcome_str(s->outcome));
	if (s->server[0] && dns_outcome_definitive(s->outcome))
		buf_printf(b, " from %s/%s", s->server, s->proto);
	if (s->cached)
		buf_adds(b, " (cached)");
	if (s->detail[0]) {
		buf_adds(b, ": ");
		text_sanitize(b, s->detail, strlen(s->detail), false);
	}
	buf_addc(b, '\n');
}

static void host_text(struct buf *b, const struct mx_host *h, bool verbose)
{
	size_t k;

	if (h->implicit)
		buf_printf(b, "  implicit MX 0 %s\n", h->name);
	else
		buf_printf(b, "  MX %u %s\n", h->pref, h->name);
	for (k = 0; k < h->naddrs; k++)
		buf_printf(b, "      %-5s %s\n", h->addrs[k].family == AF_INET ? "A" : "AAAA",
		           h->addrs[k].text);
	if (h->cname) {
		const char *canon = h->a.cname_hops ? h->a.canon : h->aaaa.canon;

		buf_printf(b, "      ! the exchange is an alias of %s (CNAME; RFC 2181 10.3 forbids "
		           "it)\n", canon);
	}
	if (h->ip_literal)
		buf_adds(b, "      ! the exchange is written as an IP address, not a host name\n");
	if (h->bad_hostname)
		buf_adds(b, "      ! the exchange is not a valid host name\n");
	if (h->tempfail)
		buf_adds(b, "      ! temporary failure looking up its addresses: retry later\n");
	else if (h->nxdomain)
		buf_adds(b, "      ! dead: the exchange name does not exist (NXDOMAIN)\n");
	else if (h->dead)
		buf_adds(b, "      ! dead: no A or AAAA records\n");
	if (verbose || h->tempfail) {
		source_text(b, "A", &h->a);
		source_text(b, "AAAA", &h->aaaa);
	}
}

static void result_text(struct buf *b, const struct mx_result *r, bool verbose)
{
	size_t i;

	buf_printf(b, "%s %s: %s\n", r->domain, mx_status_str(r->status),
	           mx_status_text(r->status));
	if (r->mx.cname_hops)
		buf_printf(b, "  ; the domain is an alias of %s\n", r->mx.canon);
	if (verbose || mx_status_temporary(r->status))
		source_text(b, "MX", &r->mx);
	if (r->null_mx_mixed)
		buf_adds(b, "  ! a null MX (\"0 .\") is listed next to other MX records, which RFC "
		            "7505 forbids; it is ignored\n");
	for (i = 0; i < r->nhosts; i++)
		host_text(b, &r->hosts[i], verbose);
	if (r->hosts_dropped)
		buf_printf(b, "  ! %zu more exchanges were not looked up (limit %d)\n",
		           r->hosts_dropped, MX_MAX_HOSTS);
}

/* The domain part of an address, or the operand itself. */
static const char *domain_of(const char *arg)
{
	const char *at = strrchr(arg, '@');

	return at ? at + 1 : arg;
}

int cmd_mx(int argc, char **argv)
{
	struct cli_opts o;
	struct dns_stub_conf conf;
	struct dns_stub *stub = NULL;
	struct loop *loop = NULL;
	struct slot *slots = NULL;
	struct buf out;
	const char *hints = NULL;
	int first, rc, i, n, worst = EXIT_FOUND, trc;

	rc = cli_parse(argc, argv, local_opts, "", local_opt, (void *)&hints, &o, &first);
	if (rc)
		return rc;
	if (o.help) {
		cli_usage(stdout, "mx");
		printf("\nOptions of mx:\n  --hints FILE      root hints for --iterative (default "
		       "$MXTRACE_ROOT_HINTS or " CLI_ROOT_HINTS ")\n");
		printf("\nDOMAIN may also be an address (the part after '@' is used). Exit: 0 mail "
		       "service found for every domain, 1 some domain has none (NXDOMAIN, null MX, "
		       "no MX and no address, all exchanges dead), 75 temporary failure.\n");
		return EXIT_FOUND;
	}
	n = argc - first;
	if (n < 1)
		return cli_usage_error("mx", "give at least one DOMAIN");
	rc = cli_setup(&o);
	if (rc)
		return rc;
	buf_init(&out, 1u << 26);
	rc = cli_dns_conf("mx", &o, "mx", hints, &conf);
	if (rc)
		goto out;
	conf.cache = true;           /* shared exchanges are asked once */
	rc = EXIT_SOFTWARE;
	slots = calloc((size_t)n, sizeof(*slots));
	if (!slots || loop_new(&clock_system, &loop) != ST_OK ||
	    dns_stub_new(loop, &conf, &stub) != ST_OK)
		goto out;
	for (i = 0; i < n; i++) {
		const char *arg = argv[first + i];
		struct dns_name name;
		char text[DNS_MAX_NAME_TEXT];

		rc = cli_dns_name("mx", domain_of(arg), &name);
		if (rc)
			goto out;
		dns_name_str(&name, text);
		if (mx_start(stub, text, NULL, on_done, &slots[i], NULL) != ST_OK) {
			rc = EXIT_SOFTWARE;
			goto out;
		}
	}
	rc = EXIT_SOFTWARE;
	if (loop_run(loop) != ST_OK)
		goto out;
	for (i = 0; i < n; i++) {
		int e;

		if (!slots[i].done)
			goto out;
		if (o.json) {
			struct json j;

			json_init(&j, &out, false);
			mx_result_to_json(slots[i].r, &j);
			if (json_finish(&j) != ST_OK)
				goto out;
			buf_addc(&out, '\n');
		} else {
			if (i > 0)
				buf_addc(&out, '\n');
			result_text(&out, slots[i].r, o.verbose > 0);
		}
		e = exit_for(slots[i].r->status);
		if (e == EXIT_TEMPFAIL || (e == EXIT_NOTHING && worst == EXIT_FOUND))
			worst = e;
	}
	if (out.err)
		goto out;
	fputs(buf_str(&out), stdout);
	rc = worst;
out:
	if (slots)
		for (i = 0; i < n; i++)
			mx_result_free(slots[i].r);
	free(slots);
	dns_stub_free(stub);
	loop_free(loop);
	buf_reset(&out);
	trc = cli_teardown(&o);
	return (rc == EXIT_FOUND || rc == EXIT_NOTHING) && trc ? trc : rc;
}
