/* Private state of a trace, shared by the job graph (trace.c) and its outputs (trace_out.c). */
#ifndef MXTRACE_TRACE_PRIV_H
#define MXTRACE_TRACE_PRIV_H

#include "mx.h"
#include "report.h"
#include "trace.h"

struct trace;

/* String-keyed map; keys are borrowed from the values. */
struct tmap {
	const char **keys;
	void **vals;
	size_t n, cap;
};

/* A registered domain and its domain WHOIS (registrar). */
struct treg {
	struct trace *t;
	char name[SNAP_DOMAIN_MAX];
	struct snap_domain sd;
	struct whois_job *job;
	struct whois_result *w;
	bool asked, done, skipped;
	char skip_why[160];
};

/* An address of an MX host and its IP WHOIS (network holder). */
struct tip {
	struct trace *t;
	char text[MX_ADDR_STRLEN];
	int family;
	uint8_t addr[16];
	bool has_snap;
	struct snap_ip_result snap;
	struct whois_job *job;
	struct whois_result *w;
	bool asked, done, skipped;
	char skip_why[192];
};

/* One exchange of a reply domain (parallel to mx_result.hosts). */
struct thost {
	char name[SNAP_DOMAIN_MAX];                 /* the exchange, without the final dot */
	const struct freemail_provider *provider;   /* run by a large provider */
	struct treg *reg;
	struct tip **ips;
	size_t nips;
};

/* A reply domain. */
struct tdom {
	struct trace *t;
	char name[SNAP_DOMAIN_MAX];
	int64_t started_ms;
	const struct freemail_provider *freemail;
	struct treg *reg;                /* the reply domain's own registrar */
	struct mx_job *job;
	struct mx_result *mx;
	struct thost *hosts;
	size_t nhosts;
	bool bad, nomem;
	/* report model, built by trace_finish() */
	struct report_host *rhosts;
	struct report_ip *rips;
};

enum titem_kind { TI_MESSAGE, TI_ADDRESS, TI_DOMAIN };

struct titem;

/* One reply address of one input, and what the procedure concludes for it. */
struct tcase {
	char addr[320];                  /* for display (Unicode domain) */
	char addr_ascii[320];            /* for lookups and reports */
	char role[24];
	int score;                       /* -1 for command-line targets */
	const struct addrs_candidate *cand;
	struct titem *item;
	struct tdom *dom;
	enum trace_verdict verdict;
	bool temporary;                  /* missing facts are temporary: exit 75 */
	char missing[8][320];            /* facts that could not be found, and why */
	size_t nmissing;
	size_t report_index;             /* index into the run's report cases */
};

struct titem {
	enum titem_kind kind;
	char *source;
	unsigned long index;             /* message number within its input */
	struct addrs_result *ar;         /* owned */
	uint8_t *raw;                    /* the message as received (owned) */
	size_t raw_len;
	bool bad;
	char bad_why[128];
	struct tcase cases[TRACE_MAX_PER_MESSAGE + 1];
	size_t ncases;
};

/* A deduplicated report recipient. */
struct trcpt {
	struct report_recipient r;       /* r.cases points at cases below */
	char key[256];
	char to[REPORT_MAX_TO][256];
	char party[256];
	char why[512];
	char form[256];
	size_t *cases;                   /* indexes into t->rcases */
	size_t ncases, capcases;
};

struct trace {
	struct trace_conf conf;
	const struct clock *clock;
	int64_t started_ms;
	unsigned long pending;           /* jobs started and not ended */
	unsigned long ended;             /* jobs ended */
	struct titem **items;
	size_t nitems, capitems;
	unsigned long ncases;
	struct tmap doms, ips, regs;
	struct tdom **domlist;
	size_t ndoms, capdoms;
	struct tip **iplist;
	size_t nips, capips;
	struct treg **reglist;
	size_t nregs, capregs;
	/* built by trace_finish() */
	bool finished;
	struct report_case *rcases;
	size_t nrcases;
	struct trcpt *rcpts;
	size_t nrcpts;
	const struct report_recipient **rptrs;
	struct report_set rset;
};

/* Compute verdicts, recipients and the report model once every job has ended. */
void trace_finish(struct trace *t);
void trace_finish_free(struct trace *t);

#endif
