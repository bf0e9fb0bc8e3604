#!/bin/sh
# Benchmark (not a test): `mxtrace mx` of a domain with two exchanges against the manual
# procedure done with dig (one `dig mx`, then one dig per exchange and address type), both
# against the same lab server answering every query after 50 ms. mxtrace should need about
# two round trips (MX, then all A/AAAA in parallel); dig needs five, one after the other.
# Needs root (network namespace), hyperfine and dig. Usage: sh bench/mx_vs_dig.sh [RUNS]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
LAB_LIB_DIR="$top/tests/lab"
BUILD=${BUILD:-$top/build}
MXTRACE=${MXTRACE:-$top/mxtrace}
export LAB_LIB_DIR BUILD MXTRACE
. "$LAB_LIB_DIR/lib.sh"
. "$LAB_LIB_DIR/lib_dns.sh"
runs=${1:-30}
delay=50
lab_require_cmd hyperfine hyperfine
lab_require_cmd dig dnsutils
[ -x "$MXTRACE" ] || lab_fail "build first: make"
lab_ns_create bench
SERVER=192.0.2.5
lab_ns_addr $SERVER/32
cat >"$LAB_TMP/bench.scenario" <<Z
rr twomx.bench. 300 SOA ns.bench. host.bench. 1 3600 600 86400 60
rr twomx.bench. 300 MX 10 mx1.twomx.bench.
rr twomx.bench. 300 MX 20 mx2.twomx.bench.
rr mx1.twomx.bench. 300 A 192.0.2.161
rr mx1.twomx.bench. 300 AAAA 2001:db8::161
rr mx2.twomx.bench. 300 A 192.0.2.162
rr mx2.twomx.bench. 300 AAAA 2001:db8::162
on * * delay=$delay
Z
lab_dns_dnslab "$LAB_TMP/bench.scenario" $SERVER "$LAB_TMP/queries.log"

# The blog procedure, as a person would type it.
cat >"$LAB_TMP/dig-procedure.sh" <<P
#!/bin/sh
for mx in \$(dig +short @$SERVER twomx.bench MX | awk '{print \$2}'); do
	dig +short @$SERVER "\$mx" A
	dig +short @$SERVER "\$mx" AAAA
done
P
# Both give the same four addresses.
lab_exec sh "$LAB_TMP/dig-procedure.sh" | sort >"$LAB_TMP/dig.out"
lab_exec "$MXTRACE" mx --server $SERVER --json twomx.bench |
	grep -o '"addresses":\[[^]]*\]' | grep -o '"[0-9a-f:.]*"' | tr -d '"' | sort \
	>"$LAB_TMP/mxtrace.out"
diff "$LAB_TMP/dig.out" "$LAB_TMP/mxtrace.out" || lab_fail "the two procedures disagree"
echo "both find: $(tr '\n' ' ' <"$LAB_TMP/dig.out")"

lab_exec hyperfine --warmup 3 --runs "$runs" --export-json "$LAB_TMP/h.json" \
	-n "mxtrace mx" "$MXTRACE mx --server $SERVER twomx.bench" \
	-n "dig procedure (5 digs)" "sh $LAB_TMP/dig-procedure.sh"
python3 - "$LAB_TMP/h.json" "$delay" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
d = int(sys.argv[2])
m, g = r[0]["mean"] * 1000, r[1]["mean"] * 1000
print("\nper-answer delay %d ms: mxtrace mx %.1f ms (%.2f round trips), dig procedure %.1f ms "
      "(%.2f round trips); dig/mxtrace = %.2f" % (d, m, m / d, g, g / d, g / m))
PY
echo "queries the server answered: $(wc -l <"$LAB_TMP/queries.log")"
