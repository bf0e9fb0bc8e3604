/* The main job: from messages, addresses or domains to MX hosts, networks, registrars, verdicts. */
#ifndef MXTRACE_TRACE_H
#define MXTRACE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addrs.h"
#include "buf.h"
#include "clock.h"
#include "dns_stub.h"
#include "json.h"
#include "loop.h"
#include "mbox.h"
#include "report.h"
#include "snap.h"
#include "whois.h"

#define TRACE_MAX_PER_MESSAGE 3     /* reply addresses traced per message */
#define TRACE_SCORE_WINDOW 25       /* ... those within this many points of the best one */
#define TRACE_MAX_ITEMS 1000000     /* inputs per run */

/*
 * A trace is a graph of jobs on the event loop. Adding an input starts its lookups at once;
 * every lookup starts the moment its inputs exist (the MX job, then each address's IP WHOIS
 * and each exchange's domain WHOIS, all concurrently). Everything is shared across the
 * inputs of a run: each reply domain, exchange, address and registered domain is looked up
 * once (the WHOIS engine also answers an address inside an already-known netblock from its
 * cache). trace_run() drives the loop until every job has ended.
 *
 * The resolver and WHOIS engine are borrowed; either may be NULL: without a resolver the
 * trace says what the snapshots alone know (--offline), without a WHOIS engine it stops
 * after DNS and says which facts are missing and why.
 */
struct trace_conf {
	struct loop *loop;
	struct dns_stub *dns;           /* NULL: offline, no DNS */
	struct whois_engine *whois;     /* NULL: no WHOIS (offline or port 43 unusable) */
	struct snap *snap;              /* required: registered domains, IP registries */
	const struct clock *clock;      /* wall time of the lookups (NULL: system clock) */
	unsigned max_per_message;       /* 0: TRACE_MAX_PER_MESSAGE */
	const char *no_whois_why;       /* why whois is NULL, for the "missing" notes */
	/* Called from trace_run() at most every TRACE_PROGRESS_MS with the number of lookups
	 * in flight and ended (a batch's progress line); may be NULL. */
	void (*progress)(void *arg, unsigned long pending, unsigned long done);
	void *progress_arg;
};

#define TRACE_PROGRESS_MS 250

/* What the procedure concludes for one reply address. */
enum trace_verdict {
	TV_RECIPIENTS = 0,  /* report to the listed network holders and registrars */
	TV_PROVIDER,        /* free-mail or hosted mailbox: report to the provider's desk */
	TV_OFFLINE,         /* NXDOMAIN, null MX, no mail service: the operation is offline */
	TV_DEAD,            /* no exchange has an address: the mail system is dead */
	TV_TEMPFAIL,        /* DNS (or every WHOIS lookup) failed: retry later */
	TV_NO_CONTACT,      /* mail works, but no abuse contact could be found */
	TV_SNAPSHOT_ONLY,   /* --offline: what the snapshots say, nothing looked up */
	TV_NO_CANDIDATE,    /* the message names no reply address */
	TV_BAD_INPUT        /* the input could not be read or is not an address or domain */
};
const char *trace_verdict_name(enum trace_verdict v);   /* "recipients", "offline", ... */

struct trace;

int trace_new(const struct trace_conf *conf, struct trace **out);
void trace_free(struct trace *t);

/*
 * Add one message: its raw bytes are copied (for report drafts) and `ar`, the analysis of
 * the message, is taken over (freed by the trace). `source` names the input file.
 */
int trace_add_message(struct trace *t, const char *source, const struct mbox_msg *m,
                      struct addrs_result *ar);
/* Add a bare address (local@domain) or domain given on the command line. */
int trace_add_target(struct trace *t, const char *arg);
/* Run the loop until every job has ended. ST_OK or the loop's error. */
int trace_run(struct trace *t);

size_t trace_item_count(const struct trace *t);
/* Readable summary of input i (colour escapes when color). */
int trace_item_text(const struct trace *t, size_t i, bool color, struct buf *out);
/* Input i as one JSON object (docs/JSON.md). */
void trace_item_json(const struct trace *t, size_t i, struct json *j);
/* The exit code the procedure gives for input i, and for the whole run. */
int trace_item_exit(const struct trace *t, size_t i);
int trace_exit(const struct trace *t);

/* Counters for the end of a batch (and for the trail's consumers). */
struct trace_stats {
	unsigned long items, cases, domains, hosts, addresses, regdomains;
	unsigned long ip_lookups, ip_netblock_hits, domain_lookups;
};
void trace_stats(const struct trace *t, struct trace_stats *out);

/* Report drafts for the whole run: one per recipient, deduplicated across MX hosts and
 * messages (see report_set_*). Valid until trace_free(); empty before trace_run() ends. */
const struct report_set *trace_reports(const struct trace *t);

#endif
