#!/bin/sh
# --socks5 in the example lab, from a restricted network: mxtrace runs in a namespace whose
# only link is a veth pair to the proxy's subnet (no route to the lab's DNS or WHOIS
# servers: "proxy only"), the lab's own SOCKS5 server (tests/lab/socks5d.c) relays. The
# trace gives the same recipients as without the proxy; the proxy's log shows every WHOIS
# connection by name and DNS over TCP; the trail shows no UDP and no DNS query for a WHOIS
# server. Also: authentication (the password never shown), the proxy's refusals in plain
# words, referral names refused by form, and the dns/mx/whois commands.
set -u
LAB_LIB_DIR=$(cd "$(dirname "$0")" && pwd)
. "$LAB_LIB_DIR/lib.sh"
. "$LAB_LIB_DIR/lib_demo.sh"
: "${MXTRACE:?}" "${BUILD:?}"
lab_require_cmd python3 python3
[ -x "$BUILD/lab/socks5d" ] || lab_fail "$BUILD/lab/socks5d not built"
top=$(cd "$LAB_LIB_DIR/../.." && pwd)
cd "$top" || exit 1

lab_ns_create socks5
# A WHOIS server whose answers refer to names that mean loopback (127.1 is an address to
# inet_aton, whois.localhost is loopback by RFC 6761): through the proxy only their form
# can be checked.
mkdir -p "$LAB_TMP/overlay/sneaky.lab.example"
printf '*127-1*\tnumeric.txt\n*\tlocalhost.txt\n' >"$LAB_TMP/overlay/sneaky.lab.example/index"
for f in numeric:127.1 localhost:whois.localhost; do
	cat >"$LAB_TMP/overlay/sneaky.lab.example/${f%%:*}.txt" <<EOF
Domain Name: SNEAKY.EXAMPLE
Registrar WHOIS Server: ${f#*:}
Registrar: Sneaky Registrar
Registrar IANA ID: 4244
Registrar Abuse Contact Email: abuse@sneaky.lab.example
EOF
done
demo_lab_start socks5 0 "$LAB_TMP/overlay"

# The restricted client namespace, linked to the lab by a veth pair (10.215.0.0/30 only).
CLI_NS="mxt-socks5c-$$"
VA="s5a$$"
VB="s5b$$"
socks_cleanup() {
	ip link del "$VA" 2>/dev/null
	ip netns del "$CLI_NS" 2>/dev/null
	rm -rf "/etc/netns/$CLI_NS"
	lab_cleanup
}
trap socks_cleanup EXIT
ip netns add "$CLI_NS" || lab_fail "ip netns add $CLI_NS"
mkdir -p "/etc/netns/$CLI_NS"
echo "nameserver 127.0.0.1" >"/etc/netns/$CLI_NS/resolv.conf"
ip link add "$VA" type veth peer name "$VB" 2>/dev/null || lab_skip "no veth support"
ip link set "$VA" netns "$LAB_NS" && ip link set "$VB" netns "$CLI_NS" || lab_fail "veth move"
lab_exec ip addr add 10.215.0.1/30 dev "$VA" && lab_exec ip link set "$VA" up &&
	ip netns exec "$CLI_NS" ip link set lo up &&
	ip netns exec "$CLI_NS" ip addr add 10.215.0.2/30 dev "$VB" &&
	ip netns exec "$CLI_NS" ip link set "$VB" up || lab_fail "veth addresses"

PROXY=10.215.0.1:1080
APROXY=10.215.0.1:1081
PLOG="$LAB_TMP/socks5.log"
APLOG="$LAB_TMP/socks5-auth.log"
HOSTS="/etc/netns/$LAB_NS/hosts"
lab_bg "$LAB_TMP/socks5d.out" "$BUILD/lab/socks5d" -l "$PROXY" -H "$HOSTS" -L "$PLOG" \
	-x 'blocked.*'
lab_bg "$LAB_TMP/socks5d-auth.out" "$BUILD/lab/socks5d" -l "$APROXY" -H "$HOSTS" -L "$APLOG" \
	-u lab:Pr0xyPass
for f in "$LAB_TMP/socks5d.out" "$LAB_TMP/socks5d-auth.out"; do
	_w=0
	until grep -q '^ready$' "$f" 2>/dev/null; do
		_w=$((_w + 1))
		[ $_w -gt 100 ] && lab_fail "socks5d did not start: $(cat "$f")"
		sleep 0.1
	done
done

out="$LAB_TMP/out"
mkdir -p "$out"
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# client NAME WANT_EXIT ARGS...: mxtrace in the restricted namespace (90 s deadline).
client() {
	_name=$1 _want=$2
	shift 2
	lab_timeout 90 ip netns exec "$CLI_NS" "$MXTRACE" "$@" >"$out/$_name.out" \
		2>"$out/$_name.err"
	_rc=$?
	if [ "$_rc" -ne "$_want" ]; then
		bad "$_name: exit $_rc, wanted $_want"
		sed 's/^/    /' "$out/$_name.err" | head -20
		return 1
	fi
	ok "$_name (exit $_rc)"
	return 0
}

# --- the network is proxy-only: without the proxy nothing gets through ---
client direct 75 trace --server "$DEMO_DNS" --timeout 500 --retries 1 --json \
	--trail "$out/direct.trail" examples/inheritance.eml

# --- the trace: same recipients as in the lab without a proxy ---
lab_timeout 90 ip netns exec "$LAB_NS" "$MXTRACE" trace --server "$DEMO_DNS" --timeout 1000 \
	--retries 2 --json --trail "$out/base.trail" examples/inheritance.eml >"$out/base.json" \
	2>"$out/base.err" || bad "trace without a proxy (in the lab) failed: $(cat "$out/base.err")"
: >"$PLOG"
if client proxied 0 trace --server "$DEMO_DNS" --socks5 "$PROXY" --timeout 1000 --retries 2 \
	--json --trail "$out/proxied.trail" examples/inheritance.eml; then
	if python3 - "$out/base.json" "$out/proxied.out" <<'PY'
import json, sys
def recips(path):
    d = json.load(open(path))
    return sorted({a for t in d["traces"] for r in t["recipients"] for a in r["to"]})
base = recips(sys.argv[1])
prox = recips(sys.argv[2])
assert base and base == prox, (base, prox)
assert "abuse@nordlab-hosting.example" in prox and "abuse@labregistrar.example" in prox, prox
PY
	then ok "the same recipients through the proxy"; else bad "recipients differ"; fi
	if python3 - "$out/proxied.trail" "$PLOG" "$PROXY" "$DEMO_DNS" <<'PY'
import json, re, sys
trail = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
log = [l.rstrip("\n") for l in open(sys.argv[2])]
proxy, dns = "socks5 " + sys.argv[3], sys.argv[4]
assert trail, "empty trail"
for r in trail:
    assert r.get("proxy") == proxy, ("record without the proxy", r)
    assert r.get("proto") != "udp", ("UDP in the trail", r)
whois = [r for r in trail if r.get("proto") in ("whois", "rwhois")]
dnsr = [r for r in trail if r.get("proto") == "tcp"]
assert whois and dnsr, (len(whois), len(dnsr))
assert len(whois) + len(dnsr) == len(trail), "records of another kind"
names = {r["server_name"].lower().rstrip(".") for r in whois}
for r in whois:
    assert "server" not in r, ("a WHOIS server address was known locally", r)
for r in dnsr:
    q = (r.get("qname") or "").lower().rstrip(".")
    assert q not in names, ("DNS query for a WHOIS server name", r)
    assert r["server"] == dns and r["port"] == 53, r
# the proxy's log: one connection per exchange, WHOIS by name, DNS by address to port 53
by_name = [l for l in log if l.startswith("CONNECT name ") and l.endswith(" ok")]
by_addr = [l for l in log if l.startswith("CONNECT addr ") and l.endswith(" ok")]
assert len(by_name) == len(whois), (len(by_name), len(whois), log)
assert len(by_addr) == len(dnsr), (len(by_addr), len(dnsr))
for r in whois:
    want = "CONNECT name %s:%d -> " % (r["server_name"], r["port"])
    assert any(l.startswith(want) for l in by_name), ("not in the proxy log", want)
for l in by_addr:
    assert l.startswith("CONNECT addr %s:53 -> " % dns), l
assert len(log) == len(by_name) + len(by_addr), ("other proxy events", log)
print("  %d WHOIS exchanges by name, %d DNS exchanges over TCP" % (len(whois), len(dnsr)))
PY
	then ok "trail and proxy log: no UDP, no DNS for WHOIS servers, WHOIS by name"
	else bad "trail or proxy log"; fi
fi

# --- dns and mx through the proxy ---
: >"$PLOG"
if client dns 0 dns --socks5 "$PROXY" --server "$DEMO_DNS" --trail "$out/dns.trail" \
	crookmail.example MX; then
	grep -q ';; SERVER: 192.0.2.53:53 (tcp)' "$out/dns.out" && grep -q 'MX' "$out/dns.out" &&
		grep -q "\"proxy\":\"socks5 $PROXY\"" "$out/dns.trail" &&
		! grep -q '"udp"' "$out/dns.trail" && grep -q "CONNECT addr $DEMO_DNS:53" "$PLOG" &&
		ok "dns: TCP through the proxy" || bad "dns through the proxy: $(cat "$out/dns.out")"
fi
client mx 0 mx --socks5 "$PROXY" --server "$DEMO_DNS" crookmail.example &&
	{ grep -q 'MX ' "$out/mx.out" && ok "mx through the proxy" || bad "mx output"; }

# --- whois with username/password; the password appears nowhere ---
: >"$APLOG"
if client auth 0 whois -v --socks5 lab:Pr0xyPass@"$APROXY" --trail "$out/auth.trail" \
	crookmail.example; then
	if grep -q 'Pr0xyPass' "$out/auth.out" "$out/auth.err" "$out/auth.trail" "$APLOG"; then
		bad "the proxy password was written somewhere"
	else
		ok "authenticated; the password is in no output, log or trail"
	fi
	grep -q '^AUTH lab ok' "$APLOG" && grep -q '^CONNECT name ' "$APLOG" &&
		grep -q "via socks5 $APROXY" "$out/auth.out" &&
		ok "the proxy saw the login and a request by name" || bad "auth proxy log"
fi
MXTRACE_SOCKS5_PASSWORD=Pr0xyPass client authenv 0 whois --socks5 lab@"$APROXY" \
	crookmail.example
client authbad 75 whois --socks5 lab:wrong@"$APROXY" crookmail.example &&
	{ grep -q 'proxy refused the user name or password' "$out/authbad.out" &&
		ok "a wrong password is named" || bad "wrong password message: $(cat "$out/authbad.out")"; }
client noauth 75 whois --socks5 "$APROXY" crookmail.example &&
	{ grep -q 'it wants authentication' "$out/noauth.out" && ok "missing credentials named" ||
		bad "no-auth message: $(cat "$out/noauth.out")"; }

# --- the proxy's refusals in plain words ---
client denied 75 whois --socks5 "$PROXY" --server blocked.lab.example --trail \
	"$out/denied.trail" x.example &&
	{ grep -q 'proxy refused: connection not allowed by ruleset' "$out/denied.out" &&
		grep -q '"outcome":"proxy-error"' "$out/denied.trail" &&
		ok "ruleset refusal named" || bad "ruleset message: $(cat "$out/denied.out")"; }
client unresolved 75 whois --socks5 "$PROXY" --server no-such-server.lab.example x.example &&
	{ grep -q 'proxy failed: host unreachable' "$out/unresolved.out" &&
		ok "a name the proxy cannot resolve is named" || bad "unresolved message"; }
client deadproxy 75 whois --socks5 10.215.0.1:1 crookmail.example &&
	{ grep -q 'cannot reach the SOCKS5 proxy' "$out/deadproxy.out" &&
		ok "an unreachable proxy is named" || bad "dead proxy: $(cat "$out/deadproxy.out")"; }

# --- referral names the proxy would resolve to loopback are refused by form ---
: >"$PLOG"
client sneaky-numeric 0 whois --json --socks5 "$PROXY" --server sneaky.lab.example \
	sneaky-127-1.example &&
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
hops = [h["server"] for h in d["hops"]]
assert hops == ["sneaky.lab.example", "127.1"], hops
assert "names loopback or an address" in d["hops"][1]["detail"], d["hops"][1]
' "$out/sneaky-numeric.out" && ! grep -q 'name 127.1' "$PLOG" &&
	ok "referral to 127.1 refused, never sent to the proxy" || bad "127.1 referral"
client sneaky-localhost 0 whois --json --socks5 "$PROXY" --server sneaky.lab.example \
	sneaky.example &&
	grep -q 'whois.localhost names loopback' "$out/sneaky-localhost.out" &&
	! grep -q 'name whois.localhost' "$PLOG" &&
	ok "referral to whois.localhost refused" || bad "whois.localhost referral"

# --- usage errors ---
for spec in proxy.lab.example:1080 lab:@10.215.0.1 10.215.0.1:0 '[::1' lab@10.215.0.1; do
	ip netns exec "$CLI_NS" "$MXTRACE" dns --socks5 "$spec" --server "$DEMO_DNS" x.example \
		>/dev/null 2>"$out/usage.err"
	rc=$?
	[ $rc -eq 64 ] && ok "--socks5 $spec: usage error" || bad "--socks5 $spec: exit $rc"
done
ip netns exec "$CLI_NS" "$MXTRACE" whois --socks5 "$PROXY" --dns-server "$DEMO_DNS" x.example \
	>/dev/null 2>&1
[ $? -eq 64 ] && ok "whois --dns-server with --socks5: usage error" || bad "--dns-server"

[ $fails -eq 0 ] || lab_fail "$fails SOCKS5 lab checks failed"
echo "all SOCKS5 lab checks passed"
