#!/bin/sh
# `mxtrace whois --parse`: files and standard input, summary with provenance, --json, --raw
# with control characters escaped, exit codes per service state. No network involved.
. "$(dirname "$0")/lib.sh"
fx=tests/data/whois
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxt-whois-parse.XXXXXX") || lab_fail mktemp
trap 'rm -rf "$tmp"' EXIT

# a pipe, as in `whois 1.2.3.4 | mxtrace whois --parse`; the layout is guessed
out=$(cat $fx/whois.ripe.net/nordlab-130.66.76.txt | "$MXTRACE" whois --parse) ||
	lab_fail "stdin parse exit $?"
echo "$out" | grep -q '^abuse  *abuse@nordlab-hosting.example (abuse-contact-line, high confidence)   \[answer line 12\]$' ||
	lab_fail "summary abuse line: $out"
echo "$out" | grep -q '^server  *(unknown) (format rpsl' || lab_fail "format guess: $out"

# --server names the answering server in every provenance
out=$("$MXTRACE" whois --parse $fx/whois.arin.net/ripe-erx-130.66.txt --server whois.arin.net)
echo "$out" | grep -q '^refused  *abuse@ripe.net: RIPE NCC: the registry, not the holder' ||
	lab_fail "RIR refusal: $out"
echo "$out" | grep -q '^referral  *whois.ripe.net:43 (arin-referralserver)   \[line 43\]$' ||
	lab_fail "referral: $out"
echo "$out" | grep -q 'whois.arin.net line 13\]$' || lab_fail "provenance: $out"

# --json: one document
"$MXTRACE" whois --parse --json --server whois.verisign-grs.com \
	$fx/whois.verisign-grs.com/scam-parcel-delivery.com.txt >"$tmp/v.json" || lab_fail "json exit"
python3 - "$tmp/v.json" <<'PY' || lab_fail "json content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["state"] == "answered", d
assert d["registrar"] == {"value": "Lab Registrar, Inc.", "line": 8}, d["registrar"]
assert d["abuse"]["email"] == "abuse@labregistrar.example" and d["abuse"]["scope"] == "registrar"
assert d["referral"] == {"host": "whois.labregistrar.example", "port": 43,
                         "kind": "registrar-whois-server"}, d["referral"]
PY

# --raw: hostile bytes never reach the terminal raw
printf 'Domain Name: X.COM\r\nRegistrar: \033[2J\033]0;pwned\007Evil\0Co\r\n' >"$tmp/evil.txt"
"$MXTRACE" whois --parse --raw "$tmp/evil.txt" >"$tmp/evil.out"
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/evil.out"; then lab_fail "raw ESC reached the output"; fi
if LC_ALL=C tr -d '\n\t' <"$tmp/evil.out" | LC_ALL=C grep -q '[[:cntrl:]]'; then
	lab_fail "control characters in the output"
fi
grep -q 'x1b\[2J' "$tmp/evil.out" || lab_fail "escape not shown escaped"

# exit codes: 0 answered, 1 no match, 75 rate-limited, 69 not served, 65 malformed, 66 no file
st() { "$MXTRACE" whois --parse "$@" >/dev/null 2>&1; echo $?; }
[ "$(st $fx/whois.verisign-grs.com/nomatch.txt)" = 1 ] || lab_fail "no-match exit"
[ "$(st $fx/whois.ripe.net/denied.txt)" = 75 ] || lab_fail "rate-limit exit"
[ "$(st $fx/whois.nic.info/not-supported.txt)" = 69 ] || lab_fail "not-served exit"
printf '<html><body>no</body></html>\n' >"$tmp/h.txt"
[ "$(st "$tmp/h.txt")" = 65 ] || lab_fail "malformed exit"
[ "$(st "$tmp/absent.txt")" = 66 ] || lab_fail "missing file exit"
[ "$(st --format nonsense $fx/whois.ripe.net/denied.txt)" = 64 ] || lab_fail "usage exit"
# the cap: a 300 kB answer is cut at --max-bytes with a warning
python3 -c "print('remarks: ' + 'x' * 300000)" >"$tmp/big.txt"
"$MXTRACE" whois --parse --max-bytes 1000 "$tmp/big.txt" 2>"$tmp/big.err" >/dev/null
grep -q 'cut at 1000 bytes' "$tmp/big.err" || lab_fail "cap warning"
echo "whois --parse ok"
