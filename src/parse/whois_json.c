/* JSON form of a parsed WHOIS answer: every field with the line it came from. */
#include "json.h"
#include "whois_parse.h"

static void val(struct json *j, const char *key, const struct whois_val *v)
{
	if (!v->line && !v->v[0])
		return;
	json_key(j, key);
	json_obj_begin(j);
	json_kstr(j, "value", v->v);
	json_kint(j, "line", (int64_t)v->line);
	if (v->cut)
		json_kbool(j, "cut", true);
	json_obj_end(j);
}

static void vals(struct json *j, const char *key, const struct whois_val *v, size_t n)
{
	size_t i;

	if (!n)
		return;
	json_key(j, key);
	json_arr_begin(j);
	for (i = 0; i < n; i++) {
		json_obj_begin(j);
		json_kstr(j, "value", v[i].v);
		json_kint(j, "line", (int64_t)v[i].line);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void whois_answer_json(const struct whois_answer *a, struct json *j)
{
	size_t i;
	const struct whois_contact *best = whois_answer_abuse(a);
	const struct whois_ref *ref = whois_answer_referral(a);

	json_obj_begin(j);
	json_kstr(j, "server", a->server[0] ? a->server : NULL);
	json_kstr(j, "format", whois_fmt_name(a->fmt));
	json_kstr(j, "state", whois_state_name(a->state));
	val(j, "state_line", &a->state_line);
	json_kstr(j, "kind", whois_kind_name(a->kind));
	json_kint(j, "bytes", (int64_t)a->bytes);
	json_kint(j, "lines", (int64_t)a->lines);
	if (a->lines_cut)
		json_kbool(j, "lines_cut", true);
	json_kbool(j, "transferred", a->transferred);

	val(j, "range", &a->range);
	val(j, "cidr", &a->cidr);
	val(j, "netname", &a->netname);
	val(j, "org", &a->org);
	val(j, "country", &a->country);
	val(j, "handle", &a->handle);
	val(j, "parent", &a->parent);
	val(j, "asn", &a->asn);
	val(j, "domain", &a->domain);
	val(j, "registrar", &a->registrar);
	val(j, "registrar_iana_id", &a->iana_id);
	val(j, "registrar_whois", &a->reg_whois);
	val(j, "registrar_url", &a->reg_url);
	val(j, "created", &a->created);
	val(j, "updated", &a->updated);
	val(j, "expires", &a->expires);
	vals(j, "nameservers", a->ns, a->nns);
	vals(j, "status", a->status, a->nstatus);

	json_key(j, "abuse");
	if (best) {
		json_obj_begin(j);
		json_kstr(j, "email", best->email.v);
		json_kint(j, "line", (int64_t)best->email.line);
		if (best->phone.line)
			json_kstr(j, "phone", best->phone.v);
		json_kstr(j, "source", whois_csrc_name(best->src));
		json_kstr(j, "confidence", whois_conf_name(best->conf));
		json_kstr(j, "scope", best->registrar ? "registrar" : "network");
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_key(j, "contacts");
	json_arr_begin(j);
	for (i = 0; i < a->ncontacts; i++) {
		const struct whois_contact *c = &a->contacts[i];
		bool offered = c->cls == WCC_OK && !c->not_email;

		json_obj_begin(j);
		json_kstr(j, "value", c->email.v);
		json_kint(j, "line", (int64_t)c->email.line);
		if (c->phone.line) {
			json_kstr(j, "phone", c->phone.v);
			json_kint(j, "phone_line", (int64_t)c->phone.line);
		}
		json_kstr(j, "source", whois_csrc_name(c->src));
		json_kstr(j, "confidence", whois_conf_name(c->conf));
		json_kstr(j, "scope", c->registrar ? "registrar" : "network");
		json_kbool(j, "offered", offered);
		if (!offered)
			json_kstr(j, "refused", c->not_email && c->cls == WCC_OK ?
			          "not-an-address" : whois_cclass_name(c->cls));
		if (c->note[0])
			json_kstr(j, "note", c->note);
		json_obj_end(j);
	}
	json_arr_end(j);

	json_key(j, "referral");
	if (ref) {
		json_obj_begin(j);
		json_kstr(j, "host", ref->host);
		json_kint(j, "port", ref->port);
		json_kstr(j, "kind", whois_rkind_name(ref->kind));
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_key(j, "referrals");
	json_arr_begin(j);
	for (i = 0; i < a->nrefs; i++) {
		const struct whois_ref *r = &a->refs[i];

		json_obj_begin(j);
		json_kstr(j, "kind", whois_rkind_name(r->kind));
		json_kstr(j, "host", r->host[0] ? r->host : NULL);
		if (r->port)
			json_kint(j, "port", r->port);
		if (r->rwhois)
			json_kbool(j, "rwhois", true);
		json_kint(j, "line", (int64_t)r->line);
		if (r->raw[0])
			json_kstr(j, "raw", r->raw);
		if (r->rir[0])
			json_kstr(j, "registry", r->rir);
		if (r->reject[0])
			json_kstr(j, "refused", r->reject);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}
