/* MX job: MX lookup, then all exchanges' A/AAAA in parallel, folded into a verdict. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mx.h"
#include "status.h"
#include "text.h"

#define MX_CAUSE_MAX (2 * DNS_MAX_NAME_TEXT + 64)

struct pending {
	struct mx_job *job;
	size_t host;
	bool aaaa;
	struct dns_lookup *lk;
};

struct mx_job {
	struct dns_stub *stub;
	struct mx_result *res;
	struct dns_name domain;
	struct mx_callbacks cb;
	void *arg;
	char *cause;
	struct dns_lookup *mxq;
	struct pending *pend;
	size_t npend;
	size_t outstanding;
};

static const char *const status_names[] = {
	"found", "implicit-mx", "null-mx", "nxdomain", "no-mail", "all-dead", "temporary-failure"
};

static const char *const status_texts[] = {
	"mail is accepted by the exchanges below",
	"no MX records: mail goes to the domain's own addresses (implicit MX, RFC 5321 5.1)",
	"accepts no mail (null MX, RFC 7505)",
	"domain does not exist (NXDOMAIN)",
	"no mail service: no MX records and no address records",
	"no mail service: no exchange has an address",
	"temporary failure: DNS did not answer, retry later"
};

const char *mx_status_str(enum mx_status s)
{
	return (size_t)s < sizeof(status_names) / sizeof(status_names[0]) ? status_names[s] : "?";
}

const char *mx_status_text(enum mx_status s)
{
	return (size_t)s < sizeof(status_texts) / sizeof(status_texts[0]) ? status_texts[s] : "?";
}

bool mx_status_temporary(enum mx_status s)
{
	return s == MX_TEMPFAIL;
}

void mx_result_free(struct mx_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nhosts; i++)
		free(r->hosts[i].addrs);
	free(r->hosts);
	free(r);
}

static void source_fill(struct mx_source *src, const struct dns_result *r)
{
	src->asked = true;
	src->outcome = r->outcome;
	snprintf(src->server, sizeof(src->server), "%s", r->server);
	snprintf(src->proto, sizeof(src->proto), "%s", r->proto ? r->proto : "");
	src->cached = r->cached;
	src->exchanges = r->exchanges;
	src->cname_hops = r->cname_hops;
	dns_name_str(r->canon, src->canon);
	snprintf(src->detail, sizeof(src->detail), "%s", r->detail);
}

/* ---- verdict ---- */

static void finish(struct mx_job *job)
{
	struct mx_result *res = job->res;
	bool any_addr = false, any_temp = false;
	size_t i;

	for (i = 0; i < res->nhosts; i++) {
		struct mx_host *h = &res->hosts[i];

		h->tempfail = (h->a.asked && !dns_outcome_definitive(h->a.outcome)) ||
		              (h->aaaa.asked && !dns_outcome_definitive(h->aaaa.outcome));
		h->nxdomain = h->a.outcome == DNS_NXDOMAIN || h->aaaa.outcome == DNS_NXDOMAIN;
		h->dead = h->naddrs == 0 && !h->tempfail;
		any_addr = any_addr || h->naddrs > 0;
		any_temp = any_temp || h->tempfail;
	}
	if (res->nhosts > 0 && res->hosts[0].implicit)
		res->status = any_addr ? MX_IMPLICIT : any_temp ? MX_TEMPFAIL : MX_NO_MAIL;
	else
		res->status = any_addr ? MX_FOUND : any_temp ? MX_TEMPFAIL : MX_ALL_DEAD;
	job->res = NULL;
	job->cb.done(res, job->arg);
	free(job->pend);
	free(job->cause);
	free(job);
}

/* Deliver a verdict that needs no further lookups (from inside the MX callback). */
static void finish_now(struct mx_job *job, enum mx_status st)
{
	struct mx_result *res = job->res;

	res->status = st;
	job->res = NULL;
	job->cb.done(res, job->arg);
	free(job->pend);
	free(job->cause);
	free(job);
}

/* ---- addresses ---- */

static int addr_cmp(const void *a, const void *b)
{
	const struct mx_addr *x = a, *y = b;

	if (x->family != y->family)
		return x->family == AF_INET ? -1 : 1;
	return memcmp(x->addr, y->addr, 16);
}

static int add_addr(struct mx_host *h, int family, const uint8_t *p, uint32_t ttl)
{
	struct mx_addr *na;
	size_t i, len = family == AF_INET ? 4 : 16;

	for (i = 0; i < h->naddrs; i++)
		if (h->addrs[i].family == family && memcmp(h->addrs[i].addr, p, len) == 0)
			return ST_OK;
	na = realloc(h->addrs, (h->naddrs + 1) * sizeof(*na));
	if (!na)
		return ST_NOMEM;
	h->addrs = na;
	na = &h->addrs[h->naddrs++];
	memset(na, 0, sizeof(*na));
	na->family = family;
	memcpy(na->addr, p, len);
	na->ttl = dns_ttl(ttl);
	inet_ntop(family, p, na->text, sizeof(na->text));
	return ST_OK;
}

static void on_addr(const struct dns_result *r, void *arg)
{
	struct pending *pd = arg;
	struct mx_job *job = pd->job;
	struct mx_host *h = &job->res->hosts[pd->host];
	size_t i;

	pd->lk = NULL;
	source_fill(pd->aaaa ? &h->aaaa : &h->a, r);
	if (r->cname_hops > 0)
		h->cname = true;
	if (r->outcome == DNS_ANSWER && r->msg) {
		size_t before = h->naddrs;

		for (i = 0; i < r->msg->an; i++) {
			const struct dns_rr *rr = &r->msg->rr[i];

			if (!dns_rr_answers(rr, r->canon, r->qtype))
				continue;
			add_addr(h, pd->aaaa ? AF_INET6 : AF_INET,
			         pd->aaaa ? rr->d.aaaa : rr->d.a, rr->ttl);
		}
		if (h->naddrs > 1)
			qsort(h->addrs, h->naddrs, sizeof(*h->addrs), addr_cmp);
		if (h->naddrs > before && job->cb.addrs)
			job->cb.addrs(job->res, pd->host, job->arg);
	}
	if (--job->outstanding == 0)
		finish(job);
}

/* Start A and AAAA for every host. Returns ST_OK once all are in flight. */
static int start_addresses(struct mx_job *job)
{
	struct mx_result *res = job->res;
	char cause[MX_CAUSE_MAX];
	size_t i, k;
	int st;

	job->pend = calloc(2 * res->nhosts, sizeof(*job->pend));
	if (!job->pend)
		return ST_NOMEM;
	job->npend = 2 * res->nhosts;
	for (i = 0; i < res->nhosts; i++) {
		struct mx_host *h = &res->hosts[i];

		if (h->implicit)
			snprintf(cause, sizeof(cause), "implicit MX: address of %s", res->domain);
		else
			snprintf(cause, sizeof(cause), "exchange %u %s of %s", h->pref, h->name,
			         res->domain);
		for (k = 0; k < 2; k++) {
			struct pending *pd = &job->pend[2 * i + k];

			pd->job = job;
			pd->host = i;
			pd->aaaa = k == 1;
			st = dns_stub_query(job->stub, &h->wire, k ? DNS_T_AAAA : DNS_T_A, cause,
			                    on_addr, pd, &pd->lk);
			if (st != ST_OK)
				return st;
			job->outstanding++;
		}
	}
	return ST_OK;
}

/* ---- exchanges ---- */

static bool looks_like_ip(const char *name)
{
	char tmp[DNS_MAX_NAME_TEXT];
	unsigned char bin[16];
	size_t n = strlen(name);

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, name, n + 1);
	if (tmp[n - 1] == '.')
		tmp[--n] = '\0';
	if (n > 2 && tmp[0] == '[' && tmp[n - 1] == ']') {
		memmove(tmp, tmp + 1, n - 2);
		tmp[n - 2] = '\0';
	}
	return inet_pton(AF_INET, tmp, bin) == 1 || inet_pton(AF_INET6, tmp, bin) == 1;
}

static int host_cmp(const void *a, const void *b)
{
	const struct mx_host *x = a, *y = b;
	size_t i;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	for (i = 0; x->name[i] || y->name[i]; i++) {
		int cx = ascii_lower((unsigned char)x->name[i]);
		int cy = ascii_lower((unsigned char)y->name[i]);

		if (cx != cy)
			return cx < cy ? -1 : 1;
	}
	return 0;
}

static int add_host(struct mx_result *res, size_t *cap, const struct dns_name *wire,
                    uint16_t pref, bool implicit)
{
	struct mx_host *h;
	size_t i;

	for (i = 0; i < res->nhosts; i++) {
		if (dns_name_eq(&res->hosts[i].wire, wire)) {
			if (pref < res->hosts[i].pref)
				res->hosts[i].pref = pref;
			return ST_OK;
		}
	}
	if (res->nhosts >= MX_MAX_HOSTS) {
		res->hosts_dropped++;
		return ST_OK;
	}
	if (res->nhosts == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		struct mx_host *nh = realloc(res->hosts, ncap * sizeof(*nh));

		if (!nh)
			return ST_NOMEM;
		res->hosts = nh;
		*cap = ncap;
	}
	h = &res->hosts[res->nhosts++];
	memset(h, 0, sizeof(*h));
	h->wire = *wire;
	h->pref = pref;
	h->implicit = implicit;
	dns_name_str(wire, h->name);
	h->ip_literal = looks_like_ip(h->name);
	h->bad_hostname = !dns_name_is_hostname(wire);
	return ST_OK;
}

static void on_mx(const struct dns_result *r, void *arg)
{
	struct mx_job *job = arg;
	struct mx_result *res = job->res;
	size_t i, cap = 0, nulls = 0;
	int st = ST_OK;

	job->mxq = NULL;
	source_fill(&res->mx, r);
	switch (r->outcome) {
	case DNS_NXDOMAIN:
		finish_now(job, MX_NXDOMAIN);
		return;
	case DNS_ANSWER:
		for (i = 0; i < r->msg->an; i++) {
			const struct dns_rr *rr = &r->msg->rr[i];

			if (!dns_rr_answers(rr, r->canon, DNS_T_MX))
				continue;
			res->mx_records++;
			if (rr->d.mx.exchange.len == 1) {
				nulls++;             /* "." is no host (RFC 7505) */
				continue;
			}
			st = add_host(res, &cap, &rr->d.mx.exchange, rr->d.mx.pref, false);
			if (st != ST_OK)
				break;
		}
		if (st == ST_OK && nulls > 0 && res->nhosts == 0) {
			finish_now(job, MX_NULL);
			return;
		}
		res->null_mx_mixed = nulls > 0;
		if (res->nhosts > 1)
			qsort(res->hosts, res->nhosts, sizeof(*res->hosts), host_cmp);
		break;
	case DNS_NODATA:
		/* RFC 5321 §5.1: no MX, so the domain itself is the exchange, if it has
		 * addresses. The alias chain's end is what the MX query found. */
		st = add_host(res, &cap, &job->domain, 0, true);
		break;
	default:
		finish_now(job, MX_TEMPFAIL);
		return;
	}
	if (st == ST_OK)
		st = start_addresses(job);
	if (st == ST_OK && job->cb.hosts)
		job->cb.hosts(res, job->arg);
	if (st != ST_OK) {
		/* Out of memory half way: cancel what started and say we could not tell. */
		for (i = 0; i < job->npend; i++)
			dns_lookup_cancel(job->pend[i].lk);
		snprintf(res->mx.detail, sizeof(res->mx.detail), "%s", status_str(st));
		finish_now(job, MX_TEMPFAIL);
	}
}

int mx_start(struct dns_stub *s, const char *domain, const char *cause, mx_done_fn done,
             void *arg, struct mx_job **out)
{
	struct mx_callbacks cb = { NULL, NULL, done };

	return mx_start_cb(s, domain, cause, &cb, arg, out);
}

int mx_start_cb(struct dns_stub *s, const char *domain, const char *cause,
                const struct mx_callbacks *cb, void *arg, struct mx_job **out)
{
	struct mx_job *job;
	char buf[MX_CAUSE_MAX];
	int st;

	if (out)
		*out = NULL;
	job = calloc(1, sizeof(*job));
	if (!job)
		return ST_NOMEM;
	st = dns_name_from_text(domain, strlen(domain), &job->domain, NULL);
	if (st != ST_OK) {
		free(job);
		return st;
	}
	job->res = calloc(1, sizeof(*job->res));
	if (!cause) {
		snprintf(buf, sizeof(buf), "MX of %s", domain);
		cause = buf;
	}
	job->cause = strdup(cause);
	if (!job->res || !job->cause) {
		free(job->res);
		free(job->cause);
		free(job);
		return ST_NOMEM;
	}
	job->stub = s;
	job->cb = *cb;
	job->arg = arg;
	dns_name_str(&job->domain, job->res->domain);
	st = dns_stub_query(s, &job->domain, DNS_T_MX, job->cause, on_mx, job, &job->mxq);
	if (st != ST_OK) {
		mx_result_free(job->res);
		free(job->cause);
		free(job);
		return st;
	}
	if (out)
		*out = job;
	return ST_OK;
}

void mx_cancel(struct mx_job *job)
{
	size_t i;

	if (!job)
		return;
	dns_lookup_cancel(job->mxq);
	for (i = 0; i < job->npend; i++)
		dns_lookup_cancel(job->pend[i].lk);
	mx_result_free(job->res);
	free(job->pend);
	free(job->cause);
	free(job);
}

/* ---- JSON ---- */

static void source_json(struct json *j, const char *key, const struct mx_source *s)
{
	json_key(j, key);
	if (!s->asked) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kstr(j, "outcome", dns_outcome_str(s->outcome));
	json_kstr(j, "server", s->server[0] ? s->server : NULL);
	json_kstr(j, "proto", s->proto[0] ? s->proto : NULL);
	json_kbool(j, "cached", s->cached);
	json_kint(j, "exchanges", s->exchanges);
	if (s->cname_hops) {
		json_kint(j, "cname_hops", s->cname_hops);
		json_kstr(j, "canonical_name", s->canon);
	}
	if (s->detail[0])
		json_kstr(j, "detail", s->detail);
	json_obj_end(j);
}

void mx_result_to_json(const struct mx_result *r, struct json *j)
{
	size_t i, k;

	json_obj_begin(j);
	json_kstr(j, "domain", r->domain);
	json_kstr(j, "status", mx_status_str(r->status));
	json_kstr(j, "summary", mx_status_text(r->status));
	json_kbool(j, "temporary", mx_status_temporary(r->status));
	source_json(j, "mx_lookup", &r->mx);
	json_kint(j, "mx_records", (int64_t)r->mx_records);
	if (r->null_mx_mixed)
		json_kbool(j, "null_mx_mixed", true);
	if (r->hosts_dropped)
		json_kint(j, "exchanges_not_looked_up", (int64_t)r->hosts_dropped);
	json_key(j, "exchanges");
	json_arr_begin(j);
	for (i = 0; i < r->nhosts; i++) {
		const struct mx_host *h = &r->hosts[i];

		json_obj_begin(j);
		json_kint(j, "preference", h->pref);
		json_kstr(j, "name", h->name);
		json_kbool(j, "implicit", h->implicit);
		json_kbool(j, "cname", h->cname);
		json_kbool(j, "ip_literal", h->ip_literal);
		json_kbool(j, "bad_hostname", h->bad_hostname);
		json_kbool(j, "dead", h->dead);
		json_kbool(j, "nxdomain", h->nxdomain);
		json_kbool(j, "temporary_failure", h->tempfail);
		json_key(j, "addresses");
		json_arr_begin(j);
		for (k = 0; k < h->naddrs; k++)
			json_str(j, h->addrs[k].text);
		json_arr_end(j);
		source_json(j, "a", &h->a);
		source_json(j, "aaaa", &h->aaaa);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}
