#!/bin/sh
# `mxtrace mx` through the lab's unbound (root, TLD and domain zones on nsd) gives the same
# verdicts, MX sets and addresses as dig on the same lab, for every scenario domain; the
# trail has exactly one record per query the resolver received; exit codes follow README.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_dns.sh"
lab_require_cmd dig dnsutils
lab_require_cmd python3 python3
lab_dns_start_standard

domains="single.test multi.test other.test nullmx.test mixednull.test implicit.test
nodata.test nosuch.test servfail.test cnamemx.test v6only.test dead.test literal.test
big.test mail.aliases.test twomx.test poison.test cycle-a.test"
T="$LAB_TMP/mx.trail"
J="$LAB_TMP/mx.jsonl"

before=$(lab_dns_resolver_queries)
# shellcheck disable=SC2086
lab_timeout 60 ip netns exec "$LAB_NS" "$MXTRACE" mx --json --trail "$T" \
	--server "$LAB_DNS_RESOLVER" $domains >"$J"
st=$?
after=$(lab_dns_resolver_queries)
[ $st -eq 75 ] || lab_fail "batch exit $st, want 75 (servfail.test is a temporary failure)"
records=$(wc -l <"$T" | tr -d ' ')
echo "trail records: $records, queries received by the resolver: $((after - before))"
[ "$records" -eq $((after - before)) ] || lab_fail "trail and resolver disagree"
[ "$records" -gt 100 ] || lab_fail "suspiciously few records: $records"
grep '"qname":"big.test."' "$T" | grep -q '"proto":"tcp".*"retry":"truncated (TC) by 192.0.2.53:53"' ||
	lab_fail "big.test did not go over TCP after TC"

# shellcheck disable=SC2086
python3 "$(dirname "$0")/mx_vs_dig.py" "$LAB_NS" "$LAB_DNS_RESOLVER" "$J" $domains ||
	lab_fail "mxtrace and dig differ"

# Flags that dig cannot show, checked from the JSON.
python3 - "$J" <<'PY' || lab_fail "flags"
import json, sys
r = {x["domain"]: x for x in map(json.loads, open(sys.argv[1]))}
assert r["cnamemx.test."]["exchanges"][0]["cname"] is True
assert r["literal.test."]["exchanges"][0]["ip_literal"] is True
assert r["mixednull.test."]["null_mx_mixed"] is True
assert r["servfail.test."]["temporary"] is True
assert r["servfail.test."]["mx_lookup"]["outcome"] == "servfail"
assert r["dead.test."]["exchanges"][0]["nxdomain"] is True
assert r["mail.aliases.test."]["mx_lookup"]["canonical_name"] == "single.test."
assert all(h["a"]["server"] == "192.0.2.53:53" for h in r["single.test."]["exchanges"])
print("flags ok")
PY

# Exit codes, one domain at a time: 0 mail service, 1 none, 75 temporary failure.
for pair in single.test:0 implicit.test:0 nullmx.test:1 nosuch.test:1 nodata.test:1 \
	dead.test:1 servfail.test:75; do
	d=${pair%%:*}
	want=${pair##*:}
	lab_timeout 30 ip netns exec "$LAB_NS" "$MXTRACE" mx --server "$LAB_DNS_RESOLVER" "$d" \
		>"$LAB_TMP/one.out"
	got=$?
	[ "$got" -eq "$want" ] || lab_fail "mx $d: exit $got, want $want"
done
# An address works as well as a domain; the text names the verdict.
lab_timeout 30 ip netns exec "$LAB_NS" "$MXTRACE" mx --server "$LAB_DNS_RESOLVER" \
	scammer@other.test >"$LAB_TMP/addr.out" || lab_fail "mx of an address"
grep -q '^  MX 5 mail.provider.example.$' "$LAB_TMP/addr.out" || lab_fail "address text"
echo "all exit codes as documented"
