#!/bin/sh
# `mxtrace trace --offline` sends no packet (empty trail) and still says what the snapshots
# know; usage errors and unreadable inputs get their exit codes. Needs no root and no lab.
set -u
: "${MXTRACE:?}"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$MXTRACE" trace --offline --trail "$tmp/trail" examples/inheritance.eml \
	examples/lottery-freemail.eml >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "offline exit $rc: $(cat "$tmp/err")"
[ -f "$tmp/trail" ] && [ ! -s "$tmp/trail" ] || fail "offline mode wrote trail records"
grep -q "offline: what the bundled snapshots say" "$tmp/out" || fail "no snapshot-only verdict"
grep -q "report to the provider's abuse desk" "$tmp/out" || fail "no provider verdict"
grep -q "support.google.com" "$tmp/out" || fail "no provider desk"

"$MXTRACE" trace --offline --json claims@crookmail.example >"$tmp/json" || fail "json exit"
python3 - "$tmp/json" <<'PY' || fail "offline JSON"
import json, sys
d = json.load(open(sys.argv[1]))
t = d["traces"][0]
assert t["verdict"]["code"] == "snapshot-only", t["verdict"]
assert t["mx"] is None and t["hosts"] == []
assert t["reply_domain_registration"]["domain"] == "crookmail.example"
PY

# drafts from a saved trace; a changed original is refused
"$MXTRACE" trace --offline --json examples/lottery-freemail.eml >"$tmp/saved.json" || fail "save"
"$MXTRACE" report --report "$tmp/drafts" "$tmp/saved.json" >"$tmp/rep.out" 2>&1 ||
	fail "report from JSON: $(cat "$tmp/rep.out")"
ls "$tmp/drafts" | grep -q provider || fail "no provider draft from the saved trace"
grep -q "hans.gruber.claims@gmail.com" "$tmp/drafts"/*provider* || fail "draft lacks the address"
cp examples/lottery-freemail.eml "$tmp/copy.eml"
"$MXTRACE" trace --offline --json "$tmp/copy.eml" >"$tmp/saved2.json"
echo "tampered" >>"$tmp/copy.eml"
"$MXTRACE" report --report "$tmp/d2" "$tmp/saved2.json" >/dev/null 2>&1
[ $? -eq 65 ] || fail "a changed original was not refused"
printf '{"input": ' >"$tmp/broken.json"
"$MXTRACE" report --report "$tmp/d3" "$tmp/broken.json" >/dev/null 2>&1
[ $? -eq 65 ] || fail "truncated JSON not refused with 65"
"$MXTRACE" report "$tmp/saved.json" >/dev/null 2>&1; [ $? -eq 64 ] || fail "report without --report"

# usage and input errors
"$MXTRACE" trace >/dev/null 2>&1; [ $? -eq 64 ] || fail "no operand: not 64"
"$MXTRACE" trace --format pdf x.example >/dev/null 2>&1; [ $? -eq 64 ] || fail "bad format"
"$MXTRACE" trace --offline ./no/such/file.eml >/dev/null 2>&1; [ $? -eq 66 ] || fail "missing file"
printf 'Subject: x\n\nno address here\n' >"$tmp/none.eml"
"$MXTRACE" trace --offline "$tmp/none.eml" >/dev/null 2>&1; [ $? -eq 1 ] || fail "no candidate"
"$MXTRACE" trace --offline 'bad domain!' >/dev/null 2>&1; [ $? -eq 65 ] || fail "bad target"
# limits of the trace's own options: first valid, first invalid
for ok in "--per-message 1" "--per-message 3" "--whois-timeout 1" "--whois-timeout 600000" \
	"--max-size 1024"; do
	# shellcheck disable=SC2086
	"$MXTRACE" trace --offline $ok claims@crookmail.example >/dev/null 2>&1 ||
		fail "$ok refused"
done
for bad in "--per-message 0" "--per-message 4" "--whois-timeout 0" "--whois-timeout 600001" \
	"--max-size 1023"; do
	# shellcheck disable=SC2086
	"$MXTRACE" trace --offline $bad claims@crookmail.example >/dev/null 2>&1
	[ $? -eq 64 ] || fail "$bad accepted"
done
# --per-message N traces at most N reply addresses of a message
printf 'From: a@b.example\nReply-To: one@crook1.example\nSubject: x\n\nWrite to two@crook2.example or three@crook3.example\n' \
	>"$tmp/three.eml"
n1=$("$MXTRACE" trace --offline --json --per-message 1 "$tmp/three.eml" |
	python3 -c 'import json,sys; print(len(json.load(sys.stdin)["traces"]))')
[ "$n1" = 1 ] || fail "--per-message 1 traced $n1 addresses"

# hostile bytes in a message never reach the terminal raw
printf 'From: a@b.example\nReply-To: "\033[2J\007x" <evil\033]0;t\007@crook.example>\nSubject: \033[31mred\n\nhi\n' \
	>"$tmp/esc.eml"
"$MXTRACE" trace --offline "$tmp/esc.eml" >"$tmp/esc.out" 2>&1
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/esc.out"; then fail "raw ESC reached the output"; fi
echo "offline trace checks passed"
