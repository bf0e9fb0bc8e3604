#!/bin/sh
# --iterative from the lab's root hints: the same verdicts, MX sets and addresses as dig
# through unbound; the recursive resolver is never asked; the path goes root → TLD →
# domain servers; forged out-of-bailiwick data from a rogue server is ignored; a glueless
# name-server cycle ends as a temporary failure within the query budget.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_dns.sh"
lab_require_cmd dig dnsutils
lab_require_cmd python3 python3
lab_dns_start_standard

domains="single.test multi.test other.test nullmx.test mixednull.test implicit.test
nodata.test nosuch.test servfail.test cnamemx.test v6only.test dead.test literal.test
big.test mail.aliases.test twomx.test poison.test cycle-a.test"
T="$LAB_TMP/it.trail"
J="$LAB_TMP/it.jsonl"

before=$(lab_dns_resolver_queries)
# shellcheck disable=SC2086
lab_timeout 120 ip netns exec "$LAB_NS" "$MXTRACE" mx --iterative --hints "$LAB_DNS_HINTS" \
	--timeout 500 --json --trail "$T" $domains >"$J"
st=$?
after=$(lab_dns_resolver_queries)
[ $st -eq 75 ] || lab_fail "batch exit $st, want 75"
[ "$before" -eq "$after" ] || lab_fail "the recursive resolver was asked $((after - before)) times"
grep -q "\"server\":\"$LAB_DNS_RESOLVER\"" "$T" && lab_fail "a query went to the resolver"
echo "iterative: $(wc -l <"$T" | tr -d ' ') exchanges, none with the recursive resolver"

# The path of single.test's MX: the root, then the TLD, then the domain's server (the alias
# mail.aliases.test asks single.test's server directly later: the zone cut is known).
path=$(grep '"qname":"single.test.","qtype":"MX".*"cause":"MX of single.test."' "$T" | sed 's/.*"server":"\([^"]*\)".*/\1/' |
	tr '\n' ' ')
[ "$path" = "$LAB_DNS_ROOT $LAB_DNS_TLD $LAB_DNS_AUTH " ] || lab_fail "single.test path: $path"
grep '"qname":"single.test.","qtype":"MX"' "$T" | head -1 | grep -q '"outcome":"referral".*"note":"zone ."' ||
	lab_fail "first step is not a referral from the root"

# shellcheck disable=SC2086
python3 "$(dirname "$0")/mx_vs_dig.py" "$LAB_NS" "$LAB_DNS_RESOLVER" "$J" $domains ||
	lab_fail "mxtrace --iterative and dig differ"

grep -q '203.0.113.66' "$J" && lab_fail "forged out-of-bailiwick address was used"
grep '"qname":"mail.poison.test."' "$T" | grep -q '"outcome":"alias"' ||
	lab_fail "the rogue alias was not followed from the root"
cyc=$(grep -c 'cycle-' "$T")
echo "name-server cycle: $cyc exchanges"
[ "$cyc" -gt 0 ] && [ "$cyc" -le 50 ] || lab_fail "cycle not bounded: $cyc"
python3 - "$J" <<'PY' || lab_fail "verdict details"
import json, sys
r = {x["domain"]: x for x in map(json.loads, open(sys.argv[1]))}
assert r["cycle-a.test."]["status"] == "temporary-failure"
assert "no address for its name servers" in r["cycle-a.test."]["mx_lookup"]["detail"]
assert r["poison.test."]["exchanges"][0]["cname"] is True
assert r["single.test."]["mx_lookup"]["server"] == "192.0.2.3:53"
print("details ok")
PY

# TCP only, iteratively: every exchange is a TCP exchange, the big answer arrives whole.
lab_timeout 60 ip netns exec "$LAB_NS" "$MXTRACE" dns --iterative --hints "$LAB_DNS_HINTS" \
	--tcp --trail "$LAB_TMP/tcp.trail" big.test MX >"$LAB_TMP/big.out" || lab_fail "dns --tcp"
grep -q '"proto":"udp"' "$LAB_TMP/tcp.trail" && lab_fail "--tcp sent UDP"
[ "$(grep -c '	IN	MX	' "$LAB_TMP/big.out")" -eq 40 ] || lab_fail "big.test over TCP"
echo "iterative mode ok"
