#!/bin/sh
# End-to-end tests of `mxtrace trace` in the example lab: every verdict, shared hosting across
# messages (cache hits in the trail), a hostile WHOIS server in the chain, report drafts parsed
# back (plain text and ARF), and the JSON of the main example against a golden file.
set -u
LAB_LIB_DIR=$(cd "$(dirname "$0")" && pwd)
. "$LAB_LIB_DIR/lib.sh"
. "$LAB_LIB_DIR/lib_demo.sh"
: "${MXTRACE:?}" "${BUILD:?}"
lab_require_cmd python3 python3
top=$(cd "$LAB_LIB_DIR/../.." && pwd)
check="$LAB_LIB_DIR/trace_check.py"
demo_lab_start trace
out="$LAB_TMP/out"
mkdir -p "$out"
fails=0

# run NAME EXPECTED_EXIT ARGS...: trace with JSON and a trail, keep stdout/trail under $out.
run() {
	_name=$1 _want=$2
	shift 2
	lab_timeout 90 ip netns exec "$LAB_NS" "$MXTRACE" trace --server "$LAB_DNS_RESOLVER" \
		--timeout 1000 --retries 2 --json --trail "$out/$_name.trail" "$@" \
		>"$out/$_name.json" 2>"$out/$_name.err"
	_rc=$?
	if [ "$_rc" -ne "$_want" ]; then
		echo "FAIL: $_name: exit $_rc, wanted $_want"
		cat "$out/$_name.err"
		fails=$((fails + 1))
		return 1
	fi
	echo "ok: $_name (exit $_rc)"
	return 0
}

# expect NAME CHECK ARGS...: a check of trace_check.py on the last run of NAME.
expect() {
	_name=$1
	shift
	if python3 "$check" "$@" "$out/$_name.json" "$out/$_name.trail"; then
		echo "ok: $_name: $*"
	else
		echo "FAIL: $_name: $*"
		fails=$((fails + 1))
	fi
}

cd "$top" || exit 1

# --- every verdict ---
run recipients 0 examples/inheritance.eml &&
	expect recipients verdict recipients &&
	expect recipients recipients abuse@nordlab-hosting.example abuse@mobile-lab.example \
		noc-abuse@baltic-transit.example abuse@labregistrar.example abuse@namesrus.example &&
	expect recipients trail-complete
run provider 0 examples/lottery-freemail.eml &&
	expect provider verdict provider && expect provider trail-count 0
run offline 1 examples/phishing-dead.eml && expect offline verdict offline
run nullmx 1 nullmx.test && expect nullmx verdict offline
run dead 1 dead.test && expect dead verdict dead
run servfail 75 servfail.test && expect servfail verdict retry-later
run hosted 0 claims@hosted-scam.example && expect hosted verdict provider
run bad 65 'not a domain!' && expect bad item-error
printf 'Subject: hello\n\nNothing to see here.\n' >"$out/nocand.eml"
run nocand 1 "$out/nocand.eml"

# --- two messages sharing hosting: each address and registered domain looked up once ---
sed 's/claims.office@crookmail.example/payments@crookmail2.example/g' examples/inheritance.eml \
	>"$out/second.eml"
run batch 0 examples/inheritance.eml "$out/second.eml" &&
	expect batch jsonl 2 &&
	expect batch once-whois 1.179.115.9 && expect batch once-whois scam-parcel-delivery.com &&
	expect batch once-dns mx2.scam-parcel-delivery.com. A &&
	expect batch netblock-pair 2a02:c7f:7e11::25 2a02:c7f:7e11::26

# --- a hostile server in the WHOIS chain: the trace ends, says what is missing ---
run hostile 75 --whois-timeout 1500 claims@hostile.example &&
	expect hostile missing 69.65.39.200
# --- port 43 unusable: the trace completes from the snapshots and says what is missing ---
run noport43 75 --no-whois examples/inheritance.eml &&
	expect noport43 verdict retry-later &&
	expect noport43 missing "snapshot: RIPE NCC" && expect noport43 missing "RDAP"
# --- an RDAP-only registry in the chain: its RDAP URL is given instead of a registrar ---
run rdaponly 0 claims@rdap-scam.example && expect rdaponly verdict recipients &&
	expect rdaponly missing "serves RDAP only"
# --- a rogue DNS server forging out-of-bailiwick data ---
run poison 1 poison.test

# --- report drafts, plain text and ARF, parsed back ---
run drafts 0 --report "$out/drafts" examples/inheritance.eml examples/lottery-freemail.eml &&
	expect drafts drafts-text "$out/drafts" examples/inheritance.eml examples/lottery-freemail.eml
# the same drafts from the saved JSON (outside the lab: no packet needed)
if "$MXTRACE" report --report "$out/fromjson" "$out/drafts.json" >"$out/fromjson.out" 2>&1 &&
	python3 - "$out/drafts" "$out/fromjson" <<'PY'
import os, sys
a, b = sys.argv[1], sys.argv[2]
na, nb = sorted(os.listdir(a)), sorted(os.listdir(b))
assert na == nb, (na, nb)
for n in na:
    da = [l for l in open(os.path.join(a, n), "rb").read().split(b"\n") if not l.startswith(b"Date: ")]
    db = [l for l in open(os.path.join(b, n), "rb").read().split(b"\n") if not l.startswith(b"Date: ")]
    assert da == db, n
PY
then echo "ok: report from saved JSON gives the same drafts"
else echo "FAIL: report from saved JSON"; cat "$out/fromjson.out"; fails=$((fails + 1)); fi
run arf 0 --format arf --report "$out/arf" examples/inheritance.eml &&
	expect arf drafts-arf "$out/arf" examples/inheritance.eml

# --- JSON of the main example, volatile members removed, against the golden file ---
run golden 0 --fixed-clock 1796342400 examples/inheritance.eml &&
	expect golden golden "$top/tests/golden/trace-inheritance.json"

[ $fails -eq 0 ] || lab_fail "$fails trace checks failed"
echo "all trace lab checks passed"
