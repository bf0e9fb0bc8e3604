#!/bin/sh
# The lab WHOIS server itself: answers by (server name, query), logs every query line, and
# misbehaves on request (drip, delay, close, noclose, endless, RWhois sessions, rate limits).
# An unmodified client (Debian whois) finds the lab servers through the namespace's hosts.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_whois.sh"
lab_require_cmd python3
whois_lab_start whois-srv

ask() { # NAME QUERY -> answer on stdout (python client, 10 s deadline)
	lab_exec python3 - "$(whois_lab_addr "$1")" "$2" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], 43), timeout=10)
s.sendall(sys.argv[2].encode() + b"\r\n")
out = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    out += d
sys.stdout.write(out.decode("utf-8", "replace"))
PY
}

out=$(ask whois.iana.org com) || lab_fail "iana com"
echo "$out" | grep -q '^whois:        whois.verisign-grs.com$' || lab_fail "iana answer: $out"
out=$(ask whois.iana.org shop-lab.dev)
echo "$out" | grep -q '^domain:       DEV$' || lab_fail "pattern match"
out=$(ask whois.arin.net 'n + 192.0.2.1')
echo "$out" | grep -q '^No match found' || lab_fail "default entry"
[ "$(whois_lab_queries whois.iana.org | head -2 | tr '\n' '|')" = "com|shop-lab.dev|" ] ||
	lab_fail "query log: $(cat "$WHOIS_LAB_QLOG")"

# rate limit: the first connection is answered, the second refused
ask ratelimit.lab.example x >/dev/null
out=$(ask ratelimit.lab.example x)
echo "$out" | grep -q 'WHOIS LIMIT EXCEEDED' || lab_fail "limit: $out"

# behaviours seen from the socket
lab_exec python3 - "$(whois_lab_addr drip.lab.example)" "$(whois_lab_addr close.lab.example)" \
	"$(whois_lab_addr noclose.lab.example)" "$(whois_lab_addr endless.lab.example)" \
	"$(whois_lab_addr rwhois.servernap.net)" <<'PY' || lab_fail "socket behaviours"
import socket, select, sys
drip, close, noclose, endless, rw = sys.argv[1:6]
def conn(a, port=43):
    s = socket.create_connection((a, port), timeout=10)
    return s
# drip: small pieces
s = conn(drip); s.sendall(b"x\r\n")
first = s.recv(65536)
assert 0 < len(first) <= 64, len(first)
s.close()
# close: EOF without a byte, even before we ask
s = conn(close)
assert s.recv(100) == b""
s.close()
# noclose: the answer comes, then the connection stays open
s = conn(noclose); s.sendall(b"x\r\n")
got = b""
while b"Last update" not in got:
    got += s.recv(65536)
r, _, _ = select.select([s], [], [], 1.0)
assert not r or s.recv(1) != b"", "closed"
s.close()
# endless: far more than the file
s = conn(endless); s.sendall(b"x\r\n")
n = 0
while n < 200000:
    d = s.recv(65536)
    assert d
    n += len(d)
s.close()
# RWhois: banner, answer ending in %ok, session open until -quit
s = conn(rw, 4321)
f = s.makefile("rb")
assert f.readline().startswith(b"%rwhois V-1.5")
s.sendall(b"69.65.39.166\r\n")
lines = []
while True:
    l = f.readline()
    assert l
    lines.append(l)
    if l.startswith(b"%ok") or l.startswith(b"%error"):
        break
assert any(b"network:Abuse-Email:abuse@labhost-customer.example" in l for l in lines)
r, _, _ = select.select([s], [], [], 1.0)
assert not r, "rwhois session closed early"
s.sendall(b"192.0.2.1\r\n")
assert f.readline().startswith(b"%error 230")
s.sendall(b"-quit\r\n")
assert f.readline().startswith(b"%ok")
assert f.readline() == b""
PY

# Debian's client reaches the lab by name and follows ARIN's referral to RIPE
if command -v whois >/dev/null 2>&1; then
	out=$(lab_timeout 20 ip netns exec "$LAB_NS" whois 130.66.76.222) || lab_fail "debian whois"
	echo "$out" | grep -q "abuse@nordlab-hosting.example" || lab_fail "debian chain: $out"
	whois_lab_queries whois.arin.net | grep -qx 'n + 130.66.76.222' || lab_fail "arin syntax"
fi
echo "lab WHOIS server ok"
