#!/bin/sh
# `mxtrace whois` on the lab chains: the right holder and abuse contact at the end of each
# chain, every hop in the result and the trail with the reason it was taken, the query
# syntax each server was sent, and IANA sent only what it needs. The IANA-rooted chains
# run with --iana; the last part checks snapshot-first routing (the bundled snapshot).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_whois.sh"
lab_require_cmd python3
whois_lab_start whois-chains

run() { # NAME QUERY [ARGS...]: JSON result in $LAB_TMP/NAME.json, trail in NAME.trail
	_name=$1 _q=$2
	shift 2
	lab_timeout 60 ip netns exec "$LAB_NS" "$MXTRACE" whois --dns-server "$WHOIS_LAB_DNS" \
		--allow-private-referrals --json --trail "$LAB_TMP/$_name.trail" "$@" "$_q" \
		>"$LAB_TMP/$_name.json"
	echo $?
}

check() { # NAME: python assertions on stdin, with d = result, t = trail records
	lab_exec python3 -c "
import json, sys
d = json.load(open('$LAB_TMP/$1.json'))
t = [json.loads(l) for l in open('$LAB_TMP/$1.trail') if l.strip()]
w = [r for r in t if r.get('proto') in ('whois', 'rwhois')]
hops = d['hops']
assert len(w) == len([h for h in hops if not h['cached']]), (len(w), hops)
for r, h in zip(w, [h for h in hops if not h['cached']]):
    assert r['server_name'] == h['server'] and r['qname'] == h['query'], (r, h)
    assert h['reason'] in r['cause'], (r['cause'], h['reason'])
$(cat)
" || lab_fail "chain $1: $(head -c 3000 "$LAB_TMP/$1.json")"
}

# A: IANA -> ARIN -> RIPE (RIPE space held at ARIN as an early registration)
[ "$(run a 130.66.76.222 --iana)" = 0 ] || lab_fail "chain A exit"
check a <<'PY'
assert d['outcome'] == 'found'
assert [h['server'] for h in hops] == ['whois.iana.org', 'whois.arin.net', 'whois.ripe.net']
assert [h['query'] for h in hops] == ['130.66.76.222', 'n + 130.66.76.222',
        '-V mxtrace-0.1.0 -r --charset UTF-8 130.66.76.222']
assert hops[0]['reason'] == 'first server: IANA (--iana)', hops[0]['reason']
assert 'iana-refer' in hops[1]['reason'] and 'line 5' in hops[1]['reason']
assert 'arin-referralserver' in hops[2]['reason'] and 'line 43' in hops[2]['reason']
s = d['summary']
assert s['holder'] == {'value': 'Nordlab Hosting AB', 'server': 'whois.ripe.net', 'line': 28}, s
assert s['range']['value'] == '130.66.76.0 - 130.66.76.255'
a = d['abuse']
assert a['email'] == 'abuse@nordlab-hosting.example' and a['server'] == 'whois.ripe.net' \
    and a['line'] == 12 and a['confidence'] == 'high', a
# ARIN's answer names the RIR's address: refused, never the result
arin = hops[1]['answer']
assert [c['refused'] for c in arin['contacts']] == ['rir'], arin['contacts']
PY

# B: IANA -> APNIC stub -> RIPE (APNIC space transferred to RIPE)
[ "$(run b 1.179.115.9 --iana)" = 0 ] || lab_fail "chain B exit"
check b <<'PY'
assert [h['server'] for h in hops] == ['whois.iana.org', 'whois.apnic.net', 'whois.ripe.net']
assert 'apnic-stub' in hops[2]['reason']
assert d['summary']['holder']['value'] == 'Baltic Transit Lab SIA'
assert d['abuse']['email'] == 'noc-abuse@baltic-transit.example'
stub = hops[1]['answer']
assert all(not c['offered'] and c['refused'] == 'placeholder' for c in stub['contacts']), stub
PY

# C: ARIN -> RWhois: the session ends at %ok, not at the server's idle timeout
[ "$(run c 69.65.39.166 --server whois.arin.net)" = 0 ] || lab_fail "chain C exit"
check c <<'PY'
assert [h['server'] for h in hops] == ['whois.arin.net', 'rwhois.servernap.net']
assert hops[0]['reason'] == 'first server: --server'
assert hops[1]['protocol'] == 'rwhois' and hops[1]['port'] == 4321
assert hops[1]['elapsed_ms'] < 10000, hops[1]      # the server would hold it 20 s
assert d['summary']['holder']['value'] == 'Lab Hosting Customer LLC'
assert d['abuse']['email'] == 'abuse@labhost-customer.example'
assert d['abuse']['server'] == 'rwhois.servernap.net'
assert [r['proto'] for r in w] == ['whois', 'rwhois']
PY

# D: IANA -> Verisign -> registrar
[ "$(run d scam-parcel-delivery.com --iana)" = 0 ] || lab_fail "chain D exit"
check d <<'PY'
assert [h['server'] for h in hops] == ['whois.iana.org', 'whois.verisign-grs.com',
                                       'whois.labregistrar.example']
assert hops[0]['query'] == 'com', hops[0]            # IANA gets the TLD label only
assert hops[1]['query'] == 'domain scam-parcel-delivery.com'
assert d['summary']['registrar']['value'] == 'Lab Registrar, Inc.'
assert d['summary']['registrar_iana_id']['value'] == '4242'
a = d['abuse']
assert a['email'] == 'abuse@labregistrar.example' and a['scope'] == 'registrar', a
assert a['server'] == 'whois.labregistrar.example'
assert any('self-referral' in n for n in d['notes']), d['notes']
PY

# E: RDAP-only TLDs: IANA lists no WHOIS server; a registry answers "TLD is not supported."
[ "$(run e1 shop-lab.dev --iana)" = 69 ] || lab_fail "chain E1 exit"
check e1 <<'PY'
assert d['outcome'] == 'not-served', d['outcome']
assert len(hops) == 1 and hops[0]['query'] == 'dev'
assert any('RDAP' in n for n in d['notes']), d['notes']
PY
[ "$(run e2 tracking-lab.info --iana)" = 69 ] || lab_fail "chain E2 exit"
check e2 <<'PY'
assert d['outcome'] == 'not-served'
assert [h['server'] for h in hops] == ['whois.iana.org', 'whois.nic.info']
assert hops[1]['answer']['state_line']['value'] == 'TLD is not supported.'
PY

# F: IPv6 at IANA carries only whois:
[ "$(run f 2a02:c7f:7e11::25 --iana)" = 0 ] || lab_fail "chain F exit"
check f <<'PY'
assert [h['server'] for h in hops] == ['whois.iana.org', 'whois.ripe.net']
assert 'iana-whois' in hops[1]['reason']
assert d['summary']['range']['value'] == '2a02:c7f:7e11::/48'
assert d['abuse']['email'] == 'abuse@mobile-lab.example'
PY

# G: IANA -> LACNIC -> registro.br
[ "$(run g 177.91.32.8 --iana)" = 0 ] || lab_fail "chain G exit"
check g <<'PY'
assert [h['server'] for h in hops] == ['whois.iana.org', 'whois.lacnic.net', 'whois.registro.br']
assert hops[1]['query'] == '177.91.32.8'            # LACNIC gets bare queries only
assert d['abuse']['email'] == 'abuse@provedor-lab.example'
PY

# H: an AS number: IANA's as-block -> LACNIC's aut-num, abuse-c -> e-mail
[ "$(run h as264957 --iana)" = 0 ] || lab_fail "chain H exit"
check h <<'PY'
assert d['kind'] == 'asn' and d['asked'] == 'AS264957'
assert [h['server'] for h in hops] == ['whois.iana.org', 'whois.lacnic.net']
assert [h['query'] for h in hops] == ['AS264957', 'AS264957']
assert d['summary']['asn']['value'] == 'AS264957'
assert d['summary']['holder']['value'] == 'Cooperativa Lab de Produtores'
assert d['abuse']['email'] == 'noc@cooperativa-lab.example' and d['abuse']['source'] == 'abuse-c'
PY

# --no-referrals stops after one answer
[ "$(run n 130.66.76.222 --no-referrals --iana)" = 75 ] || lab_fail "--no-referrals exit"
check n <<'PY'
assert len(hops) == 1 and hops[0]['server'] == 'whois.iana.org'
assert d['outcome'] == 'temporary-failure'   # IANA alone is a directory, not an answer
PY

# the queries the servers saw, in order, per server
[ "$(whois_lab_queries whois.iana.org | tr '\n' ' ')" = \
  "130.66.76.222 1.179.115.9 com dev info 2a02:c7f:7e11::25 177.91.32.8 AS264957 130.66.76.222 " ] ||
	lab_fail "IANA saw: $(whois_lab_queries whois.iana.org | tr '\n' ' ')"

# snapshot first: the registry the snapshot names, the registered domain of a host name,
# no packet at all for an RDAP-only TLD or a private address
[ "$(run s1 130.66.76.222)" = 0 ] || lab_fail "snapshot s1 exit"
check s1 <<'PY'
assert [h['server'] for h in hops] == ['whois.ripe.net'], hops
assert hops[0]['reason'].startswith('first server: snapshot: RIR statistics record (ripencc'), hops[0]
assert d['abuse']['email'] == 'abuse@nordlab-hosting.example'
assert d['rdap'] == 'https://rdap.db.ripe.net/ip/130.66.76.222', d['rdap']
PY
[ "$(run s2 mx1.scam-parcel-delivery.com)" = 0 ] || lab_fail "snapshot s2 exit"
check s2 <<'PY'
assert d['asked'] == 'scam-parcel-delivery.com', d['asked']
assert [h['server'] for h in hops] == ['whois.verisign-grs.com', 'whois.labregistrar.example']
assert hops[0]['query'] == 'domain scam-parcel-delivery.com'
assert d['abuse']['email'] == 'abuse@labregistrar.example'
PY
[ "$(run s3 shop-lab.dev)" = 69 ] || lab_fail "snapshot s3 exit"
check s3 <<'PY'
assert d['outcome'] == 'not-served' and hops == [] and w == [], d
assert d['rdap'] == 'https://pubapi.registry.google/rdap/domain/shop-lab.dev', d['rdap']
PY
[ "$(run s4 192.168.1.1)" = 1 ] || lab_fail "snapshot s4 exit"
check s4 <<'PY'
assert d['outcome'] == 'no-server' and hops == [] and 'Private-Use' in d['notes'][0], d
PY
[ "$(run s5 1.179.115.9)" = 0 ] || lab_fail "snapshot s5 exit"
check s5 <<'PY'
assert [h['server'] for h in hops] == ['whois.apnic.net', 'whois.ripe.net']
PY
# a "not managed here" block: the snapshot names who holds the address (ARIN for 9/8)
[ "$(run s6 9.9.9.9 --server whois.ripe.net)" = 1 ] || lab_fail "snapshot s6 exit"
check s6 <<'PY'
assert [h['server'] for h in hops] == ['whois.ripe.net', 'whois.arin.net'], hops
assert 'not managed there; snapshot: ' in hops[1]['reason'], hops[1]['reason']
assert hops[1]['query'] == 'n + 9.9.9.9'
assert d['outcome'] == 'no-match'
PY

# a batch: the second address of the same network is answered from the netblock cache,
# the repeated IANA question from the (server, query) cache; JSON Lines, one per query
lab_timeout 60 ip netns exec "$LAB_NS" "$MXTRACE" whois --dns-server "$WHOIS_LAB_DNS" --json \
	--iana --trail "$LAB_TMP/batch.trail" 130.66.76.222 130.66.76.9 >"$LAB_TMP/batch.json" ||
	lab_fail "batch exit"
lab_exec python3 - "$LAB_TMP/batch.json" "$LAB_TMP/batch.trail" <<'PY' || lab_fail "batch"
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
assert len(rs) == 2
assert rs[1]['outcome'] == 'found' and rs[1]['abuse']['email'] == 'abuse@nordlab-hosting.example'
t = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
assert len([r for r in t if r.get('proto') == 'whois']) == 3, t   # one chain only
assert rs[1]['from_netblock_cache'] is True
PY
echo "lab chains ok"
