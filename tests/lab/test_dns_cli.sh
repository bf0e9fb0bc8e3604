#!/bin/sh
# mxtrace dns/mx command line: usage errors, --decode of raw and hex files, a golden trail
# with the fixed clock, the -v transcript, -x, IDNA names, JSON validity. dnslab runs on
# 127.0.0.1 with a kernel-chosen port; every query names it with --server.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_dns.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/mxt-dnscli.XXXXXX") || lab_fail mktemp
LAB_TMP=$T
trap lab_cleanup EXIT

usage() { # expected-exit args...
	_want=$1
	shift
	"$MXTRACE" "$@" >"$T/u.out" 2>"$T/u.err"
	_got=$?
	[ "$_got" -eq "$_want" ] || lab_fail "mxtrace $*: exit $_got, want $_want ($(cat "$T/u.err"))"
}
usage 64 dns
usage 64 dns a.test A extra
usage 64 dns --decode x.bin name.test
usage 64 dns a.test NOSUCHTYPE
usage 64 dns a..test
usage 64 dns --server name.example a.test
usage 64 dns --server 127.0.0.1:0 a.test
usage 64 dns -x not-an-address
usage 64 mx
usage 64 mx --iterative --server 127.0.0.1 a.test
usage 66 mx --iterative --hints "$T/nonexistent" a.test
printf '; no addresses\n.  3600000  NS  a.root.test.\n' >"$T/empty.hints"
usage 65 dns --iterative --hints "$T/empty.hints" a.test
usage 69 dns --offline a.test
usage 69 mx --offline a.test
usage 66 dns --decode "$T/nonexistent"
usage 0 dns --help
grep -q -- '--decode FILE' "$T/u.out" || lab_fail "dns --help lacks --decode"

# --decode: raw, hex with comments, broken hex.
printf '\0\1\201\200\0\1\0\1\0\0\0\0\1a\4test\0\0\1\0\1\300\14\0\1\0\1\0\0\0\74\0\4\300\0\2\1' \
	>"$T/a.bin"
"$MXTRACE" dns --decode "$T/a.bin" >"$T/d.out" || lab_fail "decode raw"
grep -q "^a.test.	60	IN	A	192.0.2.1$" "$T/d.out" || lab_fail "decode raw text: $(cat "$T/d.out")"
od -An -tx1 -v "$T/a.bin" | sed '1s/^/; saved by od\n/' >"$T/a.hex"
"$MXTRACE" dns --decode "$T/a.hex" >"$T/h.out" || lab_fail "decode hex"
grep -q "decoded hex dump of 40 bytes" "$T/h.out" || lab_fail "hex: $(cat "$T/h.out")"
printf '0001 8180 0001 0000 0000 0000 0' >"$T/odd.hex"
usage 65 dns --decode "$T/odd.hex"
grep -q 'odd number of hex digits' "$T/u.err" || lab_fail "odd hex: $(cat "$T/u.err")"
"$MXTRACE" dns --decode - <"$T/a.bin" >/dev/null || lab_fail "decode stdin"

# A live dnslab on loopback, port chosen by the kernel.
SC="$(dirname "$0")/scenarios/behaviours.scenario"
cat "$SC" >"$T/cli.scenario"
cat >>"$T/cli.scenario" <<'Z'
rr 1.2.0.192.in-addr.arpa. 300 PTR ptr.lab.test.
rr xn--bcher-kva.lab.test. 300 A 192.0.2.99
rr mail.lab.test. 300 MX 10 ok.lab.test.
rr mail.lab.test. 300 MX 20 delay.lab.test.
Z
"$(lab_dns_bin dnslab)" -f "$T/cli.scenario" -p 0 -P "$T/port" -l "$T/q.log" 2>"$T/lab.err" &
LAB_PIDS=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
P=$(cat "$T/port") || lab_fail "dnslab did not start: $(cat "$T/lab.err")"
S="--server 127.0.0.1:$P"

# Golden trail: the fixed clock freezes time; query ID and source port are random by
# design, so they are masked.
# shellcheck disable=SC2086
"$MXTRACE" dns $S --fixed-clock 1700000000 --trail "$T/t.jsonl" ok.lab.test >/dev/null ||
	lab_fail "dns ok.lab.test"
sed -e 's/"src_port":[0-9]*/"src_port":SRC/' -e 's/"qid":[0-9]*/"qid":ID/' \
	-e "s/\"port\":$P,/\"port\":PORT,/" "$T/t.jsonl" >"$T/t.masked"
cat >"$T/t.golden" <<'G'
{"time":"2023-11-14T22:13:20.000Z","step":"dns","proto":"udp","server":"127.0.0.1","port":PORT,"src_port":SRC,"qname":"ok.lab.test.","qtype":"A","qid":ID,"bytes_out":40,"bytes_in":67,"elapsed_ms":0,"outcome":"answer","rcode":0,"cause":"command line","mismatches":0}
G
diff "$T/t.golden" "$T/t.masked" || lab_fail "golden trail differs"

# -v: a dig-like transcript line per exchange on stderr.
# shellcheck disable=SC2086
"$MXTRACE" dns $S -v tc.lab.test >/dev/null 2>"$T/v.err" || lab_fail "dns -v"
grep -q "^;; dns: tc.lab.test. A -> truncated, received [0-9]* bytes from 127.0.0.1#$P(udp)" \
	"$T/v.err" || lab_fail "transcript: $(cat "$T/v.err")"
grep -q "^;; dns: tc.lab.test. A -> answer, .*(tcp).*\[retry: truncated (TC) by" "$T/v.err" ||
	lab_fail "transcript tcp: $(cat "$T/v.err")"

# -x and PTR of an address; IDNA.
# shellcheck disable=SC2086
"$MXTRACE" dns $S -x 192.0.2.1 >"$T/x.out" || lab_fail "dns -x"
grep -q 'PTR	ptr.lab.test.$' "$T/x.out" || lab_fail "-x: $(cat "$T/x.out")"
# shellcheck disable=SC2086
"$MXTRACE" dns $S "bücher.lab.test" >"$T/i.out" || lab_fail "IDNA"
grep -q ' xn--bcher-kva.lab.test. 1 ' "$T/q.log" || lab_fail "IDNA query not sent as xn--"

# Exit codes of dns: 1 for NXDOMAIN and NODATA, 75 for failures.
# shellcheck disable=SC2086
usage 1 dns $S nosuch.lab.test
# shellcheck disable=SC2086
usage 1 dns $S ok.lab.test MX
# shellcheck disable=SC2086
usage 75 dns $S --timeout 200 --retries 1 servfail.lab.test

# mx --json: one valid JSON document per domain, in argument order.
# shellcheck disable=SC2086
"$MXTRACE" mx $S --json mail.lab.test ok.lab.test >"$T/mx.jsonl"
[ $? -eq 0 ] || lab_fail "mx exit"
[ "$(wc -l <"$T/mx.jsonl")" -eq 2 ] || lab_fail "mx lines"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$T/mx.jsonl" <<'PY' || lab_fail "mx JSON"
import json, sys
a, b = [json.loads(l) for l in open(sys.argv[1])]
assert a["domain"] == "mail.lab.test." and a["status"] == "found", a
assert [h["name"] for h in a["exchanges"]] == ["ok.lab.test.", "delay.lab.test."]
assert a["exchanges"][0]["addresses"] == ["192.0.2.80"]
assert b["domain"] == "ok.lab.test." and b["status"] == "implicit-mx", b
PY
fi
echo "dns/mx command line ok"
