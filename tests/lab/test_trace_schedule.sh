#!/bin/sh
# Scheduling of `mxtrace trace` (regression test): an exchange's domain WHOIS starts as soon
# as the MX answer names the exchange, not after every address lookup has ended, and the
# RIRs' WHOIS servers are resolved ahead, so that no IP chain waits for DNS between its hops.
# An address's IP WHOIS starts when its own answer arrives: a slow exchange does not hold up
# the chains of the others.
# The exchanges' address answers are held back 2.5 s; everything is checked as an order of
# events in the trail, never against a wall-clock limit. Also checks the demo lab's extra
# WHOIS overlay and zone directories, and its delayed DNS server.
set -u
LAB_LIB_DIR=$(cd "$(dirname "$0")" && pwd)
. "$LAB_LIB_DIR/lib.sh"
. "$LAB_LIB_DIR/lib_demo.sh"
: "${MXTRACE:?}" "${BUILD:?}"
lab_require_cmd python3 python3
lab_require_cmd dig dnsutils
slow=2500

lab_ns_create sched
# An extra overlay that must win over examples/lab/whois, and an extra zone.
mkdir -p "$LAB_TMP/xwhois/whois.namesrus.example" "$LAB_TMP/xzones"
printf 'refund-claims-office.com\toverlay.txt\n' >"$LAB_TMP/xwhois/whois.namesrus.example/index"
sed 's/abuse@namesrus.example/overlay-abuse@namesrus.example/' \
	"$LAB_LIB_DIR/../../examples/lab/whois/whois.namesrus.example/refund-claims-office.com.txt" \
	>"$LAB_TMP/xwhois/whois.namesrus.example/overlay.txt"
printf '@\tMX\t10 mx1.swiftmail-relay.net.\n' >"$LAB_TMP/xzones/sched-extra.example.zone"
printf '@\tMX\t10 fast\n@\tMX\t20 slow\nfast\tA\t63.141.222.25\nslow\tA\t63.141.222.77\n' \
	>"$LAB_TMP/xzones/split.example.zone"
printf 'on mx1.swiftmail-relay.net * delay=%s\non mx2.swiftmail-relay.net * delay=%s\n' \
	"$slow" "$slow" >"$LAB_TMP/rules"
printf 'on slow.split.example * delay=%s\n' "$slow" >>"$LAB_TMP/rules"
DEMO_DNS_RULES="$LAB_TMP/rules"
demo_lab_start sched 1 "$LAB_TMP/xwhois" "$LAB_TMP/xzones"

# The extra zone is served by both the standard lab and the delayed server.
for s in "$LAB_DNS_RESOLVER" "$DEMO_DNS"; do
	got=$(lab_timeout 20 ip netns exec "$LAB_NS" dig +time=5 +tries=1 +short "@$s" \
		sched-extra.example MX)
	[ "$got" = "10 mx1.swiftmail-relay.net." ] || lab_fail "extra zone via $s: '$got'"
done
echo "ok: extra zone served by $LAB_DNS_RESOLVER and $DEMO_DNS"

lab_timeout 60 ip netns exec "$LAB_NS" "$MXTRACE" trace --server "$DEMO_DNS" --timeout 8000 --json \
	--trail "$LAB_TMP/trail" claims@refund-claims-office.com >"$LAB_TMP/out.json" \
	2>"$LAB_TMP/err" || lab_fail "trace failed: $(cat "$LAB_TMP/err")"

python3 - "$LAB_TMP/out.json" "$LAB_TMP/trail" "$slow" <<'PY' || lab_fail "schedule checks"
import datetime, json, sys

out = json.load(open(sys.argv[1]))
trail = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
slow = int(sys.argv[3])
bad = 0


def ms(r):
    t = datetime.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
    return t.timestamp() * 1000


def check(ok, what):
    global bad
    print(("ok: " if ok else "FAIL: ") + what)
    bad += not ok


addr = [r for r in trail if r.get("qname", "").startswith(("mx1.", "mx2.")) and
        r.get("qtype") in ("A", "AAAA")]
check(len(addr) == 4, "four address lookups of the exchanges")
first_addr_end = min(ms(r) + r["elapsed_ms"] for r in addr)
check(min(r["elapsed_ms"] for r in addr) >= slow - 100, "the address answers were held back")

# 1. The exchanges' registered domain: asked while the address lookups were still running.
reg = [r for r in trail if r.get("proto") == "whois" and
       r.get("qname", "").endswith("swiftmail-relay.net")]
check(len(reg) == 2, "swiftmail-relay.net asked at the registry and the registrar")
check(all(ms(r) < first_addr_end for r in reg),
      "its domain WHOIS ran before any address answer came")

# 2. The RIR servers: resolved once each, ahead (warm-up), before the addresses were known;
#    no IP chain asked DNS for them again.
for name in ("whois.arin.net.", "whois.ripe.net."):
    q = [r for r in trail if r.get("qname") == name]
    check(len(q) == 1, "%s resolved once (%d)" % (name, len(q)))
    check(all(r["cause"].startswith("warm-up") for r in q), name + " resolved by the warm-up")
    check(all(ms(r) < first_addr_end for r in q), name + " resolved before the addresses came")
ip = [r for r in trail if r.get("proto") == "whois" and "63.141.222.25" in r.get("qname", "")]
check([r["server_name"] for r in ip] == ["whois.arin.net", "whois.ripe.net"],
      "the IPv4 chain went ARIN -> RIPE")

# 3. The extra overlay's answer won over examples/lab/whois.
text = json.dumps(out)
check("overlay-abuse@namesrus.example" in text, "the extra WHOIS overlay wins")
sys.exit(1 if bad else 0)
PY
# A slow exchange: the fast one's IP chain runs while the slow one's address is pending.
lab_timeout 60 ip netns exec "$LAB_NS" "$MXTRACE" trace --server "$DEMO_DNS" --timeout 8000 \
	--json --trail "$LAB_TMP/trail2" claims@split.example >"$LAB_TMP/out2.json" \
	2>"$LAB_TMP/err2" || lab_fail "split trace failed: $(cat "$LAB_TMP/err2")"
python3 - "$LAB_TMP/trail2" "$slow" <<'PY' || lab_fail "per-address scheduling"
import datetime, json, sys

trail = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
slow = int(sys.argv[2])


def ms(r):
    return datetime.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp() * 1000


slow_a = [r for r in trail if r.get("qname") == "slow.split.example." and r.get("qtype") == "A"]
fast_ip = [r for r in trail if r.get("proto") == "whois" and "63.141.222.25" in r.get("qname", "")]
assert len(slow_a) == 1 and slow_a[0]["elapsed_ms"] >= slow - 100, slow_a
assert fast_ip, "no IP WHOIS for the fast exchange"
slow_end = ms(slow_a[0]) + slow_a[0]["elapsed_ms"]
assert all(ms(r) < slow_end for r in fast_ip), "the fast chain waited for the slow exchange"
print("ok: the fast exchange's IP WHOIS ran before the slow exchange's address came")
PY
echo "all scheduling checks passed"
