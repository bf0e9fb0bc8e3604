#!/bin/sh
# Benchmark (not a test): `mxtrace trace` of one scam message against the manual procedure
# scripted with dig and Debian's whois, in the example lab with every server answer delayed
# by DELAY ms (default 50): every DNS answer (the lab's dnslab server, which mxtrace and dig
# both ask directly, as they would ask a recursive resolver) and every WHOIS answer.
#
# Scenario: reply domain refund-claims-office.com (.com: Verisign -> registrar), two
# exchanges mx1/mx2.swiftmail-relay.net (.net: Verisign -> registrar), each with an IPv4 and
# an IPv6 address in blocks that the lab's ARIN refers to RIPE (examples/lab/README.md).
# Reports, in one run: mxtrace's median wall time, the critical path derived from its trail
# (bench/trace_path.py) and the manual procedure's median time, with the goals
# (mxtrace within 1.25x of the critical path, at least 3x faster than the script).
# Needs root (network namespace), nsd, unbound, dig, whois, hyperfine, python3.
# Usage: sh bench/trace_vs_manual.sh [MXTRACE_RUNS [SCRIPT_RUNS [DELAY_MS]]]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
LAB_LIB_DIR="$top/tests/lab"
BUILD=${BUILD:-$top/build}
MXTRACE=${MXTRACE:-$top/mxtrace}
export LAB_LIB_DIR BUILD MXTRACE
. "$LAB_LIB_DIR/lib.sh"
. "$LAB_LIB_DIR/lib_demo.sh"
runs=${1:-20}
sruns=${2:-5}
delay=${3:-50}
lab_require_cmd hyperfine hyperfine
lab_require_cmd dig dnsutils
lab_require_cmd whois whois
lab_require_cmd python3 python3
[ -x "$MXTRACE" ] || lab_fail "build first: make"
domain=refund-claims-office.com

demo_lab_start tvm "$delay"
S=$DEMO_DNS

# The message: a refund scam whose replies go to claims@refund-claims-office.com.
cat >"$LAB_TMP/refund.eml" <<'MSG'
From: "HM Revenue Refunds" <noreply@refunds-notice.example>
Reply-To: "Refund Claims Office" <claims@refund-claims-office.com>
To: undisclosed-recipients:;
Subject: Tax refund notification: GBP 1,284.60 awaiting your confirmation
Date: Thu, 03 Dec 2026 09:12:44 +0000
Message-ID: <20261203091244.77310@refunds-notice.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Dear taxpayer,

After the annual calculation of your fiscal activity we have determined that you are
eligible to receive a tax refund of GBP 1,284.60.

To receive your refund, reply to this message with your full name, date of birth and
the card number the refund should be paid to. Claims not confirmed within 72 hours
are cancelled.

Refund Claims Office
MSG

# The manual procedure, exactly as the steps describe, one command after the other:
# dig MX; dig A and AAAA per exchange; whois per address; the registered domain of each
# exchange (its last two labels: right for .net) -> whois. Debian whois chooses its server
# from its own tables, finds the lab servers in the namespace's /etc/hosts and follows the
# referrals (ARIN -> RIPE, Verisign -> registrar) itself.
cat >"$LAB_TMP/manual.sh" <<P
#!/bin/sh
mxs=\$(dig +short @$S $domain MX | sort -n | awk '{print \$2}')
addrs=""
for mx in \$mxs; do
	addrs="\$addrs \$(dig +short @$S "\$mx" A) \$(dig +short @$S "\$mx" AAAA)"
done
for a in \$addrs; do
	echo "== whois \$a"
	whois "\$a"
done
for mx in \$mxs; do
	reg=\$(echo "\${mx%.}" | awk -F. '{print \$(NF-1) "." \$NF}')
	echo "== whois \$reg"
	whois "\$reg"
done
P

echo "== lab: every DNS and WHOIS answer after $delay ms (DNS server $S)"

# 1. Both find the same facts; what the script asked, and where.
dq0=$(lab_dns_resolver_queries)
ndig0=$(lab_dns_count "$DEMO_DNS_QLOG")
: >"$DEMO_QLOG"
lab_exec sh "$LAB_TMP/manual.sh" >"$LAB_TMP/manual.out" 2>&1
dq1=$(lab_dns_resolver_queries)
ndig=$(($(lab_dns_count "$DEMO_DNS_QLOG") - ndig0))
cp "$DEMO_QLOG" "$LAB_TMP/manual.qlog"
: >"$DEMO_QLOG"
lab_exec "$MXTRACE" --server "$S" trace --json --trail "$LAB_TMP/trail.jsonl" \
	"$LAB_TMP/refund.eml" >"$LAB_TMP/trace.json" 2>"$LAB_TMP/trace.err" ||
	lab_fail "mxtrace trace failed: $(cat "$LAB_TMP/trace.err")"
python3 - "$LAB_TMP/trace.json" "$LAB_TMP/manual.out" <<'PY' || lab_fail "the two procedures disagree"
import json, re, sys
t = json.load(open(sys.argv[1]))["traces"][0]
manual = open(sys.argv[2], encoding="utf-8", errors="replace").read()
addrs = sorted(a["address"] for h in t["hosts"] for a in h["addresses"])
abuse = sorted({a["abuse"]["email"] for h in t["hosts"] for a in h["addresses"] if a.get("abuse")})
regs = sorted({h["registered_domain"]["abuse"]["email"] for h in t["hosts"]
               if (h.get("registered_domain") or {}).get("abuse")})
if not abuse or not regs:
    print("mxtrace found no network or no registrar abuse contact")
    sys.exit(1)
seen = sorted(set(re.findall(r"^== whois (\S+)", manual, re.M)))
ok = True
for a in addrs:
    if ("== whois " + a) not in manual:
        print("the script did not find " + a); ok = False
for e in abuse + regs:
    if e not in manual:
        print("the script's whois output lacks " + e); ok = False
print("both find: %s; network abuse %s; registrar abuse %s" % (" ".join(addrs), " ".join(abuse),
                                                              " ".join(regs)))
sys.exit(0 if ok else 1)
PY
echo "the script's WHOIS queries (server <TAB> query line), in order:"
sed 's/^/  /' "$LAB_TMP/manual.qlog"
echo "DNS queries the lab resolver received while the script ran: $((dq1 - dq0))" \
	"(Debian whois found every server in /etc/hosts)"
nwq=$(wc -l <"$LAB_TMP/manual.qlog")

# 2. The critical path, from mxtrace's trail.
echo
python3 "$top/bench/trace_path.py" critical "$LAB_TMP/trail.jsonl" "$delay" |
	tee "$LAB_TMP/critical.txt" | grep -v '^CRITICAL'
cp_ms=$(awk '/^CRITICAL/ {print $3}' "$LAB_TMP/critical.txt")
cp_n=$(awk '/^CRITICAL/ {print $2}' "$LAB_TMP/critical.txt")

# 3. Timing, side by side.
echo
lab_exec hyperfine --warmup 1 --runs "$runs" --export-json "$LAB_TMP/h1.json" \
	-n "mxtrace trace" "$MXTRACE --server $S trace $LAB_TMP/refund.eml" >"$LAB_TMP/h1.txt" ||
	lab_fail "hyperfine (mxtrace): $(cat "$LAB_TMP/h1.txt")"
lab_exec hyperfine --warmup 1 --runs "$sruns" --export-json "$LAB_TMP/h2.json" \
	-n "manual procedure" "sh $LAB_TMP/manual.sh" >"$LAB_TMP/h2.txt" ||
	lab_fail "hyperfine (script): $(cat "$LAB_TMP/h2.txt")"
python3 - "$LAB_TMP/h1.json" "$LAB_TMP/h2.json" "$delay" "$cp_n" "$cp_ms" "$nwq" "$ndig" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["results"][0]
s = json.load(open(sys.argv[2]))["results"][0]
delay, cp_n, cp_ms, nwq, digs = (int(x) for x in sys.argv[3:8])
mm, sm = m["median"] * 1000, s["median"] * 1000
rt = digs + nwq             # one after the other
print("mxtrace trace:    median %6.1f ms over %d runs (min %.1f, max %.1f)" %
      (mm, len(m["times"]), min(m["times"]) * 1000, max(m["times"]) * 1000))
print("manual procedure: median %6.1f ms over %d runs (min %.1f, max %.1f): %d dig + %d WHOIS "
      "exchanges in sequence = %d round trips = %d ms of waiting" %
      (sm, len(s["times"]), min(s["times"]) * 1000, max(s["times"]) * 1000, digs, nwq, rt,
       rt * delay))
r1, r2 = mm / cp_ms, sm / mm
print("goal 1: mxtrace / critical path (%d x %d ms = %d ms) = %.2fx (goal <= 1.25x): %s" %
      (cp_n, delay, cp_ms, r1, "met" if r1 <= 1.25 else "MISSED"))
print("goal 2: manual procedure / mxtrace = %.2fx (goal >= 3x): %s" %
      (r2, "met" if r2 >= 3 else "MISSED"))
PY
