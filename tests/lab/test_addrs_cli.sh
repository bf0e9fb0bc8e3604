#!/bin/sh
# `mxtrace addrs` from the command line: output, JSON Lines, stdin, options and exit codes,
# on the project's own fixtures (no network, no shared data needed).
set -u
: "${MXTRACE:?}"
top=$(cd "$(dirname "$0")/../.." && pwd)
fix="$top/tests/fixtures/mail"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxt-addrs.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

expect_rc() { # want cmd...
	want=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] || { cat "$tmp/out" "$tmp/err"; fail "'$*' exit $got, want $want"; }
}

expect_rc 0 "$MXTRACE" addrs "$fix/reply-to-freemail.eml"
grep -q '^  1\. claims.desk@gmail.com  \[reply-to, score' "$tmp/out" || fail "text ranking"
grep -q 'report to the provider' "$tmp/out" || fail "free-mail marking"
grep -q 'excluded victim@home.example: a recipient' "$tmp/out" || fail "victim listed"

expect_rc 1 "$MXTRACE" addrs "$fix/infra-only.eml"
grep -q 'no candidate reply address' "$tmp/out" || fail "nothing found message"

# stdin, and the JSON document per message
expect_rc 0 sh -c "\"$MXTRACE\" addrs --json - <\"$fix/body-obfuscated.eml\""
grep -q '"address":"james.private@crookmail.example"' "$tmp/out" || fail "json candidate"
grep -q '"input":"-"' "$tmp/out" || fail "json input name"
[ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "one JSON line per message"
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/out" ||
		fail "invalid JSON"
fi

# mbox: three messages, three JSON lines, one per message
expect_rc 0 "$MXTRACE" addrs --json "$fix/three.mbox"
[ "$(wc -l <"$tmp/out")" -eq 3 ] || fail "mbox gives 3 JSON lines"

# several files in one run; the worst exit code wins
expect_rc 66 "$MXTRACE" addrs "$fix/reply-to-freemail.eml" "$tmp/does-not-exist"
grep -q 'claims.desk@gmail.com' "$tmp/out" || fail "the readable file is still reported"
grep -q 'cannot read' "$tmp/err" || fail "missing file message"

# --exclude removes an address of the user's own
expect_rc 0 "$MXTRACE" addrs --exclude claims.desk@gmail.com "$fix/reply-to-freemail.eml"
grep -q 'claims.desk@gmail.com: one of your own' "$tmp/out" || fail "--exclude"

# --max-size: first valid / first invalid
size=$(wc -c <"$fix/reply-to-freemail.eml" | tr -d ' ')
expect_rc 0 "$MXTRACE" addrs --max-size "$size" "$fix/reply-to-freemail.eml"
expect_rc 65 "$MXTRACE" addrs --max-size "$((size - 1))" "$fix/reply-to-freemail.eml"
grep -q "over the cap of $((size - 1)) bytes" "$tmp/out" || fail "cap message"

# --top
expect_rc 0 "$MXTRACE" addrs --top 1 "$fix/reply-to-freemail.eml"
grep -q '(1 more; --top 0 shows all)' "$tmp/out" || fail "--top"

# usage errors
expect_rc 64 "$MXTRACE" addrs
expect_rc 64 "$MXTRACE" addrs --max-size 0 "$fix/reply-to-freemail.eml"
expect_rc 64 "$MXTRACE" addrs --exclude notanaddress "$fix/reply-to-freemail.eml"
expect_rc 0 "$MXTRACE" addrs --help
grep -q -- '--exclude ADDR' "$tmp/out" || fail "help lists options"

# empty input: nothing found
: >"$tmp/empty"
expect_rc 1 "$MXTRACE" addrs "$tmp/empty"

# terminal safety: control characters in peer data are escaped
printf 'Subject: bell\007\033[31m\nFrom: a@crook.example\n\nhi\n' >"$tmp/ctl.eml"
expect_rc 0 "$MXTRACE" addrs "$tmp/ctl.eml"
if grep -q "$(printf '\033')" "$tmp/out"; then fail "escape sequence reached the terminal"; fi
echo "PASS: addrs command line"
