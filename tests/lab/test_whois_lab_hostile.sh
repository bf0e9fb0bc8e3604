#!/bin/sh
# Hostile and broken WHOIS servers, one row each: what `mxtrace whois` must report, that it
# never waits past its deadlines, and which notes explain what it refused to do.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_whois.sh"
lab_require_cmd python3
whois_lab_start whois-hostile

n=0
# row NAME EXIT MAXSECONDS 'PYTHON CHECK' ARGS...  (result in d, hops in h, notes in N)
row() {
	_name=$1 _exit=$2 _max=$3 _py=$4
	shift 4
	n=$((n + 1))
	_t0=$(date +%s%N)
	lab_timeout 60 ip netns exec "$LAB_NS" "$MXTRACE" whois --dns-server "$WHOIS_LAB_DNS" \
		--json "$@" >"$LAB_TMP/$_name.json" 2>"$LAB_TMP/$_name.err"
	_rc=$?
	_ms=$((($(date +%s%N) - _t0) / 1000000))
	[ "$_rc" = "$_exit" ] || lab_fail "$_name: exit $_rc, want $_exit: $(cat "$LAB_TMP/$_name.err") $(head -c 2000 "$LAB_TMP/$_name.json")"
	# deadlines are the contract: a generous bound, not a performance claim
	[ "$_ms" -le $((_max * 1000)) ] || lab_fail "$_name: took $_ms ms, deadline ${_max}s"
	lab_exec python3 -c "
import json
d = json.load(open('$LAB_TMP/$_name.json'))
h = d['hops']
N = ' | '.join(d['notes'])
$_py
" || lab_fail "$_name: $(head -c 3000 "$LAB_TMP/$_name.json")"
}

row drip 75 8 "
assert d['outcome'] == 'temporary-failure'
assert h[0]['status'] == 'timeout' and h[0]['partial'] and 0 < h[0]['bytes_in'] < 2000, h[0]
assert h[0]['answer']['registrar']['value'] == 'Drip Registrar'" \
	--server drip.lab.example --timeout 1000 x.example
row delay 75 8 "
assert h[0]['status'] == 'timeout' and h[0]['bytes_in'] == 0 and h[0]['answer'] is None
assert d['outcome'] == 'temporary-failure'" --server delay.lab.example --timeout 1000 x.example
row endless 75 8 "
assert h[0]['status'] == 'too-big' and h[0]['bytes_in'] <= 10000, h[0]
assert 'too large' in N" --server endless.lab.example --max-bytes 10000 x.example
row noclose 75 8 "
assert h[0]['status'] == 'timeout' and h[0]['partial']
assert d['abuse']['email'] == 'abuse@noclose.lab.example'   # shown, from a cut answer
assert d['outcome'] == 'temporary-failure'" --server noclose.lab.example --timeout 1500 x.example
row close 75 8 "
assert h[0]['status'] == 'ok' and h[0]['bytes_in'] == 0, h[0]
assert h[0]['answer']['state_line']['value'] == 'empty answer' and 'without answering' in N, N
assert d['outcome'] == 'temporary-failure'" --server close.lab.example x.example
row garbage 65 8 "
assert d['outcome'] == 'malformed'" --server garbage.lab.example x.example
row ratelimit1 0 8 "assert d['outcome'] == 'found'" --server ratelimit.lab.example x.example
row ratelimit2 75 8 "
assert d['outcome'] == 'rate-limited'
assert h[0]['answer']['state_line']['value'].startswith('WHOIS LIMIT EXCEEDED')" \
	--server ratelimit.lab.example x.example
row loop 0 8 "
assert [x['server'] for x in h] == ['loop-a.lab.example', 'loop-b.lab.example']
assert 'already asked' in N, N
assert d['abuse']['email'] == 'abuse@loop-b.lab.example'" --server loop-a.lab.example x.example
row self 0 8 "
assert len(h) == 1 and 'self-referral' in N, N" --server self.lab.example x.example
row private_refused 0 8 "
assert [x['server'] for x in h] == ['private.lab.example', 'whois.internal.lab.example']
assert h[1]['status'] == 'refused' and h[1]['bytes_out'] == 0, h[1]
assert '127.0.0.2' in N and 'refused' in N, N
assert d['abuse']['email'] == 'abuse@private.lab.example'" --server private.lab.example x.example
row private_allowed 0 8 "
assert d['abuse']['email'] == 'abuse@internal.lab.example'" \
	--server private.lab.example --allow-private-referrals x.example
row hopcap 0 8 "
assert len(h) == 6, [x['server'] for x in h]
assert 'hop cap 6 reached' in N, N
assert d['abuse']['email'] == 'abuse@chain6.lab.example'" --server chain1.lab.example x.example
row hopcap3 0 8 "
assert len(h) == 3 and 'hop cap 3' in N" --server chain1.lab.example --max-hops 3 x.example
row badref 0 8 "
assert len(h) == 1
assert 'port' in N and 'not followed' in N, N" --server badref.lab.example x.example
row total 75 8 "
assert 'timeout' in h[0]['status'] and h[0]['elapsed_ms'] < 4000, h[0]" \
	--server drip.lab.example --timeout 60000 --total-timeout 1500 x.example
row nxdomain 75 8 "
assert h[0]['status'] == 'unresolved' and 'did not resolve' in N, N" \
	--server no-such-server.lab.example x.example
row refused 75 8 "
assert h[0]['status'] == 'refused', h[0]" --server 127.0.0.1:4399 x.example
row noref 0 8 "
assert len(h) == 1" --server chain1.lab.example --no-referrals x.example

# no server process is left behind by a client that gave up
echo "$n hostile rows ok"
