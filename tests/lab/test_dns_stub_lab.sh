#!/bin/sh
# The stub resolver against dnslab playing broken and hostile servers: each behaviour gives
# the documented outcome, exit code and trail note, and the trail has exactly one record per
# query the lab servers received.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_dns.sh"
lab_ns_create dnsstub
A=192.0.2.5     # dnslab with the behaviours
B=192.0.2.6     # dnslab with the same zone and no behaviours (the next server)
lab_ns_addr $A/32 $B/32 192.0.2.7/32
SC="$(dirname "$0")/scenarios/behaviours.scenario"
grep -v '^on ' "$SC" >"$LAB_TMP/plain.scenario"
lab_dns_dnslab "$SC" $A "$LAB_TMP/a.log"
lab_dns_dnslab "$LAB_TMP/plain.scenario" $B "$LAB_TMP/b.log"

n=0
# check NAME "SERVERS" "OPTIONS" EXIT OUTCOME EXCHANGES [TRAIL-GREP...]
check() {
	_name=$1 _servers=$2 _opts=$3 _exit=$4 _outcome=$5 _ex=$6
	shift 6
	n=$((n + 1))
	_t="$LAB_TMP/t$n.jsonl"
	_before=$(($(lab_dns_count "$LAB_TMP/a.log") + $(lab_dns_count "$LAB_TMP/b.log")))
	_args=""
	for _s in $_servers; do _args="$_args --server $_s"; done
	# shellcheck disable=SC2086
	lab_timeout 30 ip netns exec "$LAB_NS" "$MXTRACE" dns --json --trail "$_t" \
		--timeout 300 --retries 2 $_args $_opts "$_name" A >"$LAB_TMP/out$n.json"
	_got=$?
	_after=$(($(lab_dns_count "$LAB_TMP/a.log") + $(lab_dns_count "$LAB_TMP/b.log")))
	_rec=$(wc -l <"$_t" | tr -d ' ')
	echo "$_name [$_servers $_opts]: exit $_got, $_rec records, $((_after - _before)) packets"
	[ "$_got" -eq "$_exit" ] || lab_fail "$_name: exit $_got, want $_exit"
	[ "$_rec" -eq $((_after - _before)) ] ||
		lab_fail "$_name: $_rec trail records but $((_after - _before)) packets received"
	grep -q "\"outcome\":\"$_outcome\"" "$LAB_TMP/out$n.json" ||
		lab_fail "$_name: outcome: $(cat "$LAB_TMP/out$n.json")"
	grep -q "\"exchanges\":$_ex," "$LAB_TMP/out$n.json" ||
		lab_fail "$_name: want $_ex exchanges: $(cat "$LAB_TMP/out$n.json")"
	for _g in "$@"; do
		grep -q -- "$_g" "$_t" || lab_fail "$_name: trail lacks '$_g': $(cat "$_t")"
	done
}

check ok.lab.test $A "" 0 answer 1 '"outcome":"answer"'
check delay.lab.test $A "" 0 answer 1
check drop.lab.test $A "" 0 answer 2 '"outcome":"timeout"' '"retry":"timeout from 192.0.2.5:53"'
check tc.lab.test $A "" 0 answer 2 '"outcome":"truncated"' '"proto":"tcp"'
check ok.lab.test $A "--tcp" 0 answer 1 '"proto":"tcp"'
check wrongid.lab.test $A "" 0 answer 1 '"mismatches":1' 'dropped 1: wrong ID'
check wrongq.lab.test $A "" 0 answer 1 'dropped 1: wrong question name'
check empty.lab.test $A "" 0 answer 1 'ignored 1 empty datagram'
# A reply from another port or address never reaches the connected socket: timeouts.
check otherport.lab.test $A "" 75 timeout 2 '"outcome":"timeout"'
check otheraddr.lab.test $A "" 75 timeout 2 '"outcome":"timeout"'
# Broken replies: named in the trail, and the next server is asked.
check comploop.lab.test "$A $B" "" 0 answer 2 'does not point backwards' \
	'"retry":"malformed reply from 192.0.2.5:53"'
check malformed.lab.test "$A $B" "" 0 answer 2 'RDLENGTH 5, must be 4'
check malformed.lab.test $A "" 75 malformed 1
check formerr.lab.test $A "" 0 answer 2 '"outcome":"formerr"' '"retry":"FORMERR to EDNS'
check servfail.lab.test "$A $B" "" 0 answer 2 '"retry":"SERVFAIL from 192.0.2.5:53"'
check servfail.lab.test $A "" 75 servfail 1
check refused.lab.test "$A $B" "" 0 answer 2 '"outcome":"refused"'
check notimp.lab.test $A "" 75 rcode 1 '"rcode":4'
# TC, then the TCP connection closes half way through the reply: next server.
check closemid.lab.test "$A $B" "" 0 answer 3 '"outcome":"network-error"' \
	'"retry":"connection closed by 192.0.2.5:53"'
# Half a datagram: the question still matches, the records are cut: malformed, named.
check udphalf.lab.test $A "" 75 malformed 1 '"outcome":"malformed"' 'answer record 1'
check udphalf.lab.test "$A $B" "" 0 answer 2
# Larger than the 1232 we offered, without TC: accepted as it is.
check big.lab.test $A "" 0 answer 1
check cname.lab.test $A "" 0 answer 1
check nosuch.lab.test $A "" 1 nxdomain 1 '"rcode":3'
grep -q '^udp .* formerr.lab.test. 1 1$' "$LAB_TMP/a.log" || lab_fail "first formerr query lacked EDNS"
grep -q '^udp .* formerr.lab.test. 1 0$' "$LAB_TMP/a.log" || lab_fail "retry still had EDNS"
# The two addresses of big.lab.test's answer arrive complete over UDP.
[ "$(grep -o '"rdataA"' "$LAB_TMP/out22.json" | wc -l)" -eq 100 ] || lab_fail "big answer"
echo "$n behaviours checked"
