/* JSON form of a WHOIS lookup: the summary with provenance, the abuse contact, every hop. */
#include "json.h"
#include "status.h"
#include "whois.h"

static void sval(struct json *j, const char *key, const struct whois_val *v, const char *server)
{
	if (!v->line)
		return;
	json_key(j, key);
	json_obj_begin(j);
	json_kstr(j, "value", v->v);
	json_kstr(j, "server", server);
	json_kint(j, "line", (int64_t)v->line);
	json_obj_end(j);
}

static void summary(const struct whois_result *r, struct json *j)
{
	const struct whois_hop *h;
	const struct whois_answer *a;

	json_key(j, "summary");
	if (r->final_hop < 0 || !r->hops[r->final_hop].answer) {
		json_null(j);
		return;
	}
	h = &r->hops[r->final_hop];
	a = h->answer;
	json_obj_begin(j);
	json_kstr(j, "server", h->server);
	json_kstr(j, "kind", whois_kind_name(a->kind));
	sval(j, "range", &a->range, h->server);
	sval(j, "cidr", &a->cidr, h->server);
	sval(j, "netname", &a->netname, h->server);
	sval(j, "holder", &a->org, h->server);
	sval(j, "country", &a->country, h->server);
	sval(j, "asn", &a->asn, h->server);
	sval(j, "domain", &a->domain, h->server);
	sval(j, "registrar", &a->registrar, h->server);
	sval(j, "registrar_iana_id", &a->iana_id, h->server);
	sval(j, "registrar_url", &a->reg_url, h->server);
	sval(j, "created", &a->created, h->server);
	sval(j, "updated", &a->updated, h->server);
	sval(j, "expires", &a->expires, h->server);
	json_obj_end(j);
}

void whois_result_json(const struct whois_result *r, struct json *j)
{
	size_t i;

	json_obj_begin(j);
	json_kstr(j, "query", r->query);
	json_kstr(j, "asked", r->asked);
	json_kstr(j, "kind", whois_qkind_name(r->kind));
	json_kstr(j, "outcome", whois_outcome_name(r->outcome));
	summary(r, j);
	json_key(j, "abuse");
	if (r->abuse && r->abuse_hop >= 0) {
		const struct whois_hop *h = &r->hops[r->abuse_hop];

		json_obj_begin(j);
		json_kstr(j, "email", r->abuse->email.v);
		if (r->abuse->phone.line)
			json_kstr(j, "phone", r->abuse->phone.v);
		json_kstr(j, "server", h->server);
		json_kint(j, "line", (int64_t)r->abuse->email.line);
		json_kstr(j, "source", whois_csrc_name(r->abuse->src));
		json_kstr(j, "confidence", whois_conf_name(r->abuse->conf));
		json_kstr(j, "scope", r->abuse->registrar ? "registrar" : "network");
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_kstr(j, "rdap", r->rdap[0] ? r->rdap : NULL);
	json_kbool(j, "from_netblock_cache", r->from_netblock_cache);
	json_key(j, "notes");
	json_arr_begin(j);
	for (i = 0; i < r->nnotes; i++)
		json_str(j, r->notes[i]);
	json_arr_end(j);
	json_key(j, "hops");
	json_arr_begin(j);
	for (i = 0; i < r->nhops; i++) {
		const struct whois_hop *h = &r->hops[i];

		json_obj_begin(j);
		json_kstr(j, "server", h->server);
		json_kint(j, "port", h->port);
		json_kstr(j, "protocol", h->rwhois ? "rwhois" : "whois");
		json_kstr(j, "address", h->addr[0] ? h->addr : NULL);
		if (h->proxy[0])
			json_kstr(j, "proxy", h->proxy);
		json_kstr(j, "query", h->query);
		json_kstr(j, "reason", h->reason);
		json_kstr(j, "status", whois_hop_status_name(h->status));
		if (h->detail[0])
			json_kstr(j, "detail", h->detail);
		json_kint(j, "bytes_out", (int64_t)h->bytes_out);
		json_kint(j, "bytes_in", (int64_t)h->bytes_in);
		json_kint(j, "elapsed_ms", (int64_t)h->elapsed_ms);
		json_kbool(j, "cached", h->cached);
		json_kbool(j, "partial", h->partial);
		json_key(j, "answer");
		if (h->answer)
			whois_answer_json(h->answer, j);
		else
			json_null(j);
		if (h->text) {
			json_key(j, "text");
			json_strn(j, h->text, h->text_len);
		}
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}
