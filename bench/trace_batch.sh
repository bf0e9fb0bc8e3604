#!/bin/sh
# Benchmark (not a test): `mxtrace trace` of 200 generated scam messages in one run against
# the same trace run 200 times, one fresh process per message, in the example lab with every
# DNS and WHOIS answer delayed by DELAY ms (default 50, as bench/trace_vs_manual.sh).
#
# The messages' 50 reply domains share 10 hosting networks (RIPE, ARIN, and ARIN blocks
# transferred to RIPE; an IPv4 /24 and an IPv6 /48 each): bench/gen_trace_batch.py writes
# the messages, zones and WHOIS answers into the lab's temporary directory (nothing is
# committed). Reports mxtrace's WHOIS queries per distinct netblock and DNS queries per
# distinct name (from the batch's trail), and both total times.
# Needs root (network namespace), nsd, unbound, hyperfine, python3.
# Usage: sh bench/trace_batch.sh [MESSAGES [DOMAINS [NETWORKS [DELAY_MS]]]]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
LAB_LIB_DIR="$top/tests/lab"
BUILD=${BUILD:-$top/build}
MXTRACE=${MXTRACE:-$top/mxtrace}
export LAB_LIB_DIR BUILD MXTRACE
. "$LAB_LIB_DIR/lib.sh"
. "$LAB_LIB_DIR/lib_demo.sh"
nmsg=${1:-200}
ndom=${2:-50}
nnet=${3:-10}
delay=${4:-50}
lab_require_cmd hyperfine hyperfine
lab_require_cmd python3 python3
[ -x "$MXTRACE" ] || lab_fail "build first: make"

lab_ns_create tbatch
gen="$LAB_TMP/gen"
python3 "$top/bench/gen_trace_batch.py" "$gen" "$nmsg" "$ndom" "$nnet" ||
	lab_fail "generating the messages failed"
demo_lab_start tbatch "$delay" "$gen/whois" "$gen/zones"
S=$DEMO_DNS
cd "$gen" || exit 1
echo "== $nmsg messages, $ndom reply domains, $nnet networks; every DNS and WHOIS answer" \
	"after $delay ms (DNS server $S)"

# 1. The batch once, with JSON and a trail: what it found and what it asked.
w0=$(lab_dns_count "$DEMO_QLOG")
d0=$(lab_dns_count "$DEMO_DNS_QLOG")
lab_exec "$MXTRACE" --server "$S" trace --json --trail "$LAB_TMP/batch.trail" msgs/*.eml \
	>"$LAB_TMP/batch.jsonl" 2>"$LAB_TMP/batch.err"
rc=$?
[ $rc -eq 0 ] || lab_fail "batch trace: exit $rc: $(tail -3 "$LAB_TMP/batch.err")"
bw=$(($(lab_dns_count "$DEMO_QLOG") - w0))
bd=$(($(lab_dns_count "$DEMO_DNS_QLOG") - d0))
python3 - "$LAB_TMP/batch.jsonl" "$gen/expect.json" <<'PY' || lab_fail "wrong batch results"
import json, sys
exp = json.load(open(sys.argv[2]))
bad = 0
items = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for it in items:
    name = it["input"]["source"].split("/")[-1]
    ts = it.get("traces", [])
    if [t["domain"] for t in ts] != [exp["messages"][name]] or \
            ts[0]["verdict"]["code"] != "recipients" or \
            not any(r["kind"] == "network" for r in ts[0]["recipients"]) or \
            any(h.get("registered_domain") is None for h in ts[0]["hosts"]):
        bad += 1
        print("unexpected result for %s: %s" % (name, json.dumps(ts)[:300]))
print("batch: %d messages, %d traced to their reply domain with network and registrar "
      "contacts" % (len(items), len(items) - bad))
sys.exit(1 if bad or len(items) != len(exp["messages"]) else 0)
PY
python3 "$top/bench/trace_path.py" counts "$LAB_TMP/batch.trail" "$LAB_TMP/batch.jsonl" |
	grep -v '^COUNTS' | sed 's/^/  /'
echo "  the lab servers received: $bw WHOIS queries, $bd DNS queries"
python3 "$top/bench/trace_path.py" critical "$LAB_TMP/batch.trail" "$delay" |
	grep -v "^CRITICAL" | sed "s/^/  batch: /"

# 2. The same messages one by one, a fresh process each: what they asked.
cat >"$LAB_TMP/singles.sh" <<P
#!/bin/sh
for f in $gen/msgs/*.eml; do
	"$MXTRACE" --server $S trace "\$f" >/dev/null
done
P
w0=$(lab_dns_count "$DEMO_QLOG")
d0=$(lab_dns_count "$DEMO_DNS_QLOG")
lab_exec hyperfine --runs 1 --export-json "$LAB_TMP/h2.json" -n "$nmsg single traces" \
	"sh $LAB_TMP/singles.sh" >"$LAB_TMP/h2.txt" ||
	lab_fail "hyperfine (singles): $(cat "$LAB_TMP/h2.txt")"
sw=$(($(lab_dns_count "$DEMO_QLOG") - w0))
sd=$(($(lab_dns_count "$DEMO_DNS_QLOG") - d0))
echo "$nmsg single traces: the lab servers received $sw WHOIS queries, $sd DNS queries"

# 3. Timing: the batch (median of 3) against the single traces (one pass of 200 processes).
lab_exec hyperfine --warmup 1 --runs 3 --export-json "$LAB_TMP/h1.json" -n "batch" \
	"$MXTRACE --server $S trace $gen/msgs/*.eml" >"$LAB_TMP/h1.txt" ||
	lab_fail "hyperfine (batch): $(cat "$LAB_TMP/h1.txt")"
python3 - "$LAB_TMP/h1.json" "$LAB_TMP/h2.json" "$nmsg" "$delay" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["results"][0]
s = json.load(open(sys.argv[2]))["results"][0]
n, delay = int(sys.argv[3]), int(sys.argv[4])
bm, sm = b["median"], s["median"]
print("batch, one process:       %7.2f s (median of %d; %.1f ms per message)" %
      (bm, len(b["times"]), bm * 1000 / n))
print("%d single traces:        %7.2f s (one pass; %.1f ms per message)" %
      (n, sm, sm * 1000 / n))
print("single traces / batch = %.1fx (answers delayed %d ms)" % (sm / bm, delay))
PY
