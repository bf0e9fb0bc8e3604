#!/bin/sh
# `mxtrace data` from the command line: a lone copied binary answers from its embedded
# snapshot; info, lookup (arguments and stdin), build, verify, --json, exit codes, and
# --data / MXTRACE_DATA with good, missing and damaged snapshots. No network is used.
set -u
: "${MXTRACE:?}"
top=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxt-datacli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect_exit() { # code command...
	want=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] || { fail "'$*' exited $got, want $want"; sed 's/^/  /' "$tmp/err" | head -5; }
}
has() { grep -q -- "$2" "$1" || fail "no '$2' in $1: $(head -c 300 "$1")"; }
json_ok() { # file: every line must be a JSON document
	command -v python3 >/dev/null 2>&1 || return 0
	python3 -c 'import json,sys
for l in open(sys.argv[1]): json.loads(l)' "$1" || fail "$1 is not JSON Lines"
}

# 1. A lone copy in an empty directory, with an empty environment.
mkdir "$tmp/lone"
cp "$MXTRACE" "$tmp/lone/mxtrace"
(cd "$tmp/lone" && env -i ./mxtrace data lookup 8.8.8.8) >"$tmp/lone.out" 2>"$tmp/lone.err"
st=$?
[ $st -eq 0 ] || fail "lone binary exited $st: $(cat "$tmp/lone.err")"
has "$tmp/lone.out" "whois.arin.net"
has "$tmp/lone.out" "8.0.0.0/8"
[ -s "$tmp/lone.err" ] && fail "lone binary wrote to stderr: $(cat "$tmp/lone.err")"
[ "$(ls "$tmp/lone")" = "mxtrace" ] || fail "lone binary created files"

# 2. info: sources with their own dates; ages against a fixed clock (2026-12-04).
expect_exit 0 "$MXTRACE" data info --fixed-clock 1796342400
has "$tmp/out" "rir/delegated-arin-20130813 *2013-08-13"
has "$tmp/out" "rir/delegated-ripencc-20140520 *2014-05-20"
has "$tmp/out" "4861d  72419  STALE"
has "$tmp/out" "ip4.rir"
has "$tmp/err" "older than 180 days"
expect_exit 0 "$MXTRACE" data info --json --fixed-clock 1796342400
json_ok "$tmp/out"
has "$tmp/out" '"path":"rir/delegated-arin-20130813","date":"2013-08-13","age_days":4861,"stale":true'

# 3. lookup with arguments: kinds, text and JSON, exit codes.
expect_exit 0 "$MXTRACE" data lookup 10.1.2.3 2001:db8::1 AS15169 com example.co.uk
has "$tmp/out" "Private-Use"
has "$tmp/out" "(none: do not ask)"
has "$tmp/out" "AS15169"
has "$tmp/out" "whois.verisign-grs.com"
has "$tmp/out" "registered example.co.uk"
expect_exit 0 "$MXTRACE" data lookup --json 1.1.1.1 AS3333 mx.example.com dev
json_ok "$tmp/out"
has "$tmp/out" '"kind":"ip","whois":"whois.apnic.net"'
has "$tmp/out" '"why":"rir"'
has "$tmp/out" '"registered":"example.com"'
has "$tmp/out" '"no_port43":true'
expect_exit 1 "$MXTRACE" data lookup nosuchtld
expect_exit 1 "$MXTRACE" data lookup co.uk
expect_exit 65 "$MXTRACE" data lookup 'a..b'
has "$tmp/err" "'a..b': not a valid domain name"
expect_exit 65 "$MXTRACE" data lookup 8.8.8.8 'bad name!' com
has "$tmp/out" "whois.arin.net"

expect_exit 0 "$MXTRACE" data lookup .
has "$tmp/out" "root hints of 2026-05-21"
has "$tmp/out" "a.root-servers.net  198.41.0.4  2001:503:ba3e::2:30"
expect_exit 0 "$MXTRACE" data lookup --json .
json_ok "$tmp/out"
has "$tmp/out" '"kind":"root","date":"2026-05-21"'

# 4. lookup from stdin: one tab-separated line per query, comments and blanks skipped.
printf '8.8.8.8\n# comment\n\n2a00:1450::1\nAS1\nexample.org\nfoo..bar\n' >"$tmp/q"
expect_exit 65 sh -c "'$MXTRACE' data lookup < '$tmp/q'"
[ "$(wc -l <"$tmp/out")" -eq 5 ] || fail "stdin: $(wc -l <"$tmp/out") lines, want 5"
has "$tmp/out" "8.8.8.8	ip	whois.arin.net	https://rdap.arin.net/registry/	arin	US	allocated	1992-12-01	8.0.0.0/9	rir"
has "$tmp/out" "AS1	asn	whois.arin.net"
has "$tmp/out" "example.org	domain	example.org	org	example.org	"
has "$tmp/out" "foo..bar	error	"
expect_exit 0 sh -c "printf '1.1.1.1\n' | '$MXTRACE' data lookup --json -"
json_ok "$tmp/out"
head -c 2000 /dev/zero | tr '\0' 'a' >"$tmp/long"
expect_exit 65 sh -c "'$MXTRACE' data lookup < '$tmp/long'"
has "$tmp/err" "stdin:1: line longer than"

# 5. build and verify; the same inputs give the same bytes.
mkdir "$tmp/s1" "$tmp/s2"
expect_exit 0 "$MXTRACE" data build --from tests/data/snapmin --out "$tmp/s1"
expect_exit 0 "$MXTRACE" data build --from "$top/tests/data/snapmin" --out "$tmp/s2"
cmp -s "$tmp/s1/mxtrace.snap" "$tmp/s2/mxtrace.snap" || fail "two builds differ"
expect_exit 0 "$MXTRACE" data verify "$tmp/s1"
has "$tmp/out" "verified"
expect_exit 0 "$MXTRACE" data verify --json "$tmp/s1"
json_ok "$tmp/out"
has "$tmp/out" '"ok":true'
expect_exit 0 "$MXTRACE" data verify
has "$tmp/out" "embedded snapshot"
expect_exit 66 "$MXTRACE" data verify "$tmp/nonexistent"
cp -r tests/data/snapmin "$tmp/bad"
sed 's/^arin|US|asn|1|1|20010920|allocated$/arin|US|asn|1|1|2001|allocated/' \
	tests/data/snapmin/rir/delegated-arin-20130813 >"$tmp/bad/rir/delegated-arin-20130813"
expect_exit 65 "$MXTRACE" data build --from "$tmp/bad" --out "$tmp/s2"
has "$tmp/err" "rir/delegated-arin-20130813:5: bad date '2001'"
cmp -s "$tmp/s1/mxtrace.snap" "$tmp/s2/mxtrace.snap" || fail "a failed build replaced the file"
expect_exit 66 "$MXTRACE" data build --from "$tmp/nonexistent" --out "$tmp/s2"
expect_exit 0 "$MXTRACE" data build --json --from tests/data/snapmin --out "$tmp/s2"
json_ok "$tmp/out"
has "$tmp/out" '"ok":true'
has "$tmp/out" '"warnings":\[\]'
expect_exit 65 "$MXTRACE" data build --json --from "$tmp/bad" --out "$tmp/s2"
json_ok "$tmp/out"
has "$tmp/out" '"ok":false,.*"error":"rir/delegated-arin-20130813:5: bad date'

expect_exit 64 "$MXTRACE" data build --out "$tmp/s2"

# 6. --data and MXTRACE_DATA: used when sound, else a warning and the embedded copy.
expect_exit 0 "$MXTRACE" --data "$tmp/s1" data info
has "$tmp/out" "snapshot  file"
has "$tmp/out" "whois-servers/iana-root-db/tld-whois-rdap.csv"
expect_exit 0 "$MXTRACE" data lookup --data "$tmp/s1" 8.130.0.1
has "$tmp/out" "APNIC CN allocated 2020-03-02"
expect_exit 0 env MXTRACE_DATA="$tmp/s1" "$MXTRACE" data lookup 8.130.0.1
has "$tmp/out" "APNIC CN allocated 2020-03-02"
mkdir "$tmp/trunc"
head -c 3000 "$tmp/s1/mxtrace.snap" >"$tmp/trunc/mxtrace.snap"
expect_exit 0 "$MXTRACE" --data "$tmp/trunc" data lookup 8.8.8.8
has "$tmp/err" "warning: ignoring $tmp/trunc/mxtrace.snap: .*truncated.*using the embedded snapshot"
has "$tmp/out" "whois.arin.net"
expect_exit 65 "$MXTRACE" data verify "$tmp/trunc"
has "$tmp/err" "truncated"
mkdir "$tmp/empty"
expect_exit 0 "$MXTRACE" --data "$tmp/empty" data info
has "$tmp/err" "no snapshot $tmp/empty/mxtrace.snap"
has "$tmp/out" "snapshot  embedded"

# 7. usage errors.
expect_exit 64 "$MXTRACE" data
expect_exit 64 "$MXTRACE" data frobnicate
expect_exit 64 "$MXTRACE" data info extra
expect_exit 0 "$MXTRACE" data --help
has "$tmp/out" "lookup \[QUERY ...\]"

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "ok"
